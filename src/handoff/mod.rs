//! Hand-off: leads and contact events leave carousel for the tools teams
//! already use — signed webhooks (a CRM, Zapier, a data warehouse), chat
//! alerts (Slack, Microsoft Teams, Google Chat) and CRM pushes through body
//! templates (`templates/webhooks/`).
//!
//! Every event is staged in the `handoff` tree in the same sled transaction
//! as the change that caused it ([`queue::stage`]); the delivery task
//! ([`deliver`]) sends it to each endpoint that wants it, retrying with
//! exponential backoff until the endpoint answers 2xx or `give_up_after`
//! passes (then the delivery is dead, kept for `webhooks retry`). Delivery
//! is at least once; the event id lets receivers drop duplicates.
//!
//! - [`event`]: what the events are and their stable ids (pure).
//! - [`queue`]: the durable queue (sled only).
//! - [`sign`]: `Carousel-Signature` (HMAC-SHA256).
//! - [`presets`]: webhook bodies from minijinja templates (HubSpot, Pipedrive, Salesforce).
//! - [`chat`]: Slack Block Kit, Teams Adaptive Card, Google Chat card bodies.
//! - [`deliver`]: the HTTP client, the task, `webhooks status|retry`.

pub mod chat;
pub mod deliver;
pub mod presets;
pub mod sign;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// `[[webhook]]`: one receiver of signed event POSTs.
///
/// ```toml
/// [[webhook]]
/// name = "crm"
/// url = "https://hooks.acme.example/carousel"
/// events = ["lead.created", "lead.claimed"]
/// secret_env = "CAROUSEL_WEBHOOK_SECRET"
/// # template = "webhooks/hubspot-contact.json"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Names the endpoint in logs, metrics and `webhooks retry NAME`.
    pub name: String,
    /// The receiver. https, except localhost or `allow_insecure = true`.
    #[serde(default)]
    pub url: Option<String>,
    /// The receiver's URL from this environment variable (when the URL
    /// itself is a secret); instead of `url`.
    #[serde(default)]
    pub url_env: Option<String>,
    /// Event types to send ([`crate::store::events::EVENT_TYPES`]); default: all but `lead.escalated`.
    #[serde(default = "default_webhook_events")]
    pub events: Vec<String>,
    /// HMAC key for `Carousel-Signature`, from this environment variable.
    #[serde(default)]
    pub secret_env: Option<String>,
    /// Sends `Authorization: Bearer <token>` with the token from this variable
    /// (HubSpot private apps, Pipedrive OAuth, ...).
    #[serde(default)]
    pub bearer_token_env: Option<String>,
    /// Extra request headers (not secrets: those come from `*_env`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A minijinja body template under the templates directory
    /// (`webhooks/hubspot-contact.json`); default: carousel's JSON event.
    /// `.json` templates are JSON-escaped; `.form` ones are sent form-encoded.
    #[serde(default)]
    pub template: Option<PathBuf>,
    /// Values the template reads as `vars.NAME` (a Salesforce `oid`, a
    /// HubSpot pipeline id, ...).
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Plain http to a host other than localhost.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Past this since the first attempt a delivery is dead ("3d", "90m", "30s").
    #[serde(default = "default_give_up")]
    pub give_up_after: String,
    /// The first retry's delay; each next one doubles, up to `retry_max`.
    #[serde(default = "default_retry_first")]
    pub retry_first: String,
    #[serde(default = "default_retry_max")]
    pub retry_max: String,
    /// Whole-request timeout, seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

/// `[[chat]]`: alerts in a team chat for hot leads, SLA escalations and claims.
///
/// ```toml
/// [[chat]]
/// kind = "slack"                     # slack | teams | google_chat
/// url_env = "CAROUSEL_SLACK_WEBHOOK"
/// ranks = ["hot"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatConfig {
    pub kind: ChatKind,
    /// The incoming-webhook URL, from this environment variable (it is a secret).
    pub url_env: String,
    /// Names the endpoint in logs and `webhooks retry NAME`; default: the kind.
    #[serde(default)]
    pub name: Option<String>,
    /// Which leads (by rank) are announced.
    #[serde(default = "default_ranks")]
    pub ranks: Vec<crate::qualify::Rank>,
    /// Which events: `lead.created`, `lead.escalated`, `lead.claimed`.
    #[serde(default = "default_chat_events")]
    pub events: Vec<String>,
    /// A link to the lead, `{id}` replaced by its id (the console's lead page).
    #[serde(default)]
    pub lead_link: Option<String>,
    /// Plain http to a host other than localhost.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Past this since the first attempt a delivery is dead ("3d", "90m", "30s").
    #[serde(default = "default_give_up")]
    pub give_up_after: String,
    /// The first retry's delay; each next one doubles, up to `retry_max`.
    #[serde(default = "default_retry_first")]
    pub retry_first: String,
    #[serde(default = "default_retry_max")]
    pub retry_max: String,
    /// Whole-request timeout, seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    Slack,
    Teams,
    GoogleChat,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Slack => "slack",
            ChatKind::Teams => "teams",
            ChatKind::GoogleChat => "google_chat",
        }
    }
}

