//! The local todo service, on our runtime: `GET /todos/{id}` answers a
//! [`Todo`](crate::todos::Todo) as JSON after a delay, so every program in this chapter runs
//! offline and shows its concurrency plainly. Faults can be switched on per
//! id, for the tests (and for readers who want to see errors).

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use ch03_global_queue::sync::{lock, Mutex};
use ch06_reactor::net::{TcpListener, TcpStream};
use ch06_reactor::{spawn, time, Runtime};

use crate::todos::todo_for;

// ANCHOR: config
/// How the server behaves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Ids `1..=todos` exist; any other id is 404.
    pub todos: u64,
    pub delay: Delay,
    /// Misbehaviour, by todo id.
    pub faults: HashMap<u64, Fault>,
}

/// How long the server waits before it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// 100 to 300 ms, depending on the id (and the same on every run), so
    /// the answers come back in an order that is not the order asked.
    ById,
    Fixed(Duration),
}

/// What can go wrong, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `500 Internal Server Error`.
    Status500,
    /// `200 OK` with a body that is not valid JSON.
    BadJson,
    /// Announces the full body, sends half of it, and closes.
    Truncated,
    /// Reads the request and never answers.
    Silent,
    /// Resets the connection (the client's read fails with ECONNRESET).
    Reset,
    /// Announces a 100 MiB body.
    Huge,
    /// `500` for the first `n` requests for this id, then the todo.
    FailFirst(u32),
}
// ANCHOR_END: config

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            todos: 1000,
            delay: Delay::ById,
            faults: HashMap::new(),
        }
    }
}

impl Delay {
    pub fn for_id(self, id: u64) -> Duration {
        match self {
            // 7 and 11 are coprime, so ids 1..=10 get ten different delays.
            Delay::ById => Duration::from_millis(100 + 20 * ((id * 7) % 11)),
            Delay::Fixed(delay) => delay,
        }
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(text: &str) -> Result<Fault, String> {
        Ok(match text {
            "500" => Fault::Status500,
            "bad-json" => Fault::BadJson,
            "truncated" => Fault::Truncated,
            "silent" => Fault::Silent,
            "reset" => Fault::Reset,
            "huge" => Fault::Huge,
            _ => match text.strip_prefix("fail-first-").map(str::parse) {
                Some(Ok(n)) => Fault::FailFirst(n),
                _ => {
                    return Err(format!(
                        "unknown fault {text:?}: expected 500, bad-json, truncated, \
                         silent, reset, huge or fail-first-N"
                    ))
                }
            },
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Status500 => write!(f, "500"),
            Fault::BadJson => write!(f, "bad-json"),
            Fault::Truncated => write!(f, "truncated"),
            Fault::Silent => write!(f, "silent"),
            Fault::Reset => write!(f, "reset"),
            Fault::Huge => write!(f, "huge"),
            Fault::FailFirst(n) => write!(f, "fail-first-{n}"),
        }
    }
}

// ANCHOR: plan
/// What the server does with one request, decided before any of it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Answer {
        delay: Duration,
        status: u16,
        body: String,
        /// Chunked instead of `Content-Length`: even ids, so every run
        /// exercises both ways a client finds the end of a body.
        chunked: bool,
    },
    Misbehave {
        delay: Duration,
        fault: Fault,
        body: String,
    },
}

