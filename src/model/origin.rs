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
        // Messages quote the input (ids, names, other files' origins) and are one line:
        // shown escaped, newlines too.
        let message = shown(&self.message);
        match &self.origin {
            Some(o) => write!(f, "{}: {}: {message}", shown(&o.to_string()), self.severity),
            None => write!(f, "{}: {message}", self.severity),
        }
    }
}

/// Text from the input (a name, an id, a path) as it may be shown on a terminal or in a
/// report: control characters escaped (`\u{1b}`, `\n`), since an export is untrusted
/// and its text must neither paint the terminal nor forge lines.
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if !may_hold_controls(s.as_bytes()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `bytes` may hold a control character: a byte below 0x20, 0x7f, or 0xc2
/// (which leads the C1 controls U+0080–U+009F, and other characters too). Eight bytes
/// at a time: every string of a text report passes here.
fn may_hold_controls(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Whether a byte of `x` is below `n` (n <= 0x80; the classic `hasless` test, exact
    // for whether any byte is).
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0;
    let zero = |x: u64| below(x, 1);
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    let mut seen = false;
    for c in chunks {
        let x = u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        seen |= below(x, 0x20) | zero(x ^ (ONES * 0x7f)) | zero(x ^ (ONES * 0xc2));
    }
    seen || tail.iter().any(|&c| c < 0x20 || c == 0x7f || c == 0xc2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The word-at-a-time test agrees with a byte-by-byte one.
        #[test]
        fn control_bytes_are_found_in_words(bytes in proptest::collection::vec(
            prop_oneof![any::<u8>(), 0x20u8..0x7f], 0..40)) {
            let naive = bytes.iter().any(|&c| c < 0x20 || c == 0x7f || c == 0xc2);
            prop_assert_eq!(may_hold_controls(&bytes), naive);
        }
    }

    #[test]
    fn diagnostics_show_control_characters_escaped() {
        let file: Arc<str> = Arc::from("ex\u{1b}[31mports.sg");
        let d = Diagnostic::error(
            Some(Origin::line_col(&file, 2, 5)),
            "group sg-1\nerror: forged is also in b.sg, found \"1.2.3.4/\u{1b}[2J\u{9b}1m\"",
        );
        let text = d.to_string();
        assert!(!text.contains(['\u{1b}', '\u{9b}', '\n']), "{text:?}");
        assert_eq!(
            text,
            "ex\\u{1b}[31mports.sg:2:5: error: group sg-1\\nerror: forged is also in b.sg, \
             found \"1.2.3.4/\\u{1b}[2J\\u{9b}1m\""
        );
        assert_eq!(shown("sg-1 web"), "sg-1 web");
        assert!(matches!(shown("café"), std::borrow::Cow::Borrowed(_)));
    }
}
