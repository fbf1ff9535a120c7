//! The typed topology objects. Plain data, no I/O; every object keeps its [`Origin`].

use super::ids::*;
use super::origin::Origin;
use crate::net::{Cidr, Direction, Family, L4, PortRange, Protocol};
use serde::Serialize;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// The account and region an object was exported from, when the input layout says so
/// (CloudMapper `<account>/<region>/`, Batfish `aws_configs/accounts/<id>/<region>/`) or the
/// object carries an `OwnerId`. Objects with the same id in different scopes stay distinct.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Scope {
    /// Account id or account folder name.
    pub account: Option<AccountId>,
    /// Region name such as `us-east-1`.
    pub region: Option<String>,
}

impl Scope {
    /// Whether `self` falls within `wider`: each of `wider`'s account and region is
    /// unknown or equal to `self`'s (`111/us-east-1` is within `111` and within the
    /// unscoped `-`, not the other way round).
    pub fn within(&self, wider: &Scope) -> bool {
        (wider.account.as_ref()).is_none_or(|a| self.account.as_ref() == Some(a))
            && (wider.region.as_ref()).is_none_or(|r| self.region.as_ref() == Some(r))
    }

    /// The scopes `self` falls within (see [`Scope::within`]), itself first: itself,
    /// without region, without account, without both.
    pub fn widenings(&self) -> [Scope; 4] {
        let (account, region) = (&self.account, &self.region);
        [
            self.clone(),
            Scope {
                account: account.clone(),
                region: None,
            },
            Scope {
                account: None,
                region: region.clone(),
            },
            Scope::default(),
        ]
    }

    /// Whether objects of the two scopes may belong together: account and region each
    /// equal, or unknown on one side (as an id lookup falls back across scopes).
    pub fn compatible(&self, other: &Scope) -> bool {
        fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
            a.is_none() || b.is_none() || a == b
        }
        agree(&self.account, &other.account) && agree(&self.region, &other.region)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.account, &self.region) {
            (Some(a), Some(r)) => write!(f, "{a}/{r}"),
            (Some(a), None) => write!(f, "{a}"),
            (None, Some(r)) => write!(f, "{r}"),
            (None, None) => f.write_str("-"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Security groups

/// A security group: allow-only, stateful rules in two directions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityGroup {
    /// `sg-…`.
    pub id: GroupId,
    /// `GroupName` (`default` for a VPC's default group).
    pub name: Option<String>,
    /// The group's description (not a rule's).
    pub description: Option<String>,
    /// The VPC the group belongs to.
    pub vpc: Option<VpcId>,
    /// Owner account.
    pub owner: Option<AccountId>,
    /// Inbound rules (`IpPermissions`), one per peer.
    pub ingress: Vec<Rule>,
    /// Outbound rules (`IpPermissionsEgress`), one per peer.
    pub egress: Vec<Rule>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

impl SecurityGroup {
    /// The rules of one direction.
    pub fn rules(&self, direction: Direction) -> &[Rule] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// Both directions, ingress first.
    pub fn all_rules(&self) -> impl Iterator<Item = &Rule> {
        self.ingress.iter().chain(self.egress.iter())
    }

    /// Whether this is a VPC's default group (named `default`).
    pub fn is_default(&self) -> bool {
        self.name.as_deref() == Some("default")
    }
}

/// One security group rule with a single peer (the flattened form of an `IpPermission`,
/// as `describe-security-group-rules` returns it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Rule {
    /// Ingress (peer is the source) or egress (peer is the destination).
    pub direction: Direction,
    /// The protocol.
    pub protocol: Protocol,
    /// Ports, ICMP match or everything; normalised for `protocol` (see [`L4::normalize`]).
    pub l4: L4,
    /// The source (ingress) or destination (egress).
    pub peer: Peer,
    /// The per-peer description, if any.
    pub description: Option<String>,
    /// `sgr-…` when the export carries it.
    pub rule_id: Option<String>,
    /// Where it was read.
    pub origin: Origin,
}

/// The other end of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Peer {
    /// An IPv4 or IPv6 block.
    Cidr {
        /// The block.
        cidr: Cidr,
    },
    /// A managed (or AWS service) prefix list.
    PrefixList {
        /// `pl-…`.
        id: PrefixListId,
    },
    /// Another security group: matches the private addresses of its member ENIs.
    Group(Box<GroupRef>),
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Cidr { cidr } => write!(f, "{cidr}"),
            Peer::PrefixList { id } => write!(f, "{id}"),
            Peer::Group(g) => write!(f, "{g}"),
        }
    }
}

