//! On open, rewrites the records an older sled store holds as JSON in the
//! packed form ([`super::packed`]): contact and lead records (JSON before),
//! and the understanding inside each message record (JSON text inside the
//! postcard record before). Readers take either form, so this only makes
//! the store smaller (at 100k messages the three trees were 275 MB of JSON).
//!
//! Versioned, idempotent and crash-safe like [`super::raw::migrate`]: the
//! `record_format` counter says it is done; each batch of
//! [`BATCH`] records is one transaction that rewrites a record only if it
//! still holds the bytes read; a record already packed is left alone, so a
//! migration cut short is finished by the next open.

use super::kv::{Transactional, Tree};
use super::model::MessageRecord;
use super::{CODEC_VERSION, Store, StoreError, decode, encode_compact, encode_packed};

/// Counter holding the record format the store is in.
const FORMAT_COUNTER: &str = "record_format";
/// Contacts, leads and the message understanding packed.
const FORMAT: u64 = 3;
/// Records read and rewritten per transaction.
const BATCH: usize = 256;
/// The act stage's lead records (its tree; named here, not imported, so
/// the store stays below act).
const LEADS: &str = "leads";

/// Brings a sled store to [`FORMAT`]. A shared (PostgreSQL) store keeps
/// JSON, which its views read: nothing to do.
pub(super) fn migrate(store: &Store) -> Result<(), StoreError> {
    if super::SELF_DESCRIBING.load(std::sync::atomic::Ordering::Relaxed)
        || store.counter(FORMAT_COUNTER)? >= FORMAT
    {
        return Ok(());
    }
    let leads = store.db.open_tree(LEADS)?;
    let rewritten = repack(&store.contacts, "contacts", json_as_packed)?
        + repack(&leads, "leads", json_as_packed)?
        + repack(&store.messages, "messages", message_repacked)?;
    store
        .counters
        .insert(FORMAT_COUNTER, &FORMAT.to_be_bytes()[..])?;
    if rewritten > 0 {
        tracing::info!(rewritten, "store: contact, lead and message records packed");
    }
    Ok(())
}

/// A record written as JSON, packed; `None` when it is not JSON.
fn json_as_packed(tree: &'static str, value: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    if value.first() != Some(&CODEC_VERSION) {
        return Ok(None);
    }
    let json: serde_json::Value = decode(tree, value)?;
    Ok(Some(encode_packed(&json)))
}

/// A message record as this release writes it; `None` when it already is.
fn message_repacked(tree: &'static str, value: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    let record: MessageRecord = decode(tree, value)?;
    let now = encode_compact(&record);
    Ok((now != value).then_some(now))
}

