//! Packed JSON: a compact, self-describing binary form of a JSON value, for
//! records whose serde attributes (skipped empty fields, internally tagged
//! enums) postcard cannot read back: lead and contact records, and the
//! understanding inside a message record. A record is turned into a
//! `serde_json::Value` and written as tagged items; reading gives the same
//! value back, so every reader that took the record's JSON (typed, or as an
//! untyped value like nurture's templates) reads it unchanged.
//!
//! What makes it small:
//! - object keys are numbers: an index into [`KEYS`] (the field names of
//!   the store's records) or into the keys already seen in this value; a
//!   key not known yet is written once, inline;
//! - RFC 3339 timestamps (most of a lead record's text) are two varints,
//!   when the text reads back exactly as it was;
//! - integers are varints; no quotes, commas or escapes.
//!
//! [`KEYS`] is append-only: a packed value names keys by their place in it.

use serde_json::{Map, Number, Value};

/// Field names of the store's records, in the order packed values number
/// them. Append only: never reorder or remove an entry.
const KEYS: [&str; 98] = [
    // Contact, ContactRecord
    "email",
    "name",
    "phone",
    "company",
    "title",
    "postcode",
    "country",
    "contact",
    "first_seen",
    "last_seen",
    "responses",
    "auto_replies",
    "away_until",
    "soft_bounces",
    "hard_bounced",
    "last_bounce_reason",
    // LeadRecord and what it holds
    "id",
    "response",
    "message",
    "lead",
    "reasons",
    "action",
    "assigned",
    "routing",
    "notices",
    "speed",
    "sla_stopped",
    "created_at",
    "interest",
    "timeline",
    "rank",
    "points",
    "ownership",
    "status",
    "state",
    "since",
    "rep",
    "outcome",
    "why",
    "type",
    "inbox",
    "to",
    "message_id",
    "at",
    "enqueued",
    "received_by_server",
    "ingested",
    "routed",
    "notification_enqueued",
    "notification_accepted",
    "first_rep_action",
    // Understanding and what it holds
    "kind",
    "envelope",
    "provider",
    "leads",
    "reply",
    "auto_reply",
    "bounces",
    "campaign_link",
    "note",
    "auth",
    "in_reply_to",
    "references",
    "subject",
    "from_email",
    "from_name",
    "reply_to_email",
    "reply_to_name",
    "date",
    "source",
    "provenance",
    "unqualified",
    "review_reasons",
    "recipient",
    "hard",
    "reason",
    "diagnostic",
    "return_date",
    "stand_in",
    "how",
    "ours",
    "text",
    "signature",
    "intent",
    "intent_confidence",
    "intent_phrases",
    "referral_email",
    "referral_name",
    "revisit",
    "signature_contact",
    "aligned_pass",
    "required",
    "rule",
    "detail",
    // ResponseRecord, Interaction
    "mailbox",
    "received_at",
    "reply_text",
    "direction",
];

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const UINT: u8 = 3;
/// A negative integer `n`, written as the varint `-(n + 1)`.
const NEGINT: u8 = 4;
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;
/// An RFC 3339 timestamp: seconds (zigzag varint), nanoseconds (varint).
const TIMESTAMP: u8 = 9;

/// Values nest at most this deep (the records nest four or five levels).
const MAX_DEPTH: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum PackedError {
    #[error("packed value cut short")]
    Truncated,
    #[error("packed value: unknown item tag {0}")]
    Tag(u8),
    #[error("packed value: unknown key {0}")]
    Key(u64),
    #[error("packed value: text is not UTF-8")]
    Utf8,
    #[error("packed value: bad number or timestamp")]
    Number,
    #[error("packed value nests deeper than {MAX_DEPTH}")]
    Depth,
    #[error("packed value: {0} bytes left over")]
    Trailing(usize),
}

/// Appends `value`, packed, to `out`.
pub fn write(value: &Value, out: &mut Vec<u8>) {
    Writer {
        out,
        seen: Vec::new(),
    }
    .value(value);
}

