//! Calendar words placed relative to the message date: named periods
//! ("next quarter", "end of the year"), seasons, quarters, month names and
//! calendar years.

use regex::Captures;

use super::matchers::M;
use super::words::{self, Part, Period};
use super::{Timeline, bucket_at, bucket_ending};

/// Year, month, day of an RFC 3339 date.
pub(super) fn ymd(date: &str) -> Option<(i32, u32, u32)> {
    let y = date.get(0..4)?.parse().ok()?;
    let m = date.get(5..7)?.parse().ok()?;
    let d = date.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m)).then_some((y, m, d))
}

/// Months from `now` to day `day` of `month` in `year`.
fn months_until(now: (i32, u32, u32), year: i32, month: u32, day: f64) -> f64 {
    let (y, m, d) = now;
    (year * 12 + month as i32) as f64 + day / 30.4 - ((y * 12 + m as i32) as f64 + d as f64 / 30.4)
}

/// A named period placed relative to the message date (or its usual bucket without one).
pub(super) fn period_bucket(period: Period, now: Option<(i32, u32, u32)>) -> Timeline {
    let Some(now) = now else {
        return match period {
            Period::ThisMonth
            | Period::EndOfMonth
            | Period::NextMonth
            | Period::ThisQuarter
            | Period::EndOfQuarter => Timeline::Within3Months,
            Period::NextQuarter => Timeline::ThreeTo6Months,
            Period::ThisYear | Period::EndOfYear | Period::EarlyNextYear => Timeline::SixTo12Months,
            Period::NextYear | Period::EndOfNextYear | Period::YearsOut => Timeline::Over12Months,
        };
    };
    let (y, m, _) = now;
    let quarter_end = m.div_ceil(3) * 3;
    let (next_q_year, next_q_mid) = if quarter_end == 12 {
        (y + 1, 2)
    } else {
        (y, quarter_end + 2)
    };
    let (next_m_year, next_m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    match period {
        // "This month" is not "now": at least `within_3_months`.
        Period::ThisMonth => bucket_at((months_until(now, y, m, 30.4) / 2.0).max(0.25)),
        Period::EndOfMonth => bucket_ending(months_until(now, y, m, 30.4)),
        Period::NextMonth => bucket_at(months_until(now, next_m_year, next_m, 15.0)),
        Period::ThisQuarter => bucket_at((months_until(now, y, quarter_end, 30.4) / 2.0).max(0.25)),
        Period::EndOfQuarter => bucket_ending(months_until(now, y, quarter_end, 30.4)),
        Period::NextQuarter => bucket_at(months_until(now, next_q_year, next_q_mid, 15.0)),
        Period::ThisYear => bucket_at(months_until(now, y, 12, 31.0) / 2.0),
        Period::EndOfYear => bucket_ending(months_until(now, y, 12, 31.0)),
        Period::EarlyNextYear => bucket_at(months_until(now, y + 1, 2, 1.0)),
        Period::NextYear => bucket_at(months_until(now, y + 1, 7, 1.0)),
        Period::EndOfNextYear => bucket_ending(months_until(now, y + 1, 12, 31.0)),
        Period::YearsOut => Timeline::Over12Months,
    }
}

/// The parts ("by", "early", "next") captured as `p1`/`p2` (and `cp`).
fn parts_of(c: &Captures) -> Vec<Part> {
    ["p1", "p2", "cp"]
        .iter()
        .filter_map(|g| c.name(g))
        .filter_map(|m| M.parts.get(m.as_str()).copied())
        .collect()
}

/// The parts said before a season or month, or else the part its case
/// ending says ("весной" = in spring, "szeptemberig" = by September).
fn parts_or_case(mut parts: Vec<Part>, word: &str) -> Vec<Part> {
    if parts.is_empty()
        && let Some(p) = M.case_parts.get(word)
    {
        parts.push(*p);
    }
    parts
}

/// Where in a span of months a part points: the bucket of that point, or
/// for "by", the bucket ending with the span. `start`/`end` are months from now.
fn place(parts: &[Part], start: f64, end: f64) -> Timeline {
    let len = end - start;
    if parts.contains(&Part::After) {
        return bucket_at(end.max(0.0) + 0.5);
    }
    if parts.contains(&Part::Before) && start > 0.0 {
        return bucket_ending(start);
    }
    if parts.contains(&Part::By) || parts.contains(&Part::Before) {
        return bucket_ending(end.max(0.0));
    }
    let point = if parts.contains(&Part::Early) {
        start + len / 6.0
    } else if parts.contains(&Part::Late) {
        end - len / 6.0
    } else {
        start + len / 2.0
    };
    if start < 0.0 {
        // We are in it already: the middle of what is left.
        return bucket_at((end.max(0.0)) / 2.0);
    }
    bucket_at(point.max(0.0))
}

/// A season (northern hemisphere: spring peaks in April, summer in July,
/// autumn in October, winter in January).
pub(super) fn season(
    s: &str,
    now: (i32, u32, u32),
    field: bool,
    next_year: bool,
) -> Option<Timeline> {
    // Cheap exact prefilter: no season word, no regex pass.
    if !M.season_words.is_match(s) {
        return None;
    }
    for c in M.season.captures_iter(s) {
        let (name, cjk) = match (c.name("season"), c.name("cseason")) {
            (Some(m), _) => (m.as_str(), false),
            (None, Some(m)) => (m.as_str(), true),
            _ => continue,
        };
        let parts = parts_or_case(parts_of(&c), name);
        let explicit_year = c.name("year").and_then(|y| y.as_str().parse::<i32>().ok());
        let next = parts.contains(&Part::Next) || c.name("next").is_some();
        if !field
            && !cjk
            && !next_year
            && parts.is_empty()
            && explicit_year.is_none()
            && c.name("next").is_none()
        {
            continue;
        }
        let peak = M.seasons.get(name).copied()?;
        let in_season = |m: u32| m.abs_diff(peak) <= 1 || peak == 1 && (m == 12 || m == 2);
        let year = match explicit_year {
            Some(y) if y < now.0 || y > now.0 + 10 => continue,
            Some(y) => y,
            // "spring next year", "来年春": always the calendar year after this one.
            None if next_year => now.0 + 1,
            None => {
                let mut year = now.0;
                let over = if peak == 1 {
                    now.1 >= 3 && now.1 < 12
                } else {
                    now.1 > peak + 1
                };
                if over || next && in_season(now.1) {
                    year += 1;
                }
                if peak == 1 && now.1 == 12 {
                    year = now.0 + 1;
                }
                if peak == 1 && now.1 <= 2 && next {
                    year = now.0 + 1;
                }
                year
            }
        };
        let mid = months_until(now, year, peak, 15.0);
        return Some(place(&parts, mid - 1.5, mid + 1.5));
    }
    None
}

/// "Q3", "Q1 2027", "3. Quartal", "第3四半期", "3분기", "by the end of Q2".
pub(super) fn quarter(s: &str, now: (i32, u32, u32), next_year: bool) -> Option<Timeline> {
    // Cheap exact prefilter: "q1".."q4", a quarter word, or a CJK quarter.
    let q_digit = s
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'q' && (b'1'..=b'4').contains(&w[1]));
    if !q_digit
        && !super::words::QUARTER_WORDS.iter().any(|w| s.contains(w))
        && !["四半期", "분기", "季度"].iter().any(|w| s.contains(w))
    {
        return None;
    }
    for c in M.quarter.captures_iter(s) {
        let q = if let Some(q) = c.name("q") {
            q.as_str().parse::<u32>().ok()?
        } else if let Some(o) = c.name("ord") {
            M.quarter_ordinals.get(o.as_str()).copied()?
        } else if let Some(cq) = c.name("cq") {
            match cq.as_str() {
                "一" => 1,
                "二" => 2,
                "三" => 3,
                "四" => 4,
                d => d.parse().ok()?,
            }
        } else {
            continue;
        };
        let parts = parts_of(&c);
        let explicit = c
            .name("year")
            .or(c.name("y1"))
            .and_then(|y| y.as_str().parse::<i32>().ok());
        let start_month = q * 3 - 2;
        let year = match explicit {
            Some(y) if y < now.0 || y > now.0 + 10 => continue,
            Some(y) => y,
            None if next_year => now.0 + 1,
            // That quarter is over this year: next year's is meant.
            None if now.1 > q * 3 => now.0 + 1,
            None => now.0,
        };
        let start = months_until(now, year, start_month, 1.0);
        let end = months_until(now, year, q * 3, 30.4);
        if end < 0.0 {
            continue;
        }
        return Some(place(&parts, start, end));
    }
    None
}

