//! What the store knows of `carousel import` runs: the mailbox name imported
//! messages carry, and each provider's run state (tree [`RUNS`]). The
//! importer (`ingest::import`) writes them; the act stage reads them, so
//! they live below both.

use serde::{Deserialize, Serialize};

use crate::store::model::MessageRecord;
use crate::store::{Store, decode};

/// The mailbox name imported messages are stored under.
pub const IMPORT_MAILBOX: &str = "import";
/// Tree: provider → [`ImportRun`] (is the import still running?).
pub const RUNS: &str = "import_runs";

/// The state of one import (by provider) in tree [`RUNS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRun {
    pub running: bool,
    /// When the run started or finished (RFC 3339).
    pub at: String,
}

/// True when a stored message came from `carousel import` (the person never wrote to us).
pub fn is_imported(message: &MessageRecord) -> bool {
    message.origin.mailbox == IMPORT_MAILBOX
}

/// The import run of `provider`, if one was recorded.
pub fn run_of(store: &Store, provider: &str) -> anyhow::Result<Option<ImportRun>> {
    Ok(store
        .tree(RUNS)?
        .get(provider.as_bytes())?
        .map(|v| decode("import_runs", &v))
        .transpose()?)
}
