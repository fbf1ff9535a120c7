//! Unit tests for the AWS JSON ingest: sections, wrappers, lenient cases, bad values and
//! their JSON paths, invalid JSON positions, and merging.

use super::*;
use crate::model::{
    InstanceState, Location, NaclAction, Peer, RouteDestination, RouteTarget, Severity, UserKind,
};
use crate::net::{Direction, IcmpMatch, L4, PortRange, Protocol};

fn file() -> Arc<str> {
    Arc::from("t.json")
}

fn read_ok(json: &str) -> AwsDoc {
    match read(&file(), json.as_bytes(), &Scope::default()) {
        Ok(doc) => doc,
        Err(d) => panic!("unexpected failure: {d}"),
    }
}

fn paths(doc: &AwsDoc, sev: Severity) -> Vec<String> {
    doc.diagnostics
        .iter()
        .filter(|d| d.severity == sev)
        .map(|d| match d.origin.as_ref().map(|o| &o.location) {
            Some(Location::JsonPath { path }) => path.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

/// One security group with one ingress permission, as JSON.
fn sg_with(perm: &str) -> String {
    format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","OwnerId":"111122223333",
        "IpPermissions":[{perm}],"IpPermissionsEgress":[]}}]}}"#
    )
}

fn only_rule(doc: &AwsDoc) -> &crate::model::Rule {
    let g = &doc.topology.security_groups[0];
    assert_eq!(g.ingress.len(), 1, "{:?}", doc.diagnostics);
    &g.ingress[0]
}

