//! CLI wiring: clap definitions ([`args`]) and one function per subcommand
//! ([`commands`]). No analysis logic lives here.

mod args;
mod commands;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// The process exit status, shared by every subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: clean / allowed.
    Clean,
    /// 1: findings at or above the threshold / blocked.
    Findings,
    /// 2: bad input or usage.
    InputError,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(match s {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::InputError => 2,
        })
    }
}

/// Writes to stdout; a closed pipe (`sgcheck … | head`) ends quietly with status 0.
pub fn write_out(text: &str) -> Result<(), ExitStatus> {
    write_with(|w| w.write_all(text.as_bytes()))
}

/// Streams output to stdout through a buffer; a closed pipe (`| head`) ends quietly.
pub fn write_with(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), ExitStatus> {
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout);
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitStatus::Clean),
        Err(e) => {
            eprintln!("sgcheck: cannot write output: {e}");
            Err(ExitStatus::InputError)
        }
    }
}

/// Parses arguments and runs the subcommand.
pub fn run() -> ExitCode {
    let args = match args::Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let usage = e.use_stderr();
            let _ = e.print();
            return if usage {
                ExitStatus::InputError.into()
            } else {
                ExitStatus::Clean.into()
            };
        }
    };
    match &args.command {
        args::Command::Inventory(a) => commands::inventory::run(a).into(),
        args::Command::Reach(a) => commands::reach::run(a).into(),
        args::Command::Diagnose(a) => commands::diagnose::run(a).into(),
        args::Command::Assert(a) => commands::assert::run(a).into(),
        args::Command::Audit(a) => commands::audit::run(a).into(),
        args::Command::Explain(a) => commands::explain::run(a).into(),
    }
}
