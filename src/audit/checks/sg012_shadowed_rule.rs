//! SG012: Rule covered by the other groups on every interface that carries its group.

use super::not_judged_unlisted;
use super::prelude::*;
use crate::audit::coverage::{
    CoverScratch, GroupCover, PeerTable, RuleBox, broadest_first, covered, written_key,
};
use crate::model::SecurityGroup;
use crate::net::Direction;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

declare_check! {
    /// ## What it does
    /// Reports a rule that adds nothing on any interface that carries its group: on
    /// every ENI carrying the group, the other groups on that ENI already allow all of
    /// the rule's traffic. Groups carried by no ENI are not considered (see SG009).
    ///
    /// Every finding of SG011 and SG012 can be followed at once without losing access:
    /// rules SG011 reports (when it runs) are taken as removed first, and rules that
    /// would only be covered by other reported rules are not reported. When several
    /// groups on an interface hold the same rule (every custom group's default `out all
    /// to 0.0.0.0/0`), the copy in the group with the lowest id is kept unless other
    /// rules cover it too. Of rules that cover one another across groups (`10.0.0.0/8`
    /// in one, its two `/9` halves in another), the narrower ones are reported. To stay
    /// fast, a copy is not reported while a group with a higher id holds the same rule
    /// and could itself be reported, even where that copy ends up kept, so a removable
    /// rule can be missed; nothing reported is unsafe to remove.
    ///
    /// A group another service's resource names (an RDS instance, a launch template) is
    /// not considered: its interfaces may be missing from the export or not exist yet.
    /// Nor is a group where no list of its account and region's network interfaces was
    /// read (see SG009): an interface not exported may carry it alone. Such groups are
    /// named in the report's note.
    ///
    /// The message names the groups with a rule that stays and allows part of the
    /// rule's traffic on those interfaces; the finding's rules are the shadowed rule,
    /// then up to three such rules of each named group: those that allow all of it
    /// alone first, then the broadest.
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
    // Groups on interfaces read, where the list of interfaces was not: an interface not
    // exported may carry the group alone, where its rules are all it has.
    let unknown: Vec<&SecurityGroup> = (ctx.topo.security_groups.iter().enumerate())
        .filter(|&(gi, _)| !ctx.interfaces_listed(gi as u32) && could_shadow(ctx, gi as u32))
        .map(|(_, g)| g)
        .collect();
    not_judged_unlisted(
        out,
        &unknown,
        "carried by network interfaces read",
        "an interface not read may carry the group without the others",
    );
    let alive = shadowed(ctx);
    let sg011 = ctx.config.enabled("SG011");
    let found: Vec<Vec<Finding>> = (0..ctx.topo.security_groups.len() as u32)
        .into_par_iter()
        .with_min_len(64)
        .map(|gi| findings(ctx, gi, &alive, sg011))
        .collect();
    for f in found.into_iter().flatten() {
        out.push(f);
    }
}

/// The shadowed rules: the candidates (see [`candidates`]), less those that are covered
/// only with the help of other candidates and lose that help (see [`settle`]). Rules
/// SG011 reports (when it runs) are taken as removed first: they are never candidates
/// and cover nothing, so following both checks' findings together is safe.
fn shadowed(ctx: &AuditCtx<'_>) -> Alive {
    let sg011 = ctx.config.enabled("SG011");
    let (alive, sets) = candidates(ctx, sg011);
    settle(ctx, &alive, sg011, &sets);
    alive
}

/// Whether rules of group `gi` could be shadowed on the interfaces read: it has rules
/// and interfaces, shares each of them with another group, and no other service's
/// resource names it.
fn could_shadow(ctx: &AuditCtx<'_>, gi: u32) -> bool {
    let g = ctx.group(gi);
    let m = &ctx.members[gi as usize];
    let has_rules = !g.ingress.is_empty() || !g.egress.is_empty();
    has_rules
        && !m.is_empty()
        && m.iter().all(|&e| ctx.eni_groups[e as usize].len() >= 2)
        && !ctx.users.contains_key(&g.id)
}

/// Whether SG011 runs (`sg011`) and reports rule `ri` of group `gi` in `dir`.
fn marked(ctx: &AuditCtx<'_>, sg011: bool, gi: u32, dir: Direction, ri: usize) -> bool {
    sg011 && ctx.redundant(gi, dir)[ri]
}

