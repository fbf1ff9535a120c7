//! SG024: More than 7 running instances per AZ in a spread placement group.

use super::prelude::*;
use crate::model::{AccountId, Instance, InstanceState, Scope};
use std::collections::BTreeMap;

declare_check! {
    /// ## What it does
    /// Counts running instances per spread placement group and Availability Zone and
    /// reports more than 7. A placement group belongs to one account and Region, and an
    /// AZ name maps to a different zone in each account, so instances count together
    /// only within one scope (account/region of the export) and, where the scope names
    /// no account, one owner account (`OwnerId`). The model records only the placement
    /// group's name, not its strategy: a group counts as spread when `sgcheck.toml`
    /// lists it (`[audit] spread_placement_groups`) or its name contains `spread`.
    ///
    /// ## Why is this bad?
    /// A spread group holds at most 7 running instances per AZ; the export is
    /// inconsistent, or the group is not what its name says (and instances share racks).
    ///
    /// ## Example
    /// Eight running instances with `placement web-spread` in `us-east-1a`.
    ///
    /// ## Remediation
    /// Spread the instances over more AZs or groups.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-spread>
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-groups.html#concepts-placement-groups>
    /// - <https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html>
    pub struct SpreadPlacementLimit {
        code: "SG024",
        name: "spread-placement-limit",
        severity: Medium,
        summary: "More than 7 running instances per AZ in a spread placement group",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    // A placement group belongs to one account and Region, and an AZ name such as
    // `us-east-1a` maps to a different zone in each account: count per scope, and per
    // owner account where the scope does not name one (an unscoped file may hold
    // reservations of several accounts).
    type Key<'a> = (&'a Scope, Option<&'a AccountId>, &'a str, &'a str);
    let mut count: BTreeMap<Key<'_>, Vec<&Instance>> = BTreeMap::new();
    for i in &ctx.topo.instances {
        if i.state != InstanceState::Running {
            continue;
        }
        let (Some(pg), Some(az)) = (&i.placement_group, &i.az) else {
            continue;
        };
        if ctx.config.is_spread_group(pg) {
            let owner = if i.scope.account.is_none() {
                i.owner.as_ref()
            } else {
                None
            };
            count
                .entry((&i.scope, owner, pg.as_str(), az.as_str()))
                .or_default()
                .push(i);
        }
    }
    // Groups of one name and AZ told apart only by their owner accounts (known or not)
    // share a scope, so the findings of those with a known owner name it beside the AZ
    // to keep distinct fingerprints.
    let mut owners: BTreeMap<(&Scope, &str, &str), usize> = BTreeMap::new();
    for &(scope, _, pg, az) in count.keys() {
        *owners.entry((scope, pg, az)).or_default() += 1;
    }
    for ((scope, owner, pg, az), list) in &count {
        if list.len() <= 7 {
            continue;
        }
        let (peer, account) = match owner {
            Some(o) if owners[&(*scope, *pg, *az)] > 1 => {
                (format!("{o}/{az}"), format!(" of account {o}"))
            }
            _ => (az.to_string(), String::new()),
        };
        out.push(
            Finding::new(
                CODE,
                pg.to_string(),
                format!(
                    "spread placement group {pg}{account} has {} running instances in {az}; the limit is 7",
                    list.len()
                ),
            )
            .scope(scope)
            .origin(&list[0].origin)
            .peer(peer),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::{AuditConfig, audit};
    use crate::model::build::*;
    use crate::model::{AccountId, Topology};

    fn findings(topo: &Topology) -> Vec<(String, String, String)> {
        let config = AuditConfig {
            only: Some(vec!["SG024".to_string()]),
            ..AuditConfig::default()
        };
        let r = audit(topo, &config);
        let mut fps: Vec<&str> = r.findings.iter().map(|f| f.fingerprint.as_str()).collect();
        fps.sort_unstable();
        fps.dedup();
        assert_eq!(fps.len(), r.findings.len(), "fingerprints collide");
        (r.findings.iter())
            .map(|f| {
                (
                    f.scope.to_string(),
                    f.peer.clone().unwrap_or_default(),
                    f.message.clone(),
                )
            })
            .collect()
    }

    /// `n` running instances in `web-spread`, `us-east-1a`, made by `scoped`.
    fn spread(
        mut t: TopologyBuilder,
        prefix: &str,
        n: usize,
        scoped: impl Fn(InstanceBuilder) -> InstanceBuilder,
    ) -> TopologyBuilder {
        for k in 0..n {
            let mut i = scoped(instance(&format!("i-{prefix}{k}")).az("us-east-1a"));
            i.0.placement_group = Some("web-spread".to_string());
            t = t.with(i);
        }
        t
    }

    #[test]
    fn groups_of_one_name_in_two_accounts_are_two_groups() {
        // OK: 4 + 4 in two accounts' exports, 7 + 1 in two Regions of one account.
        let t = spread(topology(), "a", 4, |i| i.scope("111111111111", "us-east-1"));
        let t = spread(t, "b", 4, |i| i.scope("222222222222", "us-east-1"));
        let t = spread(t, "c", 7, |i| i.scope("333333333333", "us-east-1"));
        let t = spread(t, "d", 1, |i| i.scope("333333333333", "us-west-2"));
        assert_eq!(findings(&t.build()), []);
        // ERROR: 8 in one account and Region.
        let t = spread(topology(), "a", 4, |i| i.scope("111111111111", "us-east-1"));
        let t = spread(t, "b", 8, |i| i.scope("222222222222", "us-east-1"));
        assert_eq!(
            findings(&t.build()),
            [(
                "222222222222/us-east-1".to_string(),
                "us-east-1a".to_string(),
                "spread placement group web-spread has 8 running instances in us-east-1a; the limit is 7"
                    .to_string()
            )]
        );
    }

    #[test]
    fn unscoped_instances_count_per_owner_account() {
        let owned = |account: &'static str| {
            move |mut i: InstanceBuilder| {
                i.0.owner = Some(AccountId::from(account));
                i
            }
        };
        // OK: 4 + 4 reservations of two accounts read from unscoped files.
        let t = spread(topology(), "a", 4, owned("111111111111"));
        let t = spread(t, "b", 4, owned("222222222222"));
        assert_eq!(findings(&t.build()), []);
        // ERROR: both over the limit; the account tells the findings apart.
        let t = spread(topology(), "a", 8, owned("111111111111"));
        let t = spread(t, "b", 9, owned("222222222222"));
        let got = findings(&t.build());
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1, "111111111111/us-east-1a");
        assert!(
            got[1]
                .2
                .contains("web-spread of account 222222222222 has 9 running"),
            "{got:?}"
        );
        // An owner known for some instances only: those of unknown owner count apart.
        let t = spread(topology(), "a", 8, owned("111111111111"));
        let t = spread(t, "b", 8, |i| i);
        let got = findings(&t.build());
        assert_eq!(got.len(), 2, "{got:?}");
        // One owner: the finding is the one it always was.
        let t = spread(topology(), "a", 8, owned("111111111111"));
        let got = findings(&t.build());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "us-east-1a");
    }
}
