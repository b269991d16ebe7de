//! Value checks for types that field-name context selects: is this a plausible name,
//! street, postcode, date of birth, passport number, phone number, secret?
//! Each check is linear in the value and allocation-free unless noted.

use crate::validate::shannon_entropy;

/// True for a value that is already masked or a placeholder, so it carries nothing:
/// `********`, `****4242`, `[REDACTED]`, `<hidden>`, `xxxx`, `${API_KEY}`, `YOUR_API_KEY`.
pub(crate) fn masked_or_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let stars = v.chars().filter(|c| matches!(c, '*' | '•' | '●' | '#')).count();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let others = v.chars().count() - stars - digits;
    if stars >= 3
        && digits <= 4
        && v.chars().all(|c| matches!(c, '*' | '•' | '●' | '#' | ' ' | '-') || c.is_ascii_digit())
    {
        return true;
    }
    if stars >= 3 && others <= 2 && digits == 0 {
        return true;
    }
    // Placeholders are short; a long value is not one (the star checks above still apply).
    if v.len() > 48 {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if lower.chars().all(|c| c == 'x' || c == '-' || c == ' ') && v.len() >= 3 {
        return true;
    }
    let wrapped = (lower.starts_with('[') && lower.ends_with(']'))
        || (lower.starts_with('<') && lower.ends_with('>'))
        || (lower.starts_with("${") && lower.ends_with('}'))
        || (lower.starts_with("{{") && lower.ends_with("}}"));
    if wrapped && lower.len() <= 48 {
        return true;
    }
    [
        "redacted",
        "filtered",
        "hidden",
        "masked",
        "your_api_key",
        "your-api-key",
        "yourapikey",
        "your_token",
        "your_secret",
        "changeme",
        "change_me",
        "placeholder",
        "undefined",
        "null",
        "none",
        "n/a",
        "not set",
        "notset",
        "true",
        "false",
    ]
    .iter()
    .any(|p| lower == *p || (p.len() >= 8 && lower.contains(p)))
        || lower.starts_with("your_")
        || lower.starts_with("your-")
        || lower.starts_with("<your")
        || lower.starts_with("insert")
}

/// A person's name: 1–5 words of letters (with `' - . ,`), the first letter of the value
/// not lower case (unless `allow_lower`: the field name is explicit), no digits or markup,
/// not a placeholder word, not ending in a company suffix (`Ltd`, `Inc`, `GmbH`, ...).
pub(crate) fn name_like(value: &str, allow_lower: bool) -> bool {
    let v = value.trim();
    if v.len() < 2 || v.len() > 80 {
        return false;
    }
    let mut words = 0;
    for word in v.split_whitespace() {
        words += 1;
        if words > 5 {
            return false;
        }
        let mut letters = 0;
        for c in word.chars() {
            if c.is_alphabetic() {
                letters += 1;
            } else if !matches!(c, '\'' | '-' | '.' | ',' | '’') {
                return false;
            }
        }
        if letters == 0 {
            return false;
        }
    }
    if !allow_lower && v.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_lowercase) {
        return false;
    }
    let lower = v.to_lowercase();
    // Company names under person-like parents (business customers).
    const COMPANY: &[&str] = &[
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "llc",
        "gmbh",
        "corp",
        "corp.",
        "corporation",
        "plc",
        "co.",
        "company",
        "s.a.",
        "sa",
        "ag",
        "bv",
        "b.v.",
        "group",
        "holdings",
        "limited",
        "technologies",
        "solutions",
        "traders",
        "srl",
    ];
    if v.split_whitespace().count() > 1
        && lower.split_whitespace().last().is_some_and(|w| COMPANY.contains(&w.trim_end_matches(',')))
    {
        return false;
    }
    !matches!(
        lower.as_str(),
        "null"
            | "none"
            | "n/a"
            | "na"
            | "unknown"
            | "test"
            | "anonymous"
            | "admin"
            | "user"
            | "guest"
            | "default"
            | "string"
            | "undefined"
            | "redacted"
            | "true"
            | "false"
            | "yes"
            | "no"
    )
}

/// A street address: letters and (a digit or at least two words), 5–200 bytes, not an
/// e-mail, URL or single token.
pub(crate) fn street_like(value: &str, strict: bool) -> bool {
    let v = value.trim();
    if v.len() < 5 || v.len() > 200 || v.contains('@') || v.contains("://") {
        return false;
    }
    let has_alpha = v.chars().any(char::is_alphabetic);
    let has_digit = v.chars().any(|c| c.is_ascii_digit());
    let words = v.split_whitespace().count();
    if !has_alpha || words < 2 {
        return false;
    }
    // Hex blobs, wallet addresses, MAC addresses.
    if v.starts_with("0x") || v.contains(':') {
        return false;
    }
    if strict { has_digit && words >= 2 } else { has_digit || words >= 2 }
}

