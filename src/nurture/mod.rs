//! Nurture: opt-in email sequences for low-urgency leads, the suppression
//! list, and stopping sequences the moment a prospect acts.
//!
//! This file holds the API the other stages call (enroll, stop, suppress);
//! the scheduler and templates live beside it: [`sequence`] (config and
//! send windows), [`templates`] (minijinja files marketers edit),
//! [`scheduler`] (due steps in the `schedule` tree), [`unsubscribe`]
//! (signed one-click links and the mailto mailbox).

pub mod scheduler;
pub mod sequence;
pub mod templates;
pub mod unsubscribe;

use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, decode, encode};

/// Enrollments by `contact\0sequence`.
pub const ENROLLMENTS: &str = "enrollments";
pub use crate::outbox::suppression::{SUPPRESSION, is_suppressed};

/// What nurture receives from the configuration (`Config::nurture_settings`).
#[derive(Debug, Clone)]
pub struct NurtureSettings {
    /// `[nurture]`.
    pub nurture: sequence::NurtureConfig,
    /// `[[sequence]]`, in file order.
    pub sequences: Vec<sequence::SequenceConfig>,
    /// `[nurture] templates`, resolved against the config file's directory.
    pub templates_dir: std::path::PathBuf,
    /// `[outbox] from`: nurture mail's From without `[nurture] from`.
    pub outbox_from: Option<String>,
    /// `[outbox] message_id_domain`.
    pub message_id_domain: Option<String>,
    /// The first `[[rep]]`, offered to templates as `rep`.
    pub first_rep: Option<crate::route::Rep>,
}

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

impl StopReason {
    /// The snake_case word stored in records (`hard_bounce`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Reply => "reply",
            StopReason::Unsubscribe => "unsubscribe",
            StopReason::HardBounce => "hard_bounce",
            StopReason::Converted => "converted",
            StopReason::Claimed => "claimed",
            StopReason::Manual => "manual",
            StopReason::Completed => "completed",
        }
    }
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
    /// When the last step was queued.
    #[serde(default)]
    pub last_sent_at: Option<String>,
    /// The newest out-of-office reply already acted on (so it pauses once).
    #[serde(default)]
    pub handled_auto_reply: Option<String>,
    /// Why the last attempt at a step did not go out (render error, ...).
    #[serde(default)]
    pub last_error: Option<String>,
}

pub fn enrollment_key(contact: &str, sequence: &str) -> Vec<u8> {
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
        last_sent_at: None,
        handled_auto_reply: None,
        last_error: None,
    };
    let tree = store.tree(ENROLLMENTS)?;
    let key = enrollment_key(&request.contact, &sequence);
    let new = tree
        .compare_and_swap(&key, None as Option<&[u8]>, Some(encode(&enrollment)))?
        .is_ok();
    if new {
        scheduler::schedule(store, &key, &enrollment.state)?;
    }
    Ok(new)
}

