//! Property test: the rule-language printer and parser are inverse on the expressible
//! subset of the model. For arbitrary topologies `t` (groups with boundary CIDRs and ports,
//! ICMP forms, protocol all and numbers, group references with and without owner, prefix
//! lists, NACLs, VPCs, subnets, route tables, gateways, instances with ENIs, volumes and
//! listeners, unattached ENIs and volumes, Elastic IPs, expectations):
//! - `parse(print(t)) == t`, with every `Origin` replaced by a fixed one;
//! - `print(parse(print(t))) == print(t)`.
//!
//! Generators leave the inexpressible fields at their defaults (scope; `GroupRef` vpc and
//! peering; ENI attachment status; volume attachment state; see the README ("The sgcheck rule language")).

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use sgcheck::ingest::dsl;
use sgcheck::model::*;
use sgcheck::net::{Cidr, Direction, Family, IcmpMatch, L4, PortRange, Protocol};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

// ---------------------------------------------------------------------------------------
// Origins

fn fixed() -> Origin {
    Origin::synthetic("roundtrip")
}

/// Replaces every origin in `t` by a fixed one.
fn strip(mut t: Topology) -> Topology {
    for g in &mut t.security_groups {
        g.origin = fixed();
        for r in g.ingress.iter_mut().chain(g.egress.iter_mut()) {
            r.origin = fixed();
        }
    }
    for n in &mut t.network_acls {
        n.origin = fixed();
        for e in &mut n.entries {
            e.origin = fixed();
        }
    }
    for v in &mut t.vpcs {
        v.origin = fixed();
    }
    for s in &mut t.subnets {
        s.origin = fixed();
    }
    for r in &mut t.route_tables {
        r.origin = fixed();
        for rt in &mut r.routes {
            rt.origin = fixed();
        }
    }
    for g in &mut t.internet_gateways {
        g.origin = fixed();
    }
    for e in &mut t.enis {
        e.origin = fixed();
    }
    for i in &mut t.instances {
        i.origin = fixed();
        for l in &mut i.listeners {
            l.origin = fixed();
        }
    }
    for v in &mut t.volumes {
        v.origin = fixed();
    }
    for a in &mut t.addresses {
        a.origin = fixed();
    }
    for p in &mut t.prefix_lists {
        p.origin = fixed();
    }
    for u in &mut t.group_users {
        u.origin = fixed();
    }
    for x in &mut t.expectations {
        x.origin = fixed();
    }
    t
}

// ---------------------------------------------------------------------------------------
// Leaves

fn id(prefix: &'static str) -> impl Strategy<Value = String> {
    "[a-z0-9]{1,6}".prop_map(move |s| format!("{prefix}-{s}"))
}

fn word() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9./_-]{0,7}"
}

fn account() -> impl Strategy<Value = AccountId> {
    "[0-9]{12}".prop_map(AccountId)
}

/// Any text, biased toward characters that need escaping.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,12}",
        prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
        prop::collection::vec(
            prop::sample::select(vec![
                '"', '\\', '\n', '\r', '\t', '#', ',', ' ', 'é', '\u{7f}'
            ]),
            0..6
        )
        .prop_map(String::from_iter),
    ]
}

fn v4_cidr() -> impl Strategy<Value = Cidr> {
    prop_oneof![
        Just(Cidr::any_v4()),
        any::<u32>().prop_map(|a| Cidr::host(Ipv4Addr::from(a).into())),
        (any::<u32>(), 0u8..=32).prop_map(|(a, l)| Cidr::from_net(IpNet::V4(
            Ipv4Net::new(Ipv4Addr::from(a), l).unwrap_or_default()
        ))),
    ]
}

fn v6_cidr() -> impl Strategy<Value = Cidr> {
    prop_oneof![
        Just(Cidr::any_v6()),
        any::<u128>().prop_map(|a| Cidr::host(Ipv6Addr::from(a).into())),
        (any::<u128>(), 0u8..=128).prop_map(|(a, l)| Cidr::from_net(IpNet::V6(
            Ipv6Net::new(Ipv6Addr::from(a), l).unwrap_or_default()
        ))),
    ]
}

