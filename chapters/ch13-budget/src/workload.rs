//! The demo's and the benchmark's workload, for any runtime: hog tasks that
//! read an always-ready socket one byte at a time, and an echo task that a
//! client on its own thread pings at a steady rate. The client's thread is
//! outside the runtime, so its clock does not depend on the runtime under
//! test; what it measures is how long the echo task takes to get a turn.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// One run of the workload.
#[derive(Clone, Debug)]
pub struct Config {
    /// Hog tasks: one per worker occupies them all.
    pub hogs: usize,
    /// How long the client pings for.
    pub window: Duration,
    /// Time between two pings (the client does not wait for answers).
    pub interval: Duration,
    /// A hog stops when told, or after this long: without a budget nothing
    /// else runs until then, not even the task that would tell it.
    pub hog_cap: Duration,
    /// Whether the client's threads ask to run at real-time priority (see
    /// [`request_realtime`]).
    pub client_realtime: bool,
}

/// Starts a thread that accepts one connection and writes to it until the
/// peer closes it, faster than one-byte reads can drain it: a socket that
/// is always ready to read. Returns the address to connect to.
pub fn feeder() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let chunk = vec![0x5a_u8; 64 * 1024];
    // Nobody joins it: it ends when its peer (the hog) drops the socket and
    // a write fails, or with the process if the hog never connects.
    thread::Builder::new()
        .name("feeder".into())
        .spawn(move || {
            if let Ok((mut socket, _)) = listener.accept() {
                while socket.write_all(&chunk).is_ok() {}
            }
        })?;
    Ok(addr)
}

/// Sends a one-byte ping every `interval` for `window` on one connection,
/// from one thread, and reads the echoes on this one. Each ping's latency
/// runs from just before its write to the read that brought its echo back;
/// a late echo does not delay the next ping (the client is open-loop, so a
/// stall shows up in every ping sent during it, not only in one).
pub fn ping(server: SocketAddr, config: &Config) -> io::Result<Vec<Ping>> {
    // The reader gets its own thread, like the pinger: a priority asked for
    // on the caller's thread would pass on to the next runtime's workers,
    // which inherit it when that thread spawns them.
    let config = config.clone();
    thread::Builder::new()
        .name("reader".into())
        .spawn(move || read_echoes(server, &config))?
        .join()
        .map_err(|_| io::Error::other("the reader panicked"))?
}

fn read_echoes(server: SocketAddr, config: &Config) -> io::Result<Vec<Ping>> {
    if config.client_realtime {
        request_realtime();
    }
    let mut socket = TcpStream::connect(server)?;
    socket.set_nodelay(true)?;
    // Past the hog cap, an echo is not late: it is lost.
    socket.set_read_timeout(Some(config.hog_cap + Duration::from_secs(10)))?;
    let mut sender = socket.try_clone()?;
    let count = (config.window.as_nanos() / config.interval.as_nanos()).max(1) as u32;
    let (interval, realtime) = (config.interval, config.client_realtime);
    let (sent_tx, sent_rx) = mpsc::channel::<Instant>();
    let pacer = thread::Builder::new()
        .name("pinger".into())
        .spawn(move || -> io::Result<()> {
            if realtime {
                request_realtime();
            }
            let start = Instant::now();
            for i in 0..count {
                let due = start + interval * i;
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    thread::sleep(wait);
                }
                // The reader holds the receiver until every echo is back.
                let _ = sent_tx.send(Instant::now());
                sender.write_all(&[1])?;
            }
            Ok(())
        })?;
    let mut pings = Vec::with_capacity(count as usize);
    let mut buf = [0u8; 256];
    while pings.len() < count as usize {
        let n = socket.read(&mut buf)?;
        let now = Instant::now();
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        for _ in 0..n {
            // Each ping's time is sent before its byte, so it is here.
            let sent = sent_rx.recv().map_err(|_| io::ErrorKind::BrokenPipe)?;
            pings.push(Ping { sent, echoed: now });
        }
    }
    pacer
        .join()
        .map_err(|_| io::Error::other("the pinger panicked"))??;
    Ok(pings)
}

/// Asks the kernel to run the calling thread at the lowest real-time
/// priority (`SCHED_FIFO` 1, which needs root or `CAP_SYS_NICE` on Linux),
/// and says whether it did.
///
/// The client stands in for a peer on another machine, but here it shares
/// two cores with two workers that never sleep. Linux lets a busy thread
/// run out its slice before a woken thread of equal standing takes its
/// core, so an echo that is already back can wait up to a timer tick for
/// its reader, under any runtime. A real-time thread takes the core at
/// once, which leaves the runtime's own delays in the round trip.
pub fn request_realtime() -> bool {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 1 };
        // SAFETY: pid 0 is this thread, and `param` is a live
        // `sched_param` for the duration of the call.
        unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// One ping, as the client saw it.
#[derive(Clone, Copy, Debug)]
pub struct Ping {
    /// Just before its byte was written.
    pub sent: Instant,
    /// When the read that brought its echo back returned.
    pub echoed: Instant,
}

