//! The date an absent person is back, as the notice states it.
//!
//! A date is read only right after (or, in Japanese, right before) a cue
//! word — "until", "back on", "returning", "bis", "jusqu'au", "hasta", "まで" —
//! so dates of meetings or signatures are not mistaken for it. The stated day
//! is returned as written ("until 3 December" → 3 December): whether the person
//! is back that day or the next is the notice's wording, not ours to guess.
//! A day without a year is the next occurrence on or after the message date;
//! `12/03/2026` is read as whichever of 12 March / 3 December comes first on or
//! after the message date (dotted dates are always day.month).

use jiff::civil::{Date, Weekday};
use once_cell::sync::Lazy;
use regex::Regex;

/// Cue words after which the return (or last absent) day follows.
static CUE_AFTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:until|till|til|through|thru|back (?:in the office |at (?:my |the )?desk |in office )?(?:on|from)?|return(?:ing)?(?: to the office)?(?: on)?|returns? on|be back|in the office (?:on|from)|available (?:again )?(?:on|from))\b",
        r"|\b(?:bis (?:zum|zur|einschließlich|einschl\.)?|wieder (?:am|ab)|zurück am|ab dem)\b",
        r"|\b(?:jusqu'au|jusqu’au|jusqu'à|jusqu’à|au|de retour (?:le|à partir du)?|retour le)\b",
        r"|\b(?:hasta el|hasta|de regreso el|regreso el|regresaré el|vuelvo el)\b",
        r"|\b(?:fino al|fino a|fino alle|rientro il|rientrerò il|di ritorno il|torno il|sarò di nuovo in ufficio il)\b",
        r"|\b(?:até (?:ao|à|o|a)?|de volta (?:em|a|no dia)|regresso (?:em|a|no dia)|retorno (?:em|a|no dia))\b",
        r"|\b(?:tot en met|t/m|tot|terug op|weer aanwezig op|weer op kantoor op|vanaf)\b",
        r"|\b(?:volveré el|volveré|regresaré|estaré de vuelta el|de vuelta el)\b",
        // SV, DA, NO.
        r"|\b(?:till och med|t\.o\.m\.|frem til|til og med|tills|(?:tillbaka|tilbage|tilbake|åter) (?:på kontoret |i tjänst )?(?:den|på|fra|från)?)\b",
        // PL, CS, FI.
        r"|\b(?:do dnia|do|wracam|powrót|vrátím se|zpět|palaan|takaisin)\b",
    ))
    .expect("static regex")
});

/// Languages that put the cue after the date: Japanese "12月3日まで",
/// "12月4日より出社", Korean "12월 7일까지", Chinese "12月7日返回", Finnish
/// "10.12. asti", Turkish "7 Aralık tarihine kadar". ASCII word boundaries
/// only: a Unicode `\b` would keep the regex engine off its fast DFA.
static CUE_BEFORE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:まで|より|から|以降|に戻り|に出社|に帰社|까지|부터|에 복귀|返回|回到|回来|上班|(?-u:\b)(?:asti|saakka|tarihine kadar|kadar|tarihinde)(?-u:\b))")
        .expect("static regex")
});

static ISO: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b").expect("static regex"));
static NUMERIC: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"\b(\d{1,2})([./])(\d{1,2})(?:[./](\d{4}|\d{2}))?\b").expect("static regex")
});
/// "2026年12月3日" (Japanese, Chinese) and "2026년 12월 7일" (Korean).
static JAPANESE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:(\d{4})\s*[年년]\s*)?(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
        .expect("static regex")
});
static DAY_MONTH: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s*(?:de\s+|of\s+)?({MONTHS})\.?(?:,?\s*(?:de\s+)?(\d{{4}}))?\b"))
        .expect("static regex")
});
static MONTH_DAY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}}))?"
    ))
    .expect("static regex")
});
static WEEKDAY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo)\b")
        .expect("static regex")
});

