//! Exercise 10.2: `after_wait`, checked on the counts an idle thread sees
//! when it comes back from its wait. Deterministic: the race (a job that
//! arrives just as the keep-alive ends) is a case, not a timing.

use ch10_exercises::idle_exit::{after_wait, AfterWait, Counts};

fn counts(threads: usize, idle: usize, notified: usize) -> Counts {
    Counts {
        threads,
        idle,
        notified,
    }
}

#[test]
fn a_notified_thread_takes_the_job() {
    let mut c = counts(2, 1, 1);
    assert_eq!(after_wait(&mut c, false, false), AfterWait::TakeJob);
    assert_eq!(
        c,
        counts(2, 0, 0),
        "a thread taking a job is neither idle nor still notified"
    );
}

#[test]
fn a_job_that_arrives_with_the_time_out_is_not_lost() {
    // `submit` queued a job and counted this thread as notified just as
    // its keep-alive passed. If it leaves, nobody takes the job.
    let mut c = counts(1, 1, 1);
    assert_eq!(
        after_wait(&mut c, true, false),
        AfterWait::TakeJob,
        "the thread left, and the job it was woken for stays queued for ever"
    );
    assert_eq!(c, counts(1, 0, 0));
}

#[test]
fn a_thread_with_no_job_retires_after_its_keep_alive() {
    let mut c = counts(3, 2, 0);
    assert_eq!(after_wait(&mut c, true, false), AfterWait::Exit);
    assert_eq!(
        c,
        counts(2, 1, 0),
        "an exiting thread must leave both the idle count and the thread count"
    );
}

#[test]
fn a_spurious_wake_up_waits_again() {
    let mut c = counts(2, 2, 0);
    assert_eq!(
        after_wait(&mut c, false, false),
        AfterWait::KeepWaiting,
        "nobody notified this thread: there is no job for it"
    );
    assert_eq!(c, counts(2, 2, 0), "waiting again changes no count");
}

#[test]
fn shutdown_ends_an_idle_thread() {
    let mut c = counts(1, 1, 0);
    assert_eq!(after_wait(&mut c, false, true), AfterWait::Exit);
    assert_eq!(c, counts(0, 0, 0));
}

#[test]
fn two_notified_threads_and_one_spurious_wake_up() {
    // Three idle threads, two woken for jobs. Whichever order they come
    // back in, exactly two take a job and one waits again.
    let mut c = counts(3, 3, 2);
    let outcomes: Vec<AfterWait> = (0..3).map(|_| after_wait(&mut c, false, false)).collect();
    let taken = outcomes
        .iter()
        .filter(|o| **o == AfterWait::TakeJob)
        .count();
    assert_eq!(taken, 2, "{outcomes:?}");
    assert_eq!(c, counts(3, 1, 0));
}
