//! `cargo run --release -p ch06-reactor --bin c10k -- --connections 10000 --messages 10`
//!
//! The C10k test: one echo server on our runtime, and N client connections
//! open at the same time, each sending K messages and checking every byte
//! that comes back. The clients run in a second process (this program
//! started again with `--client`), so each process needs about N file
//! descriptors rather than 2N.

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ch06_reactor::net::{TcpListener, TcpStream};
use ch06_reactor::time::sleep;
use ch06_reactor::{spawn, Runtime};

const USAGE: &str = "usage: c10k [--connections N] [--messages K] [--size BYTES] \
                     [--workers W] [--in-flight F] [--server ours|tokio] [--server-only]";

#[derive(Debug, Clone)]
struct Options {
    connections: usize,
    messages: usize,
    size: usize,
    workers: usize,
    in_flight: usize,
    /// Set in the client process: the server's address.
    client_of: Option<SocketAddr>,
    /// Only serve (until killed), for clients written with another runtime.
    server_only: bool,
    /// Which runtime the server runs on.
    server: ServerRuntime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerRuntime {
    Ours,
    /// Built with `--features tokio`: the same echo server on tokio, for
    /// comparison. The clients always run on our runtime.
    Tokio,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        connections: 10_000,
        messages: 10,
        size: 64,
        workers: 2,
        in_flight: 256,
        client_of: None,
        server_only: false,
        server: ServerRuntime::Ours,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |text: String| {
            text.parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{flag}: expected a positive number, got {text:?}"))
        };
        match flag.as_str() {
            "--connections" => options.connections = number(value()?)?,
            "--messages" => options.messages = number(value()?)?,
            "--size" => options.size = number(value()?)?,
            "--workers" => options.workers = number(value()?)?,
            "--in-flight" => options.in_flight = number(value()?)?,
            "--client" => {
                let text = value()?;
                let addr = text
                    .parse()
                    .map_err(|_| format!("--client: not an address: {text:?}"))?;
                options.client_of = Some(addr);
            }
            "--server-only" => options.server_only = true,
            "--server" => {
                options.server = match value()?.as_str() {
                    "ours" => ServerRuntime::Ours,
                    "tokio" if cfg!(feature = "tokio") => ServerRuntime::Tokio,
                    "tokio" => {
                        return Err("--server tokio: build with --features tokio".to_string())
                    }
                    other => return Err(format!("--server: ours or tokio, not {other:?}")),
                }
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    let result = match options.client_of {
        Some(addr) => client(&options, addr),
        None => server(&options),
    };
    if let Err(message) = result {
        eprintln!("c10k: {message}");
        std::process::exit(1);
    }
}

// ANCHOR: rlimit
/// Raises this process's soft limit on open files to `needed`, if the hard
/// limit allows it. Returns the (soft, hard) limits now in force.
fn raise_open_files(needed: u64) -> Result<(u64, u64), String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one `rlimit` through a pointer to our local.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(format!("getrlimit: {}", io::Error::last_os_error()));
    }
    // `rlim_t` is u64 on Linux but not on every Unix.
    #[allow(clippy::unnecessary_cast)]
    let (soft, hard) = (limit.rlim_cur as u64, limit.rlim_max as u64);
    if soft >= needed {
        return Ok((soft, hard));
    }
    if hard < needed {
        return Err(format!(
            "{needed} open files needed per process, but the hard limit is {hard}: \
             raise it (ulimit -Hn, as root) or ask for fewer --connections"
        ));
    }
    limit.rlim_cur = needed as libc::rlim_t;
    // SAFETY: setrlimit reads one `rlimit` through a pointer to our local.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(format!("setrlimit: {}", io::Error::last_os_error()));
    }
    Ok((needed, hard))
}
// ANCHOR_END: rlimit

/// Descriptors a process needs besides the connections: the epoll
/// instance, its waker, the listener, stdio, the pipe to the other process.
const SPARE_FILES: u64 = 64;

/// The peak resident memory of this process (VmHWM), in KiB.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Message `index` of connection `connection`: every byte depends on both,
/// so a byte from the wrong connection or the wrong message is caught.
fn message(connection: usize, index: usize, size: usize) -> Vec<u8> {
    (0..size)
        .map(|i| (connection.wrapping_mul(131) ^ index.wrapping_mul(31) ^ i) as u8)
        .collect()
}

/// Counters the echo server keeps.
#[derive(Default)]
struct ServerCounts {
    open: AtomicUsize,
    peak: AtomicUsize,
    bytes: AtomicU64,
}

// ANCHOR: server
async fn echo_connection(mut stream: TcpStream, counts: Arc<ServerCounts>) {
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => {
                if stream.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                counts.bytes.fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(_) => break,
        }
    }
    counts.open.fetch_sub(1, Ordering::Relaxed);
}

async fn accept_loop(listener: TcpListener, counts: Arc<ServerCounts>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let open = counts.open.fetch_add(1, Ordering::Relaxed) + 1;
                counts.peak.fetch_max(open, Ordering::Relaxed);
                spawn(echo_connection(stream, counts.clone()));
            }
            Err(error) => {
                // Out of descriptors, or a connection reset before we took
                // it: report, give the system a moment, keep serving.
                eprintln!("server: accept failed: {error}");
                sleep(Duration::from_millis(10)).await;
            }
        }
    }
}
// ANCHOR_END: server

