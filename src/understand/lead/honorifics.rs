//! Honorifics per language: the words that say how to address a person
//! ("Herr", "κ.", "Pan", "Bapak", "Sn.", "คุณ", "Bey"), never part of the
//! name. Pure data, read by [`super::contact::normalize_name`]. Lowercase,
//! without a final dot ("κ." is written "κ").

/// Words before a name, per language.
pub const LEADING: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam",
        ],
    ),
    (
        "de",
        &[
            "herr",
            "frau",
            "hr",
            "fr",
            "med",
            "dipl",
            "dipl.-ing",
            "dipl-ing",
            "ing",
            "mag",
        ],
    ),
    (
        "es",
        &[
            "sr", "sra", "srta", "don", "doña", "dña", "señor", "señora", "dra", "lic", "arq",
        ],
    ),
    (
        "fr",
        &["m", "mme", "mlle", "monsieur", "madame", "mademoiselle"],
    ),
    (
        "it",
        &[
            "sig", "sig.ra", "sig.na", "signor", "signora", "dott", "dott.ssa", "avv", "geom",
        ],
    ),
    ("pt", &["srª", "sr.ª", "dona", "eng", "exmo", "exma"]),
    ("nl", &["dhr", "mevr", "mw"]),
    ("pl", &["pani"]),
    ("cs", &["paní", "ing", "mgr"]),
    ("el", &["κ", "κα", "κος", "κυρ", "κύριος", "κυρία", "κ.κ"]),
    ("ru", &["г-н", "г-жа", "господин", "госпожа"]),
    ("uk", &["пан", "пані"]),
    ("tr", &["sn", "sayın", "bayan"]),
    ("ro", &["dl", "dna", "d-l", "d-na", "domnul", "doamna"]),
    (
        "id",
        &["bapak", "bpk", "ibu", "sdr", "sdri", "saudara", "saudari"],
    ),
    ("vi", &["ông", "bà"]),
    ("ar", &["السيد", "السيدة", "الأستاذ", "الاستاذ"]),
    ("he", &["מר", "גב'", "גברת"]),
];

/// Honorifics that are also names somewhere ("Pan" is a Chinese family
/// name, "Bay" and "Pak" are names too): dropped only before a longer name
/// ("Pan Tomasz Wiśniewski", "Pak Budiman"), kept in "Pan Wei".
pub const LEADING_BEFORE_LONG_NAMES: &[&str] = &["pan", "bay", "pak", "bu"];

/// Words after a name ("Ahmet Bey", "Ayşe Hanım").
pub const TRAILING: &[(&str, &[&str])] = &[("tr", &["bey", "hanım", "hanim"])];

/// Honorifics written glued to the name in scripts without spaces
/// ("คุณสมหญิง"), longest first.
pub const GLUED: &[(&str, &[&str])] = &[("th", &["นางสาว", "คุณ", "นาง", "นาย", "ดร."])];

/// True when `word` (as written) is an honorific before a name; `rest` is
/// the rest of the name after it.
pub fn is_leading(word: &str, rest: &[impl AsRef<str>]) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    if LEADING.iter().any(|(_, words)| words.contains(&w.as_str())) {
        return true;
    }
    LEADING_BEFORE_LONG_NAMES.contains(&w.as_str())
        && (rest.len() >= 2
            || rest
                .first()
                .is_some_and(|r| r.as_ref().chars().count() >= 5))
}

/// True when `word` is an honorific after a name.
pub fn is_trailing(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    TRAILING
        .iter()
        .any(|(_, words)| words.contains(&w.as_str()))
}

/// `word` without a glued honorific in front, when something is left.
pub fn without_glued(word: &str) -> Option<&str> {
    GLUED
        .iter()
        .flat_map(|(_, words)| words.iter())
        .find_map(|h| word.strip_prefix(h).filter(|rest| !rest.is_empty()))
}
