//! Audit configuration: defaults, the risky-port catalogue and `sgcheck.toml`.
//!
//! `sgcheck.toml` is deserialised into raw types, then validated into [`AuditConfig`];
//! every problem (unknown code, bad date, bad port) is a [`ConfigError`] naming the field
//! and, for a problem with a value, the value's line and column (`file:line:column: …`).
//!
//! ```toml
//! [audit]
//! broad_prefix_v4 = 8            # a public union this large (or larger) is "broad" (SG007)
//! broad_prefix_v6 = 32
//! wide_source_prefix_v4 = 16     # admin ports from a block shorter than this: SG014
//! wide_source_prefix_v6 = 48
//! world_ports = ["80/tcp", "443/tcp"]   # world-open and expected: not reported by SG006
//! spread_placement_groups = ["my-spread"]
//!
//! [audit.severity]               # remap a check's default severity
//! SG009 = "info"
//!
//! [risky_ports]
//! replace = false                # true: use only the entries below
//! [[risky_ports.port]]
//! service = "Jupyter"
//! protocol = "tcp"
//! ports = "8888"
//! category = "service"           # admin | database | service | amplifier
//!
//! [[suppress]]
//! code = "SG001"
//! resource = "eni-0bastion"      # exact id, or a prefix ending in `*`
//! reason = "bastion, ticket SEC-12"
//! expires = "2026-12-31"         # optional; an expired suppression is reported (SG026)
//! ```

use super::finding::Severity;
use super::registry;
use crate::net::{PortRange, Protocol};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// The bundled catalogue (`data/risky-ports.toml`).
pub const DEFAULT_CATALOGUE: &str = include_str!("../../data/risky-ports.toml");

/// What a risky port is, which decides the check reporting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Remote administration and control planes (SG001).
    Admin,
    /// Databases and data stores (SG002).
    Database,
    /// Other services not meant for the internet (SG003).
    Service,
    /// UDP reflection/amplification (SG004).
    Amplifier,
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskyPort {
    /// Service name.
    pub service: String,
    /// tcp or udp.
    pub protocol: Protocol,
    /// Ports.
    pub ports: PortRange,
    /// Category.
    pub category: Category,
}

/// An accepted suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The check code.
    pub code: String,
    /// The resource id, or a prefix ending in `*`.
    pub resource: String,
    /// Why.
    pub reason: String,
    /// Last day it applies (inclusive).
    pub expires: Option<Date>,
}

impl Suppression {
    /// Whether it matches a finding's code and resource (ignoring expiry).
    pub fn matches(&self, code: &str, resource: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
            && match self.resource.strip_suffix('*') {
                Some(prefix) => resource.starts_with(prefix),
                None => self.resource == resource,
            }
    }
}

/// A calendar date (proleptic Gregorian), for suppression expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1-12.
    pub month: u8,
    /// Day 1-31.
    pub day: u8,
}

impl Date {
    /// Today (UTC), from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days((secs / 86_400) as i64)
    }

    /// From days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Date, String> {
        let bad = || format!("expected a date YYYY-MM-DD, found {s:?}");
        // Exactly four, two and two digits: `2025-1-1` or ` 2025-01-01` are typos.
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(bad());
        }
        let year: i32 = s[0..4].parse().map_err(|_| bad())?;
        let month: u8 = s[5..7].parse().map_err(|_| bad())?;
        let day: u8 = s[8..10].parse().map_err(|_| bad())?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if !(1..=days).contains(&day) {
            return Err(format!(
                "{s:?} is not a day of the calendar (month {month} has {days} days)"
            ));
        }
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A configuration problem: `file: message`, or `file:line:column: message` when the
/// offending value's position is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", at_suffix(*.position))]
pub struct ConfigError {
    /// The file (or `<bundled catalogue>`).
    pub file: String,
    /// 1-based line and column (in characters) of the offending value, when known
    /// (malformed TOML carries its own position in `message`).
    pub position: Option<(usize, usize)>,
    /// What is wrong, naming the field.
    pub message: String,
}

