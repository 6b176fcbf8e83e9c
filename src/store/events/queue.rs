//! The durable hand-off queue: one sled tree, `handoff`, written in the same
//! transaction as the change that causes each event ([`stage`]), read by the
//! delivery task. Nothing here talks to the network.
//!
//! Keys (one tree, by prefix):
//! - `e\0{event id}` → the [`Event`]; also what makes a replayed change a no-op;
//! - `n\0{seq}` → event id: staged, not yet fanned out to endpoints;
//! - `d\0{endpoint}\0{seq}` → a [`Delivery`] waiting, retrying or dead;
//! - `x\0{endpoint}` → why the endpoint is disabled (it answered 410);
//! - `c\0{endpoint}` → how many events it has accepted.
//!
//! `seq` comes from sled's id generator, which only grows (also across
//! restarts), so an endpoint receives events in the order they were committed.

use crate::store::kv::{
    ConflictableTransactionError, TransactionError, Transactional, TransactionalTree,
};
use serde::{Deserialize, Serialize};

use super::Event;
use crate::store::{Store, StoreError, decode, encode};

/// The tree's name.
pub const TREE: &str = "handoff";

/// One event on its way to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub event: String,
    pub event_type: String,
    /// Unix milliseconds: fanned out to this endpoint (or revived by
    /// `webhooks retry`); the give-up clock starts here.
    pub queued_at: i64,
    /// Unix milliseconds of the first attempt.
    pub first_attempt: Option<i64>,
    /// Unix milliseconds: not before.
    pub next_at: i64,
    pub attempts: u32,
    /// The last failure, as logged (status code or error kind; never a secret).
    pub last_error: Option<String>,
    /// Past `give_up_after`: kept for `webhooks retry`, not sent again.
    pub dead: bool,
}

/// What `webhooks status` shows for one endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointStatus {
    pub pending: u64,
    pub dead: u64,
    pub delivered: u64,
    /// Why it is disabled (it answered 410 Gone), if it is.
    pub disabled: Option<String>,
    /// The oldest waiting delivery's last error.
    pub last_error: Option<String>,
}

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

fn key(prefix: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut k = vec![prefix, 0];
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            k.push(0);
        }
        k.extend_from_slice(p);
    }
    k
}

fn delivery_prefix(endpoint: &str) -> Vec<u8> {
    let mut k = key(b'd', &[endpoint.as_bytes()]);
    k.push(0);
    k
}

/// Stages an event inside the caller's transaction. An event already staged
/// (same id: the same change written again) is left alone. Returns whether
/// it was new.
pub fn stage(tree: &TransactionalTree, event: &Event) -> TxResult<bool> {
    let event_key = key(b'e', &[event.id.as_bytes()]);
    if tree.get(&event_key)?.is_some() {
        return Ok(false);
    }
    let seq = tree.generate_id()?;
    tree.insert(event_key, encode(event))?;
    tree.insert(key(b'n', &[&seq.to_be_bytes()]), event.id.as_bytes())?;
    Ok(true)
}

/// Stages events in a transaction of their own: for changes whose own write
/// is replayed until it is flushed (the act stage's effects), where staging
/// before that flush gives the same guarantee.
/// Nothing is staged when no endpoint is configured ([`Store::handoff_wanted`]).
pub fn record(store: &Store, events: &[Event]) -> Result<usize, StoreError> {
    if events.is_empty() || !store.handoff_wanted() {
        return Ok(0);
    }
    let tree = store.tree(TREE)?;
    let result = tree.transaction(|t| {
        let mut new = 0;
        for event in events {
            new += usize::from(stage(t, event)?);
        }
        Ok(new)
    });
    result.map_err(from_transaction)
}

