//! The [`Inspector`] that discovery runs on every call.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::inspect::{FieldTag, Inspection, Inspector};
use apiwarden_core::{CallId, Direction, Endpoint, Field, FieldValue, Finding, Location};
use apiwarden_sensitive::jwt::{self, JwtInfo};
use apiwarden_sensitive::{Classifier, ConfigError, Detection, Redactor, SensitiveConfig};

use crate::checks;

/// Sensitive-data classification, posture checks and example masking, built from the
/// `[sensitive]` configuration.
#[derive(Debug)]
pub struct TrafficInspector {
    pub(crate) classifier: Classifier,
    pub(crate) redactor: Redactor,
    /// Recently inspected JWTs: a client sends the same token on call after call, and
    /// decoding it and classifying its claims costs more than the rest of its checks.
    jwt_memo: JwtMemo,
}

/// Slots of [`JwtMemo`].
const JWT_MEMO_SLOTS: usize = 256;

/// A direct-mapped memo of JWT inspections: one slot per token hash, a colliding token
/// replaces the slot. Each slot has its own lock, so threads (the gateway's many) only wait
/// on each other for the same slot, and only for a string comparison.
#[derive(Debug)]
struct JwtMemo {
    slots: Box<[Mutex<Option<MemoEntry>>]>,
}

/// A token and what inspecting it gave (`None`: not a decodable JWT).
type MemoEntry = (String, Option<Arc<JwtInfo>>);

impl Default for JwtMemo {
    fn default() -> Self {
        JwtMemo { slots: (0..JWT_MEMO_SLOTS).map(|_| Mutex::new(None)).collect() }
    }
}

impl JwtMemo {
    fn inspect(&self, token: &str, classifier: &Classifier) -> Option<Arc<JwtInfo>> {
        let hash = usize::try_from(xxhash_rust::xxh3::xxh3_64(token.as_bytes())).unwrap_or(0);
        let slot = self.slots.get(hash % JWT_MEMO_SLOTS);
        if let Some(Ok(entry)) = slot.map(Mutex::lock)
            && let Some((cached, info)) = &*entry
            && cached == token
        {
            return info.clone();
        }
        let info = jwt::inspect(token, classifier).ok().map(Arc::new);
        if token.len() <= jwt::MAX_JWT_BYTES
            && let Some(Ok(mut entry)) = slot.map(Mutex::lock)
        {
            *entry = Some((token.to_owned(), info.clone()));
        }
        info
    }
}

impl TrafficInspector {
    /// The built-in types, every value masked.
    pub fn builtin() -> TrafficInspector {
        TrafficInspector {
            classifier: Classifier::builtin(),
            redactor: Redactor::mask_all(),
            jwt_memo: JwtMemo::default(),
        }
    }

    /// From the `[sensitive]` section; a bad section is an error naming the entry.
    pub fn from_config(config: &SensitiveConfig) -> Result<TrafficInspector, ConfigError> {
        config.validate()?;
        Ok(TrafficInspector {
            classifier: Classifier::from_config(config)?,
            redactor: Redactor::from_config(&config.redaction)?,
            jwt_memo: JwtMemo::default(),
        })
    }

    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Which bodies [`Inspector::redact_value`] would leave as they are: every field of the
    /// call was decoded (no field or depth cap cut it) and classified whole (no value
    /// longer than the scan cap), and none in that body was detected. Masking classifies the same fields with the same classifier, so
    /// it would find nothing either.
    fn clean_bodies(
        &self,
        call: &DecodedCall<'_>,
        fields: &[Field],
        examined: usize,
        detections: &[Detection],
    ) -> (bool, bool) {
        let limits = call.limits();
        let max_text = self.classifier.limits().max_field_bytes;
        let whole = |f: &Field| {
            f.location != Location::Body
                || (path_depth(&f.path) + 2 < limits.max_depth
                    && !matches!(&f.value, FieldValue::Text(t) if t.len() > max_text))
        };
        let complete =
            examined == fields.len() && fields.len() < limits.max_fields && fields.iter().all(whole);
        if !complete {
            return (false, false);
        }
        let clean = |direction: Direction| {
            !detections.iter().any(|d| d.location == Location::Body && d.direction == direction)
        };
        (clean(Direction::Request), clean(Direction::Response))
    }

    /// A JWT decoded and its claims classified (`None` when it is not a JWT), memoised.
    pub(crate) fn inspect_jwt(&self, token: &str) -> Option<Arc<JwtInfo>> {
        self.jwt_memo.inspect(token, &self.classifier)
    }

    /// `text` with every sensitive value in it masked (for evidence lines).
    pub(crate) fn mask_text(&self, text: &str) -> String {
        self.redactor.redact_free_text(&self.classifier, text)
    }
}

impl Inspector for TrafficInspector {
    fn inspect(&self, call: &DecodedCall<'_>, out: &mut Inspection) {
        let fields = call.fields();
        let mut detections = Vec::new();
        let examined = self.classifier.classify_fields_examined(fields, &mut detections);
        (out.clean_request_body, out.clean_response_body) =
            self.clean_bodies(call, fields, examined, &detections);
        let mut seen = HashSet::new();
        for detection in &detections {
            let tag = FieldTag {
                direction: detection.direction,
                location: detection.location,
                path: generalize_path(&detection.path, detection.location),
                data_type: detection.data_type.as_str().to_owned(),
                category: detection.category.as_str().to_owned(),
            };
            if seen.insert(tag.key()) {
                out.tags.push(tag);
            }
        }
        checks::run(self, call, fields, &detections, &mut out.hits);
        LAST_INSPECTED.with(|last| {
            *last.borrow_mut() = Some(Inspected { call: call.call.id, examined, detections });
        });
    }

