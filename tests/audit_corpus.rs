//! `audit` over the real corpus (`../shared/corpus`): the whole tree is audited without a
//! panic (summary snapshot), CloudMapper's Bastion group (SSH from two office ranges) is
//! not world-exposed, and Batfish's test-public-subnet exposes SSH to the world through
//! launch-wizard-1, effectively. Skipped with a note when the corpus is missing, except
//! under `CI=true`.

mod support;

use sgcheck::audit::config::Date;
use sgcheck::audit::{AuditConfig, AuditReport, Exposure, audit};
use sgcheck::ingest::ingest_paths;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    support::shared_corpus("")
}

fn run(dir: &Path) -> (sgcheck::ingest::Ingest, AuditReport) {
    let ingest = ingest_paths(&[dir]);
    let cfg = AuditConfig {
        today: "2025-01-01".parse::<Date>().unwrap(),
        ..AuditConfig::default()
    };
    let r = audit(&ingest.topology, &cfg);
    (ingest, r)
}

#[test]
fn whole_corpus_summary() {
    let Some(dir) = corpus() else { return };
    let (ingest, r) = run(&dir);
    let mut s = format!(
        "groups {} enis {} findings {}\n",
        ingest.topology.security_groups.len(),
        ingest.topology.enis.len(),
        r.findings.len()
    );
    for (sev, n) in r.by_severity().into_iter().rev() {
        s.push_str(&format!("{sev}: {n}\n"));
    }
    for (code, n) in r.by_code() {
        s.push_str(&format!("{code}: {n}\n"));
    }
    for n in &r.not_judged {
        s.push_str(&format!(
            "not judged by {}: {}\n",
            n.code,
            n.resources.join(", ")
        ));
    }
    insta::assert_snapshot!("shared_corpus_summary", s);
}

#[test]
fn cloudmapper_bastion_not_world_exposed() {
    let Some(dir) = corpus() else { return };
    let (ingest, r) = run(&dir.join("cloudmapper"));
    let bastion = ingest
        .topology
        .security_groups
        .iter()
        .find(|g| g.name.as_deref() == Some("Bastion"))
        .expect("Bastion group");
    assert_eq!(bastion.ingress.len(), 2, "22 from the two office ranges");
    let world: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code <= "SG007")
        .filter(|f| f.rules.iter().any(|e| e.group == bastion.id.as_str()))
        .collect();
    assert!(world.is_empty(), "{world:#?}");
}

#[test]
fn batfish_public_subnet_ssh_effective() {
    let Some(dir) = corpus() else { return };
    let (ingest, r) = run(&dir.join("batfish/representation-aws/test-public-subnet"));
    let lw = ingest
        .topology
        .security_groups
        .iter()
        .find(|g| g.name.as_deref() == Some("launch-wizard-1"))
        .expect("launch-wizard-1");
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "SG001" && f.rules.iter().any(|e| e.group == lw.id.as_str()))
        .expect("SG001 through launch-wizard-1");
    assert_eq!(f.ports, Some((22, 22)));
    assert_eq!(f.peer.as_deref(), Some("0.0.0.0/0"));
    assert_eq!(f.exposure, Some(Exposure::Effective), "{}", f.message);
}

#[test]
fn cloudmapper_groups_used_by_other_services_are_not_unused() {
    let Some(dir) = corpus() else { return };
    let (_, r) = run(&dir.join("cloudmapper"));
    let unused: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == "SG009")
        .map(|f| f.resource.as_str())
        .collect();
    // Database: an RDS instance; Endpoint: a VPC endpoint; Bastion access: an
    // Elasticsearch domain (describe-elasticsearch-domain, one object per file). None of
    // them has a network interface in the export.
    for used in ["sg-00000005", "sg-00000006", "sg-00000007"] {
        assert!(
            !unused.contains(&used),
            "{used} reported unused: {unused:?}"
        );
    }
}
