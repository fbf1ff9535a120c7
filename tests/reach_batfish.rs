//! End-to-end answers from Batfish's AWS tests (`../shared/corpus/batfish/EXPECTED.md`,
//! section C), restated as `reach` questions on the same snapshots.
//!
//! Mapping of Batfish dispositions to our answers:
//! - `DENIED_IN` at an instance → `blocked` at `destination-sg-ingress`;
//! - `NULL_ROUTED` / `NO_ROUTE` → `blocked` at `route` (or at `public-address` when the
//!   destination is a public address nothing holds);
//! - `EXITS_NETWORK` toward the internet → `allowed` (the layers beyond the VPC are not
//!   crossed);
//! - `ACCEPTED` → `allowed`.
//!
//! `getAnyFlow` is an arbitrary flow; where it ends in `DENIED_IN` at a group that allows
//! only tcp/22, we ask tcp/80 (and check that tcp/22 passes, so the deny is the group's).
//!
//! The snapshots live in `../shared/corpus` (beside the checkout). When it is missing the
//! tests print a note and pass, except under `CI=true`.

mod support;

use sgcheck::eval::{Answer, Layer, Options, Reach, Verdict};
use sgcheck::ingest::ingest_paths;
use std::path::PathBuf;

fn snapshot(name: &str) -> Option<PathBuf> {
    support::shared_corpus(&format!("batfish/representation-aws/{name}"))
}

/// Answers each `FROM -> TO PORT` question on the snapshot.
fn ask(name: &str, questions: &[&str]) -> Option<Vec<Answer>> {
    let dir = snapshot(name)?;
    let ingest = ingest_paths(&[dir]);
    assert!(!ingest.has_errors(), "{:?}", ingest.diagnostics);
    let reach = Reach::new(
        &ingest.topology,
        Options {
            listening: None,
            explain: true,
        },
    );
    Some(
        questions
            .iter()
            .map(|q| {
                let mut a = reach
                    .answer(&q.parse().unwrap_or_else(|e| panic!("{q}: {e}")))
                    .unwrap_or_else(|e| panic!("{q}: {e}"));
                assert_eq!(a.len(), 1, "{q}");
                a.remove(0)
            })
            .collect(),
    )
}

#[track_caller]
fn blocked_at(a: &Answer, layer: Layer) {
    assert_eq!(
        (a.verdict, a.blocked_at),
        (Verdict::Blocked, Some(layer)),
        "{a:#?}"
    );
}

#[track_caller]
fn allowed(a: &Answer) {
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
}

// AwsConfigurationSubnetTest (test-subnet)

#[test]
fn subnet_instance_to_instance() {
    // testInstanceToInstance: getAnyFlow(INSTANCE_1, INSTANCE_2_IP) => DENIED_IN.
    // Same subnet: no NACL on the path; instance 2's group allows only tcp/22.
    let Some(a) = ask(
        "test-subnet",
        &[
            "i-08ef86e76fceabd8d -> 10.10.1.44 80/tcp",
            "i-08ef86e76fceabd8d -> 10.10.1.44 22/tcp",
        ],
    ) else {
        return;
    };
    blocked_at(&a[0], Layer::DestinationSgIngress);
    let nacl = a[0].layer(Layer::SourceNaclEgress).map(|l| l.result);
    assert_eq!(nacl, Some(sgcheck::eval::Outcome::NotCrossed));
    allowed(&a[1]);
}

#[test]
fn subnet_instance_to_outside_subnet() {
    // testInstanceToOutsideSubnet: getAnyFlow(INSTANCE_1, 10.10.0.1) => NULL_ROUTED.
    // 10.10.0.1 is in the VPC's block but in no subnet: the VPC router drops it.
    let Some(a) = ask("test-subnet", &["i-08ef86e76fceabd8d -> 10.10.0.1 80/tcp"]) else {
        return;
    };
    blocked_at(&a[0], Layer::Route);
}