/// A reference to a security group, possibly in another account or across a peering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct GroupRef {
    /// The referenced group.
    pub group: GroupId,
    /// `UserId`: the referenced group's owner account.
    pub owner: Option<AccountId>,
    /// The referenced group's VPC, when given.
    pub vpc: Option<VpcId>,
    /// `VpcPeeringConnectionId` when the reference crosses a peering.
    pub peering: Option<String>,
    /// `PeeringStatus` (e.g. `active`, `deleted`).
    pub peering_status: Option<String>,
}

impl GroupRef {
    /// A plain same-account reference.
    pub fn to(group: impl Into<GroupId>) -> GroupRef {
        GroupRef {
            group: group.into(),
            owner: None,
            vpc: None,
            peering: None,
            peering_status: None,
        }
    }
}

impl fmt::Display for GroupRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.owner {
            Some(o) => write!(f, "{o}/{}", self.group),
            None => write!(f, "{}", self.group),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Network ACLs, VPCs, subnets, routes

/// Allow or deny, for a NACL entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NaclAction {
    /// Let the packet through.
    Allow,
    /// Drop the packet.
    Deny,
}

impl fmt::Display for NaclAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NaclAction::Allow => "allow",
            NaclAction::Deny => "deny",
        })
    }
}

impl FromStr for NaclAction {
    type Err = crate::net::ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "allow" => Ok(NaclAction::Allow),
            "deny" => Ok(NaclAction::Deny),
            _ => Err(crate::net::ValueError::new("allow or deny", s)),
        }
    }
}

/// A network ACL: numbered, stateless, first-match entries at a subnet boundary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkAcl {
    /// `acl-…`.
    pub id: NaclId,
    /// Its VPC.
    pub vpc: Option<VpcId>,
    /// The VPC's default NACL (used by subnets without an explicit association).
    pub is_default: bool,
    /// Entries in input order (evaluate sorted by rule number; see [`NetworkAcl::sorted`]).
    pub entries: Vec<NaclEntry>,
    /// Explicitly associated subnets.
    pub subnets: Vec<SubnetId>,
    /// Owner account.
    pub owner: Option<AccountId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

impl NetworkAcl {
    /// The entries of one direction in evaluation order (ascending rule number).
    pub fn sorted(&self, direction: Direction) -> Vec<&NaclEntry> {
        let mut v: Vec<&NaclEntry> = self
            .entries
            .iter()
            .filter(|e| e.direction == direction)
            .collect();
        v.sort_by_key(|e| e.rule_number);
        v
    }
}

/// One NACL entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct NaclEntry {
    /// 1-32766 for user rules; 32767 (IPv4) and 32768 (IPv6) are the final `*` deny.
    pub rule_number: u16,
    /// Ingress = entering the subnet; egress = leaving it.
    pub direction: Direction,
    /// Allow or deny.
    pub action: NaclAction,
    /// Protocol.
    pub protocol: Protocol,
    /// Ports / ICMP match, normalised for the protocol.
    pub l4: L4,
    /// Source (ingress) or destination (egress) block.
    pub cidr: Cidr,
    /// Where it was read.
    pub origin: Origin,
}

/// A VPC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vpc {
    /// `vpc-…`.
    pub id: VpcId,
    /// IPv4 and IPv6 blocks.
    pub cidrs: Vec<Cidr>,
    /// The account's default VPC.
    pub is_default: bool,
    /// Owner account.
    pub owner: Option<AccountId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

/// A subnet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subnet {
    /// `subnet-…`.
    pub id: SubnetId,
    /// Its VPC.
    pub vpc: Option<VpcId>,
    /// IPv4 block.
    pub cidr: Option<Cidr>,
    /// IPv6 blocks.
    pub ipv6_cidrs: Vec<Cidr>,
    /// Availability zone.
    pub az: Option<String>,
    /// `MapPublicIpOnLaunch`.
    pub map_public_ip_on_launch: bool,
    /// Owner account.
    pub owner: Option<AccountId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

