//! Obvious junk that must not become a lead: test submissions, mailbox-quota
//! and password phishing, newsletters, job applications. Each check returns the
//! reason carousel records in the `note`. Reports and automated mail are
//! recognised here too, so shape-read contacts never turn a DSN into a lead.

use mail_parser::{HeaderValue, Message, MimeHeaders};

use crate::understand::Lead;

/// Mailbox-quota / password / account-verification phishing.
pub fn phishing(subject: &str, text: &str) -> Option<&'static str> {
    let s = subject.to_lowercase();
    let head: String = text.chars().take(3000).collect::<String>().to_lowercase();
    let both = format!("{s}\n{head}");
    let quota = [
        "mailbox is full",
        "mailbox full",
        "mailbox quota",
        "storage quota",
        "quota exceeded",
        "storage limit",
        "mailbox storage",
        "exceeded its storage",
        "exceeded the storage",
        "email storage is full",
    ];
    let password = [
        "password will expire",
        "password expires",
        "password is expiring",
        "password expiration",
        "verify your account",
        "verify your mailbox",
        "validate your mailbox",
        "re-validate",
        "revalidate your",
        "account will be suspended",
        "account will be deactivated",
        "mailbox will be deactivated",
        "mailbox will be closed",
        "confirm your email account",
        "update your password",
        "keep your current password",
        "keep same password",
    ];
    (quota.iter().any(|p| both.contains(p)) || password.iter().any(|p| both.contains(p)))
        .then_some("phishing: mailbox quota / password notice")
}

/// A newsletter or mailing-list message (List-Unsubscribe or List-Id header).
pub fn is_list_mail(message: &Message<'_>) -> bool {
    let present = |v: &HeaderValue<'_>| !matches!(v, HeaderValue::Empty);
    present(message.list_unsubscribe()) || present(message.list_id())
}

/// A delivery, read or feedback report (`multipart/report`): machine mail
/// about a message, never a lead.
pub fn is_report(message: &Message<'_>) -> bool {
    message.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    })
}

/// A DMARC aggregate or failure report (RFC 7489 subjects).
pub fn dmarc_report(subject: &str) -> Option<&'static str> {
    let s = subject.trim_start().to_ascii_lowercase();
    (s.starts_with("report domain:")
        || s.starts_with("dmarc aggregate report")
        || s.starts_with("[dmarc"))
    .then_some("DMARC report")
}

/// Mail a program sent (`Auto-Submitted`, `Precedence: bulk`, a form
/// mailer's `X-Mailer`): a notification rather than a person writing.
pub fn is_automated(message: &Message<'_>) -> bool {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    header("Auto-Submitted").is_some_and(|v| v != "no")
        || header("Precedence").is_some_and(|v| v == "bulk" || v == "list" || v == "junk")
        || header("X-Auto-Response-Suppress").is_some()
}

/// A newsletter-subscriber notice ("New subscriber to Acme News"): someone
/// joined a mailing list, which is not a sales inquiry.
pub fn subscriber_notice(subject: &str, text: &str) -> Option<&'static str> {
    let head: String = text.chars().take(1000).collect::<String>().to_lowercase();
    let s = subject.to_lowercase();
    [
        "new subscriber",
        "subscribed to your",
        "joined your list",
        "neuer abonnent",
        "nuevo suscriptor",
        "nouvel abonné",
        "nuovo iscritto",
        "novo assinante",
        "nieuwe abonnee",
    ]
    .iter()
    .any(|p| s.contains(p) || head.contains(p))
    .then_some("newsletter subscriber notice")
}

