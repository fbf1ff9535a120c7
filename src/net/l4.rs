//! What a rule matches beyond the protocol: ports, an ICMP type/code, or everything.

use super::{IcmpMatch, PortRange, Protocol};
use std::fmt;

/// The layer-4 part of a rule, already normalised for its protocol.
///
/// - TCP/UDP carry [`L4::Ports`] (all ports is `Ports(0-65535)`).
/// - ICMP/ICMPv6 carry [`L4::Icmp`].
/// - Protocol `all` and other numbers carry [`L4::Any`]: AWS ignores ports on them.
/// - [`L4::Nothing`] is a rule AWS would have rejected (ICMP code without type); it
///   matches no packet and ingest reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum L4 {
    /// Every port / type / code.
    Any,
    /// A TCP/UDP destination port range.
    Ports(PortRange),
    /// An ICMP or ICMPv6 type/code match.
    Icmp(IcmpMatch),
    /// Matches nothing (invalid in AWS; kept so it can be reported and explained).
    Nothing,
}

impl L4 {
    /// The canonical L4 part for `protocol` given a requested one: ports are dropped for
    /// protocols that ignore them, and a port match on ICMP (or vice versa) becomes "any".
    pub fn normalize(protocol: Protocol, l4: L4) -> L4 {
        match (protocol, l4) {
            (_, L4::Nothing) => L4::Nothing,
            (Protocol::Tcp | Protocol::Udp, L4::Ports(p)) => L4::Ports(p),
            (Protocol::Tcp | Protocol::Udp, _) => L4::Ports(PortRange::ALL),
            (Protocol::Icmp | Protocol::Icmpv6, L4::Icmp(m)) => L4::Icmp(m),
            (Protocol::Icmp | Protocol::Icmpv6, _) => L4::Icmp(IcmpMatch::ANY),
            (Protocol::All | Protocol::Number(_), _) => L4::Any,
        }
    }

    /// Whether this part matches a packet's L4 fields: `port` for TCP/UDP, `(type, code)`
    /// for ICMP. Packets of other protocols carry neither and match anything but `Nothing`.
    pub fn matches(self, packet: &PacketL4) -> bool {
        match (self, packet) {
            (L4::Nothing, _) => false,
            (L4::Any, _) => true,
            (L4::Ports(r), PacketL4::Port(p)) => r.contains(*p),
            (L4::Icmp(m), PacketL4::Icmp { ty, code }) => m.matches(*ty, *code),
            // A rule's L4 kind always agrees with its protocol after `normalize`; a packet
            // whose L4 kind disagrees is for another protocol and never reaches here.
            (L4::Ports(_) | L4::Icmp(_), _) => false,
        }
    }
}

impl fmt::Display for L4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            L4::Any => f.write_str("all"),
            L4::Ports(p) => write!(f, "{p}"),
            L4::Icmp(m) => write!(f, "{m}"),
            L4::Nothing => f.write_str("none"),
        }
    }
}

/// The layer-4 fields of one concrete packet (the one that opens a connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketL4 {
    /// TCP/UDP destination port.
    Port(u16),
    /// ICMP/ICMPv6 type and code.
    Icmp {
        /// ICMP type.
        ty: u8,
        /// ICMP code.
        code: u8,
    },
    /// Another protocol: no L4 fields are matched.
    None,
}
