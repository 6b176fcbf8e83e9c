//! Intent of a reply: phrase categories read from the per-language tables
//! in [`super::intent_phrases`] (EN, DE, FR, ES, IT, PT, NL, JA, KO, ZH, PL,
//! SV, TR, DA/NO, FI, CS, RU, EL, AR, HE, HU, ID/MS, TH, UK, RO, VI), negation
//! by meaning, then a precedence resolution (DESIGN.md):
//!
//! 1. `unsubscribe` — "nice product, but take me off your list" (but "please
//!    don't take me off the list" is no unsubscribe);
//! 2. `referral` — someone else, not the sender, is named to handle it;
//! 3. `interested` when it is a decision or a next step ("We'd like to go
//!    ahead. When can you start?") — it beats a trailing question;
//! 4. `question` — a real question ("Not ready yet, but what would it
//!    cost?"), unless it only asks for something another intent covers
//!    ("can you follow up after the summer?" is `not_now`);
//! 5. `not_now` — beats interest and refusal ("not interested right now");
//! 6. `interested` vs `not_interested` — the stronger, the clause after a
//!    "but" weighing more.
//!
//! Negation is scoped to its clause: a negator among the last few words
//! before a phrase, with no clause break ("," "—" "but" "and" …) between,
//! flips it; two negators cancel ("I wouldn't say we're not interested").
//! Fixed expressions with their own negator ("wouldn't say no", "not yet")
//! are matched first and masked so they flip nothing else.
//!
//! Every reading carries a confidence; below [`MIN_CONFIDENCE`] the intent
//! is withheld (`None`) rather than guessed.

use once_cell::sync::Lazy;
use regex::Regex;

use super::intent_phrases::{LANGS, Lang};
use super::revisit;
use crate::understand::Intent;

/// Below this confidence no intent is given.
pub const MIN_CONFIDENCE: f32 = 0.5;

/// How many words before a phrase a negator may stand.
const NEGATION_WINDOW_WORDS: usize = 4;

/// A confidence in hundredths (0..=100), printed as a number 0..1. Kept as
/// an integer so understandings stay comparable (`Eq`) and stable when stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Confidence(u8);

impl Confidence {
    /// From a share 0..1 (clamped; NaN reads as 0).
    pub fn new(share: f32) -> Self {
        let v = if share.is_nan() {
            0.0
        } else {
            share.clamp(0.0, 1.0)
        };
        Confidence((v * 100.0).round() as u8)
    }

    /// The share, 0..1.
    pub fn get(self) -> f32 {
        f32::from(self.0) / 100.0
    }
}

impl serde::Serialize for Confidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Two decimals exactly: 0.55, not 0.550000011920929.
        s.serialize_f64(f64::from(self.0) / 100.0)
    }
}

impl<'de> serde::Deserialize<'de> for Confidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Ok(Confidence::new(v as f32))
    }
}

/// What the intent reader found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntentReading {
    pub intent: Option<Intent>,
    /// How sure the reading is of its best candidate (0..1); 0 when nothing
    /// pointed anywhere. Below [`MIN_CONFIDENCE`], `intent` is `None`.
    pub confidence: f32,
    /// The phrases that decided the intent (or the withheld candidate).
    pub phrases: Vec<String>,
    pub referral_email: Option<String>,
    pub referral_name: Option<String>,
    /// For `not_now`: when to come back (ISO date), if stated.
    pub revisit: Option<String>,
}

/// A phrase category of the tables and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    IdiomInterested,
    IdiomNotNow,
    Unsubscribe,
    Referral,
    Question,
    NotNow,
    NotInterested,
    InterestedStrong,
    Interested,
    InterestedSoft,
}

/// What a hit counts as: the intent, its weight and whether it is a
/// decision ("go ahead") rather than a leaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Meaning {
    intent: Intent,
    weight: i32,
    strong: bool,
}

const fn meaning(intent: Intent, weight: i32, strong: bool) -> Option<Meaning> {
    Some(Meaning {
        intent,
        weight,
        strong,
    })
}

impl Category {
    const ALL: [Category; 10] = [
        Category::IdiomInterested,
        Category::IdiomNotNow,
        Category::Unsubscribe,
        Category::Referral,
        Category::Question,
        Category::NotNow,
        Category::NotInterested,
        Category::InterestedStrong,
        Category::Interested,
        Category::InterestedSoft,
    ];

    fn phrases(self, lang: &Lang) -> &'static [&'static str] {
        match self {
            Category::IdiomInterested => lang.idioms_interested,
            Category::IdiomNotNow => lang.idioms_not_now,
            Category::Unsubscribe => lang.unsubscribe,
            Category::Referral => lang.referral,
            Category::Question => lang.question,
            Category::NotNow => lang.not_now,
            Category::NotInterested => lang.not_interested,
            Category::InterestedStrong => lang.interested_strong,
            Category::Interested => lang.interested,
            Category::InterestedSoft => lang.interested_soft,
        }
    }

    /// The meaning of a plain hit.
    fn plain(self) -> Option<Meaning> {
        use Intent::*;
        match self {
            Category::IdiomInterested => meaning(Interested, 3, false),
            Category::IdiomNotNow | Category::NotNow => meaning(NotNow, 4, false),
            Category::Unsubscribe => meaning(Unsubscribe, 6, true),
            Category::Referral => meaning(Referral, 4, false),
            Category::Question => meaning(Question, 3, false),
            Category::NotInterested => meaning(NotInterested, 3, false),
            Category::InterestedStrong => meaning(Interested, 4, true),
            Category::Interested => meaning(Interested, 2, false),
            Category::InterestedSoft => meaning(Interested, 1, false),
        }
    }

    /// The meaning of a negated hit: "not interested" is a refusal, "not
    /// uninterested" interest, "don't take me off the list" a wish to stay.
    /// `None`: the negation leaves nothing to count ("I don't know how much").
    fn negated(self) -> Option<Meaning> {
        use Intent::*;
        match self {
            Category::IdiomInterested | Category::IdiomNotNow => self.plain(),
            // "Please don't take me off the list": a wish to stay, which
            // is interest enough to decide alone.
            Category::Unsubscribe => meaning(Interested, 2, false),
            Category::Referral | Category::Question | Category::NotNow => None,
            Category::NotInterested => meaning(Interested, 2, false),
            Category::InterestedStrong | Category::Interested => meaning(NotInterested, 3, false),
            Category::InterestedSoft => meaning(NotInterested, 2, false),
        }
    }

    fn negatable(self) -> bool {
        !matches!(self, Category::IdiomInterested | Category::IdiomNotNow)
    }
}

