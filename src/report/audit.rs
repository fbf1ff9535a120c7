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
//!                "suppressed", "baselined", "checks": n,
//!                "not_judged": [ { "code", "count", "resources": [id, …], "reason" } ] } }
//! ```
//! `not_judged` (present when not empty) lists what checks left alone for want of input:
//! SG009 and SG012 where no list of network interfaces was read, SG013 references to
//! groups of the referencing group's VPC that an export lacks.
//! For ICMP, `ports` is the ICMP type range. `ports: null` means all ports (or that the
//! finding is not about ports).

use super::ByCode;
use super::json::{push_protocol_text, push_uint};
use crate::audit::{AuditReport, Finding, NotJudged, Severity};
use crate::model::{Location, Origin, shown};
use serde_json::json;
use std::fmt::Write as _;
use std::io::{self, Write};

#[derive(serde::Serialize)]
struct Summary<'a> {
    total: usize,
    by_severity: MostSevereFirst,
    by_code: serde_json::Value,
    suppressed: usize,
    baselined: usize,
    checks: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_judged: Vec<NotJudgedJson<'a>>,
}

/// Counts by severity, written as a JSON object with the most severe level first (a
/// `serde_json::Map` would sort the keys by name).
struct MostSevereFirst(Vec<(Severity, usize)>);

impl serde::Serialize for MostSevereFirst {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(serde::Serialize)]
struct NotJudgedJson<'a> {
    code: &'a str,
    count: usize,
    resources: &'a [String],
    reason: &'a str,
}

/// Writes the report as JSON: the document is indented, each finding is one compact
/// line (greppable, and a fraction of the size of indenting every field).
pub fn write_json<W: Write + ?Sized>(report: &AuditReport, out: &mut W) -> io::Result<()> {
    let summary = Summary {
        total: report.findings.len(),
        by_severity: MostSevereFirst(report.by_severity().into_iter().rev().collect()),
        by_code: json!(report.by_code()),
        suppressed: report.suppressed,
        baselined: report.baselined,
        checks: report.checks.len(),
        not_judged: (report.not_judged.iter())
            .map(|n| NotJudgedJson {
                code: n.code,
                count: n.resources.len(),
                resources: &n.resources,
                reason: &n.reason,
            })
            .collect(),
    };
    out.write_all(b"{\n  \"version\": 1,\n  \"findings\": ")?;
    super::write_json_array(&report.findings, out, 4, super::json::push_finding)?;
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

/// Appends the finding's headline: `SG001 world-open-admin-port  tcp 22  [0.0.0.0/0]  nominal`.
fn push_headline(b: &mut Vec<u8>, f: &Finding, names: &ByCode<&'static str>) {
    b.extend_from_slice(f.code.as_bytes());
    b.push(b' ');
    let name = names.get(f.code).unwrap_or_else(|| check_name(f.code));
    b.extend_from_slice(name.as_bytes());
    if let Some(p) = f.protocol {
        b.extend_from_slice(b"  ");
        push_protocol_text(b, p);
        b.push(b' ');
        match f.ports {
            None => b.extend_from_slice(b"all"),
            Some((lo, hi)) => {
                push_uint(b, u64::from(lo));
                if lo != hi {
                    b.push(b'-');
                    push_uint(b, u64::from(hi));
                }
            }
        }
    }
    if let Some(peer) = &f.peer {
        b.extend_from_slice(b"  [");
        push_shown(b, peer);
        b.push(b']');
    }
    if let Some(e) = f.exposure {
        b.extend_from_slice(b"  ");
        b.extend_from_slice(e.as_str().as_bytes());
    }
}

/// Appends text from the input (a name, an id, a path) with control characters
/// escaped (see [`shown`]).
fn push_shown(b: &mut Vec<u8>, s: &str) {
    b.extend_from_slice(shown(s).as_bytes());
}

/// Appends the origin as [`Origin`]'s `Display` writes it.
fn push_origin_text(b: &mut Vec<u8>, o: &Origin) {
    push_shown(b, &o.file);
    match &o.location {
        Location::JsonPath { path } => {
            b.extend_from_slice(b": ");
            push_shown(b, path);
        }
        Location::LineCol { line, column } => {
            b.push(b':');
            push_uint(b, u64::from(*line));
            b.push(b':');
            push_uint(b, u64::from(*column));
        }
        Location::File => {}
    }
}

/// The name of the check `code` names, as the registry finds it (`""` if none).
fn check_name(code: &str) -> &'static str {
    crate::audit::registry::find(code).map_or("", |c| c.name)
}

