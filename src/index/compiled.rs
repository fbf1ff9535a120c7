//! The compiled index: one effective policy per distinct (group set, direction).
//!
//! See `DESIGN.md` for the full argument. In short:
//!
//! 1. **Resolve peers once per topology** ([`Resolver`]). A group reference becomes the
//!    interval set of its members' private IPv4 addresses and IPv6 addresses; a prefix
//!    list becomes its entries. What cannot be resolved (a prefix list not exported or
//!    exported without entries; a group that is not exported, beyond the exported ENIs that
//!    carry it) is *unknown*; a reference across a peering that is not active is *stale*
//!    and matches nothing. These are exactly the oracle's rules (`index::naive`).
//! 2. **Compile per distinct group set.** ENIs sharing a group set share one policy per
//!    direction. The address space of each family is cut at every rule boundary into
//!    disjoint atoms (a sorted array of atom starts); each atom points at an interned
//!    [`Summary`] of what the rules covering it allow. A sweep over the sorted boundaries
//!    keeps the active rule set and a 128-bit Zobrist fingerprint of it, so a summary is
//!    built only for a rule set not seen before in that sweep.
//! 3. **Query.** `partition_point` over the atom starts, then one summary test. If no rule
//!    allows the packet but an unresolved rule could (same protocol and port, possible
//!    family), or a group on the ENI is not exported, the answer is
//!    [`Decision::Unknown`]. The "why" path scans the group set's rules, resolving peers
//!    through the shared [`Resolver`], and returns every match with its origin.

use super::fxhash::{FxHashMap as HashMap, splitmix64 as mix};
use super::intervals::{Endpoint, IntervalSet};
use super::summary::{Summary, SummaryBuilder};
use crate::model::{Eni, GroupId, Peer, PrefixListId, Rule, SecurityGroup, Topology};
use crate::net::{Cidr, Direction, Family, L4, Protocol};
use std::net::IpAddr;

pub use super::naive::Packet;

/// The answer of the fast path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some rule allows the packet.
    Allowed,
    /// No rule allows it, and nothing unresolved could.
    Denied,
    /// No resolved rule allows it, but an unresolved rule (missing group or prefix list)
    /// matches its protocol and port, or a group on the ENI is not exported.
    Unknown,
}

/// IPv4 and IPv6 address sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddrSets {
    /// IPv4 addresses.
    pub v4: IntervalSet<u32>,
    /// IPv6 addresses.
    pub v6: IntervalSet<u128>,
}

impl AddrSets {
    fn from_raw(v4: Vec<(u32, u32)>, v6: Vec<(u128, u128)>) -> AddrSets {
        AddrSets {
            v4: IntervalSet::from_ranges(v4),
            v6: IntervalSet::from_ranges(v6),
        }
    }

    fn heap_bytes(&self) -> usize {
        self.v4.ranges().len() * 8 + self.v6.ranges().len() * 32
    }
}

/// How a rule's peer resolved (borrowing the resolver's tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'r> {
    /// A CIDR block.
    Cidr(Cidr),
    /// A set of addresses, complete.
    Addrs(&'r AddrSets),
    /// A reference to a group that is not exported: the exported ENIs carrying it are
    /// known members; other addresses are unknown.
    Partial(&'r AddrSets),
    /// Not resolvable from the export (prefix list missing, or its entries not exported).
    /// A list whose declared family differs from a packet's cannot match it.
    Unknown(Option<Family>),
    /// A group reference across a peering that is not active: matches nothing.
    Stale,
}

impl Resolved<'_> {
    /// Whether `addr` is known to match.
    pub fn contains(&self, addr: IpAddr) -> bool {
        match self {
            Resolved::Cidr(c) => c.contains(addr),
            Resolved::Addrs(a) | Resolved::Partial(a) => match addr {
                IpAddr::V4(x) => a.v4.contains(u32::from(x)),
                IpAddr::V6(x) => a.v6.contains(u128::from(x)),
            },
            Resolved::Unknown(_) | Resolved::Stale => false,
        }
    }

    /// When the peer may hold unknown addresses: `Some(family restriction)`.
    fn unknown_family(&self) -> Option<Option<Family>> {
        match self {
            Resolved::Partial(_) => Some(None),
            Resolved::Unknown(f) => Some(*f),
            Resolved::Cidr(_) | Resolved::Addrs(_) | Resolved::Stale => None,
        }
    }

    fn push_v4(&self, rule: u32, events: &mut Vec<(u32, u32, bool)>) {
        match self {
            Resolved::Cidr(c) => {
                if let Some(r) = c.v4_range() {
                    push_event(events, rule, r.lo(), r.hi());
                }
            }
            Resolved::Addrs(a) | Resolved::Partial(a) => {
                for &(lo, hi) in a.v4.ranges() {
                    push_event(events, rule, lo, hi);
                }
            }
            Resolved::Unknown(_) | Resolved::Stale => {}
        }
    }

    fn push_v6(&self, rule: u32, events: &mut Vec<(u128, u32, bool)>) {
        match self {
            Resolved::Cidr(c) => {
                if let Some(r) = c.v6_range() {
                    push_event(events, rule, r.lo(), r.hi());
                }
            }
            Resolved::Addrs(a) | Resolved::Partial(a) => {
                for &(lo, hi) in a.v6.ranges() {
                    push_event(events, rule, lo, hi);
                }
            }
            Resolved::Unknown(_) | Resolved::Stale => {}
        }
    }
}

