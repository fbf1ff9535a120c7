//! SG005: All ports or all protocols open to the whole internet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports network interfaces (and unattached groups) where every port of TCP or UDP,
    /// or every protocol (`-1`), is open to the whole internet, by the union of their
    /// rules. When this fires for a protocol, SG001–SG004 and SG006 stay silent for it.
    ///
    /// ## Why is this bad?
    /// Every service on the host, including ones started later or by accident, faces the
    /// internet; the security group no longer filters anything.
    ///
    /// ## Example
    /// ```text
    /// group sg-open
    ///   in all from 0.0.0.0/0
    /// ```
    ///
    /// ## Remediation
    /// Replace the rule with rules for the ports the service needs.
    ///
    /// ## References
    /// - Prowler `ec2_securitygroup_allow_ingress_from_internet_to_all_ports`
    /// - ScoutSuite `ec2-security-group-opens-all-ports-to-all`
    pub struct WorldOpenAllPorts {
        code: "SG005",
        name: "world-open-all-ports",
        severity: Critical,
        summary: "All ports or all protocols open to the whole internet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    report(ctx, CODE, Select::AllPorts, out);
}
