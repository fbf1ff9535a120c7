//! Times `ingest_paths` on the given inputs, and the phases of the largest JSON file
//! (read from disk, parse + lower, merge, validate):
//! `cargo run --release --example ingest_speed -- /tmp/s25`.

use sgcheck::ingest::{aws, ingest_paths};
use sgcheck::model::{Scope, validate};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let ingest = ingest_paths(&args);
        let dt = t.elapsed().as_secs_f64();
        times.push(dt);
        let t = Instant::now();
        drop(ingest);
        println!(
            "ingest_paths      {dt:>8.3} s   (drop {:.3} s)",
            t.elapsed().as_secs_f64()
        );
    }
    times.sort_by(f64::total_cmp);
    println!("median of {runs}: {:.3} s", times[times.len() / 2]);
    if std::env::var("PHASES").is_ok_and(|v| v == "1") {
        let Some(big) = args.first().and_then(|a| largest_json(a)) else {
            return;
        };
        let t = Instant::now();
        let bytes = std::fs::read(&big).expect("readable");
        println!("read file         {:>8.3} s", t.elapsed().as_secs_f64());
        let file: Arc<str> = Arc::from(big.as_str());
        let t = Instant::now();
        let doc = aws::read(&file, &bytes, &Scope::default()).expect("valid");
        println!("aws::read         {:>8.3} s", t.elapsed().as_secs_f64());
        let (mut topo, mut diags) = (doc.topology, doc.diagnostics);
        let t = Instant::now();
        aws::merge(&mut topo, &mut diags);
        println!("merge             {:>8.3} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let v = validate::validate(&topo);
        println!(
            "validate          {:>8.3} s ({} diagnostics)",
            t.elapsed().as_secs_f64(),
            v.len()
        );
    }
}

/// The largest `.json` file at `path` (a file or a directory, not recursive).
fn largest_json(path: &str) -> Option<String> {
    let p = std::path::Path::new(path);
    if p.is_file() {
        return Some(path.to_string());
    }
    std::fs::read_dir(p)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
        .max()
        .map(|(_, p)| p.to_string_lossy().into_owned())
}
