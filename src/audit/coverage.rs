//! Rule coverage for the redundancy checks (SG011, SG012): is a rule's whole
//! (protocol × L4 × peer) box inside the union of other rules' boxes?
//!
//! Peers compare by address set when they are CIDRs or prefix lists with exported
//! entries (their current content), and by identity when they are group references or
//! prefix lists without entries: a group reference is never "covered" by a CIDR that
//! happens to hold today's members, because membership changes. Stale references and
//! rules that match nothing (an `icmp` rule with an IPv6 peer) take no part.
//!
//! Boxes are small and `Copy`: a peer is one address range, or a number standing for an
//! identity or a multi-range address set interned in a [`PeerTable`]. For queries a
//! group's boxes are cut into pieces of one range each, in three separate spaces (IPv4,
//! IPv6, identities — an identity being a one-point range in its own space), since a
//! box is covered exactly when each of its pieces is: a point of one space is only ever
//! held by pieces of that space.

use super::exposure::l4_span;
use crate::index::compiled::{AddrSets, Resolved, Resolver};
use crate::index::fxhash::{FxHashMap, FxHasher};
use crate::index::intervals::{Endpoint, IntervalSet};
use crate::model::{Peer, Rule, SecurityGroup};
use crate::net::Protocol;
use std::hash::Hasher;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// What a rule's peer is, for coverage. Two boxes' peers are the same set exactly when
/// their keys are equal (one range is always [`PeerKey::V4`] or [`PeerKey::V6`], equal
/// sets share one [`PeerKey::Set`], equal identity texts one [`PeerKey::Ident`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerKey {
    /// One IPv4 range (a CIDR, or an address set holding just that range).
    V4(u32, u32),
    /// One IPv6 range.
    V6(u128, u128),
    /// Any other address set (several ranges, both families or none): its position in
    /// the [`PeerTable`].
    Set(u32),
    /// Compared by identity (group reference, prefix list without entries): the position
    /// of its text (`sg-…`, `owner/sg-…`, `pl-…`) in the [`PeerTable`].
    Ident(u32),
}

/// A rule as a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl RuleBox {
    /// The base-2 logarithm of how much traffic the box holds (protocols × L4 values ×
    /// addresses; an identity counts as one address), to order boxes so that one inside
    /// another comes first: a box strictly inside another has a smaller extent, up to
    /// float rounding in very large IPv6 ranges.
    pub fn extent(&self, table: &PeerTable) -> f64 {
        fn count<A: Endpoint>(ranges: &[(A, A)], width: impl Fn(A, A) -> f64) -> f64 {
            ranges.iter().map(|&(a, b)| width(a, b) + 1.0).sum()
        }
        let v4 = |a: u32, b: u32| f64::from(b - a);
        // `b - a + 1` overflows for `::/0`: add the one in floating point.
        let v6 = |a: u128, b: u128| (b - a) as f64;
        let addresses = match self.peer {
            PeerKey::V4(a, b) => count(&[(a, b)], v4),
            PeerKey::V6(a, b) => count(&[(a, b)], v6),
            PeerKey::Ident(_) => 1.0,
            PeerKey::Set(k) => {
                let s = table.set(k);
                count(s.v4.ranges(), v4) + count(s.v6.ranges(), v6)
            }
        };
        // Protocol `-1` spans every protocol's whole L4 space: 256 of them.
        let protocols = if self.protocol == Protocol::All {
            8.0
        } else {
            0.0
        };
        let l4 = f64::from(self.hi.saturating_sub(self.lo)) + 1.0;
        protocols + l4.log2() + addresses.max(1.0).log2()
    }
}

/// Identities and multi-range address sets behind [`PeerKey`]s, shared by every box of
/// an audit.
#[derive(Debug, Default)]
pub struct PeerTable {
    idents: FxHashMap<Box<str>, u32>,
    sets: Vec<AddrSets>,
}

impl PeerTable {
    /// The key of the identity `text`.
    ///
    /// # Panics
    /// If more than `u32::MAX` identities are interned.
    pub fn ident(&mut self, text: &str) -> PeerKey {
        if let Some(&k) = self.idents.get(text) {
            return PeerKey::Ident(k);
        }
        let k = u32::try_from(self.idents.len()).expect("fewer than 2^32 identities");
        self.idents.insert(text.into(), k);
        PeerKey::Ident(k)
    }

    /// The key of an address set: one range as itself, anything else interned.
    ///
    /// # Panics
    /// If more than `u32::MAX` sets are interned.
    pub fn addrs(&mut self, v4: &IntervalSet<u32>, v6: &IntervalSet<u128>) -> PeerKey {
        match (v4.ranges(), v6.ranges()) {
            (&[(a, b)], []) => return PeerKey::V4(a, b),
            ([], &[(a, b)]) => return PeerKey::V6(a, b),
            _ => {}
        }
        // Sets other than single ranges are few (one per prefix list): a scan will do.
        let k = match self.sets.iter().position(|s| s.v4 == *v4 && s.v6 == *v6) {
            Some(k) => k,
            None => {
                self.sets.push(AddrSets {
                    v4: v4.clone(),
                    v6: v6.clone(),
                });
                self.sets.len() - 1
            }
        };
        PeerKey::Set(u32::try_from(k).expect("fewer than 2^32 address sets"))
    }

    /// The address set behind [`PeerKey::Set`]`(k)`.
    ///
    /// # Panics
    /// If `k` was not made by this table.
    pub fn set(&self, k: u32) -> &AddrSets {
        &self.sets[k as usize]
    }
}

