//! SG009: Security group carried by no network interface, referenced by no rule and used
//! by no other service's resource.

use super::not_judged_unlisted;
use super::prelude::*;
use crate::model::SecurityGroup;

declare_check! {
    /// ## What it does
    /// Reports security groups that no network interface of any type carries (instances,
    /// load balancers, Lambda, endpoints, … — every ENI in the export counts) and that no
    /// rule of any other group references (a group's rules naming itself only let its
    /// members talk to each other, and it has none), and that no resource of another
    /// service in the exports names: RDS instances and clusters, load balancers, Lambda
    /// functions, Redshift, ElastiCache, DAX and MemoryDB clusters, OpenSearch domains,
    /// VPC endpoints, Batch compute environments, launch templates and launch
    /// configurations (their interfaces are often missing from an export, and a launch
    /// template has none until it launches). Default groups are skipped (they cannot be
    /// deleted).
    ///
    /// A group of an AWS export is only judged where a list of its account and region's
    /// network interfaces was read (describe-network-interfaces, even empty; AWS Config
    /// interface items from a select query or a snapshot), or a list from a file that
    /// names no account or region: from security groups alone, or with instances only, "carried
    /// by nothing" cannot be told from "not exported". Groups left alone for that reason
    /// are named in the report's note (`summary.not_judged` in JSON, a notification in
    /// SARIF), not reported. A rule-language model is written whole: its groups are
    /// always judged.
    ///
    /// ## Why is this bad?
    /// Unused groups accumulate, confuse reviews, count against the per-Region quota, and
    /// get attached later by mistake with their stale rules.
    ///
    /// ## Example
    /// ```text
    /// group sg-old "left over from a migration"
    ///   in tcp 22 from 10.0.0.0/8
    /// ```
    ///
    /// ## Remediation
    /// Delete the group after checking that nothing outside the export uses it (other
    /// accounts' references, services whose export was not read).
    ///
    /// ## References
    /// - Prowler `ec2_securitygroup_not_used`; ScoutSuite `ec2-unused-security-group`
    pub struct UnusedGroup {
        code: "SG009",
        name: "unused-group",
        severity: Low,
        summary: "Security group carried by no network interface, referenced by no rule and used by no other service",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let mut unknown: Vec<&SecurityGroup> = Vec::new();
    for (i, g) in ctx.topo.security_groups.iter().enumerate() {
        if g.is_default()
            || !ctx.members[i].is_empty()
            || ctx.referenced.contains(&g.id)
            || ctx.users.contains_key(&g.id)
        {
            continue;
        }
        if !ctx.interfaces_listed(i as u32) {
            unknown.push(g);
            continue;
        }
        out.push(
            Finding::new(
                CODE,
                g.id.to_string(),
                format!(
                    "{}{} is carried by no network interface, referenced by no rule of another group and named by no other service's resource in the exports",
                    g.id,
                    g.name
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                ),
            )
            .scope(&g.scope)
            .origin(&g.origin),
        );
    }
    not_judged_unlisted(
        out,
        &unknown,
        "carried by no network interface read",
        "whether they are attached is not known",
    );
}
