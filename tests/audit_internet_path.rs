//! Effective vs nominal exposure: the internet path the audit works out for an exposed
//! interface (public address, the most specific route for the client's reply, a NACL
//! that lets the traffic in and its reply out) on the cases where a shortcut goes
//! wrong: protocol `-1` behind a NACL that admits one protocol, routes more specific
//! than `/0`, NACL entries that hold public space without starting in it, ICMP replies
//! by type, and a certain world-open rule beside a prefix list of unknown entries.

use sgcheck::audit::{AuditConfig, AuditReport, Exposure, Finding, audit};
use sgcheck::ingest::ingest_bytes;

/// A public subnet (`rtb-pub` holds `routes`; `acl-1` holds `nacl` when given) with one
/// running instance `i-1` whose interface `eni-1` (public 54.1.2.3) carries `sg-a`, which
/// holds `rules`.
fn model(routes: &str, nacl: &str, rules: &str) -> String {
    let mut m = String::from(
        "vpc vpc-1 cidr 10.0.0.0/16, 2600:1f18:1::/56\n\
         igw igw-1 vpc vpc-1\n\
         subnet subnet-pub vpc vpc-1 cidr 10.0.1.0/24 ipv6 2600:1f18:1:1::/64 az us-east-1a\n\
         route-table rtb-pub vpc vpc-1 subnets subnet-pub\n  route 10.0.0.0/16 via local\n",
    );
    for r in routes.lines().filter(|l| !l.trim().is_empty()) {
        m.push_str(&format!("  route {}\n", r.trim()));
    }
    if !nacl.trim().is_empty() {
        m.push_str("nacl acl-1 vpc vpc-1 subnets subnet-pub\n");
        for e in nacl.lines().filter(|l| !l.trim().is_empty()) {
            m.push_str(&format!("  {}\n", e.trim()));
        }
    }
    m.push_str("group sg-a vpc vpc-1\n");
    for r in rules.lines().filter(|l| !l.trim().is_empty()) {
        m.push_str(&format!("  {}\n", r.trim()));
    }
    m.push_str(
        "instance i-1 state running subnet subnet-pub az us-east-1a\n  \
         eni eni-1 subnet subnet-pub ip 10.0.1.10 public 54.1.2.3 ipv6 2600:1f18:1:1::10 \
         groups sg-a index 0\n",
    );
    m
}

fn findings(text: &str) -> AuditReport {
    let ingest = ingest_bytes("t.sg", text.as_bytes());
    let errors: Vec<String> = ingest.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        ingest
            .diagnostics
            .iter()
            .all(|d| d.severity != sgcheck::model::Severity::Error),
        "{errors:?}\n{text}"
    );
    audit(&ingest.topology, &AuditConfig::default())
}

/// The one finding of `code` about `eni-1`, its exposure and message.
fn one(text: &str, code: &str) -> (Exposure, String) {
    let found = findings(text).findings;
    let mine: Vec<&Box<Finding>> = found
        .iter()
        .filter(|f| f.code == code && f.resource == "eni-1")
        .collect();
    assert_eq!(mine.len(), 1, "{code}: {found:#?}");
    (
        mine[0].exposure.expect("an exposure finding"),
        mine[0].message.clone(),
    )
}

const ROUTES: &str = "0.0.0.0/0 via igw-1\n::/0 via igw-1";

/// Protocol `-1` open to the world is effective when the NACL lets any protocol in and
/// its reply out, not only TCP.
#[test]
fn all_protocols_behind_a_nacl_that_admits_one_protocol() {
    for (nacl, effective) in [
        (
            "in 100 allow udp 0-65535 from 0.0.0.0/0\nout 100 allow udp 1024-65535 to 0.0.0.0/0",
            true,
        ),
        // ESP (protocol 50) has no ports and no ephemeral reply.
        (
            "in 100 allow 50 from 0.0.0.0/0\nout 100 allow 50 to 0.0.0.0/0",
            true,
        ),
        // A protocol no entry names falls to the catch-all.
        (
            "in 100 deny tcp 0-65535 from 0.0.0.0/0\nin 200 allow all from 0.0.0.0/0\n\
             out 100 allow all to 0.0.0.0/0",
            true,
        ),
        // UDP let in, its reply not let out; nothing else in.
        (
            "in 100 allow udp 0-65535 from 0.0.0.0/0\nout 100 allow tcp 1024-65535 to 0.0.0.0/0",
            false,
        ),
        (
            "in 100 allow tcp 22 from 10.0.0.0/8\nout 100 allow all to 0.0.0.0/0",
            false,
        ),
    ] {
        let text = model(ROUTES, nacl, "in all from 0.0.0.0/0");
        let (exposure, message) = one(&text, "SG005");
        let want = if effective {
            Exposure::Effective
        } else {
            Exposure::Nominal
        };
        assert_eq!(exposure, want, "{nacl}: {message}");
    }
    // The reply refused is said for the protocol that got in.
    let text = model(
        ROUTES,
        "in 100 allow udp 0-65535 from 0.0.0.0/0\nout 100 allow tcp 1024-65535 to 0.0.0.0/0",
        "in all from 0.0.0.0/0",
    );
    assert!(one(&text, "SG005").1.contains("blocks the reply"));
}

