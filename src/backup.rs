//! `carousel backup FILE` / `carousel restore FILE`: every sled tree, streamed
//! to one file and back.
//!
//! Format (version 1): `carousel-backup\0`, a version byte, then frames —
//! `T` + u32 length + tree name; `E` + u32 key length + key + u32 value
//! length + value; `Z` + u64 record count + SHA-256 of every byte before
//! it. Restore checks the trailer, so a truncated or altered file is
//! refused (and the half-restored directory removed).
//!
//! Consistency: the backup is taken after a flush, so everything
//! acknowledged before it started is in it. Trees are read one after the
//! other; a message ingested *during* the backup may be in some trees and
//! not others, and is then re-read from its source on the next sync (its
//! mailbox cursor is in the `cursors` tree). Memory is bounded: one record
//! at a time.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use anyhow::{Context as _, bail};
use sha2::{Digest, Sha256};

use crate::store::Store;
use crate::store::kv::Tree;

const MAGIC: &[u8] = b"carousel-backup\0";
const VERSION: u8 = 1;

/// What a backup or restore moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub trees: usize,
    pub records: u64,
    pub bytes: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} trees, {} records, {} bytes",
            self.trees, self.records, self.bytes
        )
    }
}

/// Writes hashed bytes and counts them.
struct Hashed<W: Write> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Hashed<W> {
    fn put(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.hash.update(data);
        self.bytes += data.len() as u64;
        self.inner.write_all(data)
    }

    fn put_block(&mut self, data: &[u8]) -> anyhow::Result<()> {
        let len = u32::try_from(data.len()).context("record over 4 GiB")?;
        self.put(&len.to_be_bytes())?;
        self.put(data)?;
        Ok(())
    }
}

/// Flushes the store, then writes every tree to `path` (via a temporary
/// file renamed into place, so `path` is either the old file or a whole backup).
pub fn backup(store: &Store, path: &Path) -> anyhow::Result<Summary> {
    store.flush_sync()?;
    let tmp = path.with_extension("partial");
    let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut w = Hashed {
        inner: BufWriter::new(file),
        hash: Sha256::new(),
        bytes: 0,
    };
    w.put(MAGIC)?;
    w.put(&[VERSION])?;
    let db = store.db();
    let mut records = 0u64;
    let names = db.tree_names()?;
    for name in &names {
        let tree = db.open_tree(name)?;
        w.put(b"T")?;
        w.put_block(name)?;
        for item in tree.iter() {
            let (k, v) = item?;
            w.put(b"E")?;
            w.put_block(&k)?;
            w.put_block(&v)?;
            records += 1;
        }
    }
    w.put(b"Z")?;
    w.put(&records.to_be_bytes())?;
    let digest = w.hash.clone().finalize();
    w.inner.write_all(&digest)?;
    let file = w.inner.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(Summary {
        trees: names.len(),
        records,
        bytes: w.bytes + digest.len() as u64,
    })
}

/// Restores a backup into `store_dir`, which must not exist or be empty.
pub fn restore(path: &Path, store_dir: &Path, cache_mb: u64) -> anyhow::Result<Summary> {
    if store_dir.exists()
        && std::fs::read_dir(store_dir)
            .with_context(|| format!("reading {}", store_dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: restore only into a fresh directory (move the old store away first)",
            store_dir.display()
        );
    }
    let result = Store::open(store_dir, cache_mb)
        .map_err(anyhow::Error::from)
        .and_then(|store| restore_into(path, &store));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(store_dir);
    }
    result
}

/// Restores a backup into a shared (PostgreSQL) store, which must hold no
/// messages or responses yet (a fresh database).
pub fn restore_shared(path: &Path, store: &Store) -> anyhow::Result<Summary> {
    let holds_mail = store.counter("messages")? > 0 || store.responses().next().is_some();
    if holds_mail {
        bail!("the shared store already holds mail: restore only into a fresh database");
    }
    restore_into(path, store)
}

