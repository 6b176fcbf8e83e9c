//! Bounces: RFC 3464 delivery-status reports and the non-DSN bounce texts of
//! common MTAs, read into one [`Bounce`] per failed recipient.

use mail_parser::Message;

use super::Bounce;

/// The failed recipients when the message is a bounce; empty otherwise.
pub fn detect(_message: &Message<'_>, _raw: &[u8], _text: &str) -> Vec<Bounce> {
    Vec::new()
}
