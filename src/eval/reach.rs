//! The layered path walk: can A reach B on a port, and why (not)?
//!
//! [`Reach::new`] builds everything once per run (the compiled security-group index, one
//! compiled NACL per ACL, address → ENI tables, per-subnet NACL and route table); then
//! [`Reach::answer`] answers a [`Question`] with one [`Answer`] per concrete pair of
//! endpoints. Section numbers (§) refer to `docs/semantics.md`.
//!
//! # Layers
//!
//! Every answer reports the nine layers below, in this order, each `allow`, `deny`,
//! `not-crossed` or `unknown`:
//!
//! | layer | what is checked |
//! |---|---|
//! | `instance-state` | both ends' instances are `running`; a destination address no ENI holds answers nothing (§5.2) |
//! | `public-address` | traffic through the internet gateway: the destination's public IP/EIP exists (an auto-assigned one is released on stop), the sender has one (or a NAT route) (§4.2, §4.4, §5.3) |
//! | `route` | forward and reply routes: local (always implied for the VPC's blocks), internet gateway attached to the VPC, NAT, peering on both sides, blackholes, missing routes (§4) |
//! | `source-sg-egress` | the client ENI's groups allow the connection out (union, allow-only, §2.2) |
//! | `source-nacl-egress` | the client subnet's NACL, outbound, when the packet leaves the subnet (§3.2) |
//! | `destination-nacl-ingress` | the server subnet's NACL, inbound, when the packet enters the subnet |
//! | `destination-sg-ingress` | the server ENI's groups allow the connection in, from the source address as seen there (public after the internet gateway, §4.4) |
//! | `return-nacl` | NACLs are stateless: the reply to the client's ephemeral ports 1024-65535 must leave the server subnet and enter the client subnet; failing sub-ranges are listed (§3.3) |
//! | `listener` | a declared listener (`listen`, `--listening`) on the port; none declared = assumed listening |
//!
//! Groups are stateful: replies need no rules (§2.3). A group reference matches private
//! addresses only, so after a hairpin through the internet gateway it does not (§8.1).
//!
//! # Verdict and symptom
//!
//! `blocked` when a layer denies (`blocked_at` is the first, `blocks` all of them),
//! `unknown` when nothing denies but something could not be decided (an unresolved
//! reference, a route leaving the input), else `allowed`. A CIDR endpoint is answered
//! per sub-range: `partial` when some pass and some do not. The symptom is what a TCP
//! client sees: any drop is a `timeout` (a dropped RST too, §4.1); an open path to a
//! host that declares listeners, none on the port, is `refused`; otherwise `connects`.
//!
//! # Assumptions (stated in the answer's details when used)
//!
//! - A VPC with no network ACL in the input has AWS's default NACL (allow all); a VPC
//!   whose route tables are missing still has its local route.
//! - An ENI attached to an instance that is not in the input is taken to be running.
//! - `internet` is one representative public address outside every block the input
//!   names ([`Reach::internet_v4`], [`Reach::internet_v6`]); a NAT gateway's address,
//!   which exports do not carry, is taken to be that address too.

use super::endpoint::{Endpoint, PortSpec, Question};
use crate::index::intervals::IntervalSet;
use crate::index::nacl::{CompiledNacl, NaclVerdict};
use crate::index::naive::{self, Unresolved};
use crate::index::{CompiledIndex, Decision, Packet};
use crate::model::{
    ADDRESS_RECORD, Eni, EniId, Instance, InstanceState, Lookup, NaclAction, NaclEntry, Origin,
    Peer, Route, RouteDestination, RouteTable, RouteTarget, Rule, Topology,
};
use crate::net::{Cidr, Direction, Family, L4, PacketL4, PortRange, Protocol};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

// ---------------------------------------------------------------------------------------
// Answer types

/// The layers of a path, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// Both instances running; a destination address that some ENI holds.
    InstanceState,
    /// Public IP / EIP where the internet gateway is crossed.
    PublicAddress,
    /// Forward and reply routes.
    Route,
    /// The client ENI's security groups, outbound.
    SourceSgEgress,
    /// The client subnet's NACL, outbound.
    SourceNaclEgress,
    /// The server subnet's NACL, inbound.
    DestinationNaclIngress,
    /// The server ENI's security groups, inbound.
    DestinationSgIngress,
    /// Both NACLs for the reply to the client's ephemeral ports.
    ReturnNacl,
    /// A process listening on the port.
    Listener,
}

impl Layer {
    /// Every layer, in report order.
    pub const ALL: [Layer; 9] = [
        Layer::InstanceState,
        Layer::PublicAddress,
        Layer::Route,
        Layer::SourceSgEgress,
        Layer::SourceNaclEgress,
        Layer::DestinationNaclIngress,
        Layer::DestinationSgIngress,
        Layer::ReturnNacl,
        Layer::Listener,
    ];

    /// The name used in JSON and text.
    pub fn name(self) -> &'static str {
        match self {
            Layer::InstanceState => "instance-state",
            Layer::PublicAddress => "public-address",
            Layer::Route => "route",
            Layer::SourceSgEgress => "source-sg-egress",
            Layer::SourceNaclEgress => "source-nacl-egress",
            Layer::DestinationNaclIngress => "destination-nacl-ingress",
            Layer::DestinationSgIngress => "destination-sg-ingress",
            Layer::ReturnNacl => "return-nacl",
            Layer::Listener => "listener",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What one layer did to the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// It passes.
    Allow,
    /// It is dropped here.
    Deny,
    /// The packet does not meet this layer (same subnet, outside the input, …).
    NotCrossed,
    /// The input does not say (unresolved reference, data missing).
    Unknown,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allow => "allow",
            Outcome::Deny => "deny",
            Outcome::NotCrossed => "not-crossed",
            Outcome::Unknown => "unknown",
        })
    }
}

/// A rule (or entry, route, listener) quoted in an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cited {
    /// The object holding it: a group, NACL, route table, instance or ENI id.
    pub group: String,
    /// The rule in rule-language form.
    pub rule: String,
    /// Where it was read.
    pub origin: Option<Origin>,
}

/// One layer's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerResult {
    /// Which layer.
    pub layer: Layer,
    /// What it did.
    pub result: Outcome,
    /// The deciding rules (every matching rule for a group allow; the nearest miss for a
    /// deny).
    pub rules: Vec<Cited>,
    /// One sentence.
    pub detail: String,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every layer passes.
    Allowed,
    /// Some layer drops it.
    Blocked,
    /// Some addresses of a CIDR endpoint (or ENIs of a group) pass and some do not.
    Partial,
    /// Nothing drops it, but some layer could not be decided from the input.
    Unknown,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Allowed => "allowed",
            Verdict::Blocked => "blocked",
            Verdict::Partial => "partial",
            Verdict::Unknown => "unknown",
        })
    }
}

/// What the client would see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Symptom {
    /// The connection opens.
    Connects,
    /// Nothing comes back.
    Timeout,
    /// A reset (or ICMP port unreachable) comes back.
    Refused,
}

impl fmt::Display for Symptom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Symptom::Connects => "connects",
            Symptom::Timeout => "timeout",
            Symptom::Refused => "refused",
        })
    }
}

/// The answer for one sub-range of a CIDR endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RangeAnswer {
    /// The source addresses (`a-b` or one address).
    pub from: String,
    /// The destination addresses.
    pub to: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// Its symptom.
    pub symptom: Symptom,
    /// Its first denying layer.
    pub blocked_at: Option<Layer>,
}

/// The answer for one pair of endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The source as resolved (`i-… (eni-…, 10.0.1.5)`).
    pub from: String,
    /// The destination as resolved, with the address used.
    pub to: String,
    /// The address the client dials (for `internet`, its representative address);
    /// `None` for a CIDR block. Not in the JSON: `to` shows it.
    #[serde(skip)]
    pub to_addr: Option<IpAddr>,
    /// The network interface holding [`Answer::to_addr`], when it is in the input.
    /// Not in the JSON: `to` shows it.
    #[serde(skip)]
    pub to_eni: Option<EniId>,
    /// Protocol and port.
    pub port: String,
    /// Allowed, blocked, partial or unknown.
    pub verdict: Verdict,
    /// What the client would see.
    pub symptom: Symptom,
    /// The first layer that denies.
    pub blocked_at: Option<Layer>,
    /// Every layer that denies.
    pub blocks: Vec<Layer>,
    /// The nine layers in order (for a CIDR endpoint: those of the first sub-range that
    /// does not pass, or of the first sub-range).
    pub layers: Vec<LayerResult>,
    /// Per sub-range answers, for CIDR endpoints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<RangeAnswer>,
    /// When `return-nacl` drops the TCP or UDP reply to only some of the client's
    /// ephemeral ports 1024-65535: the ports whose reply still gets through every NACL
    /// on the reply path (a client using one of them is not stopped there, §3.3).
    /// Empty when the layer does not deny, denies every port, or the protocol has no
    /// ports. Not in the JSON: the layer's detail lists the ranges.
    #[serde(skip)]
    pub reply_ports: Vec<PortRange>,
}

impl Answer {
    /// The result of one layer.
    pub fn layer(&self, layer: Layer) -> Option<&LayerResult> {
        self.layers.iter().find(|l| l.layer == layer)
    }
}

/// Why a question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReachError(pub String);

/// Options of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `--listening`: ports the destination listens on (TCP and UDP), overriding
    /// declared listeners.
    pub listening: Option<Vec<PortRange>>,
    /// Build details and quoted rules (off for fast batch answers).
    pub explain: bool,
}

// ---------------------------------------------------------------------------------------
// The engine

/// Position of `item` in `slice`, when it is an element of it.
fn index_in<T>(slice: &[T], item: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>().max(1);
    let off = (item as *const T as usize).wrapping_sub(slice.as_ptr() as usize) / size;
    (off < slice.len() && std::ptr::eq(&slice[off], item)).then_some(off)
}

/// Address blocks that are not reachable on the internet (RFC 1918, CGNAT, loopback,
/// link-local, multicast, reserved; IPv6 unique-local, link-local, multicast).
const NON_PUBLIC_V4: [(u32, u8); 9] = [
    (0x0000_0000, 8),
    (0x0A00_0000, 8),
    (0x6440_0000, 10),
    (0x7F00_0000, 8),
    (0xA9FE_0000, 16),
    (0xAC10_0000, 12),
    (0xC0A8_0000, 16),
    (0xE000_0000, 4),
    (0xF000_0000, 4),
];

fn v4_block(base: u32, len: u8) -> (u32, u32) {
    let span = if len == 0 {
        u32::MAX
    } else {
        (1u32 << (32 - u32::from(len))) - 1
    };
    (base, base | span)
}

/// Whether an address can be a client on the internet.
pub fn is_public(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => {
            let x = u32::from(a);
            !NON_PUBLIC_V4.iter().any(|&(b, l)| {
                let (lo, hi) = v4_block(b, l);
                lo <= x && x <= hi
            })
        }
        IpAddr::V6(a) => {
            let s = a.segments()[0];
            !(a.is_unspecified()
                || a.is_loopback()
                || (s & 0xfe00) == 0xfc00
                || (s & 0xffc0) == 0xfe80
                || (s & 0xff00) == 0xff00)
        }
    }
}

/// How an address belongs to an ENI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    Private,
    Public,
}

/// The reachability engine over one topology.
#[derive(Debug)]
pub struct Reach<'t> {
    topo: &'t Topology,
    lookup: Lookup<'t>,
    index: CompiledIndex,
    nacls: Vec<CompiledNacl<'t>>,
    /// Per ENI: subnet index, instance index.
    eni_subnet: Vec<Option<usize>>,
    eni_instance: Vec<Option<usize>>,
    /// Per subnet: NACL index (or `Err(true)` = VPC has no NACL at all in the input),
    /// route table index.
    subnet_nacl: Vec<Result<usize, bool>>,
    subnet_rt: Vec<Option<usize>>,
    /// Address → ENIs holding it.
    owners: HashMap<IpAddr, Vec<(usize, Held)>>,
    /// Sorted cut points of every block the input names, for CIDR endpoints.
    cuts_v4: Vec<u32>,
    cuts_v6: Vec<u128>,
    internet_v4: Ipv4Addr,
    internet_v6: Ipv6Addr,
    options: Options,
}