/// Boundary events of `[lo, hi]`: enter at `lo`, leave at `hi + 1` (none at the top).
fn push_event<T: Endpoint>(events: &mut Vec<(T, u32, bool)>, rule: u32, lo: T, hi: T) {
    events.push((lo, rule, true));
    if let Some(n) = hi.succ() {
        events.push((n, rule, false));
    }
}

/// Resolves rule peers, with each group's members and each prefix list's entries
/// precomputed once per topology.
#[derive(Debug, Default)]
pub struct Resolver {
    /// Group id → (exported?, member addresses).
    groups: HashMap<GroupId, (bool, AddrSets)>,
    /// Prefix list id → entries (`None` = not exported) and declared family.
    lists: HashMap<PrefixListId, (Option<AddrSets>, Option<Family>)>,
    empty: AddrSets,
}

/// Unnormalised IPv4 and IPv6 ranges.
type RawAddrs = (Vec<(u32, u32)>, Vec<(u128, u128)>);

fn add_eni_addrs(eni: &Eni, out: &mut RawAddrs) {
    for p in &eni.private_ips {
        let a = u32::from(p.ip);
        out.0.push((a, a));
    }
    for a in &eni.ipv6 {
        let a = u128::from(*a);
        out.1.push((a, a));
    }
}

impl Resolver {
    /// Precomputes every group's member addresses and every prefix list's entries.
    pub fn new(topology: &Topology) -> Resolver {
        let mut members: HashMap<&GroupId, RawAddrs> = HashMap::default();
        for eni in &topology.enis {
            for gid in &eni.groups {
                add_eni_addrs(eni, members.entry(gid).or_default());
            }
        }
        let mut groups: HashMap<GroupId, (bool, AddrSets)> = HashMap::default();
        for g in &topology.security_groups {
            groups
                .entry(g.id.clone())
                .or_insert((true, AddrSets::default()));
        }
        for (id, (v4, v6)) in members {
            let e = groups
                .entry(id.clone())
                .or_insert((false, AddrSets::default()));
            e.1 = AddrSets::from_raw(v4, v6);
        }
        let mut lists = HashMap::default();
        for pl in &topology.prefix_lists {
            let sets = pl.entries.as_ref().map(|entries| {
                let mut raw: RawAddrs = (Vec::new(), Vec::new());
                for e in entries {
                    if let Some(r) = e.cidr.v4_range() {
                        raw.0.push((r.lo(), r.hi()));
                    }
                    if let Some(r) = e.cidr.v6_range() {
                        raw.1.push((r.lo(), r.hi()));
                    }
                }
                AddrSets::from_raw(raw.0, raw.1)
            });
            // The first definition wins, as in `Lookup`.
            lists.entry(pl.id.clone()).or_insert((sets, pl.family));
        }
        Resolver {
            groups,
            lists,
            empty: AddrSets::default(),
        }
    }

