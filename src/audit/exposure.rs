//! Exposure to the internet, by set semantics.
//!
//! **World** means the allowed sources cover all public address space of a family,
//! however it is spelled (`0.0.0.0/0`, `0.0.0.0/1` + `128.0.0.0/1`, a prefix list, several
//! rules or several groups together). Public space is, for IPv4, everything except the
//! special-purpose blocks of RFC 6890 that are not globally reachable: `0.0.0.0/8`,
//! `10.0.0.0/8`, `100.64.0.0/10`, `127.0.0.0/8`, `169.254.0.0/16`, `172.16.0.0/12`,
//! `192.0.0.0/24`, `192.0.2.0/24`, `192.168.0.0/16`, `198.18.0.0/15`, `198.51.100.0/24`,
//! `203.0.113.0/24`, `224.0.0.0/4` and `240.0.0.0/4`; for IPv6, global unicast
//! `2000::/3` except the documentation block `2001:db8::/32`. **Broad** means the allowed
//! public sources add up to at least a `/8` of IPv4 (a `/32` of IPv6) without being the
//! world (configurable).
//!
//! For every ENI, the union over its groups of the ingress rules is cut into atomic L4
//! segments per (family, protocol); each segment's allowed public sources are the union
//! of its rules' sources, intersected with public space. Protocol `-1` rules count for
//! every protocol; `icmp` rules count only for IPv4 and `icmpv6` only for IPv6; other
//! numbers are their own protocol. ICMP segments live in a `type << 8 | code` space so
//! that a rule on one type (or one type and code) is exact. Group references match
//! private addresses only and never make a rule public. A prefix list whose entries were
//! not exported is *assumed* public (the finding says so and is reported one level
//! lower). Group sets shared by several ENIs are computed once.
//!
//! **Effective vs nominal** is [`internet_path`]: a small stand-in for the reach engine
//! (`eval::reach`, issue 4), to be replaced by it.

use super::context::AuditCtx;
use crate::index::compiled::Resolved;
use crate::index::intervals::{Endpoint, IntervalSet};
use crate::index::nacl::CompiledNacl;
use crate::model::{Eni, InstanceState, NetworkAcl, PrefixListId, RouteDestination, RouteTarget};
use crate::net::{Direction, Family, L4, PacketL4, Protocol};
use rayon::prelude::*;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, OnceLock};

/// Public address space (see the module doc).
#[derive(Debug, Clone)]
pub struct PublicSpace {
    /// IPv4.
    pub v4: IntervalSet<u32>,
    /// IPv6.
    pub v6: IntervalSet<u128>,
}

const NON_PUBLIC_V4: [(&str, u8); 14] = [
    ("0.0.0.0", 8),
    ("10.0.0.0", 8),
    ("100.64.0.0", 10),
    ("127.0.0.0", 8),
    ("169.254.0.0", 16),
    ("172.16.0.0", 12),
    ("192.0.0.0", 24),
    ("192.0.2.0", 24),
    ("192.168.0.0", 16),
    ("198.18.0.0", 15),
    ("198.51.100.0", 24),
    ("203.0.113.0", 24),
    ("224.0.0.0", 4),
    ("240.0.0.0", 4),
];

fn v4_block(addr: &str, len: u8) -> (u32, u32) {
    let a = u32::from(addr.parse::<Ipv4Addr>().unwrap_or(Ipv4Addr::UNSPECIFIED));
    let size = if len == 0 {
        u32::MAX
    } else {
        (1u32 << (32 - len)) - 1
    };
    (a, a | size)
}

fn v6_block(addr: &str, len: u8) -> (u128, u128) {
    let a = u128::from(addr.parse::<Ipv6Addr>().unwrap_or(Ipv6Addr::UNSPECIFIED));
    let size = if len == 0 {
        u128::MAX
    } else {
        (1u128 << (128 - len)) - 1
    };
    (a, a | size)
}

/// The public space, built once.
pub fn public_space() -> &'static PublicSpace {
    static SPACE: OnceLock<PublicSpace> = OnceLock::new();
    SPACE.get_or_init(|| {
        let private = IntervalSet::from_ranges(NON_PUBLIC_V4.iter().map(|&(a, l)| v4_block(a, l)));
        let v6 = IntervalSet::from_ranges([v6_block("2000::", 3)])
            .difference(&IntervalSet::from_ranges([v6_block("2001:db8::", 32)]));
        PublicSpace {
            v4: private.complement(),
            v6,
        }
    })
}

/// How far a segment is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reach {
    /// All public space of the family.
    World,
    /// A large part of it.
    Broad,
}

/// One atomic segment of exposure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposedRange {
    /// Address family of the sources.
    pub family: Family,
    /// `All`, `Tcp`, `Udp`, `Icmp`/`Icmpv6` or a number.
    pub protocol: Protocol,
    /// L4 low end: port, or `type << 8 | code`; 0 for protocols without L4.
    pub lo: u16,
    /// L4 high end.
    pub hi: u16,
    /// World or broad.
    pub reach: Reach,
    /// Prefix lists with unknown entries that the world coverage relies on.
    pub assumed: Vec<PrefixListId>,
    /// Every rule that admits public sources of this family and protocol to the
    /// subject, sorted by rule (one table shared by all segments of the subject's family
    /// and protocol: a segment holds 17 rules on average and an estate has a million
    /// segments). The segment's own rules are those it [`holds`](Self::holds).
    pub contributors: Arc<[Contributor]>,
    /// How many distinct rules contribute (the length of [`rules`](Self::rules)).
    pub held: u32,
    /// The contributing rules findings cite: for world reach, the rules that each open
    /// the segment to the world on their own when there are such rules, else all of
    /// them (they do it together); for broad reach, the largest sources until they
    /// reach the threshold.
    pub cited: Box<[(u32, u32)]>,
    /// Whether each rule in `cited` opens the segment to the world on its own.
    pub alone: bool,
}

/// A rule admitting public sources in one family and protocol (see
/// [`ExposedRange::contributors`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contributor {
    /// (group position, rule position).
    pub rule: (u32, u32),
    /// The rule's L4 span (see [`ExposedRange::lo`]).
    pub lo: u16,
    /// The L4 high end.
    pub hi: u16,
    /// Whether its sources are known (not a prefix list assumed public).
    pub known: bool,
}

impl ExposedRange {
    /// Whether `c` contributes to this segment: its span holds the segment (segments
    /// are cut at every rule's span ends, so a span holds a segment or misses it) and,
    /// for broad reach, its sources are known.
    pub fn holds(&self, c: &Contributor) -> bool {
        c.lo <= self.lo && c.hi >= self.hi && (self.reach == Reach::World || c.known)
    }

    /// Every contributing rule (for world reach all rules whose span holds the segment,
    /// for broad reach the known ones), sorted.
    pub fn rules(&self) -> Vec<(u32, u32)> {
        let mut rules: Vec<(u32, u32)> = self
            .contributors
            .iter()
            .filter(|c| self.holds(c))
            .map(|c| c.rule)
            .collect();
        rules.dedup();
        rules
    }
}

/// What an exposure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// An ENI (position in `Topology::enis`).
    Eni(u32),
    /// A group attached to no ENI (position in `Topology::security_groups`).
    Group(u32),
}

/// Exposures of every subject with something open.
#[derive(Debug, Default)]
pub struct Exposures {
    /// Subjects in topology order (ENIs, then unattached groups) with their segments.
    pub subjects: Vec<(Subject, Arc<Vec<ExposedRange>>)>,
    /// Static path status per ENI with exposure, IPv4 and IPv6.
    pub paths: HashMap<u32, [StaticPath; 2]>,
    /// NACL verdicts already worked out: (NACL position, route table position, family,
    /// protocol, lo, hi).
    nacl_verdicts: std::sync::Mutex<HashMap<NaclQuery, Result<(), String>>>,
}

/// (NACL, route table, family, protocol, lo, hi, hash of the sources asked about or 0).
type NaclQuery = (usize, usize, Family, Protocol, u16, u16, u64);

