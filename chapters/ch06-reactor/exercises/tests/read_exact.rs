//! Tests for Exercise 6.1 (read_exact). Run them with
//! `cargo test -p ch06-exercises --test read_exact`.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use ch06_exercises::read_exact::read_exact;
use ch06_reactor::net::TcpStream;
use ch06_reactor::Runtime;
use futures_io::AsyncRead;

/// A reader that hands out its data in pieces of `chunk` bytes, returning
/// `Pending` (after waking itself) and `Interrupted` in between, as a
/// socket under load might.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    chunk: usize,
    calls: usize,
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.calls += 1;
        match self.calls % 3 {
            0 => {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            1 if self.calls > 1 => return Poll::Ready(Err(io::ErrorKind::Interrupted.into())),
            _ => {}
        }
        let n = self.chunk.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Poll::Ready(Ok(n))
    }
}

fn trickle(data: &[u8], chunk: usize) -> Trickle {
    Trickle {
        data: data.to_vec(),
        at: 0,
        chunk,
        calls: 0,
    }
}

#[test]
fn pieces_are_put_together() {
    let out = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            let mut reader = trickle(b"hello, reactor!", 3);
            let mut buf = [0u8; 15];
            read_exact(&mut reader, &mut buf).await.map(|()| buf)
        })
    });
    assert_eq!(&out.expect("read_exact failed"), b"hello, reactor!");
}

#[test]
fn it_reads_exactly_that_many_and_leaves_the_rest() {
    let out = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            let mut reader = trickle(b"abcdefgh", 5);
            let (mut first, mut second) = ([0u8; 4], [0u8; 4]);
            read_exact(&mut reader, &mut first).await?;
            read_exact(&mut reader, &mut second).await?;
            Ok::<_, io::Error>((first, second))
        })
    });
    assert_eq!(out.expect("read_exact failed"), (*b"abcd", *b"efgh"));
}

#[test]
fn an_early_end_of_stream_is_unexpected_eof() {
    let error = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            let mut reader = trickle(b"short", 2);
            let mut buf = [0u8; 10];
            read_exact(&mut reader, &mut buf).await
        })
    });
    assert_eq!(
        error.map_err(|e| e.kind()),
        Err(io::ErrorKind::UnexpectedEof)
    );
}

#[test]
fn an_empty_buffer_needs_no_data() {
    let out = testkit::timeout(|| {
        let rt = Runtime::new(1);
        rt.block_on(async {
            let mut reader = trickle(b"", 1);
            read_exact(&mut reader, &mut []).await
        })
    });
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn a_message_dribbled_over_tcp_arrives_whole() {
    let out = testkit::timeout(|| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        // A plain thread writes one byte at a time, with pauses, so the
        // reader must wait on the reactor between bytes.
        let writer = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            for byte in b"dribble" {
                stream.write_all(&[*byte]).expect("write");
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let rt = Runtime::new(2);
        let out = rt.block_on(async move {
            let mut stream = TcpStream::connect(addr).await?;
            let mut buf = [0u8; 7];
            read_exact(&mut stream, &mut buf).await?;
            Ok::<_, io::Error>(buf)
        });
        writer.join().expect("writer thread");
        out
    });
    assert_eq!(&out.expect("read_exact over TCP failed"), b"dribble");
}

/// The reading end of an in-memory pipe that another task fills.
#[derive(Clone, Default)]
struct Pipe(Arc<Mutex<(VecDeque<u8>, Option<Waker>)>>);

impl Pipe {
    fn write(&self, byte: u8) {
        let waker = {
            let mut pipe = self.0.lock().unwrap();
            pipe.0.push_back(byte);
            pipe.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl AsyncRead for Pipe {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut pipe = self.0.lock().unwrap();
        let n = buf.len().min(pipe.0.len());
        if n == 0 {
            pipe.1 = Some(cx.waker().clone());
            return Poll::Pending;
        }
        for slot in &mut buf[..n] {
            *slot = pipe.0.pop_front().expect("n bytes are there");
        }
        Poll::Ready(Ok(n))
    }
}

#[test]
fn waiting_for_data_lets_the_writer_run() {
    // One worker runs both the reader and the task that writes to it. A
    // read_exact that polls again and again instead of returning Pending
    // keeps the worker busy, and the writer never gets to write.
    let out = testkit::within(
        Duration::from_secs(10),
        "read_exact never let the writing task run: when poll_read says \
         Pending, return Pending (await it) instead of polling again",
        || {
            let rt = Runtime::new(1);
            let pipe = Pipe::default();
            let writer = pipe.clone();
            let reader = rt.spawn(async move {
                let mut reader = pipe;
                let mut buf = [0u8; 5];
                read_exact(&mut reader, &mut buf).await.map(|()| buf)
            });
            rt.spawn(async move {
                for byte in *b"later" {
                    writer.write(byte);
                    ch06_reactor::yield_now().await;
                }
            });
            rt.block_on(reader).expect("the reading task panicked")
        },
    );
    assert_eq!(&out.expect("read_exact failed"), b"later");
}
