//! Turkish labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "tr",
    labels: &[
        (
            Stage::Meta,
            &["kvkk", "onay", "aydınlatma metni", "gönderim tarihi"],
        ),
        (Stage::Sender, &["=kimden", "=gönderen"]),
        (Stage::Subject, &["konu"]),
        (
            Stage::Company,
            &["firma", "firma adı", "şirket", "şirket adı", "kurum"],
        ),
        (
            Stage::FullName,
            &[
                "ad soyad",
                "adı soyadı",
                "ad-soyad",
                "adınız soyadınız",
                "isim soyisim",
                "ad soyadı",
            ],
        ),
        (
            Stage::LastName,
            &["soyad", "soyadı", "soyadınız", "soyisim"],
        ),
        (
            Stage::GivenOrFullName,
            &["=ad", "=adı", "adınız", "isim", "isminiz"],
        ),
        (
            Stage::Email,
            &["e-posta", "e-posta adresi", "eposta", "e-posta adresiniz"],
        ),
        (
            Stage::Phone,
            &[
                "telefon",
                "telefon numarası",
                "telefon numaranız",
                "cep telefonu",
                "gsm",
                "tel",
            ],
        ),
        (Stage::Title, &["ünvan", "unvan", "pozisyon", "görev"]),
        (Stage::Postcode, &["posta kodu"]),
        (Stage::Country, &["ülke"]),
        (Stage::Timeline, &["ne zaman"]),
        (
            Stage::Interest,
            &[
                "hizmet",
                "ürün",
                "ilgilendiğiniz",
                "talep edilen hizmet",
                "hizmet türü",
            ],
        ),
        (
            Stage::Message,
            &["mesaj", "mesajınız", "açıklama", "notunuz"],
        ),
        (Stage::Address, &["adres", "şehir", "ilçe"]),
    ],
    noise: &["(zorunlu)", "(isteğe bağlı)"],
    empty_values: &["yok"],
    forward_markers: &["iletilen ileti", "iletilmiş ileti", "orijinal ileti"],
    forward_headers: &[
        (Header::From, &["kimden", "gönderen"]),
        (Header::Date, &["tarih", "gönderildi"]),
        (Header::Subject, &["konu"]),
        (Header::To, &["kime"]),
    ],
    lead_signals: &[
        "teklif talebi",
        "iletişim formu",
        "yeni talep",
        "fiyat teklifi",
    ],
    listing_words: &["emlak", "gayrimenkul", "rezidans"],
    says_words: &["yazdı"],
    about_words: &["ilgileniyor"],
    enquiry_asks: &[
        "teklif",
        "fiyat teklifi",
        "ne kadar",
        "fiyatı nedir",
        "fiyat bilgisi",
    ],
    seller_words: &["talebiniz için teşekkür", "ekte teklifimiz", "sunuyoruz"],
    phone_events: &["cevapsız arama", "sesli mesaj", "sms"],
    self_intros: &["adım", "benim adım"],
};
