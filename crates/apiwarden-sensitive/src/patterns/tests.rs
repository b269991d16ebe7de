use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::heuristics::phone;

/// One value each pattern matches (and that its validator accepts where it has one).
fn example(pat: Pat) -> &'static str {
    match pat {
        Pat::Email => "write to ann.lee@example.org today",
        Pat::Phone => "+44 20 7946 0958",
        Pat::Ssn => "078-05-1120",
        Pat::SsnLabelled => "SSN: 078051120",
        Pat::Nino => "QQ 12 34 56 C",
        Pat::Vin => "1HGCM82633A004352",
        Pat::Card => "4111 1111 1111 1111",
        Pat::Iban => "DE89 3704 0044 0532 0130 00",
        Pat::Ipv4 => "from 203.0.113.9",
        Pat::Ipv6 => "2001:db8::ff00:42:8329",
        Pat::Jwt => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        Pat::PrivateKey => "-----BEGIN RSA PRIVATE KEY-----",
        Pat::PasswordHash => "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
        Pat::AwsKeyId => "AKIAIOSFODNN7EXAMPLE",
        Pat::GcpApiKey => "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
        Pat::GcpServiceAccount => r#"{"type": "service_account"}"#,
        Pat::Azure => {
            "AccountKey=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvAB=="
        }
        Pat::Github => "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
        Pat::Gitlab => "glpat-abcdefghij0123456789",
        Pat::Slack => "xoxb-1-abcdefgh",
        Pat::SlackWebhook => "https://hooks.slack.com/services/T0000000/B0000000/abcdefghijklmnopqrstuvwx",
        Pat::Stripe => "sk_live_abcdefghijklmnop",
        Pat::Sendgrid => "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
        Pat::Openai => "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
        Pat::Twilio => "AC0123456789abcdef0123456789abcdef",
        Pat::Dni => "12345678Z",
        Pat::Aadhaar => "2345 6789 0123",
        Pat::Cpf => "123.456.789-09",
        Pat::Assignment => "pwd=hunter22",
        Pat::UrlUserinfo => "https://admin:s3cret@db.internal",
        Pat::Bearer => "Bearer abcdefghijklmnop",
    }
}

/// Whether the gate must admit `text` for `pat`: the pattern matches, and for phones a
/// match also holds a number the validator could accept.
fn must_admit(pat: Pat, regex: &Regex, text: &str) -> bool {
    match pat {
        Pat::Phone => regex.find_iter(text).any(|m| {
            let m = m.as_str();
            [m, m.get(..m.rfind([' ', '/']).unwrap_or(m.len())).unwrap_or(m).trim_end()]
                .into_iter()
                .chain(m.find([' ', '/']).and_then(|i| m.get(i + 1..)).map(str::trim_start))
                .any(|candidate| phone(candidate, true).is_some() || phone(candidate, false).is_some())
        }),
        // The validator wants a `::` or all eight groups.
        Pat::Ipv6 => {
            regex.find_iter(text).any(|m| m.as_str().contains("::") || m.as_str().split(':').count() == 8)
        }
        _ => regex.is_match(text),
    }
}

#[test]
fn every_pattern_compiles_and_admits_its_example() {
    let patterns = ValuePatterns::new();
    assert_eq!(patterns.patterns.len(), PATTERN_COUNT);
    for (index, (pat, regex)) in patterns.patterns.iter().enumerate() {
        let text = example(*pat);
        assert!(must_admit(*pat, regex, text), "{pat:?} does not match its example {text:?}");
        assert!(patterns.candidates(text) & (1 << index) != 0, "{pat:?} gate refuses {text:?}");
    }
}

