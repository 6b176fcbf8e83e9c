//! What reps and managers do to a lead from the CLI: convert it into an
//! opportunity, reassign it, close it. Each change is saved with the
//! distribution state (open-lead counts), stops the SLA clock, counts as the
//! first rep action, and is an event on the contact's timeline.

use anyhow::{Context as _, bail};
use jiff::Timestamp;

use super::Act;
use super::leads::{self, LeadRecord, Notice};
use super::notify::Original;
use crate::nurture::{self, StopReason};
use crate::qualify::conversion::{LeadStatus, Opportunity, OpportunityDraft, Outcome, Ownership};

fn load(act: &Act, id: &str) -> anyhow::Result<LeadRecord> {
    leads::get(&act.store, id)?.with_context(|| format!("no lead {id} (see `carousel leads list`)"))
}

fn rep_named<'a>(act: &'a Act, name: &str) -> anyhow::Result<&'a crate::route::Rep> {
    act.config
        .rep
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
        .with_context(|| format!("no [[rep]] named {name:?} in the configuration"))
}

/// Converts an open lead into an opportunity owned by `rep` (default: its
/// owner, else the rep it is assigned to, else the only configured rep).
pub fn convert(
    act: &Act,
    id: &str,
    rep: Option<&str>,
    draft: OpportunityDraft,
) -> anyhow::Result<(LeadRecord, Opportunity)> {
    let _writing = leads::write_lock();
    let mut record = load(act, id)?;
    let rep = match rep {
        Some(name) => rep_named(act, name)?.name.clone(),
        None => record
            .lead
            .ownership
            .owner()
            .map(str::to_string)
            .or_else(|| record.assigned.clone())
            // With a single rep there is nobody else it could be.
            .or_else(|| match act.config.rep.as_slice() {
                [only] => Some(only.name.clone()),
                _ => None,
            })
            .with_context(|| {
                let names: Vec<&str> = act.config.rep.iter().map(|r| r.name.as_str()).collect();
                format!(
                    "the lead has no owner: pass --rep NAME (one of: {})",
                    names.join(", ")
                )
            })?,
    };
    let now = Timestamp::now();
    let (lead, opportunity) = record.lead.convert(&rep, now, draft, &act.config.sales)?;
    let mut counts = crate::route::DistributionEdit::default();
    if let Some(previous) = &record.assigned {
        counts.release(previous);
    }
    record.lead = lead;
    record.assigned = Some(rep.clone());
    record
        .speed
        .first_rep_action
        .get_or_insert_with(|| now.to_string());
    leads::save(&act.store, &record, Some(&counts))?;
    leads::save_opportunity(&act.store, &opportunity)?;
    if let Some(email) = &record.lead.contact.email {
        nurture::stop_for_contact(&act.store, email, StopReason::Converted)?;
    }
    act.event(
        &record,
        "converted",
        &now.to_string(),
        format!(
            "converted by {rep}: {} {} at stage {} ({}%), close {}",
            opportunity.revenue.minor_units as f64 / 100.0,
            opportunity.revenue.currency,
            opportunity.stage,
            opportunity.win_probability,
            opportunity.expected_close
        ),
        "converted",
    )?;
    act.store.flush_sync()?;
    Ok((record, opportunity))
}

/// Gives an open lead to another rep, who owns it from now and is notified.
pub fn reassign(act: &Act, id: &str, rep: &str) -> anyhow::Result<LeadRecord> {
    let _writing = leads::write_lock();
    let mut record = load(act, id)?;
    if !record.is_open() {
        bail!(
            "lead {id} cannot be reassigned: {}",
            crate::qualify::conversion::LeadError::NotOpen(record.lead.status)
        );
    }
    let rep = rep_named(act, rep)?.clone();
    let now = Timestamp::now();
    let mut counts = crate::route::DistributionEdit::default();
    if let Some(previous) = &record.assigned {
        counts.release(previous);
    }
    counts.assign(&rep.name);
    let previous = record.lead.ownership.owner().map(str::to_string);
    record.lead.ownership = Ownership::Owned {
        rep: rep.name.clone(),
        since: now,
    };
    record.assigned = Some(rep.name.clone());
    record
        .speed
        .first_rep_action
        .get_or_insert_with(|| now.to_string());
    let k = record.notices.len();
    record.notices.push(Notice {
        message_id: act.mailer.id(&["n", &record.id, &format!("a{k}")]),
        to: rep.email.clone(),
        rep: Some(rep.name.clone()),
        at: now.to_string(),
        why: "reassigned".into(),
        enqueued: false,
    });
    leads::save(&act.store, &record, Some(&counts))?;
    let original = act
        .store
        .raw(&record.message)?
        .map(|raw| Original::of(&raw))
        .unwrap_or_default();
    act.deliver(&mut record, &original, false)?;
    act.event(
        &record,
        "reassigned",
        &now.to_string(),
        format!(
            "reassigned from {} to {}",
            previous.as_deref().unwrap_or("nobody"),
            rep.name
        ),
        &format!("reassign{k}"),
    )?;
    act.store.flush_sync()?;
    Ok(record)
}

