//! The lexer: splits the text into lines and each line into spanned tokens.
//!
//! A line is `INDENT TOKEN* [# comment]`. Tokens are words (any run of characters other
//! than whitespace, `,`, `"` and `#`), double-quoted strings (escapes `\"`, `\\`, `\n`,
//! `\r`, `\t`, `\u{HEX}`) and commas. Words and commas are recognised with nom; strings
//! are unescaped by hand so an error can point at the offending escape. Every token keeps
//! its byte span inside its line so the grammar can report exact columns. Cost is linear in
//! the input.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::take_while1;
use nom::character::complete::{char as nom_char, space0};
use std::borrow::Cow;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// A bare word: keyword, id, number, CIDR, port spec…
    Word,
    /// A quoted string; `value` holds the unescaped text.
    Str,
    /// `,`.
    Comma,
}

/// One token with its byte span in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// Kind.
    pub kind: TokKind,
    /// The raw text as written (with quotes for strings).
    pub raw: &'a str,
    /// The value (unescaped for strings).
    pub value: Cow<'a, str>,
    /// Byte offset of the first character in the line.
    pub start: usize,
    /// Byte offset one past the last character in the line.
    pub end: usize,
}

/// One non-blank, non-comment line.
#[derive(Debug, Clone)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub number: u32,
    /// The line's text without the line break.
    pub text: &'a str,
    /// The leading whitespace.
    pub indent: &'a str,
    /// The tokens (at least one).
    pub tokens: Vec<Token<'a>>,
}

/// A lexical error inside one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    /// 1-based line number.
    pub line: u32,
    /// The line's text.
    pub text: String,
    /// Byte span in the line.
    pub start: usize,
    /// Byte end in the line.
    pub end: usize,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, ',' | '"' | '#')
}

/// Whether `s` reads back as one word (else it must be quoted).
pub(crate) fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_word_char)
}

fn word(i: &str) -> IResult<&str, &str> {
    take_while1(is_word_char).parse(i)
}

fn comma(i: &str) -> IResult<&str, char> {
    nom_char(',').parse(i)
}

/// Unescapes the string starting at `rest` (which begins with `"`); returns the value and
/// the byte length consumed, or the byte span (relative to `rest`) and message of the error.
fn string(rest: &str) -> Result<(String, usize), (usize, usize, &'static str, String)> {
    let mut out = String::new();
    let mut it = rest.char_indices().skip(1).peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some((j, e)) = it.next() else {
                    return Err((i, i + 1, "a closing `\"`", "end of line".into()));
                };
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let after = &rest[j + 1..];
                        let close = after.find('}');
                        let hex = match (after.strip_prefix('{'), close) {
                            (Some(_), Some(k)) if k > 1 => &after[1..k],
                            _ => {
                                return Err((
                                    i,
                                    j + 1,
                                    "an escape \\u{HEX}",
                                    format!("\"{}\"", &rest[i..j + 1]),
                                ));
                            }
                        };
                        let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                        let Some(ch) = ch else {
                            let end = j + 1 + close.unwrap_or(0) + 1;
                            return Err((
                                i,
                                end,
                                "a Unicode scalar value in \\u{HEX}",
                                format!("\"{}\"", &rest[i..end]),
                            ));
                        };
                        out.push(ch);
                        // Skip `{HEX}`.
                        let skip_to = j + 1 + close.unwrap_or(0) + 1;
                        while it.peek().is_some_and(|&(k, _)| k < skip_to) {
                            it.next();
                        }
                    }
                    other => {
                        return Err((
                            i,
                            j + other.len_utf8(),
                            "an escape (\\\" \\\\ \\n \\r \\t \\u{HEX})",
                            format!("\"\\{other}\""),
                        ));
                    }
                }
            }
            c => out.push(c),
        }
    }
    Err((0, 1, "a closing `\"`", "end of line".into()))
}

