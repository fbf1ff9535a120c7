//! SARIF 2.1.0 for `audit` (GitHub code scanning and other viewers): the document with
//! serde_json, each result by hand (byte for byte what serde_json wrote for it before,
//! checked by a proptest against that code).
//!
//! Every registered check is a `rule` (help = its explanation, so `ruleIndex` is stable).
//! Each result points at the rules behind the finding, else at the resource: rule-language
//! origins carry `region.startLine/startColumn`; JSON origins carry the file and the JSON
//! path as a `logicalLocation` (no line is computed: the path is exact, a line would be a
//! guess after re-formatting). `partialFingerprints."sgcheck/v1"` is the finding's
//! fingerprint.

use super::ByCode;
use super::json::{push_escaped, push_str, push_uint};
use crate::audit::registry::CHECKS;
use crate::audit::{AuditReport, Finding, Severity};
use crate::model::{Location, Origin};
use serde_json::{Value, json};
use std::borrow::Cow;
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

/// The bytes a URI path holds as they are: unreserved characters and `/`.
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'/');
        b += 1;
    }
    t
};

/// A file path as a SARIF `uri`: a relative path stays a relative reference (to
/// `%SRCROOT%`); an absolute one becomes a `file:` URI. Every byte but unreserved
/// characters and `/` is percent-encoded, so that `web #1.sg` is not a fragment and
/// `a%41.sg` is not `aA.sg` to a consumer. On Windows `\\` separates too, and `C:\\…`
/// and `\\\\server\\share\\…` are absolute; elsewhere `\\` is part of a file name.
fn uri_path(file: &str) -> Cow<'_, str> {
    uri_path_on(file, cfg!(windows))
}

