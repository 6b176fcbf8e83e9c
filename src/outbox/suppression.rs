//! The suppression list (tree [`SUPPRESSION`]): addresses nothing automatic
//! may be sent to, because they unsubscribed or hard-bounced. The sender
//! checks it at send time, so it lives in the outbox; nurture and the act
//! stage put addresses on it (and stop sequences) through `nurture::suppress`.

use crate::store::{Store, StoreError, decode, encode};

/// Suppressed addresses (unsubscribed, hard-bounced, complained).
pub const SUPPRESSION: &str = "suppression";

/// Puts `email` on the list with `reason` (a snake_case word such as
/// `unsubscribe`, `hard_bounce`) and the time. Returns true when it was not
/// on the list before; repeating it only refreshes the record.
pub fn add(store: &Store, email: &str, reason: &str, at: &str) -> Result<bool, StoreError> {
    let record = serde_json::json!({"reason": reason, "at": at});
    let before = store
        .tree(SUPPRESSION)?
        .insert(email.as_bytes(), encode(&record))?;
    Ok(before.is_none())
}

/// [`add`], and in the same transaction stages `event` for the hand-off
/// when the address was not on the list before (a repeat stages nothing).
pub fn add_with_event(
    store: &Store,
    email: &str,
    reason: &str,
    at: &str,
    event: Option<&crate::store::events::Event>,
) -> Result<bool, StoreError> {
    use crate::store::kv::Transactional as _;
    let record = encode(&serde_json::json!({"reason": reason, "at": at}));
    let suppression = store.tree(SUPPRESSION)?;
    let handoff = store.tree(crate::store::events::queue::TREE)?;
    let event = event.filter(|_| store.handoff_wanted());
    let result = (&suppression, &handoff).transaction(|(suppression, handoff)| {
        let before = suppression.insert(email.as_bytes(), record.clone())?;
        if let Some(event) = event.filter(|_| before.is_none()) {
            crate::store::events::queue::stage(handoff, event)?;
        }
        Ok(before.is_none())
    });
    Ok(result?)
}

/// Takes `email` off the list when it is there for `reason` (an address
/// suppressed for another reason, such as a hard bounce, stays). Returns
/// whether it was removed.
pub fn remove_if(store: &Store, email: &str, reason: &str) -> Result<bool, StoreError> {
    let tree = store.tree(SUPPRESSION)?;
    let Some(v) = tree.get(email.as_bytes())? else {
        return Ok(false);
    };
    let record: serde_json::Value = decode("suppression", &v)?;
    if record["reason"] != serde_json::json!(reason) {
        return Ok(false);
    }
    tree.remove(email.as_bytes())?;
    Ok(true)
}

/// True when nothing automatic may be sent to this address: it is on the
/// list, or its contact hard-bounced.
pub fn is_suppressed(store: &Store, email: &str) -> Result<bool, StoreError> {
    if store.tree(SUPPRESSION)?.contains_key(email.as_bytes())? {
        return Ok(true);
    }
    Ok(store.contact(email)?.is_some_and(|c| c.hard_bounced))
}
