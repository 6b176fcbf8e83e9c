//! Nurture: opt-in email sequences for low-urgency leads, the suppression
//! list, and stopping sequences the moment a prospect acts.
//!
//! This file holds the API the other stages call (enroll, stop, suppress);
//! the scheduler and templates live beside it.

use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, decode, encode};

/// Enrollments by `contact\0sequence`.
pub const ENROLLMENTS: &str = "enrollments";
/// Suppressed addresses (unsubscribed, hard-bounced, complained).
pub const SUPPRESSION: &str = "suppression";

/// A request to put a contact into a sequence (from routing or a not-now reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub contact: String,
    /// The sequence name; `None` = the configured default sequence.
    pub sequence: Option<String>,
    pub lead: Option<String>,
    /// Start no earlier than this (RFC 3339), e.g. a not-now revisit date.
    pub start_at: Option<String>,
}

/// Why a sequence stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    Reply,
    Unsubscribe,
    HardBounce,
    Converted,
    Claimed,
    Manual,
    Completed,
}

/// An enrollment's state: the types make "stopped but due" impossible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EnrollmentState {
    Active { next_step: u32, due: String },
    Paused { next_step: u32, until: String },
    Stopped { reason: StopReason, at: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    pub id: String,
    pub contact: String,
    pub sequence: String,
    pub lead: Option<String>,
    pub state: EnrollmentState,
    pub enrolled_at: String,
}

fn enrollment_key(contact: &str, sequence: &str) -> Vec<u8> {
    let mut k = contact.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(sequence.as_bytes());
    k
}

/// Enrolls a contact unless already enrolled in that sequence (idempotent).
/// Returns whether a new enrollment was made.
pub fn enroll(store: &Store, request: &EnrollRequest) -> Result<bool, StoreError> {
    let sequence = request.sequence.clone().unwrap_or_else(|| "default".into());
    let now = crate::store::now_rfc3339();
    let enrollment = Enrollment {
        id: crate::outbox::message_id("e", &[&request.contact, &sequence])
            .trim_end_matches("@e")
            .to_string(),
        contact: request.contact.clone(),
        sequence: sequence.clone(),
        lead: request.lead.clone(),
        state: EnrollmentState::Active {
            next_step: 0,
            due: request.start_at.clone().unwrap_or_else(|| now.clone()),
        },
        enrolled_at: now,
    };
    let tree = store.tree(ENROLLMENTS)?;
    let key = enrollment_key(&request.contact, &sequence);
    Ok(tree
        .compare_and_swap(key, None as Option<&[u8]>, Some(encode(&enrollment)))?
        .is_ok())
}

/// Stops every active or paused enrollment of a contact. Returns how many stopped.
pub fn stop_for_contact(
    store: &Store,
    contact: &str,
    reason: StopReason,
) -> Result<usize, StoreError> {
    let tree = store.tree(ENROLLMENTS)?;
    let mut prefix = contact.as_bytes().to_vec();
    prefix.push(0);
    let mut stopped = 0;
    for item in tree.scan_prefix(&prefix) {
        let (key, value) = item?;
        let mut enrollment: Enrollment = decode("enrollments", &value)?;
        if matches!(enrollment.state, EnrollmentState::Stopped { .. }) {
            continue;
        }
        enrollment.state = EnrollmentState::Stopped {
            reason,
            at: crate::store::now_rfc3339(),
        };
        tree.insert(key, encode(&enrollment))?;
        stopped += 1;
    }
    Ok(stopped)
}

/// Every enrollment of one contact.
pub fn enrollments_of(store: &Store, contact: &str) -> Result<Vec<Enrollment>, StoreError> {
    let tree = store.tree(ENROLLMENTS)?;
    let mut prefix = contact.as_bytes().to_vec();
    prefix.push(0);
    tree.scan_prefix(&prefix)
        .values()
        .map(|v| decode("enrollments", &v?))
        .collect()
}

/// Puts an address on the suppression list and stops its sequences.
pub fn suppress(store: &Store, email: &str, reason: StopReason) -> Result<(), StoreError> {
    let tree = store.tree(SUPPRESSION)?;
    let record = serde_json::json!({"reason": reason, "at": crate::store::now_rfc3339()});
    tree.insert(email.as_bytes(), encode(&record))?;
    stop_for_contact(store, email, reason)?;
    Ok(())
}

/// True when nothing automatic may be sent to this address.
pub fn is_suppressed(store: &Store, email: &str) -> Result<bool, StoreError> {
    if store.tree(SUPPRESSION)?.contains_key(email.as_bytes())? {
        return Ok(true);
    }
    Ok(store.contact(email)?.is_some_and(|c| c.hard_bounced))
}
