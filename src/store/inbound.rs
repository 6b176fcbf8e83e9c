//! Writing an understood inbound message: its record, responses, contacts,
//! timeline lines, counters, hand-off events and act's `pending` entries, in
//! a transaction over every tree that takes part. One message per
//! transaction ([`Store::ingest`]) or a whole understood batch
//! ([`Store::record_understood_batch`](super::Store::record_understood_batch)):
//! sled holds a store-wide lock while a transaction runs, so a message costs
//! far less inside a batch than in a transaction of its own.

use super::kv::{ConflictableTransactionError, TransactionalTree};

use super::model::{MessageKey, MessageRecord, Origin, ResponseRecord};
use super::{
    FIRST_RESPONSE_ID, Ingested, RESPONSE_SEQ, Store, StoreError, body_of, bump, encode_compact,
    from_transaction, interaction_contacts, message_id_key, note_noise, raw_value,
    record_inbound_interaction, response_count, stage_bounce_events, u64_of, upsert_contact,
};
use crate::understand::Understanding;

/// The trees an inbound message's write touches, inside one transaction.
pub(super) struct InboundTx<'t> {
    raw_seq: &'t TransactionalTree,
    raw_index: &'t TransactionalTree,
    messages: &'t TransactionalTree,
    message_ids: &'t TransactionalTree,
    responses: &'t TransactionalTree,
    contacts: &'t TransactionalTree,
    interactions: &'t TransactionalTree,
    counters: &'t TransactionalTree,
    pending: &'t TransactionalTree,
    /// `None` when no hand-off endpoint is configured: nothing is staged.
    handoff: Option<&'t TransactionalTree>,
    pub(super) queue: &'t TransactionalTree,
}

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

/// One understood message on its way into the store, with what can be
/// worked out before the transaction (which holds sled's store-wide lock).
pub(super) struct Inbound<'a> {
    pub origin: &'a Origin,
    /// The raw bytes, or only the headers when `complete` is false.
    pub raw: &'a [u8],
    pub key: &'a MessageKey,
    pub complete: bool,
    pub size: u64,
    pub understanding: &'a Understanding,
    /// Its entry in the understanding queue (its raw bytes are stored
    /// already, and the entry goes in the same transaction), or `None` for a
    /// message written in one step (raw bytes written here).
    pub queued: Option<u64>,
    /// For a message written in one step: the arrival sequence its raw
    /// bytes are stored under (taken from the id generator beforehand).
    pub new_bytes_at: Option<u64>,
    /// When it was received (RFC 3339).
    pub now: &'a str,
    /// `(mailbox, Message-ID, body hash)`: the re-delivery dedupe key.
    id_key: Option<Vec<u8>>,
}

impl<'a> Inbound<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        origin: &'a Origin,
        raw: &'a [u8],
        key: &'a MessageKey,
        complete: bool,
        size: u64,
        understanding: &'a Understanding,
        queued: Option<u64>,
        now: &'a str,
    ) -> Inbound<'a> {
        // Same Message-ID *and* same body in the same mailbox: a re-delivery
        // (other trace headers). A different body under a reused Message-ID
        // is a different message and is kept.
        let id_key = understanding
            .envelope
            .message_id
            .as_ref()
            .map(|id| message_id_key(&origin.mailbox, id, body_of(raw)));
        Inbound {
            origin,
            raw,
            key,
            complete,
            size,
            understanding,
            queued,
            new_bytes_at: None,
            now,
            id_key,
        }
    }
}

