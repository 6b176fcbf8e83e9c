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
    let shared = intake.store.db().is_shared();
    if shared {
        // Several instances may share the store: each mailbox, and each
        // stage after ingest that is not per item, runs only on the instance
        // holding its lease (see `store::leases`), so no mailbox is read
        // twice and no email or delivery is worked on by two instances at
        // once. Understanding and acting on leads run on every instance,
        // each item claimed in the commit of its effects.
        drop(sources);
        let instance = instance_id();
        tracing::info!(
            instance,
            "shared store: running the mailboxes and stages this instance leases"
        );
        let mut names: Vec<String> = STAGE_LEASES.iter().map(|s| s.to_string()).collect();
        let handoff = Arc::new(config.handoff_settings());
        let endpoints = crate::handoff::deliver::endpoint_names(&handoff);
        names.extend(
            endpoints
                .iter()
                .map(|e| crate::store::leases::handoff_endpoint(e)),
        );
        names.extend(config.mailbox.iter().map(|m| m.get_ref().name.clone()));
        let (held_tx, held_rx) = tokio::sync::watch::channel(std::collections::BTreeSet::new());
        let busy = Busy::default();
        tasks.spawn(lease_task(
            intake.store.clone(),
            instance,
            names,
            held_tx,
            busy.clone(),
            shutdown.clone(),
        ));
        if let Some(heard) = intake.store.db().listen(&crate::store::kv::WAKE_CHANNELS) {
            tasks.spawn(wake_on_notify(heard, intake.wake.clone(), shutdown.clone()));
        }
        for m in &config.mailbox {
            let name = m.get_ref().name.clone();
            let (config, intake) = (stage.config.clone(), intake.clone());
            let reader = move |child: Shutdown| {
                let (config, intake, name) = (config.clone(), intake.clone(), name.clone());
                async move {
                    let mailbox = config
                        .mailbox
                        .iter()
                        .find(|m| m.get_ref().name == name)
                        .context("leased mailbox left the config")?;
                    Source::from_config(&config, mailbox.get_ref())?
                        .run(intake, child)
                        .await
                }
            };
            tasks.spawn(leased(
                m.get_ref().name.clone(),
                held_rx.clone(),
                busy.clone(),
                shutdown.clone(),
                reader,
            ));
        }
        // Each hand-off endpoint's queue: drained by the holder of its lease.
        for endpoint in endpoints {
            let (handoff, store) = (handoff.clone(), intake.store.clone());
            let name = endpoint.clone();
            let drain = move |child: Shutdown| {
                crate::handoff::deliver::endpoint_task(
                    handoff.clone(),
                    store.clone(),
                    name.clone(),
                    child,
                )
            };
            tasks.spawn(leased(
                crate::store::leases::handoff_endpoint(&endpoint),
                held_rx.clone(),
                busy.clone(),
                shutdown.clone(),
                drain,
            ));
        }
        for (name, stage_task) in stage_tasks(&config, &intake, true) {
            if PER_ITEM.contains(&name) {
                let (mut held, store, shutdown) =
                    (held_rx.clone(), intake.store.clone(), shutdown.clone());
                let mut stop = shutdown.clone();
                tasks.spawn(async move {
                    // Not before the first lease round: until then this
                    // instance has no id to own its `Sending` marks with
                    // and no slot (it would take every item).
                    while store.instance_id().is_none() {
                        tokio::select! {
                            changed = held.changed() => if changed.is_err() { return Ok(()) },
                            _ = stop.wait() => return Ok(()),
                        }
                    }
                    stage_task(shutdown).await
                });
                continue;
            }
            tasks.spawn(leased(
                name.to_string(),
                held_rx.clone(),
                busy.clone(),
                shutdown.clone(),
                stage_task,
            ));
        }
    } else {
        for source in sources {
            tasks.spawn(source.run(intake.clone(), shutdown.clone()));
        }
        // Stages after ingest, each a task until shutdown.
        for (_, stage_task) in stage_tasks(&config, &intake, false) {
            tasks.spawn(stage_task(shutdown.clone()));
        }
    }
    tasks.spawn(retention_task(stage.clone(), shutdown.clone()));
    // The CLI's way in while the daemon holds the store, [http] or not
    // (a shared store is opened by the CLI itself).
    if !shared {
        tasks.spawn(crate::http::serve_socket(stage.clone(), shutdown.clone()));
    }
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

/// Leases of the stages after ingest (they sort before mailbox names).
const STAGE_LEASES: [&str; 3] = crate::store::leases::STAGES;

