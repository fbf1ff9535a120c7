//! Rule coverage for the redundancy checks (SG011, SG012): is a rule's whole
//! (protocol × L4 × peer) box inside the union of other rules' boxes?
//!
//! Peers compare by address set when they are CIDRs or prefix lists with exported
//! entries (their current content), and by identity when they are group references or
//! prefix lists without entries: a group reference is never "covered" by a CIDR that
//! happens to hold today's members, because membership changes. Stale references and
//! rules that match nothing (an `icmp` rule with an IPv6 peer) take no part.

use super::context::AuditCtx;
use crate::index::compiled::Resolved;
use crate::index::intervals::IntervalSet;
use crate::model::{Peer, Rule};
use crate::net::{Family, L4, Protocol};

/// What a rule's peer is, for coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerKey {
    /// Address sets (CIDR, or prefix list with entries).
    Addrs {
        /// IPv4.
        v4: IntervalSet<u32>,
        /// IPv6.
        v6: IntervalSet<u128>,
    },
    /// Compared by identity (group reference, prefix list without entries).
    Ident(String),
}

/// A rule as a box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBox {
    /// Protocol (`All` covers every protocol).
    pub protocol: Protocol,
    /// L4 span (ports, or ICMP `type << 8 | code`; full for other protocols).
    pub lo: u16,
    /// L4 span high end.
    pub hi: u16,
    /// Peer.
    pub peer: PeerKey,
}

fn span(l4: L4) -> Option<(u16, u16)> {
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

/// The box of a rule, or `None` when it matches nothing or is stale.
pub fn rule_box(ctx: &AuditCtx<'_>, rule: &Rule) -> Option<RuleBox> {
    let (lo, hi) = span(rule.l4)?;
    let peer = match ctx.resolver.resolve(rule) {
        Resolved::Stale => return None,
        Resolved::Cidr(c) => {
            let fam = c.family();
            if (rule.protocol == Protocol::Icmp && fam == Family::V6)
                || (rule.protocol == Protocol::Icmpv6 && fam == Family::V4)
            {
                return None;
            }
            PeerKey::Addrs {
                v4: IntervalSet::from_ranges(c.v4_range().map(|r| (r.lo(), r.hi()))),
                v6: IntervalSet::from_ranges(c.v6_range().map(|r| (r.lo(), r.hi()))),
            }
        }
        Resolved::Addrs(a) if matches!(rule.peer, Peer::PrefixList { .. }) => PeerKey::Addrs {
            v4: a.v4.clone(),
            v6: a.v6.clone(),
        },
        _ => PeerKey::Ident(rule.peer.to_string()),
    };
    Some(RuleBox {
        protocol: rule.protocol,
        lo,
        hi,
        peer,
    })
}

fn overlaps(a: &PeerKey, b: &PeerKey) -> bool {
    match (a, b) {
        (PeerKey::Ident(x), PeerKey::Ident(y)) => x == y,
        (PeerKey::Addrs { v4, v6 }, PeerKey::Addrs { v4: w4, v6: w6 }) => {
            quick_overlap(v4, w4) || quick_overlap(v6, w6)
        }
        _ => false,
    }
}

fn quick_overlap<T: crate::index::intervals::Endpoint>(
    a: &IntervalSet<T>,
    b: &IntervalSet<T>,
) -> bool {
    let (Some(af), Some(al), Some(bf), Some(bl)) = (
        a.ranges().first(),
        a.ranges().last(),
        b.ranges().first(),
        b.ranges().last(),
    ) else {
        return false;
    };
    if al.1 < bf.0 || bl.1 < af.0 {
        return false;
    }
    !a.intersect(b).is_empty()
}

/// Whether `target` is covered by the union of `others`.
pub fn covered(target: &RuleBox, others: &[&RuleBox]) -> bool {
    let cands: Vec<&&RuleBox> = others
        .iter()
        .filter(|o| {
            (o.protocol == target.protocol || o.protocol == Protocol::All)
                && o.lo <= target.hi
                && o.hi >= target.lo
                && overlaps(&o.peer, &target.peer)
        })
        .collect();
    if cands.is_empty() {
        return false;
    }
    // A protocol-all rule spans the whole L4 space of every protocol.
    let span_of = |o: &RuleBox| {
        if o.protocol == Protocol::All && target.protocol != Protocol::All {
            (0u16, u16::MAX)
        } else {
            (o.lo, o.hi)
        }
    };
    let mut points: Vec<u32> = vec![u32::from(target.lo), u32::from(target.hi) + 1];
    for o in &cands {
        let (a, b) = span_of(o);
        for p in [u32::from(a), u32::from(b) + 1] {
            if p > u32::from(target.lo) && p <= u32::from(target.hi) {
                points.push(p);
            }
        }
    }
    points.sort_unstable();
    points.dedup();
    for w in points.windows(2) {
        let (lo, hi) = (w[0] as u16, (w[1] - 1) as u16);
        let active: Vec<&&&RuleBox> = cands
            .iter()
            .filter(|o| {
                let (a, b) = span_of(o);
                a <= lo && b >= hi
            })
            .collect();
        let ok = match &target.peer {
            PeerKey::Ident(_) => !active.is_empty(),
            PeerKey::Addrs { v4, v6 } => {
                let mut u4: Vec<(u32, u32)> = Vec::new();
                let mut u6: Vec<(u128, u128)> = Vec::new();
                for o in &active {
                    if let PeerKey::Addrs { v4, v6 } = &o.peer {
                        u4.extend(v4.ranges());
                        u6.extend(v6.ranges());
                    }
                }
                IntervalSet::from_ranges(u4).covers(v4) && IntervalSet::from_ranges(u6).covers(v6)
            }
        };
        if !ok {
            return false;
        }
    }
    true
}
