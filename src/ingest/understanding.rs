//! The understanding stage: takes received messages off the durable queue
//! the mailbox sources fill ([`Store::receive`](crate::store::Store::receive)),
//! understands each batch on every core, and writes each message's records
//! while taking it off the queue (one transaction per message). It runs
//! behind the sources, so acknowledging mail never waits for understanding,
//! and is woken the moment a source flushes a batch, so a lead is not late.
//!
//! Restartable and idempotent: an entry leaves the queue only with its
//! records; a crash mid-batch leaves the rest queued for the next start.

use std::time::Duration;

use anyhow::Context as _;

use super::{Intake, understand_safely};
use crate::shutdown::Shutdown;
use crate::store::Ingested;
use crate::store::received::Queued;
use crate::understand::Understanding;

/// Messages understood between two looks at the queue: enough to keep
/// every core busy, few enough that act starts on a fresh lead soon.
const BATCH: usize = 256;

/// What a drain of the queue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UnderstoodReport {
    pub understood: usize,
    pub duplicates: usize,
}

/// Understands and records one batch off the queue. Blocking (CPU and
/// sled): call it from a blocking thread. Returns how many were taken.
pub fn understand_batch(intake: &Intake) -> anyhow::Result<(usize, UnderstoodReport)> {
    let mut report = UnderstoodReport::default();
    let batch = intake.store.queued(BATCH)?;
    if batch.is_empty() {
        return Ok((0, report));
    }
    let mut raws: Vec<Vec<u8>> = Vec::with_capacity(batch.len());
    for q in &batch {
        // A queue entry always has its raw bytes (same transaction); an
        // entry without them cannot be understood and would block the queue.
        raws.push(intake.store.raw(&q.received.key)?.unwrap_or_default());
    }
    let understood =
        super::map_on_every_core(&batch.iter().zip(&raws).collect::<Vec<_>>(), |(q, raw)| {
            understand_one(intake, q, raw)
        })
        .context("understanding a received batch")?;
    for ((q, raw), understanding) in batch.iter().zip(&raws).zip(understood) {
        let result = if q.received.complete {
            intake.record_queued(q, raw, understanding)?
        } else {
            intake.store.record_understood(q, raw, understanding)?
        };
        match result {
            Ingested::New { .. } => report.understood += 1,
            Ingested::Duplicate { .. } => report.duplicates += 1,
        }
    }
    Ok((batch.len(), report))
}

fn understand_one(intake: &Intake, q: &Queued, raw: &[u8]) -> Understanding {
    if q.received.complete {
        understand_safely(raw, &intake.ctx)
    } else {
        intake.understand_oversized(raw, q.received.size)
    }
}

/// Empties the queue (`run --once`), then flushes.
pub async fn once(intake: &Intake) -> anyhow::Result<UnderstoodReport> {
    let mut total = UnderstoodReport::default();
    loop {
        let i = intake.clone();
        let (taken, report) = tokio::task::spawn_blocking(move || understand_batch(&i)).await??;
        total.understood += report.understood;
        total.duplicates += report.duplicates;
        if taken == 0 {
            break;
        }
    }
    intake.store.flush().await?;
    Ok(total)
}

/// The daemon task: drains the queue whenever a source flushes a batch
/// (and on a timer, so a lost nudge only delays), waking act after each batch.
pub async fn run(intake: Intake, mut shutdown: Shutdown) -> anyhow::Result<()> {
    const TICK: Duration = Duration::from_secs(5);
    loop {
        loop {
            let i = intake.clone();
            match tokio::task::spawn_blocking(move || understand_batch(&i)).await? {
                Ok((0, _)) => break,
                Ok((_, report)) => {
                    tracing::debug!(?report, "understood a batch");
                    intake.wake.responses.notify_one();
                }
                Err(e) if crate::store::is_storage_failure(&e) => {
                    tracing::error!("store failed; understanding stops: {e:#}");
                    return Err(e);
                }
                Err(e) => {
                    // Left queued: retried on the next nudge or tick.
                    tracing::error!("understanding stage, retrying: {e:#}");
                    break;
                }
            }
        }
        // Checked only after the queue is empty: mail acknowledged before a
        // SIGTERM is understood before the process exits.
        if shutdown.is_set() {
            intake.store.flush().await?;
            return Ok(());
        }
        tokio::select! {
            _ = intake.wake.received.notified() => {}
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.wait() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::model::Origin;
    use crate::store::received::{Admitted, Incoming};

    fn lead(n: usize) -> Incoming {
        let raw = format!(
            "From: form@site.example\r\nReply-To: p{n}@buyer.example\r\nSubject: New lead\r\n\
Message-ID: <lead-{n}@site.example>\r\n\r\nName: Pat Number{n}\r\nEmail: p{n}@buyer.example\r\n\
Phone: +1 555 010 {n:04}\r\nInterest: Solar panels\r\n"
        );
        Incoming {
            origin: Origin {
                mailbox: "leads".into(),
                reference: n.to_string(),
            },
            size: raw.len() as u64,
            raw: raw.into_bytes(),
            complete: true,
        }
    }

    fn intake(store: Store) -> Intake {
        Intake {
            store,
            ctx: Default::default(),
            limits: Default::default(),
            wake: Default::default(),
        }
    }

    /// Received and flushed, then the process dies before understanding:
    /// the next start understands every message once, and a re-delivery of
    /// the same bytes is a duplicate at every step.
    #[tokio::test]
    async fn a_crash_between_receiving_and_understanding_loses_and_doubles_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let batch: Vec<Incoming> = (1..=12).map(lead).collect();
        {
            let store = Store::open(dir.path(), 8).unwrap();
            let admitted = store.receive(&batch).unwrap();
            assert!(admitted.iter().all(|a| *a == Admitted::Queued));
            store.flush_sync().unwrap();
            assert_eq!(
                store.counter("messages").unwrap(),
                0,
                "nothing understood yet"
            );
        }
        // sled lets go of its lock file a moment after the last handle drops.
        let store = (0..100)
            .find_map(|_| {
                Store::open(dir.path(), 8)
                    .inspect_err(|_| std::thread::sleep(std::time::Duration::from_millis(20)))
                    .ok()
            })
            .expect("store reopens");
        assert_eq!(store.queued_len(), 12);
        let again = store.receive(&batch[..3]).unwrap();
        assert!(again.iter().all(|a| *a == Admitted::Duplicate));
        let report = once(&intake(store.clone())).await.unwrap();
        assert_eq!(report.understood, 12);
        assert_eq!(store.queued_len(), 0);
        assert_eq!(store.counter("messages").unwrap(), 12);
        let report = once(&intake(store.clone())).await.unwrap();
        assert_eq!(
            report,
            UnderstoodReport::default(),
            "a second drain finds nothing"
        );
        let again = store.receive(&batch[..3]).unwrap();
        assert!(again.iter().all(|a| *a == Admitted::Duplicate));
        let emails: Vec<String> = store
            .responses()
            .map(|r| r.unwrap().contact.email.unwrap_or_default())
            .collect();
        assert_eq!(emails.len(), 12, "{emails:?}");
        assert_eq!(emails[0], "p1@buyer.example", "responses in arrival order");
    }
}
