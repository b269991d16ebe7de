//! CRLF injection: a line break that smuggles an HTTP header or a whole response into a
//! value the server writes into a response head (a redirect target, a cookie, a language,
//! a file name in `Content-Disposition`).
//!
//! # What tells an injection from a multi-line value
//!
//! Multi-line text is everywhere in API bodies: messages, addresses, code, pasted logs, even
//! pasted HTTP exchanges in a support ticket. An injection differs in three ways, and the
//! detector asks for all of them:
//!
//! 1. The line after the break starts (after optional spaces or tabs, which lenient parsers
//!    skip) with a real response or request header name and a colon, or with a status line
//!    (`HTTP/1.1 200`). A few header names are ordinary words ("Location: Berlin", "Host:
//!    Ana"), so for those the value must also have the header's shape: a URL or path for
//!    `Location`, a number for `Content-Length` and `Refresh`, `name=` for `Set-Cookie`, a
//!    media type for `Content-Type`, a host name alone on its line for `Host`. Names nobody
//!    writes in prose (`X-...`, `Access-Control-...`, `Strict-Transport-Security`) need only
//!    the colon. `Date`, `From`, `Age` and `Allow` are left out: they start lines of forwarded
//!    e-mails and notes.
//! 2. The text before the first break is what a single-line field holds: nothing, or one
//!    token (`en`, `/home`, `session123`). Prose ("Hi Ana, here is the response I get:"),
//!    greetings ending in punctuation ("Thanks,"), introductions ending in a colon
//!    ("Response:"), YAML keys ("server:"), document markers (`---`) and Markdown code
//!    fences start multi-line text and are not injections.
//! 3. Unless the break itself gives the attack away: a lone CR (no text editor or browser
//!    produces one) or the characters U+560A and U+560D, whose low bytes are LF and CR and
//!    which some servers truncate into them. Those are reported whatever comes before.
//!
//! The trade-off: a single-token first line followed by a pasted header block ("curl\n
//! X-Api-Key: ...") is reported, and an injection whose first line is a sentence is missed.
//! Both are rare; the second cannot reach a header anyway when the field is validated as a
//! token by the application.
//!
//! Rules: `crlf.response_splitting` for a status line after a break (a second response) or
//! an injected header followed by a blank line and a body; `crlf.header_injection` for a
//! header line; `crlf.mail_header_injection` for `To`/`Cc`/`Bcc`/`Reply-To` with an address
//! after a short first line that is not itself a header (a forwarded header block is not an
//! injection); `crlf.log_forging` for a timestamped log record after a single-token value.

use std::sync::LazyLock;

use regex::Regex;

use super::Match;

/// Characters that end a line for some HTTP stack.
const BREAKS: &[char] = &['\r', '\n', '\u{85}', '\u{2028}', '\u{2029}', '\u{560a}', '\u{560d}'];

/// A line break (CRLF counts as one).
const BREAK: &str = r"(?:\r\n|[\r\n\x{85}\x{2028}\x{2029}\x{560a}\x{560d}])";

/// Headers, each with the shape its value must have when its name is also a word.
const HEADER: &str = concat!(
    r"(?:set-cookie2?|cookie)[ \t]*:[ \t]*[^=\s;:,]+[ \t]*=",
    r"|(?:content-)?location[ \t]*:[ \t]*(?:[a-z][a-z0-9+.-]*:|/|\\)",
    r"|(?:origin|referer)[ \t]*:[ \t]*[a-z][a-z0-9+.-]*://",
    r"|content-length[ \t]*:[ \t]*\d",
    r"|content-type[ \t]*:[ \t]*[\w.+-]+/[\w.+*-]+",
    r"|refresh[ \t]*:[ \t]*\d",
    r"|host[ \t]*:[ \t]*[\w.-]+(?::\d+)?[ \t]*(?:[\r\n]|$)",
    r"|connection[ \t]*:[ \t]*(?:close|keep-alive|upgrade)\b",
    r"|transfer-encoding[ \t]*:[ \t]*(?:chunked|gzip|identity|compress|deflate)\b",
    r"|link[ \t]*:[ \t]*<",
    r"|upgrade[ \t]*:[ \t]*(?:websocket|h2c|http/)",
    r"|(?:x-[a-z0-9][a-z0-9-]*|access-control-[a-z-]+|content-security-policy(?:-report-only)?",
    r"|strict-transport-security|cache-control|content-disposition|content-encoding|www-authenticate",
    r"|proxy-authenticate|proxy-authorization|authorization|etag|last-modified|keep-alive|user-agent",
    r"|referrer-policy|permissions-policy|cross-origin-[a-z-]+|clear-site-data|timing-allow-origin|alt-svc",
    r")[ \t]*:",
);