/// The stage tasks every instance of a shared store runs, unleased: they
/// claim each work item in the transaction of its effects (the outbox: in
/// its `Sending` commit, see `outbox::sender`).
const PER_ITEM: [&str; 4] = [
    crate::ingest::understanding::UNDERSTAND_STAGE,
    crate::act::ACT_LEADS_TASK,
    crate::store::leases::OUTBOX,
    crate::nurture::scheduler::NURTURE_STAGE,
];

type StageTask = Box<
    dyn Fn(
            Shutdown,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send>>
        + Send
        + Sync,
>;

/// Every stage after ingest, by its lease name (or its [`PER_ITEM`] name),
/// ready to start under a shutdown. `shared`: act is split into the
/// per-item task for leads and the `@act` task for the rest.
fn stage_tasks(config: &Config, intake: &Intake, shared: bool) -> Vec<(&'static str, StageTask)> {
    let act = Arc::new(config.act_settings());
    let nurture = Arc::new(config.nurture_settings());
    let handoff = Arc::new(config.handoff_settings());
    let sender = config.sender();
    let (store, wake) = (intake.store.clone(), intake.wake.clone());
    let understand = intake.clone();
    let understand: StageTask =
        Box::new(move |s| Box::pin(crate::ingest::understanding::run(understand.clone(), s)));
    let act_task = |scope: crate::act::Scope| -> StageTask {
        let (act, st, wk) = (act.clone(), store.clone(), wake.clone());
        Box::new(move |s| {
            Box::pin(crate::act::run(
                act.clone(),
                st.clone(),
                wk.clone(),
                scope,
                s,
            ))
        })
    };
    let mut tasks: Vec<(&'static str, StageTask)> = Vec::new();
    if shared {
        tasks.push((
            crate::act::ACT_LEADS_TASK,
            act_task(crate::act::Scope::Leads),
        ));
        tasks.push(("@act", act_task(crate::act::Scope::Shared)));
    } else {
        tasks.push(("@act", act_task(crate::act::Scope::Everything)));
    }
    let nurture_task = |scope: crate::nurture::scheduler::Scope| -> StageTask {
        let (nurture, st, wk) = (nurture.clone(), store.clone(), wake.clone());
        Box::new(move |s| {
            Box::pin(crate::nurture::scheduler::task(
                nurture.clone(),
                st.clone(),
                scope,
                wk.clone(),
                s,
            ))
        })
    };
    // Shared: the due steps are claimed per enrollment by every instance;
    // the unsubscribe mailbox is read by the holder of `@nurture`.
    let nurture = if shared {
        tasks.push((
            crate::nurture::scheduler::NURTURE_STAGE,
            nurture_task(crate::nurture::scheduler::Scope::Steps),
        ));
        nurture_task(crate::nurture::scheduler::Scope::Mailbox)
    } else {
        nurture_task(crate::nurture::scheduler::Scope::Everything)
    };
    let (st, wk) = (store.clone(), wake.clone());
    let outbox: StageTask = Box::new(move |s| {
        Box::pin(crate::outbox::sender::task(
            sender.clone(),
            st.clone(),
            wk.clone(),
            s,
        ))
    });
    // Shared: `@handoff` only fans out; each endpoint has its own lease.
    let handoff: StageTask = Box::new(move |s| {
        let run: std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + Send>> =
            if shared {
                Box::pin(crate::handoff::deliver::fan_out_task(
                    handoff.clone(),
                    store.clone(),
                    s,
                ))
            } else {
                Box::pin(crate::handoff::deliver::task(
                    handoff.clone(),
                    store.clone(),
                    s,
                ))
            };
        run
    });
    tasks.extend([
        ("@understand", understand),
        ("@nurture", nurture),
        (crate::store::leases::OUTBOX, outbox),
        ("@handoff", handoff),
    ]);
    tasks
}

/// Wakes this instance's stages when another instance says it has work
/// for them (PostgreSQL LISTEN/NOTIFY): mail received there is understood
/// here at once when its entries are in this instance's slot.
async fn wake_on_notify(
    mut heard: tokio::sync::mpsc::UnboundedReceiver<String>,
    wake: Arc<crate::wake::Wakeups>,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    loop {
        tokio::select! {
            channel = heard.recv() => match channel.as_deref() {
                Some(crate::store::kv::WAKE_RECEIVED) => wake.received.notify_one(),
                Some(_) => wake.responses.notify_one(),
                None => return Ok(()),
            },
            _ = shutdown.wait() => return Ok(()),
        }
    }
}

/// The leases whose task is running on this instance: kept until the task
/// has stopped, so a handed-over stage never runs on two instances at once.
#[derive(Clone, Default)]
struct Busy(Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>);

/// Marks a lease's task running until dropped.
struct Working(Busy, String);

impl Busy {
    fn enter(&self, name: &str) -> Working {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string());
        Working(self.clone(), name.to_string())
    }

    fn snapshot(&self) -> std::collections::BTreeSet<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.0
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.1);
    }
}

