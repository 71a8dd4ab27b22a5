//! Exercise 10.1: `on_submit`, checked on the counts `submit` would see.
//! Plain functions of plain numbers: every case is deterministic.

use ch10_exercises::grow_or_queue::{on_submit, Counts, Decision};

fn counts(threads: usize, idle: usize, notified: usize) -> Counts {
    Counts {
        threads,
        idle,
        notified,
    }
}

#[test]
fn an_empty_pool_starts_a_thread() {
    let mut c = counts(0, 0, 0);
    assert_eq!(on_submit(&mut c, 4), Decision::StartThread);
    assert_eq!(c, counts(1, 0, 0), "the new thread must be counted at once");
}

#[test]
fn an_idle_thread_is_woken_instead_of_starting_one() {
    let mut c = counts(2, 1, 0);
    assert_eq!(
        on_submit(&mut c, 4),
        Decision::WakeIdle,
        "an idle thread was free for the job, yet the pool grew or queued it"
    );
    assert_eq!(
        c,
        counts(2, 1, 1),
        "the woken thread must be counted as notified"
    );
}

#[test]
fn an_idle_thread_already_woken_is_not_woken_again() {
    // One idle thread, already woken for the previous job: it is not free.
    let mut c = counts(1, 1, 1);
    assert_eq!(
        on_submit(&mut c, 4),
        Decision::StartThread,
        "the only idle thread is already on its way to another job"
    );
    assert_eq!(c, counts(2, 1, 1));
}

#[test]
fn a_full_pool_queues_the_job() {
    let mut c = counts(4, 0, 0);
    assert_eq!(
        on_submit(&mut c, 4),
        Decision::Queue,
        "the pool went past its cap"
    );
    assert_eq!(c, counts(4, 0, 0), "queuing changes no count");
}

#[test]
fn a_burst_starts_threads_up_to_the_cap_then_queues() {
    // Six jobs arrive before any thread has started: each decision sees
    // the counts the previous ones left.
    let mut c = Counts::default();
    let decisions: Vec<Decision> = (0..6).map(|_| on_submit(&mut c, 4)).collect();
    use Decision::*;
    assert_eq!(
        decisions,
        [
            StartThread,
            StartThread,
            StartThread,
            StartThread,
            Queue,
            Queue
        ]
    );
    assert_eq!(c.threads, 4);
}

#[test]
fn a_burst_uses_the_idle_threads_first() {
    // Two idle threads, three jobs, a cap of four.
    let mut c = counts(2, 2, 0);
    let decisions: Vec<Decision> = (0..3).map(|_| on_submit(&mut c, 4)).collect();
    use Decision::*;
    assert_eq!(decisions, [WakeIdle, WakeIdle, StartThread]);
    assert_eq!(c, counts(3, 2, 2));
}
