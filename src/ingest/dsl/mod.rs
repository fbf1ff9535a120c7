//! The sgcheck rule language: a concise, line-oriented text format for security groups,
//! NACLs, VPCs, subnets, route tables, instances (with ENIs, volumes and listeners),
//! Elastic IPs, prefix lists and flow expectations. The full grammar is in the README ("The sgcheck rule language").
//!
//! ```text
//! group sg-web "web tier" vpc vpc-1
//!   in  tcp 80,443 from 0.0.0.0/0, ::/0
//!   in  tcp 22     from sg-bastion
//!   out all        to 0.0.0.0/0
//! ```
//!
//! Contract: [`parse`] turns text into a [`Topology`] plus warnings (host bits in a CIDR,
//! duplicate ids) and nothing else: no cross-object validation (that is
//! [`model::validate`](crate::model::validate)). It never panics, on any input, and runs in
//! time linear in the input. The first syntax error stops the parse and is returned as a
//! [`ParseError`] with line, column, what was expected and what was found. [`print()`] is its
//! inverse on the expressible subset of the model.
//!
//! Layout: [`lex`](self) splits lines into spanned tokens (nom), `grammar` turns a line's
//! tokens into model objects, `print` writes the model back, `error` renders errors.

mod error;
mod grammar;
mod lex;
mod print;

pub use error::ParseError;
pub use print::print;

use crate::model::{Diagnostic, Topology};
use std::sync::Arc;

/// Whether `text` looks like the rule language: its first line that is neither blank nor
/// a comment starts with a statement keyword (`group`, `nacl`, `vpc`, `instance`, …).
///
/// ```
/// use sgcheck::ingest::dsl::looks_like_dsl;
/// assert!(looks_like_dsl("# web tier\n\ngroup sg-web\n"));
/// assert!(!looks_like_dsl("hello world\n"));
/// ```
pub fn looks_like_dsl(text: &str) -> bool {
    let first = lex::lines(text)
        .map(|(_, l)| l.trim_start())
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let mut words = first
        .into_iter()
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || c == '#'))
        .filter(|w| !w.is_empty());
    match words.next() {
        // `service` is common English ("service desk hours: …"): only with a kind.
        Some("service") => words
            .next()
            .is_some_and(|k| k.parse::<crate::model::UserKind>().is_ok()),
        Some(w) => grammar::KEYWORDS.contains(&w),
        None => false,
    }
}

/// Whether `text` is mostly the rule language although its first statement may not be
/// one (a typo such as `gruop sg-9`): some line at column 1 is a statement keyword
/// followed by an id (`group sg-8`, `expect allow …`, `service rds …`), and at least two
/// thirds of the lines that are neither blank nor comments are such statements or
/// indented block body lines (`in`, `out`, `route`, `eni`, `volume`, `listen`, or a
/// prefix list's address). Prose (a README, notes with indented bullets), CSV and other
/// text files are not: their lines start with words that are neither. Only the first
/// 1,000 such lines are looked at.
pub(crate) fn mostly_dsl(text: &str) -> bool {
    let mut lines = 0usize;
    let mut statements = 0usize;
    let mut indented = 0usize;
    for (_, l) in lex::lines(text) {
        let body = l.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        lines += 1;
        if body.len() != l.len() {
            indented += usize::from(is_body_line(body));
        } else if is_statement(l) {
            statements += 1;
        }
        if lines == 1000 {
            break;
        }
    }
    statements > 0 && 3 * (statements + indented) >= 2 * lines
}

/// Whether an indented line (without its indentation) starts as a block body line does:
/// a body keyword followed by what that keyword takes (a protocol or NACL rule number, a
/// destination, an id), or a prefix list's address.
fn is_body_line(body: &str) -> bool {
    let mut words = body
        .split(|c: char| c.is_whitespace() || c == '#')
        .filter(|w| !w.is_empty());
    let word = words.next().unwrap_or("");
    let next = words.next().unwrap_or("");
    let address = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_hexdigit() || c == ':')
            && w.contains(['.', ':'])
            && w.chars()
                .all(|c| c.is_ascii_hexdigit() || ".:/,".contains(c))
    };
    let protocol = |w: &str| {
        ["tcp", "udp", "icmp", "icmpv6", "all"]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(w))
            || (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
    };
    match word {
        "in" | "out" | "listen" => protocol(next),
        "route" => address(next) || next.starts_with("pl-"),
        "eni" => next.starts_with("eni-"),
        "volume" => next.starts_with("vol-"),
        _ => address(word),
    }
}