/// The part of the internet path that does not depend on protocol and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticPath {
    /// Reachable up to the NACL; the NACL (position) to check, if any, and a description.
    Open {
        /// NACL position in `Topology::network_acls`.
        nacl: Option<usize>,
        /// Route table position in `Topology::route_tables` (what `clients` depend on).
        table: usize,
        /// The public clients whose replies are routed to an internet gateway, as
        /// ranges of addresses (IPv4 widened), sorted and disjoint.
        clients: Arc<[(u128, u128)]>,
        /// "public 54.0.0.10, 0.0.0.0/0 via igw-1".
        detail: String,
    },
    /// Blocked, and why.
    Blocked(String),
}

/// Whether a finding's traffic reaches the ENI from the internet today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStatus {
    /// Reachable now; how.
    Effective(String),
    /// Blocked; why.
    Nominal(String),
}

#[derive(Debug, Clone)]
struct Contrib<T: Endpoint> {
    protocol: Protocol,
    lo: u16,
    hi: u16,
    set: IntervalSet<T>,
    assumed: Option<PrefixListId>,
    rule: (u32, u32),
}

/// A rule's L4 part in the segment space: ports, or ICMP `type << 8 | code`.
pub(crate) fn l4_span(l4: L4) -> Option<(u16, u16)> {
    match l4 {
        L4::Nothing => None,
        L4::Any => Some((0, u16::MAX)),
        L4::Ports(p) => Some((p.lo(), p.hi())),
        L4::Icmp(m) => Some(match (m.icmp_type(), m.icmp_code()) {
            (None, _) => (0, u16::MAX),
            (Some(t), None) => (u16::from(t) << 8, (u16::from(t) << 8) | 0xff),
            (Some(t), Some(c)) => {
                let v = (u16::from(t) << 8) | u16::from(c);
                (v, v)
            }
        }),
    }
}

trait FamilySpace: Endpoint {
    const FAMILY: Family;
    /// Addresses in `[lo, hi]` (saturating).
    fn width(lo: Self, hi: Self) -> u128;
    fn size(set: &IntervalSet<Self>) -> u128 {
        set.ranges()
            .iter()
            .fold(0u128, |acc, &(a, b)| acc.saturating_add(Self::width(a, b)))
    }
}

impl FamilySpace for u32 {
    const FAMILY: Family = Family::V4;
    fn width(lo: u32, hi: u32) -> u128 {
        u128::from(hi - lo) + 1
    }
}

impl FamilySpace for u128 {
    const FAMILY: Family = Family::V6;
    fn width(lo: u128, hi: u128) -> u128 {
        (hi - lo).saturating_add(1)
    }
}

fn union_all<'a, T: Endpoint + 'a>(
    sets: impl Iterator<Item = &'a IntervalSet<T>>,
) -> IntervalSet<T> {
    IntervalSet::from_ranges(sets.flat_map(|s| s.ranges().iter().copied()))
}

/// Segments of one family from its contributions (each contribution's set lies inside
/// `world`).
fn analyse<T: FamilySpace>(
    contribs: &[&Contrib<T>],
    world: &IntervalSet<T>,
    broad_min: u128,
    out: &mut Vec<ExposedRange>,
) {
    let mut protocols: Vec<Protocol> = contribs.iter().map(|c| c.protocol).collect();
    protocols.sort_unstable();
    protocols.dedup();
    // Whether the protocol `-1` rules open the whole world, counting (`assumed`) or not
    // counting prefix lists whose entries are unknown.
    let all_world = |assumed: bool| {
        let mut all = contribs
            .iter()
            .filter(|c| c.protocol == Protocol::All && (assumed || c.assumed.is_none()))
            .peekable();
        all.peek().is_some() && union_all(all.map(|c| &c.set)).covers(world)
    };
    let (known_world, assumed_world) = (all_world(false), all_world(true));
    for &p in &protocols {
        // Protocol -1 already world: the specific protocols add nothing to report.
        if known_world && p != Protocol::All {
            continue;
        }
        // World only if a list of unknown entries is public: that assumption is the
        // `-1` finding's; a specific protocol is reported for what its own rules (and
        // the known `-1` ones) open, so a certain `tcp 22 from 0.0.0.0/0` is not hidden
        // behind a guess.
        let mut items: Vec<&Contrib<T>> = contribs
            .iter()
            .copied()
            .filter(|c| {
                c.protocol == p
                    || (p != Protocol::All
                        && c.protocol == Protocol::All
                        && !(assumed_world && c.assumed.is_some()))
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        // In rule order: the sweep keeps its active items sorted, so what a segment
        // cites and holds comes out sorted.
        items.sort_by_key(|c| c.rule);
        let sweep = Sweep::new(&items, world);
        if sweep.may_report(broad_min) {
            sweep.run(p, broad_min, out);
        }
    }
}

/// A rule by (group position, rule position).
type RuleAt = (u32, u32);

/// The rules to cite for a broad segment: the largest sources first, until together
/// they hold `broad_min` addresses (so one `/8` rule is cited alone, not with every
/// `/32` beside it).
fn broad_evidence<T: FamilySpace>(
    known: &[(u128, RuleAt, &IntervalSet<T>)],
    broad_min: u128,
) -> Vec<RuleAt> {
    let sources = |k: usize| known[k].2.ranges();
    // The usual case: the largest sources are broad alone. Those with the lowest
    // addresses are cited (all of them, if several rules have them), as the sort below
    // would order them, without the sort.
    let largest = known.iter().map(|k| k.0).max().unwrap_or(0);
    if largest >= broad_min {
        let lowest = (0..known.len())
            .filter(|&k| known[k].0 == largest)
            .min_by(|&a, &b| sources(a).cmp(sources(b)));
        let mut rules: Vec<RuleAt> = (known.iter())
            .filter(|k| lowest.is_some_and(|l| k.0 == largest && k.2.ranges() == sources(l)))
            .map(|k| k.1)
            .collect();
        rules.sort_unstable();
        return rules;
    }
    let mut order: Vec<(u128, RuleAt, usize)> = known
        .iter()
        .enumerate()
        .map(|(k, &(size, rule, _))| (size, rule, k))
        .collect();
    // Among sources of one size, the lowest addresses first, not the first rule: which
    // are cited (and so the finding's peer and fingerprint) must not depend on the
    // order of the export. Rules with the same sources are cited together (a CIDR and
    // a prefix list holding just it), for the same reason.
    order.sort_unstable_by(|a, b| {
        (b.0.cmp(&a.0))
            .then_with(|| sources(a.2).cmp(sources(b.2)))
            .then(a.1.cmp(&b.1))
    });
    let mut held: Vec<(T, T)> = Vec::new();
    let mut rules = Vec::new();
    let mut last = None;
    // None is broad alone (that was the case above): the largest until together they are.
    for (_, rule, k) in order {
        if let Some(l) = last {
            if sources(l) == sources(k) {
                rules.push(rule);
                continue;
            }
            break;
        }
        rules.push(rule);
        held.extend(sources(k));
        let union = IntervalSet::from_ranges(held.iter().copied());
        if T::size(&union) >= broad_min {
            last = Some(k);
            continue;
        }
        held = union.ranges().to_vec();
    }
    rules
}

/// A sweep over the L4 axis of one protocol's contributions. The address axis is cut
/// into elementary pieces of `world` at every boundary of every contribution's set; each
/// piece counts the active contributions holding it, so whether the active ones cover
/// the world, and how much public space they hold, is known at every step without
/// building a union.
struct Sweep<'c, T: FamilySpace> {
    /// Sorted by rule.
    items: &'c [&'c Contrib<T>],
    /// Whether no two items are the same rule (then a segment's rules need no dedup).
    distinct: bool,
    /// Per item `i`: the runs of pieces `[first, end)` its set holds are
    /// `runs[run_at[i]..run_at[i + 1]]` (none for items that hold the whole world: those
    /// are counted, not spread over the pieces).
    run_at: Vec<u32>,
    runs: Vec<(u32, u32)>,
    size: Vec<u128>,
    known: Vec<u32>,
    all: Vec<u32>,
    /// Pieces held by no active known (resp. any active) partial contribution.
    bare_known: usize,
    bare_all: usize,
    known_size: u128,
    /// Active items holding the whole world: known ones, and all.
    whole_known: usize,
    whole_all: usize,
    /// The active items, sorted (so in rule order), and how many are known.
    active: Vec<usize>,
    active_known: usize,
    /// Per item: its set's size, and whether it holds the whole world alone.
    item_size: Vec<u128>,
    whole: Vec<bool>,
}

