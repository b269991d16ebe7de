//! Path traversal and local file inclusion.
//!
//! A value attacks the file system when it climbs out of the directory the application
//! meant (`../../`), names a file no API serves (`/etc/passwd`, `WEB-INF/web.xml`, `.env`),
//! cuts a file name short with a null byte (`shell.php\0.png`), or reaches for a stream
//! wrapper that reads or runs something other than a plain file (`php://filter`,
//! `expect://`).
//!
//! # Approach
//!
//! - **Climbs** (`traversal.dot_dot`): one pass splits the value into path segments. The
//!   lexer knows the spellings of a dot and of a separator that reach a file system without
//!   the caller having undone them: `%2e`, `%2f`, `%5c` (the raw request path is inspected
//!   undecoded), double encoding (`%252e`), IIS `%u002e`, overlong UTF-8 (`%c0%ae`,
//!   `%c0%af`, `%e0%80%ae`, `%c1%9c`) and the U+FFFD runs a lossy decoder leaves of
//!   those. A segment made of dots only is a climb: `..`, `....` (what a filter that strips
//!   `../` once leaves behind), `..;` (Tomcat's path parameters). One climb to an ordinary
//!   file is everyday relative linking (`../images/logo.png`, `docs/../README.md`), so a
//!   climb is reported when two or more follow each other, when one leads to a sensitive
//!   file or system directory, or when it is spelled with an overlong or `%u` encoding,
//!   which no legitimate client sends.
//! - **Sensitive files** (`traversal.sensitive_file`): credentials, configuration and
//!   system files (`/etc/passwd`, `/proc/self/environ`, `C:\Windows\win.ini`, `.ssh/id_rsa`,
//!   `.git/config`). Reported when the value is a single token (a path parameter, a file
//!   name field): the same names inside prose ("add the key to your .env file", "I edited
//!   /etc/hosts") are documentation, not a request for the file.
//! - **Null bytes** (`traversal.null_byte`): a NUL (or an undecoded `%00`) next to a file
//!   extension, which truncates the name in C-backed file APIs.
//! - **Wrappers** (`traversal.wrapper`): `php://filter`, `expect://`, `phar://`, `data://`
//!   and PHP code in `data:` URIs always; the other PHP wrappers (`php://input`, `zip://`,
//!   `glob://`, ...) and `file:` URLs when the value is one token (a developer's chat message
//!   may well mention `php://input`); a `file:` URL to a system location or through a climb
//!   anywhere.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use super::Match;

pub fn detect(value: &str) -> Option<Match> {
    wrapper(value).or_else(|| climb(value)).or_else(|| null_byte(value)).or_else(|| sensitive_token(value))
}

/// Files that no API call has a reason to name, written with `/` and in lower case; matched
/// at path-component boundaries. A trailing `/` means "anything inside this directory".
const SENSITIVE_FILES: &[&str] = &[
    // Unix accounts, hosts and system configuration.
    "etc/passwd",
    "etc/shadow",
    "etc/gshadow",
    "etc/group",
    "etc/sudoers",
    "etc/master.passwd",
    "etc/security/passwd",
    "etc/hosts",
    "etc/hostname",
    "etc/issue",
    "etc/motd",
    "etc/crontab",
    "etc/fstab",
    "etc/resolv.conf",
    "etc/os-release",
    "etc/environment",
    "etc/profile",
    "etc/ssh/",
    "etc/ssl/private/",
    "etc/mysql/my.cnf",
    "etc/httpd/conf/httpd.conf",
    "etc/apache2/apache2.conf",
    "etc/nginx/nginx.conf",
    "etc/krb5.keytab",
    "etc/pam.d/",
    // The process itself: environment (secrets), command line, open files.
    "proc/self/",
    "proc/thread-self/",
    "proc/version",
    "proc/mounts",
    "proc/net/",
    "proc/sched_debug",
    "proc/cmdline",
    // Credentials in home directories.
    "root/.",
    ".ssh/",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "authorized_keys",
    ".bash_history",
    ".zsh_history",
    ".mysql_history",
    ".psql_history",
    ".aws/credentials",
    ".aws/config",
    ".docker/config.json",
    ".kube/config",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".pgpass",
    ".git-credentials",
    // Application secrets and repositories left in the web root.
    ".htpasswd",
    ".htaccess",
    ".env",
    ".env.local",
    ".env.production",
    ".env.prod",
    ".env.development",
    ".env.dev",
    ".env.staging",
    ".env.backup",
    ".env.bak",
    ".env.old",
    ".env.save",
    ".git/",
    ".svn/",
    ".hg/",
    "wp-config.php",
    "web-inf/",
    "web.config",
    "applicationhost.config",
    "php.ini",
    "my.cnf",
    "config/database.yml",
    "config/secrets.yml",
    "config/master.key",
    "var/run/secrets/",
    "var/lib/mysql/",
    // Windows.
    "windows/win.ini",
    "win.ini",
    "system.ini",
    "boot.ini",
    "windows/system32/",
    "winnt/",
    "windows/repair/",
    "system32/config/sam",
    "repair/sam",
    "windows/panther/",
    "unattend.xml",
    "sysprep.inf",
    "inetpub/",
    "c$/",
    "admin$/",
];

