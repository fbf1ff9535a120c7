//! [`Topology`]: every object read from the inputs, with id lookups.

use super::Origin;
use super::ids::*;
use super::objects::*;
use serde::Serialize;
use std::net::Ipv4Addr;
// Ids are hashed millions of times per audit (every group reference of every rule):
// Fx, not SipHash.
use crate::index::fxhash::FxHashMap as HashMap;

/// Everything read from the inputs. Objects keep input order; ids may repeat across
/// scopes (accounts/regions), so lookups go through [`Lookup`], which prefers the
/// caller's scope.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Topology {
    /// Security groups.
    pub security_groups: Vec<SecurityGroup>,
    /// Network ACLs.
    pub network_acls: Vec<NetworkAcl>,
    /// VPCs.
    pub vpcs: Vec<Vpc>,
    /// Subnets.
    pub subnets: Vec<Subnet>,
    /// Route tables.
    pub route_tables: Vec<RouteTable>,
    /// Internet gateways.
    pub internet_gateways: Vec<InternetGateway>,
    /// Network interfaces.
    pub enis: Vec<Eni>,
    /// Instances.
    pub instances: Vec<Instance>,
    /// EBS volumes.
    pub volumes: Vec<Volume>,
    /// Elastic IPs.
    pub addresses: Vec<Address>,
    /// Prefix lists.
    pub prefix_lists: Vec<PrefixList>,
    /// Other services' resources that name security groups.
    pub group_users: Vec<GroupUser>,
    /// Flow expectations (DSL `expect`).
    pub expectations: Vec<Expectation>,
    /// Rules AWS lists as stale (describe-stale-security-groups), of groups exported or
    /// not.
    pub stale_rules: Vec<StaleRule>,
    /// Scopes (sorted, unique) whose security groups were read from AWS exports without
    /// a list of the scope's network interfaces (describe-network-interfaces, or AWS
    /// Config interface items of a select query or snapshot), read in that scope or one
    /// it falls within such as an unscoped file (see [`Scope::within`]): there, such a
    /// group carried by no interface read may still be attached. Groups of rule-language
    /// files are models written whole and not concerned. Filled when inputs are read
    /// ([`crate::ingest`]); empty for a topology built by hand, whose interfaces are
    /// taken as complete.
    pub interfaces_unlisted: Vec<Scope>,
}

/// The `ip_owner` of a public address put on an interface from an address record (see
/// [`Topology::attach_addresses`]): the record does not name the owner.
pub const ADDRESS_RECORD: &str = "address record";

/// Object counts, as `inventory` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Security groups.
    pub security_groups: usize,
    /// Security group rules (one per peer, both directions).
    pub rules: usize,
    /// Instances.
    pub instances: usize,
    /// Network interfaces.
    pub enis: usize,
    /// Subnets.
    pub subnets: usize,
    /// Route tables.
    pub route_tables: usize,
    /// Network ACLs.
    pub network_acls: usize,
    /// EBS volumes.
    pub volumes: usize,
    /// Elastic IPs.
    pub addresses: usize,
    /// Prefix lists.
    pub prefix_lists: usize,
    /// VPCs.
    pub vpcs: usize,
    /// Internet gateways.
    pub internet_gateways: usize,
    /// Other services' resources that name security groups.
    pub group_users: usize,
    /// Flow expectations.
    pub expectations: usize,
    /// Rules AWS lists as stale.
    pub stale_rules: usize,
}

impl Counts {
    /// Whether every count is zero.
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        // Destructured, so that a field added to `Counts` cannot be left out here.
        let Counts {
            security_groups,
            rules,
            instances,
            enis,
            subnets,
            route_tables,
            network_acls,
            volumes,
            addresses,
            prefix_lists,
            vpcs,
            internet_gateways,
            group_users,
            expectations,
            stale_rules,
        } = o;
        self.security_groups += security_groups;
        self.rules += rules;
        self.instances += instances;
        self.enis += enis;
        self.subnets += subnets;
        self.route_tables += route_tables;
        self.network_acls += network_acls;
        self.volumes += volumes;
        self.addresses += addresses;
        self.prefix_lists += prefix_lists;
        self.vpcs += vpcs;
        self.internet_gateways += internet_gateways;
        self.group_users += group_users;
        self.expectations += expectations;
        self.stale_rules += stale_rules;
    }
}