/// The candidates: per interface, the rules of each of its groups must be covered by the
/// other groups' boxes, less SG011's rules when it runs (`sg011`). Interfaces carrying
/// the same groups are looked at once. Also returns those sets of groups.
fn candidates<'c>(ctx: &'c AuditCtx<'_>, sg011: bool) -> (Alive, Vec<&'c [u32]>) {
    let table = ctx.peer_table();
    // A group alone on some interface adds its rules there: never shadowed. Nor is a
    // group another service's resource names (a database, a launch template): its
    // interfaces may be missing from the export, or not exist yet. Nor one read without
    // the list of its scope's interfaces (see `run`).
    let eligible: Vec<bool> = (0..ctx.members.len() as u32)
        .map(|gi| could_shadow(ctx, gi) && ctx.interfaces_listed(gi))
        .collect();
    // One bit per rule with a box of an eligible group: still covered on every interface
    // looked at so far. Interfaces clear bits in any order, so the result does not depend
    // on scheduling.
    let alive = Alive::new(ctx, &eligible);
    for (gi, _) in eligible.iter().enumerate().filter(|(_, ok)| **ok) {
        for dir in Direction::ALL {
            alive.retain(gi as u32, dir, |ri| !marked(ctx, sg011, gi as u32, dir, ri));
        }
    }
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
            // Each group's rank by id within the set (ids differ within a set).
            s.rank.clear();
            s.rank.extend(set.iter().map(|&g| {
                let id = &ctx.group(g).id;
                set.iter().filter(|&&o| ctx.group(o).id < *id).count()
            }));
            for dir in Direction::ALL {
                let mut merged = false;
                for (k, &gi) in set.iter().enumerate() {
                    if !alive.any(gi, dir) {
                        continue;
                    }
                    // The other groups' boxes: the one group's index, or every group's
                    // merged, leaving out this group's pieces and the redundant rules.
                    let (cover, own, other) = match *set {
                        &[a, b] => {
                            let other = if k == 0 { b } else { a };
                            (ctx.cover(other, dir), 0..0, Some(other))
                        }
                        _ => {
                            if !merged {
                                s.merge(ctx, set, dir);
                                s.excluded.clear();
                                if sg011 {
                                    s.exclude(set, |g, ri| marked(ctx, sg011, g, dir, ri));
                                }
                                merged = true;
                            }
                            (&s.merged, s.merged.part(k), None)
                        }
                    };
                    let excluded = &s.excluded;
                    let kept = |tag: u32| match other {
                        Some(og) => !marked(ctx, sg011, og, dir, tag as usize),
                        None => {
                            !own.contains(&tag) && !excluded.get(tag as usize).is_some_and(|x| *x)
                        }
                    };
                    let boxes = ctx.boxes(gi, dir);
                    alive.retain(gi, dir, |ri| {
                        let Some(b) = boxes[ri].as_ref() else {
                            return false;
                        };
                        if !covered(b, table, cover, kept, &mut s.cover) {
                            return false;
                        }
                        // The same rule in several groups is shadowed in all but the
                        // group with the lowest id (as SG011 keeps the first of two
                        // duplicates): groups with a higher id holding it do not count,
                        // unless they can never be reported (see `settle` for the rest).
                        s.later.clear();
                        let rank = &s.rank;
                        s.later
                            .extend(set.iter().enumerate().filter_map(|(k2, &og)| {
                                (rank[k2] > rank[k]
                                    && eligible[og as usize]
                                    && holds_equal(ctx, og, dir, b))
                                .then_some(k2 as u32)
                            }));
                        match (s.later.is_empty(), *set) {
                            (true, _) => true,
                            // Two groups: the other one is left out, nothing covers.
                            (false, [_, _]) => false,
                            (false, _) => {
                                let (later, merged) = (&s.later, &s.merged);
                                covered(
                                    b,
                                    table,
                                    merged,
                                    |tag| {
                                        kept(tag) && !later.contains(&(merged.part_of(tag) as u32))
                                    },
                                    &mut s.cover,
                                )
                            }
                        }
                    });
                }
            }
        });
    (alive, sets)
}

