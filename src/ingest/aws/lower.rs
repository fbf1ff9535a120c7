//! Raw mirrors ([`super::raw`]) to model objects, with diagnostics.
//!
//! Contract: every value is checked here and converted once (protocols, ports, ICMP
//! type/code, CIDRs, addresses, states). A bad value gives an error diagnostic at its JSON
//! path (`SecurityGroups[3].IpPermissions[0].FromPort`) naming the owning object, and the
//! smallest model object that holds it (a rule, a NACL entry, a route, a prefix-list
//! entry, or the object itself when its id is missing) is not created; the rest of the
//! file is. Lenient cases are read the way AWS or Batfish reads them and warned about (see
//! [`super`]). Host addresses (ENI private/public/IPv6 addresses, Elastic IPs) that do not
//! parse are warnings and the address is left out: real exports carry placeholders there.

use super::raw::*;
use crate::model::*;
use crate::net::{Cidr, Direction, Family, IcmpMatch, L4, PortRange, Protocol, ValueError};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// Accumulates the objects and diagnostics of one file.
pub(crate) struct Lowerer<'f> {
    file: &'f Arc<str>,
    scope: &'f Scope,
    pub topology: Topology,
    pub diagnostics: Vec<Diagnostic>,
}

fn s<'v>(v: &'v Str<'_>) -> Option<&'v str> {
    v.as_deref()
}

fn owned(v: &Str<'_>) -> Option<String> {
    v.as_deref().map(str::to_string)
}

/// Which address family a CIDR field must hold.
#[derive(Clone, Copy)]
enum Want {
    V4,
    V6,
    Either,
}

impl<'f> Lowerer<'f> {
    pub fn new(file: &'f Arc<str>, scope: &'f Scope) -> Self {
        Lowerer {
            file,
            scope,
            topology: Topology::new(),
            diagnostics: Vec::new(),
        }
    }

    fn origin(&self, path: &str) -> Origin {
        Origin::json(self.file, path)
    }

    fn error(&mut self, path: &str, msg: String) {
        self.diagnostics
            .push(Diagnostic::error(Some(self.origin(path)), msg));
    }

    fn warn(&mut self, path: &str, msg: String) {
        self.diagnostics
            .push(Diagnostic::warning(Some(self.origin(path)), msg));
    }

    /// Lowers one section.
    pub fn section(&mut self, sec: &RawSection<'_>) {
        self.elements(&sec.path, &sec.body, 0);
    }

    /// Lowers elements of the section at `p`, the first of which is element `first` of
    /// the section (a chunk of a split list, see [`super::chunked`]).
    pub fn elements(&mut self, p: &str, body: &Body<'_>, first: usize) {
        self.elements_at(p, body, &|i| child(p, "", first + i));
    }

