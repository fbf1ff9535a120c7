//! SG015: More than 60 rules per direction and address family in a group.

use super::prelude::*;
use crate::model::{Peer, SecurityGroup};
use crate::net::{Direction, Family};

declare_check! {
    /// ## What it does
    /// Counts each group's rules per direction and address family as AWS does: a CIDR is
    /// one rule of its family, an AWS-managed prefix list costs its published weight
    /// (CloudFront origin-facing 55, Route 53 health checks 25, VPC Lattice 10, S3 Express
    /// 6, Ground Station 5, EC2 Instance Connect 2, S3 and DynamoDB 1), another prefix list
    /// its `MaxEntries` (its entry count when the maximum is not exported, 1 when nothing
    /// is) in its family, and a group
    /// reference is counted in both families (AWS does not document which bucket it uses).
    /// Reports a bucket above 60, the default quota.
    ///
    /// ## Why is this bad?
    /// Above the quota AWS refuses new rules; in an export it means a raised quota (which
    /// lowers the number of groups per ENI, see SG017) or an inconsistent export.
    ///
    /// ## Example
    /// A group with 61 IPv4 CIDR rules inbound, or 3 references to a prefix list with
    /// `MaxEntries` 25.
    ///
    /// ## Remediation
    /// Merge CIDRs into managed prefix lists sized to their real need, or split the group.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups>
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html> (MaxEntries and quotas)
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html> (weights)
    pub struct GroupRuleQuota {
        code: "SG015",
        name: "group-rule-quota",
        severity: Medium,
        summary: "More than 60 rules per direction and address family in a group",
    }
}

/// What an AWS-managed prefix list costs in rule quota: its published weight, by name
/// (`com.amazonaws.<region>.s3` costs 1 whatever its entries), or `None` for other lists.
pub(crate) fn aws_managed_weight(name: &str) -> Option<u64> {
    const WEIGHTS: &[(&str, u64)] = &[
        (".cloudfront.origin-facing", 55),
        (".dynamodb", 1),
        (".ec2-instance-connect", 2),
        (".groundstation", 5),
        (".route53-healthchecks", 25),
        (".s3", 1),
        (".s3express", 6),
        (".vpc-lattice", 10),
    ];
    let rest = name.strip_prefix("com.amazonaws.")?;
    WEIGHTS
        .iter()
        .find(|(suffix, _)| rest.ends_with(suffix))
        .map(|&(_, w)| w)
}

/// The quota buckets of one direction: (IPv4, IPv6).
pub(crate) fn buckets(ctx: &AuditCtx<'_>, g: &SecurityGroup, dir: Direction) -> (u64, u64) {
    let (mut v4, mut v6) = (0u64, 0u64);
    for r in g.rules(dir) {
        match &r.peer {
            Peer::Cidr { cidr } => match cidr.family() {
                Family::V4 => v4 += 1,
                Family::V6 => v6 += 1,
            },
            Peer::PrefixList { id } => {
                let pl = ctx.lookup.prefix_list(id.as_str(), Some(&g.scope));
                let cost = pl
                    .and_then(|p| {
                        p.name
                            .as_deref()
                            .and_then(aws_managed_weight)
                            .or(p.max_entries.map(u64::from))
                            .or(p.entries.as_ref().map(|e| e.len() as u64))
                    })
                    .unwrap_or(1);
                match pl.and_then(|p| p.address_family()) {
                    Some(Family::V4) => v4 += cost,
                    Some(Family::V6) => v6 += cost,
                    None => {
                        v4 += cost;
                        v6 += cost;
                    }
                }
            }
            Peer::Group(_) => {
                v4 += 1;
                v6 += 1;
            }
        }
    }
    (v4, v6)
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for g in &ctx.topo.security_groups {
        for dir in Direction::ALL {
            let (v4, v6) = buckets(ctx, g, dir);
            for (fam, n) in [("IPv4", v4), ("IPv6", v6)] {
                if n > 60 {
                    let word = if dir == Direction::Ingress {
                        "inbound"
                    } else {
                        "outbound"
                    };
                    out.push(
                        Finding::new(
                            CODE,
                            g.id.to_string(),
                            format!("{} counts {n} {fam} {word} rules against the quota of 60 (prefix lists by weight or MaxEntries)", g.id),
                        )
                        .scope(&g.scope)
                        .origin(&g.origin)
                        .peer(format!("{word} {fam}")),
                    );
                }
            }
        }
    }
}