/// Directories whose files are worth a climb: reported after `../` or in a `file:` URL,
/// but not as a bare path (`/var/log/app.log` is a fine value for a logging setting).
const SYSTEM_DIRS: &[&str] =
    &["etc/", "proc/", "sys/", "root/", "var/log/", "var/run/", "windows/", "winnt/", "inetpub/", "boot/"];

/// Spellings of a dot or separator that a file system or a server's own decoder turns into
/// one, and whether the spelling is one no legitimate client produces.
const ENCODED_UNITS: &[(&str, Unit, Evasion)] = &[
    ("%2e", Unit::Dot, Evasion::Plain),
    ("%252e", Unit::Dot, Evasion::Plain),
    ("%u002e", Unit::Dot, Evasion::Overlong),
    ("%uff0e", Unit::Dot, Evasion::Overlong),
    ("%c0%ae", Unit::Dot, Evasion::Overlong),
    ("%c0%2e", Unit::Dot, Evasion::Overlong),
    ("%e0%80%ae", Unit::Dot, Evasion::Overlong),
    ("%f0%80%80%ae", Unit::Dot, Evasion::Overlong),
    ("%2f", Unit::Sep, Evasion::Plain),
    ("%5c", Unit::Sep, Evasion::Plain),
    ("%252f", Unit::Sep, Evasion::Plain),
    ("%255c", Unit::Sep, Evasion::Plain),
    ("%c0%af", Unit::Sep, Evasion::Overlong),
    ("%c0%2f", Unit::Sep, Evasion::Overlong),
    ("%c0%5c", Unit::Sep, Evasion::Overlong),
    ("%c1%9c", Unit::Sep, Evasion::Overlong),
    ("%c1%1c", Unit::Sep, Evasion::Overlong),
    ("%c1%af", Unit::Sep, Evasion::Overlong),
    ("%e0%80%af", Unit::Sep, Evasion::Overlong),
    ("%f0%80%80%af", Unit::Sep, Evasion::Overlong),
    ("%u2215", Unit::Sep, Evasion::Overlong),
    ("%u2216", Unit::Sep, Evasion::Overlong),
    ("%uff0f", Unit::Sep, Evasion::Overlong),
    ("%uff3c", Unit::Sep, Evasion::Overlong),
];

/// How far past a climb the target is read (targets are short paths).
const TARGET_WINDOW: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Dot,
    Sep,
    /// U+FFFD: what a lossy decoder leaves of an overlong dot or separator.
    Replacement,
    /// Ends a path: whitespace, quotes, markup, and the query-string delimiters.
    Boundary,
    /// `;` (Tomcat path parameters after `..`).
    Semicolon,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Evasion {
    Plain,
    Overlong,
}

/// One lexed unit: its kind, its byte range and how it was spelled.
#[derive(Clone, Copy, Debug)]
struct Lexeme {
    unit: Unit,
    span: (usize, usize),
    evasion: Evasion,
}

