//! SG021: EBS volume attached to nothing (billed).

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports EBS volumes in state `available` attached to no instance (no attachment
    /// other than `detached`). Volumes being created or deleted, deleted, or in state
    /// `error` are not forgotten volumes and are not reported. A volume whose state the
    /// export does not give is judged by its attachments alone. An export that says
    /// `available` but lists an attachment is read as attached (validation warns about
    /// it).
    ///
    /// ## Why is this bad?
    /// Unattached volumes are billed every month and often hold data nobody tracks any
    /// more (and that no instance's security controls cover).
    ///
    /// ## Example
    /// ```text
    /// volume vol-old 500GiB gp2 state available
    /// ```
    ///
    /// ## Remediation
    /// Snapshot it if the data matters, then delete it.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-deleting-volume.html>
    pub struct UnattachedVolume {
        code: "SG021",
        name: "unattached-volume",
        severity: Low,
        summary: "EBS volume attached to nothing (billed)",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for v in &ctx.topo.volumes {
        // An attachment (not `detached`) wins over a contradicting `available` state:
        // validation warns about such an export.
        if v.attachments.iter().any(|a| a.is_live()) {
            continue;
        }
        // Only an `available` volume is a finished, unused one: `creating`, `deleting`
        // and `deleted` are on their way in or out, `in-use` is attached, and `error`
        // is a failed volume, not a forgotten one. No state: judge by the attachments.
        if v.state
            .as_deref()
            .is_some_and(|s| !s.eq_ignore_ascii_case("available"))
        {
            continue;
        }
        let size = v
            .size_gib
            .map(|s| format!(" ({s} GiB)"))
            .unwrap_or_default();
        out.push(
            Finding::new(
                CODE,
                v.id.to_string(),
                format!("{}{size} is attached to no instance and still billed", v.id),
            )
            .scope(&v.scope)
            .origin(&v.origin),
        );
    }
}
