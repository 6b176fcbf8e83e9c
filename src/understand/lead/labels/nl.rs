//! Dutch labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "nl",
    labels: &[
        (
            Stage::Meta,
            &[
                "=tijd",
                "toestemming",
                "akkoord",
                "voorwaarden",
                "hoe heeft u ons gevonden",
                "aanhef",
            ],
        ),
        (Stage::Headline, &["=nieuwe aanvraag", "=nieuw contact"]),
        (Stage::Person, &["=klant"]),
        (Stage::Sender, &["=van", "=afzender"]),
        (Stage::Subject, &["onderwerp"]),
        (Stage::Company, &["bedrijf", "bedrijfsnaam", "organisatie"]),
        (
            Stage::FullName,
            &[
                "volledige naam",
                "voor- en achternaam",
                "voor en achternaam",
            ],
        ),
        (Stage::FirstName, &["voornaam"]),
        (Stage::LastName, &["achternaam"]),
        (Stage::Name, &["naam", "uw naam"]),
        (
            Stage::Phone,
            &[
                "telefoon",
                "telefoonnummer",
                "mobiel",
                "mobiel nummer",
                "gsm",
            ],
        ),
        (Stage::Title, &["functie"]),
        (
            Stage::Timeline,
            &[
                "wanneer",
                "termijn",
                "planning",
                "gewenste datum",
                "startdatum",
            ],
        ),
        (Stage::Property, &["woning", "type woning", "object"]),
        (
            Stage::Interest,
            &[
                "dienst",
                "interesse",
                "soort dienst",
                "type dienst",
                "geïnteresseerd in",
                "geïnteresseerd",
            ],
        ),
        (
            Stage::Message,
            &[
                "bericht",
                "uw bericht",
                "opmerking",
                "opmerkingen",
                "vraag",
                "omschrijving",
                "toelichting",
            ],
        ),
        (
            Stage::Address,
            &["adres", "straat", "plaats", "woonplaats", "huisnummer"],
        ),
    ],
    noise: &["(verplicht)", "(optioneel)"],
    empty_values: &["geen"],
    forward_markers: &[
        "doorgestuurd bericht",
        "oorspronkelijk bericht",
        "origineel bericht",
        "begin doorgestuurd bericht",
    ],
    forward_headers: &[
        (Header::From, &["van"]),
        (Header::Date, &["datum", "verzonden"]),
        (Header::Subject, &["onderwerp"]),
        (Header::To, &["aan", "cc"]),
        (Header::ReplyTo, &["antwoord aan"]),
    ],
    lead_signals: &[
        "aanvraag",
        "offerteaanvraag",
        "offerte",
        "contactformulier",
        "nieuw contact",
        "nieuw bericht",
    ],
    listing_words: &["makelaardij", "makelaars", "appartementen", "vastgoed"],
    says_words: &[
        "zegt",
        "schrijft",
        "schreef",
        "vraagt",
        "heeft je een bericht gestuurd",
        "heeft u een bericht gestuurd",
        "stuurde je een bericht",
    ],
    about_words: &["over", "geïnteresseerd in", "zoekt", "vraagt"],
};
