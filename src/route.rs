//! Distribution: which rep gets a lead. Pure decisions, no I/O — the daemon
//! reads the reps and the [`DistributionState`] from config and the store,
//! asks [`pick_rep`], sends the notification, then calls
//! [`DistributionState::record`] and writes the state back.
//!
//! - push mode: round robin, territory (postcode prefix or country) or
//!   capacity (fewest open leads); reps at `max_open_leads`, on a day off or
//!   (when `respect_working_hours`) outside their hours are skipped.
//! - pull mode: the team inbox is notified; the first rep to reply claims
//!   the lead ([`claim`]); everyone else is told who owns it.
//! - unclaimed after the SLA: [`escalate`] to the next rep, then the manager.
//!
//! A lead is never dropped silently: when nobody is available it goes to the
//! least-loaded rep, and every decision lists its reasons.

pub mod calendar;
pub mod claim;
pub mod territory;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use calendar::{Calendar, Unavailable};
pub use claim::{ClaimOutcome, Escalation, EscalationStep, claim, escalate};
pub use territory::LeadFacts;

/// A sales rep, as configured in `[[rep]]`. Only `name` and `email` are
/// required; a rep without other settings works Mon–Fri 09:00–17:00 in the
/// company's time zone (`[nurture] time_zone`, else UTC),
/// covers no territory and has no lead limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rep {
    /// Unique; the key of the rep's open-lead count and of ownership.
    pub name: String,
    pub email: String,
    /// ISO country codes ("DE"), postcode prefixes ("803") or both ("DE:80").
    #[serde(default)]
    pub territories: Vec<String>,
    /// Open leads at which the rep gets no more; `None` = no limit.
    #[serde(default)]
    pub max_open_leads: Option<u32>,
    /// IANA time zone of the working hours ("Europe/Berlin"). Unset (empty):
    /// the company's, `[nurture] time_zone`, filled in when the config loads.
    #[serde(default)]
    pub time_zone: String,
    /// Local working hours, "HH:MM-HH:MM"; may run over midnight.
    #[serde(default = "default_working_hours")]
    pub working_hours: String,
    /// Days ("mon") or ranges ("mon-fri").
    #[serde(default = "default_working_days")]
    pub working_days: Vec<String>,
    /// Days off and leave: "2025-12-24" or "2025-07-01..2025-07-14" (inclusive, local dates).
    #[serde(default)]
    pub days_off: Vec<String>,
    /// Managers receive escalations, not the regular flow (unless the team
    /// has no other reps).
    #[serde(default)]
    pub manager: bool,
}

fn default_working_hours() -> String {
    "09:00-17:00".to_string()
}

fn default_working_days() -> Vec<String> {
    vec!["mon-fri".to_string()]
}

impl Rep {
    /// A rep with every optional setting at its default.
    pub fn new(name: &str, email: &str) -> Rep {
        Rep {
            name: name.to_string(),
            email: email.to_string(),
            territories: Vec::new(),
            max_open_leads: None,
            // Inherited from the company when the config loads (UTC without one).
            time_zone: String::new(),
            working_hours: default_working_hours(),
            working_days: default_working_days(),
            days_off: Vec::new(),
            manager: false,
        }
    }
}

/// How leads reach reps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// carousel picks a rep and notifies them.
    #[default]
    Push,
    /// The team inbox is notified; the first rep to reply claims the lead.
    Pull,
}

/// How push mode picks a rep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// In turn, continuing after the last rep served.
    #[default]
    RoundRobin,
    /// The rep whose territory fits best; round robin among ties and, when no
    /// territory fits, among the rest.
    Territory,
    /// The rep with the fewest open leads; round robin among ties.
    Capacity,
}

/// The sales team's distribution settings (`[team]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Team {
    pub mode: Mode,
    pub strategy: Strategy,
    /// Where pull-mode notifications go.
    pub team_inbox: Option<String>,
    /// How long a lead may stay unclaimed before it is escalated (default 300).
    pub sla_seconds: u64,
    /// Manager or address that gets escalations (a rep name or an email);
    /// the first rep with `manager = true` when unset.
    pub escalate_to: Option<String>,
    /// Skip reps outside their working hours (default true). Days off are
    /// always respected.
    pub respect_working_hours: bool,
    /// How many reps are tried before the manager gets the lead (default 2).
    pub reps_before_manager: u32,
}