/// Closes a lead as won or lost: an open lead without an opportunity, a
/// converted lead together with its opportunity (moved to the closing stage;
/// `revenue`, when given, is the final amount). Either way an event on the
/// contact's timeline.
pub fn close(
    act: &Act,
    id: &str,
    outcome: Outcome,
    revenue: Option<&str>,
) -> anyhow::Result<(LeadRecord, Option<Opportunity>)> {
    let _writing = leads::write_lock();
    let mut record = load(act, id)?;
    let now = Timestamp::now();
    let (lead, opportunity) = if record.lead.status == LeadStatus::Converted {
        let mut opportunity = leads::opportunity(&act.store, &record.lead.response.0)?
            .with_context(|| format!("lead {id} is converted but its opportunity is missing"))?;
        if let Some(text) = revenue {
            opportunity.revenue = parse_money(text, &opportunity.revenue.currency)?;
        }
        let (lead, opportunity) =
            record
                .lead
                .close_opportunity(&opportunity, outcome, now, &act.config.sales)?;
        (lead, Some(opportunity))
    } else {
        if revenue.is_some() {
            bail!(
                "lead {id} has no opportunity: --revenue applies to a converted lead (`carousel lead convert` first)"
            );
        }
        (record.lead.close(outcome)?, None)
    };
    record.lead = lead;
    let mut counts = crate::route::DistributionEdit::default();
    if let Some(previous) = &record.assigned {
        counts.release(previous);
    }
    record
        .speed
        .first_rep_action
        .get_or_insert_with(|| now.to_string());
    leads::save(&act.store, &record, Some(&counts))?;
    let summary = match &opportunity {
        Some(o) => {
            leads::save_opportunity(&act.store, o)?;
            format!(
                "opportunity closed as {}: {} {}",
                outcome.as_str(),
                o.revenue.minor_units as f64 / 100.0,
                o.revenue.currency
            )
        }
        None => format!("closed as {}", outcome.as_str()),
    };
    act.event(&record, "closed", &now.to_string(), summary, "closed")?;
    act.store.flush_sync()?;
    Ok((record, opportunity))
}

/// A rep takes a lead from the console: the same rule as a claim by email
/// reply (the first claim wins; claiming one's own lead again is harmless),
/// the same bookkeeping (open-lead counts, SLA clock, nurture stops, an
/// event on the contact's timeline).
pub fn claim(act: &Act, id: &str, rep: &str) -> anyhow::Result<LeadRecord> {
    let _writing = leads::write_lock();
    let mut record = load(act, id)?;
    if !record.is_open() {
        bail!(
            "lead {id} cannot be claimed: {}",
            crate::qualify::conversion::LeadError::NotOpen(record.lead.status)
        );
    }
    let rep = rep_named(act, rep)?.clone();
    let now = Timestamp::now();
    let ownership = match crate::route::claim(&record.lead.ownership, &rep.name, now) {
        crate::route::ClaimOutcome::Claimed(ownership) => ownership,
        crate::route::ClaimOutcome::AlreadyClaimedBy { owner, since } => {
            bail!("lead {id} was already claimed by {owner} at {since}")
        }
    };
    if record.lead.ownership.owner() == Some(rep.name.as_str()) {
        return Ok(record);
    }
    record.lead.ownership = ownership;
    let mut counts = crate::route::DistributionEdit::default();
    if record.assigned.as_deref() != Some(rep.name.as_str()) {
        if let Some(previous) = &record.assigned {
            counts.release(previous);
        }
        counts.assign(&rep.name);
    }
    record.assigned = Some(rep.name.clone());
    record
        .speed
        .first_rep_action
        .get_or_insert_with(|| now.to_string());
    leads::save(&act.store, &record, Some(&counts))?;
    act.event(
        &record,
        "claimed",
        &now.to_string(),
        format!("claimed by {} in the console", rep.name),
        "claim.console",
    )?;
    if let Some(email) = &record.lead.contact.email {
        nurture::stop_for_contact(&act.store, email, StopReason::Claimed)?;
    }
    act.store.flush_sync()?;
    Ok(record)
}

