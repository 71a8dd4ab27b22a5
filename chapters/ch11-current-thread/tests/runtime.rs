//! The current-thread runtime: everything on one thread, timers and TCP
//! through chapter 6's reactor, futures that are not `Send`, and wake-ups
//! and spawns from other threads. Each test runs under a timeout; none
//! asserts a duration.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::task::Poll;
use std::thread;
use std::time::Duration;

use ch11_current_thread::net::{TcpListener, TcpStream};
use ch11_current_thread::{spawn, spawn_blocking, spawn_local, time, yield_now, Runtime};

#[test]
fn every_task_runs_on_the_thread_that_calls_block_on() {
    testkit::timeout(|| {
        let runtime = Runtime::new();
        let me = thread::current().id();
        let ids = runtime.block_on(async {
            let tasks: Vec<_> = (0..10)
                .map(|_| spawn(async { format!("{:?}", thread::current().id()) }))
                .collect();
            let mut ids = Vec::new();
            for task in tasks {
                ids.push(task.await.expect("task"));
            }
            ids
        });
        assert!(ids.iter().all(|id| *id == format!("{me:?}")), "{ids:?}");
    });
}

#[test]
fn a_future_that_is_not_send_can_be_spawned() {
    testkit::timeout(|| {
        let runtime = Runtime::new();
        // An `Rc<Cell<_>>` shared by a hundred tasks: no atomics, no lock.
        let count = Rc::new(Cell::new(0u32));
        runtime.block_on(async {
            let tasks: Vec<_> = (0..100)
                .map(|_| {
                    let count = count.clone();
                    spawn_local(async move {
                        for _ in 0..10 {
                            count.set(count.get() + 1);
                            yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("task");
            }
        });
        assert_eq!(count.get(), 1000);
    });
}

#[test]
fn timers_fire_in_deadline_order_while_the_thread_parks_in_the_reactor() {
    testkit::timeout(|| {
        let runtime = Runtime::new();
        let order = Rc::new(RefCell::new(Vec::new()));
        runtime.block_on(async {
            let tasks: Vec<_> = [30u64, 10, 20]
                .into_iter()
                .map(|ms| {
                    let order = order.clone();
                    spawn_local(async move {
                        time::sleep(Duration::from_millis(ms)).await;
                        order.borrow_mut().push(ms);
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("task");
            }
        });
        assert_eq!(*order.borrow(), [10, 20, 30]);
        // It waited in the reactor (only a waiting turn fires timers when
        // fewer than 61 tasks are ready); a runtime that spun would not.
        assert!(runtime.stats().parks > 0, "{:?}", runtime.stats());
    });
}

#[test]
fn tcp_echo_on_one_thread() {
    testkit::timeout(|| {
        let runtime = Runtime::new();
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let server = spawn_local(async move {
                for _ in 0..3 {
                    let (mut stream, _) = listener.accept().await.expect("accept");
                    spawn_local(async move {
                        let mut buf = [0u8; 1024];
                        loop {
                            let n = stream.read(&mut buf).await.expect("read");
                            if n == 0 {
                                break;
                            }
                            stream.write_all(&buf[..n]).await.expect("write");
                        }
                    });
                }
            });
            let clients: Vec<_> = (0..3)
                .map(|c| {
                    spawn_local(async move {
                        let mut stream = TcpStream::connect(addr).await.expect("connect");
                        for m in 0..20 {
                            let size = 64 + (c * 20 + m) * 7 % 449;
                            let message: Vec<u8> = (0..size).map(|i| (i * 31 + m) as u8).collect();
                            stream.write_all(&message).await.expect("write");
                            let mut echoed = vec![0u8; size];
                            let mut got = 0;
                            while got < size {
                                let n = stream.read(&mut echoed[got..]).await.expect("read");
                                assert!(n > 0, "the server closed early");
                                got += n;
                            }
                            assert_eq!(echoed, message);
                        }
                    })
                })
                .collect();
            for client in clients {
                client.await.expect("client");
            }
            server.await.expect("server");
        });
    });
}

#[test]
fn a_waker_called_from_another_thread_ends_the_wait_in_the_reactor() {
    // No timer and no socket: the runtime thread waits in the reactor with
    // no time limit, so only the reactor's mio::Waker can end the wait.
    testkit::timeout(|| {
        let runtime = Runtime::new();
        let (waker_tx, waker_rx) = mpsc::channel();
        let flag = Arc::new(AtomicBool::new(false));
        let waker_thread = {
            let flag = flag.clone();
            thread::spawn(move || {
                let waker: std::task::Waker = waker_rx.recv().expect("a waker");
                // Not needed for correctness: lets the runtime reach its
                // wait first, the case this test is about.
                thread::sleep(Duration::from_millis(20));
                flag.store(true, Ordering::SeqCst);
                waker.wake();
            })
        };
        let task = runtime.block_on(async {
            let task = spawn(poll_fn(move |cx| {
                if flag.load(Ordering::SeqCst) {
                    Poll::Ready("woken")
                } else {
                    let _ = waker_tx.send(cx.waker().clone());
                    Poll::Pending
                }
            }));
            task.await
        });
        assert_eq!(task, Ok("woken"));
        waker_thread.join().expect("waker thread");
    });
}

#[test]
fn a_handle_spawns_from_another_thread() {
    testkit::timeout(|| {
        let runtime = Runtime::new();
        let handle = runtime.handle();
        let me = thread::current().id();
        let outputs = runtime.block_on(async move {
            let spawner = thread::spawn(move || {
                (0..5)
                    .map(|i| handle.spawn(async move { (i, thread::current().id()) }))
                    .collect::<Vec<_>>()
            });
            // The spawner thread is joined from a blocking job, not here:
            // joining on this thread would stop the runtime it needs.
            let tasks = spawn_blocking(move || spawner.join().expect("spawner"))
                .await
                .expect("join");
            let mut outputs = Vec::new();
            for task in tasks {
                outputs.push(task.await.expect("task"));
            }
            outputs
        });
        assert_eq!(outputs.len(), 5);
        assert!(outputs.iter().all(|(_, id)| *id == me));
    });
}

#[test]
fn a_panic_is_a_join_error_and_abort_drops_an_idle_task() {
    testkit::timeout(|| {
        let runtime = Runtime::new();
        let drops = testkit::DropCounter::new();
        let token = drops.token();
        runtime.block_on(async {
            let panicked = spawn_local(async { panic!("boom") }).await;
            let error: ch11_current_thread::JoinError = panicked.expect_err("it panicked");
            assert_eq!(error.panic_message(), Some("boom"));

            let idle = spawn_local(async move {
                let _token = token;
                std::future::pending::<()>().await;
            });
            yield_now().await; // let it start and wait
            idle.abort();
            assert!(idle.await.expect_err("aborted").is_cancelled());
        });
        assert_eq!(
            drops.alive(),
            0,
            "the aborted task's future was not dropped"
        );
    });
}

#[test]
fn dropping_the_runtime_drops_unfinished_tasks() {
    testkit::timeout(|| {
        let runtime = Runtime::new();
        let drops = testkit::DropCounter::new();
        runtime.block_on(async {
            for _ in 0..3 {
                let token = drops.token();
                spawn_local(async move {
                    let _token = token;
                    time::sleep(Duration::from_secs(3600)).await;
                });
            }
            yield_now().await;
        });
        assert_eq!(drops.alive(), 3);
        drop(runtime);
        assert_eq!(drops.alive(), 0);
    });
}
