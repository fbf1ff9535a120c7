//! Value types shared by every stage: protocols, port ranges, ICMP matches, address ranges,
//! CIDRs and directions.
//!
//! Contract: each type has exactly one textual syntax, implemented once as [`FromStr`] and
//! [`Display`](std::fmt::Display). The DSL parser (nom), the AWS JSON ingest (serde) and the CLI (clap) all call
//! these, so `"6"`, `"TCP"` and `"tcp"` mean the same thing everywhere. Intervals are
//! **inclusive** `[lo, hi]`; no half-open arithmetic, so `255.255.255.255` and port 65535 are
//! ordinary values.
//!
//! Nothing here does I/O or knows about AWS objects.

mod addr;
mod cidr;
mod l4;
mod ports;
mod protocol;

pub use addr::{AddrRange, Ipv4Range, Ipv6Range};
pub use cidr::{Cidr, CidrParse};
pub use l4::{L4, PacketL4};
pub use ports::{IcmpMatch, PortRange};
pub use protocol::Protocol;

use std::fmt;
use std::str::FromStr;

/// Error for a value that does not parse: what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, found {found:?}")]
pub struct ValueError {
    /// What the parser wanted, e.g. `"a port (0-65535)"`.
    pub expected: &'static str,
    /// The text that was given.
    pub found: String,
}

impl ValueError {
    pub(crate) fn new(expected: &'static str, found: &str) -> Self {
        ValueError {
            expected,
            found: found.to_string(),
        }
    }
}

/// The hexadecimal digits, lowercase (JSON `\u00XX` escapes, fingerprints).
pub(crate) const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `n` in decimal (ASCII digits), written into the end of `buf`, which holds any `u64`.
pub(crate) fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// Direction of a connection relative to an ENI (or of a NACL list relative to a subnet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Inbound: the peer opens a connection to the ENI (`IpPermissions`).
    Ingress,
    /// Outbound: the ENI opens a connection to the peer (`IpPermissionsEgress`).
    Egress,
}

impl Direction {
    /// Both directions, ingress first.
    pub const ALL: [Direction; 2] = [Direction::Ingress, Direction::Egress];

    /// The rule-language keyword: `in` or `out`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "in",
            Direction::Egress => "out",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Direction {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "in" | "ingress" | "inbound" => Ok(Direction::Ingress),
            "out" | "egress" | "outbound" => Ok(Direction::Egress),
            _ => Err(ValueError::new("a direction (in or out)", s)),
        }
    }
}

/// The IP family of an address, range or rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Family::V4 => "ipv4",
            Family::V6 => "ipv6",
        })
    }
}

impl FromStr for Family {
    type Err = ValueError;
    /// `ipv4` / `ipv6` (also `v4`, `v6`, `IPv4`, `IPv6`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ipv4" | "v4" => Ok(Family::V4),
            "ipv6" | "v6" => Ok(Family::V6),
            _ => Err(ValueError::new("an address family (ipv4 or ipv6)", s)),
        }
    }
}
