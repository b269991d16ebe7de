//! Terminal tables and summaries.

use std::io::Write;

use apiwarden_core::endpoint::AuthKind;
use apiwarden_core::model::format_timestamp_us;
use apiwarden_core::{Endpoint, Finding, Severity};
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
        table.set_header([
            "METHOD",
            "TEMPLATE",
            "CALLS",
            "STATUS",
            "AUTH",
            "SENSITIVE",
            "P50 ms",
            "P99 ms",
            "LAST SEEN",
        ]);
        for e in endpoints.iter().filter(|e| e.key.host == host) {
            table.add_row([
                Cell::new(&e.key.method),
                Cell::new(if e.from_spec {
                    format!("{} (spec)", e.key.template)
                } else {
                    e.key.template.clone()
                }),
                Cell::new(match e.analysed_calls {
                    // The other columns describe the analysed calls (gateway adaptive analysis).
                    Some(analysed) => format!("{} ({analysed} analysed)", e.calls),
                    None => e.calls.to_string(),
                }),
                Cell::new(status_classes(e)),
                Cell::new(auth_summary(e)),
                Cell::new(sensitive_summary(e)),
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

/// The sensitive data types an endpoint carries, most frequent first: `email, phone +2`.
fn sensitive_summary(endpoint: &Endpoint) -> String {
    let mut counts: std::collections::BTreeMap<&str, u64> = Default::default();
    for tag in &endpoint.sensitive {
        *counts.entry(tag.tag.data_type.as_str()).or_default() += tag.count;
    }
    if counts.is_empty() {
        return "-".into();
    }
    let mut types: Vec<(&str, u64)> = counts.into_iter().collect();
    types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<&str> = types.iter().take(3).map(|(t, _)| *t).collect();
    match types.len().saturating_sub(3) {
        0 => shown.join(", "),
        more => format!("{} +{more}", shown.join(", ")),
    }
}

/// Per host: every endpoint's sensitive fields with type, count and last seen.
pub fn sensitive_table(out: &mut impl Write, endpoints: &[Endpoint]) -> std::io::Result<()> {
    let tagged: Vec<&Endpoint> = endpoints.iter().filter(|e| !e.sensitive.is_empty()).collect();
    if tagged.is_empty() {
        return writeln!(out, "No sensitive data seen in {} endpoints.", endpoints.len());
    }
    let mut hosts: Vec<&str> = tagged.iter().map(|e| e.key.host.as_str()).collect();
    hosts.dedup();
    for host in hosts {
        let mut table = Table::new();
        table.load_preset(UTF8_BORDERS_ONLY).set_content_arrangement(ContentArrangement::Dynamic);
        table.set_header([
            "ENDPOINT",
            "WHERE",
            "FIELD",
            "TYPE",
            "CATEGORY",
            "CALLS",
            "FIRST SEEN",
            "LAST SEEN",
        ]);
        for e in tagged.iter().filter(|e| e.key.host == host) {
            for tag in &e.sensitive {
                let direction = match tag.tag.direction {
                    apiwarden_core::Direction::Request => "request",
                    apiwarden_core::Direction::Response => "response",
                };
                table.add_row([
                    Cell::new(format!("{} {}", e.key.method, e.key.template)),
                    Cell::new(format!("{direction} {}", tag.tag.location.as_str())),
                    Cell::new(&tag.tag.path),
                    Cell::new(&tag.tag.data_type),
                    Cell::new(&tag.tag.category),
                    Cell::new(tag.count),
                    Cell::new(short_time(tag.first_seen_us)),
                    Cell::new(short_time(tag.last_seen_us)),
                ]);
            }
        }
        writeln!(out, "{host}")?;
        writeln!(out, "{table}")?;
    }
    let fields: usize = tagged.iter().map(|e| e.sensitive.len()).sum();
    writeln!(
        out,
        "{} of {} endpoints carry sensitive data ({fields} field/type pairs).",
        tagged.len(),
        endpoints.len()
    )
}

fn short_time(us: i64) -> String {
    format_timestamp_us(us).get(..16).unwrap_or_default().replace('T', " ")
}

/// Where a finding is: `GET /users/{userId}` or `all endpoints`.
fn finding_place(finding: &Finding) -> String {
    match &finding.endpoint {
        Some(key) if key.method == "*" => format!("{} (all endpoints)", key.host),
        Some(key) => format!("{} {} {}", key.host, key.method, key.template),
        None => "-".into(),
    }
}

/// Every finding: severity, rule, where, count, evidence.
pub fn findings_table(out: &mut impl Write, findings: &[Finding]) -> std::io::Result<()> {
    let mut table = Table::new();
    table.load_preset(UTF8_BORDERS_ONLY).set_content_arrangement(ContentArrangement::Dynamic);
    table.set_header(["SEVERITY", "OWASP", "FINDING", "WHERE", "CALLS", "EVIDENCE (masked)"]);
    for f in findings {
        table.add_row([
            Cell::new(f.severity.as_str()),
            Cell::new(f.category.code()),
            Cell::new(format!("{}\n{}", f.title, f.rule)),
            Cell::new(finding_place(f)),
            Cell::new(f.count),
            Cell::new(&f.evidence),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(out, "{} findings.", findings.len())
}

/// Counts by severity and the most severe few, after an analysis.
pub fn findings_summary(out: &mut impl Write, findings: &[Finding], more: &str) -> std::io::Result<()> {
    if findings.is_empty() {
        return writeln!(out, "findings: none");
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    writeln!(
        out,
        "findings: {} critical, {} high, {} medium, {} low, {} info",
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info)
    )?;
    let mut top: Vec<&Finding> = findings.iter().collect();
    top.sort_by(|a, b| b.severity.cmp(&a.severity).then(b.count.cmp(&a.count)).then(a.id.cmp(&b.id)));
    for f in top.iter().take(8) {
        let calls = if f.count == 1 { "call" } else { "calls" };
        writeln!(
            out,
            "  [{}] {} — {} ({} {calls})",
            f.severity.as_str(),
            f.title,
            finding_place(f),
            f.count
        )?;
    }
    if findings.len() > 8 {
        writeln!(out, "  ... and {} more ({more} lists them all)", findings.len() - 8)?;
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
