//! The understanding stage: takes received messages off the durable queue
//! the mailbox sources fill ([`Store::receive`](crate::store::Store::receive)),
//! understands each batch on every core, and writes the batch's records
//! while taking it off the queue, in one transaction
//! ([`Store::record_understood_batch`](crate::store::Store::record_understood_batch)).
//! Understanding the next batch overlaps with writing the last one. It runs
//! behind the sources, so acknowledging mail never waits for understanding,
//! and is woken the moment a source flushes a batch, so a lead is not late.
//!
//! Restartable and idempotent: an entry leaves the queue only with its
//! records; a crash mid-batch leaves the batch queued for the next start.
//!
//! Several instances on a shared store all run this stage: each picks the
//! entries of its [`Slot`](crate::store::leases::Slot) (arrival number mod
//! live instances), so no message is understood twice, and claims them in
//! the transaction that writes their records, so an entry is written once
//! even while two instances disagree for a heartbeat on who is live.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, mpsc};
use std::time::Duration;

use anyhow::Context as _;

use super::{Intake, WorkerFailed, understand_safely};
use crate::shutdown::Shutdown;
use crate::store::received::Queued;
use crate::store::{Ingested, StoreError};
use crate::understand::Understanding;

/// Messages understood and written together: enough to keep every core
/// busy and to make one transaction worth its store-wide lock, few enough
/// that act starts on a fresh lead soon.
const BATCH: usize = 256;

/// The stage's name in `carousel_claims_total` and the `claims` tree.
pub const UNDERSTAND_STAGE: &str = "@understand";

/// What a drain of the queue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UnderstoodReport {
    pub understood: usize,
    pub duplicates: usize,
}

impl std::ops::AddAssign for UnderstoodReport {
    fn add_assign(&mut self, other: UnderstoodReport) {
        self.understood += other.understood;
        self.duplicates += other.duplicates;
    }
}

/// A batch taken off the queue and understood, waiting to be written.
struct UnderstoodBatch {
    /// The last queue entry looked at (this instance's or not).
    scanned_to: u64,
    /// Shared with the understanding threads while they read it.
    queued: Arc<Vec<Queued>>,
    raws: Arc<Vec<Vec<u8>>>,
    understood: Vec<Understanding>,
}

/// How one queued message is understood (a test may swap it).
type Understand = Arc<dyn Fn(&Queued, &[u8]) -> Understanding + Send + Sync>;

/// Takes the queue until it is empty, each batch understood on every core
/// while the one before is written by another thread; `after_batch` runs
/// after each batch is written (the daemon wakes act there). Blocking: call
/// it from a blocking thread. Returns what was written, or the first error
/// (batches after it stay queued).
pub fn drain(
    intake: &Intake,
    after_batch: impl Fn(UnderstoodReport) + Sync,
) -> anyhow::Result<UnderstoodReport> {
    let own = intake.clone();
    drain_with(intake, after_batch, move |q, raw| {
        understand_one(&own, q, raw)
    })
}

fn drain_with(
    intake: &Intake,
    after_batch: impl Fn(UnderstoodReport) + Sync,
    understand: impl Fn(&Queued, &[u8]) -> Understanding + Send + Sync + 'static,
) -> anyhow::Result<UnderstoodReport> {
    let understand: Understand = Arc::new(understand);
    // One batch waits while one is written: memory stays at ~3 batches.
    let (to_writer, batches) = mpsc::sync_channel::<UnderstoodBatch>(1);
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| -> anyhow::Result<UnderstoodReport> {
            let mut total = UnderstoodReport::default();
            for batch in batches {
                let started = std::time::Instant::now();
                let report = record_batch(intake, batch)?;
                tracing::debug!(
                    ?report,
                    write_ms = started.elapsed().as_millis(),
                    "understood batch written"
                );
                after_batch(report);
                total += report;
            }
            Ok(total)
        });
        let mut last = None;
        let reading = loop {
            let started = std::time::Instant::now();
            let batch = match take_batch(intake, last, &understand) {
                Ok(Some(batch)) => {
                    tracing::debug!(
                        messages = batch.queued.len(),
                        understand_ms = started.elapsed().as_millis(),
                        "batch understood"
                    );
                    batch
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            };
            last = Some(batch.scanned_to);
            if to_writer.send(batch).is_err() {
                // The writer stopped on an error: it reports it below.
                break Ok(());
            }
        };
        drop(to_writer);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the understanding writer thread panicked"))?;
        let total = written?;
        reading.map(|()| total)
    })
}