/// [`uri_path`] for Windows paths (`windows`) or others.
fn uri_path_on(file: &str, windows: bool) -> Cow<'_, str> {
    let plain = |b: u8| PLAIN[usize::from(b)];
    let bytes = file.as_bytes();
    let sep = |b: u8| b == b'/' || (windows && b == b'\\');
    let drive = windows
        && bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && sep(bytes[2]);
    let unc = windows && bytes.len() >= 2 && sep(bytes[0]) && sep(bytes[1]);
    let (mut out, rest) = if drive {
        (format!("file:///{}:", char::from(bytes[0])), &file[2..])
    } else if unc {
        ("file:".to_string(), file)
    } else if sep(bytes.first().copied().unwrap_or(0)) {
        ("file://".to_string(), file)
    } else if file.bytes().all(plain) {
        return Cow::Borrowed(file);
    } else {
        (String::with_capacity(file.len() + 8), file)
    };
    for b in rest.bytes() {
        match b {
            b if sep(b) => out.push('/'),
            b if plain(b) => out.push(char::from(b)),
            b => {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Cow::Owned(out)
}

/// Appends the SARIF location of `o`, or nothing (and returns false) for stdin and
/// for origins made by the program. Keys are in the sorted order serde_json writes a
/// `json!` object in, as this report always did.
fn push_location(b: &mut Vec<u8>, o: &Origin) -> bool {
    if o.file.starts_with('<') || &*o.file == "-" {
        return false;
    }
    let uri = uri_path(&o.file);
    let artifact = |b: &mut Vec<u8>| {
        b.extend_from_slice(b"\"artifactLocation\":{\"uri\":");
        push_str(b, &uri);
        if !uri.starts_with("file:") {
            b.extend_from_slice(b",\"uriBaseId\":\"%SRCROOT%\"");
        }
        b.push(b'}');
    };
    match &o.location {
        Location::LineCol { line, column } => {
            b.extend_from_slice(b"{\"physicalLocation\":{");
            artifact(b);
            b.extend_from_slice(b",\"region\":{\"startColumn\":");
            push_uint(b, u64::from(*column));
            b.extend_from_slice(b",\"startLine\":");
            push_uint(b, u64::from(*line));
            b.extend_from_slice(b"}}}");
        }
        Location::JsonPath { path } => {
            b.extend_from_slice(b"{\"logicalLocations\":[{\"fullyQualifiedName\":");
            push_str(b, path);
            b.extend_from_slice(b",\"kind\":\"member\"}],\"physicalLocation\":{");
            artifact(b);
            b.extend_from_slice(b"}}");
        }
        Location::File => {
            b.extend_from_slice(b"{\"physicalLocation\":{");
            artifact(b);
            b.extend_from_slice(b"}}");
        }
    }
    true
}

/// Appends the finding's SARIF `result` as one compact JSON object. Locations are the
/// rules' (a location equal to the one before it is left out), else the resource's.
fn push_result(b: &mut Vec<u8>, f: &Finding, indexes: &ByCode<usize>) {
    let idx = indexes.get(f.code).unwrap_or(0);
    b.extend_from_slice(b"{\"level\":\"");
    b.extend_from_slice(level(f.severity).as_bytes());
    b.extend_from_slice(b"\",\"locations\":[");
    let start = b.len();
    let (here, related) = f.split_rules();
    // The last location written, as a range of `b`.
    let mut last: Option<(usize, usize)> = None;
    for o in here.iter().filter_map(|r| r.origin.as_ref()) {
        let before = b.len();
        if last.is_some() {
            b.push(b',');
        }
        let at = b.len();
        let written = push_location(b, o);
        if !written || last.is_some_and(|(s, e)| b[s..e] == b[at..]) {
            b.truncate(before);
        } else {
            last = Some((at, b.len()));
        }
    }
    if b.len() == start
        && let Some(o) = &f.origin
    {
        push_location(b, o);
    }
    b.extend_from_slice(b"],\"message\":{\"text\":\"");
    push_escaped(b, &f.resource);
    b.extend_from_slice(b": ");
    push_escaped(b, &f.message);
    b.extend_from_slice(b"\"},\"partialFingerprints\":{\"sgcheck/v1\":");
    push_str(b, &f.fingerprint);
    b.extend_from_slice(b"},\"properties\":{");
    if let Some(e) = f.exposure {
        b.extend_from_slice(b"\"exposure\":\"");
        b.extend_from_slice(e.as_str().as_bytes());
        b.extend_from_slice(b"\",");
    }
    b.extend_from_slice(b"\"resource\":");
    push_str(b, &f.resource);
    b.extend_from_slice(b",\"severity\":\"");
    b.extend_from_slice(f.severity.as_str().as_bytes());
    b.extend_from_slice(b"\"}");
    // The rules that only explain the finding (SG011/SG012's covering rules), each with
    // an id: `{"id":0,"physicalLocation":…}`.
    let start = b.len();
    b.extend_from_slice(b",\"relatedLocations\":[");
    let mut id = 0u64;
    for o in related.iter().filter_map(|r| r.origin.as_ref()) {
        let before = b.len();
        if id > 0 {
            b.push(b',');
        }
        let at = b.len();
        if push_location(b, o) {
            let mut key = b"\"id\":".to_vec();
            push_uint(&mut key, id);
            key.push(b',');
            b.splice(at + 1..at + 1, key);
            id += 1;
        } else {
            b.truncate(before);
        }
    }
    if id == 0 {
        b.truncate(start);
    } else {
        b.push(b']');
    }
    b.extend_from_slice(b",\"ruleId\":");
    push_str(b, f.code);
    b.extend_from_slice(b",\"ruleIndex\":");
    push_uint(b, idx as u64);
    b.push(b'}');
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
    let mut skeleton = json!({
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
    // The run: failed when inputs had errors (the findings are of what could be read);
    // what checks could not judge are notifications, with the check as the rule they
    // concern.
    let mut notes: Vec<Value> = (report.not_judged.iter())
        .map(|n| {
            json!({
                "level": "note",
                "message": { "text": super::audit::not_judged_text(n) },
                "associatedRule": {
                    "id": n.code,
                    "index": CHECKS.iter().position(|c| c.code == n.code),
                },
            })
        })
        .collect();
    if report.input_errors > 0 {
        notes.push(json!({
            "level": "error",
            "message": { "text": format!(
                "{} error(s) in the inputs: the findings are of what could be read \
                 (`sgcheck inventory` lists the errors)",
                report.input_errors
            ) },
        }));
    }
    let mut invocation = json!({ "executionSuccessful": report.input_errors == 0 });
    if !notes.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notes);
    }
    skeleton["runs"][0]["invocations"] = json!([invocation]);
    let text = serde_json::to_string_pretty(&skeleton).unwrap_or_default();
    let quoted = format!("\"{HOLE}\"");
    let (head, tail) = text.split_once(&quoted).unwrap_or((&text, ""));
    out.write_all(head.as_bytes())?;
    let indexes = ByCode::new(|i, _| i);
    super::write_json_array(&report.findings, out, 8, |b, f| push_result(b, f, &indexes))?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// The report as SARIF 2.1.0 (see [`write_sarif`]).
pub fn to_sarif(report: &AuditReport) -> String {
    let mut v = Vec::new();
    let _ = write_sarif(report, &mut v);
    String::from_utf8(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::json::tests::finding;
    use proptest::prelude::*;

    #[test]
    fn uris_are_percent_encoded_paths() {
        for windows in [false, true] {
            let uri = |p: &str| uri_path_on(p, windows).into_owned();
            assert_eq!(uri("corpus/audit-demo.sg"), "corpus/audit-demo.sg");
            assert_eq!(uri("./sub/p.sg"), "./sub/p.sg");
            assert_eq!(uri("in dir/web #1.sg"), "in%20dir/web%20%231.sg");
            assert_eq!(uri("in dir/a%41.sg"), "in%20dir/a%2541.sg");
            assert_eq!(uri("a:b/x.sg"), "a%3Ab/x.sg");
            assert_eq!(uri("/tmp/café.sg"), "file:///tmp/caf%C3%A9.sg");
        }
        // Elsewhere than on Windows, a backslash is part of a file name.
        assert_eq!(uri_path_on("a\\b.sg", false), "a%5Cb.sg");
        assert_eq!(uri_path_on("C:\\w\\x.sg", false), "C%3A%5Cw%5Cx.sg");
        assert_eq!(
            uri_path_on("exports\\prod?.json", true),
            "exports/prod%3F.json"
        );
        assert_eq!(
            uri_path_on("C:\\x y\\sg.json", true),
            "file:///C:/x%20y/sg.json"
        );
        assert_eq!(uri_path_on("d:/sg.json", true), "file:///d:/sg.json");
        assert_eq!(
            uri_path_on("\\\\server\\share\\x.sg", true),
            "file://server/share/x.sg"
        );
        assert_eq!(uri_path_on("\\root.sg", true), "file:///root.sg");
    }

    fn location(o: &Origin) -> Option<Value> {
        if o.file.starts_with('<') || &*o.file == "-" {
            return None;
        }
        // The path as `uri_path` writes it (tested on its own).
        let uri = uri_path(&o.file);
        let mut artifact = json!({ "uri": uri });
        if !uri.starts_with("file:") {
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

    /// A result as the `json!`-based writer built it before the hand-written one.
    fn result(f: &Finding) -> Value {
        let idx = CHECKS.iter().position(|c| c.code == f.code).unwrap_or(0);
        let (here, related) = f.split_rules();
        let mut locs: Vec<Value> = here
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
        let related: Vec<Value> = related
            .iter()
            .filter_map(|r| r.origin.as_ref())
            .filter_map(location)
            .enumerate()
            .map(|(k, mut l)| {
                l["id"] = json!(k);
                l
            })
            .collect();
        let mut r = json!({
            "ruleId": f.code,
            "ruleIndex": idx,
            "level": level(f.severity),
            "message": { "text": format!("{}: {}", f.resource, f.message) },
            "locations": locs,
            "partialFingerprints": { "sgcheck/v1": f.fingerprint },
            "properties": props,
        });
        if !related.is_empty() {
            r["relatedLocations"] = json!(related);
        }
        r
    }

    /// Findings whose rules often repeat an origin (or name the same file with `\`
    /// and `/`), so that equal neighbouring locations are common.
    fn findings() -> impl Strategy<Value = Finding> {
        (finding(), 0..3usize, proptest::option::of(0u16..4)).prop_map(
            |(mut f, repeat, located)| {
                f.located = located;
                match repeat {
                    0 => {}
                    1 => {
                        f.rules = f
                            .rules
                            .iter()
                            .flat_map(|r| [r.clone(), r.clone()])
                            .collect()
                    }
                    _ => {
                        f.rules = f
                            .rules
                            .iter()
                            .cycle()
                            .take(f.rules.len() * 2)
                            .cloned()
                            .collect()
                    }
                }
                f
            },
        )
    }

    fn ours(f: &Finding) -> String {
        let mut b = Vec::new();
        push_result(&mut b, f, &ByCode::new(|i, _| i));
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn a_result_as_serde_json_wrote_it() {
        use crate::audit::RuleEvidence;
        use std::sync::Arc;
        let rule = |file: &str, location| {
            Arc::new(RuleEvidence {
                group: "sg-1".into(),
                rule: "in tcp 22 from 0.0.0.0/0".into(),
                rule_id: None,
                origin: Some(Origin {
                    file: Arc::from(file),
                    location,
                }),
            })
        };
        let path = || Location::JsonPath {
            path: "SecurityGroups[0]".into(),
        };
        let mut f = Finding::new("SG001", "eni-\"1", "open\tto all").rules(vec![
            rule("x/sg.json", path()),
            rule("x/sg.json", path()),
            rule("-", path()),
            rule("/abs/sg.sg", Location::LineCol { line: 3, column: 7 }),
            rule("<demo>", Location::File),
            rule("/abs/sg.sg", Location::LineCol { line: 3, column: 7 }),
            rule("rel.sg", Location::File),
        ]);
        f.exposure = Some(crate::audit::Exposure::Effective);
        f.fingerprint = f.compute_fingerprint();
        let want = serde_json::to_string(&result(&f)).unwrap();
        assert_eq!(ours(&f), want);
        // Two locations collapse into one; the stdin and synthetic ones are left out.
        assert_eq!(want.matches("artifactLocation").count(), 3);
        // Only the first is where the finding is; the others explain it, each with an id.
        f.located = Some(1);
        let want = serde_json::to_string(&result(&f)).unwrap();
        assert_eq!(ours(&f), want);
        assert!(want.contains(r#""relatedLocations":[{"id":0,"#), "{want}");
        assert!(
            want.contains(r#""id":3,"#) && !want.contains(r#""id":4"#),
            "{want}"
        );
        let mut g = Finding::new("SG009", "sg-1", "unused");
        assert_eq!(ours(&g), serde_json::to_string(&result(&g)).unwrap());
        g.origin = Some(Origin::synthetic("x"));
        assert_eq!(ours(&g), serde_json::to_string(&result(&g)).unwrap());
        g.origin = Some(Origin::file(&Arc::from("sg.json")));
        assert_eq!(ours(&g), serde_json::to_string(&result(&g)).unwrap());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn results_as_serde_json_wrote_them(f in findings()) {
            prop_assert_eq!(ours(&f), serde_json::to_string(&result(&f)).unwrap());
        }
    }
}
