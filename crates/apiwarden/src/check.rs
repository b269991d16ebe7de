//! `apiwarden check`: the attack detectors over recorded traffic, offline, so that rules
//! and exclusions can be tried in CI before they go live (docs/detection.md).

use std::io::Write;
use std::ops::ControlFlow;
use std::process::ExitCode;

use anyhow::Context;
use apiwarden_core::ApiCall;
use apiwarden_core::har::{HarLimits, entry_to_call};
use apiwarden_core::jsonl::line_to_call;
use apiwarden_detect::{Engine, Report};
use apiwarden_ingest::source::{Record, SourceLimits, expand_inputs};
use serde::Serialize;

use crate::cli::CheckArgs;

/// One call with detections, as printed.
#[derive(Serialize)]
struct Flagged<'a> {
    file: &'a str,
    /// HAR entry index (0-based) or line number (1-based).
    position: u64,
    call_id: String,
    method: &'a str,
    host: &'a str,
    path: &'a str,
    #[serde(flatten)]
    report: &'a Report,
}

#[derive(Default, Serialize)]
struct Summary {
    calls: u64,
    flagged: u64,
    capped: u64,
    unreadable: u64,
    /// Detections by class.
    by_class: std::collections::BTreeMap<String, u64>,
}

pub fn run(args: &CheckArgs, quiet: bool) -> anyhow::Result<ExitCode> {
    let engine = Engine::default();
    let files = expand_inputs(&args.inputs)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    let har_limits = HarLimits::default();
    for file in &files {
        let name = file.display_name();
        let mut problem: Option<anyhow::Error> = None;
        let mut sink = |record: Record| {
            let (position, call) = match record {
                Record::Har { index, bytes } => (index, entry_to_call(&bytes, &name, index, &har_limits)),
                Record::Line { line_no, bytes } => {
                    (line_no, line_to_call(&bytes, &name, line_no, &har_limits))
                }
                Record::Skipped { .. } => {
                    summary.unreadable += 1;
                    return ControlFlow::Continue(());
                }
            };
            let Ok(call) = call else {
                summary.unreadable += 1;
                return ControlFlow::Continue(());
            };
            if let Err(err) = check_call(&engine, &call, &name, position, args.json, &mut summary, &mut out) {
                problem = Some(err);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        };
        let outcome = file.read(&SourceLimits::default(), &mut sink)?;
        if let Some(err) = problem {
            return Err(err);
        }
        if let Some(reason) = outcome.truncated.or(outcome.rejected) {
            eprintln!("warning: {reason}");
        }
    }
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&serde_json::json!({ "summary": summary }))?)?;
    } else if !quiet {
        let classes: Vec<String> = summary.by_class.iter().map(|(class, n)| format!("{class} {n}")).collect();
        writeln!(
            out,
            "{} calls checked, {} flagged{}{}{}",
            summary.calls,
            summary.flagged,
            if classes.is_empty() { String::new() } else { format!(" ({})", classes.join(", ")) },
            if summary.capped > 0 {
                format!(", {} over the inspection budget (partly inspected)", summary.capped)
            } else {
                String::new()
            },
            if summary.unreadable > 0 {
                format!(", {} entries unreadable", summary.unreadable)
            } else {
                String::new()
            },
        )?;
    }
    out.flush().context("writing the results")?;
    Ok(if args.fail_on_detection && summary.flagged > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn check_call(
    engine: &Engine,
    call: &ApiCall,
    file: &str,
    position: u64,
    json: bool,
    summary: &mut Summary,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    summary.calls += 1;
    let report = engine.inspect(call);
    summary.capped += u64::from(report.capped);
    if report.detections.is_empty() {
        return Ok(());
    }
    summary.flagged += 1;
    for detection in &report.detections {
        *summary.by_class.entry(detection.class.to_string()).or_default() += 1;
    }
    let request = &call.request;
    if json {
        let flagged = Flagged {
            file,
            position,
            call_id: call.id.to_string(),
            method: &request.method,
            host: &request.host,
            path: &request.path,
            report: &report,
        };
        writeln!(out, "{}", serde_json::to_string(&flagged)?)?;
        return Ok(());
    }
    writeln!(out, "{file}:{position}  {} {}{}", request.method, request.host, request.path)?;
    for detection in &report.detections {
        let field = if detection.field.is_empty() { "(whole)" } else { &detection.field };
        writeln!(
            out,
            "  {}  {} {}  {:?}",
            detection.rule,
            detection.location.as_str(),
            field,
            detection.evidence
        )?;
    }
    Ok(())
}
