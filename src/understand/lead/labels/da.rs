//! Danish and Norwegian (Bokmål) labels and words: the two share most form words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "da",
    labels: &[
        (
            Stage::Meta,
            &["samtykke", "persondatapolitik", "personvern", "gdpr"],
        ),
        (Stage::Sender, &["=fra", "=afsender", "=avsender"]),
        (Stage::Subject, &["emne"]),
        (
            Stage::Company,
            &[
                "firma",
                "firmanavn",
                "virksomhed",
                "virksomhet",
                "bedrift",
                "selskab",
                "selskap",
            ],
        ),
        (Stage::FullName, &["fulde navn", "fullt navn", "fulde navn"]),
        (Stage::FirstName, &["fornavn"]),
        (Stage::LastName, &["efternavn", "etternavn"]),
        (
            Stage::Name,
            &["navn", "dit navn", "ditt navn", "kontaktperson"],
        ),
        (
            Stage::Email,
            &[
                "e-post",
                "e-postadresse",
                "epost",
                "e-mailadresse",
                "mailadresse",
            ],
        ),
        (
            Stage::Phone,
            &[
                "telefon",
                "telefonnummer",
                "telefonnr",
                "tlf",
                "mobil",
                "mobilnummer",
            ],
        ),
        (Stage::Title, &["stilling"]),
        (Stage::Postcode, &["postnummer", "postnr"]),
        (
            Stage::Timeline,
            &["tidsramme", "tidspunkt", "hvornår", "når"],
        ),
        (
            Stage::Interest,
            &[
                "tjeneste",
                "ydelse",
                "produkt",
                "interesseret i",
                "interessert i",
            ],
        ),
        (
            Stage::Message,
            &[
                "besked",
                "beskjed",
                "melding",
                "kommentar",
                "beskrivelse",
                "din besked",
                "din melding",
            ],
        ),
        (Stage::Address, &["adresse", "poststed"]),
    ],
    noise: &["(påkrævet)", "(påkrevd)", "(valgfri)"],
    empty_values: &["ingen"],
    forward_markers: &[
        "videresendt meddelelse",
        "videresendt melding",
        "oprindelig meddelelse",
        "opprinnelig melding",
    ],
    forward_headers: &[
        (Header::From, &["fra"]),
        (Header::Date, &["dato", "sendt"]),
        (Header::Subject, &["emne"]),
        (Header::To, &["til"]),
    ],
    lead_signals: &[
        "henvendelse",
        "forespørgsel",
        "forespørsel",
        "kontaktformular",
        "kontaktskjema",
        "tilbudsforespørsel",
    ],
    listing_words: &[
        "ejendomme",
        "eiendom",
        "ejendomsmægler",
        "eiendomsmegler",
        "lejligheder",
        "leiligheter",
    ],
    says_words: &["skriver"],
    about_words: &["interesseret i", "interessert i"],
    enquiry_asks: &[
        "tilbud på",
        "hvad koster",
        "hva koster",
        "pris på",
        "prisen for",
    ],
    seller_words: &[
        "tak for din henvendelse",
        "takk for din henvendelse",
        "vi tilbyder",
        "vi tilbyr",
    ],
    phone_events: &[
        "ubesvaret opkald",
        "tapt anrop",
        "ubesvart anrop",
        "talebesked",
        "talemelding",
        "sms fra",
    ],
    self_intros: &["mit navn er", "mitt navn er", "jeg hedder", "jeg heter"],
};
