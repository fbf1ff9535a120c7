//! Renderers for `reach`, `diagnose` and `assert`.
//!
//! JSON schema of one answer (stable; fields are added, never renamed):
//! ```text
//! { "from", "to", "port",
//!   "verdict": "allowed"|"blocked"|"partial"|"unknown",
//!   "symptom": "connects"|"timeout"|"refused",
//!   "blocked_at": <layer> | null, "blocks": [<layer>...],
//!   "layers": [ { "layer", "result": "allow"|"deny"|"not-crossed"|"unknown",
//!                 "rules": [ { "group", "rule", "origin" } ], "detail" } ],
//!   "ranges": [ { "from", "to", "verdict", "symptom", "blocked_at" } ]   (CIDR endpoints) }
//! ```
//! With several answers (group endpoints) the top level carries the combined verdict,
//! symptom and `blocked_at`, the layers of the first answer that is not allowed, and
//! `"answers": [...]`.

use crate::eval::diagnose::Diagnosis;
use crate::eval::flows::{Checked, combine};
use crate::eval::reach::{Answer, Cited, Layer, LayerResult, Outcome, Symptom, Verdict};
use crate::model::shown;
use serde::Serialize;
use serde_json::{Value, json};
use std::fmt::Write;

fn cite_text(c: &Cited) -> String {
    // Rules quote the input (descriptions, ids, file names): shown escaped.
    let text = match &c.origin {
        Some(o) => format!("{}: {} @ {o}", c.group, c.rule),
        None => format!("{}: {}", c.group, c.rule),
    };
    shown(&text).into_owned()
}

/// One answer as text: a headline, then one line per layer with the decisive rule.
pub fn answer_text(a: &Answer) -> String {
    let mut s = String::new();
    let head = match (a.verdict, a.blocked_at) {
        (Verdict::Blocked, Some(l)) => format!("BLOCKED at {l}"),
        (Verdict::Partial, _) => "PARTIAL".to_string(),
        (Verdict::Unknown, _) => "UNKNOWN".to_string(),
        (Verdict::Allowed, _) => "ALLOWED".to_string(),
        (Verdict::Blocked, None) => "BLOCKED".to_string(),
    };
    let _ = writeln!(
        s,
        "{} -> {} {}: {head} (client sees: {})",
        shown(&a.from.to_string()),
        shown(&a.to.to_string()),
        a.port,
        a.symptom
    );
    for l in &a.layers {
        let mark = match l.result {
            Outcome::Allow => "allow",
            Outcome::Deny => "DENY",
            Outcome::NotCrossed => "-",
            Outcome::Unknown => "unknown",
        };
        let _ = write!(
            s,
            "  {:<25} {:<8} {}",
            l.layer.name(),
            mark,
            shown(&l.detail)
        );
        if let Some(first) = l.rules.first() {
            let more = if l.rules.len() > 1 {
                format!(" (+{} more)", l.rules.len() - 1)
            } else {
                String::new()
            };
            let _ = write!(s, "  [{}{more}]", cite_text(first));
        }
        s.push('\n');
    }
    if !a.ranges.is_empty() {
        let _ = writeln!(s, "  sub-ranges:");
        for r in &a.ranges {
            let at = r.blocked_at.map(|l| format!(" at {l}")).unwrap_or_default();
            let _ = writeln!(
                s,
                "    {} -> {}: {}{at} ({})",
                r.from, r.to, r.verdict, r.symptom
            );
        }
    }
    s
}

/// Several answers as text, with a combined line when there is more than one.
pub fn answers_text(answers: &[Answer]) -> String {
    let mut s = String::new();
    for (i, a) in answers.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&answer_text(a));
    }
    if answers.len() > 1 {
        let (v, sym, at) = combine(answers);
        let at = at
            .map(|l| format!(" (first block: {l})"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "\n{} answers: {v}{at}, client sees: {sym}",
            answers.len()
        );
    }
    s
}

/// The top level of several answers (group endpoints).
#[derive(Serialize)]
struct Combined<'a> {
    verdict: Verdict,
    symptom: Symptom,
    blocked_at: Option<Layer>,
    blocks: &'a [Layer],
    layers: &'a [LayerResult],
    answers: &'a [Answer],
}

/// Several answers as pretty JSON (see the module doc), fields in schema order.
pub fn answers_json(answers: &[Answer]) -> String {
    let mut s = if answers.len() == 1 {
        serde_json::to_string_pretty(&answers[0])
    } else {
        let (verdict, symptom, blocked_at) = combine(answers);
        let shown = answers
            .iter()
            .find(|a| a.verdict != Verdict::Allowed)
            .or(answers.first());
        serde_json::to_string_pretty(&Combined {
            verdict,
            symptom,
            blocked_at,
            blocks: shown.map_or(&[], |a| &a.blocks),
            layers: shown.map_or(&[], |a| &a.layers),
            answers,
        })
    }
    .unwrap_or_default();
    s.push('\n');
    s
}

/// Pretty JSON with a trailing newline.
pub fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

