//! A small HTTP/1.1 client on our `TcpStream`: one GET per connection,
//! bodies framed by `Content-Length` or chunked, JSON through serde.
//!
//! It is deliberately small: no TLS (so `http://` only), no redirects, no
//! connection reuse, no compression. What it does have is what a fetch in
//! production needs before anything else: limits, a timeout, and an error
//! that says what went wrong.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use ch06_reactor::net::TcpStream;
use ch06_reactor::time;
use serde::de::DeserializeOwned;

use crate::http::{Limits, ParseError, Response, ResponseParser};

// ANCHOR: fetch_error
/// Why a fetch failed.
#[derive(Debug)]
pub enum FetchError {
    /// The URL is not one this client can fetch.
    Url(String),
    /// No connection: refused, unreachable, or the name did not resolve.
    Connect { addr: String, source: io::Error },
    /// The whole request (connect, send, receive) took longer than this.
    Timeout { after: Duration },
    /// The connection broke after it was made (reset by the peer, say).
    Connection(io::Error),
    /// The server answered, but not with valid HTTP (or the answer was cut short).
    Malformed(ParseError),
    /// The body is longer than the client's limit.
    BodyTooLarge { limit: usize },
    /// A valid response whose status is not 2xx.
    Status { code: u16, reason: String },
    /// A 2xx response whose body is not the JSON we expected.
    Json(serde_json::Error),
}
// ANCHOR_END: fetch_error

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Url(why) => write!(f, "bad URL: {why}"),
            FetchError::Connect { addr, source } => write!(f, "cannot connect to {addr}: {source}"),
            FetchError::Timeout { after } => write!(f, "no response within {after:?}"),
            FetchError::Connection(source) => write!(f, "connection broken: {source}"),
            FetchError::Malformed(why) => write!(f, "malformed response: {why}"),
            FetchError::BodyTooLarge { limit } => {
                write!(f, "response body larger than the {limit}-byte limit")
            }
            FetchError::Status { code, reason } => write!(f, "server answered {code} {reason}"),
            FetchError::Json(why) => write!(f, "body is not the expected JSON: {why}"),
        }
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FetchError::Connect { source, .. } | FetchError::Connection(source) => Some(source),
            FetchError::Malformed(why) => Some(why),
            FetchError::Json(why) => Some(why),
            _ => None,
        }
    }
}

impl From<ParseError> for FetchError {
    fn from(error: ParseError) -> Self {
        match error {
            ParseError::BodyTooLarge { limit } => FetchError::BodyTooLarge { limit },
            other => FetchError::Malformed(other),
        }
    }
}

// ANCHOR: url
/// An `http://host[:port]/path` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    host: String,
    port: u16,
    path: String,
    /// Known without a lookup when the host is an IP address, or after
    /// [`Url::resolve`].
    addr: Option<SocketAddr>,
}
// ANCHOR_END: url

impl Url {
    /// Parses `http://host[:port][/path]`. Does no I/O.
    pub fn parse(text: &str) -> Result<Url, FetchError> {
        let bad = |why: &str| FetchError::Url(format!("{why}: {text:?}"));
        if text.starts_with("https://") {
            return Err(bad("https needs TLS, which this client does not have \
                 (use `--bin fetch-tokio`, whose reqwest speaks https)"));
        }
        let rest = text
            .strip_prefix("http://")
            .ok_or_else(|| bad("expected a URL starting with http://"))?;
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        if path.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(bad("spaces or control characters in the path"));
        }
        if authority.contains('@') {
            return Err(bad("user names in URLs are not supported"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            // `[::1]:80` has colons inside the brackets; only a colon after
            // the closing bracket starts a port.
            Some((host, port)) if !port.contains(']') => {
                let port = port.parse::<u16>().map_err(|_| bad("bad port"))?;
                (host, port)
            }
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let ip_text = host.trim_start_matches('[').trim_end_matches(']');
        let addr = ip_text
            .parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, port));
        Ok(Url {
            host: host.to_string(),
            port,
            path: path.to_string(),
            addr,
        })
    }

    /// Looks the host name up. This blocks the calling thread (the system
    /// resolver has no async interface), so call it before starting tasks,
    /// never inside one: a worker stuck here runs nothing else.
    pub fn resolve(&mut self) -> Result<(), FetchError> {
        if self.addr.is_some() {
            return Ok(());
        }
        let connect_error = |source| FetchError::Connect {
            addr: format!("{}:{}", self.host, self.port),
            source,
        };
        let addr = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(connect_error)?
            .next()
            .ok_or_else(|| connect_error(io::ErrorKind::NotFound.into()))?;
        self.addr = Some(addr);
        Ok(())
    }

