//! Platform activity: mail in which a platform tells the business about
//! something (a mailing-list post, a social-network or community
//! notification, a webinar or event registration, a calendar invitation, a
//! job application with a CV, a receipt) rather than a person addressing the
//! business. Such mail is `other` with its reason, even when it carries a
//! third party's email or phone — unless it also shows that a person wrote to
//! us (a labelled form block under a lead subject, or a reply-to the person).
//!
//! The reading is by headers and structure first (`List-Id`,
//! `List-Unsubscribe`, `Precedence: bulk`, `text/calendar` parts, a CV
//! attachment, a meeting join link, a platform's own `X-…` headers). The few
//! words it needs (file names of CVs, the lines that introduce a service's
//! own contact) are per-language data tables in [`WORDS`].

use mail_parser::{HeaderValue, Message, MimeHeaders};
use once_cell::sync::Lazy;
use regex::Regex;

/// What kind of platform activity a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Sent to many (`List-Id`, `List-Unsubscribe`, `Precedence: bulk|list`).
    MassMail,
    /// A social network, community or collaboration tool telling about a
    /// member's activity (a post, a comment, a shared document).
    Social,
    /// A webinar, meeting or event: a join link or a dial-in with meeting ID.
    Event,
    /// A webinar's registration or attendance: one event for many people,
    /// whatever fields the registrant filled in.
    Webinar,
    /// A calendar invitation (`text/calendar`, an `.ics` attachment).
    Calendar,
    /// Someone applying for a job, with a CV or résumé attached.
    Application,
    /// A receipt, invoice or order confirmation: a document number and an
    /// amount of money.
    Transaction,
    /// An alert about our own account (sign-in, security, renewal): it
    /// names our own address or domain as the account.
    AccountAlert,
}

impl Activity {
    /// The reason an `other` message records.
    pub fn note(self) -> &'static str {
        match self {
            Activity::MassMail => "newsletter: mass mail (list headers) without a person's enquiry",
            Activity::Social => {
                "platform activity: social, community or collaboration notification"
            }
            Activity::Event => "platform activity: webinar, meeting or event notification",
            Activity::Webinar => "platform activity: webinar registration or attendance",
            Activity::Calendar => "platform activity: calendar invitation",
            Activity::Application => "platform activity: job application with a CV attached",
            Activity::Transaction => "platform activity: receipt, invoice or order confirmation",
            Activity::AccountAlert => "platform activity: an alert about our own account",
        }
    }

    /// Whether a person's enquiry inside the mail can outweigh it. A calendar
    /// invitation or a job application is never a sales enquiry, whatever it
    /// carries; a list or social notification may relay one (a form mailer
    /// that adds `List-Unsubscribe`, a portal relaying a contact request).
    pub fn is_decisive(self) -> bool {
        matches!(
            self,
            Activity::Calendar | Activity::Application | Activity::Webinar
        )
    }
}

/// Words one language contributes. All lowercase.
pub struct PlatformWords {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// Words of an attachment's file name that make it a CV (matched on the
    /// name's alphanumeric tokens; CJK anywhere).
    pub cv_file_words: &'static [&'static str],
    /// Names of a transaction document ("receipt", "pedido", "facture"),
    /// read only when a number follows them and the mail states an amount.
    pub document_words: &'static [&'static str],
    /// Subject words of a webinar or event notice ("webinar", "RSVP").
    pub event_subject_words: &'static [&'static str],
    /// Subject words of a social notice ("commented on your post").
    pub social_subject_words: &'static [&'static str],
    /// Words of an alert about an account ("account", "sign-in", "Konto").
    pub account_words: &'static [&'static str],
    /// Text that introduces the sender's own service contact ("questions?
    /// contact us at …"): an address or number on (or right below) such a
    /// line is the platform's, never a prospect's.
    pub service_contact_cues: &'static [&'static str],
}