/// The next batch after queue entry `after`, with its raw bytes, understood
/// on every core; `None` when the queue holds nothing after it.
fn take_batch(
    intake: &Intake,
    after: Option<u64>,
    understand: &Understand,
) -> anyhow::Result<Option<UnderstoodBatch>> {
    let Some((scanned_to, queued)) = mine_after(intake, after)? else {
        return Ok(None);
    };
    let mut raws: Vec<Vec<u8>> = Vec::with_capacity(queued.len());
    for q in &queued {
        // A queue entry always has its raw bytes (same transaction); an
        // entry without them cannot be understood and would block the queue.
        raws.push(intake.store.raw(&q.received.key)?.unwrap_or_default());
    }
    let (queued, raws) = (Arc::new(queued), Arc::new(raws));
    let understood = WORKERS
        .understand(&queued, &raws, understand)
        .context("understanding a received batch")?;
    Ok(Some(UnderstoodBatch {
        scanned_to,
        queued,
        raws,
        understood,
    }))
}

/// Up to [`BATCH`] entries after `after` that this instance picks (its
/// slot), and the last entry looked at; `None` when the queue holds nothing
/// after `after`.
fn mine_after(intake: &Intake, after: Option<u64>) -> anyhow::Result<Option<(u64, Vec<Queued>)>> {
    let slot = intake.store.slot();
    let mut after = after;
    let mut mine = Vec::new();
    while mine.len() < BATCH {
        let page = intake.store.queued_after(after, BATCH)?;
        let Some(last) = page.last().map(|q| q.seq) else {
            break;
        };
        after = Some(last);
        mine.extend(page.into_iter().filter(|q| slot.takes(q.seq)));
    }
    mine.truncate(BATCH);
    // Short of a batch only at the end of the queue.
    let Some(last_taken) = mine.last().map(|q| q.seq) else {
        return Ok(None);
    };
    let scanned_to = if mine.len() == BATCH {
        // Full: the next batch starts right after the last one taken.
        last_taken
    } else {
        after.unwrap_or(last_taken)
    };
    Ok(Some((scanned_to, mine)))
}

/// Screens (flood limit) and writes an understood batch in one transaction.
/// When that fails for anything but the store itself (a record that does
/// not decode, say), the messages are written one by one, so one bad
/// message neither holds up nor mismatches the others.
fn record_batch(intake: &Intake, batch: UnderstoodBatch) -> Result<UnderstoodReport, StoreError> {
    let UnderstoodBatch {
        queued,
        raws,
        understood,
        ..
    } = batch;
    let mut screened = Vec::with_capacity(queued.len());
    for ((q, raw), understanding) in queued.iter().zip(raws.iter()).zip(understood) {
        screened.push(if q.received.complete {
            intake.screen(raw, understanding)?
        } else {
            understanding
        });
    }
    let items: Vec<(&Queued, &[u8], &Understanding)> = queued
        .iter()
        .zip(raws.iter())
        .zip(&screened)
        .map(|((q, raw), u)| (q, raw.as_slice(), u))
        .collect();
    let started = std::time::Instant::now();
    let results = match intake.store.record_understood_batch(&items) {
        Err(e) if !e.is_storage_failure() && !e.is_lease_lost() => {
            tracing::warn!(
                "writing an understood batch failed, writing its messages one by one: {e}"
            );
            record_one_by_one(intake, &items)?
        }
        other => other?,
    };
    tracing::debug!(
        transaction_ms = started.elapsed().as_millis(),
        "understood batch: transaction"
    );
    let mut report = UnderstoodReport::default();
    let claimed = results.iter().flatten().count();
    intake.store.count_claims(UNDERSTAND_STAGE, claimed)?;
    for ((_, _, understanding), result) in items.iter().zip(&results) {
        // Not claimed: another instance writes (or wrote) it.
        let Some(result) = result else { continue };
        intake.note_stored(result, &understanding.bounces)?;
        match result {
            Ingested::New { .. } => report.understood += 1,
            Ingested::Duplicate { .. } => report.duplicates += 1,
        }
    }
    Ok(report)
}

