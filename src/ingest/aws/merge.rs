//! Merging objects that several exports (or several pages of one export) describe.
//!
//! Identity is `(id, scope)`: the same id in two accounts or regions stays two objects.
//! Rules, in the order [`merge`] applies them:
//!
//! - **Security groups.** Groups built from `SecurityGroupRules` records (one per record,
//!   see [`super::lower`]; recognised by an origin path ending in `SecurityGroupRules[i]`)
//!   are folded into their group. If the group was also described by `SecurityGroups`, the
//!   first described copy is kept (name, VPC, description, origin) and, for each direction
//!   that has rule records, its rules are replaced by the records (they carry rule ids);
//!   an Info diagnostic says so. A direction with no records keeps the described rules.
//!   When any of the group's records comes from one page of a paginated listing (a
//!   section [`merge_pages`] is told of), the records are not the group's whole list:
//!   they only add the rules the described group lacks (same direction, protocol, ports
//!   and peer), and the Info says so. A group known only from records becomes a group
//!   with only id and owner. Records with the same `SecurityGroupRuleId` are kept once
//!   (silently if identical, with a Warning if they differ).
//! - **ENIs** (describe-instances and describe-network-interfaces overlap by design): one
//!   ENI per id; the fuller record's fields win (more fields set; the first read on a
//!   tie), missing fields are filled from the other, groups, private addresses (by
//!   address) and IPv6 addresses are unioned, the first origin is kept. Groups are
//!   unioned even when the copies disagree (exports taken at different times), so a rule
//!   of either copy's groups is audited: the audit may over-report, never hide an open
//!   port. Copies that disagree on groups, public addresses, private or IPv6 addresses
//!   (see [`eni_differences`]; what one copy lacks is no disagreement) give a Warning
//!   naming both origins, what differs and which copy's public address was kept; other
//!   copies give no diagnostic. Records that cannot be one interface (attached
//!   to different instances, …) are not merged: the first is kept, with a Warning.
//! - **Instances**: the first is kept; a Warning naming both origins only when the copies
//!   disagree on state, type, AZ, subnet, VPC or ENIs.
//! - **Prefix lists**: metadata (describe-managed-prefix-lists) and entries
//!   (get-managed-prefix-list-entries, describe-prefix-lists) are combined into one list;
//!   a Warning only when two copies both carry entries and they differ.
//! - **Other services' resources**: identical copies (kind, name, scope and groups) are
//!   kept once, with an Info; copies that differ are all kept (names are unique only
//!   within one service, and Lambda versions share a name).
//! - **Everything else** (VPCs, subnets, route tables, NACLs, internet gateways, volumes,
//!   addresses by allocation id or public IP): the first is kept. A copy that differs
//!   (ignoring origins) gives a Warning naming both origins; an identical copy (the same
//!   recording twice, e.g. placebo `_1`/`_2` pages) gives only an Info.

use crate::model::*;
use crate::net::Direction;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// Merges duplicated objects in place (see the module docs), every section read being
/// a whole listing: [`merge_pages`] with no pages.
pub fn merge(topology: &mut Topology, diagnostics: &mut Vec<Diagnostic>) {
    merge_pages(topology, diagnostics, &[]);
}

