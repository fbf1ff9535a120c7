//! The compiled index against the naive oracle on random topologies and packets.
//!
//! Generators are biased to the edges: /0, /1, /31, /32, /127, /128 blocks, addresses at
//! the bottom and top of each family, ports 0 and 65535, adjacent and overlapping port
//! ranges, ICMP "any" / type / type:code, protocol `all`, numeric protocols, rules that
//! match nothing, group references (to exported groups, to groups only ENIs carry, to
//! groups nobody carries, across active and dead peerings), prefix lists (with entries,
//! with entries unknown, missing), ENIs carrying groups that are not exported, and NACLs
//! with deny-before-allow, duplicate numbers and both families.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use sgcheck::index::compiled::{CompiledIndex, Decision};
use sgcheck::index::nacl::{CompiledNacl, NaclVerdict};
use sgcheck::index::naive::{self, NaclDecision, Outcome, Packet, Query};
use sgcheck::model::*;
use sgcheck::net::{Cidr, Direction, Family, IcmpMatch, L4, PacketL4, PortRange, Protocol};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

fn origin(what: &str) -> Origin {
    Origin::json(&Arc::from("prop.json"), what)
}

// ---------------------------------------------------------------------------------------
// Generators

const V4_POOL: [u32; 8] = [
    0,
    1,
    0x0A00_0000, // 10.0.0.0
    0x0A00_0005, // 10.0.0.5
    0x0A00_00FF, // 10.0.0.255
    0x7FFF_FFFF, // 127.255.255.255
    0x8000_0000, // 128.0.0.0
    u32::MAX,
];

const V6_POOL: [u128; 5] = [
    0,
    1,
    0x2001_0db8_0000_0000_0000_0000_0000_0005,
    0x8000_0000_0000_0000_0000_0000_0000_0000,
    u128::MAX,
];

fn v4_addr() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => proptest::sample::select(&V4_POOL[..]),
        1 => (proptest::sample::select(&V4_POOL[..]), -2i64..=2)
            .prop_map(|(a, d)| (i64::from(a) + d).clamp(0, i64::from(u32::MAX)) as u32),
        1 => any::<u32>(),
    ]
}

fn v6_addr() -> impl Strategy<Value = u128> {
    prop_oneof![
        3 => proptest::sample::select(&V6_POOL[..]),
        1 => any::<u128>(),
    ]
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        3 => v4_addr().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        1 => v6_addr().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    ]
}

fn cidr() -> impl Strategy<Value = Cidr> {
    prop_oneof![
        3 => (v4_addr(), prop_oneof![Just(0u8), Just(1), Just(8), Just(24), Just(31), Just(32), 0u8..=32])
            .prop_map(|(a, l)| Cidr::from_net(ipnet::IpNet::V4(
                ipnet::Ipv4Net::new(Ipv4Addr::from(a), l).expect("prefix <= 32")
            ))),
        1 => (v6_addr(), prop_oneof![Just(0u8), Just(1), Just(64), Just(127), Just(128), 0u8..=128])
            .prop_map(|(a, l)| Cidr::from_net(ipnet::IpNet::V6(
                ipnet::Ipv6Net::new(Ipv6Addr::from(a), l).expect("prefix <= 128")
            ))),
    ]
}

fn port() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(0u16),
        Just(1),
        Just(22),
        Just(80),
        Just(1023),
        Just(1024),
        Just(65534),
        Just(65535),
        any::<u16>()
    ]
}

fn port_range() -> impl Strategy<Value = PortRange> {
    prop_oneof![
        2 => port().prop_map(PortRange::single),
        2 => (port(), port()).prop_map(|(a, b)| PortRange::new(a.min(b), a.max(b))),
        1 => Just(PortRange::ALL),
        1 => Just(PortRange::new(1024, 65535)),
    ]
}

