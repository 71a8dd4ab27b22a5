//! `cargo run --release -p bench --bin idle_tasks [-- --tasks N]`: the heap
//! memory one idle task costs, on tokio and on our tuned runtime.
//!
//! Each runtime (2 workers) spawns N tasks that are polled once and then
//! wait forever, like a server's connections waiting for a request. A
//! counting allocator gives the live heap bytes before the spawns and once
//! every task has been polled; the difference over N is the cost of one
//! idle task: its allocation, its entry in the runtime's task list, and
//! whatever the runtime allocates per task besides. Bytes, not time, so one
//! run is enough and the machine's load does not matter.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// std's allocator, counting the bytes currently allocated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed straight to `System`; the counter is only
// bookkeeping beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = System.realloc(ptr, layout, new_size);
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What each task does: note that it was polled, then wait forever.
async fn idle_task(polled: Arc<AtomicUsize>) {
    polled.fetch_add(1, Ordering::Relaxed);
    std::future::pending::<()>().await;
}

/// Spawns `tasks` idle tasks through `spawn` (called where the runtime is
/// current), waits until all were polled, and returns the live bytes they
/// added, per task.
fn measure(name: &str, tasks: usize, spawn: impl Fn(Arc<AtomicUsize>)) -> f64 {
    let polled = Arc::new(AtomicUsize::new(0));
    let added = {
        let before = LIVE.load(Ordering::Relaxed);
        for _ in 0..tasks {
            spawn(polled.clone());
        }
        let deadline = Instant::now() + Duration::from_secs(120);
        // The spawning thread is not a worker, so it waits here while the
        // workers poll; a short sleep between looks keeps it off their cores.
        while polled.load(Ordering::Relaxed) < tasks {
            assert!(
                Instant::now() < deadline,
                "{name}: only {} of {tasks} tasks were polled within 120 s",
                polled.load(Ordering::Relaxed)
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        LIVE.load(Ordering::Relaxed).saturating_sub(before)
    };
    added as f64 / tasks as f64
}

fn main() {
    let mut tasks = 1_000_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--tasks", Some(n)) => match n.parse() {
                Ok(n) => tasks = n,
                Err(_) => return eprintln!("idle_tasks: --tasks wants a whole number, not {n:?}"),
            },
            _ => return eprintln!("usage: idle_tasks [--tasks N]"),
        }
    }
    println!("{tasks} idle tasks, 2 workers; heap bytes per task (counting allocator)");

    let tokio = {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("tokio runtime");
        let _guard = rt.enter();
        measure("tokio", tasks, |polled| {
            drop(tokio::spawn(idle_task(polled)))
        })
    };
    println!("tokio            {tokio:>7.1} bytes per task");

    for (name, bytes) in [
        ("ch12-lifo", {
            let rt = ch12_tuning::Runtime::new(2);
            rt.block_on(async {
                measure("ch12-lifo", tasks, |polled| {
                    drop(ch03_global_queue::spawn(idle_task(polled)))
                })
            })
        }),
        ("ch12", {
            let rt = ch12_tuning::Runtime::new(2);
            rt.block_on(async {
                measure("ch12", tasks, |polled| {
                    drop(ch12_tuning::spawn(idle_task(polled)))
                })
            })
        }),
        ("ch14", {
            let rt = ch14_timer_wheel::Runtime::new(2);
            rt.block_on(async {
                measure("ch14", tasks, |polled| {
                    drop(ch14_timer_wheel::spawn(idle_task(polled)))
                })
            })
        }),
    ] {
        println!(
            "{name:<16} {bytes:>7.1} bytes per task ({:.2}x tokio)",
            bytes / tokio
        );
    }
}
