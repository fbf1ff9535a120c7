//! SG018: EBS volume attached to an instance in another Availability Zone.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports an EBS volume attached to an instance in another Availability Zone. An
    /// attachment in state `detached` no longer holds the volume and does not count.
    ///
    /// ## Why is this bad?
    /// AWS cannot do this: a volume attaches only to instances in its AZ. The export is
    /// inconsistent (mixed snapshots in time, or hand-edited), and any answer built on it
    /// is suspect.
    ///
    /// ## Example
    /// ```text
    /// instance i-1 az us-east-1b
    ///   volume vol-1 100GiB io2 az us-east-1a
    /// ```
    ///
    /// ## Remediation
    /// Re-export; to move data across AZs, snapshot the volume and create a new one in
    /// the instance's AZ.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-attaching-volume.html>
    pub struct VolumeAzMismatch {
        code: "SG018",
        name: "volume-az-mismatch",
        severity: High,
        summary: "EBS volume attached to an instance in another Availability Zone",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for v in &ctx.topo.volumes {
        let Some(vaz) = &v.az else { continue };
        for a in v.attachments.iter().filter(|a| a.is_live()) {
            let Some(i) = ctx.lookup.instance(a.instance.as_str(), Some(&v.scope)) else {
                continue;
            };
            let Some(iaz) = &i.az else { continue };
            if iaz != vaz {
                out.push(
                    Finding::new(
                        CODE,
                        v.id.to_string(),
                        format!("{} is in {vaz} but attached to {} in {iaz}", v.id, i.id),
                    )
                    .scope(&v.scope)
                    .origin(&v.origin)
                    .peer(i.id.to_string()),
                );
            }
        }
    }
}
