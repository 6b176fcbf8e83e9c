//! The words of reply intent, one data table per language (EN, DE, FR, ES,
//! IT, PT, NL, JA, KO, ZH, PL, SV, TR, DA/NO, FI, CS, RU, EL, AR, HE, HU, ID/MS,
//! TH, UK, RO, VI). Nothing here decides anything: [`super::intent`] reads the
//! tables, builds one matcher per category and resolves by meaning.
//!
//! Every entry is a regular-expression fragment matched against the
//! lowercased reply text (`’` folded to `'`). For spaced languages the engine
//! wraps each fragment in word boundaries, so fragments start and end with a
//! letter; Japanese fragments are matched as written. Phrases that carry
//! their own negation ("no thanks", "興味はありません") are written whole; a
//! negator *before* a phrase (in [`Lang::negators`]) flips it, as does one of
//! [`Lang::negators_after`] just after it ("interessiert uns nicht").

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
mod uk;
mod vi;
mod zh;

/// One language's words for every intent.
pub struct Lang {
    /// ISO 639-1 code, for explanations and tests.
    pub code: &'static str,
    /// False for scripts written without spaces (Japanese): no word boundaries.
    pub spaced: bool,
    /// Words that negate the phrase they precede within the same clause.
    pub negators: &'static [&'static str],
    /// Words that negate the phrase they follow ("nicht", "niet").
    pub negators_after: &'static [&'static str],
    /// Short words allowed between a phrase and its trailing negator ("uns").
    pub skip_before_negator_after: &'static [&'static str],
    /// Words that open a new clause: negation never crosses them. Contrastive
    /// ones ("but", "aber") also make the clause after them weigh more.
    pub contrast: &'static [&'static str],
    /// Words are shared by every language, so none may be a common word of
    /// another (Dutch "want" is English "want").
    pub clause_breaks: &'static [&'static str],
    /// First-person objects: "email *me* at …" hands over to nobody.
    pub self_objects: &'static [&'static str],
    /// Regex fragments naming the writer's own (other) address right before
    /// it ("my personal address, …", "meine private Adresse lautet …"): no
    /// hand-over either.
    pub self_addresses: &'static [&'static str],
    /// Fixed expressions matched first and masked, so a negator inside them
    /// flips nothing else: double negatives meaning yes ("wouldn't say no").
    pub idioms_interested: &'static [&'static str],
    /// Fixed expressions meaning "not now" that carry a negator ("not yet").
    pub idioms_not_now: &'static [&'static str],
    pub unsubscribe: &'static [&'static str],
    /// Words between a self-object and an address ("me *at* …", "mich *unter* …").
    pub address_links: &'static [&'static str],
    /// Someone else is named to handle it.
    pub referral: &'static [&'static str],
    /// Verbs that hand over to an address written after them ("contact", "write to").
    pub referral_verbs: &'static [&'static str],
    /// Questions that are questions whatever else the sentence says (price, fit).
    pub question: &'static [&'static str],
    pub not_now: &'static [&'static str],
    /// Words that make a refusal temporary ("not interested *right now*").
    pub temporal: &'static [&'static str],
    pub not_interested: &'static [&'static str],
    /// A decision or a concrete next step: beats a trailing question.
    pub interested_strong: &'static [&'static str],
    pub interested: &'static [&'static str],
    /// Politeness that leans positive but decides nothing alone ("interesting").
    pub interested_soft: &'static [&'static str],
    /// Sentence openers that make a question without a question mark ("¿").
    pub question_marks: &'static [&'static str],
    /// A request for the seller to act ("could you send …", "please send
    /// …", "könnten Sie uns … schicken"): interest, even asked as a
    /// question. Asking to be *told* something ("what would it cost?",
    /// "could you explain …") is no request and stays a question.
    pub requests: &'static [&'static str],
    /// Negators matched as whole words only, for scripts where the
    /// engine's ASCII word boundaries do not apply (Russian "не", Arabic
    /// "لا" would otherwise be found inside other words).
    pub negator_words: &'static [&'static str],
    /// The writer's own plan to act ("we'd start in January", "we plan to
    /// install in spring"): a date in the same sentence is their timeline,
    /// not a wish to be contacted later.
    pub plans: &'static [&'static str],
}

/// Words that make a refusal lasting whatever "for now" stands beside it
/// ("not interested, staying with our supplier for now and for the
/// foreseeable future"), in the languages that have such a phrase.
pub static LASTING: &[&str] = &[
    "foreseeable future",
    "for good",
    "auf absehbare zeit",
    "avenir prévisible",
    "futuro previsible",
    "futuro prevedibile",
    "futuro previsível",
    "afzienbare tijd",
];

/// Every supported language.
pub static LANGS: [&Lang; 26] = [
    &en::EN,
    &de::DE,
    &fr::FR,
    &es::ES,
    &it::IT,
    &pt::PT,
    &nl::NL,
    &ja::JA,
    &ko::KO,
    &zh::ZH,
    &pl::PL,
    &sv::SV,
    &tr::TR,
    &da::DA,
    &fi::FI,
    &cs::CS,
    &ru::RU,
    &el::EL,
    &ar::AR,
    &he::HE,
    &hu::HU,
    &id::ID,
    &th::TH,
    &uk::UK,
    &ro::RO,
    &vi::VI,
];
