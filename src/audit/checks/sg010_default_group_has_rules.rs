//! SG010: Default security group has rules.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports a VPC's default security group (named `default`) that has any inbound or
    /// outbound rule.
    ///
    /// ## Why is this bad?
    /// Resources launched without an explicit group get the default one. With its
    /// default rules (all traffic from itself, all traffic out), unrelated resources can
    /// talk to each other and to the internet without anyone deciding so.
    ///
    /// ## Example
    /// ```text
    /// group sg-1 name "default"
    ///   in all from sg-1
    ///   out all to 0.0.0.0/0
    /// ```
    ///
    /// ## Remediation
    /// Remove every rule from default groups and give each resource its own group.
    ///
    /// ## References
    /// - CIS AWS Foundations Benchmark 5.4; Security Hub EC2.2
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html>
    pub struct DefaultGroupHasRules {
        code: "SG010",
        name: "default-group-has-rules",
        severity: Medium,
        summary: "Default security group has rules",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for (i, g) in ctx.topo.security_groups.iter().enumerate() {
        if !g.is_default() || (g.ingress.is_empty() && g.egress.is_empty()) {
            continue;
        }
        let users = match ctx.members[i].len() {
            0 if !ctx.interfaces_listed(i as u32) => {
                "no list of network interfaces was read for its scope".to_string()
            }
            n => format!("{n} network interface(s) carry it"),
        };
        out.push(
            Finding::new(
                CODE,
                g.id.to_string(),
                format!(
                    "default group {} has {} inbound and {} outbound rules; {users}",
                    g.id,
                    g.ingress.len(),
                    g.egress.len()
                ),
            )
            .scope(&g.scope)
            .origin(&g.origin)
            .rules(g.all_rules().take(20).map(|r| evidence(g, r)).collect()),
        );
    }
}
