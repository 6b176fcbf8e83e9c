//! `carousel reprocess`: stored raw mail read again with the current rules
//! (after `carousel learn`, a new provider rule file or a better release).
//!
//! Per message: understand the raw bytes again; when the reading differs,
//! update the lead records already opened from it (contact, interest,
//! timeline — never a second notification), then let the store rewrite the
//! message, its responses and contacts in one transaction
//! ([`Store::reunderstand`]). A response that newly reads as a lead goes to
//! `pending`, so the act stage routes it exactly once: lead ids are
//! `r<response id>` and notification Message-IDs derive from them.
//!
//! Idempotent: a second run finds every reading equal to the stored one.

use std::collections::HashSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::leads::{self, lead_id};
use crate::store::model::{Direction, Interaction, MessageKey, ResponseRecord};
use crate::store::{Reread, Store, StoreError, response_count};
use crate::understand::lead::rules::sender_matches;
use crate::understand::{Context, Kind, merge_contact};

/// Which stored messages to read again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Only this provider's mail: stored with this provider name, or from a
    /// sender of the rule with this name.
    pub provider: Option<String>,
    /// Only mail stored at or after this time (YYYY-MM-DD or RFC 3339).
    pub since: Option<String>,
}

/// What a run did (printed as one JSON line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Messages read again.
    pub examined: usize,
    /// Messages whose reading changed.
    pub changed: usize,
    /// Messages whose reading is the stored one.
    pub unchanged: usize,
    /// Responses that now read as leads and wait to be routed (once).
    pub new_leads: usize,
    /// Lead records already opened whose fields were corrected (not re-notified).
    pub updated_leads: usize,
    /// Messages left as stored because the new reading would drop a stored response.
    pub kept: usize,
    /// Messages not read again: only headers kept, raw purged, held as a
    /// flood, or not an email (`POST /leads`, CSV import).
    pub skipped: usize,
}

impl Filter {
    /// Parses `--since` (YYYY-MM-DD or RFC 3339).
    pub fn parse_since(text: &str) -> anyhow::Result<Timestamp> {
        let t = text.trim();
        if let Ok(ts) = t.parse::<Timestamp>() {
            return Ok(ts);
        }
        let date: jiff::civil::Date = t
            .parse()
            .map_err(|e| anyhow::anyhow!("--since {t:?}: expected YYYY-MM-DD or RFC 3339 ({e})"))?;
        Ok(date.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp())
    }
}

