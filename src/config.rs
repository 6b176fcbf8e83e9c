//! Configuration: `carousel.toml` → typed [`Config`], validated before
//! anything starts. Errors name the file and line (`file:line: message`).
//! Secrets never live in the TOML: passwords come from an environment
//! variable (`password_env`) or a file (`password_file`).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use crate::ingest::config::{Limits, MailboxConfig};
pub use crate::net::{ImapConfig, TlsMode, is_local, read_secret, require_tls};
pub use crate::outbox::config::{OutboxConfig, SenderConfig, SmtpConfig};
pub use crate::store::config::StoreConfig;
use crate::understand::lead::ProviderRule;

mod connection;
mod listener;
mod locate;
mod providers;

use connection::{Connection, is_listen_address};
pub use listener::{HttpConfig, IntakeToken};
use locate::{header_offsets, line_of, line_of_key};
pub use providers::{load_provider_files, provider_rule_path, providers_dir_of};

/// The whole configuration, with paths resolved against the config file's directory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub store: StoreConfig,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub mailbox: Vec<Spanned<MailboxConfig>>,
    pub outbox: Option<OutboxConfig>,
    #[serde(default)]
    pub provider: Vec<ProviderRule>,
    /// Sales reps, in routing order.
    #[serde(default)]
    pub rep: Vec<crate::route::Rep>,
    /// How leads reach reps (push/pull, strategy, SLA).
    #[serde(default)]
    pub team: crate::route::Team,
    /// Points and thresholds of the lead score.
    #[serde(default)]
    pub scoring: crate::qualify::ScoringConfig,
    /// Whose `Authentication-Results` header to believe.
    #[serde(default)]
    pub auth: crate::understand::auth::AuthConfig,
    /// Nurture settings shared by every sequence (`[nurture]`).
    #[serde(default)]
    pub nurture: crate::nurture::sequence::NurtureConfig,
    /// Nurture sequences (`[[sequence]]` with `[[sequence.step]]`).
    #[serde(default)]
    pub sequence: Vec<Spanned<crate::nurture::sequence::SequenceConfig>>,
    /// What the act stage does with each rank (call center, partners, self-service, claims).
    #[serde(default)]
    pub act: crate::act::ActConfig,
    /// Sales stages and their default win probabilities (`[[sales.stages]]`).
    #[serde(default)]
    pub sales: crate::qualify::conversion::SalesStages,
    /// The HTTP listener (health, metrics, `POST /leads`, the CLI's read API).
    pub http: Option<HttpConfig>,
    /// `[console]`: the web console on the `[http]` listener.
    #[serde(default)]
    pub console: ConsoleConfig,
    /// `[[intake_token]]`: per-provider bearer tokens for `POST /leads`.
    #[serde(default)]
    pub intake_token: Vec<IntakeToken>,
    /// `[costs]`: price paid per lead, by provider name (for ROI in reports).
    #[serde(default)]
    pub costs: std::collections::BTreeMap<String, f64>,
    /// `[business]`: what the business sells (weighs on a lead's interest).
    #[serde(default)]
    pub business: BusinessConfig,
    /// `[[webhook]]`: signed event POSTs (issue 17, `crate::handoff`).
    #[serde(default)]
    pub webhook: Vec<Spanned<crate::handoff::WebhookConfig>>,
    /// `[[chat]]`: Slack / Teams / Google Chat alerts (`crate::handoff`).
    #[serde(default)]
    pub chat: Vec<Spanned<crate::handoff::ChatConfig>>,
    /// Directory all relative paths are resolved against (not from TOML).
    #[serde(skip)]
    pub base_dir: PathBuf,
    #[serde(skip)]
    pub file: PathBuf,
    /// The TOML text, kept so problems without a serde span can still name
    /// the line of their table or key.
    #[serde(skip)]
    source: String,
}

/// `[business]`: the products or services the business sells.
///
/// ```toml
/// [business]
/// products = ["solar panels", "home battery", "EV charger"]
/// ```
///
/// A lead's interest candidate (service field, headline, subject, ...) that
/// names one of them wins over the others.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessConfig {
    #[serde(default)]
    pub products: Vec<String>,
}