fn restore_into(path: &Path, store: &Store) -> anyhow::Result<Summary> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut r = Reader {
        inner: BufReader::new(file),
        hash: Sha256::new(),
        bytes: 0,
    };
    let mut magic = [0u8; 16];
    r.take(&mut magic)?;
    if magic != MAGIC {
        bail!("{} is not a carousel backup", path.display());
    }
    let mut version = [0u8; 1];
    r.take(&mut version)?;
    if version[0] != VERSION {
        bail!("backup format version {} is not supported", version[0]);
    }
    let db = store.db();
    let mut tree: Option<Tree> = None;
    let mut trees = 0;
    let mut records = 0u64;
    loop {
        let mut tag = [0u8; 1];
        r.take(&mut tag)?;
        match tag[0] {
            b'T' => {
                let name = r.block()?;
                tree = Some(db.open_tree(name)?);
                trees += 1;
            }
            b'E' => {
                let key = r.block()?;
                let value = r.block()?;
                tree.as_ref()
                    .context("backup record before any tree")?
                    .insert(key, value)?;
                records += 1;
            }
            b'Z' => {
                let mut count = [0u8; 8];
                r.take(&mut count)?;
                let expected = r.hash.clone().finalize();
                let mut stated = [0u8; 32];
                r.inner
                    .read_exact(&mut stated)
                    .context("backup truncated (no checksum)")?;
                if stated[..] != expected[..] {
                    bail!("backup checksum mismatch: the file is damaged");
                }
                if u64::from_be_bytes(count) != records {
                    bail!("backup record count mismatch: the file is damaged");
                }
                break;
            }
            other => bail!("backup damaged: unexpected frame {other:#x}"),
        }
    }
    store.flush_sync()?;
    Ok(Summary {
        trees,
        records,
        bytes: r.bytes + 32,
    })
}

struct Reader<R: Read> {
    inner: R,
    hash: Sha256,
    bytes: u64,
}

impl<R: Read> Reader<R> {
    fn take(&mut self, buf: &mut [u8]) -> anyhow::Result<()> {
        self.inner.read_exact(buf).context("backup truncated")?;
        self.hash.update(&*buf);
        self.bytes += buf.len() as u64;
        Ok(())
    }

    fn block(&mut self) -> anyhow::Result<Vec<u8>> {
        let mut len = [0u8; 4];
        self.take(&mut len)?;
        let len = u32::from_be_bytes(len) as usize;
        // Grows with the data actually read, so a forged length cannot
        // allocate gigabytes up front.
        let mut out = Vec::with_capacity(len.min(1 << 20));
        let mut limited = (&mut self.inner).take(len as u64);
        limited.read_to_end(&mut out)?;
        if out.len() != len {
            bail!("backup truncated");
        }
        self.hash.update(&out);
        self.bytes += len as u64;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_round_trips_and_refuses_damage() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a"), 8).unwrap();
        store.tree("leads").unwrap().insert(b"k1", b"v1").unwrap();
        store.add_to_counter("x", 5).unwrap();
        let file = dir.path().join("b.bak");
        let written = backup(&store, &file).unwrap();
        let restored = restore(&file, &dir.path().join("r"), 8).unwrap();
        assert_eq!(written.records, restored.records);
        let back = Store::open(&dir.path().join("r"), 8).unwrap();
        assert_eq!(back.counter("x").unwrap(), 5);
        assert_eq!(
            back.tree("leads").unwrap().get(b"k1").unwrap().as_deref(),
            Some(&b"v1"[..])
        );
        drop(back);
        // Non-empty target is refused.
        assert!(restore(&file, &dir.path().join("r"), 8).is_err());
        // A flipped byte is refused and leaves no directory behind.
        let mut bytes = std::fs::read(&file).unwrap();
        let n = bytes.len();
        bytes[n - 40] ^= 1;
        std::fs::write(&file, bytes).unwrap();
        let err = restore(&file, &dir.path().join("r2"), 8).unwrap_err();
        assert!(format!("{err:#}").contains("damaged"), "{err:#}");
        assert!(!dir.path().join("r2").exists());
    }
}
