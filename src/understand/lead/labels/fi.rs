//! Finnish labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "fi",
    labels: &[
        (Stage::Meta, &["suostumus", "tietosuoja"]),
        (Stage::Sender, &["=lähettäjä"]),
        (Stage::Subject, &["aihe"]),
        (
            Stage::Company,
            &["yritys", "yrityksen nimi", "organisaatio"],
        ),
        (Stage::FullName, &["koko nimi"]),
        (Stage::FirstName, &["etunimi"]),
        (Stage::LastName, &["sukunimi"]),
        (Stage::Name, &["nimi", "nimesi", "yhteyshenkilö"]),
        (Stage::Email, &["sähköposti", "sähköpostiosoite"]),
        (
            Stage::Phone,
            &["puhelin", "puhelinnumero", "matkapuhelin", "puh"],
        ),
        (Stage::Title, &["titteli", "tehtävänimike"]),
        (Stage::Postcode, &["postinumero"]),
        (Stage::Country, &["maa"]),
        (Stage::Timeline, &["aikataulu", "milloin"]),
        (Stage::Interest, &["palvelu", "tuote", "kiinnostunut"]),
        (
            Stage::Message,
            &["viesti", "lisätiedot", "kuvaus", "kysymys"],
        ),
        (
            Stage::Address,
            &["osoite", "katuosoite", "kaupunki", "postitoimipaikka"],
        ),
    ],
    noise: &["(pakollinen)"],
    empty_values: &["ei ole"],
    forward_markers: &["välitetty viesti", "alkuperäinen viesti"],
    forward_headers: &[
        (Header::From, &["lähettäjä"]),
        (Header::Date, &["päivämäärä", "lähetetty"]),
        (Header::Subject, &["aihe"]),
        (Header::To, &["vastaanottaja"]),
    ],
    lead_signals: &["tarjouspyyntö", "yhteydenotto", "yhteydenottopyyntö"],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &["tarjous", "paljonko maksaa", "hinta"],
    seller_words: &["kiitos yhteydenotostasi", "tarjoamme"],
    phone_events: &["vastaamaton puhelu", "ääniviesti", "tekstiviesti"],
    self_intros: &["nimeni on"],
};