/// A postcode in a common national format: US `12345` / `12345-6789`, UK `SW1A 1AA`,
/// Canada `K1A 0B1`, Netherlands `1234 AB`, or 4–6 digits (DE, FR, IN, AU, ...).
pub(crate) fn postcode_like(value: &str) -> bool {
    let v = value.trim();
    let b = v.as_bytes();
    let all_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    match b.len() {
        4..=6 if all_digits(b) => return true,
        10 if b.get(5) == Some(&b'-') => {
            return all_digits(b.get(..5).unwrap_or_default()) && all_digits(b.get(6..).unwrap_or_default());
        }
        _ => {}
    }
    let upper = v.to_ascii_uppercase();
    let compact: Vec<u8> = upper.bytes().filter(|&c| c != b' ').collect();
    if compact.len() != v.len() && compact.len() + 1 != v.len() {
        return false;
    }
    // Netherlands: 4 digits + 2 letters.
    if let [d1, d2, d3, d4, l1, l2] = compact.as_slice()
        && [d1, d2, d3, d4].iter().all(|d| d.is_ascii_digit())
        && l1.is_ascii_alphabetic()
        && l2.is_ascii_alphabetic()
    {
        return true;
    }
    // Canada: A1A 1A1.
    if let [a, b1, c, d, e, f] = compact.as_slice()
        && a.is_ascii_alphabetic()
        && b1.is_ascii_digit()
        && c.is_ascii_alphabetic()
        && d.is_ascii_digit()
        && e.is_ascii_alphabetic()
        && f.is_ascii_digit()
    {
        return true;
    }
    // UK: outward code (A9, A99, AA9, AA99, A9A, AA9A) + inward code (9AA).
    if (5..=7).contains(&compact.len()) {
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let inward_ok = matches!(inward, [d, a, b] if d.is_ascii_digit() && a.is_ascii_alphabetic() && b.is_ascii_alphabetic());
        let outward_ok = outward.first().is_some_and(u8::is_ascii_alphabetic)
            && outward.iter().any(u8::is_ascii_digit)
            && outward.iter().all(u8::is_ascii_alphanumeric)
            && outward.iter().take(2).filter(|c| c.is_ascii_alphabetic()).count() >= 1;
        return inward_ok && outward_ok;
    }
    false
}

/// The current calendar year (UTC), from the system clock; 2100 if the clock is unset.
pub(crate) fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(4_102_444_800);
    1970 + i32::try_from(secs / 31_556_952).unwrap_or(130)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses a calendar date in a common form: `YYYY-MM-DD` (also with `/` or `.`, or an ISO
/// date-time), `DD/MM/YYYY`, `MM/DD/YYYY`, `DD.MM.YYYY`, `DD-MM-YYYY`, `YYYYMMDD`.
pub(crate) fn parse_date(value: &str) -> Option<(i32, u32, u32)> {
    let v = value.trim();
    if let Some(date) = parse_written_date(v) {
        return Some(date);
    }
    let date = v.split(['T', ' ']).next().unwrap_or(v);
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => (num(y)?, num(m)?, num(d)?),
        [a, b, y] if y.len() == 4 => {
            let (a, b) = (num(a)?, num(b)?);
            // Day-first unless that cannot be a date and month-first can.
            if b <= 12 && a <= 31 { (num(y)?, b, a) } else { (num(y)?, a, b) }
        }
        [compact] if compact.len() == 8 && compact.bytes().all(|b| b.is_ascii_digit()) => {
            let y = num(compact.get(..4)?)?;
            (y, num(compact.get(4..6)?)?, num(compact.get(6..)?)?)
        }
        _ => return None,
    };
    let year = i32::try_from(year).ok()?;
    (day >= 1 && day <= days_in_month(year, month)).then_some((year, month, day))
}

