//! SG013: Rule references a deleted group or a group across an inactive peering.

use super::prelude::*;
use crate::audit::RuleEvidence;
use crate::audit::context::rule_text;
use crate::model::{GroupId, GroupRef, Peer, Rule, Scope, StaleRule, VpcId};
use crate::net::Direction;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

declare_check! {
    /// ## What it does
    /// Reports rules that reference another security group that cannot match: across a
    /// VPC peering whose status is not `active` (deleted, rejected, expired…), or a group
    /// of the same account in another VPC (across a peering) that is neither in the
    /// export nor carried by any exported interface (deleted?). References to other
    /// accounts' groups that are not exported are unknown, not stale, and are not
    /// reported. Nor are references in an AWS export to groups of the referencing
    /// group's own VPC that the export lacks: AWS refuses to delete a group that another
    /// group of its VPC references (`DependencyViolation`), so those groups exist; the
    /// report's note names the referencing groups. In a rule-language model, which is
    /// the whole world, such a reference is reported.
    ///
    /// When the inputs hold AWS's own list (describe-stale-security-groups,
    /// `StaleSecurityGroupSet`, asked per VPC), it decides: a rule it lists is reported
    /// as stale (also when the export does not hold the rule or its group), and in a
    /// VPC it lists stale rules for, a reference it does not list is not a guess of
    /// deletion.
    ///
    /// ## Why is this bad?
    /// A stale rule matches nothing: the access it documents is gone, and a group created
    /// later with a revived peering can silently bring it back.
    ///
    /// ## Example
    /// ```json
    /// {"UserIdGroupPairs": [{"GroupId": "sg-0peer", "VpcPeeringConnectionId": "pcx-1",
    ///                        "PeeringStatus": "deleted"}]}
    /// ```
    ///
    /// ## Remediation
    /// Delete the rule (`aws ec2 describe-stale-security-groups` lists them), or restore
    /// the peering or group if the access is still needed.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html>
    pub struct StaleReference {
        code: "SG013",
        name: "stale-reference",
        severity: Medium,
        summary: "Rule references a deleted group or a group across an inactive peering",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    let carried: HashSet<&str> = ctx
        .topo
        .enis
        .iter()
        .flat_map(|e| e.groups.iter().map(|g| g.as_str()))
        .collect();
    // AWS's own list of stale rules (describe-stale-security-groups), by group.
    let stale = &ctx.topo.stale_rules;
    let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, s) in stale.iter().enumerate() {
        by_group.entry(s.group.as_str()).or_default().push(k);
    }
    let mut matched = vec![false; stale.len()];
    // AWS lists stale rules per VPC: in a VPC it listed some for (of a compatible
    // scope: a shared VPC's id is the same in every account), a rule it does not list is
    // not stale.
    let mut checked: HashMap<&VpcId, Vec<&Scope>> = HashMap::new();
    for s in stale {
        if let Some(v) = &s.vpc {
            checked.entry(v).or_default().push(&s.scope);
        }
    }
    // Groups whose rules reference groups of their VPC the export lacks, and those (in
    // input order, each once).
    let (mut unknown, mut missing) = (Firsts::default(), Firsts::default());
    for g in &ctx.topo.security_groups {
        for r in g.all_rules() {
            let Peer::Group(gr) = &r.peer else { continue };
            // Every record of the rule (several files may list it).
            let mut listed = false;
            for &k in by_group.get(g.id.as_str()).into_iter().flatten() {
                if stale[k].scope.compatible(&g.scope) && same_rule(&stale[k].rule, r) {
                    matched[k] = true;
                    listed = true;
                }
            }
            let why = if listed {
                "AWS lists the rule as stale (describe-stale-security-groups)".to_string()
            } else if let Some(status) = gr
                .peering_status
                .as_deref()
                .filter(|s| !s.eq_ignore_ascii_case("active"))
            {
                format!(
                    "peering {} is {status}",
                    gr.peering.as_deref().unwrap_or("(unnamed)")
                )
            } else {
                let same_account = match (&gr.owner, g.owner.as_ref().or(g.scope.account.as_ref()))
                {
                    (None, _) => true,
                    (Some(o), Some(mine)) => o == mine,
                    (Some(_), None) => false,
                };
                if !same_account
                    || ctx.lookup.has_group(gr.group.as_str())
                    || carried.contains(gr.group.as_str())
                {
                    continue;
                }
                // AWS refuses to delete a group another group of its VPC references
                // (DependencyViolation): in an AWS export, such a group exists and the
                // export lacks it (so too when the export does not tell either VPC). A
                // rule-language model is the whole world.
                let same_vpc = gr.peering.is_none()
                    && match (&g.vpc, &gr.vpc) {
                        (Some(mine), Some(theirs)) => mine == theirs,
                        _ => true,
                    };
                if same_vpc && g.origin.is_json() {
                    unknown.add(g.id.as_str());
                    missing.add(gr.group.as_str());
                    continue;
                }
                let listed_vpc = (g.vpc.as_ref())
                    .and_then(|v| checked.get(v))
                    .is_some_and(|scopes| scopes.iter().any(|s| s.compatible(&g.scope)));
                if listed_vpc {
                    continue;
                }
                format!(
                    "{} is not in the export and no interface carries it (deleted?)",
                    gr.group
                )
            };
            out.push(
                Finding::new(
                    CODE,
                    g.id.to_string(),
                    format!(
                        "{} references {}: {why}; the rule matches nothing",
                        g.id, gr
                    ),
                )
                .scope(&g.scope)
                .rule_traffic(r)
                .peer(peer_text(r.direction, gr))
                .rules(vec![evidence(g, r)]),
            );
        }
    }
    // Stale rules AWS lists that the export does not hold: once each, however many files
    // (of compatible scopes) list them, as the most specific record tells it (its scope
    // and the referenced group's owner), so that the finding does not change with which
    // copy is read first.
    let mut chosen: Vec<&StaleRule> = Vec::new();
    let mut told: HashMap<_, Vec<usize>> = HashMap::new();
    for (st, _) in stale.iter().zip(&matched).filter(|(_, m)| !**m) {
        let Peer::Group(gr) = &st.rule.peer else {
            continue;
        };
        let r = &st.rule;
        let key = (&st.group, r.direction, r.protocol, r.l4, &gr.group);
        let copies = told.entry(key).or_default();
        match copies
            .iter()
            .find(|&&c| chosen[c].scope.compatible(&st.scope))
        {
            Some(&c) if detail(st) > detail(chosen[c]) => chosen[c] = st,
            Some(_) => {}
            None => {
                copies.push(chosen.len());
                chosen.push(st);
            }
        }
    }
    for st in chosen {
        let Peer::Group(gr) = &st.rule.peer else {
            continue;
        };
        let text = rule_text(&st.rule);
        let held = if ctx
            .lookup
            .group_index(st.group.as_str(), Some(&st.scope))
            .is_some()
        {
            format!("the export's copy of {} does not hold it", st.group)
        } else {
            format!("{} is not in the export", st.group)
        };
        out.push(
            Finding::new(
                CODE,
                st.group.to_string(),
                format!(
                    "{} references {gr}: AWS lists the rule `{text}` as stale \
                     (describe-stale-security-groups), and {held}; the rule matches nothing",
                    st.group
                ),
            )
            .scope(&st.scope)
            .rule_traffic(&st.rule)
            .peer(peer_text(st.rule.direction, gr))
            .rules(vec![Arc::new(RuleEvidence {
                group: st.group.to_string(),
                rule: text,
                rule_id: None,
                origin: Some(st.rule.origin.clone()),
            })]),
        );
    }
    let reason = format!(
        "their rules reference groups of their own VPC (as far as the export tells) that \
         are not in the export ({}); AWS does not delete a group that a group of its VPC \
         references, so the export lacks them: they are not stale, and who they let in is \
         not known",
        crate::audit::some_of(&missing.list, 5)
    );
    out.not_judged(
        unknown.list.into_iter().map(str::to_string).collect(),
        reason,
    );
}

