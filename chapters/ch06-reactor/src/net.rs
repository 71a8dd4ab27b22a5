//! TCP on the reactor: `TcpListener` and `TcpStream`, with async methods
//! and the `futures-io` traits.
//!
//! Every operation is the same three steps: try the non-blocking syscall;
//! on `WouldBlock`, mark the edge used and wait for the reactor to report
//! the next one; try again. [`Registration::poll_io`] is that loop.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use mio::Interest;

use crate::registration::Registration;
use crate::scheduled_io::Direction;

/// The listen backlog: how many finished handshakes the kernel queues
/// before `accept` takes them. mio (like std) asks for 128, which a burst
/// of a few hundred connects overflows; the kernel caps this at `somaxconn`.
pub const LISTEN_BACKLOG: i32 = 1024;

/// Tries `op` on every address `addr` resolves to; returns the first
/// success or the last error. Resolving a host name blocks the thread (like
/// std's `ToSocketAddrs`); addresses written as numbers do not.
async fn each_addr<A, T, F, Fut>(addr: A, mut op: F) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = io::Result<T>>,
{
    let mut last = None;
    for addr in addr.to_socket_addrs()? {
        match op(addr).await {
            Ok(value) => return Ok(value),
            Err(error) => last = Some(error),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address resolved to nothing",
        )
    }))
}

// ANCHOR: listener
/// A TCP socket server, listening for connections.
pub struct TcpListener {
    inner: Registration<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` and listens with a backlog of [`LISTEN_BACKLOG`].
    ///
    /// # Panics
    /// Outside a `ch06_reactor::Runtime`.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        each_addr(addr, |addr| async move {
            let listener = mio::net::TcpListener::bind(addr)?;
            set_backlog(&listener)?;
            Ok(TcpListener {
                inner: Registration::new(listener, Interest::READABLE)?,
            })
        })
        .await
    }

    /// Waits for a connection and returns it with the peer's address. Takes
    /// `&self`: several tasks may accept on one listener (in an `Arc`), and
    /// every one of them waits for the reactor's next edge.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = self
            .inner
            .io(Direction::Read, mio::net::TcpListener::accept)
            .await?;
        Ok((TcpStream::new(stream)?, peer))
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }
}
// ANCHOR_END: listener

/// Calls `listen` again with a longer backlog. Linux (and the BSDs) accept
/// `listen` on a socket that already listens and just update the backlog.
#[cfg(unix)]
fn set_backlog(listener: &mio::net::TcpListener) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: `listen` takes a descriptor and an int; the descriptor is
    // valid for as long as `listener` lives, which covers this call.
    if unsafe { libc::listen(listener.as_raw_fd(), LISTEN_BACKLOG) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_backlog(_: &mio::net::TcpListener) -> io::Result<()> {
    Ok(())
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

// ANCHOR: stream
/// A TCP connection. Reading and writing are independent: one task may wait
/// to read while another writes (see [`TcpStream::into_split`]), because the
/// reactor keeps the waiters of each direction apart.
pub struct TcpStream {
    inner: Registration<mio::net::TcpStream>,
}
// ANCHOR_END: stream

impl TcpStream {
    fn new(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            inner: Registration::new(stream, Interest::READABLE | Interest::WRITABLE)?,
        })
    }

    // ANCHOR: connect
    /// Opens a connection to `addr`. A refused or unreachable peer is an error.
    ///
    /// # Panics
    /// Outside a `ch06_reactor::Runtime`.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        each_addr(addr, |addr| async move {
            // A non-blocking connect returns at once, the handshake still
            // in progress; the socket turns writable when it has finished,
            // successfully or not.
            let stream = TcpStream::new(mio::net::TcpStream::connect(addr)?)?;
            stream
                .inner
                .io(Direction::Write, |socket| {
                    // The handshake's own error (ECONNREFUSED, ...) is in SO_ERROR.
                    if let Some(error) = socket.take_error()? {
                        return Err(error);
                    }
                    match socket.peer_addr() {
                        Ok(_) => Ok(()),
                        // Woken before the handshake ended: wait for the next edge.
                        Err(error) if still_connecting(&error) => {
                            Err(io::ErrorKind::WouldBlock.into())
                        }
                        Err(error) => Err(error),
                    }
                })
                .await?;
            Ok(stream)
        })
        .await
    }
    // ANCHOR_END: connect

    // ANCHOR: read_write
    /// Reads into `buf`; returns how many bytes, 0 at end of stream.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner
            .io(Direction::Read, |mut socket| socket.read(buf))
            .await
    }

    /// Writes some of `buf`; returns how many bytes were written.
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner
            .io(Direction::Write, |mut socket| socket.write(buf))
            .await
    }

    /// Writes all of `buf`, waiting for room as often as needed.
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }
    // ANCHOR_END: read_write

    /// Shuts down the read side, the write side (the peer reads end of
    /// stream), or both. Never waits.
    pub async fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner.get_ref().shutdown(how)
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Turns Nagle's algorithm off (`true`): small writes go out at once.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.get_ref().set_nodelay(nodelay)
    }

    // ANCHOR: split
    /// Splits the stream into a reading half and a writing half that can be
    /// moved to two tasks. Each half is the only one of its direction, and
    /// reads and writes take `&mut self`, so each direction has at most one
    /// task waiting on it.
    pub fn into_split(self) -> (ReadHalf, WriteHalf) {
        let shared = Arc::new(self);
        (ReadHalf(shared.clone()), WriteHalf(shared))
    }
    // ANCHOR_END: split

    fn poll_read_priv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.inner
            .poll_io(cx, Direction::Read, |mut socket| socket.read(buf))
    }

    fn poll_write_priv(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner
            .poll_io(cx, Direction::Write, |mut socket| socket.write(buf))
    }
}

/// `peer_addr` on a socket whose connect is still in progress.
fn still_connecting(error: &io::Error) -> bool {
    #[cfg(unix)]
    if error.raw_os_error() == Some(libc::EINPROGRESS) {
        return true;
    }
    error.kind() == io::ErrorKind::NotConnected
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}

// ANCHOR: halves
/// The reading half of a [`TcpStream`], from [`TcpStream::into_split`].
#[derive(Debug)]
pub struct ReadHalf(Arc<TcpStream>);

/// The writing half of a [`TcpStream`], from [`TcpStream::into_split`].
/// The socket closes when both halves are dropped.
#[derive(Debug)]
pub struct WriteHalf(Arc<TcpStream>);

impl ReadHalf {
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.0.poll_read_priv(cx, buf)).await
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }
}

impl WriteHalf {
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.0.poll_write_priv(cx, buf)).await
    }

    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }

    pub async fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.0.shutdown(how).await
    }
}
// ANCHOR_END: halves

// ANCHOR: futures_io
// The `futures-io` traits, so the ecosystem's helpers (`AsyncReadExt`,
// `copy`, codecs, TLS wrappers) work on our sockets.
impl futures_io::AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_priv(cx, buf)
    }
}

impl futures_io::AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    /// Nothing to flush: a TCP socket has no user-space buffer.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write side: the peer reads end of stream.
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.inner.get_ref().shutdown(Shutdown::Write))
    }
}
// ANCHOR_END: futures_io

impl futures_io::AsyncRead for ReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_read_priv(cx, buf)
    }
}

impl futures_io::AsyncWrite for WriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_priv(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.0.inner.get_ref().shutdown(Shutdown::Write))
    }
}
