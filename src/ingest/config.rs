//! The sources' settings: `[[mailbox]]` (a Maildir or an IMAP folder; the
//! IMAP connection table itself is [`crate::net::ImapConfig`], shared with the
//! outbox's sent-copy archive) and `[limits]`, the bounds on hostile input
//! that ingest applies first and later stages read too.

use std::path::PathBuf;

use serde::Deserialize;

use crate::net::ImapConfig;

/// One watched mailbox: a local Maildir or an IMAP folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxConfig {
    pub name: String,
    pub maildir: Option<PathBuf>,
    pub imap: Option<ImapConfig>,
    /// Seconds between Maildir scans (IMAP uses IDLE, or this when IDLE is missing).
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
}

fn default_poll_ms() -> u64 {
    500
}

/// Bounds on hostile input.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Larger messages are recorded (headers only) and left flagged on the server.
    pub max_message_bytes: u64,
    /// Attachments understanding looks at per message.
    pub max_attachments: usize,
    /// CSV rows read per message (over all its attachments).
    pub max_csv_rows: usize,
    /// Automatic emails (acknowledgements, nurture steps) per address per UTC day.
    pub max_auto_emails_per_day: u32,
    /// Inbound messages per sender per hour; more are kept but held (not acted on).
    /// 0 turns the limit off.
    pub max_inbound_per_sender_per_hour: u32,
    /// Lead notifications per rep (or team inbox) per hour; more are held
    /// back and sent as one digest when the hour allows (at least 1).
    pub max_rep_notifications_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 25 * 1024 * 1024,
            max_attachments: crate::understand::Limits::default().max_attachments,
            max_csv_rows: crate::understand::Limits::default().max_csv_rows,
            max_auto_emails_per_day: 3,
            max_inbound_per_sender_per_hour: 100,
            max_rep_notifications_per_hour: 20,
        }
    }
}