/// The units of `value`, encoded spellings folded.
fn lex(value: &str) -> impl Iterator<Item = Lexeme> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = value.get(at..)?;
        let ch = rest.chars().next()?;
        let start = at;
        let (unit, len, evasion) = if ch == '%'
            && let Some((text, unit, evasion)) = ENCODED_UNITS.iter().find(|(text, _, _)| {
                rest.get(..text.len()).is_some_and(|head| head.eq_ignore_ascii_case(text))
            }) {
            (*unit, text.len(), *evasion)
        } else {
            let unit = match ch {
                '.' => Unit::Dot,
                '/' | '\\' => Unit::Sep,
                '\u{fffd}' => Unit::Replacement,
                ';' => Unit::Semicolon,
                '?' | '#' | '&' | '=' | '"' | '\'' | '`' | '<' | '>' | '(' | ')' | '[' | ']' | '|' | ',' => {
                    Unit::Boundary
                }
                c if c.is_whitespace() || c == '\0' => Unit::Boundary,
                _ => Unit::Other,
            };
            (unit, ch.len_utf8(), Evasion::Plain)
        };
        at += len;
        Some(Lexeme { unit, span: (start, at), evasion })
    })
}

/// The segment being read.
#[derive(Default)]
struct Segment {
    start: usize,
    dots: usize,
    other: usize,
    /// `..;`: what follows the `;` up to the next separator is a path parameter.
    parameter: bool,
    evasion: bool,
}

impl Segment {
    fn at(start: usize) -> Segment {
        Segment { start, ..Segment::default() }
    }

    fn is_climb(&self) -> bool {
        self.other == 0 && self.dots >= 2
    }

    fn is_current_dir(&self) -> bool {
        self.other == 0 && self.dots <= 1 && !self.parameter
    }
}

/// Consecutive climbs.
#[derive(Default)]
struct Run {
    start: usize,
    end: usize,
    depth: usize,
    evasion: bool,
}

/// `traversal.dot_dot`: two or more climbs in a row, one climb to a sensitive target, or a
/// climb spelled with an overlong or `%u` encoding.
fn climb(value: &str) -> Option<Match> {
    if !value.contains(['.', '%', '\u{fffd}']) {
        return None;
    }
    let mut segment = Segment::at(0);
    let mut run = Run::default();
    let mut lexemes = lex(value).peekable();
    while let Some(lexeme) = lexemes.next() {
        let (start, end) = lexeme.span;
        match lexeme.unit {
            Unit::Sep => {
                // An overlong separator after `..` marks the climb it ends.
                segment.evasion |= lexeme.evasion == Evasion::Overlong;
                if let Some(found) = end_segment(value, &mut segment, &mut run, end) {
                    return Some(found);
                }
            }
            Unit::Boundary => {
                if let Some(found) = end_segment(value, &mut segment, &mut run, start) {
                    return Some(found);
                }
                if let Some(found) = close_run(value, &mut run, None) {
                    return Some(found);
                }
                segment = Segment::at(end);
            }
            Unit::Replacement => {
                // A run of U+FFFD: overlong bytes a lossy decoder could not read.
                let mut run_end = end;
                let mut count = 1;
                while let Some(next) = lexemes.next_if(|next| next.unit == Unit::Replacement) {
                    run_end = next.span.1;
                    count += 1;
                }
                if segment.is_climb() && !segment.parameter {
                    // `..` then an unreadable separator.
                    segment.evasion = true;
                    if let Some(found) = end_segment(value, &mut segment, &mut run, run_end) {
                        return Some(found);
                    }
                } else if segment.other == 0 && segment.dots == 0 && count >= 2 {
                    // Unreadable dots.
                    segment.dots += 2;
                    segment.evasion = true;
                } else if !segment.parameter {
                    segment.other += count;
                }
            }
            // After `..;`, everything up to the separator is a path parameter.
            Unit::Dot if segment.parameter => {}
            Unit::Dot if segment.other == 0 => {
                segment.dots += 1;
                segment.evasion |= lexeme.evasion == Evasion::Overlong;
            }
            Unit::Dot => segment.other += 1,
            Unit::Semicolon if segment.is_climb() => segment.parameter = true,
            Unit::Semicolon | Unit::Other => {
                if !segment.parameter {
                    segment.other += 1;
                }
            }
        }
    }
    if let Some(found) = end_segment(value, &mut segment, &mut run, value.len()) {
        return Some(found);
    }
    close_run(value, &mut run, None)
}

