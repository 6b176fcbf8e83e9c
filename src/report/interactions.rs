//! `carousel interactions --contact EMAIL`: one contact's timeline — every
//! inbound message (recorded at ingest), every outbound email and event the
//! stages recorded, and outbox emails not already on it — oldest first.

use std::io::Write;

use serde::Serialize;

use crate::store::Store;
use crate::store::model::Direction;

/// One line of a contact's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub at: String,
    pub direction: Direction,
    pub kind: String,
    pub subject: Option<String>,
    pub summary: Option<String>,
    /// Stored message key (inbound) or Message-ID (outbound), when known.
    pub reference: Option<String>,
}

/// The timeline of `contact` (normalised like the store keys it).
pub fn timeline(store: &Store, contact: &str) -> anyhow::Result<Vec<Entry>> {
    let email = crate::understand::normalize_email(contact);
    let mut entries: Vec<Entry> = store
        .interactions(&email)?
        .into_iter()
        .map(|i| Entry {
            at: i.at,
            direction: i.direction,
            kind: i.kind,
            subject: i.subject,
            summary: i.summary,
            reference: i.message.map(|k| k.0),
        })
        .collect();
    for o in crate::outbox::records(store)? {
        if !o
            .email
            .to
            .iter()
            .any(|t| crate::understand::normalize_email(t) == email)
        {
            continue;
        }
        // Stages that record their own outbound interactions use the same subject.
        let already = entries.iter().any(|e| {
            e.direction == Direction::Outbound && e.subject.as_deref() == Some(&o.email.subject)
        });
        if already {
            continue;
        }
        let (at, state) = match &o.delivery {
            crate::outbox::Delivery::Sent { at, .. } => (at.clone(), "sent"),
            crate::outbox::Delivery::Queued { .. } => (o.enqueued_at.clone(), "queued"),
            crate::outbox::Delivery::Sending { .. } => (o.enqueued_at.clone(), "sending"),
            crate::outbox::Delivery::Retrying { .. } => (o.enqueued_at.clone(), "retrying"),
            crate::outbox::Delivery::Suppressed { at, .. } => (at.clone(), "suppressed"),
            crate::outbox::Delivery::Failed { at, .. } => (at.clone(), "failed"),
        };
        let purpose = serde_json::to_value(&o.email.purpose)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
            .unwrap_or_else(|| "email".into());
        entries.push(Entry {
            at,
            direction: Direction::Outbound,
            kind: purpose,
            subject: Some(o.email.subject.clone()),
            summary: Some(state.to_string()),
            reference: Some(o.email.message_id.clone()),
        });
    }
    // RFC 3339 UTC texts sort in time order; parse where possible to be safe.
    entries.sort_by(|a, b| {
        let ta = a.at.parse::<jiff::Timestamp>().ok();
        let tb = b.at.parse::<jiff::Timestamp>().ok();
        ta.cmp(&tb).then_with(|| a.at.cmp(&b.at))
    });
    Ok(entries)
}

/// JSON lines, or one aligned line per entry.
pub fn write(entries: &[Entry], json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    for e in entries {
        if json {
            serde_json::to_writer(&mut *out, e)?;
            writeln!(out)?;
        } else {
            let dir = match e.direction {
                Direction::Inbound => "in ",
                Direction::Outbound => "out",
                Direction::Event => "evt",
            };
            writeln!(
                out,
                "{}  {dir}  {:<22} {}{}",
                e.at,
                e.kind,
                e.subject.as_deref().unwrap_or(""),
                e.summary
                    .as_deref()
                    .map(|s| format!("  ({s})"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(())
}
