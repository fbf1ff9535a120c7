//! Reading the largest list of a big document on several threads.
//!
//! Contract: [`Split::find`] and [`Split::parse`] either give exactly the elements that
//! [`RawDoc::parse`](super::raw::RawDoc::parse) would give for that list, in order, with the
//! index of each chunk's first element, or give up (`None`); the caller then reads the
//! document the sequential way. Nothing here produces a diagnostic: every error (invalid
//! JSON, a wrong JSON type) makes the caller re-read the whole file sequentially, so the
//! message and its line:column are those of the sequential reader, by construction.
//!
//! # How
//!
//! 1. [`Split::find`] walks the head of the document with a small byte scanner (string,
//!    escape and nesting aware) to the first list section (`SecurityGroups`,
//!    `data.NetworkInterfaces`, …) too long to skip cheaply; smaller lists and other values
//!    before it are skipped. Keys with escapes, bare arrays, huge non-list values: give up.
//! 2. It guesses element starts every `chunk_bytes` by searching for the byte pattern
//!    that starts the first element: a newline, the same indentation and `{` in
//!    pretty-printed JSON (a raw newline is never inside a JSON string), else `{"FirstKey"`;
//!    the previous non-blank byte must be a comma. A guess can still be wrong (a nested
//!    object indented like an element): guesses are only hints.
//! 3. [`Split::read`] parses the chunks in parallel, element by element, each chunk from
//!    its guessed start to the next guess. A chunk succeeds only if it is a sequence of
//!    whole elements separated by commas, ending exactly at the next guess (with a comma),
//!    or at the closing `]`. Chunk 0 starts at the true first element; so if every chunk
//!    up to the one holding `]` succeeds, each guess was a true element boundary (a JSON
//!    value parsed from a given byte ends at the same byte however it is reached) and the
//!    chunks together hold exactly the list's elements. Anything else gives up.
//! 4. Elements are lowered with their index in the whole list, so paths and order are
//!    those of the sequential reader. Pretty-printed lists are lowered as they are parsed,
//!    one element at a time (no list of raw elements is built, which saves a third of the
//!    memory traffic): the elements of each chunk are first counted by the element pattern
//!    (in parallel, with `memchr`), and a chunk whose parse finds another count gives up.
//!    Compact lists are parsed first and lowered after, once the counts are known.
//!
//! The caller then parses the document with the list emptied (`[]`) for the other
//! sections and puts the lowered chunks in the list's place.
//!
//! Deeply nested values cannot make the two readers differ: serde_json's recursion limit
//! applies to typed values only (bounded by the raw types' nesting), never to ignored ones.

use super::lower::Lowerer;
use super::raw::{Body, Element, ListKind, with_element};
use crate::model::{Diagnostic, Scope, Topology};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// When a document is split, and how finely.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunking {
    /// Documents smaller than this are read in one piece.
    pub min_bytes: usize,
    /// The target size of one chunk; also the size of a list worth splitting.
    pub chunk_bytes: usize,
}

impl Chunking {
    /// What [`super::read`] uses.
    pub const DEFAULT: Chunking = Chunking {
        min_bytes: 4 << 20,
        chunk_bytes: 2 << 20,
    };

    /// Splits any document, into chunks of about `chunk_bytes` (tests use a few bytes).
    #[cfg(test)]
    pub fn always(chunk_bytes: usize) -> Chunking {
        Chunking {
            min_bytes: 0,
            chunk_bytes: chunk_bytes.max(1),
        }
    }
}

/// Bytes a value other than a list section may take before the scan gives up.
const SKIP_BUDGET: usize = 16 << 20;

/// Where the list to split is, and where its chunks start.
#[derive(Debug)]
pub(crate) struct Split {
    kind: ListKind,
    /// The section's JSON path, as the sequential walker names it.
    pub path: String,
    /// The position of the list's `[`.
    open: usize,
    /// Guessed element starts; the first is the true first element.
    starts: Vec<usize>,
    /// `\n` + indentation + `{` when the list is pretty-printed (see [`Pattern`]).
    pretty: Option<Vec<u8>>,
}

/// The list's elements, lowered, in chunks.
pub(crate) struct List {
    /// Each chunk's objects and diagnostics, in order.
    pub parts: Vec<(Topology, Vec<Diagnostic>)>,
    /// The position of the list's `]`.
    close: usize,
}

