//! Ingest: turn bytes into the model, and nothing else.
//!
//! Inputs are files, directories (read recursively, in sorted order) or `-` for stdin.
//! Each file is recognised **by content** (a name only settles what a broken file was
//! meant to be: `*.json`, `*.sg`):
//! - JSON (a file starting with `{`; one starting with `[` when named `*.json` or when
//!   a string, object, array or `]` follows) goes to [`aws`],
//!   which recognises the AWS describe-* sections it holds (`SecurityGroups`,
//!   `Reservations`, …) or reports the file as skipped when it holds none;
//! - a file named `*.sg`, text whose first statement is a rule-language keyword, and text
//!   most of whose lines are statements and block bodies (a typo in the first statement
//!   is then an error, not a skipped file) go to [`dsl`], UTF-8 or not (a bad byte is an
//!   error at its line:column);
//! - anything else is skipped and listed, never an error; a file named on the command
//!   line (or standard input) that is skipped also gets a warning.
//!
//! A UTF-8 byte-order mark before the content is ignored; UTF-16 text is skipped with a
//! reason saying so.
//!
//! A file that fails to parse is reported as an error diagnostic naming the file and the
//! line:column (or JSON path); the other files are still read. After all files are read,
//! objects seen in several files are merged (an ENI from `describe-instances` and from
//! `describe-network-interfaces`; `SecurityGroupRules` into their groups) and the topology
//! is validated.
//!
//! Files are read and parsed on all threads (a large file in pieces, and its largest
//! section in chunks, see [`aws`]); results are kept in input order, so the output does not
//! depend on the number of threads.
//!
//! The account/region [`Scope`] of a file comes from the directory layout, as far as
//! the input path names it (never the folders above, which differ from checkout to
//! checkout): a region folder (`us-east-1`) and an account folder (a 12-digit id, or the
//! folder under CloudMapper's `account-data/`).

pub mod aws;
pub mod dsl;

use crate::model::{Counts, Diagnostic, Origin, Scope, Topology, validate};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How one input file was understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// AWS describe-* JSON.
    AwsJson,
    /// The sgcheck rule language.
    Dsl,
    /// Not an input sgcheck reads (listed, not an error).
    Skipped,
    /// Could not be parsed (an error diagnostic says why).
    Failed,
}

/// What one input file contributed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// The path (or `-`).
    pub file: Arc<str>,
    /// How it was understood.
    pub format: SourceFormat,
    /// AWS sections recognised (`SecurityGroups`, `Reservations`, …), or the skip reason.
    pub sections: Vec<String>,
    /// The account/region scope assigned from the path.
    pub scope: Scope,
    /// Objects read from this file (before merging).
    pub counts: Counts,
}

impl Source {
    /// Whether this is `sgcheck.toml` found among the inputs (read by `audit`, not here).
    pub fn is_config(&self) -> bool {
        self.format == SourceFormat::Skipped && self.sections == [CONFIG_SECTION]
    }
}

/// The result of reading a set of inputs: the topology, every diagnostic, and a report per
/// source file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ingest {
    /// Everything read, merged and validated.
    pub topology: Topology,
    /// Every problem, in input order, then validation's.
    pub diagnostics: Vec<Diagnostic>,
    /// One entry per file read.
    pub sources: Vec<Source>,
}

impl Ingest {
    /// Whether any diagnostic is an error (the CLI then exits 2).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::model::Severity::Error)
    }
}

/// Reads every input (file, directory or `-`), merges and validates.
pub fn ingest_paths<P: AsRef<Path>>(inputs: &[P]) -> Ingest {
    let mut reader = Reader::default();
    let mut items = Vec::new();
    for input in inputs {
        let p = input.as_ref();
        if p == Path::new("-") {
            let mut buf = Vec::new();
            items.push(match std::io::stdin().lock().read_to_end(&mut buf) {
                Ok(_) => Item::Bytes("-", buf),
                Err(e) => Item::Failed(Diagnostic::error(
                    Some(Origin::file(&Arc::from("-"))),
                    format!("cannot read standard input: {e}"),
                )),
            });
        } else {
            expand(p, &mut items);
        }
    }
    reader.add_items(items);
    reader.finish()
}

/// Reads one in-memory input named `name` (used by tests, fuzzing and stdin).
pub fn ingest_bytes(name: &str, bytes: &[u8]) -> Ingest {
    let mut reader = Reader::default();
    reader.add_bytes(name, bytes, Scope::default());
    reader.finish()
}

