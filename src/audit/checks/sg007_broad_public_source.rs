//! SG007: Port open to a large part of the public internet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports ports whose allowed public sources add up to a large part of the internet
    /// without being all of it: at least a `/8` of public IPv4 (`broad_prefix_v4`) or a
    /// `/32` of global IPv6 (`broad_prefix_v6`), counted over the union of the rules on
    /// the interface after removing private and reserved space. A piece of one protocol
    /// that only protocol `-1` rules open is left to the `-1` finding.
    ///
    /// ## Why is this bad?
    /// A `/1` or a list of `/8`s is the internet for an attacker's purposes, but escapes
    /// checks that look for the string `0.0.0.0/0`.
    ///
    /// ## Example
    /// ```text
    /// group sg-partner
    ///   in tcp 8443 from 3.0.0.0/8
    /// ```
    ///
    /// ## Remediation
    /// List the partner's actual ranges, ideally in a managed prefix list.
    ///
    /// ## References
    /// - Prowler `ec2_securitygroup_allow_wide_open_public_ipv4`
    /// - CloudMapper `SG_LARGE_CIDR`
    pub struct BroadPublicSource {
        code: "SG007",
        name: "broad-public-source",
        severity: Medium,
        summary: "Port open to a large part of the public internet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    report(ctx, CODE, Select::Broad, out);
}
