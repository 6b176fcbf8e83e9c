//! Mail loops and abuse: the checks that keep carousel from answering robots,
//! from flooding one address, and from letting one sender flood it.
//!
//! - [`may_auto_answer`]: pure; false for bounces, auto-replies, mail from
//!   mailer daemons and no-reply robots, and senders that failed
//!   authentication. The act stage and the sender call it before any
//!   automatic answer (RFC 3834 §2: never answer automatic mail).
//! - [`take_daily_quota`]: at most N automatic emails per address per UTC
//!   day, counted in the `auto_quota` tree by Message-ID, so a retried send
//!   of the same email after a crash does not use the quota twice.
//! - [`flood_check`]: inbound mail from one sender beyond
//!   `[limits] max_inbound_per_sender_per_hour` is kept (raw bytes and a
//!   record) but held: stored as `other` with a note, counted in the
//!   `flood_held` counter and logged — never silently dropped.

use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

use crate::store::kv::{Bytes, ConflictableTransactionResult, Transactional as _, Tree};
use crate::store::model::MessageKey;
use crate::store::{Store, StoreError};
use crate::understand::{Kind, Understanding};

/// Tree of automatic emails per address and day: `day \0 email \0 message-id`.
pub const QUOTA_TREE: &str = "auto_quota";
/// Tree of inbound messages per sender and hour: `hour \0 sender \0 message key`.
pub const INBOUND_TREE: &str = "inbound_rate";
/// Counter of messages held back because their sender flooded.
pub const FLOOD_COUNTER: &str = "flood_held";

/// Local parts of robots that must never get an automatic answer.
const ROBOT_LOCAL_PARTS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "bounce",
    "bounces",
    "listserv",
    "majordomo",
];

/// True when carousel may send an automatic answer (acknowledgement, nurture
/// step, self-service reply) to the sender of this message.
pub fn may_auto_answer(u: &Understanding) -> bool {
    if matches!(u.kind, Kind::Bounce | Kind::AutoReply) {
        return false;
    }
    if u.auth.as_ref().is_some_and(|a| a.failed()) {
        return false;
    }
    // An empty return path shows up as a missing From in most stores.
    let Some(from) = u.envelope.from_email.as_deref() else {
        return false;
    };
    !is_robot_address(from)
}

/// True for addresses of mailer daemons, list servers and no-reply robots.
pub fn is_robot_address(email: &str) -> bool {
    let local = email
        .rsplit_once('@')
        .map_or(email, |(l, _)| l)
        .to_ascii_lowercase();
    let base = local.split(['+', '=']).next().unwrap_or(&local);
    ROBOT_LOCAL_PARTS.contains(&base)
        || base.starts_with("bounce-")
        || base.starts_with("bounces-")
        || base.ends_with("-bounces")
        || base.starts_with("noreply")
        || base.starts_with("no-reply")
}

/// Contact text made safe for any header (display name, subject): control
/// characters (CR, LF, NUL, tabs, ...) become spaces, runs of spaces one, at
/// most 200 characters. Use it on every contact field before it reaches a
/// mail builder: lettre 0.11 panics when a display name holds CR/LF.
pub fn single_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    flat.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}

/// The UTC day of a timestamp, `YYYY-MM-DD`.
pub fn day_of(now: Timestamp) -> String {
    now.strftime("%Y-%m-%d").to_string()
}

fn hour_of(now: Timestamp) -> String {
    now.strftime("%Y-%m-%dT%H").to_string()
}