impl Default for Team {
    fn default() -> Self {
        Team {
            mode: Mode::Push,
            strategy: Strategy::RoundRobin,
            team_inbox: None,
            sla_seconds: 300,
            escalate_to: None,
            respect_working_hours: true,
            reps_before_manager: 2,
        }
    }
}

/// What distribution remembers between leads (stored in sled).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionState {
    /// The rep served last; round robin continues after them.
    pub cursor: Option<String>,
    /// Open leads per rep name.
    pub open_leads: BTreeMap<String, u32>,
}

impl DistributionState {
    /// Open leads of the rep called `rep`.
    pub fn open_leads_of(&self, rep: &str) -> u32 {
        self.open_leads.get(rep).copied().unwrap_or(0)
    }

    /// Applies a pick: the rep gets one more open lead and the round-robin
    /// cursor moves past them. Other assignees change nothing.
    pub fn record(&mut self, reps: &[Rep], pick: &Pick) {
        if let Some(rep) = pick.rep().and_then(|i| reps.get(i)) {
            self.assign(&rep.name);
        }
    }

    /// `rep` took a lead (picked, claimed or escalated to).
    pub fn assign(&mut self, rep: &str) {
        let count = self.open_leads.entry(rep.to_string()).or_insert(0);
        *count = count.saturating_add(1);
        self.cursor = Some(rep.to_string());
    }

    /// One of `rep`'s leads was converted, closed or reassigned.
    pub fn release(&mut self, rep: &str) {
        if let Some(count) = self.open_leads.get_mut(rep) {
            *count = count.saturating_sub(1);
        }
    }
}

/// What a rep's action (a claim, a decline, a reassignment, a conversion,
/// a close) changes in the [`DistributionState`]: recorded as steps and
/// applied to the state as stored when the lead commits, not to a copy
/// read earlier. So a decision another instance committed meanwhile (its
/// round-robin turn, its open-lead count) is kept, not overwritten.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistributionEdit {
    steps: Vec<EditStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum EditStep {
    Assign(String),
    Release(String),
}

impl DistributionEdit {
    /// `rep` took the lead: [`DistributionState::assign`] at commit.
    pub fn assign(&mut self, rep: &str) {
        self.steps.push(EditStep::Assign(rep.to_string()));
    }

    /// The lead left `rep`: [`DistributionState::release`] at commit.
    pub fn release(&mut self, rep: &str) {
        self.steps.push(EditStep::Release(rep.to_string()));
    }

    /// The steps, in order, on `state`.
    pub fn apply_to(&self, state: &mut DistributionState) {
        for step in &self.steps {
            match step {
                EditStep::Assign(rep) => state.assign(rep),
                EditStep::Release(rep) => state.release(rep),
            }
        }
    }
}

/// Who gets the lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// Index into the reps slice.
    Rep(usize),
    /// Pull mode: notify this address; the first rep to reply claims it.
    TeamInbox(String),
    /// No rep is configured and no team inbox: the reasons say so, and the
    /// caller must surface it (never drop the lead silently).
    Unassigned,
}

/// A distribution decision and why it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub assignee: Assignee,
    pub reasons: Vec<String>,
}

impl Pick {
    /// The picked rep's index, if a rep was picked.
    pub fn rep(&self) -> Option<usize> {
        match self.assignee {
            Assignee::Rep(i) => Some(i),
            _ => None,
        }
    }
}