/// Corrections of misread lead fields: key `<lead id>\0<time>`, value a
/// [`Correction`]. The lead itself carries the corrected value; this tree
/// keeps what was read before and who fixed it.
pub const CORRECTIONS: &str = "lead_corrections";

/// Lead fields a person may correct.
pub const CORRECTABLE: &[&str] = &["name", "email", "phone", "company", "interest", "timeline"];

/// One field fixed by a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Correction {
    pub lead: String,
    pub field: String,
    pub before: Option<String>,
    pub after: String,
    pub by: String,
    pub at: String,
}

/// Fixes a misread field of a lead and keeps the correction. `timeline`
/// takes the DESIGN.md words (`within_3_months`, ...).
pub fn correct(
    act: &Act,
    id: &str,
    field: &str,
    value: &str,
    by: &str,
) -> anyhow::Result<(LeadRecord, Correction)> {
    let _writing = leads::write_lock();
    let mut record = load(act, id)?;
    let value = value.trim();
    if value.is_empty() {
        bail!("{field}: the corrected value is empty");
    }
    let contact = &mut record.lead.contact;
    let slot = match field {
        "name" => &mut contact.name,
        "email" => &mut contact.email,
        "phone" => &mut contact.phone,
        "company" => &mut contact.company,
        "interest" => {
            let before = Some(std::mem::replace(
                &mut record.lead.interest,
                value.to_string(),
            ));
            return finish_correction(act, record, field, before, value, by);
        }
        "timeline" => {
            let timeline: crate::understand::Timeline =
                serde_json::from_value(serde_json::json!(value)).with_context(|| {
                    format!("timeline {value:?}: expected immediate, within_3_months, 3_to_6_months, 6_to_12_months, over_12_months or researching")
                })?;
            let before = record.lead.timeline.replace(timeline).map(|t| {
                serde_json::json!(t)
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            });
            return finish_correction(act, record, field, before, value, by);
        }
        other => bail!(
            "{other:?} cannot be corrected (one of: {})",
            CORRECTABLE.join(", ")
        ),
    };
    let value = if field == "email" {
        crate::understand::normalize_email(value)
    } else {
        value.to_string()
    };
    let before = slot.replace(value.clone());
    finish_correction(act, record, field, before, &value, by)
}

fn finish_correction(
    act: &Act,
    record: LeadRecord,
    field: &str,
    before: Option<String>,
    after: &str,
    by: &str,
) -> anyhow::Result<(LeadRecord, Correction)> {
    let now = Timestamp::now();
    let correction = Correction {
        lead: record.id.clone(),
        field: field.to_string(),
        before,
        after: after.to_string(),
        by: by.to_string(),
        at: now.to_string(),
    };
    leads::save(&act.store, &record, None)?;
    let key = format!("{}\0{}", record.id, correction.at);
    act.store
        .tree(CORRECTIONS)?
        .insert(key.as_bytes(), crate::store::encode(&correction))?;
    act.event(
        &record,
        "corrected",
        &correction.at,
        format!(
            "{field} corrected by {by}: {:?} → {after:?}",
            correction.before.as_deref().unwrap_or("")
        ),
        &format!("correct.{}", correction.at),
    )?;
    act.store.flush_sync()?;
    Ok((record, correction))
}

/// The corrections of one lead, oldest first.
pub fn corrections(
    store: &crate::store::Store,
    id: &str,
) -> Result<Vec<Correction>, crate::store::StoreError> {
    let mut prefix = id.as_bytes().to_vec();
    prefix.push(0);
    store
        .tree(CORRECTIONS)?
        .scan_prefix(prefix)
        .values()
        .map(|v| crate::store::decode(CORRECTIONS, &v?))
        .collect()
}

