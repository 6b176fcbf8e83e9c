//! Reps' replies and the SLA clock.
//!
//! A rep's reply to a notification is an internal event, not a customer
//! response: it claims the lead (first reply wins, [`route::claim`]), later
//! claimers get a "claimed by …" note, and the response record is moved out
//! of `responses` by [`Store::mark_internal`](crate::store::Store::mark_internal)
//! so reports never count it. The act stage (not ingest) decides this because
//! only it knows the reps and the notifications.
//!
//! Leads nobody has claimed or touched are escalated after `team.sla_seconds`
//! ([`route::escalate`]): the next rep, then the manager, each notified with
//! a deterministic Message-ID `n.<lead>.e<k>`.

use jiff::Timestamp;

use super::Act;
use super::leads::{self, LeadRecord, Notice};
use super::notify::{Mailer, Original, one_line, safe_address, who};
use crate::nurture::{self, StopReason};
use crate::route::{self, ClaimOutcome, EscalationStep, LeadFacts, Rep};
use crate::store::model::{MessageRecord, ResponseRecord};

/// The lead a carousel notification Message-ID is about: `n.<lead>…`
/// (notification), `c.<lead>…` (claim note), `cc.<lead>` (call center),
/// `o.<lead>…` (owner note). `None` for other ids and foreign domains.
pub fn notification_lead(mailer: &Mailer, message_id: &str) -> Option<String> {
    let id = message_id.trim().trim_matches(['<', '>']);
    let (local, domain) = id.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(&mailer.domain) {
        return None;
    }
    let mut parts = local.split('.');
    let prefix = parts.next()?;
    let lead = parts.next()?;
    matches!(prefix, "n" | "c" | "cc" | "o").then(|| lead.to_string())
}

fn rep_by_email<'a>(act: &'a Act, email: &str) -> Option<&'a Rep> {
    act.config
        .rep
        .iter()
        .find(|r| r.email.trim().eq_ignore_ascii_case(email.trim()))
}

/// The notification a reply answers, when it is one of ours.
fn answered(act: &Act, message: &MessageRecord) -> Option<(String, String)> {
    let link = message.understanding.campaign_link.as_ref()?;
    let id = link.message_id.as_deref()?;
    notification_lead(&act.mailer, id).map(|lead| (lead, id.trim_matches(['<', '>']).to_string()))
}

/// True when a reply is internal: from a configured rep, or a direct answer
/// (`In-Reply-To`) to a notification from someone who is not the prospect
/// (a prospect's later reply may carry the notification id in `References`
/// after the rep answered them; that one stays a response).
pub fn is_internal(
    act: &Act,
    response: &ResponseRecord,
    message: &MessageRecord,
) -> anyhow::Result<bool> {
    let Some(from) = response.contact.email.as_deref() else {
        return Ok(false);
    };
    if rep_by_email(act, from).is_some() {
        return Ok(true);
    }
    let direct = message
        .understanding
        .campaign_link
        .as_ref()
        .is_some_and(|l| l.how == "in-reply-to");
    if let (true, Some((lead_id, _))) = (direct, answered(act, message)) {
        let prospect = leads::get(&act.store, &lead_id)?
            .and_then(|l| l.lead.contact.email)
            .unwrap_or_default();
        return Ok(!prospect.eq_ignore_ascii_case(from));
    }
    Ok(false)
}

/// Handles an internal reply: a claim when a rep answers a notification;
/// then moves the response out of the counted responses.
pub fn on_internal_reply(
    act: &Act,
    response: &ResponseRecord,
    message: &MessageRecord,
) -> anyhow::Result<()> {
    let from = response.contact.email.as_deref().unwrap_or("");
    let rep = rep_by_email(act, from);
    match (rep, answered(act, message)) {
        (Some(rep), Some((lead_id, notification))) => match leads::get(&act.store, &lead_id)? {
            Some(lead) if declines(response.reply_text.as_deref()) => {
                decline_by(act, lead, rep, response)?
            }
            Some(lead) => claim_by(act, lead, rep, response, notification)?,
            None => tracing::warn!(rep = %rep.name, lead = %lead_id, "claim for an unknown lead"),
        },
        (Some(rep), None) => {
            tracing::info!(rep = %rep.name, response = response.id, "mail from a rep that answers no notification: not a response, not a claim")
        }
        (None, _) => tracing::info!(
            response = response.id,
            "reply to a notification from someone who is no configured rep: not a response, not a claim"
        ),
    }
    act.store.mark_internal(response.id)?;
    Ok(())
}

