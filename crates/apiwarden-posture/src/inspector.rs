//! The [`Inspector`] that discovery runs on every call.

use std::collections::HashSet;

use apiwarden_core::analysis::DecodedCall;
use apiwarden_core::inspect::{FieldTag, Inspection, Inspector};
use apiwarden_core::{Direction, Endpoint, Field, FieldValue, Finding, Location};
use apiwarden_sensitive::{Classifier, ConfigError, Detection, Redactor, SensitiveConfig};

use crate::checks;

/// Sensitive-data classification, posture checks and example masking, built from the
/// `[sensitive]` configuration.
#[derive(Debug)]
pub struct TrafficInspector {
    pub(crate) classifier: Classifier,
    pub(crate) redactor: Redactor,
}

impl TrafficInspector {
    /// The built-in types, every value masked.
    pub fn builtin() -> TrafficInspector {
        TrafficInspector { classifier: Classifier::builtin(), redactor: Redactor::mask_all() }
    }

    /// From the `[sensitive]` section; a bad section is an error naming the entry.
    pub fn from_config(config: &SensitiveConfig) -> Result<TrafficInspector, ConfigError> {
        config.validate()?;
        Ok(TrafficInspector {
            classifier: Classifier::from_config(config)?,
            redactor: Redactor::from_config(&config.redaction)?,
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
    }

    fn redact_value(&self, value: &mut serde_json::Value) {
        self.redactor.redact_json(&self.classifier, value, Direction::Response, Location::Body);
    }

    fn redact_text(&self, text: &str) -> String {
        self.mask_text(text)
    }

    fn host_findings(&self, endpoints: &[Endpoint]) -> Vec<Finding> {
        crate::findings::host_findings(endpoints)
    }
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
    use super::*;

    #[test]
    fn array_indices_generalize_in_bodies_only() {
        assert_eq!(generalize_path("/items/3/email", Location::Body), "/items/*/email");
        assert_eq!(generalize_path("/0", Location::Body), "/*");
        assert_eq!(generalize_path("/2", Location::Path), "/2");
        assert_eq!(generalize_path("/v1x/2a", Location::Body), "/v1x/2a");
    }
}
