//! The outbox: every email carousel sends (sales notifications, nurture
//! steps, self-service replies, partner forwards) is first written here,
//! keyed by its deterministic Message-ID, so enqueueing is idempotent: a
//! stage that re-runs after a crash enqueues the same id and nothing new.
//! The sender (SMTP via lettre, or `.eml` files) drains it: [`sender`]
//! (exactly-once delivery, retries, suppression at send time), [`limits`]
//! (per-domain rate limits), [`archive`] (resolving a crash between the
//! SMTP `250` and its record).

pub mod archive;
pub mod config;
pub mod limits;
pub mod message;
pub mod sender;
pub mod smtp;
pub mod suppression;

use crate::store::kv::{ConflictableTransactionError, Transactional as _};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, decode, encode};

/// Tree holding [`OutboundRecord`]s by Message-ID.
pub const TREE: &str = "outbox";
/// Message-IDs not yet in a final state (sent, suppressed, failed): what the sender scans.
pub const PENDING: &str = "outbox_pending";

/// Why an email is sent; replies that thread back to it are tied to this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Purpose {
    /// A lead handed to a rep (or a team inbox) for follow-up.
    SalesNotification { lead: String, rep: Option<String> },
    /// "Claimed by …" or escalation notes to reps.
    TeamNote { lead: String },
    /// A step of a nurture sequence.
    Nurture {
        enrollment: String,
        step: u32,
        campaign: Option<String>,
    },
    /// An automatic answer to the prospect (web self-service).
    SelfService { lead: String },
    /// A lead forwarded to a partner.
    PartnerForward { lead: String, partner: String },
}

/// An email to send. Contact data in any field is untrusted: the sender
/// builds headers with lettre's typed builders, never by string pasting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundEmail {
    /// Deterministic, without angle brackets: `n.lead42@carousel.acme.example`.
    pub message_id: String,
    pub to: Vec<String>,
    /// Defaults to `[outbox] from`.
    pub from: Option<String>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Extra headers (`List-Unsubscribe`, ...), values already validated.
    pub headers: Vec<(String, String)>,
    pub in_reply_to: Option<String>,
    pub purpose: Purpose,
}

/// Where an email is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    Queued {
        since: String,
    },
    /// Handed to SMTP; a crash here is resolved on restart without resending blindly.
    Sending {
        since: String,
        attempts: u32,
        /// The instance sending it (several instances on one store): while
        /// that instance is live the send is in flight and left alone;
        /// once it is not, the record was left behind and is reconciled.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
    },
    Retrying {
        next: String,
        attempts: u32,
        last_error: String,
    },
    Sent {
        at: String,
        reply: String,
    },
    /// Suppressed (unsubscribed, hard-bounced) at send time.
    Suppressed {
        at: String,
        reason: String,
    },
    Failed {
        at: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundRecord {
    pub email: OutboundEmail,
    pub delivery: Delivery,
    pub enqueued_at: String,
}

/// Builds a deterministic Message-ID from stable parts (`["n", "lead42"]`).
/// Parts are reduced to `[A-Za-z0-9-]` so contact data can never leak in.
pub fn message_id(domain: &str, parts: &[&str]) -> String {
    let local: Vec<String> = parts
        .iter()
        .map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect()
        })
        .collect();
    format!("{}@{}", local.join("."), domain)
}

/// Queues an email unless one with the same Message-ID exists. Returns
/// whether it was new. Not durable until the store is flushed.
pub fn enqueue(store: &Store, email: OutboundEmail) -> Result<bool, StoreError> {
    let tree = store.tree(TREE)?;
    let queued = Queued::of(email);
    let pending = store.tree(PENDING)?;
    // Record and index together: a crash never leaves a queued email unindexed.
    (&tree, &pending)
        .transaction(|(t, p)| queued.enqueue_in(t, p))
        .map_err(StoreError::from)
}

/// An email ready to be enqueued inside a caller's transaction (over the
/// [`TREE`] and [`PENDING`] trees), so the enqueue commits with the
/// caller's other effects (a nurture step's advance).
pub struct Queued {
    key: String,
    value: Vec<u8>,
}

impl Queued {
    pub fn of(email: OutboundEmail) -> Queued {
        let record = OutboundRecord {
            email,
            delivery: Delivery::Queued {
                since: crate::store::now_rfc3339(),
            },
            enqueued_at: crate::store::now_rfc3339(),
        };
        Queued {
            key: record.email.message_id.clone(),
            value: encode(&record),
        }
    }

    /// Inserts the record and its pending row unless the Message-ID is
    /// already in the outbox; returns whether it was new.
    pub fn enqueue_in(
        &self,
        outbox: &crate::store::kv::TransactionalTree,
        pending: &crate::store::kv::TransactionalTree,
    ) -> crate::store::kv::ConflictableTransactionResult<bool> {
        if outbox.get(self.key.as_bytes())?.is_some() {
            return Ok(false);
        }
        outbox.insert(self.key.as_bytes(), self.value.as_slice())?;
        pending.insert(self.key.as_bytes(), &[])?;
        Ok(true)
    }
}

/// One outbox record by Message-ID.
pub fn record(store: &Store, message_id: &str) -> Result<Option<OutboundRecord>, StoreError> {
    store
        .tree(TREE)?
        .get(message_id.as_bytes())?
        .map(|v| decode("outbox", &v))
        .transpose()
}

