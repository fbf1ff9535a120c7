//! Inclusive port ranges and ICMP type/code matches.

use super::ValueError;
use std::fmt;
use std::str::FromStr;

/// An inclusive range of TCP/UDP destination ports `[lo, hi]`.
///
/// The fields are private so that `lo <= hi` always holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    lo: u16,
    hi: u16,
}

impl PortRange {
    /// Every port, 0-65535.
    pub const ALL: PortRange = PortRange { lo: 0, hi: 65535 };

    /// The range `[lo, hi]`.
    ///
    /// # Panics
    /// If `lo > hi`. Use [`PortRange::new_checked`] for untrusted values.
    pub fn new(lo: u16, hi: u16) -> PortRange {
        assert!(lo <= hi, "port range {lo}-{hi} is reversed");
        PortRange { lo, hi }
    }

    /// The range `[lo, hi]`, or `None` when `lo > hi`.
    pub fn new_checked(lo: u16, hi: u16) -> Option<PortRange> {
        (lo <= hi).then_some(PortRange { lo, hi })
    }

    /// A single port.
    pub fn single(port: u16) -> PortRange {
        PortRange { lo: port, hi: port }
    }

    /// First port (inclusive).
    pub fn lo(self) -> u16 {
        self.lo
    }

    /// Last port (inclusive).
    pub fn hi(self) -> u16 {
        self.hi
    }

    /// Whether `port` is in the range.
    pub fn contains(self, port: u16) -> bool {
        self.lo <= port && port <= self.hi
    }

    /// Whether the range is 0-65535.
    pub fn is_all(self) -> bool {
        self == PortRange::ALL
    }

    /// Number of ports in the range.
    pub fn len(self) -> u32 {
        u32::from(self.hi) - u32::from(self.lo) + 1
    }

    /// Always false: a range holds at least one port. Present for clippy's `len` convention.
    pub fn is_empty(self) -> bool {
        false
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

fn parse_port(s: &str) -> Result<u16, ValueError> {
    const EXPECTED: &str = "a port number 0-65535";
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::new(EXPECTED, s));
    }
    s.parse::<u16>().map_err(|_| ValueError::new(EXPECTED, s))
}

impl FromStr for PortRange {
    type Err = ValueError;
    /// `22`, `1024-65535`; `all` / `any` mean 0-65535.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("all") || t.eq_ignore_ascii_case("any") {
            return Ok(PortRange::ALL);
        }
        match t.split_once('-') {
            None => parse_port(t).map(PortRange::single),
            Some((a, b)) => {
                let (lo, hi) = (parse_port(a.trim())?, parse_port(b.trim())?);
                PortRange::new_checked(lo, hi)
                    .ok_or_else(|| ValueError::new("a port range with low <= high", s))
            }
        }
    }
}

impl serde::Serialize for PortRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.lo)?;
        t.serialize_element(&self.hi)?;
        t.end()
    }
}

/// An ICMP (or ICMPv6) type/code match; `None` means "any".
///
/// Written `TYPE[:CODE]` or `all`: `8` is echo request with any code, `3:4` is
/// fragmentation-needed. A code without a type cannot be expressed (AWS rejects
/// `FromPort=-1, ToPort=9`), so a value always satisfies `ty.is_some() || code.is_none()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct IcmpMatch {
    #[serde(rename = "type")]
    ty: Option<u8>,
    code: Option<u8>,
}

impl IcmpMatch {
    /// Every type and code.
    pub const ANY: IcmpMatch = IcmpMatch {
        ty: None,
        code: None,
    };

    /// One type, any code.
    pub fn of_type(ty: u8) -> IcmpMatch {
        IcmpMatch {
            ty: Some(ty),
            code: None,
        }
    }

    /// One type and one code.
    pub fn type_code(ty: u8, code: u8) -> IcmpMatch {
        IcmpMatch {
            ty: Some(ty),
            code: Some(code),
        }
    }

