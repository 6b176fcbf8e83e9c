//! Qualification and scoring: an explainable score (reasons with points)
//! mapped to one of six ranks. Pure functions; routing acts on the result.
//!
//! - [`config`]: the `[scoring]` settings and their documented defaults.
//! - [`signals`]: size and product words read from free text.
//! - [`conversion`]: Response → Lead → Opportunity and [`qualify`].

pub mod config;
pub mod conversion;
pub mod signals;

use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use config::ScoringConfig;
pub use conversion::{Qualification, qualify};

use crate::understand::{Contact, Intent, Kind, Timeline, Understanding};
use conversion::{has_text, lead_at};
use signals::SizeClass;

/// The six lead-value ranks (DESIGN.md), each with its routing action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    /// Sales inbox now.
    Hot,
    /// Call-center queue.
    HighPotential,
    /// Call center completes the facts, then the lead is re-scored.
    NeedInformation,
    /// Web self-service reply.
    LowPotential,
    /// Forwarded to a partner address.
    Partner,
    /// Nurture sequence.
    NeedNurturing,
}

impl Rank {
    /// The snake_case name used in JSON and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Rank::Hot => "hot",
            Rank::HighPotential => "high_potential",
            Rank::NeedInformation => "need_information",
            Rank::LowPotential => "low_potential",
            Rank::Partner => "partner",
            Rank::NeedNurturing => "need_nurturing",
        }
    }
}

/// One line of the explanation: why the score moved (or, with 0 points, why
/// a rule decided the rank).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub points: i32,
    pub why: String,
}

/// A lead's score and the rank it maps to. `points` is the sum of the
/// reasons' points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub points: i32,
    pub rank: Rank,
    pub reasons: Vec<Reason>,
}

impl Score {
    /// The `reasons` array of the inspect contract: `[{points, why}]`.
    pub fn reasons_json(&self) -> Value {
        Value::Array(
            self.reasons
                .iter()
                .map(|r| json!({"points": r.points, "why": r.why}))
                .collect(),
        )
    }
}

/// What carousel knows about the contact beyond this message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Engagement {
    /// Earlier replies from the same contact.
    pub replies: u32,
}

static DEFAULT_CONFIG: Lazy<ScoringConfig> = Lazy::new(ScoringConfig::default);

/// Scores a lead (or a reply) of an understood message with the default
/// settings; `None` for bounces, auto-replies, other mail, and replies that
/// decline (`not_interested`, `unsubscribe`).
pub fn score(u: &Understanding, lead_index: Option<usize>) -> Option<Score> {
    score_with(u, lead_index, &DEFAULT_CONFIG)
}

/// [`score`] with configured settings.
pub fn score_with(
    u: &Understanding,
    lead_index: Option<usize>,
    cfg: &ScoringConfig,
) -> Option<Score> {
    score_engaged(u, lead_index, cfg, Engagement::default())
}

/// [`score_with`] plus what the store knows about earlier engagement.
pub fn score_engaged(
    u: &Understanding,
    lead_index: Option<usize>,
    cfg: &ScoringConfig,
    engagement: Engagement,
) -> Option<Score> {
    let mut tally = Tally::default();
    let facts = match u.kind {
        Kind::Lead => lead_facts(u, lead_index, cfg, &mut tally)?,
        Kind::Reply => reply_facts(u, cfg, &mut tally)?,
        Kind::AutoReply | Kind::Bounce | Kind::Other => return None,
    };
    if engagement.replies > 0 {
        let earned = i32::try_from(engagement.replies)
            .unwrap_or(i32::MAX)
            .saturating_mul(cfg.engagement.per_reply)
            .min(cfg.engagement.max);
        let noun = if engagement.replies == 1 {
            "reply"
        } else {
            "replies"
        };
        tally.add(earned, format!("{} earlier {noun}", engagement.replies));
    }
    let rank = decide_rank(tally.points(), &facts, cfg, &mut tally);
    Some(Score {
        points: tally.points(),
        rank,
        reasons: tally.reasons,
    })
}

/// The explanation being built.
#[derive(Default)]
struct Tally {
    reasons: Vec<Reason>,
}

impl Tally {
    /// Records a fact that moved the score; zero-point facts are left out.
    fn add(&mut self, points: i32, why: impl Into<String>) {
        if points != 0 {
            self.reasons.push(Reason {
                points,
                why: why.into(),
            });
        }
    }

