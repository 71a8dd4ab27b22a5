//! Exercise 9.2: A cancellation-safe line reader (book: Chapter 9, "Exercises").

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
        // TODO: a line may already be in `self.buf`; if not, read a chunk,
        // keep it, and look again.
        let _ = reader;
        todo!("Exercise 9.2 (line_reader): see the book, Chapter 9, \"Exercise 9.2: A cancellation-safe line reader\"")
    }
}

/// A line's bytes as a `String`.
pub fn to_line(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