/// Drops the candidates that following every finding would leave uncovered.
///
/// Candidates may cover one another: a `/8` in one group and its two `/9` halves in
/// another, on the same interfaces, are all candidates, and removing all of them loses
/// the access. A candidate covered on every set carrying its group by rules that are
/// not candidates is safe, as those stay. The others are taken narrowest first (among
/// equals, the higher group id, then by [`written_key`] as SG011 takes them), and each
/// is kept as a
/// finding only when the rules not removed so far still cover it on every set:
/// removing rules one by one that way never changes what an interface allows, and a
/// rule dropped could not be removed once the rest are.
fn settle(ctx: &AuditCtx<'_>, alive: &Alive, sg011: bool, sets: &[&[u32]]) {
    let table = ctx.peer_table();
    let pending = alive.cleared();
    sets.par_iter()
        .with_min_len(16)
        .for_each_init(Scratch::default, |s, set| {
            for dir in Direction::ALL {
                // With candidates in one group only, the others' rules all stay, and
                // they covered those candidates.
                if set.iter().filter(|&&g| alive.any(g, dir)).count() < 2 {
                    continue;
                }
                s.merge(ctx, set, dir);
                s.exclude(set, |g, ri| {
                    alive.has(g, dir, ri) || marked(ctx, sg011, g, dir, ri)
                });
                for (k, &gi) in set.iter().enumerate() {
                    let boxes = ctx.boxes(gi, dir);
                    for ri in alive.rules(gi, dir) {
                        if !s.covers(table, k, boxes[ri].as_ref()) {
                            pending.set(gi, dir, ri);
                        }
                    }
                }
            }
        });
    let mut order: Vec<(f64, u32, Direction, u64, usize)> = (0..ctx.topo.security_groups.len()
        as u32)
        .flat_map(|gi| Direction::ALL.into_iter().map(move |dir| (gi, dir)))
        .flat_map(|(gi, dir)| {
            let pending = &pending;
            pending.rules(gi, dir).filter_map(move |ri| {
                let b = ctx.boxes(gi, dir)[ri].as_ref()?;
                let key = written_key(&ctx.group(gi).rules(dir)[ri]);
                Some((b.extent(table), gi, dir, key, ri))
            })
        })
        .collect();
    order.sort_unstable_by(|x, y| {
        let id = |gi: u32| &ctx.group(gi).id;
        (x.0.total_cmp(&y.0))
            .then_with(|| id(y.1).cmp(id(x.1)))
            .then(x.2.cmp(&y.2))
            .then(y.3.cmp(&x.3))
            .then(y.4.cmp(&x.4))
    });
    let mut s = Scratch::default();
    let mut carried: Vec<&[u32]> = Vec::new();
    for (_, gi, dir, _, ri) in order {
        pending.clear(gi, dir, ri);
        carried.clear();
        carried.extend(
            ctx.members[gi as usize]
                .iter()
                .map(|&e| ctx.eni_groups[e as usize].as_slice()),
        );
        carried.sort_unstable();
        carried.dedup();
        let b = ctx.boxes(gi, dir)[ri].as_ref();
        let still = carried.iter().all(|set| {
            s.merge(ctx, set, dir);
            // Removed so far: candidates not dropped and not waiting for their turn, and
            // the redundant rules.
            s.exclude(set, |g, r| {
                (alive.has(g, dir, r) && !pending.has(g, dir, r)) || marked(ctx, sg011, g, dir, r)
            });
            let k = set
                .iter()
                .position(|&g| g == gi)
                .expect("a member carries its group");
            s.covers(table, k, b)
        });
        if !still {
            alive.clear(gi, dir, ri);
        }
    }
}

/// Whether group `og` has a rule in `dir` whose box equals `b`.
fn holds_equal(ctx: &AuditCtx<'_>, og: u32, dir: Direction, b: &RuleBox) -> bool {
    // The index finds a piece equal to the box fast, but a piece may be one range of a
    // multi-range prefix list: confirm on the boxes.
    ctx.cover(og, dir).holds_equal(b) != Some(false) && ctx.boxes(og, dir).contains(&Some(*b))
}

/// Buffers one thread reuses from set to set.
#[derive(Default)]
struct Scratch<'c> {
    cover: CoverScratch,
    merged: GroupCover,
    parts: Vec<&'c GroupCover>,
    /// Positions in the set of groups with a higher id holding the same rule.
    later: Vec<u32>,
    /// Per position in the set: how many groups of the set have a lower id.
    rank: Vec<usize>,
    /// Per tag of `merged`: left out of the cover.
    excluded: Vec<bool>,
}

