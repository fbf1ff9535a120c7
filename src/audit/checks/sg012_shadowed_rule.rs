//! SG012: Rule covered by the other groups on every interface that carries its group.

use super::prelude::*;
use super::sg011_redundant_rule::port_span;
use crate::audit::context::rule_text;
use crate::audit::coverage::{RuleBox, covered};
use crate::net::Direction;
use rayon::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports a rule that adds nothing on any interface that carries its group: on
    /// every ENI carrying the group, the other groups on that ENI already allow all of
    /// the rule's traffic. Groups carried by no ENI are not considered (see SG009).
    ///
    /// ## Why is this bad?
    /// The rule looks like it grants access but does not change anything today; if the
    /// other group is removed, access silently changes in a way nobody reviewed. It also
    /// costs quota.
    ///
    /// ## Example
    /// ```text
    /// group sg-base
    ///   in tcp 22 from 10.0.0.0/8
    /// group sg-app
    ///   in tcp 22 from 10.1.0.0/16      # shadowed wherever sg-base is also attached
    /// ```
    ///
    /// ## Remediation
    /// Remove the rule, or move it where it is the only grant of that access.
    ///
    /// ## References
    /// - Semantics: a packet is allowed when any rule of any group on the ENI allows it
    ///   (<https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>)
    pub struct ShadowedRule {
        code: "SG012",
        name: "shadowed-rule",
        severity: Info,
        summary: "Rule covered by the other groups on every interface that carries its group",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let n = ctx.topo.security_groups.len();
    let found: Vec<Vec<Finding>> = (0..n)
        .into_par_iter()
        .map(|gi| check_group(ctx, gi as u32))
        .collect();
    for f in found.into_iter().flatten() {
        out.push(f);
    }
}

fn check_group(ctx: &AuditCtx<'_>, gi: u32) -> Vec<Finding> {
    let members = &ctx.members[gi as usize];
    let mut found = Vec::new();
    if members.is_empty() {
        return found;
    }
    // Distinct sets of other groups over the members.
    let mut sets: Vec<Vec<u32>> = Vec::new();
    for &e in members {
        let others: Vec<u32> = ctx.eni_groups[e as usize]
            .iter()
            .copied()
            .filter(|&g| g != gi)
            .collect();
        if others.is_empty() {
            return found;
        }
        if !sets.contains(&others) {
            sets.push(others);
        }
    }
    let g = ctx.group(gi);
    let shadowing: Vec<String> = sets
        .iter()
        .flatten()
        .map(|&og| ctx.group(og).id.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let shadowing = shadowing.join(", ");
    for dir in Direction::ALL {
        if g.rules(dir).is_empty() {
            continue;
        }
        let mut gathered: Vec<&RuleBox> = Vec::new();
        for (ri, b) in ctx.boxes(gi, dir).iter().enumerate() {
            let Some(b) = b else { continue };
            let r = &g.rules(dir)[ri];
            let all = sets.iter().all(|set| {
                gathered.clear();
                for &og in set {
                    ctx.cover(og, dir)
                        .candidates(ctx.boxes(og, dir), b, &mut gathered);
                }
                covered(b, &gathered)
            });
            if !all {
                continue;
            }
            found.push(
                Finding::new(
                    CODE,
                    g.id.to_string(),
                    format!(
                        "`{}` in {} adds nothing on the {} interface(s) carrying it: {} already allow it",
                        rule_text(r),
                        g.id,
                        members.len(),
                        shadowing
                    ),
                )
                .scope(&g.scope)
                .traffic(r.protocol, port_span(r))
                .peer(format!("{dir} {}", r.peer))
                .rules(vec![ctx.evidence(gi, dir, ri as u32)]),
            );
        }
    }
    found
}