fn icmp_match() -> impl Strategy<Value = IcmpMatch> {
    prop_oneof![
        Just(IcmpMatch::ANY),
        prop_oneof![Just(0u8), Just(3), Just(8), Just(128), Just(255)].prop_map(IcmpMatch::of_type),
        (
            prop_oneof![Just(3u8), Just(8)],
            prop_oneof![Just(0u8), Just(4)]
        )
            .prop_map(|(t, c)| IcmpMatch::type_code(t, c)),
    ]
}

/// A protocol with a matching L4 part, including `Nothing`.
fn proto_l4() -> impl Strategy<Value = (Protocol, L4)> {
    prop_oneof![
        3 => port_range().prop_map(|r| (Protocol::Tcp, L4::Ports(r))),
        2 => port_range().prop_map(|r| (Protocol::Udp, L4::Ports(r))),
        1 => icmp_match().prop_map(|m| (Protocol::Icmp, L4::Icmp(m))),
        1 => icmp_match().prop_map(|m| (Protocol::Icmpv6, L4::Icmp(m))),
        1 => Just((Protocol::All, L4::Any)),
        1 => prop_oneof![Just(0u8), Just(47), Just(50), Just(255)]
            .prop_map(|n| (Protocol::Number(n), L4::Any)),
        1 => prop_oneof![Just(Protocol::Icmp), Just(Protocol::Tcp)].prop_map(|p| (p, L4::Nothing)),
        // Not normalised (hand-built models): any protocol number with any L4 kind.
        1 => (any::<u8>(), prop_oneof![
                Just(L4::Any),
                port_range().prop_map(L4::Ports),
                icmp_match().prop_map(L4::Icmp),
            ]).prop_map(|(n, l4)| (Protocol::from_number(n), l4)),
        1 => port_range().prop_map(|r| (Protocol::All, L4::Ports(r))),
    ]
}

const GROUP_IDS: [&str; 6] = ["sg-0", "sg-1", "sg-2", "sg-3", "sg-4", "sg-5"];
const LIST_IDS: [&str; 3] = ["pl-0", "pl-1", "pl-2"];

fn peer() -> impl Strategy<Value = Peer> {
    prop_oneof![
        5 => cidr().prop_map(|cidr| Peer::Cidr { cidr }),
        3 => (proptest::sample::select(&GROUP_IDS[..]), prop_oneof![
                6 => Just(None),
                1 => Just(Some("active")),
                1 => Just(Some("deleted")),
                1 => Just(Some("pending-acceptance")),
            ])
            .prop_map(|(g, status)| Peer::Group(Box::new(GroupRef {
                group: g.into(),
                owner: status.map(|_| AccountId::from("210987654321")),
                vpc: None,
                peering: status.map(|_| "pcx-1".to_string()),
                peering_status: status.map(str::to_string),
            }))),
        2 => proptest::sample::select(&LIST_IDS[..]).prop_map(|id| Peer::PrefixList { id: id.into() }),
    ]
}

fn rule(direction: Direction) -> impl Strategy<Value = Rule> {
    (proto_l4(), peer()).prop_map(move |((protocol, l4), peer)| Rule {
        direction,
        protocol,
        l4,
        peer,
        description: None,
        rule_id: None,
        origin: origin("rule"),
    })
}

fn group(id: &'static str) -> impl Strategy<Value = SecurityGroup> {
    (
        proptest::collection::vec(rule(Direction::Ingress), 0..6),
        proptest::collection::vec(rule(Direction::Egress), 0..6),
    )
        .prop_map(move |(ingress, egress)| SecurityGroup {
            id: id.into(),
            name: None,
            description: None,
            vpc: None,
            owner: None,
            ingress,
            egress,
            scope: Scope::default(),
            origin: origin(id),
        })
}