/// Accumulates files, then merges and validates in [`Reader::finish`].
///
/// Files are read and parsed on all threads (see [`Reader::add_path`]); what they yield is
/// kept in input order, so the result does not depend on the number of threads.
#[derive(Debug, Default)]
pub struct Reader {
    topology: Topology,
    diagnostics: Vec<Diagnostic>,
    sources: Vec<Source>,
    /// Scopes whose network interfaces a file listed.
    listed: Vec<Scope>,
    /// Sections that are one page of a paginated listing (see [`aws::merge_pages`]).
    pages: Vec<Origin>,
}

/// One input to read, in the order its results are kept.
enum Item<'a> {
    /// A problem found while listing the inputs.
    Failed(Diagnostic),
    /// A file, and whether it was named itself (rather than found in a directory).
    File(PathBuf, bool),
    /// Bytes already read (standard input).
    Bytes(&'a str, Vec<u8>),
}

/// Lists the files `path` names (itself, or a directory's files in sorted order), or why
/// it cannot be read.
fn expand(path: &Path, items: &mut Vec<Item<'_>>) {
    let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            items.push(Item::Failed(Diagnostic::error(
                Some(Origin::file(&name)),
                format!("cannot read input: {e}"),
            )));
            return;
        }
    };
    if meta.is_dir() {
        let mut files = Vec::new();
        if let Err(e) = walk(path, &mut files) {
            items.push(Item::Failed(Diagnostic::error(
                Some(Origin::file(&name)),
                format!("cannot read directory: {e}"),
            )));
        }
        files.sort();
        items.extend(files.into_iter().map(|f| Item::File(f, false)));
    } else {
        items.push(Item::File(path.to_path_buf(), true));
    }
}

/// What one input yielded.
#[derive(Default)]
struct Loaded {
    source: Option<Source>,
    topology: Topology,
    diagnostics: Vec<Diagnostic>,
    /// The scope whose network interfaces the file lists, if it lists them (see
    /// [`Topology::interfaces_unlisted`]).
    lists_interfaces: Option<Scope>,
    /// Sections that are one page of a paginated listing.
    pages: Vec<Origin>,
}

impl Reader {
    /// Reads a file or (recursively) a directory; a directory's files are read in
    /// parallel.
    pub fn add_path(&mut self, path: &Path) {
        let mut items = Vec::new();
        expand(path, &mut items);
        self.add_items(items);
    }

    /// Reads the items on all threads and keeps the results in item order.
    fn add_items(&mut self, items: Vec<Item<'_>>) {
        let loaded: Vec<Loaded> = items
            .into_par_iter()
            .map(|item| match item {
                Item::Failed(d) => Loaded {
                    diagnostics: vec![d],
                    ..Loaded::default()
                },
                Item::File(path, named) => named_input(load_file(&path), named),
                Item::Bytes(name, bytes) => {
                    named_input(load_bytes(name, &bytes, Scope::default()), true)
                }
            })
            .collect();
        for l in loaded {
            self.add_loaded(l);
        }
    }

    /// Reads one input held in memory, with the given scope.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8], scope: Scope) {
        self.add_loaded(load_bytes(name, bytes, scope));
    }

    fn add_loaded(&mut self, l: Loaded) {
        self.sources.extend(l.source);
        self.topology.extend(l.topology);
        self.diagnostics.extend(l.diagnostics);
        self.listed.extend(l.lists_interfaces);
        self.pages.extend(l.pages);
    }

    /// Merges objects seen in several files, validates, and returns the result.
    pub fn finish(mut self) -> Ingest {
        aws::merge_pages(&mut self.topology, &mut self.diagnostics, &self.pages);
        self.topology.interfaces_unlisted = unlisted(&self.topology, &self.listed);
        for (origin, message) in self.topology.attach_addresses() {
            self.diagnostics
                .push(Diagnostic::warning(Some(origin), message));
        }
        self.diagnostics.extend(validate::validate(&self.topology));
        Ingest {
            topology: self.topology,
            diagnostics: self.diagnostics,
            sources: self.sources,
        }
    }
}

/// The scopes of security groups read from AWS exports for which no file listed the
/// network interfaces of that scope or of one it falls within (see [`Scope::within`] and
/// [`Topology::interfaces_unlisted`]). A rule-language file is a model written by hand:
/// its groups are judged by its own interfaces, and its interfaces list no export's.
fn unlisted(topology: &Topology, listed: &[Scope]) -> Vec<Scope> {
    let listed: std::collections::HashSet<&Scope> = listed.iter().collect();
    let mut scopes: Vec<&Scope> = (topology.security_groups.iter())
        .filter(|g| g.origin.is_json())
        .map(|g| &g.scope)
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
        .into_iter()
        .filter(|s| !s.widenings().iter().any(|w| listed.contains(w)))
        .cloned()
        .collect()
}