/// The reply follows the most specific route for the client's address: `/0` to the
/// gateway does not help when both `/1` halves go elsewhere, and two `/1` halves to the
/// gateway serve as well as `/0`.
#[test]
fn the_most_specific_route_decides() {
    let cases = [
        (
            "0.0.0.0/0 via igw-1\n0.0.0.0/1 via nat-1\n128.0.0.0/1 via nat-1",
            Exposure::Nominal,
            "more specific routes send them elsewhere",
        ),
        (
            "0.0.0.0/1 via igw-1\n128.0.0.0/1 via igw-1",
            Exposure::Effective,
            "0.0.0.0/1, 128.0.0.0/1 via igw-1, no NACL",
        ),
        // Half the internet still gets the reply.
        (
            "0.0.0.0/0 via igw-1\n0.0.0.0/1 via nat-1",
            Exposure::Effective,
            "0.0.0.0/0 via igw-1 (part of the internet",
        ),
        (
            "0.0.0.0/0 via igw-1",
            Exposure::Effective,
            "0.0.0.0/0 via igw-1, no NACL",
        ),
        (
            "0.0.0.0/0 via nat-1",
            Exposure::Nominal,
            "0.0.0.0/0 in rtb-pub goes to nat-1, not an internet gateway",
        ),
        (
            "",
            Exposure::Nominal,
            "route table rtb-pub has no 0.0.0.0/0 route",
        ),
    ];
    for (routes, want, said) in cases {
        let (exposure, message) = one(&model(routes, "", "in tcp 22 from 0.0.0.0/0"), "SG001");
        assert_eq!(exposure, want, "{routes}: {message}");
        assert!(message.contains(said), "{routes}: {message}");
    }
    // Where more specific routes take only part of the internet elsewhere, the NACL is
    // asked about clients whose replies do reach the gateway.
    let routes = "0.0.0.0/0 via igw-1\n0.0.0.0/1 via nat-1";
    for (from, want) in [
        ("0.0.0.0/1", Exposure::Nominal),
        ("128.0.0.0/1", Exposure::Effective),
    ] {
        let nacl =
            format!("in 100 allow tcp 22 from {from}\nout 100 allow tcp 1024-65535 to 0.0.0.0/0");
        let (exposure, message) = one(&model(routes, &nacl, "in tcp 22 from 0.0.0.0/0"), "SG001");
        assert_eq!(exposure, want, "{from}: {message}");
    }
}

/// A NACL entry whose block starts in private or reserved space still lets in the
/// public addresses it holds.
#[test]
fn nacl_entries_holding_public_space_past_their_start() {
    for from in ["192.0.0.0/2", "10.0.0.0/7", "224.0.0.0/3"] {
        let nacl =
            format!("in 100 allow tcp 22 from {from}\nout 100 allow tcp 1024-65535 to 0.0.0.0/0");
        let (exposure, message) = one(&model(ROUTES, &nacl, "in tcp 22 from 0.0.0.0/0"), "SG001");
        // 224.0.0.0/3 is multicast and reserved space only: no public client.
        let want = if from == "224.0.0.0/3" {
            Exposure::Nominal
        } else {
            Exposure::Effective
        };
        assert_eq!(exposure, want, "{from}: {message}");
    }
}

