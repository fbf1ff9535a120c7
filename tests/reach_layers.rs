//! Engine tests, one or more per layer, on small rule-language topologies.

use sgcheck::eval::diagnose::diagnose;
use sgcheck::eval::flows::check;
use sgcheck::eval::{Answer, Layer, Options, Outcome, Reach, Symptom, Verdict};
use sgcheck::ingest::ingest_bytes;
use sgcheck::net::PortRange;

/// Two VPCs: `vpc-a` (public and private subnets, IGW, a NACL with an ephemeral gap) and
/// `vpc-b` peered with it.
const NET: &str = r#"
vpc vpc-a cidr 10.0.0.0/16, 2001:db8:a::/56
vpc vpc-b cidr 10.1.0.0/16
igw igw-a vpc vpc-a
subnet sub-pub  vpc vpc-a cidr 10.0.1.0/24 ipv6 2001:db8:a:1::/64
subnet sub-priv vpc vpc-a cidr 10.0.2.0/24
subnet sub-nacl vpc vpc-a cidr 10.0.3.0/24
subnet sub-b    vpc vpc-b cidr 10.1.1.0/24

route-table rt-pub vpc vpc-a subnets sub-pub, sub-nacl
  route 10.0.0.0/16 via local
  route 0.0.0.0/0 via igw-a
  route ::/0 via igw-a
  route 10.1.0.0/16 via pcx-ab
route-table rt-priv vpc vpc-a main
  route 10.0.0.0/16 via local
  route 0.0.0.0/0 via nat-a
  route 10.9.0.0/16 via igw-a blackhole
route-table rt-b vpc vpc-b main
  route 10.1.0.0/16 via local
  route 10.0.1.0/24 via pcx-ab

nacl acl-default vpc vpc-a default
  in  100 allow all from 0.0.0.0/0
  out 100 allow all to 0.0.0.0/0
  in  101 allow all from ::/0
  out 101 allow all to ::/0
nacl acl-gap vpc vpc-a subnets sub-nacl
  in  90  deny  tcp 22 from 203.0.113.0/24
  in  100 allow tcp 22 from 0.0.0.0/0
  in  110 allow tcp 443 from 0.0.0.0/0
  out 50  allow tcp 1024-65535 to 192.0.2.0/24
  out 100 allow tcp 32768-65535 to 0.0.0.0/0

group sg-web vpc vpc-a
  in tcp 443 from 0.0.0.0/0, ::/0
  in tcp 22 from 10.0.0.0/16
  in tcp 8080 from sg-app
  out all to 0.0.0.0/0
  out all to ::/0
group sg-app vpc vpc-a
  in tcp 9000 from sg-app
  out all to 0.0.0.0/0
group sg-closed vpc vpc-a
  in tcp 22 from 198.51.100.0/24
group sg-gap vpc vpc-a
  in tcp 22, 443 from 0.0.0.0/0
  out all to 0.0.0.0/0
group sg-b vpc vpc-b
  in tcp 22 from 10.0.0.0/16
  out all to 0.0.0.0/0

instance i-web state running
  eni eni-web subnet sub-pub ip 10.0.1.10 public 54.0.0.10 ipv6 2001:db8:a:1::10 groups sg-web index 0
  listen tcp 443
instance i-web2 state running
  eni eni-web2 subnet sub-pub ip 10.0.1.11 eip 54.0.0.11 groups sg-web, sg-app index 0
instance i-app state running
  eni eni-app subnet sub-priv ip 10.0.2.10 groups sg-app index 0
instance i-app2 state running
  eni eni-app2 subnet sub-priv ip 10.0.2.11 groups sg-app index 0
instance i-stopped state stopped
  eni eni-stopped subnet sub-pub ip 10.0.1.20 public 54.0.0.20 groups sg-web index 0
instance i-gap state running
  eni eni-gap subnet sub-nacl ip 10.0.3.10 public 54.0.0.30 groups sg-gap index 0
instance i-closed state running
  eni eni-closed subnet sub-pub ip 10.0.1.30 public 54.0.0.31 groups sg-closed index 0
instance i-b state running
  eni eni-b subnet sub-b ip 10.1.1.10 groups sg-b index 0
"#;

/// Options with explanations and no `--listening`.
const EXPLAIN: Options = Options {
    listening: None,
    explain: true,
};

