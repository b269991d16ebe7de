//! The labelled corpus: a deterministic generator of API fields *in context* (field name,
//! location, parent object, siblings) with the data type each field really holds, and the
//! scoring of a classifier against it.
//!
//! Written from the public descriptions of each format; values are random (seeded), not
//! taken from any data set. Shared by `tests/corpus_quality.rs` and
//! `examples/score_corpus.rs` (`#[path]` include), so it is not part of the library.
//!
//! Every record is a small call: a list of fields, each labelled with the set of type ids
//! it holds (empty for a negative). Hard negatives sit beside the positives: identifiers
//! that look like cards or phones, Luhn-valid numbers of no issuer, UUIDs, epoch times,
//! hashes, commit ids, SKUs, versions, base64 images, names of products and hosts, masked
//! values, token metadata.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};

use apiwarden_core::{Direction, Field, FieldValue, Location};
use apiwarden_sensitive::Classifier;
use apiwarden_sensitive::validate;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;

/// One labelled call.
#[derive(Clone, Debug)]
pub struct Record {
    pub kind: &'static str,
    pub fields: Vec<Field>,
    pub labels: Vec<Vec<&'static str>>,
}

impl Record {
    fn new(kind: &'static str) -> Record {
        Record { kind, fields: Vec::new(), labels: Vec::new() }
    }

