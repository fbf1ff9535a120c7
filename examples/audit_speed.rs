//! Times the phases of `sgcheck audit` on a directory (ingest, shared context with
//! exposure, each check): `cargo run --release --example audit_speed -- /tmp/s`.

use sgcheck::audit::{AuditConfig, AuditCtx, Sink, registry};
use sgcheck::ingest::ingest_paths;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
        let t = Instant::now();
        let mut sink = Sink::default();
        (c.run)(&ctx, &mut sink);
        let n = sink.len();
        let dt = t.elapsed().as_secs_f64();
        if dt > 0.01 {
            println!("{} {:<38} {:>8.3} s {n:>8} findings", c.code, c.name, dt);
        }
    }
    println!("all checks        {:>8.3} s", all.elapsed().as_secs_f64());
}