#[test]
fn security_group_l4_table() {
    let ports = |lo, hi| L4::Ports(PortRange::new(lo, hi));
    // (permission, protocol, l4, warnings)
    let cases: &[(&str, Protocol, L4, usize)] = &[
        (
            r#""IpProtocol":"tcp","FromPort":22,"ToPort":22"#,
            Protocol::Tcp,
            ports(22, 22),
            0,
        ),
        (
            r#""IpProtocol":"6","FromPort":0,"ToPort":65535"#,
            Protocol::Tcp,
            ports(0, 65535),
            0,
        ),
        (
            r#""IpProtocol":"UDP","FromPort":53,"ToPort":53"#,
            Protocol::Udp,
            ports(53, 53),
            0,
        ),
        (r#""IpProtocol":"-1""#, Protocol::All, L4::Any, 0),
        (
            r#""IpProtocol":"-1","FromPort":-1,"ToPort":-1"#,
            Protocol::All,
            L4::Any,
            0,
        ),
        (
            r#""IpProtocol":"50","FromPort":500,"ToPort":500"#,
            Protocol::Number(50),
            L4::Any,
            1,
        ),
        (
            r#""IpProtocol":"-1","FromPort":80,"ToPort":80"#,
            Protocol::All,
            L4::Any,
            1,
        ),
        // Batfish: -1 / missing FromPort is 0, -1 / missing ToPort is 65535.
        (
            r#""IpProtocol":"tcp","FromPort":-1,"ToPort":50"#,
            Protocol::Tcp,
            ports(0, 50),
            1,
        ),
        (
            r#""IpProtocol":"tcp","FromPort":30,"ToPort":-1"#,
            Protocol::Tcp,
            ports(30, 65535),
            1,
        ),
        (r#""IpProtocol":"tcp""#, Protocol::Tcp, ports(0, 65535), 2),
        (
            r#""IpProtocol":"tcp","FromPort":-1,"ToPort":-1"#,
            Protocol::Tcp,
            ports(0, 65535),
            2,
        ),
        (
            r#""IpProtocol":"icmp","FromPort":8,"ToPort":-1"#,
            Protocol::Icmp,
            L4::Icmp(IcmpMatch::of_type(8)),
            0,
        ),
        (
            r#""IpProtocol":"icmp","FromPort":3,"ToPort":4"#,
            Protocol::Icmp,
            L4::Icmp(IcmpMatch::type_code(3, 4)),
            0,
        ),
        (
            r#""IpProtocol":"icmp","FromPort":-1,"ToPort":-1"#,
            Protocol::Icmp,
            L4::Icmp(IcmpMatch::ANY),
            0,
        ),
        (
            r#""IpProtocol":"icmpv6""#,
            Protocol::Icmpv6,
            L4::Icmp(IcmpMatch::ANY),
            0,
        ),
        // A code without a type: invalid in AWS, matches nothing, warned (not an error).
        (
            r#""IpProtocol":"icmp","FromPort":-1,"ToPort":9"#,
            Protocol::Icmp,
            L4::Nothing,
            1,
        ),
    ];
    for (perm, proto, l4, warnings) in cases {
        let json = sg_with(&format!(
            r#"{{{perm},"IpRanges":[{{"CidrIp":"10.0.0.0/8"}}]}}"#
        ));
        let doc = read_ok(&json);
        assert!(
            paths(&doc, Severity::Error).is_empty(),
            "{perm}: {:?}",
            doc.diagnostics
        );
        let r = only_rule(&doc);
        assert_eq!((r.protocol, r.l4), (*proto, *l4), "{perm}");
        assert_eq!(
            paths(&doc, Severity::Warning).len(),
            *warnings,
            "{perm}: {:?}",
            doc.diagnostics
        );
    }
}

#[test]
fn security_group_bad_values_name_the_path() {
    // (permission, path of the error)
    let base = "SecurityGroups[0].IpPermissions[0]";
    let cases: &[(&str, String)] = &[
        (
            r#""IpProtocol":"tcp","FromPort":70000,"ToPort":22"#,
            format!("{base}.FromPort"),
        ),
        (
            r#""IpProtocol":"tcp","FromPort":22,"ToPort":70000"#,
            format!("{base}.ToPort"),
        ),
        (
            r#""IpProtocol":"tcp","FromPort":80,"ToPort":22"#,
            format!("{base}.FromPort"),
        ),
        (
            r#""IpProtocol":"icmp","FromPort":300,"ToPort":-1"#,
            format!("{base}.FromPort"),
        ),
        (
            r#""IpProtocol":"icmp","FromPort":8,"ToPort":256"#,
            format!("{base}.ToPort"),
        ),
        (
            r#""IpProtocol":"tcpx","FromPort":22,"ToPort":22"#,
            format!("{base}.IpProtocol"),
        ),
        (r#""IpProtocol":"256""#, format!("{base}.IpProtocol")),
        (r#""FromPort":22,"ToPort":22"#, format!("{base}.IpProtocol")),
    ];
    for (perm, want) in cases {
        let json = sg_with(&format!(
            r#"{{{perm},"IpRanges":[{{"CidrIp":"10.0.0.0/8"}}]}}"#
        ));
        let doc = read_ok(&json);
        assert_eq!(
            paths(&doc, Severity::Error),
            std::slice::from_ref(want),
            "{perm}"
        );
        let err = doc
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error);
        assert!(
            err.is_some_and(|d| d.message.contains("sg-1")),
            "{perm}: names the group"
        );
        // The rule is not created; the group is.
        assert_eq!(doc.topology.security_groups.len(), 1);
        assert!(doc.topology.security_groups[0].ingress.is_empty());
    }
}

#[test]
fn peers_become_one_rule_each() {
    let json = sg_with(
        r#"{"IpProtocol":"tcp","FromPort":443,"ToPort":443,
            "IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"public"},{"CidrIp":"10.0.0.5/8"}],
            "Ipv6Ranges":[{"CidrIpv6":"::/0"}],
            "PrefixListIds":[{"PrefixListId":"pl-0corpvpn","Description":"vpn"}],
            "UserIdGroupPairs":[{"GroupId":"sg-0peer","UserId":"444455556666","VpcId":"vpc-0peer",
                "VpcPeeringConnectionId":"pcx-0123","PeeringStatus":"active","Description":"peer"}]}"#,
    );
    let doc = read_ok(&json);
    let g = &doc.topology.security_groups[0];
    assert_eq!(g.ingress.len(), 5);
    let origins: Vec<String> = g.ingress.iter().map(|r| r.origin.to_string()).collect();
    assert_eq!(
        origins,
        [
            "t.json: SecurityGroups[0].IpPermissions[0].IpRanges[0]",
            "t.json: SecurityGroups[0].IpPermissions[0].IpRanges[1]",
            "t.json: SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0]",
            "t.json: SecurityGroups[0].IpPermissions[0].PrefixListIds[0]",
            "t.json: SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0]",
        ]
    );
    assert_eq!(g.ingress[0].description.as_deref(), Some("public"));
    assert_eq!(g.ingress[1].peer.to_string(), "10.0.0.0/8");
    // Host bits: masked + warning at the CidrIp path.
    assert_eq!(
        paths(&doc, Severity::Warning),
        ["SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp"]
    );
    match &g.ingress[4].peer {
        Peer::Group(r) => {
            assert_eq!(r.group.as_str(), "sg-0peer");
            assert_eq!(r.owner.as_ref().map(|o| o.as_str()), Some("444455556666"));
            assert_eq!(r.vpc.as_ref().map(|v| v.as_str()), Some("vpc-0peer"));
            assert_eq!(r.peering.as_deref(), Some("pcx-0123"));
            assert_eq!(r.peering_status.as_deref(), Some("active"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(g.owner.as_ref().map(|o| o.as_str()), Some("111122223333"));
    assert_eq!(g.vpc.as_ref().map(|v| v.as_str()), Some("vpc-1"));
}

#[test]
fn bad_peers_and_empty_permissions() {
    let cases: &[(&str, &str, Severity)] = &[
        (
            r#""IpRanges":[{"CidrIp":"10.0.0.0/33"}]"#,
            "SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp",
            Severity::Error,
        ),
        (
            r#""IpRanges":[{"CidrIp":"::/0"}]"#,
            "SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp",
            Severity::Error,
        ),
        (
            r#""Ipv6Ranges":[{"CidrIpv6":"10.0.0.0/8"}]"#,
            "SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0].CidrIpv6",
            Severity::Error,
        ),
        (
            r#""IpRanges":[{}]"#,
            "SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp",
            Severity::Error,
        ),
        (
            r#""UserIdGroupPairs":[{"UserId":"1"}]"#,
            "SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId",
            Severity::Error,
        ),
        (
            r#""IpRanges":[],"UserIdGroupPairs":[]"#,
            "SecurityGroups[0].IpPermissions[0]",
            Severity::Warning,
        ),
    ];
    for (peers, path, sev) in cases {
        let json = sg_with(&format!(
            r#"{{"IpProtocol":"tcp","FromPort":1,"ToPort":2,{peers}}}"#
        ));
        let doc = read_ok(&json);
        assert_eq!(paths(&doc, *sev), [path.to_string()], "{peers}");
        assert!(
            doc.topology.security_groups[0].ingress.is_empty(),
            "{peers}"
        );
    }
}

#[test]
fn icmp_with_only_ipv6_ranges_is_kept() {
    let doc = read_ok(&sg_with(
        r#"{"IpProtocol":"icmp","FromPort":-1,"ToPort":-1,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#,
    ));
    assert_eq!(only_rule(&doc).protocol, Protocol::Icmp);
    assert!(doc.diagnostics.is_empty());
}

#[test]
fn wrong_json_type_fails_the_file_with_line_and_column() {
    let json = "{\"SecurityGroups\": [\n  {\"GroupId\": \"sg-1\",\n   \"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": \"22\"}]}]}";
    let err = read(&file(), json.as_bytes(), &Scope::default()).expect_err("must fail");
    assert_eq!(err.severity, Severity::Error);
    let o = err.origin.expect("origin");
    assert_eq!(&*o.file, "t.json");
    assert!(
        matches!(o.location, Location::LineCol { line: 3, .. }),
        "{:?}",
        o.location
    );
    assert_eq!(
        err.message,
        "unexpected value in an AWS export at SecurityGroups[0].IpPermissions[0].FromPort: \
         expected an integer, found the string \"22\""
    );
}

#[test]
fn wrong_json_types_name_the_path_in_aws_terms() {
    let at = "unexpected value in an AWS export at ";
    let cases: &[(&str, &str)] = &[
        (
            r#"{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[5]}]}"#,
            "SecurityGroups[0].IpPermissions[0]: expected an object, found the integer 5",
        ),
        (
            r#"{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":{}}]}"#,
            "SecurityGroups[0].IpPermissions: expected a list, found an object",
        ),
        (
            r#"{"SecurityGroups":[{"IpPermissions":[{"IpRanges":[{"CidrIp":5}]}]}]}"#,
            "SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: expected a string, found the integer 5",
        ),
        (
            r#"{"status_code":200,"data":{"Volumes":[{"VolumeId":"v","Size":1.5}]}}"#,
            "data.Volumes[0].Size: expected an integer, found the number 1.5",
        ),
        (
            r#"{"Volumes":[{"VolumeId":"v","Encrypted":"yes"}]}"#,
            "Volumes[0].Encrypted: expected true or false, found the string \"yes\"",
        ),
        (
            r#"{"LoadBalancers":[{"SecurityGroups":["sg-1",null]}]}"#,
            "LoadBalancers[0].SecurityGroups[1]: expected a security group id, or an object with a GroupId, found null",
        ),
    ];
    for (json, want) in cases {
        let err = read(&file(), json.as_bytes(), &Scope::default()).expect_err(json);
        assert_eq!(err.message, format!("{at}{want}"), "{json}");
    }
    // A bare array's elements go through a generic value: the path is the element's.
    let err = read(
        &file(),
        br#"[{"GroupId":"sg-1","IpPermissions":[{"FromPort":"x"}]}]"#,
        &Scope::default(),
    )
    .expect_err("bare array");
    assert_eq!(
        err.message,
        "unexpected value in an AWS export at [0].IpPermissions[0].FromPort: \
         expected an integer, found the string \"x\""
    );
    // No line:column: the parser's position is the end of the array, not the bad value
    // (line 3 here, not 4).
    let err = read(
        &file(),
        b"[\n {\"GroupId\":\"sg-1\",\"IpPermissions\":[]},\n {\"GroupId\":\"sg-2\",\
          \"IpPermissions\":[{\"FromPort\":\"22\"}]}\n]\n",
        &Scope::default(),
    )
    .expect_err("bare array");
    assert_eq!(err.origin, Some(Origin::file(&file())));
    assert_eq!(
        err.to_string(),
        "t.json: error: unexpected value in an AWS export at [1].IpPermissions[0].FromPort: \
         expected an integer, found the string \"22\""
    );
    // Under a key (cartography's fixtures), the array's path comes first.
    let err = read(
        &file(),
        br#"{"DESCRIBE_SGS":[{"GroupId":"sg-1","IpPermissions":[]},{"GroupId":"sg-2","IpPermissions":[{"FromPort":"x"}]}]}"#,
        &Scope::default(),
    )
    .expect_err("keyed bare array");
    assert_eq!(
        err.message,
        "unexpected value in an AWS export at DESCRIBE_SGS[1].IpPermissions[0].FromPort: \
         expected an integer, found the string \"x\""
    );
    // A number out of range says so.
    let err = read(
        &file(),
        br#"{"SecurityGroups":[{"IpPermissions":[{"FromPort":18446744073709551615}]}]}"#,
        &Scope::default(),
    )
    .expect_err("out of range");
    assert_eq!(
        err.message,
        "unexpected value in an AWS export at SecurityGroups[0].IpPermissions[0].FromPort: \
         expected an integer, found the integer 18446744073709551615 (out of range)"
    );
}

#[test]
fn invalid_json_reports_line_and_column() {
    let cases: &[(&str, u32, u32)] = &[
        (
            "{\"SecurityGroups\": [\n  {\"GroupId\": \"sg-1\",},\n]}",
            2,
            22,
        ),
        ("{\"Vpcs\": [", 1, 10),
        ("[1, 2,]", 1, 7),
    ];
    for (json, line, column) in cases {
        let err = read(&file(), json.as_bytes(), &Scope::default()).expect_err(json);
        let o = err.origin.expect("origin");
        assert_eq!(
            o.location,
            Location::LineCol {
                line: *line,
                column: *column
            },
            "{json}: {}",
            err.message
        );
        assert!(err.message.contains("JSON"), "{}", err.message);
    }
}

#[test]
fn wrappers_bare_arrays_and_next_token() {
    let sg = r#"{"GroupId":"sg-1","IpPermissions":[],"IpPermissionsEgress":[]}"#;
    let cases: Vec<(String, &str)> = vec![
        (
            format!(r#"{{"SecurityGroups":[{sg}],"NextToken":"abc"}}"#),
            "SecurityGroups[0]",
        ),
        (
            format!(
                r#"{{"status_code":200,"data":{{"SecurityGroups":[{sg}],"ResponseMetadata":{{}}}}}}"#
            ),
            "data.SecurityGroups[0]",
        ),
        (format!("[{sg}]"), "[0]"),
        (format!(r#"{{"DESCRIBE_SGS":[{sg}]}}"#), "DESCRIBE_SGS[0]"),
        (
            format!(r#"{{"X":{{"SecurityGroups":[{sg}]}}}}"#),
            "X.SecurityGroups[0]",
        ),
    ];
    for (json, path) in cases {
        let doc = read_ok(&json);
        assert_eq!(doc.sections, ["SecurityGroups"], "{json}");
        assert_eq!(doc.topology.security_groups.len(), 1);
        assert_eq!(
            doc.topology.security_groups[0].origin.location,
            Location::JsonPath {
                path: path.to_string()
            }
        );
    }
}

#[test]
fn bare_arrays_are_classified_by_first_element() {
    let cases: &[(&str, &str)] = &[
        (
            r#"[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.0.1"}]"#,
            "NetworkInterfaces",
        ),
        (
            r#"[{"InstanceId":"i-1","InstanceType":"t3.micro","State":{"Name":"running"}}]"#,
            "Instances",
        ),
        (r#"[{"VolumeId":"vol-1","Size":8}]"#, "Volumes"),
        (
            r#"[{"SubnetId":"subnet-1","CidrBlock":"10.0.0.0/24"}]"#,
            "Subnets",
        ),
        (r#"[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]"#, "Vpcs"),
        (
            r#"[{"PublicIp":"1.2.3.4","AllocationId":"eipalloc-1"}]"#,
            "Addresses",
        ),
        (r#"[{"InternetGatewayId":"igw-1"}]"#, "InternetGateways"),
        (r#"[{"Name":"x","ID":"sg-1"}]"#, ""),
        (r#"[[1]]"#, ""),
        ("[]", ""),
    ];
    for (json, section) in cases {
        let doc = read_ok(json);
        let want: Vec<String> = if section.is_empty() {
            vec![]
        } else {
            vec![section.to_string()]
        };
        assert_eq!(doc.sections, want, "{json}");
        assert!(doc.diagnostics.is_empty(), "{json}: {:?}", doc.diagnostics);
    }
}

#[test]
fn not_an_ec2_export_has_no_sections() {
    for json in [
        r#"{"foo": 1}"#,
        r#"{"Tags": [{"Key": "a"}]}"#,
        r#"{"shapes": {"PrefixListId": {"type": "string"}, "PrefixLists": {"type": "list"}}}"#,
        r#"{"status_code": 400, "data": {"Error": {"Code": "x"}}}"#,
        "3",
    ] {
        let doc = read_ok(json);
        assert!(doc.sections.is_empty(), "{json}");
    }
}

#[test]
fn security_group_rules_records() {
    let json = r#"{"SecurityGroupRules":[
        {"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","GroupOwnerId":"111122223333","IsEgress":false,
         "IpProtocol":"-1","FromPort":-1,"ToPort":-1,"ReferencedGroupInfo":{"GroupId":"sg-1","UserId":"111122223333"}},
        {"SecurityGroupRuleId":"sgr-2","GroupId":"sg-1","IsEgress":true,"IpProtocol":"tcp","FromPort":443,"ToPort":443,
         "CidrIpv6":"::/0","Description":"out"},
        {"SecurityGroupRuleId":"sgr-3","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,
         "PrefixListId":"pl-0corpvpn"},
        {"SecurityGroupRuleId":"sgr-4","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":1,"ToPort":99999,
         "CidrIpv4":"10.0.0.0/8"},
        {"SecurityGroupRuleId":"sgr-5","GroupId":"sg-1","IpProtocol":"tcp","FromPort":1,"ToPort":2,"CidrIpv4":"10.0.0.0/8"}
    ]}"#;
    let mut doc = read_ok(json);
    assert_eq!(
        paths(&doc, Severity::Error),
        [
            "SecurityGroupRules[3].ToPort",
            "SecurityGroupRules[4].IsEgress"
        ]
    );
    merge(&mut doc.topology, &mut doc.diagnostics);
    let gs = &doc.topology.security_groups;
    assert_eq!(gs.len(), 1);
    let g = &gs[0];
    assert_eq!(g.owner.as_ref().map(|o| o.as_str()), Some("111122223333"));
    assert_eq!((g.ingress.len(), g.egress.len()), (2, 1));
    assert_eq!(g.ingress[0].rule_id.as_deref(), Some("sgr-1"));
    assert_eq!(
        (g.ingress[0].protocol, g.ingress[0].l4),
        (Protocol::All, L4::Any)
    );
    assert_eq!(g.egress[0].direction, Direction::Egress);
    assert_eq!(g.egress[0].description.as_deref(), Some("out"));
    assert_eq!(
        g.egress[0].origin.to_string(),
        "t.json: SecurityGroupRules[1]"
    );
}

#[test]
fn rule_records_replace_described_rules() {
    let recs = r#"{"SecurityGroupRules":[
        {"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"10.0.0.0/8"},
        {"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"10.0.0.0/8"},
        {"SecurityGroupRuleId":"sgr-2","GroupId":"sg-2","IsEgress":true,"IpProtocol":"-1","CidrIpv4":"0.0.0.0/0"}]}"#;
    let (t, diags) = merged_with(
        &sg_with(
            r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}"#,
        ),
        recs,
    );
    assert_eq!(t.security_groups.len(), 2);
    let g1 = &t.security_groups[0];
    assert_eq!(g1.name.as_deref(), Some("web"), "described group kept");
    assert_eq!(g1.ingress.len(), 1, "duplicate record kept once");
    assert_eq!(g1.ingress[0].rule_id.as_deref(), Some("sgr-1"));
    assert_eq!(g1.origin.to_string(), "t.json: SecurityGroups[0]");
    let g2 = &t.security_groups[1];
    assert_eq!((g2.id.as_str(), g2.egress.len()), ("sg-2", 1));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].severity, Severity::Info);
}

#[test]
fn rule_records_on_one_page_only_add_to_described_rules() {
    // A page of describe-security-group-rules (NextToken set) is not the group's list:
    // the world-open RDP rule described must stay.
    let described = sg_with(
        r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]},
        {"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}"#,
    );
    let page = |token: &str| {
        format!(
            r#"{{"SecurityGroupRules":[
            {{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"10.0.0.0/8"}},
            {{"SecurityGroupRuleId":"sgr-3","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":443,"ToPort":443,"CidrIpv4":"0.0.0.0/0"}}],
            "NextToken": {token}}}"#
        )
    };
    let merged = |token: &str| {
        let mut t = read_ok(&described).topology;
        let doc = read(
            &Arc::from("r.json"),
            page(token).as_bytes(),
            &Scope::default(),
        )
        .expect("ok");
        let warnings: Vec<String> = (doc.diagnostics.iter())
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| d.message.clone())
            .collect();
        t.extend(doc.topology);
        let mut diags = Vec::new();
        merge_pages(&mut t, &mut diags, &doc.pages);
        assert_eq!(t.security_groups.len(), 1);
        let g = &t.security_groups[0];
        let rules: Vec<String> = (g.ingress.iter())
            .map(|r| format!("{} {}", r.l4, r.rule_id.as_deref().unwrap_or("-")))
            .collect();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].severity, Severity::Info);
        (rules, warnings, diags[0].message.clone())
    };
    let (got, warnings, info) = merged(r#""eyJ2IjoxfQ==""#);
    assert_eq!(
        got,
        ["22 -", "3389 -", "443 sgr-3"],
        "the page adds, never replaces"
    );
    assert!(info.contains("one page of a paginated listing"), "{info}");
    assert!(
        info.contains("1 of them not described here are added"),
        "{info}"
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("never replace them"),
        "{}",
        warnings[0]
    );
    // The whole listing (no token, or an empty one) replaces the described rules.
    for last in ["null", r#""""#] {
        let (got, warnings, _) = merged(last);
        assert_eq!(got, ["22 sgr-1", "443 sgr-3"]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}

#[test]
fn enis_and_instances() {
    let json = r#"{"Reservations":[{"OwnerId":"111122223333","Instances":[
        {"InstanceId":"i-1","State":{"Code":16,"Name":"running"},"InstanceType":"t3.micro",
         "Placement":{"AvailabilityZone":"us-east-1a","GroupName":""},"SubnetId":"subnet-1","VpcId":"vpc-1",
         "RootDeviceName":"/dev/xvda","RootDeviceType":"ebs","HibernationOptions":{"Configured":true},
         "BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1","DeleteOnTermination":true}}],
         "NetworkInterfaces":[
            {"NetworkInterfaceId":"eni-2","Attachment":{"DeviceIndex":1,"Status":"attached"},
             "Groups":[{"GroupId":"sg-2"}],"PrivateIpAddress":"10.0.0.9"},
            {"NetworkInterfaceId":"eni-1","Attachment":{"DeviceIndex":0,"Status":"attached"},
             "Groups":[{"GroupId":"sg-1"}],
             "PrivateIpAddresses":[
               {"PrivateIpAddress":"10.0.0.6","Primary":false},
               {"PrivateIpAddress":"10.0.0.5","Primary":true,
                "Association":{"PublicIp":"1.2.3.4","IpOwnerId":"amazon"}}]}]},
        {"InstanceId":"i-2","State":{"Code":336},"PrivateIpAddress":"10.0.0.7","SubnetId":"subnet-1"}]}]}"#;
    let doc = read_ok(json);
    assert!(
        paths(&doc, Severity::Error).is_empty(),
        "{:?}",
        doc.diagnostics
    );
    // i-2 has addresses but no NetworkInterfaces: warned, no ENI synthesised.
    assert_eq!(
        paths(&doc, Severity::Warning),
        ["Reservations[0].Instances[1]"]
    );
    let t = &doc.topology;
    assert_eq!(t.instances.len(), 2);
    let i1 = &t.instances[0];
    assert_eq!(i1.state, InstanceState::Running);
    assert_eq!(
        i1.enis.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        ["eni-1", "eni-2"]
    );
    assert_eq!(i1.az.as_deref(), Some("us-east-1a"));
    assert_eq!(i1.placement_group, None);
    assert!(i1.hibernation);
    assert_eq!(
        i1.block_devices[0].volume.as_ref().map(|v| v.as_str()),
        Some("vol-1")
    );
    assert_eq!(i1.owner.as_ref().map(|o| o.as_str()), Some("111122223333"));
    // 336 & 0xFF = 80 = stopped.
    assert_eq!(t.instances[1].state, InstanceState::Stopped);
    assert_eq!(t.enis.len(), 2);
    let eni1 = t
        .enis
        .iter()
        .find(|e| e.id.as_str() == "eni-1")
        .expect("eni-1");
    assert_eq!(
        eni1.primary_ip().map(|i| i.to_string()).as_deref(),
        Some("10.0.0.5")
    );
    assert_eq!(eni1.private_ips.len(), 2);
    assert_eq!(
        eni1.public_ips()
            .next()
            .map(|p| p.ip.to_string())
            .as_deref(),
        Some("1.2.3.4")
    );
    assert_eq!(
        eni1.subnet.as_ref().map(|s| s.as_str()),
        Some("subnet-1"),
        "inherited"
    );
    assert_eq!(eni1.az.as_deref(), Some("us-east-1a"), "inherited");
    let att = eni1.attachment.as_ref().expect("attachment");
    assert_eq!(att.instance.as_ref().map(|i| i.as_str()), Some("i-1"));
    assert_eq!(att.device_index, Some(0));
    assert_eq!(
        eni1.origin.to_string(),
        "t.json: Reservations[0].Instances[0].NetworkInterfaces[1]"
    );
    // Fallback to the top-level PrivateIpAddress.
    let eni2 = t
        .enis
        .iter()
        .find(|e| e.id.as_str() == "eni-2")
        .expect("eni-2");
    assert_eq!(
        eni2.primary_ip().map(|i| i.to_string()).as_deref(),
        Some("10.0.0.9")
    );
}

