//! Permissive serde mirrors of the AWS describe-* output shapes, and the document walker.
//!
//! Contract: these types accept every field as optional (`Option`, so absent and `null`
//! are both fine), ignore unknown keys, and borrow strings from the input where the JSON
//! has no escapes (`Cow<'a, str>`). They check only JSON *types*: a string where a number
//! is expected fails the whole file with a line:column. Everything about *values* (CIDR
//! syntax, port ranges, protocol names) is left to [`super::lower`], which can report the
//! JSON path and skip one object.
//!
//! [`RawDoc`] walks a document in one pass (no intermediate `serde_json::Value` for the
//! common `{"SecurityGroups": [...]}` case). It recognises:
//! - known section keys at the top level (`SecurityGroups`, `Reservations`, …);
//! - one level of wrapping under any other top-level key: the placebo recording
//!   `{"status_code": 200, "data": {...}}`, or a named fixture such as cartography's
//!   `{"DESCRIBE_INSTANCES": {"Reservations": [...]}}`;
//! - bare arrays (top level, or the value of a top-level key such as cartography's
//!   `{"DESCRIBE_SGS": [...]}`), classified by the keys of their first element; these go
//!   through `serde_json::Value` (rare, and small in practice).
//!
//! Deeper levels are skipped without allocation.

use crate::model::UserKind;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A string borrowed from the input when it has no escapes, else owned.
///
/// serde's own `Cow<str>` impl always allocates unless the field itself is a `Cow` marked
/// `#[serde(borrow)]`; inside an `Option` or a `Vec` it would copy every string, so this
/// type asks the deserializer for a borrowed string directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// An optional string, borrowed from the input when possible.
pub(crate) type Str<'a> = Option<Text<'a>>;

/// A list that may be absent or `null`.
pub(crate) type List<T> = Option<Vec<T>>;

/// The elements of a list that may be absent or `null`.
pub(crate) fn items<T>(l: &List<T>) -> &[T] {
    l.as_deref().unwrap_or(&[])
}

// ---------------------------------------------------------------------------------------
// Security groups

/// `SecurityGroup`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawSecurityGroup<'a> {
    #[serde(borrow)]
    pub group_id: Str<'a>,
    #[serde(borrow)]
    pub group_name: Str<'a>,
    #[serde(borrow)]
    pub description: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub owner_id: Str<'a>,
    #[serde(borrow)]
    pub ip_permissions: List<RawPermission<'a>>,
    #[serde(borrow)]
    pub ip_permissions_egress: List<RawPermission<'a>>,
}

/// `IpPermission`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPermission<'a> {
    #[serde(borrow)]
    pub ip_protocol: Str<'a>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    #[serde(borrow)]
    pub ip_ranges: List<RawIpRange<'a>>,
    #[serde(borrow)]
    pub ipv6_ranges: List<RawIpv6Range<'a>>,
    #[serde(borrow)]
    pub prefix_list_ids: List<RawPrefixListId<'a>>,
    #[serde(borrow)]
    pub user_id_group_pairs: List<RawGroupPair<'a>>,
}

/// `IpRange`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawIpRange<'a> {
    #[serde(borrow)]
    pub cidr_ip: Str<'a>,
    #[serde(borrow)]
    pub description: Str<'a>,
}

/// `Ipv6Range`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawIpv6Range<'a> {
    #[serde(borrow, rename = "CidrIpv6")]
    pub cidr_ipv6: Str<'a>,
    #[serde(borrow)]
    pub description: Str<'a>,
}

/// `PrefixListId` (the object in `PrefixListIds`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPrefixListId<'a> {
    #[serde(borrow)]
    pub prefix_list_id: Str<'a>,
    #[serde(borrow)]
    pub description: Str<'a>,
}

/// `UserIdGroupPair`, and `ReferencedSecurityGroup` (`ReferencedGroupInfo`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawGroupPair<'a> {
    #[serde(borrow)]
    pub group_id: Str<'a>,
    #[serde(borrow)]
    pub user_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_peering_connection_id: Str<'a>,
    #[serde(borrow)]
    pub peering_status: Str<'a>,
    #[serde(borrow)]
    pub description: Str<'a>,
}

/// `StaleSecurityGroup` (describe-stale-security-groups): a group of one VPC with the
/// rules AWS finds stale.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawStaleGroup<'a> {
    #[serde(borrow)]
    pub group_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub stale_ip_permissions: List<RawStalePermission<'a>>,
    #[serde(borrow)]
    pub stale_ip_permissions_egress: List<RawStalePermission<'a>>,
}

/// `StaleIpPermission`: its group references are what is stale (its `IpRanges` and
/// `PrefixListIds` are lists of strings, and not read).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawStalePermission<'a> {
    #[serde(borrow)]
    pub ip_protocol: Str<'a>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    #[serde(borrow)]
    pub user_id_group_pairs: List<RawGroupPair<'a>>,
}

/// `SecurityGroupRule` (describe-security-group-rules).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawSecurityGroupRule<'a> {
    #[serde(borrow)]
    pub security_group_rule_id: Str<'a>,
    #[serde(borrow)]
    pub group_id: Str<'a>,
    #[serde(borrow)]
    pub group_owner_id: Str<'a>,
    pub is_egress: Option<bool>,
    #[serde(borrow)]
    pub ip_protocol: Str<'a>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    #[serde(borrow)]
    pub cidr_ipv4: Str<'a>,
    #[serde(borrow)]
    pub cidr_ipv6: Str<'a>,
    #[serde(borrow)]
    pub prefix_list_id: Str<'a>,
    #[serde(borrow)]
    pub referenced_group_info: Option<RawGroupPair<'a>>,
    #[serde(borrow)]
    pub description: Str<'a>,
}

// ---------------------------------------------------------------------------------------
// ENIs and instances

/// `NetworkInterface` (also the shape inside `Instance.NetworkInterfaces`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawEni<'a> {
    #[serde(borrow)]
    pub network_interface_id: Str<'a>,
    #[serde(borrow)]
    pub subnet_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub availability_zone: Str<'a>,
    #[serde(borrow)]
    pub description: Str<'a>,
    #[serde(borrow)]
    pub owner_id: Str<'a>,
    #[serde(borrow)]
    pub interface_type: Str<'a>,
    #[serde(borrow)]
    pub status: Str<'a>,
    pub source_dest_check: Option<bool>,
    #[serde(borrow)]
    pub groups: List<RawGroupIdentifier<'a>>,
    #[serde(borrow)]
    pub private_ip_address: Str<'a>,
    #[serde(borrow)]
    pub private_ip_addresses: List<RawPrivateIp<'a>>,
    #[serde(borrow)]
    pub association: Option<RawAssociation<'a>>,
    #[serde(borrow)]
    pub attachment: Option<RawEniAttachment<'a>>,
    #[serde(borrow)]
    pub ipv6_addresses: List<RawIpv6Address<'a>>,
}

/// `GroupIdentifier`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawGroupIdentifier<'a> {
    #[serde(borrow)]
    pub group_id: Str<'a>,
}

/// `NetworkInterfacePrivateIpAddress`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPrivateIp<'a> {
    #[serde(borrow)]
    pub private_ip_address: Str<'a>,
    pub primary: Option<bool>,
    #[serde(borrow)]
    pub association: Option<RawAssociation<'a>>,
}

/// `NetworkInterfaceAssociation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawAssociation<'a> {
    #[serde(borrow)]
    pub public_ip: Str<'a>,
    #[serde(borrow)]
    pub allocation_id: Str<'a>,
    #[serde(borrow)]
    pub ip_owner_id: Str<'a>,
}

/// `NetworkInterfaceAttachment` / `InstanceNetworkInterfaceAttachment`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawEniAttachment<'a> {
    #[serde(borrow)]
    pub instance_id: Str<'a>,
    pub device_index: Option<i64>,
    #[serde(borrow)]
    pub status: Str<'a>,
    pub delete_on_termination: Option<bool>,
}

/// `NetworkInterfaceIpv6Address`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawIpv6Address<'a> {
    #[serde(borrow)]
    pub ipv6_address: Str<'a>,
}

/// `Reservation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawReservation<'a> {
    #[serde(borrow)]
    pub owner_id: Str<'a>,
    #[serde(borrow)]
    pub instances: List<RawInstance<'a>>,
}

/// `Instance`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawInstance<'a> {
    #[serde(borrow)]
    pub instance_id: Str<'a>,
    #[serde(borrow)]
    pub state: Option<RawInstanceState<'a>>,
    #[serde(borrow)]
    pub instance_type: Str<'a>,
    #[serde(borrow)]
    pub placement: Option<RawPlacement<'a>>,
    #[serde(borrow)]
    pub subnet_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub private_ip_address: Str<'a>,
    pub security_groups: Option<IgnoredAny>,
    #[serde(borrow)]
    pub network_interfaces: List<RawEni<'a>>,
    #[serde(borrow)]
    pub block_device_mappings: List<RawBlockDevice<'a>>,
    #[serde(borrow)]
    pub root_device_name: Str<'a>,
    #[serde(borrow)]
    pub root_device_type: Str<'a>,
    pub hibernation_options: Option<RawHibernation>,
    #[serde(borrow)]
    pub owner_id: Str<'a>,
}

/// `InstanceState`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawInstanceState<'a> {
    #[serde(borrow)]
    pub name: Str<'a>,
    pub code: Option<i64>,
}

/// `Placement`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPlacement<'a> {
    #[serde(borrow)]
    pub availability_zone: Str<'a>,
    #[serde(borrow)]
    pub group_name: Str<'a>,
}

