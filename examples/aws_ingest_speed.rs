//! Throughput of the AWS JSON ingest on a synthetic, pretty-printed
//! describe-security-groups export (about 50 MB by default).
//!
//! `cargo run --release --example aws_ingest_speed [MB] [runs]` prints MB/s per run and
//! the best run. The goal is at least 300 MB/s per core.

use std::sync::Arc;
use std::time::Instant;

/// Groups shaped like real `aws ec2 describe-security-groups` output, pretty-printed
/// with the CLI's 4-space indent, until the text reaches `target_bytes`.
fn synth(target_bytes: usize) -> String {
    use serde::Serialize;
    use serde_json::json;
    let mut groups = Vec::new();
    let mut size = 0usize;
    let mut i = 0usize;
    while size < target_bytes {
        let perms: Vec<_> = (0..5)
            .map(|k| {
                let n = i * 10 + k;
                let mut p = json!({
                    "IpProtocol": (["tcp", "udp", "icmp", "-1"][n % 4]),
                    "IpRanges": [
                        { "CidrIp": format!("10.{}.{}.0/24", n % 256, (n * 7) % 256),
                          "Description": "some rule description text" },
                        { "CidrIp": format!("10.{}.{}.0/24", (n * 7) % 256, n % 256) }
                    ],
                    "Ipv6Ranges": [ { "CidrIpv6": "2001:db8::/32" } ],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [ { "GroupId": format!("sg-{n:017x}"), "UserId": "111122223333" } ]
                });
                match n % 4 {
                    0 | 1 => {
                        p["FromPort"] = json!(n % 1000);
                        p["ToPort"] = json!(n % 1000 + 10);
                    }
                    2 => {
                        p["FromPort"] = json!(8);
                        p["ToPort"] = json!(-1);
                    }
                    _ => {}
                }
                p
            })
            .collect();
        let g = json!({
            "Description": format!("group {i}"),
            "GroupName": format!("g{i}"),
            "IpPermissions": perms,
            "OwnerId": "111122223333",
            "GroupId": format!("sg-{i:017x}"),
            "IpPermissionsEgress": [ { "IpProtocol": "-1", "IpRanges": [ { "CidrIp": "0.0.0.0/0" } ],
                "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [] } ],
            "Tags": [ { "Key": "Name", "Value": "x" } ],
            "VpcId": "vpc-0123456789abcdef0"
        });
        // Roughly what this group adds to the pretty-printed output.
        size += serde_json::to_string_pretty(&g).map_or(0, |t| t.len() * 174 / 100);
        groups.push(g);
        i += 1;
    }
    let doc = json!({ "SecurityGroups": groups });
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    if doc.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mb: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let text = synth(mb * 1_000_000);
    let file: Arc<str> = Arc::from("synthetic.json");
    let mut best = 0f64;
    for _ in 0..runs {
        let t = Instant::now();
        let doc = match sgcheck::ingest::aws::read(&file, text.as_bytes(), &Default::default()) {
            Ok(doc) => doc,
            Err(d) => {
                eprintln!("{d}");
                return;
            }
        };
        let secs = t.elapsed().as_secs_f64();
        let rate = text.len() as f64 / 1e6 / secs;
        best = best.max(rate);
        let c = doc.topology.counts();
        println!(
            "{:.1} MB in {secs:.3} s = {rate:.0} MB/s ({} groups, {} rules, {} diagnostics)",
            text.len() as f64 / 1e6,
            c.security_groups,
            c.rules,
            doc.diagnostics.len()
        );
    }
    println!("best: {best:.0} MB/s");
}