impl Split {
    /// Finds a list worth splitting (see the module docs), or `None`.
    pub fn find(bytes: &[u8], chunking: Chunking) -> Option<Split> {
        if bytes.len() < chunking.min_bytes {
            return None;
        }
        let (kind, path, open) = locate(bytes, chunking)?;
        let pattern = element_pattern(bytes, open)?;
        let mut starts = vec![pattern.first];
        let mut guess = pattern.first + chunking.chunk_bytes;
        while guess < bytes.len() {
            let Some(next) = pattern.next_start(bytes, guess) else {
                break;
            };
            starts.push(next);
            guess = next + chunking.chunk_bytes;
        }
        if starts.len() < 2 {
            return None;
        }
        let pretty = (pattern.offset > 0).then(|| pattern.bytes.to_vec());
        Some(Split {
            kind,
            path,
            open,
            starts,
            pretty,
        })
    }

    /// Whether elements are lowered as they are parsed (pretty-printed lists).
    #[cfg(test)]
    pub fn fused(&self) -> bool {
        self.pretty.is_some()
    }

    /// Parses and lowers the list's elements on all threads; `None` when any chunk up to
    /// the end of the list does not parse as whole elements ending where it should (see
    /// the module docs).
    pub fn read(&self, bytes: &[u8], file: &Arc<str>, scope: &Scope) -> Option<List> {
        let path = self.path.as_str();
        let to = |k: usize| self.starts.get(k + 1).copied().unwrap_or(bytes.len());
        let last = |k: usize| k + 1 == self.starts.len();
        if let Some(pattern) = &self.pretty {
            // Count each chunk's elements, then parse and lower each element in place.
            let counts: Vec<usize> = (0..self.starts.len())
                .into_par_iter()
                .map(|k| count_starts(bytes, pattern, self.starts[k], to(k)) + usize::from(k == 0))
                .collect();
            let firsts = firsts(&counts);
            let outcomes: Vec<Outcome<Part>> = (0..self.starts.len())
                .into_par_iter()
                .map(|k| {
                    let from = self.starts[k];
                    let chunk = Chunk {
                        kind: self.kind,
                        list_path: path,
                        from,
                        first: firsts[k],
                        last: last(k),
                    };
                    match bytes.get(from..to(k)) {
                        Some(text) => chunk.lower(text, file, scope),
                        None => Outcome::Failed,
                    }
                })
                .collect();
            return List::verified(outcomes, Some(&counts));
        }
        // Compact: parse every chunk, then lower them with the counts found.
        let outcomes: Vec<Outcome<Vec<Body<'_>>>> = (0..self.starts.len())
            .into_par_iter()
            .map(|k| {
                let mut bodies = Vec::new();
                let keep = |_: usize, body| bodies.push(body);
                let outcome = with_element!(self.kind, T => parse_chunk::<T<'_>, _>(bytes, self.starts[k], to(k), last(k), keep));
                outcome.map(|()| bodies)
            })
            .collect();
        let mut chunks: Vec<(usize, Vec<Body<'_>>)> = Vec::with_capacity(outcomes.len());
        let mut first = 0;
        let mut close = None;
        for outcome in outcomes {
            match outcome {
                Outcome::Next(n, bodies) => {
                    chunks.push((first, bodies));
                    first += n;
                }
                Outcome::End(_, bodies, at) => {
                    chunks.push((first, bodies));
                    close = Some(at);
                    break;
                }
                Outcome::Failed => return None,
            }
        }
        let close = close?;
        let parts = chunks
            .into_par_iter()
            .map(|(first, bodies)| {
                let file: Arc<str> = Arc::from(&**file);
                let mut part = Lowerer::new(&file, scope);
                for (i, body) in bodies.into_iter().enumerate() {
                    part.elements(path, &body, first + i);
                }
                (part.topology, part.diagnostics)
            })
            .collect();
        Some(List { parts, close })
    }

    /// The document with the list emptied: everything before its `[` and from its `]` on.
    pub fn without_list(&self, bytes: &[u8], list: &List) -> Vec<u8> {
        let mut rest = Vec::with_capacity(self.open + 1 + bytes.len() - list.close);
        rest.extend_from_slice(&bytes[..=self.open]);
        rest.extend_from_slice(&bytes[list.close..]);
        rest
    }
}

/// How a file is read in windows by [`read_file`]: never as a whole, so a large export
/// costs no buffer of its size (fresh memory costs more than the copy from the page
/// cache: page faults and zeroing).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Windows {
    /// Bytes read from the start to find the list (values before it longer than this
    /// make the caller read the file whole).
    pub head: usize,
    /// Bytes read before each block, to see what precedes an element start.
    pub margin: usize,
    /// Bytes per window of the scan for element starts.
    pub block: usize,
}

impl Windows {
    /// What [`super::read_path`] uses.
    pub const DEFAULT: Windows = Windows {
        head: SKIP_BUDGET + (8 << 20),
        margin: 64 << 10,
        block: 8 << 20,
    };
}

/// Reads `len` bytes of the file at `path` from `from` into `buf` (replacing its
/// contents); `None` when the file cannot be read or is shorter.
fn read_range(path: &Path, from: usize, len: usize, buf: &mut Vec<u8>) -> Option<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).ok()?;
    f.seek(SeekFrom::Start(from as u64)).ok()?;
    buf.clear();
    buf.resize(len, 0);
    f.read_exact(buf).ok()
}

