//! Endpoints (`--from`, `--to`, query lines, DSL `expect`) and port specs.
//!
//! One [`FromStr`] per syntax, shared by the CLI, the queries file and the DSL
//! expectations: an endpoint is parsed here once and resolved against a topology by
//! [`crate::eval::reach::Reach`].

use crate::model::{EniId, GroupId, InstanceId};
use crate::net::{Cidr, L4, PacketL4, Protocol, ValueError};
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// One end of a reachability question, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `internet`: an external public address (a representative one is picked, see
    /// [`crate::eval::reach::Reach::internet_v4`]).
    Internet,
    /// One address: a private or public/Elastic IP of an ENI resolves to that ENI;
    /// any other address is a host outside the input.
    Addr(IpAddr),
    /// A block: every address in it is answered for (the answer lists sub-ranges).
    Cidr(Cidr),
    /// `i-…`: its primary ENI as a source; as a destination its private IP from inside
    /// a VPC and its public IP/EIP from the internet.
    Instance(InstanceId),
    /// `eni-…`.
    Eni(EniId),
    /// `sg-…`: every ENI carrying the group (one answer each).
    Group(GroupId),
}

const EXPECTED: &str =
    "an endpoint (an IP, a CIDR, internet, or an instance i-…, ENI eni-… or group sg-… id)";

impl FromStr for Endpoint {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("internet") {
            return Ok(Endpoint::Internet);
        }
        let id_ok = |rest: &str| !rest.is_empty() && !rest.contains(char::is_whitespace);
        if let Some(rest) = t.strip_prefix("i-")
            && id_ok(rest)
        {
            return Ok(Endpoint::Instance(InstanceId::from(t)));
        }
        if let Some(rest) = t.strip_prefix("eni-")
            && id_ok(rest)
        {
            return Ok(Endpoint::Eni(EniId::from(t)));
        }
        if let Some(rest) = t.strip_prefix("sg-")
            && id_ok(rest)
        {
            return Ok(Endpoint::Group(GroupId::from(t)));
        }
        if !t.contains('/') {
            return t
                .parse::<IpAddr>()
                .map(Endpoint::Addr)
                .map_err(|_| ValueError::new(EXPECTED, s));
        }
        let cidr: Cidr = t.parse().map_err(|_| ValueError::new(EXPECTED, s))?;
        let host = match cidr.net() {
            ipnet::IpNet::V4(n) => n.prefix_len() == 32,
            ipnet::IpNet::V6(n) => n.prefix_len() == 128,
        };
        Ok(if host {
            Endpoint::Addr(cidr.net().addr())
        } else {
            Endpoint::Cidr(cidr)
        })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Internet => f.write_str("internet"),
            Endpoint::Addr(a) => write!(f, "{a}"),
            Endpoint::Cidr(c) => write!(f, "{c}"),
            Endpoint::Instance(i) => write!(f, "{i}"),
            Endpoint::Eni(e) => write!(f, "{e}"),
            Endpoint::Group(g) => write!(f, "{g}"),
        }
    }
}

/// What is asked for: one protocol and one destination port or ICMP type/code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortSpec {
    /// The protocol (never `all`).
    pub protocol: Protocol,
    /// The concrete L4 fields of the opening packet.
    pub l4: PacketL4,
}

impl PortSpec {
    /// From the DSL/CLI form (protocol and L4 match, as `expect` lines store it).
    ///
    /// A port spec names one packet: TCP/UDP need one port (not a range); ICMP
    /// `TYPE` without a code uses code 0 and `all/icmp` uses echo request (8:0, or
    /// 128:0 for ICMPv6) as the representative message; `all/all` is refused.
    ///
    /// # Errors
    /// A port range, or protocol `all`.
    pub fn from_parts(protocol: Protocol, l4: L4) -> Result<PortSpec, ValueError> {
        let l4 = match (protocol, L4::normalize(protocol, l4)) {
            (Protocol::All, _) => {
                return Err(ValueError::new(
                    "one protocol (tcp, udp, icmp, icmpv6 or a number), not all",
                    "all",
                ));
            }
            (_, L4::Ports(r)) if r.lo() == r.hi() => PacketL4::Port(r.lo()),
            (_, L4::Ports(r)) => {
                return Err(ValueError {
                    expected: "one port, not a range",
                    found: r.to_string(),
                });
            }
            (p, L4::Icmp(m)) => PacketL4::Icmp {
                ty: m
                    .icmp_type()
                    .unwrap_or(if p == Protocol::Icmpv6 { 128 } else { 8 }),
                code: m.icmp_code().unwrap_or(0),
            },
            (_, L4::Any) => PacketL4::None,
            (_, L4::Nothing) => {
                return Err(ValueError::new(
                    "a valid port spec",
                    "ICMP code without type",
                ));
            }
        };
        Ok(PortSpec { protocol, l4 })
    }
}

