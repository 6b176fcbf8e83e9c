//! Vietnamese. "không"/"chưa" stand before what they negate; refusals
//! ("không quan tâm") and deferrals ("hiện tại chưa") are written whole.
//! Tone marks may sit on either vowel ("xóa"/"xoá"), so both are listed.

use super::Lang;

pub static VI: Lang = Lang {
    code: "vi",
    spaced: true,
    negators: &["không", "chưa", "chẳng"],
    negators_after: &[],
    skip_before_negator_after: &[],
    contrast: &["nhưng", "tuy nhiên"],
    clause_breaks: &["bởi vì"],
    self_objects: &["tôi"],
    self_addresses: &[r"(?:email|địa chỉ) (?:cá nhân|khác|mới) (?:của )?tôi"],
    idioms_interested: &[
        r"(?:đừng|xin đừng) (?:xóa|xoá) (?:tôi|chúng tôi)",
        r"tại sao không",
    ],
    idioms_not_now: &[
        r"(?:hiện tại|bây giờ|lúc này|hiện nay) (?:chưa|không)",
        r"chưa phải lúc",
        r"để sau",
    ],
    unsubscribe: &[
        r"(?:xóa|xoá) (?:tôi|chúng tôi|email (?:của )?tôi|địa chỉ (?:email )?(?:của )?tôi) khỏi",
        r"(?:hủy|huỷ) (?:đăng ký|nhận)",
        r"(?:đừng|không|xin đừng) gửi (?:email|thư|mail)(?: cho (?:tôi|chúng tôi))? nữa",
        r"ngừng gửi",
    ],
    address_links: &["qua", "theo"],
    referral: &[
        r"đồng nghiệp (?:của )?tôi",
        r"người phụ trách",
        r"(?:sếp|quản lý|giám đốc) (?:của )?tôi",
        r"người quyết định",
    ],
    referral_verbs: &["liên hệ với", "liên hệ"],
    question: &[r"bao nhiêu", r"giá (?:là )?(?:bao nhiêu|thế nào)"],
    not_now: &[
        r"(?:năm|tháng|quý) (?:sau|tới)",
        r"sau (?:\d+|một|hai|ba|bốn|sáu|vài) (?:tuần|tháng|năm)",
        r"(?:\d+|một|hai|ba|bốn|sáu|vài) (?:tuần|tháng|năm) nữa",
        r"sau (?:tết|kỳ nghỉ|mùa hè)",
        r"liên hệ lại sau",
    ],
    temporal: &["hiện tại", "bây giờ", "lúc này", "hiện nay"],
    not_interested: &[
        r"không (?:quan tâm|có nhu cầu|cần)",
        r"đã có (?:nhà cung cấp|đối tác|hệ thống)",
        r"tiếp tục (?:với|dùng) nhà cung cấp hiện tại",
    ],
    interested_strong: &[
        r"(?:sắp xếp|đặt|hẹn) (?:một )?(?:cuộc họp|lịch hẹn|cuộc gọi|buổi gặp)",
        r"muốn (?:đặt hàng|bắt đầu|triển khai|ký hợp đồng)",
    ],
    interested: &[
        r"quan tâm",
        r"gọi (?:cho )?(?:tôi|chúng tôi)",
        r"gửi (?:cho (?:tôi|chúng tôi) )?báo giá",
        r"nghe (?:có vẻ )?hay",
    ],
    interested_soft: &["thú vị"],
    question_marks: &[],
    requests: &[
        r"(?:vui lòng|xin|làm ơn|có thể) (?:gửi|cung cấp)",
        r"(?:anh|chị|bạn) (?:có thể )?gửi",
    ],
    plans: &[],
    negator_words: &[],
};