/// The per-language tables.
pub const WORDS: &[PlatformWords] = &[
    PlatformWords {
        code: "en",
        cv_file_words: &["cv", "resume", "résumé", "curriculum", "vitae"],
        event_subject_words: &[
            "webinar",
            "registrant",
            "rsvp",
            "event reminder",
            "registration confirmed",
            "registration confirmation",
            "you're registered",
            "you are registered",
        ],
        social_subject_words: &[
            "commented on your",
            "mentioned you",
            "liked your",
            "endorsed you",
            "viewed your profile",
            "invited you to connect",
            "wants to connect",
            "started following you",
            "tagged you",
            "reacted to your",
            "replied to your comment",
            "shared your post",
        ],
        account_words: &[
            "account",
            "sign-in",
            "signed in",
            "password",
            "security alert",
            "subscription",
            "renew",
        ],
        document_words: &[
            "receipt",
            "invoice",
            "order",
            "order confirmation",
            "payment",
            "transaction",
            "transaction id",
        ],
        service_contact_cues: &[
            "contact us",
            "questions?",
            "any questions",
            "call us",
            "customer service",
            "customer support",
            "customer care",
            "support team",
            "help center",
            "helpdesk",
            "reach us",
            "get in touch with us",
        ],
    },
    PlatformWords {
        code: "de",
        cv_file_words: &["lebenslauf", "bewerbung", "bewerbungsunterlagen"],
        event_subject_words: &[
            "webinar",
            "webinar-registrierung",
            "anmeldebestätigung",
            "teilnahmebestätigung",
            "veranstaltung",
        ],
        social_subject_words: &[
            "hat ihren beitrag kommentiert",
            "hat deinen beitrag kommentiert",
            "hat sie erwähnt",
            "hat dich erwähnt",
            "gefällt ihr beitrag",
            "möchte sich mit ihnen vernetzen",
        ],
        account_words: &[
            "konto",
            "anmeldung",
            "passwort",
            "sicherheitswarnung",
            "abonnement",
            "verlänger",
        ],
        document_words: &[
            "rechnung",
            "quittung",
            "bestellung",
            "bestellnummer",
            "auftrag",
            "transaktionscode",
            "transaktion",
            "transaktionsnummer",
        ],
        service_contact_cues: &[
            "bei fragen",
            "kundenservice",
            "kundendienst",
            "kontaktieren sie uns",
            "rufen sie uns an",
            "erreichen sie uns",
        ],
    },
    PlatformWords {
        code: "es",
        cv_file_words: &["curriculum", "currículum", "hoja de vida"],
        event_subject_words: &[
            "seminario web",
            "webinar",
            "inscripción confirmada",
            "confirmación de inscripción",
            "confirmación de registro",
        ],
        social_subject_words: &[
            "comentó tu publicación",
            "ha comentado tu publicación",
            "te mencionó",
            "te ha mencionado",
            "le gusta tu publicación",
        ],
        account_words: &[
            "cuenta",
            "inicio de sesión",
            "contraseña",
            "alerta de seguridad",
            "suscripción",
            "renovación",
        ],
        document_words: &[
            "pedido",
            "factura",
            "recibo",
            "transacción",
            "id de transacción",
        ],
        service_contact_cues: &[
            "atención al cliente",
            "servicio al cliente",
            "si tienes alguna pregunta",
            "si tiene alguna pregunta",
            "si tiene alguna duda",
            "si tienes alguna duda",
            "contáctanos",
            "contacte con nosotros",
        ],
    },
    PlatformWords {
        code: "fr",
        cv_file_words: &["candidature", "curriculum"],
        event_subject_words: &[
            "webinaire",
            "webinar",
            "inscription confirmée",
            "confirmation d'inscription",
        ],
        social_subject_words: &[
            "a commenté votre publication",
            "vous a mentionné",
            "aime votre publication",
            "a réagi à votre",
        ],
        account_words: &[
            "compte",
            "connexion",
            "mot de passe",
            "alerte de sécurité",
            "abonnement",
            "renouvel",
        ],
        document_words: &["commande", "facture", "reçu", "transaction"],
        service_contact_cues: &[
            "service client",
            "pour toute question",
            "contactez-nous",
            "notre équipe support",
        ],
    },
    PlatformWords {
        code: "it",
        cv_file_words: &["curriculum", "candidatura"],
        event_subject_words: &[
            "webinar",
            "iscrizione confermata",
            "conferma di iscrizione",
            "conferma registrazione",
        ],
        social_subject_words: &[
            "ha commentato il tuo post",
            "ha commentato la tua",
            "ti ha menzionato",
            "ha messo mi piace",
        ],
        account_words: &[
            "account",
            "accesso",
            "password",
            "avviso di sicurezza",
            "abbonamento",
            "rinnov",
        ],
        document_words: &["ordine", "fattura", "ricevuta", "transazione"],
        service_contact_cues: &[
            "assistenza clienti",
            "servizio clienti",
            "per qualsiasi domanda",
            "per domande",
            "contattaci",
        ],
    },
    PlatformWords {
        code: "pt",
        cv_file_words: &["curriculo", "currículo", "candidatura"],
        event_subject_words: &[
            "webinar",
            "webinário",
            "inscrição confirmada",
            "confirmação de inscrição",
        ],
        social_subject_words: &[
            "comentou a sua publicação",
            "comentou sua publicação",
            "mencionou você",
            "mencionou-o",
            "gostou da sua publicação",
        ],
        account_words: &[
            "conta",
            "início de sessão",
            "palavra-passe",
            "senha",
            "alerta de segurança",
            "assinatura",
            "renova",
        ],
        document_words: &[
            "encomenda",
            "fatura",
            "factura",
            "recibo",
            "pedido",
            "transação",
            "transacção",
        ],
        service_contact_cues: &[
            "apoio ao cliente",
            "atendimento ao cliente",
            "em caso de dúvidas",
            "em caso de dúvida",
            "fale conosco",
            "contacte-nos",
        ],
    },
    PlatformWords {
        code: "nl",
        cv_file_words: &["sollicitatie", "curriculum"],
        event_subject_words: &[
            "webinar",
            "inschrijving bevestigd",
            "bevestiging van je inschrijving",
            "bevestiging van uw inschrijving",
        ],
        social_subject_words: &[
            "heeft gereageerd op je bericht",
            "heeft je genoemd",
            "vindt je bericht leuk",
        ],
        account_words: &[
            "account",
            "aanmelding",
            "wachtwoord",
            "beveiligingswaarschuwing",
            "abonnement",
            "domeinnaam",
            "verleng",
        ],
        document_words: &[
            "bestelling",
            "factuur",
            "ordernummer",
            "bon",
            "transactie",
            "transactienummer",
        ],
        service_contact_cues: &[
            "klantenservice",
            "vragen?",
            "neem contact met ons op",
            "bereikbaar via",
        ],
    },
    PlatformWords {
        code: "ja",
        cv_file_words: &["履歴書", "職務経歴書"],
        event_subject_words: &[
            "ウェビナー",
            "セミナー",
            "参加登録",
            "参加申込完了",
            "イベント",
        ],
        social_subject_words: &["コメントしました", "メンションしました", "いいね！しました"],
        account_words: &[
            "アカウント",
            "ログイン",
            "パスワード",
            "セキュリティ",
            "更新",
        ],
        document_words: &["注文", "領収書", "請求書"],
        service_contact_cues: &[
            "お問い合わせ先",
            "事務局",
            "カスタマーサポート",
            "サポートセンター",
        ],
    },
    PlatformWords {
        code: "ko",
        cv_file_words: &["이력서", "자기소개서"],
        event_subject_words: &["웨비나", "세미나", "참가 신청 완료", "등록 완료"],
        social_subject_words: &["댓글을 남겼습니다", "회원님을 언급했습니다", "좋아합니다"],
        account_words: &["계정", "로그인", "비밀번호", "보안"],
        document_words: &["주문", "영수증", "청구서"],
        service_contact_cues: &["고객센터", "문의처"],
    },
    PlatformWords {
        code: "zh",
        cv_file_words: &["简历", "履历"],
        event_subject_words: &["网络研讨会", "研讨会", "报名成功", "活动提醒"],
        social_subject_words: &["评论了你的", "提到了你", "赞了你的"],
        account_words: &["账户", "账号", "登录", "密码", "安全"],
        document_words: &["订单", "发票", "收据"],
        service_contact_cues: &["客服", "客户服务", "联系我们"],
    },
];

