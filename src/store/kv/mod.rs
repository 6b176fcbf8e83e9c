//! The store's key-value layer: named trees of ordered byte keys, and
//! transactions over several trees, with one API whatever the backend.
//! Every stage outside `store` reaches its trees through [`Tree`] (from
//! [`crate::store::Store::tree`]) and never names the backend, so the
//! embedded sled store and a shared database are interchangeable.
//!
//! The method names, bounds and transaction shape mirror sled's (the first
//! backend), so code written against sled reads the same here:
//! `(&a, &b).transaction(|(a, b)| { ... })`, with [`ConflictableTransactionError`]
//! inside the closure and [`TransactionError`] out of it.

pub(crate) mod pg;
mod sled_backend;

use std::sync::Arc;

use std::ops::{Bound, RangeBounds};

use super::StoreError;

/// Wake-up channel: a source committed received mail (understanding has work).
pub const WAKE_RECEIVED: &str = "carousel_received";
/// Wake-up channel: understanding wrote responses (act has work).
pub const WAKE_RESPONSES: &str = "carousel_responses";
/// Every wake-up channel.
pub const WAKE_CHANNELS: [&str; 2] = [WAKE_RECEIVED, WAKE_RESPONSES];

/// A stored key or value: cheap to clone, derefs to `[u8]`. sled's byte
/// type, which is zero-copy on the embedded backend and built from a
/// `Vec<u8>` on any other.
pub type Bytes = sled::IVec;

/// One named tree (a sorted map from byte keys to byte values).
#[derive(Clone)]
pub struct Tree(TreeInner);

#[derive(Clone)]
enum TreeInner {
    Sled(sled::Tree),
    Pg(pg::PgTree),
}

/// The whole database: opens trees, lists them, hands out ids, flushes.
#[derive(Clone)]
pub struct Db(DbInner);

#[derive(Clone)]
enum DbInner {
    Sled(sled::Db),
    Pg(Arc<pg::Pg>),
}

/// A tree inside a transaction: reads see the transaction's own writes.
#[derive(Clone)]
pub struct TransactionalTree(TxInner);

#[derive(Clone)]
enum TxInner {
    Sled(sled::transaction::TransactionalTree),
    Pg(pg::PgTxTree),
}

/// An error of one operation inside a transaction; `?` turns it into
/// [`ConflictableTransactionError`].
#[derive(Debug)]
pub enum UnabortableTransactionError {
    /// Another writer got there first: the transaction is run again.
    Conflict,
    /// The store failed.
    Storage(StoreError),
}

/// What a transaction closure returns on failure.
#[derive(Debug)]
pub enum ConflictableTransactionError<E = StoreError> {
    /// The caller's own reason to give up: returned as [`TransactionError::Abort`].
    Abort(E),
    /// Retried by [`Transactional::transaction`]; never returned to the caller.
    #[doc(hidden)]
    Conflict,
    /// The store failed.
    Storage(StoreError),
}

/// Why a transaction did not commit.
#[derive(Debug)]
pub enum TransactionError<E = StoreError> {
    Abort(E),
    Storage(StoreError),
}

/// The result of a transaction closure.
pub type ConflictableTransactionResult<T, E = StoreError> =
    Result<T, ConflictableTransactionError<E>>;

impl<E> From<UnabortableTransactionError> for ConflictableTransactionError<E> {
    fn from(e: UnabortableTransactionError) -> Self {
        match e {
            UnabortableTransactionError::Conflict => ConflictableTransactionError::Conflict,
            UnabortableTransactionError::Storage(s) => ConflictableTransactionError::Storage(s),
        }
    }
}

impl<E> From<StoreError> for ConflictableTransactionError<E> {
    fn from(e: StoreError) -> Self {
        ConflictableTransactionError::Storage(e)
    }
}

impl From<TransactionError<StoreError>> for StoreError {
    fn from(e: TransactionError<StoreError>) -> Self {
        match e {
            TransactionError::Abort(e) | TransactionError::Storage(e) => e,
        }
    }
}

impl<E: std::fmt::Display> std::fmt::Display for TransactionError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransactionError::Abort(e) => e.fmt(f),
            TransactionError::Storage(e) => e.fmt(f),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for TransactionError<E> {}

