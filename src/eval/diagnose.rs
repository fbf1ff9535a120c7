//! From what the user saw (`timeout` or `refused`) to the layers to blame.
//!
//! A timeout means packets were dropped silently: every denying layer is a suspect, and
//! so are things the export cannot show (a host firewall that DROPs, a public IP that
//! changed at a stop/start, a different host at the address). A refusal means a reset
//! came back, so the path was open both ways: the listener (or a host firewall REJECT) is
//! to blame; if the model says the path is blocked, the data and reality disagree.
//!
//! The reply of a TCP or UDP connection goes to the client's ephemeral port, which the
//! question does not name (§3.2, §3.3). When the return NACLs drop the reply to some of
//! those ports only, both symptoms are consistent with the model: a client whose port is
//! in the passing range gets the reset (or connects), one in the dropped range times out.
//! The diagnosis says which ports, and where the usual clients' defaults fall.

use super::reach::{Answer, Cited, EPHEMERAL, Layer, Outcome, Reach, Symptom, Verdict};
use crate::index::intervals::IntervalSet;
use crate::model::InstanceState;
use crate::net::PortRange;
use serde::Serialize;
use std::net::IpAddr;

/// One layer the diagnosis points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blame {
    /// The layer (`null` for causes outside the model).
    pub layer: Option<Layer>,
    /// Why.
    pub detail: String,
    /// The rules involved.
    pub rules: Vec<Cited>,
}

/// The diagnosis of one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// What the user saw.
    pub seen: Symptom,
    /// What the model predicts.
    pub expected: Symptom,
    /// The model's verdict.
    pub verdict: Verdict,
    /// Whether the model explains what was seen.
    pub consistent: bool,
    /// One-paragraph summary.
    pub summary: String,
    /// Layers to blame in the model, in path order.
    pub blame: Vec<Blame>,
    /// What outside the model could cause it.
    pub outside: Vec<String>,
}

const HOST_DROP: &str = "a host firewall that drops (iptables/nftables DROP, Windows Firewall block): the model cannot see it";
const DIFFERENT_HOST: &str = "the client reaches a different host than the one asked about (stale DNS record, an address reused by someone else, a proxy or load balancer in between)";
const STALE_EXPORT: &str =
    "the export is older than the change that broke (or fixed) it: export again and re-run";

/// Default ephemeral port ranges of the usual clients (§3.2); NAT devices, load
/// balancers and Lambda use all of 1024-65535.
const CLIENT_DEFAULTS: [(&str, u16, u16); 2] = [
    ("Linux's default", 32768, 60999),
    ("Windows'", 49152, 65535),
];

/// The client ports the return NACLs let the reply through to, and those they drop,
/// when they drop only some (`None` when they drop none or all of them).
fn reply_split(answer: &Answer) -> Option<(IntervalSet<u16>, IntervalSet<u16>)> {
    if answer.reply_ports.is_empty() {
        return None;
    }
    let pass = IntervalSet::from_ranges(answer.reply_ports.iter().map(|r| (r.lo(), r.hi())));
    let drop = IntervalSet::from_ranges([EPHEMERAL]).difference(&pass);
    (!drop.is_empty()).then_some((pass, drop))
}

/// `1024-32767, 40000-40010`.
fn ports_text(set: &IntervalSet<u16>) -> String {
    let v: Vec<String> = (set.ranges().iter())
        .map(|&(lo, hi)| PortRange::new(lo, hi).to_string())
        .collect();
    v.join(", ")
}

/// How much of each usual client's default range `set` holds: `all of Linux's default
/// 32768-60999 and none of Windows' 49152-65535; NAT devices, …`.
fn defaults_in(set: &IntervalSet<u16>) -> String {
    let v: Vec<String> = CLIENT_DEFAULTS
        .iter()
        .map(|&(who, lo, hi)| {
            let r = IntervalSet::from_ranges([(lo, hi)]);
            let how = if set.covers(&r) {
                "all"
            } else if set.intersects(&r) {
                "part"
            } else {
                "none"
            };
            format!("{how} of {who} {}", PortRange::new(lo, hi))
        })
        .collect();
    format!(
        "{}; NAT devices, load balancers and Lambda use all of {}",
        v.join(" and "),
        PortRange::new(EPHEMERAL.0, EPHEMERAL.1)
    )
}

