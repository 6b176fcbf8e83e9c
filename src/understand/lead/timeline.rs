//! Purchase-timeline phrases → [`Timeline`], in English, Japanese, German,
//! Spanish and French.
//!
//! A stated window is bucketed by its middle, relative to the message date
//! ("1-3 months" → middle 2 → `within_3_months`; "next spring" → months from
//! the Date header to mid-April). "Within N" goes to the bucket that ends at N
//! ("within 6 months" → `3_to_6_months`). A point on a bucket edge belongs to
//! the later bucket ("in about a year" → `over_12_months`).
//!
//! Two modes: a timeline *field* is read leniently (a select value such as
//! "Now" or "12+ months"); free text (the message) needs a time preposition
//! ("in", "within", "next"...) so "we have used it for 2 years" is not a
//! timeline.

use once_cell::sync::Lazy;
use regex::Regex;

use crate::understand::Timeline;

/// Reads a timeline from a timeline field (`field = true`) or free text.
/// `date` is the message's RFC 3339 date; without it, month names and seasons
/// cannot be placed and are ignored.
pub fn parse(text: &str, date: Option<&str>, field: bool) -> Option<Timeline> {
    let s = normalize(text);
    if s.trim().is_empty() {
        return None;
    }
    let now = date.and_then(ymd);
    if researching(&s, field) {
        return Some(Timeline::Researching);
    }
    if immediate(&s, field) {
        return Some(Timeline::Immediate);
    }
    if let Some(t) = japanese_window(&s) {
        return Some(t);
    }
    if let Some(t) = numeric_window(&s, field) {
        return Some(t);
    }
    // A season is more precise than the year it is in ("Frühjahr nächstes Jahr").
    if let Some(t) = now.and_then(|now| season(&s, now, field)) {
        return Some(t);
    }
    if let Some(t) = named_period(&s, now) {
        return Some(t);
    }
    if let Some(now) = now {
        if let Some(t) = month_name(&s, now, field) {
            return Some(t);
        }
        if let Some(t) = calendar_year(&s, now, field) {
            return Some(t);
        }
    }
    None
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

/// Lowercase, full-width digits and dashes folded, whitespace collapsed.
fn normalize(text: &str) -> String {
    let folded: String = text
        .chars()
        .take(4000)
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '～' | '〜' | '~' | '–' | '—' | '―' => '-',
            '’' => '\'',
            '＋' => '+',
            c => c,
        })
        .collect();
    folded
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains_any(s: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| s.contains(p))
}

fn researching(s: &str, field: bool) -> bool {
    let strong = contains_any(
        s,
        &[
            "just researching",
            "only researching",
            "researching",
            "research phase",
            "doing research",
            "just looking",
            "just browsing",
            "comparing prices",
            "compare prices",
            "comparing quotes",
            "comparing options",
            "only comparing",
            "price comparison",
            "gathering information",
            "gathering info",
            "information only",
            "info only",
            "early stages",
            "early stage",
            "exploring options",
            "just exploring",
            "no immediate plans",
            "no plans yet",
            "情報収集",
            "比較検討",
            "情報を集め",
            "nur informieren",
            "informiere mich",
            "informieren uns",
            "erst mal informieren",
            "erst einmal informieren",
            "nur informationen",
            "informationsphase",
            "preisvergleich",
            "vergleiche preise",
            "vergleichen preise",
            "nur vergleichen",
            "recherchiere",
            "solo estoy mirando",
            "solo mirando",
            "solo comparando",
            "comparando precios",
            "comparar precios",
            "solo información",
            "solo informacion",
            "informándome",
            "me estoy informando",
            "recopilando información",
            "je me renseigne",
            "simple renseignement",
            "je compare",
            "comparer les prix",
            "comparaison des prix",
            "juste pour information",
            "à titre informatif",
            "en réflexion",
        ],
    );
    strong
        || field
            && contains_any(
                s,
                &[
                    "research",
                    "browsing",
                    "undecided",
                    "未定",
                    "検討中",
                    "informieren",
                    "información",
                    "renseignement",
                ],
            )
}

