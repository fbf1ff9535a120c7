//! The compiled index: one effective policy per distinct (group set, direction).
//!
//! See `DESIGN.md` for the full argument. In short:
//!
//! 1. **Resolve peers once per topology.** A group reference becomes the interval set of
//!    its members' private IPv4 addresses (and IPv6 addresses); a prefix list becomes its
//!    entries. A reference that cannot be resolved (group or list not exported, list
//!    entries unknown) is *unknown*; a reference across a dead peering is *stale* and
//!    matches nothing.
//! 2. **Compile per distinct group set.** Many ENIs share a group set, so each distinct
//!    (sorted group list, direction) is compiled once and shared. The address space of each
//!    family is cut at every rule boundary into disjoint atoms (a sorted array of atom
//!    starts); each atom points at an interned [`Summary`] of what the rules covering it
//!    allow (merged port intervals per protocol, ICMP type/code sets, protocol bitset).
//!    A sweep over the sorted boundaries keeps the active rule set and a 128-bit Zobrist
//!    fingerprint of it, so a summary is built only for a rule set not seen before.
//! 3. **Query.** `partition_point` over the atom starts finds the atom; the summary answers
//!    yes/no. If no rule allows the packet but an unresolved rule could (same protocol and
//!    port), the answer is [`Decision::Unknown`]. The "why" path scans the group set's
//!    rules with the pre-resolved peer sets and returns every match with its origin.

use super::intervals::IntervalSet;
pub use super::naive::Packet;
use super::summary::{Summary, SummaryBuilder};
use crate::model::{Eni, GroupId, Peer, PrefixListId, Rule, SecurityGroup, Topology};
use crate::net::{Direction, Family, L4, Protocol};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// The answer of the fast path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some rule allows the packet.
    Allowed,
    /// No rule allows it, and no unresolved rule could.
    Denied,
    /// No resolved rule allows it, but a rule whose peer could not be resolved (missing
    /// group or prefix list) matches its protocol and port.
    Unknown,
}

/// How a rule's peer resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// To these address sets.
    Addrs(Arc<AddrSets>),
    /// A reference to a group that is not exported: the exported ENIs carrying it are
    /// known members, anything else is unknown.
    Partial(Arc<AddrSets>),
    /// Not resolvable from the export (unknown prefix list, or entries not exported). A
    /// list whose declared family differs from a packet's cannot match it.
    Unknown(Option<Family>),
    /// A group reference across a peering that is not active: matches nothing.
    Stale,
}

impl Resolved {
    /// The addresses known to match, if any.
    fn known(&self) -> Option<&AddrSets> {
        match self {
            Resolved::Addrs(a) | Resolved::Partial(a) => Some(a),
            Resolved::Unknown(_) | Resolved::Stale => None,
        }
    }

    /// Whether the peer may hold addresses beyond the known ones, and for which family.
    fn unknown_family(&self) -> Option<Option<Family>> {
        match self {
            Resolved::Partial(_) => Some(None),
            Resolved::Unknown(f) => Some(*f),
            Resolved::Addrs(_) | Resolved::Stale => None,
        }
    }
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
    /// Whether `addr` is in the sets.
    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.v4.contains(u32::from(a)),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }
}

/// Resolves rule peers to address sets, caching per group and per prefix list.
#[derive(Debug, Default)]
pub struct Resolver {
    groups: HashMap<GroupId, Resolved>,
    lists: HashMap<PrefixListId, Resolved>,
}

impl Resolver {
    /// Precomputes every group's member addresses and every prefix list's entries.
    pub fn new(topology: &Topology) -> Resolver {
        let mut members: HashMap<&GroupId, RawAddrs> = HashMap::new();
        for eni in &topology.enis {
            for gid in &eni.groups {
                add_eni_addrs(eni, members.entry(gid).or_default());
            }
        }
        let defined: std::collections::HashSet<&GroupId> =
            topology.security_groups.iter().map(|g| &g.id).collect();
        let mut groups: HashMap<GroupId, Resolved> = HashMap::new();
        let ids: Vec<&GroupId> = defined
            .iter()
            .copied()
            .chain(members.keys().copied())
            .collect();
        for id in ids {
            if groups.contains_key(id) {
                continue;
            }
            let (v4, v6) = members.remove(id).unwrap_or_default();
            let sets = Arc::new(AddrSets {
                v4: IntervalSet::from_ranges(v4),
                v6: IntervalSet::from_ranges(v6),
            });
            let r = if defined.contains(id) {
                Resolved::Addrs(sets)
            } else {
                Resolved::Partial(sets)
            };
            groups.insert(id.clone(), r);
        }
        let mut lists: HashMap<PrefixListId, Resolved> = HashMap::new();
        for pl in &topology.prefix_lists {
            let resolved = match &pl.entries {
                None => Resolved::Unknown(pl.family),
                Some(entries) => {
                    let mut v4 = Vec::new();
                    let mut v6 = Vec::new();
                    for e in entries {
                        if let Some(r) = e.cidr.v4_range() {
                            v4.push((r.lo(), r.hi()));
                        }
                        if let Some(r) = e.cidr.v6_range() {
                            v6.push((r.lo(), r.hi()));
                        }
                    }
                    Resolved::Addrs(Arc::new(AddrSets {
                        v4: IntervalSet::from_ranges(v4),
                        v6: IntervalSet::from_ranges(v6),
                    }))
                }
            };
            // The first definition wins, as in `Lookup`.
            lists.entry(pl.id.clone()).or_insert(resolved);
        }
        Resolver { groups, lists }
    }