/// Header-name prefixes social networks and communities stamp on their
/// notifications.
const SOCIAL_HEADER_PREFIXES: &[&str] = &[
    "x-linkedin-",
    "x-facebook-",
    "x-fb-",
    "x-twitter-",
    "x-instagram-",
    "x-github-",
    "x-discourse-",
    "x-meetup-",
    "x-nextdoor-",
    "x-xing-",
];

/// Names of a one-to-many online event in every supported language, read
/// in the subject and the opening of the text (data, not logic).
const WEBINAR_WORDS: &[&str] = &[
    "webinar",
    "webinars",
    "webinaire",
    "webinário",
    "webinario",
    "seminario web",
    "seminário online",
    "registrant",
    "registrants",
    "ウェビナー",
    "웨비나",
    "网络研讨会",
    "线上研讨会",
];

/// Words of an unsubscribe line at the foot of mass mail, per language.
const UNSUBSCRIBE_WORDS: &[&str] = &[
    "unsubscribe",
    "opt out",
    "opt-out",
    "abmelden",
    "abbestellen",
    "darse de baja",
    "darte de baja",
    "cancelar suscripción",
    "cancelar la suscripción",
    "se désabonner",
    "désabonner",
    "désinscrire",
    "disiscriviti",
    "annulla iscrizione",
    "cancelar inscrição",
    "descadastrar",
    "afmelden",
    "uitschrijven",
    "配信停止",
    "配信解除",
    "수신거부",
    "수신 거부",
    "退订",
    "取消订阅",
];

