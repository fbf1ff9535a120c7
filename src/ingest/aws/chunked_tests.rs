//! The chunked reader against the sequential one: same objects, order, origins, diagnostics
//! and errors, on generated and hand-written documents, with chunks small enough that every
//! document here is split.

use super::chunked::{Chunking, Split, Windows};
use super::*;
use crate::synth::{Synth, to_aws_pretty};
use proptest::prelude::*;
use serde_json::{Value, json};

fn file() -> Arc<str> {
    Arc::from("big.json")
}

/// Asserts the chunked read (chunks of about `chunk` bytes) equals the sequential one.
fn same(text: &str, chunk: usize) {
    same_bytes(text.as_bytes(), chunk);
}

fn same_bytes(bytes: &[u8], chunk: usize) {
    let whole = read_whole(&file(), bytes, &Scope::default());
    // Read from a file in windows (head, margin and blocks small enough to cut
    // everything here), when that does not give up: the same as the whole read.
    for windows in [
        Windows {
            head: 64 + 3 * chunk,
            margin: 3,
            block: 7,
        },
        Windows {
            head: 1 << 20,
            margin: 64,
            block: chunk.max(1),
        },
    ] {
        if let Some(b) = windowed(bytes, chunk, windows) {
            let Ok(a) = &whole else {
                panic!("chunk {chunk}: the sequential read fails, the windowed one not");
            };
            assert_eq!(a.sections, b.sections, "windowed sections, chunk {chunk}");
            assert_eq!(
                a.lists_interfaces, b.lists_interfaces,
                "windowed list of interfaces, chunk {chunk}"
            );
            assert_eq!(
                a.diagnostics, b.diagnostics,
                "windowed diagnostics, chunk {chunk}"
            );
            assert!(
                a.topology == b.topology,
                "windowed topology differs, chunk {chunk}"
            );
        }
    }
    let split = read_with(&file(), bytes, &Scope::default(), Chunking::always(chunk));
    match (whole, split) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.sections, b.sections, "sections, chunk {chunk}");
            assert_eq!(
                a.lists_interfaces, b.lists_interfaces,
                "list of interfaces, chunk {chunk}"
            );
            assert_eq!(a.diagnostics, b.diagnostics, "diagnostics, chunk {chunk}");
            assert!(a.topology == b.topology, "topology differs, chunk {chunk}");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "error, chunk {chunk}"),
        (a, b) => panic!(
            "chunk {chunk}: sequential {:?} but chunked {:?}",
            a.map(|d| d.sections),
            b.map(|d| d.sections)
        ),
    }
}

/// `bytes` read from a file in windows, or `None` when that gives up.
fn windowed(bytes: &[u8], chunk: usize, windows: Windows) -> Option<AwsDoc> {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut f, bytes).unwrap();
    read_path_with(
        &file(),
        f.path(),
        bytes.len(),
        &Scope::default(),
        Chunking::always(chunk),
        windows,
    )
}

#[test]
fn windowed_reads_take_pretty_lists_and_leave_the_rest() {
    let doc = synth_groups(30, 6);
    let pretty = to_aws_pretty(&doc);
    let narrow = Windows {
        head: 4096,
        margin: 16,
        block: 333,
    };
    let read = windowed(pretty.as_bytes(), 1000, narrow).expect("a pretty list is windowed");
    let whole = read_whole(&file(), pretty.as_bytes(), &Scope::default()).unwrap();
    assert!(read.topology == whole.topology);
    assert_eq!(read.topology.security_groups.len(), 30);
    // Compact lists, a head too short to reach past the list's start, a margin of blanks
    // only and a list that does not parse give up.
    let compact = serde_json::to_string(&doc).unwrap();
    assert!(windowed(compact.as_bytes(), 1000, narrow).is_none());
    let short = Windows {
        head: 100,
        ..narrow
    };
    assert!(windowed(pretty.as_bytes(), 1000, short).is_none());
    let padded = pretty.replace(",\n        {", &format!(",{}\n        {{", " ".repeat(400)));
    assert!(windowed(padded.as_bytes(), 1000, narrow).is_none());
    assert!(
        windowed(
            padded.as_bytes(),
            1000,
            Windows {
                margin: 1000,
                ..narrow
            }
        )
        .is_some()
    );
    let broken = pretty.replacen("\"FromPort\":", "\"FromPort\": [", 1);
    assert!(windowed(broken.as_bytes(), 1000, narrow).is_none());
}

