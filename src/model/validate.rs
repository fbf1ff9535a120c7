//! Cross-object validation of a [`Topology`].
//!
//! Contract: reads the whole topology once, reports every problem as a [`Diagnostic`] that
//! points at the offending object's [`Origin`], never panics and never changes or drops
//! objects. Runs in O(n) in the number of objects and rules (hash lookups through
//! [`Topology::lookup`]; no per-object scans), so 1.5M rules are fine. Section numbers (§)
//! refer to `docs/semantics.md`.
//!
//! # What is checked, and how bad it is
//!
//! [`Severity::Error`] is kept for values one object cannot hold (NACL rule numbers,
//! prefix-list sizes and families): the input itself is wrong. Inconsistencies *between*
//! objects (a reference to an object of the same scope that is not in the input, an AZ or
//! VPC mismatch) are [`Severity::Warning`]: real exports are often partial (filtered
//! describe calls), stitched from several moments, or anonymised, and the objects
//! themselves are still usable. `sgcheck inventory --strict` makes warnings fail the run.
//! [`Severity::Info`] is for harmless redundancy and for checks skipped.
//!
//! | check | severity | why |
//! |---|---|---|
//! | ENI → subnet / VPC / attached instance not in the input | Warning | same account and region as the ENI: the export is partial or stitched |
//! | instance → ENI / subnet / VPC / volume not in the input | Warning | as above |
//! | NACL / route table → subnet or VPC not in the input | Warning | as above |
//! | route → target ENI / instance not in the input (route not `blackhole`) | Warning | AWS marks a route to a vanished target as blackhole; a partial export does not |
//! | volume attachment → instance not in the input | Warning | as above |
//! | address → instance / ENI not in the input | Warning | as above |
//! | ENI → security group not in the input | Warning | filtered group exports are common; the evaluator answers "unknown" for it |
//! | rule → group not in the input: "unresolved reference" | Warning | may be another account or a peer VPC (§2.4, §8.38); the evaluator answers "unknown" |
//! | rule → group across a peering whose status is not `active`: "stale reference" | Warning | matches nothing (§2.4, §8.18) |
//! | rule / route → prefix list not in the input | Warning | AWS-managed lists are often not exported; "unknown" (§2.5) |
//! | prefix list referenced by a rule but exported without entries | Info | its rules evaluate as "unknown" |
//! | NACL rule number 0 or above 32768 | Error | user rules are 1-32766, 32767/32768 are the `*` rules (§3.2) |
//! | two NACL entries with the same number and direction | Error | AWS forbids it; first-match order would be undefined |
//! | prefix list with more entries than `MaxEntries`; mixed families; entries of the other family than declared | Error | AWS forbids each (§2.5, §7) |
//! | the same id twice in one scope (after ingest's merge) | Warning | conflicting copies; lookups use the first |
//! | a rule identical to an earlier one in the same group and direction | Info | AWS rejects duplicates; IaC/DSL input may carry them |
//! | ENI AZ ≠ its subnet's AZ; ENI VPC ≠ its subnet's VPC | Warning | impossible in AWS (§5.1), so the export is inconsistent; the audit reports it as a finding |
//! | instance AZ ≠ its subnet's AZ, or ≠ an attached ENI's AZ | Warning | impossible in AWS (§5.3); as above |
//! | volume AZ ≠ an attached instance's AZ | Warning | impossible in AWS (§6.2, §8.40); as above |
//! | volume `available` with attachments (not `detached`) | Warning | impossible in AWS; read as attached (SG021 does not report it) |
//!
//! **Missing kinds.** A reference is checked only when its kind was exported at all *in
//! the referencing object's scope* (account/region). When, say, no subnets were exported
//! for a scope, ENIs there are not flagged one by one; instead one Info per kind says how
//! many references went unchecked. Security group references from rules are always
//! checked, because they legitimately point across scopes and the evaluator needs to know.
//! AZ and VPC comparisons are made only when both sides state a value.

use super::{Diagnostic, Origin, Peer, RouteDestination, RouteTarget, Scope, Severity, Topology};
use super::{Lookup, Rule, SecurityGroup};
use crate::index::fxhash::FxHasher;
use crate::net::{Direction, Family, L4};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Checks references, ranges, duplicates and AZ consistency; returns every problem found.
pub fn validate(topology: &Topology) -> Vec<Diagnostic> {
    let mut v = Validator::new(topology);
    v.duplicates();
    v.enis();
    v.instances();
    v.groups();
    v.nacls();
    v.route_tables();
    v.volumes();
    v.addresses();
    v.prefix_lists();
    v.skipped_kinds();
    v.out
}

/// The kinds an object can reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Group,
    Subnet,
    Vpc,
    Eni,
    Instance,
    Volume,
    PrefixList,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Group,
        Kind::Subnet,
        Kind::Vpc,
        Kind::Eni,
        Kind::Instance,
        Kind::Volume,
        Kind::PrefixList,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Group => "security group",
            Kind::Subnet => "subnet",
            Kind::Vpc => "VPC",
            Kind::Eni => "network interface",
            Kind::Instance => "instance",
            Kind::Volume => "volume",
            Kind::PrefixList => "prefix list",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Group => "security groups",
            Kind::Subnet => "subnets",
            Kind::Vpc => "VPCs",
            Kind::Eni => "network interfaces",
            Kind::Instance => "instances",
            Kind::Volume => "volumes",
            Kind::PrefixList => "prefix lists",
        }
    }
}

