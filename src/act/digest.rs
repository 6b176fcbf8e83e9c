//! Digests and the per-rep notification cap. Imported leads are never
//! announced one email per lead: each notice is held here and the rep (or
//! team inbox) gets one digest per import once the import has finished.
//! Live leads are notified one by one up to `[limits]
//! max_rep_notifications_per_hour` per recipient; past it, notices are held
//! and go out as one digest as soon as the hour allows.
//!
//! Trees: `notify_digest` (`source NUL recipient NUL lead` → [`Held`]),
//! `notify_digested` (Message-IDs of held notices, so a replayed delivery
//! never sends them singly) and `notify_hourly` (`recipient NUL hour` →
//! count). Sending a digest is idempotent: its Message-ID is derived from
//! its leads, and entries are removed only after the enqueue.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Act;
use super::leads::{self, LeadRecord, Notice};
use super::notify::one_line;
use crate::outbox::{OutboundEmail, Purpose};
use crate::store::{Store, StoreError, decode, encode};

const DIGEST: &str = "notify_digest";
const DIGESTED: &str = "notify_digested";
const HOURLY: &str = "notify_hourly";
/// The source of notices held back by the hourly cap (imports use their provider).
pub const OVER_CAP: &str = "held";
/// An import still marked running after this long died: send its digest anyway.
const STALE_RUN_SECS: i64 = 3600;
/// Leads listed one by one in a digest (all are counted).
const LISTED: usize = 500;

/// One held notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub lead: String,
    pub rep: Option<String>,
    /// One line about the lead: id, rank, name, email, phone, interest.
    pub line: String,
}

/// A held notice with its key in the digest tree.
type Entry = (Vec<u8>, Held);

fn key(parts: &[&str]) -> Vec<u8> {
    parts.join("\0").into_bytes()
}

/// True when this notice was held for a digest (never send it on its own).
pub fn is_held(store: &Store, message_id: &str) -> Result<bool, StoreError> {
    store.tree(DIGESTED)?.contains_key(message_id.as_bytes())
}

/// Holds `notice` about `lead` for the digest of `source`.
pub fn hold(
    store: &Store,
    source: &str,
    notice: &Notice,
    lead: &LeadRecord,
) -> Result<(), StoreError> {
    let held = Held {
        lead: lead.id.clone(),
        rep: notice.rep.clone(),
        line: line_of(lead),
    };
    store
        .tree(DIGEST)?
        .insert(key(&[source, &notice.to, &lead.id]), encode(&held))?;
    store
        .tree(DIGESTED)?
        .insert(notice.message_id.as_bytes(), &[])?;
    Ok(())
}

fn line_of(lead: &LeadRecord) -> String {
    let c = &lead.lead.contact;
    let parts = [
        Some(lead.id.as_str()),
        lead.lead.rank.map(|r| r.as_str()),
        c.name.as_deref(),
        c.email.as_deref(),
        c.phone.as_deref(),
        Some(lead.lead.interest.as_str()),
    ];
    let text: Vec<String> = parts
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .map(|s| one_line(s, 80))
        .collect();
    text.join(" | ")
}

fn hour_of(now: Timestamp) -> String {
    now.strftime("%Y-%m-%dT%H").to_string()
}

/// Takes one notification for `to` in the hour of `now` when fewer than
/// `cap` were sent; false = over the cap (hold it). Older hours are dropped.
pub fn take_hourly(store: &Store, to: &str, now: Timestamp, cap: u32) -> Result<bool, StoreError> {
    let tree = store.tree(HOURLY)?;
    let hour = hour_of(now);
    let this = key(&[to, &hour]);
    let prefix = key(&[to, ""]);
    for old in tree.scan_prefix(&prefix).keys() {
        let old = old?;
        if old.as_ref() != this.as_slice() {
            tree.remove(old)?;
        }
    }
    let mut taken = false;
    tree.update_and_fetch(&this, |old| {
        let n = old
            .and_then(|v| v.try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0);
        taken = n < u64::from(cap);
        Some((if taken { n + 1 } else { n }).to_be_bytes().to_vec())
    })?;
    Ok(taken)
}