/// Routes a request line (`GET /todos/7 HTTP/1.1`). `attempt` counts the
/// requests for this id so far, from 1.
pub fn plan(request_line: &str, config: &ServerConfig, attempt: u32) -> Plan {
    let quick = |status, message: &str| Plan::Answer {
        delay: Duration::ZERO,
        status,
        body: serde_json::json!({ "message": message }).to_string(),
        chunked: false,
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return quick(400, "malformed request line");
    };
    if !version.starts_with("HTTP/1.") {
        return quick(505, "only HTTP/1.x is served here");
    }
    let path = target.split('?').next().unwrap_or(target);
    let Some(id_text) = path.strip_prefix("/todos/") else {
        return quick(404, "no such route: try /todos/1");
    };
    if method != "GET" {
        return quick(405, "only GET is allowed");
    }
    let Ok(id) = id_text.parse::<u64>() else {
        return quick(400, &format!("invalid id '{id_text}'"));
    };
    let delay = config.delay.for_id(id);
    // A Todo is strings, numbers and a bool: serializing it cannot fail.
    let body = || serde_json::to_string(&todo_for(id)).expect("a Todo always serializes");
    match config.faults.get(&id) {
        Some(Fault::FailFirst(n)) if attempt > *n => {}
        Some(&fault) => {
            return Plan::Misbehave {
                delay,
                fault,
                body: body(),
            }
        }
        None => {}
    }
    if !(1..=config.todos).contains(&id) {
        return Plan::Answer {
            delay,
            status: 404,
            body: serde_json::json!({ "message": format!("Todo with id '{id}' not found") })
                .to_string(),
            chunked: false,
        };
    }
    Plan::Answer {
        delay,
        status: 200,
        body: body(),
        chunked: id % 2 == 0,
    }
}
// ANCHOR_END: plan

/// The todo id a request line asks for, if any: the key for `attempt`.
fn requested_id(request_line: &str) -> Option<u64> {
    let target = request_line.split(' ').nth(1)?;
    target
        .strip_prefix("/todos/")?
        .split('?')
        .next()?
        .parse()
        .ok()
}

/// The server: a listener and what every connection task shares.
pub struct TodoServer {
    listener: TcpListener,
    shared: Arc<Shared>,
}

struct Shared {
    config: ServerConfig,
    /// Requests seen per id, for `Fault::FailFirst`.
    attempts: Mutex<HashMap<u64, u32>>,
}

impl TodoServer {
    /// Binds to `addr`; port 0 picks a free port (see [`TodoServer::local_addr`]).
    pub async fn bind(addr: SocketAddr, config: ServerConfig) -> io::Result<TodoServer> {
        Ok(TodoServer {
            listener: TcpListener::bind(addr).await?,
            shared: Arc::new(Shared {
                config,
                attempts: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A counter of the requests received for each id, readable while the
    /// server runs (the retry exercise checks how often it was asked).
    pub fn request_counter(&self) -> RequestCounter {
        RequestCounter(self.shared.clone())
    }

    // ANCHOR: server
    /// Accepts connections until the task running it is dropped, serving
    /// each one in its own task.
    pub async fn run(self) {
        loop {
            match self.listener.accept().await {
                Ok((stream, _peer)) => {
                    let shared = self.shared.clone();
                    spawn(async move {
                        // One connection's trouble is its own: report it and
                        // let the others carry on.
                        if let Err(error) = serve(stream, &shared).await {
                            if error.kind() != io::ErrorKind::TimedOut {
                                eprintln!("todo server: connection failed: {error}");
                            }
                        }
                    });
                }
                Err(error) => {
                    // Usually "too many open files": accepting again at once
                    // would fail again at once. Give connections time to close.
                    eprintln!("todo server: accept failed: {error}");
                    time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
    // ANCHOR_END: server
}

/// A client that sends nothing for this long is dropped.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest request head we read.
const MAX_REQUEST: usize = 8 * 1024;

/// See [`TodoServer::request_counter`].
#[derive(Clone)]
pub struct RequestCounter(Arc<Shared>);

impl RequestCounter {
    /// Requests received so far for todo `id`.
    pub fn requests_for(&self, id: u64) -> u32 {
        lock(&self.0.attempts).get(&id).copied().unwrap_or(0)
    }
}

// ANCHOR: serve_connection
async fn serve(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    // A chunked answer goes out in several small writes. With Nagle's
    // algorithm on, each would wait for the client to acknowledge the one
    // before, and a delayed ACK can hold that back for 40 ms.
    stream.set_nodelay(true)?;
    let line = time::timeout(REQUEST_TIMEOUT, read_request_line(&mut stream)).await??;
    let attempt = match requested_id(&line) {
        Some(id) => {
            let mut attempts = lock(&shared.attempts);
            let count = attempts.entry(id).or_insert(0);
            *count += 1;
            *count
        }
        None => 1,
    };
    let plan = plan(&line, &shared.config, attempt);
    if let Plan::Misbehave {
        delay,
        fault: Fault::Reset,
        ..
    } = plan
    {
        time::sleep(delay).await;
        // The rest of the request is still unread. Closing a socket with
        // unread data makes the kernel send a reset (RST) instead of the
        // usual FIN (RFC 2525, 2.17): the client's read fails with
        // "connection reset by peer".
        drop(stream);
        return Ok(());
    }
    // ANCHOR_END: serve_connection
    time::timeout(REQUEST_TIMEOUT, skip_headers(&mut stream)).await??;
    match plan {
        Plan::Answer {
            delay,
            status,
            body,
            chunked,
        } => {
            time::sleep(delay).await;
            write_response(&mut stream, status, &body, chunked).await?;
        }
        Plan::Misbehave { delay, fault, body } => {
            time::sleep(delay).await;
            misbehave(&mut stream, fault, &body).await?;
        }
    }
    stream.shutdown(Shutdown::Write).await
}

/// Reads the request line, one byte at a time, so that nothing after it is
/// taken off the socket yet (the reset fault depends on that).
async fn read_request_line(stream: &mut TcpStream) -> io::Result<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if stream.read(&mut byte).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "client closed before sending a request line",
            ));
        }
        if byte[0] == b'\n' {
            break;
        }
        if line.len() == MAX_REQUEST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request line too long",
            ));
        }
        line.push(byte[0]);
    }
    if line.pop() != Some(b'\r') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request line without CRLF",
        ));
    }
    String::from_utf8(line)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "request line is not UTF-8"))
}