    fn add(
        &mut self,
        location: Location,
        path: &str,
        value: FieldValue,
        labels: &[&'static str],
    ) -> &mut Self {
        self.add_dir(Direction::Request, location, path, value, labels)
    }

    fn add_dir(
        &mut self,
        direction: Direction,
        location: Location,
        path: &str,
        value: FieldValue,
        labels: &[&'static str],
    ) -> &mut Self {
        self.fields.push(Field { direction, location, path: path.to_owned(), value });
        self.labels.push(labels.to_vec());
        self
    }

    fn text(&mut self, path: &str, value: impl Into<String>, labels: &[&'static str]) -> &mut Self {
        self.add(Location::Body, path, FieldValue::Text(value.into()), labels)
    }

    fn num(&mut self, path: &str, value: serde_json::Value, labels: &[&'static str]) -> &mut Self {
        let value = match value {
            serde_json::Value::Number(n) => FieldValue::Number(n),
            serde_json::Value::Bool(b) => FieldValue::Bool(b),
            serde_json::Value::String(s) => FieldValue::Text(s),
            _ => FieldValue::Null,
        };
        self.add(Location::Body, path, value, labels)
    }
}

const FIRST: &[&str] = &[
    "Ann", "James", "Maria", "Wei", "Aisha", "Olusegun", "Priya", "Lars", "Sofía", "Mateo", "Yuki", "Fatima",
    "Liam", "Chloé", "Dmitri", "Ingrid", "Kwame", "Zoë", "Ahmed", "Mei", "Noah", "Isabella", "Raj", "Hannah",
    "Seán", "Björn", "Amara", "Diego", "Elif", "Tomasz", "Nguyen", "Grace", "Omar", "Lucía", "Arjun", "Emma",
];
const LAST: &[&str] = &[
    "Lee",
    "Smith",
    "García",
    "Zhang",
    "Okafor",
    "Patel",
    "Andersson",
    "Müller",
    "Rossi",
    "Tanaka",
    "Haddad",
    "O'Brien",
    "Nowak",
    "Dubois",
    "Kowalski",
    "Ivanova",
    "Mensah",
    "Fernández-López",
    "Khan",
    "Nakamura",
    "Johnson",
    "Silva",
    "Schmidt",
    "Kim",
    "Singh",
    "Brown",
    "Murphy",
    "Yilmaz",
    "Jensen",
    "Costa",
    "Wright",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.org",
    "corp.example.co.uk",
    "example.net",
    "inbox.example.io",
    "example.de",
    "students.example.edu",
    "example.com.br",
    "team.example.app",
    "example.fr",
];
const STREETS: &[&str] = &[
    "Main Street",
    "High St",
    "Baker Street",
    "Rue de Rivoli",
    "Hauptstraße",
    "Calle Mayor",
    "Elm Avenue",
    "Oak Road",
    "Park Lane",
    "Station Rd",
    "Via Roma",
    "Maple Drive",
    "King's Road",
    "Market Square",
];
const CITIES: &[&str] = &[
    "London",
    "Paris",
    "Berlin",
    "Madrid",
    "Springfield",
    "Toronto",
    "Mumbai",
    "São Paulo",
    "Osaka",
    "Lagos",
];
const WORDS: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
    "nisi",
    "aliquip",
    "commodo",
    "consequat",
];
const PRODUCTS: &[&str] = &[
    "Blue Widget",
    "Ergonomic Chair",
    "Wireless Mouse",
    "Coffee Grinder",
    "Trail Running Shoes",
    "Desk Lamp",
    "Noise Cancelling Headphones",
    "Yoga Mat",
    "Cast Iron Pan",
    "Smart Thermostat",
    "Water Bottle",
];

pub struct Gen {
    rng: StdRng,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen { rng: StdRng::seed_from_u64(seed) }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *items.choose(&mut self.rng).unwrap()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        self.rng.random_range(lo..=hi)
    }

    fn pick_chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*alphabet.choose(&mut self.rng).unwrap())).collect()
    }

    fn digits(&mut self, n: usize) -> String {
        self.pick_chars(b"0123456789", n)
    }

    fn alnum(&mut self, n: usize) -> String {
        self.pick_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n)
    }

    fn upper_alnum(&mut self, n: usize) -> String {
        self.pick_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)
    }

    fn hex(&mut self, n: usize) -> String {
        self.pick_chars(b"0123456789abcdef", n)
    }

    fn b64(&mut self, n: usize) -> String {
        self.pick_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", n)
    }

    fn b64url(&mut self, n: usize) -> String {
        self.pick_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", n)
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.pick(&["8", "9", "a", "b"]),
            self.hex(3),
            self.hex(12)
        )
    }

    fn sentence(&mut self, words: usize) -> String {
        let s: Vec<&str> = (0..words).map(|_| self.pick(WORDS)).collect();
        let mut text = s.join(" ");
        if let Some(c) = text.get(..1) {
            text = format!("{}{}", c.to_uppercase(), text.get(1..).unwrap_or(""));
        }
        text.push('.');
        text
    }

    fn epoch(&mut self) -> u64 {
        self.range(1_500_000_000, 1_800_000_000)
    }

    fn iso_datetime(&mut self) -> String {
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.range(2019, 2026),
            self.range(1, 12),
            self.range(1, 28),
            self.range(0, 23),
            self.range(0, 59),
            self.range(0, 59)
        )
    }

    // ---- personal ----

    fn first(&mut self) -> &'static str {
        FIRST.choose(&mut self.rng).unwrap()
    }

    fn last(&mut self) -> &'static str {
        LAST.choose(&mut self.rng).unwrap()
    }

    fn ascii(name: &str) -> String {
        name.chars()
            .map(|c| match c {
                'á' | 'à' | 'ä' | 'â' => 'a',
                'é' | 'è' | 'ë' | 'ê' => 'e',
                'í' | 'ï' => 'i',
                'ó' | 'ö' | 'ô' => 'o',
                'ú' | 'ü' => 'u',
                'ñ' => 'n',
                'ø' => 'o',
                'ß' => 's',
                other => other,
            })
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    }

    pub fn email(&mut self) -> String {
        let (f, l) = (Self::ascii(self.first()), Self::ascii(self.last()));
        let local = match self.range(0, 6) {
            0 => format!("{f}.{l}"),
            1 => format!("{f}{l}{}", self.range(1, 99)),
            2 => format!("{}{l}", &f[..1]),
            3 => format!("{f}_{l}"),
            4 => format!("{f}+{}", self.pick(&["news", "shop", "test", "work"])),
            5 => format!("{}.{}", f.to_uppercase(), l),
            _ => f.clone(),
        };
        format!("{local}@{}", self.pick(DOMAINS))
    }

    fn nanp(&mut self) -> (String, String, String) {
        let area = loop {
            let a = format!("{}{}{}", self.range(2, 9), self.range(0, 8), self.range(0, 9));
            if &a[1..] != "11" {
                break a;
            }
        };
        let exchange = loop {
            let e = format!("{}{}", self.range(2, 9), self.digits(2));
            if &e[1..] != "11" {
                break e;
            }
        };
        (area, exchange, self.digits(4))
    }

    /// A phone number and whether it needs field-name context to be recognisable.
    pub fn phone(&mut self) -> (String, bool) {
        let (a, e, s) = self.nanp();
        match self.range(0, 13) {
            0 => (format!("+1{a}{e}{s}"), false),
            1 => (format!("+1 ({a}) {e}-{s}"), false),
            2 => (format!("({a}) {e}-{s}"), false),
            3 => (format!("{a}-{e}-{s}"), false),
            4 => (format!("{a}.{e}.{s}"), false),
            5 => (format!("+44 20 {} {}", self.digits(4), self.digits(4)), false),
            6 => (format!("+44 7{} {}", self.digits(3), self.digits(6)), false),
            7 => (format!("+49 30 {}", self.digits(8)), false),
            8 => (
                format!(
                    "+33 {} {} {} {} {}",
                    self.range(1, 9),
                    self.digits(2),
                    self.digits(2),
                    self.digits(2),
                    self.digits(2)
                ),
                false,
            ),
            9 => (format!("+91 {}{} {}", self.range(6, 9), self.digits(4), self.digits(5)), false),
            10 => (
                format!(
                    "0{} {} {} {} {}",
                    self.range(1, 9),
                    self.digits(2),
                    self.digits(2),
                    self.digits(2),
                    self.digits(2)
                ),
                false,
            ),
            11 => (format!("07{} {}", self.digits(3), self.digits(6)), false),
            12 => (format!("{a}{e}{s}"), true),
            _ => (format!("0{} {}", self.range(30, 89), self.digits(7)), true),
        }
    }

    pub fn full_name(&mut self) -> String {
        format!("{} {}", self.first(), self.last())
    }

    fn street(&mut self) -> String {
        match self.range(0, 3) {
            0 => format!("{} {}", self.range(1, 999), self.pick(STREETS)),
            1 => format!("{}{} {}", self.range(1, 300), self.pick(&["A", "B", "C"]), self.pick(STREETS)),
            2 => format!("{} {}", self.pick(STREETS), self.range(1, 120)),
            _ => format!("Flat {}, {} {}", self.range(1, 40), self.range(1, 200), self.pick(STREETS)),
        }
    }

    fn postcode(&mut self) -> String {
        let letters = b"ABCDEFGHJKLMNPRSTUWXYZ";
        match self.range(0, 4) {
            0 => self.digits(5).replace('0', "1"),
            1 => format!("{}-{}", self.range(10000, 99999), self.digits(4)),
            2 => format!(
                "{}{} {}{}",
                self.pick_chars(letters, 2),
                self.range(1, 20),
                self.range(1, 9),
                self.pick_chars(letters, 2)
            ),
            3 => format!("{} {}", self.range(1000, 9999), self.pick_chars(letters, 2)),
            _ => format!("{}", self.range(100000, 999999)),
        }
    }

    fn dob(&mut self) -> String {
        let (y, m, d) = (self.range(1935, 2008), self.range(1, 12), self.range(1, 28));
        match self.range(0, 4) {
            0 => format!("{y}-{m:02}-{d:02}"),
            1 => format!("{d:02}/{m:02}/{y}"),
            2 => format!("{m:02}/{d:02}/{y}"),
            3 => format!("{d:02}.{m:02}.{y}"),
            _ => format!("{y}-{m:02}-{d:02}T00:00:00Z"),
        }
    }

    fn ipv4(&mut self) -> String {
        let first = *[8u64, 23, 45, 64, 81, 91, 103, 142, 172, 185, 192, 198, 203, 212]
            .choose(&mut self.rng)
            .unwrap();
        format!("{first}.{}.{}.{}", self.range(0, 255), self.range(0, 255), self.range(1, 254))
    }

    fn ipv6(&mut self) -> String {
        match self.range(0, 2) {
            0 => format!("2001:db8:{}::{}", self.hex(4).trim_start_matches('0'), self.hex(3)),
            1 => (0..8).map(|_| self.hex(4)).collect::<Vec<_>>().join(":"),
            _ => format!("fe80::{}:{}ff:fe{}:{}", self.hex(4), self.hex(2), self.hex(2), self.hex(4)),
        }
    }

    fn ssn(&mut self) -> String {
        loop {
            let area = self.range(1, 899);
            if area == 666 {
                continue;
            }
            let s = format!("{area:03}-{:02}-{:04}", self.range(1, 99), self.range(1, 9999));
            if validate::ssn(&s) {
                return s;
            }
        }
    }

    fn nino(&mut self) -> String {
        loop {
            let a = self.pick_chars(b"ABCEGHJKLMNOPRSTWXYZ", 1);
            let b = self.pick_chars(b"ABCEGHJKLMNPRSTWXYZ", 1);
            let prefix = format!("{a}{b}");
            if ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&prefix.as_str()) {
                continue;
            }
            let d = self.digits(6);
            let suffix = self.pick(&["A", "B", "C", "D"]);
            return if self.chance(0.5) {
                format!("{prefix}{d}{suffix}")
            } else {
                format!("{prefix} {} {} {} {suffix}", &d[..2], &d[2..4], &d[4..])
            };
        }
    }

    /// A VIN and whether its check digit is valid (North American ones always are).
    fn vin(&mut self) -> (String, bool) {
        const CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        let na = self.chance(0.6);
        let wmi = if na {
            self.pick(&["1HG", "1FT", "2T1", "3VW", "5YJ", "1G1", "4T1", "JHM"]).to_string()
        } else {
            self.pick(&["WVW", "WBA", "VF1", "ZFA", "SAL", "KMH", "YV1", "TMB"]).to_string()
        };
        let wmi = if na && wmi == "JHM" { "1N4".to_string() } else { wmi };
        let vds = self.pick_chars(CHARS, 5);
        let year = self.pick_chars(b"ABCDEFGHJKLMNPRSTVWXY123456789", 1);
        let plant = self.pick_chars(CHARS, 1);
        let serial = format!("{}{}", self.pick_chars(CHARS, 2), self.digits(4));
        let mut vin = format!("{wmi}{vds}0{year}{plant}{serial}");
        let valid = na || self.chance(0.5);
        let weights = [8u32, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        let value = |c: u8| -> u32 {
            match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'A' | b'J' => 1,
                b'B' | b'K' | b'S' => 2,
                b'C' | b'L' | b'T' => 3,
                b'D' | b'M' | b'U' => 4,
                b'E' | b'N' | b'V' => 5,
                b'F' | b'W' => 6,
                b'G' | b'P' | b'X' => 7,
                b'H' | b'Y' => 8,
                _ => 9,
            }
        };
        let sum: u32 = vin.bytes().zip(weights).map(|(c, w)| value(c) * w).sum();
        let check = match sum % 11 {
            10 => 'X',
            n => char::from(b'0' + n as u8),
        };
        let check = if valid {
            check
        } else {
            // Any other digit: a European VIN need not carry a valid one.
            (0..10).map(|d| char::from(b'0' + d)).find(|c| *c != check).unwrap()
        };
        vin.replace_range(8..9, &check.to_string());
        (vin, valid)
    }

    fn dni(&mut self) -> String {
        const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
        if self.chance(0.7) {
            let n = self.range(1_000_000, 99_999_999);
            format!("{n:08}{}", char::from(LETTERS[(n % 23) as usize]))
        } else {
            let (prefix, lead) = *[("X", 0u64), ("Y", 1), ("Z", 2)].choose(&mut self.rng).unwrap();
            let n = self.range(0, 9_999_999);
            let full = lead * 10_000_000 + n;
            format!("{prefix}{n:07}{}", char::from(LETTERS[(full % 23) as usize]))
        }
    }

    fn aadhaar(&mut self) -> String {
        let mut digits: Vec<u8> = vec![self.range(2, 9) as u8];
        digits.extend((0..10).map(|_| self.range(0, 9) as u8));
        digits.push(validate::verhoeff_check_digit(&digits));
        let s: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        if self.chance(0.6) { format!("{} {} {}", &s[..4], &s[4..8], &s[8..]) } else { s }
    }

    fn cpf(&mut self) -> String {
        let base: Vec<u8> = (0..9).map(|_| self.range(0, 9) as u8).collect();
        let (a, b) = validate::cpf_check_digits(&base).unwrap();
        let s: String = base.iter().chain([a, b].iter()).map(|d| char::from(b'0' + d)).collect();
        if self.chance(0.7) { format!("{}.{}.{}-{}", &s[..3], &s[3..6], &s[6..9], &s[9..]) } else { s }
    }

    fn passport(&mut self) -> String {
        match self.range(0, 3) {
            0 => self.digits(9),
            1 => format!("{}{}", self.pick_chars(b"ABCDEFGHJKLMNPRSTUVWXYZ", 1), self.digits(7)),
            2 => format!(
                "{}{}{}",
                self.digits(2),
                self.pick_chars(b"ABCDEFGHJKLMNPRSTUVWXYZ", 2),
                self.digits(5)
            ),
            _ => format!("C{}", self.upper_alnum(8).replace(|c: char| c.is_ascii_alphabetic(), "1")),
        }
    }

    // ---- financial ----

    fn luhn_complete(&mut self, prefix: &str, len: usize) -> String {
        let mut s = prefix.to_owned();
        s.push_str(&self.digits(len - prefix.len() - 1));
        for check in 0..10u8 {
            let candidate = format!("{s}{check}");
            let digits: Vec<u8> = candidate.bytes().map(|b| b - b'0').collect();
            if validate::luhn(&digits) {
                return candidate;
            }
        }
        unreachable!()
    }

    fn luhn_fail(&mut self, prefix: &str, len: usize) -> String {
        let valid = self.luhn_complete(prefix, len);
        let last = valid.as_bytes()[len - 1] - b'0';
        format!("{}{}", &valid[..len - 1], (last + self.range(1, 9) as u8) % 10)
    }

    pub fn card(&mut self) -> String {
        let (prefix, len): (String, usize) = match self.range(0, 9) {
            0 => ("4".into(), 16),
            1 => ("4".into(), *[13usize, 19].choose(&mut self.rng).unwrap()),
            2 => (format!("5{}", self.range(1, 5)), 16),
            3 => (format!("{}", self.range(2221, 2720)), 16),
            4 => (self.pick(&["34", "37"]).to_string(), 15),
            5 => (self.pick(&["6011", "65", "644"]).to_string(), 16),
            6 => (format!("{}", self.range(3528, 3589)), 16),
            7 => (self.pick(&["36", "38", "300"]).to_string(), 14),
            8 => ("62".into(), *[16usize, 19].choose(&mut self.rng).unwrap()),
            _ => (format!("220{}", self.range(0, 4)), 16),
        };
        let number = self.luhn_complete(&prefix, len);
        self.format_card(&number)
    }

    fn format_card(&mut self, number: &str) -> String {
        match (self.range(0, 3), number.len()) {
            (0 | 1, _) => number.to_owned(),
            (2, 16) => number
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(" "),
            (3, 16) => number
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("-"),
            (_, 15) => format!("{} {} {}", &number[..4], &number[4..10], &number[10..]),
            _ => number.to_owned(),
        }
    }

    fn iban(&mut self) -> String {
        let (country, len, letters) = *[
            ("DE", 22usize, 0usize),
            ("GB", 22, 4),
            ("FR", 27, 0),
            ("ES", 24, 0),
            ("IT", 27, 1),
            ("NL", 18, 4),
            ("BE", 16, 0),
            ("CH", 21, 0),
            ("PL", 28, 0),
            ("SE", 24, 0),
            ("NO", 15, 0),
            ("AT", 20, 0),
            ("IE", 22, 4),
            ("PT", 25, 0),
        ]
        .choose(&mut self.rng)
        .unwrap();
        let bban = format!(
            "{}{}",
            self.pick_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", letters),
            self.digits(len - 4 - letters)
        );
        let rearranged = format!("{bban}{country}00");
        let rest = validate::mod97(rearranged.bytes()).unwrap();
        let check = 98 - rest;
        let iban = format!("{country}{check:02}{bban}");
        if self.chance(0.5) {
            iban.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ")
        } else {
            iban
        }
    }

    fn routing(&mut self) -> String {
        loop {
            let prefix = *[1u64, 2, 5, 11, 12, 21, 26, 31, 32, 61, 63, 71, 72].choose(&mut self.rng).unwrap();
            let body = format!("{prefix:02}{}", self.digits(6));
            for check in 0..10 {
                let candidate = format!("{body}{check}");
                if validate::aba_routing(&candidate) {
                    return candidate;
                }
            }
        }
    }

    // ---- credentials ----

    fn password(&mut self) -> String {
        match self.range(0, 5) {
            0 => format!("{}{}!", self.pick(WORDS), self.range(10, 9999)),
            1 => self.pick_chars(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()-_=+",
                16,
            ),
            2 => {
                format!("{} {} {} {}", self.pick(WORDS), self.pick(WORDS), self.pick(WORDS), self.pick(WORDS))
            }
            3 => format!(
                "{}{}",
                self.pick(&["Summer", "Winter", "Password", "Welcome", "Dragon"]),
                self.range(1, 2025)
            ),
            4 => "hunter2".into(),
            _ => self.alnum(10),
        }
    }

    fn password_hash(&mut self) -> String {
        const BCRYPT: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        match self.range(0, 6) {
            0 => format!(
                "$2{}${:02}${}",
                self.pick(&["a", "b", "y"]),
                self.range(10, 14),
                self.pick_chars(BCRYPT, 53)
            ),
            1 => format!(
                "$argon2id$v=19$m={},t={},p={}${}${}",
                self.pick(&["65536", "19456", "47104"]),
                self.range(1, 4),
                self.range(1, 4),
                self.b64(22),
                self.b64(43)
            ),
            2 => format!("$scrypt$ln={},r=8,p=1${}${}", self.range(14, 17), self.b64(22), self.b64(43)),
            3 => format!(
                "pbkdf2_sha256${}${}${}=",
                self.pick(&["600000", "870000", "260000"]),
                self.alnum(22),
                self.b64(43)
            ),
            4 => format!("$6$rounds=5000${}${}", self.pick_chars(BCRYPT, 16), self.pick_chars(BCRYPT, 86)),
            5 => format!("$5${}${}", self.pick_chars(BCRYPT, 16), self.pick_chars(BCRYPT, 43)),
            _ => format!(
                "$pbkdf2-sha256${}${}${}",
                self.range(20000, 30000),
                self.b64(22).replace('+', "."),
                self.b64(43).replace('+', ".")
            ),
        }
    }

    pub fn jwt(&mut self) -> String {
        let alg = self.pick(&["HS256", "RS256", "ES256", "RS512", "none", "EdDSA"]);
        let mut header = json!({"alg": alg, "typ": "JWT"});
        if self.chance(0.5) {
            header["kid"] = json!(self.hex(16));
        }
        let iat = self.epoch();
        let mut claims = json!({"sub": self.range(1, 999999).to_string(), "iat": iat});
        if self.chance(0.8) {
            claims["exp"] = json!(iat + self.range(300, 86400));
        }
        if self.chance(0.5) {
            claims["iss"] = json!("https://id.example.com/");
        }
        if self.chance(0.3) {
            claims["scope"] = json!("read write");
        }
        let sig = if alg == "none" {
            String::new()
        } else {
            let n = self.pick(&[43usize, 86, 342]);
            self.b64url(n)
        };
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            sig
        )
    }

    fn opaque_token(&mut self) -> String {
        match self.range(0, 3) {
            0 => {
                let n = self.pick(&[32usize, 40, 64]);
                self.hex(n)
            }
            1 => {
                let n = self.range(24, 64) as usize;
                self.b64url(n)
            }
            2 => {
                let n = self.range(20, 48) as usize;
                self.alnum(n)
            }
            _ => self.uuid(),
        }
    }

    fn private_key(&mut self) -> String {
        let kind = self.pick(&["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "]);
        let lines: Vec<String> = (0..self.range(3, 12)).map(|_| self.b64(64)).collect();
        let sep = if self.chance(0.3) { "\r\n" } else { "\n" };
        format!(
            "-----BEGIN {kind}PRIVATE KEY-----{sep}{}{sep}-----END {kind}PRIVATE KEY-----{sep}",
            lines.join(sep)
        )
    }

    fn aws_key_id(&mut self) -> String {
        format!(
            "{}{}",
            self.pick(&["AKIA", "ASIA"]),
            self.pick_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        )
    }

    fn aws_secret(&mut self) -> String {
        loop {
            let s = self.b64(40);
            if s.bytes().any(|b| b.is_ascii_digit()) {
                return s;
            }
        }
    }

    fn gcp_key(&mut self) -> String {
        format!("AIza{}", self.b64url(35))
    }

    fn azure_key(&mut self) -> String {
        format!("{}==", self.b64(86))
    }

    fn github(&mut self) -> String {
        if self.chance(0.8) {
            format!("{}_{}", self.pick(&["ghp", "gho", "ghu", "ghs", "ghr"]), self.alnum(36))
        } else {
            format!("github_pat_{}_{}", self.alnum(22), self.alnum(59))
        }
    }

    fn gitlab(&mut self) -> String {
        format!("glpat-{}", self.b64url(20))
    }

    fn slack(&mut self) -> String {
        if self.chance(0.6) {
            format!("xoxb-{}-{}-{}", self.digits(12), self.digits(13), self.alnum(24))
        } else {
            format!("xoxp-{}-{}-{}-{}", self.digits(12), self.digits(12), self.digits(13), self.hex(32))
        }
    }

    fn slack_webhook(&mut self) -> String {
        format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            self.upper_alnum(8),
            self.upper_alnum(10),
            self.alnum(24)
        )
    }

    fn stripe(&mut self, kind: &str) -> String {
        let mode = if self.chance(0.8) { "live" } else { "test" };
        let n = self.pick(&[24usize, 34, 99]);
        format!("{kind}_{mode}_{}", self.alnum(n))
    }

    fn twilio(&mut self) -> String {
        format!("{}{}", self.pick(&["AC", "SK"]), self.hex(32))
    }

    fn sendgrid(&mut self) -> String {
        format!("SG.{}.{}", self.b64url(22), self.b64url(43))
    }

    fn openai(&mut self) -> String {
        if self.chance(0.6) {
            let n = self.range(48, 156) as usize;
            format!("sk-proj-{}", self.b64url(n))
        } else {
            format!("sk-{}T3BlbkFJ{}", self.alnum(20), self.alnum(20))
        }
    }

    fn session(&mut self, cookie: &str) -> String {
        match cookie {
            "JSESSIONID" => self.hex(32).to_uppercase(),
            "PHPSESSID" => self.pick_chars(b"abcdefghijklmnopqrstuv0123456789", 26),
            "connect.sid" => format!("s%3A{}.{}", self.b64url(32), self.b64(43)),
            "ASP.NET_SessionId" => self.pick_chars(b"abcdefghijklmnopqrstuvwxyz012345", 24),
            _ => self.alnum(32),
        }
    }
}

