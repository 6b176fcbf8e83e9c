//! Italian labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "it",
    labels: &[
        (
            Stage::Meta,
            &[
                "=data",
                "=ora",
                "consenso",
                "trattamento dei dati",
                "informativa",
                "come ci hai conosciuto",
                "sito web",
                "indirizzo ip",
            ],
        ),
        (Stage::Headline, &["=nuovo contatto", "=nuova richiesta"]),
        (Stage::Email, &["posta elettronica"]),
        (Stage::Sender, &["=da", "=mittente"]),
        (Stage::Subject, &["oggetto"]),
        (
            Stage::Company,
            &[
                "azienda",
                "nome azienda",
                "ragione sociale",
                "società",
                "ditta",
                "impresa",
            ],
        ),
        (
            Stage::FullName,
            &["nome e cognome", "nome completo", "cognome e nome"],
        ),
        (Stage::LastName, &["cognome"]),
        (Stage::GivenOrFullName, &["nome", "il tuo nome"]),
        (
            Stage::Phone,
            &[
                "telefono",
                "cellulare",
                "numero di telefono",
                "recapito telefonico",
            ],
        ),
        (Stage::Title, &["ruolo", "qualifica", "mansione"]),
        (Stage::Postcode, &["cap", "codice postale"]),
        (Stage::Country, &["paese", "nazione"]),
        (
            Stage::Timeline,
            &[
                "tempistica",
                "tempistiche",
                "quando",
                "entro quando",
                "data prevista",
            ],
        ),
        (
            Stage::Property,
            &["immobile", "tipologia immobile", "annuncio"],
        ),
        (
            Stage::Interest,
            &[
                "servizio",
                "servizio richiesto",
                "prodotto",
                "interesse",
                "interessato a",
                "tipo di servizio",
            ],
        ),
        (
            Stage::Message,
            &[
                "messaggio",
                "il tuo messaggio",
                "richiesta",
                "commento",
                "commenti",
                "domanda",
                "descrizione",
            ],
        ),
        (
            Stage::Address,
            &["indirizzo", "città", "via", "provincia", "comune"],
        ),
    ],
    noise: &["(obbligatorio)", "(facoltativo)"],
    empty_values: &["nessuno", "nessuna"],
    forward_markers: &[
        "messaggio inoltrato",
        "messaggio originale",
        "inizio messaggio inoltrato",
        "inoltrato",
    ],
    forward_headers: &[
        (Header::From, &["da"]),
        (Header::Date, &["data", "inviato"]),
        (Header::Subject, &["oggetto"]),
        (Header::To, &["a", "cc"]),
        (Header::ReplyTo, &["rispondi a"]),
    ],
    lead_signals: &[
        "richiesta",
        "richiesta di preventivo",
        "preventivo",
        "nuovo contatto",
        "modulo di contatto",
        "nuovo messaggio",
    ],
    listing_words: &["immobiliare", "appartamenti", "residence"],
    says_words: &[
        "scrive",
        "dice",
        "chiede",
        "ti ha inviato un messaggio",
        "le ha inviato un messaggio",
        "ti ha scritto",
    ],
    about_words: &[
        "riguardo a",
        "riguardo",
        "interessato a",
        "interessata a",
        "richiede",
        "cerca",
    ],
};
