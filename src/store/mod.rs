//! The store: sled trees behind a small typed API. Every value is a version
//! byte plus its encoding: postcard for the typed records (messages,
//! responses, interactions, cursors, the understanding queue), JSON for the
//! rest; [`decode`] reads both, so stores written as all-JSON still open.
//! Raw bytes are keyed by arrival sequence with a content-hash index (see
//! [`raw`]). One inbound message is stored by a single multi-tree
//! transaction (raw bytes, message record, responses, contacts, interactions,
//! counters), so a crash leaves either all of it or none; [`Store::flush`]
//! must complete before the message is acknowledged at its source.
//!
//! Counters are kept in their own tree because sled's `len()` scans.

pub mod config;
pub mod events;
pub mod import_runs;
mod inbound;
pub mod kv;
pub mod leases;
pub mod migrate;
pub mod model;
pub mod packed;
pub mod raw;
pub mod received;
mod repack;

use std::path::Path;

use kv::{ConflictableTransactionError, TransactionError, Transactional, TransactionalTree};
use serde::{Serialize, de::DeserializeOwned};

use crate::understand::{Kind, Understanding};
use model::*;

/// Version byte of a JSON value (and of raw bytes, stored as they came).
const CODEC_VERSION: u8 = 1;
/// Version byte of a postcard value ([`encode_compact`]).
const COMPACT_VERSION: u8 = 2;
/// Version byte of a packed JSON value ([`encode_packed`]).
pub(crate) const PACKED_VERSION: u8 = 3;

/// Counter holding the last response id handed out.
const RESPONSE_SEQ: &str = "response_seq";
/// The first response id of a new store: lead ids read `L-1001`, `L-1002`, ...
pub const FIRST_RESPONSE_ID: u64 = 1001;

/// Names of the trees, in the order [`Store::ingest`] locks them.
const TREES: [&str; 7] = [
    raw::RAW_SEQ,
    "messages",
    "message_ids",
    "responses",
    "contacts",
    "interactions",
    "counters",
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store is in use by another process (is the daemon running?): {0}")]
    Locked(String),
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("mailbox {0}: this instance no longer holds its lease (another instance reads it now)")]
    LeaseLost(String),
    #[error("corrupt record in {tree}: {detail}")]
    Codec { tree: &'static str, detail: String },
    /// A read-modify-write found the record changed by another instance
    /// since it was read: nothing written; read again and retry.
    #[error("{0} changed meanwhile (another instance wrote it); nothing written, try again")]
    Changed(String),
}

impl StoreError {
    /// True when the store itself failed (I/O, disk full, corruption): sled
    /// 0.34 keeps failing after such an error, so the process must stop and
    /// be restarted (systemd `Restart=`) rather than retry.
    pub fn is_storage_failure(&self) -> bool {
        matches!(self, StoreError::Sled(_))
    }

    /// A commit refused by a lease fence (another instance holds the lease).
    pub fn is_lease_lost(&self) -> bool {
        matches!(self, StoreError::LeaseLost(_))
    }
}

/// True when an error chain carries a store failure (see [`StoreError::is_storage_failure`]).
pub fn is_storage_failure(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<StoreError>()
            .is_some_and(StoreError::is_storage_failure)
    })
}

/// The result of offering a message to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Newly stored, with the responses made from it.
    New {
        key: MessageKey,
        kind: Kind,
        responses: Vec<u64>,
    },
    /// Already stored earlier (same bytes, or same Message-ID in the mailbox).
    Duplicate { key: MessageKey },
}

