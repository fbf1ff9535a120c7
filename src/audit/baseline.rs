//! Baselines: a file of fingerprints of accepted findings. With `--baseline FILE`, only
//! findings whose fingerprint is not in it are reported (and decide the exit status);
//! `--write-baseline FILE` writes the current findings.
//!
//! ```json
//! {"version": 1, "tool": "sgcheck",
//!  "findings": [{"fingerprint": "…", "code": "SG001", "resource": "eni-1"}]}
//! ```
//! Only `fingerprint` is compared; `code` and `resource` are there for people reading diffs.

use super::{AuditReport, Finding};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Its code (informational).
    #[serde(default)]
    pub code: String,
    /// Its resource (informational).
    #[serde(default)]
    pub resource: String,
}

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    /// Always `sgcheck`.
    #[serde(default)]
    pub tool: String,
    /// Accepted findings.
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// The baseline of these findings (sorted by fingerprint, deduplicated).
    pub fn from_findings(findings: &[Box<Finding>]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                code: f.code.to_string(),
                resource: f.resource.clone(),
            })
            .collect();
        entries.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: 1,
            tool: "sgcheck".to_string(),
            findings: entries,
        }
    }

    /// Parses a baseline file.
    ///
    /// # Errors
    /// Not JSON of this shape, or a version other than 1.
    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != 1 {
            return Err(format!("unsupported baseline version {}", b.version));
        }
        Ok(b)
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Drops the findings the baseline has, counting them in `report.baselined`.
    pub fn filter(&self, report: &mut AuditReport) {
        let known: HashSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let before = report.findings.len();
        report
            .findings
            .retain(|f| !known.contains(f.fingerprint.as_str()));
        report.baselined += before - report.findings.len();
    }
}
