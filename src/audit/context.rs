//! [`AuditCtx`]: the topology and everything checks share, computed once per audit
//! (id lookups, group membership, peer resolution, per-ENI exposure).

use super::config::AuditConfig;
use super::coverage::{
    CoverScratch, GroupCover, Indexed, PeerTable, RuleBox, redundant, rule_boxes,
};
use super::exposure::{self, Exposures};
use super::finding::RuleEvidence;
use crate::index::compiled::Resolver;
use crate::index::fxhash::{FxHashMap, FxHashSet};
use crate::model::{GroupId, Lookup, Peer, Rule, SecurityGroup, Topology};
use crate::net::{Direction, L4, Protocol};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// What every check reads. Built once by [`super::audit`].
#[derive(Debug)]
pub struct AuditCtx<'t> {
    /// The topology.
    pub topo: &'t Topology,
    /// Id lookups.
    pub lookup: Lookup<'t>,
    /// Peer resolution (group members, prefix-list entries).
    pub resolver: Resolver,
    /// Configuration.
    pub config: &'t AuditConfig,
    /// Per ENI: the positions of its groups in `topo.security_groups` (sorted, unique;
    /// groups not exported are left out).
    pub eni_groups: Vec<Vec<u32>>,
    /// Per ENI: whether a group it carries is not exported.
    pub eni_missing_group: Vec<bool>,
    /// Per group position: the ENIs carrying it.
    pub members: Vec<Vec<u32>>,
    /// Group ids referenced by some rule of another group (any scope).
    pub referenced: FxHashSet<&'t GroupId>,
    /// Group id → other services' resources naming it (positions in
    /// `topo.group_users`, any scope).
    pub users: FxHashMap<&'t GroupId, Vec<u32>>,
    /// Exposure to the internet per ENI and per unattached group.
    pub exposures: Exposures,
    /// Every rule as a coverage box, and the boxes indexed, per group and direction
    /// (built on first use).
    coverage: OnceLock<Coverage>,
    /// Per group and direction, per rule: evidence and peer text, made on first use and
    /// shared by every finding that cites the rule.
    rule_info: Vec<[Box<[OnceLock<RuleInfo>]>; 2]>,
}

/// Coverage boxes, per group position and direction (ingress, egress).
#[derive(Debug)]
struct Coverage {
    table: PeerTable,
    groups: Vec<[Indexed; 2]>,
    /// Per group and direction, per rule: redundant within the group (SG011).
    redundant: Vec<[Box<[bool]>; 2]>,
}

impl Coverage {
    fn build(topo: &Topology, resolver: &Resolver) -> Coverage {
        use rayon::prelude::*;
        let (table, groups) = rule_boxes(&topo.security_groups, resolver);
        let redundant = (groups.par_iter().zip(&topo.security_groups))
            .with_min_len(64)
            .map_init(CoverScratch::default, |s, (dirs, g)| {
                Direction::ALL.map(|dir| {
                    let d = dir_index(dir);
                    redundant(&dirs[d].0, &dirs[d].1, g.rules(dir), &table, s)
                })
            })
            .collect();
        Coverage {
            table,
            groups,
            redundant,
        }
    }
}

fn dir_index(direction: Direction) -> usize {
    match direction {
        Direction::Ingress => 0,
        Direction::Egress => 1,
    }
}

/// What findings quote about one rule.
#[derive(Debug)]
struct RuleInfo {
    evidence: Arc<RuleEvidence>,
    peer: Box<str>,
}