/// Reads and discards the headers, up to the blank line that ends them. A
/// GET has no body, so the request is then complete.
async fn skip_headers(stream: &mut TcpStream) -> io::Result<()> {
    // The request line's CRLF was consumed, so the end of the head is one
    // more CRLF at the start of a line.
    let mut tail = *b"\r\n\0\0";
    let mut seen = 0;
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "request head cut short",
            ));
        }
        seen += n;
        if seen > MAX_REQUEST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too long",
            ));
        }
        for &b in &buf[..n] {
            tail = [tail[1], tail[2], tail[3], b];
            if &tail == b"\r\n\r\n" {
                // A GET ends here; a client that sent more is ignored.
                return Ok(());
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

// ANCHOR: write_response
async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    body: &str,
    chunked: bool,
) -> io::Result<()> {
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {}", body.len())
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n",
        reason(status)
    );
    if !chunked {
        return stream.write_all(format!("{head}{body}").as_bytes()).await;
    }
    stream.write_all(head.as_bytes()).await?;
    // Three chunks, written separately: the client sees them arrive in pieces.
    let third = body.len().div_ceil(3).max(1);
    for piece in body.as_bytes().chunks(third) {
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(piece);
        chunk.extend_from_slice(b"\r\n");
        stream.write_all(&chunk).await?;
    }
    stream.write_all(b"0\r\n\r\n").await
}
// ANCHOR_END: write_response

async fn misbehave(stream: &mut TcpStream, fault: Fault, body: &str) -> io::Result<()> {
    match fault {
        Fault::Status500 | Fault::FailFirst(_) => {
            let body = r#"{"message":"injected fault: internal error"}"#;
            write_response(stream, 500, body, false).await
        }
        Fault::BadJson => write_response(stream, 200, &body[..body.len() / 2], false).await,
        Fault::Truncated => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let half = &body[..body.len() / 2];
            stream.write_all(format!("{head}{half}").as_bytes()).await
        }
        Fault::Silent => {
            // Never answer; wait for the client to give up and close.
            let mut buf = [0u8; 64];
            while stream.read(&mut buf).await? > 0 {}
            Ok(())
        }
        Fault::Huge => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                        Content-Length: 104857600\r\nConnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await
        }
        // Handled in `serve`, before the headers are read.
        Fault::Reset => Ok(()),
    }
}

// ANCHOR: background
/// The server on a runtime of its own, for programs whose main runtime is
/// not ours (`fetch-tokio`) or that should not share one with it.
/// Dropping it shuts that runtime down, which drops every connection task.
pub struct BackgroundServer {
    addr: SocketAddr,
    counter: RequestCounter,
    runtime: Runtime,
}

