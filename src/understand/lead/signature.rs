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
    ("nordic", &["ab", "oy", "oyj", "aps", "asa", "a/s"]),
    ("cs", &["s.r.o", "sro", "a.s", "spol", "v.o.s", "k.s"]),
    ("pl", &["o.o", "sp.j", "sp.k", "s.c"]),
    ("ro", &["s.r.l", "pfa"]),
    ("hu", &["kft", "zrt", "nyrt", "bt", "kkt"]),
    ("tr", &["şti", "sti", "a.ş"]),
    ("vi", &["tnhh"]),
    ("id", &["tbk"]),
    // Matched anywhere, like the CJK forms (non-ASCII).
    ("ru", &["ооо"]),
    ("el", &["α.ε.", "ε.π.ε.", "ι.κ.ε.", "ο.ε."]),
    ("th", &["จำกัด", "บริษัท"]),
    ("ar", &["ش.م.م", "ذ.م.م"]),
    ("he", &["בע\"מ", "בע״מ"]),
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
            "jefe",
            "jefa",
            "encargado",
            "encargada",
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

/// True when `line` is a company's own name rather than a label asking for
/// one: it ends in a legal form ("Weber Bau GmbH", "Bianchi Arredi S.r.l.")
/// or holds a CJK legal form beside other characters ("山田工業株式会社").
/// "Company" or "Name of company" are labels.
pub fn is_company_name(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let cjk_form = FORMS.iter().flat_map(|(_, f)| f.iter()).any(|form| {
        !form.is_ascii() && lower.contains(form) && lower.chars().count() > form.chars().count()
    });
    let last = lower
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
        .trim_end_matches('.');
    cjk_form
        || lower.split_whitespace().count() >= 2
            && !matches!(last, "company" | "group" | "corporation" | "limited")
            && FORMS
                .iter()
                .flat_map(|(_, f)| f.iter())
                .any(|form| form.is_ascii() && *form == last)
}

/// The company on the line below the last line that is exactly `name`, on
/// the name's own line after a separator (`Owen Pritchard | Pritchard
/// Joinery`), or a plain line near the name that spells the person's mail
/// domain (`Logística Sanz` for `…@logisticasanz.es`).
pub fn company_of(text: &str, name: &str, email: Option<&str>) -> Option<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let lower = name.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    // The name's line with the company beside it.
    let beside = lines.iter().rev().find_map(|l| {
        let rest = l.to_lowercase().strip_prefix(&lower)?.to_string();
        let cut = l.len() - rest.len();
        let rest = l.get(cut..)?;
        let rest = [" | ", " · ", " - ", " – ", ", ", " / "]
            .iter()
            .find_map(|sep| rest.strip_prefix(sep))?
            .trim();
        (plain_company(rest) || has_legal_form(rest)).then(|| rest.to_string())
    });
    company_below_name(text, name)
        .or(beside)
        .or_else(|| email.and_then(|e| company_by_domain(&lines, &lower, e)))
}

/// A plain line within a few lines of the name whose letters are the mail
/// domain's own name: the organisation the address belongs to.
fn company_by_domain(lines: &[&str], name: &str, email: &str) -> Option<String> {
    let domain = email.rsplit_once('@')?.1;
    let label = domain.split('.').next()?;
    if label.len() < 4 || super::contact::is_free_mail(domain) {
        return None;
    }
    let at = lines
        .iter()
        .rposition(|l| l.to_lowercase().starts_with(name))?;
    lines[at + 1..]
        .iter()
        .take(4)
        .copied()
        .filter(|l| plain_company(l) || has_legal_form(l))
        .find(|l| {
            let folded = fold_letters(l);
            folded.len() >= 4
                && (folded == label || label.contains(&folded) || folded.contains(label))
        })
        .map(str::to_string)
}

/// True when `name` spells the domain of `email` but not its mailbox
/// (`Harborview Dental` for `info@harborviewdental.com`): an
/// organisation's name, not a person's (`John Smith <john@johnsmith.com>`
/// is a person's).
pub fn spells_domain(name: &str, email: &str) -> bool {
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let label = domain.split('.').next().unwrap_or("");
    let folded = fold_letters(name);
    label.len() >= 4
        && folded.len() >= 4
        && !super::contact::is_free_mail(domain)
        && label.contains(&folded)
        && !super::contact::display_matches_address(name, email)
}

/// Lowercase ASCII letters and digits of `s`, accents dropped
/// (`Logística Sanz` → `logisticasanz`).
fn fold_letters(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            let base = match c {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
                'ç' => 'c',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ñ' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'ß' => 's',
                c => c,
            };
            base.is_ascii_alphanumeric().then_some(base)
        })
        .collect()
}

/// How far up from the end a signed name is looked for.
const CLOSING_LINES: usize = 8;

/// The text's lines, trimmed, without the blank ones.
fn nonblank_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The name a person signs their own mail with: the last name-shaped line
/// among the closing lines (`Sanne de Vries` over `Holland Bakes B.V.` and
/// `Tel: 020 …`), never a company line under a job title.
pub fn signed_name(text: &str) -> Option<String> {
    let lines = nonblank_lines(text);
    let tail = lines.len().saturating_sub(CLOSING_LINES);
    (tail..lines.len()).rev().find_map(|i| {
        let under_title = i > 0 && has_title_word(lines[i - 1]);
        (!under_title && super::shape::is_name(lines[i]))
            .then(|| super::contact::normalize_name(lines[i]))
            .flatten()
    })
}