/// Lexes one line's text (without the line break) into tokens. A `#` outside a string
/// starts a comment.
pub(crate) fn lex_line<'a>(number: u32, text: &'a str) -> Result<Line<'a>, LexError> {
    let ws = |i: &'a str| -> &'a str {
        // space0 never fails on complete input.
        space0::<&str, nom::error::Error<&str>>(i)
            .map(|(r, _)| r)
            .unwrap_or(i)
    };
    let after_indent = text.trim_start_matches(char::is_whitespace);
    let indent = &text[..text.len() - after_indent.len()];
    let mut tokens = Vec::new();
    let mut rest = after_indent;
    loop {
        rest = rest.trim_start_matches(char::is_whitespace);
        rest = ws(rest);
        let start = text.len() - rest.len();
        if rest.is_empty() || rest.starts_with('#') {
            break;
        }
        if let Ok((r, _)) = comma(rest) {
            tokens.push(Token {
                kind: TokKind::Comma,
                raw: &rest[..1],
                value: Cow::Borrowed(","),
                start,
                end: start + 1,
            });
            rest = r;
        } else if rest.starts_with('"') {
            match string(rest) {
                Ok((value, len)) => {
                    tokens.push(Token {
                        kind: TokKind::Str,
                        raw: &rest[..len],
                        value: Cow::Owned(value),
                        start,
                        end: start + len,
                    });
                    rest = &rest[len..];
                }
                Err((s, e, expected, found)) => {
                    let (s, e) = if found == "end of line" {
                        (start, start + 1)
                    } else {
                        (start + s, start + e)
                    };
                    return Err(LexError {
                        line: number,
                        text: text.to_string(),
                        start: s,
                        end: e,
                        expected: expected.to_string(),
                        found: if found == "end of line" {
                            "an unterminated string".to_string()
                        } else {
                            found
                        },
                    });
                }
            }
        } else {
            match word(rest) {
                Ok((r, w)) => {
                    tokens.push(Token {
                        kind: TokKind::Word,
                        raw: w,
                        value: Cow::Borrowed(w),
                        start,
                        end: start + w.len(),
                    });
                    rest = r;
                }
                // Unreachable in practice: every other character starts a word.
                Err(_) => {
                    return Err(LexError {
                        line: number,
                        text: text.to_string(),
                        start,
                        end: start + rest.chars().next().map_or(1, char::len_utf8),
                        expected: "a token".into(),
                        found: format!("{:?}", rest.chars().next().unwrap_or(' ')),
                    });
                }
            }
        }
    }
    Ok(Line {
        number,
        text,
        indent,
        tokens,
    })
}

/// Splits `text` into lines (`\n` or `\r\n`), skipping a leading byte-order mark. Yields
/// the 1-based number and the text of every line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n').enumerate().map(|(i, l)| {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        (n, l.strip_suffix('\r').unwrap_or(l))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(TokKind, String)> {
        lex_line(1, s)
            .map(|l| {
                l.tokens
                    .into_iter()
                    .map(|t| (t.kind, t.value.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn words_commas_strings_comments() {
        use TokKind::*;
        assert_eq!(
            kinds("  in tcp 80,443 from a, b \"x # y\" # c"),
            vec![
                (Word, "in".into()),
                (Word, "tcp".into()),
                (Word, "80".into()),
                (Comma, ",".into()),
                (Word, "443".into()),
                (Word, "from".into()),
                (Word, "a".into()),
                (Comma, ",".into()),
                (Word, "b".into()),
                (Str, "x # y".into()),
            ]
        );
        assert_eq!(
            kinds(r#""a\"b\\c\n\u{e9}""#),
            vec![(Str, "a\"b\\c\né".into())]
        );
        assert_eq!(kinds("# only"), vec![]);
        assert_eq!(kinds("\t"), vec![]);
    }

    #[test]
    fn string_errors() {
        let e = lex_line(3, "group sg-1 \"open").unwrap_err();
        assert_eq!((e.line, e.start), (3, 11));
        assert_eq!(e.found, "an unterminated string");
        let e = lex_line(1, r#"x "a\qb""#).unwrap_err();
        assert_eq!(e.start, 4);
        let e = lex_line(1, r#"x "\u{110000}""#).unwrap_err();
        assert_eq!(e.start, 3);
        let e = lex_line(1, r#"x "\u{zz}""#).unwrap_err();
        assert_eq!(e.start, 3);
        let e = lex_line(1, r#"x "\u""#).unwrap_err();
        assert_eq!(e.start, 3);
        assert!(lex_line(1, "x \"\\").is_err());
    }

    #[test]
    fn line_splitting() {
        let v: Vec<_> = lines("\u{feff}a\r\nb\n").collect();
        assert_eq!(v, vec![(1, "a"), (2, "b"), (3, "")]);
    }
}
