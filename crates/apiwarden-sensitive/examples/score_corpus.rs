//! Prints the corpus quality table (markdown):
//! `cargo run -p apiwarden-sensitive --example score-corpus --release [-- SEED ROUNDS]`.
//! With `--errors`, also lists every misclassified field.

#[path = "../corpus/mod.rs"]
mod corpus;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_errors = args.iter().any(|a| a == "--errors");
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let seed = numbers.first().copied().unwrap_or(20_261_125);
    let rounds = numbers.get(1).copied().unwrap_or(500) as usize;
    let records = corpus::generate(seed, rounds);
    let scores = corpus::score(&apiwarden_sensitive::Classifier::builtin(), &records);
    println!("Corpus: seed {seed}, {rounds} rounds, {} records.\n", records.len());
    print!("{}", corpus::markdown(&scores));
    if show_errors {
        for (kind, path, value, expected, found) in &scores.errors {
            println!("{kind}\t{path}\t{value:?}\texpected {expected:?}\tfound {found:?}");
        }
    }
}