fn ask_with(text: &str, q: &str, listening: Option<Vec<PortRange>>) -> Answer {
    let ingest = ingest_bytes("net.sg", text.as_bytes());
    assert!(!ingest.has_errors(), "{:?}", ingest.diagnostics);
    let reach = Reach::new(
        &ingest.topology,
        Options {
            listening,
            explain: true,
        },
    );
    let mut a = reach.answer(&q.parse().expect("question")).expect("answer");
    assert_eq!(a.len(), 1);
    a.remove(0)
}

fn ask(q: &str) -> Answer {
    ask_with(NET, q, None)
}

fn result(a: &Answer, l: Layer) -> Outcome {
    a.layer(l).map(|x| x.result).expect("layer present")
}

fn detail(a: &Answer, l: Layer) -> String {
    a.layer(l).map(|x| x.detail.clone()).unwrap_or_default()
}

#[test]
fn every_answer_has_the_nine_layers_in_order() {
    let a = ask("internet -> i-web 443/tcp");
    let names: Vec<&str> = a.layers.iter().map(|l| l.layer.name()).collect();
    assert_eq!(
        names,
        [
            "instance-state",
            "public-address",
            "route",
            "source-sg-egress",
            "source-nacl-egress",
            "destination-nacl-ingress",
            "destination-sg-ingress",
            "return-nacl",
            "listener"
        ]
    );
    assert_eq!(
        (a.verdict, a.symptom),
        (Verdict::Allowed, Symptom::Connects)
    );
    // The decisive group rule is quoted with its origin.
    let sg = a.layer(Layer::DestinationSgIngress).expect("layer");
    assert!(
        sg.rules
            .iter()
            .any(|r| r.rule == "in tcp 443 from 0.0.0.0/0" && r.origin.is_some())
    );
}

#[test]
fn instance_state_stopped_is_a_timeout() {
    let a = ask("i-web -> 10.0.1.20 443/tcp");
    assert_eq!(a.blocked_at, Some(Layer::InstanceState));
    assert_eq!(a.symptom, Symptom::Timeout);
    assert!(detail(&a, Layer::InstanceState).contains("stopped"));
}

#[test]
fn public_address_released_on_stop_and_missing() {
    // The auto-assigned public IP of a stopped instance is released.
    let a = ask("internet -> 54.0.0.20 443/tcp");
    assert!(a.blocks.contains(&Layer::PublicAddress), "{a:#?}");
    // No public address at all.
    let a = ask("internet -> i-app 443/tcp");
    assert_eq!(a.blocked_at, Some(Layer::PublicAddress));
}

/// An `eip` written without its allocation id is still an Elastic IP: kept while the
/// instance is stopped (the instance state blocks, not the address).
#[test]
fn an_eip_without_allocation_id_survives_a_stop() {
    let text = NET.replace(
        "ip 10.0.1.20 public 54.0.0.20 groups sg-web index 0",
        "ip 10.0.1.20 eip 54.0.0.20 groups sg-web index 0",
    );
    let a = ask_with(&text, "internet -> 54.0.0.20 443/tcp", None);
    assert_eq!(result(&a, Layer::PublicAddress), Outcome::Allow, "{a:#?}");
    assert!(detail(&a, Layer::PublicAddress).contains("Elastic IP"));
    assert_eq!(a.blocked_at, Some(Layer::InstanceState));
}

/// Toward the internet: a private destination is not routed there; a source leaves as
/// the public address of the private address it sends from, not another one's; a route
/// through a prefix list of entries not in the input may decide instead.
#[test]
fn internet_routes_need_public_addresses_and_known_lists() {
    let a = ask("i-web -> 10.99.0.5 443/tcp");
    assert_eq!(a.blocked_at, Some(Layer::Route), "{a:#?}");
    assert!(detail(&a, Layer::Route).contains("not a public address"));
    assert_eq!(ask("i-web -> 8.8.8.8 443/tcp").verdict, Verdict::Allowed);
    let text = format!(
        "{NET}instance i-second state running\n  \
         eni eni-second subnet sub-pub ip 10.0.1.40, 10.0.1.41 eip 54.0.0.41 groups sg-web index 0\n"
    );
    let a = ask_with(&text, "i-second -> 8.8.8.8 443/tcp", None);
    assert_eq!(result(&a, Layer::PublicAddress), Outcome::Deny, "{a:#?}");
    let text = NET.replace(
        "route-table rt-pub vpc vpc-a subnets sub-pub, sub-nacl\n",
        "prefix-list pl-s3 unknown\n\
             route-table rt-pub vpc vpc-a subnets sub-pub, sub-nacl\n  route pl-s3 via vpce-1\n",
    );
    let a = ask_with(&text, "i-web -> 52.216.10.10 443/tcp", None);
    assert_eq!(result(&a, Layer::Route), Outcome::Unknown, "{a:#?}");
    assert!(detail(&a, Layer::Route).contains("pl-s3 via vpce-1"));
}

