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
    /// Can FROM reach TO on a port? One line per layer (instance state, public address,
    /// route, source groups and NACL, destination NACL and groups, return NACL,
    /// listener) with the deciding rule. Exit 0 allowed, 1 blocked/partial/unknown, 2 bad
    /// input.
    Reach(ReachArgs),
    /// From what the user saw (timeout or refused) to the layers to blame, and what
    /// outside the model could cause it. Exit 0 when the model explains the symptom, 1
    /// when data and reality disagree, 2 bad input.
    Diagnose(DiagnoseArgs),
    /// Check `expect allow|deny FROM -> TO PORT/PROTO` lines (from --flows, else the
    /// expectations in the inputs). Exit 0 all hold, 1 any fails, 2 bad input.
    Assert(AssertArgs),
    /// Audit security groups and the topology around them: internet exposure (effective
    /// or nominal), hygiene and topology checks. Exit 0 clean, 1 when a finding is at or
    /// above --fail-on, 2 on bad input.
    Audit(AuditArgs),
    /// Explain a check: what it does, why it matters, an example, remediation, references.
    Explain(ExplainArgs),
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

/// `sgcheck reach`.
#[derive(Debug, clap::Args)]
pub struct ReachArgs {
    /// Files, directories or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Source: an IP, a CIDR, `internet`, or an instance, ENI or group id.
    #[arg(long, value_name = "ENDPOINT", required_unless_present = "queries")]
    pub from: Option<String>,
    /// Destination: an IP, a CIDR, `internet`, or an instance, ENI or group id.
    #[arg(long, value_name = "ENDPOINT", required_unless_present = "queries")]
    pub to: Option<String>,
    /// `PORT[/PROTO]` (tcp by default; ICMP is `TYPE[:CODE]/icmp`).
    #[arg(long, value_name = "PORT[/PROTO]", required_unless_present = "queries")]
    pub port: Option<String>,
    /// Output format (`--queries` always writes JSON lines).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Batch: a file (`-` = stdin) of `FROM -> TO PORT[/PROTO]` lines, answered as JSON
    /// lines in input order.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from", "to", "port"])]
    pub queries: Option<PathBuf>,
    /// With `--queries`: include every layer in each line.
    #[arg(long)]
    pub explain: bool,
    /// Ports the destination listens on (e.g. `22,80,8000-8080`), overriding declared
    /// `listen` lines.
    #[arg(long, value_name = "PORTS", value_delimiter = ',')]
    pub listening: Option<Vec<String>>,
}

/// What the user saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SymptomArg {
    /// The connection timed out.
    Timeout,
    /// The connection was refused.
    Refused,
}

/// `sgcheck diagnose`.
#[derive(Debug, clap::Args)]
pub struct DiagnoseArgs {
    /// Files, directories or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Source endpoint.
    #[arg(long, value_name = "ENDPOINT")]
    pub from: String,
    /// Destination endpoint.
    #[arg(long, value_name = "ENDPOINT")]
    pub to: String,
    /// `PORT[/PROTO]`.
    #[arg(long, value_name = "PORT[/PROTO]")]
    pub port: String,
    /// What the client saw.
    #[arg(long, value_enum)]
    pub symptom: SymptomArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Ports the destination listens on, overriding declared `listen` lines.
    #[arg(long, value_name = "PORTS", value_delimiter = ',')]
    pub listening: Option<Vec<String>>,
}

/// `sgcheck assert`.
#[derive(Debug, clap::Args)]
pub struct AssertArgs {
    /// Files, directories or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// A file of `expect allow|deny FROM -> TO PORT/PROTO` lines; without it, the
    /// expectations found in the inputs are checked.
    #[arg(long, value_name = "FILE")]
    pub flows: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Output format of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Human-readable text, grouped by severity and resource.
    Text,
    /// Stable JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// A severity threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// info and above.
    Info,
    /// low and above.
    Low,
    /// medium and above.
    Medium,
    /// high and above.
    High,
    /// critical only.
    Critical,
}

/// `sgcheck audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Files, directories (read recursively) or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = Level::High)]
    pub fail_on: Level,
    /// Report (and fail on) only findings whose fingerprint is not in this baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings as a baseline to FILE (the run then exits 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// The configuration file; default: `sgcheck.toml` next to the first input that has
    /// one (inside a directory input, beside a file input), else in the current directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these checks (comma-separated codes).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,
    /// The date suppression expiry is compared with (YYYY-MM-DD; default today).
    #[arg(long, hide = true, value_name = "DATE")]
    pub today: Option<String>,
}

/// `sgcheck explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The check code, e.g. SG001.
    #[arg(required_unless_present = "list", value_name = "CODE")]
    pub code: Option<String>,
    /// Print the list of all checks with their explanations, as Markdown (docs/checks.md).
    #[arg(long)]
    pub list: bool,
}