/// Ends the current segment at `next` (where the next one starts): a climb extends the run,
/// `.` and empty segments leave it alone, a name ends it with that name as its target.
fn end_segment(value: &str, segment: &mut Segment, run: &mut Run, next: usize) -> Option<Match> {
    let finished = std::mem::replace(segment, Segment::at(next));
    if finished.is_climb() {
        if run.depth == 0 {
            run.start = finished.start;
        }
        run.depth += 1;
        run.end = next;
        run.evasion |= finished.evasion;
        return None;
    }
    if finished.is_current_dir() {
        return None;
    }
    close_run(value, run, Some(finished.start))
}

/// Reports the run if it is an attack; `target` is where the path after it starts.
fn close_run(value: &str, run: &mut Run, target: Option<usize>) -> Option<Match> {
    let done = std::mem::take(run);
    if done.depth == 0 {
        return None;
    }
    if done.depth >= 2 || done.evasion {
        return Some(Match::new("traversal.dot_dot", done.start..done.end.max(done.start)));
    }
    let target_start = target?;
    let target_end = path_end(value, target_start);
    let target_text = value.get(target_start..target_end)?;
    let normalised = normalise_path(target_text);
    let sensitive = is_sensitive(&normalised) || in_system_dir(&normalised);
    sensitive.then(|| Match::new("traversal.dot_dot", done.start..target_end))
}

/// Where the path starting at `start` ends (at most [`TARGET_WINDOW`] bytes on).
fn path_end(value: &str, start: usize) -> usize {
    let mut end = start;
    for lexeme in lex(value.get(start..).unwrap_or_default()) {
        if lexeme.unit == Unit::Boundary || lexeme.span.1 > TARGET_WINDOW {
            break;
        }
        end = start + lexeme.span.1;
    }
    end
}

/// `path` in lower case with every spelling of a separator as `/` and of a dot as `.`.
fn normalise_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for lexeme in lex(path) {
        match lexeme.unit {
            Unit::Sep | Unit::Replacement => out.push('/'),
            Unit::Dot => out.push('.'),
            _ => {
                let text = path.get(lexeme.span.0..lexeme.span.1).unwrap_or_default();
                out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
            }
        }
    }
    out
}

static SENSITIVE: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(SENSITIVE_FILES).ok());

/// Whether the normalised relative `path` starts in a system directory.
fn in_system_dir(path: &str) -> bool {
    SYSTEM_DIRS.iter().any(|dir| path.starts_with(dir))
}

/// The first pattern of `automaton` in the normalised `path` that starts and ends at
/// path-component boundaries.
fn find_at_boundary(automaton: &LazyLock<Option<AhoCorasick>>, path: &str) -> Option<Range<usize>> {
    let automaton = automaton.as_ref()?;
    let bytes = path.as_bytes();
    automaton.find_overlapping_iter(path).map(|found| found.range()).find(|range| {
        let starts_clean =
            range.start == 0 || matches!(bytes.get(range.start - 1), Some(b'/' | b'=' | b':' | b'~' | b'\0'));
        let pattern_is_dir = range.end.checked_sub(1).and_then(|last| bytes.get(last)) == Some(&b'/');
        let ends_clean = pattern_is_dir
            || match bytes.get(range.end) {
                None => true,
                Some(b'.') => !bytes.get(range.end + 1).is_some_and(u8::is_ascii_alphanumeric),
                Some(next) => !(next.is_ascii_alphanumeric() || matches!(next, b'_' | b'-' | b'$')),
            };
        starts_clean && ends_clean
    })
}

/// Whether the normalised `path` names a sensitive file: one of [`SENSITIVE_FILES`], or
/// what `/proc/<pid>/` shows of another process.
fn is_sensitive(path: &str) -> bool {
    static PROC_PID: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"(?:^|[/=:])proc/\d+/(?:environ|cmdline|maps|mem|fd/|cwd|root|status|exe)").ok()
    });
    find_at_boundary(&SENSITIVE, path).is_some() || PROC_PID.as_ref().is_some_and(|re| re.is_match(path))
}

