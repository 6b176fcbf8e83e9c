//! Maildir source, the embedded default: each batch of files in `new/` is
//! received (raw bytes queued for understanding), the store is flushed, and
//! only then is each file moved to `cur/` with the `S` (seen) flag. A message over the size limit is recorded by its headers and
//! moved with `F` (flagged, unseen) so a person notices it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{Intake, headers_of};
use crate::shutdown::Shutdown;
use crate::store::model::Origin;
use crate::store::received::{Admitted, Incoming};

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
        // Directory reads and file reads off the async reactor.
        let (root, name, skip) = (self.root.clone(), self.name.clone(), self.failed.clone());
        let limit = intake.limits.max_message_bytes;
        let (listed, read) =
            tokio::task::spawn_blocking(move || read_batch(&root, &name, &skip, limit)).await??;
        let mut report = ScanReport::default();
        let mut paths = Vec::with_capacity(read.len());
        let mut incoming = Vec::with_capacity(read.len());
        for (path, result) in read {
            match result {
                Ok(message) => {
                    paths.push(path);
                    incoming.push(message);
                }
                Err(e) => {
                    tracing::error!(mailbox = %self.name, file = %path.display(), "cannot read message, left in new/: {e}");
                    self.failed.insert(path);
                }
            }
        }
        if incoming.is_empty() {
            return Ok((report, listed));
        }
        let complete: Vec<bool> = incoming.iter().map(|m| m.complete).collect();
        let admitted = intake.receive(incoming).await?;
        let mut moves = Vec::with_capacity(paths.len());
        for ((path, complete), admitted) in paths.into_iter().zip(complete).zip(admitted) {
            let flag = match (complete, admitted) {
                (false, _) => {
                    report.oversized += 1;
                    'F'
                }
                (true, Admitted::Queued) => {
                    report.stored += 1;
                    'S'
                }
                (true, Admitted::Duplicate) => {
                    report.duplicates += 1;
                    'S'
                }
            };
            moves.push((path, flag));
        }
        intake.commit(&self.name).await?;
        crate::fault::point("maildir-after-flush");
        let (root, name) = (self.root.clone(), self.name.clone());
        tokio::task::spawn_blocking(move || {
            for (path, flag) in moves {
                let target = cur_path(&root, &path, flag);
                if let Err(e) = std::fs::rename(&path, &target) {
                    // Stored and flushed already: the next scan sees a duplicate and retries the move.
                    tracing::warn!(mailbox = %name, file = %path.display(), "cannot move to cur/: {e}");
                }
            }
        })
        .await?;
        Ok((report, listed))
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

/// Lists up to [`BATCH`] files of `new/` (oldest names first, known-bad
/// ones skipped) and reads each: whole, or its headers when over `limit`.
/// Returns how many were listed, and each file with its message or error.
#[allow(clippy::type_complexity)]
fn read_batch(
    root: &Path,
    mailbox: &str,
    skip: &HashSet<PathBuf>,
    limit: u64,
) -> anyhow::Result<(usize, Vec<(PathBuf, std::io::Result<Incoming>)>)> {
    let new_dir = root.join("new");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&new_dir)
        .with_context(|| format!("mailbox {mailbox}: reading {}", new_dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !skip.contains(p))
        .collect();
    names.sort();
    names.truncate(BATCH);
    let listed = names.len();
    let read = names
        .into_iter()
        .map(|path| {
            let message = read_message(mailbox, &path, limit);
            (path, message)
        })
        .collect();
    Ok((listed, read))
}

fn read_message(mailbox: &str, path: &Path, limit: u64) -> std::io::Result<Incoming> {
    let origin = Origin {
        mailbox: mailbox.to_string(),
        reference: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let size = std::fs::metadata(path)?.len();
    if size > limit {
        let head = read_head(path)?;
        return Ok(Incoming {
            origin,
            raw: headers_of(&head).to_vec(),
            complete: false,
            size,
        });
    }
    let raw = std::fs::read(path)?;
    Ok(Incoming {
        origin,
        size: raw.len() as u64,
        raw,
        complete: true,
    })
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