fn prefix_list(id: &'static str) -> impl Strategy<Value = Option<PrefixList>> {
    prop_oneof![
        1 => Just(None),
        1 => prop_oneof![Just(None), Just(Some(Family::V4)), Just(Some(Family::V6))].prop_map(move |family| Some(PrefixList {
            id: id.into(), name: None, family, max_entries: Some(5), entries: None,
            owner: None, scope: Scope::default(), origin: origin(id),
        })),
        3 => proptest::collection::vec(cidr(), 0..4).prop_map(move |cs| Some(PrefixList {
            id: id.into(), name: None, family: None, max_entries: Some(5),
            entries: Some(cs.into_iter().map(|cidr| PrefixListEntry { cidr, description: None }).collect()),
            owner: None, scope: Scope::default(), origin: origin(id),
        })),
    ]
}

fn eni(i: usize) -> impl Strategy<Value = Eni> {
    (
        proptest::collection::vec(v4_addr(), 1..3),
        proptest::collection::vec(v6_addr(), 0..2),
        proptest::sample::subsequence(&GROUP_IDS[..], 0..4),
        proptest::option::of(v4_addr()),
    )
        .prop_map(move |(v4, v6, groups, public)| Eni {
            id: format!("eni-{i}").into(),
            subnet: None,
            vpc: None,
            az: None,
            private_ips: v4
                .iter()
                .enumerate()
                .map(|(k, a)| PrivateIp {
                    ip: Ipv4Addr::from(*a),
                    primary: k == 0,
                    public: public.filter(|_| k == 0).map(|p| PublicIp {
                        ip: Ipv4Addr::from(p),
                        allocation_id: None,
                        ip_owner: Some("amazon".into()),
                    }),
                })
                .collect(),
            ipv6: v6.into_iter().map(Ipv6Addr::from).collect(),
            groups: groups.into_iter().map(GroupId::from).collect(),
            attachment: None,
            interface_type: None,
            status: None,
            source_dest_check: None,
            description: None,
            owner: None,
            scope: Scope::default(),
            origin: origin("eni"),
        })
}

fn topology() -> impl Strategy<Value = Topology> {
    (
        // sg-0..sg-3 may be exported; sg-4 and sg-5 never are (only ENIs carry them).
        proptest::sample::subsequence(&GROUP_IDS[..4], 0..=4),
        proptest::collection::vec(group("x"), 4),
        proptest::collection::vec(prefix_list("x"), 3),
        proptest::collection::vec(any::<u8>(), 1..4),
    )
        .prop_flat_map(|(ids, groups, lists, enis)| {
            let n = enis.len();
            let enis = (0..n).map(eni).collect::<Vec<_>>();
            (Just((ids, groups, lists)), enis)
        })
        .prop_map(|((ids, groups, lists), enis)| {
            let security_groups = ids
                .iter()
                .zip(groups)
                .map(|(id, mut g)| {
                    g.id = (*id).into();
                    g
                })
                .collect();
            let prefix_lists = lists
                .into_iter()
                .zip(LIST_IDS)
                .filter_map(|(l, id)| {
                    l.map(|mut l| {
                        l.id = id.into();
                        l
                    })
                })
                .collect();
            Topology {
                security_groups,
                prefix_lists,
                enis,
                ..Topology::default()
            }
        })
}

fn packet_for(addrs: Vec<IpAddr>) -> impl Strategy<Value = Packet> {
    let peer = prop_oneof![
        2 => proptest::sample::select(addrs),
        1 => ip(),
    ];
    let l4 = prop_oneof![
        3 => port().prop_map(|p| (Protocol::Tcp, PacketL4::Port(p))),
        2 => port().prop_map(|p| (Protocol::Udp, PacketL4::Port(p))),
        1 => (prop_oneof![Just(0u8), Just(3), Just(8), Just(128)], prop_oneof![Just(0u8), Just(4), Just(9)])
            .prop_map(|(ty, code)| (Protocol::Icmp, PacketL4::Icmp { ty, code })),
        1 => (prop_oneof![Just(3u8), Just(8), Just(128)], prop_oneof![Just(0u8), Just(4)])
            .prop_map(|(ty, code)| (Protocol::Icmpv6, PacketL4::Icmp { ty, code })),
        1 => prop_oneof![Just(0u8), Just(47), Just(50), Just(132)]
            .prop_map(|n| (Protocol::Number(n), PacketL4::None)),
    ];
    (peer, l4).prop_map(|(peer, (protocol, l4))| Packet { peer, protocol, l4 })
}