    /// Resolves one rule's peer.
    pub fn resolve(&self, rule: &Rule) -> Resolved<'_> {
        match &rule.peer {
            Peer::Cidr { cidr } => Resolved::Cidr(*cidr),
            Peer::PrefixList { id } => match self.lists.get(id) {
                Some((Some(sets), _)) => Resolved::Addrs(sets),
                Some((None, family)) => Resolved::Unknown(*family),
                None => Resolved::Unknown(None),
            },
            Peer::Group(g) => {
                // A reference across a peering works only while the peering is active.
                let stale = g
                    .peering_status
                    .as_deref()
                    .is_some_and(|s| !s.eq_ignore_ascii_case("active"));
                if stale {
                    return Resolved::Stale;
                }
                match self.groups.get(&g.group) {
                    Some((true, sets)) => Resolved::Addrs(sets),
                    Some((false, sets)) => Resolved::Partial(sets),
                    None => Resolved::Partial(&self.empty),
                }
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        let g: usize = self
            .groups
            .iter()
            .map(|(k, v)| k.as_str().len() + 56 + v.1.heap_bytes())
            .sum();
        let l: usize = self
            .lists
            .iter()
            .map(|(k, v)| k.as_str().len() + 64 + v.0.as_ref().map_or(0, AddrSets::heap_bytes))
            .sum();
        g + l
    }
}

/// `icmp` rules apply to IPv4 packets only and `icmpv6` rules to IPv6 only, whatever
/// their peer block (semantics §8.13).
fn family_allows(protocol: Protocol, family: Family) -> bool {
    match protocol {
        Protocol::Icmp => family == Family::V4,
        Protocol::Icmpv6 => family == Family::V6,
        _ => true,
    }
}

fn family_of(addr: IpAddr) -> Family {
    if addr.is_ipv6() {
        Family::V6
    } else {
        Family::V4
    }
}

/// A reference to one rule: the group's position in `Topology::security_groups` and the
/// rule's position in that group's list for the policy's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleRef {
    /// Index into `Topology::security_groups`.
    pub group: u32,
    /// Index into the group's ingress or egress rules.
    pub rule: u32,
}

/// Atoms per block of the two-level search: 8 (start, summary id) pairs of an IPv4 axis
/// fill one 64-byte cache line.
const BLOCK: usize = 8;

/// The address axis of one family: atoms as (start, summary id), searched in two levels.
///
/// A plain binary search over a policy's few hundred atom starts touches a new cache line
/// at almost every probe, and a query on a random ENI finds none of them cached. Here a
/// small array of every `BLOCK`-th start is searched first, then one block is scanned:
/// about half the cache lines per query (measured in the README's Performance section).
#[derive(Debug, Clone)]
struct Axis<T> {
    /// `atoms[0].0` is always the family's lowest address; starts ascend.
    atoms: Box<[(T, u32)]>,
    /// `atoms[k * BLOCK].0` for each block `k`.
    sample: Box<[T]>,
}

impl<T: Copy + Ord> Axis<T> {
    fn new(starts: Vec<T>, leaf: Vec<u32>) -> Axis<T> {
        let atoms: Box<[(T, u32)]> = starts.into_iter().zip(leaf).collect();
        let sample = atoms.iter().step_by(BLOCK).map(|a| a.0).collect();
        Axis { atoms, sample }
    }

    #[inline]
    fn leaf_at(&self, x: T) -> u32 {
        // The block whose first start is the last one <= x (block 0 starts at the
        // family's minimum, so there is always one).
        let b = self.sample.partition_point(|&s| s <= x).saturating_sub(1);
        let block = &self.atoms[b * BLOCK..(b * BLOCK + BLOCK).min(self.atoms.len())];
        let mut leaf = block[0].1;
        for &(start, id) in &block[1..] {
            if start > x {
                break;
            }
            leaf = id;
        }
        leaf
    }

    fn leaves_mut(&mut self) -> impl Iterator<Item = &mut u32> {
        self.atoms.iter_mut().map(|a| &mut a.1)
    }

    fn len(&self) -> usize {
        self.atoms.len()
    }

    fn heap_bytes(&self) -> usize {
        self.atoms.len() * std::mem::size_of::<(T, u32)>()
            + self.sample.len() * std::mem::size_of::<T>()
    }
}

/// One compiled effective policy: the union of a group set's rules in one direction.
#[derive(Debug, Clone)]
struct Policy {
    /// Security group indices (sorted, deduplicated).
    groups: Box<[u32]>,
    v4: Axis<u32>,
    v6: Axis<u128>,
    /// Rules whose peer may hold unknown addresses: protocol, L4 part and, when known,
    /// the only family the unknown addresses can be in.
    unresolved: Box<[(Protocol, L4, Option<Family>)]>,
    /// Some group on the ENI is not in the topology: its rules are unknown.
    unknown_group: bool,
}

