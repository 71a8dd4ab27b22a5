//! What the harness needs of a runtime, and how each runtime provides it.
//!
//! Every workload is written once, against [`Runtime`] (and [`Tcp`] for the
//! network ones), so all runtimes run the same code. A chapter's runtime
//! needs one line, [`chapter!`], because every chapter offers the same API.

use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;

// ANCHOR: runtime_trait
/// A multi-threaded runtime, seen through the few calls the workloads use.
pub trait Runtime: Sized + 'static {
    /// The column heading in the results.
    const NAME: &'static str;

    /// Starts a runtime with `workers` worker threads.
    fn new(workers: usize) -> Self;

    /// Runs `future` on the calling thread (not a worker) until it completes,
    /// with this runtime as the current one.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Spawns a detached task on the current runtime. Called from inside
    /// `block_on` or from a task, like `tokio::spawn`.
    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F);

    /// Lets the other tasks run, like `tokio::task::yield_now`.
    fn yield_now() -> impl Future<Output = ()> + Send;

    /// Per-worker counters (polls, steals, parks), one line per worker, for
    /// the runtimes that keep them: our chapters.
    fn worker_stats(&self) -> Option<Vec<String>> {
        None
    }
}
// ANCHOR_END: runtime_trait

// ANCHOR: tcp_trait
/// A runtime that can drive TCP sockets. The workloads call these from
/// inside `block_on` or a task.
pub trait Tcp: Runtime {
    type Listener: Send + Sync + 'static;
    type Stream: Send + 'static;

    /// Listens on `addr` with a backlog of at least 1,024, so the burst of
    /// connects in `tcp_echo` is not dropped (std and mio ask for 128).
    fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>> + Send;
    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr>;
    fn accept(
        listener: &Self::Listener,
    ) -> impl Future<Output = io::Result<Self::Stream>> + Send + '_;
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send;
    fn read<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a;
    fn write_all<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a;
}
// ANCHOR_END: tcp_trait

// ANCHOR: chapter_macro
/// Implements [`Runtime`] for a chapter crate: they all export `Runtime`,
/// `spawn` and `yield_now` with the same signatures.
macro_rules! chapter {
    ($adapter:ident, $name:literal, $krate:ident) => {
        chapter!($adapter, $name, $krate, $krate::spawn);
    };
    // A chapter's runtime with another chapter's `spawn` (its task cell).
    ($adapter:ident, $name:literal, $krate:ident, $spawn:path) => {
        pub struct $adapter($krate::Runtime);

        impl Runtime for $adapter {
            const NAME: &'static str = $name;

            fn new(workers: usize) -> Self {
                $adapter($krate::Runtime::new(workers))
            }

            fn block_on<F: Future>(&self, future: F) -> F::Output {
                self.0.block_on(future)
            }

            fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
                // Dropping the JoinHandle detaches the task, as with tokio.
                drop($spawn(future));
            }

            fn yield_now() -> impl Future<Output = ()> + Send {
                $krate::yield_now()
            }

            fn worker_stats(&self) -> Option<Vec<String>> {
                Some(self.0.stats().iter().map(ToString::to_string).collect())
            }
        }
    };
}

chapter!(Ch03, "ch03", ch03_global_queue);
// ANCHOR_END: chapter_macro
chapter!(Ch04, "ch04", ch04_local_queues);
chapter!(Ch05, "ch05", ch05_work_stealing);
chapter!(Ch06, "ch06", ch06_reactor);
chapter!(Ch12Lifo, "ch12-lifo", ch12_tuning, ch03_global_queue::spawn);
chapter!(Ch12, "ch12", ch12_tuning);
chapter!(Ch13, "ch13", ch13_budget);
chapter!(Ch14, "ch14", ch14_timer_wheel);

// ANCHOR: ch06_tcp
impl Tcp for Ch06 {
    type Listener = ch06_reactor::net::TcpListener;
    type Stream = ch06_reactor::net::TcpStream;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        // Listens with a backlog of 1,024 itself.
        ch06_reactor::net::TcpListener::bind(addr).await
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = ch06_reactor::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn read<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<usize> {
        stream.read(buf).await
    }

    async fn write_all<'a>(stream: &'a mut Self::Stream, buf: &'a [u8]) -> io::Result<()> {
        stream.write_all(buf).await
    }
}
// ANCHOR_END: ch06_tcp

// ---------------------------------------------------------------------------
// tokio

// ANCHOR: tokio
pub struct Tokio(tokio::runtime::Runtime);

impl Runtime for Tokio {
    const NAME: &'static str = "tokio";

    fn new(workers: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            // Fails only if the OS refuses threads or an epoll instance;
            // nothing can be measured then.
            .expect("building the tokio runtime");
        Tokio(runtime)
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        drop(tokio::spawn(future));
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
}
// ANCHOR_END: tokio

// ANCHOR: tokio_no_lifo
/// tokio with its LIFO slot turned off, to measure what the slot is worth.
/// `disable_lifo_slot` is one of tokio's unstable options, so this runtime
/// exists only in a build with `RUSTFLAGS="--cfg tokio_unstable"`.
#[cfg(tokio_unstable)]
pub struct TokioNoLifo(tokio::runtime::Runtime);

#[cfg(tokio_unstable)]
impl Runtime for TokioNoLifo {
    const NAME: &'static str = "tokio-no-lifo";

    fn new(workers: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .disable_lifo_slot()
            .build()
            .expect("building the tokio runtime");
        TokioNoLifo(runtime)
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        drop(tokio::spawn(future));
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
}
// ANCHOR_END: tokio_no_lifo

impl Tcp for Tokio {
    type Listener = tokio::net::TcpListener;
    type Stream = tokio::net::TcpStream;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        tokio::net::TcpListener::from_std(listen_std(addr)?)
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn read<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<usize> {
        tokio::io::AsyncReadExt::read(stream, buf).await
    }

