//! Ingest: the sources (Maildir, IMAP, HTTP intake, CSV import) and the
//! doors a message passes through. Mailbox sources hand whole batches to
//! [`Intake::receive`] (raw bytes + a queue entry, one transaction), flush
//! with [`Intake::commit`] and only then acknowledge; the understanding
//! stage ([`understanding`]) reads the queue behind them. HTTP intake and
//! import use [`Intake::accept`]: size limit → understand (panic-proof) →
//! store in one transaction, because their caller waits for the verdict.

pub mod config;
pub mod imap;
pub mod import;
pub mod maildir;
pub mod synthetic;
pub mod understanding;

use std::sync::Arc;

use self::config::Limits;
use crate::store::model::Origin;
use crate::store::received::{Admitted, Incoming};
use crate::store::{Ingested, Store, StoreError};
use crate::understand::{Context, Envelope, Understanding};
pub use crate::understand::{headers_of, understand_safely};
pub use crate::wake::Wakeups;

/// Everything a source needs to hand a message over.
#[derive(Clone)]
pub struct Intake {
    pub store: Store,
    pub ctx: Arc<Context>,
    pub limits: Limits,
    pub wake: Arc<Wakeups>,
}

impl Intake {
    /// Understands and stores one complete message. Not durable until the store is flushed.
    pub fn accept(&self, origin: Origin, raw: &[u8]) -> Result<Ingested, StoreError> {
        if raw.len() as u64 > self.limits.max_message_bytes {
            return self.accept_oversized(origin, headers_of(raw), raw.len() as u64);
        }
        let understanding = understand_safely(raw, &self.ctx);
        self.accept_understood(origin, raw, understanding)
    }

    /// Stores a batch as received (raw bytes + queue entries, one
    /// transaction) off the async reactor. Not durable until [`Intake::commit`].
    pub async fn receive(&self, batch: Vec<Incoming>) -> anyhow::Result<Vec<Admitted>> {
        let store = self.store.clone();
        Ok(tokio::task::spawn_blocking(move || store.receive(&batch)).await??)
    }

    /// Makes everything received or accepted so far durable, then wakes the
    /// understanding and act stages. A source acknowledges its messages only
    /// after this returns.
    pub async fn commit(&self, mailbox: &str) -> anyhow::Result<()> {
        use anyhow::Context as _;
        self.store
            .flush()
            .await
            .with_context(|| format!("mailbox {mailbox}: flushing store"))?;
        self.wake.received.notify_one();
        // And the other instances sharing the store (their slots' entries).
        self.store.db().notify(crate::store::kv::WAKE_RECEIVED);
        Ok(())
    }

    /// Stores a message already understood (see [`Intake::understand_all`]).
    pub fn accept_understood(
        &self,
        origin: Origin,
        raw: &[u8],
        understanding: Understanding,
    ) -> Result<Ingested, StoreError> {
        if raw.len() as u64 > self.limits.max_message_bytes {
            return self.accept_oversized(origin, headers_of(raw), raw.len() as u64);
        }
        self.settle(raw, understanding, |u| {
            self.store.ingest(origin, raw, true, raw.len() as u64, u)
        })
    }

    /// Writes the understanding of a message taken off the understanding
    /// queue, and takes it off (one transaction; see [`Store::record_understood`]).
    pub fn record_queued(
        &self,
        queued: &crate::store::received::Queued,
        raw: &[u8],
        understanding: Understanding,
    ) -> Result<Ingested, StoreError> {
        self.settle(raw, understanding, |u| {
            self.store.record_understood(queued, raw, u)
        })
    }

    /// The checks every understood message passes before `write` stores it
    /// (flood limit), and the notes after (metrics, deliverability).
    fn settle(
        &self,
        raw: &[u8],
        understanding: Understanding,
        write: impl FnOnce(Understanding) -> Result<Ingested, StoreError>,
    ) -> Result<Ingested, StoreError> {
        let understanding = self.screen(raw, understanding)?;
        let bounces = understanding.bounces.clone();
        let result = write(understanding)?;
        self.note_stored(&result, &bounces)?;
        Ok(result)
    }

    /// Before storing: a sender over its hourly limit has its message kept
    /// as `other`, with the reason (see [`crate::abuse::flood_check`]).
    fn screen(
        &self,
        raw: &[u8],
        understanding: Understanding,
    ) -> Result<Understanding, StoreError> {
        Ok(
            match crate::abuse::flood_check(
                &self.store,
                raw,
                &understanding,
                self.limits.max_inbound_per_sender_per_hour,
                jiff::Timestamp::now(),
            )? {
                Some(note) => Understanding::other(understanding.envelope, &note),
                None => understanding,
            },
        )
    }

