//! The conversion model: Response → Lead → Opportunity (DESIGN.md "Words").
//! Every response is kept; a response becomes a lead when it qualifies (a
//! reachable contact and a primary purchase interest); a lead becomes an
//! opportunity when a rep converts it with revenue, stage and close date.
//! The types are serde-serialisable because the store keeps them in sled,
//! and shaped so wrong states cannot be written down (a lead is owned by
//! exactly one rep or unclaimed since a known time).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::Rank;
use crate::understand::{Contact, Intent, Kind, Timeline, Understanding};

/// Identifies a response in the store (content hash + source + lead index).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResponseId(pub String);

/// Any reaction to a campaign or inbound lead, captured as received and never
/// edited away, qualified or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub id: ResponseId,
    #[serde(with = "timestamp_text")]
    pub received: Timestamp,
    pub kind: Kind,
    pub provider: Option<String>,
    pub contact: Contact,
    pub interest: Option<String>,
    pub timeline: Option<Timeline>,
    pub intent: Option<Intent>,
    /// The outcome of [`qualify`] at capture time.
    pub qualification: Qualification,
}

impl Response {
    /// Captures lead `lead_index` (or the reply) of an understood message.
    pub fn capture(
        id: ResponseId,
        received: Timestamp,
        u: &Understanding,
        lead_index: Option<usize>,
    ) -> Response {
        let lead = lead_at(u, lead_index);
        Response {
            id,
            received,
            kind: u.kind,
            provider: u.provider.clone(),
            contact: lead.map_or_else(|| u.contact.clone(), |l| l.contact.clone()),
            interest: lead.and_then(|l| l.interest.clone()),
            timeline: lead.and_then(|l| l.timeline),
            intent: u.reply.as_ref().and_then(|r| r.intent),
            qualification: qualify(u, lead_index),
        }
    }
}

/// Whether a response counts as a lead, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    pub qualified: bool,
    /// Set whenever `qualified` is false, e.g. "no reachable contact (email or phone)".
    pub reason: Option<String>,
}

impl Qualification {
    fn yes() -> Self {
        Qualification {
            qualified: true,
            reason: None,
        }
    }

    fn no(reason: impl Into<String>) -> Self {
        Qualification {
            qualified: false,
            reason: Some(reason.into()),
        }
    }
}

/// Decides whether lead `lead_index` (default the first) or the reply of `u`
/// qualifies: it needs a reachable contact (email or phone) and a primary
/// purchase interest. For a reply the interest is the campaign's offer, shown
/// by an `interested` or `question` intent.
pub fn qualify(u: &Understanding, lead_index: Option<usize>) -> Qualification {
    match u.kind {
        Kind::Lead => {
            let Some(lead) = lead_at(u, lead_index) else {
                return Qualification::no("no lead found in the message");
            };
            if let Some(why) = lead.unqualified.as_deref().filter(|w| !w.trim().is_empty()) {
                return Qualification::no(why);
            }
            let reachable = lead.contact.is_reachable();
            let interest = has_text(&lead.interest);
            match (reachable, interest) {
                (true, true) => Qualification::yes(),
                (false, true) => Qualification::no("no reachable contact (email or phone)"),
                (true, false) => Qualification::no("no primary purchase interest stated"),
                (false, false) => Qualification::no(
                    "no reachable contact (email or phone) and no purchase interest stated",
                ),
            }
        }
        Kind::Reply => {
            let intent = u.reply.as_ref().and_then(|r| r.intent);
            if !u.contact.is_reachable() {
                return Qualification::no("no reachable contact (email or phone)");
            }
            match intent {
                Some(Intent::Interested | Intent::Question) => Qualification::yes(),
                Some(other) => Qualification::no(format!(
                    "reply intent {} shows no purchase interest",
                    intent_name(other)
                )),
                None => Qualification::no("reply intent not recognised"),
            }
        }
        Kind::AutoReply => Qualification::no("automatic reply, not a response"),
        Kind::Bounce => Qualification::no("bounce, not a response"),
        Kind::Other => Qualification::no("not a lead or a reply"),
    }
}

/// The lead at `lead_index` (the first when `None`); `None` when out of range.
pub(crate) fn lead_at(
    u: &Understanding,
    lead_index: Option<usize>,
) -> Option<&crate::understand::Lead> {
    u.leads.get(lead_index.unwrap_or(0))
}

