//! The [`words`](super::words) tables compiled once into regexes and lookup
//! maps. Every alternation lists its words longest first, so "in the next"
//! wins over "in"; all matching is linear-time.

use std::collections::HashMap;

use once_cell::sync::Lazy;
use regex::Regex;

use super::words::{self, LANGS, Lang, Part, Phrase, Post, Prep, Script};

/// Everything compiled once from the [`words`] tables.
pub(super) struct Matchers {
    pub(super) phrases: Regex,
    pub(super) phrase_kinds: HashMap<&'static str, Phrase>,
    pub(super) field_first_words: Vec<&'static str>,
    pub(super) numbers: HashMap<&'static str, f64>,
    pub(super) units: HashMap<&'static str, f64>,
    pub(super) pre: HashMap<&'static str, Prep>,
    pub(super) post: HashMap<&'static str, Post>,
    /// One duration matcher per script of the spaced languages.
    pub(super) windows: Vec<(Script, Regex)>,
    /// A unit with no number before it ("в течение месяца", "before Friday").
    pub(super) lone_window: Regex,
    /// Every lone unit in one automaton: the lone-unit prefilter.
    pub(super) lone_words: aho_corasick::AhoCorasick,
    /// Season and month words whose ending says the part ("весной").
    pub(super) case_parts: HashMap<&'static str, Part>,
    pub(super) cjk_window: Regex,
    pub(super) seasons: HashMap<&'static str, u32>,
    /// Every key of `seasons` in one automaton: the season prefilter.
    pub(super) season_words: aho_corasick::AhoCorasick,
    pub(super) season: Regex,
    pub(super) months: HashMap<&'static str, u32>,
    pub(super) month: Regex,
    pub(super) cjk_month: Regex,
    pub(super) cjk_month_markers: HashMap<&'static str, Part>,
    pub(super) cjk_numerals: HashMap<&'static str, u32>,
    pub(super) parts: HashMap<&'static str, Part>,
    pub(super) quarter: Regex,
    pub(super) quarter_ordinals: HashMap<&'static str, u32>,
    pub(super) year: Regex,
}

/// An alternation of literal words, longest first (so the regex prefers
/// "in the next" over "in"), each escaped.
fn alternation<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut all: Vec<&str> = words.filter(|w| !w.is_empty()).collect();
    all.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    all.dedup();
    all.iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|")
}

