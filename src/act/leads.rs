//! Lead and opportunity records as the act stage keeps them in sled:
//! `leads` (by lead id), `opportunities` (by lead id), `reps_state` (the
//! round-robin cursor and open-lead counts) and `sla_watch` (ids of leads
//! whose SLA clock runs). A lead id is `L-<response id>` (`L-1042`), so
//! acting on the same response twice finds the same record; stores written
//! before kept `r<response id>`, which [`get`] still finds.

use crate::store::kv::{ConflictableTransactionError, TransactionalTree};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::qualify::Reason;
use crate::qualify::conversion::{Lead, LeadStatus, Opportunity};
use crate::route::{DistributionEdit, DistributionState};
use crate::store::events::Event;
use crate::store::model::MessageKey;
use crate::store::{Store, StoreError, decode, encode, encode_packed};

pub const LEADS: &str = "leads";
pub const OPPORTUNITIES: &str = "opportunities";
pub const REPS_STATE: &str = "reps_state";
/// Lead ids (value empty) whose SLA clock runs: unclaimed and untouched.
pub const SLA_WATCH: &str = "sla_watch";
const STATE_KEY: &str = "distribution";

/// The lead id of a response.
pub fn lead_id(response: u64) -> String {
    format!("L-{response}")
}

/// The other spelling of a lead id (`L-42` ⇄ `r42`, the form older stores
/// kept), so ids typed either way and records of either age are found.
fn other_spelling(id: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(n) = id.strip_prefix("L-").filter(|n| digits(n)) {
        Some(format!("r{n}"))
    } else {
        id.strip_prefix('r')
            .filter(|n| digits(n))
            .map(|n| format!("L-{n}"))
    }
}

/// What the act stage did with a lead, by rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Hot, push mode: a rep was picked and notified.
    SalesRep { rep: String },
    /// Hot, pull mode: the team inbox was notified; the first rep to reply claims it.
    TeamInbox { inbox: String },
    /// Hot but no rep and no team inbox configured: kept, logged, not mailed.
    Unassigned,
    /// High potential / need information: queued for the call center.
    CallCenter,
    /// Low potential: the web self-service reply.
    SelfService,
    /// Forwarded to a partner.
    Partner { to: String },
    /// Enrolled in a nurture sequence.
    Nurture,
    /// A prospect's reply to a lead someone owns: the owner was told.
    OwnerNotified { rep: String },
}

/// One notification about a lead (initial, escalation, reassignment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub message_id: String,
    pub to: String,
    /// The rep told, when it is a rep (not the team inbox or an address).
    pub rep: Option<String>,
    pub at: String,
    /// "routed", "escalation 1", "reassigned", ...
    pub why: String,
    /// Set once the email is in the outbox (durably, with the next flush).
    #[serde(default)]
    pub enqueued: bool,
}

/// Speed-to-lead: when each step happened (RFC 3339). `None` = not yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeedToLead {
    /// Date of the topmost `Received:` header: the mail server took it.
    pub received_by_server: Option<String>,
    /// carousel stored the message.
    pub ingested: Option<String>,
    /// The act stage decided the action.
    pub routed: Option<String>,
    /// The first notification was put in the outbox.
    pub notification_enqueued: Option<String>,
    /// SMTP accepted the first notification (read back from the outbox record).
    pub notification_accepted: Option<String>,
    /// The first rep action: a claim reply, a conversion, a close, a reassignment.
    pub first_rep_action: Option<String>,
}

/// A lead as the act stage keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRecord {
    pub id: String,
    pub response: u64,
    pub message: MessageKey,
    pub lead: Lead,
    pub reasons: Vec<Reason>,
    pub action: Action,
    /// The rep currently responsible (push pick, escalation, claim).
    pub assigned: Option<String>,
    /// Why distribution chose as it did.
    pub routing: Vec<String>,
    pub notices: Vec<Notice>,
    pub speed: SpeedToLead,
    /// Escalation has run out of people (or never applies): the SLA clock is off.
    #[serde(default)]
    pub sla_stopped: bool,
    pub created_at: String,
}

impl LeadRecord {
    pub fn is_open(&self) -> bool {
        self.lead.status == LeadStatus::Open
    }

    /// The JSON `leads list` prints.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.insert(
                "owner".into(),
                serde_json::json!(self.lead.ownership.owner()),
            );
            map.insert("rank".into(), serde_json::json!(self.lead.rank));
        }
        v
    }
}