pub(crate) fn has_text(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

pub(crate) fn intent_name(intent: Intent) -> &'static str {
    match intent {
        Intent::Interested => "interested",
        Intent::Question => "question",
        Intent::NotNow => "not_now",
        Intent::NotInterested => "not_interested",
        Intent::Unsubscribe => "unsubscribe",
        Intent::Referral => "referral",
    }
}

/// Who is working a lead. There is no "owned by nobody" state without a
/// time: an unclaimed lead says since when, so the SLA clock is explicit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Ownership {
    Unclaimed {
        #[serde(with = "timestamp_text")]
        since: Timestamp,
    },
    Owned {
        /// The rep's name as configured in `[[rep]]`.
        rep: String,
        #[serde(with = "timestamp_text")]
        since: Timestamp,
    },
}

impl Ownership {
    /// The owning rep, if any.
    pub fn owner(&self) -> Option<&str> {
        match self {
            Ownership::Unclaimed { .. } => None,
            Ownership::Owned { rep, .. } => Some(rep),
        }
    }
}

/// Whether a lead is still being worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LeadStatus {
    Open,
    /// Turned into an opportunity.
    Converted,
    Closed {
        outcome: Outcome,
    },
}

/// How a closed lead or opportunity ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Won,
    Lost,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Won => "won",
            Outcome::Lost => "lost",
        }
    }
}

/// A qualified response: someone reachable who wants something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub response: ResponseId,
    pub contact: Contact,
    pub interest: String,
    pub timeline: Option<Timeline>,
    pub rank: Option<Rank>,
    pub points: i32,
    pub ownership: Ownership,
    pub status: LeadStatus,
}

/// Why a lead could not be opened or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeadError {
    /// The response does not qualify; carries [`Qualification::reason`].
    Unqualified(String),
    /// Only open leads can be converted or closed.
    NotOpen(LeadStatus),
    /// The stage is not in the configured [`SalesStages`].
    UnknownStage(String),
    /// Only a converted lead has an opportunity to close.
    NotConverted(LeadStatus),
}

impl std::fmt::Display for LeadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LeadError::Unqualified(why) => write!(f, "response does not qualify: {why}"),
            LeadError::NotOpen(LeadStatus::Closed { outcome }) => {
                write!(f, "lead is already closed ({})", outcome.as_str())
            }
            LeadError::NotOpen(LeadStatus::Converted) => {
                write!(f, "lead is converted: its opportunity is open")
            }
            LeadError::NotOpen(status) => write!(f, "lead is not open ({status:?})"),
            LeadError::NotConverted(status) => write!(
                f,
                "lead has no open opportunity ({})",
                match status {
                    LeadStatus::Open => "not converted yet".to_string(),
                    LeadStatus::Converted => "converted".to_string(),
                    LeadStatus::Closed { outcome } => format!("closed {}", outcome.as_str()),
                }
            ),
            LeadError::UnknownStage(stage) => write!(f, "unknown sales stage {stage:?}"),
        }
    }
}

impl std::error::Error for LeadError {}

impl Lead {
    /// Opens an unclaimed lead from a captured response, or says why not.
    pub fn open(response: &Response, rank: Option<Rank>, points: i32) -> Result<Lead, LeadError> {
        if !response.qualification.qualified {
            let why = response.qualification.reason.clone().unwrap_or_default();
            return Err(LeadError::Unqualified(why));
        }
        let interest = match (&response.interest, response.intent) {
            (Some(i), _) if !i.trim().is_empty() => i.trim().to_string(),
            (_, Some(intent)) => format!("reply: {}", intent_name(intent)),
            _ => {
                return Err(LeadError::Unqualified(
                    "no primary purchase interest".into(),
                ));
            }
        };
        Ok(Lead {
            response: response.id.clone(),
            contact: response.contact.clone(),
            interest,
            timeline: response.timeline,
            rank,
            points,
            ownership: Ownership::Unclaimed {
                since: response.received,
            },
            status: LeadStatus::Open,
        })
    }