/// Whether `path` names a sensitive file (used by the command-injection detector for the
/// arguments of `cat`, `type`, ...).
pub(crate) fn names_sensitive_file(path: &str) -> bool {
    is_sensitive(&normalise_path(path))
}

/// `traversal.sensitive_file`: a value that is a single token naming a sensitive file.
fn sensitive_token(value: &str) -> Option<Match> {
    let token = value.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
    if token.is_empty() || token.contains(char::is_whitespace) {
        return None;
    }
    let lower_head = token.get(..8).unwrap_or(token).to_ascii_lowercase();
    // A web link to a file of that name is a link (climbs inside it are caught above).
    if lower_head.starts_with("http://") || lower_head.starts_with("https://") {
        return None;
    }
    if !is_sensitive(&normalise_path(token)) {
        return None;
    }
    let start =
        value.len() - value.trim_start_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'').len();
    Some(Match::new("traversal.sensitive_file", start..start + token.len()))
}

/// `traversal.null_byte`: a NUL, or `%00` left undecoded, next to a file extension
/// (`shell.php\0.png`, `../../etc/passwd%00.jpg`, `report.pdf\0`).
fn null_byte(value: &str) -> Option<Match> {
    static NUL_EXTENSION: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:\.[a-z0-9]{1,5}|/[\w.-]+)(?:\x00|%00|%2500)|(?:\x00|%00|%2500)\.[a-z0-9]{1,5}\b")
            .ok()
    });
    if !value.contains(['\0', '%']) {
        return None;
    }
    let found = NUL_EXTENSION.as_ref()?.find(value)?;
    Some(Match::new("traversal.null_byte", found.range()))
}

/// `traversal.wrapper`: PHP and Java stream wrappers and `file:` URLs.
fn wrapper(value: &str) -> Option<Match> {
    static WRAPPERS: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)(?P<always>php://filter|expect://|phar://|data://",
            r"|data:[\w/+.-]*(?:;[\w=-]+)*,\s*(?:<\?php|PD9waHA|PD89))",
            r"|(?P<token>php://|zip://|glob://|rar://|ogg://|compress\.(?:zlib|bzip2)://",
            r"|ssh2\.(?:shell|exec|tunnel|sftp|scp)://)",
            r"|(?P<file>\bfile:[/\\])",
        ))
        .ok()
    });
    if !value.contains(':') {
        return None;
    }
    let single_token = !value.trim().contains(char::is_whitespace);
    for found in WRAPPERS.as_ref()?.captures_iter(value) {
        let whole = found.get(0)?;
        if found.name("always").is_some() || (found.name("token").is_some() && single_token) {
            return Some(Match::new("traversal.wrapper", whole.start()..path_end(value, whole.end())));
        }
        if found.name("file").is_some()
            && let Some(span) = risky_file_url(value, whole.start(), single_token)
        {
            return Some(Match::new("traversal.wrapper", span));
        }
    }
    None
}

