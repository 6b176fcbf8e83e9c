//! `carousel import FILE.csv`: batch import of purchased or exported lead
//! lists. Headers are mapped to lead fields by the lead extractor's
//! multilingual label dictionary (`E-Mail`, `Teléfono`, `お名前` ...); each
//! good row becomes a lead response (provider `import:FILE`, mailbox
//! [`IMPORT_MAILBOX`]) stored by the same store transaction as mail. Rows
//! without a reachable contact, with an invalid address or the wrong number
//! of fields are reported by row number (the header is row 1).
//!
//! Safe to repeat: a row is keyed by its provider plus normalised email,
//! else phone digits (tree `import_keys`). A row whose key is already known
//! — earlier in the file, or from an earlier import of the same file — is
//! merged into that response (missing fields filled) and makes nothing new,
//! so importing the same CSV twice stores and sends nothing the second time.
//! `--dry-run` ([`ImportOptions::dry_run`]) reads the same way and writes
//! nothing. Columns that map to no lead field (`Notes`, `Source`, ...) are
//! kept as the lead's notes.
//!
//! Imported people never wrote to us: the act stage sends them nothing
//! (no self-service reply, no nurture mail) and tells reps about imported
//! leads in one digest per rep per import ([`crate::act::digest`]), sent once
//! the run is marked done in tree [`RUNS`].
//!
//! Memory: rows are streamed; a dry run keeps one key per distinct row.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Serialize;

pub use crate::store::import_runs::{IMPORT_MAILBOX, ImportRun, RUNS, is_imported, run_of};
use crate::store::kv::Tree;
use crate::store::model::Origin;
use crate::store::{Ingested, Store, encode};
use crate::understand::lead::FieldValues;
use crate::understand::lead::labels::{self, Field};
use crate::understand::{Envelope, Kind, Understanding};

/// At most this many bad rows (and dry-run rows) are listed one by one (all are counted).
const LISTED_BAD_ROWS: usize = 10_000;
/// Tree: `provider NUL e:email` / `provider NUL p:digits` → response id.
const KEYS: &str = "import_keys";
/// Longest notes kept per row.
const MAX_NOTES_CHARS: usize = 4_000;

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Read and classify every row, write nothing.
    pub dry_run: bool,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

impl Default for ImportOptions {
    /// A real import, with a progress bar when stderr is a terminal.
    fn default() -> Self {
        ImportOptions {
            dry_run: false,
            progress: std::io::stderr().is_terminal(),
        }
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub file: String,
    pub provider: String,
    pub dry_run: bool,
    pub rows: u64,
    pub stored: u64,
    /// Rows merged into an earlier row of the same contact in this file.
    pub merged: u64,
    /// Rows whose contact an earlier import of this file already stored (merged into it).
    pub already_stored: u64,
    pub bad: u64,
    pub bad_rows: Vec<BadRow>,
    /// Dry run: what each good row would do.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub planned: Vec<PlannedRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BadRow {
    /// 1-based line number of the row in the file (the header is row 1).
    pub row: u64,
    pub reason: String,
}

/// What one good row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    /// A new lead.
    New,
    /// Merged into an earlier row of this file.
    Merged,
    /// Merged into a lead an earlier import stored.
    AlreadyStored,
}

/// One good row of a dry run.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRow {
    pub row: u64,
    pub action: RowAction,
    /// The email, else the phone, of the row.
    pub contact: String,
    /// Merged: the row (this file) it merges into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub into_row: Option<u64>,
}

impl std::fmt::Display for PlannedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.action, self.into_row) {
            (RowAction::New, _) => write!(f, "row {}: new lead {}", self.row, self.contact),
            (RowAction::Merged, Some(into)) => write!(
                f,
                "row {}: merged into row {into} ({})",
                self.row, self.contact
            ),
            (RowAction::Merged, None) => write!(f, "row {}: merged ({})", self.row, self.contact),
            (RowAction::AlreadyStored, _) => write!(
                f,
                "row {}: already imported, merged ({})",
                self.row, self.contact
            ),
        }
    }
}

/// Marks the run of `provider` running, and done again when dropped
/// (also on an error), so digests wait for the whole file.
struct RunMark<'a> {
    store: &'a Store,
    provider: String,
}

impl<'a> RunMark<'a> {
    fn start(store: &'a Store, provider: &str) -> anyhow::Result<RunMark<'a>> {
        set_run(store, provider, true)?;
        Ok(RunMark {
            store,
            provider: provider.to_string(),
        })
    }
}

impl Drop for RunMark<'_> {
    fn drop(&mut self) {
        if let Err(e) = set_run(self.store, &self.provider, false) {
            tracing::error!(provider = %self.provider, "import: marking the run done: {e:#}");
        }
    }
}

fn set_run(store: &Store, provider: &str, running: bool) -> anyhow::Result<()> {
    let run = ImportRun {
        running,
        at: crate::store::now_rfc3339(),
    };
    store
        .tree(RUNS)?
        .insert(provider.as_bytes(), encode(&run))?;
    Ok(())
}

/// The dedupe keys of a row: provider plus normalised email, provider plus phone digits.
fn keys_of(provider: &str, contact: &crate::understand::Contact) -> [Option<Vec<u8>>; 2] {
    let key = |kind: &str, value: &str| {
        let mut k = provider.as_bytes().to_vec();
        k.push(0);
        k.extend_from_slice(kind.as_bytes());
        k.extend_from_slice(value.as_bytes());
        k
    };
    let email = contact
        .email
        .as_deref()
        .map(|e| key("e:", &crate::understand::normalize_email(e)));
    let phone = contact
        .phone
        .as_deref()
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| d.len() >= 6)
        .map(|d| key("p:", &d));
    [email, phone]
}