fn text(s: impl Into<String>) -> FieldValue {
    FieldValue::Text(s.into())
}

/// Builds `count` records of every generator, deterministically from `seed`.
pub fn generate(seed: u64, rounds: usize) -> Vec<Record> {
    let mut g = Gen::new(seed);
    let mut out = Vec::new();
    for _ in 0..rounds {
        out.push(user_profile(&mut g));
        out.push(payment(&mut g));
        out.push(auth_exchange(&mut g));
        out.push(headers_and_cookies(&mut g));
        out.push(identity_documents(&mut g));
        out.push(banking(&mut g));
        out.push(location_update(&mut g));
        out.push(cloud_credentials(&mut g));
        out.push(free_text(&mut g));
        out.push(health_record(&mut g));
        out.push(hard_negatives(&mut g));
        out.push(more_negatives(&mut g));
        out.push(messy(&mut g));
    }
    out
}

fn user_profile(g: &mut Gen) -> Record {
    let mut r = Record::new("user_profile");
    let root = g.pick(&["", "/user", "/data", "/customer", "/profile", "/data/attributes"]);
    let (first, last) = (g.first(), g.last());
    r.text(&format!("{root}/id"), g.uuid(), &[]);
    let (fk, lk) = g.pick(&[
        ("first_name", "last_name"),
        ("firstName", "lastName"),
        ("given_name", "family_name"),
        ("FirstName", "Surname"),
        ("fname", "lname"),
    ]);
    r.text(&format!("{root}/{fk}"), first, &["person_name"]);
    r.text(&format!("{root}/{lk}"), last, &["person_name"]);
    if g.chance(0.5) {
        let key = g.pick(&["fullName", "full_name", "legalName", "contact_name"]);
        r.text(&format!("{root}/{key}"), format!("{first} {last}"), &["person_name"]);
    }
    let email_key = g.pick(&["email", "emailAddress", "contact_email", "mail", "username", "login"]);
    r.text(&format!("{root}/{email_key}"), g.email(), &["email"]);
    if g.chance(0.4) {
        r.text(
            &format!("{root}/username"),
            format!("{}_{}{}", Gen::ascii(first), Gen::ascii(last), g.range(1, 99)),
            &[],
        );
    }
    let (phone, needs_context) = g.phone();
    let phone_key = g.pick(&["phone", "phoneNumber", "mobile", "tel", "contact_phone", "msisdn"]);
    let _ = needs_context;
    if !phone.starts_with('+') && phone.bytes().all(|b| b.is_ascii_digit()) && g.chance(0.3) {
        r.num(&format!("{root}/{phone_key}"), json!(phone.parse::<u64>().unwrap()), &["phone"]);
    } else {
        r.text(&format!("{root}/{phone_key}"), phone, &["phone"]);
    }
    r.num(&format!("{root}/phone_verified"), json!(g.chance(0.5)), &[]);
    let dob_key = g.pick(&["dob", "dateOfBirth", "birth_date", "birthday", "birthdate"]);
    r.text(&format!("{root}/{dob_key}"), g.dob(), &["date_of_birth"]);
    let addr = g.pick(&["/address", "/billing_address", "/shippingAddress", "/home_address"]);
    let line_key = g.pick(&["line1", "street", "address_line1", "streetAddress", "address1"]);
    r.text(&format!("{root}{addr}/{line_key}"), g.street(), &["postal_address"]);
    r.text(&format!("{root}{addr}/city"), g.pick(CITIES), &[]);
    let zip_key = g.pick(&["zip", "postcode", "postal_code", "zipCode"]);
    r.text(&format!("{root}{addr}/{zip_key}"), g.postcode(), &["postal_address"]);
    r.text(&format!("{root}{addr}/country"), g.pick(&["GB", "US", "DE", "FR", "IN", "BR"]), &[]);
    r.text(&format!("{root}/created_at"), g.iso_datetime(), &[]);
    r.text(&format!("{root}/updated_at"), g.iso_datetime(), &[]);
    r.num(&format!("{root}/login_count"), json!(g.range(0, 5000)), &[]);
    if g.chance(0.5) {
        r.text(&format!("{root}/last_login_ip"), g.ipv4(), &["ip_address"]);
    }
    if g.chance(0.4) {
        let parent = g.pick(&["/contact", "/emergency_contact", "/owner", "/customer"]);
        r.text(&format!("{root}{parent}/name"), g.full_name(), &["person_name"]);
    }
    r
}

