//! `apiwarden-corpus`: generate labelled synthetic HAR traffic and score discovered
//! inventories against its ground truth.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use apiwarden_corpus::{GenOptions, Score, Truth, apis, score};
use clap::{Parser, Subcommand};
use flate2::Compression;
use flate2::write::GzEncoder;

/// Labelled synthetic API traffic for measuring endpoint discovery.
///
/// Simulates several realistic APIs (shop, codehub, bank, iot, cms, saas), writes their
/// traffic as HAR 1.2 files together with the ground-truth endpoint templates, and scores a
/// discovered inventory against that truth (endpoint-level precision, recall and F1).
/// The same seed always produces byte-identical files.
#[derive(Parser)]
#[command(
    name = "apiwarden-corpus",
    version,
    about,
    long_about,
    after_help = "Examples:\n  \
    apiwarden-corpus generate --out corpus/ --calls 3000 --seed 42\n  \
    apiwarden-corpus generate --out corpus/ --api shop --api bank --gzip\n  \
    apiwarden-corpus big --out big.har --calls 200000 --body-bytes 1024\n  \
    apiwarden-corpus score --truth corpus/ --inventory inventory.json --min-f1 0.97\n  \
    apiwarden-corpus stats --api saas\n  \
    apiwarden-corpus attacks --out attacks/ --seed 42 --legit 6000"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write one HAR and one truth file per API: DIR/<api>.har[.gz] and DIR/<api>.truth.json.
    Generate {
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// HAR entries per API (noise such as static files and preflights included).
        #[arg(long, default_value_t = 3000, value_name = "N")]
        calls: usize,
        /// Random seed; the same seed gives byte-identical output.
        #[arg(long, default_value_t = 42, value_name = "S")]
        seed: u64,
        /// Only these APIs (repeatable). Default: all. See `apiwarden-corpus list`.
        #[arg(long = "api", value_name = "NAME")]
        apis: Vec<String>,
        /// Gzip the HAR files (<api>.har.gz).
        #[arg(long)]
        gzip: bool,
    },
    /// Write one large HAR with all APIs interleaved, for throughput tests.
    ///
    /// Also writes the per-API truths next to it as <FILE without .har/.har.gz>.truth.json.
    /// A FILE ending in .gz is gzip-compressed.
    Big {
        /// Output HAR file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Total HAR entries across all APIs.
        #[arg(long, default_value_t = 200_000, value_name = "N")]
        calls: usize,
        /// Pad JSON request and response bodies to about this many bytes.
        #[arg(long, value_name = "BYTES")]
        body_bytes: Option<usize>,
        /// Random seed.
        #[arg(long, default_value_t = 42, value_name = "S")]
        seed: u64,
        /// Where to write the truths (default: next to the HAR; none for /dev/ outputs).
        #[arg(long, value_name = "FILE")]
        truth: Option<PathBuf>,
    },
    /// Score a discovered inventory against one or more truth files.
    ///
    /// The inventory is a JSON array of objects with "key": {"host", "method", "template"}
    /// (the output of `apiwarden inventory --json`); only entries whose host matches the
    /// truth's host are scored. Parameter names are ignored: a template matches when the
    /// method, the static segments and the parameter positions match.
    Score {
        /// Truth file (<api>.truth.json) or a directory of them (repeatable).
        #[arg(long, required = true, value_name = "FILE|DIR")]
        truth: Vec<PathBuf>,
        /// Inventory JSON file.
        #[arg(long, value_name = "FILE")]
        inventory: PathBuf,
        /// Print machine-readable JSON instead of a report.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 when any API's F1 is below this value.
        #[arg(long, value_name = "F1")]
        min_f1: Option<f64>,
    },
    /// List the APIs, their hosts and the traps each contains.
    List,
    /// Show per-endpoint call counts and distinct parameter values of a run (no files).
    Stats {
        /// API name.
        #[arg(long, value_name = "NAME")]
        api: String,
        /// HAR entries to simulate.
        #[arg(long, default_value_t = 3000, value_name = "N")]
        calls: usize,
        /// Random seed.
        #[arg(long, default_value_t = 42, value_name = "S")]
        seed: u64,
    },
    /// Write the labelled attack corpus and suspicious-looking legitimate traffic.
    ///
    /// DIR/attacks.jsonl and DIR/legit.jsonl hold one call per line (apiwarden's JSON-lines
    /// call format); DIR/labels.jsonl holds the call id and label of every attack call
    /// (class, placement, evasion, technique, payload). Prints counts per class and placement.
    Attacks {
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Random seed; the same seed gives byte-identical output.
        #[arg(long, default_value_t = 42, value_name = "S")]
        seed: u64,
        /// Number of legitimate calls.
        #[arg(long, default_value_t = apiwarden_corpus::attacks::DEFAULT_LEGIT_CALLS, value_name = "N")]
        legit: usize,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Generate { out, calls, seed, apis: names, gzip } => {
            generate(&out, calls, seed, &names, gzip)
        }
        Command::Big { out, calls, body_bytes, seed, truth } => big(&out, calls, body_bytes, seed, truth),
        Command::Score { truth, inventory, json, min_f1 } => score_cmd(&truth, &inventory, json, min_f1),
        Command::List => {
            for a in apis() {
                println!("{:<8} {:<28} {}", a.name, a.host, a.description);
                let traps: Vec<String> = a.traps.iter().map(|t| format!("{t:?}")).collect();
                println!("         traps: {}", traps.join(", "));
            }
            Ok(())
        }
        Command::Attacks { out, seed, legit } => {
            let summary = apiwarden_corpus::attacks::write_corpus(&out, seed, legit)?;
            println!("{summary}");
            Ok(())
        }
        Command::Stats { api, calls, seed } => {
            let def = apiwarden_corpus::api(&api)
                .with_context(|| format!("unknown API {api:?}; try `apiwarden-corpus list`"))?;
            let stats =
                apiwarden_corpus::endpoint_stats(&def, &GenOptions { calls, seed, body_bytes: None })?;
            println!("{:>6}  {:<8} {:<60} distinct values per parameter", "calls", "method", "template");
            for s in stats {
                println!("{:>6}  {:<8} {:<60} {:?}", s.calls, s.method, s.template, s.distinct_values);
            }
            Ok(())
        }
    }
}

