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
    findings: Vec<Finding>,
}

impl Sink {
    /// Records a finding.
    pub fn push(&mut self, f: Finding) {
        self.findings.push(f);
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
    /// Findings, most severe first, then by resource and code.
    pub findings: Vec<Finding>,
    /// Findings dropped by a suppression in force.
    pub suppressed: usize,
    /// Findings dropped because the baseline has them.
    pub baselined: usize,
    /// Codes of the checks that ran.
    pub checks: Vec<&'static str>,
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
    let per_check: Vec<Vec<Finding>> = enabled
        .par_iter()
        .map(|check| {
            let mut sink = Sink::default();
            (check.run)(&ctx, &mut sink);
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
            found
        })
        .collect();
    // Sort positions across the checks' lists, then move each finding once into the
    // report: no concatenated copy, no second copy for the sort.
    let mut order: Vec<(u32, u32)> = Vec::with_capacity(per_check.iter().map(Vec::len).sum());
    for (c, found) in per_check.iter().enumerate() {
        for (k, f) in found.iter().enumerate() {
            let active = config.suppressions.iter().any(|s| {
                s.matches(f.code, &f.resource) && s.expires.is_none_or(|d| d >= config.today)
            });
            if active {
                report.suppressed += 1;
            } else {
                order.push((c as u32, k as u32));
            }
        }
    }
    let at = |&(c, k): &(u32, u32)| &per_check[c as usize][k as usize];
    order.par_sort_by(|a, b| compare(at(a), at(b)));
    let mut per_check = per_check;
    report.findings = order
        .iter()
        .map(|&(c, k)| take(&mut per_check[c as usize][k as usize]))
        .collect();
    report
}

/// Most severe first, then resource, code, protocol, ports, peer, message (stable).
/// Sorts positions, then moves each finding once: a finding is a few hundred bytes and
/// a merge sort would move it some twenty times.
pub fn sort(findings: &mut Vec<Finding>) {
    let mut order: Vec<u32> = (0..findings.len() as u32).collect();
    order.par_sort_by(|&a, &b| compare(&findings[a as usize], &findings[b as usize]));
    *findings = order
        .iter()
        .map(|&i| take(&mut findings[i as usize]))
        .collect();
}

/// Moves a finding out, leaving an empty one (allocation-free) in its place.
fn take(f: &mut Finding) -> Finding {
    std::mem::replace(f, Finding::new("", String::new(), String::new()))
}

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

    #[test]
    fn sort_moves_findings_into_the_stable_order() {
        let mut v = Vec::new();
        for k in 0..300u16 {
            let sev = Severity::ALL[usize::from(k % 5)];
            let mut f = Finding::new("SG001", format!("eni-{}", k % 7), format!("m{}", k % 3))
                .traffic(Protocol::Tcp, Some((k % 4, k % 4)));
            f.severity = sev;
            f.fingerprint = k.to_string();
            v.push(f);
        }
        let mut expected = v.clone();
        expected.sort_by(compare);
        sort(&mut v);
        assert_eq!(v, expected);
    }
}