type TxResult<T> = Result<T, UnabortableTransactionError>;

/// Iterates a tree (or a range or prefix of it) in key order.
pub struct Iter(IterInner);

enum IterInner {
    Sled(sled::Iter),
    Pg(pg::PgIter),
}

impl Iterator for Iter {
    type Item = Result<(Bytes, Bytes), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterInner::Sled(i) => i.next().map(|r| r.map_err(StoreError::from)),
            IterInner::Pg(i) => i.next(),
        }
    }
}

impl DoubleEndedIterator for Iter {
    fn next_back(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterInner::Sled(i) => i.next_back().map(|r| r.map_err(StoreError::from)),
            IterInner::Pg(i) => i.next_back(),
        }
    }
}

impl Iter {
    /// Only the keys.
    pub fn keys(self) -> impl DoubleEndedIterator<Item = Result<Bytes, StoreError>> {
        self.map(|r| r.map(|(k, _)| k))
    }

    /// Only the values.
    pub fn values(self) -> impl DoubleEndedIterator<Item = Result<Bytes, StoreError>> {
        self.map(|r| r.map(|(_, v)| v))
    }
}

/// A compare-and-swap that found another value than expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareAndSwapError {
    pub current: Option<Bytes>,
    pub proposed: Option<Bytes>,
}

impl Tree {
    pub fn get<K: AsRef<[u8]>>(&self, key: K) -> Result<Option<Bytes>, StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => Ok(t.get(key)?),
            TreeInner::Pg(t) => t.get(key.as_ref()),
        }
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert<K: AsRef<[u8]>, V: Into<Bytes>>(
        &self,
        key: K,
        value: V,
    ) -> Result<Option<Bytes>, StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => Ok(t.insert(key, value)?),
            TreeInner::Pg(t) => t.insert(key.as_ref(), &value.into()),
        }
    }

    /// Deletes `key`; returns the value it had.
    pub fn remove<K: AsRef<[u8]>>(&self, key: K) -> Result<Option<Bytes>, StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => Ok(t.remove(key)?),
            TreeInner::Pg(t) => t.remove(key.as_ref()),
        }
    }

    pub fn contains_key<K: AsRef<[u8]>>(&self, key: K) -> Result<bool, StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => Ok(t.contains_key(key)?),
            TreeInner::Pg(t) => t.contains_key(key.as_ref()),
        }
    }

    pub fn iter(&self) -> Iter {
        match &self.0 {
            TreeInner::Sled(t) => Iter(IterInner::Sled(t.iter())),
            TreeInner::Pg(t) => Iter(IterInner::Pg(t.iter(Bound::Unbounded, Bound::Unbounded))),
        }
    }

    pub fn range<K: AsRef<[u8]>, R: RangeBounds<K>>(&self, range: R) -> Iter {
        match &self.0 {
            TreeInner::Sled(t) => Iter(IterInner::Sled(t.range(range))),
            TreeInner::Pg(t) => {
                let (lo, hi) = pg::owned_bounds(&range);
                Iter(IterInner::Pg(t.iter(lo, hi)))
            }
        }
    }

    pub fn scan_prefix<P: AsRef<[u8]>>(&self, prefix: P) -> Iter {
        match &self.0 {
            TreeInner::Sled(t) => Iter(IterInner::Sled(t.scan_prefix(prefix))),
            TreeInner::Pg(t) => {
                let (lo, hi) = pg::prefix_bounds(prefix.as_ref());
                Iter(IterInner::Pg(t.iter(lo, hi)))
            }
        }
    }

    /// The entry with the smallest key.
    pub fn first(&self) -> Result<Option<(Bytes, Bytes)>, StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => Ok(t.first()?),
            TreeInner::Pg(t) => t.edge(false),
        }
    }

    /// The entry with the largest key.
    pub fn last(&self) -> Result<Option<(Bytes, Bytes)>, StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => Ok(t.last()?),
            TreeInner::Pg(t) => t.edge(true),
        }
    }

    /// How many entries (a scan on sled: keep counters for hot paths).
    /// A database error counts as empty (logged): callers use it for figures.
    pub fn len(&self) -> usize {
        match &self.0 {
            TreeInner::Sled(t) => t.len(),
            TreeInner::Pg(t) => t.len().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "counting a tree");
                0
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.0 {
            TreeInner::Sled(t) => t.is_empty(),
            TreeInner::Pg(t) => t.edge(false).map_or(true, |e| e.is_none()),
        }
    }

    /// Deletes every entry.
    pub fn clear(&self) -> Result<(), StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => Ok(t.clear()?),
            TreeInner::Pg(t) => t.clear(),
        }
    }

    /// Sets `key` to `new` only if it holds `old` now (`None`: absent).
    pub fn compare_and_swap<K: AsRef<[u8]>, OV: AsRef<[u8]>, NV: Into<Bytes>>(
        &self,
        key: K,
        old: Option<OV>,
        new: Option<NV>,
    ) -> Result<Result<(), CompareAndSwapError>, StoreError> {
        match &self.0 {
            TreeInner::Sled(t) => {
                Ok(t.compare_and_swap(key, old, new)?
                    .map_err(|e| CompareAndSwapError {
                        current: e.current,
                        proposed: e.proposed,
                    }))
            }
            TreeInner::Pg(t) => {
                t.compare_and_swap(key.as_ref(), pg::old_of(&old), new.map(Into::into))
            }
        }
    }

    /// Applies `f` to the value of `key` atomically; returns the new value.
    pub fn update_and_fetch<K, V, F>(&self, key: K, mut f: F) -> Result<Option<Bytes>, StoreError>
    where
        K: AsRef<[u8]>,
        F: FnMut(Option<&[u8]>) -> Option<V>,
        V: Into<Bytes>,
    {
        let key = key.as_ref();
        let mut current = self.get(key)?;
        loop {
            let next: Option<Bytes> = f(current.as_deref()).map(Into::into);
            match self.compare_and_swap(key, current.as_deref(), next.clone())? {
                Ok(()) => return Ok(next),
                Err(e) => current = e.current,
            }
        }
    }
}