/// A file named as an input (or standard input) that is not one gets a warning naming
/// it: the user meant it to be read. (A directory's other files are only listed; a
/// file named by a shell glob may be an export of a kind sgcheck does not read, so this
/// is not an error. `audit` fails when no input at all could be read.) The
/// configuration file is the exception.
fn named_input(mut l: Loaded, named: bool) -> Loaded {
    let Some(source) = l.source.as_ref().filter(|_| named) else {
        return l;
    };
    if source.format != SourceFormat::Skipped || source.is_config() {
        return l;
    }
    let reason = source.sections.join("; ");
    l.diagnostics.push(Diagnostic::warning(
        Some(Origin::file(&source.file)),
        format!(
            "skipped, not an input sgcheck reads ({reason}): expected AWS describe-* JSON \
             (SecurityGroups, Reservations, NetworkInterfaces, …) or the sgcheck rule language"
        ),
    ));
    l
}

/// What the inventory says of `sgcheck.toml` found among the inputs.
const CONFIG_SECTION: &str = "sgcheck configuration (for audit)";

fn load_file(path: &Path) -> Loaded {
    let name = path.to_string_lossy().into_owned();
    // sgcheck's own configuration (read by `audit`) lives beside the inputs.
    if path.file_name().is_some_and(|n| n == "sgcheck.toml") {
        return Loaded {
            source: Some(Source {
                file: Arc::from(name.as_str()),
                format: SourceFormat::Skipped,
                sections: vec![CONFIG_SECTION.to_string()],
                scope: Scope::default(),
                counts: Counts::default(),
            }),
            ..Loaded::default()
        };
    }
    if let Some(loaded) = load_windowed(path, &name) {
        return loaded;
    }
    match read_file(path) {
        Ok(bytes) => {
            let loaded = load_bytes(&name, &bytes, scope_from_path(path));
            // Freeing a large buffer takes a while (0.06 s for 700 MB): not on the way to
            // merging and validating. (Not a rayon task: a thread waiting in the pool would
            // run it at once.)
            if bytes.len() >= PIECEWISE_BYTES as usize {
                // If no thread can be started, the buffer is freed here (the closure drops).
                let _ = std::thread::Builder::new().spawn(move || drop(bytes));
            }
            loaded
        }
        Err(e) => Loaded {
            diagnostics: vec![Diagnostic::error(
                Some(Origin::file(&Arc::from(name.as_str()))),
                format!("cannot read file: {e}"),
            )],
            ..Loaded::default()
        },
    }
}

/// Files at least this large are read in pieces on several threads.
const PIECEWISE_BYTES: u64 = 32 << 20;

/// Reads a whole file; a large one in pieces on all threads (copying from the page cache
/// and touching fresh memory is most of the time of reading), falling back to
/// [`std::fs::read`] when the file changes size meanwhile.
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    read_file_from(path, PIECEWISE_BYTES)
}

