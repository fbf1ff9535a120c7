//! SG013: Rule references a deleted group or a group across an inactive peering.

use super::prelude::*;
use crate::model::{Location, Peer};
use std::collections::HashSet;

declare_check! {
    /// ## What it does
    /// Reports rules that reference another security group that cannot match: across a
    /// VPC peering whose status is not `active` (deleted, rejected, expired…), or a group
    /// of the same account in another VPC (across a peering) that is neither in the
    /// export nor carried by any exported interface (deleted?). References to other
    /// accounts' groups that are not exported are unknown, not stale, and are not
    /// reported. Nor are references in an AWS export to groups of the referencing
    /// group's own VPC that the export lacks: AWS refuses to delete a group that another
    /// group of its VPC references (`DependencyViolation`), so those groups exist; the
    /// report's note names the referencing groups. In a rule-language model, which is
    /// the whole world, such a reference is reported.
    ///
    /// ## Why is this bad?
    /// A stale rule matches nothing: the access it documents is gone, and a group created
    /// later with a revived peering can silently bring it back.
    ///
    /// ## Example
    /// ```json
    /// {"UserIdGroupPairs": [{"GroupId": "sg-0peer", "VpcPeeringConnectionId": "pcx-1",
    ///                        "PeeringStatus": "deleted"}]}
    /// ```
    ///
    /// ## Remediation
    /// Delete the rule (`aws ec2 describe-stale-security-groups` lists them), or restore
    /// the peering or group if the access is still needed.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html>
    pub struct StaleReference {
        code: "SG013",
        name: "stale-reference",
        severity: Medium,
        summary: "Rule references a deleted group or a group across an inactive peering",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let carried: HashSet<&str> = ctx
        .topo
        .enis
        .iter()
        .flat_map(|e| e.groups.iter().map(|g| g.as_str()))
        .collect();
    // Groups whose rules reference groups of their VPC the export lacks, and those.
    let (mut unknown, mut missing): (Vec<&str>, Vec<&str>) = Default::default();
    for g in &ctx.topo.security_groups {
        for r in g.all_rules() {
            let Peer::Group(gr) = &r.peer else { continue };
            let why = if let Some(status) = gr
                .peering_status
                .as_deref()
                .filter(|s| !s.eq_ignore_ascii_case("active"))
            {
                format!(
                    "peering {} is {status}",
                    gr.peering.as_deref().unwrap_or("(unnamed)")
                )
            } else {
                let same_account = match (&gr.owner, g.owner.as_ref().or(g.scope.account.as_ref()))
                {
                    (None, _) => true,
                    (Some(o), Some(mine)) => o == mine,
                    (Some(_), None) => false,
                };
                if !same_account
                    || ctx.lookup.has_group(gr.group.as_str())
                    || carried.contains(gr.group.as_str())
                {
                    continue;
                }
                // AWS refuses to delete a group another group of its VPC references
                // (DependencyViolation): in an AWS export, such a group exists and the
                // export lacks it. A rule-language model is the whole world.
                let same_vpc = gr.peering.is_none()
                    && gr.vpc.as_ref().is_none_or(|v| g.vpc.as_ref() == Some(v));
                if same_vpc && matches!(g.origin.location, Location::JsonPath { .. }) {
                    if !unknown.contains(&g.id.as_str()) {
                        unknown.push(g.id.as_str());
                    }
                    if !missing.contains(&gr.group.as_str()) {
                        missing.push(gr.group.as_str());
                    }
                    continue;
                }
                format!(
                    "{} is not in the export and no interface carries it (deleted?)",
                    gr.group
                )
            };
            out.push(
                Finding::new(
                    CODE,
                    g.id.to_string(),
                    format!(
                        "{} references {}: {why}; the rule matches nothing",
                        g.id, gr
                    ),
                )
                .scope(&g.scope)
                .traffic(r.protocol, super::sg011_redundant_rule::port_span(r))
                .peer(gr.to_string())
                .rules(vec![evidence(g, r)]),
            );
        }
    }
    const SHOWN: usize = 5;
    let mut named = missing[..missing.len().min(SHOWN)].join(", ");
    if missing.len() > SHOWN {
        named.push_str(&format!(" and {} more", missing.len() - SHOWN));
    }
    let reason = format!(
        "their rules reference groups of their own VPC that are not in the export \
         ({named}); AWS does not delete a group that a group of its VPC references, so the \
         export lacks them: they are not stale, and who they let in is not known"
    );
    out.not_judged(unknown.into_iter().map(str::to_string).collect(), reason);
}