/// A running echo server: its address, its counters, and how to stop it
/// (which returns the runtime's per-worker statistics, if it has any).
struct Serving {
    addr: SocketAddr,
    counts: Arc<ServerCounts>,
    stop: Box<dyn FnOnce() -> Vec<String>>,
}

fn serve_on_ours(workers: usize) -> Result<Serving, String> {
    let rt = Runtime::new(workers);
    let listener = rt
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| format!("bind: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("local_addr: {e}"))?;
    let counts = Arc::new(ServerCounts::default());
    let accepting = rt.spawn(accept_loop(listener, counts.clone()));
    Ok(Serving {
        addr,
        counts,
        stop: Box::new(move || {
            accepting.abort();
            let stats = rt.stats().iter().map(ToString::to_string).collect();
            drop(rt);
            stats
        }),
    })
}

#[cfg(not(feature = "tokio"))]
fn serve_on_tokio(_: usize) -> Result<Serving, String> {
    Err("built without --features tokio".to_string())
}

/// The same server on tokio, for comparison. It listens with a backlog of
/// 1,024 like ours: tokio's `TcpListener::bind` takes mio's default, 128.
#[cfg(feature = "tokio")]
fn serve_on_tokio(workers: usize) -> Result<Serving, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| format!("starting tokio: {e}"))?;
    let listener = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind("127.0.0.1:0".parse().map_err(io::Error::other)?)?;
        socket.listen(1024)
    });
    let listener = listener.map_err(|e| format!("bind: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("local_addr: {e}"))?;
    let counts = Arc::new(ServerCounts::default());
    let server_counts = counts.clone();
    rt.spawn(async move {
        loop {
            let mut stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(error) => {
                    eprintln!("server: accept failed: {error}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let open = server_counts.open.fetch_add(1, Ordering::Relaxed) + 1;
            server_counts.peak.fetch_max(open, Ordering::Relaxed);
            let counts = server_counts.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                            counts.bytes.fetch_add(n as u64, Ordering::Relaxed);
                        }
                    }
                }
                counts.open.fetch_sub(1, Ordering::Relaxed);
            });
        }
    });
    Ok(Serving {
        addr,
        counts,
        stop: Box::new(move || {
            drop(rt);
            Vec::new()
        }),
    })
}

fn server(options: &Options) -> Result<(), String> {
    let needed = options.connections as u64 + SPARE_FILES;
    let (soft, hard) = raise_open_files(needed)?;
    if !options.server_only {
        println!(
            "c10k: {} connections x {} messages of {} bytes, {} workers per process, \
             {} connects in flight",
            options.connections, options.messages, options.size, options.workers, options.in_flight
        );
    }
    println!("open files     {needed} needed per process; soft limit {soft}, hard {hard}");

    let started = Instant::now();
    let serving = match options.server {
        ServerRuntime::Ours => serve_on_ours(options.workers)?,
        ServerRuntime::Tokio => serve_on_tokio(options.workers)?,
    };
    let addr = serving.addr;
    let counts = serving.counts.clone();
    if options.server_only {
        println!(
            "server         {addr}, pid {}: serving until killed",
            std::process::id()
        );
        // The workers serve; this thread has nothing left to do. `park`
        // may return for no reason, hence the loop.
        loop {
            std::thread::park();
        }
    }

    let exe = std::env::current_exe().map_err(|e| format!("finding this program: {e}"))?;
    let mut child = Command::new(exe)
        .args(["--client", &addr.to_string()])
        .args(["--connections", &options.connections.to_string()])
        .args(["--messages", &options.messages.to_string()])
        .args(["--size", &options.size.to_string()])
        .args(["--workers", &options.workers.to_string()])
        .args(["--in-flight", &options.in_flight.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting the client process: {e}"))?;
    println!(
        "server         {addr} on {} runtime, pid {}; clients in pid {}",
        match options.server {
            ServerRuntime::Ours => "our",
            ServerRuntime::Tokio => "tokio's",
        },
        std::process::id(),
        child.id()
    );

    // The client process reports in `key=value` lines; this thread just
    // waits for them (it is not one of the runtime's workers).
    let mut report = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading the client's report: {e}"))?;
            report.push(line);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for the client: {e}"))?;
    let server_memory = peak_memory_kib();
    let stats = (serving.stop)();

    let field = |key: &str| -> Option<f64> {
        report
            .iter()
            .find_map(|line| line.strip_prefix(&format!("{key}=")))
            .and_then(|value| value.parse().ok())
    };
    let (Some(connected), Some(connect_ms), Some(exchange_ms), Some(verified), Some(failed)) = (
        field("connected"),
        field("connect_ms"),
        field("exchange_ms"),
        field("verified_messages"),
        field("failed"),
    ) else {
        return Err(format!(
            "the client process ({status}) did not report: {report:?}"
        ));
    };
    let messages = options.connections * options.messages;
    println!(
        "connected      {connected} of {} in {connect_ms:.0} ms ({:.0} connects/s)",
        options.connections,
        connected / (connect_ms / 1e3)
    );
    println!(
        "held at once   {} connections (peak open on the server)",
        counts.peak.load(Ordering::Relaxed)
    );
    println!(
        "exchanged      {verified} of {messages} messages in {exchange_ms:.0} ms: \
         {:.0} messages/s, every byte checked ({} bytes echoed)",
        verified / (exchange_ms / 1e3),
        counts.bytes.load(Ordering::Relaxed)
    );
    let mib = |kib: Option<f64>| kib.map_or("?".to_string(), |k| format!("{:.1} MiB", k / 1024.0));
    println!(
        "peak memory    server {} (VmHWM), client {}",
        mib(server_memory.map(|k| k as f64)),
        mib(field("vmhwm_kib"))
    );
    println!(
        "run time       {:.2} s in all",
        started.elapsed().as_secs_f64()
    );
    for line in stats {
        println!("server {line}");
    }
    if failed > 0.0 || verified as usize != messages || !status.success() {
        return Err(format!(
            "{failed} connections failed; client exit: {status}"
        ));
    }
    Ok(())
}

/// Reads until `buf` is full; an early end of stream is an error.
async fn read_full(stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        match stream.read(&mut buf[filled..]).await? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => filled += n,
        }
    }
    Ok(())
}

