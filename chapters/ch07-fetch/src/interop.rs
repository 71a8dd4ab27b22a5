//! Running tokio-based futures (reqwest) as tasks on OUR executor.
//!
//! reqwest's futures are built on tokio's `TcpStream` and `sleep`. Those
//! register with the I/O driver and timer of "the current tokio runtime",
//! which they find in a thread-local that `Handle::enter` sets. They do not
//! care who polls them: when the socket is ready, tokio's driver calls the
//! `Waker` it was given, and a waker is just "call me back". Ours pushes
//! the task onto our run queue.
//!
//! So: keep a tokio runtime alive on a thread of its own, to drive its I/O
//! and timers (and to run the connection tasks hyper spawns), and poll each
//! reqwest future inside that runtime's context.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread;

use futures_task::ArcWake;

/// A tokio runtime whose only job is to drive its I/O and timers, on a
/// thread of its own. Dropping it stops that thread.
pub struct TokioDriver {
    handle: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// The driver thread's name: wakes that come from it are counted.
pub const DRIVER_THREAD: &str = "tokio-driver";

// ANCHOR: tokio_driver
impl TokioDriver {
    pub fn start() -> std::io::Result<TokioDriver> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name(DRIVER_THREAD.into())
            .spawn(move || {
                // A current-thread runtime drives its I/O and timers, and
                // runs its spawned tasks, only while someone is inside
                // `block_on`: this thread stays there until told to stop.
                runtime.block_on(async {
                    // Sender dropped or fired: either way, stop.
                    let _ = stopped.await;
                });
            })?;
        Ok(TokioDriver {
            handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }
}

// ANCHOR_END: tokio_driver

impl Drop for TokioDriver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // Fails only if the thread already ended; then there is nothing to stop.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The thread only panics if tokio does; we are shutting down anyway.
            let _ = thread.join();
        }
    }
}

// ANCHOR: in_tokio
/// Wraps a future so that every poll runs inside a tokio runtime's
/// context. Spawn the wrapper on our runtime like any other future.
pub struct InTokio<F> {
    handle: tokio::runtime::Handle,
    future: Pin<Box<F>>,
    wakes: Arc<WakeCount>,
}

impl<F: Future> InTokio<F> {
    pub fn new(handle: tokio::runtime::Handle, future: F, wakes: Arc<WakeCount>) -> Self {
        InTokio {
            handle,
            future: Box::pin(future),
            wakes,
        }
    }
}

impl<F: Future> Future for InTokio<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // While the guard lives, tokio's thread-local "current runtime" is
        // the driver's: sockets and timers created in this poll register there.
        let _entered = self.handle.enter();
        // Our task's waker, wrapped to count who calls it.
        let waker = counting_waker(cx.waker().clone(), self.wakes.clone());
        self.future.as_mut().poll(&mut Context::from_waker(&waker))
    }
}
// ANCHOR_END: in_tokio

// ANCHOR: wake_count
/// Counts the wake-ups of our tasks, and how many came from tokio's thread.
#[derive(Debug, Default)]
pub struct WakeCount {
    pub total: AtomicU64,
    pub from_driver: AtomicU64,
}

struct CountingWaker {
    inner: Waker,
    count: Arc<WakeCount>,
}

impl ArcWake for CountingWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.count.total.fetch_add(1, Ordering::Relaxed);
        if thread::current().name() == Some(DRIVER_THREAD) {
            arc_self.count.from_driver.fetch_add(1, Ordering::Relaxed);
        }
        // The real wake-up: our task goes back on our run queue.
        arc_self.inner.wake_by_ref();
    }
}
// ANCHOR_END: wake_count

fn counting_waker(inner: Waker, count: Arc<WakeCount>) -> Waker {
    futures_task::waker(Arc::new(CountingWaker { inner, count }))
}