/// `InstanceBlockDeviceMapping`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawBlockDevice<'a> {
    #[serde(borrow)]
    pub device_name: Str<'a>,
    #[serde(borrow)]
    pub ebs: Option<RawEbs<'a>>,
}

/// `EbsInstanceBlockDevice`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawEbs<'a> {
    #[serde(borrow)]
    pub volume_id: Str<'a>,
    pub delete_on_termination: Option<bool>,
}

/// `HibernationOptions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawHibernation {
    pub configured: Option<bool>,
}

// ---------------------------------------------------------------------------------------
// VPCs, subnets, routes, NACLs, gateways

/// `Vpc`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawVpc<'a> {
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub cidr_block: Str<'a>,
    #[serde(borrow)]
    pub cidr_block_association_set: List<RawCidrAssociation<'a>>,
    #[serde(borrow)]
    pub ipv6_cidr_block_association_set: List<RawCidrAssociation<'a>>,
    pub is_default: Option<bool>,
    #[serde(borrow)]
    pub owner_id: Str<'a>,
}

/// `VpcCidrBlockAssociation` / `VpcIpv6CidrBlockAssociation` / `SubnetIpv6CidrBlockAssociation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawCidrAssociation<'a> {
    #[serde(borrow)]
    pub cidr_block: Str<'a>,
    #[serde(borrow)]
    pub ipv6_cidr_block: Str<'a>,
    #[serde(borrow)]
    pub cidr_block_state: Option<RawBlockState<'a>>,
    #[serde(borrow)]
    pub ipv6_cidr_block_state: Option<RawBlockState<'a>>,
}

/// `VpcCidrBlockState` / `SubnetCidrBlockState`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawBlockState<'a> {
    #[serde(borrow)]
    pub state: Str<'a>,
}

/// `Subnet`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawSubnet<'a> {
    #[serde(borrow)]
    pub subnet_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub cidr_block: Str<'a>,
    #[serde(borrow)]
    pub ipv6_cidr_block_association_set: List<RawCidrAssociation<'a>>,
    #[serde(borrow)]
    pub availability_zone: Str<'a>,
    pub map_public_ip_on_launch: Option<bool>,
    #[serde(borrow)]
    pub owner_id: Str<'a>,
}

/// `RouteTable`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawRouteTable<'a> {
    #[serde(borrow)]
    pub route_table_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub routes: List<RawRoute<'a>>,
    #[serde(borrow)]
    pub associations: List<RawRouteAssociation<'a>>,
}

/// `Route`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawRoute<'a> {
    #[serde(borrow)]
    pub destination_cidr_block: Str<'a>,
    #[serde(borrow)]
    pub destination_ipv6_cidr_block: Str<'a>,
    #[serde(borrow)]
    pub destination_prefix_list_id: Str<'a>,
    #[serde(borrow)]
    pub gateway_id: Str<'a>,
    #[serde(borrow)]
    pub nat_gateway_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_peering_connection_id: Str<'a>,
    #[serde(borrow)]
    pub transit_gateway_id: Str<'a>,
    #[serde(borrow)]
    pub network_interface_id: Str<'a>,
    #[serde(borrow)]
    pub instance_id: Str<'a>,
    #[serde(borrow)]
    pub egress_only_internet_gateway_id: Str<'a>,
    #[serde(borrow)]
    pub local_gateway_id: Str<'a>,
    #[serde(borrow)]
    pub carrier_gateway_id: Str<'a>,
    #[serde(borrow)]
    pub core_network_arn: Str<'a>,
    #[serde(borrow)]
    pub state: Str<'a>,
}

/// `RouteTableAssociation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawRouteAssociation<'a> {
    pub main: Option<bool>,
    #[serde(borrow)]
    pub subnet_id: Str<'a>,
}

/// `NetworkAcl`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawNetworkAcl<'a> {
    #[serde(borrow)]
    pub network_acl_id: Str<'a>,
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    pub is_default: Option<bool>,
    #[serde(borrow)]
    pub owner_id: Str<'a>,
    #[serde(borrow)]
    pub entries: List<RawNaclEntry<'a>>,
    #[serde(borrow)]
    pub associations: List<RawNaclAssociation<'a>>,
}

/// `NetworkAclEntry`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawNaclEntry<'a> {
    pub rule_number: Option<i64>,
    pub egress: Option<bool>,
    #[serde(borrow)]
    pub rule_action: Str<'a>,
    #[serde(borrow)]
    pub protocol: Str<'a>,
    #[serde(borrow)]
    pub cidr_block: Str<'a>,
    #[serde(borrow)]
    pub ipv6_cidr_block: Str<'a>,
    pub port_range: Option<RawPortRange>,
    pub icmp_type_code: Option<RawIcmpTypeCode>,
}

/// `PortRange`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPortRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// `IcmpTypeCode`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawIcmpTypeCode {
    #[serde(rename = "Type")]
    pub ty: Option<i64>,
    pub code: Option<i64>,
}

/// `NetworkAclAssociation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawNaclAssociation<'a> {
    #[serde(borrow)]
    pub subnet_id: Str<'a>,
}

/// `InternetGateway`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawInternetGateway<'a> {
    #[serde(borrow)]
    pub internet_gateway_id: Str<'a>,
    #[serde(borrow)]
    pub attachments: List<RawIgwAttachment<'a>>,
}

/// `InternetGatewayAttachment`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawIgwAttachment<'a> {
    #[serde(borrow)]
    pub vpc_id: Str<'a>,
    #[serde(borrow)]
    pub state: Str<'a>,
}

// ---------------------------------------------------------------------------------------
// Volumes, addresses, prefix lists

/// `Volume`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawVolume<'a> {
    #[serde(borrow)]
    pub volume_id: Str<'a>,
    #[serde(borrow)]
    pub availability_zone: Str<'a>,
    pub size: Option<u64>,
    #[serde(borrow)]
    pub volume_type: Str<'a>,
    pub encrypted: Option<bool>,
    pub multi_attach_enabled: Option<bool>,
    #[serde(borrow)]
    pub state: Str<'a>,
    #[serde(borrow)]
    pub attachments: List<RawVolumeAttachment<'a>>,
}

/// `VolumeAttachment`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawVolumeAttachment<'a> {
    #[serde(borrow)]
    pub instance_id: Str<'a>,
    #[serde(borrow)]
    pub device: Str<'a>,
    #[serde(borrow)]
    pub state: Str<'a>,
    pub delete_on_termination: Option<bool>,
}

/// `Address`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawAddress<'a> {
    #[serde(borrow)]
    pub public_ip: Str<'a>,
    #[serde(borrow)]
    pub allocation_id: Str<'a>,
    #[serde(borrow)]
    pub association_id: Str<'a>,
    #[serde(borrow)]
    pub instance_id: Str<'a>,
    #[serde(borrow)]
    pub network_interface_id: Str<'a>,
    #[serde(borrow)]
    pub private_ip_address: Str<'a>,
    #[serde(borrow)]
    pub domain: Str<'a>,
}

/// `PrefixList` (describe-prefix-lists, with `Cidrs`) and `ManagedPrefixList`
/// (describe-managed-prefix-lists, metadata only). Inline `Entries` are accepted too.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPrefixList<'a> {
    #[serde(borrow)]
    pub prefix_list_id: Str<'a>,
    #[serde(borrow)]
    pub prefix_list_name: Str<'a>,
    #[serde(borrow)]
    pub address_family: Str<'a>,
    pub max_entries: Option<u32>,
    #[serde(borrow)]
    pub owner_id: Str<'a>,
    #[serde(borrow)]
    pub cidrs: List<Text<'a>>,
    #[serde(borrow)]
    pub entries: List<RawPrefixListEntry<'a>>,
}

/// `PrefixListEntry` (get-managed-prefix-list-entries).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPrefixListEntry<'a> {
    #[serde(borrow)]
    pub cidr: Str<'a>,
    #[serde(borrow)]
    pub description: Str<'a>,
}

// ---------------------------------------------------------------------------------------
// Other services' resources that name security groups

