//! The multilingual label dictionary: what a form label (`E-Mail-Adresse`,
//! `お名前（姓）`, `Teléfono`, `What's your email?`) is asking for, plus the
//! other per-language words lead reading needs (forward markers, lead
//! signals, listing words, "says" verbs).
//!
//! The words are data: one table per language ([`en`], [`ja`], [`de`], [`es`],
//! [`fr`], [`it`], [`pt`], [`nl`], [`ko`], [`zh`], [`zh_hant`], [`sv`],
//! [`da`] (with Norwegian), [`fi`], [`pl`], [`cs`] (with Slovak), [`hu`],
//! [`tr`], [`el`], [`ru`] (with Ukrainian), [`vi`], [`id`] (with Malay),
//! [`ar`], [`he`], [`ro`], [`th`]). Each table lists patterns
//! per [`Stage`]; classification walks the stages in priority order, so
//! "Company name" is a company and not a name, and "Best time to call" is not
//! a timeline, whatever the language. Pattern syntax (on the normalised,
//! lowercased label):
//!
//! - `word` — whole words (Latin scripts); a pattern holding CJK or Hangul
//!   characters matches anywhere (those scripts do not space words);
//! - `=text` — the whole label; `~text` — anywhere; `^text` — at the start;
//!   `text$` — at the end; `!text` — the stage is skipped when the label holds it.

/// What a form field holds, as far as a lead is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Email,
    /// A full name (or, next to a first-name field, the family name: German
    /// `Vorname` + `Name`, French `Prénom` + `Nom`).
    Name,
    FirstName,
    LastName,
    Phone,
    Company,
    Title,
    Postcode,
    Country,
    Interest,
    Message,
    Timeline,
    /// The form's own subject line; a fallback for the interest.
    Subject,
    /// `From: Jane Doe <jane@x.com>` (Contact Form 7's default mail).
    NameAndEmail,
    /// Known but useless for a lead (consent boxes, page URL, IP, furigana...).
    Ignore,
    /// A headline label (`NEW LEAD: Solar Panel Installation`): what the
    /// notification is about, an interest candidate unless it names the person.
    Headline,
    /// What the lead is about when nothing better is stated: the property,
    /// its type, the listing (`Property type`, `Inmueble`). Loses to a
    /// service or product field, a headline and the subject.
    InterestWeak,
}

impl Field {
    /// The field's name in provider rules and provenance maps.
    pub fn key(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Phone => "phone",
            Field::Company => "company",
            Field::Title => "title",
            Field::Postcode => "postcode",
            Field::Country => "country",
            Field::Interest => "interest",
            Field::Message => "message",
            Field::Timeline => "timeline",
            Field::Subject => "subject",
            Field::NameAndEmail => "from",
            Field::Ignore => "ignore",
            Field::Headline => "headline",
            Field::InterestWeak => "interest_weak",
        }
    }

    /// The inverse of [`Field::key`], for rule config.
    pub fn from_key(key: &str) -> Option<Field> {
        ALL.iter()
            .copied()
            .find(|f| f.key() == key.trim().to_ascii_lowercase())
    }

    /// Fields that tell who the person is (used to tell a form from prose).
    pub fn is_contact(self) -> bool {
        matches!(
            self,
            Field::Email
                | Field::Name
                | Field::FirstName
                | Field::LastName
                | Field::Phone
                | Field::NameAndEmail
        )
    }
}

const ALL: [Field; 17] = [
    Field::Email,
    Field::Name,
    Field::FirstName,
    Field::LastName,
    Field::Phone,
    Field::Company,
    Field::Title,
    Field::Postcode,
    Field::Country,
    Field::Interest,
    Field::Message,
    Field::Timeline,
    Field::Subject,
    Field::NameAndEmail,
    Field::Ignore,
    Field::Headline,
    Field::InterestWeak,
];

mod ar;
mod cs;
mod da;
mod de;
mod el;
mod en;
mod es;
mod fi;
mod fr;
mod he;
mod hu;
mod id;
mod it;
mod ja;
mod ko;
mod nl;
mod pl;
mod pt;
mod ro;
mod ru;
mod sv;
mod th;
mod tr;
mod vi;
mod zh;
mod zh_hant;

use once_cell::sync::Lazy;