const MONTHS: &str = "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|wrzesnia|października|pazdziernika|listopada|grudnia|ledna|února|března|dubna|května|června|července|srpna|září|října|listopadu|prosince|augusti|marts|desember|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|tammikuuta|helmikuuta|maaliskuuta|huhtikuuta|toukokuuta|kesäkuuta|heinäkuuta|elokuuta|syyskuuta|lokakuuta|marraskuuta|joulukuuta|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|januari|februari|maart|mei|augustus|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre";

/// Month names of PL and CS (genitive, as dates are written), SV, DA/NO,
/// TR and FI (partitive), beyond the ones of [`month_number`]'s own table.
const MORE_MONTHS: &[(&str, i8)] = &[
    ("stycznia", 1),
    ("lutego", 2),
    ("marca", 3),
    ("kwietnia", 4),
    ("maja", 5),
    ("czerwca", 6),
    ("lipca", 7),
    ("sierpnia", 8),
    ("września", 9),
    ("wrzesnia", 9),
    ("października", 10),
    ("pazdziernika", 10),
    ("listopada", 11),
    ("grudnia", 12),
    ("ledna", 1),
    ("února", 2),
    ("března", 3),
    ("dubna", 4),
    ("května", 5),
    ("června", 6),
    ("července", 7),
    ("srpna", 8),
    ("září", 9),
    ("října", 10),
    ("listopadu", 11),
    ("prosince", 12),
    ("augusti", 8),
    ("marts", 3),
    ("desember", 12),
    ("ocak", 1),
    ("şubat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
];

/// Finnish partitive month names: "10. joulukuuta".
const FINNISH_MONTHS: [&str; 12] = [
    "tammikuuta",
    "helmikuuta",
    "maaliskuuta",
    "huhtikuuta",
    "toukokuuta",
    "kesäkuuta",
    "heinäkuuta",
    "elokuuta",
    "syyskuuta",
    "lokakuuta",
    "marraskuuta",
    "joulukuuta",
];

fn month_number(name: &str) -> Option<i8> {
    let n = name.to_lowercase();
    let n = n.trim_end_matches('.');
    if let Some((_, m)) = MORE_MONTHS.iter().find(|(w, _)| *w == n) {
        return Some(*m);
    }
    if let Some(i) = FINNISH_MONTHS.iter().position(|w| *w == n) {
        return Some(i as i8 + 1);
    }
    let table: [(&[&str], i8); 12] = [
        (
            &[
                "jan", "january", "januar", "jänner", "janvier", "enero", "gennaio", "janeiro",
                "januari",
            ],
            1,
        ),
        (
            &[
                "feb",
                "february",
                "februar",
                "février",
                "fevrier",
                "febrero",
                "febbraio",
                "fevereiro",
                "februari",
            ],
            2,
        ),
        (
            &[
                "mar", "march", "märz", "mars", "marzo", "março", "marco", "maart",
            ],
            3,
        ),
        (&["apr", "april", "avril", "abril", "aprile"], 4),
        (&["may", "mai", "mayo", "maggio", "maio", "mei"], 5),
        (
            &["jun", "june", "juni", "juin", "junio", "giugno", "junho"],
            6,
        ),
        (
            &["jul", "july", "juli", "juillet", "julio", "luglio", "julho"],
            7,
        ),
        (&["aug", "august", "août", "aout", "agosto", "augustus"], 8),
        (
            &[
                "sep",
                "sept",
                "september",
                "septembre",
                "septiembre",
                "setiembre",
                "settembre",
                "setembro",
            ],
            9,
        ),
        (
            &[
                "oct", "october", "oktober", "octobre", "octubre", "ottobre", "outubro",
            ],
            10,
        ),
        (
            &["nov", "november", "novembre", "noviembre", "novembro"],
            11,
        ),
        (
            &[
                "dec",
                "december",
                "dezember",
                "décembre",
                "decembre",
                "diciembre",
                "dicembre",
                "dezembro",
            ],
            12,
        ),
    ];
    table
        .iter()
        .find(|(names, _)| names.contains(&n))
        .map(|(_, m)| *m)
}

fn weekday(name: &str) -> Option<Weekday> {
    let n = name.to_lowercase();
    Some(match n.as_str() {
        "monday" | "montag" | "lundi" | "lunes" => Weekday::Monday,
        "tuesday" | "dienstag" | "mardi" | "martes" => Weekday::Tuesday,
        "wednesday" | "mittwoch" | "mercredi" | "miércoles" | "miercoles" => Weekday::Wednesday,
        "thursday" | "donnerstag" | "jeudi" | "jueves" => Weekday::Thursday,
        "friday" | "freitag" | "vendredi" | "viernes" => Weekday::Friday,
        "saturday" | "samstag" | "samedi" | "sábado" | "sabado" => Weekday::Saturday,
        "sunday" | "sonntag" | "dimanche" | "domingo" => Weekday::Sunday,
        _ => return None,
    })
}

/// The return date stated in `text`, as ISO `YYYY-MM-DD`. `message_date` is the
/// message's own `Date` (RFC 3339); without it only dates with a year count.
pub fn find(text: &str, message_date: Option<&str>) -> Option<String> {
    let sent = message_date
        .and_then(|d| d.get(..10))
        .and_then(|d| d.parse::<Date>().ok());
    let text = &text[..crate::understand::body::floor_char_boundary(text, 4000)];
    for cue in CUE_AFTER.find_iter(text) {
        let window = window_after(text, cue.end(), 48);
        if let Some(date) = date_in(window, sent, true) {
            return Some(date.to_string());
        }
    }
    for cue in CUE_BEFORE.find_iter(text) {
        let start =
            crate::understand::body::floor_char_boundary(text, cue.start().saturating_sub(30));
        let window = &text[start..cue.start()];
        // The date must end right before the cue ("12月3日(火)まで").
        if let Some(date) = last_date_before(window, sent) {
            return Some(date.to_string());
        }
    }
    None
}

fn window_after(text: &str, from: usize, len: usize) -> &str {
    let end = crate::understand::body::floor_char_boundary(text, from + len);
    let w = &text[from..end];
    // A window ends at a sentence or line end.
    let stop = w.find(['\n', ';']).unwrap_or(w.len());
    &w[..stop]
}

/// The first date at the start of `window` (only words may come before it:
/// "until Monday, December 2").
fn date_in(window: &str, sent: Option<Date>, allow_weekday: bool) -> Option<Date> {
    let near = |start: usize| window[..start].split_whitespace().count() <= 3;
    let mut best: Option<(usize, Date)> = None;
    let mut consider = |at: usize, d: Option<Date>| {
        if let Some(d) = d
            && near(at)
            && best.is_none_or(|(b, _)| at < b)
        {
            best = Some((at, d));
        }
    };
    if let Some(c) = ISO.captures(window) {
        let m = c.get(0)?;
        consider(m.start(), ymd(num(&c, 1), num(&c, 2), num(&c, 3)));
    }
    if let Some(c) = JAPANESE.captures(window) {
        let m = c.get(0)?;
        consider(
            m.start(),
            resolve(
                c.get(1).and_then(|y| y.as_str().parse().ok()),
                num(&c, 2)?,
                num(&c, 3)?,
                sent,
            ),
        );
    }
    if let Some(c) = NUMERIC.captures(window) {
        let m = c.get(0)?;
        let (a, sep, b) = (
            num(&c, 1)?,
            c.get(2).map_or("", |s| s.as_str()),
            num(&c, 3)?,
        );
        let year = c
            .get(4)
            .and_then(|y| y.as_str().parse::<i16>().ok())
            .map(|y| if y < 100 { 2000 + y } else { y });
        let date = if sep == "." {
            resolve(year, b, a, sent)
        } else {
            // Slash: month/day or day/month; the first one on or after the message.
            let candidates = [resolve(year, a, b, sent), resolve(year, b, a, sent)];
            let mut ok: Vec<Date> = candidates
                .into_iter()
                .flatten()
                .filter(|d| sent.is_none_or(|s| *d >= s))
                .collect();
            ok.sort();
            ok.first().copied().or(candidates[0].or(candidates[1]))
        };
        consider(m.start(), date);
    }
    // "3 December" and "December 3": the same date, groups in another order.
    for (pattern, month_group, day_group) in [(&*DAY_MONTH, 2, 1), (&*MONTH_DAY, 1, 2)] {
        if let Some(c) = pattern.captures(window) {
            let m = c.get(0)?;
            let month = c.get(month_group).and_then(|x| month_number(x.as_str()));
            consider(
                m.start(),
                month.and_then(|mo| {
                    resolve(
                        c.get(3).and_then(|y| y.as_str().parse().ok()),
                        mo,
                        num(&c, day_group)?,
                        sent,
                    )
                }),
            );
        }
    }
    if best.is_none() && allow_weekday {
        let c = WEEKDAY.captures(window)?;
        let m = c.get(0)?;
        if m.start() <= 12 {
            let wd = weekday(c.get(1)?.as_str())?;
            let s = sent?;
            // "back on Monday": the next Monday after the message.
            let mut d = s.tomorrow().ok()?;
            for _ in 0..7 {
                if d.weekday() == wd {
                    return Some(d);
                }
                d = d.tomorrow().ok()?;
            }
        }
    }
    best.map(|(_, d)| d)
}

/// The date that ends right before a trailing cue: a CJK date, "7 Aralık"
/// or "10.12.2026". A weekday in brackets may stand between: "12月3日（火）まで".
fn last_date_before(window: &str, sent: Option<Date>) -> Option<Date> {
    let close = |end: usize| window[end..].chars().count() <= 5;
    if let Some(c) = JAPANESE.captures_iter(window).last()
        && close(c.get(0)?.end())
    {
        return resolve(
            c.get(1).and_then(|y| y.as_str().parse().ok()),
            num(&c, 2)?,
            num(&c, 3)?,
            sent,
        );
    }
    if let Some(c) = DAY_MONTH.captures_iter(window).last()
        && close(c.get(0)?.end())
    {
        let month = month_number(c.get(2)?.as_str())?;
        return resolve(
            c.get(3).and_then(|y| y.as_str().parse().ok()),
            month,
            num(&c, 1)?,
            sent,
        );
    }
    let c = NUMERIC.captures_iter(window).last()?;
    if !close(c.get(0)?.end()) || c.get(2)?.as_str() != "." {
        return None;
    }
    // Only dotted day.month dates here: their reading is unambiguous.
    let year = c
        .get(4)
        .and_then(|y| y.as_str().parse::<i16>().ok())
        .map(|y| if y < 100 { 2000 + y } else { y });
    resolve(year, num(&c, 3)?, num(&c, 1)?, sent)
}

fn num<T: std::str::FromStr>(c: &regex::Captures<'_>, i: usize) -> Option<T> {
    c.get(i)?.as_str().parse().ok()
}

fn ymd(y: Option<i16>, m: Option<i8>, d: Option<i8>) -> Option<Date> {
    Date::new(y?, m?, d?).ok()
}

/// A month and day, with the year if stated; else the next occurrence on or
/// after the message date.
fn resolve(year: Option<i16>, month: i8, day: i8, sent: Option<Date>) -> Option<Date> {
    if let Some(y) = year {
        return Date::new(y, month, day).ok();
    }
    let s = sent?;
    let this_year = Date::new(s.year(), month, day).ok();
    match this_year {
        Some(d) if d >= s => Some(d),
        _ => Date::new(s.year() + 1, month, day).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    const SENT: Option<&str> = Some("2026-11-28T09:00:00+01:00");

    #[test]
    fn dates_in_five_languages() {
        let cases = [
            ("I will be back on Monday 2 December.", "2026-12-02"),
            ("I am out of the office until 12/03/2026.", "2026-12-03"),
            ("returning January 5th", "2027-01-05"),
            ("12月3日まで不在にしております。", "2026-12-03"),
            ("Ich bin bis zum 03.12.2026 nicht im Büro.", "2026-12-03"),
            ("Je suis absent jusqu'au 3 décembre.", "2026-12-03"),
            (
                "Estaré fuera de la oficina hasta el 4 de diciembre.",
                "2026-12-04",
            ),
            ("Back on Monday.", "2026-11-30"),
        ];
        for (text, want) in cases {
            assert_eq!(find(text, SENT).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn no_cue_no_date() {
        assert_eq!(find("Our meeting on 3 December went well.", SENT), None);
    }
}
