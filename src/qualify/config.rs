//! Scoring settings: how many points each fact is worth and where the rank
//! thresholds lie. Embedded in `carousel.toml` under `[scoring]`; every key is
//! optional and unknown keys are rejected so a typo never silently scores 0.
//!
//! Defaults (documented here because marketers tune them):
//!
//! | fact                         | points |
//! |------------------------------|--------|
//! | timeline `immediate`         | +40    |
//! | timeline `within_3_months`   | +35    |
//! | timeline `3_to_6_months`     | +20    |
//! | timeline `6_to_12_months`    | +10    |
//! | timeline `over_12_months`    | 0      |
//! | timeline `researching`       | −10    |
//! | no timeline stated           | −5     |
//! | any stated interest          | +10    |
//! | interest fits a product      | product's points (none configured by default) |
//! | large company / fleet        | +20    |
//! | mid-size company / fleet     | +10    |
//! | small business               | 0      |
//! | email / phone / name / company | +5 / +10 / +3 / +5 |
//! | reply `interested` / `question` / `referral` / `not_now` | +50 / +35 / +15 / +5 |
//! | each earlier reply (engagement) | +5, at most +15 |
//!
//! Ranks: partner-sourced → `partner`; no reachable contact or no interest →
//! `need_information`; timeline in `nurture_timelines` (default
//! `6_to_12_months`, `over_12_months`, `researching`) or a `not_now` reply →
//! `need_nurturing`; timeline in `hot_timelines` (default `immediate`) with a
//! reachable contact → `hot` whatever the points ("hot means score well,
//! particularly for timing": an ASAP buyer with a phone must reach a rep now);
//! otherwise ≥ 70 points → `hot`, ≥ 45 → `high_potential`, below →
//! `low_potential`. `hot_timelines = []` ranks by points alone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::understand::Timeline;
use crate::understand::lead::ProviderRule;

/// Everything scoring can be told; `ScoringConfig::default()` is what
/// `carousel inspect` uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringConfig {
    /// Points per purchase timeline bucket (the main value driver).
    pub timeline: TimelinePoints,
    /// Points for a stated interest and for fitting a configured product.
    pub interest: InterestPoints,
    /// Points for company or fleet size words ("fleet of 40", "200 employees").
    pub size: SizePoints,
    /// Points for each piece of contact data present.
    pub contact: ContactPoints,
    /// Points per reply intent (kind = reply).
    pub intent: IntentPoints,
    /// Points for earlier replies from the same contact.
    pub engagement: EngagementPoints,
    /// Provider name (case-insensitive) → points for its lead quality.
    pub providers: BTreeMap<String, i32>,
    /// Providers whose leads go to partners (besides rules with `partner = true`).
    pub partner_providers: Vec<String>,
    /// Point thresholds for `hot` and `high_potential`.
    pub thresholds: Thresholds,
    /// Timelines too far out for sales: the lead is nurtured instead.
    pub nurture_timelines: Vec<Timeline>,
    /// Timelines that make a qualified lead with a reachable contact `hot`
    /// below the `hot` threshold (default `["immediate"]`).
    pub hot_timelines: Vec<Timeline>,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            timeline: TimelinePoints::default(),
            interest: InterestPoints::default(),
            size: SizePoints::default(),
            contact: ContactPoints::default(),
            intent: IntentPoints::default(),
            engagement: EngagementPoints::default(),
            providers: BTreeMap::new(),
            partner_providers: Vec::new(),
            thresholds: Thresholds::default(),
            nurture_timelines: vec![
                Timeline::SixTo12Months,
                Timeline::Over12Months,
                Timeline::Researching,
            ],
            hot_timelines: vec![Timeline::Immediate],
        }
    }
}

impl ScoringConfig {
    /// Adds the names of provider rules marked `partner = true` to the partner
    /// list, so a rule's flag and the `[scoring]` list mean the same thing.
    pub fn with_partner_rules(mut self, rules: &[ProviderRule]) -> Self {
        for rule in rules.iter().filter(|r| r.partner) {
            if !self.is_partner(&rule.name) {
                self.partner_providers.push(rule.name.clone());
            }
        }
        self
    }

    /// True when `provider` (case-insensitive) is a partner.
    pub fn is_partner(&self, provider: &str) -> bool {
        let provider = provider.trim();
        self.partner_providers
            .iter()
            .any(|p| p.trim().eq_ignore_ascii_case(provider))
    }