/// What the text report prints the same for many findings.
struct TextParts {
    /// The severity headings, lowest first (as [`Severity::ALL`]).
    heads: Vec<String>,
    /// The check names by code.
    names: ByCode<&'static str>,
}

/// Appends one finding of the text report, after the severity heading and resource
/// line when they differ from the `previous` finding's.
fn push_text(b: &mut Vec<u8>, previous: Option<&Finding>, f: &Finding, parts: &TextParts) {
    let TextParts { heads, names } = parts;
    let new_severity = previous.is_none_or(|p| p.severity != f.severity);
    if new_severity {
        if previous.is_some() {
            b.push(b'\n');
        }
        let i = Severity::ALL.iter().position(|&s| s == f.severity);
        let head = i.and_then(|i| heads.get(i)).map_or("", String::as_str);
        b.extend_from_slice(head.as_bytes());
        b.push(b'\n');
    }
    if new_severity || previous.is_some_and(|p| p.resource != f.resource) {
        b.extend_from_slice(b"  ");
        push_shown(b, &f.resource);
        b.push(b'\n');
    }
    b.extend_from_slice(b"    ");
    push_headline(b, f, names);
    b.extend_from_slice(b"\n      ");
    push_shown(b, &f.message);
    b.push(b'\n');
    for r in f.rules.iter().take(5) {
        b.extend_from_slice(b"      - ");
        push_shown(b, &r.group);
        b.extend_from_slice(b": ");
        push_shown(b, &r.rule);
        if let Some(o) = &r.origin {
            b.extend_from_slice(b"  (");
            push_origin_text(b, o);
            b.push(b')');
        }
        b.push(b'\n');
    }
    if f.rules.len() > 5 {
        b.extend_from_slice("      - … and ".as_bytes());
        push_uint(b, (f.rules.len() - 5) as u64);
        b.extend_from_slice(b" more rules\n");
    }
}