/// The Route 53 Resolver (VPC+2 and 169.254.169.253), the metadata service and the
/// time sync service are not filtered by groups or NACLs: `sg-closed` has no outbound
/// rule, yet DNS and the metadata service answer; another address does not.
#[test]
fn resolver_and_metadata_are_not_filtered() {
    for q in [
        "i-closed -> 10.0.0.2 53/udp",
        "i-closed -> 169.254.169.253 53/tcp",
        "i-closed -> 169.254.169.254 80/tcp",
        "i-closed -> 169.254.169.123 123/udp",
    ] {
        let a = ask(q);
        assert_eq!(a.verdict, Verdict::Allowed, "{q}: {a:#?}");
        assert_eq!(
            result(&a, Layer::SourceSgEgress),
            Outcome::NotCrossed,
            "{q}"
        );
    }
    assert_ne!(
        ask("i-closed -> 169.254.169.254 22/tcp").verdict,
        Verdict::Allowed
    );
    let a = ask("i-closed -> 10.0.0.5 53/udp");
    assert_eq!(result(&a, Layer::SourceSgEgress), Outcome::Deny, "{a:#?}");
}

#[test]
fn hairpin_sees_the_public_source_and_group_references_do_not_match() {
    // i-web2 (sg-app) -> i-web's private IP on 8080: the reference sg-app matches.
    let a = ask("i-web2 -> 10.0.1.10 8080/tcp");
    assert_eq!(
        result(&a, Layer::DestinationSgIngress),
        Outcome::Allow,
        "{a:#?}"
    );
    // (i-web declares `listen tcp 443` only, so the client is refused.)
    assert_eq!(
        (a.blocked_at, a.symptom),
        (Some(Layer::Listener), Symptom::Refused)
    );
    // The same to i-web's public IP hairpins through the IGW with source 54.0.0.11: the
    // reference matches private addresses only.
    let a = ask("i-web2 -> 54.0.0.10 8080/tcp");
    assert_eq!(a.blocked_at, Some(Layer::DestinationSgIngress), "{a:#?}");
    assert!(detail(&a, Layer::DestinationSgIngress).contains("54.0.0.11"));
    assert!(detail(&a, Layer::PublicAddress).contains("54.0.0.11"));
    // Same subnet, yet the hairpin crosses the NACLs (the default NACL allows).
    assert_eq!(result(&a, Layer::SourceNaclEgress), Outcome::Allow);
}

#[test]
fn route_reply_via_nat_is_lost_for_internet_clients() {
    // sub-priv's default route is a NAT gateway: give i-app a public IP and the reply
    // still leaves through the NAT, so the client times out.
    let text = NET
        .replace(
            "ip 10.0.2.10 groups",
            "ip 10.0.2.10 public 54.0.0.40 groups",
        )
        .replace(
            "in tcp 9000 from sg-app",
            "in tcp 9000 from sg-app\n  in tcp 443 from 0.0.0.0/0",
        );
    let a = ask_with(&text, "internet -> i-app 443/tcp", None);
    assert_eq!(a.blocked_at, Some(Layer::Route), "{a:#?}");
    assert!(detail(&a, Layer::Route).contains("nat-a"));
}

