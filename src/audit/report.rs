//! Turns [`Exposures`](super::exposure::Exposures) into findings for the exposure checks
//! (SG001–SG007): one function, called by each check with its own selection, so the
//! checks agree on segments, effective/nominal status and evidence.

use super::Sink;
use super::config::Category;
use super::context::AuditCtx;
use super::exposure::{
    Contributor, ExposedRange, PathStatus, Reach, Subject, internet_path, may_reach,
    rule_public_sources,
};
use super::finding::{Exposure, Finding};
use crate::index::intervals::IntervalSet;
use crate::net::{Direction, Family, Protocol};
use std::fmt::Write as _;
use std::sync::Arc;

/// Which exposure findings a check wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    /// World-open catalogue ports of one category (SG001–SG004).
    Catalogue(Category),
    /// World-open all ports or all protocols (SG005).
    AllPorts,
    /// World-open anything else (SG006).
    Other,
    /// Broad public sources (SG007).
    Broad,
}

fn world_peer(f: Family) -> &'static str {
    match f {
        Family::V4 => "0.0.0.0/0",
        Family::V6 => "::/0",
    }
}

fn internet_name(f: Family) -> &'static str {
    match f {
        Family::V4 => "the whole IPv4 internet",
        Family::V6 => "the whole IPv6 internet",
    }
}

/// `tcp 22`, `udp 0-65535`, `icmp type 8`, `all protocols`, `protocol 47`.
pub fn traffic_text(protocol: Protocol, lo: u16, hi: u16) -> String {
    let mut s = String::new();
    write_traffic(&mut s, protocol, lo, hi);
    s
}

/// Appends [`traffic_text`] to `out`.
fn write_traffic(out: &mut String, protocol: Protocol, lo: u16, hi: u16) {
    let _ = match protocol {
        Protocol::All => write!(out, "all protocols"),
        Protocol::Number(n) => write!(out, "protocol {n}"),
        Protocol::Icmp | Protocol::Icmpv6 => {
            let (tl, th) = (lo >> 8, hi >> 8);
            let (cl, ch) = (lo & 0xff, hi & 0xff);
            let whole = cl == 0 && ch == 0xff;
            if lo == 0 && hi == u16::MAX {
                write!(out, "{protocol} (all types)")
            } else if tl == th && whole {
                write!(out, "{protocol} type {tl}")
            } else if lo == hi {
                write!(out, "{protocol} type {tl} code {cl}")
            } else if tl == th {
                write!(out, "{protocol} type {tl} codes {cl}-{ch}")
            } else if whole {
                write!(out, "{protocol} types {tl}-{th}")
            } else {
                write!(out, "{protocol} type {tl} code {cl} to type {th} code {ch}")
            }
        }
        _ if lo == hi => write!(out, "{protocol} {lo}"),
        _ => write!(out, "{protocol} {lo}-{hi}"),
    };
}

/// The JSON `ports` of a segment: ports, or ICMP type range; `None` = all.
fn ports_field(protocol: Protocol, lo: u16, hi: u16) -> Option<(u16, u16)> {
    match protocol {
        Protocol::Tcp | Protocol::Udp if !(lo == 0 && hi == u16::MAX) => Some((lo, hi)),
        Protocol::Icmp | Protocol::Icmpv6 if !(lo == 0 && hi == u16::MAX) => {
            Some((lo >> 8, hi >> 8))
        }
        _ => None,
    }
}

/// A segment's L4 span and the rules (group position, rule position) admitting it.
type SegmentRules = ((u16, u16), Vec<(u32, u32)>);

struct Piece {
    family: Family,
    protocol: Protocol,
    lo: u16,
    hi: u16,
    /// How many rules contribute (to any of its segments).
    contributing: usize,
    /// The rules the finding cites (see [`ExposedRange::cited`]).
    cited: Vec<(u32, u32)>,
    assumed: Vec<String>,
    label: Option<String>,
    /// Each cited rule opens it to the world on its own (see [`ExposedRange::alone`]).
    alone: bool,
    /// Some of its segments are opened by one rule alone (the others by several).
    partly_alone: bool,
    /// Broad pieces of an interface the internet may reach: per segment, its L4 span
    /// and the rules admitting known public sources to it (a client reaches the
    /// segment's ports only from its own rules' sources); empty otherwise.
    admitting: Vec<SegmentRules>,
}