/// A handle to the open store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: kv::Db,
    /// Raw bytes by arrival sequence, and their content-hash index.
    raw: raw::RawTrees,
    messages: kv::Tree,
    message_ids: kv::Tree,
    responses: kv::Tree,
    contacts: kv::Tree,
    interactions: kv::Tree,
    counters: kv::Tree,
    pending: kv::Tree,
    cursors: kv::Tree,
    /// Hand-off events staged with the change that causes them (`events::queue`).
    handoff: kv::Tree,
    /// Messages received (raw stored, acknowledged) but not yet understood.
    understand_queue: kv::Tree,
    /// Mailbox leases held by this process (several instances, shared store).
    leases: kv::Tree,
    fence: std::sync::Arc<leases::Fence>,
    /// Whether any hand-off endpoint is configured: without one, changes
    /// stage no events (see [`Store::set_handoff_wanted`]).
    handoff_wanted: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Store {
    /// Reopens a store whose last handle just dropped, in tests: sled lets
    /// go of its lock file a moment after the last handle drops.
    #[cfg(test)]
    pub(crate) fn reopen_for_test(path: &Path) -> Store {
        (0..100)
            .find_map(|_| {
                Store::open(path, 8)
                    .inspect_err(|_| std::thread::sleep(std::time::Duration::from_millis(20)))
                    .ok()
            })
            .expect("store reopens")
    }

    /// Opens (or creates) the store at `path` with a page cache of `cache_mb` MiB.
    pub fn open(path: &Path, cache_mb: u64) -> Result<Store, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(cache_mb * 1024 * 1024)
            .flush_every_ms(Some(1000))
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.to_string().contains("lock") =>
                {
                    StoreError::Locked(format!("{}: {io}", path.display()))
                }
                other => StoreError::Sled(other),
            })?;
        Store::on(kv::Db::from(db))
    }

    /// Opens the shared store in the PostgreSQL database at `url` (schema
    /// migrated on first use).
    pub fn open_postgres(url: &str) -> Result<Store, StoreError> {
        SELF_DESCRIBING.store(true, std::sync::atomic::Ordering::Relaxed);
        Store::on(kv::Db::open_postgres(url)?)
    }

    fn on(db: kv::Db) -> Result<Store, StoreError> {
        let tree = |name: &str| db.open_tree(name);
        let store = Store {
            raw: raw::RawTrees {
                by_seq: tree(TREES[0])?,
                index: tree(raw::RAW_INDEX)?,
            },
            messages: tree(TREES[1])?,
            message_ids: tree(TREES[2])?,
            responses: tree(TREES[3])?,
            contacts: tree(TREES[4])?,
            interactions: tree(TREES[5])?,
            counters: tree(TREES[6])?,
            pending: tree("pending")?,
            cursors: tree("cursors")?,
            handoff: tree(crate::store::events::queue::TREE)?,
            understand_queue: tree(received::QUEUE)?,
            leases: tree(leases::LEASES)?,
            fence: leases::new_fence(),
            handoff_wanted: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)),
            db,
        };
        store.seed_response_seq()?;
        raw::migrate(&store.db, &store.raw, &store.messages, &store.counters)?;
        repack::migrate(&store)?;
        raw::ids_past_stored(&store.db, &[&store.raw.by_seq, &store.understand_queue])?;
        Ok(store)
    }

    /// A store written before ids were counted: continue after its highest
    /// response id, so ids stay increasing (and `responses list` in order).
    fn seed_response_seq(&self) -> Result<(), StoreError> {
        if self.counters.contains_key(RESPONSE_SEQ)? {
            return Ok(());
        }
        let internal = self.db.open_tree("internal_responses")?;
        let highest = [&self.responses, &internal]
            .into_iter()
            .filter_map(|t| t.last().transpose())
            .map(|kv| kv.map(|(k, _)| u64_of(&k)))
            .collect::<Result<Vec<u64>, _>>()?
            .into_iter()
            .max()
            .unwrap_or(0)
            .max(FIRST_RESPONSE_ID - 1);
        self.counters
            .compare_and_swap(
                RESPONSE_SEQ,
                None as Option<&[u8]>,
                Some(&highest.to_be_bytes()[..]),
            )?
            .ok();
        Ok(())
    }

    /// Tells the store whether any hand-off endpoint (`[[webhook]]`,
    /// `[[chat]]`) is configured. Without one, no change stages an event:
    /// nobody would take it, and at 100k leads the staged copies were the
    /// store's largest tree. A store opened without a configuration (tests,
    /// `backup`) stages, as before.
    pub fn set_handoff_wanted(&self, wanted: bool) {
        self.handoff_wanted
            .store(wanted, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether changes stage hand-off events (see [`Store::set_handoff_wanted`]).
    pub fn handoff_wanted(&self) -> bool {
        self.handoff_wanted
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Waits until everything written so far is durable on disk.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
        Ok(())
    }

    /// Blocking flush for synchronous callers.
    pub fn flush_sync(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Stores one message and everything understood from it, exactly once.
    /// `raw` may be only the headers when the message was over the size limit
    /// (`complete = false`). Not durable until [`Store::flush`].
    pub fn ingest(
        &self,
        origin: Origin,
        raw: &[u8],
        complete: bool,
        size: u64,
        understanding: Understanding,
    ) -> Result<Ingested, StoreError> {
        let key = MessageKey::of(raw);
        let now = now_rfc3339();
        self.write_message(origin, raw, key, complete, size, understanding, None, now)
    }

    /// [`Store::ingest`] for a message whose raw bytes are stored already
    /// (`queued`: its entry in the understanding queue, removed in the same
    /// transaction) or not yet (`None`: they are written here).
    #[allow(clippy::too_many_arguments)]
    fn write_message(
        &self,
        origin: Origin,
        raw: &[u8],
        key: MessageKey,
        complete: bool,
        size: u64,
        understanding: Understanding,
        queued: Option<u64>,
        now: String,
    ) -> Result<Ingested, StoreError> {
        let mut message = inbound::Inbound::new(
            &origin,
            raw,
            &key,
            complete,
            size,
            &understanding,
            queued,
            &now,
        );
        if queued.is_none() {
            // Outside the transaction: sled's id generator is not
            // transactional (an unused id is only a gap).
            message.new_bytes_at = Some(self.db.generate_id()?);
        }
        // Taken off the understanding queue, another instance's write of the
        // same entry is found by the message's key (same transaction).
        self.inbound_transaction(None, |tx| inbound::write(tx, &message))
    }

    /// True when a message with these exact bytes is already stored.
    pub fn has_message(&self, raw: &[u8]) -> Result<bool, StoreError> {
        self.messages.contains_key(MessageKey::of(raw).0.as_bytes())
    }

    /// Responses stored but not yet acted on (qualified and routed), oldest first.
    pub fn pending_responses(&self) -> Result<Vec<u64>, StoreError> {
        self.pending
            .iter()
            .keys()
            .map(|k| Ok(u64_of(&k?)))
            .collect()
    }

    /// Marks a response acted on. Call after the action's own effects are
    /// written and flushed (they are idempotent, so whichever instance did
    /// them may clear the mark). A mark another instance holds right now
    /// (it is committing that response) is left to it.
    pub fn clear_pending(&self, id: u64) -> Result<(), StoreError> {
        let key = id.to_be_bytes().to_vec();
        kv::transaction_over(&[&self.pending], |t| {
            if !t[0].claim(std::slice::from_ref(&key))?.is_empty() {
                t[0].remove(key.as_slice())?;
            }
            Ok(())
        })
        .map_err(from_transaction)
    }

    pub fn response(&self, id: u64) -> Result<Option<ResponseRecord>, StoreError> {
        self.responses
            .get(id.to_be_bytes())?
            .map(|v| decode("responses", &v))
            .transpose()
    }

    pub fn message(&self, key: &MessageKey) -> Result<Option<MessageRecord>, StoreError> {
        self.messages
            .get(key.0.as_bytes())?
            .map(|v| decode("messages", &v))
            .transpose()
    }

    /// Deletes the raw bytes of messages stored before `cutoff` (data
    /// retention). The message record stays, marked `raw_complete = false`.
    /// Returns how many were purged. Not durable until flushed.
    pub fn purge_raw_before(&self, cutoff: jiff::Timestamp) -> Result<usize, StoreError> {
        let mut purged = 0;
        for item in self.messages.iter() {
            let (key, value) = item?;
            let mut record: MessageRecord = decode("messages", &value)?;
            let old = record
                .stored_at
                .parse::<jiff::Timestamp>()
                .is_ok_and(|t| t < cutoff);
            let key_text = MessageKey(String::from_utf8_lossy(&key).into_owned());
            if !old || !self.raw.purge(&key_text)? {
                continue;
            }
            record.raw_complete = false;
            self.messages.insert(key, encode_compact(&record))?;
            purged += 1;
        }
        Ok(purged)
    }

    /// A tree owned by a later stage (`leads`, `outbox`, `schedule`, ...).
    pub fn tree(&self, name: &str) -> Result<kv::Tree, StoreError> {
        self.db.open_tree(name)
    }

    /// Adds `by` to a kept counter outside an ingest transaction.
    pub fn add_to_counter(&self, name: &str, by: u64) -> Result<u64, StoreError> {
        let new = self.counters.update_and_fetch(name, |old| {
            let n = old.map(u64_of).unwrap_or(0);
            Some((n + by).to_be_bytes().to_vec())
        })?;
        Ok(new.map(|v| u64_of(&v)).unwrap_or(0))
    }

    /// A kept counter (`messages`, `responses`, `kind.lead`, ...).
    pub fn counter(&self, name: &str) -> Result<u64, StoreError> {
        Ok(self.counters.get(name)?.map(|v| u64_of(&v)).unwrap_or(0))
    }

    /// All responses in id order.
    pub fn responses(&self) -> impl Iterator<Item = Result<ResponseRecord, StoreError>> + '_ {
        self.responses
            .iter()
            .values()
            .map(|v| decode("responses", &v?))
    }

    pub fn messages(&self) -> impl Iterator<Item = Result<MessageRecord, StoreError>> + '_ {
        self.messages
            .iter()
            .values()
            .map(|v| decode("messages", &v?))
    }

    pub fn raw(&self, key: &MessageKey) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.raw.value_of(key)?.map(|v| v[1..].to_vec()))
    }

    pub fn contact(&self, email: &str) -> Result<Option<ContactRecord>, StoreError> {
        self.contacts
            .get(email.as_bytes())?
            .map(|v| decode("contacts", &v))
            .transpose()
    }

    /// Every interaction of one contact, oldest first.
    pub fn interactions(&self, email: &str) -> Result<Vec<Interaction>, StoreError> {
        let mut prefix = email.as_bytes().to_vec();
        prefix.push(0);
        self.interactions
            .scan_prefix(prefix)
            .values()
            .map(|v| decode("interactions", &v?))
            .collect()
    }

    /// Adds an event or an outbound email to a contact's timeline (inbound
    /// mail is recorded by [`Store::ingest`]). `tag` (a Message-ID, a lead id
    /// and step) makes the key unique, so writing the same interaction again,
    /// as a replay after a crash does, changes nothing.
    pub fn record_interaction(
        &self,
        interaction: &Interaction,
        tag: &str,
    ) -> Result<(), StoreError> {
        let mut k = interaction.contact.as_bytes().to_vec();
        k.push(0);
        k.extend_from_slice(interaction.at.as_bytes());
        k.push(0);
        k.extend_from_slice(tag.as_bytes());
        self.interactions.insert(k, encode_compact(interaction))?;
        Ok(())
    }

    /// Takes a response that turned out to be internal (a rep answering a
    /// sales notification to claim the lead) out of the `responses` tree and
    /// counter, into `internal_responses` (counter `internal`). Nothing is
    /// deleted: the record moves and the raw message stays. Idempotent;
    /// returns whether it moved.
    pub fn mark_internal(&self, id: u64) -> Result<bool, StoreError> {
        let internal = self.db.open_tree("internal_responses")?;
        let key = id.to_be_bytes();
        let result = (&self.responses, &self.counters, &internal).transaction(
            |(responses, counters, internal)| {
                let Some(value) = responses.remove(&key)? else {
                    return Ok(false);
                };
                internal.insert(&key, value)?;
                let n = counters.get("responses")?.map(|v| u64_of(&v)).unwrap_or(0);
                counters.insert("responses", &n.saturating_sub(1).to_be_bytes())?;
                bump(counters, "internal")?;
                Ok(true)
            },
        );
        result.map_err(from_transaction)
    }

    /// A response moved aside by [`Store::mark_internal`].
    pub fn internal_response(&self, id: u64) -> Result<Option<ResponseRecord>, StoreError> {
        self.db
            .open_tree("internal_responses")?
            .get(id.to_be_bytes())?
            .map(|v| decode("internal_responses", &v))
            .transpose()
    }

    pub fn imap_cursor(&self, mailbox: &str) -> Result<Option<ImapCursor>, StoreError> {
        self.cursors
            .get(mailbox.as_bytes())?
            .map(|v| decode("cursors", &v))
            .transpose()
    }

    /// Records how far a mailbox is acknowledged. Written after the ack; losing
    /// it only makes the next run re-read messages that dedupe then skips.
    pub fn set_imap_cursor(&self, mailbox: &str, cursor: &ImapCursor) -> Result<(), StoreError> {
        self.cursors
            .insert(mailbox.as_bytes(), encode_compact(cursor))?;
        Ok(())
    }

    /// Fills a response's missing contact fields (and interest) from a
    /// duplicate of it (batch import merges), and its contact record alike.
    /// Only adds: a value already known is never replaced.
    pub fn enrich_response(
        &self,
        id: u64,
        extra: &crate::understand::Contact,
        interest: Option<&str>,
    ) -> Result<bool, StoreError> {
        let key = id.to_be_bytes();
        let result = (&self.responses, &self.contacts).transaction(|(responses, contacts)| {
            let Some(v) = responses.get(key)? else {
                return Ok(false);
            };
            let mut record: ResponseRecord =
                decode("responses", &v).map_err(ConflictableTransactionError::Abort)?;
            record.contact = crate::understand::merge_contact(record.contact.clone(), extra);
            if record.interest.is_none() {
                record.interest = interest.map(str::to_string);
            }
            responses.insert(&key, encode_compact(&record))?;
            if let Some(email) = &record.contact.email {
                upsert_contact(contacts, email, &now_rfc3339(), |c| {
                    c.contact = crate::understand::merge_contact(c.contact.clone(), extra);
                })?;
            }
            Ok(true)
        });
        result.map_err(from_transaction)
    }

    /// Replaces a stored message's understanding with a new reading of the
    /// same raw bytes (`carousel reprocess`), in one transaction:
    /// - the message record takes the new understanding and kind;
    /// - its responses are rewritten in place (same ids, same `received_at`),
    ///   and responses the new reading adds get new ids and go to `pending`,
    ///   so the act stage routes them once;
    /// - a response in `requeue` (the caller knows no lead was opened for it)
    ///   that now reads as a lead goes back to `pending` too;
    /// - contacts, the inbound interaction and the kind counters follow.
    ///
    /// Never drops anything: when the new reading has fewer responses than
    /// are stored, nothing is changed and [`Reread::Kept`] says so. Returns
    /// [`Reread::Unchanged`] when the reading is the stored one, so a second
    /// run changes nothing. Not durable until flushed.
    pub fn reunderstand(
        &self,
        key: &MessageKey,
        understanding: &Understanding,
        requeue: &std::collections::HashSet<u64>,
    ) -> Result<Reread, StoreError> {
        let Some(current) = self.message(key)? else {
            return Ok(Reread::Unchanged);
        };
        if &current.understanding == understanding {
            return Ok(Reread::Unchanged);
        }
        let wanted = response_count(understanding);
        if wanted < current.responses.len() {
            return Ok(Reread::Kept);
        }
        let ids: Vec<u64> = (current.responses.len()..wanted)
            .map(|_| self.db.generate_id())
            .collect::<Result<_, _>>()?;
        let trees = (
            &self.messages,
            &self.responses,
            &self.contacts,
            &self.interactions,
            &self.counters,
            &self.pending,
        );
        let result = trees.transaction(
            |(messages_t, responses_t, contacts_t, interactions_t, counters_t, pending_t)| {
                let Some(v) = messages_t.get(key.0.as_bytes())? else {
                    return Ok(Reread::Unchanged);
                };
                let mut record: MessageRecord =
                    decode("messages", &v).map_err(ConflictableTransactionError::Abort)?;
                if &record.understanding == understanding {
                    return Ok(Reread::Unchanged);
                }
                let old_ids = record.responses.clone();
                let mut updated = Vec::new();
                let mut added = Vec::new();
                for index in 0..wanted {
                    let (id, old) = match old_ids.get(index) {
                        Some(&id) => match responses_t.get(id.to_be_bytes())? {
                            Some(v) => (
                                id,
                                Some(
                                    decode::<ResponseRecord>("responses", &v)
                                        .map_err(ConflictableTransactionError::Abort)?,
                                ),
                            ),
                            // Moved aside as internal (a rep's claim): left alone.
                            None => continue,
                        },
                        None => (ids[index - old_ids.len()], None),
                    };
                    let received_at = old
                        .as_ref()
                        .map_or(record.stored_at.as_str(), |o| o.received_at.as_str());
                    let new = ResponseRecord::from_understanding(
                        understanding,
                        index,
                        id,
                        key,
                        &record.origin.mailbox,
                        received_at,
                    );
                    if old.as_ref() == Some(&new) {
                        continue;
                    }
                    responses_t.insert(&id.to_be_bytes(), encode_compact(&new))?;
                    let requeued = old.is_some() && new.kind == Kind::Lead && requeue.contains(&id);
                    if old.is_none() || requeued {
                        pending_t.insert(&id.to_be_bytes(), &[])?;
                    }
                    if let Some(email) = &new.contact.email {
                        let new_contact =
                            old.as_ref().and_then(|o| o.contact.email.as_ref()) != Some(email);
                        upsert_contact(contacts_t, email, &record.stored_at, |c| {
                            c.contact =
                                crate::understand::merge_contact(new.contact.clone(), &c.contact);
                            if new_contact {
                                c.responses += 1;
                            }
                        })?;
                    }
                    if old.is_none() {
                        added.push(id);
                        bump(counters_t, "responses")?;
                    } else {
                        updated.push((id, requeued));
                    }
                }
                // Reprocessing may put the message on a new timeline (a lead
                // now read with the prospect's address): add only those lines.
                let before: Vec<String> = interaction_contacts(&record.understanding)
                    .into_iter()
                    .map(|(email, _)| email)
                    .collect();
                for (email, summary) in interaction_contacts(understanding) {
                    if before.contains(&email) {
                        continue;
                    }
                    record_inbound_interaction(
                        interactions_t,
                        understanding,
                        key,
                        &record.stored_at,
                        email,
                        summary,
                    )?;
                }
                if record.kind != understanding.kind {
                    let old_kind = format!("kind.{}", record.kind.as_str());
                    let n = counters_t.get(&old_kind)?.map(|v| u64_of(&v)).unwrap_or(0);
                    counters_t.insert(old_kind.as_str(), &n.saturating_sub(1).to_be_bytes())?;
                    bump(counters_t, &format!("kind.{}", understanding.kind.as_str()))?;
                }
                record.kind = understanding.kind;
                record.understanding = understanding.clone();
                record.responses.extend(added.iter().copied());
                messages_t.insert(key.0.as_bytes(), encode_compact(&record))?;
                Ok(Reread::Changed { updated, added })
            },
        );
        result.map_err(from_transaction)
    }

    /// The underlying database, for stages that keep their own trees.
    pub fn db(&self) -> &kv::Db {
        &self.db
    }
}