/// The tables compiled: one matcher per category over all languages.
struct Matchers {
    categories: Vec<(Category, Regex)>,
    negator: Regex,
    negator_after: Regex,
    clause_break: Regex,
    contrast: Regex,
    temporal: Regex,
    /// A refusal that lasts: the temporal word beside it defers nothing.
    lasting: Regex,
    question_open: Regex,
    referral_verb: Regex,
    self_address: Regex,
    /// A request for the seller to act ("could you send …"): interest.
    request: Regex,
    /// Whole-word negators of scripts without ASCII word boundaries.
    negator_word: Regex,
    /// The writer's plan to act: dates beside it are no "not now".
    plan: Regex,
}

/// `(?-u:\b)(?:a)(?-u:\b)|…` for spaced languages, `(?:a)|…` otherwise.
/// Items are (spaced, fragment).
///
/// Word boundaries are ASCII, and only on a side where the fragment begins
/// (ends) with an ASCII letter: a Unicode `\b` stops the regex engine's DFA
/// on any non-ASCII text, which made these searches several times slower.
fn alternation(items: impl Iterator<Item = (bool, String)>) -> String {
    let out: Vec<String> = items
        .filter(|(_, frag)| !frag.is_empty())
        .map(|(spaced, frag)| {
            let (open, close) = if spaced {
                (
                    if edge_is_ascii_word(&frag, true) {
                        r"(?-u:\b)"
                    } else {
                        ""
                    },
                    if edge_is_ascii_word(&frag, false) {
                        r"(?-u:\b)"
                    } else {
                        ""
                    },
                )
            } else {
                ("", "")
            };
            format!("{open}(?:{frag}){close}")
        })
        .collect();
    if out.is_empty() {
        // An empty table matches nothing.
        return r"[^\s\S]".to_string();
    }
    out.join("|")
}

/// Whether a fragment's first (or last) literal character is an ASCII
/// letter or digit, looking through group openers and optional suffixes.
fn edge_is_ascii_word(frag: &str, leading: bool) -> bool {
    let mut f = frag;
    if leading {
        while let Some(rest) = f.strip_prefix("(?:").or_else(|| f.strip_prefix('(')) {
            f = rest;
        }
        f.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
    } else {
        loop {
            if let Some(t) = f.strip_suffix(['?', '*']) {
                // An optional last piece: the match may end on it or on what
                // stands before it ("intéressée?s?" may end in "é"), so both
                // must end in an ASCII word character.
                let (rest, piece) = t.split_at(last_piece_start(t));
                return edge_is_ascii_word(piece, false)
                    && (rest.is_empty() || edge_is_ascii_word(rest, false));
            }
            match f.strip_suffix(['+', ')']) {
                Some(t) => f = t,
                None => break,
            }
        }
        // "[oa]" classes and "\w" end in a word character too.
        f.ends_with(']')
            || f.ends_with("\\w")
            || f.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
    }
}

/// Where the last piece of a regex fragment starts: a group, a class, an
/// escape or one character.
fn last_piece_start(f: &str) -> usize {
    if f.ends_with(')') {
        let mut depth = 0usize;
        for (i, c) in f.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        return 0;
    }
    if f.ends_with(']') {
        return f.rfind('[').unwrap_or(0);
    }
    let last = f.char_indices().last().map_or(0, |(i, _)| i);
    if last > 0 && f[..last].ends_with('\\') {
        last - 1
    } else {
        last
    }
}

/// Plain words (not regex) of one table field, escaped, over all languages.
fn words(field: impl Fn(&Lang) -> &'static [&'static str]) -> String {
    alternation(
        LANGS
            .iter()
            .flat_map(|l| field(l).iter().map(move |w| (l.spaced, regex::escape(w)))),
    )
}

static MATCHERS: Lazy<Matchers> = Lazy::new(|| {
    let categories = Category::ALL
        .iter()
        .map(|&c| {
            let pattern = alternation(
                LANGS
                    .iter()
                    .flat_map(|l| c.phrases(l).iter().map(move |p| (l.spaced, p.to_string()))),
            );
            (c, Regex::new(&pattern).expect("intent phrase table"))
        })
        .collect::<Vec<_>>();
    // English "n't" attaches to any verb ("shan't", "needn't").
    let negator = format!(r"{}|n't(?-u:\b)", words(|l| l.negators));
    let negator_after = format!(
        r"^\s*(?:(?:{})\s+){{0,2}}(?:{})",
        words(|l| l.skip_before_negator_after),
        words(|l| l.negators_after)
    );
    let clause_break = format!(
        r"[,;:()\[\]—–]|\s-\s|{}|{}",
        words(|l| l.contrast),
        words(|l| l.clause_breaks)
    );
    let own_address = alternation(LANGS.iter().flat_map(|l| {
        l.self_addresses
            .iter()
            .map(move |p| (l.spaced, p.to_string()))
    }));
    let self_address = format!(
        r"(?:(?:{})\s*(?:(?:{})\s*)?|(?:{own_address})\s*)[:(<\[,]?\s*(?:mailto:)?$",
        words(|l| l.self_objects),
        words(|l| l.address_links)
    );
    Matchers {
        categories,
        negator: Regex::new(&negator).expect("negators"),
        negator_after: Regex::new(&negator_after).expect("negators after"),
        clause_break: Regex::new(&clause_break).expect("clause breaks"),
        contrast: Regex::new(&words(|l| l.contrast)).expect("contrast words"),
        temporal: Regex::new(&words(|l| l.temporal)).expect("temporal words"),
        lasting: Regex::new(&alternation(
            super::intent_phrases::LASTING
                .iter()
                .map(|w| (true, regex::escape(w))),
        ))
        .expect("lasting words"),
        question_open: Regex::new(&format!("^(?:{})", words(|l| l.question_marks)))
            .expect("question openers"),
        referral_verb: Regex::new(&words(|l| l.referral_verbs)).expect("referral verbs"),
        self_address: Regex::new(&self_address).expect("self objects"),
        request: Regex::new(&alternation(
            LANGS
                .iter()
                .flat_map(|l| l.requests.iter().map(move |p| (l.spaced, p.to_string()))),
        ))
        .expect("requests"),
        negator_word: Regex::new(&format!(
            "^(?:{})$",
            LANGS
                .iter()
                .flat_map(|l| l.negator_words.iter().map(|w| regex::escape(w)))
                .collect::<Vec<_>>()
                .join("|")
        ))
        .expect("negator words"),
        plan: Regex::new(&alternation(
            LANGS
                .iter()
                .flat_map(|l| l.plans.iter().map(move |p| (l.spaced, p.to_string()))),
        ))
        .expect("plans"),
    }
});