/// Hosts of scheduling pages where someone offers slots of their own
/// calendar: a seller's signature, not an enquirer's.
const BOOKING_LINKS: &[&str] = &[
    "calendly.com/",
    "cal.com/",
    "meetings.hubspot.com/",
    "meetings-eu1.hubspot.com/",
    "savvycal.com/",
    "tidycal.com/",
    "zcal.co/",
    "youcanbook.me",
    "chilipiper.com/",
    "/bookings/",
];

/// True when `text` links a scheduling page of the writer's own calendar.
pub fn offers_own_calendar(text: &str) -> bool {
    let body =
        &text[..crate::understand::body::floor_char_boundary(text, text.len().min(16 * 1024))];
    let lower = body.to_ascii_lowercase();
    BOOKING_LINKS.iter().any(|l| lower.contains(l))
}

/// True when the foot of `text` (its last lines) offers to unsubscribe:
/// mass mail, even without list headers.
pub fn has_unsubscribe_footer(text: &str) -> bool {
    let start = crate::understand::body::floor_char_boundary(text, text.len().saturating_sub(1500));
    let foot = text[start..].to_lowercase();
    UNSUBSCRIBE_WORDS.iter().any(|w| foot.contains(w))
}

fn is_webinar(subject: &str, text: &str) -> bool {
    let head = &text[..crate::understand::body::floor_char_boundary(text, text.len().min(400))];
    let both = format!("{subject}\n{head}").to_lowercase();
    WEBINAR_WORDS.iter().any(|w| {
        if w.is_ascii() {
            both.match_indices(w).any(|(at, _)| {
                let before = both[..at].chars().next_back();
                let after = both[at + w.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        } else {
            both.contains(w)
        }
    })
}

/// Sending domains of social networks and communities (the domain or a
/// subdomain of it).
const SOCIAL_DOMAINS: &[&str] = &[
    "facebookmail.com",
    "linkedin.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "meetup.com",
    "github.com",
    "nextdoor.com",
    "redditmail.com",
    "xing.com",
    "pinterest.com",
    "quora.com",
    "discoursemail.com",
];

/// Senders of collaboration tools (a shared document, a signature request,
/// a comment): a colleague's or partner's activity, not an enquiry. An
/// address prefix (`drive-shares`) or a whole domain.
const COLLABORATION_SENDERS: &[&str] = &[
    "drive-shares-dm-noreply@google.com",
    "drive-shares-noreply@google.com",
    "comments-noreply@docs.google.com",
    "calendar-notification@google.com",
    "@docusign.net",
    "@dropbox.com",
    "@dropboxmail.com",
    "@slack.com",
    "@atlassian.net",
    "@asana.com",
    "@trello.com",
    "@notion.so",
    "@mail.notion.so",
    "@figma.com",
    "@echosign.com",
    "@adobesign.com",
    "@wetransfer.com",
    "@sharepointonline.com",
];

/// Hosts of meeting and event links: a message that carries one is about a
/// meeting or event.
const EVENT_LINKS: &[&str] = &[
    "zoom.us/j/",
    "zoom.us/w/",
    "zoom.us/webinar",
    "zoom.us/meeting",
    "teams.microsoft.com/l/meetup-join",
    "meet.google.com/",
    "webex.com/meet",
    "webex.com/join",
    ".webex.com/",
    "gotomeeting.com/join",
    "gotowebinar.com",
    "whereby.com/",
    "eventbrite.",
    "meetup.com/",
];

/// The platform activity `message` shows, if any. `text` is the body text;
/// `ours` the addresses the mail was sent to.
pub fn activity(
    message: &Message<'_>,
    from_email: Option<&str>,
    ours: &[String],
    text: &str,
) -> Option<Activity> {
    if has_calendar_part(message) {
        return Some(Activity::Calendar);
    }
    if has_cv_attachment(message) {
        return Some(Activity::Application);
    }
    if is_transaction(message.subject().unwrap_or(""), text) {
        return Some(Activity::Transaction);
    }
    let subject = message.subject().unwrap_or("").to_lowercase();
    let subject_says = |pick: fn(&PlatformWords) -> &'static [&'static str]| {
        WORDS.iter().flat_map(pick).any(|w| subject.contains(w))
    };
    if is_social(message, from_email) || subject_says(|w| w.social_subject_words) {
        return Some(Activity::Social);
    }
    // An alert comes from another organisation: our own site's form
    // mailer (`wordpress@our-domain`) names our domain in every notice.
    let from_domain = from_email.and_then(|e| e.rsplit_once('@')).map(|(_, d)| d);
    let from_us = from_domain.is_some_and(|d| ours.iter().any(|a| a.ends_with(&format!("@{d}"))));
    if !from_us && is_account_alert(message.subject().unwrap_or(""), text, ours) {
        return Some(Activity::AccountAlert);
    }
    if is_webinar(message.subject().unwrap_or(""), text) {
        return Some(Activity::Webinar);
    }
    if is_event(text) || subject_says(|w| w.event_subject_words) {
        return Some(Activity::Event);
    }
    if is_mass_mail(message) || has_unsubscribe_footer(text) {
        return Some(Activity::MassMail);
    }
    None
}

/// `List-Id`, `List-Unsubscribe` or `Precedence: bulk|list|junk`.
pub fn is_mass_mail(message: &Message<'_>) -> bool {
    let present = |v: &HeaderValue<'_>| !matches!(v, HeaderValue::Empty);
    present(message.list_unsubscribe())
        || present(message.list_id())
        || message.header_raw("Precedence").is_some_and(|v| {
            let v = v.trim().to_ascii_lowercase();
            v == "bulk" || v == "list" || v == "junk"
        })
}

/// Mail a platform sends about its own threads: a robot sender
/// (`notifications@`, `no-reply@`), a social or collaboration tool, mass
/// mail headers, a calendar part or a CV. Its `In-Reply-To` groups the
/// platform's notifications; no person answers carousel's mail in it.
pub fn is_threaded_notification(message: &Message<'_>, from_email: Option<&str>) -> bool {
    from_email.is_some_and(crate::understand::lead::contact::is_relay_address)
        || is_social(message, from_email)
        || is_mass_mail(message)
        || has_calendar_part(message)
        || has_cv_attachment(message)
}

/// A discussion list's post (`List-Id`, `List-Post` or `Mailing-List`):
/// people writing to a list, not to the business.
pub fn is_list_post(message: &Message<'_>) -> bool {
    let present = |v: &HeaderValue<'_>| !matches!(v, HeaderValue::Empty);
    present(message.list_id())
        || present(message.list_post())
        || message.header_raw("Mailing-List").is_some()
}

fn is_social(message: &Message<'_>, from_email: Option<&str>) -> bool {
    let header = message.headers().iter().any(|h| {
        let name = h.name.as_str();
        SOCIAL_HEADER_PREFIXES.iter().any(|p| {
            name.len() > p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        })
    });
    let collaboration = from_email.is_some_and(|e| {
        COLLABORATION_SENDERS.iter().any(|s| {
            if let Some(domain) = s.strip_prefix('@') {
                e.rsplit_once('@')
                    .is_some_and(|(_, d)| d == domain || d.ends_with(&format!(".{domain}")))
            } else {
                e == *s
            }
        })
    });
    header
        || collaboration
        || from_email
            .and_then(|e| e.rsplit_once('@'))
            .is_some_and(|(_, d)| {
                SOCIAL_DOMAINS
                    .iter()
                    .any(|s| d == *s || d.ends_with(&format!(".{s}")))
            })
}

/// A document number ("order #2231-7740", "pedido nº 45821", "注文番号:
/// 8812") in the subject or the opening, and an amount of money in the text.
pub fn is_transaction(subject: &str, text: &str) -> bool {
    static DOCUMENT: Lazy<Regex> = Lazy::new(|| {
        let words: Vec<String> = WORDS
            .iter()
            .flat_map(|w| w.document_words)
            .map(|w| regex::escape(w))
            .collect();
        Regex::new(&format!(
            // `Invoice #CR-88120`, `pedido nº 45821`, or a number whose
            // letter prefix shows it is a document's (`Invoice INV-20931`).
            r"(?i)(?:{w})(?:\s*(?:(?:n[º°o]\.?|no\.|nr\.?|number|número|numéro|nummer|numero|番号|번호|号)\s*[:#：]?|[:#：])\s*#?(?:[A-Z]{{1,4}}-?)?|\s+[A-Z]{{1,4}}-)[0-9][0-9A-Z\-]{{2,}}",
            w = words.join("|")
        ))
        .expect("regex built from the document words")
    });
    static MONEY: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?:[$€£¥₩]\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|eur|usd|gbp|chf|円|원|元)(?-u:\b)?)")
            .expect("static regex")
    });
    let head = &text[..crate::understand::body::floor_char_boundary(text, text.len().min(600))];
    let body =
        &text[..crate::understand::body::floor_char_boundary(text, text.len().min(16 * 1024))];
    (DOCUMENT.is_match(subject) || DOCUMENT.is_match(head)) && MONEY.is_match(body)
}

