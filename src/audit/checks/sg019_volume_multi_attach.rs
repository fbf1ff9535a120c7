//! SG019: EBS volume on several instances without (valid) Multi-Attach.

use super::prelude::*;
use crate::model::{Instance, Volume};

declare_check! {
    /// ## What it does
    /// Reports EBS attachments AWS does not allow: a volume attached to several instances
    /// without Multi-Attach; Multi-Attach enabled on a type other than io1/io2 (a
    /// volume whose type the export does not give is not judged on its type); a
    /// Multi-Attach volume used as an instance's root (boot) volume; more than 16
    /// instances on one Multi-Attach volume. Attachments in state `detached` do not
    /// count.
    ///
    /// ## Why is this bad?
    /// These states cannot be created through the API, so the export is inconsistent; and
    /// a shared volume without a cluster-aware file system corrupts data.
    ///
    /// ## Example
    /// ```text
    /// instance i-1
    ///   volume vol-1 100GiB gp3
    /// instance i-2
    ///   volume vol-1            # second attachment, no multi-attach
    /// ```
    ///
    /// ## Remediation
    /// Detach all but one instance, or recreate the volume as io2 with Multi-Attach and a
    /// cluster-aware file system.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volumes-multi.html>
    pub struct VolumeMultiAttach {
        code: "SG019",
        name: "volume-multi-attach",
        severity: High,
        summary: "EBS volume on several instances without (valid) Multi-Attach",
    }
}

fn is_root(i: &Instance, v: &Volume, device: Option<&str>) -> bool {
    let Some(root) = i.root_device_name.as_deref() else {
        return false;
    };
    device == Some(root)
        || i.block_devices
            .iter()
            .any(|b| b.device == root && b.volume.as_ref() == Some(&v.id))
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for v in &ctx.topo.volumes {
        let live = || v.attachments.iter().filter(|a| a.is_live());
        let mut instances: Vec<&str> = live().map(|a| a.instance.as_str()).collect();
        instances.sort_unstable();
        instances.dedup();
        let mut push = |key: &str, msg: String| {
            out.push(
                Finding::new(CODE, v.id.to_string(), msg)
                    .scope(&v.scope)
                    .origin(&v.origin)
                    .peer(key),
            );
        };
        if instances.len() > 1 && !v.multi_attach {
            push(
                "no-multi-attach",
                format!(
                    "{} is attached to {} instances ({}) without Multi-Attach",
                    v.id,
                    instances.len(),
                    instances.join(", ")
                ),
            );
        }
        if v.multi_attach {
            // Not a guess: a volume of unknown type is not judged on its type.
            if let Some(ty) = v.volume_type.as_deref()
                && !matches!(ty, "io1" | "io2")
            {
                push(
                    "type",
                    format!(
                        "{} has Multi-Attach on type {ty}; only io1 and io2 support it",
                        v.id
                    ),
                );
            }
            if instances.len() > 16 {
                push(
                    "count",
                    format!(
                        "{} is attached to {} instances; Multi-Attach allows 16",
                        v.id,
                        instances.len()
                    ),
                );
            }
            for a in live() {
                if let Some(i) = ctx.lookup.instance(a.instance.as_str(), Some(&v.scope))
                    && is_root(i, v, a.device.as_deref())
                {
                    push(
                        "root",
                        format!(
                            "{} has Multi-Attach and is the root volume of {}; a Multi-Attach volume cannot be a boot volume",
                            v.id, i.id
                        ),
                    );
                    break;
                }
            }
        }
    }
}