/// How reps say a lead is not theirs (lowercase; matched in the reply's first lines).
const NOT_MINE: &[&str] = &[
    "not mine",
    "not for me",
    "nicht meins",
    "nicht für mich",
    "pas pour moi",
    "no es mío",
    "no es mio",
    "no es para mí",
];

/// True when a rep's reply declines the lead ("not mine").
pub fn declines(reply: Option<&str>) -> bool {
    let head: String = reply
        .unwrap_or("")
        .chars()
        .take(200)
        .collect::<String>()
        .to_lowercase();
    NOT_MINE.iter().any(|p| head.contains(p))
}

/// `rep` answered a notification "not mine": the lead leaves them (their
/// ownership, if any, and their open-lead count) and escalates to the next
/// rep at once.
fn decline_by(
    act: &Act,
    mut lead: LeadRecord,
    rep: &Rep,
    response: &ResponseRecord,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let theirs = lead.assigned.as_deref() == Some(rep.name.as_str())
        || lead.lead.ownership.owner() == Some(rep.name.as_str());
    if !lead.is_open() || !theirs {
        tracing::info!(lead = %lead.id, rep = %rep.name, "\"not mine\" for a lead that is not theirs (or not open): ignored");
        return Ok(());
    }
    let mut counts = crate::route::DistributionEdit::default();
    counts.release(&rep.name);
    if lead.lead.ownership.owner() == Some(rep.name.as_str()) {
        lead.lead.ownership = crate::qualify::conversion::Ownership::Unclaimed { since: now };
    }
    lead.assigned = None;
    lead.routing.push(format!("declined by {}", rep.name));
    leads::save(&act.store, &lead, Some(&counts))?;
    act.event(
        &lead,
        "declined",
        &now.to_string(),
        format!("{} said not mine", rep.name),
        &format!("decline.{}", response.id),
    )?;
    escalate_one(act, lead, now, true)?;
    Ok(())
}

/// `rep` replied to a notification of `lead`: the first claim wins, the
/// others are told who owns it.
fn claim_by(
    act: &Act,
    mut lead: LeadRecord,
    rep: &Rep,
    response: &ResponseRecord,
    notification: String,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let outcome = route::claim(&lead.lead.ownership, &rep.name, now);
    match &outcome {
        ClaimOutcome::Claimed(ownership) => {
            if lead.lead.ownership.owner() == Some(rep.name.as_str()) {
                return Ok(()); // a second reply from the owner, or a replay
            }
            lead.lead.ownership = ownership.clone();
            let mut counts = crate::route::DistributionEdit::default();
            if lead.assigned.as_deref() != Some(rep.name.as_str()) {
                if let Some(previous) = &lead.assigned
                    && lead.is_open()
                {
                    counts.release(previous);
                }
                counts.assign(&rep.name);
            }
            lead.assigned = Some(rep.name.clone());
            lead.speed
                .first_rep_action
                .get_or_insert_with(|| now.to_string());
            leads::save(&act.store, &lead, Some(&counts))?;
            act.event(
                &lead,
                "claimed",
                &now.to_string(),
                format!("claimed by {}", rep.name),
                &format!("claim.{}", response.id),
            )?;
            if let Some(email) = &lead.lead.contact.email {
                nurture::stop_for_contact(&act.store, email, StopReason::Claimed)?;
            }
            tracing::info!(lead = %lead.id, rep = %rep.name, "lead claimed");
        }
        ClaimOutcome::AlreadyClaimedBy { owner, .. } => {
            let notice = outcome.loser_notice().unwrap_or_default();
            let email = act.mailer.team_note(
                &lead,
                &rep.email,
                act.mailer.id(&["c", &lead.id, &response.id.to_string()]),
                Some(notification),
                &format!("Already claimed by {owner}: {}", who(&lead.lead.contact)),
                &notice,
            );
            crate::outbox::enqueue(&act.store, email)?;
            act.event(
                &lead,
                "claim_lost",
                &now.to_string(),
                format!("{} was too late: {owner} owns it", rep.name),
                &format!("claim.{}", response.id),
            )?;
        }
    }
    Ok(())
}

