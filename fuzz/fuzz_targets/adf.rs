//! The ADF/XML lead reader: finding a document in text, then parsing it.
#![no_main]

use carousel::understand::lead::adf;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = adf::parse(&text, Some("2026-11-25T10:00:00+00:00"));
    if let Some(doc) = adf::find_document(&text) {
        let _ = adf::parse(doc, None);
    }
});
