//! The value patterns (e-mail, card, IBAN, token shapes, ...) and the gates that decide,
//! from one cheap pass over a value, which of them can match at all.
//!
//! Each pattern is its own small [`Regex`]. An earlier design ran the union of all of them
//! as one `RegexSet`; on the varied values of real traffic its lazy DFA kept outgrowing
//! its cache and was rebuilt over and over, which made classification several times
//! slower than everything else in the pipeline. Gating each pattern on necessary
//! conditions (enough digits, an `@`, a literal prefix) leaves most values with no
//! pattern to run, and the few that run are small automata whose caches stay warm.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

/// What a pattern matches; [`crate::classify`] validates each match by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pat {
    Email,
    Phone,
    Ssn,
    /// `ssn 123456789`: nine bare digits right after an SSN keyword.
    SsnLabelled,
    Nino,
    Vin,
    Card,
    Iban,
    Ipv4,
    Ipv6,
    Jwt,
    PrivateKey,
    PasswordHash,
    AwsKeyId,
    GcpApiKey,
    GcpServiceAccount,
    Azure,
    Github,
    Gitlab,
    Slack,
    SlackWebhook,
    Stripe,
    Sendgrid,
    Openai,
    Twilio,
    Dni,
    Aadhaar,
    Cpf,
    Assignment,
    UrlUserinfo,
    Bearer,
}

const B: &str = r"(?-u:\b)";

/// Number of value patterns (the length of [`patterns`]).
pub(crate) const PATTERN_COUNT: usize = 31;