#[test]
fn subnet_outside_subnet_to_instance() {
    // testOutsideSubnetToInstance: a flow entering at the VPC router to INSTANCE_2_IP =>
    // DENIED_IN. We use a source inside the VPC but outside the subnet (10.10.2.5): the
    // NACL (allow all) passes it and the group drops it.
    let Some(a) = ask("test-subnet", &["10.10.2.5 -> 10.10.1.44 80/tcp"]) else {
        return;
    };
    blocked_at(&a[0], Layer::DestinationSgIngress);
}

// AwsConfigurationPublicSubnetTest (test-public-subnet)

#[test]
fn public_subnet_from_internet() {
    let Some(a) = ask(
        "test-public-subnet",
        &[
            // testFromInternetToValidPublicIp: tcp 8.8.8.8 -> 18.216.80.133:80 => DENIED_IN.
            "8.8.8.8 -> 18.216.80.133 80/tcp",
            // The same address on tcp/22 passes: the deny is the group's.
            "8.8.8.8 -> 18.216.80.133 22/tcp",
            // testFromInternetToInvalidPublicIp: a public IP nothing holds => NULL_ROUTED.
            "internet -> 18.216.80.134 80/tcp",
            // testFromInternetToPrivateIp: getAnyFlow(internet, 10.0.0.91) => NULL_ROUTED.
            "internet -> 10.0.0.91 80/tcp",
        ],
    ) else {
        return;
    };
    blocked_at(&a[0], Layer::DestinationSgIngress);
    allowed(&a[1]);
    blocked_at(&a[2], Layer::PublicAddress);
    blocked_at(&a[3], Layer::Route);
    // (testFromInternetToPrivateIp also sends internet -> 192.18.0.8 => EXITS_NETWORK: a
    // flow that never enters the snapshot, so there is nothing of ours to check.)
}

#[test]
fn public_subnet_to_internet() {
    let Some(a) = ask(
        "test-public-subnet",
        &[
            // testToInternet: getAnyFlow(instance, 8.8.8.8) => EXITS_NETWORK.
            "i-06669a407b2ef3ae5 -> 8.8.8.8 443/tcp",
            // testToInternetInvalidPrivateIp: 10.0.0.92 (no ENI, so no public IP) ->
            // 8.8.8.8:80 => DENIED_IN at the internet gateway.
            "10.0.0.92 -> 8.8.8.8 80/tcp",
        ],
    ) else {
        return;
    };
    allowed(&a[0]);
    blocked_at(&a[1], Layer::PublicAddress);
}

// AwsConfigurationPublicPrivateSubnetTest (test-public-private-subnet)

#[test]
fn public_private_between_subnets() {
    let Some(a) = ask(
        "test-public-private-subnet",
        &[
            // testFromPrivateToPublicSubnet: private -> public's private IP => DENIED_IN.
            "i-099cf38911942421c -> 10.0.0.47 80/tcp",
            // testFromPublicToPrivateSubnet: public -> private's private IP => DENIED_IN.
            "i-094a9e5b545a4fde4 -> 10.0.1.204 80/tcp",
            // testFromPrivateToPublicSubnet: private -> public's public IP => NO_ROUTE.
            "i-099cf38911942421c -> 13.58.55.60 80/tcp",
        ],
    ) else {
        return;
    };
    blocked_at(&a[0], Layer::DestinationSgIngress);
    blocked_at(&a[1], Layer::DestinationSgIngress);
    // The private subnet's default route goes to a VPN gateway, not the internet gateway:
    // Batfish's VGW has no route onward (NO_ROUTE). We do not follow VPN paths, so the
    // route is `unknown` and the answer is not `allowed`.
    assert_eq!(a[2].verdict, Verdict::Unknown, "{:#?}", a[2]);
    assert_eq!(
        a[2].layer(Layer::Route).map(|l| l.result),
        Some(sgcheck::eval::Outcome::Unknown)
    );
}

