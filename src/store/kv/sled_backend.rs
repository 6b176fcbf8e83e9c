//! The embedded backend: each kv call is the sled call of the same name;
//! here only what does not map one to one (transactions, errors).

use sled::Transactional as _;
use sled::transaction::{
    ConflictableTransactionError as SledConflictable, TransactionError as SledTransactionError,
    UnabortableTransactionError as SledUnabortable,
};

use super::{
    ConflictableTransactionError, ConflictableTransactionResult, TransactionError,
    TransactionalTree, Tree, TreeInner, TxInner, UnabortableTransactionError,
};
use crate::store::StoreError;

/// A sled error inside a transaction, as the layer's own.
pub(super) fn unabortable(e: SledUnabortable) -> UnabortableTransactionError {
    match e {
        SledUnabortable::Conflict => UnabortableTransactionError::Conflict,
        SledUnabortable::Storage(e) => UnabortableTransactionError::Storage(StoreError::Sled(e)),
    }
}

/// Why a sled transaction closure gave up: the caller's abort, or a store
/// failure that is not sled's own (so sled cannot carry it as `Storage`).
enum Aborted<E> {
    Caller(E),
    Store(StoreError),
}

/// Runs `f` as one sled transaction over `trees` (all of them sled trees).
pub(super) fn transaction<F, A, E>(trees: &[&Tree], f: F) -> Result<A, TransactionError<E>>
where
    F: Fn(&[TransactionalTree]) -> ConflictableTransactionResult<A, E>,
{
    let sled_trees: Vec<&sled::Tree> = trees
        .iter()
        .map(|t| match &t.0 {
            TreeInner::Sled(t) => Ok(t),
            TreeInner::Pg(_) => Err(TransactionError::Storage(StoreError::Postgres(
                "one transaction over trees of two backends".into(),
            ))),
        })
        .collect::<Result<_, _>>()?;
    let result = sled_trees.as_slice().transaction(|views| {
        let views: Vec<TransactionalTree> = views
            .iter()
            .map(|v| TransactionalTree(TxInner::Sled(v.clone())))
            .collect();
        f(&views).map_err(|e| match e {
            ConflictableTransactionError::Abort(e) => SledConflictable::Abort(Aborted::Caller(e)),
            ConflictableTransactionError::Conflict => SledConflictable::Conflict,
            ConflictableTransactionError::Storage(StoreError::Sled(e)) => {
                SledConflictable::Storage(e)
            }
            ConflictableTransactionError::Storage(other) => {
                SledConflictable::Abort(Aborted::Store(other))
            }
        })
    });
    result.map_err(|e| match e {
        SledTransactionError::Abort(Aborted::Caller(e)) => TransactionError::Abort(e),
        SledTransactionError::Abort(Aborted::Store(e)) => TransactionError::Storage(e),
        SledTransactionError::Storage(e) => TransactionError::Storage(StoreError::Sled(e)),
    })
}