#[test]
fn route_peering_both_sides_and_missing_return() {
    let a = ask("i-web -> i-b 22/tcp");
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    // From the private subnet, vpc-b is only covered by the default route to the NAT
    // gateway: what happens beyond it is not in the input.
    let a = ask("i-app -> i-b 22/tcp");
    assert_eq!(a.verdict, Verdict::Unknown, "{a:#?}");
    assert_eq!(result(&a, Layer::Route), Outcome::Unknown);
    // vpc-b routes only 10.0.1.0/24 back: drop that and the reply has no route.
    let text = NET.replace("  route 10.0.1.0/24 via pcx-ab\n", "");
    let a = ask_with(&text, "i-web -> i-b 22/tcp", None);
    assert_eq!(a.blocked_at, Some(Layer::Route), "{a:#?}");
    assert!(detail(&a, Layer::Route).contains("reply"));
}

#[test]
fn route_blackhole_and_no_route() {
    let a = ask("i-app -> 10.9.0.5 443/tcp");
    assert_eq!(a.blocked_at, Some(Layer::Route));
    assert!(detail(&a, Layer::Route).contains("blackhole"));
    let a = ask("i-b -> 8.8.8.8 443/tcp");
    assert_eq!(a.blocked_at, Some(Layer::Route));
    // Out through the NAT gateway to the internet.
    let a = ask("i-app -> 8.8.8.8 443/tcp");
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
}

#[test]
fn source_sg_egress_and_the_nearest_rule() {
    // sg-closed has no egress rule at all.
    let a = ask("i-closed -> i-web 443/tcp");
    assert_eq!(a.blocked_at, Some(Layer::SourceSgEgress));
    // Right port, wrong source: sg-closed allows 22 from 198.51.100.0/24 only.
    let a = ask("i-web -> i-closed 22/tcp");
    assert_eq!(a.blocked_at, Some(Layer::DestinationSgIngress));
    let d = detail(&a, Layer::DestinationSgIngress);
    assert!(d.contains("right port, wrong source"), "{d}");
    assert_eq!(
        a.layer(Layer::DestinationSgIngress)
            .map(|l| l.rules[0].rule.clone()),
        Some("in tcp 22 from 198.51.100.0/24".to_string())
    );
}

/// The nearest rule's reason is true: an `icmp` rule matches IPv4 only, whatever its
/// peer holds.
#[test]
fn the_nearest_rule_says_why_an_icmp_rule_misses_ipv6() {
    let text = format!(
        "{NET}group sg-ping vpc vpc-a\n  in icmp 8 from sg-web\n  out all to ::/0\n\
         instance i-ping state running\n  \
         eni eni-ping subnet sub-pub ip 10.0.1.50 ipv6 2001:db8:a:1::50 groups sg-ping index 0\n"
    );
    let a = ask_with(&text, "i-web -> 2001:db8:a:1::50 8/icmp", None);
    assert_eq!(a.blocked_at, Some(Layer::DestinationSgIngress), "{a:#?}");
    let d = detail(&a, Layer::DestinationSgIngress);
    assert!(d.contains("icmp rules match IPv4 only"), "{d}");
}

/// An IPv6-only instance asks about the internet over IPv6.
#[test]
fn an_ipv6_only_source_reaches_the_internet_over_ipv6() {
    let text = format!(
        "{NET}instance i-v6 state running\n  \
         eni eni-v6 subnet sub-pub ipv6 2001:db8:a:1::60 groups sg-web index 0\n"
    );
    let a = ask_with(&text, "i-v6 -> internet 443/tcp", None);
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    assert!(a.to.contains("2001:db8:ffff:ffff::9"), "{}", a.to);
}

#[test]
fn nacls_first_match_and_same_subnet_not_crossed() {
    // Rule 90 denies 203.0.113.0/24 before rule 100 allows everyone.
    let a = ask("203.0.113.9 -> 54.0.0.30 22/tcp");
    assert_eq!(a.blocked_at, Some(Layer::DestinationNaclIngress), "{a:#?}");
    let d = detail(&a, Layer::DestinationNaclIngress);
    assert!(d.contains("rule 90") && d.contains("rule 100"), "{d}");
    // Same subnet: NACLs are not crossed.
    let a = ask("i-app -> i-app2 9000/tcp");
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    for l in [
        Layer::SourceNaclEgress,
        Layer::DestinationNaclIngress,
        Layer::ReturnNacl,
    ] {
        assert_eq!(result(&a, l), Outcome::NotCrossed);
    }
}