impl<'c, T: FamilySpace> Sweep<'c, T> {
    fn new(items: &'c [&'c Contrib<T>], world: &IntervalSet<T>) -> Self {
        let whole: Vec<bool> = items.iter().map(|c| c.set.covers(world)).collect();
        // A whole-world item's set is `world` itself: it adds no cut.
        let mut cuts: Vec<T> = Vec::new();
        for (c, _) in items.iter().zip(&whole).filter(|(_, w)| !**w) {
            for &(a, b) in c.set.ranges() {
                cuts.push(a);
                cuts.extend(b.succ());
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces: Vec<(T, T)> = Vec::new();
        for &(wa, wb) in world.ranges() {
            let mut lo = wa;
            for &x in &cuts[cuts.partition_point(|&x| x <= wa)..] {
                if x > wb {
                    break;
                }
                if let Some(before) = x.pred() {
                    pieces.push((lo, before));
                }
                lo = x;
            }
            pieces.push((lo, wb));
        }
        let mut run_at = Vec::with_capacity(items.len() + 1);
        let mut runs = Vec::new();
        run_at.push(0);
        for (c, &w) in items.iter().zip(&whole) {
            if !w {
                runs.extend(c.set.ranges().iter().filter_map(|&(a, b)| {
                    let first = pieces.partition_point(|e| e.1 < a);
                    let end = pieces.partition_point(|e| e.0 <= b);
                    (first < end).then_some((first as u32, end as u32))
                }));
            }
            run_at.push(runs.len() as u32);
        }
        let n = pieces.len();
        Sweep {
            items,
            distinct: items.windows(2).all(|w| w[0].rule != w[1].rule),
            run_at,
            runs,
            size: pieces.iter().map(|&(a, b)| T::width(a, b)).collect(),
            known: vec![0; n],
            all: vec![0; n],
            bare_known: n,
            bare_all: n,
            known_size: 0,
            whole_known: 0,
            whole_all: 0,
            active: Vec::with_capacity(items.len()),
            active_known: 0,
            item_size: items.iter().map(|c| T::size(&c.set)).collect(),
            whole,
        }
    }

    /// Whether all items together cover the world or hold at least `broad_min`
    /// addresses (else no segment can be reported). Pieces partition the world and each
    /// lies wholly inside or outside every item's set, so this counts pieces.
    fn may_report(&self, broad_min: u128) -> bool {
        if self.whole.iter().any(|&w| w) {
            return true;
        }
        let mut depth = vec![0i32; self.size.len() + 1];
        for &(first, end) in &self.runs {
            depth[first as usize] += 1;
            depth[end as usize] -= 1;
        }
        let (mut held, mut size, mut all) = (0i32, 0u128, true);
        for (e, &piece) in self.size.iter().enumerate() {
            held += depth[e];
            if held > 0 {
                size = size.saturating_add(piece);
            } else {
                all = false;
            }
        }
        all || size >= broad_min
    }

    /// The runs of item `i` (positions in `runs`).
    fn runs_of(&self, i: usize) -> std::ops::Range<usize> {
        self.run_at[i] as usize..self.run_at[i + 1] as usize
    }

    fn enter(&mut self, i: usize) {
        let at = self.active.partition_point(|&a| a < i);
        self.active.insert(at, i);
        let known = self.items[i].assumed.is_none();
        self.active_known += usize::from(known);
        if self.whole[i] {
            self.whole_all += 1;
            self.whole_known += usize::from(known);
            return;
        }
        for k in self.runs_of(i) {
            let (first, end) = self.runs[k];
            for e in first as usize..end as usize {
                if known {
                    if self.known[e] == 0 {
                        self.bare_known -= 1;
                        self.known_size = self.known_size.saturating_add(self.size[e]);
                    }
                    self.known[e] += 1;
                }
                if self.all[e] == 0 {
                    self.bare_all -= 1;
                }
                self.all[e] += 1;
            }
        }
    }

    fn leave(&mut self, i: usize) {
        if let Ok(at) = self.active.binary_search(&i) {
            self.active.remove(at);
        }
        let known = self.items[i].assumed.is_none();
        self.active_known -= usize::from(known);
        if self.whole[i] {
            self.whole_all -= 1;
            self.whole_known -= usize::from(known);
            return;
        }
        for k in self.runs_of(i) {
            let (first, end) = self.runs[k];
            for e in first as usize..end as usize {
                if known {
                    self.known[e] -= 1;
                    if self.known[e] == 0 {
                        self.bare_known += 1;
                        self.known_size = self.known_size.saturating_sub(self.size[e]);
                    }
                }
                self.all[e] -= 1;
                if self.all[e] == 0 {
                    self.bare_all += 1;
                }
            }
        }
    }

    /// The rules a segment cites among the active items, and whether each opens it to
    /// the world alone (see [`ExposedRange::cited`]).
    fn cite(&self, reach: Reach, assumed: &[PrefixListId], broad_min: u128) -> (Vec<RuleAt>, bool) {
        let items = self.items;
        let active = || self.active.iter().copied();
        let known = |i: &usize| items[*i].assumed.is_none();
        let mut cited: Vec<RuleAt> = Vec::new();
        if reach == Reach::World && assumed.is_empty() {
            cited.extend(
                active()
                    .filter(known)
                    .filter(|&i| self.whole[i])
                    .map(|i| items[i].rule),
            );
        }
        let alone = !cited.is_empty();
        if !alone {
            cited = if reach == Reach::Broad {
                let known: Vec<(u128, RuleAt, &IntervalSet<T>)> = active()
                    .filter(known)
                    .map(|i| (self.item_size[i], items[i].rule, &items[i].set))
                    .collect();
                let mut cited = broad_evidence(&known, broad_min);
                cited.sort_unstable();
                cited
            } else {
                active().map(|i| items[i].rule).collect()
            };
        }
        // Active items are in rule order: only repeated rules are left to drop.
        debug_assert!(cited.is_sorted());
        cited.dedup();
        (cited, alone)
    }

    fn run(mut self, p: Protocol, broad_min: u128, out: &mut Vec<ExposedRange>) {
        let items = self.items;
        let mut table: Vec<Contributor> = items
            .iter()
            .map(|c| Contributor {
                rule: c.rule,
                lo: c.lo,
                hi: c.hi,
                known: c.assumed.is_none(),
            })
            .collect();
        table.sort_unstable_by_key(|c| c.rule);
        // Segments of protocols without ports are widened to the whole span below,
        // which is only exact because their rules span everything (see `l4_span`).
        debug_assert!(
            p.has_ports() || p.is_icmp() || table.iter().all(|c| c.lo == 0 && c.hi == u16::MAX)
        );
        let table: Arc<[Contributor]> = table.into();
        let mut points: Vec<u32> = vec![0];
        for c in items {
            points.push(u32::from(c.lo));
            points.push(u32::from(c.hi) + 1);
        }
        points.sort_unstable();
        points.dedup();
        let mut enter: Vec<usize> = (0..items.len()).collect();
        enter.sort_unstable_by_key(|&i| (items[i].lo, i));
        let mut leave = enter.clone();
        leave.sort_unstable_by_key(|&i| (items[i].hi, i));
        let (mut ei, mut li, mut active_n) = (0, 0, 0usize);
        let mut held: Vec<RuleAt> = Vec::new();
        for w in points.windows(2) {
            let (lo, end) = (w[0], w[1]);
            if lo > u32::from(u16::MAX) {
                break;
            }
            while li < leave.len() && u32::from(items[leave[li]].hi) < lo {
                self.leave(leave[li]);
                active_n -= 1;
                li += 1;
            }
            while ei < enter.len() && u32::from(items[enter[ei]].lo) <= lo {
                self.enter(enter[ei]);
                active_n += 1;
                ei += 1;
            }
            if active_n == 0 {
                continue;
            }
            let (lo, hi) = (lo as u16, (end - 1).min(u32::from(u16::MAX)) as u16);
            let (reach, assumed) = if self.whole_known > 0 || self.bare_known == 0 {
                (Reach::World, Vec::new())
            } else if self.whole_all > 0 || self.bare_all == 0 {
                let mut a: Vec<PrefixListId> = self
                    .active
                    .iter()
                    .filter_map(|&i| items[i].assumed.clone())
                    .collect();
                a.sort();
                a.dedup();
                (Reach::World, a)
            } else if self.known_size >= broad_min {
                (Reach::Broad, Vec::new())
            } else {
                continue;
            };
            let (cited, alone) = self.cite(reach, &assumed, broad_min);
            let held = if self.distinct {
                match reach {
                    Reach::World => self.active.len(),
                    Reach::Broad => self.active_known,
                }
            } else {
                held.clear();
                held.extend(
                    self.active
                        .iter()
                        .filter(|&&i| reach == Reach::World || items[i].assumed.is_none())
                        .map(|&i| items[i].rule),
                );
                held.dedup();
                held.len()
            };
            let (lo, hi) = if p.has_ports() || p.is_icmp() {
                (lo, hi)
            } else {
                (0, u16::MAX)
            };
            out.push(ExposedRange {
                family: T::FAMILY,
                protocol: p,
                lo,
                hi,
                reach,
                assumed,
                contributors: Arc::clone(&table),
                held: held as u32,
                cited: cited.into_boxed_slice(),
                alone,
            });
        }
    }
}

/// One group's ingress rules that admit public sources, per family.
#[derive(Default)]
struct GroupContribs {
    v4: Vec<Contrib<u32>>,
    v6: Vec<Contrib<u128>>,
}

fn group_contribs(ctx: &AuditCtx<'_>, gi: u32) -> GroupContribs {
    let space = public_space();
    let mut out = GroupContribs::default();
    let g = ctx.group(gi);
    for (ri, rule) in g.ingress.iter().enumerate() {
        let Some((lo, hi)) = l4_span(rule.l4) else {
            continue;
        };
        let at = (gi, ri as u32);
        let (want4, want6) = match rule.protocol {
            Protocol::Icmp => (true, false),
            Protocol::Icmpv6 => (false, true),
            _ => (true, true),
        };
        let mut push4 = |set: IntervalSet<u32>, assumed: Option<PrefixListId>| {
            let set = set.intersect(&space.v4);
            if want4 && !set.is_empty() {
                out.v4.push(Contrib {
                    protocol: rule.protocol,
                    lo,
                    hi,
                    set,
                    assumed,
                    rule: at,
                });
            }
        };
        let mut v6: Vec<(IntervalSet<u128>, Option<PrefixListId>)> = Vec::new();
        let list_id = match &rule.peer {
            crate::model::Peer::PrefixList { id } => Some(id.clone()),
            _ => None,
        };
        match ctx.resolver.resolve(rule) {
            Resolved::Cidr(c) => {
                if let Some(r) = c.v4_range() {
                    push4(IntervalSet::from_ranges([(r.lo(), r.hi())]), None);
                }
                if let Some(r) = c.v6_range() {
                    v6.push((IntervalSet::from_ranges([(r.lo(), r.hi())]), None));
                }
            }
            Resolved::Addrs(a) => {
                if list_id.is_some() {
                    push4(a.v4.clone(), None);
                    v6.push((a.v6.clone(), None));
                }
            }
            Resolved::Unknown(fam) => {
                if list_id.is_some() {
                    if fam != Some(Family::V6) {
                        push4(space.v4.clone(), list_id.clone());
                    }
                    if fam != Some(Family::V4) {
                        v6.push((space.v6.clone(), list_id.clone()));
                    }
                }
            }
            // Group members are private addresses; stale references match nothing.
            Resolved::Partial(_) | Resolved::Stale => {}
        }
        for (set, assumed) in v6 {
            let set = set.intersect(&space.v6);
            if want6 && !set.is_empty() {
                out.v6.push(Contrib {
                    protocol: rule.protocol,
                    lo,
                    hi,
                    set,
                    assumed,
                    rule: at,
                });
            }
        }
    }
    out
}

/// The exposure of one set of groups (positions), from precomputed contributions.
fn exposure_from(
    ctx: &AuditCtx<'_>,
    per_group: &[GroupContribs],
    groups: &[u32],
) -> Vec<ExposedRange> {
    let space = public_space();
    let v4: Vec<&Contrib<u32>> = groups
        .iter()
        .flat_map(|&g| per_group[g as usize].v4.iter())
        .collect();
    let v6: Vec<&Contrib<u128>> = groups
        .iter()
        .flat_map(|&g| per_group[g as usize].v6.iter())
        .collect();
    let mut out = Vec::new();
    if v4.is_empty() && v6.is_empty() {
        return out;
    }
    let b4 = 1u128 << (32 - u32::from(ctx.config.broad_prefix_v4.min(32)));
    let b6 = match ctx.config.broad_prefix_v6.min(128) {
        0 => u128::MAX,
        p => 1u128 << (128 - u32::from(p)),
    };
    analyse(&v4, &space.v4, b4, &mut out);
    analyse(&v6, &space.v6, b6, &mut out);
    out
}

/// The exposure of one set of groups (positions): ingress from public space.
pub fn exposure_of(ctx: &AuditCtx<'_>, groups: &[u32]) -> Vec<ExposedRange> {
    let mut per_group: Vec<GroupContribs> = (0..ctx.topo.security_groups.len())
        .map(|_| GroupContribs::default())
        .collect();
    for &g in groups {
        if let Some(slot) = per_group.get_mut(g as usize) {
            *slot = group_contribs(ctx, g);
        }
    }
    exposure_from(ctx, &per_group, groups)
}

/// Computes every subject's exposure (group sets shared by several ENIs once, in
/// parallel) and the static internet path of every exposed ENI.
pub fn compute(ctx: &AuditCtx<'_>) -> Exposures {
    let mut sets: HashMap<&[u32], usize> = HashMap::new();
    let mut unique: Vec<&[u32]> = Vec::new();
    for gs in &ctx.eni_groups {
        if gs.is_empty() {
            continue;
        }
        sets.entry(gs.as_slice()).or_insert_with(|| {
            unique.push(gs.as_slice());
            unique.len() - 1
        });
    }
    let unattached: Vec<u32> = (0..ctx.topo.security_groups.len() as u32)
        .filter(|&g| ctx.members[g as usize].is_empty())
        .collect();
    let per_group: Vec<GroupContribs> = (0..ctx.topo.security_groups.len() as u32)
        .into_par_iter()
        .map(|g| group_contribs(ctx, g))
        .collect();
    let computed: Vec<Arc<Vec<ExposedRange>>> = unique
        .par_iter()
        .map(|gs| Arc::new(exposure_from(ctx, &per_group, gs)))
        .collect();
    let lonely: Vec<Arc<Vec<ExposedRange>>> = unattached
        .par_iter()
        .map(|&g| Arc::new(exposure_from(ctx, &per_group, &[g])))
        .collect();
    let mut subjects = Vec::new();
    let mut paths = HashMap::new();
    for (i, gs) in ctx.eni_groups.iter().enumerate() {
        if gs.is_empty() {
            continue;
        }
        let ranges = &computed[sets[gs.as_slice()]];
        if ranges.is_empty() {
            continue;
        }
        subjects.push((Subject::Eni(i as u32), Arc::clone(ranges)));
        let eni = &ctx.topo.enis[i];
        paths.insert(
            i as u32,
            [
                static_path(ctx, eni, Family::V4),
                static_path(ctx, eni, Family::V6),
            ],
        );
    }
    for (k, &g) in unattached.iter().enumerate() {
        if !lonely[k].is_empty() {
            subjects.push((Subject::Group(g), Arc::clone(&lonely[k])));
        }
    }
    Exposures {
        subjects,
        paths,
        nacl_verdicts: Default::default(),
    }
}

/// Everything about the internet path to `eni` that does not depend on the port:
/// instance running, public address, the public clients whose replies are routed to an
/// attached internet gateway.
fn static_path(ctx: &AuditCtx<'_>, eni: &Eni, family: Family) -> StaticPath {
    let blocked = |s: String| StaticPath::Blocked(s);
    if let Some(att) = &eni.attachment
        && let Some(iid) = &att.instance
        && let Some(inst) = ctx.lookup.instance(iid.as_str(), Some(&eni.scope))
        && inst.state != InstanceState::Running
    {
        return blocked(format!("instance {} is {}", inst.id, inst.state));
    }
    if eni.attachment.is_none()
        && eni.status.as_deref() == Some("available")
        && eni.is_instance_type()
    {
        return blocked("the interface is not attached".to_string());
    }
    let public = match family {
        // Address records are on their interfaces once read (`attach_addresses`).
        Family::V4 => eni.public_ips().next().map(|p| p.ip.to_string()),
        Family::V6 => eni
            .ipv6
            .iter()
            .find(|a| public_space().v6.contains(u128::from(**a)))
            .map(|a| a.to_string()),
    };
    let Some(public) = public else {
        return blocked(format!("no public {} address", family_name(family)));
    };
    let Some(subnet_id) = &eni.subnet else {
        return blocked("no subnet in the export".to_string());
    };
    let Some(subnet) = ctx.lookup.subnet(subnet_id.as_str(), Some(&eni.scope)) else {
        return blocked(format!(
            "subnet {subnet_id} is not in the export (route unknown)"
        ));
    };
    let Some(rt) = ctx.lookup.route_table_for_subnet(subnet) else {
        return blocked(format!(
            "no route table for subnet {subnet_id} in the export"
        ));
    };
    let routed = internet_clients(ctx, rt, subnet.vpc.as_ref(), family);
    if routed.clients.is_empty() {
        return blocked(route_blocked(ctx, rt, subnet.vpc.as_ref(), family));
    }
    let any = any_route(family);
    let whole = routed.clients.as_slice() == family_space(family).as_slice();
    let detail = match routed.via.as_slice() {
        [(dest, igw)] if whole && dest == any => format!("public {public}, {any} via {igw}"),
        via => {
            let dests: Vec<&str> = via.iter().map(|(d, _)| d.as_str()).collect();
            let mut igws: Vec<&str> = via.iter().map(|(_, g)| g.as_str()).collect();
            igws.dedup();
            format!(
                "public {public}, {} via {}{}",
                dests.join(", "),
                igws.join(", "),
                if whole {
                    ""
                } else {
                    " (part of the internet: more specific routes send the rest elsewhere)"
                }
            )
        }
    };
    let nacl = ctx.lookup.nacl_for_subnet(subnet).and_then(|n| {
        ctx.topo
            .network_acls
            .iter()
            .position(|x| std::ptr::eq(x, n))
    });
    let table = (ctx.topo.route_tables.iter())
        .position(|x| std::ptr::eq(x, rt))
        .unwrap_or(usize::MAX);
    StaticPath::Open {
        nacl,
        table,
        clients: routed.clients.into(),
        detail,
    }
}

fn any_route(family: Family) -> &'static str {
    match family {
        Family::V4 => "0.0.0.0/0",
        Family::V6 => "::/0",
    }
}

