//! Fault injection for crash tests: `CAROUSEL_FAULT=<point>` makes the process
//! die (like SIGKILL: no destructors, no flush) when it reaches that point.
//! Real servers cannot produce "crash exactly between store and ack", so this
//! is the one mock the tests use.

/// Dies here when `CAROUSEL_FAULT` names this point.
pub fn point(name: &str) {
    static FAULT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let wanted = FAULT.get_or_init(|| std::env::var("CAROUSEL_FAULT").ok());
    if wanted.as_deref() == Some(name) {
        eprintln!("carousel: fault injected at {name}");
        std::process::abort();
    }
}
