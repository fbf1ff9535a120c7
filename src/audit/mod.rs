//! The audit: semantic exposure, hygiene and topology checks over a [`Topology`].
//!
//! Contract: reads the model (and the index's peer resolution), never prints, never
//! re-parses, never panics on input. Each check lives in its own file under [`checks`]
//! and is registered once in [`registry::CHECKS`]; [`audit`] runs the enabled checks,
//! sets severities (default, configured override, one level lower for nominal
//! exposure), fingerprints, applies suppressions and sorts. Baselines are applied by the
//! caller with [`baseline::Baseline::filter`].
//!
//! ```
//! use sgcheck::audit::{audit, AuditConfig};
//! use sgcheck::ingest::ingest_bytes;
//! let text = "group sg-1 name \"web\"\n  in tcp 22 from 0.0.0.0/0\n";
//! let ingest = ingest_bytes("web.sg", text.as_bytes());
//! let report = audit(&ingest.topology, &AuditConfig::default());
//! assert!(report.findings.iter().any(|f| f.code == "SG001"));
//! ```

pub mod baseline;
pub mod checks;
pub mod config;
pub mod context;
pub mod coverage;
pub mod exposure;
pub mod finding;
pub mod instance_ram;
pub mod registry;
pub mod report;

pub use config::{AuditConfig, ConfigError};
pub use context::AuditCtx;
pub use finding::{Exposure, Finding, RuleEvidence, Severity};

use crate::model::Topology;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Where checks put their findings.
#[derive(Debug, Default)]
pub struct Sink {
    // Boxed where they are made, so that the sort moves pointers (see `AuditReport`).
    #[expect(clippy::vec_box, reason = "findings are large and moved by the sort")]
    findings: Vec<Box<Finding>>,
    not_judged: Vec<(Vec<String>, String)>,
}

impl Sink {
    /// Records a finding.
    pub fn push(&mut self, f: Finding) {
        self.findings.push(Box::new(f));
    }

    /// Records that `resources` could not be judged, and why (see [`NotJudged`]).
    pub fn not_judged(&mut self, resources: Vec<String>, reason: String) {
        if !resources.is_empty() {
            self.not_judged.push((resources, reason));
        }
    }

    /// Moves `other`'s findings after these.
    pub fn append(&mut self, mut other: Sink) {
        self.findings.append(&mut other.findings);
        self.not_judged.append(&mut other.not_judged);
    }

    /// How many findings were recorded.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether none was recorded.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The result of an audit.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    /// Findings, most severe first, then by resource and code. Boxed: a finding is a
    /// few hundred bytes, and sorting and filtering a million of them then moves
    /// pointers, not the findings.
    pub findings: Vec<Box<Finding>>,
    /// Findings dropped by a suppression in force.
    pub suppressed: usize,
    /// Findings dropped because the baseline has them.
    pub baselined: usize,
    /// Codes of the checks that ran.
    pub checks: Vec<&'static str>,
    /// What checks could not judge for want of input, by check code.
    pub not_judged: Vec<NotJudged>,
    /// Errors in the inputs, as the caller counted them (the audit ran on what could be
    /// read): SARIF then reports the run as failed.
    pub input_errors: usize,
}

/// The first `shown` of `items` joined by ", ", then " and N more" for the rest.
pub(crate) fn some_of<S: AsRef<str>>(items: &[S], shown: usize) -> String {
    let named: Vec<&str> = items.iter().take(shown).map(AsRef::as_ref).collect();
    let mut out = named.join(", ");
    if items.len() > shown {
        out.push_str(&format!(" and {} more", items.len() - shown));
    }
    out
}

/// Resources a check left alone because the inputs lack what judging them needs (an
/// unused group needs the list of network interfaces): neither a finding nor a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJudged {
    /// The check's code.
    pub code: &'static str,
    /// The resources' ids, in input order.
    pub resources: Vec<String>,
    /// Why, naming what is missing.
    pub reason: String,
}

impl AuditReport {
    /// Counts by severity (every level present, zero included).
    pub fn by_severity(&self) -> BTreeMap<Severity, usize> {
        let mut m: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|&s| (s, 0)).collect();
        for f in &self.findings {
            *m.entry(f.severity).or_default() += 1;
        }
        m
    }

    /// Counts by code.
    pub fn by_code(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for f in &self.findings {
            *m.entry(f.code).or_default() += 1;
        }
        m
    }

    /// The highest severity found.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Runs every enabled check over `topology` (checks, and the work inside the big ones,