/// Merges duplicated objects in place (see the module docs); `pages` are the sections
/// read that are one page of a paginated listing, at their JSON paths
/// ([`AwsDoc::pages`](super::AwsDoc::pages)): `describe-security-group-rules` records from
/// them add rules to a described group, never replace its rules.
pub fn merge_pages(topology: &mut Topology, diagnostics: &mut Vec<Diagnostic>, pages: &[Origin]) {
    // The first copy read is kept; a live describe-* copy goes before an AWS Config one,
    // which may lag behind the account.
    let t = &mut *topology;
    config_last(&mut t.security_groups, |x| &x.origin);
    config_last(&mut t.enis, |x| &x.origin);
    config_last(&mut t.instances, |x| &x.origin);
    config_last(&mut t.vpcs, |x| &x.origin);
    config_last(&mut t.subnets, |x| &x.origin);
    config_last(&mut t.route_tables, |x| &x.origin);
    config_last(&mut t.network_acls, |x| &x.origin);
    config_last(&mut t.internet_gateways, |x| &x.origin);
    config_last(&mut t.volumes, |x| &x.origin);
    config_last(&mut t.addresses, |x| &x.origin);
    merge_groups(&mut topology.security_groups, diagnostics, pages);
    merge_enis(&mut topology.enis, diagnostics);
    merge_instances(&mut topology.instances, diagnostics);
    merge_prefix_lists(&mut topology.prefix_lists, diagnostics);
    dedupe(
        &mut topology.vpcs,
        "VPC",
        |v| (v.id.0.clone(), v.scope.clone()),
        |v| &v.origin,
        diagnostics,
    );
    dedupe(
        &mut topology.subnets,
        "subnet",
        |v| (v.id.0.clone(), v.scope.clone()),
        |v| &v.origin,
        diagnostics,
    );
    dedupe(
        &mut topology.route_tables,
        "route table",
        |v| (v.id.0.clone(), v.scope.clone()),
        |v| &v.origin,
        diagnostics,
    );
    dedupe(
        &mut topology.network_acls,
        "network ACL",
        |v| (v.id.0.clone(), v.scope.clone()),
        |v| &v.origin,
        diagnostics,
    );
    dedupe(
        &mut topology.internet_gateways,
        "internet gateway",
        |v| (v.id.0.clone(), v.scope.clone()),
        |v| &v.origin,
        diagnostics,
    );
    dedupe(
        &mut topology.volumes,
        "volume",
        |v| (v.id.0.clone(), v.scope.clone()),
        |v| &v.origin,
        diagnostics,
    );
    dedupe(
        &mut topology.addresses,
        "address",
        |v| (v.key(), v.scope.clone()),
        |v| &v.origin,
        diagnostics,
    );
    merge_group_users(&mut topology.group_users, diagnostics);
    let t = &*topology;
    scope_twins(
        &t.security_groups,
        "security group",
        |g| g.id.as_str(),
        |g| &g.scope,
        |g| &g.origin,
        diagnostics,
    );
    scope_twins(
        &t.enis,
        "ENI",
        |e| e.id.as_str(),
        |e| &e.scope,
        |e| &e.origin,
        diagnostics,
    );
}

/// Warns about a group or an ENI read both in a scope and in a less specific one (no
/// account or region: a flat or aggregator file beside an `<account>/<region>/` layout;
/// an account folder without regions beside one with them): the copies stay two objects,
/// each audited, so the doubling is said, at the less specific copy.
fn scope_twins<T>(
    items: &[T],
    what: &str,
    id: impl Fn(&T) -> &str,
    scope: impl Fn(&T) -> &Scope,
    origin: impl Fn(&T) -> &Origin,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Only ids seen in more than one scope matter.
    if items.windows(2).all(|w| scope(&w[0]) == scope(&w[1])) {
        return;
    }
    let mut seen: std::collections::HashMap<&str, Vec<&T>> = std::collections::HashMap::new();
    for x in items {
        seen.entry(id(x)).or_default().push(x);
    }
    for x in items {
        let Some(copies) = seen.get(id(x)).filter(|c| c.len() > 1) else {
            continue;
        };
        // A copy in a narrower scope than this one's.
        let narrower = |o: &&&T| scope(o) != scope(x) && scope(o).within(scope(x));
        if let Some(other) = copies.iter().find(narrower) {
            let here = if *scope(x) == Scope::default() {
                "with no account or region".to_string()
            } else {
                format!("in {}", scope(x))
            };
            diagnostics.push(Diagnostic::warning(
                Some(origin(x).clone()),
                format!(
                    "{what} {} is read here {here}, and in {} from {}; the two are audited \
                     as different objects (if they are one, put this file in the export's \
                     <account>/<region>/ layout)",
                    id(x),
                    scope(other),
                    origin(other)
                ),
            ));
        }
    }
}