/// Whether the internet may reach interface `eni` in some family (its static path is
/// open), before protocols, ports and NACLs.
pub(crate) fn may_reach(ctx: &AuditCtx<'_>, eni: u32) -> bool {
    ctx.exposures
        .paths
        .get(&eni)
        .is_none_or(|p| p.iter().any(|s| matches!(s, StaticPath::Open { .. })))
}

/// The intersection of two lists of ranges.
fn intersect(a: &[(u128, u128)], b: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let (a, b) = (
        IntervalSet::from_ranges(a.iter().copied()),
        IntervalSet::from_ranges(b.iter().copied()),
    );
    a.intersect(&b).ranges().to_vec()
}

/// The public addresses of `family` that ingress rule `rule` (group position, rule
/// position) admits, as sorted disjoint widened ranges; a prefix list whose entries are
/// unknown admits none for certain.
pub(crate) fn rule_public_sources(
    ctx: &AuditCtx<'_>,
    (g, r): (u32, u32),
    family: Family,
) -> Vec<(u128, u128)> {
    let Some(rule) = ctx.group(g).ingress.get(r as usize) else {
        return Vec::new();
    };
    let admitted: Vec<(u128, u128)> = match ctx.resolver.resolve(rule) {
        Resolved::Cidr(c) => widened(&c, family).into_iter().collect(),
        Resolved::Addrs(a) => match family {
            Family::V4 => (a.v4.ranges().iter())
                .map(|&(x, y)| (u128::from(x), u128::from(y)))
                .collect(),
            Family::V6 => a.v6.ranges().to_vec(),
        },
        _ => Vec::new(),
    };
    intersect(&admitted, &family_space(family))
}

