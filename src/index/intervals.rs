//! Sets of inclusive integer intervals over `u16` (ports), `u32` (IPv4) and `u128` (IPv6).
//!
//! An [`IntervalSet`] is kept normalised: sorted, disjoint and non-adjacent (`[1,2]` and
//! `[3,4]` merge into `[1,4]`). All arithmetic is inclusive and uses checked successor, so
//! the top of the space (`65535`, `255.255.255.255`, `ffff:…:ffff`) needs no special case.

use std::fmt;

/// An unsigned integer usable as an interval endpoint.
pub trait Endpoint: Copy + Ord + fmt::Debug + Send + Sync + 'static {
    /// The smallest value.
    const MIN: Self;
    /// The largest value.
    const MAX: Self;
    /// `self + 1`, or `None` at `MAX`.
    fn succ(self) -> Option<Self>;
    /// `self - 1`, or `None` at `MIN`.
    fn pred(self) -> Option<Self>;
}

macro_rules! endpoint {
    ($($t:ty),*) => {$(
        impl Endpoint for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn succ(self) -> Option<Self> {
                self.checked_add(1)
            }
            fn pred(self) -> Option<Self> {
                self.checked_sub(1)
            }
        }
    )*};
}
endpoint!(u8, u16, u32, u128);

/// A normalised set of inclusive intervals.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntervalSet<T> {
    ranges: Vec<(T, T)>,
}

impl<T: Endpoint> Default for IntervalSet<T> {
    fn default() -> Self {
        IntervalSet { ranges: Vec::new() }
    }
}

impl<T: Endpoint> fmt::Debug for IntervalSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.ranges.iter().map(|(a, b)| format!("{a:?}-{b:?}")))
            .finish()
    }
}

impl<T: Endpoint> IntervalSet<T> {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The whole space `[MIN, MAX]`.
    pub fn full() -> Self {
        IntervalSet {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }

    /// From arbitrary intervals (reversed ones are ignored), normalised.
    pub fn from_ranges(iter: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut v: Vec<(T, T)> = iter.into_iter().filter(|(a, b)| a <= b).collect();
        v.sort_unstable();
        let mut out: Vec<(T, T)> = Vec::with_capacity(v.len());
        for (lo, hi) in v {
            if let Some(last) = out.last_mut() {
                // Merge when overlapping or adjacent: lo <= last.hi + 1.
                let touches = match last.1.succ() {
                    Some(next) => lo <= next,
                    None => true,
                };
                if touches {
                    if hi > last.1 {
                        last.1 = hi;
                    }
                    continue;
                }
            }
            out.push((lo, hi));
        }
        IntervalSet { ranges: out }
    }

    /// The normalised intervals.
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the set is the whole space.
    pub fn is_full(&self) -> bool {
        self.ranges == [(T::MIN, T::MAX)]
    }

    /// Whether `x` is in the set (binary search).
    pub fn contains(&self, x: T) -> bool {
        let i = self.ranges.partition_point(|&(lo, _)| lo <= x);
        i > 0 && x <= self.ranges[i - 1].1
    }

    /// Whether every element of `other` is in `self`.
    pub fn covers(&self, other: &Self) -> bool {
        other.ranges.iter().all(|&(lo, hi)| {
            let i = self.ranges.partition_point(|&(l, _)| l <= lo);
            i > 0 && hi <= self.ranges[i - 1].1
        })
    }

    /// Whether the two sets share an element (no allocation).
    pub fn intersects(&self, other: &Self) -> bool {
        let (a, b) = (&self.ranges, &other.ranges);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].0.max(b[j].0) <= a[i].1.min(b[j].1) {
                return true;
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }

    /// Union.
    pub fn union(&self, other: &Self) -> Self {
        Self::from_ranges(self.ranges.iter().chain(other.ranges.iter()).copied())
    }

    /// Intersection.
    pub fn intersect(&self, other: &Self) -> Self {
        let (a, b) = (&self.ranges, &other.ranges);
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < a.len() && j < b.len() {
            let lo = a[i].0.max(b[j].0);
            let hi = a[i].1.min(b[j].1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        IntervalSet { ranges: out }
    }

    /// Complement within `[MIN, MAX]`.
    pub fn complement(&self) -> Self {
        let mut out = Vec::new();
        let mut next = Some(T::MIN);
        for &(lo, hi) in &self.ranges {
            if let Some(n) = next
                && n < lo
                && let Some(p) = lo.pred()
            {
                out.push((n, p));
            }
            next = hi.succ();
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        IntervalSet { ranges: out }
    }

    /// `self` minus `other`.
    pub fn difference(&self, other: &Self) -> Self {
        self.intersect(&other.complement())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set8(r: &[(u8, u8)]) -> IntervalSet<u8> {
        IntervalSet::from_ranges(r.iter().copied())
    }

    fn bits(s: &IntervalSet<u8>) -> [bool; 256] {
        let mut b = [false; 256];
        for x in 0..=255u8 {
            b[x as usize] = s.contains(x);
        }
        b
    }

    fn model(r: &[(u8, u8)]) -> [bool; 256] {
        let mut b = [false; 256];
        for &(lo, hi) in r {
            if lo <= hi {
                for x in lo..=hi {
                    b[x as usize] = true;
                }
            }
        }
        b
    }

    fn edge_u8() -> impl Strategy<Value = u8> {
        prop_oneof![Just(0u8), Just(1), Just(254), Just(255), any::<u8>()]
    }

    fn ranges() -> impl Strategy<Value = Vec<(u8, u8)>> {
        proptest::collection::vec((edge_u8(), edge_u8()), 0..8)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn normalised_form_is_sorted_disjoint_non_adjacent(r in ranges()) {
            let s = set8(&r);
            for w in s.ranges().windows(2) {
                prop_assert!(w[0].1 < w[1].0);
                prop_assert!(w[0].1.succ().is_some_and(|n| n < w[1].0));
            }
            for &(lo, hi) in s.ranges() {
                prop_assert!(lo <= hi);
            }
            prop_assert_eq!(bits(&s), model(&r));
        }

        #[test]
        fn set_operations_agree_with_bitset_model(a in ranges(), b in ranges()) {
            let (sa, sb) = (set8(&a), set8(&b));
            let (ma, mb) = (model(&a), model(&b));
            let u = bits(&sa.union(&sb));
            let i = bits(&sa.intersect(&sb));
            let c = bits(&sa.complement());
            let d = bits(&sa.difference(&sb));
            for x in 0..256 {
                prop_assert_eq!(u[x], ma[x] || mb[x]);
                prop_assert_eq!(i[x], ma[x] && mb[x]);
                prop_assert_eq!(c[x], !ma[x]);
                prop_assert_eq!(d[x], ma[x] && !mb[x]);
            }
            let covers = (0..256).all(|x| !mb[x] || ma[x]);
            prop_assert_eq!(sa.covers(&sb), covers);
            let meets = (0..256).any(|x| ma[x] && mb[x]);
            prop_assert_eq!(sa.intersects(&sb), meets);
            // Normal forms are unique: equal sets are equal values.
            prop_assert_eq!(sa.union(&sb), sb.union(&sa));
        }
    }

    #[test]
    fn top_of_space() {
        let s = IntervalSet::from_ranges([(u32::MAX, u32::MAX), (0, u32::MAX - 1)]);
        assert!(s.is_full());
        assert!(IntervalSet::<u128>::full().complement().is_empty());
        let p = IntervalSet::from_ranges([(65535u16, 65535), (0, 0)]);
        assert_eq!(p.complement().ranges(), &[(1, 65534)]);
    }
}
