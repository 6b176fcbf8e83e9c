//! Blocking work (sled, the file system, CPU-bound parsing) called from async
//! code without stalling the reactor's other tasks.

/// Runs `f` where blocking is allowed: on a multi-threaded runtime (the
/// daemon's) the worker hands its other tasks off first
/// (`block_in_place`); on a current-thread runtime, or outside one, there
/// are no other tasks to stall and `f` runs inline.
pub fn off_reactor<R>(f: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}
