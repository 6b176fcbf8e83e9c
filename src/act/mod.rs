//! The act stage: every stored response is qualified, scored, converted
//! into a lead and acted on by rank — hot leads to a rep (push) or the team
//! inbox (pull), high potential / need information to the call center, low
//! potential to the web self-service reply, partner leads to the partner,
//! the rest into nurture — and prospects' replies stop, suppress, re-enroll
//! or re-notify. A destination that is not configured or cannot work, a
//! lead read without confidence (`needs_review`) and a lead with no
//! reachable contact go to sales instead ([`destination`]): no lead is
//! stored and then dropped.
//!
//! Exactly once across crashes, in this order per response: decide (the lead
//! record and the distribution state in one transaction, keyed by response
//! id, so a replay finds the decision instead of picking again) → effects
//! (enqueue with deterministic Message-IDs, enroll, events: all idempotent)
//! → flush → `clear_pending` → nudge the outbox.
//!
//! - [`config`]: `[act]` and [`ActSettings`], the stage's slice of the config.
//! - `decide` / `effects`: the two halves of acting on one lead.
//! - [`leads`]: the records (`leads`, `opportunities`, `reps_state`, `sla_watch`).
//! - [`notify`]: the emails.
//! - [`claim`]: reps' replies (pull claims, "claimed by …") and SLA escalation.
//! - [`manage`]: what reps do from the CLI (convert, reassign, close).
//! - [`reprocess`]: stored mail read again with the current rules.
//! - [`digest`]: imported leads and notices over the hourly cap, one email per rep.
//!
//! Imported leads (`carousel import`): their people never wrote to us, so
//! nothing is sent to them (no self-service reply, no nurture enrollment),
//! and reps hear of them in one digest per import, without SLA escalation.

pub mod claim;
pub mod config;
mod decide;
pub mod destination;
pub mod digest;
mod effects;
pub mod leads;
pub mod manage;
pub mod notify;
pub mod reprocess;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::nurture::{self, EnrollRequest, StopReason};
use crate::qualify::conversion::has_text;
use crate::qualify::conversion::{Lead, Response, ResponseId};
use crate::qualify::{Rank, Reason, ScoringConfig};
use crate::route::{self, Assignee, LeadFacts};
use crate::shutdown::Shutdown;
use crate::store::model::{Direction, Interaction, MessageRecord, ResponseRecord};
use crate::store::{Store, now_rfc3339};
use crate::understand::{Intent, Kind};
use crate::wake::Wakeups;
use destination::{Destination, Situation};
use leads::{Action, LeadRecord, Notice, SpeedToLead, lead_id};
use notify::{Mailer, Original, safe_address};

pub use config::{ActConfig, ActSettings};

/// The stage's name in `carousel_claims_total` and the `claims` tree.
pub const ACT_STAGE: &str = "@act";
/// The per-item ([`Scope::Leads`]) task's name on a shared store (not a
/// lease: every instance runs it).
pub const ACT_LEADS_TASK: &str = "@act/leads";

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub responses: usize,
    pub escalations: usize,
}

/// The stage with what it needs; cheap to build.
pub struct Act {
    pub config: Arc<ActSettings>,
    pub store: Store,
    pub mailer: Mailer,
    scoring: ScoringConfig,
    wake: Arc<Wakeups>,
    /// Which pending responses (and duties) this task takes.
    pub scope: Scope,
}

/// What an act task works on. One instance does everything; on a shared
/// store every instance runs a [`Scope::Leads`] task, and the holder of
/// `@act` also runs the [`Scope::Shared`] one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Everything,
    /// New leads and SLA escalations in this instance's
    /// [`Slot`](crate::store::leases::Slot), each claimed in its commit
    /// (a decision: its pending mark; an escalation: the lead's row). Each
    /// lead is independent (its record is keyed by its response, the lead
    /// and the distribution state are checked in that commit), so every
    /// instance decides and escalates leads at once.
    Leads,
    /// Replies and digests: they read and change records other responses
    /// share (the prospect's open lead, enrollments, a rep's claim), so one
    /// instance works them, under the `@act` lease, as on one machine.
    Shared,
}

/// `run --once`: act on everything pending, escalate what is due.
pub async fn once(
    config: Arc<ActSettings>,
    store: Store,
    wake: Arc<Wakeups>,
) -> anyhow::Result<PassReport> {
    Act::with(config, store, wake).pass().await
}

/// The stage task: a pass on start, when woken, and every `tick_ms`.
pub async fn run(
    config: Arc<ActSettings>,
    store: Store,
    wake: Arc<Wakeups>,
    scope: Scope,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    let mut act = Act::with(config, store, wake.clone());
    act.scope = scope;
    let tick = Duration::from_millis(act.config.act.tick_ms.clamp(50, 60_000));
    loop {
        match act.pass().await {
            Err(e) if crate::store::lease_lost(&e) => tracing::info!("act pass stopped: {e:#}"),
            Err(e) => tracing::error!("act stage: {e:#}"),
            Ok(_) => {}
        }
        tokio::select! {
            _ = wake.responses.notified() => {}
            _ = tokio::time::sleep(tick) => {}
            _ = shutdown.wait() => {}
        }
        if shutdown.is_set() {
            break;
        }
    }
    act.store.flush().await?;
    Ok(())
}