/// What [`Store::reunderstand`] did to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reread {
    /// The new reading is the stored one.
    Unchanged,
    /// The new reading has fewer responses than are stored: nothing changed,
    /// because a stored lead is never dropped.
    Kept,
    /// The message record now carries the new reading.
    Changed {
        /// Responses rewritten in place, with whether each went back to
        /// `pending` (it reads as a lead now and none was opened before).
        updated: Vec<(u64, bool)>,
        /// Responses the new reading adds (pending, to be routed once).
        added: Vec<u64>,
    },
}

impl Store {
    /// True when a response waits for the act stage.
    pub fn is_pending(&self, id: u64) -> Result<bool, StoreError> {
        self.pending.contains_key(id.to_be_bytes())
    }
}

/// How many responses a message makes: one per lead, one for a reply, none
/// for bounces, auto-replies and other mail.
pub fn response_count(u: &Understanding) -> usize {
    match u.kind {
        Kind::Lead => u.leads.len(),
        Kind::Reply => 1,
        _ => 0,
    }
}

/// A failed transaction as a store error: our abort, or sled's own.
/// Whether `e` (or one of its causes) is a commit refused by a lease fence:
/// the stage stops its pass quietly and its work stays queued for the
/// lease's new holder (see [`leases`]).
pub fn lease_lost(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<StoreError>()
            .is_some_and(StoreError::is_lease_lost)
    })
}

