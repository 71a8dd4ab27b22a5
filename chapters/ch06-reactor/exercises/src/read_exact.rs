//! Exercise 6.1: read_exact (book: Chapter 6, section "Exercises").

use std::io;

use futures_io::AsyncRead;

/// Reads exactly `buf.len()` bytes from `reader` into `buf`, however the
/// bytes are split across reads, and waits (without blocking the thread)
/// while none are available.
///
/// # Errors
/// An end of stream before `buf` is full is `ErrorKind::UnexpectedEof`.
/// `ErrorKind::Interrupted` is retried; any other error is returned as is.
pub async fn read_exact<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut [u8]) -> io::Result<()> {
    // TODO: call `poll_read` (through `std::future::poll_fn` and `Pin::new`)
    // until `buf` is full, one slice `&mut buf[filled..]` at a time.
    let _ = (reader, buf);
    todo!("Exercise 6.1 (read_exact): see the book, Chapter 6, \"Exercise 6.1: read_exact\"")
}