impl Act {
    pub fn with(config: Arc<ActSettings>, store: Store, wake: Arc<Wakeups>) -> Act {
        let domain = config
            .message_id_domain
            .clone()
            .unwrap_or_else(|| "carousel.local".to_string());
        let mailer = Mailer {
            domain,
            claim_address: config.act.claim_address.as_deref().and_then(safe_address),
            reply_to_prospect: config.act.reply_to_prospect,
        };
        Act {
            scoring: config.scoring(),
            config,
            store,
            mailer,
            wake,
            scope: Scope::Everything,
        }
    }

    /// Acts on every pending response, in batches: act on each (idempotent),
    /// flush once, then clear the batch's pending marks. One flush per batch
    /// keeps a burst of thousands of responses from costing thousands of
    /// fsyncs, and a single hot lead still goes out after one flush.
    /// Then escalates leads past their SLA.
    pub async fn pass(&self) -> anyhow::Result<PassReport> {
        const BATCH: usize = 256;
        let mut report = PassReport::default();
        let started = Timestamp::now();
        for batch in self.store.pending_responses()?.chunks(BATCH) {
            // sled work: off the reactor, so sources and IDLE keep running.
            let (done, lost) = crate::blocking::off_reactor(|| {
                let mut done = Vec::with_capacity(batch.len());
                for &id in batch {
                    match self.act_on(id) {
                        Ok(true) => done.push(id),
                        // Another task's (another slot, or replies).
                        Ok(false) => {}
                        // Another instance is committing it, or has: its mark.
                        Err(e) if e.is::<decide::NotClaimed>() => {}
                        // Another instance acts now: stop, leave the rest pending.
                        Err(e) if crate::store::lease_lost(&e) => return (done, Some(e)),
                        // Left pending: the next pass retries it.
                        Err(e) => tracing::error!(response = id, "act: {e:#}"),
                    }
                }
                (done, None)
            });
            self.store.flush().await?;
            if let Some(e) = lost {
                return Err(e);
            }
            crate::fault::point("act-after-enqueue");
            for id in &done {
                self.store.clear_pending(*id)?;
            }
            self.store.count_claims(ACT_STAGE, done.len())?;
            self.wake.outbox.notify_one();
            report.responses += done.len();
        }
        // After the batches: every response of an import done before the
        // pass started has been acted on, so its digest is complete.
        // Digests are the `Shared` task's.
        if self.scope != Scope::Leads
            && crate::blocking::off_reactor(|| digest::send_due(self, started, Timestamp::now()))?
                > 0
        {
            self.store.flush().await?;
            self.wake.outbox.notify_one();
        }
        if self.scope == Scope::Shared {
            // Escalations are the per-item `Leads` task's.
            return Ok(report);
        }
        report.escalations =
            crate::blocking::off_reactor(|| claim::escalate_due(self, Timestamp::now()))?;
        if report.escalations > 0 {
            self.store.flush().await?;
            self.wake.outbox.notify_one();
        }
        Ok(report)
    }

    /// Acts on one pending response if it is in this task's [`Scope`], and
    /// says whether it did. Idempotent: safe to repeat after a crash.
    pub fn act_on(&self, id: u64) -> anyhow::Result<bool> {
        let (lead_slot, holder) = match self.scope {
            Scope::Everything => (true, true),
            Scope::Leads => (self.store.slot().takes(id), false),
            Scope::Shared => (false, true),
        };
        if !lead_slot && !holder {
            return Ok(false);
        }
        let _writing = leads::write_lock();
        // None: moved aside as internal (a rep's claim) by an earlier attempt.
        let Some(response) = self.store.response(id)? else {
            return Ok(true);
        };
        let mine = if response.kind == Kind::Lead {
            lead_slot
        } else {
            holder
        };
        if !mine {
            return Ok(false);
        }
        let message = self
            .store
            .message(&response.message)?
            .with_context(|| format!("message {} of response {id} is missing", response.message))?;
        match response.kind {
            Kind::Lead => {
                let index = message.responses.iter().position(|r| *r == id);
                self.on_lead(&response, &message, Some(index.unwrap_or(0)), false)?
            }
            Kind::Reply => self.on_reply(&response, &message)?,
            _ => {}
        }
        Ok(true)
    }

    /// A lead (or an interested reply with `force_hot`): decide once, then
    /// (re)do the decision's effects.
    fn on_lead(
        &self,
        response: &ResponseRecord,
        message: &MessageRecord,
        index: Option<usize>,
        force_hot: bool,
    ) -> anyhow::Result<()> {
        let id = lead_id(response.id);
        let record = match leads::get(&self.store, &id)? {
            Some(record) => record,
            None => match self.decide_once(response, message, index, force_hot)? {
                Some(record) => record,
                None => return Ok(()),
            },
        };
        self.effects(record, message)
    }