impl Policy {
    fn heap_bytes(&self) -> usize {
        self.groups.len() * 4
            + self.v4.heap_bytes()
            + self.v6.heap_bytes()
            + self.unresolved.len() * std::mem::size_of::<(Protocol, L4, Option<Family>)>()
    }
}

/// The compiled index over a topology: ENIs → shared policies → interned summaries.
///
/// Immutable once built, `Send + Sync`; queries are lock-free reads.
#[derive(Debug)]
pub struct CompiledIndex {
    policies: Vec<Policy>,
    summaries: Vec<Summary>,
    /// Per ENI (index into `Topology::enis`): policy id for ingress and for egress.
    eni_policy: Vec<[u32; 2]>,
    resolver: Resolver,
}

/// A rule that matched, for explanations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleMatch<'t> {
    /// The group holding the rule.
    pub group: &'t SecurityGroup,
    /// The rule.
    pub rule: &'t Rule,
    /// Its position.
    pub at: RuleRef,
}

fn dir_index(d: Direction) -> usize {
    match d {
        Direction::Ingress => 0,
        Direction::Egress => 1,
    }
}

/// Builds [`CompiledIndex`]es.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    summaries: Vec<Summary>,
    summary_ids: HashMap<Summary, u32>,
    scratch: SummaryBuilder,
}

/// A 128-bit random key per rule position; the XOR of the active rules' keys names the
/// active set. Two different sets collide with probability about 2^-128 per pair.
fn zobrist(i: u32) -> u128 {
    let i = u64::from(i);
    (u128::from(mix(i.wrapping_mul(2))) << 64) | u128::from(mix(i.wrapping_mul(2) + 1))
}

/// One rule as the compiler sees it.
struct Item {
    protocol: Protocol,
    l4: L4,
}

impl IndexBuilder {
    fn intern(&mut self, s: Summary) -> u32 {
        if let Some(&id) = self.summary_ids.get(&s) {
            return id;
        }
        let id = self.summaries.len() as u32;
        self.summaries.push(s.clone());
        self.summary_ids.insert(s, id);
        id
    }

    /// Sweeps the boundary events of one family into atoms with interned summaries.
    fn axis<T: Endpoint>(&mut self, items: &[Item], mut events: Vec<(T, u32, bool)>) -> Axis<T> {
        events.sort_unstable_by_key(|e| e.0);
        let empty = self.intern(Summary::default());
        let mut starts = vec![T::MIN];
        let mut leaf = vec![empty];
        let mut active: Vec<u32> = Vec::new();
        let mut pos: Vec<u32> = vec![u32::MAX; items.len()];
        let mut fingerprint: u128 = 0;
        let mut seen: HashMap<u128, u32> = HashMap::default();
        seen.insert(0, empty);
        let mut k = 0;
        while k < events.len() {
            let point = events[k].0;
            while k < events.len() && events[k].0 == point {
                let (_, r, enter) = events[k];
                let ri = r as usize;
                if enter {
                    pos[ri] = active.len() as u32;
                    active.push(r);
                } else {
                    let p = pos[ri] as usize;
                    active.swap_remove(p);
                    if let Some(&moved) = active.get(p) {
                        pos[moved as usize] = p as u32;
                    }
                    pos[ri] = u32::MAX;
                }
                fingerprint ^= zobrist(r);
                k += 1;
            }
            let id = match seen.get(&fingerprint) {
                Some(&id) => id,
                None => {
                    let mut b = std::mem::take(&mut self.scratch);
                    for &r in &active {
                        let it = &items[r as usize];
                        b.add(it.protocol, it.l4);
                    }
                    let summary = b.finish();
                    self.scratch = b;
                    let id = self.intern(summary);
                    seen.insert(fingerprint, id);
                    id
                }
            };
            if point == T::MIN {
                leaf[0] = id;
            } else if leaf.last() != Some(&id) {
                starts.push(point);
                leaf.push(id);
            }
        }
        Axis::new(starts, leaf)
    }