fn cidr() -> impl Strategy<Value = Cidr> {
    prop_oneof![v4_cidr(), v6_cidr()]
}

fn port() -> impl Strategy<Value = u16> {
    prop_oneof![Just(0u16), Just(65535u16), any::<u16>(), 1u16..1024]
}

fn port_range() -> impl Strategy<Value = PortRange> {
    prop_oneof![
        Just(PortRange::ALL),
        port().prop_map(PortRange::single),
        (port(), port()).prop_map(|(a, b)| PortRange::new(a.min(b), a.max(b))),
    ]
}

fn icmp() -> impl Strategy<Value = IcmpMatch> {
    prop_oneof![
        Just(IcmpMatch::ANY),
        any::<u8>().prop_map(IcmpMatch::of_type),
        (any::<u8>(), any::<u8>()).prop_map(|(t, c)| IcmpMatch::type_code(t, c)),
    ]
}

/// A protocol with a normalised L4 part.
fn proto_l4() -> impl Strategy<Value = (Protocol, L4)> {
    prop_oneof![
        (
            prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp)],
            port_range()
        )
            .prop_map(|(p, r)| (p, L4::Ports(r))),
        (
            prop_oneof![Just(Protocol::Icmp), Just(Protocol::Icmpv6)],
            icmp()
        )
            .prop_map(|(p, m)| (p, L4::Icmp(m))),
        Just((Protocol::All, L4::Any)),
        any::<u8>().prop_map(|n| {
            let p = Protocol::from_number(n);
            (p, L4::normalize(p, L4::Any))
        }),
    ]
}

fn peer() -> impl Strategy<Value = Peer> {
    prop_oneof![
        3 => cidr().prop_map(|cidr| Peer::Cidr { cidr }),
        1 => id("pl").prop_map(|s| Peer::PrefixList { id: PrefixListId(s) }),
        1 => (id("sg"), prop::option::of(account())).prop_map(|(g, owner)| {
            let mut r = GroupRef::to(g);
            r.owner = owner;
            Peer::Group(Box::new(r))
        }),
    ]
}

// ---------------------------------------------------------------------------------------
// Objects

fn rule(direction: Direction) -> impl Strategy<Value = Rule> {
    (
        proto_l4(),
        peer(),
        prop::option::of(text()),
        prop::option::of(id("sgr")),
    )
        .prop_map(move |((protocol, l4), peer, description, rule_id)| Rule {
            direction,
            protocol,
            l4,
            peer,
            description,
            rule_id,
            origin: fixed(),
        })
}

fn group() -> impl Strategy<Value = SecurityGroup> {
    (
        id("sg"),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(id("vpc").prop_map(VpcId)),
        prop::option::of(account()),
        prop::collection::vec(rule(Direction::Ingress), 0..5),
        prop::collection::vec(rule(Direction::Egress), 0..3),
    )
        .prop_map(
            |(id, name, description, vpc, owner, ingress, egress)| SecurityGroup {
                id: GroupId(id),
                name,
                description,
                vpc,
                owner,
                ingress,
                egress,
                scope: Scope::default(),
                origin: fixed(),
            },
        )
}

fn prefix_list() -> impl Strategy<Value = PrefixList> {
    let entry = (cidr(), prop::option::of(text()))
        .prop_map(|(cidr, description)| PrefixListEntry { cidr, description });
    (
        id("pl"),
        prop::option::of(text()),
        prop::option::of(prop_oneof![Just(Family::V4), Just(Family::V6)]),
        prop::option::of(any::<u32>()),
        prop::option::of(prop::collection::vec(entry, 0..4)),
        prop::option::of(account()),
    )
        .prop_map(
            |(id, name, family, max_entries, entries, owner)| PrefixList {
                id: PrefixListId(id),
                name,
                family,
                max_entries,
                entries,
                owner,
                scope: Scope::default(),
                origin: fixed(),
            },
        )
}

