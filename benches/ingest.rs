//! Ingest throughput on a ~50 MB pretty-printed describe-security-groups file.
//!
//! Run: `cargo bench --bench ingest` (set `SGCHECK_BENCH_MB` to change the size).
//! Prints the median of several runs for: a generic `serde_json::Value` parse (the floor any
//! one-thread JSON reader pays, for reference), sgcheck's typed read of the file, and the
//! full ingest (read + merge + validation). Figures are MB/s of input on all cores (the
//! reader splits large lists across threads); `RAYON_NUM_THREADS=1` gives one core.

use sgcheck::ingest::{aws, ingest_bytes};
use sgcheck::model::{Scope, validate};
use sgcheck::synth::{Synth, to_aws_pretty};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn measure(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let target_mb: f64 = std::env::var("SGCHECK_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50.0);
    let probe = Synth {
        groups: 50,
        ..Synth::default()
    };
    let per_group = to_aws_pretty(&probe.security_groups()).len() as f64 / 50.0;
    let groups = ((target_mb * 1e6) / per_group).ceil() as usize;
    let synth = Synth {
        groups,
        ..Synth::default()
    };
    let text = to_aws_pretty(&synth.security_groups());
    let bytes = text.as_bytes();
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "input: {mb:.1} MB pretty-printed describe-security-groups, {groups} groups x {} rules",
        synth.rules_per_group
    );
    let runs = 7;
    let file: Arc<str> = Arc::from("bench.json");

    let value = measure(runs, || {
        let v: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
        std::hint::black_box(v);
    });
    let mut rules = 0;
    let read = measure(runs, || {
        let doc = aws::read(&file, bytes, &Scope::default()).expect("readable");
        rules = doc.topology.counts().rules;
        std::hint::black_box(doc);
    });
    // The phases after reading, on one read result each run.
    let mut merge_times = Vec::new();
    let mut validate_times = Vec::new();
    for _ in 0..runs {
        let doc = aws::read(&file, bytes, &Scope::default()).expect("readable");
        let (mut topo, mut diags) = (doc.topology, doc.diagnostics);
        let t = Instant::now();
        aws::merge(&mut topo, &mut diags);
        merge_times.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(validate::validate(&topo));
        validate_times.push(t.elapsed());
    }
    let (merge_t, validate_t) = (median(merge_times), median(validate_times));
    let full = measure(runs, || {
        std::hint::black_box(ingest_bytes("bench.json", bytes));
    });
    let rate = |d: Duration| mb / d.as_secs_f64();
    println!("rules read: {rules}");
    println!(
        "median of {runs} runs (MB/s of input, {} threads):",
        rayon::current_num_threads()
    );
    println!(
        "  serde_json::Value parse (reference) {:>8.0} MB/s  {:>8.1} ms",
        rate(value),
        value.as_secs_f64() * 1e3
    );
    println!(
        "  aws::read (parse + lower to model)  {:>8.0} MB/s  {:>8.1} ms",
        rate(read),
        read.as_secs_f64() * 1e3
    );
    println!(
        "  ingest_bytes (read + merge + validate) {:>5.0} MB/s  {:>8.1} ms",
        rate(full),
        full.as_secs_f64() * 1e3
    );
    println!(
        "  phases: merge {:.1} ms, validate {:.1} ms",
        merge_t.as_secs_f64() * 1e3,
        validate_t.as_secs_f64() * 1e3
    );
    if rules > 0 {
        println!(
            "  per rule (read): {:.0} ns",
            read.as_secs_f64() * 1e9 / rules as f64
        );
    }
}
