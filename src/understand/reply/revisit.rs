//! When a "not now" reply says to come back: "after the summer", "in 3
//! months", "next quarter", "Q2", "来年", "im Frühjahr" → an ISO date,
//! relative to the message date.
//!
//! Conventions: a season means its first day (spring → March 1, summer →
//! June 1, autumn → September 1, winter → December 1), "after the summer"
//! means September 1; a month or quarter means its first day; each is the
//! next such day strictly after the message date. "Next year" is January 1
//! of the following year; "in about a year" is the date plus one year.

use jiff::ToSpan;
use jiff::civil::Date;
use once_cell::sync::Lazy;
use regex::Regex;

/// The message date (`YYYY-MM-DD…` of an RFC 3339 string), or today.
pub fn base_date(date: Option<&str>) -> Date {
    date.and_then(|d| d.get(..10))
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or_else(|| jiff::Zoned::now().date())
}

/// The first revisit date the text states, as `YYYY-MM-DD`.
pub fn revisit_date(text: &str, base: Date) -> Option<String> {
    let lower = text.to_lowercase();
    let mut best: Option<(usize, Date)> = None;
    for (re, rule) in RULES.iter() {
        // The first match of each rule that yields a date; the earliest wins.
        for caps in re.captures_iter(&lower).take(8) {
            let Some(m) = caps.get(0) else { continue };
            if let Some(date) = rule(&caps, base) {
                if best.is_none_or(|(at, _)| m.start() < at) {
                    best = Some((m.start(), date));
                }
                break;
            }
        }
    }
    best.map(|(_, d)| d.to_string())
}