/// Asks for one automatic email to `to` (`message_id` identifies the email)
/// on the UTC day of `now`. True: send it (and the quota is taken); false:
/// the address already got `max_per_day` automatic emails today, do not send.
/// Idempotent per Message-ID: asking again for the same email is true
/// without using more quota, so a send retried after a crash still goes out.
/// Not durable until the store is flushed; flush before sending.
pub fn take_daily_quota(
    store: &Store,
    to: &str,
    message_id: &str,
    now: Timestamp,
    max_per_day: u32,
) -> Result<bool, StoreError> {
    let tree = store.tree(QUOTA_TREE)?;
    let prefix = quota_prefix(&day_of(now), to);
    let mut key = prefix.clone();
    key.extend_from_slice(message_id.as_bytes());
    let result = tree.transaction(|t| -> ConflictableTransactionResult<bool> {
        if t.get(&key)?.is_some() {
            return Ok(true);
        }
        // The count is kept in its own key so the check is one read.
        let used = t.get(&prefix)?.map_or(0u32, |v| {
            u32::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 4]))
        });
        if used >= max_per_day {
            return Ok(false);
        }
        t.insert(prefix.as_slice(), &(used + 1).to_be_bytes())?;
        t.insert(key.as_slice(), &[])?;
        Ok(true)
    });
    Ok(result?)
}

/// How many automatic emails `to` got on the UTC day of `now`.
pub fn quota_used(store: &Store, to: &str, now: Timestamp) -> Result<u32, StoreError> {
    let tree = store.tree(QUOTA_TREE)?;
    Ok(tree.get(quota_prefix(&day_of(now), to))?.map_or(0, |v| {
        u32::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 4]))
    }))
}

fn quota_prefix(day: &str, to: &str) -> Vec<u8> {
    let mut key = day.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(crate::understand::normalize_email(to).as_bytes());
    key.push(0);
    key
}

/// Counts an inbound message against its sender's hourly budget. Returns the
/// note to store the message under when the sender is over the limit (the
/// message is then kept as `other`, not acted on). The sender is the person:
/// for a lead the prospect's address (a web form relays many prospects from
/// one notifier address; one prospect submitting the form a thousand times is
/// the flood), otherwise the `From`. Bounces are not limited: they come in
/// bursts after a campaign and must all be read. Counting is by message
/// content, so a message re-delivered after a crash is not counted twice.
pub fn flood_check(
    store: &Store,
    raw: &[u8],
    u: &Understanding,
    max_per_hour: u32,
    now: Timestamp,
) -> Result<Option<String>, StoreError> {
    if max_per_hour == 0 || u.kind == Kind::Bounce {
        return Ok(None);
    }
    let person = match u.kind {
        Kind::Lead => u.contact.email.as_deref(),
        _ => None,
    };
    let Some(sender) = person.or(u.envelope.from_email.as_deref()) else {
        return Ok(None);
    };
    let tree = store.tree(INBOUND_TREE)?;
    let hour = hour_of(now);
    prune_old_hours(&tree, now);
    let mut prefix = hour.as_bytes().to_vec();
    prefix.push(0);
    prefix.extend_from_slice(sender.as_bytes());
    prefix.push(0);
    let mut key = prefix.clone();
    key.extend_from_slice(MessageKey::of(raw).0.as_bytes());
    let first_time = tree.insert(key.as_slice(), &[])?.is_none();
    // Bounded scan: stop counting once past the limit.
    let seen = tree
        .scan_prefix(&prefix)
        .keys()
        .take(max_per_hour as usize + 1)
        .count();
    if seen <= max_per_hour as usize {
        return Ok(None);
    }
    let held = if first_time {
        store.add_to_counter(FLOOD_COUNTER, 1)?
    } else {
        store.counter(FLOOD_COUNTER)?
    };
    tracing::warn!(
        sender,
        limit = max_per_hour,
        held_total = held,
        "inbound flood: sender over its hourly limit; message kept but held (not acted on)"
    );
    Ok(Some(format!(
        "flood: {sender} sent more than {max_per_hour} messages this hour; kept, not acted on"
    )))
}

