//! CSV attachments holding several leads: the header row names the fields
//! (through the label dictionary), every further row is one lead.
//!
//! One pass over the records with a fixed row cap ([`MAX_ROWS`]), so memory is
//! bounded by the cap, not by the attachment.

use super::labels::{Field, classify};
use super::{FieldValues, build_lead};
use crate::understand::Lead;

/// Most rows read from one email's CSV attachments; the rest is noted, not read.
pub const MAX_ROWS: usize = 10_000;

/// Leads of one CSV attachment, and whether rows past the cap were left out.
pub struct CsvLeads {
    pub leads: Vec<Lead>,
    pub truncated: bool,
    /// Rows without a reachable contact (skipped).
    pub skipped: usize,
}

/// True when the bytes look like a CSV lead export (a header row with at
/// least one contact field).
pub fn looks_like_leads(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let first = text.lines().next().unwrap_or("");
    let delim = delimiter(first);
    first
        .split(delim as char)
        .filter_map(|h| classify(h.trim().trim_matches('"')))
        .any(Field::is_contact)
}

fn delimiter(header: &str) -> u8 {
    let counts = [
        (b',', header.matches(',').count()),
        (b';', header.matches(';').count()),
        (b'\t', header.matches('\t').count()),
    ];
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(d, _)| *d)
}

/// Reads the leads of a CSV attachment; `limit` is how many rows may still be read.
pub fn parse(bytes: &[u8], date: Option<&str>, limit: usize) -> CsvLeads {
    // Strip a UTF-8 byte-order mark; decode other text leniently.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first_line = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)])
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter(&first_line))
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let headers: Vec<(String, Option<Field>)> = match reader.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|c| {
                let label = String::from_utf8_lossy(c).trim().to_string();
                let field = classify(&label);
                (label, field)
            })
            .collect(),
        Err(_) => {
            return CsvLeads {
                leads: Vec::new(),
                truncated: false,
                skipped: 0,
            };
        }
    };
    let mut out = CsvLeads {
        leads: Vec::new(),
        truncated: false,
        skipped: 0,
    };
    let mut record = ::csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // A broken row is skipped; the rows after it still count.
            Err(_) => {
                out.skipped += 1;
                continue;
            }
        }
        if out.leads.len() + out.skipped >= limit {
            out.truncated = true;
            break;
        }
        let mut values = FieldValues::default();
        for (i, cell) in record.iter().enumerate() {
            let Some((label, Some(field))) = headers.get(i) else {
                continue;
            };
            let cell = String::from_utf8_lossy(cell);
            values.set(label, *field, cell.trim(), "csv");
        }
        let lead = build_lead(&values, date, "csv");
        if lead.contact.is_reachable() {
            out.leads.push(lead);
        } else {
            out.skipped += 1;
        }
    }
    out
}
