//! The workloads, each written once against the [`Runtime`] adapter.
//!
//! They mirror tokio's own scheduler benchmarks (`benches/rt_multi_threaded.rs`)
//! and an echo server over loopback. Each one checks that it did all of its
//! work: a workload that silently did less would look fast.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::adapter::{Runtime, Tcp};

/// How big each workload is. [`Sizes::FULL`] matches the peers' benchmarks;
/// [`Sizes::QUICK`] only proves that everything runs.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub spawn_many: usize,
    pub spawn_many_local: usize,
    pub yield_tasks: usize,
    pub yields_per_task: usize,
    pub ping_pong_pairs: usize,
    pub chain_depth: usize,
    pub tcp: TcpSize,
    pub tcp_many: TcpSize,
}

#[derive(Debug, Clone, Copy)]
pub struct TcpSize {
    pub connections: usize,
    pub messages: usize,
}

impl Sizes {
    pub const FULL: Sizes = Sizes {
        spawn_many: 10_000,
        spawn_many_local: 10_000,
        yield_tasks: 200,
        yields_per_task: 1_000,
        ping_pong_pairs: 1_000,
        chain_depth: 1_000,
        tcp: TcpSize {
            connections: 100,
            messages: 250,
        },
        tcp_many: TcpSize {
            connections: 1_000,
            messages: 10,
        },
    };

    pub const QUICK: Sizes = Sizes {
        spawn_many: 1_000,
        spawn_many_local: 1_000,
        yield_tasks: 20,
        yields_per_task: 100,
        ping_pong_pairs: 100,
        chain_depth: 100,
        tcp: TcpSize {
            connections: 10,
            messages: 20,
        },
        tcp_many: TcpSize {
            connections: 50,
            messages: 2,
        },
    };
}

impl Sizes {
    /// `name=value` pairs, for the header of `samples.csv`.
    pub fn encode(&self) -> String {
        format!(
            "spawn_many={} spawn_many_local={} yield_tasks={} yields_per_task={} ping_pong_pairs={} \
             chain_depth={} tcp={}x{} tcp_many={}x{}",
            self.spawn_many,
            self.spawn_many_local,
            self.yield_tasks,
            self.yields_per_task,
            self.ping_pong_pairs,
            self.chain_depth,
            self.tcp.connections,
            self.tcp.messages,
            self.tcp_many.connections,
            self.tcp_many.messages
        )
    }

    /// The inverse of [`Sizes::encode`].
    pub fn decode(text: &str) -> Result<Sizes, String> {
        let mut sizes = Sizes::FULL;
        for pair in text.split_whitespace() {
            let bad = || format!("cannot read the size {pair:?}");
            let (key, value) = pair.split_once('=').ok_or_else(bad)?;
            let number = |v: &str| v.parse::<usize>().map_err(|_| bad());
            let tcp = |v: &str| -> Result<TcpSize, String> {
                let (connections, messages) = v.split_once('x').ok_or_else(bad)?;
                Ok(TcpSize {
                    connections: number(connections)?,
                    messages: number(messages)?,
                })
            };
            match key {
                "spawn_many" => sizes.spawn_many = number(value)?,
                "spawn_many_local" => sizes.spawn_many_local = number(value)?,
                "yield_tasks" => sizes.yield_tasks = number(value)?,
                "yields_per_task" => sizes.yields_per_task = number(value)?,
                "ping_pong_pairs" => sizes.ping_pong_pairs = number(value)?,
                "chain_depth" => sizes.chain_depth = number(value)?,
                "tcp" => sizes.tcp = tcp(value)?,
                "tcp_many" => sizes.tcp_many = tcp(value)?,
                _ => return Err(bad()),
            }
        }
        Ok(sizes)
    }
}

/// Every workload the harness knows, in the order of the results table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    SpawnMany,
    SpawnManyLocal,
    YieldMany,
    PingPong,
    ChainedSpawn,
    TcpEcho,
    TcpEchoMany,
}