/// `April 12, 1985`, `12 April 1985`, `Apr 12 1985` (English month names).
fn parse_written_date(value: &str) -> Option<(i32, u32, u32)> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let words: Vec<&str> = value.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let [a, b, c] = words.as_slice() else {
        return None;
    };
    let month_of = |w: &str| {
        let lower = w.to_ascii_lowercase();
        let prefix = lower.get(..3)?;
        MONTHS.iter().position(|m| *m == prefix).and_then(|i| u32::try_from(i + 1).ok())
    };
    let number = |w: &str| w.trim_end_matches(['.', 's', 't', 'n', 'd', 'r', 'h']).parse::<u32>().ok();
    let (month, day, year) = match (month_of(a), month_of(b)) {
        (Some(m), _) => (m, number(b)?, c.parse::<i32>().ok()?),
        (None, Some(m)) => (m, number(a)?, c.parse::<i32>().ok()?),
        _ => return None,
    };
    (day >= 1 && day <= days_in_month(year, month)).then_some((year, month, day))
}

/// A date of birth: a parseable date between 1900 and this year.
pub(crate) fn birth_date_like(value: &str) -> bool {
    parse_date(value).is_some_and(|(y, _, _)| (1900..=current_year()).contains(&y))
}

/// A passport number: 6–9 letters and digits with at least one digit, not one repeated
/// character.
pub(crate) fn passport_like(value: &str) -> bool {
    let v = value.trim();
    (6..=9).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric())
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().filter(u8::is_ascii_alphabetic).count() <= 3
        && !v.bytes().all(|b| Some(b) == v.bytes().next())
}

/// A card expiry: `MM/YY`, `MM/YYYY`, `MM-YY`, `MMYY`, `YYYY-MM`, month in range.
pub(crate) fn expiry_like(value: &str) -> bool {
    let v = value.trim();
    let b = v.as_bytes();
    let num = |s: Option<&[u8]>| -> Option<u32> {
        let s = s?;
        (!s.is_empty() && s.iter().all(u8::is_ascii_digit))
            .then(|| s.iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0')))
    };
    let month_ok = |m: Option<u32>| m.is_some_and(|m| (1..=12).contains(&m));
    match b.len() {
        4 => month_ok(num(b.get(..2))) && num(b.get(2..)).is_some(),
        5 | 7 if matches!(b.get(2), Some(b'/' | b'-')) => {
            month_ok(num(b.get(..2))) && num(b.get(3..)).is_some()
        }
        7 if b.get(4) == Some(&b'-') => {
            num(b.get(..4)).is_some_and(|y| y >= 2000) && month_ok(num(b.get(5..)))
        }
        _ => false,
    }
}

fn token_charset(value: &str) -> bool {
    value.bytes().all(|b| {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b'+' | b'=' | b'~' | b':' | b'%')
    })
}

/// A secret under a secret-like name: 12–512 bytes of token characters, no whitespace,
/// not a URL, path, e-mail or placeholder, with enough entropy (hex ≥ 32 chars, otherwise
/// ≥ 3.0 bits per byte with letters and digits, or ≥ 3.5 with both cases over 20+ bytes).
pub(crate) fn secret_like(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 12 || v.len() > 512 || !token_charset(v) || masked_or_placeholder(v) {
        return false;
    }
    if v.contains("://") || v.starts_with('/') || v.contains('@') || v.starts_with("arn:") {
        return false;
    }
    let hex = v.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = v.bytes().any(|b| b.is_ascii_digit());
    let letters = v.bytes().any(|b| b.is_ascii_alphabetic());
    let entropy = shannon_entropy(v);
    if hex {
        return v.len() >= 20 && entropy >= 3.0;
    }
    let upper = v.bytes().any(|b| b.is_ascii_uppercase());
    let lower = v.bytes().any(|b| b.is_ascii_lowercase());
    (digits && letters && entropy >= 3.0) || (v.len() >= 20 && upper && lower && entropy >= 3.5)
}

/// An AWS secret access key: 40 characters of the base64 alphabet, high entropy.
pub(crate) fn aws_secret_like(value: &str) -> bool {
    let v = value.trim();
    v.len() == 40
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && v.bytes().any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
        && shannon_entropy(v) >= 4.0
}

/// A session identifier: 16–512 token characters, letters and digits (or hex), entropy.
pub(crate) fn session_like(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 16 || v.len() > 512 || !token_charset(v) || masked_or_placeholder(v) {
        return false;
    }
    let hex = v.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = v.bytes().any(|b| b.is_ascii_digit());
    let letters = v.bytes().any(|b| b.is_ascii_alphabetic());
    let entropy = shannon_entropy(v);
    ((hex || (digits && letters)) && entropy >= 3.0) || (v.len() >= 20 && letters && entropy >= 3.5)
}

/// A password value: not empty, not masked, at most 256 bytes, one line.
pub(crate) fn password_like(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && v.len() <= 256 && !v.contains('\n') && !masked_or_placeholder(v)
}