/// "in March", "by October 2027", "early June", "mars prochain".
pub(super) fn month_name(
    s: &str,
    now: (i32, u32, u32),
    field: bool,
    next_year: bool,
) -> Option<Timeline> {
    for c in M.month.captures_iter(s) {
        let Some(month) = c
            .name("month")
            .and_then(|m| M.months.get(m.as_str()).copied())
        else {
            continue;
        };
        let parts = parts_or_case(parts_of(&c), c.name("month").map_or("", |m| m.as_str()));
        let explicit = c.name("year").and_then(|y| y.as_str().parse::<i32>().ok());
        // A day and a month still to come this year ("on 1 August") is a
        // date, stated as one; a bare month name in prose is not.
        let dated = (c.name("day").is_some() || c.name("day0").is_some()) && month >= now.1;
        if !field && !dated && parts.is_empty() && explicit.is_none() && c.name("next").is_none() {
            continue;
        }
        // "may" and "mar" are words too: as prose they need a part or a year.
        let name = c.name("month").map_or("", |m| m.as_str());
        if !field
            && matches!(name, "may" | "mar" | "jun" | "dec")
            && parts.is_empty()
            && explicit.is_none()
        {
            continue;
        }
        let stated_year = explicit;
        let explicit = explicit.or(next_year.then_some(now.0 + 1));
        let day = c
            .name("day")
            .or(c.name("day0"))
            .and_then(|d| d.as_str().parse::<u32>().ok())
            .filter(|d| (1..=31).contains(d));
        // "Submitted 15 March 2025": in prose, the message's own day (or
        // one before it) is a stamp, not a plan.
        if !field
            && let (Some(d), Some(y)) = (day, stated_year)
            && (y, month, d) <= now
        {
            continue;
        }
        if let Some(t) = place_month(now, month, explicit, &parts, c.name("next").is_some(), day) {
            return Some(t);
        }
    }
    None
}

