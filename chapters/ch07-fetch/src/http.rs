//! HTTP/1.1 responses, parsed from bytes as they arrive.
//!
//! There is no I/O in this file. The client reads whatever the socket has and
//! hands it to [`ResponseParser::feed`]; the parser says "need more", "here is
//! the response" or "this is not a valid response". When the peer closes the
//! connection the client calls [`ResponseParser::eof`]. Keeping the parser
//! free of sockets and runtimes is what lets the tests throw random and
//! truncated bytes at it, split at random places, without a server.
//!
//! What it accepts is a subset of RFC 9112 that a client of a JSON service
//! needs: `HTTP/1.0` and `HTTP/1.1`, CRLF line endings, bodies framed by
//! `Content-Length`, by `Transfer-Encoding: chunked`, or by the end of the
//! connection. Every input is bounded by [`Limits`].

use std::fmt;

// ANCHOR: limits
/// How much the parser accepts before it gives up. A server (or anything
/// pretending to be one) decides how many bytes it sends; these bounds decide
/// how many we keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in the status line and headers, up to and including the blank line.
    pub max_head: usize,
    /// Header lines in the head.
    pub max_headers: usize,
    /// Bytes in the body, after removing chunked framing.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head: 16 * 1024,
            max_headers: 64,
            max_body: 1024 * 1024,
        }
    }
}
// ANCHOR_END: limits

/// A complete response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    /// In the order received; names as sent (compare them case-insensitively).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

// ANCHOR: parse_error
/// Why some bytes are not a response we accept. Every variant says what was
/// wrong and shows (escaped, shortened) the bytes it did not like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    StatusLine(String),
    Header(String),
    ContentLength(String),
    Chunk(String),
    /// Valid HTTP that this client does not implement (say, gzip transfer coding).
    Unsupported(String),
    HeadTooLarge {
        limit: usize,
    },
    TooManyHeaders {
        limit: usize,
    },
    BodyTooLarge {
        limit: usize,
    },
    /// The connection ended before the response did.
    Truncated(String),
    /// `feed` or `eof` was called after the response was complete.
    Finished,
}
// ANCHOR_END: parse_error

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::StatusLine(what) => write!(f, "bad status line: {what}"),
            ParseError::Header(what) => write!(f, "bad header: {what}"),
            ParseError::ContentLength(what) => write!(f, "bad Content-Length: {what}"),
            ParseError::Chunk(what) => write!(f, "bad chunked body: {what}"),
            ParseError::Unsupported(what) => write!(f, "unsupported: {what}"),
            ParseError::HeadTooLarge { limit } => {
                write!(f, "status line and headers longer than {limit} bytes")
            }
            ParseError::TooManyHeaders { limit } => write!(f, "more than {limit} headers"),
            ParseError::BodyTooLarge { limit } => write!(f, "body longer than {limit} bytes"),
            ParseError::Truncated(what) => write!(f, "{what}"),
            ParseError::Finished => write!(f, "the response was already complete"),
        }
    }
}

impl std::error::Error for ParseError {}

/// At most 40 bytes of `bytes`, quoted, with anything unprintable escaped,
/// so an error message can show what it choked on without dumping a
/// megabyte of binary into a terminal.
fn snippet(bytes: &[u8]) -> String {
    const SHOWN: usize = 40;
    let shown = &bytes[..bytes.len().min(SHOWN)];
    let more = if bytes.len() > SHOWN { "..." } else { "" };
    format!("\"{}\"{more}", shown.escape_ascii())
}

// ANCHOR: parser
/// Turns the bytes of one response, fed in pieces of any size, into a
/// [`Response`].
pub struct ResponseParser {
    limits: Limits,
    /// Received and not yet consumed.
    buf: Vec<u8>,
    /// Where to resume looking for the end of the head, so feeding a head
    /// one byte at a time stays linear.
    scanned: usize,
    /// Head bytes consumed so far, interim (1xx) responses included.
    head_bytes: usize,
    phase: Phase,
}

enum Phase {
    Head,
    Body {
        head: Head,
        body: Vec<u8>,
        framing: Framing,
    },
    Done,
}

struct Head {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
}

/// How the end of the body is found (RFC 9112, section 6.3).
enum Framing {
    /// `Content-Length`: this many bytes still to come.
    Length(usize),
    Chunked(Chunk),
    /// No length given: the body ends when the connection does.
    UntilClose,
}