/// An element of another service's list that names security groups (RDS, load balancers,
/// Lambda, clusters, OpenSearch, VPC endpoints, Batch, launch templates and
/// configurations; see [`UserKind`]). One mirror serves every service: each field is read
/// where a service has it, and [`super::lower`] picks the name field by kind.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawGroupUser<'a> {
    #[serde(borrow, rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: Str<'a>,
    #[serde(borrow, rename = "DBClusterIdentifier")]
    pub db_cluster_identifier: Str<'a>,
    #[serde(borrow, rename = "LoadBalancerName")]
    pub load_balancer_name: Str<'a>,
    #[serde(borrow, rename = "FunctionName")]
    pub function_name: Str<'a>,
    /// Redshift.
    #[serde(borrow, rename = "ClusterIdentifier")]
    pub cluster_identifier: Str<'a>,
    /// DAX.
    #[serde(borrow, rename = "ClusterName")]
    pub cluster_name: Str<'a>,
    /// MemoryDB.
    #[serde(borrow, rename = "Name")]
    pub name: Str<'a>,
    /// CloudHSM.
    #[serde(borrow, rename = "ClusterId")]
    pub cluster_id: Str<'a>,
    #[serde(borrow, rename = "CacheClusterId")]
    pub cache_cluster_id: Str<'a>,
    #[serde(borrow, rename = "DomainName")]
    pub domain_name: Str<'a>,
    #[serde(borrow, rename = "VpcEndpointId")]
    pub vpc_endpoint_id: Str<'a>,
    #[serde(borrow, rename = "computeEnvironmentName")]
    pub compute_environment_name: Str<'a>,
    #[serde(borrow, rename = "LaunchTemplateId")]
    pub launch_template_id: Str<'a>,
    #[serde(borrow, rename = "LaunchTemplateName")]
    pub launch_template_name: Str<'a>,
    #[serde(rename = "VersionNumber")]
    pub version_number: Option<i64>,
    #[serde(borrow, rename = "LaunchConfigurationName")]
    pub launch_configuration_name: Str<'a>,
    /// RDS, Redshift: `[{"VpcSecurityGroupId": …}]`.
    #[serde(borrow, rename = "VpcSecurityGroups")]
    pub vpc_security_groups: Option<GroupIds<'a>>,
    /// Load balancers and launch configurations (ids), ElastiCache, DAX, MemoryDB
    /// (objects holding one).
    #[serde(borrow, rename = "SecurityGroups")]
    pub security_groups: Option<GroupIds<'a>>,
    /// VPC endpoints: `[{"GroupId": …}]`.
    #[serde(borrow, rename = "Groups")]
    pub groups: Option<GroupIds<'a>>,
    /// Lambda.
    #[serde(borrow, rename = "VpcConfig")]
    pub vpc_config: Option<RawGroupIdsHolder<'a>>,
    /// OpenSearch domains (`VPCOptions`) and OpenSearch VPC endpoints (`VpcOptions`).
    #[serde(borrow, rename = "VPCOptions", alias = "VpcOptions")]
    pub vpc_options: Option<RawGroupIdsHolder<'a>>,
    /// CloudHSM clusters: one id.
    #[serde(borrow, rename = "SecurityGroup")]
    pub security_group: Str<'a>,
    /// Batch.
    #[serde(borrow, rename = "computeResources")]
    pub compute_resources: Option<RawGroupIdsHolder<'a>>,
    /// Launch templates.
    #[serde(borrow, rename = "LaunchTemplateData")]
    pub launch_template_data: Option<RawLaunchTemplateData<'a>>,
    /// MSK (kafka) clusters: `BrokerNodeGroupInfo.SecurityGroups`.
    #[serde(borrow, rename = "BrokerNodeGroupInfo")]
    pub broker_node_group_info: Option<RawSecurityGroupsHolder<'a>>,
    /// ECS services.
    #[serde(borrow, rename = "serviceName")]
    pub service_name: Str<'a>,
    /// ECS services: `networkConfiguration.awsvpcConfiguration.securityGroups`.
    #[serde(borrow, rename = "networkConfiguration")]
    pub network_configuration: Option<RawEcsNetwork<'a>>,
    /// EventBridge targets.
    #[serde(borrow, rename = "Id", default, deserialize_with = "loose")]
    pub target_id: Str<'a>,
    /// EventBridge targets that run ECS tasks:
    /// `EcsParameters.NetworkConfiguration.awsvpcConfiguration.SecurityGroups`.
    #[serde(
        borrow,
        rename = "EcsParameters",
        default,
        deserialize_with = "loose_object"
    )]
    pub ecs_parameters: Option<RawEcsParameters<'a>>,
    /// EKS clusters.
    #[serde(borrow, rename = "name", default, deserialize_with = "loose")]
    pub eks_name: Str<'a>,
    /// EKS clusters: `resourcesVpcConfig.securityGroupIds` and `.clusterSecurityGroupId`.
    #[serde(
        borrow,
        rename = "resourcesVpcConfig",
        default,
        deserialize_with = "loose_object"
    )]
    pub resources_vpc_config: Option<RawEksVpcConfig<'a>>,
    /// EFS mount targets (the sgcheck extension key beside
    /// describe-mount-target-security-groups' `SecurityGroups`; see [`Level`]).
    #[serde(borrow, rename = "MountTargetId", default, deserialize_with = "loose")]
    pub mount_target_id: Str<'a>,
    /// describe-security-group-references: the VPC whose groups reference `GroupId`.
    #[serde(
        borrow,
        rename = "ReferencingVpcId",
        default,
        deserialize_with = "loose"
    )]
    pub referencing_vpc_id: Str<'a>,
    /// describe-security-group-references: the referenced group.
    #[serde(borrow, rename = "GroupId", default, deserialize_with = "loose")]
    pub group_id: Str<'a>,
}

/// A string field only some services have: any other JSON value (another service's
/// field of the same name) is read as absent, not as a wrong type.
fn loose<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Str<'a>, D::Error> {
    Ok(StrOrOther::deserialize(d)?.0.map(Text))
}

/// An object field only some services have: any other JSON value is read as absent.
fn loose_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(OneOrOther::<T>::deserialize(d)?.0)
}

/// An EventBridge target's `EcsParameters`.
#[derive(Debug, Deserialize)]
pub(crate) struct RawEcsParameters<'a> {
    #[serde(borrow, rename = "NetworkConfiguration")]
    pub network_configuration: Option<RawEcsNetwork<'a>>,
}

/// An EKS cluster's `resourcesVpcConfig`: the groups given at creation and the cluster
/// group EKS makes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEksVpcConfig<'a> {
    #[serde(borrow)]
    pub security_group_ids: Option<GroupIds<'a>>,
    #[serde(borrow)]
    pub cluster_security_group_id: Str<'a>,
}

/// ECS `networkConfiguration`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEcsNetwork<'a> {
    #[serde(borrow)]
    pub awsvpc_configuration: Option<RawSecurityGroupsHolder<'a>>,
}

/// An object with a `SecurityGroups` (or ECS's `securityGroups`) list of ids: MSK's
/// `BrokerNodeGroupInfo`, ECS's `awsvpcConfiguration`.
#[derive(Debug, Deserialize)]
pub(crate) struct RawSecurityGroupsHolder<'a> {
    #[serde(borrow, rename = "SecurityGroups", alias = "securityGroups")]
    pub security_groups: Option<GroupIds<'a>>,
}

/// An object with a `SecurityGroupIds` (or Batch's `securityGroupIds`) list.
#[derive(Debug, Deserialize)]
pub(crate) struct RawGroupIdsHolder<'a> {
    #[serde(borrow, rename = "SecurityGroupIds", alias = "securityGroupIds")]
    pub security_group_ids: Option<GroupIds<'a>>,
}

/// `LaunchTemplateData`: group ids, group names (default VPC), and per-interface groups.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawLaunchTemplateData<'a> {
    #[serde(borrow)]
    pub security_group_ids: Option<GroupIds<'a>>,
    #[serde(borrow)]
    pub security_groups: Option<GroupIds<'a>>,
    #[serde(borrow)]
    pub network_interfaces: List<RawTemplateInterface<'a>>,
}

/// `LaunchTemplateInstanceNetworkInterfaceSpecification` (its `Groups` are ids).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawTemplateInterface<'a> {
    #[serde(borrow)]
    pub groups: Option<GroupIds<'a>>,
}

/// A list of security groups as services spell it: ids (`["sg-1"]`) or objects holding
/// one under `GroupId`, `SecurityGroupId`, `VpcSecurityGroupId` or
/// `SecurityGroupIdentifier` (an object with none of them names no group).
#[derive(Debug, Default)]
pub(crate) struct GroupIds<'a>(pub Vec<Text<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for GroupIds<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// The id keys of the object form.
        #[derive(Deserialize)]
        struct Holder<'a> {
            #[serde(borrow, rename = "GroupId")]
            group_id: Str<'a>,
            #[serde(borrow, rename = "SecurityGroupId")]
            security_group_id: Str<'a>,
            #[serde(borrow, rename = "VpcSecurityGroupId")]
            vpc_security_group_id: Str<'a>,
            #[serde(borrow, rename = "SecurityGroupIdentifier")]
            security_group_identifier: Str<'a>,
        }
        struct Item<'a>(Str<'a>);
        impl<'de: 'a, 'a> Deserialize<'de> for Item<'a> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<'a>(std::marker::PhantomData<&'a ()>);
                impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                    type Value = Item<'a>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a security group id, or an object with a GroupId")
                    }
                    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Item<'a>, E> {
                        Ok(Item(Some(Text(Cow::Borrowed(v)))))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Item<'a>, E> {
                        Ok(Item(Some(Text(Cow::Owned(v.to_string())))))
                    }
                    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Item<'a>, M::Error> {
                        let h = Holder::deserialize(de::value::MapAccessDeserializer::new(map))?;
                        Ok(Item(
                            h.group_id
                                .or(h.security_group_id)
                                .or(h.vpc_security_group_id)
                                .or(h.security_group_identifier),
                        ))
                    }
                }
                d.deserialize_any(V(std::marker::PhantomData))
            }
        }
        let items: Vec<Item<'a>> = Vec::deserialize(d)?;
        Ok(GroupIds(items.into_iter().filter_map(|i| i.0).collect()))
    }
}