/// Reads the intent of the new reply text (quotes already stripped).
/// `senders` are the sender's own addresses (From, Reply-To): an address
/// equal to one of them is never a referral ("Email me at me@x.com").
pub fn read(text: &str, date: Option<&str>, senders: &[&str]) -> IntentReading {
    read_with(text, date, senders, 0)
}

/// [`read`] for a reply holding `answers` answers under quoted questions
/// ("> When would you like to start?" / "After the summer."): two or more
/// are a questionnaire answered, which is interest, and a time given as an
/// answer is the prospect's plan, not a wish to be contacted later (a
/// fixed "not now"/"not yet" still counts). Fewer read as [`read`].
pub fn read_answers(
    text: &str,
    date: Option<&str>,
    senders: &[&str],
    answers: usize,
) -> IntentReading {
    read_with(text, date, senders, answers)
}

fn read_with(text: &str, date: Option<&str>, senders: &[&str], answers: usize) -> IntentReading {
    let mut reading = IntentReading::default();
    let text = text.trim();
    if text.is_empty() {
        return reading;
    }
    // Bounded work: the first 8 KiB of new text carry the ask.
    let text = &text[..super::super::body::floor_char_boundary(text, 8 * 1024)];
    let mut lower = text.to_lowercase().replace(['’', '‘', '`'], "'");
    // Turkish "İ" lowercases to "i" plus a combining dot: drop the dot.
    if lower.contains('\u{307}') {
        lower = lower.replace('\u{307}', "");
    }

    let mut scores = Scores {
        answers_inline: answers >= 2,
        ..Scores::default()
    };
    for sentence in sentences(&lower) {
        score_sentence(sentence, &mut scores);
    }
    if scores.answers_inline {
        scores.add(
            Intent::Interested,
            2,
            false,
            "answers under quoted questions",
        );
    }
    let referral = find_referral(text, senders);
    if scores.get(Intent::Referral) == 0
        && let Some((Some(_), _, true)) = &referral
    {
        // "Please write to jane@…": the address after a hand-over verb.
        scores.add(Intent::Referral, 4, false, "address after a hand-over verb");
    }
    let referral = referral.map(|(email, name, _)| (email, name));

    let (intent, confidence) = resolve(&scores, referral.is_some());
    reading.confidence = (confidence * 100.0).round() / 100.0;
    let Some(intent) = intent else { return reading };
    reading.phrases = scores.phrases(intent);
    if reading.phrases.is_empty() && intent == Intent::Question {
        reading.phrases = scores.generic_questions.clone();
    }
    if confidence < MIN_CONFIDENCE {
        return reading;
    }
    reading.intent = Some(intent);
    if intent == Intent::Referral
        && let Some((email, name)) = referral
    {
        reading.referral_email = email;
        reading.referral_name = name;
    }
    if intent == Intent::NotNow {
        reading.revisit = revisit::revisit_date(text, revisit::base_date(date));
    }
    reading
}

/// The precedence by meaning, and how sure it is.
fn resolve(s: &Scores, has_referral_target: bool) -> (Option<Intent>, f32) {
    use Intent::*;
    let unsub = s.get(Unsubscribe);
    let interest = s.get(Interested);
    let refusal = s.get(NotInterested);
    let question = s.get(Question);
    let not_now = s.get(NotNow);
    let strong_interest = s.strong(Interested);
    // Interest against refusal: the share of the winning side.
    let share = |support: i32, against: i32| support as f32 / (support + against).max(1) as f32;
    let evidence = |intent: Intent| 0.6 + 0.1 * (s.count(intent).saturating_sub(1).min(3) as f32);
    if unsub > 0 {
        // A wish to stay written next to it makes it doubtful.
        return (
            Some(Unsubscribe),
            0.95 * (0.5 + share(unsub, interest) / 2.0),
        );
    }
    if s.get(Referral) > 0 && has_referral_target {
        return (Some(Referral), 0.8);
    }
    if strong_interest > 0 && not_now == 0 && strong_interest >= refusal {
        return (
            Some(Interested),
            (0.75 + 0.05 * s.count(Interested) as f32).min(0.95)
                * (0.5 + share(interest, refusal) / 2.0),
        );
    }
    if question > 0 && question > refusal {
        return (Some(Question), evidence(Question).max(0.7));
    }
    if s.requests > 0 && not_now > 0 && refusal == 0 {
        return (Some(Question), 0.7);
    }
    if not_now > 0 {
        return (Some(NotNow), evidence(NotNow).max(0.75));
    }
    if interest > 0 || refusal > 0 {
        let (intent, support, against) = if interest > refusal {
            (Interested, interest, refusal)
        } else {
            (NotInterested, refusal, interest)
        };
        // A lone soft word ("interesting") leans but does not decide.
        let base = if support <= 1 { 0.45 } else { evidence(intent) };
        return (Some(intent), base * (0.5 + share(support, against) / 2.0));
    }
    if !s.generic_questions.is_empty() {
        return (Some(Question), 0.55);
    }
    (None, 0.0)
}