/// Whether an object was read from an AWS Config item (its path runs through
/// `Results[i].configuration`, `configurationItems[i].configuration`, …).
fn from_config(o: &Origin) -> bool {
    match &o.location {
        crate::model::Location::JsonPath { path } => {
            ["Results[", "configurationItems[", "ConfigurationItems["]
                .iter()
                .any(|k| path.contains(k))
                && path.contains("].configuration")
        }
        _ => false,
    }
}

/// Moves the objects read from AWS Config after the others, keeping each side's order
/// (nothing moves when there are none).
fn config_last<T>(items: &mut [T], origin: impl Fn(&T) -> &Origin) {
    if items.iter().any(|x| from_config(origin(x))) {
        items.sort_by_key(|x| from_config(origin(x)));
    }
}

/// Other services' resources: only identical copies (kind, name, scope and groups) are
/// folded, with an Info. Names are unique only within one service, and versions of one
/// Lambda function share a name, so copies that differ are kept: each one's groups are
/// in use.
fn merge_group_users(users: &mut Vec<GroupUser>, diagnostics: &mut Vec<Diagnostic>) {
    if users.len() < 2 {
        return;
    }
    let groups = group_by(std::mem::take(users), |u| {
        (u.kind, u.id.clone(), u.scope.clone(), u.groups.clone())
    });
    for mut g in groups {
        let first = g.remove(0);
        for other in &g {
            diagnostics.push(duplicate_diag(
                first.kind.label(),
                &first.id,
                &first.origin,
                &other.origin,
                true,
            ));
        }
        users.push(first);
    }
}

/// Groups items by key, keeping first-occurrence order.
fn group_by<T, K: Hash + Eq + Clone>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<Vec<T>> {
    let mut index: HashMap<K, usize> = HashMap::with_capacity(items.len());
    let mut out: Vec<Vec<T>> = Vec::with_capacity(items.len());
    for it in items {
        let k = key(&it);
        match index.get(&k) {
            Some(&i) => out[i].push(it),
            None => {
                index.insert(k, out.len());
                out.push(vec![it]);
            }
        }
    }
    out
}

/// Whether no two items share a key (then there is nothing to merge: the common case, and
/// checked without cloning keys or moving items).
fn all_distinct<'t, T>(items: &'t [T], key: impl Fn(&'t T) -> (&'t str, &'t Scope)) -> bool {
    let mut seen = HashSet::with_capacity(items.len());
    items.iter().all(|it| seen.insert(key(it)))
}

/// The value as JSON with every `origin` removed, to compare content.
fn content<T: serde::Serialize>(v: &T) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("origin");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
    strip(&mut v);
    v
}

fn duplicate_diag(what: &str, id: &str, kept: &Origin, dropped: &Origin, same: bool) -> Diagnostic {
    if same {
        Diagnostic::info(
            Some(dropped.clone()),
            format!("{what} {id} is also read from {kept} with the same content; one copy kept"),
        )
    } else {
        Diagnostic::warning(
            Some(dropped.clone()),
            format!(
                "{what} {id} is also read from {kept} with different content; the copy from {kept} is kept, this one is ignored"
            ),
        )
    }
}

fn dedupe<T: serde::Serialize>(
    items: &mut Vec<T>,
    what: &str,
    key: impl Fn(&T) -> (String, Scope),
    origin: impl Fn(&T) -> &Origin,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if items.len() < 2 {
        return;
    }
    let groups = group_by(std::mem::take(items), &key);
    for mut g in groups {
        let mut rest = g.split_off(1);
        let first = g.pop();
        if let Some(first) = first {
            if !rest.is_empty() {
                let c = content(&first);
                for other in rest.drain(..) {
                    let same = content(&other) == c;
                    diagnostics.push(duplicate_diag(
                        what,
                        &key(&first).0,
                        origin(&first),
                        origin(&other),
                        same,
                    ));
                }
            }
            items.push(first);
        }
    }
}