    /// Records the rule that decided the rank (0 points).
    fn rule(&mut self, why: impl Into<String>) {
        self.reasons.push(Reason {
            points: 0,
            why: why.into(),
        });
    }

    fn points(&self) -> i32 {
        self.reasons
            .iter()
            .fold(0i32, |sum, r| sum.saturating_add(r.points))
    }
}

/// The facts rank rules look at, beside the points.
struct RankFacts {
    /// Why the sender cannot be believed (a provider rule required an
    /// aligned DKIM/SPF/DMARC pass and it failed); caps the rank.
    unauthenticated: Option<String>,
    partner: Option<String>,
    /// What key fact is missing, if any ("no purchase interest stated").
    missing: Option<String>,
    /// Why the lead is too early for sales, if it is.
    nurture: Option<String>,
    /// Why the timing alone makes the lead hot (a `hot_timelines` timeline
    /// with a reachable contact), if it does.
    hot_timing: Option<String>,
}

fn lead_facts(
    u: &Understanding,
    lead_index: Option<usize>,
    cfg: &ScoringConfig,
    tally: &mut Tally,
) -> Option<RankFacts> {
    let lead = lead_at(u, lead_index)?;
    match lead.timeline {
        Some(t) => tally.add(
            cfg.timeline.points(Some(t)),
            format!("timeline {}", timeline_name(t)),
        ),
        None => tally.add(cfg.timeline.points(None), "no purchase timeline stated"),
    }
    let interest = lead
        .interest
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(interest) = interest {
        tally.add(
            cfg.interest.stated,
            format!("states an interest: {}", short(interest)),
        );
    }
    let texts: Vec<&str> = [lead.interest.as_deref(), lead.message.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    product_fit(&texts, cfg, tally);
    let mut size_texts = texts.clone();
    size_texts.extend(lead.contact.company.as_deref());
    company_size(&size_texts, cfg, tally);
    contact_completeness(&lead.contact, cfg, tally);
    if let Some(provider) = u.provider.as_deref()
        && let Some(points) = cfg.provider_points(provider)
    {
        tally.add(points, format!("provider {provider}"));
    }
    let rule_name = lead.source.strip_prefix("rule:");
    let partner = [u.provider.as_deref(), rule_name]
        .into_iter()
        .flatten()
        .find(|p| cfg.is_partner(p))
        .map(str::to_string);
    let missing = match (lead.contact.is_reachable(), interest.is_some()) {
        // The extractor's own verdict comes first (it knows relay addresses).
        _ if has_text(&lead.unqualified) => lead.unqualified.clone(),
        (true, true) => None,
        (false, true) => Some("no reachable contact (email or phone)".to_string()),
        (true, false) => Some("no purchase interest stated".to_string()),
        (false, false) => Some("no reachable contact and no purchase interest".to_string()),
    };
    let nurture = lead
        .timeline
        .filter(|t| cfg.nurture_timelines.contains(t))
        .map(|t| format!("timeline {} is too early for sales", timeline_name(t)));
    let hot_timing = lead
        .timeline
        .filter(|t| cfg.hot_timelines.contains(t) && lead.contact.is_reachable())
        .map(|t| {
            format!(
                "timeline {} with a reachable contact: hot whatever the points",
                timeline_name(t)
            )
        });
    let unauthenticated = u
        .auth
        .as_ref()
        .filter(|a| a.failed())
        .map(|a| a.detail.clone());
    Some(RankFacts {
        unauthenticated,
        partner,
        missing,
        nurture,
        hot_timing,
    })
}

fn reply_facts(u: &Understanding, cfg: &ScoringConfig, tally: &mut Tally) -> Option<RankFacts> {
    let reading = u.reply.as_ref();
    let intent = reading.and_then(|r| r.intent);
    let mut missing = None;
    let mut nurture = None;
    match intent {
        Some(Intent::NotInterested | Intent::Unsubscribe) => return None,
        Some(Intent::Interested) => tally.add(cfg.intent.interested, "reply: interested"),
        Some(Intent::Question) => tally.add(cfg.intent.question, "reply: asks a question"),
        Some(Intent::Referral) => {
            tally.add(cfg.intent.referral, "reply: refers to a colleague");
            let who = reading
                .and_then(|r| r.referral_email.as_deref())
                .unwrap_or("a colleague");
            missing = Some(format!("referred to {who}: confirm the decision maker"));
        }
        Some(Intent::NotNow) => {
            tally.add(cfg.intent.not_now, "reply: not now");
            let when = reading
                .and_then(|r| r.revisit.as_deref())
                .map_or(String::new(), |d| format!(", revisit {d}"));
            nurture = Some(format!("reply says not now{when}"));
        }
        None => missing = Some("reply intent not recognised: a person should read it".to_string()),
    }
    let text = reading.and_then(|r| r.text.as_deref()).unwrap_or("");
    product_fit(&[text], cfg, tally);
    let mut size_texts = vec![text];
    size_texts.extend(u.contact.company.as_deref());
    company_size(&size_texts, cfg, tally);
    contact_completeness(&u.contact, cfg, tally);
    if !u.contact.is_reachable() {
        missing = Some("no reachable contact (email or phone)".to_string());
    }
    Some(RankFacts {
        unauthenticated: None,
        partner: None,
        missing,
        nurture,
        hot_timing: None,
    })
}

/// The rank rules, in order: failed sender authentication, partner, missing
/// facts, too early, hot timing, thresholds.
fn decide_rank(points: i32, facts: &RankFacts, cfg: &ScoringConfig, tally: &mut Tally) -> Rank {
    if let Some(detail) = &facts.unauthenticated {
        tally.rule(format!("sender failed authentication: {detail}"));
        return Rank::NeedInformation;
    }
    if let Some(partner) = &facts.partner {
        tally.rule(format!("partner-sourced lead ({partner})"));
        return Rank::Partner;
    }
    if let Some(missing) = &facts.missing {
        tally.rule(format!("missing key facts: {missing}"));
        return Rank::NeedInformation;
    }
    if let Some(why) = &facts.nurture {
        tally.rule(why.clone());
        return Rank::NeedNurturing;
    }
    if points >= cfg.thresholds.hot {
        Rank::Hot
    } else if let Some(why) = &facts.hot_timing {
        // Only said when it changed the rank, so the explanation stays short.
        tally.rule(why.clone());
        Rank::Hot
    } else if points >= cfg.thresholds.high_potential {
        Rank::HighPotential
    } else {
        Rank::LowPotential
    }
}

fn product_fit(texts: &[&str], cfg: &ScoringConfig, tally: &mut Tally) {
    if let Some((product, keyword)) = signals::best_product(texts, &cfg.interest.products) {
        tally.add(
            product.points,
            format!("interest fits product {} ({keyword})", product.name),
        );
    }
}

fn company_size(texts: &[&str], cfg: &ScoringConfig, tally: &mut Tally) {
    let Some(size) = signals::size(texts, &cfg.size) else {
        return;
    };
    let (points, label) = match size.class {
        SizeClass::Large => (cfg.size.large, "large organisation"),
        SizeClass::Medium => (cfg.size.medium, "mid-size organisation"),
        SizeClass::Small => (cfg.size.small, "small organisation"),
    };
    tally.add(points, format!("{label}: {}", short(&size.evidence)));
}

fn contact_completeness(contact: &Contact, cfg: &ScoringConfig, tally: &mut Tally) {
    let points = &cfg.contact;
    if has_text(&contact.email) {
        tally.add(points.email, "email address");
    }
    if has_text(&contact.phone) {
        tally.add(points.phone, "phone number");
    }
    if has_text(&contact.name) {
        tally.add(points.name, "name");
    }
    if has_text(&contact.company) {
        tally.add(points.company, "company");
    }
}

/// The snake_case name of a timeline, as in JSON.
pub fn timeline_name(t: Timeline) -> &'static str {
    match t {
        Timeline::Immediate => "immediate",
        Timeline::Within3Months => "within_3_months",
        Timeline::ThreeTo6Months => "3_to_6_months",
        Timeline::SixTo12Months => "6_to_12_months",
        Timeline::Over12Months => "over_12_months",
        Timeline::Researching => "researching",
    }
}

/// At most 60 characters of free text for an explanation line.
fn short(text: &str) -> String {
    let flat: String = signals::bounded(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() <= 60 {
        return flat;
    }
    let cut: String = flat.chars().take(59).collect();
    format!("{cut}…")
}