/// The block of `c` as a range of widened addresses, when it is of `family`.
fn widened(c: &crate::net::Cidr, family: Family) -> Option<(u128, u128)> {
    match family {
        Family::V4 => c
            .v4_range()
            .map(|r| (u128::from(r.lo()), u128::from(r.hi()))),
        Family::V6 => c.v6_range().map(|r| (r.lo(), r.hi())),
    }
}

/// Public space of `family` as widened ranges.
fn family_space(family: Family) -> Vec<(u128, u128)> {
    let space = public_space();
    match family {
        Family::V4 => (space.v4.ranges().iter())
            .map(|&(a, b)| (u128::from(a), u128::from(b)))
            .collect(),
        Family::V6 => space.v6.ranges().to_vec(),
    }
}

/// The public clients of `family` a route table sends replies to through an internet
/// gateway attached to the VPC (or not in the export), and the routes that do it.
struct Routed {
    clients: Vec<(u128, u128)>,
    /// (destination, gateway) of the routes that win for some client.
    via: Vec<(String, String)>,
}

/// An internet gateway `igw` that the export shows attached elsewhere, not to `vpc`.
fn detached_igw(
    ctx: &AuditCtx<'_>,
    rt: &crate::model::RouteTable,
    vpc: Option<&crate::model::VpcId>,
    igw: &crate::model::IgwId,
) -> bool {
    ctx.lookup
        .internet_gateway(igw.as_str(), Some(&rt.scope))
        .zip(vpc)
        .is_some_and(|(g, vpc)| !g.vpcs.contains(vpc))
}

