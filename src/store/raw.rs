//! Where raw message bytes live: keyed by arrival sequence (a u64 from the
//! store's id generator, big-endian) in `raw_seq`, so every new message
//! lands at the right edge of the tree and a leaf, once full, is never
//! rewritten; `raw_index` maps a message's content hash (its
//! [`MessageKey`]) to that sequence, for dedupe and for reading a
//! message's bytes back. The index entry outlives the bytes (retention
//! purges only the bytes), so "seen these bytes before" needs only the
//! small index, never the large `messages` tree.
//!
//! Stores written before this layout kept the bytes in `raw`, keyed by
//! content hash (random keys: every insert rewrote a leaf full of other
//! messages' bytes). [`migrate`] moves them over on open, a batch of keys
//! per transaction, so a crash mid-way leaves every key in exactly one of
//! the two places and the next open finishes the job.

use super::kv::{Transactional, Tree};
use super::model::MessageKey;
use super::{StoreError, from_transaction, u64_of};

/// Raw bytes by arrival sequence.
pub const RAW_SEQ: &str = "raw_seq";
/// Content hash → arrival sequence.
pub const RAW_INDEX: &str = "raw_index";
/// The layout before: raw bytes by content hash.
pub const LEGACY_RAW: &str = "raw";
/// Counter set once a store's raw bytes are all in [`RAW_SEQ`].
const FORMAT_COUNTER: &str = "raw_format";
const FORMAT: u64 = 2;
/// The sequence an index entry holds for a message whose bytes were never
/// in this layout (purged before the migration): nothing to read.
pub const NO_BYTES: u64 = u64::MAX;
/// Keys moved per migration transaction.
const MIGRATE_BATCH: usize = 256;

pub fn seq_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// The trees the raw bytes and their index live in.
#[derive(Clone)]
pub struct RawTrees {
    pub by_seq: Tree,
    pub index: Tree,
}

impl RawTrees {
    /// The arrival sequence of the message with this content hash, if its
    /// bytes were ever stored (they may have been purged since).
    pub fn seq_of(&self, key: &MessageKey) -> Result<Option<u64>, StoreError> {
        Ok(self.index.get(key.0.as_bytes())?.map(|v| u64_of(&v)))
    }

    /// The stored value (version byte + bytes) of the message with this hash.
    pub fn value_of(&self, key: &MessageKey) -> Result<Option<super::kv::Bytes>, StoreError> {
        match self.seq_of(key)? {
            Some(seq) if seq != NO_BYTES => self.by_seq.get(seq_key(seq)),
            _ => Ok(None),
        }
    }

    /// Deletes a message's bytes and keeps its index entry (retention).
    /// Returns whether there were bytes to delete.
    pub fn purge(&self, key: &MessageKey) -> Result<bool, StoreError> {
        match self.seq_of(key)? {
            Some(seq) if seq != NO_BYTES => Ok(self.by_seq.remove(seq_key(seq))?.is_some()),
            _ => Ok(false),
        }
    }
}

/// Moves a store's raw bytes from [`LEGACY_RAW`] into [`RAW_SEQ`] +
/// [`RAW_INDEX`], and indexes messages whose bytes were purged before, then
/// marks the store migrated. Runs when the mark is missing or the legacy
/// tree holds anything (a restored old backup); otherwise two reads.
/// Idempotent and crash-safe: each key moves in a transaction.
pub(super) fn migrate(
    db: &super::kv::Db,
    raw: &RawTrees,
    messages: &Tree,
    counters: &Tree,
) -> Result<(), StoreError> {
    let legacy = db.open_tree(LEGACY_RAW)?;
    let marked = counters
        .get(FORMAT_COUNTER)?
        .is_some_and(|v| u64_of(&v) == FORMAT);
    if marked && legacy.first()?.is_none() {
        return Ok(());
    }
    let mut moved = 0usize;
    loop {
        let keys: Vec<_> = legacy
            .iter()
            .keys()
            .take(MIGRATE_BATCH)
            .collect::<Result<_, _>>()?;
        if keys.is_empty() {
            break;
        }
        // Outside the transaction (sled's generator is not transactional);
        // an unused id is only a gap.
        let seqs: Vec<u64> = keys
            .iter()
            .map(|_| db.generate_id())
            .collect::<Result<_, _>>()?;
        let result = (&legacy, &raw.by_seq, &raw.index).transaction(|(legacy, by_seq, index)| {
            for (key, seq) in keys.iter().zip(&seqs) {
                let Some(value) = legacy.remove(key.as_ref())? else {
                    continue;
                };
                if index.get(key.as_ref())?.is_none() {
                    by_seq.insert(&seq_key(*seq), value)?;
                    index.insert(key.as_ref(), &seq_key(*seq))?;
                }
            }
            Ok(())
        });
        result.map_err(from_transaction)?;
        moved += keys.len();
    }
    // A message whose bytes were purged before still dedupes its bytes.
    let mut indexed = 0usize;
    for key in messages.iter().keys() {
        let key = key?;
        if raw.index.get(&key)?.is_none() {
            raw.index.insert(&key, &seq_key(NO_BYTES)[..])?;
            indexed += 1;
        }
    }
    counters.insert(FORMAT_COUNTER, &FORMAT.to_be_bytes()[..])?;
    if moved > 0 || indexed > 0 {
        tracing::info!(
            moved,
            indexed,
            "store: raw bytes moved to the arrival-sequence layout"
        );
    }
    Ok(())
}