fn payment(g: &mut Gen) -> Record {
    let mut r = Record::new("payment");
    r.text("/id", format!("pi_{}", g.alnum(24)), &[]);
    r.num("/amount", json!(g.range(100, 500_000)), &[]);
    r.text("/currency", g.pick(&["usd", "eur", "gbp"]), &[]);
    let card = g.card();
    let digits: String = card.chars().filter(char::is_ascii_digit).collect();
    let base = g.pick(&["/card", "/payment_method/card", "/source", "/payment/card"]);
    match g.range(0, 3) {
        0 => {
            r.text(&format!("{base}/number"), card, &["card_number"]);
        }
        1 => {
            let key = g.pick(&["card_number", "cardNumber", "pan", "cc_number", "creditCard"]);
            r.text(&format!("/{key}"), card, &["card_number"]);
        }
        2 => {
            r.num(&format!("{base}/number"), json!(digits.parse::<u64>().unwrap()), &["card_number"]);
        }
        _ => {
            r.text("/payment_details", card, &["card_number"]);
        }
    }
    let cvv_key = g.pick(&["cvc", "cvv", "cvv2", "security_code", "cvc2"]);
    if g.chance(0.3) {
        r.num(&format!("{base}/{cvv_key}"), json!(g.range(100, 999)), &["card_cvv"]);
    } else {
        let n = if cvv_key == "cvc" && g.chance(0.2) { 4 } else { 3 };
        r.text(&format!("{base}/{cvv_key}"), g.digits(n), &["card_cvv"]);
    }
    if g.chance(0.5) {
        r.num(&format!("{base}/exp_month"), json!(g.range(1, 12)), &["card_expiry"]);
        r.num(&format!("{base}/exp_year"), json!(g.range(2025, 2034)), &["card_expiry"]);
    } else {
        let key = g.pick(&["expiry", "card_expiry", "expiration", "cc_exp", "exp"]);
        let value = match g.range(0, 2) {
            0 => format!("{:02}/{:02}", g.range(1, 12), g.range(25, 34)),
            1 => format!("{:02}/20{:02}", g.range(1, 12), g.range(25, 34)),
            _ => format!("{:02}{:02}", g.range(1, 12), g.range(25, 34)),
        };
        r.text(&format!("{base}/{key}"), value, &["card_expiry"]);
    }
    r.text(&format!("{base}/brand"), g.pick(&["visa", "mastercard", "amex"]), &[]);
    r.text(&format!("{base}/last4"), g.digits(4), &[]);
    let holder = g.pick(&["cardholder_name", "name_on_card", "holderName"]);
    let name = g.full_name();
    r.text(
        &format!("{base}/{holder}"),
        if g.chance(0.3) { name.to_uppercase() } else { name },
        &["person_name"],
    );
    r.text("/masked_card", format!("************{}", g.digits(4)), &[]);
    r.text("/description", format!("Order #{} {}", g.range(10000, 99999), g.pick(PRODUCTS)), &[]);
    r.text("/created", g.epoch().to_string(), &[]);
    r
}