/// Diagnoses one answer against the symptom the user saw.
pub fn diagnose(reach: &Reach<'_>, answer: &Answer, seen: Symptom) -> Diagnosis {
    let denies: Vec<Blame> = answer
        .layers
        .iter()
        .filter(|l| l.result == Outcome::Deny)
        .map(|l| Blame {
            layer: Some(l.layer),
            detail: l.detail.clone(),
            rules: l.rules.clone(),
        })
        .collect();
    let unknowns: Vec<Blame> = answer
        .layers
        .iter()
        .filter(|l| l.result == Outcome::Unknown)
        .map(|l| Blame {
            layer: Some(l.layer),
            detail: format!("undecided: {}", l.detail),
            rules: l.rules.clone(),
        })
        .collect();
    let mut outside = Vec::new();
    let stale_ip = stale_public_ip(reach, answer);
    let (consistent, summary, blame) = match seen {
        Symptom::Timeout => {
            let drops: Vec<Blame> = denies
                .iter()
                .filter(|b| b.layer != Some(Layer::Listener))
                .cloned()
                .collect();
            outside.push(HOST_DROP.to_string());
            if let Some(s) = &stale_ip {
                outside.push(s.clone());
            }
            outside.push(DIFFERENT_HOST.to_string());
            if !drops.is_empty() {
                let names: Vec<String> = drops
                    .iter()
                    .filter_map(|b| b.layer.map(|l| l.to_string()))
                    .collect();
                let only_reply = drops.iter().all(|b| b.layer == Some(Layer::ReturnNacl));
                let ports = match reply_split(answer) {
                    Some((_, dropped)) if only_reply => format!(
                        ", for a client whose ephemeral port is in {} (it holds {}); the reply to any other port gets through",
                        ports_text(&dropped),
                        defaults_in(&dropped)
                    ),
                    _ => String::new(),
                };
                (
                    true,
                    format!(
                        "a timeout means a silent drop; the model drops the packets at {}{ports}",
                        names.join(", ")
                    ),
                    drops,
                )
            } else if !unknowns.is_empty() {
                (
                    true,
                    "a timeout means a silent drop; the model cannot decide some layers, which may be the cause".to_string(),
                    unknowns,
                )
            } else {
                outside.push(STALE_EXPORT.to_string());
                (
                    false,
                    format!(
                        "the data and reality disagree: the model says the path is open ({}), yet packets are dropped; look outside the model",
                        if answer.symptom == Symptom::Refused {
                            "a refusal was expected, since nothing listens on the port"
                        } else {
                            "the client should connect"
                        }
                    ),
                    Vec::new(),
                )
            }
        }
        Symptom::Refused => {
            outside.push(
                "a host firewall that rejects (iptables -j REJECT --reject-with tcp-reset or icmp-port-unreachable)"
                    .to_string(),
            );
            outside.push(
                "the service is down, listens on another port, or is bound to 127.0.0.1 only"
                    .to_string(),
            );
            let listener = denies
                .iter()
                .filter(|b| b.layer == Some(Layer::Listener))
                .cloned()
                .collect::<Vec<_>>();
            // A return NACL that lets the reply through to some client ports does not
            // contradict a refusal: the client's port was one of them.
            let split = reply_split(answer);
            let drops: Vec<&Blame> = denies
                .iter()
                .filter(|b| b.layer != Some(Layer::Listener))
                .filter(|b| !(b.layer == Some(Layer::ReturnNacl) && split.is_some()))
                .collect();
            let (open, other_ports) = match &split {
                Some((pass, dropped)) => (
                    format!(
                        " for a client whose ephemeral port is in {} (it holds {})",
                        ports_text(pass),
                        defaults_in(pass)
                    ),
                    format!(
                        "; a client whose port is in {} times out instead, since the return NACL drops the reset",
                        ports_text(dropped)
                    ),
                ),
                None => (String::new(), String::new()),
            };
            if !drops.is_empty() {
                outside.push(DIFFERENT_HOST.to_string());
                if let Some(s) = &stale_ip {
                    outside.push(s.clone());
                }
                outside.push(STALE_EXPORT.to_string());
                let names: Vec<String> = drops
                    .iter()
                    .filter_map(|b| b.layer.map(|l| l.to_string()))
                    .collect();
                (
                    false,
                    format!(
                        "the data and reality disagree: a refusal proves the SYN reached a host and its reset came back, but the model drops the packets at {}; so the rules, routes or addresses in the export are not the ones in force, or the client reaches another host",
                        names.join(", ")
                    ),
                    drops.into_iter().cloned().collect(),
                )
            } else if !listener.is_empty() {
                (
                    true,
                    format!(
                        "the path is open both ways{open} and nothing listens on the port: the kernel answers with a reset{other_ports}"
                    ),
                    listener,
                )
            } else {
                (
                    true,
                    format!(
                        "the path is open both ways{open}, so the reset comes from the host: no process listens on the port, or a host firewall rejects{other_ports}"
                    ),
                    vec![Blame {
                        layer: Some(Layer::Listener),
                        detail: answer
                            .layer(Layer::Listener)
                            .map(|l| l.detail.clone())
                            .unwrap_or_default(),
                        rules: Vec::new(),
                    }],
                )
            }
        }
        Symptom::Connects => (
            answer.verdict == Verdict::Allowed,
            "the connection opens".to_string(),
            denies,
        ),
    };
    Diagnosis {
        seen,
        expected: answer.symptom,
        verdict: answer.verdict,
        consistent,
        summary,
        blame,
        outside,
    }
}

/// When the destination is reached at an auto-assigned public IP: it changes at every
/// stop/start (and is gone while stopped).
fn stale_public_ip(reach: &Reach<'_>, answer: &Answer) -> Option<String> {
    let topo = reach.topology();
    // The interface and the address dialled, exactly: a public IP is stale only when it
    // is the one dialled (54.1.2.3 is not 54.1.2.30, eni-1 is not eni-10).
    let (Some(id), Some(IpAddr::V4(dialled))) = (&answer.to_eni, answer.to_addr) else {
        return None;
    };
    for eni in topo.enis.iter().filter(|e| e.id == *id) {
        for p in &eni.private_ips {
            let Some(pb) = &p.public else { continue };
            if pb.is_elastic() || pb.ip != dialled {
                continue;
            }
            let stopped = topo
                .instances
                .iter()
                .any(|i| i.enis.contains(&eni.id) && i.state != InstanceState::Running);
            return Some(if stopped {
                format!(
                    "{} is an auto-assigned public IP of {} and its instance is not running: it was released, and the instance gets a new one at start; clients holding {} time out",
                    pb.ip, eni.id, pb.ip
                )
            } else {
                format!(
                    "{} is an auto-assigned public IP of {}: it changes at every stop/start, so a client or DNS record holding an older address times out (or reaches someone else); an Elastic IP keeps it",
                    pb.ip, eni.id
                )
            });
        }
    }
    None
}
