//! SG026: Suppression in sgcheck.toml past its expiry date.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports a suppression in `sgcheck.toml` whose `expires` date has passed. An expired
    /// suppression no longer hides anything: the findings it covered are reported again.
    ///
    /// ## Why is this bad?
    /// Suppressions are promises ("fixed by the end of the quarter"); an expired one means
    /// the promise was not kept or the file was not updated.
    ///
    /// ## Example
    /// ```toml
    /// [[suppress]]
    /// code = "SG001"
    /// resource = "eni-0bastion"
    /// reason = "bastion until the VPN lands"
    /// expires = "2024-06-30"
    /// ```
    ///
    /// ## Remediation
    /// Fix the finding and delete the suppression, or renew it with a new reason and date.
    ///
    /// ## References
    /// - sgcheck README, "Baselines and suppressions"
    pub struct ExpiredSuppression {
        code: "SG026",
        name: "expired-suppression",
        severity: Low,
        summary: "Suppression in sgcheck.toml past its expiry date",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for s in &ctx.config.suppressions {
        let Some(exp) = s.expires else { continue };
        if exp >= ctx.config.today {
            continue;
        }
        out.push(
            Finding::new(
                CODE,
                s.resource.clone(),
                format!(
                    "the suppression of {} for {} expired on {exp} (reason: {}); its findings are reported again",
                    s.code, s.resource, s.reason
                ),
            )
            .peer(s.code.clone()),
        );
    }
}