#[test]
fn instance_state_problems() {
    let cases: &[(&str, Severity)] = &[
        (
            r#"{"InstanceId":"i-1","InstanceType":"t3"}"#,
            Severity::Warning,
        ),
        (
            r#"{"InstanceId":"i-1","State":{"Name":"exploded"}}"#,
            Severity::Error,
        ),
        (
            r#"{"InstanceId":"i-1","State":{"Code":7}}"#,
            Severity::Error,
        ),
    ];
    for (inst, sev) in cases {
        let doc = read_ok(&format!(r#"{{"Instances":[{inst}]}}"#));
        assert_eq!(paths(&doc, *sev), ["Instances[0].State"], "{inst}");
        assert!(doc.topology.instances.is_empty());
    }
}

#[test]
fn an_instance_without_a_state_keeps_its_interfaces() {
    // The instance is left out (the model has no unknown state), but not its interfaces:
    // a world-open group on one of them must still be audited.
    let eni = |id: &str| {
        format!(
            r#"{{"NetworkInterfaceId":"{id}","SubnetId":"subnet-1","PrivateIpAddress":"10.0.1.10",
            "Association":{{"PublicIp":"54.1.2.3"}},"Groups":[{{"GroupId":"sg-1"}}],
            "Attachment":{{"DeviceIndex":0}}}}"#
        )
    };
    for (state, sev) in [
        ("", Severity::Warning),
        (r#""State":{"Code":7},"#, Severity::Error),
    ] {
        let doc = read_ok(&format!(
            r#"{{"Reservations":[{{"Instances":[{{"InstanceId":"i-1",{state}"InstanceType":"t3.micro",
            "NetworkInterfaces":[{},{}]}}]}}]}}"#,
            eni("eni-1"),
            eni("eni-2")
        ));
        assert!(doc.topology.instances.is_empty());
        let enis: Vec<(&str, Option<&str>)> = (doc.topology.enis.iter())
            .map(|e| {
                let instance = e.attachment.as_ref().and_then(|a| a.instance.as_ref());
                (e.id.as_str(), instance.map(|i| i.as_str()))
            })
            .collect();
        assert_eq!(enis, [("eni-1", Some("i-1")), ("eni-2", Some("i-1"))]);
        let d: Vec<&Diagnostic> = doc.diagnostics.iter().collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, sev);
        assert!(
            d[0].message.ends_with(
                "the instance is left out (its state, type and block devices are not read) \
                 and its 2 network interface(s) (eni-1, eni-2) are kept, taken as attached to \
                 a running instance"
            ),
            "{}",
            d[0].message
        );
    }
    let doc = read_ok(r#"{"Instances":[{"InstanceId":"i-1"}]}"#);
    assert!(
        doc.diagnostics[0]
            .message
            .ends_with("and it has no network interface to keep"),
        "{:?}",
        doc.diagnostics
    );
}

/// `a` (read as `t.json`) and `b` (as `b.json`), merged, with the merge's diagnostics.
fn merged_with(a: &str, b: &str) -> (Topology, Vec<Diagnostic>) {
    let mut t = read_ok(a).topology;
    t.extend(
        read(&Arc::from("b.json"), b.as_bytes(), &Scope::default())
            .expect("ok")
            .topology,
    );
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    (t, diags)
}

#[test]
fn eni_merge_across_files() {
    let a = r#"{"Reservations":[{"Instances":[{"InstanceId":"i-1","State":{"Name":"running"},"SubnetId":"subnet-1",
        "NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","Groups":[{"GroupId":"sg-1"}],"PrivateIpAddress":"10.0.0.5",
        "Attachment":{"DeviceIndex":0}}]}]}]}"#;
    let b = r#"{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","Groups":[{"GroupId":"sg-1"},{"GroupId":"sg-2"}],
        "PrivateIpAddresses":[{"PrivateIpAddress":"10.0.0.5","Primary":true,"Association":{"PublicIp":"1.2.3.4"}},
                              {"PrivateIpAddress":"10.0.0.6","Primary":false}],
        "InterfaceType":"interface","Status":"in-use","Description":"x","SourceDestCheck":true,"OwnerId":"1"}]}"#;
    let (t, diags) = merged_with(a, b);
    // The groups differ: pooled, with a warning (see
    // `eni_copies_that_disagree_are_merged_with_a_warning`); the addresses the instance's
    // record lacks are no disagreement.
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0]
            .message
            .contains("(here: groups sg-1, sg-2, not sg-1)"),
        "{}",
        diags[0].message
    );
    assert_eq!(t.enis.len(), 1);
    let e = &t.enis[0];
    assert_eq!(e.groups.len(), 2);
    assert_eq!(e.private_ips.len(), 2);
    assert!(e.public_ips().next().is_some());
    assert_eq!(e.subnet.as_ref().map(|s| s.as_str()), Some("subnet-1"));
    assert_eq!(e.attachment.as_ref().and_then(|a| a.device_index), Some(0));
    assert_eq!(
        e.origin.to_string(),
        "t.json: Reservations[0].Instances[0].NetworkInterfaces[0]"
    );
}

#[test]
fn eni_copies_that_disagree_are_merged_with_a_warning() {
    // describe-instances and describe-network-interfaces taken at different times.
    let eni = |groups: &str, public: &str, ipv6: &str| {
        format!(
            r#"{{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-1","Groups":[{groups}],
            "PrivateIpAddresses":[{{"PrivateIpAddress":"10.0.1.10","Primary":true,
              "Association":{{"PublicIp":"{public}"}}}}],
            "Ipv6Addresses":[{ipv6}],"Attachment":{{"DeviceIndex":0,"InstanceId":"i-1"}}}}"#
        )
    };
    let instances = format!(
        r#"{{"Reservations":[{{"Instances":[{{"InstanceId":"i-1","State":{{"Name":"running"}},
        "SubnetId":"subnet-1","NetworkInterfaces":[{}]}}]}}]}}"#,
        eni(
            r#"{"GroupId":"sg-1"}"#,
            "54.1.2.3",
            r#"{"Ipv6Address":"2600::1"}"#
        )
    );
    let enis = format!(
        r#"{{"NetworkInterfaces":[{}]}}"#,
        eni(
            r#"{"GroupId":"sg-2"}"#,
            "54.9.9.9",
            r#"{"Ipv6Address":"2600::2"}"#
        )
    );
    let (t, diags) = merged_with(&instances, &enis);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.origin.as_ref().map(|o| o.to_string()).as_deref(),
        Some("b.json: NetworkInterfaces[0]")
    );
    assert_eq!(
        d.message,
        "ENI eni-1 is also read from t.json: Reservations[0].Instances[0].NetworkInterfaces[0] \
         with different content (here: groups sg-2, not sg-1; public address 54.9.9.9 of \
         10.0.1.10, not 54.1.2.3; IPv6 addresses 2600::2, not 2600::1); the copies are merged: \
         the groups and addresses of both are kept (a rule of either copy's groups is \
         audited), and where both give a public address, the one from t.json: \
         Reservations[0].Instances[0].NetworkInterfaces[0] is kept"
    );
    assert_eq!(t.enis.len(), 1);
    let e = &t.enis[0];
    let groups: Vec<&str> = e.groups.iter().map(|g| g.as_str()).collect();
    assert_eq!(groups, ["sg-1", "sg-2"]);
    let public: Vec<String> = e.public_ips().map(|p| p.ip.to_string()).collect();
    assert_eq!(public, ["54.1.2.3"]);
    assert_eq!(e.ipv6.len(), 2);
    // Copies that agree give no diagnostic.
    let mut t = read_ok(&instances).topology;
    let same = format!(
        r#"{{"NetworkInterfaces":[{}]}}"#,
        eni(
            r#"{"GroupId":"sg-1"}"#,
            "54.1.2.3",
            r#"{"Ipv6Address":"2600::1"}"#
        )
    );
    t.extend(read_ok(&same).topology);
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn enis_sharing_an_id_but_not_an_instance_are_not_pooled() {
    // Anonymised exports (CloudMapper's demo) give several instances one ENI id.
    let inst = |i: &str, sg: &str, ip: &str| {
        format!(
            r#"{{"InstanceId":"{i}","State":{{"Name":"running"}},"SubnetId":"subnet-1",
            "NetworkInterfaces":[{{"NetworkInterfaceId":"eni-0","Groups":[{{"GroupId":"{sg}"}}],
            "PrivateIpAddress":"{ip}","Attachment":{{"DeviceIndex":0}}}}]}}"#
        )
    };
    let doc = format!(
        r#"{{"Reservations":[{{"Instances":[{},{}]}}]}}"#,
        inst("i-1", "sg-1", "10.0.0.5"),
        inst("i-2", "sg-2", "10.0.0.6")
    );
    let mut t = read_ok(&doc).topology;
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert_eq!(t.enis.len(), 1);
    assert_eq!(
        t.enis[0].groups.len(),
        1,
        "groups pooled: {:?}",
        t.enis[0].groups
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(
        diags[0].message.contains("attached to i-2, not i-1"),
        "{}",
        diags[0].message
    );
}

