//! Tests for Exercise 6.2 (interval). Run them with
//! `cargo test -p ch06-exercises --test interval`.

use std::time::{Duration, Instant};

use ch06_exercises::interval::interval;
use ch06_reactor::time::{sleep, timeout};
use ch06_reactor::Runtime;

/// Runs `ticks` ticks of an interval of `period`, calling `between(k)`
/// after tick k; returns (due instant, instant it returned) per tick.
fn run(period: Duration, ticks: usize, slow: fn(usize) -> Duration) -> Vec<(Instant, Instant)> {
    testkit::timeout(move || {
        let rt = Runtime::new(2);
        rt.block_on(async move {
            let mut interval = interval(period);
            assert_eq!(interval.period(), period);
            let mut out = Vec::new();
            for k in 0..ticks {
                let due = interval.tick().await;
                out.push((due, Instant::now()));
                sleep(slow(k)).await;
            }
            out
        })
    })
}

fn assert_on_schedule(ticks: &[(Instant, Instant)], period: Duration) {
    let first = ticks[0].0;
    for (k, &(due, returned)) in ticks.iter().enumerate() {
        assert_eq!(
            due,
            first + period * k as u32,
            "tick {k} is off the schedule"
        );
        assert!(returned >= due, "tick {k} returned before it was due");
    }
}

#[test]
fn the_first_tick_is_due_at_once_and_the_rest_one_period_apart() {
    let before = Instant::now();
    let ticks = run(Duration::from_millis(10), 5, |_| Duration::ZERO);
    assert!(
        ticks[0].0 >= before,
        "the first tick is due when the interval is made"
    );
    assert_on_schedule(&ticks, Duration::from_millis(10));
}

#[test]
fn slow_work_between_ticks_does_not_make_it_drift() {
    // 7 ms of work per 10 ms period: a "sleep one period after each tick"
    // interval would be 7 ms later every time.
    let ticks = run(Duration::from_millis(10), 8, |_| Duration::from_millis(7));
    assert_on_schedule(&ticks, Duration::from_millis(10));
}

#[test]
fn missed_ticks_are_delivered_not_skipped() {
    // After the first tick the caller is away for three and a half periods:
    // ticks 1, 2 and 3 are overdue and come at once, each with its own
    // due instant; tick 4 is waited for.
    let ticks = run(Duration::from_millis(10), 6, |k| {
        if k == 0 {
            Duration::from_millis(35)
        } else {
            Duration::ZERO
        }
    });
    assert_on_schedule(&ticks, Duration::from_millis(10));
}

#[test]
#[should_panic(expected = "period")]
fn a_zero_period_is_refused() {
    let _ = interval(Duration::ZERO);
}

#[test]
fn the_wait_for_a_tick_is_on_the_runtimes_timer() {
    // A tick an hour away, cut short by a 300 ms timeout. On the runtime's
    // timer the timeout fires; a wait that blocks the thread
    // (`std::thread::sleep`) keeps the timeout from ever running.
    let cut_short = testkit::within(
        Duration::from_secs(10),
        "the wait for a tick blocked the thread; wait with \
         `sleep_until(..).await`, not `std::thread::sleep`",
        || {
            let rt = Runtime::new(1);
            rt.block_on(async {
                let mut interval = interval(Duration::from_secs(3600));
                interval.tick().await;
                timeout(Duration::from_millis(300), interval.tick())
                    .await
                    .is_err()
            })
        },
    );
    assert!(
        cut_short,
        "the second tick is an hour away; the timeout should have fired"
    );
}
