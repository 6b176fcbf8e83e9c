//! Hungarian labels and words. Hungarian names are written family name first and kept as written.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "hu",
    labels: &[
        (Stage::Meta, &["hozzájárulás", "adatvédelmi", "elfogadom"]),
        (Stage::Sender, &["=feladó"]),
        (Stage::Subject, &["tárgy"]),
        (Stage::Company, &["cégnév", "cég", "vállalat", "cég neve"]),
        (Stage::FullName, &["teljes név"]),
        (Stage::FirstName, &["keresztnév", "utónév"]),
        (Stage::LastName, &["vezetéknév"]),
        (
            Stage::Name,
            &["név", "neve", "az ön neve", "kapcsolattartó"],
        ),
        (Stage::Email, &["e-mail cím", "email cím", "e-mail"]),
        (
            Stage::Phone,
            &["telefon", "telefonszám", "mobil", "mobilszám"],
        ),
        (Stage::Title, &["beosztás"]),
        (Stage::Postcode, &["irányítószám"]),
        (Stage::Country, &["ország"]),
        (Stage::Timeline, &["határidő", "mikor"]),
        (
            Stage::Interest,
            &["szolgáltatás", "termék", "érdeklődés tárgya"],
        ),
        (
            Stage::Message,
            &["üzenet", "megjegyzés", "leírás", "kérdés"],
        ),
        (Stage::Address, &["cím", "város", "utca", "település"]),
    ],
    noise: &["(kötelező)"],
    empty_values: &["nincs"],
    forward_markers: &["továbbított üzenet", "eredeti üzenet"],
    forward_headers: &[
        (Header::From, &["feladó"]),
        (Header::Date, &["dátum", "elküldve"]),
        (Header::Subject, &["tárgy"]),
        (Header::To, &["címzett"]),
    ],
    lead_signals: &[
        "ajánlatkérés",
        "kapcsolatfelvétel",
        "új érdeklődő",
        "érdeklődés",
    ],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &[
        "árajánlat",
        "árajánlatot",
        "árajánlatkérés",
        "ajánlatot kérni",
        "ajánlatot szeretnék",
        "mennyibe kerül",
        "mennyibe kerülne",
    ],
    seller_words: &["köszönjük megkeresését", "mellékelten küldjük", "kínálunk"],
    phone_events: &["nem fogadott hívás", "hangüzenet"],
    self_intros: &["a nevem"],
};