pub(crate) fn patterns() -> Vec<(Pat, String)> {
    vec![
        (Pat::Email, r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}".into()),
        (Pat::Phone, r"[+(]?[0-9][0-9 ().\-/]{5,24}[0-9]".into()),
        (Pat::Ssn, format!(r"{B}[0-9]{{3}}[\- ][0-9]{{2}}[\- ][0-9]{{4}}{B}")),
        (Pat::Nino, format!(r"{B}[A-Za-z]{{2}} ?[0-9]{{2}} ?[0-9]{{2}} ?[0-9]{{2}}(?: ?[A-Da-d])?{B}")),
        (Pat::Vin, format!(r"{B}[A-HJ-NPR-Z0-9]{{17}}{B}")),
        (
            Pat::Card,
            format!(
                r"{B}(?:[0-9]{{13,19}}|[0-9]{{4}}(?:[ \-][0-9]{{4}}){{2,3}}(?:[ \-][0-9]{{1,3}})?|[0-9]{{4}}[ \-][0-9]{{6}}[ \-][0-9]{{4,5}}){B}"
            ),
        ),
        (Pat::Iban, format!(r"{B}[A-Z]{{2}}[0-9]{{2}}(?: ?[A-Z0-9]{{4}}){{2,7}}(?: ?[A-Z0-9]{{1,4}})?{B}")),
        (Pat::Ipv4, format!(r"{B}(?:[0-9]{{1,3}}\.){{3}}[0-9]{{1,3}}{B}")),
        (Pat::Ipv6, r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}".into()),
        (Pat::Jwt, format!(r"{B}e[wy][A-Za-z0-9_\-]{{8,}}\.[A-Za-z0-9_\-]{{4,}}\.[A-Za-z0-9_\-]*")),
        (Pat::PrivateKey, r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----".into()),
        (
            Pat::PasswordHash,
            [
                r"\$2[abxy]?\$[0-3][0-9]\$[./A-Za-z0-9]{53}",
                r"\$argon2(?:id|i|d)\$(?:v=[0-9]+\$)?m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}",
                r"\$scrypt\$ln=[0-9]+,r=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/.]{8,}\$[A-Za-z0-9+/.]{16,}",
                r"\$7\$[./A-Za-z0-9]{11,}\$[./A-Za-z0-9]{43}",
                r"\$y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{8,}\$[./A-Za-z0-9]{43}",
                r"pbkdf2_sha(?:1|256|512)\$[0-9]{3,7}\$[A-Za-z0-9./+]{4,}\$[A-Za-z0-9+/]{20,}={0,2}",
                r"\$pbkdf2(?:-sha(?:1|256|512))?\$[0-9]{3,7}\$[A-Za-z0-9./+]{4,}\$[A-Za-z0-9./+]{20,}",
                r"\$[156]\$(?:rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}",
            ]
            .join("|"),
        ),
        (Pat::AwsKeyId, format!(r"{B}(?:AKIA|ASIA)[A-Z0-9]{{16}}{B}")),
        (Pat::GcpApiKey, r"AIza[0-9A-Za-z_\-]{35}".into()),
        (Pat::GcpServiceAccount, r#""type"[ \t\r\n]*:[ \t\r\n]*"service_account""#.into()),
        (
            Pat::Azure,
            r"(?:DefaultEndpointsProtocol=https?;[!#-~]{0,200}?)?AccountKey=[A-Za-z0-9+/]{86}==".into(),
        ),
        (Pat::Github, format!(r"{B}(?:gh[pousr]_[A-Za-z0-9]{{36}}|github_pat_[A-Za-z0-9]{{22}}_[A-Za-z0-9]{{59}}){B}")),
        (Pat::Gitlab, format!(r"{B}glpat-[A-Za-z0-9_\-]{{20,64}}")),
        (Pat::Slack, format!(r"{B}xox[abposr]-(?:[0-9]+-)+[0-9A-Za-z]{{8,64}}{B}")),
        (Pat::SlackWebhook, r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{20,160}".into()),
        (Pat::Stripe, format!(r"{B}(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{{16,247}}{B}")),
        (Pat::Sendgrid, format!(r"{B}SG\.[0-9A-Za-z_\-]{{22}}\.[0-9A-Za-z_\-]{{43}}")),
        (Pat::Openai, format!(r"{B}sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{{40,200}}|[A-Za-z0-9]{{48}})")),
        (Pat::Twilio, format!(r"{B}(?:AC|SK)[0-9a-f]{{32}}{B}")),
        (Pat::SsnLabelled, r"(?i-u:ssn|social security (?:number|no\.?)|ss#)[ \t:#=.\-]{0,4}[0-9]{9}(?-u:\b)".into()),
        (Pat::Dni, format!(r"{B}[0-9XYZ][0-9]{{7}}[\- ]?[A-Z]{B}")),
        (Pat::Aadhaar, format!(r"{B}[2-9][0-9]{{3}}[ \-][0-9]{{4}}[ \-][0-9]{{4}}{B}")),
        (Pat::Cpf, format!(r"{B}[0-9]{{3}}\.[0-9]{{3}}\.[0-9]{{3}}-[0-9]{{2}}{B}")),
        (
            Pat::Assignment,
            r#"[A-Za-z0-9_.\-]*(?i-u:pass(?:word|wd)?|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|credential|session[_\-]?id)[A-Za-z0-9_.\-]*["']?[ \t]*[:=][ \t]*["']?[!#-%(-+\--:=?-~]{4,256}"#
                .into(),
        ),
        (Pat::UrlUserinfo, r"[A-Za-z][A-Za-z0-9+.\-]{1,15}://[!-.0-9;-?A-~]{1,64}:[!-.0-?A-~]{1,128}@".into()),
        (Pat::Bearer, r"(?i-u:bearer)[ \t]+[A-Za-z0-9._~+/\-]{16,}=*".into()),
    ]
}

/// Literals of which a pattern needs at least one (matched ASCII case-insensitively:
/// the gate may let through more than the pattern matches, never less).
fn required_literals(pat: Pat) -> &'static [&'static str] {
    match pat {
        Pat::PrivateKey => &["PRIVATE KEY"],
        Pat::AwsKeyId => &["AKIA", "ASIA"],
        Pat::GcpApiKey => &["AIza"],
        Pat::GcpServiceAccount => &["service_account"],
        Pat::Azure => &["AccountKey="],
        Pat::Github => &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        Pat::Gitlab => &["glpat-"],
        Pat::Slack => &["xox"],
        Pat::SlackWebhook => &["hooks.slack.com/"],
        Pat::Stripe => &["_live_", "_test_"],
        Pat::Sendgrid => &["SG."],
        Pat::Openai => &["sk-"],
        Pat::Twilio => &["AC", "SK"],
        Pat::SsnLabelled => &["ssn", "social security", "ss#"],
        Pat::Assignment => &[
            "pass",
            "pwd",
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "accesskey",
            "access_key",
            "access-key",
            "privatekey",
            "private_key",
            "private-key",
            "credential",
            "sessionid",
            "session_id",
            "session-id",
        ],
        Pat::Jwt => &["ey", "ew"],
        Pat::UrlUserinfo => &["://"],
        Pat::Bearer => &["bearer"],
        _ => &[],
    }
}

/// Byte classes for [`Shape::of`].
const DIGIT: u8 = 1;
const UPPER: u8 = 2;
/// `A-Za-z0-9_-`: the characters of API keys and most token shapes.
const TOKEN: u8 = 4;
/// Token characters and `. ~ + / =`: what a bearer token or a base64 blob is made of.
const OPAQUE: u8 = 8;
/// Digits and the punctuation of written numbers (`0-9 -.()/+`).
const NUMERIC: u8 = 16;
/// `. : = @ $`, counted one by one.
const MARK: u8 = 32;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut class = 0;
        if c.is_ascii_digit() {
            class |= DIGIT | TOKEN | OPAQUE | NUMERIC;
        }
        if c.is_ascii_uppercase() {
            class |= UPPER | TOKEN | OPAQUE;
        }
        if c.is_ascii_lowercase() || c == b'_' || c == b'-' {
            class |= TOKEN | OPAQUE;
        }
        if matches!(c, b'.' | b'~' | b'+' | b'/' | b'=') {
            class |= OPAQUE;
        }
        if matches!(c, b' ' | b'-' | b'.' | b'(' | b')' | b'/' | b'+') {
            class |= NUMERIC;
        }
        if matches!(c, b'.' | b':' | b'=' | b'@' | b'$') {
            class |= MARK;
        }
        table[b] = class;
        b += 1;
    }
    table
};