/// The full name a person signs with when the headers gave only part of it
/// (`佐藤` in From, `総務部 佐藤 健一` signed; `Dan` and `Dan Okafor`): the
/// rest of the closing line that starts with it.
pub fn fuller_name(text: &str, short: &str) -> Option<String> {
    let short = short.trim();
    if short.is_empty() || short.contains(' ') {
        return None;
    }
    let lines = nonblank_lines(text);
    let tail = lines.len().saturating_sub(CLOSING_LINES);
    lines[tail..].iter().rev().find_map(|l| {
        let at = l.find(short)?;
        let starts_word = l[..at].chars().next_back().is_none_or(char::is_whitespace);
        let rest = l[at..].trim();
        (starts_word && rest.len() > short.len() && super::shape::is_name(rest))
            .then(|| super::contact::normalize_name(rest))
            .flatten()
    })
}

/// The company on the line below the last line that is exactly `name`.
pub fn company_below_name(text: &str, name: &str) -> Option<String> {
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    // The name line, possibly after a department ("総務部 山田 太郎").
    let suffix = format!(" {name}");
    let at = lines.iter().rposition(|l| {
        let l = l.to_lowercase();
        l == name || l.ends_with(&suffix) && l.chars().count() <= name.chars().count() + 12
    })?;
    let company = |l: &&&str| {
        let n = l.chars().count();
        (3..=60).contains(&n)
            && !l.contains(['@', ':', '：', '/'])
            && l.chars().filter(char::is_ascii_digit).count() < 3
            && has_legal_form(l)
    };
    // Below the name in most signatures; above it in Japanese, Chinese and
    // Korean ones (company, then department and name).
    let below: Vec<&str> = lines.iter().skip(at + 1).take(3).copied().collect();
    below
        .iter()
        .take(2)
        .find_map(|l| company(&l).then(|| after_title(l).unwrap_or(l).to_string()))
        .or_else(|| company_after_title(&below))
        .or_else(|| {
            lines[at.saturating_sub(2)..at]
                .iter()
                .rev()
                .find(company)
                .map(|l| (*l).to_string())
        })
}

/// `Key Account Manager, PV Direct Ltd`, `Head of Sales | Brightwater`,
/// `CTO at Brightwater`: the company part of a title-and-company line.
fn after_title(line: &str) -> Option<&str> {
    [
        ", ", " | ", " · ", " - ", " – ", " at ", " bei ", " chez ", " en ", " presso ",
    ]
    .iter()
    .find_map(|sep| {
        let (title, rest) = line.split_once(sep)?;
        let rest = rest.trim();
        (has_title_word(title) && !rest.is_empty() && !has_title_word(rest)).then_some(rest)
    })
}

/// The company of a signature without a legal form: on the title line
/// after a separator, or the plain line right after a title line
/// ("Jane Doe" / "Operations Manager" / "Brightwater Logistics").
fn company_after_title(below: &[&str]) -> Option<String> {
    let title_at = below.iter().position(|l| has_title_word(l))?;
    if let Some(rest) = after_title(below[title_at]) {
        return plain_company(rest).then(|| rest.to_string());
    }
    let next = below.get(title_at + 1)?;
    plain_company(next).then(|| (*next).to_string())
}

/// A short line that can only be an organisation's name: capitalised,
/// no digits, no address or link, no device footer, no title.
fn plain_company(line: &str) -> bool {
    let n = line.chars().count();
    let lower = line.to_lowercase();
    (2..=50).contains(&n)
        && line.split_whitespace().count() <= 6
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic() && c.is_alphanumeric())
        && !line.chars().any(|c| c.is_ascii_digit())
        && !line.contains(['@', ':', '：', '/', '+'])
        && !line.ends_with(['.', '!', '?', ','])
        && !has_title_word(line)
        && ![
            "sent from",
            "envoyé de",
            "enviado desde",
            "gesendet von",
            "inviato da",
            "verzonden",
            "enviado do",
        ]
        .iter()
        .any(|f| lower.contains(f))
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
        let t = "山田工業株式会社\n総務部 山田 太郎\nTEL: 03-5555-1234\n";
        assert_eq!(
            company_below_name(t, "山田 太郎").as_deref(),
            Some("山田工業株式会社")
        );
        let t = "Jordan Blake\nKey Account Manager, PV Direct Ltd\n+44 161 496 0555\n";
        assert_eq!(
            company_below_name(t, "Jordan Blake").as_deref(),
            Some("PV Direct Ltd")
        );
        let t = "Jane Doe\nOperations Manager\nBrightwater Logistics\njane@bw.example\n";
        assert_eq!(
            company_below_name(t, "Jane Doe").as_deref(),
            Some("Brightwater Logistics")
        );
        let t = "Jane Doe\nOwner\nSent from my iPhone\n";
        assert_eq!(company_below_name(t, "Jane Doe"), None);
        let t = "Hannah Schultz\nSent from my phone\n";
        assert_eq!(company_below_name(t, "Hannah Schultz"), None);
        assert!(has_legal_form("Rossi Impianti S.r.l."));
        assert!(has_legal_form("株式会社サンプル"));
        assert!(!has_legal_form("Co-founder"));
        assert!(is_company_name("山田工業株式会社"));
        assert!(is_company_name("Weber Bau GmbH"));
        assert!(!is_company_name("Name of company"));
        assert!(!is_company_name("会社名"));
    }
}
