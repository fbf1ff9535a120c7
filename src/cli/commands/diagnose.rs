//! `sgcheck diagnose`: from a symptom to the layers to blame.

use super::reach::{listening, load, question};
use crate::cli::args::{DiagnoseArgs, Format, SymptomArg};
use crate::cli::{ExitStatus, write_out};
use sgcheck::eval::diagnose::diagnose;
use sgcheck::eval::{Options, Reach, Symptom};
use sgcheck::report::reach as render;

/// Runs the command.
pub fn run(args: &DiagnoseArgs) -> ExitStatus {
    let listening = match listening(&args.listening) {
        Ok(l) => l,
        Err(s) => return s,
    };
    let q = match question(&args.from, &args.to, &args.port) {
        Ok(q) => q,
        Err(s) => return s,
    };
    let (ingest, errors) = load(&args.inputs);
    let reach = Reach::new(
        &ingest.topology,
        Options {
            listening,
            explain: true,
        },
    );
    let answers = match reach.answer(&q) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("sgcheck: {e}");
            return ExitStatus::InputError;
        }
    };
    let seen = match args.symptom {
        SymptomArg::Timeout => Symptom::Timeout,
        SymptomArg::Refused => Symptom::Refused,
    };
    let items: Vec<_> = answers
        .into_iter()
        .map(|a| {
            let d = diagnose(&reach, &a, seen);
            (a, d)
        })
        .collect();
    let text = match args.format {
        Format::Text => items
            .iter()
            .map(|(a, d)| render::diagnosis_text(a, d))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Json => render::pretty(&render::diagnoses_json(&items)),
    };
    if let Err(s) = write_out(&text) {
        return s;
    }
    if errors {
        ExitStatus::InputError
    } else if items.iter().all(|(_, d)| d.consistent) {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    }
}
