//! Sequences as marketers write them in `carousel.toml`: named lists of
//! steps (template, delay after the previous step, send window) plus the
//! `[nurture]` settings they share (company time zone, unsubscribe links,
//! catch-up policy). Pure: parsing, validation and send-window arithmetic.

use std::path::PathBuf;

use jiff::{Timestamp, ToSpan as _, Zoned, civil, tz::TimeZone};
use serde::Deserialize;
use toml::Spanned;

use super::StopReason;
pub use crate::duration::parse_delay;

/// `[nurture]`: settings every sequence shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NurtureConfig {
    /// Directory of the email templates (`*.html`, `*.txt`, `layouts/`, `partials/`).
    pub templates: PathBuf,
    /// IANA time zone of the company: send windows are read in it unless the
    /// contact's own zone is known.
    pub time_zone: String,
    /// The sequence `enroll` uses when the request names none.
    pub default_sequence: Option<String>,
    /// `From` of nurture mail; defaults to `[outbox] from`.
    pub from: Option<String>,
    /// Base of the one-click link: `https://acme.example` → `https://acme.example/u/TOKEN`.
    pub unsubscribe_url: String,
    /// Address whose incoming mail unsubscribes the sender (`List-Unsubscribe: <mailto:…>`).
    pub unsubscribe_mailto: String,
    /// The `[[mailbox]]` that receives mail sent to `unsubscribe_mailto`.
    pub unsubscribe_mailbox: Option<String>,
    /// HMAC secret for unsubscribe tokens, from the environment or a file.
    /// Without either, a random secret is generated once and kept in the store.
    pub secret_env: Option<String>,
    pub secret_file: Option<PathBuf>,
    /// What to do with steps that fell due while carousel was down.
    pub catch_up: CatchUp,
    /// A step overdue by more than this counts as stale (`catch_up = "skip_stale"`).
    pub stale_after: String,
    /// At most this many nurture steps are queued per minute (no bursts after downtime).
    pub max_per_minute: u32,
    /// An out-of-office reply without a return date pauses the sequence this long.
    pub out_of_office_pause: String,
    /// Template instructions allowed per render (stops endless loops).
    pub template_fuel: u64,
    /// Milliseconds between scheduler passes.
    pub tick_ms: u64,
}

impl Default for NurtureConfig {
    fn default() -> Self {
        NurtureConfig {
            templates: PathBuf::from("templates"),
            time_zone: "UTC".into(),
            default_sequence: None,
            from: None,
            unsubscribe_url: "http://localhost:8025".into(),
            unsubscribe_mailto: "unsubscribe@localhost".into(),
            unsubscribe_mailbox: None,
            secret_env: None,
            secret_file: None,
            catch_up: CatchUp::Paced,
            stale_after: "7d".into(),
            max_per_minute: 600,
            out_of_office_pause: "3d".into(),
            template_fuel: 200_000,
            tick_ms: 500,
        }
    }
}

/// Catch-up after downtime. Both policies respect `max_per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatchUp {
    /// Send overdue steps in due order, paced.
    Paced,
    /// Drop steps overdue by more than `stale_after`; the next step counts its delay from now.
    SkipStale,
}

/// `[[sequence]]`: a named list of steps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceConfig {
    pub name: String,
    /// Campaign the sequence belongs to (replies are attributed to it).
    pub campaign: Option<String>,
    /// What ends an enrollment besides unsubscribing (always). Default: all.
    #[serde(default = "default_stop_on")]
    pub stop_on: Vec<StopReason>,
    /// Pause on an out-of-office reply (until its return date). Default true.
    #[serde(default = "yes")]
    pub pause_on_out_of_office: bool,
    /// Which leads enter this sequence (`enroll_when = { rank = ["need_nurturing"],
    /// interest = ["heat pump"] }`); the first sequence whose rule matches wins.
    #[serde(default)]
    pub enroll_when: Option<EnrollWhen>,
    pub step: Vec<StepConfig>,
}

/// An enrollment rule: every list given must match (case-insensitive); an
/// empty or missing list matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnrollWhen {
    /// Ranks (`need_nurturing`, `low_potential`, ...).
    pub rank: Vec<String>,
    /// Words the lead's interest contains ("heat pump").
    pub interest: Vec<String>,
    /// Provider names (`import:fair.csv`, `roofquotes`).
    pub provider: Vec<String>,
    /// Campaign of the nurture email the lead answered.
    pub campaign: Vec<String>,
}

/// What an enrollment rule looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadTraits {
    pub rank: Option<String>,
    pub interest: Option<String>,
    pub provider: Option<String>,
    pub campaign: Option<String>,
}

