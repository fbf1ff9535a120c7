//! SG022: Elastic IP not associated, or on a stopped instance or unattached interface (billed).

use super::prelude::*;
use crate::index::fxhash::FxHashMap;
use crate::model::{Eni, Instance, InstanceState, Scope};
use std::net::Ipv4Addr;

declare_check! {
    /// ## What it does
    /// Reports Elastic IPs that are not associated with anything, associated with a
    /// stopped (or stopping) instance (named by the address, or the instance its
    /// network interface is attached to), or associated with a network interface that
    /// is attached to nothing (status `available`, no attachment other than
    /// `detached`). An Elastic IP that only an interface of a stopped instance shows (an
    /// association with an `AllocationId`, as in describe-instances), with no address
    /// record (describe-addresses) of that allocation id or address, is reported too,
    /// once, as its address record would be.
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
    /// instance i-stop state stopped
    ///   eni eni-s subnet subnet-1 ip 10.0.1.9 eip 198.51.100.9 eipalloc-3 index 0   # stopped instance
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

/// The instance an interface is attached to (an attachment other than `detached`).
fn attached_instance<'t>(ctx: &AuditCtx<'t>, e: &Eni) -> Option<&'t Instance> {
    let at = e.attachment.as_ref()?;
    if at.status.as_deref() == Some("detached") {
        return None;
    }
    ctx.lookup
        .instance(at.instance.as_ref()?.as_str(), Some(&e.scope))
}

fn is_stopped(i: &Instance) -> bool {
    matches!(i.state, InstanceState::Stopped | InstanceState::Stopping)
}