/// How many chunks the list was read in (0: the chunked reader gave up).
fn chunks(text: &str, chunk: usize) -> usize {
    let bytes = text.as_bytes();
    Split::find(bytes, Chunking::always(chunk))
        .and_then(|s| {
            s.read(bytes, &file(), &Scope::default())
                .map(|l| l.parts.len())
        })
        .unwrap_or(0)
}

fn synth_groups(groups: usize, rules: usize) -> Value {
    Synth {
        groups,
        rules_per_group: rules,
        ..Synth::default()
    }
    .security_groups()
}

#[test]
fn synthetic_exports_read_the_same_split_or_not() {
    let groups = synth_groups(40, 12);
    let enis = Synth {
        groups: 40,
        enis: 30,
        ..Synth::default()
    }
    .network_interfaces();
    for (text, fused) in [
        (to_aws_pretty(&groups), true),
        (serde_json::to_string(&groups).unwrap(), false),
        (serde_json::to_string_pretty(&groups).unwrap(), true),
        (to_aws_pretty(&enis), true),
    ] {
        assert!(chunks(&text, 2000) > 3, "not split");
        let split = Split::find(text.as_bytes(), Chunking::always(2000)).expect("found");
        assert_eq!(split.fused(), fused);
        for chunk in [1, 100, 2000, 9000, 1 << 20] {
            same(&text, chunk);
        }
    }
}

#[test]
fn every_corpus_export_reads_the_same_in_chunks() {
    // The project's corpus and the shared one (real exports written by others): every
    // shape met in the wild, split as finely as possible.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("corpus"), root.join("../shared/corpus")] {
        collect_json(&dir, &mut files);
    }
    let mut split = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("readable");
        if bytes.len() > 2 << 20 {
            continue;
        }
        split += usize::from(Split::find(&bytes, Chunking::always(64)).is_some());
        for chunk in [1, 64, 1000] {
            same_bytes(&bytes, chunk);
        }
    }
    assert!(files.is_empty() || split > 0, "no corpus file was split");
}

fn collect_json(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_json(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[test]
fn reservations_keep_nested_instance_paths() {
    let reservations: Vec<Value> = (0..30)
        .map(|r| {
            let instances: Vec<Value> = (0..(r % 3 + 1))
                .map(|i| {
                    json!({
                        "InstanceId": format!("i-{r}-{i}"),
                        "InstanceType": "t3.micro",
                        "State": {"Code": 16, "Name": if i == 1 { "exploded" } else { "running" }},
                        "SubnetId": "subnet-1",
                        "PrivateIpAddress": if r == 17 { "10-0-0-1" } else { "10.0.0.1" },
                        "NetworkInterfaces": [{
                            "NetworkInterfaceId": format!("eni-{r}-{i}"),
                            "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.1", "Primary": true}],
                            "Groups": [{"GroupId": "sg-1"}],
                        }],
                    })
                })
                .collect();
            json!({"OwnerId": "111122223333", "ReservationId": format!("r-{r}"), "Instances": instances})
        })
        .collect();
    let text = to_aws_pretty(&json!({"Reservations": reservations}));
    assert!(chunks(&text, 700) > 5);
    for chunk in [1, 700, 3000] {
        same(&text, chunk);
    }
    let doc = read_with(
        &file(),
        text.as_bytes(),
        &Scope::default(),
        Chunking::always(700),
    )
    .expect("readable");
    assert!(
        doc.diagnostics
            .iter()
            .any(|d| d.origin.as_ref().is_some_and(|o| o
                .to_string()
                .ends_with("Reservations[28].Instances[1].State.Name"))),
        "{:#?}",
        doc.diagnostics
    );
    // Instances' interfaces are not a list of every interface.
    assert!(!doc.lists_interfaces);
}

