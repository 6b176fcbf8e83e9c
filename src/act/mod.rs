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
pub mod destination;
pub mod digest;
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

use crate::config::Config;
use crate::daemon::StageContext;
use crate::ingest::Wakeups;
use crate::nurture::{self, EnrollRequest, StopReason};
use crate::qualify::conversion::has_text;
use crate::qualify::conversion::{Lead, Response, ResponseId};
use crate::qualify::{Rank, Reason, ScoringConfig};
use crate::route::{self, Assignee, LeadFacts};
use crate::shutdown::Shutdown;
use crate::store::model::{Direction, Interaction, MessageRecord, ResponseRecord};
use crate::store::{Store, now_rfc3339};
use crate::understand::{Intent, Kind};
use destination::{Destination, Situation};
use leads::{Action, LeadRecord, Notice, SpeedToLead, lead_id};
use notify::{Mailer, Original, safe_address};

/// The `[act]` settings. Every key is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActConfig {
    /// Push notifications carry `Reply-To` = the prospect, so the rep
    /// answers in one click (default true).
    pub reply_to_prospect: bool,
    /// carousel's own watched address (one of the `[[mailbox]]`es): the
    /// Reply-To of pull notifications and team notes, so reps' replies —
    /// claims — come back to carousel.
    pub claim_address: Option<String>,
    /// Mailbox of the call-center queue (high_potential, need_information).
    pub call_center: Option<String>,
    /// CSV file the call-center queue is appended to (one row per lead).
    pub call_center_csv: Option<PathBuf>,
    /// Provider (case-insensitive) → partner address for partner leads.
    pub partners: BTreeMap<String, String>,
    /// Partner address when the provider has none in `partners`.
    pub partner_default: Option<String>,
    /// Subject template (minijinja) of the self-service reply.
    pub self_service_subject: String,
    /// Text template of the self-service reply; `name`, `interest` and
    /// `lead` are available.
    pub self_service_text: String,
    /// Nurture sequence for need_nurturing leads; the default sequence when unset.
    pub nurture_sequence: Option<String>,
    /// How often the stage looks for work besides being woken (default 1000 ms).
    pub tick_ms: u64,
}