#[derive(Default)]
struct Scores {
    /// (intent, weight, strong, phrase)
    hits: Vec<(Intent, i32, bool, String)>,
    /// Sentences that are questions only by their question mark: they
    /// decide only when nothing else does ("Thursday afternoon?" after
    /// "I'd love a demo" is interest).
    generic_questions: Vec<String>,
    /// Sentences that ask the seller to act ("could you send pricing for
    /// 40 seats?"): counted as strong interest, and as a question when a
    /// "not now" stands beside them ("Not ready yet, but what would it
    /// cost?" is a question, DESIGN.md).
    requests: usize,
    /// The text answers quoted questions: dates in it are plans.
    answers_inline: bool,
}

impl Scores {
    fn add(&mut self, intent: Intent, weight: i32, strong: bool, phrase: &str) {
        self.hits
            .push((intent, weight, strong, phrase.trim().to_string()));
    }
    fn get(&self, intent: Intent) -> i32 {
        self.hits
            .iter()
            .filter(|(i, ..)| *i == intent)
            .map(|(_, w, ..)| w)
            .sum()
    }
    fn strong(&self, intent: Intent) -> i32 {
        self.hits
            .iter()
            .filter(|(i, _, strong, _)| *i == intent && *strong)
            .map(|(_, w, ..)| w)
            .sum()
    }
    fn count(&self, intent: Intent) -> usize {
        self.hits.iter().filter(|(i, ..)| *i == intent).count()
    }
    fn phrases(&self, intent: Intent) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, _, _, p) in &self.hits {
            if *i == intent && !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }
}

/// Sentences with their terminator kept, so questions can be told.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(
            c,
            '.' | '!' | '?' | '\n' | '。' | '！' | '？' | ';' | '؟' | '\u{37e}'
        ) {
            let end = i + c.len_utf8();
            // "e.g." / "3.5" / "Dr." are not sentence ends.
            let next = text[end..].chars().next();
            if c == '.' && next.is_some_and(|n| !n.is_whitespace()) {
                continue;
            }
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .collect()
}

fn is_question(sentence: &str) -> bool {
    static JA_Q: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"(?:ですか|ますか|でしょうか|ませんか|か)[。？?]?$").unwrap());
    sentence.ends_with(['?', '？', '؟', '\u{37e}'])
        // Greek writes its question mark as a semicolon.
        || (sentence.ends_with(';') && sentence.chars().any(|c| ('\u{370}'..='\u{3ff}').contains(&c)))
        || MATCHERS.question_open.is_match(sentence)
        || JA_Q.is_match(sentence)
}

fn score_sentence(sentence: &str, scores: &mut Scores) {
    let m = &*MATCHERS;
    // Work on a copy where matched idioms are blanked out (same byte
    // length, ASCII spaces, so offsets stay valid): the negator inside an
    // idiom flips nothing after it. Other phrases stay, so "don't want" is a
    // refusal and still negates the "move forward" after it.
    let mut work = sentence.to_string();
    let mut other_hit = false;
    let mut explicit_question = false;
    let mut refusal_here = false;
    let contrast_at = m.contrast.find(sentence).map(|c| c.start());
    // A request for us to act is interest; the question form ("could you
    // send pricing for 40 seats?") and a priced noun inside it ("pricing
    // for") do not make it a question.
    let request = m.request.find(sentence);
    // "We'd start in January": the date is when they buy, not a deferral.
    // Read only when a "not now" phrase is found: most sentences have none.
    let mut plan_here: Option<bool> = None;
    // Ranges already counted: an overlapping later phrase ("demo" inside
    // "schedule a demo") counts no more.
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for (category, re) in &m.categories {
        let mut masks = Vec::new();
        for hit in re.find_iter(&work) {
            if taken
                .iter()
                .any(|t| t.start < hit.end() && hit.start() < t.end)
            {
                continue;
            }
            let negations = if category.negatable() {
                negators_before(&work[..hit.start()])
                    + usize::from(m.negator_after.is_match(&work[hit.end()..]))
            } else {
                0
            };
            let meaning = if negations % 2 == 1 {
                category.negated()
            } else {
                category.plain()
            };
            if category.negatable() {
                taken.push(hit.range());
            } else {
                masks.push(hit.range());
            }
            let Some(meaning) = meaning else { continue };
            if request.is_some() && meaning.intent == Intent::Question {
                continue;
            }
            if *category == Category::NotNow
                && (scores.answers_inline
                    || *plan_here.get_or_insert_with(|| m.plan.is_match(sentence)))
            {
                continue;
            }
            // The clause after a "but" carries the point.
            let weight = if contrast_at.is_some_and(|c| c < hit.start()) {
                meaning.weight * 3 / 2
            } else {
                meaning.weight
            };
            let phrase = if negations % 2 == 1 {
                negated_phrase(&work, hit.start(), hit.end())
            } else {
                hit.as_str().to_string()
            };
            scores.add(meaning.intent, weight, meaning.strong, &phrase);
            match meaning.intent {
                Intent::Question => explicit_question = true,
                Intent::NotInterested => {
                    refusal_here = true;
                    other_hit = true;
                }
                Intent::Interested if *category == Category::InterestedSoft => {}
                _ => other_hit = true,
            }
        }
        for r in masks {
            work.replace_range(r.clone(), &" ".repeat(r.len()));
        }
    }
    if let Some(r) = request
        && !refusal_here
    {
        scores.add(Intent::Interested, 3, true, r.as_str());
        scores.requests += 1;
        other_hit = true;
    }
    // "Not interested right now" is a "not now".
    if refusal_here
        && let Some(t) = m.temporal.find(sentence)
        && !m.lasting.is_match(sentence)
    {
        scores.add(Intent::NotNow, 4, false, t.as_str());
    }
    // A question that asks for nothing another rule covers is a question.
    if is_question(sentence) && !explicit_question && !other_hit {
        let phrase: String = sentence.chars().take(80).collect();
        scores.generic_questions.push(phrase);
    }
}