#[derive(Serialize)]
struct BatchLine<'a> {
    query: &'a str,
    verdict: Verdict,
    symptom: Symptom,
    blocked_at: Option<Layer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocks: Option<&'a [Layer]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    layers: Option<&'a [LayerResult]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answers: Option<&'a [Answer]>,
}

/// One batch line: `{"query", "verdict", "symptom", "blocked_at"}` (+ `blocks`,
/// `layers` and, for several answers, `answers` with `explain`), or `{"query", "error"}`.
pub fn batch_line(query: &str, answers: Result<&[Answer], &str>, explain: bool) -> String {
    let mut s = match answers {
        Err(e) => serde_json::to_string(&json!({"query": query, "error": e})),
        Ok(answers) => {
            let (verdict, symptom, blocked_at) = combine(answers);
            let shown = answers
                .iter()
                .find(|a| a.verdict != Verdict::Allowed)
                .or(answers.first());
            serde_json::to_string(&BatchLine {
                query,
                verdict,
                symptom,
                blocked_at,
                blocks: shown.filter(|_| explain).map(|a| a.blocks.as_slice()),
                layers: shown.filter(|_| explain).map(|a| a.layers.as_slice()),
                answers: (explain && answers.len() > 1).then_some(answers),
            })
        }
    }
    .unwrap_or_default();
    s.push('\n');
    s
}

/// A diagnosis as text.
pub fn diagnosis_text(a: &Answer, d: &Diagnosis) -> String {
    let mut s = answer_text(a);
    let _ = writeln!(
        s,
        "\nSeen: {}; the model predicts: {} ({}).",
        d.seen, d.expected, d.verdict
    );
    let _ = writeln!(
        s,
        "{}{}.",
        if d.consistent { "" } else { "MISMATCH: " },
        d.summary
    );
    if !d.blame.is_empty() {
        let _ = writeln!(s, "Blame:");
        for b in &d.blame {
            let layer = b.layer.map_or("outside".to_string(), |l| l.to_string());
            let _ = writeln!(s, "  {layer}: {}", shown(&b.detail));
            for r in &b.rules {
                let _ = writeln!(s, "      {}", cite_text(r));
            }
        }
    }
    if !d.outside.is_empty() {
        let _ = writeln!(s, "Outside the model:");
        for o in &d.outside {
            let _ = writeln!(s, "  - {}", shown(&o.to_string()));
        }
    }
    s
}

/// Diagnoses as JSON: `{"answer", "diagnosis"}` per answer; one object for one answer.
pub fn diagnoses_json(items: &[(Answer, Diagnosis)]) -> Value {
    let v: Vec<Value> = items
        .iter()
        .map(|(a, d)| json!({"answer": a, "diagnosis": d}))
        .collect();
    if v.len() == 1 {
        v.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(v)
    }
}

/// Assertion results as text: one line per expectation, the explanation under each
/// failure, and a summary.
pub fn checks_text(checks: &[Checked]) -> String {
    let mut s = String::new();
    for c in checks {
        let status = if c.passed { "PASS" } else { "FAIL" };
        let _ = write!(s, "{status} {}  ({})", c.expectation, c.origin);
        match (&c.error, c.verdict) {
            (Some(e), _) => {
                let _ = writeln!(s, ": {e}");
            }
            (None, Some(v)) if !c.passed => {
                let _ = writeln!(s, ": {v}");
                for a in &c.answers {
                    for line in answer_text(a).lines() {
                        let _ = writeln!(s, "    {line}");
                    }
                }
            }
            _ => s.push('\n'),
        }
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    let _ = writeln!(
        s,
        "\n{} expectations: {} passed, {failed} failed",
        checks.len(),
        checks.len() - failed
    );
    s
}

/// Assertion results as JSON: `{"results": [...], "summary": {"total", "passed",
/// "failed"}}`; answers are included for failures only.
pub fn checks_json(checks: &[Checked]) -> Value {
    let results: Vec<Value> = checks
        .iter()
        .map(|c| {
            let mut v = json!({
                "expectation": c.expectation,
                "origin": c.origin,
                "expected": c.expected,
                "verdict": c.verdict,
                "passed": c.passed,
                "error": c.error,
            });
            if !c.passed
                && let Value::Object(m) = &mut v
            {
                m.insert("answers".into(), json!(c.answers));
            }
            v
        })
        .collect();
    let failed = checks.iter().filter(|c| !c.passed).count();
    json!({
        "results": results,
        "summary": {"total": checks.len(), "passed": checks.len() - failed, "failed": failed},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule's description from the export cannot paint the terminal or forge a line.
    #[test]
    fn cited_rules_show_control_characters_escaped() {
        let c = Cited {
            group: "sg-1".to_string(),
            rule: "in tcp 22 from 0.0.0.0/0 \"x\u{1b}[1;32mOK\u{1b}[0m\nfake line\"".to_string(),
            origin: None,
        };
        assert_eq!(
            cite_text(&c),
            "sg-1: in tcp 22 from 0.0.0.0/0 \"x\\u{1b}[1;32mOK\\u{1b}[0m\\nfake line\""
        );
    }
}
