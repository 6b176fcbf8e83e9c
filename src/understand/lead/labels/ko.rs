//! Korean labels and words. Korean names are written family name first,
//! usually without a space (김민준), and kept as written.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "ko",
    labels: &[
        (
            Stage::Meta,
            &[
                "개인정보",
                "동의",
                "접수일",
                "접수 일시",
                "등록일",
                "유입경로",
                "홈페이지",
            ],
        ),
        (Stage::Email, &["이메일", "메일", "전자우편"]),
        (Stage::Sender, &["=보낸 사람", "=보낸사람"]),
        (Stage::Subject, &["제목"]),
        (Stage::Company, &["회사", "기업", "업체", "상호", "소속"]),
        (Stage::EarlyTimeline, &["시기", "일정", "희망일", "예정일"]),
        (
            Stage::EarlyInterest,
            &["문의 유형", "문의유형", "관심", "희망 서비스"],
        ),
        (Stage::EarlyLastName, &["=성"]),
        (
            Stage::EarlyName,
            &["이름", "성명", "성함", "담당자", "고객명"],
        ),
        (
            Stage::Phone,
            &["전화", "연락처", "휴대폰", "핸드폰", "휴대전화"],
        ),
        (Stage::Title, &["직함", "직책", "직위"]),
        (Stage::Postcode, &["우편번호"]),
        (Stage::Country, &["국가"]),
        (Stage::Property, &["매물", "부동산"]),
        (Stage::Interest, &["서비스", "제품", "상품"]),
        (
            Stage::Message,
            &[
                "문의 내용",
                "문의내용",
                "내용",
                "메시지",
                "요청사항",
                "요청 사항",
                "문의",
            ],
        ),
        (Stage::Address, &["주소"]),
    ],
    noise: &["(필수)", "필수", "(선택)"],
    empty_values: &["없음"],
    forward_markers: &["전달된 메시지", "원본 메시지", "원래 메시지"],
    forward_headers: &[
        (Header::From, &["보낸 사람", "보낸사람"]),
        (Header::Date, &["날짜", "보낸 날짜"]),
        (Header::Subject, &["제목"]),
        (Header::To, &["받는 사람", "받는사람", "참조"]),
        (Header::ReplyTo, &["회신 주소"]),
    ],
    lead_signals: &["문의", "견적", "상담 신청", "상담신청", "신규 리드"],
    listing_words: &["아파트", "부동산", "오피스텔", "빌라"],
    says_words: &[],
    about_words: &["에 대해", "에 대하여"],
    enquiry_asks: &[
        "견적",
        "얼마",
        "가격 문의",
        "비용 문의",
        "가격이 얼마",
        "비용이 얼마",
    ],
    seller_words: &["문의해 주셔서 감사합니다", "저희 회사는"],
    phone_events: &["부재중 전화", "음성 메시지", "음성사서함", "문자 메시지"],
    self_intros: &["입니다"],
};