    /// Resolves one rule's peer.
    pub fn resolve(&self, rule: &Rule) -> Resolved {
        match &rule.peer {
            Peer::Cidr { cidr } => {
                let mut s = AddrSets::default();
                if let Some(r) = cidr.v4_range() {
                    s.v4 = IntervalSet::from_ranges([(r.lo(), r.hi())]);
                }
                if let Some(r) = cidr.v6_range() {
                    s.v6 = IntervalSet::from_ranges([(r.lo(), r.hi())]);
                }
                Resolved::Addrs(Arc::new(s))
            }
            Peer::PrefixList { id } => self
                .lists
                .get(id)
                .cloned()
                .unwrap_or(Resolved::Unknown(None)),
            Peer::Group(g) => {
                // A reference across a peering works only while the peering is active.
                let stale = g
                    .peering_status
                    .as_deref()
                    .is_some_and(|s| !s.eq_ignore_ascii_case("active"));
                if stale {
                    Resolved::Stale
                } else {
                    self.groups
                        .get(&g.group)
                        .cloned()
                        .unwrap_or_else(|| Resolved::Partial(Arc::new(AddrSets::default())))
                }
            }
        }
    }
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

/// `icmp` rules apply to IPv4 packets only and `icmpv6` rules to IPv6 only, whatever
/// their peer block (semantics §8.13).
fn family_allows(protocol: Protocol, family: Family) -> bool {
    match protocol {
        Protocol::Icmp => family == Family::V4,
        Protocol::Icmpv6 => family == Family::V6,
        _ => true,
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

/// The address axis of one family: atom starts and the summary of each atom.
#[derive(Debug, Clone)]
struct Axis<T> {
    /// `starts[0]` is always the family's lowest address.
    starts: Vec<T>,
    /// Summary id of each atom.
    leaf: Vec<u32>,
}

impl<T: Copy + Ord> Axis<T> {
    fn leaf_at(&self, x: T) -> u32 {
        let i = self.starts.partition_point(|&s| s <= x);
        // `starts[0]` is the minimum, so `i >= 1` for every `x`.
        self.leaf[i.saturating_sub(1)]
    }
}

/// One compiled effective policy: the union of a group set's rules in one direction.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Security group indices (sorted, deduplicated).
    groups: Vec<u32>,
    direction: Direction,
    v4: Axis<u32>,
    v6: Axis<u128>,
    /// Rules whose peer may hold unknown addresses: protocol, L4 part and, when known,
    /// the only family the unknown addresses can be in.
    unresolved: Vec<(Protocol, L4, Option<Family>)>,
    /// Some group on the ENI is not in the topology: its rules are unknown.
    unknown_group: bool,
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
    /// Resolved peer of every rule, for the "why" path.
    resolved: Vec<[Vec<Resolved>; 2]>,
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
}

/// SplitMix64, used only to derive Zobrist keys for rule indices.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn zobrist(i: usize) -> u128 {
    let i = i as u64;
    (u128::from(mix(i.wrapping_mul(2))) << 64) | u128::from(mix(i.wrapping_mul(2) + 1))
}

/// One rule as the compiler sees it.
struct Item<'a> {
    protocol: Protocol,
    l4: L4,
    addrs: &'a AddrSets,
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