/// How many negators stand among the last few words of the clause before a
/// phrase. Clause breaks (punctuation, "but", "and" …) end the search.
fn negators_before(before: &str) -> usize {
    let m = &*MATCHERS;
    let clause = clause_tail(before);
    let words: Vec<&str> = clause.split_whitespace().collect();
    words[words.len().saturating_sub(NEGATION_WINDOW_WORDS)..]
        .iter()
        .map(|w| {
            m.negator.find_iter(w).count()
                + usize::from(
                    m.negator_word
                        .is_match(w.trim_matches(|c: char| !c.is_alphanumeric())),
                )
        })
        .sum()
}

/// The part of `before` after its last clause break (at most 64 bytes).
fn clause_tail(before: &str) -> &str {
    let start = super::super::body::floor_char_boundary(before, before.len().saturating_sub(64));
    let clause = &before[start..];
    match MATCHERS.clause_break.find_iter(clause).last() {
        Some(b) => &clause[b.end()..],
        None => clause,
    }
}

/// "not interested" rather than just "interested", for the explanation.
fn negated_phrase(work: &str, start: usize, end: usize) -> String {
    let clause = clause_tail(&work[..start]);
    let clause_start = start - clause.len();
    let from = MATCHERS
        .negator
        .find(clause)
        .map_or(start, |n| clause_start + n.start());
    let to = MATCHERS
        .negator_after
        .find(&work[end..])
        .map_or(end, |n| end + n.end());
    work[from..to]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The person the reply hands over to: (email, name, an address follows a
/// hand-over verb). Addresses of the sender, or written after a self-object
/// ("email me at …"), are not hand-overs; copied people ("cc", "FYI") lose
/// to the one named to decide.
fn find_referral(text: &str, senders: &[&str]) -> Option<(Option<String>, Option<String>, bool)> {
    static EMAIL: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").unwrap());
    static GOOD: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)contact|reach|get in touch|talk|speak|write|email (?:her|him|them)|decid|decision|responsible|in charge|handles|handling|right person|best person|owns|zuständig|entscheid|ansprechpartner|wenden|kontaktier|担当|決裁|責任者|ご連絡|窓口|contactez|responsable|décide|interlocuteur|contacte|encarga|decide|persona adecuada|contatt|responsabil|persona giusta|fale com|pessoa certa|neem contact|verantwoordelijk|beslist|juiste persoon|escrib|scriv|schrijf|escrev|занимается|отвечает|решает|свяжитесь|обратитесь|řeší|rozhoduje|obraťte|kontaktujte|na starosti|υπεύθυν|αποφασίζει|επικοινωνήστε|المسؤول|تواصلوا|אחראי|פנו|ansvarlig|bestemmer|kontakt|vastaa|päättää|ottakaa yhteyttä").unwrap()
    });
    static PASSING: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)\bcc\b|cc'?d|\bcopied\b|\bcopying\b|in copy|\bfyi\b|in kopie|\bkopie\b|en copie|con copia|en copia|em cópia|in copia|in cc|asistente|assistente|assistent(?:in)?|ccに|ccで|\bcc:|also (?:sent|forwarded)|\bassistant\b|\bsecretary\b").unwrap()
    });
    let is_sender = |email: &str| senders.iter().any(|s| s.eq_ignore_ascii_case(email));
    let mut best: Option<(i32, usize, String, bool)> = None;
    let mut others = 0;
    for m in EMAIL.find_iter(text).take(20) {
        if is_sender(m.as_str()) {
            continue;
        }
        let (s, e) = sentence_bounds(text, m.start(), m.end());
        // The clause of this address: not past a neighbouring address, so
        // "cc'd my assistant a@…, but b@… decides" scores each on its own.
        let s = EMAIL
            .find_iter(&text[s..m.start()])
            .last()
            .map_or(s, |p| s + p.end());
        let e = EMAIL
            .find(&text[m.end()..e])
            .map_or(e, |n| m.end() + n.start());
        let before = &text[s..m.start()];
        let lower_before = before.to_lowercase();
        // "Email me at …" / "reach us on …": the writer's own address.
        if MATCHERS.self_address.is_match(&lower_before) {
            continue;
        }
        others += 1;
        let sentence = &text[s..e];
        let mut score = GOOD.find_iter(sentence).count() as i32 * 2;
        let after_verb = MATCHERS.referral_verb.is_match(&lower_before);
        if PASSING.is_match(sentence) {
            score -= 3;
        }
        if best.as_ref().is_none_or(|(b, ..)| score > *b) {
            best = Some((
                score,
                m.start(),
                m.as_str().to_string(),
                after_verb && score > 0,
            ));
        }
    }
    match best {
        Some((score, at, email, after_verb)) if score > 0 || others == 1 => {
            let name = name_before(&text[..at]).or_else(|| colleague_name(text));
            Some((Some(email.to_lowercase()), name, after_verb))
        }
        _ => colleague_name(text).map(|n| (None, Some(n), false)),
    }
}

/// The sentence around a byte range: bounded by `.!?\n。` (not inside addresses).
fn sentence_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_end = |c: char, next: Option<char>| {
        matches!(c, '!' | '?' | '\n' | '。' | '？' | '！')
            || (c == '.' && next.is_none_or(char::is_whitespace))
    };
    let before = &text[..start];
    let mut s = 0;
    let mut prev_chars = before.char_indices().peekable();
    while let Some((i, c)) = prev_chars.next() {
        let next = prev_chars.peek().map(|(_, n)| *n);
        if is_end(c, next) {
            s = i + c.len_utf8();
        }
    }
    let after = &text[end..];
    let mut e = text.len();
    let mut chars = after.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        if is_end(c, next) {
            e = end + i;
            break;
        }
    }
    (s, e)
}

