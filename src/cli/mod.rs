//! CLI wiring: clap definitions and one function per subcommand. No analysis logic.

use std::process::ExitCode;

/// Parses arguments and runs the subcommand.
pub fn run() -> ExitCode {
    ExitCode::SUCCESS
}