/// Longest-prefix match over public space: the address space is cut at every route's
/// and every public block's ends, and each piece takes its most specific route.
fn internet_clients(
    ctx: &AuditCtx<'_>,
    rt: &crate::model::RouteTable,
    vpc: Option<&crate::model::VpcId>,
    family: Family,
) -> Routed {
    // (lo, hi, prefix length, route) for every destination block of the family.
    let mut routes: Vec<(u128, u128, u8, &crate::model::Route)> = Vec::new();
    for r in &rt.routes {
        match &r.destination {
            RouteDestination::Cidr { cidr } => {
                if let Some((lo, hi)) = widened(cidr, family) {
                    routes.push((lo, hi, cidr.prefix_len(), r));
                }
            }
            RouteDestination::PrefixList { id } => {
                let entries = (ctx.lookup.prefix_list(id.as_str(), Some(&rt.scope)))
                    .and_then(|pl| pl.entries.as_ref());
                for e in entries.into_iter().flatten() {
                    if let Some((lo, hi)) = widened(&e.cidr, family) {
                        routes.push((lo, hi, e.cidr.prefix_len(), r));
                    }
                }
            }
        }
    }
    let space = family_space(family);
    let mut cuts: Vec<u128> = Vec::new();
    for (lo, hi) in (space.iter().copied()).chain(routes.iter().map(|&(lo, hi, _, _)| (lo, hi))) {
        cuts.push(lo);
        cuts.extend(hi.checked_add(1));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let top = match family {
        Family::V4 => u128::from(u32::MAX),
        Family::V6 => u128::MAX,
    };
    let mut out = Routed {
        clients: Vec::new(),
        via: Vec::new(),
    };
    for (k, &lo) in cuts.iter().enumerate() {
        let public = space.iter().any(|&(a, b)| a <= lo && lo <= b);
        if !public || lo > top {
            continue;
        }
        let hi = cuts.get(k + 1).map_or(top, |&next| next - 1);
        // Of equally specific routes, a CIDR route wins over a prefix list's.
        // Among equals the first in the table, as `reach` takes it.
        let rank = |&(_, _, len, r): &(u128, u128, u8, &crate::model::Route)| {
            (len, matches!(r.destination, RouteDestination::Cidr { .. }))
        };
        let best = (routes.iter())
            .filter(|(a, b, _, _)| *a <= lo && lo <= *b)
            .fold(
                None,
                |best: Option<&(u128, u128, u8, &crate::model::Route)>, x| match best {
                    Some(b) if rank(b) >= rank(x) => Some(b),
                    _ => Some(x),
                },
            );
        let Some(&(_, _, _, route)) = best else {
            continue;
        };
        let RouteTarget::InternetGateway(igw) = &route.target else {
            continue;
        };
        if route.blackhole || detached_igw(ctx, rt, vpc, igw) {
            continue;
        }
        match out.clients.last_mut() {
            Some(last) if last.1.checked_add(1) == Some(lo) => last.1 = hi,
            _ => out.clients.push((lo, hi)),
        }
        let via = (route.destination.to_string(), igw.to_string());
        if !out.via.contains(&via) {
            out.via.push(via);
        }
    }
    out
}

/// A route of `rt` to an internet gateway through a prefix list whose entries are not in
/// the export (it may hold the clients), said.
fn unknown_list_to_igw(ctx: &AuditCtx<'_>, rt: &crate::model::RouteTable) -> Option<String> {
    rt.routes.iter().find_map(|r| {
        let RouteDestination::PrefixList { id } = &r.destination else {
            return None;
        };
        let unknown = (ctx.lookup.prefix_list(id.as_str(), Some(&rt.scope)))
            .is_none_or(|pl| pl.entries.is_none());
        (unknown && !r.blackhole && matches!(r.target, RouteTarget::InternetGateway(_))).then(
            || {
                format!(
                    "{} routes prefix list {id} to {}, whose entries are not in the export: \
                     which clients' replies reach the gateway is not known",
                    rt.id, r.target
                )
            },
        )
    })
}

/// Why no public client's reply is routed to an internet gateway.
fn route_blocked(
    ctx: &AuditCtx<'_>,
    rt: &crate::model::RouteTable,
    vpc: Option<&crate::model::VpcId>,
    family: Family,
) -> String {
    let any = any_route(family);
    let is_default = |r: &&crate::model::Route| matches!(&r.destination, RouteDestination::Cidr { cidr } if cidr.prefix_len() == 0 && cidr.family() == family);
    let to_igw = |r: &&crate::model::Route| {
        !r.blackhole && matches!(r.target, RouteTarget::InternetGateway(_))
    };
    for r in rt.routes.iter().filter(to_igw) {
        if let (RouteTarget::InternetGateway(igw), Some(vpc)) = (&r.target, vpc)
            && detached_igw(ctx, rt, Some(vpc), igw)
        {
            return format!("{igw} is not attached to {vpc}");
        }
    }
    if let Some(why) = unknown_list_to_igw(ctx, rt) {
        return why;
    }
    // A route to a gateway that may carry replies to some public address of this
    // family: a CIDR or a prefix list's known entries holding one, or a prefix list of
    // entries not exported.
    let public = public_space();
    let holds_public = |cidr: &crate::net::Cidr| match (family, cidr.v4_range(), cidr.v6_range()) {
        (Family::V4, Some(c), _) => public
            .v4
            .intersects(&IntervalSet::from_ranges([(c.lo(), c.hi())])),
        (Family::V6, _, Some(c)) => public
            .v6
            .intersects(&IntervalSet::from_ranges([(c.lo(), c.hi())])),
        _ => false,
    };
    let any_igw = rt
        .routes
        .iter()
        .filter(to_igw)
        .any(|r| match &r.destination {
            RouteDestination::Cidr { cidr } => holds_public(cidr),
            RouteDestination::PrefixList { id } => {
                let list = ctx.lookup.prefix_list(id.as_str(), Some(&rt.scope));
                match list.and_then(|l| l.entries.as_ref()) {
                    Some(entries) => entries.iter().any(|e| holds_public(&e.cidr)),
                    None => true,
                }
            }
        });
    match rt.routes.iter().filter(is_default).find(|r| !r.blackhole) {
        // A route whose target is gone (a deleted gateway) drops the traffic.
        None if !any_igw => match rt.routes.iter().find(is_default) {
            Some(dead) => format!(
                "the {any} route in {} to {} is a blackhole",
                rt.id, dead.target
            ),
            None => format!("route table {} has no {any} route", rt.id),
        },
        Some(route) if !any_igw => format!(
            "{any} in {} goes to {}, not an internet gateway",
            rt.id, route.target
        ),
        _ => format!(
            "no public {} address is routed to an internet gateway by {}: more specific \
             routes send them elsewhere",
            family_name(family),
            rt.id
        ),
    }
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::V4 => "IPv4",
        Family::V6 => "IPv6",
    }
}

fn probe_l4(protocol: Protocol, x: u16) -> PacketL4 {
    match protocol {
        Protocol::Tcp | Protocol::Udp => PacketL4::Port(x),
        Protocol::Icmp | Protocol::Icmpv6 => PacketL4::Icmp {
            ty: (x >> 8) as u8,
            code: (x & 0xff) as u8,
        },
        Protocol::All | Protocol::Number(_) => PacketL4::None,
    }
}

/// The replies to try for a probe of `protocol` at `l4` (stateless NACLs need the reply
/// let out): TCP and UDP to ephemeral ports (the usual ranges and every egress entry's
/// ends), an ICMP query its reply type; `None` when nothing answers (an ICMP error or
/// an unsolicited message).
fn reply_probes(protocol: Protocol, l4: &PacketL4, acl: &NetworkAcl) -> Option<Vec<PacketL4>> {
    match (protocol, l4) {
        (Protocol::Tcp | Protocol::Udp, _) => {
            let mut ports: Vec<u16> = vec![1024, 32768, 49152, 65535];
            for e in &acl.entries {
                if e.direction == Direction::Egress
                    && let L4::Ports(r) = e.l4
                {
                    ports.extend([r.lo(), r.hi()].into_iter().filter(|&x| x >= 1024));
                }
            }
            ports.sort_unstable();
            ports.dedup();
            Some(ports.into_iter().map(PacketL4::Port).collect())
        }
        (Protocol::Icmp | Protocol::Icmpv6, &PacketL4::Icmp { ty, .. }) => {
            crate::eval::reach::icmp_reply(protocol, ty)
                .map(|ty| vec![PacketL4::Icmp { ty, code: 0 }])
        }
        _ => Some(vec![PacketL4::None]),
    }
}

/// The protocols a protocol `-1` exposure is tried with: TCP, UDP, the family's ICMP,
/// every number a NACL entry names, and one number none names.
fn all_protocols(acl: &NetworkAcl, family: Family) -> Vec<Protocol> {
    let icmp = match family {
        Family::V4 => Protocol::Icmp,
        Family::V6 => Protocol::Icmpv6,
    };
    let mut out = vec![Protocol::Tcp, Protocol::Udp, icmp];
    for e in &acl.entries {
        if let Protocol::Number(_) = e.protocol
            && !out.contains(&e.protocol)
        {
            out.push(e.protocol);
        }
    }
    let named = |n: u8| {
        acl.entries
            .iter()
            .any(|e| e.protocol == Protocol::from_number(n))
    };
    if let Some(n) = (0..=u8::MAX)
        .rev()
        .find(|&n| !named(n) && matches!(Protocol::from_number(n), Protocol::Number(_)))
    {
        out.push(Protocol::from_number(n));
    }
    out
}