/// Moves staged events to the endpoints that want them: `wants` names them.
/// An event no endpoint wants is dropped with its record: nobody will ask
/// for it, and a replay that stages it again is dropped the same way.
/// One transaction per event, so a crash never sends to half the endpoints.
pub fn fan_out(store: &Store, wants: impl Fn(&Event) -> Vec<String>) -> Result<usize, StoreError> {
    let tree = store.tree(TREE)?;
    let mut moved = 0;
    for item in tree.scan_prefix([b'n', 0]) {
        let (staged_key, id) = item?;
        let Some(event) = tree.get(key(b'e', &[&id]))? else {
            tree.remove(&staged_key)?;
            continue;
        };
        let event: Event = decode("handoff", &event)?;
        let endpoints = wants(&event);
        let now = now_ms();
        let seq = staged_key[2..].to_vec();
        let event_key = key(b'e', &[&id]);
        let result = tree.transaction(|t| {
            if t.remove(staged_key.as_ref())?.is_none() {
                return Ok(());
            }
            if endpoints.is_empty() {
                t.remove(event_key.as_slice())?;
            }
            for endpoint in &endpoints {
                let delivery = Delivery {
                    event: event.id.clone(),
                    event_type: event.kind.clone(),
                    queued_at: now,
                    first_attempt: None,
                    next_at: now,
                    attempts: 0,
                    last_error: None,
                    dead: false,
                };
                t.insert(key(b'd', &[endpoint.as_bytes(), &seq]), encode(&delivery))?;
            }
            Ok(())
        });
        result.map_err(from_transaction)?;
        moved += 1;
    }
    Ok(moved)
}

