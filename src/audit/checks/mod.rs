//! One file per check. Each declares itself with [`declare_check!`](crate::declare_check)
//! (code, name, default severity, doc) and defines `run(&AuditCtx, &mut Sink)`.

pub mod sg001_world_open_admin_port;
pub mod sg002_world_open_database_port;
pub mod sg003_world_open_risky_service;
pub mod sg004_world_open_udp_amplifier;
pub mod sg005_world_open_all_ports;
pub mod sg006_world_open_other_port;
pub mod sg007_broad_public_source;
pub mod sg008_icmp_family_mismatch;
pub mod sg009_unused_group;
pub mod sg010_default_group_has_rules;
pub mod sg011_redundant_rule;
pub mod sg012_shadowed_rule;
pub mod sg013_stale_reference;
pub mod sg014_wide_source_admin_port;
pub mod sg015_group_rule_quota;
pub mod sg016_eni_group_quota;
pub mod sg017_eni_rule_product_quota;
pub mod sg018_volume_az_mismatch;
pub mod sg019_volume_multi_attach;
pub mod sg020_hibernation_prerequisites;
pub mod sg021_unattached_volume;
pub mod sg022_idle_elastic_ip;
pub mod sg023_eni_az_mismatch;
pub mod sg024_spread_placement_limit;
pub mod sg025_exposed_instance_unencrypted_volume;
pub mod sg026_expired_suppression;

/// What check files use.
pub(crate) mod prelude {
    pub(crate) use super::per_group;
    pub use crate::audit::Sink;
    pub use crate::audit::config::Category;
    pub use crate::audit::context::{AuditCtx, evidence};
    pub use crate::audit::finding::{Finding, Severity};
    pub use crate::audit::report::{Select, report};
    pub use crate::declare_check;
}

use crate::audit::{AuditCtx, Sink};
use crate::model::{Scope, SecurityGroup};
use rayon::prelude::*;

/// Records `groups`, read without a list of their scope's network interfaces, as not
/// judged: "{what}, but no list of network interfaces (describe-network-interfaces) was
/// read for {their scopes}: {so}".
pub(crate) fn not_judged_unlisted(out: &mut Sink, groups: &[&SecurityGroup], what: &str, so: &str) {
    let reason = format!(
        "{what}, but no list of network interfaces (describe-network-interfaces) was read \
         for {}: {so}",
        unlisted_scopes(groups.iter().map(|g| &g.scope))
    );
    out.not_judged(groups.iter().map(|g| g.id.to_string()).collect(), reason);
}

/// The scopes of groups read without a list of network interfaces, for a note: "the
/// unscoped inputs", "the unscoped inputs or `123/us-east-1`", "`a`, `b`, `c` or 2 other
/// scopes".
fn unlisted_scopes<'a>(scopes: impl Iterator<Item = &'a Scope>) -> String {
    const SHOWN: usize = 3;
    let mut scopes: Vec<&Scope> = scopes.collect();
    scopes.sort_unstable();
    scopes.dedup();
    let mut named: Vec<String> = (scopes.iter().take(SHOWN))
        .map(|&s| {
            if *s == Scope::default() {
                "the unscoped inputs".to_string()
            } else {
                format!("`{s}`")
            }
        })
        .collect();
    if scopes.len() > SHOWN {
        named.push(format!("{} other scopes", scopes.len() - SHOWN));
    }
    let last = named.pop().unwrap_or_default();
    if named.is_empty() {
        last
    } else {
        format!("{} or {last}", named.join(", "))
    }
}

/// Runs `check` on every group (position, group) on all cores and records the findings
/// in group order, so the result does not depend on scheduling.
pub(crate) fn per_group<F>(ctx: &AuditCtx<'_>, out: &mut Sink, check: F)
where
    F: Fn(u32, &SecurityGroup, &mut Sink) + Sync,
{
    let found: Vec<Sink> = ctx
        .topo
        .security_groups
        .par_iter()
        .enumerate()
        .with_min_len(64)
        .map(|(gi, g)| {
            let mut sink = Sink::default();
            check(gi as u32, g, &mut sink);
            sink
        })
        .collect();
    for sink in found {
        out.append(sink);
    }
}
