//! `sgcheck assert`: check flow expectations (CI property tests).

use super::reach::load;
use crate::cli::args::{AssertArgs, Format};
use crate::cli::{ExitStatus, write_out};
use sgcheck::eval::flows::check;
use sgcheck::eval::{Options, Reach};
use sgcheck::ingest::dsl;
use sgcheck::model::Expectation;
use sgcheck::report::reach as render;
use std::sync::Arc;

/// Runs the command.
pub fn run(args: &AssertArgs) -> ExitStatus {
    let flows: Option<Vec<Expectation>> = match &args.flows {
        None => None,
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("sgcheck: cannot read {}: {e}", path.display());
                    return ExitStatus::InputError;
                }
            };
            let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
            match dsl::parse(&name, &text) {
                Ok((topo, _)) => {
                    let only_expect = sgcheck::model::Counts {
                        expectations: topo.expectations.len(),
                        ..Default::default()
                    };
                    if topo.counts() != only_expect {
                        eprintln!(
                            "sgcheck: {}: only `expect` lines are used from a flows file",
                            path.display()
                        );
                    }
                    Some(topo.expectations)
                }
                Err(e) => {
                    eprintln!("{e}");
                    return ExitStatus::InputError;
                }
            }
        }
    };
    let (ingest, errors) = load(&args.inputs);
    let expectations = flows.unwrap_or_else(|| ingest.topology.expectations.clone());
    if expectations.is_empty() {
        eprintln!(
            "sgcheck: no `expect` lines found (give --flows FILE or inputs with expectations)"
        );
        return ExitStatus::InputError;
    }
    let reach = Reach::new(
        &ingest.topology,
        Options {
            listening: None,
            explain: true,
        },
    );
    let checks: Vec<_> = expectations.iter().map(|e| check(&reach, e)).collect();
    let text = match args.format {
        Format::Text => render::checks_text(&checks),
        Format::Json => render::pretty(&render::checks_json(&checks)),
    };
    if let Err(s) = write_out(&text) {
        return s;
    }
    // An expectation naming what the inputs do not hold is bad input, as in `reach`.
    if errors || checks.iter().any(|c| c.error.is_some()) {
        ExitStatus::InputError
    } else if checks.iter().all(|c| c.passed) {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    }
}
