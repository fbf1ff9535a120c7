//! SG011: Rule fully covered by other rules of the same group.

use super::prelude::*;
use crate::audit::coverage::{CoverScratch, covered};
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
        uses_coverage: true,
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    // Built before the groups run in parallel (see `AuditCtx::coverage`).
    let table = ctx.peer_table();
    per_group(ctx, out, |gi, g, found| {
        let mut scratch = CoverScratch::default();
        for dir in Direction::ALL {
            let rules = g.rules(dir);
            if rules.len() < 2 {
                continue;
            }
            let boxes = ctx.boxes(gi, dir);
            let cover = ctx.cover(gi, dir);
            for (i, b) in boxes.iter().enumerate() {
                let Some(b) = b else { continue };
                // Exact duplicates: only the later one is redundant.
                let keep = |j: u32| {
                    let j = j as usize;
                    j != i && !(j > i && boxes[j].as_ref() == Some(b))
                };
                if !covered(b, table, cover, keep, &mut scratch) {
                    continue;
                }
                let r = &rules[i];
                let evidence = ctx.evidence(gi, dir, i as u32);
                found.push(
                    Finding::new(
                        CODE,
                        g.id.to_string(),
                        // Exact-size strings: a finding per redundant rule adds up.
                        [
                            "`",
                            &evidence.rule,
                            "` in ",
                            g.id.as_str(),
                            " is already allowed by other rules of the group",
                        ]
                        .concat(),
                    )
                    .scope(&g.scope)
                    .traffic(r.protocol, port_span(r))
                    .peer([dir.as_str(), " ", ctx.peer_text(gi, dir, i as u32)].concat())
                    .rules(vec![evidence]),
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
