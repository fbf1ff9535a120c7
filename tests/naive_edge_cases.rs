//! Table-driven edge cases for the naive evaluator (`sgcheck::index::naive`).
//!
//! Each row names the case after `docs/semantics.md` (§ numbers), builds a small topology
//! with `model::build`, asks one question and lists the rule ids that must match, the ones
//! that must be reported unresolved or stale, and the three-valued outcome. NACL rows give
//! the deciding action and rule number (`None` = the implicit `*`).

use sgcheck::index::naive::{
    MatchedBy, NaclDecision, Outcome, Packet, Query, QueryErrorKind, Unresolved, matching_rules,
    nacl_decision,
};
use sgcheck::model::build::*;
use sgcheck::model::{NaclAction, Topology};
use sgcheck::net::{Direction, Family};

/// The ENI every SG row asks about.
const T: &str = "eni-t";

struct SgCase {
    name: &'static str,
    topo: fn() -> Topology,
    query: fn() -> Query,
    matches: &'static [&'static str],
    unknown: &'static [&'static str],
    stale: &'static [&'static str],
    outcome: Outcome,
}

/// The target ENI (10.0.0.10, 2001:db8::10) carrying `groups`.
fn target(groups: &[&'static str]) -> EniBuilder {
    eni(T)
        .ips(["10.0.0.10"])
        .ipv6(["2001:db8::10"])
        .groups(groups.iter().copied())
}

fn tcp_in(from: &str, port: u16) -> Query {
    Query::ingress(T, Packet::tcp(ip(from), port))
}

/// Two instances' worth of ENIs for reference tests: `eni-m` carries sg-x and has a
/// secondary address, a public IP and an IPv6 address; `eni-m2` is the same instance's
/// second ENI without sg-x; `eni-e` carries sg-x with an Elastic IP.
fn members() -> TopologyBuilder {
    topology()
        .with(
            eni("eni-m")
                .ips(["10.0.1.5", "10.0.1.6"])
                .public_ip("54.0.0.5")
                .ipv6(["2001:db8::5"])
                .groups(["sg-x"])
                .attached_to("i-m", 0),
        )
        .with(eni("eni-m2").ips(["10.0.2.5"]).attached_to("i-m", 1))
        .with(
            eni("eni-e")
                .ips(["10.0.1.7"])
                .eip("54.0.0.7")
                .groups(["sg-x"]),
        )
        .with(sg("sg-x"))
}

fn from_sg_x() -> Topology {
    members()
        .with(
            sg("sg-t")
                .ingress(tcp_range(0, 65535), sg_ref("sg-x"))
                .id("ref"),
        )
        .with(target(&["sg-t"]))
        .build()
}

fn ssh_from_ten() -> GroupBuilder {
    sg("sg-1").ingress(tcp(22), cidr("10.0.0.0/8")).id("r1")
}

const SG_CASES: &[SgCase] = &[
    // §2.2, §8.4: union over groups; every matching rule is listed.
    SgCase {
        name: "union_across_two_groups",
        topo: || {
            topology()
                .with(ssh_from_ten())
                .with(sg("sg-2").ingress(tcp(22), cidr("10.1.0.0/16")).id("r2"))
                .with(target(&["sg-1", "sg-2"]))
                .build()
        },
        query: || tcp_in("10.1.2.3", 22),
        matches: &["r1", "r2"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "empty_group_cannot_veto",
        topo: || {
            topology()
                .with(ssh_from_ten())
                .with(sg("sg-empty"))
                .with(target(&["sg-empty", "sg-1"]))
                .build()
        },
        query: || tcp_in("10.1.2.3", 22),
        matches: &["r1"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "union_only_where_some_group_allows",
        topo: || {
            topology()
                .with(ssh_from_ten())
                .with(sg("sg-2").ingress(tcp(22), cidr("10.1.0.0/16")).id("r2"))
                .with(target(&["sg-1", "sg-2"]))
                .build()
        },
        query: || tcp_in("10.2.0.1", 22),
        matches: &["r1"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.5: a new group allows nothing in, everything (IPv4) out.
    SgCase {
        name: "new_group_denies_inbound",
        topo: || {
            topology()
                .with(sg("sg-new").egress(all(), cidr("0.0.0.0/0")).id("out"))
                .with(target(&["sg-new"]))
                .build()
        },
        query: || tcp_in("10.1.2.3", 22),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "new_group_allows_all_ipv4_egress",
        topo: || {
            topology()
                .with(sg("sg-new").egress(all(), cidr("0.0.0.0/0")).id("out"))
                .with(target(&["sg-new"]))
                .build()
        },
        query: || Query::egress(T, Packet::udp(ip("8.8.8.8"), 53)),
        matches: &["out"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.6: no egress rules, no new outbound connections.
    SgCase {
        name: "empty_egress_blocks_outbound",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(tcp(443), cidr("0.0.0.0/0")).id("https"))
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::egress(T, Packet::tcp(ip("1.1.1.1"), 443)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.7: same group, no self-reference: members cannot initiate to each other.
    SgCase {
        name: "same_group_without_self_reference",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(tcp(443), cidr("0.0.0.0/0")).id("https"))
                .with(target(&["sg-1"]))
                .with(eni("eni-peer").ips(["10.0.0.11"]).groups(["sg-1"]))
                .build()
        },
        query: || tcp_in("10.0.0.11", 5432),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §2.7, §8.7: the default group's self-reference lets members talk on everything.
    SgCase {
        name: "default_group_self_reference",
        topo: || {
            topology()
                .with(
                    sg("sg-d")
                        .name("default")
                        .ingress(all(), sg_ref("sg-d"))
                        .id("self")
                        .egress(all(), cidr("0.0.0.0/0"))
                        .id("out"),
                )
                .with(target(&["sg-d"]))
                .with(eni("eni-peer").ips(["10.0.0.11"]).groups(["sg-d"]))
                .build()
        },
        query: || tcp_in("10.0.0.11", 5432),
        matches: &["self"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "default_group_self_reference_excludes_non_members",
        topo: || {
            topology()
                .with(
                    sg("sg-d")
                        .name("default")
                        .ingress(all(), sg_ref("sg-d"))
                        .id("self"),
                )
                .with(target(&["sg-d"]))
                .with(eni("eni-peer").ips(["10.0.0.11"]))
                .build()
        },
        query: || tcp_in("10.0.0.11", 5432),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.8: `-1` with no ports covers every protocol, ICMP and GRE included.
    SgCase {
        name: "all_protocols_cover_esp",
        topo: all_from_10_0,
        query: || Query::ingress(T, Packet::number(ip("10.0.3.4"), 50)),
        matches: &["any"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "all_protocols_cover_gre",
        topo: all_from_10_0,
        query: || Query::ingress(T, Packet::number(ip("10.0.3.4"), 47)),
        matches: &["any"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "all_protocols_cover_icmp",
        topo: all_from_10_0,
        query: || Query::ingress(T, Packet::icmp(ip("10.0.3.4"), 8, 0)),
        matches: &["any"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "all_protocols_still_need_the_peer",
        topo: all_from_10_0,
        query: || Query::ingress(T, Packet::number(ip("10.1.0.1"), 47)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.9: ESP exported with ports 500: the ports are ignored, all ESP is allowed.
    SgCase {
        name: "esp_ports_ignored",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(proto_ports("50", 500, 500), cidr("198.51.100.7/32"))
                        .id("esp"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::ingress(T, Packet::number(ip("198.51.100.7"), 50)),
        matches: &["esp"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "esp_rule_does_not_allow_udp_500",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(proto_ports("50", 500, 500), cidr("198.51.100.7/32"))
                        .id("esp"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::ingress(T, Packet::udp(ip("198.51.100.7"), 500)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.10: describe-security-group-rules `-1` with -1/-1 is all traffic.
    SgCase {
        name: "sgr_all_with_minus_one_ports",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .egress(proto_ports("-1", -1, -1), cidr("0.0.0.0/0"))
                        .id("sgr-all"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::egress(T, Packet::tcp(ip("93.184.216.34"), 8080)),
        matches: &["sgr-all"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "all_protocol_with_literal_ports_ignores_them",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(proto_ports("-1", 80, 80), cidr("0.0.0.0/0"))
                        .id("all80"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("203.0.113.1", 22),
        matches: &["all80"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.11: `"6"` is tcp.
    SgCase {
        name: "protocol_6_is_tcp",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(proto_ports("6", 22, 22), cidr("0.0.0.0/0"))
                        .id("six"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("203.0.113.1", 22),
        matches: &["six"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "protocol_6_is_not_udp",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(proto_ports("6", 22, 22), cidr("0.0.0.0/0"))
                        .id("six"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::ingress(T, Packet::udp(ip("203.0.113.1"), 22)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.12: icmp 8/-1 is echo request with any code, not echo reply.
    SgCase {
        name: "icmp_echo_any_code",
        topo: ping_from_anywhere,
        query: || Query::ingress(T, Packet::icmp(ip("203.0.113.1"), 8, 5)),
        matches: &["ping"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "icmp_echo_rule_not_echo_reply",
        topo: ping_from_anywhere,
        query: || Query::ingress(T, Packet::icmp(ip("203.0.113.1"), 0, 0)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.13: `icmp` with only ::/0 allows no ICMPv6 (and no ICMP over IPv6).
    SgCase {
        name: "icmp_rule_with_ipv6_range_allows_no_icmpv6",
        topo: icmp_v6_range,
        query: || Query::ingress(T, Packet::icmpv6(ip("2001:db8::99"), 128, 0)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "icmp_rule_never_matches_ipv6_packets",
        topo: icmp_v6_range,
        query: || Query::ingress(T, Packet::icmp(ip("2001:db8::99"), 8, 0)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "icmpv6_rule_never_matches_ipv4_ping",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(icmpv6(-1, -1), cidr("::/0"))
                        .id("v6")
                        .ingress(icmpv6(-1, -1), cidr("0.0.0.0/0"))
                        .id("v6-on-v4"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::ingress(T, Packet::icmp(ip("203.0.113.1"), 8, 0)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "icmpv6_rule_allows_icmpv6",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(icmpv6(128, -1), cidr("::/0"))
                        .id("v6ping"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::ingress(T, Packet::icmpv6(ip("2001:db8::99"), 128, 0)),
        matches: &["v6ping"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.14: icmp -1/9 is invalid and matches nothing.
    SgCase {
        name: "icmp_code_without_type_matches_nothing",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(icmp(-1, 9), cidr("0.0.0.0/0")).id("bad"))
                .with(target(&["sg-1"]))
                .build()
        },
        query: || Query::ingress(T, Packet::icmp(ip("203.0.113.1"), 3, 9)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.15: 0.0.0.0/0 does not cover an IPv6 client; ::/0 does.
    SgCase {
        name: "ipv4_world_rule_and_ipv6_client",
        topo: ssh_world_v4,
        query: || tcp_in("2001:db8::99", 22),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "ipv6_world_rule_and_ipv6_client",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(tcp(22), cidr("::/0")).id("v6"))
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("2001:db8::99", 22),
        matches: &["v6"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.16: 10.0.0.5/8 means 10.0.0.0/8, not a /32.
    SgCase {
        name: "host_bits_masked",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(tcp(22), cidr("10.0.0.5/8")).id("masked"))
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("10.200.0.1", 22),
        matches: &["masked"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.2: a reference matches a member's primary and secondary private IPv4.
    SgCase {
        name: "sg_ref_matches_member_primary_ip",
        topo: from_sg_x,
        query: || tcp_in("10.0.1.5", 443),
        matches: &["ref"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "sg_ref_matches_member_secondary_ip",
        topo: from_sg_x,
        query: || tcp_in("10.0.1.6", 443),
        matches: &["ref"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §2.4 [inferred]: a member's IPv6 addresses are members too.
    SgCase {
        name: "sg_ref_matches_member_ipv6",
        topo: from_sg_x,
        query: || tcp_in("2001:db8::5", 443),
        matches: &["ref"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.1: public IPs and EIPs are never members.
    SgCase {
        name: "sg_ref_does_not_match_public_ip",
        topo: from_sg_x,
        query: || tcp_in("54.0.0.5", 443),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "sg_ref_does_not_match_elastic_ip",
        topo: from_sg_x,
        query: || tcp_in("54.0.0.7", 443),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "sg_ref_matches_eip_holders_private_ip",
        topo: from_sg_x,
        query: || tcp_in("10.0.1.7", 443),
        matches: &["ref"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §8.3: the instance's second ENI lacks sg-x, so its address is not a member.
    SgCase {
        name: "second_eni_without_group_is_not_member",
        topo: from_sg_x,
        query: || tcp_in("10.0.2.5", 443),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    // §8.38: a reference to a group outside the export is unknown, not "no match".
    SgCase {
        name: "unresolved_group_reference_is_unknown",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(tcp(22), sg_ref("sg-elsewhere"))
                        .id("other-acct"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("10.9.9.9", 22),
        matches: &[],
        unknown: &["other-acct"],
        stale: &[],
        outcome: Outcome::Unknown,
    },
    SgCase {
        name: "unresolved_reference_on_other_port_is_irrelevant",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(tcp(22), sg_ref("sg-elsewhere"))
                        .id("other-acct"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("10.9.9.9", 80),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "unresolved_reference_does_not_hide_a_match",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(tcp(22), sg_ref("sg-elsewhere"))
                        .id("other-acct")
                        .ingress(tcp(22), cidr("10.0.0.0/8"))
                        .id("r1"),
                )
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("10.9.9.9", 22),
        matches: &["r1"],
        unknown: &["other-acct"],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // An ENI in the export carrying the unexported group proves membership.
    SgCase {
        name: "unexported_group_with_exported_member_matches",
        topo: || {
            topology()
                .with(
                    sg("sg-1")
                        .ingress(tcp(22), sg_ref("sg-elsewhere"))
                        .id("other-acct"),
                )
                .with(target(&["sg-1"]))
                .with(eni("eni-o").ips(["10.9.9.9"]).groups(["sg-elsewhere"]))
                .build()
        },
        query: || tcp_in("10.9.9.9", 22),
        matches: &["other-acct"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §2.4, §8.18: a reference over a deleted peering is stale and matches nothing.
    SgCase {
        name: "stale_peering_reference_matches_nothing",
        topo: || {
            members()
                .with(
                    sg("sg-t")
                        .ingress(tcp(22), sg_ref_peered("sg-x", "444455556666", "deleted"))
                        .id("stale"),
                )
                .with(target(&["sg-t"]))
                .build()
        },
        query: || tcp_in("10.0.1.5", 22),
        matches: &[],
        unknown: &[],
        stale: &["stale"],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "active_peering_reference_matches",
        topo: || {
            members()
                .with(
                    sg("sg-t")
                        .ingress(tcp(22), sg_ref_peered("sg-x", "444455556666", "active"))
                        .id("peer"),
                )
                .with(target(&["sg-t"]))
                .build()
        },
        query: || tcp_in("10.0.1.5", 22),
        matches: &["peer"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    // §2.5: prefix lists expand to their entries.
    SgCase {
        name: "prefix_list_expands",
        topo: || with_pl(prefix_list("pl-1").entries(["192.0.2.0/24", "198.51.100.0/24"])),
        query: || tcp_in("198.51.100.20", 22),
        matches: &["vpn"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "prefix_list_outside_entries",
        topo: || with_pl(prefix_list("pl-1").entries(["192.0.2.0/24"])),
        query: || tcp_in("203.0.113.1", 22),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "prefix_list_without_entries_is_unknown",
        topo: || with_pl(prefix_list("pl-1").entries_unknown()),
        query: || tcp_in("203.0.113.1", 22),
        matches: &[],
        unknown: &["vpn"],
        stale: &[],
        outcome: Outcome::Unknown,
    },
    SgCase {
        name: "prefix_list_of_other_family_without_entries_is_no_match",
        topo: || with_pl(prefix_list("pl-1").family(Family::V6).entries_unknown()),
        query: || tcp_in("203.0.113.1", 22),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "missing_prefix_list_is_unknown",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(tcp(22), pl_ref("pl-gone")).id("vpn"))
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("203.0.113.1", 22),
        matches: &[],
        unknown: &["vpn"],
        stale: &[],
        outcome: Outcome::Unknown,
    },
    // A group on the ENI that is not exported: its rules are unknown.
    SgCase {
        name: "unknown_group_on_eni_is_unknown",
        topo: || topology().with(target(&["sg-missing"])).build(),
        query: || tcp_in("203.0.113.1", 22),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Unknown,
    },
    // Port and address boundaries (style.md: test 0, 65535, /0, /32, /128 explicitly).
    SgCase {
        name: "port_0",
        topo: edges,
        query: || tcp_in("203.0.113.1", 0),
        matches: &["p0"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "port_65535",
        topo: edges,
        query: || tcp_in("203.0.113.1", 65535),
        matches: &["high", "p65535"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "adjacent_ranges_upper_edge_of_low",
        topo: edges,
        query: || tcp_in("203.0.113.1", 1023),
        matches: &["low"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "adjacent_ranges_lower_edge_of_high",
        topo: edges,
        query: || tcp_in("203.0.113.1", 1024),
        matches: &["high"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "world_v4_covers_broadcast_address",
        topo: ssh_world_v4,
        query: || tcp_in("255.255.255.255", 22),
        matches: &["world"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "host_32_is_exact",
        topo: hosts,
        query: || tcp_in("192.0.2.8", 22),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "host_32_matches_itself",
        topo: hosts,
        query: || tcp_in("192.0.2.7", 22),
        matches: &["h32"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "host_128_matches_itself_only",
        topo: hosts,
        query: || tcp_in("2001:db8::7", 22),
        matches: &["h128"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "world_v6_covers_all_ones",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(tcp(22), cidr("::/0")).id("v6"))
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 22),
        matches: &["v6"],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Allow,
    },
    SgCase {
        name: "udp_rule_does_not_match_tcp",
        topo: || {
            topology()
                .with(sg("sg-1").ingress(udp(53), cidr("0.0.0.0/0")).id("dns"))
                .with(target(&["sg-1"]))
                .build()
        },
        query: || tcp_in("203.0.113.1", 53),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
    SgCase {
        name: "ingress_rules_do_not_answer_egress",
        topo: ssh_world_v4,
        query: || Query::egress(T, Packet::tcp(ip("203.0.113.1"), 22)),
        matches: &[],
        unknown: &[],
        stale: &[],
        outcome: Outcome::Deny,
    },
];

fn all_from_10_0() -> Topology {
    topology()
        .with(sg("sg-1").ingress(all(), cidr("10.0.0.0/16")).id("any"))
        .with(target(&["sg-1"]))
        .build()
}

fn ping_from_anywhere() -> Topology {
    topology()
        .with(
            sg("sg-1")
                .ingress(icmp(8, -1), cidr("0.0.0.0/0"))
                .id("ping"),
        )
        .with(target(&["sg-1"]))
        .build()
}

fn icmp_v6_range() -> Topology {
    topology()
        .with(
            sg("sg-1")
                .ingress(icmp(-1, -1), cidr("::/0"))
                .id("icmp-v6-range"),
        )
        .with(target(&["sg-1"]))
        .build()
}

fn ssh_world_v4() -> Topology {
    topology()
        .with(sg("sg-1").ingress(tcp(22), cidr("0.0.0.0/0")).id("world"))
        .with(target(&["sg-1"]))
        .build()
}

fn with_pl(list: PrefixListBuilder) -> Topology {
    topology()
        .with(list)
        .with(sg("sg-1").ingress(tcp(22), pl_ref("pl-1")).id("vpn"))
        .with(target(&["sg-1"]))
        .build()
}

fn edges() -> Topology {
    topology()
        .with(
            sg("sg-1")
                .ingress(tcp(0), cidr("0.0.0.0/0"))
                .id("p0")
                .ingress(tcp(65535), cidr("0.0.0.0/0"))
                .id("p65535")
                .ingress(tcp_range(1, 1023), cidr("0.0.0.0/0"))
                .id("low")
                .ingress(tcp_range(1024, 65535), cidr("0.0.0.0/0"))
                .id("high"),
        )
        .with(target(&["sg-1"]))
        .build()
}

fn hosts() -> Topology {
    topology()
        .with(
            sg("sg-1")
                .ingress(tcp(22), cidr("192.0.2.7/32"))
                .id("h32")
                .ingress(tcp(22), cidr("2001:db8::7/128"))
                .id("h128"),
        )
        .with(target(&["sg-1"]))
        .build()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn ids(list: &[&str]) -> Vec<String> {
    sorted(list.iter().map(|s| s.to_string()).collect())
}

#[test]
fn sg_edge_cases() {
    assert!(SG_CASES.len() >= 30, "keep at least 30 SG rows");
    let mut failures = Vec::new();
    for case in SG_CASES {
        let topo = (case.topo)();
        let query = (case.query)();
        let verdict = match matching_rules(&topo, &query) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: query failed: {e}", case.name));
                continue;
            }
        };
        let rule_id = |r: &sgcheck::model::Rule| r.rule_id.clone().unwrap_or_default();
        let got_matches = sorted(verdict.matches.iter().map(|m| rule_id(m.rule)).collect());
        let got_unknown = sorted(verdict.unknown.iter().map(|u| rule_id(u.rule)).collect());
        let got_stale = sorted(verdict.stale.iter().map(|u| rule_id(u.rule)).collect());
        let got = (got_matches, got_unknown, got_stale, verdict.outcome());
        let want = (
            ids(case.matches),
            ids(case.unknown),
            ids(case.stale),
            case.outcome,
        );
        if got != want {
            failures.push(format!(
                "{}:\n    got  {got:?}\n    want {want:?}",
                case.name
            ));
        }
        // Every match carries its group and the rule's origin.
        for m in &verdict.matches {
            assert!(
                m.group.rules(query.direction).contains(m.rule),
                "{}",
                case.name
            );
            assert_eq!(m.origin(), &m.rule.origin);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing rows:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// NACL rows

struct NaclCase {
    name: &'static str,
    acl: fn() -> NaclBuilder,
    direction: Direction,
    packet: fn() -> Packet,
    /// Deciding action and rule number (`None` = implicit `*`).
    expect: (NaclAction, Option<u16>),
}

use NaclAction::{Allow, Deny};

fn ssh_with_deny_90() -> NaclBuilder {
    nacl("acl-1")
        .allow_in(100, tcp(22), "0.0.0.0/0")
        .deny_in(90, tcp(22), "203.0.113.0/24")
        .star_denies()
}

const NACL_CASES: &[NaclCase] = &[
    // §8.24: rule 90 deny is evaluated before rule 100 allow.
    NaclCase {
        name: "deny_90_before_allow_100",
        acl: ssh_with_deny_90,
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("203.0.113.9"), 22),
        expect: (Deny, Some(90)),
    },
    NaclCase {
        name: "other_sources_reach_allow_100",
        acl: ssh_with_deny_90,
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("198.51.100.1"), 22),
        expect: (Allow, Some(100)),
    },
    NaclCase {
        name: "swapped_numbers_allow_first",
        acl: || {
            nacl("acl-1")
                .allow_in(100, tcp(22), "0.0.0.0/0")
                .deny_in(110, tcp(22), "203.0.113.0/24")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("203.0.113.9"), 22),
        expect: (Allow, Some(100)),
    },
    // §3.2: JSON order does not matter, rule numbers do.
    NaclCase {
        name: "unsorted_entries_evaluated_sorted",
        acl: || {
            nacl("acl-1")
                .star_denies()
                .allow_in(200, all(), "0.0.0.0/0")
                .deny_in(100, tcp_range(0, 65535), "0.0.0.0/0")
        },
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("198.51.100.1"), 443),
        expect: (Deny, Some(100)),
    },
    NaclCase {
        name: "unmatched_port_falls_to_star",
        acl: ssh_with_deny_90,
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("198.51.100.1"), 23),
        expect: (Deny, Some(32767)),
    },
    // §8.28: IPv4-only allows, IPv6 traffic → the IPv6 `*` (32768).
    NaclCase {
        name: "ipv6_traffic_hits_ipv6_star",
        acl: || {
            nacl("acl-1")
                .allow_in(100, all(), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("2001:db8::1"), 443),
        expect: (Deny, Some(32768)),
    },
    NaclCase {
        name: "implicit_deny_without_star_entries",
        acl: || nacl("acl-1").allow_in(100, all(), "0.0.0.0/0"),
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("2001:db8::1"), 443),
        expect: (Deny, None),
    },
    NaclCase {
        name: "empty_custom_nacl_denies",
        acl: || nacl("acl-1"),
        direction: Direction::Egress,
        packet: || Packet::udp(ip("8.8.8.8"), 53),
        expect: (Deny, None),
    },
    // §8.27: protocol -1 with PortRange 80-80 matches every port and protocol.
    NaclCase {
        name: "all_protocol_port_range_ignored_tcp",
        acl: || {
            nacl("acl-1")
                .allow_in(100, proto_ports("-1", 80, 80), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::tcp(ip("198.51.100.1"), 443),
        expect: (Allow, Some(100)),
    },
    NaclCase {
        name: "all_protocol_port_range_ignored_gre",
        acl: || {
            nacl("acl-1")
                .allow_in(100, proto_ports("-1", 80, 80), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::number(ip("198.51.100.1"), 47),
        expect: (Allow, Some(100)),
    },
    NaclCase {
        name: "other_protocol_ports_ignored",
        acl: || {
            nacl("acl-1")
                .allow_in(100, proto_ports("50", 500, 500), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::number(ip("198.51.100.1"), 50),
        expect: (Allow, Some(100)),
    },
    // §3.2, §8.27: 58 with an IPv4 block matches all types/codes (of protocol 58).
    NaclCase {
        name: "icmpv6_entry_with_ipv4_block_ignores_type",
        acl: || {
            nacl("acl-1")
                .allow_in(100, icmpv6(128, 0), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::icmpv6(ip("198.51.100.1"), 1, 4),
        expect: (Allow, Some(100)),
    },
    // [inferred] …but it is still protocol 58: an ICMPv4 ping is not matched.
    NaclCase {
        name: "icmpv6_entry_with_ipv4_block_not_icmpv4",
        acl: || {
            nacl("acl-1")
                .allow_in(100, icmpv6(128, 0), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::icmp(ip("198.51.100.1"), 8, 0),
        expect: (Deny, Some(32767)),
    },
    NaclCase {
        name: "icmpv6_entry_with_ipv6_block_uses_type",
        acl: || {
            nacl("acl-1")
                .allow_in(100, icmpv6(128, -1), "::/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::icmpv6(ip("2001:db8::1"), 1, 4),
        expect: (Deny, Some(32768)),
    },
    NaclCase {
        name: "icmpv6_entry_with_ipv6_block_matches_type",
        acl: || {
            nacl("acl-1")
                .allow_in(100, icmpv6(128, -1), "::/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::icmpv6(ip("2001:db8::1"), 128, 0),
        expect: (Allow, Some(100)),
    },
    NaclCase {
        name: "icmp_entry_uses_type",
        acl: || {
            nacl("acl-1")
                .allow_in(100, icmp(8, -1), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Ingress,
        packet: || Packet::icmp(ip("198.51.100.1"), 0, 0),
        expect: (Deny, Some(32767)),
    },
    NaclCase {
        name: "directions_are_separate",
        acl: || {
            nacl("acl-1")
                .allow_in(100, all(), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Egress,
        packet: || Packet::tcp(ip("198.51.100.1"), 443),
        expect: (Deny, Some(32767)),
    },
    // §3.2: NACL ports are the packet's destination port; ephemeral range edges.
    NaclCase {
        name: "ephemeral_range_lower_edge",
        acl: || {
            nacl("acl-1")
                .allow_out(100, tcp_range(1024, 65535), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Egress,
        packet: || Packet::tcp(ip("198.51.100.1"), 1024),
        expect: (Allow, Some(100)),
    },
    NaclCase {
        name: "ephemeral_range_below_edge",
        acl: || {
            nacl("acl-1")
                .allow_out(100, tcp_range(1024, 65535), "0.0.0.0/0")
                .star_denies()
        },
        direction: Direction::Egress,
        packet: || Packet::tcp(ip("198.51.100.1"), 1023),
        expect: (Deny, Some(32767)),
    },
];

#[test]
fn nacl_edge_cases() {
    let mut failures = Vec::new();
    for case in NACL_CASES {
        let acl = (case.acl)().build();
        let packet = (case.packet)();
        let decision = match nacl_decision(&acl, case.direction, &packet) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{}: query failed: {e}", case.name));
                continue;
            }
        };
        let got = (decision.action(), decision.rule_number());
        if got != case.expect {
            failures.push(format!(
                "{}: got {got:?}, want {:?}",
                case.name, case.expect
            ));
        }
        match decision {
            NaclDecision::Entry(e) => assert_eq!(decision.origin(), Some(&e.origin)),
            NaclDecision::ImplicitDeny => assert_eq!(decision.origin(), None),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing rows:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Details the tables do not show

#[test]
fn matches_say_why() {
    let topo = from_sg_x();
    let v = matching_rules(&topo, &tcp_in("10.0.1.6", 443)).expect("query");
    assert_eq!(v.matches.len(), 1);
    match v.matches[0].by {
        MatchedBy::Member { group, eni } => {
            assert_eq!(group.as_str(), "sg-x");
            assert_eq!(eni.as_str(), "eni-m");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(v.matches[0].group_id().as_str(), "sg-t");
    assert_eq!(
        v.matches[0].origin().to_string(),
        "<build>: SecurityGroups[sg-t].IpPermissions[0]"
    );
}

#[test]
fn unresolved_and_stale_reasons() {
    let topo = topology()
        .with(
            sg("sg-1")
                .ingress(tcp(22), sg_ref("sg-elsewhere"))
                .ingress(tcp(22), sg_ref_peered("sg-p", "444455556666", "expired"))
                .ingress(tcp(22), pl_ref("pl-gone")),
        )
        .with(target(&["sg-1", "sg-nope"]))
        .build();
    let v = matching_rules(&topo, &tcp_in("10.9.9.9", 22)).expect("query");
    assert!(
        matches!(v.unknown[0].reason, Unresolved::UnknownGroup(r) if r.group.as_str() == "sg-elsewhere")
    );
    assert!(
        matches!(v.unknown[1].reason, Unresolved::UnknownPrefixList(id) if id.as_str() == "pl-gone")
    );
    assert!(matches!(
        v.stale[0].reason,
        Unresolved::Stale {
            status: "expired",
            ..
        }
    ));
    assert_eq!(v.unknown_groups.len(), 1);
    assert_eq!(v.unknown_groups[0].as_str(), "sg-nope");
    assert_eq!(v.outcome(), Outcome::Unknown);
}

#[test]
fn duplicate_group_on_eni_is_evaluated_once() {
    let topo = topology()
        .with(ssh_from_ten())
        .with(target(&["sg-1", "sg-1"]))
        .build();
    let v = matching_rules(&topo, &tcp_in("10.1.2.3", 22)).expect("query");
    assert_eq!(v.matches.len(), 1);
}

#[test]
fn query_errors() {
    let topo = ssh_world_v4();
    let err = matching_rules(
        &topo,
        &Query::ingress("eni-none", Packet::tcp(ip("10.0.0.1"), 22)),
    )
    .expect_err("unknown eni");
    assert!(matches!(err.kind(), QueryErrorKind::UnknownEni(id) if id.as_str() == "eni-none"));

    let mut all = Packet::tcp(ip("10.0.0.1"), 22);
    all.protocol = sgcheck::net::Protocol::All;
    let err = matching_rules(&topo, &Query::ingress(T, all)).expect_err("all");
    assert_eq!(err.kind(), &QueryErrorKind::AllProtocol);

    let mut bad = Packet::tcp(ip("10.0.0.1"), 22);
    bad.l4 = sgcheck::net::PacketL4::Icmp { ty: 8, code: 0 };
    let err = matching_rules(&topo, &Query::ingress(T, bad)).expect_err("mismatch");
    assert!(matches!(err.kind(), QueryErrorKind::L4Mismatch { .. }));

    let acl = nacl("acl-1").build();
    assert!(nacl_decision(&acl, Direction::Ingress, &bad).is_err());
}

#[test]
fn nacl_star_displays_as_star() {
    let acl = ssh_with_deny_90().build();
    let d = nacl_decision(&acl, Direction::Ingress, &Packet::udp(ip("10.0.0.1"), 53)).expect("q");
    assert_eq!(d.to_string(), "deny by rule *");
    let d = nacl_decision(
        &acl,
        Direction::Ingress,
        &Packet::tcp(ip("203.0.113.1"), 22),
    )
    .expect("q");
    assert_eq!(d.to_string(), "deny by rule 90");
    let empty = nacl("acl-2").build();
    let d = nacl_decision(&empty, Direction::Ingress, &Packet::udp(ip("10.0.0.1"), 53)).expect("q");
    assert_eq!(d.to_string(), "deny by implicit rule *");
}

#[test]
fn scoped_eni_lookup_prefers_scope() {
    let topo = topology()
        .with(
            sg("sg-a")
                .ingress(tcp(22), cidr("0.0.0.0/0"))
                .id("a")
                .scope("111", "us-east-1"),
        )
        .with(sg("sg-b").scope("222", "us-east-1"))
        .with(target(&["sg-a"]).scope("111", "us-east-1"))
        .with(target(&["sg-b"]).scope("222", "us-east-1"))
        .build();
    let scope = topo.enis[1].scope.clone();
    let q = tcp_in("1.2.3.4", 22).in_scope(scope);
    assert_eq!(
        matching_rules(&topo, &q).expect("q").outcome(),
        Outcome::Deny
    );
    let scope = topo.enis[0].scope.clone();
    let q = tcp_in("1.2.3.4", 22).in_scope(scope);
    assert_eq!(
        matching_rules(&topo, &q).expect("q").outcome(),
        Outcome::Allow
    );
}