impl BusinessConfig {
    /// Products present, distinct (case-insensitive) and short enough to be names.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for p in &self.products {
            let t = p.trim();
            if t.is_empty() {
                return Err("products: an entry is empty".into());
            }
            if t.chars().count() > 100 {
                return Err(format!("products: {t:?} is longer than 100 characters"));
            }
            if !seen.insert(t.to_lowercase()) {
                return Err(format!("products: {t:?} is listed twice"));
            }
        }
        Ok(())
    }
}

/// `[console]`: the web console on the `[http]` listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleConfig {
    /// `false` serves no console pages (the API and intake stay).
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// A header set by a trusted auth proxy (oauth2-proxy, ...) carrying
    /// the user's email, e.g. `"X-Forwarded-Email"`. Only set it when the
    /// proxy is the only way to reach the listener.
    #[serde(default)]
    pub auth_proxy_header: Option<String>,
    /// The listener sits behind a proxy that terminates TLS: session
    /// cookies are marked `Secure`.
    #[serde(default)]
    pub trust_proxy: bool,
    /// Hours a login lasts without use.
    #[serde(default = "default_session_hours")]
    pub session_hours: u64,
    /// Failed logins allowed per client address and per user name within
    /// 15 minutes; more are refused (429) until the window passes.
    #[serde(default = "default_login_attempts")]
    pub login_attempts: u32,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            enabled: default_enabled(),
            auth_proxy_header: None,
            trust_proxy: false,
            session_hours: default_session_hours(),
            login_attempts: default_login_attempts(),
        }
    }
}

fn default_enabled() -> bool {
    true
}

fn default_session_hours() -> u64 {
    12
}

fn default_login_attempts() -> u32 {
    5
}