    /// Converts an open lead into an opportunity; the converting rep becomes
    /// the owner. The win probability is the stage's default.
    pub fn convert(
        &self,
        rep: &str,
        at: Timestamp,
        draft: OpportunityDraft,
        stages: &SalesStages,
    ) -> Result<(Lead, Opportunity), LeadError> {
        if self.status != LeadStatus::Open {
            return Err(LeadError::NotOpen(self.status));
        }
        let stage_name = draft
            .stage
            .unwrap_or_else(|| stages.first_open().to_string());
        let stage = stages
            .get(&stage_name)
            .ok_or_else(|| LeadError::UnknownStage(stage_name.clone()))?;
        let mut lead = self.clone();
        lead.status = LeadStatus::Converted;
        // The rep who already owns it keeps their original claim time.
        if self.ownership.owner() != Some(rep) {
            lead.ownership = Ownership::Owned {
                rep: rep.to_string(),
                since: at,
            };
        }
        let opportunity = Opportunity {
            lead: self.response.clone(),
            owner: rep.to_string(),
            revenue: draft.revenue,
            stage: stage.name.clone(),
            win_probability: stage.probability,
            expected_close: draft.expected_close,
            outcome: None,
            closed_at: None,
        };
        Ok((lead, opportunity))
    }

    /// Closes an open lead without an opportunity (e.g. lost to a competitor).
    pub fn close(&self, outcome: Outcome) -> Result<Lead, LeadError> {
        if self.status != LeadStatus::Open {
            return Err(LeadError::NotOpen(self.status));
        }
        let mut lead = self.clone();
        lead.status = LeadStatus::Closed { outcome };
        Ok(lead)
    }

    /// Closes a converted lead together with its opportunity, which moves to
    /// the stage that closes with `outcome` (see [`Opportunity::close`]). The
    /// last step of response → lead → opportunity → won/lost.
    pub fn close_opportunity(
        &self,
        opportunity: &Opportunity,
        outcome: Outcome,
        at: Timestamp,
        stages: &SalesStages,
    ) -> Result<(Lead, Opportunity), LeadError> {
        if self.status != LeadStatus::Converted || opportunity.outcome.is_some() {
            return Err(LeadError::NotConverted(self.status));
        }
        let mut lead = self.clone();
        lead.status = LeadStatus::Closed { outcome };
        Ok((lead, opportunity.close(outcome, at, stages)))
    }
}

/// What a rep states when converting a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityDraft {
    pub revenue: Money,
    pub expected_close: Date,
    /// Starting stage; the first open stage when `None`.
    pub stage: Option<String>,
}

/// An amount in minor units (cents) of an ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor_units: u64,
    pub currency: String,
}

/// A lead with revenue, stage, win probability and expected close date; only
/// opportunities enter the forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    pub lead: ResponseId,
    pub owner: String,
    pub revenue: Money,
    pub stage: String,
    /// Percent, 0–100.
    pub win_probability: u8,
    #[serde(with = "date_text")]
    pub expected_close: Date,
    /// Set once the opportunity is won or lost; `None` while it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// When it was closed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
}

impl Opportunity {
    /// Closes the opportunity as won or lost: it moves to the first stage
    /// that closes with `outcome` (default stages `won` 100 %, `lost` 0 %),
    /// or, when none is configured, to a stage named after the outcome.
    pub fn close(&self, outcome: Outcome, at: Timestamp, stages: &SalesStages) -> Opportunity {
        let mut next = self.clone();
        match stages.stages.iter().find(|s| s.closes == Some(outcome)) {
            Some(stage) => {
                next.stage = stage.name.clone();
                next.win_probability = stage.probability;
            }
            None => {
                next.stage = outcome.as_str().to_string();
                next.win_probability = match outcome {
                    Outcome::Won => 100,
                    Outcome::Lost => 0,
                };
            }
        }
        next.outcome = Some(outcome);
        next.closed_at = Some(at.to_string());
        next
    }

    /// Moves to `stage`, taking its default win probability. Reaching a stage
    /// that closes (won/lost) returns the outcome so the lead can be closed.
    pub fn advance(
        &self,
        stage: &str,
        stages: &SalesStages,
    ) -> Result<(Opportunity, Option<Outcome>), LeadError> {
        let s = stages
            .get(stage)
            .ok_or_else(|| LeadError::UnknownStage(stage.to_string()))?;
        let mut next = self.clone();
        next.stage = s.name.clone();
        next.win_probability = s.probability;
        Ok((next, s.closes))
    }

    /// Revenue × win probability, in minor units: what the forecast sums.
    pub fn weighted_minor_units(&self) -> u64 {
        self.revenue
            .minor_units
            .saturating_mul(u64::from(self.win_probability.min(100)))
            / 100
    }
}

/// The sales stages in order, with default win probabilities. Serde config
/// (`[[sales.stages]]`); defaults: prospecting 10, qualification 20,
/// proposal 50, negotiation 75, won 100, lost 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SalesStages {
    pub stages: Vec<Stage>,
}

