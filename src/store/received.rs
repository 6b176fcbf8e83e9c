//! The first durable step of every mailbox message: raw bytes plus a small
//! record in the understanding queue, a whole batch in one transaction.
//! A source acknowledges the batch once it is flushed; the understanding
//! stage then takes entries off the queue in order, and writes a batch of
//! understandings and removes their entries in one transaction
//! ([`Store::record_understood_batch`]), so a crash between any two steps
//! leaves the entries queued and nothing half-written.

use super::kv::Transactional;
use serde::{Deserialize, Serialize};

use super::inbound::{self, Inbound};
use super::model::{MessageKey, Origin};
use super::{Ingested, Store, StoreError, decode, encode_compact, from_transaction, raw_value};
use crate::understand::Understanding;

/// The tree holding the queue: key = arrival sequence (u64 big-endian).
pub const QUEUE: &str = "understand_queue";

/// A message as a source hands it over, before anything is understood.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub origin: Origin,
    /// The whole message, or only its headers when it is over the size limit.
    pub raw: Vec<u8>,
    /// False when `raw` is only the headers.
    pub complete: bool,
    /// The message's size at the source.
    pub size: u64,
}

/// What the queue remembers of a received message until it is understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    pub key: MessageKey,
    pub origin: Origin,
    pub size: u64,
    pub complete: bool,
    /// When carousel received it (RFC 3339).
    pub received_at: String,
}

/// What [`Store::receive`] did with one message of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admitted {
    /// Raw bytes stored and queued for understanding.
    Queued,
    /// The same bytes are stored (or queued) already.
    Duplicate,
}

/// One entry taken off the queue: its place and what was received.
#[derive(Debug, Clone)]
pub struct Queued {
    pub seq: u64,
    pub received: Received,
}

impl Store {
    /// Stores a batch of messages as received (raw bytes + a queue entry
    /// each) in one transaction, skipping bytes already stored. Not durable
    /// until [`Store::flush`]; a source acknowledges the batch after that.
    pub fn receive(&self, batch: &[Incoming]) -> Result<Vec<Admitted>, StoreError> {
        // Ids outside the transaction: sled's generator is not transactional,
        // and a gap in the sequence is harmless (it only orders the queue).
        let seqs: Vec<u64> = batch
            .iter()
            .map(|_| self.db.generate_id())
            .collect::<Result<_, _>>()?;
        let keys: Vec<MessageKey> = batch.iter().map(|m| MessageKey::of(&m.raw)).collect();
        let now = super::now_rfc3339();
        let result = (
            &self.raw.by_seq,
            &self.raw.index,
            &self.understand_queue,
            &self.leases,
        )
            .transaction(|(raw_t, index_t, queue_t, leases_t)| {
                // Several instances: only the lease holder commits (see `leases`).
                for mailbox in batch
                    .iter()
                    .map(|m| &m.origin.mailbox)
                    .collect::<std::collections::BTreeSet<_>>()
                {
                    self.fence.check(leases_t, mailbox)?;
                }
                let mut admitted = Vec::with_capacity(batch.len());
                for ((message, key), seq) in batch.iter().zip(&keys).zip(&seqs) {
                    let k = key.0.as_bytes();
                    // The index outlives the bytes (retention purges only
                    // the bytes), so it alone says "stored before".
                    if index_t.get(k)?.is_some() {
                        admitted.push(Admitted::Duplicate);
                        continue;
                    }
                    // The bytes under the queue entry's own sequence: both
                    // appended at the right edge of their trees.
                    let seq_key = seq.to_be_bytes();
                    raw_t.insert(&seq_key, raw_value(&message.raw))?;
                    index_t.insert(k, &seq_key)?;
                    let received = Received {
                        key: key.clone(),
                        origin: message.origin.clone(),
                        size: message.size,
                        complete: message.complete,
                        received_at: now.clone(),
                    };
                    queue_t.insert(&seq_key, encode_compact(&received))?;
                    admitted.push(Admitted::Queued);
                }
                Ok(admitted)
            });
        result.map_err(from_transaction)
    }

    /// Up to `max` queued messages, oldest first.
    pub fn queued(&self, max: usize) -> Result<Vec<Queued>, StoreError> {
        self.queued_after(None, max)
    }

    /// Up to `max` queued messages after the entry `after` (all when
    /// `None`), oldest first: the next batch while one is still being written.
    pub fn queued_after(&self, after: Option<u64>, max: usize) -> Result<Vec<Queued>, StoreError> {
        let start = after.map_or(0, |seq| seq.saturating_add(1));
        self.understand_queue
            .range(start.to_be_bytes()..)
            .take(max)
            .map(|item| {
                let (k, v) = item?;
                Ok(Queued {
                    seq: super::u64_of(&k),
                    received: decode("understand_queue", &v)?,
                })
            })
            .collect()
    }

    /// How many received messages wait for understanding.
    pub fn queued_len(&self) -> usize {
        self.understand_queue.len()
    }

    /// Writes what a queued message was understood to be (message record,
    /// responses, contacts, timeline) and takes it off the queue, in one
    /// transaction: a crash before leaves it queued, after leaves it done.
    pub fn record_understood(
        &self,
        queued: &Queued,
        raw: &[u8],
        understanding: Understanding,
    ) -> Result<Ingested, StoreError> {
        let r = &queued.received;
        self.write_message(
            r.origin.clone(),
            raw,
            r.key.clone(),
            r.complete,
            r.size,
            understanding,
            Some(queued.seq),
            r.received_at.clone(),
        )
    }

    /// [`Store::record_understood`] for a whole batch in one transaction:
    /// the batch's queue entries are claimed
    /// ([`TransactionalTree::claim`](super::kv::TransactionalTree::claim)),
    /// and every claimed message's records are written and its entry
    /// removed, or (on an error) none is. Results in input order; `None` for
    /// an entry another instance holds or has taken off already (several
    /// instances understand at once). One transaction holds sled's
    /// store-wide lock once instead of once per message.
    pub fn record_understood_batch(
        &self,
        batch: &[(&Queued, &[u8], &Understanding)],
    ) -> Result<Vec<Option<Ingested>>, StoreError> {
        let messages: Vec<Inbound<'_>> = batch
            .iter()
            .map(|(queued, raw, understanding)| {
                let r = &queued.received;
                Inbound::new(
                    &r.origin,
                    raw,
                    &r.key,
                    r.complete,
                    r.size,
                    understanding,
                    Some(queued.seq),
                    &r.received_at,
                )
            })
            .collect();
        let keys: Vec<Vec<u8>> = batch
            .iter()
            .map(|(q, _, _)| q.seq.to_be_bytes().to_vec())
            .collect();
        self.inbound_transaction(None, |tx| {
            let claimed: std::collections::BTreeSet<Vec<u8>> = tx
                .queue
                .claim(&keys)?
                .into_iter()
                .map(|(k, _)| k.to_vec())
                .collect();
            messages
                .iter()
                .zip(&keys)
                .map(|(m, key)| {
                    claimed
                        .contains(key)
                        .then(|| inbound::write(tx, m))
                        .transpose()
                })
                .collect()
        })
    }
}