fn auth_exchange(g: &mut Gen) -> Record {
    let mut r = Record::new("auth_exchange");
    let user_key = g.pick(&["username", "email", "login"]);
    let user = g.email();
    r.add(Location::Body, &format!("/{user_key}"), text(user), &["email"]);
    let pw_key = g.pick(&[
        "password",
        "passwd",
        "pwd",
        "new_password",
        "currentPassword",
        "password_confirmation",
        "user_pass",
    ]);
    r.add(Location::Body, &format!("/{pw_key}"), text(g.password()), &["password"]);
    r.text("/password_policy", "min 12 characters, one digit", &[]);
    r.text("/remember_me", "true", &[]);
    let jwt_access = g.chance(0.5);
    let access = if jwt_access { g.jwt() } else { g.opaque_token() };
    let access_labels: &[&str] = if jwt_access { &["jwt"] } else { &["generic_secret"] };
    r.add_dir(Direction::Response, Location::Body, "/access_token", text(access), access_labels);
    r.add_dir(Direction::Response, Location::Body, "/token_type", text("Bearer"), &[]);
    r.add_dir(Direction::Response, Location::Body, "/expires_in", FieldValue::Number(3600.into()), &[]);
    r.add_dir(Direction::Response, Location::Body, "/refresh_token", text(g.b64url(43)), &["generic_secret"]);
    r.add_dir(Direction::Response, Location::Body, "/scope", text("openid profile email"), &[]);
    if g.chance(0.5) {
        r.add_dir(Direction::Response, Location::Body, "/id_token", text(g.jwt()), &["jwt"]);
    }
    if g.chance(0.5) {
        r.add_dir(
            Direction::Response,
            Location::Body,
            "/user/password_hash",
            text(g.password_hash()),
            &["password_hash"],
        );
    }
    if g.chance(0.3) {
        let n = g.pick(&[40usize, 64]);
        let hex = g.hex(n);
        r.add_dir(
            Direction::Response,
            Location::Body,
            "/user/hashed_password",
            text(hex),
            &["password_hash"],
        );
    }
    r.text("/csrf_token", g.b64url(32), &[]);
    r.text("/idempotency_key", g.uuid(), &[]);
    r.text("/next_page_token", g.b64url(24), &[]);
    r.text("/password_updated_at", g.iso_datetime(), &[]);
    r
}

fn headers_and_cookies(g: &mut Gen) -> Record {
    let mut r = Record::new("headers_and_cookies");
    match g.range(0, 4) {
        0 => {
            r.add(
                Location::Header,
                "/authorization",
                text(format!("Bearer {}", g.jwt())),
                &["bearer_token", "jwt"],
            );
        }
        1 => {
            r.add(
                Location::Header,
                "/authorization",
                text(format!("Bearer {}", g.opaque_token())),
                &["bearer_token"],
            );
        }
        2 => {
            let creds = format!("{}:{}", Gen::ascii(g.first()), g.password());
            r.add(
                Location::Header,
                "/authorization",
                text(format!("Basic {}", STANDARD.encode(creds))),
                &["basic_auth"],
            );
        }
        3 => {
            r.add(
                Location::Header,
                "/authorization",
                text(format!("token {}", g.github())),
                &["bearer_token", "github_token"],
            );
        }
        _ => {
            r.add(
                Location::Header,
                "/authorization",
                text(format!("Bearer {}", g.stripe("sk"))),
                &["bearer_token", "stripe_secret_key"],
            );
        }
    }
    let api_header = g.pick(&["x-api-key", "api-key", "x-auth-token", "x-access-token"]);
    r.add(Location::Header, &format!("/{api_header}"), text(g.opaque_token()), &["generic_secret"]);
    r.add(Location::Header, "/user-agent", text(format!("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{}.0.{}.{} Safari/537.36", g.range(100, 130), g.range(1000, 7000), g.range(10, 200))), &[]);
    r.add(Location::Header, "/x-request-id", text(g.uuid()), &[]);
    r.add(Location::Header, "/traceparent", text(format!("00-{}-{}-01", g.hex(32), g.hex(16))), &[]);
    r.add(Location::Header, "/x-csrf-token", text(g.b64url(32)), &[]);
    r.add(Location::Header, "/accept-language", text("en-GB,en;q=0.9"), &[]);
    let forwarded = if g.chance(0.5) { g.ipv4() } else { format!("{}, {}", g.ipv4(), g.ipv4()) };
    r.add(Location::Header, "/x-forwarded-for", text(forwarded), &["ip_address"]);
    let cookie =
        g.pick(&["JSESSIONID", "PHPSESSID", "connect.sid", "sessionid", "ASP.NET_SessionId", "_session_id"]);
    r.add(Location::Cookie, &format!("/{cookie}"), text(g.session(cookie)), &["session_id"]);
    r.add(Location::Cookie, "/theme", text(g.pick(&["dark", "light"])), &[]);
    r.add(
        Location::Cookie,
        "/_ga",
        text(format!("GA1.2.{}.{}", g.range(100_000_000, 2_000_000_000), g.epoch())),
        &[],
    );
    r.add(Location::Cookie, "/lang", text("en-US"), &[]);
    if g.chance(0.4) {
        r.add_dir(Direction::Response, Location::Cookie, "/session", text(g.jwt()), &["jwt"]);
    }
    if g.chance(0.5) {
        let key = g.pick(&["api_key", "access_token", "apikey", "token"]);
        r.add(Location::Query, &format!("/{key}"), text(g.opaque_token()), &["generic_secret"]);
    }
    r.add(Location::Query, "/page", text(g.range(1, 50).to_string()), &[]);
    r.add(Location::Query, "/sort", text("-created_at"), &[]);
    r.add(Location::Path, "/0", text("v1"), &[]);
    r.add(Location::Path, "/1", text("users"), &[]);
    if g.chance(0.3) {
        r.add(Location::Path, "/2", text(g.email()), &["email"]);
    } else {
        r.add(Location::Path, "/2", text(g.range(1000, 99_999_999).to_string()), &[]);
    }
    r
}

fn identity_documents(g: &mut Gen) -> Record {
    let mut r = Record::new("identity_documents");
    let root = g.pick(&["/applicant", "/kyc", "/person", ""]);
    if g.chance(0.6) {
        let key = g.pick(&["ssn", "social_security_number", "ssnNumber", "taxpayer_id"]);
        let ssn = g.ssn();
        let value = if g.chance(0.3) {
            ssn.replace('-', "")
        } else if g.chance(0.2) {
            ssn.replace('-', " ")
        } else {
            ssn
        };
        r.text(&format!("{root}/{key}"), value, &["ssn"]);
    }
    if g.chance(0.5) {
        let key = g.pick(&["nino", "national_insurance_number", "niNumber", "document_number"]);
        r.text(&format!("{root}/{key}"), g.nino(), &["uk_nino"]);
    }
    let passport_key = g.pick(&["passport_number", "passportNo", "passport"]);
    r.text(&format!("{root}/{passport_key}"), g.passport(), &["passport"]);
    r.text(&format!("{root}/passport_country"), g.pick(&["GB", "US", "IN", "DE"]), &[]);
    r.text(
        &format!("{root}/passport_expiry"),
        format!("20{}-0{}-1{}", g.range(26, 35), g.range(1, 9), g.range(0, 9)),
        &[],
    );
    let (vin, valid) = g.vin();
    if valid {
        let key = g.pick(&["vin", "vehicle_vin", "chassis_number", "vehicle_id_number"]);
        r.text(&format!("/vehicle/{key}"), vin, &["vin"]);
    } else {
        r.text("/vehicle/vin", vin, &["vin"]);
    }
    r.text("/vehicle/model", g.pick(&["Model 3", "Civic", "Golf", "Corolla"]), &[]);
    r.num("/vehicle/year", json!(g.range(2005, 2025)), &[]);
    match g.range(0, 2) {
        0 => {
            let key = g.pick(&["dni", "nie", "documento", "id_document"]);
            r.text(&format!("{root}/{key}"), g.dni(), &["es_dni"]);
        }
        1 => {
            let key = g.pick(&["aadhaar", "aadhaar_number", "uid_number"]);
            let value = g.aadhaar();
            let labels: &[&str] =
                if key == "uid_number" && !value.contains(' ') { &[] } else { &["in_aadhaar"] };
            r.text(&format!("{root}/{key}"), value, labels);
        }
        _ => {
            let key = g.pick(&["cpf", "tax_id", "documento"]);
            let value = g.cpf();
            let labels: &[&str] = if key != "cpf" && !value.contains('.') { &[] } else { &["br_cpf"] };
            r.text(&format!("{root}/{key}"), value, labels);
        }
    }
    r.text(&format!("{root}/status"), g.pick(&["verified", "pending", "rejected"]), &[]);
    r
}