/// Each message in a transaction of its own. One whose records cannot be
/// written is stored as `other` with the reason (its raw bytes are kept,
/// and `carousel reprocess` reads it again), so the queue moves on.
fn record_one_by_one(
    intake: &Intake,
    items: &[(&Queued, &[u8], &Understanding)],
) -> Result<Vec<Option<Ingested>>, StoreError> {
    let mut results = Vec::with_capacity(items.len());
    for &(queued, raw, understanding) in items {
        let written = match intake
            .store
            .record_understood_batch(&[(queued, raw, understanding)])
        {
            Err(e) if !e.is_storage_failure() && !e.is_lease_lost() => {
                let key = &queued.received.key;
                tracing::error!(%key, "records of a message could not be written, kept as other: {e}");
                let other = Understanding::other(
                    understanding.envelope.clone(),
                    &format!("its records could not be written ({e}); raw message kept"),
                );
                intake
                    .store
                    .record_understood_batch(&[(queued, raw, &other)])?
            }
            other => other?,
        };
        results.extend(written);
    }
    Ok(results)
}

/// A unit of work for the understanding threads.
type Job = Box<dyn FnOnce() + Send>;

/// The understanding threads, one per core, started on first use and kept
/// for the life of the process.
static WORKERS: LazyLock<Workers> = LazyLock::new(Workers::start);

/// Long-lived understanding threads. Threads spawned afresh for each batch
/// made every batch start cold: the regex crate keeps its lazy-DFA caches
/// in a pool keyed by thread id, so a new thread either builds new caches
/// or takes one a thread before it warmed on other text, and in a one-shot
/// run of 10,000 messages determinizing the DFAs was ~17 % of the stage's
/// CPU. The same threads for every batch keep their caches warm.
struct Workers {
    jobs: mpsc::Sender<Job>,
    count: usize,
}

impl Workers {
    fn start() -> Workers {
        let wanted = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let count = (0..wanted)
            .filter(|n| {
                let queue = Arc::clone(&queue);
                std::thread::Builder::new()
                    .name(format!("understand-{n}"))
                    .spawn(move || Workers::serve(&queue))
                    .is_ok()
            })
            .count();
        Workers { jobs, count }
    }

    /// One thread's loop: the next job, until the process ends. A job that
    /// panics drops its result channel (its batch fails, see
    /// [`Workers::understand`]) but not the thread.
    fn serve(queue: &Mutex<mpsc::Receiver<Job>>) {
        loop {
            let next = match queue.lock() {
                Ok(queue) => queue.recv(),
                Err(_) => return,
            };
            let Ok(job) = next else { return };
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }

    /// `understand` of every message of a batch on the threads, each taking
    /// the next message as it finishes one (a reply costs several times a
    /// bounce, and kinds cluster in a mailbox). Results in input order; all
    /// or nothing: a job that died leaves a hole, which is an error, never a
    /// shorter vector paired with the wrong messages.
    fn understand(
        &self,
        queued: &Arc<Vec<Queued>>,
        raws: &Arc<Vec<Vec<u8>>>,
        understand: &Understand,
    ) -> Result<Vec<Understanding>, WorkerFailed> {
        if self.count == 0 {
            // No thread could be started: read here.
            return Ok(queued
                .iter()
                .zip(raws.iter())
                .map(|(q, raw)| guarded(understand.as_ref(), q, raw))
                .collect());
        }
        let next = Arc::new(AtomicUsize::new(0));
        let (done, results) = mpsc::channel::<(usize, Understanding)>();
        for _ in 0..self.count.min(queued.len()) {
            let (queued, raws, understand) = (queued.clone(), raws.clone(), understand.clone());
            let (next, done) = (next.clone(), done.clone());
            let job: Job = Box::new(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(q), Some(raw)) = (queued.get(i), raws.get(i)) else {
                        return;
                    };
                    if done
                        .send((i, guarded(understand.as_ref(), q, raw)))
                        .is_err()
                    {
                        return;
                    }
                }
            });
            if self.jobs.send(job).is_err() {
                break;
            }
        }
        // The results end when every job has finished (dropped its sender).
        drop(done);
        let mut slots: Vec<Option<Understanding>> =
            std::iter::repeat_with(|| None).take(queued.len()).collect();
        for (i, understanding) in results {
            slots[i] = Some(understanding);
        }
        slots.into_iter().map(|u| u.ok_or(WorkerFailed)).collect()
    }
}

