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
