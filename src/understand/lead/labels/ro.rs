//! Romanian labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "ro",
    labels: &[
        (Stage::Meta, &["acord", "gdpr", "termeni și condiții"]),
        (Stage::Subject, &["subiect"]),
        (Stage::Company, &["companie", "firmă", "firma", "societate"]),
        (Stage::FullName, &["nume complet", "nume și prenume"]),
        (Stage::FirstName, &["prenume"]),
        (Stage::LastName, &["nume de familie"]),
        (Stage::Name, &["nume", "numele dvs", "persoană de contact"]),
        (
            Stage::Email,
            &["e-mail", "adresa de e-mail", "adresă de email"],
        ),
        (Stage::Phone, &["telefon", "număr de telefon", "mobil"]),
        (Stage::Title, &["funcție", "funcția"]),
        (Stage::Postcode, &["cod poștal"]),
        (Stage::Country, &["țară", "țara"]),
        (Stage::Timeline, &["termen", "când", "perioadă"]),
        (Stage::Interest, &["serviciu", "produs", "interesat de"]),
        (
            Stage::Message,
            &["mesaj", "mesajul dvs", "detalii", "observații"],
        ),
        (
            Stage::Address,
            &["adresă", "adresa", "oraș", "localitate", "județ"],
        ),
    ],
    noise: &["(obligatoriu)"],
    empty_values: &["nu este cazul"],
    forward_markers: &["mesaj redirecționat", "mesaj original"],
    forward_headers: &[
        (Header::From, &["de la"]),
        (Header::Date, &["data", "trimis"]),
        (Header::Subject, &["subiect"]),
        (Header::To, &["către"]),
    ],
    lead_signals: &["cerere de ofertă", "formular de contact", "solicitare nouă"],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &["ofertă", "cât costă", "preț"],
    seller_words: &["vă mulțumim pentru mesaj", "oferim"],
    phone_events: &["apel nepreluat", "mesaj vocal"],
    self_intros: &["numele meu este", "mă numesc"],
};
