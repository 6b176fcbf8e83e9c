//! IMAP source: one task per mailbox. Login, select, fetch UIDs above the
//! acknowledged cursor in batches, store, flush, and only then set `\Seen`
//! (or move to a folder). IDLE wakes it up; a server without IDLE is polled.
//! Every command has a timeout; a broken connection is re-made with
//! exponential backoff and jitter. A new UIDVALIDITY re-reads the folder and
//! relies on the store's content-hash and Message-ID dedupe.

use std::fmt::Debug;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use futures::TryStreamExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::{Intake, headers_of};
use crate::net::{ImapConfig, TlsMode, read_secret};
pub use crate::net::{Io, backoff, tls_connector};
use crate::shutdown::Shutdown;
use async_imap::types::UnsolicitedResponse;

use crate::store::model::{ImapCursor, Origin};
use crate::store::received::{Admitted, Incoming};

type Session = async_imap::Session<Box<dyn Io>>;

/// A watched IMAP folder.
pub struct ImapSource {
    pub name: String,
    pub config: ImapConfig,
    /// How often to poll when the server has no IDLE.
    pub poll: Duration,
}

/// What one sync pass did.
#[derive(Debug, Default, Clone, Copy)]
pub struct SyncReport {
    pub stored: usize,
    pub duplicates: usize,
    pub oversized: usize,
}

impl ImapSource {
    fn timeout(&self) -> Duration {
        Duration::from_secs(self.config.timeout_secs.max(1))
    }

