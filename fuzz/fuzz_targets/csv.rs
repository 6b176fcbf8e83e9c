//! The CSV lead reader: the sniffing check and the row parser (with a row cap).
#![no_main]

use carousel::understand::lead::csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = csv::looks_like_leads(data);
    let leads = csv::parse(data, Some("2026-11-25T10:00:00+00:00"), 500);
    assert!(leads.leads.len() <= 500, "row cap exceeded");
});
