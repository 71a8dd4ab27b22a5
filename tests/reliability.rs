//! Reliability tests, run against every runtime in the book: shutdown in
//! awkward moments, and user code that misbehaves.
//!
//! ```text
//! cargo test -p byo-async-runtime --test reliability
//! ```
//!
//! Every test runs inside `testkit::timeout`: a shutdown that hangs, or a
//! worker that died and left its tasks behind, fails the test instead of
//! hanging it.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use ch03_global_queue::sync::{lock, wait};
use ch03_global_queue::task::Task;
use ch03_global_queue::{Schedule, WorkerStats};
use futures_channel::{mpsc as channel, oneshot};
use testkit::{DropCounter, DropToken};

/// A scheduler wrapped so a test can see the moment the runtime's drop
/// begins: the shell calls `shutdown` first thing in `Drop`.
pub struct Observed<S> {
    inner: S,
    shutdown_begun: Mutex<bool>,
    changed: Condvar,
}

impl<S> Observed<S> {
    /// Blocks until the runtime's drop has called `shutdown`.
    fn wait_for_shutdown(&self) {
        let mut begun = lock(&self.shutdown_begun);
        while !*begun {
            begun = wait(&self.changed, begun);
        }
    }
}

impl<S: Schedule> Schedule for Observed<S> {
    fn new(workers: usize) -> Self {
        Observed {
            inner: S::new(workers),
            shutdown_begun: Mutex::new(false),
            changed: Condvar::new(),
        }
    }
    fn schedule(&self, task: Task) {
        self.inner.schedule(task);
    }
    fn run_worker(&self, index: usize) {
        self.inner.run_worker(index);
    }
    fn shutdown(&self) {
        self.inner.shutdown();
        *lock(&self.shutdown_begun) = true;
        self.changed.notify_all();
    }
    fn stats(&self) -> Vec<WorkerStats> {
        self.inner.stats()
    }
}

/// Panics when dropped, carrying a drop token so the test sees the drop.
struct PanicOnDrop(#[allow(dead_code)] DropToken);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("a value that panics in Drop");
    }
}

/// A future that owns a value that panics in `Drop`, so the panic happens
/// wherever the runtime drops the future, never inside `poll`.
struct Carrying<F> {
    _bomb: PanicOnDrop,
    inner: Pin<Box<F>>,
}

impl<F: Future> Carrying<F> {
    fn new(token: DropToken, inner: F) -> Self {
        Carrying {
            _bomb: PanicOnDrop(token),
            inner: Box::pin(inner),
        }
    }
}

impl<F: Future> Future for Carrying<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.inner.as_mut().poll(cx)
    }
}

/// A waker that reports each wake-up on a channel.
struct Notify(Mutex<mpsc::Sender<()>>);

impl std::task::Wake for Notify {
    fn wake(self: Arc<Self>) {
        // The test may have stopped listening; then nobody needs to know.
        let _ = lock(&self.0).send(());
    }
}

/// A waker that reports the wake-up on a channel, then panics.
struct PanickingWaker(Mutex<mpsc::Sender<()>>);

impl std::task::Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        // The test may have stopped listening; the panic is the point.
        let _ = lock(&self.0).send(());
        panic!("a waker that panics");
    }
}

/// Counts its polls; ready on the first one, after sending its waker out.
struct ReadyAtOnce {
    polls: Arc<AtomicUsize>,
    waker_out: mpsc::Sender<Waker>,
    /// Wake itself during the poll that returns `Ready`.
    wake_self: bool,
}

impl Future for ReadyAtOnce {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        // The test may have stopped listening; the count is what matters.
        let _ = self.waker_out.send(cx.waker().clone());
        if self.wake_self {
            cx.waker().wake_by_ref();
        }
        Poll::Ready(())
    }
}