/// The gates never hide a match: random values built from the pieces the patterns are
/// made of (digit runs, separators, token prefixes, letters of both cases), and every
/// example cut and spliced, are admitted by each pattern that matches them.
#[test]
fn gates_never_hide_a_match() {
    const PIECES: &[&str] = &[
        "0",
        "4111",
        "1111",
        "12",
        "345",
        "6789",
        "9",
        " ",
        "-",
        ".",
        ":",
        "::",
        "/",
        "@",
        "=",
        "$",
        "_",
        "#",
        "a",
        "Z",
        "ey",
        "ew",
        "J",
        "AKIA",
        "AIza",
        "ghp_",
        "glpat-",
        "xoxb-",
        "sk-",
        "sk_live_",
        "SG.",
        "AC",
        "Bearer ",
        "bearer\t",
        "api_key=",
        "session-id:",
        "AccessKey",
        "eyJ",
        "ewo",
        "10.0.0.1",
        "ab 12",
        "https://",
        "hooks.slack.com/",
        "ssn ",
        "password",
        "token",
        "example",
        ".com",
        "-----BEGIN ",
        "PRIVATE KEY",
        "AccountKey=",
        "\"type\":\"service_account\"",
        "QQ",
        "DE89",
        "+44 ",
        "078-05-",
        "123.",
        "QQ12",
        "34 56",
        "2001:db8",
        "::1",
        "fe80:",
        "(",
        ")",
        "abcdefghij",
        "ABCDEFGHJK",
        "0123456789abcdef",
    ];
    let patterns = ValuePatterns::new();
    let mut rng = StdRng::seed_from_u64(11);
    let mut values: Vec<String> = Vec::new();
    for _ in 0..40_000 {
        let n = rng.random_range(1..24);
        values.push((0..n).map(|_| PIECES[rng.random_range(0..PIECES.len())]).collect());
    }
    let piece = |rng: &mut StdRng| PIECES[rng.random_range(0..PIECES.len())];
    for (pat, _) in &patterns.patterns {
        let text = example(*pat);
        for _ in 0..300 {
            // The example cut short, or with one byte replaced, between random pieces.
            let mut core: Vec<u8> = text.as_bytes().to_vec();
            if rng.random_bool(0.5) {
                core.truncate(rng.random_range(1..=core.len()));
            } else {
                let at = rng.random_range(0..core.len());
                core[at] = piece(&mut rng).as_bytes()[0];
            }
            let (before, after) = (rng.random_range(0..3), rng.random_range(0..3));
            let mut value: String = (0..before).map(|_| piece(&mut rng)).collect();
            value.push_str(&String::from_utf8_lossy(&core));
            value.extend((0..after).map(|_| piece(&mut rng)));
            values.push(value);
        }
    }
    let mut checked = [0usize; PATTERN_COUNT];
    for text in &values {
        let admitted = patterns.candidates(text);
        for (index, (pat, regex)) in patterns.patterns.iter().enumerate() {
            if must_admit(*pat, regex, text) {
                checked[index] += 1;
                assert!(admitted & (1 << index) != 0, "{pat:?} gate hides a match in {text:?}");
            }
        }
    }
    // Every gate was exercised by more than its own example.
    for (index, count) in checked.iter().enumerate() {
        assert!(*count > 1, "pattern {:?} matched only {count} values", patterns.patterns[index].0);
    }
}

#[test]
fn plain_values_run_no_pattern() {
    let patterns = ValuePatterns::new();
    for text in
        ["plain words only, nothing here", "1 Main Street", "user_123", "19.99", "Hello, World", "10:00:00"]
    {
        assert_eq!(patterns.candidates(text), 0, "{text}");
    }
}

#[test]
fn inert_shapes() {
    for inert in [
        "7d0c4f1e-2f55-4a36-9d63-0f4bfae9b1c2",
        "2024-03-01T10:00:00Z",
        "2024-03-01",
        "2024-03-01T10:00:00.123+01:00",
        "9f86d081884c7d65",
    ] {
        assert!(inert_shape(inert), "{inert}");
    }
    for live in [
        "2024-03-01 call 415-555-0123",
        "ann@example.com",
        "4111111111111111",
        "DE12826074104424143913",
        "AC0123456789abcdef0123456789abcdef",
    ] {
        assert!(!inert_shape(live), "{live}");
    }
}
