//! Table-driven tests: a positive and a negative case for every production.

use super::*;
use crate::model::*;
use crate::net::{Cidr, Direction, IcmpMatch, L4, PortRange, Protocol};

fn file() -> Arc<str> {
    Arc::from("t.sg")
}

fn ok(text: &str) -> (Topology, Vec<Diagnostic>) {
    match parse(&file(), text) {
        Ok(r) => r,
        Err(e) => panic!("unexpected error for {text:?}:\n{e}"),
    }
}

fn cidr(s: &str) -> Cidr {
    s.parse().expect("test CIDR")
}

fn ports(lo: u16, hi: u16) -> L4 {
    L4::Ports(PortRange::new(lo, hi))
}

/// (input, check).
type Positive = (&'static str, fn(&Topology, &[Diagnostic]));

const POSITIVE: &[Positive] = &[
    // group header forms
    ("group sg-1", |t, _| {
        assert_eq!(t.security_groups[0].id.as_str(), "sg-1");
    }),
    (
        "group sg-1 \"web tier\" name \"web\" vpc vpc-1 owner 123456789012",
        |t, _| {
            let g = &t.security_groups[0];
            assert_eq!(g.description.as_deref(), Some("web tier"));
            assert_eq!(g.name.as_deref(), Some("web"));
            assert_eq!(g.vpc.as_ref().map(|v| v.as_str()), Some("vpc-1"));
            assert_eq!(g.owner.as_ref().map(|v| v.as_str()), Some("123456789012"));
        },
    ),
    ("group sg-1 description \"d\"", |t, _| {
        assert_eq!(t.security_groups[0].description.as_deref(), Some("d"));
    }),
    // rule forms: multi port x multi peer expands
    (
        "group sg-1\n  in tcp 80,443 from 0.0.0.0/0, ::/0",
        |t, _| {
            let r = &t.security_groups[0].ingress;
            assert_eq!(r.len(), 4);
            assert_eq!(r[0].l4, ports(80, 80));
            assert_eq!(r[1].peer, Peer::Cidr { cidr: cidr("::/0") });
            assert_eq!(r[2].l4, ports(443, 443));
            assert_eq!(r[0].origin, Origin::line_col(&file(), 2, 22));
            assert_eq!(r[1].origin, Origin::line_col(&file(), 2, 33));
        },
    ),
    (
        "group sg-1\n  in tcp 0, 65535, 1024-65535 from 10.0.0.1",
        |t, _| {
            let r = &t.security_groups[0].ingress;
            assert_eq!(r.len(), 3);
            assert_eq!(r[1].l4, ports(65535, 65535));
            assert_eq!(r[2].l4, ports(1024, 65535));
            assert_eq!(
                r[0].peer,
                Peer::Cidr {
                    cidr: cidr("10.0.0.1/32")
                }
            );
        },
    ),
    ("group sg-1\n  in tcp from 10.0.0.0/8", |t, _| {
        assert_eq!(
            t.security_groups[0].ingress[0].l4,
            L4::Ports(PortRange::ALL)
        );
    }),
    ("group sg-1\n  in udp all from pl-xyz", |t, _| {
        let r = &t.security_groups[0].ingress[0];
        assert_eq!(r.protocol, Protocol::Udp);
        assert_eq!(r.l4, L4::Ports(PortRange::ALL));
        assert_eq!(
            r.peer,
            Peer::PrefixList {
                id: PrefixListId::from("pl-xyz")
            }
        );
    }),
    (
        "group sg-1\n  in tcp 22 from sg-bastion, 123456789012/sg-abc",
        |t, _| {
            let r = &t.security_groups[0].ingress;
            assert_eq!(r[0].peer, Peer::Group(Box::new(GroupRef::to("sg-bastion"))));
            let mut want = GroupRef::to("sg-abc");
            want.owner = Some(AccountId::from("123456789012"));
            assert_eq!(r[1].peer, Peer::Group(Box::new(want)));
        },
    ),
    (
        "group sg-1\n  in icmp 8 from 10.0.0.0/8\n  in icmp 3:4 from 10.0.0.0/8\n  in icmp from 10.0.0.0/8\n  in icmpv6 all from ::/0",
        |t, _| {
            let r = &t.security_groups[0].ingress;
            assert_eq!(r[0].l4, L4::Icmp(IcmpMatch::of_type(8)));
            assert_eq!(r[1].l4, L4::Icmp(IcmpMatch::type_code(3, 4)));
            assert_eq!(r[2].l4, L4::Icmp(IcmpMatch::ANY));
            assert_eq!(r[3].protocol, Protocol::Icmpv6);
        },
    ),
    (
        "group sg-1\n  out all to 0.0.0.0/0\n  in 47 from 10.0.0.0/8\n  in -1 from 10.0.0.0/8",
        |t, _| {
            let g = &t.security_groups[0];
            assert_eq!(g.egress[0].protocol, Protocol::All);
            assert_eq!(g.egress[0].l4, L4::Any);
            assert_eq!(g.egress[0].direction, Direction::Egress);
            assert_eq!(g.ingress[0].protocol, Protocol::Number(47));
            assert_eq!(g.ingress[1].protocol, Protocol::All);
        },
    ),
    (
        "group sg-1\n  in 6 22 from 10.0.0.0/8 \"ssh \\\"admin\\\"\" id sgr-0abc",
        |t, _| {
            let r = &t.security_groups[0].ingress[0];
            assert_eq!(r.protocol, Protocol::Tcp);
            assert_eq!(r.description.as_deref(), Some("ssh \"admin\""));
            assert_eq!(r.rule_id.as_deref(), Some("sgr-0abc"));
        },
    ),
    // comments, blank lines, tabs, CRLF
    (
        "# header\n\ngroup sg-1 # trailing\n\t# comment in body\n\tin tcp 22 from 10.0.0.0/8 # why\r\n\n",
        |t, _| {
            assert_eq!(t.security_groups[0].ingress.len(), 1);
        },
    ),
    // host bits and duplicates are warnings
    (
        "group sg-1\n  in tcp 22 from 10.0.0.5/8\ngroup sg-1",
        |t, d| {
            assert_eq!(t.security_groups.len(), 2);
            assert_eq!(
                t.security_groups[0].ingress[0].peer,
                Peer::Cidr {
                    cidr: cidr("10.0.0.0/8")
                }
            );
            assert_eq!(d.len(), 2);
            assert!(d.iter().all(|d| d.severity == Severity::Warning));
            assert_eq!(d[0].origin, Some(Origin::line_col(&file(), 2, 18)));
        },
    ),
    // prefix lists
    (
        "prefix-list pl-1 name \"office\" max 10 family ipv4 owner 1 198.51.100.0/24 \"HQ\", 203.0.113.0/28\n  192.0.2.0/24",
        |t, _| {
            let p = &t.prefix_lists[0];
            assert_eq!(p.name.as_deref(), Some("office"));
            assert_eq!(p.max_entries, Some(10));
            assert_eq!(p.family, Some(crate::net::Family::V4));
            let e = p.entries.as_ref().expect("entries");
            assert_eq!(e.len(), 3);
            assert_eq!(e[0].description.as_deref(), Some("HQ"));
        },
    ),
    ("prefix-list pl-1 unknown", |t, _| {
        assert_eq!(t.prefix_lists[0].entries, None)
    }),
    ("prefix-list pl-1", |t, _| {
        assert_eq!(t.prefix_lists[0].entries, Some(vec![]))
    }),
    // nacls
    (
        "nacl acl-1 vpc vpc-1 default owner 1 subnets subnet-a, subnet-b\n  in 100 allow tcp 80 from 0.0.0.0/0\n  in 110 allow tcp 1024-65535 from 0.0.0.0/0\n  in 120 allow icmp 3:4 from 0.0.0.0/0\n  out 32767 deny all to 0.0.0.0/0",
        |t, _| {
            let n = &t.network_acls[0];
            assert!(n.is_default);
            assert_eq!(n.subnets.len(), 2);
            assert_eq!(n.entries.len(), 4);
            assert_eq!(n.entries[0].rule_number, 100);
            assert_eq!(n.entries[0].action, NaclAction::Allow);
            assert_eq!(n.entries[1].l4, ports(1024, 65535));
            assert_eq!(n.entries[3].direction, Direction::Egress);
            assert_eq!(n.entries[3].action, NaclAction::Deny);
            assert_eq!(n.entries[3].origin, Origin::line_col(&file(), 5, 3));
        },
    ),
    // vpc, igw, subnet
    (
        "vpc vpc-1 cidr 10.0.0.0/16, 2001:db8::/56 default owner 1",
        |t, _| {
            let v = &t.vpcs[0];
            assert_eq!(v.cidrs.len(), 2);
            assert!(v.is_default);
        },
    ),
    ("igw igw-1 vpc vpc-1, vpc-2\nigw igw-2", |t, _| {
        assert_eq!(t.internet_gateways[0].vpcs.len(), 2);
        assert!(t.internet_gateways[1].vpcs.is_empty());
    }),
    (
        "subnet subnet-a vpc vpc-1 cidr 10.0.1.0/24 ipv6 2001:db8::/64 az us-east-1a public-ip-on-launch owner 1",
        |t, _| {
            let s = &t.subnets[0];
            assert_eq!(s.cidr, Some(cidr("10.0.1.0/24")));
            assert_eq!(s.ipv6_cidrs.len(), 1);
            assert!(s.map_public_ip_on_launch);
            assert_eq!(s.az.as_deref(), Some("us-east-1a"));
        },
    ),
    // route tables
    (
        "route-table rtb-1 vpc vpc-1 main subnets subnet-a\n  route 0.0.0.0/0 via igw-1\n  route 10.1.0.0/16 via pcx-1 blackhole\n  route pl-s3 via vpce-1\n  route 10.0.0.0/16 via local",
        |t, _| {
            let r = &t.route_tables[0];
            assert!(r.main);
            assert_eq!(
                r.routes[0].target,
                RouteTarget::InternetGateway(IgwId::from("igw-1"))
            );
            assert!(r.routes[1].blackhole);
            assert_eq!(
                r.routes[2].destination,
                RouteDestination::PrefixList {
                    id: PrefixListId::from("pl-s3")
                }
            );
            assert_eq!(r.routes[3].target, RouteTarget::Local);
        },
    ),
    // instances
    (
        "instance i-1 state stopped type t3.micro az us-east-1a subnet subnet-a vpc vpc-1 hibernation placement pg-1 owner 1\n  eni eni-1 subnet subnet-a ip 10.0.1.10 public 54.0.0.10, 10.0.1.11 eip 54.0.0.11 eipalloc-1 ipv6 2001:db8::10 groups sg-a, sg-b index 0\n  volume vol-1 8GiB gp3 encrypted root\n  volume vol-2 100GiB type io2 multi-attach az us-east-1a state in-use keep-on-termination\n  listen tcp 80,443\n  listen udp",
        |t, _| {
            let i = &t.instances[0];
            assert_eq!(i.state, InstanceState::Stopped);
            assert!(i.hibernation);
            assert_eq!(i.placement_group.as_deref(), Some("pg-1"));
            assert_eq!(i.enis, vec![EniId::from("eni-1")]);
            assert_eq!(i.root_device_name.as_deref(), Some("/dev/xvda"));
            assert_eq!(i.root_device_type.as_deref(), Some("ebs"));
            assert_eq!(i.block_devices[1].device, "/dev/sdf");
            assert_eq!(i.block_devices[1].delete_on_termination, Some(false));
            assert_eq!(i.listeners.len(), 3);
            assert_eq!(i.listeners[2].ports, PortRange::ALL);
            let e = &t.enis[0];
            assert!(e.private_ips[0].primary && !e.private_ips[1].primary);
            assert_eq!(
                e.private_ips[0]
                    .public
                    .as_ref()
                    .and_then(|p| p.ip_owner.as_deref()),
                Some("amazon")
            );
            assert_eq!(
                e.private_ips[1]
                    .public
                    .as_ref()
                    .and_then(|p| p.allocation_id.as_deref()),
                Some("eipalloc-1")
            );
            assert_eq!(e.attachment.as_ref().and_then(|a| a.device_index), Some(0));
            assert_eq!(e.groups.len(), 2);
            assert_eq!(t.volumes.len(), 2);
            assert_eq!(t.volumes[0].size_gib, Some(8));
            assert!(t.volumes[0].encrypted);
            assert_eq!(t.volumes[0].attachments[0].instance.as_str(), "i-1");
            assert_eq!(t.volumes[1].volume_type.as_deref(), Some("io2"));
        },
    ),
    // multi-attach across instances: one volume, two attachments
    (
        "instance i-1\n  volume vol-x 4GiB io2 multi-attach device /dev/sdf\ninstance i-2\n  volume vol-x device /dev/sdf",
        |t, d| {
            assert_eq!(t.volumes.len(), 1);
            assert_eq!(t.volumes[0].attachments.len(), 2);
            assert!(d.is_empty());
        },
    ),
    // standalone eni, volume, eip, address
    (
        "eni eni-2 subnet subnet-a vpc vpc-1 az us-east-1a ip 10.0.1.20 type interface status available source-dest-check false owner 1 \"spare\"\neni eni-3 attached-to i-9 index 1",
        |t, _| {
            let e = &t.enis[0];
            assert_eq!(e.attachment, None);
            assert_eq!(e.source_dest_check, Some(false));
            assert_eq!(e.description.as_deref(), Some("spare"));
            let a = t.enis[1].attachment.as_ref().expect("attached");
            assert_eq!(a.instance.as_ref().map(|i| i.as_str()), Some("i-9"));
            assert_eq!(a.device_index, Some(1));
        },
    ),
    (
        "volume vol-9 500GiB st1 az us-east-1b state available",
        |t, _| {
            assert_eq!(t.volumes[0].attachments.len(), 0);
            assert_eq!(t.volumes[0].state.as_deref(), Some("available"));
        },
    ),
    (
        "eip 54.0.0.11 eipalloc-1 eipassoc-1 instance i-1 eni eni-1 private-ip 10.0.1.11 domain vpc\naddress 54.0.0.12\neip allocation x association y",
        |t, _| {
            assert_eq!(t.addresses.len(), 3);
            assert_eq!(t.addresses[0].allocation_id.as_deref(), Some("eipalloc-1"));
            assert_eq!(t.addresses[0].association_id.as_deref(), Some("eipassoc-1"));
            assert_eq!(t.addresses[1].allocation_id, None);
            assert_eq!(t.addresses[2].allocation_id.as_deref(), Some("x"));
        },
    ),
    // expectations
    (
        "expect allow internet -> i-web 443/tcp\nexpect deny 0.0.0.0/0 -> sg-db 5432\nexpect allow 10.0.0.5 -> i-db 8/icmp\nexpect allow a -> b 3:4/icmp\nexpect deny a -> b all/all\nexpect deny a -> b 53/udp",
        |t, _| {
            let x = &t.expectations;
            assert!(x[0].allow && !x[1].allow);
            assert_eq!(x[0].from, "internet");
            assert_eq!(x[0].l4, ports(443, 443));
            assert_eq!(x[1].protocol, Protocol::Tcp);
            assert_eq!(x[2].l4, L4::Icmp(IcmpMatch::of_type(8)));
            assert_eq!(x[3].l4, L4::Icmp(IcmpMatch::type_code(3, 4)));
            assert_eq!((x[4].protocol, x[4].l4), (Protocol::All, L4::Any));
            assert_eq!(x[5].protocol, Protocol::Udp);
        },
    ),
];

#[test]
fn positive_cases() {
    for (text, check) in POSITIVE {
        let (t, d) = ok(text);
        check(&t, &d);
        // Every positive case also survives a print/parse round trip.
        let printed = print(&t);
        let (t2, _) = ok(&printed);
        assert_eq!(
            print(&t2),
            printed,
            "print is not a fixed point for {text:?}"
        );
    }
}

/// (input, line, column, a fragment of "expected").
const NEGATIVE: &[(&str, u32, u32, &str)] = &[
    // statements and keywords
    ("grop sg-1", 1, 1, "a statement"),
    ("group", 1, 6, "a group id"),
    ("group sg-1 colour red", 1, 12, "a group option"),
    ("group sg-1 vpc a vpc b", 1, 18, "at most once"),
    ("group sg-1 name web", 1, 17, "a quoted group name"),
    // indentation
    ("  group sg-1", 1, 1, "at the start of the line"),
    (
        "vpc vpc-1\n  in tcp 22 from 10.0.0.0/8",
        2,
        1,
        "at the start of the line",
    ),
    (
        "group sg-1\n  in tcp 22 from 10.0.0.0/8\n    in tcp 23 from 10.0.0.0/8",
        3,
        1,
        "indentation",
    ),
    // unterminated string, bad escape
    ("group sg-1 \"web", 1, 12, "a closing"),
    ("group sg-1 \"a\\qb\"", 1, 14, "an escape"),
    // rule forms
    (
        "group sg-1\n  up tcp 22 from 10.0.0.0/8",
        2,
        3,
        "`in` or `out`",
    ),
    (
        "group sg-1\n  in tcpx 22 from 10.0.0.0/8",
        2,
        6,
        "a protocol",
    ),
    (
        "group sg-1\n  in tcp 70000 from 0.0.0.0/0",
        2,
        10,
        "a port number",
    ),
    (
        "group sg-1\n  in tcp 65536 from 0.0.0.0/0",
        2,
        10,
        "a port number",
    ),
    (
        "group sg-1\n  in tcp 443-80 from 0.0.0.0/0",
        2,
        10,
        "low <= high",
    ),
    (
        "group sg-1\n  in tcp 80, from 0.0.0.0/0",
        2,
        14,
        "a port number",
    ),
    (
        "group sg-1\n  in icmp 256 from 0.0.0.0/0",
        2,
        11,
        "an ICMP match",
    ),
    (
        "group sg-1\n  in icmp 3:256 from 0.0.0.0/0",
        2,
        11,
        "an ICMP match",
    ),
    (
        "group sg-1\n  in all 80 from 0.0.0.0/0",
        2,
        10,
        "take no ports",
    ),
    ("group sg-1\n  in tcp 22 to 0.0.0.0/0", 2, 13, "`from`"),
    ("group sg-1\n  out tcp 22 from 0.0.0.0/0", 2, 14, "`to`"),
    (
        "group sg-1\n  in tcp 22 from 10.0.0.0/33",
        2,
        18,
        "a CIDR block",
    ),
    // leading zeros: decimal to sgcheck, octal to some tools (the AWS reader rejects them)
    (
        "group sg-1\n  in tcp 22 from 10.0.0.0/8, 010.0.0.0/8",
        2,
        30,
        "a CIDR block",
    ),
    (
        "group sg-1\n  in tcp 22 from 10.0.0.0/08",
        2,
        18,
        "a CIDR block",
    ),
    (
        "prefix-list pl-1 10.0.0.0/8, 192.168.01.0/24",
        1,
        30,
        "a CIDR block",
    ),
    ("subnet subnet-1 cidr 10.00.0.0/16", 1, 22, "a CIDR block"),
    ("group sg-1\n  in tcp 22 from bastion", 2, 18, "a peer"),
    ("group sg-1\n  in tcp 22 from", 2, 17, "a peer"),
    ("group sg-1\n  in tcp 22 from 10.0.0.0/8,", 2, 29, "a peer"),
    (
        "group sg-1\n  in tcp 22 from 10.0.0.0/8 junk",
        2,
        29,
        "a quoted description",
    ),
    (
        "group sg-1\n  in tcp 22,23 from 10.0.0.0/8 id sgr-1",
        2,
        32,
        "a rule id only",
    ),
    // prefix lists
    ("prefix-list pl-1 max many", 1, 22, "a maximum entry count"),
    ("prefix-list pl-1 family ipv5", 1, 25, "an address family"),
    (
        "prefix-list pl-1 10.0.0.0/8 10.1.0.0/16",
        1,
        29,
        "`,` and another entry",
    ),
    ("prefix-list pl-1 unknown 10.0.0.0/8", 1, 26, "`unknown`"),
    ("prefix-list pl-1 unknown\n  10.0.0.0/8", 2, 3, "no entries"),
    // nacls
    ("nacl acl-1 subnets", 1, 19, "a subnet id"),
    (
        "nacl acl-1\n  in 100 allow tcp 80,443 from 0.0.0.0/0",
        2,
        22,
        "one entry per line",
    ),
    (
        "nacl acl-1\n  in x allow tcp 80 from 0.0.0.0/0",
        2,
        6,
        "a rule number",
    ),
    (
        "nacl acl-1\n  in 70000 allow tcp 80 from 0.0.0.0/0",
        2,
        6,
        "a rule number",
    ),
    (
        "nacl acl-1\n  in 100 permit tcp 80 from 0.0.0.0/0",
        2,
        10,
        "allow or deny",
    ),
    (
        "nacl acl-1\n  in 100 allow tcp 80 from sg-1",
        2,
        28,
        "a CIDR block",
    ),
    (
        "nacl acl-1\n  in 100 allow tcp 80 from 0.0.0.0/0, ::/0",
        2,
        37,
        "one CIDR",
    ),
    // vpc, igw, subnet, route tables
    ("vpc vpc-1 cidr", 1, 15, "a CIDR block"),
    ("vpc vpc-1 cidr 10.0.0.0/16 main", 1, 28, "a vpc option"),
    ("igw igw-1 vpcs vpc-1", 1, 11, "`vpc`"),
    (
        "subnet subnet-1 cidr 10.0.0.0/16 az",
        1,
        36,
        "an availability zone",
    ),
    ("route-table rtb-1\n  route 0.0.0.0/0 igw-1", 2, 19, "`via`"),
    (
        "route-table rtb-1\n  rout 0.0.0.0/0 via igw-1",
        2,
        3,
        "`route`",
    ),
    (
        "route-table rtb-1\n  route 0.0.0.0/0 via igw-1 now",
        2,
        29,
        "`blackhole`",
    ),
    // instances
    ("instance i-1 state sleeping", 1, 20, "an instance state"),
    ("instance i-1\n  disk vol-1", 2, 3, "an instance body line"),
    (
        "instance i-1\n  eni eni-1 ip 10.0.1.300",
        2,
        16,
        "a private IPv4 address",
    ),
    (
        "instance i-1\n  eni eni-1 attached-to i-2",
        2,
        13,
        "an eni option",
    ),
    (
        "instance i-1\n  eni eni-1 ip 10.0.0.1 public",
        2,
        31,
        "a public IPv4 address",
    ),
    (
        "instance i-1\n  eni eni-1 source-dest-check maybe",
        2,
        31,
        "true or false",
    ),
    ("instance i-1\n  volume vol-1 8GB", 2, 16, "a size in GiB"),
    (
        "instance i-1\n  volume vol-1 fast",
        2,
        16,
        "a volume option",
    ),
    ("volume vol-1 root", 1, 14, "a standalone volume option"),
    ("instance i-1\n  listen icmp 8", 2, 10, "tcp or udp"),
    ("instance i-1\n  listen tcp 99999", 2, 14, "a port number"),
    // eip
    ("eip 54.0.0.1 54.0.0.2", 1, 14, "at most once"),
    ("eip banana", 1, 5, "an address option"),
    // expectations
    ("expect maybe a -> b 80", 1, 8, "allow or deny"),
    ("expect allow a b 80", 1, 16, "`->`"),
    ("expect allow a -> b", 1, 20, "a port spec"),
    ("expect allow a -> b 80/tcpx", 1, 24, "a protocol"),
    ("expect allow a -> b 70000/tcp", 1, 21, "a port number"),
    ("expect allow a -> b 80/47", 1, 21, "`all`"),
    (
        "expect allow a -> b 80 extra",
        1,
        24,
        "the end of the expectation",
    ),
];

#[test]
fn negative_cases() {
    let mut failures = Vec::new();
    for (text, line, col, frag) in NEGATIVE {
        match parse(&file(), text) {
            Ok(_) => failures.push(format!("no error for {text:?}")),
            Err(e) => {
                if (e.line, e.column) != (*line, *col) || !e.expected.contains(frag) {
                    failures.push(format!("{text:?}: want {line}:{col} {frag:?}, got\n{e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn recognises_dsl_by_content() {
    for (text, want) in [
        ("group sg-1\n", true),
        ("\n  # c\n\nnacl acl-1", true),
        ("expect allow a -> b 80", true),
        ("groups sg-1", false),
        ("hello", false),
        ("", false),
        ("# only comments", false),
        ("{\"SecurityGroups\": []}", false),
        ("vpc#x", true),
        ("service rds-instance db groups sg-1", true),
        ("service desk hours: 9-5", false),
        ("service", false),
    ] {
        assert_eq!(looks_like_dsl(text), want, "{text:?}");
    }
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "group sg-1\n  in tcp 1-",
        "group sg-1\n  in tcp -1 from ::",
        "expect allow a -> b /",
        "expect allow a -> b 8/",
        "expect allow a -> b é/icmp",
        "group \u{feff}sg\n\u{a0}in",
        "group sg-1 \"\\u{",
        "group sg-1 \"\\u{d800}\"",
        "group sg-1 \"\\u{ffffffffffffffffff}\"",
        "instance i\n  volume v 99999999999999999999999GiB",
        "eni e ip 1.2.3.4 eip 5.6.7.8 eipalloc-",
        "\r\n\r\n",
        ",,,",
        "group sg-1\n  in tcp 80 from 0.0.0.0/0 \"é\" id",
    ];
    for text in odd {
        let _ = parse(&file(), text);
        let _ = looks_like_dsl(text);
        let _ = mostly_dsl(text);
        let _ = parse_bytes(&file(), text.as_bytes());
    }
}

#[test]
fn error_display_has_caret() {
    let e = parse(&file(), "group sg-1\n  in tcp 70000 from 0.0.0.0/0\n")
        .expect_err("port out of range");
    let s = e.to_string();
    assert!(s.starts_with("error: expected a port number 0-65535, found \"70000\""));
    assert!(s.contains("--> t.sg:2:10"));
    assert!(s.ends_with("|          ^^^^^"));
}

#[test]
fn parse_is_linear_enough() {
    // 20k rules parse quickly (no quadratic behaviour in lookups or blocks).
    let mut text = String::from("group sg-1\n");
    for i in 0..20_000u32 {
        text.push_str(&format!(
            "  in tcp {} from 10.{}.{}.0/24\n",
            i % 65536,
            (i >> 8) & 255,
            i & 255
        ));
    }
    let (t, _) = ok(&text);
    assert_eq!(t.security_groups[0].ingress.len(), 20_000);
}

#[test]
fn recognises_mostly_dsl_with_a_bad_first_statement() {
    for (text, want) in [
        // A typo in the first statement of a file that is otherwise the rule language.
        (
            "# admin\ngruop sg-9 vpc vpc-1\n  in tcp 22 from 0.0.0.0/0\ngroup sg-8\n  in tcp 3389 from 0.0.0.0/0\n",
            true,
        ),
        (
            "instanse i-1\n  eni eni-1 ip 10.0.0.1\nexpect deny internet -> i-1 22/tcp\n",
            true,
        ),
        // Prose, CSV, YAML and Markdown with an example are not.
        (
            "# sgcheck\nThis folder holds exports.\nRun it like this:\n\ngroup sg-1\nThanks.\n",
            false,
        ),
        ("id,cidr,port\nsg-1,0.0.0.0/0,22\ngroup,sg-2,443\n", false),
        (
            "Resources:\n  Web:\n    Type: AWS::EC2::SecurityGroup\n",
            false,
        ),
        ("group: sg-1\n  in: tcp\n", false),
        // Notes naming a group, with indented bullets (a review's example).
        (
            "Security review 2024-05\ngroup sg-0a1b2c3d is the bastion group; to do:\n  - SSH from the office only\n  - remove 0.0.0.0/0\n  - tag an owner\n",
            false,
        ),
        // Bullets that start with body keywords in English.
        (
            "Notes\ngroup sg-1 is the web group\n  in the office only\n  out of scope: prod\n  route 53 stuff\n",
            false,
        ),
        // A prefix list's entries are body lines.
        (
            "prefix-lst pl-1 name \"x\" max 2\n  10.0.0.0/8\n  2600::/16\ngroup sg-1\n",
            true,
        ),
        ("", false),
        ("# only comments\n", false),
    ] {
        assert_eq!(mostly_dsl(text), want, "{text:?}");
    }
}

#[test]
fn bytes_that_are_not_utf8_are_an_error_at_the_byte() {
    let text = b"group sg-1\n  in tcp 443 from 0.0.0.0/0\r\n\n  in tcp 22 from 0.0.0.0/0   # caf\xe9 office\n";
    let e = parse_bytes(&file(), text).expect_err("not UTF-8");
    assert_eq!((e.line, e.column, e.width), (4, 35, 1));
    assert_eq!(
        e.message(),
        "expected UTF-8 text (save the file as UTF-8), found the byte 0xE9"
    );
    assert!(e.to_string().contains("--> t.sg:4:35"), "{e}");
    // On the first line, and as the last byte.
    let e = parse_bytes(&file(), b"\xffgroup sg-1").expect_err("not UTF-8");
    assert_eq!((e.line, e.column), (1, 1));
    let e = parse_bytes(&file(), b"group sg-1\n\xc3").expect_err("not UTF-8");
    assert_eq!(
        (e.line, e.column, e.found.as_str()),
        (2, 1, "the byte 0xC3")
    );
    // UTF-8 is parsed as `parse` does.
    let (t, _) = parse_bytes(&file(), "group sg-1 \"café\"\n".as_bytes()).expect("UTF-8");
    assert_eq!(t.security_groups.len(), 1);
}

#[test]
fn cidrs_with_leading_zeros_say_why() {
    let e =
        parse(&file(), "group sg-1\n  in tcp 22 from 010.0.0.0/8\n").expect_err("octal-looking");
    assert_eq!((e.line, e.column, e.width), (2, 18, 11));
    assert_eq!(
        e.message(),
        "expected a CIDR block such as 10.0.0.0/16 or 2001:db8::/32, found \"010.0.0.0/8\" \
         (an IPv4 octet with a leading zero, which some tools read as octal)"
    );
    let e = parse(&file(), "group sg-1\n  in tcp 22 from 10.0.0.0/08\n").expect_err("/08");
    assert!(
        e.message()
            .ends_with("(a prefix length with a leading zero)"),
        "{e}"
    );
    // A zero octet, a zero length and IPv6 groups with leading zeros are fine.
    let (t, _) = ok("group sg-1\n  in tcp 22 from 10.0.0.0/8, 0.0.0.0/0, 2001:0db8::/32\n");
    assert_eq!(t.security_groups[0].ingress.len(), 3);
}
