//! Normalisation: the forms of one request value that the detectors look at.
//!
//! The field list of a call (`apiwarden_core::decode`) already peels URL encoding (up to
//! three times), base64 and JSON-in-a-string into fields of their own. What is left to undo
//! here is what a browser, a template engine or a database would undo before the payload
//! runs, and what a rule written for ASCII would miss:
//!
//! 1. HTML character references (`&lt;`, `&#x3c;`, `&#60`, `&Tab;`, `&colon;`), decoded
//!    repeatedly (`&amp;lt;`), because a value that lands in an HTML page is decoded by the
//!    browser;
//! 2. JavaScript and JSON escapes outside JSON (`\u003c`, `\x3c`), which a script context
//!    decodes;
//! 3. Unicode compatibility folding (NFKC): full-width `ＳＥＬＥＣＴ`, ligatures and other
//!    look-alike forms fold to ASCII, as many databases and frameworks fold them.
//!
//! [`variants`] returns the distinct forms, the raw value first. Every form is bounded: a
//! value that would grow past [`MAX_VARIANT_BYTES`] while normalising keeps its raw form only
//! (NFKC can multiply the length of some characters by 18).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest normalised form produced (longer values are inspected raw only).
pub const MAX_VARIANT_BYTES: usize = 64 * 1024;

/// How many times HTML references are decoded (`&amp;amp;lt;` needs three).
const HTML_ROUNDS: usize = 3;

/// The distinct forms of `raw` to inspect: `raw` itself, then each normalisation that
/// changed it.
pub fn variants(raw: &str) -> Vec<Cow<'_, str>> {
    let mut out: Vec<Cow<'_, str>> = vec![Cow::Borrowed(raw)];
    if raw.len() > MAX_VARIANT_BYTES {
        return out;
    }
    let mut current: Cow<'_, str> = Cow::Borrowed(raw);
    if let Some(decoded) = decode_html_repeatedly(&current) {
        current = Cow::Owned(decoded);
        push_distinct(&mut out, current.clone());
    }
    if let Some(unescaped) = decode_script_escapes(&current) {
        current = Cow::Owned(unescaped);
        push_distinct(&mut out, current.clone());
    }
    if let Some(folded) = fold_compatibility(&current) {
        push_distinct(&mut out, Cow::Owned(folded));
    }
    out
}

fn push_distinct<'a>(out: &mut Vec<Cow<'a, str>>, form: Cow<'a, str>) {
    if !out.contains(&form) {
        out.push(form);
    }
}

fn decode_html_repeatedly(value: &str) -> Option<String> {
    let mut decoded = decode_html(value)?;
    for _ in 1..HTML_ROUNDS {
        match decode_html(&decoded) {
            Some(again) => decoded = again,
            None => break,
        }
    }
    Some(decoded)
}

