//! The naive linear evaluator: the oracle.
//!
//! Contract: given a [`Topology`] and one packet that **opens** a connection, say which
//! security group rules allow it, and which NACL entry decides it. Everything is a plain
//! scan over the model, written to be obviously correct rather than fast; every compiled
//! index is checked against this module. Nothing here caches, mutates or allocates beyond
//! the answer.
//!
//! Section numbers (§) refer to `docs/semantics.md`.
//!
//! # Security groups ([`matching_rules`], [`matching_rules_for_groups`])
//!
//! - The rules of all groups on the ENI are pooled; the answer is their **union**, order is
//!   irrelevant and there are no denies, so an empty group cannot veto (§2.2, §8.4). Every
//!   matching rule is returned, because "the rule that allowed it" is not unique.
//! - Protocol (§1.3, §2.6, §10): `All` covers every protocol including ICMP, ESP, GRE;
//!   a numbered protocol other than 6/17/1/58 ignores any ports it carries (§8.9);
//!   TCP/UDP compare the destination port; `icmp` applies only to IPv4 packets and
//!   `icmpv6` only to IPv6 packets (§8.13), whatever the peer block says.
//! - [`L4::Nothing`] (e.g. ICMP `-1/9`, §8.14) matches nothing.
//! - Peer family must equal the packet family: `0.0.0.0/0` never matches an IPv6 client
//!   (§1.4, §8.15).
//! - A group reference `sg-B` (§2.4) matches the **private** addresses of every ENI whose
//!   `groups` contains `sg-B`: every private IPv4 address (primary and secondary) and —
//!   a documented choice, §2.4 "\[inferred\] treat IPv6 addresses of member ENIs as
//!   members" — every IPv6 address. Public IPs and Elastic IPs are never members (§8.1),
//!   and an ENI without `sg-B` is not a member even if its instance has another ENI
//!   with it (§8.3). Self-references work like any other reference (§2.7, §8.7).
//! - A reference whose `peering_status` is anything but `active` (`deleted`, `failed`,
//!   `expired`, `rejected`, `pending-acceptance`, …) matches nothing and is reported in
//!   [`Verdict::stale`] (§2.4 "only while the peering connection is active", §8.18).
//! - A reference to a group that is not in the topology is **unresolved** (§8.38): it is
//!   reported in [`Verdict::unknown`] unless an exported ENI carrying that group has the
//!   packet's address, which proves a match. Members are only known from exported ENIs:
//!   when the group is exported, its members are taken to be the exported ENIs.
//! - A prefix list peer (§2.5) matches any of its entries. A list that is missing, or whose
//!   entries were not exported, is **unresolved** unless its declared family differs from
//!   the packet's.
//! - A group on the ENI that is not in the topology contributes unknown rules; it is listed
//!   in [`Verdict::unknown_groups`].
//!
//! Only rules whose protocol and L4 part match the packet are ever reported as unknown or
//! stale: a `tcp/22` rule with an unresolved peer says nothing about `udp/53`.
//!
//! # Network ACLs ([`nacl_decision`])
//!
//! Entries of the direction are sorted by ascending rule number (not input order, §3.2)
//! and the first matching entry decides, allow or deny (§8.24). Families are separate
//! (§3.2). Protocol `-1` and every protocol other than 6, 17 and 1 ignore ports, types and
//! codes (§8.27). Protocol 58 with an IPv6 block uses its type/code; protocol 58 with an
//! IPv4 block ignores them ("all ICMP types and codes", §3.2, §8.27). We read that sentence
//! as being about type/code only: such an entry still matches only protocol-58 packets,
//! never ICMPv4 (protocol 1). When no entry matches — an export without the 32767/32768
//! `*` entries — the packet meets the implicit `*` deny ([`NaclDecision::ImplicitDeny`],
//! §8.28).
//!
//! NACLs are stateless, see only destination ports, and are not evaluated for traffic
//! inside one subnet (§3.3, §8.26); deciding *whether* to consult a NACL is the caller's
//! job.

