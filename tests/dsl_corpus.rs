//! Every `.sg` file in `corpus/` parses with no error diagnostic, is recognised as the
//! rule language by content, and prints back to text that parses to the same topology.

use sgcheck::ingest::dsl;
use sgcheck::model::Severity;
use std::path::Path;
use std::sync::Arc;

#[test]
fn corpus_files_parse_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sg"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "expected at least 8 corpus files");
    for path in files {
        let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(dsl::looks_like_dsl(&text), "{name} not recognised");
        let (topo, diags) = match dsl::parse(&name, &text) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert!(!topo.counts().is_empty(), "{name} is empty");
        let printed = dsl::print(&topo);
        let (again, _) = dsl::parse(&name, &printed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dsl::print(&again), printed, "{name}: print is not stable");
        // Also through the ingest driver (recognised by content).
        let ingest = sgcheck::ingest::ingest_bytes(&name, text.as_bytes());
        assert!(
            ingest
                .diagnostics
                .iter()
                .all(|d| d.severity != Severity::Error),
            "{name}: {:?}",
            ingest.diagnostics
        );
    }
}
