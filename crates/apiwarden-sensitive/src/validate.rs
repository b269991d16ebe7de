//! Checksum and structural validators, written from the public specifications of each
//! format. Every function takes the candidate text as found (separators included where
//! the format allows them) and never panics.

/// The ASCII digits of `text` as values 0..=9, or `None` when `text` holds anything but
/// digits and the separators in `separators`.
pub(crate) fn digits_only(text: &str, separators: &[u8], max: usize) -> Option<Vec<u8>> {
    let mut digits = Vec::with_capacity(text.len().min(max));
    for byte in text.bytes() {
        if byte.is_ascii_digit() {
            if digits.len() >= max {
                return None;
            }
            digits.push(byte - b'0');
        } else if !separators.contains(&byte) {
            return None;
        }
    }
    Some(digits)
}

/// The Luhn (mod 10) check of ISO/IEC 7812-1 over digit values.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.len() < 2 {
        return false;
    }
    let mut sum = 0u32;
    for (index, &digit) in digits.iter().rev().enumerate() {
        let mut d = u32::from(digit);
        if index % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Card networks recognised by their issuer identification number (IIN) ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    Discover,
    Jcb,
    Diners,
    UnionPay,
    Maestro,
    Mir,
}

fn prefix_value(digits: &[u8], len: usize) -> Option<u32> {
    let prefix = digits.get(..len)?;
    Some(prefix.iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d)))
}

/// The network whose IIN range and allowed lengths fit `digits` (no Luhn check).
pub fn card_brand(digits: &[u8]) -> Option<CardBrand> {
    let len = digits.len();
    let p1 = prefix_value(digits, 1)?;
    let p2 = prefix_value(digits, 2)?;
    let p3 = prefix_value(digits, 3)?;
    let p4 = prefix_value(digits, 4)?;
    let p6 = prefix_value(digits, 6).unwrap_or(0);
    if p1 == 4 && matches!(len, 13 | 16 | 19) {
        return Some(CardBrand::Visa);
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        return Some(CardBrand::Mastercard);
    }
    if matches!(p2, 34 | 37) && len == 15 {
        return Some(CardBrand::Amex);
    }
    if (2200..=2204).contains(&p4) && (16..=19).contains(&len) {
        return Some(CardBrand::Mir);
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622_126..=622_925).contains(&p6))
        && (16..=19).contains(&len)
    {
        return Some(CardBrand::Discover);
    }
    if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        return Some(CardBrand::Jcb);
    }
    if ((300..=305).contains(&p3) || p4 == 3095 || matches!(p2, 36 | 38 | 39)) && (14..=19).contains(&len) {
        return Some(CardBrand::Diners);
    }
    if p2 == 62 && (16..=19).contains(&len) {
        return Some(CardBrand::UnionPay);
    }
    if matches!(p4, 5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761..=6763) && (16..=19).contains(&len) {
        return Some(CardBrand::Maestro);
    }
    None
}

/// A payment card number: 13–19 digits, optionally grouped by single spaces or dashes,
/// inside a known issuer range and length, passing Luhn.
pub fn card_number(text: &str) -> Option<CardBrand> {
    let digits = digits_only(text, b" -", 19)?;
    if digits.len() < 13 {
        return None;
    }
    // A run of one repeated digit passes Luhn for some lengths; no issuer uses it.
    if digits.iter().all(|&d| Some(&d) == digits.first()) {
        return None;
    }
    let brand = card_brand(&digits)?;
    luhn(&digits).then_some(brand)
}

/// IBAN lengths by country (ISO 13616 registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SC", 31),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// The registered IBAN length of a country code.
pub fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS.iter().find(|(code, _)| *code == country).map(|(_, len)| *len)
}

/// ISO 7064 mod 97-10 over an alphanumeric string (letters count as 10..=35).
pub fn mod97(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut rest = 0u32;
    for byte in chars {
        let value = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            b'A'..=b'Z' => u32::from(byte - b'A') + 10,
            _ => return None,
        };
        rest = if value >= 10 { (rest * 100 + value) % 97 } else { (rest * 10 + value) % 97 };
    }
    Some(rest)
}