/// A pretty-printed list read from the file at `path` (`len` bytes) in windows, on all
/// threads: the list's section path, its elements lowered in chunks, and the document
/// with the list emptied. The chunks, counts and verification are those [`Split::find`]
/// and [`Split::read`] give for the whole file's bytes, so the result is the same or
/// `None` (then the caller reads the file whole): element starts are found by one scan
/// of windows with a margin before each, and a start whose preceding bytes the margin
/// cannot show, a compact list, a short read or a file that changes length give up.
pub(crate) fn read_file(
    path: &Path,
    len: usize,
    file: &Arc<str>,
    scope: &Scope,
    chunking: Chunking,
    windows: Windows,
) -> Option<(String, List, Vec<u8>)> {
    if len < chunking.min_bytes {
        return None;
    }
    let mut head = Vec::new();
    read_range(path, 0, len.min(windows.head), &mut head)?;
    let (kind, list_path, open) = locate(&head, chunking)?;
    let pattern = element_pattern(&head, open)?;
    // Compact lists keep every chunk's elements until all are parsed: read whole.
    if pattern.offset == 0 {
        return None;
    }
    let (first, offset) = (pattern.first, pattern.offset);
    let pattern = pattern.bytes.to_vec();
    let marks = pattern_marks(path, len, open, &pattern, windows)?;
    // As `Split::find`: a guess every `chunk_bytes`, moved to the next mark.
    let mut starts = vec![first];
    let mut guess = first + chunking.chunk_bytes;
    while guess < len {
        let Some(&next) = marks.get(marks.partition_point(|&m| m < guess)) else {
            break;
        };
        starts.push(next + offset);
        guess = next + offset + chunking.chunk_bytes;
    }
    if starts.len() < 2 {
        return None;
    }
    let to = |k: usize| starts.get(k + 1).copied().unwrap_or(len);
    // As `count_starts`: marks in `[from - offset, to - offset)`, plus the first element.
    let counts: Vec<usize> = (0..starts.len())
        .map(|k| {
            let lo = starts[k].saturating_sub(offset);
            let hi = to(k).saturating_sub(offset).min(len);
            let n = if lo < hi {
                marks.partition_point(|&m| m < hi) - marks.partition_point(|&m| m < lo)
            } else {
                0
            };
            n + usize::from(k == 0)
        })
        .collect();
    let firsts = firsts(&counts);
    let outcomes: Vec<Outcome<Part>> = (0..starts.len())
        .into_par_iter()
        .map_init(Vec::new, |buf, k| {
            let from = starts[k];
            if read_range(path, from, to(k) - from, buf).is_none() {
                return Outcome::Failed;
            }
            let chunk = Chunk {
                kind,
                list_path: &list_path,
                from,
                first: firsts[k],
                last: k + 1 == starts.len(),
            };
            chunk.lower(buf, file, scope)
        })
        .collect();
    let list = List::verified(outcomes, Some(&counts))?;
    let mut rest = head;
    rest.truncate(open + 1);
    let mut tail = Vec::new();
    read_range(path, list.close, len - list.close, &mut tail)?;
    rest.extend_from_slice(&tail);
    // The file changed while it was read: give up.
    if std::fs::metadata(path).ok()?.len() != len as u64 {
        return None;
    }
    Some((list_path, list, rest))
}

