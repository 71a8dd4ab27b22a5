//! `cargo run -p ch09-cancellation`: a dropped future is a cancelled one.
//! Aborting an idle and a running task, a race with `select2`, and the
//! cost of a read that is not cancellation safe, over real TCP.

use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use ch06_reactor::net::{TcpListener, TcpStream};
use ch08_channels::oneshot;
use ch09_cancellation::framed::{encode, read_message_naive, MessageReader};
use ch09_cancellation::{select2, spawn, time, yield_now, Either, Runtime};

fn main() {
    let runtime = Runtime::new(2);
    runtime.block_on(async {
        let (_never, wait) = oneshot::channel::<()>();
        let idle = spawn(async move { wait.await.is_ok() });
        yield_now().await;
        idle.abort();
        println!(
            "abort, idle task:    {:?}",
            idle.await.map_err(|e| e.to_string())
        );
    });
    abort_running(&runtime);
    runtime.block_on(async {
        let slow = pin!(time::sleep(Duration::from_secs(60)));
        let fast = pin!(time::sleep(Duration::from_millis(10)));
        let winner = match select2(slow, fast).await {
            Either::Left(()) => "the 60 s sleep",
            Either::Right(()) => "the 10 ms sleep",
        };
        println!("select2: {winner} won; the other was dropped");
        if let Err(e) = messages().await {
            println!("the TCP demo failed: {e}");
        }
    });
}

// ANCHOR: abort_running
/// A task aborted while a worker is polling it: the poll runs to its end
/// (nothing can stop it), and the task is dropped at its next `.await`
/// that returns `Pending`, here the `yield_now`.
fn abort_running(runtime: &Runtime) {
    let polls = Arc::new(AtomicUsize::new(0));
    let (in_poll, running) = mpsc::channel();
    let (go_on, go) = mpsc::channel::<()>();
    let counted = polls.clone();
    let task = runtime.spawn(async move {
        loop {
            counted.fetch_add(1, Ordering::SeqCst);
            let _ = in_poll.send(()); // "I am inside a poll"
            let _ = go.recv(); // a long computation, in one poll
            yield_now().await;
        }
    });
    let _ = running.recv();
    task.abort(); // while the worker is inside the poll
    let _ = go_on.send(());
    let result = runtime.block_on(task).map_err(|e| e.to_string());
    let polls = polls.load(Ordering::SeqCst);
    println!("abort, running task: {result:?} after {polls} poll(s)");
}
// ANCHOR_END: abort_running

/// Sends "hello" in two pieces 100 ms apart, then "world".
async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (mut stream, _) = listener.accept().await?;
        spawn(async move {
            let hello = encode(b"hello");
            let _ = stream.write_all(&hello[..6]).await;
            time::sleep(Duration::from_millis(100)).await;
            let _ = stream.write_all(&hello[6..]).await;
            let _ = stream.write_all(&encode(b"world")).await;
            let _ = time::sleep(Duration::from_secs(1)).await; // keep it open
        });
    }
}

// ANCHOR: tick_loop
/// Reads two messages, waking every 30 ms for a tick (a heartbeat, a
/// shutdown check): a read that loses to the tick is dropped.
async fn messages() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    spawn(serve(listener));

    let mut stream = TcpStream::connect(addr).await?;
    let mut got = Vec::new();
    while got.len() < 2 {
        let read = pin!(read_message_naive(&mut stream));
        match select2(read, pin!(time::sleep(Duration::from_millis(30)))).await {
            Either::Left(Ok(m)) => got.push(String::from_utf8_lossy(&m).into_owned()),
            Either::Left(Err(e)) => {
                got.push(format!("error: {e}"));
                break;
            }
            Either::Right(()) => {} // tick
        }
    }
    println!("naive reader:   {got:?}");

    let mut stream = TcpStream::connect(addr).await?;
    let mut reader = MessageReader::new();
    let mut got = Vec::new();
    while got.len() < 2 {
        let read = pin!(reader.read_message(&mut stream));
        match select2(read, pin!(time::sleep(Duration::from_millis(30)))).await {
            Either::Left(Ok(Some(m))) => got.push(String::from_utf8_lossy(&m).into_owned()),
            Either::Left(Ok(None)) => break,
            Either::Left(Err(e)) => return Err(e),
            Either::Right(()) => {} // tick
        }
    }
    println!("MessageReader:  {got:?}");
    Ok(())
}
// ANCHOR_END: tick_loop
