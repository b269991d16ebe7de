//! The one body type the proxy streams in both directions.
//!
//! A body is passed through frame by frame, never buffered whole. When the call is
//! captured, a copy of the first bytes (up to the capture limit) is taken on the way, and
//! when the body ends, fails or is dropped, the copy goes to the call's [`CallSlot`]. An
//! optional deadline cuts a body that outlives the call timeout.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use prometheus_client::metrics::counter::Counter;
use tokio::time::Sleep;

use crate::capture::{CallSlot, Part};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A body streamed by the proxy: an incoming one (from the client or the upstream), or
/// bytes the gateway made itself (problem responses).
pub struct ProxyBody {
    source: Source,
    capture: Option<CaptureTap>,
    deadline: Option<Pin<Box<Sleep>>>,
    /// Counts a body that fails midway (upstream reset, call timeout).
    errors: Option<Counter>,
}

enum Source {
    Empty,
    Full(Option<Bytes>),
    Incoming(Incoming),
    /// Frames already read for inspection, replayed before the rest of the body.
    Prefixed(BufferedPrefix),
}

/// The first bytes of a request body, read so that layers can inspect them
/// ([`read_prefix`]), and what is left of the body.
pub struct BufferedPrefix {
    /// The data read, in one piece: what the layers see and what is sent upstream first.
    pub data: Bytes,
    /// Trailers, when the body ended (with trailers) within the prefix.
    trailers: Option<http::HeaderMap>,
    /// `None` once the whole body was read.
    rest: Option<Incoming>,
    /// The body's size hint before any frame was read (a `Content-Length` stays exact).
    hint: SizeHint,
}

impl BufferedPrefix {
    /// True when `data` is the whole body.
    pub fn complete(&self) -> bool {
        self.rest.is_none()
    }
}