fn default_give_up() -> String {
    "3d".into()
}

fn default_retry_first() -> String {
    "10s".into()
}

fn default_retry_max() -> String {
    "1h".into()
}

fn default_timeout() -> u64 {
    15
}

/// The delivery keys shared by `[[webhook]]` and `[[chat]]`.
macro_rules! delivery_settings {
    ($t:ty) => {
        impl $t {
            /// Retry timing, parsed.
            pub fn retry_policy(&self) -> Result<RetryPolicy, String> {
                RetryPolicy::parse(&self.retry_first, &self.retry_max, &self.give_up_after)
            }
        }
    };
}
delivery_settings!(WebhookConfig);
delivery_settings!(ChatConfig);

fn default_webhook_events() -> Vec<String> {
    crate::store::events::EVENT_TYPES
        .iter()
        .filter(|t| **t != "lead.escalated")
        .map(|t| t.to_string())
        .collect()
}

fn default_chat_events() -> Vec<String> {
    ["lead.created", "lead.escalated", "lead.claimed"]
        .map(String::from)
        .to_vec()
}

fn default_ranks() -> Vec<crate::qualify::Rank> {
    vec![crate::qualify::Rank::Hot]
}

/// "3d", "90m", "30s", "500ms", "2h" → milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as \"3d\", \"90m\" or \"30s\""))?;
    let scale = match unit.trim() {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => {
            return Err(format!(
                "{text:?}: unit must be ms, s, m, h or d (\"3d\", \"90m\", \"30s\")"
            ));
        }
    };
    n.checked_mul(scale)
        .filter(|ms| *ms > 0)
        .ok_or_else(|| format!("{text:?} must be a positive duration"))
}

/// Retry timing of one endpoint, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_ms: i64,
    pub max_ms: i64,
    pub give_up_ms: i64,
}

impl RetryPolicy {
    pub fn parse(first: &str, max: &str, give_up_after: &str) -> Result<RetryPolicy, String> {
        Ok(RetryPolicy {
            first_ms: parse_duration_ms(first)?,
            max_ms: parse_duration_ms(max)?,
            give_up_ms: parse_duration_ms(give_up_after)?,
        })
    }

    /// The delay after `attempts` failed attempts: first, 2×first, 4×first, … ≤ max.
    pub fn delay_ms(&self, attempts: u32) -> i64 {
        let doubling = 1i64 << attempts.saturating_sub(1).min(30);
        self.first_ms.saturating_mul(doubling).min(self.max_ms)
    }
}

/// True for a URL carousel may post to: https, or http to localhost /
/// 127.0.0.1 / ::1, or any http with `allow_insecure`.
pub fn url_allowed(url: &str, allow_insecure: bool) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure => Ok(()),
        "http" if is_local(&parsed) => Ok(()),
        "http" => Err("must be https (or set allow_insecure = true)".into()),
        other => Err(format!("scheme {other:?} is not http(s)")),
    }
}