impl Topology {
    /// An empty topology.
    pub fn new() -> Topology {
        Topology::default()
    }

    /// Object counts.
    pub fn counts(&self) -> Counts {
        Counts {
            security_groups: self.security_groups.len(),
            rules: self
                .security_groups
                .iter()
                .map(|g| g.ingress.len() + g.egress.len())
                .sum(),
            instances: self.instances.len(),
            enis: self.enis.len(),
            subnets: self.subnets.len(),
            route_tables: self.route_tables.len(),
            network_acls: self.network_acls.len(),
            volumes: self.volumes.len(),
            addresses: self.addresses.len(),
            prefix_lists: self.prefix_lists.len(),
            vpcs: self.vpcs.len(),
            internet_gateways: self.internet_gateways.len(),
            group_users: self.group_users.len(),
            expectations: self.expectations.len(),
            stale_rules: self.stale_rules.len(),
        }
    }

    /// Appends every object of `other`.
    pub fn extend(&mut self, other: Topology) {
        self.security_groups.extend(other.security_groups);
        self.network_acls.extend(other.network_acls);
        self.vpcs.extend(other.vpcs);
        self.subnets.extend(other.subnets);
        self.route_tables.extend(other.route_tables);
        self.internet_gateways.extend(other.internet_gateways);
        self.enis.extend(other.enis);
        self.instances.extend(other.instances);
        self.volumes.extend(other.volumes);
        self.addresses.extend(other.addresses);
        self.prefix_lists.extend(other.prefix_lists);
        self.group_users.extend(other.group_users);
        self.expectations.extend(other.expectations);
        self.stale_rules.extend(other.stale_rules);
        self.interfaces_unlisted.extend(other.interfaces_unlisted);
        self.interfaces_unlisted.sort_unstable();
        self.interfaces_unlisted.dedup();
    }

    /// Whether the network interfaces that may carry `group` were listed (see
    /// [`Topology::interfaces_unlisted`]): when not, "carried by no interface" means
    /// "not known to be carried".
    pub fn interfaces_listed(&self, group: &SecurityGroup) -> bool {
        !group.origin.is_json()
            || self
                .interfaces_unlisted
                .binary_search(&group.scope)
                .is_err()
    }

