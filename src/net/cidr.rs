//! CIDR blocks, always stored in canonical form (host bits cleared).

use super::{Family, Ipv4Range, Ipv6Range, ValueError};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// A CIDR block with its host bits cleared (`10.0.0.5/8` is stored as `10.0.0.0/8`).
///
/// [`FromStr`] accepts a prefix with host bits set and canonicalises it silently; callers
/// that must report the change (ingest) use [`Cidr::parse_reporting`]. A bare address
/// (`10.0.0.1`, `2001:db8::1`) means a single host (`/32`, `/128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr(IpNet);

/// The outcome of [`Cidr::parse_reporting`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CidrParse {
    /// The canonical block.
    pub cidr: Cidr,
    /// `true` when the text had host bits set and was masked.
    pub had_host_bits: bool,
}

impl Cidr {
    /// `0.0.0.0/0`.
    pub fn any_v4() -> Cidr {
        Cidr(IpNet::V4(Ipv4Net::default()))
    }

    /// `::/0`.
    pub fn any_v6() -> Cidr {
        Cidr(IpNet::V6(Ipv6Net::default()))
    }

    /// The block containing exactly `addr`.
    pub fn host(addr: IpAddr) -> Cidr {
        Cidr(IpNet::from(addr))
    }

    /// From an [`IpNet`], clearing host bits.
    pub fn from_net(net: IpNet) -> Cidr {
        Cidr(net.trunc())
    }

    /// What a CIDR block looks like, for errors.
    pub(crate) const EXPECTED: &str = "a CIDR block such as 10.0.0.0/16 or 2001:db8::/32";

    /// Why `text` (a CIDR block or a bare address) is ambiguous, or `None`: an IPv4
    /// octet or a prefix length with a leading zero (`010.0.0.0/8`, `10.0.0.0/08`).
    /// [`FromStr`] reads them as decimal, but `010.0.0.0/8` means 8.0.0.0/8 to tools that
    /// read octal, and AWS never writes them: ingest rejects them (AWS exports and the
    /// rule language alike).
    ///
    /// ```
    /// use sgcheck::net::Cidr;
    /// assert!(Cidr::leading_zero_problem("010.0.0.0/8").is_some());
    /// assert!(Cidr::leading_zero_problem("10.0.0.0/08").is_some());
    /// assert!(Cidr::leading_zero_problem("10.0.0.0/8").is_none());
    /// assert!(Cidr::leading_zero_problem("2001:0db8::/32").is_none());
    /// ```
    pub fn leading_zero_problem(text: &str) -> Option<&'static str> {
        let (addr, len) = text.split_once('/').unwrap_or((text, ""));
        let leading_zero = |part: &str| part.len() > 1 && part.starts_with('0');
        if leading_zero(len) {
            return Some("a prefix length with a leading zero");
        }
        if !addr.contains(':') && addr.split('.').any(leading_zero) {
            return Some("an IPv4 octet with a leading zero, which some tools read as octal");
        }
        None
    }

    /// Parses and reports whether host bits were cleared.
    ///
    /// # Errors
    /// Text that is not an address or `address/prefix` with a prefix in range (`/33` fails).
    pub fn parse_reporting(s: &str) -> Result<CidrParse, ValueError> {
        let t = s.trim();
        let net = if t.contains('/') {
            t.parse::<IpNet>()
                .map_err(|_| ValueError::new(Cidr::EXPECTED, s))?
        } else {
            IpNet::from(
                t.parse::<IpAddr>()
                    .map_err(|_| ValueError::new(Cidr::EXPECTED, s))?,
            )
        };
        let cidr = Cidr(net.trunc());
        Ok(CidrParse {
            cidr,
            had_host_bits: cidr.0 != net,
        })
    }

    /// The underlying [`IpNet`].
    pub fn net(&self) -> IpNet {
        self.0
    }

    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }

    /// IPv4 or IPv6.
    pub fn family(&self) -> Family {
        match self.0 {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }

    /// Whether `addr` is in the block (always false across families).
    pub fn contains(&self, addr: IpAddr) -> bool {
        self.0.contains(&addr)
    }

    /// Whether the block is `0.0.0.0/0` or `::/0`.
    pub fn is_any(&self) -> bool {
        self.0.prefix_len() == 0
    }

    /// The IPv4 block as an inclusive integer range, if IPv4.
    pub fn v4_range(&self) -> Option<Ipv4Range> {
        match self.0 {
            IpNet::V4(n) => Some(Ipv4Range::new(
                u32::from(n.network()),
                u32::from(n.broadcast()),
            )),
            IpNet::V6(_) => None,
        }
    }

    /// The IPv6 block as an inclusive integer range, if IPv6.
    pub fn v6_range(&self) -> Option<Ipv6Range> {
        match self.0 {
            IpNet::V6(n) => Some(Ipv6Range::new(
                u128::from(n.network()),
                u128::from(n.broadcast()),
            )),
            IpNet::V4(_) => None,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Cidr {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cidr::parse_reporting(s).map(|p| p.cidr)
    }
}

impl serde::Serialize for Cidr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_host_bits() {
        let p = Cidr::parse_reporting("10.0.0.5/8").unwrap();
        assert!(p.had_host_bits);
        assert_eq!(p.cidr.to_string(), "10.0.0.0/8");
        let p = Cidr::parse_reporting("100.68.0.18/18").unwrap();
        assert_eq!(p.cidr.to_string(), "100.68.0.0/18");
        assert!(!Cidr::parse_reporting("0.0.0.0/0").unwrap().had_host_bits);
        assert_eq!(
            "10.1.2.3".parse::<Cidr>().unwrap().to_string(),
            "10.1.2.3/32"
        );
        assert_eq!(
            "2001:db8::1".parse::<Cidr>().unwrap().to_string(),
            "2001:db8::1/128"
        );
    }

    #[test]
    fn rejects_bad() {
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "",
            "abc",
            "10.0.0.0/-1",
            "1.2.3.4/",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_are_inclusive() {
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert_eq!(all.v4_range().unwrap().hi(), u32::MAX);
        assert!(all.is_any());
        let all6: Cidr = "::/0".parse().unwrap();
        assert_eq!(all6.v6_range().unwrap().hi(), u128::MAX);
        let h: Cidr = "255.255.255.255/32".parse().unwrap();
        assert_eq!(h.v4_range().unwrap().lo(), u32::MAX);
    }
}
