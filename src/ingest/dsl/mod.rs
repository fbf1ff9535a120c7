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