fn from_transaction(e: TransactionError<StoreError>) -> StoreError {
    match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => e,
    }
}

/// Updates a contact record inside a transaction, creating it when new.
fn upsert_contact(
    contacts: &TransactionalTree,
    email: &str,
    now: &str,
    change: impl FnOnce(&mut ContactRecord),
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let mut record = match contacts.get(email.as_bytes())? {
        Some(v) => decode("contacts", &v).map_err(ConflictableTransactionError::Abort)?,
        None => ContactRecord {
            contact: crate::understand::Contact {
                email: Some(email.to_string()),
                ..Default::default()
            },
            first_seen: now.to_string(),
            ..Default::default()
        },
    };
    record.last_seen = now.to_string();
    change(&mut record);
    contacts.insert(email.as_bytes(), encode_packed(&record))?;
    Ok(())
}

/// Bounces and auto-replies update the contact instead of making a response.
fn note_noise(
    contacts: &TransactionalTree,
    u: &Understanding,
    now: &str,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    match u.kind {
        Kind::Bounce => {
            for bounce in &u.bounces {
                if let Some(email) = &bounce.recipient {
                    let email = crate::understand::normalize_email(email);
                    // Only a hard bounce marks the address undeliverable (and so
                    // suppresses it); a soft one is counted with its reason.
                    upsert_contact(contacts, &email, now, |c| {
                        if bounce.hard {
                            c.hard_bounced = true;
                        } else {
                            c.soft_bounces += 1;
                        }
                        if bounce.reason.is_some() {
                            c.last_bounce_reason = bounce.reason.clone();
                        }
                    })?;
                }
            }
        }
        Kind::AutoReply => {
            if let Some(email) = &u.contact.email {
                let back = u.auto_reply.as_ref().and_then(|a| a.return_date.clone());
                upsert_contact(contacts, email, now, |c| {
                    c.auto_replies += 1;
                    if back.is_some() {
                        c.away_until = back;
                    }
                })?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `contact.bounced` for each failed recipient of a bounce, staged for the
/// hand-off in the ingest transaction (`None`: no endpoint wants events).
fn stage_bounce_events(
    handoff: Option<&TransactionalTree>,
    u: &Understanding,
    key: &MessageKey,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let Some(handoff) = handoff.filter(|_| u.kind == Kind::Bounce) else {
        return Ok(());
    };
    for bounce in &u.bounces {
        if let Some(email) = &bounce.recipient {
            let email = crate::understand::normalize_email(email);
            let event = crate::store::events::contact_bounced(&key.0, &email, bounce);
            crate::store::events::queue::stage(handoff, &event)?;
        }
    }
    Ok(())
}

/// What the timeline line says besides kind and subject: an auto-reply's
/// return date and stand-in, else the understanding's note.
fn interaction_summary(u: &Understanding) -> Option<String> {
    let auto = u.auto_reply.as_ref().and_then(|a| a.summary());
    match (auto, &u.note) {
        (Some(a), Some(n)) => Some(format!("{a}; {n}")),
        (Some(a), None) => Some(a),
        (None, note) => note.clone(),
    }
}

/// Whose timelines an inbound message belongs on, each with its summary: a
/// bounce goes on every failed recipient's timeline, saying whether it was
/// hard and why ("soft bounce: blocked (5.7.1)").
fn interaction_contacts(u: &Understanding) -> Vec<(String, Option<String>)> {
    match u.kind {
        Kind::Bounce => {
            let mut out: Vec<(String, Option<String>)> = Vec::new();
            for b in &u.bounces {
                let Some(email) = b
                    .recipient
                    .as_deref()
                    .map(crate::understand::normalize_email)
                else {
                    continue;
                };
                if out.iter().any(|(e, _)| *e == email) {
                    continue;
                }
                out.push((email, Some(bounce_summary(b))));
            }
            out
        }
        Kind::Lead => u
            .leads
            .first()
            .and_then(|l| l.contact.email.clone())
            .map(|e| (e, u.note.clone()))
            .into_iter()
            .collect(),
        _ => u
            .contact
            .email
            .clone()
            .map(|e| (e, interaction_summary(u)))
            .into_iter()
            .collect(),
    }
}

/// "hard bounce: userunknown (5.1.1)", "soft bounce: blocked (5.7.1)".
fn bounce_summary(b: &crate::understand::Bounce) -> String {
    let mut s = format!(
        "{} bounce: {}",
        if b.hard { "hard" } else { "soft" },
        b.reason.as_deref().unwrap_or("undefined")
    );
    if let Some(status) = &b.status {
        s.push_str(&format!(" ({status})"));
    }
    s
}

/// Puts inbound message `key` (read as `u`, received `at`) on `email`'s
/// timeline with `summary`, in the caller's transaction.
fn record_inbound_interaction(
    interactions: &TransactionalTree,
    u: &Understanding,
    key: &MessageKey,
    at: &str,
    email: String,
    summary: Option<String>,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let row = interaction_key(&email, at, key);
    let interaction = Interaction {
        at: at.to_string(),
        contact: email,
        direction: Direction::Inbound,
        kind: u.kind.as_str().to_string(),
        message: Some(key.clone()),
        subject: u.envelope.subject.clone(),
        summary,
    };
    interactions.insert(row, encode_compact(&interaction))?;
    Ok(())
}

fn interaction_key(email: &str, at: &str, key: &MessageKey) -> Vec<u8> {
    let mut k = email.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(at.as_bytes());
    k.push(0);
    k.extend_from_slice(key.0.as_bytes());
    k
}

fn message_id_key(mailbox: &str, message_id: &str, body: &[u8]) -> Vec<u8> {
    let mut k = mailbox.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(message_id.trim().as_bytes());
    k.push(0);
    k.extend_from_slice(MessageKey::of(body).0.as_bytes());
    k
}

/// The bytes after the header block.
fn body_of(raw: &[u8]) -> &[u8] {
    &raw[crate::understand::headers_of(raw).len()..]
}

fn bump(
    counters: &TransactionalTree,
    name: &str,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let n = counters.get(name)?.map(|v| u64_of(&v)).unwrap_or(0);
    counters.insert(name, &(n + 1).to_be_bytes())?;
    Ok(())
}

fn u64_of(v: &[u8]) -> u64 {
    v.try_into().map(u64::from_be_bytes).unwrap_or(0)
}

/// How raw bytes are kept: the version byte, then the bytes as received.
fn raw_value(raw: &[u8]) -> Vec<u8> {
    let mut value = Vec::with_capacity(raw.len() + 1);
    value.push(CODEC_VERSION);
    value.extend_from_slice(raw);
    value
}

/// Version byte + JSON: for records whose shape serde attributes bend
/// (skipped or flattened fields, untyped values), which only a
/// self-describing format reads back. Typed store records use [`encode_compact`].
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![CODEC_VERSION];
    serde_json::to_writer(&mut out, value).expect("records serialise to JSON");
    out
}

/// Set once a shared (PostgreSQL) store is opened in this process: records
/// are then written as JSON, which the database's views can read (see
/// `kv::pg`). A sled store opened by the same process (`migrate`, tests)
/// writes JSON too, which [`decode`] reads as well.
static SELF_DESCRIBING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Version byte 2 + postcard: a third to a half the size of JSON, and no
/// text to parse. Only for types whose fields are always written (no
/// `skip_serializing_if`, no untyped JSON values): postcard is not self-describing.
pub fn encode_compact<T: Serialize>(value: &T) -> Vec<u8> {
    if SELF_DESCRIBING.load(std::sync::atomic::Ordering::Relaxed) {
        return encode(value);
    }
    let mut out = vec![COMPACT_VERSION];
    postcard::to_io(value, &mut out).expect("records serialise to postcard");
    out
}

/// Version byte 3 + packed JSON ([`packed`]): for records postcard cannot
/// read back (skipped fields, tagged enums: leads, contacts). Self-describing
/// like JSON, so any reader of the record's JSON (typed or untyped) reads it;
/// about half the size. JSON on a shared store, as [`encode_compact`].
pub fn encode_packed<T: Serialize>(value: &T) -> Vec<u8> {
    if SELF_DESCRIBING.load(std::sync::atomic::Ordering::Relaxed) {
        return encode(value);
    }
    let value = serde_json::to_value(value).expect("records serialise to JSON");
    let mut out = vec![PACKED_VERSION];
    packed::write(&value, &mut out);
    out
}

/// Reads a value written by [`encode`], [`encode_compact`] or
/// [`encode_packed`], told apart by the first byte, so a store written
/// before the compact codecs still reads.
pub fn decode<T: DeserializeOwned>(tree: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    let codec = |detail: String| StoreError::Codec { tree, detail };
    match bytes.split_first() {
        Some((&CODEC_VERSION, body)) => {
            serde_json::from_slice(body).map_err(|e| codec(e.to_string()))
        }
        Some((&COMPACT_VERSION, body)) => {
            postcard::from_bytes(body).map_err(|e| codec(e.to_string()))
        }
        Some((&PACKED_VERSION, body)) => packed::read(body)
            .map_err(|e| codec(e.to_string()))
            .and_then(|v| serde_json::from_value(v).map_err(|e| codec(e.to_string()))),
        Some((v, _)) => Err(codec(format!("unknown record version {v}"))),
        None => Err(codec("empty record".into())),
    }
}

pub fn now_rfc3339() -> String {
    jiff::Timestamp::now().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::{Envelope, Lead};

    fn lead_message(n: u32) -> (Vec<u8>, Understanding) {
        let mut u = Understanding::other(Envelope::default(), "");
        u.kind = Kind::Lead;
        u.leads = vec![Lead::default()];
        (format!("Subject: lead {n}\r\n\r\nbody").into_bytes(), u)
    }

    #[test]
    fn response_ids_are_dense_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let mut ids = Vec::new();
        for n in 0..3 {
            let store = Store::open(dir.path(), 8).unwrap();
            let (raw, u) = lead_message(n);
            let origin = Origin {
                mailbox: "m".into(),
                reference: n.to_string(),
            };
            match store.ingest(origin, &raw, true, 1, u).unwrap() {
                Ingested::New { responses, .. } => ids.extend(responses),
                other => panic!("{other:?}"),
            }
            store.flush_sync().unwrap();
        }
        assert_eq!(
            ids,
            [
                FIRST_RESPONSE_ID,
                FIRST_RESPONSE_ID + 1,
                FIRST_RESPONSE_ID + 2
            ]
        );
    }
}