/// Counts of one value, taken in a single pass, from which [`Shape::admits`] decides
/// which patterns could match.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    len: usize,
    upper: usize,
    /// The longest run of consecutive digits.
    digit_run: usize,
    /// The most digits in one run of [`NUMERIC`] bytes: every numeric pattern (phone,
    /// card, SSN, ...) matches inside one such run.
    number_digits: usize,
    /// The longest run of capitals and digits (a VIN is 17 of them).
    caps_run: usize,
    /// The longest run of [`TOKEN`] bytes.
    token_run: usize,
    /// The longest run of [`OPAQUE`] bytes.
    opaque_run: usize,
    /// Two capitals followed by two digits occur (how an IBAN starts).
    iban_start: bool,
    /// A two-letter word runs into digits, maybe after a space (how a NINO starts).
    nino_start: bool,
    /// Times a digit, a dot and a digit follow each other (an IPv4 address has three).
    dotted_digits: usize,
    dots: usize,
    colons: usize,
    double_colon: bool,
    at: bool,
    assign: bool,
    dollar: bool,
}

impl Shape {
    fn of(text: &str) -> Shape {
        let bytes = text.as_bytes();
        let mut s = Shape { len: bytes.len(), ..Shape::default() };
        let (mut digits, mut numeric, mut caps, mut token, mut opaque) = (0, 0, 0, 0, 0);
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b.is_ascii_lowercase() {
                // Words are most of free text: one tight loop per word.
                let word =
                    bytes.get(i..).unwrap_or_default().iter().take_while(|b| b.is_ascii_lowercase()).count();
                (token, opaque) = (token + word, opaque + word);
                (caps, digits, numeric) = (0, 0, 0);
                s.token_run = s.token_run.max(token);
                s.opaque_run = s.opaque_run.max(opaque);
                i += word;
                continue;
            }
            if b == b' ' {
                // Ends every run but a written number's.
                (token, opaque, caps, digits) = (0, 0, 0, 0);
                i += 1;
                continue;
            }
            let class = CLASSES[usize::from(b)];
            // Each run grows while its class holds and restarts at zero when it breaks.
            let grow = |run: usize, bit: u8| if class & bit != 0 { run + 1 } else { 0 };
            token = grow(token, TOKEN);
            opaque = grow(opaque, OPAQUE);
            caps = grow(caps, DIGIT | UPPER);
            digits = grow(digits, DIGIT);
            numeric = if class & NUMERIC != 0 { numeric + usize::from(class & DIGIT) } else { 0 };
            s.token_run = s.token_run.max(token);
            s.opaque_run = s.opaque_run.max(opaque);
            s.caps_run = s.caps_run.max(caps);
            s.digit_run = s.digit_run.max(digits);
            s.number_digits = s.number_digits.max(numeric);
            s.upper += usize::from(class & UPPER != 0);
            if digits == 1 && i >= 2 {
                let at = |j: usize| bytes.get(j).copied().unwrap_or(b' ');
                let last = if at(i - 1) == b' ' { i - 1 } else { i };
                let word_start = last < 3 || !(at(last - 3).is_ascii_alphanumeric() || at(last - 3) == b'_');
                s.nino_start |= last >= 2
                    && at(last - 1).is_ascii_alphabetic()
                    && at(last - 2).is_ascii_alphabetic()
                    && word_start;
                s.dotted_digits += usize::from(at(i - 1) == b'.' && at(i - 2).is_ascii_digit());
            }
            if digits == 2 && i >= 3 {
                let upper = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_uppercase);
                s.iban_start |= upper(i - 2) && upper(i - 3);
            }
            if class & MARK != 0 {
                match b {
                    b'.' => s.dots += 1,
                    b':' => {
                        s.colons += 1;
                        s.double_colon |= i > 0 && bytes.get(i - 1) == Some(&b':');
                        s.assign = true;
                    }
                    b'=' => s.assign = true,
                    b'@' => s.at = true,
                    _ => s.dollar = true,
                }
            }
            i += 1;
        }
        s
    }

    /// Whether any pattern at all could be admitted: the union of the weakest conditions
    /// in [`Shape::admits`], so that plain words and short ids skip the per-pattern checks.
    fn worth_checking(&self) -> bool {
        let s = self;
        s.at || s.assign
            || s.dollar
            || s.dots >= 2
            || s.number_digits >= 6
            || s.digit_run >= 7
            || s.dotted_digits >= 3
            || s.caps_run >= 17
            || s.upper >= 10
            || s.iban_start
            || s.token_run >= 15
            || s.opaque_run >= 16
            || s.double_colon
            || s.colons >= 7
    }

    /// Conditions without which a pattern finds nothing its validator accepts: read off
    /// each pattern (its fixed characters and the runs it needs), plus the validators'
    /// minimums for phones (seven digits) and IPv6 (a `::` or eight groups). The gate
    /// tests check both claims.
    fn admits(&self, pat: Pat) -> bool {
        let s = self;
        match pat {
            Pat::Email => s.at && s.dots >= 1,
            Pat::Phone => s.number_digits >= 7,
            Pat::Dni => s.digit_run >= 7,
            Pat::Ssn => s.number_digits >= 9,
            Pat::SsnLabelled => s.digit_run >= 9,
            Pat::Nino => s.nino_start && s.number_digits >= 6,
            Pat::Vin => s.caps_run >= 17,
            Pat::Card => s.number_digits >= 12,
            Pat::Iban => s.iban_start && s.len >= 12,
            Pat::Ipv4 => s.dotted_digits >= 3,
            Pat::Ipv6 => s.double_colon || s.colons >= 7,
            Pat::Jwt => s.dots >= 2 && s.token_run >= 10,
            Pat::PrivateKey => s.upper >= 10,
            Pat::PasswordHash => s.dollar,
            Pat::AwsKeyId => s.caps_run >= 20,
            Pat::GcpApiKey => s.token_run >= 39,
            Pat::GcpServiceAccount => s.colons >= 1 && s.token_run >= 15,
            Pat::Azure => s.assign && s.opaque_run >= 88,
            Pat::Github => s.token_run >= 40,
            Pat::Gitlab => s.token_run >= 26,
            Pat::Slack => s.token_run >= 15,
            Pat::SlackWebhook => s.colons >= 1 && s.opaque_run >= 40,
            Pat::Stripe => s.token_run >= 24,
            Pat::Sendgrid => s.dots >= 2 && s.opaque_run >= 69,
            Pat::Openai => s.token_run >= 48,
            Pat::Twilio => s.token_run >= 34,
            Pat::Aadhaar => s.number_digits >= 12,
            Pat::Cpf => s.number_digits >= 11 && s.dots >= 2,
            Pat::Assignment => s.assign && s.len >= 6,
            Pat::UrlUserinfo => s.at && s.colons >= 2,
            Pat::Bearer => s.opaque_run >= 16 && s.len >= 23,
        }
    }
}