fn immediate(s: &str, field: bool) -> bool {
    let strong = contains_any(
        s,
        &[
            "asap",
            "a.s.a.p",
            "as soon as possible",
            "right away",
            "right now",
            "immediately",
            "straight away",
            "straightaway",
            "within days",
            "within a few days",
            "urgent",
            "すぐ",
            "至急",
            "早急",
            "即時",
            "急ぎ",
            "なるべく早く",
            "できるだけ早く",
            "sofort",
            "umgehend",
            "schnellstmöglich",
            "so schnell wie möglich",
            "dringend",
            "lo antes posible",
            "lo más pronto posible",
            "cuanto antes",
            "inmediatamente",
            "de inmediato",
            "dès que possible",
            "au plus vite",
            "au plus tôt",
            "immédiatement",
            "tout de suite",
            "le plus rapidement possible",
        ],
    );
    if strong {
        return true;
    }
    field
        && (contains_any(
            s,
            &[
                "this week",
                "next week",
                "diese woche",
                "nächste woche",
                "esta semana",
                "próxima semana",
                "cette semaine",
                "semaine prochaine",
                "今週",
            ],
        ) || {
            let first = s.split([' ', ',', '.', '/', '(']).next().unwrap_or("");
            [
                "now",
                "immediate",
                "today",
                "tomorrow",
                "ya",
                "jetzt",
                "maintenant",
                "urgente",
                "hoy",
                "heute",
                "今すぐ",
            ]
            .contains(&first)
        })
}

/// Number words and their values (few = 3, couple = 2, half = 0.5).
fn number(word: &str) -> Option<f64> {
    let w = word.trim();
    if let Ok(n) = w.replace(',', ".").parse::<f64>() {
        return Some(n);
    }
    Some(match w {
        "a" | "an" | "one" | "ein" | "eine" | "einem" | "einen" | "einer" | "un" | "una"
        | "uno" | "une" | "一" => 1.0,
        "two" | "zwei" | "dos" | "deux" | "二" => 2.0,
        "three" | "drei" | "tres" | "trois" | "三" => 3.0,
        "four" | "vier" | "cuatro" | "quatre" => 4.0,
        "five" | "fünf" | "cinco" | "cinq" => 5.0,
        "six" | "sechs" | "seis" | "六" => 6.0,
        "seven" | "eight" | "nine" => 8.0,
        "ten" => 10.0,
        "twelve" | "zwölf" | "doce" | "douze" => 12.0,
        "eighteen" => 18.0,
        "a couple of" | "a couple" | "couple of" | "couple" => 2.0,
        "a few" | "few" | "ein paar" | "paar" | "einige" | "einigen" | "unos" | "unas"
        | "algunos" | "algunas" | "pocos" | "pocas" | "quelques" | "数" => 3.0,
        "several" | "plusieurs" | "mehrere" | "mehreren" | "varios" | "varias" => 4.0,
        "half a" | "ein halbes" | "einem halben" | "medio" | "半" => 0.5,
        _ => return None,
    })
}

/// Months in one unit word.
fn unit_months(unit: &str) -> Option<f64> {
    let u = unit.trim();
    let f = if u.starts_with("day")
        || u.starts_with("tag")
        || u.starts_with("día")
        || u.starts_with("dia")
        || u.starts_with("jour")
        || u == "日"
    {
        1.0 / 30.4
    } else if u.starts_with("week")
        || u.starts_with("wk")
        || u.starts_with("woche")
        || u.starts_with("semana")
        || u.starts_with("semaine")
        || u.starts_with('週')
    {
        1.0 / 4.35
    } else if u.starts_with("month")
        || u.starts_with("mo")
        || u.starts_with("mes")
        || u == "mois"
        || u.ends_with('月')
    {
        1.0
    } else if u.starts_with("year")
        || u.starts_with("yr")
        || u.starts_with("jahr")
        || u.starts_with("año")
        || u.starts_with("ano")
        || u.starts_with("an")
        || u.ends_with('年')
    {
        12.0
    } else {
        return None;
    };
    Some(f)
}