/// [`read_file`], in pieces from `piecewise` bytes on.
fn read_file_from(path: &Path, piecewise: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Seek, SeekFrom};
    let len = std::fs::metadata(path)?.len();
    let threads = rayon::current_num_threads();
    let Ok(size) = usize::try_from(len) else {
        return std::fs::read(path);
    };
    if len < piecewise || len == 0 || threads < 2 {
        return std::fs::read(path);
    }
    let mut buf = vec![0u8; size];
    let piece = size.div_ceil(threads);
    let whole =
        buf.par_chunks_mut(piece)
            .enumerate()
            .try_for_each(|(i, chunk)| -> std::io::Result<()> {
                let mut f = std::fs::File::open(path)?;
                f.seek(SeekFrom::Start((i * piece) as u64))?;
                f.read_exact(chunk)
            });
    // The file may have grown or shrunk: then read it the ordinary way.
    let same_len = std::fs::File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::Start(len))?;
            Ok(f.read(&mut [0u8])? == 0)
        })
        .unwrap_or(false);
    if whole.is_ok() && same_len {
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// A large JSON file read in windows, never whole (see [`aws::read_path`]); `None` when
/// the file is small, not a JSON object, or the windowed read gives up (the caller then
/// reads it whole, with the same result).
fn load_windowed(path: &Path, name: &str) -> Option<Loaded> {
    let len = std::fs::metadata(path).ok()?.len();
    if len < PIECEWISE_BYTES {
        return None;
    }
    let file: Arc<str> = Arc::from(name);
    let scope = scope_from_path(path);
    let doc = aws::read_path(&file, path, usize::try_from(len).ok()?, &scope)?;
    let mut l = Loaded::default();
    let mut source = Source {
        file,
        format: SourceFormat::Skipped,
        sections: Vec::new(),
        scope,
        counts: Counts::default(),
    };
    json_loaded(Ok(doc), &mut source, &mut l);
    l.source = Some(source);
    Some(l)
}

/// What reading a JSON document gave, into `source` and `l`.
fn json_loaded(read: Result<aws::AwsDoc, Diagnostic>, source: &mut Source, l: &mut Loaded) {
    match read {
        Ok(doc) if doc.sections.is_empty() => {
            source
                .sections
                .push("no AWS EC2 sections recognised".to_string());
            l.diagnostics = doc.diagnostics;
        }
        Ok(doc) => {
            source.format = SourceFormat::AwsJson;
            l.lists_interfaces = doc.lists_interfaces.then(|| source.scope.clone());
            source.sections = doc.sections;
            l.pages = doc.pages;
            source.counts = doc.topology.counts();
            l.topology = doc.topology;
            l.diagnostics = doc.diagnostics;
        }
        Err(diag) => {
            source.format = SourceFormat::Failed;
            l.diagnostics.push(diag);
        }
    }
}

/// Reads one input held in memory, with the given scope.
fn load_bytes(name: &str, bytes: &[u8], scope: Scope) -> Loaded {
    // Editors and PowerShell write a byte-order mark; JSON and the rule language do
    // not allow one.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let file: Arc<str> = Arc::from(name);
    let mut l = Loaded::default();
    let mut source = Source {
        file: Arc::clone(&file),
        format: SourceFormat::Skipped,
        sections: Vec::new(),
        scope: scope.clone(),
        counts: Counts::default(),
    };
    match sniff(name, bytes) {
        Sniff::Json => json_loaded(aws::read(&file, bytes, &scope), &mut source, &mut l),
        Sniff::Dsl => match dsl::parse_bytes(&file, bytes) {
            Ok((topo, diags)) => {
                source.format = SourceFormat::Dsl;
                source.counts = topo.counts();
                l.topology = topo;
                l.diagnostics = diags;
            }
            Err(err) => {
                source.format = SourceFormat::Failed;
                l.diagnostics.push(err.to_diagnostic());
            }
        },
        Sniff::Other(reason) => source.sections.push(reason.to_string()),
    }
    l.source = Some(source);
    l
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ft = entry.file_type()?;
        if ft.is_dir() {
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                walk(&path, out)?;
            }
        } else if ft.is_file() || ft.is_symlink() {
            out.push(path);
        }
    }
    Ok(())
}

