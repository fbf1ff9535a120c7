//! CLI integration tests: run the real binary on temp dirs and check exit codes and output.

use std::path::Path;
use std::process::{Command, Output};

fn sgcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgcheck"))
        .args(args)
        .output()
        .expect("run sgcheck")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, text).expect("write");
    p.to_string_lossy().into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn missing_input_is_exit_2_with_the_path() {
    let out = sgcheck(&["inventory", "/definitely/not/here.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["origin"]["file"], "/definitely/not/here.json");
}

#[test]
fn no_arguments_is_usage_error() {
    let out = sgcheck(&["inventory"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unknown_files_are_listed_as_skipped_not_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "notes.txt", "just some notes\n");
    write(dir.path(), "other.json", "{\"Buckets\": []}\n");
    let d = dir.path().to_string_lossy().into_owned();
    let out = sgcheck(&["inventory", &d, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json(&out);
    assert_eq!(v["skipped"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["counts"]["security_groups"], 0);
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn a_named_file_that_is_not_an_input_is_warned_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let notes = write(dir.path(), "notes.txt", "just some notes\n");
    let other = write(dir.path(), "other.json", "{\"SecurityGroups\": \"x\"}\n");
    let empty = write(dir.path(), "empty.json", "");
    let group = write(
        dir.path(),
        "sub/groups.json",
        "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"IpPermissions\": []}]}",
    );
    for f in [&notes, &other, &empty] {
        let out = sgcheck(&["inventory", f, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{f}");
        let v = json(&out);
        let d = &v["diagnostics"][0];
        assert_eq!(d["severity"], "warning");
        assert_eq!(d["origin"]["file"], f.as_str());
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("skipped, not an input sgcheck reads")),
            "{d}"
        );
        // Auditing nothing is not a clean audit.
        let out = sgcheck(&["audit", f]);
        assert_eq!(out.status.code(), Some(2), "{f}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no input could be read"), "{err}");
        // Beside a real export, it is a warning.
        let out = sgcheck(&["audit", f, &group]);
        assert_eq!(out.status.code(), Some(0), "{f}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("1 file(s) skipped"), "{err}");
    }
    // Other services' resources alone give nothing to audit either; beside groups they
    // are read.
    let lbs = write(
        dir.path(),
        "lbs/lbs.json",
        "{\"LoadBalancers\": [{\"LoadBalancerName\": \"web\", \"SecurityGroups\": [\"sg-1\"]}]}",
    );
    let out = sgcheck(&["audit", &lbs]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no input could be read"), "{err}");
    let out = sgcheck(&["audit", &lbs, &group, "--select", "SG009"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 finding(s)"));
    std::fs::remove_dir_all(dir.path().join("lbs")).expect("rm");
    // Found in a directory, the same files are listed as skipped with no warning.
    let d = dir.path().to_string_lossy().into_owned();
    let out = sgcheck(&["inventory", &d, "--format", "json"]);
    assert_eq!(json(&out)["summary"]["warnings"], 0);
    let out = sgcheck(&["audit", &d]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 file(s) skipped"), "{err}");
}

#[test]
fn byte_order_marks_are_read_past_and_utf16_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let group = "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"IpPermissions\": []}]}";
    let bom = write(dir.path(), "bom.json", &format!("\u{feff}{group}"));
    let out = sgcheck(&["inventory", &bom, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["counts"]["security_groups"], 1);
    let utf16: Vec<u8> = std::iter::once(0xfeff_u16)
        .chain(group.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let p = dir.path().join("utf16.json");
    std::fs::write(&p, utf16).expect("write");
    let out = sgcheck(&["inventory", &p.to_string_lossy(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("UTF-16")),
        "{v}"
    );
}

#[test]
fn invalid_json_names_file_and_line_col() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(
        dir.path(),
        "bad.json",
        "{\n  \"SecurityGroups\": [\n    {,}\n  ]\n}\n",
    );
    let out = sgcheck(&["inventory", &f, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let origin = &v["diagnostics"][0]["origin"];
    assert_eq!(origin["file"], f.as_str());
    assert_eq!(origin["line"], 3);
    assert!(origin["column"].as_u64().is_some());
}

#[test]
fn json_counts_have_the_contract_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_string_lossy().into_owned();
    let out = sgcheck(&["inventory", &d, "--format", "json"]);
    let v = json(&out);
    for k in [
        "security_groups",
        "rules",
        "instances",
        "enis",
        "subnets",
        "route_tables",
        "network_acls",
        "volumes",
        "addresses",
        "prefix_lists",
    ] {
        assert!(v["counts"][k].is_u64(), "counts.{k} missing");
    }
    assert!(v["sources"].is_array());
    assert!(v["diagnostics"].is_array());
}

#[test]
fn text_output_is_readable() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "x.txt", "hello\n");
    let d = dir.path().to_string_lossy().into_owned();
    let out = sgcheck(&["inventory", &d]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("security groups"), "{text}");
    assert!(text.contains("Skipped"), "{text}");
}

#[test]
fn stdin_is_read_with_dash() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sgcheck"))
        .args(["inventory", "-", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let doc = r#"{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
        "IpPermissionsEgress": []}]}"#;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(doc.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["counts"]["security_groups"], 1);
    assert_eq!(v["counts"]["rules"], 2);
    assert_eq!(v["sources"][0]["file"], "-");
}

#[test]
fn strict_turns_warnings_into_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Host bits set: read leniently (masked) with a warning.
    let f = write(
        dir.path(),
        "sg.json",
        r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp",
        "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.5/8"}]}]}]}"#,
    );
    let relaxed = sgcheck(&["inventory", &f, "--format", "json"]);
    assert_eq!(relaxed.status.code(), Some(0));
    let v = json(&relaxed);
    assert_eq!(v["summary"]["warnings"], 1, "{v}");
    let strict = sgcheck(&["inventory", &f, "--strict"]);
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn bundled_corpus_is_clean() {
    let corpus = format!("{}/corpus", env!("CARGO_MANIFEST_DIR"));
    let out = sgcheck(&["inventory", &corpus, "--format", "json"]);
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "{}", v["diagnostics"]);
    assert_eq!(v["summary"]["errors"], 0);
    assert!(v["counts"]["security_groups"].as_u64().unwrap_or(0) > 10);
    assert!(v["counts"]["instances"].as_u64().unwrap_or(0) > 3);
}