/// `understand` for one message, whose panic makes that message `other`
/// rather than failing its whole batch (`understand_safely` guards the real
/// reading already; this keeps the batch whole whatever `understand` is).
fn guarded(
    understand: &(dyn Fn(&Queued, &[u8]) -> Understanding + Send + Sync),
    q: &Queued,
    raw: &[u8],
) -> Understanding {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| understand(q, raw))).unwrap_or_else(
        |_| {
            Understanding::other(
                crate::understand::Envelope::default(),
                "understanding failed (internal error); raw message kept",
            )
        },
    )
}

fn understand_one(intake: &Intake, q: &Queued, raw: &[u8]) -> Understanding {
    if q.received.complete {
        understand_safely(raw, &intake.ctx)
    } else {
        intake.understand_oversized(raw, q.received.size)
    }
}

/// Empties the queue (`run --once` after the sources), then flushes.
pub async fn once(intake: &Intake) -> anyhow::Result<UnderstoodReport> {
    let mut total = UnderstoodReport::default();
    loop {
        let i = intake.clone();
        let report = tokio::task::spawn_blocking(move || drain(&i, |_| {})).await??;
        if report == UnderstoodReport::default() {
            break;
        }
        total += report;
    }
    intake.store.flush().await?;
    Ok(total)
}

/// The daemon task: see [`serve`].
pub async fn run(intake: Intake, shutdown: Shutdown) -> anyhow::Result<()> {
    serve(intake, shutdown).await.map(drop)
}