/// Decodes HTML character references; `None` when there are none.
fn decode_html(value: &str) -> Option<String> {
    if !value.contains('&') {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let mut changed = false;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        match html_reference(after) {
            Some((ch, used)) => {
                out.push(ch);
                rest = after.get(used..).unwrap_or_default();
                changed = true;
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The character a reference after `&` stands for, and the bytes it used (`;` included).
/// Numeric references may omit the `;`, as browsers accept.
fn html_reference(after: &str) -> Option<(char, usize)> {
    let bytes = after.as_bytes();
    if bytes.first() == Some(&b'#') {
        let (radix, start) = match bytes.get(1) {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let digits = after
            .get(start..)?
            .bytes()
            .take_while(|b| if radix == 16 { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
            .count();
        // More digits than any code point needs (leading zeros aside) cannot be a char.
        let text = after.get(start..start + digits)?.trim_start_matches('0');
        if digits == 0 || text.len() > 7 {
            return None;
        }
        let code = if text.is_empty() { 0 } else { u32::from_str_radix(text, radix).ok()? };
        let ch = char::from_u32(code).unwrap_or('\u{fffd}');
        let used = start + digits + usize::from(after.as_bytes().get(start + digits) == Some(&b';'));
        return Some((ch, used));
    }
    let name_len = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if name_len == 0 || after.as_bytes().get(name_len) != Some(&b';') {
        return None;
    }
    let ch = named_reference(after.get(..name_len)?)?;
    Some((ch, name_len + 1))
}

/// The named references that matter for attacks: markup, quoting and the characters used
/// to hide a URL scheme or break a line.
fn named_reference(name: &str) -> Option<char> {
    Some(match name {
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "amp" | "AMP" => '&',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "sol" => '/',
        "bsol" => '\\',
        "colon" => ':',
        "semi" => ';',
        "lpar" => '(',
        "rpar" => ')',
        "lsqb" | "lbrack" => '[',
        "rsqb" | "rbrack" => ']',
        "lcub" | "lbrace" => '{',
        "rcub" | "rbrace" => '}',
        "equals" => '=',
        "grave" => '`',
        "excl" => '!',
        "num" => '#',
        "percnt" => '%',
        "period" => '.',
        "comma" => ',',
        "plus" => '+',
        "ast" => '*',
        "dollar" => '$',
        "Tab" => '\t',
        "NewLine" => '\n',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

/// Decodes `\uXXXX`, `\u{X..}` and `\xHH` escapes; `None` when there are none.
fn decode_script_escapes(value: &str) -> Option<String> {
    if !value.contains("\\u") && !value.contains("\\x") {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.char_indices().peekable();
    let mut changed = false;
    while let Some((index, ch)) = chars.next() {
        if ch == '\\'
            && let Some((decoded, used)) = script_escape(value.get(index + 1..).unwrap_or_default())
        {
            out.push(decoded);
            changed = true;
            // Skip the escape's bytes (all ASCII, so one char per byte).
            for _ in 0..used {
                chars.next();
            }
            continue;
        }
        out.push(ch);
    }
    changed.then_some(out)
}

fn script_escape(after: &str) -> Option<(char, usize)> {
    let hex = |text: &str| u32::from_str_radix(text, 16).ok();
    match after.as_bytes().first()? {
        b'x' => {
            let digits = after.get(1..3).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))?;
            Some((char::from_u32(hex(digits)?)?, 3))
        }
        b'u' if after.as_bytes().get(1) == Some(&b'{') => {
            let close = after.get(2..)?.find('}')?;
            let digits = after.get(2..2 + close).filter(|d| (1..=6).contains(&d.len()))?;
            Some((char::from_u32(hex(digits)?).unwrap_or('\u{fffd}'), close + 3))
        }
        b'u' => {
            let digits = after.get(1..5).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))?;
            Some((char::from_u32(hex(digits)?).unwrap_or('\u{fffd}'), 5))
        }
        _ => None,
    }
}

/// NFKC with combining marks dropped (so `s̈elect` reads `select`); `None` when ASCII or
/// unchanged.
fn fold_compatibility(value: &str) -> Option<String> {
    if value.is_ascii() {
        return None;
    }
    let mut folded = String::with_capacity(value.len());
    for ch in value.nfkc().filter(|ch| !is_combining_mark(*ch)) {
        if folded.len() >= MAX_VARIANT_BYTES {
            return None;
        }
        folded.push(ch);
    }
    (folded != value).then_some(folded)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn forms(raw: &str) -> Vec<String> {
        variants(raw).into_iter().map(Cow::into_owned).collect()
    }

    #[test]
    fn html_references_decode_repeatedly_and_numeric_ones_without_semicolons() {
        assert_eq!(forms("&lt;script&gt;"), ["&lt;script&gt;", "<script>"]);
        assert_eq!(forms("&amp;lt;svg&amp;gt;").last().unwrap(), "<svg>");
        assert_eq!(forms("java&#9;script&colon;alert&lpar;1&rpar;").last().unwrap(), "java\tscript:alert(1)");
        assert_eq!(forms("&#x3c;img&#62").last().unwrap(), "<img>");
        assert_eq!(forms("&#0000060;a").last().unwrap(), "<a");
        // Not references: left alone.
        assert_eq!(forms("Tom & Jerry &co; a&b"), ["Tom & Jerry &co; a&b"]);
        assert_eq!(forms("&#99999999999;"), ["&#99999999999;"]);
    }

    #[test]
    fn script_escapes_decode() {
        assert_eq!(forms(r"\u003cscript\u003e").last().unwrap(), "<script>");
        assert_eq!(forms(r"\x27 or 1=1").last().unwrap(), "' or 1=1");
        assert_eq!(forms(r"\u{3c}b").last().unwrap(), "<b");
        assert_eq!(forms(r"C:\users\xavier"), [r"C:\users\xavier"], "not an escape");
    }

    #[test]
    fn fullwidth_and_lookalike_forms_fold_to_ascii() {
        assert_eq!(forms("ＳＥＬＥＣＴ＊").last().unwrap(), "SELECT*");
        assert_eq!(forms("＜ｓｃｒｉｐｔ＞").last().unwrap(), "<script>");
        assert_eq!(forms("s\u{308}elect").last().unwrap(), "select");
        assert_eq!(forms("plain ascii"), ["plain ascii"]);
        assert_eq!(forms("José"), ["José"], "composed letters stay");
    }

    #[test]
    fn huge_values_are_inspected_raw_only() {
        let big = "&lt;".repeat(MAX_VARIANT_BYTES);
        assert_eq!(variants(&big).len(), 1);
        // A value that grows past the bound while folding keeps the forms made before.
        let growing = "\u{fdfa}".repeat(MAX_VARIANT_BYTES / 3);
        assert!(variants(&growing).iter().all(|form| form.len() <= MAX_VARIANT_BYTES));
    }

    proptest! {
        #[test]
        fn never_panics_and_starts_with_the_raw_value(raw in ".{0,200}") {
            let forms = variants(&raw);
            prop_assert_eq!(forms.first().map(|f| f.as_ref()), Some(raw.as_str()));
        }

        #[test]
        fn escapes_and_references_never_panic(raw in r"(&#?[xX]?[0-9a-fA-F]{0,9};?|\\[ux]\{?[0-9a-f]{0,7}\}?|[a-z<>]){0,40}") {
            let _ = variants(&raw);
        }
    }
}
