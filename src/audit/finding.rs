//! [`Finding`]: what a check reports. Findings are data, never errors.
//!
//! A finding's [`Finding::fingerprint`] hashes the code, the resource (with its scope), the
//! protocol, the ports and the peer — never origins, line numbers, messages or rule order —
//! so it survives reordering and re-export of the inputs (baselines depend on that).

use crate::model::{Origin, Scope};
use crate::net::Protocol;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// How bad a finding is, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action needed.
    Info,
    /// Hygiene or cost.
    Low,
    /// Should be fixed.
    Medium,
    /// Fix soon: real risk or an impossible state.
    High,
    /// Fix now: reachable from the internet on an admin or all ports.
    Critical,
}

impl Severity {
    /// Every level, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// `steps` levels lower, stopping at [`Severity::Info`].
    pub fn lowered(self, steps: u8) -> Severity {
        let i = Severity::ALL.iter().position(|&s| s == self).unwrap_or(0);
        Severity::ALL[i.saturating_sub(usize::from(steps))]
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = crate::net::ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                crate::net::ValueError::new("a severity (info, low, medium, high, critical)", s)
            })
    }
}

/// Whether an exposure is reachable from the internet today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Exposure {
    /// Public address, the reply routed to an attached internet gateway, NACL lets it
    /// in and the reply out, instance running.
    Effective,
    /// The groups allow it but something else blocks it today (reported one level lower).
    Nominal,
}

impl Exposure {
    /// The lowercase name, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Exposure::Effective => "effective",
            Exposure::Nominal => "nominal",
        }
    }
}

/// One rule behind a finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RuleEvidence {
    /// The group holding the rule.
    pub group: String,
    /// The rule in rule-language form, e.g. `in tcp 22 from 0.0.0.0/0`.
    pub rule: String,
    /// `sgr-…` when the export carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Where the rule was read.
    pub origin: Option<Origin>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The check's code, `SG001`…
    pub code: &'static str,
    /// Final severity (after demotion and configured overrides).
    pub severity: Severity,
    /// The id the finding is about: group, ENI, instance, volume or allocation id.
    pub resource: String,
    /// The resource's account/region scope, when known.
    #[serde(skip)]
    pub scope: Scope,
    /// The protocol, for findings about traffic.
    pub protocol: Option<Protocol>,
    /// Inclusive port range (ICMP: type range); `None` = all, or not about ports.
    pub ports: Option<(u16, u16)>,
    /// ICMP: the `type << 8 | code` span, when it does not hold whole types (`ports`
    /// gives only the types; the codes tell `type 3 code 4` from `type 3 code 13`).
    #[serde(skip)]
    pub icmp_codes: Option<(u16, u16)>,
    /// The other end: `0.0.0.0/0`, `::/0`, a CIDR list, a group id.
    pub peer: Option<String>,
    /// Effective or nominal (exposure checks only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
    /// What was found, in one sentence or two.
    pub message: String,
    /// The rules behind it (shared: one rule is evidence for many findings).
    pub rules: Vec<Arc<RuleEvidence>>,
    /// The resource's own origin (used when there are no rules).
    #[serde(skip)]
    pub origin: Option<Origin>,
    /// Stable identity (hex), see the module doc.
    pub fingerprint: String,
    /// Levels to lower the check's severity by (nominal exposure, assumptions).
    #[serde(skip)]
    pub demote: u8,
    /// Severity fixed by the check itself (instead of the check's default).
    #[serde(skip)]
    pub fixed_severity: Option<Severity>,
    /// How many of `rules`, from the first, are where the finding is; the others only
    /// explain it (the rules that already allow a redundant one). `None`: all of them.
    #[serde(skip)]
    pub located: Option<u16>,
}

