//! `cargo bench -p ch14-timer-wheel --bench timers [-- --quick]`
//!
//! A million pending timers: sleep futures with deadlines spread over
//! 1 s..1 h, each registered by one poll, then all dropped (cancelled). For
//! tokio's wheel, chapter 6's heap and this chapter's wheel, in one process:
//! insert and cancel time per timer, and the live heap bytes per pending
//! timer (the boxed future plus whatever the timer store keeps), from a
//! counting global allocator. Several runs; the summary gives medians of
//! the ratios to tokio, with their spread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

// ANCHOR: allocator
/// The system allocator, keeping a count of the bytes live right now.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged; the caller keeps `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: as above, for `dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: as above, for `realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;
// ANCHOR_END: allocator

#[derive(Clone, Copy, Debug)]
struct Figures {
    insert_ns: f64,
    cancel_ns: f64,
    /// Live bytes per timer while they are all pending.
    bytes: f64,
    /// Live bytes per timer still held once they were all cancelled.
    left_bytes: f64,
}

// ANCHOR: measure
/// Makes `n` sleeps, polls each once (registering it), drops them all.
async fn measure<S, M>(n: usize, make: M) -> Figures
where
    S: Future<Output = ()>,
    M: Fn(Instant) -> S,
{
    let now = Instant::now();
    let before = LIVE.load(Ordering::Relaxed);
    let mut sleeps: Vec<Pin<Box<S>>> = (0..n as u64)
        .map(|i| {
            // 1 s..1 h, scrambled so neighbours are far apart.
            let ms = 1_000 + (i * 7_919) % 3_599_000;
            Box::pin(make(now + Duration::from_millis(ms)))
        })
        .collect();
    let start = Instant::now();
    poll_fn(|cx: &mut Context<'_>| {
        for sleep in &mut sleeps {
            assert!(
                sleep.as_mut().poll(cx).is_pending(),
                "a sleep finished early"
            );
        }
        Poll::Ready(())
    })
    .await;
    let insert = start.elapsed();
    let pending = LIVE.load(Ordering::Relaxed);
    let start = Instant::now();
    drop(sleeps);
    let cancel = start.elapsed();
    let left = LIVE.load(Ordering::Relaxed);
    let per = |d: Duration| d.as_nanos() as f64 / n as f64;
    Figures {
        insert_ns: per(insert),
        cancel_ns: per(cancel),
        bytes: (pending - before) as f64 / n as f64,
        left_bytes: (left - before) as f64 / n as f64,
    }
}
// ANCHOR_END: measure

fn tokio_run(n: usize) -> Figures {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    // Unconstrained: with its budget spent, a sleep returns `Pending`
    // without registering (in tokio and in chapter 14 alike).
    rt.block_on(tokio::task::unconstrained(measure(n, |at| {
        tokio::time::sleep_until(tokio::time::Instant::from_std(at))
    })))
}

fn ch06_run(n: usize) -> Figures {
    let rt = ch06_reactor::Runtime::new(1);
    rt.block_on(measure(n, ch06_reactor::time::sleep_until))
}

fn ch14_run(n: usize) -> Figures {
    let rt = ch14_timer_wheel::Runtime::new(1);
    let figures = rt.block_on(ch14_timer_wheel::task::unconstrained(measure(
        n,
        ch14_timer_wheel::time::sleep_until,
    )));
    assert_eq!(rt.wheel().len(), 0, "the wheel is empty again");
    figures
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn spread(xs: &[f64]) -> String {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{lo:.2}-{hi:.2}")
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (n, runs) = if quick { (100_000, 3) } else { (1_000_000, 5) };
    println!(
        "{n} pending timers (deadlines 1 s..1 h), {runs} runs; ratios are to tokio in the same run"
    );
    type Run = fn(usize) -> Figures;
    let subjects: [(&str, Run); 3] = [
        ("tokio", tokio_run),
        ("ch06 heap", ch06_run),
        ("ch14 wheel", ch14_run),
    ];
    // results[subject][run]
    let mut results: Vec<Vec<Figures>> = vec![Vec::new(); subjects.len()];
    for run in 0..runs {
        // A different order each run, so no subject always goes first.
        for k in 0..subjects.len() {
            let s = (k + run) % subjects.len();
            results[s].push((subjects[s].1)(n));
        }
        for (s, (name, _)) in subjects.iter().enumerate() {
            let f = results[s][run];
            println!(
                "run {run} {name:<10} insert {:6.1} ns  cancel {:6.1} ns  {:6.1} B/timer pending  {:6.1} B/timer after cancel",
                f.insert_ns, f.cancel_ns, f.bytes, f.left_bytes
            );
        }
    }
    println!("\nmedian over {runs} runs (ratio to tokio: median, min-max)");
    println!(
        "{:<10} {:>10} {:>16} {:>10} {:>16} {:>9} {:>16} {:>12}",
        "", "insert ns", "ratio", "cancel ns", "ratio", "B/timer", "ratio", "B left"
    );
    for (s, (name, _)) in subjects.iter().enumerate() {
        let col = |f: fn(&Figures) -> f64| -> (f64, Vec<f64>) {
            let own: Vec<f64> = results[s].iter().map(f).collect();
            let ratios = results[s]
                .iter()
                .zip(&results[0])
                .map(|(a, t)| f(a) / f(t))
                .collect();
            (median(own), ratios)
        };
        let (ins, ins_r) = col(|f| f.insert_ns);
        let (can, can_r) = col(|f| f.cancel_ns);
        let (byt, byt_r) = col(|f| f.bytes);
        let left = median(results[s].iter().map(|f| f.left_bytes).collect());
        println!(
            "{name:<10} {ins:>10.1} {:>6.2} ({:>8}) {can:>10.1} {:>6.2} ({:>8}) {byt:>9.1} {:>6.2} ({:>8}) {left:>12.1}",
            median(ins_r.clone()), spread(&ins_r), median(can_r.clone()), spread(&can_r), median(byt_r.clone()), spread(&byt_r)
        );
    }
}