/// A route table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteTable {
    /// `rtb-…`.
    pub id: RouteTableId,
    /// Its VPC.
    pub vpc: Option<VpcId>,
    /// The VPC's main table (used by subnets without an explicit association).
    pub main: bool,
    /// Explicitly associated subnets.
    pub subnets: Vec<SubnetId>,
    /// Routes in input order.
    pub routes: Vec<Route>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

/// The destination of a route.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RouteDestination {
    /// An IPv4 or IPv6 block.
    Cidr {
        /// The block.
        cidr: Cidr,
    },
    /// A prefix list.
    PrefixList {
        /// `pl-…`.
        id: PrefixListId,
    },
}

impl fmt::Display for RouteDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteDestination::Cidr { cidr } => write!(f, "{cidr}"),
            RouteDestination::PrefixList { id } => write!(f, "{id}"),
        }
    }
}

/// Where a route sends traffic, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RouteTarget {
    /// The VPC's local route.
    Local,
    /// An internet gateway `igw-…`.
    InternetGateway(IgwId),
    /// An egress-only internet gateway `eigw-…` (IPv6).
    EgressOnlyInternetGateway(String),
    /// A NAT gateway `nat-…`.
    NatGateway(String),
    /// A VPC peering connection `pcx-…`.
    Peering(String),
    /// A transit gateway `tgw-…`.
    TransitGateway(String),
    /// A network interface `eni-…` (appliance).
    NetworkInterface(EniId),
    /// An instance `i-…` (NAT instance).
    Instance(InstanceId),
    /// A virtual private gateway `vgw-…`.
    VpnGateway(String),
    /// A gateway VPC endpoint `vpce-…`.
    VpcEndpoint(String),
    /// Anything else, by its id.
    Other(String),
}

impl RouteTarget {
    /// Classifies a target id by its prefix (`igw-`, `nat-`, `pcx-`, …); `local` is local.
    pub fn from_id(id: &str) -> RouteTarget {
        let owned = || id.to_string();
        match id.split_once('-').map(|(p, _)| p) {
            _ if id == "local" => RouteTarget::Local,
            Some("igw") => RouteTarget::InternetGateway(IgwId::from(id)),
            Some("eigw") => RouteTarget::EgressOnlyInternetGateway(owned()),
            Some("nat") => RouteTarget::NatGateway(owned()),
            Some("pcx") => RouteTarget::Peering(owned()),
            Some("tgw") => RouteTarget::TransitGateway(owned()),
            Some("eni") => RouteTarget::NetworkInterface(EniId::from(id)),
            Some("i") => RouteTarget::Instance(InstanceId::from(id)),
            Some("vgw") => RouteTarget::VpnGateway(owned()),
            Some("vpce") => RouteTarget::VpcEndpoint(owned()),
            _ => RouteTarget::Other(owned()),
        }
    }

    /// The target's id (`local` for the local route).
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::InternetGateway(i) => i.as_str(),
            RouteTarget::NetworkInterface(i) => i.as_str(),
            RouteTarget::Instance(i) => i.as_str(),
            RouteTarget::EgressOnlyInternetGateway(s)
            | RouteTarget::NatGateway(s)
            | RouteTarget::Peering(s)
            | RouteTarget::TransitGateway(s)
            | RouteTarget::VpnGateway(s)
            | RouteTarget::VpcEndpoint(s)
            | RouteTarget::Other(s) => s,
        }
    }
}

impl fmt::Display for RouteTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Route {
    /// Destination block or prefix list.
    pub destination: RouteDestination,
    /// Target.
    pub target: RouteTarget,
    /// `State: blackhole`: the target is gone and packets are dropped.
    pub blackhole: bool,
    /// Where it was read.
    pub origin: Origin,
}

/// An internet gateway.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InternetGateway {
    /// `igw-…`.
    pub id: IgwId,
    /// VPCs it is attached to (state `available`/`attached`).
    pub vpcs: Vec<VpcId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

// ---------------------------------------------------------------------------------------
// ENIs, instances, volumes, addresses, prefix lists

/// A public IPv4 address associated with a private address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PublicIp {
    /// The public address.
    pub ip: Ipv4Addr,
    /// `AllocationId` for an Elastic IP.
    pub allocation_id: Option<String>,
    /// `IpOwnerId`: `amazon` for an auto-assigned (ephemeral) address.
    pub ip_owner: Option<String>,
}

