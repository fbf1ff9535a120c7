//! SG022: Elastic IP not associated, or on a stopped instance or unattached interface (billed).

use super::prelude::*;
use crate::model::InstanceState;

declare_check! {
    /// ## What it does
    /// Reports Elastic IPs that are not associated with anything, associated with a
    /// stopped (or stopping) instance, or associated with a network interface that is
    /// attached to nothing (status `available`, no attachment other than `detached`).
    ///
    /// ## Why is this bad?
    /// All three are billed by the hour while serving no traffic; an idle address that
    /// a DNS record still points to can also be released and reused by someone else.
    ///
    /// ## Example
    /// ```text
    /// eip 198.51.100.7 eipalloc-1 domain vpc     # no association
    /// eni eni-spare subnet subnet-1 ip 10.0.1.7 eip 198.51.100.8 eipalloc-2 status available
    /// eip 198.51.100.8 eipalloc-2 eipassoc-2 eni eni-spare domain vpc   # interface attached to nothing
    /// ```
    ///
    /// ## Remediation
    /// Release the address, or associate it with a running resource.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html>
    pub struct IdleElasticIp {
        code: "SG022",
        name: "idle-elastic-ip",
        severity: Low,
        summary: "Elastic IP not associated, or on a stopped instance or unattached interface (billed)",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for a in &ctx.topo.addresses {
        let ip = a.public_ip.map(|i| format!(" ({i})")).unwrap_or_default();
        let msg = if a.association_id.is_none() && a.instance.is_none() && a.eni.is_none() {
            format!(
                "Elastic IP {}{ip} is not associated and still billed",
                a.key()
            )
        } else if let Some(iid) = &a.instance
            && let Some(i) = ctx.lookup.instance(iid.as_str(), Some(&a.scope))
            && matches!(i.state, InstanceState::Stopped | InstanceState::Stopping)
        {
            format!(
                "Elastic IP {}{ip} is associated with {}, which is {}; it is billed while unused",
                a.key(),
                i.id,
                i.state
            )
        } else if a.instance.is_none()
            && let Some(eid) = &a.eni
            && let Some(e) = ctx.lookup.eni(eid.as_str(), Some(&a.scope))
            && e.status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("available"))
            // An attachment (not `detached`) wins over a contradicting `available`.
            && (e.attachment.as_ref()).is_none_or(|at| at.status.as_deref() == Some("detached"))
        {
            format!(
                "Elastic IP {}{ip} is associated with {}, a network interface attached to nothing (status available); it is billed while unused",
                a.key(),
                e.id
            )
        } else {
            continue;
        };
        out.push(
            Finding::new(CODE, a.key(), msg)
                .scope(&a.scope)
                .origin(&a.origin),
        );
    }
}
