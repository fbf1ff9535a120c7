//! SG004: UDP amplification service open to the whole internet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports UDP services usable for reflection/amplification attacks open to the whole
    /// internet: DNS 53, NTP 123, SNMP 161, CLDAP 389, SSDP 1900, Memcached 11211, and the
    /// `amplifier` entries of the catalogue. None of Prowler, ScoutSuite, Steampipe or AWS
    /// Config checks these.
    ///
    /// ## Why is this bad?
    /// A spoofed small request yields a large reply (memcached up to 50 000×): your host
    /// becomes a weapon in DDoS attacks, and you pay for the egress.
    ///
    /// ## Example
    /// ```text
    /// group sg-cache
    ///   in udp 11211 from 0.0.0.0/0
    /// ```
    ///
    /// ## Remediation
    /// Never expose these UDP ports to the internet; disable UDP in memcached.
    ///
    /// ## References
    /// - US-CERT TA14-017A "UDP-Based Amplification Attacks"
    /// - RFC 8085 § 3.1.3 (UDP amplification)
    pub struct WorldOpenUdpAmplifier {
        code: "SG004",
        name: "world-open-udp-amplifier",
        severity: High,
        summary: "UDP amplification service open to the whole internet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    report(ctx, CODE, Select::Catalogue(Category::Amplifier), out);
}
