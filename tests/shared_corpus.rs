//! Real exports written by others (`../shared/corpus`, see its SOURCES.md): every AWS
//! export must ingest without error diagnostics, and a few snapshots must give exact
//! counts. The expected numbers were checked by reading the files (jq/python), not copied
//! from SOURCES.md.
//!
//! When the corpus is missing the tests print a note and pass, except under `CI=true`.

mod support;

use sgcheck::ingest::{Ingest, ingest_paths};
use sgcheck::model::{Location, Severity, Topology};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    support::shared_corpus("")
}

fn ingest(dir: &Path) -> Ingest {
    assert!(dir.exists(), "{} missing", dir.display());
    ingest_paths(&[dir])
}

fn is_invalid_fixture(file: &str) -> bool {
    file.contains(".INVALID") && file.ends_with(".json.txt")
}

/// Errors, except those of the `*.INVALID*.json.txt` files (not JSON on purpose).
fn errors(r: &Ingest) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| {
            !d.origin
                .as_ref()
                .is_some_and(|o| is_invalid_fixture(&o.file))
        })
        .map(|d| d.to_string())
        .collect()
}

fn assert_clean(dir: &Path) -> Ingest {
    let r = ingest(dir);
    let errs = errors(&r);
    assert!(
        errs.is_empty(),
        "{}: {} errors:\n{}",
        dir.display(),
        errs.len(),
        errs.join("\n")
    );
    r
}

/// Distinct IpPermissions (`…IpPermissions[i]` / `…IpPermissionsEgress[i]`) behind the
/// rules of every group: a rule's origin is the peer's path, so its permission is the
/// path minus the last segment.
fn permissions(t: &Topology) -> (usize, usize) {
    let mut ingress = BTreeSet::new();
    let mut egress = BTreeSet::new();
    for g in &t.security_groups {
        for r in g.all_rules() {
            if let Location::JsonPath { path } = &r.origin.location
                && let Some((perm, _peer)) = path.rsplit_once('.')
            {
                let key = (r.origin.file.to_string(), perm.to_string());
                if perm.contains(".IpPermissionsEgress[") {
                    egress.insert(key);
                } else {
                    ingress.insert(key);
                }
            }
        }
    }
    (ingress.len(), egress.len())
}

/// Every folder that holds AWS exports, ingested one snapshot at a time.
fn snapshot_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let batfish = root.join("batfish");
    for sub in [
        "networks",
        "grammar-aws-testrigs",
        "main-snapshots",
        "representation-aws",
    ] {
        if let Ok(rd) = std::fs::read_dir(batfish.join(sub)) {
            for e in rd.flatten() {
                if e.path().is_dir() {
                    dirs.push(e.path());
                }
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(root.join("cloud-custodian/placebo")) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                dirs.push(e.path());
            }
        }
    }
    dirs.push(root.join("cloudmapper/account-data/demo"));
    dirs.push(root.join("aws-cli-examples/json"));
    dirs.push(root.join("cartography/tests-data-aws-ec2"));
    dirs.push(root.join("botocore"));
    dirs.sort();
    dirs
}

#[test]
fn every_export_ingests_without_errors() {
    let Some(root) = corpus() else { return };
    let mut total = 0;
    for dir in snapshot_dirs(&root) {
        let r = assert_clean(&dir);
        total += r.topology.counts().security_groups;
    }
    // The unit fixtures at the top of representation-aws/ (one file per object kind).
    let mut top = Vec::new();
    for e in std::fs::read_dir(root.join("batfish/representation-aws"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if e.path().is_file() {
            top.push(e.path());
        }
    }
    for f in top {
        let r = ingest(&f);
        let errs = errors(&r);
        assert!(errs.is_empty(), "{}: {}", f.display(), errs.join("\n"));
    }
    assert!(total > 100, "only {total} groups read from the corpus");
}

#[test]
fn whole_corpus_errors_only_on_invalid_fixtures() {
    let Some(root) = corpus() else { return };
    let r = ingest(&root);
    assert!(errors(&r).is_empty(), "{}", errors(&r).join("\n"));
}

#[test]
fn invalid_fixtures_fail_with_line_and_column() {
    let Some(root) = corpus() else { return };
    let dir = root.join("aws-cli-examples/json");
    let mut invalid: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("aws-cli-examples/json")
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_invalid_fixture(&p.to_string_lossy()))
        .collect();
    invalid.sort();
    assert_eq!(invalid.len(), 5, "{invalid:?}");
    // Positions checked against python's json module on the same files.
    let expected = [
        ("describe-instances.INVALID1.json.txt", 14),
        ("describe-security-groups.INVALID1.json.txt", 53),
        ("describe-subnets.INVALID1.json.txt", 17),
        ("describe-volumes.INVALID1.json.txt", 16),
        ("get-security-groups-for-vpc.INVALID1.json.txt", 19),
    ];
    for (path, (name, want_line)) in invalid.iter().zip(expected) {
        assert!(path.ends_with(name), "{path:?} vs {name}");
        let r = ingest(path);
        let errs: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert_eq!(errs.len(), 1, "{name}: {:?}", r.diagnostics);
        let origin = errs[0].origin.as_ref().expect("origin");
        assert!(origin.file.ends_with(name), "{origin}");
        match origin.location {
            Location::LineCol { line, column } => {
                assert_eq!(line, want_line, "{name}: {}", errs[0]);
                assert!(column >= 1);
            }
            ref other => panic!("{name}: expected line:col, got {other:?}"),
        }
        assert!(errs[0].message.contains("JSON"), "{}", errs[0].message);
    }
}

