//! A lock that lets a test slip the other side of a channel in at the
//! moment a poll lets go of the lock.
//!
//! A lost wake-up needs the other thread to act in the gap between two
//! critical sections, a gap of nanoseconds that a test on two cores rarely
//! hits. The exercises' channels lock through [`Mutex`] instead, and a test
//! calls [`after_unlock`]`(n, action)`: `action` runs on the polling thread
//! right after its `n`-th unlock (counting from 0). Trying every `n` is a
//! small model check: the other side acts at every gap the poll leaves.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

/// `std::sync::Mutex` that runs the test's hook after each unlock.
#[derive(Debug, Default)]
pub struct Mutex<T>(std::sync::Mutex<T>);

impl<T> Mutex<T> {
    pub fn new(value: T) -> Self {
        Mutex(std::sync::Mutex::new(value))
    }

    /// Locks, ignoring poisoning: no code here panics while holding it.
    pub fn lock(&self) -> Guard<'_, T> {
        Guard(Some(
            self.0.lock().unwrap_or_else(|poison| poison.into_inner()),
        ))
    }
}

pub struct Guard<'a, T>(Option<std::sync::MutexGuard<'a, T>>);

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.as_ref().expect("held until drop")
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0.as_mut().expect("held until drop")
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        self.0.take(); // unlock first: the hook may lock again
        unlocked();
    }
}

struct Hook {
    skip: usize,
    action: Box<dyn FnOnce()>,
}

thread_local! {
    static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Runs `action` on this thread right after its `n`-th unlock from now.
pub fn after_unlock(n: usize, action: impl FnOnce() + 'static) {
    let old = HOOK.with(|hook| {
        hook.borrow_mut().replace(Hook {
            skip: n,
            action: Box::new(action),
        })
    });
    // Dropped outside the borrow: what it holds may lock (and unlock) too.
    drop(old);
}

/// Removes a hook that has not run; true if it had run.
pub fn ran() -> bool {
    let left = HOOK.with(|hook| hook.borrow_mut().take());
    left.is_none()
}

fn unlocked() {
    // `try_with`: a hook left behind by a failed test is dropped with the
    // thread-local, and what it holds may unlock once more after that.
    let action = HOOK
        .try_with(|hook| {
            let mut hook = hook.try_borrow_mut().ok()?;
            match hook.as_mut() {
                Some(h) if h.skip == 0 => hook.take().map(|h| h.action),
                Some(h) => {
                    h.skip -= 1;
                    None
                }
                None => None,
            }
        })
        .ok()
        .flatten();
    // Taken out before it runs, so its own locking does not re-enter it.
    if let Some(action) = action {
        action();
    }
}
