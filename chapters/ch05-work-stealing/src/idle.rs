//! Who is looking for work, who is asleep, and whom a push should wake.
//!
//! Two numbers decide whether a push must wake a worker: how many workers are
//! *searching* (awake, out of work, and looking in every queue) and how many
//! are *sleeping*. They share one atomic word, so a pusher reads both in one
//! load and a worker going to sleep changes both in one step. The list of
//! sleepers (who exactly to wake) sits behind a mutex; it is touched only when
//! a worker falls asleep or is woken, never on a push that wakes nobody.

use ch03_global_queue::sync::{fence, lock, AtomicUsize, Mutex, Ordering};

// ANCHOR: idle
/// The low 16 bits count searching workers, the bits above count sleepers.
const ONE_SEARCHING: usize = 1;
const ONE_SLEEPING: usize = 1 << 16;
const SEARCHING_MASK: usize = ONE_SLEEPING - 1;

pub struct Idle {
    state: AtomicUsize,
    /// Indexes of the sleeping workers. Changed only under this lock, and
    /// always together with the sleeper count in `state`.
    sleepers: Mutex<Vec<usize>>,
}
// ANCHOR_END: idle

fn searching(state: usize) -> usize {
    state & SEARCHING_MASK
}

fn sleeping(state: usize) -> usize {
    state / ONE_SLEEPING
}

impl Idle {
    /// # Panics
    /// If `workers` does not fit the 16-bit searching count.
    pub fn new(workers: usize) -> Idle {
        assert!(
            workers < ONE_SLEEPING,
            "at most {} workers",
            ONE_SLEEPING - 1
        );
        Idle {
            state: AtomicUsize::new(0),
            sleepers: Mutex::new(Vec::with_capacity(workers)),
        }
    }

    pub fn searching(&self) -> usize {
        searching(self.state.load(Ordering::SeqCst))
    }

    pub fn sleeping(&self) -> usize {
        sleeping(self.state.load(Ordering::SeqCst))
    }

    // ANCHOR: searching
    /// A worker found nothing in its own queue or the global one, and starts
    /// looking in the other workers' queues.
    pub fn start_searching(&self) {
        self.state.fetch_add(ONE_SEARCHING, Ordering::SeqCst);
    }

    /// A searching worker found a task. Returns true if it was the last
    /// searcher: pushes that saw it searching woke nobody, so the caller must
    /// now look at the queues and wake a sleeper if work remains.
    pub fn stop_searching(&self) -> bool {
        let before = self.state.fetch_sub(ONE_SEARCHING, Ordering::SeqCst);
        // Orders the caller's next look at the queues after this update; see
        // `worker_to_wake` for the other half.
        fence(Ordering::SeqCst);
        searching(before) == 1
    }
    // ANCHOR_END: searching

    // ANCHOR: announce
    /// Worker `index` found no task anywhere and is about to park. Call this
    /// BEFORE the last look at the queues: from now on a push sees the
    /// sleeper and wakes it, and a push that came earlier is seen by that look.
    pub fn announce_sleep(&self, index: usize, was_searching: bool) {
        let mut sleepers = lock(&self.sleepers);
        let change = if was_searching {
            ONE_SLEEPING - ONE_SEARCHING // one more sleeper, one fewer searcher
        } else {
            ONE_SLEEPING
        };
        self.state.fetch_add(change, Ordering::SeqCst);
        sleepers.push(index);
        drop(sleepers);
        fence(Ordering::SeqCst);
    }
    // ANCHOR_END: announce

