//! The list verbs for people and machines: `responses list`, `leads list`,
//! `opportunities list` and `messages list` print one JSON line per record
//! (`--json`, and whenever stdout is not a terminal) or an aligned table
//! (a terminal), after the same filters: `--rep`, `--rank`, `--since`,
//! `--status`. Records are read as the JSON the verbs always printed, so
//! both forms show the same data.

use std::io::Write;

use anyhow::bail;
use serde_json::Value;

use crate::http::read::ReadRequest;
use crate::store::Store;

/// The filters of a list verb; `None` keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Owner / assigned rep (case-insensitive).
    pub rep: Option<String>,
    /// `hot`, `high_potential`, ...
    pub rank: Option<String>,
    /// Records from this date or time on.
    pub since: Option<jiff::Timestamp>,
    /// `open`, `converted`, `closed`, `won`, `lost`; for responses and messages, the kind.
    pub status: Option<String>,
}

impl Filters {
    /// The filters a request carries.
    pub fn from_request(request: &ReadRequest) -> anyhow::Result<Filters> {
        let since = match request.str_arg("since") {
            Some(text) => Some(parse_since(text)?),
            None => None,
        };
        let lower = |k: &str| request.str_arg(k).map(|s| s.trim().to_lowercase());
        Ok(Filters {
            rep: lower("rep"),
            rank: lower("rank").map(|r| r.replace([' ', '-'], "_")),
            since,
            status: lower("status"),
        })
    }
}

/// `YYYY-MM-DD` (midnight UTC) or RFC 3339.
fn parse_since(text: &str) -> anyhow::Result<jiff::Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    match text.parse::<jiff::civil::Date>() {
        Ok(d) => Ok(d.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp()),
        Err(_) => bail!("--since {text:?}: expected YYYY-MM-DD or an RFC 3339 time"),
    }
}