    fn redact_value(&self, value: &mut serde_json::Value) {
        self.redactor.redact_json(&self.classifier, value, Direction::Response, Location::Body);
    }

    fn redact_body(&self, call: &DecodedCall<'_>, direction: Direction, value: &mut serde_json::Value) {
        let fields = call.fields();
        // What inspecting this call found, or (for a call this thread did not just inspect)
        // the same classification done now. Put back for the call's other body.
        let inspected = LAST_INSPECTED
            .with(|last| last.borrow_mut().take_if(|last| last.call == call.call.id))
            .unwrap_or_else(|| {
                let mut detections = Vec::new();
                let examined = self.classifier.classify_fields_examined(fields, &mut detections);
                Inspected { call: call.call.id, examined, detections }
            });
        self.redactor.redact_json_detected(
            self.classifier.limits(),
            value,
            fields,
            inspected.examined,
            &inspected.detections,
            direction,
            Location::Body,
        );
        LAST_INSPECTED.with(|last| *last.borrow_mut() = Some(inspected));
    }

    fn redact_text(&self, text: &str) -> String {
        self.mask_text(text)
    }

    fn host_findings(&self, endpoints: &[Endpoint]) -> Vec<Finding> {
        crate::findings::host_findings(endpoints)
    }
}

/// What [`TrafficInspector::inspect`] found in the last call it read on this thread, so
/// that masking that call's bodies for examples (which discovery does right after) does
/// not classify them again.
struct Inspected {
    call: CallId,
    examined: usize,
    detections: Vec<Detection>,
}

thread_local! {
    static LAST_INSPECTED: RefCell<Option<Inspected>> = const { RefCell::new(None) };
}

/// Tokens in a JSON-pointer path (`/a/0/b` is 3 deep).
fn path_depth(path: &str) -> usize {
    path.bytes().filter(|&b| b == b'/').count()
}

/// A body field's path with array indices as `*` (`/items/3/email` → `/items/*/email`), so
/// one field of a list counts once; other locations keep their paths.
pub(crate) fn generalize_path(path: &str, location: Location) -> String {
    if location != Location::Body {
        return path.to_owned();
    }
    path.split('/')
        .map(|token| if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) { "*" } else { token })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use apiwarden_core::decode::{DecodeLimits, DecoderRegistry};
    use apiwarden_core::model::{ApiCall, Body, HttpRequest, HttpResponse, Observed, SourceKind};
    use serde_json::json;

    use super::*;

    fn call(body: &serde_json::Value) -> ApiCall {
        let text = body.to_string();
        ApiCall {
            id: CallId::from_content(&[text.as_bytes()]),
            started_at_us: 1_700_000_000_000_000,
            observed: Observed { source: SourceKind::Har, origin: "test".into(), position: None },
            client: Default::default(),
            request: HttpRequest {
                method: "GET".into(),
                scheme: "https".into(),
                host: "api.test".into(),
                path: "/customers/7".into(),
                query: None,
                http_version: None,
                headers: Vec::new(),
                body: Body::default(),
            },
            response: Some(HttpResponse {
                status: 200,
                headers: vec![apiwarden_core::model::Header::new("content-type", "application/json")],
                body: Body::from_bytes(text.into_bytes()),
            }),
            timings: Default::default(),
        }
    }

    /// Masks the response body of `body` the way discovery does for an example, through
    /// the inspection's own detections (`reuse`) or from scratch.
    fn example(inspector: &TrafficInspector, body: &serde_json::Value, reuse: bool) -> (Inspection, String) {
        let registry = DecoderRegistry::default();
        let call = call(body);
        let decoded = DecodedCall::new(&call, &registry, &DecodeLimits::default());
        let mut inspection = Inspection::default();
        inspector.inspect(&decoded, &mut inspection);
        if !reuse {
            LAST_INSPECTED.with(|last| last.borrow_mut().take());
        }
        let mut value = decoded.response_value().cloned().unwrap_or_default();
        inspector.redact_body(&decoded, Direction::Response, &mut value);
        (inspection, value.to_string())
    }

    #[test]
    fn clean_bodies_are_vouched_for_and_others_masked_alike_with_or_without_reuse() {
        let inspector = TrafficInspector::builtin();
        let (inspection, _) = example(&inspector, &json!({"status": "shipped", "total": 12.5}), true);
        assert!(inspection.clean_response_body);

        let body = json!({"name": "Ann Lee", "email": "ann.lee@example.com", "card": "4111 1111 1111 1111"});
        let (inspection, reused) = example(&inspector, &body, true);
        assert!(!inspection.clean_response_body);
        let (_, fresh) = example(&inspector, &body, false);
        assert_eq!(reused, fresh);
        let mut whole = body.clone();
        inspector.redact_value(&mut whole);
        assert_eq!(reused, whole.to_string());
        assert!(!reused.contains("ann.lee@example.com") && !reused.contains("4111"), "{reused}");
    }

    #[test]
    fn array_indices_generalize_in_bodies_only() {
        assert_eq!(generalize_path("/items/3/email", Location::Body), "/items/*/email");
        assert_eq!(generalize_path("/0", Location::Body), "/*");
        assert_eq!(generalize_path("/2", Location::Path), "/2");
        assert_eq!(generalize_path("/v1x/2a", Location::Body), "/v1x/2a");
    }
}