/// One classification step; stages are tried in the order listed here and the
/// first stage with a matching pattern decides the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Meta and consent fields first: they often contain "email" or "time".
    Meta,
    /// `NEW LEAD`, `Neue Anfrage` as a whole label.
    Headline,
    /// `Customer`, `Cliente` as a whole label: the person.
    Person,
    Email,
    /// `From: Jane <jane@x.io>`.
    Sender,
    Subject,
    Company,
    /// Scripts whose short words would be swallowed by a later stage
    /// (Japanese `ご希望時期` is a timeline before `希望` is an interest).
    EarlyTimeline,
    EarlyInterest,
    EarlyLastName,
    EarlyFirstName,
    EarlyName,
    /// `Full name`, `Nombre y apellidos` before the parts they contain.
    FullName,
    FirstName,
    LastName,
    /// `Nombre`, `Nome`: the given name next to a last-name field, else the full name.
    GivenOrFullName,
    Name,
    Phone,
    Title,
    Postcode,
    Country,
    Timeline,
    /// The property or listing: a weak interest.
    Property,
    Interest,
    /// `Roof type`, `Type of building`: a weak interest.
    KindOf,
    Message,
    /// Street, city, state: not lead fields.
    Address,
}

impl Stage {
    fn field(self) -> Field {
        match self {
            Stage::Meta | Stage::Address => Field::Ignore,
            Stage::Headline => Field::Headline,
            Stage::Person
            | Stage::EarlyName
            | Stage::FullName
            | Stage::GivenOrFullName
            | Stage::Name => Field::Name,
            Stage::Email => Field::Email,
            Stage::Sender => Field::NameAndEmail,
            Stage::Subject => Field::Subject,
            Stage::Company => Field::Company,
            Stage::EarlyTimeline | Stage::Timeline => Field::Timeline,
            Stage::EarlyInterest | Stage::Interest => Field::Interest,
            Stage::EarlyLastName | Stage::LastName => Field::LastName,
            Stage::EarlyFirstName | Stage::FirstName => Field::FirstName,
            Stage::Phone => Field::Phone,
            Stage::Title => Field::Title,
            Stage::Postcode => Field::Postcode,
            Stage::Country => Field::Country,
            Stage::Property | Stage::KindOf => Field::InterestWeak,
            Stage::Message => Field::Message,
        }
    }
}

/// A header name inside a forwarded message's header block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    From,
    Date,
    Subject,
    To,
    ReplyTo,
}

/// Every word one language contributes. All entries are lowercase.
pub struct Language {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// Label patterns per stage (see the module doc for the syntax).
    pub labels: &'static [(Stage, &'static [&'static str])],
    /// Decoration removed from labels before matching (`(required)`).
    pub noise: &'static [&'static str],
    /// Values that mean "left empty" (`n/a`, `なし`).
    pub empty_values: &'static [&'static str],
    /// Text of a forward's marker line (`forwarded message`).
    pub forward_markers: &'static [&'static str],
    /// Header names of a forward's header block.
    pub forward_headers: &'static [(Header, &'static [&'static str])],
    /// Words of a lead notification's subject or opening (`new lead`).
    pub lead_signals: &'static [&'static str],
    /// Last words of a listing, property or agency, never a person's name
    /// (`apartments`, `rentals`, `immobilien`).
    pub listing_words: &'static [&'static str],
    /// Verbs of a `Jane Doe says: …` headline.
    pub says_words: &'static [&'static str],
    /// Last words of a `Jane Doe would like to be contacted about` headline
    /// label: its value is what the person asked for.
    pub about_words: &'static [&'static str],
    /// Words of a person asking a business for its offer in their own mail
    /// (`quote`, `Angebot`, `could you`): a direct enquiry without a form.
    pub enquiry_asks: &'static [&'static str],
    /// Words of a seller's mail rather than a buyer's (`find attached our`,
    /// `we help`, `thanks for your enquiry`): a pitch or a supplier's quote.
    pub seller_words: &'static [&'static str],
    /// Words of a phone system's notice (`voicemail`, `missed call`, `SMS
    /// from`, `Anrufer`): a call or text whose number is the contact.
    pub phone_events: &'static [&'static str],
    /// Words a caller introduces themself with before their name
    /// (`this is`, `my name is`, `soy`); CJK ones follow the name.
    pub self_intros: &'static [&'static str],
}