    async fn write_all<'a>(stream: &'a mut Self::Stream, buf: &'a [u8]) -> io::Result<()> {
        tokio::io::AsyncWriteExt::write_all(stream, buf).await
    }
}

// ---------------------------------------------------------------------------
// async-executor (smol's executor)

/// `workers` threads, each running the one shared executor until the stop
/// channel closes. The threads use `async_io::block_on`, as smol's own
/// threads do, so an idle worker waits on async-io's reactor itself instead
/// of leaving all I/O to async-io's helper thread.
pub struct AsyncExecutor {
    executor: Arc<async_executor::Executor<'static>>,
    /// Dropping it closes the channel, which ends every worker's `run`.
    stop: Option<async_channel::Sender<()>>,
    threads: Vec<thread::JoinHandle<()>>,
}

thread_local! {
    /// The executor `spawn` uses on this thread: async-executor has no
    /// "current executor" of its own, so the adapter keeps one.
    static CURRENT: RefCell<Option<Arc<async_executor::Executor<'static>>>> =
        const { RefCell::new(None) };
}

impl Runtime for AsyncExecutor {
    const NAME: &'static str = "async-executor";

    // ANCHOR: async_executor
    fn new(workers: usize) -> Self {
        let executor = Arc::new(async_executor::Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let threads = (0..workers)
            .map(|index| {
                let executor = executor.clone();
                let stopped = stopped.clone();
                thread::Builder::new()
                    .name(format!("async-executor-{index}"))
                    .spawn(move || {
                        CURRENT.with(|current| *current.borrow_mut() = Some(executor.clone()));
                        // `recv` fails once the sender is dropped: that is the stop signal.
                        let _ = async_io::block_on(executor.run(stopped.recv()));
                    })
                    .expect("the OS refused to start a worker thread")
            })
            .collect();
        AsyncExecutor {
            executor,
            stop: Some(stop),
            threads,
        }
    }
    // ANCHOR_END: async_executor

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let previous = CURRENT.with(|current| current.replace(Some(self.executor.clone())));
        let output = async_io::block_on(future);
        CURRENT.with(|current| *current.borrow_mut() = previous);
        output
    }

    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        CURRENT.with(|current| {
            let current = current.borrow();
            let executor = current
                .as_ref()
                .expect("AsyncExecutor::spawn called outside block_on and outside a task");
            executor.spawn(future).detach();
        })
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}

impl Drop for AsyncExecutor {
    fn drop(&mut self) {
        drop(self.stop.take());
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Tcp for AsyncExecutor {
    type Listener = async_net::TcpListener;
    type Stream = async_net::TcpStream;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        async_net::TcpListener::try_from(listen_std(addr)?)
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = async_net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    async fn read<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<usize> {
        futures_lite::AsyncReadExt::read(stream, buf).await
    }

    async fn write_all<'a>(stream: &'a mut Self::Stream, buf: &'a [u8]) -> io::Result<()> {
        futures_lite::AsyncWriteExt::write_all(stream, buf).await
    }
}

/// A non-blocking std listener with a backlog of 1,024, for the runtimes
/// whose own `bind` asks for less.
fn listen_std(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

// ---------------------------------------------------------------------------
// One thread: chapter 11 against tokio's current-thread runtime

// ANCHOR: current_thread
/// Chapter 11's runtime: everything on the thread that calls `block_on`.
/// It has no workers, so `workers` is ignored; compare it with
/// [`TokioCurrentThread`], not with the multi-threaded columns.
pub struct Ch11(ch11_current_thread::Runtime);

impl Runtime for Ch11 {
    const NAME: &'static str = "ch11-ct";

    fn new(_workers: usize) -> Self {
        Ch11(ch11_current_thread::Runtime::new())
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        drop(ch11_current_thread::spawn(future));
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        ch11_current_thread::yield_now()
    }
}

/// tokio's `Builder::new_current_thread()`, the yardstick for [`Ch11`].
pub struct TokioCurrentThread(tokio::runtime::Runtime);

impl Runtime for TokioCurrentThread {
    const NAME: &'static str = "tokio-ct";

    fn new(_workers: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("building the tokio runtime");
        TokioCurrentThread(runtime)
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        drop(tokio::spawn(future));
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
}
// ANCHOR_END: current_thread

/// The TCP calls of a runtime whose sockets are another adapter's.
macro_rules! same_tcp_as {
    ($adapter:ty, $as:ty) => {
        impl Tcp for $adapter {
            type Listener = <$as as Tcp>::Listener;
            type Stream = <$as as Tcp>::Stream;

            fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>> + Send {
                <$as>::bind(addr)
            }

            fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
                <$as>::local_addr(listener)
            }

            fn accept(
                listener: &Self::Listener,
            ) -> impl Future<Output = io::Result<Self::Stream>> + Send + '_ {
                <$as>::accept(listener)
            }

            fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send {
                <$as>::connect(addr)
            }

            fn read<'a>(
                stream: &'a mut Self::Stream,
                buf: &'a mut [u8],
            ) -> impl Future<Output = io::Result<usize>> + Send + 'a {
                <$as>::read(stream, buf)
            }

            fn write_all<'a>(
                stream: &'a mut Self::Stream,
                buf: &'a [u8],
            ) -> impl Future<Output = io::Result<()>> + Send + 'a {
                <$as>::write_all(stream, buf)
            }
        }
    };
}

// Chapter 11 uses chapter 6's sockets (found through `Reactor::enter`).
same_tcp_as!(Ch11, Ch06);
same_tcp_as!(Ch12, Ch06);
same_tcp_as!(TokioCurrentThread, Tokio);
