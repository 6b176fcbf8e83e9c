//! The multilingual label dictionary: what a form label (`E-Mail-Adresse`,
//! `お名前（姓）`, `Teléfono`, `What's your email?`) is asking for.
//!
//! Matching is by keyword on a normalised label, in a fixed priority order, so
//! "Company name" is a company and not a name, and "Best time to call" is not a
//! timeline. English, Japanese, German, Spanish and French are covered.

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

const ALL: [Field; 15] = [
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
];

/// Lowercases a label and drops decoration: `*`, `:`, `?`, brackets of
/// "(required)", leading "your"/"what's".
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
    for noise in [
        "(required)",
        "(optional)",
        "(必須)",
        "必須",
        "(任意)",
        "任意",
        "(obligatoire)",
        "(pflichtfeld)",
    ] {
        s = s.replace(noise, " ");
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `needle` occurs in `hay` as whole words (Latin scripts).
fn has_word(hay: &str, needle: &str) -> bool {
    let mut start = 0;
    while let Some(pos) = hay.get(start..).and_then(|h| h.find(needle)) {
        let at = start + pos;
        let end = at + needle.len();
        let before_ok = hay[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        start = end;
    }
    false
}

fn any_word(hay: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| has_word(hay, n))
}

fn any_sub(hay: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| hay.contains(n))
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
    // Meta and consent fields first: they often contain "email" or "time".
    const META_EXACT: &[&str] = &[
        "date",
        "time",
        "sent",
        "to",
        "cc",
        "page",
        "site",
        "form",
        "source",
        "ip",
        "datum",
        "fecha",
        "date d'envoi",
        "submitted",
        "submitted on",
        "submitted at",
        "created",
        "created at",
        "entry",
        "entry date",
    ];
    if META_EXACT.contains(&l.as_str())
        || any_word(
            &l,
            &[
                "best time",
                "time to call",
                "time to contact",
                "contact method",
                "preferred contact",
                "how did you hear",
                "how did you find",
                "hear about",
                "referral source",
                "newsletter",
                "consent",
                "gdpr",
                "privacy",
                "agree",
                "terms",
                "ip address",
                "user agent",
                "referrer",
                "referer",
                "page url",
                "url",
                "website",
                "web site",
                "form name",
                "form id",
                "entry id",
                "submission id",
                "lead id",
                "ad name",
                "campaign",
                "adset",
                "ad set",
                "utm",
                "datenschutz",
                "einwilligung",
                "anrede",
                "salutation",
                "civilité",
                "tratamiento",
                "ip-adresse",
                "ip adresse",
                "furigana",
                "kana",
                "department",
                "abteilung",
                "departamento",
                "date submitted",
                "submission date",
            ],
        )
    {
        return Some(Field::Ignore);
    }
    if matches!(
        l.as_str(),
        "customer" | "client" | "kunde" | "cliente" | "prospect"
    ) {
        return Some(Field::Name);
    }
    if any_sub(
        &l,
        &[
            "フリガナ",
            "ふりがな",
            "カナ",
            "かな",
            "ホームページ",
            "url",
            "個人情報",
            "同意",
            "プライバシー",
            "送信日時",
            "部署",
        ],
    ) {
        return Some(Field::Ignore);
    }
    if any_sub(
        &l,
        &[
            "e-mail",
            "email",
            "e mail",
            "mail address",
            "メール",
            "ｍａｉｌ",
            "correo",
            "courriel",
            "adresse mail",
        ],
    ) || l == "mail"
    {
        // "Email me about..." style consent labels were caught above.
        return Some(Field::Email);
    }
    if l == "from"
        || l == "sender"
        || l == "von"
        || l == "de"
        || l == "absender"
        || l == "remitente"
    {
        return Some(Field::NameAndEmail);
    }
    if any_sub(&l, &["件名", "タイトル"])
        || any_word(&l, &["subject", "betreff", "asunto", "objet", "sujet"])
    {
        return Some(Field::Subject);
    }
    if any_sub(
        &l,
        &[
            "会社",
            "企業",
            "法人",
            "団体",
            "組織",
            "御社",
            "貴社",
            "勤務先",
            "屋号",
            "店舗名",
        ],
    ) || any_word(
        &l,
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "business",
            "business name",
            "employer",
            "firm",
            "practice",
            "practice name",
            "store name",
            "shop name",
            "dealership",
            "agency",
            "firma",
            "firmenname",
            "unternehmen",
            "empresa",
            "compañía",
            "compania",
            "organización",
            "société",
            "societe",
            "entreprise",
            "organisme",
            "raison sociale",
        ],
    ) {
        return Some(Field::Company);
    }
    if any_sub(&l, &["時期", "いつ頃", "いつごろ", "検討状況", "検討段階"]) {
        return Some(Field::Timeline);
    }
    if any_sub(
        &l,
        &[
            "商品名",
            "製品名",
            "サービス名",
            "物件名",
            "車種",
            "ご希望の商品",
            "ご興味",
            "興味",
            "関心",
            "ご希望",
            "希望",
            "種別",
            "プラン",
        ],
    ) {
        return Some(Field::Interest);
    }
    // Japanese names: 姓/名 split or a full 氏名.
    if l == "姓" || l.ends_with("(姓)") || l.contains("苗字") || l.contains("名字") {
        return Some(Field::LastName);
    }
    if l == "名" || l.ends_with("(名)") {
        return Some(Field::FirstName);
    }
    if any_sub(&l, &["名前", "氏名", "芳名", "担当者", "お名前"]) {
        return Some(Field::Name);
    }
    // Full-name combinations before the parts they contain.
    if any_word(
        &l,
        &[
            "full name",
            "vor- und nachname",
            "vor und nachname",
            "vollständiger name",
            "nombre y apellidos",
            "nombre y apellido",
            "nombre completo",
            "nom et prénom",
            "prénom et nom",
            "nom complet",
            "first and last name",
            "contact name",
            "customer name",
            "lead name",
        ],
    ) {
        return Some(Field::Name);
    }
    if any_word(
        &l,
        &[
            "first name",
            "firstname",
            "given name",
            "forename",
            "vorname",
            "prénom",
            "prenom",
            "first",
        ],
    ) {
        return Some(Field::FirstName);
    }
    if any_word(
        &l,
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "nachname",
            "familienname",
            "apellido",
            "apellidos",
            "nom de famille",
            "last",
        ],
    ) {
        return Some(Field::LastName);
    }
    if any_word(&l, &["nombre"]) {
        // Spanish "Nombre": the first name when "Apellidos" is asked too,
        // resolved later; a full name otherwise.
        return Some(Field::Name);
    }
    if any_word(&l, &["name", "nom", "your name", "ihr name"]) {
        return Some(Field::Name);
    }
    if any_sub(&l, &["電話", "携帯", "tel", "ｔｅｌ"])
        || any_word(
            &l,
            &[
                "phone",
                "phone number",
                "telephone",
                "mobile",
                "cell",
                "cellphone",
                "telefon",
                "telefonnummer",
                "handy",
                "mobil",
                "mobilnummer",
                "rückrufnummer",
                "teléfono",
                "telefono",
                "móvil",
                "movil",
                "celular",
                "téléphone",
                "telephone",
                "portable",
                "numéro de téléphone",
                "whatsapp",
            ],
        )
    {
        return Some(Field::Phone);
    }
    if any_sub(&l, &["役職", "肩書"])
        || any_word(
            &l,
            &[
                "job title",
                "title",
                "position",
                "role",
                "job role",
                "cargo",
                "puesto",
                "poste",
                "fonction",
                "titre",
            ],
        )
    {
        return Some(Field::Title);
    }
    if any_sub(&l, &["郵便番号", "〒"])
        || any_word(
            &l,
            &[
                "zip",
                "zip code",
                "zipcode",
                "postcode",
                "post code",
                "postal code",
                "postal",
                "plz",
                "postleitzahl",
                "código postal",
                "codigo postal",
                "code postal",
                "cp",
            ],
        )
    {
        return Some(Field::Postcode);
    }
    if l.contains("国") && !l.contains("国内")
        || any_word(&l, &["country", "land", "país", "pais", "pays"])
    {
        return Some(Field::Country);
    }
    if any_sub(
        &l,
        &["時期", "予定日", "いつ頃", "いつごろ", "スケジュール"],
    ) || any_word(
        &l,
        &[
            "timeline",
            "timeframe",
            "time frame",
            "purchase timeline",
            "purchase date",
            "purchase time",
            "buying timeframe",
            "how soon",
            "when",
            "start date",
            "move date",
            "moving date",
            "install date",
            "zeitrahmen",
            "zeitraum",
            "zeitplan",
            "kaufzeitpunkt",
            "wann",
            "plazo",
            "cuándo",
            "cuando",
            "fecha prevista",
            "délai",
            "delai",
            "échéance",
            "quand",
            "horizon",
            "dates",
            "event date",
            "preferred date",
            "desired date",
            "start",
            "expected start",
            "go live",
            "einzugstermin",
            "termin",
            "fecha de inicio",
            "date de début",
        ],
    ) {
        return Some(Field::Timeline);
    }
    if l.ends_with(" type") || l.starts_with("type of") || l.starts_with("kind of") {
        return Some(Field::Interest);
    }
    if any_sub(&l, &["商品", "製品", "サービス", "物件", "車両", "導入"])
        || any_word(
            &l,
            &[
                "interest",
                "interested",
                "interested in",
                "product",
                "products",
                "service",
                "service interested",
                "services",
                "service needed",
                "service required",
                "service requested",
                "type of service",
                "service type",
                "project",
                "project type",
                "vehicle",
                "model",
                "property",
                "inquiry type",
                "enquiry type",
                "request type",
                "topic",
                "category",
                "looking for",
                "need",
                "needs",
                "solution",
                "plan",
                "package",
                "interesse",
                "produkt",
                "leistung",
                "anliegen",
                "gewünschte leistung",
                "producto",
                "servicio",
                "interés",
                "interes",
                "produit",
                "intérêt",
                "interet",
                "prestation",
                "besoin",
                "objekt",
                "immobilie",
                "inmueble",
                "propiedad",
                "annonce",
                "projet",
                "bien",
                "would you like",
                "want",
                "need help",
                "help with",
            ],
        )
    {
        return Some(Field::Interest);
    }
    if any_sub(
        &l,
        &[
            "内容",
            "メッセージ",
            "ご質問",
            "質問",
            "備考",
            "要望",
            "ご相談",
            "相談",
            "本文",
            "お問い合わせ",
            "お問合せ",
        ],
    ) || any_word(
        &l,
        &[
            "message",
            "message body",
            "your message",
            "comments",
            "comment",
            "details",
            "description",
            "question",
            "questions",
            "inquiry",
            "enquiry",
            "notes",
            "note",
            "how can we help",
            "additional information",
            "additional info",
            "request",
            "nachricht",
            "ihre nachricht",
            "mitteilung",
            "kommentar",
            "anfrage",
            "bemerkung",
            "bemerkungen",
            "mensaje",
            "comentarios",
            "comentario",
            "consulta",
            "commentaire",
            "commentaires",
            "demande",
            "votre message",
        ],
    ) {
        return Some(Field::Message);
    }
    if any_word(
        &l,
        &[
            "address",
            "street",
            "city",
            "state",
            "adresse",
            "straße",
            "strasse",
            "ort",
            "stadt",
            "dirección",
            "ciudad",
            "ville",
            "rue",
        ],
    ) || any_sub(&l, &["住所", "都道府県", "市区町村"])
    {
        return Some(Field::Ignore);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