impl BackgroundServer {
    /// Starts the server on 127.0.0.1 with a port the OS picks.
    pub fn start(config: ServerConfig) -> io::Result<BackgroundServer> {
        let runtime = Runtime::new(1);
        let server = runtime.block_on(TodoServer::bind(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            config,
        ))?;
        let addr = server.local_addr()?;
        let counter = server.request_counter();
        // Detached: it runs until the runtime is dropped.
        drop(runtime.spawn(server.run()));
        Ok(BackgroundServer {
            addr,
            counter,
            runtime,
        })
    }

    // ANCHOR_END: background

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The collection URL: `http://127.0.0.1:PORT/todos`.
    pub fn url(&self) -> String {
        format!("http://{}/todos", self.addr)
    }

    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Requests received so far for todo `id`.
    pub fn requests_for(&self, id: u64) -> u32 {
        self.counter.requests_for(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::todos::Todo;

    fn config() -> ServerConfig {
        ServerConfig {
            todos: 10,
            ..ServerConfig::default()
        }
    }

    #[test]
    fn routes_requests() {
        testkit::timeout(|| {
            let c = config();
            match plan("GET /todos/4 HTTP/1.1", &c, 1) {
                Plan::Answer {
                    status: 200,
                    body,
                    chunked: true,
                    delay,
                } => {
                    let todo: Todo = serde_json::from_str(&body).unwrap();
                    assert_eq!(todo, todo_for(4));
                    assert_eq!(delay, Delay::ById.for_id(4));
                }
                other => panic!("{other:?}"),
            }
            let status = |line| match plan(line, &c, 1) {
                Plan::Answer { status, .. } => status,
                other => panic!("{other:?}"),
            };
            assert_eq!(status("GET /todos/3?x=1 HTTP/1.1"), 200);
            assert_eq!(status("GET /todos/0 HTTP/1.1"), 404);
            assert_eq!(status("GET /todos/11 HTTP/1.1"), 404);
            assert_eq!(status("GET /todos/abc HTTP/1.1"), 400);
            assert_eq!(status("GET /nothing HTTP/1.1"), 404);
            assert_eq!(status("POST /todos/1 HTTP/1.1"), 405);
            assert_eq!(status("GET /todos/1 HTTP/2"), 505);
            assert_eq!(status("GET /todos/1"), 400);
            assert_eq!(status(""), 400);
        });
    }

    #[test]
    fn delays_differ_for_the_first_ten_ids() {
        testkit::timeout(|| {
            let mut delays: Vec<Duration> = (1..=10).map(|id| Delay::ById.for_id(id)).collect();
            assert!(delays
                .iter()
                .all(|d| (100..=300).contains(&(d.as_millis() as u64))));
            delays.sort();
            delays.dedup();
            assert_eq!(delays.len(), 10);
        });
    }

    #[test]
    fn faults_apply_to_their_id_only_and_fail_first_recovers() {
        testkit::timeout(|| {
            let mut c = config();
            c.faults.insert(2, Fault::Reset);
            c.faults.insert(3, Fault::FailFirst(2));
            assert!(matches!(
                plan("GET /todos/2 HTTP/1.1", &c, 1),
                Plan::Misbehave {
                    fault: Fault::Reset,
                    ..
                }
            ));
            assert!(matches!(
                plan("GET /todos/1 HTTP/1.1", &c, 1),
                Plan::Answer { status: 200, .. }
            ));
            assert!(matches!(
                plan("GET /todos/3 HTTP/1.1", &c, 2),
                Plan::Misbehave { .. }
            ));
            assert!(matches!(
                plan("GET /todos/3 HTTP/1.1", &c, 3),
                Plan::Answer { status: 200, .. }
            ));
        });
    }

    #[test]
    fn faults_parse_and_print_back() {
        testkit::timeout(|| {
            for text in [
                "500",
                "bad-json",
                "truncated",
                "silent",
                "reset",
                "huge",
                "fail-first-3",
            ] {
                assert_eq!(text.parse::<Fault>().unwrap().to_string(), text);
            }
            assert!("nope"
                .parse::<Fault>()
                .unwrap_err()
                .contains("unknown fault"));
            assert_eq!(requested_id("GET /todos/12?a HTTP/1.1"), Some(12));
            assert_eq!(requested_id("GET / HTTP/1.1"), None);
        });
    }
}