/// Drains the queue whenever a source flushes a batch (and on a timer, so a
/// lost nudge only delays), waking act after each batch, until `shutdown`
/// fires and the queue is empty; then flushes. Returns what it wrote.
/// `run --once` runs it beside the sources, so understanding starts with
/// the first flushed batch instead of after the last.
pub async fn serve(intake: Intake, mut shutdown: Shutdown) -> anyhow::Result<UnderstoodReport> {
    const TICK: Duration = Duration::from_secs(5);
    let mut total = UnderstoodReport::default();
    loop {
        // Read before draining: a stop fired while a drain runs may follow
        // entries that drain did not see (the sources' last batch), so only
        // a drain begun after the stop proves the queue is empty for good.
        let stopping = shutdown.is_set();
        loop {
            let i = intake.clone();
            let drained = tokio::task::spawn_blocking(move || {
                drain(&i, |report| {
                    tracing::debug!(?report, "understood a batch");
                    i.wake.responses.notify_one();
                    if report.understood > 0 {
                        // Other instances act on the leads of their slots.
                        i.store.db().notify(crate::store::kv::WAKE_RESPONSES);
                    }
                })
            })
            .await?;
            match drained {
                // Taken from the head again until nothing is left: a source
                // may have queued entries behind the ones this drain saw.
                Ok(report) if report == UnderstoodReport::default() => break,
                Ok(report) => total += report,
                Err(e) if crate::store::is_storage_failure(&e) => {
                    tracing::error!("store failed; understanding stops: {e:#}");
                    return Err(e);
                }
                Err(e) if crate::store::lease_lost(&e) => {
                    // Another instance understands now; the queue is its.
                    tracing::info!("understanding pass stopped: {e:#}");
                    break;
                }
                Err(e) => {
                    // Left queued: retried on the next nudge or tick.
                    tracing::error!("understanding stage, retrying: {e:#}");
                    break;
                }
            }
        }
        // Mail acknowledged before a SIGTERM (or before `run --once`'s
        // sources finished) is understood before the process exits.
        if stopping {
            intake.store.flush().await?;
            return Ok(total);
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

    /// Receives leads 1..=n, as a source does, and returns the store.
    fn received(dir: &std::path::Path, n: usize) -> Store {
        let store = Store::open(dir, 8).unwrap();
        let batch: Vec<Incoming> = (1..=n).map(lead).collect();
        store.receive(&batch).unwrap();
        store
    }

    /// Every stored message paired with its own bytes and reading: the
    /// message record's key is the hash of lead `n`'s bytes (n from its
    /// origin), and a lead's contact is lead `n`'s prospect. Returns the
    /// `n`s stored as `other`, with their notes.
    fn check_pairing(store: &Store, n: usize) -> Vec<(usize, String)> {
        let mut others = Vec::new();
        let mut seen = 0;
        for record in store.messages() {
            let record = record.unwrap();
            let number: usize = record.origin.reference.parse().unwrap();
            assert_eq!(
                record.key,
                crate::store::model::MessageKey::of(&lead(number).raw),
                "message {number}: record on another message's bytes"
            );
            match record.kind {
                crate::understand::Kind::Lead => assert_eq!(
                    record.understanding.leads[0].contact.email.as_deref(),
                    Some(format!("p{number}@buyer.example").as_str()),
                    "message {number}: another message's reading"
                ),
                _ => others.push((number, record.understanding.note.unwrap_or_default())),
            }
            seen += 1;
        }
        assert_eq!(seen, n, "every received message is stored once");
        assert_eq!(store.queued_len(), 0, "nothing left queued");
        others
    }

    /// One message of a batch whose understanding blows up: it is kept as
    /// `other` with the reason, and every other message of the batch is
    /// written with its own reading.
    #[test]
    fn a_message_that_fails_to_understand_leaves_the_rest_of_its_batch_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = received(dir.path(), 40);
        let intake = intake(store.clone());
        let ctx = intake.ctx.clone();
        let report = drain_with(
            &intake,
            |_| {},
            move |q, raw| {
                assert!(
                    q.received.origin.reference != "7",
                    "reader bug on message 7"
                );
                understand_safely(raw, &ctx)
            },
        )
        .unwrap();
        assert_eq!(report.understood, 40);
        let others = check_pairing(&store, 40);
        assert_eq!(others.len(), 1, "{others:?}");
        assert_eq!(others[0].0, 7);
        assert!(others[0].1.contains("internal error"), "{others:?}");
        assert_eq!(store.counter("responses").unwrap(), 39);
    }

    /// One message of a batch whose records cannot be written (its
    /// prospect's contact record is corrupt): the batch's transaction fails,
    /// the messages are written one by one, and that one is kept as `other`
    /// with the reason instead of holding the queue.
    #[test]
    fn a_message_whose_records_cannot_be_written_leaves_the_rest_of_its_batch_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = received(dir.path(), 40);
        store
            .tree("contacts")
            .unwrap()
            .insert("p12@buyer.example", &[9u8, 9, 9][..])
            .unwrap();
        let report = drain(&intake(store.clone()), |_| {}).unwrap();
        assert_eq!(report.understood, 40);
        let others = check_pairing(&store, 40);
        assert_eq!(others.len(), 1, "{others:?}");
        assert_eq!(others[0].0, 12);
        assert!(others[0].1.contains("could not be written"), "{others:?}");
        let emails: Vec<String> = store
            .responses()
            .map(|r| r.unwrap().contact.email.unwrap_or_default())
            .collect();
        assert_eq!(emails.len(), 39);
        assert!(!emails.contains(&"p12@buyer.example".to_string()));
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
        let store = Store::reopen_for_test(dir.path());
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
