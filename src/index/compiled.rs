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
use super::summary::{Summary, SummaryBuilder};
use crate::model::{Eni, GroupId, Peer, PrefixListId, Rule, SecurityGroup, Topology};
use crate::net::{Direction, Family, L4, PacketL4, Protocol};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// One concrete packet that opens a connection, seen from an ENI: the peer address (the
/// source for ingress, the destination for egress), the protocol and its L4 fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Packet {
    /// The other end's address.
    pub peer: IpAddr,
    /// A concrete protocol (not [`Protocol::All`]).
    pub protocol: Protocol,
    /// Port or ICMP type/code.
    pub l4: PacketL4,
}

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
    /// Not resolvable from the export (unknown group or prefix list, unknown entries).
    Unknown,
    /// A group reference across a peering that is no longer active: matches nothing.
    Stale,
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

/// Peering states in which a cross-VPC group reference no longer matches anything.
const DEAD_PEERING: [&str; 5] = ["deleted", "deleting", "failed", "expired", "rejected"];

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
        for g in &topology.security_groups {
            members.entry(&g.id).or_default();
        }
        for eni in &topology.enis {
            for gid in &eni.groups {
                let e = members.entry(gid).or_default();
                add_eni_addrs(eni, e);
            }
        }
        let groups = members
            .into_iter()
            .map(|(id, (v4, v6))| {
                let sets = AddrSets {
                    v4: IntervalSet::from_ranges(v4),
                    v6: IntervalSet::from_ranges(v6),
                };
                (id.clone(), Resolved::Addrs(Arc::new(sets)))
            })
            .collect();
        let mut lists: HashMap<PrefixListId, Resolved> = HashMap::new();
        for pl in &topology.prefix_lists {
            let resolved = match &pl.entries {
                None => Resolved::Unknown,
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
            Peer::PrefixList { id } => self.lists.get(id).cloned().unwrap_or(Resolved::Unknown),
            Peer::Group(g) => {
                let dead = g
                    .peering_status
                    .as_deref()
                    .is_some_and(|s| DEAD_PEERING.contains(&s.to_ascii_lowercase().as_str()));
                if dead {
                    Resolved::Stale
                } else {
                    self.groups
                        .get(&g.group)
                        .cloned()
                        .unwrap_or(Resolved::Unknown)
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
    /// Rules whose peer is unknown: (protocol, l4, family if known).
    unresolved: Vec<(Protocol, L4)>,
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
            let usable = match it.protocol {
                Protocol::Icmp => family == Family::V4,
                Protocol::Icmpv6 => family == Family::V6,
                _ => true,
            };
            if !usable || it.l4 == L4::Nothing {
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
        direction: Direction,
    ) -> Policy {
        let d = dir_index(direction);
        let mut items = Vec::new();
        let mut unresolved = Vec::new();
        for &g in &groups {
            let sg = &topology.security_groups[g as usize];
            for (rule, res) in sg.rules(direction).iter().zip(&resolved[g as usize][d]) {
                match res {
                    Resolved::Addrs(a) => items.push(Item {
                        protocol: rule.protocol,
                        l4: rule.l4,
                        addrs: a,
                    }),
                    Resolved::Unknown if rule.l4 != L4::Nothing => {
                        unresolved.push((rule.protocol, rule.l4))
                    }
                    Resolved::Unknown | Resolved::Stale => {}
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
        // Group id → first position (ids unknown to the topology contribute no rules).
        let mut group_pos: HashMap<&GroupId, u32> = HashMap::new();
        for (i, g) in topology.security_groups.iter().enumerate() {
            group_pos.entry(&g.id).or_insert(i as u32);
        }
        let mut policy_ids: HashMap<(Vec<u32>, Direction), u32> = HashMap::new();
        let mut policies = Vec::new();
        let mut eni_policy = Vec::with_capacity(topology.enis.len());
        for eni in &topology.enis {
            let mut set: Vec<u32> = eni
                .groups
                .iter()
                .filter_map(|g| group_pos.get(g).copied())
                .collect();
            set.sort_unstable();
            set.dedup();
            let mut pair = [0u32; 2];
            for direction in Direction::ALL {
                let key = (set.clone(), direction);
                let id = match policy_ids.get(&key) {
                    Some(&id) => id,
                    None => {
                        let p = self.policy(topology, &resolved, set.clone(), direction);
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
        let v6 = packet.peer.is_ipv6();
        let could = p.unresolved.iter().any(|&(proto, l4)| {
            let family_ok = match proto {
                Protocol::Icmp => !v6,
                Protocol::Icmpv6 => v6,
                _ => true,
            };
            family_ok && proto.covers(packet.protocol) && l4.matches(&packet.l4)
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
        let v6 = packet.peer.is_ipv6();
        let mut out = Vec::new();
        for &g in &p.groups {
            let Some(sg) = topology.security_groups.get(g as usize) else {
                continue;
            };
            let Some(res) = self.resolved.get(g as usize) else {
                continue;
            };
            for (i, (rule, r)) in sg.rules(direction).iter().zip(&res[d]).enumerate() {
                let Resolved::Addrs(a) = r else { continue };
                let family_ok = match rule.protocol {
                    Protocol::Icmp => !v6,
                    Protocol::Icmpv6 => v6,
                    _ => true,
                };
                if family_ok
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
