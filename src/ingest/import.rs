//! `carousel import FILE.csv`: batch import of purchased or exported lead
//! lists. Headers are mapped to lead fields by the lead extractor's
//! multilingual label dictionary (`E-Mail`, `Teléfono`, `お名前` ...); each
//! good row becomes a lead response (provider `import:FILE`) stored by the
//! same store transaction as mail. Rows without a reachable contact, with
//! an invalid address or the wrong number of fields are reported by row
//! number (the header is row 1). Duplicates — by normalised email, then by
//! phone digits — are merged into the first row's response.
//!
//! Memory: rows are streamed; the duplicate index keeps two 8-byte hashes
//! per distinct row (about 40 bytes each with the map's overhead).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Serialize;

use crate::store::model::Origin;
use crate::store::{Ingested, Store};
use crate::understand::lead::FieldValues;
use crate::understand::lead::labels::{self, Field};
use crate::understand::{Envelope, Kind, Understanding};

/// At most this many bad rows are listed one by one (all are counted).
const LISTED_BAD_ROWS: usize = 10_000;

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub file: String,
    pub provider: String,
    pub rows: u64,
    pub stored: u64,
    /// Rows merged into an earlier row of the same contact.
    pub merged: u64,
    /// Rows already stored by an earlier import of the same file.
    pub already_stored: u64,
    pub bad: u64,
    pub bad_rows: Vec<BadRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BadRow {
    /// 1-based line number of the row in the file (the header is row 1).
    pub row: u64,
    pub reason: String,
}

fn hash_of(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Imports `path` into `store`; a progress bar is drawn when stderr is a terminal.
pub fn import(store: &Store, path: &Path) -> anyhow::Result<ImportSummary> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let provider = format!("import:{name}");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(sniff_delimiter(path))
        .from_reader(std::io::BufReader::new(file));
    let headers = reader
        .headers()
        .with_context(|| format!("{}: reading the header row", path.display()))?
        .clone();
    let fields: Vec<Option<Field>> = headers.iter().map(labels::classify).collect();
    if !fields
        .iter()
        .any(|f| matches!(f, Some(Field::Email | Field::Phone | Field::NameAndEmail)))
    {
        bail!(
            "{}: no email or phone column among the headers {:?}",
            path.display(),
            headers.iter().collect::<Vec<_>>()
        );
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut summary = ImportSummary {
        file: path.display().to_string(),
        provider: provider.clone(),
        ..Default::default()
    };
    let mut by_email: HashMap<u64, u64> = HashMap::new();
    let mut by_phone: HashMap<u64, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let row = reader.position().line();
        let more = match reader.read_record(&mut record) {
            Ok(more) => more,
            Err(e) => {
                summary.rows += 1;
                note_bad(&mut summary, row, format!("unreadable row: {e}"));
                continue;
            }
        };
        if !more {
            break;
        }
        let row = record.position().map_or(row, |p| p.line());
        summary.rows += 1;
        if summary.rows.is_multiple_of(1000)
            && let Some(bar) = &bar
        {
            bar.set_position(record.position().map_or(0, |p| p.byte()));
            bar.set_message(format!("{} rows", summary.rows));
        }
        if record.iter().all(|v| v.trim().is_empty()) {
            summary.rows -= 1;
            continue;
        }
        if record.len() != headers.len() {
            note_bad(
                &mut summary,
                row,
                format!("{} fields, the header has {}", record.len(), headers.len()),
            );
            continue;
        }
        let mut values = FieldValues::default();
        let mut text = format!("Imported from {name}, row {row}\n");
        for ((label, field), value) in headers.iter().zip(&fields).zip(record.iter()) {
            if let Some(field) = field {
                values.set(label, *field, value, "import");
            }
            let value: String = value
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            text.push_str(&format!("{label}: {}\n", value.trim()));
        }
        let lead = crate::understand::lead::build_lead(&values, None, "import");
        if let Some(raw_email) = email_cell(&headers, &fields, &record)
            && lead.contact.email.is_none()
        {
            note_bad(
                &mut summary,
                row,
                format!("invalid email address {raw_email:?}"),
            );
            continue;
        }
        if !lead.contact.is_reachable() {
            note_bad(&mut summary, row, "no email or phone".into());
            continue;
        }
        let email_key = lead
            .contact
            .email
            .as_deref()
            .map(|e| hash_of(&crate::understand::normalize_email(e)));
        let phone_key = lead
            .contact
            .phone
            .as_deref()
            .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|d| d.len() >= 6)
            .map(|d| hash_of(&d));
        let earlier = email_key
            .and_then(|k| by_email.get(&k))
            .or_else(|| phone_key.and_then(|k| by_phone.get(&k)))
            .copied();
        if let Some(id) = earlier {
            store.enrich_response(id, &lead.contact, lead.interest.as_deref())?;
            summary.merged += 1;
            continue;
        }
        let raw = crate::ingest::http::synthesize(&provider, &text);
        let mut u = Understanding::other(Envelope::default(), "");
        u.kind = Kind::Lead;
        u.note = None;
        u.provider = Some(provider.clone());
        u.envelope.subject = Some(format!("Imported lead ({name}, row {row})"));
        u.contact = lead.contact.clone();
        u.leads = vec![lead];
        let origin = Origin {
            mailbox: "import".into(),
            reference: format!("{name}:{row}"),
        };
        match store.ingest(origin, &raw, true, raw.len() as u64, u)? {
            Ingested::New { responses, .. } => {
                summary.stored += 1;
                crate::metrics::ingested("lead");
                if let Some(id) = responses.first() {
                    if let Some(k) = email_key {
                        by_email.insert(k, *id);
                    }
                    if let Some(k) = phone_key {
                        by_phone.entry(k).or_insert(*id);
                    }
                }
            }
            Ingested::Duplicate { .. } => summary.already_stored += 1,
        }
    }
    store.flush_sync()?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(summary)
}

fn note_bad(summary: &mut ImportSummary, row: u64, reason: String) {
    summary.bad += 1;
    if summary.bad_rows.len() < LISTED_BAD_ROWS {
        summary.bad_rows.push(BadRow { row, reason });
    }
}

/// The text of a non-empty email column, if the file has one.
fn email_cell(
    headers: &csv::StringRecord,
    fields: &[Option<Field>],
    record: &csv::StringRecord,
) -> Option<String> {
    let _ = headers;
    fields
        .iter()
        .zip(record.iter())
        .find(|(f, v)| **f == Some(Field::Email) && !v.trim().is_empty())
        .map(|(_, v)| v.trim().chars().take(80).collect())
}

/// `;` or tab when the header line has more of them than commas (European exports).
fn sniff_delimiter(path: &Path) -> u8 {
    use std::io::Read as _;
    let mut head = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(64 * 1024).read_to_end(&mut head);
    }
    let line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |c: u8| line.iter().filter(|b| **b == c).count();
    let (commas, semis, tabs) = (count(b','), count(b';'), count(b'\t'));
    if semis > commas && semis >= tabs {
        b';'
    } else if tabs > commas {
        b'\t'
    } else {
        b','
    }
}