/// Counts bytes on their way to the inner writer.
struct Counting<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut w = create(path)?;
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn generate(out: &Path, calls: usize, seed: u64, names: &[String], gzip: bool) -> Result<()> {
    let all = apis();
    let chosen: Vec<_> = if names.is_empty() {
        all
    } else {
        let mut v = Vec::new();
        for n in names {
            match all.iter().find(|a| a.name == n) {
                Some(a) => v.push(*a),
                None => {
                    let known: Vec<&str> = all.iter().map(|a| a.name).collect();
                    bail!("unknown API {n:?}; known APIs: {}", known.join(", "));
                }
            }
        }
        v
    };
    std::fs::create_dir_all(out).with_context(|| format!("cannot create directory {}", out.display()))?;
    let opts = GenOptions { calls, seed, body_bytes: None };
    for api in chosen {
        let started = Instant::now();
        let har = out.join(if gzip { format!("{}.har.gz", api.name) } else { format!("{}.har", api.name) });
        let file = create(&har)?;
        let (truth, bytes) = if gzip {
            let mut c = Counting { inner: GzEncoder::new(file, Compression::default()), bytes: 0 };
            let t = apiwarden_corpus::write_har(&api, &opts, &mut c)?;
            let bytes = c.bytes;
            c.inner.finish()?.flush()?;
            (t, bytes)
        } else {
            let mut c = Counting { inner: file, bytes: 0 };
            let t = apiwarden_corpus::write_har(&api, &opts, &mut c)?;
            c.flush()?;
            (t, c.bytes)
        };
        let truth_path = out.join(format!("{}.truth.json", api.name));
        write_json(&truth_path, &truth)?;
        println!(
            "{:<8} {:>6} entries  {:>3} truth endpoints  {:>8.1} MB  {}  ({:.2}s)",
            api.name,
            calls,
            truth.endpoints.len(),
            bytes as f64 / 1e6,
            har.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn big(out: &Path, calls: usize, body_bytes: Option<usize>, seed: u64, truth: Option<PathBuf>) -> Result<()> {
    let started = Instant::now();
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    let opts = GenOptions { calls, seed, body_bytes };
    let file = create(out)?;
    let name = out.to_string_lossy().to_string();
    let (truths, bytes) = if name.ends_with(".gz") {
        let mut c = Counting { inner: GzEncoder::new(file, Compression::fast()), bytes: 0 };
        let t = apiwarden_corpus::write_mixed_har(&opts, &mut c)?;
        let bytes = c.bytes;
        c.inner.finish()?.flush()?;
        (t, bytes)
    } else {
        let mut c = Counting { inner: file, bytes: 0 };
        let t = apiwarden_corpus::write_mixed_har(&opts, &mut c)?;
        c.flush()?;
        (t, c.bytes)
    };
    let stem = name.trim_end_matches(".gz").trim_end_matches(".har").to_string();
    let truth_path =
        truth.or_else(|| (!name.starts_with("/dev/")).then(|| PathBuf::from(format!("{stem}.truth.json"))));
    if let Some(p) = &truth_path {
        write_json(p, &truths)?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "wrote {} entries, {} bytes ({:.1} MB of HAR before compression) to {} in {:.1}s{}",
        calls,
        bytes,
        bytes as f64 / 1e6,
        out.display(),
        secs,
        truth_path.map(|p| format!("; truths in {}", p.display())).unwrap_or_default()
    );
    Ok(())
}

fn load_truths(paths: &[PathBuf]) -> Result<Vec<Truth>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read directory {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.to_string_lossy().ends_with(".truth.json"))
                .collect();
            found.sort();
            if found.is_empty() {
                bail!("no *.truth.json files in {}", p.display());
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut truths = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("cannot read truth file {}", f.display()))?;
        // A single truth, or the array that `big` writes.
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("truth file {} is not valid JSON", f.display()))?;
        if value.is_array() {
            let many: Vec<Truth> = serde_json::from_value(value)
                .with_context(|| format!("truth file {} is not a list of truths", f.display()))?;
            truths.extend(many);
        } else {
            truths.push(
                serde_json::from_value(value)
                    .with_context(|| format!("truth file {} lacks api/host/endpoints", f.display()))?,
            );
        }
    }
    Ok(truths)
}