/// Positions at or after `open` where `pattern` (`\n` + indentation + `{`) occurs after a
/// comma and blanks (what [`Pattern::next_start`] and [`count_starts`] look for), found
/// in windows of `windows.block` bytes on all threads; `None` when a window's margin is
/// all blanks (what precedes is unknown) or the file cannot be read.
fn pattern_marks(
    path: &Path,
    len: usize,
    open: usize,
    pattern: &[u8],
    windows: Windows,
) -> Option<Vec<usize>> {
    let block = windows.block.max(1);
    let blocks: Vec<usize> = (open..len).step_by(block).collect();
    let found: Option<Vec<Vec<usize>>> = blocks
        .into_par_iter()
        .map_init(Vec::new, |buf, a| {
            let b = (a + block).min(len);
            let base = a.saturating_sub(windows.margin);
            // The window holds every occurrence starting in `[a, b)` whole.
            let end = (b + pattern.len() - 1).min(len);
            read_range(path, base, end - base, buf)?;
            let mut marks = Vec::new();
            for m in memchr::memmem::find_iter(&buf[a - base..], pattern) {
                let at = a - base + m;
                if base + at >= b {
                    break;
                }
                match buf[..at].iter().rposition(|&c| !is_ws(c)) {
                    Some(i) if buf[i] == b',' => marks.push(base + at),
                    Some(_) => {}
                    // Only blanks back to the window's start: the file's start (no comma
                    // before), or unknown.
                    None if base == 0 => {}
                    None => return None,
                }
            }
            Some(marks)
        })
        .collect();
    Some(found?.concat())
}

/// The list to split: its kind, its path and the position of its `[` (see
/// [`Scanner::find_list`]). Only the bytes up to the list and `chunk_bytes` into it are
/// looked at; when `head` ends before the scan does, `None`.
fn locate(head: &[u8], chunking: Chunking) -> Option<(ListKind, String, usize)> {
    let mut s = Scanner { b: head, pos: 0 };
    s.ws();
    s.eat(b'{')?;
    match s.find_list(chunking.chunk_bytes, "", 0)? {
        Found::List(kind, path, open) => Some((kind, path, open)),
        Found::Nothing => None,
    }
}

/// A chunk's lowered objects and diagnostics.
type Part = (Topology, Vec<Diagnostic>);

/// Where each chunk's elements start in the whole list, from the chunks' counts.
fn firsts(counts: &[usize]) -> Vec<usize> {
    counts
        .iter()
        .scan(0, |n, c| {
            let first = *n;
            *n += c;
            Some(first)
        })
        .collect()
}

/// One chunk of a pretty-printed list, lowered element by element as it is parsed.
struct Chunk<'p> {
    kind: ListKind,
    /// The list's section path.
    list_path: &'p str,
    /// Where the chunk starts in the document.
    from: usize,
    /// The index of its first element in the list.
    first: usize,
    /// Whether it is the last chunk (it ends with the list's `]`).
    last: bool,
}

impl Chunk<'_> {
    /// Parses and lowers `text`, the chunk's bytes (see [`parse_chunk`]); the list's `]`,
    /// when found, is given as a position in the document.
    fn lower(&self, text: &[u8], file: &Arc<str>, scope: &Scope) -> Outcome<Part> {
        // A file name per chunk: threads do not share one reference count.
        let file: Arc<str> = Arc::from(&**file);
        let mut part = Lowerer::new(&file, scope);
        let (path, first) = (self.list_path, self.first);
        let lower = |i: usize, body: Body<'_>| part.elements(path, &body, first + i);
        let outcome = with_element!(self.kind, T => parse_chunk::<T<'_>, _>(text, 0, text.len(), self.last, lower));
        match outcome {
            Outcome::Next(n, ()) => Outcome::Next(n, (part.topology, part.diagnostics)),
            Outcome::End(n, (), at) => {
                Outcome::End(n, (part.topology, part.diagnostics), self.from + at)
            }
            Outcome::Failed => Outcome::Failed,
        }
    }
}

/// How one chunk parsed.
enum Outcome<P> {
    /// Whole elements (this many) up to the next chunk's start.
    Next(usize, P),
    /// Whole elements (this many), then the list's `]` at this position.
    End(usize, P, usize),
    /// Anything else: not valid, or the chunk's bounds were not element boundaries.
    Failed,
}

impl<P> Outcome<P> {
    fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Outcome<Q> {
        match self {
            Outcome::Next(n, p) => Outcome::Next(n, f(p)),
            Outcome::End(n, p, close) => Outcome::End(n, f(p), close),
            Outcome::Failed => Outcome::Failed,
        }
    }
}