/// A prospect with an owned (or assigned) open lead replied with interest
/// or a question: re-score and tell the owner.
pub fn tell_owner(
    act: &Act,
    lead: &LeadRecord,
    response: &ResponseRecord,
    message: &MessageRecord,
) -> anyhow::Result<()> {
    let Some(rep_name) = lead
        .lead
        .ownership
        .owner()
        .map(str::to_string)
        .or_else(|| lead.assigned.clone())
    else {
        return Ok(());
    };
    let Some(rep) = act.config.rep.iter().find(|r| r.name == rep_name) else {
        tracing::warn!(lead = %lead.id, rep = %rep_name, "owner is no longer a configured rep");
        return Ok(());
    };
    let score = crate::qualify::score_with(&message.understanding, None, &act.config.scoring());
    let intent = response
        .intent
        .map_or("reply", crate::qualify::conversion::intent_name);
    let mut body = format!(
        "{} replied ({intent}):\n\n{}\n",
        who(&lead.lead.contact),
        response.reply_text.as_deref().unwrap_or("(no text)")
    );
    if let Some(score) = &score {
        body.push_str(&format!(
            "\nRe-scored: {} points ({}).\n",
            score.points,
            score.rank.as_str()
        ));
    }
    let mut email = act.mailer.team_note(
        lead,
        &rep.email,
        act.mailer.id(&["o", &lead.id, &response.id.to_string()]),
        lead.notices.first().map(|n| n.message_id.clone()),
        &format!(
            "{} replied: {}",
            who(&lead.lead.contact),
            one_line(response.subject.as_deref().unwrap_or(""), 80)
        ),
        &body,
    );
    if act.config.act.reply_to_prospect {
        email.reply_to = lead.lead.contact.email.as_deref().and_then(safe_address);
    }
    crate::outbox::enqueue(&act.store, email)?;
    act.event(
        lead,
        "prospect_replied",
        &message.stored_at,
        format!("{intent}: owner {rep_name} told"),
        &format!("reply.{}", response.id),
    )?;
    Ok(())
}

/// The stage's name in `carousel_claims_total` and the `claims` tree.
pub const ESCALATE_STAGE: &str = "escalate";

/// Escalates every watched lead of this instance's slot (a hash of the
/// lead id, mod the live instances) whose SLA ran out; returns how many
/// were. Each escalation is claimed in its commit
/// ([`leads::save_escalation`]), so instances that disagree on the slots
/// for a heartbeat still escalate a lead once.
pub fn escalate_due(act: &Act, now: Timestamp) -> anyhow::Result<usize> {
    let _writing = super::leads::write_lock();
    let slot = act.store.slot();
    let mut escalated = 0;
    for id in leads::watched(&act.store)? {
        if !slot.takes(crate::store::leases::item_number(id.as_bytes())) {
            continue;
        }
        let Some(lead) = leads::get(&act.store, &id)? else {
            act.store.tree(leads::SLA_WATCH)?.remove(id.as_bytes())?;
            continue;
        };
        if !lead.is_open()
            || lead.lead.ownership.owner().is_some()
            || lead.speed.first_rep_action.is_some()
            || lead.sla_stopped
        {
            leads::save(&act.store, &lead, None)?; // stops the clock
            continue;
        }
        if escalate_one(act, lead, now, false)? {
            escalated += 1;
        }
    }
    act.store.count_claims(ESCALATE_STAGE, escalated)?;
    Ok(escalated)
}

