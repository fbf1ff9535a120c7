//! Terse programmatic construction of topologies, for tests, benches, fuzz targets and
//! examples, while the parsers are not the only way in.
//!
//! Contract: every helper builds plain model objects with a synthetic but stable
//! [`Origin`] (file `<build>`, a JSON-like path such as `SecurityGroups[sg-1].IpPermissions[0]`),
//! so explanations and diagnostics can be asserted on. Nothing here normalises beyond what
//! the helper's name says: [`proto_ports`] keeps ports on protocols that ignore them, exactly
//! as a raw export would, so evaluators are tested against un-normalised input too.
//!
//! The helpers take literal text (`"10.0.0.0/8"`, `"sg-1"`) and **panic on malformed
//! literals**; they are meant for hand-written topologies, never for untrusted input.
//!
//! ```
//! use sgcheck::model::build::*;
//! let topo = topology()
//!     .with(sg("sg-1").ingress(tcp(22), cidr("10.0.0.0/8")).id("ssh"))
//!     .with(eni("eni-1").ips(["10.0.0.5"]).groups(["sg-1"]))
//!     .build();
//! assert_eq!(topo.security_groups[0].ingress.len(), 1);
//! ```

use super::*;
use crate::net::{Cidr, Direction, Family, IcmpMatch, L4, PortRange, Protocol};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

fn file() -> Arc<str> {
    Arc::from("<build>")
}

fn origin(path: String) -> Origin {
    Origin::json(&file(), path)
}

fn parse<T: std::str::FromStr>(what: &str, s: &str) -> T {
    match s.parse() {
        Ok(v) => v,
        Err(_) => panic!("build: {s:?} is not a valid {what}"),
    }
}

// ---------------------------------------------------------------------------------------
// Protocol + L4 specs

/// A protocol with its L4 part, as a rule or NACL entry states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The protocol.
    pub protocol: Protocol,
    /// Ports / ICMP match / any (possibly un-normalised, see [`proto_ports`]).
    pub l4: L4,
}

/// TCP to one port.
pub fn tcp(port: u16) -> Spec {
    tcp_range(port, port)
}

/// TCP to an inclusive port range.
///
/// # Panics
/// If `lo > hi`.
pub fn tcp_range(lo: u16, hi: u16) -> Spec {
    Spec {
        protocol: Protocol::Tcp,
        l4: L4::Ports(PortRange::new(lo, hi)),
    }
}

/// UDP to one port.
pub fn udp(port: u16) -> Spec {
    udp_range(port, port)
}

/// UDP to an inclusive port range.
///
/// # Panics
/// If `lo > hi`.
pub fn udp_range(lo: u16, hi: u16) -> Spec {
    Spec {
        protocol: Protocol::Udp,
        l4: L4::Ports(PortRange::new(lo, hi)),
    }
}

fn icmp_l4(ty: i64, code: i64) -> L4 {
    // What ingest does with an invalid pair (e.g. -1/9): keep the rule, match nothing.
    IcmpMatch::from_aws(ty, code).map_or(L4::Nothing, L4::Icmp)
}

/// ICMP (IPv4) with AWS numbers: `ty`/`code` of -1 mean all. An invalid pair (code without
/// type) gives [`L4::Nothing`], as ingest does.
pub fn icmp(ty: i64, code: i64) -> Spec {
    Spec {
        protocol: Protocol::Icmp,
        l4: icmp_l4(ty, code),
    }
}

/// ICMPv6 with AWS numbers, as [`icmp`].
pub fn icmpv6(ty: i64, code: i64) -> Spec {
    Spec {
        protocol: Protocol::Icmpv6,
        l4: icmp_l4(ty, code),
    }
}

/// Every protocol (`-1`).
pub fn all() -> Spec {
    Spec {
        protocol: Protocol::All,
        l4: L4::Any,
    }
}

/// A protocol by name or number (`"50"`, `"6"`, `"-1"`), with its normalised "everything"
/// L4 part.
///
/// # Panics
/// If `p` is not a protocol.
pub fn proto(p: &str) -> Spec {
    let protocol: Protocol = parse("protocol", p);
    Spec {
        protocol,
        l4: L4::normalize(protocol, L4::Any),
    }
}

