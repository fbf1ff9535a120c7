//! Synthetic AWS exports for benchmarks and scale tests.
//!
//! [`Synth`] writes realistic describe-* JSON (the shapes the AWS CLI prints, indented by
//! four spaces): security groups with a mix of single ports, ranges, protocol `-1`,
//! numeric protocols, ICMP, IPv6 ranges, prefix lists and group references; ENIs carrying
//! `groups_per_eni` groups; one VPC with subnets; the prefix lists referenced. The output is
//! a pure function of the parameters and the seed, so anyone can reproduce a figure.

use serde::Serialize;
use serde_json::{Value, json};

/// Parameters of a synthetic topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synth {
    /// Number of security groups.
    pub groups: usize,
    /// Rules (IpPermissions entries) per group, ingress and egress together.
    pub rules_per_group: usize,
    /// Number of ENIs.
    pub enis: usize,
    /// Groups per ENI.
    pub groups_per_eni: usize,
    /// Seed for the generator.
    pub seed: u64,
    /// Share of IPv6 peers, in percent.
    pub ipv6_percent: u8,
}

impl Default for Synth {
    fn default() -> Synth {
        Synth {
            groups: 1000,
            rules_per_group: 60,
            enis: 1000,
            groups_per_eni: 5,
            seed: 1,
            ipv6_percent: 15,
        }
    }
}

/// A tiny deterministic PRNG (SplitMix64), so the output does not depend on a crate's
/// algorithm choices. Public so benchmarks draw their queries the same way.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let out = crate::index::fxhash::splitmix64(self.0);
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True with probability `p` percent.
    pub fn percent(&mut self, p: u8) -> bool {
        self.below(100) < u64::from(p)
    }
}

const COMMON_PORTS: [u16; 16] = [
    22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 27017, 3389, 53, 123, 11211, 2049, 25,
];

fn group_id(i: usize) -> String {
    format!("sg-{i:017x}")
}

fn eni_ip(i: usize) -> String {
    // 10.0.0.0/8 has room for 16M ENIs; skip .0 of each /24 for realism.
    let n = i as u32;
    format!(
        "10.{}.{}.{}",
        (n >> 16) & 0xFF,
        (n >> 8) & 0xFF,
        1 + (n & 0xFF) % 254
    )
}

impl Synth {
    fn peer(&self, rng: &mut Rng, group: usize) -> (&'static str, Value) {
        let roll = rng.below(100);
        if rng.percent(self.ipv6_percent) {
            let v = if roll < 20 {
                "::/0".to_string()
            } else {
                format!("2001:db8:{:x}::/48", rng.below(0xFFFF))
            };
            return (
                "Ipv6Ranges",
                json!({"CidrIpv6": v, "Description": "v6 peer"}),
            );
        }
        match roll {
            0..=9 => ("IpRanges", json!({"CidrIp": "0.0.0.0/0"})),
            10..=54 => {
                let a = rng.below(224) as u8;
                let b = rng.below(256) as u8;
                let len = [8u8, 16, 24, 32][rng.below(4) as usize];
                let cidr = match len {
                    8 => format!("{a}.0.0.0/8"),
                    16 => format!("{a}.{b}.0.0/16"),
                    24 => format!("{a}.{b}.{}.0/24", rng.below(256)),
                    _ => format!("{a}.{b}.{}.{}/32", rng.below(256), rng.below(256)),
                };
                ("IpRanges", json!({"CidrIp": cidr, "Description": "office"}))
            }
            55..=84 => {
                let target = rng.below(self.groups as u64) as usize;
                let target = if roll < 60 { group } else { target };
                (
                    "UserIdGroupPairs",
                    json!({"GroupId": group_id(target), "UserId": "123456789012"}),
                )
            }
            _ => (
                "PrefixListIds",
                json!({"PrefixListId": format!("pl-{:08x}", rng.below(8))}),
            ),
        }
    }