/// The languages carousel reads, in no particular order (stages decide).
pub const LANGUAGES: &[&Language] = &[
    &en::TABLE,
    &ja::TABLE,
    &de::TABLE,
    &es::TABLE,
    &fr::TABLE,
    &it::TABLE,
    &pt::TABLE,
    &nl::TABLE,
    &ko::TABLE,
    &zh::TABLE,
    &zh_hant::TABLE,
    &sv::TABLE,
    &da::TABLE,
    &fi::TABLE,
    &pl::TABLE,
    &cs::TABLE,
    &hu::TABLE,
    &tr::TABLE,
    &el::TABLE,
    &ru::TABLE,
    &vi::TABLE,
    &id::TABLE,
    &ar::TABLE,
    &he::TABLE,
    &ro::TABLE,
    &th::TABLE,
];

/// Every word of one kind over all languages.
pub fn all_words(
    pick: fn(&Language) -> &'static [&'static str],
) -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().flat_map(move |l| pick(l).iter().copied())
}

/// One case-insensitive regex matching any word of one kind in every
/// language: whole words on ASCII edges (an ASCII `\b` keeps the regex on its
/// fast automaton for non-ASCII text), anywhere for CJK and Hangul words.
pub fn words_regex(pick: fn(&Language) -> &'static [&'static str]) -> regex::Regex {
    let edge = |c: Option<char>| {
        if c.is_some_and(|c| c.is_ascii_alphanumeric()) {
            r"(?-u:\b)"
        } else {
            ""
        }
    };
    let words: Vec<String> = all_words(pick)
        .map(|w| {
            if w.is_ascii() || !super::contact::is_cjk(w) {
                format!(
                    "{}{}{}",
                    edge(w.chars().next()),
                    regex::escape(w).replace(' ', r"\s+"),
                    edge(w.chars().last())
                )
            } else {
                regex::escape(w)
            }
        })
        .collect();
    regex::Regex::new(&format!("(?i)(?:{})", words.join("|")))
        .expect("regex built from the language tables")
}