fn nacl() -> impl Strategy<Value = NetworkAcl> {
    let entry = (
        any::<u16>(),
        prop_oneof![Just(Direction::Ingress), Just(Direction::Egress)],
        prop_oneof![Just(NaclAction::Allow), Just(NaclAction::Deny)],
        proto_l4(),
        cidr(),
    )
        .prop_map(
            |(rule_number, direction, action, (protocol, l4), cidr)| NaclEntry {
                rule_number,
                direction,
                action,
                protocol,
                l4,
                cidr,
                origin: fixed(),
            },
        );
    (
        id("acl"),
        prop::option::of(id("vpc").prop_map(VpcId)),
        any::<bool>(),
        prop::collection::vec(entry, 0..5),
        prop::collection::vec(id("subnet").prop_map(SubnetId), 0..3),
        prop::option::of(account()),
    )
        .prop_map(
            |(id, vpc, is_default, entries, subnets, owner)| NetworkAcl {
                id: NaclId(id),
                vpc,
                is_default,
                entries,
                subnets,
                owner,
                scope: Scope::default(),
                origin: fixed(),
            },
        )
}

fn vpc() -> impl Strategy<Value = Vpc> {
    (
        id("vpc"),
        prop::collection::vec(cidr(), 0..3),
        any::<bool>(),
        prop::option::of(account()),
    )
        .prop_map(|(id, cidrs, is_default, owner)| Vpc {
            id: VpcId(id),
            cidrs,
            is_default,
            owner,
            scope: Scope::default(),
            origin: fixed(),
        })
}

fn igw() -> impl Strategy<Value = InternetGateway> {
    (
        id("igw"),
        prop::collection::vec(id("vpc").prop_map(VpcId), 0..3),
    )
        .prop_map(|(id, vpcs)| InternetGateway {
            id: IgwId(id),
            vpcs,
            scope: Scope::default(),
            origin: fixed(),
        })
}

fn subnet() -> impl Strategy<Value = Subnet> {
    (
        id("subnet"),
        prop::option::of(id("vpc").prop_map(VpcId)),
        prop::option::of(v4_cidr()),
        prop::collection::vec(v6_cidr(), 0..3),
        prop::option::of(word()),
        any::<bool>(),
        prop::option::of(account()),
    )
        .prop_map(
            |(id, vpc, cidr, ipv6_cidrs, az, map_public_ip_on_launch, owner)| Subnet {
                id: SubnetId(id),
                vpc,
                cidr,
                ipv6_cidrs,
                az,
                map_public_ip_on_launch,
                owner,
                scope: Scope::default(),
                origin: fixed(),
            },
        )
}

fn route() -> impl Strategy<Value = Route> {
    let target = prop_oneof![
        Just("local".to_string()),
        (
            prop::sample::select(vec![
                "igw", "eigw", "nat", "pcx", "tgw", "eni", "i", "vgw", "vpce", "x"
            ]),
            "[a-z0-9]{1,6}"
        )
            .prop_map(|(p, s)| format!("{p}-{s}")),
    ];
    let destination = prop_oneof![
        cidr().prop_map(|cidr| RouteDestination::Cidr { cidr }),
        id("pl").prop_map(|s| RouteDestination::PrefixList {
            id: PrefixListId(s)
        }),
    ];
    (destination, target, any::<bool>()).prop_map(|(destination, t, blackhole)| Route {
        destination,
        target: RouteTarget::from_id(&t),
        blackhole,
        origin: fixed(),
    })
}

fn route_table() -> impl Strategy<Value = RouteTable> {
    (
        id("rtb"),
        prop::option::of(id("vpc").prop_map(VpcId)),
        any::<bool>(),
        prop::collection::vec(id("subnet").prop_map(SubnetId), 0..3),
        prop::collection::vec(route(), 0..4),
    )
        .prop_map(|(id, vpc, main, subnets, routes)| RouteTable {
            id: RouteTableId(id),
            vpc,
            main,
            subnets,
            routes,
            scope: Scope::default(),
            origin: fixed(),
        })
}

