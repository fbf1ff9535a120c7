//! Inclusive address ranges over `u32` (IPv4) and `u128` (IPv6).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// An inclusive range `[lo, hi]` of addresses represented as integers.
///
/// Inclusive on both ends, so `0.0.0.0/0` is `[0, u32::MAX]` with no overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AddrRange<T> {
    lo: T,
    hi: T,
}

/// IPv4 range.
pub type Ipv4Range = AddrRange<u32>;
/// IPv6 range.
pub type Ipv6Range = AddrRange<u128>;

impl<T: Copy + Ord> AddrRange<T> {
    /// The range `[lo, hi]`.
    ///
    /// # Panics
    /// If `lo > hi`.
    pub fn new(lo: T, hi: T) -> Self {
        assert!(lo <= hi, "address range is reversed");
        AddrRange { lo, hi }
    }

    /// The range `[lo, hi]`, or `None` when `lo > hi`.
    pub fn new_checked(lo: T, hi: T) -> Option<Self> {
        (lo <= hi).then_some(AddrRange { lo, hi })
    }

    /// First address (inclusive).
    pub fn lo(&self) -> T {
        self.lo
    }

    /// Last address (inclusive).
    pub fn hi(&self) -> T {
        self.hi
    }

    /// Whether `a` is inside.
    pub fn contains(&self, a: T) -> bool {
        self.lo <= a && a <= self.hi
    }

    /// Whether `other` lies wholly inside `self`.
    pub fn covers(&self, other: &Self) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }

    /// Whether the two ranges share an address.
    pub fn overlaps(&self, other: &Self) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }
}

impl fmt::Display for AddrRange<u32> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", Ipv4Addr::from(self.lo), Ipv4Addr::from(self.hi))
    }
}

impl fmt::Display for AddrRange<u128> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", Ipv6Addr::from(self.lo), Ipv6Addr::from(self.hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclusive_edges() {
        let all = Ipv4Range::new(0, u32::MAX);
        assert!(all.contains(u32::MAX));
        assert!(all.contains(0));
        let r = Ipv4Range::new(10, 20);
        assert!(r.overlaps(&Ipv4Range::new(20, 30)));
        assert!(!r.overlaps(&Ipv4Range::new(21, 30)));
        assert!(all.covers(&r));
        assert!(Ipv4Range::new_checked(5, 4).is_none());
        assert_eq!(
            Ipv6Range::new(0, u128::MAX).to_string(),
            "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        );
    }
}