/// Reads a value written by [`write`]; all of `bytes` must be that value.
pub fn read(bytes: &[u8]) -> Result<Value, PackedError> {
    let mut reader = Reader {
        bytes,
        at: 0,
        seen: Vec::new(),
    };
    let value = reader.value(0)?;
    match bytes.len() - reader.at {
        0 => Ok(value),
        left => Err(PackedError::Trailing(left)),
    }
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// Keys written inline so far, numbered after [`KEYS`].
    seen: Vec<String>,
}

impl Writer<'_> {
    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.out.push(NULL),
            Value::Bool(false) => self.out.push(FALSE),
            Value::Bool(true) => self.out.push(TRUE),
            Value::Number(n) => self.number(n),
            Value::String(s) => self.string(s),
            Value::Array(items) => {
                self.out.push(ARRAY);
                varint(self.out, items.len() as u64);
                for item in items {
                    self.value(item);
                }
            }
            Value::Object(map) => {
                self.out.push(OBJECT);
                varint(self.out, map.len() as u64);
                for (key, item) in map {
                    self.key(key);
                    self.value(item);
                }
            }
        }
    }

    fn number(&mut self, n: &Number) {
        if let Some(u) = n.as_u64() {
            self.out.push(UINT);
            varint(self.out, u);
        } else if let Some(i) = n.as_i64() {
            self.out.push(NEGINT);
            varint(self.out, !(i as u64));
        } else {
            self.out.push(FLOAT);
            let f = n.as_f64().unwrap_or(0.0);
            self.out.extend_from_slice(&f.to_le_bytes());
        }
    }

    fn string(&mut self, s: &str) {
        if let Some(ts) = exact_timestamp(s) {
            self.out.push(TIMESTAMP);
            varint(self.out, zigzag(ts.as_second()));
            varint(self.out, ts.subsec_nanosecond() as u64);
            return;
        }
        self.out.push(STRING);
        text(self.out, s);
    }

    /// 0 then the text for a key not seen yet; else 1 + its number.
    fn key(&mut self, key: &str) {
        static NUMBERS: once_cell::sync::Lazy<std::collections::HashMap<&str, usize>> =
            once_cell::sync::Lazy::new(|| KEYS.iter().enumerate().map(|(i, k)| (*k, i)).collect());
        let known = NUMBERS.get(key).copied().or_else(|| {
            self.seen
                .iter()
                .position(|k| k == key)
                .map(|i| KEYS.len() + i)
        });
        match known {
            Some(i) => varint(self.out, i as u64 + 1),
            None => {
                varint(self.out, 0);
                text(self.out, key);
                self.seen.push(key.to_string());
            }
        }
    }
}

