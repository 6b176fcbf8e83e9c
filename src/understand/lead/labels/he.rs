//! Hebrew labels and words. `דוא"ל` reads as `דוא ל` once the label is normalised.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "he",
    labels: &[
        (Stage::Meta, &["הסכמה", "מדיניות פרטיות"]),
        (Stage::Sender, &["=מאת"]),
        (Stage::Subject, &["נושא", "נושא הפנייה"]),
        (Stage::Company, &["חברה", "שם החברה", "שם העסק", "ארגון"]),
        (Stage::FullName, &["שם מלא"]),
        (Stage::FirstName, &["שם פרטי"]),
        (Stage::LastName, &["שם משפחה"]),
        (Stage::Name, &["שם", "שמך"]),
        (
            Stage::Email,
            &["דוא ל", "דוא״ל", "אימייל", "מייל", "דואר אלקטרוני"],
        ),
        (
            Stage::Phone,
            &["טלפון", "טלפון נייד", "נייד", "מספר טלפון", "פלאפון"],
        ),
        (Stage::Title, &["תפקיד"]),
        (Stage::Postcode, &["מיקוד"]),
        (Stage::Country, &["מדינה"]),
        (Stage::Timeline, &["מתי"]),
        (Stage::Interest, &["שירות", "מוצר", "השירות המבוקש"]),
        (Stage::Message, &["הודעה", "תוכן ההודעה", "הערות", "פרטים"]),
        (Stage::Address, &["כתובת", "עיר", "ישוב"]),
    ],
    noise: &["(חובה)"],
    empty_values: &["אין"],
    forward_markers: &["הודעה שהועברה", "ההודעה המקורית"],
    forward_headers: &[
        (Header::From, &["מאת"]),
        (Header::Date, &["תאריך", "נשלח"]),
        (Header::Subject, &["נושא"]),
        (Header::To, &["אל"]),
    ],
    lead_signals: &["פנייה חדשה", "הצעת מחיר", "טופס צור קשר", "ליד חדש"],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &["הצעת מחיר", "כמה עולה"],
    seller_words: &["תודה על פנייתך", "אנו מציעים"],
    phone_events: &["שיחה שלא נענתה", "הודעה קולית"],
    self_intros: &["שמי"],
};