impl ConfigError {
    /// An error without a position.
    fn new(file: &str, message: String) -> ConfigError {
        ConfigError {
            file: file.to_string(),
            position: None,
            message,
        }
    }

    /// An error at byte span `span` of `text` (without a position if the span is not in
    /// `text`).
    fn at(file: &str, text: &str, span: Range<usize>, message: String) -> ConfigError {
        ConfigError {
            file: file.to_string(),
            position: line_column(text, span.start),
            message,
        }
    }
}

/// `:line:column`, or nothing.
fn at_suffix(position: Option<(usize, usize)>) -> String {
    position.map_or_else(String::new, |(line, column)| format!(":{line}:{column}"))
}

/// The 1-based line and column (in characters) of byte offset `at` of `text`; `None`
/// when `at` is past the end or inside a character.
fn line_column(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = text.get(..at)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column))
}

/// Everything the audit needs besides the topology.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The risky-port catalogue.
    pub catalogue: Vec<RiskyPort>,
    /// The catalogue's version (bundled, or as the config says).
    pub catalogue_version: u32,
    /// A public union at least this large (as a v4 prefix length) is broad.
    pub broad_prefix_v4: u8,
    /// Same for IPv6.
    pub broad_prefix_v6: u8,
    /// Admin ports from a source block shorter than this are "wide" (SG014).
    pub wide_source_prefix_v4: u8,
    /// Same for IPv6.
    pub wide_source_prefix_v6: u8,
    /// World-open ports that are expected (not reported by SG006).
    pub world_ports: Vec<(Protocol, PortRange)>,
    /// Placement groups known to use the spread strategy.
    pub spread_placement_groups: Vec<String>,
    /// Severity overrides per code.
    pub severity: HashMap<String, Severity>,
    /// Suppressions.
    pub suppressions: Vec<Suppression>,
    /// The date expiry is compared with.
    pub today: Date,
    /// Only these codes run (`None` = all).
    pub only: Option<Vec<String>>,
    /// What [`AuditConfig::apply_toml`] read past: unknown keys, with file and
    /// line:column (the CLI prints them as warnings).
    pub warnings: Vec<String>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        let (catalogue_version, catalogue) =
            parse_catalogue(DEFAULT_CATALOGUE, "<bundled catalogue>").unwrap_or_default();
        AuditConfig {
            catalogue,
            catalogue_version,
            broad_prefix_v4: 8,
            broad_prefix_v6: 32,
            wide_source_prefix_v4: 16,
            wide_source_prefix_v6: 48,
            world_ports: vec![
                (Protocol::Tcp, PortRange::single(80)),
                (Protocol::Tcp, PortRange::single(443)),
            ],
            spread_placement_groups: Vec::new(),
            severity: HashMap::new(),
            warnings: Vec::new(),
            suppressions: Vec::new(),
            today: Date::today(),
            only: None,
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawCatalogue {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    replace: bool,
    #[serde(default)]
    port: Vec<RawPort>,
}

#[derive(Debug, Deserialize)]
struct RawPort {
    service: String,
    protocol: Spanned<String>,
    ports: Spanned<String>,
    category: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawAudit {
    broad_prefix_v4: Option<Spanned<u8>>,
    broad_prefix_v6: Option<Spanned<u8>>,
    wide_source_prefix_v4: Option<Spanned<u8>>,
    wide_source_prefix_v6: Option<Spanned<u8>>,
    world_ports: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    spread_placement_groups: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
struct RawSuppression {
    code: Spanned<String>,
    resource: Spanned<String>,
    reason: Spanned<String>,
    expires: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    audit: RawAudit,
    risky_ports: Option<RawCatalogue>,
    #[serde(default)]
    suppress: Vec<RawSuppression>,
}

/// Validates catalogue entries read from `text` (errors give the value's line:column).
fn parse_ports(
    entries: Vec<RawPort>,
    text: &str,
    file: &str,
) -> Result<Vec<RiskyPort>, ConfigError> {
    let err = |span: Range<usize>, message: String| ConfigError::at(file, text, span, message);
    entries
        .into_iter()
        .map(|p| {
            let protocol: Protocol = p.protocol.get_ref().parse().map_err(|e| {
                err(
                    p.protocol.span(),
                    format!("port {:?}: protocol: {e}", p.service),
                )
            })?;
            if !protocol.has_ports() {
                return Err(err(
                    p.protocol.span(),
                    format!("port {:?}: protocol must be tcp or udp", p.service),
                ));
            }
            let ports: PortRange = p.ports.get_ref().parse().map_err(|e| {
                err(p.ports.span(), format!("port {:?}: ports: {e}", p.service))
            })?;
            let category = match p.category.get_ref().as_str() {
                "admin" => Category::Admin,
                "database" => Category::Database,
                "service" => Category::Service,
                "amplifier" => Category::Amplifier,
                other => {
                    return Err(err(
                        p.category.span(),
                        format!(
                            "port {:?}: category {other:?} is not admin, database, service or amplifier",
                            p.service
                        ),
                    ));
                }
            };
            Ok(RiskyPort {
                service: p.service,
                protocol,
                ports,
                category,
            })
        })
        .collect()
}

/// Parses a catalogue file (`version` + `[[port]]`).
///
/// # Errors
/// Malformed TOML or a bad entry.
pub fn parse_catalogue(text: &str, file: &str) -> Result<(u32, Vec<RiskyPort>), ConfigError> {
    let raw: RawCatalogue =
        toml::from_str(text).map_err(|e| ConfigError::new(file, e.to_string()))?;
    Ok((raw.version, parse_ports(raw.port, text, file)?))
}

/// The keys `sgcheck.toml` knows: a table's keys, each with what is below it.
enum Known {
    /// A table with these keys.
    Table(&'static [(&'static str, Known)]),
    /// An array of tables with these keys.
    Tables(&'static [(&'static str, Known)]),
    /// A value, or a table of any keys (`[audit.severity]`).
    Any,
}