    /// Runs until shutdown: connect, sync, IDLE (or poll), reconnecting on errors.
    pub async fn run(self, intake: Intake, mut shutdown: Shutdown) -> anyhow::Result<()> {
        let mut failures = 0u32;
        loop {
            match self
                .session_loop(&intake, &mut shutdown, &mut failures)
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) if crate::store::is_storage_failure(&e) => {
                    tracing::error!(mailbox = %self.name, "store failed; nothing more is acknowledged, stopping: {e:#}");
                    return Err(e);
                }
                Err(e) => {
                    failures += 1;
                    crate::metrics::imap_reconnect();
                    let wait = backoff(failures);
                    if let Some(t) = crate::oauth2::needs_login(&e) {
                        // One clear error per failure streak; retries stay quiet.
                        crate::metrics::set_source(&self.name, false, Some(&t.to_string()));
                        crate::oauth2::report_login_required(&self.name, true);
                        if failures == 1 {
                            tracing::error!(mailbox = %self.name, "{t}");
                        } else {
                            tracing::debug!(mailbox = %self.name, attempt = failures, "still waiting for `carousel auth login {}`", self.name);
                        }
                        if shutdown.sleep(wait).await {
                            return Ok(());
                        }
                        continue;
                    }
                    crate::metrics::set_source(&self.name, false, None);
                    tracing::warn!(mailbox = %self.name, attempt = failures, "IMAP connection failed, retrying in {wait:?}: {e:#}");
                    if shutdown.sleep(wait).await {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Connects and syncs once (for `run --once`).
    pub async fn sync_once(&self, intake: &Intake) -> anyhow::Result<SyncReport> {
        let mut session = self.connect().await?;
        let report = self.sync(&mut session, intake).await;
        let _ = tokio::time::timeout(self.timeout(), session.logout()).await;
        report
    }

    async fn session_loop(
        &self,
        intake: &Intake,
        shutdown: &mut Shutdown,
        failures: &mut u32,
    ) -> anyhow::Result<()> {
        let mut session = self.connect().await?;
        crate::metrics::set_source(&self.name, true, None);
        let caps = with_timeout(self.timeout(), "CAPABILITY", session.capabilities()).await?;
        let has_idle = caps.has_str("IDLE");
        if !has_idle {
            tracing::info!(mailbox = %self.name, "server has no IDLE; polling every {:?}", self.poll);
        }
        loop {
            let report = self.sync(&mut session, intake).await?;
            if drain_unsolicited(&mut session) {
                // New mail arrived while syncing: sync again before idling.
                continue;
            }
            *failures = 0;
            if report.stored + report.duplicates + report.oversized > 0 {
                tracing::info!(mailbox = %self.name, stored = report.stored, duplicates = report.duplicates, oversized = report.oversized, "sync");
            }
            if shutdown.is_set() {
                let _ = tokio::time::timeout(self.timeout(), session.logout()).await;
                return Ok(());
            }
            if has_idle {
                let (s, stop) = self.idle(session, shutdown).await?;
                session = s;
                if stop {
                    let _ = tokio::time::timeout(self.timeout(), session.logout()).await;
                    return Ok(());
                }
            } else if shutdown.sleep(self.poll).await {
                let _ = tokio::time::timeout(self.timeout(), session.logout()).await;
                return Ok(());
            }
        }
    }

    /// Waits in IDLE until the server reports something, the re-issue timer
    /// fires, or shutdown. Returns the session and whether to stop.
    async fn idle(
        &self,
        session: Session,
        shutdown: &mut Shutdown,
    ) -> anyhow::Result<(Session, bool)> {
        // Mail that lands while IDLE starts is reported before the server's
        // "+ idling" and goes to the unsolicited channel, not to the wait:
        // watch that channel too, or such mail waits for the re-issue timer.
        let unsolicited = session.unsolicited_responses.clone();
        let mut handle = session.idle();
        with_timeout(self.timeout(), "IDLE", handle.init()).await?;
        let wait = Duration::from_secs(self.config.idle_secs.max(1));
        let stop = {
            let (idle_wait, _interrupt) = handle.wait_with_timeout(wait);
            tokio::select! {
                _ = mailbox_changed(&unsolicited) => false,
                r = idle_wait => {
                    match r.context("IDLE")? {
                        async_imap::extensions::idle::IdleResponse::ManualInterrupt => {
                            // The stream ended: the server closed the connection.
                            bail!("server closed the connection during IDLE");
                        }
                        _ => false,
                    }
                }
                _ = shutdown.wait() => true,
            }
        };
        let session = with_timeout(self.timeout(), "DONE", handle.done()).await?;
        Ok((session, stop))
    }

    async fn connect(&self) -> anyhow::Result<Session> {
        let c = &self.config;
        crate::net::require_tls(&c.host, c.tls, c.allow_insecure)?;
        let port = u16::try_from(*c.port.get_ref()).context("port out of range")?;
        let addr = format!("{}:{}", c.host, port);
        let tcp = with_timeout(self.timeout(), "connect", async {
            TcpStream::connect(&addr)
                .await
                .with_context(|| format!("connecting to {addr}"))
        })
        .await?;
        tcp.set_nodelay(true).ok();
        let stream: Box<dyn Io> = match c.tls {
            TlsMode::None => Box::new(tcp),
            TlsMode::Implicit => Box::new(self.tls(tcp).await?),
            TlsMode::Starttls => {
                let tcp = with_timeout(self.timeout(), "STARTTLS", starttls(tcp)).await?;
                Box::new(self.tls(tcp).await?)
            }
        };
        if let Some(o) = &c.oauth2 {
            let mut stream = stream;
            let caps = with_timeout(
                self.timeout(),
                "CAPABILITY",
                crate::oauth2::imap::capabilities(&mut stream, c.tls != TlsMode::Starttls),
            )
            .await?;
            let tokens =
                crate::oauth2::source(&self.name, o, crate::oauth2::Use::Imap, Path::new(""));
            let client = async_imap::Client::new(stream);
            let session = crate::oauth2::imap::authenticate(
                client,
                &caps,
                &c.user,
                &c.host,
                port,
                &tokens,
                self.timeout(),
            )
            .await
            .with_context(|| format!("mailbox {}", self.name))?;
            crate::oauth2::report_login_required(&self.name, false);
            return Ok(session);
        }
        let mut client = async_imap::Client::new(stream);
        if c.tls != TlsMode::Starttls {
            // The greeting; after STARTTLS there is none.
            with_timeout(self.timeout(), "greeting", async {
                client
                    .read_response()
                    .await
                    .context("reading greeting")?
                    .ok_or_else(|| anyhow!("no greeting"))
            })
            .await?;
        }
        let password = read_secret(c.password_env.as_ref(), c.password_file.as_ref())
            .with_context(|| format!("mailbox {}: password", self.name))?;
        let session = with_timeout(self.timeout(), "LOGIN", async {
            client
                .login(&c.user, &password)
                .await
                .map_err(|(e, _)| anyhow!("login as {} refused: {e}", c.user))
        })
        .await?;
        // No SELECT here: every sync starts with its own (it needs the
        // folder's UIDVALIDITY and size), and a second one cost a round trip.
        Ok(session)
    }

    async fn tls(
        &self,
        tcp: TcpStream,
    ) -> anyhow::Result<tokio_rustls::client::TlsStream<TcpStream>> {
        let connector = tls_connector(self.config.ca_file.as_deref())?;
        let name = rustls_pki_types::ServerName::try_from(self.config.host.clone())
            .with_context(|| format!("bad TLS server name {}", self.config.host))?;
        with_timeout(self.timeout(), "TLS handshake", async {
            connector.connect(name, tcp).await.context("TLS handshake")
        })
        .await
    }

    /// Stores every message above the cursor, and every UID the cursor holds
    /// for retry, batch by batch: fetch, store, flush, acknowledge, advance
    /// the cursor. A UID the server lists but hands over no body for is
    /// neither stored nor acknowledged; the cursor records it for the next sync.
    async fn sync(&self, session: &mut Session, intake: &Intake) -> anyhow::Result<SyncReport> {
        let t = self.timeout();
        let started = std::time::Instant::now();
        let mailbox = with_timeout(t, "SELECT", session.select(&self.config.folder)).await?;
        let select_ms = started.elapsed().as_millis();
        let validity = mailbox.uid_validity.unwrap_or(0);
        let mut cursor = match intake.store.imap_cursor(&self.name)? {
            Some(c) if c.uid_validity == validity => c,
            Some(old) => {
                tracing::warn!(mailbox = %self.name, old = old.uid_validity, new = validity, "UIDVALIDITY changed: re-reading the folder (duplicates are skipped)");
                ImapCursor {
                    uid_validity: validity,
                    ..ImapCursor::default()
                }
            }
            None => ImapCursor {
                uid_validity: validity,
                ..ImapCursor::default()
            },
        };
        let mut report = SyncReport::default();
        if mailbox.exists == 0 {
            return Ok(report);
        }
        let from = cursor.acked_uid + 1;
        let mut listing = self.list_sizes(session, &format!("{from}:*"), from).await?;
        if !cursor.retry.is_empty() {
            // A retried UID the server no longer lists was expunged: nothing to store.
            let still_there = self
                .list_sizes(session, &uid_set(cursor.retry.iter().copied()), 1)
                .await?;
            let gone: Vec<u32> = cursor
                .retry
                .iter()
                .copied()
                .filter(|u| !still_there.iter().any(|(l, _)| l == u))
                .collect();
            if !gone.is_empty() {
                tracing::warn!(mailbox = %self.name, ?gone, "messages held for retry were expunged before their bodies could be read");
                cursor.retry.retain(|u| !gone.contains(u));
            }
            listing.extend(still_there);
        }
        listing.sort_unstable();
        listing.dedup_by_key(|(uid, _)| *uid);
        // Where a sync's time goes before the first chunk (Dovecot's SELECT
        // of a large Maildir folder grows with it; see README, Performance).
        tracing::debug!(mailbox = %self.name, listed = listing.len(), exists = mailbox.exists, select_ms, list_ms = started.elapsed().as_millis() - select_ms, "folder selected and listed");
        // Each chunk's store work (one transaction, one flush) runs while
        // the next chunk is fetched; a chunk is acknowledged only once its
        // own flush is done, several chunks by one command (see
        // `ACK_EVERY`), and the cursor moves in chunk order after that.
        let mut in_flight: Option<StoringChunk> = None;
        let mut settled = Settled::default();
        for chunk in listing.chunks(self.config.batch.max(1) as usize) {
            let started = std::time::Instant::now();
            let fetched = self.fetch_chunk(session, chunk, validity, intake).await?;
            let fetch_ms = started.elapsed().as_millis();
            if let Some(previous) = in_flight.take() {
                self.settle_chunk(previous, &mut settled, &mut report)
                    .await?;
                if settled.messages() >= ACK_EVERY {
                    self.acknowledge_settled(session, intake, &mut settled, &mut cursor)
                        .await?;
                }
            }
            tracing::debug!(mailbox = %self.name, messages = chunk.len(), fetch_ms, "batch fetched");
            in_flight = Some(store_chunk(intake, &self.name, fetched));
        }
        if let Some(last) = in_flight.take() {
            self.settle_chunk(last, &mut settled, &mut report).await?;
        }
        self.acknowledge_settled(session, intake, &mut settled, &mut cursor)
            .await?;
        Ok(report)
    }

    /// Fetches one chunk of the listing: whole messages up to the size
    /// limit, headers of larger ones. A UID the server sent no body for is
    /// in `missing`: neither stored nor acknowledged.
    async fn fetch_chunk(
        &self,
        session: &mut Session,
        chunk: &[(u32, u32)],
        validity: u32,
        intake: &Intake,
    ) -> anyhow::Result<FetchedChunk> {
        let (small, large): (Vec<_>, Vec<_>) = chunk
            .iter()
            .partition(|(_, size)| u64::from(*size) <= intake.limits.max_message_bytes);
        let mut fetched = FetchedChunk {
            uids: chunk.iter().map(|(u, _)| *u).collect(),
            ..FetchedChunk::default()
        };
        let origin = |uid: u32| Origin {
            mailbox: self.name.clone(),
            reference: format!("{validity}:{uid}"),
        };
        if !small.is_empty() {
            let set = uid_set(small.iter().map(|(u, _)| *u));
            let mut bodies = self.fetch_bodies(session, &set, "BODY.PEEK[]").await?;
            for (uid, size) in &small {
                match take_body(&mut bodies, *uid, *size) {
                    Some(raw) => fetched.messages.push((
                        *uid,
                        Incoming {
                            origin: origin(*uid),
                            size: raw.len() as u64,
                            raw,
                            complete: true,
                        },
                    )),
                    None => fetched.missing.push(*uid),
                }
            }
        }
        if !large.is_empty() {
            let set = uid_set(large.iter().map(|(u, _)| *u));
            let mut heads = self
                .fetch_bodies(session, &set, "BODY.PEEK[HEADER]")
                .await?;
            for (uid, size) in &large {
                match take_body(&mut heads, *uid, *size) {
                    Some(head) => fetched.messages.push((
                        *uid,
                        Incoming {
                            origin: origin(*uid),
                            raw: headers_of(&head).to_vec(),
                            complete: false,
                            size: u64::from(*size),
                        },
                    )),
                    None => fetched.missing.push(*uid),
                }
            }
        }
        Ok(fetched)
    }

    /// Waits for a chunk's store work (stored and flushed) and adds its
    /// messages to those waiting for [`ImapSource::acknowledge_settled`].
    async fn settle_chunk(
        &self,
        chunk: StoringChunk,
        settled: &mut Settled,
        report: &mut SyncReport,
    ) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let admitted = chunk.store.await.context("storing a fetched batch")??;
        crate::fault::point("imap-after-flush");
        for ((uid, complete), admitted) in chunk.uids.iter().zip(&chunk.complete).zip(admitted) {
            match (complete, admitted) {
                (false, _) => {
                    report.oversized += 1;
                    settled.flag.push(*uid);
                }
                (true, Admitted::Queued) => {
                    report.stored += 1;
                    settled.ack.push(*uid);
                }
                (true, Admitted::Duplicate) => {
                    report.duplicates += 1;
                    settled.ack.push(*uid);
                }
            }
        }
        if !chunk.missing.is_empty() {
            tracing::warn!(mailbox = %self.name, missing = ?chunk.missing, "server listed messages but sent no body: not stored, not acknowledged, retried next sync");
        }
        tracing::debug!(
            mailbox = %self.name,
            messages = chunk.listed.len(),
            waited_for_store_ms = started.elapsed().as_millis(),
            "batch stored"
        );
        settled.chunks.push((chunk.listed, chunk.missing));
        Ok(())
    }

    /// Acknowledges every settled (stored and flushed) message in one
    /// command, then moves the cursor past their chunks.
    async fn acknowledge_settled(
        &self,
        session: &mut Session,
        intake: &Intake,
        settled: &mut Settled,
        cursor: &mut ImapCursor,
    ) -> anyhow::Result<()> {
        if settled.chunks.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let done = std::mem::take(settled);
        self.acknowledge(session, &done.ack, &done.flag).await?;
        for (listed, missing) in &done.chunks {
            cursor.advance(listed.iter().copied(), missing)?;
        }
        intake.store.set_imap_cursor(&self.name, cursor)?;
        tracing::debug!(
            mailbox = %self.name,
            messages = done.messages(),
            ack_ms = started.elapsed().as_millis(),
            "batches acknowledged"
        );
        Ok(())
    }

    /// `(UID, RFC822.SIZE)` of the messages in `set`, those below `from` left
    /// out (`N:*` always names the highest UID, even when it is below N).
    async fn list_sizes(
        &self,
        session: &mut Session,
        set: &str,
        from: u32,
    ) -> anyhow::Result<Vec<(u32, u32)>> {
        with_timeout(self.timeout(), "UID FETCH sizes", async {
            let stream = session.uid_fetch(set, "(UID RFC822.SIZE)").await?;
            let fetched: Vec<_> = stream.try_collect().await?;
            Ok::<_, async_imap::error::Error>(
                fetched
                    .iter()
                    .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
                    .filter(|(uid, _)| *uid >= from)
                    .collect(),
            )
        })
        .await
    }

    /// The FETCH items of `set`, each with its body section, or `None` when
    /// the server sent the item without one.
    async fn fetch_bodies(
        &self,
        session: &mut Session,
        set: &str,
        item: &str,
    ) -> anyhow::Result<Vec<(u32, Option<Vec<u8>>)>> {
        with_timeout(self.timeout() * 4, "UID FETCH bodies", async {
            let stream = session.uid_fetch(set, format!("(UID {item})")).await?;
            let fetched: Vec<_> = stream.try_collect().await?;
            Ok::<_, async_imap::error::Error>(
                fetched
                    .iter()
                    .filter_map(|f| Some((f.uid?, f.body().map(<[u8]>::to_vec))))
                    .collect(),
            )
        })
        .await
    }

    /// Marks stored messages seen (or moves them); oversized ones are flagged and left unseen.
    async fn acknowledge(
        &self,
        session: &mut Session,
        stored: &[u32],
        oversized: &[u32],
    ) -> anyhow::Result<()> {
        let t = self.timeout();
        if !stored.is_empty() {
            let set = uid_set(stored.iter().copied());
            match &self.config.move_to {
                Some(folder) => {
                    // CREATE fails harmlessly when the folder exists.
                    let _ = with_timeout(t, "CREATE", session.create(folder)).await;
                    with_timeout(t, "UID MOVE", session.uid_mv(&set, folder)).await?;
                }
                None => {
                    with_timeout(t, "UID STORE", async {
                        session
                            .uid_store(&set, "+FLAGS.SILENT (\\Seen)")
                            .await?
                            .try_collect::<Vec<_>>()
                            .await
                    })
                    .await?;
                }
            }
        }
        if !oversized.is_empty() {
            let set = uid_set(oversized.iter().copied());
            with_timeout(t, "UID STORE", async {
                session
                    .uid_store(&set, "+FLAGS.SILENT (\\Flagged)")
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
        }
        Ok(())
    }
}

/// Messages stored and flushed before one `UID STORE` acknowledges them
/// all. On a large Maildir folder that other sessions keep syncing (a mail
/// client, or the bench's polling client), Dovecot's cost of a flag command
/// is mostly per command, not per message: marking 2,000 of 104k messages
/// seen took 2.3–3.7 s as four commands of 500 and 0.7–1.4 s as one (on a
/// quiet folder both ~0.75 s). So a sync acknowledges every few chunks
/// instead of every chunk. A crash before the command re-fetches at most
/// this many (plus a chunk), which the store's content-hash dedupe turns
/// into duplicates, acknowledged then.
const ACK_EVERY: usize = 2_000;

/// Settled chunks waiting for their acknowledgement, in chunk order.
#[derive(Default)]
struct Settled {
    /// Stored (or already stored): `\Seen` or moved.
    ack: Vec<u32>,
    /// Over the size limit (headers stored): `\Flagged`, left unseen.
    flag: Vec<u32>,
    /// Each chunk's listed and missing UIDs, for the cursor.
    chunks: Vec<(Vec<u32>, Vec<u32>)>,
}

impl Settled {
    fn messages(&self) -> usize {
        self.chunks.iter().map(|(listed, _)| listed.len()).sum()
    }
}

/// One chunk of the listing as fetched.
#[derive(Default)]
struct FetchedChunk {
    /// Every UID of the chunk (listed by the server).
    uids: Vec<u32>,
    /// The messages the server sent, by UID.
    messages: Vec<(u32, Incoming)>,
    /// UIDs listed but sent without a body.
    missing: Vec<u32>,
}

/// A chunk whose store work (receive + flush) runs in its own task.
struct StoringChunk {
    listed: Vec<u32>,
    missing: Vec<u32>,
    /// UID and completeness of each message handed to the store, in order.
    uids: Vec<u32>,
    complete: Vec<bool>,
    store: tokio::task::JoinHandle<anyhow::Result<Vec<Admitted>>>,
}

/// Starts storing a fetched chunk: raw bytes + queue entries in one
/// transaction, then a flush (which wakes the understanding stage).
fn store_chunk(intake: &Intake, mailbox: &str, fetched: FetchedChunk) -> StoringChunk {
    let (uids, incoming): (Vec<u32>, Vec<Incoming>) = fetched.messages.into_iter().unzip();
    let complete = incoming.iter().map(|m| m.complete).collect();
    let (intake, mailbox) = (intake.clone(), mailbox.to_string());
    let store = tokio::spawn(async move {
        let admitted = intake.receive(incoming).await?;
        intake.commit(&mailbox).await?;
        Ok(admitted)
    });
    StoringChunk {
        listed: fetched.uids,
        missing: fetched.missing,
        uids,
        complete,
        store,
    }
}

/// The body the server sent for `uid`, taken out of `fetched`. `None` when
/// it sent none: no FETCH item for the UID, an item without a body section,
/// or an empty section for a message it listed as non-empty.
fn take_body(fetched: &mut [(u32, Option<Vec<u8>>)], uid: u32, size: u32) -> Option<Vec<u8>> {
    let body = fetched
        .iter_mut()
        .find(|(u, b)| *u == uid && b.is_some())
        .and_then(|(_, b)| b.take())?;
    (!body.is_empty() || size == 0).then_some(body)
}

/// Upgrades a plain IMAP connection with STARTTLS (async-imap has no helper).
async fn starttls(tcp: TcpStream) -> anyhow::Result<TcpStream> {
    let mut reader = BufReader::new(tcp);
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    if !line.starts_with("* OK") {
        bail!("unexpected greeting: {}", line.trim_end());
    }
    reader.get_mut().write_all(b"s0 STARTTLS\r\n").await?;
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            bail!("connection closed during STARTTLS");
        }
        if line.starts_with("s0 OK") {
            return Ok(reader.into_inner());
        }
        if line.starts_with("s0 ") {
            bail!("STARTTLS refused: {}", line.trim_end());
        }
    }
}

/// Unsolicited responses pile up in a bounded channel; unread, they stall
/// the session. Returns whether any said the mailbox grew.
fn drain_unsolicited(session: &mut Session) -> bool {
    let mut changed = false;
    while let Ok(response) = session.unsolicited_responses.try_recv() {
        changed |= grows(&response);
    }
    changed
}

/// Resolves when an unsolicited response says new mail arrived.
async fn mailbox_changed(rx: &async_channel::Receiver<UnsolicitedResponse>) {
    while let Ok(response) = rx.recv().await {
        if grows(&response) {
            return;
        }
    }
    // Channel closed: the session is gone; let the IDLE wait report it.
    std::future::pending::<()>().await
}

fn grows(response: &UnsolicitedResponse) -> bool {
    matches!(
        response,
        UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
    )
}

async fn with_timeout<T, E, F>(t: Duration, what: &str, f: F) -> anyhow::Result<T>
where
    F: std::future::Future<Output = Result<T, E>>,
    E: Into<anyhow::Error>,
{
    match tokio::time::timeout(t, f).await {
        Ok(r) => r.map_err(Into::into).with_context(|| what.to_string()),
        Err(_) => Err(anyhow!("{what}: no answer within {t:?}")),
    }
}

/// `1:3,7,9:10` from sorted or unsorted UIDs.
pub fn uid_set(uids: impl Iterator<Item = u32>) -> String {
    let mut uids: Vec<u32> = uids.collect();
    uids.sort_unstable();
    uids.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact_ranges() {
        assert_eq!(uid_set([3, 1, 2, 7, 9, 10].into_iter()), "1:3,7,9:10");
        assert_eq!(uid_set([5].into_iter()), "5");
    }
}
