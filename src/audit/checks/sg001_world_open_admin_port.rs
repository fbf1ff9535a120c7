//! SG001: Remote-admin or control-plane port open to the whole internet.

use super::prelude::*;

declare_check! {
    /// ## What it does
    /// Reports remote-administration and control-plane ports (SSH 22, RDP 3389, Telnet 23,
    /// VNC 5900/5500, WinRM 5985-5986, Docker 2375-2376, Kubernetes 6443, kubelet 10250,
    /// etcd 2379-2380, Consul 8500, and the `admin` entries of the risky-port catalogue)
    /// that the groups on a network interface open to the whole internet (all public IPv4,
    /// or all global IPv6), however the sources are spelled: `0.0.0.0/0`, two `/1`s,
    /// a prefix list, or several rules and groups together. Only the protocol the service
    /// uses counts (UDP or GRE open to the world is not SSH exposure); protocol `-1`
    /// counts for every protocol.
    ///
    /// **Effective** findings (public address, the reply routed to an internet gateway,
    /// NACL lets it in and the reply out, instance running) keep the default severity;
    /// **nominal** ones (something else blocks it today, or the group is attached to
    /// nothing) are one level lower.
    ///
    /// ## Why is this bad?
    /// Internet-wide scanners find open SSH and RDP within minutes; credential stuffing
    /// and pre-auth vulnerabilities follow. Admin access should come from known ranges,
    /// a bastion or Session Manager.
    ///
    /// ## Example
    /// ```text
    /// group sg-admin
    ///   in tcp 22 from 0.0.0.0/1, 128.0.0.0/1    # the world, split in two
    /// ```
    ///
    /// ## Remediation
    /// Restrict the source to your office or VPN ranges (a managed prefix list), or
    /// remove the rule and use AWS Systems Manager Session Manager.
    ///
    /// ## References
    /// - CIS AWS Foundations Benchmark 5.2 / 5.3 (no 0.0.0.0/0 or ::/0 to remote admin ports)
    /// - AWS Security Hub EC2.13, EC2.14; AWS Config `restricted-ssh`
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
    pub struct WorldOpenAdminPort {
        code: "SG001",
        name: "world-open-admin-port",
        severity: Critical,
        summary: "Remote-admin or control-plane port open to the whole internet",
    }
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    report(ctx, CODE, Select::Catalogue(Category::Admin), out);
}