impl Workload {
    pub const ALL: [Workload; 7] = [
        Workload::SpawnMany,
        Workload::SpawnManyLocal,
        Workload::YieldMany,
        Workload::PingPong,
        Workload::ChainedSpawn,
        Workload::TcpEcho,
        Workload::TcpEchoMany,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::SpawnMany => "spawn_many",
            Workload::SpawnManyLocal => "spawn_many_local",
            Workload::YieldMany => "yield_many",
            Workload::PingPong => "ping_pong",
            Workload::ChainedSpawn => "chained_spawn",
            Workload::TcpEcho => "tcp_echo",
            Workload::TcpEchoMany => "tcp_echo_many",
        }
    }

    pub fn needs_tcp(self) -> bool {
        matches!(self, Workload::TcpEcho | Workload::TcpEchoMany)
    }

    /// The size of one iteration, for the table's first column.
    pub fn describe(self, sizes: &Sizes) -> String {
        match self {
            Workload::SpawnMany => format!(
                "{} tasks spawned from `block_on`",
                thousands(sizes.spawn_many)
            ),
            Workload::SpawnManyLocal => {
                format!(
                    "{} tasks spawned from one task",
                    thousands(sizes.spawn_many_local)
                )
            }
            Workload::YieldMany => format!(
                "{} tasks × {} `yield_now`",
                thousands(sizes.yield_tasks),
                thousands(sizes.yields_per_task)
            ),
            Workload::PingPong => format!(
                "{} pairs, one message each way",
                thousands(sizes.ping_pong_pairs)
            ),
            Workload::ChainedSpawn => format!("a chain of {} spawns", thousands(sizes.chain_depth)),
            Workload::TcpEcho | Workload::TcpEchoMany => {
                let size = self.tcp_size(sizes);
                format!(
                    "{} connections × {} echoes of 64–512 bytes",
                    thousands(size.connections),
                    thousands(size.messages)
                )
            }
        }
    }

    pub fn tcp_size(self, sizes: &Sizes) -> TcpSize {
        match self {
            Workload::TcpEchoMany => sizes.tcp_many,
            _ => sizes.tcp,
        }
    }

    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }
}

/// 10000 as "10,000".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a workload reports when it did not do all of its work.
pub type Outcome = Result<(), String>;

/// Runs one iteration of a scheduler workload (everything but TCP).
pub fn run<R: Runtime>(rt: &R, workload: Workload, sizes: &Sizes) -> Outcome {
    match workload {
        Workload::SpawnMany => rt.block_on(spawn_many::<R>(sizes.spawn_many)),
        Workload::SpawnManyLocal => rt.block_on(spawn_many_local::<R>(sizes.spawn_many_local)),
        Workload::YieldMany => {
            rt.block_on(yield_many::<R>(sizes.yield_tasks, sizes.yields_per_task))
        }
        Workload::PingPong => rt.block_on(ping_pong::<R>(sizes.ping_pong_pairs)),
        Workload::ChainedSpawn => rt.block_on(chained_spawn::<R>(sizes.chain_depth)),
        Workload::TcpEcho | Workload::TcpEchoMany => {
            Err(format!("{} needs a runtime with TCP", workload.name()))
        }
    }
}

/// Runs one iteration of any workload on a runtime that has TCP.
pub fn run_with_tcp<R: Tcp>(rt: &R, workload: Workload, sizes: &Sizes) -> Outcome {
    if workload.needs_tcp() {
        let size = workload.tcp_size(sizes);
        rt.block_on(tcp_echo::<R>(size.connections, size.messages))
    } else {
        run(rt, workload, sizes)
    }
}

/// Counts finished tasks; the one that brings it to zero says so.
struct Countdown {
    left: AtomicUsize,
    done: async_channel::Sender<()>,
}

impl Countdown {
    fn new(count: usize) -> (Arc<Countdown>, async_channel::Receiver<()>) {
        let (done, finished) = async_channel::bounded(1);
        let countdown = Countdown {
            left: AtomicUsize::new(count),
            done,
        };
        (Arc::new(countdown), finished)
    }

