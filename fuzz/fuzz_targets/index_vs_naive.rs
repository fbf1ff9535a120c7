//! Differential: the compiled index (and compiled NACLs) must give the naive oracle's
//! answer for every topology and packet the fuzzer can describe.
//!
//! The input bytes are read as a little program: a few groups with rules, ENIs, prefix
//! lists, one NACL and a list of packets. Addresses and ports are drawn from small pools
//! of edge values mixed with raw bytes, so boundaries are hit often.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sgcheck::index::compiled::{CompiledIndex, Decision};
use sgcheck::index::nacl::{CompiledNacl, NaclVerdict};
use sgcheck::index::naive::{self, NaclDecision, Outcome, Packet, Query};
use sgcheck::model::*;
use sgcheck::net::{Cidr, Direction, IcmpMatch, L4, PacketL4, PortRange, Protocol};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[usize::from(self.u8()) % xs.len()]
    }
    fn v4(&mut self) -> u32 {
        match self.u8() % 4 {
            0 => self.pick(&[0, 1, 0x0A00_0000, 0x0A00_0005, 0x0A00_00FF, 0x8000_0000, u32::MAX]),
            1 => 0x0A00_0000 | u32::from(self.u8()),
            _ => self.u32(),
        }
    }
    fn v6(&mut self) -> u128 {
        match self.u8() % 3 {
            0 => self.pick(&[0u128, 1, u128::MAX, 1 << 127]),
            _ => (u128::from(self.u32()) << 96) | u128::from(self.u8()),
        }
    }
    fn cidr(&mut self) -> Cidr {
        if self.u8() % 4 == 0 {
            let a = Ipv6Addr::from(self.v6());
            let l = self.u8() % 129;
            Cidr::from_net(ipnet::IpNet::V6(ipnet::Ipv6Net::new(a, l).unwrap_or_default()))
        } else {
            let a = Ipv4Addr::from(self.v4());
            let l = self.pick(&[0u8, 1, 8, 24, 31, 32, 16, 28]);
            Cidr::from_net(ipnet::IpNet::V4(ipnet::Ipv4Net::new(a, l).unwrap_or_default()))
        }
    }
    fn port(&mut self) -> u16 {
        match self.u8() % 3 {
            0 => self.pick(&[0, 1, 22, 80, 1024, 65534, 65535]),
            _ => self.u16(),
        }
    }
    fn proto_l4(&mut self) -> (Protocol, L4) {
        match self.u8() % 8 {
            0 | 1 => {
                let (a, b) = (self.port(), self.port());
                (Protocol::Tcp, L4::Ports(PortRange::new(a.min(b), a.max(b))))
            }
            2 => (Protocol::Udp, L4::Ports(PortRange::single(self.port()))),
            3 => (Protocol::Icmp, L4::Icmp(self.icmp())),
            4 => (Protocol::Icmpv6, L4::Icmp(self.icmp())),
            5 => (Protocol::All, L4::Any),
            6 => (Protocol::from_number(self.u8()), L4::Any),
            _ => (Protocol::Tcp, L4::Nothing),
        }
    }
    fn icmp(&mut self) -> IcmpMatch {
        match self.u8() % 3 {
            0 => IcmpMatch::ANY,
            1 => IcmpMatch::of_type(self.u8() % 10),
            _ => IcmpMatch::type_code(self.u8() % 10, self.u8() % 5),
        }
    }
    fn packet(&mut self, peers: &[IpAddr]) -> Packet {
        let peer = if !peers.is_empty() && self.u8() % 2 == 0 {
            self.pick(peers)
        } else if self.u8() % 4 == 0 {
            IpAddr::V6(Ipv6Addr::from(self.v6()))
        } else {
            IpAddr::V4(Ipv4Addr::from(self.v4()))
        };
        match self.u8() % 5 {
            0 | 1 => Packet::tcp(peer, self.port()),
            2 => Packet::udp(peer, self.port()),
            3 => {
                let (t, c) = (self.u8() % 10, self.u8() % 5);
                if peer.is_ipv6() { Packet::icmpv6(peer, t, c) } else { Packet::icmp(peer, t, c) }
            }
            _ => Packet {
                peer,
                protocol: Protocol::from_number(self.pick(&[0u8, 47, 50, 132])),
                l4: PacketL4::None,
            },
        }
    }
}