/// An IBAN in electronic (`DE89370400440532013000`) or print form (groups of four
/// separated by single spaces), upper case: country length and mod-97 == 1.
pub fn iban(text: &str) -> bool {
    let mut compact = [0u8; 34];
    let mut len = 0usize;
    for byte in text.bytes() {
        if byte == b' ' {
            continue;
        }
        if !byte.is_ascii_uppercase() && !byte.is_ascii_digit() {
            return false;
        }
        let Some(slot) = compact.get_mut(len) else {
            return false;
        };
        *slot = byte;
        len += 1;
    }
    let Some(iban) = compact.get(..len) else {
        return false;
    };
    let (Some(country), Some(check), Some(bban)) = (iban.get(..2), iban.get(2..4), iban.get(4..)) else {
        return false;
    };
    if !country.iter().all(u8::is_ascii_uppercase) || !check.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Ok(country_str) = std::str::from_utf8(country) else {
        return false;
    };
    if iban_length(country_str) != Some(len) {
        return false;
    }
    let rearranged = bban.iter().chain(country.iter()).chain(check.iter()).copied();
    mod97(rearranged) == Some(1)
}

/// The US ABA routing transit number checksum, with the Federal Reserve prefix ranges
/// (00–12, 21–32, 61–72, 80).
pub fn aba_routing(text: &str) -> bool {
    let Some(d) = digits_only(text, b"", 9) else {
        return false;
    };
    let [d1, d2, d3, d4, d5, d6, d7, d8, d9] = d.as_slice() else {
        return false;
    };
    let prefix = u32::from(*d1) * 10 + u32::from(*d2);
    if !matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80) || d.iter().all(|&x| x == 0) {
        return false;
    }
    let sum = 3 * (u32::from(*d1) + u32::from(*d4) + u32::from(*d7))
        + 7 * (u32::from(*d2) + u32::from(*d5) + u32::from(*d8))
        + (u32::from(*d3) + u32::from(*d6) + u32::from(*d9));
    sum.is_multiple_of(10)
}

/// A US SSN: `AAA-GG-SSSS` (dashes or spaces, or 9 bare digits): area not 000, 666 or
/// 900–999, group not 00, serial not 0000, and not one of the numbers publicised as
/// examples (078-05-1120, 219-09-9999).
pub fn ssn(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = match bytes.len() {
        9 => digits_only(text, b"", 9),
        11 => {
            let sep = bytes.get(3).copied();
            if !matches!(sep, Some(b'-' | b' ')) || bytes.get(6).copied() != sep {
                return false;
            }
            let parts = [text.get(..3), text.get(4..6), text.get(7..)];
            let mut digits = Vec::with_capacity(9);
            for part in parts {
                digits.extend(part.and_then(|p| digits_only(p, b"", 9)).unwrap_or_default());
            }
            Some(digits)
        }
        _ => None,
    };
    let Some(d) = digits.filter(|d| d.len() == 9) else {
        return false;
    };
    let number = |range: std::ops::Range<usize>| {
        d.get(range).map(|s| s.iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x))).unwrap_or(0)
    };
    let (area, group, serial) = (number(0..3), number(3..5), number(5..9));
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    !matches!((area, group, serial), (78, 5, 1120) | (219, 9, 9999))
}

