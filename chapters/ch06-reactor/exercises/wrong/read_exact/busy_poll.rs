// Wrong: when the reader has nothing yet, it polls it again at once, in a
// loop, instead of returning Pending: a busy loop that keeps the worker
// from running anything else, such as the task that would write the data.

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
        // Polls until the reader has data, without ever returning Pending.
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let read = loop {
            if let std::task::Poll::Ready(read) =
                Pin::new(&mut *reader).poll_read(&mut cx, &mut buf[filled..])
            {
                break read;
            }
        };
        let _ = poll_fn::<(), fn(&mut std::task::Context<'_>) -> std::task::Poll<()>>;
        match read {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