/// One resolved end.
#[derive(Debug, Clone, Copy)]
struct Side {
    eni: Option<usize>,
    /// Source: the address it sends from. Destination: the address the client dials.
    addr: IpAddr,
    /// Destination only: the address is the ENI's public IPv4 (or a global IPv6 address
    /// reached from outside).
    via_public: bool,
    /// Subnet index.
    subnet: Option<usize>,
    /// VPC index (into `Topology::vpcs`) or none.
    vpc: Option<usize>,
    /// Source is `internet` (a representative address).
    internet: bool,
}

impl Side {
    /// The internet, represented by `addr`.
    fn internet(addr: IpAddr) -> Side {
        Side {
            eni: None,
            addr,
            via_public: false,
            subnet: None,
            vpc: None,
            internet: true,
        }
    }
}

/// A route lookup result.
#[derive(Debug, Clone, Copy)]
enum Hop<'t> {
    Route(&'t RouteTable, &'t Route),
    /// The local route every table has for its VPC's blocks.
    ImplicitLocal(Cidr),
    /// No route covers the address.
    NoRoute(Option<&'t RouteTable>),
    /// The subnet's route table is not in the input.
    NoTable,
}

impl Hop<'_> {
    fn target(&self) -> Option<&RouteTarget> {
        match self {
            Hop::Route(_, r) if !r.blackhole => Some(&r.target),
            Hop::ImplicitLocal(_) => Some(&RouteTarget::Local),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Hop::Route(t, r) => format!(
                "{} {} via {}{}",
                t.id,
                r.destination,
                r.target,
                if r.blackhole { " (blackhole)" } else { "" }
            ),
            Hop::ImplicitLocal(c) => format!("{c} via local (implied)"),
            Hop::NoRoute(Some(t)) => format!("no route in {}", t.id),
            Hop::NoRoute(None) => "no route".to_string(),
            Hop::NoTable => "route table not in the input".to_string(),
        }
    }

    fn cite(&self) -> Option<Cited> {
        match self {
            Hop::Route(t, r) => Some(Cited {
                group: t.id.to_string(),
                rule: format!(
                    "route {} via {}{}",
                    r.destination,
                    r.target,
                    if r.blackhole { " blackhole" } else { "" }
                ),
                origin: Some(r.origin.clone()),
            }),
            _ => None,
        }
    }
}

/// Every layer result as it is built.
struct Walk {
    layers: [LayerResult; 9],
    explain: bool,
    /// The client ports whose reply passes every NACL leg judged so far (`None`: no
    /// leg restricted them).
    reply_ports: Option<IntervalSet<u16>>,
}

impl Walk {
    fn new(explain: bool) -> Walk {
        Walk {
            layers: Layer::ALL.map(|layer| LayerResult {
                layer,
                result: Outcome::NotCrossed,
                rules: Vec::new(),
                detail: String::new(),
            }),
            explain,
            reply_ports: None,
        }
    }

    /// Narrows the client ports whose reply gets through to those `passing` also lets
    /// through (one more NACL leg).
    fn restrict_reply(&mut self, passing: IntervalSet<u16>) {
        self.reply_ports = Some(match self.reply_ports.take() {
            Some(s) => s.intersect(&passing),
            None => passing,
        });
    }

    fn set(&mut self, layer: Layer, result: Outcome, detail: impl FnOnce() -> String) {
        let l = &mut self.layers[layer.slot()];
        l.result = result;
        if self.explain {
            l.detail = detail();
        }
    }

    /// Records a deny or unknown unless the layer already denies (the first reason
    /// stays; later ones are appended).
    fn worsen(&mut self, layer: Layer, result: Outcome, detail: impl FnOnce() -> String) {
        let l = &mut self.layers[layer.slot()];
        let rank = |o: Outcome| match o {
            Outcome::NotCrossed => 0,
            Outcome::Allow => 1,
            Outcome::Unknown => 2,
            Outcome::Deny => 3,
        };
        if self.explain {
            let d = detail();
            if l.detail.is_empty() || rank(result) > rank(l.result) {
                if !l.detail.is_empty() && rank(result) > rank(l.result) {
                    l.detail = format!("{d}; {}", l.detail);
                } else {
                    l.detail = d;
                }
            } else {
                l.detail = format!("{}; {d}", l.detail);
            }
        }
        if rank(result) > rank(l.result) {
            l.result = result;
        }
    }

    fn cite(&mut self, layer: Layer, c: impl FnOnce() -> Option<Cited>) {
        if self.explain
            && let Some(c) = c()
        {
            self.layers[layer.slot()].rules.push(c);
        }
    }

    fn finish(
        mut self,
        from: String,
        to: String,
        (to_addr, to_eni): (IpAddr, Option<EniId>),
        port: String,
    ) -> Answer {
        if self.explain {
            for l in &mut self.layers {
                if l.detail.is_empty() {
                    l.detail = "not on this path".into();
                }
            }
        }
        let blocks: Vec<Layer> = self
            .layers
            .iter()
            .filter(|l| l.result == Outcome::Deny)
            .map(|l| l.layer)
            .collect();
        let unknown = self.layers.iter().any(|l| l.result == Outcome::Unknown);
        let verdict = if !blocks.is_empty() {
            Verdict::Blocked
        } else if unknown {
            Verdict::Unknown
        } else {
            Verdict::Allowed
        };
        let reply_ports = match &self.reply_ports {
            Some(s) if blocks.contains(&Layer::ReturnNacl) => s
                .ranges()
                .iter()
                .map(|&(lo, hi)| PortRange::new(lo, hi))
                .collect(),
            _ => Vec::new(),
        };
        let symptom = if blocks.iter().any(|&l| l != Layer::Listener) {
            Symptom::Timeout
        } else if blocks.contains(&Layer::Listener) {
            Symptom::Refused
        } else {
            Symptom::Connects
        };
        Answer {
            from,
            to,
            to_addr: Some(to_addr),
            to_eni,
            port,
            verdict,
            symptom,
            blocked_at: blocks.first().copied(),
            blocks,
            layers: self.layers.into_iter().collect(),
            ranges: Vec::new(),
            reply_ports,
        }
    }
}

/// Text of a security group rule, in the rule language.
pub fn rule_text(rule: &Rule) -> String {
    let (dir, kw) = match rule.direction {
        Direction::Ingress => ("in", "from"),
        Direction::Egress => ("out", "to"),
    };
    let l4 = match L4::normalize(rule.protocol, rule.l4) {
        L4::Any => String::new(),
        L4::Ports(p) if p.is_all() => String::new(),
        L4::Icmp(m) if m.is_any() => String::new(),
        other => format!(" {other}"),
    };
    let desc = rule
        .description
        .as_deref()
        .map(|d| format!(" \"{d}\""))
        .unwrap_or_default();
    format!("{dir} {}{l4} {kw} {}{desc}", rule.protocol, rule.peer)
}

/// Text of a NACL entry, in the rule language.
pub fn entry_text(e: &NaclEntry) -> String {
    let (dir, kw) = match e.direction {
        Direction::Ingress => ("in", "from"),
        Direction::Egress => ("out", "to"),
    };
    let l4 = match L4::normalize(e.protocol, e.l4) {
        L4::Any => String::new(),
        L4::Ports(p) if p.is_all() => String::new(),
        other => format!(" {other}"),
    };
    let num = if e.rule_number >= 32767 {
        format!("{} (*)", e.rule_number)
    } else {
        e.rule_number.to_string()
    };
    format!(
        "{dir} {num} {} {}{l4} {kw} {}",
        e.action, e.protocol, e.cidr
    )
}

fn packet_text(p: &Packet) -> String {
    match p.l4 {
        PacketL4::Port(x) => format!("{}/{x}", p.protocol),
        PacketL4::Icmp { ty, code } => format!("{} {ty}:{code}", p.protocol),
        PacketL4::None => format!("protocol {}", p.protocol),
    }
}

/// The reply of an ICMP query message, if it has one.
pub(crate) fn icmp_reply(protocol: Protocol, ty: u8) -> Option<u8> {
    match (protocol, ty) {
        (Protocol::Icmp, 8) => Some(0),
        (Protocol::Icmp, 13) => Some(14),
        (Protocol::Icmp, 15) => Some(16),
        (Protocol::Icmp, 17) => Some(18),
        (Protocol::Icmpv6, 128) => Some(129),
        _ => None,
    }
}

fn family(a: IpAddr) -> Family {
    if a.is_ipv6() { Family::V6 } else { Family::V4 }
}

/// A source or destination candidate before the pair is resolved.
#[derive(Debug, Clone, Copy)]
enum Spec {
    Internet,
    /// An ENI; the address when the endpoint named one of its addresses.
    Eni(usize, Option<(IpAddr, Held)>),
    /// An address no ENI holds.
    Addr(IpAddr),
}

/// The client ports a reply may go to: 1024-65535 (§3.2).
pub(crate) const EPHEMERAL: (u16, u16) = (1024, 65535);

