//! `[http]` and `[[intake_token]]`: the settings of the application shell
//! above config (the HTTP listener and its intake tokens). They live with
//! config because `http` sees the whole `Config`; `http` re-exports them.

use std::path::PathBuf;

use serde::Deserialize;

/// `[http]`: where the listener binds and how much a request may carry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// `host:port`; keep it on loopback unless a proxy in front terminates TLS.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Largest request body accepted by `POST /leads` (413 above it).
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// `POST /leads` per intake token and minute (429 above it, with
    /// `Retry-After`); bursts up to this many are allowed. 0 = no limit.
    #[serde(default = "default_leads_per_minute")]
    pub leads_per_minute: u32,
    /// Seconds a client may take to send a `POST /leads` body (408 after).
    #[serde(default = "default_body_timeout")]
    pub body_timeout_secs: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: default_listen(),
            max_body_bytes: default_max_body(),
            leads_per_minute: default_leads_per_minute(),
            body_timeout_secs: default_body_timeout(),
        }
    }
}

fn default_leads_per_minute() -> u32 {
    120
}

fn default_body_timeout() -> u64 {
    10
}

fn default_listen() -> String {
    "127.0.0.1:8025".into()
}

fn default_max_body() -> usize {
    1024 * 1024
}

/// `[[intake_token]]`: one bearer token per lead provider posting to `/leads`.
/// The token itself comes from the environment or a file, never the TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeToken {
    /// The provider name leads posted with this token are stored under.
    pub provider: String,
    pub token_env: Option<String>,
    pub token_file: Option<PathBuf>,
}