const PORT_KEYS: &[(&str, Known)] = &[
    ("service", Known::Any),
    ("protocol", Known::Any),
    ("ports", Known::Any),
    ("category", Known::Any),
];

const CONFIG_KEYS: Known = Known::Table(&[
    (
        "audit",
        Known::Table(&[
            ("broad_prefix_v4", Known::Any),
            ("broad_prefix_v6", Known::Any),
            ("wide_source_prefix_v4", Known::Any),
            ("wide_source_prefix_v6", Known::Any),
            ("world_ports", Known::Any),
            ("spread_placement_groups", Known::Any),
            ("severity", Known::Any),
        ]),
    ),
    (
        "risky_ports",
        Known::Table(&[
            ("version", Known::Any),
            ("replace", Known::Any),
            ("port", Known::Tables(PORT_KEYS)),
        ]),
    ),
    (
        "suppress",
        Known::Tables(&[
            ("code", Known::Any),
            ("resource", Known::Any),
            ("reason", Known::Any),
            ("expires", Known::Any),
        ]),
    ),
]);

/// Keys of `text` that sgcheck does not know, as `file:line:column: …` warnings (unknown
/// keys are read past, as unknown fields of exports are; a misspelt key is said).
fn unknown_keys(text: &str, file: &str) -> Vec<String> {
    use toml::de::{DeTable, DeValue};
    fn walk(
        table: &DeTable<'_>,
        known: &[(&str, Known)],
        path: &str,
        out: &mut Vec<(usize, String)>,
    ) {
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let full = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            match known.iter().find(|(k, _)| *k == name).map(|(_, k)| k) {
                None => out.push((key.span().start, full)),
                Some(Known::Any) => {}
                Some(Known::Table(keys)) => {
                    if let DeValue::Table(t) = value.get_ref() {
                        walk(t, keys, &full, out);
                    }
                }
                Some(Known::Tables(keys)) => {
                    if let DeValue::Array(items) = value.get_ref() {
                        for (i, item) in items.iter().enumerate() {
                            if let DeValue::Table(t) = item.get_ref() {
                                walk(t, keys, &format!("{full}[{i}]"), out);
                            }
                        }
                    }
                }
            }
        }
    }
    // Malformed TOML is reported by the typed parse.
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let Known::Table(keys) = CONFIG_KEYS else {
        return Vec::new();
    };
    let mut found = Vec::new();
    walk(root.get_ref(), keys, "", &mut found);
    found.sort();
    found
        .into_iter()
        .map(|(at, key)| {
            format!(
                "{file}{}: unknown key `{key}` ignored",
                at_suffix(line_column(text, at))
            )
        })
        .collect()
}

