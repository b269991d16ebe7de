//! Path templates (`/users/{userId}/files/{name}.json`) split into segments and pieces,
//! shared by the exporter (lenient: anything is exportable) and the importer (strict: a
//! template that cannot be matched unambiguously is reported).

use std::borrow::Cow;

/// One piece of a template segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Lit(&'a str),
    Param(&'a str),
}

/// Why a segment of a user's template cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SegmentError {
    Unclosed,
    Unopened,
    Nested,
    EmptyName,
    Adjacent(String, String),
}

impl SegmentError {
    pub(crate) fn describe(&self) -> String {
        match self {
            SegmentError::Unclosed => "has a `{` without a closing `}`".to_owned(),
            SegmentError::Unopened => "has a `}` without an opening `{`".to_owned(),
            SegmentError::Nested => "has a `{` inside a parameter name".to_owned(),
            SegmentError::EmptyName => "has an empty parameter name `{}`".to_owned(),
            SegmentError::Adjacent(a, b) => {
                format!("has adjacent parameters `{{{a}}}{{{b}}}`, which cannot be told apart")
            }
        }
    }
}

/// Strict parse of one segment (no `/` inside).
pub(crate) fn parse_segment_strict(segment: &str) -> Result<Vec<Piece<'_>>, SegmentError> {
    let mut pieces = Vec::new();
    let mut rest = segment;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                pieces.push(Piece::Lit(rest));
                break;
            }
            Some(at) => {
                if rest[at..].starts_with('}') {
                    return Err(SegmentError::Unopened);
                }
                if at > 0 {
                    pieces.push(Piece::Lit(&rest[..at]));
                }
                let after = &rest[at + 1..];
                let close = after.find('}').ok_or(SegmentError::Unclosed)?;
                let name = &after[..close];
                if name.contains('{') {
                    return Err(SegmentError::Nested);
                }
                if name.is_empty() {
                    return Err(SegmentError::EmptyName);
                }
                if let Some(Piece::Param(previous)) = pieces.last() {
                    return Err(SegmentError::Adjacent((*previous).to_owned(), name.to_owned()));
                }
                pieces.push(Piece::Param(name));
                rest = &after[close + 1..];
            }
        }
    }
    Ok(pieces)
}

/// Lenient parse for export: `{name}` with a non-empty name free of braces is a
/// parameter; every other brace is literal text.
pub(crate) fn parse_segment_lenient(segment: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut lit_start = 0;
    let mut pos = 0;
    let bytes = segment.as_bytes();
    while pos < bytes.len() {
        if bytes.get(pos) == Some(&b'{') {
            let after = &segment[pos + 1..];
            if let Some(close) = after.find('}') {
                let name = &after[..close];
                if !name.is_empty() && !name.contains('{') {
                    if lit_start < pos {
                        pieces.push(Piece::Lit(&segment[lit_start..pos]));
                    }
                    pieces.push(Piece::Param(name));
                    pos += close + 2;
                    lit_start = pos;
                    continue;
                }
            }
        }
        pos += 1;
    }
    if lit_start < segment.len() {
        pieces.push(Piece::Lit(&segment[lit_start..]));
    }
    pieces
}

/// Percent-decodes text into bytes (invalid escapes stay as they are).
pub(crate) fn decode(text: &str) -> Cow<'_, [u8]> {
    if text.as_bytes().contains(&b'%') {
        Cow::Owned(percent_encoding::percent_decode_str(text).collect())
    } else {
        Cow::Borrowed(text.as_bytes())
    }
}

/// Escapes a JSON-pointer token.
pub(crate) fn pointer_token(token: &str) -> Cow<'_, str> {
    crate::field::escape_pointer_token(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_parse_accepts_mixed_segments_and_rejects_ambiguity() {
        assert_eq!(
            parse_segment_strict("{name}.json").unwrap(),
            vec![Piece::Param("name"), Piece::Lit(".json")]
        );
        assert_eq!(parse_segment_strict("users").unwrap(), vec![Piece::Lit("users")]);
        assert_eq!(parse_segment_strict("{a").unwrap_err(), SegmentError::Unclosed);
        assert_eq!(parse_segment_strict("a}").unwrap_err(), SegmentError::Unopened);
        assert_eq!(parse_segment_strict("{}").unwrap_err(), SegmentError::EmptyName);
        assert_eq!(parse_segment_strict("{a{b}").unwrap_err(), SegmentError::Nested);
        assert!(matches!(parse_segment_strict("{a}{b}"), Err(SegmentError::Adjacent(..))));
    }

    #[test]
    fn lenient_parse_keeps_stray_braces_literal() {
        assert_eq!(parse_segment_lenient("{a"), vec![Piece::Lit("{a")]);
        assert_eq!(parse_segment_lenient("x{}y"), vec![Piece::Lit("x{}y")]);
        assert_eq!(
            parse_segment_lenient("v{major}.{minor}"),
            vec![Piece::Lit("v"), Piece::Param("major"), Piece::Lit("."), Piece::Param("minor")]
        );
        assert_eq!(parse_segment_lenient("}{id}"), vec![Piece::Lit("}"), Piece::Param("id")]);
    }
}