impl Default for ActConfig {
    fn default() -> Self {
        ActConfig {
            reply_to_prospect: true,
            claim_address: None,
            call_center: None,
            call_center_csv: None,
            partners: BTreeMap::new(),
            partner_default: None,
            self_service_subject: "Your enquiry: {{ interest }}".into(),
            self_service_text:
                "Hello {{ name }},\n\nthank you for your interest in {{ interest }}.\n\
Prices, guides and answers to common questions are on our website.\n\
Reply to this email whenever you would like a person to contact you.\n"
                    .into(),
            nurture_sequence: None,
            tick_ms: 1000,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub responses: usize,
    pub escalations: usize,
}

/// The stage with what it needs; cheap to build.
pub struct Act {
    pub config: Arc<Config>,
    pub store: Store,
    pub mailer: Mailer,
    scoring: ScoringConfig,
    wake: Arc<Wakeups>,
}

/// `run --once`: act on everything pending, escalate what is due.
pub async fn once(stage: &StageContext) -> anyhow::Result<PassReport> {
    Act::new(stage).pass().await
}

/// The stage task: a pass on start, when woken, and every `tick_ms`.
pub async fn run(stage: StageContext, mut shutdown: Shutdown) -> anyhow::Result<()> {
    let act = Act::new(&stage);
    let tick = Duration::from_millis(act.config.act.tick_ms.clamp(50, 60_000));
    loop {
        if let Err(e) = act.pass().await {
            tracing::error!("act stage: {e:#}");
        }
        tokio::select! {
            _ = stage.intake.wake.responses.notified() => {}
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
    pub fn new(stage: &StageContext) -> Act {
        Act::with(
            stage.config.clone(),
            stage.intake.store.clone(),
            stage.intake.wake.clone(),
        )
    }

    pub fn with(config: Arc<Config>, store: Store, wake: Arc<Wakeups>) -> Act {
        let domain = config.outbox.as_ref().map_or_else(
            || "carousel.local".to_string(),
            |o| o.message_id_domain.clone(),
        );
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
            let done = crate::blocking::off_reactor(|| {
                let mut done = Vec::with_capacity(batch.len());
                for &id in batch {
                    match self.act_on(id) {
                        Ok(()) => done.push(id),
                        // Left pending: the next pass retries it.
                        Err(e) => tracing::error!(response = id, "act: {e:#}"),
                    }
                }
                done
            });
            self.store.flush().await?;
            crate::fault::point("act-after-enqueue");
            for id in &done {
                self.store.clear_pending(*id)?;
            }
            self.wake.outbox.notify_one();
            report.responses += done.len();
        }
        // After the batches: every response of an import done before the
        // pass started has been acted on, so its digest is complete.
        if crate::blocking::off_reactor(|| digest::send_due(self, started, Timestamp::now()))? > 0 {
            self.store.flush().await?;
            self.wake.outbox.notify_one();
        }
        report.escalations =
            crate::blocking::off_reactor(|| claim::escalate_due(self, Timestamp::now()))?;
        if report.escalations > 0 {
            self.store.flush().await?;
            self.wake.outbox.notify_one();
        }
        Ok(report)
    }

    /// Acts on one response. Idempotent: safe to repeat after a crash.
    pub fn act_on(&self, id: u64) -> anyhow::Result<()> {
        let _writing = leads::write_lock();
        // None: moved aside as internal (a rep's claim) by an earlier attempt.
        let Some(response) = self.store.response(id)? else {
            return Ok(());
        };
        let message = self
            .store
            .message(&response.message)?
            .with_context(|| format!("message {} of response {id} is missing", response.message))?;
        match response.kind {
            Kind::Lead => {
                let index = message.responses.iter().position(|r| *r == id);
                self.on_lead(&response, &message, Some(index.unwrap_or(0)), false)
            }
            Kind::Reply => self.on_reply(&response, &message),
            _ => Ok(()),
        }
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
            None => match self.decide(response, message, index, force_hot)? {
                Some(record) => record,
                None => return Ok(()),
            },
        };
        self.effects(record, message)
    }

    /// Scores and qualifies a response, opens the lead, picks the action
    /// (and the rep) and saves it with the distribution state. A lead that
    /// does not qualify (no reachable contact, no interest) or that carousel
    /// read without confidence is still stored as a lead and sent to a
    /// person ([`destination`]); only responses that need nobody (a declining
    /// reply) return `None`.
    fn decide(
        &self,
        response: &ResponseRecord,
        message: &MessageRecord,
        index: Option<usize>,
        force_hot: bool,
    ) -> anyhow::Result<Option<LeadRecord>> {
        let u = &message.understanding;
        let id = lead_id(response.id);
        let index = if response.kind == Kind::Lead {
            index
        } else {
            None
        };
        let score = crate::qualify::score_with(u, index, &self.scoring);
        let received = leads::timestamp(&message.stored_at);
        let captured = Response::capture(ResponseId(id.clone()), received, u, index);
        let (mut rank, points, mut reasons) = score
            .map(|s| (Some(s.rank), s.points, s.reasons))
            .unwrap_or((None, 0, Vec::new()));
        if force_hot {
            reasons.push(Reason {
                points: 0,
                why: "reply from a prospect nobody owns: routed as hot".into(),
            });
            rank = Some(Rank::Hot);
        }
        let extracted = (response.kind == Kind::Lead)
            .then(|| crate::qualify::conversion::lead_at(u, index))
            .flatten();
        let review = extracted
            .map(|l| l.review_reasons.clone())
            .unwrap_or_default();
        let (lead, unqualified) = match Lead::open(&captured, rank, points) {
            Ok(lead) => (lead, None),
            Err(why) => {
                // A lead carousel found is never dropped; a reply only when
                // it needs a person (scored as needing information).
                let needs_person = response.kind == Kind::Lead
                    || matches!(rank, Some(Rank::NeedInformation | Rank::HighPotential))
                        && captured.contact.is_reachable();
                if !needs_person {
                    tracing::info!(response = response.id, "not a lead: {why}");
                    return Ok(None);
                }
                let rank = rank.unwrap_or(Rank::NeedInformation);
                let lead = Lead {
                    response: captured.id.clone(),
                    contact: captured.contact.clone(),
                    interest: captured.interest.clone().unwrap_or_default(),
                    timeline: captured.timeline,
                    rank: Some(rank),
                    points,
                    ownership: crate::qualify::conversion::Ownership::Unclaimed {
                        since: captured.received,
                    },
                    status: crate::qualify::conversion::LeadStatus::Open,
                };
                let why = match why {
                    crate::qualify::conversion::LeadError::Unqualified(w) => w,
                    other => other.to_string(),
                };
                (lead, Some(why))
            }
        };
        let rank = lead.rank.unwrap_or(Rank::NeedInformation);
        let act = &self.config.act;
        let situation = Situation {
            review,
            unqualified: unqualified.clone(),
            has_email: has_text(&lead.contact.email),
            has_phone: has_text(&lead.contact.phone),
            call_center: act.call_center.as_deref().and_then(safe_address).is_some()
                || act.call_center_csv.is_some(),
            partner: (rank == Rank::Partner)
                .then(|| self.partner_for(u.provider.as_deref()))
                .flatten(),
        };
        let destination = destination::decide(rank, &situation);
        if let Some(why) = &unqualified {
            tracing::info!(
                response = response.id,
                "lead kept though it does not qualify: {why}"
            );
        }
        let now = Timestamp::now();
        let raw = self.store.raw(&message.key)?.unwrap_or_default();
        let mut record = LeadRecord {
            id: id.clone(),
            response: response.id,
            message: message.key.clone(),
            lead,
            reasons,
            action: Action::Unassigned,
            assigned: None,
            routing: Vec::new(),
            notices: Vec::new(),
            speed: SpeedToLead {
                received_by_server: leads::received_by_server(&raw),
                ingested: Some(message.stored_at.clone()),
                routed: Some(now.to_string()),
                ..Default::default()
            },
            // Imported leads are announced in a digest, not chased by escalations.
            sla_stopped: crate::ingest::import::is_imported(message),
            created_at: now.to_string(),
        };
        let mut state = None;
        record.action = match destination {
            Destination::Sales { fallback } => {
                let why = match &fallback {
                    Some(f) => {
                        record.reasons.push(Reason {
                            points: 0,
                            why: f.detail.clone(),
                        });
                        f.label.clone()
                    }
                    None => "routed".to_string(),
                };
                let (action, dist) = self.to_sales(&mut record, &why, now)?;
                state = Some(dist);
                action
            }
            Destination::CallCenter => Action::CallCenter,
            Destination::SelfService => Action::SelfService,
            Destination::Partner { to } => Action::Partner { to },
            Destination::Nurture => Action::Nurture,
        };
        leads::save(&self.store, &record, state.as_ref())?;
        Ok(Some(record))
    }

    /// Picks who in sales gets the lead and adds the notice; `why` is
    /// "routed" for a hot lead, else the fallback's label. A hot lead goes
    /// to a rep (push) or the team inbox (pull, or no reps); a fallback goes
    /// to the team inbox whenever one is configured, else to the next rep.
    fn to_sales(
        &self,
        record: &mut LeadRecord,
        why: &str,
        now: Timestamp,
    ) -> anyhow::Result<(Action, crate::route::DistributionState)> {
        let mut dist = leads::distribution(&self.store)?;
        let team_inbox = self
            .config
            .team
            .team_inbox
            .as_deref()
            .and_then(safe_address)
            .filter(|_| why != "routed");
        let pick = match team_inbox {
            Some(inbox) => route::Pick {
                reasons: vec![format!(
                    "{why}: to team inbox {inbox}; the first rep to reply claims it"
                )],
                assignee: Assignee::TeamInbox(inbox),
            },
            None => route::pick_rep(
                &self.config.rep,
                &dist,
                &LeadFacts::of(&record.lead.contact),
                now,
                &self.config.team,
            ),
        };
        record.routing = pick.reasons.clone();
        let message_id = self.mailer.id(&["n", &record.id]);
        let action = match &pick.assignee {
            Assignee::Rep(i) => {
                let rep = &self.config.rep[*i];
                dist.record(&self.config.rep, &pick);
                record.assigned = Some(rep.name.clone());
                record.notices.push(Notice {
                    message_id,
                    to: rep.email.clone(),
                    rep: Some(rep.name.clone()),
                    at: now.to_string(),
                    why: why.to_string(),
                    enqueued: false,
                });
                Action::SalesRep {
                    rep: rep.name.clone(),
                }
            }
            Assignee::TeamInbox(inbox) => {
                record.notices.push(Notice {
                    message_id,
                    to: inbox.clone(),
                    rep: None,
                    at: now.to_string(),
                    why: why.to_string(),
                    enqueued: false,
                });
                Action::TeamInbox {
                    inbox: inbox.clone(),
                }
            }
            Assignee::Unassigned => {
                tracing::error!(lead = %record.id, "lead for sales ({why}) but no [[rep]] and no team_inbox configured: nobody was notified");
                Action::Unassigned
            }
        };
        Ok((action, dist))
    }

    fn partner_for(&self, provider: Option<&str>) -> Option<String> {
        let by_provider = provider.and_then(|p| {
            self.config
                .act
                .partners
                .iter()
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(p.trim()))
                .map(|(_, v)| v.clone())
        });
        by_provider
            .or_else(|| self.config.act.partner_default.clone())
            .as_deref()
            .and_then(safe_address)
    }

    /// Carries out a lead's decided action. Every step is idempotent.
    fn effects(&self, mut record: LeadRecord, message: &MessageRecord) -> anyhow::Result<()> {
        let raw = self.store.raw(&message.key)?.unwrap_or_default();
        let original = Original::of(&raw);
        let contact = record.lead.contact.email.clone();
        let imported = crate::ingest::import::is_imported(message);
        let summary = match &record.action.clone() {
            Action::SalesRep { rep } => {
                self.deliver(&mut record, &original, true)?;
                format!("routed to {rep}{}", fallback_note(&record))
            }
            Action::TeamInbox { inbox } => {
                self.deliver(&mut record, &original, true)?;
                format!("sent to team inbox {inbox}{}", fallback_note(&record))
            }
            Action::Unassigned => format!(
                "nobody to notify (no [[rep]] and no team_inbox configured){}",
                fallback_note(&record)
            ),
            Action::CallCenter => {
                let why = record
                    .reasons
                    .iter()
                    .rev()
                    .find(|r| r.points == 0)
                    .map_or_else(
                        || format!("score {}", record.lead.points),
                        |r| r.why.clone(),
                    );
                self.call_center(
                    &record.id,
                    &notify::facts(&record),
                    &why,
                    &record,
                    &original,
                )?;
                "queued for the call center".into()
            }
            Action::SelfService if imported => {
                "self-service reply skipped: imported, they did not write to us".into()
            }
            Action::SelfService => match self.self_service_target(&record, message)? {
                Some(to) => {
                    let (subject, text) = self.render_self_service(&record);
                    crate::outbox::enqueue(
                        &self.store,
                        self.mailer.self_service(&record, &to, subject, text),
                    )?;
                    "self-service reply sent".into()
                }
                None => {
                    "self-service reply skipped (no address, suppressed or automatic sender)".into()
                }
            },
            Action::Partner { to } => {
                crate::outbox::enqueue(
                    &self.store,
                    self.mailer.partner_forward(&record, to, &original),
                )?;
                format!("forwarded to partner {to}")
            }
            Action::Nurture if imported => {
                "not enrolled in nurture: imported, they did not write to us".into()
            }
            Action::Nurture => match &contact {
                Some(email) => {
                    let sequence = self.sequence_for(&record, message);
                    nurture::enroll(
                        &self.store,
                        &EnrollRequest {
                            contact: email.clone(),
                            sequence: sequence.clone(),
                            lead: Some(record.id.clone()),
                            start_at: None,
                        },
                    )?;
                    format!(
                        "enrolled in nurture sequence {}",
                        sequence.as_deref().unwrap_or("default")
                    )
                }
                None => "nurture skipped: no email address".into(),
            },
            Action::OwnerNotified { rep } => format!("owner {rep} told"),
        };
        let rank = record.lead.rank.map_or("unranked", |r| r.as_str());
        self.event(
            &record,
            "lead_routed",
            record.speed.routed.as_deref().unwrap_or(&record.created_at),
            format!("{rank} ({} points): {summary}", record.lead.points),
            "routed",
        )?;
        Ok(())
    }

    /// Enqueues every notice of a lead (idempotent by Message-ID), marks
    /// them enqueued and saves the lead when that changed anything.
    pub(crate) fn deliver(
        &self,
        record: &mut LeadRecord,
        original: &Original,
        all: bool,
    ) -> anyhow::Result<()> {
        let mut changed = false;
        let import = self.import_source(record)?;
        let cap = self.config.limits.max_rep_notifications_per_hour;
        for i in 0..record.notices.len() {
            if record.notices[i].enqueued && !all {
                continue;
            }
            let notice = record.notices[i].clone();
            if digest::is_held(&self.store, &notice.message_id)? {
                continue;
            }
            if !notice.enqueued {
                // Imported leads wait for their import's digest; live ones
                // go one by one while the recipient is under the hourly cap.
                let held = match &import {
                    Some(source) => Some(source.as_str()),
                    None if !digest::take_hourly(
                        &self.store,
                        &notice.to,
                        Timestamp::now(),
                        cap,
                    )? =>
                    {
                        Some(digest::OVER_CAP)
                    }
                    None => None,
                };
                if let Some(source) = held {
                    digest::hold(&self.store, source, &notice, record)?;
                    self.event(
                        record,
                        "notification",
                        &notice.at,
                        format!("held for a digest to {} ({source})", notice.to),
                        &notice.message_id,
                    )?;
                    continue;
                }
            }
            let email = self.mailer.sales_notification(record, &notice, original);
            crate::outbox::enqueue(&self.store, email)?;
            if !record.notices[i].enqueued {
                record.notices[i].enqueued = true;
                changed = true;
            }
            self.event(
                record,
                "notification",
                &notice.at,
                format!("notified {} ({})", notice.to, notice.why),
                &notice.message_id,
            )?;
        }
        if changed {
            record
                .speed
                .notification_enqueued
                .get_or_insert_with(now_rfc3339);
            leads::save(&self.store, record, None)?;
        }
        Ok(())
    }

    /// The nurture sequence a lead enters, by the `[[sequence]] enroll_when` rules.
    fn sequence_for(&self, record: &LeadRecord, message: &MessageRecord) -> Option<String> {
        let u = &message.understanding;
        // The campaign of the nurture email this message answers, if any.
        let campaign = u
            .campaign_link
            .as_ref()
            .and_then(|l| l.message_id.as_deref())
            .and_then(|id| {
                let tree = self.store.tree(crate::outbox::TREE).ok()?;
                let v = tree.get(id.trim_matches(['<', '>']).as_bytes()).ok()??;
                crate::store::decode::<crate::outbox::OutboundRecord>("outbox", &v).ok()
            })
            .and_then(|o| match o.email.purpose {
                crate::outbox::Purpose::Nurture { campaign, .. } => campaign,
                _ => None,
            });
        let traits = crate::nurture::sequence::LeadTraits {
            rank: record.lead.rank.map(|r| r.as_str().to_string()),
            interest: Some(record.lead.interest.clone()),
            provider: u.provider.clone(),
            campaign,
        };
        crate::nurture::sequence::choose_sequence(
            &self.config.nurture,
            &self.config.sequence,
            self.config.act.nurture_sequence.as_deref(),
            &traits,
        )
    }

    /// The import (provider) a lead came from, when it was imported.
    fn import_source(&self, record: &LeadRecord) -> anyhow::Result<Option<String>> {
        Ok(self
            .store
            .message(&record.message)?
            .filter(crate::ingest::import::is_imported)
            .map(|m| {
                m.understanding
                    .provider
                    .unwrap_or_else(|| crate::ingest::import::IMPORT_MAILBOX.into())
            }))
    }

    /// An event on the prospect's timeline (when they have an email).
    pub(crate) fn event(
        &self,
        record: &LeadRecord,
        kind: &str,
        at: &str,
        summary: String,
        tag: &str,
    ) -> anyhow::Result<()> {
        let Some(email) = &record.lead.contact.email else {
            return Ok(());
        };
        let interaction = Interaction {
            at: at.to_string(),
            contact: email.clone(),
            direction: Direction::Event,
            kind: kind.to_string(),
            message: Some(record.message.clone()),
            subject: None,
            summary: Some(summary),
        };
        self.store
            .record_interaction(&interaction, &format!("{}.{tag}", record.id))?;
        Ok(())
    }

    /// The call-center queue: a mail to the configured mailbox and/or a row
    /// in the CSV export. Without either, only logged.
    fn call_center(
        &self,
        lead_id: &str,
        facts: &str,
        why: &str,
        record: &LeadRecord,
        original: &Original,
    ) -> anyhow::Result<()> {
        let act = &self.config.act;
        if let Some(to) = act.call_center.as_deref().and_then(safe_address) {
            crate::outbox::enqueue(
                &self.store,
                self.mailer.call_center(lead_id, &to, facts, why, original),
            )?;
        }
        if let Some(path) = &act.call_center_csv {
            append_csv(&self.config.resolve(path), lead_id, record, why)?;
        }
        if act.call_center.is_none() && act.call_center_csv.is_none() {
            // Once per process: the setting is missing, not each lead.
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                tracing::warn!(
                    lead = lead_id,
                    "call-center leads are not queued: set [act] call_center or call_center_csv"
                )
            });
        }
        Ok(())
    }

    /// Where the self-service reply may go: the prospect, unless the address
    /// is unsafe, a robot, suppressed, or the prospect's own message was automatic.
    fn self_service_target(
        &self,
        record: &LeadRecord,
        message: &MessageRecord,
    ) -> anyhow::Result<Option<String>> {
        let Some(to) = record.lead.contact.email.as_deref().and_then(safe_address) else {
            return Ok(None);
        };
        if crate::abuse::is_robot_address(&to) || nurture::is_suppressed(&self.store, &to)? {
            return Ok(None);
        }
        let u = &message.understanding;
        let sender_is_prospect = u
            .envelope
            .from_email
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case(&to));
        if sender_is_prospect && !crate::abuse::may_auto_answer(u) {
            return Ok(None);
        }
        Ok(Some(to))
    }

    fn render_self_service(&self, record: &LeadRecord) -> (String, String) {
        let act = &self.config.act;
        let defaults = ActConfig::default();
        let mut env = minijinja::Environment::new();
        env.set_fuel(Some(50_000));
        let ctx = minijinja::context! {
            name => record.lead.contact.name.clone().unwrap_or_else(|| "there".into()),
            interest => record.lead.interest.clone(),
            lead => record.id.clone(),
        };
        let render = |template: &str, fallback: &str| {
            env.render_str(template, &ctx)
                .or_else(|e| {
                    tracing::warn!("[act] self-service template: {e}");
                    env.render_str(fallback, &ctx)
                })
                .unwrap_or_default()
        };
        (
            render(&act.self_service_subject, &defaults.self_service_subject),
            render(&act.self_service_text, &defaults.self_service_text),
        )
    }

    /// A prospect's reply (or a rep's answer to a notification).
    fn on_reply(&self, response: &ResponseRecord, message: &MessageRecord) -> anyhow::Result<()> {
        if claim::is_internal(self, response, message)? {
            return claim::on_internal_reply(self, response, message);
        }
        let u = &message.understanding;
        let email = response.contact.email.clone();
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
pub fn routing_warnings(config: &Config) -> Vec<String> {
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

/// ": why" when a lead went to sales for another reason than being hot
/// ("no call center configured …", "needs review: …" with the review
/// reasons), for the contact's interaction line. [`Act::decide`] adds that
/// reason last.
fn fallback_note(record: &LeadRecord) -> String {
    let fell_back = match record.notices.first() {
        Some(n) => n.why != "routed",
        None => record.lead.rank != Some(Rank::Hot),
    };
    match record.reasons.last().filter(|r| r.points == 0) {
        Some(r) if fell_back => format!(": {}", notify::one_line(&r.why, 300)),
        _ => String::new(),
    }
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

/// Appends one row to the call-center CSV unless the lead is already in it.
fn append_csv(
    path: &std::path::Path,
    lead_id: &str,
    record: &LeadRecord,
    why: &str,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let prefix = format!("{lead_id},");
    if existing.lines().any(|l| l.starts_with(&prefix)) {
        return Ok(());
    }
    // A leading =, +, - or @ would be a formula in a spreadsheet.
    let cell = |s: &str| {
        let s = notify::one_line(s, 500);
        if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s
        }
    };
    let c = &record.lead.contact;
    let row = [
        lead_id.to_string(),
        now_rfc3339(),
        record.lead.rank.map_or("", |r| r.as_str()).to_string(),
        record.lead.points.to_string(),
        cell(c.name.as_deref().unwrap_or("")),
        cell(c.email.as_deref().unwrap_or("")),
        cell(c.phone.as_deref().unwrap_or("")),
        cell(c.company.as_deref().unwrap_or("")),
        cell(&record.lead.interest),
        record
            .lead
            .timeline
            .map_or("", crate::qualify::timeline_name)
            .to_string(),
        cell(why),
    ];
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    if existing.is_empty() {
        writer.write_record([
            "lead",
            "queued_at",
            "rank",
            "points",
            "name",
            "email",
            "phone",
            "company",
            "interest",
            "timeline",
            "why",
        ])?;
    }
    writer.write_record(&row)?;
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok();
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("call-center CSV {}", path.display()))?;
    file.write_all(&bytes)?;
    file.sync_data()?;
    Ok(())
}
