//! Purchase-timeline phrases → [`Timeline`], in English, German, French,
//! Spanish, Italian, Portuguese, Dutch, Japanese, Korean and Chinese.
//!
//! A stated window is bucketed by its middle, relative to the message date
//! ("1-3 months" → middle 2 → `within_3_months`; "next spring" → months from
//! the Date header to mid-April). "Within N" goes to the bucket that ends at N
//! ("within 6 months" → `3_to_6_months`). A point on a bucket edge belongs to
//! the later bucket ("in about a year" → `over_12_months`).
//!
//! What is read: form enumerations (`NEXT_2_MONTHS`, `0_3_MONTHS`,
//! "12+ months", "More than a year"), durations in days, weeks, months,
//! quarters and years (digits or number words), named periods ("next
//! quarter", "end of the year", "next year"), quarters ("Q3", "3. Quartal"),
//! seasons, month names ("by October 2027"), calendar years, urgency ("ASAP")
//! and research ("just looking", "not sure yet" as a field value).
//!
//! Seasons assume the northern hemisphere (spring peaks in April): carousel
//! does not know where the prospect lives when it reads the text, and its
//! supported languages are mostly spoken north of the equator.
//!
//! Two modes: a timeline *field* is read leniently (a select value such as
//! "Now" or "12+ months"); free text (the message) needs a time preposition
//! ("in", "within", "next"...) so "we have used it for 2 years" is not a
//! timeline.
//!
//! The words are data, one table per language, in [`words`]; this file only
//! compiles them into matchers (once) and does the calendar arithmetic. Every
//! matcher is a linear-time regex over at most 4,000 characters.

mod calendar;
mod durations;
mod matchers;
mod more_words;
mod words;
mod words_asia;
mod words_europe;

use crate::understand::Timeline;
use calendar::{
    between, calendar_year, cjk_month, date_in_text, month_name, numeric_date, period_bucket,
    quarter, season, ymd,
};
use durations::{cjk_window, lone_window, window};
use matchers::M;
use words::{Period, Phrase};

/// Reads a timeline from a timeline field (`field = true`) or free text.
/// `date` is the message's RFC 3339 date; without it, month names, seasons
/// and quarters cannot be placed and are ignored (named periods fall back to
/// their usual bucket).
pub fn parse(text: &str, date: Option<&str>, field: bool) -> Option<Timeline> {
    recent::remembered(text, date, field, parse_uncached)
}

/// The last few readings, per thread: lead extraction asks for the same
/// value more than once (as a form pair, then as the lead's timeline or
/// message field), and each asking runs a dozen regexes. Only short texts
/// are kept, so memory stays bounded.
mod recent {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    use crate::understand::Timeline;

    const KEPT: usize = 8;
    const LONGEST: usize = 4096;

    type Reading = (String, Option<String>, bool, Option<Timeline>);

    thread_local! {
        static RECENT: RefCell<VecDeque<Reading>> = const { RefCell::new(VecDeque::new()) };
    }

    pub(super) fn remembered(
        text: &str,
        date: Option<&str>,
        field: bool,
        read: fn(&str, Option<&str>, bool) -> Option<Timeline>,
    ) -> Option<Timeline> {
        if text.len() > LONGEST {
            return read(text, date, field);
        }
        let hit = RECENT.with_borrow(|r| {
            r.iter()
                .find(|(t, d, f, _)| t == text && d.as_deref() == date && *f == field)
                .map(|(_, _, _, found)| *found)
        });
        if let Some(found) = hit {
            return found;
        }
        let found = read(text, date, field);
        RECENT.with_borrow_mut(|r| {
            if r.len() >= KEPT {
                r.pop_front();
            }
            r.push_back((text.to_string(), date.map(str::to_string), field, found));
        });
        found
    }
}

fn parse_uncached(text: &str, date: Option<&str>, field: bool) -> Option<Timeline> {
    let s = normalize(text);
    if s.trim().is_empty() {
        return None;
    }
    let now = date.and_then(ymd);
    let found = scan_phrases(&s);
    if found.researching || field && found.researching_field {
        return Some(Timeline::Researching);
    }
    if found.immediate || field && (found.immediate_field || first_word_immediate(&s)) {
        return Some(Timeline::Immediate);
    }
    if !s.is_ascii()
        && let Some(t) = cjk_window(&s, field)
    {
        return Some(t);
    }
    if let Some(t) = window(&s, field).or_else(|| lone_window(&s, field)) {
        return Some(t);
    }
    if let Some(now) = now {
        // A season or quarter is more precise than the year it is in
        // ("Frühjahr nächstes Jahr", "Q1 next year").
        if let Some(t) = season(&s, now, field, found.next_year) {
            return Some(t);
        }
        if let Some(t) = quarter(&s, now, found.next_year) {
            return Some(t);
        }
    }
    // A month is more precise than a named period ("March next year").
    if let Some(now) = now
        && let Some(t) = month_name(&s, now, field, found.next_year)
            .or_else(|| cjk_month(&s, now, field, found.next_year))
    {
        return Some(t);
    }
    if let Some(period) = found.period {
        return Some(period_bucket(period, now));
    }
    // A date picked in a timeline field ("2026-03-15", "15.03.2026") is a
    // point in time, not the calendar year it names.
    if field
        && let Some(now) = now
        && let Some(t) = numeric_date(&s, now)
    {
        return Some(t);
    }
    calendar_year(&s, now?, field).or_else(|| date_in_text(&s, now?))
}