fn banking(g: &mut Gen) -> Record {
    let mut r = Record::new("banking");
    let key = g.pick(&["iban", "account_iban", "bank_account", "beneficiary_account", "payee"]);
    r.text(&format!("/beneficiary/{key}"), g.iban(), &["iban"]);
    r.text(
        "/beneficiary/bic",
        format!(
            "{}{}{}",
            g.pick_chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4),
            g.pick(&["GB", "DE", "FR"]),
            g.upper_alnum(2)
        ),
        &[],
    );
    r.text("/beneficiary/name", g.full_name(), &["person_name"]);
    let rk = g.pick(&["routing_number", "aba", "routingNumber", "bank_routing"]);
    r.text(&format!("/ach/{rk}"), g.routing(), &["routing_number"]);
    r.text("/ach/account_number", g.digits(10), &[]);
    r.num("/amount", json!(g.range(1, 100_000) as f64 / 100.0), &[]);
    r.text("/reference", format!("INV-{}", g.range(10000, 99999)), &[]);
    r.text("/transaction_id", g.digits(12), &[]);
    r
}

fn location_update(g: &mut Gen) -> Record {
    let mut r = Record::new("location_update");
    let lat = g.range(0, 180_000_000) as f64 / 1_000_000.0 - 90.0;
    let lon = g.range(0, 360_000_000) as f64 / 1_000_000.0 - 180.0;
    let (lat, lon) =
        ((lat * 10_000.0).round() / 10_000.0 + 0.000_01, (lon * 10_000.0).round() / 10_000.0 + 0.000_01);
    match g.range(0, 3) {
        0 => {
            let (a, b) = g.pick(&[("lat", "lng"), ("latitude", "longitude"), ("lat", "lon")]);
            let parent = g.pick(&["/location", "/position", "/device/gps", "/pickup"]);
            r.num(&format!("{parent}/{a}"), json!(lat), &["geolocation"]);
            r.num(&format!("{parent}/{b}"), json!(lon), &["geolocation"]);
        }
        1 => {
            r.num("/geometry/coordinates/0", json!(lon), &["geolocation"]);
            r.num("/geometry/coordinates/1", json!(lat), &["geolocation"]);
            r.text("/geometry/type", "Point", &[]);
        }
        2 => {
            r.text("/location/latitude", format!("{lat:.5}"), &["geolocation"]);
            r.text("/location/longitude", format!("{lon:.5}"), &["geolocation"]);
        }
        _ => {
            r.text("/coordinates", format!("{lat:.5},{lon:.5}"), &["geolocation"]);
        }
    }
    r.num("/accuracy", json!(g.range(3, 60)), &[]);
    r.num("/speed", json!(g.range(0, 300) as f64 / 10.0), &[]);
    r.num("/heading", json!(g.range(0, 359)), &[]);
    r.text("/device_id", g.uuid(), &[]);
    r.num("/battery", json!(g.range(1, 100)), &[]);
    r.text("/recorded_at", g.iso_datetime(), &[]);
    if g.chance(0.5) {
        r.text("/client_ip", g.ipv6(), &["ip_address"]);
    }
    r
}

fn cloud_credentials(g: &mut Gen) -> Record {
    let mut r = Record::new("cloud_credentials");
    let root = g.pick(&["/config", "/integration", "/settings/secrets", "/env"]);
    for _ in 0..3 {
        match g.range(0, 13) {
            0 => {
                let k = g.pick(&["aws_access_key_id", "accessKeyId", "AWS_ACCESS_KEY_ID", "key_id"]);
                r.text(&format!("{root}/{k}"), g.aws_key_id(), &["aws_access_key"]);
                let s = g.pick(&["aws_secret_access_key", "secretAccessKey", "AWS_SECRET_ACCESS_KEY"]);
                r.text(&format!("{root}/{s}"), g.aws_secret(), &["aws_secret_key"]);
            }
            1 => {
                let k = g.pick(&["google_api_key", "mapsKey", "key", "apiKey"]);
                r.text(&format!("{root}/{k}"), g.gcp_key(), &["gcp_api_key"]);
            }
            2 => {
                let key = g.private_key();
                let sa = json!({
                    "type": "service_account",
                    "project_id": format!("proj-{}", g.range(1000, 9999)),
                    "private_key_id": g.hex(40),
                    "private_key": key,
                    "client_email": format!("svc@proj-{}.iam.gserviceaccount.com", g.range(1, 99)),
                });
                if g.chance(0.5) {
                    // The JSON text also holds the service account's e-mail address.
                    r.text(
                        &format!("{root}/credentials_json"),
                        sa.to_string(),
                        &["gcp_service_account", "email"],
                    );
                } else {
                    r.text(&format!("{root}/sa/type"), "service_account", &[]);
                    r.text(&format!("{root}/sa/project_id"), sa["project_id"].as_str().unwrap(), &[]);
                    r.text(&format!("{root}/sa/private_key_id"), sa["private_key_id"].as_str().unwrap(), &[]);
                    r.text(&format!("{root}/sa/private_key"), key, &["gcp_service_account"]);
                    r.text(
                        &format!("{root}/sa/client_email"),
                        sa["client_email"].as_str().unwrap(),
                        &["email"],
                    );
                }
            }
            3 => {
                let account = format!("acct{}", g.alnum(6).to_lowercase());
                let conn = format!(
                    "DefaultEndpointsProtocol=https;AccountName={account};AccountKey={};EndpointSuffix=core.windows.net",
                    g.azure_key()
                );
                r.text(&format!("{root}/storage_connection_string"), conn, &["azure_storage_key"]);
                if g.chance(0.4) {
                    r.text(&format!("{root}/account_key"), g.azure_key(), &["azure_storage_key"]);
                }
            }
            4 => {
                let k = g.pick(&["github_token", "token", "GITHUB_TOKEN", "deploy_credential"]);
                r.text(&format!("{root}/{k}"), g.github(), &["github_token"]);
            }
            5 => {
                let k = g.pick(&["gitlab_token", "private_token", "ci_token"]);
                r.text(&format!("{root}/{k}"), g.gitlab(), &["gitlab_token"]);
            }
            6 => {
                r.text(&format!("{root}/slack_bot_token"), g.slack(), &["slack_token"]);
                if g.chance(0.5) {
                    r.text(&format!("{root}/webhook_url"), g.slack_webhook(), &["slack_webhook"]);
                }
            }
            7 => {
                let k = g.pick(&["stripe_secret", "secret_key", "stripeKey"]);
                let kind = g.pick(&["sk", "rk"]);
                r.text(&format!("{root}/{k}"), g.stripe(kind), &["stripe_secret_key"]);
                r.text(&format!("{root}/publishable_key"), g.stripe("pk"), &["stripe_publishable_key"]);
            }
            8 => {
                let sid = g.twilio();
                let k = if sid.starts_with("AC") { "account_sid" } else { "api_key_sid" };
                r.text(&format!("{root}/twilio/{k}"), sid, &["twilio_key"]);
                r.text(&format!("{root}/twilio/auth_token"), g.hex(32), &["generic_secret"]);
            }
            9 => {
                let k = g.pick(&["sendgrid_api_key", "SENDGRID_API_KEY", "mail_key"]);
                r.text(&format!("{root}/{k}"), g.sendgrid(), &["sendgrid_key"]);
            }
            10 => {
                let k = g.pick(&["openai_api_key", "OPENAI_API_KEY", "llm_key"]);
                r.text(&format!("{root}/{k}"), g.openai(), &["openai_key"]);
            }
            11 => {
                let k = g.pick(&["private_key", "signing_key_pem", "tls_key", "ssh_key"]);
                r.text(&format!("{root}/{k}"), g.private_key(), &["private_key"]);
            }
            _ => {
                let k = g.pick(&[
                    "client_secret",
                    "webhook_secret",
                    "signing_secret",
                    "api_secret",
                    "encryption_key",
                    "apiKey",
                ]);
                r.text(&format!("{root}/{k}"), g.opaque_token(), &["generic_secret"]);
                r.text(&format!("{root}/client_id"), g.uuid(), &[]);
            }
        }
    }
    r.text(&format!("{root}/region"), g.pick(&["us-east-1", "eu-west-2", "europe-west1"]), &[]);
    r.text(
        &format!("{root}/secret_name"),
        format!("prod/{}/credentials", g.pick(&["db", "api", "billing"])),
        &[],
    );
    r.text(&format!("{root}/token_ttl"), "3600", &[]);
    r.text(&format!("{root}/api_key_id"), g.hex(20), &[]);
    r.text(
        &format!("{root}/api_key"),
        g.pick(&["YOUR_API_KEY", "${API_KEY}", "<your-api-key>", "changeme"]),
        &[],
    );
    r
}