#[test]
fn duplicates_keep_first_and_are_reported() {
    let vpc = |cidr: &str| format!(r#"{{"Vpcs":[{{"VpcId":"vpc-1","CidrBlock":"{cidr}"}}]}}"#);
    let mut t = read_ok(&vpc("10.0.0.0/16")).topology;
    t.extend(read_ok(&vpc("10.0.0.0/16")).topology);
    t.extend(read_ok(&vpc("10.9.0.0/16")).topology);
    // Another scope: a different object.
    let other = Scope {
        account: Some("222233334444".into()),
        region: None,
    };
    t.extend(
        read(&file(), vpc("10.0.0.0/16").as_bytes(), &other)
            .expect("ok")
            .topology,
    );
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert_eq!(t.vpcs.len(), 2);
    assert_eq!(t.vpcs[0].cidrs[0].to_string(), "10.0.0.0/16");
    let sevs: Vec<Severity> = diags.iter().map(|d| d.severity).collect();
    assert_eq!(sevs, [Severity::Info, Severity::Warning]);
}

#[test]
fn instance_duplicates_warn_only_on_disagreement() {
    let inst = |state: &str| {
        format!(
            r#"{{"Instances":[{{"InstanceId":"i-1","InstanceType":"t3","State":{{"Name":"{state}"}}}}]}}"#
        )
    };
    let mut t = read_ok(&inst("running")).topology;
    t.extend(read_ok(&inst("running")).topology);
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert!(diags.is_empty());
    t.extend(read_ok(&inst("stopped")).topology);
    merge(&mut t, &mut diags);
    assert_eq!(t.instances.len(), 1);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Warning);
}

#[test]
fn a_rule_record_or_route_with_two_destinations_is_an_error() {
    // Reading one destination and dropping the other would hide a rule or a route.
    let rec = |peers: &str| {
        format!(
            r#"{{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp",
            "FromPort":22,"ToPort":22,{peers}}}"#
        )
    };
    let records = [
        rec(r#""CidrIpv4":"10.0.0.0/8","CidrIpv6":"::/0""#),
        rec(r#""CidrIpv4":"10.0.0.0/8","ReferencedGroupInfo":{"GroupId":"sg-7"}"#),
        rec(r#""PrefixListId":"pl-1","CidrIpv6":"::/0""#),
        rec(r#""CidrIpv4":"0.0.0.0/0""#),
    ];
    let doc = read_ok(&format!(
        r#"{{"SecurityGroupRules":[{}]}}"#,
        records.join(",")
    ));
    let errors: Vec<String> = (doc.diagnostics.iter())
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.origin.as_ref().expect("origin"), d.message))
        .collect();
    let want = |i: usize, found: &str| {
        format!(
            "t.json: SecurityGroupRules[{i}]: security group sg-1 rule sgr-1: expected exactly \
             one of CidrIpv4, CidrIpv6, PrefixListId and ReferencedGroupInfo, found {found}; \
             rule skipped"
        )
    };
    assert_eq!(
        errors,
        [
            want(0, "CidrIpv4 and CidrIpv6"),
            want(1, "CidrIpv4 and ReferencedGroupInfo"),
            want(2, "CidrIpv6 and PrefixListId"),
        ]
    );
    let rules: Vec<String> = (doc.topology.security_groups.iter())
        .flat_map(|g| g.all_rules())
        .map(|r| r.peer.to_string())
        .collect();
    assert_eq!(rules, ["0.0.0.0/0"]);

    let routes = r#"{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Routes":[
        {"DestinationCidrBlock":"192.0.2.0/24","DestinationIpv6CidrBlock":"::/0","GatewayId":"igw-1"},
        {"DestinationCidrBlock":"192.0.2.0/24","DestinationPrefixListId":"pl-1","GatewayId":"igw-1"},
        {"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1"}]}]}"#;
    let doc = read_ok(routes);
    let errors: Vec<String> = (doc.diagnostics.iter())
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.origin.as_ref().expect("origin"), d.message))
        .collect();
    let want = |i: usize, found: &str| {
        format!(
            "t.json: RouteTables[0].Routes[{i}]: route table rtb-1: expected exactly one of \
             DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId, found \
             {found}; route skipped"
        )
    };
    assert_eq!(
        errors,
        [
            want(0, "DestinationCidrBlock and DestinationIpv6CidrBlock"),
            want(1, "DestinationCidrBlock and DestinationPrefixListId"),
        ]
    );
    let rt = &doc.topology.route_tables[0];
    assert_eq!(rt.routes.len(), 1);
}

#[test]
fn route_tables() {
    let json = r#"{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1",
        "Associations":[{"Main":true},{"SubnetId":"subnet-1"}],
        "Routes":[
          {"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local","State":"active"},
          {"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1"},
          {"DestinationIpv6CidrBlock":"::/0","EgressOnlyInternetGatewayId":"eigw-1"},
          {"DestinationPrefixListId":"pl-63a5400a","GatewayId":"vpce-1"},
          {"DestinationCidrBlock":"192.168.0.0/16","VpcPeeringConnectionId":"pcx-1","State":"blackhole"},
          {"DestinationCidrBlock":"172.16.0.0/12","InstanceId":"i-1","NetworkInterfaceId":"eni-1"},
          {"DestinationCidrBlock":"10.1.0.0/16","NatGatewayId":"nat-1"},
          {"DestinationCidrBlock":"10.2.0.0/16","TransitGatewayId":"tgw-1"},
          {"DestinationCidrBlock":"10.3.0.0/33","GatewayId":"igw-1"},
          {"GatewayId":"igw-1"},
          {"DestinationCidrBlock":"10.4.0.0/16"}
        ]}]}"#;
    let doc = read_ok(json);
    assert_eq!(
        paths(&doc, Severity::Error),
        [
            "RouteTables[0].Routes[8].DestinationCidrBlock",
            "RouteTables[0].Routes[9]",
            "RouteTables[0].Routes[10]"
        ]
    );
    let rt = &doc.topology.route_tables[0];
    assert!(rt.main);
    assert_eq!(rt.subnets.len(), 1);
    let targets: Vec<RouteTarget> = rt.routes.iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            RouteTarget::Local,
            RouteTarget::InternetGateway("igw-1".into()),
            RouteTarget::EgressOnlyInternetGateway("eigw-1".into()),
            RouteTarget::VpcEndpoint("vpce-1".into()),
            RouteTarget::Peering("pcx-1".into()),
            RouteTarget::NetworkInterface("eni-1".into()),
            RouteTarget::NatGateway("nat-1".into()),
            RouteTarget::TransitGateway("tgw-1".into()),
        ]
    );
    assert!(rt.routes[4].blackhole);
    assert!(!rt.routes[0].blackhole);
    assert!(matches!(
        rt.routes[3].destination,
        RouteDestination::PrefixList { .. }
    ));
}

#[test]
fn network_acls() {
    let json = r#"{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","IsDefault":true,
        "Associations":[{"SubnetId":"subnet-1"}],
        "Entries":[
          {"RuleNumber":100,"Egress":false,"RuleAction":"allow","Protocol":"6","CidrBlock":"0.0.0.0/0","PortRange":{"From":443,"To":443}},
          {"RuleNumber":110,"Egress":false,"RuleAction":"allow","Protocol":"1","CidrBlock":"10.0.0.0/8","IcmpTypeCode":{"Type":-1,"Code":-1}},
          {"RuleNumber":120,"Egress":true,"RuleAction":"deny","Protocol":"-1","Ipv6CidrBlock":"::/0","PortRange":{"From":80,"To":80}},
          {"RuleNumber":130,"Egress":false,"RuleAction":"allow","Protocol":"17","CidrBlock":"10.0.0.0/8"},
          {"RuleNumber":140,"Egress":false,"RuleAction":"allow","Protocol":"1","CidrBlock":"10.0.0.0/8","IcmpTypeCode":{"Type":-1,"Code":4}},
          {"RuleNumber":32767,"Egress":false,"RuleAction":"deny","Protocol":"-1","CidrBlock":"0.0.0.0/0"},
          {"RuleNumber":150,"Egress":false,"RuleAction":"allow","Protocol":"6","CidrBlock":"0.0.0.0/0","Ipv6CidrBlock":"::/0"},
          {"RuleNumber":160,"Egress":false,"RuleAction":"maybe","Protocol":"6","CidrBlock":"0.0.0.0/0"},
          {"RuleNumber":170,"Egress":false,"RuleAction":"allow","Protocol":"6","CidrBlock":"0.0.0.0/0","PortRange":{"From":1,"To":70000}},
          {"RuleNumber":180,"Egress":false,"RuleAction":"allow","Protocol":"1","CidrBlock":"0.0.0.0/0","IcmpTypeCode":{"Type":300,"Code":-1}},
          {"RuleNumber":0,"Egress":false,"RuleAction":"allow","Protocol":"6","CidrBlock":"0.0.0.0/0"},
          {"RuleNumber":190,"Egress":false,"RuleAction":"allow","Protocol":"tcpx","CidrBlock":"0.0.0.0/0"}
        ]}]}"#;
    let doc = read_ok(json);
    assert_eq!(
        paths(&doc, Severity::Error),
        [
            "NetworkAcls[0].Entries[6]",
            "NetworkAcls[0].Entries[7].RuleAction",
            "NetworkAcls[0].Entries[8].PortRange.To",
            "NetworkAcls[0].Entries[9].IcmpTypeCode.Type",
            "NetworkAcls[0].Entries[10].RuleNumber",
            "NetworkAcls[0].Entries[11].Protocol",
        ]
    );
    assert_eq!(
        paths(&doc, Severity::Warning),
        [
            "NetworkAcls[0].Entries[3]",
            "NetworkAcls[0].Entries[4].IcmpTypeCode.Code"
        ]
    );
    let n = &doc.topology.network_acls[0];
    assert!(n.is_default);
    assert_eq!(n.subnets.len(), 1);
    let l4: Vec<(u16, L4)> = n.entries.iter().map(|e| (e.rule_number, e.l4)).collect();
    assert_eq!(
        l4,
        [
            (100, L4::Ports(PortRange::single(443))),
            (110, L4::Icmp(IcmpMatch::ANY)),
            (120, L4::Any),
            (130, L4::Ports(PortRange::ALL)),
            (140, L4::Nothing),
            (32767, L4::Any),
        ]
    );
    assert_eq!(n.entries[2].direction, Direction::Egress);
    assert_eq!(n.entries[2].action, NaclAction::Deny);
}

