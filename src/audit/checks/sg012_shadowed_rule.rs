//! SG012: Rule covered by the other groups on every interface that carries its group.

use super::prelude::*;
use super::sg011_redundant_rule::port_span;
use crate::audit::coverage::{CoverScratch, GroupCover, covered};
use crate::net::Direction;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

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
        uses_coverage: true,
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let alive = shadowed(ctx);
    let found: Vec<Vec<Finding>> = (0..ctx.topo.security_groups.len() as u32)
        .into_par_iter()
        .with_min_len(64)
        .map(|gi| findings(ctx, gi, &alive))
        .collect();
    for f in found.into_iter().flatten() {
        out.push(f);
    }
}

/// The shadowed rules: per interface, the rules of each of its groups must be covered by
/// the other groups' boxes. Interfaces carrying the same groups are looked at once.
fn shadowed(ctx: &AuditCtx<'_>) -> Alive {
    let table = ctx.peer_table();
    // A group alone on some interface adds its rules there: never shadowed.
    let eligible: Vec<bool> = ctx
        .members
        .iter()
        .map(|m| !m.is_empty() && m.iter().all(|&e| ctx.eni_groups[e as usize].len() >= 2))
        .collect();
    // One bit per rule with a box of an eligible group: still covered on every interface
    // looked at so far. Interfaces clear bits in any order, so the result does not depend
    // on scheduling.
    let alive = Alive::new(ctx, &eligible);
    // The distinct sets of groups carried together, each looked at once.
    let mut sets: Vec<&[u32]> = ctx
        .eni_groups
        .iter()
        .map(Vec::as_slice)
        .filter(|set| set.len() >= 2 && set.iter().any(|&g| eligible[g as usize]))
        .collect();
    sets.sort_unstable();
    sets.dedup();
    sets.par_iter()
        .with_min_len(16)
        .for_each_init(Scratch::default, |s, set| {
            for dir in Direction::ALL {
                let mut merged = false;
                for (k, &gi) in set.iter().enumerate() {
                    if !alive.any(gi, dir) {
                        continue;
                    }
                    // The other groups' boxes: the one group's index, or every group's
                    // merged, leaving out this group's pieces.
                    let (cover, skip) = match *set {
                        &[a, b] => (ctx.cover(if k == 0 { b } else { a }, dir), u32::MAX),
                        _ => {
                            if !merged {
                                s.parts.clear();
                                s.parts.extend(set.iter().map(|&og| ctx.cover(og, dir)));
                                s.merged.merge(&s.parts, &mut s.cover);
                                merged = true;
                            }
                            (&s.merged, k as u32)
                        }
                    };
                    let boxes = ctx.boxes(gi, dir);
                    alive.retain(gi, dir, |ri| {
                        boxes[ri].as_ref().is_some_and(|b| {
                            covered(b, table, cover, |tag| tag != skip, &mut s.cover)
                        })
                    });
                }
            }
        });
    alive
}

/// Buffers one thread reuses from set to set.
#[derive(Default)]
struct Scratch<'c> {
    cover: CoverScratch,
    merged: GroupCover,
    parts: Vec<&'c GroupCover>,
}

/// Per group and direction, one bit per rule.
struct Alive {
    /// Per group and direction: the position of its first word.
    start: Vec<usize>,
    words: Vec<AtomicU64>,
}

impl Alive {
    /// Bits set for every rule with a box of an eligible group.
    fn new(ctx: &AuditCtx<'_>, eligible: &[bool]) -> Alive {
        let mut start = Vec::with_capacity(2 * eligible.len() + 1);
        let mut words = Vec::new();
        for (gi, &ok) in eligible.iter().enumerate() {
            for dir in Direction::ALL {
                start.push(words.len());
                if !ok {
                    continue;
                }
                let boxes = ctx.boxes(gi as u32, dir);
                for chunk in boxes.chunks(64) {
                    let bits = chunk
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| b.is_some())
                        .fold(0u64, |w, (i, _)| w | 1 << i);
                    words.push(AtomicU64::new(bits));
                }
            }
        }
        start.push(words.len());
        Alive { start, words }
    }

    fn words(&self, gi: u32, dir: Direction) -> &[AtomicU64] {
        let k = 2 * gi as usize + usize::from(dir == Direction::Egress);
        &self.words[self.start[k]..self.start[k + 1]]
    }

    /// Whether a bit of the group and direction is set.
    fn any(&self, gi: u32, dir: Direction) -> bool {
        self.words(gi, dir)
            .iter()
            .any(|w| w.load(Ordering::Relaxed) != 0)
    }

    /// Clears the set bits of the rules `keep` rejects.
    fn retain(&self, gi: u32, dir: Direction, mut keep: impl FnMut(usize) -> bool) {
        for (k, word) in self.words(gi, dir).iter().enumerate() {
            let mut bits = word.load(Ordering::Relaxed);
            let mut gone = 0u64;
            while bits != 0 {
                let i = bits.trailing_zeros();
                bits &= bits - 1;
                if !keep(64 * k + i as usize) {
                    gone |= 1 << i;
                }
            }
            if gone != 0 {
                word.fetch_and(!gone, Ordering::Relaxed);
            }
        }
    }

    /// The rules whose bit is set, in order.
    fn rules(&self, gi: u32, dir: Direction) -> impl Iterator<Item = usize> + '_ {
        self.words(gi, dir)
            .iter()
            .enumerate()
            .flat_map(|(k, word)| {
                let bits = word.load(Ordering::Relaxed);
                (0..64)
                    .filter(move |i| bits >> i & 1 == 1)
                    .map(move |i| 64 * k + i)
            })
    }
}