/// Reads every matching stored message again with `ctx`'s rules and stores
/// what changed. Does not route: new leads are left pending for the act stage.
pub fn reprocess(store: &Store, ctx: &Context, filter: &Filter) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    let since = filter
        .since
        .as_deref()
        .map(Filter::parse_since)
        .transpose()?;
    let wanted = filter.provider.as_deref().map(|p| p.trim().to_lowercase());
    let rule = wanted.as_deref().and_then(|p| {
        ctx.provider_rules
            .iter()
            .find(|r| r.name.trim().to_lowercase() == p)
    });
    // Keys first: the loop below writes to the tree it would iterate.
    let mut keys: Vec<MessageKey> = Vec::new();
    for record in store.messages() {
        let record = record?;
        if let Some(since) = since
            && leads::timestamp(&record.stored_at) < since
        {
            continue;
        }
        if let Some(p) = &wanted {
            let u = &record.understanding;
            let by_name = u
                .provider
                .as_deref()
                .is_some_and(|name| name.trim().to_lowercase() == *p);
            let by_rule = rule.is_some_and(|r| {
                u.envelope
                    .from_email
                    .as_deref()
                    .is_some_and(|from| r.sender.iter().any(|s| sender_matches(s, from)))
            });
            if !by_name && !by_rule {
                continue;
            }
        }
        keys.push(record.key);
    }
    for key in keys {
        summary.examined += 1;
        let Some(record) = store.message(&key)? else {
            summary.skipped += 1;
            continue;
        };
        // Held floods stay held; leads posted over HTTP or imported from CSV
        // were never an email to read again.
        let held = record
            .understanding
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("inbound flood"))
            || !is_mail(&record.origin.mailbox);
        let raw = match store.raw(&key)? {
            Some(raw) if record.raw_complete && !held => raw,
            _ => {
                summary.skipped += 1;
                continue;
            }
        };
        let understanding = crate::understand::understand_safely(&raw, ctx);
        if understanding == record.understanding {
            summary.unchanged += 1;
            continue;
        }
        if response_count(&understanding) < record.responses.len() {
            summary.kept += 1;
            continue;
        }
        // Responses no lead was opened for, and not waiting: a lead reading
        // now sends them back to the act stage.
        let mut requeue = HashSet::new();
        for &id in &record.responses {
            if leads::get(store, &lead_id(id))?.is_none() && !store.is_pending(id)? {
                requeue.insert(id);
            }
        }
        // Leads first: a crash after this and before the store's transaction
        // finds the message still different next time and does both again.
        for (index, &id) in record.responses.iter().enumerate() {
            let Some(old) = store.response(id)? else {
                continue;
            };
            let new = ResponseRecord::from_understanding(
                &understanding,
                index,
                id,
                &key,
                &record.origin.mailbox,
                &old.received_at,
            );
            if new != old && update_lead(store, id, &new)? {
                summary.updated_leads += 1;
            }
        }
        match store.reunderstand(&key, &understanding, &requeue)? {
            Reread::Unchanged => summary.unchanged += 1,
            Reread::Kept => summary.kept += 1,
            Reread::Changed { updated, added } => {
                summary.changed += 1;
                summary.new_leads += updated.iter().filter(|(_, requeued)| *requeued).count();
                if understanding.kind == Kind::Lead {
                    summary.new_leads += added.len();
                }
                tracing::info!(
                    message = %key,
                    kind = understanding.kind.as_str(),
                    was = record.kind.as_str(),
                    "reprocessed"
                );
            }
        }
    }
    Ok(summary)
}

/// Whether a stored message came from a mailbox (not `POST /leads`, whose
/// origin is `http:PROVIDER`, nor a CSV import).
pub fn is_mail(mailbox: &str) -> bool {
    mailbox != "import" && !mailbox.starts_with("http:")
}