/// Whether a line at column 1 is a statement keyword followed by an id (or, for
/// `expect` and `service`, by `allow`/`deny` or a service kind).
fn is_statement(line: &str) -> bool {
    let mut words = line
        .split(|c: char| c.is_whitespace() || c == '#')
        .filter(|w| !w.is_empty());
    let (Some(kw), Some(next)) = (words.next(), words.next()) else {
        return false;
    };
    match kw {
        "expect" => matches!(next, "allow" | "deny"),
        "service" => next.parse::<crate::model::UserKind>().is_ok(),
        kw if grammar::KEYWORDS.contains(&kw) => {
            next.starts_with(|c: char| c.is_ascii_alphanumeric())
                && !next.ends_with([':', '=', ','])
        }
        _ => false,
    }
}

/// Parses a rule-language file from its bytes: [`parse`] once they are UTF-8.
///
/// # Errors
/// Bytes that are not UTF-8, at the line and column of the first bad byte; else
/// [`parse`]'s errors.
///
/// # Example
/// ```
/// use sgcheck::ingest::dsl;
/// use std::sync::Arc;
/// let file: Arc<str> = Arc::from("admin.sg");
/// let err = dsl::parse_bytes(&file, b"group sg-9\n  in tcp 22 from 0.0.0.0/0 # caf\xe9\n")
///     .unwrap_err();
/// assert_eq!((err.line, err.column), (2, 33));
/// assert_eq!(err.message(), "expected UTF-8 text (save the file as UTF-8), found the byte 0xE9");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_bytes(
    file: &Arc<str>,
    bytes: &[u8],
) -> Result<(Topology, Vec<Diagnostic>), ParseError> {
    let e = match std::str::from_utf8(bytes) {
        Ok(text) => return parse(file, text),
        Err(e) => e,
    };
    let bad = e.valid_up_to();
    // The bytes before the first bad one are UTF-8, so offsets within the line agree
    // with its lossy text.
    let start = bytes[..bad]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = (bytes[bad..].iter())
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| bad + i);
    let line = bytes[..start].iter().filter(|&&b| b == b'\n').count() + 1;
    let text = String::from_utf8_lossy(&bytes[start..end]);
    let text = text.strip_suffix('\r').unwrap_or(&text);
    Err(ParseError::at(
        file,
        u32::try_from(line).unwrap_or(u32::MAX),
        text,
        bad - start,
        bad - start + 1,
        "UTF-8 text (save the file as UTF-8)",
        format!("the byte 0x{:02X}", bytes[bad]),
    ))
}

/// Parses a rule-language file.
///
/// Returns the topology and the non-fatal diagnostics (warnings for CIDRs with host bits
/// set, which are masked, and for duplicate statement ids). Every object's origin is
/// `file:line:column` of its statement (of the peer token for security group rules).
///
/// # Errors
/// The first syntax error, as a [`ParseError`] whose `Display` shows a caret snippet.
///
/// # Example
/// ```
/// use sgcheck::ingest::dsl;
/// use std::sync::Arc;
/// let file: Arc<str> = Arc::from("web.sg");
/// let (topo, diags) = dsl::parse(&file, "group sg-web\n  in tcp 80,443 from 0.0.0.0/0, ::/0\n")?;
/// assert_eq!(topo.security_groups[0].ingress.len(), 4);
/// assert!(diags.is_empty());
/// let err = dsl::parse(&file, "group sg-web\n  in tcp 70000 from 0.0.0.0/0\n").unwrap_err();
/// assert_eq!((err.line, err.column), (2, 10));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(file: &Arc<str>, text: &str) -> Result<(Topology, Vec<Diagnostic>), ParseError> {
    grammar::parse_text(file, text)
}

#[cfg(test)]
mod tests;

/// Parses a port spec `PORT[/PROTO]` as `expect` lines and the CLI's `--port` write it
/// (`443`, `53/udp`, `8/icmp`, `3:4/icmp`, `all/47`): the protocol and its normalised L4
/// match.
///
/// # Errors
/// What was expected, and the text found.
pub fn parse_port_spec(
    s: &str,
) -> Result<(crate::net::Protocol, crate::net::L4), crate::net::ValueError> {
    grammar::port_spec(s).map_err(|(a, b, expected)| crate::net::ValueError {
        expected,
        found: s.get(a..b).unwrap_or(s).to_string(),
    })
}