/// on all cores; the result does not depend on scheduling).
pub fn audit(topology: &Topology, config: &AuditConfig) -> AuditReport {
    let ctx = AuditCtx::new(topology, config);
    let mut report = AuditReport::default();
    let enabled: Vec<&registry::Check> = registry::CHECKS
        .iter()
        .filter(|c| c.status == registry::Status::Stable && config.enabled(c.code))
        .collect();
    report.checks = enabled.iter().map(|c| c.code).collect();
    if enabled.iter().any(|c| c.uses_coverage) {
        ctx.prepare_coverage();
    }
    let per_check: Vec<(Vec<Box<Finding>>, Vec<NotJudged>)> = enabled
        .par_iter()
        .map(|check| {
            let mut sink = Sink::default();
            (check.run)(&ctx, &mut sink);
            let not_judged = (sink.not_judged.into_iter())
                .map(|(resources, reason)| NotJudged {
                    code: check.code,
                    resources,
                    reason,
                })
                .collect();
            let base = config
                .severity
                .get(check.code)
                .copied()
                .unwrap_or(check.severity);
            let mut found = sink.findings;
            found.par_iter_mut().with_min_len(256).for_each(|f| {
                f.severity = f.fixed_severity.unwrap_or(base).lowered(f.demote);
                f.fingerprint = f.compute_fingerprint();
            });
            (found, not_judged)
        })
        .collect();
    let mut kept: Vec<Box<Finding>> =
        Vec::with_capacity(per_check.iter().map(|(found, _)| found.len()).sum());
    for (found, not_judged) in per_check {
        report.not_judged.extend(not_judged);
        for f in found {
            let active = config.suppressions.iter().any(|s| {
                s.matches(f.code, &f.resource) && s.expires.is_none_or(|d| d >= config.today)
            });
            if active {
                report.suppressed += 1;
            } else {
                kept.push(f);
            }
        }
    }
    // Freeing the context (a million rule boxes and evidence cells) takes as long as
    // the sort: both at once.
    rayon::join(|| drop(ctx), || sort(&mut kept));
    report.findings = kept;
    report
}

/// Most severe first, then resource, code, protocol, ports, peer, message (stable).
pub fn sort(findings: &mut Vec<Box<Finding>>) {
    let order = sort_order(&findings.iter().map(|f| &**f).collect::<Vec<_>>());
    let mut slots: Vec<Option<Box<Finding>>> = findings.drain(..).map(Some).collect();
    // `order` is a permutation: every slot is taken exactly once.
    findings.extend(order.iter().filter_map(|&i| slots[i as usize].take()));
}

/// The positions of `found` in [`compare`] order (stable). The leading fields are
/// packed into one integer per finding first (resources and codes as ranks among
/// the distinct values), so most comparisons are one integer comparison instead of
/// string comparisons of resources that most neighbours share.
fn sort_order(found: &[&Finding]) -> Vec<u32> {
    fn ranks<'a>(values: impl Iterator<Item = &'a str>) -> Vec<u32> {
        let mut ids: crate::index::fxhash::FxHashMap<&str, u32> = Default::default();
        let mut distinct: Vec<&str> = Vec::new();
        let id: Vec<u32> = values
            .map(|v| {
                *ids.entry(v).or_insert_with(|| {
                    distinct.push(v);
                    (distinct.len() - 1) as u32
                })
            })
            .collect();
        let mut by_value: Vec<u32> = (0..distinct.len() as u32).collect();
        by_value.sort_unstable_by_key(|&i| distinct[i as usize]);
        let mut rank = vec![0u32; distinct.len()];
        for (r, &i) in by_value.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        id.into_iter().map(|i| rank[i as usize]).collect()
    }
    let resource = ranks(found.iter().map(|f| f.resource.as_str()));
    let code = ranks(found.iter().map(|f| f.code));
    let keys: Vec<u128> = found
        .par_iter()
        .zip(resource.par_iter().zip(code.par_iter()))
        .map(|(f, (&r, &c))| {
            let severity = Severity::Critical as u128 - f.severity as u128;
            let protocol: u128 = match f.protocol {
                None => 0,
                Some(crate::net::Protocol::All) => 1,
                Some(crate::net::Protocol::Tcp) => 2,
                Some(crate::net::Protocol::Udp) => 3,
                Some(crate::net::Protocol::Icmp) => 4,
                Some(crate::net::Protocol::Icmpv6) => 5,
                Some(crate::net::Protocol::Number(n)) => 6 + u128::from(n),
            };
            let ports: u128 = f
                .ports
                .map_or(0, |(lo, hi)| 1 + ((u128::from(lo) << 16) | u128::from(hi)));
            // 3 + 32 + 32 + 9 + 33 bits.
            (severity << 106)
                | (u128::from(r) << 74)
                | (u128::from(c) << 42)
                | (protocol << 33)
                | ports
        })
        .collect();
    let mut order: Vec<u32> = (0..found.len() as u32).collect();
    order.par_sort_by(|&a, &b| {
        let (x, y) = (found[a as usize], found[b as usize]);
        keys[a as usize]
            .cmp(&keys[b as usize])
            .then_with(|| x.peer.cmp(&y.peer))
            .then_with(|| x.message.cmp(&y.message))
    });
    order
}

