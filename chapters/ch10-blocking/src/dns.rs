//! Name lookups off the workers.
//!
//! The system resolver (`getaddrinfo`, behind std's `ToSocketAddrs`) has
//! only a blocking interface: it may read files, talk to a DNS server and
//! wait seconds for an answer. Chapter 7 therefore resolved its URL on the
//! main thread before starting any task. With a blocking pool, a task can
//! look a name up itself and the workers keep running other tasks meanwhile.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use ch07_fetch::{FetchError, Url};

use crate::pool::spawn_blocking;

// ANCHOR: lookup_host
/// Resolves `host` (`"example.com:80"`, `("example.com", 80)`, ...) on the
/// blocking pool.
pub async fn lookup_host<A>(host: A) -> io::Result<Vec<SocketAddr>>
where
    A: ToSocketAddrs + Send + 'static,
{
    match spawn_blocking(move || host.to_socket_addrs().map(Iterator::collect)).await {
        Ok(result) => result,
        // The resolver panicked (a bug in it) or the pool shut down.
        Err(error) => Err(io::Error::other(error)),
    }
}
// ANCHOR_END: lookup_host

// ANCHOR: resolve
/// Chapter 7's `Url::resolve`, moved onto the pool: the same blocking
/// lookup, run where blocking is allowed.
pub async fn resolve(url: Url) -> Result<Url, FetchError> {
    let resolved = spawn_blocking(move || {
        let mut url = url;
        url.resolve().map(|()| url)
    });
    match resolved.await {
        Ok(result) => result,
        Err(error) => Err(FetchError::Connection(io::Error::other(error))),
    }
}
// ANCHOR_END: resolve