/// Makes the id generator hand out only sequences above every stored one
/// (a restored backup brings sequences another database handed out).
pub(super) fn ids_past_stored(db: &super::kv::Db, trees: &[&Tree]) -> Result<(), StoreError> {
    let highest = trees
        .iter()
        .filter_map(|t| t.last().transpose())
        .map(|kv| kv.map(|(k, _)| u64_of(&k)))
        .collect::<Result<Vec<u64>, _>>()?
        .into_iter()
        .max();
    if let Some(highest) = highest {
        db.advance_ids_past(highest)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::model::Origin;
    use crate::store::received::{Admitted, Incoming};
    use crate::store::{Store, raw_value};

    fn message(n: u32) -> Vec<u8> {
        format!("Subject: m {n}\r\nMessage-ID: <m{n}@x.example>\r\n\r\nbody {n}\r\n").into_bytes()
    }

    fn incoming(n: u32) -> Incoming {
        let raw = message(n);
        Incoming {
            origin: Origin {
                mailbox: "m".into(),
                reference: n.to_string(),
            },
            size: raw.len() as u64,
            raw,
            complete: true,
        }
    }

    fn reopen(dir: &std::path::Path) -> Store {
        Store::reopen_for_test(dir)
    }

    /// Writes messages 1..=n in the layout before (bytes keyed by content
    /// hash in `raw`, no index, no format mark), as an old store holds them.
    fn legacy_store(dir: &std::path::Path, n: u32) {
        let store = Store::open(dir, 8).unwrap();
        let legacy = store.db().open_tree(LEGACY_RAW).unwrap();
        for i in 1..=n {
            let raw = message(i);
            legacy
                .insert(MessageKey::of(&raw).0.as_bytes(), raw_value(&raw))
                .unwrap();
        }
        let counters = store.db().open_tree("counters").unwrap();
        counters.remove(FORMAT_COUNTER).unwrap();
        store.flush_sync().unwrap();
    }

    #[test]
    fn an_old_store_is_migrated_on_open_and_reads_and_dedupes_as_before() {
        let dir = tempfile::tempdir().unwrap();
        legacy_store(dir.path(), 600);
        let store = reopen(dir.path());
        assert!(
            store.db().open_tree(LEGACY_RAW).unwrap().is_empty(),
            "every key moved"
        );
        for i in [1, 300, 600] {
            let raw = message(i);
            assert_eq!(store.raw(&MessageKey::of(&raw)).unwrap(), Some(raw));
        }
        let again = store.receive(&[incoming(5), incoming(601)]).unwrap();
        assert_eq!(again, [Admitted::Duplicate, Admitted::Queued]);
        assert_eq!(
            store.raw(&MessageKey::of(&message(601))).unwrap(),
            Some(message(601))
        );
        drop(store);
        // A second open finds nothing to do and changes nothing.
        let store = reopen(dir.path());
        assert_eq!(store.raw.index.len(), 601);
        assert_eq!(store.raw.by_seq.len(), 601);
    }

    #[test]
    fn a_migration_cut_short_is_finished_by_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        legacy_store(dir.path(), 10);
        {
            // Half moved, as a crash between two batches leaves it: the
            // same move, done by hand for five keys.
            let store = reopen(dir.path());
            let legacy = store.db().open_tree(LEGACY_RAW).unwrap();
            for i in 1..=10 {
                let raw = message(i);
                let key = MessageKey::of(&raw);
                if i > 5 {
                    store.raw.purge(&key).unwrap();
                    store.raw.index.remove(key.0.as_bytes()).unwrap();
                    legacy.insert(key.0.as_bytes(), raw_value(&raw)).unwrap();
                }
            }
            store.flush_sync().unwrap();
        }
        let store = reopen(dir.path());
        assert!(store.db().open_tree(LEGACY_RAW).unwrap().is_empty());
        for i in 1..=10 {
            let raw = message(i);
            assert_eq!(
                store.raw(&MessageKey::of(&raw)).unwrap(),
                Some(raw),
                "message {i}"
            );
        }
        assert_eq!(store.raw.by_seq.len(), 10, "no key stored twice");
    }

    #[test]
    fn purged_bytes_still_dedupe() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        assert_eq!(store.receive(&[incoming(1)]).unwrap(), [Admitted::Queued]);
        let key = MessageKey::of(&message(1));
        assert!(store.raw.purge(&key).unwrap());
        assert_eq!(store.raw(&key).unwrap(), None);
        assert_eq!(
            store.receive(&[incoming(1)]).unwrap(),
            [Admitted::Duplicate]
        );
    }
}