    fn tick(&self) {
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            // The capacity is one and only the last tick sends: cannot be full.
            let _ = self.done.try_send(());
        }
    }
}

async fn wait_for(finished: async_channel::Receiver<()>, what: &str) -> Outcome {
    finished
        .recv()
        .await
        .map_err(|_| format!("{what}: every sender was dropped before the last task finished"))
}

// ANCHOR: spawn_many
/// Many small tasks spawned from outside the workers: every one goes through
/// the shared (global or injection) queue.
async fn spawn_many<R: Runtime>(tasks: usize) -> Outcome {
    let (countdown, finished) = Countdown::new(tasks);
    for _ in 0..tasks {
        let countdown = countdown.clone();
        R::spawn(async move { countdown.tick() });
    }
    // Only the tasks hold the sender now: if a runtime drops one unrun,
    // the wait below fails instead of hanging.
    drop(countdown);
    wait_for(finished, "spawn_many").await
}
// ANCHOR_END: spawn_many

/// The same, but spawned by a task running on a worker: a runtime with
/// per-worker queues keeps them local (and the other worker must steal).
async fn spawn_many_local<R: Runtime>(tasks: usize) -> Outcome {
    let (countdown, finished) = Countdown::new(tasks);
    R::spawn(async move {
        for _ in 0..tasks {
            let countdown = countdown.clone();
            R::spawn(async move { countdown.tick() });
        }
    });
    wait_for(finished, "spawn_many_local").await
}

// ANCHOR: yield_many
/// Tasks that give their worker back again and again: the cost of one trip
/// through the run queue, and whether every task gets its turn.
async fn yield_many<R: Runtime>(tasks: usize, yields: usize) -> Outcome {
    let (countdown, finished) = Countdown::new(tasks);
    for _ in 0..tasks {
        let countdown = countdown.clone();
        R::spawn(async move {
            for _ in 0..yields {
                R::yield_now().await;
            }
            countdown.tick();
        });
    }
    drop(countdown);
    wait_for(finished, "yield_many").await
}
// ANCHOR_END: yield_many

// ANCHOR: ping_pong
/// Pairs of tasks that wake each other once each way: the cost of a wake-up
/// that crosses tasks (and often threads).
async fn ping_pong<R: Runtime>(pairs: usize) -> Outcome {
    let (countdown, finished) = Countdown::new(pairs);
    let (failed, failures) = async_channel::unbounded::<String>();
    R::spawn(async move {
        for _ in 0..pairs {
            let countdown = countdown.clone();
            let failed = failed.clone();
            R::spawn(async move {
                let (ping, pinged) = futures_channel::oneshot::channel::<()>();
                let (pong, ponged) = futures_channel::oneshot::channel::<()>();
                let echo_failed = failed.clone();
                R::spawn(async move {
                    if pinged.await.is_err() || pong.send(()).is_err() {
                        let _ =
                            echo_failed.try_send("ping_pong: the echo side lost its peer".into());
                    }
                });
                if ping.send(()).is_err() || ponged.await.is_err() {
                    let _ = failed.try_send("ping_pong: the first side lost its peer".into());
                }
                countdown.tick();
            });
        }
    });
    wait_for(finished, "ping_pong").await?;
    match failures.try_recv() {
        Ok(failure) => Err(failure),
        Err(_) => Ok(()),
    }
}
// ANCHOR_END: ping_pong

// ANCHOR: chained_spawn
/// Each task spawns the next and ends: nothing else runs, so this is the
/// latency from `spawn` to the first poll, over and over.
async fn chained_spawn<R: Runtime>(depth: usize) -> Outcome {
    fn next<R: Runtime>(left: usize, done: async_channel::Sender<()>) {
        if left == 0 {
            let _ = done.try_send(());
        } else {
            R::spawn(async move { next::<R>(left - 1, done) });
        }
    }
    let (done, finished) = async_channel::bounded(1);
    R::spawn(async move { next::<R>(depth, done) });
    wait_for(finished, "chained_spawn").await
}
// ANCHOR_END: chained_spawn

