//! A strict, hand-written reader for describe-security-groups elements: the common case
//! only, a few times faster than serde_json's per-token machinery.
//!
//! Contract: [`security_group`] either returns exactly what serde_json's derived
//! `Deserialize` returns for the element starting at `pos` (and where that element ends),
//! or `None`; it never accepts an element serde_json rejects. It gives up on anything
//! outside a strict subset: strings with escapes or control characters, numbers other than
//! plain integers of at most 18 digits (and `-0`, which serde_json reads as a float),
//! repeated known keys, a known key with a value of another JSON type, an unknown key whose
//! value is nested more than 32 deep or holds a fraction or exponent. The caller then
//! reads the element with serde_json, which reports any error. Whitespace is JSON's (space,
//! tab, CR, LF); the text is already valid UTF-8.

use super::raw::{
    RawGroupPair, RawIpRange, RawIpv6Range, RawPermission, RawPrefixListId, RawSecurityGroup, Text,
};
use std::borrow::Cow;

/// The security group at `pos` (its `{`), and the position after its `}`.
pub(crate) fn security_group(text: &str, pos: usize) -> Option<(RawSecurityGroup<'_>, usize)> {
    let mut r = Reader {
        s: text,
        b: text.as_bytes(),
        i: pos,
    };
    let g = r.security_group()?;
    Some((g, r.i))
}

/// A position in the text.
struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

/// The most nesting [`Reader::skip`] follows before giving up.
const MAX_DEPTH: u32 = 32;