#[test]
fn vpcs_subnets_gateways_volumes_addresses() {
    let json = r#"{
      "Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","IsDefault":true,"OwnerId":"1",
        "CidrBlockAssociationSet":[{"CidrBlock":"10.0.0.0/16","CidrBlockState":{"State":"associated"}},
                                   {"CidrBlock":"10.1.0.0/16","CidrBlockState":{"State":"associated"}},
                                   {"CidrBlock":"10.2.0.0/16","CidrBlockState":{"State":"disassociated"}}],
        "Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"2600:1f18::/56","Ipv6CidrBlockState":{"State":"associated"}}]}],
      "Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24","AvailabilityZone":"us-east-1a",
        "MapPublicIpOnLaunch":true,"Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"2600:1f18::/64"}]}],
      "InternetGateways":[{"InternetGatewayId":"igw-1","Attachments":[{"VpcId":"vpc-1","State":"available"},{"VpcId":"vpc-2","State":"detached"}]}],
      "Volumes":[{"VolumeId":"vol-1","Size":100,"VolumeType":"io2","AvailabilityZone":"us-east-1a","State":"in-use",
        "Encrypted":true,"MultiAttachEnabled":true,
        "Attachments":[{"InstanceId":"i-1","Device":"/dev/sdf","State":"attached","DeleteOnTermination":false}]}],
      "Addresses":[{"PublicIp":"1.2.3.4","AllocationId":"eipalloc-1","AssociationId":"eipassoc-1","Domain":"vpc",
        "InstanceId":"i-1","NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.1.5"},
        {"PublicIp":"5.6.7.8","Domain":"vpc"}]
    }"#;
    let doc = read_ok(json);
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(
        doc.sections,
        [
            "Vpcs",
            "Subnets",
            "InternetGateways",
            "Volumes",
            "Addresses"
        ]
    );
    let t = &doc.topology;
    let cidrs: Vec<String> = t.vpcs[0].cidrs.iter().map(|c| c.to_string()).collect();
    assert_eq!(cidrs, ["10.0.0.0/16", "10.1.0.0/16", "2600:1f18::/56"]);
    assert!(t.vpcs[0].is_default);
    let s = &t.subnets[0];
    assert!(s.map_public_ip_on_launch);
    assert_eq!(s.ipv6_cidrs.len(), 1);
    assert_eq!(t.internet_gateways[0].vpcs.len(), 1);
    let v = &t.volumes[0];
    assert_eq!(
        (v.size_gib, v.encrypted, v.multi_attach),
        (Some(100), true, true)
    );
    assert_eq!(v.attachments[0].delete_on_termination, Some(false));
    assert_eq!(t.addresses.len(), 2);
    assert_eq!(
        t.addresses[0].eni.as_ref().map(|e| e.as_str()),
        Some("eni-1")
    );
    assert_eq!(t.addresses[1].association_id, None);
}

#[test]
fn prefix_lists_and_entries_binding() {
    // describe-prefix-lists (Cidrs) and describe-managed-prefix-lists (metadata only).
    let doc = read_ok(
        r#"{"PrefixLists":[{"PrefixListId":"pl-63a5400a","PrefixListName":"s3","Cidrs":["54.231.0.0/17","52.216.0.0/15"]},
                           {"PrefixListId":"pl-0123456abcabcabc1","AddressFamily":"IPv4","MaxEntries":10,"OwnerId":"1"}]}"#,
    );
    let pls = &doc.topology.prefix_lists;
    assert_eq!(pls[0].entries.as_ref().map(Vec::len), Some(2));
    assert_eq!(pls[1].entries, None);
    assert_eq!(pls[1].max_entries, Some(10));
    let meta = doc.topology;

    // Entries with the extension key, with the id in the file name, and with neither.
    let entries = r#"{"Entries":[{"Cidr":"10.0.0.0/16","Description":"vpc-a"}],"PrefixListId":"pl-0123456abcabcabc1"}"#;
    let tied = read_ok(entries);
    assert_eq!(
        tied.topology.prefix_lists[0].id.as_str(),
        "pl-0123456abcabcabc1"
    );
    let by_name = read(
        &Arc::from("x/get-managed-prefix-list-entries.pl-0123456abcabcabc1.json"),
        br#"{"Entries":[{"Cidr":"10.0.0.0/16"}]}"#,
        &Scope::default(),
    )
    .expect("ok");
    assert_eq!(
        by_name.topology.prefix_lists[0].id.as_str(),
        "pl-0123456abcabcabc1"
    );
    let untied = read_ok(r#"{"Entries":[{"Cidr":"10.0.0.0/16"}]}"#);
    assert_eq!(untied.sections, ["Entries"]);
    assert!(untied.topology.prefix_lists.is_empty());
    assert_eq!(paths(&untied, Severity::Warning), ["Entries"]);
    let bad =
        read_ok(r#"{"Entries":[{"Cidr":"10.0.0.0/99"}],"PrefixListId":"pl-0123456abcabcabc1"}"#);
    assert_eq!(paths(&bad, Severity::Error), ["Entries[0].Cidr"]);

    // Merge: metadata + entries become one list.
    let mut t = meta;
    t.extend(tied.topology);
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(t.prefix_lists.len(), 2);
    let pl = &t.prefix_lists[1];
    assert_eq!(pl.max_entries, Some(10));
    assert_eq!(pl.entries.as_ref().map(Vec::len), Some(1));
}

#[test]
fn list_id_in_file_names() {
    let cases: &[(&str, Option<&str>)] = &[
        ("pl-0123456abcabcabc1.json", Some("pl-0123456abcabcabc1")),
        ("dir/entries.pl-63a5400a.json", Some("pl-63a5400a")),
        ("get-managed-prefix-list-entries.example1.json", None),
        ("pl-123.json", None),
        ("apl-63a5400a.json", None),
        ("pl-63a5400ax.json", None),
    ];
    for (name, want) in cases {
        assert_eq!(
            lower::list_id_in_file_name(name).as_deref(),
            *want,
            "{name}"
        );
    }
    assert_eq!(
        lower::id_in_file_name("mt/fsmt-0a1b2c3d.json", "fsmt-").as_deref(),
        Some("fsmt-0a1b2c3d")
    );
    assert_eq!(lower::id_in_file_name("pl-0a1b2c3d.json", "fsmt-"), None);
}

#[test]
fn scope_is_kept_and_owner_recorded() {
    let scope = Scope {
        account: None,
        region: Some("us-east-1".into()),
    };
    let doc = read(
        &file(),
        br#"{"Subnets":[{"SubnetId":"subnet-1","CidrBlock":"10.0.0.0/24","OwnerId":"111122223333"}]}"#,
        &scope,
    )
    .expect("ok");
    assert_eq!(doc.topology.subnets[0].scope, scope);
    assert_eq!(
        doc.topology.subnets[0].owner.as_ref().map(|o| o.as_str()),
        Some("111122223333")
    );
}

#[test]
fn never_panics_on_odd_shapes() {
    for json in [
        "{}",
        "[]",
        "null",
        r#"{"SecurityGroups": null}"#,
        r#"{"SecurityGroups": [{}]}"#,
        r#"{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": null}]}"#,
        r#"{"Reservations": [{"Instances": null}]}"#,
        r#"{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{}]}]}"#,
        r#"{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{}]}]}"#,
        r#"[{"GroupId": "sg-1", "IpPermissions": []}, 3]"#,
        "\u{feff}{}",
    ] {
        let _ = read(&file(), json.as_bytes(), &Scope::default());
    }
}

#[test]
fn truncated_and_corrupted_inputs_never_panic() {
    let json = r#"{"status_code":200,"data":{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[
        {"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8","Description":"x\u00e9"}],
         "UserIdGroupPairs":[{"GroupId":"sg-2"}]}]}],
      "Reservations":[{"Instances":[{"InstanceId":"i-1","State":{"Code":16},
        "NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.0.1"}]}]}],
      "NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"RuleNumber":1,"Egress":false,"RuleAction":"allow",
        "Protocol":"6","CidrBlock":"0.0.0.0/0","PortRange":{"From":1,"To":2}}]}]}}"#;
    let bytes = json.as_bytes();
    for cut in 0..bytes.len() {
        let _ = read(&file(), &bytes[..cut], &Scope::default());
    }
    for i in 0..bytes.len() {
        for b in [b'"', b'[', b'{', b'}', b'-', b'9', 0xff] {
            let mut v = bytes.to_vec();
            v[i] = b;
            let _ = read(&file(), &v, &Scope::default());
        }
    }
    assert!(read(&file(), bytes, &Scope::default()).is_ok());
}