fn public_ip() -> impl Strategy<Value = PublicIp> {
    prop_oneof![
        any::<u32>().prop_map(|a| PublicIp {
            ip: Ipv4Addr::from(a),
            allocation_id: None,
            ip_owner: Some("amazon".to_string()),
        }),
        (any::<u32>(), prop::option::of(id("eipalloc"))).prop_map(|(a, alloc)| PublicIp {
            ip: Ipv4Addr::from(a),
            allocation_id: alloc,
            ip_owner: None,
        }),
    ]
}

/// An ENI without id or attachment (set by the caller).
fn eni_body() -> impl Strategy<Value = Eni> {
    let ips =
        prop::collection::vec((any::<u32>(), prop::option::of(public_ip())), 0..3).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (a, public))| PrivateIp {
                    ip: Ipv4Addr::from(a),
                    primary: i == 0,
                    public,
                })
                .collect::<Vec<_>>()
        });
    (
        (
            prop::option::of(id("subnet").prop_map(SubnetId)),
            prop::option::of(id("vpc").prop_map(VpcId)),
            prop::option::of(word()),
            ips,
            prop::collection::vec(any::<u128>().prop_map(Ipv6Addr::from), 0..3),
            prop::collection::vec(id("sg").prop_map(GroupId), 0..3),
        ),
        (
            prop::option::of(word()),
            prop::option::of(word()),
            prop::option::of(any::<bool>()),
            prop::option::of(text()),
            prop::option::of(account()),
        ),
    )
        .prop_map(
            |(
                (subnet, vpc, az, private_ips, ipv6, groups),
                (interface_type, status, source_dest_check, description, owner),
            )| Eni {
                id: EniId::from("eni-unset"),
                subnet,
                vpc,
                az,
                private_ips,
                ipv6,
                groups,
                attachment: None,
                interface_type,
                status,
                source_dest_check,
                description,
                owner,
                scope: Scope::default(),
                origin: fixed(),
            },
        )
}

/// A volume without id or attachments.
fn volume_body() -> impl Strategy<Value = Volume> {
    (
        prop::option::of(word()),
        prop::option::of(any::<u64>()),
        prop::option::of(prop_oneof![
            prop::sample::select(vec!["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"])
                .prop_map(str::to_string),
            word(),
        ]),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(word()),
    )
        .prop_map(
            |(az, size_gib, volume_type, encrypted, multi_attach, state)| Volume {
                id: VolumeId::from("vol-unset"),
                az,
                size_gib,
                volume_type,
                encrypted,
                multi_attach,
                state,
                attachments: Vec::new(),
                scope: Scope::default(),
                origin: fixed(),
            },
        )
}

fn state() -> impl Strategy<Value = InstanceState> {
    prop::sample::select(vec![
        InstanceState::Pending,
        InstanceState::Running,
        InstanceState::ShuttingDown,
        InstanceState::Terminated,
        InstanceState::Stopping,
        InstanceState::Stopped,
    ])
}