pub fn detect(value: &str) -> Option<Match> {
    static INJECTED: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?i)(?P<breaks>{BREAK}+)[ \t]*(?:(?P<status>HTTP/\d(?:\.\d)?[ \t]+\d{{3}}\b)|(?P<header>{HEADER}))"
        ))
        .ok()
    });
    static BODY_FIRST: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:\r\n[ \t]*\r\n|\r[ \t]*\r)[ \t]*<(?:script|html|body|svg|iframe|img|!doctype)\b")
            .ok()
    });
    static BODY_AFTER: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(&format!(r"{BREAK}[ \t]*{BREAK}[ \t]*\S")).ok());

    static MAIL_OR_LOG: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?i){BREAK}[ \t]*(?:(?P<mail>(?:bcc|cc|to|reply-to)[ \t]*:[ \t]*[^\s@,;]+@[\w-]+(?:\.[\w-]+)+)|(?P<log>\d{{4}}-\d{{2}}-\d{{2}}[ T]\d{{2}}:\d{{2}}(?::\d{{2}})?\S*[ \t]+\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL)\b))"
        ))
        .ok()
    });

    let first_break = value.find(BREAKS)?;
    let single_line_field = is_single_line_field(value.get(..first_break).unwrap_or_default());
    for found in INJECTED.as_ref()?.captures_iter(value) {
        let whole = found.get(0)?;
        let breaks = found.name("breaks").map_or("", |b| b.as_str());
        if !single_line_field && !is_telltale_break(breaks) {
            continue;
        }
        if found.name("status").is_some() {
            return Some(Match::new("crlf.response_splitting", whole.range()));
        }
        let rest = value.get(whole.end()..).unwrap_or_default();
        if let Some(body) = BODY_AFTER.as_ref().and_then(|re| re.find(rest)) {
            return Some(Match::new("crlf.response_splitting", whole.start()..whole.end() + body.end()));
        }
        return Some(Match::new("crlf.header_injection", whole.range()));
    }
    // Mail headers smuggled into a field that becomes a mail header (a subject, a
    // reply-to address): extra recipients. A line that forges a log record after a
    // single-token value (a user name written to a log).
    if let Some(found) = MAIL_OR_LOG.as_ref().and_then(|re| re.captures(value)) {
        let whole = found.get(0)?;
        if found.name("mail").is_some()
            && first_line_is_short(value, first_break)
            && !starts_with_header_line(value)
        {
            return Some(Match::new("crlf.mail_header_injection", whole.range()));
        }
        if found.name("log").is_some() && single_line_field {
            return Some(Match::new("crlf.log_forging", whole.range()));
        }
    }
    // A body of its own after a blank CRLF line, without headers: the rest of the real
    // head becomes part of the injected document.
    let body = BODY_FIRST.as_ref()?.find(value)?;
    single_line_field.then(|| Match::new("crlf.response_splitting", body.range()))
}

/// A first line short enough for a subject or an address (a mail header field), not a
/// paragraph of a message that quotes forwarded headers further down.
fn first_line_is_short(value: &str, first_break: usize) -> bool {
    let line = value.get(..first_break).unwrap_or_default().trim();
    line.len() <= 80 && !line.ends_with([':', ',', '.', '!', '?'])
}