#[test]
fn return_nacl_reports_failing_ephemeral_sub_ranges() {
    // acl-gap lets replies out only to 32768-65535: 1024-32767 fails.
    let a = ask("internet -> i-gap 443/tcp");
    assert_eq!(a.blocked_at, Some(Layer::ReturnNacl), "{a:#?}");
    assert_eq!(a.symptom, Symptom::Timeout);
    let d = detail(&a, Layer::ReturnNacl);
    assert!(
        d.contains("1024-32767") && d.contains("passes 32768-65535"),
        "{d}"
    );
}

#[test]
fn listener_refused_and_connects() {
    // i-web declares listen tcp 443 only: 22 from inside the VPC is refused.
    let a = ask("i-app -> i-web 22/tcp");
    assert_eq!(
        (a.blocked_at, a.symptom),
        (Some(Layer::Listener), Symptom::Refused),
        "{a:#?}"
    );
    // No listeners declared: connects.
    let a = ask("i-web -> i-b 22/tcp");
    assert_eq!(a.symptom, Symptom::Connects);
    // --listening overrides.
    let a = ask_with(
        NET,
        "i-app -> i-web 22/tcp",
        Some(vec![PortRange::single(22)]),
    );
    assert_eq!(a.verdict, Verdict::Allowed);
}

#[test]
fn a_dropped_rst_is_a_timeout() {
    // Nothing listens on 22 at i-gap... but the reply NACL drops 1024-32767 as well.
    let text = NET.replace(
        "ip 10.0.3.10 public 54.0.0.30 groups sg-gap index 0",
        "ip 10.0.3.10 public 54.0.0.30 groups sg-gap index 0\n  listen tcp 8443",
    );
    let a = ask_with(&text, "internet -> i-gap 443/tcp", None);
    assert_eq!(a.symptom, Symptom::Timeout);
    assert!(a.blocks.contains(&Layer::Listener) && a.blocks.contains(&Layer::ReturnNacl));
}

#[test]
fn ipv6_from_the_internet_needs_no_nat() {
    let a = ask("2001:db8:ffff::9 -> i-web 443/tcp");
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    assert!(a.to.contains("2001:db8:a:1::10"));
    // The group has 443 from ::/0 only for IPv6; 22 is not open.
    let a = ask("2001:db8:ffff::9 -> i-web 22/tcp");
    assert_eq!(a.blocked_at, Some(Layer::DestinationSgIngress));
}

#[test]
fn cidr_endpoints_are_partial() {
    let ingest = ingest_bytes("net.sg", NET.as_bytes());
    let reach = Reach::new(&ingest.topology, EXPLAIN);
    let a = reach
        .answer(&"192.0.2.0/23 -> 54.0.0.30 22/tcp".parse().expect("q"))
        .expect("answer");
    assert_eq!(a[0].verdict, Verdict::Partial, "{:#?}", a[0]);
    let blocked: Vec<&str> = a[0]
        .ranges
        .iter()
        .filter(|r| r.verdict == Verdict::Blocked)
        .map(|r| r.from.as_str())
        .collect();
    assert_eq!(blocked, ["192.0.3.0-192.0.3.255"]);
}

#[test]
fn unknown_references_keep_the_verdict_honest() {
    let text = NET.replace(
        "in tcp 9000 from sg-app",
        "in tcp 9000 from 999999999999/sg-gone",
    );
    let a = ask_with(&text, "i-web -> i-app 9000/tcp", None);
    assert_eq!(a.verdict, Verdict::Unknown, "{a:#?}");
    assert_eq!(result(&a, Layer::DestinationSgIngress), Outcome::Unknown);
}