impl RawGroupUser<'_> {
    /// Every group id the element names (with repeats), and the names a launch template
    /// gives instead of ids.
    pub fn group_ids(&self) -> (Vec<&str>, Vec<&str>) {
        fn ids<'s>(l: &'s Option<GroupIds<'_>>) -> impl Iterator<Item = &'s str> {
            l.iter().flat_map(|g| g.0.iter().map(|t| &**t))
        }
        let mut out: Vec<&str> = ids(&self.vpc_security_groups)
            .chain(ids(&self.security_groups))
            .chain(ids(&self.groups))
            .chain(self.security_group.as_deref())
            .collect();
        let held = [&self.vpc_config, &self.vpc_options, &self.compute_resources];
        out.extend(
            held.into_iter()
                .flatten()
                .flat_map(|h| ids(&h.security_group_ids)),
        );
        if let Some(b) = &self.broker_node_group_info {
            out.extend(ids(&b.security_groups));
        }
        let ecs_task = self
            .ecs_parameters
            .as_ref()
            .and_then(|p| p.network_configuration.as_ref());
        for n in [self.network_configuration.as_ref(), ecs_task]
            .into_iter()
            .flatten()
        {
            if let Some(a) = &n.awsvpc_configuration {
                out.extend(ids(&a.security_groups));
            }
        }
        if self.referencing_vpc_id.is_some() {
            out.extend(self.group_id.as_deref());
        }
        if let Some(c) = &self.resources_vpc_config {
            out.extend(ids(&c.security_group_ids));
            out.extend(c.cluster_security_group_id.as_deref());
        }
        let mut names = Vec::new();
        if let Some(t) = &self.launch_template_data {
            out.extend(ids(&t.security_group_ids));
            for i in items(&t.network_interfaces) {
                out.extend(ids(&i.groups));
            }
            names.extend(ids(&t.security_groups));
        }
        (out, names)
    }
}

/// The kind of group user a top-level (or wrapped) key lists, and the key's canonical
/// spelling. `DomainStatus` holds one domain, as an object; every other key a list.
pub(crate) fn user_kind_of_key(key: &str) -> Option<(UserKind, &'static str)> {
    Some(match key {
        "DBInstances" => (UserKind::RdsInstance, "DBInstances"),
        "DBClusters" => (UserKind::RdsCluster, "DBClusters"),
        "LoadBalancerDescriptions" => (UserKind::LoadBalancer, "LoadBalancerDescriptions"),
        "LoadBalancers" => (UserKind::LoadBalancer, "LoadBalancers"),
        "Functions" => (UserKind::LambdaFunction, "Functions"),
        "Clusters" => (UserKind::Cluster, "Clusters"),
        "CacheClusters" => (UserKind::CacheCluster, "CacheClusters"),
        "DomainStatusList" => (UserKind::SearchDomain, "DomainStatusList"),
        "DomainStatus" => (UserKind::SearchDomain, "DomainStatus"),
        "VpcEndpoints" => (UserKind::VpcEndpoint, "VpcEndpoints"),
        "computeEnvironments" => (UserKind::BatchEnvironment, "computeEnvironments"),
        "LaunchTemplateVersions" => (UserKind::LaunchTemplate, "LaunchTemplateVersions"),
        "LaunchConfigurations" => (UserKind::LaunchConfiguration, "LaunchConfigurations"),
        "ClusterInfoList" => (UserKind::Cluster, "ClusterInfoList"),
        "services" => (UserKind::EcsService, "services"),
        "Targets" => (UserKind::EventTarget, "Targets"),
        "cluster" => (UserKind::EksCluster, "cluster"),
        // The AWS CLI's own example spells it `SecurityGroupsReferenceSet`.
        "SecurityGroupReferenceSet" | "SecurityGroupsReferenceSet" => {
            (UserKind::PeeredVpc, "SecurityGroupReferenceSet")
        }
        _ => return None,
    })
}

/// Service keys that hold one object instead of a list: `DomainStatus` (es and opensearch
/// describe-domain) and `cluster` (eks describe-cluster).
fn holds_one_object(key: &str) -> bool {
    matches!(key, "DomainStatus" | "cluster")
}

/// Service keys so common in other documents (`Targets` of a load balancer's target
/// group, `cluster` of ECS create-cluster) that they count as a section only when an
/// element names a security group.
fn common_word(key: &str) -> bool {
    matches!(key, "Targets" | "cluster")
}

/// The section name of describe-mount-target-security-groups (efs) output, whose
/// `SecurityGroups` is a list of ids rather than of groups.
pub(crate) const MOUNT_TARGET_SECTION: &str = "SecurityGroups (EFS mount target)";

/// The section name of sagemaker describe-notebook-instance output: `SecurityGroups` ids
/// beside `NotebookInstanceName`.
pub(crate) const NOTEBOOK_SECTION: &str = "SecurityGroups (SageMaker notebook instance)";

/// The section name of mq describe-broker output: `SecurityGroups` ids beside `BrokerId`.
pub(crate) const BROKER_SECTION: &str = "SecurityGroups (Amazon MQ broker)";

/// Sections whose `SecurityGroups` ids at one level name the groups of the one resource
/// the document describes (its sibling keys say which kind: see [`Level`]).
pub(crate) const ID_LIST_SECTIONS: [&str; 3] =
    [MOUNT_TARGET_SECTION, NOTEBOOK_SECTION, BROKER_SECTION];

// ---------------------------------------------------------------------------------------
// List sections

/// A section whose value is a list of one element type (every section but `Entries`, whose
/// list id comes from a sibling key). The one table of section keys: [`Level`] and the
/// chunked reader ([`super::chunked`]) both go through [`ListKind::of_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    SecurityGroups,
    SecurityGroupRules,
    Reservations,
    Instances,
    NetworkInterfaces,
    Subnets,
    RouteTables,
    NetworkAcls,
    Vpcs,
    InternetGateways,
    PrefixLists,
    Addresses,
    Volumes,
}

impl ListKind {
    /// The kind a top-level (or wrapped) key names.
    pub fn of_key(key: &str) -> Option<ListKind> {
        Some(match key {
            "SecurityGroups" => ListKind::SecurityGroups,
            "SecurityGroupRules" => ListKind::SecurityGroupRules,
            "Reservations" => ListKind::Reservations,
            "Instances" => ListKind::Instances,
            "NetworkInterfaces" => ListKind::NetworkInterfaces,
            "Subnets" => ListKind::Subnets,
            "RouteTables" => ListKind::RouteTables,
            "NetworkAcls" => ListKind::NetworkAcls,
            "Vpcs" => ListKind::Vpcs,
            "InternetGateways" => ListKind::InternetGateways,
            "PrefixLists" | "ManagedPrefixLists" => ListKind::PrefixLists,
            "Addresses" => ListKind::Addresses,
            "Volumes" => ListKind::Volumes,
            _ => return None,
        })
    }
}

/// An element type of a list section, and how a list of it becomes a [`Body`].
pub(crate) trait Element<'a>: Deserialize<'a> + Send {
    /// The section body holding `v`.
    fn body(v: Vec<Self>) -> Body<'a>;

    /// The element at `pos` and where it ends, read without serde when the type has a
    /// hand-written reader and the element is in its subset (see [`super::fast`]); `None`
    /// means "read it with serde_json".
    fn read_fast(_text: &'a str, _pos: usize) -> Option<(Self, usize)> {
        None
    }
}

impl<'a> Element<'a> for RawSecurityGroup<'a> {
    fn body(v: Vec<Self>) -> Body<'a> {
        Body::SecurityGroups(v)
    }

    fn read_fast(text: &'a str, pos: usize) -> Option<(Self, usize)> {
        super::fast::security_group(text, pos)
    }
}

macro_rules! elements {
    ($($ty:ident => $variant:ident),* $(,)?) => {$(
        impl<'a> Element<'a> for $ty<'a> {
            fn body(v: Vec<Self>) -> Body<'a> {
                Body::$variant(v)
            }
        }
    )*};
}

elements! {
    RawSecurityGroupRule => SecurityGroupRules,
    RawReservation => Reservations,
    RawInstance => Instances,
    RawEni => NetworkInterfaces,
    RawSubnet => Subnets,
    RawRouteTable => RouteTables,
    RawNetworkAcl => NetworkAcls,
    RawVpc => Vpcs,
    RawInternetGateway => InternetGateways,
    RawPrefixList => PrefixLists,
    RawAddress => Addresses,
    RawVolume => Volumes,
}

/// Evaluates `$body` with the type alias `$t<'x>` naming the element type of a
/// [`ListKind`] (so generic code can be written once for every list section).
macro_rules! with_element {
    ($kind:expr, $t:ident => $body:expr) => {{
        use $crate::ingest::aws::raw as r;
        match $kind {
            r::ListKind::SecurityGroups => {
                type $t<'x> = r::RawSecurityGroup<'x>;
                $body
            }
            r::ListKind::SecurityGroupRules => {
                type $t<'x> = r::RawSecurityGroupRule<'x>;
                $body
            }
            r::ListKind::Reservations => {
                type $t<'x> = r::RawReservation<'x>;
                $body
            }
            r::ListKind::Instances => {
                type $t<'x> = r::RawInstance<'x>;
                $body
            }
            r::ListKind::NetworkInterfaces => {
                type $t<'x> = r::RawEni<'x>;
                $body
            }
            r::ListKind::Subnets => {
                type $t<'x> = r::RawSubnet<'x>;
                $body
            }
            r::ListKind::RouteTables => {
                type $t<'x> = r::RawRouteTable<'x>;
                $body
            }
            r::ListKind::NetworkAcls => {
                type $t<'x> = r::RawNetworkAcl<'x>;
                $body
            }
            r::ListKind::Vpcs => {
                type $t<'x> = r::RawVpc<'x>;
                $body
            }
            r::ListKind::InternetGateways => {
                type $t<'x> = r::RawInternetGateway<'x>;
                $body
            }
            r::ListKind::PrefixLists => {
                type $t<'x> = r::RawPrefixList<'x>;
                $body
            }
            r::ListKind::Addresses => {
                type $t<'x> = r::RawAddress<'x>;
                $body
            }
            r::ListKind::Volumes => {
                type $t<'x> = r::RawVolume<'x>;
                $body
            }
        }
    }};
}
pub(crate) use with_element;

