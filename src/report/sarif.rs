//! SARIF 2.1.0 for `audit` (GitHub code scanning and other viewers), written with
//! serde_json.
//!
//! Every registered check is a `rule` (help = its explanation, so `ruleIndex` is stable).
//! Each result points at the rules behind the finding, else at the resource: rule-language
//! origins carry `region.startLine/startColumn`; JSON origins carry the file and the JSON
//! path as a `logicalLocation` (no line is computed: the path is exact, a line would be a
//! guess after re-formatting). `partialFingerprints."sgcheck/v1"` is the finding's
//! fingerprint.

use crate::audit::registry::CHECKS;
use crate::audit::{AuditReport, Finding, Severity};
use crate::model::{Location, Origin};
use serde_json::{Value, json};
use std::io::{self, Write};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn location(o: &Origin) -> Option<Value> {
    if o.file.starts_with('<') || &*o.file == "-" {
        return None;
    }
    let uri = o.file.replace('\\', "/");
    let mut artifact = json!({ "uri": uri });
    if !uri.starts_with('/') {
        artifact["uriBaseId"] = json!("%SRCROOT%");
    }
    Some(match &o.location {
        Location::LineCol { line, column } => json!({
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": { "startLine": line, "startColumn": column }
            }
        }),
        Location::JsonPath { path } => json!({
            "physicalLocation": { "artifactLocation": artifact },
            "logicalLocations": [ { "fullyQualifiedName": path, "kind": "member" } ]
        }),
        Location::File => json!({ "physicalLocation": { "artifactLocation": artifact } }),
    })
}

fn result(f: &Finding) -> Value {
    let idx = CHECKS.iter().position(|c| c.code == f.code).unwrap_or(0);
    let mut locs: Vec<Value> = f
        .rules
        .iter()
        .filter_map(|r| r.origin.as_ref())
        .filter_map(location)
        .collect();
    locs.dedup();
    if locs.is_empty()
        && let Some(l) = f.origin.as_ref().and_then(location)
    {
        locs.push(l);
    }
    let mut props = json!({ "severity": f.severity.as_str(), "resource": f.resource });
    if let Some(e) = f.exposure {
        props["exposure"] = serde_json::to_value(e).unwrap_or(Value::Null);
    }
    json!({
        "ruleId": f.code,
        "ruleIndex": idx,
        "level": level(f.severity),
        "message": { "text": format!("{}: {}", f.resource, f.message) },
        "locations": locs,
        "partialFingerprints": { "sgcheck/v1": f.fingerprint },
        "properties": props,
    })
}

/// Writes the report as SARIF 2.1.0: indented, each result one compact line, results
/// formatted in parallel batches and streamed (no value tree of a million results).
pub fn write_sarif<W: Write + ?Sized>(report: &AuditReport, out: &mut W) -> io::Result<()> {
    const HOLE: &str = "@@sgcheck-results@@";
    let rules: Vec<Value> = CHECKS
        .iter()
        .map(|c| {
            let help = c.help();
            json!({
                "id": c.code,
                "name": c.name,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.summary },
                "help": { "text": help, "markdown": help },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": {
                    "tags": ["security", "aws", "security-group"],
                    "security-severity": security_severity(c.severity),
                }
            })
        })
        .collect();
    let skeleton = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sgcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": HOLE,
        }]
    });
    let text = serde_json::to_string_pretty(&skeleton).unwrap_or_default();
    let quoted = format!("\"{HOLE}\"");
    let (head, tail) = text.split_once(&quoted).unwrap_or((&text, ""));
    out.write_all(head.as_bytes())?;
    // Serialising plain data into memory cannot fail.
    super::write_json_array(&report.findings, out, 8, |b, f| {
        let _ = serde_json::to_writer(b, &result(f));
    })?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// The report as SARIF 2.1.0 (see [`write_sarif`]).
pub fn to_sarif(report: &AuditReport) -> String {
    let mut v = Vec::new();
    let _ = write_sarif(report, &mut v);
    String::from_utf8(v).unwrap_or_default()
}
