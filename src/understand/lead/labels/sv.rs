//! Swedish labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "sv",
    labels: &[
        (
            Stage::Meta,
            &["samtycke", "integritetspolicy", "gdpr", "godkänner"],
        ),
        (Stage::Sender, &["=från", "=avsändare"]),
        (Stage::Subject, &["ämne", "ärende"]),
        (
            Stage::Company,
            &["företag", "företagsnamn", "bolag", "organisation"],
        ),
        (
            Stage::FullName,
            &["fullständigt namn", "för- och efternamn"],
        ),
        (Stage::FirstName, &["förnamn"]),
        (Stage::LastName, &["efternamn"]),
        (Stage::Name, &["namn", "ditt namn", "kontaktperson"]),
        (
            Stage::Email,
            &[
                "e-post",
                "e-postadress",
                "epost",
                "mejl",
                "mejladress",
                "din e-post",
            ],
        ),
        (
            Stage::Phone,
            &[
                "telefon",
                "telefonnummer",
                "mobil",
                "mobilnummer",
                "mobiltelefon",
                "tel",
            ],
        ),
        (Stage::Title, &["befattning", "titel"]),
        (Stage::Postcode, &["postnummer"]),
        (Stage::Country, &["=land"]),
        (
            Stage::Timeline,
            &["tidsram", "när vill", "önskat startdatum", "när"],
        ),
        (
            Stage::Interest,
            &[
                "tjänst",
                "produkt",
                "intresserad av",
                "vad gäller",
                "typ av tjänst",
            ],
        ),
        (
            Stage::Message,
            &[
                "meddelande",
                "ditt meddelande",
                "beskrivning",
                "övrigt",
                "fråga",
                "kommentar",
            ],
        ),
        (
            Stage::Address,
            &["adress", "gatuadress", "ort", "postort", "stad"],
        ),
    ],
    noise: &["(obligatoriskt)", "(valfritt)"],
    empty_values: &["ingen", "inget"],
    forward_markers: &["vidarebefordrat meddelande", "ursprungligt meddelande"],
    forward_headers: &[
        (Header::From, &["från"]),
        (Header::Date, &["datum", "skickat"]),
        (Header::Subject, &["ämne"]),
        (Header::To, &["till", "kopia"]),
    ],
    lead_signals: &[
        "förfrågan",
        "offertförfrågan",
        "kontaktformulär",
        "kontaktformuläret",
        "ny intressent",
    ],
    listing_words: &["fastigheter", "fastighetsbyrå", "mäklare", "lägenheter"],
    says_words: &["skriver"],
    about_words: &["intresserad av"],
    enquiry_asks: &[
        "offert",
        "vad kostar",
        "vad skulle det kosta",
        "pris på",
        "priset för",
        "lediga tider",
    ],
    seller_words: &[
        "tack för din förfrågan",
        "bifogat vår offert",
        "vi erbjuder",
    ],
    phone_events: &[
        "missat samtal",
        "röstmeddelande",
        "röstbrevlåda",
        "sms från",
    ],
    self_intros: &["jag heter", "det är"],
};