#[test]
fn other_services_name_the_groups_they_use() {
    // (document, kind, id, groups)
    let cases: &[(&str, UserKind, &str, &[&str])] = &[
        (
            r#"{"DBInstances":[{"DBInstanceIdentifier":"db1","VpcSecurityGroups":[{"VpcSecurityGroupId":"sg-1","Status":"active"}]}]}"#,
            UserKind::RdsInstance,
            "db1",
            &["sg-1"],
        ),
        (
            r#"{"DBClusters":[{"DBClusterIdentifier":"c1","VpcSecurityGroups":[{"VpcSecurityGroupId":"sg-1"},{"VpcSecurityGroupId":"sg-2"}]}]}"#,
            UserKind::RdsCluster,
            "c1",
            &["sg-1", "sg-2"],
        ),
        (
            r#"{"LoadBalancerDescriptions":[{"LoadBalancerName":"classic","SecurityGroups":["sg-1"]}]}"#,
            UserKind::LoadBalancer,
            "classic",
            &["sg-1"],
        ),
        (
            r#"{"LoadBalancers":[{"LoadBalancerName":"alb","Type":"application","SecurityGroups":["sg-2","sg-1"]}]}"#,
            UserKind::LoadBalancer,
            "alb",
            &["sg-2", "sg-1"],
        ),
        (
            r#"{"Functions":[{"FunctionName":"f","VpcConfig":{"SubnetIds":["subnet-1"],"SecurityGroupIds":["sg-1"]}}]}"#,
            UserKind::LambdaFunction,
            "f",
            &["sg-1"],
        ),
        (
            r#"{"Clusters":[{"ClusterIdentifier":"rs","VpcSecurityGroups":[{"VpcSecurityGroupId":"sg-1"}]}]}"#,
            UserKind::Cluster,
            "rs",
            &["sg-1"],
        ),
        (
            r#"{"Clusters":[{"ClusterName":"dax","SecurityGroups":[{"SecurityGroupIdentifier":"sg-1","Status":"active"}]}]}"#,
            UserKind::Cluster,
            "dax",
            &["sg-1"],
        ),
        (
            r#"{"CacheClusters":[{"CacheClusterId":"redis","SecurityGroups":[{"SecurityGroupId":"sg-1","Status":"active"}]}]}"#,
            UserKind::CacheCluster,
            "redis",
            &["sg-1"],
        ),
        (
            r#"{"DomainStatusList":[{"DomainName":"logs","VPCOptions":{"SecurityGroupIds":["sg-1"]}}]}"#,
            UserKind::SearchDomain,
            "logs",
            &["sg-1"],
        ),
        (
            r#"{"DomainStatus":{"DomainName":"one","VPCOptions":{"SecurityGroupIds":["sg-1"]}}}"#,
            UserKind::SearchDomain,
            "one",
            &["sg-1"],
        ),
        (
            r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","Groups":[{"GroupId":"sg-1","GroupName":"x"}]}]}"#,
            UserKind::VpcEndpoint,
            "vpce-1",
            &["sg-1"],
        ),
        (
            r#"{"status_code":200,"data":{"computeEnvironments":[{"computeEnvironmentName":"ce","computeResources":{"securityGroupIds":["sg-1"]}}]}}"#,
            UserKind::BatchEnvironment,
            "ce",
            &["sg-1"],
        ),
        (
            r#"{"LaunchTemplateVersions":[{"LaunchTemplateId":"lt-1","VersionNumber":3,"LaunchTemplateData":{"SecurityGroupIds":["sg-1"],"NetworkInterfaces":[{"Groups":["sg-2","sg-1"]}]}}]}"#,
            UserKind::LaunchTemplate,
            "lt-1:3",
            &["sg-1", "sg-2"],
        ),
        (
            r#"{"Clusters":[{"ClusterId":"cluster-hsm","SecurityGroup":"sg-1"}]}"#,
            UserKind::Cluster,
            "cluster-hsm",
            &["sg-1"],
        ),
        (
            r#"{"VpcEndpoints":[{"VpcEndpointId":"aos-1","VpcOptions":{"SecurityGroupIds":["sg-1"]}}]}"#,
            UserKind::VpcEndpoint,
            "aos-1",
            &["sg-1"],
        ),
        (
            r#"{"ClusterInfoList":[{"ClusterName":"kafka","BrokerNodeGroupInfo":{"ClientSubnets":["subnet-1"],"SecurityGroups":["sg-1"]}}]}"#,
            UserKind::Cluster,
            "kafka",
            &["sg-1"],
        ),
        (
            r#"{"services":[{"serviceName":"api","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}}}],"failures":[]}"#,
            UserKind::EcsService,
            "api",
            &["sg-1"],
        ),
        (
            r#"{"LaunchConfigurations":[{"LaunchConfigurationName":"lc","SecurityGroups":["sg-1"]}]}"#,
            UserKind::LaunchConfiguration,
            "lc",
            &["sg-1"],
        ),
        (
            r#"{"status_code":200,"data":{"Targets":[{"Id":"nightly","Arn":"arn:aws:ecs:us-east-1:1:cluster/c","EcsParameters":{"TaskCount":1,"NetworkConfiguration":{"awsvpcConfiguration":{"Subnets":["subnet-1"],"SecurityGroups":["sg-1"],"AssignPublicIp":"ENABLED"}}}}]}}"#,
            UserKind::EventTarget,
            "nightly",
            &["sg-1"],
        ),
        (
            r#"{"cluster":{"name":"prod","arn":"arn:aws:eks:us-east-1:1:cluster/prod","resourcesVpcConfig":{"subnetIds":["subnet-1"],"securityGroupIds":["sg-1"],"clusterSecurityGroupId":"sg-2","vpcId":"vpc-1"}}}"#,
            UserKind::EksCluster,
            "prod",
            &["sg-1", "sg-2"],
        ),
        (
            r#"{"SecurityGroupReferenceSet":[{"GroupId":"sg-1","ReferencingVpcId":"vpc-2","VpcPeeringConnectionId":"pcx-1"}]}"#,
            UserKind::PeeredVpc,
            "vpc-2",
            &["sg-1"],
        ),
        (
            r#"{"SecurityGroups":["sg-1","sg-2"],"MountTargetId":"fsmt-0123abcd"}"#,
            UserKind::EfsMountTarget,
            "fsmt-0123abcd",
            &["sg-1", "sg-2"],
        ),
        // Other services describe one resource with `SecurityGroups` ids beside its
        // name, in either order.
        (
            r#"{"NotebookInstanceName":"nb-1","SecurityGroups":["sg-1"],"SubnetId":"subnet-1"}"#,
            UserKind::NotebookInstance,
            "nb-1",
            &["sg-1"],
        ),
        (
            r#"{"SecurityGroups":["sg-1"],"NotebookInstanceArn":"arn:x","NotebookInstanceName":"nb-1"}"#,
            UserKind::NotebookInstance,
            "nb-1",
            &["sg-1"],
        ),
        (
            r#"{"BrokerName":"orders","SecurityGroups":["sg-1","sg-2"],"BrokerId":"b-1234"}"#,
            UserKind::MqBroker,
            "b-1234",
            &["sg-1", "sg-2"],
        ),
        (
            r#"{"SecurityGroups":["sg-1"],"BrokerName":"orders"}"#,
            UserKind::MqBroker,
            "orders",
            &["sg-1"],
        ),
        // The sgcheck key for a mount target wins over any other name.
        (
            r#"{"SecurityGroups":["sg-1"],"BrokerId":"b-1","MountTargetId":"fsmt-1"}"#,
            UserKind::EfsMountTarget,
            "fsmt-1",
            &["sg-1"],
        ),
    ];
    for (json, kind, id, groups) in cases {
        let doc = read_ok(json);
        assert!(doc.diagnostics.is_empty(), "{json}: {:?}", doc.diagnostics);
        let users = &doc.topology.group_users;
        assert_eq!(users.len(), 1, "{json}");
        let u = &users[0];
        assert_eq!((u.kind, u.id.as_str()), (*kind, *id), "{json}");
        let got: Vec<&str> = u.groups.iter().map(|g| g.as_str()).collect();
        assert_eq!(&got, groups, "{json}");
        assert!(!doc.sections.is_empty(), "{json}");
        assert!(
            doc.sections.iter().all(|s| is_service_section(s)),
            "{json}: {:?}",
            doc.sections
        );
    }
}

#[test]
fn group_users_without_groups_are_not_kept_and_odd_values_are_said() {
    // A common word as a key (`services`) holding scalars is another document's.
    let doc = read_ok(r#"{"services":["web","db"]}"#);
    assert!(doc.sections.is_empty(), "{:?}", doc.sections);
    assert!(doc.diagnostics.is_empty());
    // A Lambda function outside a VPC names no group: nothing to keep, nothing to say.
    let doc = read_ok(
        r#"{"Functions":[{"FunctionName":"f"},{"FunctionName":"g","VpcConfig":{"SecurityGroupIds":[]}}]}"#,
    );
    assert!(doc.topology.group_users.is_empty());
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(doc.sections, ["Functions"]);
    // A launch template naming a group by name, a value that is not a group id, and an
    // element without a name: each is a warning at its path; the ids are kept.
    let doc = read_ok(
        r#"{"LaunchTemplateVersions":[{"LaunchTemplateName":"web","LaunchTemplateData":{"SecurityGroups":["default"],"SecurityGroupIds":["sg-1","web sg"]}}],
            "DBInstances":[{"VpcSecurityGroups":[{"VpcSecurityGroupId":"sg-2"}]}]}"#,
    );
    let users = &doc.topology.group_users;
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].id, "web");
    assert_eq!(users[0].groups, [crate::model::GroupId::from("sg-1")]);
    assert_eq!(users[1].id, "DBInstances[0]");
    assert_eq!(
        paths(&doc, Severity::Warning),
        [
            "LaunchTemplateVersions[0].LaunchTemplateData.SecurityGroups",
            "LaunchTemplateVersions[0]",
            "DBInstances[0]"
        ]
    );
    let text: Vec<String> = doc.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(text[0].contains(r#""default" by name"#), "{text:?}");
    assert!(
        text[1].contains(r#""web sg" is not a security group id"#),
        "{text:?}"
    );
    assert!(text[2].contains("RDS instance without a name"), "{text:?}");
    // A list of the wrong JSON type fails the file with a position, as for EC2 exports.
    let err = read(
        &file(),
        br#"{"LoadBalancers":[{"LoadBalancerName":"a","SecurityGroups":5}]}"#,
        &Scope::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("expected a list"), "{err}");
    let err = read(
        &file(),
        br#"{"LoadBalancers":[{"LoadBalancerName":"a","SecurityGroups":[7]}]}"#,
        &Scope::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("a security group id, or an object with a GroupId"),
        "{err}"
    );
}

#[test]
fn mount_target_groups_and_common_word_keys() {
    // describe-mount-target-security-groups names no mount target: the file name may,
    // else the list is named by its path, with a warning saying how to name it.
    let json = br#"{"SecurityGroups":["sg-1"]}"#;
    let named = Arc::from("exports/fsmt-0123abcd.json");
    let doc = read(&named, json, &Scope::default()).unwrap();
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(doc.topology.group_users[0].id, "fsmt-0123abcd");
    assert!(is_service_section(&doc.sections[0]), "{:?}", doc.sections);
    let doc = read_ok(r#"{"status_code":200,"data":{"SecurityGroups":["sg-1"]}}"#);
    let users = &doc.topology.group_users;
    assert_eq!(
        (users[0].kind, users[0].id.as_str()),
        (UserKind::EfsMountTarget, "data.SecurityGroups")
    );
    assert_eq!(paths(&doc, Severity::Warning), ["data.SecurityGroups"]);
    assert!(
        doc.diagnostics[0].message.contains("MountTargetId"),
        "{:?}",
        doc.diagnostics
    );
    // Groups and ids mixed fail the file at the element, as any wrong type does.
    for json in [
        r#"{"SecurityGroups":["sg-1",{"GroupId":"sg-2"}]}"#,
        r#"{"SecurityGroups":[{"GroupId":"sg-2"},"sg-1"]}"#,
    ] {
        let err = read(&file(), json.as_bytes(), &Scope::default()).unwrap_err();
        assert!(err.to_string().contains("SecurityGroups[1]"), "{err}");
    }
    // Groups are still groups, and an empty list is an (empty) groups section.
    let doc = read_ok(r#"{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[]}]}"#);
    assert_eq!(doc.topology.security_groups.len(), 1);
    assert!(doc.topology.group_users.is_empty());
    assert_eq!(
        read_ok(r#"{"SecurityGroups":[]}"#).sections,
        ["SecurityGroups"]
    );
    // `Targets` and `cluster` without a group are other documents' (a target group's
    // targets, ECS create-cluster, a Lambda target): not sections.
    for json in [
        r#"{"Targets":[{"Id":"i-0123","Port":80}]}"#,
        r#"{"Targets":[{"Id":"f","Arn":"arn:aws:lambda:us-east-1:1:function:f"}]}"#,
        r#"{"cluster":{"clusterName":"c","status":"ACTIVE"}}"#,
        r#"{"cluster":"c"}"#,
    ] {
        let doc = read_ok(json);
        assert!(doc.sections.is_empty(), "{json}: {:?}", doc.sections);
        assert!(
            doc.topology.group_users.is_empty() && doc.diagnostics.is_empty(),
            "{json}"
        );
    }
}

#[test]
fn a_resource_in_two_exports_is_kept_once_and_namesakes_are_all_kept() {
    let json = r#"{"DBInstances":[{"DBInstanceIdentifier":"db1","VpcSecurityGroups":[{"VpcSecurityGroupId":"sg-1"}]}]}"#;
    let mut t = read_ok(json).topology;
    t.extend(read_ok(json).topology);
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert_eq!(t.group_users.len(), 1);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Info);
    // A classic and a v2 load balancer may share a name: both keep their groups.
    let mut t = read_ok(
        r#"{"LoadBalancerDescriptions":[{"LoadBalancerName":"web","SecurityGroups":["sg-a"]}]}"#,
    )
    .topology;
    t.extend(
        read_ok(r#"{"LoadBalancers":[{"LoadBalancerName":"web","SecurityGroups":["sg-b"]}]}"#)
            .topology,
    );
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let groups: Vec<&str> = t
        .group_users
        .iter()
        .flat_map(|u| u.groups.iter().map(|g| g.as_str()))
        .collect();
    assert_eq!(groups, ["sg-a", "sg-b"]);
}

#[test]
fn cidrs_and_protocols_not_in_the_aws_form_are_errors() {
    // (CidrIp or IpProtocol value, what the error says); each skips its one rule.
    let cidr_cases: &[(&str, &str)] = &[
        ("10.0.0.1", "no prefix length"),
        (
            "010.0.0.0/8",
            "leading zero, which some tools read as octal",
        ),
        ("10.0.0.0/08", "a prefix length with a leading zero"),
        (" 10.0.0.0/8", "spaces"),
        ("10.0.0.0/8 ", "spaces"),
    ];
    for (cidr, why) in cidr_cases {
        let doc = read_ok(&sg_with(&format!(
            r#"{{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{{"CidrIp":"{cidr}"}}]}}"#
        )));
        assert!(doc.topology.security_groups[0].ingress.is_empty(), "{cidr}");
        assert_eq!(
            paths(&doc, Severity::Error),
            ["SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp"],
            "{cidr}"
        );
        assert!(
            doc.diagnostics[0].message.contains(why),
            "{cidr}: {:?}",
            doc.diagnostics
        );
    }
    // A value that is no CIDR at all gets the plain message.
    let doc = read_ok(&sg_with(
        r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"abc"}]}"#,
    ));
    assert_eq!(
        doc.diagnostics[0].message,
        "security group sg-1: expected a CIDR block such as 10.0.0.0/16 or 2001:db8::/32, found \"abc\""
    );
    // The AWS form, IPv6 included, is read without a word.
    let doc = read_ok(&sg_with(
        r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"},{"CidrIp":"10.100.0.0/16"}],"Ipv6Ranges":[{"CidrIpv6":"2001:db8:0::/48"}]}"#,
    ));
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(doc.topology.security_groups[0].ingress.len(), 3);
    // A protocol with spaces around it is an error; an upper-case name is read (the EC2
    // API takes names in any case).
    let doc = read_ok(&sg_with(
        r#"{"IpProtocol":"tcp ","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}"#,
    ));
    assert_eq!(
        paths(&doc, Severity::Error),
        ["SecurityGroups[0].IpPermissions[0].IpProtocol"]
    );
    assert!(doc.diagnostics[0].message.contains("(spaces around it)"));
    let doc = read_ok(&sg_with(
        r#"{"IpProtocol":"TCP","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}"#,
    ));
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(only_rule(&doc).protocol, Protocol::Tcp);
}

/// The rules of the only group of `doc`, as `(direction, text)` in order.
fn rule_texts(doc: &AwsDoc) -> Vec<String> {
    let g = &doc.topology.security_groups[0];
    g.ingress
        .iter()
        .chain(&g.egress)
        .map(|r| format!("{:?} {:?} {:?} {:?}", r.direction, r.protocol, r.l4, r.peer))
        .collect()
}

#[test]
fn config_select_results_read_as_the_describe_output_they_mirror() {
    // select-resource-config: each result a JSON document in a string; Config writes
    // ports as 22.0, and CIDRs twice (`ipRanges` strings and `ipv4Ranges` objects).
    let config = r#"{"status_code":200,"data":{"Results":["{\"configuration\":{\"groupName\":\"web\",\"groupId\":\"sg-1\",\"vpcId\":\"vpc-1\",\"ownerId\":\"111122223333\",\"ipPermissions\":[{\"ipRanges\":[\"0.0.0.0/0\",\"10.0.0.0/8\"],\"prefixListIds\":[{\"prefixListId\":\"pl-11111111\"}],\"fromPort\":22.0,\"toPort\":22.0,\"userIdGroupPairs\":[{\"groupId\":\"sg-2\",\"userId\":\"111122223333\"}],\"ipProtocol\":\"tcp\",\"ipv4Ranges\":[{\"cidrIp\":\"0.0.0.0/0\",\"description\":\"world\"}],\"ipv6Ranges\":[{\"cidrIpv6\":\"::/0\"}]}],\"ipPermissionsEgress\":[{\"ipProtocol\":\"-1\",\"ipRanges\":[\"0.0.0.0/0\"]}],\"tags\":[{\"key\":\"a\",\"value\":\"b\"}]},\"supplementaryConfiguration\":{}}"],"QueryInfo":{}}}"#;
    let describe = r#"{"SecurityGroups":[{"GroupName":"web","GroupId":"sg-1","VpcId":"vpc-1","OwnerId":"111122223333",
        "IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,
            "IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"world"},{"CidrIp":"10.0.0.0/8"}],
            "Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[{"PrefixListId":"pl-11111111"}],
            "UserIdGroupPairs":[{"GroupId":"sg-2","UserId":"111122223333"}]}],
        "IpPermissionsEgress":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}"#;
    let (c, d) = (read_ok(config), read_ok(describe));
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(c.sections, ["Results (AWS Config)"]);
    assert_eq!(rule_texts(&c), rule_texts(&d));
    assert_eq!(rule_texts(&c).len(), 6);
    let (gc, gd) = (
        &c.topology.security_groups[0],
        &d.topology.security_groups[0],
    );
    assert_eq!((&gc.id, &gc.name, &gc.vpc), (&gd.id, &gd.name, &gd.vpc));
    assert_eq!(
        gc.ingress[0].origin.location,
        Location::JsonPath {
            path: "data.Results[0].configuration.IpPermissions[0].IpRanges[0]".into()
        }
    );
}