/// The subject or opening names our own address or domain, next to an
/// account word: the alert is about our account, not from a person.
pub fn is_account_alert(subject: &str, text: &str, ours: &[String]) -> bool {
    let head = &text[..crate::understand::body::floor_char_boundary(text, text.len().min(800))];
    let both = format!("{subject}\n{head}").to_lowercase();
    let names_us = ours.iter().any(|address| {
        let domain = address.rsplit_once('@').map_or("", |(_, d)| d);
        both.contains(address.as_str()) || domain.contains('.') && both.contains(domain)
    });
    names_us
        && WORDS
            .iter()
            .flat_map(|w| w.account_words)
            .any(|w| both.contains(w))
}

fn is_event(text: &str) -> bool {
    let head =
        &text[..crate::understand::body::floor_char_boundary(text, text.len().min(16 * 1024))];
    let lower = head.to_ascii_lowercase();
    EVENT_LINKS.iter().any(|l| lower.contains(l))
}

fn content_type_of(part: &mail_parser::MessagePart<'_>) -> String {
    part.content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
        .unwrap_or_default()
}

fn has_calendar_part(message: &Message<'_>) -> bool {
    message.parts.iter().take(64).any(|part| {
        let ctype = content_type_of(part);
        let name = part.attachment_name().unwrap_or("").to_ascii_lowercase();
        ctype == "text/calendar" || ctype == "application/ics" || name.ends_with(".ics")
    })
}