    fn axis<T: super::intervals::Endpoint>(
        &mut self,
        items: &[Item<'_>],
        family: Family,
        ranges: impl Fn(&AddrSets) -> &[(T, T)],
    ) -> Axis<T> {
        // Boundary events: (point, rule, entering?).
        let mut events: Vec<(T, u32, bool)> = Vec::new();
        for (i, it) in items.iter().enumerate() {
            if !family_allows(it.protocol, family) || it.l4 == L4::Nothing {
                continue;
            }
            for &(lo, hi) in ranges(it.addrs) {
                events.push((lo, i as u32, true));
                if let Some(n) = hi.succ() {
                    events.push((n, i as u32, false));
                }
            }
        }
        events.sort_unstable_by_key(|e| e.0);
        let empty = self.intern(Summary::default());
        let mut starts = vec![T::MIN];
        let mut leaf = vec![empty];
        let mut active: Vec<u32> = Vec::new();
        let mut pos: Vec<u32> = vec![u32::MAX; items.len()];
        let mut fingerprint: u128 = 0;
        let mut seen: HashMap<u128, u32> = HashMap::new();
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
                fingerprint ^= zobrist(ri);
                k += 1;
            }
            let id = match seen.get(&fingerprint) {
                Some(&id) => id,
                None => {
                    let mut b = SummaryBuilder::default();
                    for &r in &active {
                        let it = &items[r as usize];
                        b.add(it.protocol, it.l4);
                    }
                    let id = self.intern(b.finish());
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
        Axis { starts, leaf }
    }

    fn policy(
        &mut self,
        topology: &Topology,
        resolved: &[[Vec<Resolved>; 2]],
        groups: Vec<u32>,
        unknown_group: bool,
        direction: Direction,
    ) -> Policy {
        let d = dir_index(direction);
        let mut items = Vec::new();
        let mut unresolved = Vec::new();
        for &g in &groups {
            let sg = &topology.security_groups[g as usize];
            for (rule, res) in sg.rules(direction).iter().zip(&resolved[g as usize][d]) {
                if let Some(a) = res.known() {
                    items.push(Item {
                        protocol: rule.protocol,
                        l4: rule.l4,
                        addrs: a,
                    });
                }
                if let Some(family) = res.unknown_family()
                    && rule.l4 != L4::Nothing
                {
                    unresolved.push((rule.protocol, rule.l4, family));
                }
            }
        }
        let v4 = self.axis(&items, Family::V4, |a| a.v4.ranges());
        let v6 = self.axis(&items, Family::V6, |a| a.v6.ranges());
        Policy {
            groups,
            direction,
            v4,
            v6,
            unresolved,
            unknown_group,
        }
    }

    /// Compiles `topology`.
    pub fn build(mut self, topology: &Topology) -> CompiledIndex {
        let resolver = Resolver::new(topology);
        let resolved: Vec<[Vec<Resolved>; 2]> = topology
            .security_groups
            .iter()
            .map(|g| {
                [
                    g.ingress.iter().map(|r| resolver.resolve(r)).collect(),
                    g.egress.iter().map(|r| resolver.resolve(r)).collect(),
                ]
            })
            .collect();
        let lookup = topology.lookup();
        let mut policy_ids: HashMap<(Vec<u32>, bool, Direction), u32> = HashMap::new();
        let mut policies = Vec::new();
        let mut eni_policy = Vec::with_capacity(topology.enis.len());
        for eni in &topology.enis {
            // The ENI's groups, looked up preferring its own scope; ids not exported
            // make the policy's denials unknown.
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
            let mut pair = [0u32; 2];
            for direction in Direction::ALL {
                let key = (set.clone(), unknown_group, direction);
                let id = match policy_ids.get(&key) {
                    Some(&id) => id,
                    None => {
                        let p =
                            self.policy(topology, &resolved, set.clone(), unknown_group, direction);
                        let id = policies.len() as u32;
                        policies.push(p);
                        policy_ids.insert(key, id);
                        id
                    }
                };
                pair[dir_index(direction)] = id;
            }
            eni_policy.push(pair);
        }
        CompiledIndex {
            policies,
            summaries: self.summaries,
            eni_policy,
            resolved,
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
        self.policies
            .iter()
            .map(|p| p.v4.starts.len() + p.v6.starts.len())
            .sum()
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
        let family = if packet.peer.is_ipv6() {
            Family::V6
        } else {
            Family::V4
        };
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
        debug_assert_eq!(p.direction, direction);
        let d = dir_index(direction);
        let family = if packet.peer.is_ipv6() {
            Family::V6
        } else {
            Family::V4
        };
        let mut out = Vec::new();
        for &g in &p.groups {
            let Some(sg) = topology.security_groups.get(g as usize) else {
                continue;
            };
            let Some(res) = self.resolved.get(g as usize) else {
                continue;
            };
            for (i, (rule, r)) in sg.rules(direction).iter().zip(&res[d]).enumerate() {
                let Some(a) = r.known() else { continue };
                if family_allows(rule.protocol, family)
                    && rule.protocol.covers(packet.protocol)
                    && rule.l4.matches(&packet.l4)
                    && a.contains(packet.peer)
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
