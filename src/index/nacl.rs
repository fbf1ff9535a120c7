//! Compiled network ACLs: first match by rule number, over disjoint address atoms.
//!
//! For each direction and family, the address space is cut at every entry's boundaries.
//! Each atom keeps the entries covering it in ascending rule-number order, cut after the
//! first entry that matches every packet (protocol `-1`), since nothing after it can be
//! reached. A query finds the atom by binary search and returns the first entry whose
//! protocol and ports match; no match means the implicit final deny (`*`).

use super::intervals::Endpoint;
use crate::model::{NaclAction, NaclEntry, NetworkAcl};
use crate::net::{Direction, Family, L4, PacketL4, Protocol};
use std::net::IpAddr;

/// The decision of a NACL for one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NaclVerdict<'a> {
    /// The first matching entry, with its action.
    Entry(&'a NaclEntry),
    /// No entry matched: the implicit `*` deny (32767 for IPv4, 32768 for IPv6).
    ImplicitDeny,
}

impl NaclVerdict<'_> {
    /// Whether the packet passes.
    pub fn allows(&self) -> bool {
        matches!(self, NaclVerdict::Entry(e) if e.action == NaclAction::Allow)
    }
}

#[derive(Debug, Clone)]
struct Axis<T> {
    starts: Vec<T>,
    /// Per atom: range into `entries` of the ordered candidate entries.
    spans: Vec<(u32, u32)>,
    entries: Vec<u32>,
}

impl<T: Endpoint> Axis<T> {
    fn build(
        acl: &NetworkAcl,
        sorted: &[u32],
        family: Family,
        range: impl Fn(&NaclEntry) -> Option<(T, T)>,
    ) -> Axis<T> {
        let mut points: Vec<T> = vec![T::MIN];
        for &i in sorted {
            let e = &acl.entries[i as usize];
            if e.cidr.family() != family {
                continue;
            }
            if let Some((lo, hi)) = range(e) {
                points.push(lo);
                if let Some(n) = hi.succ() {
                    points.push(n);
                }
            }
        }
        points.sort_unstable();
        points.dedup();
        let mut spans = Vec::with_capacity(points.len());
        let mut entries = Vec::new();
        for &start in &points {
            let from = entries.len() as u32;
            for &i in sorted {
                let e = &acl.entries[i as usize];
                if e.cidr.family() != family {
                    continue;
                }
                if let Some((lo, hi)) = range(e)
                    && lo <= start
                    && start <= hi
                {
                    entries.push(i);
                    if e.protocol == Protocol::All {
                        break;
                    }
                }
            }
            spans.push((from, entries.len() as u32));
        }
        Axis {
            starts: points,
            spans,
            entries,
        }
    }

    fn candidates(&self, x: T) -> &[u32] {
        let i = self.starts.partition_point(|&s| s <= x).saturating_sub(1);
        let (a, b) = self.spans[i];
        &self.entries[a as usize..b as usize]
    }
}

/// One NACL compiled for both directions and families.
#[derive(Debug, Clone)]
pub struct CompiledNacl<'a> {
    acl: &'a NetworkAcl,
    axes: [(Axis<u32>, Axis<u128>); 2],
}

/// Whether an entry's protocol and L4 part match a packet (the address already does).
///
/// Protocol 58 on an IPv4 block matches every ICMPv6 type and code, whatever the entry
/// says (semantics §3.2); everywhere else the entry's normalised L4 part decides.
fn entry_matches(e: &NaclEntry, protocol: Protocol, l4: &PacketL4) -> bool {
    let own = L4::normalize(e.protocol, e.l4);
    if own == L4::Nothing || !e.protocol.covers(protocol) {
        return false;
    }
    if e.protocol == Protocol::Icmpv6 && e.cidr.family() == Family::V4 {
        return true;
    }
    own.matches(l4)
}

impl<'a> CompiledNacl<'a> {
    /// Compiles `acl`.
    pub fn new(acl: &'a NetworkAcl) -> CompiledNacl<'a> {
        let axes = Direction::ALL.map(|d| {
            let mut sorted: Vec<u32> = (0..acl.entries.len() as u32)
                .filter(|&i| acl.entries[i as usize].direction == d)
                .collect();
            // Stable: equal rule numbers keep input order.
            sorted.sort_by_key(|&i| acl.entries[i as usize].rule_number);
            (
                Axis::build(acl, &sorted, Family::V4, |e| {
                    e.cidr.v4_range().map(|r| (r.lo(), r.hi()))
                }),
                Axis::build(acl, &sorted, Family::V6, |e| {
                    e.cidr.v6_range().map(|r| (r.lo(), r.hi()))
                }),
            )
        });
        CompiledNacl { acl, axes }
    }

    /// The ACL this was compiled from.
    pub fn acl(&self) -> &'a NetworkAcl {
        self.acl
    }

    /// The first entry matching a packet crossing the subnet boundary in `direction`
    /// (ingress = entering the subnet) with the other end at `peer`.
    pub fn evaluate(
        &self,
        direction: Direction,
        peer: IpAddr,
        protocol: Protocol,
        l4: &PacketL4,
    ) -> NaclVerdict<'a> {
        let (v4, v6) = &self.axes[match direction {
            Direction::Ingress => 0,
            Direction::Egress => 1,
        }];
        let cands = match peer {
            IpAddr::V4(a) => v4.candidates(u32::from(a)),
            IpAddr::V6(a) => v6.candidates(u128::from(a)),
        };
        for &i in cands {
            let e = &self.acl.entries[i as usize];
            if entry_matches(e, protocol, l4) {
                return NaclVerdict::Entry(e);
            }
        }
        NaclVerdict::ImplicitDeny
    }
}