/// NANP rules for a 10-digit number: area code and exchange start 2–9, neither is N11,
/// the area code's middle digit is not 9 (reserved).
pub(crate) fn nanp_ok(digits: &[u8]) -> bool {
    let [a1, a2, a3, e1, e2, e3, ..] = digits else {
        return false;
    };
    digits.len() == 10
        && *a1 >= 2
        && !(*a2 == 1 && *a3 == 1)
        && *a2 != 9
        && *e1 >= 2
        && !(*e2 == 1 && *e3 == 1)
}

const TWO_DIGIT_CC: &[u8] = &[
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
    60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
];

/// E.164 check of the digits after `+`: a plausible country code and national length.
fn international_ok(digits: &[u8]) -> bool {
    let len = digits.len();
    if !(8..=15).contains(&len) {
        return false;
    }
    let d0 = digits.first().copied().unwrap_or(0);
    let d1 = digits.get(1).copied().unwrap_or(0);
    match d0 {
        0 => false,
        1 => len == 11 && nanp_ok(digits.get(1..).unwrap_or_default()),
        7 => len == 11,
        _ => {
            let cc2 = d0 * 10 + d1;
            if TWO_DIGIT_CC.contains(&cc2) {
                let national = len - 2;
                match cc2 {
                    44 => (9..=10).contains(&national),
                    33 => national == 9,
                    91 => national == 10,
                    49 => (6..=13).contains(&national),
                    86 => (10..=11).contains(&national),
                    _ => (6..=12).contains(&national),
                }
            } else {
                // Three-digit codes (2xx, 3xx, 4xx, 5xx, 6xx, 8xx, 9xx).
                (5..=12).contains(&(len - 3)) && d0 != 1 && d0 != 7
            }
        }
    }
}