    /// The configured quality points of `provider`, if any.
    pub fn provider_points(&self, provider: &str) -> Option<i32> {
        let provider = provider.trim();
        self.providers
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(provider))
            .map(|(_, points)| *points)
    }

    /// Checks settings that serde cannot: thresholds in order, products
    /// with keywords. The message names the key at fault.
    pub fn validate(&self) -> Result<(), String> {
        if self.thresholds.hot < self.thresholds.high_potential {
            return Err(format!(
                "scoring.thresholds: hot ({}) must not be below high_potential ({})",
                self.thresholds.hot, self.thresholds.high_potential
            ));
        }
        if let Some(t) = self
            .hot_timelines
            .iter()
            .find(|t| self.nurture_timelines.contains(t))
        {
            return Err(format!(
                "scoring: timeline {} is in both hot_timelines and nurture_timelines",
                super::timeline_name(*t)
            ));
        }
        for (i, product) in self.interest.products.iter().enumerate() {
            if product.keywords.iter().all(|k| k.trim().is_empty()) {
                return Err(format!(
                    "scoring.interest.products[{i}] ({}): needs at least one keyword",
                    product.name
                ));
            }
        }
        Ok(())
    }
}

/// Points per purchase timeline bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimelinePoints {
    pub immediate: i32,
    pub within_3_months: i32,
    #[serde(rename = "3_to_6_months")]
    pub three_to_6_months: i32,
    #[serde(rename = "6_to_12_months")]
    pub six_to_12_months: i32,
    pub over_12_months: i32,
    pub researching: i32,
    /// No timeline stated: slightly negative, a rep has to ask.
    pub unknown: i32,
}

impl Default for TimelinePoints {
    fn default() -> Self {
        TimelinePoints {
            immediate: 40,
            within_3_months: 35,
            three_to_6_months: 20,
            six_to_12_months: 10,
            over_12_months: 0,
            researching: -10,
            unknown: -5,
        }
    }
}

impl TimelinePoints {
    /// Points for a timeline, or for none stated.
    pub fn points(&self, timeline: Option<Timeline>) -> i32 {
        match timeline {
            Some(Timeline::Immediate) => self.immediate,
            Some(Timeline::Within3Months) => self.within_3_months,
            Some(Timeline::ThreeTo6Months) => self.three_to_6_months,
            Some(Timeline::SixTo12Months) => self.six_to_12_months,
            Some(Timeline::Over12Months) => self.over_12_months,
            Some(Timeline::Researching) => self.researching,
            None => self.unknown,
        }
    }
}

/// Points for what the prospect wants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InterestPoints {
    /// Any stated interest at all.
    pub stated: i32,
    /// Products the company sells; the best-paying match counts once.
    pub products: Vec<Product>,
}

impl Default for InterestPoints {
    fn default() -> Self {
        InterestPoints {
            stated: 10,
            products: Vec::new(),
        }
    }
}

/// A product and the words that show interest in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub name: String,
    /// Case-insensitive whole words ("solar", "pv", "Wärmepumpe", "蓄電池").
    pub keywords: Vec<String>,
    pub points: i32,
}

/// Points and cut-offs for company or fleet size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SizePoints {
    pub large: i32,
    pub medium: i32,
    pub small: i32,
    /// Employees from which a company counts as large / mid-size.
    pub employees_large: u64,
    pub employees_medium: u64,
    /// Vehicles from which a fleet counts as large / mid-size.
    pub fleet_large: u64,
    pub fleet_medium: u64,
}

impl Default for SizePoints {
    fn default() -> Self {
        SizePoints {
            large: 20,
            medium: 10,
            small: 0,
            employees_large: 200,
            employees_medium: 20,
            fleet_large: 25,
            fleet_medium: 5,
        }
    }
}

/// Points for each reachable or identifying piece of contact data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactPoints {
    pub email: i32,
    pub phone: i32,
    pub name: i32,
    pub company: i32,
}

impl Default for ContactPoints {
    fn default() -> Self {
        ContactPoints {
            email: 5,
            phone: 10,
            name: 3,
            company: 5,
        }
    }
}

/// Points per reply intent. `not_interested` and `unsubscribe` are not scored
/// at all: such a reply is no lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntentPoints {
    pub interested: i32,
    pub question: i32,
    pub referral: i32,
    pub not_now: i32,
}

impl Default for IntentPoints {
    fn default() -> Self {
        IntentPoints {
            interested: 50,
            question: 35,
            referral: 15,
            not_now: 5,
        }
    }
}

/// Points for a contact who has replied before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngagementPoints {
    pub per_reply: i32,
    pub max: i32,
}

impl Default for EngagementPoints {
    fn default() -> Self {
        EngagementPoints {
            per_reply: 5,
            max: 15,
        }
    }
}

/// Point thresholds; below `high_potential` a qualified lead is `low_potential`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub hot: i32,
    pub high_potential: i32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            hot: 70,
            high_potential: 45,
        }
    }
}