/// (host, method, template) rows of an inventory file.
fn load_inventory(path: &Path) -> Result<Vec<(String, String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read inventory {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("inventory {} is not valid JSON", path.display()))?;
    let items = match &value {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Object(o) => {
            match ["endpoints", "items", "inventory"].iter().find_map(|k| o.get(*k)) {
                Some(serde_json::Value::Array(a)) => a.clone(),
                _ => bail!("inventory {} is an object without an endpoints array", path.display()),
            }
        }
        _ => bail!("inventory {} must be a JSON array of endpoints", path.display()),
    };
    let mut rows = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let key = item.get("key").unwrap_or(item);
        let field = |name: &str| key.get(name).and_then(|v| v.as_str()).map(str::to_string);
        match (field("host"), field("method"), field("template")) {
            (Some(h), Some(m), Some(t)) => rows.push((h, m, t)),
            _ => bail!("inventory {} entry {i} lacks key.host, key.method or key.template", path.display()),
        }
    }
    Ok(rows)
}

fn host_eq(a: &str, b: &str) -> bool {
    let strip = |h: &str| h.trim().trim_end_matches(".").to_ascii_lowercase();
    let a = strip(a);
    let b = strip(b);
    a == b || a.strip_suffix(":443").is_some_and(|x| x == b) || b.strip_suffix(":443").is_some_and(|x| x == a)
}

fn score_cmd(truth_paths: &[PathBuf], inventory: &Path, json: bool, min_f1: Option<f64>) -> Result<()> {
    let truths = load_truths(truth_paths)?;
    let rows = load_inventory(inventory)?;
    let mut results: Vec<(Truth, Score)> = Vec::new();
    for t in truths {
        let predicted: Vec<(String, String)> = rows
            .iter()
            .filter(|(h, _, _)| host_eq(h, &t.host))
            .map(|(_, m, tpl)| (m.clone(), tpl.clone()))
            .collect();
        let s = score(&t, &predicted);
        results.push((t, s));
    }
    if json {
        let out: Vec<serde_json::Value> = results
            .iter()
            .map(|(t, s)| serde_json::json!({ "api": t.api, "host": t.host, "score": s }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "{:<8} {:<28} {:>5} {:>5} {:>5} {:>5} {:>9} {:>7} {:>7}",
            "api", "host", "truth", "TP", "FP", "FN", "precision", "recall", "F1"
        );
        for (t, s) in &results {
            println!(
                "{:<8} {:<28} {:>5} {:>5} {:>5} {:>5} {:>9.4} {:>7.4} {:>7.4}",
                t.api,
                t.host,
                t.endpoints.len(),
                s.true_positives,
                s.false_positives,
                s.false_negatives,
                s.precision,
                s.recall,
                s.f1
            );
        }
        for (t, s) in &results {
            if !s.missed.is_empty() {
                println!("\nmissed ({}):", t.api);
                for m in &s.missed {
                    println!("  {m}");
                }
            }
            if !s.spurious.is_empty() {
                println!("\nspurious ({}):", t.api);
                for m in &s.spurious {
                    println!("  {m}");
                }
            }
        }
    }
    if let Some(min) = min_f1 {
        let below: Vec<String> = results
            .iter()
            .filter(|(_, s)| s.f1 < min)
            .map(|(t, s)| format!("{} ({:.4})", t.api, s.f1))
            .collect();
        if !below.is_empty() {
            eprintln!("F1 below {min}: {}", below.join(", "));
            std::process::exit(1);
        }
    }
    Ok(())
}
