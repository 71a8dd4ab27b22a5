//! Tests for Exercise 9.2 (line_reader). Run them with
//! `cargo test -p ch09-exercises --test line_reader`.

use std::future::Future;
use std::io;
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};

use ch08_channels::Notify;
use ch09_cancellation::pipe::Pipe;
use ch09_cancellation::{select2, Either};
use ch09_exercises::line_reader::LineReader;

fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// One call of `read_line`, polled once.
fn next_line(reader: &mut LineReader, stream: &mut Pipe) -> Poll<io::Result<Option<String>>> {
    poll_once(pin!(reader.read_line(stream)))
}

fn line(text: &str) -> Poll<Option<String>> {
    Poll::Ready(Some(text.to_string()))
}

fn ok(polled: Poll<io::Result<Option<String>>>) -> Poll<Option<String>> {
    polled.map(|r| r.expect("no error expected here"))
}

#[test]
fn a_line_that_is_all_there_is_returned() {
    let pipe = Pipe::new();
    let (mut reader, mut stream) = (LineReader::new(), pipe.clone());
    pipe.write(b"hello\n");
    assert_eq!(ok(next_line(&mut reader, &mut stream)), line("hello"));
    assert!(next_line(&mut reader, &mut stream).is_pending());
}

#[test]
fn two_lines_in_one_read_are_both_kept() {
    let pipe = Pipe::new();
    let (mut reader, mut stream) = (LineReader::new(), pipe.clone());
    pipe.write(b"first\nsecond\nthi");
    assert_eq!(ok(next_line(&mut reader, &mut stream)), line("first"));
    assert_eq!(
        ok(next_line(&mut reader, &mut stream)),
        line("second"),
        "the bytes after the first '\\n' came in the same read: keep them for \
         the next call"
    );
    pipe.write(b"rd\n");
    assert_eq!(ok(next_line(&mut reader, &mut stream)), line("third"));
}

// ANCHOR: lost_race
#[test]
fn a_read_dropped_half_way_through_a_line_loses_nothing() {
    let pipe = Pipe::new();
    let notify = Notify::new();
    let (mut reader, mut stream) = (LineReader::new(), pipe.clone());
    pipe.write(b"hel");
    {
        let read = pin!(reader.read_line(&mut stream));
        let tick = pin!(notify.notified());
        let mut race = pin!(select2(read, tick));
        assert!(poll_once(race.as_mut()).is_pending(), "half a line so far");
        notify.notify_one(); // the tick wins the race
        assert!(matches!(
            poll_once(race.as_mut()),
            Poll::Ready(Either::Right(()))
        ));
    } // the race, and the read inside it, are dropped here
    assert_eq!(pipe.unread(), 0, "the reader took the 3 bytes");
    pipe.write(b"lo\n");
    assert_eq!(
        ok(next_line(&mut reader, &mut stream)),
        line("hello"),
        "the read was dropped after it had taken \"hel\" from the stream; \
         those bytes must survive the drop, outside the future"
    );
}
// ANCHOR_END: lost_race

#[test]
fn lines_split_byte_by_byte() {
    let pipe = Pipe::new();
    let (mut reader, mut stream) = (LineReader::new(), pipe.clone());
    let mut got = Vec::new();
    for &byte in b"one\n\nthree\n" {
        pipe.write(&[byte]);
        // Each call is polled once and dropped if it is not done.
        while let Poll::Ready(Some(l)) = ok(next_line(&mut reader, &mut stream)) {
            got.push(l);
        }
    }
    assert_eq!(got, ["one", "", "three"]);
}

#[test]
fn the_end_of_the_stream() {
    let pipe = Pipe::new();
    let (mut reader, mut stream) = (LineReader::new(), pipe.clone());
    pipe.write(b"last\n");
    pipe.close();
    assert_eq!(ok(next_line(&mut reader, &mut stream)), line("last"));
    assert_eq!(ok(next_line(&mut reader, &mut stream)), Poll::Ready(None));

    let pipe = Pipe::new();
    let (mut reader, mut stream) = (LineReader::new(), pipe.clone());
    pipe.write(b"cut sho");
    pipe.close();
    match next_line(&mut reader, &mut stream) {
        Poll::Ready(Err(e)) => assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof),
        other => panic!(
            "the stream ended inside a line: expected an UnexpectedEof error, \
             got {other:?}"
        ),
    }
}