/// Whether a group was built from one `SecurityGroupRules` record.
fn is_rule_record(g: &SecurityGroup) -> bool {
    match &g.origin.location {
        Location::JsonPath { path } => path
            .rsplit('.')
            .next()
            .is_some_and(|last| last.starts_with("SecurityGroupRules[")),
        _ => false,
    }
}

/// Whether a rule record was read from one of `pages` (its path is the section's, plus
/// an index).
fn on_page(record: &SecurityGroup, pages: &[Origin]) -> bool {
    let Location::JsonPath { path } = &record.origin.location else {
        return false;
    };
    let Some((section, _)) = path.rsplit_once('[') else {
        return false;
    };
    pages.iter().any(|p| {
        p.file == record.origin.file
            && matches!(&p.location, Location::JsonPath { path } if path == section)
    })
}

/// Whether two rules allow the same traffic (direction, protocol, ports and peer),
/// whatever their ids, descriptions and origins.
fn same_rule(a: &Rule, b: &Rule) -> bool {
    a.direction == b.direction && a.protocol == b.protocol && a.l4 == b.l4 && a.peer == b.peer
}

fn merge_groups(
    groups: &mut Vec<SecurityGroup>,
    diagnostics: &mut Vec<Diagnostic>,
    pages: &[Origin],
) {
    if !groups.iter().any(is_rule_record) && all_distinct(groups, |g| (g.id.as_str(), &g.scope)) {
        return;
    }
    let batches = group_by(std::mem::take(groups), |g| {
        (g.id.0.clone(), g.scope.clone())
    });
    for batch in batches {
        let (described, records): (Vec<_>, Vec<_>) =
            batch.into_iter().partition(|g| !is_rule_record(g));
        let mut described = described.into_iter();
        let mut base = match described.next() {
            Some(first) => {
                // Serialising for the comparison is costly: only when there is a copy.
                let mut c = None;
                for other in described {
                    let c = c.get_or_insert_with(|| content(&first));
                    let same = content(&other) == *c;
                    diagnostics.push(duplicate_diag(
                        "security group",
                        first.id.as_str(),
                        &first.origin,
                        &other.origin,
                        same,
                    ));
                }
                Some(first)
            }
            None => None,
        };
        if records.is_empty() {
            groups.extend(base);
            continue;
        }
        let paged = !pages.is_empty() && records.iter().any(|r| on_page(r, pages));
        // Fold the records, one rule each, deduplicated by rule id.
        let mut ingress: Vec<Rule> = Vec::new();
        let mut egress: Vec<Rule> = Vec::new();
        let mut by_id: HashMap<String, (Direction, usize)> = HashMap::new();
        let mut owner = None;
        let mut first_record: Option<(GroupId, Scope, Origin)> = None;
        for rec in records {
            owner = owner.or(rec.owner.clone());
            if first_record.is_none() {
                first_record = Some((rec.id.clone(), rec.scope.clone(), rec.origin.clone()));
            }
            for rule in rec.ingress.into_iter().chain(rec.egress) {
                let list = match rule.direction {
                    Direction::Ingress => &mut ingress,
                    Direction::Egress => &mut egress,
                };
                if let Some(rid) = &rule.rule_id {
                    if let Some(&(dir, i)) = by_id.get(rid) {
                        let kept = match dir {
                            Direction::Ingress => &ingress[i],
                            Direction::Egress => &egress[i],
                        };
                        if content(kept) != content(&rule) {
                            diagnostics.push(duplicate_diag(
                                "security group rule",
                                rid,
                                &kept.origin,
                                &rule.origin,
                                false,
                            ));
                        }
                        continue;
                    }
                    by_id.insert(rid.clone(), (rule.direction, list.len()));
                }
                list.push(rule);
            }
        }
        match &mut base {
            Some(g) => {
                let records_n = ingress.len() + egress.len();
                let from = first_record
                    .as_ref()
                    .map(|(_, _, o)| o.file.to_string())
                    .unwrap_or_default();
                if g.owner.is_none() {
                    g.owner = owner;
                }
                let message = if paged {
                    // One page is not the group's list: its rules only add to the described.
                    let described = g.ingress.len() + g.egress.len();
                    let mut added = 0;
                    for rule in ingress.into_iter().chain(egress) {
                        let list = match rule.direction {
                            Direction::Ingress => &mut g.ingress,
                            Direction::Egress => &mut g.egress,
                        };
                        if !list.iter().any(|r| same_rule(r, &rule)) {
                            list.push(rule);
                            added += 1;
                        }
                    }
                    format!(
                        "security group {}: {records_n} rules from describe-security-group-rules \
                         ({from}) come from one page of a paginated listing, so they do not \
                         replace the {described} rules described here: {added} of them not \
                         described here are added",
                        g.id
                    )
                } else {
                    let mut old = 0;
                    if !ingress.is_empty() {
                        old += g.ingress.len();
                        g.ingress = ingress;
                    }
                    if !egress.is_empty() {
                        old += g.egress.len();
                        g.egress = egress;
                    }
                    format!(
                        "security group {}: {records_n} rules from describe-security-group-rules ({from}) are used instead of the {old} rules described here for the same direction(s)",
                        g.id
                    )
                };
                diagnostics.push(Diagnostic::info(Some(g.origin.clone()), message));
            }
            None => {
                if let Some((id, scope, origin)) = first_record {
                    base = Some(SecurityGroup {
                        id,
                        name: None,
                        description: None,
                        vpc: None,
                        owner,
                        ingress,
                        egress,
                        scope,
                        origin,
                    });
                }
            }
        }
        groups.extend(base);
    }
}