/// The bucket of `month` (of `explicit` year, else the next one to come).
fn place_month(
    now: (i32, u32, u32),
    month: u32,
    explicit: Option<i32>,
    parts: &[Part],
    next: bool,
    day: Option<u32>,
) -> Option<Timeline> {
    let year = match explicit {
        Some(y) if y < now.0 || y > now.0 + 10 => return None,
        Some(y) => y,
        None if month < now.1 || next && month <= now.1 => now.0 + 1,
        None => now.0,
    };
    // A stated day narrows the month to that day.
    let (first, last) = day.map_or((1.0, 30.4), |d| (d as f64, d as f64));
    let start = months_until(now, year, month, first);
    let end = months_until(now, year, month, last);
    if end < 0.0 {
        return None;
    }
    Some(place(parts, start, end))
}

/// "3月頃", "2027年3月までに", "10월까지", "三月底".
pub(super) fn cjk_month(
    s: &str,
    now: (i32, u32, u32),
    field: bool,
    next_year: bool,
) -> Option<Timeline> {
    if s.is_ascii() {
        return None;
    }
    for c in M.cjk_month.captures_iter(s) {
        let Some(num) = c.name("num") else { continue };
        let month = match num.as_str().parse::<u32>() {
            Ok(n) => n,
            Err(_) => M.cjk_numerals.get(num.as_str()).copied().unwrap_or(0),
        };
        if !(1..=12).contains(&month) {
            continue;
        }
        let marker = c
            .name("marker")
            .and_then(|m| M.cjk_month_markers.get(m.as_str()).copied());
        let explicit = c.name("year").and_then(|y| y.as_str().parse::<i32>().ok());
        // In prose "3月" needs "頃", "까지"... or "next year" said around it;
        // "2026年3月15日" alone is a date stamp.
        if !field && marker.is_none() && !next_year {
            continue;
        }
        let explicit = explicit.or(next_year.then_some(now.0 + 1));
        let parts: Vec<Part> = marker.into_iter().collect();
        if let Some(t) = place_month(now, month, explicit, &parts, false, None) {
            return Some(t);
        }
    }
    None
}

