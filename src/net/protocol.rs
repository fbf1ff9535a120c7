//! IP protocols as AWS writes them.

use super::ValueError;
use std::fmt;
use std::str::FromStr;

/// An IP protocol selector in a security group rule or NACL entry.
///
/// AWS stores protocols 1, 6, 17 and 58 under their names and every other number as the
/// number; `-1` means every protocol. Parsing accepts names and numbers case-insensitively
/// and canonicalises once: `"6"`, `"TCP"` and `"tcp"` are all [`Protocol::Tcp`], and
/// [`Protocol::Number`] never holds 1, 6, 17 or 58.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// Every protocol (`-1`, `all`).
    All,
    /// TCP (6).
    Tcp,
    /// UDP (17).
    Udp,
    /// ICMP for IPv4 (1).
    Icmp,
    /// ICMPv6 (58).
    Icmpv6,
    /// Any other protocol number (ports are ignored for these).
    Number(u8),
}

impl Protocol {
    /// What a protocol looks like, for errors.
    pub(crate) const EXPECTED: &str =
        "a protocol (tcp, udp, icmp, icmpv6, all, -1 or a number 0-255)";

    /// The canonical constructor from an IANA protocol number.
    pub fn from_number(n: u8) -> Protocol {
        match n {
            1 => Protocol::Icmp,
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            58 => Protocol::Icmpv6,
            n => Protocol::Number(n),
        }
    }

    /// The IANA protocol number, or `None` for [`Protocol::All`].
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::All => None,
            Protocol::Tcp => Some(6),
            Protocol::Udp => Some(17),
            Protocol::Icmp => Some(1),
            Protocol::Icmpv6 => Some(58),
            Protocol::Number(n) => Some(n),
        }
    }

    /// The lowercase name (`tcp`, `all`), or `None` for [`Protocol::Number`], which is
    /// written as its number.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Protocol::All => Some("all"),
            Protocol::Tcp => Some("tcp"),
            Protocol::Udp => Some("udp"),
            Protocol::Icmp => Some("icmp"),
            Protocol::Icmpv6 => Some("icmpv6"),
            Protocol::Number(_) => None,
        }
    }

    /// True for TCP and UDP, the protocols whose rules carry destination ports.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// True for ICMP and ICMPv6, whose rules carry a type/code match.
    pub fn is_icmp(self) -> bool {
        matches!(self, Protocol::Icmp | Protocol::Icmpv6)
    }

    /// Whether a rule for `self` covers a packet of concrete protocol `packet`.
    pub fn covers(self, packet: Protocol) -> bool {
        self == Protocol::All || self == packet
    }

    /// The spelling AWS uses in `IpProtocol` (`"-1"`, `"tcp"`, `"47"`).
    pub fn aws_str(self) -> String {
        match self {
            Protocol::All => "-1".to_string(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (*self, self.name()) {
            (Protocol::Number(n), _) => write!(f, "{n}"),
            (_, name) => f.write_str(name.unwrap_or_default()),
        }
    }
}

impl FromStr for Protocol {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "-1" | "all" | "any" => Ok(Protocol::All),
            "tcp" => Ok(Protocol::Tcp),
            "udp" => Ok(Protocol::Udp),
            "icmp" => Ok(Protocol::Icmp),
            "icmpv6" | "icmp6" => Ok(Protocol::Icmpv6),
            digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits
                .parse::<u8>()
                .map(Protocol::from_number)
                .map_err(|_| ValueError::new(Protocol::EXPECTED, s)),
            _ => Err(ValueError::new(Protocol::EXPECTED, s)),
        }
    }
}

impl serde::Serialize for Protocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Protocol::Number(n) => s.serialize_u8(*n),
            other => s.collect_str(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_names_and_numbers() {
        let cases = [
            ("tcp", Protocol::Tcp),
            ("TCP", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("17", Protocol::Udp),
            ("1", Protocol::Icmp),
            ("58", Protocol::Icmpv6),
            ("icmpv6", Protocol::Icmpv6),
            ("-1", Protocol::All),
            ("all", Protocol::All),
            ("47", Protocol::Number(47)),
            ("0", Protocol::Number(0)),
            ("255", Protocol::Number(255)),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<Protocol>(), Ok(want), "{text}");
        }
    }

    #[test]
    fn parse_bad() {
        for bad in ["", "256", "-2", "tcpx", "1.5", "+6"] {
            assert!(bad.parse::<Protocol>().is_err(), "{bad}");
        }
    }

    #[test]
    fn display_round_trips() {
        for n in 0..=255u8 {
            let p = Protocol::from_number(n);
            assert_eq!(p.to_string().parse::<Protocol>(), Ok(p));
        }
        assert_eq!(
            Protocol::All.to_string().parse::<Protocol>(),
            Ok(Protocol::All)
        );
        assert_eq!(Protocol::All.aws_str(), "-1");
    }
}
