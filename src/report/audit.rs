//! The `audit` report as text and JSON.
//!
//! JSON schema (stable; fields may be added, never renamed):
//! ```text
//! { "version": 1,
//!   "findings": [ { "code", "severity": "info"|"low"|"medium"|"high"|"critical",
//!                   "resource", "protocol": "tcp"|"udp"|"icmp"|"icmpv6"|"all"|number|null,
//!                   "ports": [lo, hi] | null, "peer": string|null,
//!                   "exposure": "effective"|"nominal" (exposure checks only),
//!                   "message", "rules": [ { "group", "rule", "rule_id"?, "origin" } ],
//!                   "fingerprint" } ],
//!   "summary": { "total", "by_severity": {"critical": n, …}, "by_code": {"SG001": n, …},
//!                "suppressed", "baselined", "checks": n } }
//! ```
//! For ICMP, `ports` is the ICMP type range. `ports: null` means all ports (or that the
//! finding is not about ports).

use crate::audit::{AuditReport, Finding, Severity};
use serde_json::json;
use std::fmt::Write as _;
use std::io::{self, Write};

#[derive(serde::Serialize)]
struct Summary {
    total: usize,
    by_severity: serde_json::Map<String, serde_json::Value>,
    by_code: serde_json::Value,
    suppressed: usize,
    baselined: usize,
    checks: usize,
}

/// Writes the report as JSON: the document is indented, each finding is one compact
/// line (greppable, and a fraction of the size of indenting every field).
pub fn write_json<W: Write + ?Sized>(report: &AuditReport, out: &mut W) -> io::Result<()> {
    let by_severity: serde_json::Map<String, serde_json::Value> = report
        .by_severity()
        .into_iter()
        .rev()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    let summary = Summary {
        total: report.findings.len(),
        by_severity,
        by_code: json!(report.by_code()),
        suppressed: report.suppressed,
        baselined: report.baselined,
        checks: report.checks.len(),
    };
    out.write_all(b"{\n  \"version\": 1,\n  \"findings\": ")?;
    // Serialising plain data into memory cannot fail.
    super::write_json_array(&report.findings, out, 4, |f, b| {
        let _ = serde_json::to_writer(b, f);
    })?;
    out.write_all(b",\n  \"summary\": ")?;
    let summary = serde_json::to_string_pretty(&summary).unwrap_or_default();
    out.write_all(summary.replace('\n', "\n  ").as_bytes())?;
    out.write_all(b"\n}\n")
}

/// The report as JSON (see [`write_json`]).
pub fn to_json(report: &AuditReport) -> String {
    let mut v = Vec::new();
    let _ = write_json(report, &mut v);
    String::from_utf8(v).unwrap_or_default()
}

fn paint(s: &str, sev: Severity, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match sev {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

fn headline(f: &Finding) -> String {
    let mut h = format!(
        "{} {}",
        f.code,
        crate::audit::registry::find(f.code).map_or("", |c| c.name)
    );
    if let Some(p) = f.protocol {
        let _ = write!(h, "  {p} {}", f.ports_text());
    }
    if let Some(peer) = &f.peer {
        let _ = write!(h, "  [{peer}]");
    }
    if let Some(e) = f.exposure {
        let _ = write!(
            h,
            "  {}",
            serde_json::to_value(e)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        );
    }
    h
}

/// Writes the report as text: grouped by severity (most severe first), then by
/// resource. `color` adds ANSI colours to the severity headings.
pub fn write_text<W: Write + ?Sized>(
    report: &AuditReport,
    color: bool,
    out: &mut W,
) -> io::Result<()> {
    let counts = report.by_severity();
    let mut last: Option<(Severity, &str)> = None;
    super::write_batched(
        &report.findings,
        out,
        |f, b| {
            let mut s = String::with_capacity(512);
            let _ = writeln!(s, "    {}", headline(f));
            let _ = writeln!(s, "      {}", f.message);
            for r in f.rules.iter().take(5) {
                let at = r
                    .origin
                    .as_ref()
                    .map(|o| format!("  ({o})"))
                    .unwrap_or_default();
                let _ = writeln!(s, "      - {}: {}{at}", r.group, r.rule);
            }
            if f.rules.len() > 5 {
                let _ = writeln!(s, "      - … and {} more rules", f.rules.len() - 5);
            }
            b.extend_from_slice(s.as_bytes());
        },
        |f, out| {
            let sev = f.severity;
            if last.map(|(s, _)| s) != Some(sev) {
                if last.is_some() {
                    out.write_all(b"\n")?;
                }
                let n = counts.get(&sev).copied().unwrap_or(0);
                let head = format!("{} ({n})", sev.as_str().to_uppercase());
                writeln!(out, "{}", paint(&head, sev, color))?;
                last = None;
            }
            if last.map(|(_, r)| r) != Some(f.resource.as_str()) {
                writeln!(out, "  {}", f.resource)?;
            }
            last = Some((sev, f.resource.as_str()));
            Ok(())
        },
    )?;
    if last.is_some() {
        out.write_all(b"\n")?;
    }
    let counts: Vec<String> = counts
        .into_iter()
        .rev()
        .filter(|(_, n)| *n > 0)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    let mut s = String::new();
    let _ = write!(
        s,
        "{} finding(s){}",
        report.findings.len(),
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        }
    );
    let mut extra = Vec::new();
    if report.suppressed > 0 {
        extra.push(format!("{} suppressed", report.suppressed));
    }
    if report.baselined > 0 {
        extra.push(format!("{} in the baseline", report.baselined));
    }
    if !extra.is_empty() {
        let _ = write!(s, " ({})", extra.join(", "));
    }
    let _ = writeln!(s, "; {} checks run", report.checks.len());
    out.write_all(s.as_bytes())
}

/// The report as text (see [`write_text`]).
pub fn to_text(report: &AuditReport, color: bool) -> String {
    let mut v = Vec::new();
    let _ = write_text(report, color, &mut v);
    String::from_utf8(v).unwrap_or_default()
}