/// A word → value map over the languages; the first language wins a
/// shared spelling.
fn table<V: Copy + 'static>(
    langs: &[&'static Lang],
    pick: impl Fn(&'static Lang) -> &'static [(&'static str, V)],
) -> HashMap<&'static str, V> {
    let mut map = HashMap::new();
    for lang in langs {
        for (word, value) in pick(lang) {
            map.entry(*word).or_insert(*value);
        }
    }
    map
}

/// The words after a duration that the spaced matchers read (words, not
/// signs like "+", which the pattern reads itself).
fn post_words(l: &'static Lang) -> Vec<&'static str> {
    l.post
        .iter()
        .map(|(w, _)| *w)
        .filter(|w| w.chars().all(|c| c.is_alphanumeric() || c == ' '))
        .collect()
}

fn build() -> Matchers {
    let spaced: Vec<&'static Lang> = LANGS
        .iter()
        .copied()
        .filter(|l| !words::unspaced(l))
        .collect();
    let unspaced: Vec<&'static Lang> = LANGS
        .iter()
        .copied()
        .filter(|l| words::unspaced(l))
        .collect();
    let words_of = |langs: &[&'static Lang], pick: fn(&'static Lang) -> Vec<&'static str>| {
        alternation(langs.iter().flat_map(|l| pick(l)))
    };
    let phrase_kinds = table(LANGS, |l| l.phrases);
    let phrases = Regex::new(&alternation(phrase_kinds.keys().copied())).expect("phrase table");

    let num = |langs: &[&'static Lang]| {
        format!(
            r"\d+(?:[.,]\d+)?|{}",
            words_of(langs, |l| l.numbers.iter().map(|(w, _)| *w).collect())
        )
    };
    let window_of = |langs: &[&'static Lang]| {
        let num = num(langs);
        let pre = words_of(langs, |l| l.pre.iter().map(|(w, _)| *w).collect());
        let joiners = words_of(langs, |l| l.joiners.to_vec());
        let next_adj = words_of(langs, |l| l.next_adjectives.to_vec());
        let units = words_of(langs, |l| l.units.iter().map(|(w, _)| *w).collect());
        let post = words_of(langs, post_words);
        // An empty alternation would match anywhere: a language group
        // without next-adjectives gets a group that never matches.
        let next_adj = if next_adj.is_empty() {
            r"[^\s\S]".to_string()
        } else {
            next_adj
        };
        let post = if post.is_empty() {
            r"[^\s\S]".to_string()
        } else {
            post
        };
        Regex::new(&format!(
            r"(?:\b(?P<pre>{pre})\s+)?\b(?P<a>{num})(?:\s*(?:{joiners})\s*(?P<b>{num}))?\s*(?P<plus>\+)?\s*(?:(?:{next_adj})\s+)?(?P<unit>{units})\b(?P<plus2>\s*\+)?(?:\s+(?P<post>{post})\b)?"
        ))
        .expect("window tables")
    };
    let windows = Script::ALL
        .iter()
        .map(|script| {
            let langs: Vec<&'static Lang> = spaced
                .iter()
                .copied()
                .filter(|l| Script::of(l) == *script)
                .collect();
            (*script, window_of(&langs))
        })
        .collect();
    let pre = words_of(&spaced, |l| l.pre.iter().map(|(w, _)| *w).collect());
    let post = words_of(&spaced, post_words);
    let lone = words_of(&spaced, |l| l.lone_units.iter().map(|(w, _)| *w).collect());
    let lone_window = Regex::new(&format!(
        r"(?:\b(?P<pre>{pre})\s+)?\b(?P<unit>{lone})\b(?:\s+(?P<post>{post})\b)?"
    ))
    .expect("lone unit tables");

    let cjk_num = num(&unspaced);
    let cjk_pre = words_of(&unspaced, |l| l.pre.iter().map(|(w, _)| *w).collect());
    let cjk_joiners = words_of(&unspaced, |l| l.joiners.to_vec());
    let cjk_units = words_of(&unspaced, |l| l.units.iter().map(|(w, _)| *w).collect());
    let cjk_post = words_of(&unspaced, |l| l.post.iter().map(|(w, _)| *w).collect());
    let cjk_window = Regex::new(&format!(
        r"(?:(?P<pre>{cjk_pre})\s*)?(?P<a>{cjk_num})\s*(?:(?:{cjk_joiners})\s*(?P<b>{cjk_num})\s*)?(?P<unit>{cjk_units})\s*(?P<post>{cjk_post})?"
    ))
    .expect("cjk window tables");

    let parts = words_of(&spaced, |l| l.parts.iter().map(|(w, _)| *w).collect());
    let cjk_parts = words_of(&unspaced, |l| l.parts.iter().map(|(w, _)| *w).collect());
    let seasons = words_of(&spaced, |l| l.seasons.iter().map(|(w, _)| *w).collect());
    let cjk_seasons = words_of(&unspaced, |l| l.seasons.iter().map(|(w, _)| *w).collect());
    let next_after = words_of(LANGS, |l| l.next_after.to_vec());
    let season = Regex::new(&format!(
        r"(?:\b(?P<p1>{parts})\s*)?(?:\b(?P<p2>{parts})\s*)?(?:\b(?P<season>{seasons})\b|(?:(?P<cp>{cjk_parts})\s*)?(?P<cseason>{cjk_seasons}))(?:\s+(?P<year>20\d\d)\b)?(?:\s+(?P<next>{next_after})\b)?"
    ))
    .expect("season tables");

    let months = words_of(&spaced, |l| l.months.iter().map(|(w, _)| *w).collect());
    let month = Regex::new(&format!(
        r"(?:\b(?P<p1>{parts})\s*)?(?:\b(?P<p2>{parts})\s*)?(?:\b(?P<day0>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+|of\s+)?)?\b(?P<month>{months})\b\.?(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b,?)?(?:\s+(?:of\s+|de\s+|del\s+|di\s+|van\s+)?(?P<year>20\d\d)\b)?(?:\s+(?P<next>{next_after})\b)?"
    ))
    .expect("month tables");
    let numerals = alternation(words::CJK_MONTH_NUMERALS.iter().map(|(w, _)| *w));
    let suffixes = alternation(words::CJK_MONTH_SUFFIXES.iter().copied());
    let markers = alternation(words::CJK_MONTH_MARKERS.iter().map(|(w, _)| *w));
    let cjk_month = Regex::new(&format!(
        r"(?:(?P<year>20\d\d)\s*(?:年|년)\s*)?(?P<num>\d{{1,2}}|{numerals})\s*(?:{suffixes})\s*(?P<marker>{markers})?"
    ))
    .expect("cjk month tables");

    let ordinals = alternation(words::QUARTER_ORDINALS.iter().map(|(w, _)| *w));
    let qwords = alternation(words::QUARTER_WORDS.iter().copied());
    let quarter = Regex::new(&format!(
        r"(?:\b(?P<p1>{parts})\s*)?(?:\b(?P<p2>{parts})\s*)?(?:(?P<y1>20\d\d)\s*-?\s*)?(?:\bq(?P<q>[1-4])\b|\b(?P<ord>{ordinals})\s*(?:{qwords})\b|(?:第\s*)?(?P<cq>[1-4一二三四])\s*(?:四半期|분기|季度))(?:\s*(?:of\s+|de\s+|del\s+|di\s+|van\s+)?(?P<year>20\d\d))?"
    ))
    .expect("quarter tables");
    let year = Regex::new(&format!(
        r"(?:\b(?P<p1>{parts})\s*)?(?:\b(?P<p2>{parts})\s*)?\b(?P<year>20\d\d)(?:\b|年|년)"
    ))
    .expect("year tables");

    let mut all_parts = table(LANGS, |l| l.parts);
    for (w, p) in words::CJK_MONTH_MARKERS {
        all_parts.entry(*w).or_insert(*p);
    }
    Matchers {
        phrases,
        phrase_kinds,
        field_first_words: LANGS
            .iter()
            .flat_map(|l| l.field_first_words.iter().copied())
            .collect(),
        numbers: table(LANGS, |l| l.numbers),
        units: {
            let mut units = table(LANGS, |l| l.units);
            for (w, m) in table(LANGS, |l| l.lone_units) {
                units.entry(w).or_insert(m);
            }
            units
        },
        pre: table(LANGS, |l| l.pre),
        post: table(LANGS, |l| l.post),
        windows,
        lone_window,
        lone_words: aho_corasick::AhoCorasick::new(table(LANGS, |l| l.lone_units).keys())
            .expect("lone unit words"),
        case_parts: table(LANGS, |l| l.case_parts),
        cjk_window,
        seasons: table(LANGS, |l| l.seasons),
        season_words: aho_corasick::AhoCorasick::new(table(LANGS, |l| l.seasons).keys())
            .expect("season words"),
        season,
        months: table(LANGS, |l| l.months),
        month,
        cjk_month,
        cjk_month_markers: words::CJK_MONTH_MARKERS.iter().copied().collect(),
        cjk_numerals: words::CJK_MONTH_NUMERALS.iter().copied().collect(),
        parts: all_parts,
        quarter,
        quarter_ordinals: words::QUARTER_ORDINALS.iter().copied().collect(),
        year,
    }
}

pub(super) static M: Lazy<Matchers> = Lazy::new(build);
