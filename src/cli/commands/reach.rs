//! `sgcheck reach`: one question (text or JSON), or a batch of questions (JSON lines).

use crate::cli::args::{Format, ReachArgs};
use crate::cli::{ExitStatus, write_out};
use rayon::prelude::*;
use sgcheck::eval::flows::combine;
use sgcheck::eval::{Options, Question, Reach, Verdict};
use sgcheck::ingest::{Ingest, ingest_paths};
use sgcheck::net::PortRange;
use sgcheck::report::reach as render;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Reads the inputs, printing input errors to stderr; `Err` when nothing usable was read.
pub fn load(inputs: &[PathBuf]) -> (Ingest, bool) {
    let ingest = ingest_paths(inputs);
    let errors = ingest.has_errors();
    for d in &ingest.diagnostics {
        if d.severity == sgcheck::model::Severity::Error {
            eprintln!("sgcheck: {d}");
        }
    }
    (ingest, errors)
}

/// Parses `--listening`.
pub fn listening(list: &Option<Vec<String>>) -> Result<Option<Vec<PortRange>>, ExitStatus> {
    let Some(list) = list else { return Ok(None) };
    let mut out = Vec::new();
    for p in list {
        match p.parse::<PortRange>() {
            Ok(r) => out.push(r),
            Err(e) => {
                eprintln!("sgcheck: --listening: {e}");
                return Err(ExitStatus::InputError);
            }
        }
    }
    Ok(Some(out))
}

/// Parses `--from`, `--to` and `--port` into a question.
pub fn question(from: &str, to: &str, port: &str) -> Result<Question, ExitStatus> {
    let parse = || -> Result<Question, String> {
        Ok(Question {
            from: from.parse().map_err(|e| format!("--from: {e}"))?,
            to: to.parse().map_err(|e| format!("--to: {e}"))?,
            port: port.parse().map_err(|e| format!("--port: {e}"))?,
        })
    };
    parse().map_err(|e| {
        eprintln!("sgcheck: {e}");
        ExitStatus::InputError
    })
}

fn read_text(path: &Path) -> Result<String, ExitStatus> {
    let r = if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(path)
    };
    r.map_err(|e| {
        eprintln!("sgcheck: cannot read {}: {e}", path.display());
        ExitStatus::InputError
    })
}

/// Runs the command.
pub fn run(args: &ReachArgs) -> ExitStatus {
    let listening = match listening(&args.listening) {
        Ok(l) => l,
        Err(s) => return s,
    };
    if let Some(qpath) = &args.queries {
        if qpath == Path::new("-") && args.inputs.iter().any(|p| p == Path::new("-")) {
            eprintln!("sgcheck: --queries - and an input - cannot both read stdin");
            return ExitStatus::InputError;
        }
        let text = match read_text(qpath) {
            Ok(t) => t,
            Err(s) => return s,
        };
        let (ingest, errors) = load(&args.inputs);
        let reach = Reach::new(
            &ingest.topology,
            Options {
                listening,
                explain: args.explain,
            },
        );
        return batch(&reach, &text, args.explain, errors);
    }
    let (Some(from), Some(to), Some(port)) = (&args.from, &args.to, &args.port) else {
        eprintln!("sgcheck: --from, --to and --port are required (or --queries)");
        return ExitStatus::InputError;
    };
    let q = match question(from, to, port) {
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
    let text = match args.format {
        Format::Text => render::answers_text(&answers),
        Format::Json => render::answers_json(&answers),
    };
    if let Err(s) = write_out(&text) {
        return s;
    }
    if errors {
        return ExitStatus::InputError;
    }
    match combine(&answers).0 {
        Verdict::Allowed => ExitStatus::Clean,
        _ => ExitStatus::Findings,
    }
}

/// Answers every line in parallel (parse, answer and render per chunk), writes JSON
/// lines in input order.
fn batch(reach: &Reach<'_>, text: &str, explain: bool, errors: bool) -> ExitStatus {
    const CHUNK: usize = 4096;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut all_allowed = true;
    let mut bad = errors;
    // Bounded memory: answer a window of chunks at a time, in parallel.
    for window in lines.chunks(CHUNK * 64) {
        let rendered: Vec<(String, bool, bool)> = window
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut out = String::with_capacity(chunk.len() * 120);
                let (mut allowed, mut failed) = (true, false);
                for line in chunk {
                    match line.parse::<Question>() {
                        Ok(q) => match reach.answer(&q) {
                            Ok(a) => {
                                out.push_str(&render::batch_line(line, Ok(&a), explain));
                                allowed &= combine(&a).0 == Verdict::Allowed;
                            }
                            Err(e) => {
                                out.push_str(&render::batch_line(
                                    line,
                                    Err(&e.to_string()),
                                    explain,
                                ));
                                failed = true;
                            }
                        },
                        Err(e) => {
                            out.push_str(&render::batch_line(line, Err(&e.to_string()), explain));
                            failed = true;
                        }
                    }
                }
                (out, allowed, failed)
            })
            .collect();
        let mut out = String::new();
        for (s, allowed, failed) in rendered {
            out.push_str(&s);
            all_allowed &= allowed;
            bad |= failed;
        }
        if let Err(s) = write_out(&out) {
            return s;
        }
    }
    if bad {
        ExitStatus::InputError
    } else if all_allowed {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    }
}