/// A protocol with `FromPort`/`ToPort` exactly as an export carries them, **not**
/// normalised: TCP/UDP read -1 as 0/65535; ICMP reads them as type/code; any other
/// protocol keeps a literal port range when both are 0-65535 (AWS ignores it; evaluators
/// must too), else [`L4::Any`].
///
/// # Panics
/// If `p` is not a protocol.
pub fn proto_ports(p: &str, from: i64, to: i64) -> Spec {
    let protocol: Protocol = parse("protocol", p);
    let port = |x: i64, dflt: u16| u16::try_from(x).unwrap_or(dflt);
    let l4 = match protocol {
        Protocol::Tcp | Protocol::Udp => {
            PortRange::new_checked(port(from, 0), port(to, 65535)).map_or(L4::Nothing, L4::Ports)
        }
        Protocol::Icmp | Protocol::Icmpv6 => icmp_l4(from, to),
        Protocol::All | Protocol::Number(_) => {
            match (u16::try_from(from).ok(), u16::try_from(to).ok()) {
                (Some(a), Some(b)) => PortRange::new_checked(a, b).map_or(L4::Any, L4::Ports),
                _ => L4::Any,
            }
        }
    };
    Spec { protocol, l4 }
}

// ---------------------------------------------------------------------------------------
// Peers

/// A CIDR peer (host bits are masked, as ingest does).
///
/// # Panics
/// If `s` is not a CIDR or address.
pub fn cidr(s: &str) -> Peer {
    Peer::Cidr {
        cidr: parse("CIDR", s),
    }
}

/// A same-account security group reference.
pub fn sg_ref(id: &str) -> Peer {
    Peer::Group(Box::new(GroupRef::to(id)))
}

/// A security group reference across a peering connection with the given `PeeringStatus`
/// (`active`, `deleted`, …).
pub fn sg_ref_peered(id: &str, owner: &str, status: &str) -> Peer {
    Peer::Group(Box::new(GroupRef {
        group: GroupId::from(id),
        owner: Some(AccountId::from(owner)),
        vpc: None,
        peering: Some("pcx-build".to_string()),
        peering_status: Some(status.to_string()),
    }))
}

/// A prefix list reference.
pub fn pl_ref(id: &str) -> Peer {
    Peer::PrefixList {
        id: PrefixListId::from(id),
    }
}

// ---------------------------------------------------------------------------------------
// Topology

/// Something that can be added to a topology under construction.
pub trait Part {
    /// Appends the object(s) to `topology`.
    fn add_to(self, topology: &mut Topology);
}

/// Collects parts into a [`Topology`].
#[derive(Debug, Clone, Default)]
pub struct TopologyBuilder(pub Topology);

/// An empty topology builder.
pub fn topology() -> TopologyBuilder {
    TopologyBuilder::default()
}

impl TopologyBuilder {
    /// Adds one part.
    pub fn with(mut self, part: impl Part) -> TopologyBuilder {
        part.add_to(&mut self.0);
        self
    }

    /// The topology.
    pub fn build(self) -> Topology {
        self.0
    }
}