fn free_text(g: &mut Gen) -> Record {
    let mut r = Record::new("free_text");
    let key = g.pick(&["message", "notes", "comment", "body", "description", "log"]);
    let (value, labels): (String, Vec<&'static str>) = match g.range(0, 13) {
        0 => (format!("Please contact {} about the refund.", g.email()), vec!["email"]),
        1 => {
            let (phone, ctx) = g.phone();
            if ctx {
                (g.sentence(6), vec![])
            } else {
                (format!("Call me back on {phone} after 5pm"), vec!["phone"])
            }
        }
        2 => (format!("Card {} was declined", g.card()), vec!["card_number"]),
        3 => (format!("my ssn is {}, thanks", g.ssn()), vec!["ssn"]),
        4 => (format!("Wire to {} by Friday", g.iban()), vec!["iban"]),
        5 => (format!("login from {} failed 3 times", g.ipv4()), vec!["ip_address"]),
        6 => (format!("export AWS_SECRET_ACCESS_KEY={}", g.aws_secret()), vec!["aws_secret_key"]),
        7 => (
            format!("curl -H 'Authorization: Bearer {}' https://api.example.com/v1/me", g.jwt()),
            vec!["bearer_token", "jwt"],
        ),
        8 => (
            format!(
                "redirect=https://app.example.com/cb?access_token={}&state={}",
                g.opaque_token(),
                g.range(1000, 9999)
            ),
            vec!["generic_secret"],
        ),
        9 => (format!("DATABASE_URL=postgres://app:{}@db.internal:5432/app", g.alnum(14)), vec!["password"]),
        10 => (format!("NI number {} on file", g.nino()), vec!["uk_nino"]),
        11 => (format!("Here is the key: {}", g.private_key()), vec!["private_key"]),
        12 => (
            format!("Maps script: https://maps.googleapis.com/maps/api/js?key={}", g.gcp_key()),
            vec!["gcp_api_key"],
        ),
        _ => (format!("{} {}", g.sentence(12), g.sentence(8)), vec![]),
    };
    r.text(&format!("/{key}"), value, &labels);
    r.text("/subject", g.sentence(5), &[]);
    r.text("/ticket_id", format!("TCK-{}", g.range(100000, 999999)), &[]);
    r.text("/created_at", g.iso_datetime(), &[]);
    r.text(
        "/body_preview",
        format!(
            "{} Total due {}.{:02} USD on {}-{:02}-{:02}.",
            g.sentence(10),
            g.range(1, 9999),
            g.range(0, 99),
            g.range(2020, 2026),
            g.range(1, 12),
            g.range(1, 28)
        ),
        &[],
    );
    r
}

fn health_record(g: &mut Gen) -> Record {
    let mut r = Record::new("health_record");
    r.text("/patient/id", g.uuid(), &[]);
    r.text("/patient/first_name", g.first(), &["person_name"]);
    r.text("/patient/last_name", g.last(), &["person_name"]);
    let items: &[(&str, &[&str], &'static str)] = &[
        (
            "diagnosis",
            &["Type 2 diabetes", "Hypertension", "E11.9", "Asthma", "Major depressive disorder"],
            "health",
        ),
        ("blood_type", &["A+", "O-", "B+", "AB-"], "health"),
        ("medications", &["Metformin 500mg", "Lisinopril 10 mg", "Sertraline"], "health"),
        ("allergies", &["Penicillin", "Peanuts", "Latex"], "health"),
        ("medical_record_number", &["MRN-0048213", "A771234"], "health"),
        ("religion", &["Catholic", "Muslim", "Hindu", "Jewish", "Buddhist", "Atheist"], "religion"),
        ("ethnicity", &["Hispanic or Latino", "Asian", "Black or African American", "White"], "ethnicity"),
        ("sexual_orientation", &["Heterosexual", "Gay", "Bisexual", "Lesbian"], "sexual_orientation"),
        ("political_party", &["Green", "Labour", "Independent", "Conservative"], "political_opinion"),
        ("fingerprint_template", &["Rk1SACAyMAAAAAEsAAABQAHgAMUAxQEAAAAoJ0CMAC4VQF"], "biometric"),
        ("face_embedding", &["0.0123,-0.2231,0.1192,0.0831,-0.0412"], "biometric"),
        ("genotype", &["rs53576 AG", "APOE e3/e4"], "genetic"),
        ("trade_union", &["Unite", "UNISON", "GMB"], "trade_union"),
    ];
    for _ in 0..4 {
        let (key, values, label) = items.choose(&mut g.rng).unwrap();
        let value = *values.choose(&mut g.rng).unwrap();
        r.text(&format!("/patient/{key}"), value, &[label]);
    }
    r.num("/patient/heart_rate", json!(g.range(50, 120)), &["health"]);
    r.text("/visit/type", g.pick(&["outpatient", "emergency", "telehealth"]), &[]);
    r.text("/visit/scheduled_at", g.iso_datetime(), &[]);
    r.text("/device/fingerprint", g.hex(40), &[]);
    r.text("/screen/orientation", g.pick(&["landscape", "portrait"]), &[]);
    r.text("/condition", g.pick(&["new", "used", "refurbished"]), &[]);
    r
}

fn hard_negatives(g: &mut Gen) -> Record {
    let mut r = Record::new("hard_negatives");
    // Identifiers that look like cards: Luhn failing, Luhn-valid under identifier names.
    let prefix = g.pick(&["4", "51", "37", "6011"]);
    r.text("/order_number", g.luhn_fail(prefix, 16), &[]);
    r.text("/tracking_number", g.luhn_complete(prefix, 16), &[]);
    r.num("/invoice_id", json!(g.luhn_complete("4", 16).parse::<u64>().unwrap()), &[]);
    // Luhn-valid numbers of no issuer, or of a wrong length.
    let no_issuer = g.pick(&["1", "7", "8", "9", "0"]);
    r.text("/value", g.luhn_complete(no_issuer, 16), &[]);
    r.text("/code", g.luhn_complete("4", 15), &[]);
    // Phone-like identifiers.
    let (a, e, s) = g.nanp();
    r.num("/order_id", json!(format!("{a}{e}{s}").parse::<u64>().unwrap()), &[]);
    r.text("/customer_id", format!("{a}{e}{s}"), &[]);
    r.text("/account_number", g.digits(10), &[]);
    r.text("/uuid", g.uuid(), &[]);
    r.text("/request_id", g.uuid(), &[]);
    r.num("/created", json!(g.epoch()), &[]);
    r.num("/timestamp_ms", json!(g.epoch() * 1000 + g.range(0, 999)), &[]);
    r.text("/ts", (g.epoch() * 1000).to_string(), &[]);
    r.text("/etag", format!("\"{}\"", g.hex(32)), &[]);
    r.text("/sha256", g.hex(64), &[]);
    r.text("/commit", g.hex(40), &[]);
    r.text("/short_sha", g.hex(7), &[]);
    r.text("/sku", format!("SKU-{}-{}", g.range(10000, 99999), g.pick(&["BLU", "RED", "XL"])), &[]);
    r.text("/part_number", format!("{}-{}-{}", g.digits(3), g.digits(2), g.digits(4)), &[]);
    r.text("/product_code", format!("PRD{}", g.digits(9)), &[]);
    r.text(
        "/version",
        format!("{}.{}.{}.{}", g.range(1, 9), g.range(0, 20), g.range(0, 99), g.range(0, 999)),
        &[],
    );
    r.text("/app_version", format!("{}.{}.{}", g.range(1, 9), g.range(0, 20), g.range(0, 99)), &[]);
    r.text("/image", format!("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA{}", g.b64(200)), &[]);
    r.text("/product_name", g.pick(PRODUCTS), &[]);
    r.text(
        "/file_name",
        format!("{}_{}.pdf", g.pick(&["Invoice", "Report", "Statement"]), g.range(1, 999)),
        &[],
    );
    r.text(
        "/hostname",
        format!("{}-{}.internal.example.com", g.pick(&["web", "db", "cache"]), g.range(1, 40)),
        &[],
    );
    r.text("/display_name", format!("{}{}", Gen::ascii(g.first()), g.range(1, 999)), &[]);
    r.text("/company_name", g.pick(&["Acme Corp", "Globex Ltd", "Initech GmbH"]), &[]);
    r.text("/category/name", g.pick(&["Kitchen", "Outdoor", "Electronics"]), &[]);
    r.text("/city", g.pick(CITIES), &[]);
    r.text("/status", g.pick(&["active", "pending", "cancelled"]), &[]);
    r.num("/quantity", json!(g.range(1, 20)), &[]);
    r.num("/price", json!(g.range(100, 99_999) as f64 / 100.0), &[]);
    r
}

fn more_negatives(g: &mut Gen) -> Record {
    let mut r = Record::new("more_negatives");
    r.text("/description", format!("{} {}", g.sentence(14), g.sentence(9)), &[]);
    r.text("/bio", g.sentence(20), &[]);
    r.text(
        "/start_date",
        format!("{}-{:02}-{:02}", g.range(1990, 2026), g.range(1, 12), g.range(1, 28)),
        &[],
    );
    r.text("/card_last4", g.digits(4), &[]);
    r.text("/password", g.pick(&["********", "[REDACTED]", "<hidden>", "xxxxxxxx"]), &[]);
    r.text("/card_number", format!("************{}", g.digits(4)), &[]);
    r.text("/token_type", "Bearer", &[]);
    r.num("/expires_in", json!(g.range(60, 86_400)), &[]);
    r.num("/max_tokens", json!(g.range(100, 4096)), &[]);
    r.num("/prompt_tokens", json!(g.range(10, 4096)), &[]);
    r.text("/cursor", URL_SAFE_NO_PAD.encode(json!({"page": g.range(1, 99), "size": 50}).to_string()), &[]);
    r.text("/oid", format!("1.2.840.{}.1.1.{}", g.range(10000, 999_999), g.range(1, 12)), &[]);
    r.text(
        "/build",
        format!("{}.{}.{}.{}", g.range(10, 20), g.range(0, 9), g.range(100, 999), g.range(1, 99)),
        &[],
    );
    r.text("/time", format!("{:02}:{:02}:{:02}", g.range(0, 23), g.range(0, 59), g.range(0, 59)), &[]);
    r.text("/mac", (0..6).map(|_| g.hex(2)).collect::<Vec<_>>().join(":"), &[]);
    r.text("/tracking_url", format!("https://track.example.com/{}", g.upper_alnum(18)), &[]);
    r.text("/shipment_id", format!("1Z{}{}", g.upper_alnum(6), g.digits(10)), &[]);
    r.text("/coupon", g.upper_alnum(10), &[]);
    r.text("/color", format!("#{}", g.hex(6)), &[]);
    r.text("/locale", "en_GB", &[]);
    r.text("/timezone", "Europe/London", &[]);
    r.text(
        "/referrer",
        format!("https://www.example.com/search?q={}&page={}", g.pick(WORDS), g.range(1, 9)),
        &[],
    );
    r.text("/amount_text", format!("{},{:03}.{:02}", g.range(1, 999), g.range(0, 999), g.range(0, 99)), &[]);
    r.text("/phone_model", g.pick(&["iPhone 15", "Pixel 8", "Galaxy S24"]), &[]);
    r.text("/email_template", g.pick(&["welcome_v2", "reset-password", "receipt"]), &[]);
    r.num("/email_verified", json!(true), &[]);
    r.text("/ip_range", "10.0.0.0/8", &[]);
    r.text("/isbn", format!("978-{}-{}-{}-{}", g.digits(1), g.digits(3), g.digits(5), g.digits(1)), &[]);
    r
}

/// Real-world variety the detectors were not written around: odd but common formats
/// (labelled as what they are, even when the classifier misses them) and ambiguous
/// negatives (random numeric ids that happen to pass Luhn, companies as customers,
/// dotted firmware numbers).
fn messy(g: &mut Gen) -> Record {
    let mut r = Record::new("messy");
    let (a, e, s) = g.nanp();
    let phone = match g.range(0, 6) {
        0 => format!("+1-{a}-{e}-{s}"),
        1 => format!("1 ({a}) {e}-{s}"),
        2 => format!("+44 (0)20 {} {}", g.digits(4), g.digits(4)),
        3 => format!("tel:+1{a}{e}{s}"),
        4 => format!("{a}-{e}-{s} ext. {}", g.range(1, 999)),
        5 => format!("+49 (0)30 {}", g.digits(7)),
        _ => format!("{a}/{e}-{s}"),
    };
    r.text("/contact/phone", phone, &["phone"]);
    let email = g.email();
    let email = if g.chance(0.5) {
        let (local, domain) = email.split_once('@').unwrap();
        format!("{}@{}", local, domain.to_uppercase())
    } else {
        format!("mailto:{email}")
    };
    r.text("/contact/email", email, &["email"]);
    // Lower-case names do occur (sign-up forms that lower-case everything).
    let first = g.first();
    let name = if g.chance(0.2) { first.to_lowercase() } else { first.to_owned() };
    r.text("/contact/first_name", name, &["person_name"]);
    // A business customer: a company, not a person, under a person-like parent.
    r.text(
        "/customer/name",
        g.pick(&["Acme Corp", "Globex Ltd", "Initech", "Northwind Traders", "Contoso"]),
        &[],
    );
    let dob = match g.range(0, 2) {
        0 => format!("{} {}, {}", g.pick(&["April", "March", "Nov"]), g.range(1, 28), g.range(1940, 2005)),
        1 => format!("{}{:02}{:02}", g.range(1940, 2005), g.range(1, 12), g.range(1, 28)),
        _ => format!("{}/{}/{}", g.range(1, 12), g.range(1, 28), g.range(1940, 2005)),
    };
    r.text("/contact/date_of_birth", dob, &["date_of_birth"]);
    let iban = g.iban();
    if g.chance(0.3) {
        r.text("/payout/iban", iban.to_lowercase(), &["iban"]);
    } else {
        r.text("/payout/note", format!("IBAN: {iban}"), &["iban"]);
    }
    r.text("/server", format!("{}:{}", g.ipv4(), g.pick(&["443", "8080", "22"])), &["ip_address"]);
    r.text("/upstream", format!("[{}]:443", g.ipv6()), &["ip_address"]);
    r.text(
        "/device/firmware",
        format!("{}.{}.{}.{}", g.range(1, 9), g.range(0, 9), g.range(0, 30), g.range(0, 200)),
        &[],
    );
    // Random numeric identifiers under neutral names: some pass Luhn with an issuer
    // prefix by chance and are indistinguishable from card numbers.
    let number = g.digits(16);
    r.text("/ticket/number", number, &[]);
    let id = g.range(1_000_000_000_000_000, 9_999_999_999_999_999);
    if g.chance(0.3) {
        r.text("/data/value", id.to_string(), &[]);
    } else {
        r.num("/data/value", json!(id), &[]);
    }
    r.text("/notes", format!("ssn {}", g.ssn().replace('-', "")), &["ssn"]);
    r.text(
        "/comment",
        format!(
            "{} {}",
            g.sentence(6),
            g.pick(&["Call 911 now.", "Room 101, floor 3.", "Score 3-2 at 90+4."])
        ),
        &[],
    );
    r
}

/// Precision/recall counts of one type.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }

    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
}

