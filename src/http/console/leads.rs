//! Lead pages for reps and managers: the lists ("My leads", "Unclaimed",
//! "All") with filters, a lead's page, and its actions — claim, reassign,
//! convert, close, fix a misread field (and learn the provider from it).
//! Every action is a [`crate::act::manage::Change`] run by
//! [`crate::http::write::run`]: the code path of `carousel lead ...`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::session::{Checked, Signed};
use super::{Console, blocking};
use crate::act::leads::{self, LeadRecord};
use crate::act::manage::Change;
use crate::http::write::{WriteRequest, run};
use crate::qualify::conversion::{LeadStatus, Outcome};
use crate::store::Store;

/// Rows shown at most on one list page (the newest first).
pub const PAGE_ROWS: usize = 1000;

/// The list filters, as the query string carries them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    /// `mine`, `unclaimed` or `all`.
    #[serde(default)]
    pub view: Option<String>,
    #[serde(default)]
    pub rank: Option<String>,
    /// `open`, `converted`, `won` or `lost`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    /// Received on or after this date (YYYY-MM-DD).
    #[serde(default)]
    pub since: Option<String>,
    /// Received on or before this date (YYYY-MM-DD).
    #[serde(default)]
    pub until: Option<String>,
}

impl ListQuery {
    fn view(&self) -> &str {
        match self.view.as_deref() {
            Some("unclaimed") => "unclaimed",
            Some("all") => "all",
            _ => "mine",
        }
    }

    fn value(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }

    /// The query string that reproduces these filters (for the poller).
    pub fn to_query(&self) -> String {
        serde_urlencoded(self)
    }
}

fn serde_urlencoded(q: &ListQuery) -> String {
    let pairs = [
        ("view", Some(q.view())),
        ("rank", ListQuery::value(&q.rank)),
        ("status", ListQuery::value(&q.status)),
        ("provider", ListQuery::value(&q.provider)),
        ("since", ListQuery::value(&q.since)),
        ("until", ListQuery::value(&q.until)),
    ];
    pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", super::session::urlencode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// One row of a lead list.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub received: String,
    pub name: String,
    pub email: String,
    pub company: String,
    pub interest: String,
    pub rank: String,
    pub status: String,
    pub owner: String,
    /// The rep it was routed to while nobody has claimed it.
    pub assigned: String,
    pub provider: String,
}

/// `open`, `converted`, `won`, `lost`.
pub fn status_word(status: LeadStatus) -> &'static str {
    match status {
        LeadStatus::Open => "open",
        LeadStatus::Converted => "converted",
        LeadStatus::Closed { outcome } => outcome.as_str(),
    }
}

fn rank_word(record: &LeadRecord) -> String {
    record
        .lead
        .rank
        .map(|r| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .unwrap_or_else(|| "-".into())
}

fn day_start(text: &str) -> Option<jiff::Timestamp> {
    crate::report::parse_since(text).ok()
}

/// The rows a list shows, newest first, and how many matched in all.
pub fn rows_for(
    store: &Store,
    query: &ListQuery,
    rep: Option<&str>,
) -> anyhow::Result<(Vec<Row>, usize)> {
    let since = ListQuery::value(&query.since).and_then(day_start);
    let until = ListQuery::value(&query.until)
        .and_then(day_start)
        .map(|t| t + jiff::SignedDuration::from_hours(24));
    let rank = ListQuery::value(&query.rank);
    let status = ListQuery::value(&query.status);
    let provider = ListQuery::value(&query.provider).map(str::to_lowercase);
    let mut records: Vec<LeadRecord> = leads::all(store)?;
    records.retain(|r| match query.view() {
        // Theirs: owned, or routed to them and not yet claimed.
        "mine" => {
            rep.is_some()
                && (r.lead.ownership.owner() == rep
                    || (r.lead.ownership.owner().is_none() && r.assigned.as_deref() == rep))
        }
        "unclaimed" => r.lead.ownership.owner().is_none() && r.is_open(),
        _ => true,
    });
    records.retain(|r| {
        let at = leads::timestamp(&r.created_at);
        rank.is_none_or(|k| rank_word(r) == k)
            && status.is_none_or(|s| status_word(r.lead.status) == s)
            && since.is_none_or(|s| at >= s)
            && until.is_none_or(|u| at < u)
    });
    records.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.response.cmp(&a.response))
    });
    let mut rows = Vec::new();
    let mut matched = 0;
    for r in &records {
        let response = store.response(r.response).ok().flatten();
        let from = response
            .as_ref()
            .and_then(|p| p.provider.clone())
            .unwrap_or_default();
        if provider
            .as_deref()
            .is_some_and(|p| !from.to_lowercase().contains(p))
        {
            continue;
        }
        matched += 1;
        if rows.len() >= PAGE_ROWS {
            continue;
        }
        let c = &r.lead.contact;
        rows.push(Row {
            id: r.id.clone(),
            received: r
                .created_at
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
            name: c.name.clone().unwrap_or_default(),
            email: c.email.clone().unwrap_or_default(),
            company: c.company.clone().unwrap_or_default(),
            interest: r.lead.interest.clone(),
            rank: rank_word(r),
            status: status_word(r.lead.status).to_string(),
            owner: r.lead.ownership.owner().unwrap_or("").to_string(),
            assigned: r.assigned.clone().unwrap_or_default(),
            provider: from,
        });
    }
    Ok((rows, matched))
}

