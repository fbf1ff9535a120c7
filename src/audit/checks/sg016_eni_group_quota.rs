//! SG016: More than 5 (default quota) or 16 (maximum) groups on an interface.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports network interfaces carrying more than 5 security groups (the default
    /// quota, which needs a quota increase: low) or more than 16 (the hard maximum, so
    /// the export is inconsistent: high).
    ///
    /// ## Why is this bad?
    /// Many groups per interface make the effective policy hard to review, and the
    /// quota increase lowers the rules allowed per group (rules × groups ≤ 1000).
    ///
    /// ## Example
    /// ```text
    /// eni eni-1 groups sg-1, sg-2, sg-3, sg-4, sg-5, sg-6
    /// ```
    ///
    /// ## Remediation
    /// Merge groups that always travel together.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups>
    pub struct EniGroupQuota {
        code: "SG016",
        name: "eni-group-quota",
        severity: Low,
        summary: "More than 5 (default quota) or 16 (maximum) groups on an interface",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for e in &ctx.topo.enis {
        let mut ids: Vec<&str> = e.groups.iter().map(|g| g.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let n = ids.len();
        if n <= 5 {
            continue;
        }
        let mut f = Finding::new(
            CODE,
            e.id.to_string(),
            if n > 16 {
                format!("{} carries {n} security groups, above the maximum of 16: the export is inconsistent", e.id)
            } else {
                format!("{} carries {n} security groups, above the default quota of 5 (needs a quota increase)", e.id)
            },
        )
        .scope(&e.scope)
        .origin(&e.origin)
        // The limit passed, not the count: one more group is the same finding (its
        // fingerprint must not change), passing the maximum is another.
        .peer(if n > 16 { "groups > 16" } else { "groups > 5" });
        if n > 16 {
            f = f.severity(Severity::High);
        }
        out.push(f);
    }
}