type Rule = fn(&regex::Captures<'_>, Date) -> Option<Date>;

/// Next `month`/`day` strictly after `base`.
fn next_day_of_year(base: Date, month: i8, day: i8) -> Option<Date> {
    let this = Date::new(base.year(), month, day).ok()?;
    if this > base {
        Some(this)
    } else {
        Date::new(base.year() + 1, month, day).ok()
    }
}

fn season_start(word: &str) -> Option<i8> {
    Some(match word {
        "spring" | "frühjahr" | "frühling" | "printemps" | "primavera" | "春" => 3,
        "summer" | "sommer" | "été" | "verano" | "夏" => 6,
        "autumn" | "fall" | "herbst" | "automne" | "otoño" | "秋" | "rentrée" => 9,
        "winter" | "hiver" | "invierno" | "冬" => 12,
        _ => return None,
    })
}

fn month_number(word: &str) -> Option<i8> {
    const NAMES: [&[&str]; 12] = [
        &["january", "jan", "januar", "janvier", "enero"],
        &["february", "feb", "februar", "février", "febrero"],
        &["march", "mar", "märz", "mars", "marzo"],
        &["april", "apr", "avril", "abril"],
        &["may", "mai", "mayo"],
        &["june", "jun", "juni", "juin", "junio"],
        &["july", "jul", "juli", "juillet", "julio"],
        &["august", "aug", "août", "agosto"],
        &["september", "sep", "sept", "septembre", "septiembre"],
        &["october", "oct", "oktober", "octobre", "octubre"],
        &["november", "nov", "novembre", "noviembre"],
        &["december", "dec", "dezember", "décembre", "diciembre"],
    ];
    if let Some(n) = word.strip_suffix('月').and_then(|n| n.parse::<i8>().ok()) {
        return (1..=12).contains(&n).then_some(n);
    }
    NAMES
        .iter()
        .position(|names| names.contains(&word))
        .map(|i| i as i8 + 1)
}

fn number_word(word: &str) -> Option<i64> {
    if let Ok(n) = word.parse::<i64>() {
        return (0..=120).contains(&n).then_some(n);
    }
    Some(match word {
        "a" | "an" | "one" | "ein" | "einem" | "einen" | "un" | "une" | "uno" | "una" | "一" => 1,
        "couple of" | "a couple of" | "two" | "zwei" | "deux" | "dos" | "二" => 2,
        "few" | "a few" | "three" | "drei" | "ein paar" | "paar" | "einigen" | "quelques"
        | "trois" | "tres" | "unos" | "unos pocos" | "三" => 3,
        "four" | "vier" | "quatre" | "cuatro" | "四" => 4,
        "six" | "sechs" | "seis" | "六" => 6,
        "several" | "mehreren" => 3,
        "twelve" | "zwölf" | "douze" | "doce" => 12,
        _ => return None,
    })
}

fn add_units(base: Date, n: i64, unit: &str) -> Option<Date> {
    let span = match unit {
        u if u.starts_with("day")
            || u.starts_with("tag")
            || u.starts_with("jour")
            || u.starts_with("día")
            || u == "日" =>
        {
            n.days()
        }
        u if u.starts_with("week")
            || u.starts_with("woche")
            || u.starts_with("semaine")
            || u.starts_with("semana")
            || u == "週間" =>
        {
            n.weeks()
        }
        u if u.starts_with("month")
            || u.starts_with("monat")
            || u == "mois"
            || u.starts_with("mes")
            || u.contains('月') =>
        {
            n.months()
        }
        u if u.starts_with("year")
            || u.starts_with("jahr")
            || u.starts_with("an")
            || u.starts_with("año")
            || u == "年" =>
        {
            n.years()
        }
        _ => return None,
    };
    base.checked_add(span).ok()
}

fn next_quarter_start(base: Date) -> Option<Date> {
    let q = (base.month() - 1) / 3;
    if q == 3 {
        Date::new(base.year() + 1, 1, 1).ok()
    } else {
        Date::new(base.year(), q * 3 + 4, 1).ok()
    }
}

static RULES: Lazy<Vec<(Regex, Rule)>> = Lazy::new(|| {
    let r = |p: &str| Regex::new(p).unwrap();
    vec![
        // "in about a year", "in 3 months", "in ein paar Monaten", "dans 6 mois", "en 2 semanas", "in a year's time"
        (
            r(
                r"\b(?:in|within|dans|en|dentro\ de|nach)\s+(?:about\s+|around\s+|roughly\s+|etwa\s+|ungefähr\s+|environ\s+|unos\s+)?(\d{1,3}|a couple of|a few|a|an|one|two|three|four|six|several|twelve|einem|einen|ein paar|einigen|mehreren|zwei|drei|vier|sechs|zwölf|quelques|un|une|deux|trois|quatre|six|douze|dos|tres|cuatro|seis|doce|uno|una)\s+(days?|weeks?|months?|years?|tagen|wochen|monaten|monat|jahren|jahr|jours|semaines|mois|ans?|años?|meses|mes|semanas|días)\b",
            ),
            |c, base| add_units(base, number_word(c.get(1)?.as_str())?, c.get(2)?.as_str()),
        ),
        // "3ヶ月後", "半年後", "1年後", "2週間後"
        (
            r(r"(\d{1,3}|[一二三四六])\s*(ヶ月|か月|カ月|ケ月|ヵ月|週間|年|日)後"),
            |c, base| add_units(base, number_word(c.get(1)?.as_str())?, c.get(2)?.as_str()),
        ),
        (r(r"半年後"), |_, base| base.checked_add(6.months()).ok()),
        // After the summer / nach dem Sommer / après l'été / después del verano / 夏以降
        (
            r(
                r"(?:after|nach|après|después\s+de)\s+(?:the\s+|dem\s+|den\s+|l'|del\s+)?(summer|sommer|sommerferien|été|verano)|(夏)(?:以降|明け|休み明け|過ぎ)",
            ),
            |_, base| next_day_of_year(base, 9, 1),
        ),
        // Seasons: "in the spring", "im Frühjahr", "au printemps", "en primavera", "春頃"
        (
            r(
                r"\b(?:in|im|this|next|early|late|by|until|around|au|en|à|la|el|la\s+próxima|ce|cet)\s+(?:the\s+|coming\s+|next\s+)?(spring|summer|autumn|fall|winter|frühjahr|frühling|sommer|herbst|winter|printemps|été|automne|hiver|rentrée|primavera|verano|otoño|invierno)\b|(春|夏|秋|冬)(?:頃|ごろ|以降|に|から|先)",
            ),
            |c, base| {
                let word = c.get(1).or_else(|| c.get(2))?.as_str();
                next_day_of_year(base, season_start(word)?, 1)
            },
        ),
        // Next quarter
        (
            r(
                r"\b(?:next|the\s+coming|nächste[sn]?|kommende[sn]?)\s+(?:quarter|quartal)\b|来期|来四半期|次の四半期|trimestre\s+prochain|(?:próximo|siguiente)\s+trimestre",
            ),
            |_, base| next_quarter_start(base),
        ),
        // Q2, Q3 2027
        (
            r(r"\bq([1-4])(?:\s*(?:/|')?\s*(20\d\d|\d\d))?\b"),
            |c, base| {
                let q: i8 = c.get(1)?.as_str().parse().ok()?;
                let month = (q - 1) * 3 + 1;
                match c.get(2) {
                    Some(y) => {
                        let y: i16 = y.as_str().parse().ok()?;
                        Date::new(if y < 100 { 2000 + y } else { y }, month, 1).ok()
                    }
                    None => next_day_of_year(base, month, 1),
                }
            },
        ),
        // Next year / 来年 / nächstes Jahr / l'année prochaine / el próximo año
        (
            r(
                r"\bnext\s+year\b|\bnächste[sn]?\s+jahr|\bkommende[sn]?\s+jahr|\bl'(?:année|an)\s+prochaine?|\bel\s+(?:próximo\s+año|año\s+que\s+viene)|来年|来年度|年明け|\bnew\s+year\b|\bneuen\s+jahr",
            ),
            |_, base| Date::new(base.year() + 1, 1, 1).ok(),
        ),
        // Next month / 来月
        (
            r(
                r"\bnext\s+month\b|\bnächsten\s+monat|\ble\s+mois\s+prochain|\bel\s+(?:próximo|mes\s+que\s+viene)\s*mes?|来月",
            ),
            |_, base| {
                let first = base.first_of_month();
                first.checked_add(1.month()).ok()
            },
        ),
        (
            r(
                r"\bnext\s+week\b|\bnächste\s+woche|\bla\s+semaine\s+prochaine|\bla\s+próxima\s+semana|来週",
            ),
            |_, base| base.checked_add(7.days()).ok(),
        ),
        // "in January", "after March", "im Januar", "en janvier", "en enero", "1月"
        (
            r(
                r"\b(in|im|ab|by|until|around|early|mid|late|after|nach|en|à\s+partir\s+de|a\s+partir\s+de|después\s+de|desde|from|starting)\s+(?:early\s+|mid-?\s*|late\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|jan|feb|sept?|oct|nov|dec)\b|(\d{1,2}月)(?:頃|ごろ|以降|に|から|中旬|下旬|上旬)",
            ),
            |c, base| {
                let (prep, word) = match c.get(3) {
                    Some(m) => ("in", m.as_str()),
                    None => (c.get(1)?.as_str(), c.get(2)?.as_str()),
                };
                let mut month = month_number(word)?;
                if matches!(prep, "after" | "nach" | "después de") {
                    month = month % 12 + 1;
                }
                next_day_of_year(base, month, 1)
            },
        ),
    ]
});

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        revisit_date(text, Date::new(2026, 11, 20).unwrap())
    }

    #[test]
    fn stated_times_become_dates() {
        assert_eq!(
            at("Can you follow up after the summer?").as_deref(),
            Some("2027-09-01")
        );
        assert_eq!(
            at("Let's talk in the spring.").as_deref(),
            Some("2027-03-01")
        );
        assert_eq!(
            at("Try again in about a year").as_deref(),
            Some("2027-11-20")
        );
        assert_eq!(at("maybe next quarter").as_deref(), Some("2027-01-01"));
        assert_eq!(at("ping me in 3 months").as_deref(), Some("2027-02-20"));
        assert_eq!(at("we budget in January").as_deref(), Some("2027-01-01"));
        assert_eq!(at("Q2 works better").as_deref(), Some("2027-04-01"));
        assert_eq!(at("来年またご連絡ください").as_deref(), Some("2027-01-01"));
        assert_eq!(at("3ヶ月後にもう一度").as_deref(), Some("2027-02-20"));
        assert_eq!(
            at("Bitte nächstes Jahr wieder").as_deref(),
            Some("2027-01-01")
        );
        assert_eq!(
            at("Melden Sie sich im Frühjahr").as_deref(),
            Some("2027-03-01")
        );
        assert_eq!(at("nothing stated"), None);
    }
}