/// A whole value that is a numeric date: `2026-03-15`, `15.03.2026`,
/// `15/03/2026` or `03/15/2026` (day first unless only the month-first
/// reading is a date, or the separator is `/` and both read: US order).
pub(super) fn numeric_date(s: &str, now: (i32, u32, u32)) -> Option<Timeline> {
    static DATE: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
        regex::Regex::new(
            r"^\s*(?:(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})|(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})[./-](?P<y2>\d{4}))(?:[t ]\d{1,2}:\d{2}(?::\d{2})?\S*)?\s*$",
        )
        .expect("static regex")
    });
    date_of(&DATE.captures(s)?, now)
}

/// The window between two ISO dates (ADF `<earliestdate>`/`<latestdate>`),
/// bucketed by its middle; a window already under way counts from now.
pub(super) fn between(earliest: &str, latest: &str, now: (i32, u32, u32)) -> Option<Timeline> {
    let at = |d: &str| ymd(d.trim()).map(|(y, m, day)| months_until(now, y, m, day as f64));
    let (start, end) = (at(earliest)?, at(latest)?);
    if end < 0.0 || end < start {
        return None;
    }
    Some(bucket_at((start.max(0.0) + end) / 2.0))
}

/// A full date with its year written in prose after a word that makes it
/// a plan ("on 2026-03-15", "move-in date is 15/09/2026", "bis 01.03.2026"):
/// the first one still to come. A bare date is a stamp, not a plan. Past dates are history
/// ("installed 03/02/2019"), not a plan.
pub(super) fn date_in_text(s: &str, now: (i32, u32, u32)) -> Option<Timeline> {
    static DATE: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
        let leads = words::DATE_LEADS
            .iter()
            .map(|w| regex::escape(w))
            .collect::<Vec<_>>()
            .join("|");
        regex::Regex::new(&format!(
            r"\b(?:{leads})\s*(?:the\s+)?(?:(?P<y1>20\d\d)-(?P<m1>\d{{1,2}})-(?P<d1>\d{{1,2}})|(?P<a>\d{{1,2}})(?P<sep>[./-])(?P<b>\d{{1,2}})[./-](?P<y2>20\d\d))(?:$|[^\d./-]|[.](?:$|\s))"
        ))
        .expect("date lead table")
    });
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // Today's date in prose is the stamp of the form, not a plan.
    DATE.captures_iter(s)
        .filter(|c| date_of(c, (now.0, now.1, now.2 + 1)).is_some())
        .find_map(|c| date_of(&c, now))
}

/// The bucket of a date captured as `y1-m1-d1` or `a/b/y2` (day first
/// unless a slash and a first number of 12 or less say US order).
fn date_of(c: &Captures, now: (i32, u32, u32)) -> Option<Timeline> {
    let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<u32>().ok());
    let (year, month, day) = if let Some(y) = num("y1") {
        (y, num("m1")?, num("d1")?)
    } else {
        let (a, b, y) = (num("a")?, num("b")?, num("y2")?);
        let us = c.name("sep").is_some_and(|m| m.as_str() == "/");
        if a > 12 || !us && b <= 12 {
            (y, b, a)
        } else {
            (y, a, b)
        }
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    place_month(now, month, Some(year as i32), &[], false, Some(day))
}

/// "in 2026", "early 2027", "by 2028".
pub(super) fn calendar_year(s: &str, now: (i32, u32, u32), field: bool) -> Option<Timeline> {
    for c in M.year.captures_iter(s) {
        let Some(year) = c.name("year").and_then(|y| y.as_str().parse::<i32>().ok()) else {
            continue;
        };
        let parts = parts_of(&c);
        if !field && parts.is_empty() || year < now.0 || year > now.0 + 10 {
            continue;
        }
        let start = months_until(now, year, 1, 1.0);
        let end = months_until(now, year, 12, 31.0);
        return Some(place(&parts, start, end));
    }
    None
}
