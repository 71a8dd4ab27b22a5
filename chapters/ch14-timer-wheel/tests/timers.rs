//! Chapter 6's timer cases (never early, in deadline order, ten thousand at
//! once, timeouts, shutdown) on this chapter's runtime, whose `sleep` and
//! `timeout` live in the timer wheel; then `interval`, which chapter 6 does
//! not have.

use ch14_timer_wheel as runtime;

/// Timers in the runtime's wheel. Unlike chapter 6's heap, a cancelled
/// timer is not among them: it left at once.
fn pending_timers() -> usize {
    ch14_timer_wheel::time::current_wheel_len()
}

include!("../../ch06-reactor/tests/timers/cases.rs");

#[test]
fn cancelled_timers_leave_the_wheel_at_once() {
    let (pending, left) = testkit::timeout(|| {
        let rt = Runtime::new(1);
        // Unconstrained: a thousand polls in one go would use up the task's
        // budget, and a sleep polled without budget does not register.
        rt.block_on(runtime::task::unconstrained(async {
            let mut cx = Context::from_waker(Waker::noop());
            let mut sleeps: Vec<_> = (0..1_000u64)
                .map(|i| Box::pin(sleep(Duration::from_secs(60 + i))))
                .collect();
            for sleeping in &mut sleeps {
                assert!(sleeping.as_mut().poll(&mut cx).is_pending());
            }
            let pending = pending_timers();
            sleeps.truncate(10);
            (pending, pending_timers())
        }))
    });
    assert_eq!(pending, 1_000, "every polled sleep is in the wheel");
    assert_eq!(left, 10, "dropped sleeps are gone from the wheel");
}

#[test]
fn an_interval_ticks_on_schedule_and_never_early() {
    let ticks = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let period = Duration::from_millis(15);
            let start = Instant::now();
            let mut ticker = runtime::time::interval(period);
            let mut ticks = Vec::new();
            for _ in 0..5 {
                let due = ticker.tick().await;
                ticks.push((due, Instant::now()));
            }
            (start, period, ticks)
        })
    });
    let (start, period, ticks) = ticks;
    for (n, (due, at)) in ticks.iter().enumerate() {
        // The first tick is at once; tick n is due n periods after it.
        let wanted = ticks[0].0 + period * n as u32;
        assert_eq!(*due, wanted, "tick {n} was due at the wrong time");
        assert!(*at >= *due, "tick {n} came before it was due");
    }
    assert!(ticks[0].0 >= start);
}

#[test]
fn timers_at_three_levels_fire_in_order_on_the_runtime() {
    // 5 ms is on level 0; 70 ms on level 1 (64 ms slots) and cascades once;
    // 300 ms on level 1 four slots out. As in chapter 6's ordering test, one
    // worker and wakers that log: the log is the order the wheel fired in.
    let log = testkit::timeout(|| {
        let rt = Runtime::new(1);
        let log = Arc::new(Mutex::new(Vec::new()));
        rt.block_on(async {
            let start = Instant::now();
            let handles: Vec<_> = [300usize, 5, 70]
                .into_iter()
                .map(|ms| {
                    let sleeping = Tagged {
                        inner: Box::pin(sleep_until(start + Duration::from_millis(ms as u64))),
                        id: ms,
                        log: log.clone(),
                    };
                    spawn(sleeping)
                })
                .collect();
            for handle in handles {
                handle.await.expect("timer task");
            }
        });
        let log = log.lock().expect("log lock").clone();
        log
    });
    // A task first polled after its deadline (a loaded machine) finishes
    // without a timer, so its id may be missing; the rest must be in order.
    assert!(
        log.windows(2).all(|pair| pair[0] < pair[1]),
        "fired out of deadline order: {log:?}"
    );
    assert!(log.contains(&300), "the 300 ms timer never fired: {log:?}");
}

#[test]
fn a_ready_sleep_spends_the_task_budget() {
    // Like tokio's: in one poll of a task, 128 ready sleeps complete and the
    // next one yields, so a loop of zero sleeps cannot hold its worker.
    let ready = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            spawn(std::future::poll_fn(|cx| {
                let ready = (0..200)
                    .take_while(|_| {
                        let mut zero = sleep(Duration::ZERO);
                        Pin::new(&mut zero).poll(cx).is_ready()
                    })
                    .count();
                Poll::Ready(ready)
            }))
            .await
            .expect("the task")
        })
    });
    assert_eq!(ready, usize::from(ch13_budget::coop::BUDGET));
}

#[test]
fn a_hog_that_spends_its_budget_lets_the_wheel_fire_a_sleep() {
    use std::sync::atomic::{AtomicBool, Ordering};
    // The runtime's own hook (chapter 13's, for this chapter's parker)
    // turns the reactor, and so the wheel, each time the hog's budget runs
    // out. Were it to miss this runtime's scheduler type, only the worker's
    // maintenance on every 61st task would: up to 60 budgets late. About
    // one sleep in six then still fired within a budget, by chance, so the
    // test times five in a row.
    let late = testkit::with_timeout(Duration::from_secs(20), || {
        let rt = Runtime::new(1);
        rt.block_on(async {
            let feeder = ch13_budget::workload::feeder().expect("feeder");
            let mut hog = runtime::net::TcpStream::connect(feeder)
                .await
                .expect("connect");
            spawn(async move {
                let mut late = Vec::new();
                for _ in 0..5 {
                    let fired = Arc::new(AtomicBool::new(false));
                    let flag = fired.clone();
                    let deadline = Instant::now() + Duration::from_millis(5);
                    drop(spawn(async move {
                        sleep_until(deadline).await;
                        flag.store(true, Ordering::SeqCst);
                    }));
                    // The sleeper, in the LIFO slot, registers first.
                    runtime::yield_now().await;
                    // The wheel rounds deadlines up to its next millisecond
                    // tick: by `due` the sleep is certainly due.
                    let due = deadline + Duration::from_millis(2);
                    let (mut byte, mut reads) = ([0u8; 1], 0usize);
                    while !fired.load(Ordering::SeqCst) {
                        hog.read(&mut byte).await.expect("read");
                        if Instant::now() >= due {
                            reads += 1;
                        }
                    }
                    late.push(reads);
                }
                late
            })
            .await
            .expect("the hog panicked")
        })
    });
    let budget = usize::from(ch13_budget::coop::BUDGET);
    assert!(
        late.iter().all(|&reads| reads <= budget + 1),
        "reads after each sleep was due, before it fired: {late:?} (one budget is {budget})"
    );
}
