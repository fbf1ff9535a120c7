//! Rule coverage for the redundancy checks (SG011, SG012): is a rule's whole
//! (protocol × L4 × peer) box inside the union of other rules' boxes?
//!
//! Peers compare by address set when they are CIDRs or prefix lists with exported
//! entries (their current content), and by identity when they are group references or
//! prefix lists without entries: a group reference is never "covered" by a CIDR that
//! happens to hold today's members, because membership changes. Stale references and
//! rules that match nothing (an `icmp` rule with an IPv6 peer) take no part.

use super::context::AuditCtx;
use super::exposure::l4_span;
use crate::index::compiled::Resolved;
use crate::index::intervals::IntervalSet;
use crate::model::{Peer, Rule};
use crate::net::{Family, Protocol};

/// What a rule's peer is, for coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerKey {
    /// Address sets (CIDR, or prefix list with entries).
    Addrs {
        /// IPv4.
        v4: IntervalSet<u32>,
        /// IPv6.
        v6: IntervalSet<u128>,
    },
    /// Compared by identity (group reference, prefix list without entries).
    Ident(String),
}

/// A rule as a box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBox {
    /// Protocol (`All` covers every protocol).
    pub protocol: Protocol,
    /// L4 span (ports, or ICMP `type << 8 | code`; full for other protocols).
    pub lo: u16,
    /// L4 span high end.
    pub hi: u16,
    /// Peer.
    pub peer: PeerKey,
}

/// The box of a rule, or `None` when it matches nothing or is stale.
pub fn rule_box(ctx: &AuditCtx<'_>, rule: &Rule) -> Option<RuleBox> {
    let (lo, hi) = l4_span(rule.l4)?;
    let peer = match ctx.resolver.resolve(rule) {
        Resolved::Stale => return None,
        Resolved::Cidr(c) => {
            let fam = c.family();
            if (rule.protocol == Protocol::Icmp && fam == Family::V6)
                || (rule.protocol == Protocol::Icmpv6 && fam == Family::V4)
            {
                return None;
            }
            PeerKey::Addrs {
                v4: IntervalSet::from_ranges(c.v4_range().map(|r| (r.lo(), r.hi()))),
                v6: IntervalSet::from_ranges(c.v6_range().map(|r| (r.lo(), r.hi()))),
            }
        }
        Resolved::Addrs(a) if matches!(rule.peer, Peer::PrefixList { .. }) => PeerKey::Addrs {
            v4: a.v4.clone(),
            v6: a.v6.clone(),
        },
        _ => PeerKey::Ident(rule.peer.to_string()),
    };
    Some(RuleBox {
        protocol: rule.protocol,
        lo,
        hi,
        peer,
    })
}

fn overlaps(a: &PeerKey, b: &PeerKey) -> bool {
    match (a, b) {
        (PeerKey::Ident(x), PeerKey::Ident(y)) => x == y,
        (PeerKey::Addrs { v4, v6 }, PeerKey::Addrs { v4: w4, v6: w6 }) => {
            v4.intersects(w4) || v6.intersects(w6)
        }
        _ => false,
    }
}

/// Whether peer `a` alone holds every source of `b`.
fn peer_covers(a: &PeerKey, b: &PeerKey) -> bool {
    match (a, b) {
        (PeerKey::Ident(x), PeerKey::Ident(y)) => x == y,
        (PeerKey::Addrs { v4, v6 }, PeerKey::Addrs { v4: w4, v6: w6 }) => {
            v4.covers(w4) && v6.covers(w6)
        }
        _ => false,
    }
}

/// 0 for address sets, 1 for identities.
fn kind(b: &RuleBox) -> usize {
    usize::from(matches!(b.peer, PeerKey::Ident(_)))
}