/// The whole list page's context (also what the benchmark renders).
pub fn list_context(
    store: &Store,
    query: &ListQuery,
    rep: Option<&str>,
) -> anyhow::Result<minijinja::Value> {
    let (rows, matched) = rows_for(store, query, rep)?;
    Ok(minijinja::context! {
        rows => rows,
        matched => matched,
        shown_limit => PAGE_ROWS,
        view => query.view(),
        filters => query,
        poll_query => query.to_query(),
        ranks => ["hot", "high_potential", "need_information", "low_potential", "partner", "need_nurturing"],
        statuses => ["open", "converted", "won", "lost"],
    })
}

/// `GET /leads`.
pub async fn list(
    State(console): State<Console>,
    who: Signed,
    Query(query): Query<ListQuery>,
) -> Response {
    if !who.user.role.works_leads() {
        return console.forbidden(&who);
    }
    let store = console.stage.intake.store.clone();
    let rep = who.rep.clone();
    match blocking(move || list_context(&store, &query, rep.as_deref())).await {
        Ok(context) => console.page(&who, "leads.html", context),
        Err(e) => error_page(&console, &who, e),
    }
}

/// `GET /leads/rows`: the list's rows only (the live update polls it).
pub async fn rows(
    State(console): State<Console>,
    who: Signed,
    Query(query): Query<ListQuery>,
) -> Response {
    if !who.user.role.works_leads() {
        return console.forbidden(&who);
    }
    let store = console.stage.intake.store.clone();
    let rep = who.rep.clone();
    match blocking(move || list_context(&store, &query, rep.as_deref())).await {
        Ok(context) => {
            let matched = context
                .get_attr("matched")
                .ok()
                .map(|m| m.to_string())
                .unwrap_or_default();
            let mut response = console.page(&who, "lead_rows.html", context);
            // The poller updates the count shown above the rows with it.
            if let Ok(value) = axum::http::HeaderValue::from_str(&matched) {
                response.headers_mut().insert("x-lead-count", value);
            }
            response
        }
        Err(e) => error_page(&console, &who, e),
    }
}

fn error_page(console: &Console, who: &Signed, e: anyhow::Error) -> Response {
    console.message(
        who,
        StatusCode::UNPROCESSABLE_ENTITY,
        "That did not work",
        &format!("{e:#}"),
    )
}

/// The original email as text: the text part, else the HTML turned into
/// text. Never HTML, so no remote content loads and no markup runs.
fn original_text(raw: &[u8]) -> String {
    match mail_parser::MessageParser::default().parse(raw) {
        Some(message) => crate::understand::body::best_text(&message),
        None => String::from_utf8_lossy(&raw[..raw.len().min(64 * 1024)]).into_owned(),
    }
}