impl AuditConfig {
    /// Applies an `sgcheck.toml` over the defaults.
    ///
    /// # Errors
    /// Malformed TOML, an unknown field or code, a bad date, port or severity.
    pub fn apply_toml(&mut self, text: &str, file: &str) -> Result<(), ConfigError> {
        // Problems with a value name its line:column (`Spanned` fields of the raw types).
        let err = |span: Range<usize>, message: String| ConfigError::at(file, text, span, message);
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| ConfigError::new(file, e.to_string()))?;
        self.warnings.extend(unknown_keys(text, file));
        let a = raw.audit;
        for (value, slot, max) in [
            (a.broad_prefix_v4, &mut self.broad_prefix_v4, 32),
            (a.broad_prefix_v6, &mut self.broad_prefix_v6, 128),
            (a.wide_source_prefix_v4, &mut self.wide_source_prefix_v4, 32),
            (
                a.wide_source_prefix_v6,
                &mut self.wide_source_prefix_v6,
                128,
            ),
        ] {
            if let Some(v) = value {
                if *v.get_ref() > max {
                    return Err(err(
                        v.span(),
                        format!("[audit]: prefix length {} is above {max}", v.get_ref()),
                    ));
                }
                *slot = v.into_inner();
            }
        }
        if let Some(list) = a.world_ports {
            self.world_ports = list
                .iter()
                .map(|s| {
                    parse_port_spec(s.get_ref())
                        .map_err(|m| err(s.span(), format!("[audit] world_ports: {m}")))
                })
                .collect::<Result<_, _>>()?;
        }
        self.spread_placement_groups
            .extend(a.spread_placement_groups);
        // Codes are case-insensitive: `SG010` and `sg010` are one check.
        let mut seen = HashMap::new();
        for (key, sev) in a.severity {
            let code = key.get_ref();
            let Some(check) = registry::find(code) else {
                return Err(err(
                    key.span(),
                    format!("[audit.severity]: unknown check code {code:?}"),
                ));
            };
            let s: Severity = sev
                .get_ref()
                .parse()
                .map_err(|e| err(sev.span(), format!("[audit.severity] {code}: {e}")))?;
            // Stored as the registry writes it: ` sg010` is `SG010`, never a key nothing
            // looks up.
            let canonical = check.code.to_string();
            if let Some(earlier) = seen.insert(canonical.clone(), code.clone()) {
                return Err(err(
                    key.span(),
                    format!(
                        "[audit.severity]: {canonical} is given twice (as {earlier:?} and {code:?})"
                    ),
                ));
            }
            self.severity.insert(canonical, s);
        }
        if let Some(cat) = raw.risky_ports {
            let ports = parse_ports(cat.port, text, file)?;
            if cat.replace {
                self.catalogue = ports;
            } else {
                // An entry for the same protocol and ports overrides the one before it
                // (else both report the same traffic, with one fingerprint).
                for p in ports {
                    self.catalogue
                        .retain(|e| (e.protocol, e.ports) != (p.protocol, p.ports));
                    self.catalogue.push(p);
                }
            }
            if cat.version != 0 {
                self.catalogue_version = cat.version;
            }
        }
        for s in raw.suppress {
            let code = s.code.get_ref();
            let Some(check) = registry::find(code) else {
                return Err(err(
                    s.code.span(),
                    format!("[[suppress]]: unknown check code {code:?}"),
                ));
            };
            let resource = s.resource.get_ref();
            if resource.is_empty() || resource.trim() != resource {
                return Err(err(
                    s.resource.span(),
                    format!(
                        "[[suppress]] {code}: expected a resource id (or a prefix ending in *) \
                         without spaces, found {resource:?}"
                    ),
                ));
            }
            if s.reason.get_ref().trim().is_empty() {
                return Err(err(
                    s.reason.span(),
                    format!("[[suppress]] {code} {resource}: a reason is required"),
                ));
            }
            let expires = match &s.expires {
                None => None,
                Some(value) => {
                    let bad = |m: String| {
                        err(
                            value.span(),
                            format!("[[suppress]] {code} {resource}: expires: {m}"),
                        )
                    };
                    match value.get_ref() {
                        toml::Value::String(t) => Some(t.parse::<Date>().map_err(bad)?),
                        toml::Value::Datetime(d) => {
                            Some(d.to_string().parse::<Date>().map_err(bad)?)
                        }
                        other => {
                            return Err(err(
                                value.span(),
                                format!(
                                    "[[suppress]] {code} {resource}: expires must be a date, found {other}"
                                ),
                            ));
                        }
                    }
                }
            };
            self.suppressions.push(Suppression {
                code: check.code.to_string(),
                resource: resource.clone(),
                reason: s.reason.into_inner(),
                expires,
            });
        }
        Ok(())
    }

    /// Whether `name` is treated as a spread placement group: listed in the config, or
    /// its name contains `spread` (the model carries no placement strategy).
    pub fn is_spread_group(&self, name: &str) -> bool {
        self.spread_placement_groups.iter().any(|g| g == name)
            || name.to_ascii_lowercase().contains("spread")
    }

    /// Whether check `code` runs.
    pub fn enabled(&self, code: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|c| c.trim().eq_ignore_ascii_case(code)))
    }
}

