//! Records kept in the store. Each is serialised as a version byte followed
//! by postcard or JSON ([`super::encode_compact`], [`super::encode`]), so a
//! later release reads what an earlier one wrote.

use serde::{Deserialize, Serialize};

use crate::understand::{CampaignLink, Contact, Intent, Kind, Timeline, Understanding};

/// Identifies a stored message: SHA-256 of its raw bytes, hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MessageKey(pub String);

impl MessageKey {
    pub fn of(raw: &[u8]) -> MessageKey {
        use sha2::{Digest, Sha256};
        MessageKey(hex::encode(Sha256::digest(raw)))
    }
}

impl std::fmt::Display for MessageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a message came from: which mailbox and its identity there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub mailbox: String,
    /// IMAP `UIDVALIDITY:UID` or the Maildir file name.
    pub reference: String,
}

/// One stored inbound message and what it was understood to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    pub key: MessageKey,
    pub origin: Origin,
    /// When carousel stored it (RFC 3339).
    pub stored_at: String,
    pub size: u64,
    /// False when only the headers were kept (over the size limit).
    pub raw_complete: bool,
    pub kind: Kind,
    #[serde(with = "understanding_as_json")]
    pub understanding: Understanding,
    /// Responses made from it (none for bounces, auto-replies, other).
    pub responses: Vec<u64>,
}

impl MessageRecord {
    /// What `carousel messages list` shows: everything but the full understanding.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "key": self.key,
            "mailbox": self.origin.mailbox,
            "reference": self.origin.reference,
            "stored_at": self.stored_at,
            "size": self.size,
            "raw_complete": self.raw_complete,
            "kind": self.kind,
            "subject": self.understanding.envelope.subject,
            "note": self.understanding.note,
            "responses": self.responses,
        })
    }
}

/// `Understanding` skips empty fields when written, which a format that is
/// not self-describing cannot read back: inside a compact (postcard) record
/// it is kept as packed JSON bytes (`super::packed`, after the packed
/// version byte; records written before hold JSON text, which starts with
/// `{`); inside a JSON record, as itself.
mod understanding_as_json {
    use serde::{Deserialize, Deserializer, Serialize, Serializer, ser::Error as _};

    use crate::understand::Understanding;

    pub fn serialize<S: Serializer>(u: &Understanding, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            u.serialize(s)
        } else {
            let value = serde_json::to_value(u).map_err(S::Error::custom)?;
            let mut bytes = vec![crate::store::PACKED_VERSION];
            crate::store::packed::write(&value, &mut bytes);
            s.serialize_bytes(&bytes)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Understanding, D::Error> {
        if d.is_human_readable() {
            Understanding::deserialize(d)
        } else {
            d.deserialize_bytes(JsonBytes)
        }
    }

    struct JsonBytes;

    impl serde::de::Visitor<'_> for JsonBytes {
        type Value = Understanding;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an understanding as JSON bytes")
        }

        fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Understanding, E> {
            match bytes.split_first() {
                Some((&crate::store::PACKED_VERSION, packed)) => {
                    let value = crate::store::packed::read(packed).map_err(E::custom)?;
                    serde_json::from_value(value).map_err(E::custom)
                }
                _ => serde_json::from_slice(bytes).map_err(E::custom),
            }
        }
    }
}

/// A response: a lead found in a provider email, or a prospect's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRecord {
    pub id: u64,
    pub message: MessageKey,
    pub mailbox: String,
    pub kind: Kind,
    pub received_at: String,
    pub provider: Option<String>,
    pub contact: Contact,
    pub interest: Option<String>,
    pub timeline: Option<Timeline>,
    pub intent: Option<Intent>,
    pub reply_text: Option<String>,
    pub campaign_link: Option<CampaignLink>,
    pub subject: Option<String>,
}

impl ResponseRecord {
    /// The `index`-th response of an understood message (a lead, or the reply).
    pub fn from_understanding(
        u: &Understanding,
        index: usize,
        id: u64,
        message: &MessageKey,
        mailbox: &str,
        now: &str,
    ) -> ResponseRecord {
        let lead = u.leads.get(index);
        let reply = u.reply.as_ref();
        ResponseRecord {
            id,
            message: message.clone(),
            mailbox: mailbox.to_string(),
            kind: u.kind,
            received_at: now.to_string(),
            provider: u.provider.clone(),
            contact: lead.map_or_else(|| u.contact.clone(), |l| l.contact.clone()),
            interest: lead.and_then(|l| l.interest.clone()),
            timeline: lead.and_then(|l| l.timeline),
            intent: reply.and_then(|r| r.intent),
            reply_text: reply.and_then(|r| r.text.clone()),
            campaign_link: u.campaign_link.clone(),
            subject: u.envelope.subject.clone(),
        }
    }
}

/// A person carousel knows, keyed by normalised email.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub contact: Contact,
    pub first_seen: String,
    pub last_seen: String,
    pub responses: u32,
    pub auto_replies: u32,
    /// The date an out-of-office said they are back.
    pub away_until: Option<String>,
    /// Bounces that say nothing bad about the address (full mailbox, a
    /// block of the sender, a delay …): recorded, never suppressing.
    pub soft_bounces: u32,
    /// The address itself is undeliverable (DESIGN.md `bounce.hard`):
    /// suppressed, nurture stops.
    pub hard_bounced: bool,
    /// The reason of the latest bounce, in sisimai's words (`blocked`,
    /// `mailboxfull`, `userunknown`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_bounce_reason: Option<String>,
}