/// The bucket of an ADF time frame given as `<earliestdate>` and
/// `<latestdate>` (ISO dates): the middle of the window.
pub fn between_dates(earliest: &str, latest: &str, date: Option<&str>) -> Option<Timeline> {
    between(earliest, latest, date.and_then(ymd)?)
}

/// The bucket holding a point `m` months from now (edges go to the later bucket).
pub fn bucket_at(m: f64) -> Timeline {
    if m < 0.25 {
        Timeline::Immediate
    } else if m < 3.0 {
        Timeline::Within3Months
    } else if m < 6.0 {
        Timeline::ThreeTo6Months
    } else if m < 12.0 {
        Timeline::SixTo12Months
    } else {
        Timeline::Over12Months
    }
}

/// The bucket that ends at `m` months ("within m months").
pub fn bucket_ending(m: f64) -> Timeline {
    if m <= 0.25 {
        Timeline::Immediate
    } else if m <= 3.0 {
        Timeline::Within3Months
    } else if m <= 6.0 {
        Timeline::ThreeTo6Months
    } else if m <= 12.0 {
        Timeline::SixTo12Months
    } else {
        Timeline::Over12Months
    }
}

/// Lowercase; full-width digits and dashes folded; form enumerations opened
/// up (`0_3_MONTHS` → "0-3 months", `NextTwoMonths` → "next two months");
/// whitespace collapsed. At most 4,000 characters are read.
fn normalize(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .take(4000)
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            // Arabic-Indic, Eastern Arabic-Indic (Persian) and Thai digits.
            '٠'..='٩' => char::from_u32(c as u32 - '٠' as u32 + '0' as u32).unwrap_or(c),
            '۰'..='۹' => char::from_u32(c as u32 - '۰' as u32 + '0' as u32).unwrap_or(c),
            '๐'..='๙' => char::from_u32(c as u32 - '๐' as u32 + '0' as u32).unwrap_or(c),
            '～' | '〜' | '~' | '–' | '—' | '―' | '‐' => '-',
            '’' => '\'',
            '＋' => '+',
            c => c,
        })
        .collect();
    // A single token in CamelCase is an enumeration value, not prose.
    let camel = !chars.iter().any(|c| c.is_whitespace());
    let mut out = String::with_capacity(chars.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        if c == '_' {
            let digits = prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit());
            out.push(if digits { '-' } else { ' ' });
            continue;
        }
        if camel
            && c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push(' ');
        }
        // "12months", "NEXT_2MONTHS": a number glued to its unit.
        if c.is_ascii_alphabetic() && prev.is_some_and(|p| p.is_ascii_digit()) && camel {
            out.push(' ');
        }
        out.push(c);
    }
    out.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the phrase tables found in the text.
#[derive(Default)]
struct Found {
    researching: bool,
    researching_field: bool,
    immediate: bool,
    immediate_field: bool,
    /// The first named period.
    period: Option<Period>,
    /// "next year" (any language) was said: a season or month is next year's.
    next_year: bool,
}

fn scan_phrases(s: &str) -> Found {
    let mut found = Found::default();
    for m in M.phrases.find_iter(s) {
        match M.phrase_kinds.get(m.as_str()) {
            Some(Phrase::Researching) => found.researching = true,
            Some(Phrase::ResearchingField) => found.researching_field = true,
            Some(Phrase::Immediate) => found.immediate = true,
            Some(Phrase::ImmediateField) => found.immediate_field = true,
            Some(Phrase::Period(p)) => {
                if matches!(
                    p,
                    Period::NextYear | Period::EarlyNextYear | Period::EndOfNextYear
                ) {
                    found.next_year = true;
                }
                found.period.get_or_insert(*p);
            }
            Some(Phrase::Ignore) | None => {}
        }
    }
    found
}

/// A field whose first word says "now" ("Now", "Heute", "今すぐ").
fn first_word_immediate(s: &str) -> bool {
    let first = s.split([' ', ',', '.', '/', '(', '-']).next().unwrap_or("");
    M.field_first_words.contains(&first)
}

#[cfg(test)]
mod tests;