/// An instance with its ENIs and volumes (ids made unique by `n`).
fn instance(n: usize) -> impl Strategy<Value = (Instance, Vec<Eni>, Vec<Volume>)> {
    let listener = (
        prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp)],
        port_range(),
    )
        .prop_map(|(protocol, ports)| Listener {
            protocol,
            ports,
            origin: fixed(),
        });
    let vols = prop::collection::vec((volume_body(), prop::option::of(any::<bool>())), 0..3);
    (
        (
            "[a-z0-9]{1,5}",
            state(),
            prop::option::of(word()),
            prop::option::of(word()),
            prop::option::of(id("subnet").prop_map(SubnetId)),
            prop::option::of(id("vpc").prop_map(VpcId)),
            any::<bool>(),
            prop::option::of(word()),
            prop::option::of(account()),
        ),
        prop::collection::vec((eni_body(), prop::option::of(any::<u32>())), 0..3),
        vols,
        // Root: none, or a volume index; and the root device type.
        (
            any::<prop::sample::Index>(),
            any::<bool>(),
            prop_oneof![Just("ebs"), Just("instance-store")],
        ),
        // Without a root volume: optional root device name/type.
        (
            prop::option::of(Just("/dev/nvme0n1".to_string())),
            prop::option::of(word()),
        ),
        prop::collection::vec(listener, 0..4),
    )
        .prop_map(
            move |(
                (s, state, instance_type, az, subnet, vpc, hibernation, placement_group, owner),
                enis,
                vols,
                (root_ix, has_root, root_type),
                (alt_root_name, alt_root_type),
                listeners,
            )| {
                let inst_id = InstanceId(format!("i-{n}{s}"));
                let mut inst = Instance {
                    id: inst_id.clone(),
                    state,
                    instance_type,
                    az,
                    subnet,
                    vpc,
                    enis: Vec::new(),
                    block_devices: Vec::new(),
                    root_device_name: None,
                    root_device_type: None,
                    hibernation,
                    placement_group,
                    listeners,
                    owner,
                    scope: Scope::default(),
                    origin: fixed(),
                };
                let enis: Vec<Eni> = enis
                    .into_iter()
                    .enumerate()
                    .map(|(k, (mut e, idx))| {
                        e.id = EniId(format!("eni-{n}x{k}"));
                        e.attachment = Some(EniAttachment {
                            instance: Some(inst_id.clone()),
                            device_index: idx,
                            status: None,
                            delete_on_termination: None,
                        });
                        inst.enis.push(e.id.clone());
                        e
                    })
                    .collect();
                let root = (has_root && !vols.is_empty()).then(|| root_ix.index(vols.len()));
                let volumes: Vec<Volume> = vols
                    .into_iter()
                    .enumerate()
                    .map(|(k, (mut v, dot))| {
                        v.id = VolumeId(format!("vol-{n}x{k}"));
                        let device = format!("/dev/sd{}", char::from(b'a' + k as u8));
                        if root == Some(k) {
                            inst.root_device_name = Some(device.clone());
                            inst.root_device_type = Some(root_type.to_string());
                        }
                        inst.block_devices.push(BlockDevice {
                            device: device.clone(),
                            volume: Some(v.id.clone()),
                            delete_on_termination: dot,
                        });
                        v.attachments.push(VolumeAttachment {
                            instance: inst_id.clone(),
                            device: Some(device),
                            state: None,
                            delete_on_termination: dot,
                        });
                        v
                    })
                    .collect();
                if root.is_none() {
                    inst.root_device_name = alt_root_name;
                    inst.root_device_type = alt_root_type;
                }
                (inst, enis, volumes)
            },
        )
}

fn address() -> impl Strategy<Value = Address> {
    (
        prop::option::of(any::<u32>().prop_map(Ipv4Addr::from)),
        prop::option::of(prop_oneof![id("eipalloc"), word()]),
        prop::option::of(prop_oneof![id("eipassoc"), word()]),
        prop::option::of(id("i").prop_map(InstanceId)),
        prop::option::of(id("eni").prop_map(EniId)),
        prop::option::of(any::<u32>().prop_map(Ipv4Addr::from)),
        prop::option::of(prop_oneof![Just("vpc".to_string()), word()]),
    )
        .prop_map(
            |(public_ip, allocation_id, association_id, instance, eni, private_ip, domain)| {
                Address {
                    public_ip,
                    allocation_id,
                    association_id,
                    instance,
                    eni,
                    private_ip,
                    domain,
                    scope: Scope::default(),
                    origin: fixed(),
                }
            },
        )
}

