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

/// The report as SARIF 2.1.0 (pretty JSON, trailing newline).
pub fn to_sarif(report: &AuditReport) -> String {
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
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sgcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": report.findings.iter().map(result).collect::<Vec<_>>(),
        }]
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}
