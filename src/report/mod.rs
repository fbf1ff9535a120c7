//! Renderers: turn results into text or JSON. No analysis logic lives here.

pub mod audit;
pub mod inventory;
mod json;
pub mod reach;
pub mod sarif;

use crate::audit::Finding;
use crate::audit::registry::{CHECKS, Check};
use std::io::{self, Write};

/// Findings formatted per batch on all cores, written in order: a large audit has
/// close to a million findings, and neither the whole document nor a value tree is
/// ever held in memory.
const BATCH: usize = 16_384;

/// Findings per parallel task, formatted into one buffer.
const CHUNK: usize = 256;

/// A value per check code, looked up by the exact code: made once per report, it
/// spares each finding a scan of the registry (whose `find` also trims and ignores
/// case, which cost more than the rest of a text headline).
pub(crate) struct ByCode<T>(Vec<(&'static str, T)>);

impl<T: Copy> ByCode<T> {
    /// `value(index, check)` for each code of the registry; the first check with a
    /// code wins.
    pub(crate) fn new(value: impl Fn(usize, &Check) -> T) -> ByCode<T> {
        let mut table: Vec<(&'static str, T)> = Vec::new();
        for (i, c) in CHECKS.iter().enumerate() {
            if let Err(at) = table.binary_search_by(|(code, _)| code.cmp(&c.code)) {
                table.insert(at, (c.code, value(i, c)));
            }
        }
        ByCode(table)
    }

    /// The value for exactly `code`.
    pub(crate) fn get(&self, code: &str) -> Option<T> {
        let at = self.0.binary_search_by(|(c, _)| (*c).cmp(code)).ok()?;
        self.0.get(at).map(|&(_, v)| v)
    }
}

/// Writes `findings` in order, each formatted on all cores by `one(previous, finding,
/// buffer)`, which appends the finding's bytes to the buffer; `previous` is the finding
/// before it in `findings` (`None` for the first), for separators and headings.
pub(crate) fn write_batched<W: Write + ?Sized>(
    findings: &[Box<Finding>],
    out: &mut W,
    one: impl Fn(Option<&Finding>, &Finding, &mut Vec<u8>) + Sync,
) -> io::Result<()> {
    use rayon::prelude::*;
    for (b, batch) in findings.chunks(BATCH).enumerate() {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let first = b * BATCH + c * CHUNK;
                let mut buf = Vec::with_capacity(chunk.len() * 640);
                for (i, f) in (first..).zip(chunk) {
                    let previous = i.checked_sub(1).and_then(|p| findings.get(p)).map(|p| &**p);
                    one(previous, f, &mut buf);
                }
                buf
            })
            .collect();
        for part in &parts {
            out.write_all(part)?;
        }
    }
    Ok(())
}

/// Writes `findings` as a JSON array, each element one compact line indented by
/// `indent` spaces (the closing bracket two less), appended to a buffer on all cores by `one`.
pub(crate) fn write_json_array<W: Write + ?Sized>(
    findings: &[Box<Finding>],
    out: &mut W,
    indent: usize,
    one: impl Fn(&mut Vec<u8>, &Finding) + Sync,
) -> io::Result<()> {
    let pad = " ".repeat(indent);
    out.write_all(b"[")?;
    write_batched(findings, out, |previous, f, b| {
        b.extend_from_slice(if previous.is_none() { b"\n" } else { b",\n" });
        b.extend_from_slice(pad.as_bytes());
        one(b, f);
    })?;
    if !findings.is_empty() {
        write!(out, "\n{}", &pad[2.min(pad.len())..])?;
    }
    out.write_all(b"]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_order_and_previous_across_chunks_and_batches() {
        let n = 2 * BATCH + CHUNK + 3;
        let findings: Vec<Box<Finding>> = (0..n)
            .map(|i| Box::new(Finding::new("SG001", i.to_string(), "")))
            .collect();
        let mut out = Vec::new();
        write_batched(&findings, &mut out, |previous, f, b| {
            let p = previous.map_or("-", |p| p.resource.as_str());
            b.extend_from_slice(format!("{p}>{}\n", f.resource).as_bytes());
        })
        .unwrap();
        let mut want = String::from("->0\n");
        for i in 1..n {
            want.push_str(&format!("{}>{i}\n", i - 1));
        }
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    #[test]
    fn by_code_finds_exact_codes_only() {
        let index = ByCode::new(|i, _| i);
        for (i, c) in CHECKS.iter().enumerate() {
            assert_eq!(
                index.get(c.code),
                CHECKS.iter().position(|d| d.code == c.code)
            );
            assert!(index.get(c.code).is_some_and(|j| j <= i));
        }
        assert_eq!(index.get("sg001"), None);
        assert_eq!(index.get(" SG001"), None);
        assert_eq!(index.get(""), None);
    }

    #[test]
    fn json_arrays_separate_and_indent() {
        let one = |b: &mut Vec<u8>, f: &Finding| b.extend_from_slice(f.resource.as_bytes());
        let mut out = Vec::new();
        write_json_array(&[], &mut out, 4, one).unwrap();
        assert_eq!(out, b"[]");
        let findings = [
            Box::new(Finding::new("SG001", "1", "")),
            Box::new(Finding::new("SG001", "2", "")),
        ];
        let mut out = Vec::new();
        write_json_array(&findings, &mut out, 4, one).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[\n    1,\n    2\n  ]");
    }
}