/// Imports `path` into `store`; a progress bar is drawn when stderr is a terminal.
pub fn import(store: &Store, path: &Path) -> anyhow::Result<ImportSummary> {
    import_with(store, path, ImportOptions::default())
}

/// Imports (or, with `dry_run`, only classifies) the rows of `path`.
pub fn import_with(
    store: &Store,
    path: &Path,
    options: ImportOptions,
) -> anyhow::Result<ImportSummary> {
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
    let bar = options.progress.then(|| {
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
        dry_run: options.dry_run,
        ..Default::default()
    };
    let keys = store.tree(KEYS)?;
    let _run = if options.dry_run {
        None
    } else {
        Some(RunMark::start(store, &provider)?)
    };
    // Responses this run stored (a key pointing at one is a merge within the file).
    let mut stored_now: HashSet<u64> = HashSet::new();
    // Dry run: keys this file would store → the row that would store them.
    let mut planned_keys: HashMap<Vec<u8>, u64> = HashMap::new();
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
        if summary.rows.is_multiple_of(100)
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
        let mut notes = Vec::new();
        for ((label, field), value) in headers.iter().zip(&fields).zip(record.iter()) {
            if let Some(field) = field {
                values.set(label, *field, value, "import");
            }
            let value: String = value
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let value = value.trim();
            text.push_str(&format!("{label}: {value}\n"));
            if !value.is_empty() && matches!(field, None | Some(Field::Message)) {
                notes.push(format!("{}: {value}", label.trim()));
            }
        }
        let mut lead = crate::understand::lead::build_lead(&values, None, "import");
        if !notes.is_empty() {
            let mut joined = notes.join("\n");
            if joined.chars().count() > MAX_NOTES_CHARS {
                joined = joined.chars().take(MAX_NOTES_CHARS).collect();
            }
            lead.message = Some(joined);
        }
        if let Some(raw_email) = email_cell(&fields, &record)
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
        let shown = lead
            .contact
            .email
            .clone()
            .or_else(|| lead.contact.phone.clone())
            .unwrap_or_default();
        let row_keys = keys_of(&provider, &lead.contact);
        if options.dry_run {
            let earlier_row = row_keys
                .iter()
                .flatten()
                .find_map(|k| planned_keys.get(k).copied());
            let earlier_import = row_keys
                .iter()
                .flatten()
                .map(|k| keys.contains_key(k))
                .collect::<Result<Vec<bool>, _>>()?
                .contains(&true);
            let action = if earlier_row.is_some() {
                summary.merged += 1;
                RowAction::Merged
            } else if earlier_import {
                summary.already_stored += 1;
                RowAction::AlreadyStored
            } else {
                summary.stored += 1;
                for k in row_keys.iter().flatten() {
                    planned_keys.entry(k.clone()).or_insert(row);
                }
                RowAction::New
            };
            if summary.planned.len() < LISTED_BAD_ROWS {
                summary.planned.push(PlannedRow {
                    row,
                    action,
                    contact: shown,
                    into_row: earlier_row,
                });
            }
            continue;
        }
        let mut earlier = None;
        for k in row_keys.iter().flatten() {
            if let Some(v) = keys.get(k)? {
                earlier = Some(v.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0));
                break;
            }
        }
        if let Some(id) = earlier {
            store.enrich_response(id, &lead.contact, lead.interest.as_deref())?;
            // A phone-only earlier row that now has an email: remember the email too.
            remember(&keys, &row_keys, id)?;
            if stored_now.contains(&id) {
                summary.merged += 1;
            } else {
                summary.already_stored += 1;
            }
            continue;
        }
        let raw = super::synthetic::synthesize(&provider, &text);
        let mut u = Understanding::other(Envelope::default(), "");
        u.kind = Kind::Lead;
        u.note = None;
        u.provider = Some(provider.clone());
        u.envelope.subject = Some(format!("Imported lead ({name}, row {row})"));
        u.contact = lead.contact.clone();
        u.leads = vec![lead];
        let origin = Origin {
            mailbox: IMPORT_MAILBOX.into(),
            reference: format!("{name}:{row}"),
        };
        match store.ingest(origin, &raw, true, raw.len() as u64, u)? {
            Ingested::New { responses, .. } => {
                summary.stored += 1;
                crate::metrics::ingested("lead");
                if let Some(id) = responses.first() {
                    stored_now.insert(*id);
                    remember(&keys, &row_keys, *id)?;
                }
            }
            Ingested::Duplicate { .. } => summary.already_stored += 1,
        }
    }
    if !options.dry_run {
        store.flush_sync()?;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(summary)
}

/// Points every key of a row at `id` (keys already known keep their response).
fn remember(keys: &Tree, row_keys: &[Option<Vec<u8>>; 2], id: u64) -> anyhow::Result<()> {
    for k in row_keys.iter().flatten() {
        keys.compare_and_swap(k, None as Option<&[u8]>, Some(&id.to_be_bytes()[..]))?
            .ok();
    }
    Ok(())
}

fn note_bad(summary: &mut ImportSummary, row: u64, reason: String) {
    summary.bad += 1;
    if summary.bad_rows.len() < LISTED_BAD_ROWS {
        summary.bad_rows.push(BadRow { row, reason });
    }
}

/// The text of a non-empty email column, if the file has one.
fn email_cell(fields: &[Option<Field>], record: &csv::StringRecord) -> Option<String> {
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