    fn policy(
        &mut self,
        topology: &Topology,
        resolved: &[[Vec<Resolved<'_>>; 2]],
        groups: Vec<u32>,
        unknown_group: bool,
        direction: Direction,
    ) -> Policy {
        let d = dir_index(direction);
        let mut items = Vec::new();
        let mut v4_events = Vec::new();
        let mut v6_events = Vec::new();
        let mut unresolved = Vec::new();
        for &g in &groups {
            let sg = &topology.security_groups[g as usize];
            for (rule, res) in sg.rules(direction).iter().zip(&resolved[g as usize][d]) {
                // Ingest normalises already; doing it again keeps hand-built models exact.
                let l4 = L4::normalize(rule.protocol, rule.l4);
                if l4 == L4::Nothing {
                    continue;
                }
                if let Some(family) = res.unknown_family() {
                    unresolved.push((rule.protocol, l4, family));
                }
                let i = items.len() as u32;
                items.push(Item {
                    protocol: rule.protocol,
                    l4,
                });
                if family_allows(rule.protocol, Family::V4) {
                    res.push_v4(i, &mut v4_events);
                }
                if family_allows(rule.protocol, Family::V6) {
                    res.push_v6(i, &mut v6_events);
                }
            }
        }
        Policy {
            groups: groups.into_boxed_slice(),
            v4: self.axis(&items, v4_events),
            v6: self.axis(&items, v6_events),
            unresolved: unresolved.into_boxed_slice(),
            unknown_group,
        }
    }

    /// Compiles `topology`.
    pub fn build(mut self, topology: &Topology) -> CompiledIndex {
        use rayon::prelude::*;
        let resolver = Resolver::new(topology);
        // Every rule's peer, resolved once (policies share groups).
        let resolved: Vec<[Vec<Resolved<'_>>; 2]> = topology
            .security_groups
            .iter()
            .map(|g| {
                [
                    g.ingress.iter().map(|r| resolver.resolve(r)).collect(),
                    g.egress.iter().map(|r| resolver.resolve(r)).collect(),
                ]
            })
            .collect();
        // Pass 1: the distinct group sets. An ENI's groups are looked up preferring its
        // own scope; ids not exported make the policy's denials unknown.
        let lookup = topology.lookup();
        let mut key_ids: HashMap<(Vec<u32>, bool), u32> = HashMap::default();
        let mut keys: Vec<(Vec<u32>, bool)> = Vec::new();
        let mut eni_policy = Vec::with_capacity(topology.enis.len());
        for eni in &topology.enis {
            let mut set = Vec::with_capacity(eni.groups.len());
            let mut unknown_group = false;
            for g in &eni.groups {
                match lookup.group_index(g.as_str(), Some(&eni.scope)) {
                    Some(i) => set.push(i as u32),
                    None => unknown_group = true,
                }
            }
            set.sort_unstable();
            set.dedup();
            let key = (set, unknown_group);
            let id = match key_ids.get(&key) {
                Some(&id) => id,
                None => {
                    let id = keys.len() as u32;
                    keys.push(key.clone());
                    key_ids.insert(key, id);
                    id
                }
            };
            // Policies are stored ingress, egress for each key.
            eni_policy.push([2 * id, 2 * id + 1]);
        }
        // Pass 2: compile the policies on all cores, each chunk interning its own
        // summaries; pass 3 re-interns them into one table and renumbers the leaves.
        let chunks: Vec<(Vec<Summary>, Vec<Policy>)> = keys
            .par_chunks(32)
            .map(|chunk| {
                let mut b = IndexBuilder::default();
                let mut ps = Vec::with_capacity(chunk.len() * 2);
                for (set, unknown_group) in chunk {
                    for direction in Direction::ALL {
                        ps.push(b.policy(
                            topology,
                            &resolved,
                            set.clone(),
                            *unknown_group,
                            direction,
                        ));
                    }
                }
                (b.summaries, ps)
            })
            .collect();
        drop(resolved);
        let mut policies = Vec::with_capacity(keys.len() * 2);
        for (summaries, ps) in chunks {
            let map: Vec<u32> = summaries.into_iter().map(|s| self.intern(s)).collect();
            for mut p in ps {
                for l in p.v4.leaves_mut().chain(p.v6.leaves_mut()) {
                    *l = map[*l as usize];
                }
                policies.push(p);
            }
        }
        CompiledIndex {
            policies,
            summaries: self.summaries,
            eni_policy,
            resolver,
        }
    }
}

impl CompiledIndex {
    /// Compiles `topology` with the default settings.
    pub fn new(topology: &Topology) -> CompiledIndex {
        IndexBuilder::default().build(topology)
    }

    /// Number of distinct compiled policies (group set × direction).
    pub fn policy_count(&self) -> usize {
        self.policies.len()
    }

    /// Number of distinct interned summaries.
    pub fn summary_count(&self) -> usize {
        self.summaries.len()
    }

    /// Total address atoms over all policies.
    pub fn atom_count(&self) -> usize {
        self.policies.iter().map(|p| p.v4.len() + p.v6.len()).sum()
    }

    /// Bytes the index holds on the heap (its own structures; the topology it was built
    /// from is not counted). Hash-map entries are estimated at their payload size.
    pub fn heap_bytes(&self) -> usize {
        let policies: usize = self
            .policies
            .iter()
            .map(|p| std::mem::size_of::<Policy>() + p.heap_bytes())
            .sum();
        let summaries: usize = self
            .summaries
            .iter()
            .map(|s| std::mem::size_of::<Summary>() + s.heap_bytes())
            .sum();
        policies + summaries + self.eni_policy.len() * 8 + self.resolver.heap_bytes()
    }

    fn policy_of(&self, eni: usize, direction: Direction) -> Option<&Policy> {
        let id = self.eni_policy.get(eni)?[dir_index(direction)];
        self.policies.get(id as usize)
    }

    /// The fast path: does the ENI at `eni` (index into `Topology::enis`) allow `packet`
    /// in `direction`? `None` when `eni` is out of range.
    pub fn decide(&self, eni: usize, direction: Direction, packet: &Packet) -> Option<Decision> {
        let p = self.policy_of(eni, direction)?;
        let leaf = match packet.peer {
            IpAddr::V4(a) => p.v4.leaf_at(u32::from(a)),
            IpAddr::V6(a) => p.v6.leaf_at(u128::from(a)),
        };
        if self.summaries[leaf as usize].allows(packet.protocol, &packet.l4) {
            return Some(Decision::Allowed);
        }
        if p.unknown_group {
            return Some(Decision::Unknown);
        }
        let family = family_of(packet.peer);
        let could = p.unresolved.iter().any(|&(proto, l4, f)| {
            f.is_none_or(|f| f == family)
                && family_allows(proto, family)
                && proto.covers(packet.protocol)
                && l4.matches(&packet.l4)
        });
        Some(if could {
            Decision::Unknown
        } else {
            Decision::Denied
        })
    }

    /// The "why" path: every rule of the ENI's groups that allows `packet`.
    pub fn explain<'t>(
        &self,
        topology: &'t Topology,
        eni: usize,
        direction: Direction,
        packet: &Packet,
    ) -> Vec<RuleMatch<'t>> {
        let Some(p) = self.policy_of(eni, direction) else {
            return Vec::new();
        };
        let family = family_of(packet.peer);
        let mut out = Vec::new();
        for &g in p.groups.iter() {
            let Some(sg) = topology.security_groups.get(g as usize) else {
                continue;
            };
            for (i, rule) in sg.rules(direction).iter().enumerate() {
                if family_allows(rule.protocol, family)
                    && rule.protocol.covers(packet.protocol)
                    && L4::normalize(rule.protocol, rule.l4).matches(&packet.l4)
                    && self.resolver.resolve(rule).contains(packet.peer)
                {
                    out.push(RuleMatch {
                        group: sg,
                        rule,
                        at: RuleRef {
                            group: g,
                            rule: i as u32,
                        },
                    });
                }
            }
        }
        out
    }
}

/// One query of a batch: ENI index, direction, packet.
pub type BatchQuery = (usize, Direction, Packet);

impl CompiledIndex {
    /// Answers many queries on all cores (rayon), in input order.
    pub fn decide_batch(&self, queries: &[BatchQuery]) -> Vec<Option<Decision>> {
        use rayon::prelude::*;
        queries
            .par_iter()
            .with_min_len(4096)
            .map(|(eni, d, p)| self.decide(*eni, *d, p))
            .collect()
    }
}

// The index is shared across threads by reference.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CompiledIndex>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The two-level search finds the same atom as a binary search over all starts,
        /// for every size around the block boundaries.
        #[test]
        fn two_level_search_equals_binary_search(
            mut starts in proptest::collection::vec(any::<u16>(), 0..40),
            probes in proptest::collection::vec(any::<u16>(), 1..20),
        ) {
            starts.push(0);
            starts.sort_unstable();
            starts.dedup();
            let leaf: Vec<u32> = (0..starts.len() as u32).collect();
            let axis = Axis::new(starts.clone(), leaf);
            for x in probes.into_iter().chain([0, u16::MAX]) {
                let want = starts.partition_point(|&s| s <= x) as u32 - 1;
                prop_assert_eq!(axis.leaf_at(x), want);
            }
        }
    }
}