macro_rules! reliability_suite {
    ($name:ident, $krate:ident, $scheduler:ty) => {
        mod $name {
            use super::*;
            use $krate::{spawn, yield_now, JoinHandle, Runtime};

            type ObservedRuntime = ch03_global_queue::runtime::Runtime<Observed<$scheduler>>;

            // ANCHOR: channels
            #[test]
            fn dropping_the_runtime_while_tasks_wait_on_channels_drops_them_all() {
                testkit::timeout(|| {
                    let rt = Runtime::new(2);
                    let counter = DropCounter::new();
                    let (started_tx, started_rx) = mpsc::channel();
                    let mut oneshots = Vec::new();
                    let mut handles: Vec<JoinHandle<()>> = Vec::new();
                    // Receivers whose senders this thread keeps.
                    for _ in 0..50 {
                        let (tx, rx) = oneshot::channel::<u32>();
                        oneshots.push(tx);
                        let (token, started) = (counter.token(), started_tx.clone());
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            let _ = started.send(());
                            let _ = rx.await;
                        }));
                    }
                    // Pairs of tasks each waiting on the other's channel.
                    for _ in 0..50 {
                        let (a_tx, mut a_rx) = channel::unbounded::<u32>();
                        let (b_tx, mut b_rx) = channel::unbounded::<u32>();
                        let (token, started) = (counter.token(), started_tx.clone());
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            let _keep = a_tx;
                            let _ = started.send(());
                            let _ = b_rx.recv().await;
                        }));
                        let (token, started) = (counter.token(), started_tx.clone());
                        handles.push(rt.spawn(async move {
                            let _token = token;
                            let _keep = b_tx;
                            let _ = started.send(());
                            let _ = a_rx.recv().await;
                        }));
                    }
                    for _ in 0..150 {
                        started_rx.recv().expect("a task ended before it started");
                    }
                    drop(rt);
                    assert_eq!(counter.alive(), 0, "futures outlived their runtime");
                    for handle in handles {
                        let result = ch02_futures::block_on(handle);
                        assert!(result.is_err_and(|e| e.is_cancelled()));
                    }
                    for tx in oneshots {
                        assert_eq!(tx.send(7), Err(7), "the receiver is gone");
                    }
                });
            }
            // ANCHOR_END: channels

            // ANCHOR: mid_poll
            /// A task blocks its worker on a barrier that opens only once
            /// the runtime's drop has begun. Then, with the runtime shutting
            /// down around it, it spawns a task and wakes itself. The drop
            /// waits for that poll to end and drops every future anyway.
            #[test]
            fn dropping_the_runtime_during_a_poll_waits_for_it_and_drops_everything() {
                testkit::timeout(|| {
                    let rt = ObservedRuntime::new(2);
                    let observed = rt.scheduler().clone();
                    let counter = DropCounter::new();
                    let barrier = Arc::new(Barrier::new(2));
                    let (started_tx, started_rx) = mpsc::channel();
                    let blocker = {
                        let (token, child_token) = (counter.token(), counter.token());
                        let barrier = barrier.clone();
                        rt.spawn(async move {
                            let _token = token;
                            let _ = started_tx.send(());
                            barrier.wait(); // blocks this worker thread
                            let child = spawn(async move {
                                let _token = child_token;
                                std::future::pending::<()>().await;
                            });
                            yield_now().await;
                            let _ = child.await;
                        })
                    };
                    // ANCHOR_END: mid_poll
                    let others: Vec<_> = (0..20)
                        .map(|i| {
                            let token = counter.token();
                            rt.spawn(async move {
                                let _token = token;
                                if i % 2 == 0 {
                                    std::future::pending::<()>().await;
                                }
                                loop {
                                    yield_now().await;
                                }
                            })
                        })
                        .collect();
                    // ANCHOR: mid_poll_drop
                    started_rx.recv().expect("the blocking task never ran");
                    let releaser = thread::spawn(move || {
                        observed.wait_for_shutdown();
                        barrier.wait();
                    });
                    drop(rt);
                    releaser.join().expect("the releasing thread panicked");
                    assert_eq!(counter.created(), 22);
                    assert_eq!(counter.alive(), 0, "futures outlived their runtime");
                    for handle in others.into_iter().chain([blocker]) {
                        let result = ch02_futures::block_on(handle);
                        assert!(result.is_err_and(|e| e.is_cancelled()));
                    }
                    // ANCHOR_END: mid_poll_drop
                });
            }

            // ANCHOR: panic_in_drop
            /// User code that panics in `Drop`, at every place the runtime
            /// drops a future or an output: after `Ready`, on `abort`, at
            /// shutdown, and the output of a task whose handle was dropped,
            /// before and after it finished. One worker, so
            /// a worker killed by any of them would leave the next tasks
            /// unrun, and the test would time out.
            #[test]
            fn values_that_panic_in_drop_do_not_kill_the_worker() {
                testkit::timeout(|| {
                    let rt = Runtime::new(1);
                    let counter = DropCounter::new();
                    // Dropped by the worker after the future returns Ready.
                    let finished = rt.spawn(Carrying::new(counter.token(), async { 7 }));
                    assert_eq!(rt.block_on(finished), Ok(7));
                    // Dropped by abort.
                    let (started_tx, started_rx) = mpsc::channel();
                    let aborted = rt.spawn(Carrying::new(counter.token(), async move {
                        let _ = started_tx.send(());
                        std::future::pending::<()>().await;
                    }));
                    started_rx.recv().expect("the task never ran");
                    aborted.abort();
                    assert!(rt.block_on(aborted).is_err_and(|e| e.is_cancelled()));
                    // ANCHOR_END: panic_in_drop
                    // The output of a task whose handle was dropped before it
                    // finished: the worker drops it as soon as it is made.
                    let (go_tx, go_rx) = oneshot::channel::<()>();
                    let (done_tx, done_rx) = mpsc::channel();
                    let token = counter.token();
                    drop(rt.spawn(async move {
                        let _ = go_rx.await;
                        let _ = done_tx.send(());
                        PanicOnDrop(token)
                    }));
                    go_tx.send(()).expect("the task is gone");
                    done_rx.recv().expect("the detached task never ran");
                    // The output of a task that finished before its handle
                    // was dropped: the handle's drop drops it.
                    let (woken_tx, woken_rx) = mpsc::channel();
                    let waker = Waker::from(Arc::new(Notify(Mutex::new(woken_tx))));
                    let (go_tx, go_rx) = oneshot::channel::<()>();
                    let token = counter.token();
                    let mut handle = rt.spawn(async move {
                        let _ = go_rx.await;
                        PanicOnDrop(token)
                    });
                    let first = Pin::new(&mut handle).poll(&mut Context::from_waker(&waker));
                    assert!(first.is_pending(), "the task cannot have finished yet");
                    go_tx.send(()).expect("the task is gone");
                    woken_rx.recv().expect("the handle was never woken");
                    drop(handle);
                    // ANCHOR: panic_in_drop_end
                    // The worker is still there.
                    let sum = rt.block_on(async {
                        let handles: Vec<_> =
                            (0..100u64).map(|i| spawn(async move { i })).collect();
                        let mut sum = 0;
                        for handle in handles {
                            sum += handle.await.expect("a task after the panics failed");
                        }
                        sum
                    });
                    assert_eq!(sum, 4_950);
                    // Dropped at shutdown.
                    let never =
                        rt.spawn(Carrying::new(counter.token(), std::future::pending::<()>()));
                    drop(rt);
                    assert!(ch02_futures::block_on(never).is_err_and(|e| e.is_cancelled()));
                    assert_eq!(counter.created(), 5);
                    assert_eq!(counter.alive(), 0);
                    // ANCHOR_END: panic_in_drop_end
                });
            }

            // ANCHOR: panicking_payload
            /// A task panics with a payload whose `Drop` panics too. The
            /// runtime reads the message on the worker and drops the
            /// payload there. One worker, so a killed worker leaves the
            /// next task unrun.
            #[test]
            fn a_panic_payload_that_panics_in_drop_does_not_kill_the_worker() {
                testkit::timeout(|| {
                    let rt = Runtime::new(1);
                    let counter = DropCounter::new();
                    let token = counter.token();
                    let panicked = rt.spawn(async move {
                        std::panic::panic_any(PanicOnDrop(token));
                    });
                    let error = rt.block_on(panicked).expect_err("the task panicked");
                    assert!(error.is_panic());
                    assert_eq!(counter.alive(), 0, "the payload was not dropped");
                    // The worker is still there.
                    assert_eq!(rt.block_on(rt.spawn(async { 7 })), Ok(7));
                });
            }
            // ANCHOR_END: panicking_payload

            // ANCHOR: panicking_join_waker
            /// Whoever awaits a `JoinHandle` gives it a waker, and the
            /// worker that finishes the task calls it: foreign code, which
            /// may panic.
            #[test]
            fn a_join_waker_that_panics_does_not_kill_the_worker() {
                testkit::timeout(|| {
                    let rt = Runtime::new(1);
                    let (go_tx, go_rx) = oneshot::channel::<()>();
                    let mut handle = rt.spawn(async move {
                        let _ = go_rx.await;
                        7
                    });
                    let (woken_tx, woken_rx) = mpsc::channel();
                    let waker = Waker::from(Arc::new(PanickingWaker(Mutex::new(woken_tx))));
                    let first = Pin::new(&mut handle).poll(&mut Context::from_waker(&waker));
                    assert!(first.is_pending(), "the task cannot have finished yet");
                    go_tx.send(()).expect("the task is gone");
                    woken_rx.recv().expect("the handle was never woken");
                    // The worker is still there, and the output reached
                    // the handle.
                    assert_eq!(rt.block_on(rt.spawn(async { 8 })), Ok(8));
                    assert_eq!(rt.block_on(handle), Ok(7));
                });
            }
            // ANCHOR_END: panicking_join_waker

            // ANCHOR: ready_once
            /// Futures that return `Ready` and are then woken again, from
            /// their own poll and from other threads while they complete:
            /// each is polled exactly once.
            #[test]
            fn a_future_that_returned_ready_is_never_polled_again() {
                testkit::timeout(|| {
                    let rt = Runtime::new(2);
                    const TASKS: usize = 2_000;
                    let polls = Arc::new(AtomicUsize::new(0));
                    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
                    // Wakes every waker it gets, many times, while the
                    // runtime is still running other tasks.
                    let hammer = thread::spawn(move || {
                        let mut woken = 0;
                        for waker in waker_rx {
                            for _ in 0..10 {
                                waker.wake_by_ref();
                            }
                            waker.wake();
                            woken += 1;
                        }
                        woken
                    });
                    let handles: Vec<_> = (0..TASKS)
                        .map(|i| {
                            rt.spawn(ReadyAtOnce {
                                polls: polls.clone(),
                                waker_out: waker_tx.clone(),
                                wake_self: i % 2 == 0,
                            })
                        })
                        .collect();
                    drop(waker_tx);
                    rt.block_on(async move {
                        for handle in handles {
                            handle.await.expect("a task failed");
                        }
                    });
                    assert_eq!(hammer.join().expect("the waking thread panicked"), TASKS);
                    // Give any wrongly queued task a chance to be polled: a
                    // full pass of every worker's queues.
                    rt.block_on(async {
                        let handles: Vec<_> = (0..100).map(|_| spawn(yield_now())).collect();
                        for handle in handles {
                            handle.await.expect("a task failed");
                        }
                    });
                    assert_eq!(
                        polls.load(Ordering::SeqCst),
                        TASKS,
                        "a finished future was polled again"
                    );
                });
            }
            // ANCHOR_END: ready_once

            // ANCHOR: late_wakers
            /// Wakers of finished, cancelled and waiting tasks, called from
            /// several threads while the runtime drops and after it is gone.
            #[test]
            fn wakers_called_during_and_after_the_drop_are_harmless() {
                testkit::timeout(|| {
                    let rt = Runtime::new(2);
                    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
                    let mut handles = Vec::new();
                    for i in 0..200 {
                        let waker_tx = waker_tx.clone();
                        handles.push(rt.spawn(poll_fn(move |cx| {
                            let _ = waker_tx.send(cx.waker().clone());
                            if i % 4 == 0 {
                                Poll::Ready(())
                            } else {
                                Poll::Pending
                            }
                        })));
                    }
                    drop(waker_tx);
                    let wakers: Arc<Vec<Waker>> = Arc::new(waker_rx.iter().take(200).collect());
                    // From now on the tasks' sends fail, and are ignored.
                    drop(waker_rx);
                    let stop = Arc::new(AtomicBool::new(false));
                    let wakers_threads: Vec<_> = (0..3)
                        .map(|_| {
                            let (wakers, stop) = (wakers.clone(), stop.clone());
                            thread::spawn(move || {
                                let mut calls = 0u64;
                                // Bounded: a few passes after the drop.
                                let mut passes_after_stop = 0;
                                while passes_after_stop < 3 {
                                    if stop.load(Ordering::SeqCst) {
                                        passes_after_stop += 1;
                                    }
                                    for waker in wakers.iter() {
                                        waker.wake_by_ref();
                                        waker.clone().wake();
                                        calls += 2;
                                    }
                                }
                                calls
                            })
                        })
                        .collect();
                    drop(rt);
                    stop.store(true, Ordering::SeqCst);
                    for thread in wakers_threads {
                        assert!(thread.join().expect("a waking thread panicked") > 0);
                    }
                    for (i, handle) in handles.into_iter().enumerate() {
                        let result = ch02_futures::block_on(handle);
                        if i % 4 == 0 {
                            assert!(result.is_ok() || result.is_err_and(|e| e.is_cancelled()));
                        } else {
                            assert!(result.is_err_and(|e| e.is_cancelled()));
                        }
                    }
                    // The last references: dropping them frees the tasks.
                    drop(wakers);
                });
            }
            // ANCHOR_END: late_wakers

            /// Tasks of one runtime woken by the tasks and workers of
            /// another: each wake goes to the task's own runtime.
            #[test]
            fn tasks_woken_from_another_runtimes_workers_run_on_their_own() {
                testkit::timeout(|| {
                    let a = Runtime::new(2);
                    let b = Runtime::new(2);
                    let mut senders = Vec::new();
                    let waiting: Vec<_> = (0..500)
                        .map(|i| {
                            let (tx, rx) = oneshot::channel::<usize>();
                            senders.push(tx);
                            a.spawn(async move { rx.await.expect("the sender is gone") + i })
                        })
                        .collect();
                    let senders: Vec<_> = senders
                        .into_iter()
                        .enumerate()
                        .map(|(i, tx)| {
                            b.spawn(async move {
                                yield_now().await;
                                tx.send(i).expect("the receiver is gone");
                            })
                        })
                        .collect();
                    b.block_on(async {
                        for sender in senders {
                            sender.await.expect("a sending task failed");
                        }
                    });
                    drop(b);
                    let sum = a.block_on(async {
                        let mut sum = 0;
                        for handle in waiting {
                            sum += handle.await.expect("a waiting task failed");
                        }
                        sum
                    });
                    assert_eq!(sum, 2 * (0..500).sum::<usize>());
                });
            }
        }
    };
}