/// "Jane Doe (jane@…", "Jane Doe <jane@…", "Jane Doe at jane@…", "佐藤（sato@…".
pub(crate) fn name_before(before: &str) -> Option<String> {
    static LATIN: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(\p{Lu}[\p{Ll}'\-]+(?:\s\p{Lu}[\p{Ll}'\-]+){0,2})\s*(?:\(|<|\[|,|:|-|–|\bat\b|\bunter\b|\bà\b|\ben\b|\ba\b|\bvia\b|\bon\b)?\s*(?:mailto:)?$").unwrap()
    });
    static CJK: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"([\p{Han}\p{Katakana}]{1,4}(?:[\s　][\p{Han}\p{Katakana}\p{Hiragana}]{1,4})?)(?:さん|様|氏)?(?:まで)?\s*[（(<＜:：]?\s*$").unwrap()
    });
    const NOT_NAMES: &[&str] = &[
        "Please", "Contact", "Email", "Mail", "Her", "Him", "Them", "Or", "And", "At", "Thanks",
        "Hi", "Hello", "Bitte", "Sie", "Merci", "Gracias", "Reach", "Write",
    ];
    let start = super::super::body::floor_char_boundary(before, before.len().saturating_sub(80));
    let tail = &before[start..];
    let tail = &tail[tail.char_indices().next().map_or(0, |(i, _)| i)..];
    if let Some(c) = LATIN.captures(tail) {
        let name = c.get(1)?.as_str().trim();
        let words: Vec<&str> = name
            .split_whitespace()
            .filter(|w| !NOT_NAMES.contains(w))
            .collect();
        if !words.is_empty() {
            return Some(words.join(" "));
        }
    }
    CJK.captures(tail)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
        .filter(|n| !n.is_empty())
}