impl From<sled::Db> for Db {
    fn from(db: sled::Db) -> Self {
        Db(DbInner::Sled(db))
    }
}

impl Db {
    /// Connects to the PostgreSQL database at `url` and brings its schema up
    /// to date.
    pub fn open_postgres(url: &str) -> Result<Db, StoreError> {
        Ok(Db(DbInner::Pg(pg::Pg::open(url)?)))
    }

    /// `url` with `sslrootcert` (the CA file checking the database's
    /// certificate) added, for `[store] ca_file`.
    pub fn postgres_url_with_ca(url: &str, ca_file: &std::path::Path) -> String {
        let path = ca_file.display().to_string();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}sslrootcert={}", pg::percent_encode(&path))
        } else {
            format!("{url} sslrootcert='{path}'")
        }
    }

    /// Wakes the stages of every instance listening on `channel` (one of
    /// [`WAKE_CHANNELS`]); nothing on sled (one process wakes itself).
    pub fn notify(&self, channel: &'static str) {
        if let DbInner::Pg(pg) = &self.0 {
            pg.notify(channel);
        }
    }

    /// The wake-ups other instances send ([`Db::notify`]) on `channels`, by
    /// channel name; `None` on sled.
    pub fn listen(
        &self,
        channels: &[&'static str],
    ) -> Option<tokio::sync::mpsc::UnboundedReceiver<String>> {
        match &self.0 {
            DbInner::Pg(pg) => Some(pg.listen(channels)),
            DbInner::Sled(_) => None,
        }
    }

    /// True for the shared (PostgreSQL) backend.
    pub fn is_shared(&self) -> bool {
        matches!(self.0, DbInner::Pg(_))
    }

    /// Opens (creating if needed) the tree called `name`.
    pub fn open_tree<N: AsRef<[u8]>>(&self, name: N) -> Result<Tree, StoreError> {
        match &self.0 {
            DbInner::Sled(db) => Ok(Tree(TreeInner::Sled(db.open_tree(name)?))),
            DbInner::Pg(pg) => Ok(Tree(TreeInner::Pg(pg.open_tree(name.as_ref())?))),
        }
    }

    /// The names of every tree, including the backend's own.
    pub fn tree_names(&self) -> Result<Vec<Bytes>, StoreError> {
        match &self.0 {
            DbInner::Sled(db) => Ok(db.tree_names()),
            DbInner::Pg(pg) => pg.tree_names(),
        }
    }

    /// A number larger than any handed out before, across restarts.
    pub fn generate_id(&self) -> Result<u64, StoreError> {
        match &self.0 {
            DbInner::Sled(db) => Ok(db.generate_id()?),
            DbInner::Pg(pg) => pg.generate_id(),
        }
    }

    /// Makes [`Db::generate_id`] hand out only numbers above `n` (after
    /// copying keys made from another database's ids).
    pub fn advance_ids_past(&self, n: u64) -> Result<(), StoreError> {
        match &self.0 {
            DbInner::Sled(db) => {
                while db.generate_id()? <= n {}
                Ok(())
            }
            DbInner::Pg(pg) => pg.advance_ids_past(n),
        }
    }

    /// Waits until everything written so far is durable.
    pub async fn flush_async(&self) -> Result<(), StoreError> {
        match &self.0 {
            DbInner::Sled(db) => {
                db.flush_async().await?;
            }
            // Every statement and transaction is durable when it returns.
            DbInner::Pg(_) => {}
        }
        Ok(())
    }

    /// Blocking [`Db::flush_async`].
    pub fn flush(&self) -> Result<(), StoreError> {
        match &self.0 {
            DbInner::Sled(db) => {
                db.flush()?;
            }
            DbInner::Pg(_) => {}
        }
        Ok(())
    }
}

