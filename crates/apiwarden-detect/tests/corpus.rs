//! Detection quality on the labelled corpus of `apiwarden-corpus` (written independently of
//! the detectors): the detection rate per attack class and placement, and the false-positive
//! rate over legitimate calls chosen to look suspicious.
//!
//! `cargo test -p apiwarden-detect --release --test corpus -- --nocapture` prints the tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use apiwarden_corpus::attacks::{attack_calls, legit_calls};
use apiwarden_detect::{AttackClass, Engine};

const SEED: u64 = 42;
const LEGIT_CALLS: usize = 6_000;

/// Floors of the runtime-protection issue.
const MIN_DETECTION: f64 = 0.95;
const MAX_FALSE_POSITIVES: f64 = 0.005;

#[test]
fn detection_and_false_positive_rates_meet_the_floors() {
    let engine = Engine::default();
    // (class, placement) -> (detected, total); detected means a detection of the call's class.
    let mut cells: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut misses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for labelled in attack_calls(SEED) {
        let label = labelled.attack.as_ref().unwrap();
        let class = AttackClass::parse(label.class).expect("corpus classes are detector classes");
        let report = engine.inspect(&labelled.call);
        let hit = report.detections.iter().any(|d| d.class == class);
        let cell = cells.entry((label.class, label.placement.name())).or_default();
        cell.1 += 1;
        if hit {
            cell.0 += 1;
        } else {
            misses.entry(label.class).or_default().push(format!(
                "{} [{}] {:?}",
                label.placement.name(),
                label.evasion,
                label.payload
            ));
        }
    }
    let legit = legit_calls(SEED, LEGIT_CALLS);
    let mut false_positives = Vec::new();
    for labelled in &legit {
        let report = engine.inspect(&labelled.call);
        if let Some(first) = report.detections.first() {
            false_positives.push(format!(
                "{} {}: {} in {} {} {:?}",
                labelled.call.request.method,
                labelled.call.request.path,
                first.rule,
                first.location.as_str(),
                first.field,
                first.evidence
            ));
        }
    }

    let mut by_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    println!("| class | placement | detected | calls | rate |\n|---|---|---:|---:|---:|");
    for ((class, placement), (hit, total)) in &cells {
        println!("| {class} | {placement} | {hit} | {total} | {:.1}% |", 100.0 * *hit as f64 / *total as f64);
        let entry = by_class.entry(class).or_default();
        entry.0 += hit;
        entry.1 += total;
    }
    println!("\n| class | detected | calls | rate |\n|---|---:|---:|---:|");
    for (class, (hit, total)) in &by_class {
        println!("| {class} | {hit} | {total} | {:.1}% |", 100.0 * *hit as f64 / *total as f64);
    }
    let fp_rate = false_positives.len() as f64 / legit.len() as f64;
    println!(
        "\nfalse positives: {} of {} legitimate calls ({:.2}%)",
        false_positives.len(),
        legit.len(),
        100.0 * fp_rate
    );
    // One example per rule, then the count per rule.
    let mut per_rule: BTreeMap<String, (usize, &String)> = BTreeMap::new();
    for line in &false_positives {
        let rule = line.split(": ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap_or("?");
        per_rule.entry(rule.to_owned()).or_insert((0, line)).0 += 1;
    }
    for (rule, (count, example)) in &per_rule {
        println!("  FP {count} × {rule}, e.g. {example}");
    }
    for (class, missed) in &misses {
        for line in missed.iter().take(400) {
            println!("  MISS {class}: {line}");
        }
    }

    let below: Vec<String> = by_class
        .iter()
        .filter(|(_, (hit, total))| (*hit as f64 / *total as f64) < MIN_DETECTION)
        .map(|(class, (hit, total))| format!("{class} {hit}/{total}"))
        .collect();
    assert!(below.is_empty(), "classes under {MIN_DETECTION}: {below:?}");
    assert!(fp_rate <= MAX_FALSE_POSITIVES, "false-positive rate {fp_rate}");
}