/// A block none of whose addresses surely passes is not partial: `i-a` (no egress on
/// 22) is blocked, the other addresses of the block hold no interface (unknown).
#[test]
fn a_block_with_nothing_passing_is_not_partial() {
    let text = "vpc vpc-1 cidr 10.0.0.0/16\n\
        subnet subnet-a vpc vpc-1 cidr 10.0.1.0/24\n\
        subnet subnet-b vpc vpc-1 cidr 10.0.2.0/24\n\
        route-table rtb-1 vpc vpc-1 main\n  route 10.0.0.0/16 via local\n\
        group sg-a vpc vpc-1\n  out tcp 443 to 0.0.0.0/0\n\
        group sg-b vpc vpc-1\n  in tcp 22 from 10.0.0.0/16\n\
        instance i-a state running\n  eni eni-a subnet subnet-a ip 10.0.1.10 groups sg-a index 0\n\
        instance i-b state running\n  eni eni-b subnet subnet-b ip 10.0.2.10 groups sg-b index 0\n";
    let ingest = ingest_bytes("block.sg", text.as_bytes());
    assert!(!ingest.has_errors(), "{:?}", ingest.diagnostics);
    let reach = Reach::new(&ingest.topology, EXPLAIN);
    let a = reach
        .answer(&"10.0.1.8/30 -> i-b 22/tcp".parse().expect("q"))
        .expect("answer");
    let got: Vec<Verdict> = a[0].ranges.iter().map(|r| r.verdict).collect();
    assert_eq!(
        got,
        [Verdict::Unknown, Verdict::Blocked, Verdict::Unknown],
        "{:#?}",
        a[0]
    );
    assert_eq!(a[0].verdict, Verdict::Unknown);
}

/// An instance asking for its own private address is looped back by its kernel: no
/// group or NACL, only the listener (`sg-closed` allows no egress at all).
#[test]
fn an_instance_reaches_its_own_address_through_loopback() {
    let a = ask("i-closed -> i-closed 443/tcp");
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    assert_eq!(result(&a, Layer::SourceSgEgress), Outcome::NotCrossed);
    assert_eq!(detail(&a, Layer::InstanceState), "i-closed is running");
    // Through its public address the packet leaves and comes back: filtered.
    assert_ne!(
        ask("i-closed -> 54.0.0.31 443/tcp").verdict,
        Verdict::Allowed
    );
}

#[test]
fn group_endpoints_answer_per_member() {
    let ingest = ingest_bytes("net.sg", NET.as_bytes());
    let reach = Reach::new(&ingest.topology, EXPLAIN);
    let a = reach
        .answer(&"sg-app -> i-app 9000/tcp".parse().expect("q"))
        .expect("a");
    assert_eq!(a.len(), 3);
    assert!(
        reach
            .answer(&"sg-nobody -> i-app 1/tcp".parse().expect("q"))
            .is_err()
    );
}

#[test]
fn diagnose_timeout_refused_and_disagreement() {
    let ingest = ingest_bytes("net.sg", NET.as_bytes());
    let reach = Reach::new(&ingest.topology, EXPLAIN);
    let one = |q: &str| reach.answer(&q.parse().expect("q")).expect("a").remove(0);
    // Timeout, and the model agrees: the return NACL is to blame.
    let d = diagnose(&reach, &one("internet -> i-gap 443/tcp"), Symptom::Timeout);
    assert!(d.consistent);
    assert_eq!(d.blame[0].layer, Some(Layer::ReturnNacl));
    // The public IP is auto-assigned: a stale address is a suspect outside the model.
    assert!(
        d.outside.iter().any(|o| o.contains("auto-assigned")),
        "{:?}",
        d.outside
    );
    // Refused while the model says the path is blocked: data and reality disagree.
    let d = diagnose(
        &reach,
        &one("internet -> i-closed 443/tcp"),
        Symptom::Refused,
    );
    assert!(!d.consistent);
    assert!(d.summary.contains("disagree"));
    assert_eq!(d.blame[0].layer, Some(Layer::DestinationSgIngress));
    // Refused, and nothing listens on 22.
    let d = diagnose(&reach, &one("i-app -> i-web 22/tcp"), Symptom::Refused);
    assert!(d.consistent);
    assert_eq!(d.blame[0].layer, Some(Layer::Listener));
    // Timeout on an open path: outside the model.
    let d = diagnose(&reach, &one("i-web -> i-b 22/tcp"), Symptom::Timeout);
    assert!(!d.consistent);
    assert!(d.outside.iter().any(|o| o.contains("firewall")));
}