/// ICMP replies by type: an echo or timestamp request needs its reply let out, an
/// error message needs none; the message names ICMP, not ephemeral ports.
#[test]
fn icmp_replies_follow_the_type() {
    let nacl = "in 100 allow icmp all from 0.0.0.0/0\nout 100 allow icmp 0 to 0.0.0.0/0";
    for (rule, want) in [
        ("in icmp 8 from 0.0.0.0/0", Exposure::Effective),
        ("in icmp 13 from 0.0.0.0/0", Exposure::Nominal),
        ("in icmp 3:4 from 0.0.0.0/0", Exposure::Effective),
    ] {
        let (exposure, message) = one(&model(ROUTES, nacl, rule), "SG006");
        assert_eq!(exposure, want, "{rule}: {message}");
        assert!(!message.contains("ephemeral"), "{rule}: {message}");
    }
    let nacl = "in 100 allow icmp all from 0.0.0.0/0\nout 100 allow icmp 14 to 0.0.0.0/0";
    let (exposure, _) = one(&model(ROUTES, nacl, "in icmp 13 from 0.0.0.0/0"), "SG006");
    assert_eq!(exposure, Exposure::Effective);
}

/// A certain world-open SSH rule is reported as SG001 even where a rule of protocol
/// `-1` or `tcp` all ports from a prefix list of unknown entries is assumed public
/// (that assumption is SG005's, said in its message).
#[test]
fn assumed_prefix_lists_do_not_hide_certain_exposure() {
    for open in ["in all from pl-unk", "in tcp all from pl-unk"] {
        let text = format!(
            "prefix-list pl-unk name \"partners\" max 10 family ipv4 unknown\n{}",
            model(ROUTES, "", &format!("{open}\nin tcp 22 from 0.0.0.0/0"))
        );
        let found = findings(&text).findings;
        let codes: Vec<(&str, Option<(u16, u16)>)> = found
            .iter()
            .filter(|f| f.resource == "eni-1")
            .map(|f| (f.code, f.ports))
            .collect();
        assert!(
            codes.contains(&("SG001", Some((22, 22)))),
            "{open}: {codes:?}"
        );
        let sg005: Vec<&Box<Finding>> = found.iter().filter(|f| f.code == "SG005").collect();
        assert_eq!(sg005.len(), 1, "{open}: {codes:?}");
        assert!(sg005[0].message.contains("assuming prefix list pl-unk"));
        // Nothing else is reported on the strength of the assumption alone.
        assert_eq!(codes.len(), 2, "{open}: {codes:?}");
    }
}

/// A piece over several ICMP types is effective when one of them gets in and needs no
/// reply, or has its reply let out.
#[test]
fn icmp_pieces_over_several_types() {
    let nacl = "in 100 allow icmp all from 0.0.0.0/0";
    for rules in [
        "in icmp 8 from 0.0.0.0/0\nin icmp 9 from 0.0.0.0/0",
        "in icmp 13 from 0.0.0.0/0\nin icmp 14 from 0.0.0.0/0",
    ] {
        let (exposure, message) = one(&model(ROUTES, nacl, rules), "SG006");
        assert_eq!(exposure, Exposure::Effective, "{rules}: {message}");
    }
    let (exposure, _) = one(&model(ROUTES, nacl, "in icmp 8 from 0.0.0.0/0"), "SG006");
    assert_eq!(exposure, Exposure::Nominal);
}

/// Of a CIDR route and a prefix list's route of equal length, the CIDR route wins
/// whatever their order; a route to the gateway through a prefix list whose entries are
/// unknown is said to be unknown.
#[test]
fn route_ties_and_unknown_prefix_lists() {
    let pl = "prefix-list pl-1 name \"eight\" max 1 8.0.0.0/8\n";
    for routes in [
        "8.0.0.0/8 via igw-1\npl-1 via nat-1",
        "pl-1 via nat-1\n8.0.0.0/8 via igw-1",
    ] {
        let text = format!("{pl}{}", model(routes, "", "in tcp 22 from 8.0.0.0/8"));
        let (exposure, message) = one(&text, "SG007");
        assert_eq!(exposure, Exposure::Effective, "{routes}: {message}");
    }
    let text = format!(
        "prefix-list pl-1 name \"unknown\" max 5 family ipv4 unknown\n{}",
        model("pl-1 via igw-1", "", "in tcp 22 from 0.0.0.0/0")
    );
    let (exposure, message) = one(&text, "SG001");
    assert_eq!(exposure, Exposure::Nominal);
    assert!(
        message.contains("whose entries are not in the export"),
        "{message}"
    );
}