/// localhost, 127.0.0.0/8 or ::1.
pub fn is_local(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The hand-off's slice of the config: the endpoints, the templates
/// directory their `template` paths are relative to, and the claim address
/// chat alerts offer.
#[derive(Debug, Clone, Default)]
pub struct HandoffSettings {
    pub webhooks: Vec<WebhookConfig>,
    pub chats: Vec<ChatConfig>,
    pub templates_dir: PathBuf,
    pub claim_address: Option<String>,
}

/// `carousel check`: problems of `[[webhook]]` and `[[chat]]`, with spans
/// for `file:line`. With `environment` false, what the file alone shows;
/// with it true, only what the environment answers (secrets and URLs set,
/// URLs allowed), which `run` and `check` also need.
pub fn config_problems(
    templates_dir: &Path,
    webhooks: &[Spanned<WebhookConfig>],
    chats: &[Spanned<ChatConfig>],
    environment: bool,
) -> Vec<(Option<Range<usize>>, String)> {
    let all = problems(templates_dir, webhooks, chats);
    all.into_iter()
        .filter(|(_, _, from_env)| *from_env == environment)
        .map(|(span, message, _)| (span, message))
        .collect()
}

/// Every problem, each marked whether it comes from the environment.
fn problems(
    templates_dir: &Path,
    webhooks: &[Spanned<WebhookConfig>],
    chats: &[Spanned<ChatConfig>],
) -> Vec<(Option<Range<usize>>, String, bool)> {
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    let env_set = |var: &str| std::env::var(var).is_ok_and(|v| !v.trim().is_empty());
    for w in webhooks {
        let span = Some(w.span());
        let c = w.get_ref();
        let what = format!("webhook {:?}", c.name);
        let found = std::cell::RefCell::new(Vec::new());
        let problem = |m: String| found.borrow_mut().push((format!("{what}: {m}"), false));
        let env_problem = |m: String| found.borrow_mut().push((format!("{what}: {m}"), true));
        if c.name.trim().is_empty() {
            problem("`name` is empty".into());
        }
        if !names.insert(c.name.clone()) {
            problem("the name is used twice".into());
        }
        match (&c.url, &c.url_env) {
            (Some(url), None) => {
                if let Err(e) = url_allowed(url, c.allow_insecure) {
                    problem(format!("url: {e}"));
                }
            }
            (None, Some(var)) => match std::env::var(var) {
                Ok(url) => {
                    if let Err(e) = url_allowed(&url, c.allow_insecure) {
                        env_problem(format!("the URL in {var}: {e}"));
                    }
                }
                Err(_) => env_problem(format!("environment variable {var} is not set")),
            },
            _ => problem("set exactly one of `url` and `url_env`".into()),
        }
        if c.events.is_empty() {
            problem("`events` is empty: it would receive nothing".into());
        }
        for e in &c.events {
            if !crate::store::events::EVENT_TYPES.contains(&e.as_str()) {
                problem(format!(
                    "unknown event {e:?}; known: {}",
                    crate::store::events::EVENT_TYPES.join(", ")
                ));
            }
        }
        for var in [&c.secret_env, &c.bearer_token_env].into_iter().flatten() {
            if !env_set(var) {
                env_problem(format!("environment variable {var} is not set"));
            }
        }
        for name in c.headers.keys() {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                problem(format!("header name {name:?} is not valid"));
            }
        }
        if let Some(template) = &c.template
            && let Err(e) = presets::check(templates_dir, template)
        {
            problem(format!("template: {e}"));
        }
        if let Err(e) = c.retry_policy() {
            problem(e);
        }
        out.extend(
            found
                .into_inner()
                .into_iter()
                .map(|(m, from_env)| (span.clone(), m, from_env)),
        );
    }
    for ch in chats {
        let span = Some(ch.span());
        let c = ch.get_ref();
        let name = chat_name(c);
        let what = format!("chat {name:?}");
        let found = std::cell::RefCell::new(Vec::new());
        let problem = |m: String| found.borrow_mut().push((format!("{what}: {m}"), false));
        let env_problem = |m: String| found.borrow_mut().push((format!("{what}: {m}"), true));
        if !names.insert(name.clone()) {
            problem("the name is used twice (give each [[chat]] a `name`)".into());
        }
        for e in &c.events {
            if !default_chat_events().contains(e) {
                problem(format!(
                    "event {e:?} is not a chat alert; use lead.created, lead.escalated, lead.claimed"
                ));
            }
        }
        if c.ranks.is_empty() {
            problem("`ranks` is empty: it would announce nothing".into());
        }
        match std::env::var(&c.url_env) {
            Ok(url) => {
                if let Err(e) = url_allowed(&url, c.allow_insecure) {
                    env_problem(format!("the URL in {}: {e}", c.url_env));
                }
            }
            Err(_) => env_problem(format!("environment variable {} is not set", c.url_env)),
        }
        if let Err(e) = c.retry_policy() {
            problem(e);
        }
        out.extend(
            found
                .into_inner()
                .into_iter()
                .map(|(m, from_env)| (span.clone(), m, from_env)),
        );
    }
    out
}

/// A chat endpoint's name: its `name`, else its kind.
pub fn chat_name(c: &ChatConfig) -> String {
    c.name
        .clone()
        .unwrap_or_else(|| c.kind.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_units_and_refuse_nonsense() {
        assert_eq!(parse_duration_ms("3d"), Ok(259_200_000));
        assert_eq!(parse_duration_ms("90m"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert!(parse_duration_ms("3 days").is_err());
        assert!(parse_duration_ms("0s").is_err());
        assert!(parse_duration_ms("").is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            first_ms: 1000,
            max_ms: 5000,
            give_up_ms: 1,
        };
        let delays: Vec<i64> = (1..=5).map(|n| p.delay_ms(n)).collect();
        assert_eq!(delays, [1000, 2000, 4000, 5000, 5000]);
    }

    #[test]
    fn only_https_or_localhost_unless_allowed() {
        assert!(url_allowed("https://hooks.example/x", false).is_ok());
        assert!(url_allowed("http://127.0.0.1:9/x", false).is_ok());
        assert!(url_allowed("http://localhost/x", false).is_ok());
        assert!(url_allowed("http://hooks.example/x", false).is_err());
        assert!(url_allowed("http://hooks.example/x", true).is_ok());
        assert!(url_allowed("ftp://hooks.example/x", true).is_err());
    }
}