/// Sends every digest that is due: imports that finished before
/// `pass_started` (so all their rows were acted on), and held notices whose
/// recipient has room this hour. Returns how many were enqueued.
pub fn send_due(act: &Act, pass_started: Timestamp, now: Timestamp) -> anyhow::Result<usize> {
    let tree = act.store.tree(DIGEST)?;
    let mut groups: BTreeMap<(String, String), Vec<Entry>> = BTreeMap::new();
    for item in tree.iter() {
        let (k, v) = item?;
        let text = String::from_utf8_lossy(&k).into_owned();
        let mut parts = text.splitn(3, '\0');
        let (Some(source), Some(to)) = (parts.next(), parts.next()) else {
            tree.remove(&k)?;
            continue;
        };
        let held: Held = decode("notify_digest", &v)?;
        groups
            .entry((source.to_string(), to.to_string()))
            .or_default()
            .push((k.to_vec(), held));
    }
    let cap = act.config.max_rep_notifications_per_hour;
    let mut sent = 0;
    for ((source, to), entries) in groups {
        if source != OVER_CAP && !import_finished(&act.store, &source, pass_started, now)? {
            continue;
        }
        if !take_hourly(&act.store, &to, now, cap)? {
            continue;
        }
        let email = digest_email(act, &source, &to, &entries);
        let message_id = email.message_id.clone();
        crate::outbox::enqueue(&act.store, email)?;
        for (k, held) in &entries {
            if let Some(record) = leads::get(&act.store, &held.lead)? {
                act.event(
                    &record,
                    "notification",
                    &now.to_string(),
                    format!("in the digest to {to} ({source})"),
                    &message_id,
                )?;
            }
            tree.remove(k)?;
        }
        sent += 1;
    }
    Ok(sent)
}

/// True when the import `source` was done before `pass_started` (or its
/// run mark went stale: the importing process died).
fn import_finished(
    store: &Store,
    source: &str,
    pass_started: Timestamp,
    now: Timestamp,
) -> anyhow::Result<bool> {
    let Some(run) = crate::store::import_runs::run_of(store, source)? else {
        return Ok(true);
    };
    let Ok(at) = run.at.parse::<Timestamp>() else {
        return Ok(true);
    };
    Ok(if run.running {
        now.as_second() - at.as_second() >= STALE_RUN_SECS
    } else {
        at < pass_started
    })
}

fn digest_email(act: &Act, source: &str, to: &str, entries: &[Entry]) -> OutboundEmail {
    use sha2::{Digest as _, Sha256};
    let mut hash = Sha256::new();
    hash.update(source.as_bytes());
    hash.update([0]);
    hash.update(to.as_bytes());
    for (_, held) in entries {
        hash.update([0]);
        hash.update(held.lead.as_bytes());
    }
    let tag = hex::encode(&hash.finalize()[..8]);
    let message_id = act.mailer.id(&["d", &tag]);
    let n = entries.len();
    let plural = if n == 1 { "lead" } else { "leads" };
    let rep = entries.iter().find_map(|(_, h)| h.rep.clone());
    let greeting = rep.map_or_else(String::new, |r| format!("{}, ", one_line(&r, 60)));
    let (subject, intro) = if source == OVER_CAP {
        (
            format!("{n} more {plural} for you"),
            format!(
                "{greeting}these {plural} arrived while you already had {} notifications this hour; here they are together.\n",
                act.config.max_rep_notifications_per_hour
            ),
        )
    } else {
        (
            format!("{n} imported {plural} for you ({})", one_line(source, 60)),
            format!(
                "{greeting}{n} {plural} from {} {} yours. They were imported: these people did not write to us, so nothing was sent to them.\n",
                one_line(source, 80),
                if n == 1 { "is" } else { "are" }
            ),
        )
    };
    let mut text = intro;
    text.push('\n');
    for (_, held) in entries.iter().take(LISTED) {
        text.push_str(&held.line);
        text.push('\n');
    }
    if n > LISTED {
        text.push_str(&format!("… and {} more: carousel leads list\n", n - LISTED));
    }
    text.push_str("\nOne lead in full: carousel lead show ID\n");
    OutboundEmail {
        message_id,
        to: vec![to.to_string()],
        from: None,
        reply_to: act.mailer.claim_address.clone(),
        subject: one_line(&subject, 200),
        text,
        html: None,
        headers: Vec::new(),
        in_reply_to: None,
        purpose: Purpose::TeamNote {
            lead: entries
                .first()
                .map_or_else(String::new, |(_, h)| h.lead.clone()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hourly_cap_holds_back_and_a_new_hour_starts_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let t: Timestamp = "2026-12-01T10:05:00Z".parse().unwrap();
        let taken: Vec<bool> = (0..4)
            .map(|_| take_hourly(&store, "dana@acme.example", t, 3).unwrap())
            .collect();
        assert_eq!(taken, [true, true, true, false]);
        assert!(
            take_hourly(&store, "lee@acme.example", t, 3).unwrap(),
            "per recipient"
        );
        let later: Timestamp = "2026-12-01T11:00:00Z".parse().unwrap();
        assert!(take_hourly(&store, "dana@acme.example", later, 3).unwrap());
        // The old hour's counter was dropped.
        assert_eq!(store.tree(HOURLY).unwrap().len(), 2);
    }
}