    /// Puts each associated Elastic IP read only as an address record (describe-addresses,
    /// a rule-language `eip` line with an association id) on the interface it is
    /// associated with, as AWS shows it there: the interface named, else the primary
    /// interface (device index 0) of the instance named, in a compatible scope (the
    /// address's own preferred). It goes on the private address it maps to, else the
    /// primary one, when that has no public address yet. An address some interface
    /// already shows, or whose interface or private address is not in the input, is left
    /// as it is. Returns the addresses whose record disagrees with the interfaces (it
    /// names one interface, another shows the address), with a message: the interfaces
    /// are newer or as new, and an address is on one interface at a time.
    pub fn attach_addresses(&mut self) -> Vec<(Origin, String)> {
        let mut primary: HashMap<&str, Vec<usize>> = HashMap::default();
        let mut shown: HashMap<Ipv4Addr, Vec<usize>> = HashMap::default();
        for (k, e) in self.enis.iter().enumerate() {
            if let Some(EniAttachment {
                instance: Some(i),
                device_index: Some(0),
                ..
            }) = &e.attachment
            {
                primary.entry(i.as_str()).or_default().push(k);
            }
            for p in e.public_ips() {
                shown.entry(p.ip).or_default().push(k);
            }
        }
        let lookup = table(&self.enis, |e| e.id.as_str());
        let (mut moves, mut conflicts) = (Vec::new(), Vec::new());
        for a in &self.addresses {
            let Some(ip) = a.public_ip else { continue };
            if a.association_id.is_none() {
                continue;
            }
            let hits = match (&a.eni, &a.instance) {
                (Some(e), _) => lookup.get(e.as_str()),
                (None, Some(i)) => primary.get(i.as_str()),
                (None, None) => continue,
            };
            let compatible: Vec<usize> = (hits.into_iter().flatten())
                .copied()
                .filter(|&k| self.enis[k].scope.compatible(&a.scope))
                .collect();
            let Some(k) = pick_index(&self.enis, Some(&compatible), Some(&a.scope), |e| &e.scope)
            else {
                continue;
            };
            let elsewhere = (shown.get(&ip).into_iter().flatten())
                .find(|&&o| self.enis[o].scope.compatible(&a.scope));
            match elsewhere {
                Some(&o) if o != k => conflicts.push((
                    a.origin.clone(),
                    format!(
                        "address {} ({ip}) is associated with {} by this record, but {} shows it: the interfaces are taken as current",
                        a.key(),
                        self.enis[k].id,
                        self.enis[o].id
                    ),
                )),
                Some(_) => {}
                None => {
                    let slot = (self.enis[k].private_ips.iter()).position(|p| match a.private_ip {
                        Some(at) => p.ip == at,
                        None => p.primary,
                    });
                    if let Some(slot) = slot {
                        let public = PublicIp {
                            ip,
                            allocation_id: a.allocation_id.clone(),
                            // Not `amazon`: an address record is an Elastic IP, even
                            // without an allocation id (EC2-Classic).
                            ip_owner: Some(ADDRESS_RECORD.to_string()),
                        };
                        moves.push((k, slot, public));
                    }
                }
            }
        }
        for (k, slot, public) in moves {
            let at = &mut self.enis[k].private_ips[slot];
            if at.public.is_none() {
                at.public = Some(public);
            }
        }
        conflicts
    }

    /// Builds the id lookup tables.
    pub fn lookup(&self) -> Lookup<'_> {
        Lookup::new(self)
    }
}

/// Id → positions, one table per object kind. Several positions mean the id exists in
/// several scopes (or is duplicated; validation reports that).
#[derive(Debug)]
pub struct Lookup<'t> {
    topo: &'t Topology,
    groups: HashMap<&'t str, Vec<usize>>,
    subnets: HashMap<&'t str, Vec<usize>>,
    vpcs: HashMap<&'t str, Vec<usize>>,
    enis: HashMap<&'t str, Vec<usize>>,
    instances: HashMap<&'t str, Vec<usize>>,
    volumes: HashMap<&'t str, Vec<usize>>,
    prefix_lists: HashMap<&'t str, Vec<usize>>,
    nacls: HashMap<&'t str, Vec<usize>>,
    route_tables: HashMap<&'t str, Vec<usize>>,
    igws: HashMap<&'t str, Vec<usize>>,
}

fn table<'t, T>(items: &'t [T], id: impl Fn(&'t T) -> &'t str) -> HashMap<&'t str, Vec<usize>> {
    let mut m: HashMap<&str, Vec<usize>> =
        HashMap::with_capacity_and_hasher(items.len(), Default::default());
    for (i, it) in items.iter().enumerate() {
        m.entry(id(it)).or_default().push(i);
    }
    m
}

/// Picks the position whose scope equals `scope`, else the first.
fn pick_index<T>(
    items: &[T],
    hits: Option<&Vec<usize>>,
    scope: Option<&Scope>,
    scope_of: impl Fn(&T) -> &Scope,
) -> Option<usize> {
    let hits = hits?;
    if let Some(s) = scope
        && let Some(&i) = hits.iter().find(|&&i| scope_of(&items[i]) == s)
    {
        return Some(i);
    }
    hits.first().copied()
}

/// Picks the object whose scope equals `scope`, else the first.
fn pick<'t, T>(
    items: &'t [T],
    hits: Option<&Vec<usize>>,
    scope: Option<&Scope>,
    scope_of: impl Fn(&T) -> &Scope,
) -> Option<&'t T> {
    pick_index(items, hits, scope, scope_of).map(|i| &items[i])
}