/// Writes the report as text: grouped by severity (most severe first), then by
/// resource. `color` adds ANSI colours to the severity headings.
pub fn write_text<W: Write + ?Sized>(
    report: &AuditReport,
    color: bool,
    out: &mut W,
) -> io::Result<()> {
    let counts = report.by_severity();
    let heads = Severity::ALL
        .iter()
        .map(|&sev| {
            let n = counts.get(&sev).copied().unwrap_or(0);
            paint(
                &format!("{} ({n})", sev.as_str().to_uppercase()),
                sev,
                color,
            )
        })
        .collect();
    let parts = TextParts {
        heads,
        names: ByCode::new(|_, c| check_name(c.code)),
    };
    super::write_batched(&report.findings, out, |previous, f, b| {
        push_text(b, previous, f, &parts);
    })?;
    if !report.findings.is_empty() {
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
    for n in &report.not_judged {
        let _ = writeln!(s, "{}", not_judged_text(n));
    }
    out.write_all(s.as_bytes())
}

/// "note: SG009 did not judge sg-1, sg-2 (2): …", naming up to five resources.
pub(crate) fn not_judged_text(n: &NotJudged) -> String {
    format!(
        "note: {} did not judge {} ({}): {}",
        n.code,
        shown(&crate::audit::some_of(&n.resources, 5)),
        n.resources.len(),
        shown(&n.reason)
    )
}

/// The report as text (see [`write_text`]).
pub fn to_text(report: &AuditReport, color: bool) -> String {
    let mut v = Vec::new();
    let _ = write_text(report, color, &mut v);
    String::from_utf8(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::json::tests::finding;
    use proptest::prelude::*;

    /// The text report as the `format!`-based writer wrote it before the hand-written
    /// one (the oracle for the per-finding part: headings, headline, rules, origins).
    fn reference_text(report: &AuditReport, color: bool) -> String {
        fn shown(s: &str) -> String {
            s.chars()
                .map(|c| match c.is_control() {
                    true => c.escape_debug().to_string(),
                    false => c.to_string(),
                })
                .collect()
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
                let _ = write!(h, "  [{}]", shown(peer));
            }
            if let Some(e) = f.exposure {
                let word = serde_json::to_value(e).unwrap();
                let _ = write!(h, "  {}", word.as_str().unwrap());
            }
            h
        }
        let counts = report.by_severity();
        let mut last: Option<(Severity, &str)> = None;
        let mut s = String::new();
        for f in &report.findings {
            let sev = f.severity;
            if last.map(|(s, _)| s) != Some(sev) {
                if last.is_some() {
                    s.push('\n');
                }
                let n = counts.get(&sev).copied().unwrap_or(0);
                let head = format!("{} ({n})", sev.as_str().to_uppercase());
                let _ = writeln!(s, "{}", paint(&head, sev, color));
                last = None;
            }
            if last.map(|(_, r)| r) != Some(f.resource.as_str()) {
                let _ = writeln!(s, "  {}", shown(&f.resource));
            }
            last = Some((sev, f.resource.as_str()));
            let _ = writeln!(s, "    {}", headline(f));
            let _ = writeln!(s, "      {}", shown(&f.message));
            for r in f.rules.iter().take(5) {
                let at = r
                    .origin
                    .as_ref()
                    .map(|o| format!("  ({})", shown(&o.to_string())))
                    .unwrap_or_default();
                let _ = writeln!(s, "      - {}: {}{at}", shown(&r.group), shown(&r.rule));
            }
            if f.rules.len() > 5 {
                let _ = writeln!(s, "      - … and {} more rules", f.rules.len() - 5);
            }
        }
        if last.is_some() {
            s.push('\n');
        }
        s
    }

    #[test]
    fn text_from_the_input_cannot_paint_or_forge_lines() {
        let mut f = Finding::new(
            "SG009",
            "sg-1",
            "sg-1 (\u{1b}[2J\u{1b}[1;32mALL CLEAR\u{1b}[0m\nSG001 x)",
        );
        f.peer = Some("a\u{9b}b".to_string());
        let report = AuditReport {
            findings: vec![Box::new(f)],
            ..AuditReport::default()
        };
        let text = to_text(&report, false);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{9b}'),
            "{text:?}"
        );
        assert!(
            text.contains("sg-1 (\\u{1b}[2J\\u{1b}[1;32mALL CLEAR\\u{1b}[0m\\nSG001 x)\n"),
            "{text}"
        );
        assert!(text.contains("[a\\u{9b}b]"), "{text}");
    }

    #[test]
    fn json_counts_by_severity_most_severe_first() {
        let report = AuditReport {
            findings: vec![Box::new(Finding::new("SG009", "sg-1", "unused"))],
            ..AuditReport::default()
        };
        let mut out = Vec::new();
        write_json(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let at = |level: &str| text.find(&format!("\"{level}\": ")).unwrap();
        let order = ["critical", "high", "medium", "low", "info"].map(at);
        assert!(order.is_sorted(), "{text}");
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["summary"]["by_severity"]["info"], 1);
        assert_eq!(doc["summary"]["by_severity"]["critical"], 0);
    }

    /// Findings in any order, with few distinct resources and severities so that runs
    /// (one heading, one resource line for several findings) are common, and some with
    /// more than five rules.
    fn findings() -> impl Strategy<Value = Vec<Finding>> {
        let one = (finding(), 0..3usize, 0..2usize, 0..6usize).prop_map(|(mut f, r, s, n)| {
            f.resource = ["eni-1", "eni-2", "sg-1"][r].to_string();
            f.severity = [Severity::High, Severity::Low][s];
            // 5, 6 or 7 rules (when it has any) around the "and N more" line.
            if let Some(n) = [5, 6, 7].get(n) {
                f.rules = f.rules.iter().cycle().take(*n).cloned().collect();
            }
            f
        });
        prop::collection::vec(one, 0..12)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn text_findings_as_the_format_based_writer_wrote_them(
            findings in findings(),
            color in any::<bool>(),
        ) {
            let report = AuditReport {
                findings: findings.into_iter().map(Box::new).collect(),
                suppressed: 0,
                baselined: 0,
                checks: vec!["SG001"],
                not_judged: Vec::new(),
                input_errors: 0,
            };
            let text = to_text(&report, color);
            let want = reference_text(&report, color);
            let rest = text.strip_prefix(&want);
            prop_assert!(rest.is_some(), "got:\n{text}\nwant:\n{want}");
            let rest = rest.unwrap_or_default();
            // Then only the summary line.
            prop_assert!(rest.ends_with(" checks run\n") && rest.matches('\n').count() == 1);
        }
    }
}
