//! What to do with a lead: score and qualify the response, open the lead,
//! choose its destination and rep ([`super::destination`], [`crate::route`]),
//! and record the decision with the distribution state.

use super::*;
use leads::Decided;

/// A response another instance is acting on, or has acted on already: this
/// instance leaves it (its pending mark stays with the other one).
#[derive(Debug, thiserror::Error)]
#[error("response claimed by another instance")]
pub(super) struct NotClaimed;

/// Another instance routed a lead between reading the distribution state
/// and committing this decision: decided again on the new state.
#[derive(Debug, thiserror::Error)]
#[error("distribution state changed while deciding")]
pub(super) struct StaleDistribution;

impl Act {
    /// Scores and qualifies a response, opens the lead, picks the action
    /// (and the rep) and saves it with the distribution state. A lead that
    /// does not qualify (no reachable contact, no interest) or that carousel
    /// read without confidence is still stored as a lead and sent to a
    /// person ([`destination`]); only responses that need nobody (a declining
    /// reply) return `None`.
    pub(super) fn decide(
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
            sla_stopped: crate::store::import_runs::is_imported(message),
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
                let (action, dist, as_read) = self.to_sales(&mut record, &why, now)?;
                state = Some((dist, as_read));
                action
            }
            Destination::CallCenter => Action::CallCenter,
            Destination::SelfService => Action::SelfService,
            Destination::Partner { to } => Action::Partner { to },
            Destination::Nurture => Action::Nurture,
        };
        // The decision is the act stage's per-item commit: it claims the
        // response's pending mark, so instances acting at once decide it once.
        let state = state.as_ref().map(|(d, b)| (d, b.as_deref()));
        match leads::save_decision(&self.store, response.id, &record, state)? {
            Decided::Saved => Ok(Some(record)),
            Decided::Exists(existing) => Ok(Some(*existing)),
            Decided::NotClaimed => Err(NotClaimed.into()),
            Decided::StaleDistribution => Err(StaleDistribution.into()),
        }
    }

    /// Picks who in sales gets the lead and adds the notice; `why` is
    /// "routed" for a hot lead, else the fallback's label. A hot lead goes
    /// to a rep (push) or the team inbox (pull, or no reps); a fallback goes
    /// to the team inbox whenever one is configured, else to the next rep.
    pub(super) fn to_sales(
        &self,
        record: &mut LeadRecord,
        why: &str,
        now: Timestamp,
    ) -> anyhow::Result<(Action, crate::route::DistributionState, Option<Vec<u8>>)> {
        let (mut dist, as_read) = leads::distribution_as_read(&self.store)?;
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
        Ok((action, dist, as_read))
    }

    pub(super) fn partner_for(&self, provider: Option<&str>) -> Option<String> {
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
}
