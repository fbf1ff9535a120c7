//! Times the phases of `sgcheck audit` on a directory: ingest, shared context with
//! exposure, each check alone, then the whole audit (checks on all cores, fingerprints,
//! sort) and the text and JSON reports written to memory:
//! `cargo run --release --example audit_speed -- /tmp/s`.
//!
//! `--writers N` skips the checks one by one and writes each report (text, JSON,
//! SARIF) N times, interleaved, as the CLI writes them (through a 1 MiB `BufWriter`,
//! here into a byte counter), printing every time and the medians.

use sgcheck::audit::{AuditConfig, AuditCtx, Sink, audit, registry};
use sgcheck::ingest::ingest_paths;
use sgcheck::report;
use std::io::{self, BufWriter, Write};
use std::time::Instant;

/// A writer that only counts the bytes.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The allocator the `sgcheck` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU seconds (user + system, all threads) the process has used so far, from
/// `/proc/self/stat` (Linux; 0 elsewhere): steadier than wall time on a shared machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// Resident memory now, in MiB (Linux; 0 elsewhere).
fn rss_mib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    (pages * 4096) >> 20
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--only SG012`: time that check alone (for profiling), nothing else.
    let only = args.iter().position(|a| a == "--only").map(|i| {
        let code = args.get(i + 1).cloned().unwrap_or_default();
        args.drain(i..(i + 2).min(args.len()));
        code
    });
    // `--repeat N` (with `--only`): run that check N times on the same context, so a
    // profile is dominated by the check (the first run also builds lazy shared state).
    let repeat = args.iter().position(|a| a == "--repeat").map_or(1, |i| {
        let n = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(1);
        args.drain(i..(i + 2).min(args.len()));
        n
    });
    // `--writers N`: time only the report writers, N rounds.
    let writers = args.iter().position(|a| a == "--writers").map(|i| {
        let n = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(5);
        args.drain(i..(i + 2).min(args.len()));
        n
    });
    let (t, c) = (Instant::now(), cpu_seconds());
    let ingest = ingest_paths(&args);
    println!(
        "ingest            {:>8.3} s, cpu {:.2} s, rss {} MiB",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c,
        rss_mib()
    );
    let config = AuditConfig::default();
    let (t, c) = (Instant::now(), cpu_seconds());
    let ctx = AuditCtx::new(&ingest.topology, &config);
    println!(
        "context+exposure  {:>8.3} s, cpu {:.2} s, rss {} MiB ({} exposed subjects)",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c,
        rss_mib(),
        ctx.exposures.subjects.len()
    );
    let all = Instant::now();
    for c in registry::CHECKS {
        if writers.is_some() {
            break;
        }
        if only.as_ref().is_some_and(|o| o != c.code) {
            continue;
        }
        for _ in 1..repeat {
            let (t, cpu) = (Instant::now(), cpu_seconds());
            (c.run)(&ctx, &mut Sink::default());
            let dc = cpu_seconds() - cpu;
            let dt = t.elapsed().as_secs_f64();
            println!("{} (repeat)  {dt:>8.3} s, cpu {dc:.2} s", c.code);
        }
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let mut sink = Sink::default();
        (c.run)(&ctx, &mut sink);
        let n = sink.len();
        let (dt, dc) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        if dt > 0.01 {
            println!(
                "{} {:<38} {dt:>8.3} s {n:>8} findings, cpu {dc:.2} s",
                c.code, c.name
            );
        }
    }
    println!("checks one by one {:>8.3} s", all.elapsed().as_secs_f64());
    if only.is_some() {
        return;
    }
    drop(ctx);
    let (t, c) = (Instant::now(), cpu_seconds());
    let result = audit(&ingest.topology, &config);
    println!(
        "audit()           {:>8.3} s, cpu {:.2} s, rss {} MiB ({} findings)",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c,
        rss_mib(),
        result.findings.len()
    );
    let names = ["text", "json", "sarif"];
    let rounds = writers.unwrap_or(1);
    let mut times = vec![Vec::new(); names.len()];
    let mut cpu = vec![Vec::new(); names.len()];
    for _ in 0..rounds {
        for (i, name) in names.into_iter().enumerate() {
            if writers.is_none() && name == "sarif" {
                continue;
            }
            let t = Instant::now();
            let c = cpu_seconds();
            // With `--writers`, through a 1 MiB `BufWriter` into a byte counter, as the
            // CLI writes to stdout; else into memory.
            let mut vec = Vec::new();
            let mut counter = BufWriter::with_capacity(1 << 20, Counter(0));
            let out: &mut dyn Write = if writers.is_some() {
                &mut counter
            } else {
                &mut vec
            };
            let written = match name {
                "text" => report::audit::write_text(&result, false, out),
                "json" => report::audit::write_json(&result, out),
                _ => report::sarif::write_sarif(&result, out),
            }
            .and_then(|()| out.flush());
            let len = vec.len() as u64 + counter.get_ref().0;
            let dt = t.elapsed().as_secs_f64();
            let dc = cpu_seconds() - c;
            times[i].push(dt);
            cpu[i].push(dc);
            println!(
                "{name:<5} report      {dt:>8.3} s, cpu {dc:.2} s ({} bytes{})",
                len,
                if written.is_ok() { "" } else { ", failed" }
            );
        }
    }
    if rounds > 1 {
        for ((name, mut t), mut c) in names.into_iter().zip(times).zip(cpu) {
            t.sort_by(f64::total_cmp);
            c.sort_by(f64::total_cmp);
            println!(
                "{name:<5} median      {:>8.3} s (min {:.3}, max {:.3}, {} rounds), cpu {:.2} s (min {:.2}, max {:.2})",
                t[t.len() / 2],
                t[0],
                t[t.len() - 1],
                t.len(),
                c[c.len() / 2],
                c[0],
                c[c.len() - 1],
            );
        }
    }
}
