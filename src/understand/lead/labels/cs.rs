//! Czech and Slovak labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "cs",
    labels: &[
        (
            Stage::Meta,
            &["souhlas", "súhlas", "gdpr", "ochrana osobních údajů"],
        ),
        (Stage::Sender, &["=od", "=odesílatel"]),
        (Stage::Subject, &["předmět", "predmet"]),
        (
            Stage::Company,
            &[
                "firma",
                "název firmy",
                "společnost",
                "název společnosti",
                "spoločnosť",
                "názov firmy",
            ],
        ),
        (
            Stage::FullName,
            &["jméno a příjmení", "celé jméno", "meno a priezvisko"],
        ),
        (Stage::LastName, &["příjmení", "priezvisko"]),
        (Stage::GivenOrFullName, &["jméno", "meno", "vaše jméno"]),
        (
            Stage::Email,
            &[
                "e-mailová adresa",
                "emailová adresa",
                "e-mail",
                "váš e-mail",
            ],
        ),
        (
            Stage::Phone,
            &[
                "telefon",
                "telefonní číslo",
                "tel. číslo",
                "mobil",
                "telefónne číslo",
                "telefón",
            ],
        ),
        (Stage::Title, &["pozice", "pozícia"]),
        (Stage::Postcode, &["psč"]),
        (Stage::Country, &["země", "krajina"]),
        (Stage::Timeline, &["termín realizace", "kdy"]),
        (Stage::Interest, &["služba", "produkt", "mám zájem o"]),
        (
            Stage::Message,
            &[
                "zpráva",
                "vaše zpráva",
                "správa",
                "poznámka",
                "popis",
                "dotaz",
            ],
        ),
        (
            Stage::Address,
            &["adresa", "město", "ulice", "mesto", "obec"],
        ),
    ],
    noise: &["(povinné)", "(nepovinné)"],
    empty_values: &["žádné", "nic"],
    forward_markers: &["přeposlaná zpráva", "původní zpráva", "preposlaná správa"],
    forward_headers: &[
        (Header::From, &["od"]),
        (Header::Date, &["datum", "odesláno"]),
        (Header::Subject, &["předmět"]),
        (Header::To, &["komu"]),
    ],
    lead_signals: &[
        "poptávka",
        "nová poptávka",
        "dopyt",
        "kontaktní formulář",
        "kontaktný formulár",
        "dotaz z webu",
    ],
    listing_words: &["reality", "nemovitosti", "byty"],
    says_words: &["píše"],
    about_words: &["má zájem o"],
    enquiry_asks: &[
        "cenová nabídka",
        "cenovou nabídku",
        "kolik stojí",
        "kolik by stál",
        "kolik by stála",
        "kolik by stálo",
        "cena za",
    ],
    seller_words: &["děkujeme za poptávku", "v příloze zasíláme", "nabízíme"],
    phone_events: &[
        "zmeškaný hovor",
        "hlasová zpráva",
        "hlasová schránka",
        "sms od",
    ],
    self_intros: &["jmenuji se", "volám z"],
};