fn has_cv_attachment(message: &Message<'_>) -> bool {
    message.attachments().take(50).any(|part| {
        let name = part.attachment_name().unwrap_or("").to_lowercase();
        let document = [".pdf", ".doc", ".docx", ".odt", ".rtf", ".pages"]
            .iter()
            .any(|ext| name.ends_with(ext));
        document && is_cv_file_name(&name)
    })
}

/// True when a (lowercased) file name names a CV: `CV_Jean_Dupont.pdf`,
/// `Mike_Tran_Resume.docx`, `Lebenslauf.pdf`, `履歴書.pdf`.
pub fn is_cv_file_name(name: &str) -> bool {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let tokens: Vec<&str> = stem
        .split(|c: char| !c.is_alphanumeric() && c != 'é' && c != 'í')
        .filter(|t| !t.is_empty())
        .collect();
    WORDS.iter().flat_map(|w| w.cv_file_words).any(|word| {
        if word.contains(' ') {
            stem.replace(['_', '-', '.'], " ").contains(word)
        } else if word.is_ascii() || word.chars().all(char::is_alphabetic) && !is_unspaced(word) {
            tokens.iter().any(|t| t == word)
        } else {
            stem.contains(word)
        }
    })
}

fn is_unspaced(word: &str) -> bool {
    word.chars().any(|c| {
        matches!(c as u32, 0x3040..=0x30FF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0x3400..=0x4DBF)
    })
}