#[test]
fn a_list_of_interfaces_read_in_chunks_is_one() {
    let enis: Vec<Value> = (0..40)
        .map(|i| json!({"NetworkInterfaceId": format!("eni-{i}"), "Groups": [{"GroupId": "sg-1"}]}))
        .collect();
    let text = to_aws_pretty(&json!({"NetworkInterfaces": enis}));
    assert!(chunks(&text, 500) > 5);
    same(&text, 500);
    // Read in chunks, and in windows from a file: neither path gives up here.
    let split = Split::find(text.as_bytes(), Chunking::always(500)).expect("split");
    let doc = read_split(&file(), text.as_bytes(), &Scope::default(), &split).expect("chunked");
    assert!(doc.lists_interfaces);
    assert_eq!(doc.topology.enis.len(), 40);
    let doc = windowed(text.as_bytes(), 500, Windows::DEFAULT).expect("windowed");
    assert!(doc.lists_interfaces);
    assert_eq!(doc.topology.enis.len(), 40);
    // One page of several: not the list, whichever way it is read.
    let enis = (0..40)
        .map(|i| json!({"NetworkInterfaceId": format!("eni-{i}")}))
        .collect::<Vec<_>>();
    let text = to_aws_pretty(&json!({"NetworkInterfaces": enis, "NextToken": "t"}));
    same(&text, 500);
    let split = Split::find(text.as_bytes(), Chunking::always(500)).expect("split");
    let doc = read_split(&file(), text.as_bytes(), &Scope::default(), &split).expect("chunked");
    assert!(!doc.lists_interfaces);
    assert_eq!(doc.diagnostics.len(), 1);
    let doc = windowed(text.as_bytes(), 500, Windows::DEFAULT).expect("windowed");
    assert!(!doc.lists_interfaces);
}

#[test]
fn global_indices_in_paths_and_lowering_diagnostics() {
    let mut groups = synth_groups(30, 4);
    // Bad values in late elements: the paths must carry the element's index in the list.
    groups["SecurityGroups"][27]["IpPermissions"][0]["IpRanges"] =
        json!([{"CidrIp": "10.0.0.0/33"}, {"CidrIp": "10.1.2.3/8"}]);
    groups["SecurityGroups"][29]
        .as_object_mut()
        .unwrap()
        .remove("GroupId");
    let text = to_aws_pretty(&groups);
    assert!(chunks(&text, 500) > 5);
    same(&text, 500);
    let doc = read_with(
        &file(),
        text.as_bytes(),
        &Scope::default(),
        Chunking::always(500),
    )
    .expect("readable");
    let at: Vec<String> = doc
        .diagnostics
        .iter()
        .filter_map(|d| d.origin.as_ref().map(ToString::to_string))
        .collect();
    assert!(
        at.iter()
            .any(|o| o.ends_with("SecurityGroups[27].IpPermissions[0].IpRanges[0].CidrIp")),
        "{at:?}"
    );
    assert!(
        at.iter().any(|o| o.ends_with(": SecurityGroups[29]")),
        "{at:?}"
    );
    let rule = &doc.topology.security_groups[20].ingress[0];
    assert!(
        rule.origin
            .to_string()
            .starts_with("big.json: SecurityGroups[20].IpPermissions"),
        "{}",
        rule.origin
    );
}

/// A group whose strings and unknown keys hold everything a byte scanner could trip on.
fn odd_group(i: usize) -> Value {
    json!({
        "Description": format!("odd \"}},\n    {{\" group {i} ]]] [[[ \\ \u{e9}\u{1F600}"),
        "GroupId": format!("sg-{i:08x}"),
        "GroupName": "{\"Description\": 1}, {",
        "Unknown": [[[{"SecurityGroups": [1, 2, {"a": "]"}]}]], {"x": [[], {}]}],
        "Tags": [{"Key": "k,{", "Value": "\\\"}"}],
        "IpPermissions": [{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "a\"b\\c\nd"}],
            "UserIdGroupPairs": [{"GroupId": "sg-1", "Description": "{\"GroupId\":\"x\"}"}],
        }],
        "IpPermissionsEgress": [],
    })
}

fn odd_groups(n: usize) -> Vec<Value> {
    (0..n).map(odd_group).collect()
}

#[test]
fn escaped_quotes_brackets_and_unknown_nesting() {
    let doc = json!({"SecurityGroups": odd_groups(25)});
    for text in [to_aws_pretty(&doc), serde_json::to_string(&doc).unwrap()] {
        assert!(chunks(&text, 300) > 5, "not split");
        for chunk in [1, 64, 300, 5000] {
            same(&text, chunk);
        }
    }
}

#[test]
fn placebo_wrapper_and_other_sections_around_the_list() {
    let doc = json!({
        "status_code": 200,
        "Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}],
        "data": {
            "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}],
            "SecurityGroups": odd_groups(20),
            "NextToken": null,
            "Instances": {"not": "a list"},
        },
        "ResponseMetadata": {"RequestId": "r-1", "HTTPHeaders": {"a": "[{"}},
        "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.1.5"}],
    });
    let text = to_aws_pretty(&doc);
    let split = Split::find(text.as_bytes(), Chunking::always(300)).expect("found");
    assert_eq!(split.path, "data.SecurityGroups");
    assert!(chunks(&text, 300) > 5);
    same(&text, 300);
    let read = read_with(
        &file(),
        text.as_bytes(),
        &Scope::default(),
        Chunking::always(300),
    )
    .expect("readable");
    assert_eq!(
        read.topology.security_groups[13].origin.to_string(),
        "big.json: data.SecurityGroups[13]"
    );
}

