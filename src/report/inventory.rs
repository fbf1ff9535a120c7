//! The `inventory` report: counts per object kind and per source file, skipped files and
//! every diagnostic.
//!
//! JSON schema (stable; fields may be added, never renamed):
//! ```text
//! { "counts": { "security_groups", "rules", "instances", "enis", "subnets",
//!               "route_tables", "network_acls", "volumes", "addresses", "prefix_lists",
//!               "vpcs", "internet_gateways", "expectations" },
//!   "sources": [ { "file", "format": "aws-json"|"dsl"|"skipped"|"failed",
//!                  "sections": [..], "scope": {"account", "region"}, "counts": {..} } ],
//!   "skipped": [ { "file", "reason" } ],
//!   "diagnostics": [ { "severity": "error"|"warning"|"info", "message",
//!                      "origin": null | { "file", "path" } | { "file", "line", "column" } } ],
//!   "summary": { "files", "errors", "warnings", "infos" } }
//! ```

use crate::ingest::{Ingest, SourceFormat};
use crate::model::{Counts, Severity};
use serde_json::json;
use std::fmt::Write;

fn severity_count(ingest: &Ingest, s: Severity) -> usize {
    ingest
        .diagnostics
        .iter()
        .filter(|d| d.severity == s)
        .count()
}

/// The report as pretty JSON (with a trailing newline).
pub fn to_json(ingest: &Ingest) -> String {
    let skipped: Vec<_> = ingest
        .sources
        .iter()
        .filter(|s| s.format == SourceFormat::Skipped)
        .map(|s| json!({"file": s.file, "reason": s.sections.join("; ")}))
        .collect();
    let value = json!({
        "counts": ingest.topology.counts(),
        "sources": ingest.sources,
        "skipped": skipped,
        "diagnostics": ingest.diagnostics,
        "summary": {
            "files": ingest.sources.len(),
            "errors": severity_count(ingest, Severity::Error),
            "warnings": severity_count(ingest, Severity::Warning),
            "infos": severity_count(ingest, Severity::Info),
        },
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

fn count_rows(c: &Counts) -> [(&'static str, usize); 14] {
    [
        ("security groups", c.security_groups),
        ("rules", c.rules),
        ("instances", c.instances),
        ("network interfaces", c.enis),
        ("subnets", c.subnets),
        ("route tables", c.route_tables),
        ("network ACLs", c.network_acls),
        ("volumes", c.volumes),
        ("elastic IPs", c.addresses),
        ("prefix lists", c.prefix_lists),
        ("VPCs", c.vpcs),
        ("internet gateways", c.internet_gateways),
        ("service resources", c.group_users),
        ("expectations", c.expectations),
    ]
}

fn short_counts(c: &Counts) -> String {
    let parts: Vec<String> = count_rows(c)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(", ")
    }
}

/// The report as human-readable text.
pub fn to_text(ingest: &Ingest) -> String {
    let mut out = String::new();
    let by = |f: SourceFormat| ingest.sources.iter().filter(|s| s.format == f).count();
    let _ = writeln!(
        out,
        "Read {} file(s): {} AWS JSON, {} rule language, {} skipped, {} failed",
        ingest.sources.len(),
        by(SourceFormat::AwsJson),
        by(SourceFormat::Dsl),
        by(SourceFormat::Skipped),
        by(SourceFormat::Failed),
    );
    let _ = writeln!(out, "\nObjects");
    for (k, n) in count_rows(&ingest.topology.counts()) {
        let _ = writeln!(out, "  {k:<20} {n:>8}");
    }
    let used: Vec<_> = ingest
        .sources
        .iter()
        .filter(|s| matches!(s.format, SourceFormat::AwsJson | SourceFormat::Dsl))
        .collect();
    if !used.is_empty() {
        let _ = writeln!(out, "\nSources");
        for s in used {
            let what = if s.format == SourceFormat::Dsl {
                "rule language".to_string()
            } else {
                s.sections.join(", ")
            };
            let _ = writeln!(out, "  {} [{}]: {}", s.file, what, short_counts(&s.counts));
        }
    }
    let skipped: Vec<_> = ingest
        .sources
        .iter()
        .filter(|s| s.format == SourceFormat::Skipped)
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped");
        for s in skipped {
            let _ = writeln!(out, "  {}: {}", s.file, s.sections.join("; "));
        }
    }
    let _ = writeln!(
        out,
        "\nDiagnostics: {} error(s), {} warning(s), {} info",
        severity_count(ingest, Severity::Error),
        severity_count(ingest, Severity::Warning),
        severity_count(ingest, Severity::Info),
    );
    for d in &ingest.diagnostics {
        let _ = writeln!(out, "  {d}");
    }
    out
}
