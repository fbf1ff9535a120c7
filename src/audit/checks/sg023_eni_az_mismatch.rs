//! SG023: Network interface in another Availability Zone than its subnet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports a network interface whose Availability Zone differs from its subnet's.
    ///
    /// ## Why is this bad?
    /// An ENI is pinned to its subnet, and so to the subnet's AZ, for life: AWS cannot
    /// produce this state. The export is inconsistent.
    ///
    /// ## Example
    /// ```text
    /// subnet subnet-1 az us-east-1a
    /// eni eni-1 subnet subnet-1 az us-east-1b
    /// ```
    ///
    /// ## Remediation
    /// Re-export the ENIs and subnets together.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html>
    pub struct EniAzMismatch {
        code: "SG023",
        name: "eni-az-mismatch",
        severity: Medium,
        summary: "Network interface in another Availability Zone than its subnet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for e in &ctx.topo.enis {
        let (Some(eaz), Some(sid)) = (&e.az, &e.subnet) else {
            continue;
        };
        let Some(s) = ctx.lookup.subnet(sid.as_str(), Some(&e.scope)) else {
            continue;
        };
        let Some(saz) = &s.az else { continue };
        if saz != eaz {
            out.push(
                Finding::new(
                    CODE,
                    e.id.to_string(),
                    format!("{} is in {eaz} but its subnet {sid} is in {saz}", e.id),
                )
                .scope(&e.scope)
                .origin(&e.origin)
                .peer(sid.to_string()),
            );
        }
    }
}