impl PublicIp {
    /// Whether it is an Elastic IP (survives stop/start): anything but an address owned
    /// by `amazon` (auto-assigned), so a rule-language `eip` without its allocation id
    /// too.
    pub fn is_elastic(&self) -> bool {
        self.allocation_id.is_some() || self.ip_owner.as_deref() != Some("amazon")
    }
}

/// A private IPv4 address of an ENI.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PrivateIp {
    /// The address.
    pub ip: Ipv4Addr,
    /// The ENI's primary private address.
    pub primary: bool,
    /// Its public IP or EIP, if any.
    pub public: Option<PublicIp>,
}

/// An ENI's attachment to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct EniAttachment {
    /// The instance.
    pub instance: Option<InstanceId>,
    /// 0 = the primary ENI.
    pub device_index: Option<u32>,
    /// attaching / attached / detaching / detached.
    pub status: Option<String>,
    /// Deleted with the instance.
    pub delete_on_termination: Option<bool>,
}

/// A network interface: where security groups attach.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eni {
    /// `eni-…`.
    pub id: EniId,
    /// Its subnet (fixed for life).
    pub subnet: Option<SubnetId>,
    /// Its VPC.
    pub vpc: Option<VpcId>,
    /// Availability zone.
    pub az: Option<String>,
    /// Private IPv4 addresses, primary first when the export says which.
    pub private_ips: Vec<PrivateIp>,
    /// IPv6 addresses.
    pub ipv6: Vec<Ipv6Addr>,
    /// The security groups that apply (authoritative, unlike `Instance.SecurityGroups`).
    pub groups: Vec<GroupId>,
    /// Attachment to an instance.
    pub attachment: Option<EniAttachment>,
    /// `InterfaceType`: interface, natGateway, lambda, vpc_endpoint, …
    pub interface_type: Option<String>,
    /// available / in-use / …
    pub status: Option<String>,
    /// `SourceDestCheck`.
    pub source_dest_check: Option<bool>,
    /// Description.
    pub description: Option<String>,
    /// Owner account.
    pub owner: Option<AccountId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

impl Eni {
    /// Whether its type is one an instance carries (`interface`, `efa`, `efa-only`,
    /// `trunk`, or none given), not a service's (`network_load_balancer`, `lambda`, …,
    /// in use without an instance).
    pub fn is_instance_type(&self) -> bool {
        (self.interface_type.as_deref())
            .is_none_or(|t| matches!(t, "interface" | "efa" | "efa-only" | "trunk"))
    }

    /// An ENI with only an id and an origin (no subnet, addresses, groups or attachment).
    pub fn new(id: impl Into<EniId>, origin: Origin) -> Eni {
        Eni {
            id: id.into(),
            subnet: None,
            vpc: None,
            az: None,
            private_ips: Vec::new(),
            ipv6: Vec::new(),
            groups: Vec::new(),
            attachment: None,
            interface_type: None,
            status: None,
            source_dest_check: None,
            description: None,
            owner: None,
            scope: Scope::default(),
            origin,
        }
    }

    /// The primary private IPv4 address.
    pub fn primary_ip(&self) -> Option<Ipv4Addr> {
        self.private_ips
            .iter()
            .find(|p| p.primary)
            .or(self.private_ips.first())
            .map(|p| p.ip)
    }

    /// Every public IPv4 address (auto-assigned or Elastic) on any private address.
    pub fn public_ips(&self) -> impl Iterator<Item = &PublicIp> {
        self.private_ips.iter().filter_map(|p| p.public.as_ref())
    }
}

/// Instance lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceState {
    /// pending (0).
    Pending,
    /// running (16): the only state that sends and receives traffic.
    Running,
    /// shutting-down (32).
    ShuttingDown,
    /// terminated (48).
    Terminated,
    /// stopping (64).
    Stopping,
    /// stopped (80).
    Stopped,
}

impl InstanceState {
    /// From the numeric `State.Code` (the high byte is masked off).
    pub fn from_code(code: i64) -> Option<InstanceState> {
        match code & 0xFF {
            0 => Some(InstanceState::Pending),
            16 => Some(InstanceState::Running),
            32 => Some(InstanceState::ShuttingDown),
            48 => Some(InstanceState::Terminated),
            64 => Some(InstanceState::Stopping),
            80 => Some(InstanceState::Stopped),
            _ => None,
        }
    }
}

impl fmt::Display for InstanceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopping => "stopping",
            InstanceState::Stopped => "stopped",
        })
    }
}