/// Judges a phone-number candidate; returns a confidence when it is one.
/// `context`: the field name says phone. See the crate docs for the formats.
pub(crate) fn phone(candidate: &str, context: bool) -> Option<f32> {
    let t = candidate.trim();
    if t.len() < 7 || t.len() > 32 {
        return None;
    }
    let mut digits = [0u8; 20];
    let mut n = 0usize;
    let mut groups = [0u8; 8];
    let mut g = 0usize;
    let mut run = 0u8;
    let mut separators = 0;
    let mut last_sep = b' ';
    let mut parens = 0;
    let bytes = t.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                *digits.get_mut(n)? = b - b'0';
                n += 1;
                run += 1;
            }
            b'+' if i == 0 => {}
            b' ' | b'-' | b'.' | b'(' | b')' | b'/' => {
                if b == b'(' {
                    parens += 1;
                }
                if run > 0 {
                    *groups.get_mut(g)? = run;
                    g += 1;
                    run = 0;
                    separators += 1;
                    if b != b'(' && b != b')' {
                        last_sep = b;
                    }
                }
            }
            _ => return None,
        }
    }
    if run > 0 {
        *groups.get_mut(g)? = run;
        g += 1;
    }
    if parens > 1 {
        return None;
    }
    let digits = digits.get(..n)?;
    let groups = groups.get(..g)?;
    if digits.iter().all(|&d| Some(&d) == digits.first()) {
        return None;
    }
    let plus = t.starts_with('+');
    let double_zero = !plus && t.starts_with("00") && (separators > 0 || context);
    if plus || double_zero {
        let international = if double_zero { digits.get(2..)? } else { digits };
        if international_ok(international) {
            return Some(if context { 0.95 } else { 0.85 });
        }
        return None;
    }
    // NANP: 3-3-4 (optionally preceded by a 1 group), or 10 bare digits with context.
    let nanp_digits = match (digits.len(), digits.first()) {
        (10, _) => Some(digits),
        (11, Some(1)) => digits.get(1..),
        _ => None,
    };
    if let Some(national) = nanp_digits
        && nanp_ok(national)
    {
        let shaped = matches!(groups, [3, 3, 4] | [1, 3, 3, 4]);
        if shaped {
            return Some(if context { 0.95 } else { 0.75 });
        }
        if context {
            return Some(0.85);
        }
    }
    let trunk = digits.first() == Some(&0);
    if context {
        return ((7..=13).contains(&digits.len()) && (trunk || separators > 0 || digits.len() >= 10))
            .then_some(0.8);
    }
    // Distinctive national formats without context.
    let consistent = bytes.iter().filter(|b| matches!(b, b' ' | b'.' | b'-')).all(|&b| b == last_sep);
    let french =
        trunk && digits.len() == 10 && groups == [2, 2, 2, 2, 2] && consistent && digits.get(1) != Some(&0);
    let uk = trunk
        && matches!(digits.get(1), Some(1 | 2 | 3 | 7 | 8))
        && ((digits.len() == 11 && matches!(groups, [5, 6] | [3, 4, 4] | [4, 3, 4] | [5, 3, 3]))
            || (digits.len() == 10 && matches!(groups, [3, 3, 4] | [5, 5])));
    let indian_mobile = digits.len() == 10 && groups == [5, 5] && digits.first().is_some_and(|&d| d >= 6);
    (french || uk || indian_mobile).then_some(0.7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_placeholders() {
        for v in [
            "********",
            "****4242",
            "[REDACTED]",
            "<hidden>",
            "xxxx",
            "${API_KEY}",
            "YOUR_API_KEY",
            "null",
            "",
        ] {
            assert!(masked_or_placeholder(v), "{v}");
        }
        for v in ["hunter2", "correct horse", "4242"] {
            assert!(!masked_or_placeholder(v), "{v}");
        }
    }

    #[test]
    fn names_streets_postcodes_dates() {
        assert!(name_like("Ann Lee", false));
        assert!(name_like("José Álvarez-Núñez", false));
        assert!(name_like("O'Brien", false));
        assert!(name_like("李小龍", false));
        assert!(!name_like("ann lee", false));
        assert!(!name_like("Widget 3000", false));
        assert!(!name_like("Unknown", false));
        assert!(name_like("ann lee", true));
        assert!(!name_like("Acme Holdings Ltd", false));
        assert!(!name_like("Globex Corp", true));
        assert!(street_like("1 Main Street", true));
        assert!(!street_like("London", false));
        assert!(!street_like("0x52908400098527886E0F7030069857D2E4169EE7", false));
        for p in ["94105", "94105-1234", "SW1A 1AA", "EC1A1BB", "K1A 0B1", "1012 AB", "75008", "560001"] {
            assert!(postcode_like(p), "{p}");
        }
        for p in ["hello", "123", "ABCDEFG", "12 34 56"] {
            assert!(!postcode_like(p), "{p}");
        }
        assert!(birth_date_like("1985-04-12"));
        assert!(birth_date_like("12/04/1985"));
        assert!(birth_date_like("1985-04-12T00:00:00Z"));
        assert!(birth_date_like("April 12, 1985"));
        assert!(birth_date_like("12 Apr 1985"));
        assert!(!birth_date_like("Smarch 12, 1985"));
        assert!(!birth_date_like("1985-02-30"));
        assert!(!birth_date_like("2999-01-01"));
        assert!(!birth_date_like("yesterday"));
    }

    #[test]
    fn phones() {
        assert!(phone("+1 415 555 0123", false).is_some());
        assert!(phone("+44 20 7946 0958", false).is_some());
        assert!(phone("+4930123456", false).is_some());
        assert!(phone("(415) 555-0123", false).is_some());
        assert!(phone("415-555-0123", false).is_some());
        assert!(phone("01 23 45 67 89", false).is_some());
        assert!(phone("07700 900123", false).is_some());
        assert!(phone("4155550123", false).is_none());
        assert!(phone("4155550123", true).is_some());
        assert!(phone("+1 111 555 0123", false).is_none());
        assert!(phone("2024-01-15", false).is_none());
        assert!(phone("1.2.3.4", false).is_none());
        assert!(phone("+12", false).is_none());
    }

    #[test]
    fn secrets_and_sessions() {
        assert!(secret_like("9f2c41d0a7b34e1f8c6d2b0a5e7f9c13"));
        assert!(secret_like("kP3xR8vQ2mN7wL5tY9zB"));
        assert!(!secret_like("Bearer"));
        assert!(!secret_like("https://auth.example.com/token"));
        assert!(!secret_like("YOUR_API_KEY_HERE"));
        assert!(!secret_like("aaaaaaaaaaaaaaaaaaaa"));
        assert!(session_like("s%3AkP3xR8vQ2mN7wL5tY9zB.abc"));
        assert!(!session_like("dark"));
    }

    #[test]
    fn expiry() {
        for v in ["12/26", "01/2027", "0526", "2027-05", "05-27"] {
            assert!(expiry_like(v), "{v}");
        }
        for v in ["13/26", "2026", "hello"] {
            assert!(!expiry_like(v), "{v}");
        }
    }
}
