//! Where an object or a diagnostic came from, and diagnostics themselves.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A position inside a source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Location {
    /// A JSON path such as `SecurityGroups[3].IpPermissions[0].IpRanges[1]`.
    JsonPath {
        /// The path.
        path: String,
    },
    /// A 1-based line and column (DSL files, JSON syntax errors).
    LineCol {
        /// Line, from 1.
        line: u32,
        /// Column, from 1 (in characters).
        column: u32,
    },
    /// The file as a whole.
    File,
}

/// The origin of an object: the file (or `-` for stdin) and a location in it.
///
/// Every model object keeps one, so explanations and diagnostics can point at the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Origin {
    /// The file path as given (or found while walking a directory); `-` for stdin.
    pub file: Arc<str>,
    /// Where in the file.
    #[serde(flatten)]
    pub location: Location,
}

impl Origin {
    /// An origin at a JSON path.
    pub fn json(file: &Arc<str>, path: impl Into<String>) -> Origin {
        Origin {
            file: Arc::clone(file),
            location: Location::JsonPath { path: path.into() },
        }
    }

    /// Whether this is a place in a JSON document (an object read from an AWS export),
    /// not in a rule-language file (a model written by hand).
    pub fn is_json(&self) -> bool {
        matches!(self.location, Location::JsonPath { .. })
    }

    /// An origin at a line and column.
    pub fn line_col(file: &Arc<str>, line: u32, column: u32) -> Origin {
        Origin {
            file: Arc::clone(file),
            location: Location::LineCol { line, column },
        }
    }

    /// An origin naming a whole file.
    pub fn file(file: &Arc<str>) -> Origin {
        Origin {
            file: Arc::clone(file),
            location: Location::File,
        }
    }

    /// An origin for objects made by the program itself (tests, synthetic data).
    pub fn synthetic(what: &str) -> Origin {
        Origin {
            file: Arc::from(format!("<{what}>")),
            location: Location::File,
        }
    }

    /// A child JSON path: `SecurityGroups[3]` + `.IpPermissions[0]`. For a non-JSON
    /// origin the location is kept as is.
    pub fn child(&self, suffix: &str) -> Origin {
        match &self.location {
            Location::JsonPath { path } => Origin {
                file: Arc::clone(&self.file),
                location: Location::JsonPath {
                    path: format!("{path}{suffix}"),
                },
            },
            _ => self.clone(),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::JsonPath { path } => write!(f, "{}: {}", self.file, path),
            Location::LineCol { line, column } => write!(f, "{}:{}:{}", self.file, line, column),
            Location::File => write!(f, "{}", self.file),
        }
    }
}

/// How bad a diagnostic is. Errors make `inventory` (and every command) exit 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: the input was understood, perhaps after normalisation.
    Info,
    /// Suspicious input that was read leniently (e.g. host bits set, a port of -1 on tcp).
    Warning,
    /// Input that could not be used as given (malformed value, dangling reference).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found while reading or validating input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// One sentence: what is wrong, what was expected.
    pub message: String,
    /// Where, when known.
    pub origin: Option<Origin>,
}

impl Diagnostic {
    /// An error at `origin`.
    pub fn error(origin: Option<Origin>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            origin,
        }
    }

    /// A warning at `origin`.
    pub fn warning(origin: Option<Origin>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            origin,
        }
    }

    /// An informational note at `origin`.
    pub fn info(origin: Option<Origin>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Info,
            message: message.into(),
            origin,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Some(o) => write!(f, "{}: {}: {}", o, self.severity, self.message),
            None => write!(f, "{}: {}", self.severity, self.message),
        }
    }
}