/// True when `line` introduces the sender's own service contact.
pub fn is_service_contact_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    WORDS
        .iter()
        .flat_map(|w| w.service_contact_cues)
        .any(|cue| lower.contains(cue))
}

/// True when the address or number at byte `offset` of `text` sits on a line
/// that introduces the sender's service contact, or right below one.
pub fn is_service_contact_at(text: &str, offset: usize) -> bool {
    let offset = crate::understand::body::floor_char_boundary(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if is_service_contact_line(&text[start..end]) {
        return true;
    }
    // A line above in the same block ("Atención al cliente: Marta Ruiz",
    // then "Teléfono: …", "Correo: …"): at most three short lines up.
    let mut line_start = start;
    for _ in 0..3 {
        if line_start == 0 {
            break;
        }
        let prev_end = line_start - 1;
        let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        let prev = text[prev_start..prev_end].trim();
        if prev.is_empty() || prev.chars().count() > 80 {
            break;
        }
        if is_service_contact_line(prev) {
            return true;
        }
        line_start = prev_start;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    fn parse(raw: &str) -> Message<'_> {
        MessageParser::default().parse(raw.as_bytes()).unwrap()
    }

    #[test]
    fn transactions_need_a_number_and_an_amount() {
        assert!(is_transaction(
            "Confirmación de pedido nº 45821",
            "Total 404,96 €"
        ));
        assert!(is_transaction(
            "Your receipt from Northwind",
            "Receipt #2231-7740\nAmount paid $49.00"
        ));
        assert!(!is_transaction(
            "Pedido de orçamento",
            "Janelas, orçamento até 5000 €"
        ));
        assert!(!is_transaction("Order #1234", "no amount here"));
        assert!(is_transaction(
            "Fwd: Invoice INV-20931 from Northern Scaffolding Ltd",
            "total £3,480.00"
        ));
        // A document number with a letter prefix.
        assert!(is_transaction(
            "Action required: your payment failed",
            "We couldn't charge your card for invoice #CR-88120 ($1,188.00)."
        ));
        // An order of goods in a prospect's words is no document number.
        assert!(!is_transaction(
            "We want to order 2000 units",
            "budget $5,000"
        ));
    }

    #[test]
    fn account_alerts_name_our_own_account() {
        let ours = ["sales@nordic-solar.example".to_string()];
        assert!(is_account_alert(
            "Security alert",
            "A new sign-in\nsales@nordic-solar.example\n",
            &ours
        ));
        assert!(!is_account_alert(
            "New lead",
            "Name: Jane\nEmail: jane@x.example\n",
            &ours
        ));
    }

    #[test]
    fn cv_file_names_by_token() {
        assert!(is_cv_file_name("cv_jean_dupont_2025.pdf"));
        assert!(is_cv_file_name("mike_tran_resume.docx"));
        assert!(is_cv_file_name("lebenslauf anna weber.pdf"));
        assert!(is_cv_file_name("履歴書_山田.pdf"));
        // "cv" inside a word is no CV.
        assert!(!is_cv_file_name("cvent_brochure.pdf"));
        assert!(!is_cv_file_name("floor_plan.pdf"));
    }

    #[test]
    fn service_contact_lines_in_several_languages() {
        let t = "Summary\nIf you have any questions, contact us at help@x.example\n";
        assert!(is_service_contact_at(t, t.find("help@").unwrap()));
        let t = "Atención al cliente: Marta Ruiz\nTeléfono: +34 915 55 01 72\n";
        assert!(is_service_contact_at(t, t.find("+34").unwrap()));
        let t = "Vragen? Bel 023 555 0190\n";
        assert!(is_service_contact_at(t, t.find("023").unwrap()));
        let t = "Name: Jane Roe\nPhone: 970 555 0123\n";
        assert!(!is_service_contact_at(t, t.find("970").unwrap()));
    }

    #[test]
    fn headers_and_parts_tell_the_activity() {
        let list = "From: a@b.example\r\nList-Id: <x.b.example>\r\nSubject: s\r\n\r\nhi\r\n";
        assert_eq!(
            activity(&parse(list), Some("a@b.example"), &[], "hi"),
            Some(Activity::MassMail)
        );
        let social = "From: n@facebookmail.com\r\nSubject: s\r\n\r\nhi\r\n";
        assert_eq!(
            activity(&parse(social), Some("n@facebookmail.com"), &[], "hi"),
            Some(Activity::Social)
        );
        let cal = "From: a@b.example\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n";
        assert_eq!(
            activity(&parse(cal), Some("a@b.example"), &[], ""),
            Some(Activity::Calendar)
        );
        let plain = "From: a@b.example\r\nSubject: s\r\n\r\nName: Jane\r\n";
        assert_eq!(
            activity(&parse(plain), Some("a@b.example"), &[], "Name: Jane"),
            None
        );
        assert_eq!(
            activity(
                &parse(plain),
                Some("a@b.example"),
                &[],
                "Join: https://us02web.zoom.us/j/8812"
            ),
            Some(Activity::Event)
        );
    }
}