/// A job application (someone applying for a position, not buying).
pub fn job_application(subject: &str, text: &str) -> Option<&'static str> {
    let s = subject.to_lowercase();
    let head: String = text.chars().take(4000).collect::<String>().to_lowercase();
    let subject_hit = [
        "job application",
        "application for the position",
        "application for the role",
        "application for position",
        "applying for",
        "bewerbung",
        "candidature",
        "solicitud de empleo",
        "応募",
        "求人",
        "resume for",
        "cv for",
        "new application",
        "new applicant",
        "applied to",
        "applied for",
        "postulación",
        "postulacion",
        "candidatura",
        "sollicitatie",
        "지원서",
        "입사지원",
        "应聘",
        "求职",
        "简历",
    ]
    .iter()
    .any(|p| s.contains(p));
    let body_hits = [
        "my resume",
        "my cv",
        "my résumé",
        "resume attached",
        "cv attached",
        "attached resume",
        "attached cv",
        "curriculum vitae",
        "cover letter",
        "apply for the position",
        "apply for the role",
        "applying for the position",
        "applying for the role",
        "job opening",
        "job posting",
        "position you advertised",
        "lebenslauf",
        "bewerbe mich",
        "履歴書",
        "職務経歴書",
        "応募させて",
        "currículum",
        "curriculum",
        "puesto de trabajo",
        "mi candidatura",
        "ma candidature",
        "lettre de motivation",
        // The person is named as an applicant or candidate.
        "candidate:",
        "applicant:",
        "candidato:",
        "candidata:",
        "candidat :",
        "candidat:",
        "bewerber:",
        "bewerberin:",
        "sollicitant:",
        "지원자:",
        "应聘者：",
        "応募者：",
        "applied for",
        "applied to",
        "postulación",
        "solliciteren",
        "이력서",
        "简历",
    ]
    .iter()
    .filter(|p| head.contains(*p))
    .count();
    (subject_hit || body_hits >= 2).then_some("job application")
}

/// A form filled in to try it out: "test test", "asdf", example.com addresses.
pub fn test_submission(lead: &Lead) -> Option<&'static str> {
    let c = &lead.contact;
    if let Some(email) = &c.email {
        let (local, domain) = email.rsplit_once('@').unwrap_or(("", ""));
        let reserved = [
            "example.com",
            "example.org",
            "example.net",
            "test.com",
            "test.test",
            "mailinator.com",
        ];
        if reserved.contains(&domain)
            || domain.ends_with(".test")
            || domain.ends_with(".invalid")
            || local == "test"
            || local == "asdf"
        {
            return Some("test submission");
        }
    }
    let words: Vec<String> = [&c.name, &c.company, &lead.message, &lead.interest]
        .iter()
        .filter_map(|v| v.as_deref())
        .map(|v| v.to_lowercase())
        .collect();
    let junk_value = |v: &str| {
        let t = v.trim_matches(|ch: char| !ch.is_alphanumeric());
        let tokens: Vec<&str> = t
            .split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        !tokens.is_empty()
            && tokens.iter().all(|w| {
                [
                    "test",
                    "testing",
                    "tester",
                    "asdf",
                    "asdfgh",
                    "qwerty",
                    "sdf",
                    "xxx",
                    "aaa",
                    "foo",
                    "bar",
                    "lorem",
                    "ipsum",
                    "dolor",
                    "テスト",
                    "てすと",
                ]
                .contains(w)
            })
    };
    let name_junk = c
        .name
        .as_deref()
        .is_some_and(|n| junk_value(&n.to_lowercase()));
    let message_junk = lead.message.as_deref().is_some_and(|m| {
        let m = m.to_lowercase();
        junk_value(&m)
            || m.contains("this is a test")
            || m.contains("just testing")
            || m.contains("test submission")
            || m.contains("lorem ipsum")
            || m.contains("テスト送信")
    });
    if name_junk
        || message_junk
        || words
            .iter()
            .any(|w| w.contains("asdf") || w.contains("qwerty"))
    {
        return Some("test submission");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::Contact;

    #[test]
    fn test_submissions_are_junk() {
        let lead = |name: &str, email: &str| Lead {
            contact: Contact {
                name: Some(name.into()),
                email: Some(email.into()),
                ..Contact::default()
            },
            ..Lead::default()
        };
        assert!(test_submission(&lead("test test", "a@brightwater.io")).is_some());
        assert!(test_submission(&lead("Jane Roe", "jane@example.com")).is_some());
        assert!(test_submission(&lead("Jane Testa", "jane@brightwater.io")).is_none());
        assert!(phishing("Your mailbox is full", "").is_some());
        assert!(job_application("Application for the position of Sales Manager", "").is_some());
    }
}
