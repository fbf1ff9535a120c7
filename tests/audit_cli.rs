//! The `audit` and `explain` commands end to end: exit codes, formats, baselines,
//! suppressions and configuration errors.

use std::path::Path;
use std::process::Command;

fn sgcheck(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sgcheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_codes_follow_fail_on() {
    let (code, out, _) = sgcheck(&["audit", "corpus/audit-demo.sg"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SG001"));
    let (code, _, _) = sgcheck(&[
        "audit",
        "corpus/audit-demo.sg",
        "--select",
        "SG009",
        "--fail-on",
        "medium",
    ]);
    assert_eq!(code, 0);
    let (code, _, _) = sgcheck(&[
        "audit",
        "corpus/audit-demo.sg",
        "--select",
        "SG009",
        "--fail-on",
        "low",
    ]);
    assert_eq!(code, 1);
    let (code, _, _) = sgcheck(&["audit", "corpus/web-tier.sg"]);
    assert_eq!(code, 0);
    let (code, _, err) = sgcheck(&["audit", "does-not-exist.sg"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = sgcheck(&["audit", "corpus/audit-demo.sg", "--select", "SG999"]);
    assert_eq!(code, 2);
}

#[test]
fn json_and_sarif_parse() {
    let (_, out, _) = sgcheck(&["audit", "corpus/audit-demo.sg", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = &v["findings"][0];
    for key in [
        "code",
        "severity",
        "resource",
        "protocol",
        "ports",
        "peer",
        "message",
        "rules",
        "fingerprint",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert!(v["summary"]["by_severity"]["critical"].as_u64().unwrap() >= 1);
    let (_, out, _) = sgcheck(&["audit", "corpus/audit-demo.sg", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let loc = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "corpus/audit-demo.sg");
    assert!(loc["region"]["startLine"].as_u64().is_some());
}

#[test]
fn no_baseline_is_written_from_inputs_with_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("baseline.json");
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"SecurityGroups\": [").unwrap();
    let (code, _, err) = sgcheck(&[
        "audit",
        "corpus/audit-demo.sg",
        bad.to_str().unwrap(),
        "--write-baseline",
        base.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not written"), "{err}");
    assert!(!base.exists());
}

#[test]
fn baseline_fails_only_on_new_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("baseline.json");
    let b = base.to_str().unwrap();
    let (code, _, _) = sgcheck(&["audit", "corpus/audit-demo.sg", "--write-baseline", b]);
    assert_eq!(code, 0);
    let (code, out, _) = sgcheck(&["audit", "corpus/audit-demo.sg", "--baseline", b]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("in the baseline"));
    // A new world-open port on a copy of the demo is a new finding.
    let demo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/audit-demo.sg"))
            .unwrap();
    let changed = demo.replace(
        "  in  tcp 9000       from 10.30.0.0/16\n",
        "  in  tcp 9000       from 10.30.0.0/16\n  in  tcp 3389 from 0.0.0.0/0\n",
    );
    let copy = tmp.path().join("demo.sg");
    std::fs::write(&copy, changed).unwrap();
    let (code, out, _) = sgcheck(&[
        "audit",
        copy.to_str().unwrap(),
        "--baseline",
        b,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SG001"], "only the new RDP exposure");
}

/// A temporary directory holding the demo and an `sgcheck.toml` with `config`.
fn demo_with_config(config: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/audit-demo.sg"),
        tmp.path().join("demo.sg"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("sgcheck.toml"), config).unwrap();
    tmp
}

/// A code written with spaces around it is the check it names everywhere it is
/// accepted: never accepted and then silently matched against nothing.
#[test]
fn codes_with_spaces_name_their_check() {
    let (code, out, err) = sgcheck(&[
        "audit",
        "corpus/audit-demo.sg",
        "--select",
        "SG014, SG001",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["checks"], 2, "{}", v["summary"]);
    assert!(v["summary"]["by_code"]["SG001"].as_u64() > Some(0));
    let tmp = demo_with_config(
        "[audit.severity]\n\" sg009\" = \"critical\"\n\
         [[suppress]]\ncode = \"SG001 \"\nresource = \"eni-0demoweb\"\nreason = \"bastion\"\n",
    );
    let dir = tmp.path().to_str().unwrap();
    let (_, out, err) = sgcheck(&["audit", dir, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let found = v["findings"].as_array().unwrap();
    assert!(
        !(found.iter()).any(|f| f["code"] == "SG001" && f["resource"] == "eni-0demoweb"),
        "suppressed"
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    let sg009: Vec<&serde_json::Value> = found.iter().filter(|f| f["code"] == "SG009").collect();
    assert!(!sg009.is_empty());
    assert!(
        sg009.iter().all(|f| f["severity"] == "critical"),
        "{sg009:?}"
    );
}

/// The scope (and so every fingerprint) comes from the folders the input path names,
/// never from the folders above it: a checkout under a folder that looks like a
/// region or an account gives the same fingerprints as anywhere else.
#[test]
fn fingerprints_do_not_depend_on_where_the_inputs_are() {
    let tmp = tempfile::tempdir().unwrap();
    let fingerprint = |top: &str| {
        let repo = tmp.path().join(top).join("repo");
        std::fs::create_dir_all(repo.join("exports")).unwrap();
        std::fs::write(
            repo.join("exports/sgs.json"),
            r#"{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1",
                "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], "IpPermissionsEgress": []}]}"#,
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_sgcheck"))
            .args([
                "audit",
                "exports/sgs.json",
                "--format",
                "json",
                "--select",
                "SG001",
            ])
            .current_dir(&repo)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["findings"].as_array().map(Vec::len), Some(1), "{v}");
        v["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let plain = fingerprint("plain");
    assert_eq!(fingerprint("eu-west-1"), plain);
    assert_eq!(fingerprint("210987654321"), plain);
    assert_eq!(fingerprint("accounts/acme"), plain);
}

#[test]
fn suppressions_and_expiry() {
    let tmp = demo_with_config(
        "[[suppress]]\ncode = \"SG001\"\nresource = \"eni-0demoweb\"\nreason = \"bastion\"\nexpires = \"2099-01-01\"\n\
         [[suppress]]\ncode = \"SG009\"\nresource = \"sg-0files\"\nreason = \"old\"\nexpires = \"2020-01-01\"\n",
    );
    let dir = tmp.path().to_str().unwrap();
    let (_, out, err) = sgcheck(&["audit", dir, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let codes: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        !codes.contains(&("SG001".into(), "eni-0demoweb".into())),
        "suppressed"
    );
    assert!(
        codes.contains(&("SG026".into(), "sg-0files".into())),
        "expired is reported"
    );
    assert!(
        codes.contains(&("SG009".into(), "sg-0files".into())),
        "and no longer hides"
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    std::fs::write(
        tmp.path().join("sgcheck.toml"),
        "[[suppress]]\ncode = \"SG001\"\n",
    )
    .unwrap();
    let (code, _, err) = sgcheck(&["audit", dir]);
    assert_eq!(code, 2, "{err}");
    // A bad value is an error naming its line and column.
    std::fs::write(
        tmp.path().join("sgcheck.toml"),
        "[[suppress]]\ncode = \"SG001\"\nresource = \"eni-0demoweb\"\nreason = \"r\"\nexpires = \"2099-02-30\"\n",
    )
    .unwrap();
    let (code, _, err) = sgcheck(&["audit", dir]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "sgcheck.toml:5:11: [[suppress]] SG001 eni-0demoweb: expires: \"2099-02-30\" is not \
             a day of the calendar (month 2 has 28 days)\n"
        ),
        "{err}"
    );
    // A configuration in a subdirectory is not read, and said.
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::fs::write(
        tmp.path().join("sub/sgcheck.toml"),
        "[[suppress]]\ncode = \"SG001\"\nresource = \"eni-0demoweb\"\nreason = \"r\"\n",
    )
    .unwrap();
    std::fs::remove_file(tmp.path().join("sgcheck.toml")).unwrap();
    let (code, out, err) = sgcheck(&["audit", dir]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("eni-0demoweb"), "not suppressed: {out}");
    let sub = tmp.path().join("sub").join("sgcheck.toml");
    assert!(
        err.contains(&format!(
            "sgcheck: warning: {}: not read (none is read): audit reads sgcheck.toml from an \
             input directory itself, beside an input file, or the current directory; pass \
             --config to choose\n",
            sub.display()
        )),
        "{err}"
    );
    // Named with --config, it is read and not warned about.
    let (code, _, err) = sgcheck(&["audit", dir, "--config", sub.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("not read"), "{err}");
    std::fs::remove_dir_all(tmp.path().join("sub")).unwrap();
    // A misspelt key is read past and said, with its line.
    std::fs::write(
        tmp.path().join("sgcheck.toml"),
        "[[suppress]]\ncode = \"SG001\"\nresource = \"eni-0demoweb\"\nreason = \"r\"\nexpire = \"2099-01-01\"\n",
    )
    .unwrap();
    let (code, _, err) = sgcheck(&["audit", dir, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("sgcheck.toml:5:1: unknown key `suppress[0].expire` ignored"),
        "{err}"
    );
}

#[test]
fn explain() {
    let (code, out, _) = sgcheck(&["explain", "sg001"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("SG001 world-open-admin-port"));
    assert!(out.contains("## Remediation"));
    let (code, _, _) = sgcheck(&["explain", "SG999"]);
    assert_eq!(code, 2);
    let (code, out, _) = sgcheck(&["explain", "--list"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md"))
            .unwrap()
    );
}

#[test]
fn unused_groups_need_a_list_of_interfaces() {
    let dir = tempfile::tempdir().unwrap();
    let groups = dir.path().join("groups.json");
    std::fs::write(
        &groups,
        r#"{"SecurityGroups": [
            {"GroupId": "sg-0a", "GroupName": "old", "IpPermissions": [{"IpProtocol": "tcp",
             "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
            {"GroupId": "sg-0b", "GroupName": "older"}]}"#,
    )
    .unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    // Groups alone: nothing says whether an interface carries them.
    let (_, text, _) = sgcheck(&["audit", dir_arg]);
    assert!(!text.contains("SG009 unused-group"), "{text}");
    assert!(
        text.contains("note: SG009 did not judge sg-0a, sg-0b (2): ")
            && text.contains("no list of network interfaces (describe-network-interfaces) was read for the unscoped inputs"),
        "{text}"
    );
    assert!(
        text.contains("whether it is attached is not known"),
        "{text}"
    );
    let (_, out, _) = sgcheck(&["audit", dir_arg, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let n = &v["summary"]["not_judged"][0];
    assert_eq!(n["code"], "SG009");
    assert_eq!(n["count"], 2);
    assert_eq!(n["resources"], serde_json::json!(["sg-0a", "sg-0b"]));
    assert!(v["summary"]["by_code"].get("SG009").is_none());
    let (_, out, _) = sgcheck(&["audit", dir_arg, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let note = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["associatedRule"]["id"], "SG009");
    assert_eq!(note["level"], "note");
    // A rule-language model beside them is judged by its own interfaces, and lists no
    // interfaces of the export.
    let model = dir.path().join("model.sg");
    std::fs::write(
        &model,
        "group sg-0d\neni eni-9 ip 10.0.0.9 groups sg-0e\ngroup sg-0e\n",
    )
    .unwrap();
    let (_, text, _) = sgcheck(&["audit", dir_arg]);
    assert_eq!(text.matches("SG009 unused-group").count(), 1, "{text}");
    assert!(
        text.contains("sg-0d is carried by no network interface"),
        "{text}"
    );
    assert!(
        text.contains("note: SG009 did not judge sg-0a, sg-0b (2)"),
        "{text}"
    );
    std::fs::remove_file(&model).unwrap();
    // Nor does a flows file holding only expectations.
    std::fs::write(&model, "expect deny internet -> sg-0a 22/tcp\n").unwrap();
    let (_, text, _) = sgcheck(&["audit", dir_arg]);
    assert!(!text.contains("SG009 unused-group"), "{text}");
    assert!(
        text.contains("note: SG009 did not judge sg-0a, sg-0b (2)"),
        "{text}"
    );
    std::fs::remove_file(&model).unwrap();
    // With a list of interfaces (here none), they are unused.
    std::fs::write(dir.path().join("enis.json"), r#"{"NetworkInterfaces": []}"#).unwrap();
    let (_, text, _) = sgcheck(&["audit", dir_arg]);
    assert_eq!(text.matches("SG009 unused-group").count(), 2, "{text}");
    assert!(!text.contains("did not judge"), "{text}");
    assert!(
        text.contains("the group is attached to no network interface"),
        "{text}"
    );
    let (_, out, _) = sgcheck(&["audit", dir_arg, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["summary"].get("not_judged").is_none());
    let (_, out, _) = sgcheck(&["audit", dir_arg, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0]["invocations"][0];
    assert_eq!(run["executionSuccessful"], true);
    assert!(run.get("toolExecutionNotifications").is_none());
    // A file that cannot be read fails the run (exit 2), and SARIF says so.
    std::fs::write(dir.path().join("bad.json"), "{").unwrap();
    let (code, out, _) = sgcheck(&["audit", dir_arg, "--format", "sarif"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0]["invocations"][0];
    assert_eq!(run["executionSuccessful"], false);
    assert_eq!(run["toolExecutionNotifications"][0]["level"], "error");
}

#[test]
fn shadowed_rules_need_a_list_of_interfaces() {
    // Two groups on an instance's interface, one rule of sg-0b inside sg-0a's: with
    // instances only, an interface not exported (a Lambda's) may carry sg-0b alone.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.json"),
        r#"{"SecurityGroups": [
            {"GroupId": "sg-0a", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 0,
             "ToPort": 65535, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]},
            {"GroupId": "sg-0b", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22,
             "ToPort": 22, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]},
            {"GroupId": "sg-0c"},
            {"GroupId": "sg-0d", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22,
             "ToPort": 22, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("instances.json"),
        r#"{"Reservations": [{"Instances": [{"InstanceId": "i-1",
            "State": {"Name": "running"}, "NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.5",
             "Groups": [{"GroupId": "sg-0a"}, {"GroupId": "sg-0b"}]}]},
            {"InstanceId": "i-2", "State": {"Name": "running"}, "NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-2", "PrivateIpAddress": "10.0.0.6",
             "Groups": [{"GroupId": "sg-0d"}]}]}]}]}"#,
    )
    .unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let (_, out, _) = sgcheck(&["audit", dir_arg, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["summary"]["by_code"].get("SG012").is_none(), "{out}");
    assert!(v["summary"]["by_code"].get("SG009").is_none(), "{out}");
    let notes: Vec<(String, Vec<String>)> =
        serde_json::from_value::<Vec<serde_json::Value>>(v["summary"]["not_judged"].clone())
            .unwrap()
            .into_iter()
            .map(|n| {
                (
                    n["code"].as_str().unwrap().to_string(),
                    serde_json::from_value(n["resources"].clone()).unwrap(),
                )
            })
            .collect();
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        notes,
        [
            ("SG009".to_string(), ids(&["sg-0c"])),
            ("SG012".to_string(), ids(&["sg-0a", "sg-0b"]))
        ]
    );
    std::fs::write(
        dir.path().join("enis.json"),
        r#"{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.5",
            "Groups": [{"GroupId": "sg-0a"}, {"GroupId": "sg-0b"}]}]}"#,
    )
    .unwrap();
    let (_, out, _) = sgcheck(&["audit", dir_arg, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["by_code"]["SG012"], 1, "{out}");
    assert_eq!(v["summary"]["by_code"]["SG009"], 1, "{out}");
    assert!(v["summary"].get("not_judged").is_none(), "{out}");
}

#[test]
fn references_to_groups_of_the_same_vpc_missing_from_an_export_are_not_stale() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("groups.json"),
        r#"{"SecurityGroups": [{"GroupId": "sg-0a", "VpcId": "vpc-1", "OwnerId": "111122223333",
            "IpPermissions": [
              {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
               "UserIdGroupPairs": [{"GroupId": "sg-0same", "UserId": "111122223333"}]},
              {"IpProtocol": "tcp", "FromPort": 23, "ToPort": 23,
               "UserIdGroupPairs": [{"GroupId": "sg-0samevpc", "VpcId": "vpc-1"}]},
              {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
               "UserIdGroupPairs": [{"GroupId": "sg-0peer", "UserId": "111122223333",
                 "VpcId": "vpc-2", "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "active"}]}
            ]}]}"#,
    )
    .unwrap();
    let (_, out, _) = sgcheck(&["audit", dir.path().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Across the peering, the group may be gone; in its own VPC, AWS keeps it.
    let stale: Vec<&serde_json::Value> = (v["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == "SG013")
        .collect();
    assert_eq!(stale.len(), 1, "{out}");
    assert_eq!(stale[0]["peer"], "in 111122223333/sg-0peer");
    let note = (v["summary"]["not_judged"].as_array().unwrap().iter())
        .find(|n| n["code"] == "SG013")
        .unwrap();
    assert_eq!(note["resources"], serde_json::json!(["sg-0a"]));
    let reason = note["reason"].as_str().unwrap();
    assert!(reason.contains("(sg-0same, sg-0samevpc)"), "{reason}");
}

#[test]
fn stale_rules_as_aws_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let pair = |g: &str| {
        format!(
            r#"{{"GroupId": "{g}", "UserId": "111122223333", "VpcId": "vpc-2",
                "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "active"}}"#
        )
    };
    let perm = |port: u16, g: &str| {
        format!(
            r#"{{"IpProtocol": "tcp", "FromPort": {port}, "ToPort": {port},
                "UserIdGroupPairs": [{}]}}"#,
            pair(g)
        )
    };
    std::fs::write(
        dir.path().join("groups.json"),
        format!(
            r#"{{"SecurityGroups": [{{"GroupId": "sg-0a", "VpcId": "vpc-1",
                "OwnerId": "111122223333", "IpPermissions": [{}, {},
                {{"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25,
                  "UserIdGroupPairs": [{{"GroupId": "sg-0samevpc"}}]}}]}},
                {{"GroupId": "sg-0b", "VpcId": "vpc-1", "OwnerId": "111122223333"}}]}}"#,
            perm(22, "sg-0gone"),
            perm(80, "sg-0elsewhere")
        ),
    )
    .unwrap();
    // AWS's list for vpc-1: sg-0a's rule on 22, a rule sg-0b's export lacks, and a group
    // not exported; listed twice (two files).
    let stale = format!(
        r#"{{"StaleSecurityGroupSet": [
            {{"GroupId": "sg-0a", "VpcId": "vpc-1", "StaleIpPermissions": [{}]}},
            {{"GroupId": "sg-0b", "VpcId": "vpc-1", "StaleIpPermissionsEgress": [{}]}},
            {{"GroupId": "sg-0c", "VpcId": "vpc-1", "StaleIpPermissions": [{}]}}]}}"#,
        perm(22, "sg-0gone"),
        perm(443, "sg-0gone"),
        perm(5432, "sg-0gone")
    );
    std::fs::write(dir.path().join("stale-1.json"), &stale).unwrap();
    // Also in an account/region folder (a compatible scope), the pairs without UserId.
    let scoped = dir.path().join("111122223333/us-east-1");
    std::fs::create_dir_all(&scoped).unwrap();
    std::fs::write(
        scoped.join("stale-2.json"),
        stale.replace(r#""UserId": "111122223333","#, ""),
    )
    .unwrap();
    let (_, out, _) = sgcheck(&["audit", dir.path().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut found: Vec<(String, String)> = (v["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == "SG013")
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].0, "sg-0a");
    assert!(
        found[0].1.ends_with(
            "AWS lists the rule as stale (describe-stale-security-groups); the rule matches nothing"
        ),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, "sg-0b");
    assert!(
        found[1].1.contains("`out tcp 443 to sg-0gone`")
            && found[1]
                .1
                .contains("the export's copy of sg-0b does not hold it"),
        "{}",
        found[1].1
    );
    assert_eq!(found[2].0, "sg-0c");
    assert!(
        found[2].1.contains("sg-0c is not in the export"),
        "{}",
        found[2].1
    );
    // sg-0a's rule on 80 references a group not exported across the peering, but AWS,
    // asked about vpc-1, does not list it: not stale.
    assert!(!out.contains("sg-0elsewhere is not in the export"), "{out}");
    // A reference to a group of its own VPC that the export lacks is a note, list or not.
    let note = (v["summary"]["not_judged"].as_array().unwrap().iter())
        .find(|n| n["code"] == "SG013")
        .unwrap();
    assert_eq!(note["resources"], serde_json::json!(["sg-0a"]));
    assert!(note["reason"].as_str().unwrap().contains("(sg-0samevpc)"));
    // Without AWS's list, that rule is a guess ("deleted?").
    std::fs::remove_file(dir.path().join("stale-1.json")).unwrap();
    std::fs::remove_file(scoped.join("stale-2.json")).unwrap();
    let (_, out, _) = sgcheck(&["audit", dir.path().to_str().unwrap(), "--format", "json"]);
    assert!(
        out.contains("sg-0elsewhere is not in the export and no interface carries it (deleted?)"),
        "{out}"
    );
}

#[test]
fn stale_reference_edges() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("111122223333/us-east-1");
    let b = dir.path().join("444455556666/us-east-1");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let pair = r#"{"GroupId": "sg-0gone", "UserId": "111122223333", "VpcId": "vpc-peer",
        "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "active"}"#;
    let perm = format!(
        r#"{{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{pair}]}}"#
    );
    // sg-0a, in a VPC shared with another account, has an inbound and an outbound rule to
    // a group gone across a peering.
    std::fs::write(
        a.join("sgs.json"),
        format!(
            r#"{{"SecurityGroups": [{{"GroupId": "sg-0a", "VpcId": "vpc-shared",
                "IpPermissions": [{perm}], "IpPermissionsEgress": [{perm}]}}]}}"#
        ),
    )
    .unwrap();
    // The other account's stale list for the shared VPC does not speak for sg-0a.
    std::fs::write(
        b.join("stale.json"),
        format!(
            r#"{{"StaleSecurityGroupSet": [{{"GroupId": "sg-0z", "VpcId": "vpc-shared",
                "StaleIpPermissions": [{perm}]}}]}}"#
        ),
    )
    .unwrap();
    // describe-security-group-rules alone: the group's VPC is not told.
    std::fs::write(
        a.join("rules.json"),
        r#"{"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-0r",
            "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "ReferencedGroupInfo": {"GroupId": "sg-0elsewhere", "UserId": "111122223333",
            "VpcId": "vpc-1"}}]}"#,
    )
    .unwrap();
    let (_, out, _) = sgcheck(&["audit", dir.path().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<&serde_json::Value> = (v["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == "SG013" && f["resource"] == "sg-0a")
        .collect();
    assert_eq!(found.len(), 2, "{out}");
    let mut peers: Vec<&str> = found.iter().map(|f| f["peer"].as_str().unwrap()).collect();
    peers.sort();
    assert_eq!(
        peers,
        ["in 111122223333/sg-0gone", "out 111122223333/sg-0gone"]
    );
    assert_ne!(found[0]["fingerprint"], found[1]["fingerprint"]);
    let note = (v["summary"]["not_judged"].as_array().unwrap().iter())
        .find(|n| n["code"] == "SG013")
        .unwrap();
    assert_eq!(note["resources"], serde_json::json!(["sg-0r"]), "{out}");
}
