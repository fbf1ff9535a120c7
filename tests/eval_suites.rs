//! Runs the engine-agnostic tables in `tests/data/eval/*.toml` against both engines: the
//! naive oracle (`index::naive`) and the compiled index (`index::compiled`, `index::nacl`).
//! A case fails if either engine disagrees with the table.

use serde::Deserialize;
use sgcheck::index::compiled::{CompiledIndex, Decision};
use sgcheck::index::nacl::{CompiledNacl, NaclVerdict};
use sgcheck::index::naive::{self, NaclDecision, Outcome, Packet, Query};
use sgcheck::model::Topology;
use sgcheck::net::{Direction, PacketL4, Protocol};
use std::net::IpAddr;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
struct Suite {
    test: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    topology: String,
    #[serde(default = "default_eni")]
    eni: String,
    #[serde(default = "default_acl")]
    acl: String,
    direction: String,
    packet: String,
    expect: String,
    rules: Option<Vec<String>>,
}

fn default_eni() -> String {
    "eni-t".to_string()
}

fn default_acl() -> String {
    "acl-1".to_string()
}

fn load(name: &str) -> Vec<Case> {
    let path = format!("{}/tests/data/eval/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("read suite");
    let suite: Suite = toml::from_str(&text).expect("valid suite");
    assert!(!suite.test.is_empty(), "{path} has no cases");
    suite.test
}

fn topology(case: &Case) -> Topology {
    let file: Arc<str> = Arc::from(case.name.as_str());
    let (topo, diags) = sgcheck::ingest::dsl::parse(&file, &case.topology)
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    assert!(
        diags
            .iter()
            .all(|d| d.severity != sgcheck::model::Severity::Error),
        "{}: {diags:?}",
        case.name
    );
    topo
}

/// `PEER PORT/PROTO`, `PEER TYPE:CODE/icmp`, `PEER all/N`.
fn packet(case: &Case) -> Packet {
    let (peer, spec) = case.packet.split_once(' ').expect("PEER SPEC");
    let peer: IpAddr = peer.parse().expect("peer address");
    let (l4, proto) = spec.split_once('/').expect("X/PROTO");
    let protocol: Protocol = proto.parse().expect("protocol");
    let l4 = match protocol {
        Protocol::Tcp | Protocol::Udp => PacketL4::Port(l4.parse().expect("port")),
        Protocol::Icmp | Protocol::Icmpv6 => {
            let (t, c) = l4.split_once(':').expect("TYPE:CODE");
            PacketL4::Icmp {
                ty: t.parse().expect("type"),
                code: c.parse().expect("code"),
            }
        }
        _ => PacketL4::None,
    };
    Packet { peer, protocol, l4 }
}

fn direction(case: &Case) -> Direction {
    case.direction.parse().expect("in or out")
}

#[test]
fn security_group_suite_on_both_engines() {
    let cases = load("security_groups.toml");
    for case in &cases {
        let topo = topology(case);
        let (dir, pkt) = (direction(case), packet(case));
        let want = match case.expect.as_str() {
            "allow" => (Outcome::Allow, Decision::Allowed),
            "deny" => (Outcome::Deny, Decision::Denied),
            "unknown" => (Outcome::Unknown, Decision::Unknown),
            other => panic!("{}: bad expect {other}", case.name),
        };
        let verdict = naive::matching_rules(&topo, &Query::new(case.eni.as_str(), dir, pkt))
            .unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
        assert_eq!(verdict.outcome(), want.0, "naive: {}", case.name);
        let eni = topo
            .enis
            .iter()
            .position(|e| e.id.as_str() == case.eni)
            .expect("eni in topology");
        let index = CompiledIndex::new(&topo);
        assert_eq!(
            index.decide(eni, dir, &pkt),
            Some(want.1),
            "compiled: {}",
            case.name
        );
        if let Some(rules) = &case.rules {
            let mut want: Vec<&str> = rules.iter().map(String::as_str).collect();
            want.sort_unstable();
            let mut naive_got: Vec<&str> = verdict
                .matches
                .iter()
                .map(|m| m.rule.description.as_deref().unwrap_or("?"))
                .collect();
            naive_got.sort_unstable();
            let explained = index.explain(&topo, eni, dir, &pkt);
            let mut compiled_got: Vec<&str> = explained
                .iter()
                .map(|m| m.rule.description.as_deref().unwrap_or("?"))
                .collect();
            compiled_got.sort_unstable();
            assert_eq!(naive_got, want, "naive rules: {}", case.name);
            assert_eq!(compiled_got, want, "compiled rules: {}", case.name);
        }
    }
    assert!(cases.len() >= 30, "the suite keeps at least 30 cases");
}

#[test]
fn nacl_suite_on_both_engines() {
    for case in &load("nacls.toml") {
        let topo = topology(case);
        let acl = topo
            .network_acls
            .iter()
            .find(|a| a.id.as_str() == case.acl)
            .expect("acl in topology");
        let (dir, pkt) = (direction(case), packet(case));
        let naive_says = match naive::nacl_decision(acl, dir, &pkt).expect("packet") {
            NaclDecision::Entry(e) if e.rule_number >= 32767 => {
                format!("{} {}", e.action, e.rule_number)
            }
            NaclDecision::Entry(e) => format!("{} {}", e.action, e.rule_number),
            NaclDecision::ImplicitDeny => "deny *".to_string(),
        };
        let compiled = CompiledNacl::new(acl);
        let compiled_says = match compiled.evaluate(dir, pkt.peer, pkt.protocol, &pkt.l4) {
            NaclVerdict::Entry(e) => format!("{} {}", e.action, e.rule_number),
            NaclVerdict::ImplicitDeny => "deny *".to_string(),
        };
        assert_eq!(naive_says, case.expect, "naive: {}", case.name);
        assert_eq!(compiled_says, case.expect, "compiled: {}", case.name);
    }
}