/// Serialises the read-modify-write of lead records and the distribution
/// state within one process. The act stage (acting, claiming, escalating)
/// and the CLI's write verbs, which the daemon runs on the CLI's behalf,
/// each read a record and the open-lead counts, then save both: without
/// this, one could overwrite what the other just saved. Not reentrant: take
/// it once, at the top of a change.
pub fn write_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // Poisoned only if a holder panicked; the store is still consistent
    // (each save is one transaction).
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// The lead with this id.
pub fn get(store: &Store, id: &str) -> Result<Option<LeadRecord>, StoreError> {
    let tree = store.tree(LEADS)?;
    let id = id.trim();
    let value = match tree.get(id.as_bytes())? {
        Some(v) => Some(v),
        None => match other_spelling(id) {
            Some(other) => tree.get(other.as_bytes())?,
            None => None,
        },
    };
    value.map(|v| decode("leads", &v)).transpose()
}

/// Every lead, in id order (by response id as text).
pub fn all(store: &Store) -> Result<Vec<LeadRecord>, StoreError> {
    let mut out: Vec<LeadRecord> = store
        .tree(LEADS)?
        .iter()
        .values()
        .map(|v| decode("leads", &v?))
        .collect::<Result<_, _>>()?;
    out.sort_by_key(|l| l.response);
    Ok(out)
}

/// The open lead of a contact, newest first.
pub fn open_lead_of(store: &Store, email: &str) -> Result<Option<LeadRecord>, StoreError> {
    let email = email.to_lowercase();
    Ok(all(store)?.into_iter().rev().find(|l| {
        l.is_open()
            && l.lead
                .contact
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&email))
    }))
}