/// A `file:` URL at `start` that reads something it should not: a sensitive file, a system
/// directory or a climb anywhere; when the URL is the whole value, also a remote share
/// (`file://host/share`, which leaks Windows credentials) or any file outside the user
/// document folders. Returns the URL's span.
pub(crate) fn risky_file_url(value: &str, start: usize, single_token: bool) -> Option<Range<usize>> {
    let scheme_end = start + "file:".len();
    let end = path_end(value, scheme_end).max(scheme_end);
    let rest = normalise_path(value.get(scheme_end..end)?);
    let (host, path) = match rest.strip_prefix("//") {
        // `file:///etc/passwd`: an empty host; `file://host/path` otherwise.
        Some(after) => after.split_once('/').map_or((after, ""), |(host, path)| (host, path)),
        None => ("", rest.trim_start_matches('/')),
    };
    let path = path.trim_start_matches('/');
    // `file:///C:/Windows/...`: the drive letter is not part of the sensitive name.
    let path = match path.as_bytes() {
        [drive, b':', rest @ ..] if drive.is_ascii_alphabetic() => {
            std::str::from_utf8(rest).unwrap_or(path).trim_start_matches('/')
        }
        _ => path,
    };
    let climbs = path.contains("../") || path.ends_with("..");
    if climbs || in_system_dir(path) || is_sensitive(path) {
        return Some(start..end);
    }
    if !single_token {
        return None;
    }
    let remote = !host.is_empty() && host != "localhost" && host != "127.0.0.1";
    const USER_FOLDERS: &[&str] =
        &["users/", "home/", "tmp/", "mnt/", "media/", "volumes/", "documents and settings/"];
    let user_file = USER_FOLDERS.iter().any(|folder| path.starts_with(folder));
    (remote || !user_file).then_some(start..end)
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
    fn climbs_of_two_or_more_levels_in_every_spelling() {
        for value in [
            "../../etc/passwd",
            "../../../../../../../../windows/win.ini",
            "..\\..\\..\\boot.ini",
            "files/../../../app/config.php",
            "/var/www/html/../../../tmp/x",
            "....//....//....//etc/hosts",
            "..././..././secret.txt",
            "..;/..;/manager/html",
            "..%2f..%2f..%2fetc%2fpasswd",
            "%2e%2e%2f%2e%2e%2fetc/passwd",
            "%2E%2E%5C%2E%2E%5Cwindows",
            "..%252f..%252f..%252fetc/shadow",
            "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            ".%2e/.%2e/.%2e/config",
            "..//..//..//data",
            "a/b/..\\../..\\c",
            "C:\\inetpub\\wwwroot\\..\\..\\Users\\Administrator",
            "file=../../../../proc/self/cmdline",
            "download?path=..\\..\\web.config",
            "../..",
        ] {
            assert_eq!(rule(value), Some("traversal.dot_dot"), "{value}");
        }
    }

    #[test]
    fn overlong_and_iis_spellings_are_attacks_at_any_depth() {
        for value in [
            "%c0%ae%c0%ae/secret",
            "..%c0%afadmin",
            "%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
            "..%c1%9c..%c1%9cwinnt",
            "%e0%80%ae%e0%80%ae/x",
            "%u002e%u002e%u2215etc%u2215passwd",
            "..%u2216boot.ini",
            // What a lossy decoder leaves of `%c0%ae%c0%ae/` and of `..%c0%af`.
            "\u{fffd}\u{fffd}\u{fffd}\u{fffd}/\u{fffd}\u{fffd}\u{fffd}\u{fffd}/etc/passwd",
            "..\u{fffd}\u{fffd}..\u{fffd}\u{fffd}etc",
        ] {
            assert_eq!(rule(value), Some("traversal.dot_dot"), "{value}");
        }
    }

    #[test]
    fn one_climb_to_a_sensitive_target() {
        for value in [
            "../etc/passwd",
            "..\\Windows\\win.ini",
            "../.env",
            "../.git/config",
            "..%2fWEB-INF%2fweb.xml",
            "../proc/1/environ",
        ] {
            assert_eq!(rule(value), Some("traversal.dot_dot"), "{value}");
        }
    }

    #[test]
    fn sensitive_files_named_alone() {
        for value in [
            "/etc/passwd",
            "/ETC/SHADOW",
            "/proc/self/environ",
            "/proc/self/fd/3",
            "C:\\Windows\\win.ini",
            "c:/windows/system32/drivers/etc/hosts",
            "C:\\boot.ini",
            "WEB-INF/web.xml",
            "/home/deploy/.ssh/id_rsa",
            "~/.ssh/authorized_keys",
            ".env",
            "/app/.env.production",
            ".git/config",
            "/var/www/.git/HEAD",
            "wp-config.php",
            "/root/.bash_history",
            "\\\\127.0.0.1\\c$\\windows\\win.ini",
            "/var/run/secrets/kubernetes.io/serviceaccount/token",
            "C:\\Windows\\System32\\config\\SAM",
            "/proc/1/environ",
            "/proc/4242/cmdline",
            " /etc/passwd ",
            "\"/etc/shadow\"",
        ] {
            assert_eq!(rule(value), Some("traversal.sensitive_file"), "{value}");
        }
    }

    #[test]
    fn null_bytes_before_or_after_an_extension() {
        for value in [
            "shell.php\0.png",
            "../../etc/passwd%00.jpg",
            "report.pdf\0",
            "/etc/passwd\0",
            "avatar%00.gif",
            "x.php%2500.txt",
        ] {
            assert!(detect(value).is_some(), "{value}");
        }
        assert_eq!(rule("shell.php\0.png"), Some("traversal.null_byte"));
    }

    #[test]
    fn stream_wrappers() {
        for value in [
            "php://filter/convert.base64-encode/resource=index.php",
            "PHP://FILTER/read=string.rot13/resource=config",
            "php://input",
            "expect://id",
            "phar://uploads/avatar.jpg/shell",
            "zip://uploads/a.zip#shell.php",
            "data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjJ10pOyA/Pg==",
            "data:text/plain,<?php phpinfo(); ?>",
            "file:///etc/passwd",
            "file:///C:/Windows/win.ini",
            "file://attacker.example/share/x",
            "file:/proc/self/environ",
            "<!ENTITY x SYSTEM \"file:///etc/shadow\">",
            "compress.zlib://file.gz",
            "glob://*.php",
            "file:///",
        ] {
            assert_eq!(rule(value), Some("traversal.wrapper"), "{value}");
        }
    }

    #[test]
    fn legitimate_paths_prose_and_numbers_pass() {
        for value in [
            "../images/logo.png",
            "![logo](../images/logo.png)",
            "See [the guide](../guide/intro.md) and [the FAQ](../faq.md).",
            "docs/../README.md",
            "docs/guide/intro.md",
            "./src/main.rs",
            "src/../tests/fixtures/sample.json",
            "C:\\Users\\ana\\report.pdf",
            "C:\\Program Files\\Acme\\acme.exe",
            "D:\\Projects\\2024\\budget.xlsx",
            "/usr/local/bin/node",
            "/var/log/myapp/app.log",
            "/home/ana/Documents/notes.txt",
            "version 1.2..3 is out",
            "1.2..3",
            "wait...",
            "Loading... please wait...",
            "So.. / .. what now?",
            "..",
            "...",
            "and/or",
            "Add your key to the .env file and restart.",
            "I edited /etc/hosts to point staging at the new box",
            "Never commit .git/config or id_rsa files to the repo",
            "docs/.env.example",
            ".env.example",
            "id_rsa.pub",
            "https://github.com/acme/app/blob/main/.env.sample",
            "https://cdn.example.com/assets/../img/a.png",
            "The php://input stream holds the raw body.",
            "zip://archive.zip is a PHP wrapper, see the manual",
            "file:///Users/ana/Documents/report.pdf",
            "file:///home/ana/notes.txt",
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
            "https://example.com/search?q=a%2Fb&page=2",
            "100%25 sure",
            "50% off ...",
            "café/menu",
            "Ünïcödé/ök",
            "mailto:ana@example.com",
            "The hosts file lives in /etc on Linux",
            "password",
            "etc",
            "<img src=\"../images/a.png\" alt=\"a\">",
            "{{name}}/../x",
            "1..10",
            "array[1..3]",
            "/api/v1/users/42",
            "node_modules/.bin/eslint",
            ".github/workflows/ci.yml",
            "my.env",
            "a.b.c.d",
            "/proc/cpuinfo",
            "/etc/nginx/sites-available/default",
            "shadow.png",
            "/static/etc/passwd.html",
            "php:7.4",
        ] {
            assert_eq!(detect(value), None, "{value}");
        }
    }

    /// Repetitive inputs that would make a quadratic scan take minutes finish in well under
    /// the bound even in a debug build on a busy machine.
    #[test]
    fn pathological_inputs_stay_linear() {
        for (unit, times) in [
            ("../", 15_000),
            ("a/../", 8_000),
            ("%", 40_000),
            ("..%c0%af", 5_000),
            ("\u{fffd}", 15_000),
            ("file:/", 8_000),
            ("..;", 15_000),
        ] {
            let value = unit.repeat(times);
            let started = std::time::Instant::now();
            let _ = detect(&value);
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "{unit:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in r"(\.|/|\\|%2e|%2f|%c0%ae|%c0%af|\x{fffd}|;|etc|passwd|\x00|[a-z]|[^\x00]){0,60}") {
            if let Some(found) = detect(&value) {
                prop_assert!(found.span.start <= found.span.end && found.span.end <= value.len());
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