/// A UK National Insurance number: two prefix letters, six digits, a suffix A–D
/// (optional when `suffix_optional`), spaces allowed between pairs, upper case.
/// First letter not D F I Q U V; second not D F I O Q U V; not BG GB KN NK NT TN ZZ.
pub fn uk_nino(text: &str, suffix_optional: bool) -> bool {
    let compact: Vec<u8> = text.bytes().filter(|&b| b != b' ').collect();
    let (prefix, rest) = compact.split_at(compact.len().min(2));
    let [a, b] = prefix else {
        return false;
    };
    let (digits, suffix) = rest.split_at(rest.len().min(6));
    if digits.len() != 6 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match suffix {
        [] if suffix_optional => {}
        [b'A'..=b'D'] => {}
        _ => return false,
    }
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() {
        return false;
    }
    if b"DFIQUV".contains(a) || b"DFIOQUV".contains(b) {
        return false;
    }
    !matches!(prefix, b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ")
}

/// VIN transliteration value of one character (ISO 3779 / 49 CFR 565), `None` for I, O,
/// Q and anything outside A–Z, 0–9.
fn vin_value(byte: u8) -> Option<u32> {
    Some(match byte {
        b'0'..=b'9' => u32::from(byte - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

/// What a VIN check tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VinCheck {
    /// Structure fine and the position-9 check digit is right.
    CheckDigitValid,
    /// Structure fine, check digit wrong: acceptable only outside North America, where
    /// the check digit is not mandatory.
    StructureOnly,
}

/// A 17-character VIN: no I, O or Q, letters and digits both present, the last four
/// characters numeric (the serial of any sizeable manufacturer). North American VINs
/// (first character 1–5) must carry a valid check digit; others need not.
pub fn vin(text: &str) -> Option<VinCheck> {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let bytes = text.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    let (mut letters, mut digits) = (0, 0);
    for (&byte, weight) in bytes.iter().zip(WEIGHTS) {
        sum += vin_value(byte)? * weight;
        if byte.is_ascii_digit() {
            digits += 1;
        } else {
            letters += 1;
        }
    }
    if letters < 2 || digits < 5 || !bytes.get(13..)?.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let expected = match sum % 11 {
        10 => b'X',
        n => b'0' + u8::try_from(n).ok()?,
    };
    if bytes.get(8) == Some(&expected) {
        Some(VinCheck::CheckDigitValid)
    } else if matches!(bytes.first(), Some(b'1'..=b'5')) {
        None
    } else {
        Some(VinCheck::StructureOnly)
    }
}

/// A Spanish DNI (`12345678Z`) or NIE (`X1234567L`), with an optional `-` or space before
/// the check letter: letter = `TRWAGMYFPDXBNJZSQVHLCKE`[number mod 23].
pub fn es_dni(text: &str) -> bool {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let compact: Vec<u8> = text.bytes().filter(|&b| b != b'-' && b != b' ').collect();
    let Some((&letter, body)) = compact.split_last() else {
        return false;
    };
    if body.len() != 8 {
        return false;
    }
    let mut number = 0u32;
    for (index, &byte) in body.iter().enumerate() {
        let digit = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            b'X' if index == 0 => 0,
            b'Y' if index == 0 => 1,
            b'Z' if index == 0 => 2,
            _ => return false,
        };
        number = number * 10 + digit;
    }
    usize::try_from(number % 23).ok().and_then(|i| LETTERS.get(i)) == Some(&letter)
}

/// Verhoeff check over digit values (the last digit is the check digit).
pub fn verhoeff(digits: &[u8]) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 8, 7, 6, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    if digits.is_empty() {
        return false;
    }
    let mut c = 0u8;
    for (i, &digit) in digits.iter().rev().enumerate() {
        let p = P.get(i % 8).and_then(|row| row.get(usize::from(digit))).copied();
        let Some(p) = p else {
            return false;
        };
        c = D.get(usize::from(c)).and_then(|row| row.get(usize::from(p))).copied().unwrap_or(u8::MAX);
        if c == u8::MAX {
            return false;
        }
    }
    c == 0
}

/// The Verhoeff check digit to append to `digits`.
pub fn verhoeff_check_digit(digits: &[u8]) -> u8 {
    let mut with = digits.to_vec();
    with.push(0);
    for check in 0..10 {
        if let Some(last) = with.last_mut() {
            *last = check;
        }
        if verhoeff(&with) {
            return check;
        }
    }
    0
}

/// An Indian Aadhaar number: 12 digits (optionally grouped 4-4-4 by spaces or dashes),
/// first digit 2–9, Verhoeff check digit.
pub fn in_aadhaar(text: &str) -> bool {
    let Some(digits) = digits_only(text, b" -", 12) else {
        return false;
    };
    digits.len() == 12 && digits.first().is_some_and(|&d| d >= 2) && verhoeff(&digits)
}

/// The two CPF check digits of nine base digits.
pub fn cpf_check_digits(base: &[u8]) -> Option<(u8, u8)> {
    if base.len() != 9 {
        return None;
    }
    let check = |digits: &[u8], first_weight: u32| {
        let sum: u32 =
            digits.iter().enumerate().map(|(i, &d)| u32::from(d) * (first_weight - i as u32)).sum();
        let rest = (sum * 10) % 11;
        if rest == 10 { 0 } else { rest as u8 }
    };
    let first = check(base, 10);
    let mut ten = base.to_vec();
    ten.push(first);
    Some((first, check(&ten, 11)))
}

/// A Brazilian CPF: `123.456.789-09` or 11 bare digits, two mod-11 check digits, not all
/// digits equal.
pub fn br_cpf(text: &str) -> bool {
    let bytes = text.as_bytes();
    let formatted = bytes.len() == 14
        && bytes.get(3) == Some(&b'.')
        && bytes.get(7) == Some(&b'.')
        && bytes.get(11) == Some(&b'-');
    if !formatted && bytes.len() != 11 {
        return false;
    }
    let Some(digits) = digits_only(text, b".-", 11) else {
        return false;
    };
    if digits.len() != 11 || digits.iter().all(|&d| Some(&d) == digits.first()) {
        return false;
    }
    let (Some(base), Some(tail)) = (digits.get(..9), digits.get(9..)) else {
        return false;
    };
    cpf_check_digits(base).is_some_and(|(a, b)| tail == [a, b])
}

/// Shannon entropy of the bytes of `text`, in bits per byte.
pub fn shannon_entropy(text: &str) -> f64 {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &byte in bytes {
        if let Some(count) = counts.get_mut(usize::from(byte)) {
            *count += 1;
        }
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Names of the built-in validators a user-defined type may use (`validator = "luhn"`).
pub const NAMED_VALIDATORS: &[&str] =
    &["luhn", "mod97", "iban", "aba", "ssn", "uk_nino", "vin", "es_dni", "verhoeff", "br_cpf", "card"];

/// Runs a named validator on a matched value (see [`NAMED_VALIDATORS`]); digits-based
/// validators ignore spaces and dashes.
pub fn run_named(name: &str, text: &str) -> bool {
    match name {
        "luhn" => digits_only(text, b" -", 64).is_some_and(|d| luhn(&d)),
        "mod97" => {
            let compact: Vec<u8> =
                text.bytes().filter(|b| !matches!(b, b' ' | b'-')).map(|b| b.to_ascii_uppercase()).collect();
            compact.len() >= 3 && mod97(compact.into_iter()) == Some(1)
        }
        "iban" => iban(text),
        "aba" => aba_routing(text),
        "ssn" => ssn(text),
        "uk_nino" => uk_nino(text, true),
        "vin" => vin(text).is_some(),
        "es_dni" => es_dni(text),
        "verhoeff" => digits_only(text, b" -", 64).is_some_and(|d| verhoeff(&d)),
        "br_cpf" => br_cpf(text),
        "card" => card_number(text).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_issuers() {
        assert_eq!(card_number("4111 1111 1111 1111"), Some(CardBrand::Visa));
        assert_eq!(card_number("4242-4242-4242-4242"), Some(CardBrand::Visa));
        assert_eq!(card_number("5555555555554444"), Some(CardBrand::Mastercard));
        assert_eq!(card_number("2223003122003222"), Some(CardBrand::Mastercard));
        assert_eq!(card_number("378282246310005"), Some(CardBrand::Amex));
        assert_eq!(card_number("6011111111111117"), Some(CardBrand::Discover));
        assert_eq!(card_number("3530111333300000"), Some(CardBrand::Jcb));
        assert_eq!(card_number("36227206271667"), Some(CardBrand::Diners));
        assert_eq!(card_number("6200000000000005"), Some(CardBrand::UnionPay));
        // Luhn fails.
        assert_eq!(card_number("4111111111111112"), None);
        // Luhn passes, no issuer (starts with 1), or wrong length for Visa (15).
        assert!(luhn(&digits_only("1000000000000008", b"", 19).unwrap()));
        assert_eq!(card_number("1000000000000008"), None);
        assert_eq!(card_number("411111111111116"), None);
        assert_eq!(card_number("0000000000000000"), None);
        assert_eq!(card_number("4111x1111"), None);
    }

    #[test]
    fn iban_mod97_and_lengths() {
        assert!(iban("DE89370400440532013000"));
        assert!(iban("GB82 WEST 1234 5698 7654 32"));
        assert!(iban("FR1420041010050500013M02606"));
        assert!(iban("NO9386011117947"));
        assert!(!iban("DE89370400440532013001"));
        assert!(!iban("DE8937040044053201300"));
        assert!(!iban("XX89370400440532013000"));
        assert!(!iban("de89370400440532013000"));
    }

    #[test]
    fn aba_ssn_nino() {
        assert!(aba_routing("011000015"));
        assert!(aba_routing("121000358"));
        assert!(!aba_routing("011000016"));
        assert!(!aba_routing("991000015"));
        assert!(ssn("123-45-6789"));
        assert!(ssn("123 45 6789"));
        assert!(ssn("123456789"));
        assert!(!ssn("000-45-6789"));
        assert!(!ssn("666-45-6789"));
        assert!(!ssn("912-45-6789"));
        assert!(!ssn("123-00-6789"));
        assert!(!ssn("123-45-0000"));
        assert!(!ssn("078-05-1120"));
        assert!(!ssn("123-45 6789"));
        assert!(uk_nino("AB 12 34 56 C", false));
        assert!(uk_nino("JG103759A", false));
        assert!(!uk_nino("JG103759", false));
        assert!(uk_nino("JG103759", true));
        assert!(!uk_nino("DA123456A", false));
        assert!(!uk_nino("AO123456A", false));
        assert!(!uk_nino("GB123456A", false));
        assert!(!uk_nino("AB123456E", false));
    }

    #[test]
    fn vin_check_digit() {
        assert_eq!(vin("1M8GDM9AXKP042788"), Some(VinCheck::CheckDigitValid));
        assert_eq!(vin("11111111111111111"), None);
        assert_eq!(vin("1M8GDM9A1KP042788"), None);
        assert_eq!(vin("WVWZZZ1JZ3W386752"), Some(VinCheck::StructureOnly));
        assert_eq!(vin("1M8GDM9AXKP04278I"), None);
    }

    #[test]
    fn dni_aadhaar_cpf() {
        assert!(es_dni("12345678Z"));
        assert!(es_dni("X1234567L"));
        assert!(!es_dni("12345678A"));
        assert!(!es_dni("1234567Z"));
        // Verhoeff: 236 has check digit 3 (the classic worked example).
        assert_eq!(verhoeff_check_digit(&[2, 3, 6]), 3);
        assert!(verhoeff(&[2, 3, 6, 3]));
        assert!(!verhoeff(&[2, 3, 6, 4]));
        let base = [4, 9, 1, 8, 5, 6, 2, 3, 4, 7, 1];
        let mut full = base.to_vec();
        full.push(verhoeff_check_digit(&base));
        let text: String = full.iter().map(|d| char::from(b'0' + d)).collect();
        assert!(in_aadhaar(&text));
        assert!(!in_aadhaar("123456789012"));
        assert!(br_cpf("529.982.247-25"));
        assert!(br_cpf("52998224725"));
        assert!(!br_cpf("529.982.247-26"));
        assert!(!br_cpf("111.111.111-11"));
    }

    #[test]
    fn named_validators() {
        for name in NAMED_VALIDATORS {
            // Every name is wired (a wrong value is false, never a panic).
            let _ = run_named(name, "x");
        }
        assert!(run_named("luhn", "79927398713"));
        assert!(run_named("mod97", "WEST12345698765432GB82"));
        assert!(!run_named("mod97", "GB82WEST12345698765432"));
        assert!(!run_named("nope", "79927398713"));
    }

    #[test]
    fn entropy() {
        assert!(shannon_entropy("aaaaaaaa") < 0.01);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
