//! SG008: ICMP rule with only IPv6 peers (or ICMPv6 with IPv4): matches nothing.

use super::prelude::*;
use crate::model::Peer;
use crate::net::{Direction, Family, Protocol};

declare_check! {
    /// ## What it does
    /// Reports `icmp` rules whose peer is IPv6 (a `::/0`-style block or an IPv6 prefix
    /// list) and `icmpv6` rules whose peer is IPv4. ICMP and ICMPv6 are different
    /// protocols (1 and 58): such a rule matches nothing.
    ///
    /// ## Why is this bad?
    /// The author meant to allow ping or path-MTU discovery over IPv6 and did not: IPv6
    /// clients see timeouts and broken PMTUD while the rule looks right.
    ///
    /// ## Example
    /// ```text
    /// group sg-web
    ///   in icmp from ::/0        # allows no ICMPv6
    /// ```
    ///
    /// ## Remediation
    /// Use protocol `icmpv6` (58) for IPv6 peers and `icmp` (1) for IPv4 peers.
    ///
    /// ## References
    /// - hashicorp/terraform-provider-aws PR #9569
    /// - RFC 4443 (ICMPv6), RFC 4890 (ICMPv6 filtering recommendations)
    pub struct IcmpFamilyMismatch {
        code: "SG008",
        name: "icmp-family-mismatch",
        severity: Low,
        summary: "ICMP rule with only IPv6 peers (or ICMPv6 with IPv4): matches nothing",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    per_group(ctx, out, |gi, g, found| {
        let rules = Direction::ALL
            .into_iter()
            .flat_map(|d| g.rules(d).iter().enumerate().map(move |(i, r)| (d, i, r)));
        for (dir, ri, r) in rules {
            let fam = match &r.peer {
                Peer::Cidr { cidr } => Some(cidr.family()),
                Peer::PrefixList { id } => ctx
                    .lookup
                    .prefix_list(id.as_str(), Some(&g.scope))
                    .and_then(|p| p.address_family()),
                Peer::Group(_) => None,
            };
            let wrong = match (r.protocol, fam) {
                (Protocol::Icmp, Some(Family::V6)) => "icmp (IPv4 only) with an IPv6 peer",
                (Protocol::Icmpv6, Some(Family::V4)) => "icmpv6 (IPv6 only) with an IPv4 peer",
                _ => continue,
            };
            found.push(
                Finding::new(
                    CODE,
                    g.id.to_string(),
                    format!("{} has a rule with {wrong}; it matches nothing", g.id),
                )
                .scope(&g.scope)
                // The ICMP type, as other rule findings give it: rules on different
                // types are different findings (with different fingerprints).
                .rule_traffic(r)
                // With the direction, as other rule findings give it: the same
                // mismatch inbound and outbound is two findings.
                .peer(format!("{} {}", r.direction.as_str(), r.peer))
                .rules(vec![ctx.evidence(gi, dir, ri as u32)]),
            );
        }
    });
}