impl<'t> Reach<'t> {
    /// Builds the engine: compiles the groups and NACLs and indexes addresses.
    pub fn new(topo: &'t Topology, options: Options) -> Reach<'t> {
        let lookup = topo.lookup();
        let index = CompiledIndex::new(topo);
        let nacls = topo.network_acls.iter().map(CompiledNacl::new).collect();
        let mut owners: HashMap<IpAddr, Vec<(usize, Held)>> = HashMap::new();
        let mut eni_subnet = Vec::with_capacity(topo.enis.len());
        let mut eni_instance = Vec::with_capacity(topo.enis.len());
        let mut inst_by_id: HashMap<&str, usize> = HashMap::new();
        for (i, inst) in topo.instances.iter().enumerate() {
            inst_by_id.entry(inst.id.as_str()).or_insert(i);
        }
        for (i, eni) in topo.enis.iter().enumerate() {
            for p in &eni.private_ips {
                owners
                    .entry(IpAddr::V4(p.ip))
                    .or_default()
                    .push((i, Held::Private));
                if let Some(pb) = &p.public {
                    owners
                        .entry(IpAddr::V4(pb.ip))
                        .or_default()
                        .push((i, Held::Public));
                }
            }
            for a in &eni.ipv6 {
                owners
                    .entry(IpAddr::V6(*a))
                    .or_default()
                    .push((i, Held::Private));
            }
            eni_subnet.push(
                eni.subnet
                    .as_ref()
                    .and_then(|s| lookup.subnet(s.as_str(), Some(&eni.scope)))
                    .and_then(|s| index_in(&topo.subnets, s)),
            );
            let by_attachment = eni
                .attachment
                .as_ref()
                .and_then(|a| a.instance.as_ref())
                .and_then(|id| lookup.instance(id.as_str(), Some(&eni.scope)))
                .and_then(|x| index_in(&topo.instances, x));
            let by_list = || {
                topo.instances
                    .iter()
                    .position(|inst| inst.enis.contains(&eni.id) && inst.scope == eni.scope)
            };
            eni_instance.push(by_attachment.or_else(by_list));
        }
        let mut subnet_nacl = Vec::with_capacity(topo.subnets.len());
        let mut subnet_rt = Vec::with_capacity(topo.subnets.len());
        for s in &topo.subnets {
            let nacl = lookup
                .nacl_for_subnet(s)
                .and_then(|n| index_in(&topo.network_acls, n));
            subnet_nacl.push(match nacl {
                Some(n) => Ok(n),
                None => Err(!topo
                    .network_acls
                    .iter()
                    .any(|n| n.vpc.is_some() && n.vpc == s.vpc)),
            });
            subnet_rt.push(
                lookup
                    .route_table_for_subnet(s)
                    .and_then(|r| index_in(&topo.route_tables, r)),
            );
        }
        let (cuts_v4, cuts_v6, specific_v4, specific_v6) = Self::cuts(topo);
        let pick4 = [
            Ipv4Addr::new(203, 0, 113, 9),
            Ipv4Addr::new(198, 51, 100, 9),
            Ipv4Addr::new(192, 0, 2, 9),
            Ipv4Addr::new(8, 8, 8, 8),
            Ipv4Addr::new(1, 1, 1, 1),
            Ipv4Addr::new(9, 9, 9, 9),
        ];
        let internet_v4 = pick4
            .into_iter()
            .find(|a| {
                let x = u32::from(*a);
                !specific_v4.iter().any(|&(lo, hi)| lo <= x && x <= hi)
            })
            .unwrap_or(pick4[0]);
        let pick6 = [
            Ipv6Addr::new(0x2001, 0xdb8, 0xffff, 0xffff, 0, 0, 0, 9),
            Ipv6Addr::new(0x2001, 0xdb8, 0xabcd, 0, 0, 0, 0, 9),
            Ipv6Addr::new(0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111),
        ];
        let internet_v6 = pick6
            .into_iter()
            .find(|a| {
                let x = u128::from(*a);
                !specific_v6.iter().any(|&(lo, hi)| lo <= x && x <= hi)
            })
            .unwrap_or(pick6[0]);
        Reach {
            topo,
            lookup,
            index,
            nacls,
            eni_subnet,
            eni_instance,
            subnet_nacl,
            subnet_rt,
            owners,
            cuts_v4,
            cuts_v6,
            internet_v4,
            internet_v6,
            options,
        }
    }

    /// Cut points of every block named in the input, and the blocks narrower than /0.
    #[allow(clippy::type_complexity)]
    fn cuts(topo: &Topology) -> (Vec<u32>, Vec<u128>, Vec<(u32, u32)>, Vec<(u128, u128)>) {
        let mut v4: Vec<(u32, u32)> = Vec::new();
        let mut v6: Vec<(u128, u128)> = Vec::new();
        let mut add = |c: &Cidr| {
            if c.prefix_len() == 0 {
                return;
            }
            if let Some(r) = c.v4_range() {
                v4.push((r.lo(), r.hi()));
            }
            if let Some(r) = c.v6_range() {
                v6.push((r.lo(), r.hi()));
            }
        };
        for g in &topo.security_groups {
            for r in g.all_rules() {
                if let Peer::Cidr { cidr } = &r.peer {
                    add(cidr);
                }
            }
        }
        for n in &topo.network_acls {
            for e in &n.entries {
                add(&e.cidr);
            }
        }
        for rt in &topo.route_tables {
            for r in &rt.routes {
                if let RouteDestination::Cidr { cidr } = &r.destination {
                    add(cidr);
                }
            }
        }
        for v in &topo.vpcs {
            v.cidrs.iter().for_each(&mut add);
        }
        for s in &topo.subnets {
            s.cidr.iter().for_each(&mut add);
            s.ipv6_cidrs.iter().for_each(&mut add);
        }
        for pl in &topo.prefix_lists {
            for e in pl.entries.iter().flatten() {
                add(&e.cidr);
            }
        }
        for e in &topo.enis {
            for p in &e.private_ips {
                add(&Cidr::host(IpAddr::V4(p.ip)));
                if let Some(pb) = &p.public {
                    add(&Cidr::host(IpAddr::V4(pb.ip)));
                }
            }
            for a in &e.ipv6 {
                add(&Cidr::host(IpAddr::V6(*a)));
            }
        }
        let specific_v4 = v4.clone();
        let specific_v6 = v6.clone();
        for &(b, l) in &NON_PUBLIC_V4 {
            v4.push(v4_block(b, l));
        }
        let mut c4: Vec<u32> = v4
            .iter()
            .flat_map(|&(lo, hi)| [Some(lo), hi.checked_add(1)])
            .flatten()
            .collect();
        c4.sort_unstable();
        c4.dedup();
        let mut c6: Vec<u128> = v6
            .iter()
            .flat_map(|&(lo, hi)| [Some(lo), hi.checked_add(1)])
            .flatten()
            .collect();
        c6.sort_unstable();
        c6.dedup();
        (c4, c6, specific_v4, specific_v6)
    }

    /// The representative IPv4 address used for `internet`.
    pub fn internet_v4(&self) -> Ipv4Addr {
        self.internet_v4
    }

    /// The representative IPv6 address used for `internet`.
    pub fn internet_v6(&self) -> Ipv6Addr {
        self.internet_v6
    }

    /// The topology.
    pub fn topology(&self) -> &'t Topology {
        self.topo
    }

    /// The options in use.
    pub fn options(&self) -> &Options {
        &self.options
    }

    // -----------------------------------------------------------------------------------
    // Endpoint resolution

