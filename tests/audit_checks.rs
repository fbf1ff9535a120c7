//! One fixture per check (`tests/data/audit/SGxxx.sg`, with `OK` and `ERROR` cases), run
//! with only that check enabled and snapshotted as text; plus JSON and SARIF snapshots of
//! the bundled demo and the generated docs.

use sgcheck::audit::config::Date;
use sgcheck::audit::{AuditConfig, audit, registry};
use sgcheck::ingest::ingest_bytes;
use sgcheck::report;
use std::path::Path;

fn dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn config(code: Option<&str>) -> AuditConfig {
    AuditConfig {
        today: "2025-01-01".parse::<Date>().unwrap(),
        only: code.map(|c| vec![c.to_string()]),
        ..AuditConfig::default()
    }
}

fn run_fixture(code: &str) -> String {
    let name = format!("{code}.sg");
    let bytes = std::fs::read(dir().join("tests/data/audit").join(&name)).unwrap();
    let ingest = ingest_bytes(&name, &bytes);
    assert!(!ingest.has_errors(), "{name}: {:?}", ingest.diagnostics);
    let mut cfg = config(Some(code));
    let toml = dir().join("tests/data/audit").join(format!("{code}.toml"));
    if toml.exists() {
        cfg.apply_toml(&std::fs::read_to_string(&toml).unwrap(), "sgcheck.toml")
            .unwrap();
    }
    let r = audit(&ingest.topology, &cfg);
    assert!(
        !r.findings.is_empty(),
        "{code}: the fixture's ERROR cases found nothing"
    );
    assert!(
        r.findings.iter().all(|f| f.code == code),
        "{code}: other codes ran"
    );
    report::audit::to_text(&r, false)
}

#[test]
fn every_check_has_a_fixture() {
    for c in registry::CHECKS {
        assert!(
            dir()
                .join(format!("tests/data/audit/{}.sg", c.code))
                .exists(),
            "{} has no fixture",
            c.code
        );
    }
}

macro_rules! fixture_tests {
    ($($name:ident => $code:literal,)*) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!($code, run_fixture($code));
        }
    )*};
}

fixture_tests! {
    sg001 => "SG001", sg002 => "SG002", sg003 => "SG003", sg004 => "SG004",
    sg005 => "SG005", sg006 => "SG006", sg007 => "SG007", sg008 => "SG008",
    sg009 => "SG009", sg010 => "SG010", sg011 => "SG011", sg012 => "SG012",
    sg013 => "SG013", sg014 => "SG014", sg015 => "SG015", sg016 => "SG016",
    sg017 => "SG017", sg018 => "SG018", sg019 => "SG019", sg020 => "SG020",
    sg021 => "SG021", sg022 => "SG022", sg023 => "SG023", sg024 => "SG024",
    sg025 => "SG025", sg026 => "SG026",
}

/// Two findings with one fingerprint would make a baseline of one hide the other.
#[test]
fn fingerprints_are_unique_within_each_fixture() {
    for check in registry::CHECKS {
        let name = format!("{}.sg", check.code);
        let bytes = std::fs::read(dir().join("tests/data/audit").join(&name)).unwrap();
        let ingest = ingest_bytes(&name, &bytes);
        let r = audit(&ingest.topology, &config(Some(check.code)));
        let mut seen = std::collections::HashMap::new();
        for f in &r.findings {
            if let Some(other) = seen.insert(f.fingerprint.clone(), f) {
                panic!("{name}: same fingerprint for\n{other:?}\nand\n{f:?}");
            }
        }
    }
}

fn demo() -> sgcheck::audit::AuditReport {
    let bytes = std::fs::read(dir().join("corpus/audit-demo.sg")).unwrap();
    let ingest = ingest_bytes("corpus/audit-demo.sg", &bytes);
    audit(&ingest.topology, &config(None))
}

#[test]
fn demo_json() {
    insta::assert_snapshot!("demo_json", report::audit::to_json(&demo()));
}

#[test]
fn demo_sarif() {
    let s = report::sarif::to_sarif(&demo());
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        registry::CHECKS.len()
    );
    // The rules carry the long help; snapshot the results only.
    insta::assert_snapshot!(
        "demo_sarif_results",
        serde_json::to_string_pretty(&v["runs"][0]["results"]).unwrap()
    );
}

#[test]
fn demo_exercises_most_checks() {
    let r = demo();
    let codes = r.by_code();
    assert!(codes.len() >= 20, "demo fires only {:?}", codes.keys());
    let ssh = r.findings.iter().find(|f| f.code == "SG001").unwrap();
    assert_eq!(ssh.exposure, Some(sgcheck::audit::Exposure::Effective));
    assert_eq!(ssh.ports, Some((22, 22)));
    assert_eq!(ssh.rules.len(), 2, "the two /1 halves");
}