impl List {
    /// The parts up to the end of the list, when every chunk before it ended where the
    /// next starts and (when given) held the counted number of elements.
    fn verified(outcomes: Vec<Outcome<Part>>, counts: Option<&[usize]>) -> Option<List> {
        let mut parts = Vec::with_capacity(outcomes.len());
        for (k, outcome) in outcomes.into_iter().enumerate() {
            let counted = |n: usize| counts.is_none_or(|c| c.get(k) == Some(&n));
            match outcome {
                Outcome::Next(n, part) if counted(n) => parts.push(part),
                // The last chunk's count is not used: nothing comes after it.
                Outcome::End(_, part, close) => {
                    parts.push(part);
                    return Some(List { parts, close });
                }
                _ => return None,
            }
        }
        None
    }
}

/// Parses `bytes[from..to]` as `elem (, elem)*` followed by `,` (then the next chunk) or,
/// in the last chunk, by `]`, and hands each element (as a one-element [`Body`]) with its
/// index in the chunk to `each`.
fn parse_chunk<'a, T: Element<'a>, F: FnMut(usize, Body<'a>)>(
    bytes: &'a [u8],
    from: usize,
    to: usize,
    last: bool,
    mut each: F,
) -> Outcome<()> {
    // Validating once lets serde_json borrow strings without checking each one again; a
    // chunk that is not UTF-8 is an error the sequential reader reports.
    let Some(text) = bytes
        .get(from..to)
        .and_then(|b| std::str::from_utf8(b).ok())
    else {
        return Outcome::Failed;
    };
    let b = text.as_bytes();
    let mut n = 0;
    let mut pos = 0;
    loop {
        let Some(rest) = text.get(pos..) else {
            return Outcome::Failed;
        };
        let end = match T::read_fast(text, pos) {
            Some((item, end)) => {
                each(n, T::body(vec![item]));
                end
            }
            None => {
                let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<T>();
                match stream.next() {
                    Some(Ok(item)) => each(n, T::body(vec![item])),
                    _ => return Outcome::Failed,
                }
                pos + stream.byte_offset()
            }
        };
        n += 1;
        pos = skip_ws(b, end);
        match b.get(pos) {
            Some(b',') => {
                pos = skip_ws(b, pos + 1);
                if pos == b.len() && !last {
                    return Outcome::Next(n, ());
                }
            }
            Some(b']') => return Outcome::End(n, (), from + pos),
            _ => return Outcome::Failed,
        }
    }
}

/// How many element starts of a pretty-printed list (`pattern` = `\n` + indentation + `{`,
/// preceded by a comma) lie in `from..to`.
fn count_starts(b: &[u8], pattern: &[u8], from: usize, to: usize) -> usize {
    let offset = pattern.len() - 1;
    let lo = from.saturating_sub(offset);
    let hi = to.saturating_sub(offset).min(b.len());
    if lo >= hi {
        return 0;
    }
    let end = (hi + offset).min(b.len());
    memchr::memmem::find_iter(&b[lo..end], pattern)
        .map(|m| lo + m)
        .filter(|&m| m < hi && follows_comma(b, m))
        .count()
}

/// Whether the last non-blank byte before `at` is a comma.
fn follows_comma(b: &[u8], at: usize) -> bool {
    b[..at]
        .iter()
        .rposition(|&c| !is_ws(c))
        .is_some_and(|i| b[i] == b',')
}

/// JSON whitespace.
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\t' | b'\r')
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while b.get(pos).copied().is_some_and(is_ws) {
        pos += 1;
    }
    pos
}

/// The bytes that start an element of the list, to guess element starts by.
struct Pattern<'b> {
    /// The first element's position.
    first: usize,
    /// `\n` + indentation + `{` (pretty-printed), or `{"FirstKey"` (compact).
    bytes: &'b [u8],
    /// Where the element starts, from the start of the pattern.
    offset: usize,
}

/// The pattern of the list whose `[` is at `open`, or `None` (empty list, elements that
/// are not objects, odd layout).
fn element_pattern(b: &[u8], open: usize) -> Option<Pattern<'_>> {
    let first = skip_ws(b, open + 1);
    if b.get(first) != Some(&b'{') {
        return None;
    }
    let gap = &b[open + 1..first];
    if let Some(nl) = gap.iter().rposition(|&c| c == b'\n') {
        let indent = &gap[nl + 1..];
        if !indent.iter().all(|&c| c == b' ' || c == b'\t') {
            return None;
        }
        let start = open + 1 + nl;
        return Some(Pattern {
            first,
            bytes: &b[start..=first],
            offset: first - start,
        });
    }
    // Compact: `{`, blanks, then the first key (without escapes).
    let quote = skip_ws(b, first + 1);
    if b.get(quote) != Some(&b'"') {
        return None;
    }
    let len = b[quote + 1..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\')?;
    let end = quote + 1 + len;
    (b[end] == b'"' && len > 0).then(|| Pattern {
        first,
        bytes: &b[first..=end],
        offset: 0,
    })
}