/// A record's bytes as this release writes them, `None` when unchanged.
type Change = fn(&'static str, &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

/// Rewrites every record of `tree` that `change` changes, [`BATCH`] at a
/// time. Returns how many were rewritten.
fn repack(tree: &Tree, name: &'static str, change: Change) -> Result<usize, StoreError> {
    let mut rewritten = 0;
    let mut after: Option<Vec<u8>> = None;
    loop {
        let start = match &after {
            Some(k) => std::ops::Bound::Excluded(k.clone()),
            None => std::ops::Bound::Unbounded,
        };
        let mut batch = Vec::with_capacity(BATCH);
        let mut last = None;
        for item in tree
            .range::<Vec<u8>, _>((start, std::ops::Bound::Unbounded))
            .take(BATCH)
        {
            let (key, value) = item?;
            if let Some(new) = change(name, &value)? {
                batch.push((key.to_vec(), value.to_vec(), new));
            }
            last = Some(key.to_vec());
        }
        let Some(last) = last else {
            return Ok(rewritten);
        };
        let result = tree.transaction(|t| {
            let mut n = 0;
            for (key, old, new) in &batch {
                // Written meanwhile (the record changed): it is current.
                if t.get(key)?.as_deref() == Some(old.as_slice()) {
                    t.insert(key.as_slice(), new.as_slice())?;
                    n += 1;
                }
            }
            Ok(n)
        });
        rewritten += result.map_err(super::from_transaction)?;
        after = Some(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::model::{ContactRecord, MessageKey, Origin};
    use crate::store::{COMPACT_VERSION, PACKED_VERSION, encode};
    use crate::understand::{Envelope, Kind, Understanding};
    use serde::Serialize;

    /// A message record as releases before packing wrote it: postcard, the
    /// understanding inside as JSON text.
    #[derive(Serialize)]
    struct OldMessageRecord {
        key: MessageKey,
        origin: Origin,
        stored_at: String,
        size: u64,
        raw_complete: bool,
        kind: Kind,
        understanding: Vec<u8>,
        responses: Vec<u64>,
    }

    fn understanding(n: u32) -> Understanding {
        let envelope = Envelope {
            subject: Some(format!("quote {n}")),
            from_email: Some(format!("p{n}@example.test")),
            ..Default::default()
        };
        let mut u = Understanding::other(envelope, "not a lead");
        u.kind = Kind::Other;
        u
    }

    fn message(n: u32) -> MessageRecord {
        MessageRecord {
            key: MessageKey(format!("{n:064}")),
            origin: Origin {
                mailbox: "INBOX".into(),
                reference: n.to_string(),
            },
            stored_at: "2026-12-02T15:31:01.123456789Z".into(),
            size: 100,
            raw_complete: true,
            kind: Kind::Other,
            understanding: understanding(n),
            responses: vec![],
        }
    }

    fn old_message(n: u32) -> Vec<u8> {
        let m = message(n);
        let old = OldMessageRecord {
            key: m.key,
            origin: m.origin,
            stored_at: m.stored_at,
            size: m.size,
            raw_complete: m.raw_complete,
            kind: m.kind,
            understanding: serde_json::to_vec(&m.understanding).unwrap(),
            responses: m.responses,
        };
        let mut out = vec![COMPACT_VERSION];
        postcard::to_io(&old, &mut out).unwrap();
        out
    }

    fn contact(n: u32) -> ContactRecord {
        let mut c = ContactRecord {
            first_seen: "2026-12-02T15:31:01Z".into(),
            last_seen: "2026-12-02T16:31:01.5Z".into(),
            responses: n,
            ..Default::default()
        };
        c.contact.email = Some(format!("p{n}@example.test"));
        c
    }

    fn lead(n: u32) -> serde_json::Value {
        serde_json::json!({
            "id": format!("L-{n}"),
            "action": {"type": "sales_rep", "rep": "ann"},
            "lead": {"ownership": {"state": "unclaimed", "since": "2026-12-02T15:31:01Z"}},
            "created_at": "2026-12-02T15:31:01.25Z",
        })
    }

    /// Writes `n` messages, contacts and leads as a store before packing
    /// holds them, without the format mark.
    fn old_store(store: &Store, n: u32) {
        let leads = store.db.open_tree(LEADS).unwrap();
        for i in 0..n {
            let m = message(i);
            store
                .messages
                .insert(m.key.0.as_bytes(), old_message(i))
                .unwrap();
            let c = contact(i);
            store
                .contacts
                .insert(c.contact.email.clone().unwrap().as_bytes(), encode(&c))
                .unwrap();
            leads
                .insert(format!("L-{i}").as_bytes(), encode(&lead(i)))
                .unwrap();
        }
        store.counters.remove(FORMAT_COUNTER).unwrap();
    }

    fn tree_bytes(tree: &Tree) -> usize {
        tree.iter().map(|kv| kv.unwrap().1.len()).sum()
    }

    #[test]
    fn an_old_store_is_packed_on_open_and_reads_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let n = (BATCH + 7) as u32;
        old_store(&store, n);
        let leads = store.db.open_tree(LEADS).unwrap();
        let before = [&store.messages, &store.contacts, &leads].map(tree_bytes);
        migrate(&store).unwrap();
        assert_eq!(store.counter(FORMAT_COUNTER).unwrap(), FORMAT);
        let after = [&store.messages, &store.contacts, &leads].map(tree_bytes);
        for (tree, (b, a)) in ["messages", "contacts", "leads"]
            .iter()
            .zip(before.iter().zip(&after))
        {
            assert!(a < b, "{tree}: {b} → {a} bytes");
        }
        for i in 0..n {
            let m = message(i);
            assert_eq!(store.message(&m.key).unwrap(), Some(m));
            let c = contact(i);
            let email = c.contact.email.clone().unwrap();
            assert_eq!(store.contact(&email).unwrap(), Some(c));
            let v = leads.get(format!("L-{i}")).unwrap().unwrap();
            assert_eq!(v[0], PACKED_VERSION);
            assert_eq!(decode::<serde_json::Value>("leads", &v).unwrap(), lead(i));
        }
        // Done: a second open finds nothing to do.
        store.counters.remove(FORMAT_COUNTER).unwrap();
        assert_eq!(
            repack(&store.messages, "messages", message_repacked).unwrap()
                + repack(&store.contacts, "contacts", json_as_packed).unwrap()
                + repack(&leads, "leads", json_as_packed).unwrap(),
            0
        );
    }

    #[test]
    fn a_migration_cut_short_is_finished_by_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), 8).unwrap();
            old_store(&store, 10);
            // Cut short: the contacts were packed, the rest not, no mark.
            assert_eq!(
                repack(&store.contacts, "contacts", json_as_packed).unwrap(),
                10
            );
            store.flush_sync().unwrap();
        }
        let store = Store::reopen_for_test(dir.path());
        assert_eq!(store.counter(FORMAT_COUNTER).unwrap(), FORMAT);
        let leads = store.db.open_tree(LEADS).unwrap();
        for tree in [&store.contacts, &leads] {
            for kv in tree.iter() {
                assert_eq!(kv.unwrap().1[0], PACKED_VERSION);
            }
        }
        for i in 0..10 {
            let m = message(i);
            let v = store.messages.get(m.key.0.as_bytes()).unwrap().unwrap();
            assert_ne!(v.to_vec(), old_message(i));
            assert_eq!(store.message(&m.key).unwrap(), Some(m));
        }
    }
}
