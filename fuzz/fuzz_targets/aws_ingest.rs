//! No input may make the AWS JSON ingest (or the merge and validation after it) panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sgcheck::ingest::ingest_bytes("fuzz.json", data);
});