impl Finding {
    /// A finding about `resource`; severity and fingerprint are set by the driver.
    pub fn new(
        code: &'static str,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity: Severity::Info,
            resource: resource.into(),
            scope: Scope::default(),
            protocol: None,
            ports: None,
            icmp_codes: None,
            peer: None,
            exposure: None,
            message: message.into(),
            rules: Vec::new(),
            origin: None,
            fingerprint: String::new(),
            demote: 0,
            fixed_severity: None,
            located: None,
        }
    }

    /// Sets the scope.
    pub fn scope(mut self, scope: &Scope) -> Finding {
        self.scope = scope.clone();
        self
    }

    /// Sets the resource's origin.
    pub fn origin(mut self, origin: &Origin) -> Finding {
        self.origin = Some(origin.clone());
        self
    }

    /// Sets protocol and ports.
    pub fn traffic(mut self, protocol: Protocol, ports: Option<(u16, u16)>) -> Finding {
        self.protocol = Some(protocol);
        self.ports = ports;
        self
    }

    /// Sets protocol, ports and ICMP codes from a rule (the ICMP type as the ports).
    pub fn rule_traffic(self, r: &crate::model::Rule) -> Finding {
        use crate::net::L4;
        let ports = match r.l4 {
            L4::Ports(p) if !p.is_all() => Some((p.lo(), p.hi())),
            L4::Icmp(m) => m.icmp_type().map(|t| (u16::from(t), u16::from(t))),
            _ => None,
        };
        let f = self.traffic(r.protocol, ports);
        match (r.l4, crate::audit::exposure::l4_span(r.l4)) {
            (L4::Icmp(_), Some(span)) => f.icmp_span(span),
            _ => f,
        }
    }

    /// Sets the ICMP span (`type << 8 | code`, see [`Finding::icmp_codes`]): kept only
    /// when it does not hold whole types.
    pub fn icmp_span(mut self, (lo, hi): (u16, u16)) -> Finding {
        let whole_types = lo & 0xff == 0 && hi & 0xff == 0xff;
        self.icmp_codes = (!whole_types).then_some((lo, hi));
        self
    }

    /// Sets the peer.
    pub fn peer(mut self, peer: impl Into<String>) -> Finding {
        self.peer = Some(peer.into());
        self
    }

    /// Adds evidence.
    pub fn rules(mut self, rules: Vec<Arc<RuleEvidence>>) -> Finding {
        self.rules = rules;
        self
    }

    /// Marks only the first `n` rules as where the finding is (see [`Finding::located`]).
    pub fn located(mut self, n: usize) -> Finding {
        self.located = Some(u16::try_from(n).unwrap_or(u16::MAX));
        self
    }

    /// The rules where the finding is, and those that only explain it.
    pub fn split_rules(&self) -> (&[Arc<RuleEvidence>], &[Arc<RuleEvidence>]) {
        let n = self
            .located
            .map_or(self.rules.len(), |n| usize::from(n).min(self.rules.len()));
        self.rules.split_at(n)
    }

    /// Fixes the severity regardless of the check's default.
    pub fn severity(mut self, s: Severity) -> Finding {
        self.fixed_severity = Some(s);
        self
    }

    /// The stable fingerprint (see the module doc): FNV-1a over `code`, scope,
    /// resource, protocol, `lo-hi` ports (and ICMP codes when not whole types) and peer,
    /// separated by U+001F, streamed without building the key.
    pub fn compute_fingerprint(&self) -> String {
        use std::fmt::Write as _;
        const SEP: &[u8] = "\u{1f}".as_bytes();
        let mut h = Fnv1a::default();
        h.bytes(self.code.as_bytes());
        h.bytes(SEP);
        let _ = write!(h, "{}", self.scope);
        h.bytes(SEP);
        h.bytes(self.resource.as_bytes());
        h.bytes(SEP);
        if let Some(p) = self.protocol {
            let _ = write!(h, "{p}");
        }
        h.bytes(SEP);
        let range = |h: &mut Fnv1a, (a, b): (u16, u16)| {
            let mut digits = [0u8; 20];
            h.bytes(crate::net::decimal(u64::from(a), &mut digits));
            h.bytes(b"-");
            h.bytes(crate::net::decimal(u64::from(b), &mut digits));
        };
        if let Some(ports) = self.ports {
            range(&mut h, ports);
        }
        // Only for partial types: whole-type findings keep the fingerprints they had.
        if let Some(codes) = self.icmp_codes {
            h.bytes(b" codes ");
            range(&mut h, codes);
        }
        h.bytes(SEP);
        h.bytes(self.peer.as_deref().unwrap_or("").as_bytes());
        let hex = crate::net::HEX_DIGITS;
        (0..16)
            .map(|k| char::from(hex[((h.0 >> (60 - 4 * k)) & 0xf) as usize]))
            .collect()
    }

    /// The ports as text: `22`, `1024-65535`, `all`.
    pub fn ports_text(&self) -> String {
        match self.ports {
            None => "all".to_string(),
            Some((a, b)) if a == b => a.to_string(),
            Some((a, b)) => format!("{a}-{b}"),
        }
    }
}

