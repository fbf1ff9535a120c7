//! Times the phases of `sgcheck audit` on a directory: ingest, shared context with
//! exposure, each check alone, then the whole audit (checks on all cores, fingerprints,
//! sort) and the text and JSON reports written to memory:
//! `cargo run --release --example audit_speed -- /tmp/s`.

use sgcheck::audit::{AuditConfig, AuditCtx, Sink, audit, registry};
use sgcheck::ingest::ingest_paths;
use sgcheck::report;
use std::time::Instant;

/// The allocator the `sgcheck` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let t = Instant::now();
    let ingest = ingest_paths(&args);
    println!("ingest            {:>8.3} s", t.elapsed().as_secs_f64());
    let config = AuditConfig::default();
    let t = Instant::now();
    let ctx = AuditCtx::new(&ingest.topology, &config);
    println!(
        "context+exposure  {:>8.3} s ({} exposed subjects)",
        t.elapsed().as_secs_f64(),
        ctx.exposures.subjects.len()
    );
    let all = Instant::now();
    for c in registry::CHECKS {
        if only.as_ref().is_some_and(|o| o != c.code) {
            continue;
        }
        for _ in 1..repeat {
            let (t, cpu) = (Instant::now(), cpu_seconds());
            let mut sink = Sink::default();
            (c.run)(&ctx, &mut sink);
            println!(
                "{} (repeat)  {:>8.3} s{}",
                c.code,
                t.elapsed().as_secs_f64(),
                cpu_since(cpu)
            );
        }
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let mut sink = Sink::default();
        (c.run)(&ctx, &mut sink);
        let n = sink.len();
        let dt = t.elapsed().as_secs_f64();
        if dt > 0.01 {
            println!(
                "{} {:<38} {:>8.3} s {n:>8} findings{}",
                c.code,
                c.name,
                dt,
                cpu_since(cpu)
            );
        }
    }
    println!("checks one by one {:>8.3} s", all.elapsed().as_secs_f64());
    if only.is_some() {
        return;
    }
    drop(ctx);
    let t = Instant::now();
    let result = audit(&ingest.topology, &config);
    println!(
        "audit()           {:>8.3} s ({} findings)",
        t.elapsed().as_secs_f64(),
        result.findings.len()
    );
    for (name, json) in [("text", false), ("json", true)] {
        let t = Instant::now();
        let mut out = Vec::new();
        let written = if json {
            report::audit::write_json(&result, &mut out)
        } else {
            report::audit::write_text(&result, false, &mut out)
        };
        println!(
            "{name} report       {:>8.3} s ({} bytes{})",
            t.elapsed().as_secs_f64(),
            out.len(),
            if written.is_ok() { "" } else { ", failed" }
        );
    }
}

/// This process's CPU time (user + system, all threads) from `/proc/self/stat`, in
/// seconds (Linux, 100 ticks a second); `None` elsewhere. On a shared machine it moves
/// less with other load than wall time does.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// `", cpu X s"` since `start`, or nothing when CPU time is unknown.
fn cpu_since(start: Option<f64>) -> String {
    match (start, cpu_seconds()) {
        (Some(a), Some(b)) => format!(", cpu {:.2} s", b - a),
        _ => String::new(),
    }
}