/// "my colleague Jane Doe", "meine Kollegin Anna Berg", "担当の佐藤".
fn colleague_name(text: &str) -> Option<String> {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i:colleague|coworker|co-worker|kollege|kollegin|collègue|colega|collega|compañer[oa]|manager|boss|chef|chefin)\s*,?\s+(\p{Lu}[\p{Ll}'\-]+(?:\s\p{Lu}[\p{Ll}'\-]+)?)|担当の([\p{Han}\p{Katakana}]{1,4})").unwrap()
    });
    let c = RE.captures(text)?;
    c.get(1)
        .or_else(|| c.get(2))
        .map(|m| m.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn intent(text: &str) -> Option<Intent> {
        read(
            text,
            Some("2026-11-20T10:00:00+00:00"),
            &["sam@customer.example"],
        )
        .intent
    }

    #[test]
    fn precedence_follows_meaning() {
        assert_eq!(
            intent("Not ready yet, but what would it cost?"),
            Some(Intent::Question)
        );
        assert_eq!(
            intent("Can you follow up after the summer?"),
            Some(Intent::NotNow)
        );
        assert_eq!(
            intent("can you follow up after the summer"),
            Some(Intent::NotNow)
        );
        assert_eq!(
            intent("Nice product, but take me off your list."),
            Some(Intent::Unsubscribe)
        );
        assert_eq!(intent("We are not uninterested."), Some(Intent::Interested));
        assert_eq!(
            intent("I wouldn't say no to a demo."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Not interested, thanks."),
            Some(Intent::NotInterested)
        );
        assert_eq!(intent("Not interested right now."), Some(Intent::NotNow));
        assert_eq!(intent("Thanks for the note."), None);
    }

    #[test]
    fn negation_is_read_for_every_intent_within_its_clause() {
        assert_eq!(
            intent("Please don't take me off the list — we're interested."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("I wouldn't say we're not interested."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("We don't want to move forward with this."),
            Some(Intent::NotInterested)
        );
        // The negator of the first clause does not reach the second.
        assert_eq!(
            intent("We don't have a budget line yet, but we are interested and would like a demo."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Bitte nehmen Sie mich nicht aus dem Verteiler, das interessiert uns."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Das interessiert uns leider nicht."),
            Some(Intent::NotInterested)
        );
    }

    #[test]
    fn a_decision_beats_a_trailing_question() {
        assert_eq!(
            intent("We'd like to go ahead. When can you start?"),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Could you send us the contract? We want to get started."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Interesting. How much would it cost for two sites?"),
            Some(Intent::Question)
        );
    }

    #[test]
    fn the_senders_own_address_is_no_referral() {
        let r = read(
            "Email me at sam@customer.example and we can set something up.",
            None,
            &["sam@customer.example"],
        );
        assert_ne!(r.intent, Some(Intent::Referral));
        assert_eq!(r.referral_email, None);
        let r = read(
            "Sure, reach me at sam.private@home.example.",
            None,
            &["sam@customer.example"],
        );
        assert_ne!(r.intent, Some(Intent::Referral));
        let r = read(
            "Please write to olga.ries@customer.example, she decides on this.",
            None,
            &["sam@customer.example"],
        );
        assert_eq!(r.intent, Some(Intent::Referral));
        assert_eq!(
            r.referral_email.as_deref(),
            Some("olga.ries@customer.example")
        );
    }

    #[test]
    fn referral_names_the_decider_not_the_copied() {
        let r = read(
            "I've cc'd my assistant tom@northwind.example. The person who decides is Jane Roe (jane.roe@northwind.example), please contact her.",
            None,
            &[],
        );
        assert_eq!(r.intent, Some(Intent::Referral));
        assert_eq!(
            r.referral_email.as_deref(),
            Some("jane.roe@northwind.example")
        );
        assert_eq!(r.referral_name.as_deref(), Some("Jane Roe"));
    }

    #[test]
    fn unsure_readings_give_no_intent_but_a_confidence() {
        let r = read("Interesting.", None, &[]);
        assert_eq!(r.intent, None);
        assert!(r.confidence > 0.0 && r.confidence < MIN_CONFIDENCE);
        let r = read("Sounds good, but we already have a supplier.", None, &[]);
        assert_eq!(r.intent, Some(Intent::NotInterested));
        let r = read("Please unsubscribe me.", None, &[]);
        assert!(r.confidence >= 0.9, "{}", r.confidence);
        assert_eq!(read("Okay.", None, &[]).confidence, 0.0);
    }

    #[test]
    fn not_now_gets_a_revisit_date() {
        let r = read(
            "Please get back to us in the spring.",
            Some("2026-11-20T10:00:00+00:00"),
            &[],
        );
        assert_eq!(r.intent, Some(Intent::NotNow));
        assert_eq!(r.revisit.as_deref(), Some("2027-03-01"));
    }

    #[test]
    fn japanese_and_german_are_read() {
        assert_eq!(
            intent("お世話になっております。\n資料をお送りいただけますでしょうか。"),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("今回は見送らせていただきます。"),
            Some(Intent::NotInterested)
        );
        assert_eq!(intent("来年改めてご連絡ください。"), Some(Intent::NotNow));
        assert_eq!(
            intent("Wir haben kein Interesse."),
            Some(Intent::NotInterested)
        );
        assert_eq!(
            intent("Das klingt interessant, rufen Sie mich gerne an."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Bitte tragen Sie mich aus Ihrem Verteiler aus."),
            Some(Intent::Unsubscribe)
        );
    }

    #[test]
    fn french_spanish_italian_portuguese_dutch_are_read() {
        for (text, want) in [
            (
                "Ça nous intéresse, pouvez-vous nous envoyer un devis ?",
                Intent::Interested,
            ),
            (
                "Merci de me désinscrire de votre liste.",
                Intent::Unsubscribe,
            ),
            (
                "Pas pour le moment, recontactez-moi l'année prochaine.",
                Intent::NotNow,
            ),
            ("No nos interesa, gracias.", Intent::NotInterested),
            ("¿Cuánto cuesta la instalación?", Intent::Question),
            (
                "Ci interessa, possiamo fissare una chiamata giovedì?",
                Intent::Interested,
            ),
            ("Non ci interessa, grazie.", Intent::NotInterested),
            (
                "Per favore cancellatemi dalla vostra lista.",
                Intent::Unsubscribe,
            ),
            ("Ricontattateci dopo l'estate.", Intent::NotNow),
            ("Quanto costa o sistema para três lojas?", Intent::Question),
            (
                "Não temos interesse, já trabalhamos com outro fornecedor.",
                Intent::NotInterested,
            ),
            (
                "Gostaríamos de avançar, podemos agendar uma reunião?",
                Intent::Interested,
            ),
            ("Wij hebben geen interesse.", Intent::NotInterested),
            (
                "Graag een afspraak inplannen volgende week.",
                Intent::Interested,
            ),
            ("Neem na de zomer opnieuw contact op.", Intent::NotNow),
            ("Haal mij van de mailinglijst.", Intent::Unsubscribe),
        ] {
            assert_eq!(intent(text), Some(want), "{text}");
        }
    }

    #[test]
    fn korean_and_chinese_are_read() {
        for (text, want) in [
            (
                "관심 있습니다. 견적서를 보내 주시겠어요?",
                Intent::Interested,
            ),
            ("미팅 일정을 잡고 싶습니다.", Intent::Interested),
            ("관심 없습니다. 감사합니다.", Intent::NotInterested),
            ("이미 다른 업체와 계약했습니다.", Intent::NotInterested),
            ("지금은 어렵고 내년에 다시 연락 주세요.", Intent::NotNow),
            ("앞으로 이런 메일은 보내지 마세요.", Intent::Unsubscribe),
            ("수신 거부합니다.", Intent::Unsubscribe),
            ("설치 비용은 얼마인가요?", Intent::Question),
            ("我们很感兴趣，能否安排一次电话会议？", Intent::Interested),
            ("请发一份报价给我们。", Intent::Interested),
            ("我们不感兴趣，谢谢。", Intent::NotInterested),
            ("现在不方便，明年再联系吧。", Intent::NotNow),
            ("请将我从邮件列表中删除。", Intent::Unsubscribe),
            ("请不要再给我发邮件了。", Intent::Unsubscribe),
            ("安装费用是多少？", Intent::Question),
            // A double negative, then a price question: the question.
            ("不是不感兴趣，只是想先了解一下价格。", Intent::Question),
        ] {
            assert_eq!(intent(text), Some(want), "{text}");
        }
        let r = read(
            "이 건은 담당자인 김민수 과장(minsu.kim@hanbit.example)에게 연락해 주세요.",
            None,
            &["sender@hanbit.example"],
        );
        assert_eq!(r.intent, Some(Intent::Referral));
        assert_eq!(
            r.referral_email.as_deref(),
            Some("minsu.kim@hanbit.example")
        );
    }

    #[test]
    fn a_request_asked_as_a_question_is_interest() {
        for text in [
            "Could we get a quote for a 10 kW system?",
            "Would it be possible to schedule a site survey?",
            "Would you be able to come by on Tuesday to take a look at the roof?",
            "Pourriez-vous m'envoyer un devis ?",
            "¿Podrían enviarme un presupuesto?",
            "Potreste inviarmi un preventivo?",
            "Vocês podem me mandar um orçamento?",
            "Kunt u mij een offerte sturen?",
            "見積もりをお願いできますか。",
        ] {
            assert_eq!(intent(text), Some(Intent::Interested), "{text}");
        }
        // A question about the offer itself stays a question.
        assert_eq!(
            intent("Does the price include installation?"),
            Some(Intent::Question)
        );
    }

    #[test]
    fn polite_and_indirect_unsubscribes_are_read() {
        for text in [
            "I'd appreciate it if you didn't email me again.",
            "Please do not send me any more of these.",
            "I'd rather not receive these emails anymore.",
            "Merci de ne plus m'envoyer de courriels.",
            "Non inviatemi più email, grazie.",
            "Bitte entfernen Sie meine Adresse aus Ihrer Liste.",
        ] {
            assert_eq!(intent(text), Some(Intent::Unsubscribe), "{text}");
        }
        // Not receiving one email is no wish to leave.
        assert_ne!(
            intent("I did not receive your brochure, could you resend it?"),
            Some(Intent::Unsubscribe)
        );
        assert_eq!(
            intent("Agora não, falem comigo no próximo ano."),
            Some(Intent::NotNow)
        );
        assert_eq!(
            intent("This isn't something we need."),
            Some(Intent::NotInterested)
        );
        assert_eq!(
            intent("Wir brauchen das nicht."),
            Some(Intent::NotInterested)
        );
    }

    #[test]
    fn double_negatives_refusals_and_next_steps_by_meaning() {
        for (text, want) in [
            (
                "I wouldn't be against hearing more about it.",
                Intent::Interested,
            ),
            (
                "We're not unhappy with the idea — let's set up a time.",
                Intent::Interested,
            ),
            (
                "Can't say no to that. When can we meet?",
                Intent::Interested,
            ),
            ("I don't see any reason not to try it.", Intent::Interested),
            (
                "No es que no nos interese; mándenos más información.",
                Intent::Interested,
            ),
            ("I don't think this is a fit for us.", Intent::NotInterested),
            (
                "Honestly, we're not looking for anything like this.",
                Intent::NotInterested,
            ),
            (
                "What would the next steps be to get this installed?",
                Intent::Interested,
            ),
            (
                "How soon could you start? We'd like to get this done before winter.",
                Intent::Interested,
            ),
            (
                "Could someone from your team give me a call on 555-0102?",
                Intent::Interested,
            ),
            // "next week" schedules a meeting; it is no "not now".
            (
                "데모를 보고 싶습니다. 다음 주 화요일 가능하신가요?",
                Intent::Interested,
            ),
            (
                "Je ne souhaite plus recevoir vos e-mails.",
                Intent::Unsubscribe,
            ),
            ("No quiero recibir más correos suyos.", Intent::Unsubscribe),
            ("Non desidero ricevere altre email.", Intent::Unsubscribe),
            ("Não quero receber mais e-mails.", Intent::Unsubscribe),
            (
                "今後このようなメールは送らないでください。",
                Intent::Unsubscribe,
            ),
            ("Entre em contato depois das férias.", Intent::NotNow),
            ("Mi ricontatti a maggio.", Intent::NotNow),
            ("Pas intéressé, ne m'écrivez plus.", Intent::Unsubscribe),
            ("Por favor, dejen de escribirme.", Intent::Unsubscribe),
            ("Smettete di scrivermi, per favore.", Intent::Unsubscribe),
            ("Parem de me enviar e-mails.", Intent::Unsubscribe),
            (
                "Could you put together a rough estimate? Our roof is about 2,000 m².",
                Intent::Interested,
            ),
            (
                "Appreciate the note but we just signed with SunPower last month.",
                Intent::NotInterested,
            ),
            (
                "We'd love to but we can't commit until after the holidays. Reach out mid-January?",
                Intent::NotNow,
            ),
        ] {
            assert_eq!(intent(text), Some(want), "{text}");
        }
    }

    #[test]
    fn the_writers_other_address_is_no_referral_but_a_named_decider_is() {
        let r = read(
            "You can reach me at my personal address, sam.k@home.example, I'd like to hear more.",
            None,
            &["sam@customer.example"],
        );
        assert_eq!(r.intent, Some(Intent::Interested));
        assert_eq!(r.referral_email, None);
        let r = read(
            "Please send this to our procurement lead, j.okoye@meridian.example, who makes the call on vendors.",
            None,
            &["sam@customer.example"],
        );
        assert_eq!(r.intent, Some(Intent::Referral));
        assert_eq!(
            r.referral_email.as_deref(),
            Some("j.okoye@meridian.example")
        );
    }

    #[test]
    fn every_table_compiles_and_hostile_text_is_cheap() {
        let _ = &*MATCHERS;
        let long = "not ".repeat(5000) + &"interested, but ".repeat(500);
        let _ = read(&long, None, &[]);
    }
}

#[cfg(test)]
mod unseen_phrasings {
    use super::tests::intent;
    use super::*;
    use Intent::*;

    #[test]
    fn replies_written_for_this_round_in_nine_languages() {
        let cases: &[(&str, Intent)] = &[
            (
                "Please don't take me off the list — we're interested.",
                Interested,
            ),
            (
                "Don't unsubscribe me, I still want to hear about this.",
                Interested,
            ),
            ("Could we set up a call next week? We're keen.", Interested),
            (
                "Is the offer still available? We'd love to get started.",
                Interested,
            ),
            (
                "Would you be able to come round and measure up on Thursday?",
                Interested,
            ),
            ("Not now, but what would it cost?", Question),
            ("Not interested, thanks.", NotInterested),
            ("We've gone with another supplier.", NotInterested),
            (
                "We decided to go with someone else, thanks anyway.",
                NotInterested,
            ),
            ("Please remove me from your mailing list.", Unsubscribe),
            ("Stop emailing me.", Unsubscribe),
            ("Check back with me in the spring.", NotNow),
            ("Maybe next year, we're busy right now.", NotNow),
            (
                "Bitte nehmen Sie mich nicht aus dem Verteiler, wir sind interessiert.",
                Interested,
            ),
            ("Kein Interesse, danke.", NotInterested),
            ("Bitte melden Sie sich im Frühjahr wieder.", NotNow),
            ("Was würde das kosten?", Question),
            (
                "Ne me retirez pas de la liste, nous sommes intéressés.",
                Interested,
            ),
            ("Merci, mais nous ne sommes pas intéressés.", NotInterested),
            ("Combien cela coûterait-il ?", Question),
            ("No me den de baja, estamos interesados.", Interested),
            ("Por favor, denme de baja de esta lista.", Unsubscribe),
            ("¿Cuánto costaría?", Question),
            ("Non siamo interessati, grazie.", NotInterested),
            (
                "Siamo interessati, possiamo fissare una chiamata?",
                Interested,
            ),
            (
                "Não temos interesse no momento, talvez no próximo ano.",
                NotNow,
            ),
            ("Temos interesse! Quando podem vir?", Interested),
            ("Wij hebben geen interesse.", NotInterested),
            (
                "Ja, wij zijn geïnteresseerd. Wanneer kunt u langskomen?",
                Interested,
            ),
            ("興味があります。詳しく教えてください。", Interested),
            ("관심 있습니다. 견적 부탁드립니다.", Interested),
            ("我们很感兴趣，请联系我。", Interested),
            (
                "Are you able to install before Christmas? We want to go ahead.",
                Interested,
            ),
            (
                "We are interested — could you send over pricing?",
                Interested,
            ),
            ("Interested! What's the next step?", Interested),
            ("Yes please, sounds good. When?", Interested),
            (
                "Not at the moment, but what would a 10 kW system cost?",
                Question,
            ),
            (
                "I'm not the right person, please contact jane@customer.example.",
                Referral,
            ),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(t, want)| {
                let got = intent(t);
                (got != Some(*want)).then(|| format!("{t:?}: got {got:?}, want {want:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
