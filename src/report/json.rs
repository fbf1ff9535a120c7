//! Compact JSON for findings, written by hand into a byte buffer: the per-finding hot
//! path of the audit JSON report (a large audit writes close to a million findings).
//!
//! Contract: [`push_finding`] appends exactly the bytes `serde_json::to_writer` writes
//! for the derived `Serialize` of [`Finding`] (the report's schema is a binding
//! contract, and that derive stays its reference); a proptest compares the two on
//! arbitrary findings. [`push_str`] escapes as serde_json does: `\"`, `\\`, `\b`,
//! `\f`, `\n`, `\r`, `\t`, other control characters as lowercase `\u00xx`, and
//! everything else (DEL and non-ASCII included) as is.

use crate::audit::{Finding, RuleEvidence};
use crate::model::{Location, Origin};
use crate::net::Protocol;

/// Appends `s` as a JSON string, quoted and escaped.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    push_escaped(out, s);
    out.push(b'"');
}

/// Appends the escaped contents of `s`, without quotes.
pub(crate) fn push_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        let i = next_special(bytes, start);
        out.extend_from_slice(&bytes[start..i]);
        let Some(&b) = bytes.get(i) else {
            return;
        };
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                let hex = crate::net::HEX_DIGITS;
                out.extend_from_slice(b"\\u00");
                out.push(hex[usize::from(b >> 4)]);
                out.push(hex[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
}

/// Whether `b` must be escaped in a JSON string.
fn is_special(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The index of the first byte at or after `from` that must be escaped, or
/// `bytes.len()`. Scans eight bytes at a time: most strings need no escape at all.
fn next_special(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    for chunk in bytes[from..].chunks_exact(8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte below 0x20, or equal to `"` or `\` (a zero after the xor). Borrows
        // can only mark bytes above a real hit, so "any byte" is exact.
        let control = w.wrapping_sub(ONES * 0x20) & !w;
        let q = w ^ (ONES * u64::from(b'"'));
        let quote = q.wrapping_sub(ONES) & !q;
        let s = w ^ (ONES * u64::from(b'\\'));
        let slash = s.wrapping_sub(ONES) & !s;
        if (control | quote | slash) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|&b| is_special(b))
        .map_or(bytes.len(), |p| i + p)
}

/// Appends `n` in decimal.
pub(crate) fn push_uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(crate::net::decimal(n, &mut [0; 20]));
}

/// Appends the protocol as text: its name (`tcp`) or its number (`47`).
pub(crate) fn push_protocol_text(out: &mut Vec<u8>, p: Protocol) {
    match p.name() {
        Some(name) => out.extend_from_slice(name.as_bytes()),
        None => push_uint(out, u64::from(p.number().unwrap_or(0))),
    }
}

/// Appends the origin as JSON: `{"file":…}` plus the location's fields.
fn push_origin(out: &mut Vec<u8>, o: &Origin) {
    out.extend_from_slice(b"{\"file\":");
    push_str(out, &o.file);
    match &o.location {
        Location::JsonPath { path } => {
            out.extend_from_slice(b",\"path\":");
            push_str(out, path);
        }
        Location::LineCol { line, column } => {
            out.extend_from_slice(b",\"line\":");
            push_uint(out, u64::from(*line));
            out.extend_from_slice(b",\"column\":");
            push_uint(out, u64::from(*column));
        }
        Location::File => {}
    }
    out.push(b'}');
}

fn push_rule(out: &mut Vec<u8>, r: &RuleEvidence) {
    out.extend_from_slice(b"{\"group\":");
    push_str(out, &r.group);
    out.extend_from_slice(b",\"rule\":");
    push_str(out, &r.rule);
    if let Some(id) = &r.rule_id {
        out.extend_from_slice(b",\"rule_id\":");
        push_str(out, id);
    }
    out.extend_from_slice(b",\"origin\":");
    match &r.origin {
        Some(o) => push_origin(out, o),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

/// Appends the finding as one compact JSON object, byte for byte what
/// `serde_json::to_writer(out, f)` writes.
pub(crate) fn push_finding(out: &mut Vec<u8>, f: &Finding) {
    out.extend_from_slice(b"{\"code\":");
    push_str(out, f.code);
    out.extend_from_slice(b",\"severity\":\"");
    out.extend_from_slice(f.severity.as_str().as_bytes());
    out.extend_from_slice(b"\",\"resource\":");
    push_str(out, &f.resource);
    out.extend_from_slice(b",\"protocol\":");
    match f.protocol {
        Some(p) if p.name().is_some() => {
            out.push(b'"');
            push_protocol_text(out, p);
            out.push(b'"');
        }
        Some(p) => push_protocol_text(out, p),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"ports\":");
    match f.ports {
        Some((lo, hi)) => {
            out.push(b'[');
            push_uint(out, u64::from(lo));
            out.push(b',');
            push_uint(out, u64::from(hi));
            out.push(b']');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"peer\":");
    match &f.peer {
        Some(p) => push_str(out, p),
        None => out.extend_from_slice(b"null"),
    }
    if let Some(e) = f.exposure {
        out.extend_from_slice(b",\"exposure\":\"");
        out.extend_from_slice(e.as_str().as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b",\"message\":");
    push_str(out, &f.message);
    out.extend_from_slice(b",\"rules\":[");
    for (i, r) in f.rules.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_rule(out, r);
    }
    out.extend_from_slice(b"],\"fingerprint\":");
    push_str(out, &f.fingerprint);
    out.push(b'}');
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::audit::{Exposure, Severity};
    use proptest::prelude::*;
    use std::sync::Arc;

    /// Strings biased toward what JSON must escape: quotes, backslashes, every
    /// control character, DEL, multi-byte characters, and runs longer than a word.
    pub(crate) fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\"".to_string()),
            Just("\\".to_string()),
            (0u8..0x20).prop_map(|b| char::from(b).to_string()),
            Just("\u{7f}".to_string()),
            Just("é€𝄞\u{2028}".to_string()),
            "[a-z0-9/.:\\[\\] -]{0,12}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    pub(crate) fn protocol() -> impl Strategy<Value = Protocol> {
        prop_oneof![
            Just(Protocol::All),
            Just(Protocol::Tcp),
            Just(Protocol::Udp),
            Just(Protocol::Icmp),
            Just(Protocol::Icmpv6),
            any::<u8>().prop_map(Protocol::Number),
        ]
    }

    pub(crate) fn origin() -> impl Strategy<Value = Origin> {
        let file = prop_oneof![
            text(),
            Just("-".to_string()),
            Just("<synthetic>".to_string()),
            Just("/abs/sg.json".to_string()),
            Just("C:\\dir\\sg.json".to_string()),
            Just("C:/dir/sg.json".to_string()),
            Just("\\\\share\\sg.json".to_string()),
        ];
        let location = prop_oneof![
            text().prop_map(|path| Location::JsonPath { path }),
            (any::<u32>(), any::<u32>())
                .prop_map(|(line, column)| Location::LineCol { line, column }),
            Just(Location::File),
        ];
        (file, location).prop_map(|(file, location)| Origin {
            file: Arc::from(file),
            location,
        })
    }

    pub(crate) fn evidence() -> impl Strategy<Value = Arc<RuleEvidence>> {
        (
            text(),
            text(),
            prop::option::of(text()),
            prop::option::of(origin()),
        )
            .prop_map(|(group, rule, rule_id, origin)| {
                Arc::new(RuleEvidence {
                    group,
                    rule,
                    rule_id,
                    origin,
                })
            })
    }

    pub(crate) fn finding() -> impl Strategy<Value = Finding> {
        let code = prop_oneof![
            Just("SG001"),
            Just("SG012"),
            Just("SG\"9\\\n"),
            // Found by the registry's `find` (trimmed, any case), not by exact code.
            Just(" sg012 "),
            Just("nope"),
        ];
        let severity = prop::sample::select(Severity::ALL.to_vec());
        let exposure = prop::option::of(prop_oneof![
            Just(Exposure::Effective),
            Just(Exposure::Nominal)
        ]);
        let ports = prop::option::of((any::<u16>(), any::<u16>()));
        (
            (code, severity, text(), prop::option::of(protocol()), ports),
            (prop::option::of(text()), exposure, text(), text()),
            (
                prop::collection::vec(evidence(), 0..4),
                prop::option::of(origin()),
            ),
        )
            .prop_map(
                |(
                    (code, severity, resource, protocol, ports),
                    (peer, exposure, message, fingerprint),
                    (rules, origin),
                )| {
                    let mut f = Finding::new(code, resource, message);
                    f.severity = severity;
                    f.protocol = protocol;
                    f.ports = ports;
                    f.peer = peer;
                    f.exposure = exposure;
                    f.rules = rules;
                    f.origin = origin;
                    f.fingerprint = fingerprint;
                    f
                },
            )
    }

    fn serde(f: &Finding) -> String {
        serde_json::to_string(f).unwrap()
    }

    fn ours(f: &Finding) -> String {
        let mut b = Vec::new();
        push_finding(&mut b, f);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn escapes_like_serde_json() {
        let mut all = String::new();
        for c in (0u8..0x80).map(char::from) {
            all.push(c);
        }
        all.push_str("é€𝄞\u{2028}\u{2029}");
        // Every position of a special byte inside and across 8-byte words.
        let cases = [
            String::new(),
            all.clone(),
            "a\"b\\c\nd\u{1}e\u{1f}f\u{7f}".to_string(),
            "0123456\"".to_string(),
            "01234567\\89abcdef\u{0}".to_string(),
            "\u{0}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}".to_string(),
            "é€".repeat(9) + "\"",
        ];
        for s in cases {
            let mut b = Vec::new();
            push_str(&mut b, &s);
            assert_eq!(
                String::from_utf8(b).unwrap(),
                serde_json::to_string(&s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn uints_like_serde_json() {
        for n in [0, 1, 9, 10, 99, 100, 65535, u64::from(u32::MAX), u64::MAX] {
            let mut b = Vec::new();
            push_uint(&mut b, n);
            assert_eq!(b, n.to_string().into_bytes());
        }
    }

    #[test]
    fn a_full_finding_like_serde_json() {
        let file: Arc<str> = Arc::from("sg\\\"1\".json");
        let mut f = Finding::new("SG001", "eni-\"1", "open\tto\nall")
            .traffic(Protocol::Number(47), Some((0, 65535)))
            .peer("0.0.0.0/0")
            .rules(vec![
                Arc::new(RuleEvidence {
                    group: "sg-1".into(),
                    rule: "in tcp 22 from 0.0.0.0/0".into(),
                    rule_id: Some("sgr-\u{1}".into()),
                    origin: Some(Origin::json(&file, "SecurityGroups[0]")),
                }),
                Arc::new(RuleEvidence {
                    group: "sg-2".into(),
                    rule: "r".into(),
                    rule_id: None,
                    origin: Some(Origin::line_col(&file, 3, 14)),
                }),
                Arc::new(RuleEvidence {
                    group: "sg-3".into(),
                    rule: "r".into(),
                    rule_id: None,
                    origin: Some(Origin::file(&file)),
                }),
                Arc::new(RuleEvidence {
                    group: "sg-4".into(),
                    rule: "r".into(),
                    rule_id: None,
                    origin: None,
                }),
            ]);
        f.exposure = Some(Exposure::Nominal);
        f.fingerprint = f.compute_fingerprint();
        assert_eq!(ours(&f), serde(&f));
        let g = Finding::new("SG009", "sg-1", "");
        assert_eq!(ours(&g), serde(&g));
        assert!(ours(&g).contains("\"protocol\":null,\"ports\":null,\"peer\":null,"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn strings_escape_like_serde_json(s in text()) {
            let mut b = Vec::new();
            push_str(&mut b, &s);
            prop_assert_eq!(String::from_utf8(b).unwrap(), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn findings_serialise_like_serde_json(f in finding()) {
            prop_assert_eq!(ours(&f), serde(&f));
        }
    }
}