#[test]
fn unusual_layouts_fall_back_to_the_same_result() {
    let groups = odd_groups(12);
    let pretty = to_aws_pretty(&json!({"SecurityGroups": groups}));
    // The same key twice, a bare array, an escaped key, a list under a nested wrapper.
    let twice = format!(
        "{{\"SecurityGroups\": {}, \"SecurityGroups\": {}}}",
        to_aws_pretty(&groups),
        to_aws_pretty(&groups)
    );
    let bare = to_aws_pretty(&groups);
    let escaped = pretty.replacen("\"SecurityGroups\"", "\"Security\\u0047roups\"", 1);
    let deep = to_aws_pretty(&json!({"a": {"b": {"SecurityGroups": groups}}}));
    // Inner objects indented exactly like elements: wrong guesses, found out by parsing.
    let flat = pretty.replace("\n                ", "\n        ");
    for text in [&twice, &bare, &escaped, &deep, &flat] {
        for chunk in [1, 200, 3000] {
            same(text, chunk);
        }
    }
    // A repeated key: the first list splits, but the document is then read sequentially.
    let split = Split::find(twice.as_bytes(), Chunking::always(200)).expect("found");
    assert!(read_split(&file(), twice.as_bytes(), &Scope::default(), &split).is_none());
}

#[test]
fn miscounted_elements_fall_back() {
    // A nested object placed like an element (own line, element indentation, after a
    // comma) is counted as one: the parse then finds fewer elements and gives up.
    let mut text = String::from("{\n    \"SecurityGroups\": [\n");
    for i in 0..40 {
        if i == 3 {
            text.push_str("        {\"GroupId\": \"sg-3\", \"X\": [1,\n        {\"a\": 1}]},\n");
        } else {
            text.push_str(&format!("        {{\"GroupId\": \"sg-{i}\"}},\n"));
        }
    }
    text.push_str("        {\"GroupId\": \"sg-last\"}\n    ]\n}\n");
    for chunk in [1, 60, 200, 900] {
        let split = Split::find(text.as_bytes(), Chunking::always(chunk)).expect("found");
        assert!(split.fused());
        assert!(
            split
                .read(text.as_bytes(), &file(), &Scope::default())
                .is_none()
        );
        same(&text, chunk);
    }
    // Without the stray line it is read in chunks.
    let fine = text.replace("[1,\n        {", "[1, {");
    assert!(chunks(&fine, 60) > 5);
    same(&fine, 60);
}

#[test]
fn errors_in_late_elements_keep_the_sequential_message_and_position() {
    let text = to_aws_pretty(&synth_groups(30, 4));
    let late = text.rfind("\"FromPort\": ").expect("a port");
    let cases = [
        // A type error: the whole file fails with its line:column.
        format!(
            "{}\"FromPort\": \"22\"{}",
            &text[..late],
            &text[late + 15..]
        ),
        // Not JSON: a missing comma, a trailing comma, truncation, a stray byte.
        {
            let at = text.rfind("},\n        {").unwrap();
            format!("{}{}", &text[..=at], &text[at + 2..])
        },
        {
            let end = text.rfind(']').unwrap();
            let last = text[..end].rfind('}').unwrap();
            format!("{},{}", &text[..=last], &text[last + 1..])
        },
        text[..text.len() - 40].to_string(),
        format!("{}x{}", &text[..late], &text[late..]),
    ];
    for (i, case) in cases.iter().enumerate() {
        let whole = read_whole(&file(), case.as_bytes(), &Scope::default());
        let err = whole
            .as_ref()
            .err()
            .unwrap_or_else(|| panic!("case {i} reads"));
        assert!(
            matches!(
                err.origin.as_ref().map(|o| &o.location),
                Some(crate::model::Location::LineCol { line, .. }) if *line > 100
            ),
            "case {i}: {err}"
        );
        for chunk in [1, 500, 4000] {
            same(case, chunk);
        }
    }
    // Invalid UTF-8 in a late string.
    let mut bytes = text.clone().into_bytes();
    let desc = text.rfind("synthetic group").unwrap();
    bytes[desc + 2] = 0xff;
    let whole = read_whole(&file(), &bytes, &Scope::default()).expect_err("not UTF-8");
    let split = read_with(&file(), &bytes, &Scope::default(), Chunking::always(500))
        .expect_err("not UTF-8");
    assert_eq!(whole, split);
}

