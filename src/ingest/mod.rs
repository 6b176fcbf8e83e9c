//! Ingest: the sources (Maildir, IMAP) and the one door every message passes
//! through, [`Intake::accept`]: size limit → understand (panic-proof) → store
//! in one transaction. The caller flushes the store before acknowledging.

pub mod config;
pub mod imap;
pub mod import;
pub mod maildir;
pub mod synthetic;

use std::sync::Arc;

use self::config::Limits;
use crate::store::model::Origin;
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

    /// Makes everything accepted so far durable, then wakes the act stage.
    /// A source acknowledges its messages only after this returns.
    pub async fn commit(&self, mailbox: &str) -> anyhow::Result<()> {
        use anyhow::Context as _;
        self.store
            .flush()
            .await
            .with_context(|| format!("mailbox {mailbox}: flushing store"))?;
        self.wake.responses.notify_one();
        Ok(())
    }

    /// Stores a message already understood (see [`Intake::understand_all`]).
    pub fn accept_understood(
        &self,
        origin: Origin,
        raw: &[u8],
        mut understanding: Understanding,
    ) -> Result<Ingested, StoreError> {
        if raw.len() as u64 > self.limits.max_message_bytes {
            return self.accept_oversized(origin, headers_of(raw), raw.len() as u64);
        }
        if let Some(note) = crate::abuse::flood_check(
            &self.store,
            raw,
            &understanding,
            self.limits.max_inbound_per_sender_per_hour,
            jiff::Timestamp::now(),
        )? {
            understanding = Understanding::other(understanding.envelope, &note);
        }
        let bounces = if understanding.kind == crate::understand::Kind::Bounce {
            understanding.bounces.clone()
        } else {
            Vec::new()
        };
        let result = self
            .store
            .ingest(origin, raw, true, raw.len() as u64, understanding)?;
        metrics_for(&result);
        if matches!(result, Ingested::New { .. }) {
            // Several recipients at one domain blocked for a sender-side
            // reason: warn the operator (log, metric, report).
            crate::deliverability::note(&self.store, &bounces, jiff::Timestamp::now())?;
        }
        Ok(result)
    }

    /// Understands a batch of messages on every core, results in input order.
    /// Understanding is pure and CPU-bound, and it is most of ingest's cost,
    /// so a batch fetched over IMAP is understood in parallel and then stored
    /// one by one. Oversized messages get a placeholder; `accept_understood`
    /// records them by their headers.
    pub fn understand_all(&self, raws: &[&[u8]]) -> Vec<Understanding> {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let one = |raw: &&[u8]| {
            if raw.len() as u64 > self.limits.max_message_bytes {
                Understanding::other(Envelope::default(), "over the size limit")
            } else {
                understand_safely(raw, &self.ctx)
            }
        };
        if workers < 2 || raws.len() < 8 {
            return raws.iter().map(one).collect();
        }
        let chunk = raws.len().div_ceil(workers);
        std::thread::scope(|scope| {
            let handles: Vec<_> = raws
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }

    /// Records a message over the size limit by its headers only, with the reason.
    pub fn accept_oversized(
        &self,
        origin: Origin,
        headers: &[u8],
        size: u64,
    ) -> Result<Ingested, StoreError> {
        let reason = format!(
            "over the size limit: {size} bytes > {} bytes; headers kept, body not read",
            self.limits.max_message_bytes
        );
        tracing::warn!(mailbox = %origin.mailbox, reference = %origin.reference, size, "{reason}");
        // Hostile headers must not take ingest down (mail-parser can panic).
        let envelope = std::panic::catch_unwind(|| {
            mail_parser::MessageParser::default()
                .parse_headers(headers)
                .map(|m| crate::understand::envelope_of(&m))
        })
        .ok()
        .flatten()
        .unwrap_or_default();
        let understanding = Understanding::other(envelope, &reason);
        self.store
            .ingest(origin, headers, false, size, understanding)
    }
}

fn metrics_for(result: &Ingested) {
    if let Ingested::New { kind, .. } = result {
        tracing::debug!(kind = kind.as_str(), "stored");
        crate::metrics::ingested(kind.as_str());
    }
}
