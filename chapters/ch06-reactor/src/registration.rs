//! The I/O side of the reactor: a socket registered with it, and the one
//! loop every I/O operation runs through.

use std::future::poll_fn;
use std::io;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use mio::event::Source;
use mio::{Interest, Token};

use crate::reactor::Reactor;
use crate::scheduled_io::{Direction, ScheduledIo};

// ANCHOR: registration
/// A mio source registered with the current runtime's reactor. Dropping it
/// deregisters the source and frees its token.
pub(crate) struct Registration<S: Source> {
    io: S,
    token: Token,
    shared: Arc<ScheduledIo>,
    reactor: Arc<Reactor>,
}

impl<S: Source> Registration<S> {
    /// # Panics
    /// Outside a `ch06_reactor::Runtime`.
    pub(crate) fn new(mut io: S, interest: Interest) -> io::Result<Self> {
        let reactor = Reactor::current();
        let (token, shared) = reactor.register(&mut io, interest)?;
        Ok(Registration {
            io,
            token,
            shared,
            reactor,
        })
    }

    pub(crate) fn get_ref(&self) -> &S {
        &self.io
    }
}
// ANCHOR_END: registration

// ANCHOR: poll_io
impl<S: Source> Registration<S> {
    /// Runs `op` (a non-blocking syscall) until it does something other than
    /// `WouldBlock`. The syscall is always tried first; only when the kernel
    /// says `WouldBlock` is the edge marked used up, and the task waits for
    /// the next one with its waker stored for `direction` alone.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut(&S) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.shared.poll_ready(cx, direction));
            match op(&self.io) {
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    if event.shutdown {
                        return Poll::Ready(Err(io::Error::other(
                            "the runtime this socket was registered with has shut down",
                        )));
                    }
                    // Loops: if no newer edge arrived, `poll_ready` now
                    // stores the waker and returns Pending.
                    self.shared.clear_readiness(event, direction);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }

    /// [`Registration::poll_io`] as a future.
    pub(crate) async fn io<R>(
        &self,
        direction: Direction,
        mut op: impl FnMut(&S) -> io::Result<R>,
    ) -> io::Result<R> {
        poll_fn(|cx| self.poll_io(cx, direction, &mut op)).await
    }
}
// ANCHOR_END: poll_io

// ANCHOR: deregister
impl<S: Source> Drop for Registration<S> {
    fn drop(&mut self) {
        self.reactor.deregister(&mut self.io, self.token);
    }
}
// ANCHOR_END: deregister
