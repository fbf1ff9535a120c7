//! SG011: Rule fully covered by other rules of the same group.

use super::prelude::*;
use crate::audit::coverage::{CoverScratch, broadest_first, covered};
use crate::net::Direction;

declare_check! {
    /// ## What it does
    /// Reports a rule whose whole traffic (protocol × ports/ICMP × peer addresses) is
    /// already allowed by the other rules of the same group and direction, alone or
    /// together (`10.0.0.0/24` under `10.0.0.0/16`; `tcp 22` under `all`; a port range
    /// split over two rules). Of rules allowing exactly the same traffic (duplicates, or
    /// a prefix list and the CIDR it holds), all but one are reported; which one stays
    /// depends on how each is written, never on the order of the export.
    /// Rules that cover one another (`10.0.0.0/8` and its two `/9` halves) are not all
    /// reported: the narrower ones are, and the broadest is kept (sizes compare in
    /// floating point, so between huge IPv6 sets a few addresses apart the choice may
    /// go either way), so every finding can be followed at once without losing access.
    /// The message names the rules that cover it, and the finding's rules list them
    /// after the redundant one. SG012 may report those in turn when other groups cover
    /// them; following both checks' findings together is still safe.
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
    per_group(ctx, out, |gi, g, found| {
        let mut s = CoverScratch::default();
        for dir in Direction::ALL {
            let rules = g.rules(dir);
            let gone = ctx.redundant(gi, dir);
            for i in (0..rules.len()).filter(|&i| gone[i]) {
                let r = &rules[i];
                let evidence = ctx.evidence(gi, dir, i as u32);
                let by = covering(ctx, gi, dir, i, &mut s);
                let boxes = ctx.boxes(gi, dir);
                let twin = matches!(by[..], [j] if boxes[j as usize] == boxes[i]);
                let by: Vec<_> = by.iter().map(|&j| ctx.evidence(gi, dir, j)).collect();
                let mut message = ["`", &evidence.rule, "` in ", g.id.as_str()].concat();
                if twin && by[0].rule == evidence.rule {
                    // Exact duplicates: one of them is reported.
                    message.push_str(" duplicates another rule of the group");
                } else if twin {
                    // Written differently (a prefix list and its CIDR): which one is
                    // reported depends on how each is written, never on their order.
                    message.push_str(" allows the same as ");
                    name_rules(&mut message, by.iter().map(|e| e.rule.as_str()));
                } else {
                    message.push_str(" is already allowed by ");
                    name_rules(&mut message, by.iter().map(|e| e.rule.as_str()));
                }
                found.push(
                    Finding::new(CODE, g.id.to_string(), message)
                        .scope(&g.scope)
                        .rule_traffic(r)
                        .peer([dir.as_str(), " ", ctx.peer_text(gi, dir, i as u32)].concat())
                        .rules(std::iter::once(evidence).chain(by).collect())
                        .located(1),
                );
            }
        }
    });
}

/// How many covering rules a message names; the evidence lists them all.
const NAMED: usize = 3;

/// Appends "`a`", "`a` and `b` together", or "`a`, `b`, `c` and 4 other rules of the
/// group together" (1 other rule) to `message`.
fn name_rules<'a>(message: &mut String, rules: impl ExactSizeIterator<Item = &'a str>) {
    let n = rules.len();
    for (k, rule) in rules.take(NAMED).enumerate() {
        if k > 0 {
            message.push_str(if k + 1 == n { " and " } else { ", " });
        }
        message.extend(["`", rule, "`"]);
    }
    match n.saturating_sub(NAMED) {
        0 => {}
        1 => message.push_str(" and 1 other rule of the group"),
        more => message.push_str(&format!(" and {more} other rules of the group")),
    }
    if n > 1 {
        message.push_str(" together");
    }
}