/// Where we are inside a chunked body.
enum Chunk {
    /// Expecting `hex-size [; extensions] CRLF`.
    Size,
    /// Inside a chunk's data, this many bytes left.
    Data(usize),
    /// Expecting the CRLF that ends a chunk's data.
    DataEnd,
    /// After the last (zero) chunk: trailer lines until a blank line.
    Trailers { bytes: usize },
}
// ANCHOR_END: parser

/// Longest chunk-size line (with extensions) we accept.
const MAX_CHUNK_LINE: usize = 1024;

impl ResponseParser {
    pub fn new(limits: Limits) -> Self {
        ResponseParser {
            limits,
            buf: Vec::new(),
            scanned: 0,
            head_bytes: 0,
            phase: Phase::Head,
        }
    }

    // ANCHOR: feed
    /// Adds bytes read from the connection. Returns the response once the
    /// bytes so far hold all of it; `Ok(None)` means "read more".
    /// Bytes after the end of the response are ignored.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Option<Response>, ParseError> {
        if matches!(self.phase, Phase::Done) {
            return Err(ParseError::Finished);
        }
        self.buf.extend_from_slice(bytes);
        loop {
            let progressed = match &mut self.phase {
                Phase::Head => self.parse_head()?,
                Phase::Body { body, framing, .. } => {
                    let done = read_body(&mut self.buf, body, framing, &self.limits)?;
                    if done {
                        return self.take_response().map(Some);
                    }
                    false
                }
                Phase::Done => return Err(ParseError::Finished),
            };
            if !progressed {
                return Ok(None);
            }
        }
    }

    /// The peer closed the connection. Completes a body that runs until the
    /// close; anywhere else, the response was cut short.
    pub fn eof(&mut self) -> Result<Response, ParseError> {
        match &self.phase {
            Phase::Head if self.buf.is_empty() && self.head_bytes == 0 => Err(
                ParseError::Truncated("connection closed before any response arrived".into()),
            ),
            Phase::Head => Err(ParseError::Truncated(format!(
                "connection closed inside the response head, after {} bytes",
                self.head_bytes + self.buf.len()
            ))),
            Phase::Body { body, framing, .. } => match framing {
                Framing::UntilClose => self.take_response(),
                Framing::Length(left) => Err(ParseError::Truncated(format!(
                    "connection closed after {} of {} body bytes",
                    body.len(),
                    body.len() + left
                ))),
                Framing::Chunked(_) => Err(ParseError::Truncated(format!(
                    "connection closed inside a chunked body, after {} body bytes",
                    body.len()
                ))),
            },
            Phase::Done => Err(ParseError::Finished),
        }
    }
    // ANCHOR_END: feed

    /// Hands out the finished response; the parser is done after this.
    fn take_response(&mut self) -> Result<Response, ParseError> {
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::Body { head, body, .. } => Ok(Response {
                status: head.status,
                reason: head.reason,
                headers: head.headers,
                body,
            }),
            // Only called in the body phase; anything else has no response.
            _ => Err(ParseError::Finished),
        }
    }

    /// Looks for the blank line that ends the head. Returns true if it moved
    /// the parser on (to the body, or past an interim response).
    fn parse_head(&mut self) -> Result<bool, ParseError> {
        let from = self.scanned.saturating_sub(3);
        let Some(at) = find(&self.buf[from..], b"\r\n\r\n").map(|i| from + i) else {
            self.scanned = self.buf.len();
            if self.head_bytes + self.buf.len() > self.limits.max_head {
                return Err(ParseError::HeadTooLarge {
                    limit: self.limits.max_head,
                });
            }
            return Ok(false);
        };
        let end = at + 4;
        self.head_bytes += end;
        if self.head_bytes > self.limits.max_head {
            return Err(ParseError::HeadTooLarge {
                limit: self.limits.max_head,
            });
        }
        let head = parse_head(&self.buf[..at], &self.limits)?;
        self.buf.drain(..end);
        self.scanned = 0;
        let framing = match body_framing(&head, &self.limits)? {
            // An interim response (say, 100 Continue): the real one follows.
            None if (100..200).contains(&head.status) => return Ok(true),
            None => Framing::Length(0),
            Some(framing) => framing,
        };
        self.phase = Phase::Body {
            head,
            body: Vec::new(),
            framing,
        };
        Ok(true)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ANCHOR: parse_head
/// Parses the status line and headers (the head without its final blank line).
fn parse_head(head: &[u8], limits: &Limits) -> Result<Head, ParseError> {
    // Lines end in CRLF. RFC 9112 lets a recipient accept a bare LF too; we
    // do not, so a head with one is refused here, before it is split.
    let crlfs = head.windows(2).filter(|w| w == b"\r\n").count();
    if crlfs != head.iter().filter(|&&b| b == b'\n').count() {
        return Err(ParseError::Header(format!(
            "line ended by a bare LF in {}",
            snippet(head)
        )));
    }
    // Every LF is now the end of a CRLF; the caller cut off the last one.
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let status_line = lines.next().unwrap_or_default();
    let (status, reason) = parse_status_line(status_line)?;
    let mut headers = Vec::new();
    for line in lines {
        if headers.len() == limits.max_headers {
            return Err(ParseError::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        headers.push(parse_header(line)?);
    }
    Ok(Head {
        status,
        reason,
        headers,
    })
}

/// `HTTP/1.1 200 OK`: version, three-digit code, optional reason phrase.
fn parse_status_line(line: &[u8]) -> Result<(u16, String), ParseError> {
    let bad = || ParseError::StatusLine(snippet(line));
    let rest = line
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| line.strip_prefix(b"HTTP/1.0 "))
        .ok_or_else(bad)?;
    let (code, reason) = match rest.get(3) {
        None => (rest, &b""[..]),
        Some(b' ') => (&rest[..3], &rest[4..]),
        Some(_) => return Err(bad()),
    };
    if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    // Three ASCII digits: always a valid number below 1000.
    let status = code.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    if status < 100 {
        return Err(bad());
    }
    // Reason phrase: tabs, spaces and visible characters, no controls.
    if reason.iter().any(|&b| b.is_ascii_control() && b != b'\t') {
        return Err(bad());
    }
    Ok((status, String::from_utf8_lossy(reason).into_owned()))
}

/// `Name: value`, with the spaces around the value removed.
fn parse_header(line: &[u8]) -> Result<(String, String), ParseError> {
    let bad = || ParseError::Header(snippet(line));
    let colon = line.iter().position(|&b| b == b':').ok_or_else(bad)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    // A name is a token; this also rejects a line that starts with a space
    // (obsolete line folding) and a space before the colon.
    if name.is_empty() || !name.iter().all(|&b| is_token_char(b)) {
        return Err(bad());
    }
    let value = value.trim_ascii();
    if value.iter().any(|&b| b.is_ascii_control() && b != b'\t') {
        return Err(bad());
    }
    Ok((
        // A token is ASCII, so this conversion is lossless.
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
// ANCHOR_END: parse_head

// ANCHOR: framing
/// How the body of a response to a GET ends. `None`: it has no body.
fn body_framing(head: &Head, limits: &Limits) -> Result<Option<Framing>, ParseError> {
    if (100..200).contains(&head.status) || head.status == 204 || head.status == 304 {
        return Ok(None);
    }
    let values = |name: &'static str| {
        head.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    // Transfer-Encoding wins over Content-Length (RFC 9112, 6.3).
    let codings: Vec<&str> = values("transfer-encoding").collect();
    if let Some(last) = codings.last() {
        if codings.len() == 1 && last.eq_ignore_ascii_case("chunked") {
            return Ok(Some(Framing::Chunked(Chunk::Size)));
        }
        return Err(ParseError::Unsupported(format!(
            "Transfer-Encoding {}",
            codings.join(", ")
        )));
    }
    let mut length = None;
    for value in values("content-length") {
        let parsed = value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| value.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| ParseError::ContentLength(snippet(value.as_bytes())))?;
        // Several Content-Length values are allowed only if they agree.
        if length.is_some_and(|l| l != parsed) {
            return Err(ParseError::ContentLength("conflicting values".into()));
        }
        length = Some(parsed);
    }
    match length {
        Some(n) if n > limits.max_body as u64 => Err(ParseError::BodyTooLarge {
            limit: limits.max_body,
        }),
        // Fits in usize: it is at most `max_body`.
        Some(n) => Ok(Some(Framing::Length(n as usize))),
        None => Ok(Some(Framing::UntilClose)),
    }
}
// ANCHOR_END: framing

// ANCHOR: read_body
/// Moves body bytes from `buf` to `body`. Returns true when the body is complete.
fn read_body(
    buf: &mut Vec<u8>,
    body: &mut Vec<u8>,
    framing: &mut Framing,
    limits: &Limits,
) -> Result<bool, ParseError> {
    match framing {
        Framing::Length(left) => {
            let n = (*left).min(buf.len());
            body.extend(buf.drain(..n));
            *left -= n;
            Ok(*left == 0)
        }
        Framing::UntilClose => {
            if body.len() + buf.len() > limits.max_body {
                return Err(ParseError::BodyTooLarge {
                    limit: limits.max_body,
                });
            }
            body.append(buf);
            Ok(false)
        }
        Framing::Chunked(state) => read_chunked(buf, body, state, limits),
    }
}

/// A chunked body: `size CRLF data CRLF` repeated, `0 CRLF`, trailers, `CRLF`.
fn read_chunked(
    buf: &mut Vec<u8>,
    body: &mut Vec<u8>,
    state: &mut Chunk,
    limits: &Limits,
) -> Result<bool, ParseError> {
    loop {
        match state {
            Chunk::Size => {
                let too_long = || {
                    ParseError::Chunk(format!(
                        "chunk-size line longer than {MAX_CHUNK_LINE} bytes"
                    ))
                };
                let Some(end) = find(buf, b"\r\n") else {
                    // `+ 1`: the last byte may be the CR of a line that is
                    // exactly at the limit.
                    if buf.len() > MAX_CHUNK_LINE + 1 {
                        return Err(too_long());
                    }
                    return Ok(false);
                };
                if end > MAX_CHUNK_LINE {
                    return Err(too_long());
                }
                let size = parse_chunk_size(&buf[..end])?;
                buf.drain(..end + 2);
                if size == 0 {
                    *state = Chunk::Trailers { bytes: 0 };
                } else if size > (limits.max_body - body.len()) as u64 {
                    return Err(ParseError::BodyTooLarge {
                        limit: limits.max_body,
                    });
                } else {
                    // Fits in usize: at most `max_body`.
                    *state = Chunk::Data(size as usize);
                }
            }
            Chunk::Data(left) => {
                let n = (*left).min(buf.len());
                body.extend(buf.drain(..n));
                *left -= n;
                if *left > 0 {
                    return Ok(false);
                }
                *state = Chunk::DataEnd;
            }
            Chunk::DataEnd => {
                if buf.len() < 2 {
                    return Ok(false);
                }
                if &buf[..2] != b"\r\n" {
                    return Err(ParseError::Chunk(format!(
                        "chunk data not followed by CRLF: {}",
                        snippet(&buf[..])
                    )));
                }
                buf.drain(..2);
                *state = Chunk::Size;
            }
            Chunk::Trailers { bytes } => {
                let Some(end) = find(buf, b"\r\n") else {
                    if *bytes + buf.len() > limits.max_head {
                        return Err(ParseError::HeadTooLarge {
                            limit: limits.max_head,
                        });
                    }
                    return Ok(false);
                };
                *bytes += end + 2;
                if *bytes > limits.max_head {
                    return Err(ParseError::HeadTooLarge {
                        limit: limits.max_head,
                    });
                }
                let line: Vec<u8> = buf.drain(..end + 2).take(end).collect();
                if line.is_empty() {
                    return Ok(true);
                }
                // Trailer fields are checked like headers, then dropped:
                // nothing in a JSON client needs them.
                parse_header(&line)?;
            }
        }
    }
}

/// `1a` or `1a;name=value`: the size in hex, extensions ignored.
fn parse_chunk_size(line: &[u8]) -> Result<u64, ParseError> {
    let digits_end = line
        .iter()
        .position(|b| !b.is_ascii_hexdigit())
        .unwrap_or(line.len());
    let (digits, rest) = line.split_at(digits_end);
    let rest = rest.trim_ascii_start();
    let bad = || ParseError::Chunk(format!("bad chunk size {}", snippet(line)));
    if digits.is_empty() || !(rest.is_empty() || rest[0] == b';') {
        return Err(bad());
    }
    if rest.iter().any(|&b| b.is_ascii_control() && b != b'\t') {
        return Err(bad());
    }
    // Hex digits are ASCII. More than 16 of them cannot fit in a u64,
    // and `from_str_radix` reports that as an error rather than wrapping.
    let text = std::str::from_utf8(digits).map_err(|_| bad())?;
    u64::from_str_radix(text, 16).map_err(|_| bad())
}
// ANCHOR_END: read_body

/// Parses a whole response that ends where the connection closed: feeds
/// everything, then signals the end. Handy for tests and one-shot uses.
pub fn parse_complete(bytes: &[u8], limits: Limits) -> Result<Response, ParseError> {
    let mut parser = ResponseParser::new(limits);
    match parser.feed(bytes)? {
        Some(response) => Ok(response),
        None => parser.eof(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Response, ParseError> {
        parse_complete(bytes, Limits::default())
    }

    #[test]
    fn content_length_body() {
        testkit::timeout(|| {
            let r =
                parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello").unwrap();
            assert_eq!((r.status, r.reason.as_str()), (200, "OK"));
            assert_eq!(r.body, b"hello");
            assert_eq!(r.header("x-a"), Some("b"));
        });
    }

    #[test]
    fn bytes_after_the_body_are_ignored() {
        testkit::timeout(|| {
            let mut p = ResponseParser::new(Limits::default());
            let r = p
                .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA")
                .unwrap()
                .unwrap();
            assert_eq!(r.body, b"hi");
            assert_eq!(p.feed(b"more"), Err(ParseError::Finished));
            assert_eq!(p.eof(), Err(ParseError::Finished));
        });
    }

    #[test]
    fn chunked_body_with_extensions_and_trailers() {
        testkit::timeout(|| {
            let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
                        4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: y\r\n\r\n";
            let r = parse(raw).unwrap();
            assert_eq!(r.body, b"Wikipedia in\r\n\r\nchunks.");
        });
    }

    #[test]
    fn chunked_fed_one_byte_at_a_time() {
        testkit::timeout(|| {
            let raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
            let mut p = ResponseParser::new(Limits::default());
            let mut done = None;
            for (i, b) in raw.iter().enumerate() {
                if let Some(r) = p.feed(&[*b]).unwrap() {
                    assert_eq!(i, raw.len() - 1, "complete only at the last byte");
                    done = Some(r);
                }
            }
            assert_eq!(done.unwrap().body, b"abcde");
        });
    }

    #[test]
    fn transfer_encoding_beats_content_length() {
        testkit::timeout(|| {
            let r = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n").unwrap();
            assert_eq!(r.body, b"x");
        });
    }

    #[test]
    fn body_until_close() {
        testkit::timeout(|| {
            let r = parse(b"HTTP/1.0 200 OK\r\n\r\nall of it").unwrap();
            assert_eq!(r.body, b"all of it");
        });
    }

    #[test]
    fn no_body_for_204_and_304() {
        testkit::timeout(|| {
            for status in ["204 No Content", "304 Not Modified"] {
                let raw = format!("HTTP/1.1 {status}\r\nContent-Length: 10\r\n\r\n");
                let mut p = ResponseParser::new(Limits::default());
                let r = p
                    .feed(raw.as_bytes())
                    .unwrap()
                    .expect("complete without a body");
                assert!(r.body.is_empty());
            }
        });
    }

    #[test]
    fn interim_responses_are_skipped() {
        testkit::timeout(|| {
            let r = parse(
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            )
            .unwrap();
            assert_eq!((r.status, r.body.as_slice()), (200, &b"ok"[..]));
        });
    }

    #[test]
    fn status_line_without_reason() {
        testkit::timeout(|| {
            assert_eq!(
                parse(b"HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n")
                    .unwrap()
                    .status,
                404
            );
            assert_eq!(
                parse(b"HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n")
                    .unwrap()
                    .reason,
                ""
            );
        });
    }

    #[test]
    fn malformed_status_lines() {
        testkit::timeout(|| {
            for line in [
                "HTTP/1.1 20 OK",
                "HTTP/1.1 2000 OK",
                "HTTP/1.1 2x0 OK",
                "HTTP/1.1 099 Low",
                "HTTP/2 200 OK",
                "HTTP/1.1  200 OK",
                "http/1.1 200 OK",
                "ICY 200 OK",
                "HTTP/1.1 200 O\x01K",
                "",
            ] {
                let raw = format!("{line}\r\nContent-Length: 0\r\n\r\n");
                match parse(raw.as_bytes()) {
                    Err(ParseError::StatusLine(shown)) => {
                        assert!(shown.starts_with('"'), "{shown}")
                    }
                    other => panic!("{line:?} gave {other:?}"),
                }
            }
        });
    }

    #[test]
    fn malformed_headers() {
        testkit::timeout(|| {
            for header in [
                "NoColon",
                " Folded: x",
                "Bad Name: x",
                ": empty",
                "X: a\x00b",
            ] {
                let raw = format!("HTTP/1.1 200 OK\r\n{header}\r\n\r\n");
                assert!(
                    matches!(parse(raw.as_bytes()), Err(ParseError::Header(_))),
                    "{header:?}"
                );
            }
            assert!(matches!(
                parse(b"HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n"),
                Err(ParseError::Header(_))
            ));
        });
    }

    #[test]
    fn bad_content_lengths() {
        testkit::timeout(|| {
            for value in ["-1", "abc", "1 2", "99999999999999999999999", "+5"] {
                let raw = format!("HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\n");
                assert!(
                    matches!(parse(raw.as_bytes()), Err(ParseError::ContentLength(_))),
                    "{value:?}"
                );
            }
            assert_eq!(
                parse(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx"),
                Err(ParseError::ContentLength("conflicting values".into()))
            );
            // Repeated but equal is allowed.
            assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx").is_ok());
        });
    }

    #[test]
    fn bad_chunks() {
        testkit::timeout(|| {
            for body in [
                "x\r\n",
                "-1\r\n",
                "3\r\nabcX\r\n",
                "11111111111111111\r\n",
                "3 junk\r\n",
            ] {
                let raw = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{body}");
                assert!(
                    matches!(parse(raw.as_bytes()), Err(ParseError::Chunk(_))),
                    "{body:?}"
                );
            }
        });
    }

    #[test]
    fn unsupported_transfer_coding() {
        testkit::timeout(|| {
            let r = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
            assert_eq!(
                r.unwrap_err().to_string(),
                "unsupported: Transfer-Encoding gzip, chunked"
            );
        });
    }

    #[test]
    fn limits_are_enforced() {
        testkit::timeout(|| {
            let small = Limits {
                max_head: 64,
                max_headers: 2,
                max_body: 8,
            };
            let long_head = format!("HTTP/1.1 200 OK\r\nX: {}\r\n\r\n", "a".repeat(100));
            assert_eq!(
                parse_complete(long_head.as_bytes(), small),
                Err(ParseError::HeadTooLarge { limit: 64 })
            );
            // Without the blank line ever arriving, the limit still holds.
            let mut p = ResponseParser::new(small);
            assert_eq!(
                p.feed(&[b'a'; 65]).map(|_| ()),
                Err(ParseError::HeadTooLarge { limit: 64 })
            );
            assert_eq!(
                parse_complete(b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", small),
                Err(ParseError::TooManyHeaders { limit: 2 })
            );
            // Announced too large: refused before any of the body is read.
            let mut p = ResponseParser::new(small);
            assert_eq!(
                p.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n")
                    .map(|_| ()),
                Err(ParseError::BodyTooLarge { limit: 8 })
            );
            assert_eq!(
                parse_complete(b"HTTP/1.1 200 OK\r\n\r\n123456789", small),
                Err(ParseError::BodyTooLarge { limit: 8 })
            );
            assert_eq!(
                parse_complete(
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n4\r\n",
                    small
                ),
                Err(ParseError::BodyTooLarge { limit: 8 })
            );
            // Exactly at the limit is fine.
            assert_eq!(
                parse_complete(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678",
                    small
                )
                .unwrap()
                .body
                .len(),
                8
            );
        });
    }

    #[test]
    fn truncated_responses_say_where() {
        testkit::timeout(|| {
            assert_eq!(
                parse(b"").unwrap_err().to_string(),
                "connection closed before any response arrived"
            );
            assert_eq!(
                parse(b"HTTP/1.1 200 OK\r\nContent-Le")
                    .unwrap_err()
                    .to_string(),
                "connection closed inside the response head, after 27 bytes"
            );
            assert_eq!(
                parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                    .unwrap_err()
                    .to_string(),
                "connection closed after 3 of 10 body bytes"
            );
            assert_eq!(
                parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc")
                    .unwrap_err()
                    .to_string(),
                "connection closed inside a chunked body, after 3 body bytes"
            );
        });
    }
}
