//! `[store]`: which database holds the store — the embedded sled directory
//! (`path`, the default) or a shared PostgreSQL database (`backend =
//! "postgres"` with `url_env` or `url_file`) — and how much sled may cache.

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `sled` (embedded, one process) or `postgres` (shared, several instances).
    #[serde(default)]
    pub backend: Backend,
    /// The sled directory (not used by `postgres`).
    #[serde(default)]
    pub path: PathBuf,
    /// sled page cache in MiB (sled's default is 1 GiB; carousel keeps it small).
    #[serde(default = "default_cache_mb")]
    pub cache_mb: u64,
    /// Raw message bytes older than this many days are deleted (the message
    /// record, responses and contacts stay). Unset: kept for ever.
    #[serde(default)]
    pub retain_raw_days: Option<u32>,
    /// `postgres`: the environment variable holding the connection URL
    /// (`postgresql://user:password@host:port/db`).
    #[serde(default)]
    pub url_env: Option<String>,
    /// `postgres`: a file holding the connection URL (instead of `url_env`).
    #[serde(default)]
    pub url_file: Option<PathBuf>,
    /// `postgres`: the CA certificate (PEM) that signed the database's
    /// certificate; added to the URL as `sslrootcert` (README "More than one
    /// machine": `sslmode=verify-full` to check it and the host name).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    #[default]
    Sled,
    Postgres,
}

impl StoreConfig {
    /// What is wrong with this section, for `carousel check`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.backend {
            Backend::Sled if self.path.as_os_str().is_empty() => {
                out.push("[store] needs `path` (the sled directory)".to_string());
            }
            Backend::Postgres => match (&self.url_env, &self.url_file) {
                (None, None) => out.push(
                    "[store] backend = \"postgres\" needs `url_env` (e.g. \"CAROUSEL_DATABASE_URL\") or `url_file`"
                        .to_string(),
                ),
                (Some(_), Some(_)) => {
                    out.push("[store] set `url_env` or `url_file`, not both".to_string())
                }
                _ => {}
            },
            Backend::Sled
                if self.url_env.is_some() || self.url_file.is_some() || self.ca_file.is_some() =>
            {
                out.push(
                    "[store] `url_env`/`url_file`/`ca_file` only apply with backend = \"postgres\""
                        .to_string(),
                )
            }
            Backend::Sled => {}
        }
        out
    }

    /// The PostgreSQL connection URL, from the environment or the file,
    /// with `ca_file` as its `sslrootcert`.
    pub fn postgres_url(&self) -> anyhow::Result<String> {
        let url = crate::net::read_secret(self.url_env.as_ref(), self.url_file.as_ref())?;
        let url = url.trim().to_string();
        Ok(match &self.ca_file {
            Some(ca) => super::kv::Db::postgres_url_with_ca(&url, ca),
            None => url,
        })
    }
}

fn default_cache_mb() -> u64 {
    64
}
