//! Exercise 9.2: A cancellation-safe line reader, solved.

use std::io;

use ch09_cancellation::framed::read_some;
use futures_io::AsyncRead;

/// Reads `\n`-terminated lines from a byte stream.
#[derive(Debug, Default)]
pub struct LineReader {
    /// Bytes read and not yet handed out as a line.
    buf: Vec<u8>,
}

impl LineReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next line, without its `\n` (lines are UTF-8); `None` at the end
    /// of the stream, and `UnexpectedEof` if the stream ends inside a line.
    ///
    /// Must be cancellation safe: dropped while it waits for bytes, it
    /// loses none, and the next call carries on where it stopped. Read with
    /// `read_some(reader, &mut chunk).await`.
    pub async fn read_line<R: AsyncRead + Unpin>(
        &mut self,
        reader: &mut R,
    ) -> io::Result<Option<String>> {
        // ANCHOR: solution
        loop {
            // A line may be waiting from an earlier read (two lines can
            // arrive in one chunk).
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop(); // the '\n'
                return to_line(line).map(Some);
            }
            let mut chunk = [0u8; 1024];
            // The only await. What it returns goes into `self.buf` before
            // the future can stop again, so a drop loses nothing.
            let n = read_some(reader, &mut chunk).await?;
            if n == 0 {
                return match self.buf.is_empty() {
                    true => Ok(None),
                    false => Err(io::ErrorKind::UnexpectedEof.into()),
                };
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
        // ANCHOR_END: solution
    }
}

/// A line's bytes as a `String`.
pub fn to_line(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
