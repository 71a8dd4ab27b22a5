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
