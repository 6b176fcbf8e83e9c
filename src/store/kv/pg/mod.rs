//! The shared backend: every tree is a PostgreSQL table `kv_<name>`
//! (`key bytea primary key, value bytea`), listed in `carousel_trees`.
//! A kv transaction is one SQL transaction (SERIALIZABLE, re-run on a
//! serialization failure or a lost insert race, as sled re-runs on a
//! conflict), so several carousel instances can share one database.
//!
//! The store calls are synchronous (they run on blocking threads, like
//! sled's), while the client is `tokio-postgres`: one background thread runs
//! the connections' I/O, and each call waits for its answer with
//! `futures::executor::block_on`, which needs no runtime of its own and so
//! works on any thread (the sync `postgres` crate would panic when called
//! from inside the daemon's runtime).

use std::cell::Cell;
use std::ops::Bound;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use futures::executor::block_on;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls};

use super::{
    Bytes, CompareAndSwapError, ConflictableTransactionError, ConflictableTransactionResult,
    TransactionError, TransactionalTree, TxInner, UnabortableTransactionError,
};
use crate::store::StoreError;

mod iter;
mod schema;
mod tls;

pub(crate) use tls::percent_encode;

pub(crate) use iter::{PgIter, owned_bounds, prefix_bounds};
use schema::MIGRATIONS;

/// Rows fetched per round trip while iterating.
const PAGE: i64 = 256;

/// Key of the advisory lock held while migrating ("carousel" in ASCII).
const MIGRATION_LOCK: i64 = 0x6361_726f_7573_656c;

fn pg_err(e: tokio_postgres::Error) -> StoreError {
    StoreError::Postgres(e.to_string())
}

/// True when re-running the transaction can succeed: another instance
/// changed what it read, or inserted the same key first.
fn is_conflict(e: &tokio_postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::UNIQUE_VIOLATION
    )
}

/// The database and a small pool of connections to it.
pub(crate) struct Pg {
    /// The URL as tokio-postgres reads it, and the TLS to connect with.
    tls: tls::Settings,
    idle: Mutex<Vec<Arc<Client>>>,
    /// Runs each connection's I/O task.
    driver: tokio::runtime::Handle,
    /// Tables known to exist, by tree name.
    tables: Mutex<std::collections::HashMap<Vec<u8>, Arc<str>>>,
}

/// The runtime that drives every connection of the process: a thread of its
/// own, started once, so connections outlive whichever runtime asked for them.
fn driver() -> tokio::runtime::Handle {
    static DRIVER: std::sync::OnceLock<tokio::runtime::Handle> = std::sync::OnceLock::new();
    DRIVER
        .get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::Builder::new()
                .name("carousel-pg".into())
                .spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("a current-thread runtime builds");
                    let _ = tx.send(rt.handle().clone());
                    rt.block_on(std::future::pending::<()>());
                })
                .expect("spawn the PostgreSQL driver thread");
            rx.recv().expect("driver thread started")
        })
        .clone()
}

impl Pg {
    /// Connects, applies pending migrations, and returns the handle.
    pub(crate) fn open(url: &str) -> Result<Arc<Pg>, StoreError> {
        let pg = Arc::new(Pg {
            tls: tls::settings(url)?,
            idle: Mutex::new(Vec::new()),
            driver: driver(),
            tables: Mutex::new(Default::default()),
        });
        pg.migrate()?;
        Ok(pg)
    }

