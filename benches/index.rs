//! Compiled index against the naive oracle, measured in the same run.
//!
//! Run: `cargo bench --bench index` (all scenarios) or `cargo bench --bench index -- a5`
//! (scenarios whose name contains the argument). Scenarios:
//! - `a5`:  1k groups x 60 rules, 1k ENIs with 5 groups each (300 rules per ENI)
//! - `a16`: 1k groups x 60 rules, 1k ENIs with 16 groups each (960 rules per ENI)
//! - `b`:   25k groups x 60 rules (1.5 M rules), 10k ENIs with 5 groups each
//! - `c`:   IPv6-heavy: like `a5` with 70 % IPv6 peers and IPv6 queries
//!
//! For each: ingest MB/s of the pretty-printed JSON, compile time (total, per rule), heap
//! bytes per rule, point-query latency (p50/p99, one ENI warm and random ENIs), single-core
//! and all-core throughput, and the naive evaluator's latency on the same queries.
//! Point latencies time each query with `Instant` and subtract the timer's own median cost.

use sgcheck::index::compiled::{BatchQuery, CompiledIndex, Decision, Packet};
use sgcheck::index::naive::{self, Query};
use sgcheck::ingest::Reader;
use sgcheck::model::{Scope, Topology};
use sgcheck::net::{Direction, PacketL4, Protocol};
use sgcheck::synth::{Rng, Synth, to_aws_pretty};
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

const PORTS: [u16; 10] = [22, 80, 443, 3306, 5432, 6379, 8080, 3389, 53, 40000];

fn packet(rng: &mut Rng, topo: &Topology, v6_percent: u64) -> Packet {
    let v6 = rng.below(100) < v6_percent;
    let peer = if v6 {
        match rng.below(3) {
            0 => {
                let e = &topo.enis[rng.below(topo.enis.len() as u64) as usize];
                e.ipv6
                    .first()
                    .map_or(IpAddr::V6(Ipv6Addr::LOCALHOST), |a| IpAddr::V6(*a))
            }
            1 => IpAddr::V6(Ipv6Addr::from(
                (0x2001_0db8u128 << 96)
                    | (u128::from(rng.below(0xFFFF)) << 80)
                    | u128::from(rng.next_u64()),
            )),
            _ => IpAddr::V6(Ipv6Addr::from(
                u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64()),
            )),
        }
    } else {
        match rng.below(3) {
            0 => {
                let e = &topo.enis[rng.below(topo.enis.len() as u64) as usize];
                IpAddr::V4(e.primary_ip().unwrap_or(Ipv4Addr::UNSPECIFIED))
            }
            _ => IpAddr::V4(Ipv4Addr::from(rng.next_u64() as u32)),
        }
    };
    match rng.below(10) {
        0..=5 => Packet::tcp(peer, PORTS[rng.below(PORTS.len() as u64) as usize]),
        6 | 7 => Packet::udp(
            peer,
            if rng.below(2) == 0 {
                53
            } else {
                rng.next_u64() as u16
            },
        ),
        8 => {
            if v6 {
                Packet::icmpv6(peer, 128, 0)
            } else {
                Packet::icmp(peer, 8, 0)
            }
        }
        _ => Packet {
            peer,
            protocol: Protocol::Number(50),
            l4: PacketL4::None,
        },
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Median cost of one `Instant::now()` pair, to subtract from single-query timings.
fn timer_overhead() -> f64 {
    let mut v: Vec<f64> = (0..100_000)
        .map(|_| {
            let t = Instant::now();
            black_box(());
            t.elapsed().as_nanos() as f64
        })
        .collect();
    v.sort_by(f64::total_cmp);
    percentile(&v, 0.5)
}

fn latencies(queries: &[BatchQuery], overhead: f64, f: impl Fn(&BatchQuery)) -> (f64, f64) {
    let mut v: Vec<f64> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            f(q);
            (t.elapsed().as_nanos() as f64 - overhead).max(0.0)
        })
        .collect();
    v.sort_by(f64::total_cmp);
    (percentile(&v, 0.5), percentile(&v, 0.99))
}

fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn scenario(name: &str, synth: Synth, v6_percent: u64, naive_samples: usize) {
    println!(
        "\n== {name}: {} groups x {} rules, {} ENIs x {} groups, seed {}, {}% IPv6 peers",
        synth.groups,
        synth.rules_per_group,
        synth.enis,
        synth.groups_per_eni,
        synth.seed,
        synth.ipv6_percent
    );
    let (vpcs, subnets) = synth.network();
    let files = [
        (
            "security-groups.json",
            to_aws_pretty(&synth.security_groups()),
        ),
        (
            "network-interfaces.json",
            to_aws_pretty(&synth.network_interfaces()),
        ),
        ("prefix-lists.json", to_aws_pretty(&synth.prefix_lists())),
        ("vpcs.json", to_aws_pretty(&vpcs)),
        ("subnets.json", to_aws_pretty(&subnets)),
    ];
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let t = Instant::now();
    let mut reader = Reader::default();
    for (n, text) in &files {
        reader.add_bytes(n, text.as_bytes(), Scope::default());
    }
    let ingest = reader.finish();
    let ingest_time = t.elapsed();
    drop(files);
    let topo = ingest.topology;
    let rules = topo.counts().rules;
    println!(
        "ingest: {:.1} MB in {:.0} ms = {:.0} MB/s (read + merge + validate, one core); {} rules",
        bytes as f64 / 1e6,
        ingest_time.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / ingest_time.as_secs_f64(),
        rules
    );

    let compile = median_time(3, || {
        black_box(CompiledIndex::new(&topo));
    });
    let index = CompiledIndex::new(&topo);
    let per_eni_rules: usize = rules / synth.groups.max(1) * synth.groups_per_eni;
    let instances = index.policy_count() / 2 * per_eni_rules;
    println!(
        "compile: {:.0} ms median of 3 = {:.0} ns/rule ({:.0} ns per compiled rule instance); {} policies, {} atoms, {} summaries",
        compile.as_secs_f64() * 1e3,
        compile.as_secs_f64() * 1e9 / rules as f64,
        compile.as_secs_f64() * 1e9 / instances.max(1) as f64,
        index.policy_count(),
        index.atom_count(),
        index.summary_count()
    );
    println!(
        "memory: {:.1} MB index heap = {:.0} B/rule",
        index.heap_bytes() as f64 / 1e6,
        index.heap_bytes() as f64 / rules as f64
    );

    let mut rng = Rng(synth.seed ^ 0xBEEF);
    let n = 1_000_000;
    let dir = |r: &mut Rng| {
        if r.below(2) == 0 {
            Direction::Ingress
        } else {
            Direction::Egress
        }
    };
    let warm: Vec<BatchQuery> = (0..n)
        .map(|_| (0, Direction::Ingress, packet(&mut rng, &topo, v6_percent)))
        .collect();
    let random: Vec<BatchQuery> = (0..n)
        .map(|_| {
            (
                rng.below(topo.enis.len() as u64) as usize,
                dir(&mut rng),
                packet(&mut rng, &topo, v6_percent),
            )
        })
        .collect();
    let overhead = timer_overhead();
    let decide = |q: &BatchQuery| {
        black_box(index.decide(q.0, q.1, &q.2));
    };
    let (w50, w99) = latencies(&warm, overhead, decide);
    let (r50, r99) = latencies(&random, overhead, decide);
    println!(
        "query (timer overhead {overhead:.0} ns subtracted): warm p50 {w50:.0} ns, p99 {w99:.0} ns; random ENIs p50 {r50:.0} ns, p99 {r99:.0} ns"
    );

    let loop_time = |qs: &[BatchQuery]| {
        median_time(3, || {
            for q in qs {
                black_box(index.decide(q.0, q.1, &q.2));
            }
        })
    };
    let tw = loop_time(&warm);
    let tr = loop_time(&random);
    println!(
        "throughput, one core: warm {:.1} M/s ({:.1} ns/query), random ENIs {:.1} M/s ({:.1} ns/query)",
        n as f64 / tw.as_secs_f64() / 1e6,
        tw.as_secs_f64() * 1e9 / n as f64,
        n as f64 / tr.as_secs_f64() / 1e6,
        tr.as_secs_f64() * 1e9 / n as f64
    );
    let threads = rayon::current_num_threads();
    let tb = median_time(3, || {
        black_box(index.decide_batch(&random));
    });
    println!(
        "batch (rayon, {threads} threads), random ENIs: {:.1} M/s total = {:.1} M/s per core",
        n as f64 / tb.as_secs_f64() / 1e6,
        n as f64 / tb.as_secs_f64() / 1e6 / threads as f64
    );

    // The oracle on a sample of the same random queries.
    let lookup = topo.lookup();
    let sample = &random[..naive_samples.min(random.len())];
    let mut agree = 0;
    let mut naive_ns: Vec<f64> = Vec::with_capacity(sample.len());
    for q in sample {
        let query = Query::new(topo.enis[q.0].id.clone(), q.1, q.2);
        let t = Instant::now();
        let v = naive::matching_rules_with(&lookup, &query).expect("valid query");
        naive_ns.push(t.elapsed().as_nanos() as f64);
        let want = match v.outcome() {
            naive::Outcome::Allow => Decision::Allowed,
            naive::Outcome::Deny => Decision::Denied,
            naive::Outcome::Unknown => Decision::Unknown,
        };
        if index.decide(q.0, q.1, &q.2) == Some(want) {
            agree += 1;
        }
    }
    naive_ns.sort_by(f64::total_cmp);
    let (sample_c50, _) = latencies(sample, overhead, decide);
    let n50 = percentile(&naive_ns, 0.5);
    println!(
        "naive on {} of the random queries: p50 {:.0} ns, p99 {:.0} ns; compiled on the same: p50 {:.0} ns; speed-up {:.0}x (p50); answers agree on {}/{}",
        sample.len(),
        n50,
        percentile(&naive_ns, 0.99),
        sample_c50,
        n50 / sample_c50.max(1.0),
        agree,
        sample.len()
    );
    let (_, allowed) = (
        0,
        random
            .iter()
            .take(100_000)
            .filter(|q| index.decide(q.0, q.1, &q.2) == Some(Decision::Allowed))
            .count(),
    );
    println!(
        "share of random queries allowed: {:.1}%",
        allowed as f64 / 1000.0
    );
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let want = |n: &str| filter.as_deref().is_none_or(|f| n.contains(f));
    println!(
        "machine: {} logical CPUs; rayon threads {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        rayon::current_num_threads()
    );
    let base = Synth {
        groups: 1000,
        rules_per_group: 60,
        enis: 1000,
        groups_per_eni: 5,
        seed: 1,
        ipv6_percent: 15,
    };
    if want("a5") {
        scenario("a5", base, 10, 2000);
    }
    if want("a16") {
        scenario(
            "a16",
            Synth {
                groups_per_eni: 16,
                ..base
            },
            10,
            1000,
        );
    }
    if want("c") {
        scenario(
            "c",
            Synth {
                ipv6_percent: 70,
                ..base
            },
            70,
            2000,
        );
    }
    if want("b") {
        scenario(
            "b",
            Synth {
                groups: 25_000,
                enis: 10_000,
                ..base
            },
            10,
            200,
        );
    }
}