/// The compiled patterns with their gates.
#[derive(Debug)]
pub(crate) struct ValuePatterns {
    patterns: Vec<(Pat, Regex)>,
    /// All required literals; a match's pattern id indexes `literal_owner`.
    literals: Option<AhoCorasick>,
    /// For each literal, the bit of the pattern (index into `patterns`) that needs it.
    literal_owner: Vec<u32>,
    /// Bit set of the patterns that need a literal.
    needs_literal: u32,
}

/// Below this length no literal-gated pattern can match, so the literal scan is skipped.
const MIN_LITERAL_VALUE: usize = 6;

impl ValuePatterns {
    pub(crate) fn new() -> ValuePatterns {
        let mut patterns = Vec::with_capacity(PATTERN_COUNT);
        let mut literals = Vec::new();
        let mut literal_owner = Vec::new();
        let mut needs_literal = 0u32;
        for (pat, source) in self::patterns() {
            // The patterns are constants of this file; a unit test compiles every one.
            let Ok(regex) = Regex::new(&source) else {
                debug_assert!(false, "built-in pattern {pat:?} does not compile");
                continue;
            };
            let bit = 1u32 << patterns.len();
            let required = required_literals(pat);
            if !required.is_empty() {
                needs_literal |= bit;
            }
            for literal in required {
                literals.push(*literal);
                literal_owner.push(bit);
            }
            patterns.push((pat, regex));
        }
        // Plain literals always build; without the automaton the literal-gated patterns
        // are simply never run (a debug assertion catches that in tests).
        let literals = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .ok();
        debug_assert!(literals.is_some());
        debug_assert!(patterns.len() <= 32, "candidates() is a u32 bit set");
        ValuePatterns { patterns, literals, literal_owner, needs_literal }
    }