fn run(ctx: &AuditCtx<'_>, out: &mut Sink) {
    for a in &ctx.topo.addresses {
        let ip = a.public_ip.map(|i| format!(" ({i})")).unwrap_or_default();
        let eni = (a.eni.as_ref()).and_then(|eid| ctx.lookup.eni(eid.as_str(), Some(&a.scope)));
        let msg = if a.association_id.is_none() && a.instance.is_none() && a.eni.is_none() {
            format!(
                "Elastic IP {}{ip} is not associated and still billed",
                a.key()
            )
        } else if let Some(iid) = &a.instance
            && let Some(i) = ctx.lookup.instance(iid.as_str(), Some(&a.scope))
            && is_stopped(i)
        {
            format!(
                "Elastic IP {}{ip} is associated with {}, which is {}; it is billed while unused",
                a.key(),
                i.id,
                i.state
            )
        } else if a.instance.is_none()
            && let Some(e) = eni
            && let Some(i) = attached_instance(ctx, e)
            && is_stopped(i)
        {
            format!(
                "Elastic IP {}{ip} is associated with {}, attached to {}, which is {}; it is billed while unused",
                a.key(),
                e.id,
                i.id,
                i.state
            )
        } else if a.instance.is_none()
            && let Some(e) = eni
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
    interface_only(ctx, out);
}

/// Elastic IPs seen only on an interface of a stopped instance: its association carries
/// an `AllocationId`, but no address record (describe-addresses) has that allocation id
/// or public address in a compatible scope, as in a describe-instances export alone.
/// Reported as the address record would be (the allocation id is the resource).
fn interface_only(ctx: &AuditCtx<'_>, out: &mut Sink) {
    // Allocation ids and public addresses already judged, with their scopes.
    let mut known: FxHashMap<&str, Vec<&Scope>> = FxHashMap::default();
    let mut known_ips: FxHashMap<Ipv4Addr, Vec<&Scope>> = FxHashMap::default();
    for a in &ctx.topo.addresses {
        if let Some(alloc) = &a.allocation_id {
            known.entry(alloc.as_str()).or_default().push(&a.scope);
        }
        if let Some(ip) = a.public_ip {
            known_ips.entry(ip).or_default().push(&a.scope);
        }
    }
    let seen = |scopes: Option<&Vec<&Scope>>, scope: &Scope| {
        scopes.is_some_and(|ss| ss.iter().any(|s| s.compatible(scope)))
    };
    for e in &ctx.topo.enis {
        let Some(i) = attached_instance(ctx, e).filter(|i| is_stopped(i)) else {
            continue;
        };
        for p in e.private_ips.iter().filter_map(|p| p.public.as_ref()) {
            let Some(alloc) = p.allocation_id.as_deref() else {
                continue;
            };
            if seen(known.get(alloc), &e.scope) || seen(known_ips.get(&p.ip), &e.scope) {
                continue;
            }
            known.entry(alloc).or_default().push(&e.scope);
            out.push(
                Finding::new(
                    CODE,
                    alloc.to_string(),
                    format!(
                        "Elastic IP {alloc} ({}) is associated with {}, attached to {}, which is {}; it is billed while unused (seen on the interface; no address record lists it)",
                        p.ip, e.id, i.id, i.state
                    ),
                )
                .scope(&e.scope)
                .origin(&e.origin),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::{AuditConfig, audit};
    use crate::ingest::Reader;
    use crate::model::Scope;

    /// A describe-instances export: a stopped instance whose interface's association
    /// carries an Elastic IP (`AllocationId`), on the primary address in `primary` and on
    /// a secondary one in `secondary`.
    const INSTANCES: &str = r#"{"Reservations": [{"OwnerId": "111122223333", "Instances": [{
        "InstanceId": "i-0stop", "State": {"Code": 80, "Name": "stopped"},
        "NetworkInterfaces": [{"NetworkInterfaceId": "eni-0stop", "Status": "in-use",
            "Attachment": {"DeviceIndex": 0, "Status": "attached"},
            "PrivateIpAddresses": [
                {"PrivateIpAddress": "10.0.1.10", "Primary": true, "Association": {
                    "PublicIp": "198.51.100.8", "IpOwnerId": "111122223333",
                    "AllocationId": "eipalloc-primary", "AssociationId": "eipassoc-1"}},
                {"PrivateIpAddress": "10.0.1.11", "Primary": false, "Association": {
                    "PublicIp": "198.51.100.9", "IpOwnerId": "111122223333",
                    "AllocationId": "eipalloc-secondary", "AssociationId": "eipassoc-2"}},
                {"PrivateIpAddress": "10.0.1.12", "Primary": false, "Association": {
                    "PublicIp": "203.0.113.7", "IpOwnerId": "amazon"}}]}]}]}]}"#;

    /// describe-addresses listing the primary interface's Elastic IP.
    const ADDRESSES: &str = r#"{"Addresses": [{"PublicIp": "198.51.100.8",
        "AllocationId": "eipalloc-primary", "AssociationId": "eipassoc-1", "Domain": "vpc",
        "InstanceId": "i-0stop", "NetworkInterfaceId": "eni-0stop",
        "PrivateIpAddress": "10.0.1.10"}]}"#;

    /// (resource, fingerprint, message) of each SG022 finding over `files`.
    fn findings(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let mut reader = Reader::default();
        for (name, text) in files {
            reader.add_bytes(name, text.as_bytes(), Scope::default());
        }
        let ingest = reader.finish();
        assert!(!ingest.has_errors(), "{:?}", ingest.diagnostics);
        let config = AuditConfig {
            only: Some(vec!["SG022".to_string()]),
            ..AuditConfig::default()
        };
        let r = audit(&ingest.topology, &config);
        (r.findings.iter())
            .map(|f| (f.resource.clone(), f.fingerprint.clone(), f.message.clone()))
            .collect()
    }

    #[test]
    fn an_elastic_ip_seen_only_on_a_stopped_instance_interface_is_reported() {
        let got = findings(&[("instances.json", INSTANCES)]);
        let resources: Vec<&str> = got.iter().map(|f| f.0.as_str()).collect();
        // The auto-assigned address is not an Elastic IP.
        assert_eq!(
            resources,
            ["eipalloc-primary", "eipalloc-secondary"],
            "{got:?}"
        );
        assert_eq!(
            got[0].2,
            "Elastic IP eipalloc-primary (198.51.100.8) is associated with eni-0stop, \
             attached to i-0stop, which is stopped; it is billed while unused (seen on the \
             interface; no address record lists it)"
        );
    }

    #[test]
    fn an_address_record_is_reported_once_with_the_same_fingerprint() {
        let alone = findings(&[("instances.json", INSTANCES)]);
        let both = findings(&[("instances.json", INSTANCES), ("addresses.json", ADDRESSES)]);
        let resources: Vec<&str> = both.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            resources,
            ["eipalloc-primary", "eipalloc-secondary"],
            "{both:?}"
        );
        assert!(
            both[0]
                .2
                .ends_with("which is stopped; it is billed while unused")
        );
        // Reading describe-addresses too does not make the finding new to a baseline.
        assert_eq!(alone[0].1, both[0].1);
        assert_eq!(alone[1], both[1]);
    }
}