impl TransactionalTree {
    pub fn get<K: AsRef<[u8]>>(&self, key: K) -> TxResult<Option<Bytes>> {
        match &self.0 {
            TxInner::Sled(t) => t.get(key).map_err(sled_backend::unabortable),
            TxInner::Pg(t) => t.get(key.as_ref()),
        }
    }

    pub fn insert<K: AsRef<[u8]> + Into<Bytes>, V: Into<Bytes>>(
        &self,
        key: K,
        value: V,
    ) -> TxResult<Option<Bytes>> {
        match &self.0 {
            TxInner::Sled(t) => t.insert(key, value).map_err(sled_backend::unabortable),
            TxInner::Pg(t) => t.insert(key.as_ref(), &value.into()),
        }
    }

    pub fn remove<K: AsRef<[u8]> + Into<Bytes>>(&self, key: K) -> TxResult<Option<Bytes>> {
        match &self.0 {
            TxInner::Sled(t) => t.remove(key).map_err(sled_backend::unabortable),
            TxInner::Pg(t) => t.remove(key.as_ref()),
        }
    }

    /// Claims the entries among `keys` that exist and that no concurrent
    /// transaction holds, in key order: they stay claimed (locked) until this
    /// transaction ends, so the same work item is never worked on by two
    /// instances at once, and the effects of working it commit with its
    /// removal or update. On PostgreSQL, `SELECT … FOR UPDATE SKIP LOCKED`
    /// (an entry another instance is committing is skipped, not waited for);
    /// on sled (one process), the entries that exist.
    ///
    /// The caller names the keys (read outside the transaction) because a
    /// transaction cannot scan on sled; see README "More than one machine"
    /// for how each stage picks them.
    pub fn claim(&self, keys: &[Vec<u8>]) -> TxResult<Vec<(Bytes, Bytes)>> {
        match &self.0 {
            TxInner::Sled(t) => {
                let mut sorted: Vec<&Vec<u8>> = keys.iter().collect();
                sorted.sort();
                sorted.dedup();
                let mut claimed = Vec::with_capacity(sorted.len());
                for key in sorted {
                    if let Some(v) = t.get(key).map_err(sled_backend::unabortable)? {
                        claimed.push((Bytes::from(key.as_slice()), v));
                    }
                }
                Ok(claimed)
            }
            TxInner::Pg(t) => t.claim(keys),
        }
    }

    /// [`Db::generate_id`] from inside a transaction.
    pub fn generate_id(&self) -> TxResult<u64> {
        match &self.0 {
            TxInner::Sled(t) => t
                .generate_id()
                .map_err(|e| UnabortableTransactionError::Storage(StoreError::Sled(e))),
            TxInner::Pg(t) => t.generate_id(),
        }
    }
}

