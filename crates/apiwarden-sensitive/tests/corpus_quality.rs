//! Precision and recall of every type on the labelled corpus (`corpus/mod.rs`), with the
//! floors: validated types ≥ 0.98 precision and ≥ 0.95 recall; context-only types ≥ 0.90
//! and ≥ 0.85. Prints the table (`cargo test -p apiwarden-sensitive --test corpus_quality
//! -- --nocapture`); `cargo run -p apiwarden-sensitive --example score-corpus --release`
//! prints the same.

#[path = "../corpus/mod.rs"]
mod corpus;

use apiwarden_sensitive::{Builtin, Classifier};

const SEED: u64 = 20_261_125;
const ROUNDS: usize = 500;

#[test]
fn corpus_meets_the_floors() {
    let records = corpus::generate(SEED, ROUNDS);
    let scores = corpus::score(&Classifier::builtin(), &records);
    println!("{}", corpus::markdown(&scores));
    assert!(scores.fields >= 5_000, "only {} labelled fields", scores.fields);
    let mut failures = Vec::new();
    for builtin in Builtin::ALL {
        let Some(counts) = scores.per_type.get(builtin.id()) else {
            failures.push(format!("{}: no labelled value in the corpus", builtin.id()));
            continue;
        };
        let (p_floor, r_floor) = if builtin.validated() { (0.98, 0.95) } else { (0.90, 0.85) };
        if counts.tp + counts.fn_ < 20 {
            failures.push(format!("{}: only {} labelled values", builtin.id(), counts.tp + counts.fn_));
        }
        if counts.precision() < p_floor || counts.recall() < r_floor {
            failures.push(format!(
                "{}: precision {:.3} (floor {p_floor}), recall {:.3} (floor {r_floor})",
                builtin.id(),
                counts.precision(),
                counts.recall()
            ));
        }
    }
    if !failures.is_empty() {
        for error in scores.errors.iter().take(60) {
            eprintln!("{error:?}");
        }
        panic!("{}", failures.join("\n"));
    }
}

#[test]
fn corpus_is_deterministic() {
    let a = corpus::generate(7, 3);
    let b = corpus::generate(7, 3);
    assert_eq!(
        format!("{:?}", a.iter().map(|r| &r.fields).collect::<Vec<_>>()),
        format!("{:?}", b.iter().map(|r| &r.fields).collect::<Vec<_>>())
    );
}
