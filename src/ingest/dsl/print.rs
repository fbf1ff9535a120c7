//! The printer: a [`Topology`] back into the rule language.
//!
//! Contract: for every topology in the DSL-expressible subset (see the README ("The sgcheck rule language"),
//! "What the language cannot express"), `parse(print(t))` equals `t` with origins ignored,
//! and printing is a fixed point: `print(parse(print(t))) == print(t)`. Objects or fields
//! outside the subset are printed as faithfully as the language allows (a field is dropped,
//! an inexpressible rule becomes a `#` comment); the printer never fails.
//!
//! Statements are printed by kind in a fixed order (prefix lists, VPCs, internet gateways,
//! subnets, route tables, NACLs, groups, instances with their ENIs, volumes and listeners,
//! then unattached ENIs, standalone volumes, Elastic IPs and expectations); within a kind,
//! in topology order.

use super::grammar::VOLUME_TYPES;
use super::lex::is_word;
use crate::model::*;
use crate::net::{L4, Protocol};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// Quotes `s` as a rule-language string (escaping `"`, `\` and control characters).
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text after the protocol in a rule or NACL entry (`80-443`, `3:4`, or nothing), or
/// `None` when the combination cannot be written.
fn l4_text(protocol: Protocol, l4: L4) -> Option<String> {
    match L4::normalize(protocol, l4) {
        L4::Ports(p) => Some(p.to_string()),
        L4::Icmp(m) if m.is_any() => Some(String::new()),
        L4::Icmp(m) => Some(m.to_string()),
        L4::Any => Some(String::new()),
        L4::Nothing => None,
    }
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prints the whole topology as rule-language text.
///
/// # Example
/// ```
/// use sgcheck::ingest::dsl;
/// use std::sync::Arc;
/// let file: Arc<str> = Arc::from("web.sg");
/// let (topo, _) = dsl::parse(&file, "group sg-web\n  in tcp 80,443 from 0.0.0.0/0\n")?;
/// assert_eq!(
///     dsl::print(&topo),
///     "group sg-web\n  in tcp 80 from 0.0.0.0/0\n  in tcp 443 from 0.0.0.0/0\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn print(t: &Topology) -> String {
    let mut p = Printer {
        out: String::new(),
        first: true,
        last: ("", false),
    };
    for pl in &t.prefix_lists {
        p.prefix_list(pl);
    }
    for v in &t.vpcs {
        p.vpc(v);
    }
    for g in &t.internet_gateways {
        p.igw(g);
    }
    for s in &t.subnets {
        p.subnet(s);
    }
    for r in &t.route_tables {
        p.route_table(r);
    }
    for n in &t.network_acls {
        p.nacl(n);
    }
    for g in &t.security_groups {
        p.group(g);
    }
    let mut enis_by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in t.enis.iter().enumerate() {
        enis_by_id.entry(e.id.as_str()).or_default().push(i);
    }
    let mut vols_by_id: HashMap<&str, usize> = HashMap::new();
    for (i, v) in t.volumes.iter().enumerate() {
        vols_by_id.entry(v.id.as_str()).or_insert(i);
    }
    let mut printed_enis: HashSet<usize> = HashSet::new();
    let mut printed_vols: HashSet<usize> = HashSet::new();
    for inst in &t.instances {
        p.instance(
            inst,
            t,
            &enis_by_id,
            &vols_by_id,
            &mut printed_enis,
            &mut printed_vols,
        );
    }
    for (i, e) in t.enis.iter().enumerate() {
        if !printed_enis.contains(&i) {
            p.start("eni");
            let line = eni_line(e, true);
            p.line(&line);
        }
    }
    for (i, v) in t.volumes.iter().enumerate() {
        if !printed_vols.contains(&i) {
            p.start("volume");
            let mut line = format!("volume {}", v.id);
            volume_props(&mut line, v);
            p.line(&line);
            for a in &v.attachments {
                let dev = a.device.as_deref().unwrap_or("?");
                p.line(&format!(
                    "# {} is attached to {} as {dev} (not expressible outside an instance block)",
                    v.id, a.instance
                ));
            }
        }
    }
    for a in &t.addresses {
        p.start("eip");
        p.line(&address_line(a));
    }
    for u in &t.group_users {
        p.start("service");
        let groups: Vec<&str> = u.groups.iter().map(GroupId::as_str).collect();
        p.line(&format!(
            "service {} {} groups {}",
            u.kind,
            if is_word(&u.id) {
                u.id.clone()
            } else {
                quote(&u.id)
            },
            groups.join(", ")
        ));
    }
    for x in &t.expectations {
        p.start("expect");
        let verdict = if x.allow { "allow" } else { "deny" };
        let l4 = match L4::normalize(x.protocol, x.l4) {
            L4::Ports(r) => r.to_string(),
            L4::Icmp(m) => m.to_string(),
            L4::Any => "all".to_string(),
            L4::Nothing => {
                p.line(&format!(
                    "# expect {verdict} {} -> {} (an ICMP match that matches nothing)",
                    x.from, x.to
                ));
                continue;
            }
        };
        p.line(&format!(
            "expect {verdict} {} -> {} {l4}/{}",
            x.from, x.to, x.protocol
        ));
    }
    p.out
}