/// Boxes bucketed for [`covered`]: a target is only covered by boxes of its protocol or
/// `-1`, of its peer kind (an identity only by the same identity, an address set only by
/// address sets), starting at or below its high end. Buckets are made per target
/// protocol on first use and sorted by low end, so a query scans a prefix of one bucket.
#[derive(Debug)]
pub struct CoverIndex<'b> {
    all: Vec<(usize, &'b RuleBox)>,
    buckets: Vec<(Protocol, [Bucket<'b>; 2])>,
}

#[derive(Debug, Default)]
struct Bucket<'b> {
    boxes: Vec<&'b RuleBox>,
    positions: Vec<usize>,
}

impl<'b> CoverIndex<'b> {
    /// An index over `all`: (caller's position, box).
    pub fn new(all: Vec<(usize, &'b RuleBox)>) -> Self {
        CoverIndex {
            all,
            buckets: Vec::new(),
        }
    }

    /// The boxes that may cover `target`, and their positions.
    pub fn candidates(&mut self, target: &RuleBox) -> (&[&'b RuleBox], &[usize]) {
        let k = match self.buckets.iter().position(|(p, _)| *p == target.protocol) {
            Some(k) => k,
            None => {
                let mut kinds: [Bucket<'b>; 2] = Default::default();
                let mut fit: Vec<(usize, &'b RuleBox)> = self
                    .all
                    .iter()
                    .copied()
                    .filter(|(_, o)| o.protocol == target.protocol || o.protocol == Protocol::All)
                    .collect();
                fit.sort_by_key(|(_, o)| o.lo);
                for (pos, o) in fit {
                    let b = &mut kinds[kind(o)];
                    b.boxes.push(o);
                    b.positions.push(pos);
                }
                self.buckets.push((target.protocol, kinds));
                self.buckets.len() - 1
            }
        };
        let b = &self.buckets[k].1[kind(target)];
        let end = b.boxes.partition_point(|o| o.lo <= target.hi);
        (&b.boxes[..end], &b.positions[..end])
    }
}

/// One group's boxes in one direction, for queries from other groups: per protocol
/// (`-1` being one), split by peer kind, positions sorted by low end.
#[derive(Debug, Default)]
pub struct GroupCover {
    lists: Vec<(Protocol, [Run; 2])>,
}

/// Low ends and rule positions, in the same (low end) order.
type Run = (Vec<u16>, Vec<u32>);

impl GroupCover {
    /// The index of `boxes` (a group's boxes in one direction, by rule position).
    pub fn new(boxes: &[Option<RuleBox>]) -> GroupCover {
        let mut order: Vec<(Protocol, usize, u16, u32)> = boxes
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.as_ref().map(|b| (b.protocol, kind(b), b.lo, i as u32)))
            .collect();
        order.sort_unstable();
        let mut lists: Vec<(Protocol, [Run; 2])> = Vec::new();
        for (p, k, lo, i) in order {
            if lists.last().is_none_or(|(q, _)| *q != p) {
                lists.push((p, Default::default()));
            }
            if let Some((_, kinds)) = lists.last_mut() {
                kinds[k].0.push(lo);
                kinds[k].1.push(i);
            }
        }
        GroupCover { lists }
    }

    /// Pushes onto `out` the boxes of this group that may cover `target`: its protocol's
    /// and `-1`'s, of its peer kind, starting at or below its high end.
    pub fn candidates<'b>(
        &self,
        boxes: &'b [Option<RuleBox>],
        target: &RuleBox,
        out: &mut Vec<&'b RuleBox>,
    ) {
        let k = kind(target);
        for (p, kinds) in &self.lists {
            if *p != target.protocol && *p != Protocol::All {
                continue;
            }
            let (los, positions) = &kinds[k];
            let end = los.partition_point(|&lo| lo <= target.hi);
            out.extend(
                positions[..end]
                    .iter()
                    .filter_map(|&i| boxes.get(i as usize).and_then(Option::as_ref)),
            );
        }
    }
}

/// Buffers reused across calls on one thread (coverage runs a million times per audit).
#[derive(Default)]
struct Scratch {
    cands: Vec<u32>,
    points: Vec<u32>,
    u4: Vec<(u32, u32)>,
    u6: Vec<(u128, u128)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Whether `target` is covered by the union of `others`.
pub fn covered(target: &RuleBox, others: &[&RuleBox]) -> bool {
    covered_where(target, others, |_| true)
}

/// Whether `target` is covered by the union of the `others` whose position `keep` accepts.
pub fn covered_where(target: &RuleBox, others: &[&RuleBox], keep: impl Fn(usize) -> bool) -> bool {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => covered_in(target, others, &keep, &mut s),
        Err(_) => covered_in(target, others, &keep, &mut Scratch::default()),
    })
}

fn covered_in(
    target: &RuleBox,
    others: &[&RuleBox],
    keep: &dyn Fn(usize) -> bool,
    s: &mut Scratch,
) -> bool {
    // A protocol-all rule spans the whole L4 space of every protocol.
    let span_of = |o: &RuleBox| {
        if o.protocol == Protocol::All && target.protocol != Protocol::All {
            (0u16, u16::MAX)
        } else {
            (o.lo, o.hi)
        }
    };
    s.cands.clear();
    for (k, o) in others.iter().enumerate() {
        if !(o.protocol == target.protocol || o.protocol == Protocol::All)
            || o.lo > target.hi
            || o.hi < target.lo
            || !keep(k)
            || !overlaps(&o.peer, &target.peer)
        {
            continue;
        }
        let (a, b) = span_of(o);
        // The common case: one rule holds the whole box.
        if a <= target.lo && b >= target.hi && peer_covers(&o.peer, &target.peer) {
            return true;
        }
        s.cands.push(k as u32);
    }
    if s.cands.is_empty() {
        return false;
    }
    s.points.clear();
    s.points
        .extend([u32::from(target.lo), u32::from(target.hi) + 1]);
    for &k in &s.cands {
        let (a, b) = span_of(others[k as usize]);
        for p in [u32::from(a), u32::from(b) + 1] {
            if p > u32::from(target.lo) && p <= u32::from(target.hi) {
                s.points.push(p);
            }
        }
    }
    s.points.sort_unstable();
    s.points.dedup();
    for w in 0..s.points.len() - 1 {
        let (lo, hi) = (s.points[w] as u16, (s.points[w + 1] - 1) as u16);
        let active = s.cands.iter().map(|&k| others[k as usize]).filter(|o| {
            let (a, b) = span_of(o);
            a <= lo && b >= hi
        });
        let ok = match &target.peer {
            PeerKey::Ident(_) => active.count() > 0,
            PeerKey::Addrs { v4, v6 } => {
                s.u4.clear();
                s.u6.clear();
                for o in active {
                    if let PeerKey::Addrs { v4, v6 } = &o.peer {
                        s.u4.extend(v4.ranges());
                        s.u6.extend(v6.ranges());
                    }
                }
                IntervalSet::from_ranges(s.u4.iter().copied()).covers(v4)
                    && IntervalSet::from_ranges(s.u6.iter().copied()).covers(v6)
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule_box() -> impl Strategy<Value = RuleBox> {
        let proto = prop_oneof![
            Just(Protocol::Tcp),
            Just(Protocol::Udp),
            Just(Protocol::All)
        ];
        let peer = prop_oneof![
            prop_oneof![Just("sg-a"), Just("sg-b")].prop_map(|s| PeerKey::Ident(s.to_string())),
            proptest::collection::vec((0u32..24, 0u32..24), 1..3).prop_map(|r| PeerKey::Addrs {
                v4: IntervalSet::from_ranges(r.into_iter().map(|(a, b)| (a.min(b), a.max(b)))),
                v6: IntervalSet::new(),
            }),
        ];
        (proto, 0u16..12, 0u16..12, peer).prop_map(|(protocol, a, b, peer)| {
            let (lo, hi) = if protocol == Protocol::All {
                (0, u16::MAX)
            } else {
                (a.min(b), a.max(b))
            };
            RuleBox {
                protocol,
                lo,
                hi,
                peer,
            }
        })
    }

    /// Every (port, address) of the target is held by some other rule. Narrow spans end
    /// below 12, so ports from 12 up all behave like 12.
    fn brute(target: &RuleBox, others: &[&RuleBox]) -> bool {
        let holds = |o: &RuleBox, port: u16, addr: Option<u32>| {
            let proto = o.protocol == target.protocol || o.protocol == Protocol::All;
            let span = o.protocol == Protocol::All || (o.lo <= port && port <= o.hi);
            let peer = match (&o.peer, addr) {
                (PeerKey::Ident(x), None) => matches!(&target.peer, PeerKey::Ident(y) if x == y),
                (PeerKey::Addrs { v4, .. }, Some(a)) => v4.contains(a),
                _ => false,
            };
            proto && span && peer
        };
        let addrs: Vec<Option<u32>> = match &target.peer {
            PeerKey::Ident(_) => vec![None],
            PeerKey::Addrs { v4, .. } => v4
                .ranges()
                .iter()
                .flat_map(|&(a, b)| (a..=b).map(Some))
                .collect(),
        };
        (target.lo..=target.hi.min(12)).all(|port| {
            addrs
                .iter()
                .all(|&a| others.iter().any(|o| holds(o, port, a)))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn covered_agrees_with_point_by_point_check(
            target in rule_box(),
            others in proptest::collection::vec(rule_box(), 0..6),
        ) {
            let refs: Vec<&RuleBox> = others.iter().collect();
            let expected = brute(&target, &refs);
            prop_assert_eq!(covered(&target, &refs), expected);
            // The index only drops boxes that cannot help.
            let mut index = CoverIndex::new(refs.iter().copied().enumerate().collect());
            let (cands, at) = index.candidates(&target);
            prop_assert_eq!(covered(&target, cands), expected);
            for (k, c) in cands.iter().enumerate() {
                prop_assert!(std::ptr::eq(*c, refs[at[k]]));
            }
            let owned: Vec<Option<RuleBox>> = others.iter().cloned().map(Some).collect();
            let mut gathered = Vec::new();
            GroupCover::new(&owned).candidates(&owned, &target, &mut gathered);
            prop_assert_eq!(covered(&target, &gathered), expected);
        }
    }
}