impl Store {
    /// Runs `f` in one transaction over every tree an inbound write touches.
    /// `f` may run more than once (sled retries on conflict): it must only
    /// read and write through the transaction.
    /// With `stage`, the commit is fenced by that stage's lease
    /// ([`Store::stage_transaction`]).
    pub(super) fn inbound_transaction<R>(
        &self,
        stage: Option<&str>,
        f: impl Fn(&InboundTx<'_>) -> TxResult<R>,
    ) -> Result<R, StoreError> {
        let trees = [
            &self.raw.by_seq,
            &self.raw.index,
            &self.messages,
            &self.message_ids,
            &self.responses,
            &self.contacts,
            &self.interactions,
            &self.counters,
            &self.pending,
            &self.handoff,
            &self.understand_queue,
        ];
        let run = |t: &[TransactionalTree]| {
            f(&InboundTx {
                raw_seq: &t[0],
                raw_index: &t[1],
                messages: &t[2],
                message_ids: &t[3],
                responses: &t[4],
                contacts: &t[5],
                interactions: &t[6],
                counters: &t[7],
                pending: &t[8],
                handoff: self.handoff_wanted().then_some(&t[9]),
                queue: &t[10],
            })
        };
        match stage {
            Some(stage) => self.stage_transaction(stage, &trees, run),
            None => super::kv::transaction_over(&trees, run).map_err(from_transaction),
        }
    }
}

/// Writes one message inside an inbound transaction, exactly once: a message
/// already stored (same bytes), or a re-delivery of one (same mailbox,
/// Message-ID and body), is a duplicate and only leaves the queue.
pub(super) fn write(tx: &InboundTx<'_>, m: &Inbound<'_>) -> TxResult<Ingested> {
    let key = m.key;
    if let Some(seq) = m.queued {
        tx.queue.remove(&seq.to_be_bytes())?;
    }
    if tx.messages.get(key.0.as_bytes())?.is_some() {
        return Ok(Ingested::Duplicate { key: key.clone() });
    }
    if let Some(id_key) = &m.id_key
        && let Some(existing) = tx.message_ids.get(id_key)?
    {
        let existing = MessageKey(String::from_utf8_lossy(&existing).into_owned());
        if m.queued.is_some() && existing != *key {
            // Received before it was known to be a re-delivery:
            // no record will point at these bytes.
            if let Some(seq) = tx.raw_index.remove(key.0.as_bytes())? {
                tx.raw_seq.remove(&u64_of(&seq).to_be_bytes())?;
            }
        }
        return Ok(Ingested::Duplicate { key: existing });
    }
    // Bytes already indexed (received, not yet understood) stay where they are.
    if let Some(seq) = m.new_bytes_at
        && tx.raw_index.get(key.0.as_bytes())?.is_none()
    {
        tx.raw_seq.insert(&seq.to_be_bytes(), raw_value(m.raw))?;
        tx.raw_index.insert(key.0.as_bytes(), &seq.to_be_bytes())?;
    }
    if let Some(id_key) = &m.id_key {
        tx.message_ids.insert(id_key.as_slice(), key.0.as_bytes())?;
    }
    let response_ids = write_responses(tx, m)?;
    let u = m.understanding;
    note_noise(tx.contacts, u, m.now)?;
    stage_bounce_events(tx.handoff, u, key)?;
    for (email, summary) in interaction_contacts(u) {
        record_inbound_interaction(tx.interactions, u, key, m.now, email, summary)?;
    }
    let record = MessageRecord {
        key: key.clone(),
        origin: m.origin.clone(),
        stored_at: m.now.to_string(),
        size: m.size,
        raw_complete: m.complete,
        kind: u.kind,
        understanding: u.clone(),
        responses: response_ids.clone(),
    };
    tx.messages
        .insert(key.0.as_bytes(), encode_compact(&record))?;
    bump(tx.counters, "messages")?;
    bump(tx.counters, &format!("kind.{}", u.kind.as_str()))?;
    add(tx.counters, "responses", response_ids.len() as u64)?;
    Ok(Ingested::New {
        key: key.clone(),
        kind: u.kind,
        responses: response_ids,
    })
}

/// The message's responses (one per lead, one for a reply), each pending
/// for act, with their contacts. Ids come from a counter inside the
/// transaction, so they are short, dense and survive restarts (sled's own
/// `generate_id` jumps by a million per start).
fn write_responses(tx: &InboundTx<'_>, m: &Inbound<'_>) -> TxResult<Vec<u64>> {
    let wanted = response_count(m.understanding) as u64;
    if wanted == 0 {
        return Ok(Vec::new());
    }
    let first = tx
        .counters
        .get(RESPONSE_SEQ)?
        .map(|v| u64_of(&v))
        .unwrap_or(FIRST_RESPONSE_ID - 1);
    tx.counters
        .insert(RESPONSE_SEQ, &(first + wanted).to_be_bytes())?;
    let ids: Vec<u64> = (first + 1..=first + wanted).collect();
    for (index, id) in ids.iter().enumerate() {
        let record = ResponseRecord::from_understanding(
            m.understanding,
            index,
            *id,
            m.key,
            &m.origin.mailbox,
            m.now,
        );
        tx.responses
            .insert(&id.to_be_bytes(), encode_compact(&record))?;
        // The act stage (qualify, route) picks it up from here.
        tx.pending.insert(&id.to_be_bytes(), &[])?;
        if let Some(email) = &record.contact.email {
            upsert_contact(tx.contacts, email, m.now, |c| {
                c.contact = crate::understand::merge_contact(record.contact.clone(), &c.contact);
                c.responses += 1;
            })?;
        }
    }
    Ok(ids)
}

/// Adds `by` to a counter (nothing when `by` is 0).
fn add(counters: &TransactionalTree, name: &str, by: u64) -> TxResult<()> {
    if by == 0 {
        return Ok(());
    }
    let n = counters.get(name)?.map(|v| u64_of(&v)).unwrap_or(0);
    counters.insert(name, &(n + by).to_be_bytes())?;
    Ok(())
}
