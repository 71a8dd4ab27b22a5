//! TCP on the real runtime: readiness per direction, errors, many connections.

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::time::Duration;

use ch06_reactor::net::{TcpListener, TcpStream};
use ch06_reactor::time::{sleep, timeout};
use ch06_reactor::{spawn, Reactor, Runtime};

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

/// Reads until end of stream.
async fn read_to_end(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await? {
            0 => return Ok(out),
            n => out.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn echo_round_trip_and_end_of_stream() {
    let (echoed, sources_after) = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("local addr");
            let server = spawn(async move {
                let (mut stream, _) = listener.accept().await.expect("accept");
                let data = read_to_end(&mut stream).await.expect("server read");
                stream.write_all(&data).await.expect("server write");
            });
            let mut client = TcpStream::connect(addr).await.expect("connect");
            assert_eq!(client.peer_addr().expect("peer"), addr);
            client
                .write_all(b"hello, reactor")
                .await
                .expect("client write");
            client.shutdown(Shutdown::Write).await.expect("shutdown");
            let echoed = read_to_end(&mut client).await.expect("client read");
            server.await.expect("server task");
            drop(client);
            (echoed, Reactor::current().sources())
        })
    });
    assert_eq!(echoed, b"hello, reactor");
    assert_eq!(sources_after, 0, "every socket deregistered on drop");
}

/// Big enough to fill the socket buffers many times over, so the writer
/// must wait for "writable" again and again.
const BULK: usize = 8 << 20;

#[test]
fn a_blocked_reader_does_not_steal_the_writers_wake_ups() {
    // The client's read half waits for data that only comes after the
    // server has received all of BULK; meanwhile the write half has to wait
    // for room many times. With one waker per socket, the writer's waker
    // would replace the reader's (or the other way round) and a task would
    // sleep forever.
    let (written, reply) = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("local addr");
            let server = spawn(async move {
                let (mut stream, _) = listener.accept().await.expect("accept");
                let mut buf = vec![0u8; BULK];
                read_full(&mut stream, &mut buf).await.expect("server read");
                assert!(buf.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
                stream.write_all(b"got it all").await.expect("server reply");
            });
            let (mut reader, mut writer) = TcpStream::connect(addr)
                .await
                .expect("connect")
                .into_split();
            let reading = spawn(async move {
                let mut buf = [0u8; 10];
                let mut filled = 0;
                while filled < buf.len() {
                    let n = reader.read(&mut buf[filled..]).await.expect("client read");
                    assert!(n > 0, "end of stream before the reply");
                    filled += n;
                }
                buf
            });
            let writing = spawn(async move {
                let data: Vec<u8> = (0..BULK).map(|i| (i % 251) as u8).collect();
                writer.write_all(&data).await.expect("client write");
                data.len()
            });
            let written = writing.await.expect("writer task");
            let reply = reading.await.expect("reader task");
            server.await.expect("server task");
            (written, reply)
        })
    });
    assert_eq!(written, BULK);
    assert_eq!(&reply, b"got it all");
}

#[test]
fn a_blocked_writer_does_not_steal_the_readers_wake_ups() {
    // The other way round: the reader waits first, then the writer gets
    // stuck (the server does not read yet) and stores its waker; then the
    // reader's data arrives. The reader must be woken, not the writer.
    let got = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("local addr");
            let (mut reader, mut writer) = TcpStream::connect(addr)
                .await
                .expect("connect")
                .into_split();
            let (mut server, _) = listener.accept().await.expect("accept");
            let reading = spawn(async move {
                let mut buf = [0u8; 4];
                let mut filled = 0;
                while filled < 4 {
                    let n = reader.read(&mut buf[filled..]).await.expect("client read");
                    assert!(n > 0, "end of stream before the data");
                    filled += n;
                }
                buf
            });
            // The pauses only make the interesting order likely (reader
            // waiting, then writer waiting); the test is correct without them.
            sleep(Duration::from_millis(20)).await;
            let writing = spawn(async move {
                let data = vec![7u8; BULK];
                writer.write_all(&data).await.expect("client write");
            });
            sleep(Duration::from_millis(50)).await;
            server.write_all(b"ping").await.expect("server write");
            // The writer is still stuck: nothing drains its data yet.
            let got = reading.await.expect("reader task");
            let mut sink = vec![0u8; BULK];
            read_full(&mut server, &mut sink)
                .await
                .expect("server read");
            writing.await.expect("writer task");
            got
        })
    });
    assert_eq!(&got, b"ping");
}

#[test]
fn connection_refused_is_an_error() {
    let error = testkit::timeout(|| {
        // Bind to learn a free port, then close it: nobody listens there.
        let addr = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe bind");
            probe.local_addr().expect("probe addr")
        };
        let rt = Runtime::new(1);
        rt.block_on(async move { TcpStream::connect(addr).await.map(|_| ()) })
    });
    let error = error.expect_err("nobody listens on that port");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused, "{error}");
}