/// Decides who gets a new lead at `now`. Pure: the caller records the pick.
pub fn pick_rep(
    reps: &[Rep],
    state: &DistributionState,
    lead: &LeadFacts,
    now: Timestamp,
    team: &Team,
) -> Pick {
    let mut reasons = Vec::new();
    if team.mode == Mode::Pull {
        if let Some(inbox) = team.team_inbox.as_deref().filter(|s| !s.trim().is_empty()) {
            reasons.push(format!(
                "pull mode: notify team inbox {inbox}; the first rep to reply claims it"
            ));
            return Pick {
                assignee: Assignee::TeamInbox(inbox.to_string()),
                reasons,
            };
        }
        reasons.push("pull mode without team_inbox: pushing to a rep instead".to_string());
    }
    if reps.is_empty() {
        reasons.push("no reps configured".to_string());
        let assignee = match team.team_inbox.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(inbox) => Assignee::TeamInbox(inbox.to_string()),
            None => Assignee::Unassigned,
        };
        return Pick { assignee, reasons };
    }
    let available = eligible(reps, state, now, team, &[], &mut reasons);
    let chosen = match choose(reps, state, lead, team.strategy, &available, &mut reasons) {
        Some(i) => i,
        None => least_loaded_fallback(reps, state, now, &mut reasons),
    };
    Pick {
        assignee: Assignee::Rep(chosen),
        reasons,
    }
}

/// Checks what serde cannot: unique rep names, readable calendars.
pub fn validate(reps: &[Rep], team: &Team) -> Result<(), String> {
    for (i, rep) in reps.iter().enumerate() {
        if rep.name.trim().is_empty() || !rep.email.contains('@') {
            return Err(format!("rep[{i}]: needs a name and an email address"));
        }
        if reps[..i].iter().any(|r| r.name == rep.name) {
            return Err(format!("rep[{i}]: duplicate rep name {:?}", rep.name));
        }
        Calendar::of(rep).map_err(|e| format!("rep[{i}] ({}): {e}", rep.name))?;
    }
    if team.mode == Mode::Pull && team.team_inbox.is_none() {
        return Err("team: mode = \"pull\" needs team_inbox".to_string());
    }
    Ok(())
}

/// True when `rep` is in the regular flow: managers only take leads when the
/// team has no one else.
fn in_pool(reps: &[Rep], rep: &Rep) -> bool {
    !rep.manager || reps.iter().all(|r| r.manager)
}

/// Reps who may take a lead now: in the pool, not excluded, available, below
/// capacity. Each skip is recorded.
pub(crate) fn eligible(
    reps: &[Rep],
    state: &DistributionState,
    now: Timestamp,
    team: &Team,
    exclude: &[String],
    reasons: &mut Vec<String>,
) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, rep) in reps.iter().enumerate() {
        if !in_pool(reps, rep) || exclude.contains(&rep.name) {
            continue;
        }
        match Calendar::of(rep) {
            Ok(calendar) => {
                if let Err(why) = calendar.check(now, team.respect_working_hours) {
                    reasons.push(format!("{} skipped: {why}", rep.name));
                    continue;
                }
            }
            Err(e) => reasons.push(format!(
                "{}: calendar unreadable ({e}); assumed available",
                rep.name
            )),
        }
        let open = state.open_leads_of(&rep.name);
        if let Some(max) = rep.max_open_leads
            && open >= max
        {
            reasons.push(format!(
                "{} skipped: at capacity ({open}/{max} open leads)",
                rep.name
            ));
            continue;
        }
        out.push(i);
    }
    out
}

/// Applies the strategy to the eligible reps; `None` when there are none.
pub(crate) fn choose(
    reps: &[Rep],
    state: &DistributionState,
    lead: &LeadFacts,
    strategy: Strategy,
    eligible: &[usize],
    reasons: &mut Vec<String>,
) -> Option<usize> {
    if eligible.is_empty() {
        return None;
    }
    match strategy {
        Strategy::RoundRobin => {
            let i = next_in_rotation(reps, state, eligible)?;
            reasons.push(format!("round robin: {}", turn_reason(reps, state, i)));
            Some(i)
        }
        Strategy::Capacity => {
            let i = least_loaded(reps, state, eligible)?;
            reasons.push(format!(
                "capacity: {} has the fewest open leads ({})",
                reps[i].name,
                state.open_leads_of(&reps[i].name)
            ));
            Some(i)
        }
        Strategy::Territory => by_territory(reps, state, lead, eligible, reasons),
    }
}

