//! The nurture scheduler: due steps live in the `schedule` tree keyed by
//! due time (milliseconds, big-endian) + enrollment key, so "what is due"
//! is one ordered range scan and survives restarts. Each pass takes the due
//! entries in order, checks the stop conditions against the store (reply,
//! unsubscribe, hard bounce, out-of-office), waits for the send window,
//! renders the step and enqueues it in the outbox under a deterministic
//! Message-ID, then schedules the next step.
//!
//! Crash safety: the email is enqueued (idempotent by Message-ID) in the
//! same transaction that advances the enrollment, so a crash leaves both or
//! neither. Entries whose enrollment moved on are stale and dropped.
//! Catch-up: steps are paced by `max_per_minute` (a token bucket), so a
//! long downtime never turns into a burst.
//!
//! Several instances (a shared store): every instance works the due steps
//! of its slot (a hash of the enrollment key, mod the live instances). A
//! step is sent in ONE transaction that claims the enrollment row (`FOR
//! UPDATE SKIP LOCKED`), checks it is still the bytes the step was decided
//! from, takes one step from the shared per-minute budget row ([`BUDGET`],
//! refused when `max_per_minute` are spent), enqueues the email and
//! advances the enrollment. Only the unsubscribe mailbox stays with the
//! holder of the `@nurture` lease ([`Scope`]).

use std::sync::Arc;
use std::time::Duration;

use jiff::{Timestamp, tz::TimeZone};

use super::NurtureSettings;
use super::sequence::{CatchUp, SequenceConfig, parse_delay, time_zone};
use super::templates::Templates;
use super::{ENROLLMENTS, Enrollment, EnrollmentState, StopReason};
use crate::outbox::{OutboundEmail, Purpose};
use crate::store::{Store, StoreError, decode, encode};

/// Due steps: `due_ms (u64 BE) ++ enrollment key` → empty.
pub const SCHEDULE: &str = "schedule";
/// The steps sent in each minute, over all instances: minute since the
/// epoch (u64 BE) → count (u64 BE). What `max_per_minute` is checked
/// against in each step's commit.
pub const BUDGET: &str = "nurture_budget";
/// The stage's name in `carousel_claims_total` and the `claims` tree; the
/// per-item task's name in the daemon.
pub const NURTURE_STAGE: &str = "nurture";

/// What a scheduler works on: all of it (one instance), or, on a shared
/// store, the due steps (every instance, claimed per enrollment) or the
/// unsubscribe mailbox (the holder of the `@nurture` lease: a mailbox is
/// read by one instance, not split by item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Steps,
    Mailbox,
}

/// How one due entry went.
enum Handled {
    /// Done with (sent, stopped, stale…): the entry can go.
    Done,
    /// Out of pace or budget: the rest waits for the next pass.
    OutOfPace,
    /// Another instance is committing this enrollment: keep the entry.
    Busy,
}

/// What the step's commit found.
enum Commit {
    Sent,
    /// The enrollment is locked by another instance's commit.
    Busy,
    /// The enrollment changed since it was read (stale entry).
    Changed,
    OverBudget,
}

fn budget_key(now: Timestamp) -> [u8; 8] {
    (u64::try_from(now.as_millisecond()).unwrap_or(0) / 60_000).to_be_bytes()
}

fn count_of(value: Option<&[u8]>) -> u64 {
    value
        .and_then(|v| <[u8; 8]>::try_from(v).ok())
        .map_or(0, u64::from_be_bytes)
}

fn due_of(state: &EnrollmentState) -> Option<&str> {
    match state {
        EnrollmentState::Active { due, .. } => Some(due),
        EnrollmentState::Paused { until, .. } => Some(until),
        EnrollmentState::Stopped { .. } => None,
    }
}

fn millis(rfc3339: &str) -> Option<u64> {
    let t: Timestamp = rfc3339.parse().ok()?;
    u64::try_from(t.as_millisecond()).ok()
}

fn schedule_key(due_ms: u64, enrollment_key: &[u8]) -> Vec<u8> {
    let mut k = due_ms.to_be_bytes().to_vec();
    k.extend_from_slice(enrollment_key);
    k
}