#[test]
fn documents_too_small_or_without_lists_are_not_split() {
    let small = to_aws_pretty(&synth_groups(3, 2));
    assert!(Split::find(small.as_bytes(), Chunking::DEFAULT).is_none());
    assert!(Split::find(b"[1, 2, 3]", Chunking::always(1)).is_none());
    assert!(Split::find(b"{\"a\": 1}", Chunking::always(1)).is_none());
    assert!(Split::find(b"{\"SecurityGroups\": []}", Chunking::always(1)).is_none());
    for text in [
        "",
        "{",
        "{\"SecurityGroups\": [",
        "{\"SecurityGroups\": [{}, ",
        "{\"a\": \"\\",
    ] {
        assert!(Split::find(text.as_bytes(), Chunking::always(1)).is_none());
        same(text, 1);
    }
}

// ---------------------------------------------------------------------------------------
// Generated documents

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 ./-]{0,12}",
        proptest::collection::vec(
            prop_oneof![
                Just("\"".to_string()),
                Just("\\".to_string()),
                Just("\n".to_string()),
                Just("{".to_string()),
                Just("}".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just(",".to_string()),
                Just("\u{e9}".to_string()),
                "[a-z]{1,3}",
            ],
            0..8
        )
        .prop_map(|v| v.concat()),
    ]
}

fn junk() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i32>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("[A-Z][a-z]{0,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn peer() -> impl Strategy<Value = (&'static str, Value)> {
    prop_oneof![
        (0u8..=255, 0u8..=40, text()).prop_map(|(a, len, d)| (
            "IpRanges",
            json!({"CidrIp": format!("{a}.0.0.0/{len}"), "Description": d})
        )),
        text().prop_map(|d| (
            "UserIdGroupPairs",
            json!({"GroupId": "sg-7", "Description": d})
        )),
        text().prop_map(|d| ("PrefixListIds", json!({"PrefixListId": d}))),
    ]
}

fn permission() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("tcp"), Just("-1"), Just("icmp"), Just("udpx")],
        -2i64..70000,
        -2i64..70000,
        proptest::collection::vec(peer(), 0..3),
    )
        .prop_map(|(proto, from, to, peers)| {
            let mut p = json!({"IpProtocol": proto, "FromPort": from, "ToPort": to});
            for (key, v) in peers {
                p.as_object_mut()
                    .unwrap()
                    .entry(key)
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .unwrap()
                    .push(v);
            }
            p
        })
}