/// The distribution state (round-robin cursor, open leads per rep).
pub fn distribution(store: &Store) -> Result<DistributionState, StoreError> {
    store
        .tree(REPS_STATE)?
        .get(STATE_KEY)?
        .map(|v| decode("reps_state", &v))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// The events a lead record's save commits: `old` is the stored record
/// (None for a new lead), `new` the one being written.
pub fn lead_changes(old: Option<&LeadRecord>, new: &LeadRecord) -> Vec<Event> {
    let data = || new.to_json();
    let mut out = Vec::new();
    if old.is_none() {
        out.push(Event::new("lead.created", &new.id, data()));
    }
    let old_owner = old.and_then(|o| o.lead.ownership.owner());
    if let Some(owner) = new.lead.ownership.owner()
        && old_owner != Some(owner)
    {
        out.push(Event::new(
            "lead.claimed",
            &format!("{}\0{owner}", new.id),
            data(),
        ));
    }
    let old_status = old.map(|o| &o.lead.status);
    if old_status != Some(&new.lead.status) {
        match new.lead.status {
            LeadStatus::Open => {}
            LeadStatus::Converted => out.push(Event::new("lead.converted", &new.id, data())),
            LeadStatus::Closed { .. } => out.push(Event::new("lead.closed", &new.id, data())),
        }
    }
    let known = old.map_or(0, |o| o.notices.len());
    for (i, notice) in new.notices.iter().enumerate().skip(known) {
        if notice.why.starts_with("escalation") {
            out.push(Event::new(
                "lead.escalated",
                &format!("{}\0{i}", new.id),
                data(),
            ));
        }
    }
    out
}

/// Writes a lead and, with `edit`, its change to the distribution state
/// (applied to the state as stored, inside the same transaction, so a
/// decision another instance committed meanwhile is kept), and starts or
/// stops its SLA clock. Not durable until the store is flushed.
pub fn save(
    store: &Store,
    lead: &LeadRecord,
    edit: Option<&DistributionEdit>,
) -> Result<(), StoreError> {
    let trees = LeadTrees::open(store)?;
    let events = store.handoff_wanted();
    let result = crate::store::kv::transaction_over(&trees.list(), |t| {
        let Some(edit) = edit else {
            return write_lead(t, lead, None, events);
        };
        let mut state: DistributionState = t[1]
            .get(STATE_KEY)?
            .map(|v| decode("reps_state", &v))
            .transpose()
            .map_err(ConflictableTransactionError::Abort)?
            .unwrap_or_default();
        edit.apply_to(&mut state);
        write_lead(t, lead, Some(&state), events)
    });
    Ok(result?)
}

/// How the commit of a new lead's decision went ([`save_decision`]).
#[derive(Debug)]
pub enum Decided {
    /// Written, with the distribution state.
    Saved,
    /// The response is no longer pending, or another instance holds it
    /// right now: nothing written, this instance leaves it alone.
    NotClaimed,
    /// Another instance decided this response first: its decision.
    Exists(Box<LeadRecord>),
    /// The distribution state changed since it was read (another instance
    /// routed a lead meanwhile): nothing written; decide again.
    StaleDistribution,
}

/// Commits the decision on a new lead (the act stage's per-item commit):
/// claims the response's `pending` mark
/// ([`TransactionalTree::claim`](crate::store::kv::TransactionalTree::claim)),
/// and writes the lead record and the distribution state only if the mark
/// is there and free, no decision exists yet, and the distribution state is
/// still `state.1` (its bytes when read, `None`: absent), all in one
/// transaction. So two instances acting at once never notify two reps for
/// one lead, and a round-robin turn is never given twice.
pub fn save_decision(
    store: &Store,
    response: u64,
    lead: &LeadRecord,
    state: Option<(&DistributionState, Option<&[u8]>)>,
) -> Result<Decided, StoreError> {
    let trees = LeadTrees::open(store)?;
    let events = store.handoff_wanted();
    let pending = store.pending_marks();
    let mut all = trees.list().to_vec();
    all.push(&pending);
    let mark = response.to_be_bytes().to_vec();
    let result = crate::store::kv::transaction_over(&all, |t| {
        if t[4].claim(std::slice::from_ref(&mark))?.is_empty() {
            return Ok(Decided::NotClaimed);
        }
        if let Some(v) = t[0].get(lead.id.as_bytes())? {
            let existing = decode("leads", &v).map_err(ConflictableTransactionError::Abort)?;
            return Ok(Decided::Exists(Box::new(existing)));
        }
        if let Some((_, before)) = state
            && t[1].get(STATE_KEY)?.as_deref() != before
        {
            return Ok(Decided::StaleDistribution);
        }
        write_lead(&t[..4], lead, state.map(|(s, _)| s), events)?;
        Ok(Decided::Saved)
    });
    Ok(result?)
}

/// How an escalation's commit went ([`save_escalation`]).
#[derive(Debug, PartialEq, Eq)]
pub enum Escalated {
    /// Written, with the distribution state.
    Saved,
    /// Another instance holds the lead right now, or the lead or the
    /// distribution state changed since they were read (escalated, claimed
    /// or routed meanwhile): nothing written; the next pass looks again.
    NotClaimed,
}

/// Commits an escalation (the SLA stage's per-item commit): claims the
/// lead's row ([`TransactionalTree::claim`](crate::store::kv::TransactionalTree::claim),
/// `FOR UPDATE SKIP LOCKED` on PostgreSQL) and writes the escalated lead
/// and the distribution state only if the row still holds `before` (the
/// bytes the escalation was computed from) and the distribution state is
/// still `state.1`, all in one transaction: so two instances never
/// escalate one lead twice, nor give the same turn twice.
pub fn save_escalation(
    store: &Store,
    before: &[u8],
    lead: &LeadRecord,
    state: (&DistributionState, Option<&[u8]>),
) -> Result<Escalated, StoreError> {
    let trees = LeadTrees::open(store)?;
    let events = store.handoff_wanted();
    let key = lead.id.as_bytes().to_vec();
    let result = crate::store::kv::transaction_over(&trees.list(), |t| {
        let claimed = t[0].claim(std::slice::from_ref(&key))?;
        if claimed.first().map(|(_, v)| v.as_ref()) != Some(before) {
            return Ok(Escalated::NotClaimed);
        }
        if t[1].get(STATE_KEY)?.as_deref() != state.1 {
            return Ok(Escalated::NotClaimed);
        }
        write_lead(t, lead, Some(state.0), events)?;
        Ok(Escalated::Saved)
    });
    Ok(result?)
}

/// The lead with this id and its stored bytes (for [`save_escalation`]'s
/// check that nobody changed it meanwhile).
pub fn get_as_read(store: &Store, id: &str) -> Result<Option<(LeadRecord, Vec<u8>)>, StoreError> {
    let Some(bytes) = store.tree(LEADS)?.get(id.as_bytes())? else {
        return Ok(None);
    };
    Ok(Some((decode("leads", &bytes)?, bytes.to_vec())))
}

/// The stored distribution state and its bytes as read (for
/// [`save_decision`]'s check that nobody changed it meanwhile).
pub fn distribution_as_read(
    store: &Store,
) -> Result<(DistributionState, Option<Vec<u8>>), StoreError> {
    let bytes = store.tree(REPS_STATE)?.get(STATE_KEY)?;
    let state = bytes
        .as_ref()
        .map(|v| decode("reps_state", v))
        .transpose()?
        .unwrap_or_default();
    Ok((state, bytes.map(|b| b.to_vec())))
}

/// The trees a lead's save writes, in the order [`write_lead`] reads them.
struct LeadTrees {
    leads: crate::store::kv::Tree,
    reps: crate::store::kv::Tree,
    watch: crate::store::kv::Tree,
    handoff: crate::store::kv::Tree,
}

impl LeadTrees {
    fn open(store: &Store) -> Result<LeadTrees, StoreError> {
        Ok(LeadTrees {
            leads: store.tree(LEADS)?,
            reps: store.tree(REPS_STATE)?,
            watch: store.tree(SLA_WATCH)?,
            handoff: store.tree(crate::store::events::queue::TREE)?,
        })
    }

    fn list(&self) -> [&crate::store::kv::Tree; 4] {
        [&self.leads, &self.reps, &self.watch, &self.handoff]
    }
}

/// Inside a transaction over [`LeadTrees`]: writes the lead, its hand-off
/// events (with `events`: some endpoint is configured), the distribution
/// state, and starts or stops its SLA clock.
fn write_lead(
    t: &[TransactionalTree],
    lead: &LeadRecord,
    state: Option<&DistributionState>,
    events: bool,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let (leads, reps, watch, handoff) = (&t[0], &t[1], &t[2], &t[3]);
    let watched = lead.is_open()
        && lead.lead.ownership.owner().is_none()
        && lead.speed.first_rep_action.is_none()
        && !lead.sla_stopped
        && !lead.notices.is_empty();
    let old: Option<LeadRecord> = leads
        .get(lead.id.as_bytes())?
        .and_then(|v| decode("leads", &v).ok());
    // Notices are only ever added: a copy with fewer than the stored one was
    // read before an escalation (by another instance) and would undo it.
    if old
        .as_ref()
        .is_some_and(|o| o.notices.len() > lead.notices.len())
    {
        return Err(ConflictableTransactionError::Abort(StoreError::Changed(
            format!("lead {}", lead.id),
        )));
    }
    leads.insert(lead.id.as_bytes(), encode_packed(lead))?;
    // Hand-off events (created, claimed, converted, closed, escalated)
    // commit with the change that causes them.
    if events {
        for event in lead_changes(old.as_ref(), lead) {
            crate::store::events::queue::stage(handoff, &event)?;
        }
    }
    if let Some(state) = state {
        reps.insert(STATE_KEY, encode(state))?;
    }
    if watched {
        watch.insert(lead.id.as_bytes(), &[])?;
    } else {
        watch.remove(lead.id.as_bytes())?;
    }
    Ok(())
}

/// Ids of leads whose SLA clock runs.
pub fn watched(store: &Store) -> Result<Vec<String>, StoreError> {
    store
        .tree(SLA_WATCH)?
        .iter()
        .keys()
        .map(|k| Ok(String::from_utf8_lossy(&k?).into_owned()))
        .collect()
}

pub fn save_opportunity(store: &Store, opportunity: &Opportunity) -> Result<(), StoreError> {
    store
        .tree(OPPORTUNITIES)?
        .insert(opportunity.lead.0.as_bytes(), encode(opportunity))?;
    Ok(())
}

/// The opportunity of a lead (by lead id), if it was converted.
pub fn opportunity(store: &Store, lead: &str) -> Result<Option<Opportunity>, StoreError> {
    store
        .tree(OPPORTUNITIES)?
        .get(lead.as_bytes())?
        .map(|v| decode("opportunities", &v))
        .transpose()
}

pub fn opportunities(store: &Store) -> Result<Vec<Opportunity>, StoreError> {
    store
        .tree(OPPORTUNITIES)?
        .iter()
        .values()
        .map(|v| decode("opportunities", &v?))
        .collect()
}

/// The date of the topmost `Received:` header (RFC 3339), if readable:
/// when the receiving mail server accepted the message.
pub fn received_by_server(raw: &[u8]) -> Option<String> {
    let headers = crate::understand::headers_of(raw);
    let text = String::from_utf8_lossy(headers);
    let mut received: Option<String> = None;
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if let Some(value) = &mut received {
            if line.starts_with([' ', '\t']) {
                value.push(' ');
                value.push_str(line.trim());
                continue;
            }
            break;
        }
        if line
            .get(..9)
            .is_some_and(|h| h.eq_ignore_ascii_case("received:"))
        {
            received = Some(line.get(9..).unwrap_or("").trim().to_string());
        }
    }
    let value = received?;
    let date = value.rsplit_once(';')?.1.trim();
    // Drop a trailing comment such as "(UTC)".
    let date = match date.find('(') {
        Some(i) => date[..i].trim(),
        None => date,
    };
    let zoned = jiff::fmt::rfc2822::parse(date).ok()?;
    Some(zoned.timestamp().to_string())
}

