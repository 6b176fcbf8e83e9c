//! Reports: response rates per campaign, provider ROI, speed-to-lead, the
//! funnel, the forecast and nurture steps.
//!
//! [`Snapshot::load`] reads the records once (effects at the edge); [`build`]
//! is a pure function from a snapshot to a [`Report`], so a scripted scenario
//! can check exact numbers. Stage-owned trees (`leads`, `opportunities`) are
//! read leniently: missing trees or unknown shapes count as "none yet".
//!
//! Definitions (what each number means):
//! - *sent*: nurture emails in the outbox in state `sent`; *bounced*: sent
//!   emails named by a bounce (by its campaign link, else its recipient);
//!   *delivered* = sent − bounced; *responses*: distinct contacts whose reply
//!   links to a campaign email (auto-replies and bounces are never
//!   responses); *response rate* = responses ÷ delivered.
//! - *unsubscribes* (per campaign and step): contacts who unsubscribed
//!   after a campaign email — by a reply asking for it, or by the link,
//!   one-click POST or mailto (the suppression list) — counted once each,
//!   for the last campaign email sent to them.
//! - *leads* (per provider): lead responses; *qualified*: those with a lead
//!   record (or, before the act stage has written any, those with a
//!   reachable contact and an interest); *cost* = `[costs]` price × leads;
//!   *ROI* = (won revenue − cost) ÷ cost.
//! - *speed to lead*: from a lead's arrival to its first contact — the rep's
//!   claim or the first email sent to the prospect, whichever is first.
//! - *forecast*: open opportunities, Σ revenue × win probability, by the
//!   month of the expected close.
//! - *sender blocked at*: recipient domains where several recipients bounced
//!   for a sender-side reason within a day ([`crate::deliverability`]).

pub mod html;
pub mod interactions;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use anyhow::Context as _;
use jiff::Timestamp;
use serde::Serialize;

use crate::act::leads::LeadRecord;
use crate::outbox::{Delivery, OutboundRecord, Purpose};
use crate::qualify::conversion::{Opportunity, Outcome, Ownership, SalesStages};
use crate::store::Store;
use crate::store::model::ResponseRecord;
use crate::understand::{Intent, Kind};

/// `--since DATE` and `--campaign X`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since: Option<Timestamp>,
    pub campaign: Option<String>,
}

impl Filter {
    /// From the `--since` and `--campaign` arguments as given.
    pub fn parse(since: Option<&str>, campaign: Option<&str>) -> anyhow::Result<Filter> {
        Ok(Filter {
            since: since.map(parse_since).transpose()?,
            campaign: campaign.map(str::to_string),
        })
    }

    fn keeps(&self, at: Option<Timestamp>) -> bool {
        match (self.since, at) {
            (Some(since), Some(at)) => at >= since,
            _ => true,
        }
    }
}

/// `2026-11-01` (midnight UTC) or a full RFC 3339 time.
pub fn parse_since(text: &str) -> anyhow::Result<Timestamp> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    let date: jiff::civil::Date = text
        .parse()
        .with_context(|| format!("--since {text:?}: expected YYYY-MM-DD or an RFC 3339 time"))?;
    Ok(date.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp())
}

/// A bounce or auto-reply: what the report needs from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    pub at: Option<Timestamp>,
    /// The Message-ID it answers, when known.
    pub answers: Option<String>,
    /// Bounce recipients, or the auto-replying sender.
    pub addresses: Vec<String>,
}

/// What the report reads from a lead record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeadFacts {
    /// The lead's own id (`r42`), which opportunities name.
    pub id: Option<String>,
    pub response: Option<u64>,
    pub email: Option<String>,
    pub claimed_at: Option<Timestamp>,
}

/// What the report reads from an opportunity record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityFacts {
    /// The response the opportunity came from (resolved through its lead).
    pub lead: Option<u64>,
    /// The lead id as the record names it (`r42`).
    pub lead_id: Option<String>,
    pub revenue_minor: u64,
    pub currency: String,
    pub probability: u8,
    pub expected_close: String,
    pub won: bool,
    pub lost: bool,
}

