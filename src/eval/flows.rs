//! Batch queries (`reach --queries`) and flow assertions (`assert`).
//!
//! A queries file has one question a line, `FROM -> TO PORT[/PROTO]` (blank lines and
//! `#` comments are skipped). A flows file is rule-language `expect allow|deny FROM -> TO
//! PORT/PROTO` lines, parsed by the DSL parser, so the same file can live beside the
//! exports and be checked in CI.

use super::endpoint::{PortSpec, Question};
use super::reach::{Answer, Layer, Reach, Symptom, Verdict};
use crate::model::{Expectation, Origin};
use serde::Serialize;

/// The combined verdict of several answers (a group endpoint): allowed or blocked when
/// all agree, unknown when all are unknown, else partial.
pub fn combine(answers: &[Answer]) -> (Verdict, Symptom, Option<Layer>) {
    let all = |v: Verdict| answers.iter().all(|a| a.verdict == v);
    let verdict = if answers.is_empty() {
        Verdict::Unknown
    } else if all(Verdict::Allowed) {
        Verdict::Allowed
    } else if all(Verdict::Blocked) {
        Verdict::Blocked
    } else if answers
        .iter()
        .any(|a| matches!(a.verdict, Verdict::Allowed | Verdict::Partial))
    {
        // Some pass, some do not.
        Verdict::Partial
    } else {
        // None passes, and some are not known.
        Verdict::Unknown
    };
    let shown = answers
        .iter()
        .find(|a| a.verdict != Verdict::Allowed)
        .or(answers.first());
    (
        verdict,
        shown.map_or(Symptom::Connects, |a| a.symptom),
        shown.and_then(|a| a.blocked_at),
    )
}

/// One line of a queries file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryLine {
    /// A question, with its text.
    Question(String, Question),
    /// A line that does not parse.
    Bad(String, String),
}

/// Parses a queries file: one [`QueryLine`] per non-blank, non-comment line.
pub fn parse_queries(text: &str) -> Vec<QueryLine> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.parse::<Question>() {
            Ok(q) => QueryLine::Question(l.to_string(), q),
            Err(e) => QueryLine::Bad(l.to_string(), e.to_string()),
        })
        .collect()
}

/// The outcome of one expectation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// The expectation as written (`expect allow internet -> i-web 443/tcp`).
    pub expectation: String,
    /// Where it was written.
    pub origin: Origin,
    /// `allow` or `deny`.
    pub expected: &'static str,
    /// The verdict found (combined over group endpoints).
    pub verdict: Option<Verdict>,
    /// Whether the expectation holds.
    pub passed: bool,
    /// Why it could not be evaluated.
    pub error: Option<String>,
    /// The answers (with explanations).
    pub answers: Vec<Answer>,
}

/// The text of an expectation, as the DSL writes it.
pub fn expectation_text(e: &Expectation) -> String {
    let port = format!("{}/{}", e.l4, e.protocol);
    format!(
        "expect {} {} -> {} {port}",
        if e.allow { "allow" } else { "deny" },
        e.from,
        e.to
    )
}

/// Checks one expectation: `allow` holds when every answer is allowed, `deny` when every
/// answer is blocked (unknown and partial answers fail both).
pub fn check(reach: &Reach<'_>, e: &Expectation) -> Checked {
    let mut out = Checked {
        expectation: expectation_text(e),
        origin: e.origin.clone(),
        expected: if e.allow { "allow" } else { "deny" },
        verdict: None,
        passed: false,
        error: None,
        answers: Vec::new(),
    };
    let q = (|| -> Result<Question, String> {
        Ok(Question {
            from: e.from.parse().map_err(|x| format!("{x}"))?,
            to: e.to.parse().map_err(|x| format!("{x}"))?,
            port: PortSpec::from_parts(e.protocol, e.l4).map_err(|x| format!("{x}"))?,
        })
    })();
    let q = match q {
        Ok(q) => q,
        Err(x) => {
            out.error = Some(x);
            return out;
        }
    };
    match reach.answer(&q) {
        Ok(answers) => {
            let (v, _, _) = combine(&answers);
            out.verdict = Some(v);
            out.passed = if e.allow {
                v == Verdict::Allowed
            } else {
                v == Verdict::Blocked
            };
            out.answers = answers;
        }
        Err(x) => out.error = Some(x.to_string()),
    }
    out
}