/// Like [`enroll`], but a stopped enrollment in that sequence starts again at
/// `request.start_at` — the "not now, try me in spring" reply, which itself
/// stopped the sequence a moment earlier. Never restarts one stopped by an
/// unsubscribe or a hard bounce. Returns whether an enrollment was made or
/// restarted.
pub fn enroll_or_restart(store: &Store, request: &EnrollRequest) -> Result<bool, StoreError> {
    if enroll(store, request)? {
        return Ok(true);
    }
    let Some(start_at) = &request.start_at else {
        return Ok(false);
    };
    let sequence = request.sequence.clone().unwrap_or_else(|| "default".into());
    let tree = store.tree(ENROLLMENTS)?;
    let key = enrollment_key(&request.contact, &sequence);
    let Some(value) = tree.get(&key)? else {
        return Ok(false);
    };
    let mut enrollment: Enrollment = decode("enrollments", &value)?;
    let restartable = matches!(
        enrollment.state,
        EnrollmentState::Stopped { reason, .. }
            if !matches!(reason, StopReason::Unsubscribe | StopReason::HardBounce)
    );
    if !restartable {
        return Ok(false);
    }
    // A new enrolled_at gives the restarted steps new Message-IDs.
    enrollment.enrolled_at = crate::store::now_rfc3339();
    enrollment.lead = request.lead.clone().or(enrollment.lead);
    enrollment.state = EnrollmentState::Active {
        next_step: 0,
        due: start_at.clone(),
    };
    enrollment.last_sent_at = None;
    enrollment.handled_auto_reply = None;
    enrollment.last_error = None;
    tree.insert(&key, encode(&enrollment))?;
    scheduler::schedule(store, &key, &enrollment.state)?;
    Ok(true)
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

/// Puts an address on the suppression list and stops its sequences. An
/// unsubscribe is an event on the contact's timeline and counted
/// (`unsubscribes`); repeating it changes nothing.
pub fn suppress(store: &Store, email: &str, reason: StopReason) -> Result<(), StoreError> {
    let now = crate::store::now_rfc3339();
    let added = suppress_with_event(store, email, reason, &now)?;
    stop_for_contact(store, email, reason)?;
    if reason == StopReason::Unsubscribe && added {
        subscription_event(store, email, "unsubscribed", &now)?;
        store.add_to_counter("unsubscribes", 1)?;
    }
    Ok(())
}

/// The suppression write; a new unsubscribe stages `contact.unsubscribed`
/// for the hand-off in the same transaction. Returns whether the address was
/// not on the list before.
fn suppress_with_event(
    store: &Store,
    email: &str,
    reason: StopReason,
    now: &str,
) -> Result<bool, StoreError> {
    let event = (reason == StopReason::Unsubscribe)
        .then(|| crate::store::events::contact_unsubscribed(email, now));
    crate::outbox::suppression::add_with_event(store, email, reason.as_str(), now, event.as_ref())
}

/// Takes an address off the suppression list when it was there by its own
/// unsubscribe (a hard bounce stays). Returns whether it was resubscribed.
/// Its sequences stay stopped: a later lead or enrollment starts one again.
pub fn resubscribe(store: &Store, email: &str) -> Result<bool, StoreError> {
    let unsubscribed = StopReason::Unsubscribe.as_str();
    if !crate::outbox::suppression::remove_if(store, email, unsubscribed)? {
        return Ok(false);
    }
    subscription_event(store, email, "resubscribed", &crate::store::now_rfc3339())?;
    store.add_to_counter("resubscribes", 1)?;
    Ok(true)
}

fn subscription_event(store: &Store, email: &str, kind: &str, at: &str) -> Result<(), StoreError> {
    let interaction = crate::store::model::Interaction {
        at: at.to_string(),
        contact: email.to_string(),
        direction: crate::store::model::Direction::Event,
        kind: kind.to_string(),
        message: None,
        subject: None,
        summary: Some(format!("{kind} from nurture emails")),
    };
    store.record_interaction(&interaction, kind)
}

/// `[nurture]` and `[[sequence]]` problems for [`crate::config::Config`]
/// validation (located in the config file).
pub fn config_problems(
    nurture: &sequence::NurtureConfig,
    sequences: &[toml::Spanned<sequence::SequenceConfig>],
    templates_dir: &std::path::Path,
    mailbox_names: &[&str],
) -> Vec<(Option<std::ops::Range<usize>>, String)> {
    let exists = |name: &str| templates_dir.join(format!("{name}.html")).is_file();
    let mut out = sequence::problems(nurture, sequences, &exists);
    if let Some(mailbox) = &nurture.unsubscribe_mailbox
        && !mailbox_names.contains(&mailbox.as_str())
    {
        out.push((
            None,
            format!("[nurture] unsubscribe_mailbox {mailbox:?} is not a [[mailbox]] name"),
        ));
    }
    out
}

/// Every template problem (`carousel check`): compile errors, front matter,
/// unknown variables. Empty when there are no sequences and no templates dir.
pub fn check_templates(config: &NurtureSettings) -> Vec<templates::TemplateProblem> {
    let dir = &config.templates_dir;
    if config.sequences.is_empty() && !dir.is_dir() {
        return Vec::new();
    }
    let (t, _) = templates::Templates::load(dir, config.nurture.template_fuel);
    t.check()
}

/// The one-click unsubscribe routes (`GET`/`POST /u/{token}`) for the
/// daemon's HTTP listener. Without a usable secret (e.g. `secret_env`
/// names an unset variable) the error is logged and no route is added.
pub fn unsubscribe_router(config: &sequence::NurtureConfig, store: Store) -> axum::Router {
    match unsubscribe::secret(config, &store) {
        Ok(secret) => unsubscribe::unsubscribe_router(store, secret),
        Err(e) => {
            tracing::error!("unsubscribe links disabled: {e:#}");
            axum::Router::new()
        }
    }
}

/// `carousel preview TEMPLATE --contact EMAIL`: subject, preheader, HTML and
/// text as the contact would receive them (from the store's contact record).
pub fn preview(
    store: &Store,
    config: &NurtureSettings,
    template: &str,
    contact: &str,
) -> anyhow::Result<String> {
    let scheduler = scheduler::Scheduler::new(std::sync::Arc::new(config.clone()), store.clone())?;
    let email = crate::understand::normalize_email(contact);
    let sequence = config
        .sequences
        .iter()
        .find(|s| s.step.iter().any(|st| st.template == template));
    let step = sequence
        .and_then(|s| s.step.iter().position(|st| st.template == template))
        .unwrap_or(0) as u32;
    let name = sequence.map_or("preview", |s| s.name.as_str());
    let ctx = scheduler.context(&email, name, step, None)?;
    // Strict: a misspelled variable or attribute is an error here, not a blank.
    let r = scheduler
        .templates()
        .render_strict(template, &ctx)
        .map_err(anyhow::Error::msg)?;
    let headers = unsubscribe::headers(&config.nurture, scheduler.secret(), &email);
    let mut out = format!(
        "To: {email}\nSequence: {name} (step {})\nSubject: {}\n",
        step + 1,
        r.subject
    );
    if let Some(p) = &r.preheader {
        out.push_str(&format!("Preheader: {p}\n"));
    }
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out.push_str(&format!(
        "\n--- text ---\n{}\n--- html ---\n{}\n",
        r.text.trim_end(),
        r.html.trim_end()
    ));
    Ok(out)
}

/// `carousel sequences status`: enrollments per sequence, step and state.
pub fn status_text(store: &Store) -> anyhow::Result<String> {
    let rows = scheduler::status(store)?;
    let mut out = format!("{:<24} {:<32} {:>8}\n", "SEQUENCE", "STATE", "CONTACTS");
    for (sequence, state, n) in &rows {
        out.push_str(&format!("{sequence:<24} {state:<32} {n:>8}\n"));
    }
    if rows.is_empty() {
        out.push_str("(no enrollments)\n");
    }
    Ok(out)
}

#[cfg(test)]
mod restart_tests {
    use super::*;

    fn request(start_at: Option<&str>) -> EnrollRequest {
        EnrollRequest {
            contact: "pat@example.test".into(),
            sequence: Some("spring".into()),
            lead: None,
            start_at: start_at.map(str::to_string),
        }
    }

    fn state(store: &Store) -> EnrollmentState {
        enrollments_of(store, "pat@example.test").unwrap()[0]
            .state
            .clone()
    }

    #[test]
    fn a_not_now_reply_restarts_the_stopped_sequence_at_the_revisit_date() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        assert!(enroll(&store, &request(None)).unwrap());
        assert_eq!(
            stop_for_contact(&store, "pat@example.test", StopReason::Reply).unwrap(),
            1
        );
        // Without a date nothing restarts.
        assert!(!enroll_or_restart(&store, &request(None)).unwrap());
        let spring = "2027-03-01T00:00:00Z";
        assert!(enroll_or_restart(&store, &request(Some(spring))).unwrap());
        assert_eq!(
            state(&store),
            EnrollmentState::Active {
                next_step: 0,
                due: spring.into()
            }
        );
        // Active already: a replay changes nothing.
        assert!(!enroll_or_restart(&store, &request(Some(spring))).unwrap());
    }

    #[test]
    fn stop_reason_words_are_the_ones_serde_writes() {
        use StopReason::*;
        for r in [
            Reply,
            Unsubscribe,
            HardBounce,
            Converted,
            Claimed,
            Manual,
            Completed,
        ] {
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::json!(r.as_str())
            );
        }
    }

    #[test]
    fn unsubscribe_and_resubscribe_are_on_the_timeline_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        suppress(&store, "pat@example.test", StopReason::Unsubscribe).unwrap();
        suppress(&store, "pat@example.test", StopReason::Unsubscribe).unwrap();
        assert!(is_suppressed(&store, "pat@example.test").unwrap());
        assert!(resubscribe(&store, "pat@example.test").unwrap());
        assert!(!is_suppressed(&store, "pat@example.test").unwrap());
        let kinds: Vec<String> = store
            .interactions("pat@example.test")
            .unwrap()
            .into_iter()
            .map(|i| i.kind)
            .collect();
        assert_eq!(kinds, ["unsubscribed", "resubscribed"]);
        assert_eq!(store.counter("unsubscribes").unwrap(), 1);
        assert_eq!(store.counter("resubscribes").unwrap(), 1);
        // A hard bounce is not undone by a resubscribe.
        suppress(&store, "gone@example.test", StopReason::HardBounce).unwrap();
        assert!(!resubscribe(&store, "gone@example.test").unwrap());
    }

    #[test]
    fn an_unsubscribed_contact_is_never_restarted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        assert!(enroll(&store, &request(None)).unwrap());
        suppress(&store, "pat@example.test", StopReason::Unsubscribe).unwrap();
        assert!(!enroll_or_restart(&store, &request(Some("2027-03-01T00:00:00Z"))).unwrap());
        assert!(matches!(
            state(&store),
            EnrollmentState::Stopped {
                reason: StopReason::Unsubscribe,
                ..
            }
        ));
    }
}