/// The peer of `rule` as resolved, or `None` when the rule matches nothing.
fn peer_key(table: &mut PeerTable, rule: &Rule, resolved: Resolved<'_>) -> Option<PeerKey> {
    Some(match resolved {
        Resolved::Stale => return None,
        Resolved::Cidr(c) => cidr_key(rule, c)?,
        // An `icmp` rule matches IPv4 sources only, `icmpv6` IPv6 ones (a list of the
        // other family matches nothing: SG008's finding, no coverage).
        Resolved::Addrs(a) if matches!(rule.peer, Peer::PrefixList { .. }) => {
            let none4 = IntervalSet::new();
            let none6 = IntervalSet::new();
            let (v4, v6) = match rule.protocol {
                Protocol::Icmp => (&a.v4, &none6),
                Protocol::Icmpv6 => (&none4, &a.v6),
                _ => (&a.v4, &a.v6),
            };
            if v4.is_empty() && v6.is_empty() {
                return None;
            }
            table.addrs(v4, v6)
        }
        _ => table.ident(&rule.peer.to_string()),
    })
}

fn cidr_key(rule: &Rule, c: crate::net::Cidr) -> Option<PeerKey> {
    match (c.v4_range(), c.v6_range()) {
        (Some(_), _) if rule.protocol == Protocol::Icmpv6 => None,
        (_, Some(_)) if rule.protocol == Protocol::Icmp => None,
        (Some(r), _) => Some(PeerKey::V4(r.lo(), r.hi())),
        (_, Some(r)) => Some(PeerKey::V6(r.lo(), r.hi())),
        (None, None) => None,
    }
}

/// A group's boxes in one direction (by rule position), and their index.
pub type Indexed = (Vec<Option<RuleBox>>, GroupCover);

/// Every rule's box per group and direction (ingress, egress), each direction's boxes
/// indexed, and the table their keys refer to.
pub fn rule_boxes(groups: &[SecurityGroup], resolver: &Resolver) -> (PeerTable, Vec<[Indexed; 2]>) {
    use rayon::prelude::*;
    let cache = PeerCache::new(resolver);
    let of = |r: &Rule, buf: &mut Vec<u8>| -> Option<RuleBox> {
        let (lo, hi) = l4_span(r.l4)?;
        Some(RuleBox {
            protocol: r.protocol,
            lo,
            hi,
            peer: cache.key(r, buf)?,
        })
    };
    let boxed: Vec<[Vec<Option<RuleBox>>; 2]> = groups
        .par_iter()
        .with_min_len(64)
        .map_init(Vec::new, |buf, g| {
            [
                g.ingress.iter().map(|r| of(r, buf)).collect(),
                g.egress.iter().map(|r| of(r, buf)).collect(),
            ]
        })
        .collect();
    let table = cache.into_table();
    let all = boxed
        .into_par_iter()
        .with_min_len(64)
        .map(|[i, e]| {
            let (ci, ce) = (GroupCover::new(&i, &table), GroupCover::new(&e, &table));
            [(i, ci), (e, ce)]
        })
        .collect();
    (table, all)
}

/// Peer keys of rules, made on all cores: a CIDR's key depends on the rule (its
/// protocol), any other peer's on a few fields of the peer alone, which are looked up in
/// a map split into locked shards; a miss resolves the peer and interns it.
struct PeerCache<'r> {
    resolver: &'r Resolver,
    table: Mutex<PeerTable>,
    shards: Vec<Shard>,
}

/// Peer fields (see [`PeerCache::key`]) → key.
type Shard = Mutex<FxHashMap<Box<[u8]>, Option<PeerKey>>>;