/// (record kind, where, value, expected types, found types).
pub type ErrorRow = (String, String, String, Vec<String>, Vec<String>);

pub struct Scores {
    pub per_type: BTreeMap<String, Counts>,
    pub fields: usize,
    pub positives: usize,
    pub negatives: usize,
    /// (record kind, path, value, expected, found) of every error, for debugging.
    pub errors: Vec<ErrorRow>,
}

pub fn score(classifier: &Classifier, records: &[Record]) -> Scores {
    let mut scores =
        Scores { per_type: BTreeMap::new(), fields: 0, positives: 0, negatives: 0, errors: Vec::new() };
    let mut detections = Vec::new();
    for record in records {
        detections.clear();
        classifier.classify_fields(&record.fields, &mut detections);
        for (index, (field, labels)) in record.fields.iter().zip(&record.labels).enumerate() {
            scores.fields += 1;
            if labels.is_empty() {
                scores.negatives += 1;
            } else {
                scores.positives += 1;
            }
            let expected: BTreeSet<&str> = labels.iter().copied().collect();
            let found: BTreeSet<&str> =
                detections.iter().filter(|d| d.field == index).map(|d| d.data_type.as_str()).collect();
            for t in expected.union(&found) {
                let counts = scores.per_type.entry((*t).to_owned()).or_default();
                match (expected.contains(t), found.contains(t)) {
                    (true, true) => counts.tp += 1,
                    (true, false) => counts.fn_ += 1,
                    (false, true) => counts.fp += 1,
                    (false, false) => {}
                }
            }
            if expected != found {
                let value = match &field.value {
                    FieldValue::Text(t) => t.chars().take(160).collect(),
                    other => format!("{other:?}"),
                };
                scores.errors.push((
                    record.kind.to_owned(),
                    format!("{:?} {:?} {}", field.direction, field.location, field.path),
                    value,
                    expected.iter().map(|s| (*s).to_owned()).collect(),
                    found.iter().map(|s| (*s).to_owned()).collect(),
                ));
            }
        }
    }
    scores
}

/// The table as markdown: type, validated, labelled, TP, FP, FN, precision, recall.
pub fn markdown(scores: &Scores) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "| type | validated | labelled | TP | FP | FN | precision | recall |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|");
    for (id, c) in &scores.per_type {
        let validated = apiwarden_sensitive::Builtin::from_id(id).is_some_and(|b| b.validated());
        let _ = writeln!(
            out,
            "| {id} | {} | {} | {} | {} | {} | {:.3} | {:.3} |",
            if validated { "yes" } else { "no" },
            c.tp + c.fn_,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
    let _ = writeln!(
        out,
        "\n{} labelled fields: {} holding sensitive data, {} negatives (hard negatives included).",
        scores.fields, scores.positives, scores.negatives
    );
    out
}
