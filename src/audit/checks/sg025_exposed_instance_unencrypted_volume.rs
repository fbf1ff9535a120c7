//! SG025: Internet-exposed instance with an unencrypted attached volume.

use super::prelude::*;
use crate::audit::exposure::{PathStatus, Reach, Subject, internet_path};
use std::collections::BTreeSet;

declare_check! {
    /// ## What it does
    /// Reports instances that are effectively reachable from the whole internet on some
    /// port (any world exposure of SG001–SG006 whose path is effective) and have an
    /// unencrypted EBS volume attached (an attachment in state `detached` does not
    /// count).
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
    let mut exposed: BTreeSet<&str> = BTreeSet::new();
    for (subject, ranges) in &ctx.exposures.subjects {
        let Subject::Eni(i) = *subject else { continue };
        let eni = &ctx.topo.enis[i as usize];
        let Some(inst) = eni.attachment.as_ref().and_then(|a| a.instance.as_ref()) else {
            continue;
        };
        let effective = ranges.iter().filter(|r| r.reach == Reach::World).any(|r| {
            matches!(
                internet_path(ctx, i, r.family, r.protocol, (r.lo, r.hi), || None),
                PathStatus::Effective(_)
            )
        });
        if effective {
            exposed.insert(inst.as_str());
        }
    }
    for iid in exposed {
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
        for v in vols {
            out.push(
                Finding::new(CODE, iid.to_string(), format!("{iid} is reachable from the internet and has unencrypted volume {v} attached"))
                    .scope(&inst.scope)
                    .origin(&inst.origin)
                    .peer(v.to_string()),
            );
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