impl Piece {
    /// The piece `[lo, hi]` of `family`/`protocol` made of the segments `hits`.
    fn of(
        family: Family,
        protocol: Protocol,
        (lo, hi): (u16, u16),
        hits: &[&ExposedRange],
        label: Option<String>,
    ) -> Piece {
        let mut cited: Vec<(u32, u32)> =
            hits.iter().flat_map(|s| s.cited.iter().copied()).collect();
        cited.sort_unstable();
        cited.dedup();
        let mut assumed: Vec<String> = hits
            .iter()
            .flat_map(|s| s.assumed.iter().map(|a| a.to_string()))
            .collect();
        assumed.sort();
        assumed.dedup();
        Piece {
            family,
            protocol,
            lo,
            hi,
            contributing: contributing(hits),
            cited,
            assumed,
            label,
            alone: hits.iter().all(|s| s.alone),
            partly_alone: hits.iter().any(|s| s.alone),
            admitting: Vec::new(),
        }
    }
}

/// How many distinct rules contribute to any of `hits` (segments of one family and
/// protocol of one subject, so they share one table of contributors).
fn contributing(hits: &[&ExposedRange]) -> usize {
    let first = match hits {
        [] => return 0,
        [one] => return one.held as usize,
        [first, ..] => first,
    };
    let table = &first.contributors;
    debug_assert!(hits.iter().all(|s| Arc::ptr_eq(&s.contributors, table)));
    // Segments come in L4 order and do not overlap: only those from the first one
    // ending at or after a rule's span start can lie in the span.
    let sorted = hits.windows(2).all(|w| w[0].hi < w[1].lo);
    let holds = |c: &Contributor| {
        let from = if sorted {
            hits.partition_point(|s| s.hi < c.lo)
        } else {
            0
        };
        hits[from..]
            .iter()
            .take_while(|s| !sorted || s.lo <= c.hi)
            .any(|s| s.holds(c))
    };
    let mut n = 0;
    let mut last = None;
    for c in table.iter() {
        // The table is sorted by rule: count each rule once.
        if last != Some(c.rule) && holds(c) {
            n += 1;
            last = Some(c.rule);
        }
    }
    n
}

/// Merges adjacent segments (same family, protocol) into pieces.
fn merge(segs: &[&ExposedRange]) -> Vec<Piece> {
    runs(segs).map(|run| piece_of_run(&segs[run])).collect()
}

/// The runs of adjacent segments (same family, protocol) in `segs`, as index ranges.
fn runs(segs: &[&ExposedRange]) -> impl Iterator<Item = std::ops::Range<usize>> {
    let mut start = 0;
    (1..=segs.len()).filter_map(move |k| {
        let joined = k < segs.len() && {
            let (a, b) = (segs[k - 1], segs[k]);
            a.family == b.family
                && a.protocol == b.protocol
                && u32::from(a.hi) + 1 == u32::from(b.lo)
        };
        (!joined).then(|| {
            let run = start..k;
            start = k;
            run
        })
    })
}

/// The piece a run of adjacent segments makes.
fn piece_of_run(run: &[&ExposedRange]) -> Piece {
    let (first, last) = (run[0], run[run.len() - 1]);
    Piece::of(first.family, first.protocol, (first.lo, last.hi), run, None)
}

/// Subtracts `[a, b]` from a list of inclusive ranges.
fn subtract(ranges: Vec<(u16, u16)>, a: u16, b: u16) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for (lo, hi) in ranges {
        if b < lo || a > hi {
            out.push((lo, hi));
            continue;
        }
        if lo < a {
            out.push((lo, a - 1));
        }
        if hi > b {
            out.push((b + 1, hi));
        }
    }
    out
}

/// Whether a protocol's world segments cover every port (or the protocol has no ports).
fn all_open(segs: &[&ExposedRange]) -> bool {
    let mut next: u32 = 0;
    for s in segs {
        if u32::from(s.lo) != next {
            return false;
        }
        next = u32::from(s.hi) + 1;
    }
    next == 65536
}

/// One subject's segments by family and protocol (each protocol's in their order), so
/// a check asks for one protocol without scanning every segment of the subject.
struct ByProtocol<'r> {
    segs: Vec<&'r ExposedRange>,
    /// Per family and protocol present: where its segments are in `segs` (sorted).
    at: Vec<((Family, Protocol), std::ops::Range<usize>)>,
}

