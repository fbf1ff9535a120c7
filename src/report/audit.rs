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
use std::fmt::Write;

/// The JSON document, serialised straight from the findings (no intermediate value tree:
/// a large audit has over a million findings).
#[derive(serde::Serialize)]
struct Doc<'a> {
    version: u32,
    findings: &'a [Finding],
    summary: Summary,
}

#[derive(serde::Serialize)]
struct Summary {
    total: usize,
    by_severity: serde_json::Map<String, serde_json::Value>,
    by_code: serde_json::Value,
    suppressed: usize,
    baselined: usize,
    checks: usize,
}

/// The report as pretty JSON (with a trailing newline).
pub fn to_json(report: &AuditReport) -> String {
    let by_severity: serde_json::Map<String, serde_json::Value> = report
        .by_severity()
        .into_iter()
        .rev()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    let doc = Doc {
        version: 1,
        findings: &report.findings,
        summary: Summary {
            total: report.findings.len(),
            by_severity,
            by_code: json!(report.by_code()),
            suppressed: report.suppressed,
            baselined: report.baselined,
            checks: report.checks.len(),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
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

/// The report as text: grouped by severity (most severe first), then by resource.
/// `color` adds ANSI colours to the severity headings.
pub fn to_text(report: &AuditReport, color: bool) -> String {
    let mut s = String::new();
    for sev in Severity::ALL.iter().rev() {
        let of: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == *sev)
            .collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "{}",
            paint(
                &format!("{} ({})", sev.as_str().to_uppercase(), of.len()),
                *sev,
                color
            )
        );
        let mut last: Option<&str> = None;
        for f in of {
            if last != Some(f.resource.as_str()) {
                let _ = writeln!(s, "  {}", f.resource);
                last = Some(f.resource.as_str());
            }
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
        }
        s.push('\n');
    }
    let counts: Vec<String> = report
        .by_severity()
        .into_iter()
        .rev()
        .filter(|(_, n)| *n > 0)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
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
    s
}