/// A broad range (not the world) reaches the interface only from the addresses it
/// admits: routes and NACLs that serve other clients do not make it effective.
#[test]
fn broad_ranges_count_only_the_clients_they_admit() {
    let rule = "in tcp 22 from 8.0.0.0/8";
    let cases = [
        (
            "0.0.0.0/0 via igw-1\n8.0.0.0/8 via nat-1",
            "",
            Exposure::Nominal,
        ),
        (
            "0.0.0.0/0 via igw-1\n9.0.0.0/8 via nat-1",
            "",
            Exposure::Effective,
        ),
        (
            ROUTES,
            "in 100 allow tcp 22 from 9.0.0.0/8\nout 100 allow tcp 1024-65535 to 0.0.0.0/0",
            Exposure::Nominal,
        ),
        (
            ROUTES,
            "in 100 allow tcp 22 from 8.8.0.0/16\nout 100 allow tcp 1024-65535 to 0.0.0.0/0",
            Exposure::Effective,
        ),
    ];
    for (routes, nacl, want) in cases {
        let (exposure, message) = one(&model(routes, nacl, rule), "SG007");
        assert_eq!(exposure, want, "{routes} / {nacl}: {message}");
    }
}

/// A broad piece over several ports pairs each port with its own rules' sources: a
/// NACL letting each port in only from the other rule's range leaves nothing effective.
#[test]
fn broad_sources_pair_with_their_own_ports() {
    let rules = "in tcp 22 from 1.0.0.0/8\nin tcp 23 from 2.0.0.0/8";
    let crossed = "in 100 allow tcp 22 from 2.0.0.0/8\nin 110 allow tcp 23 from 1.0.0.0/8\n\
                   out 100 allow tcp 1024-65535 to 0.0.0.0/0";
    let (exposure, message) = one(&model(ROUTES, crossed, rules), "SG007");
    assert_eq!(exposure, Exposure::Nominal, "{message}");
    let straight = "in 100 allow tcp 22 from 1.0.0.0/8\nout 100 allow tcp 1024-65535 to 0.0.0.0/0";
    let (exposure, message) = one(&model(ROUTES, straight, rules), "SG007");
    assert_eq!(exposure, Exposure::Effective, "{message}");
}

/// Of two equally specific prefix-list routes, the first in the table wins, as in
/// `reach`.
#[test]
fn equal_prefix_list_routes_first_wins() {
    let lists = "prefix-list pl-a name \"a\" max 1 0.0.0.0/1\n\
                 prefix-list pl-b name \"b\" max 1 0.0.0.0/1\n";
    for (routes, want) in [
        ("pl-a via igw-1\npl-b via nat-2", Exposure::Effective),
        ("pl-b via nat-2\npl-a via igw-1", Exposure::Nominal),
    ] {
        let text = format!("{lists}{}", model(routes, "", "in tcp 22 from 0.0.0.0/0"));
        let (exposure, message) = one(&text, "SG001");
        assert_eq!(exposure, want, "{routes}: {message}");
    }
}

/// A catalogue entry over a range of ports open on two of them is two pieces: the
/// ports between are not reported open, and a NACL admitting only a port between does
/// not make either effective.
#[test]
fn catalogue_ranges_with_gaps_are_reported_per_open_run() {
    let text = model(
        ROUTES,
        "in 100 allow tcp 6030 from 0.0.0.0/0\nout 100 allow tcp 1024-65535 to 0.0.0.0/0",
        "in tcp 6000 from 0.0.0.0/0\nin tcp 6063 from 0.0.0.0/0",
    );
    let ingest = ingest_bytes("t.sg", text.as_bytes());
    let mut config = AuditConfig::default();
    config
        .apply_toml(
            "[[risky_ports.port]]\nservice = \"X11\"\nprotocol = \"tcp\"\n\
             ports = \"6000-6063\"\ncategory = \"admin\"\n",
            "sgcheck.toml",
        )
        .unwrap();
    let report = audit(&ingest.topology, &config);
    let got: Vec<_> = (report.findings.iter())
        .filter(|f| f.code == "SG001")
        .map(|f| (f.ports, f.exposure))
        .collect();
    let nominal = Some(Exposure::Nominal);
    assert_eq!(
        got,
        [(Some((6000, 6000)), nominal), (Some((6063, 6063)), nominal)]
    );
}