/// Whether the value opens with a header line of its own (`Subject: Hello`): a pasted or
/// forwarded header block, not one header field with recipients smuggled into it.
fn starts_with_header_line(value: &str) -> bool {
    let name_len = value.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'-').count();
    name_len > 0 && value.as_bytes().get(name_len) == Some(&b':')
}

/// Whether the text before the first line break is what a single-line field holds.
fn is_single_line_field(first_line: &str) -> bool {
    let line = first_line.trim();
    if line.is_empty() {
        return true;
    }
    let prose_or_block_start = line.contains(char::is_whitespace)
        || line.len() > 256
        || line.ends_with([':', ',', '!', '?', ';'])
        || line.starts_with("```")
        || line.starts_with("~~~")
        || line.starts_with("---")
        || line.starts_with("...");
    !prose_or_block_start
}

/// A lone CR, or a character some servers truncate into CR or LF.
fn is_telltale_break(breaks: &str) -> bool {
    let mut chars = breaks.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{560a}' | '\u{560d}' => return true,
            '\r' if chars.peek() != Some(&'\n') => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rule(value: &str) -> Option<&'static str> {
        detect(value).map(|found| found.rule)
    }

    #[test]
    fn header_lines_after_a_break() {
        for value in [
            "en\r\nSet-Cookie: session=attacker",
            "/home\r\nLocation: https://evil.example/",
            "\r\nSet-Cookie:admin=1",
            "x\nSet-Cookie: a=b",
            "x\rSet-Cookie: a=b",
            "foo\r\n Set-Cookie: a=b",
            "foo\r\n\tLocation: //evil.example",
            "%0d%0a\r\nX-Injected: yes",
            "value\r\nX-Forwarded-For: 127.0.0.1",
            "a\r\nAccess-Control-Allow-Origin: *",
            "a\r\nAccess-Control-Allow-Credentials: true",
            "a\r\nContent-Type: text/html",
            "a\nContent-Length: 42",
            "a\r\nRefresh: 0; url=https://evil.example/",
            "a\r\nREFRESH:0;url=javascript:alert(1)",
            "a\r\nx-xss-protection: 0",
            "a\r\nContent-Security-Policy: default-src *",
            "a\r\nStrict-Transport-Security: max-age=0",
            "a\r\nTransfer-Encoding: chunked",
            "a\r\nCache-Control: public, max-age=31536000",
            "a\r\nContent-Disposition: attachment; filename=evil.exe",
            "a\r\nLink: <https://evil.example/style.css>; rel=stylesheet",
            "a\r\nHost: internal.example",
            "a\u{2028}Set-Cookie: a=b",
            "a\u{85}Location: /admin",
            "\u{560d}\u{560a}Set-Cookie: hacked=1",
            "en\u{560a}Location: https://evil.example",
            "Hello there\rSet-Cookie: a=b",
            "a\r\n\r\nSet-Cookie: a=b",
            "a\r\nConnection: keep-alive",
        ] {
            assert_eq!(rule(value), Some("crlf.header_injection"), "{value:?}");
        }
    }

    #[test]
    fn second_responses() {
        for value in [
            "en\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>",
            "x\r\nHTTP/1.1 200 OK",
            "x\nHTTP/1.0 302 Found",
            "\r\n\r\nHTTP/2 200",
            "a\r\nContent-Type: text/html\r\n\r\n<html>owned</html>",
            "a\r\nSet-Cookie: a=b\n\n<script>alert(1)</script>",
            "\r\n\r\n<script>alert(1)</script>",
            "en\r\n\r\n<html><body>fake page</body></html>",
        ] {
            assert_eq!(rule(value), Some("crlf.response_splitting"), "{value:?}");
        }
    }

    #[test]
    fn multi_line_text_passes() {
        for value in [
            "Hi,\nNote: the meeting moved to 3pm",
            "Hi Ana,\nLocation: Berlin office, 3rd floor",
            "Engineer\nLocation: Berlin",
            "Job title: Engineer\nLocation: /remote",
            "12 Main St\nSpringfield, IL 62701",
            "Line one\r\nLine two\r\nLine three",
            "Thanks,\nX-Request-Id: 123 is in the logs",
            "Here is the response I get:\nHTTP/1.1 500 Internal Server Error\nContent-Type: application/json",
            "Response:\nHTTP/1.1 302 Found\nLocation: /login",
            "Request:\nGET /api HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer x",
            "```http\nGET /users HTTP/1.1\nHost: api.example.com\n```",
            "GET /v1/users HTTP/1.1\r\nHost: api.example.com\r\nX-Api-Key: abc",
            "server:\n  host: localhost\n  port: 8080",
            "---\nhost: example.com\nport: 443",
            "{\n  \"host\": \"example.com\",\n  \"content-type\": \"text/plain\"\n}",
            "def main():\n    host = 'localhost'\n    return host",
            "Set-Cookie: is the header you need",
            "See Set-Cookie: docs",
            "x-forwarded-for: 1.2.3.4",
            "Date: Mon\nFrom: ana@example.com\nSubject: invoice",
            "Ana\nHost: the party is at mine",
            "cookie\nCookie: chocolate chip",
            "Note\nContent-Type matters here",
            "Steps\nContent-Length: unknown",
            "a\nLocation: the main hall",
            "Dear team!\nX-Men: great film",
            "Shopping\n- milk\n- eggs",
            "Name: Ana\nEmail: ana@example.com",
            "first line\n\nsecond paragraph",
            "\n\n",
            "plain value",
            "ERROR 42\nat com.example.Main(Main.java:10)",
            "Upgrade\nUpgrade: soon, we promise",
            "Origin\nOrigin: Portugal",
            "Refresh\nRefresh: please",
            "Connection\nConnection: lost",
            "title\nTransfer-Encoding: what is that?",
            "Link\nLink: see below",
            "line\rwith carriage return only",
            "col1\tcol2\r\nval1\tval2",
            "- item\n- Location: Paris",
            "<p>a</p>\n\n<p>b</p>",
            "Subject: Hello\nFrom: ana@example.com\nTo: bob@example.com\n\nHi Bob",
            "Dear Sir,\r\nPlease find attached.\r\n\r\n<img src=\"cid:logo\">",
        ] {
            assert_eq!(detect(value), None, "{value:?}");
        }
    }

    /// Repetitive inputs that would make a quadratic scan take minutes finish in well under
    /// the bound even in a debug build on a busy machine.
    #[test]
    fn pathological_inputs_stay_linear() {
        for (unit, times) in [("\n", 40_000), ("\r", 40_000), ("\r\nX-", 10_000), ("a\nSet-Cookie: ", 4_000)]
        {
            let value = unit.repeat(times);
            let started = std::time::Instant::now();
            let _ = detect(&value);
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "{unit:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in r"(\r|\n|\x{560a}|\x{560d}|\x{2028}| |\t|Set-Cookie|Location|HTTP/1\.1 200|: |=|/|[a-z0-9]){0,40}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn arbitrary_text_never_panics(value in ".{0,200}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}

#[cfg(test)]
mod mail_and_log_tests {
    use super::detect;

    #[test]
    fn mail_headers_and_forged_log_lines() {
        for value in [
            "victim@example.com\r\nBcc: list@attacker.example",
            "victim@example.com\nCc: spam@attacker.example",
            "Order question\r\nBcc: everyone@attacker.example\r\n",
            "admin\r\n2025-03-03 10:00:00 INFO login succeeded user=admin",
        ] {
            assert!(detect(value).is_some(), "{value:?}");
        }
        for value in [
            "Hi team,\nplease see the thread below.\n\nFrom: Ana\nCc: ops@example.com",
            "Deploy log:\n2025-03-03 10:00:00 INFO started",
            "Line one\nline two",
        ] {
            assert_eq!(detect(value), None, "{value:?}");
        }
    }
}