    fn connect(&self) -> Result<Arc<Client>, StoreError> {
        let url = self.tls.url.clone();
        let connector = self.tls.connector.clone();
        let (tx, rx) = futures::channel::oneshot::channel();
        self.driver.spawn(async move {
            // Each connection's I/O runs on the driver until it closes.
            fn drive<T>(conn: T)
            where
                T: std::future::Future<Output = Result<(), tokio_postgres::Error>> + Send + 'static,
            {
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::warn!(error = %e, "PostgreSQL connection closed");
                    }
                });
            }
            let result = match connector {
                None => tokio_postgres::connect(&url, NoTls)
                    .await
                    .map(|(client, conn)| {
                        drive(conn);
                        client
                    }),
                Some(tls) => tokio_postgres::connect(&url, tls)
                    .await
                    .map(|(client, conn)| {
                        drive(conn);
                        client
                    }),
            };
            let _ = tx.send(result);
        });
        let client = block_on(rx)
            .map_err(|_| StoreError::Postgres("connection task stopped".into()))?
            .map_err(|e| StoreError::Postgres(format!("connecting: {}", error_chain(&e))))?;
        Ok(Arc::new(client))
    }

    /// A connection from the pool (a new one when none is idle).
    fn client(&self) -> Result<Pooled<'_>, StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let client = match idle {
            Some(c) if !c.is_closed() => c,
            _ => self.connect()?,
        };
        Ok(Pooled {
            pg: self,
            client: Some(client),
        })
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let c = self.client()?;
        let c = c.get();
        block_on(c.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])).map_err(pg_err)?;
        let result = (|| {
            block_on(c.batch_execute(
                "CREATE TABLE IF NOT EXISTS carousel_migrations (
                     version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            ))?;
            let row = block_on(c.query_one(
                "SELECT coalesce(max(version), 0) FROM carousel_migrations",
                &[],
            ))?;
            let done: i32 = row.get(0);
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
                let version = i as i32 + 1;
                block_on(c.batch_execute(&format!("BEGIN; {sql}; COMMIT;")))?;
                block_on(c.execute(
                    "INSERT INTO carousel_migrations (version) VALUES ($1)",
                    &[&version],
                ))?;
            }
            Ok(())
        })();
        let unlock = block_on(c.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]));
        result.map_err(pg_err)?;
        unlock.map_err(pg_err)?;
        Ok(())
    }

    /// The table of tree `name`, created (and registered) on first use.
    pub(crate) fn open_tree(self: &Arc<Self>, name: &[u8]) -> Result<PgTree, StoreError> {
        if let Some(table) = self
            .tables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
        {
            return Ok(PgTree {
                pg: self.clone(),
                table: table.clone(),
            });
        }
        let table: Arc<str> = table_name(name).into();
        let c = self.client()?;
        let name_text = String::from_utf8_lossy(name).into_owned();
        // Under the migration lock: two instances creating the same table
        // at once would otherwise collide inside PostgreSQL's catalog.
        let literal = name_text.replace('\'', "''");
        block_on(c.get().batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
             CREATE TABLE IF NOT EXISTS {table} (key bytea PRIMARY KEY, value bytea NOT NULL);
             INSERT INTO carousel_trees (name, tbl) VALUES ('{literal}', '{table}') ON CONFLICT DO NOTHING;
             COMMIT;"
        )))
        .map_err(|e| {
            rollback(c.get());
            pg_err(e)
        })?;
        self.tables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_vec(), table.clone());
        Ok(PgTree {
            pg: self.clone(),
            table,
        })
    }

    pub(crate) fn tree_names(&self) -> Result<Vec<Bytes>, StoreError> {
        let c = self.client()?;
        let rows = block_on(
            c.get()
                .query("SELECT name FROM carousel_trees ORDER BY name", &[]),
        )
        .map_err(pg_err)?;
        Ok(rows
            .iter()
            .map(|r| Bytes::from(r.get::<_, String>(0).as_bytes()))
            .collect())
    }

    pub(crate) fn generate_id(&self) -> Result<u64, StoreError> {
        let c = self.client()?;
        next_id(c.get()).map_err(pg_err)
    }

    pub(crate) fn advance_ids_past(&self, n: u64) -> Result<(), StoreError> {
        let c = self.client()?;
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        block_on(c.get().execute(
            "SELECT setval('carousel_ids', greatest($1, (SELECT last_value FROM carousel_ids)))",
            &[&n],
        ))
        .map_err(pg_err)?;
        Ok(())
    }

    /// Sends a wake-up on `channel` to every instance listening
    /// ([`Pg::listen`]), without waiting: a lost one only delays (each
    /// stage also works on a timer).
    pub(crate) fn notify(self: &Arc<Self>, channel: &'static str) {
        let pg = self.clone();
        self.driver.spawn_blocking(move || {
            let sent = pg.client().and_then(|c| {
                block_on(c.get().execute("SELECT pg_notify($1, '')", &[&channel])).map_err(pg_err)
            });
            if let Err(e) = sent {
                tracing::debug!(channel, "wake-up not sent: {e}");
            }
        });
    }

    /// Listens on `channels` on a connection of its own (reconnecting after
    /// a failure) and hands each wake-up's channel to the receiver; stops
    /// when the receiver is dropped.
    pub(crate) fn listen(
        &self,
        channels: &[&'static str],
    ) -> tokio::sync::mpsc::UnboundedReceiver<String> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let url = self.tls.url.clone();
        let connector = self.tls.connector.clone();
        let channels = channels.to_vec();
        self.driver.spawn(async move {
            while !tx.is_closed() {
                let heard = match connector.clone() {
                    None => listen_once(&url, NoTls, &channels, &tx).await,
                    Some(tls) => listen_once(&url, tls, &channels, &tx).await,
                };
                if let Err(e) = heard {
                    tracing::warn!("listening for wake-ups: {}", error_chain(&e));
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
        rx
    }

    /// Runs `f` as one SERIALIZABLE transaction over `trees`, again on a
    /// conflict (as sled does), with a short growing pause between tries.
    pub(crate) fn transaction<F, A, E>(
        &self,
        trees: &[&PgTree],
        f: F,
    ) -> Result<A, TransactionError<E>>
    where
        F: Fn(&[TransactionalTree]) -> ConflictableTransactionResult<A, E>,
    {
        let pooled = self.client().map_err(TransactionError::Storage)?;
        let client = pooled.get();
        for attempt in 0u32.. {
            block_on(client.batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE"))
                .map_err(|e| TransactionError::Storage(pg_err(e)))?;
            let state = Rc::new(TxState {
                client: client.clone(),
                conflicted: Cell::new(false),
            });
            let views: Vec<TransactionalTree> = trees
                .iter()
                .map(|t| {
                    TransactionalTree(TxInner::Pg(PgTxTree {
                        state: state.clone(),
                        table: t.table.clone(),
                    }))
                })
                .collect();
            let outcome = f(&views);
            let conflicted = state.conflicted.get();
            let retry = match outcome {
                Ok(value) if !conflicted => match block_on(client.batch_execute("COMMIT")) {
                    Ok(()) => return Ok(value),
                    Err(e) if is_conflict(&e) => true,
                    Err(e) => return Err(TransactionError::Storage(pg_err(e))),
                },
                Ok(_) | Err(ConflictableTransactionError::Conflict) => true,
                Err(ConflictableTransactionError::Abort(e)) if !conflicted => {
                    rollback(client);
                    return Err(TransactionError::Abort(e));
                }
                Err(ConflictableTransactionError::Storage(e)) if !conflicted => {
                    rollback(client);
                    return Err(TransactionError::Storage(e));
                }
                Err(_) => true,
            };
            if retry {
                rollback(client);
                std::thread::sleep(std::time::Duration::from_millis(
                    (1u64 << attempt.min(6)) + rand::random::<u64>() % 5,
                ));
            }
        }
        unreachable!("the retry loop only ends by returning")
    }
}

/// An error with its causes (a TLS failure is the source of tokio-postgres'
/// "error performing TLS handshake").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// One listening connection, until it closes or the receiver is dropped.
async fn listen_once<T>(
    url: &str,
    tls: T,
    channels: &[&'static str],
    tx: &tokio::sync::mpsc::UnboundedSender<String>,
) -> Result<(), tokio_postgres::Error>
where
    T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>,
    T::Stream: Send + 'static,
{
    let (client, mut conn) = tokio_postgres::connect(url, tls).await?;
    let forward_to = tx.clone();
    // The connection delivers the notifications; polled beside the LISTENs.
    let forward = tokio::spawn(async move {
        while let Some(message) = futures::future::poll_fn(|cx| conn.poll_message(cx)).await {
            match message {
                Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                    if forward_to.send(n.channel().to_string()).is_err() {
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    for channel in channels {
        client.batch_execute(&format!("LISTEN {channel}")).await?;
    }
    let ended = forward.await;
    drop(client);
    match ended {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}

fn rollback(client: &Client) {
    let _ = block_on(client.batch_execute("ROLLBACK"));
}

fn next_id(c: &Client) -> Result<u64, tokio_postgres::Error> {
    let row = block_on(c.query_one("SELECT nextval('carousel_ids')", &[]))?;
    Ok(row.get::<_, i64>(0) as u64)
}

/// `kv_` + the tree name when it is a plain identifier, else its hex.
fn table_name(name: &[u8]) -> String {
    let plain = !name.is_empty()
        && name.len() <= 40
        && name
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
    if plain {
        format!("kv_{}", String::from_utf8_lossy(name))
    } else {
        format!("kvx_{}", hex::encode(&name[..name.len().min(28)]))
    }
}

/// A pooled connection, returned to the pool when dropped.
struct Pooled<'a> {
    pg: &'a Pg,
    client: Option<Arc<Client>>,
}

impl Pooled<'_> {
    fn get(&self) -> &Arc<Client> {
        self.client.as_ref().expect("present until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.client.take()
            && !c.is_closed()
        {
            self.pg
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(c);
        }
    }
}

/// One tree (table) of the shared database.
#[derive(Clone)]
pub(crate) struct PgTree {
    pg: Arc<Pg>,
    table: Arc<str>,
}

impl PgTree {
    fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        let c = self.pg.client()?;
        let sql = sql.replace("{t}", &self.table);
        block_on(c.get().query(&sql, params)).map_err(pg_err)
    }

    fn value_of(rows: &[tokio_postgres::Row]) -> Option<Bytes> {
        rows.first().map(|r| Bytes::from(r.get::<_, Vec<u8>>(0)))
    }

    pub(crate) fn get(&self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        let rows = self.query("SELECT value FROM {t} WHERE key = $1", &[&key])?;
        Ok(Self::value_of(&rows))
    }

    pub(crate) fn insert(&self, key: &[u8], value: &[u8]) -> Result<Option<Bytes>, StoreError> {
        let rows = self.query(UPSERT_RETURNING_OLD, &[&key, &value])?;
        Ok(rows
            .first()
            .and_then(|r| r.get::<_, Option<Vec<u8>>>(0))
            .map(Bytes::from))
    }

    pub(crate) fn remove(&self, key: &[u8]) -> Result<Option<Bytes>, StoreError> {
        let rows = self.query("DELETE FROM {t} WHERE key = $1 RETURNING value", &[&key])?;
        Ok(Self::value_of(&rows))
    }

    pub(crate) fn contains_key(&self, key: &[u8]) -> Result<bool, StoreError> {
        Ok(!self
            .query("SELECT 1 FROM {t} WHERE key = $1", &[&key])?
            .is_empty())
    }

    pub(crate) fn edge(&self, last: bool) -> Result<Option<(Bytes, Bytes)>, StoreError> {
        let order = if last { "DESC" } else { "ASC" };
        let rows = self.query(
            &format!("SELECT key, value FROM {{t}} ORDER BY key {order} LIMIT 1"),
            &[],
        )?;
        Ok(rows.first().map(pair_of))
    }

    pub(crate) fn len(&self) -> Result<usize, StoreError> {
        let rows = self.query("SELECT count(*) FROM {t}", &[])?;
        Ok(rows.first().map_or(0, |r| r.get::<_, i64>(0) as usize))
    }

    pub(crate) fn clear(&self) -> Result<(), StoreError> {
        self.query("DELETE FROM {t}", &[])?;
        Ok(())
    }

    /// Compare-and-swap as one short transaction (the row locked while compared).
    pub(crate) fn compare_and_swap(
        &self,
        key: &[u8],
        old: Option<&[u8]>,
        new: Option<Bytes>,
    ) -> Result<Result<(), CompareAndSwapError>, StoreError> {
        let result = self.pg.transaction(&[self], |views| {
            let TransactionalTree(TxInner::Pg(t)) = &views[0] else {
                unreachable!("a PostgreSQL transaction has PostgreSQL views")
            };
            let current = t.get_for_update(key)?;
            if current.as_deref() != old {
                return Ok(Err(CompareAndSwapError {
                    current,
                    proposed: new.clone(),
                }));
            }
            match &new {
                Some(v) => t.insert(key, v)?,
                None => t.remove(key)?,
            };
            Ok(Ok(()))
        });
        result.map_err(|e: TransactionError<StoreError>| StoreError::from(e))
    }

    pub(crate) fn iter(&self, lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> PgIter {
        PgIter::new(self.clone(), lo, hi)
    }

    pub(crate) fn pg(&self) -> &Arc<Pg> {
        &self.pg
    }
}

/// Inserts or replaces, and returns the value replaced (NULL when new).
const UPSERT_RETURNING_OLD: &str = "WITH old AS (SELECT value FROM {t} WHERE key = $1 FOR UPDATE),
     up AS (INSERT INTO {t} (key, value) VALUES ($1, $2)
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value)
     SELECT (SELECT value FROM old)";

fn pair_of(r: &tokio_postgres::Row) -> (Bytes, Bytes) {
    (
        Bytes::from(r.get::<_, Vec<u8>>(0)),
        Bytes::from(r.get::<_, Vec<u8>>(1)),
    )
}

/// What the views of one transaction share: its connection, and whether a
/// statement failed in a way that calls for re-running the whole closure
/// (PostgreSQL refuses every later statement of an aborted transaction).
struct TxState {
    client: Arc<Client>,
    conflicted: Cell<bool>,
}

/// A tree inside a PostgreSQL transaction.
#[derive(Clone)]
pub(crate) struct PgTxTree {
    state: Rc<TxState>,
    table: Arc<str>,
}

type TxResult<T> = Result<T, UnabortableTransactionError>;

impl PgTxTree {
    fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> TxResult<Vec<tokio_postgres::Row>> {
        if self.state.conflicted.get() {
            return Err(UnabortableTransactionError::Conflict);
        }
        let sql = sql.replace("{t}", &self.table);
        block_on(self.state.client.query(&sql, params)).map_err(|e| {
            if is_conflict(&e) {
                self.state.conflicted.set(true);
                UnabortableTransactionError::Conflict
            } else {
                UnabortableTransactionError::Storage(pg_err(e))
            }
        })
    }

    pub(crate) fn get(&self, key: &[u8]) -> TxResult<Option<Bytes>> {
        let rows = self.query("SELECT value FROM {t} WHERE key = $1", &[&key])?;
        Ok(PgTree::value_of(&rows))
    }

    fn get_for_update(&self, key: &[u8]) -> TxResult<Option<Bytes>> {
        let rows = self.query("SELECT value FROM {t} WHERE key = $1 FOR UPDATE", &[&key])?;
        Ok(PgTree::value_of(&rows))
    }

    pub(crate) fn insert(&self, key: &[u8], value: &[u8]) -> TxResult<Option<Bytes>> {
        let rows = self.query(UPSERT_RETURNING_OLD, &[&key, &value])?;
        Ok(rows
            .first()
            .and_then(|r| r.get::<_, Option<Vec<u8>>>(0))
            .map(Bytes::from))
    }

    pub(crate) fn remove(&self, key: &[u8]) -> TxResult<Option<Bytes>> {
        let rows = self.query("DELETE FROM {t} WHERE key = $1 RETURNING value", &[&key])?;
        Ok(PgTree::value_of(&rows))
    }

    /// [`TransactionalTree::claim`]: row locks taken, rows others hold skipped.
    pub(crate) fn claim(&self, keys: &[Vec<u8>]) -> TxResult<Vec<(Bytes, Bytes)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query(
            "SELECT key, value FROM {t} WHERE key = ANY($1) ORDER BY key FOR UPDATE SKIP LOCKED",
            &[&keys],
        )?;
        Ok(rows.iter().map(pair_of).collect())
    }

    pub(crate) fn generate_id(&self) -> TxResult<u64> {
        let rows = self.query("SELECT nextval('carousel_ids')", &[])?;
        Ok(rows.first().map_or(0, |r| r.get::<_, i64>(0) as u64))
    }
}

/// [`PgTree::compare_and_swap`]'s plain `Option<&[u8]>` from a caller's bound.
pub(crate) fn old_of<OV: AsRef<[u8]>>(old: &Option<OV>) -> Option<&[u8]> {
    old.as_ref().map(AsRef::as_ref)
}
