//! `sgcheck explain CODE` / `sgcheck explain --list`.

use crate::cli::args::ExplainArgs;
use crate::cli::{ExitStatus, write_out};
use sgcheck::audit::registry;

/// Runs the command.
pub fn run(args: &ExplainArgs) -> ExitStatus {
    if args.list {
        return match write_out(&registry::markdown()) {
            Ok(()) => ExitStatus::Clean,
            Err(s) => s,
        };
    }
    let code = args.code.as_deref().unwrap_or_default();
    let Some(check) = registry::find(code) else {
        eprintln!("sgcheck: unknown check code {code:?} (see `sgcheck explain --list`)");
        return ExitStatus::InputError;
    };
    let text = format!(
        "{} {} (default severity: {})\n{}\n\n{}\n",
        check.code,
        check.name,
        check.severity,
        check.summary,
        check.help()
    );
    match write_out(&text) {
        Ok(()) => ExitStatus::Clean,
        Err(s) => s,
    }
}
