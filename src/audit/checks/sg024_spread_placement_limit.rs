//! SG024: More than 7 running instances per AZ in a spread placement group.

use super::prelude::*;
use crate::model::InstanceState;
use std::collections::BTreeMap;

declare_check! {
    /// ## What it does
    /// Counts running instances per spread placement group and Availability Zone and
    /// reports more than 7. The model records only the placement group's name, not its
    /// strategy: a group counts as spread when `sgcheck.toml` lists it
    /// (`[audit] spread_placement_groups`) or its name contains `spread`.
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
    pub struct SpreadPlacementLimit {
        code: "SG024",
        name: "spread-placement-limit",
        severity: Medium,
        summary: "More than 7 running instances per AZ in a spread placement group",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let mut count: BTreeMap<(&str, &str), Vec<&crate::model::Instance>> = BTreeMap::new();
    for i in &ctx.topo.instances {
        if i.state != InstanceState::Running {
            continue;
        }
        let (Some(pg), Some(az)) = (&i.placement_group, &i.az) else {
            continue;
        };
        if ctx.config.is_spread_group(pg) {
            count.entry((pg.as_str(), az.as_str())).or_default().push(i);
        }
    }
    for ((pg, az), list) in count {
        if list.len() > 7 {
            out.push(
                Finding::new(
                    CODE,
                    pg.to_string(),
                    format!("spread placement group {pg} has {} running instances in {az}; the limit is 7", list.len()),
                )
                .scope(&list[0].scope)
                .origin(&list[0].origin)
                .peer(az.to_string()),
            );
        }
    }
}
