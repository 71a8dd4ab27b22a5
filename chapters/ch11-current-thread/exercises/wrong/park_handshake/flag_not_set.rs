// Wrong: checks the queue but does not announce the sleep. A waker that
// comes after the check sees an awake thread and does not wake it.

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
    inbox.woken.is_empty()
}

/// The runtime thread is back from the reactor.
pub fn woke_up(inbox: &mut Inbox) {
    // Awake again: later wakers need not pay for a system call.
    inbox.sleeping = false;
}
// ANCHOR_END: solution