/// `GET /leads/{id}`.
pub async fn show(State(console): State<Console>, who: Signed, Path(id): Path<String>) -> Response {
    if !who.user.role.works_leads() {
        return console.forbidden(&who);
    }
    let store = console.stage.intake.store.clone();
    let config = console.stage.config.clone();
    let result = blocking(move || {
        let Some(record) = leads::get(&store, &id)? else {
            return Ok(None);
        };
        let record = crate::act::manage::with_delivery(&store, record);
        let response = store.response(record.response)?;
        let message = store.message(&record.message)?;
        let original = store.raw(&record.message)?.map(|raw| original_text(&raw));
        let timeline = match &record.lead.contact.email {
            Some(email) => crate::report::interactions::timeline(&store, email)?,
            None => Vec::new(),
        };
        let opportunity = leads::opportunity(&store, &record.lead.response.0)?;
        let corrections = crate::act::manage::corrections(&store, &record.id)?;
        let review_reasons: Vec<String> = message
            .as_ref()
            .map(|m| {
                m.understanding
                    .leads
                    .iter()
                    .flat_map(|l| l.review_reasons.clone())
                    .collect()
            })
            .unwrap_or_default();
        let stages: Vec<String> = config
            .sales
            .stages
            .iter()
            .filter(|s| s.closes.is_none())
            .map(|s| s.name.clone())
            .collect();
        let reps: Vec<String> = config.rep.iter().map(|r| r.name.clone()).collect();
        Ok(Some(minijinja::context! {
            lead => record.to_json(),
            id => record.id.clone(),
            contact => record.lead.contact.clone(),
            interest => record.lead.interest.clone(),
            timeline_value => record.lead.timeline,
            rank => rank_word(&record),
            points => record.lead.points,
            reasons => record.reasons.clone(),
            status => status_word(record.lead.status),
            is_open => record.is_open(),
            is_converted => record.lead.status == LeadStatus::Converted,
            owner => record.lead.ownership.owner(),
            provider => response.as_ref().and_then(|r| r.provider.clone()),
            subject => response.as_ref().and_then(|r| r.subject.clone()),
            received => record.created_at.clone(),
            routing => record.routing.clone(),
            original => original,
            events => timeline,
            opportunity => opportunity,
            corrections => corrections,
            review_reasons => review_reasons,
            stages => stages,
            reps => reps,
            fields => crate::act::manage::CORRECTABLE,
            today => jiff::Zoned::now().date().to_string(),
        }))
    })
    .await;
    match result {
        Ok(Some(context)) => console.page(&who, "lead.html", context),
        Ok(None) => console.message(
            &who,
            StatusCode::NOT_FOUND,
            "No such lead",
            "This lead does not exist (any more).",
        ),
        Err(e) => error_page(&console, &who, e),
    }
}

/// Runs a lead change as the CLI would (through the daemon's write path,
/// waking the stages that act on it); then back to the lead's page.
async fn change(console: &Console, who: &Signed, id: &str, change: Change) -> Response {
    let stage = console.stage.clone();
    let request = WriteRequest::Lead(change);
    let result = blocking(move || {
        run(
            &stage.intake.store,
            Arc::clone(&stage.config),
            stage.intake.wake.clone(),
            &request,
        )
    })
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/leads/{}", super::session::urlencode(id))).into_response(),
        Err(e) => error_page(console, who, e),
    }
}

/// The rep a signed-in user acts as, or a page saying how to link one.
fn acting_rep(console: &Console, who: &Signed) -> Result<String, Box<Response>> {
    who.rep.clone().ok_or_else(|| {
        Box::new(console.message(
            who,
            StatusCode::UNPROCESSABLE_ENTITY,
            "No rep linked",
            &format!(
                "No [[rep]] in the configuration has the email {}: add one to act on leads.",
                who.user.email
            ),
        ))
    })
}

/// `POST /leads/{id}/claim`.
pub async fn claim(
    State(console): State<Console>,
    Path(id): Path<String>,
    form: Checked,
) -> Response {
    let who = &form.who;
    if !who.user.role.works_leads() {
        return console.forbidden(who);
    }
    let rep = match acting_rep(&console, who) {
        Ok(r) => r,
        Err(page) => return *page,
    };
    change(
        &console,
        who,
        &id,
        Change::Claim {
            id: id.clone(),
            rep,
        },
    )
    .await
}

/// `POST /leads/{id}/reassign` (field `rep`): managers only.
pub async fn reassign(
    State(console): State<Console>,
    Path(id): Path<String>,
    form: Checked,
) -> Response {
    let who = &form.who;
    if who.user.role != super::users::Role::Manager {
        return console.forbidden(who);
    }
    let rep = form.field("rep").unwrap_or_default().to_string();
    change(
        &console,
        who,
        &id,
        Change::Reassign {
            id: id.clone(),
            rep,
        },
    )
    .await
}