#[cfg(test)]
fn compare(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.resource.cmp(&b.resource))
        .then_with(|| a.code.cmp(b.code))
        .then_with(|| a.protocol.cmp(&b.protocol))
        .then_with(|| a.ports.cmp(&b.ports))
        .then_with(|| a.peer.cmp(&b.peer))
        .then_with(|| a.message.cmp(&b.message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Protocol;
    use proptest::prelude::*;

    fn finding() -> impl Strategy<Value = Finding> {
        let protocol = prop_oneof![
            Just(None),
            Just(Some(Protocol::All)),
            Just(Some(Protocol::Tcp)),
            Just(Some(Protocol::Udp)),
            Just(Some(Protocol::Icmp)),
            Just(Some(Protocol::Icmpv6)),
            any::<u8>().prop_map(|n| Some(Protocol::from_number(n))),
        ];
        let port = prop_oneof![Just(0u16), Just(1), Just(u16::MAX), any::<u16>()];
        let text = |v: &'static [&'static str]| proptest::sample::select(v);
        (
            text(&["SG001", "SG012", "SG002"]),
            text(&["eni-1", "eni-10", "eni-2", "", "sg-1", "eni-1 "]),
            text(&["b", "a", "ab", ""]),
            0usize..5,
            protocol,
            proptest::option::of((port.clone(), port)),
            proptest::option::of(text(&["0.0.0.0/0", "::/0", "in sg-1"])),
        )
            .prop_map(|(code, resource, message, sev, protocol, ports, peer)| {
                let mut f = Finding::new(code, resource, message);
                f.severity = Severity::ALL[sev];
                f.protocol = protocol;
                f.ports = ports;
                f.peer = peer.map(String::from);
                f
            })
    }

    proptest! {
        /// The packed-key sort gives exactly the order of a stable sort by `compare`.
        #[test]
        fn sort_moves_findings_into_the_stable_order(
            found in proptest::collection::vec(finding(), 0..200),
        ) {
            let mut v: Vec<Box<Finding>> = found
                .into_iter()
                .enumerate()
                .map(|(k, mut f)| {
                    f.fingerprint = k.to_string();
                    Box::new(f)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by(|a, b| compare(a, b));
            sort(&mut v);
            prop_assert_eq!(v, expected);
        }
    }
}

#[cfg(test)]
mod attachment_tests {
    use super::*;
    use crate::model::build::*;

    fn codes(topo: &Topology, code: &str) -> Vec<String> {
        let config = AuditConfig {
            only: Some(vec![code.to_string()]),
            ..AuditConfig::default()
        };
        audit(topo, &config)
            .findings
            .iter()
            .map(|f| f.resource.clone())
            .collect()
    }

    /// A `detached` attachment no longer holds the volume: SG018 and SG019 look at live
    /// attachments only (validation and SG021 already did).
    #[test]
    fn detached_attachments_do_not_count() {
        let detach = |mut v: VolumeBuilder, k: usize| {
            v.0.attachments[k].state = Some("detached".to_string());
            v
        };
        let far = volume("vol-far").az("us-east-1b").attach("i-1");
        let shared = volume("vol-shared")
            .az("us-east-1a")
            .attach("i-1")
            .attach("i-2");
        let topo = |far: VolumeBuilder, shared: VolumeBuilder| {
            topology()
                .with(instance("i-1").az("us-east-1a"))
                .with(instance("i-2").az("us-east-1a"))
                .with(far)
                .with(shared)
                .build()
        };
        let live = topo(far.clone(), shared.clone());
        assert_eq!(codes(&live, "SG018"), ["vol-far"]);
        assert_eq!(codes(&live, "SG019"), ["vol-shared"]);
        let gone = topo(detach(far, 0), detach(shared, 1));
        assert_eq!(codes(&gone, "SG018"), Vec::<String>::new());
        assert_eq!(codes(&gone, "SG019"), Vec::<String>::new());
    }

    /// SG025 as well, for a volume known from its own side only (the instance lists no
    /// block devices) and for one the instance also lists.
    #[test]
    fn detached_volumes_do_not_expose() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/audit/SG025.sg");
        let bytes = std::fs::read(path).expect("fixture");
        let mut topo = crate::ingest::ingest_bytes("SG025.sg", &bytes).topology;
        let listed = topo.clone();
        for i in &mut topo.instances {
            i.block_devices.clear();
        }
        assert_eq!(codes(&topo, "SG025"), ["i-exposed", "i-assumed"]);
        for t in [&mut topo, &mut listed.clone()] {
            for v in &mut t.volumes {
                for a in &mut v.attachments {
                    a.state = Some("detached".to_string());
                }
            }
            // The instance's list has no state: the volume's record wins.
            assert_eq!(codes(t, "SG025"), Vec::<String>::new());
        }
        assert_eq!(codes(&listed, "SG025"), ["i-exposed", "i-assumed"]);
    }
}