/// The value of a section key: the section body when it is a list (see [`ListOrOther`]).
fn list_value<'de, T: Element<'de>, M: MapAccess<'de>>(
    map: &mut M,
) -> Result<Option<Body<'de>>, M::Error> {
    let v: ListOrOther<T> = map.next_value()?;
    Ok(v.0.map(T::body))
}

// ---------------------------------------------------------------------------------------
// The document walker

/// One recognised section: its JSON path prefix (`SecurityGroups`, `data.SecurityGroups`,
/// `DESCRIBE_SGS`, or empty for a bare top-level array) and its elements.
#[derive(Debug)]
pub(crate) struct RawSection<'a> {
    pub path: String,
    pub body: Body<'a>,
    /// A `NextToken` beside it says this is one page of a paginated listing.
    pub paged: bool,
}

/// The elements of a section, by kind.
#[derive(Debug)]
pub(crate) enum Body<'a> {
    SecurityGroups(Vec<RawSecurityGroup<'a>>),
    SecurityGroupRules(Vec<RawSecurityGroupRule<'a>>),
    Reservations(Vec<RawReservation<'a>>),
    Instances(Vec<RawInstance<'a>>),
    NetworkInterfaces(Vec<RawEni<'a>>),
    Subnets(Vec<RawSubnet<'a>>),
    RouteTables(Vec<RawRouteTable<'a>>),
    NetworkAcls(Vec<RawNetworkAcl<'a>>),
    Vpcs(Vec<RawVpc<'a>>),
    InternetGateways(Vec<RawInternetGateway<'a>>),
    PrefixLists(Vec<RawPrefixList<'a>>),
    /// get-managed-prefix-list-entries, with the list id from the sgcheck extension key
    /// `PrefixListId` beside `Entries`, when given.
    Entries {
        list_id: Option<String>,
        entries: Vec<RawPrefixListEntry<'a>>,
    },
    Addresses(Vec<RawAddress<'a>>),
    Volumes(Vec<RawVolume<'a>>),
    /// describe-stale-security-groups `StaleSecurityGroupSet`.
    StaleGroups(Vec<RawStaleGroup<'a>>),
    /// Another service's resources, listed under `key` (`DBInstances`, `DomainStatus`).
    Users {
        kind: UserKind,
        key: &'static str,
        items: Vec<RawGroupUser<'a>>,
    },
    /// AWS Config configuration items (see [`config_items`]), each an EC2 object at its
    /// own path or a problem with it.
    Config {
        key: &'static str,
        items: Vec<ConfigObject<'a>>,
        /// The select query chose only some of the configuration's fields (its
        /// `QueryInfo.SelectFields` lacks `configuration`).
        partial: bool,
        /// The items are every resource of their types, not a few looked up: a select
        /// query's `Results`, or a Config snapshot file (`configSnapshotId` beside
        /// `configurationItems`), unlike a resource's history, a delivered history file
        /// (changes only) or batch-get-resource-config.
        whole: bool,
    },
}

/// One AWS Config configuration item of a resource type sgcheck reads.
#[derive(Debug)]
pub(crate) enum ConfigObject<'a> {
    /// The item's configuration, read as the describe-* element it mirrors (a body of
    /// one element), at `path` (`Results[3].configuration`).
    Object { path: String, body: Body<'a> },
    /// Something worth an info at `path` (older or deleted items not read).
    Note { path: String, message: String },
    /// An item that could not be read: an error at `path`.
    Bad { path: String, message: String },
    /// An item not read, for a reason worth a warning at `path`.
    Unread { path: String, message: String },
}

impl Body<'_> {
    /// Whether the section lists network interfaces (describe-network-interfaces, or AWS
    /// Config items of type `AWS::EC2::NetworkInterface` from a select query or a
    /// snapshot), even none: a list of every interface of its scope, unlike the
    /// interfaces of instances or of Config items looked up one by one.
    pub fn lists_interfaces(&self) -> bool {
        match self {
            Body::NetworkInterfaces(_) => true,
            Body::Config {
                items, whole: true, ..
            } => items.iter().any(|item| {
                matches!(
                    item,
                    ConfigObject::Object {
                        body: Body::NetworkInterfaces(_),
                        ..
                    }
                )
            }),
            _ => false,
        }
    }

    /// The canonical section name (the AWS response key).
    pub fn name(&self) -> &'static str {
        match self {
            Body::SecurityGroups(_) => "SecurityGroups",
            Body::SecurityGroupRules(_) => "SecurityGroupRules",
            Body::Reservations(_) => "Reservations",
            Body::Instances(_) => "Instances",
            Body::NetworkInterfaces(_) => "NetworkInterfaces",
            Body::Subnets(_) => "Subnets",
            Body::RouteTables(_) => "RouteTables",
            Body::NetworkAcls(_) => "NetworkAcls",
            Body::Vpcs(_) => "Vpcs",
            Body::InternetGateways(_) => "InternetGateways",
            Body::StaleGroups(_) => "StaleSecurityGroupSet",
            Body::PrefixLists(_) => "PrefixLists",
            Body::Entries { .. } => "Entries",
            Body::Addresses(_) => "Addresses",
            Body::Volumes(_) => "Volumes",
            Body::Users { key, .. } | Body::Config { key, .. } => key,
        }
    }
}

/// Every section found in one JSON document.
#[derive(Debug, Default)]
pub(crate) struct RawDoc<'a> {
    pub sections: Vec<RawSection<'a>>,
}

impl<'a> RawDoc<'a> {
    /// Parses a document.
    ///
    /// # Errors
    /// Invalid JSON, or a known field of the wrong JSON type (with line and column).
    pub fn parse(bytes: &'a [u8]) -> Result<RawDoc<'a>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let mut doc = RawDoc::default();
        Level {
            depth: 0,
            prefix: String::new(),
            out: &mut doc.sections,
        }
        .deserialize(&mut de)?;
        de.end()?;
        Ok(doc)
    }
}

/// The JSON path (`SecurityGroups[0].IpPermissions[0].FromPort`) at which
/// [`RawDoc::parse`] fails on `bytes`, found by parsing again while tracking the path (so
/// the success path pays nothing); `None` when it does not fail, or fails at the top.
pub(crate) fn error_path(bytes: &[u8]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let mut sections = Vec::new();
    let seed = Level {
        depth: 0,
        prefix: String::new(),
        out: &mut sections,
    };
    let failed = seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .is_err();
    let path = track.path().to_string();
    (failed && path != ".").then_some(path)
}

/// One level of the document: depth 0 is the top, depth 1 a wrapper's value.
struct Level<'o, 'a> {
    depth: u8,
    /// Path prefix for sections found at this level (`""`, `"data."`).
    prefix: String,
    out: &'o mut Vec<RawSection<'a>>,
}

impl<'de> DeserializeSeed<'de> for Level<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Visitor methods mapping every non-container JSON value to `$none` ("not a section").
macro_rules! ignore_other {
    ($none:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
}

macro_rules! ignore_scalars {
    ($($fn:ident: $ty:ty),*) => {$(
        fn $fn<E: de::Error>(self, _v: $ty) -> Result<(), E> {
            Ok(())
        }
    )*};
}

impl<'de> Visitor<'de> for Level<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    ignore_scalars!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        let Level { depth, prefix, out } = self;
        let first = out.len();
        let mut list_id: Option<String> = None;
        let mut mount_target: Str<'de> = None;
        // The resource a document of one resource describes, from the keys beside its
        // `SecurityGroups` ids: a SageMaker notebook instance or an Amazon MQ broker.
        let mut notebook: Str<'de> = None;
        let mut broker: Str<'de> = None;
        // Whether a select query's fields include the whole `configuration`.
        let mut selected: Option<bool> = None;
        // Whether a `NextToken` says the lists here are one page of several.
        let mut paged = false;
        // Whether this is an AWS Config snapshot file.
        let mut snapshot = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let path = || format!("{prefix}{key}");
            match key.as_ref() {
                "Entries" => {
                    let v: ListOrOther<RawPrefixListEntry<'de>> = map.next_value()?;
                    if let ListOrOther(Some(entries)) = v {
                        out.push(RawSection {
                            paged: false,
                            path: path(),
                            body: Body::Entries {
                                list_id: None,
                                entries,
                            },
                        });
                    }
                }
                "StaleSecurityGroupSet" => {
                    let v: ListOrOther<RawStaleGroup<'de>> = map.next_value()?;
                    if let ListOrOther(Some(groups)) = v {
                        out.push(RawSection {
                            paged: false,
                            path: path(),
                            body: Body::StaleGroups(groups),
                        });
                    }
                }
                // sgcheck extension: ties `Entries` at this level to a list.
                "PrefixListId" => {
                    let v: StrOrOther<'de> = map.next_value()?;
                    list_id = v.0.map(Cow::into_owned);
                }
                // describe-security-groups, or (a list of ids) efs
                // describe-mount-target-security-groups.
                "SecurityGroups" => match map.next_value::<GroupsOrIds<'de>>()? {
                    GroupsOrIds::Groups(v) => out.push(RawSection {
                        paged: false,
                        path: path(),
                        body: Body::SecurityGroups(v),
                    }),
                    GroupsOrIds::Ids(ids) => out.push(RawSection {
                        paged: false,
                        path: path(),
                        body: Body::Users {
                            kind: UserKind::EfsMountTarget,
                            key: MOUNT_TARGET_SECTION,
                            items: vec![RawGroupUser {
                                security_groups: Some(GroupIds(ids)),
                                ..RawGroupUser::default()
                            }],
                        },
                    }),
                    GroupsOrIds::Other => {}
                },
                "Results" | "configurationItems" | "baseConfigurationItems" => {
                    let v: serde_json::Value = map.next_value()?;
                    let items = match v {
                        serde_json::Value::Array(list) => config_items(&path(), list),
                        v => Err(v),
                    };
                    match items {
                        Ok(items) => {
                            let key = match key.as_ref() {
                                "Results" => "Results (AWS Config)",
                                "configurationItems" => "configurationItems (AWS Config)",
                                _ => "baseConfigurationItems (AWS Config)",
                            };
                            out.push(RawSection {
                                paged: false,
                                path: path(),
                                body: Body::Config {
                                    key,
                                    items,
                                    partial: false,
                                    whole: false,
                                },
                            });
                        }
                        // Not Config's: a wrapper, as any other top-level key may be.
                        Err(v) if depth == 0 => wrapped(&key, v, out)?,
                        Err(_) => {}
                    }
                }
                "configSnapshotId" => {
                    snapshot = true;
                    map.next_value::<IgnoredAny>()?;
                }
                // Pagination: more pages follow this one (`null` or `""` when none do).
                "NextToken" | "nextToken" => {
                    let v: StrOrOther<'de> = map.next_value()?;
                    paged |= v.0.is_some_and(|t| !t.is_empty());
                }
                // select-resource-config: which fields the query selected.
                "QueryInfo" => {
                    let v: serde_json::Value = map.next_value()?;
                    if let Some(fields) = v.get("SelectFields").and_then(|f| f.as_array()) {
                        let names: Vec<&str> = fields
                            .iter()
                            .filter_map(|f| f.get("Name").and_then(|n| n.as_str()))
                            .collect();
                        selected = Some(names.contains(&"configuration") || names.contains(&"*"));
                    }
                }
                // sgcheck extension: names the mount target whose groups `SecurityGroups`
                // lists at this level.
                "MountTargetId" => {
                    let v: StrOrOther<'de> = map.next_value()?;
                    mount_target = v.0.map(|c| Text(Cow::Owned(c.into_owned())));
                }
                "NotebookInstanceName" => {
                    let v: StrOrOther<'de> = map.next_value()?;
                    notebook = v.0.map(|c| Text(Cow::Owned(c.into_owned())));
                }
                // The broker's id; its name when no id is given.
                "BrokerId" | "BrokerName" => {
                    let v: StrOrOther<'de> = map.next_value()?;
                    if key == "BrokerId" || broker.is_none() {
                        broker = v.0.map(|c| Text(Cow::Owned(c.into_owned()))).or(broker);
                    }
                }
                k => {
                    if let Some(kind) = ListKind::of_key(k) {
                        if let Some(body) =
                            with_element!(kind, T => list_value::<T<'de>, M>(&mut map))?
                        {
                            out.push(RawSection {
                                paged: false,
                                path: path(),
                                body,
                            });
                        }
                    } else if let Some((kind, key)) = user_kind_of_key(k) {
                        if common_word(key) {
                            // Read as resources only when one names a group; otherwise a
                            // wrapper at the top, as any other key may be.
                            let v: serde_json::Value = map.next_value()?;
                            // An element holding the kind's own field that does not
                            // read is an error, not a skipped element.
                            let field = match kind {
                                UserKind::EventTarget => "EcsParameters",
                                _ => "resourcesVpcConfig",
                            };
                            let one = |at: String, e: &serde_json::Value| {
                                if !e.is_object() {
                                    return Ok(None);
                                }
                                match RawGroupUser::deserialize(e.clone()) {
                                    Ok(u) => Ok(Some(u)),
                                    Err(err) if e.get(field).is_some() => {
                                        Err(de::Error::custom(format!(
                                            "{prefix}{at}: {}",
                                            super::plain_type_error(&err.to_string())
                                        )))
                                    }
                                    Err(_) => Ok(None),
                                }
                            };
                            let items: Vec<RawGroupUser<'de>> = match &v {
                                serde_json::Value::Array(list) => list
                                    .iter()
                                    .enumerate()
                                    .filter_map(|(i, e)| one(format!("{key}[{i}]"), e).transpose())
                                    .collect::<Result<_, M::Error>>()?,
                                v if holds_one_object(key) => {
                                    one(key.to_string(), v)?.into_iter().collect()
                                }
                                _ => Vec::new(),
                            };
                            // Only the kind's own fields count (an ENI's `Groups` under
                            // `cluster` is a wrapped ENI, not an EKS cluster).
                            let own = |u: &RawGroupUser<'_>| match kind {
                                UserKind::EventTarget => u.ecs_parameters.is_some(),
                                _ => u.resources_vpc_config.is_some(),
                            };
                            if items.iter().any(|u| own(u) && !u.group_ids().0.is_empty()) {
                                out.push(RawSection {
                                    paged: false,
                                    path: path(),
                                    body: Body::Users { kind, key, items },
                                });
                            } else if depth == 0 {
                                wrapped(key, v, out)?;
                            }
                            continue;
                        }
                        // Any other value (a string, an object where a list is meant) is
                        // some other document's, not a section.
                        let (total, items): (usize, Vec<RawGroupUser<'de>>) =
                            if holds_one_object(key) {
                                match map.next_value::<OneOrOther<RawGroupUser<'de>>>()?.0 {
                                    Some(one) => (1, vec![one]),
                                    None => continue,
                                }
                            } else {
                                // A list of scalars under a common word (`services`) is
                                // not a section either.
                                match map.next_value::<ListOrOther<UserItem<'de>>>()?.0 {
                                    Some(list) => {
                                        (list.len(), list.into_iter().filter_map(|i| i.0).collect())
                                    }
                                    None => continue,
                                }
                            };
                        if total == 0 || !items.is_empty() {
                            out.push(RawSection {
                                paged: false,
                                path: path(),
                                body: Body::Users { kind, key, items },
                            });
                        }
                    } else if depth == 0 {
                        map.next_value_seed(Level {
                            depth: 1,
                            prefix: format!("{key}."),
                            out: &mut *out,
                        })?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        for s in &mut out[first..] {
            s.paged |= paged;
            match &mut s.body {
                Body::Entries { list_id: l, .. } if list_id.is_some() => l.clone_from(&list_id),
                Body::Users { kind, key, items } if *key == MOUNT_TARGET_SECTION => {
                    // A mount target's key wins: it is the sgcheck extension for this list.
                    let (new_kind, new_key, name) = match (&mount_target, &notebook, &broker) {
                        (Some(_), _, _) | (None, None, None) => (*kind, *key, mount_target.clone()),
                        (None, Some(_), _) => (
                            UserKind::NotebookInstance,
                            NOTEBOOK_SECTION,
                            notebook.clone(),
                        ),
                        (None, None, Some(_)) => {
                            (UserKind::MqBroker, BROKER_SECTION, broker.clone())
                        }
                    };
                    // An outer level (a wrapper) names nothing: the inner one may have.
                    if name.is_none() {
                        continue;
                    }
                    (*kind, *key) = (new_kind, new_key);
                    for u in items {
                        match new_kind {
                            UserKind::EfsMountTarget => u.mount_target_id.clone_from(&name),
                            _ => u.name.clone_from(&name),
                        }
                    }
                }
                Body::Config {
                    key,
                    partial,
                    whole,
                    ..
                } => {
                    *partial |= selected == Some(false);
                    *whole = key.starts_with("Results") || snapshot;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        // A bare array: classify by the first element's keys (see `classify`).
        let mut items: Vec<serde_json::Value> = Vec::new();
        while let Some(v) = seq.next_element::<serde_json::Value>()? {
            items.push(v);
        }
        // `prefix` is `KEY.` for the value of a top-level key; the array itself is `KEY`.
        let path = self.prefix.strip_suffix('.').unwrap_or("").to_string();
        if let Some(body) = classify(items).map_err(de::Error::custom)? {
            self.out.push(RawSection {
                paged: false,
                path,
                body,
            });
        }
        Ok(())
    }
}

/// A section value: an array of `T` is the section; any other JSON value (an object, a
/// string, `null`) means the key is not a section here (e.g. a service model that has a
/// `"PrefixLists"` shape) and is skipped.
struct ListOrOther<T>(Option<Vec<T>>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListOrOther<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ListOrOther<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(x) = seq.next_element()? {
                    v.push(x);
                }
                Ok(ListOrOther(Some(v)))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ListOrOther(None))
            }
            ignore_other!(ListOrOther(None));
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Reads `v`, the value of top-level key `key` already parsed (it was not the section
/// the key can name), as a one-level wrapper, as any other top-level key's value is.
fn wrapped<'de, E: de::Error>(
    key: &str,
    v: serde_json::Value,
    out: &mut Vec<RawSection<'de>>,
) -> Result<(), E> {
    Level {
        depth: 1,
        prefix: format!("{key}."),
        out,
    }
    .deserialize(v)
    .map_err(E::custom)
}

/// A `SecurityGroups` value: a list of groups (describe-security-groups), a list of ids
/// (efs describe-mount-target-security-groups: the first element decides, the rest must be
/// alike), or anything else (not a section: `Other`).
enum GroupsOrIds<'a> {
    Groups(Vec<RawSecurityGroup<'a>>),
    Ids(Vec<Text<'a>>),
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for GroupsOrIds<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// The first element: a group, or an id.
        enum First<'a> {
            Group(RawSecurityGroup<'a>),
            Id(Text<'a>),
        }
        impl<'de: 'a, 'a> Deserialize<'de> for First<'a> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<'a>(std::marker::PhantomData<&'a ()>);
                impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                    type Value = First<'a>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a security group object, or a security group id")
                    }
                    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<First<'a>, E> {
                        Ok(First::Id(Text(Cow::Borrowed(v))))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<First<'a>, E> {
                        Ok(First::Id(Text(Cow::Owned(v.to_string()))))
                    }
                    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<First<'a>, M::Error> {
                        RawSecurityGroup::deserialize(de::value::MapAccessDeserializer::new(map))
                            .map(First::Group)
                    }
                }
                d.deserialize_any(V(std::marker::PhantomData))
            }
        }
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = GroupsOrIds<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let cap = seq.size_hint().unwrap_or(0).min(4096);
                match seq.next_element::<First<'a>>()? {
                    None => Ok(GroupsOrIds::Groups(Vec::new())),
                    Some(First::Group(g)) => {
                        let mut v = Vec::with_capacity(cap.max(1));
                        v.push(g);
                        while let Some(x) = seq.next_element()? {
                            v.push(x);
                        }
                        Ok(GroupsOrIds::Groups(v))
                    }
                    Some(First::Id(id)) => {
                        let mut v = vec![id];
                        while let Some(x) = seq.next_element()? {
                            v.push(x);
                        }
                        Ok(GroupsOrIds::Ids(v))
                    }
                }
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(GroupsOrIds::Other)
            }
            ignore_other!(GroupsOrIds::Other);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An element of a service section: an object is a resource; a scalar (the key belongs
/// to some other document) is `None`.
pub(crate) struct UserItem<'a>(Option<RawGroupUser<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for UserItem<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = UserItem<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a resource object")
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<UserItem<'a>, M::Error> {
                RawGroupUser::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|u| UserItem(Some(u)))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<UserItem<'a>, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(UserItem(None))
            }
            ignore_other!(UserItem(None));
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A one-object section value (`DomainStatus`): an object is the element; any other JSON
/// value means the key is not a section here and is skipped.
struct OneOrOther<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrOther<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrOther<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| OneOrOther(Some(t)))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(OneOrOther(None))
            }
            ignore_other!(OneOrOther(None));
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A string, or anything else (ignored).
struct StrOrOther<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for StrOrOther<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrOrOther<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StrOrOther(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrOrOther(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(StrOrOther(None))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(StrOrOther(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(StrOrOther(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(StrOrOther(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(StrOrOther(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(StrOrOther(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(StrOrOther(None))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------
// AWS Config

/// The EC2 resource types whose configuration items are read (the others are skipped, as
/// unknown fields are).
const CONFIG_TYPES: [&str; 10] = [
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::NetworkInterface",
    "AWS::EC2::Instance",
    "AWS::EC2::Volume",
    "AWS::EC2::Subnet",
    "AWS::EC2::VPC",
    "AWS::EC2::RouteTable",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::EIP",
];

/// AWS Config configuration items: select-resource-config and
/// select-aggregate-resource-config `Results` (each a JSON document in a string),
/// get-resource-config-history and Config snapshot files `configurationItems`, and
/// batch-get-resource-config `baseConfigurationItems` (`configuration` an object or a
/// JSON string). An item is an object (or a string holding one) with a `configuration`
/// or an `AWS::…` `resourceType`.
///
/// - Of the EC2 types sgcheck reads ([`CONFIG_TYPES`]), the configuration is the
///   describe-* element with camelCase keys: the keys are capitalised and the element is
///   classified by its keys like a bare array's (see [`kind_of`]; [`capitalised`] undoes
///   Config's quirks).
/// - Other types' items name the groups they use in `relationships` (an RDS instance
///   "Is associated with SecurityGroup"): they become service resources.
/// - Several items of one resource (history) are read once: the newest by
///   `configurationItemCaptureTime`; when that one is a deletion, none. What is not
///   read is said: an info, or a warning when some capture time cannot be read (the
///   first item is then read).
///
/// `Err` gives the list back when no element is a Config item (`Results` is a common
/// word).
fn config_items<'a>(
    prefix: &str,
    list: Vec<serde_json::Value>,
) -> Result<Vec<ConfigObject<'a>>, serde_json::Value> {
    use serde_json::Value;
    /// An element as a Config item: the object, or the problem with it.
    fn item(v: Value) -> Option<Result<serde_json::Map<String, Value>, String>> {
        let v = match v {
            Value::String(text) => match serde_json::from_str::<Value>(&text) {
                Ok(v) => v,
                Err(e) if text.trim_start().starts_with('{') => {
                    return Some(Err(format!("AWS Config item: not valid JSON: {e}")));
                }
                Err(_) => return None,
            },
            v => v,
        };
        let Value::Object(item) = v else { return None };
        let aws_type = item
            .get("resourceType")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("AWS::"));
        (item.contains_key("configuration") || aws_type).then_some(Ok(item))
    }
    let is_item = |v: &Value| match v {
        Value::String(t) => t.contains("\"configuration\"") || t.contains("\"resourceType\""),
        v => item(v.clone()).is_some(),
    };
    if !list.iter().any(is_item) {
        return Err(Value::Array(list));
    }
    let text = |item: &serde_json::Map<String, Value>, key: &str| {
        item.get(key).and_then(Value::as_str).map(str::to_string)
    };
    // The items, each with its path; problems go straight out.
    let mut out = Vec::new();
    let mut items: Vec<(String, serde_json::Map<String, Value>)> = Vec::new();
    let mut bad: Vec<(usize, ConfigObject<'a>)> = Vec::new();
    for (i, v) in list.into_iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        let object = v.is_object();
        match item(v) {
            // An object among Config items that is none is said, not dropped.
            None if object => bad.push((
                items.len(),
                ConfigObject::Unread {
                    path,
                    message: "not an AWS Config item (no configuration or resourceType) \
                              among Config items; not read"
                        .to_string(),
                },
            )),
            None => {}
            Some(Err(message)) => bad.push((items.len(), ConfigObject::Bad { path, message })),
            Some(Ok(it)) => items.push((path, it)),
        }
    }
    let mut bad = bad.into_iter().peekable();
    // History: of the items of one resource, the newest.
    // A resource is its type and id in its account and region (aggregators hold many).
    let key = |it: &serde_json::Map<String, Value>| {
        let account = text(it, "accountId").or_else(|| text(it, "awsAccountId"));
        Some((
            text(it, "resourceType")?,
            text(it, "resourceId")?,
            account.unwrap_or_default(),
            text(it, "awsRegion").unwrap_or_default(),
        ))
    };
    let time =
        |it: &serde_json::Map<String, Value>| capture_time(it.get("configurationItemCaptureTime")?);
    let newer = |a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>| matches!((time(a), time(b)), (Some(x), Some(y)) if x > y);
    let mut newest: std::collections::HashMap<(String, String, String, String), usize> =
        std::collections::HashMap::new();
    // Resources with an item whose capture time is missing or unreadable: their first
    // item is read, and that is a warning, not a claim that it is the newest.
    let mut undated = std::collections::HashSet::new();
    for (k, (_, it)) in items.iter().enumerate() {
        if let Some(id) = key(it) {
            if time(it).is_none() {
                undated.insert(id.clone());
            }
            let best = newest.entry(id).or_insert(k);
            if newer(it, &items[*best].1) {
                *best = k;
            }
        }
    }
    let deleted = |it: &serde_json::Map<String, Value>| {
        text(it, "configurationItemStatus")
            .is_some_and(|s| s.starts_with("ResourceDeleted") || s == "ResourceNotRecorded")
    };
    let mut told = std::collections::HashSet::new();
    for (k, (path, mut it)) in items.into_iter().enumerate() {
        // Unreadable elements before this one, in document order.
        while let Some((_, b)) = bad.next_if(|(at, _)| *at <= k) {
            out.push(b);
        }
        let rtype = text(&it, "resourceType");
        if let Some(id) = key(&it) {
            let best = newest[&id];
            if best != k {
                if told.insert(id.clone()) {
                    out.push(if undated.contains(&id) {
                        ConfigObject::Unread {
                            path,
                            message: format!(
                                "AWS Config: several configuration items of {} {}, not all with a \
                                 readable configurationItemCaptureTime; the first one is read, \
                                 which may not be the newest",
                                id.0, id.1
                            ),
                        }
                    } else {
                        ConfigObject::Note {
                            path,
                            message: format!(
                                "AWS Config: older configuration items of {} {} are not read; the newest one is",
                                id.0, id.1
                            ),
                        }
                    });
                }
                continue;
            }
        }
        // Another service's resource (not Config's own records of rule evaluations):
        // the groups it names in `relationships`, whether or not its configuration was
        // selected.
        if let Some(t) = rtype.as_deref().filter(|t| !CONFIG_TYPES.contains(t)) {
            if t.starts_with("AWS::Config::") || deleted(&it) {
                continue;
            }
            let groups: Vec<Text<'a>> = it
                .get("relationships")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|r| {
                    r.get("resourceType").and_then(Value::as_str) == Some("AWS::EC2::SecurityGroup")
                })
                // Snapshot and history files delivered to S3 say `name`.
                .filter(|r| {
                    r.get("relationshipName")
                        .or_else(|| r.get("name"))
                        .and_then(Value::as_str)
                        .is_some_and(uses_group)
                })
                .filter_map(|r| r.get("resourceId").and_then(Value::as_str))
                .map(|g| Text(Cow::Owned(g.to_string())))
                .collect();
            if !groups.is_empty() {
                let name = text(&it, "resourceName").or_else(|| text(&it, "resourceId"));
                let name = name.map(|n| Text(Cow::Owned(format!("{t} {n}"))));
                out.push(ConfigObject::Object {
                    path,
                    body: Body::Users {
                        kind: UserKind::ConfigResource,
                        key: "relationships (AWS Config)",
                        items: vec![RawGroupUser {
                            name,
                            security_groups: Some(GroupIds(groups)),
                            ..RawGroupUser::default()
                        }],
                    },
                });
            }
            continue;
        }
        let at = format!("{path}.configuration");
        let deleted = deleted(&it);
        let conf = match it.remove("configuration") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
                Ok(Value::Null) => None,
                Ok(v) => Some(v),
                Err(e) => {
                    out.push(ConfigObject::Bad {
                        path: at,
                        message: format!("AWS Config item: not valid JSON: {e}"),
                    });
                    continue;
                }
            },
            Some(v) => Some(v),
        };
        let Some(conf) = conf.filter(|_| !deleted) else {
            if let Some((t, id, _, _)) = key(&it) {
                out.push(ConfigObject::Note {
                    path,
                    message: format!("AWS Config: {t} {id} has no configuration (deleted or not recorded); not read"),
                });
            }
            continue;
        };
        if !conf.is_object() {
            out.push(ConfigObject::Bad {
                path: at,
                message: "AWS Config item: expected an object".to_string(),
            });
            continue;
        }
        match classify(vec![capitalised(conf)]) {
            Ok(Some(body)) => out.push(ConfigObject::Object { path: at, body }),
            Ok(None) => match rtype {
                Some(t) => out.push(ConfigObject::Bad {
                    path: at,
                    message: format!("AWS Config item of type {t}: its configuration lacks the fields that identify one (an id and its main fields)"),
                }),
                // A query that selected a few fields, or another service's resource.
                None => out.push(ConfigObject::Unread {
                    path: at,
                    message: "AWS Config item without a resourceType whose configuration is \
                              not a whole EC2 resource sgcheck reads; not read (select \
                              resourceType and the whole configuration)"
                        .to_string(),
                }),
            },
            Err(e) => {
                // `element [0].IpPermissions[0].FromPort: invalid type: …`
                let rest = e.strip_prefix("element [0]").unwrap_or(&e);
                let (inner, msg) = rest.split_once(": ").unwrap_or(("", rest));
                out.push(ConfigObject::Bad {
                    path: format!("{at}{inner}"),
                    message: format!("AWS Config item: {}", super::plain_type_error(msg)),
                });
            }
        }
    }
    out.extend(bad.map(|(_, b)| b));
    Ok(out)
}

/// Whether a Config relationship from another resource to a security group means the
/// resource uses the group (an RDS instance "Is associated with SecurityGroup"), not
/// that it holds it (a VPC "Contains SecurityGroup") or evaluated it (a compliance
/// record's bare "Is associated with ").
fn uses_group(name: &str) -> bool {
    let name = name.trim();
    [
        "Is associated with SecurityGroup",
        "Is attached to SecurityGroup",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// A `configurationItemCaptureTime` in seconds since 1970: a number as it is, or an
/// ISO 8601 text (`2024-03-01T12:00:00.5Z`, `…+02:00`); `None` when it is neither.
pub(crate) fn capture_time(v: &serde_json::Value) -> Option<f64> {
    if let Some(n) = v.as_f64() {
        return Some(n);
    }
    let t = v.as_str()?.trim();
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = t.get(19..)?;
    let frac_len = rest
        .strip_prefix('.')
        .map_or(0, |r| 1 + r.bytes().take_while(u8::is_ascii_digit).count());
    let frac: f64 = rest
        .get(1..frac_len)
        .filter(|f| !f.is_empty())
        .and_then(|f| format!("0.{f}").parse().ok())
        .unwrap_or(0.0);
    let offset = match &rest[frac_len..] {
        "" | "Z" | "z" => 0,
        z => {
            let sign = match z.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = z[1..].replace(':', "");
            let hh: i64 = z.get(0..2)?.parse().ok()?;
            let mm: i64 = match z.get(2..4) {
                Some(m) => m.parse().ok()?,
                None => 0,
            };
            sign * (hh * 3600 + mm * 60)
        }
    };
    // Days since 1970-01-01 in the proleptic Gregorian calendar (days from civil).
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + sec - offset) as f64 + frac)
}

/// A Config configuration with describe-* keys and values: each key's first letter
/// capitalised (`ipPermissions` → `IpPermissions`), a security group permission's
/// `ipv4Ranges` / `ipRanges` made its `IpRanges` (see [`config_items`]), and whole
/// numbers written as `22.0` made integers.
fn capitalised(v: serde_json::Value) -> serde_json::Value {
    use serde_json::{Map, Value};
    match v {
        Value::Array(a) => Value::Array(a.into_iter().map(capitalised).collect()),
        Value::Object(o) => {
            let mut out = Map::with_capacity(o.len());
            let mut v4: Option<Value> = None;
            let mut plain: Option<Value> = None;
            for (k, v) in o {
                match k.as_str() {
                    "ipv4Ranges" => v4 = Some(capitalised(v)),
                    "ipRanges" => plain = Some(v),
                    _ => {
                        let mut c = k.chars();
                        let key = match c.next() {
                            Some(f) => f.to_uppercase().chain(c).collect(),
                            None => k,
                        };
                        out.insert(key, capitalised(v));
                    }
                }
            }
            if v4.is_some() || plain.is_some() {
                let mut ranges = match v4 {
                    Some(Value::Array(a)) => a,
                    None | Some(Value::Null) => Vec::new(),
                    Some(other) => {
                        out.insert("IpRanges".into(), other);
                        return Value::Object(out);
                    }
                };
                match plain {
                    Some(Value::Array(strings)) => {
                        for cidr in strings {
                            let known = ranges.iter().any(|r| r.get("CidrIp") == Some(&cidr));
                            if !known {
                                let mut r = Map::new();
                                r.insert("CidrIp".into(), cidr);
                                ranges.push(Value::Object(r));
                            }
                        }
                    }
                    // Not a list: kept, so the reader says what is wrong with it.
                    Some(other) if ranges.is_empty() => {
                        out.insert("IpRanges".into(), capitalised(other));
                        return Value::Object(out);
                    }
                    _ => {}
                }
                out.insert("IpRanges".into(), Value::Array(ranges));
            }
            Value::Object(out)
        }
        // Config writes ports and other integers as `22.0`.
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        v => v,
    }
}

/// Classifies a bare array by its first element's keys and converts every element.
///
/// # Errors
/// An element that does not have the shape of the first one's kind.
fn classify<'a>(items: Vec<serde_json::Value>) -> Result<Option<Body<'a>>, String> {
    let kind = match items.first() {
        Some(serde_json::Value::Object(first)) => kind_of(|k| first.contains_key(k)),
        _ => None,
    };
    fn all<'a, T: Deserialize<'a>>(items: Vec<serde_json::Value>) -> Result<Vec<T>, String> {
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_path_to_error::deserialize(v).map_err(|e| {
                    let at = e.path().to_string();
                    let at = if at == "." {
                        String::new()
                    } else {
                        format!(".{at}")
                    };
                    format!("element [{i}]{at}: {}", e.inner())
                })
            })
            .collect()
    }
    let body = match kind {
        None => return Ok(None),
        Some("SecurityGroups") => Body::SecurityGroups(all(items)?),
        Some("SecurityGroupRules") => Body::SecurityGroupRules(all(items)?),
        Some("Reservations") => Body::Reservations(all(items)?),
        Some("Instances") => Body::Instances(all(items)?),
        Some("Addresses") => Body::Addresses(all(items)?),
        Some("NetworkInterfaces") => Body::NetworkInterfaces(all(items)?),
        Some("Volumes") => Body::Volumes(all(items)?),
        Some("NetworkAcls") => Body::NetworkAcls(all(items)?),
        Some("RouteTables") => Body::RouteTables(all(items)?),
        Some("Subnets") => Body::Subnets(all(items)?),
        Some("Vpcs") => Body::Vpcs(all(items)?),
        Some("InternetGateways") => Body::InternetGateways(all(items)?),
        Some(_) => Body::PrefixLists(all(items)?),
    };
    Ok(Some(body))
}

/// The section a bare array element with these keys belongs to (checked in this order,
/// most specific first), or `None`.
fn kind_of(has: impl Fn(&str) -> bool) -> Option<&'static str> {
    let kind = if has("GroupId") && (has("IpPermissions") || has("IpPermissionsEgress")) {
        "SecurityGroups"
    } else if has("SecurityGroupRuleId") && has("GroupId") {
        "SecurityGroupRules"
    } else if has("Instances") && (has("ReservationId") || has("OwnerId")) {
        "Reservations"
    } else if has("InstanceId")
        && (has("InstanceType") || has("ImageId") || has("LaunchTime") || has("Placement"))
    {
        "Instances"
    } else if has("AllocationId") || (has("PublicIp") && (has("Domain") || has("AssociationId"))) {
        "Addresses"
    } else if has("NetworkInterfaceId")
        && (has("PrivateIpAddress") || has("PrivateIpAddresses") || has("Groups"))
    {
        "NetworkInterfaces"
    } else if has("VolumeId") && (has("Size") || has("VolumeType") || has("Attachments")) {
        "Volumes"
    } else if has("NetworkAclId") && has("Entries") {
        "NetworkAcls"
    } else if has("RouteTableId") && has("Routes") {
        "RouteTables"
    } else if has("SubnetId") && has("CidrBlock") {
        "Subnets"
    } else if has("VpcId") && has("CidrBlock") {
        "Vpcs"
    } else if has("InternetGatewayId") {
        "InternetGateways"
    } else if has("PrefixListId")
        && (has("Cidrs") || has("MaxEntries") || has("AddressFamily") || has("PrefixListName"))
    {
        "PrefixLists"
    } else {
        return None;
    };
    Some(kind)
}
