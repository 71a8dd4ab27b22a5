//! Chapter 6's TCP, with the budget. Each type wraps chapter 6's and adds
//! one thing: every read, write and accept that is ready spends a unit of
//! the task's budget, and one that would be ready with the budget spent
//! yields instead. The socket work itself is chapter 6's.

use std::future::poll_fn;
use std::io;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

use ch06_reactor::net as ch06;
use futures_io::{AsyncRead, AsyncWrite};

use crate::coop::{self, with_unit};

/// A TCP socket server. Accepting spends a unit too: a listener with a
/// backlog of connections is as ready as a full socket.
#[derive(Debug)]
pub struct TcpListener(ch06::TcpListener);

impl TcpListener {
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        ch06::TcpListener::bind(addr).await.map(TcpListener)
    }

    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        // Chapter 6's accept is an `async fn`, with no poll method to wrap:
        // the unit is spent after it, which may yield with the connection
        // in hand. Nothing is lost; the task gets it on its next poll.
        let (stream, peer) = self.0.accept().await?;
        coop::consume_budget().await;
        Ok((TcpStream(stream), peer))
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

// ANCHOR: stream
/// A TCP connection whose reads and writes spend the task's budget.
#[derive(Debug)]
pub struct TcpStream(ch06::TcpStream);

impl AsyncRead for TcpStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        with_unit(cx, |cx| Pin::new(&mut self.0).poll_read(cx, buf))
    }
}
// ANCHOR_END: stream

impl AsyncWrite for TcpStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        with_unit(cx, |cx| Pin::new(&mut self.0).poll_write(cx, buf))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_close(cx)
    }
}

impl TcpStream {
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        ch06::TcpStream::connect(addr).await.map(TcpStream)
    }

    /// Reads into `buf`; returns how many bytes, 0 at end of stream.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| Pin::new(&mut *self).poll_read(cx, buf)).await
    }

    /// Writes some of `buf`; returns how many bytes were written.
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| Pin::new(&mut *self).poll_write(cx, buf)).await
    }

    /// Writes all of `buf`; each partial write spends a unit.
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

    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.0.set_nodelay(nodelay)
    }

    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}
