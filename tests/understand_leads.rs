//! Lead-provider email understanding beyond the fixtures: big CSV exports,
//! malformed ADF, unqualified notifications, provider rules, forwards,
//! hostile bodies, and the purchase-timeline phrase table in five languages.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use carousel::understand::lead::timeline;
use carousel::understand::lead::{ProviderRule, UNQUALIFIED_NOTE, validate_rule};
use carousel::understand::{Context, Kind, Timeline, understand};

fn ctx() -> Context {
    Context {
        own_message_id_domains: vec!["carousel.acme.example".into()],
        ..Context::default()
    }
}

/// A text/plain message with the given headers and body (CRLF line ends).
fn mail(from: &str, subject: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: sales@acme.example\r\nSubject: {subject}\r\nDate: Tue, 04 Mar 2025 09:00:00 +0000\r\n\
         Message-ID: <t-{}@test.example>\r\n{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
        subject.len(),
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}

/// A message with one CSV attachment holding `rows` leads.
fn csv_mail(rows: usize) -> Vec<u8> {
    let mut csv = String::from("Email,First Name,Last Name,Phone,Company,Interest,Timeline\n");
    for i in 0..rows {
        let _ = writeln!(
            csv,
            "buyer{i}@prospect{}.com,Ann{i},Lee,555-01{:04},Co {i},Widgets,ASAP",
            i % 97,
            i % 10_000
        );
    }
    format!(
        "From: Lead Export <export@leadbroker.example>\r\nTo: sales@acme.example\r\nSubject: Lead export\r\n\
         Date: Tue, 04 Mar 2025 09:00:00 +0000\r\nMessage-ID: <csv-{rows}@leadbroker.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nLeads attached.\r\n\
         --XX\r\nContent-Type: text/csv; name=\"leads.csv\"\r\nContent-Disposition: attachment; filename=\"leads.csv\"\r\n\r\n\
         {csv}\r\n--XX--\r\n"
    )
    .into_bytes()
}

#[test]
fn csv_attachment_with_5000_rows_yields_5000_leads() {
    let u = understand(&csv_mail(5000), &ctx());
    assert_eq!(u.kind, Kind::Lead);
    assert_eq!(u.leads.len(), 5000);
    assert_eq!(
        u.leads[4999].contact.email.as_deref(),
        Some("buyer4999@prospect52.com")
    );
    assert_eq!(u.leads[0].contact.name.as_deref(), Some("Ann0 Lee"));
    assert_eq!(u.leads[0].timeline, Some(Timeline::Immediate));
    assert!(u.leads.iter().all(|l| l.source == "csv"));
    assert_eq!(u.note, None);
}

#[test]
fn csv_rows_past_the_cap_are_noted_not_read() {
    let u = understand(&csv_mail(10_050), &ctx());
    assert_eq!(u.leads.len(), carousel::understand::lead::csv::MAX_ROWS);
    assert!(
        u.note
            .as_deref()
            .is_some_and(|n| n.contains("first 10000 rows")),
        "{:?}",
        u.note
    );
}

#[test]
fn malformed_adf_is_reported_with_line_and_column() {
    let body = "<?xml version=\"1.0\"?>\n<adf>\n<prospect>\n<customer><contact><email>x@buyer.io</emial></contact></customer>\n</prospect>\n</adf>\n";
    let u = understand(
        &mail("Lead Feed <noreply@leadfeed.example>", "New Lead", "", body),
        &ctx(),
    );
    assert_eq!(u.kind, Kind::Other);
    let note = u.note.expect("a note");
    assert!(note.contains("malformed ADF at line 4, column"), "{note}");
}

#[test]
fn adf_with_two_prospects_gives_two_leads() {
    let body = "<adf><prospect><customer><contact><name part=\"full\">Ana Ruiz</name><email>ana@ruiz.io</email></contact></customer></prospect>\
                <prospect><customer><contact><name part=\"first\">Bo</name><name part=\"last\">Chen</name><phone>555-201-3344</phone></contact></customer>\
                <vendor><contact><email>sales@dealer.example</email></contact></vendor></prospect></adf>";
    let u = understand(
        &mail("Leads <leads@autoleads.example>", "ADF", "", body),
        &ctx(),
    );
    assert_eq!(u.leads.len(), 2);
    assert_eq!(u.leads[1].contact.name.as_deref(), Some("Bo Chen"));
    assert_eq!(
        u.leads[1].contact.email, None,
        "the vendor's address is never the prospect's"
    );
}

#[test]
fn form_without_reachable_contact_is_an_unqualified_lead() {
    let body = "New lead received\n\nName: Gabriel Souza\nInterested in: Tiny home on wheels\nTimeline: next year\n";
    let u = understand(
        &mail(
            "Leads Bot <noreply@leadrelay.example>",
            "New lead: tiny home",
            "",
            body,
        ),
        &ctx(),
    );
    assert_eq!(u.kind, Kind::Lead);
    assert_eq!(u.note.as_deref(), Some(UNQUALIFIED_NOTE));
    assert_eq!(
        u.leads[0].unqualified.as_deref(),
        Some("no reachable contact")
    );
    assert_eq!(u.leads[0].contact.name.as_deref(), Some("Gabriel Souza"));
    assert!(!u.leads[0].contact.is_reachable());
}

#[test]
fn reply_to_holds_the_prospect_when_the_form_has_no_email() {
    let body =
        "Name: Nadia Petrova\nInterested in: Retreat package\nMessage: Quiet venue please.\n";
    let headers = "Reply-To: Nadia Petrova <Nadia.Petrova@Outlook.com>\r\n";
    let u = understand(
        &mail(
            "Wix Forms <no-reply@wix-forms.com>",
            "New form submission",
            headers,
            body,
        ),
        &ctx(),
    );
    assert_eq!(u.kind, Kind::Lead);
    assert_eq!(
        u.leads[0].contact.email.as_deref(),
        Some("nadia.petrova@outlook.com")
    );
    assert_eq!(
        u.leads[0].provenance.get("email").map(String::as_str),
        Some("header:reply-to")
    );
    assert_eq!(u.provider.as_deref(), Some("wix"));
}

#[test]
fn forwarded_lead_belongs_to_the_original_sender_not_the_colleague() {
    let body = "Can you call her?\n\nPat Kim\nPhone: 720-555-0100\nEmail: pat.kim@summitwindows.com\n\n\
                ---------- Forwarded message ---------\nFrom: Formspree <noreply@formspree.io>\nDate: Sun, Apr 13, 2025 at 9:41 PM\n\
                Subject: New submission\nTo: <info@summitwindows.com>\n\nname: Rachel Nguyen\nemail: rachel.nguyen@hotmail.com\nmessage: Quote for 8 windows please\n";
    let u = understand(
        &mail(
            "Pat Kim <pat.kim@summitwindows.com>",
            "Fwd: New submission",
            "",
            body,
        ),
        &ctx(),
    );
    assert_eq!(u.kind, Kind::Lead);
    let c = &u.leads[0].contact;
    assert_eq!(c.email.as_deref(), Some("rachel.nguyen@hotmail.com"));
    assert_eq!(c.phone, None, "the forwarder's phone is not the prospect's");
    assert_eq!(u.provider.as_deref(), Some("formspree"));
}

#[test]
fn provider_rule_beats_the_generic_extractor_and_records_provenance() {
    let rule = ProviderRule {
        name: "roofquotes".into(),
        sender: vec!["@roofquotes.example".into()],
        fields: BTreeMap::from([
            ("phone".into(), r"Callback:\s*(\+?[\d ()-]{7,})".into()),
            ("interest".into(), r"Job:\s*(.+)".into()),
        ]),
        labels: BTreeMap::from([("Kundenname".into(), "name".into())]),
        ..ProviderRule::default()
    };
    assert_eq!(validate_rule(&rule), Ok(()));
    let ctx = Context {
        provider_rules: vec![rule],
        ..ctx()
    };
    let body = "Kundenname: Jo Park\nEmail: jo@parkhomes.io\nPhone: 000\nService: Roofing\nJob: Slate roof repair\nCallback: +1 555 010 2020\n";
    let u = understand(
        &mail("RoofQuotes <leads@roofquotes.example>", "Lead", "", body),
        &ctx,
    );
    assert_eq!(u.kind, Kind::Lead);
    let lead = &u.leads[0];
    assert_eq!(u.provider.as_deref(), Some("roofquotes"));
    assert_eq!(lead.source, "rule:roofquotes");
    assert_eq!(lead.contact.phone.as_deref(), Some("+1 555 010 2020"));
    assert_eq!(lead.interest.as_deref(), Some("Slate roof repair"));
    assert_eq!(lead.contact.name.as_deref(), Some("Jo Park"));
    assert_eq!(
        lead.provenance.get("phone").map(String::as_str),
        Some("rule:roofquotes")
    );
    assert_eq!(
        lead.provenance.get("email").map(String::as_str),
        Some("form:colon \"Email\"")
    );
}

#[test]
fn bad_provider_rules_are_reported_for_carousel_check() {
    let mut rule = ProviderRule {
        name: "x".into(),
        sender: vec!["@x.example".into()],
        ..ProviderRule::default()
    };
    rule.fields.insert("phone".into(), "Phone: ([0-9]+".into());
    assert!(validate_rule(&rule).is_err_and(|e| e.contains("bad regex")));
    rule.fields.insert("phone".into(), "Phone: [0-9]+".into());
    assert!(validate_rule(&rule).is_err_and(|e| e.contains("exactly one capture group")));
    let no_sender = ProviderRule {
        name: "y".into(),
        ..ProviderRule::default()
    };
    assert!(validate_rule(&no_sender).is_err());
    let parsed: Result<ProviderRule, _> =
        toml::from_str("name = \"z\"\nsender = [\"@z.example\"]\nfeilds = {}\n");
    assert!(parsed.is_err(), "typos in rule keys are rejected");
}

#[test]
fn junk_is_other_with_a_reason() {
    let cases = [
        (
            "WordPress <wordpress@gym.example>",
            "New contact form entry",
            "Name: test test\nEmail: jo@gymfan.io\nMessage: test\n",
            "test submission",
        ),
        (
            "Formspree <noreply@formspree.io>",
            "New submission",
            "name: John Smith\nemail: john@example.com\nmessage: does this work\n",
            "test submission",
        ),
        (
            "Admin <admin@mailbox-upgrade.example>",
            "Mailbox full",
            "Your mailbox is full. Verify your account to keep your password.\n",
            "phishing",
        ),
        (
            "Website <wordpress@hvac.example>",
            "New request",
            "Your Name: Marco Rossi\nYour Email: marco@rossi.io\nYour Message: I am applying for the position of technician, my resume is attached.\n",
            "job application",
        ),
        (
            "Tom <tom@becker.io>",
            "lunch?",
            "Hi Mike,\n\nLunch Thursday?\n\nTom\nPhone: 614-555-0182\nEmail: tom@becker.io\n",
            "no lead form",
        ),
    ];
    for (from, subject, body, reason) in cases {
        let u = understand(&mail(from, subject, "", body), &ctx());
        assert_eq!(u.kind, Kind::Other, "{subject}: {:?}", u.leads);
        assert!(
            u.note.as_deref().is_some_and(|n| n.contains(reason)),
            "{subject}: {:?}",
            u.note
        );
    }
    let newsletter = mail(
        "SaaS Weekly <news@saasweekly.example>",
        "Issue 212",
        "List-Unsubscribe: <https://saasweekly.example/u>\r\n",
        "Five pricing pages that convert.\n",
    );
    let u = understand(&newsletter, &ctx());
    assert_eq!(u.kind, Kind::Other);
    assert!(
        u.note
            .as_deref()
            .is_some_and(|n| n.starts_with("newsletter"))
    );
}

#[test]
fn hostile_bodies_finish_and_never_panic() {
    let mut bodies: Vec<String> = vec![
        "Name:".repeat(50_000),
        format!("Email: {}\n", "a".repeat(200_000)),
        "<table>".repeat(20_000) + &"<tr><td>Name</td><td>x</td></tr>".repeat(5_000),
        ":\n".repeat(100_000),
        "Name\n".repeat(60_000),
        "<adf>".repeat(10_000),
        "in 1-3 months within 6 months next spring ".repeat(5_000),
    ];
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpora/replies-github/emails");
    for name in ["pathological.txt", "email_long_quote.txt"] {
        if let Ok(text) = std::fs::read_to_string(corpus.join(name)) {
            bodies.push(text);
        }
    }
    for body in &bodies {
        let u = understand(
            &mail("Forms <noreply@forms.example>", "New submission", "", body),
            &ctx(),
        );
        assert!(u.leads.len() <= 1);
    }
}

/// The phrase table: (phrase, is a timeline field, expected bucket), relative
/// to a message dated 12 May 2025.
#[test]
fn timeline_phrases_in_five_languages() {
    use Timeline::*;
    let date = Some("2025-05-12T09:00:00+00:00");
    let table: &[(&str, bool, Option<Timeline>)] = &[
        // English
        ("ASAP", true, Some(Immediate)),
        ("We need this right away.", false, Some(Immediate)),
        ("this month", true, Some(Within3Months)),
        ("1-3 months", true, Some(Within3Months)),
        (
            "We'd like to start in the next few weeks.",
            false,
            Some(Within3Months),
        ),
        ("within 6 months", true, Some(ThreeTo6Months)),
        ("3-6 months", true, Some(ThreeTo6Months)),
        ("6-12 months", true, Some(SixTo12Months)),
        ("Within 12 months", true, Some(SixTo12Months)),
        ("next spring", true, Some(SixTo12Months)),
        ("We plan to buy in about a year.", false, Some(Over12Months)),
        ("a few years out", true, Some(Over12Months)),
        ("12+ months", true, Some(Over12Months)),
        ("just researching", true, Some(Researching)),
        (
            "We're only comparing prices for now.",
            false,
            Some(Researching),
        ),
        ("We have used our current system for 2 years.", false, None),
        ("Please call me after 5pm.", false, None),
        ("in September", false, Some(ThreeTo6Months)),
        // Japanese
        ("すぐに", true, Some(Immediate)),
        ("3ヶ月以内", true, Some(Within3Months)),
        ("半年以内", true, Some(ThreeTo6Months)),
        ("1年以内", true, Some(SixTo12Months)),
        ("１年以上先", true, Some(Over12Months)),
        ("情報収集中", true, Some(Researching)),
        ("来年の春頃", true, Some(SixTo12Months)),
        // German
        ("sofort", true, Some(Immediate)),
        ("innerhalb von 3 Monaten", true, Some(Within3Months)),
        ("in 6 bis 12 Monaten", true, Some(SixTo12Months)),
        ("in ein paar Jahren", true, Some(Over12Months)),
        (
            "Ich möchte mich erst einmal informieren.",
            false,
            Some(Researching),
        ),
        // Spanish
        ("lo antes posible", true, Some(Immediate)),
        ("en los próximos 6 meses", true, Some(ThreeTo6Months)),
        ("de 1 a 3 meses", true, Some(Within3Months)),
        ("el próximo año", true, Some(Over12Months)),
        ("Solo estoy mirando opciones.", false, Some(Researching)),
        // French
        ("dès que possible", true, Some(Immediate)),
        ("d'ici 6 mois", true, Some(ThreeTo6Months)),
        ("dans 1 à 3 mois", true, Some(Within3Months)),
        ("dans quelques années", true, Some(Over12Months)),
        ("Je me renseigne pour l'instant.", false, Some(Researching)),
        ("Nothing stated here", true, None),
    ];
    let mut wrong = Vec::new();
    for (phrase, field, want) in table {
        let got = timeline::parse(phrase, date, *field);
        if got != *want {
            wrong.push(format!("{phrase:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