#[test]
fn a_reset_by_the_peer_is_an_error() {
    let result = testkit::timeout(|| {
        let peer = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = peer.local_addr().expect("addr");
        // Closing a socket that has unread data makes the kernel send a
        // reset instead of a normal end of stream.
        let closer = std::thread::spawn(move || {
            let (stream, _) = peer.accept().expect("accept");
            let mut byte = [0u8; 1];
            stream.peek(&mut byte).expect("peek waits for the data");
            drop(stream);
        });
        let rt = Runtime::new(1);
        let result = rt.block_on(async move {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            stream.write_all(b"unread").await.expect("write");
            let mut buf = [0u8; 16];
            stream.read(&mut buf).await
        });
        closer.join().expect("closer thread");
        result
    });
    let error = result.expect_err("a reset, not data or end of stream");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");
}

#[test]
fn a_timeout_on_a_silent_read_is_elapsed() {
    let outcome = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let mut client = TcpStream::connect(listener.local_addr().expect("addr"))
                .await
                .expect("connect");
            let (_server, _) = listener.accept().await.expect("accept");
            let mut buf = [0u8; 8];
            let silent = timeout(Duration::from_millis(30), client.read(&mut buf)).await;
            silent
                .map(|read| read.map_err(|e| e.kind()))
                .map_err(|e| e.to_string())
        })
    });
    assert_eq!(outcome, Err("deadline has elapsed".to_string()));
}

#[test]
fn the_futures_io_traits_work() {
    use futures_io::{AsyncRead, AsyncWrite};
    let echoed = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let mut client = TcpStream::connect(listener.local_addr().expect("addr"))
                .await
                .expect("connect");
            let (mut server, _) = listener.accept().await.expect("accept");
            let n = poll_fn(|cx| Pin::new(&mut client).poll_write(cx, b"via futures-io"))
                .await
                .expect("poll_write");
            poll_fn(|cx| Pin::new(&mut client).poll_close(cx))
                .await
                .expect("poll_close");
            let mut buf = vec![0u8; n];
            let mut filled = 0;
            while filled < n {
                filled += poll_fn(|cx| Pin::new(&mut server).poll_read(cx, &mut buf[filled..]))
                    .await
                    .expect("poll_read");
            }
            let end = poll_fn(|cx| Pin::new(&mut server).poll_read(cx, &mut [0u8; 1]))
                .await
                .expect("end of stream");
            assert_eq!(end, 0, "poll_close shut the write side");
            buf
        })
    });
    assert_eq!(echoed, b"via futures-io");
}

#[test]
fn a_runtime_with_blocked_readers_shuts_down_and_drops_them() {
    let counter = testkit::DropCounter::new();
    let sources = testkit::timeout({
        let counter = counter.clone();
        move || {
            let rt = Runtime::new(2);
            let reactor = rt.block_on(async { Reactor::current() });
            let (listener, clients) = rt.block_on(async {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let addr = listener.local_addr().expect("addr");
                let mut clients = Vec::new();
                for _ in 0..10 {
                    clients.push(TcpStream::connect(addr).await.expect("connect"));
                }
                (listener, clients)
            });
            for mut client in clients {
                let token = counter.token();
                rt.spawn(async move {
                    let _token = token;
                    let mut buf = [0u8; 1];
                    let _ = client.read(&mut buf).await; // never gets data
                });
            }
            drop(listener);
            // Let the readers get to their read and block.
            rt.block_on(sleep(Duration::from_millis(20)));
            drop(rt);
            reactor.sources()
        }
    });
    assert_eq!(counter.alive(), 0, "every blocked reader was dropped");
    assert_eq!(sources, 0, "and its socket deregistered");
}

/// Connections that are open at the same time.
const CONNECTIONS: usize = 1000;
const MESSAGES: usize = 5;
const SIZE: usize = 64;

fn message(connection: usize, index: usize) -> [u8; SIZE] {
    let mut out = [0u8; SIZE];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (connection * 31 + index * 7 + i) as u8;
    }
    out
}

