//! SG017: Groups per interface × rules per group above 1000.

use super::prelude::*;
use super::sg015_group_rule_quota::buckets;
use crate::net::Direction;

declare_check! {
    /// ## What it does
    /// For each network interface, multiplies the number of its distinct groups (as
    /// SG016 counts them) by the largest rule count of any of them (per direction and
    /// family, counted as in SG015) and reports a product above 1000, the limit AWS sets
    /// on rules-per-group quota × groups-per-interface quota. Groups the interface
    /// carries that are not in the export count as groups, but their rule counts are
    /// unknown: the largest is taken over the exported ones, and the finding says how
    /// many were not exported (the real product is at least the one reported).
    ///
    /// ## Why is this bad?
    /// Such a combination cannot be configured with any valid pair of quotas: either the
    /// export is inconsistent or changes to these groups will start failing.
    ///
    /// ## Example
    /// 16 groups on one interface, one of them with 63 inbound IPv4 rules (16 × 63 = 1008).
    ///
    /// ## Remediation
    /// Reduce the groups on the interface or the rules in the largest group.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups>
    pub struct EniRuleProductQuota {
        code: "SG017",
        name: "eni-rule-product-quota",
        severity: High,
        summary: "Groups per interface × rules per group above 1000",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let mut max_rules: Vec<Option<u64>> = vec![None; ctx.topo.security_groups.len()];
    let mut ids: Vec<&str> = Vec::new();
    for (i, e) in ctx.topo.enis.iter().enumerate() {
        let gs = &ctx.eni_groups[i];
        if gs.is_empty() {
            continue;
        }
        // Every group on the interface counts, exported or not (as in SG016); the
        // exported ones are distinct ids among them.
        ids.clear();
        ids.extend(e.groups.iter().map(|g| g.as_str()));
        ids.sort_unstable();
        ids.dedup();
        let n = ids.len().max(gs.len());
        let unexported = n - gs.len();
        let mut worst = (0u64, 0u32);
        for &g in gs {
            let m = *max_rules[g as usize].get_or_insert_with(|| {
                let grp = ctx.group(g);
                Direction::ALL
                    .iter()
                    .map(|&d| {
                        let (a, b) = buckets(ctx, grp, d);
                        a.max(b)
                    })
                    .max()
                    .unwrap_or(0)
            });
            if m > worst.0 {
                worst = (m, g);
            }
        }
        let product = worst.0 * n as u64;
        if product > 1000 {
            let unknown = match unexported {
                0 => String::new(),
                1 => " (1 of them is not in the export: its rule count is unknown)".to_string(),
                k => format!(" ({k} of them are not in the export: their rule counts are unknown)"),
            };
            out.push(
                Finding::new(
                    CODE,
                    e.id.to_string(),
                    format!(
                        "{} carries {n} groups{unknown} and {} has {} rules in one direction and family: {} > 1000",
                        e.id,
                        ctx.group(worst.1).id,
                        worst.0,
                        product
                    ),
                )
                .scope(&e.scope)
                .origin(&e.origin)
                // The limit, not the product: one more rule is the same finding (its
                // fingerprint must not change).
                .peer("rules × groups > 1000"),
            );
        }
    }
}
