//! What a set of rules allows at one address atom, independent of the address:
//! per protocol class, merged port ranges or ICMP type/code sets.

use crate::net::{IcmpMatch, L4, PacketL4, Protocol};

/// A 256-bit set (protocol numbers, ICMP types).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Bits256([u64; 4]);

impl Bits256 {
    /// Adds `x`.
    pub fn insert(&mut self, x: u8) {
        self.0[usize::from(x >> 6)] |= 1u64 << (x & 63);
    }

    /// Whether `x` is in.
    pub fn contains(&self, x: u8) -> bool {
        self.0[usize::from(x >> 6)] & (1u64 << (x & 63)) != 0
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }
}

/// An ICMP (or ICMPv6) allowance: any, types with any code, and exact type/code pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct IcmpSet {
    any: bool,
    types: Bits256,
    pairs: Vec<(u8, u8)>,
}

impl IcmpSet {
    fn add(&mut self, m: IcmpMatch) {
        match (m.icmp_type(), m.icmp_code()) {
            (None, _) => self.any = true,
            (Some(t), None) => self.types.insert(t),
            (Some(t), Some(c)) => self.pairs.push((t, c)),
        }
    }

    fn normalize(&mut self) {
        if self.any {
            self.types = Bits256::default();
            self.pairs.clear();
            return;
        }
        let types = self.types;
        self.pairs.retain(|&(t, _)| !types.contains(t));
        self.pairs.sort_unstable();
        self.pairs.dedup();
    }

    fn matches(&self, ty: u8, code: u8) -> bool {
        self.any || self.types.contains(ty) || self.pairs.iter().any(|&(t, c)| t == ty && c == code)
    }

    fn is_empty(&self) -> bool {
        !self.any && self.types.is_empty() && self.pairs.is_empty()
    }
}

/// Inclusive port ranges, sorted, disjoint and non-adjacent.
fn ports_contain(ranges: &[(u16, u16)], port: u16) -> bool {
    if ranges.len() <= 8 {
        ranges.iter().any(|&(lo, hi)| lo <= port && port <= hi)
    } else {
        let i = ranges.partition_point(|&(lo, _)| lo <= port);
        i > 0 && port <= ranges[i - 1].1
    }
}

/// The rarely used parts of a summary, boxed so that the common summary stays small.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Rare {
    icmp: IcmpSet,
    icmpv6: IcmpSet,
    other: Bits256,
}

/// The protocol/port allowance of a set of rules at one address atom.
///
/// Built by [`SummaryBuilder`], normalised so that equal allowances are equal values
/// (interning relies on it). 48 bytes plus its port ranges: ICMP and other protocols live
/// in a box that most summaries do not need.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Summary {
    all: bool,
    tcp: Box<[(u16, u16)]>,
    udp: Box<[(u16, u16)]>,
    rare: Option<Box<Rare>>,
}

impl Summary {
    /// Whether a packet of `protocol` with L4 fields `l4` is allowed.
    #[inline]
    pub fn allows(&self, protocol: Protocol, l4: &PacketL4) -> bool {
        if self.all {
            return true;
        }
        match (protocol, l4) {
            (Protocol::Tcp, PacketL4::Port(p)) => ports_contain(&self.tcp, *p),
            (Protocol::Udp, PacketL4::Port(p)) => ports_contain(&self.udp, *p),
            (Protocol::Icmp, PacketL4::Icmp { ty, code }) => self
                .rare
                .as_ref()
                .is_some_and(|r| r.icmp.matches(*ty, *code)),
            (Protocol::Icmpv6, PacketL4::Icmp { ty, code }) => self
                .rare
                .as_ref()
                .is_some_and(|r| r.icmpv6.matches(*ty, *code)),
            (Protocol::Number(n), _) => self.rare.as_ref().is_some_and(|r| r.other.contains(n)),
            _ => false,
        }
    }

    /// Heap bytes held (port ranges, and the boxed ICMP/protocol part).
    pub fn heap_bytes(&self) -> usize {
        (self.tcp.len() + self.udp.len()) * 4
            + self.rare.as_ref().map_or(0, |r| {
                std::mem::size_of::<Rare>() + (r.icmp.pairs.len() + r.icmpv6.pairs.len()) * 2
            })
    }

    /// Whether nothing is allowed.
    pub fn is_empty(&self) -> bool {
        !self.all && self.tcp.is_empty() && self.udp.is_empty() && self.rare.is_none()
    }
}