impl<'c> Scratch<'c> {
    /// Indexes the boxes of every group of `set` in `dir` into `merged`.
    fn merge(&mut self, ctx: &'c AuditCtx<'_>, set: &[u32], dir: Direction) {
        self.parts.clear();
        self.parts.extend(set.iter().map(|&g| ctx.cover(g, dir)));
        self.merged.merge(&self.parts, &mut self.cover);
    }

    /// Leaves out of `merged` the rules `out` names (by group and rule position).
    fn exclude(&mut self, set: &[u32], out: impl Fn(u32, usize) -> bool) {
        self.excluded.clear();
        self.excluded.resize(self.merged.tags() as usize, false);
        for (k, &g) in set.iter().enumerate() {
            let tags = self.merged.part(k);
            let n = (tags.end - tags.start) as usize;
            for (ri, x) in self.excluded[tags.start as usize..][..n]
                .iter_mut()
                .enumerate()
            {
                *x = out(g, ri);
            }
        }
    }

    /// Whether box `b` of the group at position `k` of the merged set is covered by the
    /// other groups' rules not left out.
    fn covers(&mut self, table: &PeerTable, k: usize, b: Option<&RuleBox>) -> bool {
        let Some(b) = b else { return false };
        let own = self.merged.part(k);
        let (excluded, merged) = (&self.excluded, &self.merged);
        covered(
            b,
            table,
            merged,
            |t| !own.contains(&t) && !excluded[t as usize],
            &mut self.cover,
        )
    }
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