/// Corrects an opened lead's contact, interest and timeline from a new
/// reading of its response; its rank, owner and notifications stay. Returns
/// whether anything changed.
fn update_lead(store: &Store, response: u64, new: &ResponseRecord) -> Result<bool, StoreError> {
    let Some(mut record) = leads::get(store, &lead_id(response))? else {
        return Ok(false);
    };
    let before = record.lead.clone();
    record.lead.contact = merge_contact(new.contact.clone(), &record.lead.contact);
    if let Some(interest) = &new.interest {
        record.lead.interest.clone_from(interest);
    }
    if new.timeline.is_some() {
        record.lead.timeline = new.timeline;
    }
    if record.lead == before {
        return Ok(false);
    }
    leads::save(store, &record, None)?;
    if let Some(email) = &record.lead.contact.email {
        let now = crate::store::now_rfc3339();
        store.record_interaction(
            &Interaction {
                at: now,
                contact: email.clone(),
                direction: Direction::Event,
                kind: "lead_updated".into(),
                message: Some(record.message.clone()),
                subject: None,
                summary: Some("fields corrected by reprocess (no new notification)".into()),
            },
            &format!("{}.reprocess", record.id),
        )?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::model::Origin;
    use crate::understand::lead::rules::learn;

    const RAW: &str = "From: Robot <robot@quotebox.example>\r\nTo: leads@acme.example\r\n\
Subject: Callback wanted\r\nMessage-ID: <cb-9@quotebox.example>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n\
Someone wants a callback.\r\n\r\nCaller ...... Jane Doe\r\nRing on ..... 970 555 0123\r\n\
Mailbox ..... jane@brightwater.example\r\n";

    fn filter(provider: Option<&str>, since: Option<&str>) -> Filter {
        Filter {
            provider: provider.map(str::to_string),
            since: since.map(str::to_string),
        }
    }

    #[test]
    fn reprocess_finds_the_lead_once_and_never_drops_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let empty = Context::default();
        let raw = RAW.as_bytes();
        // Without a rule the dot-leader layout is read by value shape only:
        // a lead kept for review (no name), never dropped.
        let first = crate::understand::understand_safely(raw, &empty);
        assert_eq!(first.kind, Kind::Lead, "{first:?}");
        assert!(first.leads[0].needs_review(), "{first:?}");
        assert_eq!(first.leads[0].contact.name, None);
        let origin = Origin {
            mailbox: "leads".into(),
            reference: "1".into(),
        };
        store
            .ingest(origin, raw, true, raw.len() as u64, first)
            .unwrap();
        let sets: Vec<(String, String)> = [
            ("name", "Jane Doe"),
            ("phone", "970 555 0123"),
            ("email", "jane@brightwater.example"),
        ]
        .iter()
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .collect();
        let rule = learn::derive(raw, &sets, Some("quotebox")).unwrap().rule;
        let ctx = Context {
            provider_rules: vec![rule],
            ..Context::default()
        };

        // Filters: another provider, or only newer mail, examine nothing.
        let none = reprocess(&store, &ctx, &filter(Some("other"), None)).unwrap();
        assert_eq!(none.examined, 0);
        let none = reprocess(&store, &ctx, &filter(None, Some("2999-01-01"))).unwrap();
        assert_eq!(none.examined, 0);
        assert!(reprocess(&store, &ctx, &filter(None, Some("soon"))).is_err());

        let s = reprocess(&store, &ctx, &filter(Some("quotebox"), Some("2000-01-01"))).unwrap();
        assert_eq!((s.examined, s.changed, s.new_leads), (1, 1, 0), "{s:?}");
        let pending = store.pending_responses().unwrap();
        assert_eq!(pending.len(), 1);
        let response = store.response(pending[0]).unwrap().unwrap();
        assert_eq!(response.kind, Kind::Lead);
        assert_eq!(response.contact.name.as_deref(), Some("Jane Doe"));
        assert_eq!(store.counter("kind.lead").unwrap(), 1);
        assert_eq!(store.counter("kind.other").unwrap(), 0);
        assert_eq!(store.counter("responses").unwrap(), 1);

        // Twice: nothing changes.
        let again = reprocess(&store, &ctx, &Filter::default()).unwrap();
        assert_eq!((again.changed, again.unchanged, again.new_leads), (0, 1, 0));
        assert_eq!(store.pending_responses().unwrap(), pending);

        // The act stage decided it was no lead (no record, no longer
        // pending); a better rule reads more: it goes back to be decided.
        store.clear_pending(pending[0]).unwrap();
        let mut more = sets.clone();
        more.push(("interest".into(), "Callback wanted".into()));
        let rule = learn::derive(raw, &more, Some("quotebox")).unwrap().rule;
        assert!(rule.subject_fields.contains_key("interest"), "{rule:?}");
        let better = Context {
            provider_rules: vec![rule],
            ..Context::default()
        };
        let s = reprocess(&store, &better, &Filter::default()).unwrap();
        assert_eq!((s.changed, s.new_leads), (1, 1), "{s:?}");
        assert_eq!(store.pending_responses().unwrap(), pending);
        let response = store.response(pending[0]).unwrap().unwrap();
        assert_eq!(response.interest.as_deref(), Some("Callback wanted"));
        assert_eq!(store.counter("responses").unwrap(), 1);

        assert!(is_mail("leads") && !is_mail("import") && !is_mail("http:zillow"));

        // Without the rule the reading is poorer (a lead for review, read by
        // value shape) but still a lead: applied, and the response stays.
        let kept = reprocess(&store, &empty, &Filter::default()).unwrap();
        assert_eq!((kept.kept, kept.changed), (0, 1), "{kept:?}");
        let message = store.messages().next().unwrap().unwrap();
        assert_eq!(message.kind, Kind::Lead);
        assert_eq!(message.responses, pending);
    }
}