struct Validator<'t> {
    topo: &'t Topology,
    lookup: Lookup<'t>,
    /// Scopes in which at least one object of the kind was exported.
    exported: HashMap<Kind, HashSet<&'t Scope>>,
    /// References not checked because their kind was not exported in their scope.
    skipped: HashMap<Kind, usize>,
    out: Vec<Diagnostic>,
}

fn scopes<'t, T>(items: &'t [T], scope: impl Fn(&'t T) -> &'t Scope) -> HashSet<&'t Scope> {
    items.iter().map(scope).collect()
}

impl<'t> Validator<'t> {
    fn new(t: &'t Topology) -> Validator<'t> {
        let mut exported = HashMap::new();
        exported.insert(Kind::Group, scopes(&t.security_groups, |x| &x.scope));
        exported.insert(Kind::Subnet, scopes(&t.subnets, |x| &x.scope));
        exported.insert(Kind::Vpc, scopes(&t.vpcs, |x| &x.scope));
        exported.insert(Kind::Eni, scopes(&t.enis, |x| &x.scope));
        exported.insert(Kind::Instance, scopes(&t.instances, |x| &x.scope));
        exported.insert(Kind::Volume, scopes(&t.volumes, |x| &x.scope));
        exported.insert(Kind::PrefixList, scopes(&t.prefix_lists, |x| &x.scope));
        Validator {
            topo: t,
            lookup: t.lookup(),
            exported,
            skipped: HashMap::new(),
            out: Vec::new(),
        }
    }

    fn push(&mut self, severity: Severity, origin: &Origin, message: String) {
        self.out.push(Diagnostic {
            severity,
            message,
            origin: Some(origin.clone()),
        });
    }

    fn exists(&self, kind: Kind, id: &str, scope: &Scope) -> bool {
        let s = Some(scope);
        let l = &self.lookup;
        match kind {
            Kind::Group => l.has_group(id),
            Kind::Subnet => l.subnet(id, s).is_some(),
            Kind::Vpc => l.vpc(id, s).is_some(),
            Kind::Eni => l.eni(id, s).is_some(),
            Kind::Instance => l.instance(id, s).is_some(),
            Kind::Volume => l.volume(id, s).is_some(),
            Kind::PrefixList => l.prefix_list(id, s).is_some(),
        }
    }

    /// A reference from `what` (in `scope`, read at `origin`) to `kind` `id`.
    fn reference(
        &mut self,
        severity: Severity,
        what: &str,
        kind: Kind,
        id: &str,
        scope: &Scope,
        origin: &Origin,
    ) {
        if self.exists(kind, id, scope) {
            return;
        }
        if !self.exported.get(&kind).is_some_and(|s| s.contains(scope)) {
            *self.skipped.entry(kind).or_default() += 1;
            return;
        }
        let msg = format!(
            "{what} references {} {id}, which is not in the input",
            kind.name()
        );
        self.push(severity, origin, msg);
    }

    // -----------------------------------------------------------------------------------

    fn duplicates(&mut self) {
        let t = self.topo;
        let mut found = Vec::new();
        dup(&mut found, "security group", &t.security_groups, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "subnet", &t.subnets, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "VPC", &t.vpcs, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "network interface", &t.enis, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "instance", &t.instances, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "volume", &t.volumes, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "prefix list", &t.prefix_lists, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "network ACL", &t.network_acls, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "route table", &t.route_tables, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        dup(&mut found, "internet gateway", &t.internet_gateways, |x| {
            (&x.scope, x.id.as_str(), &x.origin)
        });
        let addresses: Vec<_> = t
            .addresses
            .iter()
            .filter_map(|a| {
                a.allocation_id
                    .as_deref()
                    .map(|id| (&a.scope, id, &a.origin))
            })
            .collect();
        dup(&mut found, "address", &addresses, |x| (x.0, x.1, x.2));
        self.out.extend(found);
    }

    fn enis(&mut self) {
        for eni in &self.topo.enis {
            let what = format!("network interface {}", eni.id);
            let (scope, origin) = (&eni.scope, &eni.origin);
            if let Some(s) = &eni.subnet {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Subnet,
                    s.as_str(),
                    scope,
                    origin,
                );
            }
            if let Some(v) = &eni.vpc {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Vpc,
                    v.as_str(),
                    scope,
                    origin,
                );
            }
            for g in &eni.groups {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Group,
                    g.as_str(),
                    scope,
                    origin,
                );
            }
            if let Some(i) = eni.attachment.as_ref().and_then(|a| a.instance.as_ref()) {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Instance,
                    i.as_str(),
                    scope,
                    origin,
                );
            }
            let subnet = eni
                .subnet
                .as_ref()
                .and_then(|s| self.lookup.subnet(s.as_str(), Some(scope)));
            if let Some(subnet) = subnet {
                if let (Some(a), Some(b)) = (&eni.az, &subnet.az)
                    && a != b
                {
                    let msg = format!(
                        "{what} is in {a} but its subnet {} is in {b}; an ENI lives in its subnet's AZ",
                        subnet.id
                    );
                    self.push(Severity::Warning, origin, msg);
                }
                if let (Some(a), Some(b)) = (&eni.vpc, &subnet.vpc)
                    && a != b
                {
                    let msg = format!("{what} is in {a} but its subnet {} is in {b}", subnet.id);
                    self.push(Severity::Warning, origin, msg);
                }
            }
        }
    }

    fn instances(&mut self) {
        for inst in &self.topo.instances {
            let what = format!("instance {}", inst.id);
            let (scope, origin) = (&inst.scope, &inst.origin);
            if let Some(s) = &inst.subnet {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Subnet,
                    s.as_str(),
                    scope,
                    origin,
                );
            }
            if let Some(v) = &inst.vpc {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Vpc,
                    v.as_str(),
                    scope,
                    origin,
                );
            }
            for e in &inst.enis {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Eni,
                    e.as_str(),
                    scope,
                    origin,
                );
            }
            for vol in inst.block_devices.iter().filter_map(|b| b.volume.as_ref()) {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Volume,
                    vol.as_str(),
                    scope,
                    origin,
                );
            }
            let Some(az) = &inst.az else { continue };
            if let Some(subnet) = inst
                .subnet
                .as_ref()
                .and_then(|s| self.lookup.subnet(s.as_str(), Some(scope)))
                && let Some(b) = &subnet.az
                && b != az
            {
                let msg = format!("{what} is in {az} but its subnet {} is in {b}", subnet.id);
                self.push(Severity::Warning, origin, msg);
            }
            for e in &inst.enis {
                if let Some(eni) = self.lookup.eni(e.as_str(), Some(scope))
                    && let Some(b) = &eni.az
                    && b != az
                {
                    let msg = format!(
                        "{what} is in {az} but its network interface {} is in {b}; \
                         an ENI attaches only to instances in its AZ",
                        eni.id
                    );
                    self.push(Severity::Warning, origin, msg);
                }
            }
        }
    }

    /// Rule references and duplicate rules, one group at a time on all threads (the
    /// groups are independent; their diagnostics are kept in group order).
    fn groups(&mut self) {
        let this = &*self;
        let per_group: Vec<(Vec<Diagnostic>, usize)> = self
            .topo
            .security_groups
            .par_iter()
            .map(|group| this.group(group))
            .collect();
        for (diags, skipped) in per_group {
            self.out.extend(diags);
            if skipped > 0 {
                *self.skipped.entry(Kind::PrefixList).or_default() += skipped;
            }
        }
    }

    /// One group's diagnostics, in rule order, and the prefix-list references not checked.
    fn group(&self, group: &'t SecurityGroup) -> (Vec<Diagnostic>, usize) {
        let rules: Vec<&Rule> = group.all_rules().collect();
        // Duplicates: sort the rules by a fingerprint of their key (the index last, so
        // equal keys stay in rule order); only runs of equal fingerprints are compared in
        // full, sorted by key, so the cost stays O(n log n) whatever the fingerprints do.
        let key = |r: &'t Rule| {
            (
                r.direction,
                r.protocol,
                L4::normalize(r.protocol, r.l4),
                &r.peer,
            )
        };
        let mut order: Vec<(u64, usize)> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut h = FxHasher::default();
                key(r).hash(&mut h);
                (h.finish(), i)
            })
            .collect();
        order.sort_unstable();
        let mut first_of: Vec<Option<usize>> = vec![None; rules.len()];
        for run in order
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() > 1)
        {
            let mut run: Vec<usize> = run.iter().map(|&(_, i)| i).collect();
            run.sort_by(|&a, &b| key(rules[a]).cmp(&key(rules[b])).then(a.cmp(&b)));
            for pair in run.windows(2) {
                if key(rules[pair[0]]) == key(rules[pair[1]]) {
                    first_of[pair[1]] = Some(first_of[pair[0]].unwrap_or(pair[0]));
                }
            }
        }
        let mut out = Vec::new();
        let mut skipped = 0;
        for (rule, first) in rules.iter().zip(first_of) {
            skipped += self.rule_peer(&group.id.0, &group.scope, rule, &mut out);
            if let Some(first) = first {
                let msg = format!(
                    "rule duplicates an earlier {} rule of security group {} (at {})",
                    rule.direction, group.id, rules[first].origin
                );
                out.push(Diagnostic {
                    severity: Severity::Info,
                    message: msg,
                    origin: Some(rule.origin.clone()),
                });
            }
        }
        (out, skipped)
    }

    /// Checks a rule's peer; returns 1 when it names a prefix list whose kind was not
    /// exported in the group's scope (not checked), else 0.
    fn rule_peer(
        &self,
        group: &str,
        scope: &Scope,
        rule: &Rule,
        out: &mut Vec<Diagnostic>,
    ) -> usize {
        let what = || format!("a rule of security group {group}");
        let mut push = |severity, message| {
            out.push(Diagnostic {
                severity,
                message,
                origin: Some(rule.origin.clone()),
            });
        };
        match &rule.peer {
            Peer::Cidr { .. } => {}
            Peer::Group(r) => {
                if let Some(status) = r.peering_status.as_deref()
                    && !status.eq_ignore_ascii_case("active")
                {
                    let via = r.peering.as_deref().unwrap_or("a peering connection");
                    let msg = format!(
                        "stale reference: {} references {r} through {via}, whose status is \
                         {status}; the rule matches nothing",
                        what()
                    );
                    push(Severity::Warning, msg);
                } else if !self.lookup.has_group(r.group.as_str()) {
                    let msg = format!(
                        "unresolved reference: {} references security group {r}, which is \
                         not in the input (another account, a peer VPC, or deleted); answers \
                         that depend on it are unknown",
                        what()
                    );
                    push(Severity::Warning, msg);
                }
            }
            Peer::PrefixList { id } => match self.lookup.prefix_list(id.as_str(), Some(scope)) {
                Some(list) if list.entries.is_none() => {
                    let msg = format!(
                        "{} references prefix list {id}, whose entries were not \
                             exported; answers that depend on it are unknown",
                        what()
                    );
                    push(Severity::Info, msg);
                }
                Some(_) => {}
                None => {
                    if !self
                        .exported
                        .get(&Kind::PrefixList)
                        .is_some_and(|s| s.contains(scope))
                    {
                        return 1;
                    }
                    let msg = format!(
                        "{} references {} {id}, which is not in the input",
                        what(),
                        Kind::PrefixList.name()
                    );
                    push(Severity::Warning, msg);
                }
            },
        }
        0
    }

    fn nacls(&mut self) {
        for acl in &self.topo.network_acls {
            let what = format!("network ACL {}", acl.id);
            for s in &acl.subnets {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Subnet,
                    s.as_str(),
                    &acl.scope,
                    &acl.origin,
                );
            }
            if let Some(v) = &acl.vpc {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Vpc,
                    v.as_str(),
                    &acl.scope,
                    &acl.origin,
                );
            }
            let mut numbers: HashMap<(Direction, u16), &Origin> = HashMap::new();
            for e in &acl.entries {
                if e.rule_number == 0 || e.rule_number > 32768 {
                    let msg = format!(
                        "{what} has an entry numbered {}; rule numbers are 1-32766, and 32767/32768 \
                         are the final * rules",
                        e.rule_number
                    );
                    self.push(Severity::Error, &e.origin, msg);
                }
                if let Some(first) = numbers.get(&(e.direction, e.rule_number)) {
                    let msg = format!(
                        "{what} has two {} entries numbered {} (the other at {first}); their order \
                         is undefined",
                        e.direction, e.rule_number
                    );
                    self.push(Severity::Error, &e.origin, msg);
                } else {
                    numbers.insert((e.direction, e.rule_number), &e.origin);
                }
            }
        }
    }

    fn route_tables(&mut self) {
        for rt in &self.topo.route_tables {
            let what = format!("route table {}", rt.id);
            for s in &rt.subnets {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Subnet,
                    s.as_str(),
                    &rt.scope,
                    &rt.origin,
                );
            }
            if let Some(v) = &rt.vpc {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Vpc,
                    v.as_str(),
                    &rt.scope,
                    &rt.origin,
                );
            }
            for route in &rt.routes {
                let rwhat = format!("a route of {what} to {}", route.destination);
                if let RouteDestination::PrefixList { id } = &route.destination {
                    self.reference(
                        Severity::Warning,
                        &rwhat,
                        Kind::PrefixList,
                        id.as_str(),
                        &rt.scope,
                        &route.origin,
                    );
                }
                if route.blackhole {
                    continue;
                }
                match &route.target {
                    RouteTarget::NetworkInterface(e) => self.reference(
                        Severity::Warning,
                        &rwhat,
                        Kind::Eni,
                        e.as_str(),
                        &rt.scope,
                        &route.origin,
                    ),
                    RouteTarget::Instance(i) => self.reference(
                        Severity::Warning,
                        &rwhat,
                        Kind::Instance,
                        i.as_str(),
                        &rt.scope,
                        &route.origin,
                    ),
                    _ => {}
                }
            }
        }
    }

    fn volumes(&mut self) {
        for vol in &self.topo.volumes {
            let what = format!("volume {}", vol.id);
            let live: Vec<&str> = vol
                .attachments
                .iter()
                .filter(|a| a.is_live())
                .map(|a| a.instance.as_str())
                .collect();
            if vol.state.as_deref() == Some("available") && !live.is_empty() {
                let msg = format!(
                    "{what} is `available` but lists attachments to {}; read as attached",
                    live.join(", ")
                );
                self.push(Severity::Warning, &vol.origin, msg);
            }
            for att in &vol.attachments {
                if !att.is_live() {
                    continue;
                }
                let id = att.instance.as_str();
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Instance,
                    id,
                    &vol.scope,
                    &vol.origin,
                );
                if let Some(inst) = self.lookup.instance(id, Some(&vol.scope))
                    && let (Some(a), Some(b)) = (&vol.az, &inst.az)
                    && a != b
                {
                    let msg = format!(
                        "{what} is in {a} but is attached to instance {id} in {b}; a volume \
                         attaches only to instances in its AZ"
                    );
                    self.push(Severity::Warning, &vol.origin, msg);
                }
            }
        }
    }

    fn addresses(&mut self) {
        for addr in &self.topo.addresses {
            let what = format!("address {}", addr.key());
            if let Some(i) = &addr.instance {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Instance,
                    i.as_str(),
                    &addr.scope,
                    &addr.origin,
                );
            }
            if let Some(e) = &addr.eni {
                self.reference(
                    Severity::Warning,
                    &what,
                    Kind::Eni,
                    e.as_str(),
                    &addr.scope,
                    &addr.origin,
                );
            }
        }
    }

    fn prefix_lists(&mut self) {
        for list in &self.topo.prefix_lists {
            let Some(entries) = &list.entries else {
                continue;
            };
            let what = format!("prefix list {}", list.id);
            if let Some(max) = list.max_entries
                && entries.len() > max as usize
            {
                let msg = format!(
                    "{what} has {} entries but MaxEntries is {max}",
                    entries.len()
                );
                self.push(Severity::Error, &list.origin, msg);
            }
            let v4 = entries
                .iter()
                .filter(|e| e.cidr.family() == Family::V4)
                .count();
            let v6 = entries.len() - v4;
            if v4 > 0 && v6 > 0 {
                let msg = format!(
                    "{what} mixes {v4} IPv4 and {v6} IPv6 entries; a prefix list holds one family"
                );
                self.push(Severity::Error, &list.origin, msg);
            } else if let Some(family) = list.family {
                let other = match family {
                    Family::V4 => v6,
                    Family::V6 => v4,
                };
                if other > 0 {
                    let msg = format!(
                        "{what} is declared {family} but has {other} entries of the other family"
                    );
                    self.push(Severity::Error, &list.origin, msg);
                }
            }
        }
    }

    fn skipped_kinds(&mut self) {
        for kind in Kind::ALL {
            if let Some(&n) = self.skipped.get(&kind)
                && n > 0
            {
                self.out.push(Diagnostic::info(
                    None,
                    format!(
                        "{n} references to {} were not checked: no {} were exported in the \
                         referencing objects' account/region",
                        kind.plural(),
                        kind.plural()
                    ),
                ));
            }
        }
    }
}

