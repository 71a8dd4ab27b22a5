//! Exercise 11.1: the park handshake (book: Chapter 11, section "Exercise 11.1: The park handshake").

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
    // TODO: queue the id; say whether the runtime thread may be asleep.
    let _ = (inbox, id);
    todo!("Exercise 11.1 (park_handshake): see the book, Chapter 11, \"Exercise 11.1: The park handshake\"")
}

/// The runtime thread has nothing to run. Returns true if it may wait in
/// the reactor, with no time limit.
pub fn try_sleep(inbox: &mut Inbox) -> bool {
    // TODO: sleep only if nothing is queued, and say so where wakers look.
    let _ = inbox;
    todo!("Exercise 11.1 (park_handshake): see the book, Chapter 11, \"Exercise 11.1: The park handshake\"")
}

/// The runtime thread is back from the reactor.
pub fn woke_up(inbox: &mut Inbox) {
    // TODO: undo what try_sleep announced.
    let _ = inbox;
    todo!("Exercise 11.1 (park_handshake): see the book, Chapter 11, \"Exercise 11.1: The park handshake\"")
}
// ANCHOR_END: solution
