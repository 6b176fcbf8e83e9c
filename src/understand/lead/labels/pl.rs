//! Polish labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "pl",
    labels: &[
        (
            Stage::Meta,
            &["zgoda", "rodo", "polityka prywatności", "akceptuję"],
        ),
        (Stage::Sender, &["=od", "=nadawca"]),
        (Stage::Subject, &["temat"]),
        (
            Stage::Company,
            &[
                "firma",
                "nazwa firmy",
                "firma lub organizacja",
                "organizacja",
            ],
        ),
        (Stage::FullName, &["imię i nazwisko", "imie i nazwisko"]),
        (Stage::LastName, &["nazwisko"]),
        (Stage::GivenOrFullName, &["imię", "imie", "twoje imię"]),
        (Stage::Name, &["osoba kontaktowa"]),
        (
            Stage::Email,
            &["adres e-mail", "adres email", "e-mail", "twój adres e-mail"],
        ),
        (
            Stage::Phone,
            &[
                "telefon",
                "numer telefonu",
                "nr telefonu",
                "nr tel",
                "telefon kontaktowy",
                "komórka",
            ],
        ),
        (Stage::Title, &["stanowisko"]),
        (Stage::Postcode, &["kod pocztowy"]),
        (Stage::Country, &["kraj"]),
        (Stage::Timeline, &["termin realizacji", "kiedy"]),
        (
            Stage::Interest,
            &[
                "usługa",
                "rodzaj usługi",
                "produkt",
                "czego dotyczy",
                "zainteresowany",
                "zainteresowana",
            ],
        ),
        (
            Stage::Message,
            &[
                "wiadomość",
                "treść",
                "treść wiadomości",
                "uwagi",
                "opis",
                "pytanie",
            ],
        ),
        (Stage::Address, &["adres", "miasto", "ulica", "miejscowość"]),
    ],
    noise: &["(wymagane)", "(opcjonalnie)"],
    empty_values: &["brak", "nie dotyczy"],
    forward_markers: &[
        "przekazana wiadomość",
        "wiadomość przekazana",
        "oryginalna wiadomość",
    ],
    forward_headers: &[
        (Header::From, &["od"]),
        (Header::Date, &["data", "wysłano"]),
        (Header::Subject, &["temat"]),
        (Header::To, &["do", "dw"]),
    ],
    lead_signals: &[
        "zapytanie",
        "zapytanie ofertowe",
        "formularza kontaktowego",
        "formularz kontaktowy",
        "nowe zgłoszenie",
    ],
    listing_words: &["nieruchomości", "apartamenty", "mieszkania"],
    says_words: &["pisze", "napisał", "napisała"],
    about_words: &["interesuje się"],
    enquiry_asks: &[
        "wycena",
        "wycenę",
        "wyceny",
        "ile kosztuje",
        "ile by kosztował",
        "ofertę",
        "cena za",
    ],
    seller_words: &[
        "dziękujemy za zapytanie",
        "w załączeniu nasza oferta",
        "oferujemy",
    ],
    phone_events: &[
        "nieodebrane połączenie",
        "poczta głosowa",
        "wiadomość głosowa",
        "sms od",
    ],
    self_intros: &["nazywam się", "z tej strony"],
};