#[test]
fn config_items_of_every_ec2_type_and_what_is_skipped() {
    // A Config snapshot (configuration objects), with an ENI, an instance, a deleted
    // group (no configuration) and a bucket (not read); batch-get-resource-config
    // (configuration as a string).
    let snapshot = r#"{"fileVersion":"1.0","configurationItems":[
        {"resourceType":"AWS::EC2::NetworkInterface","resourceId":"eni-1","configuration":{
            "networkInterfaceId":"eni-1","subnetId":"subnet-1","vpcId":"vpc-1","availabilityZone":"us-east-1a",
            "privateIpAddress":"10.0.0.5","groups":[{"groupId":"sg-1","groupName":"web"}],
            "association":{"publicIp":"1.2.3.4"},"interfaceType":"interface","status":"in-use",
            "attachment":{"instanceId":"i-1","deviceIndex":0.0,"status":"attached"},
            "privateIpAddresses":[{"privateIpAddress":"10.0.0.5","primary":true,"association":{"publicIp":"1.2.3.4"}}]}},
        {"resourceType":"AWS::EC2::Instance","resourceId":"i-1","configuration":{
            "instanceId":"i-1","instanceType":"t3.micro","state":{"code":16,"name":"running"},
            "placement":{"availabilityZone":"us-east-1a"},"subnetId":"subnet-1","vpcId":"vpc-1",
            "networkInterfaces":[{"networkInterfaceId":"eni-1","privateIpAddress":"10.0.0.5",
                "groups":[{"groupId":"sg-1"}],"attachment":{"deviceIndex":0,"status":"attached"}}]}},
        {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-9","configurationItemStatus":"ResourceDeleted","configuration":null},
        {"resourceType":"AWS::S3::Bucket","resourceId":"b","configuration":{"name":"b"}}]}"#;
    let doc = read_ok(snapshot);
    // The deleted group is said (info), not read.
    assert_eq!(paths(&doc, Severity::Info), ["configurationItems[2]"]);
    assert_eq!(doc.diagnostics.len(), 1, "{:?}", doc.diagnostics);
    let t = &doc.topology;
    // The ENI item, then the instance's copy of it (`merge` pools them).
    assert_eq!(
        (t.enis.len(), t.instances.len(), t.security_groups.len()),
        (2, 1, 0)
    );
    assert!(t.enis.iter().all(|e| e.id.as_str() == "eni-1"));
    let eni = &t.enis[0];
    assert_eq!(eni.groups, [crate::model::GroupId::from("sg-1")]);
    assert_eq!(eni.az.as_deref(), Some("us-east-1a"));
    assert!(eni.attachment.is_some());
    assert_eq!(t.instances[0].state, InstanceState::Running);
    let batch = r#"{"baseConfigurationItems":[{"resourceType":"AWS::EC2::Volume","configuration":"{\"volumeId\":\"vol-1\",\"size\":8,\"availabilityZone\":\"us-east-1a\",\"state\":\"available\",\"volumeType\":\"gp3\",\"attachments\":[]}"}]}"#;
    assert_eq!(read_ok(batch).topology.volumes.len(), 1);
    // A query that selected only some fields: not read, with a warning.
    let doc = read_ok(
        r#"{"Results":["{\"resourceId\":\"sg-1\",\"configuration\":{\"ipPermissions\":[]}}"]}"#,
    );
    assert!(doc.topology.security_groups.is_empty());
    assert_eq!(paths(&doc, Severity::Warning), ["Results[0].configuration"]);
    // `Results` of other documents (scalars, plain strings) is not a section.
    for json in [
        r#"{"Results":[1,2]}"#,
        r#"{"Results":["ok","done"]}"#,
        r#"{"Results":[{"Name":"x"}]}"#,
    ] {
        let doc = read_ok(json);
        assert!(doc.sections.is_empty(), "{json}: {:?}", doc.sections);
    }
}

#[test]
fn config_items_that_cannot_be_read_are_errors_at_their_path() {
    let json = r#"{"Results":[
        "{\"configuration\":{\"groupId\":\"sg-1\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":\"22\",\"toPort\":22,\"ipv4Ranges\":[{\"cidrIp\":\"0.0.0.0/0\"}]}]}}",
        "{\"configuration\":{\"groupId\":",
        "{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"configuration\":{\"groupName\":\"x\"}}",
        "{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"configuration\":\"{bad\"}",
        "{\"configuration\":{\"groupId\":\"sg-2\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22.5,\"toPort\":22,\"ipRanges\":[\"10.0.0.0/33\"]}]}}",
        "{\"configuration\":{\"groupId\":\"sg-3\",\"ipPermissions\":[]}}"]}"#;
    let doc = read_ok(json);
    assert_eq!(
        paths(&doc, Severity::Error),
        [
            "Results[0].configuration.IpPermissions[0].FromPort",
            "Results[1]",
            "Results[2].configuration",
            "Results[3].configuration",
            "Results[4].configuration.IpPermissions[0].FromPort",
        ]
    );
    let text: Vec<&str> = doc.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        text[0].contains("expected an integer, found the string \"22\""),
        "{text:?}"
    );
    assert!(text[1].contains("not valid JSON"), "{text:?}");
    assert!(text[2].contains("AWS::EC2::SecurityGroup"), "{text:?}");
    // The readable item is kept.
    let ids: Vec<&str> = doc
        .topology
        .security_groups
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(ids, ["sg-3"]);
}

/// A select-resource-config document of one group, in one JSON string.
fn config_group(group: &str, port: u16, extra: &str) -> String {
    let conf = format!(
        r#"{{"configuration":{{"groupId":"{group}","groupName":"g","vpcId":"vpc-1","ipPermissions":[{{"ipProtocol":"tcp","fromPort":{port}.0,"toPort":{port}.0,"ipv4Ranges":[{{"cidrIp":"0.0.0.0/0"}}]}}],"ipPermissionsEgress":[]}}{extra}}}"#
    );
    serde_json::json!({ "Results": [conf] }).to_string()
}

/// A Config file (`config.json`) and a describe-* file (`ec2.json`) read in the given
/// order, merged.
fn merged(config: &str, describe: &str, config_first: bool) -> (Topology, Vec<Diagnostic>) {
    let c = read(
        &Arc::from("config.json"),
        config.as_bytes(),
        &Scope::default(),
    )
    .unwrap();
    let d = read(
        &Arc::from("ec2.json"),
        describe.as_bytes(),
        &Scope::default(),
    )
    .unwrap();
    let (mut t, other) = if config_first {
        (c.topology, d.topology)
    } else {
        (d.topology, c.topology)
    };
    t.extend(other);
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    (t, diags)
}

#[test]
fn a_live_describe_copy_wins_over_a_config_copy() {
    let config = config_group("sg-1", 443, "");
    let describe = r#"{"SecurityGroups":[{"GroupId":"sg-1","GroupName":"g","VpcId":"vpc-1","IpPermissions":[
        {"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}"#;
    // Config read first (its file name sorts first), describe second, and the reverse.
    for config_first in [true, false] {
        let (t, diags) = merged(&config, describe, config_first);
        assert_eq!(t.security_groups.len(), 1);
        let g = &t.security_groups[0];
        assert_eq!(
            g.origin.file.as_ref(),
            "ec2.json",
            "config first: {config_first}"
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("different content"), "{diags:?}");
    }
}

#[test]
fn config_history_reads_the_newest_item_and_no_deleted_resource() {
    let item = |time: &str, port: u16, status: &str| {
        let conf = if status == "OK" {
            format!(
                r#"{{"groupId":"sg-1","ipPermissions":[{{"ipProtocol":"tcp","fromPort":{port},"toPort":{port},"ipv4Ranges":[{{"cidrIp":"10.0.0.0/8"}}]}}]}}"#
            )
        } else {
            "null".to_string()
        };
        format!(
            r#"{{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configurationItemStatus":"{status}","configurationItemCaptureTime":"{time}","configuration":{conf}}}"#
        )
    };
    // Oldest first (--chronological-order Forward): the newest is read, whatever its place.
    let doc = read_ok(&format!(
        r#"{{"configurationItems":[{},{},{}]}}"#,
        item("2024-01-01T00:00:00Z", 22, "OK"),
        item("2024-03-01T00:00:00Z", 443, "OK"),
        item("2024-02-01T00:00:00Z", 80, "OK")
    ));
    let groups = &doc.topology.security_groups;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].ingress[0].l4, L4::Ports(PortRange::single(443)));
    assert_eq!(paths(&doc, Severity::Info), ["configurationItems[0]"]);
    // The newest item is a deletion: nothing is read, and that is said.
    let doc = read_ok(&format!(
        r#"{{"configurationItems":[{},{}]}}"#,
        item("2024-03-01T00:00:00Z", 0, "ResourceDeleted"),
        item("2024-01-01T00:00:00Z", 22, "OK")
    ));
    assert!(doc.topology.security_groups.is_empty());
    assert_eq!(doc.diagnostics.len(), 2, "{:?}", doc.diagnostics);
    assert!(doc.diagnostics.iter().all(|d| d.severity == Severity::Info));
}

