//! `carousel migrate --from sled:PATH`: copies an embedded sled store into
//! the configured shared store, tree by tree and key by key. Copying is
//! idempotent (each key is written with the source's value, so running it
//! again changes nothing), and compact (postcard, packed) records are
//! rewritten as JSON on the way, so PostgreSQL's views read them.

use std::path::Path;

use super::model::{ContactRecord, ImapCursor, Interaction, MessageRecord, ResponseRecord};
use super::received::Received;
use super::{COMPACT_VERSION, PACKED_VERSION, Store, StoreError, decode, encode};

/// What a migration copied.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Copied {
    pub trees: usize,
    pub records: u64,
    /// Compact records rewritten as JSON.
    pub rewritten: u64,
}

/// sled's own bookkeeping tree, not carousel data.
const SLED_DEFAULT_TREE: &[u8] = b"__sled__default";

/// Copies every tree of the sled store at `from` into `to`.
pub fn copy_sled_into(from: &Path, to: &Store) -> Result<Copied, StoreError> {
    if !from.exists() {
        return Err(StoreError::Codec {
            tree: "migrate",
            detail: format!("{} does not exist", from.display()),
        });
    }
    let source = Store::open(from, 64)?;
    let mut copied = Copied::default();
    for name in source.db().tree_names()? {
        if &name[..] == SLED_DEFAULT_TREE {
            continue;
        }
        let name_text = String::from_utf8_lossy(&name).into_owned();
        let from_tree = source.db().open_tree(&name)?;
        let to_tree = to.db().open_tree(&name)?;
        copied.trees += 1;
        for item in from_tree.iter() {
            let (key, value) = item?;
            let value = match self_describing(&name_text, &value)? {
                Some(json) => {
                    copied.rewritten += 1;
                    json
                }
                None => value.to_vec(),
            };
            to_tree.insert(key, value)?;
            copied.records += 1;
        }
    }
    // Ids handed out by the target must not collide with copied keys.
    to.db().advance_ids_past(source.db().generate_id()?)?;
    Ok(copied)
}

/// A compact record of a known tree as JSON; `None` for anything else
/// (already JSON, raw bytes, counters, keys), which is copied as it is.
fn self_describing(tree: &str, value: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    if value.first() == Some(&PACKED_VERSION) {
        return Ok(Some(encode(&decode::<serde_json::Value>("packed", value)?)));
    }
    if value.first() != Some(&COMPACT_VERSION) {
        return Ok(None);
    }
    let json = match tree {
        "responses" | "internal_responses" => {
            encode(&decode::<ResponseRecord>("responses", value)?)
        }
        "messages" => encode(&decode::<MessageRecord>("messages", value)?),
        "interactions" => encode(&decode::<Interaction>("interactions", value)?),
        "contacts" => encode(&decode::<ContactRecord>("contacts", value)?),
        super::received::QUEUE => encode(&decode::<Received>(super::received::QUEUE, value)?),
        "cursors" => encode(&decode::<ImapCursor>("cursors", value)?),
        _ => return Ok(None),
    };
    Ok(Some(json))
}