impl FromStr for InstanceState {
    type Err = crate::net::ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "pending" => Ok(InstanceState::Pending),
            "running" => Ok(InstanceState::Running),
            "shutting-down" => Ok(InstanceState::ShuttingDown),
            "terminated" => Ok(InstanceState::Terminated),
            "stopping" => Ok(InstanceState::Stopping),
            "stopped" => Ok(InstanceState::Stopped),
            _ => Err(crate::net::ValueError::new(
                "an instance state (pending, running, shutting-down, terminated, stopping, stopped)",
                s,
            )),
        }
    }
}

/// A block device mapping of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BlockDevice {
    /// Device name such as `/dev/xvda`.
    pub device: String,
    /// The EBS volume, if EBS-backed.
    pub volume: Option<VolumeId>,
    /// Deleted with the instance.
    pub delete_on_termination: Option<bool>,
}

/// A port a host listens on (declared in the DSL with `listen`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Listener {
    /// tcp or udp.
    pub protocol: Protocol,
    /// Ports.
    pub ports: PortRange,
    /// Where it was declared.
    pub origin: Origin,
}

/// An EC2 instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instance {
    /// `i-…`.
    pub id: InstanceId,
    /// Lifecycle state.
    pub state: InstanceState,
    /// `t3.micro`, …
    pub instance_type: Option<String>,
    /// Availability zone (`Placement.AvailabilityZone`).
    pub az: Option<String>,
    /// Primary subnet.
    pub subnet: Option<SubnetId>,
    /// VPC.
    pub vpc: Option<VpcId>,
    /// Attached ENIs (ordered by device index when known).
    pub enis: Vec<EniId>,
    /// Block device mappings.
    pub block_devices: Vec<BlockDevice>,
    /// `RootDeviceName`.
    pub root_device_name: Option<String>,
    /// `RootDeviceType`: ebs or instance-store.
    pub root_device_type: Option<String>,
    /// `HibernationOptions.Configured`.
    pub hibernation: bool,
    /// `Placement.GroupName`.
    pub placement_group: Option<String>,
    /// Declared listeners; empty = not declared.
    pub listeners: Vec<Listener>,
    /// Owner account.
    pub owner: Option<AccountId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

impl Instance {
    /// An instance with only an id, a state and an origin (no ENIs, volumes or listeners).
    pub fn new(id: impl Into<InstanceId>, state: InstanceState, origin: Origin) -> Instance {
        Instance {
            id: id.into(),
            state,
            instance_type: None,
            az: None,
            subnet: None,
            vpc: None,
            enis: Vec::new(),
            block_devices: Vec::new(),
            root_device_name: None,
            root_device_type: None,
            hibernation: false,
            placement_group: None,
            listeners: Vec::new(),
            owner: None,
            scope: Scope::default(),
            origin,
        }
    }
}

/// One attachment of a volume.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct VolumeAttachment {
    /// The instance.
    pub instance: InstanceId,
    /// Device name.
    pub device: Option<String>,
    /// attaching / attached / …
    pub state: Option<String>,
    /// Deleted with the instance.
    pub delete_on_termination: Option<bool>,
}

impl VolumeAttachment {
    /// Whether it holds the volume (any state but `detached`).
    pub fn is_live(&self) -> bool {
        self.state.as_deref() != Some("detached")
    }
}

/// An EBS volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Volume {
    /// `vol-…`.
    pub id: VolumeId,
    /// Availability zone.
    pub az: Option<String>,
    /// Size in GiB.
    pub size_gib: Option<u64>,
    /// gp2, gp3, io1, io2, st1, sc1, standard.
    pub volume_type: Option<String>,
    /// Encrypted at rest.
    pub encrypted: bool,
    /// Multi-Attach enabled.
    pub multi_attach: bool,
    /// creating / available / in-use / …
    pub state: Option<String>,
    /// Attachments.
    pub attachments: Vec<VolumeAttachment>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

/// An Elastic IP address (`describe-addresses`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Address {
    /// The public address.
    pub public_ip: Option<Ipv4Addr>,
    /// `eipalloc-…`.
    pub allocation_id: Option<String>,
    /// `eipassoc-…`; none = not associated (billed).
    pub association_id: Option<String>,
    /// Associated instance.
    pub instance: Option<InstanceId>,
    /// Associated ENI.
    pub eni: Option<EniId>,
    /// The private address it maps to.
    pub private_ip: Option<Ipv4Addr>,
    /// `vpc` or `standard`.
    pub domain: Option<String>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