/// Parses RFC 3339 text written by carousel; `now` when unreadable.
pub fn timestamp(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|_| Timestamp::now())
}

#[cfg(test)]
mod tests {

    fn lead(owner: Option<&str>, status: serde_json::Value, notices: &[&str]) -> LeadRecord {
        let ownership = match owner {
            Some(rep) => {
                serde_json::json!({"state": "owned", "rep": rep, "since": "2026-11-25T10:00:00Z"})
            }
            None => serde_json::json!({"state": "unclaimed", "since": "2026-11-25T10:00:00Z"}),
        };
        let notices: Vec<serde_json::Value> = notices
            .iter()
            .map(|why| serde_json::json!({"message_id": "m", "to": "a@b.example", "rep": null, "at": "2026-11-25T10:00:00Z", "why": why}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": "L-1001", "response": 1001, "message": "abc",
            "lead": {"response": "L-1001", "contact": {"email": "sam@example.org", "name": null, "phone": null,
                     "company": null, "title": null, "postcode": null, "country": null},
                     "interest": "Solar", "timeline": null, "rank": "hot", "points": 50,
                     "ownership": ownership, "status": status},
            "reasons": [], "action": {"type": "unassigned"}, "assigned": null, "routing": [],
            "notices": notices, "speed": {}, "created_at": "2026-11-25T10:00:00Z",
        }))
        .unwrap()
    }

    fn kinds(events: Vec<Event>) -> Vec<String> {
        events.into_iter().map(|e| e.kind).collect()
    }

    #[test]
    fn each_lead_change_is_one_event_and_a_resave_is_none() {
        let open = serde_json::json!({"status": "open"});
        let new = lead(None, open.clone(), &["routed"]);
        assert_eq!(kinds(lead_changes(None, &new)), ["lead.created"]);
        assert!(lead_changes(Some(&new), &new).is_empty());
        let escalated = lead(None, open.clone(), &["routed", "escalation 1"]);
        assert_eq!(
            kinds(lead_changes(Some(&new), &escalated)),
            ["lead.escalated"]
        );
        let claimed = lead(Some("Dana"), open, &["routed", "escalation 1"]);
        assert_eq!(
            kinds(lead_changes(Some(&escalated), &claimed)),
            ["lead.claimed"]
        );
        let converted = lead(
            Some("Dana"),
            serde_json::json!({"status": "converted"}),
            &[],
        );
        assert_eq!(
            kinds(lead_changes(Some(&claimed), &converted)),
            ["lead.converted"]
        );
        let closed = lead(
            Some("Dana"),
            serde_json::json!({"status": "closed", "outcome": "won"}),
            &[],
        );
        assert_eq!(
            kinds(lead_changes(Some(&converted), &closed)),
            ["lead.closed"]
        );
        // Reassigned to someone else: claimed again, a new event id.
        let taken = lead(Some("Lee"), serde_json::json!({"status": "open"}), &[]);
        let again = lead_changes(Some(&claimed), &taken);
        assert_eq!(kinds(again.clone()), ["lead.claimed"]);
        assert_ne!(again[0].id, lead_changes(Some(&escalated), &claimed)[0].id);
    }

    use super::*;

    #[test]
    fn lead_ids_are_short_and_old_ones_still_resolve() {
        assert_eq!(lead_id(1042), "L-1042");
        assert_eq!(other_spelling("L-1042").as_deref(), Some("r1042"));
        assert_eq!(other_spelling("r4000006").as_deref(), Some("L-4000006"));
        assert_eq!(other_spelling("rx"), None);
        assert_eq!(other_spelling("L-"), None);
    }

    #[test]
    fn received_date_comes_from_the_topmost_header() {
        let raw = b"Received: from a by mx (Postfix) with ESMTP id 1;\r\n\tWed, 25 Nov 2026 10:00:01 +0000 (UTC)\r\nReceived: from b; Wed, 25 Nov 2026 09:00:00 +0000\r\nSubject: x\r\n\r\nbody";
        assert_eq!(
            received_by_server(raw).as_deref(),
            Some("2026-11-25T10:00:01Z")
        );
        assert_eq!(received_by_server(b"Subject: x\r\n\r\n"), None);
        assert_eq!(received_by_server(b"Received: garbage\r\n\r\n"), None);
    }
}