enum Sniff {
    Json,
    Dsl,
    Other(&'static str),
}

/// Recognises a file by its content (after a UTF-8 byte-order mark, if any), and a
/// rule-language file also by its `.sg` name: JSON by its first byte; the rule language
/// when the file is named `*.sg`, when its first statement is a keyword
/// ([`dsl::looks_like_dsl`]) or when most of its lines are statements and block bodies
/// (a typo in the first one, see `dsl::mostly_dsl`), whether or not it is UTF-8 (the
/// parser then reports the first bad byte); anything else is skipped.
fn sniff(name: &str, bytes: &[u8]) -> Sniff {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Sniff::Other("UTF-16 text: sgcheck reads UTF-8 (save the export as UTF-8)");
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let named = |ext: &str| {
        Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    match first {
        None => Sniff::Other("empty file"),
        // A `*.json` file is JSON even when broken (truncated, or UTF-16 without a
        // byte-order mark): an error to report, not a file to skip. Other files only when
        // they start like JSON: a README opening with a `[![badge]` link or a TOML
        // `[table]` is not a broken export.
        Some(_) if named("json") => Sniff::Json,
        Some(b'{' | b'[') if starts_like_json(bytes) => Sniff::Json,
        Some(_) => {
            let named = named("sg");
            // Borrowed when UTF-8 (the common case).
            let text = String::from_utf8_lossy(bytes);
            if named || dsl::looks_like_dsl(&text) || dsl::mostly_dsl(&text) {
                Sniff::Dsl
            } else if matches!(text, std::borrow::Cow::Borrowed(_)) {
                Sniff::Other("neither JSON nor sgcheck rule language")
            } else {
                Sniff::Other("binary file")
            }
        }
    }
}

/// Whether `bytes` (starting with `{` or `[`) are meant as JSON: always an object; an
/// array only when an object, an array, `]`, a NUL byte (UTF-16 without a byte-order
/// mark), nothing, or a string continuing like an array of strings follows its bracket.
/// An AWS export is never an array of numbers or literals, while notes and
/// configurations open with `[` and a word or a digit: `[![badge]…`, `[package]`,
/// `[[suppress]]`, `[2024-05-01 12:00] INFO`, `[1]: …`. What is meant as JSON and broken
/// is an error, never skipped.
fn starts_like_json(bytes: &[u8]) -> bool {
    // The position of the first byte from `from` on that is neither white space nor,
    // with `brackets`, a `[`.
    let skip = |from: usize, brackets: bool| {
        (bytes.iter().skip(from))
            .position(|&b| !(b.is_ascii_whitespace() || (brackets && b == b'[')))
            .map_or(bytes.len(), |k| from + k)
    };
    let at = skip(0, false);
    if bytes.get(at) == Some(&b'{') {
        return true;
    }
    let at = skip(at, true);
    match bytes.get(at) {
        None | Some(b'{' | b']' | 0) => true,
        Some(b'"') => string_list_continues(&bytes[at + 1..]),
        Some(_) => false,
    }
}

/// After the opening quote of an array's first string (`bytes`): whether the text goes
/// on like a JSON array of strings (AWS Config `Results` saved alone): the string ends,
/// then a `,` follows, or `]`s closing the document or followed by a `,`. A TOML table
/// named by a quoted key (`["my table"]`, `[["servers"]]`, `["a".b]`) goes on with a
/// dot or with more lines. Unsure (the string does not end in the text given): JSON.
fn string_list_continues(bytes: &[u8]) -> bool {
    let mut escaped = false;
    let Some(end) = bytes.iter().position(|&b| {
        let closes = b == b'"' && !escaped;
        escaped = b == b'\\' && !escaped;
        closes
    }) else {
        return true;
    };
    let mut tail = bytes[end + 1..].iter().filter(|b| !b.is_ascii_whitespace());
    match tail.next() {
        Some(b',') | None => true,
        Some(b']') => matches!(tail.find(|&&b| b != b']'), None | Some(b',')),
        Some(_) => false,
    }
}

/// Region folder names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`, …
fn is_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The scope a file's path implies (see the module docs).
pub fn scope_from_path(path: &Path) -> Scope {
    let dirs: Vec<&str> = path
        .parent()
        .map(|p| p.iter().filter_map(|c| c.to_str()).collect())
        .unwrap_or_default();
    let mut scope = Scope::default();
    if let Some(pos) = dirs.iter().rposition(|d| is_region(d)) {
        scope.region = Some(dirs[pos].to_string());
    }
    let is_account = |i: usize| {
        let d = dirs[i];
        (d.len() == 12 && d.bytes().all(|b| b.is_ascii_digit()))
            || (i > 0 && dirs[i - 1] == "account-data")
            || (i > 0 && dirs[i - 1] == "accounts")
    };
    if let Some(pos) = (0..dirs.len()).rev().find(|&i| is_account(i)) {
        scope.account = Some(dirs[pos].into());
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_that_starts_like_json_is_read_as_json() {
        let json = |name: &str, text: &str| matches!(sniff(name, text.as_bytes()), Sniff::Json);
        for text in [
            "{\"SecurityGroups\": []}",
            "  {}",
            "[]",
            "[\n  {\"GroupId\": \"sg-1\"}]",
            "[[\"a\"]]",
            "[\"a\"]",
            "[\"a\\\"]\"]",
            "[\"{\\\"resourceId\\\": \\\"sg-1\\\"}\", \"{}\"]",
            "[\n  \"a\",\n  \"b\"\n]\n",
            "[\"a\"]]",
            "[[\"a\"], [\"b\"]]",
            "[\"unterminated",
            // Meant as JSON, and broken: an error to report, not a file to skip.
            "[",
            "{",
            "{ // a comment\n\"SecurityGroups\": []}",
            "{'SecurityGroups': []}",
            "{\0\"\0S\0",
            "[\0{\0",
        ] {
            assert!(json("x", text), "{text:?} is JSON");
        }
        for text in [
            "[![Build](https://example.com/b.svg)](https://example.com)\n# Infra\n",
            "[package]\nname = \"x\"\n",
            "[[suppress]]\ncode = \"SG001\"\n",
            "[tool.poetry]\n",
            "[2024-05-01 12:00:00] INFO started\n",
            "[1]: https://example.com\n",
            "[null]",
            "[\"my table\"]\nkey = 1\n",
            "[[\"servers\"]]\nname = \"a\"\n",
            "[\"a\\\"b\".c]\nkey = 1\n",
        ] {
            assert!(!json("notes.md", text), "{text:?} is not JSON");
            // Named `*.json`, it was meant to be JSON: read (and reported) as such.
            assert!(json("broken.json", text), "{text:?} in a .json file");
        }
        // UTF-16 without a byte-order mark (big-endian, or after a line break).
        assert!(json("be.json", "\0{\0\"\0S"));
        assert!(json("le.json", "\n\0{\0\"\0S\0"));
    }

    #[test]
    fn a_readme_or_toml_file_in_a_directory_is_skipped_not_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).expect("written");
        };
        write(
            "README.md",
            "[![Build](https://example.com/b.svg)](https://x)\n",
        );
        write("Cargo.toml", "[package]\nname = \"infra\"\n");
        write("hosts.toml", "[\"web 1\"]\naddress = \"10.0.0.1\"\n");
        write("a.sg", "group sg-1\n  in tcp 22 from 0.0.0.0/0\n");
        let got = ingest_paths(&[dir.path().to_path_buf()]);
        assert!(!got.has_errors(), "{:?}", got.diagnostics);
        assert_eq!(got.topology.security_groups.len(), 1);
        let skipped = (got.sources.iter())
            .filter(|s| s.format == SourceFormat::Skipped)
            .count();
        assert_eq!(skipped, 3);
    }

