//! `cargo run -p ch11-current-thread`: tasks that share an `Rc`, a TCP echo
//! with a hundred connections, and spawns from another thread, all run by
//! the one thread that calls `block_on`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::thread;
use std::time::{Duration, Instant};

use ch11_current_thread::net::{TcpListener, TcpStream};
use ch11_current_thread::{spawn_blocking, spawn_local, time, Runtime};

const CONNECTIONS: usize = 100;
const MESSAGES: usize = 100;

// ANCHOR: main
fn main() {
    let runtime = Runtime::new();
    // Not `Send`, not `Sync`: every task below holds a clone.
    let seen: Rc<RefCell<BTreeMap<String, usize>>> = Rc::default();
    let started = Instant::now();
    runtime.block_on(async {
        let note = |seen: &Rc<RefCell<BTreeMap<String, usize>>>| {
            let name = thread::current().name().unwrap_or("unnamed").to_string();
            *seen.borrow_mut().entry(name).or_default() += 1;
        };
        let ticker = spawn_local({
            let seen = seen.clone();
            async move {
                for _ in 0..5 {
                    time::sleep(Duration::from_millis(10)).await;
                    note(&seen);
                }
            }
        });
        let echoed = echo(CONNECTIONS, MESSAGES, seen.clone(), note).await;
        ticker.await.expect("ticker");
        println!("echo: {CONNECTIONS} connections x {MESSAGES} messages, {echoed} bytes checked");

        let handle = runtime.handle();
        let from_elsewhere = spawn_blocking(move || {
            let task = handle.spawn(async { thread::current().name().map(str::to_string) });
            (thread::current().name().map(str::to_string), task)
        });
        let (spawner, task) = from_elsewhere.await.expect("spawner");
        let ran_on = task.await.expect("task");
        println!("spawned from {spawner:?}, ran on {ran_on:?}");
    });
    println!("threads that ran tasks: {:?}", seen.borrow());
    println!(
        "took {} ms, {:?}",
        started.elapsed().as_millis(),
        runtime.stats()
    );
}
// ANCHOR_END: main

// ANCHOR: echo
/// An echo server and `connections` clients, all tasks on this thread.
/// Returns the bytes the clients got back and checked.
async fn echo(
    connections: usize,
    messages: usize,
    seen: Rc<RefCell<BTreeMap<String, usize>>>,
    note: impl Fn(&Rc<RefCell<BTreeMap<String, usize>>>) + Copy + 'static,
) -> usize {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    spawn_local(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            spawn_local(async move {
                let mut buf = [0u8; 512];
                while let Ok(n @ 1..) = stream.read(&mut buf).await {
                    if stream.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            let seen = seen.clone();
            spawn_local(async move {
                let mut stream = TcpStream::connect(addr).await.expect("connect");
                let (mut sent, mut buf) = (0, [0u8; 512]);
                for m in 0..messages {
                    let message = vec![(c + m) as u8; 64 + (c * 7 + m) % 449];
                    stream.write_all(&message).await.expect("write");
                    let mut got = 0;
                    while got < message.len() {
                        let n = stream
                            .read(&mut buf[..message.len() - got])
                            .await
                            .expect("read");
                        assert!(n > 0 && buf[..n].iter().all(|b| *b == message[0]));
                        got += n;
                    }
                    sent += got;
                }
                note(&seen);
                sent
            })
        })
        .collect();
    let mut total = 0;
    for client in clients {
        total += client.await.expect("client");
    }
    total
}
// ANCHOR_END: echo
