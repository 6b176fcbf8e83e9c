//! Thai labels and words. Thai does not space words, so every label is
//! matched anywhere (`~`) or as the whole label (`=`).

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "th",
    labels: &[
        (Stage::Subject, &["=หัวข้อ", "=เรื่อง"]),
        (Stage::Company, &["~บริษัท", "~ชื่อบริษัท", "~หน่วยงาน"]),
        (
            Stage::FullName,
            &["~ชื่อ-นามสกุล", "~ชื่อ - นามสกุล", "~ชื่อและนามสกุล"],
        ),
        (Stage::LastName, &["=นามสกุล"]),
        (Stage::Name, &["=ชื่อ", "~ชื่อผู้ติดต่อ"]),
        (Stage::Email, &["~อีเมล", "~อีเมล์"]),
        (Stage::Phone, &["~โทรศัพท์", "~เบอร์โทร", "~มือถือ"]),
        (Stage::Timeline, &["~ระยะเวลา", "~ช่วงเวลา", "=เมื่อไหร่"]),
        (Stage::Interest, &["~บริการ", "~สินค้า", "~ผลิตภัณฑ์", "~สนใจ"]),
        (Stage::Message, &["~ข้อความ", "~รายละเอียด", "~หมายเหตุ"]),
        (Stage::Address, &["~ที่อยู่", "~จังหวัด"]),
    ],
    noise: &["(จำเป็น)"],
    empty_values: &["ไม่มี"],
    forward_markers: &["ข้อความที่ส่งต่อ"],
    forward_headers: &[
        (Header::From, &["จาก"]),
        (Header::Date, &["วันที่"]),
        (Header::Subject, &["เรื่อง"]),
        (Header::To, &["ถึง"]),
    ],
    lead_signals: &["ติดต่อเรา", "ขอใบเสนอราคา"],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &["ใบเสนอราคา", "ราคาเท่าไหร่"],
    seller_words: &["ขอบคุณที่ติดต่อ"],
    phone_events: &["สายที่ไม่ได้รับ"],
    self_intros: &["ผมชื่อ", "ดิฉันชื่อ"],
};