use crate::model::{
    Eni, EniId, GroupId, GroupRef, Lookup, NaclAction, NaclEntry, NetworkAcl, Origin, Peer,
    PrefixListId, Rule, Scope, SecurityGroup, Topology,
};
use crate::net::{Cidr, Direction, Family, L4, PacketL4, Protocol};
use std::fmt;
use std::net::IpAddr;

// ---------------------------------------------------------------------------------------
// Queries

/// One concrete packet, as seen from an ENI or a subnet boundary: the remote address, the
/// protocol and the destination port or ICMP type/code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Packet {
    /// The other end: the source for ingress, the destination for egress.
    pub peer: IpAddr,
    /// A concrete protocol (never [`Protocol::All`]).
    pub protocol: Protocol,
    /// Destination port (TCP/UDP), type/code (ICMP/ICMPv6) or [`PacketL4::None`].
    pub l4: PacketL4,
}

impl Packet {
    /// A TCP packet to destination port `port`.
    pub fn tcp(peer: IpAddr, port: u16) -> Packet {
        Packet {
            peer,
            protocol: Protocol::Tcp,
            l4: PacketL4::Port(port),
        }
    }

    /// A UDP packet to destination port `port`.
    pub fn udp(peer: IpAddr, port: u16) -> Packet {
        Packet {
            peer,
            protocol: Protocol::Udp,
            l4: PacketL4::Port(port),
        }
    }

    /// An ICMP (IPv4) message.
    pub fn icmp(peer: IpAddr, ty: u8, code: u8) -> Packet {
        Packet {
            peer,
            protocol: Protocol::Icmp,
            l4: PacketL4::Icmp { ty, code },
        }
    }

    /// An ICMPv6 message.
    pub fn icmpv6(peer: IpAddr, ty: u8, code: u8) -> Packet {
        Packet {
            peer,
            protocol: Protocol::Icmpv6,
            l4: PacketL4::Icmp { ty, code },
        }
    }

    /// A packet of protocol number `n`; the L4 fields follow the protocol (port 0 for
    /// TCP/UDP, type/code 0 for ICMP, none otherwise). Prefer the specific constructors.
    pub fn number(peer: IpAddr, n: u8) -> Packet {
        let protocol = Protocol::from_number(n);
        let l4 = match protocol {
            Protocol::Tcp | Protocol::Udp => PacketL4::Port(0),
            Protocol::Icmp | Protocol::Icmpv6 => PacketL4::Icmp { ty: 0, code: 0 },
            Protocol::All | Protocol::Number(_) => PacketL4::None,
        };
        Packet { peer, protocol, l4 }
    }

    /// The packet's address family.
    pub fn family(&self) -> Family {
        match self.peer {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    /// Checks that the packet is concrete: not [`Protocol::All`], and L4 fields of the kind
    /// its protocol carries.
    ///
    /// # Errors
    /// [`QueryErrorKind::AllProtocol`] or [`QueryErrorKind::L4Mismatch`].
    pub fn check(&self) -> Result<(), QueryError> {
        let ok = match (self.protocol, self.l4) {
            (Protocol::All, _) => return Err(QueryError::new(QueryErrorKind::AllProtocol)),
            (Protocol::Tcp | Protocol::Udp, PacketL4::Port(_)) => true,
            (Protocol::Icmp | Protocol::Icmpv6, PacketL4::Icmp { .. }) => true,
            (Protocol::Number(_), PacketL4::None) => true,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(QueryError::new(QueryErrorKind::L4Mismatch {
                protocol: self.protocol,
                l4: self.l4,
            }))
        }
    }
}

/// A security-group question: does `eni` allow `packet` in `direction`?
///
/// For "can X reach Y", ask X's ENI for [`Direction::Egress`] with Y's address and Y's ENI
/// for [`Direction::Ingress`] with X's address (§2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// The ENI whose groups apply.
    pub eni: EniId,
    /// The ENI's scope, when ids repeat across accounts/regions.
    pub scope: Option<Scope>,
    /// Ingress (the peer opens the connection) or egress (the ENI opens it).
    pub direction: Direction,
    /// The packet.
    pub packet: Packet,
}

impl Query {
    /// A query in any scope.
    pub fn new(eni: impl Into<EniId>, direction: Direction, packet: Packet) -> Query {
        Query {
            eni: eni.into(),
            scope: None,
            direction,
            packet,
        }
    }

