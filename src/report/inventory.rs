//! The `inventory` report: counts per object kind and per source file, skipped files and
//! every diagnostic.
//!
//! JSON schema (stable; fields may be added, never renamed):
//! ```text
//! { "counts": { "security_groups", "rules", "instances", "enis", "subnets",
//!               "route_tables", "network_acls", "volumes", "addresses", "prefix_lists",
//!               "vpcs", "internet_gateways", "group_users", "expectations",
//!               "stale_rules" },
//!   "sources": [ { "file", "format": "aws-json"|"dsl"|"skipped"|"failed",
//!                  "sections": [..], "scope": {"account", "region"}, "counts": {..} } ],
//!   "skipped": [ { "file", "reason" } ],
//!   "diagnostics": [ { "severity": "error"|"warning"|"info", "message",
//!                      "origin": null | { "file", "path" } | { "file", "line", "column" } } ],
//!   "summary": { "files", "errors", "warnings", "infos" } }
//! ```

use crate::ingest::{Ingest, SourceFormat};
use crate::model::{Counts, Severity, shown};
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

/// Per kind of object: its name in the plural and the singular, and the count.
fn count_rows(c: &Counts) -> [(&'static str, &'static str, usize); 15] {
    [
        ("security groups", "security group", c.security_groups),
        ("rules", "rule", c.rules),
        ("instances", "instance", c.instances),
        ("network interfaces", "network interface", c.enis),
        ("subnets", "subnet", c.subnets),
        ("route tables", "route table", c.route_tables),
        ("network ACLs", "network ACL", c.network_acls),
        ("volumes", "volume", c.volumes),
        ("elastic IPs", "elastic IP", c.addresses),
        ("prefix lists", "prefix list", c.prefix_lists),
        ("VPCs", "VPC", c.vpcs),
        ("internet gateways", "internet gateway", c.internet_gateways),
        ("service resources", "service resource", c.group_users),
        ("expectations", "expectation", c.expectations),
        ("stale rules", "stale rule", c.stale_rules),
    ]
}

fn short_counts(c: &Counts) -> String {
    let parts: Vec<String> = count_rows(c)
        .iter()
        .filter(|(.., n)| *n > 0)
        .map(|&(many, one, n)| format!("{n} {}", if n == 1 { one } else { many }))
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
    for (k, _, n) in count_rows(&ingest.topology.counts()) {
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
            let _ = writeln!(
                out,
                "  {} [{}]: {}",
                shown(&s.file),
                what,
                short_counts(&s.counts)
            );
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
            let _ = writeln!(
                out,
                "  {}: {}",
                shown(&s.file),
                shown(&s.sections.join("; "))
            );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_counts_say_one_in_the_singular() {
        let c = Counts {
            security_groups: 2,
            rules: 1,
            group_users: 1,
            network_acls: 3,
            ..Counts::default()
        };
        assert_eq!(
            short_counts(&c),
            "2 security groups, 1 rule, 3 network ACLs, 1 service resource"
        );
        assert_eq!(short_counts(&Counts::default()), "nothing");
    }
}