// ANCHOR: suites
reliability_suite!(ch03, ch03_global_queue, ch03_global_queue::GlobalQueue);
reliability_suite!(ch04, ch04_local_queues, ch04_local_queues::LocalQueues);
reliability_suite!(ch05, ch05_work_stealing, ch05_work_stealing::WorkStealing);
reliability_suite!(ch06, ch06_reactor, ch06_reactor::Scheduler);
// ANCHOR_END: suites

/// Chapter 6's runtime with real sockets and timers.
mod ch06_io {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener as StdListener, TcpStream as StdStream};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use ch06_reactor::net::{TcpListener, TcpStream};
    use ch06_reactor::time::{sleep, timeout};
    use ch06_reactor::{spawn, Runtime};

    const HOUR: Duration = Duration::from_secs(3600);

    // ANCHOR: io_shutdown
    /// Tasks waiting in `accept`, in `read` on both ends of connections, in
    /// `sleep` and in `timeout`, an hour away: dropping the runtime returns
    /// at once, drops every future, and closes every socket they held.
    #[test]
    fn dropping_the_runtime_while_tasks_wait_on_sockets_and_timers_closes_everything() {
        testkit::timeout(|| {
            let rt = Runtime::new(2);
            let counter = DropCounter::new();
            let (started_tx, started_rx) = mpsc::channel::<()>();
            // Our server: an accept loop; each connection waits to read.
            let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
            let server = listener.local_addr().expect("local_addr");
            {
                let (token, started, counter) =
                    (counter.token(), started_tx.clone(), counter.clone());
                rt.spawn(async move {
                    let _token = token;
                    let _ = started.send(());
                    while let Ok((mut stream, _)) = listener.accept().await {
                        let (token, started) = (counter.token(), started.clone());
                        spawn(async move {
                            let _token = token;
                            let _ = started.send(());
                            let _ = stream.read(&mut [0u8; 16]).await;
                        });
                    }
                });
            }
            let clients: Vec<StdStream> = (0..10)
                .map(|_| StdStream::connect(server).expect("connect to our server"))
                .collect();
            // Our clients, connected to a plain listener, waiting to read.
            let plain = StdListener::bind("127.0.0.1:0").expect("bind");
            let plain_addr = plain.local_addr().expect("local_addr");
            for _ in 0..10 {
                let (token, started) = (counter.token(), started_tx.clone());
                rt.spawn(async move {
                    let _token = token;
                    let mut stream = TcpStream::connect(plain_addr).await.expect("connect");
                    let _ = started.send(());
                    let _ = stream.read(&mut [0u8; 16]).await;
                });
            }
            let peers: Vec<StdStream> =
                (0..10).map(|_| plain.accept().expect("accept").0).collect();
            // Timers an hour away.
            for i in 0..20 {
                let (token, started) = (counter.token(), started_tx.clone());
                rt.spawn(async move {
                    let _token = token;
                    let _ = started.send(());
                    if i % 2 == 0 {
                        sleep(HOUR).await;
                    } else {
                        let _ = timeout(HOUR, std::future::pending::<()>()).await;
                    }
                });
            }
            for _ in 0..1 + 10 + 10 + 20 {
                started_rx.recv().expect("a task ended before it started");
            }
            drop(rt);
            assert_eq!(counter.created(), 41);
            assert_eq!(counter.alive(), 0, "futures outlived their runtime");
            // Every socket the tasks held is closed: its peer reads the end.
            for mut peer in clients.into_iter().chain(peers) {
                peer.set_read_timeout(Some(Duration::from_secs(10)))
                    .expect("set_read_timeout");
                match peer.read(&mut [0u8; 1]) {
                    Ok(0) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
                    other => panic!("the runtime's end of a connection is still open: {other:?}"),
                }
            }
            assert!(
                StdStream::connect(server).is_err(),
                "the listener is still open"
            );
        });
    }
    // ANCHOR_END: io_shutdown

    // ANCHOR: fd_exhaustion
    /// Set in the child process that serves with few file descriptors.
    const CHILD: &str = "BYO_RELIABILITY_FD_CHILD";
    /// The child's limit on open files, and how many clients connect to it
    /// at once: twice as many as it has descriptors.
    const FD_LIMIT: usize = 32;
    const CLIENTS: usize = 2 * FD_LIMIT;

    /// An echo server runs out of file descriptors: `accept` fails with
    /// "Too many open files" while clients wait in the backlog. It reports
    /// the error, pauses, and tries again; as clients leave, descriptors
    /// come back and every client is served. The server runs in a child
    /// process (this test, started again), because the limit is per process
    /// and the other tests must keep theirs.
    #[test]
    fn accept_keeps_serving_when_file_descriptors_run_out() {
        if std::env::var_os(CHILD).is_some() {
            return serve_with_few_file_descriptors();
        }
        testkit::with_timeout(Duration::from_secs(60), || {
            let exe = std::env::current_exe().expect("the test binary's path");
            let child = Command::new("sh")
                .arg("-c")
                .arg(format!("ulimit -n {FD_LIMIT} && exec \"$0\" \"$@\""))
                .arg(exe)
                .args([
                    "--exact",
                    "ch06_io::accept_keeps_serving_when_file_descriptors_run_out",
                ])
                .args(["--nocapture", "--test-threads=1"])
                .env(CHILD, "1")
                .stdout(Stdio::piped())
                .spawn()
                .expect("starting the child process");
            let mut child = KillOnDrop(child);
            let mut lines = BufReader::new(child.0.stdout.take().expect("piped")).lines();
            // The test harness prints the test's name before its output, on
            // the same line: look for `key=` anywhere in a line.
            let mut next_value = |key: &str| -> String {
                let prefix = format!("{key}=");
                lines
                    .by_ref()
                    .map(|line| line.expect("reading the child's output"))
                    .find_map(|line| line.split_once(&prefix).map(|(_, value)| value.to_string()))
                    .unwrap_or_else(|| panic!("the child never reported {key}"))
            };
            let addr = next_value("listening");
            // All at once: most wait in the backlog, unaccepted.
            let mut clients: Vec<StdStream> = (0..CLIENTS)
                .map(|_| StdStream::connect(&addr).expect("connect"))
                .collect();
            for (i, client) in clients.iter_mut().enumerate() {
                client
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .expect("set_read_timeout");
                let message = format!("message {i:04}");
                client.write_all(message.as_bytes()).expect("write");
                let mut echo = vec![0u8; message.len()];
                client
                    .read_exact(&mut echo)
                    .expect("no echo: the server stopped serving");
                assert_eq!(echo, message.as_bytes());
                // Closing it gives the server a descriptor back.
                client.shutdown(std::net::Shutdown::Both).expect("shutdown");
            }
            let served: usize = next_value("served").parse().expect("a number");
            let errors: usize = next_value("accept_errors").parse().expect("a number");
            let first_error = next_value("first_error");
            assert!(child.0.wait().expect("waiting for the child").success());
            assert_eq!(served, CLIENTS);
            assert!(errors > 0, "the server never ran out of descriptors");
            assert!(first_error.contains("Too many open files"), "{first_error}");
            println!("{CLIENTS} clients served with {FD_LIMIT} descriptors; {errors} failed accepts: {first_error}");
        });
    }

    /// Kills the child process if the test fails before it has ended.
    struct KillOnDrop(std::process::Child);

    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            // Fails only if it has already exited, which is what we want.
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// The child's side: serve `CLIENTS` connections, then report. Bounded
    /// in time too, so that it cannot outlive a parent that failed.
    fn serve_with_few_file_descriptors() {
        testkit::with_timeout(Duration::from_secs(60), serve_clients);
    }

    fn serve_clients() {
        let rt = Runtime::new(2);
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        println!("listening={}", listener.local_addr().expect("local_addr"));
        let (served, errors, first_error) = rt.block_on(async move {
            let (mut errors, mut first_error) = (0, None);
            let mut connections = Vec::new();
            while connections.len() < CLIENTS {
                match listener.accept().await {
                    Ok((stream, _)) => connections.push(spawn(echo_once(stream))),
                    Err(error) => {
                        errors += 1;
                        first_error.get_or_insert(error.to_string());
                        // The listener is still readable: without a pause
                        // this loop would spin until a descriptor comes back.
                        sleep(Duration::from_millis(5)).await;
                    }
                }
            }
            let mut served = 0;
            for connection in connections {
                served += usize::from(connection.await.expect("an echo task failed"));
            }
            (served, errors, first_error)
        });
        println!("served={served}");
        println!("accept_errors={errors}");
        println!("first_error={}", first_error.unwrap_or_default());
    }

    /// Echoes one message, then waits for the client to leave.
    async fn echo_once(mut stream: TcpStream) -> bool {
        let mut buf = [0u8; 64];
        let Ok(n) = stream.read(&mut buf).await else {
            return false;
        };
        if n == 0 || stream.write_all(&buf[..n]).await.is_err() {
            return false;
        }
        matches!(stream.read(&mut buf).await, Ok(0))
    }
    // ANCHOR_END: fd_exhaustion
}

