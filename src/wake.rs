//! Nudges between stages: a leaf any stage may hold. A source that flushed
//! a batch wakes the understanding stage; it wakes the act stage once
//! responses are written; a stage that queued mail wakes the
//! sender.

/// The stages' wake-up signals. Each stage also scans its
/// tree on start and on a timer, so a lost nudge only delays, never loses.
#[derive(Default)]
pub struct Wakeups {
    /// A source flushed a batch: the understanding stage has work.
    pub received: tokio::sync::Notify,
    pub responses: tokio::sync::Notify,
    pub outbox: tokio::sync::Notify,
}