impl Address {
    /// A display id: the allocation id, else the address.
    pub fn key(&self) -> String {
        match (&self.allocation_id, &self.public_ip) {
            (Some(a), _) => a.clone(),
            (None, Some(ip)) => ip.to_string(),
            (None, None) => "<unnamed address>".to_string(),
        }
    }
}

/// One entry of a prefix list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PrefixListEntry {
    /// The block.
    pub cidr: Cidr,
    /// Description.
    pub description: Option<String>,
}

/// A managed prefix list (or an AWS service list from `describe-prefix-lists`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrefixList {
    /// `pl-…`.
    pub id: PrefixListId,
    /// Name.
    pub name: Option<String>,
    /// Address family, when declared.
    pub family: Option<Family>,
    /// `MaxEntries`: what the list costs in rule quota.
    pub max_entries: Option<u32>,
    /// Entries; `None` when only the metadata was exported (entries unknown).
    pub entries: Option<Vec<PrefixListEntry>>,
    /// Owner account.
    pub owner: Option<AccountId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}

impl PrefixList {
    /// The address family: as declared, else the one all known entries share
    /// (describe-prefix-lists gives no family; its `Cidrs` tell).
    pub fn address_family(&self) -> Option<Family> {
        self.family.or_else(|| {
            let entries = self.entries.as_ref()?;
            let first = entries.first()?.cidr.family();
            entries
                .iter()
                .all(|e| e.cidr.family() == first)
                .then_some(first)
        })
    }
}

/// A flow expectation from the DSL: `expect allow internet -> i-web 443/tcp`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Expectation {
    /// `allow` (true) or `deny` (false).
    pub allow: bool,
    /// Source endpoint as written (IP, CIDR, `internet`, instance/ENI/group id).
    pub from: String,
    /// Destination endpoint as written.
    pub to: String,
    /// Protocol.
    pub protocol: Protocol,
    /// Destination port or ICMP type/code.
    pub l4: L4,
    /// Where it was written.
    pub origin: Origin,
}

/// The kind of a resource of another AWS service that names security groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserKind {
    /// `DBInstances` (rds describe-db-instances).
    RdsInstance,
    /// `DBClusters` (rds describe-db-clusters).
    RdsCluster,
    /// `LoadBalancerDescriptions` (elb) and `LoadBalancers` (elbv2).
    LoadBalancer,
    /// `Functions` (lambda list-functions).
    LambdaFunction,
    /// `Clusters` (redshift, dax, memorydb, cloudhsmv2 describe-clusters) and
    /// `ClusterInfoList` (kafka list-clusters).
    Cluster,
    /// `CacheClusters` (elasticache describe-cache-clusters).
    CacheCluster,
    /// `DomainStatusList` / `DomainStatus` (es and opensearch describe-domain(s)).
    SearchDomain,
    /// `VpcEndpoints` (ec2 and opensearch describe-vpc-endpoints).
    VpcEndpoint,
    /// `computeEnvironments` (batch describe-compute-environments).
    BatchEnvironment,
    /// `LaunchTemplateVersions` (ec2 describe-launch-template-versions).
    LaunchTemplate,
    /// `LaunchConfigurations` (autoscaling describe-launch-configurations).
    LaunchConfiguration,
    /// `services` (ecs describe-services, `awsvpc` network mode).
    EcsService,
    /// `Targets` (events list-targets-by-rule) that run ECS tasks in `awsvpc` mode.
    EventTarget,
    /// `cluster` (eks describe-cluster).
    EksCluster,
    /// `SecurityGroups` as a list of ids (efs describe-mount-target-security-groups).
    EfsMountTarget,
    /// `SecurityGroups` ids beside `NotebookInstanceName` (sagemaker
    /// describe-notebook-instance).
    NotebookInstance,
    /// `SecurityGroups` ids beside `BrokerId` (mq describe-broker).
    MqBroker,
    /// `SecurityGroupReferenceSet` (ec2 describe-security-group-references): a VPC whose
    /// groups reference the group across a peering or a transit gateway.
    PeeredVpc,
    /// An AWS Config item of another resource type whose `relationships` name the group.
    ConfigResource,
}

