//! An in-memory byte stream for tests: the test decides exactly which bytes
//! have arrived when, so a read can be caught half-way through a message
//! every time, not only when the network happens to split it there.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// Both ends of one stream: clone it, write on one clone, read the other.
#[derive(Clone, Default)]
pub struct Pipe(Arc<Mutex<State>>);

#[derive(Default)]
struct State {
    data: VecDeque<u8>,
    closed: bool,
    reader: Option<Waker>,
}

impl Pipe {
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding it, so it cannot be poisoned.
        self.0.lock().unwrap_or_else(|poison| poison.into_inner())
    }

    /// Bytes arrive.
    pub fn write(&self, bytes: &[u8]) {
        let waker = {
            let mut state = self.state();
            state.data.extend(bytes);
            state.reader.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The writer is done: reads return 0 once the data is used up.
    pub fn close(&self) {
        let waker = {
            let mut state = self.state();
            state.closed = true;
            state.reader.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Bytes written and not yet read.
    pub fn unread(&self) -> usize {
        self.state().data.len()
    }
}

impl futures_io::AsyncRead for Pipe {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut state = self.state();
        if state.data.is_empty() {
            if state.closed {
                return Poll::Ready(Ok(0));
            }
            state.reader = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let n = buf.len().min(state.data.len());
        for (slot, byte) in buf.iter_mut().zip(state.data.drain(..n)) {
            *slot = byte;
        }
        Poll::Ready(Ok(n))
    }
}