/// Addresses worth asking about: every address and block edge in the topology.
fn interesting(t: &Topology) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = Vec::new();
    for e in &t.enis {
        v.extend(e.private_ips.iter().map(|p| IpAddr::V4(p.ip)));
        v.extend(
            e.private_ips
                .iter()
                .filter_map(|p| p.public.as_ref())
                .map(|p| IpAddr::V4(p.ip)),
        );
        v.extend(e.ipv6.iter().map(|a| IpAddr::V6(*a)));
    }
    let mut edges = |c: &Cidr| {
        if let Some(r) = c.v4_range() {
            v.push(IpAddr::V4(Ipv4Addr::from(r.lo())));
            v.push(IpAddr::V4(Ipv4Addr::from(r.hi())));
            if let Some(n) = r.hi().checked_add(1) {
                v.push(IpAddr::V4(Ipv4Addr::from(n)));
            }
        }
        if let Some(r) = c.v6_range() {
            v.push(IpAddr::V6(Ipv6Addr::from(r.lo())));
            v.push(IpAddr::V6(Ipv6Addr::from(r.hi())));
        }
    };
    for g in &t.security_groups {
        for r in g.all_rules() {
            if let Peer::Cidr { cidr } = &r.peer {
                edges(cidr);
            }
        }
    }
    for l in &t.prefix_lists {
        for e in l.entries.iter().flatten() {
            edges(&e.cidr);
        }
    }
    v.push(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    v
}

fn scenario() -> impl Strategy<Value = (Topology, Vec<(usize, Direction, Packet)>)> {
    topology().prop_flat_map(|t| {
        let n = t.enis.len();
        let addrs = interesting(&t);
        let q = (
            0..n,
            prop_oneof![Just(Direction::Ingress), Just(Direction::Egress)],
            packet_for(addrs),
        );
        (Just(t), proptest::collection::vec(q, 1..12))
    })
}

// ---------------------------------------------------------------------------------------
// Properties

fn expected(o: Outcome) -> Decision {
    match o {
        Outcome::Allow => Decision::Allowed,
        Outcome::Deny => Decision::Denied,
        Outcome::Unknown => Decision::Unknown,
    }
}