    /// The patterns that can match somewhere in `text`, as a bit set over [`Self::get`].
    pub(crate) fn candidates(&self, text: &str) -> u32 {
        let shape = Shape::of(text);
        if !shape.worth_checking() {
            debug_assert!(self.patterns.iter().all(|(pat, _)| !shape.admits(*pat)), "{shape:?}");
            return 0;
        }
        let mut admitted = 0u32;
        for (i, (pat, _)) in self.patterns.iter().enumerate() {
            if shape.admits(*pat) {
                admitted |= 1 << i;
            }
        }
        if admitted & self.needs_literal != 0 {
            let mut present = 0u32;
            if text.len() >= MIN_LITERAL_VALUE
                && let Some(literals) = &self.literals
            {
                for m in literals.find_overlapping_iter(text) {
                    present |= self.literal_owner.get(m.pattern().as_usize()).copied().unwrap_or(0);
                }
            }
            admitted &= !self.needs_literal | present;
        }
        admitted
    }

    /// The pattern behind bit `index` of [`Self::candidates`].
    pub(crate) fn get(&self, index: usize) -> Option<&(Pat, Regex)> {
        self.patterns.get(index)
    }
}

/// Common value shapes in which no value pattern can find anything: a UUID, an RFC 3339
/// date or timestamp, a run of lower-case hex digits (hashes, opaque ids: a card or phone needs
/// digits not touching letters, every token shape needs other characters). Checked
/// before the set because they are the most frequent values in API traffic.
pub(crate) fn inert_shape(text: &str) -> bool {
    let b = text.as_bytes();
    let hex = |s: &[u8]| s.iter().all(u8::is_ascii_hexdigit);
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    // Lower-case hex with at least one letter (digits only could be a card or a phone;
    // upper-case letters could make an IBAN, a VIN or a Twilio SID).
    let lower_hex = |c: &u8| c.is_ascii_digit() || (b'a'..=b'f').contains(c);
    if b.len() >= 8 && b.iter().all(lower_hex) && b.iter().any(u8::is_ascii_alphabetic) {
        return true;
    }
    if b.len() == 36 {
        let groups: Vec<&[u8]> = b.split(|&c| c == b'-').collect();
        if let [g1, g2, g3, g4, g5] = groups.as_slice()
            && [g1.len(), g2.len(), g3.len(), g4.len(), g5.len()] == [8, 4, 4, 4, 12]
            && groups.iter().all(|g| hex(g))
        {
            return true;
        }
    }
    // YYYY-MM-DD, optionally followed by THH:MM:SS, fractions and a zone.
    let date = b.len() >= 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.get(..4).is_some_and(digits)
        && b.get(5..7).is_some_and(digits)
        && b.get(8..10).is_some_and(digits);
    if !date {
        return false;
    }
    let Some(rest) = b.get(10..) else {
        return true;
    };
    if rest.is_empty() {
        return true;
    }
    let time = matches!(rest.first(), Some(b'T' | b't' | b' '))
        && rest.get(3) == Some(&b':')
        && rest.get(1..3).is_some_and(digits)
        && rest.get(4..6).is_some_and(digits);
    time && rest
        .iter()
        .skip(6)
        .all(|c| c.is_ascii_digit() || matches!(c, b':' | b'.' | b'Z' | b'z' | b'+' | b'-'))
}

#[cfg(test)]
mod tests;
