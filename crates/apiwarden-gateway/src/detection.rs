//! Attack detection as a layer: the request (head and the first `inspect_bytes` of its
//! body) goes through `apiwarden-detect` before it goes upstream. In block mode a detection
//! is answered 403 with a problem body that names the rule, never the payload.

use apiwarden_core::{ApiCall, Body, CallId, ClientInfo, HttpRequest, Observed, SourceKind};
use apiwarden_detect::{Detection, Engine, Limits};
use http::StatusCode;

use crate::capture::header_list;
use crate::config::{DetectionConfig, DetectionMode, Mode, OnLimit};
use crate::layers::{Layer, Rejection, RequestContext, Verdict};

pub struct DetectionLayer {
    engine: Engine,
    /// The rejection's own mode; `None` follows the route.
    mode: Option<Mode>,
    on_limit: OnLimit,
}

/// The rule id of a call refused because it was too large to inspect whole.
pub const INSPECTION_LIMIT_RULE: &str = "detection.inspection_limit";

impl DetectionLayer {
    pub fn new(config: &DetectionConfig) -> DetectionLayer {
        let limits = Limits { max_fields: config.inspect_fields, max_bytes: config.inspect_bytes.max(1) };
        DetectionLayer {
            engine: Engine::new(limits),
            mode: match config.mode {
                DetectionMode::Monitor => Some(Mode::Monitor),
                DetectionMode::Block => Some(Mode::Block),
                DetectionMode::Route => None,
            },
            on_limit: config.on_limit,
        }
    }

    fn rejection(&self, detection: &Detection, more: usize) -> Rejection {
        let others = match more {
            0 => String::new(),
            1 => " (and 1 more detection)".to_owned(),
            n => format!(" (and {n} more detections)"),
        };
        Rejection {
            status: StatusCode::FORBIDDEN,
            rule: detection.rule.to_owned(),
            title: "Forbidden",
            // The location, never the field's name or value: both come from the request.
            detail: format!(
                "the request was refused by attack detection rule {} ({}) in a {} field{others}",
                detection.rule,
                detection.class,
                detection.location.as_str()
            ),
            mode: self.mode,
            headers: Vec::new(),
        }
    }
}

impl Layer for DetectionLayer {
    fn name(&self) -> &'static str {
        "detection"
    }

    fn wants_body(&self) -> bool {
        true
    }

    fn check(&self, context: &RequestContext<'_>) -> Verdict {
        let call = request_call(context);
        // The detectors are built never to panic (every one is property-tested); should one
        // still do, the call is let through and logged instead of losing the worker.
        let inspected = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.engine.inspect(&call)));
        let Ok(mut report) = inspected else {
            tracing::error!(
                request_id = context.request_id,
                route = context.route,
                "attack detection failed on this call; it was let through"
            );
            return Verdict::Continue(Vec::new());
        };
        if context.body.is_some_and(|body| !body.complete()) {
            report.capped = true;
        }
        for detection in &report.detections {
            tracing::info!(
                request_id = context.request_id,
                route = context.route,
                client = %context.client_ip,
                rule = detection.rule,
                class = %detection.class,
                location = detection.location.as_str(),
                field = %detection.field,
                evidence = ?detection.evidence,
                "attack detected"
            );
        }
        if let Some(first) = report.detections.first() {
            return Verdict::Reject(self.rejection(first, report.detections.len() - 1));
        }
        if report.capped && self.on_limit == OnLimit::Block {
            return Verdict::Reject(Rejection {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                rule: INSPECTION_LIMIT_RULE.to_owned(),
                title: "Content Too Large",
                detail: "the request has more fields or body bytes than attack detection inspects".to_owned(),
                mode: self.mode,
                headers: Vec::new(),
            });
        }
        Verdict::Continue(Vec::new())
    }
}

/// The request as the detectors read it.
fn request_call(context: &RequestContext<'_>) -> ApiCall {
    let head = context.head;
    let body = match context.body {
        Some(prefix) => Body { bytes: prefix.data.clone(), truncated: !prefix.complete(), size: None },
        None => Body::default(),
    };
    ApiCall {
        id: CallId(0),
        started_at_us: 0,
        observed: Observed { source: SourceKind::Gateway, origin: context.route.to_owned(), position: None },
        client: ClientInfo { addr: Some(context.client_ip), identity: None },
        request: HttpRequest {
            method: head.method.as_str().to_owned(),
            scheme: context.scheme.to_owned(),
            host: context.authority.to_owned(),
            path: context.path.to_owned(),
            query: head.uri.query().map(str::to_owned),
            http_version: None,
            headers: header_list(&head.headers),
            body,
        },
        response: None,
        timings: Default::default(),
    }
}
