//! SG011: Rule fully covered by other rules of the same group.

use super::prelude::*;
use crate::audit::context::rule_text;
use crate::audit::coverage::{CoverIndex, covered_where};
use crate::net::Direction;

declare_check! {
    /// ## What it does
    /// Reports a rule whose whole traffic (protocol × ports/ICMP × peer addresses) is
    /// already allowed by the other rules of the same group and direction, alone or
    /// together (`10.0.0.0/24` under `10.0.0.0/16`; `tcp 22` under `all`; a port range
    /// split over two rules). Exact duplicates are reported once, on the later rule.
    /// Group references and prefix lists without entries compare by identity.
    ///
    /// ## Why is this bad?
    /// Redundant rules waste the 60-rule quota and mislead reviews: deleting the "narrow"
    /// rule changes nothing, deleting the broad one changes more than it seems.
    ///
    /// ## Example
    /// ```text
    /// group sg-app
    ///   in tcp 0-65535 from 10.0.0.0/8
    ///   in tcp 5432 from 10.1.0.0/16     # redundant
    /// ```
    ///
    /// ## Remediation
    /// Delete the redundant rule, or narrow the broader one if that was the intent.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
    pub struct RedundantRule {
        code: "SG011",
        name: "redundant-rule",
        severity: Info,
        summary: "Rule fully covered by other rules of the same group",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    per_group(ctx, out, |gi, g, found| {
        for dir in Direction::ALL {
            let rules = g.rules(dir);
            if rules.len() < 2 {
                continue;
            }
            let boxes = ctx.boxes(gi, dir);
            let mut index = CoverIndex::new(
                boxes
                    .iter()
                    .enumerate()
                    .filter_map(|(j, o)| o.as_ref().map(|o| (j, o)))
                    .collect(),
            );
            for (i, b) in boxes.iter().enumerate() {
                let Some(b) = b else { continue };
                let (cands, at) = index.candidates(b);
                // Exact duplicates: only the later one is redundant.
                let keep = |k: usize| {
                    let j = at[k];
                    j != i && !(j > i && cands[k] == b)
                };
                if !covered_where(b, cands, keep) {
                    continue;
                }
                let r = &rules[i];
                found.push(
                    Finding::new(
                        CODE,
                        g.id.to_string(),
                        format!(
                            "`{}` in {} is already allowed by other rules of the group",
                            rule_text(r),
                            g.id
                        ),
                    )
                    .scope(&g.scope)
                    .traffic(r.protocol, port_span(r))
                    .peer(format!("{dir} {}", r.peer))
                    .rules(vec![ctx.evidence(gi, dir, i as u32)]),
                );
            }
        }
    });
}

/// The rule's ports for the finding (`None` = all or not a port protocol).
pub(crate) fn port_span(r: &crate::model::Rule) -> Option<(u16, u16)> {
    match r.l4 {
        crate::net::L4::Ports(p) if !p.is_all() => Some((p.lo(), p.hi())),
        crate::net::L4::Icmp(m) => m.icmp_type().map(|t| (u16::from(t), u16::from(t))),
        _ => None,
    }
}
