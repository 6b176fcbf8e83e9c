//! Traditional Chinese (Taiwan, Hong Kong; often Big5) labels and words. Names are written family name first and kept as written.

use super::{Language, Stage};

pub const TABLE: Language = Language {
    code: "zh_hant",
    labels: &[
        (
            Stage::Meta,
            &["隱私", "同意", "提交時間", "來源", "網址", "網站"],
        ),
        (Stage::Email, &["電子郵件", "郵件", "信箱", "電郵"]),
        (Stage::Sender, &["=寄件者", "=寄件人"]),
        (Stage::Subject, &["主旨"]),
        (Stage::Company, &["公司", "企業", "單位", "機構"]),
        (
            Stage::EarlyTimeline,
            &["預計時間", "計劃時間", "預計時程", "時程"],
        ),
        (
            Stage::EarlyInterest,
            &["諮詢類型", "諮詢項目", "感興趣", "詢問項目"],
        ),
        (Stage::EarlyName, &["姓名", "聯絡人", "聯繫人", "稱呼"]),
        (
            Stage::Phone,
            &["電話", "手機", "聯絡電話", "聯繫電話", "行動電話"],
        ),
        (Stage::Title, &["職稱", "職位", "職務"]),
        (Stage::Postcode, &["郵遞區號"]),
        (Stage::Interest, &["產品", "服務", "需求"]),
        (Stage::Message, &["留言", "內容", "備註", "問題", "描述"]),
        (Stage::Address, &["地址", "城市", "縣市"]),
    ],
    noise: &["(必填)", "(選填)"],
    empty_values: &["無"],
    forward_markers: &["轉寄的郵件", "原始郵件"],
    forward_headers: &[],
    lead_signals: &["諮詢", "詢價", "報價", "表單"],
    listing_words: &["公寓", "地產", "房產", "社區"],
    says_words: &[],
    about_words: &["關於"],
    enquiry_asks: &["報價", "多少錢", "價格"],
    seller_words: &["感謝您的諮詢", "我們提供"],
    phone_events: &["未接來電", "語音留言", "語音信箱", "簡訊"],
    self_intros: &["我是", "我叫"],
};
