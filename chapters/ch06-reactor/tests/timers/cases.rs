// The timer cases, written once against `runtime` (a chapter's crate) and
// `pending_timers()`: chapter 6's tests/timers.rs runs them on the heap,
// chapter 14's on its timer wheel. Included with `include!`, so no `//!`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use runtime::time::{sleep, sleep_until, timeout, Elapsed};
use runtime::{spawn, Runtime};

/// Wraps a future so that every wake-up it receives is logged with `id`
/// before it is passed on. The reactor calls timer wakers one after another
/// on one thread, so the log is the order in which timers fired.
struct Tagged<F> {
    inner: Pin<Box<F>>,
    id: usize,
    log: Arc<Mutex<Vec<usize>>>,
}

struct TagWaker {
    id: usize,
    log: Arc<Mutex<Vec<usize>>>,
    inner: Waker,
}

impl Wake for TagWaker {
    fn wake(self: Arc<Self>) {
        self.log.lock().expect("log lock").push(self.id);
        self.inner.wake_by_ref();
    }
}

impl<F: Future> Future for Tagged<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let waker = Waker::from(Arc::new(TagWaker {
            id: self.id,
            log: self.log.clone(),
            inner: cx.waker().clone(),
        }));
        self.inner.as_mut().poll(&mut Context::from_waker(&waker))
    }
}

#[test]
fn timers_fire_in_deadline_order_and_never_early() {
    let (log, elapsed) = testkit::timeout(|| {
        // One worker: it alone turns the reactor and calls the wakers of a
        // turn before it turns again, so the log is the order of firing.
        // With two, a second worker could fire the next timer while the
        // first is still calling the wakers of its turn.
        let rt = Runtime::new(1);
        let log = Arc::new(Mutex::new(Vec::new()));
        // Registered in a scrambled order; deadlines 10 ms apart.
        let order = [7usize, 2, 9, 0, 5, 3, 8, 1, 6, 4];
        let elapsed = rt.block_on(async {
            let start = Instant::now();
            let handles: Vec<_> = order
                .iter()
                .map(|&id| {
                    let wanted = Duration::from_millis(20 + 10 * id as u64);
                    let sleeping = Tagged {
                        inner: Box::pin(sleep_until(start + wanted)),
                        id,
                        log: log.clone(),
                    };
                    spawn(async move {
                        sleeping.await;
                        (id, wanted, start.elapsed())
                    })
                })
                .collect();
            let mut out = Vec::new();
            for handle in handles {
                out.push(handle.await.expect("timer task"));
            }
            out
        });
        let log = log.lock().expect("log lock").clone();
        (log, elapsed)
    });
    for (id, wanted, took) in elapsed {
        assert!(
            took >= wanted,
            "timer {id} fired after {took:?}, before its {wanted:?}"
        );
    }
    // A task first polled after its deadline (a loaded machine) finishes
    // without a timer, so its id may be missing; the rest must be in order.
    assert!(
        log.windows(2).all(|pair| pair[0] < pair[1]),
        "fired out of deadline order: {log:?}"
    );
}

#[test]
fn a_zero_sleep_and_a_past_deadline_complete() {
    testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            sleep(Duration::ZERO).await;
            sleep_until(Instant::now() - Duration::from_millis(5)).await;
        });
    });
}

#[test]
fn the_main_future_sleeps_on_the_same_reactor() {
    let took = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let start = Instant::now();
            sleep(Duration::from_millis(30)).await;
            start.elapsed()
        })
    });
    assert!(took >= Duration::from_millis(30));
}

#[test]
fn ten_thousand_timers() {
    let (late, pending) = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let start = Instant::now();
            let handles: Vec<_> = (0..10_000u64)
                .map(|i| {
                    // A spread of deadlines over 0-199 ms, in no order.
                    let wanted = Duration::from_millis((i * 7919) % 200);
                    spawn(async move {
                        sleep(wanted).await;
                        start.elapsed() >= wanted
                    })
                })
                .collect();
            let mut early = 0;
            for handle in handles {
                if !handle.await.expect("timer task") {
                    early += 1;
                }
            }
            (early, pending_timers())
        })
    });
    assert_eq!(late, 0, "timers fired early");
    assert_eq!(pending, 0, "every timer left the timer store");
}