const NUM: &str = r"\d+(?:[.,]\d+)?|a few|a couple of|a couple|couple of|few|several|half a|an|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|ein paar|paar|einigen|einige|mehreren|mehrere|ein halbes|einem halben|einem|einen|einer|eine|ein|zwei|drei|vier|fünf|sechs|zwölf|unos|unas|algunos|algunas|pocos|pocas|varios|varias|medio|una|uno|un|dos|tres|cuatro|cinco|seis|doce|quelques|plusieurs|une|deux|trois|quatre|cinq|douze";

static WINDOW: Lazy<Regex> = Lazy::new(|| {
    let pre = r"within the next|within|in the next|in the coming|over the next|the next|next|in about|in around|in roughly|in approximately|in|more than|over|after|at least|less than|under|up to|before|by|about|around|approximately|roughly|innerhalb der nächsten|innerhalb von|innerhalb|in den nächsten|in den kommenden|binnen|in etwa|in ca\.|mehr als|über|nach|weniger als|unter|bis zu|dentro de|en los próximos|en las próximas|en los siguientes|en menos de|en unos|más de|menos de|antes de|en|d'ici|sous|dans les|dans environ|dans|en moins de|moins de|plus de|au-delà de|d'ici à";
    let unit = r"days?|weeks?|wks?|months?|mos?|years?|yrs?|tagen?|wochen?|monaten?|monate|monat|jahren?|jahre|jahr|días|dias|día|semanas?|meses|mes|años?|anos?|jours?|semaines?|mois|années?|ans?";
    Regex::new(&format!(
        r"(?:\b(?P<pre>{pre})\s+)?\b(?P<a>{NUM})(?:\s*(?:-|to|or|bis|a|à|y|und|o|ou)\s*(?P<b>{NUM}))?\s*(?P<plus>\+)?\s*(?:prochain(?:e)?s\s+|próxim[oa]s\s+|nächsten\s+|kommenden\s+)?(?P<unit>{unit})\b(?P<post>\s*(?:\+|or more|or longer|plus|out|away|from now|later|from today|ahead))?"
    ))
    .expect("static regex")
});

static JA_WINDOW: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?P<a>\d+(?:\.\d+)?|半|一|二|三|六|数)\s*(?:-\s*(?P<b>\d+)\s*)?(?P<unit>ヶ月|か月|カ月|ヵ月|ケ月|箇月|ヶ年|年|週間|週|日)\s*(?P<post>以内|以上|以降|後|先|程度|くらい|ぐらい|ほど|内)?")
        .expect("static regex")
});

fn japanese_window(s: &str) -> Option<Timeline> {
    for c in JA_WINDOW.captures_iter(s) {
        let a = number(c.name("a")?.as_str())?;
        let unit = unit_months(c.name("unit")?.as_str())?;
        // "2025年" is a calendar year, not a duration.
        if a >= 100.0 {
            continue;
        }
        let post = c.name("post").map_or("", |m| m.as_str());
        if c.name("unit")?.as_str() == "日" && post.is_empty() {
            continue;
        }
        let a = a * unit;
        if let Some(b) = c.name("b").and_then(|b| number(b.as_str())) {
            return Some(bucket_at((a + b * unit) / 2.0));
        }
        return Some(match post {
            "以内" | "内" => bucket_ending(a),
            _ => bucket_at(a),
        });
    }
    None
}