    /// After storing: metrics, and for a new bounce the sender-side blocks
    /// it reports (`bounces` is empty for any other kind).
    fn note_stored(
        &self,
        result: &Ingested,
        bounces: &[crate::understand::Bounce],
    ) -> Result<(), StoreError> {
        metrics_for(result);
        if let Ingested::New { kind, .. } = result
            && *kind == crate::understand::Kind::Bounce
        {
            // Several recipients at one domain blocked for a sender-side
            // reason: warn the operator (log, metric, report).
            crate::deliverability::note(&self.store, bounces, jiff::Timestamp::now())?;
        }
        Ok(())
    }

    /// Understands a batch of messages on every core, results in input order.
    /// Understanding is pure and CPU-bound, and it is most of ingest's cost,
    /// so a batch is understood in parallel and then stored one by one.
    /// Oversized messages get a placeholder; `accept_understood` records them
    /// by their headers. A worker that dies is an error for the whole batch:
    /// a short result would pair later understandings with the wrong messages.
    pub fn understand_all(&self, raws: &[&[u8]]) -> Result<Vec<Understanding>, WorkerFailed> {
        map_on_every_core(raws, |raw| {
            if raw.len() as u64 > self.limits.max_message_bytes {
                Understanding::other(Envelope::default(), "over the size limit")
            } else {
                understand_safely(raw, &self.ctx)
            }
        })
    }

    /// Records a message over the size limit by its headers only, with the reason.
    pub fn accept_oversized(
        &self,
        origin: Origin,
        headers: &[u8],
        size: u64,
    ) -> Result<Ingested, StoreError> {
        tracing::warn!(mailbox = %origin.mailbox, reference = %origin.reference, size, "over the size limit; headers kept, body not read");
        let understanding = self.understand_oversized(headers, size);
        self.store
            .ingest(origin, headers, false, size, understanding)
    }

    /// What is known of a message over the size limit: its envelope, and why
    /// nothing more.
    pub fn understand_oversized(&self, headers: &[u8], size: u64) -> Understanding {
        let reason = format!(
            "over the size limit: {size} bytes > {} bytes; headers kept, body not read",
            self.limits.max_message_bytes
        );
        // Hostile headers must not take ingest down (mail-parser can panic).
        let envelope = std::panic::catch_unwind(|| {
            mail_parser::MessageParser::default()
                .parse_headers(headers)
                .map(|m| crate::understand::envelope_of(&m))
        })
        .ok()
        .flatten()
        .unwrap_or_default();
        Understanding::other(envelope, &reason)
    }
}

/// A worker thread of [`map_on_every_core`] died: the batch has no result.
#[derive(Debug, thiserror::Error)]
#[error("an understanding worker failed; the batch is left to be retried")]
pub struct WorkerFailed;

/// `items.iter().map(f)` spread over every core, results in input order.
/// All or nothing: when a worker dies, the result is an error, never a
/// shorter vector whose entries no longer line up with `items`.
pub fn map_on_every_core<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, WorkerFailed> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    map_on_workers(items, workers, f)
}

fn map_on_workers<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, WorkerFailed> {
    if workers < 2 || items.len() < 8 {
        return Ok(items.iter().map(&f).collect());
    }
    // Each worker takes the next item as it finishes one (not a fixed half
    // each): kinds cluster in a mailbox, and a reply costs several times a
    // bounce, so fixed halves leave a core idle while the other finishes.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (next, f) = (&next, &f);
    let take = move || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.min(items.len()))
            .map(|_| scope.spawn(take))
            .collect();
        let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
        for handle in handles {
            for (i, r) in handle.join().map_err(|_| WorkerFailed)? {
                slots[i] = Some(r);
            }
        }
        // Every index was taken by exactly one worker, and every worker
        // returned: a hole would mean a lost result.
        slots.into_iter().map(|r| r.ok_or(WorkerFailed)).collect()
    })
}

fn metrics_for(result: &Ingested) {
    if let Ingested::New { kind, .. } = result {
        tracing::debug!(kind = kind.as_str(), "stored");
        crate::metrics::ingested(kind.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_worker_fails_the_batch_instead_of_shortening_it() {
        let items: Vec<u32> = (0..64).collect();
        let doubled = map_on_workers(&items, 4, |n| n * 2).unwrap();
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        let failed = map_on_workers(&items, 4, |n| {
            assert!(*n != 3, "worker dies on item 3");
            *n
        });
        assert!(failed.is_err(), "got {failed:?}");
    }
}