impl UserKind {
    /// Every kind, in declaration order.
    pub const ALL: [UserKind; 19] = [
        UserKind::RdsInstance,
        UserKind::RdsCluster,
        UserKind::LoadBalancer,
        UserKind::LambdaFunction,
        UserKind::Cluster,
        UserKind::CacheCluster,
        UserKind::SearchDomain,
        UserKind::VpcEndpoint,
        UserKind::BatchEnvironment,
        UserKind::LaunchTemplate,
        UserKind::LaunchConfiguration,
        UserKind::EcsService,
        UserKind::EventTarget,
        UserKind::EksCluster,
        UserKind::EfsMountTarget,
        UserKind::NotebookInstance,
        UserKind::MqBroker,
        UserKind::PeeredVpc,
        UserKind::ConfigResource,
    ];

    /// The rule-language spelling (`rds-instance`).
    pub fn slug(self) -> &'static str {
        match self {
            UserKind::RdsInstance => "rds-instance",
            UserKind::RdsCluster => "rds-cluster",
            UserKind::LoadBalancer => "load-balancer",
            UserKind::LambdaFunction => "lambda-function",
            UserKind::Cluster => "cluster",
            UserKind::CacheCluster => "cache-cluster",
            UserKind::SearchDomain => "search-domain",
            UserKind::VpcEndpoint => "vpc-endpoint",
            UserKind::BatchEnvironment => "batch-environment",
            UserKind::LaunchTemplate => "launch-template",
            UserKind::LaunchConfiguration => "launch-configuration",
            UserKind::EcsService => "ecs-service",
            UserKind::EventTarget => "eventbridge-target",
            UserKind::EksCluster => "eks-cluster",
            UserKind::EfsMountTarget => "efs-mount-target",
            UserKind::NotebookInstance => "sagemaker-notebook",
            UserKind::MqBroker => "mq-broker",
            UserKind::PeeredVpc => "peered-vpc",
            UserKind::ConfigResource => "config-resource",
        }
    }

    /// How messages name it (`RDS instance`).
    pub fn label(self) -> &'static str {
        match self {
            UserKind::RdsInstance => "RDS instance",
            UserKind::RdsCluster => "RDS cluster",
            UserKind::LoadBalancer => "load balancer",
            UserKind::LambdaFunction => "Lambda function",
            UserKind::Cluster => "cluster",
            UserKind::CacheCluster => "ElastiCache cluster",
            UserKind::SearchDomain => "OpenSearch domain",
            UserKind::VpcEndpoint => "VPC endpoint",
            UserKind::BatchEnvironment => "Batch compute environment",
            UserKind::LaunchTemplate => "launch template",
            UserKind::LaunchConfiguration => "launch configuration",
            UserKind::EcsService => "ECS service",
            UserKind::EventTarget => "EventBridge target",
            UserKind::EksCluster => "EKS cluster",
            UserKind::EfsMountTarget => "EFS mount target",
            UserKind::NotebookInstance => "SageMaker notebook instance",
            UserKind::MqBroker => "Amazon MQ broker",
            UserKind::PeeredVpc => "peered VPC",
            UserKind::ConfigResource => "resource",
        }
    }
}

impl fmt::Display for UserKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for UserKind {
    type Err = ();
    fn from_str(s: &str) -> Result<UserKind, ()> {
        UserKind::ALL.into_iter().find(|k| k.slug() == s).ok_or(())
    }
}

/// A rule AWS lists as stale (describe-stale-security-groups): it references a group in
/// another VPC across a peering (or transit gateway) that was deleted, or whose peering
/// is gone, and matches nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaleRule {
    /// The group holding the rule.
    pub group: GroupId,
    /// That group's VPC.
    pub vpc: Option<VpcId>,
    /// The rule (its peer is the group reference found stale).
    pub rule: Rule,
    /// Account/region scope.
    pub scope: Scope,
}

/// A resource of another service (an RDS instance, a load balancer, a Lambda function, a
/// launch template, …) that names security groups. Read from those services' exports so
/// that a group only they use is not called unused: their network interfaces are often
/// missing from an export, and launch templates have none until they launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupUser {
    /// What it is.
    pub kind: UserKind,
    /// Its name or id (`mydb`, `lt-0abc:3`).
    pub id: String,
    /// The groups it names.
    pub groups: Vec<GroupId>,
    /// Export scope.
    pub scope: Scope,
    /// Where it was read.
    pub origin: Origin,
}