/// Every record a report reads, loaded once.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub responses: Vec<ResponseRecord>,
    pub notices: Vec<Notice>,
    pub outbox: Vec<OutboundRecord>,
    pub leads: Vec<LeadFacts>,
    pub opportunities: Vec<OpportunityFacts>,
    /// Addresses on the suppression list because they unsubscribed.
    pub unsubscribed: Vec<Unsubscribed>,
    /// Unsubscribes and resubscribes, all time (store counters).
    pub subscriptions: Subscriptions,
    /// Warnings that a recipient domain blocks the sender.
    pub domain_blocks: Vec<crate::deliverability::DomainAlert>,
}

/// An unsubscribe by link, one-click POST or mailto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    pub email: String,
    pub at: Option<Timestamp>,
}

/// People leaving and coming back to the nurture emails (links, replies, mailbox).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Subscriptions {
    pub unsubscribes: u64,
    pub resubscribes: u64,
}

impl Snapshot {
    /// Reads the store; `--since` is applied here (arrival / send time).
    pub fn load(store: &Store, filter: &Filter) -> anyhow::Result<Snapshot> {
        let mut snap = Snapshot {
            subscriptions: Subscriptions {
                unsubscribes: store.counter("unsubscribes")?,
                resubscribes: store.counter("resubscribes")?,
            },
            ..Snapshot::default()
        };
        for r in store.responses() {
            let r = r?;
            if filter.keeps(r.received_at.parse().ok()) {
                snap.responses.push(r);
            }
        }
        for m in store.messages() {
            let m = m?;
            if !matches!(m.kind, Kind::Bounce | Kind::AutoReply) {
                continue;
            }
            let at = m.stored_at.parse().ok();
            if !filter.keeps(at) {
                continue;
            }
            let u = &m.understanding;
            let addresses = match m.kind {
                Kind::Bounce => u
                    .bounces
                    .iter()
                    .filter_map(|b| b.recipient.as_deref())
                    .map(crate::understand::normalize_email)
                    .collect(),
                _ => u.contact.email.iter().cloned().collect(),
            };
            snap.notices.push(Notice {
                kind: m.kind,
                at,
                answers: u.campaign_link.as_ref().and_then(|l| l.message_id.clone()),
                addresses,
            });
        }
        for o in crate::outbox::records(store)? {
            if filter.keeps(o.enqueued_at.parse().ok()) {
                snap.outbox.push(o);
            }
        }
        // A record that does not decode (written by a newer version, say)
        // is left out of the report rather than failing it.
        for v in store.tree(crate::act::leads::LEADS)?.iter().values() {
            if let Ok(record) = crate::store::decode::<LeadRecord>("leads", &v?) {
                snap.leads.push(lead_facts(&record));
            }
        }
        for v in store
            .tree(crate::act::leads::OPPORTUNITIES)?
            .iter()
            .values()
        {
            if let Ok(o) = crate::store::decode::<Opportunity>("opportunities", &v?) {
                snap.opportunities.push(opportunity_facts(&o));
            }
        }
        for item in store.tree(crate::outbox::suppression::SUPPRESSION)?.iter() {
            let (key, v) = item?;
            let Ok(value) = crate::store::decode::<serde_json::Value>("suppression", &v) else {
                continue;
            };
            if value.get("reason").and_then(|r| r.as_str()) != Some("unsubscribe") {
                continue;
            }
            let at = value
                .get("at")
                .and_then(|a| a.as_str())
                .and_then(|a| a.parse().ok());
            if filter.keeps(at) {
                snap.unsubscribed.push(Unsubscribed {
                    email: String::from_utf8_lossy(&key).into_owned(),
                    at,
                });
            }
        }
        snap.resolve_opportunity_leads();
        for a in crate::deliverability::alerts(store)? {
            if filter.keeps(a.at.parse().ok()) {
                snap.domain_blocks.push(a);
            }
        }
        Ok(snap)
    }

    /// Opportunities name their lead (`r42`); the report counts them by the
    /// lead's response, so look it up in the lead records.
    pub fn resolve_opportunity_leads(&mut self) {
        let responses: HashMap<&str, u64> = self
            .leads
            .iter()
            .filter_map(|l| Some((l.id.as_deref()?, l.response?)))
            .collect();
        for o in &mut self.opportunities {
            if let Some(response) = o.lead_id.as_deref().and_then(|id| responses.get(id)) {
                o.lead = Some(*response);
            }
        }
    }
}