/// One escalation step for `lead` when its SLA ran out, or at once with
/// `now_due` (a rep declined it). Returns whether it went to someone new.
fn escalate_one(
    act: &Act,
    mut lead: LeadRecord,
    now: Timestamp,
    now_due: bool,
) -> anyhow::Result<bool> {
    {
        let message_key = lead.message.clone();
        // A store error is an error (the escalation is retried next pass),
        // never a notification without the prospect's message.
        let original = || -> anyhow::Result<Original> {
            Ok(act
                .store
                .raw(&message_key)?
                .map(|raw| Original::of(&raw))
                .unwrap_or_default())
        };
        if lead.notices.iter().any(|n| !n.enqueued) {
            // Saved, then the process died before the outbox got it.
            let original = original()?;
            act.deliver(&mut lead, &original, false)?;
        }
        let Some(last) = lead.notices.last() else {
            return Ok(false);
        };
        let notified_at = if now_due {
            // Declined: due now, whatever the SLA.
            let sla = i64::try_from(act.config.team.sla_seconds).unwrap_or(i64::MAX);
            now.checked_sub(jiff::SignedDuration::from_secs(sla))
                .unwrap_or(Timestamp::MIN)
        } else {
            leads::timestamp(&last.at)
        };
        // The record the escalation is computed from, as stored: the
        // commit claims it and writes only if it is still that.
        let Some((stored, before)) = leads::get_as_read(&act.store, &lead.id)? else {
            return Ok(false);
        };
        if stored != lead {
            // Changed since the caller read it (another instance): next pass.
            return Ok(false);
        }
        let tried: Vec<String> = lead
            .notices
            .iter()
            .map(|n| n.rep.clone().unwrap_or_else(|| n.to.clone()))
            .collect();
        let (mut dist, dist_before) = leads::distribution_as_read(&act.store)?;
        let reps = &act.config.rep;
        let escalation = route::escalate(
            reps,
            &dist,
            &LeadFacts::of(&lead.lead.contact),
            now,
            &act.config.team,
            notified_at,
            &tried,
        );
        let (to, rep) = match &escalation.step {
            EscalationStep::Wait { .. } => return Ok(false),
            EscalationStep::NextRep(i) | EscalationStep::Manager(i) => {
                (reps[*i].email.clone(), Some(reps[*i].name.clone()))
            }
            EscalationStep::Address(a) => match safe_address(a) {
                Some(a) => (a, None),
                None => {
                    tracing::error!(lead = %lead.id, "team.escalate_to is not a usable address");
                    lead.sla_stopped = true;
                    leads::save(&act.store, &lead, None)?;
                    return Ok(false);
                }
            },
            EscalationStep::Exhausted => {
                lead.sla_stopped = true;
                lead.routing.extend(escalation.reasons.clone());
                leads::save(&act.store, &lead, None)?;
                act.event(
                    &lead,
                    "escalation_exhausted",
                    &now.to_string(),
                    escalation.reasons.join("; "),
                    "exhausted",
                )?;
                return Ok(false);
            }
        };
        let k = lead.notices.len();
        if let Some(name) = &rep {
            if let Some(previous) = &lead.assigned {
                dist.release(previous);
            }
            dist.assign(name);
            lead.assigned = Some(name.clone());
        }
        lead.routing.extend(escalation.reasons.clone());
        lead.notices.push(Notice {
            message_id: act.mailer.id(&["n", &lead.id, &format!("e{k}")]),
            to,
            rep,
            at: now.to_string(),
            why: format!("escalation {k}"),
            enqueued: false,
        });
        let saved =
            leads::save_escalation(&act.store, &before, &lead, (&dist, dist_before.as_deref()))?;
        if saved != leads::Escalated::Saved {
            // Another instance escalated, claimed or routed meanwhile.
            return Ok(false);
        }
        let original = original()?;
        act.deliver(&mut lead, &original, false)?;
        tracing::info!(lead = %lead.id, step = k, "lead escalated: {}", escalation.reasons.join("; "));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_mine_is_read_in_several_languages() {
        assert!(declines(Some("Not mine, sorry\n\n> Hot lead ...")));
        assert!(declines(Some("Nicht meins.")));
        assert!(declines(Some("pas pour moi")));
        assert!(!declines(Some("Mine! Calling them now.")));
        assert!(!declines(None));
    }

    #[test]
    fn notification_ids_name_their_lead() {
        let m = Mailer {
            domain: "carousel.acme.example".into(),
            claim_address: None,
            reply_to_prospect: true,
        };
        assert_eq!(
            notification_lead(&m, "<n.r42@carousel.acme.example>").as_deref(),
            Some("r42")
        );
        assert_eq!(
            notification_lead(&m, "n.r42.e1@carousel.acme.example").as_deref(),
            Some("r42")
        );
        assert_eq!(notification_lead(&m, "n.r42@elsewhere.example"), None);
        assert_eq!(notification_lead(&m, "w.r42@carousel.acme.example"), None);
    }
}
