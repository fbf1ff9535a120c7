//! Regressions: each test is a bug that was found, named for what broke.

use sgcheck::index::compiled::{CompiledIndex, Decision};
use sgcheck::index::nacl::CompiledNacl;
use sgcheck::index::naive::{self, Packet};
use sgcheck::model::build::*;
use sgcheck::model::{NaclAction, NaclEntry, Origin};
use sgcheck::net::{Cidr, Direction, L4, PortRange, Protocol};
use std::net::IpAddr;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

/// Found by the `index_vs_naive` fuzz target: a hand-built rule whose L4 part does not fit
/// its protocol (`tcp` carrying `Any`, as `Protocol::from_number(6)` with no ports gives)
/// was dropped by the compiler while the oracle normalised it to "all ports".
#[test]
fn unnormalised_rule_l4_is_normalised_by_the_compiler() {
    let mut topo = topology()
        .with(sg("sg-1").ingress(tcp(22), cidr("10.0.0.0/8")))
        .with(eni("eni-1").ips(["10.0.0.10"]).groups(["sg-1"]))
        .build();
    topo.security_groups[0].ingress[0].l4 = L4::Any;
    let index = CompiledIndex::new(&topo);
    let packet = Packet::tcp(ip("10.1.2.3"), 443);
    assert_eq!(
        index.decide(0, Direction::Ingress, &packet),
        Some(Decision::Allowed)
    );
    let lookup = topo.lookup();
    let q = naive::Query::ingress("eni-1", packet);
    assert!(
        naive::matching_rules_with(&lookup, &q)
            .expect("query")
            .allows()
    );
}

/// Same bug in the compiled NACL: an `icmp` entry carrying a port range matched no ICMP
/// packet, while AWS (and the oracle) read it as every type and code.
#[test]
fn nacl_icmp_entry_with_ports_matches_all_icmp() {
    let mut acl = nacl("acl-1").build();
    acl.entries.push(NaclEntry {
        rule_number: 100,
        direction: Direction::Ingress,
        action: NaclAction::Allow,
        protocol: Protocol::Icmp,
        l4: L4::Ports(PortRange::new(80, 80)),
        cidr: "0.0.0.0/0".parse::<Cidr>().expect("cidr"),
        origin: Origin::synthetic("test"),
    });
    let packet = Packet::icmp(ip("192.0.2.1"), 8, 0);
    let compiled = CompiledNacl::new(&acl);
    let got = compiled.evaluate(Direction::Ingress, packet.peer, packet.protocol, &packet.l4);
    let want = naive::nacl_decision(&acl, Direction::Ingress, &packet).expect("packet");
    assert!(got.allows());
    assert!(want.allows());
}
