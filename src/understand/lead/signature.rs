//! The prospect's company from their signature: the line right below their
//! name at the end of what they wrote ("Hannah Schultz" / "Schultz Bäckerei
//! GmbH"), when it carries a legal form. A company merely mentioned in the
//! text (a competitor's quote) is never read: only the signature position
//! counts.
//!
//! Legal forms are data, one table per language/jurisdiction in [`FORMS`].

/// Legal-form words per language, lowercase, matched as whole words
/// (dots ignored) or, for CJK, anywhere in the line.
pub const FORMS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "inc",
            "llc",
            "ltd",
            "limited",
            "corp",
            "corporation",
            "co",
            "plc",
            "llp",
            "lp",
            "company",
            "group",
            "pty",
        ],
    ),
    ("de", &["gmbh", "ag", "kg", "ohg", "ug", "gbr", "e.k", "ek"]),
    ("es", &["sl", "s.l", "sa", "s.a", "slu", "sociedad"]),
    ("fr", &["sarl", "sas", "sasu", "eurl", "sa", "sci"]),
    ("it", &["srl", "s.r.l", "spa", "s.p.a", "snc", "sas"]),
    (
        "pt",
        &["lda", "ltda", "sa", "s.a", "unipessoal", "me", "eireli"],
    ),
    ("nl", &["bv", "b.v", "nv", "n.v", "vof"]),
    (
        "ja",
        &["株式会社", "有限会社", "合同会社", "(株)", "（株）"],
    ),
    ("ko", &["주식회사", "(주)", "㈜"]),
    ("zh", &["有限公司", "股份公司", "集团"]),
];

/// Job-title words per language, lowercase, matched as whole words: a
/// name followed by one of them is a person and their role.
pub const TITLE_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "ceo",
            "cto",
            "cfo",
            "coo",
            "owner",
            "founder",
            "manager",
            "director",
            "president",
            "head",
            "officer",
            "engineer",
            "consultant",
            "partner",
            "assistant",
            "lead",
        ],
    ),
    (
        "de",
        &[
            "geschäftsführer",
            "geschäftsführerin",
            "inhaber",
            "inhaberin",
            "leiter",
            "leiterin",
        ],
    ),
    (
        "es",
        &[
            "gerente",
            "director",
            "directora",
            "responsable",
            "propietario",
            "propietaria",
        ],
    ),
    (
        "fr",
        &[
            "gérant",
            "gérante",
            "directeur",
            "directrice",
            "responsable",
        ],
    ),
    (
        "it",
        &["titolare", "direttore", "direttrice", "responsabile"],
    ),
    (
        "pt",
        &[
            "gerente",
            "diretor",
            "diretora",
            "sócio",
            "sócia",
            "responsável",
        ],
    ),
    (
        "nl",
        &["eigenaar", "directeur", "manager", "bedrijfsleider"],
    ),
];

/// True when `text` holds a job-title word.
pub fn has_title_word(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .any(|t| TITLE_WORDS.iter().any(|(_, words)| words.contains(&t)))
}

/// True when `line` carries a legal form.
pub fn has_legal_form(line: &str) -> bool {
    let lower = line.to_lowercase();
    let tokens: Vec<String> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| {
            t.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
                .trim_end_matches('.')
                .to_string()
        })
        .filter(|t| !t.is_empty())
        .collect();
    // The form follows the name: never the first word alone.
    FORMS.iter().flat_map(|(_, f)| f.iter()).any(|form| {
        if !form.is_ascii() || form.starts_with('(') {
            lower.contains(form)
        } else {
            tokens.len() >= 2 && tokens[1..].iter().any(|t| t == form)
        }
    })
}

/// The company on the line below the last line that is exactly `name`.
pub fn company_below_name(text: &str, name: &str) -> Option<String> {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = lines.iter().rposition(|l| l.to_lowercase() == name)?;
    lines
        .iter()
        .skip(at + 1)
        .take(2)
        .find(|l| {
            let n = l.chars().count();
            (3..=60).contains(&n)
                && !l.contains(['@', ':', '：', '/'])
                && l.chars().filter(char::is_ascii_digit).count() < 3
                && has_legal_form(l)
        })
        .map(|l| (*l).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_under_the_signature_name_only() {
        let t = "Message: quote from Apex Roofing Ltd, want a second one.\n\nHannah Schultz\nSchultz Bäckerei GmbH\n";
        assert_eq!(
            company_below_name(t, "Hannah Schultz").as_deref(),
            Some("Schultz Bäckerei GmbH")
        );
        let t = "Hannah Schultz\nSent from my phone\n";
        assert_eq!(company_below_name(t, "Hannah Schultz"), None);
        assert!(has_legal_form("Rossi Impianti S.r.l."));
        assert!(has_legal_form("株式会社サンプル"));
        assert!(!has_legal_form("Co-founder"));
    }
}
