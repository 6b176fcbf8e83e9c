//! Sender-side blocks per recipient domain: when several recipients at one
//! domain bounce for a reason that blames the sender (blocked, bad
//! reputation, spam, policy, security/authentication, rejected sender, rate),
//! the operator is told — a `WARN` log line, the
//! `carousel_bounce_domain_blocks_total{domain}` counter and a line in
//! `carousel report` — because the fix is on the sending side (IP, DNS,
//! content), and those recipients' addresses are fine (never suppressed).
//!
//! State lives in the store so a restart forgets nothing:
//! * `bounce_blocks`: `domain \0 recipient` → the latest sender-side bounce
//!   of that recipient ([`BlockNote`]); notes older than the window are
//!   dropped as the domain is next looked at;
//! * `bounce_block_alerts`: `domain` → the latest warning ([`DomainAlert`]).
//!   A domain is warned about again only after a whole window without one.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::store::kv::Tree;
use crate::store::{Store, StoreError, decode, encode};
use crate::understand::{Bounce, bounce};

/// Tree of recent sender-side bounces per domain and recipient.
pub const BLOCKS_TREE: &str = "bounce_blocks";
/// Tree of the warnings given, per domain.
pub const ALERTS_TREE: &str = "bounce_block_alerts";
/// Distinct recipients at one domain that make a warning.
pub const THRESHOLD: usize = 3;
/// How far back sender-side bounces count.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(24);
/// Most recipients remembered per domain (bounded work per bounce).
const MAX_PER_DOMAIN: usize = 1000;

/// The latest sender-side bounce of one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockNote {
    pub at: String,
    pub reason: String,
    pub status: Option<String>,
}

/// A warning that a domain blocks the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainAlert {
    pub domain: String,
    /// When the warning was given.
    pub at: String,
    /// Distinct recipients blocked within the window at that time.
    pub recipients: usize,
    /// Their reasons, distinct, in sisimai's words.
    pub reasons: Vec<String>,
}