/// When the echo task read each ping's byte, in order: the server side
/// of a ping's latency, which the runtime alone decides. The rest, from
/// the echo's write to the client's read, is mostly the client's thread
/// waiting for a core.
#[derive(Clone, Default)]
pub struct Arrivals(std::sync::Arc<std::sync::Mutex<Vec<Instant>>>);

impl Arrivals {
    /// The echo task read `bytes` pings just now.
    pub fn record(&self, bytes: usize) {
        let now = Instant::now();
        // Poisoned only if a pusher panicked, which `extend` does not do
        // short of running out of memory.
        let mut arrived = self.0.lock().unwrap_or_else(|e| e.into_inner());
        arrived.extend(std::iter::repeat_n(now, bytes));
    }

    /// For each ping that came back, the time from its send to its read by
    /// the echo task.
    pub fn reached(&self, pings: &[Ping]) -> Vec<Duration> {
        let arrived = self.0.lock().unwrap_or_else(|e| e.into_inner());
        pings
            .iter()
            .zip(arrived.iter())
            .map(|(ping, &read)| read.saturating_duration_since(ping.sent))
            .collect()
    }
}

/// Percentiles of one run's ping latencies.
#[derive(Clone, Copy, Debug)]
pub struct Latencies {
    pub count: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Latencies {
    /// Nearest-rank percentiles.
    pub fn of(mut samples: Vec<Duration>) -> Latencies {
        assert!(!samples.is_empty(), "no ping came back");
        samples.sort_unstable();
        let rank = |p: usize| samples[(samples.len() * p).div_ceil(100).max(1) - 1];
        Latencies {
            count: samples.len(),
            p50: rank(50),
            p99: rank(99),
            max: samples[samples.len() - 1],
        }
    }
}

/// What one run of [`hog_and_ping!`](crate::hog_and_ping) saw.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// From the client's write to its read of the echo.
    pub latencies: Latencies,
    /// Every ping's latency, for pooling several runs.
    pub samples: Vec<Duration>,
    /// From the client's write to the echo task's read of it.
    pub reached: Latencies,
    pub reached_samples: Vec<Duration>,
    /// Bytes the hogs read, one read each.
    pub hog_reads: u64,
}

/// Milliseconds, for tables.
pub fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1e3)
}

/// Runs the workload on a runtime: `$runtime` has `block_on(&self, ..)`,
/// `$spawn` spawns on it, `$listener` and `$stream` are its TCP types (with
/// `bind`, `accept`, `connect`, `read`, `write_all`, `set_nodelay`; for
/// tokio, have its `AsyncReadExt` and `AsyncWriteExt` in scope). An
/// `io::Result<Outcome>`.
#[macro_export]
macro_rules! hog_and_ping {
    ($runtime:expr, $spawn:path, $listener:ty, $stream:ty, $config:expr) => {
        (|| -> ::std::io::Result<$crate::workload::Outcome> {
            use ::std::sync::atomic::{AtomicBool, Ordering};
            let config: &$crate::workload::Config = $config;
            let runtime = $runtime;
            let started = ::std::time::Instant::now();
            let stop = ::std::sync::Arc::new(AtomicBool::new(false));
            let arrivals = $crate::workload::Arrivals::default();
            let (hogs, server, addr) = runtime.block_on(async {
                let mut hogs = Vec::new();
                for _ in 0..config.hogs {
                    let mut stream = <$stream>::connect($crate::workload::feeder()?).await?;
                    let (stop, cap) = (stop.clone(), config.hog_cap);
                    hogs.push($spawn(async move {
                        let mut byte = [0u8; 1];
                        let mut reads = 0u64;
                        while !stop.load(Ordering::Relaxed) && started.elapsed() < cap {
                            match stream.read(&mut byte).await {
                                Ok(1) => reads += 1,
                                _ => break,
                            }
                        }
                        reads
                    }));
                }
                let listener = <$listener>::bind("127.0.0.1:0").await?;
                let addr = listener.local_addr()?;
                let arrivals = arrivals.clone();
                let server = $spawn(async move {
                    let (mut socket, _) = listener.accept().await?;
                    socket.set_nodelay(true)?;
                    let mut buf = [0u8; 256];
                    loop {
                        match socket.read(&mut buf).await? {
                            0 => return Ok::<(), ::std::io::Error>(()),
                            n => {
                                arrivals.record(n);
                                socket.write_all(&buf[..n]).await?
                            }
                        }
                    }
                });
                Ok::<_, ::std::io::Error>((hogs, server, addr))
            })?;
            let pinged = $crate::workload::ping(addr, config);
            stop.store(true, Ordering::Relaxed);
            let hog_reads = runtime.block_on(async {
                let mut reads = 0;
                for hog in hogs {
                    // A hog only panics on a bug in the runtime under test.
                    reads += hog.await.expect("a hog task failed");
                }
                reads
            });
            let pings = pinged?;
            let samples: Vec<_> = pings.iter().map(|ping| ping.echoed - ping.sent).collect();
            let reached_samples = arrivals.reached(&pings);
            // The client hung up: the echo task has returned, or will.
            drop(server);
            Ok($crate::workload::Outcome {
                latencies: $crate::workload::Latencies::of(samples.clone()),
                samples,
                reached: $crate::workload::Latencies::of(reached_samples.clone()),
                reached_samples,
                hog_reads,
            })
        })()
    };
}
