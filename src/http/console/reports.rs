//! The report page (the figures of `carousel report` with its SVG charts,
//! for a date range) and the operator page (mailbox health, queues, dead
//! letters, recent errors: what `/health` and `/metrics` know, readable).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::session::Signed;
use super::{Console, blocking};
use crate::outbox::{Delivery, OutboundRecord};
use crate::store::{Store, decode};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Range {
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Builds the report for a date range: `since` as `carousel report
/// --since`, `until` (inclusive day) drops responses, notices and sends
/// after it.
pub fn report_for(
    store: &Store,
    config: &crate::config::Config,
    range: &Range,
) -> anyhow::Result<crate::report::Report> {
    let filter = crate::report::Filter {
        since: given(&range.since)
            .map(crate::report::parse_since)
            .transpose()?,
        campaign: None,
    };
    let mut snapshot = crate::report::Snapshot::load(store, &filter)?;
    if let Some(until) = given(&range.until) {
        let end = crate::report::parse_since(until)? + jiff::SignedDuration::from_hours(24);
        let before = |text: &str| text.parse::<jiff::Timestamp>().is_ok_and(|t| t < end);
        snapshot.responses.retain(|r| before(&r.received_at));
        snapshot.notices.retain(|n| n.at.is_none_or(|t| t < end));
        snapshot.outbox.retain(|o| before(&o.enqueued_at));
    }
    Ok(crate::report::build(&snapshot, &config.costs, &filter))
}

/// The `<body>` of the report's own HTML page: its tables and SVG charts,
/// escaped by the report renderer.
fn report_body(report: &crate::report::Report) -> String {
    let page = crate::report::html::render(report);
    let start = page.find("<body>").map_or(0, |i| i + "<body>".len());
    let end = page.rfind("</body>").unwrap_or(page.len());
    page[start..end].to_string()
}

/// `GET /reports?since=&until=`.
pub async fn report(
    State(console): State<Console>,
    who: Signed,
    Query(range): Query<Range>,
) -> Response {
    if !who.user.role.reads_reports() {
        return console.forbidden(&who);
    }
    let store = console.stage.intake.store.clone();
    let config = console.stage.config.clone();
    let result = blocking(move || {
        let report = report_for(&store, &config, &range)?;
        // `+ 0.0` turns an empty sum's -0.0 into 0.0 for display.
        let won_revenue: f64 = report.providers.iter().map(|p| p.won_revenue).sum::<f64>() + 0.0;
        let pipeline: f64 = report.forecast.iter().map(|f| f.pipeline).sum::<f64>() + 0.0;
        let weighted: f64 = report.forecast.iter().map(|f| f.weighted).sum::<f64>() + 0.0;
        Ok(minijinja::context! {
            range => range,
            funnel => report.funnel.clone(),
            speed => report.speed_to_lead.clone(),
            currency => report.currency.clone().unwrap_or_default(),
            won_revenue => format!("{won_revenue:.2}"),
            pipeline => format!("{pipeline:.2}"),
            weighted => format!("{weighted:.2}"),
            charts => minijinja::Value::from_safe_string(report_body(&report)),
        })
    })
    .await;
    match result {
        Ok(context) => console.page(&who, "reports.html", context),
        Err(e) => console.message(
            &who,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Report",
            &format!("{e:#}"),
        ),
    }
}

/// One outbound email that will not be sent, or is being retried.
#[derive(Debug, Serialize)]
struct Stuck {
    message_id: String,
    to: String,
    subject: String,
    state: String,
    at: String,
    reason: String,
}

/// `GET /operator`.
pub async fn operator(State(console): State<Console>, who: Signed) -> Response {
    if !who.user.role.operates() {
        return console.forbidden(&who);
    }
    let store = console.stage.intake.store.clone();
    let config = console.stage.config.clone();
    let result = blocking(move || {
        let (depth, oldest) = crate::outbox::outbox_state(&store)?;
        let mut stuck = Vec::new();
        for value in store.tree(crate::outbox::TREE)?.iter().values() {
            let record: OutboundRecord = decode("outbox", &value?)?;
            let (state, at, reason) = match &record.delivery {
                Delivery::Failed { at, reason } => ("failed", at.clone(), reason.clone()),
                Delivery::Retrying { next, last_error, attempts } => (
                    "retrying",
                    next.clone(),
                    format!("attempt {attempts}: {last_error}"),
                ),
                _ => continue,
            };
            stuck.push(Stuck {
                message_id: record.email.message_id.clone(),
                to: record.email.to.join(", "),
                subject: record.email.subject.clone(),
                state: state.into(),
                at,
                reason,
            });
        }
        stuck.sort_by(|a, b| b.at.cmp(&a.at));
        stuck.truncate(200);
        let sources = crate::metrics::sources();
        let mailboxes: Vec<minijinja::Value> = config
            .mailbox
            .iter()
            .map(|m| {
                let name = m.get_ref().name.clone();
                let status = sources.get(&name);
                minijinja::context! {
                    name => name,
                    connected => status.is_some_and(|s| s.connected),
                    since => status.map(|s| s.since.clone()),
                    detail => status.and_then(|s| s.detail.clone()).or_else(|| status.is_none().then(|| "not reported yet".to_string())),
                }
            })
            .collect();
        let counters: Vec<(String, u64)> = ["messages", "responses", "leads"]
            .iter()
            .map(|c| (c.to_string(), store.counter(c).unwrap_or(0)))
            .collect();
        // Webhook and chat endpoints: waiting, dead letters (as `webhooks status`).
        let handoff = crate::handoff::deliver::status(&store, &config.handoff_settings())?;
        let handoff = minijinja::Value::from_serialize(&handoff);
        Ok(minijinja::context! {
            mailboxes => mailboxes,
            handoff => handoff,
            understand_queue => store.queued_len(),
            outbox_depth => depth,
            outbox_oldest => oldest.map(|s| format!("{s:.0}")),
            pending_responses => store.pending_responses()?.len(),
            stuck => stuck,
            counters => counters,
        })
    })
    .await;
    match result {
        Ok(context) => console.page(&who, "operator.html", context),
        Err(e) => console.message(
            &who,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Operator",
            &format!("{e:#}"),
        ),
    }
}