    /// This URL with `segment` appended to its path: `/todos` + `7` is `/todos/7`.
    pub fn join(&self, segment: impl fmt::Display) -> Url {
        let mut url = self.clone();
        if !url.path.ends_with('/') {
            url.path.push('/');
        }
        url.path.push_str(&segment.to_string());
        url
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}:{}{}", self.host, self.port, self.path)
    }
}

/// Settings shared by every request; cheap to clone into each task.
#[derive(Debug, Clone)]
pub struct Client {
    pub timeout: Duration,
    pub limits: Limits,
}

impl Default for Client {
    fn default() -> Self {
        Client {
            timeout: Duration::from_secs(5),
            limits: Limits::default(),
        }
    }
}

// ANCHOR: client
impl Client {
    /// GETs `url` and decodes its JSON body. Any status but 2xx is an error.
    pub async fn get_json<T: DeserializeOwned>(&self, url: &Url) -> Result<T, FetchError> {
        let response = self.get(url).await?;
        if !(200..300).contains(&response.status) {
            return Err(FetchError::Status {
                code: response.status,
                reason: response.reason,
            });
        }
        serde_json::from_slice(&response.body).map_err(FetchError::Json)
    }

    /// GETs `url`: the response whatever its status, or why there is none.
    /// The whole exchange is bounded by `self.timeout`.
    pub async fn get(&self, url: &Url) -> Result<Response, FetchError> {
        match time::timeout(self.timeout, self.exchange(url)).await {
            Ok(result) => result,
            // The timeout dropped the exchange future, and with it the
            // socket: the server sees the connection close.
            Err(_elapsed) => Err(FetchError::Timeout {
                after: self.timeout,
            }),
        }
    }
    // ANCHOR_END: client

    // ANCHOR: exchange
    async fn exchange(&self, url: &Url) -> Result<Response, FetchError> {
        let mut stream = self.connect(url).await?;
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\
             User-Agent: byo-async-runtime/0.1\r\nConnection: close\r\n\r\n",
            url.path,
            host_header(url)
        );
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(FetchError::Connection)?;

        let mut parser = ResponseParser::new(self.limits);
        // On the heap, not in the future: a thousand tasks in flight would
        // otherwise carry a thousand 8 KiB arrays in their state machines.
        let mut buf = vec![0u8; 8 * 1024];
        loop {
            let n = stream
                .read(&mut buf)
                .await
                .map_err(FetchError::Connection)?;
            let done = if n == 0 {
                Some(parser.eof()?)
            } else {
                parser.feed(&buf[..n])?
            };
            if let Some(response) = done {
                return Ok(response);
            }
        }
    }
    // ANCHOR_END: exchange

    async fn connect(&self, url: &Url) -> Result<TcpStream, FetchError> {
        let result = match url.addr {
            Some(addr) => TcpStream::connect(addr).await,
            // Not resolved yet: `connect` resolves the name itself, which
            // blocks this worker while the system resolver works.
            None => TcpStream::connect((url.host.as_str(), url.port)).await,
        };
        result.map_err(|source| FetchError::Connect {
            addr: match url.addr {
                Some(addr) => addr.to_string(),
                None => format!("{}:{}", url.host, url.port),
            },
            source,
        })
    }
}

/// `Host: name` for port 80, `Host: name:port` otherwise (RFC 9110, 7.2).
fn host_header(url: &Url) -> String {
    if url.port == 80 {
        url.host.clone()
    } else {
        format!("{}:{}", url.host, url.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        testkit::timeout(|| {
            let url = Url::parse("http://127.0.0.1:8080/todos").unwrap();
            assert_eq!(url.addr, Some("127.0.0.1:8080".parse().unwrap()));
            assert_eq!(url.join(7).path(), "/todos/7");
            assert_eq!(url.join(7).to_string(), "http://127.0.0.1:8080/todos/7");
            let url = Url::parse("http://example.com").unwrap();
            assert_eq!((url.port, url.path(), url.addr), (80, "/", None));
            assert_eq!(host_header(&url), "example.com");
            let url = Url::parse("http://[::1]:3000/x").unwrap();
            assert_eq!(url.addr, Some("[::1]:3000".parse().unwrap()));
            assert_eq!(Url::parse("http://[::1]/").unwrap().port, 80);
        });
    }

    #[test]
    fn refuses_urls_it_cannot_fetch() {
        testkit::timeout(|| {
            for (text, says) in [
                ("https://dummyjson.com/todos", "https needs TLS"),
                ("ftp://x", "starting with http://"),
                ("http://:80/", "no host"),
                ("http://host:99999/", "bad port"),
                ("http://host/a b", "spaces"),
                ("http://user@host/", "user names"),
            ] {
                let error = Url::parse(text).unwrap_err().to_string();
                assert!(error.contains(says), "{text}: {error}");
            }
        });
    }
}