/// Adds the schedule entry for an enrollment's state (none when stopped).
/// Idempotent; an older entry for the same enrollment becomes stale.
pub fn schedule(
    store: &Store,
    enrollment_key: &[u8],
    state: &EnrollmentState,
) -> Result<(), StoreError> {
    if let Some(ms) = due_of(state).and_then(millis) {
        store
            .tree(SCHEDULE)?
            .insert(schedule_key(ms, enrollment_key), &[])?;
    }
    Ok(())
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    pub queued: usize,
    pub stopped: usize,
    pub paused: usize,
    pub deferred: usize,
    pub skipped: usize,
    pub errors: usize,
    pub unsubscribed: usize,
}

/// A token bucket: `rate` per second, at most `capacity` at once.
struct Pace {
    tokens: f64,
    rate: f64,
    capacity: f64,
    last: std::time::Instant,
}

impl Pace {
    fn new(per_minute: u32) -> Pace {
        let rate = f64::from(per_minute.max(1)) / 60.0;
        // A few seconds' worth at most: smooth, never a burst.
        let capacity = (rate * 5.0).max(1.0);
        Pace {
            tokens: capacity,
            rate,
            capacity,
            last: std::time::Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = std::time::Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate)
            .min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The scheduler, holding compiled templates and the unsubscribe secret.
pub struct Scheduler {
    store: Store,
    config: Arc<NurtureSettings>,
    templates: Templates,
    secret: Vec<u8>,
    tz: TimeZone,
    pace: Pace,
    /// What this scheduler's passes do (see [`Scope`]).
    pub scope: Scope,
}

enum Decision {
    Stop(StopReason),
    Pause {
        until: Timestamp,
        auto_reply_at: Option<String>,
    },
    Defer(Timestamp),
    Skip,
    Send,
}

impl Scheduler {
    /// Loads templates and the secret; re-creates schedule entries for every
    /// live enrollment (cheap insurance against a lost index entry).
    pub fn new(config: Arc<NurtureSettings>, store: Store) -> anyhow::Result<Scheduler> {
        let nurture = &config.nurture;
        let (templates, problems) = Templates::load(&config.templates_dir, nurture.template_fuel);
        for p in problems {
            tracing::error!("template: {p}");
        }
        let secret = super::unsubscribe::secret(nurture, &store)?;
        for item in store.tree(ENROLLMENTS)?.iter() {
            let (key, value) = item?;
            let e: Enrollment = decode("enrollments", &value)?;
            schedule(&store, &key, &e.state)?;
        }
        Ok(Scheduler {
            tz: time_zone(&nurture.time_zone),
            pace: Pace::new(nurture.max_per_minute),
            store,
            templates,
            secret,
            config,
            scope: Scope::Everything,
        })
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// Handles everything due at `now` (within the pace). Synchronous: sled is.
    pub fn pass(&mut self, now: Timestamp) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        self.templates.refresh();
        if let Some(mailbox) = &self.config.nurture.unsubscribe_mailbox
            && self.scope != Scope::Steps
        {
            report.unsubscribed =
                super::unsubscribe::process_mailbox(&self.store, mailbox, &self.secret)?;
        }
        if self.scope == Scope::Mailbox {
            return Ok(report);
        }
        // Split by slot only where every instance works the steps.
        let slot = (self.scope == Scope::Steps).then(|| self.store.slot());
        let tree = self.store.tree(SCHEDULE)?;
        let now_ms = u64::try_from(now.as_millisecond()).unwrap_or(0);
        let end = (now_ms + 1).to_be_bytes();
        let due: Vec<crate::store::kv::Bytes> = tree
            .range(..&end[..])
            .keys()
            .take(10_000)
            .collect::<Result<_, _>>()?;
        for key in due {
            if key.len() < 8 {
                tree.remove(&key)?;
                continue;
            }
            let due_ms = u64::from_be_bytes(key[..8].try_into().unwrap_or_default());
            let enrollment_key = &key[8..];
            if slot.is_some_and(|s| !s.takes(crate::store::leases::item_number(enrollment_key))) {
                continue; // another live instance's
            }
            match self.step(enrollment_key, due_ms, now, &mut report) {
                Ok(Handled::Done) => {
                    tree.remove(&key)?;
                }
                Ok(Handled::OutOfPace) => break,
                Ok(Handled::Busy) => {}
                // Another instance holds the stage now: the rest is its.
                Err(e) if crate::store::lease_lost(&e) => return Err(e),
                Err(e) => {
                    // Kept due: a store error is retried next pass, never
                    // read as "nothing to send" and never dropped.
                    report.errors += 1;
                    tracing::error!("nurture step, retried next pass: {e:#}");
                }
            }
        }
        self.store.count_claims(NURTURE_STAGE, report.queued)?;
        Ok(report)
    }

    /// Handles one due entry.
    fn step(
        &mut self,
        key: &[u8],
        due_ms: u64,
        now: Timestamp,
        report: &mut PassReport,
    ) -> anyhow::Result<Handled> {
        let enrollments = self.store.tree(ENROLLMENTS)?;
        let Some(value) = enrollments.get(key)? else {
            return Ok(Handled::Done);
        };
        let mut e: Enrollment = decode("enrollments", &value)?;
        if due_of(&e.state).and_then(millis) != Some(due_ms) {
            return Ok(Handled::Done); // stale: the enrollment moved on
        }
        let next_step = match e.state {
            EnrollmentState::Active { next_step, .. }
            | EnrollmentState::Paused { next_step, .. } => next_step,
            EnrollmentState::Stopped { .. } => return Ok(Handled::Done),
        };
        let Some(sequence) = self.sequence(&e.sequence).cloned() else {
            e.last_error = Some(format!("sequence {:?} is not configured", e.sequence));
            if !self.set_state(&e, key, &value, self.stopped(StopReason::Manual))? {
                return Ok(Handled::Busy);
            }
            report.errors += 1;
            return Ok(Handled::Done);
        };
        let Some(step) = sequence.step.get(next_step as usize).cloned() else {
            if !self.set_state(&e, key, &value, self.stopped(StopReason::Completed))? {
                return Ok(Handled::Busy);
            }
            return Ok(Handled::Done);
        };
        let due: Timestamp = Timestamp::from_millisecond(due_ms as i64).unwrap_or(now);
        match self.decide(&e, &sequence, due, now)? {
            Decision::Stop(reason) => {
                super::stop_for_contact(&self.store, &e.contact, reason)?;
                report.stopped += 1;
            }
            Decision::Pause {
                until,
                auto_reply_at,
            } => {
                if auto_reply_at.is_some() {
                    e.handled_auto_reply = auto_reply_at;
                }
                let state = EnrollmentState::Paused {
                    next_step,
                    until: until.to_string(),
                };
                if !self.set_state(&e, key, &value, state)? {
                    return Ok(Handled::Busy);
                }
                report.paused += 1;
            }
            Decision::Defer(at) => {
                let state = EnrollmentState::Active {
                    next_step,
                    due: at.to_string(),
                };
                if !self.set_state(&e, key, &value, state)? {
                    return Ok(Handled::Busy);
                }
                report.deferred += 1;
            }
            Decision::Skip => {
                let state = self.after(&sequence, next_step, now);
                if !self.set_state(&e, key, &value, state)? {
                    return Ok(Handled::Busy);
                }
                report.skipped += 1;
            }
            Decision::Send => {
                // One process alone smooths its pace; several share the
                // per-minute budget checked in the commit.
                if self.store.instance_id().is_none() && !self.pace.take() {
                    return Ok(Handled::OutOfPace);
                }
                let ctx = self.context(&e.contact, &e.sequence, next_step, e.lead.as_deref())?;
                let email = match self.compose(&e, &sequence, next_step, &step.template, &ctx) {
                    Ok(email) => email,
                    Err(problem) => {
                        // A broken template for this contact: retry in an hour.
                        e.last_error = Some(problem.clone());
                        tracing::error!(contact = %e.contact, "nurture step not rendered: {problem}");
                        let state = EnrollmentState::Active {
                            next_step,
                            due: (now + Duration::from_secs(3600)).to_string(),
                        };
                        if !self.set_state(&e, key, &value, state)? {
                            return Ok(Handled::Busy);
                        }
                        report.errors += 1;
                        return Ok(Handled::Done);
                    }
                };
                e.last_sent_at = Some(now.to_string());
                e.last_error = None;
                let state = self.after(&sequence, next_step, now);
                match self.commit_step(key, &value, &e, state, Some(email), now)? {
                    Commit::Sent => report.queued += 1,
                    Commit::Busy => return Ok(Handled::Busy),
                    Commit::Changed => return Ok(Handled::Done),
                    Commit::OverBudget => return Ok(Handled::OutOfPace),
                }
            }
        }
        Ok(Handled::Done)
    }

    fn stopped(&self, reason: StopReason) -> EnrollmentState {
        EnrollmentState::Stopped {
            reason,
            at: crate::store::now_rfc3339(),
        }
    }

    /// The state after `step` went out (or was skipped) at `now`.
    fn after(&self, sequence: &SequenceConfig, step: u32, now: Timestamp) -> EnrollmentState {
        match sequence.step.get(step as usize + 1) {
            Some(next) => {
                let delay = parse_delay(&next.delay).unwrap_or(0);
                EnrollmentState::Active {
                    next_step: step + 1,
                    due: (now + Duration::from_secs(delay)).to_string(),
                }
            }
            None => self.stopped(StopReason::Completed),
        }
    }

    /// A step's send (or, without `email`, just its new state), as one
    /// transaction: claims the enrollment row
    /// (skipped while another instance commits it), checks it is still
    /// `read` (else the entry is stale), takes one step from this minute's
    /// shared budget (refused past `max_per_minute`), enqueues `email`
    /// (deterministic Message-ID: a no-op if already there) and writes the
    /// enrollment's next state with its schedule entry. Committed only while
    /// this instance is live.
    fn commit_step(
        &self,
        key: &[u8],
        read: &[u8],
        e: &Enrollment,
        state: EnrollmentState,
        email: Option<OutboundEmail>,
        now: Timestamp,
    ) -> Result<Commit, StoreError> {
        let mut e = e.clone();
        e.state = state;
        let value = encode(&e);
        let entry = due_of(&e.state)
            .and_then(millis)
            .map(|ms| schedule_key(ms, key));
        let queued = email.map(crate::outbox::Queued::of);
        let window = budget_key(now);
        let limit = u64::from(self.config.nurture.max_per_minute.max(1));
        let trees = [
            &self.store.tree(ENROLLMENTS)?,
            &self.store.tree(SCHEDULE)?,
            &self.store.tree(BUDGET)?,
            &self.store.tree(crate::outbox::TREE)?,
            &self.store.tree(crate::outbox::PENDING)?,
        ];
        let work = |t: &[crate::store::kv::TransactionalTree]| {
            let claimed = t[0].claim(&[key.to_vec()])?;
            let Some((_, current)) = claimed.first() else {
                // Gone, or locked: tell them apart outside the lock.
                return Ok(if t[0].get(key)?.is_some() {
                    Commit::Busy
                } else {
                    Commit::Changed
                });
            };
            if current.as_ref() != read {
                return Ok(Commit::Changed);
            }
            if let Some(queued) = &queued {
                let spent = count_of(t[2].get(window)?.as_deref());
                if spent >= limit {
                    return Ok(Commit::OverBudget);
                }
                t[2].insert(&window[..], &(spent + 1).to_be_bytes()[..])?;
                queued.enqueue_in(&t[3], &t[4])?;
            }
            t[0].insert(key, value.as_slice())?;
            if let Some(entry) = &entry {
                t[1].insert(entry.as_slice(), &[])?;
            }
            Ok(Commit::Sent)
        };
        if self.scope == Scope::Steps {
            self.store.live_transaction(NURTURE_STAGE, &trees, work)
        } else {
            // The whole stage under the `@nurture` lease: fenced by it.
            self.store
                .stage_transaction(crate::store::leases::NURTURE, &trees, work)
        }
    }

    /// Writes the enrollment's next state without a send (stop, pause,
    /// defer, skip), claimed and checked like a send ([`Self::commit_step`]).
    /// `false`: not written (another instance holds or changed it); the
    /// entry is kept and looked at again next pass.
    fn set_state(
        &self,
        e: &Enrollment,
        key: &[u8],
        read: &[u8],
        state: EnrollmentState,
    ) -> Result<bool, StoreError> {
        let commit = self.commit_step(key, read, e, state, None, Timestamp::now())?;
        Ok(matches!(commit, Commit::Sent))
    }

    fn sequence(&self, name: &str) -> Option<&SequenceConfig> {
        let wanted = if name == "default" {
            self.config.nurture.default_sequence.as_deref().or(self
                .config
                .sequences
                .first()
                .map(|s| s.name.as_str()))?
        } else {
            name
        };
        self.config.sequences.iter().find(|s| s.name == wanted)
    }

    /// Stop conditions, out-of-office, catch-up and the send window, in that order.
    fn decide(
        &self,
        e: &Enrollment,
        sequence: &SequenceConfig,
        due: Timestamp,
        now: Timestamp,
    ) -> anyhow::Result<Decision> {
        let stops = |r: StopReason| sequence.stop_on.contains(&r);
        if super::is_suppressed(&self.store, &e.contact)? {
            let hard = self
                .store
                .contact(&e.contact)?
                .is_some_and(|c| c.hard_bounced);
            return Ok(Decision::Stop(if hard {
                StopReason::HardBounce
            } else {
                StopReason::Unsubscribe
            }));
        }
        let enrolled: Timestamp = e.enrolled_at.parse().unwrap_or(now);
        let mut newest_auto_reply: Option<(Timestamp, String)> = None;
        for i in self.store.interactions(&e.contact)? {
            if i.direction != crate::store::model::Direction::Inbound {
                continue;
            }
            let Ok(at) = i.at.parse::<Timestamp>() else {
                continue;
            };
            if at <= enrolled {
                continue;
            }
            match i.kind.as_str() {
                "reply" => {
                    let intent = i
                        .message
                        .as_ref()
                        .map(|k| self.store.message(k))
                        .transpose()?
                        .flatten()
                        .and_then(|m| m.understanding.reply.and_then(|r| r.intent));
                    if intent == Some(crate::understand::Intent::Unsubscribe) {
                        super::suppress(&self.store, &e.contact, StopReason::Unsubscribe)?;
                        return Ok(Decision::Stop(StopReason::Unsubscribe));
                    }
                    if stops(StopReason::Reply) {
                        return Ok(Decision::Stop(StopReason::Reply));
                    }
                }
                "auto_reply" if newest_auto_reply.as_ref().is_none_or(|(t, _)| at > *t) => {
                    newest_auto_reply = Some((at, i.at.clone()));
                }
                _ => {}
            }
        }
        if sequence.pause_on_out_of_office {
            let handled: Option<Timestamp> =
                e.handled_auto_reply.as_deref().and_then(|a| a.parse().ok());
            if let Some((at, raw)) = newest_auto_reply
                && handled.is_none_or(|h| at > h)
            {
                let back = self
                    .store
                    .contact(&e.contact)?
                    .and_then(|c| c.away_until)
                    .and_then(|d| d.get(..10)?.parse::<jiff::civil::Date>().ok())
                    .and_then(|d| d.to_zoned(self.tz.clone()).ok())
                    .map(|z| z.timestamp());
                let until = match back {
                    Some(b) if b > now => b,
                    _ => {
                        let pause =
                            parse_delay(&self.config.nurture.out_of_office_pause).unwrap_or(0);
                        now + Duration::from_secs(pause)
                    }
                };
                return Ok(Decision::Pause {
                    until,
                    auto_reply_at: Some(raw),
                });
            }
        }
        if self.config.nurture.catch_up == CatchUp::SkipStale {
            let stale = parse_delay(&self.config.nurture.stale_after).unwrap_or(u64::MAX / 2);
            if now.duration_since(due).as_secs() > stale as i64 {
                return Ok(Decision::Skip);
            }
        }
        let step_window = &sequence.step[match e.state {
            EnrollmentState::Active { next_step, .. }
            | EnrollmentState::Paused { next_step, .. } => next_step as usize,
            EnrollmentState::Stopped { .. } => 0,
        }]
        .window;
        // The contact's own zone when their country has one, else the company's.
        let tz = self
            .store
            .contact(&e.contact)?
            .and_then(|c| c.contact.country)
            .and_then(|country| super::sequence::country_time_zone(&country))
            .unwrap_or_else(|| self.tz.clone());
        let open = step_window.next_open(now, &tz);
        if open.duration_since(now).as_secs() >= 1 {
            return Ok(Decision::Defer(open));
        }
        Ok(Decision::Send)
    }

    /// The template context for one contact.
    pub fn context(
        &self,
        contact: &str,
        sequence: &str,
        step: u32,
        lead: Option<&str>,
    ) -> Result<serde_json::Value, StoreError> {
        let record = self.store.contact(contact)?;
        let c = record.map(|r| r.contact).unwrap_or_default();
        let name = c.name.clone().unwrap_or_default();
        let first_name = name.split_whitespace().next().unwrap_or("").to_string();
        let lead_value = match lead {
            Some(l) => match self.store.tree("leads")?.get(l.as_bytes())? {
                Some(v) => decode::<serde_json::Value>("leads", &v)?,
                None => serde_json::Value::Null,
            },
            None => serde_json::Value::Null,
        };
        let rep = self
            .config
            .first_rep
            .as_ref()
            .map(|r| serde_json::json!({"name": r.name, "email": r.email}));
        let from = self.from();
        let company_name = from
            .split('<')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .to_string();
        let campaign = self.sequence(sequence).and_then(|s| s.campaign.clone());
        Ok(serde_json::json!({
            "contact": {
                "email": contact,
                "name": c.name,
                "first_name": if first_name.is_empty() { None } else { Some(first_name) },
                "company": c.company,
                "phone": c.phone,
                "country": c.country,
            },
            "lead": lead_value,
            "rep": rep,
            "campaign": campaign,
            "company": {"name": company_name, "time_zone": self.config.nurture.time_zone},
            "sequence": sequence,
            "step": step + 1,
            "unsubscribe_url": super::unsubscribe::url(&self.config.nurture, &self.secret, contact),
            "unsubscribe_mailto": self.config.nurture.unsubscribe_mailto,
        }))
    }

    fn from(&self) -> String {
        self.config
            .nurture
            .from
            .clone()
            .or_else(|| self.config.outbox_from.clone())
            .unwrap_or_else(|| "carousel <carousel@localhost>".into())
    }

    /// Renders one step into an outbox email.
    fn compose(
        &self,
        e: &Enrollment,
        sequence: &SequenceConfig,
        step: u32,
        template: &str,
        ctx: &serde_json::Value,
    ) -> Result<OutboundEmail, String> {
        let rendered = self.templates.render(template, ctx)?;
        let domain = self
            .config
            .message_id_domain
            .clone()
            .unwrap_or_else(|| "carousel.local".into());
        let enrolled_digits: String = e.enrolled_at.chars().filter(char::is_ascii_digit).collect();
        let step_no = (step + 1).to_string();
        Ok(OutboundEmail {
            message_id: crate::outbox::message_id(
                &domain,
                // `s.`: a sequence step; `n.` is a sales notification (act::claim).
                &["s", &e.id, &enrolled_digits, &step_no],
            ),
            to: vec![e.contact.clone()],
            from: Some(self.from()),
            reply_to: None,
            subject: rendered.subject,
            text: rendered.text,
            html: Some(rendered.html),
            headers: super::unsubscribe::headers(&self.config.nurture, &self.secret, &e.contact),
            in_reply_to: None,
            purpose: Purpose::Nurture {
                enrollment: e.id.clone(),
                step: step + 1,
                campaign: sequence.campaign.clone(),
            },
        })
    }

    /// Runs passes until shutdown. Wakes the outbox after queueing.
    pub async fn run(
        mut self,
        wake: Arc<crate::wake::Wakeups>,
        mut shutdown: crate::shutdown::Shutdown,
    ) -> anyhow::Result<()> {
        let tick = Duration::from_millis(self.config.nurture.tick_ms.max(50));
        loop {
            let store = self.store.clone();
            let (back, result) = tokio::task::spawn_blocking(move || {
                let r = self.pass(Timestamp::now());
                (self, r)
            })
            .await?;
            self = back;
            match result {
                Ok(r) if r.queued > 0 => {
                    store.flush().await?;
                    wake.outbox.notify_one();
                }
                Ok(_) => {}
                Err(e) if crate::store::lease_lost(&e) => {
                    tracing::info!("nurture pass stopped: {e:#}")
                }
                Err(e) => tracing::error!("nurture pass: {e:#}"),
            }
            if shutdown.sleep(tick).await {
                return Ok(());
            }
        }
    }
}

/// Enrollments per sequence, step and state, for `carousel sequences status`.
pub fn status(store: &Store) -> Result<Vec<(String, String, usize)>, StoreError> {
    let mut counts = std::collections::BTreeMap::<(String, String), usize>::new();
    for v in store.tree(ENROLLMENTS)?.iter().values() {
        let e: Enrollment = decode("enrollments", &v?)?;
        let state = match &e.state {
            EnrollmentState::Active { next_step, .. } => {
                format!("active, next step {}", next_step + 1)
            }
            EnrollmentState::Paused { next_step, .. } => {
                format!("paused, next step {}", next_step + 1)
            }
            EnrollmentState::Stopped { reason, .. } => {
                format!(
                    "stopped ({})",
                    serde_json::to_value(reason)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                )
            }
        };
        *counts.entry((e.sequence, state)).or_default() += 1;
    }
    Ok(counts.into_iter().map(|((s, st), n)| (s, st, n)).collect())
}

/// `run --once`: one scheduler pass over everything due now.
pub async fn once(config: Arc<NurtureSettings>, store: Store) -> anyhow::Result<PassReport> {
    let mut scheduler = Scheduler::new(config, store.clone())?;
    let report = tokio::task::spawn_blocking(move || scheduler.pass(Timestamp::now())).await??;
    store.flush().await?;
    Ok(report)
}

/// The daemon task: passes over `scope` every `tick_ms` until shutdown.
pub async fn task(
    config: Arc<NurtureSettings>,
    store: Store,
    scope: Scope,
    wake: Arc<crate::wake::Wakeups>,
    shutdown: crate::shutdown::Shutdown,
) -> anyhow::Result<()> {
    let mut scheduler = Scheduler::new(config, store)?;
    scheduler.scope = scope;
    scheduler.run(wake, shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A contact record the store cannot read (a bad disk block, say) is an
    /// error: the step stays due and is retried, never sent as "Hello ,".
    #[test]
    fn an_unreadable_contact_keeps_the_step_due_instead_of_mailing_without_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let templates = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let config = Arc::new(super::super::NurtureSettings {
            nurture: toml::from_str(&format!(
                "templates = \"{templates}\"\ntime_zone = \"UTC\"\nmax_per_minute = 1000\n"
            ))
            .unwrap(),
            sequences: vec![
                toml::from_str("name = \"fast\"\n[[step]]\ntemplate = \"solar-1-welcome\"\n")
                    .unwrap(),
            ],
            templates_dir: templates.into(),
            outbox_from: Some("Acme <hello@acme.example>".into()),
            message_id_domain: Some("carousel.acme.example".into()),
            first_rep: None,
        });
        let store = Store::open(&dir.path().join("store"), 8).unwrap();
        let who = "pat@example.test";
        super::super::enroll(
            &store,
            &super::super::EnrollRequest {
                contact: who.into(),
                sequence: Some("fast".into()),
                lead: None,
                start_at: None,
            },
        )
        .unwrap();
        store
            .tree("contacts")
            .unwrap()
            .insert(who, &[0xEE, 1, 2][..])
            .unwrap();
        let mut scheduler = Scheduler::new(config, store.clone()).unwrap();
        let report = scheduler.pass(Timestamp::now()).unwrap();
        assert_eq!((report.queued, report.errors), (0, 1));
        assert_eq!(
            store.tree(crate::outbox::TREE).unwrap().len(),
            0,
            "nothing queued"
        );
        // The store reads again: the same step goes out on the next pass.
        store.tree("contacts").unwrap().remove(who).unwrap();
        let report = scheduler.pass(Timestamp::now()).unwrap();
        assert_eq!(report.queued, 1, "{report:?}");
    }
}