impl EnrollWhen {
    /// True when the lead's traits satisfy every list of the rule.
    pub fn matches(&self, lead: &LeadTraits) -> bool {
        let equal = |list: &[String], value: &Option<String>| {
            list.is_empty()
                || value
                    .as_deref()
                    .is_some_and(|v| list.iter().any(|w| w.trim().eq_ignore_ascii_case(v.trim())))
        };
        let interest = lead.interest.as_deref().unwrap_or("").to_lowercase();
        let interest_ok = self.interest.is_empty()
            || self
                .interest
                .iter()
                .any(|w| !w.trim().is_empty() && interest.contains(&w.trim().to_lowercase()));
        equal(&self.rank, &lead.rank)
            && interest_ok
            && equal(&self.provider, &lead.provider)
            && equal(&self.campaign, &lead.campaign)
    }
}

/// The sequence a lead enters: the first `[[sequence]]` whose `enroll_when`
/// matches, else `fallback` (`[act] nurture_sequence`), else
/// `[nurture] default_sequence`, else the first sequence. `None` when no
/// sequence is configured.
pub fn choose_sequence(
    nurture: &NurtureConfig,
    sequences: &[toml::Spanned<SequenceConfig>],
    fallback: Option<&str>,
    lead: &LeadTraits,
) -> Option<String> {
    sequences
        .iter()
        .map(|s| s.get_ref())
        .find(|s| s.enroll_when.as_ref().is_some_and(|w| w.matches(lead)))
        .map(|s| s.name.clone())
        .or_else(|| fallback.map(str::to_string))
        .or_else(|| nurture.default_sequence.clone())
        .or_else(|| sequences.first().map(|s| s.get_ref().name.clone()))
}

fn default_stop_on() -> Vec<StopReason> {
    vec![
        StopReason::Reply,
        StopReason::Unsubscribe,
        StopReason::HardBounce,
        StopReason::Converted,
        StopReason::Claimed,
    ]
}

fn yes() -> bool {
    true
}

/// One step: which template, how long after the previous step, and when it may go out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepConfig {
    /// Template name: `solar-1-welcome` for `templates/solar-1-welcome.html`.
    pub template: String,
    /// After enrollment (first step) or the previous step: `30s`, `15m`, `2h`, `3d`, `1w`.
    #[serde(default = "zero")]
    pub delay: String,
    #[serde(default)]
    pub window: Window,
}

fn zero() -> String {
    "0s".into()
}

/// Days and hours a step may be sent, in the recipient's time zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Window {
    /// `mon` … `sun`; empty = every day.
    pub days: Vec<String>,
    /// `HH:MM`, inclusive.
    pub from: String,
    /// `HH:MM`, exclusive; `24:00` = end of day.
    pub to: String,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            days: Vec::new(),
            from: "00:00".into(),
            to: "24:00".into(),
        }
    }
}

fn parse_day(day: &str) -> Option<civil::Weekday> {
    use civil::Weekday::*;
    Some(match day.to_ascii_lowercase().get(..3)? {
        "mon" => Monday,
        "tue" => Tuesday,
        "wed" => Wednesday,
        "thu" => Thursday,
        "fri" => Friday,
        "sat" => Saturday,
        "sun" => Sunday,
        _ => return None,
    })
}

/// Minutes after midnight of `HH:MM` (`24:00` allowed).
fn parse_clock(text: &str) -> Option<i32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 1440).then_some(h * 60 + m)
}

impl Window {
    /// Problems with this window, as messages.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for d in &self.days {
            if parse_day(d).is_none() {
                out.push(format!("window day {d:?} is not one of mon … sun"));
            }
        }
        match (parse_clock(&self.from), parse_clock(&self.to)) {
            (Some(f), Some(t)) if f < t => {}
            (Some(_), Some(_)) => out.push(format!(
                "window from {:?} must be before to {:?}",
                self.from, self.to
            )),
            _ => out.push(format!(
                "window hours {:?}–{:?}: use HH:MM",
                self.from, self.to
            )),
        }
        out
    }

    /// The first instant at or after `at` that lies inside the window in `tz`.
    /// A window that never opens (invalid) yields `at` unchanged.
    pub fn next_open(&self, at: Timestamp, tz: &TimeZone) -> Timestamp {
        let (Some(from), Some(to)) = (parse_clock(&self.from), parse_clock(&self.to)) else {
            return at;
        };
        let days: Vec<civil::Weekday> = self.days.iter().filter_map(|d| parse_day(d)).collect();
        let local = at.to_zoned(tz.clone());
        for offset in 0..8i64 {
            let Ok(date) = local.date().checked_add(offset.days()) else {
                return at;
            };
            if !days.is_empty() && !days.contains(&date.weekday()) {
                continue;
            }
            let opens = zoned_at(date, from, tz);
            let closes = zoned_at(date, to, tz);
            let (Some(opens), Some(closes)) = (opens, closes) else {
                continue;
            };
            if at < opens.timestamp() {
                return opens.timestamp();
            }
            if at < closes.timestamp() {
                return at;
            }
        }
        at
    }
}