    /// [`Act::decide`], again while another instance routed a lead between
    /// this one's read of the distribution state and its commit.
    fn decide_once(
        &self,
        response: &ResponseRecord,
        message: &MessageRecord,
        index: Option<usize>,
        force_hot: bool,
    ) -> anyhow::Result<Option<LeadRecord>> {
        const TRIES: usize = 50;
        for _ in 1..TRIES {
            match self.decide(response, message, index, force_hot) {
                Err(e) if e.is::<decide::StaleDistribution>() => continue,
                other => return other,
            }
        }
        self.decide(response, message, index, force_hot)
    }

    /// A prospect's reply (or a rep's answer to a notification).
    fn on_reply(&self, response: &ResponseRecord, message: &MessageRecord) -> anyhow::Result<()> {
        if claim::is_internal(self, response, message)? {
            return claim::on_internal_reply(self, response, message);
        }
        let u = &message.understanding;
        let email = response.contact.email.clone();
        // Replayed until the pass flushes and clears the response: staged
        // once (stable id), never lost.
        crate::store::events::queue::record(
            &self.store,
            &[crate::store::events::reply_received(response)],
        )?;
        if let Some(email) = &email {
            nurture::stop_for_contact(&self.store, email, StopReason::Reply)?;
        }
        let reading = u.reply.as_ref();
        match response.intent {
            Some(Intent::Unsubscribe) => {
                if let Some(email) = &email {
                    nurture::suppress(&self.store, email, StopReason::Unsubscribe)?;
                }
                Ok(())
            }
            Some(Intent::NotInterested) => Ok(()),
            Some(Intent::NotNow) => {
                if let Some(email) = &email {
                    let start_at = reading
                        .and_then(|r| r.revisit.as_deref())
                        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                        .map(|z| z.timestamp().to_string());
                    // The reply stopped the contact's sequences above; a
                    // stated revisit date starts the sequence again then.
                    let new = nurture::enroll_or_restart(
                        &self.store,
                        &EnrollRequest {
                            contact: email.clone(),
                            sequence: crate::nurture::sequence::choose_sequence(
                                &self.config.nurture,
                                &self.config.sequence,
                                self.config.act.nurture_sequence.as_deref(),
                                &crate::nurture::sequence::LeadTraits {
                                    provider: u.provider.clone(),
                                    ..Default::default()
                                },
                            ),
                            lead: None,
                            start_at: start_at.clone(),
                        },
                    )?;
                    if !new {
                        tracing::info!(
                            response = response.id,
                            "not-now reply: enrollment left as it is (active, or no revisit date, or unsubscribed)"
                        );
                    }
                }
                Ok(())
            }
            Some(Intent::Interested | Intent::Question) => {
                let owned = match &email {
                    Some(e) => leads::open_lead_of(&self.store, e)?
                        .filter(|l| l.lead.ownership.owner().is_some() || l.assigned.is_some()),
                    None => None,
                };
                match owned {
                    Some(lead) => claim::tell_owner(self, &lead, response, message),
                    None => self.on_lead(response, message, None, true),
                }
            }
            Some(Intent::Referral) | None => self.on_lead(response, message, None, false),
        }
    }
}

/// `carousel check`: the ranks without a configured destination and where
/// their leads go instead ([`destination::warnings`]).
pub fn routing_warnings(config: &ActSettings) -> Vec<String> {
    let act = &config.act;
    let scoring = config.scoring();
    destination::warnings(&destination::Setup {
        reps: config.rep.len(),
        team_inbox: config
            .team
            .team_inbox
            .as_deref()
            .and_then(safe_address)
            .is_some(),
        call_center: act.call_center.as_deref().and_then(safe_address).is_some()
            || act.call_center_csv.is_some(),
        partners: !act.partners.is_empty() || act.partner_default.is_some(),
        partner_sources: !scoring.partner_providers.is_empty(),
    })
}

/// `leads list --json`: one JSON line per lead, oldest first, with `owner`,
/// `rank` and the SMTP acceptance of the first notification filled in.
pub fn list_leads(store: &Store, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    for record in leads::all(store)? {
        serde_json::to_writer(&mut *out, &manage::with_delivery(store, record).to_json())?;
        writeln!(out)?;
    }
    Ok(())
}

/// `lead show ID`: the lead as JSON (pretty), with its opportunity if any.
pub fn show_lead(store: &Store, id: &str, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let record = leads::get(store, id)?.with_context(|| format!("no lead {id}"))?;
    let (record_key, response) = (record.message.clone(), record.response);
    let mut v = manage::with_delivery(store, record).to_json();
    let opportunity = leads::opportunities(store)?
        .into_iter()
        .find(|o| o.lead.0 == id);
    // What the prospect wrote, or an import's extra columns (`Notes`, ...).
    let notes = store.message(&record_key)?.and_then(|m| {
        let index = m.responses.iter().position(|r| *r == response).unwrap_or(0);
        m.understanding
            .leads
            .get(index)
            .and_then(|l| l.message.clone())
    });
    if let Some(map) = v.as_object_mut() {
        map.insert("opportunity".into(), serde_json::json!(opportunity));
        map.insert("notes".into(), serde_json::json!(notes));
    }
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)?;
    Ok(())
}