/// Defines a struct reader: each known key (once) into its field, other keys skipped.
macro_rules! object_reader {
    ($fn:ident -> $ty:ident { $($key:literal => $field:ident: $read:ident),* $(,)? }) => {
        fn $fn(&mut self) -> Option<$ty<'a>> {
            let mut out = $ty { $($field: None),* };
            let mut seen = 0u32;
            self.object(|r, key| {
                let mut bit = 1u32;
                $(
                    if key == $key {
                        if seen & bit != 0 {
                            return None;
                        }
                        seen |= bit;
                        out.$field = r.$read()?;
                        return Some(());
                    }
                    bit <<= 1;
                )*
                let _ = bit;
                r.skip(0)
            })?;
            Some(out)
        }
    };
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        loop {
            // Pretty-printed JSON is mostly indentation: eight spaces at a time.
            while self.b.get(self.i..self.i + 8) == Some(b"        ") {
                self.i += 8;
            }
            match self.peek() {
                Some(b' ' | b'\n' | b'\t' | b'\r') => self.i += 1,
                _ => return,
            }
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// `null` (then `true`), or nothing consumed.
    fn null(&mut self) -> bool {
        if self.b.get(self.i..self.i + 4) == Some(b"null") {
            self.i += 4;
            true
        } else {
            false
        }
    }

    /// A string without escapes or control characters, at its opening quote.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
        let s = self.s.get(start..self.i)?;
        self.i += 1;
        Some(s)
    }

    /// An optional string field: `null` or a string.
    fn text(&mut self) -> Option<Option<Text<'a>>> {
        if self.null() {
            return Some(None);
        }
        self.string().map(|s| Some(Text(Cow::Borrowed(s))))
    }

    /// The digits of an integer (`-`? then `0` or `[1-9][0-9]*`), without a fraction or an
    /// exponent; the text and whether it is negative.
    fn integer_text(&mut self) -> Option<(&'a str, bool)> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        if let Some(b'0'..=b'9' | b'.' | b'e' | b'E') = self.peek() {
            return None;
        }
        Some((self.s.get(start..self.i)?, negative))
    }

    /// An optional integer field: `null` or an integer that serde_json reads as an `i64`.
    fn int(&mut self) -> Option<Option<i64>> {
        if self.null() {
            return Some(None);
        }
        let (digits, negative) = self.integer_text()?;
        // At most 18 digits always fit; `-0` is a float to serde_json.
        if digits.len() > 18 + usize::from(negative) || digits == "-0" {
            return None;
        }
        digits.parse().ok().map(Some)
    }

    /// `{`, members handed to `member` (positioned at the value), `}`.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            member(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An optional list field: `null` or `[` elements read by `item` `]`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Option<Vec<T>>> {
        if self.null() {
            return Some(None);
        }
        self.eat(b'[')?;
        let mut out = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(Some(out));
        }
        loop {
            self.ws();
            out.push(item(self)?);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Some(out));
                }
                _ => return None,
            }
        }
    }

    /// Skips a value of an unknown key, checking it is JSON (in the strict subset).
    fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|r, _| r.skip(depth + 1)),
            b'[' => self.list(|r| r.skip(depth + 1)).map(drop),
            b't' | b'f' | b'n' => {
                for word in [&b"true"[..], b"false", b"null"] {
                    if self.b.get(self.i..self.i + word.len()) == Some(word) {
                        self.i += word.len();
                        return Some(());
                    }
                }
                None
            }
            _ => self.integer_text().map(drop),
        }
    }

    fn security_group(&mut self) -> Option<RawSecurityGroup<'a>> {
        let mut out = RawSecurityGroup {
            group_id: None,
            group_name: None,
            description: None,
            vpc_id: None,
            owner_id: None,
            ip_permissions: None,
            ip_permissions_egress: None,
        };
        let mut seen = 0u8;
        self.object(|r, key| {
            let bit = match key {
                "GroupId" => 1,
                "GroupName" => 2,
                "Description" => 4,
                "VpcId" => 8,
                "OwnerId" => 16,
                "IpPermissions" => 32,
                "IpPermissionsEgress" => 64,
                _ => return r.skip(0),
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match bit {
                1 => out.group_id = r.text()?,
                2 => out.group_name = r.text()?,
                4 => out.description = r.text()?,
                8 => out.vpc_id = r.text()?,
                16 => out.owner_id = r.text()?,
                32 => out.ip_permissions = r.list(Self::permission)?,
                _ => out.ip_permissions_egress = r.list(Self::permission)?,
            }
            Some(())
        })?;
        Some(out)
    }

    fn permission(&mut self) -> Option<RawPermission<'a>> {
        let mut out = RawPermission {
            ip_protocol: None,
            from_port: None,
            to_port: None,
            ip_ranges: None,
            ipv6_ranges: None,
            prefix_list_ids: None,
            user_id_group_pairs: None,
        };
        let mut seen = 0u8;
        self.object(|r, key| {
            let bit = match key {
                "IpProtocol" => 1,
                "FromPort" => 2,
                "ToPort" => 4,
                "IpRanges" => 8,
                "Ipv6Ranges" => 16,
                "PrefixListIds" => 32,
                "UserIdGroupPairs" => 64,
                _ => return r.skip(0),
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match bit {
                1 => out.ip_protocol = r.text()?,
                2 => out.from_port = r.int()?,
                4 => out.to_port = r.int()?,
                8 => out.ip_ranges = r.list(Self::ip_range)?,
                16 => out.ipv6_ranges = r.list(Self::ipv6_range)?,
                32 => out.prefix_list_ids = r.list(Self::prefix_list_id)?,
                _ => out.user_id_group_pairs = r.list(Self::group_pair)?,
            }
            Some(())
        })?;
        Some(out)
    }

    object_reader!(ip_range -> RawIpRange {
        "CidrIp" => cidr_ip: text,
        "Description" => description: text,
    });

    object_reader!(ipv6_range -> RawIpv6Range {
        "CidrIpv6" => cidr_ipv6: text,
        "Description" => description: text,
    });

    object_reader!(prefix_list_id -> RawPrefixListId {
        "PrefixListId" => prefix_list_id: text,
        "Description" => description: text,
    });

    object_reader!(group_pair -> RawGroupPair {
        "GroupId" => group_id: text,
        "UserId" => user_id: text,
        "VpcId" => vpc_id: text,
        "VpcPeeringConnectionId" => vpc_peering_connection_id: text,
        "PeeringStatus" => peering_status: text,
        "Description" => description: text,
    });
}
