//! From what the user saw (`timeout` or `refused`) to the layers to blame.
//!
//! A timeout means packets were dropped silently: every denying layer is a suspect, and
//! so are things the export cannot show (a host firewall that DROPs, a public IP that
//! changed at a stop/start, a different host at the address). A refusal means a reset
//! came back, so the path was open both ways: the listener (or a host firewall REJECT) is
//! to blame; if the model says the path is blocked, the data and reality disagree.

use super::reach::{Answer, Cited, Layer, Outcome, Reach, Symptom, Verdict};
use crate::model::InstanceState;
use serde::Serialize;

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
                (
                    true,
                    format!(
                        "a timeout means a silent drop; the model drops the packets at {}",
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
            let drops: Vec<&Blame> = denies
                .iter()
                .filter(|b| b.layer != Some(Layer::Listener))
                .collect();
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
                    "the path is open both ways and nothing listens on the port: the kernel answers with a reset".to_string(),
                    listener,
                )
            } else {
                (
                    true,
                    "the path is open both ways, so the reset comes from the host: no process listens on the port, or a host firewall rejects".to_string(),
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
    // The destination label holds the ENI id; find an ENI with an auto-assigned public IP
    // named there.
    for eni in &topo.enis {
        if !answer.to.contains(eni.id.as_str()) {
            continue;
        }
        for p in &eni.private_ips {
            let Some(pb) = &p.public else { continue };
            if pb.is_elastic() || !answer.to.contains(&pb.ip.to_string()) {
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
