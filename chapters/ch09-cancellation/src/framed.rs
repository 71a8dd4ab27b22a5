//! Length-prefixed messages over a byte stream: a 4-byte big-endian length,
//! then that many bytes.
//!
//! Two readers. [`read_message_naive`] is the obvious `async fn`, and it is
//! not cancellation safe: the bytes it has read live in its own locals, so
//! dropping it half-way through a message throws them away, and the next
//! read starts in the middle of a message. [`MessageReader`] keeps what it
//! has read in a buffer outside the future, so a dropped read loses nothing.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;

use futures_io::AsyncRead;

/// Longer messages are refused: a corrupt length must not allocate 4 GiB.
pub const MAX_MESSAGE: usize = 1 << 20;

/// The bytes that carry `message`.
pub fn encode(message: &[u8]) -> Vec<u8> {
    let len = u32::try_from(message.len()).expect("messages are under 4 GiB");
    let mut bytes = len.to_be_bytes().to_vec();
    bytes.extend_from_slice(message);
    bytes
}

/// One read: whatever has arrived, at most `buf.len()` bytes; 0 at the end.
///
/// Cancellation safe: it reads inside the one poll that returns `Ready`,
/// so a read future dropped while `Pending` has consumed nothing.
pub async fn read_some<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    poll_fn(|cx| Pin::new(&mut *reader).poll_read(cx, buf)).await
}

async fn read_exact<R: AsyncRead + Unpin>(reader: &mut R, mut buf: &mut [u8]) -> io::Result<()> {
    while !buf.is_empty() {
        match read_some(reader, buf).await? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => buf = &mut buf[n..],
        }
    }
    Ok(())
}

fn too_long(len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("a message of {len} bytes is over the limit of {MAX_MESSAGE}"),
    )
}

// ANCHOR: naive
/// Reads one message. NOT cancellation safe: see the module's comment.
pub async fn read_message_naive<R: AsyncRead + Unpin>(reader: &mut R) -> io::Result<Vec<u8>> {
    let mut header = [0u8; 4];
    read_exact(reader, &mut header).await?; // (1) may stop half-way
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_MESSAGE {
        return Err(too_long(len));
    }
    let mut body = vec![0; len];
    read_exact(reader, &mut body).await?; // (2) may stop half-way
    Ok(body)
}
// ANCHOR_END: naive

// ANCHOR: reader
/// Reads messages, keeping every byte it has read in `buf`, outside the
/// future, until a whole message is there.
#[derive(Debug, Default)]
pub struct MessageReader {
    buf: Vec<u8>,
}

impl MessageReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next message; `None` at a clean end of stream. Cancellation
    /// safe: dropped while waiting, it has lost nothing, and the next call
    /// carries on where it stopped.
    pub async fn read_message<R: AsyncRead + Unpin>(
        &mut self,
        reader: &mut R,
    ) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(message) = self.take_message()? {
                return Ok(Some(message));
            }
            let mut chunk = [0u8; 4096];
            // The one await. Whatever it returns is in `self.buf` before
            // the next await, the only other place this future can stop.
            let n = read_some(reader, &mut chunk).await?;
            if n == 0 {
                return match self.buf.is_empty() {
                    true => Ok(None),
                    false => Err(io::ErrorKind::UnexpectedEof.into()),
                };
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
    // ANCHOR_END: reader

    /// A whole message from the front of `buf`, if one is there. The bytes
    /// after it (the start of the next message) stay.
    fn take_message(&mut self) -> io::Result<Option<Vec<u8>>> {
        let Some(header) = self.buf.first_chunk::<4>() else {
            return Ok(None);
        };
        let len = u32::from_be_bytes(*header) as usize;
        if len > MAX_MESSAGE {
            return Err(too_long(len));
        }
        if self.buf.len() < 4 + len {
            return Ok(None);
        }
        let message = self.buf[4..4 + len].to_vec();
        self.buf.drain(..4 + len);
        Ok(Some(message))
    }

    /// Bytes read and not yet handed out as a message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}