const SHARDS: usize = 64;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'r> PeerCache<'r> {
    fn new(resolver: &'r Resolver) -> PeerCache<'r> {
        PeerCache {
            resolver,
            table: Mutex::default(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// The key of `rule`'s peer (`None`: the rule matches nothing); `buf` is scratch.
    fn key(&self, rule: &Rule, buf: &mut Vec<u8>) -> Option<PeerKey> {
        // What the resolution and the identity text of the peer depend on, without
        // ambiguity: `Resolver::resolve` reads the group id and the peering status (or
        // the list id, and for ICMP the family), the text is `owner/group` (or the list
        // id).
        buf.clear();
        match &rule.peer {
            Peer::Cidr { cidr } => return cidr_key(rule, *cidr),
            Peer::Group(g) => {
                buf.push(b'g');
                for field in [
                    g.peering_status.as_deref(),
                    g.owner.as_ref().map(|o| o.as_str()),
                ] {
                    match field {
                        None => buf.push(0),
                        Some(f) => {
                            buf.push(1);
                            buf.extend_from_slice(&(f.len() as u64).to_le_bytes());
                            buf.extend_from_slice(f.as_bytes());
                        }
                    }
                }
                buf.extend_from_slice(g.group.as_str().as_bytes());
            }
            Peer::PrefixList { id } => {
                // The key keeps only the family an ICMP rule matches (see `peer_key`).
                buf.push(match rule.protocol {
                    Protocol::Icmp => b'4',
                    Protocol::Icmpv6 => b'6',
                    _ => b'p',
                });
                buf.extend_from_slice(id.as_str().as_bytes());
            }
        }
        let mut h = FxHasher::default();
        h.write(buf);
        let mut shard = lock(&self.shards[(h.finish() >> 32) as usize % SHARDS]);
        if let Some(&k) = shard.get(buf.as_slice()) {
            return k;
        }
        let k = peer_key(&mut lock(&self.table), rule, self.resolver.resolve(rule));
        shard.insert(buf.as_slice().into(), k);
        k
    }

    fn into_table(self) -> PeerTable {
        self.table
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One piece of a box: ports and one address range, and a tag for `keep` (the rule's
/// position in a group's index; in a merged one, that plus the rules of the parts
/// before its group, see [`GroupCover::part`]).
#[derive(Debug, Clone, Copy)]
struct Piece<A> {
    lo: u16,
    hi: u16,
    tag: u32,
    a: A,
    b: A,
}

/// The pieces of one space, in one run per protocol (`-1` being one).
#[derive(Debug)]
struct Lane<A> {
    runs: Vec<Run>,
    pieces: Vec<Piece<A>>,
}

/// One protocol's pieces: `start..mid` wide ones, then `mid..end` narrow ones (spanning
/// fewer than [`NARROW`] ports, `width` at most), each part sorted by low port. A narrow
/// piece reaching a port `p` starts at `p - width` or above, so a query skips the narrow
/// pieces that end too low with a binary search, as it skips those that start too high.
#[derive(Debug, Clone, Copy)]
struct Run {
    protocol: Protocol,
    start: u32,
    mid: u32,
    end: u32,
    width: u16,
}

const NARROW: u16 = 4096;

impl<A> Default for Lane<A> {
    fn default() -> Self {
        Lane {
            runs: Vec::new(),
            pieces: Vec::new(),
        }
    }
}

impl<A: Endpoint> Lane<A> {
    /// The lane of `all` (pieces with their protocol, in any order).
    fn new(mut all: Vec<(Protocol, Piece<A>)>) -> Lane<A> {
        let width = |e: &Piece<A>| e.hi.saturating_sub(e.lo);
        all.sort_unstable_by_key(|(p, e)| (*p, width(e) < NARROW, e.lo));
        let mut lane = Lane::default();
        for (k, (p, e)) in all.iter().enumerate() {
            let k = k as u32;
            let run = match lane.runs.last_mut() {
                Some(run) if run.protocol == *p => run,
                _ => {
                    lane.runs.push(Run {
                        protocol: *p,
                        start: k,
                        mid: k,
                        end: k,
                        width: 0,
                    });
                    let last = lane.runs.len() - 1;
                    &mut lane.runs[last]
                }
            };
            run.end = k + 1;
            if width(e) < NARROW {
                run.width = run.width.max(width(e));
            } else {
                run.mid = k + 1;
            }
        }
        lane.pieces = all.into_iter().map(|(_, e)| e).collect();
        lane
    }

    /// Refills the lane with the pieces of `parts`, their tags moved up by `offsets`
    /// (per part): per protocol, the parts' wide pieces then their narrow ones, each
    /// sorted by low port (a stable sort of runs already sorted merges them).
    fn merge(
        &mut self,
        parts: &[&GroupCover],
        offsets: &[u32],
        lane: impl Fn(&GroupCover) -> &Lane<A>,
        protocols: &mut Vec<Protocol>,
    ) {
        protocols.clear();
        protocols.extend(
            parts
                .iter()
                .flat_map(|p| lane(p).runs.iter().map(|r| r.protocol)),
        );
        protocols.sort_unstable();
        protocols.dedup();
        self.runs.clear();
        self.pieces.clear();
        for &protocol in protocols.iter() {
            let start = self.pieces.len() as u32;
            let mut width = 0;
            let mut add = |wide: bool, pieces: &mut Vec<Piece<A>>| {
                let from = pieces.len();
                for (k, p) in parts.iter().enumerate() {
                    let l = lane(p);
                    let Some(run) = l.runs.iter().find(|r| r.protocol == protocol) else {
                        continue;
                    };
                    let (a, b) = if wide {
                        (run.start, run.mid)
                    } else {
                        width = width.max(run.width);
                        (run.mid, run.end)
                    };
                    let base = offsets[k];
                    pieces.extend(l.pieces[a as usize..b as usize].iter().map(|e| Piece {
                        tag: base + e.tag,
                        ..*e
                    }));
                }
                pieces[from..].sort_by_key(|e| e.lo);
            };
            add(true, &mut self.pieces);
            let mid = self.pieces.len() as u32;
            add(false, &mut self.pieces);
            self.runs.push(Run {
                protocol,
                start,
                mid,
                end: self.pieces.len() as u32,
                width,
            });
        }
    }

    /// The pieces of `run` that may reach ports `[tl, th]`: those starting at or below
    /// `th`, and for narrow ones also at or above `tl - width`.
    fn near(&self, run: &Run, tl: u16, th: u16) -> [&[Piece<A>]; 2] {
        let wide = &self.pieces[run.start as usize..run.mid as usize];
        let narrow = &self.pieces[run.mid as usize..run.end as usize];
        let from = tl.saturating_sub(run.width);
        let (i, j) = (
            narrow.partition_point(|e| e.lo < from),
            narrow.partition_point(|e| e.lo <= th),
        );
        [
            &wide[..wide.partition_point(|e| e.lo <= th)],
            narrow.get(i..j).unwrap_or_default(),
        ]
    }
}

/// Boxes cut into pieces for coverage queries (see the module doc): one group's boxes
/// in one direction ([`GroupCover::new`]), or several groups' ([`GroupCover::merge`]).
#[derive(Debug, Default)]
pub struct GroupCover {
    v4: Lane<u32>,
    v6: Lane<u128>,
    ids: Lane<u32>,
    /// Tags in use: the boxes indexed (rules of all parts, for a merged index).
    len: u32,
    /// For a merged index, per part, its first tag, then `len`.
    offsets: Vec<u32>,
}

impl GroupCover {
    /// The index of `boxes` (a group's boxes in one direction, by rule position), whose
    /// keys refer to `table`; pieces are tagged with their rule's position.
    pub fn new(boxes: &[Option<RuleBox>], table: &PeerTable) -> GroupCover {
        fn piece<A>(b: &RuleBox, rule: usize, a: A, z: A) -> (Protocol, Piece<A>) {
            let tag = rule as u32;
            let (lo, hi) = (b.lo, b.hi);
            (
                b.protocol,
                Piece {
                    lo,
                    hi,
                    tag,
                    a,
                    b: z,
                },
            )
        }
        let (mut v4, mut v6, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        for (i, b) in boxes.iter().enumerate() {
            let Some(b) = b else { continue };
            match b.peer {
                PeerKey::V4(a, z) => v4.push(piece(b, i, a, z)),
                PeerKey::V6(a, z) => v6.push(piece(b, i, a, z)),
                PeerKey::Ident(k) => ids.push(piece(b, i, k, k)),
                PeerKey::Set(k) => {
                    let s = table.set(k);
                    v4.extend(s.v4.ranges().iter().map(|&(a, z)| piece(b, i, a, z)));
                    v6.extend(s.v6.ranges().iter().map(|&(a, z)| piece(b, i, a, z)));
                }
            }
        }
        GroupCover {
            v4: Lane::new(v4),
            v6: Lane::new(v6),
            ids: Lane::new(ids),
            len: u32::try_from(boxes.len()).expect("fewer than 2^32 rules in a group"),
            offsets: Vec::new(),
        }
    }

    /// Refills `self` with the pieces of `parts`, so one query sees the boxes of several
    /// groups (buffers from `s`). A piece's tag is its rule's position in its group plus
    /// the rules of the parts before (see [`GroupCover::part`]).
    ///
    /// # Panics
    /// If the parts hold `2^32` rules or more.
    pub fn merge(&mut self, parts: &[&GroupCover], s: &mut CoverScratch) {
        self.offsets.clear();
        let mut len = 0u32;
        for p in parts {
            self.offsets.push(len);
            len = len
                .checked_add(p.len)
                .expect("fewer than 2^32 rules on an interface");
        }
        self.offsets.push(len);
        self.len = len;
        self.v4
            .merge(parts, &self.offsets, |p| &p.v4, &mut s.protocols);
        self.v6
            .merge(parts, &self.offsets, |p| &p.v6, &mut s.protocols);
        self.ids
            .merge(parts, &self.offsets, |p| &p.ids, &mut s.protocols);
    }

    /// The tags of part `k` of a merged index: its rule `i` has tag `start + i`.
    pub fn part(&self, k: usize) -> std::ops::Range<u32> {
        self.offsets[k]..self.offsets[k + 1]
    }

    /// The part a tag of a merged index belongs to.
    pub fn part_of(&self, tag: u32) -> usize {
        self.offsets.partition_point(|&o| o <= tag) - 1
    }

    /// How many tags are in use (rules indexed).
    pub fn tags(&self) -> u32 {
        self.len
    }
}

/// Sorts rule positions broadest first (by [`RuleBox::extent`]), ties by position;
/// `boxes` are the rules' boxes, `table` the one their keys refer to.
pub fn broadest_first(rules: &mut [u32], boxes: &[Option<RuleBox>], table: &PeerTable) {
    let extent = |j: u32| boxes[j as usize].map_or(0.0, |o| o.extent(table));
    rules.sort_by(|&x, &y| extent(y).total_cmp(&extent(x)).then(x.cmp(&y)));
}

impl GroupCover {
    /// The tags of the pieces sharing traffic with `target` (a protocol, an L4 span and
    /// an address set or identity) that `keep` accepts, sorted, each once, into `out`
    /// (cleared first); `table` is the one their keys refer to.
    pub fn overlapping(
        &self,
        target: &RuleBox,
        table: &PeerTable,
        keep: impl Fn(u32) -> bool,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        let mut add = |tag: u32| {
            if keep(tag) {
                out.push(tag);
            }
        };
        match target.peer {
            PeerKey::V4(a, b) => lane_overlapping(target, a, b, &self.v4, &mut add),
            PeerKey::V6(a, b) => lane_overlapping(target, a, b, &self.v6, &mut add),
            PeerKey::Ident(k) => lane_overlapping(target, k, k, &self.ids, &mut add),
            PeerKey::Set(k) => {
                let set = table.set(k);
                for &(a, b) in set.v4.ranges() {
                    lane_overlapping(target, a, b, &self.v4, &mut add);
                }
                for &(a, b) in set.v6.ranges() {
                    lane_overlapping(target, a, b, &self.v6, &mut add);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Whether a box equal to `target` is indexed here; `None` for a multi-range peer
    /// (its pieces do not tell the box apart: compare the boxes).
    pub fn holds_equal(&self, target: &RuleBox) -> Option<bool> {
        let t = target;
        Some(match t.peer {
            PeerKey::V4(a, b) => lane_equal(t, a, b, &self.v4),
            PeerKey::V6(a, b) => lane_equal(t, a, b, &self.v6),
            PeerKey::Ident(k) => lane_equal(t, k, k, &self.ids),
            PeerKey::Set(_) => return None,
        })
    }
}

/// Calls `f` with the tag of each piece of `lane` sharing traffic with ports of `t` ×
/// addresses `[ta, tb]` (an all-protocols box spans every L4 value, so spans compare as
/// they are).
fn lane_overlapping<A: Endpoint>(
    t: &RuleBox,
    ta: A,
    tb: A,
    lane: &Lane<A>,
    f: &mut impl FnMut(u32),
) {
    for run in &lane.runs {
        let p = run.protocol;
        if p != t.protocol && p != Protocol::All && t.protocol != Protocol::All {
            continue;
        }
        for part in lane.near(run, t.lo, t.hi) {
            for e in part {
                if e.hi >= t.lo && e.a <= tb && e.b >= ta {
                    f(e.tag);
                }
            }
        }
    }
}

/// Whether `lane` holds a piece of `t`'s protocol with exactly its span and the range
/// `[ta, tb]`.
fn lane_equal<A: Endpoint>(t: &RuleBox, ta: A, tb: A, lane: &Lane<A>) -> bool {
    lane.runs
        .iter()
        .filter(|run| run.protocol == t.protocol)
        .any(|run| {
            lane.near(run, t.lo, t.hi).iter().any(|part| {
                part.iter()
                    .any(|e| e.lo == t.lo && e.hi == t.hi && e.a == ta && e.b == tb)
            })
        })
}

/// Per rule of one group's boxes in one direction (`boxes`, indexed in `cover`), whether
/// it is redundant: covered by the group's other rules (SG011).
///
/// Rules that cover each other (a /8 and its two /9 halves) must not all be reported,
/// or following every finding would lose access. Rules are taken narrowest first, and
/// one is redundant when the rules not yet found redundant cover it: removing them one
/// by one never changes what the group allows, so they can all be removed at once.
/// Among rules as wide, the order is that of a hash of their protocol, ports and peer
/// as written (`rules`, one per box; see [`written_key`]), never their position: of a
/// CIDR rule and a prefix-list rule allowing the same, the same one is reported
/// whatever the order of the export.
pub fn redundant(
    boxes: &[Option<RuleBox>],
    cover: &GroupCover,
    rules: &[Rule],
    table: &PeerTable,
    s: &mut CoverScratch,
) -> Box<[bool]> {
    let mut gone = vec![false; boxes.len()];
    if boxes.len() < 2 {
        return gone.into();
    }
    let mut order: Vec<(f64, u64, usize)> = boxes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let key = rules.get(i).map_or(0, written_key);
            Some((b.as_ref()?.extent(table), key, i))
        })
        .collect();
    order.sort_unstable_by(|x, y| {
        (x.0.total_cmp(&y.0))
            .then(y.1.cmp(&x.1))
            .then(y.2.cmp(&x.2))
    });
    for (_, _, i) in order {
        let Some(b) = &boxes[i] else { continue };
        let done = &gone;
        if covered(b, table, cover, |j| j as usize != i && !done[j as usize], s) {
            gone[i] = true;
        }
    }
    gone.into()
}

/// A rule's protocol, ports and peer as written, hashed: an order among rules that
/// does not depend on their position (for ties, where any fixed order will do; equal
/// keys are the same rule written twice, or a collision, one in 2^64).
pub fn written_key(r: &Rule) -> u64 {
    use std::hash::Hash;
    let mut h = FxHasher::default();
    (r.protocol, r.l4, &r.peer).hash(&mut h);
    h.finish()
}

/// Buffers for [`covered`] and [`GroupCover::merge`], reused across calls (coverage
/// runs millions of times per audit).
#[derive(Debug, Default)]
pub struct CoverScratch {
    s4: SpaceScratch<u32>,
    s6: SpaceScratch<u128>,
    points: Vec<u32>,
    protocols: Vec<Protocol>,
}

/// Candidates (port span, address range) and the ranges of one port window.
#[derive(Debug)]
struct SpaceScratch<A> {
    cands: Vec<(u16, u16, A, A)>,
    ranges: Vec<(A, A)>,
}

impl<A> Default for SpaceScratch<A> {
    fn default() -> Self {
        SpaceScratch {
            cands: Vec::new(),
            ranges: Vec::new(),
        }
    }
}

/// Whether `target` is covered by the union of the boxes indexed in `cover`, leaving
/// out the pieces whose tag `keep` rejects. `table` is the one the keys of `target` and
/// of the indexed boxes refer to.
pub fn covered(
    target: &RuleBox,
    table: &PeerTable,
    cover: &GroupCover,
    keep: impl Fn(u32) -> bool,
    s: &mut CoverScratch,
) -> bool {
    let (points, s4, s6) = (&mut s.points, &mut s.s4, &mut s.s6);
    match target.peer {
        PeerKey::V4(a, b) => piece_covered(target, a, b, &cover.v4, &keep, s4, points),
        PeerKey::V6(a, b) => piece_covered(target, a, b, &cover.v6, &keep, s6, points),
        PeerKey::Ident(k) => piece_covered(target, k, k, &cover.ids, &keep, s4, points),
        PeerKey::Set(k) => {
            let set = table.set(k);
            // An empty set is held by nothing: never covered.
            !(set.v4.is_empty() && set.v6.is_empty())
                && set
                    .v4
                    .ranges()
                    .iter()
                    .all(|&(a, b)| piece_covered(target, a, b, &cover.v4, &keep, s4, points))
                && set
                    .v6
                    .ranges()
                    .iter()
                    .all(|&(a, b)| piece_covered(target, a, b, &cover.v6, &keep, s6, points))
        }
    }
}

/// Whether the ports of `t` × addresses `[ta, tb]` are covered by the pieces of one
/// space.
fn piece_covered<A: Endpoint>(
    t: &RuleBox,
    ta: A,
    tb: A,
    lane: &Lane<A>,
    keep: &impl Fn(u32) -> bool,
    s: &mut SpaceScratch<A>,
    points: &mut Vec<u32>,
) -> bool {
    let (tl, th) = (t.lo, t.hi);
    s.cands.clear();
    for run in &lane.runs {
        let p = run.protocol;
        if p != t.protocol && p != Protocol::All {
            continue;
        }
        // A protocol-all rule spans the whole L4 space of every protocol.
        let full = p == Protocol::All && t.protocol != Protocol::All;
        for part in lane.near(run, tl, th) {
            for e in part {
                if e.hi < tl || e.a > tb || e.b < ta || !keep(e.tag) {
                    continue;
                }
                let (lo, hi) = if full { (0, u16::MAX) } else { (e.lo, e.hi) };
                // The common case: one piece holds the whole target.
                if lo <= tl && hi >= th && e.a <= ta && e.b >= tb {
                    return true;
                }
                s.cands.push((lo, hi, e.a, e.b));
            }
        }
    }
    if s.cands.is_empty() {
        return false;
    }
    // Cut the target's ports where a candidate starts or ends; in each window the same
    // candidates are active, and their address ranges must hold `[ta, tb]`.
    points.clear();
    points.extend([u32::from(tl), u32::from(th) + 1]);
    for &(a, b, ..) in &s.cands {
        for p in [u32::from(a), u32::from(b) + 1] {
            if p > u32::from(tl) && p <= u32::from(th) {
                points.push(p);
            }
        }
    }
    points.sort_unstable();
    points.dedup();
    for w in points.windows(2) {
        let (lo, hi) = (w[0], w[1] - 1);
        s.ranges.clear();
        s.ranges.extend(
            s.cands
                .iter()
                .filter(|c| u32::from(c.0) <= lo && u32::from(c.1) >= hi)
                .map(|c| (c.2, c.3)),
        );
        if !union_holds(&mut s.ranges, ta, tb) {
            return false;
        }
    }
    true
}

/// Whether the union of `ranges` holds `[ta, tb]` (sorts `ranges`).
fn union_holds<A: Endpoint>(ranges: &mut [(A, A)], ta: A, tb: A) -> bool {
    ranges.sort_unstable();
    // `need`: the lowest address of the target not yet held.
    let mut need = ta;
    for &(a, b) in ranges.iter() {
        if a > need {
            return false;
        }
        if b >= need {
            match b.succ() {
                Some(n) if n <= tb => need = n,
                _ => return true,
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A box as the tests describe it: identities by name, address sets in full.
    #[derive(Debug, Clone)]
    struct Spec {
        protocol: Protocol,
        lo: u16,
        hi: u16,
        peer: SpecPeer,
    }

    #[derive(Debug, Clone)]
    enum SpecPeer {
        Ident(&'static str),
        Addrs {
            v4: IntervalSet<u32>,
            v6: IntervalSet<u128>,
        },
    }

    fn spec() -> impl Strategy<Value = Spec> {
        let proto = prop_oneof![
            Just(Protocol::Tcp),
            Just(Protocol::Udp),
            Just(Protocol::All)
        ];
        let ranges = |n| proptest::collection::vec((0u32..24, 0u32..24), 0..n);
        let peer = prop_oneof![
            prop_oneof![Just("sg-a"), Just("sg-b")].prop_map(SpecPeer::Ident),
            // Mostly one IPv4 range (a CIDR), sometimes several, IPv6 or none.
            (ranges(3), ranges(2), 0u8..4).prop_map(|(r4, r6, k)| {
                let v4 =
                    IntervalSet::from_ranges(r4.into_iter().map(|(a, b)| (a.min(b), a.max(b))));
                let v6 = IntervalSet::from_ranges(
                    r6.into_iter()
                        .map(|(a, b)| (u128::from(a.min(b)), u128::from(a.max(b)))),
                );
                match k {
                    0 | 1 => SpecPeer::Addrs {
                        v4,
                        v6: IntervalSet::new(),
                    },
                    2 => SpecPeer::Addrs {
                        v4: IntervalSet::new(),
                        v6,
                    },
                    _ => SpecPeer::Addrs { v4, v6 },
                }
            }),
        ];
        // Spans start low or just above the narrow/wide limit; they are short, about as
        // wide as the limit, or reach 65535.
        (proto, 0u16..12, 0u16..16, peer).prop_map(|(protocol, a, b, peer)| {
            let at = |x: u16| if x >= 9 { NARROW - 6 + x } else { x };
            let (lo, hi) = if protocol == Protocol::All {
                (0, u16::MAX)
            } else if b >= 14 {
                (at(a), u16::MAX)
            } else if b >= 12 {
                (at(a), at(a) + NARROW - 3 + 2 * (b - 12) + a % 2)
            } else {
                (at(a.min(b)), at(a.max(b)))
            };
            Spec {
                protocol,
                lo,
                hi,
                peer,
            }
        })
    }

    fn to_box(table: &mut PeerTable, s: &Spec) -> RuleBox {
        let peer = match &s.peer {
            SpecPeer::Ident(x) => table.ident(x),
            SpecPeer::Addrs { v4, v6 } => table.addrs(v4, v6),
        };
        RuleBox {
            protocol: s.protocol,
            lo: s.lo,
            hi: s.hi,
            peer,
        }
    }

    /// Every (port, address) of the target is held by some other box. Which boxes hold
    /// a port only changes where a span starts or ends, so those ports are enough.
    fn brute(target: &Spec, others: &[&Spec]) -> bool {
        #[derive(Clone, Copy)]
        enum Point {
            Ident,
            V4(u32),
            V6(u128),
        }
        let holds = |o: &Spec, port: u16, at: Point| {
            let proto = o.protocol == target.protocol || o.protocol == Protocol::All;
            let span = o.protocol == Protocol::All || (o.lo <= port && port <= o.hi);
            let peer = match (&o.peer, at) {
                (SpecPeer::Ident(x), Point::Ident) => {
                    matches!(&target.peer, SpecPeer::Ident(y) if x == y)
                }
                (SpecPeer::Addrs { v4, .. }, Point::V4(a)) => v4.contains(a),
                (SpecPeer::Addrs { v6, .. }, Point::V6(a)) => v6.contains(a),
                _ => false,
            };
            proto && span && peer
        };
        let points: Vec<Point> = match &target.peer {
            SpecPeer::Ident(_) => vec![Point::Ident],
            SpecPeer::Addrs { v4, v6 } => v4
                .ranges()
                .iter()
                .flat_map(|&(a, b)| (a..=b).map(Point::V4))
                .chain(
                    v6.ranges()
                        .iter()
                        .flat_map(|&(a, b)| (a..=b).map(Point::V6)),
                )
                .collect(),
        };
        let ports: Vec<u16> = others
            .iter()
            .flat_map(|o| [Some(o.lo), o.hi.checked_add(1)])
            .flatten()
            .chain([target.lo])
            .filter(|p| (target.lo..=target.hi).contains(p))
            .collect();
        // An empty set allows nothing, so nothing covers it.
        !points.is_empty()
            && ports.iter().all(|&port| {
                points
                    .iter()
                    .all(|&a| others.iter().any(|o| holds(o, port, a)))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// `covered` agrees with the point-by-point check on one group's index with some
        /// rules left out by `keep` (as SG011 leaves out the rule itself), and on several
        /// groups' indexes merged (as SG012 merges the other groups of an interface).
        #[test]
        fn covered_agrees_with_point_by_point_check(
            target in spec(),
            others in proptest::collection::vec((spec(), 0usize..3, any::<bool>()), 0..8),
        ) {
            let mut table = PeerTable::default();
            let t = to_box(&mut table, &target);
            let boxes: Vec<Option<RuleBox>> =
                others.iter().map(|(o, ..)| Some(to_box(&mut table, o))).collect();
            let specs = |f: &dyn Fn(usize, bool) -> bool| -> Vec<&Spec> {
                others.iter().filter(|(_, g, k)| f(*g, *k)).map(|(o, ..)| o).collect()
            };
            let mut s = CoverScratch::default();
            let one = GroupCover::new(&boxes, &table);
            let expected = brute(&target, &specs(&|_, k| k));
            let keep = |rule: u32| others[rule as usize].2;
            prop_assert_eq!(covered(&t, &table, &one, keep, &mut s), expected);
            // The scratch buffers carry nothing from one query to the next.
            prop_assert_eq!(covered(&t, &table, &one, keep, &mut s), expected);

            // Group `k` holds the others drawn for it (`None` at the other positions).
            let covers: Vec<GroupCover> = (0..3)
                .map(|k| {
                    let mine: Vec<Option<RuleBox>> = boxes
                        .iter()
                        .zip(&others)
                        .map(|(b, (_, g, _))| b.filter(|_| *g == k))
                        .collect();
                    GroupCover::new(&mine, &table)
                })
                .collect();
            let parts: Vec<&GroupCover> = covers.iter().collect();
            let mut merged = GroupCover::default();
            merged.merge(&parts, &mut s);
            let all = brute(&target, &specs(&|_, _| true));
            prop_assert_eq!(covered(&t, &table, &merged, |_| true, &mut s), all);
            let but_last = brute(&target, &specs(&|g, _| g != 2));
            let last = merged.part(2);
            prop_assert_eq!(covered(&t, &table, &merged, |tag| !last.contains(&tag), &mut s), but_last);
            // A tag names its rule: part `k`'s rule `i` is `part(k).start + i`.
            prop_assert_eq!(merged.tags() as usize, 3 * others.len());
            let kept = |tag: u32| others[(tag - merged.part(merged.part_of(tag)).start) as usize].2;
            prop_assert_eq!(covered(&t, &table, &merged, kept, &mut s), expected);
            // Merging again replaces the pieces.
            merged.merge(&parts[..1], &mut s);
            let first = brute(&target, &specs(&|g, _| g == 0));
            prop_assert_eq!(covered(&t, &table, &merged, |_| true, &mut s), first);
        }

        /// Keys are equal exactly when the boxes' peers are the same set or identity.
        #[test]
        fn keys_are_equal_exactly_for_equal_peers(a in spec(), b in spec()) {
            let mut table = PeerTable::default();
            let (ka, kb) = (to_box(&mut table, &a).peer, to_box(&mut table, &b).peer);
            let same = match (&a.peer, &b.peer) {
                (SpecPeer::Ident(x), SpecPeer::Ident(y)) => x == y,
                (SpecPeer::Addrs { v4, v6 }, SpecPeer::Addrs { v4: w4, v6: w6 }) => {
                    v4 == w4 && v6 == w6
                }
                _ => false,
            };
            prop_assert_eq!(ka == kb, same);
        }
    }

    /// Peers that resolve differently, or read the same but resolve differently.
    fn peers() -> Vec<Peer> {
        use crate::model::build::*;
        vec![
            cidr("10.0.0.0/8"),
            cidr("10.1.0.0/16"),
            cidr("2001:db8::/32"),
            cidr("0.0.0.0/0"),
            sg_ref("sg-1"),
            sg_ref("sg-2"),
            sg_ref("sg-unexported"),
            sg_ref_peered("sg-1", "111", "active"),
            sg_ref_peered("sg-1", "111", "ACTIVE"),
            sg_ref_peered("sg-1", "111", "deleted"),
            sg_ref_peered("sg-1", "222", "active"),
            // Reads `111/sg-1` like the peered references above.
            sg_ref("111/sg-1"),
            pl_ref("pl-two"),
            pl_ref("pl-same"),
            pl_ref("pl-one"),
            pl_ref("pl-mixed"),
            pl_ref("pl-empty"),
            pl_ref("pl-unknown"),
            pl_ref("pl-missing"),
            // Reads like the list without entries.
            sg_ref("pl-unknown"),
        ]
    }

    proptest! {
        /// The boxes built on all cores through the peer cache are the boxes of a plain
        /// per-rule resolution, up to the numbering of identities and sets.
        #[test]
        fn rule_boxes_agree_with_per_rule_resolution(
            rules in proptest::collection::vec((0usize..20, 0usize..6, any::<bool>()), 1..40),
            groups in 1usize..4,
        ) {
            use crate::model::build::*;
            let specs = [tcp(22), tcp_range(0, 1000), icmp(8, -1), icmpv6(128, -1), all(), proto("50")];
            let peers = peers();
            let mut topo = topology()
                .with(prefix_list("pl-two").entries(["10.0.0.0/24", "10.0.2.0/24"]))
                .with(prefix_list("pl-same").entries(["10.0.2.0/24", "10.0.0.0/24"]))
                .with(prefix_list("pl-one").entries(["10.1.0.0/16"]))
                .with(prefix_list("pl-mixed").entries(["10.0.0.0/24", "2001:db8::/48"]))
                .with(prefix_list("pl-empty"))
                .with(prefix_list("pl-unknown").entries_unknown())
                .with(eni("eni-1").ips(["10.0.0.5"]).groups(["sg-1"]));
            let mut gs: Vec<_> = (0..groups).map(|k| sg(&format!("sg-{}", k + 1))).collect();
            for (k, &(p, sp, ingress)) in rules.iter().enumerate() {
                let g = gs.swap_remove(k % gs.len());
                let g = if ingress {
                    g.ingress(specs[sp], peers[p].clone())
                } else {
                    g.egress(specs[sp], peers[p].clone())
                };
                gs.push(g);
            }
            for g in gs {
                topo = topo.with(g);
            }
            let topo = topo.build();
            let resolver = Resolver::new(&topo);
            let (table, built) = rule_boxes(&topo.security_groups, &resolver);
            let mut plain_table = PeerTable::default();
            let mut plain = Vec::new();
            let mut fast = Vec::new();
            for (g, [(ingress, _), (egress, _)]) in topo.security_groups.iter().zip(&built) {
                for (r, b) in g.ingress.iter().zip(ingress).chain(g.egress.iter().zip(egress)) {
                    let key = l4_span(r.l4).and_then(|(lo, hi)| {
                        let peer = peer_key(&mut plain_table, r, resolver.resolve(r))?;
                        Some(RuleBox { protocol: r.protocol, lo, hi, peer })
                    });
                    plain.push(key);
                    fast.push(*b);
                }
            }
            let sets = |t: &PeerTable, b: &Option<RuleBox>| match b.map(|b| b.peer) {
                Some(PeerKey::Set(k)) => Some(t.set(k).clone()),
                _ => None,
            };
            for i in 0..plain.len() {
                prop_assert_eq!(plain[i].is_some(), fast[i].is_some());
                prop_assert_eq!(sets(&plain_table, &plain[i]), sets(&table, &fast[i]));
                for j in 0..plain.len() {
                    prop_assert_eq!(plain[i] == plain[j], fast[i] == fast[j], "rules {} and {}", i, j);
                }
            }
        }
    }

    /// A narrow piece (just under the limit) that starts far below the target still
    /// counts, and so does a wide one starting below it.
    #[test]
    fn narrow_pieces_reach_as_far_as_their_width() {
        let mut table = PeerTable::default();
        let all_v4 = IntervalSet::full();
        let one = IntervalSet::from_ranges([(7, 7)]);
        let tcp = |lo, hi, v4: &IntervalSet<u32>, table: &mut PeerTable| RuleBox {
            protocol: Protocol::Tcp,
            lo,
            hi,
            peer: table.addrs(v4, &IntervalSet::new()),
        };
        let target = tcp(5000, 5000, &one, &mut table);
        let mut s = CoverScratch::default();
        for (lo, hi) in [(5000 - NARROW + 1, 5000), (5000 - NARROW, 5000), (0, 5001)] {
            let boxes = [
                Some(tcp(100, 200, &all_v4, &mut table)),
                Some(tcp(lo, hi, &all_v4, &mut table)),
                Some(tcp(5001, 5002, &all_v4, &mut table)),
            ];
            let cover = GroupCover::new(&boxes, &table);
            assert!(
                covered(&target, &table, &cover, |_| true, &mut s),
                "{lo}-{hi}"
            );
            assert!(!covered(&target, &table, &cover, |r| r != 1, &mut s));
        }
    }

    #[test]
    fn union_holds_at_the_top_of_the_space() {
        assert!(union_holds(&mut [(0u32, 5), (6, u32::MAX)], 3, u32::MAX));
        assert!(!union_holds(&mut [(0u32, 5), (7, u32::MAX)], 3, u32::MAX));
        assert!(union_holds(
            &mut [(u128::MAX, u128::MAX)],
            u128::MAX,
            u128::MAX
        ));
        assert!(!union_holds::<u32>(&mut [], 0, 0));
    }
}