/// Reads `body` until at least `limit` data bytes or its end. The chunks are joined into
/// one buffer (a client sending many tiny or empty frames costs no more than one that
/// sends one big frame) and sent upstream as one frame.
pub async fn read_prefix(mut body: Incoming, limit: usize) -> Result<BufferedPrefix, hyper::Error> {
    let hint = body.size_hint();
    let mut data = BytesMut::new();
    loop {
        if data.len() >= limit {
            return Ok(BufferedPrefix { data: data.freeze(), trailers: None, rest: Some(body), hint });
        }
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => return Ok(BufferedPrefix { data: data.freeze(), trailers: None, rest: None, hint }),
            Some(Err(err)) => return Err(err),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(chunk) => data.extend_from_slice(&chunk),
                Err(frame) => {
                    let trailers = frame.into_trailers().ok();
                    return Ok(BufferedPrefix { data: data.freeze(), trailers, rest: None, hint });
                }
            },
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the call took longer than the configured call timeout")]
pub struct CallTimedOut;

impl ProxyBody {
    pub fn empty() -> ProxyBody {
        ProxyBody { source: Source::Empty, capture: None, deadline: None, errors: None }
    }

    pub fn full(bytes: impl Into<Bytes>) -> ProxyBody {
        ProxyBody { source: Source::Full(Some(bytes.into())), capture: None, deadline: None, errors: None }
    }

    pub fn incoming(body: Incoming) -> ProxyBody {
        ProxyBody { source: Source::Incoming(body), capture: None, deadline: None, errors: None }
    }

    /// A body whose first frames were read for inspection.
    pub fn prefixed(prefix: BufferedPrefix) -> ProxyBody {
        ProxyBody { source: Source::Prefixed(prefix), capture: None, deadline: None, errors: None }
    }

    /// Copies up to `limit` bytes of this body into `part` of the call's slot.
    pub fn tap(mut self, slot: Arc<CallSlot>, part: Part, limit: usize) -> ProxyBody {
        self.capture =
            Some(CaptureTap { slot, part, limit, kept: BytesMut::new(), seen: 0, finished: false });
        self
    }

    /// Counts the body's failure, if it fails, in `counter`.
    pub fn count_errors(mut self, counter: Counter) -> ProxyBody {
        self.errors = Some(counter);
        self
    }

    /// Fails the body (the connection is reset) when `deadline` passes before it ends.
    pub fn with_deadline(mut self, deadline: Option<tokio::time::Instant>) -> ProxyBody {
        self.deadline = deadline.map(|at| Box::pin(tokio::time::sleep_until(at)));
        self
    }
}

impl Body for ProxyBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if let Some(deadline) = this.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            if let Some(tap) = this.capture.as_mut() {
                tap.finish(true);
            }
            if let Some(errors) = &this.errors {
                errors.inc();
            }
            this.deadline = None;
            return Poll::Ready(Some(Err(Box::new(CallTimedOut))));
        }
        let frame = match &mut this.source {
            Source::Empty => None,
            Source::Full(bytes) => bytes.take().map(|b| Ok(Frame::data(b))),
            Source::Incoming(body) => ready!(Pin::new(body).poll_frame(cx))
                .map(|result| result.map_err(|err| Box::new(err) as BoxError)),
            Source::Prefixed(prefix) => {
                if !prefix.data.is_empty() {
                    Some(Ok(Frame::data(std::mem::take(&mut prefix.data))))
                } else if let Some(trailers) = prefix.trailers.take() {
                    Some(Ok(Frame::trailers(trailers)))
                } else {
                    match prefix.rest.as_mut() {
                        Some(body) => ready!(Pin::new(body).poll_frame(cx))
                            .map(|result| result.map_err(|err| Box::new(err) as BoxError)),
                        None => None,
                    }
                }
            }
        };
        if let (Some(Err(_)), Some(errors)) = (&frame, &this.errors) {
            errors.inc();
        }
        if let Some(tap) = this.capture.as_mut() {
            match &frame {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        tap.copy(data);
                    }
                }
                Some(Err(_)) => tap.finish(true),
                None => tap.finish(false),
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        match &self.source {
            Source::Empty => true,
            Source::Full(bytes) => bytes.is_none(),
            Source::Incoming(body) => body.is_end_stream(),
            Source::Prefixed(prefix) => {
                prefix.data.is_empty()
                    && prefix.trailers.is_none()
                    && prefix.rest.as_ref().is_none_or(|body| body.is_end_stream())
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.source {
            Source::Empty => SizeHint::with_exact(0),
            Source::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Source::Incoming(body) => body.size_hint(),
            Source::Prefixed(prefix) => prefix.hint,
        }
    }
}

impl Drop for ProxyBody {
    fn drop(&mut self) {
        // A body dropped before its end (client gone, upstream never read it) still
        // completes the call's capture, marked truncated when bytes were missed.
        let unfinished = !self.is_end_stream();
        if let Some(tap) = self.capture.as_mut() {
            tap.finish(unfinished);
        }
    }
}

/// The copy of a body's first bytes, handed to the slot exactly once.
struct CaptureTap {
    slot: Arc<CallSlot>,
    part: Part,
    limit: usize,
    kept: BytesMut,
    seen: u64,
    finished: bool,
}

impl CaptureTap {
    fn copy(&mut self, data: &Bytes) {
        self.seen += data.len() as u64;
        let room = self.limit.saturating_sub(self.kept.len());
        if room > 0 {
            self.kept.extend_from_slice(data.get(..room.min(data.len())).unwrap_or_default());
        }
    }

    /// `broken`: the body did not end normally (error, timeout, or dropped unfinished).
    fn finish(&mut self, broken: bool) {
        if self.finished {
            return;
        }
        self.finished = true;
        let kept = std::mem::take(&mut self.kept).freeze();
        let truncated = broken || self.seen > kept.len() as u64;
        self.slot.body_done(self.part, kept, self.seen, truncated);
    }
}