struct Printer {
    out: String,
    first: bool,
    /// The kind of the previous statement, and whether it had a body.
    last: (&'static str, bool),
}

impl Printer {
    /// Starts a one-line statement of `kind`: a blank line separates kinds.
    fn start(&mut self, kind: &'static str) {
        if !self.first && (self.last.0 != kind || self.last.1) {
            self.out.push('\n');
        }
        self.first = false;
        self.last = (kind, false);
    }

    /// Starts a statement with a body: always set off by a blank line.
    fn block(&mut self, kind: &'static str) {
        if !self.first {
            self.out.push('\n');
        }
        self.first = false;
        self.last = (kind, true);
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn body(&mut self, s: &str) {
        self.out.push_str("  ");
        self.line(s);
    }

    fn prefix_list(&mut self, pl: &PrefixList) {
        self.start("prefix-list");
        let mut s = format!("prefix-list {}", pl.id);
        if let Some(n) = &pl.name {
            let _ = write!(s, " name {}", quote(n));
        }
        if let Some(m) = pl.max_entries {
            let _ = write!(s, " max {m}");
        }
        if let Some(f) = pl.family {
            let _ = write!(s, " family {f}");
        }
        if let Some(o) = &pl.owner {
            let _ = write!(s, " owner {o}");
        }
        match &pl.entries {
            None => s.push_str(" unknown"),
            Some(entries) => {
                let items: Vec<String> = entries
                    .iter()
                    .map(|e| match &e.description {
                        Some(d) => format!("{} {}", e.cidr, quote(d)),
                        None => e.cidr.to_string(),
                    })
                    .collect();
                if !items.is_empty() {
                    s.push(' ');
                    s.push_str(&items.join(", "));
                }
            }
        }
        self.line(&s);
    }

    fn vpc(&mut self, v: &Vpc) {
        self.start("vpc");
        let mut s = format!("vpc {}", v.id);
        if !v.cidrs.is_empty() {
            let _ = write!(s, " cidr {}", join(&v.cidrs));
        }
        if v.is_default {
            s.push_str(" default");
        }
        if let Some(o) = &v.owner {
            let _ = write!(s, " owner {o}");
        }
        self.line(&s);
    }

    fn igw(&mut self, g: &InternetGateway) {
        self.start("igw");
        let mut s = format!("igw {}", g.id);
        if !g.vpcs.is_empty() {
            let _ = write!(s, " vpc {}", join(&g.vpcs));
        }
        self.line(&s);
    }

    fn subnet(&mut self, sn: &Subnet) {
        self.start("subnet");
        let mut s = format!("subnet {}", sn.id);
        if let Some(v) = &sn.vpc {
            let _ = write!(s, " vpc {v}");
        }
        if let Some(c) = &sn.cidr {
            let _ = write!(s, " cidr {c}");
        }
        if !sn.ipv6_cidrs.is_empty() {
            let _ = write!(s, " ipv6 {}", join(&sn.ipv6_cidrs));
        }
        if let Some(az) = &sn.az {
            let _ = write!(s, " az {az}");
        }
        if sn.map_public_ip_on_launch {
            s.push_str(" public-ip-on-launch");
        }
        if let Some(o) = &sn.owner {
            let _ = write!(s, " owner {o}");
        }
        self.line(&s);
    }

    fn route_table(&mut self, r: &RouteTable) {
        self.block("route-table");
        let mut s = format!("route-table {}", r.id);
        if let Some(v) = &r.vpc {
            let _ = write!(s, " vpc {v}");
        }
        if r.main {
            s.push_str(" main");
        }
        if !r.subnets.is_empty() {
            let _ = write!(s, " subnets {}", join(&r.subnets));
        }
        self.line(&s);
        for rt in &r.routes {
            let mut s = format!("route {} via {}", rt.destination, rt.target);
            if rt.blackhole {
                s.push_str(" blackhole");
            }
            self.body(&s);
        }
    }

    fn nacl(&mut self, n: &NetworkAcl) {
        self.block("nacl");
        let mut s = format!("nacl {}", n.id);
        if let Some(v) = &n.vpc {
            let _ = write!(s, " vpc {v}");
        }
        if n.is_default {
            s.push_str(" default");
        }
        if let Some(o) = &n.owner {
            let _ = write!(s, " owner {o}");
        }
        if !n.subnets.is_empty() {
            let _ = write!(s, " subnets {}", join(&n.subnets));
        }
        self.line(&s);
        for e in &n.entries {
            let kw = match e.direction {
                crate::net::Direction::Ingress => "from",
                crate::net::Direction::Egress => "to",
            };
            match l4_text(e.protocol, e.l4) {
                Some(l4) => {
                    let l4 = if l4.is_empty() { l4 } else { format!(" {l4}") };
                    self.body(&format!(
                        "{} {} {} {}{l4} {kw} {}",
                        e.direction, e.rule_number, e.action, e.protocol, e.cidr
                    ));
                }
                None => self.body(&format!(
                    "# {} {} {} {} (matches nothing) {kw} {}",
                    e.direction, e.rule_number, e.action, e.protocol, e.cidr
                )),
            }
        }
    }

    fn group(&mut self, g: &SecurityGroup) {
        self.block("group");
        let mut s = format!("group {}", g.id);
        if let Some(d) = &g.description {
            let _ = write!(s, " {}", quote(d));
        }
        if let Some(n) = &g.name {
            let _ = write!(s, " name {}", quote(n));
        }
        if let Some(v) = &g.vpc {
            let _ = write!(s, " vpc {v}");
        }
        if let Some(o) = &g.owner {
            let _ = write!(s, " owner {o}");
        }
        self.line(&s);
        for (dir, rules) in [
            (crate::net::Direction::Ingress, &g.ingress),
            (crate::net::Direction::Egress, &g.egress),
        ] {
            let kw = match dir {
                crate::net::Direction::Ingress => "from",
                crate::net::Direction::Egress => "to",
            };
            let mut i = 0;
            while i < rules.len() {
                let r = &rules[i];
                let Some(l4) = l4_text(r.protocol, r.l4) else {
                    self.body(&format!(
                        "# {dir} {} (an ICMP match that matches nothing) {kw} {}",
                        r.protocol, r.peer
                    ));
                    i += 1;
                    continue;
                };
                // Merge the following rules that differ only in their peer.
                let mut j = i + 1;
                if r.rule_id.is_none() {
                    while j < rules.len() {
                        let n = &rules[j];
                        if n.rule_id.is_none()
                            && n.protocol == r.protocol
                            && L4::normalize(n.protocol, n.l4) == L4::normalize(r.protocol, r.l4)
                            && n.description == r.description
                        {
                            j += 1;
                        } else {
                            break;
                        }
                    }
                }
                let peers: Vec<String> = rules[i..j].iter().map(|r| r.peer.to_string()).collect();
                let l4 = if l4.is_empty() { l4 } else { format!(" {l4}") };
                let mut s = format!("{dir} {}{l4} {kw} {}", r.protocol, peers.join(", "));
                if let Some(d) = &r.description {
                    let _ = write!(s, " {}", quote(d));
                }
                if let Some(id) = &r.rule_id {
                    let _ = write!(s, " id {id}");
                }
                self.body(&s);
                i = j;
            }
        }
    }

    fn instance(
        &mut self,
        inst: &Instance,
        t: &Topology,
        enis_by_id: &HashMap<&str, Vec<usize>>,
        vols_by_id: &HashMap<&str, usize>,
        printed_enis: &mut HashSet<usize>,
        printed_vols: &mut HashSet<usize>,
    ) {
        self.block("instance");
        // Which block device carries `root`.
        let root_bd = inst.root_device_name.as_ref().and_then(|name| {
            inst.block_devices.iter().position(|bd| {
                &bd.device == name
                    && bd
                        .volume
                        .as_ref()
                        .is_some_and(|v| vols_by_id.contains_key(v.as_str()))
            })
        });
        let mut s = format!("instance {} state {}", inst.id, inst.state);
        if let Some(x) = &inst.instance_type {
            let _ = write!(s, " type {x}");
        }
        if let Some(x) = &inst.az {
            let _ = write!(s, " az {x}");
        }
        if let Some(x) = &inst.subnet {
            let _ = write!(s, " subnet {x}");
        }
        if let Some(x) = &inst.vpc {
            let _ = write!(s, " vpc {x}");
        }
        if inst.hibernation {
            s.push_str(" hibernation");
        }
        if let Some(x) = &inst.placement_group {
            let _ = write!(s, " placement {x}");
        }
        if let (Some(x), None) = (&inst.root_device_name, root_bd) {
            let _ = write!(s, " root-device {x}");
        }
        if let Some(x) = &inst.root_device_type
            && !(root_bd.is_some() && x == "ebs")
        {
            let _ = write!(s, " root-type {x}");
        }
        if let Some(x) = &inst.owner {
            let _ = write!(s, " owner {x}");
        }
        self.line(&s);
        for id in &inst.enis {
            let found = enis_by_id.get(id.as_str()).and_then(|v| {
                v.iter().copied().find(|i| {
                    !printed_enis.contains(i)
                        && t.enis[*i]
                            .attachment
                            .as_ref()
                            .is_some_and(|a| a.instance.as_ref() == Some(&inst.id))
                })
            });
            match found {
                Some(i) => {
                    printed_enis.insert(i);
                    self.body(&eni_line(&t.enis[i], false));
                }
                None => self.body(&format!("# eni {id} (not in this topology)")),
            }
        }
        for (k, bd) in inst.block_devices.iter().enumerate() {
            let vol = bd
                .volume
                .as_ref()
                .and_then(|v| vols_by_id.get(v.as_str()).copied());
            let Some(vi) = vol else {
                let what = bd.volume.as_ref().map_or("instance store", |v| v.as_str());
                self.body(&format!("# block device {} ({what})", bd.device));
                continue;
            };
            let v = &t.volumes[vi];
            let mut s = format!("volume {}", v.id);
            if printed_vols.insert(vi) {
                volume_props(&mut s, v);
            }
            let _ = write!(s, " device {}", bd.device);
            if root_bd == Some(k) {
                s.push_str(" root");
            }
            match bd.delete_on_termination {
                Some(true) => s.push_str(" delete-on-termination"),
                Some(false) => s.push_str(" keep-on-termination"),
                None => {}
            }
            self.body(&s);
        }
        let mut i = 0;
        let ls = &inst.listeners;
        while i < ls.len() {
            let mut j = i + 1;
            while j < ls.len() && ls[j].protocol == ls[i].protocol {
                j += 1;
            }
            let ports: Vec<String> = ls[i..j].iter().map(|l| l.ports.to_string()).collect();
            self.body(&format!("listen {} {}", ls[i].protocol, ports.join(", ")));
            i = j;
        }
    }
}

fn volume_props(s: &mut String, v: &Volume) {
    if let Some(n) = v.size_gib {
        let _ = write!(s, " {n}GiB");
    }
    if let Some(t) = &v.volume_type {
        if VOLUME_TYPES.contains(&t.as_str()) {
            let _ = write!(s, " {t}");
        } else {
            let _ = write!(s, " type {t}");
        }
    }
    if v.encrypted {
        s.push_str(" encrypted");
    }
    if v.multi_attach {
        s.push_str(" multi-attach");
    }
    if let Some(az) = &v.az {
        let _ = write!(s, " az {az}");
    }
    if let Some(st) = &v.state {
        let _ = write!(s, " state {st}");
    }
}

fn eni_line(e: &Eni, standalone: bool) -> String {
    let mut s = format!("eni {}", e.id);
    if let Some(x) = &e.subnet {
        let _ = write!(s, " subnet {x}");
    }
    if let Some(x) = &e.vpc {
        let _ = write!(s, " vpc {x}");
    }
    if let Some(x) = &e.az {
        let _ = write!(s, " az {x}");
    }
    if !e.private_ips.is_empty() {
        let items: Vec<String> = e
            .private_ips
            .iter()
            .map(|p| match &p.public {
                None => p.ip.to_string(),
                Some(pb) => {
                    // `public` is exactly {no allocation, owner amazon}; all else is `eip`.
                    let auto =
                        pb.allocation_id.is_none() && pb.ip_owner.as_deref() == Some("amazon");
                    if !auto {
                        match &pb.allocation_id {
                            Some(a) if a.starts_with("eipalloc-") => {
                                format!("{} eip {} {a}", p.ip, pb.ip)
                            }
                            _ => format!("{} eip {}", p.ip, pb.ip),
                        }
                    } else {
                        format!("{} public {}", p.ip, pb.ip)
                    }
                }
            })
            .collect();
        let _ = write!(s, " ip {}", items.join(", "));
    }
    if !e.ipv6.is_empty() {
        let _ = write!(s, " ipv6 {}", join(&e.ipv6));
    }
    if !e.groups.is_empty() {
        let _ = write!(s, " groups {}", join(&e.groups));
    }
    if let Some(i) = e.attachment.as_ref().and_then(|a| a.device_index) {
        let _ = write!(s, " index {i}");
    }
    if let Some(x) = &e.interface_type {
        let _ = write!(s, " type {x}");
    }
    if let Some(x) = &e.status {
        let _ = write!(s, " status {x}");
    }
    if let Some(x) = e.source_dest_check {
        let _ = write!(s, " source-dest-check {x}");
    }
    if let Some(x) = &e.owner {
        let _ = write!(s, " owner {x}");
    }
    if let Some(x) = &e.description {
        let _ = write!(s, " {}", quote(x));
    }
    if standalone && let Some(i) = e.attachment.as_ref().and_then(|a| a.instance.as_ref()) {
        let _ = write!(s, " attached-to {i}");
    }
    s
}

fn address_line(a: &Address) -> String {
    let mut s = "eip".to_string();
    if let Some(ip) = a.public_ip {
        let _ = write!(s, " {ip}");
    }
    match &a.allocation_id {
        Some(x) if x.starts_with("eipalloc-") => {
            let _ = write!(s, " {x}");
        }
        Some(x) => {
            let _ = write!(s, " allocation {x}");
        }
        None => {}
    }
    match &a.association_id {
        Some(x) if x.starts_with("eipassoc-") => {
            let _ = write!(s, " {x}");
        }
        Some(x) => {
            let _ = write!(s, " association {x}");
        }
        None => {}
    }
    if let Some(x) = &a.instance {
        let _ = write!(s, " instance {x}");
    }
    if let Some(x) = &a.eni {
        let _ = write!(s, " eni {x}");
    }
    if let Some(x) = a.private_ip {
        let _ = write!(s, " private-ip {x}");
    }
    if let Some(x) = &a.domain {
        let _ = write!(s, " domain {x}");
    }
    s
}