    /// An inbound query.
    pub fn ingress(eni: impl Into<EniId>, packet: Packet) -> Query {
        Query::new(eni, Direction::Ingress, packet)
    }

    /// An outbound query.
    pub fn egress(eni: impl Into<EniId>, packet: Packet) -> Query {
        Query::new(eni, Direction::Egress, packet)
    }

    /// Restricts the ENI lookup to `scope` (preferred when the id repeats).
    pub fn in_scope(mut self, scope: Scope) -> Query {
        self.scope = Some(scope);
        self
    }
}

/// Why a query could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct QueryError {
    kind: QueryErrorKind,
}

impl QueryError {
    fn new(kind: QueryErrorKind) -> QueryError {
        QueryError { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &QueryErrorKind {
        &self.kind
    }
}

/// The kinds of [`QueryError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryErrorKind {
    /// The ENI is not in the topology.
    UnknownEni(EniId),
    /// A packet has one concrete protocol; `all` is not one.
    AllProtocol,
    /// The L4 fields do not fit the protocol (a port on ICMP, a type on TCP, …).
    L4Mismatch {
        /// The packet's protocol.
        protocol: Protocol,
        /// The L4 fields given.
        l4: PacketL4,
    },
}

impl fmt::Display for QueryErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryErrorKind::UnknownEni(id) => {
                write!(f, "network interface {id} is not in the input")
            }
            QueryErrorKind::AllProtocol => {
                f.write_str("a packet needs one concrete protocol, not `all`")
            }
            QueryErrorKind::L4Mismatch { protocol, l4 } => {
                write!(f, "{l4:?} does not fit protocol {protocol}")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Security group verdicts

/// What made a rule's peer match the packet's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy<'t> {
    /// The rule's CIDR contains the address.
    Cidr(Cidr),
    /// An entry of the referenced prefix list contains the address.
    PrefixList {
        /// The list.
        list: &'t PrefixListId,
        /// The entry.
        entry: Cidr,
    },
    /// The address is a private address of `eni`, which carries the referenced group.
    Member {
        /// The referenced group.
        group: &'t GroupId,
        /// The member ENI holding the address.
        eni: &'t EniId,
    },
}

/// One rule that allows the packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match<'t> {
    /// The group the rule belongs to.
    pub group: &'t SecurityGroup,
    /// The rule.
    pub rule: &'t Rule,
    /// Why its peer matched.
    pub by: MatchedBy<'t>,
}

impl<'t> Match<'t> {
    /// The group id.
    pub fn group_id(&self) -> &'t GroupId {
        &self.group.id
    }

    /// Where the rule was read.
    pub fn origin(&self) -> &'t Origin {
        &self.rule.origin
    }
}

/// Why a rule's peer could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unresolved<'t> {
    /// The referenced group is not in the topology (another account, deleted, not
    /// exported), and no exported ENI carrying it has the address.
    UnknownGroup(&'t GroupRef),
    /// The referenced prefix list is not in the topology.
    UnknownPrefixList(&'t PrefixListId),
    /// The prefix list is known but its entries were not exported.
    PrefixListEntriesUnknown(&'t PrefixListId),
    /// The reference crosses a peering whose status is not `active`: it matches nothing.
    Stale {
        /// The reference.
        reference: &'t GroupRef,
        /// Its `PeeringStatus`.
        status: &'t str,
    },
}

/// A rule whose protocol and L4 part match the packet but whose peer is unresolved or
/// stale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnresolvedRule<'t> {
    /// The group the rule belongs to.
    pub group: &'t SecurityGroup,
    /// The rule.
    pub rule: &'t Rule,
    /// Why.
    pub reason: Unresolved<'t>,
}

/// The three-valued answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Some rule matches.
    Allow,
    /// No rule matches and nothing is unresolved.
    Deny,
    /// No rule matches, but an unresolved rule or group might.
    Unknown,
}

