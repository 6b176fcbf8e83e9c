//! Simplified Chinese labels and words. Names are written family name
//! first (王小明) and kept as written.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "zh",
    labels: &[
        (
            Stage::Meta,
            &["隐私", "同意", "提交时间", "来源", "网址", "网站"],
        ),
        (Stage::Email, &["邮箱", "电子邮件", "邮件"]),
        (Stage::Sender, &["=发件人"]),
        (Stage::Subject, &["主题"]),
        (Stage::Company, &["公司", "企业", "单位", "机构"]),
        (
            Stage::EarlyTimeline,
            &["预计时间", "计划时间", "何时", "时间范围", "购买时间"],
        ),
        (
            Stage::EarlyInterest,
            &["咨询类型", "咨询项目", "感兴趣", "意向"],
        ),
        (Stage::EarlyLastName, &["姓氏"]),
        (Stage::EarlyName, &["姓名", "联系人", "称呼"]),
        (Stage::Phone, &["电话", "手机", "联系方式"]),
        (Stage::Title, &["职位", "职务"]),
        (Stage::Postcode, &["邮编", "邮政编码"]),
        (Stage::Property, &["房源", "楼盘"]),
        (Stage::Interest, &["产品", "服务", "需求"]),
        (Stage::Message, &["留言", "内容", "备注", "问题", "描述"]),
        (Stage::Address, &["地址", "城市", "省份"]),
    ],
    noise: &["(必填)", "必填", "(选填)"],
    empty_values: &["无", "暂无"],
    forward_markers: &["转发的邮件", "原始邮件", "转发邮件", "原邮件"],
    forward_headers: &[
        // Traditional-script Outlook writes 寄件者 / 寄件日期 / 收件者 / 主旨.
        (Header::From, &["发件人", "寄件者", "寄件人"]),
        (Header::Date, &["日期", "发送时间", "时间", "寄件日期"]),
        (Header::Subject, &["主题", "主旨"]),
        (Header::To, &["收件人", "抄送", "收件者", "副本"]),
        (Header::ReplyTo, &["回复"]),
    ],
    lead_signals: &["咨询", "询价", "留言", "报价", "线索", "表单"],
    listing_words: &["公寓", "地产", "房产", "小区"],
    says_words: &[],
    about_words: &["关于"],
    enquiry_asks: &["报价", "多少钱", "价格是多少", "费用是多少", "怎么收费"],
    seller_words: &["感谢您的咨询", "附件是我们的报价", "我们提供"],
    phone_events: &["未接来电", "语音留言", "语音信箱", "短信"],
    self_intros: &["我是", "我叫"],
};