    /// The same layout with no bit set.
    fn cleared(&self) -> Alive {
        Alive {
            start: self.start.clone(),
            words: self.words.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Whether the bit of rule `ri` is set.
    fn has(&self, gi: u32, dir: Direction, ri: usize) -> bool {
        self.words(gi, dir)
            .get(ri / 64)
            .is_some_and(|w| w.load(Ordering::Relaxed) >> (ri % 64) & 1 == 1)
    }

    /// Sets the bit of rule `ri` (which has a word).
    fn set(&self, gi: u32, dir: Direction, ri: usize) {
        self.words(gi, dir)[ri / 64].fetch_or(1 << (ri % 64), Ordering::Relaxed);
    }

    /// Clears the bit of rule `ri` (which has a word).
    fn clear(&self, gi: u32, dir: Direction, ri: usize) {
        self.words(gi, dir)[ri / 64].fetch_and(!(1 << (ri % 64)), Ordering::Relaxed);
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

/// How many of each named group's rules a finding cites.
const CITED: usize = 3;

fn findings(ctx: &AuditCtx<'_>, gi: u32, alive: &Alive, sg011: bool) -> Vec<Finding> {
    let mut found = Vec::new();
    if !Direction::ALL.iter().any(|&d| alive.any(gi, d)) {
        return found;
    }
    let members = &ctx.members[gi as usize];
    let g = ctx.group(gi);
    // The other groups on the interfaces carrying the group, by id.
    let mut others: Vec<u32> = members
        .iter()
        .flat_map(|&e| &ctx.eni_groups[e as usize])
        .copied()
        .filter(|&og| og != gi)
        .collect();
    others.sort_unstable_by_key(|&og| &ctx.group(og).id);
    others.dedup();
    let carriers = members.len().to_string();
    let table = ctx.peer_table();
    let mut named: Vec<&str> = Vec::new();
    let mut near = Vec::new();
    let mut scratch = CoverScratch::default();
    for dir in Direction::ALL {
        for ri in alive.rules(gi, dir) {
            let r = &g.rules(dir)[ri];
            let evidence = ctx.evidence(gi, dir, ri as u32);
            // The groups with a rule that stays (neither reported here nor by SG011)
            // and allows part of its traffic; the evidence is the rule, then up to
            // `CITED` such rules of each.
            named.clear();
            let mut rules = vec![evidence.clone()];
            if let Some(b) = ctx.boxes(gi, dir)[ri] {
                for &og in &others {
                    let stays = |t: u32| {
                        !alive.has(og, dir, t as usize) && !marked(ctx, sg011, og, dir, t as usize)
                    };
                    ctx.cover(og, dir).overlapping(&b, table, stays, &mut near);
                    if near.is_empty() {
                        continue;
                    }
                    named.push(ctx.group(og).id.as_str());
                    // First the rules that cover it alone, then the broadest others.
                    let cover = ctx.cover(og, dir);
                    let mut cited: Vec<u32> = near
                        .iter()
                        .copied()
                        .filter(|&t| covered(&b, table, cover, |x| x == t, &mut scratch))
                        .take(CITED)
                        .collect();
                    if cited.len() < CITED {
                        broadest_first(&mut near, ctx.boxes(og, dir), table);
                        for &t in &near {
                            if cited.len() == CITED {
                                break;
                            }
                            if !cited.contains(&t) {
                                cited.push(t);
                            }
                        }
                    }
                    rules.extend(cited.iter().map(|&t| ctx.evidence(og, dir, t)));
                }
            }
            let mut message = [
                "`",
                &evidence.rule,
                "` in ",
                g.id.as_str(),
                " adds nothing on the ",
                &carriers,
                " interface(s) carrying it: ",
            ]
            .concat();
            for (k, id) in named.iter().enumerate() {
                if k > 0 {
                    message.push_str(if k + 1 == named.len() { " and " } else { ", " });
                }
                message.push_str(id);
            }
            message.push_str(if named.len() == 1 {
                " already allows it there"
            } else {
                " already allow it there between them"
            });
            found.push(
                Finding::new(CODE, g.id.to_string(), message)
                    .scope(&g.scope)
                    .rule_traffic(r)
                    .peer([dir.as_str(), " ", ctx.peer_text(gi, dir, ri as u32)].concat())
                    .rules(rules)
                    .located(1),
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
    use proptest::test_runner::TestCaseError;
    use std::sync::Arc;

    type RuleAt = (u32, Direction, usize);

    /// Whether `b` is covered by the boxes of `groups` in `dir`, less the rules in `gone`.
    fn held(
        ctx: &AuditCtx<'_>,
        b: &RuleBox,
        groups: &[u32],
        dir: Direction,
        gone: &[RuleAt],
    ) -> bool {
        let left: Vec<Option<RuleBox>> = groups
            .iter()
            .flat_map(|&og| {
                ctx.boxes(og, dir)
                    .iter()
                    .enumerate()
                    .filter(move |&(k, _)| !gone.contains(&(og, dir, k)))
                    .map(|(_, b)| *b)
            })
            .collect();
        let c = GroupCover::new(&left, ctx.peer_table());
        covered(
            b,
            ctx.peer_table(),
            &c,
            |_| true,
            &mut CoverScratch::default(),
        )
    }

    /// Per group and direction, the rules covered on every interface carrying the group
    /// by one plain index of the other groups' boxes (no merging, no shortcut for two
    /// groups, no bits), less the rules in `redundant`, leaving out, per rule, the groups
    /// with a higher id that hold the same rule and could be reported.
    fn plain(ctx: &AuditCtx<'_>, gi: u32, dir: Direction, redundant: &[RuleAt]) -> Vec<usize> {
        let eligible = |g: u32| {
            let m = &ctx.members[g as usize];
            !m.is_empty() && m.iter().all(|&e| ctx.eni_groups[e as usize].len() >= 2)
        };
        if !eligible(gi) {
            return Vec::new();
        }
        let boxes = ctx.boxes(gi, dir);
        let id = &ctx.group(gi).id;
        (0..boxes.len())
            .filter(|&ri| !redundant.contains(&(gi, dir, ri)))
            .filter(|&ri| {
                boxes[ri].is_some_and(|b| {
                    ctx.members[gi as usize].iter().all(|&e| {
                        let others: Vec<u32> = ctx.eni_groups[e as usize]
                            .iter()
                            .copied()
                            .filter(|&og| og != gi)
                            .filter(|&og| {
                                ctx.group(og).id < *id
                                    || !eligible(og)
                                    || !ctx.boxes(og, dir).contains(&Some(b))
                            })
                            .collect();
                        held(ctx, &b, &others, dir, redundant)
                    })
                })
            })
            .collect()
    }

    /// Every rule the check reports, by group position and direction.
    fn listed(ctx: &AuditCtx<'_>, bits: &Alive) -> Vec<RuleAt> {
        (0..ctx.topo.security_groups.len() as u32)
            .flat_map(|gi| {
                Direction::ALL
                    .into_iter()
                    .flat_map(move |dir| bits.rules(gi, dir).map(move |ri| (gi, dir, ri)))
            })
            .collect()
    }

    proptest! {
        #[test]
        fn shadowed_rules_can_all_be_removed_and_none_is_missed(
            rules in proptest::collection::vec((0usize..5, 0usize..5, 0usize..9, any::<bool>()), 0..24),
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
                // The two halves of the /8: rules that cover one another.
                cidr("10.0.0.0/9"),
                cidr("10.128.0.0/9"),
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
            let redundant: Vec<RuleAt> = (0..topo.security_groups.len() as u32)
                .flat_map(|gi| Direction::ALL.into_iter().map(move |dir| (gi, dir)))
                .flat_map(|(gi, dir)| {
                    let gone = ctx.redundant(gi, dir);
                    (0..gone.len()).filter(|&ri| gone[ri]).map(move |ri| (gi, dir, ri))
                })
                .collect();
            let reported = listed(&ctx, &alive);
            let gone: Vec<RuleAt> = redundant.iter().chain(&reported).copied().collect();
            // Each finding cites, after its rule, only rules that stay, of other groups
            // on the same interfaces, that its message names.
            for gi in 0..topo.security_groups.len() as u32 {
                for f in findings(&ctx, gi, &alive, true) {
                    for cited in &f.rules[1..] {
                        let at = (0..topo.security_groups.len() as u32).find_map(|og| {
                            Direction::ALL.into_iter().find_map(|dir| {
                                (0..ctx.group(og).rules(dir).len()).find(|&t| {
                                    Arc::ptr_eq(cited, &ctx.evidence(og, dir, t as u32))
                                }).map(|t| (og, dir, t))
                            })
                        });
                        let Some((og, dir, t)) = at else {
                            return Err(TestCaseError::fail(format!("{cited:?} is no rule")));
                        };
                        prop_assert!(og != gi && !gone.contains(&(og, dir, t)), "{:?}", f);
                        prop_assert!(f.message.contains(ctx.group(og).id.as_str()), "{:?}", f);
                        let shared = ctx.members[gi as usize]
                            .iter()
                            .any(|&e| ctx.eni_groups[e as usize].contains(&og));
                        prop_assert!(shared, "{:?}", f);
                    }
                }
            }
            for gi in 0..topo.security_groups.len() as u32 {
                let carriers = &ctx.members[gi as usize];
                for dir in Direction::ALL {
                    // Nothing beyond what the plain check finds, nothing SG011 reports.
                    let candidates = plain(&ctx, gi, dir, &redundant);
                    for ri in alive.rules(gi, dir) {
                        prop_assert!(candidates.contains(&ri), "group {} {} rule {}", gi, dir, ri);
                    }
                    // Of those, exactly the rules that the other groups' rules left once
                    // both checks' findings are followed still cover on every interface
                    // carrying the group: none could be removed on top of them.
                    for ri in candidates {
                        let Some(b) = ctx.boxes(gi, dir)[ri] else { continue };
                        let still = carriers.iter().all(|&e| {
                            let others: Vec<u32> = ctx.eni_groups[e as usize]
                                .iter()
                                .copied()
                                .filter(|&og| og != gi)
                                .collect();
                            held(&ctx, &b, &others, dir, &gone)
                        });
                        prop_assert_eq!(
                            still,
                            reported.contains(&(gi, dir, ri)),
                            "group {} {} rule {}: covered once all findings are followed",
                            gi, dir, ri
                        );
                    }
                    // Following every SG011 and SG012 finding changes what no interface
                    // allows, nor what a group carried by none allows.
                    for (ri, b) in ctx.boxes(gi, dir).iter().enumerate() {
                        let Some(b) = b else { continue };
                        if carriers.is_empty() {
                            prop_assert!(held(&ctx, b, &[gi], dir, &gone), "group {} {} rule {}", gi, dir, ri);
                        }
                        for &e in carriers {
                            prop_assert!(
                                held(&ctx, b, &ctx.eni_groups[e as usize], dir, &gone),
                                "group {} {} rule {} lost on eni {}", gi, dir, ri, e
                            );
                        }
                    }
                }
            }
        }
    }
}
