//! Auto-replies: RFC 3834 headers, vendor headers and out-of-office phrases.
//! An auto-reply is never a response and is never answered.

use mail_parser::Message;

use super::{AutoReply, Envelope};

/// `Some` when the message was written by a machine on a person's behalf.
pub fn detect(_message: &Message<'_>, _envelope: &Envelope, _text: &str) -> Option<AutoReply> {
    None
}