/// An Elastic IP whose record names the instance, not the interface (a rule-language
/// `eip … instance i-1`, or describe-addresses with `InstanceId` only), is on the
/// instance's primary interface: the exposure is effective, in `reach` too.
#[test]
fn elastic_ips_associated_by_instance_are_on_its_primary_interface() {
    let text = model(ROUTES, "", "in tcp 22 from 0.0.0.0/0").replace(" public 54.1.2.3", "");
    let (exposure, message) = one(&text, "SG001");
    assert_eq!(exposure, Exposure::Nominal, "{message}");
    let dsl = format!("{text}eip 54.1.2.3 eipalloc-1 eipassoc-1 instance i-1 domain vpc\n");
    let (exposure, message) = one(&dsl, "SG001");
    assert_eq!(exposure, Exposure::Effective, "{message}");
    assert!(message.contains("public 54.1.2.3"), "{message}");
    let json = r#"{"Addresses": [{"Domain": "vpc", "InstanceId": "i-1",
        "AssociationId": "eipassoc-1", "AllocationId": "eipalloc-1", "PublicIp": "54.1.2.3"}]}"#;
    let mut reader = sgcheck::ingest::Reader::default();
    reader.add_bytes("t.sg", text.as_bytes(), Default::default());
    reader.add_bytes("addr.json", json.as_bytes(), Default::default());
    let both = reader.finish();
    let report = audit(&both.topology, &AuditConfig::default());
    let f = (report.findings.iter())
        .find(|f| f.code == "SG001" && f.resource == "eni-1")
        .expect("SG001 on eni-1");
    assert_eq!(f.exposure, Some(Exposure::Effective), "{}", f.message);
}

/// A top-level interface without `attached-to`, `index` or `status` is unattached: its
/// exposure is nominal, as `reach` has it; a service's interface (`type
/// network_load_balancer`) or `status in-use` is in service.
#[test]
fn top_level_interfaces_are_unattached_unless_said() {
    let base = model(ROUTES, "", "in tcp 22 from 0.0.0.0/0").replace(" public 54.1.2.3", "");
    for (extra, want) in [
        ("", Exposure::Nominal),
        (" status in-use", Exposure::Effective),
        (" type network_load_balancer", Exposure::Effective),
        // An instance's kind of interface, unattached.
        (" type efa", Exposure::Nominal),
    ] {
        let text = format!(
            "{base}eni eni-2 subnet subnet-pub ip 10.0.1.20 eip 54.1.2.4 eipalloc-2 groups sg-a{extra}\n"
        );
        let found = findings(&text).findings;
        let f = (found.iter())
            .find(|f| f.code == "SG001" && f.resource == "eni-2")
            .expect("SG001 on eni-2");
        assert_eq!(f.exposure, Some(want), "{extra:?}: {}", f.message);
    }
}

/// A route to the gateway that holds no public address does not make the reason "more
/// specific routes": the table has no route for the internet at all.
#[test]
fn gateway_routes_for_non_public_blocks_are_no_internet_route() {
    let text = model("198.51.100.0/24 via igw-1", "", "in tcp 22 from 0.0.0.0/0");
    let (exposure, message) = one(&text, "SG001");
    assert_eq!(exposure, Exposure::Nominal, "{message}");
    assert!(
        message.contains("route table rtb-pub has no 0.0.0.0/0 route"),
        "{message}"
    );
    // The same through a prefix list of private entries, beside 0.0.0.0/0 to a NAT.
    let text = format!(
        "prefix-list pl-corp max 5 family ipv4 10.0.0.0/8, 192.168.0.0/16\n{}",
        model(
            "0.0.0.0/0 via nat-1\npl-corp via igw-1",
            "",
            "in tcp 22 from 0.0.0.0/0"
        )
    );
    let (exposure, message) = one(&text, "SG001");
    assert_eq!(exposure, Exposure::Nominal, "{message}");
    assert!(
        message.contains("0.0.0.0/0 in rtb-pub goes to nat-1, not an internet gateway"),
        "{message}"
    );
}

/// An address record is put on an interface only when it is associated, and never
/// beside the interface that already shows it (a stale record is said, not followed).
#[test]
fn address_records_attach_only_when_associated_and_not_shown_elsewhere() {
    let text = model(ROUTES, "", "in tcp 22 from 0.0.0.0/0").replace(" public 54.1.2.3", "");
    let unassociated = format!("{text}eip 54.1.2.3 eipalloc-1 eni eni-1 domain vpc\n");
    assert_eq!(one(&unassociated, "SG001").0, Exposure::Nominal);
    // eni-2 shows the address; the record says eni-1.
    let stale = format!(
        "{text}eni eni-2 subnet subnet-pub ip 10.0.1.20 eip 54.1.2.3 eipalloc-1 status in-use\n\
         eip 54.1.2.3 eipalloc-1 eipassoc-1 eni eni-1 domain vpc\n"
    );
    let ingest = ingest_bytes("t.sg", stale.as_bytes());
    let warned: Vec<String> = (ingest.diagnostics.iter())
        .map(|d| d.to_string())
        .filter(|d| d.contains("eni-2 shows it"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", ingest.diagnostics);
    assert_eq!(one(&stale, "SG001").0, Exposure::Nominal);
}