/// The full answer for one ENI (or group set), direction and packet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict<'t> {
    /// Every rule that allows the packet (union semantics), groups in ENI order, rules in
    /// group order.
    pub matches: Vec<Match<'t>>,
    /// Rules that would be consulted but whose peer is unresolved (missing group or prefix
    /// list, prefix list entries not exported).
    pub unknown: Vec<UnresolvedRule<'t>>,
    /// Rules that match nothing because their reference is stale.
    pub stale: Vec<UnresolvedRule<'t>>,
    /// Groups on the ENI that are not in the topology: their rules are unknown.
    pub unknown_groups: Vec<GroupId>,
}

impl Verdict<'_> {
    /// Whether some rule allows the packet.
    pub fn allows(&self) -> bool {
        !self.matches.is_empty()
    }

    /// Allow if anything matched; otherwise unknown if anything is unresolved; else deny.
    /// Stale rules match nothing and do not make the answer unknown.
    pub fn outcome(&self) -> Outcome {
        if self.allows() {
            Outcome::Allow
        } else if !self.unknown.is_empty() || !self.unknown_groups.is_empty() {
            Outcome::Unknown
        } else {
            Outcome::Deny
        }
    }
}

/// All rules of `query.eni`'s groups that allow `query.packet` in `query.direction`, plus
/// the unresolved and stale ones (see the module doc for the semantics).
///
/// Builds a [`Lookup`]; when asking many questions, build one and use
/// [`matching_rules_with`].
///
/// # Errors
/// The ENI is not in the topology, or the packet is not concrete ([`Packet::check`]).
pub fn matching_rules<'t>(
    topology: &'t Topology,
    query: &Query,
) -> Result<Verdict<'t>, QueryError> {
    matching_rules_with(&topology.lookup(), query)
}

/// [`matching_rules`] with a prebuilt [`Lookup`].
///
/// # Errors
/// As [`matching_rules`].
pub fn matching_rules_with<'t>(
    lookup: &Lookup<'t>,
    query: &Query,
) -> Result<Verdict<'t>, QueryError> {
    query.packet.check()?;
    let eni: &'t Eni = lookup
        .eni(query.eni.as_str(), query.scope.as_ref())
        .ok_or_else(|| QueryError::new(QueryErrorKind::UnknownEni(query.eni.clone())))?;
    matching_rules_for_groups(
        lookup,
        &eni.groups,
        Some(&eni.scope),
        query.direction,
        &query.packet,
    )
}

/// Whether `query.eni` allows `query.packet` (some rule matches). Unknown counts as not
/// allowed; use [`Verdict::outcome`] to tell deny from unknown.
///
/// # Errors
/// As [`matching_rules`].
pub fn allows(topology: &Topology, query: &Query) -> Result<bool, QueryError> {
    Ok(matching_rules(topology, query)?.allows())
}

