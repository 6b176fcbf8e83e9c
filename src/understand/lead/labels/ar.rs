//! Arabic labels and words. Read after bidirectional marks are dropped (`form`).

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "ar",
    labels: &[
        (Stage::Meta, &["الموافقة", "سياسة الخصوصية"]),
        (Stage::Sender, &["=من", "=المرسل"]),
        (Stage::Subject, &["الموضوع"]),
        (
            Stage::Company,
            &["الشركة", "اسم الشركة", "المؤسسة", "الجهة"],
        ),
        (Stage::FullName, &["الاسم الكامل", "الاسم بالكامل"]),
        (Stage::FirstName, &["الاسم الأول"]),
        (Stage::LastName, &["اسم العائلة"]),
        (Stage::Name, &["الاسم", "اسمك", "اسم"]),
        (
            Stage::Email,
            &[
                "البريد الإلكتروني",
                "البريد الالكتروني",
                "البريد",
                "الإيميل",
                "الايميل",
            ],
        ),
        (
            Stage::Phone,
            &[
                "الهاتف",
                "رقم الهاتف",
                "هاتف",
                "الجوال",
                "رقم الجوال",
                "جوال",
                "الموبايل",
                "رقم الموبايل",
            ],
        ),
        (Stage::Title, &["المسمى الوظيفي", "الوظيفة"]),
        (Stage::Postcode, &["الرمز البريدي"]),
        (Stage::Country, &["الدولة", "البلد"]),
        (Stage::Timeline, &["متى", "الموعد المطلوب"]),
        (
            Stage::Interest,
            &["الخدمة", "الخدمة المطلوبة", "المنتج", "نوع الخدمة"],
        ),
        (
            Stage::Message,
            &["الرسالة", "رسالتك", "ملاحظات", "التفاصيل", "الاستفسار"],
        ),
        (Stage::Address, &["العنوان", "المدينة"]),
    ],
    noise: &["(مطلوب)", "(اختياري)"],
    empty_values: &["لا يوجد"],
    forward_markers: &["رسالة محولة", "الرسالة الأصلية"],
    forward_headers: &[
        (Header::From, &["من"]),
        (Header::Date, &["التاريخ", "تاريخ الإرسال"]),
        (Header::Subject, &["الموضوع"]),
        (Header::To, &["إلى"]),
    ],
    lead_signals: &["طلب عرض سعر", "نموذج الاتصال", "طلب جديد", "استفسار جديد"],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &["عرض سعر", "كم سعر", "كم تكلفة", "التكلفة"],
    seller_words: &["شكرا لتواصلك", "نقدم لكم"],
    phone_events: &["مكالمة فائتة", "رسالة صوتية"],
    self_intros: &["اسمي"],
};
