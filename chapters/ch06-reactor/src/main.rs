//! `cargo run -p ch06-reactor`
//!
//! Chapter 1's three blocking jobs again, as timers on a runtime with one
//! worker thread; then an echo server and three clients on 127.0.0.1, and a
//! read that gives up after a timeout. `-- --trace` also draws the echo
//! runtime's per-worker timeline.

use std::io;
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use ch01_blocking::Job;
use ch03_global_queue::trace;
use ch06_reactor::net::{TcpListener, TcpStream};
use ch06_reactor::time::{sleep, timeout};
use ch06_reactor::{spawn, Runtime};

// ANCHOR: jobs
/// The same three jobs as chapter 1.
const JOBS: [Job; 3] = [Job::new("A", 300), Job::new("B", 200), Job::new("C", 100)];

/// Each job is a task that sleeps on the reactor's timer instead of
/// blocking its thread, so one worker runs all three at once.
fn jobs_as_timers() {
    let rt = Runtime::new(1);
    let start = Instant::now();
    let spans = rt.block_on(async move {
        let handles: Vec<_> = JOBS
            .iter()
            .map(|job| {
                let job = *job;
                spawn(async move {
                    let began = start.elapsed();
                    sleep(job.duration).await;
                    let thread = std::thread::current();
                    (
                        job.name,
                        began,
                        start.elapsed(),
                        thread.name().map(String::from),
                    )
                })
            })
            .collect();
        let mut spans = Vec::new();
        for handle in handles {
            spans.push(handle.await.expect("a job task panicked"));
        }
        spans
    });
    // ANCHOR_END: jobs
    for (name, began, ended, thread) in spans {
        println!(
            "   job {name} {:>5} ms -> {:>4} ms  on {}",
            began.as_millis(),
            ended.as_millis(),
            thread.as_deref().unwrap_or("?")
        );
    }
    println!(
        "   total {} ms on {} worker thread (longest job: 300 ms)\n",
        start.elapsed().as_millis(),
        rt.workers()
    );
}

// ANCHOR: echo
/// Accepts `clients` connections and echoes each one back until its end of
/// stream, one task per connection.
async fn echo_server(listener: TcpListener, clients: usize) -> io::Result<()> {
    for _ in 0..clients {
        let (mut stream, peer) = listener.accept().await?;
        spawn(async move {
            let mut buf = [0u8; 1024];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) => break,
                    Ok(n) => {
                        if let Err(error) = stream.write_all(&buf[..n]).await {
                            eprintln!("   server: writing to {peer}: {error}");
                            break;
                        }
                    }
                    Err(error) => {
                        eprintln!("   server: reading from {peer}: {error}");
                        break;
                    }
                }
            }
        });
    }
    Ok(())
}

// ANCHOR_END: echo

// ANCHOR: echo_client
async fn echo_client(addr: SocketAddr, id: usize) -> io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    let message = format!("hello from client {id}");
    stream.write_all(message.as_bytes()).await?;
    stream.shutdown(Shutdown::Write).await?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        match stream.read(&mut buf).await? {
            0 => break,
            n => reply.extend_from_slice(&buf[..n]),
        }
    }
    Ok(format!(
        "client {id} on port {} sent {message:?}, got back {:?}",
        stream.local_addr()?.port(),
        String::from_utf8_lossy(&reply)
    ))
}
// ANCHOR_END: echo_client

fn echo(traced: bool) -> io::Result<()> {
    let rt = Runtime::new(2);
    if traced {
        trace::enable();
    }
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        println!("   server listening on {addr}");
        let server = spawn(echo_server(listener, 3));
        let clients: Vec<_> = (0..3).map(|id| spawn(echo_client(addr, id))).collect();
        for client in clients {
            match client.await {
                Ok(Ok(line)) => println!("   {line}"),
                Ok(Err(error)) => println!("   a client failed: {error}"),
                Err(error) => println!("   a client task failed: {error}"),
            }
        }
        match server.await {
            Ok(result) => result?,
            Err(error) => println!("   the server task failed: {error}"),
        }
        if traced {
            // The echo part only: the silent read below is 100 ms of nothing.
            let events = trace::take();
            print!("{}", trace::render(&events, 2, 60));
        }

        // ANCHOR: silent
        // A server that accepts and then says nothing: the read waits on the
        // reactor, the timer ends the wait.
        let silent = TcpListener::bind("127.0.0.1:0").await?;
        let mut stream = TcpStream::connect(silent.local_addr()?).await?;
        let (_accepted, _) = silent.accept().await?;
        let start = Instant::now();
        let mut buf = [0u8; 16];
        match timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(read) => println!("   the silent server answered: {read:?}"),
            Err(elapsed) => println!(
                "   read from a silent server: {elapsed} after {} ms",
                start.elapsed().as_millis()
            ),
        }
        // ANCHOR_END: silent
        Ok::<(), io::Error>(())
    })?;
    for stats in rt.stats() {
        println!("   {stats}");
    }
    Ok(())
}

fn main() {
    let traced = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--trace") => true,
        Some(other) => {
            eprintln!("unknown argument {other:?}; usage: ch06-reactor [--trace]");
            std::process::exit(2);
        }
    };
    println!("1. Chapter 1's three jobs, as timers on one worker thread");
    jobs_as_timers();
    println!("2. An echo server and three clients on 127.0.0.1, two workers");
    if let Err(error) = echo(traced) {
        eprintln!("the echo demo failed: {error}");
        std::process::exit(1);
    }
}
