//! `sgcheck audit`: read the inputs and the configuration, run the checks, apply the
//! baseline, print, and set the exit status.

use crate::cli::args::{AuditArgs, AuditFormat, Level};
use crate::cli::{ExitStatus, write_with};
use sgcheck::audit::baseline::Baseline;
use sgcheck::audit::config::Date;
use sgcheck::audit::{AuditConfig, Severity, audit};
use sgcheck::ingest::{SourceFormat, ingest_paths};
use sgcheck::model;
use sgcheck::report;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The configuration file to read, if any (see `--config`).
fn find_config(args: &AuditArgs) -> Option<PathBuf> {
    if let Some(c) = &args.config {
        return Some(c.clone());
    }
    for input in &args.inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let dir = if input.is_dir() {
            input.clone()
        } else {
            input.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let candidate = dir.join("sgcheck.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    let here = PathBuf::from("sgcheck.toml");
    here.is_file().then_some(here)
}

/// Warns about each `sgcheck.toml` among the inputs that is not the one read (`used`):
/// a configuration in a subdirectory of an input is not read, and saying so beats a
/// suppression that silently does nothing.
fn unread_configs(ingest: &sgcheck::ingest::Ingest, used: Option<&Path>) {
    let used = used.and_then(|p| std::fs::canonicalize(p).ok());
    for s in ingest.sources.iter().filter(|s| s.is_config()) {
        let this = std::fs::canonicalize(&*s.file).ok();
        if this.is_some() && this == used {
            continue;
        }
        let read = match &used {
            Some(p) => format!("the one read is {}", p.display()),
            None => "none is read".to_string(),
        };
        eprintln!(
            "sgcheck: warning: {}: not read ({read}): audit reads sgcheck.toml from an input \
             directory itself, beside an input file, or the current directory; pass \
             --config to choose",
            s.file
        );
    }
}

fn threshold(l: Level) -> Severity {
    match l {
        Level::Info => Severity::Info,
        Level::Low => Severity::Low,
        Level::Medium => Severity::Medium,
        Level::High => Severity::High,
        Level::Critical => Severity::Critical,
    }
}

/// Runs the command.
pub fn run(args: &AuditArgs) -> ExitStatus {
    let mut config = AuditConfig::default();
    let config_path = find_config(args);
    if let Some(path) = &config_path {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("sgcheck: cannot read {}: {e}", path.display());
                return ExitStatus::InputError;
            }
        };
        if let Err(e) = config.apply_toml(&text, &path.to_string_lossy()) {
            eprintln!("sgcheck: {e}");
            return ExitStatus::InputError;
        }
        for w in &config.warnings {
            eprintln!("sgcheck: warning: {w}");
        }
    }
    if let Some(t) = &args.today {
        match t.parse::<Date>() {
            Ok(d) => config.today = d,
            Err(e) => {
                eprintln!("sgcheck: --today: {e}");
                return ExitStatus::InputError;
            }
        }
    }
    if let Some(codes) = &args.select {
        // As the registry writes them: `--select "SG014, SG001"` runs both.
        let mut only = Vec::with_capacity(codes.len());
        for c in codes {
            match sgcheck::audit::registry::find(c) {
                Some(check) => only.push(check.code.to_string()),
                None => {
                    eprintln!("sgcheck: --select: unknown check code {c:?}");
                    return ExitStatus::InputError;
                }
            }
        }
        config.only = Some(only);
    }
    let baseline = match &args.baseline {
        None => None,
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| Baseline::from_json(&t))
        {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("sgcheck: baseline {}: {e}", p.display());
                return ExitStatus::InputError;
            }
        },
    };

    let ingest = ingest_paths(&args.inputs);
    let mut errors = 0;
    for d in &ingest.diagnostics {
        if d.severity == model::Severity::Error {
            errors += 1;
            eprintln!("{d}");
        }
    }
    unread_configs(&ingest, config_path.as_deref());
    let warnings = ingest
        .diagnostics
        .iter()
        .filter(|d| d.severity == model::Severity::Warning)
        .count();
    if warnings > 0 && args.format == AuditFormat::Text {
        eprintln!("note: {warnings} input warning(s); `sgcheck inventory` lists them");
    }
    let skipped = ingest
        .sources
        .iter()
        .filter(|s| s.format == SourceFormat::Skipped && !s.is_config())
        .count();
    // Other services' sections alone (a load-balancer export) give nothing to audit.
    let read = ingest
        .sources
        .iter()
        .filter(|s| match s.format {
            SourceFormat::Dsl => true,
            SourceFormat::AwsJson => !s
                .sections
                .iter()
                .all(|n| sgcheck::ingest::aws::is_service_section(n)),
            SourceFormat::Skipped | SourceFormat::Failed => false,
        })
        .count();
    if read == 0 && errors == 0 {
        // Nothing to audit is not a clean audit (an empty or mistyped export in CI).
        eprintln!(
            "sgcheck: no input could be read as AWS EC2 describe-* JSON or the sgcheck rule \
             language ({skipped} file(s) skipped; `sgcheck inventory` lists them)"
        );
        errors += 1;
    } else if skipped > 0 && args.format == AuditFormat::Text {
        eprintln!(
            "note: {skipped} file(s) skipped as not AWS JSON or rule language; \
             `sgcheck inventory` lists them"
        );
    }

    let mut result = audit(&ingest.topology, &config);
    result.input_errors = errors;
    if let Some(path) = &args.write_baseline
        && errors > 0
    {
        // A baseline of what could be read would hide the unread files' findings later.
        eprintln!(
            "sgcheck: baseline {} not written: the inputs have {errors} error(s)",
            path.display()
        );
    } else if let Some(path) = &args.write_baseline {
        let b = Baseline::from_findings(&result.findings);
        if let Err(e) = std::fs::write(path, b.to_json()) {
            eprintln!("sgcheck: cannot write baseline {}: {e}", path.display());
            return ExitStatus::InputError;
        }
    }
    if let Some(b) = &baseline {
        b.filter(&mut result);
    }
    let written = match args.format {
        AuditFormat::Text => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            write_with(|w| report::audit::write_text(&result, color, w))
        }
        AuditFormat::Json => write_with(|w| report::audit::write_json(&result, w)),
        AuditFormat::Sarif => write_with(|w| report::sarif::write_sarif(&result, w)),
    };
    if let Err(status) = written {
        return status;
    }
    let over = result
        .max_severity()
        .is_some_and(|s| s >= threshold(args.fail_on));
    // The process is about to exit and the OS takes the memory back at once; freeing a
    // million findings and rules one by one would take longer than writing them.
    std::mem::forget(result);
    std::mem::forget(ingest);
    if errors > 0 {
        ExitStatus::InputError
    } else if args.write_baseline.is_some() {
        ExitStatus::Clean
    } else if over {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}
