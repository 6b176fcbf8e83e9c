//! The events carousel hands to other tools (webhooks, chat), staged in the
//! `handoff` tree ([`queue`]) in the same transaction as the change that
//! causes them; `crate::handoff` delivers them. Lead events are derived in
//! `act::leads::lead_changes`.
//!
//! An event's id is derived from what happened (its type and the subject's
//! key), never drawn at random, so writing the same change again — as a
//! replay after a crash does — yields the same id, and the queue keeps one.

pub mod queue;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Every event type a `[[webhook]]` may subscribe to. `lead.escalated` (an
/// SLA escalation) is what `[[chat]]` alerts use besides `lead.created` and
/// `lead.claimed`; webhooks may subscribe to it too.
pub const EVENT_TYPES: [&str; 8] = [
    "lead.created",
    "lead.claimed",
    "lead.converted",
    "lead.closed",
    "lead.escalated",
    "reply.received",
    "contact.unsubscribed",
    "contact.bounced",
];

/// One event, exactly as the default webhook body carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable id (`evt_` + 32 hex digits): receivers drop duplicates by it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// RFC 3339, when carousel committed the change.
    pub created_at: String,
    /// The lead, response, contact or bounce, as `leads list --json` shows it.
    pub data: serde_json::Value,
}

impl Event {
    /// An event of `kind` about `subject` (a lead id, a response id, ...).
    pub fn new(kind: &str, subject: &str, data: serde_json::Value) -> Event {
        Event {
            id: event_id(kind, subject),
            kind: kind.to_string(),
            created_at: crate::store::now_rfc3339(),
            data,
        }
    }

    /// The lead's rank when the event is about a lead (`hot`, ...).
    pub fn rank(&self) -> Option<&str> {
        self.data.get("rank").and_then(|r| r.as_str())
    }
}

/// `evt_` + the first 16 bytes of SHA-256(type, subject), in hex.
pub fn event_id(kind: &str, subject: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(kind.as_bytes());
    hash.update([0]);
    hash.update(subject.as_bytes());
    format!("evt_{}", hex::encode(&hash.finalize()[..16]))
}

/// `reply.received` for a prospect's reply (the stored response).
pub fn reply_received(response: &crate::store::model::ResponseRecord) -> Event {
    Event::new(
        "reply.received",
        &response.id.to_string(),
        serde_json::to_value(response).unwrap_or_default(),
    )
}

/// `contact.unsubscribed`; `at` makes a second unsubscribe (after a
/// resubscribe) a new event.
pub fn contact_unsubscribed(email: &str, at: &str) -> Event {
    Event::new(
        "contact.unsubscribed",
        &format!("{email}\0{at}"),
        serde_json::json!({ "contact": { "email": email }, "reason": "unsubscribe", "at": at }),
    )
}

/// `contact.bounced`, one per failed recipient of a stored bounce message.
pub fn contact_bounced(message: &str, email: &str, bounce: &crate::understand::Bounce) -> Event {
    Event::new(
        "contact.bounced",
        &format!("{message}\0{email}"),
        serde_json::json!({
            "contact": { "email": email },
            "bounce": bounce,
            "message": message,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_differ_by_type_and_subject() {
        assert_eq!(
            event_id("lead.created", "L-1"),
            event_id("lead.created", "L-1")
        );
        assert_ne!(
            event_id("lead.created", "L-1"),
            event_id("lead.closed", "L-1")
        );
        assert_ne!(
            event_id("lead.created", "L-1"),
            event_id("lead.created", "L-2")
        );
        assert_eq!(event_id("a", "b").len(), 4 + 32);
    }
}
