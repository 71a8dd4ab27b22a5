// Wrong: never clears the flag after the wait. Nothing is lost, but every
// later wake-up pays for a write to the reactor's eventfd, and the next
// turn returns at once for nothing.

/// What wakers and the runtime thread share, under one mutex (the caller
/// holds it for every call below).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Inbox {
    /// Ids of tasks woken since the runtime thread last looked.
    pub woken: Vec<u64>,
    /// The runtime thread waits in the reactor, or is about to.
    pub sleeping: bool,
}

// ANCHOR: solution
/// A waker queues task `id`. Returns true if the caller must wake the
/// reactor (write to its `mio::Waker`) after it lets go of the lock.
pub fn wake(inbox: &mut Inbox, id: u64) -> bool {
    inbox.woken.push(id);
    // Read under the same lock `try_sleep` sets it under: either the
    // runtime thread sees our id before it sleeps, or we see it asleep.
    inbox.sleeping
}

/// The runtime thread has nothing to run. Returns true if it may wait in
/// the reactor, with no time limit.
pub fn try_sleep(inbox: &mut Inbox) -> bool {
    if !inbox.woken.is_empty() {
        return false; // work arrived since the last look: run it instead
    }
    // Set before the lock is let go, so a waker that comes after sees it.
    inbox.sleeping = true;
    true
}

/// The runtime thread is back from the reactor.
pub fn woke_up(inbox: &mut Inbox) {
    let _ = inbox;
}
// ANCHOR_END: solution
