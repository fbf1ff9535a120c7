//! Helpers shared by the integration tests (each test binary includes this module).

use std::path::{Path, PathBuf};

/// `../shared/corpus/<rel>` (real exports written by others, kept beside the checkout).
/// When it is missing the caller's test prints a note and passes, except under `CI=true`,
/// where a missing corpus is a failure.
pub fn shared_corpus(rel: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "shared corpus missing at {} (required under CI=true)",
            dir.display()
        );
    }
    eprintln!(
        "note: shared corpus not found at {}; skipping",
        dir.display()
    );
    None
}