/// One inbound or outbound email, or an event, on a contact's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    pub at: String,
    pub contact: String,
    pub direction: Direction,
    pub kind: String,
    pub message: Option<MessageKey>,
    pub subject: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
    Event,
}

/// How far an IMAP mailbox has been read and acknowledged: every UID up to
/// `acked_uid` is stored and acknowledged, except those in `retry`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImapCursor {
    pub uid_validity: u32,
    /// The highest UID read; every UID ≤ this not in `retry` is stored.
    pub acked_uid: u32,
    /// UIDs ≤ `acked_uid` the server listed but did not hand over (a FETCH
    /// item without a body, or no item at all): not stored, not acknowledged,
    /// fetched again on every sync until stored or expunged.
    #[serde(default)]
    pub retry: Vec<u32>,
}

/// More held-back UIDs than this and the server is broken, not flaky: the
/// sync stops with an error (and is retried with backoff) rather than keep
/// an unbounded list.
pub const MAX_RETRY_UIDS: usize = 10_000;

/// The server withheld more bodies than [`MAX_RETRY_UIDS`].
#[derive(Debug, thiserror::Error)]
#[error("the server withheld the bodies of {0} messages; not advancing past them")]
pub struct TooManyWithheld(pub usize);

impl ImapCursor {
    /// Moves past a handled batch of listed UIDs: the stored ones leave
    /// `retry`, the `missing` ones (listed, no body) join it, so the cursor
    /// never passes a UID that was not stored without remembering it.
    pub fn advance(
        &mut self,
        listed: impl Iterator<Item = u32>,
        missing: &[u32],
    ) -> Result<(), TooManyWithheld> {
        let listed: Vec<u32> = listed.collect();
        let mut retry: Vec<u32> = self
            .retry
            .iter()
            .copied()
            .filter(|u| !listed.contains(u))
            .chain(missing.iter().copied())
            .collect();
        retry.sort_unstable();
        retry.dedup();
        if retry.len() > MAX_RETRY_UIDS {
            return Err(TooManyWithheld(retry.len()));
        }
        self.retry = retry;
        if let Some(max) = listed.iter().max() {
            self.acked_uid = self.acked_uid.max(*max);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_passes_a_missing_uid_only_by_holding_it_for_retry() {
        let mut c = ImapCursor::default();
        c.advance([1, 2, 3, 4].into_iter(), &[2, 3]).unwrap();
        assert_eq!((c.acked_uid, c.retry.clone()), (4, vec![2, 3]));
        // The retry batch stores 3; 2 is still withheld.
        c.advance([2, 3].into_iter(), &[2]).unwrap();
        assert_eq!((c.acked_uid, c.retry.clone()), (4, vec![2]));
        c.advance([2, 5].into_iter(), &[]).unwrap();
        assert_eq!((c.acked_uid, c.retry.clone()), (5, vec![]));
    }

    #[test]
    fn a_cursor_written_before_retry_existed_still_reads() {
        let old: ImapCursor = serde_json::from_str(r#"{"uid_validity":7,"acked_uid":9}"#).unwrap();
        assert_eq!(old.acked_uid, 9);
        assert!(old.retry.is_empty());
    }
}

#[cfg(test)]
mod codec_tests {
    use super::*;
    use crate::store::{decode, encode, encode_compact};
    use crate::understand::{Envelope, Lead};

    fn message() -> MessageRecord {
        let mut u = Understanding::other(Envelope::default(), "note");
        u.kind = Kind::Lead;
        u.leads = vec![Lead::default()];
        MessageRecord {
            key: MessageKey::of(b"x"),
            origin: Origin {
                mailbox: "leads".into(),
                reference: "7:1".into(),
            },
            stored_at: "2026-12-02T05:00:00Z".into(),
            size: 1,
            raw_complete: true,
            kind: Kind::Lead,
            understanding: u,
            responses: vec![1001],
        }
    }

    /// An operator upgrading keeps every record: JSON values written by
    /// earlier releases read as before, new ones are compact and smaller.
    #[test]
    fn json_records_of_earlier_releases_and_compact_ones_both_read() {
        let record = message();
        let json = encode(&record);
        let compact = encode_compact(&record);
        assert_eq!((json[0], compact[0]), (1, 2));
        assert!(
            compact.len() < json.len(),
            "{} vs {}",
            compact.len(),
            json.len()
        );
        assert_eq!(decode::<MessageRecord>("messages", &json).unwrap(), record);
        assert_eq!(
            decode::<MessageRecord>("messages", &compact).unwrap(),
            record
        );
        let cursor = ImapCursor {
            uid_validity: 7,
            acked_uid: 9,
            retry: vec![3],
        };
        assert_eq!(
            decode::<ImapCursor>("cursors", &encode_compact(&cursor)).unwrap(),
            cursor
        );
        assert!(decode::<ImapCursor>("cursors", &[9, 1, 2]).is_err());
    }
}
