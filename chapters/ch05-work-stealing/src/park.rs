//! How an idle worker sleeps, and how it is woken.
//!
//! The scheduler decides *when* a worker may sleep and *whom* to wake; a
//! [`Park`] decides *how*. This chapter sleeps on a condition variable;
//! chapter 6 plugs in a `Park` that lets one sleeping worker wait on the
//! reactor instead, and keeps the scheduler as it is.

use ch03_global_queue::sync::{lock, wait, Condvar, Mutex};

// ANCHOR: park_trait
pub trait Park: Send + Sync + 'static {
    /// Builds the parking lots for `workers` workers.
    fn new(workers: usize) -> Self
    where
        Self: Sized;

    /// Puts worker `index` to sleep until [`Park::unpark`] is called for it.
    /// An `unpark` that arrived since the last `park` is kept, so this
    /// returns at once: a wake-up sent just before the sleep is not lost.
    /// May also return early for no reason; callers re-check their queues.
    fn park(&self, index: usize);

    /// Wakes worker `index`, or makes its next `park` return at once.
    fn unpark(&self, index: usize);

    /// Called by a busy worker every so often, so a `Park` that drives
    /// something (the reactor) can make progress without sleeping.
    fn maintenance(&self, _index: usize) {}
}
// ANCHOR_END: park_trait

// ANCHOR: condvar_park
/// One flag and one condition variable per worker.
pub struct CondvarPark {
    slots: Box<[Slot]>,
}

struct Slot {
    /// True when an unpark is waiting to be consumed.
    notified: Mutex<bool>,
    condvar: Condvar,
}

impl Park for CondvarPark {
    fn new(workers: usize) -> Self {
        CondvarPark {
            slots: (0..workers)
                .map(|_| Slot {
                    notified: Mutex::new(false),
                    condvar: Condvar::new(),
                })
                .collect(),
        }
    }

    fn park(&self, index: usize) {
        let slot = &self.slots[index];
        let mut notified = lock(&slot.notified);
        while !*notified {
            notified = wait(&slot.condvar, notified);
        }
        *notified = false;
    }

    fn unpark(&self, index: usize) {
        let slot = &self.slots[index];
        *lock(&slot.notified) = true;
        slot.condvar.notify_one();
    }
}
// ANCHOR_END: condvar_park

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn an_unpark_before_the_park_is_not_lost() {
        testkit::with_timeout(Duration::from_secs(10), || {
            let park = CondvarPark::new(1);
            park.unpark(0);
            park.park(0); // returns at once
        });
    }

    #[test]
    fn unpark_wakes_a_sleeping_worker() {
        testkit::with_timeout(Duration::from_secs(10), || {
            let park = Arc::new(CondvarPark::new(2));
            let sleeper = {
                let park = park.clone();
                std::thread::spawn(move || park.park(1))
            };
            park.unpark(1);
            sleeper.join().expect("sleeper panicked");
        });
    }
}