    #[test]
    fn files_read_in_pieces_are_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f.json");
        let bytes: Vec<u8> = (0..100_003u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).expect("written");
        for piecewise in [0, 1, 100_003, 100_004] {
            assert_eq!(read_file_from(&path, piecewise).expect("read"), bytes);
        }
        std::fs::write(&path, b"").expect("written");
        assert_eq!(read_file_from(&path, 0).expect("read"), b"");
        assert!(read_file_from(&dir.path().join("missing"), 0).is_err());
    }

    #[test]
    fn directories_read_in_parallel_keep_file_order() {
        // Files of every kind, some failing: the result equals reading them one by one in
        // sorted order.
        let dir = tempfile::tempdir().expect("temp dir");
        let sg = |id: &str| {
            format!(
                r#"{{"SecurityGroups": [{{"GroupId": "{id}", "IpPermissions": [{{"IpProtocol": "tcp",
                "FromPort": 22, "ToPort": 22, "IpRanges": [{{"CidrIp": "10.0.0.0/33"}}]}}]}}]}}"#
            )
        };
        let files: Vec<(&str, String)> = vec![
            ("a.json", sg("sg-a")),
            ("b/us-east-1/c.json", sg("sg-c")),
            (
                "b/us-east-1/d.json",
                "{\"SecurityGroups\": [{\"GroupId\": 1}]}".into(),
            ),
            ("e.txt", "hello".into()),
            ("f.json", sg("sg-a")),
            ("sgcheck.toml", "".into()),
        ];
        for (name, text) in &files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(&path, text).expect("written");
        }
        let got = ingest_paths(&[dir.path()]);
        let mut want = Reader::default();
        for (name, text) in &files {
            let path = dir.path().join(name);
            let name = path.to_string_lossy();
            if name.ends_with("sgcheck.toml") {
                want.add_items(vec![Item::File(path.clone(), true)]);
            } else {
                want.add_bytes(&name, text.as_bytes(), scope_from_path(&path));
            }
        }
        let want = want.finish();
        assert_eq!(got, want);
        assert_eq!(got.sources.len(), 6);
        assert!(got.has_errors());
    }

    #[test]
    fn scopes_without_a_list_of_interfaces() {
        let sgs = br#"{"SecurityGroups": [{"GroupId": "sg-1"}]}"#;
        let enis = |list: &str| format!(r#"{{"NetworkInterfaces": [{list}]}}"#);
        let eni = r#"{"NetworkInterfaceId": "eni-1", "Groups": [{"GroupId": "sg-1"}]}"#;
        let instances = format!(
            r#"{{"Reservations": [{{"Instances": [{{"InstanceId": "i-1",
            "NetworkInterfaces": [{eni}]}}]}}]}}"#
        );
        let config = r#"{"configurationItems": [{"resourceType": "AWS::EC2::NetworkInterface",
            "resourceId": "eni-1", "configuration": {"networkInterfaceId": "eni-1",
            "subnetId": "subnet-1", "privateIpAddress": "10.0.0.5",
            "groups": [{"groupId": "sg-1"}]}}]}"#;
        let scope = |account: &str, region: &str| Scope {
            account: Some(account.into()),
            region: Some(region.into()),
        };
        let read = |files: &[(&[u8], Scope)]| {
            let mut r = Reader::default();
            for (k, (bytes, scope)) in files.iter().enumerate() {
                r.add_bytes(&format!("f{k}.json"), bytes, scope.clone());
            }
            let got = r.finish();
            assert!(!got.has_errors(), "{:?}", got.diagnostics);
            got.topology.interfaces_unlisted
        };
        let none = Scope::default;
        // Groups alone, or with instances (whose interfaces are not all of a scope's).
        assert_eq!(read(&[(sgs, none())]), [none()]);
        assert_eq!(
            read(&[(sgs, none()), (instances.as_bytes(), none())]),
            [none()]
        );
        // A list of interfaces, even empty, or AWS Config interface items.
        assert_eq!(read(&[(sgs, none()), (enis("").as_bytes(), none())]), []);
        assert_eq!(read(&[(sgs, none()), (enis(eni).as_bytes(), none())]), []);
        // AWS Config: a snapshot file or a select query lists every interface; a
        // resource's history (or a batch lookup) lists the ones asked for.
        let snapshot = config.replacen('{', r#"{"configSnapshotId": "s-1", "#, 1);
        assert_eq!(read(&[(sgs, none()), (snapshot.as_bytes(), none())]), []);
        assert_eq!(
            read(&[(sgs, none()), (config.as_bytes(), none())]),
            [none()]
        );
        let item = concat!(
            r#"{\"resourceType\": \"AWS::EC2::NetworkInterface\", \"resourceId\": \"eni-1\", "#,
            r#"\"configuration\": {\"networkInterfaceId\": \"eni-1\", \"subnetId\": \"subnet-1\", "#,
            r#"\"privateIpAddress\": \"10.0.0.5\", \"groups\": [{\"groupId\": \"sg-1\"}]}}"#
        );
        let select = format!(r#"{{"Results": ["{item}"]}}"#);
        assert_eq!(read(&[(sgs, none()), (select.as_bytes(), none())]), []);
        // One page of a paginated listing is not the list (and is a warning); the last
        // page (no token) is.
        let mut r = Reader::default();
        r.add_bytes("a.json", sgs, none());
        let page = r#"{"NetworkInterfaces": [], "NextToken": "eyJ2IjoxfQ=="}"#;
        r.add_bytes("b.json", page.as_bytes(), none());
        let got = r.finish();
        assert_eq!(got.topology.interfaces_unlisted, [none()]);
        assert!(
            got.diagnostics
                .iter()
                .any(|d| d.severity == crate::model::Severity::Warning
                    && d.message
                        .starts_with("NetworkInterfaces is one page of a paginated listing")
                    && d.origin
                        .as_ref()
                        .is_some_and(|o| o.to_string() == "b.json: NetworkInterfaces")),
            "{:?}",
            got.diagnostics
        );
        for last in ["null", "\"\""] {
            let page = format!(r#"{{"NetworkInterfaces": [], "NextToken": {last}}}"#);
            assert_eq!(read(&[(sgs, none()), (page.as_bytes(), none())]), []);
        }
        // A rule-language model's groups are judged by its own interfaces (the audit
        // asks their origin), and its interfaces list no export's.
        let mut r = Reader::default();
        r.add_bytes("b.sg", b"group sg-2\n", none());
        assert_eq!(r.finish().topology.interfaces_unlisted, []);
        let mut r = Reader::default();
        r.add_bytes("a.json", sgs, none());
        r.add_bytes(
            "b.sg",
            b"group sg-2\neni eni-9 ip 10.0.0.9 groups sg-2\n",
            none(),
        );
        assert_eq!(r.finish().topology.interfaces_unlisted, [none()]);
        // Scopes: the same or a compatible one lists; another account's does not.
        let a = || scope("111111111111", "us-east-1");
        let b = || scope("222222222222", "us-east-1");
        let empty = enis("");
        assert_eq!(read(&[(sgs, a()), (empty.as_bytes(), a())]), []);
        assert_eq!(read(&[(sgs, a()), (empty.as_bytes(), none())]), []);
        assert_eq!(read(&[(sgs, a()), (empty.as_bytes(), b())]), [a()]);
        // A list of one account and region does not list unscoped groups' interfaces,
        // nor those of the account's other regions.
        assert_eq!(read(&[(sgs, none()), (empty.as_bytes(), a())]), [none()]);
        let account = || Scope {
            account: a().account,
            region: None,
        };
        assert_eq!(
            read(&[(sgs, account()), (empty.as_bytes(), a())]),
            [account()]
        );
        assert_eq!(read(&[(sgs, a()), (empty.as_bytes(), account())]), []);
        assert_eq!(
            read(&[(sgs, a()), (sgs, b()), (empty.as_bytes(), b())]),
            [a()]
        );
    }

    #[test]
    fn rule_language_files_in_a_directory_are_read_not_skipped() {
        // A `.sg` file that is not UTF-8 or has a typo in its first statement, and an
        // unnamed file that is mostly the rule language, are errors at their line and
        // column; prose and CSV stay skipped.
        let dir = tempfile::tempdir().expect("temp dir");
        let files: [(&str, &[u8]); 6] = [
            (
                "admin.sg",
                b"group sg-9 vpc vpc-1\n  in tcp 22 from 0.0.0.0/0   # caf\xe9 office\n",
            ),
            (
                "typo.SG",
                b"# admin hosts\ngruop sg-8 vpc vpc-1\n  in tcp 22 from 0.0.0.0/0\n",
            ),
            (
                "rules",
                b"gruop sg-7\n  in tcp 22 from 0.0.0.0/0\ngroup sg-6\n  in tcp 80 from 0.0.0.0/0\n",
            ),
            (
                "web.sg",
                b"group sg-1 vpc vpc-1\n  in tcp 443 from 0.0.0.0/0\n",
            ),
            (
                "README.md",
                b"# Exports\nThese files hold the rules.\ngroup sg-1 is the web tier.\n",
            ),
            ("notes.csv", b"group,cidr\nsg-1,0.0.0.0/0\n"),
        ];
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).expect("written");
        }
        let got = ingest_paths(&[dir.path()]);
        let formats: Vec<(String, SourceFormat)> = (got.sources.iter())
            .map(|s| {
                let name = Path::new(&*s.file).file_name().expect("name");
                (name.to_string_lossy().into_owned(), s.format.clone())
            })
            .collect();
        let want = [
            ("README.md", SourceFormat::Skipped),
            ("admin.sg", SourceFormat::Failed),
            ("notes.csv", SourceFormat::Skipped),
            ("rules", SourceFormat::Failed),
            ("typo.SG", SourceFormat::Failed),
            ("web.sg", SourceFormat::Dsl),
        ];
        let want: Vec<(String, SourceFormat)> = (want.into_iter())
            .map(|(n, f)| (n.to_string(), f))
            .collect();
        assert_eq!(formats, want);
        let prefix = format!("{}/", dir.path().to_string_lossy());
        let errors: Vec<String> = (got.diagnostics.iter())
            .filter(|d| d.severity == crate::model::Severity::Error)
            .map(|d| d.to_string().replacen(&prefix, "", 1))
            .collect();
        let statement = "error: expected a statement (group, prefix-list, nacl, vpc, igw, \
                         subnet, route-table, instance, eni, volume, eip, address, service or \
                         expect), found \"gruop\"";
        assert_eq!(
            errors,
            [
                "admin.sg:2:35: error: expected UTF-8 text (save the file as UTF-8), found \
                 the byte 0xE9"
                    .to_string(),
                format!("rules:1:1: {statement}"),
                format!("typo.SG:2:1: {statement}"),
            ]
        );
    }

    #[test]
    fn scopes_from_layouts() {
        let s = scope_from_path(Path::new(
            "x/account-data/demo/us-east-1/ec2-describe-vpcs.json",
        ));
        assert_eq!(s.account.as_ref().map(|a| a.as_str()), Some("demo"));
        assert_eq!(s.region.as_deref(), Some("us-east-1"));
        let s = scope_from_path(Path::new(
            "snap/aws_configs/accounts/123456789012/us-west-1/Vpcs.json",
        ));
        assert_eq!(s.account.as_ref().map(|a| a.as_str()), Some("123456789012"));
        assert_eq!(s.region.as_deref(), Some("us-west-1"));
        let s = scope_from_path(Path::new("snap/aws_configs/us-gov-west-1/Vpcs.json"));
        assert_eq!(s.account, None);
        assert_eq!(s.region.as_deref(), Some("us-gov-west-1"));
        assert_eq!(scope_from_path(Path::new("a/b.json")), Scope::default());
        assert!(!is_region("test-public-subnet"));
        assert!(!is_region("us-east"));
    }
}