/// A return NACL that drops the reply to some client ports only explains both a refusal
/// (the client's ephemeral port is in the passing range) and a timeout (it is not).
#[test]
fn diagnose_a_return_nacl_that_drops_some_ephemeral_ports() {
    // acl-gap lets replies out to 32768-65535 only; nothing listens on 443 at i-gap.
    let text = NET.replace(
        "ip 10.0.3.10 public 54.0.0.30 groups sg-gap index 0",
        "ip 10.0.3.10 public 54.0.0.30 groups sg-gap index 0\n  listen tcp 8443",
    );
    let ingest = ingest_bytes("net.sg", text.as_bytes());
    let reach = Reach::new(&ingest.topology, EXPLAIN);
    let one = |q: &str| reach.answer(&q.parse().expect("q")).expect("a").remove(0);
    let a = one("internet -> i-gap 443/tcp");
    assert_eq!(a.reply_ports, [PortRange::new(32768, 65535)], "{a:#?}");
    let d = diagnose(&reach, &a, Symptom::Refused);
    assert!(d.consistent, "{d:#?}");
    assert_eq!(d.blame.len(), 1);
    assert_eq!(d.blame[0].layer, Some(Layer::Listener));
    assert!(
        d.summary.contains("ephemeral port is in 32768-65535")
            && d.summary.contains("all of Linux's default 32768-60999")
            && d.summary.contains("all of Windows' 49152-65535")
            && d.summary.contains("1024-32767 times out"),
        "{}",
        d.summary
    );
    let d = diagnose(&reach, &a, Symptom::Timeout);
    assert!(d.consistent);
    assert_eq!(d.blame[0].layer, Some(Layer::ReturnNacl));
    assert!(
        d.summary.contains("ephemeral port is in 1024-32767"),
        "{}",
        d.summary
    );
    // No listener declared: the reset comes from the host, for the same clients.
    let d = diagnose(&reach, &one("internet -> i-gap 22/tcp"), Symptom::Refused);
    assert!(d.consistent, "{d:#?}");
    assert!(d.summary.contains("32768-65535"), "{}", d.summary);

    // Both ends' NACLs drop part of the range: only ports both let through count.
    let pair = |client_in: &str| {
        format!(
            "vpc vpc-1 cidr 10.0.0.0/16\n\
             subnet sub-c vpc vpc-1 cidr 10.0.1.0/24\n\
             subnet sub-s vpc vpc-1 cidr 10.0.2.0/24\n\
             nacl acl-c vpc vpc-1 subnets sub-c\n  out 100 allow all to 0.0.0.0/0\n  \
             in 100 allow tcp {client_in} from 0.0.0.0/0\n\
             nacl acl-s vpc vpc-1 subnets sub-s\n  in 100 allow all from 0.0.0.0/0\n  \
             out 100 allow tcp 32768-65535 to 0.0.0.0/0\n\
             group sg-1 vpc vpc-1\n  in tcp 443 from 10.0.0.0/16\n  out all to 0.0.0.0/0\n\
             instance i-c state running\n  eni eni-c subnet sub-c ip 10.0.1.10 groups sg-1 index 0\n\
             instance i-s state running\n  eni eni-s subnet sub-s ip 10.0.2.10 groups sg-1 index 0\n  \
             listen tcp 80\n"
        )
    };
    for (client_in, passes, consistent) in [
        ("1024-40000", Some(PortRange::new(32768, 40000)), true),
        ("1024-32767", None, false),
    ] {
        let text = pair(client_in);
        let ingest = ingest_bytes("pair.sg", text.as_bytes());
        assert!(!ingest.has_errors(), "{:?}", ingest.diagnostics);
        let reach = Reach::new(&ingest.topology, EXPLAIN);
        let a = reach
            .answer(&"i-c -> i-s 443/tcp".parse().expect("q"))
            .expect("a")
            .remove(0);
        assert_eq!(a.reply_ports, Vec::from_iter(passes), "{client_in}: {a:#?}");
        let d = diagnose(&reach, &a, Symptom::Refused);
        assert_eq!(d.consistent, consistent, "{client_in}: {d:#?}");
        if consistent {
            assert!(
                d.summary.contains("part of Linux's default")
                    && d.summary.contains("none of Windows'"),
                "{}",
                d.summary
            );
        } else {
            assert_eq!(d.blame[0].layer, Some(Layer::ReturnNacl));
        }
        assert!(diagnose(&reach, &a, Symptom::Timeout).consistent);
    }
}