/// FNV-1a, 64 bits: small, stable across Rust versions and platforms (unlike `DefaultHasher`).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    h.bytes(bytes);
    h.0
}

/// FNV-1a state that text can be written into.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl fmt::Write for Fnv1a {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_lowering() {
        assert!(Severity::Critical > Severity::High);
        assert_eq!(Severity::Critical.lowered(1), Severity::High);
        assert_eq!(Severity::Low.lowered(5), Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn fingerprint_ignores_message_and_origin() {
        let a = Finding::new("SG001", "eni-1", "one").traffic(Protocol::Tcp, Some((22, 22)));
        let mut b = Finding::new("SG001", "eni-1", "two").traffic(Protocol::Tcp, Some((22, 22)));
        b.origin = Some(Origin::synthetic("x"));
        assert_eq!(a.compute_fingerprint(), b.compute_fingerprint());
        let c = Finding::new("SG001", "eni-1", "one").traffic(Protocol::Tcp, Some((23, 23)));
        assert_ne!(a.compute_fingerprint(), c.compute_fingerprint());
    }

    #[test]
    fn fingerprint_is_fnv_of_the_documented_key() {
        // Baselines written by earlier versions must keep matching.
        let f = Finding::new("SG001", "eni-1", "m")
            .traffic(Protocol::Tcp, Some((22, 22)))
            .peer("0.0.0.0/0");
        let key = format!(
            "SG001\u{1f}{}\u{1f}eni-1\u{1f}tcp\u{1f}22-22\u{1f}0.0.0.0/0",
            Scope::default()
        );
        assert_eq!(
            f.compute_fingerprint(),
            format!("{:016x}", fnv1a64(key.as_bytes()))
        );
        let g = Finding::new("SG009", "sg-1", "m");
        let key = format!(
            "SG009\u{1f}{}\u{1f}sg-1\u{1f}\u{1f}\u{1f}",
            Scope::default()
        );
        assert_eq!(
            g.compute_fingerprint(),
            format!("{:016x}", fnv1a64(key.as_bytes()))
        );
    }

    proptest::proptest! {
        /// The fingerprint, hashed piece by piece, is FNV-1a of the documented key built
        /// with `format!` (every scope shape, protocol, port range and peer).
        #[test]
        fn fingerprint_streams_the_documented_key(
            resource in "[a-z0-9-]{0,12}",
            account in proptest::option::of("[0-9]{12}"),
            region in proptest::option::of("[a-z]{2}-[a-z]{4}-[0-9]"),
            protocol in proptest::option::of(proptest::sample::select(vec![
                Protocol::All, Protocol::Tcp, Protocol::Udp, Protocol::Icmp,
                Protocol::Icmpv6, Protocol::Number(47), Protocol::Number(0),
            ])),
            ports in proptest::option::of((proptest::num::u16::ANY, proptest::num::u16::ANY)),
            peer in proptest::option::of("[ -~]{0,20}"),
        ) {
            let mut f = Finding::new("SG007", resource.as_str(), "m");
            f.scope = Scope {
                account: account.map(|a| crate::model::AccountId::from(a.as_str())),
                region,
            };
            f.protocol = protocol;
            f.ports = ports;
            f.peer = peer;
            let key = format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                f.code,
                f.scope,
                f.resource,
                f.protocol.map(|p| p.to_string()).unwrap_or_default(),
                f.ports.map(|(a, b)| format!("{a}-{b}")).unwrap_or_default(),
                f.peer.as_deref().unwrap_or(""),
            );
            proptest::prop_assert_eq!(
                f.compute_fingerprint(),
                format!("{:016x}", fnv1a64(key.as_bytes()))
            );
        }
    }
}