/// A table column: its header and how a record shows in it.
type Column = (&'static str, fn(&Value) -> String);

/// What one verb lists and how.
struct Kind {
    verb: &'static str,
    /// The record's date (RFC 3339) for `--since`.
    date: fn(&Value) -> Option<String>,
    /// The rep for `--rep`; `None` = the verb has no rep.
    rep: Option<fn(&Value) -> Option<String>>,
    rank: Option<fn(&Value) -> Option<String>>,
    status: fn(&Value) -> Option<String>,
    columns: &'static [Column],
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn at(v: &Value, path: &[&str]) -> String {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    text(cur)
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// `2026-12-01T10:04:05.123Z` → `2026-12-01 10:04`.
fn short_time(s: String) -> String {
    let s = s.replace('T', " ");
    s.chars().take(16).collect()
}

/// A lead's status: `open`, `converted`, `won`, `lost`.
fn lead_status(v: &Value) -> Option<String> {
    let status = &v["lead"]["status"];
    match (status["status"].as_str(), status["outcome"].as_str()) {
        (_, Some(outcome)) => Some(outcome.to_string()),
        (Some(s), None) => Some(s.to_string()),
        _ => None,
    }
}

fn lead_owner(v: &Value) -> Option<String> {
    opt(at(v, &["owner"])).or_else(|| opt(at(v, &["assigned"])))
}

const RESPONSES: Kind = Kind {
    verb: "responses",
    date: |v| opt(at(v, &["received_at"])),
    rep: None,
    rank: None,
    status: |v| opt(at(v, &["kind"])),
    columns: &[
        ("ID", |v| at(v, &["id"])),
        ("RECEIVED", |v| short_time(at(v, &["received_at"]))),
        ("KIND", |v| at(v, &["kind"])),
        ("PROVIDER", |v| at(v, &["provider"])),
        ("EMAIL", |v| at(v, &["contact", "email"])),
        ("NAME", |v| at(v, &["contact", "name"])),
        ("INTEREST", |v| at(v, &["interest"])),
        ("INTENT", |v| at(v, &["intent"])),
    ],
};

const LEADS: Kind = Kind {
    verb: "leads",
    date: |v| opt(at(v, &["created_at"])),
    rep: Some(lead_owner),
    rank: Some(|v| opt(at(v, &["rank"]))),
    status: lead_status,
    columns: &[
        ("ID", |v| at(v, &["id"])),
        ("CREATED", |v| short_time(at(v, &["created_at"]))),
        ("RANK", |v| at(v, &["rank"])),
        ("PTS", |v| at(v, &["lead", "points"])),
        ("STATUS", |v| lead_status(v).unwrap_or_default()),
        ("OWNER", |v| lead_owner(v).unwrap_or_default()),
        ("ACTION", |v| at(v, &["action", "type"])),
        ("EMAIL", |v| at(v, &["lead", "contact", "email"])),
        ("NAME", |v| at(v, &["lead", "contact", "name"])),
        ("INTEREST", |v| at(v, &["lead", "interest"])),
    ],
};

const OPPORTUNITIES: Kind = Kind {
    verb: "opportunities",
    date: |v| opt(at(v, &["expected_close"])).map(|d| format!("{d}T00:00:00Z")),
    rep: Some(|v| opt(at(v, &["owner"]))),
    rank: None,
    status: |v| opt(at(v, &["stage"])),
    columns: &[
        ("LEAD", |v| at(v, &["lead"])),
        ("OWNER", |v| at(v, &["owner"])),
        ("STAGE", |v| at(v, &["stage"])),
        ("WIN%", |v| at(v, &["win_probability"])),
        ("REVENUE", |v| {
            let minor = v["revenue"]["minor_units"].as_i64();
            let currency = at(v, &["revenue", "currency"]);
            minor.map_or_else(
                || text(&v["revenue"]),
                |m| format!("{}.{:02} {currency}", m / 100, (m % 100).abs()),
            )
        }),
        ("CLOSE", |v| at(v, &["expected_close"])),
    ],
};

const MESSAGES: Kind = Kind {
    verb: "messages",
    date: |v| opt(at(v, &["stored_at"])),
    rep: None,
    rank: None,
    status: |v| opt(at(v, &["kind"])),
    columns: &[
        ("KEY", |v| at(v, &["key"]).chars().take(12).collect()),
        ("STORED", |v| short_time(at(v, &["stored_at"]))),
        ("MAILBOX", |v| at(v, &["mailbox"])),
        ("KIND", |v| at(v, &["kind"])),
        ("SUBJECT", |v| at(v, &["subject"])),
    ],
};

fn kind_of(verb: &str) -> Option<&'static Kind> {
    [&RESPONSES, &LEADS, &OPPORTUNITIES, &MESSAGES]
        .into_iter()
        .find(|k| k.verb == verb)
}

/// True when `verb` is a list verb this module prints.
pub fn is_list_verb(verb: &str) -> bool {
    kind_of(verb).is_some()
}

/// The records of a list verb, as JSON, oldest first.
fn records(store: &Store, verb: &str) -> anyhow::Result<Vec<Value>> {
    Ok(match verb {
        "responses" => store
            .responses()
            .map(|r| Ok(serde_json::to_value(r?)?))
            .collect::<anyhow::Result<_>>()?,
        "messages" => store
            .messages()
            .map(|m| Ok(m?.summary()))
            .collect::<anyhow::Result<_>>()?,
        "leads" => crate::act::leads::all(store)?
            .into_iter()
            .map(|l| crate::act::manage::with_delivery(store, l).to_json())
            .collect(),
        "opportunities" => store
            .tree("opportunities")?
            .iter()
            .values()
            .map(|v| Ok(crate::store::decode::<Value>("opportunities", &v?)?))
            .collect::<anyhow::Result<_>>()?,
        other => bail!("unknown list verb {other:?}"),
    })
}

/// Runs a list verb: filters, then JSON lines or (arg `table`) an aligned table.
pub fn write(store: &Store, request: &ReadRequest, out: &mut dyn Write) -> anyhow::Result<()> {
    let Some(kind) = kind_of(&request.verb) else {
        bail!("unknown list verb {:?}", request.verb);
    };
    let filters = Filters::from_request(request)?;
    let kept = filter(kind, &filters, records(store, kind.verb)?)?;
    if request.bool_arg("table") {
        out.write_all(table(kind, &kept).as_bytes())?;
    } else {
        for v in &kept {
            serde_json::to_writer(&mut *out, v)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

fn filter(kind: &Kind, f: &Filters, items: Vec<Value>) -> anyhow::Result<Vec<Value>> {
    if f.rep.is_some() && kind.rep.is_none() {
        bail!(
            "{} list has no --rep filter (leads and opportunities do)",
            kind.verb
        );
    }
    if f.rank.is_some() && kind.rank.is_none() {
        bail!("{} list has no --rank filter (leads do)", kind.verb);
    }
    let same = |want: &Option<String>, got: Option<String>| {
        want.as_ref()
            .is_none_or(|w| got.is_some_and(|g| g.eq_ignore_ascii_case(w)))
    };
    Ok(items
        .into_iter()
        .filter(|v| {
            let rep_ok = kind.rep.is_none_or(|rep| same(&f.rep, rep(v)));
            let rank_ok = kind.rank.is_none_or(|rank| same(&f.rank, rank(v)));
            let status_ok = same(&f.status, (kind.status)(v));
            let since_ok = f.since.is_none_or(|since| {
                (kind.date)(v)
                    .and_then(|d| d.parse::<jiff::Timestamp>().ok())
                    .is_some_and(|t| t >= since)
            });
            rep_ok && rank_ok && status_ok && since_ok
        })
        .collect())
}

/// Longest cell shown; longer ones end in `…`.
const MAX_CELL: usize = 40;

/// An aligned table: a header row, then one row per record; empty cells show `-`.
fn table(kind: &Kind, items: &[Value]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|v| {
            kind.columns
                .iter()
                .map(|(_, cell)| {
                    let c: String = cell(v)
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    match c.chars().count() {
                        0 => "-".to_string(),
                        n if n > MAX_CELL => c.chars().take(MAX_CELL - 1).collect::<String>() + "…",
                        _ => c,
                    }
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = kind.columns.iter().map(|(h, _)| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(kind.columns.iter().map(|(h, _)| *h).collect());
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    if rows.is_empty() {
        out.push_str(&format!("(no {})\n", kind.verb));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lead(id: &str, rank: &str, owner: Option<&str>, status: Value, created: &str) -> Value {
        json!({"id": id, "rank": rank, "owner": owner, "assigned": owner, "created_at": created,
            "action": {"type": "sales_rep"},
            "lead": {"points": 70, "status": status, "interest": "Solar",
                "contact": {"email": format!("{id}@x.example"), "name": "Pat"}}})
    }

    fn sample() -> Vec<Value> {
        vec![
            lead(
                "L-1001",
                "hot",
                Some("Dana"),
                json!({"status": "open"}),
                "2026-11-01T10:00:00Z",
            ),
            lead(
                "L-1002",
                "low_potential",
                None,
                json!({"status": "open"}),
                "2026-11-20T10:00:00Z",
            ),
            lead(
                "L-1003",
                "hot",
                Some("Lee"),
                json!({"status": "closed", "outcome": "won"}),
                "2026-11-25T09:00:00Z",
            ),
        ]
    }

    fn ids(v: &[Value]) -> Vec<String> {
        v.iter().map(|l| at(l, &["id"])).collect()
    }

    #[test]
    fn filters_by_rep_rank_since_and_status() {
        let request = |args: Value| ReadRequest {
            verb: "leads".into(),
            args: args.as_object().unwrap().clone(),
        };
        let run = |args: Value| {
            let f = Filters::from_request(&request(args)).unwrap();
            ids(&filter(&LEADS, &f, sample()).unwrap())
        };
        assert_eq!(run(json!({"rep": "dana"})), ["L-1001"]);
        assert_eq!(run(json!({"rank": "hot"})), ["L-1001", "L-1003"]);
        assert_eq!(run(json!({"since": "2026-11-20"})), ["L-1002", "L-1003"]);
        assert_eq!(run(json!({"status": "won"})), ["L-1003"]);
        assert_eq!(run(json!({"status": "open", "rank": "hot"})), ["L-1001"]);
        assert!(Filters::from_request(&request(json!({"since": "last week"}))).is_err());
        let f = Filters::from_request(&request(json!({"rank": "hot"}))).unwrap();
        assert!(
            filter(&RESPONSES, &f, Vec::new()).is_err(),
            "responses have no rank"
        );
    }

    #[test]
    fn the_table_is_aligned_with_a_header() {
        let t = table(&LEADS, &sample());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(
            lines[0].starts_with("ID      CREATED           RANK"),
            "{t}"
        );
        let col = |l: &str| l.find("hot").or_else(|| l.find("low_potential"));
        let rank_col = lines[0].find("RANK").unwrap();
        for l in &lines[1..] {
            assert_eq!(col(l), Some(rank_col), "{t}");
        }
        assert!(lines[2].contains(" - "), "an empty owner shows -: {t}");
        assert!(lines[3].contains("won"), "{t}");
    }
}