/// The stale-address suspect names the public IP the client dialled, compared exactly:
/// an Elastic IP 54.0.0.40 is not the auto-assigned 54.0.0.4 beside it, and eni-gap1 is
/// not eni-gap10.
#[test]
fn diagnose_names_only_the_auto_assigned_ip_that_was_dialled() {
    let text = format!(
        "{NET}\
         instance i-two state running\n  \
         eni eni-two subnet sub-pub ip 10.0.1.40 eip 54.0.0.40 eipalloc-2, 10.0.1.41 public 54.0.0.4 groups sg-web index 0\n\
         instance i-one state running\n  \
         eni eni-gap1 subnet sub-pub ip 10.0.1.50 public 54.0.0.5 groups sg-web index 0\n\
         instance i-ten state running\n  \
         eni eni-gap10 subnet sub-pub ip 10.0.1.51 eip 54.0.0.50 eipalloc-3 groups sg-web index 0\n"
    );
    let ingest = ingest_bytes("net.sg", text.as_bytes());
    assert!(!ingest.has_errors(), "{:?}", ingest.diagnostics);
    let reach = Reach::new(&ingest.topology, EXPLAIN);
    let stale = |q: &str| {
        let a = reach.answer(&q.parse().expect("q")).expect("a").remove(0);
        let d = diagnose(&reach, &a, Symptom::Timeout);
        (d.outside.into_iter())
            .filter(|o| o.contains("auto-assigned"))
            .collect::<Vec<_>>()
    };
    // Dialled at the Elastic IP: nothing to go stale.
    assert_eq!(stale("internet -> i-two 443/tcp"), Vec::<String>::new());
    assert_eq!(stale("internet -> 54.0.0.40 443/tcp"), Vec::<String>::new());
    assert_eq!(stale("internet -> i-ten 443/tcp"), Vec::<String>::new());
    // Dialled at the auto-assigned address: it is the suspect.
    let s = stale("internet -> 54.0.0.4 443/tcp");
    assert_eq!(s.len(), 1);
    assert!(
        s[0].starts_with("54.0.0.4 is an auto-assigned public IP of eni-two"),
        "{s:?}"
    );
    let s = stale("internet -> i-one 443/tcp");
    assert!(
        s.len() == 1 && s[0].starts_with("54.0.0.5 is an auto-assigned public IP of eni-gap1:")
    );
}

#[test]
fn expectations_pass_and_fail() {
    let text = format!(
        "{NET}\nexpect allow internet -> i-web 443/tcp\nexpect deny internet -> i-web 443/tcp\nexpect allow i-nope -> i-web 443/tcp\n"
    );
    let ingest = ingest_bytes("net.sg", text.as_bytes());
    let reach = Reach::new(&ingest.topology, EXPLAIN);
    let c: Vec<_> = ingest
        .topology
        .expectations
        .iter()
        .map(|e| check(&reach, e))
        .collect();
    assert!(c[0].passed);
    assert!(!c[1].passed);
    assert!(!c[2].passed && c[2].error.is_some());
}

/// Of a CIDR route and a prefix list's route of equal length, the CIDR route wins,
/// whatever their order in the table.
#[test]
fn a_cidr_route_wins_over_an_equal_prefix_list_route() {
    for routes in [
        "  route 8.0.0.0/8 via igw-1\n  route pl-1 via nat-1\n",
        "  route pl-1 via nat-1\n  route 8.0.0.0/8 via igw-1\n",
    ] {
        let text = format!(
            "prefix-list pl-1 name \"eight\" max 1 8.0.0.0/8\n\
             vpc vpc-1 cidr 10.0.0.0/16\nigw igw-1 vpc vpc-1\n\
             subnet subnet-pub vpc vpc-1 cidr 10.0.1.0/24 az us-east-1a\n\
             route-table rtb-pub vpc vpc-1 subnets subnet-pub\n  route 10.0.0.0/16 via local\n\
             {routes}group sg-a vpc vpc-1\n  in tcp 22 from 8.0.0.0/8\n\
             instance i-1 state running subnet subnet-pub az us-east-1a\n  \
             eni eni-1 subnet subnet-pub ip 10.0.1.10 public 54.1.2.3 groups sg-a index 0\n"
        );
        let a = ask_with(&text, "8.8.8.8 -> i-1 22/tcp", None);
        assert_eq!(result(&a, Layer::Route), Outcome::Allow, "{routes}{a:?}");
    }
}