/// Whether a rule of the export is the one a stale record describes: same direction,
/// protocol, ports and referenced group.
fn same_rule(stale: &Rule, r: &Rule) -> bool {
    fn referenced(r: &Rule) -> Option<&GroupId> {
        match &r.peer {
            Peer::Group(gr) => Some(&gr.group),
            _ => None,
        }
    }
    stale.direction == r.direction
        && stale.protocol == r.protocol
        && stale.l4 == r.l4
        && referenced(stale) == referenced(r)
}

/// Values in the order first added, each once.
#[derive(Default)]
struct Firsts<'a> {
    list: Vec<&'a str>,
    seen: HashSet<&'a str>,
}

impl<'a> Firsts<'a> {
    fn add(&mut self, v: &'a str) {
        if self.seen.insert(v) {
            self.list.push(v);
        }
    }
}

/// The finding's peer: the direction and the reference (`in 111122223333/sg-…`), as
/// SG011 and SG012 write it, so that an inbound and an outbound rule to one group are
/// two findings with two fingerprints.
fn peer_text(direction: Direction, gr: &GroupRef) -> String {
    format!("{} {gr}", direction.as_str())
}

/// How much a stale record tells: the parts of its scope known, then whether it names
/// the referenced group's owner.
fn detail(st: &StaleRule) -> (usize, bool) {
    let known = usize::from(st.scope.account.is_some()) + usize::from(st.scope.region.is_some());
    let owner = matches!(&st.rule.peer, Peer::Group(gr) if gr.owner.is_some());
    (known, owner)
}