/// The union evaluation over an explicit set of groups (as if one ENI carried them), for
/// callers that have no ENI: rule-set tests, "what would this group allow".
///
/// Group ids are looked up preferring `scope`; a repeated id is evaluated once.
///
/// # Errors
/// The packet is not concrete ([`Packet::check`]).
pub fn matching_rules_for_groups<'t>(
    lookup: &Lookup<'t>,
    groups: &[GroupId],
    scope: Option<&Scope>,
    direction: Direction,
    packet: &Packet,
) -> Result<Verdict<'t>, QueryError> {
    packet.check()?;
    let mut verdict = Verdict::default();
    let mut seen: Vec<&GroupId> = Vec::new();
    for id in groups {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(group) = lookup.group(id.as_str(), scope) else {
            verdict.unknown_groups.push(id.clone());
            continue;
        };
        for rule in group.rules(direction) {
            if !protocol_and_l4_match(rule.protocol, rule.l4, packet) {
                continue;
            }
            match peer_matches(lookup, &group.scope, &rule.peer, packet) {
                PeerResult::Yes(by) => verdict.matches.push(Match { group, rule, by }),
                PeerResult::No => {}
                PeerResult::Unresolved(reason) => {
                    let u = UnresolvedRule {
                        group,
                        rule,
                        reason,
                    };
                    if matches!(reason, Unresolved::Stale { .. }) {
                        verdict.stale.push(u);
                    } else {
                        verdict.unknown.push(u);
                    }
                }
            }
        }
    }
    Ok(verdict)
}

/// Protocol and L4 part of an SG rule against a packet (§1.3, §2.6, §10).
fn protocol_and_l4_match(protocol: Protocol, l4: L4, packet: &Packet) -> bool {
    if !protocol.covers(packet.protocol) {
        return false;
    }
    // §1.3 / §8.13: `icmp` is ICMP for IPv4 only, `icmpv6` is for IPv6 only, whatever the
    // peer block says. (`All` is family-neutral; the peer decides the family.)
    match (protocol, packet.family()) {
        (Protocol::Icmp, Family::V6) | (Protocol::Icmpv6, Family::V4) => return false,
        _ => {}
    }
    // `normalize` drops ports on `all` and on numbered protocols (§2.6, §8.9, §8.10) and
    // keeps `Nothing` (§8.14), so this also handles rules read without normalisation.
    L4::normalize(protocol, l4).matches(&packet.l4)
}

enum PeerResult<'t> {
    Yes(MatchedBy<'t>),
    No,
    Unresolved(Unresolved<'t>),
}

fn peer_matches<'t>(
    lookup: &Lookup<'t>,
    scope: &Scope,
    peer: &'t Peer,
    packet: &Packet,
) -> PeerResult<'t> {
    let addr = packet.peer;
    match peer {
        // `Cidr::contains` is false across families (§1.4, §8.15).
        Peer::Cidr { cidr } => {
            if cidr.contains(addr) {
                PeerResult::Yes(MatchedBy::Cidr(*cidr))
            } else {
                PeerResult::No
            }
        }
        Peer::PrefixList { id } => {
            // Prefix lists are regional: prefer the one in the rule's group's scope.
            let Some(list) = lookup.prefix_list(id.as_str(), Some(scope)) else {
                return PeerResult::Unresolved(Unresolved::UnknownPrefixList(id));
            };
            let Some(entries) = &list.entries else {
                // A list of the other family cannot match, known entries or not (§2.5).
                if list.family.is_some_and(|f| f != packet.family()) {
                    return PeerResult::No;
                }
                return PeerResult::Unresolved(Unresolved::PrefixListEntriesUnknown(id));
            };
            match entries.iter().find(|e| e.cidr.contains(addr)) {
                Some(e) => PeerResult::Yes(MatchedBy::PrefixList {
                    list: id,
                    entry: e.cidr,
                }),
                None => PeerResult::No,
            }
        }
        Peer::Group(reference) => {
            // §2.4: a reference across a peering works only while it is active.
            if let Some(status) = reference.peering_status.as_deref()
                && !status.eq_ignore_ascii_case("active")
            {
                return PeerResult::Unresolved(Unresolved::Stale { reference, status });
            }
            let group = &reference.group;
            for eni in lookup.members_of(group) {
                if eni_has_private_address(eni, addr) {
                    return PeerResult::Yes(MatchedBy::Member {
                        group,
                        eni: &eni.id,
                    });
                }
            }
            if lookup.group(group.as_str(), None).is_some() {
                PeerResult::No
            } else {
                PeerResult::Unresolved(Unresolved::UnknownGroup(reference))
            }
        }
    }
}