fn eni_fullness(e: &Eni) -> usize {
    [
        e.subnet.is_some(),
        e.vpc.is_some(),
        e.az.is_some(),
        e.attachment.is_some(),
        e.interface_type.is_some(),
        e.status.is_some(),
        e.source_dest_check.is_some(),
        e.description.is_some(),
        e.owner.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count()
        + e.private_ips.len()
        + e.groups.len()
        + e.ipv6.len()
}

fn fill<T>(a: &mut Option<T>, b: Option<T>) {
    if a.is_none() {
        *a = b;
    }
}

/// Merges `b` into `a` (the fuller record's fields win; `a`'s origin stays).
fn absorb_eni(a: &mut Eni, mut b: Eni) {
    if eni_fullness(&b) > eni_fullness(a) {
        std::mem::swap(a, &mut b);
        std::mem::swap(&mut a.origin, &mut b.origin);
    }
    fill(&mut a.subnet, b.subnet);
    fill(&mut a.vpc, b.vpc);
    fill(&mut a.az, b.az);
    fill(&mut a.interface_type, b.interface_type);
    fill(&mut a.status, b.status);
    fill(&mut a.source_dest_check, b.source_dest_check);
    fill(&mut a.description, b.description);
    fill(&mut a.owner, b.owner);
    match (&mut a.attachment, b.attachment) {
        (Some(x), Some(y)) => {
            fill(&mut x.instance, y.instance);
            fill(&mut x.device_index, y.device_index);
            fill(&mut x.status, y.status);
            fill(&mut x.delete_on_termination, y.delete_on_termination);
        }
        (x @ None, y) => *x = y,
        (Some(_), None) => {}
    }
    for g in b.groups {
        if !a.groups.contains(&g) {
            a.groups.push(g);
        }
    }
    for p in b.private_ips {
        match a.private_ips.iter_mut().find(|q| q.ip == p.ip) {
            Some(q) => {
                fill(&mut q.public, p.public);
                q.primary |= p.primary;
            }
            None => a.private_ips.push(p),
        }
    }
    for ip in b.ipv6 {
        if !a.ipv6.contains(&ip) {
            a.ipv6.push(ip);
        }
    }
}

/// Why two records of one ENI id cannot be the same interface (seen from
/// `describe-instances` and `describe-network-interfaces`, they agree): attached to
/// different instances, in different subnets, or with different primary addresses.
/// Fields one record lacks do not conflict, nor do groups (exports taken at different
/// times may differ there; their groups are pooled).
fn eni_conflict(a: &Eni, b: &Eni) -> Option<String> {
    fn instance(e: &Eni) -> Option<&InstanceId> {
        e.attachment.as_ref().and_then(|x| x.instance.as_ref())
    }
    if let (Some(x), Some(y)) = (instance(a), instance(b))
        && x != y
    {
        return Some(format!("attached to {y}, not {x}"));
    }
    if let (Some(x), Some(y)) = (&a.subnet, &b.subnet)
        && x != y
    {
        return Some(format!("in {y}, not {x}"));
    }
    let primary = |e: &Eni| e.private_ips.iter().find(|p| p.primary).map(|p| p.ip);
    if let (Some(x), Some(y)) = (primary(a), primary(b))
        && x != y
    {
        return Some(format!("with primary address {y}, not {x}"));
    }
    None
}

/// What two copies of one interface disagree on, as `this copy's, not the kept one's`
/// phrases: groups (when both list some), the public address of a private address both
/// list (when both give one), private and IPv6 addresses (when neither copy's are a
/// subset of the other's). What one copy lacks is no disagreement (a minimal
/// describe-instances record lists only the primary address, with no association); the
/// merge fills it from the other.
fn eni_differences(kept: &Eni, other: &Eni) -> Vec<String> {
    fn list<T: ToString>(items: &[T]) -> String {
        let v: Vec<String> = items.iter().map(T::to_string).collect();
        v.join(", ")
    }
    fn sorted<T: Ord + Clone>(v: &[T]) -> Vec<T> {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        v
    }
    /// Neither is empty nor holds all of the other.
    fn disagree<T: PartialEq>(a: &[T], b: &[T]) -> bool {
        let within = |x: &[T], y: &[T]| x.iter().all(|i| y.contains(i));
        !a.is_empty() && !b.is_empty() && !within(a, b) && !within(b, a)
    }
    let mut out = Vec::new();
    let (a, b) = (sorted(&kept.groups), sorted(&other.groups));
    if !a.is_empty() && !b.is_empty() && a != b {
        out.push(format!("groups {}, not {}", list(&b), list(&a)));
    }
    for p in &other.private_ips {
        let Some(q) = kept.private_ips.iter().find(|q| q.ip == p.ip) else {
            continue;
        };
        if let (Some(x), Some(y)) = (&p.public, &q.public)
            && x.ip != y.ip
        {
            out.push(format!("public address {} of {}, not {}", x.ip, p.ip, y.ip));
        }
    }
    let ips = |e: &Eni| sorted(&e.private_ips.iter().map(|p| p.ip).collect::<Vec<_>>());
    let (a, b) = (ips(kept), ips(other));
    if disagree(&a, &b) {
        out.push(format!("private addresses {}, not {}", list(&b), list(&a)));
    }
    let (a, b) = (sorted(&kept.ipv6), sorted(&other.ipv6));
    if disagree(&a, &b) {
        out.push(format!("IPv6 addresses {}, not {}", list(&b), list(&a)));
    }
    out
}

/// Merges the records of each ENI id; a record that cannot be the same interface as
/// the first one read (see [`eni_conflict`]) is ignored with a warning, as other
/// duplicated objects with different content are: pooling two interfaces' groups onto
/// one would invent interfaces that carry both.
fn merge_enis(enis: &mut Vec<Eni>, diagnostics: &mut Vec<Diagnostic>) {
    if all_distinct(enis, |e| (e.id.as_str(), &e.scope)) {
        return;
    }
    let batches = group_by(std::mem::take(enis), |e| (e.id.0.clone(), e.scope.clone()));
    for batch in batches {
        let mut it = batch.into_iter();
        if let Some(mut first) = it.next() {
            let kept = first.origin.clone();
            for other in it {
                // A Config copy may lag behind the live one: not pooled with it.
                if from_config(&other.origin) && !from_config(&kept) {
                    diagnostics.push(Diagnostic::info(
                        Some(other.origin.clone()),
                        format!(
                            "ENI {} is also read from {kept}; that describe-* copy is kept, this AWS Config one is ignored",
                            other.id
                        ),
                    ));
                    continue;
                }
                match eni_conflict(&first, &other) {
                    Some(why) => diagnostics.push(Diagnostic::warning(
                        Some(other.origin.clone()),
                        format!(
                            "ENI {} is also read from {kept} as a different interface ({why}); \
                             the copy from {kept} is kept, this one is ignored",
                            other.id
                        ),
                    )),
                    None => {
                        let differences = eni_differences(&first, &other);
                        if !differences.is_empty() {
                            // `absorb_eni` keeps the fuller copy's values (the first on a tie).
                            let winner = if eni_fullness(&other) > eni_fullness(&first) {
                                "this copy's (it has more fields set)".to_string()
                            } else {
                                format!("the one from {kept}")
                            };
                            diagnostics.push(Diagnostic::warning(
                                Some(other.origin.clone()),
                                format!(
                                    "ENI {} is also read from {kept} with different content \
                                     (here: {}); the copies are merged: the groups and \
                                     addresses of both are kept (a rule of either copy's \
                                     groups is audited), and where both give a public \
                                     address, {winner} is kept",
                                    other.id,
                                    differences.join("; ")
                                ),
                            ));
                        }
                        absorb_eni(&mut first, other);
                    }
                }
            }
            enis.push(first);
        }
    }
}

fn merge_instances(instances: &mut Vec<Instance>, diagnostics: &mut Vec<Diagnostic>) {
    if all_distinct(instances, |i| (i.id.as_str(), &i.scope)) {
        return;
    }
    let batches = group_by(std::mem::take(instances), |i| {
        (i.id.0.clone(), i.scope.clone())
    });
    for batch in batches {
        let mut it = batch.into_iter();
        let Some(first) = it.next() else { continue };
        let sorted = |v: &[EniId]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        for other in it {
            let agree = first.state == other.state
                && first.instance_type == other.instance_type
                && first.az == other.az
                && first.subnet == other.subnet
                && first.vpc == other.vpc
                && sorted(&first.enis) == sorted(&other.enis);
            if !agree {
                diagnostics.push(duplicate_diag(
                    "instance",
                    first.id.as_str(),
                    &first.origin,
                    &other.origin,
                    false,
                ));
            }
        }
        instances.push(first);
    }
}

fn merge_prefix_lists(lists: &mut Vec<PrefixList>, diagnostics: &mut Vec<Diagnostic>) {
    if all_distinct(lists, |p| (p.id.as_str(), &p.scope)) {
        return;
    }
    let batches = group_by(std::mem::take(lists), |p| (p.id.0.clone(), p.scope.clone()));
    for batch in batches {
        let mut it = batch.into_iter();
        let Some(mut first) = it.next() else { continue };
        for other in it {
            match (&first.entries, other.entries) {
                (Some(a), Some(b)) => {
                    if *a != b {
                        diagnostics.push(duplicate_diag(
                            "prefix list",
                            first.id.as_str(),
                            &first.origin,
                            &other.origin,
                            false,
                        ));
                    }
                }
                (None, b) => first.entries = b,
                (Some(_), None) => {}
            }
            fill(&mut first.name, other.name);
            fill(&mut first.family, other.family);
            fill(&mut first.max_entries, other.max_entries);
            fill(&mut first.owner, other.owner);
        }
        lists.push(first);
    }
}