/// Records the sender-side bounces of a newly stored bounce message and
/// returns the warnings they trigger (already logged and counted).
pub fn note(
    store: &Store,
    bounces: &[Bounce],
    now: Timestamp,
) -> Result<Vec<DomainAlert>, StoreError> {
    if bounces.is_empty() {
        return Ok(Vec::new());
    }
    let blocks = store.tree(BLOCKS_TREE)?;
    let mut domains: Vec<String> = Vec::new();
    for b in bounces {
        let (Some(recipient), Some(reason)) = (&b.recipient, &b.reason) else {
            continue;
        };
        if b.hard || !bounce::is_sender_side(reason) {
            continue;
        }
        let recipient = crate::understand::normalize_email(recipient);
        let Some((_, domain)) = recipient.rsplit_once('@') else {
            continue;
        };
        let domain = domain.to_ascii_lowercase();
        let note = BlockNote {
            at: now.to_string(),
            reason: reason.clone(),
            status: b.status.clone(),
        };
        blocks.insert(key(&domain, &recipient), encode(&note))?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    let mut alerts = Vec::new();
    for domain in domains {
        if let Some(alert) = check_domain(store, &blocks, &domain, now)? {
            tracing::warn!(
                domain = %alert.domain,
                recipients = alert.recipients,
                reasons = %alert.reasons.join(","),
                "{} recipients at {} bounced for a sender-side reason ({}) within {} h: the sender is likely blocked there; check the sending IP/domain reputation, SPF/DKIM/DMARC and content. Their addresses are not suppressed.",
                alert.recipients,
                alert.domain,
                alert.reasons.join(", "),
                WINDOW.as_hours()
            );
            crate::metrics::bounce_domain_blocked(&alert.domain);
            alerts.push(alert);
        }
    }
    Ok(alerts)
}

fn key(domain: &str, recipient: &str) -> Vec<u8> {
    let mut k = domain.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(recipient.as_bytes());
    k
}

/// Counts a domain's recent notes (dropping expired ones) and records a new
/// warning when the threshold is reached and none was given within the window.
fn check_domain(
    store: &Store,
    blocks: &Tree,
    domain: &str,
    now: Timestamp,
) -> Result<Option<DomainAlert>, StoreError> {
    let since = now - WINDOW;
    let mut prefix = domain.as_bytes().to_vec();
    prefix.push(0);
    let mut recipients = 0;
    let mut reasons: Vec<String> = Vec::new();
    let mut expired = Vec::new();
    for item in blocks.scan_prefix(&prefix).take(MAX_PER_DOMAIN) {
        let (k, v) = item?;
        let Ok(note) = decode::<BlockNote>(BLOCKS_TREE, &v) else {
            expired.push(k);
            continue;
        };
        let recent = note.at.parse::<Timestamp>().is_ok_and(|at| at >= since);
        if !recent {
            expired.push(k);
            continue;
        }
        recipients += 1;
        if !reasons.contains(&note.reason) {
            reasons.push(note.reason);
        }
    }
    for k in expired {
        blocks.remove(k)?;
    }
    if recipients < THRESHOLD {
        return Ok(None);
    }
    let alerts = store.tree(ALERTS_TREE)?;
    let warned_recently = alerts
        .get(domain.as_bytes())?
        .and_then(|v| decode::<DomainAlert>(ALERTS_TREE, &v).ok())
        .and_then(|a| a.at.parse::<Timestamp>().ok())
        .is_some_and(|at| at >= since);
    if warned_recently {
        return Ok(None);
    }
    reasons.sort();
    let alert = DomainAlert {
        domain: domain.to_string(),
        at: now.to_string(),
        recipients,
        reasons,
    };
    alerts.insert(domain.as_bytes(), encode(&alert))?;
    Ok(Some(alert))
}

/// Every warning given, newest first.
pub fn alerts(store: &Store) -> Result<Vec<DomainAlert>, StoreError> {
    let mut out: Vec<DomainAlert> = store
        .tree(ALERTS_TREE)?
        .iter()
        .values()
        .filter_map(|v| v.ok())
        .filter_map(|v| decode::<DomainAlert>(ALERTS_TREE, &v).ok())
        .collect();
    out.sort_by(|a, b| b.at.cmp(&a.at));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounce(recipients: &[(&str, &str, bool)]) -> Vec<Bounce> {
        recipients
            .iter()
            .map(|(r, reason, hard)| Bounce {
                recipient: Some(r.to_string()),
                status: Some(if *hard { "5.1.1" } else { "5.7.1" }.into()),
                hard: *hard,
                reason: Some(reason.to_string()),
                action: Some("failed".into()),
                diagnostic: None,
            })
            .collect()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        (dir, store)
    }

    #[test]
    fn three_blocked_recipients_at_one_domain_warn_once_per_window() {
        let (dir, store) = store();
        let t0: Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
        let hour = SignedDuration::from_hours(1);
        assert!(
            note(
                &store,
                &bounce(&[("a@outlook.example", "blocked", false)]),
                t0
            )
            .unwrap()
            .is_empty()
        );
        // The same recipient again does not count twice.
        assert!(
            note(
                &store,
                &bounce(&[("a@outlook.example", "blocked", false)]),
                t0 + hour
            )
            .unwrap()
            .is_empty()
        );
        // A hard bounce and a mailbox-full are not sender-side.
        let other = bounce(&[
            ("gone@outlook.example", "userunknown", true),
            ("full@outlook.example", "mailboxfull", false),
        ]);
        assert!(note(&store, &other, t0 + hour).unwrap().is_empty());
        assert!(
            note(
                &store,
                &bounce(&[("b@outlook.example", "spamdetected", false)]),
                t0 + hour * 2
            )
            .unwrap()
            .is_empty()
        );
        let alerts = note(
            &store,
            &bounce(&[("c@outlook.example", "blocked", false)]),
            t0 + hour * 3,
        )
        .unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].domain, "outlook.example");
        assert_eq!(alerts[0].recipients, 3);
        assert_eq!(
            alerts[0].reasons,
            vec!["blocked".to_string(), "spamdetected".to_string()]
        );
        // A fourth within the window: already warned.
        assert!(
            note(
                &store,
                &bounce(&[("d@outlook.example", "blocked", false)]),
                t0 + hour * 4
            )
            .unwrap()
            .is_empty()
        );
        // Kept in the store: a reopened store (a restart) still knows both
        // the warning and the recent blocks.
        drop(store);
        // sled's flusher thread may hold the directory lock a moment after
        // the last handle is dropped: retry the reopen for a while.
        let store = (0..200)
            .find_map(|_| {
                Store::open(dir.path(), 8).ok().or_else(|| {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                    None
                })
            })
            .expect("the store reopens after its last handle is dropped");
        assert_eq!(alerts_of(&store), vec!["outlook.example".to_string()]);
        assert!(
            note(
                &store,
                &bounce(&[("e@outlook.example", "blocked", false)]),
                t0 + hour * 5
            )
            .unwrap()
            .is_empty()
        );
        assert_eq!(store.tree(BLOCKS_TREE).unwrap().len(), 5);
    }

    #[test]
    fn blocks_spread_over_more_than_the_window_do_not_warn() {
        let (_dir, store) = store();
        let t0: Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
        let day = SignedDuration::from_hours(25);
        for (i, r) in ["a", "b", "c"].iter().enumerate() {
            let addr = format!("{r}@slow.example");
            let at = t0 + day * i as i32;
            assert!(
                note(&store, &bounce(&[(&addr, "blocked", false)]), at)
                    .unwrap()
                    .is_empty()
            );
        }
        assert!(alerts(&store).unwrap().is_empty());
        // Expired notes were dropped.
        assert_eq!(store.tree(BLOCKS_TREE).unwrap().len(), 1);
    }

    fn alerts_of(store: &Store) -> Vec<String> {
        alerts(store)
            .unwrap()
            .into_iter()
            .map(|a| a.domain)
            .collect()
    }
}
