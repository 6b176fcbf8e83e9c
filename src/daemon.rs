//! The daemon: one task per mailbox under a shared [`Shutdown`]. SIGTERM or
//! SIGINT asks every task to finish the batch in hand; the store is flushed
//! before the process exits 0. `--once` runs each source a single time.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::config::{Config, MailboxConfig};
use crate::ingest::Intake;
use crate::ingest::imap::ImapSource;
use crate::ingest::maildir::MaildirSource;
use crate::shutdown::{self, Shutdown};

/// A configured source, ready to run.
enum Source {
    Maildir(MaildirSource),
    Imap(ImapSource),
}

impl Source {
    fn from_config(config: &Config, m: &MailboxConfig) -> anyhow::Result<Source> {
        let poll = Duration::from_millis(m.poll_ms.max(10));
        if let Some(dir) = &m.maildir {
            return Ok(Source::Maildir(MaildirSource::new(
                &m.name,
                config.resolve(dir),
                poll,
            )?));
        }
        let mut imap = m.imap.clone().context("mailbox has no source")?;
        imap.ca_file = imap.ca_file.map(|p| config.resolve(&p));
        imap.password_file = imap.password_file.map(|p| config.resolve(&p));
        if let Some(o) = imap.oauth2.as_mut() {
            o.refresh_token_file = o.refresh_token_file.take().map(|p| config.resolve(&p));
        }
        Ok(Source::Imap(ImapSource {
            name: m.name.clone(),
            config: imap,
            poll,
        }))
    }

    async fn run(self, intake: Intake, shutdown: Shutdown) -> anyhow::Result<()> {
        match self {
            Source::Maildir(s) => s.run(intake, shutdown).await,
            Source::Imap(s) => s.run(intake, shutdown).await,
        }
    }

    async fn once(self, intake: &Intake) -> anyhow::Result<usize> {
        match self {
            Source::Maildir(mut s) => Ok(s.drain(intake).await?.stored),
            Source::Imap(s) => Ok(s.sync_once(intake).await?.stored),
        }
    }
}

pub use crate::http::StageContext;

/// Opens the store and builds the intake every source shares.
pub fn intake_for(config: &Config) -> anyhow::Result<Intake> {
    let store = open_store_waiting(config)?;
    Ok(Intake {
        store,
        ctx: Arc::new(config.understand_context()),
        limits: config.limits.clone(),
        wake: Arc::new(crate::wake::Wakeups::default()),
    })
}

