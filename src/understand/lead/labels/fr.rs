//! French labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "fr",
    labels: &[
        (Stage::Meta, &["=date d'envoi", "civilité", "site internet"]),
        (Stage::Headline, &["=nouveau contact", "=nouvelle demande"]),
        (Stage::Email, &["~courriel", "~adresse mail"]),
        (Stage::Sender, &["=expéditeur"]),
        (Stage::Subject, &["objet", "sujet"]),
        (
            Stage::Company,
            &[
                "société",
                "societe",
                "entreprise",
                "organisme",
                "raison sociale",
            ],
        ),
        (
            Stage::FullName,
            &["nom et prénom", "prénom et nom", "nom complet"],
        ),
        (Stage::FirstName, &["prénom", "prenom"]),
        (Stage::LastName, &["nom de famille"]),
        (Stage::Name, &["nom"]),
        (
            Stage::Phone,
            &["téléphone", "portable", "numéro de téléphone"],
        ),
        (Stage::Title, &["poste", "fonction", "titre"]),
        (Stage::Postcode, &["code postal"]),
        (Stage::Country, &["pays"]),
        (
            Stage::Timeline,
            &[
                "délai",
                "delai",
                "échéance",
                "quand",
                "horizon",
                "date de début",
            ],
        ),
        (Stage::Property, &["annonce", "bien", "type de bien"]),
        (
            Stage::Interest,
            &[
                "produit",
                "intérêt",
                "interet",
                "prestation",
                "besoin",
                "projet",
            ],
        ),
        (
            Stage::Message,
            &["commentaire", "commentaires", "demande", "votre message"],
        ),
        (Stage::Address, &["ville", "rue"]),
    ],
    noise: &["(obligatoire)"],
    empty_values: &["aucun", "aucune"],
    forward_markers: &[
        "message transféré",
        "message d'origine",
        "message original",
        "début du message réexpédié",
    ],
    forward_headers: &[
        (Header::From, &["de", "expéditeur"]),
        (Header::Date, &["envoyé", "date"]),
        (Header::Subject, &["objet"]),
        (Header::To, &["à", "cc"]),
        (Header::ReplyTo, &["répondre à"]),
    ],
    lead_signals: &[
        "demande de devis",
        "demande de contact",
        "formulaire",
        "nouveau contact",
        "nouveau message",
    ],
    listing_words: &["immobilier", "résidence", "appartements", "agence"],
    says_words: &[
        "écrit",
        "dit",
        "demande",
        "vous a envoyé un message",
        "vous a écrit",
    ],
    about_words: &[
        "concernant",
        "au sujet de",
        "intéressé par",
        "intéressée par",
    ],
};