macro_rules! part {
    ($builder:ident, $ty:ty, $field:ident) => {
        impl Part for $builder {
            fn add_to(self, topology: &mut Topology) {
                topology.$field.push(self.build());
            }
        }
        impl $builder {
            /// Sets the export scope (account, region).
            pub fn scope(mut self, account: &str, region: &str) -> $builder {
                self.obj_mut().scope = Scope {
                    account: Some(AccountId::from(account)),
                    region: Some(region.to_string()),
                };
                self
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Security groups

/// Builds a [`SecurityGroup`].
#[derive(Debug, Clone)]
pub struct GroupBuilder {
    group: SecurityGroup,
    last: Option<Direction>,
}
part!(GroupBuilder, SecurityGroup, security_groups);

/// A security group with no rules (not even the default egress rule).
pub fn sg(id: &str) -> GroupBuilder {
    GroupBuilder {
        group: SecurityGroup {
            id: GroupId::from(id),
            name: None,
            description: None,
            vpc: None,
            owner: None,
            ingress: Vec::new(),
            egress: Vec::new(),
            scope: Scope::default(),
            origin: origin(format!("SecurityGroups[{id}]")),
        },
        last: None,
    }
}

impl GroupBuilder {
    fn obj_mut(&mut self) -> &mut SecurityGroup {
        &mut self.group
    }

    /// The built group.
    pub fn build(self) -> SecurityGroup {
        self.group
    }

    fn push(mut self, direction: Direction, spec: Spec, peer: Peer) -> GroupBuilder {
        let (list, key) = match direction {
            Direction::Ingress => (&mut self.group.ingress, "IpPermissions"),
            Direction::Egress => (&mut self.group.egress, "IpPermissionsEgress"),
        };
        let origin = self.group.origin.child(&format!(".{key}[{}]", list.len()));
        list.push(Rule {
            direction,
            protocol: spec.protocol,
            l4: spec.l4,
            peer,
            description: None,
            rule_id: None,
            origin,
        });
        self.last = Some(direction);
        self
    }

    fn last(&mut self) -> &mut Rule {
        let list = match self.last {
            Some(Direction::Ingress) => &mut self.group.ingress,
            Some(Direction::Egress) => &mut self.group.egress,
            None => panic!("build: .id()/.desc() called before any rule was added"),
        };
        match list.last_mut() {
            Some(rule) => rule,
            None => panic!("build: .id()/.desc() called before any rule was added"),
        }
    }

    /// Adds an inbound rule.
    pub fn ingress(self, spec: Spec, peer: Peer) -> GroupBuilder {
        self.push(Direction::Ingress, spec, peer)
    }

    /// Adds an outbound rule.
    pub fn egress(self, spec: Spec, peer: Peer) -> GroupBuilder {
        self.push(Direction::Egress, spec, peer)
    }

    /// Sets the `sgr-…` id of the rule added last.
    ///
    /// # Panics
    /// If no rule was added yet.
    pub fn id(mut self, rule_id: &str) -> GroupBuilder {
        self.last().rule_id = Some(rule_id.to_string());
        self
    }

    /// Sets the description of the rule added last.
    ///
    /// # Panics
    /// If no rule was added yet.
    pub fn desc(mut self, description: &str) -> GroupBuilder {
        self.last().description = Some(description.to_string());
        self
    }

    /// Sets `GroupName`.
    pub fn name(mut self, name: &str) -> GroupBuilder {
        self.group.name = Some(name.to_string());
        self
    }

    /// Sets the VPC.
    pub fn vpc(mut self, vpc: &str) -> GroupBuilder {
        self.group.vpc = Some(VpcId::from(vpc));
        self
    }
}

/// Simple builders: a newtype over the model object, with a public field as escape hatch.
macro_rules! simple {
    ($(#[$doc:meta])* $builder:ident, $ty:ty, $field:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $builder(pub $ty);
        part!($builder, $ty, $field);
        impl $builder {
            fn obj_mut(&mut self) -> &mut $ty {
                &mut self.0
            }

            /// The built object.
            pub fn build(self) -> $ty {
                self.0
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// ENIs

simple!(
    /// Builds an [`Eni`].
    EniBuilder, Eni, enis
);

/// An ENI with no addresses, groups or subnet.
pub fn eni(id: &str) -> EniBuilder {
    EniBuilder(Eni::new(id, origin(format!("NetworkInterfaces[{id}]"))))
}

impl EniBuilder {
    /// Private IPv4 addresses; the first is primary.
    ///
    /// # Panics
    /// On a malformed address.
    pub fn ips<'a>(mut self, ips: impl IntoIterator<Item = &'a str>) -> EniBuilder {
        for ip in ips {
            let primary = self.0.private_ips.is_empty();
            self.0.private_ips.push(PrivateIp {
                ip: parse::<Ipv4Addr>("IPv4 address", ip),
                primary,
                public: None,
            });
        }
        self
    }

    /// IPv6 addresses.
    ///
    /// # Panics
    /// On a malformed address.
    pub fn ipv6<'a>(mut self, ips: impl IntoIterator<Item = &'a str>) -> EniBuilder {
        for ip in ips {
            self.0.ipv6.push(parse::<Ipv6Addr>("IPv6 address", ip));
        }
        self
    }

    fn set_public(mut self, ip: &str, elastic: bool) -> EniBuilder {
        let public = PublicIp {
            ip: parse::<Ipv4Addr>("IPv4 address", ip),
            allocation_id: elastic.then(|| format!("eipalloc-{ip}")),
            ip_owner: (!elastic).then(|| "amazon".to_string()),
        };
        match self.0.private_ips.first_mut() {
            Some(p) => p.public = Some(public),
            None => panic!("build: .public_ip()/.eip() needs a private address first"),
        }
        self
    }

    /// An auto-assigned public IP on the primary private address.
    ///
    /// # Panics
    /// If no private address was added yet, or on a malformed address.
    pub fn public_ip(self, ip: &str) -> EniBuilder {
        self.set_public(ip, false)
    }

    /// An Elastic IP on the primary private address.
    ///
    /// # Panics
    /// If no private address was added yet, or on a malformed address.
    pub fn eip(self, ip: &str) -> EniBuilder {
        self.set_public(ip, true)
    }

    /// Security groups.
    pub fn groups<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> EniBuilder {
        self.0.groups.extend(ids.into_iter().map(GroupId::from));
        self
    }

    /// Subnet.
    pub fn subnet(mut self, id: &str) -> EniBuilder {
        self.0.subnet = Some(SubnetId::from(id));
        self
    }

    /// VPC.
    pub fn vpc(mut self, id: &str) -> EniBuilder {
        self.0.vpc = Some(VpcId::from(id));
        self
    }

    /// Availability zone.
    pub fn az(mut self, az: &str) -> EniBuilder {
        self.0.az = Some(az.to_string());
        self
    }

    /// Attached to `instance` at `device_index`.
    pub fn attached_to(mut self, instance: &str, device_index: u32) -> EniBuilder {
        self.0.attachment = Some(EniAttachment {
            instance: Some(InstanceId::from(instance)),
            device_index: Some(device_index),
            status: Some("attached".to_string()),
            delete_on_termination: None,
        });
        self
    }
}

// ---------------------------------------------------------------------------------------
// Instances

simple!(
    /// Builds an [`Instance`].
    InstanceBuilder, Instance, instances
);

/// A running instance with no ENIs or volumes.
pub fn instance(id: &str) -> InstanceBuilder {
    InstanceBuilder(Instance::new(
        id,
        InstanceState::Running,
        origin(format!("Reservations[].Instances[{id}]")),
    ))
}

impl InstanceBuilder {
    /// Attached ENIs.
    pub fn enis<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> InstanceBuilder {
        self.0.enis.extend(ids.into_iter().map(EniId::from));
        self
    }

    /// An EBS volume mapping.
    pub fn volume(mut self, id: &str) -> InstanceBuilder {
        let device = format!("/dev/sd{}", self.0.block_devices.len());
        self.0.block_devices.push(BlockDevice {
            device,
            volume: Some(VolumeId::from(id)),
            delete_on_termination: None,
        });
        self
    }

    /// Primary subnet.
    pub fn subnet(mut self, id: &str) -> InstanceBuilder {
        self.0.subnet = Some(SubnetId::from(id));
        self
    }

    /// VPC.
    pub fn vpc(mut self, id: &str) -> InstanceBuilder {
        self.0.vpc = Some(VpcId::from(id));
        self
    }

    /// Availability zone.
    pub fn az(mut self, az: &str) -> InstanceBuilder {
        self.0.az = Some(az.to_string());
        self
    }

    /// Lifecycle state.
    pub fn state(mut self, state: InstanceState) -> InstanceBuilder {
        self.0.state = state;
        self
    }
}

// ---------------------------------------------------------------------------------------
// VPCs and subnets

simple!(
    /// Builds a [`Vpc`].
    VpcBuilder, Vpc, vpcs
);

/// A VPC with no blocks.
pub fn vpc(id: &str) -> VpcBuilder {
    VpcBuilder(Vpc {
        id: VpcId::from(id),
        cidrs: Vec::new(),
        is_default: false,
        owner: None,
        scope: Scope::default(),
        origin: origin(format!("Vpcs[{id}]")),
    })
}

impl VpcBuilder {
    /// Adds a block.
    ///
    /// # Panics
    /// On a malformed CIDR.
    pub fn cidr(mut self, c: &str) -> VpcBuilder {
        self.0.cidrs.push(parse("CIDR", c));
        self
    }
}

simple!(
    /// Builds a [`Subnet`].
    SubnetBuilder, Subnet, subnets
);

/// A subnet with no VPC, block or AZ.
pub fn subnet(id: &str) -> SubnetBuilder {
    SubnetBuilder(Subnet {
        id: SubnetId::from(id),
        vpc: None,
        cidr: None,
        ipv6_cidrs: Vec::new(),
        az: None,
        map_public_ip_on_launch: false,
        owner: None,
        scope: Scope::default(),
        origin: origin(format!("Subnets[{id}]")),
    })
}

impl SubnetBuilder {
    /// VPC.
    pub fn vpc(mut self, id: &str) -> SubnetBuilder {
        self.0.vpc = Some(VpcId::from(id));
        self
    }

    /// IPv4 block.
    ///
    /// # Panics
    /// On a malformed CIDR.
    pub fn cidr(mut self, c: &str) -> SubnetBuilder {
        self.0.cidr = Some(parse("CIDR", c));
        self
    }

    /// Availability zone.
    pub fn az(mut self, az: &str) -> SubnetBuilder {
        self.0.az = Some(az.to_string());
        self
    }
}

// ---------------------------------------------------------------------------------------
// Network ACLs

simple!(
    /// Builds a [`NetworkAcl`].
    NaclBuilder, NetworkAcl, network_acls
);

/// A custom NACL with no entries (not even the `*` denies) and no subnets.
pub fn nacl(id: &str) -> NaclBuilder {
    NaclBuilder(NetworkAcl {
        id: NaclId::from(id),
        vpc: None,
        is_default: false,
        entries: Vec::new(),
        subnets: Vec::new(),
        owner: None,
        scope: Scope::default(),
        origin: origin(format!("NetworkAcls[{id}]")),
    })
}

impl NaclBuilder {
    /// Adds an entry as written (not normalised).
    ///
    /// # Panics
    /// On a malformed CIDR.
    pub fn entry(
        mut self,
        rule_number: u16,
        direction: Direction,
        action: NaclAction,
        spec: Spec,
        block: &str,
    ) -> NaclBuilder {
        let origin = self
            .0
            .origin
            .child(&format!(".Entries[{}]", self.0.entries.len()));
        self.0.entries.push(NaclEntry {
            rule_number,
            direction,
            action,
            protocol: spec.protocol,
            l4: spec.l4,
            cidr: parse("CIDR", block),
            origin,
        });
        self
    }

    /// An inbound allow entry.
    pub fn allow_in(self, n: u16, spec: Spec, block: &str) -> NaclBuilder {
        self.entry(n, Direction::Ingress, NaclAction::Allow, spec, block)
    }

    /// An inbound deny entry.
    pub fn deny_in(self, n: u16, spec: Spec, block: &str) -> NaclBuilder {
        self.entry(n, Direction::Ingress, NaclAction::Deny, spec, block)
    }

    /// An outbound allow entry.
    pub fn allow_out(self, n: u16, spec: Spec, block: &str) -> NaclBuilder {
        self.entry(n, Direction::Egress, NaclAction::Allow, spec, block)
    }

    /// An outbound deny entry.
    pub fn deny_out(self, n: u16, spec: Spec, block: &str) -> NaclBuilder {
        self.entry(n, Direction::Egress, NaclAction::Deny, spec, block)
    }

    /// The four `*` entries AWS exports: 32767 (IPv4) and 32768 (IPv6) deny, both
    /// directions.
    pub fn star_denies(self) -> NaclBuilder {
        self.deny_in(32767, all(), "0.0.0.0/0")
            .deny_in(32768, all(), "::/0")
            .deny_out(32767, all(), "0.0.0.0/0")
            .deny_out(32768, all(), "::/0")
    }

    /// Explicitly associated subnets.
    pub fn subnets<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> NaclBuilder {
        self.0.subnets.extend(ids.into_iter().map(SubnetId::from));
        self
    }

    /// VPC.
    pub fn vpc(mut self, id: &str) -> NaclBuilder {
        self.0.vpc = Some(VpcId::from(id));
        self
    }
}

// ---------------------------------------------------------------------------------------
// Route tables

simple!(
    /// Builds a [`RouteTable`].
    RouteTableBuilder, RouteTable, route_tables
);

/// A route table with no routes.
pub fn route_table(id: &str) -> RouteTableBuilder {
    RouteTableBuilder(RouteTable {
        id: RouteTableId::from(id),
        vpc: None,
        main: false,
        subnets: Vec::new(),
        routes: Vec::new(),
        scope: Scope::default(),
        origin: origin(format!("RouteTables[{id}]")),
    })
}

impl RouteTableBuilder {
    /// Adds a route to `target` (an id such as `igw-1`, `eni-1`, `local`).
    ///
    /// # Panics
    /// On a malformed CIDR.
    pub fn route(mut self, destination: &str, target: &str) -> RouteTableBuilder {
        let origin = self
            .0
            .origin
            .child(&format!(".Routes[{}]", self.0.routes.len()));
        self.0.routes.push(Route {
            destination: RouteDestination::Cidr {
                cidr: parse("CIDR", destination),
            },
            target: RouteTarget::from_id(target),
            blackhole: false,
            origin,
        });
        self
    }

    /// Marks the last route as `blackhole`.
    pub fn blackhole(mut self) -> RouteTableBuilder {
        if let Some(r) = self.0.routes.last_mut() {
            r.blackhole = true;
        }
        self
    }

    /// Explicitly associated subnets.
    pub fn subnets<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> RouteTableBuilder {
        self.0.subnets.extend(ids.into_iter().map(SubnetId::from));
        self
    }
}

// ---------------------------------------------------------------------------------------
// Volumes, addresses, prefix lists

simple!(
    /// Builds a [`Volume`].
    VolumeBuilder, Volume, volumes
);

/// An unattached gp3 volume.
pub fn volume(id: &str) -> VolumeBuilder {
    VolumeBuilder(Volume {
        id: VolumeId::from(id),
        az: None,
        size_gib: Some(8),
        volume_type: Some("gp3".to_string()),
        encrypted: false,
        multi_attach: false,
        state: Some("available".to_string()),
        attachments: Vec::new(),
        scope: Scope::default(),
        origin: origin(format!("Volumes[{id}]")),
    })
}

impl VolumeBuilder {
    /// Availability zone.
    pub fn az(mut self, az: &str) -> VolumeBuilder {
        self.0.az = Some(az.to_string());
        self
    }

    /// The volume state (`available`, `in-use`, …).
    pub fn state(mut self, state: &str) -> VolumeBuilder {
        self.0.state = Some(state.to_string());
        self
    }

    /// Attached to `instance`.
    pub fn attach(mut self, instance: &str) -> VolumeBuilder {
        self.0.state = Some("in-use".to_string());
        self.0.attachments.push(VolumeAttachment {
            instance: InstanceId::from(instance),
            device: None,
            state: Some("attached".to_string()),
            delete_on_termination: None,
        });
        self
    }
}

simple!(
    /// Builds an [`Address`].
    AddressBuilder, Address, addresses
);

/// An unassociated Elastic IP.
///
/// # Panics
/// On a malformed address.
pub fn address(public_ip: &str) -> AddressBuilder {
    AddressBuilder(Address {
        public_ip: Some(parse("IPv4 address", public_ip)),
        allocation_id: Some(format!("eipalloc-{public_ip}")),
        association_id: None,
        instance: None,
        eni: None,
        private_ip: None,
        domain: Some("vpc".to_string()),
        scope: Scope::default(),
        origin: origin(format!("Addresses[{public_ip}]")),
    })
}

impl AddressBuilder {
    /// Associated with an instance.
    pub fn instance(mut self, id: &str) -> AddressBuilder {
        self.0.association_id = Some("eipassoc-build".to_string());
        self.0.instance = Some(InstanceId::from(id));
        self
    }

    /// Associated with an ENI.
    pub fn eni(mut self, id: &str) -> AddressBuilder {
        self.0.association_id = Some("eipassoc-build".to_string());
        self.0.eni = Some(EniId::from(id));
        self
    }
}

simple!(
    /// Builds a [`PrefixList`].
    PrefixListBuilder, PrefixList, prefix_lists
);

/// A prefix list with known, empty entries.
pub fn prefix_list(id: &str) -> PrefixListBuilder {
    PrefixListBuilder(PrefixList {
        id: PrefixListId::from(id),
        name: None,
        family: None,
        max_entries: None,
        entries: Some(Vec::new()),
        owner: None,
        scope: Scope::default(),
        origin: origin(format!("PrefixLists[{id}]")),
    })
}

impl PrefixListBuilder {
    /// Adds entries (the list's entries become known).
    ///
    /// # Panics
    /// On a malformed CIDR.
    pub fn entries<'a>(mut self, blocks: impl IntoIterator<Item = &'a str>) -> PrefixListBuilder {
        let list = self.0.entries.get_or_insert_with(Vec::new);
        for b in blocks {
            list.push(PrefixListEntry {
                cidr: parse::<Cidr>("CIDR", b),
                description: None,
            });
        }
        self
    }

    /// Only the metadata was exported: entries unknown.
    pub fn entries_unknown(mut self) -> PrefixListBuilder {
        self.0.entries = None;
        self
    }

    /// `MaxEntries`.
    pub fn max_entries(mut self, n: u32) -> PrefixListBuilder {
        self.0.max_entries = Some(n);
        self
    }

    /// `AddressFamily`.
    pub fn family(mut self, family: Family) -> PrefixListBuilder {
        self.0.family = Some(family);
        self
    }
}

/// An address literal, for queries.
///
/// # Panics
/// On a malformed address.
pub fn ip(s: &str) -> IpAddr {
    parse("IP address", s)
}