/// Fills `notification_accepted` from the outbox (the sender records when
/// SMTP accepted the first notification). For display; not saved.
pub fn with_delivery(store: &crate::store::Store, mut record: LeadRecord) -> LeadRecord {
    if record.speed.notification_accepted.is_none()
        && let Some(first) = record.notices.first()
        && let Ok(tree) = store.tree(crate::outbox::TREE)
        && let Ok(Some(value)) = tree.get(first.message_id.as_bytes())
        && let Ok(outbound) =
            crate::store::decode::<crate::outbox::OutboundRecord>("outbox", &value)
        && let crate::outbox::Delivery::Sent { at, .. } = outbound.delivery
    {
        record.speed.notification_accepted = Some(at);
    }
    record
}

/// `--revenue 12500` or `12500.50` → minor units (cents).
pub fn parse_money(
    text: &str,
    currency: &str,
) -> anyhow::Result<crate::qualify::conversion::Money> {
    let text = text.trim().replace(['_', ','], "");
    let (whole, cents) = match text.split_once('.') {
        Some((w, c)) if c.len() <= 2 && c.chars().all(|ch| ch.is_ascii_digit()) => {
            (w.to_string(), format!("{c:0<2}"))
        }
        Some(_) => bail!("revenue {text:?}: at most two decimals"),
        None => (text.clone(), "00".to_string()),
    };
    let whole: u64 = whole
        .parse()
        .with_context(|| format!("revenue {text:?} is not an amount"))?;
    let cents: u64 = cents.parse().unwrap_or(0);
    let minor_units = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .context("revenue too large")?;
    Ok(crate::qualify::conversion::Money {
        minor_units,
        currency: currency.trim().to_uppercase(),
    })
}

/// The CLI's lead verbs that write, run by the CLI on the store it opened
/// or by the daemon on the CLI's behalf (serde: sent over its socket).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Convert {
        id: String,
        revenue: String,
        currency: String,
        stage: Option<String>,
        close: String,
        rep: Option<String>,
    },
    Reassign {
        id: String,
        rep: String,
    },
    Close {
        id: String,
        outcome: Outcome,
        /// The final amount of a converted lead's opportunity.
        #[serde(default)]
        revenue: Option<String>,
    },
    /// A rep takes an unclaimed lead (the console's "Claim").
    Claim {
        id: String,
        rep: String,
    },
    /// A misread field fixed by a person (the console's "Fix").
    Correct {
        id: String,
        field: String,
        value: String,
        by: String,
    },
}

/// Runs a change with the act stage given (the CLI's own, or the daemon's)
/// and returns the JSON to print.
pub fn apply(act: &Act, change: Change) -> anyhow::Result<serde_json::Value> {
    Ok(match change {
        Change::Convert {
            id,
            revenue,
            currency,
            stage,
            close,
            rep,
        } => {
            let draft = OpportunityDraft {
                revenue: parse_money(&revenue, &currency)?,
                expected_close: close
                    .trim()
                    .parse()
                    .with_context(|| format!("--close {close:?}: expected YYYY-MM-DD"))?,
                stage,
            };
            let (lead, opportunity) = convert(act, &id, rep.as_deref(), draft)?;
            serde_json::json!({"lead": lead.to_json(), "opportunity": opportunity})
        }
        Change::Reassign { id, rep } => reassign(act, &id, &rep)?.to_json(),
        Change::Close {
            id,
            outcome,
            revenue,
        } => {
            let (lead, opportunity) = close(act, &id, outcome, revenue.as_deref())?;
            let mut v = lead.to_json();
            if let (Some(map), Some(o)) = (v.as_object_mut(), opportunity) {
                map.insert("opportunity".into(), serde_json::json!(o));
            }
            v
        }
        Change::Claim { id, rep } => claim(act, &id, &rep)?.to_json(),
        Change::Correct {
            id,
            field,
            value,
            by,
        } => {
            let (lead, correction) = correct(act, &id, &field, &value, &by)?;
            let mut v = lead.to_json();
            if let Some(map) = v.as_object_mut() {
                map.insert("correction".into(), serde_json::json!(correction));
            }
            v
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revenue_is_read_in_minor_units() {
        assert_eq!(parse_money("12500", "usd").unwrap().minor_units, 1_250_000);
        assert_eq!(
            parse_money("12,500.5", "EUR").unwrap().minor_units,
            1_250_050
        );
        assert!(parse_money("12.345", "EUR").is_err());
        assert!(parse_money("abc", "EUR").is_err());
    }
}