/// One sales stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub name: String,
    /// Default win probability in percent.
    pub probability: u8,
    /// Set for terminal stages: reaching it closes the opportunity.
    #[serde(default)]
    pub closes: Option<Outcome>,
}

impl Default for SalesStages {
    fn default() -> Self {
        let stage = |name: &str, probability, closes| Stage {
            name: name.to_string(),
            probability,
            closes,
        };
        SalesStages {
            stages: vec![
                stage("prospecting", 10, None),
                stage("qualification", 20, None),
                stage("proposal", 50, None),
                stage("negotiation", 75, None),
                stage("won", 100, Some(Outcome::Won)),
                stage("lost", 0, Some(Outcome::Lost)),
            ],
        }
    }
}

impl SalesStages {
    /// The stage called `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Stage> {
        let name = name.trim();
        self.stages
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The first stage that does not close; where new opportunities start.
    pub fn first_open(&self) -> &str {
        self.stages
            .iter()
            .find(|s| s.closes.is_none())
            .map_or("prospecting", |s| s.name.as_str())
    }

    /// Checks what serde cannot: probabilities ≤ 100, unique names, one open stage.
    pub fn validate(&self) -> Result<(), String> {
        for (i, s) in self.stages.iter().enumerate() {
            if s.probability > 100 {
                return Err(format!(
                    "sales.stages[{i}] ({}): probability above 100",
                    s.name
                ));
            }
            if self.stages[..i]
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(&s.name))
            {
                return Err(format!("sales.stages[{i}]: duplicate stage {:?}", s.name));
            }
        }
        if self.stages.iter().all(|s| s.closes.is_some()) {
            return Err("sales.stages: needs at least one stage that does not close".into());
        }
        Ok(())
    }
}

/// Serde for [`Timestamp`] as RFC 3339 text (jiff is built without serde).
pub mod timestamp_text {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(ts: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(ts)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }
}

/// Serde for [`Date`] as `YYYY-MM-DD`.
pub mod date_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_lead() -> Lead {
        let contact = Contact {
            email: Some("p@x.example".into()),
            ..Contact::default()
        };
        Lead {
            response: ResponseId("r1".into()),
            contact,
            interest: "solar".into(),
            timeline: None,
            rank: None,
            points: 0,
            ownership: Ownership::Unclaimed {
                since: Timestamp::UNIX_EPOCH,
            },
            status: LeadStatus::Open,
        }
    }

    fn placeholder() -> Opportunity {
        Opportunity {
            lead: ResponseId("r1".into()),
            owner: "Dana".into(),
            revenue: Money {
                minor_units: 1,
                currency: "USD".into(),
            },
            stage: "prospecting".into(),
            win_probability: 10,
            expected_close: "2027-01-31".parse().unwrap(),
            outcome: None,
            closed_at: None,
        }
    }

    #[test]
    fn converted_lead_closes_with_its_opportunity() {
        let stages = SalesStages::default();
        let draft = OpportunityDraft {
            revenue: Money {
                minor_units: 100,
                currency: "USD".into(),
            },
            expected_close: "2027-01-31".parse().unwrap(),
            stage: None,
        };
        let lead = open_lead();
        assert_eq!(
            lead.close_opportunity(&placeholder(), Outcome::Won, Timestamp::UNIX_EPOCH, &stages),
            Err(LeadError::NotConverted(LeadStatus::Open))
        );
        let (converted, opportunity) = lead
            .convert("Dana", Timestamp::UNIX_EPOCH, draft, &stages)
            .unwrap();
        assert!(converted.close(Outcome::Won).is_err());
        let (closed, won) = converted
            .close_opportunity(&opportunity, Outcome::Won, Timestamp::UNIX_EPOCH, &stages)
            .unwrap();
        assert_eq!(
            closed.status,
            LeadStatus::Closed {
                outcome: Outcome::Won
            }
        );
        assert_eq!((won.stage.as_str(), won.win_probability), ("won", 100));
        assert_eq!(won.outcome, Some(Outcome::Won));
        let again = closed.close_opportunity(&won, Outcome::Lost, Timestamp::UNIX_EPOCH, &stages);
        assert!(again.unwrap_err().to_string().contains("closed won"));
        // Without a closing stage configured, the outcome names the stage.
        let custom = SalesStages {
            stages: vec![Stage {
                name: "talking".into(),
                probability: 30,
                closes: None,
            }],
        };
        let lost = opportunity.close(Outcome::Lost, Timestamp::UNIX_EPOCH, &custom);
        assert_eq!((lost.stage.as_str(), lost.win_probability), ("lost", 0));
    }
}