/// The endpoint's deliveries due at `now` (not dead), oldest first.
pub fn due(
    store: &Store,
    endpoint: &str,
    now: i64,
    limit: usize,
) -> Result<Vec<(Vec<u8>, Delivery)>, StoreError> {
    let mut out = Vec::new();
    for item in store.tree(TREE)?.scan_prefix(delivery_prefix(endpoint)) {
        let (k, v) = item?;
        let d: Delivery = decode("handoff", &v)?;
        if !d.dead && d.next_at <= now {
            out.push((k.to_vec(), d));
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// The staged event with this id.
pub fn event(store: &Store, id: &str) -> Result<Option<Event>, StoreError> {
    store
        .tree(TREE)?
        .get(key(b'e', &[id.as_bytes()]))?
        .map(|v| decode("handoff", &v))
        .transpose()
}

/// The endpoint accepted the delivery: it leaves the queue and is counted.
pub fn delivered(store: &Store, endpoint: &str, delivery_key: &[u8]) -> Result<(), StoreError> {
    let tree = store.tree(TREE)?;
    let counter = key(b'c', &[endpoint.as_bytes()]);
    // The endpoint's commit, fenced by the lease of its queue.
    let lease = super::super::leases::handoff_endpoint(endpoint);
    store.stage_transaction(&lease, &[&tree], |t| {
        let t = &t[0];
        if t.remove(delivery_key)?.is_some() {
            let n = t.get(&counter)?.map_or(0, |v| u64_of(&v));
            t.insert(counter.as_slice(), &(n + 1).to_be_bytes())?;
        }
        Ok(())
    })
}

/// Writes a delivery back after a failed attempt (next time, or dead).
pub fn update(store: &Store, delivery_key: &[u8], delivery: &Delivery) -> Result<(), StoreError> {
    let tree = store.tree(TREE)?;
    // Only if still there: `webhooks retry` or a delivery may have moved it.
    if tree.contains_key(delivery_key)? {
        tree.insert(delivery_key, encode(delivery))?;
    }
    Ok(())
}

/// Marks an endpoint disabled (it answered 410 Gone); its deliveries wait.
pub fn disable(store: &Store, endpoint: &str, why: &str) -> Result<(), StoreError> {
    store
        .tree(TREE)?
        .insert(key(b'x', &[endpoint.as_bytes()]), encode(&why))?;
    Ok(())
}

/// Why an endpoint is disabled, if it is.
pub fn disabled(store: &Store, endpoint: &str) -> Result<Option<String>, StoreError> {
    store
        .tree(TREE)?
        .get(key(b'x', &[endpoint.as_bytes()]))?
        .map(|v| decode("handoff", &v))
        .transpose()
}

/// `webhooks retry NAME`: enables the endpoint again and sends its dead
/// deliveries (and any waiting for a later retry) now, with a fresh give-up
/// clock. Returns how many were revived.
pub fn retry(store: &Store, endpoint: &str) -> Result<usize, StoreError> {
    let tree = store.tree(TREE)?;
    tree.remove(key(b'x', &[endpoint.as_bytes()]))?;
    let now = now_ms();
    let mut revived = 0;
    for item in tree.scan_prefix(delivery_prefix(endpoint)) {
        let (k, v) = item?;
        let mut d: Delivery = decode("handoff", &v)?;
        if d.dead || d.next_at > now {
            d.dead = false;
            d.attempts = 0;
            d.first_attempt = None;
            d.queued_at = now;
            d.next_at = now;
            tree.insert(k, encode(&d))?;
            revived += 1;
        }
    }
    Ok(revived)
}

/// Marks dead every waiting delivery of an endpoint queued before `cutoff`
/// (past `give_up_after`), tried or not: while a receiver is down, events
/// behind the one being retried age too. Returns how many died.
pub fn expire(store: &Store, endpoint: &str, cutoff: i64) -> Result<usize, StoreError> {
    let tree = store.tree(TREE)?;
    let mut died = 0;
    for item in tree.scan_prefix(delivery_prefix(endpoint)) {
        let (k, v) = item?;
        let mut d: Delivery = decode("handoff", &v)?;
        if !d.dead && d.queued_at < cutoff {
            d.dead = true;
            d.last_error.get_or_insert_with(|| "never delivered".into());
            tree.insert(k, encode(&d))?;
            died += 1;
        }
    }
    Ok(died)
}

/// Counts for `webhooks status` and `/metrics`.
pub fn status(store: &Store, endpoint: &str) -> Result<EndpointStatus, StoreError> {
    let tree = store.tree(TREE)?;
    let mut s = EndpointStatus {
        delivered: tree
            .get(key(b'c', &[endpoint.as_bytes()]))?
            .map_or(0, |v| u64_of(&v)),
        disabled: disabled(store, endpoint)?,
        ..Default::default()
    };
    for item in tree.scan_prefix(delivery_prefix(endpoint)) {
        let (_, v) = item?;
        let d: Delivery = decode("handoff", &v)?;
        if d.dead {
            s.dead += 1;
        } else {
            s.pending += 1;
        }
        if s.last_error.is_none() {
            s.last_error = d.last_error.clone();
        }
    }
    Ok(s)
}

/// Dead deliveries of an endpoint, oldest first, with their events' ids.
pub fn dead(store: &Store, endpoint: &str) -> Result<Vec<Delivery>, StoreError> {
    let mut out = Vec::new();
    for item in store.tree(TREE)?.scan_prefix(delivery_prefix(endpoint)) {
        let (_, v) = item?;
        let d: Delivery = decode("handoff", &v)?;
        if d.dead {
            out.push(d);
        }
    }
    Ok(out)
}

/// Forgets events older than `cutoff` that no delivery waits for (sent
/// everywhere, or wanted nowhere). Their records only guard against a
/// replay staging them twice, and replays come within minutes; so a record
/// no delivery waits for is cut down to its time ([`Created`]) once it is
/// [`SHRINK_AFTER`] old, and removed past `cutoff`. Returns how many were
/// removed.
pub fn prune(store: &Store, cutoff: jiff::Timestamp) -> Result<usize, StoreError> {
    let mut removed = 0;
    let mut after = None;
    loop {
        let step = prune_some(store, cutoff, after.as_deref(), usize::MAX)?;
        removed += step.removed;
        match step.next {
            Some(next) => after = Some(next),
            None => return Ok(removed),
        }
    }
}

/// One step of [`prune`]: looks at up to `max` event records from the key
/// `from` on (from the first when `None`).
#[derive(Debug, Default)]
pub struct PruneStep {
    pub removed: usize,
    /// Where the next step starts; `None` once the last record was seen.
    pub next: Option<Vec<u8>>,
}

/// [`prune`] over a bounded stretch of the event records, so the daemon
/// can prune a little each pass: a whole-tree scan reads every event a
/// week holds (a JSON copy of each lead), which at 100k leads costs a
/// second of CPU and fills the page cache.
pub fn prune_some(
    store: &Store,
    cutoff: jiff::Timestamp,
    from: Option<&[u8]>,
    max: usize,
) -> Result<PruneStep, StoreError> {
    let tree = store.tree(TREE)?;
    let mut waiting = std::collections::HashSet::new();
    for prefix in [[b'd', 0], [b'n', 0]] {
        for item in tree.scan_prefix(prefix) {
            let (_, v) = item?;
            if prefix[0] == b'n' {
                waiting.insert(v.to_vec());
            } else {
                let d: Delivery = decode("handoff", &v)?;
                waiting.insert(d.event.into_bytes());
            }
        }
    }
    let start = match from {
        Some(key) => std::ops::Bound::Included(key.to_vec()),
        None => std::ops::Bound::Included(vec![b'e', 0]),
    };
    let mut step = PruneStep::default();
    let shrink_before = jiff::Timestamp::now() - SHRINK_AFTER;
    let records = tree.range::<Vec<u8>, _>((start, std::ops::Bound::Unbounded));
    for (seen, item) in records.enumerate() {
        let (k, v) = item?;
        if !k.starts_with(&[b'e', 0]) {
            return Ok(step);
        }
        if seen == max {
            step.next = Some(k[..].to_vec());
            return Ok(step);
        }
        if waiting.contains(&k[2..]) {
            continue;
        }
        // Only the time is read: the event's data (a JSON copy of the
        // lead) is skipped, not built.
        let event: Created = decode("handoff", &v)?;
        let created = event.created_at.parse::<jiff::Timestamp>().ok();
        if created.is_some_and(|t| t < cutoff) {
            tree.remove(&k)?;
            step.removed += 1;
        } else if v.len() > SHRUNK_MAX && created.is_some_and(|t| t < shrink_before) {
            // Only if unchanged: a delivery revived meanwhile reads it whole.
            tree.compare_and_swap(&k, Some(&v[..]), Some(encode(&event)))?
                .ok();
        }
    }
    Ok(step)
}

/// How old a record no delivery waits for must be before [`prune_some`]
/// cuts it down to its time: well past the moment a step reads the
/// waiting deliveries, so an event staged during a step is never cut.
pub const SHRINK_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);
/// A record this short is already cut down (`{"created_at":"…"}`).
const SHRUNK_MAX: usize = 64;

/// The part of an [`Event`] record that [`prune_some`] reads, and all it
/// keeps of an event every endpoint has taken: that it was staged, and when.
#[derive(Serialize, Deserialize)]
struct Created {
    created_at: String,
}

pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn u64_of(v: &[u8]) -> u64 {
    v.try_into().map(u64::from_be_bytes).unwrap_or(0)
}

fn from_transaction(e: TransactionError<StoreError>) -> StoreError {
    match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replayed_change_stages_its_event_once_and_fans_out_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let a = Event::new("lead.created", "L-1", serde_json::json!({}));
        let b = Event::new("lead.created", "L-2", serde_json::json!({}));
        assert_eq!(record(&store, &[a.clone(), b.clone()]).unwrap(), 2);
        assert_eq!(record(&store, std::slice::from_ref(&a)).unwrap(), 0);
        assert_eq!(fan_out(&store, |_| vec!["crm".into()]).unwrap(), 2);
        let due = due(&store, "crm", now_ms(), 10).unwrap();
        let ids: Vec<&str> = due.iter().map(|(_, d)| d.event.as_str()).collect();
        assert_eq!(ids, [a.id.as_str(), b.id.as_str()]);
        delivered(&store, "crm", &due[0].0).unwrap();
        let s = status(&store, "crm").unwrap();
        assert_eq!((s.pending, s.delivered, s.dead), (1, 1, 0));
        // Only the delivered event is forgotten; the waiting one stays.
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60);
        assert_eq!(prune(&store, later).unwrap(), 1);
        assert!(event(&store, &a.id).unwrap().is_none());
        assert!(event(&store, &b.id).unwrap().is_some());
    }

    #[test]
    fn pruning_in_bounded_steps_forgets_what_one_whole_prune_would() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let events: Vec<Event> = (0..7)
            .map(|n| {
                Event::new(
                    "lead.created",
                    &format!("L-{n}"),
                    serde_json::json!({"n": n}),
                )
            })
            .collect();
        record(&store, &events).unwrap();
        // All fanned out and delivered, but one still waiting.
        fan_out(&store, |_| vec!["crm".into()]).unwrap();
        for (k, d) in due(&store, "crm", now_ms(), 10).unwrap() {
            if d.event != events[3].id {
                delivered(&store, "crm", &k).unwrap();
            }
        }
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60);
        let (mut removed, mut steps, mut after) = (0, 0, None);
        loop {
            let step = prune_some(&store, later, after.as_deref(), 3).unwrap();
            removed += step.removed;
            steps += 1;
            match step.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(steps, 3, "7 records, 3 a step");
        assert_eq!(removed, 6);
        for (n, e) in events.iter().enumerate() {
            assert_eq!(event(&store, &e.id).unwrap().is_some(), n == 3, "event {n}");
        }
        // Events not yet past the cutoff stay.
        record(&store, &events[..1]).unwrap();
        fan_out(&store, |_| vec!["crm".into()]).unwrap();
        let (k, _) = due(&store, "crm", now_ms(), 10).unwrap().pop().unwrap();
        delivered(&store, "crm", &k).unwrap();
        let earlier = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
        assert_eq!(prune(&store, earlier).unwrap(), 0);
    }

    #[test]
    fn without_endpoints_nothing_is_staged_and_what_was_staged_goes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let old = Event::new("lead.created", "L-1", serde_json::json!({"n": 1}));
        // Staged by a release that staged for nobody.
        assert_eq!(record(&store, std::slice::from_ref(&old)).unwrap(), 1);
        store.set_handoff_wanted(false);
        let new = Event::new("lead.created", "L-2", serde_json::json!({"n": 2}));
        assert_eq!(record(&store, std::slice::from_ref(&new)).unwrap(), 0);
        assert!(event(&store, &new.id).unwrap().is_none());
        // Fanned out to nobody: the staged record goes with its entry.
        assert_eq!(fan_out(&store, |_| vec![]).unwrap(), 1);
        assert!(event(&store, &old.id).unwrap().is_none());
        assert_eq!(store.tree(TREE).unwrap().iter().count(), 0);
    }

    #[test]
    fn an_event_every_endpoint_took_is_cut_down_to_its_time_and_still_guards_replays() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let mut taken = Event::new(
            "lead.created",
            "L-1",
            serde_json::json!({"big": "x".repeat(500)}),
        );
        let two_hours_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2);
        taken.created_at = two_hours_ago.to_string();
        let mut waiting = Event::new(
            "lead.created",
            "L-2",
            serde_json::json!({"big": "y".repeat(500)}),
        );
        waiting.created_at = two_hours_ago.to_string();
        let fresh = Event::new(
            "lead.created",
            "L-3",
            serde_json::json!({"big": "z".repeat(500)}),
        );
        record(&store, &[taken.clone(), waiting.clone(), fresh.clone()]).unwrap();
        fan_out(&store, |_| vec!["crm".into()]).unwrap();
        let due = due(&store, "crm", now_ms(), 10).unwrap();
        delivered(&store, "crm", &due[0].0).unwrap();
        delivered(&store, "crm", &due[2].0).unwrap();
        let week_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(7 * 24);
        assert_eq!(prune(&store, week_ago).unwrap(), 0);
        let size = |e: &Event| {
            store
                .tree(TREE)
                .unwrap()
                .get(key(b'e', &[e.id.as_bytes()]))
                .unwrap()
                .map(|v| v.len())
        };
        assert!(size(&taken).unwrap() <= SHRUNK_MAX, "{:?}", size(&taken));
        // Still waiting, or taken within the hour: kept whole.
        assert_eq!(event(&store, &waiting.id).unwrap().as_ref(), Some(&waiting));
        assert!(size(&fresh).unwrap() > 500);
        // The cut-down record still makes a replay a no-op ...
        assert_eq!(record(&store, std::slice::from_ref(&taken)).unwrap(), 0);
        // ... and goes once past the cutoff.
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60);
        assert_eq!(prune(&store, later).unwrap(), 2);
        assert!(size(&taken).is_none());
    }

    #[test]
    fn expired_deliveries_die_tried_or_not_and_retry_revives_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let events: Vec<Event> = (0..3)
            .map(|n| Event::new("lead.created", &n.to_string(), serde_json::json!({})))
            .collect();
        record(&store, &events).unwrap();
        fan_out(&store, |_| vec!["crm".into()]).unwrap();
        assert_eq!(expire(&store, "crm", now_ms() - 60_000).unwrap(), 0);
        assert_eq!(expire(&store, "crm", now_ms() + 1).unwrap(), 3);
        let s = status(&store, "crm").unwrap();
        assert_eq!((s.pending, s.dead), (0, 3));
        assert!(due(&store, "crm", now_ms() + 1, 10).unwrap().is_empty());
        assert_eq!(retry(&store, "crm").unwrap(), 3);
        // A fresh give-up clock: not expired again by the old cutoff.
        assert_eq!(expire(&store, "crm", now_ms() - 60_000).unwrap(), 0);
        assert_eq!(due(&store, "crm", now_ms() + 1, 10).unwrap().len(), 3);
    }
}
