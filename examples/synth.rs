//! Writes a synthetic topology as describe-* JSON files, so anyone can reproduce the
//! benchmark figures:
//!
//! `cargo run --release --example synth -- --groups 1000 --rules-per-group 60 --enis 1000
//!  --groups-per-eni 5 --seed 1 --out /tmp/synth`

use clap::Parser;
use sgcheck::synth::{Synth, to_aws_pretty};
use std::path::PathBuf;
use std::process::ExitCode;

/// Synthetic AWS export generator.
#[derive(Debug, Parser)]
struct Args {
    /// Security groups.
    #[arg(long, default_value_t = 1000)]
    groups: usize,
    /// Rules (IpPermissions) per group, ingress and egress together.
    #[arg(long, default_value_t = 60)]
    rules_per_group: usize,
    /// ENIs.
    #[arg(long, default_value_t = 1000)]
    enis: usize,
    /// Groups per ENI.
    #[arg(long, default_value_t = 5)]
    groups_per_eni: usize,
    /// Share of IPv6 peers in percent.
    #[arg(long, default_value_t = 15)]
    ipv6_percent: u8,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory (created).
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let a = Args::parse();
    let s = Synth {
        groups: a.groups.max(1),
        rules_per_group: a.rules_per_group,
        enis: a.enis,
        groups_per_eni: a.groups_per_eni,
        seed: a.seed,
        ipv6_percent: a.ipv6_percent.min(100),
    };
    let (vpcs, subnets) = s.network();
    let files = [
        ("security-groups.json", s.security_groups()),
        ("network-interfaces.json", s.network_interfaces()),
        ("prefix-lists.json", s.prefix_lists()),
        ("vpcs.json", vpcs),
        ("subnets.json", subnets),
    ];
    if let Err(e) = std::fs::create_dir_all(&a.out) {
        eprintln!("synth: cannot create {}: {e}", a.out.display());
        return ExitCode::from(2);
    }
    for (name, value) in files {
        let path = a.out.join(name);
        if let Err(e) = std::fs::write(&path, to_aws_pretty(&value)) {
            eprintln!("synth: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
