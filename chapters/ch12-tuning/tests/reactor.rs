//! Chapter 6's sockets and timers on this chapter's runtime: the reactor is
//! found from `block_on`, from every worker, and while the runtime drops
//! its tasks.

use std::time::{Duration, Instant};

use ch12_tuning::net::{TcpListener, TcpStream};
use ch12_tuning::{spawn, time, Runtime};

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn a_tcp_echo_and_a_timer_run_on_the_workers() {
    testkit::with_timeout(LIMIT, || {
        let runtime = Runtime::new(2);
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("local addr");
            let server = spawn(async move {
                for _ in 0..10 {
                    let (mut stream, _) = listener.accept().await.expect("accept");
                    drop(spawn(async move {
                        let mut buf = [0; 64];
                        loop {
                            let n = stream.read(&mut buf).await.expect("server read");
                            if n == 0 {
                                return;
                            }
                            stream.write_all(&buf[..n]).await.expect("server write");
                        }
                    }));
                }
            });
            let clients: Vec<_> = (0..10u8)
                .map(|i| {
                    spawn(async move {
                        let started = Instant::now();
                        time::sleep(Duration::from_millis(5)).await;
                        assert!(started.elapsed() >= Duration::from_millis(5), "early");
                        let mut stream = TcpStream::connect(addr).await.expect("connect");
                        let message = [i; 32];
                        stream.write_all(&message).await.expect("client write");
                        let mut echoed = [0; 32];
                        let mut got = 0;
                        while got < echoed.len() {
                            let n = stream.read(&mut echoed[got..]).await.expect("read");
                            assert!(n > 0, "the server hung up");
                            got += n;
                        }
                        assert_eq!(echoed, message);
                    })
                })
                .collect();
            for client in clients {
                client.await.expect("a client failed");
            }
            server.await.expect("the server failed");
        });
    });
}

#[test]
fn dropping_the_runtime_drops_tasks_that_hold_sockets() {
    testkit::with_timeout(LIMIT, || {
        let runtime = Runtime::new(2);
        let addr = runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("local addr");
            // Waits for a connection that never comes: only the drop ends it.
            drop(spawn(async move { drop(listener.accept().await) }));
            addr
        });
        drop(runtime);
        // The listener was dropped with its task: nobody listens any more.
        assert!(std::net::TcpStream::connect(addr).is_err());
    });
}