#[test]
fn timeout_gives_elapsed_and_drops_the_future() {
    let counter = testkit::DropCounter::new();
    let result = testkit::timeout({
        let counter = counter.clone();
        move || {
            let rt = Runtime::new(2);
            rt.block_on(async move {
                let token = counter.token();
                let start = Instant::now();
                let result = timeout(Duration::from_millis(20), async move {
                    let _token = token;
                    sleep(Duration::from_secs(3600)).await;
                })
                .await;
                (result, start.elapsed())
            })
        }
    });
    let error: Elapsed = result.0.expect_err("the future never finishes");
    assert_eq!(error.to_string(), "deadline has elapsed");
    assert!(
        result.1 >= Duration::from_millis(20),
        "gave up early: {:?}",
        result.1
    );
    assert_eq!(counter.alive(), 0, "the timed-out future was dropped");
}

#[test]
fn timeout_returns_the_output_of_a_fast_future() {
    let out = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            let ready = timeout(Duration::ZERO, async { 7 }).await;
            let soon = timeout(Duration::from_secs(10), async {
                sleep(Duration::from_millis(5)).await;
                8
            })
            .await;
            (ready, soon)
        })
    });
    assert_eq!(out, (Ok(7), Ok(8)));
}

#[test]
fn a_runtime_with_pending_timers_shuts_down() {
    let counter = testkit::DropCounter::new();
    testkit::timeout({
        let counter = counter.clone();
        move || {
            let rt = Runtime::new(2);
            for _ in 0..100 {
                let token = counter.token();
                rt.spawn(async move {
                    let _token = token;
                    sleep(Duration::from_secs(3600)).await;
                });
            }
            rt.block_on(sleep(Duration::from_millis(10)));
            drop(rt);
        }
    });
    assert_eq!(counter.alive(), 0, "every sleeping task was dropped");
}

#[test]
#[should_panic(expected = "outside a runtime")]
fn sleep_outside_a_runtime_says_so() {
    let mut sleeping = sleep(Duration::from_secs(1));
    let _ = Pin::new(&mut sleeping).poll(&mut Context::from_waker(Waker::noop()));
}

#[test]
fn a_sleep_that_outlives_its_runtime_panics_instead_of_hanging() {
    let outcome = testkit::timeout(|| {
        let first = Runtime::new(1);
        // Registered with the first runtime's reactor by one poll.
        let mut sleeping = Box::pin(sleep(Duration::from_secs(3600)));
        first.block_on(async {
            let _ = timeout(Duration::from_millis(1), sleeping.as_mut()).await;
        });
        drop(first);
        let second = Runtime::new(1);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| second.block_on(sleeping)))
            .map_err(|panic| panic.downcast_ref::<&str>().map(|s| s.to_string()))
    });
    let message = outcome
        .expect_err("the sleep cannot finish")
        .unwrap_or_default();
    assert!(message.contains("shut down"), "{message}");
}

/// Pending on its first poll (waking its task at once), ready on the next.
#[derive(Default)]
struct ReadyOnSecondPoll {
    polled: bool,
}

impl Future for ReadyOnSecondPoll {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_timeout_counts_from_the_call_not_from_the_first_poll() {
    // As in tokio, the deadline is set when `timeout` is called. The future
    // is first polled after its deadline has passed, so it gets one poll and
    // then the timeout fires, although the inner future would be ready on
    // its second poll. A clock started at the first poll would let it win.
    let result = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            let timed = timeout(Duration::from_millis(20), ReadyOnSecondPoll::default());
            sleep(Duration::from_millis(40)).await;
            timed.await
        })
    });
    assert!(
        result.is_err(),
        "the deadline passed before the first poll, yet the future got a second poll"
    );
}

#[test]
fn a_panicking_waker_does_not_kill_the_worker() {
    // A task polls a sleep with a waker of its own making that panics when
    // woken (a buggy combinator, say), keeps the sleep, and then sleeps
    // properly. The worker that fires the first timer calls the panicking
    // waker; it must survive, or nobody is left to fire the second timer.
    struct Panics;
    impl Wake for Panics {
        fn wake(self: Arc<Self>) {
            panic!("a waker that panics (on purpose, in a test)");
        }
    }
    let out = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            spawn(async {
                let mut trap = sleep(Duration::from_millis(5));
                let panics = Waker::from(Arc::new(Panics));
                let polled = Pin::new(&mut trap).poll(&mut Context::from_waker(&panics));
                assert!(polled.is_pending());
                sleep(Duration::from_millis(30)).await;
                drop(trap);
                7
            })
            .await
        })
    });
    assert_eq!(out.expect("the task"), 7);
}