/// `POST /leads/{id}/convert` (fields `revenue`, `currency`, `stage`, `close`).
pub async fn convert(
    State(console): State<Console>,
    Path(id): Path<String>,
    form: Checked,
) -> Response {
    let who = &form.who;
    if !who.user.role.works_leads() {
        return console.forbidden(who);
    }
    let c = Change::Convert {
        id: id.clone(),
        revenue: form.field("revenue").unwrap_or_default().to_string(),
        currency: form.field("currency").unwrap_or("USD").to_string(),
        stage: form.field("stage").map(str::to_string),
        close: form.field("close").unwrap_or_default().to_string(),
        rep: who.rep.clone(),
    };
    change(&console, who, &id, c).await
}

/// `POST /leads/{id}/close` (fields `outcome` = won|lost, optional `revenue`).
pub async fn close(
    State(console): State<Console>,
    Path(id): Path<String>,
    form: Checked,
) -> Response {
    let who = &form.who;
    if !who.user.role.works_leads() {
        return console.forbidden(who);
    }
    let outcome = match form.field("outcome") {
        Some("won") => Outcome::Won,
        Some("lost") => Outcome::Lost,
        _ => return error_page(&console, who, anyhow::anyhow!("choose won or lost")),
    };
    let c = Change::Close {
        id: id.clone(),
        outcome,
        revenue: form.field("revenue").map(str::to_string),
    };
    change(&console, who, &id, c).await
}

/// `POST /leads/{id}/fix` (fields `field`, `value`, optional `learn`): the
/// correction is kept; with `learn`, a provider rule is derived from the
/// original email with the corrected value (`carousel learn`'s rule).
pub async fn fix(
    State(console): State<Console>,
    Path(id): Path<String>,
    form: Checked,
) -> Response {
    let who = &form.who;
    if !who.user.role.works_leads() {
        return console.forbidden(who);
    }
    let field = form.field("field").unwrap_or_default().to_string();
    let value = form.field("value").unwrap_or_default().to_string();
    let learn = form.field("learn").is_some();
    let c = Change::Correct {
        id: id.clone(),
        field: field.clone(),
        value: value.clone(),
        by: who.user.name.clone(),
    };
    let response = change(&console, who, &id, c).await;
    if !learn || !response.status().is_redirection() {
        return response;
    }
    let stage = console.stage.clone();
    let lead_id = id.clone();
    let learned = blocking(move || learn_provider(&stage, &lead_id, &field, &value)).await;
    match learned {
        Ok(path) => console.message(
            who,
            StatusCode::OK,
            "Correction kept, provider learned",
            &format!(
                "The rule is in {}. Mail from this provider is read with it after `carousel reprocess` or a restart.",
                path.display()
            ),
        ),
        Err(e) => console.message(
            who,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Correction kept; the provider was not learned",
            &format!("{e:#}"),
        ),
    }
}

/// Derives a provider rule from the lead's original email with the
/// corrected field (as `carousel learn FILE --set FIELD=VALUE` does).
fn learn_provider(
    stage: &crate::http::StageContext,
    id: &str,
    field: &str,
    value: &str,
) -> anyhow::Result<std::path::PathBuf> {
    use anyhow::Context as _;
    let store = &stage.intake.store;
    let record = leads::get(store, id)?.context("the lead is gone")?;
    let raw = store
        .raw(&record.message)?
        .context("the original email is no longer stored")?;
    let comment = format!(
        "Provider rule learned in the console from lead {id} on {}.",
        jiff::Timestamp::now().strftime("%Y-%m-%d")
    );
    let sets = [(field.to_string(), value.to_string())];
    let (_, path, written) = super::learn::learn_from(&stage.config.file, &raw, &sets, &comment)?;
    anyhow::ensure!(
        written,
        "{} exists already: edit it, or run `carousel learn --force`",
        path.display()
    );
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_poll_query_keeps_the_filters_and_defaults_to_my_leads() {
        let q = ListQuery {
            rank: Some("hot".into()),
            provider: Some("solar site&co".into()),
            since: Some(" ".into()),
            ..ListQuery::default()
        };
        assert_eq!(
            q.to_query(),
            "view=mine&rank=hot&provider=solar%20site%26co"
        );
        let all = ListQuery {
            view: Some("all".into()),
            ..ListQuery::default()
        };
        assert_eq!(all.to_query(), "view=all");
    }
}
