//! A rep's availability calendar: time zone, working hours, working days and
//! days off, parsed from the `[[rep]]` strings once and then asked "is this
//! rep working at this instant?". Pure: the instant is always passed in.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

use super::Rep;

/// Why a rep cannot take a lead right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// On a configured day off or leave (always respected).
    DayOff(String),
    /// Not a working day in the rep's time zone.
    NotWorkingDay(String),
    /// Outside working hours in the rep's time zone.
    OffHours(String),
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::DayOff(why) => write!(f, "day off ({why})"),
            Unavailable::NotWorkingDay(why) => write!(f, "not a working day ({why})"),
            Unavailable::OffHours(why) => write!(f, "outside working hours ({why})"),
        }
    }
}

/// A rep's parsed calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    time_zone: TimeZone,
    zone_name: String,
    /// Minutes after local midnight; `end` may be 1440 (24:00). When `end` <
    /// `start` the shift runs over midnight.
    start: u16,
    end: u16,
    /// Monday = index 0.
    days: [bool; 7],
    days_off: Vec<(Date, Date)>,
}

impl Calendar {
    /// Parses a rep's calendar fields; the error names the field and value.
    pub fn of(rep: &Rep) -> Result<Calendar, String> {
        // Empty: inherited, and nothing to inherit from (a bare Rep).
        let zone_name = match rep.time_zone.trim() {
            "" => "UTC",
            zone => zone,
        };
        let time_zone = time_zone(zone_name)?;
        let (start, end) = hours(&rep.working_hours)?;
        let mut days = [false; 7];
        for token in &rep.working_days {
            let (from, to) = day_range(token)?;
            let mut d = from;
            // Walks from `from` to `to`, wrapping over Sunday ("fri-mon").
            for _ in 0..7 {
                days[d] = true;
                if d == to {
                    break;
                }
                d = (d + 1) % 7;
            }
        }
        let days_off = rep
            .days_off
            .iter()
            .map(|s| date_range(s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Calendar {
            time_zone,
            zone_name: zone_name.to_string(),
            start,
            end,
            days,
            days_off,
        })
    }

    /// `Ok` when the rep is working at `now`; otherwise why not. With
    /// `respect_working_hours` false only days off count.
    pub fn check(&self, now: Timestamp, respect_working_hours: bool) -> Result<(), Unavailable> {
        let local = now.to_zoned(self.time_zone.clone());
        let date = local.date();
        if let Some((from, to)) = self.days_off.iter().find(|(f, t)| *f <= date && date <= *t) {
            let range = if from == to {
                from.to_string()
            } else {
                format!("{from}..{to}")
            };
            return Err(Unavailable::DayOff(range));
        }
        if !respect_working_hours {
            return Ok(());
        }
        let minute =
            u16::from(local.hour().unsigned_abs()) * 60 + u16::from(local.minute().unsigned_abs());
        let in_shift = if self.start <= self.end {
            self.start <= minute && minute < self.end
        } else {
            minute >= self.start || minute < self.end
        };
        // An overnight shift after midnight belongs to the previous day's shift.
        let shift_day = if self.start > self.end && minute < self.end {
            local.weekday().previous()
        } else {
            local.weekday()
        };
        let when = format!(
            "{} {:02}:{:02} {}",
            weekday_name(local.weekday()),
            local.hour(),
            local.minute(),
            self.zone_name_or_utc()
        );
        if !self.days[day_index(shift_day)] {
            return Err(Unavailable::NotWorkingDay(when));
        }
        if !in_shift {
            return Err(Unavailable::OffHours(when));
        }
        Ok(())
    }

    fn zone_name_or_utc(&self) -> &str {
        if self.zone_name.is_empty() {
            "UTC"
        } else {
            &self.zone_name
        }
    }
}

/// An IANA name ("Europe/Berlin"), "UTC", or a POSIX TZ string ("JST-9").
fn time_zone(name: &str) -> Result<TimeZone, String> {
    if name.is_empty() || name.eq_ignore_ascii_case("utc") {
        return Ok(TimeZone::UTC);
    }
    TimeZone::get(name)
        .or_else(|_| TimeZone::posix(name))
        .map_err(|_| format!("time_zone {name:?}: not a known IANA time zone (e.g. \"Europe/Berlin\"; is tzdata installed?) nor a POSIX TZ string (e.g. \"CET-1CEST,M3.5.0,M10.5.0/3\")"))
}

/// "09:00-17:00", "9-17", "22:00-06:00", "00:00-24:00".
fn hours(text: &str) -> Result<(u16, u16), String> {
    let bad = || format!("working_hours {text:?}: expected \"HH:MM-HH:MM\", e.g. \"09:00-17:00\"");
    let (a, b) = text.split_once(['-', '–']).ok_or_else(bad)?;
    let (start, end) = (clock(a).ok_or_else(bad)?, clock(b).ok_or_else(bad)?);
    if start == end || start >= 1440 {
        return Err(bad());
    }
    Ok((start, end))
}

/// "9", "09:30", "24:00" → minutes after midnight.
fn clock(text: &str) -> Option<u16> {
    let text = text.trim();
    let (h, m) = text.split_once(':').unwrap_or((text, "0"));
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    let minutes = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && minutes <= 1440).then_some(minutes)
}

/// "mon", "Monday", "mon-fri" → (first, last) day indexes, Monday = 0.
fn day_range(token: &str) -> Result<(usize, usize), String> {
    let bad =
        || format!("working_days {token:?}: expected a day (\"mon\") or a range (\"mon-fri\")");
    match token.split_once(['-', '–']) {
        Some((a, b)) => Ok((day(a).ok_or_else(bad)?, day(b).ok_or_else(bad)?)),
        None => {
            let d = day(token).ok_or_else(bad)?;
            Ok((d, d))
        }
    }
}

fn day(text: &str) -> Option<usize> {
    let t = text.trim().to_ascii_lowercase();
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    names.iter().position(|n| t.len() >= 3 && t.starts_with(n))
}

/// "2025-12-24" or "2025-07-01..2025-07-14" (inclusive).
fn date_range(text: &str) -> Result<(Date, Date), String> {
    let bad =
        || format!("days_off {text:?}: expected \"YYYY-MM-DD\" or \"YYYY-MM-DD..YYYY-MM-DD\"");
    let (a, b) = text.split_once("..").unwrap_or((text, text));
    let from: Date = a.trim().parse().map_err(|_| bad())?;
    let to: Date = b.trim().parse().map_err(|_| bad())?;
    if to < from {
        return Err(bad());
    }
    Ok((from, to))
}

fn day_index(day: Weekday) -> usize {
    usize::try_from(day.to_monday_zero_offset()).unwrap_or(0)
}

fn weekday_name(day: Weekday) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][day_index(day) % 7]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hours_days_and_ranges() {
        assert_eq!(hours("09:00-17:00"), Ok((540, 1020)));
        assert_eq!(hours("9-17"), Ok((540, 1020)));
        assert_eq!(hours("00:00-24:00"), Ok((0, 1440)));
        assert!(hours("17:00").is_err());
        assert!(hours("25:00-26:00").is_err());
        assert_eq!(day_range("Mon-Fri"), Ok((0, 4)));
        assert_eq!(day_range("sunday"), Ok((6, 6)));
        assert!(day_range("funday").is_err());
        assert!(date_range("2025-07-14..2025-07-01").is_err());
        assert!(time_zone("Mars/Olympus").is_err());
    }
}