#[test]
fn batfish_hybrid_cloud_us_west_2() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(&root.join("batfish/networks/hybrid-cloud-aws/aws_configs/us-west-2"));
    let c = r.topology.counts();
    assert_eq!(c.security_groups, 11);
    assert_eq!(c.instances, 4);
    assert_eq!(c.enis, 9);
    assert_eq!(c.network_acls, 4);
    assert_eq!(c.subnets, 10);
    assert_eq!(c.route_tables, 5);
    assert_eq!(c.vpcs, 4);
    assert_eq!(c.internet_gateways, 3);
    // 21 inbound + 11 outbound IpPermissions (32), 43 peers = 43 rules.
    assert_eq!(permissions(&r.topology), (21, 11));
    assert_eq!(c.rules, 43);
    let scope = &r.topology.security_groups[0].scope;
    assert_eq!(scope.region.as_deref(), Some("us-west-2"));
}

#[test]
fn cloudmapper_demo() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(&root.join("cloudmapper/account-data/demo"));
    let c = r.topology.counts();
    assert_eq!(c.security_groups, 8);
    // SOURCES.md's "17 permissions" counts both directions: 9 IpPermissions + 8
    // IpPermissionsEgress in ec2-describe-security-groups.json; 19 peers = 19 rules.
    assert_eq!(permissions(&r.topology), (9, 8));
    assert_eq!(c.rules, 19);
    assert_eq!(c.instances, 3);
    // 1 ENI in describe-network-interfaces + 1 distinct ENI only in describe-instances.
    assert_eq!(c.enis, 2);
    assert_eq!(c.subnets, 4);
    assert_eq!(c.vpcs, 1);
    // Only instance i-…0 has a public IP (1.2.3.4); the ECS task ENI eni-00000001 from
    // describe-network-interfaces has 3.80.3.41.
    let public: BTreeSet<_> = r
        .topology
        .enis
        .iter()
        .flat_map(|e| {
            e.public_ips()
                .map(move |p| (e.id.to_string(), p.ip.to_string()))
        })
        .collect();
    assert_eq!(public.len(), 2);
    assert!(public.contains(&("eni-00000001".to_string(), "3.80.3.41".to_string())));
    assert!(public.iter().any(|(_, ip)| ip == "1.2.3.4"));
    // 2.2.2.2/28 has host bits set: masked, with a warning.
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning && d.message.contains("2.2.2.2/28"))
    );
}

#[test]
fn batfish_test_public_subnet() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(&root.join("batfish/representation-aws/test-public-subnet"));
    let c = r.topology.counts();
    assert_eq!(
        (
            c.security_groups,
            c.rules,
            c.instances,
            c.enis,
            c.network_acls
        ),
        (2, 4, 1, 1, 1)
    );
    assert_eq!(
        (c.subnets, c.route_tables, c.vpcs, c.internet_gateways),
        (1, 2, 1, 1)
    );
}

#[test]
fn batfish_test_subnet() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(&root.join("batfish/representation-aws/test-subnet"));
    let c = r.topology.counts();
    assert_eq!(
        (
            c.security_groups,
            c.rules,
            c.instances,
            c.enis,
            c.network_acls
        ),
        (3, 6, 2, 2, 1)
    );
    assert_eq!((c.subnets, c.route_tables, c.vpcs), (1, 1, 1));
}