/// Runs a closure over several trees as one transaction: all its writes
/// commit together or none does. The closure may run more than once (on a
/// conflict), so it must not have effects outside the trees.
pub trait Transactional {
    /// What the closure receives: one [`TransactionalTree`] per tree.
    type View;

    fn transaction<F, A, E>(&self, f: F) -> Result<A, TransactionError<E>>
    where
        F: Fn(&Self::View) -> ConflictableTransactionResult<A, E>;
}

/// One transaction over a list of trees whose length is known only at run
/// time (e.g. a stage's trees plus, when fenced, `leases`).
pub fn transaction_over<F, A, E>(trees: &[&Tree], f: F) -> Result<A, TransactionError<E>>
where
    F: Fn(&[TransactionalTree]) -> ConflictableTransactionResult<A, E>,
{
    run(trees, f)
}

/// The one transaction runner every shape of [`Transactional`] goes through.
fn run<F, A, E>(trees: &[&Tree], f: F) -> Result<A, TransactionError<E>>
where
    F: Fn(&[TransactionalTree]) -> ConflictableTransactionResult<A, E>,
{
    let Some(first) = trees.first() else {
        return f(&[]).map_err(|e| match e {
            ConflictableTransactionError::Abort(e) => TransactionError::Abort(e),
            ConflictableTransactionError::Conflict => TransactionError::Storage(StoreError::Sled(
                sled::Error::Unsupported("conflict without trees".into()),
            )),
            ConflictableTransactionError::Storage(s) => TransactionError::Storage(s),
        });
    };
    match &first.0 {
        TreeInner::Sled(_) => sled_backend::transaction(trees, f),
        TreeInner::Pg(t) => {
            let pg_trees: Vec<&pg::PgTree> = trees
                .iter()
                .map(|t| match &t.0 {
                    TreeInner::Pg(t) => Ok(t),
                    TreeInner::Sled(_) => Err(TransactionError::Storage(StoreError::Postgres(
                        "one transaction over trees of two backends".into(),
                    ))),
                })
                .collect::<Result<_, _>>()?;
            t.pg().transaction(&pg_trees, f)
        }
    }
}

impl Transactional for Tree {
    type View = TransactionalTree;

    fn transaction<F, A, E>(&self, f: F) -> Result<A, TransactionError<E>>
    where
        F: Fn(&Self::View) -> ConflictableTransactionResult<A, E>,
    {
        run(&[self], |views| f(&views[0]))
    }
}

/// `TransactionalTree`, once per tree of a tuple.
macro_rules! view_of {
    ($_tree:ident) => {
        TransactionalTree
    };
}

macro_rules! tuple_transactional {
    ($($t:ident $i:tt),+) => {
        impl Transactional for ($(&$t,)+) {
            type View = ($(view_of!($t),)+);

            fn transaction<F, A, E>(&self, f: F) -> Result<A, TransactionError<E>>
            where
                F: Fn(&Self::View) -> ConflictableTransactionResult<A, E>,
            {
                run(&[$(self.$i),+], |views| f(&($(views[$i].clone(),)+)))
            }
        }
    };
}

tuple_transactional!(Tree 0, Tree 1);
tuple_transactional!(Tree 0, Tree 1, Tree 2);
tuple_transactional!(Tree 0, Tree 1, Tree 2, Tree 3);
tuple_transactional!(Tree 0, Tree 1, Tree 2, Tree 3, Tree 4);
tuple_transactional!(Tree 0, Tree 1, Tree 2, Tree 3, Tree 4, Tree 5);
tuple_transactional!(Tree 0, Tree 1, Tree 2, Tree 3, Tree 4, Tree 5, Tree 6);
tuple_transactional!(Tree 0, Tree 1, Tree 2, Tree 3, Tree 4, Tree 5, Tree 6, Tree 7);
tuple_transactional!(Tree 0, Tree 1, Tree 2, Tree 3, Tree 4, Tree 5, Tree 6, Tree 7, Tree 8);
tuple_transactional!(Tree 0, Tree 1, Tree 2, Tree 3, Tree 4, Tree 5, Tree 6, Tree 7, Tree 8, Tree 9);