/// `443/tcp`, `53/udp`, `8000-8100/tcp`; the protocol defaults to tcp.
fn parse_port_spec(s: &str) -> Result<(Protocol, PortRange), String> {
    let (ports, proto) = s.split_once('/').unwrap_or((s, "tcp"));
    let protocol: Protocol = proto.parse().map_err(|e| format!("{s:?}: {e}"))?;
    if !protocol.has_ports() {
        return Err(format!("{s:?}: protocol must be tcp or udp"));
    }
    let ports: PortRange = ports.parse().map_err(|e| format!("{s:?}: {e}"))?;
    Ok((protocol, ports))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalogue_parses_and_covers_the_issue() {
        let (version, ports) = parse_catalogue(DEFAULT_CATALOGUE, "bundled").unwrap();
        assert!(version >= 1);
        let has = |p: Protocol, port: u16| {
            ports
                .iter()
                .any(|r| r.protocol == p && r.ports.contains(port))
        };
        for port in [
            22, 3389, 20, 21, 23, 25, 53, 135, 139, 445, 389, 636, 88, 1433, 1434, 1521, 2483,
            2484, 2049, 3306, 5432, 6379, 7000, 7001, 7199, 9042, 9160, 9200, 9300, 5601, 9092,
            27017, 27018, 11211, 2375, 2376, 6443, 10250, 2379, 2380, 5900, 5984, 8500,
        ] {
            assert!(has(Protocol::Tcp, port), "tcp {port}");
        }
        for port in [11211, 123, 161, 1900, 53] {
            assert!(has(Protocol::Udp, port), "udp {port}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_723).to_string(), "2024-01-01");
        assert_eq!(
            "2025-02-28".parse::<Date>().unwrap().to_string(),
            "2025-02-28"
        );
        assert!("2025-13-01".parse::<Date>().is_err());
        assert!("tomorrow".parse::<Date>().is_err());
        assert_eq!("2024-02-29".parse::<Date>().map(|d| d.day), Ok(29));
        assert_eq!("2000-02-29".parse::<Date>().map(|d| d.day), Ok(29));
        for bad in [
            "2025-02-29",
            "1900-02-29",
            "2025-02-30",
            "2025-04-31",
            "2025-00-10",
            "2025-01-00",
            "2025-1-1",
            "2025-001-01",
            " 2025-01-01",
            "+999-01-01",
            "2025-01-01T00:00:00",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_keys_are_read_past_with_a_warning() {
        let mut c = AuditConfig::default();
        c.apply_toml(
            "bogus = 1\n[audit]\nbroad_prefix_v4 = 10\n  typo = 2\n[audit.severity]\nSG009 = \"info\"\n\
             [[suppress]]\ncode = \"SG001\"\nresource = \"x\"\nreason = \"r\"\nexpire = \"2030-01-01\"\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(c.broad_prefix_v4, 10);
        assert_eq!(c.suppressions.len(), 1);
        // Every key the configuration reads is known (this list is kept beside the
        // `Raw*` structs: a field added there and not here would be warned about).
        let mut full = AuditConfig::default();
        full.apply_toml(
            "[audit]\nbroad_prefix_v4 = 8\nbroad_prefix_v6 = 32\nwide_source_prefix_v4 = 16\n\
             wide_source_prefix_v6 = 48\nworld_ports = [\"443/tcp\"]\nspread_placement_groups = [\"s\"]\n\
             [audit.severity]\nSG009 = \"info\"\n[risky_ports]\nversion = 2\nreplace = false\n\
             [[risky_ports.port]]\nservice = \"J\"\nprotocol = \"tcp\"\nports = \"8888\"\ncategory = \"service\"\n\
             [[suppress]]\ncode = \"SG001\"\nresource = \"x\"\nreason = \"r\"\nexpires = \"2030-01-01\"\n",
            "full.toml",
        )
        .unwrap();
        assert_eq!(full.warnings, Vec::<String>::new());
        assert_eq!(
            c.warnings,
            [
                "t.toml:1:1: unknown key `bogus` ignored",
                "t.toml:4:3: unknown key `audit.typo` ignored",
                "t.toml:11:1: unknown key `suppress[0].expire` ignored",
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_column_of_the_value() {
        // Each offending value sits past line 1 and column 1; the text after the
        // position is the message without one.
        let suppress = "[[suppress]]\ncode = \"SG001\"\nresource = \"x\"\nreason = \"r\"\n";
        let port = "[risky_ports]\n[[risky_ports.port]]\nservice = \"J\"\n";
        let catalogue_want = "c.toml:6:12: port \"J\": category \"web\" is not admin, \
                              database, service or amplifier";
        let mut wrong = Vec::new();
        for (text, want) in [
            (
                "[audit]\nbroad_prefix_v4 = 8\n  broad_prefix_v6 = 129\n".to_string(),
                "t.toml:3:21: [audit]: prefix length 129 is above 128",
            ),
            (
                "[audit]\nwide_source_prefix_v4 = 33\n".to_string(),
                "t.toml:2:25: [audit]: prefix length 33 is above 32",
            ),
            (
                "[[suppress]]\nresource = \"x\"\n code = \"SG999\"\nreason = \"r\"\n".to_string(),
                "t.toml:3:9: [[suppress]]: unknown check code \"SG999\"",
            ),
            (
                "[[suppress]]\ncode = \"SG001\"\nresource = \"\"\nreason = \"r\"\n".to_string(),
                "t.toml:3:12: [[suppress]] SG001: expected a resource id (or a prefix ending in *) without spaces, found \"\"",
            ),
            (
                "[[suppress]]\ncode = \"SG001\"\n\nresource = \"sg-1 \"\nreason = \"r\"\n"
                    .to_string(),
                "t.toml:4:12: [[suppress]] SG001: expected a resource id (or a prefix ending in *) without spaces, found \"sg-1 \"",
            ),
            (
                "[[suppress]]\ncode = \"SG001\"\nresource = \"x\"\nreason =   \" \"\n".to_string(),
                "t.toml:4:12: [[suppress]] SG001 x: a reason is required",
            ),
            (
                format!("{suppress}expires = \"soon\"\n"),
                "t.toml:5:11: [[suppress]] SG001 x: expires: expected a date YYYY-MM-DD, found \"soon\"",
            ),
            (
                format!("{suppress}{suppress}expires =  \"2099-02-30\"\n"),
                "t.toml:9:12: [[suppress]] SG001 x: expires: \"2099-02-30\" is not a day of the \
                 calendar (month 2 has 28 days)",
            ),
            (
                format!("{suppress}expires = 2030-01-01T00:00:00\n"),
                "t.toml:5:11: [[suppress]] SG001 x: expires: expected a date YYYY-MM-DD, found \
                 \"2030-01-01T00:00:00\"",
            ),
            (
                format!("{suppress}expires = 5\n"),
                "t.toml:5:11: [[suppress]] SG001 x: expires must be a date, found 5",
            ),
            (
                "[audit.severity]\nSG009 = \"info\"\nSG001 = \"severe\"\n".to_string(),
                "t.toml:3:9: [audit.severity] SG001: expected a severity (info, low, medium, \
                 high, critical), found \"severe\"",
            ),
            (
                "[audit.severity]\nSG009 = \"info\"\n  SG999 = \"low\"\n".to_string(),
                "t.toml:3:3: [audit.severity]: unknown check code \"SG999\"",
            ),
            (
                "[audit.severity]\nSG010 = \"info\"\n sg010 = \"critical\"\n".to_string(),
                "t.toml:3:2: [audit.severity]: SG010 is given twice (as \"SG010\" and \"sg010\")",
            ),
            (
                "[audit]\nworld_ports = [\"443/tcp\",\n   \"80/icmp\"]\n".to_string(),
                "t.toml:3:4: [audit] world_ports: \"80/icmp\": protocol must be tcp or udp",
            ),
            (
                "[audit]\nworld_ports = [\"443/tcp\", \"99999\"]\n".to_string(),
                "t.toml:2:27: [audit] world_ports: \"99999\": expected a port number 0-65535, \
                 found \"99999\"",
            ),
            (
                format!("{port}protocol = \"tcp\"\nports = \"88888\"\ncategory = \"service\"\n"),
                "t.toml:5:9: port \"J\": ports: expected a port number 0-65535, found \"88888\"",
            ),
            (
                format!("{port}protocol = \"icmp\"\nports = \"1\"\ncategory = \"service\"\n"),
                "t.toml:4:12: port \"J\": protocol must be tcp or udp",
            ),
            (
                format!("{port}protocol = \"sctp\"\nports = \"1\"\ncategory = \"service\"\n"),
                "t.toml:4:12: port \"J\": protocol: expected a protocol (tcp, udp, icmp, icmpv6, \
                 all, -1 or a number 0-255), found \"sctp\"",
            ),
            (
                format!("{port}protocol = \"tcp\"\nports = \"1\"\ncategory = \"web\"\n"),
                "t.toml:6:12: port \"J\": category \"web\" is not admin, database, service or \
                 amplifier",
            ),
            (
                // Columns count characters, not bytes.
                "[[suppress]]\ncode = \"SG001\"\nresource = \"é\"\nreason = \"é\"\n\
                 expires = \"éé\"\n"
                    .to_string(),
                "t.toml:5:11: [[suppress]] SG001 é: expires: expected a date YYYY-MM-DD, found \"éé\"",
            ),
        ] {
            match AuditConfig::default().apply_toml(&text, "t.toml") {
                Err(e) if e.to_string() == want => {}
                got => wrong.push(format!("{text:?}\n  want {want}\n  got  {got:?}")),
            }
        }
        // A catalogue file's entries too.
        match parse_catalogue(
            "version = 1\n[[port]]\nservice = \"J\"\nprotocol = \"tcp\"\nports = \"1\"\n\
             category = \"web\"\n",
            "c.toml",
        ) {
            Err(e) if e.to_string() == catalogue_want => {}
            got => wrong.push(format!(
                "catalogue\n  want {catalogue_want}\n  got  {got:?}"
            )),
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // Malformed TOML keeps the parser's own message (which carries the position).
        let e = AuditConfig::default()
            .apply_toml("[audit]\nbroad_prefix_v4 = 300\n", "t.toml")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.toml: TOML parse error at line 2, column 19"),
            "{e}"
        );
    }

    #[test]
    fn line_column_of_a_byte_offset() {
        assert_eq!(line_column("", 0), Some((1, 1)));
        assert_eq!(line_column("ab\ncd", 4), Some((2, 2)));
        assert_eq!(line_column("a\r\néb", 6), Some((2, 3)));
        // Past the end or inside a character: no position (and no panic).
        assert_eq!(line_column("ab", 3), None);
        assert_eq!(line_column("é", 1), None);
        let e = ConfigError::at("f", "é", 1..2, "m".to_string());
        assert_eq!(e.to_string(), "f: m");
    }

    #[test]
    fn toml_config() {
        let mut c = AuditConfig::default();
        c.apply_toml(
            r#"
[audit]
broad_prefix_v4 = 10
world_ports = ["443/tcp"]
[audit.severity]
SG009 = "info"
[risky_ports]
[[risky_ports.port]]
service = "Jupyter"
protocol = "tcp"
ports = "8889"
category = "service"
[[suppress]]
code = "sg001"
resource = "eni-1*"
reason = "bastion"
expires = 2030-01-01
"#,
            "t.toml",
        )
        .unwrap();
        assert_eq!(c.broad_prefix_v4, 10);
        assert_eq!(c.world_ports.len(), 1);
        assert!(c.catalogue.iter().any(|p| p.service == "Jupyter"));
        // An entry for the bundled entry's protocol and ports overrides it, once.
        let ssh = |c: &AuditConfig| -> Vec<(String, Category)> {
            (c.catalogue.iter())
                .filter(|p| p.protocol == Protocol::Tcp && p.ports.lo() == 22 && p.ports.hi() == 22)
                .map(|p| (p.service.clone(), p.category))
                .collect()
        };
        assert_eq!(ssh(&c).len(), 1);
        let before = c.catalogue.len();
        c.apply_toml(
            "[[risky_ports.port]]\nservice = \"x\"\nprotocol = \"tcp\"\nports = \"22\"\ncategory = \"database\"\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(ssh(&c), [("x".to_string(), Category::Database)]);
        assert_eq!(c.catalogue.len(), before);
        assert!(c.suppressions[0].matches("SG001", "eni-123"));
        assert_eq!(c.suppressions[0].expires.unwrap().to_string(), "2030-01-01");
        for bad in [
            "[[suppress]]\ncode = \"SG999\"\nresource = \"x\"\nreason = \"r\"\n",
            "[[suppress]]\ncode = \"SG001\"\nresource = \"x\"\nreason = \"\"\n",
            "[[suppress]]\ncode = \"SG001\"\nresource = \"x\"\nreason = \"r\"\nexpires = \"soon\"\n",
            "[audit.severity]\nSG001 = \"severe\"\n",
            "[audit.severity]\nSG010 = \"info\"\nsg010 = \"critical\"\n",
            "[[suppress]]\ncode = \"SG001\"\nresource = \"x\"\nreason = \"r\"\nexpires = \"2099-02-30\"\n",
        ] {
            assert!(
                AuditConfig::default().apply_toml(bad, "t").is_err(),
                "{bad}"
            );
        }
    }
}