/// Opens the store, waiting a little while it is locked: a CLI verb run while
/// the daemon starts (`leads list` in a loop, say) holds the store for a
/// moment and must not make the daemon fail. A lock held for longer is
/// another daemon, and an error.
fn open_store_waiting(config: &Config) -> anyhow::Result<crate::store::Store> {
    use std::time::{Duration, Instant};
    const PATIENCE: Duration = Duration::from_secs(15);
    let deadline = Instant::now() + PATIENCE;
    let mut pause = Duration::from_millis(20);
    loop {
        match config.open_store() {
            Err(e)
                if Instant::now() < deadline
                    && e.downcast_ref::<crate::store::StoreError>()
                        .is_some_and(|e| matches!(e, crate::store::StoreError::Locked(_))) =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

/// How `carousel run` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Every stage as a task, until SIGTERM/SIGINT.
    Daemon,
    /// One pass of every source, then of each later stage, then exit.
    Once,
    /// One pass of the sources only: stored and acknowledged, acted on later.
    IngestOnce,
}

/// `carousel run`: until a signal, or a single pass (see [`RunMode`]).
pub async fn run(config: Config, mode: RunMode) -> anyhow::Result<()> {
    // Installed first, so a SIGTERM during start-up is a graceful stop too.
    let signals = match mode {
        RunMode::Daemon => Some(Signals::install()?),
        RunMode::Once | RunMode::IngestOnce => None,
    };
    let intake = intake_for(&config)?;
    let sources: Vec<Source> = config
        .mailbox
        .iter()
        .map(|m| {
            Source::from_config(&config, m.get_ref())
                .with_context(|| format!("mailbox {}", m.get_ref().name))
        })
        .collect::<anyhow::Result<_>>()?;
    let stage = StageContext {
        config: Arc::new(config.clone()),
        intake: intake.clone(),
    };
    if mode != RunMode::Daemon {
        // Understanding follows the sources batch by batch, as in the
        // daemon; it stops once they are done and the queue is empty.
        let (sources_done, until_sources_done) = shutdown::channel();
        let understanding = (mode == RunMode::Once).then(|| {
            tokio::spawn(crate::ingest::understanding::serve(
                intake.clone(),
                until_sources_done,
            ))
        });
        let mut stored = 0;
        for source in sources {
            stored += source.once(&intake).await?;
        }
        intake.store.flush().await?;
        sources_done.fire();
        let Some(understanding) = understanding else {
            tracing::info!(stored, "run --once --ingest-only finished");
            return Ok(());
        };
        // Stages after ingest, one pass each, in pipeline order.
        let understood = understanding.await??;
        tracing::info!(
            understood = understood.understood,
            duplicates = understood.duplicates,
            "understanding pass done"
        );
        let acted = crate::act::once(
            Arc::new(config.act_settings()),
            intake.store.clone(),
            intake.wake.clone(),
        )
        .await?;
        tracing::info!(
            responses = acted.responses,
            escalations = acted.escalations,
            "act pass done"
        );
        let nurtured = crate::nurture::scheduler::once(
            Arc::new(config.nurture_settings()),
            intake.store.clone(),
        )
        .await?;
        let sent =
            crate::outbox::sender::once(config.sender().as_ref(), intake.store.clone()).await?;
        let handed =
            crate::handoff::deliver::once(&config.handoff_settings(), &intake.store).await?;
        tracing::info!(
            delivered = handed.delivered,
            failed = handed.failed,
            dead = handed.dead,
            "hand-off pass done"
        );
        tracing::info!(
            queued = nurtured.queued,
            sent = sent.sent,
            failed = sent.failed,
            "nurture + outbox pass done"
        );
        apply_retention(&config, &intake.store)?;
        intake.store.flush().await?;
        tracing::info!(
            stored,
            responses = intake.store.counter("responses")?,
            "run --once finished"
        );
        return Ok(());
    }
    let (trigger, shutdown) = shutdown::channel();
    let mut tasks = tokio::task::JoinSet::new();
    for source in sources {
        tasks.spawn(source.run(intake.clone(), shutdown.clone()));
    }
    // Stages after ingest, each a task until shutdown.
    tasks.spawn(crate::ingest::understanding::run(
        intake.clone(),
        shutdown.clone(),
    ));
    tasks.spawn(retention_task(stage.clone(), shutdown.clone()));
    tasks.spawn(crate::act::run(
        Arc::new(config.act_settings()),
        intake.store.clone(),
        intake.wake.clone(),
        shutdown.clone(),
    ));
    tasks.spawn(crate::nurture::scheduler::task(
        Arc::new(config.nurture_settings()),
        intake.store.clone(),
        intake.wake.clone(),
        shutdown.clone(),
    ));
    tasks.spawn(crate::outbox::sender::task(
        config.sender(),
        intake.store.clone(),
        intake.wake.clone(),
        shutdown.clone(),
    ));
    tasks.spawn(crate::handoff::deliver::task(
        Arc::new(config.handoff_settings()),
        intake.store.clone(),
        shutdown.clone(),
    ));
    // The CLI's way in while the daemon holds the store, [http] or not.
    tasks.spawn(crate::http::serve_socket(stage.clone(), shutdown.clone()));
    if stage.config.http.is_some() {
        crate::metrics::install();
        tasks.spawn(crate::http::serve(stage.clone(), shutdown.clone()));
    }
    tracing::info!(mailboxes = config.mailbox.len(), store = %config.store_path().display(), "carousel running");
    // Until a signal, or until a task stops with an error (a store failure:
    // then every task is stopped and the process exits non-zero, so that its
    // supervisor restarts it once the cause — e.g. a full disk — is gone).
    let mut failed = None;
    if let Some(signals) = signals {
        tokio::select! {
            _ = signals.wait() => {}
            error = first_failure(&mut tasks) => failed = Some(error),
        }
    }
    tracing::info!("shutting down: finishing the messages in hand");
    trigger.fire();
    while let Some(result) = tasks.join_next().await {
        if let Some(e) = task_error(result) {
            failed.get_or_insert(e);
        }
    }
    if let Some(e) = failed {
        return Err(e.context("a pipeline task failed; stopped without acknowledging more mail"));
    }
    intake.store.flush().await?;
    tracing::info!("store flushed; bye");
    Ok(())
}

/// Deletes raw bytes past `[store] retain_raw_days`, if set.
fn apply_retention(config: &Config, store: &crate::store::Store) -> anyhow::Result<()> {
    let Some(days) = config.store.retain_raw_days else {
        return Ok(());
    };
    let cutoff = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * i64::from(days));
    let purged = store.purge_raw_before(cutoff)?;
    if purged > 0 {
        tracing::info!(purged, days, "raw messages past retention deleted");
    }
    Ok(())
}

/// Applies retention at start and then hourly.
async fn retention_task(stage: StageContext, mut shutdown: Shutdown) -> anyhow::Result<()> {
    loop {
        apply_retention(&stage.config, &stage.intake.store)?;
        if shutdown.sleep(Duration::from_secs(3600)).await {
            return Ok(());
        }
    }
}

/// Resolves with the first task error; tasks that end cleanly are skipped.
async fn first_failure(tasks: &mut tokio::task::JoinSet<anyhow::Result<()>>) -> anyhow::Error {
    while let Some(result) = tasks.join_next().await {
        if let Some(e) = task_error(result) {
            return e;
        }
    }
    std::future::pending().await
}

fn task_error(result: Result<anyhow::Result<()>, tokio::task::JoinError>) -> Option<anyhow::Error> {
    match result {
        Ok(Ok(())) => None,
        Ok(Err(e)) => {
            tracing::error!("task stopped with an error: {e:#}");
            Some(e)
        }
        Err(e) => {
            tracing::error!("task failed: {e}");
            Some(anyhow::anyhow!("task failed: {e}"))
        }
    }
}

/// SIGTERM and SIGINT, listened to from the moment they are installed.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate()).context("installing SIGTERM handler")?,
            int: signal(SignalKind::interrupt()).context("installing SIGINT handler")?,
        })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}