    fn eni(&self, i: usize) -> &'t Eni {
        &self.topo.enis[i]
    }

    fn instance_of(&self, eni: usize) -> Option<&'t Instance> {
        self.eni_instance
            .get(eni)
            .copied()
            .flatten()
            .map(|i| &self.topo.instances[i])
    }

    fn eni_vpc(&self, i: usize) -> Option<usize> {
        let eni = self.eni(i);
        let id = eni
            .vpc
            .as_ref()
            .or_else(|| self.eni_subnet[i].and_then(|s| self.topo.subnets[s].vpc.as_ref()))?;
        self.lookup
            .vpc(id.as_str(), Some(&eni.scope))
            .and_then(|v| index_in(&self.topo.vpcs, v))
    }

    /// An endpoint given as a bare address: placed in the VPC and subnet that hold it.
    fn addr_side(&self, a: IpAddr) -> Side {
        let vpc = self.addr_vpc(a);
        Side {
            eni: None,
            addr: a,
            via_public: false,
            subnet: self.addr_subnet(a, vpc),
            vpc,
            internet: false,
        }
    }

    fn addr_vpc(&self, a: IpAddr) -> Option<usize> {
        self.topo
            .vpcs
            .iter()
            .position(|v| v.cidrs.iter().any(|c| c.contains(a)))
    }

    fn addr_subnet(&self, a: IpAddr, vpc: Option<usize>) -> Option<usize> {
        let vpc_id = vpc.map(|v| &self.topo.vpcs[v].id);
        self.topo.subnets.iter().position(|s| {
            (vpc_id.is_none() || s.vpc.as_ref() == vpc_id)
                && (s.cidr.is_some_and(|c| c.contains(a))
                    || s.ipv6_cidrs.iter().any(|c| c.contains(a)))
        })
    }

    /// The candidates an endpoint stands for. `Err` for ids not in the input.
    fn specs(&self, ep: &Endpoint) -> Result<Vec<Spec>, ReachError> {
        let eni_idx = |e: &Eni| index_in(&self.topo.enis, e);
        Ok(match ep {
            Endpoint::Internet => vec![Spec::Internet],
            Endpoint::Addr(a) => match self.owners.get(a) {
                Some(v) => v
                    .iter()
                    .map(|&(i, h)| Spec::Eni(i, Some((*a, h))))
                    .collect(),
                None => vec![Spec::Addr(*a)],
            },
            Endpoint::Cidr(_) => {
                return Err(ReachError(
                    "internal: CIDR endpoints are expanded first".into(),
                ));
            }
            Endpoint::Instance(id) => {
                let inst = self
                    .lookup
                    .instance(id.as_str(), None)
                    .ok_or_else(|| ReachError(format!("instance {id} is not in the input")))?;
                let primary = inst
                    .enis
                    .iter()
                    .filter_map(|e| self.lookup.eni(e.as_str(), Some(&inst.scope)))
                    .min_by_key(|e| {
                        e.attachment
                            .as_ref()
                            .and_then(|a| a.device_index)
                            .unwrap_or(u32::MAX)
                    })
                    .or_else(|| {
                        self.topo.enis.iter().find(|e| {
                            e.attachment
                                .as_ref()
                                .and_then(|a| a.instance.as_ref())
                                .is_some_and(|i| i == &inst.id)
                        })
                    })
                    .ok_or_else(|| {
                        ReachError(format!(
                            "instance {id} has no network interface in the input"
                        ))
                    })?;
                eni_idx(primary)
                    .map(|i| vec![Spec::Eni(i, None)])
                    .unwrap_or_default()
            }
            Endpoint::Eni(id) => {
                let e = self.lookup.eni(id.as_str(), None).ok_or_else(|| {
                    ReachError(format!("network interface {id} is not in the input"))
                })?;
                eni_idx(e)
                    .map(|i| vec![Spec::Eni(i, None)])
                    .unwrap_or_default()
            }
            Endpoint::Group(g) => {
                let v: Vec<Spec> = self
                    .lookup
                    .members_of(g)
                    .filter_map(eni_idx)
                    .map(|i| Spec::Eni(i, None))
                    .collect();
                if v.is_empty() {
                    let known = self.lookup.group(g.as_str(), None).is_some();
                    return Err(ReachError(if known {
                        format!("no network interface in the input carries {g}")
                    } else {
                        format!("security group {g} is not in the input")
                    }));
                }
                v
            }
        })
    }

    /// Resolves a (source, destination) candidate pair into the two sides.
    /// `Err` for pairs that make no sense (different address families).
    fn sides(&self, src: Spec, dst: Spec) -> Result<(Side, Side), ReachError> {
        // A source on the internet dials the destination's public address.
        let src_is_outside = match src {
            Spec::Internet => true,
            Spec::Addr(a) => self.addr_vpc(a).is_none() && is_public(a),
            Spec::Eni(..) => false,
        };
        // Destination first: its address family decides the source's address.
        let src_family_hint = match src {
            Spec::Addr(a) | Spec::Eni(_, Some((a, _))) => Some(family(a)),
            _ => None,
        };
        let dst_side = match dst {
            Spec::Internet => {
                // An IPv6-only source reaches the internet over IPv6.
                let v6_only = |i: usize| {
                    let e = self.eni(i);
                    e.primary_ip().is_none() && !e.ipv6.is_empty()
                };
                Side::internet(match (src_family_hint, src) {
                    (Some(Family::V6), _) => IpAddr::V6(self.internet_v6),
                    (None, Spec::Eni(i, None)) if v6_only(i) => IpAddr::V6(self.internet_v6),
                    _ => IpAddr::V4(self.internet_v4),
                })
            }
            Spec::Addr(a) => self.addr_side(a),
            Spec::Eni(i, given) => {
                let eni = self.eni(i);
                let (addr, via_public) = match given {
                    Some((a, h)) => (a, h == Held::Public || (a.is_ipv6() && src_is_outside)),
                    None if src_is_outside => {
                        let v6_wanted = src_family_hint == Some(Family::V6);
                        match (eni.public_ips().next(), eni.ipv6.first()) {
                            (Some(p), _) if !v6_wanted => (IpAddr::V4(p.ip), true),
                            (_, Some(v6))
                                if v6_wanted
                                    || (src_family_hint.is_none()
                                        && eni.public_ips().next().is_none()) =>
                            {
                                (IpAddr::V6(*v6), true)
                            }
                            _ => (
                                eni.primary_ip()
                                    .map(IpAddr::V4)
                                    .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
                                false,
                            ),
                        }
                    }
                    None => {
                        let v6_wanted = src_family_hint == Some(Family::V6);
                        match (eni.primary_ip(), eni.ipv6.first()) {
                            (_, Some(v6)) if v6_wanted => (IpAddr::V6(*v6), false),
                            (Some(v4), _) => (IpAddr::V4(v4), false),
                            (None, Some(v6)) => (IpAddr::V6(*v6), false),
                            (None, None) => {
                                return Err(ReachError(format!(
                                    "network interface {} has no address in the input",
                                    eni.id
                                )));
                            }
                        }
                    }
                };
                Side {
                    eni: Some(i),
                    addr,
                    via_public,
                    subnet: self.eni_subnet[i],
                    vpc: self.eni_vpc(i),
                    internet: false,
                }
            }
        };
        let want = family(dst_side.addr);
        let src_side = match src {
            Spec::Internet => Side::internet(match want {
                Family::V4 => IpAddr::V4(self.internet_v4),
                Family::V6 => IpAddr::V6(self.internet_v6),
            }),
            Spec::Addr(a) => self.addr_side(a),
            Spec::Eni(i, given) => {
                let eni = self.eni(i);
                let addr = match given {
                    Some((a, Held::Private)) => Some(a),
                    _ => match want {
                        Family::V4 => eni.primary_ip().map(IpAddr::V4),
                        Family::V6 => eni.ipv6.first().copied().map(IpAddr::V6),
                    },
                };
                let addr = addr.ok_or_else(|| {
                    ReachError(format!(
                        "network interface {} has no {} address to reach {}",
                        eni.id, want, dst_side.addr
                    ))
                })?;
                Side {
                    eni: Some(i),
                    addr,
                    via_public: false,
                    subnet: self.eni_subnet[i],
                    vpc: self.eni_vpc(i),
                    internet: false,
                }
            }
        };
        if family(src_side.addr) != family(dst_side.addr) {
            return Err(ReachError(format!(
                "{} and {} are of different address families",
                src_side.addr, dst_side.addr
            )));
        }
        Ok((src_side, dst_side))
    }

    fn label(&self, s: &Side, dst: bool) -> String {
        if s.internet {
            return format!("internet ({})", s.addr);
        }
        match s.eni {
            Some(i) => {
                let eni = self.eni(i);
                let how = if dst && s.via_public && s.addr.is_ipv4() {
                    "public "
                } else {
                    ""
                };
                match self.instance_of(i) {
                    Some(inst) => format!("{} ({}, {how}{})", inst.id, eni.id, s.addr),
                    None => format!("{} ({how}{})", eni.id, s.addr),
                }
            }
            None => s.addr.to_string(),
        }
    }

    // -----------------------------------------------------------------------------------
    // Answers

    /// Answers a question: one answer per pair of ENIs (group endpoints), CIDR endpoints
    /// answered per sub-range inside one answer.
    ///
    /// # Errors
    /// An id that is not in the input, a group without members, mixed address families,
    /// or a CIDR pair with too many sub-ranges.
    pub fn answer(&self, q: &Question) -> Result<Vec<Answer>, ReachError> {
        let from_units = self.units(&q.from)?;
        let to_units = self.units(&q.to)?;
        let mut out = Vec::new();
        for fu in &from_units {
            for tu in &to_units {
                out.push(self.answer_units(fu, tu, &q.port)?);
            }
        }
        Ok(out)
    }

    fn units(&self, ep: &Endpoint) -> Result<Vec<Unit>, ReachError> {
        match ep {
            Endpoint::Cidr(c) => Ok(vec![Unit::Ranges(self.atoms(c)?)]),
            other => Ok(self.specs(other)?.into_iter().map(Unit::One).collect()),
        }
    }

    fn atoms(&self, c: &Cidr) -> Result<Vec<(IpAddr, IpAddr)>, ReachError> {
        const MAX: usize = 100_000;
        fn split<T: Copy + Ord + Into<u128>>(
            lo: T,
            hi: T,
            cuts: &[T],
            prev: impl Fn(T) -> T,
        ) -> Vec<(T, T)> {
            let from = cuts.partition_point(|&x| x <= lo);
            let to = cuts.partition_point(|&x| x <= hi);
            let mut out = Vec::new();
            let mut start = lo;
            for &cut in &cuts[from..to] {
                out.push((start, prev(cut)));
                start = cut;
            }
            out.push((start, hi));
            out
        }
        let v: Vec<(IpAddr, IpAddr)> = if let Some(r) = c.v4_range() {
            split(r.lo(), r.hi(), &self.cuts_v4, |x| x - 1)
                .into_iter()
                .map(|(a, b)| (IpAddr::V4(a.into()), IpAddr::V4(b.into())))
                .collect()
        } else if let Some(r) = c.v6_range() {
            split(r.lo(), r.hi(), &self.cuts_v6, |x| x - 1)
                .into_iter()
                .map(|(a, b)| (IpAddr::V6(a.into()), IpAddr::V6(b.into())))
                .collect()
        } else {
            Vec::new()
        };
        if v.len() > MAX {
            return Err(ReachError(format!(
                "{c} splits into {} sub-ranges (more than {MAX}); ask about a narrower block",
                v.len()
            )));
        }
        Ok(v)
    }

    fn spec_of_addr(&self, a: IpAddr) -> Spec {
        match self.owners.get(&a).and_then(|v| v.first()) {
            Some(&(i, h)) => Spec::Eni(i, Some((a, h))),
            None => Spec::Addr(a),
        }
    }

    fn answer_units(&self, f: &Unit, t: &Unit, port: &PortSpec) -> Result<Answer, ReachError> {
        let one = |s: Spec, d: Spec| self.answer_pair(s, d, port);
        match (f, t) {
            (Unit::One(s), Unit::One(d)) => one(*s, *d),
            _ => {
                let fr: Vec<(Span, Spec)> = match f {
                    Unit::One(s) => vec![(None, *s)],
                    Unit::Ranges(r) => r
                        .iter()
                        .map(|&(lo, hi)| (Some((lo, hi)), self.spec_of_addr(lo)))
                        .collect(),
                };
                let tr: Vec<(Span, Spec)> = match t {
                    Unit::One(d) => vec![(None, *d)],
                    Unit::Ranges(r) => r
                        .iter()
                        .map(|&(lo, hi)| (Some((lo, hi)), self.spec_of_addr(lo)))
                        .collect(),
                };
                if fr.len().saturating_mul(tr.len()) > 100_000 {
                    return Err(ReachError(
                        "too many sub-range pairs (more than 100000); narrow the blocks".into(),
                    ));
                }
                let mut first: Option<Answer> = None;
                let mut shown: Option<Answer> = None;
                let mut ranges: Vec<RangeAnswer> = Vec::new();
                let range_text = |r: Option<(IpAddr, IpAddr)>, a: &str| match r {
                    Some((lo, hi)) if lo == hi => lo.to_string(),
                    Some((lo, hi)) => format!("{lo}-{hi}"),
                    None => a.to_string(),
                };
                let mut prev: Option<(Span, Span)> = None;
                for (rf, s) in &fr {
                    for (rt, d) in &tr {
                        let a = one(*s, *d)?;
                        let same = ranges.last().is_some_and(|l| {
                            l.verdict == a.verdict
                                && l.blocked_at == a.blocked_at
                                && l.symptom == a.symptom
                        });
                        // Merge consecutive pieces along the ranged side.
                        let mergeable = same
                            && prev.is_some_and(|(pf, pt)| {
                                (rf.is_none() || pt == *rt) && (rt.is_none() || pf == *rf)
                                    || (tr.len() == 1 && pt == *rt)
                                    || (fr.len() == 1 && pf == *rf)
                            });
                        if mergeable {
                            if let Some(last) = ranges.last_mut() {
                                if let Some((_, hi)) = rf
                                    && tr.len() == 1
                                {
                                    let lo = last.from.split('-').next().unwrap_or("").to_string();
                                    last.from = format!("{lo}-{hi}");
                                } else if let Some((_, hi)) = rt {
                                    let lo = last.to.split('-').next().unwrap_or("").to_string();
                                    last.to = format!("{lo}-{hi}");
                                }
                            }
                        } else {
                            ranges.push(RangeAnswer {
                                from: range_text(*rf, &a.from),
                                to: range_text(*rt, &a.to),
                                verdict: a.verdict,
                                symptom: a.symptom,
                                blocked_at: a.blocked_at,
                            });
                        }
                        prev = Some((*rf, *rt));
                        if shown.is_none() && a.verdict != Verdict::Allowed {
                            shown = Some(a.clone());
                        }
                        if first.is_none() {
                            first = Some(a);
                        }
                    }
                }
                let all = |v: Verdict| ranges.iter().all(|r| r.verdict == v);
                // Partial: some sub-ranges pass, some do not. None passing and some
                // unknown: unknown.
                let verdict = if all(Verdict::Allowed) {
                    Verdict::Allowed
                } else if all(Verdict::Blocked) {
                    Verdict::Blocked
                } else if ranges.iter().any(|r| r.verdict == Verdict::Allowed) {
                    Verdict::Partial
                } else {
                    Verdict::Unknown
                };
                let mut out = shown
                    .or(first)
                    .ok_or_else(|| ReachError("empty address block".into()))?;
                if let Unit::Ranges(r) = f
                    && let (Some(lo), Some(hi)) = (r.first(), r.last())
                {
                    out.from = format!("{}-{}", lo.0, hi.1);
                }
                if let Unit::Ranges(r) = t
                    && let (Some(lo), Some(hi)) = (r.first(), r.last())
                {
                    out.to = format!("{}-{}", lo.0, hi.1);
                    out.to_addr = None;
                    out.to_eni = None;
                }
                out.verdict = verdict;
                if verdict == Verdict::Allowed {
                    out.ranges = Vec::new();
                } else {
                    out.ranges = ranges;
                }
                Ok(out)
            }
        }
    }

    /// Answers one concrete pair.
    fn answer_pair(&self, src: Spec, dst: Spec, port: &PortSpec) -> Result<Answer, ReachError> {
        let (s, d) = self.sides(src, dst)?;
        let mut w = Walk::new(self.options.explain);
        self.walk(&s, &d, port, &mut w);
        let (from, to) = if w.explain {
            (self.label(&s, false), self.label(&d, true))
        } else {
            (String::new(), String::new())
        };
        let target = (d.addr, d.eni.map(|i| self.eni(i).id.clone()));
        Ok(w.finish(from, to, target, port.to_string()))
    }

    // -----------------------------------------------------------------------------------
    // The walk

    fn walk(&self, s: &Side, d: &Side, port: &PortSpec, w: &mut Walk) {
        if self.host_service(s, d, port, w) {
            return;
        }
        // An instance's own private address: the kernel loops the packet back before any
        // interface, group or NACL sees it; only whether something listens counts.
        if s.eni.is_some() && s.eni == d.eni && !d.via_public {
            self.on_the_host(
                s,
                d,
                w,
                format!(
                    "{} is the source's own address: looped back by its kernel",
                    d.addr
                ),
                "not crossed: the packet never leaves the host",
            );
            self.listener_layer(d, port, w);
            return;
        }
        let same_subnet = s.subnet.is_some()
            && s.subnet == d.subnet
            && !d.via_public
            && s.eni.is_some()
            && d.eni.is_some();
        self.instance_state(s, d, w);
        // Where the packet leaves the source and what the destination sees as source.
        let seen = self.paths(s, d, same_subnet, w);
        if !same_subnet {
            self.unknown_list_routes(s, d.addr, w);
            self.unknown_list_routes(d, seen.unwrap_or(s.addr), w);
        }
        // Through the internet gateway the destination sees the source's public address;
        // when the path leaves the input, it is not known.
        let hidden = d.via_public && (s.eni.is_some() || s.vpc.is_some()) && seen.is_none();
        let src_seen = seen.unwrap_or(s.addr);
        let src_cross = !same_subnet && (s.eni.is_some() || s.vpc.is_some());
        let dst_cross = !same_subnet && (d.eni.is_some() || d.vpc.is_some());
        let fwd_to = |peer: IpAddr| Packet {
            peer,
            protocol: port.protocol,
            l4: port.l4,
        };
        // Security groups.
        match s.eni {
            Some(i) => self.sg_layer(
                Layer::SourceSgEgress,
                i,
                Direction::Egress,
                &fwd_to(d.addr),
                w,
            ),
            None if s.vpc.is_some() => w.set(Layer::SourceSgEgress, Outcome::Unknown, || {
                format!(
                    "no network interface in the input holds {}: its groups are unknown",
                    s.addr
                )
            }),
            None => w.set(Layer::SourceSgEgress, Outcome::NotCrossed, || {
                format!("{} is outside the input: no security group", s.addr)
            }),
        }
        match d.eni {
            Some(_) if hidden => w.set(Layer::DestinationSgIngress, Outcome::Unknown, || {
                "the source address as the destination sees it is not known (the path leaves the input)".into()
            }),
            Some(i) => self.sg_layer(
                Layer::DestinationSgIngress,
                i,
                Direction::Ingress,
                &fwd_to(src_seen),
                w,
            ),
            None if d.vpc.is_some() => w.set(Layer::DestinationSgIngress, Outcome::Unknown, || {
                format!(
                    "no network interface in the input holds {}: its groups are unknown",
                    d.addr
                )
            }),
            None => w.set(Layer::DestinationSgIngress, Outcome::NotCrossed, || {
                format!("{} is outside the input: no security group", d.addr)
            }),
        }
        // NACLs, forward.
        if same_subnet {
            let why = || "same subnet: NACLs apply only at subnet boundaries".to_string();
            w.set(Layer::SourceNaclEgress, Outcome::NotCrossed, why);
            w.set(Layer::DestinationNaclIngress, Outcome::NotCrossed, why);
            w.set(Layer::ReturnNacl, Outcome::NotCrossed, why);
        } else {
            if src_cross {
                self.nacl_layer(
                    Layer::SourceNaclEgress,
                    s,
                    Direction::Egress,
                    &fwd_to(d.addr),
                    w,
                );
            } else {
                w.set(Layer::SourceNaclEgress, Outcome::NotCrossed, || {
                    format!("{} is outside the input: no subnet", s.addr)
                });
            }
            if dst_cross && hidden {
                w.set(Layer::DestinationNaclIngress, Outcome::Unknown, || {
                    "the source address as the destination sees it is not known (the path leaves the input)".into()
                });
            } else if dst_cross {
                self.nacl_layer(
                    Layer::DestinationNaclIngress,
                    d,
                    Direction::Ingress,
                    &fwd_to(src_seen),
                    w,
                );
            } else {
                w.set(Layer::DestinationNaclIngress, Outcome::NotCrossed, || {
                    format!("{} is outside the input: no subnet", d.addr)
                });
            }
            if hidden {
                w.set(Layer::ReturnNacl, Outcome::Unknown, || {
                    "the reply's destination address is not known (the path leaves the input)"
                        .into()
                });
            } else {
                self.return_layer(s, d, src_seen, src_cross, dst_cross, port, w);
            }
        }
        self.listener_layer(d, port, w);
    }

    fn instance_state(&self, s: &Side, d: &Side, w: &mut Walk) {
        let mut any = false;
        for (side, role) in [(s, "source"), (d, "destination")] {
            match side.eni {
                Some(i) => {
                    any = true;
                    let eni = self.eni(i);
                    match self.instance_of(i) {
                        Some(inst) if inst.state == InstanceState::Running => {
                            w.worsen(Layer::InstanceState, Outcome::Allow, || {
                                format!("{} is running", inst.id)
                            })
                        }
                        Some(inst) => {
                            w.worsen(Layer::InstanceState, Outcome::Deny, || {
                                let note = match inst.state {
                                    InstanceState::Pending
                                    | InstanceState::Stopping
                                    | InstanceState::ShuttingDown => " (transitional)",
                                    _ => "",
                                };
                                format!(
                                    "{role} {} is {}{note}: only running instances send and receive",
                                    inst.id, inst.state
                                )
                            });
                            w.cite(Layer::InstanceState, || {
                                Some(Cited {
                                    group: inst.id.to_string(),
                                    rule: format!("state {}", inst.state),
                                    origin: Some(inst.origin.clone()),
                                })
                            });
                        }
                        None => {
                            let detached = eni.attachment.is_none()
                                && eni.status.as_deref() == Some("available");
                            if detached {
                                w.worsen(Layer::InstanceState, Outcome::Deny, || {
                                    format!("{role} {} is not attached to anything", eni.id)
                                });
                            } else {
                                let inst =
                                    eni.attachment.as_ref().and_then(|a| a.instance.as_ref());
                                w.worsen(Layer::InstanceState, Outcome::Allow, || match inst {
                                    Some(id) => format!(
                                        "{id} (of {}) is not in the input: assumed running",
                                        eni.id
                                    ),
                                    None => format!(
                                        "{} has no instance ({}): in service",
                                        eni.id,
                                        eni.interface_type.as_deref().unwrap_or("interface")
                                    ),
                                });
                            }
                        }
                    }
                }
                None if role == "destination" && side.subnet.is_some() => {
                    any = true;
                    w.worsen(Layer::InstanceState, Outcome::Deny, || {
                        format!(
                            "no network interface in the input holds {}: nothing answers there",
                            side.addr
                        )
                    });
                }
                None if side.vpc.is_some() => {
                    any = true;
                    w.worsen(Layer::InstanceState, Outcome::Unknown, || {
                        format!("no network interface in the input holds {}", side.addr)
                    });
                }
                None => {}
            }
        }
        if !any {
            w.set(Layer::InstanceState, Outcome::NotCrossed, || {
                "no instance at either end".into()
            });
        }
    }

    // ---- routes and public addresses -------------------------------------------------

    fn route_table_of(&self, side: &Side) -> Option<&'t RouteTable> {
        side.subnet
            .and_then(|s| self.subnet_rt[s])
            .map(|r| &self.topo.route_tables[r])
    }

    /// Longest-prefix match in the side's route table, with the implied local routes of
    /// its VPC.
    fn lookup_route(&self, side: &Side, addr: IpAddr) -> Hop<'t> {
        let table = self.route_table_of(side);
        let mut best: Option<(u8, Hop<'t>)> = None;
        if let Some(t) = table {
            for r in &t.routes {
                let len = match &r.destination {
                    RouteDestination::Cidr { cidr } if cidr.contains(addr) => {
                        Some(cidr.prefix_len())
                    }
                    RouteDestination::PrefixList { id } => self
                        .lookup
                        .prefix_list(id.as_str(), Some(&t.scope))
                        .and_then(|pl| pl.entries.as_ref())
                        .and_then(|es| {
                            es.iter()
                                .filter(|e| e.cidr.contains(addr))
                                .map(|e| e.cidr.prefix_len())
                                .max()
                        }),
                    RouteDestination::Cidr { .. } => None,
                };
                // Of equally specific routes, a CIDR route wins over a prefix list's.
                let cidr = matches!(r.destination, RouteDestination::Cidr { .. });
                if let Some(len) = len
                    && best.as_ref().is_none_or(|(b, h)| {
                        len > *b
                            || (len == *b
                                && cidr
                                && matches!(h, Hop::Route(_, o) if !matches!(o.destination, RouteDestination::Cidr { .. })))
                    })
                {
                    best = Some((len, Hop::Route(t, r)));
                }
            }
        }
        if let Some(v) = side.vpc {
            for c in &self.topo.vpcs[v].cidrs {
                if c.contains(addr) && best.as_ref().is_none_or(|(b, _)| c.prefix_len() > *b) {
                    best = Some((c.prefix_len(), Hop::ImplicitLocal(*c)));
                }
            }
        }
        match best {
            Some((_, h)) => h,
            None if table.is_none() => Hop::NoTable,
            None => Hop::NoRoute(table),
        }
    }

    /// A packet that never reaches the network (answered on the source's host): only the
    /// source's state counts, the route layer says `route`, every filtering layer is not
    /// crossed (`why`).
    fn on_the_host(&self, s: &Side, d: &Side, w: &mut Walk, route: String, why: &str) {
        let host = Side {
            eni: None,
            vpc: None,
            subnet: None,
            ..*d
        };
        self.instance_state(s, &host, w);
        w.set(Layer::Route, Outcome::Allow, || route);
        for layer in [
            Layer::PublicAddress,
            Layer::SourceSgEgress,
            Layer::SourceNaclEgress,
            Layer::DestinationNaclIngress,
            Layer::DestinationSgIngress,
            Layer::ReturnNacl,
        ] {
            w.set(layer, Outcome::NotCrossed, || why.to_string());
        }
    }

    /// From an interface in a VPC to a service its host answers (semantics §2.8, §3.2):
    /// the Route 53 Resolver (VPC+2, `169.254.169.253`, `fd00:ec2::253`), the instance
    /// metadata service (`169.254.169.254`, `fd00:ec2::254`) and the time sync service
    /// (`169.254.169.123`, `fd00:ec2::123`). No route, security group or network ACL
    /// applies; the service listens on its own port only. Returns whether `d` is one.
    fn host_service(&self, s: &Side, d: &Side, port: &PortSpec, w: &mut Walk) -> bool {
        // The services are no interface of the input.
        let (Some(_), Some(v), None) = (s.eni, s.vpc, d.eni) else {
            return false;
        };
        let vpc_plus_two = (self.topo.vpcs[v].cidrs.iter())
            .find(|c| c.family() == Family::V4)
            .and_then(|c| c.v4_range())
            .map(|r| IpAddr::V4(std::net::Ipv4Addr::from(r.lo().wrapping_add(2))));
        let link = |v4: [u8; 4], v6: u16| {
            d.addr == IpAddr::V4(v4.into())
                || d.addr == IpAddr::V6(std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, v6))
        };
        type Service = (&'static str, &'static [(Protocol, u16)]);
        let (service, serves): Service =
            if Some(d.addr) == vpc_plus_two || link([169, 254, 169, 253], 0x253) {
                (
                    "the Route 53 Resolver (DNS)",
                    &[(Protocol::Udp, 53), (Protocol::Tcp, 53)],
                )
            } else if link([169, 254, 169, 254], 0x254) {
                ("the instance metadata service", &[(Protocol::Tcp, 80)])
            } else if link([169, 254, 169, 123], 0x123) {
                ("the Amazon Time Sync Service", &[(Protocol::Udp, 123)])
            } else {
                return false;
            };
        self.on_the_host(
            s,
            d,
            w,
            format!(
                "{} is {service}, served by AWS to the instance: no route, security group \
                 or network ACL applies",
                d.addr
            ),
            &format!("not filtered: {service} is served by AWS to the instance"),
        );
        let listens = match port.l4 {
            PacketL4::Port(p) => serves.contains(&(port.protocol, p)),
            _ => false,
        };
        let on = |(p, n): &(Protocol, u16)| format!("{n}/{p}");
        let ports: Vec<String> = serves.iter().map(on).collect();
        if listens {
            w.set(Layer::Listener, Outcome::Allow, || {
                format!("{service} listens on {}", ports.join(", "))
            });
        } else {
            w.set(Layer::Listener, Outcome::Unknown, || {
                format!("{service} serves {} only", ports.join(", "))
            });
        }
        true
    }

    /// A route through a prefix list whose entries are not in the input may be the most
    /// specific for `addr` and send it elsewhere than the route chosen: the route layer
    /// is then unknown.
    fn unknown_list_routes(&self, side: &Side, addr: IpAddr, w: &mut Walk) {
        let Some(t) = self.route_table_of(side) else {
            return;
        };
        let unknown = |r: &&Route| {
            let RouteDestination::PrefixList { id } = &r.destination else {
                return false;
            };
            let known = (self.lookup.prefix_list(id.as_str(), Some(&t.scope)))
                .is_some_and(|l| l.entries.is_some());
            !known && !r.blackhole
        };
        // The route chosen is looked up again only for a table that has such a route.
        if !t.routes.iter().any(|r| unknown(&r)) {
            return;
        }
        let chosen = self.lookup_route(side, addr);
        let elsewhere =
            (t.routes.iter()).find(|r| unknown(r) && chosen.target() != Some(&r.target));
        if let Some(r) = elsewhere {
            w.worsen(Layer::Route, Outcome::Unknown, || {
                format!(
                    "{} {} via {}: the list's entries are not in the input; if they hold {addr}, \
                     that route decides instead of {}",
                    t.id,
                    r.destination,
                    r.target,
                    chosen.describe()
                )
            });
        }
    }

    fn igw_attached(&self, vpc: Option<usize>) -> Option<&'t crate::model::InternetGateway> {
        let v = &self.topo.vpcs[vpc?];
        self.topo
            .internet_gateways
            .iter()
            .find(|g| g.vpcs.contains(&v.id))
    }

    /// The other VPC of a peering connection, as the route tables show it.
    fn peer_vpc(&self, pcx: &str, from_vpc: Option<usize>, addr: IpAddr) -> Option<usize> {
        let from = from_vpc.map(|v| &self.topo.vpcs[v].id);
        let mut cands =
            self.topo.route_tables.iter().filter(|t| {
                t.vpc.as_ref() != from && t.routes.iter().any(|r| r.target.id() == pcx)
            });
        cands.find_map(|t| {
            let v = t.vpc.as_ref()?;
            let i = self.topo.vpcs.iter().position(|x| &x.id == v)?;
            self.topo.vpcs[i]
                .cidrs
                .iter()
                .any(|c| c.contains(addr))
                .then_some(i)
        })
    }

    /// The public address a source has on the internet: its own (public IP/EIP of the
    /// private address it sends from, or its IPv6 address); `None` when it has none.
    fn public_of(&self, s: &Side) -> Option<IpAddr> {
        if s.addr.is_ipv6() {
            return s.eni.map(|_| s.addr);
        }
        let eni = self.eni(s.eni?);
        eni.private_ips
            .iter()
            .find(|p| IpAddr::V4(p.ip) == s.addr)
            .and_then(|p| p.public.as_ref())
            .map(|p| IpAddr::V4(p.ip))
    }

    /// Whether the destination's public address is usable (an auto-assigned public IP is
    /// released while the instance is stopped).
    fn public_valid(&self, d: &Side, w: &mut Walk) -> bool {
        let Some(i) = d.eni else {
            w.worsen(Layer::PublicAddress, Outcome::Deny, || {
                format!(
                    "no network interface in the input holds {}: packets to it have nowhere to go",
                    d.addr
                )
            });
            return false;
        };
        let eni = self.eni(i);
        if !d.via_public {
            w.worsen(Layer::PublicAddress, Outcome::Deny, || {
                format!(
                    "{} has no public IP or Elastic IP (and no IPv6 address)",
                    eni.id
                )
            });
            return false;
        }
        if d.addr.is_ipv6() {
            w.worsen(Layer::PublicAddress, Outcome::Allow, || {
                format!("{} is a global IPv6 address of {} (no NAT)", d.addr, eni.id)
            });
            return true;
        }
        let public = eni.private_ips.iter().find(|p| {
            p.public
                .as_ref()
                .is_some_and(|x| IpAddr::V4(x.ip) == d.addr)
        });
        let stopped = self
            .instance_of(i)
            .is_some_and(|x| x.state != InstanceState::Running);
        match public {
            Some(p) => {
                let pb = p.public.as_ref();
                let elastic = pb.is_some_and(|x| x.is_elastic());
                if stopped && !elastic {
                    w.worsen(Layer::PublicAddress, Outcome::Deny, || {
                        format!(
                            "{} was an auto-assigned public IP of {}: released while the instance is not running, and a new one is assigned at start",
                            d.addr, eni.id
                        )
                    });
                    return false;
                }
                w.worsen(Layer::PublicAddress, Outcome::Allow, || {
                    format!(
                        "{} is the {} of {} → {} (1:1 NAT at the internet gateway)",
                        d.addr,
                        if elastic { "Elastic IP" } else { "public IP" },
                        eni.id,
                        p.ip
                    )
                });
                w.cite(Layer::PublicAddress, || {
                    // An address put on the interface from its record is cited there.
                    let record = pb
                        .filter(|x| x.ip_owner.as_deref() == Some(ADDRESS_RECORD))
                        .and_then(|x| {
                            (self.topo.addresses.iter()).find(|a| {
                                a.public_ip == Some(x.ip)
                                    && a.association_id.is_some()
                                    && a.scope.compatible(&eni.scope)
                            })
                        });
                    Some(Cited {
                        group: eni.id.to_string(),
                        rule: format!(
                            "ip {} {} {}",
                            p.ip,
                            if elastic { "eip" } else { "public" },
                            d.addr
                        ),
                        origin: Some(record.map_or(&eni.origin, |a| &a.origin).clone()),
                    })
                });
                true
            }
            None => {
                w.worsen(Layer::PublicAddress, Outcome::Deny, || {
                    format!("{} is not a public address of {}", d.addr, eni.id)
                });
                false
            }
        }
    }

    /// Routes (forward and reply) and public addresses. Returns the source address as
    /// the destination sees it, when it differs from the source's own (NAT).
    fn paths(&self, s: &Side, d: &Side, same_subnet: bool, w: &mut Walk) -> Option<IpAddr> {
        let route_cite = |w: &mut Walk, h: &Hop<'t>| w.cite(Layer::Route, || h.cite());
        let s_inside = s.eni.is_some() || s.vpc.is_some();
        let d_inside = d.eni.is_some() || d.vpc.is_some();
        if same_subnet {
            w.set(Layer::Route, Outcome::Allow, || {
                "same subnet: delivered directly".into()
            });
            w.set(Layer::PublicAddress, Outcome::NotCrossed, || {
                "private addresses inside the VPC".into()
            });
            return None;
        }
        // Through the internet gateway toward a public destination (from inside: hairpin).
        if d.via_public && s_inside {
            let fwd = self.lookup_route(s, d.addr);
            route_cite(w, &fwd);
            let mut seen = None;
            match fwd.target() {
                Some(RouteTarget::InternetGateway(g)) => {
                    let attached = self.igw_attached(s.vpc).is_some_and(|x| &x.id == g);
                    if attached {
                        w.worsen(Layer::Route, Outcome::Allow, || {
                            format!("{} → out through {g} and back in (hairpin)", fwd.describe())
                        });
                    } else {
                        w.worsen(Layer::Route, Outcome::Deny, || {
                            format!("{}: {g} is not attached to the source's VPC", fwd.describe())
                        });
                    }
                    match self.public_of(s) {
                        Some(p) => {
                            seen = Some(p);
                            w.worsen(Layer::PublicAddress, Outcome::Allow, || {
                                format!("the source leaves as {p}")
                            });
                        }
                        None => w.worsen(Layer::PublicAddress, Outcome::Deny, || {
                            format!(
                                "{} has no public IP or EIP: the internet gateway drops its packets",
                                s.addr
                            )
                        }),
                    }
                }
                Some(RouteTarget::NatGateway(n)) => {
                    let rep = IpAddr::V4(self.internet_v4);
                    seen = Some(rep);
                    w.worsen(Layer::Route, Outcome::Allow, || {
                        format!("{} → NAT, then the internet gateway", fwd.describe())
                    });
                    w.worsen(Layer::PublicAddress, Outcome::Allow, || {
                        format!("the source leaves as {n}'s Elastic IP (not in the input; {rep} used)")
                    });
                }
                Some(RouteTarget::EgressOnlyInternetGateway(_)) if d.addr.is_ipv6() => {
                    seen = Some(s.addr);
                    w.worsen(Layer::Route, Outcome::Allow, || fwd.describe());
                }
                Some(RouteTarget::Local) => {
                    w.worsen(Layer::Route, Outcome::Allow, || fwd.describe());
                    seen = Some(s.addr);
                }
                Some(other) => w.worsen(Layer::Route, Outcome::Unknown, || {
                    format!(
                        "{}: leaves through {other}, not the internet gateway; what lies beyond is not in the input",
                        fwd.describe()
                    )
                }),
                None => self.no_route(&fwd, d.addr, w),
            }
            if !self.public_valid(d, w) {
                return seen;
            }
            if let Some(src) = seen {
                self.inbound_via_igw(d, src, w);
            }
            return seen;
        }
        // From outside the input toward a public destination.
        if d.via_public || (!s_inside && d.eni.is_some() && d.addr.is_ipv6()) {
            if self.public_valid(d, w) {
                self.inbound_via_igw(d, s.addr, w);
            }
            return None;
        }
        // From outside toward a private destination.
        if !s_inside {
            if !d_inside {
                if is_public(d.addr) {
                    w.set(Layer::PublicAddress, Outcome::Deny, || {
                        format!(
                            "no network interface in the input holds {}: packets to it have nowhere to go",
                            d.addr
                        )
                    });
                } else {
                    w.set(Layer::Route, Outcome::Deny, || {
                        format!("neither {} nor {} is in the input", s.addr, d.addr)
                    });
                }
                return None;
            }
            if is_public(s.addr)
                && d.addr.is_ipv4()
                && let Some(i) = d.eni
                && self.eni(i).public_ips().next().is_none()
            {
                let id = self
                    .instance_of(i)
                    .map_or_else(|| self.eni(i).id.to_string(), |x| x.id.to_string());
                w.set(Layer::PublicAddress, Outcome::Deny, || {
                    format!("{id} has no public IP or Elastic IP: the internet cannot address it")
                });
                w.set(Layer::Route, Outcome::NotCrossed, || {
                    "nothing to route to".into()
                });
                return None;
            }
            if is_public(s.addr) && d.addr.is_ipv4() {
                w.set(Layer::Route, Outcome::Deny, || {
                    format!(
                        "{} is a private address: not reachable from the internet",
                        d.addr
                    )
                });
                return None;
            }
            let back = self.lookup_route(d, s.addr);
            route_cite(w, &back);
            match back.target() {
                Some(
                    t @ (RouteTarget::Peering(_)
                    | RouteTarget::VpnGateway(_)
                    | RouteTarget::TransitGateway(_)),
                ) => w.set(Layer::Route, Outcome::Allow, || {
                    format!(
                        "reply: {} (the source is taken to arrive through {t})",
                        back.describe()
                    )
                }),
                Some(RouteTarget::InternetGateway(_)) => w.set(Layer::Route, Outcome::Deny, || {
                    format!(
                        "reply: {}: a private source cannot arrive through an internet gateway",
                        back.describe()
                    )
                }),
                Some(other) => w.set(Layer::Route, Outcome::Unknown, || {
                    format!("reply: {} ({other})", back.describe())
                }),
                None => self.no_route(&back, s.addr, w),
            }
            w.set(Layer::PublicAddress, Outcome::NotCrossed, || {
                "private addresses".into()
            });
            return None;
        }
        // From inside toward a private address (or outside the input).
        let fwd = self.lookup_route(s, d.addr);
        route_cite(w, &fwd);
        match fwd.target() {
            Some(RouteTarget::Local) => {
                w.set(Layer::PublicAddress, Outcome::NotCrossed, || {
                    "private addresses inside the VPC".into()
                });
                if d.subnet.is_none() {
                    w.set(Layer::Route, Outcome::Deny, || {
                        format!(
                            "{}: no subnet in the input contains {} (the VPC router drops it)",
                            fwd.describe(),
                            d.addr
                        )
                    });
                    return None;
                }
                w.set(Layer::Route, Outcome::Allow, || fwd.describe());
                let back = self.lookup_route(d, s.addr);
                if !matches!(back.target(), Some(RouteTarget::Local)) {
                    route_cite(w, &back);
                    w.worsen(Layer::Route, Outcome::Deny, || {
                        format!("reply: {}", back.describe())
                    });
                }
            }
            Some(RouteTarget::Peering(pcx)) => {
                w.set(Layer::PublicAddress, Outcome::NotCrossed, || {
                    "private addresses over a peering connection".into()
                });
                let peer = self.peer_vpc(pcx, s.vpc, d.addr);
                match (d.vpc, peer) {
                    (Some(dv), Some(pv)) if dv != pv => {
                        w.set(Layer::Route, Outcome::Deny, || {
                            format!(
                                "{}: {pcx} leads to {}, not to {}",
                                fwd.describe(),
                                self.topo.vpcs[pv].id,
                                self.topo.vpcs[dv].id
                            )
                        });
                        return None;
                    }
                    (None, None) => {
                        w.set(Layer::Route, Outcome::Unknown, || {
                            format!("{}: the peer VPC is not in the input", fwd.describe())
                        });
                        return None;
                    }
                    _ => {}
                }
                if d.subnet.is_none() {
                    w.set(Layer::Route, Outcome::Deny, || {
                        format!(
                            "{}: no subnet of the peer VPC contains {} (dropped)",
                            fwd.describe(),
                            d.addr
                        )
                    });
                    return None;
                }
                w.set(Layer::Route, Outcome::Allow, || fwd.describe());
                let back = self.lookup_route(d, s.addr);
                route_cite(w, &back);
                match back.target() {
                    Some(RouteTarget::Peering(p2)) if p2 == pcx => {
                        w.worsen(Layer::Route, Outcome::Allow, || {
                            format!("reply: {}", back.describe())
                        })
                    }
                    _ => w.worsen(Layer::Route, Outcome::Deny, || {
                        format!(
                            "reply: {} (the peer side needs a route to {} via {pcx})",
                            back.describe(),
                            s.addr
                        )
                    }),
                }
            }
            Some(RouteTarget::InternetGateway(g)) if !d_inside => {
                let attached = self.igw_attached(s.vpc).is_some_and(|x| &x.id == g);
                if !attached {
                    w.set(Layer::Route, Outcome::Deny, || {
                        format!("{}: {g} is not attached to the VPC", fwd.describe())
                    });
                } else if !is_public(d.addr) {
                    w.set(Layer::Route, Outcome::Deny, || {
                        format!(
                            "{} → leaves to the internet, which does not route {} (not a public address)",
                            fwd.describe(),
                            d.addr
                        )
                    });
                } else {
                    w.set(Layer::Route, Outcome::Allow, || {
                        format!("{} → leaves to the internet", fwd.describe())
                    });
                }
                match self.public_of(s) {
                    Some(p) => w.set(Layer::PublicAddress, Outcome::Allow, || {
                        if p.is_ipv6() {
                            format!("{p} is a global IPv6 address (no NAT)")
                        } else {
                            format!("the source leaves as {p}")
                        }
                    }),
                    None => w.set(Layer::PublicAddress, Outcome::Deny, || {
                        format!(
                            "{} has no public IP or EIP: the internet gateway drops its packets",
                            s.addr
                        )
                    }),
                }
            }
            Some(t @ (RouteTarget::NatGateway(_) | RouteTarget::EgressOnlyInternetGateway(_)))
                if !d_inside =>
            {
                w.set(Layer::Route, Outcome::Allow, || {
                    format!("{} → leaves to the internet through {t}", fwd.describe())
                });
                w.set(Layer::PublicAddress, Outcome::NotCrossed, || match t {
                    // IPv6 leaves with its own global address: no NAT.
                    RouteTarget::EgressOnlyInternetGateway(_) => {
                        format!("{} leaves through {t} as itself (no NAT)", s.addr)
                    }
                    _ => format!("{t} translates the source"),
                });
            }
            Some(other) => {
                w.set(Layer::Route, Outcome::Unknown, || {
                    format!(
                        "{}: leaves through {other}; what lies beyond is not in the input",
                        fwd.describe()
                    )
                });
            }
            None => self.no_route(&fwd, d.addr, w),
        }
        None
    }

    fn no_route(&self, h: &Hop<'t>, addr: IpAddr, w: &mut Walk) {
        match h {
            Hop::NoTable => w.worsen(Layer::Route, Outcome::Unknown, || {
                format!("the route table for {addr} is not in the input")
            }),
            Hop::Route(_, r) if r.blackhole => w.worsen(Layer::Route, Outcome::Deny, || {
                format!("{}: the target is gone, packets are dropped", h.describe())
            }),
            _ => w.worsen(Layer::Route, Outcome::Deny, || {
                format!("{} covers {addr}", h.describe())
            }),
        }
    }

    /// Arrival through the destination VPC's internet gateway from `src`, and the reply
    /// route back to it.
    fn inbound_via_igw(&self, d: &Side, src: IpAddr, w: &mut Walk) {
        let Some(igw) = self.igw_attached(d.vpc) else {
            w.worsen(Layer::Route, Outcome::Deny, || {
                "no internet gateway is attached to the destination's VPC".into()
            });
            return;
        };
        let back = self.lookup_route(d, src);
        w.cite(Layer::Route, || back.cite());
        match back.target() {
            Some(RouteTarget::InternetGateway(g)) if g == &igw.id => {
                w.worsen(Layer::Route, Outcome::Allow, || {
                    format!("in through {}; reply: {}", igw.id, back.describe())
                })
            }
            Some(other) => w.worsen(Layer::Route, Outcome::Deny, || {
                format!(
                    "reply to {src}: {} sends it to {other}, not {} (a private subnet): the reply is lost",
                    back.describe(),
                    igw.id
                )
            }),
            None => match back {
                Hop::NoTable => w.worsen(Layer::Route, Outcome::Unknown, || {
                    "the destination's route table is not in the input".into()
                }),
                _ => w.worsen(Layer::Route, Outcome::Deny, || {
                    format!(
                        "reply to {src}: {} (the subnet has no route to {})",
                        back.describe(),
                        igw.id
                    )
                }),
            },
        }
    }

    // ---- security groups ---------------------------------------------------------------

    fn sg_layer(&self, layer: Layer, eni: usize, dir: Direction, p: &Packet, w: &mut Walk) {
        let e = self.eni(eni);
        let what = || {
            let groups: Vec<&str> = e.groups.iter().map(|g| g.as_str()).collect();
            let (verb, kw) = match dir {
                Direction::Egress => ("out", "to"),
                Direction::Ingress => ("in", "from"),
            };
            format!(
                "{} [{}] {verb} {} {kw} {}",
                e.id,
                groups.join(", "),
                packet_text(p),
                p.peer
            )
        };
        match self.index.decide(eni, dir, p) {
            Some(Decision::Allowed) => {
                w.set(layer, Outcome::Allow, || format!("{}: allowed", what()));
                if w.explain {
                    for m in self.index.explain(self.topo, eni, dir, p) {
                        w.cite(layer, || {
                            Some(Cited {
                                group: m.group.id.to_string(),
                                rule: rule_text(m.rule),
                                origin: Some(m.rule.origin.clone()),
                            })
                        });
                    }
                }
            }
            Some(Decision::Denied) | None => {
                let near = if w.explain {
                    self.near_miss(e, dir, p)
                } else {
                    None
                };
                w.set(layer, Outcome::Deny, || match &near {
                    Some((_, _, why)) => format!("{}: no rule allows it; nearest: {why}", what()),
                    None if e.groups.is_empty() => {
                        format!("{}: the ENI has no security group", what())
                    }
                    None => format!("{}: no rule allows it", what()),
                });
                if let Some((g, r, _)) = near {
                    w.cite(layer, || {
                        Some(Cited {
                            group: g,
                            rule: rule_text(r),
                            origin: Some(r.origin.clone()),
                        })
                    });
                }
            }
            Some(Decision::Unknown) => {
                let mut why = Vec::new();
                if w.explain {
                    let q = naive::Query::new(e.id.clone(), dir, *p).in_scope(e.scope.clone());
                    if let Ok(v) = naive::matching_rules_with(&self.lookup, &q) {
                        for g in &v.unknown_groups {
                            why.push(format!("group {g} is not in the input"));
                        }
                        for u in &v.unknown {
                            let reason = match u.reason {
                                Unresolved::UnknownGroup(g) => format!("{g} is not in the input"),
                                Unresolved::UnknownPrefixList(pl) => {
                                    format!("prefix list {pl} is not in the input")
                                }
                                Unresolved::PrefixListEntriesUnknown(pl) => {
                                    format!("the entries of {pl} were not exported")
                                }
                                Unresolved::Stale { reference, status } => {
                                    format!("{reference} is stale ({status})")
                                }
                            };
                            why.push(format!("{} `{}`: {reason}", u.group.id, rule_text(u.rule)));
                            w.cite(layer, || {
                                Some(Cited {
                                    group: u.group.id.to_string(),
                                    rule: rule_text(u.rule),
                                    origin: Some(u.rule.origin.clone()),
                                })
                            });
                        }
                    }
                }
                w.set(layer, Outcome::Unknown, || {
                    format!(
                        "{}: no resolved rule allows it, but an unresolved one might ({})",
                        what(),
                        why.join("; ")
                    )
                });
            }
        }
    }

    /// Whether a rule's peer holds `addr` (resolved through the topology).
    fn peer_holds(&self, scope: &crate::model::Scope, peer: &Peer, addr: IpAddr) -> bool {
        match peer {
            Peer::Cidr { cidr } => cidr.contains(addr),
            Peer::PrefixList { id } => self
                .lookup
                .prefix_list(id.as_str(), Some(scope))
                .and_then(|p| p.entries.as_ref())
                .is_some_and(|es| es.iter().any(|e| e.cidr.contains(addr))),
            Peer::Group(g) => self.owners.get(&addr).is_some_and(|v| {
                v.iter()
                    .any(|&(i, h)| h == Held::Private && self.eni(i).groups.contains(&g.group))
            }),
        }
    }

    /// The rule that came nearest to allowing `p`: right port, wrong peer first; then
    /// right peer, wrong port (nearest port); then right peer, wrong protocol.
    fn near_miss(
        &self,
        e: &'t Eni,
        dir: Direction,
        p: &Packet,
    ) -> Option<(String, &'t Rule, String)> {
        let mut best: Option<(u32, String, &'t Rule, String)> = None;
        'groups: for gid in &e.groups {
            let Some(g) = self.lookup.group(gid.as_str(), Some(&e.scope)) else {
                continue;
            };
            for r in g.rules(dir) {
                let l4 = L4::normalize(r.protocol, r.l4);
                let proto_ok = r.protocol.covers(p.protocol);
                let l4_ok = l4.matches(&p.l4);
                let peer_ok = self.peer_holds(&g.scope, &r.peer, p.peer);
                let peer_kw = if dir == Direction::Ingress {
                    "source"
                } else {
                    "destination"
                };
                let fam_ok = match &r.peer {
                    Peer::Cidr { cidr } => cidr.family() == family(p.peer),
                    _ => true,
                };
                // The score first: the reason is written only for a new best (a block
                // of addresses asks this once per sub-range, over every rule).
                let score = if proto_ok && l4_ok {
                    if fam_ok { 0 } else { 1 }
                } else if proto_ok && peer_ok {
                    let dist = match (l4, p.l4) {
                        (L4::Ports(rg), PacketL4::Port(x)) => {
                            if x < rg.lo() {
                                u32::from(rg.lo() - x)
                            } else {
                                u32::from(x.saturating_sub(rg.hi()))
                            }
                        }
                        _ => 1,
                    };
                    10 + dist.min(1_000_000)
                } else if peer_ok {
                    2_000_000
                } else {
                    continue;
                };
                if best.as_ref().is_some_and(|b| score >= b.0) {
                    continue;
                }
                // Why a rule with the right port misses: its peer matches nothing at
                // all (a reference across a peering that is not active; `icmp` from an
                // IPv6 peer or `icmpv6` from an IPv4 one), else it does not hold the peer.
                let stale = match &r.peer {
                    Peer::Group(g) => {
                        (g.peering_status.as_deref()).filter(|s| !s.eq_ignore_ascii_case("active"))
                    }
                    _ => None,
                };
                let icmp_family = match r.protocol {
                    Protocol::Icmp => Some(Family::V4),
                    Protocol::Icmpv6 => Some(Family::V6),
                    _ => None,
                };
                let why = match score {
                    0 if stale.is_some() => format!(
                        "right port, but {} is referenced across a peering connection that is \
                         {}: the reference matches nothing",
                        r.peer,
                        stale.unwrap_or_default()
                    ),
                    0 if icmp_family.is_some_and(|f| f != family(p.peer)) => format!(
                        "right type, but {} rules match {} only, and {} is not",
                        r.protocol,
                        match icmp_family {
                            Some(Family::V6) => "IPv6",
                            _ => "IPv4",
                        },
                        p.peer
                    ),
                    0 => format!(
                        "right port, wrong {peer_kw} ({} does not hold {})",
                        r.peer, p.peer
                    ),
                    1 => format!(
                        "right port, wrong address family ({} vs {})",
                        r.peer, p.peer
                    ),
                    2_000_000 => format!("right {peer_kw}, wrong protocol ({})", r.protocol),
                    _ => format!("right {peer_kw}, wrong port ({l4})"),
                };
                best = Some((score, g.id.to_string(), r, why));
                if score == 0 {
                    // Nothing comes nearer than the right port from another source.
                    break 'groups;
                }
            }
        }
        best.map(|(_, g, r, why)| {
            let text = format!("{g} `{}` ({why})", rule_text(r));
            (g, r, text)
        })
    }

    // ---- NACLs --------------------------------------------------------------------------

    /// The NACL of a side: `Ok(Some)` compiled, `Ok(None)` assumed default (the VPC has
    /// no NACL in the input), `Err(())` unknown.
    fn nacl_of(&self, side: &Side) -> Result<Option<&CompiledNacl<'t>>, String> {
        let Some(sub) = side.subnet else {
            return Err(format!("no subnet in the input holds {}", side.addr));
        };
        match self.subnet_nacl[sub] {
            Ok(n) => Ok(Some(&self.nacls[n])),
            Err(true) => Ok(None),
            Err(false) => Err(format!(
                "the network ACL of {} is not in the input",
                self.topo.subnets[sub].id
            )),
        }
    }

    fn nacl_id(&self, side: &Side) -> String {
        side.subnet
            .and_then(|s| self.subnet_nacl[s].ok())
            .map(|n| self.topo.network_acls[n].id.to_string())
            .unwrap_or_default()
    }

    fn cite_entry(&self, side: &Side, v: &NaclVerdict<'t>) -> Option<Cited> {
        let id = self.nacl_id(side);
        Some(match v {
            NaclVerdict::Entry(e) => Cited {
                group: id,
                rule: entry_text(e),
                origin: Some(e.origin.clone()),
            },
            NaclVerdict::ImplicitDeny => Cited {
                group: id,
                rule: "* deny all (implicit)".into(),
                origin: None,
            },
        })
    }

    fn nacl_layer(&self, layer: Layer, side: &Side, dir: Direction, p: &Packet, w: &mut Walk) {
        let nacl = match self.nacl_of(side) {
            Ok(Some(n)) => n,
            Ok(None) => {
                w.set(layer, Outcome::Allow, || {
                    "no network ACL for this VPC in the input: AWS's default (allow all) assumed"
                        .into()
                });
                return;
            }
            Err(why) => {
                w.set(layer, Outcome::Unknown, || why);
                return;
            }
        };
        let v = nacl.evaluate(dir, p.peer, p.protocol, &p.l4);
        let id = self.nacl_id(side);
        let (verb, kw) = match dir {
            Direction::Egress => ("out", "to"),
            Direction::Ingress => ("in", "from"),
        };
        if v.allows() {
            w.set(layer, Outcome::Allow, || {
                format!(
                    "{id} {verb} {} {kw} {}: allowed by rule {}",
                    packet_text(p),
                    p.peer,
                    rule_no(&v)
                )
            });
        } else {
            w.set(layer, Outcome::Deny, || {
                let shadow = self.shadowed_allow(side, dir, p, &v);
                format!(
                    "{id} {verb} {} {kw} {}: denied by rule {}{shadow}",
                    packet_text(p),
                    p.peer,
                    rule_no(&v)
                )
            });
        }
        w.cite(layer, || self.cite_entry(side, &v));
    }

    /// For a deny: an allow entry that would have matched but comes later, or the
    /// nearest allow entry (right port, wrong block).
    fn shadowed_allow(
        &self,
        side: &Side,
        dir: Direction,
        p: &Packet,
        v: &NaclVerdict<'t>,
    ) -> String {
        let Some(n) = side.subnet.and_then(|s| self.subnet_nacl[s].ok()) else {
            return String::new();
        };
        let acl = &self.topo.network_acls[n];
        let entries = acl.sorted(dir);
        let later = entries.iter().find(|e| {
            e.action == NaclAction::Allow
                && naive::nacl_entry_matches(e, p)
                && !matches!(v, NaclVerdict::ImplicitDeny)
        });
        if let Some(e) = later {
            return format!(
                " (rule {} `{}` would allow it, but lower numbers win)",
                e.rule_number,
                entry_text(e)
            );
        }
        let near = entries.iter().find(|e| {
            e.action == NaclAction::Allow
                && e.protocol.covers(p.protocol)
                && L4::normalize(e.protocol, e.l4).matches(&p.l4)
        });
        match near {
            Some(e) => format!(
                "; nearest: rule {} `{}` (right port, {} not in {})",
                e.rule_number,
                entry_text(e),
                p.peer,
                e.cidr
            ),
            None => String::new(),
        }
    }

    /// The reply leg: server subnet out, client subnet in, to the client's ephemeral
    /// ports (TCP/UDP), the ICMP reply type, or the same protocol.
    #[allow(clippy::too_many_arguments)]
    fn return_layer(
        &self,
        s: &Side,
        d: &Side,
        src_seen: IpAddr,
        src_cross: bool,
        dst_cross: bool,
        port: &PortSpec,
        w: &mut Walk,
    ) {
        if !src_cross && !dst_cross {
            w.set(Layer::ReturnNacl, Outcome::NotCrossed, || {
                "no subnet boundary on the reply path".into()
            });
            return;
        }
        let legs = [
            (
                dst_cross,
                d,
                Direction::Egress,
                src_seen,
                "out of the server subnet",
            ),
            (
                src_cross,
                s,
                Direction::Ingress,
                d.addr,
                "into the client subnet",
            ),
        ];
        let mut any = false;
        for (cross, side, dir, peer, where_) in legs {
            if !cross {
                continue;
            }
            let nacl = match self.nacl_of(side) {
                Ok(Some(n)) => n,
                Ok(None) => {
                    any = true;
                    w.worsen(Layer::ReturnNacl, Outcome::Allow, || {
                        format!("{where_}: no network ACL in the input (default allow all assumed)")
                    });
                    continue;
                }
                Err(why) => {
                    any = true;
                    w.worsen(Layer::ReturnNacl, Outcome::Unknown, || {
                        format!("{where_}: {why}")
                    });
                    continue;
                }
            };
            any = true;
            let id = self.nacl_id(side);
            // A reply that is one packet shape (ICMP reply type, other protocols).
            let single_reply = |w: &mut Walk, l4: &PacketL4, what: String| {
                let v = nacl.evaluate(dir, peer, port.protocol, l4);
                let res = if v.allows() {
                    Outcome::Allow
                } else {
                    Outcome::Deny
                };
                w.worsen(Layer::ReturnNacl, res, || {
                    format!(
                        "{where_}: {id} {} {what} (rule {})",
                        if v.allows() { "allows" } else { "drops" },
                        rule_no(&v)
                    )
                });
                w.cite(Layer::ReturnNacl, || self.cite_entry(side, &v));
            };
            match port.l4 {
                PacketL4::Port(_) => {
                    let pieces = self.ephemeral(nacl, dir, peer, port.protocol);
                    w.restrict_reply(IntervalSet::from_ranges(
                        (pieces.iter())
                            .filter(|(_, v)| v.allows())
                            .map(|(r, _)| (r.lo(), r.hi())),
                    ));
                    let bad: Vec<&(PortRange, NaclVerdict<'t>)> =
                        pieces.iter().filter(|(_, v)| !v.allows()).collect();
                    if bad.is_empty() {
                        w.worsen(Layer::ReturnNacl, Outcome::Allow, || {
                            let rules: Vec<String> =
                                pieces.iter().map(|(_, v)| rule_no(v)).collect();
                            format!(
                                "{where_}: {id} allows {} {}-{} {} {peer} (rule {})",
                                port.protocol,
                                EPHEMERAL.0,
                                EPHEMERAL.1,
                                if dir == Direction::Egress {
                                    "to"
                                } else {
                                    "from"
                                },
                                dedup(rules).join(", ")
                            )
                        });
                        for (_, v) in &pieces {
                            w.cite(Layer::ReturnNacl, || self.cite_entry(side, v));
                        }
                    } else {
                        let all_bad = bad.len() == pieces.len();
                        w.worsen(Layer::ReturnNacl, Outcome::Deny, || {
                            let denied: Vec<String> = bad
                                .iter()
                                .map(|(r, v)| format!("{r} (rule {})", rule_no(v)))
                                .collect();
                            let ok: Vec<String> = pieces
                                .iter()
                                .filter(|(_, v)| v.allows())
                                .map(|(r, _)| r.to_string())
                                .collect();
                            format!(
                                "{where_}: {id} drops the reply {} {peer} on {} ports {}{}",
                                if dir == Direction::Egress {
                                    "to"
                                } else {
                                    "from"
                                },
                                port.protocol,
                                denied.join(", "),
                                if all_bad {
                                    String::new()
                                } else {
                                    format!("; passes {}", ok.join(", "))
                                }
                            )
                        });
                        for (_, v) in bad {
                            w.cite(Layer::ReturnNacl, || self.cite_entry(side, v));
                        }
                    }
                }
                PacketL4::Icmp { ty, .. } => match icmp_reply(port.protocol, ty) {
                    None => w.worsen(Layer::ReturnNacl, Outcome::NotCrossed, || {
                        format!("ICMP type {ty} has no reply")
                    }),
                    Some(rt) => single_reply(
                        w,
                        &PacketL4::Icmp { ty: rt, code: 0 },
                        format!("the {} reply type {rt}", port.protocol),
                    ),
                },
                PacketL4::None => single_reply(
                    w,
                    &PacketL4::None,
                    format!("protocol {} replies", port.protocol),
                ),
            }
        }
        if !any {
            w.set(Layer::ReturnNacl, Outcome::NotCrossed, || {
                "no NACL on the reply path".into()
            });
        }
    }

    /// The ephemeral range 1024-65535 cut where the NACL's entries change, each piece
    /// with its deciding entry.
    fn ephemeral(
        &self,
        nacl: &CompiledNacl<'t>,
        dir: Direction,
        peer: IpAddr,
        protocol: Protocol,
    ) -> Vec<(PortRange, NaclVerdict<'t>)> {
        let mut cuts: Vec<u32> = vec![u32::from(EPHEMERAL.0)];
        for e in &nacl.acl().entries {
            if e.direction != dir {
                continue;
            }
            if let L4::Ports(r) = L4::normalize(e.protocol, e.l4) {
                for c in [u32::from(r.lo()), u32::from(r.hi()) + 1] {
                    if c > u32::from(EPHEMERAL.0) && c <= u32::from(EPHEMERAL.1) {
                        cuts.push(c);
                    }
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut out: Vec<(PortRange, NaclVerdict<'t>)> = Vec::new();
        for (k, &lo) in cuts.iter().enumerate() {
            let hi = cuts.get(k + 1).map_or(u32::from(EPHEMERAL.1), |&n| n - 1);
            let (lo16, hi16) = (lo as u16, hi as u16);
            let v = nacl.evaluate(dir, peer, protocol, &PacketL4::Port(lo16));
            match out.last_mut() {
                Some((r, pv)) if *pv == v => *r = PortRange::new(r.lo(), hi16),
                _ => out.push((PortRange::new(lo16, hi16), v)),
            }
        }
        out
    }

    // ---- listener -----------------------------------------------------------------------

    fn listener_layer(&self, d: &Side, port: &PortSpec, w: &mut Walk) {
        let PacketL4::Port(x) = port.l4 else {
            w.set(Layer::Listener, Outcome::NotCrossed, || {
                format!(
                    "{} is answered by the kernel, not a listener",
                    port.protocol
                )
            });
            return;
        };
        if !matches!(port.protocol, Protocol::Tcp | Protocol::Udp) {
            return;
        }
        let Some(i) = d.eni else {
            w.set(Layer::Listener, Outcome::NotCrossed, || {
                "the destination is outside the input".into()
            });
            return;
        };
        if let Some(ports) = &self.options.listening {
            let hit = ports.iter().any(|r| r.contains(x));
            let list: Vec<String> = ports.iter().map(|r| r.to_string()).collect();
            w.set(
                Layer::Listener,
                if hit { Outcome::Allow } else { Outcome::Deny },
                || {
                    format!(
                        "--listening {}: {} {x}",
                        list.join(","),
                        if hit {
                            "listens on"
                        } else {
                            "nothing listens on"
                        }
                    )
                },
            );
            return;
        }
        let inst = self.instance_of(i);
        let declared = inst.map(|x| x.listeners.as_slice()).unwrap_or_default();
        let who = inst.map_or_else(|| self.eni(i).id.to_string(), |x| x.id.to_string());
        if declared.is_empty() {
            w.set(Layer::Listener, Outcome::NotCrossed, || {
                format!("no listeners declared for {who}: assumed listening (declare with `listen` or --listening)")
            });
            return;
        }
        let hit = declared
            .iter()
            .find(|l| l.protocol.covers(port.protocol) && l.ports.contains(x));
        match hit {
            Some(l) => {
                w.set(Layer::Listener, Outcome::Allow, || {
                    format!("{who} listens on {} {}", l.protocol, l.ports)
                });
                w.cite(Layer::Listener, || {
                    Some(Cited {
                        group: who.clone(),
                        rule: format!("listen {} {}", l.protocol, l.ports),
                        origin: Some(l.origin.clone()),
                    })
                });
            }
            None => {
                let list: Vec<String> = declared
                    .iter()
                    .map(|l| format!("{} {}", l.protocol, l.ports))
                    .collect();
                w.set(Layer::Listener, Outcome::Deny, || {
                    format!(
                        "{who} listens on {} only: nothing on {} {x}, the kernel answers with a reset",
                        list.join(", "),
                        port.protocol
                    )
                });
                for l in declared {
                    w.cite(Layer::Listener, || {
                        Some(Cited {
                            group: who.clone(),
                            rule: format!("listen {} {}", l.protocol, l.ports),
                            origin: Some(l.origin.clone()),
                        })
                    });
                }
            }
        }
    }
}

fn rule_no(v: &NaclVerdict<'_>) -> String {
    match v {
        NaclVerdict::Entry(e) if e.rule_number >= 32767 => format!("{} (*)", e.rule_number),
        NaclVerdict::Entry(e) => e.rule_number.to_string(),
        NaclVerdict::ImplicitDeny => "* (implicit)".into(),
    }
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.dedup();
    v
}

/// A sub-range of a CIDR endpoint (inclusive), or none for a single endpoint.
type Span = Option<(IpAddr, IpAddr)>;

/// An endpoint expanded: one candidate, or the sub-ranges of a block.
#[derive(Debug, Clone)]
enum Unit {
    One(Spec),
    Ranges(Vec<(IpAddr, IpAddr)>),
}