/// A configuration problem, located in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl Config {
    /// Reads, parses and validates a config file, and the provider rule
    /// files next to it (`providers/*.toml`, see [`load_provider_files`]).
    pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
        Self::parse_for_run(path, &read_text(path)?)
    }

    /// Reads and validates a config file and its provider rule files without
    /// looking at the environment (Maildir paths, token variables): for verbs
    /// that run nothing, such as `inspect`, which only needs understanding.
    pub fn load_static(path: &Path) -> Result<Config, Vec<ConfigError>> {
        Self::with_provider_files(path, Self::parse(path, &read_text(path)?))
    }

    /// [`Config::parse`] and the provider rule files, plus what `run` would
    /// refuse in the environment: a missing Maildir, an unset or short intake
    /// token, an address that is not one. `check` and `run` both load through
    /// here, so `check` is the truth about a config.
    pub fn parse_for_run(path: &Path, text: &str) -> Result<Config, Vec<ConfigError>> {
        let config = Self::with_provider_files(path, Self::parse(path, text))?;
        let errors: Vec<ConfigError> = config
            .run_time_problems()
            .into_iter()
            .map(|(span, message)| ConfigError {
                file: path.display().to_string(),
                line: span.map_or(0, |s| line_of(text, s.start)),
                message,
            })
            .collect();
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Adds the rule files of `providers/` next to `path` to a parsed config;
    /// a rule defined twice is an error in the rule file.
    fn with_provider_files(
        path: &Path,
        parsed: Result<Config, Vec<ConfigError>>,
    ) -> Result<Config, Vec<ConfigError>> {
        let dir = providers_dir_of(path);
        let (files, mut errors) = load_provider_files(&dir);
        let mut config = match parsed {
            Ok(config) => config,
            Err(mut e) => {
                e.append(&mut errors);
                return Err(e);
            }
        };
        for (file, rule) in files {
            if config
                .provider
                .iter()
                .any(|r| r.name.trim().eq_ignore_ascii_case(rule.name.trim()))
            {
                errors.push(ConfigError {
                    file: file.display().to_string(),
                    line: line_of_key(&std::fs::read_to_string(&file).unwrap_or_default(), "name"),
                    message: format!(
                        "provider {:?} is defined twice (in {} or another rule file)",
                        rule.name,
                        path.display()
                    ),
                });
                continue;
            }
            config.provider.push(rule);
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Where this config's provider rule files live: `providers/` next to it.
    pub fn providers_dir(&self) -> PathBuf {
        providers_dir_of(&self.file)
    }

    /// Parses and validates config text; `path` names the file in errors and
    /// anchors relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<ConfigError>> {
        let locate = |span: Option<std::ops::Range<usize>>, message: String| ConfigError {
            file: path.display().to_string(),
            line: span.map_or(0, |s| line_of(text, s.start)),
            message,
        };
        let mut config: Config =
            toml::from_str(text).map_err(|e| vec![locate(e.span(), e.message().to_string())])?;
        config.file = path.to_path_buf();
        config.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.source = text.to_string();
        // Reps without a time zone work in the company's.
        for rep in &mut config.rep {
            if rep.time_zone.trim().is_empty() {
                rep.time_zone = config.nurture.time_zone.clone();
            }
        }
        let errors: Vec<ConfigError> = config
            .problems()
            .into_iter()
            .map(|(span, msg)| locate(span, msg))
            .collect();
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Semantic checks that serde cannot express, with the span they concern.
    fn problems(&self) -> Vec<(Option<std::ops::Range<usize>>, String)> {
        let mut out = Vec::new();
        out.extend(self.store.problems().into_iter().map(|p| (None, p)));
        if self.mailbox.is_empty() {
            out.push((
                None,
                "no [[mailbox]] configured: add one with `maildir = \"...\"` or `imap = {...}`"
                    .into(),
            ));
        }
        let mut names = std::collections::HashSet::new();
        for mailbox in &self.mailbox {
            let span = Some(mailbox.span());
            let m = mailbox.get_ref();
            if !names.insert(m.name.clone()) {
                out.push((
                    span.clone(),
                    format!("mailbox name {:?} is used twice", m.name),
                ));
            }
            match (&m.maildir, &m.imap) {
                (None, None) => out.push((
                    span,
                    format!(
                        "mailbox {:?} has no source: set `maildir` or `imap`",
                        m.name
                    ),
                )),
                (Some(_), Some(_)) => out.push((
                    span,
                    format!(
                        "mailbox {:?} sets both `maildir` and `imap`: pick one",
                        m.name
                    ),
                )),
                (None, Some(imap)) => {
                    let c = Connection {
                        host: &imap.host,
                        port: &imap.port,
                        tls: imap.tls,
                        allow_insecure: imap.allow_insecure,
                        password: imap.password.as_ref(),
                        password_env: imap.password_env.as_ref(),
                        password_file: imap.password_file.as_ref(),
                        needs_password: imap.oauth2.is_none(),
                    };
                    out.extend(c.problems(&format!("mailbox {:?}", m.name)));
                    if let Some(o) = &imap.oauth2 {
                        let what = format!("mailbox {:?}", m.name);
                        out.extend(o.problems(&what).into_iter().map(|p| (span.clone(), p)));
                    }
                }
                (Some(_), None) => {}
            }
        }
        if let Some(smtp) = self.outbox.as_ref().and_then(|o| o.smtp.as_ref()) {
            let c = Connection {
                host: &smtp.host,
                port: &smtp.port,
                tls: smtp.tls,
                allow_insecure: smtp.allow_insecure,
                password: smtp.password.as_ref(),
                password_env: smtp.password_env.as_ref(),
                password_file: smtp.password_file.as_ref(),
                needs_password: smtp.user.is_some() && smtp.oauth2.is_none(),
            };
            out.extend(c.problems("outbox smtp"));
            if let Some(o) = &smtp.oauth2 {
                let span = Some(smtp.port.span());
                if smtp.user.is_none() {
                    out.push((span.clone(), "outbox smtp: oauth2 needs `user`".into()));
                }
                out.extend(
                    o.problems("outbox smtp")
                        .into_iter()
                        .map(|p| (span.clone(), p)),
                );
            }
        }
        if let Some(a) = self.outbox.as_ref().and_then(|o| o.archive.as_ref())
            && let Some(o) = &a.imap.oauth2
        {
            let span = Some(a.imap.port.span());
            out.extend(
                o.problems("outbox archive")
                    .into_iter()
                    .map(|p| (span.clone(), p)),
            );
        }
        if let Some(outbox) = &self.outbox
            && outbox.dir.is_none()
            && outbox.smtp.is_none()
        {
            out.push((
                self.table_span("outbox"),
                "[outbox] needs `dir` (file outbox) or `smtp`".into(),
            ));
        }
        for rule in &self.provider {
            if let Err(e) = crate::understand::lead::validate_rule(rule) {
                out.push((
                    self.key_span("provider", "name"),
                    format!("provider {:?}: {e}", rule.name),
                ));
            }
        }
        if let Err(e) = crate::route::validate(&self.rep, &self.team) {
            let span = self.table_span("team").or_else(|| self.table_span("rep"));
            out.push((span, format!("[[rep]]/[team]: {e}")));
        }
        out.extend(
            crate::nurture::config_problems(
                &self.nurture,
                &self.sequence,
                &self.resolve(&self.nurture.templates),
                &self
                    .mailbox
                    .iter()
                    .map(|m| m.get_ref().name.as_str())
                    .collect::<Vec<_>>(),
            )
            .into_iter()
            .map(|(span, msg)| (span.or_else(|| self.table_span("nurture")), msg)),
        );
        if let Err(e) = self.scoring.validate() {
            out.push((self.table_span("scoring"), format!("[scoring]: {e}")));
        }
        if let Err(e) = self.sales.validate() {
            out.push((self.table_span("sales"), format!("[sales]: {e}")));
        }
        if !(1..=10_000).contains(&self.limits.max_rep_notifications_per_hour) {
            out.push((
                self.key_span("limits", "max_rep_notifications_per_hour"),
                format!(
                    "[limits] max_rep_notifications_per_hour = {}: must be between 1 and 10000 (a rep cannot be left without any notification)",
                    self.limits.max_rep_notifications_per_hour
                ),
            ));
        }
        if let Err(e) = self.business.validate() {
            out.push((self.table_span("business"), format!("[business]: {e}")));
        }
        out.extend(crate::handoff::config_problems(
            &self.resolve(&self.nurture.templates),
            &self.webhook,
            &self.chat,
            false,
        ));
        out
    }

    /// What `run` would refuse at start-up, found before anything runs:
    /// `check` is the truth about a config.
    fn run_time_problems(&self) -> Vec<(Option<std::ops::Range<usize>>, String)> {
        let mut out = Vec::new();
        for mailbox in &self.mailbox {
            if let Some(dir) = &mailbox.get_ref().maildir {
                let path = self.resolve(dir);
                if !path.is_dir() {
                    out.push((
                        Some(mailbox.span()),
                        format!(
                            "mailbox {:?}: maildir {} does not exist; create it (with new/, cur/, tmp/) or fix the path",
                            mailbox.get_ref().name,
                            path.display()
                        ),
                    ));
                }
            }
        }
        if let Some(http) = &self.http
            && !is_listen_address(&http.listen)
        {
            out.push((
                self.key_span("http", "listen"),
                format!(
                    "[http] listen = {:?} is not host:port (for example \"127.0.0.1:8025\")",
                    http.listen
                ),
            ));
        }
        for (i, token) in self.intake_token.iter().enumerate() {
            let span = self.nth_table_span("intake_token", i);
            let file = token.token_file.as_ref().map(|p| self.resolve(p));
            match read_secret(token.token_env.as_ref(), file.as_ref()) {
                Err(e) => out.push((
                    span,
                    format!("intake token of provider {:?}: {e:#}", token.provider),
                )),
                Ok(t) if t.trim().len() < MIN_TOKEN_LEN => out.push((
                    span,
                    format!(
                        "intake token of provider {:?} is shorter than {MIN_TOKEN_LEN} characters",
                        token.provider
                    ),
                )),
                Ok(_) => {}
            }
        }
        if let Some(outbox) = &self.outbox
            && outbox.from.parse::<lettre::message::Mailbox>().is_err()
        {
            out.push((
                self.key_span("outbox", "from"),
                format!(
                    "[outbox] from = {:?} is not an email address (for example \"Acme Solar <hello@acme.example>\")",
                    outbox.from
                ),
            ));
        }
        out.extend(crate::handoff::config_problems(
            &self.resolve(&self.nurture.templates),
            &self.webhook,
            &self.chat,
            true,
        ));
        out
    }

    /// The span of the first `[name]` or `[[name]]` header line.
    fn table_span(&self, name: &str) -> Option<std::ops::Range<usize>> {
        self.nth_table_span(name, 0)
    }

    /// The span of the `n`-th `[name]` / `[[name]]` header line.
    fn nth_table_span(&self, name: &str, n: usize) -> Option<std::ops::Range<usize>> {
        header_offsets(&self.source, name).nth(n).map(|o| o..o + 1)
    }

    /// The span of `key = …` inside the first `[table]`, else the table header.
    fn key_span(&self, table: &str, key: &str) -> Option<std::ops::Range<usize>> {
        let start = header_offsets(&self.source, table).next()?;
        let mut offset = start;
        for (i, line) in self.source[start..].split_inclusive('\n').enumerate() {
            let trimmed = line.trim_start();
            if i > 0 && trimmed.starts_with('[') {
                break;
            }
            if i > 0
                && let Some(rest) = trimmed.strip_prefix(key)
                && rest.trim_start().starts_with('=')
            {
                return Some(offset..offset + 1);
            }
            offset += line.len();
        }
        Some(start..start + 1)
    }

    /// Scoring settings with the partner provider rules folded in.
    pub fn scoring(&self) -> crate::qualify::ScoringConfig {
        self.scoring.clone().with_partner_rules(&self.provider)
    }

    /// Every OAuth2 login in a config: (target, table, use). Targets are the
    /// mailbox names, `outbox` (SMTP) and `archive`.
    pub fn oauth2_targets(&self) -> Vec<crate::oauth2::Target> {
        let mut out = Vec::new();
        for m in &self.mailbox {
            let m = m.get_ref();
            if let Some(o) = m.imap.as_ref().and_then(|i| i.oauth2.as_ref()) {
                out.push((m.name.clone(), (**o).clone(), crate::oauth2::Use::Imap));
            }
        }
        if let Some(outbox) = &self.outbox {
            if let Some(o) = outbox.smtp.as_ref().and_then(|s| s.oauth2.as_ref()) {
                out.push(("outbox".into(), (**o).clone(), crate::oauth2::Use::Smtp));
            }
            if let Some(o) = outbox.archive.as_ref().and_then(|a| a.imap.oauth2.as_ref()) {
                out.push(("archive".into(), (**o).clone(), crate::oauth2::Use::Imap));
            }
        }
        out
    }

    /// A path from the config, resolved against the config file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    pub fn store_path(&self) -> PathBuf {
        self.resolve(&self.store.path)
    }

    /// Nurture's slice: `[nurture]`, the sequences, the templates directory
    /// resolved, and what it borrows from `[outbox]` and the first `[[rep]]`.
    pub fn nurture_settings(&self) -> crate::nurture::NurtureSettings {
        crate::nurture::NurtureSettings {
            nurture: self.nurture.clone(),
            sequences: self.sequence.iter().map(|s| s.get_ref().clone()).collect(),
            templates_dir: self.resolve(&self.nurture.templates),
            outbox_from: self.outbox.as_ref().map(|o| o.from.clone()),
            message_id_domain: self.outbox.as_ref().map(|o| o.message_id_domain.clone()),
            first_rep: self.rep.first().cloned(),
        }
    }

    /// The hand-off's slice (see [`crate::handoff::HandoffSettings`]).
    pub fn handoff_settings(&self) -> crate::handoff::HandoffSettings {
        crate::handoff::HandoffSettings {
            webhooks: self.webhook.iter().map(|w| w.get_ref().clone()).collect(),
            chats: self.chat.iter().map(|c| c.get_ref().clone()).collect(),
            templates_dir: self.resolve(&self.nurture.templates),
            claim_address: self.act.claim_address.clone(),
        }
    }

    /// The act stage's slice (see [`crate::act::ActSettings`]).
    pub fn act_settings(&self) -> crate::act::ActSettings {
        crate::act::ActSettings {
            act: self.act.clone(),
            rep: self.rep.clone(),
            team: self.team.clone(),
            scoring: self.scoring(),
            sales: self.sales.clone(),
            nurture: self.nurture.clone(),
            sequence: self.sequence.clone(),
            max_rep_notifications_per_hour: self.limits.max_rep_notifications_per_hour,
            message_id_domain: self.outbox.as_ref().map(|o| o.message_id_domain.clone()),
            base_dir: self.base_dir.clone(),
        }
    }

    /// Opens the store this config names, with context for the operator.
    pub fn open_store(&self) -> anyhow::Result<crate::store::Store> {
        use anyhow::Context as _;
        self.open_store_plain()
            .with_context(|| format!("opening store {}", self.store_name()))
    }

    /// Opens the store on the configured backend; [`crate::store::StoreError::Locked`]
    /// tells the caller the daemon holds a sled store (ask it instead).
    /// Events are staged only when some hand-off endpoint is configured.
    pub fn open_store_plain(&self) -> Result<crate::store::Store, crate::store::StoreError> {
        let store = match self.store.backend {
            crate::store::config::Backend::Sled => {
                crate::store::Store::open(&self.store_path(), self.store.cache_mb)
            }
            crate::store::config::Backend::Postgres => {
                let url = self
                    .store
                    .postgres_url()
                    .map_err(|e| crate::store::StoreError::Postgres(format!("{e:#}")))?;
                crate::store::Store::open_postgres(&url)
            }
        }?;
        store.set_handoff_wanted(!self.webhook.is_empty() || !self.chat.is_empty());
        Ok(store)
    }

    /// How the store is named in messages: its directory, or "PostgreSQL".
    pub fn store_name(&self) -> String {
        match self.store.backend {
            crate::store::config::Backend::Sled => self.store_path().display().to_string(),
            crate::store::config::Backend::Postgres => "PostgreSQL (shared store)".to_string(),
        }
    }

    /// The sender's slice: `[outbox]` with its paths resolved, and the daily
    /// cap on automatic mail. `None` without an `[outbox]`.
    pub fn sender(&self) -> Option<SenderConfig> {
        let mut outbox = self.outbox.clone()?;
        outbox.dir = outbox.dir.map(|d| self.resolve(&d));
        if let Some(smtp) = outbox.smtp.as_mut() {
            smtp.ca_file = smtp.ca_file.take().map(|p| self.resolve(&p));
            smtp.password_file = smtp.password_file.take().map(|p| self.resolve(&p));
            if let Some(o) = smtp.oauth2.as_mut() {
                o.refresh_token_file = o.refresh_token_file.take().map(|p| self.resolve(&p));
            }
        }
        Some(SenderConfig {
            outbox,
            base_dir: self.base_dir.clone(),
            max_auto_emails_per_day: self.limits.max_auto_emails_per_day,
        })
    }

    /// What understanding needs from config.
    pub fn understand_context(&self) -> crate::understand::Context {
        crate::understand::Context {
            own_message_id_domains: self
                .outbox
                .iter()
                .map(|o| o.message_id_domain.clone())
                .collect(),
            provider_rules: self.provider.clone(),
            auth: self.auth.clone(),
            limits: crate::understand::Limits {
                max_attachments: self.limits.max_attachments,
                max_csv_rows: self.limits.max_csv_rows,
            },
            products: self
                .business
                .products
                .iter()
                .map(|p| p.trim().to_string())
                .collect(),
        }
    }
}

fn read_text(path: &Path) -> Result<String, Vec<ConfigError>> {
    std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read: {e}"),
        }]
    })
}