// ANCHOR: tcp_echo
/// An echo server and its clients in one runtime, over loopback. Each client
/// sends messages of 64 to 512 bytes one at a time and checks every byte it
/// gets back.
async fn tcp_echo<R: Tcp>(connections: usize, messages: usize) -> Outcome {
    let listener = R::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(|e| format!("tcp_echo: bind: {e}"))?;
    let addr = R::local_addr(&listener).map_err(|e| format!("tcp_echo: local_addr: {e}"))?;
    let (report, reports) = async_channel::unbounded::<Outcome>();

    let server_report = report.clone();
    R::spawn(async move {
        for _ in 0..connections {
            match R::accept(&listener).await {
                Ok(stream) => R::spawn(echo::<R>(stream, server_report.clone())),
                Err(e) => {
                    let _ = server_report.try_send(Err(format!("tcp_echo: accept: {e}")));
                    return;
                }
            }
        }
    });
    for client in 0..connections {
        let report = report.clone();
        R::spawn(async move {
            let _ = report.try_send(echo_client::<R>(addr, client, messages).await);
        });
    }
    // One report per client; the echo tasks report only failures.
    for _ in 0..connections {
        match reports.recv().await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err("tcp_echo: a client vanished without reporting".into()),
        }
    }
    Ok(())
}
// ANCHOR_END: tcp_echo

async fn echo<R: Tcp>(mut stream: R::Stream, report: async_channel::Sender<Outcome>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let n = match R::read(&mut stream, &mut buf).await {
            Ok(0) => return, // the client is done
            Ok(n) => n,
            Err(e) => {
                let _ = report.try_send(Err(format!("tcp_echo: server read: {e}")));
                return;
            }
        };
        if let Err(e) = R::write_all(&mut stream, &buf[..n]).await {
            let _ = report.try_send(Err(format!("tcp_echo: server write: {e}")));
            return;
        }
    }
}

async fn echo_client<R: Tcp>(addr: SocketAddr, client: usize, messages: usize) -> Outcome {
    let mut stream = R::connect(addr)
        .await
        .map_err(|e| format!("tcp_echo: client {client}: connect: {e}"))?;
    let mut sent = vec![0u8; 512];
    let mut received = vec![0u8; 512];
    for message in 0..messages {
        let len = message_len(client, message);
        fill_message(&mut sent[..len], client, message);
        R::write_all(&mut stream, &sent[..len])
            .await
            .map_err(|e| format!("tcp_echo: client {client}: write: {e}"))?;
        let mut got = 0;
        while got < len {
            match R::read(&mut stream, &mut received[got..len]).await {
                Ok(0) => return Err(format!("tcp_echo: client {client}: server closed early")),
                Ok(n) => got += n,
                Err(e) => return Err(format!("tcp_echo: client {client}: read: {e}")),
            }
        }
        if sent[..len] != received[..len] {
            return Err(format!(
                "tcp_echo: client {client}: message {message} came back changed"
            ));
        }
    }
    Ok(())
}

/// 64 to 512 bytes, varying with the client and the message.
fn message_len(client: usize, message: usize) -> usize {
    let mixed = (client as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((message as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    64 + ((mixed >> 32) % 449) as usize
}

fn fill_message(buf: &mut [u8], client: usize, message: usize) {
    for (i, byte) in buf.iter_mut().enumerate() {
        *byte = (client.wrapping_mul(31) ^ message.wrapping_mul(7) ^ i) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_span_64_to_512_bytes() {
        let lens: Vec<usize> = (0..50)
            .flat_map(|c| (0..50).map(move |m| message_len(c, m)))
            .collect();
        assert!(lens.iter().all(|&len| (64..=512).contains(&len)));
        assert!(lens.iter().any(|&len| len < 100), "short messages occur");
        assert!(lens.iter().any(|&len| len > 470), "long messages occur");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(200_000), "200,000");
    }
}