fn numeric_window(s: &str, field: bool) -> Option<Timeline> {
    for c in WINDOW.captures_iter(s) {
        let pre = c.name("pre").map_or("", |m| m.as_str());
        let post = c.name("post").map_or("", |m| m.as_str().trim());
        let plus =
            c.name("plus").is_some() || matches!(post, "+" | "or more" | "or longer" | "plus");
        let has_b = c.name("b").is_some();
        let forward = !pre.is_empty()
            && !matches!(
                pre,
                "about" | "around" | "approximately" | "roughly" | "over" | "after"
            );
        if !field && !forward && !has_b && post.is_empty() {
            continue;
        }
        let Some(unit) = c.name("unit").and_then(|u| unit_months(u.as_str())) else {
            continue;
        };
        let Some(a) = c.name("a").and_then(|a| number(a.as_str())) else {
            continue;
        };
        // A bare "a"/"an"/"un" must be followed by a unit, which the regex ensures;
        // a year like "2026 years" is nonsense.
        if a > 240.0 {
            continue;
        }
        let a = a * unit;
        if let Some(b) = c.name("b").and_then(|b| number(b.as_str())) {
            return Some(bucket_at((a + b * unit) / 2.0));
        }
        let within = matches!(
            pre,
            "within the next"
                | "within"
                | "in the next"
                | "in the coming"
                | "over the next"
                | "the next"
                | "next"
                | "less than"
                | "under"
                | "up to"
                | "before"
                | "by"
                | "innerhalb der nächsten"
                | "innerhalb von"
                | "innerhalb"
                | "in den nächsten"
                | "in den kommenden"
                | "binnen"
                | "weniger als"
                | "unter"
                | "bis zu"
                | "dentro de"
                | "en los próximos"
                | "en las próximas"
                | "en los siguientes"
                | "en menos de"
                | "menos de"
                | "antes de"
                | "d'ici"
                | "d'ici à"
                | "sous"
                | "dans les"
                | "en moins de"
                | "moins de"
        );
        return Some(
            if plus
                || matches!(
                    pre,
                    "more than"
                        | "over"
                        | "after"
                        | "at least"
                        | "mehr als"
                        | "über"
                        | "nach"
                        | "más de"
                        | "plus de"
                        | "au-delà de"
                )
            {
                bucket_at(a.max(0.25))
            } else if within {
                bucket_ending(a)
            } else {
                bucket_at(a)
            },
        );
    }
    None
}