impl<'r> ByProtocol<'r> {
    fn new(mut segs: Vec<&'r ExposedRange>) -> ByProtocol<'r> {
        // Stable: each protocol's segments keep their (L4) order.
        segs.sort_by_key(|s| (s.family, s.protocol));
        let mut at: Vec<((Family, Protocol), std::ops::Range<usize>)> = Vec::new();
        for (k, s) in segs.iter().enumerate() {
            match at.last_mut() {
                Some((key, run)) if *key == (s.family, s.protocol) => run.end = k + 1,
                _ => at.push(((s.family, s.protocol), k..k + 1)),
            }
        }
        ByProtocol { segs, at }
    }

    /// The segments of `family` and `protocol`, in order.
    fn get(&self, family: Family, protocol: Protocol) -> &[&'r ExposedRange] {
        match self
            .at
            .binary_search_by(|(key, _)| key.cmp(&(family, protocol)))
        {
            Ok(k) => &self.segs[self.at[k].1.clone()],
            Err(_) => &[],
        }
    }

    /// Whether the segments of `family` and `protocol` cover every port (see
    /// [`all_open`]).
    fn all_open(&self, family: Family, protocol: Protocol) -> bool {
        all_open(self.get(family, protocol))
    }

    /// The protocols of `family` with segments, in order.
    fn protocols(&self, family: Family) -> impl Iterator<Item = Protocol> + '_ {
        (self.at.iter())
            .filter(move |((f, _), _)| *f == family)
            .map(|((_, p), _)| *p)
    }
}

/// The pieces a selection reports for one subject's segments.
/// `open`: whether the subject may be reachable from the internet at all (else the
/// internet path needs no sources).
fn pieces(ctx: &AuditCtx<'_>, ranges: &[ExposedRange], select: Select, open: bool) -> Vec<Piece> {
    let world: Vec<&ExposedRange> = ranges.iter().filter(|r| r.reach == Reach::World).collect();
    // World for certain: not by assuming that a prefix list of unknown entries is
    // public. What is all open only by such an assumption is SG005's, with the
    // assumption said; the other checks still report what rules open for certain.
    let certain: Vec<&ExposedRange> = world
        .iter()
        .copied()
        .filter(|r| r.assumed.is_empty())
        .collect();
    let (world, certain) = (ByProtocol::new(world), ByProtocol::new(certain));
    let families = [Family::V4, Family::V6];
    let mut out = Vec::new();
    match select {
        Select::AllPorts => {
            for f in families {
                for p in [Protocol::All, Protocol::Tcp, Protocol::Udp] {
                    if world.all_open(f, p) {
                        out.extend(merge(world.get(f, p)));
                    }
                }
            }
        }
        Select::Catalogue(cat) => {
            for f in families {
                let certain_all = certain.all_open(f, Protocol::All);
                let guessed_all = world.all_open(f, Protocol::All);
                for entry in ctx.config.catalogue.iter().filter(|e| e.category == cat) {
                    let p = entry.protocol;
                    if certain_all || certain.all_open(f, p) {
                        continue;
                    }
                    let guessed = guessed_all || world.all_open(f, p);
                    let from = if guessed { &certain } else { &world };
                    let (a, b) = (entry.ports.lo(), entry.ports.hi());
                    let hits: Vec<&ExposedRange> = (from.get(f, p).iter())
                        .filter(|s| s.lo <= b && s.hi >= a)
                        .copied()
                        .collect();
                    // One piece per run of adjacent segments: an entry open on two
                    // ports of its range is not open between them.
                    for run in runs(&hits) {
                        let run = &hits[run];
                        let lo = run[0].lo.max(a);
                        let hi = run[run.len() - 1].hi.min(b);
                        let service = Some(entry.service.clone());
                        out.push(Piece::of(f, p, (lo, hi), run, service));
                    }
                }
            }
        }
        Select::Other => {
            for f in families {
                if certain.all_open(f, Protocol::All) {
                    continue;
                }
                let guessed_all = world.all_open(f, Protocol::All);
                for p in world.protocols(f) {
                    if p == Protocol::All || (p.has_ports() && certain.all_open(f, p)) {
                        continue;
                    }
                    let guessed = guessed_all || (p.has_ports() && world.all_open(f, p));
                    let from = if guessed { &certain } else { &world };
                    let segs = from.get(f, p);
                    if segs.is_empty() {
                        continue;
                    }
                    for piece in merge(segs) {
                        let mut left = vec![(piece.lo, piece.hi)];
                        if p.has_ports() {
                            for e in ctx.config.catalogue.iter().filter(|e| e.protocol == p) {
                                left = subtract(left, e.ports.lo(), e.ports.hi());
                            }
                            for (wp, wr) in &ctx.config.world_ports {
                                if *wp == p {
                                    left = subtract(left, wr.lo(), wr.hi());
                                }
                            }
                        }
                        for (lo, hi) in left {
                            let hits: Vec<&ExposedRange> = segs
                                .iter()
                                .copied()
                                .filter(|s| s.lo <= hi && s.hi >= lo)
                                .collect();
                            out.push(Piece::of(f, p, (lo, hi), &hits, None));
                        }
                    }
                }
            }
        }
        Select::Broad => {
            for f in families {
                let mut protos: Vec<Protocol> = ranges
                    .iter()
                    .filter(|s| s.family == f && s.reach == Reach::Broad)
                    .map(|s| s.protocol)
                    .collect();
                protos.sort_unstable();
                protos.dedup();
                // A piece of one protocol that only protocol `-1` rules open is the `-1`
                // piece's finding again (it holds the same rules, so it is as broad):
                // not reported twice.
                let is_all =
                    |(g, r): (u32, u32)| ctx.group(g).ingress[r as usize].protocol == Protocol::All;
                let by_all_only = |s: &&ExposedRange| {
                    s.protocol != Protocol::All
                        && s.cited.iter().all(|&c| is_all(c))
                        && (s.contributors.iter())
                            .filter(|c| s.holds(c))
                            .all(|c| is_all(c.rule))
                };
                for p in protos {
                    let segs: Vec<&ExposedRange> = ranges
                        .iter()
                        .filter(|s| s.family == f && s.protocol == p && s.reach == Reach::Broad)
                        .collect();
                    for run in runs(&segs) {
                        let run = &segs[run];
                        if run.iter().all(by_all_only) {
                            continue;
                        }
                        let mut piece = piece_of_run(run);
                        if open {
                            piece.admitting =
                                run.iter().map(|s| ((s.lo, s.hi), s.rules())).collect();
                        }
                        out.push(piece);
                    }
                }
            }
        }
    }
    out
}