/// Whether the NACL lets (`protocol`, L4 in `[lo, hi]`) in from some client in
/// `clients` and the reply back out to it (protocol `-1`: any protocol).
fn nacl_path(
    acl: &NetworkAcl,
    family: Family,
    protocol: Protocol,
    lo: u16,
    hi: u16,
    clients: &[(u128, u128)],
) -> Result<(), String> {
    let compiled = CompiledNacl::new(acl);
    // The NACL decides alike between the ends of its entries' blocks: one client per
    // piece of `clients` cut there.
    let mut pts: Vec<u128> = clients.iter().map(|&(a, _)| a).collect();
    for e in &acl.entries {
        if let Some((a, b)) = widened(&e.cidr, family) {
            pts.push(a);
            pts.extend(b.checked_add(1));
        }
    }
    pts.sort_unstable();
    pts.dedup();
    let sources: Vec<IpAddr> = pts
        .into_iter()
        .filter(|&a| clients.iter().any(|&(x, y)| x <= a && a <= y))
        .map(|a| match family {
            Family::V4 => IpAddr::V4(Ipv4Addr::from(a as u32)),
            Family::V6 => IpAddr::V6(Ipv6Addr::from(a)),
        })
        .collect();
    let protocols = match protocol {
        Protocol::All => all_protocols(acl, family),
        p => vec![p],
    };
    // The first protocol let in whose reply is not let out, for the message.
    let mut refused: Option<Protocol> = None;
    for p in protocols {
        let (lo, hi) = if protocol == Protocol::All {
            (0, u16::MAX)
        } else {
            (lo, hi)
        };
        let mut probes: Vec<u16> = vec![lo];
        if p.has_ports() || matches!(p, Protocol::Icmp | Protocol::Icmpv6) {
            for e in acl.entries.iter().filter(|e| e.protocol == p) {
                if let Some((a, b)) = l4_span(e.l4) {
                    for x in [Some(a), b.checked_add(1)].into_iter().flatten() {
                        if lo <= x && x <= hi {
                            probes.push(x);
                        }
                    }
                }
            }
        }
        // Whether a reply is needed changes at each ICMP query type and the type after it.
        if matches!(p, Protocol::Icmp | Protocol::Icmpv6) {
            for q in 0..=u8::MAX {
                if crate::eval::reach::icmp_reply(p, q).is_some() {
                    for t in [Some(q), q.checked_add(1)].into_iter().flatten() {
                        let x = (u16::from(t) << 8).max(lo);
                        if x <= hi {
                            probes.push(x);
                        }
                    }
                }
            }
        }
        probes.sort_unstable();
        probes.dedup();
        for src in &sources {
            for &x in &probes {
                let l4 = probe_l4(p, x);
                if !compiled.evaluate(Direction::Ingress, *src, p, &l4).allows() {
                    continue;
                }
                let Some(replies) = reply_probes(p, &l4, acl) else {
                    return Ok(());
                };
                if replies
                    .iter()
                    .any(|rl4| compiled.evaluate(Direction::Egress, *src, p, rl4).allows())
                {
                    return Ok(());
                }
                refused.get_or_insert(p);
            }
        }
    }
    Err(match refused {
        Some(Protocol::Tcp | Protocol::Udp) => format!(
            "NACL {} blocks the reply to the client's ephemeral ports",
            acl.id
        ),
        Some(p @ (Protocol::Icmp | Protocol::Icmpv6)) => {
            format!("NACL {} blocks the {p} reply", acl.id)
        }
        Some(p) => format!("NACL {} blocks the reply ({p})", acl.id),
        None => format!("NACL {} does not let it in from the internet", acl.id),
    })
}

