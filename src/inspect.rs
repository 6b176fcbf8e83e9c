//! The `carousel inspect` JSON line contract (DESIGN.md): one object per file,
//! or one per lead when a CSV attachment carries several. Every key is always
//! present; missing values are `null`, never `""`. An `other` message carries
//! why in `reasons`. `--explain` adds an `explain` object: for a lead, where
//! each field came from (extractor, layout, label or shape).

use serde_json::{Value, json};

use crate::qualify;
use crate::understand::{Bounce, Contact, Kind, Understanding};

/// The JSON objects `inspect` prints for one understood file.
pub fn lines(file: &str, u: &Understanding) -> Vec<Value> {
    lines_with(file, u, false)
}

/// [`lines`], with an `explain` object on each line when `explain` is set.
pub fn lines_with(file: &str, u: &Understanding, explain: bool) -> Vec<Value> {
    let with = |i: Option<usize>| {
        let mut obj = object(file, u, i);
        if explain {
            obj["explain"] = explanation(u, i);
        }
        obj
    };
    if u.leads.len() > 1 {
        return (0..u.leads.len()).map(|i| with(Some(i))).collect();
    }
    vec![with(if u.leads.is_empty() { None } else { Some(0) })]
}

/// `{field: provenance}` of a lead (`"email": "form:colon \"E-Mail\""`);
/// for other messages, why they are what they are.
fn explanation(u: &Understanding, lead_index: Option<usize>) -> Value {
    let mut map = serde_json::Map::new();
    if let Some(lead) = lead_index.map(|i| &u.leads[i]) {
        for (field, source) in &lead.provenance {
            map.insert(field.clone(), Value::String(source.clone()));
        }
        map.insert("lead".into(), Value::String(lead.source.clone()));
    }
    if let Some(note) = &u.note {
        map.insert("note".into(), Value::String(note.clone()));
    }
    Value::Object(map)
}

fn object(file: &str, u: &Understanding, lead_index: Option<usize>) -> Value {
    let lead = lead_index.map(|i| &u.leads[i]);
    let contact = lead.map_or(&u.contact, |l| &l.contact);
    let reply = u.reply.as_ref();
    let score = qualify::score(u, lead_index);
    let mut obj = json!({
        "file": file,
        "kind": u.kind.as_str(),
        "provider": u.provider,
        "contact": contact_json(contact),
        "interest": lead.and_then(|l| l.interest.clone()),
        "timeline": lead.and_then(|l| l.timeline),
        "intent": reply.and_then(|r| r.intent),
        "intent_confidence": reply.map(|r| r.intent_confidence),
        "reply_text": reply.and_then(|r| r.text.clone()),
        "referral_email": reply.and_then(|r| r.referral_email.clone()),
        "bounce": u.bounces.first().map(bounce_json),
        "auto_reply": u.auto_reply.as_ref().map(|a| json!({
            "reason": a.reason,
            "return_date": a.return_date,
            "stand_in": a.stand_in.as_ref().map(|s| json!({
                "name": nonempty(&s.name), "email": nonempty(&s.email), "phone": nonempty(&s.phone),
            })),
        })),
        "rank": score.as_ref().map(|s| s.rank),
        "reasons": score.as_ref().map(|s| s.reasons_json()),
    });
    if u.kind == Kind::Other {
        let why = u.note.as_deref().unwrap_or(crate::understand::OTHER_NOTE);
        obj["reasons"] = json!([{"points": 0, "why": why}]);
    }
    if let Some(lead) = lead.filter(|l| l.needs_review()) {
        obj["needs_review"] = Value::Bool(true);
        obj["review_reasons"] = json!(lead.review_reasons);
    }
    if u.bounces.len() > 1 {
        obj["bounces"] = Value::Array(u.bounces.iter().map(bounce_json).collect());
    }
    obj
}

fn contact_json(c: &Contact) -> Value {
    json!({"email": nonempty(&c.email), "name": nonempty(&c.name), "phone": nonempty(&c.phone), "company": nonempty(&c.company)})
}

fn bounce_json(b: &Bounce) -> Value {
    json!({"recipient": nonempty(&b.recipient), "status": nonempty(&b.status), "hard": b.hard, "reason": nonempty(&b.reason)})
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
