//! Nudges between stages: a leaf any stage may hold. A source that flushed
//! new responses wakes the act stage; a stage that queued mail wakes the
//! sender.

/// The stages' wake-up signals. Each stage also scans its
/// tree on start and on a timer, so a lost nudge only delays, never loses.
#[derive(Default)]
pub struct Wakeups {
    pub responses: tokio::sync::Notify,
    pub outbox: tokio::sync::Notify,
}