    /// From AWS's `FromPort`/`ToPort` (or NACL `Type`/`Code`) numbers, where -1 is "any".
    ///
    /// # Errors
    /// A value outside -1..=255, or a code without a type.
    pub fn from_aws(ty: i64, code: i64) -> Result<IcmpMatch, ValueError> {
        let conv = |v: i64| -> Result<Option<u8>, ValueError> {
            match v {
                -1 => Ok(None),
                0..=255 => Ok(Some(v as u8)),
                _ => Err(ValueError::new(
                    "an ICMP type or code -1..255",
                    &v.to_string(),
                )),
            }
        };
        let (ty, code) = (conv(ty)?, conv(code)?);
        if ty.is_none() && code.is_some() {
            return Err(ValueError::new(
                "an ICMP code only together with a type (type -1 needs code -1)",
                &format!("type -1, code {}", code.unwrap_or_default()),
            ));
        }
        Ok(IcmpMatch { ty, code })
    }

    /// The ICMP type, `None` = any.
    pub fn icmp_type(self) -> Option<u8> {
        self.ty
    }

    /// The ICMP code, `None` = any.
    pub fn icmp_code(self) -> Option<u8> {
        self.code
    }

    /// Whether a packet with this type and code matches.
    pub fn matches(self, ty: u8, code: u8) -> bool {
        self.ty.is_none_or(|t| t == ty) && self.code.is_none_or(|c| c == code)
    }

    /// Whether every type and code matches.
    pub fn is_any(self) -> bool {
        self.ty.is_none()
    }
}

impl fmt::Display for IcmpMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.ty, self.code) {
            (None, _) => f.write_str("all"),
            (Some(t), None) => write!(f, "{t}"),
            (Some(t), Some(c)) => write!(f, "{t}:{c}"),
        }
    }
}

impl FromStr for IcmpMatch {
    type Err = ValueError;
    /// `all`, `any`, `-1`, `TYPE`, `TYPE:CODE` (`TYPE:-1` = any code).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const EXPECTED: &str = "an ICMP match: all, TYPE or TYPE:CODE (0-255)";
        let t = s.trim();
        if ["all", "any", "-1"]
            .iter()
            .any(|w| t.eq_ignore_ascii_case(w))
        {
            return Ok(IcmpMatch::ANY);
        }
        let num = |x: &str| -> Result<u8, ValueError> {
            if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ValueError::new(EXPECTED, s));
            }
            x.parse::<u8>().map_err(|_| ValueError::new(EXPECTED, s))
        };
        match t.split_once(':') {
            None => Ok(IcmpMatch::of_type(num(t)?)),
            Some((a, "-1")) => Ok(IcmpMatch::of_type(num(a)?)),
            Some((a, b)) => Ok(IcmpMatch::type_code(num(a)?, num(b)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges() {
        assert_eq!("22".parse(), Ok(PortRange::single(22)));
        assert_eq!("0-65535".parse(), Ok(PortRange::ALL));
        assert_eq!("all".parse(), Ok(PortRange::ALL));
        assert_eq!("65535".parse(), Ok(PortRange::single(65535)));
        assert_eq!(" 1024 - 2048 ".parse(), Ok(PortRange::new(1024, 2048)));
        for bad in ["", "65536", "-1", "10-5", "a", "1-", "-5", "1-2-3", "+1"] {
            assert!(bad.parse::<PortRange>().is_err(), "{bad}");
        }
        assert_eq!(PortRange::ALL.len(), 65536);
        assert_eq!(PortRange::new(80, 443).to_string(), "80-443");
    }

    #[test]
    fn icmp_matches() {
        assert_eq!("8".parse(), Ok(IcmpMatch::of_type(8)));
        assert_eq!("8:-1".parse(), Ok(IcmpMatch::of_type(8)));
        assert_eq!("3:4".parse(), Ok(IcmpMatch::type_code(3, 4)));
        assert_eq!("-1".parse(), Ok(IcmpMatch::ANY));
        assert!("256".parse::<IcmpMatch>().is_err());
        assert!("-1:9".parse::<IcmpMatch>().is_err());
        assert!(IcmpMatch::from_aws(-1, 9).is_err());
        assert!(IcmpMatch::from_aws(8, 256).is_err());
        assert_eq!(IcmpMatch::from_aws(8, -1), Ok(IcmpMatch::of_type(8)));
        assert!(IcmpMatch::of_type(8).matches(8, 5));
        assert!(!IcmpMatch::type_code(8, 0).matches(8, 5));
        for m in [
            IcmpMatch::ANY,
            IcmpMatch::of_type(0),
            IcmpMatch::type_code(255, 255),
        ] {
            assert_eq!(m.to_string().parse(), Ok(m));
        }
    }
}