impl<'t> AuditCtx<'t> {
    /// Builds the shared state (including exposure) for `topo`.
    pub fn new(topo: &'t Topology, config: &'t AuditConfig) -> AuditCtx<'t> {
        let lookup = topo.lookup();
        let resolver = Resolver::new(topo);
        let mut members = vec![Vec::new(); topo.security_groups.len()];
        let mut eni_groups = Vec::with_capacity(topo.enis.len());
        let mut eni_missing_group = Vec::with_capacity(topo.enis.len());
        for (i, eni) in topo.enis.iter().enumerate() {
            let mut gs: Vec<u32> = Vec::with_capacity(eni.groups.len());
            let mut missing = false;
            for g in &eni.groups {
                match lookup.group_index(g.as_str(), Some(&eni.scope)) {
                    Some(k) => gs.push(k as u32),
                    None => missing = true,
                }
            }
            gs.sort_unstable();
            gs.dedup();
            for &g in &gs {
                members[g as usize].push(i as u32);
            }
            eni_groups.push(gs);
            eni_missing_group.push(missing);
        }
        let referenced = {
            use rayon::prelude::*;
            topo.security_groups
                .par_iter()
                .fold(FxHashSet::default, |mut set, g| {
                    for r in g.all_rules() {
                        // A reference to itself only lets a group's members talk to
                        // each other: it does not use the group.
                        if let Peer::Group(gr) = &r.peer
                            && gr.group != g.id
                        {
                            set.insert(&gr.group);
                        }
                    }
                    set
                })
                .reduce(FxHashSet::default, |mut a, b| {
                    a.extend(b);
                    a
                })
        };
        let mut users: FxHashMap<&GroupId, Vec<u32>> = FxHashMap::default();
        for (k, u) in topo.group_users.iter().enumerate() {
            for g in &u.groups {
                users.entry(g).or_default().push(k as u32);
            }
        }
        let mut ctx = AuditCtx {
            topo,
            lookup,
            resolver,
            config,
            eni_groups,
            eni_missing_group,
            members,
            referenced,
            users,
            exposures: Exposures::default(),
            coverage: OnceLock::new(),
            rule_info: topo
                .security_groups
                .iter()
                .map(|g| {
                    [
                        (0..g.ingress.len()).map(|_| OnceLock::new()).collect(),
                        (0..g.egress.len()).map(|_| OnceLock::new()).collect(),
                    ]
                })
                .collect(),
        };
        ctx.exposures = exposure::compute(&ctx);
        ctx
    }

    /// Builds the coverage boxes now, so that checks run in parallel afterwards do not
    /// each build them.
    pub fn prepare_coverage(&self) {
        self.coverage();
    }

    fn coverage(&self) -> &Coverage {
        if let Some(c) = self.coverage.get() {
            return c;
        }
        // Built outside the cell: the build runs on the thread pool, and a thread waiting
        // inside `get_or_init` for its parallel work may steal a task that asks for the
        // cell again (re-entrant initialisation deadlocks). Checks racing here would each
        // build (the first stored wins): `audit` builds it before running them.
        let built = Coverage::build(self.topo, &self.resolver);
        self.coverage.get_or_init(|| built)
    }

    /// The coverage boxes of a group's rules in one direction (see [`super::coverage`]).
    pub fn boxes(&self, group: u32, direction: Direction) -> &[Option<RuleBox>] {
        &self.coverage().groups[group as usize][dir_index(direction)].0
    }

    /// The coverage index of a group's boxes in one direction (see [`GroupCover`]).
    pub fn cover(&self, group: u32, direction: Direction) -> &GroupCover {
        &self.coverage().groups[group as usize][dir_index(direction)].1
    }

    /// Per rule of a group in one direction: whether it is redundant within the group,
    /// as SG011 reports it (see [`super::coverage::redundant`]).
    pub fn redundant(&self, group: u32, direction: Direction) -> &[bool] {
        &self.coverage().redundant[group as usize][dir_index(direction)]
    }

    /// The table the coverage boxes' peer keys refer to.
    pub fn peer_table(&self) -> &PeerTable {
        &self.coverage().table
    }

    /// The group at `index`.
    pub fn group(&self, index: u32) -> &'t SecurityGroup {
        &self.topo.security_groups[index as usize]
    }

    /// Whether the network interfaces of group `index`'s scope were listed, so that one
    /// carrying the group would have been read (see
    /// [`crate::model::Topology::interfaces_unlisted`]).
    pub fn interfaces_listed(&self, index: u32) -> bool {
        self.topo.interfaces_listed(self.group(index))
    }

    fn rule_info(&self, group: u32, direction: Direction, rule: u32) -> &RuleInfo {
        self.rule_info[group as usize][dir_index(direction)][rule as usize].get_or_init(|| {
            let g = self.group(group);
            let r = &g.rules(direction)[rule as usize];
            RuleInfo {
                evidence: evidence(g, r),
                peer: r.peer.to_string().into_boxed_str(),
            }
        })
    }

    /// Evidence for one rule (made once, then shared).
    pub fn evidence(&self, group: u32, direction: Direction, rule: u32) -> Arc<RuleEvidence> {
        Arc::clone(&self.rule_info(group, direction, rule).evidence)
    }

    /// One rule's peer as text (made once).
    pub fn peer_text(&self, group: u32, direction: Direction, rule: u32) -> &str {
        &self.rule_info(group, direction, rule).peer
    }
}

/// Evidence for `rule` of `group` (a new value; checks holding positions use
/// [`AuditCtx::evidence`], which shares one per rule).
pub fn evidence(group: &SecurityGroup, rule: &Rule) -> Arc<RuleEvidence> {
    Arc::new(RuleEvidence {
        group: group.id.to_string(),
        rule: rule_text(rule),
        rule_id: rule.rule_id.clone(),
        origin: Some(rule.origin.clone()),
    })
}

/// A rule in rule-language form: `in tcp 22 from 0.0.0.0/0` (written into one string).
pub fn rule_text(rule: &Rule) -> String {
    use std::fmt::Write as _;
    let word = match rule.direction {
        Direction::Ingress => " from ",
        Direction::Egress => " to ",
    };
    let mut s = String::with_capacity(48);
    s.push_str(rule.direction.as_str());
    let _ = write!(s, " {}", rule.protocol);
    match (rule.protocol, rule.l4) {
        (Protocol::Tcp | Protocol::Udp, L4::Ports(p)) if p.is_all() => s.push_str(" all"),
        (_, L4::Ports(p)) => {
            let _ = write!(s, " {p}");
        }
        (_, L4::Icmp(m)) if m.is_any() => {}
        (_, L4::Icmp(m)) => {
            let _ = write!(s, " {m}");
        }
        (_, L4::Nothing) => s.push_str(" none"),
        (_, L4::Any) => {}
    }
    s.push_str(word);
    let _ = write!(s, "{}", rule.peer);
    s
}

/// Counts per key, used by several checks.
pub type Tally<'a> = HashMap<&'a str, usize>;