#[derive(Debug, Clone, Copy)]
enum Pattern {
    Exact(&'static str),
    Anywhere(&'static str),
    Start(&'static str),
    End(&'static str),
    Words(&'static str),
    Unless(&'static str),
}

impl Pattern {
    fn compile(p: &'static str) -> Pattern {
        if let Some(r) = p.strip_prefix('=') {
            Pattern::Exact(r)
        } else if let Some(r) = p.strip_prefix('!') {
            Pattern::Unless(r)
        } else if let Some(r) = p.strip_prefix('~') {
            Pattern::Anywhere(r)
        } else if let Some(r) = p.strip_prefix('^') {
            Pattern::Start(r)
        } else if let Some(r) = p.strip_suffix('$') {
            Pattern::End(r)
        } else if p.chars().any(is_unspaced_script) {
            Pattern::Anywhere(p)
        } else {
            Pattern::Words(p)
        }
    }

    fn matches(self, label: &str) -> bool {
        match self {
            Pattern::Exact(p) => label == p,
            Pattern::Anywhere(p) | Pattern::Unless(p) => label.contains(p),
            Pattern::Start(p) => label.starts_with(p),
            Pattern::End(p) => label.ends_with(p),
            Pattern::Words(p) => has_word(label, p),
        }
    }
}

/// Scripts written without spaces between words: CJK, kana, Hangul.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0xFF00..=0xFFEF)
}

/// Every stage with its patterns from every language, in priority order.
static STAGES: Lazy<Vec<(Stage, Vec<Pattern>)>> = Lazy::new(|| {
    let mut stages: Vec<(Stage, Vec<Pattern>)> = Vec::new();
    for lang in LANGUAGES {
        for (stage, words) in lang.labels {
            let at = match stages.iter().position(|(s, _)| s == stage) {
                Some(i) => i,
                None => {
                    stages.push((*stage, Vec::new()));
                    stages.len() - 1
                }
            };
            stages[at]
                .1
                .extend(words.iter().map(|w| Pattern::compile(w)));
        }
    }
    stages.sort_by_key(|(s, _)| *s);
    stages
});

/// Lowercases a label and drops decoration: `*`, `:`, `?`, brackets of
/// "(required)" in every language.
pub fn normalize(label: &str) -> String {
    let mut s: String = label
        .chars()
        .map(|c| match c {
            '*' | ':' | '：' | '?' | '？' | '¿' | '!' | '"' | '“' | '”' | '_' | '•' | '·' | '#' => {
                ' '
            }
            '（' => '(',
            '）' => ')',
            '　' => ' ',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    for noise in all_words(|l| l.noise) {
        if s.contains(noise) {
            s = s.replace(noise, " ");
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `needle` occurs in `hay` as whole words (Latin scripts).
pub fn has_word(hay: &str, needle: &str) -> bool {
    let mut start = 0;
    while let Some(pos) = hay.get(start..).and_then(|h| h.find(needle)) {
        let at = start + pos;
        let end = at + needle.len();
        // A Latin word touching CJK ("携帯TEL") is still a word: those
        // scripts do not space words.
        let edge = |c: char| !c.is_alphanumeric() || is_unspaced_script(c);
        let before_ok = hay[..at].chars().next_back().is_none_or(edge);
        let after_ok = hay[end..].chars().next().is_none_or(edge);
        if before_ok && after_ok {
            return true;
        }
        start = end;
    }
    false
}

/// What a label asks for; `None` for labels the dictionary does not know.
///
/// Memoised: the same few dozen labels ("Name", "E-Mail", ...)
/// recur in every form, and the dictionary walk is the hottest part of lead
/// extraction. The cache is bounded (cleared when full), so hostile mail with
/// endless distinct labels costs memory only up to the bound.
pub fn classify(label: &str) -> Option<Field> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    const MAX_CACHED: usize = 4096;
    // Process-wide, not per thread: ingest understands each batch on fresh
    // scoped threads, which would start with an empty thread-local cache.
    static CACHE: LazyLock<Mutex<HashMap<String, Option<Field>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    if let Some(hit) = CACHE.lock().ok().and_then(|c| c.get(label).copied()) {
        return hit;
    }
    let field = classify_uncached(label);
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(label.to_string(), field);
    }
    field
}

fn classify_uncached(label: &str) -> Option<Field> {
    let l = normalize(label);
    if l.is_empty() || l.chars().count() > 60 {
        return None;
    }
    STAGES.iter().find_map(|(stage, patterns)| {
        let unless = patterns
            .iter()
            .any(|p| matches!(p, Pattern::Unless(_)) && p.matches(&l));
        let hit = !unless
            && patterns
                .iter()
                .any(|p| !matches!(p, Pattern::Unless(_)) && p.matches(&l));
        hit.then(|| stage.field())
    })
}

/// The forward header a label names (`Von`, `差出人`, `Oggetto`).
pub fn forward_header(label: &str) -> Option<Header> {
    let l = label.trim().to_lowercase();
    LANGUAGES.iter().find_map(|lang| {
        lang.forward_headers
            .iter()
            .find(|(_, names)| names.contains(&l.as_str()))
            .map(|(h, _)| *h)
    })
}

/// True when a lowercased line holds a forward marker of any language.
pub fn has_forward_marker(lower: &str) -> bool {
    // One automaton over every language's markers instead of one substring
    // search per marker: this runs on every line of every lead.
    static MARKERS: Lazy<aho_corasick::AhoCorasick> = Lazy::new(|| {
        aho_corasick::AhoCorasick::new(all_words(|l| l.forward_markers))
            .expect("forward markers from the language tables")
    });
    MARKERS.is_match(lower)
}

/// True when a value only says "left empty" (`n/a`, `なし`, `없음`).
pub fn is_empty_value(lower: &str) -> bool {
    let t = lower.trim();
    !t.is_empty() && (only_punctuation(t) || bracketed_note(t))
        || all_words(|l| l.empty_values).any(|w| w == lower)
}

/// "-", "--", "…", "/": a field left empty.
fn only_punctuation(t: &str) -> bool {
    t.chars()
        .all(|c| matches!(c, '-' | '–' | '—' | '.' | '…' | '/' | '_' | '*' | '?' | ' '))
}

/// "(ikke udfyldt)", "[not set]", "<blank>": what a form writes in place of
/// a value left empty. A real value is never a few words in brackets alone.
fn bracketed_note(t: &str) -> bool {
    let inner = [('(', ')'), ('[', ']'), ('<', '>'), ('{', '}')]
        .iter()
        .find_map(|(open, close)| t.strip_prefix(*open)?.strip_suffix(*close));
    inner.is_some_and(|inner| {
        let inner = inner.trim();
        !inner.is_empty()
            && inner.split_whitespace().count() <= 4
            && inner
                .chars()
                .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '.')
    })
}

/// True when a name's last word names a listing, property or agency.
pub fn is_listing_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    let last = lower
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric());
    all_words(|l| l.listing_words).any(|w| {
        if w.chars().any(is_unspaced_script) {
            lower.trim_end().ends_with(w)
        } else {
            last == w
        }
    })
}

/// True when the last word of `label` is a "says" verb (`Jane Doe says`).
pub fn ends_with_says(label: &str) -> Option<usize> {
    let lower = label.to_lowercase();
    all_words(|l| l.says_words).find_map(|w| {
        let cut = lower.strip_suffix(w)?;
        (cut.ends_with(' ') && lower.len() == label.len()).then_some(cut.trim_end().len())
    })
}

/// The person a `Jane Doe would like to be contacted about` label names,
/// when its last words are an "about" phrase and it opens with a name.
pub fn about_label_person(label: &str) -> Option<String> {
    let lower = label.to_lowercase();
    if lower.len() != label.len() && label.is_ascii() {
        return None;
    }
    let hit = all_words(|l| l.about_words).any(|w| {
        if w.chars().any(is_unspaced_script) {
            lower.trim_end().ends_with(w)
        } else {
            lower
                .strip_suffix(w)
                .is_some_and(|cut| cut.ends_with(' ') && cut.split_whitespace().count() >= 2)
        }
    });
    if !hit {
        return None;
    }
    // The leading capitalised words: "Mark Jensen would like…" → "Mark Jensen".
    let who: Vec<&str> = label
        .split_whitespace()
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    let who = who.join(" ");
    Some(who)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_labels_name_the_person() {
        assert_eq!(
            about_label_person("Mark Jensen would like to be contacted about").as_deref(),
            Some("Mark Jensen")
        );
        assert_eq!(
            about_label_person("Ana Sousa quer ser contactada sobre").as_deref(),
            Some("Ana Sousa")
        );
        assert_eq!(about_label_person("Questions about"), None);
        assert_eq!(about_label_person("Phone"), None);
    }

    #[test]
    fn labels_in_five_languages() {
        for (label, field) in [
            ("Your Email", Field::Email),
            ("E-Mail-Adresse", Field::Email),
            ("メールアドレス", Field::Email),
            ("Correo electrónico", Field::Email),
            ("Company name", Field::Company),
            ("会社名", Field::Company),
            ("Société", Field::Company),
            ("お名前", Field::Name),
            ("お名前（フリガナ）", Field::Ignore),
            ("Vorname", Field::FirstName),
            ("Nachname", Field::LastName),
            ("Nombre y apellidos", Field::Name),
            ("Prénom", Field::FirstName),
            ("Téléphone", Field::Phone),
            ("電話番号", Field::Phone),
            ("Best time to call", Field::Ignore),
            ("Purchase timeline", Field::Timeline),
            ("ご検討時期", Field::Timeline),
            ("What product are you interested in?", Field::Interest),
            ("Message Body", Field::Message),
            ("お問い合わせ内容", Field::Message),
            ("Company website", Field::Ignore),
            ("Service", Field::Interest),
            ("件名", Field::Subject),
        ] {
            assert_eq!(classify(label), Some(field), "{label}");
        }
        assert_eq!(classify("Favourite colour"), None);
    }

    #[test]
    fn labels_beyond_the_first_ten_languages() {
        for (label, field) in [
            ("Namn", Field::Name),
            ("E-postadress", Field::Email),
            ("Företag", Field::Company),
            ("Imię i nazwisko", Field::Name),
            ("Nazwisko", Field::LastName),
            ("Numer telefonu", Field::Phone),
            ("Ad Soyad", Field::Name),
            ("E-posta", Field::Email),
            ("Jméno a příjmení", Field::Name),
            ("E-mailová adresa", Field::Email),
            ("Эл. почта", Field::Email),
            ("Фамилия", Field::LastName),
            ("Ονοματεπώνυμο", Field::Name),
            ("Họ và tên", Field::Name),
            ("Tên công ty", Field::Company),
            ("Nama Perusahaan", Field::Company),
            ("Sähköposti", Field::Email),
            ("Telefonszám", Field::Phone),
            ("الاسم الكامل", Field::Name),
            ("اسم الشركة", Field::Company),
            ("דוא\"ל", Field::Email),
            ("שם החברה", Field::Company),
            ("電子郵件", Field::Email),
            ("聯絡電話", Field::Phone),
        ] {
            assert_eq!(classify(label), Some(field), "{label}");
        }
        // English labels keep their meaning next to the short words of others.
        assert_ne!(classify("Ad source"), Some(Field::Name));
        assert_ne!(classify("Not interested"), Some(Field::Message));
    }
}