fn group() -> impl Strategy<Value = Value> {
    (
        proptest::option::of("sg-[0-9a-f]{3}"),
        text(),
        proptest::collection::vec(permission(), 0..3),
        proptest::option::of(junk()),
    )
        .prop_map(|(id, desc, perms, junk)| {
            let mut g = json!({"Description": desc, "IpPermissions": perms});
            if let Some(id) = id {
                g["GroupId"] = json!(id);
            }
            if let Some(j) = junk {
                g["Zzz"] = j;
            }
            g
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_documents_read_the_same(
        groups in proptest::collection::vec(group(), 1..30),
        layout in 0u8..3,
        wrap in any::<bool>(),
        chunk in 1usize..600,
        corrupt in proptest::option::of((any::<prop::sample::Index>(), 0u8..3)),
    ) {
        let doc = if wrap {
            json!({"status_code": 200, "data": {"SecurityGroups": groups, "NextToken": null}})
        } else {
            json!({"SecurityGroups": groups})
        };
        let mut text = match layout {
            0 => to_aws_pretty(&doc),
            1 => serde_json::to_string(&doc).unwrap(),
            _ => serde_json::to_string_pretty(&doc).unwrap(),
        };
        if let Some((at, how)) = corrupt {
            // A type error, a syntax error or a lost byte, somewhere.
            let i = at.index(text.len());
            if text.is_char_boundary(i) {
                match how {
                    0 => text = text.replacen("\"FromPort\":", "\"FromPort\":\"x\",\"Y\":", 1),
                    1 => text.insert(i, '}'),
                    _ => {
                        text.remove(i);
                    }
                }
            }
        }
        same(&text, chunk);
    }
}

// ---------------------------------------------------------------------------------------
// The hand-written security-group reader against serde_json

/// When the fast reader accepts `text`, serde_json reads the same element, ending at the
/// same byte; returns whether the fast reader accepted it.
fn fast_agrees(text: &str) -> bool {
    use super::raw::RawSecurityGroup;
    let fast = super::fast::security_group(text, 0);
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<RawSecurityGroup>();
    let slow = stream.next();
    match (fast, slow) {
        (None, _) => false,
        (Some((g, end)), Some(Ok(s))) => {
            assert_eq!(format!("{g:?}"), format!("{s:?}"), "{text}");
            assert_eq!(end, stream.byte_offset(), "{text}");
            true
        }
        (Some(_), other) => {
            panic!("fast reader accepted what serde_json reads as {other:?}: {text}")
        }
    }
}

#[test]
fn fast_reader_takes_the_common_case_and_refuses_the_rest() {
    let accepted = [
        "{}",
        r#"{"GroupId": null, "IpPermissions": null, "VpcId": "vpc-1"}"#,
        "{\"GroupId\"\t:\r\n\"sg-1\" , \"IpPermissions\": [ ] }",
        r#"{"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535,
            "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "é 😀"}], "Ipv6Ranges": [],
            "PrefixListIds": [{"PrefixListId": "pl-1"}],
            "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "1", "VpcId": "v",
            "VpcPeeringConnectionId": "pcx", "PeeringStatus": "active", "Description": "d"}]}],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "FromPort": -1, "ToPort": -12}]}"#,
        r#"{"Tags": [{"Key": "a", "Value": [1, -0, 0, {"x": [true, false, null, {}]}]}], "GroupId": "a"}"#,
        r#"{"IpPermissions": [{"FromPort": 999999999999999999}]}"#,
        r#"{"GroupId": "a"}  trailing"#,
    ];
    for text in accepted {
        assert!(fast_agrees(text), "refused: {text}");
    }
    let deep = format!("{{\"X\": {}1{}}}", "[".repeat(40), "]".repeat(40));
    let refused = [
        r#"{"GroupId": "sg-1", "GroupId": "sg-2"}"#,
        r#"{"IpPermissions": [{"FromPort": -0}]}"#,
        r#"{"IpPermissions": [{"FromPort": 01}]}"#,
        r#"{"IpPermissions": [{"FromPort": 1.5}]}"#,
        r#"{"IpPermissions": [{"FromPort": 1e3}]}"#,
        r#"{"IpPermissions": [{"FromPort": 9999999999999999999}]}"#,
        r#"{"IpPermissions": [{"FromPort": "22"}]}"#,
        r#"{"IpPermissions": [{"IpRanges": [{"CidrIp": "x"},]}]}"#,
        r#"{"GroupId": "a",}"#,
        r#"{"GroupId": "a\"b"}"#,
        "{\"GroupId\": \"a\u{1}b\"}",
        r#"{"Group\u0049d": "a"}"#,
        r#"{"X": 1.5, "GroupId": "a"}"#,
        r#"{"GroupId": nul}"#,
        r#"{"GroupId": "a" "VpcId": "b"}"#,
        r#"{"GroupId": "a""#,
        r#"[{"GroupId": "a"}]"#,
        &deep,
    ];
    for text in refused {
        assert!(!fast_agrees(text), "accepted: {text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fast_reader_agrees_with_serde_json(
        g in group(),
        layout in 0u8..3,
        edit in proptest::option::of((any::<prop::sample::Index>(), 0u8..4, any::<prop::sample::Index>())),
    ) {
        let mut text = match layout {
            0 => to_aws_pretty(&g),
            1 => serde_json::to_string(&g).unwrap(),
            _ => serde_json::to_string_pretty(&g).unwrap(),
        };
        if let Some((at, how, pick)) = edit {
            // Damage it: a stray or missing byte, a float, a repeated key.
            let i = at.index(text.len());
            let bytes = [",", "]", "}", "\"", "\\", "0", "-", ".", "e", " ", "\u{1}", "n"];
            if text.is_char_boundary(i) {
                match how {
                    0 => text.insert_str(i, bytes[pick.index(bytes.len())]),
                    1 => {
                        text.remove(i);
                    }
                    2 => text = text.replacen(": 22", ": 22.0", 1).replacen(":22", ":-0", 1),
                    _ => text = text.replacen("{", "{\"Description\": \"x\", ", 1),
                }
            }
        }
        fast_agrees(&text);
    }
}