#[test]
fn public_private_internet() {
    let Some(a) = ask(
        "test-public-private-subnet",
        &[
            // testFromInternet: flowFromInternet (to the public IP) => DENIED_IN.
            "internet -> 13.58.55.60 80/tcp",
            // testFromInternet: getAnyFlow(internet, public's private IP) => NULL_ROUTED.
            "internet -> 10.0.0.47 80/tcp",
            // testToInternet: public instance -> 8.8.8.8 => EXITS_NETWORK.
            "i-094a9e5b545a4fde4 -> 8.8.8.8 80/tcp",
            // testToInternet: private instance -> 8.8.8.8 => NO_ROUTE (VGW; see above).
            "i-099cf38911942421c -> 8.8.8.8 80/tcp",
            // testToSite: public instance -> 19.168.0.0 => EXITS_NETWORK (via the IGW).
            "i-094a9e5b545a4fde4 -> 19.168.0.0 80/tcp",
        ],
    ) else {
        return;
    };
    blocked_at(&a[0], Layer::DestinationSgIngress);
    blocked_at(&a[1], Layer::Route);
    allowed(&a[2]);
    assert_eq!(a[3].verdict, Verdict::Unknown, "{:#?}", a[3]);
    allowed(&a[4]);
    // (testFromVgw starts flows at the VPN gateway, which we do not model.)
}

// AwsConfigurationVpcPeeringTest (test-vpc-peering)

#[test]
fn vpc_peering() {
    let Some(a) = ask(
        "test-vpc-peering",
        &[
            // testFromAtoB / testFromBtoA: getAnyFlow => DENIED_IN (groups allow tcp/22 only).
            "i-06ba034d88c84ef07 -> 192.168.1.106 80/tcp",
            "i-0b14080af811fda3d -> 10.10.10.157 80/tcp",
            // ... and tcp/22 crosses the peering both ways.
            "i-06ba034d88c84ef07 -> 192.168.1.106 22/tcp",
            "i-0b14080af811fda3d -> 10.10.10.157 22/tcp",
            // testFromAtoUnusedSubnet: A -> 192.168.100.1 => NO_ROUTE (A's table has only
            // the two /24s of the peers).
            "i-06ba034d88c84ef07 -> 192.168.100.1 80/tcp",
            // testFromBtoUnusedSubnet: B -> 10.10.100.1 => NULL_ROUTED (over the peering,
            // but no subnet of A's VPC holds it).
            "i-0b14080af811fda3d -> 10.10.100.1 80/tcp",
            // testFromBtoUnusedIp: B -> 10.10.10.11 => NEIGHBOR_UNREACHABLE: delivered to
            // A's subnet, where no interface holds the address.
            "i-0b14080af811fda3d -> 10.10.10.11 80/tcp",
        ],
    ) else {
        return;
    };
    blocked_at(&a[0], Layer::DestinationSgIngress);
    blocked_at(&a[1], Layer::DestinationSgIngress);
    allowed(&a[2]);
    allowed(&a[3]);
    let route = a[2]
        .layer(Layer::Route)
        .map(|l| l.detail.clone())
        .unwrap_or_default();
    assert!(route.contains("pcx-0b89b559e3319d6cf"), "{route}");
    blocked_at(&a[4], Layer::Route);
    blocked_at(&a[5], Layer::Route);
    blocked_at(&a[6], Layer::InstanceState);
}

// AwsConfigurationVpcPeeringCrossAccountTest (test-vpc-peering-multi-account)

#[test]
fn vpc_peering_cross_account() {
    // testFromAtoB / testFromBtoA: tcp/22 => ACCEPTED, across accounts. The snapshot has
    // no network ACLs: AWS's default (allow all) is assumed, as Batfish does.
    let Some(a) = ask(
        "test-vpc-peering-multi-account",
        &[
            "i-07ae69cc808e8804e -> 10.2.1.252 22/tcp",
            "i-066ce0b1efbb5602c -> 10.1.1.100 22/tcp",
        ],
    ) else {
        return;
    };
    allowed(&a[0]);
    allowed(&a[1]);
}