/// The whole report (`report --json` prints it as one object).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub generated_at: String,
    pub since: Option<String>,
    pub campaign: Option<String>,
    pub campaigns: Vec<CampaignRow>,
    pub providers: Vec<ProviderRow>,
    pub speed_to_lead: SpeedToLead,
    pub funnel: Funnel,
    pub forecast: Vec<ForecastMonth>,
    pub nurture: Vec<NurtureStep>,
    /// Unsubscribes and resubscribes, all time.
    pub subscriptions: Subscriptions,
    /// Currency of the money figures (the opportunities'), when known.
    pub currency: Option<String>,
    /// Recipient domains that blocked the sender (several recipients there
    /// bounced for a sender-side reason within a day), newest first.
    pub domain_blocks: Vec<crate::deliverability::DomainAlert>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CampaignRow {
    pub campaign: String,
    pub sent: u64,
    pub bounced: u64,
    pub delivered: u64,
    pub auto_replies: u64,
    pub responses: u64,
    pub response_rate: Option<f64>,
    pub unsubscribes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProviderRow {
    pub provider: String,
    pub leads: u64,
    pub qualified: u64,
    pub qualification_rate: Option<f64>,
    pub cost: Option<f64>,
    pub cost_per_lead: Option<f64>,
    pub cost_per_qualified_lead: Option<f64>,
    pub opportunities: u64,
    pub won: u64,
    pub won_revenue: f64,
    pub roi: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpeedToLead {
    pub leads: u64,
    pub contacted: u64,
    pub p50_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub p99_seconds: Option<f64>,
    pub within_5_min: Option<f64>,
    pub within_1_hour: Option<f64>,
    pub never: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Funnel {
    pub responses: u64,
    pub leads: u64,
    pub opportunities: u64,
    pub won: u64,
    pub response_to_lead: Option<f64>,
    pub lead_to_opportunity: Option<f64>,
    pub opportunity_to_won: Option<f64>,
    pub response_to_won: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ForecastMonth {
    /// `YYYY-MM` of the expected close (`unknown` when missing).
    pub month: String,
    pub opportunities: u64,
    pub pipeline: f64,
    pub weighted: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NurtureStep {
    pub campaign: String,
    pub step: u32,
    pub sends: u64,
    pub replies: u64,
    pub unsubscribes: u64,
    pub bounces: u64,
}

/// Rounds a ratio to 4 decimals (what the JSON shows); `None` for x/0.
fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| round(n as f64 / d as f64, 4))
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn major(minor: u64) -> f64 {
    round(minor as f64 / 100.0, 2)
}

/// What the report needs of a lead record.
pub fn lead_facts(record: &LeadRecord) -> LeadFacts {
    let claimed_at = match &record.lead.ownership {
        Ownership::Owned { since, .. } => Some(*since),
        Ownership::Unclaimed { .. } => None,
    };
    LeadFacts {
        id: Some(record.id.clone()),
        response: Some(record.response),
        email: record
            .lead
            .contact
            .email
            .as_deref()
            .map(crate::understand::normalize_email),
        claimed_at,
    }
}

/// What the report needs of an opportunity record. Won or lost: the
/// recorded outcome, or a default stage that closes that way.
pub fn opportunity_facts(o: &Opportunity) -> OpportunityFacts {
    let closes = SalesStages::default().get(&o.stage).and_then(|s| s.closes);
    OpportunityFacts {
        lead: o.lead.0.trim().parse().ok(),
        lead_id: Some(o.lead.0.clone()),
        revenue_minor: o.revenue.minor_units,
        currency: o.revenue.currency.clone(),
        probability: o.win_probability.min(100),
        expected_close: o.expected_close.to_string(),
        won: closes == Some(Outcome::Won) || o.outcome == Some(Outcome::Won),
        lost: closes == Some(Outcome::Lost) || o.outcome == Some(Outcome::Lost),
    }
}

const NO_CAMPAIGN: &str = "(none)";
const NO_PROVIDER: &str = "(unknown)";

/// Builds the report from a snapshot and `[costs]` (price per lead by
/// provider). Pure: same snapshot, same report.
pub fn build(snap: &Snapshot, costs: &BTreeMap<String, f64>, filter: &Filter) -> Report {
    build_at(snap, costs, filter, Timestamp::now())
}

/// [`build`] with the costs and the clock given (for tests).
pub fn build_at(
    snap: &Snapshot,
    costs: &BTreeMap<String, f64>,
    filter: &Filter,
    now: Timestamp,
) -> Report {
    // Campaign emails: Message-ID → (campaign, step), and address → Message-IDs.
    let mut campaign_mail: HashMap<&str, (String, u32)> = HashMap::new();
    let mut sent_to: HashMap<String, Vec<&str>> = HashMap::new();
    for o in &snap.outbox {
        if let (Purpose::Nurture { step, campaign, .. }, Delivery::Sent { .. }) =
            (&o.email.purpose, &o.delivery)
        {
            let c = campaign.clone().unwrap_or_else(|| NO_CAMPAIGN.into());
            campaign_mail.insert(o.email.message_id.as_str(), (c, *step));
            for to in &o.email.to {
                sent_to
                    .entry(crate::understand::normalize_email(to))
                    .or_default()
                    .push(o.email.message_id.as_str());
            }
        }
    }
    // Which campaign email a notice or reply answers: the linked Message-ID,
    // else the last campaign email sent to that address.
    let linked = |answers: Option<&str>, address: Option<&str>| -> Option<&str> {
        let trimmed = answers.map(|a| a.trim().trim_start_matches('<').trim_end_matches('>'));
        if let Some(id) = trimmed
            && let Some((key, _)) = campaign_mail.get_key_value(id)
        {
            return Some(*key);
        }
        address
            .map(crate::understand::normalize_email)
            .and_then(|a| sent_to.get(&a))
            .and_then(|ids| ids.last().copied())
    };

    let mut campaigns: BTreeMap<String, CampaignRow> = BTreeMap::new();
    let mut steps: BTreeMap<(String, u32), NurtureStep> = BTreeMap::new();
    for (id, (c, step)) in &campaign_mail {
        let _ = id;
        campaigns.entry(c.clone()).or_default().sent += 1;
        steps.entry((c.clone(), *step)).or_default().sends += 1;
    }
    let mut bounced: BTreeSet<&str> = BTreeSet::new();
    let mut auto_replied: BTreeSet<&str> = BTreeSet::new();
    for n in &snap.notices {
        let targets: Vec<&str> = if n.addresses.is_empty() {
            linked(n.answers.as_deref(), None).into_iter().collect()
        } else {
            n.addresses
                .iter()
                .filter_map(|a| linked(n.answers.as_deref(), Some(a)))
                .collect()
        };
        for t in targets {
            match n.kind {
                Kind::Bounce => bounced.insert(t),
                _ => auto_replied.insert(t),
            };
        }
    }
    for id in &bounced {
        let (c, step) = &campaign_mail[id];
        campaigns.entry(c.clone()).or_default().bounced += 1;
        steps.entry((c.clone(), *step)).or_default().bounces += 1;
    }
    for id in &auto_replied {
        let (c, _) = &campaign_mail[id];
        campaigns.entry(c.clone()).or_default().auto_replies += 1;
    }
    // Replies: one response per contact and campaign email.
    let mut responders: BTreeSet<(&str, String)> = BTreeSet::new();
    // (campaign, contact) pairs already counted as an unsubscribe.
    let mut unsubscribers: BTreeSet<(String, String)> = BTreeSet::new();
    for r in snap.responses.iter().filter(|r| r.kind == Kind::Reply) {
        let answers = r
            .campaign_link
            .as_ref()
            .and_then(|l| l.message_id.as_deref());
        let Some(id) = linked(answers, r.contact.email.as_deref()) else {
            continue;
        };
        let who = r
            .contact
            .email
            .as_deref()
            .map(crate::understand::normalize_email)
            .unwrap_or_else(|| format!("response:{}", r.id));
        if !responders.insert((id, who.clone())) {
            continue;
        }
        let (c, step) = &campaign_mail[id];
        let unsubscribe =
            r.intent == Some(Intent::Unsubscribe) && unsubscribers.insert((c.clone(), who));
        let row = campaigns.entry(c.clone()).or_default();
        row.responses += 1;
        row.unsubscribes += u64::from(unsubscribe);
        let s = steps.entry((c.clone(), *step)).or_default();
        s.replies += 1;
        s.unsubscribes += u64::from(unsubscribe);
    }
    // Unsubscribes by link, one-click or mailto, unless the reply counted them.
    for u in &snap.unsubscribed {
        let who = crate::understand::normalize_email(&u.email);
        let Some(id) = linked(None, Some(&who)) else {
            continue;
        };
        let (c, step) = &campaign_mail[id];
        if unsubscribers.insert((c.clone(), who)) {
            campaigns.entry(c.clone()).or_default().unsubscribes += 1;
            steps.entry((c.clone(), *step)).or_default().unsubscribes += 1;
        }
    }
    let keep_campaign = |c: &str| filter.campaign.as_deref().is_none_or(|f| f == c);
    let campaigns: Vec<CampaignRow> = campaigns
        .into_iter()
        .filter(|(c, _)| keep_campaign(c))
        .map(|(c, mut row)| {
            row.campaign = c;
            row.delivered = row.sent.saturating_sub(row.bounced);
            row.response_rate = ratio(row.responses, row.delivered);
            row
        })
        .collect();
    let nurture: Vec<NurtureStep> = steps
        .into_iter()
        .filter(|((c, _), _)| keep_campaign(c))
        .map(|((c, step), mut s)| {
            s.campaign = c;
            s.step = step;
            s
        })
        .collect();

    // Leads and their outcomes.
    let lead_records: HashMap<u64, &LeadFacts> = snap
        .leads
        .iter()
        .filter_map(|l| l.response.map(|id| (id, l)))
        .collect();
    let have_lead_records = !snap.leads.is_empty();
    let response_ids: BTreeSet<u64> = snap.responses.iter().map(|r| r.id).collect();
    let is_lead = |r: &ResponseRecord| {
        if have_lead_records {
            lead_records.contains_key(&r.id)
        } else {
            qualifies(r)
        }
    };
    // Opportunities are counted for responses in the snapshot (`--since`).
    let opportunities: Vec<&OpportunityFacts> = snap
        .opportunities
        .iter()
        .filter(|o| filter.since.is_none() || o.lead.is_some_and(|l| response_ids.contains(&l)))
        .collect();
    let mut opps_by_lead: HashMap<u64, Vec<&OpportunityFacts>> = HashMap::new();
    for o in &opportunities {
        if let Some(l) = o.lead {
            opps_by_lead.entry(l).or_default().push(o);
        }
    }

    let mut providers: BTreeMap<String, ProviderRow> = BTreeMap::new();
    for r in snap.responses.iter().filter(|r| r.kind == Kind::Lead) {
        let name = r.provider.clone().unwrap_or_else(|| NO_PROVIDER.into());
        let row = providers.entry(name).or_default();
        row.leads += 1;
        row.qualified += u64::from(is_lead(r));
        for o in opps_by_lead.get(&r.id).into_iter().flatten() {
            row.opportunities += 1;
            if o.won {
                row.won += 1;
                row.won_revenue += o.revenue_minor as f64;
            }
        }
    }
    let providers: Vec<ProviderRow> = providers
        .into_iter()
        .map(|(p, mut row)| {
            let price = costs.get(&p).copied();
            row.won_revenue = major(row.won_revenue as u64);
            row.cost = price.map(|c| round(c * row.leads as f64, 2));
            row.cost_per_lead = price;
            row.cost_per_qualified_lead = row
                .cost
                .filter(|_| row.qualified > 0)
                .map(|c| round(c / row.qualified as f64, 2));
            row.roi = row
                .cost
                .filter(|c| *c > 0.0)
                .map(|c| round((row.won_revenue - c) / c, 4));
            row.qualification_rate = ratio(row.qualified, row.leads);
            row.provider = p;
            row
        })
        .collect();

    // Speed to lead: arrival → claim or first email to the prospect.
    let mut first_sent: HashMap<String, Vec<Timestamp>> = HashMap::new();
    for o in &snap.outbox {
        if let Delivery::Sent { at, .. } = &o.delivery
            && let Ok(at) = at.parse::<Timestamp>()
        {
            for to in &o.email.to {
                first_sent
                    .entry(crate::understand::normalize_email(to))
                    .or_default()
                    .push(at);
            }
        }
    }
    let mut delays: Vec<f64> = Vec::new();
    let mut lead_count = 0u64;
    for r in snap.responses.iter().filter(|r| is_lead(r)) {
        lead_count += 1;
        let Ok(arrived) = r.received_at.parse::<Timestamp>() else {
            continue;
        };
        let email = r
            .contact
            .email
            .as_deref()
            .map(crate::understand::normalize_email);
        let claim = lead_records
            .get(&r.id)
            .and_then(|l| l.claimed_at)
            .filter(|t| *t >= arrived);
        let mailed = email
            .and_then(|e| first_sent.get(&e))
            .and_then(|ts| ts.iter().filter(|t| **t >= arrived).min().copied());
        let first = match (claim, mailed) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(t) = first {
            delays.push(
                (t - arrived)
                    .total(jiff::Unit::Second)
                    .unwrap_or(0.0)
                    .max(0.0),
            );
        }
    }
    delays.sort_by(|a, b| a.total_cmp(b));
    let within = |limit: f64| {
        ratio(
            delays.iter().filter(|d| **d <= limit).count() as u64,
            lead_count,
        )
    };
    let speed_to_lead = SpeedToLead {
        leads: lead_count,
        contacted: delays.len() as u64,
        p50_seconds: percentile(&delays, 50),
        p90_seconds: percentile(&delays, 90),
        p99_seconds: percentile(&delays, 99),
        within_5_min: within(300.0),
        within_1_hour: within(3600.0),
        never: ratio(lead_count - delays.len() as u64, lead_count),
    };

    // Funnel: response → lead → opportunity → won.
    let responses = snap.responses.len() as u64;
    let opp_count = opportunities.len() as u64;
    let won = opportunities.iter().filter(|o| o.won).count() as u64;
    let funnel = Funnel {
        responses,
        leads: lead_count,
        opportunities: opp_count,
        won,
        response_to_lead: ratio(lead_count, responses),
        lead_to_opportunity: ratio(opp_count, lead_count),
        opportunity_to_won: ratio(won, opp_count),
        response_to_won: ratio(won, responses),
    };

    // Forecast: open opportunities by close month.
    let mut months: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for o in opportunities.iter().filter(|o| !o.won && !o.lost) {
        let month = o
            .expected_close
            .get(..7)
            .filter(|m| m.as_bytes().get(4) == Some(&b'-'))
            .unwrap_or("unknown")
            .to_string();
        let e = months.entry(month).or_default();
        e.0 += 1;
        e.1 += o.revenue_minor;
        e.2 += o.revenue_minor.saturating_mul(u64::from(o.probability)) / 100;
    }
    let forecast = months
        .into_iter()
        .map(|(month, (n, pipeline, weighted))| ForecastMonth {
            month,
            opportunities: n,
            pipeline: major(pipeline),
            weighted: major(weighted),
        })
        .collect();

    Report {
        generated_at: now.to_string(),
        since: filter.since.map(|s| s.to_string()),
        campaign: filter.campaign.clone(),
        campaigns,
        providers,
        speed_to_lead,
        funnel,
        forecast,
        nurture,
        subscriptions: snap.subscriptions,
        currency: snap
            .opportunities
            .iter()
            .map(|o| o.currency.clone())
            .find(|c| !c.is_empty()),
        domain_blocks: snap.domain_blocks.clone(),
    }
}

/// The qualification rule, for responses the act stage has not recorded:
/// a reachable contact and an interest (for replies: interested or a question).
fn qualifies(r: &ResponseRecord) -> bool {
    let reachable = r.contact.is_reachable();
    match r.kind {
        Kind::Lead => reachable && r.interest.as_deref().is_some_and(|i| !i.trim().is_empty()),
        Kind::Reply => reachable && matches!(r.intent, Some(Intent::Interested | Intent::Question)),
        _ => false,
    }
}

/// Nearest-rank percentile of sorted values, rounded to 0.1 s.
fn percentile(sorted: &[f64], p: usize) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    Some(round(sorted[rank - 1], 1))
}

/// Prints the report: one JSON object, or human tables.
pub fn write(report: &Report, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, report)?;
        writeln!(out)?;
        Ok(())
    } else {
        text::write(report, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50), Some(50.0));
        assert_eq!(percentile(&v, 90), Some(90.0));
        assert_eq!(percentile(&v, 99), Some(99.0));
        assert_eq!(percentile(&[7.0], 99), Some(7.0));
        assert_eq!(percentile(&[], 50), None);
    }

    fn sent(message_id: &str, to: &str, step: u32) -> OutboundRecord {
        OutboundRecord {
            email: crate::outbox::OutboundEmail {
                message_id: message_id.into(),
                to: vec![to.into()],
                from: None,
                reply_to: None,
                subject: "Offer".into(),
                text: "Hello".into(),
                html: None,
                headers: vec![],
                in_reply_to: None,
                purpose: Purpose::Nurture {
                    enrollment: "e".into(),
                    step,
                    campaign: Some("spring".into()),
                },
            },
            delivery: Delivery::Sent {
                at: "2026-01-01T00:00:00Z".into(),
                reply: "250 ok".into(),
            },
            enqueued_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn link_unsubscribes_count_once_per_contact_for_their_last_campaign_email() {
        let snap = Snapshot {
            outbox: vec![
                sent("m1", "a@x.example", 0),
                sent("m2", "a@x.example", 1),
                sent("m3", "b@x.example", 0),
            ],
            unsubscribed: vec![
                Unsubscribed {
                    email: "A@x.example".into(),
                    at: None,
                },
                // Never mailed by a campaign: not a campaign unsubscribe.
                Unsubscribed {
                    email: "c@x.example".into(),
                    at: None,
                },
            ],
            ..Snapshot::default()
        };
        let report = build_at(
            &snap,
            &BTreeMap::new(),
            &Filter::default(),
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(report.campaigns[0].unsubscribes, 1);
        let by_step: Vec<(u32, u64)> = report
            .nurture
            .iter()
            .map(|s| (s.step, s.unsubscribes))
            .collect();
        assert_eq!(by_step, [(0, 0), (1, 1)]);
    }

    #[test]
    fn opportunities_count_for_the_provider_of_their_lead() {
        let mut snap = Snapshot {
            leads: vec![LeadFacts {
                id: Some("r7".into()),
                response: Some(7),
                email: None,
                claimed_at: None,
            }],
            opportunities: vec![opportunity_facts(&opportunity(
                "r7",
                "closed-won",
                Some(Outcome::Won),
            ))],
            ..Snapshot::default()
        };
        snap.resolve_opportunity_leads();
        assert_eq!(snap.opportunities[0].lead, Some(7));
        snap.responses.push(
            serde_json::from_value(serde_json::json!({"id": 7, "message": "k", "mailbox": "m",
                "kind": "lead", "received_at": "2026-01-01T00:00:00Z", "provider": "fair",
                "contact": {"email": "p@x.example"}, "interest": "solar", "timeline": null,
                "intent": null, "reply_text": null, "campaign_link": null, "subject": null}))
            .unwrap(),
        );
        let costs = BTreeMap::from([("fair".to_string(), 2500.0)]);
        let report = build_at(&snap, &costs, &Filter::default(), Timestamp::UNIX_EPOCH);
        let fair = &report.providers[0];
        assert_eq!((fair.opportunities, fair.won), (1, 1));
        assert_eq!(fair.won_revenue, 12500.0);
        assert_eq!(fair.roi, Some(4.0));
    }

    fn opportunity(lead: &str, stage: &str, outcome: Option<Outcome>) -> Opportunity {
        Opportunity {
            lead: crate::qualify::conversion::ResponseId(lead.into()),
            owner: "Dana".into(),
            revenue: crate::qualify::conversion::Money {
                minor_units: 1_250_000,
                currency: "USD".into(),
            },
            stage: stage.into(),
            win_probability: 100,
            expected_close: jiff::civil::date(2027, 1, 31),
            outcome,
            closed_at: None,
        }
    }

    #[test]
    fn an_opportunity_is_won_by_its_outcome_or_by_a_closing_default_stage() {
        let by_stage = opportunity_facts(&opportunity("42", "won", None));
        assert!(by_stage.won && !by_stage.lost);
        assert_eq!(by_stage.lead, Some(42));
        assert_eq!(by_stage.expected_close, "2027-01-31");
        let by_outcome = opportunity_facts(&opportunity("r9", "negotiation", Some(Outcome::Lost)));
        assert!(by_outcome.lost && !by_outcome.won);
        assert_eq!(by_outcome.lead, None, "resolved later through the lead id");
        assert_eq!(by_outcome.lead_id.as_deref(), Some("r9"));
        let open = opportunity_facts(&opportunity("r9", "negotiation", None));
        assert!(!open.won && !open.lost);
    }
}