/// This instance's name in the lease table: host, process and a random
/// suffix (a process id is reused across containers and restarts).
fn instance_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!(
        "{host}-{}-{:04x}",
        std::process::id(),
        rand::random::<u16>()
    )
}

/// Renews this instance's mailbox leases every heartbeat and publishes the
/// mailboxes it holds. When the store cannot be reached, the leases are
/// treated as lost once they would have expired, so reading stops before
/// another instance can have taken over. Releases every lease at shutdown.
async fn lease_task(
    store: crate::store::Store,
    instance: String,
    mailboxes: Vec<String>,
    held: tokio::sync::watch::Sender<std::collections::BTreeSet<String>>,
    busy: Busy,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    use crate::store::leases::{HEARTBEAT, TTL_MS};
    let mut last_ok = std::time::Instant::now();
    loop {
        let (s, me, names) = (store.clone(), instance.clone(), mailboxes.clone());
        let working = busy.snapshot();
        let now = jiff::Timestamp::now().as_millisecond();
        let round =
            tokio::task::spawn_blocking(move || s.lease_round_keeping(&me, &names, &working, now))
                .await?;
        match round {
            Ok(round) => {
                last_ok = std::time::Instant::now();
                let set: std::collections::BTreeSet<String> =
                    round.held().map(str::to_string).collect();
                if round.taken > 0 || round.released > 0 {
                    tracing::info!(
                        instance,
                        held = ?set,
                        taken = round.taken,
                        released = round.released,
                        live = round.live,
                        "mailbox leases changed"
                    );
                }
                let picture = serde_json::json!({
                    "instance": instance,
                    "live_instances": round.live,
                    // Which understanding entries and leads this instance picks.
                    "slot": {"index": round.slot, "of": round.live},
                    "mailboxes": round.states.iter().map(|s| (s.mailbox.clone(), serde_json::json!(s))).collect::<serde_json::Map<_, _>>(),
                });
                crate::metrics::set_leases(
                    picture,
                    set.len(),
                    round.live,
                    round.taken,
                    round.released,
                );
                held.send_replace(set);
            }
            Err(e) => {
                tracing::warn!(instance, "renewing mailbox leases: {e}");
                if last_ok.elapsed() >= Duration::from_millis(TTL_MS as u64 / 2) {
                    held.send_replace(Default::default());
                }
            }
        }
        if shutdown.sleep(HEARTBEAT).await {
            held.send_replace(Default::default());
            let (s, me) = (store.clone(), instance.clone());
            let released = tokio::task::spawn_blocking(move || s.release_leases(&me)).await?;
            if let Err(e) = released {
                tracing::warn!(instance, "releasing mailbox leases at shutdown: {e}");
            }
            return Ok(());
        }
    }
}

/// Runs the task of lease `name` (a mailbox's reader, or a stage) while
/// this instance holds the lease: starts it when granted, asks it to stop
/// (finishing the work in hand; ingest commits are fenced by the lease
/// epoch) when the lease is lost, and starts it again when regained.
async fn leased<F, Fut>(
    name: String,
    mut held: tokio::sync::watch::Receiver<std::collections::BTreeSet<String>>,
    busy: Busy,
    mut shutdown: Shutdown,
    start: F,
) -> anyhow::Result<()>
where
    F: Fn(Shutdown) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    loop {
        let granted = tokio::select! {
            granted = held.wait_for(|h| h.contains(&name)) => granted.is_ok(),
            _ = shutdown.wait() => false,
        };
        if !granted {
            return Ok(());
        }
        tracing::info!(lease = name, "lease held: starting");
        let _working = busy.enter(&name);
        let (stop, child) = shutdown::channel();
        let run = start(child);
        tokio::pin!(run);
        let result = tokio::select! {
            result = &mut run => result,
            _ = async { held.wait_for(|h| !h.contains(&name)).await.is_ok() } => {
                tracing::info!(lease = name, "lease lost: stopping");
                stop.fire();
                run.await
            }
            _ = shutdown.wait() => {
                stop.fire();
                return run.await;
            }
        };
        match result {
            Err(e) if crate::store::is_storage_failure(&e) => return Err(e),
            Err(e) => {
                tracing::warn!(lease = name, "stopped: {e:#}");
                if shutdown.sleep(Duration::from_secs(1)).await {
                    return Ok(());
                }
            }
            Ok(()) => {}
        }
    }
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
