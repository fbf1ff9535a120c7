//! SG014: Remote-admin port open to a wide address block.

use super::prelude::*;
use crate::model::Peer;
use crate::net::{Cidr, Direction, Family, L4, Protocol};

declare_check! {
    /// ## What it does
    /// Reports inbound rules that open a remote-admin port (the catalogue's `admin`
    /// entries: SSH, RDP, WinRM, …) to a wide block: shorter than `/16` for IPv4 or `/48`
    /// for IPv6 (configurable), private or public. A block holding all public space of its
    /// family (`/0`, or `2000::/3` for IPv6) is the whole internet: left to SG001. A
    /// prefix list counts by its exported entries (the widest wide one is named); one
    /// whose entries together hold the whole internet is left to SG001, one whose
    /// entries were not exported cannot be judged.
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

/// Whether the blocks of `family` in `cidrs` hold together all its public space.
fn holds_whole_internet(cidrs: &[Cidr], family: Family) -> bool {
    use crate::index::intervals::IntervalSet;
    let space = crate::audit::exposure::public_space();
    let of = cidrs.iter().filter(|c| c.family() == family);
    match family {
        Family::V4 => {
            IntervalSet::from_ranges(of.filter_map(|c| c.v4_range()).map(|r| (r.lo(), r.hi())))
                .covers(&space.v4)
        }
        Family::V6 => {
            IntervalSet::from_ranges(of.filter_map(|c| c.v6_range()).map(|r| (r.lo(), r.hi())))
                .covers(&space.v6)
        }
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let admin: Vec<_> = ctx
        .config
        .catalogue
        .iter()
        .filter(|e| e.category == Category::Admin)
        .collect();
    let limit = |cidr: &Cidr| match cidr.family() {
        Family::V4 => ctx.config.wide_source_prefix_v4,
        Family::V6 => ctx.config.wide_source_prefix_v6,
    };
    let wide = |cidr: &&Cidr| cidr.prefix_len() < limit(cidr) && !whole_internet(cidr);
    per_group(ctx, out, |gi, g, found| {
        for (ri, r) in g.ingress.iter().enumerate() {
            // The wide block, and how the source names it: the rule's CIDR, or the
            // widest entry of its prefix list (of exported entries that are not together
            // the whole internet, which SG001 takes).
            let (cidr, source) = match &r.peer {
                Peer::Cidr { cidr } if wide(&cidr) => (*cidr, format!("{cidr},")),
                Peer::PrefixList { id } => {
                    let Some(entries) = (ctx.lookup.prefix_list(id.as_str(), Some(&g.scope)))
                        .and_then(|l| l.entries.as_ref())
                    else {
                        continue;
                    };
                    let cidrs: Vec<Cidr> = entries.iter().map(|e| e.cidr).collect();
                    let Some(widest) =
                        (cidrs.iter().filter(wide)).min_by_key(|c| (c.prefix_len(), c.to_string()))
                    else {
                        continue;
                    };
                    if holds_whole_internet(&cidrs, widest.family()) {
                        continue;
                    }
                    (*widest, format!("{id}, whose entry {widest} is"))
                }
                _ => continue,
            };
            let limit = limit(&cidr);
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
                        "{} opens {} to {source} a block wider than /{limit}",
                        g.id,
                        services.join(", ")
                    ),
                )
                .scope(&g.scope)
                .rule_traffic(r)
                .peer(r.peer.to_string())
                .rules(vec![ctx.evidence(gi, Direction::Ingress, ri as u32)]),
            );
        }
    });
}