impl Pattern<'_> {
    /// The first plausible element start at or after `from`: the pattern, preceded by a
    /// comma and blanks.
    fn next_start(&self, b: &[u8], from: usize) -> Option<usize> {
        let (&head, tail) = self.bytes.split_first()?;
        let mut at = from;
        loop {
            at += b.get(at..)?.iter().position(|&c| c == head)?;
            if b.get(at + 1..at + self.bytes.len()) == Some(tail) && follows_comma(b, at) {
                return Some(at + self.offset);
            }
            at += 1;
        }
    }
}

/// What a scan of an object found.
enum Found {
    /// A list section: its kind, its path, the position of its `[`.
    List(ListKind, String, usize),
    /// None (the object was scanned to its end).
    Nothing,
}

/// A forward scanner over the head of a document.
struct Scanner<'b> {
    b: &'b [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        self.pos = skip_ws(self.b, self.pos);
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    /// A string without escapes (the scanner gives up on escapes in keys).
    fn key(&mut self) -> Option<&str> {
        self.eat(b'"')?;
        let start = self.pos;
        let len = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\')?;
        if self.b[start + len] != b'"' {
            return None;
        }
        self.pos = start + len + 1;
        std::str::from_utf8(&self.b[start..start + len]).ok()
    }

    /// Scans the members of an object whose `{` was just eaten, to the first list section
    /// longer than `big` bytes. Mirrors `raw::Level`: at depth 0, an object under another
    /// key is a wrapper whose members are scanned with the `key.` prefix.
    fn find_list(&mut self, big: usize, prefix: &str, depth: u8) -> Option<Found> {
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(Found::Nothing);
        }
        loop {
            self.ws();
            let key = self.key()?.to_string();
            self.ws();
            self.eat(b':')?;
            self.ws();
            let kind = ListKind::of_key(&key);
            match (self.peek()?, kind) {
                (b'[', Some(kind)) => {
                    let open = self.pos;
                    if !self.skip_value(big)? {
                        return Some(Found::List(kind, format!("{prefix}{key}"), open));
                    }
                }
                (b'{', None) if depth == 0 && key != "Entries" && key != "PrefixListId" => {
                    self.pos += 1;
                    if let Found::List(kind, path, open) =
                        self.find_list(big, &format!("{key}."), 1)?
                    {
                        return Some(Found::List(kind, path, open));
                    }
                }
                _ => {
                    if !self.skip_value(SKIP_BUDGET)? {
                        return None;
                    }
                }
            }
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(Found::Nothing);
                }
                _ => return None,
            }
        }
    }

    /// Skips one value: `Some(true)` when done within `budget` bytes (strings and
    /// scalars always are), `Some(false)` when it is longer, `None` when the bytes are not
    /// plausible JSON.
    fn skip_value(&mut self, budget: usize) -> Option<bool> {
        match self.peek()? {
            b'"' => self.skip_string().map(|()| true),
            b'[' | b'{' => {
                let end = self.pos.saturating_add(budget).min(self.b.len());
                let mut depth = 0usize;
                while self.pos < end {
                    match self.b[self.pos] {
                        b'"' => self.skip_string()?,
                        b'[' | b'{' => {
                            depth += 1;
                            self.pos += 1;
                        }
                        b']' | b'}' => {
                            depth -= 1;
                            self.pos += 1;
                            if depth == 0 {
                                return Some(true);
                            }
                        }
                        _ => self.pos += 1,
                    }
                }
                (self.pos < self.b.len()).then_some(false)
            }
            _ => {
                let len = self.b[self.pos..]
                    .iter()
                    .position(|&c| matches!(c, b',' | b'}' | b']') || is_ws(c))?;
                self.pos += len;
                Some(true)
            }
        }
    }

    /// Skips a string whose opening quote is at the current position.
    fn skip_string(&mut self) -> Option<()> {
        self.pos += 1;
        loop {
            let len = self
                .b
                .get(self.pos..)?
                .iter()
                .position(|&c| c == b'"' || c == b'\\')?;
            self.pos += len + 1;
            if self.b[self.pos - 1] == b'"' {
                return Some(());
            }
            self.pos += 1;
        }
    }
}