/// Year, month, day of an RFC 3339 date.
fn ymd(date: &str) -> Option<(i32, u32, u32)> {
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

fn named_period(s: &str, now: Option<(i32, u32, u32)>) -> Option<Timeline> {
    if contains_any(
        s,
        &[
            "this month",
            "next month",
            "diesen monat",
            "nächsten monat",
            "este mes",
            "próximo mes",
            "mes que viene",
            "ce mois",
            "mois prochain",
            "今月",
            "来月",
            "this quarter",
            "dieses quartal",
            "este trimestre",
            "ce trimestre",
            "今期",
        ],
    ) {
        return Some(Timeline::Within3Months);
    }
    if contains_any(
        s,
        &[
            "next quarter",
            "nächstes quartal",
            "nächsten quartal",
            "próximo trimestre",
            "trimestre prochain",
            "prochain trimestre",
            "来期",
        ],
    ) {
        return Some(Timeline::ThreeTo6Months);
    }
    if contains_any(
        s,
        &[
            "couple of years",
            "few years",
            "several years",
            "years away",
            "years out",
            "paar jahren",
            "einigen jahren",
            "unos años",
            "varios años",
            "quelques années",
            "plusieurs années",
            "数年",
        ],
    ) {
        return Some(Timeline::Over12Months);
    }
    let end_of_year = contains_any(
        s,
        &[
            "end of the year",
            "end of year",
            "year-end",
            "year end",
            "jahresende",
            "ende des jahres",
            "fin de año",
            "finales de año",
            "fin de l'année",
            "fin d'année",
            "年内",
            "年末",
        ],
    );
    let this_year = contains_any(
        s,
        &[
            "this year",
            "dieses jahr",
            "diesem jahr",
            "este año",
            "cette année",
            "今年",
        ],
    );
    if end_of_year || this_year {
        return Some(match now {
            Some(now) => {
                let left = months_until(now, now.0, 12, 31.0);
                if end_of_year {
                    bucket_ending(left)
                } else {
                    bucket_at(left / 2.0)
                }
            }
            None => Timeline::SixTo12Months,
        });
    }
    if contains_any(
        s,
        &[
            "next year",
            "nächstes jahr",
            "nächsten jahr",
            "kommendes jahr",
            "kommenden jahr",
            "próximo año",
            "año que viene",
            "año próximo",
            "l'année prochaine",
            "l'an prochain",
            "来年",
        ],
    ) {
        return Some(match now {
            Some(now) => bucket_at(months_until(now, now.0 + 1, 7, 1.0)),
            None => Timeline::Over12Months,
        });
    }
    None
}

/// Month where each season peaks (northern hemisphere): spring → April, summer → July...
fn season(s: &str, now: (i32, u32, u32), field: bool) -> Option<Timeline> {
    static SEASON: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?P<pre>\b(?:by|before|until|bis|antes del?|avant l'|avant le|d'ici l'|d'ici le)\s+)?(?P<which>\b(?:this|next|the|in|im|nächsten|kommenden|diesen|el|la|este|esta|próxim[oa]|au|en|cet|ce|prochain)\s+)?(?P<season>spring|summer|fall|autumn|winter|frühjahr|frühling|sommer|herbst|winter|primavera|verano|otoño|invierno|printemps|été|automne|hiver|春|夏|秋|冬)")
            .expect("static regex")
    });
    for c in SEASON.captures_iter(s) {
        let name = c.name("season")?.as_str();
        let which = c.name("which").map_or("", |m| m.as_str().trim());
        if !field
            && which.is_empty()
            && c.name("pre").is_none()
            && !name.chars().all(|ch| !ch.is_ascii())
        {
            continue;
        }
        let peak = match name {
            "spring" | "frühjahr" | "frühling" | "primavera" | "printemps" | "春" => 4,
            "summer" | "sommer" | "verano" | "été" | "夏" => 7,
            "fall" | "autumn" | "herbst" | "otoño" | "automne" | "秋" => 10,
            _ => 1,
        };
        let next = matches!(
            which,
            "next" | "nächsten" | "kommenden" | "próximo" | "próxima" | "prochain"
        ) || s.contains(&format!("{name} prochain"))
            || contains_any(
                s,
                &[
                    "来年",
                    "next year",
                    "nächstes jahr",
                    "nächsten jahres",
                    "próximo año",
                    "año que viene",
                    "l'année prochaine",
                    "l'an prochain",
                ],
            );
        let in_season = |m: u32| m.abs_diff(peak) <= 1 || peak == 1 && (m == 12 || m == 2);
        let mut year = now.0;
        if peak == 1 && now.1 >= 2 || peak != 1 && now.1 > peak + 1 || next && in_season(now.1) {
            year += 1;
        }
        if peak == 1 && now.1 == 12 && !next {
            year = now.0 + 1;
        }
        let mut m = months_until(now, year, peak, 15.0);
        if m < -1.0 {
            // That season is over for this year: the next one is meant.
            m += 12.0;
        }
        return Some(if c.name("pre").is_some() {
            bucket_ending(m + 1.5)
        } else {
            bucket_at(m.max(0.0))
        });
    }
    None
}

