//! `[store]`: where the sled directory is and how much it may cache.

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    pub path: PathBuf,
    /// sled page cache in MiB (sled's default is 1 GiB; carousel keeps it small).
    #[serde(default = "default_cache_mb")]
    pub cache_mb: u64,
    /// Raw message bytes older than this many days are deleted (the message
    /// record, responses and contacts stay). Unset: kept for ever.
    #[serde(default)]
    pub retain_raw_days: Option<u32>,
}

fn default_cache_mb() -> u64 {
    64
}