/// Drops hourly buckets older than two days, at most once per hour.
fn prune_old_hours(tree: &Tree, now: Timestamp) {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let this_hour = now.as_second() / 3600;
    if LAST.swap(this_hour, Ordering::Relaxed) == this_hour {
        return;
    }
    let cutoff = hour_of(now - jiff::SignedDuration::from_hours(48));
    let old: Vec<Bytes> = tree
        .range(..cutoff.as_bytes())
        .keys()
        .filter_map(Result::ok)
        .take(100_000)
        .collect();
    for k in old {
        let _ = tree.remove(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::Envelope;

    fn from(kind: Kind, email: &str) -> Understanding {
        let mut u = Understanding::other(
            Envelope {
                from_email: Some(email.into()),
                ..Envelope::default()
            },
            "",
        );
        u.kind = kind;
        u
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), 8).unwrap();
        (dir, store)
    }

    #[test]
    fn robots_bounces_and_auto_replies_are_never_answered() {
        assert!(may_auto_answer(&from(Kind::Reply, "sam@example.org")));
        assert!(may_auto_answer(&from(Kind::Lead, "sam@example.org")));
        assert!(!may_auto_answer(&from(Kind::Bounce, "sam@example.org")));
        assert!(!may_auto_answer(&from(Kind::AutoReply, "sam@example.org")));
        for robot in [
            "MAILER-DAEMON@mx.example.org",
            "postmaster@example.org",
            "no-reply@shop.example",
            "noreply+abc@x.example",
            "bounces+123@mail.example",
            "list-bounces@lists.example",
        ] {
            assert!(!may_auto_answer(&from(Kind::Reply, robot)), "{robot}");
        }
        let mut no_from = from(Kind::Reply, "x@y.example");
        no_from.envelope.from_email = None;
        assert!(!may_auto_answer(&no_from));
    }

    #[test]
    fn daily_quota_caps_automatic_emails_per_address() {
        let (_dir, store) = store();
        let now: Timestamp = "2026-11-25T10:00:00Z".parse().unwrap();
        for i in 0..3 {
            assert!(
                take_daily_quota(&store, "Sam@Example.org", &format!("<{i}@c>"), now, 3).unwrap()
            );
        }
        assert!(!take_daily_quota(&store, "sam@example.org", "<4@c>", now, 3).unwrap());
        // The same email asked again (a retry after a crash) still may go.
        assert!(take_daily_quota(&store, "sam@example.org", "<1@c>", now, 3).unwrap());
        assert_eq!(quota_used(&store, "sam@example.org", now).unwrap(), 3);
        // Another address and the next day have their own quota.
        assert!(take_daily_quota(&store, "kim@example.org", "<4@c>", now, 3).unwrap());
        let tomorrow: Timestamp = "2026-11-26T00:00:01Z".parse().unwrap();
        assert!(take_daily_quota(&store, "sam@example.org", "<4@c>", tomorrow, 3).unwrap());
    }

    #[test]
    fn a_flood_is_held_and_counted_not_dropped() {
        let (_dir, store) = store();
        let now: Timestamp = "2026-11-25T10:00:00Z".parse().unwrap();
        let u = from(Kind::Reply, "flood@example.org");
        let mut held = 0;
        for i in 0..8 {
            let raw = format!("Subject: {i}\r\n\r\nhi\r\n");
            if flood_check(&store, raw.as_bytes(), &u, 5, now)
                .unwrap()
                .is_some()
            {
                held += 1;
            }
        }
        assert_eq!(held, 3);
        assert_eq!(store.counter(FLOOD_COUNTER).unwrap(), 3);
        // The same message again is not a new message.
        let again = flood_check(&store, b"Subject: 0\r\n\r\nhi\r\n", &u, 5, now).unwrap();
        assert!(again.is_some(), "still over the limit this hour");
        assert_eq!(
            store.counter(FLOOD_COUNTER).unwrap(),
            3,
            "a replay is not counted twice"
        );
        // Bounces are never held; the next hour starts afresh.
        let bounce = from(Kind::Bounce, "flood@example.org");
        assert!(
            flood_check(&store, b"x", &bounce, 5, now)
                .unwrap()
                .is_none()
        );
        let later: Timestamp = "2026-11-25T11:00:00Z".parse().unwrap();
        assert!(flood_check(&store, b"y", &u, 5, later).unwrap().is_none());
    }
}