/// Accumulates rules into a [`Summary`]. Reusable: [`SummaryBuilder::finish`] leaves it
/// empty, keeping its buffers.
#[derive(Debug, Default)]
pub struct SummaryBuilder {
    all: bool,
    tcp: Vec<(u16, u16)>,
    udp: Vec<(u16, u16)>,
    icmp: IcmpSet,
    icmpv6: IcmpSet,
    other: Bits256,
}

/// Sorts and merges overlapping or adjacent ranges in place.
fn merge_ranges(v: &mut Vec<(u16, u16)>) {
    v.sort_unstable();
    let mut out = 0;
    for i in 0..v.len() {
        let (lo, hi) = v[i];
        if out > 0 {
            let last = &mut v[out - 1];
            if u32::from(lo) <= u32::from(last.1) + 1 {
                last.1 = last.1.max(hi);
                continue;
            }
        }
        v[out] = (lo, hi);
        out += 1;
    }
    v.truncate(out);
}

impl SummaryBuilder {
    /// Adds one rule's protocol and (normalised) L4 match. `L4::Nothing` adds nothing.
    pub fn add(&mut self, protocol: Protocol, l4: L4) {
        if l4 == L4::Nothing || self.all {
            return;
        }
        match (protocol, l4) {
            (Protocol::All, _) => self.all = true,
            (Protocol::Tcp, L4::Ports(r)) => self.tcp.push((r.lo(), r.hi())),
            (Protocol::Udp, L4::Ports(r)) => self.udp.push((r.lo(), r.hi())),
            (Protocol::Icmp, L4::Icmp(m)) => self.icmp.add(m),
            (Protocol::Icmpv6, L4::Icmp(m)) => self.icmpv6.add(m),
            (Protocol::Number(n), _) => self.other.insert(n),
            // The compiler normalises every rule first (`L4::normalize`), so no other
            // pairing reaches here; ignoring one errs towards "not allowed", which the
            // oracle tests would expose.
            _ => {}
        }
    }

    /// The normalised summary; the builder is left empty for reuse.
    pub fn finish(&mut self) -> Summary {
        if std::mem::take(&mut self.all) {
            self.tcp.clear();
            self.udp.clear();
            self.icmp = IcmpSet::default();
            self.icmpv6 = IcmpSet::default();
            self.other = Bits256::default();
            return Summary {
                all: true,
                ..Summary::default()
            };
        }
        merge_ranges(&mut self.tcp);
        merge_ranges(&mut self.udp);
        let mut icmp = std::mem::take(&mut self.icmp);
        icmp.normalize();
        let mut icmpv6 = std::mem::take(&mut self.icmpv6);
        icmpv6.normalize();
        let other = std::mem::take(&mut self.other);
        let rare = (!icmp.is_empty() || !icmpv6.is_empty() || !other.is_empty()).then(|| {
            Box::new(Rare {
                icmp,
                icmpv6,
                other,
            })
        });
        let s = Summary {
            all: false,
            tcp: self.tcp.as_slice().into(),
            udp: self.udp.as_slice().into(),
            rare,
        };
        self.tcp.clear();
        self.udp.clear();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{IcmpMatch, PortRange};

    #[test]
    fn merges_and_reuses() {
        let mut b = SummaryBuilder::default();
        b.add(Protocol::Tcp, L4::Ports(PortRange::new(10, 20)));
        b.add(Protocol::Tcp, L4::Ports(PortRange::new(21, 30)));
        b.add(Protocol::Tcp, L4::Ports(PortRange::new(65535, 65535)));
        b.add(Protocol::Icmp, L4::Icmp(IcmpMatch::of_type(8)));
        let s = b.finish();
        assert!(s.allows(Protocol::Tcp, &PacketL4::Port(21)));
        assert!(s.allows(Protocol::Tcp, &PacketL4::Port(65535)));
        assert!(!s.allows(Protocol::Tcp, &PacketL4::Port(31)));
        assert!(s.allows(Protocol::Icmp, &PacketL4::Icmp { ty: 8, code: 3 }));
        assert!(!s.allows(Protocol::Icmpv6, &PacketL4::Icmp { ty: 8, code: 3 }));
        // The builder is empty again.
        let empty = b.finish();
        assert!(empty.is_empty());
        assert_eq!(empty, Summary::default());
    }
}
