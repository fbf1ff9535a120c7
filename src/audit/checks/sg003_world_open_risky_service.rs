//! SG003: Plaintext or internal-only service port open to the whole internet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports other services that should not face the internet: FTP 20-21, SMTP 25, DNS
    /// 53/tcp, Kerberos 88/464/749-750, POP3 110, MS RPC 135, NetBIOS 139, IMAP 143, LDAP
    /// 389/636, SMB 445, NFS 2049, development HTTP 3000/5000/8080/8088, Kibana 5601, Kafka
    /// 9092, and the `service` entries of the catalogue, when open to the whole internet.
    ///
    /// ## Why is this bad?
    /// These protocols are plaintext, wormable (SMB), or meant for internal networks;
    /// exposing them invites exploitation and data leaks.
    ///
    /// ## Example
    /// ```text
    /// group sg-files
    ///   in tcp 445 from 0.0.0.0/0, ::/0
    /// ```
    ///
    /// ## Remediation
    /// Restrict the source to the networks that need the service, or put it behind a VPN.
    ///
    /// ## References
    /// - Security Hub EC2.19 (high-risk ports); Steampipe `vpc_security_group_restricted_common_ports`
    pub struct WorldOpenRiskyService {
        code: "SG003",
        name: "world-open-risky-service",
        severity: High,
        summary: "Plaintext or internal-only service port open to the whole internet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    report(ctx, CODE, Select::Catalogue(Category::Service), out);
}