/// Runs a property on a thread with a large stack: the nested strategies recurse deeply in
/// unoptimised (debug) builds and overflow the default 2 MiB test-thread stack.
fn check<S, F>(cases: u32, strategy: S, test: F)
where
    S: Strategy + Send + 'static,
    S::Value: std::fmt::Debug,
    F: Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static,
{
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let config = ProptestConfig {
                cases,
                source_file: Some(file!()),
                ..ProptestConfig::default()
            };
            let mut runner = proptest::test_runner::TestRunner::new(config);
            if let Err(e) = runner.run(&strategy, test) {
                panic!("{e}");
            }
        })
        .expect("spawn property thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

/// Fast path and "why" path agree with the oracle on every query.
#[test]
fn compiled_index_equals_naive() {
    check(6000, scenario(), |(topo, queries)| {
        let index = CompiledIndex::new(&topo);
        let lookup = topo.lookup();
        for (eni, direction, packet) in queries {
            let q = Query::new(topo.enis[eni].id.clone(), direction, packet);
            let verdict = naive::matching_rules_with(&lookup, &q).expect("valid query");
            let got = index.decide(eni, direction, &packet).expect("eni in range");
            prop_assert_eq!(
                got,
                expected(verdict.outcome()),
                "{:?} {:?}",
                direction,
                packet
            );
            let mut why: Vec<*const Rule> = index
                .explain(&topo, eni, direction, &packet)
                .iter()
                .map(|m| m.rule as *const Rule)
                .collect();
            let mut want: Vec<*const Rule> = verdict
                .matches
                .iter()
                .map(|m| m.rule as *const Rule)
                .collect();
            why.sort();
            want.sort();
            prop_assert_eq!(why, want);
        }
        let batch: Vec<_> = (0..topo.enis.len())
            .flat_map(|e| {
                Direction::ALL.map(|d| (e, d, Packet::tcp(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 22)))
            })
            .collect();
        let answers = index.decide_batch(&batch);
        for ((e, d, p), a) in batch.iter().zip(answers) {
            prop_assert_eq!(a, index.decide(*e, *d, p));
        }
        Ok(())
    });
}

fn nacl_entry(direction: Direction) -> impl Strategy<Value = NaclEntry> {
    (
        prop_oneof![
            Just(1u16),
            Just(90),
            Just(100),
            Just(110),
            Just(32766),
            Just(32767),
            Just(32768),
            1u16..200
        ],
        prop_oneof![Just(NaclAction::Allow), Just(NaclAction::Deny)],
        proto_l4(),
        cidr(),
    )
        .prop_map(
            move |(rule_number, action, (protocol, l4), cidr)| NaclEntry {
                rule_number,
                direction,
                action,
                protocol,
                l4,
                cidr,
                origin: origin("entry"),
            },
        )
}

fn nacl_scenario() -> impl Strategy<Value = (NetworkAcl, Vec<(Direction, Packet)>)> {
    (
        proptest::collection::vec(nacl_entry(Direction::Ingress), 0..8),
        proptest::collection::vec(nacl_entry(Direction::Egress), 0..8),
    )
        .prop_flat_map(|(a, b)| {
            let mut entries = a;
            entries.extend(b);
            let acl = NetworkAcl {
                id: "acl-1".into(),
                vpc: None,
                is_default: false,
                entries,
                subnets: Vec::new(),
                owner: None,
                scope: Scope::default(),
                origin: origin("acl"),
            };
            let mut addrs: Vec<IpAddr> = Vec::new();
            for e in &acl.entries {
                if let Some(r) = e.cidr.v4_range() {
                    addrs.push(IpAddr::V4(Ipv4Addr::from(r.lo())));
                    addrs.push(IpAddr::V4(Ipv4Addr::from(r.hi())));
                }
                if let Some(r) = e.cidr.v6_range() {
                    addrs.push(IpAddr::V6(Ipv6Addr::from(r.hi())));
                }
            }
            addrs.push(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            let q = (
                prop_oneof![Just(Direction::Ingress), Just(Direction::Egress)],
                packet_for(addrs),
            );
            (Just(acl), proptest::collection::vec(q, 1..12))
        })
}

/// The compiled NACL picks the same entry as the oracle (first match by rule number).
#[test]
fn compiled_nacl_equals_naive() {
    check(4000, nacl_scenario(), |(acl, queries)| {
        let compiled = CompiledNacl::new(&acl);
        for (direction, packet) in queries {
            let want = naive::nacl_decision(&acl, direction, &packet).expect("valid packet");
            let got = compiled.evaluate(direction, packet.peer, packet.protocol, &packet.l4);
            match (got, want) {
                (NaclVerdict::Entry(a), NaclDecision::Entry(b)) => {
                    prop_assert!(std::ptr::eq(a, b), "{:?} vs {:?}", a, b)
                }
                (NaclVerdict::ImplicitDeny, NaclDecision::ImplicitDeny) => {}
                (g, w) => prop_assert!(false, "compiled {:?}, naive {:?}", g, w),
            }
        }
        Ok(())
    });
}