    // ANCHOR: worker_to_wake
    /// Called after every push. Returns the sleeper to unpark, if one is
    /// needed: only when nobody is searching (a searcher will find the task)
    /// and somebody sleeps. The woken worker counts as searching from this
    /// moment, so the pushes that follow do not wake a second one before it
    /// has even looked.
    pub fn worker_to_wake(&self) -> Option<usize> {
        // The pusher's half of the handshake: the push (before this fence)
        // and the read of `state` (after it) cannot be reordered. A worker
        // going to sleep does the mirror image, so at least one of the two
        // sees the other: the pusher sees the sleeper, or the sleeper's last
        // look sees the task.
        fence(Ordering::SeqCst);
        if !should_wake(self.state.load(Ordering::SeqCst)) {
            return None; // the common case: no lock taken
        }
        let mut sleepers = lock(&self.sleepers);
        // Checked again under the lock: another push may have woken the
        // last sleeper, or made someone a searcher, since the first look.
        if !should_wake(self.state.load(Ordering::SeqCst)) {
            return None;
        }
        let index = sleepers.pop()?;
        self.state
            .fetch_sub(ONE_SLEEPING - ONE_SEARCHING, Ordering::SeqCst);
        Some(index)
    }
    // ANCHOR_END: worker_to_wake

    /// Whether worker `index` is still on the list: if its park returned and
    /// it is, nobody woke it.
    pub fn is_sleeping(&self, index: usize) -> bool {
        lock(&self.sleepers).contains(&index)
    }

    /// Worker `index` woke up with work of its own (in chapter 6: the
    /// reactor woke tasks onto its queue while it slept in it) and takes
    /// itself off the list. Returns false if a pusher had already taken it
    /// off, in which case that pusher counted it as searching.
    pub fn cancel_sleep(&self, index: usize) -> bool {
        let mut sleepers = lock(&self.sleepers);
        match sleepers.iter().position(|&sleeper| sleeper == index) {
            Some(position) => {
                sleepers.swap_remove(position);
                self.state.fetch_sub(ONE_SLEEPING, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}

fn should_wake(state: usize) -> bool {
    searching(state) == 0 && sleeping(state) > 0
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_push_wakes_nobody_while_someone_searches() {
        let idle = Idle::new(3);
        idle.announce_sleep(2, false);
        idle.start_searching();
        assert_eq!(idle.worker_to_wake(), None, "the searcher will find it");
        assert!(idle.stop_searching(), "it was the only searcher");
        assert_eq!(idle.worker_to_wake(), Some(2));
    }

    #[test]
    fn a_push_wakes_nobody_when_nobody_sleeps() {
        let idle = Idle::new(2);
        assert_eq!(idle.worker_to_wake(), None);
    }

    #[test]
    fn the_woken_worker_counts_as_searching_so_one_push_wakes_one_worker() {
        let idle = Idle::new(3);
        idle.announce_sleep(0, false);
        idle.announce_sleep(1, false);
        assert_eq!((idle.searching(), idle.sleeping()), (0, 2));
        let first = idle.worker_to_wake();
        assert_eq!(
            first,
            Some(1),
            "the most recent sleeper: its caches are warmest"
        );
        assert_eq!((idle.searching(), idle.sleeping()), (1, 1));
        assert_eq!(
            idle.worker_to_wake(),
            None,
            "worker 1 is already on its way"
        );
        assert!(!idle.is_sleeping(1));
        assert!(idle.is_sleeping(0));
        // Worker 1 finds work; as the last searcher it hands on the baton.
        assert!(idle.stop_searching());
        assert_eq!(idle.worker_to_wake(), Some(0));
    }

    #[test]
    fn only_the_last_searcher_is_told_so() {
        let idle = Idle::new(4);
        idle.start_searching();
        idle.start_searching();
        assert!(!idle.stop_searching());
        assert!(idle.stop_searching());
    }

    #[test]
    fn a_searcher_that_sleeps_stops_searching() {
        let idle = Idle::new(2);
        idle.start_searching();
        idle.announce_sleep(1, true);
        assert_eq!((idle.searching(), idle.sleeping()), (0, 1));
    }

    #[test]
    fn cancel_sleep_tells_whether_someone_else_already_woke_it() {
        let idle = Idle::new(2);
        idle.announce_sleep(0, false);
        assert!(idle.cancel_sleep(0));
        assert_eq!((idle.searching(), idle.sleeping()), (0, 0));
        idle.announce_sleep(0, false);
        assert_eq!(idle.worker_to_wake(), Some(0));
        assert!(!idle.cancel_sleep(0), "the pusher took it off the list");
        assert_eq!((idle.searching(), idle.sleeping()), (1, 0));
    }
}
