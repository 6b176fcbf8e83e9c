//! "Needs review" for managers: messages carousel could not read
//! confidently (a lead with review reasons) and `other` messages with the
//! note that says why, each with one-click "this is a lead" / "not a lead".
//!
//! A verdict is kept in the tree `console_reviews` (key: message key) and
//! takes the message off the queue. "Not a lead" closes the message's open
//! leads as lost (`lead close --lost`); "this is a lead" on an `other`
//! message with a contact email and an interest learns the provider from it
//! (`carousel learn`'s rule) and reads that provider's mail again
//! (`carousel reprocess`), so the lead appears through the normal path.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::session::{Checked, Signed};
use super::{Console, blocking};
use crate::act::leads;
use crate::store::model::MessageKey;
use crate::store::{Store, decode, encode};
use crate::understand::Kind;

/// Verdicts given in the console.
pub const TREE: &str = "console_reviews";

/// Messages shown at most (the newest).
const MAX_ITEMS: usize = 500;

/// A person's verdict on a message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    /// `lead` or `not_lead`.
    pub verdict: String,
    pub by: String,
    pub at: String,
}

/// One message waiting for a person.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub key: String,
    pub stored_at: String,
    pub kind: String,
    pub subject: String,
    pub from: String,
    pub provider: String,
    pub reasons: Vec<String>,
    /// Lead ids made from the message.
    pub leads: Vec<String>,
}

/// The messages that need a person, newest first.
pub fn queue(store: &Store) -> anyhow::Result<Vec<Item>> {
    let decided = store.tree(TREE)?;
    let mut items = Vec::new();
    for message in store.messages() {
        let m = message?;
        let unsure: Vec<String> = m
            .understanding
            .leads
            .iter()
            .flat_map(|l| l.review_reasons.iter().cloned())
            .collect();
        let reasons =
            match m.kind {
                Kind::Other => vec![m.understanding.note.clone().unwrap_or_else(|| {
                    "not recognised as a lead, reply, auto-reply or bounce".into()
                })],
                _ if !unsure.is_empty() => unsure,
                _ => continue,
            };
        if decided.contains_key(m.key.0.as_bytes())? {
            continue;
        }
        let u = &m.understanding;
        items.push(Item {
            key: m.key.0.clone(),
            stored_at: m
                .stored_at
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
            kind: m.kind.as_str().to_string(),
            subject: u.envelope.subject.clone().unwrap_or_default(),
            from: u.envelope.from_email.clone().unwrap_or_default(),
            provider: u.provider.clone().unwrap_or_default(),
            reasons,
            leads: m.responses.iter().map(|r| leads::lead_id(*r)).collect(),
        });
    }
    items.sort_by(|a, b| b.stored_at.cmp(&a.stored_at));
    items.truncate(MAX_ITEMS);
    Ok(items)
}

/// `GET /review`.
pub async fn list(State(console): State<Console>, who: Signed) -> Response {
    if !who.user.role.reviews() {
        return console.forbidden(&who);
    }
    let store = console.stage.intake.store.clone();
    match blocking(move || queue(&store)).await {
        Ok(items) => console.page(&who, "review.html", minijinja::context! { items => items }),
        Err(e) => console.message(
            &who,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Review queue",
            &format!("{e:#}"),
        ),
    }
}

/// `POST /review/{message}` (field `verdict` = lead|not_lead; for `lead` on
/// an `other` message, optional `email`, `name`, `interest`).
pub async fn decide(
    State(console): State<Console>,
    Path(key): Path<String>,
    form: Checked,
) -> Response {
    let who = form.who.clone();
    if !who.user.role.reviews() {
        return console.forbidden(&who);
    }
    let verdict = match form.field("verdict") {
        Some(v @ ("lead" | "not_lead")) => v.to_string(),
        _ => {
            return console.message(
                &who,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Review",
                "Choose lead or not a lead.",
            );
        }
    };
    let sets: Vec<(String, String)> = ["email", "name", "phone", "company", "interest"]
        .iter()
        .filter_map(|f| form.field(f).map(|v| (f.to_string(), v.to_string())))
        .collect();
    let stage = console.stage.clone();
    let by = who.user.name.clone();
    let result = blocking(move || apply(&stage, &key, &verdict, &sets, &by)).await;
    match result {
        Ok(note) if note.is_empty() => Redirect::to("/review").into_response(),
        Ok(note) => console.message(&who, StatusCode::OK, "Review kept", &note),
        Err(e) => console.message(
            &who,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Review not kept",
            &format!("{e:#}"),
        ),
    }
}

/// Records a verdict and does what it implies; returns a note for the
/// reviewer (empty when there is nothing more to say).
fn apply(
    stage: &crate::http::StageContext,
    key: &str,
    verdict: &str,
    sets: &[(String, String)],
    by: &str,
) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let store = &stage.intake.store;
    let message = store
        .message(&MessageKey(key.to_string()))?
        .context("no such message")?;
    let mut note = String::new();
    if verdict == "not_lead" {
        for response in &message.responses {
            let id = leads::lead_id(*response);
            if leads::get(store, &id)?.is_some_and(|l| l.is_open()) {
                let request =
                    crate::http::write::WriteRequest::Lead(crate::act::manage::Change::Close {
                        id,
                        outcome: crate::qualify::conversion::Outcome::Lost,
                        revenue: None,
                    });
                crate::http::write::run(
                    store,
                    Arc::clone(&stage.config),
                    stage.intake.wake.clone(),
                    &request,
                )?;
            }
        }
    } else if message.kind == Kind::Other && !sets.is_empty() {
        let raw = store
            .raw(&message.key)?
            .context("the original email is no longer stored")?;
        let comment = format!("Provider rule learned in the console (needs review) by {by}.");
        let (provider, target, _) =
            super::learn::learn_from(&stage.config.file, &raw, sets, &comment)?;
        let ctx = crate::config::Config::load_static(&stage.config.file)
            .map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow::anyhow!("invalid configuration:\n{}", lines.join("\n"))
            })?
            .understand_context();
        let filter = crate::act::reprocess::Filter {
            provider: Some(provider.clone()),
            since: None,
        };
        let summary = crate::act::reprocess::reprocess(store, &ctx, &filter)?;
        stage.intake.wake.responses.notify_one();
        note = format!(
            "Learned the provider {} ({}) and read its mail again: {}",
            provider,
            target.display(),
            serde_json::to_string(&summary).unwrap_or_default()
        );
    }
    let record = Verdict {
        verdict: verdict.to_string(),
        by: by.to_string(),
        at: crate::store::now_rfc3339(),
    };
    store.tree(TREE)?.insert(key.as_bytes(), encode(&record))?;
    store.flush_sync()?;
    Ok(note)
}

/// The verdict given on a message, if any.
pub fn verdict(store: &Store, key: &str) -> anyhow::Result<Option<Verdict>> {
    Ok(store
        .tree(TREE)?
        .get(key.as_bytes())?
        .map(|v| decode(TREE, &v))
        .transpose()?)
}
