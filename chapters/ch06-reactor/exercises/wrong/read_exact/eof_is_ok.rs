// Wrong: an end of stream before the buffer is full returns Ok, and the
// caller uses a buffer that is partly old bytes.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;

use futures_io::AsyncRead;

/// Reads exactly `buf.len()` bytes from `reader` into `buf`, however the
/// bytes are split across reads, and waits (without blocking the thread)
/// while none are available.
///
/// # Errors
/// An end of stream before `buf` is full is `ErrorKind::UnexpectedEof`.
/// `ErrorKind::Interrupted` is retried; any other error is returned as is.
pub async fn read_exact<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut [u8]) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        let read = poll_fn(|cx| Pin::new(&mut *reader).poll_read(cx, &mut buf[filled..])).await;
        match read {
            Ok(0) => return Ok(()),
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
