//! SG017: Groups per interface × rules per group above 1000.

use super::prelude::*;
use super::sg015_group_rule_quota::buckets;
use crate::index::fxhash::FxHashMap;
use crate::model::{AccountId, Scope, SecurityGroup};
use crate::net::Direction;
use rayon::prelude::*;

declare_check! {
    /// ## What it does
    /// For each network interface, multiplies the number of its distinct groups (as
    /// SG016 counts them) by the largest rule count (per direction and family, counted as
    /// in SG015) of any group in the same account and Region, and reports a product
    /// above 1000, the limit AWS sets on rules-per-group quota × groups-per-interface
    /// quota. Both quotas are set for the account in each Region, so the largest group
    /// there forces the rules quota for every interface, whether it is on the interface
    /// or not; the finding names it and says which. Groups read from inputs that name
    /// no account or Region are taken as one account and Region. Groups the interface
    /// carries that are not in the export count as groups, but their rule counts are
    /// unknown: the finding says how many were not exported (the real product is at
    /// least the one reported).
    ///
    /// ## Why is this bad?
    /// Such a combination cannot be configured with any valid pair of quotas: either the
    /// export is inconsistent or changes to these groups will start failing.
    ///
    /// ## Example
    /// 16 groups on one interface, one of them with 63 inbound IPv4 rules (16 × 63 =
    /// 1008); or 16 groups of one rule on one interface, and a group with 63 rules
    /// elsewhere in the same account and Region.
    ///
    /// ## Remediation
    /// Reduce the groups on the interface or the rules in the largest group of the
    /// account and Region.
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

/// The largest quota bucket of `g`: any direction, either family.
fn largest_bucket(ctx: &AuditCtx<'_>, g: &SecurityGroup) -> u64 {
    Direction::ALL
        .iter()
        .map(|&d| {
            let (v4, v6) = buckets(ctx, g, d);
            v4.max(v6)
        })
        .max()
        .unwrap_or(0)
}

/// The account and Region the quotas hold in: the scope, and where it names no account,
/// the owner account (`OwnerId`) when known (an unscoped file may hold several).
type Account<'a> = (&'a Scope, Option<&'a AccountId>);

fn account<'a>(scope: &'a Scope, owner: Option<&'a AccountId>) -> Account<'a> {
    (scope, owner.filter(|_| scope.account.is_none()))
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let groups = &ctx.topo.security_groups;
    let largest: Vec<u64> = groups
        .par_iter()
        .with_min_len(64)
        .map(|g| largest_bucket(ctx, g))
        .collect();
    // Per scope (account and Region; the unscoped inputs are one): the group forcing the
    // rules-per-group quota, as (bucket, position), the first read on a tie. Computed once
    // here, not per interface.
    let mut forcing: FxHashMap<Account<'_>, (u64, u32)> = FxHashMap::default();
    for (k, g) in groups.iter().enumerate() {
        let m = largest[k];
        forcing
            .entry(account(&g.scope, g.owner.as_ref()))
            .and_modify(|w| {
                if m > w.0 {
                    *w = (m, k as u32);
                }
            })
            .or_insert((m, k as u32));
    }
    let mut ids: Vec<&str> = Vec::new();
    for (i, e) in ctx.topo.enis.iter().enumerate() {
        let gs = &ctx.eni_groups[i];
        // Every group on the interface counts, exported or not (as in SG016); the
        // exported ones are distinct ids among them.
        ids.clear();
        ids.extend(e.groups.iter().map(|g| g.as_str()));
        ids.sort_unstable();
        ids.dedup();
        let n = ids.len().max(gs.len());
        let unexported = n - gs.len();
        // The interface's own groups first, so that one of them is named on a tie; then
        // the groups of its scope and of its groups' scopes (one, unless a group id was
        // found only in another export).
        let mut worst: Option<(u64, u32)> = None;
        let mut raise = |m: u64, g: u32| {
            if worst.is_none_or(|w| m > w.0) {
                worst = Some((m, g));
            }
        };
        for &g in gs {
            raise(largest[g as usize], g);
        }
        let mut last: Option<Account<'_>> = None;
        let own = |g: &u32| {
            let g = &groups[*g as usize];
            account(&g.scope, g.owner.as_ref())
        };
        for s in std::iter::once(account(&e.scope, e.owner.as_ref())).chain(gs.iter().map(own)) {
            if last != Some(s) {
                last = Some(s);
                if let Some(&(m, g)) = forcing.get(&s) {
                    raise(m, g);
                }
            }
        }
        let Some((rules, g)) = worst else { continue };
        let product = rules * n as u64;
        if product <= 1000 {
            continue;
        }
        let unknown = match unexported {
            0 => String::new(),
            k if k == n => {
                " (none of them is in the export: their rule counts are unknown)".to_string()
            }
            1 => " (1 of them is not in the export: its rule count is unknown)".to_string(),
            k => format!(" ({k} of them are not in the export: their rule counts are unknown)"),
        };
        let group = &groups[g as usize];
        let place = if gs.binary_search(&g).is_ok() {
            "on this interface"
        } else if group.scope == Scope::default() && group.owner.is_none() {
            "not on this interface, but in the unscoped inputs of unknown owner, read as one \
             account and Region: the rules quota holds for all its groups"
        } else if group.scope.account.is_none() && group.owner.is_some() {
            "not on this interface, but of the same owner account in the unscoped inputs: \
             the rules quota holds for all its groups"
        } else {
            "not on this interface, but in the same account and Region: the rules quota \
             holds for all its groups"
        };
        out.push(
            Finding::new(
                CODE,
                e.id.to_string(),
                format!(
                    "{} carries {n} groups{unknown} and {} ({place}) has {rules} rules in one direction and family: {product} > 1000",
                    e.id, group.id
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

#[cfg(test)]
mod tests {
    use crate::audit::{AuditConfig, audit};
    use crate::model::Topology;
    use crate::model::build::*;

    /// (scope, resource, message) of each SG017 finding.
    fn findings(topo: &Topology) -> Vec<(String, String, String)> {
        let config = AuditConfig {
            only: Some(vec!["SG017".to_string()]),
            ..AuditConfig::default()
        };
        let r = audit(topo, &config);
        (r.findings.iter())
            .map(|f| (f.scope.to_string(), f.resource.clone(), f.message.clone()))
            .collect()
    }

    /// A group with `n` inbound IPv4 rules.
    fn group(id: &str, n: u16) -> GroupBuilder {
        (0..n).fold(sg(id), |g, k| {
            g.ingress(tcp(1000 + k), cidr(&format!("10.{}.0.0/16", k % 256)))
        })
    }

    /// `sg-big` (100 rules) alone on `eni-big`, and `eni-many` carrying 16 one-rule groups,
    /// each part in the scope `big` and `many` give.
    fn topo(big: (&str, &str), many: (&str, &str)) -> Topology {
        let mut t = topology()
            .with(group("sg-big", 100).scope(big.0, big.1))
            .with(eni("eni-big").groups(["sg-big"]).scope(big.0, big.1));
        let ids: Vec<String> = (0..16).map(|k| format!("sg-s{k:02}")).collect();
        for id in &ids {
            t = t.with(group(id, 1).scope(many.0, many.1));
        }
        t.with(
            eni("eni-many")
                .groups(ids.iter().map(String::as_str))
                .scope(many.0, many.1),
        )
        .build()
    }

    #[test]
    fn the_rules_quota_is_forced_by_any_group_of_the_account_and_region() {
        let got = findings(&topo(
            ("111111111111", "us-east-1"),
            ("111111111111", "us-east-1"),
        ));
        assert_eq!(
            got,
            [(
                "111111111111/us-east-1".to_string(),
                "eni-many".to_string(),
                "eni-many carries 16 groups and sg-big (not on this interface, but in the same \
                 account and Region: the rules quota holds for all its groups) has 100 rules in \
                 one direction and family: 1600 > 1000"
                    .to_string()
            )]
        );
    }

    #[test]
    fn groups_of_another_account_or_region_do_not_count() {
        let other_account = topo(("111111111111", "us-east-1"), ("222222222222", "us-east-1"));
        assert_eq!(findings(&other_account), []);
        let other_region = topo(("111111111111", "us-east-1"), ("111111111111", "us-west-2"));
        assert_eq!(findings(&other_region), []);
    }

    #[test]
    fn a_group_found_in_another_scope_brings_that_scope() {
        // The interface is unscoped; its groups were found only in 111's export, whose
        // largest group forces the quota.
        let mut t = topo(("111111111111", "us-east-1"), ("111111111111", "us-east-1"));
        t.enis[1].scope = Default::default();
        let got = findings(&t);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "eni-many");
        assert!(
            got[0].2.contains("sg-big (not on this interface"),
            "{got:?}"
        );
    }

    /// Unscoped inputs holding several owner accounts (`OwnerId`): each owner is its own
    /// account; owners unknown are read as one.
    #[test]
    fn unscoped_groups_of_another_owner_do_not_count() {
        let owned = |owner: Option<&str>| {
            let mut t = topo(("", ""), ("", ""));
            for g in &mut t.security_groups {
                g.scope = Default::default();
                if g.id.as_str() == "sg-big" {
                    g.owner = owner.map(|o| o.into());
                } else {
                    g.owner = Some("222222222222".into());
                }
            }
            for e in &mut t.enis {
                e.scope = Default::default();
            }
            t
        };
        assert_eq!(findings(&owned(Some("111111111111"))), []);
        let got = findings(&owned(Some("222222222222")));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0]
                .2
                .contains("of the same owner account in the unscoped inputs"),
            "{got:?}"
        );
    }

    #[test]
    fn an_interface_is_reported_once_naming_its_own_group_on_a_tie() {
        // sg-big2 on the interface ties sg-big elsewhere: the interface's own is named.
        let mut t = topo(("111111111111", "us-east-1"), ("111111111111", "us-east-1"));
        let tied = group("sg-big2", 100)
            .scope("111111111111", "us-east-1")
            .build();
        t.security_groups.push(tied);
        t.enis[1].groups.push("sg-big2".into());
        let got = findings(&t);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].2.starts_with(
                "eni-many carries 17 groups and sg-big2 (on this interface) has 100 rules"
            ),
            "{got:?}"
        );
    }
}