#[test]
fn batfish_vpc_peering_multi_account_keeps_accounts_apart() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(&root.join("batfish/representation-aws/test-vpc-peering-multi-account"));
    let c = r.topology.counts();
    assert_eq!(
        (c.security_groups, c.rules, c.instances, c.enis),
        (4, 12, 3, 2)
    );
    assert_eq!((c.subnets, c.route_tables, c.vpcs), (2, 4, 2));
    let accounts: BTreeSet<String> = r
        .topology
        .security_groups
        .iter()
        .map(|g| {
            g.scope
                .account
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        accounts.into_iter().collect::<Vec<_>>(),
        ["123456789012", "123456789013"]
    );
    for acct in ["123456789012", "123456789013"] {
        let groups = r
            .topology
            .security_groups
            .iter()
            .filter(|g| g.scope.account.as_ref().is_some_and(|a| a.as_str() == acct))
            .count();
        assert_eq!(groups, 2, "{acct}");
        let vpcs = r
            .topology
            .vpcs
            .iter()
            .filter(|v| v.scope.account.as_ref().is_some_and(|a| a.as_str() == acct))
            .count();
        assert_eq!(vpcs, 1, "{acct}");
    }
}

#[test]
fn aws_cli_describe_security_group_rules() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(
        &root.join("aws-cli-examples/json/describe-security-group-rules.example1.json"),
    );
    let t = &r.topology;
    assert_eq!(t.security_groups.len(), 1);
    let g = &t.security_groups[0];
    assert_eq!(g.id.as_str(), "sg-1234567890abcdef0");
    assert_eq!(g.owner.as_ref().map(|o| o.as_str()), Some("111122223333"));
    assert_eq!((g.ingress.len(), g.egress.len()), (1, 2));
    // `-1` records carry FromPort/ToPort -1: all traffic.
    for rule in g.all_rules() {
        assert_eq!(rule.protocol, sgcheck::net::Protocol::All);
        assert_eq!(rule.l4, sgcheck::net::L4::Any);
        assert!(
            rule.rule_id
                .as_deref()
                .is_some_and(|id| id.starts_with("sgr-"))
        );
    }
    assert!(
        matches!(&g.ingress[0].peer, sgcheck::model::Peer::Group(gr) if gr.group.as_str() == "sg-1234567890abcdef0")
    );
}

#[test]
fn aws_cli_folder_merges_rule_records() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(&root.join("aws-cli-examples/json"));
    let g = r
        .topology
        .security_groups
        .iter()
        .find(|g| g.id.as_str() == "sg-1234567890abcdef0")
        .expect("group from rule records");
    // describe-security-group-rules example1 (3 records) and example2 (1 record, the same
    // sgr-cdef…) plus the authorize-* outputs: 14 distinct rule ids, 10 ingress and 4
    // egress. (describe-security-groups.example1.json is a `--query` output, not groups.)
    let ids: BTreeSet<_> = g.all_rules().filter_map(|r| r.rule_id.clone()).collect();
    assert_eq!(ids.len(), g.all_rules().count());
    assert_eq!((g.ingress.len(), g.egress.len()), (10, 4));
    assert_eq!(r.topology.security_groups.len(), 1);
}

#[test]
fn placebo_network_location_sg_cardinality() {
    let Some(root) = corpus() else { return };
    let r =
        assert_clean(&root.join("cloud-custodian/placebo/test_network_location_sg_cardinality"));
    let c = r.topology.counts();
    assert_eq!(
        (c.security_groups, c.rules, c.enis, c.subnets),
        (2, 2, 1, 1)
    );
    let eni = &r.topology.enis[0];
    assert_eq!(eni.id.as_str(), "eni-fe20dfe9");
    assert_eq!(eni.groups.len(), 2);
    assert_eq!(
        eni.origin.to_string(),
        format!(
            "{}: data.NetworkInterfaces[0]",
            root.join("cloud-custodian/placebo/test_network_location_sg_cardinality/ec2.DescribeNetworkInterfaces_1.json")
                .display()
        )
    );
}

#[test]
fn cartography_fixtures() {
    let Some(root) = corpus() else { return };
    let r = assert_clean(&root.join("cartography/tests-data-aws-ec2"));
    let c = r.topology.counts();
    assert_eq!(c.security_groups, 4);
    assert_eq!(c.volumes, 2);
    assert_eq!(c.addresses, 1);
    assert_eq!(c.subnets, 3);
}
