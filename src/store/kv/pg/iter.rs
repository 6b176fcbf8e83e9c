//! Scans of a PostgreSQL tree: lazy, a page of rows per round trip, from
//! either end, in byte order of the keys (bytea compares like memcmp).

use std::collections::VecDeque;
use std::ops::{Bound, RangeBounds};

use tokio_postgres::types::ToSql;

use super::{PAGE, PgTree, pair_of};
use crate::store::StoreError;
use crate::store::kv::Bytes;

/// Bounds of a range as owned keys.
pub(crate) fn owned_bounds<K: AsRef<[u8]>, R: RangeBounds<K>>(
    range: &R,
) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let own = |b: Bound<&K>| match b {
        Bound::Included(k) => Bound::Included(k.as_ref().to_vec()),
        Bound::Excluded(k) => Bound::Excluded(k.as_ref().to_vec()),
        Bound::Unbounded => Bound::Unbounded,
    };
    (own(range.start_bound()), own(range.end_bound()))
}

/// The range of keys starting with `prefix`.
pub(crate) fn prefix_bounds(prefix: &[u8]) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return (Bound::Included(prefix.to_vec()), Bound::Excluded(end));
        }
    }
    (Bound::Included(prefix.to_vec()), Bound::Unbounded)
}

/// A lazy scan, a page at a time from either end; each page narrows the
/// bounds past what it returned, so the two ends never yield a key twice.
pub(crate) struct PgIter {
    tree: PgTree,
    lo: Bound<Vec<u8>>,
    hi: Bound<Vec<u8>>,
    front: VecDeque<(Bytes, Bytes)>,
    back: VecDeque<(Bytes, Bytes)>,
    front_done: bool,
    back_done: bool,
}

impl PgIter {
    pub(crate) fn new(tree: PgTree, lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> PgIter {
        PgIter {
            tree,
            lo,
            hi,
            front: VecDeque::new(),
            back: VecDeque::new(),
            front_done: false,
            back_done: false,
        }
    }

    fn fetch(&mut self, from_back: bool) -> Result<Vec<(Bytes, Bytes)>, StoreError> {
        let mut clauses = Vec::new();
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
        let lo;
        let hi;
        match &self.lo {
            Bound::Included(k) => {
                lo = k.clone();
                params.push(&lo);
                clauses.push(format!("key >= ${}", params.len()));
            }
            Bound::Excluded(k) => {
                lo = k.clone();
                params.push(&lo);
                clauses.push(format!("key > ${}", params.len()));
            }
            Bound::Unbounded => {}
        }
        match &self.hi {
            Bound::Included(k) => {
                hi = k.clone();
                params.push(&hi);
                clauses.push(format!("key <= ${}", params.len()));
            }
            Bound::Excluded(k) => {
                hi = k.clone();
                params.push(&hi);
                clauses.push(format!("key < ${}", params.len()));
            }
            Bound::Unbounded => {}
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let order = if from_back { "DESC" } else { "ASC" };
        let rows = self.tree.query(
            &format!("SELECT key, value FROM {{t}} {filter} ORDER BY key {order} LIMIT {PAGE}"),
            &params,
        )?;
        Ok(rows.iter().map(pair_of).collect())
    }

    fn next_from(&mut self, from_back: bool) -> Option<Result<(Bytes, Bytes), StoreError>> {
        loop {
            let (buffer, done) = if from_back {
                (&mut self.back, self.back_done)
            } else {
                (&mut self.front, self.front_done)
            };
            if let Some(item) = buffer.pop_front() {
                return Some(Ok(item));
            }
            if done {
                // This end is exhausted: what is left sits in the other buffer.
                // (held in the other end's order: its far end is our next).
                let other = if from_back {
                    &mut self.front
                } else {
                    &mut self.back
                };
                return other.pop_back().map(Ok);
            }
            let page = match self.fetch(from_back) {
                Ok(page) => page,
                Err(e) => {
                    self.front_done = true;
                    self.back_done = true;
                    return Some(Err(e));
                }
            };
            if (page.len() as i64) < PAGE {
                if from_back {
                    self.back_done = true;
                } else {
                    self.front_done = true;
                }
            }
            if let Some((edge, _)) = page.last() {
                if from_back {
                    self.hi = Bound::Excluded(edge.to_vec());
                } else {
                    self.lo = Bound::Excluded(edge.to_vec());
                }
            }
            if from_back {
                self.back.extend(page);
            } else {
                self.front.extend(page);
            }
        }
    }
}

impl Iterator for PgIter {
    type Item = Result<(Bytes, Bytes), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_from(false)
    }
}

impl DoubleEndedIterator for PgIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.next_from(true)
    }
}