fn zoned_at(date: civil::Date, minutes: i32, tz: &TimeZone) -> Option<Zoned> {
    let midnight = date.to_zoned(tz.clone()).ok()?;
    midnight.checked_add((minutes as i64).minutes()).ok()
}

/// Resolves a time zone name, falling back to UTC for unknown names (config
/// validation reports those).
/// The time zone of a contact's country, for countries with a single zone
/// (ISO code or English/native name). `None` for unknown or multi-zone
/// countries (US, CA, AU, BR, RU, MX …): their send windows use the company zone.
pub fn country_time_zone(country: &str) -> Option<TimeZone> {
    const ZONES: &[(&[&str], &str)] = &[
        (&["de", "deu", "germany", "deutschland"], "Europe/Berlin"),
        (&["at", "austria", "österreich"], "Europe/Vienna"),
        (&["ch", "switzerland", "schweiz", "suisse"], "Europe/Zurich"),
        (&["fr", "france"], "Europe/Paris"),
        (&["es", "spain", "españa"], "Europe/Madrid"),
        (&["it", "italy", "italia"], "Europe/Rome"),
        (&["nl", "netherlands", "nederland"], "Europe/Amsterdam"),
        (&["be", "belgium", "belgique", "belgië"], "Europe/Brussels"),
        (&["lu", "luxembourg"], "Europe/Luxembourg"),
        (
            &[
                "gb",
                "uk",
                "united kingdom",
                "great britain",
                "england",
                "scotland",
                "wales",
            ],
            "Europe/London",
        ),
        (&["ie", "ireland"], "Europe/Dublin"),
        (&["pt", "portugal"], "Europe/Lisbon"),
        (&["dk", "denmark", "danmark"], "Europe/Copenhagen"),
        (&["se", "sweden", "sverige"], "Europe/Stockholm"),
        (&["no", "norway", "norge"], "Europe/Oslo"),
        (&["fi", "finland", "suomi"], "Europe/Helsinki"),
        (&["pl", "poland", "polska"], "Europe/Warsaw"),
        (&["cz", "czechia", "czech republic"], "Europe/Prague"),
        (&["jp", "japan", "日本", "nihon"], "Asia/Tokyo"),
        (&["kr", "south korea", "korea"], "Asia/Seoul"),
        (&["in", "india"], "Asia/Kolkata"),
        (&["sg", "singapore"], "Asia/Singapore"),
        (&["hk", "hong kong"], "Asia/Hong_Kong"),
        (&["cn", "china", "中国"], "Asia/Shanghai"),
        (&["za", "south africa"], "Africa/Johannesburg"),
        (&["nz", "new zealand"], "Pacific/Auckland"),
    ];
    let key = country.trim().to_lowercase();
    ZONES
        .iter()
        .find(|(names, _)| names.contains(&key.as_str()))
        .and_then(|(_, zone)| TimeZone::get(zone).ok())
}

