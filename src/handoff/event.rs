//! The events carousel hands to other tools, and how each is derived from
//! the change that causes it. Pure: no store, no network.
//!
//! An event's id is derived from what happened (its type and the subject's
//! key), never drawn at random, so writing the same change again — as a
//! replay after a crash does — yields the same id, and the queue keeps one.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::act::leads::LeadRecord;
use crate::qualify::conversion::LeadStatus;

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

/// The events a lead record's save commits: `old` is the stored record
/// (None for a new lead), `new` the one being written.
pub fn lead_changes(old: Option<&LeadRecord>, new: &LeadRecord) -> Vec<Event> {
    let data = || new.to_json();
    let mut out = Vec::new();
    if old.is_none() {
        out.push(Event::new("lead.created", &new.id, data()));
    }
    let old_owner = old.and_then(|o| o.lead.ownership.owner());
    if let Some(owner) = new.lead.ownership.owner()
        && old_owner != Some(owner)
    {
        out.push(Event::new(
            "lead.claimed",
            &format!("{}\0{owner}", new.id),
            data(),
        ));
    }
    let old_status = old.map(|o| &o.lead.status);
    if old_status != Some(&new.lead.status) {
        match new.lead.status {
            LeadStatus::Open => {}
            LeadStatus::Converted => out.push(Event::new("lead.converted", &new.id, data())),
            LeadStatus::Closed { .. } => out.push(Event::new("lead.closed", &new.id, data())),
        }
    }
    let known = old.map_or(0, |o| o.notices.len());
    for (i, notice) in new.notices.iter().enumerate().skip(known) {
        if notice.why.starts_with("escalation") {
            out.push(Event::new(
                "lead.escalated",
                &format!("{}\0{i}", new.id),
                data(),
            ));
        }
    }
    out
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

    fn lead(owner: Option<&str>, status: serde_json::Value, notices: &[&str]) -> LeadRecord {
        let ownership = match owner {
            Some(rep) => {
                serde_json::json!({"state": "owned", "rep": rep, "since": "2026-11-25T10:00:00Z"})
            }
            None => serde_json::json!({"state": "unclaimed", "since": "2026-11-25T10:00:00Z"}),
        };
        let notices: Vec<serde_json::Value> = notices
            .iter()
            .map(|why| serde_json::json!({"message_id": "m", "to": "a@b.example", "rep": null, "at": "2026-11-25T10:00:00Z", "why": why}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": "L-1001", "response": 1001, "message": "abc",
            "lead": {"response": "L-1001", "contact": {"email": "sam@example.org", "name": null, "phone": null,
                     "company": null, "title": null, "postcode": null, "country": null},
                     "interest": "Solar", "timeline": null, "rank": "hot", "points": 50,
                     "ownership": ownership, "status": status},
            "reasons": [], "action": {"type": "unassigned"}, "assigned": null, "routing": [],
            "notices": notices, "speed": {}, "created_at": "2026-11-25T10:00:00Z",
        }))
        .unwrap()
    }

    fn kinds(events: Vec<Event>) -> Vec<String> {
        events.into_iter().map(|e| e.kind).collect()
    }

    #[test]
    fn each_lead_change_is_one_event_and_a_resave_is_none() {
        let open = serde_json::json!({"status": "open"});
        let new = lead(None, open.clone(), &["routed"]);
        assert_eq!(kinds(lead_changes(None, &new)), ["lead.created"]);
        assert!(lead_changes(Some(&new), &new).is_empty());
        let escalated = lead(None, open.clone(), &["routed", "escalation 1"]);
        assert_eq!(
            kinds(lead_changes(Some(&new), &escalated)),
            ["lead.escalated"]
        );
        let claimed = lead(Some("Dana"), open, &["routed", "escalation 1"]);
        assert_eq!(
            kinds(lead_changes(Some(&escalated), &claimed)),
            ["lead.claimed"]
        );
        let converted = lead(
            Some("Dana"),
            serde_json::json!({"status": "converted"}),
            &[],
        );
        assert_eq!(
            kinds(lead_changes(Some(&claimed), &converted)),
            ["lead.converted"]
        );
        let closed = lead(
            Some("Dana"),
            serde_json::json!({"status": "closed", "outcome": "won"}),
            &[],
        );
        assert_eq!(
            kinds(lead_changes(Some(&converted), &closed)),
            ["lead.closed"]
        );
        // Reassigned to someone else: claimed again, a new event id.
        let taken = lead(Some("Lee"), serde_json::json!({"status": "open"}), &[]);
        let again = lead_changes(Some(&claimed), &taken);
        assert_eq!(kinds(again.clone()), ["lead.claimed"]);
        assert_ne!(again[0].id, lead_changes(Some(&escalated), &claimed)[0].id);
    }

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
