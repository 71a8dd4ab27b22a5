// Wrong: collects the line in a local of the future instead of in
// `self.buf`. When the future is dropped half-way through a line (a select
// branch lost), those bytes go with it.

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
        let mut line = Vec::new();
        loop {
            let mut byte = [0u8; 1];
            if read_some(reader, &mut byte).await? == 0 {
                return match line.is_empty() {
                    true => Ok(None),
                    false => Err(io::ErrorKind::UnexpectedEof.into()),
                };
            }
            if byte[0] == b'\n' {
                return to_line(line).map(Some);
            }
            line.push(byte[0]);
        }
    }
}

/// A line's bytes as a `String`.
pub fn to_line(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