impl FromStr for PortSpec {
    type Err = ValueError;
    /// `PORT[/PROTO]` as in the DSL's `expect` (protocol defaults to tcp).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (protocol, l4) = crate::ingest::dsl::parse_port_spec(s)?;
        PortSpec::from_parts(protocol, l4)
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.l4 {
            PacketL4::Port(p) => write!(f, "{p}/{}", self.protocol),
            PacketL4::Icmp { ty, code } => write!(f, "{ty}:{code}/{}", self.protocol),
            PacketL4::None => write!(f, "all/{}", self.protocol),
        }
    }
}

/// One question: `FROM -> TO PORT[/PROTO]` (a queries-file line, or the body of an
/// `expect` line).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Question {
    /// Source.
    pub from: Endpoint,
    /// Destination.
    pub to: Endpoint,
    /// Protocol and port.
    pub port: PortSpec,
}

impl FromStr for Question {
    type Err = ValueError;
    /// `203.0.113.9 -> 54.0.1.10 22/tcp`; a `#` starts a comment.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let body = s.split('#').next().unwrap_or("");
        let words: Vec<&str> = body.split_whitespace().collect();
        match words.as_slice() {
            [from, "->", to, port] => Ok(Question {
                from: from.parse()?,
                to: to.parse()?,
                port: port.parse()?,
            }),
            _ => Err(ValueError::new(
                "a query FROM -> TO PORT[/PROTO], e.g. 203.0.113.9 -> i-0web 443/tcp",
                s.trim(),
            )),
        }
    }
}

impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {} {}", self.from, self.to, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse() {
        assert_eq!("internet".parse::<Endpoint>(), Ok(Endpoint::Internet));
        assert_eq!(
            "i-0web".parse::<Endpoint>(),
            Ok(Endpoint::Instance("i-0web".into()))
        );
        assert_eq!(
            "eni-1".parse::<Endpoint>(),
            Ok(Endpoint::Eni("eni-1".into()))
        );
        assert_eq!(
            "sg-1".parse::<Endpoint>(),
            Ok(Endpoint::Group("sg-1".into()))
        );
        assert!(matches!(
            "10.0.0.1".parse::<Endpoint>(),
            Ok(Endpoint::Addr(_))
        ));
        assert!(matches!(
            "10.0.0.1/32".parse::<Endpoint>(),
            Ok(Endpoint::Addr(_))
        ));
        assert!(matches!(
            "10.0.0.0/24".parse::<Endpoint>(),
            Ok(Endpoint::Cidr(_))
        ));
        assert!(matches!(
            "2001:db8::/64".parse::<Endpoint>(),
            Ok(Endpoint::Cidr(_))
        ));
        for bad in ["", "i-", "10.0.0.0/33", "web", "sg-"] {
            assert!(bad.parse::<Endpoint>().is_err(), "{bad}");
        }
    }

    #[test]
    fn port_specs_parse() {
        let p: PortSpec = "443".parse().unwrap();
        assert_eq!((p.protocol, p.l4), (Protocol::Tcp, PacketL4::Port(443)));
        let p: PortSpec = "53/udp".parse().unwrap();
        assert_eq!((p.protocol, p.l4), (Protocol::Udp, PacketL4::Port(53)));
        let p: PortSpec = "8/icmp".parse().unwrap();
        assert_eq!(p.l4, PacketL4::Icmp { ty: 8, code: 0 });
        let p: PortSpec = "3:4/icmp".parse().unwrap();
        assert_eq!(p.l4, PacketL4::Icmp { ty: 3, code: 4 });
        let p: PortSpec = "all/47".parse().unwrap();
        assert_eq!(p.l4, PacketL4::None);
        assert!("80-90".parse::<PortSpec>().is_err());
        assert!("all/all".parse::<PortSpec>().is_err());
        assert!("70000".parse::<PortSpec>().is_err());
    }

    #[test]
    fn questions_parse() {
        let q: Question = "203.0.113.9 -> i-0web 22/tcp # comment".parse().unwrap();
        assert_eq!(q.to, Endpoint::Instance("i-0web".into()));
        assert_eq!(q.to_string(), "203.0.113.9 -> i-0web 22/tcp");
        assert!("a -> b".parse::<Question>().is_err());
        assert!("10.0.0.1 => 10.0.0.2 22".parse::<Question>().is_err());
    }
}