/// The kept rules that cover redundant rule `i`: of the kept rules sharing traffic with
/// it, broadest first, as many as it takes, less those the others make unneeded; by
/// position.
fn covering(
    ctx: &AuditCtx<'_>,
    gi: u32,
    dir: Direction,
    i: usize,
    s: &mut CoverScratch,
) -> Vec<u32> {
    let table = ctx.peer_table();
    let boxes = ctx.boxes(gi, dir);
    let cover = ctx.cover(gi, dir);
    let Some(b) = &boxes[i] else {
        return Vec::new();
    };
    let gone = ctx.redundant(gi, dir);
    let mut near = Vec::new();
    cover.overlapping(
        b,
        table,
        |j| j as usize != i && !gone[j as usize],
        &mut near,
    );
    broadest_first(&mut near, boxes, table);
    // The shortest run of `near` from the start that covers it (adding rules only adds
    // coverage): runs of 1, 2, 4, … rules, then halving between the last two, so one
    // broad rule takes one coverage test and thousands of narrow rules a few dozen.
    let mut taken = vec![false; boxes.len()];
    let mut covers_first = |n: usize, s: &mut CoverScratch| {
        for &j in &near[..n] {
            taken[j as usize] = true;
        }
        let yes = covered(b, table, cover, |t| taken[t as usize], s);
        for &j in &near[..n] {
            taken[j as usize] = false;
        }
        yes
    };
    let (mut lo, mut hi) = (0, 1);
    loop {
        if hi >= near.len() {
            hi = near.len();
            if near.is_empty() || !covers_first(hi, s) {
                // Not covered by the rules sharing traffic (cannot be for a redundant
                // rule): cite them all.
                let mut all = near.clone();
                all.sort_unstable();
                return all;
            }
            break;
        }
        if covers_first(hi, s) {
            break;
        }
        (lo, hi) = (hi, hi * 2);
    }
    // Covered by the first `hi`, not by the first `lo`.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if covers_first(mid, s) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let mut chosen: Vec<u32> = near[..hi].to_vec();
    // A broad rule taken first may make a narrower one taken later unneeded, or the
    // other way round: drop each one the rest cover without (for a handful of rules:
    // the message names three, and counts the others).
    let mut taken = vec![false; boxes.len()];
    for &j in &chosen {
        taken[j as usize] = true;
    }
    let mut k = chosen.len();
    while k > 0 && chosen.len() > 1 && chosen.len() <= PRUNED {
        k -= 1;
        let without = chosen[k];
        taken[without as usize] = false;
        if covered(b, table, cover, |t| taken[t as usize], s) {
            chosen.remove(k);
        } else {
            taken[without as usize] = true;
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Covering rules beyond this many are cited as found, without dropping the ones the
/// others make unneeded.
const PRUNED: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditConfig;
    use crate::audit::coverage::GroupCover;
    use crate::model::build::*;
    use proptest::prelude::*;

    proptest! {
        /// Every reported rule is covered by the rules left once all reported ones are
        /// removed (so the findings can be followed together), and no rule left is
        /// covered by the others left (nothing redundant is missed).
        #[test]
        fn findings_can_all_be_followed_and_none_is_missed(
            rules in proptest::collection::vec((0usize..6, 0usize..7, any::<bool>()), 0..14),
        ) {
            // Specs and peers that add up: 20-25 and 26-30 make 20-30, the /9 halves
            // make the /8.
            let specs = [tcp(22), tcp_range(20, 25), tcp_range(26, 30), tcp_range(20, 30), all(), udp(53)];
            let peers = [
                cidr("10.0.0.0/8"),
                cidr("10.0.0.0/9"),
                cidr("10.128.0.0/9"),
                cidr("10.1.0.0/16"),
                cidr("::/0"),
                sg_ref("sg-1"),
                sg_ref("sg-0"),
            ];
            let mut g = sg("sg-0");
            for &(sp, p, ingress) in &rules {
                g = if ingress { g.ingress(specs[sp], peers[p].clone()) } else { g.egress(specs[sp], peers[p].clone()) };
            }
            let topo = topology().with(g).build();
            let config = AuditConfig::default();
            let ctx = AuditCtx::new(&topo, &config);
            let table = ctx.peer_table();
            let mut s = CoverScratch::default();
            for dir in Direction::ALL {
                let gone = ctx.redundant(0, dir).to_vec();
                // The rules named as covering a redundant one are kept, cover it, and
                // are each needed.
                for i in (0..gone.len()).filter(|&i| gone[i]) {
                    let by = covering(&ctx, 0, dir, i, &mut s);
                    let b = ctx.boxes(0, dir)[i].expect("a redundant rule has a box");
                    let cover = ctx.cover(0, dir);
                    let mut scratch = CoverScratch::default();
                    prop_assert!(!by.is_empty() && by.iter().all(|&j| !gone[j as usize]));
                    prop_assert!(covered(&b, table, cover, |t| by.contains(&t), &mut scratch));
                    for &without in &by {
                        prop_assert!(!covered(&b, table, cover, |t| t != without && by.contains(&t), &mut scratch));
                    }
                }
                let boxes = ctx.boxes(0, dir);
                let mut scratch = CoverScratch::default();
                for (i, b) in boxes.iter().enumerate() {
                    let Some(b) = b else {
                        prop_assert!(!gone[i]);
                        continue;
                    };
                    let left: Vec<_> = boxes
                        .iter()
                        .enumerate()
                        .map(|(j, o)| if j == i || gone[j] { None } else { *o })
                        .collect();
                    let c = GroupCover::new(&left, table);
                    prop_assert_eq!(
                        covered(b, table, &c, |_| true, &mut scratch),
                        gone[i],
                        "{} rule {}", dir, i
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod many_tests {
    use super::*;
    use crate::audit::AuditConfig;
    use crate::model::build::*;

    /// A rule covered only by hundreds of narrow rules together cites exactly those that
    /// share its traffic, and only the ones it needs (found by halving, not rule by rule:
    /// a review's 4,096 `/32` rules took 91 s before).
    #[test]
    fn a_rule_covered_by_many_narrow_rules_together() {
        let mut g = sg("sg-0").ingress(tcp(22), cidr("10.0.0.0/23"));
        for k in 0..512u32 {
            let ip = std::net::Ipv4Addr::from(0x0a00_0000 + k);
            g = g.ingress(all(), cidr(&format!("{ip}/32")));
        }
        // Sharing no traffic with it: never cited.
        g = g.ingress(all(), cidr("10.9.0.0/16"));
        let topo = topology().with(g).build();
        let config = AuditConfig::default();
        let ctx = AuditCtx::new(&topo, &config);
        let gone = ctx.redundant(0, Direction::Ingress);
        assert!(gone[0]);
        let by = covering(&ctx, 0, Direction::Ingress, 0, &mut CoverScratch::default());
        assert_eq!(by, (1..=512).collect::<Vec<u32>>());
        // With a broad rule among them, that one alone is cited.
        let mut g = sg("sg-0").ingress(tcp(22), cidr("10.0.0.0/23"));
        for k in 0..8u32 {
            let ip = std::net::Ipv4Addr::from(0x0a00_0000 + k);
            g = g.ingress(all(), cidr(&format!("{ip}/32")));
        }
        g = g.ingress(tcp_range(0, 100), cidr("10.0.0.0/22"));
        let topo = topology().with(g).build();
        let ctx = AuditCtx::new(&topo, &config);
        let by = covering(&ctx, 0, Direction::Ingress, 0, &mut CoverScratch::default());
        assert_eq!(by, [9]);
    }
}

#[cfg(test)]
mod message_tests {
    use super::name_rules;

    #[test]
    fn covering_rules_are_named_in_plain_english() {
        let named = |n: usize| {
            let rules: Vec<String> = (1..=n).map(|k| format!("r{k}")).collect();
            let mut m = String::new();
            name_rules(&mut m, rules.iter().map(String::as_str));
            m
        };
        assert_eq!(named(1), "`r1`");
        assert_eq!(named(2), "`r1` and `r2` together");
        assert_eq!(named(3), "`r1`, `r2` and `r3` together");
        assert_eq!(
            named(4),
            "`r1`, `r2`, `r3` and 1 other rule of the group together"
        );
        assert_eq!(
            named(6),
            "`r1`, `r2`, `r3` and 3 other rules of the group together"
        );
    }
}