/// Chapter 7's `JoinSet`.
mod ch07_join_set {
    use super::*;
    use ch07_fetch::{spawn, yield_now, JoinSet, Runtime};

    /// Everything a task of the set owns, dropped together: its drop token
    /// and its channel's receiver go first, then the drop is reported, so
    /// a test that hears of it can rely on both being gone.
    struct Owned {
        token: Option<DropToken>,
        rx: Option<oneshot::Receiver<()>>,
        dropped: mpsc::Sender<()>,
    }

    impl Drop for Owned {
        fn drop(&mut self) {
            drop((self.token.take(), self.rx.take()));
            // The test may have stopped listening after a failure.
            let _ = self.dropped.send(());
        }
    }

    // ANCHOR: join_set_drop
    /// Dropping a `JoinSet` aborts its tasks, wherever they are: waiting on
    /// a channel, waiting for nothing, or always runnable. Each future is
    /// dropped (the test waits for all of them), the tasks that finished
    /// earlier are unaffected, and the runtime carries on.
    #[test]
    fn dropping_a_join_set_aborts_its_tasks() {
        testkit::timeout(|| {
            let rt = Runtime::new(2);
            let counter = DropCounter::new();
            let (dropped_tx, dropped_rx) = mpsc::channel();
            let (started_tx, started_rx) = mpsc::channel();
            let mut senders = Vec::new();
            let finished = rt.block_on(async {
                let mut set = JoinSet::new();
                for i in 0..30 {
                    let started = started_tx.clone();
                    let (tx, rx) = oneshot::channel::<()>();
                    senders.push(tx);
                    let mut owned = Owned {
                        token: Some(counter.token()),
                        rx: Some(rx),
                        dropped: dropped_tx.clone(),
                    };
                    set.spawn(async move {
                        let _ = started.send(());
                        match (i % 3, owned.rx.as_mut()) {
                            (0, Some(rx)) => drop(rx.await),
                            (1, _) => std::future::pending::<()>().await,
                            _ => loop {
                                yield_now().await;
                            },
                        }
                        drop(owned);
                        i
                    });
                }
                // This thread is not a worker: blocking it here is fine.
                for _ in 0..30 {
                    started_rx.recv().expect("a task ended before it started");
                }
                // Ten that finish, and are joined, before the set is dropped.
                for i in 100..110 {
                    set.spawn(async move { i });
                }
                let mut finished = Vec::new();
                while finished.len() < 10 {
                    let output = set.join_next().await.expect("the set is not empty");
                    finished.push(output.expect("a quick task failed"));
                }
                finished
            });
            // The set went out of scope at the end of `block_on`: its 30
            // remaining tasks were aborted. Wait for every future to go.
            for _ in 0..30 {
                dropped_rx.recv().expect("an aborted task kept its future");
            }
            assert_eq!(counter.alive(), 0);
            let mut finished = finished;
            finished.sort_unstable();
            assert_eq!(finished, (100..110).collect::<Vec<_>>());
            // Their channels' receivers are gone.
            for tx in senders {
                assert!(tx.send(()).is_err());
            }
            assert_eq!(rt.block_on(async { spawn(async { 7 }).await }), Ok(7));
        });
    }
    // ANCHOR_END: join_set_drop
}