impl Delivery {
    /// Sent, suppressed and failed records are done: the sender leaves them alone.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Delivery::Sent { .. } | Delivery::Suppressed { .. } | Delivery::Failed { .. }
        )
    }

    /// Short state name (`queued`, `sending`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Delivery::Queued { .. } => "queued",
            Delivery::Sending { .. } => "sending",
            Delivery::Retrying { .. } => "retrying",
            Delivery::Sent { .. } => "sent",
            Delivery::Suppressed { .. } => "suppressed",
            Delivery::Failed { .. } => "failed",
        }
    }
}

/// The stage's name in `carousel_claims_total` and the `claims` tree.
pub const OUTBOX_STAGE: &str = "outbox";

/// Records a new delivery state (and drops final records from the pending
/// index) if `record` is still as it was read; returns whether it was
/// written. Not durable until the store is flushed. See [`set_deliveries`].
pub fn set_delivery(
    store: &Store,
    record: &OutboundRecord,
    delivery: Delivery,
) -> Result<bool, StoreError> {
    Ok(set_deliveries(store, &[(record, delivery)])?
        .first()
        .copied()
        .unwrap_or(false))
}

/// [`set_delivery`] for several records in one transaction. Each change is
/// written only if its stored record still has the delivery state it was
/// read with (`record.delivery`), so two instances that read the same
/// queued email never both mark it `Sending`: the second finds the first's
/// mark and skips it (`false` in the answer, by position). Fenced by this
/// instance's liveness ([`Store::live_transaction`]): an instance that
/// paused past its heartbeat TTL has its whole commit refused
/// ([`StoreError::LeaseLost`]) — its `Sending` marks may already be
/// reconciled by another instance.
pub fn set_deliveries(
    store: &Store,
    changes: &[(&OutboundRecord, Delivery)],
) -> Result<Vec<bool>, StoreError> {
    write_deliveries(store, changes, false)
}

/// [`set_deliveries`] for taking emails to send: the pending-index rows are
/// claimed first (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so an email
/// another instance is marking at this moment is skipped rather than waited
/// for. Counted in `carousel_claims_total{stage="outbox"}`.
pub fn claim_deliveries(
    store: &Store,
    changes: &[(&OutboundRecord, Delivery)],
) -> Result<Vec<bool>, StoreError> {
    let written = write_deliveries(store, changes, true)?;
    store.count_claims(OUTBOX_STAGE, written.iter().filter(|w| **w).count())?;
    Ok(written)
}

fn write_deliveries(
    store: &Store,
    changes: &[(&OutboundRecord, Delivery)],
    claim: bool,
) -> Result<Vec<bool>, StoreError> {
    let updates: Vec<(String, &Delivery, Vec<u8>, bool)> = changes
        .iter()
        .map(|(record, delivery)| {
            let mut next = (*record).clone();
            next.delivery = delivery.clone();
            let id = next.email.message_id.clone();
            (id, &record.delivery, encode(&next), delivery.is_final())
        })
        .collect();
    let trees = [&store.tree(TREE)?, &store.tree(PENDING)?];
    store.live_transaction(crate::store::leases::OUTBOX, &trees, |t| {
        let claimed: std::collections::BTreeSet<Vec<u8>> = if claim {
            let keys: Vec<Vec<u8>> = updates.iter().map(|u| u.0.as_bytes().to_vec()).collect();
            t[1].claim(&keys)?
                .into_iter()
                .map(|(k, _)| k.to_vec())
                .collect()
        } else {
            Default::default()
        };
        let mut written = Vec::with_capacity(updates.len());
        for (id, read, value, done) in &updates {
            let still = match t[0].get(id.as_bytes())? {
                Some(v) => {
                    decode::<OutboundRecord>("outbox", &v)
                        .map_err(ConflictableTransactionError::Abort)?
                        .delivery
                        == **read
                }
                None => false,
            };
            let ok = still && (!claim || claimed.contains(id.as_bytes()));
            if ok {
                t[0].insert(id.as_bytes(), value.as_slice())?;
                if *done {
                    t[1].remove(id.as_bytes())?;
                }
            }
            written.push(ok);
        }
        Ok(written)
    })
}

/// Every outbox record, by Message-ID.
pub fn records(store: &Store) -> Result<Vec<OutboundRecord>, StoreError> {
    let tree = store.tree(TREE)?;
    tree.iter()
        .values()
        .map(|v| decode("outbox", &v?))
        .collect()
}

/// Outbox depth and oldest age, measured from the store (called at scrape time).
pub fn observe_outbox(store: &crate::store::Store) {
    if let Ok(age) = outbox_state(store) {
        crate::metrics::outbox_gauges(age.0, age.1.unwrap_or(0.0));
    }
}

/// (emails waiting, age in seconds of the oldest) — queued, sending or retrying.
pub fn outbox_state(
    store: &crate::store::Store,
) -> Result<(usize, Option<f64>), crate::store::StoreError> {
    let now = jiff::Timestamp::now();
    let mut depth = 0;
    let mut oldest: Option<f64> = None;
    for record in records(store)? {
        if matches!(
            record.delivery,
            Delivery::Queued { .. } | Delivery::Sending { .. } | Delivery::Retrying { .. }
        ) {
            depth += 1;
            if let Ok(t) = record.enqueued_at.parse::<jiff::Timestamp>() {
                let age = (now - t).total(jiff::Unit::Second).unwrap_or(0.0).max(0.0);
                oldest = Some(oldest.map_or(age, |o: f64| o.max(age)));
            }
        }
    }
    Ok((depth, oldest))
}

/// A header-safe single line: control characters (CR, LF, …) become spaces.
pub fn one_line(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_keep_only_safe_characters() {
        assert_eq!(
            message_id("carousel.acme.example", &["n", "lead 42\r\nBcc: x@y"]),
            "n.lead42Bccxy@carousel.acme.example"
        );
    }
}