/// The timestamp `s` spells, when writing it back gives `s` exactly (the
/// store writes jiff's own RFC 3339, so nearly all of them do).
fn exact_timestamp(s: &str) -> Option<jiff::Timestamp> {
    let b = s.as_bytes();
    let shaped =
        (20..=35).contains(&b.len()) && b[4] == b'-' && b[10] == b'T' && b.last() == Some(&b'Z');
    if !shaped {
        return None;
    }
    let ts: jiff::Timestamp = s.parse().ok()?;
    (ts.to_string() == s).then_some(ts)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    seen: Vec<String>,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, PackedError> {
        let b = *self.bytes.get(self.at).ok_or(PackedError::Truncated)?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, PackedError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(PackedError::Number)
    }

    /// A length, which can be no more than the bytes left (each item takes one).
    fn len(&mut self) -> Result<usize, PackedError> {
        let n = self.varint()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n > left {
            return Err(PackedError::Truncated);
        }
        Ok(n as usize)
    }

    fn text(&mut self) -> Result<String, PackedError> {
        let n = self.len()?;
        let s = std::str::from_utf8(&self.bytes[self.at..self.at + n])
            .map_err(|_| PackedError::Utf8)?
            .to_string();
        self.at += n;
        Ok(s)
    }

    fn key(&mut self) -> Result<String, PackedError> {
        let code = self.varint()?;
        if code == 0 {
            let key = self.text()?;
            self.seen.push(key.clone());
            return Ok(key);
        }
        let i = (code - 1) as usize;
        match KEYS.get(i) {
            Some(k) => Ok((*k).to_string()),
            None => self
                .seen
                .get(i - KEYS.len())
                .cloned()
                .ok_or(PackedError::Key(code)),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, PackedError> {
        if depth > MAX_DEPTH {
            return Err(PackedError::Depth);
        }
        Ok(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            UINT => Value::from(self.varint()?),
            NEGINT => Value::from(!self.varint()? as i64),
            FLOAT => {
                let end = self.at + 8;
                let raw = self.bytes.get(self.at..end).ok_or(PackedError::Truncated)?;
                self.at = end;
                let f = f64::from_le_bytes(raw.try_into().map_err(|_| PackedError::Number)?);
                Value::Number(Number::from_f64(f).ok_or(PackedError::Number)?)
            }
            STRING => Value::String(self.text()?),
            TIMESTAMP => {
                let seconds = unzigzag(self.varint()?);
                let nanos = i32::try_from(self.varint()?).map_err(|_| PackedError::Number)?;
                let ts = jiff::Timestamp::new(seconds, nanos).map_err(|_| PackedError::Number)?;
                Value::String(ts.to_string())
            }
            ARRAY => {
                let n = self.len()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::Array(items)
            }
            OBJECT => {
                let n = self.len()?;
                let mut map = Map::new();
                for _ in 0..n {
                    let key = self.key()?;
                    map.insert(key, self.value(depth + 1)?);
                }
                Value::Object(map)
            }
            tag => return Err(PackedError::Tag(tag)),
        })
    }
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn text(out: &mut Vec<u8>, s: &str) {
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        write(v, &mut out);
        assert_eq!(&read(&out).unwrap(), v);
        out
    }

    #[test]
    fn values_read_back_as_written_and_smaller_than_json() {
        let v = json!({
            "id": "L-1042",
            "created_at": "2026-12-02T15:31:01.123456789Z",
            "speed": {"ingested": "2026-12-02T15:31:01Z", "routed": null},
            "points": -12,
            "response": 1042,
            "big": u64::MAX,
            "ratio": 0.25,
            "not_a_time": "2026-12-02T15:31:01+01:00",
            "almost": "2026-13-02T15:31:01Z",
            "notices": [{"at": "2026-12-02T15:31:02.5Z", "custom": true}, {"custom": false}],
            "nested": [[[]], {}],
            "ünïcode": "ß",
        });
        let (packed, json) = (round_trip(&v), serde_json::to_vec(&v).unwrap());
        assert!(
            packed.len() * 3 < json.len() * 2,
            "{} vs {}",
            packed.len(),
            json.len()
        );
    }

    #[test]
    fn a_key_outside_the_table_is_written_once() {
        let v = json!([{"unusual_key": 1}, {"unusual_key": 2}, {"unusual_key": 3}]);
        let packed = round_trip(&v);
        let times = packed.windows(11).filter(|w| w == b"unusual_key").count();
        assert_eq!(times, 1);
    }

    #[test]
    fn hostile_bytes_are_errors_not_panics() {
        let mut good = Vec::new();
        write(&json!({"email": "a@b.example", "n": [1, 2, 3]}), &mut good);
        for cut in 0..good.len() {
            assert!(read(&good[..cut]).is_err(), "cut at {cut}");
        }
        assert!(read(&[ARRAY, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(read(&[OBJECT, 1, 200, NULL]).is_err());
        assert!(read(&[STRING, 2, 0xff, 0xfe]).is_err());
        assert!(read(&[42]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([ARRAY, 1], 100).flatten().collect();
        assert!(matches!(
            read(&deep),
            Err(PackedError::Depth) | Err(PackedError::Truncated)
        ));
        assert!(read(&[NULL, NULL]).is_err());
    }

    #[test]
    fn the_key_table_has_no_repeats() {
        let mut keys = KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), KEYS.len());
    }
}