fn group_user() -> impl Strategy<Value = GroupUser> {
    (
        prop::sample::select(UserKind::ALL.to_vec()),
        prop_oneof![word(), text()],
        prop::collection::vec(id("sg").prop_map(GroupId), 1..4),
    )
        .prop_map(|(kind, id, groups)| GroupUser {
            kind,
            id,
            groups,
            scope: Scope::default(),
            origin: fixed(),
        })
}

fn expectation() -> impl Strategy<Value = Expectation> {
    let ep = prop::sample::select(vec![
        "internet",
        "10.0.0.5",
        "10.0.0.0/8",
        "2001:db8::1",
        "::/0",
        "i-web",
        "sg-db",
        "eni-1",
    ]);
    (any::<bool>(), ep.clone(), ep, proto_l4()).prop_map(|(allow, from, to, (protocol, l4))| {
        Expectation {
            allow,
            from: from.to_string(),
            to: to.to_string(),
            protocol,
            l4,
            origin: fixed(),
        }
    })
}

fn topology() -> impl Strategy<Value = Topology> {
    let standalone_eni = (
        eni_body(),
        prop_oneof![
            Just(None),
            (id("i"), prop::option::of(any::<u32>())).prop_map(|(i, idx)| Some(EniAttachment {
                instance: Some(InstanceId(i)),
                device_index: idx,
                status: None,
                delete_on_termination: None,
            })),
            any::<u32>().prop_map(|idx| Some(EniAttachment {
                instance: None,
                device_index: Some(idx),
                status: None,
                delete_on_termination: None,
            })),
        ],
    );
    (
        (
            prop::collection::vec(group(), 0..4),
            prop::collection::vec(prefix_list(), 0..3),
            prop::collection::vec(nacl(), 0..3),
            prop::collection::vec(vpc(), 0..3),
            prop::collection::vec(igw(), 0..2),
            prop::collection::vec(subnet(), 0..3),
            prop::collection::vec(route_table(), 0..3),
        ),
        (
            (0usize..3).prop_flat_map(|n| (0..n).map(instance).collect::<Vec<_>>()),
            prop::collection::vec(standalone_eni, 0..3),
            prop::collection::vec(volume_body(), 0..3),
            prop::collection::vec(address(), 0..3),
            prop::collection::vec(expectation(), 0..4),
            prop::collection::vec(group_user(), 0..3),
        ),
    )
        .prop_map(
            |(
                (
                    security_groups,
                    prefix_lists,
                    network_acls,
                    vpcs,
                    internet_gateways,
                    subnets,
                    route_tables,
                ),
                (instances, loose_enis, loose_vols, addresses, expectations, group_users),
            )| {
                let mut t = Topology {
                    security_groups,
                    network_acls,
                    vpcs,
                    subnets,
                    route_tables,
                    internet_gateways,
                    prefix_lists,
                    addresses,
                    group_users,
                    expectations,
                    ..Topology::default()
                };
                for (inst, enis, vols) in instances {
                    t.instances.push(inst);
                    t.enis.extend(enis);
                    t.volumes.extend(vols);
                }
                for (k, (mut e, att)) in loose_enis.into_iter().enumerate() {
                    e.id = EniId(format!("eni-loose{k}"));
                    e.attachment = att;
                    // An unattached interface reads as `available` unless it says
                    // otherwise (its status, a service's type).
                    if e.attachment.is_none() && e.status.is_none() && e.is_instance_type() {
                        e.status = Some("available".to_string());
                    }
                    t.enis.push(e);
                }
                for (k, mut v) in loose_vols.into_iter().enumerate() {
                    v.id = VolumeId(format!("vol-loose{k}"));
                    t.volumes.push(v);
                }
                t
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_is_identity(t in topology()) {
        let file: Arc<str> = Arc::from("roundtrip.sg");
        let printed = dsl::print(&t);
        let parsed = match dsl::parse(&file, &printed) {
            Ok((p, _)) => p,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n--- printed:\n{printed}"))),
        };
        prop_assert_eq!(strip(parsed.clone()), strip(t), "printed:\n{}", printed);
        prop_assert_eq!(dsl::print(&parsed), printed);
    }
}
