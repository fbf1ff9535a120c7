//! Writes a reachability queries file over the synthetic topology (see `synth`), for the
//! `reach --queries` speed figure:
//!
//! `cargo run --release --example synth_queries -- --enis 1000 --count 1000000 --seed 1
//!  --out /tmp/synth-queries.txt`
//!
//! Lines mix ENI ids, private addresses of ENIs and outside addresses, over common ports
//! and protocols, e.g. `10.0.1.7 -> eni-0000000000000002a 443/tcp`.

use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Queries-file generator.
#[derive(Debug, Parser)]
struct Args {
    /// ENIs in the synthetic topology (as given to `synth`).
    #[arg(long, default_value_t = 1000)]
    enis: usize,
    /// Number of queries.
    #[arg(long, default_value_t = 1_000_000)]
    count: usize,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

fn next(s: &mut u64) -> u64 {
    *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn main() -> ExitCode {
    let a = Args::parse();
    let n = a.enis.max(1) as u64;
    let mut s = a.seed;
    let ports = [
        "22/tcp", "80/tcp", "443/tcp", "5432/tcp", "53/udp", "8/icmp", "8080/tcp", "3389/tcp",
    ];
    // The synthetic ENI i has private address 10.<i/65536>.<i/256%256>.<1 + i%256%254>.
    let ip = |i: u64| {
        format!(
            "10.{}.{}.{}",
            (i >> 16) & 255,
            (i >> 8) & 255,
            1 + (i & 255) % 254
        )
    };
    let eni = |i: u64| format!("eni-{i:017x}");
    let mut out = String::with_capacity(a.count * 48);
    for _ in 0..a.count {
        let r = next(&mut s);
        let (x, y) = (r % n, (r >> 20) % n);
        let port = ports[((r >> 40) % ports.len() as u64) as usize];
        let from = match (r >> 50) % 4 {
            0 => eni(x),
            1 | 2 => ip(x),
            _ => format!("203.0.113.{}", (r >> 56) % 250 + 1),
        };
        let to = if (r >> 53).is_multiple_of(2) {
            eni(y)
        } else {
            ip(y)
        };
        out.push_str(&format!("{from} -> {to} {port}\n"));
    }
    match std::fs::File::create(&a.out).and_then(|mut f| f.write_all(out.as_bytes())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth_queries: cannot write {}: {e}", a.out.display());
            ExitCode::from(2)
        }
    }
}
