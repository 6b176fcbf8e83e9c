//! German labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "de",
    labels: &[
        (
            Stage::Meta,
            &[
                "=datum",
                "datenschutz",
                "einwilligung",
                "anrede",
                "ip-adresse",
                "ip adresse",
                "abteilung",
                "webseite",
            ],
        ),
        (
            Stage::Headline,
            &["=neue anfrage", "=neuer lead", "=neue kontaktanfrage"],
        ),
        (Stage::Person, &["=kunde", "=interessent"]),
        (Stage::Sender, &["=von", "=absender"]),
        (Stage::Subject, &["betreff"]),
        (
            Stage::Company,
            &["firma", "firmenname", "unternehmen", "organisation"],
        ),
        (
            Stage::FullName,
            &[
                "vor- und nachname",
                "vor und nachname",
                "vollständiger name",
            ],
        ),
        (Stage::FirstName, &["vorname"]),
        (Stage::LastName, &["nachname", "familienname"]),
        (Stage::Name, &["ihr name"]),
        (
            Stage::Phone,
            &[
                "telefon",
                "telefonnummer",
                "handy",
                "mobil",
                "mobilnummer",
                "rückrufnummer",
            ],
        ),
        (Stage::Title, &["position", "funktion", "berufsbezeichnung"]),
        (Stage::Postcode, &["plz", "postleitzahl"]),
        (Stage::Country, &["land"]),
        (
            Stage::Timeline,
            &[
                "zeitrahmen",
                "zeitraum",
                "zeitplan",
                "kaufzeitpunkt",
                "wann",
                "einzugstermin",
                "termin",
            ],
        ),
        (
            Stage::Property,
            &["objekt", "immobilie", "objektart", "immobilientyp"],
        ),
        (
            Stage::Interest,
            &[
                "interesse",
                "produkt",
                "leistung",
                "anliegen",
                "gewünschte leistung",
                "dienstleistung",
            ],
        ),
        (
            Stage::Message,
            &[
                "nachricht",
                "ihre nachricht",
                "mitteilung",
                "kommentar",
                "anfrage",
                "bemerkung",
                "bemerkungen",
            ],
        ),
        (
            Stage::Address,
            &["adresse", "straße", "strasse", "ort", "stadt"],
        ),
    ],
    noise: &["(pflichtfeld)"],
    empty_values: &["keine", "k.a.", "k. a."],
    forward_markers: &[
        "weitergeleitete nachricht",
        "ursprüngliche nachricht",
        "originalnachricht",
        "anfang der weitergeleiteten",
    ],
    forward_headers: &[
        (Header::From, &["von"]),
        (Header::Date, &["gesendet", "datum"]),
        (Header::Subject, &["betreff"]),
        (Header::To, &["an", "kopie"]),
        (Header::ReplyTo, &["antwort an"]),
    ],
    lead_signals: &[
        "anfrage",
        "kontaktanfrage",
        "kontaktformular",
        "angebotsanfrage",
        "neuer kontakt",
    ],
    listing_words: &[
        "immobilien",
        "wohnungen",
        "gmbh",
        "verwaltung",
        "hausverwaltung",
    ],
    says_words: &[
        "schreibt",
        "sagt",
        "fragt",
        "hat ihnen eine nachricht gesendet",
        "hat ihnen eine nachricht geschickt",
        "hat dir eine nachricht geschickt",
    ],
    about_words: &["bezüglich", "interessiert sich für", "sucht", "benötigt"],
};
