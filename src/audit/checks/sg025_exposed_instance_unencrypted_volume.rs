//! SG025: Internet-exposed instance with an unencrypted attached volume.

use super::prelude::*;
use crate::audit::exposure::{ExposedRange, PathStatus, Reach, Subject, internet_path};
use std::collections::{BTreeMap, BTreeSet};

declare_check! {
    /// ## What it does
    /// Reports instances that are effectively reachable from the whole internet on some
    /// port (any world exposure of SG001–SG006 whose path is effective) and have an
    /// unencrypted EBS volume attached (an attachment in state `detached` does not
    /// count). When the exposure holds only if a prefix list whose entries were not
    /// exported holds public ranges, the finding says so and is one level lower, as the
    /// exposure findings are.
    ///
    /// ## Why is this bad?
    /// An internet-facing host is the most likely to be compromised; its volumes and
    /// their snapshots should be encrypted so a leaked snapshot or a misplaced copy does
    /// not leak the data as well.
    ///
    /// ## Example
    /// ```text
    /// instance i-web
    ///   eni eni-web … public 54.0.0.10 groups sg-web    # sg-web: tcp 443 from 0.0.0.0/0
    ///   volume vol-data 100GiB gp3                      # not encrypted
    /// ```
    ///
    /// ## Remediation
    /// Snapshot, copy the snapshot with encryption, restore, swap; enable EBS encryption
    /// by default for the Region.
    ///
    /// ## References
    /// - CIS AWS Foundations Benchmark 2.2.1 (EBS encryption by default)
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html>
    pub struct ExposedInstanceUnencryptedVolume {
        code: "SG025",
        name: "exposed-instance-unencrypted-volume",
        severity: Medium,
        summary: "Internet-exposed instance with an unencrypted attached volume",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    // Exposed instances: the prefix lists of unknown entries an exposure is assumed
    // through (none: certain).
    let mut exposed: BTreeMap<&str, Option<BTreeSet<&str>>> = BTreeMap::new();
    for (subject, ranges) in &ctx.exposures.subjects {
        let Subject::Eni(i) = *subject else { continue };
        let eni = &ctx.topo.enis[i as usize];
        let Some(inst) = eni.attachment.as_ref().and_then(|a| a.instance.as_ref()) else {
            continue;
        };
        let effective = |r: &&ExposedRange| {
            matches!(
                internet_path(ctx, i, r.family, r.protocol, (r.lo, r.hi), || None),
                PathStatus::Effective(_)
            )
        };
        let world = || ranges.iter().filter(|r| r.reach == Reach::World);
        if world()
            .filter(|r| r.assumed.is_empty())
            .any(|r| effective(&r))
        {
            exposed.insert(inst.as_str(), None);
        } else {
            // Every list an effective exposure of the interface is assumed through.
            let lists: BTreeSet<&str> = (world().filter(effective))
                .flat_map(|r| r.assumed.iter().map(|p| p.as_str()))
                .collect();
            if !lists.is_empty()
                && let Some(seen) = exposed
                    .entry(inst.as_str())
                    .or_insert(Some(BTreeSet::new()))
            {
                seen.extend(lists);
            }
        }
    }
    for (iid, assumed) in exposed {
        let Some(inst) = ctx.lookup.instance(iid, None) else {
            continue;
        };
        let mut vols: BTreeSet<&str> = BTreeSet::new();
        for b in &inst.block_devices {
            if let Some(v) = b
                .volume
                .as_ref()
                .and_then(|v| ctx.lookup.volume(v.as_str(), Some(&inst.scope)))
                && !v.encrypted
                // The volume's own record, which has the attachment's state, wins.
                && !detached_from(v, iid)
            {
                vols.insert(v.id.as_str());
            }
        }
        for v in &ctx.topo.volumes {
            if !v.encrypted
                && v.attachments
                    .iter()
                    .any(|a| a.is_live() && a.instance.as_str() == iid)
            {
                vols.insert(v.id.as_str());
            }
        }
        // Reachable only if a prefix list of unknown entries holds public ranges: said,
        // and one level lower, as the exposure findings do.
        let (assuming, demote) = match &assumed {
            Some(lists) => {
                let lists: Vec<&str> = lists.iter().copied().collect();
                let which = if lists.len() == 1 {
                    "prefix list"
                } else {
                    "one of the prefix lists"
                };
                let text = format!(
                    " (assuming {which} {} (entries not exported) holds public ranges)",
                    lists.join(", ")
                );
                (text, 1)
            }
            None => (String::new(), 0),
        };
        for v in vols {
            let mut f = Finding::new(
                CODE,
                iid.to_string(),
                format!(
                    "{iid} is reachable from the internet{assuming} and has unencrypted volume {v} attached"
                ),
            )
            .scope(&inst.scope)
            .origin(&inst.origin)
            .peer(v.to_string());
            f.demote = demote;
            out.push(f);
        }
    }
}

/// Whether the volume's record lists attachments to `instance`, all `detached`.
fn detached_from(v: &crate::model::Volume, instance: &str) -> bool {
    let mut to = v
        .attachments
        .iter()
        .filter(|a| a.instance.as_str() == instance);
    to.clone().next().is_some() && to.all(|a| !a.is_live())
}