/// Reports the second and later objects with the same (scope, id).
fn dup<'a, T>(
    out: &mut Vec<Diagnostic>,
    kind: &str,
    items: &'a [T],
    key: impl Fn(&'a T) -> (&'a Scope, &'a str, &'a Origin),
) {
    let mut first: HashMap<(&Scope, &str), &Origin> = HashMap::with_capacity(items.len());
    for item in items {
        let (scope, id, origin) = key(item);
        if let Some(prev) = first.get(&(scope, id)) {
            out.push(Diagnostic::warning(
                Some(origin.clone()),
                format!(
                    "{kind} {id} is defined twice in scope {scope} (first at {prev}); lookups use \
                     the first"
                ),
            ));
        } else {
            first.insert((scope, id), origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::*;
    use crate::model::{InstanceState, PrefixListEntry};

    /// A small, fully consistent topology: the negative case for every check.
    fn base() -> TopologyBuilder {
        topology()
            .with(vpc("vpc-1").cidr("10.0.0.0/16"))
            .with(
                subnet("subnet-1")
                    .vpc("vpc-1")
                    .cidr("10.0.0.0/24")
                    .az("us-east-1a"),
            )
            .with(
                sg("sg-1")
                    .vpc("vpc-1")
                    .ingress(tcp(22), cidr("10.0.0.0/8"))
                    .ingress(tcp(443), sg_ref("sg-1"))
                    .ingress(tcp(5432), pl_ref("pl-1"))
                    .egress(all(), cidr("0.0.0.0/0")),
            )
            .with(
                prefix_list("pl-1")
                    .family(Family::V4)
                    .max_entries(2)
                    .entries(["192.0.2.0/24"]),
            )
            .with(
                eni("eni-1")
                    .ips(["10.0.0.5"])
                    .groups(["sg-1"])
                    .subnet("subnet-1")
                    .vpc("vpc-1")
                    .az("us-east-1a")
                    .attached_to("i-1", 0),
            )
            .with(
                instance("i-1")
                    .enis(["eni-1"])
                    .subnet("subnet-1")
                    .vpc("vpc-1")
                    .az("us-east-1a")
                    .volume("vol-1")
                    .state(InstanceState::Running),
            )
            .with(volume("vol-1").az("us-east-1a").attach("i-1"))
            .with(
                nacl("acl-1")
                    .vpc("vpc-1")
                    .subnets(["subnet-1"])
                    .allow_in(100, all(), "0.0.0.0/0")
                    .allow_out(100, all(), "0.0.0.0/0")
                    .star_denies(),
            )
            .with(
                route_table("rtb-1")
                    .subnets(["subnet-1"])
                    .route("10.0.0.0/16", "local")
                    .route("0.0.0.0/0", "eni-1"),
            )
            .with(address("54.0.0.1").eni("eni-1").instance("i-1"))
    }

    fn run(t: TopologyBuilder) -> Vec<Diagnostic> {
        validate(&t.build())
    }

    /// Exactly one diagnostic, with this severity and containing `needle`.
    #[track_caller]
    fn one(diags: &[Diagnostic], severity: Severity, needle: &str) {
        let hits: Vec<_> = diags
            .iter()
            .filter(|d| d.message.contains(needle))
            .collect();
        assert_eq!(hits.len(), 1, "want one {needle:?} in {diags:#?}");
        assert_eq!(hits[0].severity, severity, "{:?}", hits[0]);
        assert!(hits[0].origin.is_some() || severity == Severity::Info);
        assert_eq!(diags.len(), 1, "unexpected extra diagnostics: {diags:#?}");
    }

    #[test]
    fn consistent_topology_is_clean() {
        assert_eq!(run(base()), Vec::new());
        assert_eq!(validate(&Topology::default()), Vec::new());
    }

    #[test]
    fn eni_dangling_subnet_vpc_group_instance() {
        let d = run(base().with(eni("eni-2").subnet("subnet-9").az("us-east-1a")));
        one(&d, Severity::Warning, "references subnet subnet-9");
        assert_eq!(
            d[0].origin.as_ref().map(|o| o.to_string()).as_deref(),
            Some("<build>: NetworkInterfaces[eni-2]")
        );
        one(
            &run(base().with(eni("eni-2").vpc("vpc-9"))),
            Severity::Warning,
            "references VPC vpc-9",
        );
        one(
            &run(base().with(eni("eni-2").groups(["sg-9"]))),
            Severity::Warning,
            "references security group sg-9",
        );
        one(
            &run(base().with(eni("eni-2").attached_to("i-9", 1))),
            Severity::Warning,
            "references instance i-9",
        );
    }

    #[test]
    fn missing_kind_gives_one_info_not_errors() {
        let t = topology()
            .with(eni("eni-1").subnet("subnet-1"))
            .with(eni("eni-2").subnet("subnet-2"));
        let d = run(t);
        one(
            &d,
            Severity::Info,
            "2 references to subnets were not checked",
        );
        assert_eq!(d[0].origin, None);
    }

    #[test]
    fn missing_kind_is_per_scope() {
        // Subnets exist for account 111 only: account 222's ENI is not flagged.
        let t = base().with(eni("eni-2").subnet("subnet-x").scope("222", "us-east-1"));
        one(
            &run(t),
            Severity::Info,
            "1 references to subnets were not checked",
        );
    }

    #[test]
    fn instance_dangling_eni_volume_subnet() {
        one(
            &run(base().with(instance("i-2").enis(["eni-9"]))),
            Severity::Warning,
            "references network interface eni-9",
        );
        one(
            &run(base().with(instance("i-2").volume("vol-9"))),
            Severity::Warning,
            "references volume vol-9",
        );
        one(
            &run(base().with(instance("i-2").subnet("subnet-9"))),
            Severity::Warning,
            "references subnet subnet-9",
        );
    }

    #[test]
    fn rule_unresolved_and_stale_references() {
        let t = base().with(sg("sg-2").ingress(tcp(22), sg_ref("sg-other")));
        let d = run(t);
        one(&d, Severity::Warning, "unresolved reference");
        assert!(d[0].message.contains("sg-other"));
        assert_eq!(
            d[0].origin.as_ref().map(|o| o.to_string()).as_deref(),
            Some("<build>: SecurityGroups[sg-2].IpPermissions[0]")
        );

        let t = base()
            .with(sg("sg-2").ingress(tcp(22), sg_ref_peered("sg-1", "444455556666", "deleted")));
        one(&run(t), Severity::Warning, "stale reference");

        let t = base()
            .with(sg("sg-2").ingress(tcp(22), sg_ref_peered("sg-1", "444455556666", "active")));
        assert_eq!(run(t), Vec::new());
    }

    #[test]
    fn rule_prefix_list_missing_or_without_entries() {
        let t = base().with(sg("sg-2").ingress(tcp(22), pl_ref("pl-9")));
        one(&run(t), Severity::Warning, "references prefix list pl-9");
        let t = base()
            .with(prefix_list("pl-2").entries_unknown())
            .with(sg("sg-2").ingress(tcp(22), pl_ref("pl-2")));
        one(&run(t), Severity::Info, "entries were not exported");
        // No prefix lists exported at all: one Info instead.
        let t = topology().with(sg("sg-2").ingress(tcp(22), pl_ref("pl-9")));
        one(
            &run(t),
            Severity::Info,
            "references to prefix lists were not checked",
        );
    }

    #[test]
    fn nacl_and_route_table_dangling_subnet() {
        one(
            &run(base().with(nacl("acl-2").subnets(["subnet-9"]))),
            Severity::Warning,
            "network ACL acl-2 references subnet subnet-9",
        );
        one(
            &run(base().with(route_table("rtb-2").subnets(["subnet-9"]))),
            Severity::Warning,
            "route table rtb-2 references subnet subnet-9",
        );
    }

    #[test]
    fn route_target_unknown_unless_blackhole() {
        one(
            &run(base().with(route_table("rtb-2").route("0.0.0.0/0", "eni-9"))),
            Severity::Warning,
            "references network interface eni-9",
        );
        one(
            &run(base().with(route_table("rtb-2").route("0.0.0.0/0", "i-9"))),
            Severity::Warning,
            "references instance i-9",
        );
        assert_eq!(
            run(base().with(route_table("rtb-2").route("0.0.0.0/0", "eni-9").blackhole())),
            Vec::new()
        );
        assert_eq!(
            run(base().with(route_table("rtb-2").route("0.0.0.0/0", "igw-9"))),
            Vec::new()
        );
    }

    #[test]
    fn available_volume_with_attachments_is_read_as_attached() {
        let vol = || volume("vol-2").az("us-east-1a").attach("i-1");
        one(
            &run(base().with(vol().state("available"))),
            Severity::Warning,
            "volume vol-2 is `available` but lists attachments to i-1; read as attached",
        );
        assert_eq!(run(base().with(vol())), Vec::new());
    }

    #[test]
    fn volume_and_address_dangling() {
        one(
            &run(base().with(volume("vol-2").attach("i-9"))),
            Severity::Warning,
            "volume vol-2 references instance i-9",
        );
        one(
            &run(base().with(address("54.0.0.2").instance("i-9"))),
            Severity::Warning,
            "references instance i-9",
        );
        one(
            &run(base().with(address("54.0.0.2").eni("eni-9"))),
            Severity::Warning,
            "references network interface eni-9",
        );
    }

    #[test]
    fn nacl_rule_numbers_out_of_range() {
        for n in [0u16, 32769, 65535] {
            let d = run(base().with(nacl("acl-2").allow_in(n, all(), "0.0.0.0/0")));
            one(&d, Severity::Error, &format!("entry numbered {n};"));
            assert!(
                d[0].origin
                    .as_ref()
                    .is_some_and(|o| o.to_string().ends_with(".Entries[0]"))
            );
        }
        for n in [1u16, 32766, 32767, 32768] {
            assert_eq!(
                run(base().with(nacl("acl-2").allow_in(n, all(), "0.0.0.0/0"))),
                Vec::new(),
                "{n}"
            );
        }
    }

    #[test]
    fn nacl_duplicate_numbers() {
        let t = base().with(nacl("acl-2").allow_in(100, tcp(22), "0.0.0.0/0").deny_in(
            100,
            tcp(22),
            "10.0.0.0/8",
        ));
        one(&run(t), Severity::Error, "two in entries numbered 100");
        // Same number in the other direction is fine.
        let t = base().with(nacl("acl-2").allow_in(100, tcp(22), "0.0.0.0/0").allow_out(
            100,
            tcp(22),
            "0.0.0.0/0",
        ));
        assert_eq!(run(t), Vec::new());
    }

    #[test]
    fn prefix_list_ranges_and_families() {
        let t = base().with(
            prefix_list("pl-2")
                .max_entries(1)
                .entries(["192.0.2.0/24", "198.51.100.0/24"]),
        );
        one(
            &run(t),
            Severity::Error,
            "has 2 entries but MaxEntries is 1",
        );
        let t = base().with(prefix_list("pl-2").entries(["192.0.2.0/24", "2001:db8::/32"]));
        one(&run(t), Severity::Error, "mixes 1 IPv4 and 1 IPv6 entries");
        let t = base().with(
            prefix_list("pl-2")
                .family(Family::V6)
                .entries(["192.0.2.0/24"]),
        );
        one(&run(t), Severity::Error, "is declared ipv6");
        let mut list = prefix_list("pl-2").family(Family::V6).max_entries(1);
        list.0.entries = Some(vec![PrefixListEntry {
            cidr: "2001:db8::/32".parse().expect("cidr"),
            description: None,
        }]);
        assert_eq!(run(base().with(list)), Vec::new());
    }

    #[test]
    fn duplicate_ids_in_one_scope() {
        let d = run(base().with(sg("sg-1")));
        one(
            &d,
            Severity::Warning,
            "security group sg-1 is defined twice",
        );
        // The same id in another scope is a different object.
        assert_eq!(
            run(base().with(sg("sg-1").scope("222", "eu-west-1"))),
            Vec::new()
        );
        one(
            &run(base().with(subnet("subnet-1").vpc("vpc-1").az("us-east-1a"))),
            Severity::Warning,
            "subnet subnet-1 is defined twice",
        );
        one(
            &run(base().with(address("54.0.0.1"))),
            Severity::Warning,
            "address eipalloc-54.0.0.1 is defined twice",
        );
    }

    #[test]
    fn duplicate_rules_in_one_group() {
        let t = base().with(
            sg("sg-2")
                .ingress(tcp(22), cidr("10.0.0.0/8"))
                .ingress(proto_ports("6", 22, 22), cidr("10.0.0.5/8"))
                .egress(tcp(22), cidr("10.0.0.0/8")),
        );
        let d = run(t);
        one(&d, Severity::Info, "duplicates an earlier in rule");
        assert!(
            d[0].origin
                .as_ref()
                .is_some_and(|o| o.to_string().ends_with("IpPermissions[1]"))
        );
        // Different ports are not duplicates; ports on `all` are ignored, so these are.
        let t = base().with(
            sg("sg-2")
                .ingress(tcp(22), cidr("10.0.0.0/8"))
                .ingress(tcp(23), cidr("10.0.0.0/8")),
        );
        assert_eq!(run(t), Vec::new());
        let t = base().with(
            sg("sg-2")
                .ingress(all(), cidr("10.0.0.0/8"))
                .ingress(proto_ports("-1", 80, 80), cidr("10.0.0.0/8")),
        );
        one(&run(t), Severity::Info, "duplicates");
    }

    #[test]
    fn duplicate_rules_point_at_the_first_copy_in_rule_order() {
        // a, b, a, a (ingress) then a (egress): two duplicates of ingress rule 0, reported
        // in rule order, interleaved with each rule's own reference diagnostics.
        let t = base().with(
            sg("sg-2")
                .ingress(tcp(22), sg_ref("sg-404"))
                .ingress(tcp(23), cidr("10.0.0.0/8"))
                .ingress(tcp(22), sg_ref("sg-404"))
                .ingress(proto_ports("6", 22, 22), sg_ref("sg-404"))
                .egress(tcp(22), sg_ref("sg-404")),
        );
        let d = run(t);
        let shown: Vec<String> = d
            .iter()
            .map(|d| {
                let at = d
                    .origin
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let what = if d.message.starts_with("rule duplicates") {
                    let first = d.message.rsplit("[").next().unwrap_or_default();
                    format!("dup of [{first}")
                } else {
                    d.message.split(':').next().unwrap_or_default().to_string()
                };
                format!("{} {what}", at.rsplit('.').next().unwrap_or_default())
            })
            .collect();
        assert_eq!(
            shown,
            [
                "IpPermissions[0] unresolved reference",
                "IpPermissions[2] unresolved reference",
                "IpPermissions[2] dup of [0])",
                "IpPermissions[3] unresolved reference",
                "IpPermissions[3] dup of [0])",
                "IpPermissionsEgress[0] unresolved reference",
            ],
            "{d:#?}"
        );
    }

    #[test]
    fn eni_az_and_vpc_mismatch_with_subnet() {
        let t = base().with(eni("eni-2").subnet("subnet-1").az("us-east-1b"));
        one(
            &run(t),
            Severity::Warning,
            "is in us-east-1b but its subnet subnet-1 is in us-east-1a",
        );
        let t = base()
            .with(vpc("vpc-2"))
            .with(eni("eni-2").subnet("subnet-1").vpc("vpc-2"));
        one(
            &run(t),
            Severity::Warning,
            "is in vpc-2 but its subnet subnet-1 is in vpc-1",
        );
        // Unknown AZ on either side: not compared.
        assert_eq!(
            run(base().with(eni("eni-2").subnet("subnet-1"))),
            Vec::new()
        );
    }

    #[test]
    fn instance_az_mismatch_with_eni_and_subnet() {
        let t = base()
            .with(eni("eni-2").az("us-east-1b"))
            .with(instance("i-2").enis(["eni-2"]).az("us-east-1a"));
        one(
            &run(t),
            Severity::Warning,
            "its network interface eni-2 is in us-east-1b",
        );
        let t = base().with(instance("i-2").subnet("subnet-1").az("us-east-1c"));
        one(
            &run(t),
            Severity::Warning,
            "instance i-2 is in us-east-1c but its subnet subnet-1",
        );
    }

    #[test]
    fn volume_az_mismatch_with_instance() {
        let t = base().with(volume("vol-2").az("us-east-1b").attach("i-1"));
        one(
            &run(t),
            Severity::Warning,
            "volume vol-2 is in us-east-1b but is attached to instance i-1 in us-east-1a",
        );
        let mut detached = volume("vol-2").az("us-east-1b").attach("i-1");
        detached.0.attachments[0].state = Some("detached".to_string());
        assert_eq!(run(base().with(detached)), Vec::new());
    }

    #[test]
    fn large_topology_is_linear() {
        // 200k rules across 2k groups and 2k ENIs: must finish quickly (O(n)).
        let mut t = topology();
        for g in 0..2000 {
            let id = format!("sg-{g}");
            let mut b = sg(&id);
            for r in 0..100u16 {
                b = b.ingress(tcp(r), sg_ref(&format!("sg-{}", (g + 1) % 2000)));
            }
            t = t
                .with(b)
                .with(eni(&format!("eni-{g}")).groups([id.as_str()]));
        }
        let start = std::time::Instant::now();
        assert_eq!(run(t), Vec::new());
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }
}