// ANCHOR: client
/// Connects, and waits until the server has accepted the connection and
/// echoed one byte. Counting a connection as open only then keeps the
/// server's accept queue within the in-flight limit: a handshake alone
/// completes in the kernel, before the server has accepted anything, and a
/// client that only waits for handshakes can fill the queue faster than the
/// server empties it. The kernel then drops new handshakes, and each one is
/// retried a second later.
async fn open(addr: SocketAddr) -> io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(&[HELLO]).await?;
    let mut back = [0u8; 1];
    read_full(&mut stream, &mut back).await?;
    if back[0] != HELLO {
        return Err(io::Error::other("the greeting came back wrong"));
    }
    Ok(stream)
}

const HELLO: u8 = 0xA5;

// ANCHOR_END: client

// ANCHOR: converse
/// One connection's conversation: K messages, each checked byte for byte.
async fn converse(
    mut stream: TcpStream,
    id: usize,
    messages: usize,
    size: usize,
) -> io::Result<usize> {
    let mut back = vec![0u8; size];
    for index in 0..messages {
        let sent = message(id, index, size);
        stream.write_all(&sent).await?;
        read_full(&mut stream, &mut back).await?;
        if back != sent {
            return Err(io::Error::other(format!(
                "connection {id}, message {index}: wrong bytes"
            )));
        }
    }
    Ok(messages)
}
// ANCHOR_END: converse

fn client(options: &Options, addr: SocketAddr) -> Result<(), String> {
    raise_open_files(options.connections as u64 + SPARE_FILES)?;
    let rt = Runtime::new(options.workers);
    let (connected, connect, exchange, verified, failed) = rt.block_on(async {
        // Phase 1: open every connection, at most `in_flight` at a time,
        // and keep them all.
        let start = Instant::now();
        let next = Arc::new(AtomicUsize::new(0));
        let connectors: Vec<_> = (0..options.in_flight.min(options.connections))
            .map(|_| {
                let next = next.clone();
                let total = options.connections;
                spawn(async move {
                    let mut mine = Vec::new();
                    loop {
                        let id = next.fetch_add(1, Ordering::Relaxed);
                        if id >= total {
                            return mine;
                        }
                        mine.push((id, open(addr).await));
                    }
                })
            })
            .collect();
        let mut streams = Vec::with_capacity(options.connections);
        let mut failed = 0;
        for connector in connectors {
            for (id, result) in connector.await.unwrap_or_default() {
                match result {
                    Ok(stream) => streams.push((id, stream)),
                    Err(error) => {
                        if failed < 5 {
                            eprintln!("client: connection {id}: {error}");
                        }
                        failed += 1;
                    }
                }
            }
        }
        let connect = start.elapsed();
        let connected = streams.len();

        // Phase 2: every connection talks at once.
        let start = Instant::now();
        let conversations: Vec<_> = streams
            .into_iter()
            .map(|(id, stream)| spawn(converse(stream, id, options.messages, options.size)))
            .collect();
        let mut verified = 0;
        for conversation in conversations {
            match conversation.await {
                Ok(Ok(messages)) => verified += messages,
                Ok(Err(error)) => {
                    if failed < 5 {
                        eprintln!("client: {error}");
                    }
                    failed += 1;
                }
                Err(error) => {
                    eprintln!("client: {error}");
                    failed += 1;
                }
            }
        }
        (connected, connect, start.elapsed(), verified, failed)
    });
    println!("connected={connected}");
    println!("connect_ms={:.3}", connect.as_secs_f64() * 1e3);
    println!("exchange_ms={:.3}", exchange.as_secs_f64() * 1e3);
    println!("verified_messages={verified}");
    println!("failed={failed}");
    println!("vmhwm_kib={}", peak_memory_kib().unwrap_or(0));
    Ok(())
}