#[test]
fn a_thousand_connections_echo_every_byte() {
    let (verified, peak) = testkit::timeout(|| {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr: SocketAddr = listener.local_addr().expect("addr");
            let open = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let server = {
                let (open, peak) = (open.clone(), peak.clone());
                spawn(async move {
                    for _ in 0..CONNECTIONS {
                        let (mut stream, _) = listener.accept().await.expect("accept");
                        let now = open.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        peak.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                        let open = open.clone();
                        spawn(async move {
                            let mut buf = [0u8; 1024];
                            loop {
                                match stream.read(&mut buf).await.expect("server read") {
                                    0 => break,
                                    n => stream.write_all(&buf[..n]).await.expect("server write"),
                                }
                            }
                            open.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                        });
                    }
                })
            };
            // Every client connects first, then all of them talk: the
            // thousand connections are open at once.
            let mut clients = Vec::new();
            for _ in 0..CONNECTIONS {
                clients.push(TcpStream::connect(addr).await.expect("connect"));
            }
            server.await.expect("accept loop");
            let handles: Vec<_> = clients
                .into_iter()
                .enumerate()
                .map(|(c, mut stream)| {
                    spawn(async move {
                        let mut verified = 0;
                        for m in 0..MESSAGES {
                            let sent = message(c, m);
                            stream.write_all(&sent).await.expect("client write");
                            let mut back = [0u8; SIZE];
                            read_full(&mut stream, &mut back)
                                .await
                                .expect("client read");
                            assert_eq!(back, sent, "connection {c}, message {m}");
                            verified += SIZE;
                        }
                        verified
                    })
                })
                .collect();
            let mut verified = 0;
            for handle in handles {
                verified += handle.await.expect("client task");
            }
            (verified, peak.load(std::sync::atomic::Ordering::SeqCst))
        })
    });
    assert_eq!(verified, CONNECTIONS * MESSAGES * SIZE);
    assert_eq!(peak, CONNECTIONS, "all connections were open at once");
}

#[test]
fn std_clients_can_talk_to_our_server() {
    // The server runs on the runtime, the client is plain blocking std:
    // the reactor is the only thing that wakes the server's tasks.
    let reply = testkit::timeout(|| {
        let rt = Runtime::new(2);
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = rt.spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("accept");
            let mut buf = [0u8; 5];
            read_full(&mut stream, &mut buf).await.expect("read");
            stream.write_all(&buf).await.expect("write");
        });
        let mut client = std::net::TcpStream::connect(addr).expect("std connect");
        client.write_all(b"12345").expect("std write");
        let mut reply = [0u8; 5];
        client.read_exact(&mut reply).expect("std read");
        rt.block_on(server).expect("server task");
        reply
    });
    assert_eq!(&reply, b"12345");
}

#[test]
fn a_socket_that_outlives_its_runtime_reports_an_error() {
    // The stream is registered with the first runtime's reactor. Once that
    // runtime is gone nobody turns that reactor: a read that has to wait
    // must fail, not hang.
    let result = testkit::timeout(|| {
        let first = Runtime::new(1);
        let (mut client, server) = first.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let client = TcpStream::connect(listener.local_addr().expect("addr"))
                .await
                .expect("connect");
            let (server, _) = listener.accept().await.expect("accept");
            (client, server)
        });
        drop(first);
        let second = Runtime::new(1);
        let mut buf = [0u8; 8];
        let result = second.block_on(client.read(&mut buf));
        drop(server);
        result
    });
    let error = result.expect_err("no data, and no reactor to wait on");
    assert!(error.to_string().contains("shut down"), "{error}");
}

/// Counts the first time the wrapped future returns `Pending`: from then on
/// its task's waker is stored with the reactor.
struct NotePending<F> {
    inner: Pin<Box<F>>,
    waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    noted: bool,
}

impl<F: std::future::Future> std::future::Future for NotePending<F> {
    type Output = F::Output;
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let poll = self.inner.as_mut().poll(cx);
        if poll.is_pending() && !self.noted {
            self.noted = true;
            self.waiting
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        poll
    }
}

#[test]
fn two_tasks_accepting_on_one_listener_are_both_woken() {
    // `accept` takes `&self`, so two tasks may wait on one listener. Both
    // wait before any client connects; then two clients connect. With one
    // waker per direction, the second task's waker replaces the first's: the
    // first connection wakes the second task, and the first task is never
    // woken although the second connection waits in the backlog.
    let peers = testkit::with_timeout(Duration::from_secs(10), || {
        let rt = Runtime::new(2);
        rt.block_on(async {
            let listener =
                std::sync::Arc::new(TcpListener::bind("127.0.0.1:0").await.expect("bind"));
            let addr = listener.local_addr().expect("local addr");
            let waiting = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let acceptors: Vec<_> = (0..2)
                .map(|_| {
                    let listener = listener.clone();
                    spawn(NotePending {
                        inner: Box::pin(async move {
                            let (stream, _) = listener.accept().await.expect("accept");
                            stream.peer_addr().expect("peer")
                        }),
                        waiting: waiting.clone(),
                        noted: false,
                    })
                })
                .collect();
            while waiting.load(std::sync::atomic::Ordering::SeqCst) < 2 {
                ch06_reactor::yield_now().await;
            }
            let mut clients = Vec::new();
            for _ in 0..2 {
                clients.push(TcpStream::connect(addr).await.expect("connect"));
            }
            let mut peers = Vec::new();
            for acceptor in acceptors {
                peers.push(acceptor.await.expect("acceptor task"));
            }
            peers.sort();
            let mut locals: Vec<SocketAddr> = clients
                .iter()
                .map(|client| client.local_addr().expect("local"))
                .collect();
            locals.sort();
            (peers, locals)
        })
    });
    assert_eq!(peers.0, peers.1, "each client was accepted once");
}
