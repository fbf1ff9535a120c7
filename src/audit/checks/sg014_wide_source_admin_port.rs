//! SG014: Remote-admin port open to a wide address block.

use super::prelude::*;
use crate::model::Peer;
use crate::net::{Direction, Family, L4, Protocol};

declare_check! {
    /// ## What it does
    /// Reports inbound rules that open a remote-admin port (the catalogue's `admin`
    /// entries: SSH, RDP, WinRM, …) to a wide block: shorter than `/16` for IPv4 or `/48`
    /// for IPv6 (configurable), private or public. A block holding all public space of its
    /// family (`/0`, or `2000::/3` for IPv6) is the whole internet: left to SG001.
    ///
    /// ## Why is this bad?
    /// Admin access from "all of 10.0.0.0/8" lets any compromised host in any VPC, VPN or
    /// office network log in; lateral movement needs exactly this.
    ///
    /// ## Example
    /// ```text
    /// group sg-admin
    ///   in tcp 22 from 10.0.0.0/8
    /// ```
    ///
    /// ## Remediation
    /// Allow admin ports only from a bastion's group or a small management range.
    ///
    /// ## References
    /// - CIS AWS Foundations Benchmark 5.2 (restrict remote administration)
    /// - NIST SP 800-41r1 § 4.1 (least privilege for management traffic)
    pub struct WideSourceAdminPort {
        code: "SG014",
        name: "wide-source-admin-port",
        severity: Medium,
        summary: "Remote-admin port open to a wide address block",
    }
}

/// Whether `cidr` holds all public space of its family (SG001's, as the world).
fn whole_internet(cidr: &crate::net::Cidr) -> bool {
    use crate::index::intervals::IntervalSet;
    let space = crate::audit::exposure::public_space();
    match (cidr.v4_range(), cidr.v6_range()) {
        (Some(r), _) => IntervalSet::from_ranges([(r.lo(), r.hi())]).covers(&space.v4),
        (_, Some(r)) => IntervalSet::from_ranges([(r.lo(), r.hi())]).covers(&space.v6),
        _ => false,
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let admin: Vec<_> = ctx
        .config
        .catalogue
        .iter()
        .filter(|e| e.category == Category::Admin)
        .collect();
    per_group(ctx, out, |gi, g, found| {
        for (ri, r) in g.ingress.iter().enumerate() {
            let Peer::Cidr { cidr } = &r.peer else {
                continue;
            };
            let limit = match cidr.family() {
                Family::V4 => ctx.config.wide_source_prefix_v4,
                Family::V6 => ctx.config.wide_source_prefix_v6,
            };
            if cidr.prefix_len() >= limit || whole_internet(cidr) {
                continue;
            }
            let mut services: Vec<&str> = admin
                .iter()
                .filter(|e| {
                    (r.protocol == Protocol::All || r.protocol == e.protocol)
                        && match r.l4 {
                            L4::Any => true,
                            L4::Ports(p) => p.lo() <= e.ports.hi() && p.hi() >= e.ports.lo(),
                            _ => false,
                        }
                })
                .map(|e| e.service.as_str())
                .collect();
            services.dedup();
            if services.is_empty() {
                continue;
            }
            found.push(
                Finding::new(
                    CODE,
                    g.id.to_string(),
                    format!(
                        "{} opens {} to {cidr}, a block wider than /{limit}",
                        g.id,
                        services.join(", ")
                    ),
                )
                .scope(&g.scope)
                .rule_traffic(r)
                .peer(cidr.to_string())
                .rules(vec![ctx.evidence(gi, Direction::Ingress, ri as u32)]),
            );
        }
    });
}