fn month_name(s: &str, now: (i32, u32, u32), field: bool) -> Option<Timeline> {
    static MONTH: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?P<pre>\b(?:in|by|before|until|from|starting|early|late|mid|end of|im|bis|ab|anfang|ende|en|para|hasta|antes de|a partir de|principios de|finales de|avant|d'ici|dès|début|fin|courant)\s+)?\b(?P<month>january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre)\b|(?P<ja>\d{1,2})月")
            .expect("static regex")
    });
    for c in MONTH.captures_iter(s) {
        let pre = c.name("pre").map(|m| m.as_str().trim());
        let month = if let Some(ja) = c.name("ja") {
            ja.as_str()
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=12).contains(m))?
        } else {
            let name = c.name("month")?.as_str();
            if !field && pre.is_none() || !field && matches!(name, "may" | "mar") && pre.is_none() {
                continue;
            }
            month_number(name)?
        };
        let year = if month < now.1 { now.0 + 1 } else { now.0 };
        let by = matches!(
            pre,
            Some("by" | "before" | "until" | "bis" | "hasta" | "antes de" | "avant" | "d'ici")
        );
        return Some(if by {
            bucket_ending(months_until(now, year, month, 30.0).max(0.0))
        } else {
            bucket_at(months_until(now, year, month, 15.0).max(0.0))
        });
    }
    None
}

fn month_number(name: &str) -> Option<u32> {
    let n = match name {
        "january" | "jan" | "januar" | "enero" | "janvier" => 1,
        "february" | "feb" | "februar" | "febrero" | "février" => 2,
        "march" | "mar" | "märz" | "marzo" | "mars" => 3,
        "april" | "apr" | "abril" | "avril" => 4,
        "may" | "mai" | "mayo" => 5,
        "june" | "jun" | "juni" | "junio" | "juin" => 6,
        "july" | "jul" | "juli" | "julio" | "juillet" => 7,
        "august" | "aug" | "agosto" | "août" => 8,
        "september" | "sep" | "sept" | "septiembre" | "septembre" => 9,
        "october" | "oct" | "oktober" | "octubre" | "octobre" => 10,
        "november" | "nov" | "noviembre" | "novembre" => 11,
        "december" | "dec" | "dezember" | "diciembre" | "décembre" => 12,
        _ => return None,
    };
    Some(n)
}

/// "in 2026", "Q3 2026", "early 2027".
fn calendar_year(s: &str, now: (i32, u32, u32), field: bool) -> Option<Timeline> {
    static YEAR: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?P<pre>\b(?:in|by|early|late|mid|end of|during|im|en|para|dans|courant|début|fin|anfang|ende|mitte)\s+)?(?:\bq(?P<q>[1-4])\s*)?\b(?P<year>20\d\d)\b(?:年)?")
            .expect("static regex")
    });
    for c in YEAR.captures_iter(s) {
        let year: i32 = c.name("year")?.as_str().parse().ok()?;
        let pre = c.name("pre").map(|m| m.as_str().trim());
        if !field && pre.is_none() && c.name("q").is_none() || year < now.0 || year > now.0 + 10 {
            continue;
        }
        let month = match (c.name("q").map(|q| q.as_str()), pre) {
            (Some(q), _) => q.parse::<u32>().ok()? * 3 - 1,
            (None, Some("early" | "début" | "anfang")) => 2,
            (None, Some("late" | "end of" | "fin" | "ende")) => 11,
            (None, Some("by")) => 12,
            _ => 7,
        };
        return Some(bucket_at(months_until(now, year, month, 1.0).max(0.0)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use Timeline::*;

    #[test]
    fn windows_bucket_by_middle() {
        let d = Some("2025-05-12T09:00:00+00:00");
        for (phrase, want) in [
            ("ASAP", Immediate),
            ("1-3 months", Within3Months),
            ("within 6 months", ThreeTo6Months),
            ("in about a year", Over12Months),
            ("6-12 months", SixTo12Months),
            ("12+ months", Over12Months),
            ("next spring", SixTo12Months),
            ("3ヶ月以内", Within3Months),
            ("半年以内", ThreeTo6Months),
            ("1年以内", SixTo12Months),
        ] {
            assert_eq!(parse(phrase, d, true), Some(want), "{phrase}");
        }
    }
}