/// The best territory fit among `eligible`, round robin among ties; when no
/// territory fits, round robin among reps without territories (or all).
fn by_territory(
    reps: &[Rep],
    state: &DistributionState,
    lead: &LeadFacts,
    eligible: &[usize],
    reasons: &mut Vec<String>,
) -> Option<usize> {
    let fit = |i: usize| {
        reps[i]
            .territories
            .iter()
            .filter_map(|t| territory::specificity(t, lead).map(|s| (s, t.as_str())))
            .max_by_key(|(s, _)| *s)
    };
    let best = eligible
        .iter()
        .filter_map(|&i| fit(i).map(|(s, _)| s))
        .max();
    if let Some(best) = best {
        let tied: Vec<usize> = eligible
            .iter()
            .copied()
            .filter(|&i| fit(i).is_some_and(|(s, _)| s == best))
            .collect();
        let i = next_in_rotation(reps, state, &tied)?;
        let entry = fit(i).map_or("", |(_, t)| t);
        reasons.push(format!(
            "{}: {}",
            territory::describe(entry, lead),
            reps[i].name
        ));
        return Some(i);
    }
    let generalists: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&i| reps[i].territories.is_empty())
        .collect();
    let pool = if generalists.is_empty() {
        eligible
    } else {
        &generalists
    };
    let i = next_in_rotation(reps, state, pool)?;
    reasons.push(format!(
        "no available rep's territory fits ({}): round robin among the rest: {}",
        territory::place(lead),
        turn_reason(reps, state, i)
    ));
    Some(i)
}

/// Rep indexes in round-robin order: the one after the cursor first.
fn rotation(reps: &[Rep], state: &DistributionState) -> impl Iterator<Item = usize> {
    let start = state
        .cursor
        .as_ref()
        .and_then(|c| reps.iter().position(|r| &r.name == c))
        .map_or(0, |i| i + 1);
    let n = reps.len();
    (0..n).map(move |k| (start + k) % n)
}

/// The first of `among` in round-robin order.
pub(crate) fn next_in_rotation(
    reps: &[Rep],
    state: &DistributionState,
    among: &[usize],
) -> Option<usize> {
    rotation(reps, state).find(|i| among.contains(i))
}

/// The rep of `among` with the fewest open leads; round-robin order breaks ties.
pub(crate) fn least_loaded(
    reps: &[Rep],
    state: &DistributionState,
    among: &[usize],
) -> Option<usize> {
    rotation(reps, state)
        .enumerate()
        .filter(|(_, i)| among.contains(i))
        .min_by_key(|(turn, i)| (state.open_leads_of(&reps[*i].name), *turn))
        .map(|(_, i)| i)
}

fn turn_reason(reps: &[Rep], state: &DistributionState, i: usize) -> String {
    match &state.cursor {
        Some(last) => format!("{} is next after {last}", reps[i].name),
        None => format!("{} is first", reps[i].name),
    }
}

/// Nobody is eligible: the lead still gets an owner. Prefers reps who are
/// merely off-hours or full over reps on leave, and pool reps over managers.
fn least_loaded_fallback(
    reps: &[Rep],
    state: &DistributionState,
    now: Timestamp,
    reasons: &mut Vec<String>,
) -> usize {
    let not_on_leave = |i: &usize| {
        Calendar::of(&reps[*i]).map_or(true, |c| {
            !matches!(c.check(now, false), Err(Unavailable::DayOff(_)))
        })
    };
    let pool: Vec<usize> = (0..reps.len())
        .filter(|&i| in_pool(reps, &reps[i]))
        .collect();
    let present: Vec<usize> = pool.iter().copied().filter(not_on_leave).collect();
    let everyone: Vec<usize> = (0..reps.len()).collect();
    let tiers = [present, pool, everyone];
    let tier = tiers
        .iter()
        .find(|t| !t.is_empty())
        .map_or(&[][..], |t| &t[..]);
    // `reps` is not empty (checked by the caller), so the last tier is not either.
    let i = least_loaded(reps, state, tier).unwrap_or(0);
    reasons.push(format!(
        "nobody available: fell back to least-loaded rep {} ({} open leads)",
        reps[i].name,
        state.open_leads_of(&reps[i].name)
    ));
    i
}
