//! Terminal tables and summaries.

use std::io::Write;

use apiwarden_core::Endpoint;
use apiwarden_core::endpoint::AuthKind;
use apiwarden_core::model::format_timestamp_us;
use apiwarden_ingest::IngestReport;
use apiwarden_store::{HostSummary, IngestRun};
use comfy_table::{Cell, ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};

/// One table per host: method, template, calls, statuses, auth, latency, last seen.
pub fn endpoints_table(out: &mut impl Write, endpoints: &[Endpoint]) -> std::io::Result<()> {
    let mut hosts: Vec<&str> = endpoints.iter().map(|e| e.key.host.as_str()).collect();
    hosts.dedup();
    for host in hosts {
        let mut table = Table::new();
        table.load_preset(UTF8_BORDERS_ONLY).set_content_arrangement(ContentArrangement::Dynamic);
        table.set_header(["METHOD", "TEMPLATE", "CALLS", "STATUS", "AUTH", "P50 ms", "P99 ms", "LAST SEEN"]);
        for e in endpoints.iter().filter(|e| e.key.host == host) {
            table.add_row([
                Cell::new(&e.key.method),
                Cell::new(if e.from_spec {
                    format!("{} (spec)", e.key.template)
                } else {
                    e.key.template.clone()
                }),
                Cell::new(e.calls),
                Cell::new(status_classes(e)),
                Cell::new(auth_summary(e)),
                Cell::new(e.latency.p50_ms.map_or("-".into(), |v| format!("{v:.1}"))),
                Cell::new(e.latency.p99_ms.map_or("-".into(), |v| format!("{v:.1}"))),
                Cell::new(
                    format_timestamp_us(e.last_seen_us).get(..16).unwrap_or_default().replace('T', " "),
                ),
            ]);
        }
        writeln!(out, "{host}")?;
        writeln!(out, "{table}")?;
    }
    Ok(())
}

/// `2xx:120 4xx:3`.
fn status_classes(endpoint: &Endpoint) -> String {
    let mut classes = [0u64; 6];
    for response in &endpoint.responses {
        let class = usize::from(response.status / 100).min(5);
        if let Some(slot) = classes.get_mut(class) {
            *slot += response.count;
        }
    }
    classes
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(class, n)| if class == 0 { format!("none:{n}") } else { format!("{class}xx:{n}") })
        .collect::<Vec<_>>()
        .join(" ")
}

fn auth_summary(endpoint: &Endpoint) -> String {
    let mut kinds: Vec<&str> = endpoint.auth.iter().map(|a| a.kind.as_str()).collect();
    kinds.dedup();
    if kinds.is_empty() {
        return AuthKind::None.as_str().to_owned();
    }
    kinds.join(",")
}

/// `endpoints` and `hosts` are what the store (or the analysis) now holds, not only this run.
pub fn report_summary(
    out: &mut impl Write,
    report: &IngestReport,
    endpoints: usize,
    hosts: usize,
) -> std::io::Result<()> {
    let seconds = report.elapsed_ms as f64 / 1000.0;
    let rate = if seconds > 0.0 { report.calls_read as f64 / seconds } else { 0.0 };
    writeln!(
        out,
        "{} calls read from {} file(s) in {:.2}s ({:.0} calls/s): {} new, {} already known, {} left out as noise{}",
        report.calls_read,
        report.files.len(),
        seconds,
        rate,
        report.calls_new,
        report.calls_duplicate,
        report.calls_ignored_total(),
        ignored_detail(report),
    )?;
    writeln!(out, "{endpoints} endpoint(s) on {hosts} host(s)")?;
    let rejected = report.files.iter().filter(|f| f.rejected.is_some()).count();
    let truncated = report.files.iter().filter(|f| f.truncated.is_some()).count();
    if report.entries_skipped > 0 || rejected > 0 || truncated > 0 {
        writeln!(
            out,
            "{} entries skipped, {rejected} file(s) rejected, {truncated} file(s) cut short (details on stderr)",
            report.entries_skipped
        )?;
    }
    Ok(())
}

fn ignored_detail(report: &IngestReport) -> String {
    if report.calls_ignored.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = report.calls_ignored.iter().map(|(reason, n)| format!("{n} {reason}")).collect();
    format!(" ({})", parts.join(", "))
}

pub fn store_summary(
    out: &mut impl Write,
    hosts: &[HostSummary],
    endpoints: &[Endpoint],
    last_run: Option<&IngestRun>,
) -> std::io::Result<()> {
    let calls: u64 = endpoints.iter().map(|e| e.calls).sum();
    writeln!(
        out,
        "{} endpoint(s), {} call(s), {} host(s) in the store",
        endpoints.len(),
        calls,
        hosts.len()
    )?;
    if let Some(run) = last_run {
        writeln!(
            out,
            "last ingest {}: {} calls read, {} new",
            format_timestamp_us(run.finished_at_us).get(..19).unwrap_or_default().replace('T', " "),
            run.calls_read,
            run.calls_new
        )?;
    }
    Ok(())
}