    /// Lowers the elements of `body`, the section at `p`, element `i` at path `at(i)`.
    fn elements_at(&mut self, p: &str, body: &Body<'_>, at: &dyn Fn(usize) -> String) {
        match body {
            Body::SecurityGroups(v) => {
                self.topology.security_groups.reserve(v.len());
                for (i, g) in v.iter().enumerate() {
                    self.security_group(&at(i), g);
                }
            }
            Body::SecurityGroupRules(v) => {
                for (i, r) in v.iter().enumerate() {
                    self.group_rule_record(&at(i), r);
                }
            }
            Body::Reservations(v) => {
                for (i, r) in v.iter().enumerate() {
                    let rp = at(i);
                    for (j, inst) in items(&r.instances).iter().enumerate() {
                        self.instance(&format!("{rp}.Instances[{j}]"), inst, s(&r.owner_id));
                    }
                }
            }
            Body::Instances(v) => {
                for (i, inst) in v.iter().enumerate() {
                    self.instance(&at(i), inst, None);
                }
            }
            Body::StaleGroups(v) => {
                for (i, g) in v.iter().enumerate() {
                    self.stale_group(&at(i), g);
                }
            }
            Body::NetworkInterfaces(v) => {
                for (i, e) in v.iter().enumerate() {
                    if let Some(eni) = self.eni(&at(i), e, None) {
                        self.topology.enis.push(eni);
                    }
                }
            }
            Body::Subnets(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.subnet(&at(i), x);
                }
            }
            Body::RouteTables(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.route_table(&at(i), x);
                }
            }
            Body::NetworkAcls(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.network_acl(&at(i), x);
                }
            }
            Body::Vpcs(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.vpc(&at(i), x);
                }
            }
            Body::InternetGateways(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.internet_gateway(&at(i), x);
                }
            }
            Body::PrefixLists(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.prefix_list(&at(i), x);
                }
            }
            Body::Entries { list_id, entries } => self.entries(p, list_id.as_deref(), entries),
            Body::Addresses(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.address(&at(i), x);
                }
            }
            Body::Volumes(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.volume(&at(i), x);
                }
            }
            // describe-mount-target-security-groups, describe-notebook-instance,
            // describe-broker: the list is the resource's.
            Body::Users { kind, key, items } if ID_LIST_SECTIONS.contains(key) => {
                for x in items {
                    self.group_user(p, *kind, x);
                }
            }
            Body::Users { kind, items, .. } => {
                for (i, x) in items.iter().enumerate() {
                    self.group_user(&at(i), *kind, x);
                }
            }
            // Each configuration item is one object at its own path. Items take the
            // file's scope, as any export does: an aggregator's `accountId`/`awsRegion`
            // would part them from the describe-* copies of the same objects.
            Body::Config { items, partial, .. } => {
                if *partial {
                    self.warn(
                        p,
                        "AWS Config: the query selected only some configuration fields \
                         (QueryInfo.SelectFields lacks `configuration`); fields not \
                         selected are read as absent (rules, addresses, attachments)"
                            .to_string(),
                    );
                }
                for item in items {
                    match item {
                        ConfigObject::Object { path, body } => {
                            self.elements_at(path, body, &|_| path.clone());
                        }
                        ConfigObject::Bad { path, message } => self.error(path, message.clone()),
                        ConfigObject::Unread { path, message } => self.warn(path, message.clone()),
                        ConfigObject::Note { path, message } => self
                            .diagnostics
                            .push(Diagnostic::info(Some(self.origin(path)), message.clone())),
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Values

    /// A CIDR of the wanted family; host bits are masked with a warning.
    fn cidr(&mut self, subject: &str, path: &str, text: Option<&str>, want: Want) -> Option<Cidr> {
        let Some(text) = text else {
            self.error(path, format!("{subject}: missing CIDR block"));
            return None;
        };
        match Cidr::parse_reporting(text) {
            Err(e) => {
                self.error(path, format!("{subject}: {e}"));
                None
            }
            // The lenient parser read it, but AWS never writes it so (see below).
            Ok(_) if let Some(problem) = cidr_form_problem(text) => {
                self.error(
                    path,
                    format!(
                        "{subject}: {} ({problem})",
                        ValueError::new(Cidr::EXPECTED, text)
                    ),
                );
                None
            }
            Ok(p) => {
                let bad_family = match (want, p.cidr.family()) {
                    (Want::V4, Family::V6) => Some("an IPv4 CIDR block"),
                    (Want::V6, Family::V4) => Some("an IPv6 CIDR block"),
                    _ => None,
                };
                if let Some(expected) = bad_family {
                    self.error(
                        path,
                        format!("{subject}: expected {expected}, found {text:?}"),
                    );
                    return None;
                }
                if p.had_host_bits {
                    self.warn(
                        path,
                        format!(
                            "{subject}: CIDR {text} has host bits set; read as {} (as AWS stores it)",
                            p.cidr
                        ),
                    );
                }
                Some(p.cidr)
            }
        }
    }

    /// [`Self::cidr`] at `{base}.{field}`, formatting the path only for a diagnostic.
    fn cidr_at(
        &mut self,
        subject: &str,
        base: &str,
        field: &str,
        text: Option<&str>,
        want: Want,
    ) -> Option<Cidr> {
        if let Some(t) = text
            && let Ok(p) = Cidr::parse_reporting(t)
            && !p.had_host_bits
            && cidr_form_problem(t).is_none()
            && match want {
                Want::V4 => p.cidr.family() == Family::V4,
                Want::V6 => p.cidr.family() == Family::V6,
                Want::Either => true,
            }
        {
            return Some(p.cidr);
        }
        self.cidr(subject, &format!("{base}.{field}"), text, want)
    }

    /// A host address. Unparseable addresses are warnings, not errors: real exports
    /// carry placeholders (the AWS CLI's own describe-instances example has
    /// `"PrivateIpAddress": "10-0-0-157"`, cartography's fixtures `345.345.345.345`), and an
    /// address only adds to what an object is known to hold.
    fn ipv4(&mut self, subject: &str, path: &str, text: &str) -> Option<Ipv4Addr> {
        match text.trim().parse::<Ipv4Addr>() {
            Ok(ip) => Some(ip),
            Err(_) => {
                self.warn(
                    path,
                    format!("{subject}: expected an IPv4 address, found {text:?}; address ignored"),
                );
                None
            }
        }
    }

    fn protocol(&mut self, subject: &str, path: &str, text: Option<&str>) -> Option<Protocol> {
        let Some(text) = text else {
            self.error(path, format!("{subject}: missing protocol"));
            return None;
        };
        if text.trim() != text {
            self.error(
                path,
                format!(
                    "{subject}: {} (spaces around it)",
                    ValueError::new(Protocol::EXPECTED, text)
                ),
            );
            return None;
        }
        match text.parse::<Protocol>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(path, format!("{subject}: {e}"));
                None
            }
        }
    }

    /// A TCP/UDP port bound: `-1` or absent reads as `default` with a warning (as
    /// Batfish does); outside 0..=65535 is an error.
    fn port(&mut self, subject: &str, path: &str, v: Option<i64>, default: u16) -> Option<u16> {
        match v {
            None | Some(-1) => {
                let shown = v.map_or("missing".to_string(), |_| "-1".to_string());
                self.warn(
                    path,
                    format!("{subject}: port {shown} on a TCP/UDP rule; read as {default}"),
                );
                Some(default)
            }
            Some(p) => match u16::try_from(p) {
                Ok(p) => Some(p),
                Err(_) => {
                    self.error(
                        path,
                        format!("{subject}: expected a port 0-65535 (or -1), found {p}"),
                    );
                    None
                }
            },
        }
    }

    /// An ICMP type or code: -1 (any) or 0..=255.
    fn icmp_value(&mut self, subject: &str, path: &str, what: &str, v: i64) -> Option<i64> {
        if (-1..=255).contains(&v) {
            Some(v)
        } else {
            self.error(
                path,
                format!("{subject}: expected an ICMP {what} -1..255, found {v}"),
            );
            None
        }
    }

    /// The L4 part of an ICMP match from type/code numbers (-1 = any). A code without a
    /// type is invalid in AWS: it becomes [`L4::Nothing`] with a warning.
    fn icmp(
        &mut self,
        subject: &str,
        paths: (&str, &str),
        ty: Option<i64>,
        code: Option<i64>,
    ) -> Option<L4> {
        let ty = self.icmp_value(subject, paths.0, "type", ty.unwrap_or(-1));
        let code = self.icmp_value(subject, paths.1, "code", code.unwrap_or(-1));
        let (ty, code) = (ty?, code?);
        if ty == -1 && code != -1 {
            self.warn(
                paths.1,
                format!(
                    "{subject}: ICMP code {code} without a type (type -1) is invalid in AWS; \
                     the rule matches nothing"
                ),
            );
            return Some(L4::Nothing);
        }
        match IcmpMatch::from_aws(ty, code) {
            Ok(m) => Some(L4::Icmp(m)),
            Err(e) => {
                self.error(paths.0, format!("{subject}: {e}"));
                None
            }
        }
    }

    /// Protocol + ports of a security group rule (`IpPermission` or `SecurityGroupRule`).
    fn sg_l4(
        &mut self,
        subject: &str,
        path: &str,
        proto: Option<&str>,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Option<(Protocol, L4)> {
        // Fast paths first: the paths are formatted only when a diagnostic needs them.
        let protocol = match proto.filter(|t| t.trim() == *t).map(str::parse::<Protocol>) {
            Some(Ok(p)) => p,
            _ => self.protocol(subject, &format!("{path}.IpProtocol"), proto)?,
        };
        let fp = || format!("{path}.FromPort");
        let tp = || format!("{path}.ToPort");
        let l4 = match protocol {
            Protocol::Tcp | Protocol::Udp => {
                let quick =
                    |v: Option<i64>| v.filter(|&v| v >= 0).and_then(|v| u16::try_from(v).ok());
                let lo = match quick(from) {
                    Some(p) => Some(p),
                    None => self.port(subject, &fp(), from, 0),
                };
                let hi = match quick(to) {
                    Some(p) => Some(p),
                    None => self.port(subject, &tp(), to, u16::MAX),
                };
                let (lo, hi) = (lo?, hi?);
                match PortRange::new_checked(lo, hi) {
                    Some(r) => L4::Ports(r),
                    None => {
                        self.error(
                            &fp(),
                            format!("{subject}: FromPort {lo} is greater than ToPort {hi}"),
                        );
                        return None;
                    }
                }
            }
            Protocol::Icmp | Protocol::Icmpv6 => {
                let (t, c) = (from.unwrap_or(-1), to.unwrap_or(-1));
                let ok = |v: i64| (-1..=255).contains(&v);
                match IcmpMatch::from_aws(t, c) {
                    Ok(m) if ok(t) && ok(c) => L4::Icmp(m),
                    _ => self.icmp(subject, (&fp(), &tp()), from, to)?,
                }
            }
            Protocol::All | Protocol::Number(_) => {
                let ignorable = |v: Option<i64>| v.is_none() || v == Some(-1);
                if !(ignorable(from) && ignorable(to)) {
                    self.warn(
                        &fp(),
                        format!(
                            "{subject}: FromPort/ToPort are ignored for protocol {}",
                            protocol.aws_str()
                        ),
                    );
                }
                L4::Any
            }
        };
        Some((protocol, L4::normalize(protocol, l4)))
    }

    // -----------------------------------------------------------------------------------
    // Security groups

    fn security_group(&mut self, path: &str, g: &RawSecurityGroup<'_>) {
        let Some(id) = s(&g.group_id) else {
            self.error(path, "security group without GroupId; skipped".to_string());
            return;
        };
        let subject = format!("security group {id}");
        let mut sg = SecurityGroup {
            id: GroupId::from(id),
            name: owned(&g.group_name),
            description: owned(&g.description),
            vpc: s(&g.vpc_id).map(VpcId::from),
            owner: s(&g.owner_id).map(AccountId::from),
            ingress: Vec::new(),
            egress: Vec::new(),
            scope: self.scope.clone(),
            origin: self.origin(path),
        };
        for (direction, key, perms) in [
            (Direction::Ingress, "IpPermissions", &g.ip_permissions),
            (
                Direction::Egress,
                "IpPermissionsEgress",
                &g.ip_permissions_egress,
            ),
        ] {
            let peers: usize = items(perms)
                .iter()
                .map(|p| {
                    items(&p.ip_ranges).len()
                        + items(&p.ipv6_ranges).len()
                        + items(&p.prefix_list_ids).len()
                        + items(&p.user_id_group_pairs).len()
                })
                .sum();
            let mut rules = Vec::with_capacity(peers);
            let mut pp = String::new();
            for (i, p) in items(perms).iter().enumerate() {
                pp.clear();
                push_child(&mut pp, path, key, i);
                self.permission(&subject, direction, &pp, p, &mut rules);
            }
            match direction {
                Direction::Ingress => sg.ingress = rules,
                Direction::Egress => sg.egress = rules,
            }
        }
        self.topology.security_groups.push(sg);
    }

    fn permission(
        &mut self,
        subject: &str,
        direction: Direction,
        path: &str,
        p: &RawPermission<'_>,
        out: &mut Vec<Rule>,
    ) {
        let Some((protocol, l4)) =
            self.sg_l4(subject, path, s(&p.ip_protocol), p.from_port, p.to_port)
        else {
            return;
        };
        let mut peers = 0usize;
        let rule = |peer: Peer, description: &Str<'_>, ppath: String, me: &Self| Rule {
            direction,
            protocol,
            l4,
            peer,
            description: owned(description),
            rule_id: None,
            origin: Origin::json(me.file, ppath),
        };
        for (j, r) in items(&p.ip_ranges).iter().enumerate() {
            peers += 1;
            let rp = child(path, "IpRanges", j);
            if let Some(cidr) = self.cidr_at(subject, &rp, "CidrIp", s(&r.cidr_ip), Want::V4) {
                out.push(rule(Peer::Cidr { cidr }, &r.description, rp, self));
            }
        }
        for (j, r) in items(&p.ipv6_ranges).iter().enumerate() {
            peers += 1;
            let rp = child(path, "Ipv6Ranges", j);
            if let Some(cidr) = self.cidr_at(subject, &rp, "CidrIpv6", s(&r.cidr_ipv6), Want::V6) {
                out.push(rule(Peer::Cidr { cidr }, &r.description, rp, self));
            }
        }
        for (j, r) in items(&p.prefix_list_ids).iter().enumerate() {
            peers += 1;
            let rp = child(path, "PrefixListIds", j);
            match s(&r.prefix_list_id) {
                Some(id) => out.push(rule(
                    Peer::PrefixList {
                        id: PrefixListId::from(id),
                    },
                    &r.description,
                    rp,
                    self,
                )),
                None => self.error(
                    &format!("{rp}.PrefixListId"),
                    format!("{subject}: prefix list reference without PrefixListId"),
                ),
            }
        }
        for (j, r) in items(&p.user_id_group_pairs).iter().enumerate() {
            peers += 1;
            let rp = child(path, "UserIdGroupPairs", j);
            match group_ref(r) {
                Some(g) => out.push(rule(Peer::Group(Box::new(g)), &r.description, rp, self)),
                None => self.error(
                    &format!("{rp}.GroupId"),
                    format!("{subject}: group reference without GroupId"),
                ),
            }
        }
        if peers == 0 {
            self.warn(
                path,
                format!("{subject}: permission with no peers (no IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs); no rule created"),
            );
        }
    }

    /// One describe-stale-security-groups element: its stale group references, each a
    /// [`StaleRule`].
    fn stale_group(&mut self, path: &str, g: &RawStaleGroup<'_>) {
        let Some(id) = s(&g.group_id) else {
            self.error(
                &format!("{path}.GroupId"),
                "stale security group without GroupId; skipped".to_string(),
            );
            return;
        };
        let subject = format!("stale security group {id}");
        for (direction, key, perms) in [
            (
                Direction::Ingress,
                "StaleIpPermissions",
                &g.stale_ip_permissions,
            ),
            (
                Direction::Egress,
                "StaleIpPermissionsEgress",
                &g.stale_ip_permissions_egress,
            ),
        ] {
            for (i, p) in items(perms).iter().enumerate() {
                let pp = child(path, key, i);
                let Some((protocol, l4)) =
                    self.sg_l4(&subject, &pp, s(&p.ip_protocol), p.from_port, p.to_port)
                else {
                    continue;
                };
                for (j, r) in items(&p.user_id_group_pairs).iter().enumerate() {
                    let rp = child(&pp, "UserIdGroupPairs", j);
                    let Some(peer) = group_ref(r) else {
                        self.error(
                            &format!("{rp}.GroupId"),
                            format!("{subject}: group reference without GroupId"),
                        );
                        continue;
                    };
                    let rule = Rule {
                        direction,
                        protocol,
                        l4,
                        peer: Peer::Group(Box::new(peer)),
                        description: owned(&r.description),
                        rule_id: None,
                        origin: Origin::json(self.file, rp),
                    };
                    self.topology.stale_rules.push(StaleRule {
                        group: GroupId::from(id),
                        vpc: s(&g.vpc_id).map(VpcId::from),
                        rule,
                        scope: self.scope.clone(),
                    });
                }
            }
        }
    }

    /// One describe-security-group-rules record: a group holding just that rule (merged
    /// into its group by [`super::merge`]).
    fn group_rule_record(&mut self, path: &str, r: &RawSecurityGroupRule<'_>) {
        let Some(gid) = s(&r.group_id) else {
            self.error(
                path,
                "security group rule without GroupId; skipped".to_string(),
            );
            return;
        };
        let subject = match s(&r.security_group_rule_id) {
            Some(rid) => format!("security group {gid} rule {rid}"),
            None => format!("security group {gid}"),
        };
        let Some(is_egress) = r.is_egress else {
            self.error(
                &format!("{path}.IsEgress"),
                format!("{subject}: missing IsEgress; rule skipped"),
            );
            return;
        };
        let direction = if is_egress {
            Direction::Egress
        } else {
            Direction::Ingress
        };
        let Some((protocol, l4)) =
            self.sg_l4(&subject, path, s(&r.ip_protocol), r.from_port, r.to_port)
        else {
            return;
        };
        // A record names one peer; two would be two rules, one of them read as the other.
        let peers = [
            ("CidrIpv4", r.cidr_ipv4.is_some()),
            ("CidrIpv6", r.cidr_ipv6.is_some()),
            ("PrefixListId", r.prefix_list_id.is_some()),
            ("ReferencedGroupInfo", r.referenced_group_info.is_some()),
        ];
        if !self.at_most_one(&subject, path, &peers, "rule") {
            return;
        }
        let peer = if r.cidr_ipv4.is_some() {
            let p = format!("{path}.CidrIpv4");
            self.cidr(&subject, &p, s(&r.cidr_ipv4), Want::V4)
                .map(|cidr| Peer::Cidr { cidr })
        } else if r.cidr_ipv6.is_some() {
            let p = format!("{path}.CidrIpv6");
            self.cidr(&subject, &p, s(&r.cidr_ipv6), Want::V6)
                .map(|cidr| Peer::Cidr { cidr })
        } else if let Some(pl) = s(&r.prefix_list_id) {
            Some(Peer::PrefixList {
                id: PrefixListId::from(pl),
            })
        } else if let Some(g) = &r.referenced_group_info {
            let g = group_ref(g);
            if g.is_none() {
                self.error(
                    &format!("{path}.ReferencedGroupInfo.GroupId"),
                    format!("{subject}: group reference without GroupId"),
                );
            }
            g.map(|g| Peer::Group(Box::new(g)))
        } else {
            self.warn(
                path,
                format!("{subject}: rule with no peer (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo); no rule created"),
            );
            None
        };
        let Some(peer) = peer else { return };
        let rule = Rule {
            direction,
            protocol,
            l4,
            peer,
            description: owned(&r.description),
            rule_id: owned(&r.security_group_rule_id),
            origin: self.origin(path),
        };
        let (ingress, egress) = match direction {
            Direction::Ingress => (vec![rule], Vec::new()),
            Direction::Egress => (Vec::new(), vec![rule]),
        };
        self.topology.security_groups.push(SecurityGroup {
            id: GroupId::from(gid),
            name: None,
            description: None,
            vpc: None,
            owner: s(&r.group_owner_id).map(AccountId::from),
            ingress,
            egress,
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    // -----------------------------------------------------------------------------------
    // ENIs and instances

    fn public_ip(
        &mut self,
        subject: &str,
        path: &str,
        a: &Option<RawAssociation<'_>>,
    ) -> Option<PublicIp> {
        let a = a.as_ref()?;
        let text = s(&a.public_ip)?;
        let ip = self.ipv4(subject, &format!("{path}.PublicIp"), text)?;
        Some(PublicIp {
            ip,
            allocation_id: owned(&a.allocation_id),
            ip_owner: owned(&a.ip_owner_id),
        })
    }

    fn eni(&mut self, path: &str, e: &RawEni<'_>, inst: Option<&InstanceCtx>) -> Option<Eni> {
        let Some(id) = s(&e.network_interface_id) else {
            self.error(
                path,
                "network interface without NetworkInterfaceId; skipped".into(),
            );
            return None;
        };
        let subject = format!("network interface {id}");
        let mut private_ips = Vec::new();
        match e.private_ip_addresses.as_deref() {
            Some(list) if !list.is_empty() => {
                for (i, p) in list.iter().enumerate() {
                    let pp = format!("{path}.PrivateIpAddresses[{i}]");
                    let Some(text) = s(&p.private_ip_address) else {
                        self.warn(&pp, format!("{subject}: entry without PrivateIpAddress"));
                        continue;
                    };
                    let Some(ip) = self.ipv4(&subject, &format!("{pp}.PrivateIpAddress"), text)
                    else {
                        continue;
                    };
                    let public =
                        self.public_ip(&subject, &format!("{pp}.Association"), &p.association);
                    private_ips.push(PrivateIp {
                        ip,
                        primary: p.primary.unwrap_or(false),
                        public,
                    });
                }
            }
            _ => {
                if let Some(text) = s(&e.private_ip_address)
                    && let Some(ip) = self.ipv4(&subject, &format!("{path}.PrivateIpAddress"), text)
                {
                    let public =
                        self.public_ip(&subject, &format!("{path}.Association"), &e.association);
                    private_ips.push(PrivateIp {
                        ip,
                        primary: true,
                        public,
                    });
                }
            }
        }
        private_ips.sort_by_key(|p| !p.primary);
        let mut ipv6 = Vec::new();
        for (i, a) in items(&e.ipv6_addresses).iter().enumerate() {
            let Some(text) = s(&a.ipv6_address) else {
                continue;
            };
            match text.trim().parse::<Ipv6Addr>() {
                Ok(ip) => ipv6.push(ip),
                Err(_) => self.warn(
                    &format!("{path}.Ipv6Addresses[{i}].Ipv6Address"),
                    format!("{subject}: expected an IPv6 address, found {text:?}; address ignored"),
                ),
            }
        }
        let mut groups = Vec::new();
        for (i, g) in items(&e.groups).iter().enumerate() {
            match s(&g.group_id) {
                Some(gid) => groups.push(GroupId::from(gid)),
                None => self.warn(
                    &format!("{path}.Groups[{i}]"),
                    format!("{subject}: group without GroupId ignored"),
                ),
            }
        }
        let attachment = match &e.attachment {
            Some(a) => {
                let device_index = match a.device_index {
                    None => None,
                    Some(d) => match u32::try_from(d) {
                        Ok(d) => Some(d),
                        Err(_) => {
                            self.error(
                                &format!("{path}.Attachment.DeviceIndex"),
                                format!("{subject}: expected a device index >= 0, found {d}"),
                            );
                            None
                        }
                    },
                };
                Some(EniAttachment {
                    instance: s(&a.instance_id)
                        .map(InstanceId::from)
                        .or_else(|| inst.map(|c| c.id.clone())),
                    device_index,
                    status: owned(&a.status),
                    delete_on_termination: a.delete_on_termination,
                })
            }
            None => inst.map(|c| EniAttachment {
                instance: Some(c.id.clone()),
                device_index: None,
                status: None,
                delete_on_termination: None,
            }),
        };
        Some(Eni {
            id: EniId::from(id),
            subnet: s(&e.subnet_id)
                .map(SubnetId::from)
                .or_else(|| inst.and_then(|c| c.subnet.clone())),
            vpc: s(&e.vpc_id)
                .map(VpcId::from)
                .or_else(|| inst.and_then(|c| c.vpc.clone())),
            az: owned(&e.availability_zone).or_else(|| inst.and_then(|c| c.az.clone())),
            private_ips,
            ipv6,
            groups,
            attachment,
            interface_type: owned(&e.interface_type),
            status: owned(&e.status),
            source_dest_check: e.source_dest_check,
            description: owned(&e.description),
            owner: s(&e.owner_id)
                .map(AccountId::from)
                .or_else(|| inst.and_then(|c| c.owner.clone())),
            scope: self.scope.clone(),
            origin: self.origin(path),
        })
    }

    fn instance(&mut self, path: &str, r: &RawInstance<'_>, reservation_owner: Option<&str>) {
        let Some(id) = s(&r.instance_id) else {
            self.error(path, "instance without InstanceId; skipped".into());
            return;
        };
        let subject = format!("instance {id}");
        let state = match &r.state {
            None => None,
            Some(st) => {
                let by_name = s(&st.name).and_then(|n| n.parse::<InstanceState>().ok());
                let by_code = st.code.and_then(InstanceState::from_code);
                if by_name.is_none() && st.name.is_some() && by_code.is_some() {
                    self.warn(
                        &format!("{path}.State.Name"),
                        format!("{subject}: unknown state name; using State.Code"),
                    );
                }
                by_name.or(by_code)
            }
        };
        let placement = r.placement.as_ref();
        let ctx = InstanceCtx {
            id: InstanceId::from(id),
            subnet: s(&r.subnet_id).map(SubnetId::from),
            vpc: s(&r.vpc_id).map(VpcId::from),
            az: placement.and_then(|p| owned(&p.availability_zone)),
            owner: s(&r.owner_id).or(reservation_owner).map(AccountId::from),
        };
        // The interfaces are read whatever the state: an instance left out must not take
        // its interfaces (and their exposure) with it.
        let mut enis: Vec<(Option<u32>, EniId)> = Vec::new();
        for (i, e) in items(&r.network_interfaces).iter().enumerate() {
            if let Some(eni) = self.eni(&format!("{path}.NetworkInterfaces[{i}]"), e, Some(&ctx)) {
                let idx = eni.attachment.as_ref().and_then(|a| a.device_index);
                enis.push((idx, eni.id.clone()));
                self.topology.enis.push(eni);
            }
        }
        let Some(state) = state else {
            // The model has no unknown state: the instance is left out, and its
            // interfaces, attached to an instance not in the input, are taken to be on a
            // running one (as the README says of any such interface).
            let kept = match enis.len() {
                0 => "it has no network interface to keep".to_string(),
                n => {
                    let ids: Vec<&str> = enis.iter().map(|(_, e)| e.as_str()).collect();
                    format!(
                        "its {n} network interface(s) ({}) are kept, taken as attached to a \
                         running instance",
                        ids.join(", ")
                    )
                }
            };
            let msg = format!(
                "{subject}: expected State.Name (pending, running, shutting-down, terminated, \
                 stopping, stopped) or State.Code; the instance is left out (its state, type \
                 and block devices are not read) and {kept}"
            );
            // A minimal export without any State is tolerated (warning); a State that is
            // present but unreadable is an error.
            if r.state.is_none() {
                self.warn(&format!("{path}.State"), msg);
            } else {
                self.error(&format!("{path}.State"), msg);
            }
            return;
        };
        if items(&r.network_interfaces).is_empty()
            && state != InstanceState::Terminated
            && (r.private_ip_address.is_some()
                || r.subnet_id.is_some()
                || r.security_groups.is_some())
        {
            self.warn(
                path,
                format!("{subject}: no NetworkInterfaces listed; its addresses and security groups are not modelled (no ENI synthesised)"),
            );
        }
        enis.sort_by_key(|(idx, _)| idx.unwrap_or(u32::MAX));
        let block_devices = items(&r.block_device_mappings)
            .iter()
            .filter_map(|b| {
                Some(BlockDevice {
                    device: owned(&b.device_name)?,
                    volume: b
                        .ebs
                        .as_ref()
                        .and_then(|e| s(&e.volume_id))
                        .map(VolumeId::from),
                    delete_on_termination: b.ebs.as_ref().and_then(|e| e.delete_on_termination),
                })
            })
            .collect();
        self.topology.instances.push(Instance {
            id: ctx.id,
            state,
            instance_type: owned(&r.instance_type),
            az: ctx.az,
            subnet: ctx.subnet,
            vpc: ctx.vpc,
            enis: enis.into_iter().map(|(_, e)| e).collect(),
            block_devices,
            root_device_name: owned(&r.root_device_name),
            root_device_type: owned(&r.root_device_type),
            hibernation: r
                .hibernation_options
                .as_ref()
                .and_then(|h| h.configured)
                .unwrap_or(false),
            placement_group: placement
                .and_then(|p| owned(&p.group_name))
                .filter(|g| !g.is_empty()),
            listeners: Vec::new(),
            owner: ctx.owner,
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    // -----------------------------------------------------------------------------------
    // VPCs, subnets, routes, NACLs, gateways

    fn vpc(&mut self, path: &str, v: &RawVpc<'_>) {
        let Some(id) = s(&v.vpc_id) else {
            self.error(path, "VPC without VpcId; skipped".into());
            return;
        };
        let subject = format!("VPC {id}");
        let mut cidrs: Vec<Cidr> = Vec::new();
        let mut add = |c: Option<Cidr>| {
            if let Some(c) = c
                && !cidrs.contains(&c)
            {
                cidrs.push(c);
            }
        };
        if v.cidr_block.is_some() {
            add(self.cidr(
                &subject,
                &format!("{path}.CidrBlock"),
                s(&v.cidr_block),
                Want::V4,
            ));
        }
        for (key, set, v6) in [
            (
                "CidrBlockAssociationSet",
                &v.cidr_block_association_set,
                false,
            ),
            (
                "Ipv6CidrBlockAssociationSet",
                &v.ipv6_cidr_block_association_set,
                true,
            ),
        ] {
            for (i, a) in items(set).iter().enumerate() {
                if !association_live(a) {
                    continue;
                }
                let (field, text, want) = if v6 {
                    ("Ipv6CidrBlock", s(&a.ipv6_cidr_block), Want::V6)
                } else {
                    ("CidrBlock", s(&a.cidr_block), Want::V4)
                };
                if text.is_some() {
                    add(self.cidr(&subject, &format!("{path}.{key}[{i}].{field}"), text, want));
                }
            }
        }
        self.topology.vpcs.push(Vpc {
            id: VpcId::from(id),
            cidrs,
            is_default: v.is_default.unwrap_or(false),
            owner: s(&v.owner_id).map(AccountId::from),
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    fn subnet(&mut self, path: &str, x: &RawSubnet<'_>) {
        let Some(id) = s(&x.subnet_id) else {
            self.error(path, "subnet without SubnetId; skipped".into());
            return;
        };
        let subject = format!("subnet {id}");
        let cidr = if x.cidr_block.is_some() {
            self.cidr(
                &subject,
                &format!("{path}.CidrBlock"),
                s(&x.cidr_block),
                Want::V4,
            )
        } else {
            None
        };
        let mut ipv6_cidrs = Vec::new();
        for (i, a) in items(&x.ipv6_cidr_block_association_set).iter().enumerate() {
            if !association_live(a) || a.ipv6_cidr_block.is_none() {
                continue;
            }
            let p = format!("{path}.Ipv6CidrBlockAssociationSet[{i}].Ipv6CidrBlock");
            if let Some(c) = self.cidr(&subject, &p, s(&a.ipv6_cidr_block), Want::V6) {
                ipv6_cidrs.push(c);
            }
        }
        self.topology.subnets.push(Subnet {
            id: SubnetId::from(id),
            vpc: s(&x.vpc_id).map(VpcId::from),
            cidr,
            ipv6_cidrs,
            az: owned(&x.availability_zone),
            map_public_ip_on_launch: x.map_public_ip_on_launch.unwrap_or(false),
            owner: s(&x.owner_id).map(AccountId::from),
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    fn route_table(&mut self, path: &str, t: &RawRouteTable<'_>) {
        let Some(id) = s(&t.route_table_id) else {
            self.error(path, "route table without RouteTableId; skipped".into());
            return;
        };
        let subject = format!("route table {id}");
        let mut routes = Vec::new();
        for (i, r) in items(&t.routes).iter().enumerate() {
            let rp = format!("{path}.Routes[{i}]");
            if let Some(route) = self.route(&subject, &rp, r) {
                routes.push(route);
            }
        }
        let mut main = false;
        let mut subnets = Vec::new();
        for a in items(&t.associations) {
            main |= a.main.unwrap_or(false);
            if let Some(sn) = s(&a.subnet_id) {
                subnets.push(SubnetId::from(sn));
            }
        }
        self.topology.route_tables.push(RouteTable {
            id: RouteTableId::from(id),
            vpc: s(&t.vpc_id).map(VpcId::from),
            main,
            subnets,
            routes,
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    /// Whether at most one of the `keys` (name, present) is present; else an error
    /// ("expected exactly one of …, found A and B; `what` skipped").
    fn at_most_one(
        &mut self,
        subject: &str,
        path: &str,
        keys: &[(&str, bool)],
        what: &str,
    ) -> bool {
        let found: Vec<&str> = (keys.iter())
            .filter_map(|&(k, present)| present.then_some(k))
            .collect();
        if found.len() <= 1 {
            return true;
        }
        let names: Vec<&str> = keys.iter().map(|&(k, _)| k).collect();
        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
        self.error(
            path,
            format!(
                "{subject}: expected exactly one of {} and {last}, found {}; {what} skipped",
                rest.join(", "),
                found.join(" and ")
            ),
        );
        false
    }

    fn route(&mut self, subject: &str, path: &str, r: &RawRoute<'_>) -> Option<Route> {
        // A route has one destination; two would be two routes, one read as the other.
        let destinations = [
            ("DestinationCidrBlock", r.destination_cidr_block.is_some()),
            (
                "DestinationIpv6CidrBlock",
                r.destination_ipv6_cidr_block.is_some(),
            ),
            (
                "DestinationPrefixListId",
                r.destination_prefix_list_id.is_some(),
            ),
        ];
        if !self.at_most_one(subject, path, &destinations, "route") {
            return None;
        }
        let destination = if r.destination_cidr_block.is_some() {
            let p = format!("{path}.DestinationCidrBlock");
            RouteDestination::Cidr {
                cidr: self.cidr(subject, &p, s(&r.destination_cidr_block), Want::V4)?,
            }
        } else if r.destination_ipv6_cidr_block.is_some() {
            let p = format!("{path}.DestinationIpv6CidrBlock");
            RouteDestination::Cidr {
                cidr: self.cidr(subject, &p, s(&r.destination_ipv6_cidr_block), Want::V6)?,
            }
        } else if let Some(pl) = s(&r.destination_prefix_list_id) {
            RouteDestination::PrefixList {
                id: PrefixListId::from(pl),
            }
        } else {
            self.error(
                path,
                format!("{subject}: route without DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId; skipped"),
            );
            return None;
        };
        // An instance route (NAT instance) also names the instance's ENI; the ENI is the
        // precise next hop, so it is preferred over the instance.
        let target = [
            &r.gateway_id,
            &r.nat_gateway_id,
            &r.vpc_peering_connection_id,
            &r.transit_gateway_id,
            &r.egress_only_internet_gateway_id,
            &r.network_interface_id,
            &r.instance_id,
            &r.local_gateway_id,
            &r.carrier_gateway_id,
            &r.core_network_arn,
        ]
        .into_iter()
        .find_map(|t| s(t).filter(|t| !t.is_empty()));
        let Some(target) = target else {
            self.error(
                path,
                format!("{subject}: route to {destination} without a target (GatewayId, NatGatewayId, …); skipped"),
            );
            return None;
        };
        Some(Route {
            destination,
            target: RouteTarget::from_id(target),
            blackhole: s(&r.state).is_some_and(|st| st.eq_ignore_ascii_case("blackhole")),
            origin: self.origin(path),
        })
    }

    fn network_acl(&mut self, path: &str, n: &RawNetworkAcl<'_>) {
        let Some(id) = s(&n.network_acl_id) else {
            self.error(path, "network ACL without NetworkAclId; skipped".into());
            return;
        };
        let subject = format!("network ACL {id}");
        let mut entries = Vec::new();
        for (i, e) in items(&n.entries).iter().enumerate() {
            let ep = format!("{path}.Entries[{i}]");
            if let Some(entry) = self.nacl_entry(&subject, &ep, e) {
                entries.push(entry);
            }
        }
        let subnets = items(&n.associations)
            .iter()
            .filter_map(|a| s(&a.subnet_id).map(SubnetId::from))
            .collect();
        self.topology.network_acls.push(NetworkAcl {
            id: NaclId::from(id),
            vpc: s(&n.vpc_id).map(VpcId::from),
            is_default: n.is_default.unwrap_or(false),
            entries,
            subnets,
            owner: s(&n.owner_id).map(AccountId::from),
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    fn nacl_entry(&mut self, subject: &str, path: &str, e: &RawNaclEntry<'_>) -> Option<NaclEntry> {
        let rule_number = match e.rule_number.map(u16::try_from) {
            Some(Ok(n)) if n >= 1 => n,
            _ => {
                let found = e
                    .rule_number
                    .map_or("nothing".to_string(), |n| n.to_string());
                self.error(
                    &format!("{path}.RuleNumber"),
                    format!(
                        "{subject}: expected a RuleNumber 1-65535, found {found}; entry skipped"
                    ),
                );
                return None;
            }
        };
        let subject = format!("{subject} rule {rule_number}");
        let Some(egress) = e.egress else {
            self.error(
                &format!("{path}.Egress"),
                format!("{subject}: missing Egress (true or false); entry skipped"),
            );
            return None;
        };
        let action = match s(&e.rule_action).map(str::parse::<NaclAction>) {
            Some(Ok(a)) => a,
            Some(Err(err)) => {
                self.error(&format!("{path}.RuleAction"), format!("{subject}: {err}"));
                return None;
            }
            None => {
                self.error(
                    &format!("{path}.RuleAction"),
                    format!("{subject}: missing RuleAction (allow or deny)"),
                );
                return None;
            }
        };
        let protocol = self.protocol(&subject, &format!("{path}.Protocol"), s(&e.protocol))?;
        let cidr = match (&e.cidr_block, &e.ipv6_cidr_block) {
            (Some(c), None) => {
                self.cidr(&subject, &format!("{path}.CidrBlock"), Some(c), Want::V4)?
            }
            (None, Some(c)) => self.cidr(
                &subject,
                &format!("{path}.Ipv6CidrBlock"),
                Some(c),
                Want::V6,
            )?,
            _ => {
                self.error(
                    path,
                    format!("{subject}: expected exactly one of CidrBlock and Ipv6CidrBlock; entry skipped"),
                );
                return None;
            }
        };
        let l4 = match protocol {
            Protocol::Tcp | Protocol::Udp => match &e.port_range {
                None => {
                    self.warn(
                        path,
                        format!("{subject}: TCP/UDP entry without PortRange; read as all ports"),
                    );
                    L4::Ports(PortRange::ALL)
                }
                Some(r) => {
                    let (fp, tp) = (
                        format!("{path}.PortRange.From"),
                        format!("{path}.PortRange.To"),
                    );
                    let lo = self.port(&subject, &fp, r.from, 0);
                    let hi = self.port(&subject, &tp, r.to, u16::MAX);
                    let (lo, hi) = (lo?, hi?);
                    match PortRange::new_checked(lo, hi) {
                        Some(r) => L4::Ports(r),
                        None => {
                            self.error(
                                &fp,
                                format!("{subject}: PortRange.From {lo} is greater than To {hi}"),
                            );
                            return None;
                        }
                    }
                }
            },
            Protocol::Icmp | Protocol::Icmpv6 => match &e.icmp_type_code {
                None => L4::Icmp(IcmpMatch::ANY),
                Some(tc) => {
                    let (tp, cp) = (
                        format!("{path}.IcmpTypeCode.Type"),
                        format!("{path}.IcmpTypeCode.Code"),
                    );
                    self.icmp(&subject, (&tp, &cp), tc.ty, tc.code)?
                }
            },
            Protocol::All | Protocol::Number(_) => L4::Any,
        };
        Some(NaclEntry {
            rule_number,
            direction: if egress {
                Direction::Egress
            } else {
                Direction::Ingress
            },
            action,
            protocol,
            l4: L4::normalize(protocol, l4),
            cidr,
            origin: self.origin(path),
        })
    }

    fn internet_gateway(&mut self, path: &str, g: &RawInternetGateway<'_>) {
        let Some(id) = s(&g.internet_gateway_id) else {
            self.error(
                path,
                "internet gateway without InternetGatewayId; skipped".into(),
            );
            return;
        };
        let vpcs = items(&g.attachments)
            .iter()
            .filter(|a| {
                s(&a.state).is_none_or(|st| matches!(st, "available" | "attached" | "attaching"))
            })
            .filter_map(|a| s(&a.vpc_id).map(VpcId::from))
            .collect();
        self.topology.internet_gateways.push(InternetGateway {
            id: IgwId::from(id),
            vpcs,
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    // -----------------------------------------------------------------------------------
    // Volumes, addresses, prefix lists

    fn volume(&mut self, path: &str, v: &RawVolume<'_>) {
        let Some(id) = s(&v.volume_id) else {
            self.error(path, "volume without VolumeId; skipped".into());
            return;
        };
        let mut attachments = Vec::new();
        for (i, a) in items(&v.attachments).iter().enumerate() {
            match s(&a.instance_id) {
                Some(inst) => attachments.push(VolumeAttachment {
                    instance: InstanceId::from(inst),
                    device: owned(&a.device),
                    state: owned(&a.state),
                    delete_on_termination: a.delete_on_termination,
                }),
                None => self.warn(
                    &format!("{path}.Attachments[{i}]"),
                    format!("volume {id}: attachment without InstanceId ignored"),
                ),
            }
        }
        self.topology.volumes.push(Volume {
            id: VolumeId::from(id),
            az: owned(&v.availability_zone),
            size_gib: v.size,
            volume_type: owned(&v.volume_type),
            encrypted: v.encrypted.unwrap_or(false),
            multi_attach: v.multi_attach_enabled.unwrap_or(false),
            state: owned(&v.state),
            attachments,
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    fn address(&mut self, path: &str, a: &RawAddress<'_>) {
        let subject = match (s(&a.allocation_id), s(&a.public_ip)) {
            (Some(id), _) => format!("address {id}"),
            (None, Some(ip)) => format!("address {ip}"),
            (None, None) => "address".to_string(),
        };
        let public_ip = match s(&a.public_ip) {
            Some(t) => match self.ipv4(&subject, &format!("{path}.PublicIp"), t) {
                Some(ip) => Some(ip),
                None => return,
            },
            None => None,
        };
        let private_ip = match s(&a.private_ip_address) {
            Some(t) => match self.ipv4(&subject, &format!("{path}.PrivateIpAddress"), t) {
                Some(ip) => Some(ip),
                None => return,
            },
            None => None,
        };
        if public_ip.is_none() && a.allocation_id.is_none() {
            self.warn(
                path,
                "address without PublicIp or AllocationId; skipped".into(),
            );
            return;
        }
        self.topology.addresses.push(Address {
            public_ip,
            allocation_id: owned(&a.allocation_id),
            association_id: owned(&a.association_id),
            instance: s(&a.instance_id)
                .filter(|i| !i.is_empty())
                .map(InstanceId::from),
            eni: s(&a.network_interface_id).map(EniId::from),
            private_ip,
            domain: owned(&a.domain),
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    /// Another service's resource: kept when it names a group. Group names (a launch
    /// template in a default VPC may give names) cannot be matched to ids and are said.
    fn group_user(&mut self, path: &str, kind: UserKind, u: &RawGroupUser<'_>) {
        let name = match kind {
            UserKind::RdsInstance => s(&u.db_instance_identifier),
            UserKind::RdsCluster => s(&u.db_cluster_identifier),
            UserKind::LoadBalancer => s(&u.load_balancer_name),
            UserKind::LambdaFunction => s(&u.function_name),
            UserKind::Cluster => s(&u.cluster_identifier)
                .or(s(&u.cluster_name))
                .or(s(&u.name))
                .or(s(&u.cluster_id)),
            UserKind::CacheCluster => s(&u.cache_cluster_id),
            UserKind::SearchDomain => s(&u.domain_name),
            UserKind::VpcEndpoint => s(&u.vpc_endpoint_id),
            UserKind::BatchEnvironment => s(&u.compute_environment_name),
            UserKind::LaunchTemplate => s(&u.launch_template_id).or(s(&u.launch_template_name)),
            UserKind::LaunchConfiguration => s(&u.launch_configuration_name),
            UserKind::EcsService => s(&u.service_name),
            UserKind::EventTarget => s(&u.target_id),
            UserKind::EksCluster => s(&u.eks_name),
            UserKind::EfsMountTarget => s(&u.mount_target_id),
            UserKind::NotebookInstance | UserKind::MqBroker => s(&u.name),
            UserKind::PeeredVpc => s(&u.referencing_vpc_id),
            UserKind::ConfigResource => s(&u.name),
        };
        // describe-mount-target-security-groups names no mount target: the file may.
        let named_by_file = match kind {
            UserKind::EfsMountTarget if name.is_none() => id_in_file_name(self.file, "fsmt-"),
            _ => None,
        };
        // A launch template version is named `lt-…:VERSION`.
        let name = name
            .map(|t| match (kind, u.version_number) {
                (UserKind::LaunchTemplate, Some(v)) => format!("{t}:{v}"),
                _ => t.to_string(),
            })
            .or(named_by_file);
        let (ids, names) = u.group_ids();
        let id = name.clone().unwrap_or_else(|| path.to_string());
        let subject = format!("{} {id}", kind.label());
        for n in names {
            self.warn(
                &format!("{path}.LaunchTemplateData.SecurityGroups"),
                format!("{subject} names security group {n:?} by name; groups are matched by id, so it is not counted as used"),
            );
        }
        let mut groups: Vec<GroupId> = Vec::new();
        for g in ids {
            let id_like = g.strip_prefix("sg-").is_some_and(|rest| {
                !rest.is_empty()
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
            if !id_like {
                self.warn(
                    path,
                    format!(
                        "{subject}: {g:?} is not a security group id (sg-…); not counted as a use"
                    ),
                );
            } else if !groups.iter().any(|x| x.as_str() == g) {
                groups.push(GroupId::from(g));
            }
        }
        if groups.is_empty() {
            return;
        }
        if name.is_none() {
            let hint = match kind {
                UserKind::EfsMountTarget => {
                    " (describe-mount-target-security-groups has no mount target id; add \
                     \"MountTargetId\": \"fsmt-…\" beside \"SecurityGroups\" or put the fsmt-… id \
                     in the file name); its groups count as used"
                }
                _ => "",
            };
            self.warn(
                path,
                format!(
                    "{} without a name or id; named by its JSON path{hint}",
                    kind.label()
                ),
            );
        }
        self.topology.group_users.push(GroupUser {
            kind,
            id,
            groups,
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    fn prefix_list(&mut self, path: &str, p: &RawPrefixList<'_>) {
        let Some(id) = s(&p.prefix_list_id) else {
            self.error(path, "prefix list without PrefixListId; skipped".into());
            return;
        };
        let subject = format!("prefix list {id}");
        let family = match s(&p.address_family) {
            None => None,
            Some(f) if f.eq_ignore_ascii_case("ipv4") => Some(Family::V4),
            Some(f) if f.eq_ignore_ascii_case("ipv6") => Some(Family::V6),
            Some(f) => {
                self.warn(
                    &format!("{path}.AddressFamily"),
                    format!("{subject}: expected AddressFamily IPv4 or IPv6, found {f:?}; ignored"),
                );
                None
            }
        };
        let entries = if let Some(cidrs) = &p.cidrs {
            let mut out = Vec::new();
            for (i, c) in cidrs.iter().enumerate() {
                let cp = format!("{path}.Cidrs[{i}]");
                if let Some(cidr) = self.cidr(&subject, &cp, Some(c), Want::Either) {
                    out.push(PrefixListEntry {
                        cidr,
                        description: None,
                    });
                }
            }
            Some(out)
        } else {
            p.entries
                .as_ref()
                .map(|entries| self.entry_list(&subject, &format!("{path}.Entries"), entries))
        };
        self.topology.prefix_lists.push(PrefixList {
            id: PrefixListId::from(id),
            name: owned(&p.prefix_list_name),
            family,
            max_entries: p.max_entries,
            entries,
            owner: s(&p.owner_id).map(AccountId::from),
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }

    fn entry_list(
        &mut self,
        subject: &str,
        path: &str,
        entries: &[RawPrefixListEntry<'_>],
    ) -> Vec<PrefixListEntry> {
        let mut out = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let cp = format!("{path}[{i}].Cidr");
            if let Some(cidr) = self.cidr(subject, &cp, s(&e.cidr), Want::Either) {
                out.push(PrefixListEntry {
                    cidr,
                    description: owned(&e.description),
                });
            }
        }
        out
    }

    /// get-managed-prefix-list-entries: the output has no list id, so it is taken from the
    /// sgcheck extension key `PrefixListId` beside `Entries`, else from a `pl-…` id in the
    /// file name; otherwise the entries are reported (warning) and not used.
    fn entries(&mut self, path: &str, list_id: Option<&str>, entries: &[RawPrefixListEntry<'_>]) {
        let from_name = list_id_in_file_name(self.file);
        let Some(id) = list_id.map(str::to_string).or(from_name) else {
            self.warn(
                path,
                format!(
                    "{} prefix-list entries (get-managed-prefix-list-entries) cannot be tied to \
                     a prefix list: the output has no list id; add \"PrefixListId\": \"pl-…\" \
                     beside \"Entries\" or put the pl-… id in the file name. Entries not used",
                    entries.len()
                ),
            );
            return;
        };
        let subject = format!("prefix list {id}");
        let list = self.entry_list(&subject, path, entries);
        self.topology.prefix_lists.push(PrefixList {
            id: PrefixListId::from(id),
            name: None,
            family: None,
            max_entries: None,
            entries: Some(list),
            owner: None,
            scope: self.scope.clone(),
            origin: self.origin(path),
        });
    }
}

/// `{base}.{field}[{index}]` (`{base}[{index}]` for an empty field), without the
/// formatting machinery (this is on the hot path: one per rule).
fn child(base: &str, field: &str, index: usize) -> String {
    let digits = index.checked_ilog10().unwrap_or(0) as usize + 1;
    let mut out = String::with_capacity(base.len() + 1 + field.len() + 2 + digits);
    push_child(&mut out, base, field, index);
    out
}

/// Appends [`child`]'s path to `out`.
fn push_child(out: &mut String, base: &str, field: &str, index: usize) {
    let mut buf = [0u8; 20];
    let digits = crate::net::decimal(index as u64, &mut buf);
    out.push_str(base);
    if !field.is_empty() {
        out.push('.');
        out.push_str(field);
    }
    out.push('[');
    for &d in digits {
        out.push(char::from(d));
    }
    out.push(']');
}

/// The instance fields an instance's ENIs inherit when their own are missing.
struct InstanceCtx {
    id: InstanceId,
    subnet: Option<SubnetId>,
    vpc: Option<VpcId>,
    az: Option<String>,
    owner: Option<AccountId>,
}

fn group_ref(g: &RawGroupPair<'_>) -> Option<GroupRef> {
    Some(GroupRef {
        group: GroupId::from(s(&g.group_id)?),
        owner: s(&g.user_id).map(AccountId::from),
        vpc: s(&g.vpc_id).map(VpcId::from),
        peering: owned(&g.vpc_peering_connection_id),
        peering_status: owned(&g.peering_status),
    })
}

/// Whether a CIDR association is in force (not `disassociated`/`failed`).
fn association_live(a: &RawCidrAssociation<'_>) -> bool {
    let state = a
        .cidr_block_state
        .as_ref()
        .or(a.ipv6_cidr_block_state.as_ref())
        .and_then(|st| st.state.as_deref());
    !matches!(
        state,
        Some("disassociated" | "disassociating" | "failed" | "failing")
    )
}

/// A `pl-<hex>` id (at least 8 hex digits) in the file's base name, not preceded by a
/// letter or digit.
pub(crate) fn list_id_in_file_name(file: &str) -> Option<String> {
    id_in_file_name(file, "pl-")
}

/// An AWS id (`prefix` then 8 or more hex digits, standing alone) in a file's name.
pub(crate) fn id_in_file_name(file: &str, prefix: &str) -> Option<String> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let bytes = base.as_bytes();
    let n = prefix.len();
    let mut from = 0;
    while let Some(pos) = base[from..].find(prefix).map(|p| p + from) {
        let boundary = pos == 0 || !bytes[pos - 1].is_ascii_alphanumeric();
        let hex = base[pos + n..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        let end_ok = base[pos + n + hex..]
            .bytes()
            .next()
            .is_none_or(|b| !b.is_ascii_alphanumeric());
        if boundary && hex >= 8 && end_ok {
            return Some(base[pos..pos + n + hex].to_string());
        }
        from = pos + n;
    }
    None
}

/// Why `text` is not in the form AWS writes CIDR blocks (`ADDRESS/LENGTH`, no spaces, no
/// leading zeros), or `None`. The general parser is lenient (the rule language and the
/// command line accept a bare address as a /32 and trim spaces), but in an export such a
/// value is malformed, and `010.0.0.0/8` means 8.0.0.0/8 to tools that read octal.
fn cidr_form_problem(text: &str) -> Option<&'static str> {
    // Called on what the lenient parser accepted, which trims: spaces inside fail it.
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Some("spaces");
    }
    if !text.contains('/') {
        return Some("no prefix length: AWS writes ADDRESS/LENGTH");
    }
    Cidr::leading_zero_problem(text)
}
