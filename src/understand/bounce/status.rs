//! Status codes read from a bounce.
//!
//! An RFC 3463 enhanced status code (`5.1.1`) is the most precise thing a
//! bounce can state; an SMTP reply code (`550`) is the next best. Both are only
//! ever *read* from the message: nothing here makes a code up from a reason.

use once_cell::sync::Lazy;
use regex::Regex;

/// `class.subject.detail`: class 2, 4 or 5; subject 0–7 (RFC 3463 defines no
/// more); detail up to three digits. Boundaries are checked by hand because
/// `regex` has no look-around.
static ENHANCED: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"[245]\.[0-7]\.[0-9]{1,3}").expect("static regex"));

/// A three-digit SMTP reply code standing on its own (`550`, `550-`, `#550`).
static REPLY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:^|[\s(\[#:;=])([245][0-5][0-9])(?:[\s\-\]),.:;]|$)").expect("static regex")
});

/// Words of a failure that will be retried or is temporary by nature.
static TEMPORARY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(?:delayed|deferred|will (?:be )?retr(?:y|ied)|will keep trying|still trying|temporar(?:y|ily)|try again later|not yet been delivered|has not been delivered yet|warning: could not send)\b",
    )
    .expect("static regex")
});

/// Every enhanced status code in `s`, in order, that stands alone (not part
/// of an IP address, a version number or a longer dotted number).
pub fn enhanced_codes(s: &str) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    ENHANCED.find_iter(s).filter_map(move |m| {
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        let after2 = bytes.get(m.end() + 1).copied();
        let bad_before =
            before.is_some_and(|b| b.is_ascii_digit() || b == b'.' || b.is_ascii_alphabetic());
        let bad_after = after.is_some_and(|b| b.is_ascii_digit() || b.is_ascii_alphabetic())
            || (after == Some(b'.') && after2.is_some_and(|b| b.is_ascii_digit()));
        (!bad_before && !bad_after).then(|| m.as_str())
    })
}

/// The first standalone enhanced status code in `s`, skipping success codes.
pub fn first_failure_code(s: &str) -> Option<&str> {
    enhanced_codes(s).find(|c| !c.starts_with('2'))
}

/// The first standalone SMTP failure reply code (4xx/5xx) in `s`.
pub fn first_reply_code(s: &str) -> Option<&str> {
    REPLY
        .captures_iter(s)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .find(|c| !c.starts_with('2'))
}

/// True when the words say the failure is temporary or still being retried.
pub fn says_temporary(s: &str) -> bool {
    TEMPORARY.is_match(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_inside_ip_addresses_and_versions_are_not_statuses() {
        assert_eq!(first_failure_code("host 192.0.2.4 said 550"), None);
        assert_eq!(first_failure_code("Exim 4.72 (version 5.1.10.2)"), None);
        assert_eq!(
            first_failure_code("said: 550 5.1.1 <x@y>... User unknown"),
            Some("5.1.1")
        );
        assert_eq!(first_failure_code("(#5.5.0)"), Some("5.5.0"));
        assert_eq!(
            first_failure_code("550-5.7.26 Unauthenticated"),
            Some("5.7.26")
        );
    }
}