    fn permission(&self, rng: &mut Rng, group: usize, ingress: bool) -> Value {
        let (mut key, mut peer) = self.peer(rng, group);
        let roll = rng.below(100);
        // Inbound "everything from the whole internet" is a rare misconfiguration, not a
        // third of all rules: most all-protocol inbound rules come from private ranges.
        let everything = (65..=74).contains(&roll) || roll >= 95;
        let world = ["0.0.0.0/0", "::/0"]
            .iter()
            .any(|w| peer.get("CidrIp").or(peer.get("CidrIpv6")) == Some(&json!(w)));
        if ingress && everything && world && !rng.percent(5) {
            key = "IpRanges";
            peer = json!({"CidrIp": format!("10.{}.0.0/16", rng.below(256))});
        }
        let mut p = match roll {
            0..=44 => {
                let port = COMMON_PORTS[rng.below(COMMON_PORTS.len() as u64) as usize];
                json!({"IpProtocol": "tcp", "FromPort": port, "ToPort": port})
            }
            45..=64 => {
                let lo = rng.below(60000) as u16;
                let hi = lo.saturating_add(rng.below(2000) as u16);
                json!({"IpProtocol": if rng.percent(70) {"tcp"} else {"udp"}, "FromPort": lo, "ToPort": hi})
            }
            65..=74 => json!({"IpProtocol": "-1"}),
            75..=79 => json!({"IpProtocol": "udp", "FromPort": 53, "ToPort": 53}),
            80..=86 => json!({"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1}),
            87..=89 => json!({"IpProtocol": "icmpv6", "FromPort": -1, "ToPort": -1}),
            90..=94 => json!({"IpProtocol": "50"}),
            _ => json!({"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535}),
        };
        let obj = p.as_object_mut().expect("json! object literal");
        for k in [
            "IpRanges",
            "Ipv6Ranges",
            "PrefixListIds",
            "UserIdGroupPairs",
        ] {
            obj.insert(k.to_string(), Value::Array(Vec::new()));
        }
        obj.insert(key.to_string(), Value::Array(vec![peer]));
        p
    }

    /// `n` distinct permissions: AWS rejects a permission identical to one the group
    /// already has, so a real export never repeats one. (Gives up on distinctness after
    /// `4 n` draws, which only tiny port pools could reach.)
    fn permissions(&self, rng: &mut Rng, group: usize, n: usize, ingress: bool) -> Vec<Value> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(n);
        let mut draws = 0;
        while out.len() < n {
            let p = self.permission(rng, group, ingress);
            draws += 1;
            if seen.insert(p.to_string()) || draws > 4 * n {
                out.push(p);
            }
        }
        out
    }

    /// `{"SecurityGroups": [...]}` as AWS's describe-security-groups prints it.
    pub fn security_groups(&self) -> Value {
        let mut rng = Rng(self.seed);
        let groups: Vec<Value> = (0..self.groups)
            .map(|g| {
                let egress_n = (self.rules_per_group / 6).max(1).min(self.rules_per_group);
                let ingress_n = self.rules_per_group - egress_n;
                let ingress = self.permissions(&mut rng, g, ingress_n, true);
                let egress = self.permissions(&mut rng, g, egress_n, false);
                json!({
                    "Description": format!("synthetic group {g}"),
                    "GroupName": format!("synthetic-{g}"),
                    "IpPermissions": ingress,
                    "OwnerId": "123456789012",
                    "GroupId": group_id(g),
                    "IpPermissionsEgress": egress,
                    "Tags": [{"Key": "Name", "Value": format!("g{g}")}],
                    "VpcId": "vpc-0synth",
                })
            })
            .collect();
        json!({ "SecurityGroups": groups })
    }

    /// `{"NetworkInterfaces": [...]}` with `groups_per_eni` groups each.
    pub fn network_interfaces(&self) -> Value {
        let mut rng = Rng(self.seed ^ 0xE11);
        let enis: Vec<Value> = (0..self.enis)
            .map(|i| {
                let groups: Vec<Value> = (0..self.groups_per_eni)
                    .map(|_| {
                        let g = rng.below(self.groups as u64) as usize;
                        json!({"GroupId": group_id(g), "GroupName": format!("synthetic-{g}")})
                    })
                    .collect();
                let ip = eni_ip(i);
                json!({
                    "AvailabilityZone": "us-east-1a",
                    "Groups": groups,
                    "InterfaceType": "interface",
                    "NetworkInterfaceId": format!("eni-{i:017x}"),
                    "OwnerId": "123456789012",
                    "PrivateIpAddress": ip,
                    "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": ip}],
                    "Ipv6Addresses": [{"Ipv6Address": format!("2001:db8:ffff::{:x}", i)}],
                    "SourceDestCheck": true,
                    "Status": "in-use",
                    "SubnetId": "subnet-0synth",
                    "VpcId": "vpc-0synth",
                })
            })
            .collect();
        json!({ "NetworkInterfaces": enis })
    }

    /// `{"PrefixLists": [...]}` for the lists the rules reference.
    pub fn prefix_lists(&self) -> Value {
        let lists: Vec<Value> = (0..8)
            .map(|i| {
                json!({
                    "PrefixListId": format!("pl-{i:08x}"),
                    "PrefixListName": format!("synthetic-list-{i}"),
                    "Cidrs": [format!("198.51.{i}.0/24"), format!("203.0.{i}.0/28")],
                })
            })
            .collect();
        json!({ "PrefixLists": lists })
    }

    /// One VPC (`10.0.0.0/8`, `2001:db8::/32`) and one subnet holding every ENI.
    pub fn network(&self) -> (Value, Value) {
        let vpcs = json!({"Vpcs": [{
            "CidrBlock": "10.0.0.0/8", "VpcId": "vpc-0synth", "IsDefault": false,
            "OwnerId": "123456789012",
            "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::/32"}],
        }]});
        let subnets = json!({"Subnets": [{
            "CidrBlock": "10.0.0.0/8", "SubnetId": "subnet-0synth", "VpcId": "vpc-0synth",
            "AvailabilityZone": "us-east-1a", "MapPublicIpOnLaunch": false,
        }]});
        (vpcs, subnets)
    }
}

/// Pretty-prints like the AWS CLI (four-space indent).
pub fn to_aws_pretty<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    // Serialising a `serde_json::Value` into memory cannot fail.
    let _ = value.serialize(&mut ser);
    buf.push(b'\n');
    String::from_utf8(buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let s = Synth {
            groups: 3,
            rules_per_group: 12,
            enis: 4,
            groups_per_eni: 2,
            seed: 7,
            ipv6_percent: 20,
        };
        assert_eq!(s.security_groups(), s.security_groups());
        let sg = s.security_groups();
        let groups = sg["SecurityGroups"].as_array().map(Vec::len);
        assert_eq!(groups, Some(3));
        let perms: usize = sg["SecurityGroups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                g["IpPermissions"].as_array().map_or(0, Vec::len)
                    + g["IpPermissionsEgress"].as_array().map_or(0, Vec::len)
            })
            .sum();
        assert_eq!(perms, 36);
        assert_eq!(
            s.network_interfaces()["NetworkInterfaces"]
                .as_array()
                .map(Vec::len),
            Some(4)
        );
        assert!(to_aws_pretty(&sg).contains("\n        {"));
    }
}
