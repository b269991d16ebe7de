//! A client stream that must deliver its first bytes before a deadline.
//!
//! hyper's `header_read_timeout` starts only once the HTTP version is known, and the auto
//! builder's version detection (reading the HTTP/2 preface) has no timer: a client that
//! connects and sends nothing, or half a preface, would hold its connection slot forever.
//! Until [`FIRST_BYTES`] bytes have arrived this wrapper fails the read with `TimedOut`
//! when the deadline passes; after that it is a plain pass-through and hyper's own timers
//! take over.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// The HTTP/2 client preface is 24 bytes; any HTTP/1.1 request head is at least about as
/// long, so by then hyper knows the protocol and its header timer runs.
pub const FIRST_BYTES: usize = 24;

pub struct FirstBytesDeadline<S> {
    inner: S,
    received: usize,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<S> FirstBytesDeadline<S> {
    pub fn new(inner: S, within: Duration) -> FirstBytesDeadline<S> {
        FirstBytesDeadline { inner, received: 0, deadline: Some(Box::pin(tokio::time::sleep(within))) }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the client sent no request within the request_headers timeout")]
pub struct NoRequestInTime;

impl<S: AsyncRead + Unpin> AsyncRead for FirstBytesDeadline<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        match polled {
            Poll::Ready(Ok(())) => {
                this.received += buf.filled().len() - before;
                if this.received >= FIRST_BYTES {
                    this.deadline = None;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => {
                let expired =
                    this.deadline.as_mut().is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready());
                if expired {
                    Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, NoRequestInTime)))
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for FirstBytesDeadline<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
