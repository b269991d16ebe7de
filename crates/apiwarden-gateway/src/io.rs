//! A client stream that must deliver its first bytes before a deadline.
//!
//! hyper's `header_read_timeout` starts only once the HTTP version is known, and the auto
//! builder's version detection (reading the HTTP/2 preface) has no timer: a client that
//! connects and sends nothing, or half a preface, would hold its connection slot forever.
//! Until [`FIRST_BYTES`] bytes have arrived this wrapper fails the read with `TimedOut`
//! when the deadline passes, unless the bytes so far already differ from the HTTP/2
//! preface (then the version is known to be HTTP/1 and hyper's header timer runs); after
//! that it is a plain pass-through.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// The HTTP/2 client preface; once it has arrived, or the bytes differ from it, hyper knows
/// the protocol and its own timers apply.
const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
pub const FIRST_BYTES: usize = PREFACE.len();

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
                if this.deadline.is_some() {
                    let new = buf.filled().get(before..).unwrap_or_default();
                    let expected = PREFACE.get(this.received..).unwrap_or_default();
                    let still_preface = new.iter().zip(expected).all(|(got, want)| got == want);
                    this.received += new.len();
                    if this.received >= FIRST_BYTES || !still_preface {
                        this.deadline = None;
                    }
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

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A short HTTP/1.0 request (under 24 bytes) must not leave the deadline armed: a slow
    /// upstream would otherwise see its client connection fail mid-call.
    #[tokio::test(start_paused = true)]
    async fn a_short_http1_request_disarms_the_deadline() {
        let (client, server) = tokio::io::duplex(64);
        let mut wrapped = FirstBytesDeadline::new(server, Duration::from_millis(100));
        let (_client_read, mut client_write) = tokio::io::split(client);
        client_write.write_all(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 64];
        let n = wrapped.read(&mut buf).await.unwrap();
        assert_eq!(n, 18);
        tokio::time::sleep(Duration::from_secs(1)).await;
        client_write.write_all(b"x").await.unwrap();
        assert_eq!(wrapped.read(&mut buf).await.unwrap(), 1, "no timeout after the deadline");
    }

    #[tokio::test(start_paused = true)]
    async fn half_a_preface_times_out() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut wrapped = FirstBytesDeadline::new(server, Duration::from_millis(100));
        client.write_all(b"PRI * HT").await.unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(wrapped.read(&mut buf).await.unwrap(), 8);
        let err = wrapped.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }
}