#[test]
fn fingerprints_stable_under_reordering() {
    let text = std::fs::read_to_string(dir().join("corpus/audit-demo.sg")).unwrap();
    let a = demo();
    // Same objects, statements in another order and with different spacing/comments.
    let mut blocks: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if line.starts_with(' ') {
            if let Some(last) = blocks.last_mut() {
                last.push('\n');
                last.push_str(line);
            }
        } else {
            blocks.push(line.to_string());
        }
    }
    // Reverse the groups among themselves and the rules inside each group.
    let idx: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks[i].starts_with("group"))
        .collect();
    let mut groups: Vec<String> = idx
        .iter()
        .map(|&i| {
            let mut lines: Vec<&str> = blocks[i].lines().collect();
            lines[1..].reverse();
            lines.join("\n")
        })
        .collect();
    groups.reverse();
    for (k, &i) in idx.iter().enumerate() {
        blocks[i] = groups[k].clone();
    }
    let reordered = blocks.join("\n\n# moved\n") + "\n";
    let ingest = ingest_bytes("elsewhere/demo.sg", reordered.as_bytes());
    let b = audit(&ingest.topology, &config(None));
    let fa: std::collections::BTreeSet<_> =
        a.findings.iter().map(|f| f.fingerprint.clone()).collect();
    let fb: std::collections::BTreeSet<_> =
        b.findings.iter().map(|f| f.fingerprint.clone()).collect();
    assert_eq!(fa, fb);
}

/// Every fixture's findings are the same findings (fingerprints) with the rules of
/// each group in the opposite order: which rule is cited or called redundant must not
/// depend on the order of an export.
#[test]
fn fixture_fingerprints_do_not_depend_on_rule_order() {
    for check in registry::CHECKS {
        let reversed = |text: &str| {
            let mut out: Vec<String> = Vec::new();
            let mut rules: Vec<&str> = Vec::new();
            let mut in_group = false;
            for line in text.lines() {
                if in_group && line.starts_with("  ") && !line.trim_start().starts_with('#') {
                    rules.push(line);
                    continue;
                }
                out.extend(rules.drain(..).rev().map(str::to_string));
                in_group = line.starts_with("group ");
                out.push(line.to_string());
            }
            out.extend(rules.drain(..).rev().map(str::to_string));
            out.join("\n") + "\n"
        };
        let before = fixture_fingerprints(check.code, str::to_string);
        let after = fixture_fingerprints(check.code, reversed);
        assert_eq!(before, after, "{}", check.code);
    }
}

/// The fingerprints of the fixture's findings of `code`, after `edit` of its text.
fn fixture_fingerprints(code: &str, edit: impl Fn(&str) -> String) -> Vec<(String, String)> {
    let name = format!("{code}.sg");
    let text = std::fs::read_to_string(dir().join("tests/data/audit").join(&name)).unwrap();
    let edited = edit(&text);
    let ingest = ingest_bytes(&name, edited.as_bytes());
    assert!(!ingest.has_errors(), "{:?}", ingest.diagnostics);
    let r = audit(&ingest.topology, &config(Some(code)));
    let mut found: Vec<(String, String)> = (r.findings.iter())
        .map(|f| (f.resource.clone(), f.fingerprint.clone()))
        .collect();
    found.sort();
    found
}

/// A quota finding is about the quota passed, not the count: one more group or rule on
/// an interface already over it is the same finding (a baseline keeps hiding it).
#[test]
fn quota_fingerprints_do_not_count() {
    let before = fixture_fingerprints("SG016", str::to_string);
    let after = fixture_fingerprints("SG016", |t| {
        t.replace(
            "groups sg-1, sg-2, sg-3, sg-4, sg-5, sg-6\n",
            "groups sg-1, sg-2, sg-3, sg-4, sg-5, sg-6, sg-7\n",
        )
    });
    assert_eq!(before.len(), 2);
    assert_eq!(before, after);
    let before = fixture_fingerprints("SG017", str::to_string);
    let after = fixture_fingerprints("SG017", |t| {
        t.replacen(
            "  in tcp 443 from 10.0.0.0/16\n",
            "  in tcp 443 from 10.0.0.0/16\n  in tcp 444 from 10.0.0.0/16\n",
            1,
        )
    });
    assert!(!before.is_empty());
    assert_eq!(before, after);
}

#[test]
fn docs_checks_md_is_current() {
    let want = registry::markdown();
    let path = dir().join("docs/checks.md");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("docs/checks.md is stale: run `cargo run -- explain --list > docs/checks.md`");
        }
        std::fs::write(&path, &want).unwrap();
        panic!("docs/checks.md was stale and has been regenerated; commit it");
    }
}

#[test]
fn reports_without_findings_are_valid_json_and_sarif() {
    let ingest = ingest_bytes(
        "clean.sg",
        b"group sg-1 name \"x\"\n  in tcp 443 from 10.0.0.0/8\n",
    );
    let r = audit(&ingest.topology, &config(Some("SG001")));
    assert!(r.findings.is_empty());
    let j: serde_json::Value = serde_json::from_str(&report::audit::to_json(&r)).unwrap();
    assert_eq!(j["findings"], serde_json::json!([]));
    let s: serde_json::Value = serde_json::from_str(&report::sarif::to_sarif(&r)).unwrap();
    assert_eq!(s["runs"][0]["results"], serde_json::json!([]));
}
