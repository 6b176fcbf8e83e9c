//! Greek labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "el",
    labels: &[
        (Stage::Meta, &["συγκατάθεση", "προσωπικών δεδομένων"]),
        (Stage::Sender, &["=από", "=αποστολέας"]),
        (Stage::Subject, &["θέμα"]),
        (Stage::Company, &["εταιρεία", "επωνυμία", "επιχείρηση"]),
        (Stage::FullName, &["ονοματεπώνυμο", "ονοματεπωνυμο"]),
        (Stage::LastName, &["επώνυμο", "επωνυμο"]),
        (Stage::GivenOrFullName, &["όνομα", "ονομα"]),
        (
            Stage::Email,
            &["email", "ηλεκτρονικό ταχυδρομείο", "διεύθυνση email"],
        ),
        (Stage::Phone, &["τηλέφωνο", "τηλεφωνο", "κινητό", "τηλ"]),
        (Stage::Title, &["θέση"]),
        (Stage::Postcode, &["ταχυδρομικός κώδικας", "τ.κ"]),
        (Stage::Country, &["χώρα"]),
        (Stage::Timeline, &["πότε", "χρονοδιάγραμμα"]),
        (Stage::Interest, &["υπηρεσία", "προϊόν", "ενδιαφέρομαι για"]),
        (Stage::Message, &["μήνυμα", "σχόλια", "περιγραφή"]),
        (Stage::Address, &["διεύθυνση", "πόλη"]),
    ],
    noise: &["(υποχρεωτικό)"],
    empty_values: &["κανένα"],
    forward_markers: &["προωθημένο μήνυμα", "αρχικό μήνυμα"],
    forward_headers: &[
        (Header::From, &["από"]),
        (Header::Date, &["ημερομηνία", "στάλθηκε"]),
        (Header::Subject, &["θέμα"]),
        (Header::To, &["προς"]),
    ],
    lead_signals: &["αίτημα προσφοράς", "φόρμα επικοινωνίας", "νέο αίτημα"],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &["προσφορά", "πόσο κοστίζει", "τιμή"],
    seller_words: &["ευχαριστούμε για το αίτημά σας", "προσφέρουμε"],
    phone_events: &["αναπάντητη κλήση", "φωνητικό μήνυμα"],
    self_intros: &["με λένε", "ονομάζομαι"],
};