fn findings(ctx: &AuditCtx<'_>, gi: u32, alive: &Alive) -> Vec<Finding> {
    let mut found = Vec::new();
    if !Direction::ALL.iter().any(|&d| alive.any(gi, d)) {
        return found;
    }
    let members = &ctx.members[gi as usize];
    let g = ctx.group(gi);
    // The other groups on the interfaces carrying the group.
    let shadowing = members
        .iter()
        .flat_map(|&e| &ctx.eni_groups[e as usize])
        .filter(|&&og| og != gi)
        .map(|&og| ctx.group(og).id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(", ");
    let carriers = members.len().to_string();
    for dir in Direction::ALL {
        for ri in alive.rules(gi, dir) {
            let r = &g.rules(dir)[ri];
            let evidence = ctx.evidence(gi, dir, ri as u32);
            found.push(
                Finding::new(
                    CODE,
                    g.id.to_string(),
                    // Exact-size strings: a finding per shadowed rule adds up.
                    [
                        "`",
                        &evidence.rule,
                        "` in ",
                        g.id.as_str(),
                        " adds nothing on the ",
                        &carriers,
                        " interface(s) carrying it: ",
                        &shadowing,
                        " already allow it",
                    ]
                    .concat(),
                )
                .scope(&g.scope)
                .traffic(r.protocol, port_span(r))
                .peer([dir.as_str(), " ", ctx.peer_text(gi, dir, ri as u32)].concat())
                .rules(vec![evidence]),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditConfig;
    use crate::model::build::*;
    use proptest::prelude::*;

    /// Per group and direction, the rules covered on every interface carrying the group
    /// by one plain index of the other groups' boxes (no merging, no shortcut for two
    /// groups, no bits).
    fn plain(ctx: &AuditCtx<'_>, gi: u32, dir: Direction) -> Vec<usize> {
        let members = &ctx.members[gi as usize];
        let alone = members.iter().any(|&e| ctx.eni_groups[e as usize] == [gi]);
        if members.is_empty() || alone {
            return Vec::new();
        }
        let covers: Vec<GroupCover> = members
            .iter()
            .map(|&e| {
                let others: Vec<Option<_>> = ctx.eni_groups[e as usize]
                    .iter()
                    .filter(|&&og| og != gi)
                    .flat_map(|&og| ctx.boxes(og, dir).iter().copied())
                    .collect();
                GroupCover::new(&others, ctx.peer_table())
            })
            .collect();
        let mut s = CoverScratch::default();
        let boxes = ctx.boxes(gi, dir);
        (0..boxes.len())
            .filter(|&ri| {
                boxes[ri].is_some_and(|b| {
                    covers
                        .iter()
                        .all(|c| covered(&b, ctx.peer_table(), c, |_| true, &mut s))
                })
            })
            .collect()
    }

    proptest! {
        #[test]
        fn shadowed_agrees_with_a_plain_check_per_interface(
            rules in proptest::collection::vec((0usize..5, 0usize..5, 0usize..7, any::<bool>()), 0..24),
            enis in proptest::collection::vec(proptest::collection::vec(0usize..5, 1..5), 1..6),
        ) {
            let specs = [tcp(22), tcp_range(20, 30), udp(53), all(), icmp(8, -1)];
            let peers = [
                cidr("10.0.0.0/8"),
                cidr("10.1.0.0/16"),
                cidr("10.1.2.0/24"),
                cidr("0.0.0.0/0"),
                cidr("::/0"),
                sg_ref("sg-1"),
                sg_ref("sg-2"),
            ];
            let mut groups: Vec<_> = (0..5).map(|k| sg(&format!("sg-{k}"))).collect();
            for &(g, sp, p, ingress) in &rules {
                let b = groups[g].clone();
                groups[g] = if ingress {
                    b.ingress(specs[sp], peers[p].clone())
                } else {
                    b.egress(specs[sp], peers[p].clone())
                };
            }
            let mut topo = topology();
            for g in groups {
                topo = topo.with(g);
            }
            for (k, gs) in enis.iter().enumerate() {
                let ids: Vec<String> = gs.iter().map(|g| format!("sg-{g}")).collect();
                topo = topo.with(
                    eni(&format!("eni-{k}"))
                        .ips([format!("10.1.2.{k}").as_str()])
                        .groups(ids.iter().map(String::as_str)),
                );
            }
            let topo = topo.build();
            let config = AuditConfig::default();
            let ctx = AuditCtx::new(&topo, &config);
            let alive = shadowed(&ctx);
            for gi in 0..topo.security_groups.len() as u32 {
                for dir in Direction::ALL {
                    let got: Vec<usize> = alive.rules(gi, dir).collect();
                    prop_assert_eq!(got, plain(&ctx, gi, dir), "group {} {}", gi, dir);
                }
            }
        }
    }
}
