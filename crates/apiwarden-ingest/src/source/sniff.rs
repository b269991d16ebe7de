//! Telling a HAR from JSON lines by content.

use super::Format;

/// What the first bytes of a (decompressed) stream look like.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Format(Format),
    /// The content does not decide; use the file name, else HAR.
    Undecided,
    /// Nothing but whitespace.
    Empty,
    /// Not something either reader can read; the text says what it is.
    NotJson(&'static str),
}

/// Keys that only a JSON-lines call has at its top level.
const CALL_KEYS: [&[u8]; 8] =
    [b"request", b"response", b"started_at_us", b"started_at", b"observed", b"client", b"timings", b"id"];

/// Looks at the first top-level object in `window`: a `log` key means HAR; a call key
/// (`request`, `started_at_us`, ...) or a second object on the next line means JSON lines.
/// `complete` says whether `window` is the whole stream.
pub(crate) fn sniff(window: &[u8], complete: bool) -> Sniffed {
    let text = window.trim_ascii_start();
    let Some(&first) = text.first() else {
        return if complete { Sniffed::Empty } else { Sniffed::Undecided };
    };
    match first {
        b'{' => {}
        b'[' => return Sniffed::NotJson("it is a JSON array, not a HAR object or JSON lines"),
        _ => return Sniffed::NotJson("it does not start with a JSON object (neither HAR nor JSON lines)"),
    }

    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0usize;
    let mut expecting_key = false;
    for (i, &byte) in text.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
                if depth == 1 && expecting_key {
                    expecting_key = false;
                    let key = text.get(string_start..i).unwrap_or_default();
                    if key == b"log" {
                        return Sniffed::Format(Format::Har);
                    }
                    if CALL_KEYS.contains(&key) {
                        return Sniffed::Format(Format::JsonLines);
                    }
                }
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                string_start = i + 1;
            }
            b'{' | b'[' => {
                depth += 1;
                expecting_key = depth == 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    // The first object is complete: another object on a later line means
                    // JSON lines.
                    let rest = text.get(i + 1..).unwrap_or_default();
                    let next_line = rest.iter().position(|&b| b == b'\n').and_then(|nl| rest.get(nl + 1..));
                    if let Some(next) = next_line
                        && next.trim_ascii_start().first() == Some(&b'{')
                    {
                        return Sniffed::Format(Format::JsonLines);
                    }
                    return Sniffed::Undecided;
                }
            }
            b',' if depth == 1 => expecting_key = true,
            _ => {}
        }
    }
    Sniffed::Undecided
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"\n{\n  \"log\": {\"version\": \"1.2\"", false), Sniffed::Format(Format::Har));
        assert_eq!(sniff(br#"{"x":{"request":1},"log":{}}"#, true), Sniffed::Format(Format::Har));
        assert_eq!(
            sniff(br#"{"id":"a","started_at_us":1,"request":{}}"#, false),
            Sniffed::Format(Format::JsonLines)
        );
        assert_eq!(sniff(b"{\"a\":1}\n{\"a\":2}\n", true), Sniffed::Format(Format::JsonLines));
        assert_eq!(sniff(br#"{"a":"\"log\""}"#, true), Sniffed::Undecided);
        assert_eq!(sniff(b" \n ", true), Sniffed::Empty);
        assert!(matches!(sniff(b"[1]", true), Sniffed::NotJson(_)));
        assert!(matches!(sniff(b"\x1f\x8b", true), Sniffed::NotJson(_)));
    }
}