const GROUPS: [&str; 4] = ["sg-0", "sg-1", "sg-2", "sg-3"];

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let origin = Origin::json(&Arc::from("fuzz"), "x");
    let mut t = Topology::default();
    for (gi, id) in GROUPS.iter().enumerate().take(3) {
        if b.u8() % 4 == 0 {
            continue;
        }
        let mut g = SecurityGroup {
            id: (*id).into(), name: None, description: None, vpc: None, owner: None,
            ingress: Vec::new(), egress: Vec::new(), scope: Scope::default(), origin: origin.clone(),
        };
        for _ in 0..b.u8() % 6 {
            let direction = if b.u8() % 2 == 0 { Direction::Ingress } else { Direction::Egress };
            let (protocol, l4) = b.proto_l4();
            let peer = match b.u8() % 5 {
                0 => Peer::Group(Box::new(GroupRef::to(b.pick(&GROUPS)))),
                1 => Peer::PrefixList { id: b.pick(&["pl-0", "pl-1"]).into() },
                _ => Peer::Cidr { cidr: b.cidr() },
            };
            let r = Rule { direction, protocol, l4, peer, description: None, rule_id: None, origin: origin.clone() };
            match direction {
                Direction::Ingress => g.ingress.push(r),
                Direction::Egress => g.egress.push(r),
            }
        }
        let _ = gi;
        t.security_groups.push(g);
    }
    if b.u8() % 2 == 0 {
        let entries = (0..b.u8() % 3).map(|_| PrefixListEntry { cidr: b.cidr(), description: None }).collect();
        t.prefix_lists.push(PrefixList {
            id: "pl-0".into(), name: None, family: None, max_entries: None,
            entries: Some(entries), owner: None, scope: Scope::default(), origin: origin.clone(),
        });
    }
    let mut peers = Vec::new();
    for i in 0..1 + b.u8() % 3 {
        let ip = Ipv4Addr::from(b.v4());
        peers.push(IpAddr::V4(ip));
        let groups = GROUPS.iter().filter(|_| b.u8() % 2 == 0).map(|g| GroupId::from(*g)).collect();
        t.enis.push(Eni {
            id: format!("eni-{i}").into(), subnet: None, vpc: None, az: None,
            private_ips: vec![PrivateIp { ip, primary: true, public: None }],
            ipv6: vec![], groups, attachment: None, interface_type: None, status: None,
            source_dest_check: None, description: None, owner: None,
            scope: Scope::default(), origin: origin.clone(),
        });
    }
    let mut acl = NetworkAcl {
        id: "acl-0".into(), vpc: None, is_default: false, entries: Vec::new(), subnets: Vec::new(),
        owner: None, scope: Scope::default(), origin: origin.clone(),
    };
    for _ in 0..b.u8() % 6 {
        let (protocol, l4) = b.proto_l4();
        acl.entries.push(NaclEntry {
            rule_number: b.pick(&[1u16, 90, 100, 110, 32767, 32768]),
            direction: if b.u8() % 2 == 0 { Direction::Ingress } else { Direction::Egress },
            action: if b.u8() % 2 == 0 { NaclAction::Allow } else { NaclAction::Deny },
            protocol, l4, cidr: b.cidr(), origin: origin.clone(),
        });
    }
    let index = CompiledIndex::new(&t);
    let nacl = CompiledNacl::new(&acl);
    let lookup = t.lookup();
    for _ in 0..8 {
        let eni = usize::from(b.u8()) % t.enis.len();
        let direction = if b.u8() % 2 == 0 { Direction::Ingress } else { Direction::Egress };
        let packet = b.packet(&peers);
        let q = Query::new(t.enis[eni].id.clone(), direction, packet);
        let Ok(v) = naive::matching_rules_with(&lookup, &q) else { continue };
        let want = match v.outcome() {
            Outcome::Allow => Decision::Allowed,
            Outcome::Deny => Decision::Denied,
            Outcome::Unknown => Decision::Unknown,
        };
        assert_eq!(index.decide(eni, direction, &packet), Some(want));
        assert_eq!(index.explain(&t, eni, direction, &packet).len(), v.matches.len());
        let n = naive::nacl_decision(&acl, direction, &packet).expect("concrete packet");
        match (nacl.evaluate(direction, packet.peer, packet.protocol, &packet.l4), n) {
            (NaclVerdict::Entry(a), NaclDecision::Entry(e)) => assert!(std::ptr::eq(a, e)),
            (NaclVerdict::ImplicitDeny, NaclDecision::ImplicitDeny) => {}
            (a, e) => panic!("compiled {a:?} vs naive {e:?}"),
        }
    }
});
