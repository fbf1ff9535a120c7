//! CLI integration tests for `reach`, `diagnose` and `assert`: the real binary on the
//! bundled corpus and temp dirs; exit codes and output contracts.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn sgcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgcheck"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run sgcheck")
}

fn sgcheck_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sgcheck"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

const WEB: &str = "corpus/web-tier.sg";

#[test]
fn reach_allowed_is_exit_0_with_one_line_per_layer() {
    let o = sgcheck(&[
        "reach", WEB, "--from", "internet", "--to", "i-0web", "--port", "443",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.lines().next().unwrap_or("").contains("ALLOWED"),
        "{text}"
    );
    for layer in [
        "instance-state",
        "public-address",
        "route",
        "return-nacl",
        "listener",
    ] {
        assert!(text.contains(layer), "{layer}: {text}");
    }
    assert!(
        text.contains("web-tier.sg:36:23"),
        "decisive rule quoted: {text}"
    );
}

#[test]
fn reach_json_contract_and_blocked_exit_1() {
    let o = sgcheck(&[
        "reach", WEB, "--from", "i-0web", "--to", "i-0db", "--port", "5432/tcp", "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["verdict"], "blocked");
    assert_eq!(v["symptom"], "timeout");
    assert_eq!(v["blocked_at"], "source-sg-egress");
    assert_eq!(v["blocks"][1], "destination-sg-ingress");
    let layers = v["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 9);
    for l in layers {
        for k in ["layer", "result", "rules", "detail"] {
            assert!(l.get(k).is_some(), "{k} in {l}");
        }
    }
    let rule = &v["layers"][6]["rules"][0];
    assert_eq!(rule["group"], "sg-0db");
    assert_eq!(rule["rule"], "in tcp 5432 from sg-0app");
    assert_eq!(rule["origin"]["line"], 47);
}

#[test]
fn reach_refused_when_nothing_listens() {
    let o = sgcheck(&[
        "reach",
        WEB,
        "--from",
        "10.20.11.10",
        "--to",
        "10.20.1.10",
        "--port",
        "8080",
        "--format",
        "json",
    ]);
    // The app server reaching the web server: sg-0web has no 8080 ingress.
    assert_eq!(o.status.code(), Some(1));
    let o = sgcheck(&[
        "reach",
        "corpus/web-tier.sg",
        "--from",
        "internet",
        "--to",
        "i-0web",
        "--port",
        "80",
        "--listening",
        "443",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(
        (v["symptom"].as_str(), v["blocked_at"].as_str()),
        (Some("refused"), Some("listener"))
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn reach_bad_input_is_exit_2() {
    for args in [
        &[
            "reach", WEB, "--from", "nowhere", "--to", "i-0web", "--port", "443",
        ][..],
        &[
            "reach", WEB, "--from", "internet", "--to", "i-0nope", "--port", "443",
        ][..],
        &[
            "reach", WEB, "--from", "internet", "--to", "i-0web", "--port", "70000",
        ][..],
        &["reach", WEB, "--from", "internet", "--to", "i-0web"][..],
    ] {
        let o = sgcheck(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn reach_queries_answers_json_lines_in_order() {
    let queries = "# comment\n\
        203.0.113.9 -> 203.0.113.10 443/tcp\n\
        internet -> i-0web 22\n\
        i-0app -> i-0db 5432/tcp\n\
        \n\
        not a query\n";
    let o = sgcheck_stdin(&["reach", WEB, "--queries", "-"], queries);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["query"], "203.0.113.9 -> 203.0.113.10 443/tcp");
    assert_eq!(lines[0]["verdict"], "allowed");
    assert_eq!(lines[1]["verdict"], "blocked");
    assert_eq!(lines[1]["blocked_at"], "destination-nacl-ingress");
    assert_eq!(lines[2]["verdict"], "allowed");
    assert!(lines[3]["error"].is_string());
    assert!(lines[0].get("layers").is_none());
    assert_eq!(o.status.code(), Some(2), "a bad line makes the run exit 2");
    let o = sgcheck_stdin(
        &["reach", WEB, "--queries", "-", "--explain"],
        "internet -> i-0web 22\n",
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("JSON");
    assert_eq!(v["layers"].as_array().map(Vec::len), Some(9));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn assert_on_the_corpus_passes() {
    let o = sgcheck(&["assert", "corpus/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 failed"));
}

#[test]
fn assert_flows_file_reports_violations_with_explanations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flows = dir.path().join("flows.sg");
    std::fs::write(
        &flows,
        "# what must hold\nexpect allow internet -> i-0web 443/tcp\nexpect allow internet -> i-0db 5432/tcp\n",
    )
    .expect("write");
    let f = flows.to_string_lossy().into_owned();
    let o = sgcheck(&["assert", WEB, "--flows", &f]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("FAIL expect allow internet -> i-0db 5432/tcp"),
        "{text}"
    );
    assert!(
        text.contains("public-address"),
        "explanation follows: {text}"
    );
    let o = sgcheck(&["assert", WEB, "--flows", &f, "--format", "json"]);
    let v = json(&o);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(
        v["results"][1]["answers"][0]["blocked_at"],
        "public-address"
    );
    std::fs::write(&flows, "expect maybe internet -> i-0web 443/tcp\n").expect("write");
    let o = sgcheck(&["assert", WEB, "--flows", &f]);
    assert_eq!(o.status.code(), Some(2));
    // An instance the inputs do not hold: bad input (as `reach` says), reported in full.
    std::fs::write(
        &flows,
        "expect allow internet -> i-0web 443/tcp\nexpect allow internet -> i-nope 443/tcp\n",
    )
    .expect("write");
    let o = sgcheck(&["assert", WEB, "--flows", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("i-nope"), "{}", stdout(&o));
}

#[test]
fn diagnose_timeout_and_refused() {
    let o = sgcheck(&[
        "diagnose",
        "corpus/nacl-ephemeral.sg",
        "--from",
        "internet",
        "--to",
        "i-0eph",
        "--port",
        "443",
        "--symptom",
        "timeout",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("return-nacl"), "{text}");
    assert!(text.contains("host firewall"), "{text}");
    let o = sgcheck(&[
        "diagnose",
        "corpus/nacl-ephemeral.sg",
        "--from",
        "internet",
        "--to",
        "i-0eph",
        "--port",
        "443",
        "--symptom",
        "refused",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "data and reality disagree");
    let v = json(&o);
    assert_eq!(v["diagnosis"]["consistent"], false);
}