#[test]
fn config_items_take_the_file_scope_and_other_services_name_groups() {
    // An aggregator's accountId/awsRegion do not part an item from the describe-* copy
    // of the same group (a flat export has no scope): the file's scope is the item's.
    let extra = r#","accountId":"111122223333","awsRegion":"eu-west-1""#;
    let doc = read_ok(&config_group("sg-1", 22, extra));
    assert_eq!(doc.topology.security_groups[0].scope, Scope::default());
    // An RDS instance's item names its groups in `relationships` (`relationshipName`, or
    // `name` in files delivered to S3), with or without its
    // configuration selected; the VPC that "Contains" a group and Config's own
    // compliance records ("Is associated with ") do not use it.
    let snapshot = r#"{"configurationItems":[
        {"resourceType":"AWS::RDS::DBInstance","resourceId":"db-ABC","resourceName":"orders","configuration":{"dBInstanceIdentifier":"orders"},
         "relationships":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","relationshipName":"Is associated with SecurityGroup"}]},
        {"resourceType":"AWS::ElasticLoadBalancingV2::LoadBalancer","resourceId":"arn:lb",
         "relationships":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-3","name":"Is associated with SecurityGroup"}]},
        {"resourceType":"AWS::S3::Bucket","resourceId":"b","configuration":{},"relationships":[]},
        {"resourceType":"AWS::Config::ResourceCompliance","resourceId":"AWS::EC2::SecurityGroup/sg-4","configuration":{},
         "relationships":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-4","relationshipName":"Is associated with "}]},
        {"resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","configuration":{"vpcId":"vpc-1","cidrBlock":"10.0.0.0/16"},
         "relationships":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-2","relationshipName":"Contains SecurityGroup"}]}]}"#;
    let doc = read_ok(snapshot);
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    let users: Vec<(UserKind, &str, &str)> = doc
        .topology
        .group_users
        .iter()
        .map(|u| (u.kind, u.id.as_str(), u.groups[0].as_str()))
        .collect();
    assert_eq!(
        users,
        [
            (
                UserKind::ConfigResource,
                "AWS::RDS::DBInstance orders",
                "sg-1"
            ),
            (
                UserKind::ConfigResource,
                "AWS::ElasticLoadBalancingV2::LoadBalancer arn:lb",
                "sg-3"
            ),
        ]
    );
    assert_eq!(doc.topology.vpcs.len(), 1);
}

#[test]
fn config_history_keys_and_capture_times() {
    // The same group in two accounts is two resources, not two versions of one.
    let item = |account: &str, time: &str, port: u16| {
        format!(
            r#"{{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","accountId":"{account}","configurationItemCaptureTime":{time},"configuration":{{"groupId":"sg-1","ipPermissions":[{{"ipProtocol":"tcp","fromPort":{port},"toPort":{port},"ipv4Ranges":[{{"cidrIp":"10.0.0.0/8"}}]}}]}}}}"#
        )
    };
    let doc = read_ok(&format!(
        r#"{{"configurationItems":[{},{}]}}"#,
        item("111122223333", r#""2024-01-01T00:00:00Z""#, 22),
        item("222233334444", r#""2023-01-01T00:00:00Z""#, 80)
    ));
    assert_eq!(doc.topology.security_groups.len(), 2);
    // Fractions, offsets and numbers compare as times, not as text.
    for (older, newer) in [
        (r#""2024-01-01T00:00:00Z""#, r#""2024-01-01T00:00:00.500Z""#),
        (
            r#""2024-01-01T01:00:00+02:00""#,
            r#""2024-01-01T00:00:00Z""#,
        ),
        (r#""2024-01-01T00:00:00Z""#, "1704067201"),
        ("1704067199.5", r#""2024-01-01T00:00:00Z""#),
    ] {
        for order in [[older, newer], [newer, older]] {
            let ports = [(order[0], if order[0] == newer { 443 } else { 22 })];
            let doc = read_ok(&format!(
                r#"{{"configurationItems":[{},{}]}}"#,
                item("1", ports[0].0, ports[0].1),
                item("1", order[1], if order[1] == newer { 443 } else { 22 })
            ));
            let g = &doc.topology.security_groups;
            assert_eq!(g.len(), 1, "{older} {newer}");
            assert_eq!(
                g[0].ingress[0].l4,
                L4::Ports(PortRange::single(443)),
                "{older} {newer}"
            );
        }
    }
    // A time that cannot be read: the first item is read, and that is a warning.
    let doc = read_ok(&format!(
        r#"{{"configurationItems":[{},{}]}}"#,
        item("1", r#""2024-01-01T00:00Z""#, 22),
        item("1", r#""2024-02-01T00:00:00Z""#, 443)
    ));
    assert_eq!(paths(&doc, Severity::Warning), ["configurationItems[1]"]);
    assert!(doc.diagnostics[0].message.contains("may not be the newest"));
    assert_eq!(
        raw::capture_time(&serde_json::json!("1970-01-02T00:00:00Z")),
        Some(86_400.0)
    );
    assert_eq!(raw::capture_time(&serde_json::json!("yesterday")), None);
}

#[test]
fn config_quirks_partial_selects_and_keys_that_are_not_configs() {
    // A select of some fields only is said (QueryInfo names what was selected).
    let partial = r#"{"Results":["{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"configuration\":{\"groupId\":\"sg-1\",\"ipPermissions\":[]}}"],
        "QueryInfo":{"SelectFields":[{"Name":"resourceType"},{"Name":"configuration.groupId"},{"Name":"configuration.ipPermissions"}]}}"#;
    let doc = read_ok(partial);
    assert_eq!(paths(&doc, Severity::Warning), ["Results"]);
    // `ipv4Ranges: null` beside `ipRanges` strings: the strings are the rule's peers.
    let doc = read_ok(
        r#"{"Results":["{\"configuration\":{\"groupId\":\"sg-1\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"ipv4Ranges\":null,\"ipRanges\":[\"0.0.0.0/0\"]}]}}"]}"#,
    );
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(doc.topology.security_groups[0].ingress.len(), 1);
    // An object among Config items that is none is said.
    let doc = read_ok(&format!(
        r#"{{"Results":[{{"GroupId":"sg-9","IpPermissions":[]}},"{}"]}}"#,
        r#"{\"configuration\":{\"groupId\":\"sg-1\",\"ipPermissions\":[]}}"#
    ));
    assert_eq!(paths(&doc, Severity::Warning), ["Results[0]"]);
    assert_eq!(doc.topology.security_groups.len(), 1);
    // `Results`, `Targets` and `cluster` that hold no Config item or group user are
    // wrappers, as any other top-level key is; an ENI under `cluster` is an ENI.
    let eni = r#"{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.0.5","Groups":[{"GroupId":"sg-1"}]}"#;
    for json in [
        format!(r#"{{"cluster":[{eni}]}}"#),
        format!(r#"{{"Targets":[{eni}]}}"#),
    ] {
        let doc = read_ok(&json);
        assert_eq!(doc.topology.enis.len(), 1, "{json}");
        assert!(doc.topology.group_users.is_empty(), "{json}");
    }
    let sg = r#"{"GroupId":"sg-1","IpPermissions":[]}"#;
    for json in [
        format!(r#"{{"Results":[{sg}]}}"#),
        format!(r#"{{"Results":{{"SecurityGroups":[{sg}]}}}}"#),
        format!(r#"{{"configurationItems":{{"SecurityGroups":[{sg}]}}}}"#),
        format!(r#"{{"Targets":{{"SecurityGroups":[{sg}]}}}}"#),
        format!(r#"{{"cluster":[{sg}]}}"#),
    ] {
        let doc = read_ok(&json);
        assert_eq!(doc.topology.security_groups.len(), 1, "{json}");
    }
    // A target whose own ECS parameters do not read fails the file, at its element.
    let err = read(
        &file(),
        br#"{"data":{"Targets":[{"Id":"t","EcsParameters":{"NetworkConfiguration":{"awsvpcConfiguration":{"SecurityGroups":5}}}}]}}"#,
        &Scope::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("data.Targets[0]: "), "{err}");
    // A field only some services have, of another type in this one, is not an error.
    let doc = read_ok(
        r#"{"services":[{"serviceName":"web","Id":5,"name":{"x":1},"networkConfiguration":{"awsvpcConfiguration":{"securityGroups":["sg-1"]}}}]}"#,
    );
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(doc.topology.group_users.len(), 1);
    // The mount target's id inside a placebo wrapper.
    let doc = read_ok(
        r#"{"status_code":200,"data":{"MountTargetId":"fsmt-0123abcd","SecurityGroups":["sg-1"]}}"#,
    );
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(doc.topology.group_users[0].id, "fsmt-0123abcd");
}

#[test]
fn a_config_eni_is_not_pooled_with_the_live_one() {
    let live = r#"{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.0.5","Groups":[{"GroupId":"sg-1"}]}]}"#;
    let config = r#"{"configurationItems":[{"resourceType":"AWS::EC2::NetworkInterface","resourceId":"eni-1","configuration":{
        "networkInterfaceId":"eni-1","privateIpAddress":"10.0.0.5","groups":[{"groupId":"sg-2"}],"association":{"publicIp":"1.2.3.4"}}}]}"#;
    for config_first in [true, false] {
        let (t, diags) = merged(config, live, config_first);
        assert_eq!(t.enis.len(), 1);
        assert_eq!(t.enis[0].groups, [crate::model::GroupId::from("sg-1")]);
        assert!(t.enis[0].public_ips().next().is_none());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].severity, Severity::Info);
    }
}

#[test]
fn a_group_read_with_and_without_scope_is_said() {
    let json = r#"{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[]}]}"#;
    let scoped = Scope {
        account: Some(crate::model::AccountId::from("prod")),
        region: Some("us-east-1".into()),
    };
    let mut t = read_ok(json).topology;
    t.extend(
        read(&Arc::from("b.json"), json.as_bytes(), &scoped)
            .unwrap()
            .topology,
    );
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert_eq!(t.security_groups.len(), 2);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].message.contains("in prod/us-east-1 from b.json"),
        "{diags:?}"
    );
    // An account folder without regions beside one with them; ENIs too.
    let eni = r#"{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddress":"10.0.0.5","Groups":[{"GroupId":"sg-1"}]}]}"#;
    let account_only = Scope {
        account: Some(crate::model::AccountId::from("prod")),
        region: None,
    };
    let mut t = read(&Arc::from("a.json"), json.as_bytes(), &account_only)
        .unwrap()
        .topology;
    t.extend(
        read(&Arc::from("b.json"), json.as_bytes(), &scoped)
            .unwrap()
            .topology,
    );
    t.extend(
        read(&Arc::from("c.json"), eni.as_bytes(), &Scope::default())
            .unwrap()
            .topology,
    );
    t.extend(
        read(&Arc::from("d.json"), eni.as_bytes(), &scoped)
            .unwrap()
            .topology,
    );
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    let said: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].starts_with("a.json") && said[0].contains("read here in prod,"),
        "{said:?}"
    );
    assert!(
        said[1].starts_with("c.json") && said[1].contains("ENI eni-1"),
        "{said:?}"
    );
    // Both scoped (two accounts), or both not: nothing to say.
    let mut t = read(&Arc::from("a.json"), json.as_bytes(), &scoped)
        .unwrap()
        .topology;
    let other = Scope {
        account: Some(crate::model::AccountId::from("dev")),
        region: None,
    };
    t.extend(
        read(&Arc::from("b.json"), json.as_bytes(), &other)
            .unwrap()
            .topology,
    );
    let mut diags = Vec::new();
    merge(&mut t, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
}