/// Emits the findings of `select` for every exposed subject.
pub fn report(ctx: &AuditCtx<'_>, code: &'static str, select: Select, out: &mut Sink) {
    use rayon::prelude::*;
    let found: Vec<Sink> = ctx
        .exposures
        .subjects
        .par_iter()
        .with_min_len(16)
        .map(|(subject, ranges)| {
            let mut sink = Sink::default();
            let open = match *subject {
                Subject::Eni(i) => may_reach(ctx, i),
                Subject::Group(_) => false,
            };
            let pieces = pieces(ctx, ranges, select, open);
            if !pieces.is_empty() {
                let who = Who::of(ctx, *subject);
                for piece in &pieces {
                    sink.push(finding(ctx, code, &who, piece, select));
                }
            }
            sink
        })
        .collect();
    for sink in found {
        out.append(sink);
    }
}

/// What every finding about one subject says of it (worked out once per subject).
struct Who<'t> {
    subject: Subject,
    resource: &'t str,
    scope: &'t crate::model::Scope,
    origin: &'t crate::model::Origin,
    /// `eni-1 (instance i-1)` or `group sg-1`.
    what: String,
}

impl<'t> Who<'t> {
    fn of(ctx: &AuditCtx<'t>, subject: Subject) -> Who<'t> {
        match subject {
            Subject::Eni(i) => {
                let eni = &ctx.topo.enis[i as usize];
                let mut what = eni.id.to_string();
                if let Some(id) = eni.attachment.as_ref().and_then(|a| a.instance.as_ref()) {
                    let _ = write!(what, " (instance {id})");
                }
                Who {
                    subject,
                    resource: eni.id.as_str(),
                    scope: &eni.scope,
                    origin: &eni.origin,
                    what,
                }
            }
            Subject::Group(g) => {
                let grp = ctx.group(g);
                Who {
                    subject,
                    resource: grp.id.as_str(),
                    scope: &grp.scope,
                    origin: &grp.origin,
                    what: format!("group {}", grp.id),
                }
            }
        }
    }
}

/// Why a group with no interface is only nominally exposed: attached to nothing, used by
/// other services' resources whose interfaces (and so reachability) the export lacks, or
/// read without the list of its scope's interfaces.
fn unattached_reason(ctx: &AuditCtx<'_>, g: u32) -> String {
    let group = &ctx.topo.security_groups[g as usize];
    let Some(users) = ctx.users.get(&group.id) else {
        if !ctx.interfaces_listed(g) {
            return "no network interface read carries the group, but no list of network \
                    interfaces was read for its scope: whether it is attached is not known"
                .to_string();
        }
        return "the group is attached to no network interface".to_string();
    };
    const SHOWN: usize = 3;
    let mut named: Vec<String> = users
        .iter()
        .take(SHOWN)
        .map(|&k| {
            let u = &ctx.topo.group_users[k as usize];
            format!("{} {}", u.kind.label(), u.id)
        })
        .collect();
    if users.len() > SHOWN {
        named.push(format!("{} more", users.len() - SHOWN));
    }
    format!(
        "the group is attached to no network interface in the export; {} use{} it, and \
         whether {} reachable from the internet is not in the export",
        named.join(", "),
        if users.len() == 1 { "s" } else { "" },
        if users.len() == 1 {
            "it is"
        } else {
            "they are"
        },
    )
}

fn finding(
    ctx: &AuditCtx<'_>,
    code: &'static str,
    who: &Who<'_>,
    p: &Piece,
    select: Select,
) -> Finding {
    let status = match who.subject {
        // A broad range reaches the interface only from the addresses it admits, and
        // each segment's ports only from its own rules' addresses: effective when one
        // segment is.
        Subject::Eni(i) if select == Select::Broad && !p.admitting.is_empty() => {
            let mut first: Option<PathStatus> = None;
            for ((lo, hi), rules) in &p.admitting {
                let sources = || {
                    let all =
                        (rules.iter()).flat_map(|&rule| rule_public_sources(ctx, rule, p.family));
                    Some(IntervalSet::from_ranges(all).ranges().to_vec())
                };
                let status = internet_path(ctx, i, p.family, p.protocol, (*lo, *hi), sources);
                if matches!(status, PathStatus::Effective(_)) {
                    first = Some(status);
                    break;
                }
                first.get_or_insert(status);
            }
            first.unwrap_or_else(|| PathStatus::Nominal("no segment".to_string()))
        }
        Subject::Eni(i) => internet_path(ctx, i, p.family, p.protocol, (p.lo, p.hi), || None),
        Subject::Group(g) => PathStatus::Nominal(unattached_reason(ctx, g)),
    };
    let mut peers: Vec<&str> = p
        .cited
        .iter()
        .map(|&(g, r)| ctx.peer_text(g, Direction::Ingress, r))
        .collect();
    peers.sort_unstable();
    peers.dedup();
    // `{what}: {service} open to {whom}{together};{assumed} {how}`, written once.
    let mut message = String::with_capacity(192);
    message.push_str(&who.what);
    message.push_str(": ");
    match &p.label {
        Some(l) => {
            message.push_str(l);
            message.push_str(" (");
            write_traffic(&mut message, p.protocol, p.lo, p.hi);
            message.push(')');
        }
        None => write_traffic(&mut message, p.protocol, p.lo, p.hi),
    }
    message.push_str(" open to ");
    let peer = match select {
        Select::Broad => {
            let mut joined = peers[..peers.len().min(6)].join(", ");
            if peers.len() > 6 {
                let _ = write!(joined, " and {} more", peers.len() - 6);
            }
            let _ = write!(message, "a broad public range ({joined})");
            joined
        }
        _ => {
            message.push_str(internet_name(p.family));
            world_peer(p.family).to_string()
        }
    };
    match p.cited.len() {
        n if n > 1 && select != Select::Broad && !p.alone && p.partly_alone => {
            let _ = write!(message, " by {n} rules, together on part of it");
        }
        n if n > 1 && select != Select::Broad && !p.alone => {
            let _ = write!(message, " by {n} rules together");
        }
        n if n > 1 && select != Select::Broad => {
            let _ = write!(message, " by {n} rules");
        }
        _ => {}
    }
    match p.contributing.saturating_sub(p.cited.len()) {
        0 => {}
        1 => message.push_str(" (1 more rule admits public sources here too)"),
        n => {
            let _ = write!(message, " ({n} more rules admit public sources here too)");
        }
    }
    message.push(';');
    if !p.assumed.is_empty() {
        let _ = write!(
            message,
            " assuming prefix list {} (entries not exported) holds public ranges;",
            p.assumed.join(", ")
        );
    }
    let (exposure, demote) = match &status {
        PathStatus::Effective(d) => {
            message.push_str(" effective: ");
            message.push_str(d);
            (Exposure::Effective, 0)
        }
        PathStatus::Nominal(d) => {
            message.push_str(" nominal: ");
            message.push_str(d);
            (Exposure::Nominal, 1)
        }
    };
    let mut f = Finding::new(code, who.resource, message)
        .scope(who.scope)
        .origin(who.origin)
        .traffic(p.protocol, ports_field(p.protocol, p.lo, p.hi))
        .peer(peer)
        .rules(
            p.cited
                .iter()
                .map(|&(g, r)| ctx.evidence(g, Direction::Ingress, r))
                .collect(),
        );
    if matches!(p.protocol, Protocol::Icmp | Protocol::Icmpv6) {
        f = f.icmp_span((p.lo, p.hi));
    }
    f.exposure = Some(exposure);
    f.demote = demote + u8::from(!p.assumed.is_empty());
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// ICMP ranges say their codes where they do not hold whole types.
    #[test]
    fn icmp_traffic_names_codes() {
        let icmp = |lo: u16, hi: u16| traffic_text(Protocol::Icmp, lo, hi);
        assert_eq!(icmp(0, u16::MAX), "icmp (all types)");
        assert_eq!(icmp(0x0800, 0x08ff), "icmp type 8");
        assert_eq!(icmp(0x0304, 0x0304), "icmp type 3 code 4");
        assert_eq!(icmp(0x0303, 0x0304), "icmp type 3 codes 3-4");
        assert_eq!(icmp(0x0b00, 0x0cff), "icmp types 11-12");
        assert_eq!(icmp(0x0500, 0x0600), "icmp type 5 code 0 to type 6 code 0");
        assert_eq!(traffic_text(Protocol::Tcp, 22, 22), "tcp 22");
    }

    proptest! {
        /// The count of contributing rules over a run of segments equals the size of
        /// the union of the segments' own rule lists.
        #[test]
        fn contributing_counts_the_union_of_the_segments_rules(
            spans in proptest::collection::vec((0u16..12, 0u16..12, any::<bool>(), 0u32..6), 1..8),
            cuts in proptest::collection::btree_set(0u16..13, 1..6),
            world in any::<bool>(),
            pick in proptest::collection::vec(any::<bool>(), 13),
        ) {
            let mut table: Vec<Contributor> = spans
                .iter()
                .map(|&(a, b, known, r)| Contributor { rule: (0, r), lo: a.min(b), hi: a.max(b), known })
                .collect();
            table.sort_unstable_by_key(|c| c.rule);
            let table: Arc<[Contributor]> = table.into();
            // Elementary segments: cut at every span end (as the sweep does), keep some.
            let mut points: Vec<u16> = cuts.into_iter().collect();
            for c in table.iter() {
                points.push(c.lo);
                points.push(c.hi + 1);
            }
            points.sort_unstable();
            points.dedup();
            let segs: Vec<ExposedRange> = points
                .windows(2)
                .enumerate()
                .filter(|&(k, _)| pick[k % pick.len()])
                .map(|(_, w)| ExposedRange {
                    family: Family::V4,
                    protocol: Protocol::Tcp,
                    lo: w[0],
                    hi: w[1] - 1,
                    reach: if world { Reach::World } else { Reach::Broad },
                    assumed: Vec::new(),
                    contributors: Arc::clone(&table),
                    held: 0,
                    cited: Box::default(),
                    alone: false,
                })
                .collect();
            let segs: Vec<ExposedRange> = segs
                .into_iter()
                .map(|mut s| {
                    s.held = s.rules().len() as u32;
                    s
                })
                .collect();
            let hits: Vec<&ExposedRange> = segs.iter().collect();
            let mut union: Vec<(u32, u32)> = hits.iter().flat_map(|s| s.rules()).collect();
            union.sort_unstable();
            union.dedup();
            prop_assert_eq!(contributing(&hits), union.len());
            let mut reversed = hits.clone();
            reversed.reverse();
            prop_assert_eq!(contributing(&reversed), union.len());
        }
    }
}
