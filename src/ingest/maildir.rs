//! Maildir source, the embedded default: each file in `new/` is stored, the
//! store is flushed, and only then is the file moved to `cur/` with the `S`
//! (seen) flag. A message over the size limit is recorded by its headers and
//! moved with `F` (flagged, unseen) so a person notices it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{Intake, headers_of};
use crate::shutdown::Shutdown;
use crate::store::model::Origin;

/// Most files handled between two flushes.
const BATCH: usize = 500;

/// A watched Maildir.
pub struct MaildirSource {
    pub name: String,
    pub root: PathBuf,
    pub poll: std::time::Duration,
    /// Files that failed to read, reported once rather than every scan.
    failed: HashSet<PathBuf>,
}

/// What one scan did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanReport {
    pub stored: usize,
    pub duplicates: usize,
    pub oversized: usize,
}

impl MaildirSource {
    pub fn new(name: &str, root: PathBuf, poll: std::time::Duration) -> anyhow::Result<Self> {
        for sub in ["new", "cur", "tmp"] {
            let dir = root.join(sub);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("mailbox {name}: creating {}", dir.display()))?;
        }
        Ok(MaildirSource {
            name: name.to_string(),
            root,
            poll,
            failed: HashSet::new(),
        })
    }

    /// Scans `new/` until it is empty, in batches of [`BATCH`] (store, flush, then move).
    pub async fn drain(&mut self, intake: &Intake) -> anyhow::Result<ScanReport> {
        let mut total = ScanReport::default();
        loop {
            let (report, handled) = self.scan_batch(intake).await?;
            total.stored += report.stored;
            total.duplicates += report.duplicates;
            total.oversized += report.oversized;
            if handled < BATCH {
                return Ok(total);
            }
        }
    }

    async fn scan_batch(&mut self, intake: &Intake) -> anyhow::Result<(ScanReport, usize)> {
        let new_dir = self.root.join("new");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&new_dir)
            .with_context(|| format!("mailbox {}: reading {}", self.name, new_dir.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && !self.failed.contains(p))
            .collect();
        names.sort();
        names.truncate(BATCH);
        let mut report = ScanReport::default();
        let mut moves = Vec::with_capacity(names.len());
        for path in &names {
            match self.accept_file(intake, path) {
                Ok((outcome, flag)) => {
                    match outcome {
                        Outcome::Stored => report.stored += 1,
                        Outcome::Duplicate => report.duplicates += 1,
                        Outcome::Oversized => report.oversized += 1,
                    }
                    moves.push((path.clone(), flag));
                }
                Err(e) if crate::store::is_storage_failure(&e) => return Err(e),
                Err(e) => {
                    tracing::error!(mailbox = %self.name, file = %path.display(), "cannot store message, left in new/: {e:#}");
                    self.failed.insert(path.clone());
                }
            }
        }
        if moves.is_empty() {
            return Ok((report, names.len()));
        }
        intake.commit(&self.name).await?;
        crate::fault::point("maildir-after-flush");
        for (path, flag) in moves {
            let target = cur_path(&self.root, &path, flag);
            if let Err(e) = std::fs::rename(&path, &target) {
                // Stored and flushed already: the next scan sees a duplicate and retries the move.
                tracing::warn!(mailbox = %self.name, file = %path.display(), "cannot move to cur/: {e}");
            }
        }
        Ok((report, names.len()))
    }

    fn accept_file(&self, intake: &Intake, path: &Path) -> anyhow::Result<(Outcome, char)> {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let origin = Origin {
            mailbox: self.name.clone(),
            reference: file_name,
        };
        let size = std::fs::metadata(path)?.len();
        if size > intake.limits.max_message_bytes {
            let head = read_head(path)?;
            intake.accept_oversized(origin, headers_of(&head), size)?;
            return Ok((Outcome::Oversized, 'F'));
        }
        let raw = std::fs::read(path)?;
        let outcome = match intake.accept(origin, &raw)? {
            crate::store::Ingested::New { .. } => Outcome::Stored,
            crate::store::Ingested::Duplicate { .. } => Outcome::Duplicate,
        };
        Ok((outcome, 'S'))
    }

    /// Scans until shutdown, every `poll`.
    pub async fn run(mut self, intake: Intake, mut shutdown: Shutdown) -> anyhow::Result<()> {
        tracing::info!(mailbox = %self.name, dir = %self.root.display(), "watching Maildir");
        loop {
            let result = self.drain(&intake).await;
            crate::metrics::set_source(&self.name, result.is_ok(), None);
            match result {
                Ok(r) if r.stored + r.duplicates + r.oversized > 0 => {
                    tracing::info!(mailbox = %self.name, stored = r.stored, duplicates = r.duplicates, oversized = r.oversized, "scan");
                }
                Ok(_) => {}
                Err(e) if crate::store::is_storage_failure(&e) => {
                    tracing::error!(mailbox = %self.name, "store failed; nothing more is acknowledged, stopping: {e:#}");
                    return Err(e);
                }
                Err(e) => tracing::error!(mailbox = %self.name, "scan failed, retrying: {e:#}"),
            }
            if shutdown.sleep(self.poll).await {
                return Ok(());
            }
        }
    }
}

enum Outcome {
    Stored,
    Duplicate,
    Oversized,
}

/// `cur/NAME:2,FLAGS` with `flag` added to whatever flags the name had.
fn cur_path(root: &Path, path: &Path, flag: char) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (base, flags) = match name.split_once(":2,") {
        Some((b, f)) => (b.to_string(), f.to_string()),
        None => (name.clone(), String::new()),
    };
    let mut flags: Vec<char> = flags.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    if !flags.contains(&flag) {
        flags.push(flag);
    }
    flags.sort_unstable();
    root.join("cur").join(format!(
        "{base}:2,{}",
        flags.into_iter().collect::<String>()
    ))
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(256 * 1024)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_flag_is_added_once_and_sorted() {
        let root = Path::new("/m");
        assert_eq!(
            cur_path(root, Path::new("/m/new/123.host"), 'S'),
            Path::new("/m/cur/123.host:2,S")
        );
        assert_eq!(
            cur_path(root, Path::new("/m/new/123.host:2,FS"), 'S'),
            Path::new("/m/cur/123.host:2,FS")
        );
        assert_eq!(
            cur_path(root, Path::new("/m/new/1:2,T"), 'F'),
            Path::new("/m/cur/1:2,FT")
        );
    }
}
