//! clap definitions only. Nothing here analyses anything.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// sgcheck: AWS security group and topology analyzer.
#[derive(Debug, Parser)]
#[command(name = "sgcheck", version, about, long_about = None)]
pub struct Args {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read inputs and report what was found: counts per kind and per file, skipped files
    /// and every diagnostic. Exit 0 when clean, 2 on input errors.
    Inventory(InventoryArgs),
}

/// Output format for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// Stable JSON.
    Json,
}

/// `sgcheck inventory`.
#[derive(Debug, clap::Args)]
pub struct InventoryArgs {
    /// Files, directories (read recursively) or `-` for stdin; AWS JSON and rule-language
    /// files may be mixed.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 2 on warnings too (dangling references, AZ mismatches, duplicates, lenient
    /// reads), not only on errors.
    #[arg(long)]
    pub strict: bool,
}
