//! Pull-mode claims and SLA escalation: who owns a lead when several reps
//! answer, and who is told next when nobody answers in time.

use jiff::{SignedDuration, Timestamp};

use super::{DistributionState, LeadFacts, Rep, Team, choose, eligible};
use crate::qualify::conversion::Ownership;

/// The result of a rep's attempt to claim a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The rep owns the lead; the new ownership to store. Claiming a lead one
    /// already owns is harmless and keeps the original time.
    Claimed(Ownership),
    /// Someone else was first; tell the loser who.
    AlreadyClaimedBy { owner: String, since: Timestamp },
}

impl ClaimOutcome {
    /// The line sent to a rep whose claim lost, if it lost.
    pub fn loser_notice(&self) -> Option<String> {
        match self {
            ClaimOutcome::Claimed(_) => None,
            ClaimOutcome::AlreadyClaimedBy { owner, since } => Some(format!(
                "This lead was already claimed by {owner} at {since}."
            )),
        }
    }
}

/// Resolves `rep`'s claim at `at` against the lead's current ownership: the
/// first claim wins, later ones learn the owner.
pub fn claim(lead: &Ownership, rep: &str, at: Timestamp) -> ClaimOutcome {
    match lead {
        Ownership::Unclaimed { .. } => ClaimOutcome::Claimed(Ownership::Owned {
            rep: rep.to_string(),
            since: at,
        }),
        Ownership::Owned { rep: owner, .. } if owner == rep => ClaimOutcome::Claimed(lead.clone()),
        Ownership::Owned { rep: owner, since } => ClaimOutcome::AlreadyClaimedBy {
            owner: owner.clone(),
            since: *since,
        },
    }
}

/// What to do with a lead nobody has claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationStep {
    /// The SLA has not run out; look again at `due`.
    Wait { due: Timestamp },
    /// Notify this rep (index into reps) next.
    NextRep(usize),
    /// Notify this manager rep (index into reps).
    Manager(usize),
    /// Notify this address (`team.escalate_to` that is no rep).
    Address(String),
    /// Everyone, manager included, has been told; the lead stays with the
    /// last one notified and the reasons say so.
    Exhausted,
}

/// An escalation decision and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub step: EscalationStep,
    pub reasons: Vec<String>,
}

/// Decides the next step for a lead unclaimed since `notified_at`. `tried`
/// lists who was notified so far (rep names, or the escalation address), in
/// order. After the SLA the next eligible rep is told, until
/// `team.reps_before_manager` reps have been; then the manager.
pub fn escalate(
    reps: &[Rep],
    state: &DistributionState,
    lead: &LeadFacts,
    now: Timestamp,
    team: &Team,
    notified_at: Timestamp,
    tried: &[String],
) -> Escalation {
    let sla = SignedDuration::from_secs(i64::try_from(team.sla_seconds).unwrap_or(i64::MAX));
    let due = notified_at.checked_add(sla).unwrap_or(Timestamp::MAX);
    if now < due {
        return Escalation {
            step: EscalationStep::Wait { due },
            reasons: vec![format!("within SLA ({}s) until {due}", team.sla_seconds)],
        };
    }
    let waited = now.duration_since(notified_at).as_secs();
    let mut reasons = vec![format!(
        "unclaimed for {waited}s (SLA {}s)",
        team.sla_seconds
    )];
    let reps_tried = tried
        .iter()
        .filter(|t| reps.iter().any(|r| !r.manager && &r.name == *t))
        .count();
    let manager_target = manager(reps, team);
    if reps_tried < usize::try_from(team.reps_before_manager).unwrap_or(usize::MAX) {
        let mut exclude = tried.to_vec();
        // The manager is for the last step, even when the pool includes them.
        if let Some(Target::Rep(m)) = &manager_target {
            exclude.push(reps[*m].name.clone());
        }
        let available = eligible(reps, state, now, team, &exclude, &mut reasons);
        if let Some(i) = choose(reps, state, lead, team.strategy, &available, &mut reasons) {
            reasons.push(format!("escalated to the next rep: {}", reps[i].name));
            return Escalation {
                step: EscalationStep::NextRep(i),
                reasons,
            };
        }
        reasons.push("no other rep available".to_string());
    } else {
        reasons.push(format!("{reps_tried} reps tried without a claim"));
    }
    let step = match manager_target {
        Some(Target::Rep(m)) if !tried.contains(&reps[m].name) => {
            reasons.push(format!("escalated to manager {}", reps[m].name));
            EscalationStep::Manager(m)
        }
        Some(Target::Address(a)) if !tried.contains(&a) => {
            reasons.push(format!("escalated to {a}"));
            EscalationStep::Address(a)
        }
        Some(_) => {
            reasons.push("the manager was already told; the lead stays with them".to_string());
            EscalationStep::Exhausted
        }
        None => {
            let last = tried.last().map_or("nobody", String::as_str);
            reasons.push(format!(
                "no manager configured (set team.escalate_to or a rep with manager = true); the lead stays with {last}"
            ));
            EscalationStep::Exhausted
        }
    };
    Escalation { step, reasons }
}

enum Target {
    Rep(usize),
    Address(String),
}

/// `team.escalate_to` (a rep's name or email, or any address), else the
/// first rep marked `manager`.
fn manager(reps: &[Rep], team: &Team) -> Option<Target> {
    if let Some(to) = team
        .escalate_to
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let rep = reps
            .iter()
            .position(|r| r.name.eq_ignore_ascii_case(to) || r.email.eq_ignore_ascii_case(to));
        return Some(rep.map_or_else(|| Target::Address(to.to_string()), Target::Rep));
    }
    reps.iter().position(|r| r.manager).map(Target::Rep)
}