/// Whether (`protocol`, L4 `[lo, hi]`) reaches ENI `eni` from the internet now: instance
/// running, a public address of the family, some public client whose reply the most
/// specific route sends to an internet gateway attached to the VPC, and the subnet's
/// NACL letting it in from such a client and the reply out (a subnet without an
/// exported NACL is assumed to have the default allow-all one).
///
/// This is a deliberately small stand-in for the reach engine (`eval::reach`, issue 4)
/// and is to be replaced by it.
pub fn internet_path(
    ctx: &AuditCtx<'_>,
    eni: u32,
    family: Family,
    protocol: Protocol,
    (lo, hi): (u16, u16),
    sources: impl FnOnce() -> Option<Vec<(u128, u128)>>,
) -> PathStatus {
    let idx = match family {
        Family::V4 => 0,
        Family::V6 => 1,
    };
    let worked_out;
    let stat = match ctx.exposures.paths.get(&eni) {
        Some(p) => &p[idx],
        None => {
            worked_out = match ctx.topo.enis.get(eni as usize) {
                Some(e) => static_path(ctx, e, family),
                None => StaticPath::Blocked("unknown interface".to_string()),
            };
            &worked_out
        }
    };
    let StaticPath::Open {
        nacl,
        table,
        clients,
        detail,
    } = stat
    else {
        let StaticPath::Blocked(why) = stat else {
            unreachable!("a static path is open or blocked")
        };
        return PathStatus::Nominal(why.clone());
    };
    // Only the clients the rules admit (a broad range, not the world) count; worked out
    // only for an interface the internet could reach.
    let admitted;
    let (clients, asked) = match sources() {
        None => (&clients[..], 0),
        Some(src) => {
            admitted = intersect(clients, &src);
            if admitted.is_empty() {
                let Some(rt) = ctx.topo.route_tables.get(*table) else {
                    return PathStatus::Nominal("route table unknown".to_string());
                };
                return PathStatus::Nominal(match unknown_list_to_igw(ctx, rt) {
                    Some(why) => why,
                    None => format!(
                        "no address the rules admit has its reply routed to an internet \
                         gateway by {}",
                        rt.id
                    ),
                });
            }
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&src, &mut h);
            (&admitted[..], std::hash::Hasher::finish(&h) | 1)
        }
    };
    match *nacl {
        None => PathStatus::Effective(format!("{detail}, no NACL exported (default allows all)")),
        Some(n) => {
            let acl = &ctx.topo.network_acls[n];
            let key = (n, *table, family, protocol, lo, hi, asked);
            let known = ctx
                .exposures
                .nacl_verdicts
                .lock()
                .ok()
                .and_then(|m| m.get(&key).cloned());
            let verdict = known.unwrap_or_else(|| {
                let v = nacl_path(acl, family, protocol, lo, hi, clients);
                if let Ok(mut m) = ctx.exposures.nacl_verdicts.lock() {
                    m.insert(key, v.clone());
                }
                v
            });
            match verdict {
                Ok(()) => PathStatus::Effective(format!(
                    "{detail}, NACL {} lets it in and the reply out",
                    acl.id
                )),
                Err(why) => PathStatus::Nominal(why),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A segment's rules: every contributing one (for world reach all active rules, for
    /// broad reach the known ones), the ones to cite, and whether each cited rule opens
    /// it to the world on its own. Cited: for world reach through known rules, the rules
    /// that do it alone when there are any; for broad reach, see [`broad_evidence`];
    /// otherwise every contributing rule.
    fn segment_rules<T: FamilySpace>(
        active: &[&Contrib<T>],
        reach: Reach,
        assumed: &[PrefixListId],
        world: &IntervalSet<T>,
        broad_min: u128,
    ) -> (Vec<RuleAt>, Vec<RuleAt>, bool) {
        let mut rules: Vec<(u32, u32)> = active
            .iter()
            .filter(|c| reach == Reach::World || c.assumed.is_none())
            .map(|c| c.rule)
            .collect();
        rules.sort_unstable();
        rules.dedup();
        let single: Vec<(u32, u32)> = if reach == Reach::World && assumed.is_empty() {
            active
                .iter()
                .filter(|c| c.assumed.is_none() && c.set.covers(world))
                .map(|c| c.rule)
                .collect()
        } else {
            Vec::new()
        };
        let alone = !single.is_empty();
        let mut cited = if alone {
            single
        } else if reach == Reach::Broad {
            let known: Vec<(u128, RuleAt, &IntervalSet<T>)> = active
                .iter()
                .filter(|c| c.assumed.is_none())
                .map(|c| (T::size(&c.set), c.rule, &c.set))
                .collect();
            broad_evidence(&known, broad_min)
        } else {
            rules.clone()
        };
        cited.sort_unstable();
        cited.dedup();
        (rules, cited, alone)
    }

    /// The straightforward version: a union per segment (the sweep's oracle).
    fn analyse_naive<T: FamilySpace>(
        contribs: &[&Contrib<T>],
        world: &IntervalSet<T>,
        broad_min: u128,
        out: &mut Vec<Projected>,
    ) {
        let mut protocols: Vec<Protocol> = contribs.iter().map(|c| c.protocol).collect();
        protocols.sort_unstable();
        protocols.dedup();
        let all_world = |with_assumed: bool| {
            let all: Vec<&Contrib<T>> = contribs
                .iter()
                .copied()
                .filter(|c| c.protocol == Protocol::All)
                .filter(|c| with_assumed || c.assumed.is_none())
                .collect();
            !all.is_empty() && union_all(all.iter().map(|c| &c.set)).covers(world)
        };
        for &p in &protocols {
            // Protocol -1 already world for certain: the specific protocols add nothing.
            if all_world(false) && p != Protocol::All {
                continue;
            }
            // World by `-1` only with an assumption: left to the `-1` finding.
            let guessed = |c: &Contrib<T>| all_world(true) && c.assumed.is_some();
            let items: Vec<&Contrib<T>> = contribs
                .iter()
                .copied()
                .filter(|c| {
                    c.protocol == p
                        || (p != Protocol::All && c.protocol == Protocol::All && !guessed(c))
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            let total = union_all(items.iter().map(|c| &c.set));
            if !total.covers(world) && T::size(&total) < broad_min {
                continue;
            }
            let mut points: Vec<u32> = vec![0];
            for c in &items {
                points.push(u32::from(c.lo));
                points.push(u32::from(c.hi) + 1);
            }
            points.sort_unstable();
            points.dedup();
            for w in points.windows(2) {
                let (lo, hi) = (w[0], w[1] - 1);
                if lo > u32::from(u16::MAX) {
                    break;
                }
                let (lo, hi) = (lo as u16, hi.min(u32::from(u16::MAX)) as u16);
                let active: Vec<&&Contrib<T>> =
                    items.iter().filter(|c| c.lo <= lo && c.hi >= hi).collect();
                if active.is_empty() {
                    continue;
                }
                let known = union_all(
                    active
                        .iter()
                        .filter(|c| c.assumed.is_none())
                        .map(|c| &c.set),
                );
                let (reach, assumed) = if known.covers(world) {
                    (Some(Reach::World), Vec::new())
                } else {
                    let all = union_all(active.iter().map(|c| &c.set));
                    if all.covers(world) {
                        let mut a: Vec<PrefixListId> =
                            active.iter().filter_map(|c| c.assumed.clone()).collect();
                        a.sort();
                        a.dedup();
                        (Some(Reach::World), a)
                    } else if T::size(&known) >= broad_min {
                        (Some(Reach::Broad), Vec::new())
                    } else {
                        (None, Vec::new())
                    }
                };
                let Some(reach) = reach else { continue };
                let here: Vec<&Contrib<T>> = active.iter().map(|c| **c).collect();
                let (rules, cited, alone) = segment_rules(&here, reach, &assumed, world, broad_min);
                let (lo, hi) = if p.has_ports() || p.is_icmp() {
                    (lo, hi)
                } else {
                    (0, u16::MAX)
                };
                out.push((T::FAMILY, p, lo, hi, reach, assumed, rules, cited, alone));
            }
        }
    }

    /// A segment as the oracle states it: its fields, with its rules listed.
    type Projected = (
        Family,
        Protocol,
        u16,
        u16,
        Reach,
        Vec<PrefixListId>,
        Vec<RuleAt>,
        Vec<RuleAt>,
        bool,
    );

    fn project(r: &ExposedRange) -> Projected {
        (
            r.family,
            r.protocol,
            r.lo,
            r.hi,
            r.reach,
            r.assumed.clone(),
            r.rules(),
            r.cited.to_vec(),
            r.alone,
        )
    }

    fn contrib() -> impl Strategy<Value = Contrib<u32>> {
        let proto = prop_oneof![
            Just(Protocol::Tcp),
            Just(Protocol::Udp),
            Just(Protocol::All),
            Just(Protocol::Number(47))
        ];
        let port = prop_oneof![
            Just(0u16),
            Just(1),
            Just(22),
            Just(23),
            Just(65535),
            0u16..40
        ];
        let addr = prop_oneof![Just(0u32), Just(u32::MAX), 0u32..64, any::<u32>()];
        (
            proto,
            port.clone(),
            port,
            proptest::collection::vec((addr.clone(), addr), 1..3),
            prop_oneof![4 => Just(None), 1 => Just(Some(PrefixListId::from("pl-1")))],
            0u32..4,
        )
            .prop_map(|(protocol, a, b, set, assumed, r)| Contrib {
                protocol,
                // As `l4_span` gives them: protocols without ports span everything.
                lo: if protocol.has_ports() { a.min(b) } else { 0 },
                hi: if protocol.has_ports() {
                    a.max(b)
                } else {
                    u16::MAX
                },
                set: IntervalSet::from_ranges(set.into_iter().map(|(x, y)| (x.min(y), x.max(y)))),
                assumed,
                rule: (0, r),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The sweep finds exactly the segments, reaches and evidence of a union per
        /// segment, on random contributions (sets clipped to a random "world").
        #[test]
        fn sweep_agrees_with_naive_unions(
            raw in proptest::collection::vec(contrib(), 1..8),
            world in proptest::collection::vec((0u32..80, 0u32..80), 1..3),
            broad_min in prop_oneof![Just(1u128), Just(8), Just(40), Just(u128::MAX)],
        ) {
            let world = IntervalSet::from_ranges(world.into_iter().map(|(x, y)| (x.min(y), x.max(y))));
            let clipped: Vec<Contrib<u32>> = raw
                .into_iter()
                .map(|mut c| {
                    c.set = if c.assumed.is_some() { world.clone() } else { c.set.intersect(&world) };
                    c
                })
                .filter(|c| !c.set.is_empty())
                .collect();
            let refs: Vec<&Contrib<u32>> = clipped.iter().collect();
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            analyse(&refs, &world, broad_min, &mut fast);
            analyse_naive(&refs, &world, broad_min, &mut slow);
            for r in &fast {
                prop_assert_eq!(r.held as usize, r.rules().len());
            }
            let fast: Vec<Projected> = fast.iter().map(project).collect();
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn public_space_bounds() {
        let s = public_space();
        assert!(s.v4.contains(u32::from(Ipv4Addr::new(8, 8, 8, 8))));
        assert!(s.v4.contains(u32::from(Ipv4Addr::new(1, 0, 0, 0))));
        assert!(s.v4.contains(u32::from(Ipv4Addr::new(223, 255, 255, 255))));
        for a in [
            [10, 1, 2, 3],
            [192, 168, 0, 1],
            [100, 64, 0, 1],
            [224, 0, 0, 1],
            [255, 255, 255, 255],
            [0, 0, 0, 0],
        ] {
            assert!(!s.v4.contains(u32::from(Ipv4Addr::from(a))), "{a:?}");
        }
        assert!(s.v6.contains(u128::from("2600::1".parse::<Ipv6Addr>().unwrap())));
        assert!(
            !s.v6
                .contains(u128::from("2001:db8::1".parse::<Ipv6Addr>().unwrap()))
        );
        assert!(
            !s.v6
                .contains(u128::from("fd00::1".parse::<Ipv6Addr>().unwrap()))
        );
    }

    #[test]
    fn icmp_spans() {
        use crate::net::IcmpMatch;
        assert_eq!(
            l4_span(L4::Icmp(IcmpMatch::of_type(8))),
            Some((0x800, 0x8ff))
        );
        assert_eq!(
            l4_span(L4::Icmp(IcmpMatch::type_code(3, 4))),
            Some((0x304, 0x304))
        );
        assert_eq!(l4_span(L4::Nothing), None);
    }
}
