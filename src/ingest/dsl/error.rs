//! [`ParseError`]: the first syntax error of a rule-language file, with its position and a
//! caret snippet.

use crate::model::{Diagnostic, Origin};
use std::fmt;
use std::sync::Arc;

/// A syntax error with its position.
///
/// `Display` renders the message and a caret snippet:
///
/// ```text
/// error: expected a port number 0-65535, found "70000"
///   --> corpus/web.sg:4:10
///    |
///  4 |   in tcp 70000 from 0.0.0.0/0
///    |          ^^^^^
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// File name.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What was expected.
    pub expected: String,
    /// What was found (a quoted token, `end of line`, …).
    pub found: String,
    /// The offending line's text (for the snippet).
    pub source_line: String,
    /// Width of the offending token in characters (at least 1).
    pub width: u32,
}

impl ParseError {
    /// Builds an error at byte span `start..end` of line `line` whose text is `text`.
    pub(crate) fn at(
        file: &Arc<str>,
        line: u32,
        text: &str,
        start: usize,
        end: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> ParseError {
        let start = floor_char_boundary(text, start);
        let end = floor_char_boundary(text, end.max(start));
        let column = text[..start].chars().count() + 1;
        let width = text[start..end].chars().count().max(1);
        ParseError {
            file: Arc::clone(file),
            line,
            column: u32::try_from(column).unwrap_or(u32::MAX),
            expected: expected.into(),
            found: found.into(),
            source_line: text.to_string(),
            width: u32::try_from(width).unwrap_or(u32::MAX),
        }
    }

    /// The one-line message: `expected …, found …`.
    pub fn message(&self) -> String {
        format!("expected {}, found {}", self.expected, self.found)
    }

    /// As a diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(
            Some(Origin::line_col(&self.file, self.line, self.column)),
            self.message(),
        )
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "error: {}", self.message())?;
        writeln!(f, " {pad}--> {}:{}:{}", self.file, self.line, self.column)?;
        writeln!(f, " {pad} |")?;
        // Tabs are shown as single spaces so the caret lines up with the column count.
        let shown: String = self
            .source_line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        writeln!(f, " {num} | {shown}")?;
        let col = self.column.saturating_sub(1) as usize;
        write!(
            f,
            " {pad} | {}{}",
            " ".repeat(col),
            "^".repeat(self.width as usize)
        )
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_snippet() {
        let file: Arc<str> = Arc::from("corpus/web.sg");
        let text = "  in tcp 70000 from 0.0.0.0/0";
        let e = ParseError::at(&file, 4, text, 9, 14, "a port (0-65535)", "\"70000\"");
        assert_eq!((e.line, e.column, e.width), (4, 10, 5));
        let want = "error: expected a port (0-65535), found \"70000\"\n  --> corpus/web.sg:4:10\n   |\n 4 |   in tcp 70000 from 0.0.0.0/0\n   |          ^^^^^";
        assert_eq!(e.to_string(), want);
        let d = e.to_diagnostic();
        assert_eq!(d.origin, Some(Origin::line_col(&file, 4, 10)));
    }

    #[test]
    fn columns_count_characters() {
        let file: Arc<str> = Arc::from("f");
        let text = "group sg-1 \"é\" x";
        let start = text.find('x').unwrap_or(0);
        let e = ParseError::at(&file, 1, text, start, start + 1, "e", "f");
        assert_eq!(e.column, 16);
        // Out-of-range or mid-character spans never panic.
        let e = ParseError::at(&file, 1, text, 13, 999, "e", "f");
        assert!(e.column >= 1);
    }
}
