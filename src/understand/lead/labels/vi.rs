//! Vietnamese labels and words. Vietnamese names are written family name first and kept as written.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "vi",
    labels: &[
        (Stage::Meta, &["đồng ý", "chính sách bảo mật"]),
        (Stage::Sender, &["=người gửi"]),
        (Stage::Subject, &["tiêu đề", "chủ đề"]),
        (
            Stage::Company,
            &["công ty", "tên công ty", "doanh nghiệp", "đơn vị"],
        ),
        (
            Stage::FullName,
            &["họ và tên", "họ tên", "họ và tên đầy đủ"],
        ),
        (Stage::GivenOrFullName, &["tên", "tên của bạn"]),
        (Stage::Email, &["email", "thư điện tử", "địa chỉ email"]),
        (
            Stage::Phone,
            &["số điện thoại", "điện thoại", "sđt", "di động"],
        ),
        (Stage::Title, &["chức vụ"]),
        (Stage::Country, &["quốc gia"]),
        (Stage::Timeline, &["thời gian", "khi nào"]),
        (Stage::Interest, &["dịch vụ", "sản phẩm", "quan tâm"]),
        (
            Stage::Message,
            &["nội dung", "tin nhắn", "lời nhắn", "ghi chú"],
        ),
        (Stage::Address, &["địa chỉ", "thành phố", "tỉnh"]),
    ],
    noise: &["(bắt buộc)"],
    empty_values: &["không có"],
    forward_markers: &["thư được chuyển tiếp", "tin nhắn được chuyển tiếp"],
    forward_headers: &[
        (Header::From, &["từ"]),
        (Header::Date, &["ngày"]),
        (Header::Subject, &["chủ đề", "tiêu đề"]),
        (Header::To, &["đến"]),
    ],
    lead_signals: &[
        "yêu cầu báo giá",
        "form liên hệ",
        "liên hệ mới",
        "khách hàng mới",
    ],
    listing_words: &[],
    says_words: &[],
    about_words: &[],
    enquiry_asks: &["báo giá", "giá bao nhiêu", "chi phí"],
    seller_words: &["cảm ơn bạn đã liên hệ", "chúng tôi cung cấp"],
    phone_events: &["cuộc gọi nhỡ", "tin nhắn thoại"],
    self_intros: &["tôi là", "tên tôi là"],
};