/// §2.4: private IPv4 (primary and secondary) and IPv6 addresses; never public IPs/EIPs.
fn eni_has_private_address(eni: &Eni, addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => eni.private_ips.iter().any(|p| p.ip == a),
        IpAddr::V6(a) => eni.ipv6.contains(&a),
    }
}

// ---------------------------------------------------------------------------------------
// Network ACLs

/// Which entry decided a packet at a NACL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NaclDecision<'t> {
    /// The first matching entry by ascending rule number.
    Entry(&'t NaclEntry),
    /// No entry matched: the implicit `*` deny (the export lacked the 32767/32768 entries).
    ImplicitDeny,
}

impl<'t> NaclDecision<'t> {
    /// Allow or deny.
    pub fn action(&self) -> NaclAction {
        match self {
            NaclDecision::Entry(e) => e.action,
            NaclDecision::ImplicitDeny => NaclAction::Deny,
        }
    }

    /// Whether the packet passes.
    pub fn allows(&self) -> bool {
        self.action() == NaclAction::Allow
    }

    /// The deciding rule number; `None` for the implicit deny.
    pub fn rule_number(&self) -> Option<u16> {
        match self {
            NaclDecision::Entry(e) => Some(e.rule_number),
            NaclDecision::ImplicitDeny => None,
        }
    }

    /// Where the deciding entry was read; `None` for the implicit deny.
    pub fn origin(&self) -> Option<&'t Origin> {
        match self {
            NaclDecision::Entry(e) => Some(&e.origin),
            NaclDecision::ImplicitDeny => None,
        }
    }
}

impl fmt::Display for NaclDecision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // §3.2: the final rules are shown as `*`.
            NaclDecision::Entry(e) if e.rule_number >= 32767 => write!(f, "{} by rule *", e.action),
            NaclDecision::Entry(e) => write!(f, "{} by rule {}", e.action, e.rule_number),
            NaclDecision::ImplicitDeny => f.write_str("deny by implicit rule *"),
        }
    }
}

/// The first entry of `acl` in `direction` (ascending rule number) that matches `packet`,
/// or the implicit deny.
///
/// # Errors
/// The packet is not concrete ([`Packet::check`]).
pub fn nacl_decision<'t>(
    acl: &'t NetworkAcl,
    direction: Direction,
    packet: &Packet,
) -> Result<NaclDecision<'t>, QueryError> {
    packet.check()?;
    // `sorted` is a stable sort by rule number: evaluation order never depends on the
    // order of the JSON array (§3.2, §8.24).
    Ok(acl
        .sorted(direction)
        .into_iter()
        .find(|e| nacl_entry_matches(e, packet))
        .map_or(NaclDecision::ImplicitDeny, NaclDecision::Entry))
}

/// One NACL entry against a packet (§3.2, §8.27).
pub fn nacl_entry_matches(entry: &NaclEntry, packet: &Packet) -> bool {
    if !entry.protocol.covers(packet.protocol) {
        return false;
    }
    // IPv4 entries never match IPv6 packets and vice versa (§3.2, §8.28).
    if !entry.cidr.contains(packet.peer) {
        return false;
    }
    let l4 = match entry.protocol {
        Protocol::Tcp | Protocol::Udp | Protocol::Icmp => entry.l4,
        // 58 with an IPv6 block needs (and uses) a type/code; with an IPv4 block every
        // type and code matches, whatever is specified (§3.2).
        Protocol::Icmpv6 if entry.cidr.family() == Family::V6 => entry.l4,
        // -1, 58 with an IPv4 block, and every other number: ports/types ignored (§8.27).
        Protocol::Icmpv6 | Protocol::All | Protocol::Number(_) => {
            if entry.l4 == L4::Nothing {
                L4::Nothing
            } else {
                L4::Any
            }
        }
    };
    L4::normalize(entry.protocol, l4).matches(&packet.l4)
}