pub fn time_zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// Sequence and `[nurture]` problems, with the span of the sequence at fault.
pub fn problems(
    nurture: &NurtureConfig,
    sequences: &[Spanned<SequenceConfig>],
    template_exists: &dyn Fn(&str) -> bool,
) -> Vec<(Option<std::ops::Range<usize>>, String)> {
    let mut out = Vec::new();
    if TimeZone::get(&nurture.time_zone).is_err() {
        out.push((
            None,
            format!(
                "[nurture] time_zone {:?} is not a known IANA zone (e.g. \"America/Los_Angeles\")",
                nurture.time_zone
            ),
        ));
    }
    for (what, value) in [
        ("stale_after", &nurture.stale_after),
        ("out_of_office_pause", &nurture.out_of_office_pause),
    ] {
        if let Err(e) = parse_delay(value) {
            out.push((None, format!("[nurture] {what}: {e}")));
        }
    }
    if !nurture.unsubscribe_url.starts_with("https://")
        && !nurture.unsubscribe_url.starts_with("http://")
    {
        out.push((
            None,
            "[nurture] unsubscribe_url must start with https://".into(),
        ));
    }
    if crate::outbox::sender::parse_mailbox(&nurture.unsubscribe_mailto).is_err() {
        out.push((
            None,
            format!(
                "[nurture] unsubscribe_mailto {:?} is not an email address",
                nurture.unsubscribe_mailto
            ),
        ));
    }
    let mut names = std::collections::HashSet::new();
    for sequence in sequences {
        let span = Some(sequence.span());
        let s = sequence.get_ref();
        let what = format!("sequence {:?}", s.name);
        if !names.insert(s.name.clone()) {
            out.push((span.clone(), format!("{what} is defined twice")));
        }
        if s.step.is_empty() {
            out.push((span.clone(), format!("{what} has no [[sequence.step]]")));
        }
        for (i, step) in s.step.iter().enumerate() {
            let what = format!("{what} step {}", i + 1);
            if let Err(e) = parse_delay(&step.delay) {
                out.push((span.clone(), format!("{what}: {e}")));
            }
            for p in step.window.problems() {
                out.push((span.clone(), format!("{what}: {p}")));
            }
            if !template_exists(&step.template) {
                out.push((
                    span.clone(),
                    format!(
                        "{what}: template {:?} not found (expected {}/{}.html)",
                        step.template,
                        nurture.templates.display(),
                        step.template
                    ),
                ));
            }
        }
    }
    if let Some(default) = &nurture.default_sequence
        && !names.contains(default)
    {
        out.push((
            None,
            format!("[nurture] default_sequence {default:?} is not a [[sequence]]"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn enrollment_rules_choose_a_sequence_by_rank_interest_provider() {
        // Template files do not exist here: read the rules without validation.
        #[derive(serde::Deserialize)]
        struct Tables {
            nurture: super::NurtureConfig,
            sequence: Vec<toml::Spanned<super::SequenceConfig>>,
        }
        let config: Tables = toml::from_str(
            "[nurture]\ndefault_sequence = \"solar\"\n\
[[sequence]]\nname = \"solar\"\n[[sequence.step]]\ntemplate = \"t\"\ndelay = \"1d\"\n\
[[sequence]]\nname = \"heat\"\nenroll_when = { interest = [\"heat pump\"] }\n[[sequence.step]]\ntemplate = \"t\"\ndelay = \"1d\"\n\
[[sequence]]\nname = \"fair\"\nenroll_when = { rank = [\"low_potential\"], provider = [\"import:fair.csv\"] }\n[[sequence.step]]\ntemplate = \"t\"\ndelay = \"1d\"\n",
        )
        .unwrap();
        let choose = |rank: &str, interest: &str, provider: &str| {
            choose_sequence(
                &config.nurture,
                &config.sequence,
                None,
                &LeadTraits {
                    rank: Some(rank.into()),
                    interest: Some(interest.into()),
                    provider: Some(provider.into()),
                    campaign: None,
                },
            )
        };
        assert_eq!(
            choose("need_nurturing", "Air source Heat Pump", "web").as_deref(),
            Some("heat")
        );
        assert_eq!(
            choose("low_potential", "Solar", "import:fair.csv").as_deref(),
            Some("fair")
        );
        assert_eq!(
            choose("low_potential", "Solar", "web").as_deref(),
            Some("solar")
        );
    }

    use super::*;

    #[test]
    fn delays_parse_with_units() {
        assert_eq!(parse_delay("90"), Ok(90));
        assert_eq!(parse_delay("15m"), Ok(900));
        assert_eq!(parse_delay("3d"), Ok(259_200));
        assert!(parse_delay("3 fortnights").is_err());
        assert!(parse_delay("").is_err());
    }

    #[test]
    fn window_moves_a_saturday_evening_to_monday_morning() {
        let tz = time_zone("Europe/Berlin");
        let w = Window {
            days: ["mon", "tue", "wed", "thu", "fri"]
                .map(String::from)
                .to_vec(),
            from: "09:00".into(),
            to: "17:00".into(),
        };
        // Saturday 2026-11-28 20:00 Berlin.
        let sat: Timestamp = "2026-11-28T19:00:00Z".parse().unwrap();
        let next = w.next_open(sat, &tz).to_zoned(tz.clone());
        assert_eq!(next.weekday(), civil::Weekday::Monday);
        assert_eq!((next.hour(), next.minute()), (9, 0));
        // Inside the window: unchanged.
        let tue: Timestamp = "2026-12-01T10:30:00Z".parse().unwrap();
        assert_eq!(w.next_open(tue, &tz), tue);
    }

    #[test]
    fn bad_windows_are_reported() {
        let w = Window {
            days: vec!["someday".into()],
            from: "18:00".into(),
            to: "09:00".into(),
        };
        assert_eq!(w.problems().len(), 2);
    }
}

#[cfg(test)]
mod country_zone_tests {
    use super::*;

    #[test]
    fn single_zone_countries_map_and_multi_zone_ones_do_not() {
        assert_eq!(
            country_time_zone("Deutschland").and_then(|t| t.iana_name().map(str::to_string)),
            Some("Europe/Berlin".into())
        );
        assert_eq!(
            country_time_zone(" JP ").and_then(|t| t.iana_name().map(str::to_string)),
            Some("Asia/Tokyo".into())
        );
        assert!(country_time_zone("US").is_none());
        assert!(country_time_zone("Atlantis").is_none());
    }
}