/// Intake tokens shorter than this are refused (guessable).
pub const MIN_TOKEN_LEN: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match Config::parse(Path::new("c.toml"), text) {
            Ok(_) => Vec::new(),
            Err(e) => e.iter().map(|e| e.to_string()).collect(),
        }
    }

    const STORE: &str = "[store]\npath = \"s\"\n";

    #[test]
    fn unknown_key_is_reported_with_its_line() {
        let e = errors(&format!(
            "{STORE}[[mailbox]]\nname = \"a\"\nmaildir = \"m\"\ncolour = 3\n"
        ));
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("c.toml:6: unknown field `colour`"),
            "{e:?}"
        );
    }

    #[test]
    fn mailbox_without_source_is_reported() {
        let e = errors(&format!("{STORE}[[mailbox]]\nname = \"a\"\n"));
        assert!(
            e[0].starts_with("c.toml:3:") && e[0].contains("no source"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_port_and_inline_password_are_reported() {
        let text = format!(
            "{STORE}[[mailbox]]\nname = \"a\"\nimap = {{ host = \"127.0.0.1\", port = 70000, tls = \"none\", user = \"u\",\n  password = \"hunter2\" }}\n"
        );
        let e = errors(&text);
        assert!(
            e.iter()
                .any(|m| m.starts_with("c.toml:5:") && m.contains("port 70000")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with("c.toml:6:") && m.contains("password_env")),
            "{e:?}"
        );
        assert!(
            e.iter().all(|m| !m.contains("hunter2")),
            "secret leaked: {e:?}"
        );
    }

    #[test]
    fn plain_text_to_a_remote_host_needs_the_override() {
        let text = format!(
            "{STORE}[[mailbox]]\nname = \"a\"\nimap = {{ host = \"imap.example.com\", port = 143, tls = \"none\", user = \"u\", password_env = \"P\" }}\n"
        );
        assert!(errors(&text).iter().any(|m| m.contains("allow_insecure")));
        let ok = text.replace("password_env", "allow_insecure = true, password_env");
        assert!(errors(&ok).is_empty());
    }

    #[test]
    fn provider_rule_files_load_and_report_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("carousel.toml");
        std::fs::write(
            &config,
            format!("{STORE}[[mailbox]]\nname = \"a\"\nmaildir = \"m\"\n"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("m")).unwrap();
        let providers = dir.path().join("providers");
        std::fs::create_dir_all(&providers).unwrap();
        std::fs::write(
            providers.join("quotebox.toml"),
            "# learned\nname = \"quotebox\"\nsender = [\"@quotebox.example\"]\n[fields]\nphone = 'Callback:[ \\t]*([0-9 ]+)'\n",
        )
        .unwrap();
        let loaded = Config::load(&config).unwrap();
        assert_eq!(loaded.provider.len(), 1);
        assert_eq!(loaded.provider[0].name, "quotebox");
        assert_eq!(loaded.providers_dir(), providers);
        assert!(loaded.understand_context().provider_rules.len() == 1);

        std::fs::write(
            providers.join("broken.toml"),
            "name = \"broken\"\nsender = [\"@b.example\"]\n\n[fields]\nphone = 'Phone: (\\d+'\n",
        )
        .unwrap();
        std::fs::write(providers.join("typo.toml"), "name = \"t\"\nsendr = []\n").unwrap();
        let e: Vec<String> = Config::load(&config)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        let broken = providers.join("broken.toml").display().to_string();
        let typo = providers.join("typo.toml").display().to_string();
        assert!(
            e.iter()
                .any(|m| m.starts_with(&format!("{broken}:5:")) && m.contains("bad regex")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with(&format!("{typo}:2:")) && m.contains("sendr")),
            "{e:?}"
        );
    }

    #[test]
    fn rep_notification_cap_has_a_default_and_zero_is_refused() {
        let base = format!("{STORE}[[mailbox]]\nname = \"a\"\nmaildir = \"m\"\n");
        let config = Config::parse(Path::new("c.toml"), &base).unwrap();
        assert_eq!(config.limits.max_rep_notifications_per_hour, 20);
        let e = errors(&format!(
            "{base}[limits]\nmax_rep_notifications_per_hour = 0\n"
        ));
        assert!(
            e.iter()
                .any(|m| m.contains("max_rep_notifications_per_hour")),
            "{e:?}"
        );
    }

    #[test]
    fn reps_without_a_time_zone_work_in_the_companys() {
        let config = Config::parse(
            Path::new("c.toml"),
            &format!(
                "{STORE}[[mailbox]]\nname = \"a\"\nmaildir = \"m\"\n[nurture]\ntime_zone = \"America/Los_Angeles\"\n\n[[rep]]\nname = \"Dana\"\nemail = \"dana@acme.example\"\n\n[[rep]]\nname = \"Kai\"\nemail = \"kai@acme.example\"\ntime_zone = \"Europe/Berlin\"\n"
            ),
        )
        .unwrap();
        assert_eq!(config.rep[0].time_zone, "America/Los_Angeles");
        assert_eq!(config.rep[1].time_zone, "Europe/Berlin");
    }

    #[test]
    fn business_products_reach_understanding_and_are_checked() {
        let mailbox = "[[mailbox]]\nname = \"a\"\nmaildir = \"m\"\n";
        let text = format!(
            "{STORE}{mailbox}[business]\nproducts = [\"solar panels\", \" EV charger \"]\n"
        );
        let config = Config::parse(Path::new("c.toml"), &text).unwrap();
        assert_eq!(
            config.understand_context().products,
            ["solar panels", "EV charger"]
        );
        let twice = format!(
            "{STORE}{mailbox}[business]\nproducts = [\"Solar panels\", \"solar panels\"]\n"
        );
        assert!(
            errors(&twice).iter().any(|m| m.contains("listed twice")),
            "{:?}",
            errors(&twice)
        );
        let empty = format!("{STORE}{mailbox}[business]\nproducts = [\" \"]\n");
        assert!(errors(&empty).iter().any(|m| m.contains("[business]")));
    }

    #[test]
    fn the_shipped_config_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/carousel.toml");
        if let Err(e) = Config::load(&path) {
            panic!("{e:?}");
        }
    }
}
