//! `sgcheck inventory`: read the inputs, print counts, sources and diagnostics.

use crate::cli::args::{Format, InventoryArgs};
use crate::cli::{ExitStatus, write_out};
use sgcheck::ingest::ingest_paths;
use sgcheck::report::inventory;

/// Runs the command.
pub fn run(args: &InventoryArgs) -> ExitStatus {
    let ingest = ingest_paths(&args.inputs);
    let text = match args.format {
        Format::Text => inventory::to_text(&ingest),
        Format::Json => inventory::to_json(&ingest),
    };
    if let Err(status) = write_out(&text) {
        return status;
    }
    let warned = ingest
        .diagnostics
        .iter()
        .any(|d| d.severity == sgcheck::model::Severity::Warning);
    if ingest.has_errors() || (args.strict && warned) {
        ExitStatus::InputError
    } else {
        ExitStatus::Clean
    }
}
