//! No input may make the rule-language parser panic; accepted input must print back to
//! text that parses to the same model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file: Arc<str> = Arc::from("fuzz.sg");
    if let Ok((topo, _)) = sgcheck::ingest::dsl::parse(&file, text) {
        let printed = sgcheck::ingest::dsl::print(&topo);
        let again = sgcheck::ingest::dsl::parse(&file, &printed);
        assert!(again.is_ok(), "printed model does not parse:\n{printed}");
    }
});
