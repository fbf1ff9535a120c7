//! Renderers: turn results into text or JSON. No analysis logic lives here.

pub mod audit;
pub mod inventory;
pub mod reach;
pub mod sarif;

use crate::audit::Finding;
use std::io::{self, Write};

/// Findings formatted per batch on all cores, written in order: a large audit has
/// close to a million findings, and neither the whole document nor a value tree is
/// ever held in memory.
const BATCH: usize = 16_384;

pub(crate) fn write_batched<'a, W: Write + ?Sized>(
    findings: &'a [Finding],
    out: &mut W,
    one: impl Fn(&Finding, &mut Vec<u8>) + Sync,
    mut between: impl FnMut(&'a Finding, &mut W) -> io::Result<()>,
) -> io::Result<()> {
    use rayon::prelude::*;
    for batch in findings.chunks(BATCH) {
        let parts: Vec<Vec<Vec<u8>>> = batch
            .par_chunks(256)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|f| {
                        let mut b = Vec::with_capacity(512);
                        one(f, &mut b);
                        b
                    })
                    .collect()
            })
            .collect();
        for (f, bytes) in batch.iter().zip(parts.iter().flatten()) {
            between(f, out)?;
            out.write_all(bytes)?;
        }
    }
    Ok(())
}

/// Writes `findings` as a JSON array, each element one compact line indented by
/// `indent` spaces (the closing bracket two less), serialised on all cores by `one`.
pub(crate) fn write_json_array<W: Write + ?Sized>(
    findings: &[Finding],
    out: &mut W,
    indent: usize,
    one: impl Fn(&Finding, &mut Vec<u8>) + Sync,
) -> io::Result<()> {
    let pad = " ".repeat(indent);
    out.write_all(b"[")?;
    let mut first = true;
    write_batched(findings, out, one, |_, out| {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        out.write_all(pad.as_bytes())
    })?;
    if !findings.is_empty() {
        write!(out, "\n{}", &pad[2.min(pad.len())..])?;
    }
    out.write_all(b"]")
}