macro_rules! finder {
    ($(#[$doc:meta] $fn:ident, $all:ident, $field:ident, $ty:ty;)*) => {$(
        #[$doc]
        pub fn $fn(&self, id: &str, scope: Option<&Scope>) -> Option<&'t $ty> {
            pick(&self.topo.$field, self.$all.get(id), scope, |x| &x.scope)
        }
    )*};
}

impl<'t> Lookup<'t> {
    fn new(t: &'t Topology) -> Lookup<'t> {
        Lookup {
            topo: t,
            groups: table(&t.security_groups, |g| g.id.as_str()),
            subnets: table(&t.subnets, |s| s.id.as_str()),
            vpcs: table(&t.vpcs, |v| v.id.as_str()),
            enis: table(&t.enis, |e| e.id.as_str()),
            instances: table(&t.instances, |i| i.id.as_str()),
            volumes: table(&t.volumes, |v| v.id.as_str()),
            prefix_lists: table(&t.prefix_lists, |p| p.id.as_str()),
            nacls: table(&t.network_acls, |n| n.id.as_str()),
            route_tables: table(&t.route_tables, |r| r.id.as_str()),
            igws: table(&t.internet_gateways, |g| g.id.as_str()),
        }
    }

    /// The topology this looks into.
    pub fn topology(&self) -> &'t Topology {
        self.topo
    }

    finder! {
        /// A security group by id, preferring `scope`.
        group, groups, security_groups, SecurityGroup;
        /// A subnet by id, preferring `scope`.
        subnet, subnets, subnets, Subnet;
        /// A VPC by id, preferring `scope`.
        vpc, vpcs, vpcs, Vpc;
        /// An ENI by id, preferring `scope`.
        eni, enis, enis, Eni;
        /// An instance by id, preferring `scope`.
        instance, instances, instances, Instance;
        /// A volume by id, preferring `scope`.
        volume, volumes, volumes, Volume;
        /// A prefix list by id, preferring `scope`.
        prefix_list, prefix_lists, prefix_lists, PrefixList;
        /// A network ACL by id, preferring `scope`.
        nacl, nacls, network_acls, NetworkAcl;
        /// A route table by id, preferring `scope`.
        route_table, route_tables, route_tables, RouteTable;
        /// An internet gateway by id, preferring `scope`.
        internet_gateway, igws, internet_gateways, InternetGateway;
    }

    /// Whether a group `id` exists in any scope (what `group(id, _).is_some()` says,
    /// without reading the group).
    pub fn has_group(&self, id: &str) -> bool {
        self.groups.contains_key(id)
    }

    /// The position in `Topology::security_groups` of the group [`Lookup::group`] returns.
    pub fn group_index(&self, id: &str, scope: Option<&Scope>) -> Option<usize> {
        pick_index(
            &self.topo.security_groups,
            self.groups.get(id),
            scope,
            |g| &g.scope,
        )
    }

    /// Every ENI carrying group `id` (in any scope).
    pub fn members_of(&self, id: &GroupId) -> impl Iterator<Item = &'t Eni> {
        self.topo.enis.iter().filter(move |e| e.groups.contains(id))
    }

    /// The NACL governing `subnet`: its explicit association, else its VPC's default.
    pub fn nacl_for_subnet(&self, subnet: &Subnet) -> Option<&'t NetworkAcl> {
        let acls = &self.topo.network_acls;
        acls.iter()
            .find(|n| n.scope == subnet.scope && n.subnets.contains(&subnet.id))
            .or_else(|| {
                acls.iter().find(|n| {
                    n.scope == subnet.scope
                        && n.is_default
                        && n.vpc.is_some()
                        && n.vpc == subnet.vpc
                })
            })
    }

    /// The route table governing `subnet`: its explicit association, else its VPC's main.
    pub fn route_table_for_subnet(&self, subnet: &Subnet) -> Option<&'t RouteTable> {
        let rts = &self.topo.route_tables;
        rts.iter()
            .find(|r| r.scope == subnet.scope && r.subnets.contains(&subnet.id))
            .or_else(|| {
                rts.iter().find(|r| {
                    r.scope == subnet.scope && r.main && r.vpc.is_some() && r.vpc == subnet.vpc
                })
            })
    }
}
