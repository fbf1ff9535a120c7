//! SG006: Other port, ICMP type or protocol open to the whole internet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports anything else open to the whole internet: ports not in the risky-port
    /// catalogue and not listed as expected (`world_ports`, default 80/tcp and 443/tcp),
    /// ICMP/ICMPv6 types, and other IP protocols (GRE 47, ESP 50, …). Adjacent ports are
    /// reported as one range.
    ///
    /// ## Why is this bad?
    /// Every world-open port is attack surface; ranges in particular tend to be wider than
    /// needed. ICMP echo from the world helps reconnaissance.
    ///
    /// ## Example
    /// ```text
    /// group sg-app
    ///   in tcp 8000-8999 from 0.0.0.0/0
    ///   in icmp 8 from 0.0.0.0/0
    /// ```
    ///
    /// ## Remediation
    /// Narrow the port range and the sources, or declare the port expected in
    /// `sgcheck.toml` (`[audit] world_ports`).
    ///
    /// ## References
    /// - ScoutSuite `ec2-security-group-opens-port-to-all`, `ec2-security-group-opens-icmp-to-all`
    /// - AWS Config `vpc-sg-open-only-to-authorized-ports`
    pub struct WorldOpenOtherPort {
        code: "SG006",
        name: "world-open-other-port",
        severity: Low,
        summary: "Other port, ICMP type or protocol open to the whole internet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    report(ctx, CODE, Select::Other, out);
}
