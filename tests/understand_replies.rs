//! Reply understanding over the public reply-trimmer corpora and carousel's
//! own reply fixtures.
//!
//! The corpora (copied with their licences into `tests/corpora/`) state the
//! new text of each reply; the share of bodies whose stripped text equals it
//! (whitespace-normalised) must reach 90 %. The corpora follow the trimmer
//! convention (`StripOptions::CORPUS`: quotes interleaved with new text and a
//! bare "Thanks,\nName" stay), DESIGN.md's `reply_text` drops both; the
//! options differ only there.

use std::path::{Path, PathBuf};
mod common;

use std::time::Instant;

use carousel::understand::reply::{StripOptions, strip::strip};
use carousel::understand::{Context, Intent, Kind, understand};
use common::normalize;
use serde_json::Value;

fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora")
}

/// Suites in the crisp/github shape: `expected.json` maps a body file to
/// `{"reply": {"text": …}}`. talon and quotequail are derived from their
/// upstream tests by `scripts/extract_reply_corpora.py` (see their README).
const TUNING_SUITES: [&str; 4] = [
    "replies-crisp",
    "replies-github",
    "replies-talon",
    "replies-quotequail",
];

/// The share each suite must keep (percent): today's figure, rounded down.
const SUITE_FLOORS: [(&str, f64); 5] = [
    ("discourse", 98.0),
    ("replies-crisp", 100.0),
    ("replies-github", 90.0),
    ("replies-talon", 91.0),
    ("replies-quotequail", 100.0),
];

/// (name, body, expected new text) for every corpus case that states one.
fn corpus_cases() -> Vec<(String, String, String)> {
    let mut cases = Vec::new();
    let discourse = corpora().join("replies-discourse");
    let mut names: Vec<_> = std::fs::read_dir(discourse.join("trimmed"))
        .expect("discourse corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for trimmed in names {
        let name = trimmed.file_name().unwrap().to_string_lossy().to_string();
        let body = std::fs::read(discourse.join("emails").join(&name)).unwrap();
        let expected = std::fs::read(&trimmed).unwrap();
        cases.push((
            format!("discourse/{name}"),
            String::from_utf8_lossy(&body).trim().to_string(),
            String::from_utf8_lossy(&expected).to_string(),
        ));
    }
    for corpus in TUNING_SUITES {
        let dir = corpora().join(corpus);
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let Value::Object(map) = expected else {
            panic!("{corpus}: expected.json is not an object")
        };
        for (file, entry) in map {
            let Some(text) = entry["reply"]["text"].as_str() else {
                continue;
            };
            let body = std::fs::read(dir.join(&file)).unwrap();
            cases.push((
                format!("{corpus}/{file}"),
                String::from_utf8_lossy(&body).to_string(),
                text.to_string(),
            ));
        }
    }
    cases
}

#[test]
fn corpus_replies_are_stripped_to_their_new_text() {
    let cases = corpus_cases();
    assert!(cases.len() > 100, "corpora missing: {} cases", cases.len());
    let mut right = 0;
    let mut per_suite: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (name, body, expected) in &cases {
        let got = strip(body, StripOptions::CORPUS).text;
        let suite = name.split('/').next().unwrap_or("");
        let tally = per_suite.entry(suite).or_default();
        tally.1 += 1;
        if normalize(&got) == normalize(expected) {
            right += 1;
            tally.0 += 1;
        } else {
            println!(
                "MISS {name}\n  expected: {:?}\n  got:      {:?}",
                cut(expected),
                cut(&got)
            );
        }
    }
    let share = 100.0 * right as f64 / cases.len() as f64;
    let mut below = Vec::new();
    for (suite, floor) in SUITE_FLOORS {
        let (ok, all) = per_suite.get(suite).copied().unwrap_or_default();
        assert!(all > 0, "suite {suite} has no cases");
        let suite_share = 100.0 * ok as f64 / all as f64;
        println!("  suite {suite:<20} {ok:>3}/{all:<3} = {suite_share:.1} % (floor {floor:.1} %)");
        if suite_share < floor {
            below.push(format!("{suite}: {suite_share:.1} % < {floor:.1} %"));
        }
    }
    println!(
        "corpus replies stripped right: {right}/{} = {share:.1} %",
        cases.len()
    );
    assert!(below.is_empty(), "suites below their floor: {below:?}");
    assert!(
        share >= 90.0,
        "only {share:.1} % of corpus replies stripped right"
    );
}

fn cut(s: &str) -> String {
    let n = normalize(s);
    if n.chars().count() > 160 {
        format!("{}…", n.chars().take(160).collect::<String>())
    } else {
        n
    }
}

/// Every corpus body, including the ones without an expected text, and the
/// ReDoS cases of the github corpus: none may panic, and the rate is printed.
#[test]
fn stripping_is_fast_on_every_corpus_body() {
    let mut bodies: Vec<(String, String)> = Vec::new();
    for corpus in [
        "replies-discourse/emails",
        "replies-crisp/fixtures",
        "replies-crisp/inline",
        "replies-github/emails",
        "replies-github/inline",
        "replies-talon/cases",
        "replies-quotequail/cases",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(corpora().join(corpus))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        for p in paths {
            let body = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).to_string();
            bodies.push((p.display().to_string(), body));
        }
    }
    // Warm up: the first call compiles the regexes.
    let _ = strip("x\n> y", StripOptions::DESIGN);
    for heavy in ["pathological.txt", "email_long_quote.txt"] {
        let (_, body) = bodies
            .iter()
            .find(|(p, _)| p.ends_with(heavy))
            .expect("github ReDoS cases present");
        let start = Instant::now();
        let out = strip(body, StripOptions::DESIGN);
        println!(
            "{heavy}: {} bytes stripped in {:?}",
            body.len(),
            start.elapsed()
        );
        assert!(!out.text.is_empty());
    }
    let rounds = 5;
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        for (_, body) in &bodies {
            bytes += body.len();
            let _ = strip(body, StripOptions::DESIGN);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = rounds * bodies.len();
    println!(
        "stripped {n} replies ({:.1} MB) in {secs:.3} s: {:.0} replies/s, {:.1} MB/s (build profile: {})",
        bytes as f64 / 1e6,
        n as f64 / secs,
        bytes as f64 / 1e6 / secs,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}

fn fixture(name: &str) -> carousel::understand::Understanding {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replies")
        .join(format!("{name}.eml"));
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let ctx = Context {
        own_message_id_domains: vec!["carousel.acme.example".into()],
        ..Context::default()
    };
    understand(&raw, &ctx)
}

#[test]
fn reply_is_tied_to_what_carousel_sent_and_says_how() {
    let threaded = fixture("gmail_en_interested");
    let link = threaded.campaign_link.expect("threaded reply has a link");
    assert_eq!((link.how.as_str(), link.ours), ("in-reply-to", true));
    assert_eq!(
        link.message_id.as_deref(),
        Some("c1.e1.s1@carousel.acme.example")
    );

    let plus = fixture("plus_address_no_threading");
    assert_eq!(plus.kind, Kind::Reply);
    let link = plus.campaign_link.expect("plus-addressed reply has a link");
    assert_eq!((link.how.as_str(), link.ours), ("plus-address", true));

    let quoted = fixture("quoted_original_unsubscribe");
    assert_eq!(quoted.kind, Kind::Reply);
    assert_eq!(
        quoted.campaign_link.expect("quoted original").how,
        "quoted-original"
    );
}

#[test]
fn not_now_replies_carry_a_revisit_date_from_the_message_date() {
    // All fixtures are dated Friday 2026-11-20.
    for (name, date) in [
        ("outlook_en_not_now_summer", "2027-09-01"),
        ("outlook_de_naechstes_jahr", "2027-01-01"),
        ("message_d_origine_not_now", "2027-03-01"),
        ("iphone_ja_not_now", "2027-02-20"),
        ("thunderbird_en_not_now_january", "2027-01-01"),
        ("gmail_es_not_now", "2027-02-20"),
        ("signature_disclaimer_not_now", "2027-11-20"),
        ("not_uninterested_next_quarter", "2027-01-01"),
        ("outlook_de_fruehjahr", "2027-03-01"),
    ] {
        let reply = fixture(name).reply.expect("a reply reading");
        assert_eq!(reply.intent, Some(Intent::NotNow), "{name}");
        assert_eq!(
            reply.revisit.as_deref(),
            Some(date),
            "{name}: phrases {:?}",
            reply.intent_phrases
        );
    }
}

#[test]
fn every_intent_is_explained_by_the_phrases_that_decided_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replies");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".eml")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 40, "only {} reply fixtures", names.len());
    for name in names {
        let reply = fixture(&name)
            .reply
            .unwrap_or_else(|| panic!("{name}: not read as a reply"));
        if let Some(intent) = reply.intent {
            assert!(
                !reply.intent_phrases.is_empty(),
                "{name}: {intent:?} without phrases"
            );
            println!("{name:<40} {intent:?} {:?}", reply.intent_phrases);
        }
    }
}

#[test]
fn referral_names_the_decider_and_signature_gives_title_not_competitor() {
    let r = fixture("original_message_referral").reply.unwrap();
    assert_eq!(
        r.referral_email.as_deref(),
        Some("laura.chen@meridian-health.example")
    );
    assert_eq!(r.referral_name.as_deref(), Some("Laura Chen"));
    let de = fixture("ursprungliche_nachricht_referral").reply.unwrap();
    assert_eq!(
        de.referral_email.as_deref(),
        Some("anna.berg@stadtwerke-lindau.example")
    );
    assert_eq!(de.referral_name.as_deref(), Some("Anna Berg"));

    let u = fixture("signature_block_competitor_question");
    assert_eq!(u.contact.company.as_deref(), Some("Cascade Foods Inc."));
    assert_eq!(
        u.reply.unwrap().signature_contact.title.as_deref(),
        Some("Procurement Lead")
    );
    let de = fixture("outlook_de_naechstes_jahr").reply.unwrap();
    assert_eq!(
        de.signature_contact.title.as_deref(),
        Some("Leiter Technik")
    );
}

/// Tuning cases written for this round (not from any held-out suite): the
/// header blocks and separators mail clients put above the quoted mail in
/// languages beyond the first eight (Czech, Finnish, Korean, Turkish,
/// Hungarian) and the Thunderbird/GMX/Apple Mail separators of the others.
/// Everything from the block down is quoted mail.
#[test]
fn header_blocks_and_separators_in_more_languages_end_the_new_text() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "cs outlook",
            "Dobrý den,\nmáme zájem o nabídku.\n\nOd: Anna Dvořák <anna@acme.example>\nOdesláno: pondělí 2. prosince 2026 10:00\nKomu: Jan Novák <jan@firma.example>\nPředmět: Solární panely\n\nDobrý den, posíláme informace o panelech.\n",
            "Dobrý den,\nmáme zájem o nabídku.",
        ),
        (
            "fi outlook",
            "Hei,\nolemme kiinnostuneita, soittakaa ensi viikolla.\n\nLähettäjä: Anna <anna@acme.example>\nLähetetty: maanantai 2. joulukuuta 2026 10.00\nVastaanottaja: Matti <matti@yritys.example>\nAihe: Aurinkopaneelit\n\nHei Matti, tässä tarjous.\n",
            "Hei,\nolemme kiinnostuneita, soittakaa ensi viikolla.",
        ),
        (
            "ko outlook",
            "안녕하세요,\n견적 부탁드립니다.\n\n보낸 사람: Anna <anna@acme.example>\n보낸 날짜: 2026년 12월 2일 월요일 오전 10:00\n받는 사람: 김민수 <kim@company.example>\n제목: 태양광 패널\n\n안녕하세요 김민수님, 제안서를 보내드립니다.\n",
            "안녕하세요,\n견적 부탁드립니다.",
        ),
        (
            "tr outlook",
            "Merhaba,\nteklif rica ederim.\n\nKimden: Anna <anna@acme.example>\nGönderildi: 2 Aralık 2026 Pazartesi 10:00\nKime: Ahmet <ahmet@firma.example>\nKonu: Güneş panelleri\n\nMerhaba Ahmet Bey, teklifimiz ektedir.\n",
            "Merhaba,\nteklif rica ederim.",
        ),
        (
            "hu outlook",
            "Üdvözlöm,\nérdekel az ajánlat.\n\nFeladó: Anna <anna@acme.example>\nElküldve: 2026. december 2. 10:00\nCímzett: Kovács Péter <peter@ceg.example>\nTárgy: Napelemek\n\nKedves Péter, küldöm az ajánlatot.\n",
            "Üdvözlöm,\nérdekel az ajánlat.",
        ),
        (
            "fr thunderbird",
            "Bonjour,\nça nous intéresse.\n\n-------- Message original --------\nSujet : Panneaux solaires\nDate : 02/12/2026 10:00\nDe : Anna <anna@acme.example>\nPour : Pierre <pierre@societe.example>\n\nBonjour Pierre, voici notre offre.\n",
            "Bonjour,\nça nous intéresse.",
        ),
        (
            "de gmx",
            "Hallo,\nja, gerne ein Angebot.\n\n-------- Original-Nachricht --------\nBetreff: Solaranlage\nDatum: 2026-12-02T10:00:00+01:00\nVon: Anna <anna@acme.example>\nAn: hans@firma.example\n\nHallo Hans, hier unser Angebot.\n",
            "Hallo,\nja, gerne ein Angebot.",
        ),
        (
            "nl apple mail",
            "Hallo,\ngraag een offerte.\n\nBegin doorgestuurd bericht:\n\nVan: Anna <anna@acme.example>\nOnderwerp: Zonnepanelen\nDatum: 2 december 2026 om 10:00:00 CET\nAan: Jan <jan@bedrijf.example>\n\nBeste Jan, hierbij onze offerte.\n",
            "Hallo,\ngraag een offerte.",
        ),
        (
            "pt apple mail",
            "Olá,\ntemos interesse.\n\nInício da mensagem reencaminhada:\n\nDe: Anna <anna@acme.example>\nAssunto: Painéis solares\nData: 2 de dezembro de 2026 10:00:00 WET\nPara: João <joao@empresa.example>\n\nOlá João, segue a proposta.\n",
            "Olá,\ntemos interesse.",
        ),
        (
            "cs separator",
            "Dobrý den,\npošlete prosím cenu.\n\n-----Původní zpráva-----\nOd: Anna <anna@acme.example>\nOdesláno: 2. prosince 2026 10:00\n\nDobrý den, nabízíme panely.\n",
            "Dobrý den,\npošlete prosím cenu.",
        ),
        (
            "hu separator",
            "Üdvözlöm,\nkérem hívjanak.\n\n-----Eredeti üzenet-----\nFeladó: Anna <anna@acme.example>\n\nKedves Péter, napelemek.\n",
            "Üdvözlöm,\nkérem hívjanak.",
        ),
        (
            "ru outlook",
            "Добрый день,\nнам интересно.\n\nОт: Anna <anna@acme.example>\nОтправлено: 2 декабря 2026 г. 10:00\nКому: Иван <ivan@company.example>\nТема: Солнечные панели\n\nДобрый день, Иван, вот предложение.\n",
            "Добрый день,\nнам интересно.",
        ),
        (
            "cs outlook names only",
            "Dobrý den,\nzavolejte mi.\n\nOd: Anna Dvořák\nOdesláno: pondělí 2. prosince 2026 10:00\nKomu: Jan Novák\nPředmět: Solární panely\n\nDobrý den, posíláme informace.\n",
            "Dobrý den,\nzavolejte mi.",
        ),
        (
            "ko outlook names only",
            "안녕하세요,\n전화 주세요.\n\n보낸 사람: Anna Kim\n보낸 날짜: 2026년 12월 2일 월요일 오전 10:00\n받는 사람: 김민수\n제목: 태양광 패널\n\n안녕하세요, 제안서입니다.\n",
            "안녕하세요,\n전화 주세요.",
        ),
        (
            "fi outlook names only",
            "Hei,\nlähettäkää tarjous.\n\nLähettäjä: Anna Virtanen\nLähetetty: maanantai 2. joulukuuta 2026 10.00\nVastaanottaja: Matti Korhonen\nAihe: Aurinkopaneelit\n\nHei Matti, tässä tarjous.\n",
            "Hei,\nlähettäkää tarjous.",
        ),
        (
            "tr outlook names only",
            "Merhaba,\nlütfen arayın.\n\nKimden: Anna Yılmaz\nGönderildi: 2 Aralık 2026 Pazartesi 10:00\nKime: Ahmet Demir\nKonu: Güneş panelleri\n\nMerhaba Ahmet Bey, teklifimiz ektedir.\n",
            "Merhaba,\nlütfen arayın.",
        ),
        (
            "es outlook enviado el",
            "Hola,\nnos interesa, llámenme.\n\nDe: Anna <anna@acme.example>\nEnviado el: lunes, 2 de diciembre de 2026 10:00\nPara: Luis <luis@empresa.example>\nAsunto: Paneles solares\n\nHola Luis, le envío la oferta.\n",
            "Hola,\nnos interesa, llámenme.",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, body, want) in cases {
        let got = strip(body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(want) {
            wrong.push(format!("{name}: got {:?}", cut(&got)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Tuning cases written for this round: mobile-client footers in more
/// languages ("Get Outlook for iOS" as Outlook localises it, iPhone footers
/// in Hungarian, Turkish, Romanian). The footer is not what the prospect
/// wrote.
#[test]
fn mobile_footers_in_more_languages_are_dropped() {
    let footers = [
        "Outlook für iOS herunterladen",
        "Télécharger Outlook pour iOS",
        "Obtener Outlook para iOS",
        "Scarica Outlook per Android",
        "Outlook voor iOS downloaden",
        "Obter o Outlook para iOS",
        "Küldve az iPhone-omról",
        "iPhone'umdan gönderildi",
        "Trimis de pe iPhone-ul meu",
        "Sent from Mail for Windows",
    ];
    let mut wrong = Vec::new();
    for footer in footers {
        let body = format!("Yes, please call me tomorrow.\n\n{footer}\n");
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != "Yes, please call me tomorrow." {
            wrong.push(format!("{footer}: got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Tuning cases written for this round: Gmail and Thunderbird attribution
/// lines in languages whose verb is not at the end of the line or was not
/// known (Finnish, Polish "pisze", Romanian, Greek, Indonesian, Hungarian).
#[test]
fn attributions_in_more_languages_end_the_new_text() {
    let attributions = [
        "Dana Reyes (dana@acme.example) kirjoitti ma 1.12.2026 klo 9.00:",
        "W dniu 1.12.2026 o 09:00, Dana Reyes pisze:",
        "Dana Reyes <dana@acme.example> a scris în Lun, 1 dec. 2026 la 09:00:",
        "Ο χρήστης Dana Reyes <dana@acme.example> έγραψε στις Δευ 1 Δεκ 2026 στις 9:00 π.μ.:",
        "Pada tanggal Sen, 1 Des 2026 pukul 09.00 Dana Reyes <dana@acme.example> menulis:",
        "Dana Reyes <dana@acme.example> ezt írta (időpont: 2026. dec. 1., H, 9:00):",
        "Dana Reyes <dana@acme.example>, 1 Ara 2026 Pzt, 09:00 tarihinde şunu yazdı:",
    ];
    let mut wrong = Vec::new();
    for header in attributions {
        let body = format!(
            "Thanks, please send the quote.\n\n{header}\n> Hello,\n> would solar suit your roof?\n"
        );
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != "Thanks, please send the quote." {
            wrong.push(format!("{header}: got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The web-ridge suite (`tests/corpora/replies-webridge`, MIT, see its
/// README): every base mail + signature + quoted reply must strip back to
/// the base mail. A tuning suite, scored apart from the others.
#[test]
fn webridge_combinations_strip_back_to_the_base_mail() {
    let dir = corpora().join("replies-webridge/dataset");
    let read_dir = |sub: &str| -> Vec<(String, String)> {
        let mut v: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap_or_else(|e| panic!("{sub}: {e}"))
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().to_string(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (bases, signatures, quotes) = (
        read_dir("basemail"),
        read_dir("signatures"),
        read_dir("quoted_reply"),
    );
    let (mut right, mut all) = (0, 0);
    let mut misses: std::collections::BTreeMap<String, usize> = Default::default();
    for (b, base) in &bases {
        for (s, signature) in &signatures {
            for (q, quote) in &quotes {
                all += 1;
                let body = format!("{base}\n\n{signature}\n\n{quote}");
                let got = strip(&body, StripOptions::DESIGN).text;
                if normalize(&got) == normalize(base.trim()) {
                    right += 1;
                } else {
                    if std::env::var_os("CAROUSEL_WEBRIDGE_MISSES").is_some() {
                        println!("MISS {b} + {s} + {q}: got {:?}", cut(&got));
                    }
                    *misses.entry(format!("base {b}")).or_default() += 1;
                    *misses.entry(format!("signature {s}")).or_default() += 1;
                    *misses.entry(format!("quote {q}")).or_default() += 1;
                }
            }
        }
    }
    let share = 100.0 * right as f64 / all as f64;
    println!("webridge combinations stripped right: {right}/{all} = {share:.1} %");
    for (what, n) in &misses {
        println!("  misses with {what}: {n}");
    }
    assert!(all >= 400, "webridge suite missing: {all} combinations");
    assert!(share >= WEBRIDGE_FLOOR, "{share:.1} % < {WEBRIDGE_FLOOR} %");
}

/// Today's webridge figure, rounded down. Every remaining miss is the base
/// mail `formatting_and_quotes.txt`, whose `>` lines between new lines
/// upstream keeps and DESIGN.md's `reply_text` drops (a convention, not a
/// trimming error).
const WEBRIDGE_FLOOR: f64 = 83.0;

/// Tuning cases written for round 5 (from how mail clients and people lay
/// out replies; not from any held-out suite): sign-off lines that carry
/// name, title and company, multi-paragraph signatures, replies that are
/// only a signature, wrapped attributions whose address or name sits on
/// the second line, Lotus Notes and Outlook header blocks, forwarded
/// markers and mobile footers. Everything from the marker down is not new.
#[test]
fn round5_signatures_headers_and_footers_end_the_new_text() {
    let quote = "\n> Hi,\n> would solar suit your roof?\n";
    let cases: &[(&str, String, &str)] = &[
        (
            "name | title | company line",
            format!("Hi Dana,\n\nYes, let's talk Thursday.\n\nMark Ellison | VP Operations | Brightline Logistics\nmark@brightline.example | +1 (312) 555-0188\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana <dana@acme.example> wrote:{quote}"),
            "Hi Dana,\n\nYes, let's talk Thursday.",
        ),
        (
            "one line: name, title, company",
            format!("Please send the brochure.\n\nPriya Raman, Procurement Manager, Helix Foods Ltd.\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana <dana@acme.example> wrote:{quote}"),
            "Please send the brochure.",
        ),
        (
            "dash name, title at company",
            "Send me the price list please.\n\n— Tom Becker, Head of Facilities at Nordwind Logistik GmbH\n".to_string(),
            "Send me the price list please.",
        ),
        (
            "bold name and title, several paragraphs",
            format!("Hola Dana,\n\nNos interesa, llámeme mañana.\n\n*Laura Gómez* | *Directora Comercial*\n*Tel. +34 600 123 456*\n\n[image: logo]\n\nCalle Mayor 5, 28013 Madrid\n*CIF      B12345678*\n*WEB      gomez.example <https://gomez.example/>*\n\nEl lun, 1 dic 2026 a las 9:00, Dana <dana@acme.example> escribió:{quote}"),
            "Hola Dana,\n\nNos interesa, llámeme mañana.",
        ),
        (
            "signature with company line and url",
            "Sounds good, go ahead.\n\nJulia Martens\nEinkauf\nStadtwerke Lindau GmbH\nT +49 8382 123-45\nwww.stadtwerke-lindau.example\n".to_string(),
            "Sounds good, go ahead.",
        ),
        (
            "only a signature above the quote",
            format!("\n--\nSam Lee | Head of Ops\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana <dana@acme.example> wrote:{quote}"),
            "",
        ),
        (
            "only a sign-off above the quote",
            format!("Best regards,\nRobert Meyer\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana <dana@acme.example> wrote:{quote}"),
            "",
        ),
        (
            "only a signature block",
            "Karen Holt\nGraphic Designer\nTel: +44 20 7946 0000\nkaren@holt.example\nwww.holt.example\n".to_string(),
            "",
        ),
        (
            "gmail wrapped: verb line then address line",
            format!("Ja, graag.\n\nOp di 1 dec. 2026 om 09:00 schreef\nDana Reyes <dana@acme.example>:\n{quote}"),
            "Ja, graag.",
        ),
        (
            "header alone at top, wrapped: verb then address line",
            format!("\n\nOp di 1 dec. 2026 om 09:00 schreef\nDana Reyes <dana@acme.example>:\n{quote}"),
            "",
        ),
        (
            "old gmail: date, name and address wrapped after '<'",
            format!("Call me Monday.\n\n2026/12/1 Dana Reyes <\ndana@acme.example>\n{quote}"),
            "Call me Monday.",
        ),
        (
            "gmail fr wrapped",
            format!("Oui, appelez-moi.\n\nLe lun. 1 déc. 2026 à 09:00, Dana Reyes <\ndana@acme.example> a écrit :\n{quote}"),
            "Oui, appelez-moi.",
        ),
        (
            "gmail de wrapped",
            format!("Ja, gerne.\n\nAm Di., 1. Dez. 2026 um 09:00 Uhr schrieb Dana Reyes <\ndana@acme.example>:\n{quote}"),
            "Ja, gerne.",
        ),
        (
            "gmail it wrapped",
            format!("Sì, grazie.\n\nIl giorno mar 1 dic 2026 alle ore 09:00 Dana Reyes <\ndana@acme.example> ha scritto:\n{quote}"),
            "Sì, grazie.",
        ),
        (
            "gmail pt wrapped",
            format!("Sim, pode ligar.\n\nEm ter., 1 de dez. de 2026 às 09:00, Dana Reyes <\ndana@acme.example> escreveu:\n{quote}"),
            "Sim, pode ligar.",
        ),
        (
            "gmail sv wrapped",
            format!("Ja tack.\n\nDen tis 1 dec. 2026 kl 09:00 skrev Dana Reyes <\ndana@acme.example>:\n{quote}"),
            "Ja tack.",
        ),
        (
            "gmail ja",
            format!("ありがとうございます。資料をお願いします。\n\n2026年12月1日(火) 9:00 Dana Reyes <dana@acme.example>:\n{quote}"),
            "ありがとうございます。資料をお願いします。",
        ),
        (
            "thunderbird de",
            format!("Passt, danke.\n\nAm 01.12.2026 um 09:00 schrieb Dana Reyes:\n{quote}"),
            "Passt, danke.",
        ),
        (
            "thunderbird en, name first",
            format!("Works for me.\n\nDana Reyes wrote on 01/12/2026 09:00:\n{quote}"),
            "Works for me.",
        ),
        (
            "lotus notes tabbed block",
            "Thanks, I'll forward this internally.\n\n\n\nFrom:\tDana Reyes <dana@acme.example>\nTo:\tPeter Wong/Finance/Corp@Corp\nDate:\t12/01/2026 09:15 AM\nSubject:\tSolar quote\n\n\n\nHi Peter,\nhere is the quote.\n".to_string(),
            "Thanks, I'll forward this internally.",
        ),
        (
            "lotus notes classic block",
            "Please call me next week.\n\n\n\n\"Dana Reyes\" <dana@acme.example>\n01.12.2026 09:15\n\nAn\npeter.wong@firma.example\nKopie\n\nThema\nSolaranlage\n\n\n\nHallo Herr Wong,\nanbei das Angebot.\n".to_string(),
            "Please call me next week.",
        ),
        (
            "outlook bold markdown block",
            "Yes, Tuesday works.\n\n**From:** Dana Reyes <dana@acme.example>\n**Sent:** Tuesday, December 1, 2026 9:00 AM\n**To:** Peter Wong <peter@firma.example>\n**Subject:** Solar quote\n\nHi Peter,\n".to_string(),
            "Yes, Tuesday works.",
        ),
        (
            "outlook rule then french block",
            "D'accord pour mardi.\n\n________________________________\nDe : Dana Reyes <dana@acme.example>\nEnvoyé : mardi 1 décembre 2026 09:00\nÀ : Pierre Martin\nObjet : Panneaux solaires\n\nBonjour Pierre,\n".to_string(),
            "D'accord pour mardi.",
        ),
        (
            "outlook italian block",
            "Va bene martedì.\n\nDa: Dana Reyes <dana@acme.example>\nInviato: martedì 1 dicembre 2026 09:00\nA: Marco Rossi <marco@azienda.example>\nOggetto: Pannelli solari\n\nCiao Marco,\n".to_string(),
            "Va bene martedì.",
        ),
        (
            "outlook polish block",
            "Proszę o telefon.\n\nOd: Dana Reyes <dana@acme.example>\nWysłano: wtorek, 1 grudnia 2026 09:00\nDo: Jan Kowalski <jan@firma.example>\nTemat: Panele słoneczne\n\nDzień dobry,\n".to_string(),
            "Proszę o telefon.",
        ),
        (
            "apple mail forwarded",
            "FYI, see below.\n\nBegin forwarded message:\n\nFrom: Dana Reyes <dana@acme.example>\nSubject: Solar quote\nDate: 1 December 2026 at 09:00:00 GMT\nTo: Peter Wong <peter@firma.example>\n\nHi Peter,\n".to_string(),
            "FYI, see below.",
        ),
        (
            "gmail forwarded",
            "Can you look at this?\n\n---------- Forwarded message ---------\nFrom: Dana Reyes <dana@acme.example>\nDate: Tue, Dec 1, 2026 at 9:00 AM\nSubject: Solar quote\nTo: <peter@firma.example>\n\nHi Peter,\n".to_string(),
            "Can you look at this?",
        ),
        (
            "spanish forwarded",
            "Te reenvío esto.\n\n---------- Mensaje reenviado ---------\nDe: Dana Reyes <dana@acme.example>\nDate: mar, 1 dic 2026 a las 9:00\nSubject: Paneles\nTo: <luis@empresa.example>\n\nHola Luis,\n".to_string(),
            "Te reenvío esto.",
        ),
        (
            "yahoo mobile footer",
            format!("Sure, call me.\n\nSent from Yahoo Mail for iPhone\n\nOn Tuesday, December 1, 2026, 9:00 AM, Dana Reyes <dana@acme.example> wrote:{quote}"),
            "Sure, call me.",
        ),
        (
            "outlook android footer with link",
            "Ok for Friday.\n\nGet Outlook for Android<https://aka.ms/ghei36>\n\n________________________________\nFrom: Dana Reyes <dana@acme.example>\nSent: Tuesday, December 1, 2026 9:00:00 AM\nTo: Sam\nSubject: Solar\n\nHi".to_string(),
            "Ok for Friday.",
        ),
        (
            "proton footer",
            "Interested, please send details.\n\nSent with Proton Mail secure email.\n".to_string(),
            "Interested, please send details.",
        ),
        (
            "swedish iphone footer",
            format!("Ja, ring mig.\n\nSkickat från min iPhone\n\n{quote}"),
            "Ja, ring mig.",
        ),
        (
            "inline answers between quotes",
            "Hi Dana,\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana <dana@acme.example> wrote:\n> How big is your roof?\nAbout 120 m2.\n> When would you like to start?\nIn March.\n\nThanks,\nSam\n".to_string(),
            "Hi Dana,\n\nAbout 120 m2.\nIn March.",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, body, want) in cases {
        let got = strip(body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(want) {
            wrong.push(format!("{name}: got {:?}", cut(&got)));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 5, more tuning cases written from how people sign in several
/// languages: long company signatures (German imprint lines, Japanese
/// ruled blocks, Danish and Swedish sign-offs with a blank line before the
/// name), and a greeting that must stay.
#[test]
fn round5_long_and_foreign_signatures_are_dropped() {
    let header = "\nOn Tue, Dec 1, 2026 at 9:00 AM Dana <dana@acme.example> wrote:\n> Hi,\n> would solar suit your roof?\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "german imprint",
            "Hallo Frau Reyes,\n\nbitte schicken Sie uns ein Angebot für 40 kWp.\n\nMit freundlichen Grüßen\n\nMax Mustermann\nGeschäftsführer\n\nMustermann Bau GmbH\nMusterstraße 1\n12345 Musterstadt\nTel.: +49 89 123456-0\nFax: +49 89 123456-99\nE-Mail: max@mustermann.example\nWeb: www.mustermann.example\n\nGeschäftsführer: Max Mustermann\nAmtsgericht München HRB 123456\nUSt-IdNr.: DE123456789\n",
            "Hallo Frau Reyes,\n\nbitte schicken Sie uns ein Angebot für 40 kWp.",
        ),
        (
            "japanese ruled block",
            "レイエス様\n\nお世話になっております。\n見積もりをお願いいたします。\n\nよろしくお願いいたします。\n\n--------------------------------\n株式会社サンプル 営業部\n山田 太郎\n〒100-0001 東京都千代田区1-1-1\nTEL: 03-1234-5678\nMail: yamada@sample.example\n--------------------------------\n",
            "レイエス様\n\nお世話になっております。\n見積もりをお願いいたします。",
        ),
        (
            "japanese name after signoff",
            "レイエス様\n\n資料を拝見しました。来週お電話ください。\n\nよろしくお願いいたします。\n山田\n",
            "レイエス様\n\n資料を拝見しました。来週お電話ください。",
        ),
        (
            "danish signoff blank line name",
            "Hej Dana,\n\nVi vil gerne have et tilbud.\n\nMed venlig hilsen\n\nAnders Andersen\nIndkøbschef\nNordisk Energi A/S\nTlf. +45 12 34 56 78\n",
            "Hej Dana,\n\nVi vil gerne have et tilbud.",
        ),
        (
            "swedish signoff",
            "Hej,\n\nRing mig gärna på fredag.\n\nVänliga hälsningar\nErik Lund\nInköpsansvarig, Lund Fastigheter AB\n070-123 45 67\n",
            "Hej,\n\nRing mig gärna på fredag.",
        ),
        (
            "chinese signoff",
            "您好，\n\n请发一份报价。\n\n此致\n敬礼\n王芳\n采购经理\n电话：+86 10 1234 5678\n",
            "您好，\n\n请发一份报价。",
        ),
        (
            "korean signoff",
            "안녕하세요,\n\n견적서를 보내 주세요.\n\n감사합니다.\n김민수 드림\n구매팀 과장\n010-1234-5678\n",
            "안녕하세요,\n\n견적서를 보내 주세요.",
        ),
        (
            "english signoff name on same line then sig",
            "Hi Dana,\n\nWe're interested, send the details.\n\nBest, Sam\n\nSam Lee\nHead of Operations | Northwind Traders Inc.\nM: +1 415 555 0100\nnorthwind.example\n\nThis email and any attachments are confidential and intended solely for the addressee.\n",
            "Hi Dana,\n\nWe're interested, send the details.",
        ),
        (
            "polish signoff",
            "Dzień dobry,\n\nproszę o ofertę na 20 paneli.\n\nPozdrawiam serdecznie\nJan Kowalski\nKierownik zakupów\ntel. +48 600 123 456\n",
            "Dzień dobry,\n\nproszę o ofertę na 20 paneli.",
        ),
        (
            "italian signoff",
            "Buongiorno,\n\nsiamo interessati, mi chiami domani.\n\nCordiali saluti\n\nMarco Rossi\nResponsabile Acquisti\nRossi Impianti S.r.l.\nTel. 02 1234567\n",
            "Buongiorno,\n\nsiamo interessati, mi chiami domani.",
        ),
        (
            "short reply with a name-like first line stays",
            "Jane Doe will call you.\n\nThanks",
            "Jane Doe will call you.\n\nThanks",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, body, want) in cases {
        let body = format!("{body}{header}");
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(want) {
            wrong.push(format!("{name}: got {:?}", cut(&got)));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Reads each text as a reply (dated 2026-11-20, from sam@customer.example)
/// and asserts its intent; prints how many of `cases` were right under
/// `label`, and every wrong one on failure.
fn assert_intents(label: &str, cases: &[(&str, Option<Intent>)]) {
    use carousel::understand::reply::{TextFormat, read_formatted};
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let got = read_formatted(
            text,
            Some("2026-11-20T10:00:00+00:00"),
            TextFormat::default(),
            &["sam@customer.example"],
        );
        if got.intent != *want {
            wrong.push(format!(
                "{text:?}: got {:?} ({:?}), want {want:?}",
                got.intent, got.intent_phrases
            ));
        }
    }
    println!(
        "{label}: {}/{} right",
        cases.len() - wrong.len(),
        cases.len()
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 5 intent tuning cases, written for this round (not from any
/// held-out suite): negation for every intent, interest asked as a
/// question, "not now" with a date, referrals to someone else (never the
/// sender), DE/FR/ES/IT/PT/NL/JA and PL/SV/TR, and `None` where a reply
/// says nothing decidable.
#[test]
fn round5_intents_in_many_languages() {
    let cases: &[(&str, Option<Intent>)] = &[
        // Negation, every intent.
        (
            "I'm not saying no, just not before March.",
            Some(Intent::NotNow),
        ),
        (
            "We're not unhappy with the idea, please send a quote.",
            Some(Intent::Interested),
        ),
        (
            "I never asked to be on this list, remove me.",
            Some(Intent::Unsubscribe),
        ),
        (
            "No need to unsubscribe me, I'd like the brochure.",
            Some(Intent::Interested),
        ),
        (
            "I don't have any questions, we're simply not interested.",
            Some(Intent::NotInterested),
        ),
        (
            "It's not that we aren't interested, we just have no budget until next year.",
            Some(Intent::NotNow),
        ),
        (
            "Not a bad idea at all. Let's set up a call.",
            Some(Intent::Interested),
        ),
        ("We are no longer interested.", Some(Intent::NotInterested)),
        ("I can't say we're interested.", Some(Intent::NotInterested)),
        // Interest asked as a question.
        (
            "Can we book the site survey for next Tuesday?",
            Some(Intent::Interested),
        ),
        (
            "How soon could you install? We'd like to proceed.",
            Some(Intent::Interested),
        ),
        (
            "Could you send me a quote for 12 panels?",
            Some(Intent::Interested),
        ),
        (
            "Does the warranty cover the inverter?",
            Some(Intent::Question),
        ),
        (
            "What's the price per kWh of storage?",
            Some(Intent::Question),
        ),
        // Not now with dates.
        ("Please get back to me in Q2 2027.", Some(Intent::NotNow)),
        ("Reach out again after 15 January.", Some(Intent::NotNow)),
        (
            "Too early for us, try again in six months.",
            Some(Intent::NotNow),
        ),
        (
            "We're mid-renovation; let's revisit in the autumn.",
            Some(Intent::NotNow),
        ),
        // Referral, never the sender.
        (
            "My colleague Anna Berg handles this, anna.berg@customer.example.",
            Some(Intent::Referral),
        ),
        (
            "Please speak to our facilities manager, Tom Reed (tom.reed@customer.example).",
            Some(Intent::Referral),
        ),
        (
            "You can reach me directly at sam@customer.example, I'm interested.",
            Some(Intent::Interested),
        ),
        // German.
        (
            "Ich habe kein Interesse mehr, bitte streichen Sie mich aus Ihrem Verteiler.",
            Some(Intent::Unsubscribe),
        ),
        (
            "Melden Sie sich bitte nach den Sommerferien noch einmal.",
            Some(Intent::NotNow),
        ),
        (
            "Für uns kommt das leider nicht in Frage.",
            Some(Intent::NotInterested),
        ),
        (
            "Gerne, können Sie mir ein Angebot schicken?",
            Some(Intent::Interested),
        ),
        ("Wie lange dauert die Installation?", Some(Intent::Question)),
        // French.
        (
            "Pas pour le moment, recontactez-nous en septembre.",
            Some(Intent::NotNow),
        ),
        (
            "Merci de ne plus m'envoyer d'e-mails.",
            Some(Intent::Unsubscribe),
        ),
        (
            "Oui, ça m'intéresse, appelez-moi demain.",
            Some(Intent::Interested),
        ),
        ("Quel est le délai de livraison ?", Some(Intent::Question)),
        // Spanish.
        (
            "Ahora no, escríbanme el próximo trimestre.",
            Some(Intent::NotNow),
        ),
        ("No nos interesa, gracias.", Some(Intent::NotInterested)),
        (
            "Sí, me interesa. ¿Pueden llamarme mañana?",
            Some(Intent::Interested),
        ),
        // Italian.
        (
            "Per ora no, ricontattatemi a gennaio.",
            Some(Intent::NotNow),
        ),
        ("Non scrivetemi più, grazie.", Some(Intent::Unsubscribe)),
        ("Quanto costa l'installazione?", Some(Intent::Question)),
        // Portuguese.
        (
            "Por favor, removam meu e-mail da lista.",
            Some(Intent::Unsubscribe),
        ),
        (
            "Sim, tenho interesse. Podem ligar amanhã?",
            Some(Intent::Interested),
        ),
        (
            "Agora não, voltem a falar comigo em março.",
            Some(Intent::NotNow),
        ),
        // Dutch.
        (
            "Nu even niet, neem na de zomer contact op.",
            Some(Intent::NotNow),
        ),
        (
            "Graag uitschrijven, ik wil geen mails meer.",
            Some(Intent::Unsubscribe),
        ),
        (
            "Wat kost een installatie van 10 panelen?",
            Some(Intent::Question),
        ),
        // Japanese.
        (
            "今は検討していません。来年また連絡してください。",
            Some(Intent::NotNow),
        ),
        ("配信停止をお願いします。", Some(Intent::Unsubscribe)),
        ("費用はいくらですか？", Some(Intent::Question)),
        // Polish, Swedish, Turkish (stretch).
        (
            "Jesteśmy zainteresowani, proszę o kontakt.",
            Some(Intent::Interested),
        ),
        ("Nie jesteśmy zainteresowani.", Some(Intent::NotInterested)),
        ("Proszę mnie wypisać z listy.", Some(Intent::Unsubscribe)),
        ("Ile to kosztuje?", Some(Intent::Question)),
        (
            "Vi är intresserade, ring mig gärna.",
            Some(Intent::Interested),
        ),
        (
            "Vi är inte intresserade, tack.",
            Some(Intent::NotInterested),
        ),
        ("Ta bort mig från listan.", Some(Intent::Unsubscribe)),
        ("Vad kostar det?", Some(Intent::Question)),
        ("İlgileniyoruz, lütfen arayın.", Some(Intent::Interested)),
        ("İlgilenmiyoruz, teşekkürler.", Some(Intent::NotInterested)),
        ("Lütfen beni listeden çıkarın.", Some(Intent::Unsubscribe)),
        ("Fiyatı nedir?", Some(Intent::Question)),
        // Harder phrasings.
        (
            "Honestly this isn't something we'd ever consider.",
            Some(Intent::NotInterested),
        ),
        (
            "We'd rather not be contacted again about this.",
            Some(Intent::Unsubscribe),
        ),
        (
            "I'm not the decision maker — that's Priya Shah, priya.shah@customer.example.",
            Some(Intent::Referral),
        ),
        (
            "Forwarding this to our CFO, Mark Lee (mark.lee@customer.example), who signs off on purchases.",
            Some(Intent::Referral),
        ),
        (
            "Happy to chat. Does Thursday at 3 work?",
            Some(Intent::Interested),
        ),
        ("Sure, let's do it.", Some(Intent::Interested)),
        ("Count us in.", Some(Intent::Interested)),
        (
            "We're locked into a contract until 2028.",
            Some(Intent::NotNow),
        ),
        ("Circle back after the holidays.", Some(Intent::NotNow)),
        ("Ping me again in a couple of months.", Some(Intent::NotNow)),
        (
            "We have no plans to change provider.",
            Some(Intent::NotInterested),
        ),
        (
            "Who else in our area has installed your system?",
            Some(Intent::Question),
        ),
        ("Do you offer financing?", Some(Intent::Question)),
        ("Unsubscribe", Some(Intent::Unsubscribe)),
        ("Please stop.", Some(Intent::Unsubscribe)),
        (
            "Wir melden uns, sobald das Budget für 2027 steht.",
            Some(Intent::NotNow),
        ),
        (
            "Senden Sie mir bitte keine weiteren E-Mails.",
            Some(Intent::Unsubscribe),
        ),
        (
            "Bitte wenden Sie sich an meinen Kollegen Jonas Weber, jonas.weber@customer.example.",
            Some(Intent::Referral),
        ),
        (
            "Ce n'est pas le bon moment, revenez vers nous l'année prochaine.",
            Some(Intent::NotNow),
        ),
        (
            "Veuillez contacter ma collègue Claire Dubois : claire.dubois@customer.example.",
            Some(Intent::Referral),
        ),
        (
            "Désinscrivez-moi, s'il vous plaît.",
            Some(Intent::Unsubscribe),
        ),
        (
            "No estamos interesados por ahora, quizá el año que viene.",
            Some(Intent::NotNow),
        ),
        (
            "Por favor, contacte con mi compañera Lucía Pérez, lucia.perez@customer.example.",
            Some(Intent::Referral),
        ),
        (
            "Non è il momento giusto, risentiamoci dopo l'estate.",
            Some(Intent::NotNow),
        ),
        (
            "Sì, siamo interessati. Potete mandarci un preventivo?",
            Some(Intent::Interested),
        ),
        (
            "Não tenho interesse, obrigado.",
            Some(Intent::NotInterested),
        ),
        (
            "Hebben al een leverancier, bedankt.",
            Some(Intent::NotInterested),
        ),
        ("Ja, stuur maar een offerte.", Some(Intent::Interested)),
        (
            "担当の佐藤に転送しました。sato@customer.example までご連絡ください。",
            Some(Intent::Referral),
        ),
        ("ぜひ一度お話を伺いたいです。", Some(Intent::Interested)),
        ("今後のご連絡は不要です。", Some(Intent::Unsubscribe)),
        // Negation in the other languages.
        ("Non siamo più interessati.", Some(Intent::NotInterested)),
        (
            "Nous ne sommes pas contre une démo.",
            Some(Intent::Interested),
        ),
        (
            "No es que no nos interese, pero ahora no es el momento.",
            Some(Intent::NotNow),
        ),
        (
            "Wir sind nicht abgeneigt, schicken Sie uns ein Angebot.",
            Some(Intent::Interested),
        ),
        ("Bitte nicht mehr anschreiben.", Some(Intent::Unsubscribe)),
        (
            "Não me removam da lista, por favor, tenho interesse.",
            Some(Intent::Interested),
        ),
        (
            "Geen interesse meer, haal me van de lijst.",
            Some(Intent::Unsubscribe),
        ),
        (
            "興味がないわけではありませんが、今は時期ではありません。",
            Some(Intent::NotNow),
        ),
        // Questions that are not interest, and interest that is a question.
        ("Is this a sales email?", Some(Intent::Question)),
        (
            "Können Sie mir ein Angebot für 30 Module schicken?",
            Some(Intent::Interested),
        ),
        (
            "Pourriez-vous m'envoyer un devis ?",
            Some(Intent::Interested),
        ),
        (
            "¿Me pueden enviar un presupuesto?",
            Some(Intent::Interested),
        ),
        // Nothing decidable.
        ("Thanks for reaching out.", None),
        ("Got it.", None),
        ("Who is this?", Some(Intent::Question)),
        ("Received, thanks.", None),
        ("See attached.", None),
        ("Ok.", None),
    ];
    assert_intents("round 5 intents", cases);
}

/// Round 5: one reply per language laid out the way its mail clients do
/// (new text, a sign-off with name and a short signature, a mobile footer
/// or a disclaimer, then the client's own quote header over the quote).
/// Every combination must strip back to the new text.
#[test]
fn round5_reply_layouts_per_language() {
    // (language, new text, sign-off block, footer, gmail attribution, outlook block)
    let langs: &[(&str, &str, &str, &str, &str, &str)] = &[
        (
            "da",
            "Hej Dana,\n\nTak for tilbuddet. Vi vil gerne have et møde i næste uge.",
            "Med venlig hilsen\n\nAnders Andersen\nIndkøbschef\nNordisk Energi A/S\nTlf.: +45 12 34 56 78",
            "Sendt fra min iPhone",
            "Den tir. 1. dec. 2026 kl. 09.00 skrev Dana Reyes <dana@acme.example>:",
            "Fra: Dana Reyes <dana@acme.example>\nSendt: 1. december 2026 09:00\nTil: Anders Andersen <anders@nordisk.example>\nEmne: Solceller",
        ),
        (
            "no",
            "Hei Dana,\n\nVi er interessert. Kan du ringe meg i morgen?",
            "Med vennlig hilsen\nOla Nordmann\nDaglig leder\nNordmann Bygg AS\nMobil: +47 912 34 567",
            "Sendt fra min iPhone",
            "tir. 1. des. 2026 kl. 09:00 skrev Dana Reyes <dana@acme.example>:",
            "Fra: Dana Reyes <dana@acme.example>\nSendt: tirsdag 1. desember 2026 09:00\nTil: Ola Nordmann <ola@bygg.example>\nEmne: Solcellepaneler",
        ),
        (
            "sv",
            "Hej Dana,\n\nTack, det låter bra. Skicka gärna en offert.",
            "Med vänliga hälsningar\nErik Lund\nInköpsansvarig\nLund Fastigheter AB\n070-123 45 67",
            "Skickat från min iPhone",
            "Den tis 1 dec. 2026 kl 09:00 skrev Dana Reyes <dana@acme.example>:",
            "Från: Dana Reyes <dana@acme.example>\nSkickat: den 1 december 2026 09:00\nTill: Erik Lund <erik@lund.example>\nÄmne: Solpaneler",
        ),
        (
            "de",
            "Hallo Frau Reyes,\n\nvielen Dank. Bitte rufen Sie mich am Donnerstag an.",
            "Mit freundlichen Grüßen\n\nJonas Weber\nLeiter Einkauf\nWeber Logistik GmbH\nTel. +49 30 1234567",
            "Von meinem iPhone gesendet",
            "Am Di., 1. Dez. 2026 um 09:00 Uhr schrieb Dana Reyes <dana@acme.example>:",
            "Von: Dana Reyes <dana@acme.example>\nGesendet: Dienstag, 1. Dezember 2026 09:00\nAn: Jonas Weber <jonas@weber.example>\nBetreff: Solaranlage",
        ),
        (
            "fr",
            "Bonjour Dana,\n\nMerci, nous sommes intéressés. Pouvez-vous m'appeler mardi ?",
            "Cordialement,\n\nJulie Martin\nResponsable achats\nMartin & Fils SARL\nTél. : +33 1 23 45 67 89",
            "Envoyé de mon iPhone",
            "Le mar. 1 déc. 2026 à 09:00, Dana Reyes <dana@acme.example> a écrit :",
            "De : Dana Reyes <dana@acme.example>\nEnvoyé : mardi 1 décembre 2026 09:00\nÀ : Julie Martin <julie@martin.example>\nObjet : Panneaux solaires",
        ),
        (
            "es",
            "Hola Dana,\n\nGracias, nos interesa. ¿Podemos hablar el jueves?",
            "Saludos cordiales,\nCarlos Ruiz\nDirector de Compras\nRuiz Energía S.L.\nTel.: +34 600 123 456",
            "Enviado desde mi iPhone",
            "El mar, 1 dic 2026 a las 9:00, Dana Reyes (<dana@acme.example>) escribió:",
            "De: Dana Reyes <dana@acme.example>\nEnviado: martes, 1 de diciembre de 2026 9:00\nPara: Carlos Ruiz <carlos@ruiz.example>\nAsunto: Paneles solares",
        ),
        (
            "it",
            "Buongiorno Dana,\n\ngrazie, siamo interessati. Può chiamarmi giovedì?",
            "Cordiali saluti\nGiulia Bianchi\nResponsabile Acquisti\nBianchi Impianti S.r.l.\nTel. +39 02 1234567",
            "Inviato da iPhone",
            "Il giorno mar 1 dic 2026 alle ore 09:00 Dana Reyes <dana@acme.example> ha scritto:",
            "Da: Dana Reyes <dana@acme.example>\nInviato: martedì 1 dicembre 2026 09:00\nA: Giulia Bianchi <giulia@bianchi.example>\nOggetto: Pannelli solari",
        ),
        (
            "pt",
            "Olá Dana,\n\nObrigado, temos interesse. Podemos falar na quinta?",
            "Atenciosamente,\nAna Costa\nGerente de Compras\nCosta Energia Ltda.\nTel.: +55 11 91234-5678",
            "Enviado do meu iPhone",
            "Em ter., 1 de dez. de 2026 às 09:00, Dana Reyes <dana@acme.example> escreveu:",
            "De: Dana Reyes <dana@acme.example>\nEnviado: terça-feira, 1 de dezembro de 2026 09:00\nPara: Ana Costa <ana@costa.example>\nAssunto: Painéis solares",
        ),
        (
            "nl",
            "Hallo Dana,\n\nBedankt, we zijn geïnteresseerd. Kunt u donderdag bellen?",
            "Met vriendelijke groet,\n\nPieter de Vries\nInkoper\nDe Vries Installatie B.V.\nT: +31 6 12345678",
            "Verstuurd vanaf mijn iPhone",
            "Op di 1 dec. 2026 om 09:00 schreef Dana Reyes <dana@acme.example>:",
            "Van: Dana Reyes <dana@acme.example>\nVerzonden: dinsdag 1 december 2026 09:00\nAan: Pieter de Vries <pieter@devries.example>\nOnderwerp: Zonnepanelen",
        ),
        (
            "pl",
            "Dzień dobry,\n\ndziękuję, jesteśmy zainteresowani. Proszę o telefon w czwartek.",
            "Pozdrawiam\nJan Kowalski\nKierownik zakupów\nKowalski Sp. z o.o.\ntel. +48 600 123 456",
            "Wysłane z iPhone'a",
            "wt., 1 gru 2026 o 09:00 Dana Reyes <dana@acme.example> napisał(a):",
            "Od: Dana Reyes <dana@acme.example>\nWysłano: wtorek, 1 grudnia 2026 09:00\nDo: Jan Kowalski <jan@kowalski.example>\nTemat: Panele słoneczne",
        ),
        (
            "cs",
            "Dobrý den,\n\nděkuji, máme zájem. Zavolejte mi prosím ve čtvrtek.",
            "S pozdravem\nPetr Dvořák\nvedoucí nákupu\nDvořák s.r.o.\nTel.: +420 601 123 456",
            "Odesláno z iPhonu",
            "út 1. 12. 2026 v 9:00 odesílatel Dana Reyes <dana@acme.example> napsal:",
            "Od: Dana Reyes <dana@acme.example>\nOdesláno: úterý 1. prosince 2026 9:00\nKomu: Petr Dvořák <petr@dvorak.example>\nPředmět: Solární panely",
        ),
        (
            "ja",
            "レイエス様\n\nお世話になっております。\n資料をありがとうございます。来週お打ち合わせをお願いできますでしょうか。",
            "よろしくお願いいたします。\n\n山田 太郎\n株式会社サンプル 購買部\nTEL: 03-1234-5678",
            "iPhoneから送信",
            "2026年12月1日(火) 9:00 Dana Reyes <dana@acme.example>:",
            "差出人: Dana Reyes <dana@acme.example>\n送信日時: 2026年12月1日 9:00\n宛先: 山田 太郎 <yamada@sample.example>\n件名: 太陽光パネル",
        ),
        (
            "ko",
            "안녕하세요,\n\n자료 감사합니다. 목요일에 통화 가능할까요?",
            "감사합니다.\n김민수 드림\n구매팀 과장\n(주)샘플\n010-1234-5678",
            "iPhone에서 보냄",
            "2026년 12월 1일 (화) 오전 9:00, Dana Reyes <dana@acme.example>님이 작성:",
            "보낸 사람: Dana Reyes <dana@acme.example>\n보낸 날짜: 2026년 12월 1일 화요일 오전 9:00\n받는 사람: 김민수 <kim@sample.example>\n제목: 태양광 패널",
        ),
        (
            "zh",
            "您好，\n\n谢谢资料。我们有兴趣，周四可以通电话吗？",
            "此致\n敬礼\n王芳\n采购经理\n电话：+86 10 1234 5678",
            "发自我的iPhone",
            "Dana Reyes <dana@acme.example> 于2026年12月1日周二 09:00写道：",
            "发件人: Dana Reyes <dana@acme.example>\n发送时间: 2026年12月1日 9:00\n收件人: 王芳 <wang@sample.example>\n主题: 太阳能板",
        ),
    ];
    let quote = "Hi,\nwould solar suit your roof?\n";
    let mut wrong = Vec::new();
    let mut all = 0;
    for (lang, new, signoff, footer, gmail, outlook) in langs {
        let gmail_quote = format!("{gmail}\n\n> Hi,\n> would solar suit your roof?\n");
        let outlook_quote = format!("{outlook}\n\n{quote}");
        for (tail_name, tail) in [("gmail", gmail_quote), ("outlook", outlook_quote)] {
            for (sig_name, sig) in [
                ("signoff", signoff.to_string()),
                ("footer", footer.to_string()),
                ("both", format!("{signoff}\n\n{footer}")),
            ] {
                all += 1;
                let body = format!("{new}\n\n{sig}\n\n{tail}");
                let got = strip(&body, StripOptions::DESIGN).text;
                if normalize(&got) != normalize(new) {
                    wrong.push(format!(
                        "{lang} {sig_name} {tail_name}: got {:?}",
                        cut(&got)
                    ));
                }
            }
        }
    }
    println!("round 5 layouts: {}/{all} right", all - wrong.len());
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 5: confidentiality notices as companies append them, in several
/// languages, right under the new text or under a sign-off.
#[test]
fn round5_disclaimers_in_many_languages_are_dropped() {
    let notices = [
        "Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.",
        "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de ses destinataires.",
        "Questo messaggio e i suoi allegati sono indirizzati esclusivamente alle persone indicate e possono contenere informazioni riservate.",
        "Este mensaje y sus archivos adjuntos van dirigidos exclusivamente a su destinatario y pueden contener información confidencial.",
        "Dit bericht is uitsluitend bestemd voor de geadresseerde en kan vertrouwelijke informatie bevatten.",
        "Denne e-mail kan indeholde fortrolige oplysninger og er kun beregnet til modtageren.",
        "Detta e-postmeddelande kan innehålla konfidentiell information och är endast avsett för mottagaren.",
        "Treść tej wiadomości jest poufna i przeznaczona wyłącznie dla adresata.",
        "Tento e-mail je důvěrný a je určen pouze adresátovi.",
        "このメールは機密情報を含む場合があります。誤って受信された場合は削除してください。",
        "IMPORTANT: The contents of this email and any attachments are confidential. If you have received this email in error, please notify the sender and delete it.",
        "CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender.",
    ];
    let new = "Yes, please send the contract.";
    let mut wrong = Vec::new();
    for notice in notices {
        for body in [
            format!("{new}\n\n{notice}\n"),
            format!("{new}\n\nBest regards,\nSam Lee\n\n{notice}\n"),
        ] {
            let got = strip(&body, StripOptions::DESIGN).text;
            if normalize(&got) != new {
                wrong.push(format!("{notice:.40}: got {:?}", cut(&got)));
            }
        }
    }
    // A gateway's banner above the new text is not what the prospect wrote.
    let banner = format!(
        "{}\n\n{new}\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana <dana@acme.example> wrote:\n> Hi\n",
        notices[11]
    );
    let got = strip(&banner, StripOptions::DESIGN).text;
    if normalize(&got) != new {
        wrong.push(format!("banner above: got {:?}", cut(&got)));
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 5: attribution lines and header blocks as more clients write them
/// (Czech "napsal(a)", German "schrieb am", GMX/web.de blocks that start
/// with "Gesendet:", Apple Mail's quoted attribution, Outlook's "Date:"
/// variant, Danish/Norwegian/Swedish verb-then-name lines).
#[test]
fn round5_more_attributions_end_the_new_text() {
    let headers = [
        "Dne 1. 12. 2026 v 9:00 Dana Reyes <dana@acme.example> napsal(a):",
        "Dana Reyes <dana@acme.example> schrieb am Di., 1. Dez. 2026, 09:00:",
        "Gesendet: Dienstag, 01. Dezember 2026 um 09:00 Uhr\nVon: \"Dana Reyes\" <dana@acme.example>\nAn: hans@firma.example\nBetreff: Solaranlage",
        "From: Dana Reyes <dana@acme.example>\nDate: Tuesday, 1 December 2026 at 09:00\nTo: Sam Lee <sam@customer.example>\nSubject: Solar",
        "Den 1. dec. 2026 kl. 09.00 skrev Dana Reyes <dana@acme.example>:",
        "Den 01.12.2026 09:00, skrev Dana Reyes:",
        "Op 1 dec. 2026 om 09:00 heeft Dana Reyes <dana@acme.example> het volgende geschreven:",
        "Il giorno 1 dic 2026, alle ore 09:00, Dana Reyes <dana@acme.example> ha scritto:",
        "Le 01/12/2026 à 09:00, Dana Reyes a écrit :",
        "El 01/12/2026 a las 9:00, Dana Reyes escribió:",
        "On 12/1/2026 9:00 AM, Dana Reyes wrote:",
        "-----Original Message-----\nFrom: Dana Reyes [mailto:dana@acme.example]\nSent: Tuesday, December 01, 2026 9:00 AM\nTo: Sam Lee\nSubject: RE: Solar",
        "From: Dana Reyes [mailto:dana@acme.example] \nSent: Tuesday, December 01, 2026 9:00 AM",
        "---- On Tue, 01 Dec 2026 09:00:00 +0000 Dana Reyes <dana@acme.example> wrote ----",
        "Sent from my iPhone\n\n> On Dec 1, 2026, at 09:00, Dana Reyes <dana@acme.example> wrote:",
    ];
    let mut wrong = Vec::new();
    for header in headers {
        let body = format!(
            "Thanks, please send the quote.\n\n{header}\n\n> Hello,\n> would solar suit your roof?\n"
        );
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != "Thanks, please send the quote." {
            wrong.push(format!("{header:.50}: got {:?}", cut(&got)));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 6 (issue 13): intents written the way people answer a sales mail,
/// for the failure classes the round set out to fix, before any rule of
/// the round: interest asked as a request ("could you send pricing for 40
/// seats?" asks us to act, so it is `interested`; "what would it cost?"
/// asks to be told, so it stays a `question`, as DESIGN.md says), refusals
/// and "not now" in Nordic, Finnish, Polish, Czech, Turkish, Russian,
/// Greek, Arabic, Hebrew, Japanese, Korean and Chinese, a colleague's
/// address against the writer's other address, and "don't remove me".
#[test]
fn round6_intents_on_unseen_phrasings() {
    use Intent::*;
    let cases: &[(&str, Option<Intent>)] = &[
        // A request for us to act, asked as a question: interest.
        ("Could you send pricing for 40 seats?", Some(Interested)),
        (
            "Can you send over pricing for our team of 25?",
            Some(Interested),
        ),
        (
            "Would you be able to put together pricing for three sites?",
            Some(Interested),
        ),
        ("Can we get a trial for 10 users?", Some(Interested)),
        (
            "Could you share your rates for 200 units a month?",
            Some(Interested),
        ),
        (
            "Is it possible to get a proposal for both offices by Friday?",
            Some(Interested),
        ),
        (
            "Hi Dana, thanks. Could you send me pricing for the Pro plan for 12 people?",
            Some(Interested),
        ),
        ("Please send pricing for 40 seats.", Some(Interested)),
        // Asking to be told stays a question.
        ("What would 40 seats cost?", Some(Question)),
        ("Not ready yet, but what would it cost?", Some(Question)),
        ("How much would it be for 40 seats?", Some(Question)),
        (
            "Does the price for 40 seats include support?",
            Some(Question),
        ),
        (
            "Could you tell me whether it works with Salesforce?",
            Some(Question),
        ),
        ("Could you explain how billing works?", Some(Question)),
        // The same request in other languages.
        (
            "Könnten Sie uns die Preise für 40 Lizenzen schicken?",
            Some(Interested),
        ),
        (
            "Pourriez-vous nous envoyer vos tarifs pour 40 postes ?",
            Some(Interested),
        ),
        (
            "¿Nos podrían enviar los precios para 40 usuarios?",
            Some(Interested),
        ),
        (
            "Potreste mandarci i prezzi per 40 licenze?",
            Some(Interested),
        ),
        (
            "Podem enviar-nos os preços para 40 utilizadores?",
            Some(Interested),
        ),
        (
            "Kunt u ons de prijzen voor 40 licenties sturen?",
            Some(Interested),
        ),
        (
            "Czy mogą Państwo przesłać cennik dla 40 stanowisk?",
            Some(Interested),
        ),
        (
            "Mohli byste nám poslat ceník pro 40 licencí?",
            Some(Interested),
        ),
        (
            "Не могли бы вы прислать цены на 40 лицензий?",
            Some(Interested),
        ),
        ("Kan ni skicka priser för 40 licenser?", Some(Interested)),
        ("Kan I sende priser på 40 licenser?", Some(Interested)),
        ("Kan dere sende priser for 40 lisenser?", Some(Interested)),
        (
            "Voisitteko lähettää hinnat 40 lisenssille?",
            Some(Interested),
        ),
        (
            "40 kullanıcı için fiyat teklifi gönderebilir misiniz?",
            Some(Interested),
        ),
        (
            "Μπορείτε να μας στείλετε τιμές για 40 άδειες;",
            Some(Interested),
        ),
        ("هل يمكنكم إرسال الأسعار لـ 40 مستخدمًا؟", Some(Interested)),
        ("תוכלו לשלוח לנו הצעת מחיר ל-40 משתמשים?", Some(Interested)),
        (
            "40ライセンス分の見積もりを送っていただけますか。",
            Some(Interested),
        ),
        (
            "40명 기준으로 가격표를 보내주실 수 있나요?",
            Some(Interested),
        ),
        ("能否发一下40个账号的报价？", Some(Interested)),
        // Danish, Norwegian, Swedish, Finnish.
        ("Vi er ikke interesserede, tak.", Some(NotInterested)),
        (
            "Ikke lige nu, kontakt os igen efter sommerferien.",
            Some(NotNow),
        ),
        ("Fjern mig venligst fra jeres liste.", Some(Unsubscribe)),
        ("Vi er ikke interessert.", Some(NotInterested)),
        ("Ikke akkurat nå, ta kontakt igjen neste år.", Some(NotNow)),
        ("Vennligst fjern meg fra listen.", Some(Unsubscribe)),
        ("Inte just nu, hör av er efter sommaren.", Some(NotNow)),
        ("Nej tack, vi har redan en leverantör.", Some(NotInterested)),
        ("Emme ole kiinnostuneita, kiitos.", Some(NotInterested)),
        ("Ei juuri nyt, ottakaa yhteyttä ensi vuonna.", Some(NotNow)),
        ("Poistakaa minut postituslistalta.", Some(Unsubscribe)),
        (
            "Olemme kiinnostuneita, soittakaa minulle.",
            Some(Interested),
        ),
        // Polish, Czech, Turkish.
        ("Nie teraz, proszę odezwać się po wakacjach.", Some(NotNow)),
        (
            "Dziękujemy, ale nie jesteśmy zainteresowani.",
            Some(NotInterested),
        ),
        (
            "Proszę nie wypisywać mnie z listy, jesteśmy zainteresowani.",
            Some(Interested),
        ),
        ("Nemáme zájem, děkuji.", Some(NotInterested)),
        ("Teď ne, ozvěte se prosím příští rok.", Some(NotNow)),
        ("Odhlaste mě prosím z odběru.", Some(Unsubscribe)),
        ("Máme zájem, zavolejte mi prosím.", Some(Interested)),
        ("Kolik to stojí?", Some(Question)),
        ("Şu an değil, lütfen seneye tekrar yazın.", Some(NotNow)),
        ("Teşekkürler, ilgilenmiyoruz.", Some(NotInterested)),
        (
            "Lütfen beni listeden çıkarmayın, ilgileniyoruz.",
            Some(Interested),
        ),
        // Russian, Greek, Arabic, Hebrew.
        ("Нам это не интересно, спасибо.", Some(NotInterested)),
        (
            "Сейчас не актуально, напишите нам в следующем году.",
            Some(NotNow),
        ),
        (
            "Пожалуйста, удалите меня из списка рассылки.",
            Some(Unsubscribe),
        ),
        ("Отпишите меня, пожалуйста.", Some(Unsubscribe)),
        ("Нам интересно, позвоните мне завтра.", Some(Interested)),
        ("Сколько это стоит?", Some(Question)),
        (
            "Пожалуйста, не удаляйте меня из рассылки, нам интересно.",
            Some(Interested),
        ),
        ("Δεν ενδιαφερόμαστε, ευχαριστώ.", Some(NotInterested)),
        ("Όχι τώρα, επικοινωνήστε μαζί μας του χρόνου.", Some(NotNow)),
        ("Παρακαλώ αφαιρέστε με από τη λίστα σας.", Some(Unsubscribe)),
        ("Ενδιαφερόμαστε, καλέστε με αύριο.", Some(Interested)),
        ("Πόσο κοστίζει;", Some(Question)),
        ("لسنا مهتمين، شكرا.", Some(NotInterested)),
        ("ليس الآن، تواصلوا معنا العام القادم.", Some(NotNow)),
        ("يرجى إزالتي من القائمة البريدية.", Some(Unsubscribe)),
        ("نحن مهتمون، يرجى الاتصال بي.", Some(Interested)),
        ("كم التكلفة؟", Some(Question)),
        ("אנחנו לא מעוניינים, תודה.", Some(NotInterested)),
        ("לא כרגע, תחזרו אלינו בשנה הבאה.", Some(NotNow)),
        ("נא להסיר אותי מרשימת התפוצה.", Some(Unsubscribe)),
        ("אנחנו מעוניינים, תתקשרו אליי מחר.", Some(Interested)),
        ("כמה זה עולה?", Some(Question)),
        // Japanese, Korean, Chinese.
        ("来期以降に改めてご連絡いただけますか。", Some(NotNow)),
        ("配信を停止してください。", Some(Unsubscribe)),
        (
            "配信停止はしないでください。引き続き情報をいただきたいです。",
            Some(Interested),
        ),
        ("지금은 괜찮습니다. 내년에 다시 연락 주세요.", Some(NotNow)),
        ("저희는 관심이 없습니다.", Some(NotInterested)),
        (
            "수신 거부하지 말아 주세요. 관심 있습니다.",
            Some(Interested),
        ),
        ("暂时不需要，明年再说吧。", Some(NotNow)),
        ("我们已经有供应商了，谢谢。", Some(NotInterested)),
        ("请不要把我从名单中删除，我们很感兴趣。", Some(Interested)),
        // Staying on the list is no unsubscribe.
        (
            "Please don't remove me from the list, I still want the updates.",
            Some(Interested),
        ),
        (
            "Ne me désinscrivez pas, s'il vous plaît, cela nous intéresse.",
            Some(Interested),
        ),
    ];
    assert_intents("round 6 intents", cases);
}

/// Round 6, second set: the same failure classes in other words, written
/// after the first set passed, to see the rules hold beyond their examples.
#[test]
fn round6_intents_second_set() {
    use Intent::*;
    let cases: &[(&str, Option<Intent>)] = &[
        (
            "Thanks Dana. Can I get a demo for my team sometime next week?",
            Some(Interested),
        ),
        (
            "Could you quote 15 chargers for our depot?",
            Some(Interested),
        ),
        ("Would you mind sending the price list?", Some(Interested)),
        ("Is there a discount for 40 seats?", Some(Question)),
        (
            "Can you send the details to my personal email, sam.lee@home.example?",
            Some(Interested),
        ),
        ("Not for now, thanks. Maybe next year.", Some(NotNow)),
        (
            "We're not ready yet, but could you send pricing so I can budget?",
            Some(Question),
        ),
        (
            "Please keep me on the list, we'll be buying in the spring.",
            Some(Interested),
        ),
        (
            "Hyvää päivää, kiitos viestistä. Meillä on jo toimittaja.",
            Some(NotInterested),
        ),
        (
            "Tak for henvendelsen, men det er ikke relevant for os.",
            Some(NotInterested),
        ),
        ("Kan du sende et tilbud på 20 paneler?", Some(Interested)),
        (
            "Vi har ikke brug for det lige nu, skriv igen til foråret.",
            Some(NotNow),
        ),
        (
            "Prosimy o przesłanie oferty na 30 licencji.",
            Some(Interested),
        ),
        (
            "Na razie nie, proszę o kontakt w przyszłym roku.",
            Some(NotNow),
        ),
        ("Děkujeme, ale momentálně nemáme zájem.", Some(NotNow)),
        (
            "Pošlete nám prosím cenovou nabídku na 40 licencí.",
            Some(Interested),
        ),
        ("Şimdilik ilgilenmiyoruz, belki gelecek yıl.", Some(NotNow)),
        (
            "Bize 40 lisans için teklif gönderir misiniz?",
            Some(Interested),
        ),
        ("Спасибо, но нам это неинтересно.", Some(NotInterested)),
        (
            "Пришлите, пожалуйста, коммерческое предложение на 40 лицензий.",
            Some(Interested),
        ),
        ("Можете прислать прайс?", Some(Interested)),
        (
            "Ευχαριστούμε, αλλά έχουμε ήδη προμηθευτή.",
            Some(NotInterested),
        ),
        (
            "Στείλτε μας προσφορά για 40 άδειες, παρακαλώ.",
            Some(Interested),
        ),
        ("شكرا، لكن لدينا بالفعل مزود.", Some(NotInterested)),
        ("أرجو إرسال عرض سعر لـ 40 ترخيصا.", Some(Interested)),
        ("תודה, אבל יש לנו כבר ספק.", Some(NotInterested)),
        ("אשמח אם תשלחו הצעת מחיר ל-40 רישיונות.", Some(Interested)),
        (
            "今回は見送らせていただきます。来年また検討します。",
            Some(NotNow),
        ),
        (
            "40名分のお見積もりをいただけますでしょうか。",
            Some(Interested),
        ),
        (
            "죄송하지만 저희는 이미 다른 업체를 이용하고 있습니다.",
            Some(NotInterested),
        ),
        ("40명분 견적서 보내주세요.", Some(Interested)),
        // "No need right now" is "not interested right now": `not_now` (DESIGN.md).
        ("我们目前没有这方面的需求。", Some(NotNow)),
        ("麻烦发一份40个账号的报价给我。", Some(Interested)),
    ];
    assert_intents("round 6 second set", cases);
}

/// Round 6: the writer's own other address is no referral; a colleague
/// named with an address is, in several languages.
#[test]
fn round6_referral_or_own_address() {
    use carousel::understand::reply::{TextFormat, read_formatted};
    // (text, intent, referral email)
    let cases: &[(&str, Intent, Option<&str>)] = &[
        (
            "Please email me at my other address, sam.lee@gmail.example, I'm interested.",
            Intent::Interested,
            None,
        ),
        (
            "Better to write to me at sam.private@mail.example — I'm interested.",
            Intent::Interested,
            None,
        ),
        (
            "My colleague Jana Nováková (jana.novakova@customer.example) handles purchasing, please contact her.",
            Intent::Referral,
            Some("jana.novakova@customer.example"),
        ),
        (
            "Schreiben Sie mir bitte an meine private Adresse sam@home.example, wir haben Interesse.",
            Intent::Interested,
            None,
        ),
        (
            "Bitte wenden Sie sich an unsere Einkäuferin Anna Berg, anna.berg@customer.example.",
            Intent::Referral,
            Some("anna.berg@customer.example"),
        ),
        (
            "Écrivez-moi plutôt à mon adresse perso sam@home.example, je suis intéressé.",
            Intent::Interested,
            None,
        ),
        (
            "Escríbeme mejor a mi correo personal sam@home.example, me interesa.",
            Intent::Interested,
            None,
        ),
        (
            "Напишите мне лучше на личную почту sam@home.example, нам интересно.",
            Intent::Interested,
            None,
        ),
        (
            "Этим занимается мой коллега Иван Петров, ivan.petrov@customer.example, свяжитесь с ним.",
            Intent::Referral,
            Some("ivan.petrov@customer.example"),
        ),
        (
            "Obraťte se prosím na kolegu Petra Svobodu, petr.svoboda@customer.example, on o tom rozhoduje.",
            Intent::Referral,
            Some("petr.svoboda@customer.example"),
        ),
        (
            "Proszę kontaktować się z moim kolegą Piotrem Nowakiem, piotr.nowak@customer.example, to on decyduje.",
            Intent::Referral,
            Some("piotr.nowak@customer.example"),
        ),
        (
            "请联系我们的采购经理李明 li.ming@customer.example，他负责这件事。",
            Intent::Referral,
            Some("li.ming@customer.example"),
        ),
        (
            "Dobrý den,\n\nnákup u nás řeší kolegyně Jana Nováková, jana.novakova@customer.example, obraťte se prosím na ni.",
            Intent::Referral,
            Some("jana.novakova@customer.example"),
        ),
        (
            "Παρακαλώ επικοινωνήστε με τη συνάδελφό μου Μαρία Παππά, maria.pappa@customer.example, είναι υπεύθυνη.",
            Intent::Referral,
            Some("maria.pappa@customer.example"),
        ),
    ];
    let mut wrong = Vec::new();
    for (text, want, email) in cases {
        let got = read_formatted(text, None, TextFormat::default(), &["sam@customer.example"]);
        if got.intent != Some(*want) || got.referral_email.as_deref() != *email {
            wrong.push(format!(
                "{text:?}: got {:?} {:?} ({:?})",
                got.intent, got.referral_email, got.intent_phrases
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 6: reply layouts of languages and devices round 5 did not write
/// (Russian, Greek, Arabic, Hebrew, Turkish, Finnish; mobile "original
/// message" separators; a sign-off carrying name, title and company on one
/// line). Every combination must strip back to the new text.
#[test]
fn round6_reply_layouts() {
    // (language, new text, sign-off block, footer, attribution or header block)
    let langs: &[(&str, &str, &str, &str, &str)] = &[
        (
            "ru",
            "Добрый день, Дана!\n\nСпасибо, нам интересно. Пришлите, пожалуйста, коммерческое предложение.",
            "С уважением,\nИван Петров\nРуководитель отдела закупок\nООО «Север»\nТел.: +7 495 123-45-67",
            "Отправлено с iPhone",
            "вт, 1 дек. 2026 г. в 09:00, Dana Reyes <dana@acme.example>:",
        ),
        (
            "ru-outlook",
            "Здравствуйте!\n\nСейчас не актуально, напишите в следующем году.",
            "С уважением,\nОльга Смирнова",
            "Отправлено с моего Galaxy",
            "-------- Исходное сообщение --------\nОт: Dana Reyes <dana@acme.example>\nДата: 01.12.2026 09:00\nКому: Ольга Смирнова <olga@sever.example>\nТема: Солнечные панели",
        ),
        (
            "el",
            "Καλησπέρα σας,\n\nΕυχαριστούμε, ενδιαφερόμαστε. Μπορείτε να μας καλέσετε την Πέμπτη;",
            "Με εκτίμηση,\nΓιώργος Παπαδόπουλος\nΥπεύθυνος Προμηθειών\nΠαπαδόπουλος Α.Ε.\nΤηλ.: +30 210 1234567",
            "Στάλθηκε από το iPhone μου",
            "Στις Τρί 1 Δεκ 2026 στις 9:00 π.μ., ο/η Dana Reyes <dana@acme.example> έγραψε:",
        ),
        (
            "el-outlook",
            "Καλημέρα,\n\nΔεν ενδιαφερόμαστε, ευχαριστώ.",
            "Φιλικά,\nΜαρία Νικολάου",
            "Αποστολή από το Outlook για iOS",
            "Από: Dana Reyes <dana@acme.example>\nΣτάλθηκε: Τρίτη, 1 Δεκεμβρίου 2026 9:00 π.μ.\nΠρος: Μαρία Νικολάου <maria@nik.example>\nΘέμα: Φωτοβολταϊκά",
        ),
        (
            "ar",
            "مرحبا دانا،\n\nشكرا لكم، نحن مهتمون. هل يمكنكم الاتصال بي يوم الخميس؟",
            "مع أطيب التحيات،\nأحمد علي\nمدير المشتريات\nشركة النور\nهاتف: +971 4 123 4567",
            "أُرسلت من الـ iPhone",
            "في الثلاثاء، 1 ديسمبر 2026 في 9:00 ص، كتب Dana Reyes <dana@acme.example>:",
        ),
        (
            "ar-outlook",
            "مرحبا،\n\nليس الآن، تواصلوا معنا العام القادم.",
            "تحياتي،\nسارة محمد",
            "أُرسلت من جهاز Samsung Galaxy الخاص بي",
            "من: Dana Reyes <dana@acme.example>\nتم الإرسال: الثلاثاء، 1 ديسمبر 2026 9:00 ص\nإلى: سارة محمد <sara@noor.example>\nالموضوع: الألواح الشمسية",
        ),
        (
            "he",
            "שלום דנה,\n\nתודה, אנחנו מעוניינים. אפשר לקבוע שיחה ביום חמישי?",
            "בברכה,\nיוסי כהן\nמנהל רכש\nכהן בע\"מ\nטל׳: 03-1234567",
            "נשלח מה-iPhone שלי",
            "בתאריך יום ג׳, 1 בדצמ׳ 2026 ב-9:00 מאת Dana Reyes <dana@acme.example>:",
        ),
        (
            "he-outlook",
            "היי,\n\nלא כרגע, תחזרו אלינו בשנה הבאה.",
            "תודה,\nמיכל לוי",
            "נשלח מהטלפון החכם Samsung Galaxy שלי.",
            "מאת: Dana Reyes <dana@acme.example>\nנשלח: יום שלישי 01 דצמבר 2026 09:00\nאל: מיכל לוי <michal@levi.example>\nנושא: פאנלים סולאריים",
        ),
        (
            "tr",
            "Merhaba Dana,\n\nTeşekkürler, ilgileniyoruz. Perşembe günü arayabilir misiniz?",
            "Saygılarımla,\nMehmet Demir\nSatın Alma Müdürü\nDemir Enerji A.Ş.\nTel: +90 212 123 45 67",
            "iPhone'umdan gönderildi",
            "Dana Reyes <dana@acme.example>, 1 Ara 2026 Sal, 09:00 tarihinde şunu yazdı:",
        ),
        (
            "fi",
            "Hei Dana,\n\nKiitos, olemme kiinnostuneita. Voitteko soittaa torstaina?",
            "Ystävällisin terveisin\nMatti Virtanen\nHankintapäällikkö\nVirtanen Oy\npuh. +358 40 123 4567",
            "Lähetetty iPhonesta",
            "Lähettäjä: Dana Reyes <dana@acme.example>\nLähetetty: tiistai 1. joulukuuta 2026 9.00\nVastaanottaja: Matti Virtanen <matti@virtanen.example>\nAihe: Aurinkopaneelit",
        ),
        (
            "cs-android",
            "Dobrý den,\n\nmáme zájem, pošlete prosím nabídku.",
            "S pozdravem\nJan Novák, jednatel, Novák s.r.o.",
            "Odesláno z mého Galaxy",
            "-------- Původní zpráva --------\nOd: Dana Reyes <dana@acme.example>\nDatum: 01.12.26 9:00 (GMT+01:00)\nKomu: Jan Novák <jan@novak.example>\nPředmět: Fotovoltaika",
        ),
        (
            "en-one-line-title",
            "Hi Dana,\n\nCould you send pricing for 40 seats?",
            "Best, Sam Lee | Head of Operations | Northwind Traders",
            "Sent from my iPhone",
            "On Dec 1, 2026, at 09:00, Dana Reyes <dana@acme.example> wrote:",
        ),
        (
            "en-comma-title",
            "Hi Dana,\n\nNot right now, maybe in Q3.",
            "Thanks,\nSam Lee, VP Sales, Northwind Traders Ltd.\n+1 415 555 0100",
            "Get Outlook for Android",
            "-------- Original message --------\nFrom: Dana Reyes <dana@acme.example>\nDate: 12/1/26 09:00 (GMT-08:00)\nTo: Sam Lee <sam@northwind.example>\nSubject: Solar",
        ),
        (
            "de-android",
            "Hallo Frau Reyes,\n\nbitte schicken Sie uns ein Angebot.",
            "Viele Grüße\nJonas Weber – Leiter Einkauf – Weber Logistik GmbH",
            "Gesendet von meinem Galaxy",
            "-------- Ursprüngliche Nachricht --------\nVon: Dana Reyes <dana@acme.example>\nDatum: 01.12.26 09:00 (GMT+01:00)\nAn: Jonas Weber <jonas@weber.example>\nBetreff: Solar",
        ),
    ];
    let mut wrong = Vec::new();
    let mut all = 0;
    for (lang, new, signoff, footer, header) in langs {
        let tail = format!("{header}\n\nHi,\nwould solar suit your roof?\n");
        let quoted_tail = format!("{header}\n\n> Hi,\n> would solar suit your roof?\n");
        for (tail_name, tail) in [("plain", &tail), ("quoted", &quoted_tail)] {
            for (sig_name, sig) in [
                ("signoff", signoff.to_string()),
                ("footer", footer.to_string()),
                ("both", format!("{signoff}\n\n{footer}")),
            ] {
                all += 1;
                let body = format!("{new}\n\n{sig}\n\n{tail}");
                let got = strip(&body, StripOptions::DESIGN).text;
                if normalize(&got) != normalize(new) {
                    wrong.push(format!(
                        "{lang} {sig_name} {tail_name}: got {:?}",
                        cut(&got)
                    ));
                }
            }
        }
    }
    println!("round 6 layouts: {}/{all} right", all - wrong.len());
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 6: answers written under the quoted lines they answer keep every
/// new line, in order, without the quotes (DESIGN.md).
#[test]
fn round6_inline_answers_under_quotes() {
    let cases: &[(&str, &str)] = &[
        (
            "On Tue, Dec 1, 2026 at 9:00 AM Dana Reyes <dana@acme.example> wrote:\n> How many seats do you need?\n\n40 to start, 60 by spring.\n\n> Which plan are you looking at?\n\nPro, with SSO.\n\n> Would a call on Thursday work?\n\nYes, 10am please.\n\nThanks,\nSam\n",
            "40 to start, 60 by spring.\n\nPro, with SSO.\n\nYes, 10am please.",
        ),
        (
            "Hi Dana, answers below.\n\n> 1. How many sites?\nThree.\n> 2. Roof type?\nFlat, concrete.\n> 3. When would you like to start?\nIn spring.\n\nBest regards,\nSam Lee\nFacilities Manager\nNorthwind Traders\n",
            "Hi Dana, answers below.\n\nThree.\n\nFlat, concrete.\n\nIn spring.",
        ),
        (
            "Am 01.12.2026 um 09:00 schrieb Dana Reyes <dana@acme.example>:\n> Wie viele Standorte haben Sie?\nZwei, in Berlin und Hamburg.\n> Wann möchten Sie starten?\nIm Frühjahr.\n\nViele Grüße\nJonas Weber\n",
            "Zwei, in Berlin und Hamburg.\n\nIm Frühjahr.",
        ),
    ];
    let mut wrong = Vec::new();
    for (body, want) in cases {
        let got = strip(body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(want) {
            wrong.push(format!("{body:?}: got {:?}", cut(&got)));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 6: the quote headers and footers phones write (iOS Mail and the
/// Gmail and Outlook apps as localised), one per language, under a short
/// new text.
#[test]
fn round6_mobile_headers_and_footers() {
    let new = "Yes, Thursday at 10 works.";
    let headers = [
        "1 дек. 2026 г., в 9:00, Dana Reyes <dana@acme.example> написал(а):",
        "Wiadomość napisana przez Dana Reyes <dana@acme.example> w dniu 01.12.2026, o godz. 09:00:",
        "2026/12/01 9:00、Dana Reyes <dana@acme.example>のメール:",
        "ב-1 בדצמ׳ 2026, בשעה 9:00, Dana Reyes <dana@acme.example> כתב/ה:",
        "في ١ ديسمبر ٢٠٢٦، الساعة ٩:٠٠ ص، كتب Dana Reyes <dana@acme.example>:",
        "Στις 1 Δεκ 2026, 9:00 π.μ., ο χρήστης Dana Reyes <dana@acme.example> έγραψε:",
        "1 Ara 2026 tarihinde 09:00 saatinde Dana Reyes <dana@acme.example> şunları yazdı:",
        "1.12.2026 kello 9.00 Dana Reyes <dana@acme.example> kirjoitti:",
        "Den 1. dec. 2026 kl. 09.00 skrev Dana Reyes <dana@acme.example>:",
        "1. 12. 2026 v 9:00, Dana Reyes <dana@acme.example>:",
        "Op 1 dec. 2026 om 09:00 heeft Dana Reyes <dana@acme.example> het volgende geschreven:",
        "Em 1 de dez. de 2026, à(s) 09:00, Dana Reyes <dana@acme.example> escreveu:",
        "在 2026年12月1日，上午9:00，Dana Reyes <dana@acme.example> 写道：",
        "Dana Reyes <dana@acme.example> 於 2026年12月1日 上午9:00 寫道：",
        "On Tuesday, December 1, 2026, 9:00 AM, Dana Reyes <dana@acme.example> wrote:",
    ];
    let footers = [
        "Отправлено из мобильной Яндекс.Почты",
        "Отправлено из приложения Почта Mail.ru для iOS",
        "Sent from Yahoo Mail for iPhone",
        "Sent from Mail for Windows",
        "Wysłano z aplikacji Poczta dla Windows",
        "Enviado desde mi Samsung Galaxy",
        "Envoyé de mon appareil Samsung",
        "Inviato dal mio dispositivo Galaxy",
        "Von meinem/meiner Galaxy gesendet",
        "Verstuurd vanaf mijn Samsung Galaxy smartphone.",
        "Sendt fra min Samsung Galaxy smarttelefon.",
        "Skickat från min Samsung Galaxy-smartphone.",
        "iPhoneから送信",
        "Galaxy에서 보냄",
        "发自我的华为手机",
        "Samsung Galaxy akıllı telefonumdan gönderildi.",
        "Odesláno z mého zařízení Galaxy",
        "Lähetetty Samsung Galaxy -älypuhelimestani.",
    ];
    let mut wrong = Vec::new();
    let mut all = 0;
    for header in headers {
        all += 1;
        let body = format!("{new}\n\n{header}\n\n> Hi, does Thursday work?\n> Dana\n");
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(new) {
            wrong.push(format!("{header}: got {:?}", cut(&got)));
        }
    }
    for footer in footers {
        all += 1;
        let body = format!(
            "{new}\n\n{footer}\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana Reyes <dana@acme.example> wrote:\n> Hi\n"
        );
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(new) {
            wrong.push(format!("{footer}: got {:?}", cut(&got)));
        }
    }
    println!(
        "round 6 mobile headers and footers: {}/{all} right",
        all - wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 6: sign-offs that carry name, title and company, on one line or
/// two, go with the signature; a "Thanks, …" sentence that goes on stays.
#[test]
fn round6_signoffs_with_title_and_company() {
    let new = "Please send the contract for 40 seats.";
    let signoffs = [
        "Thanks,\nSam Lee, VP Sales, Northwind Traders",
        "Thanks, Sam Lee, VP Sales, Northwind Traders",
        "Cheers, Sam (Head of Ops, Northwind)",
        "Best — Sam Lee — Head of Operations — Northwind Traders",
        "Regards, Dr. Anna Berg, Procurement Lead, Meridian GmbH",
        "Mit freundlichen Grüßen, Jonas Weber, Leiter Einkauf, Weber Logistik GmbH",
        "Cordialement, Julie Martin – Responsable achats – Martin & Fils",
        "Best regards,\nSam Lee | Head of Operations\nNorthwind Traders | northwind.example",
    ];
    let mut wrong = Vec::new();
    for signoff in signoffs {
        let body = format!(
            "{new}\n\n{signoff}\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana Reyes <dana@acme.example> wrote:\n> Hi\n"
        );
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(new) {
            wrong.push(format!("{signoff:?}: got {:?}", cut(&got)));
        }
    }
    for kept in [
        "Thanks, we'll review it with Procurement, Legal and Finance.",
        "Thanks, Procurement will call you on Monday.",
    ] {
        let body = format!(
            "{new}\n\n{kept}\n\nOn Tue, Dec 1, 2026 at 9:00 AM Dana Reyes <dana@acme.example> wrote:\n> Hi\n"
        );
        let got = strip(&body, StripOptions::DESIGN).text;
        if normalize(&got) != normalize(&format!("{new} {kept}")) {
            wrong.push(format!("{kept:?}: got {:?}", cut(&got)));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 6, third set: the writer's other address and "don't take me off
/// the list" in more languages (written before any rule for them).
#[test]
fn round6_own_address_and_staying_in_more_languages() {
    use carousel::understand::reply::{TextFormat, read_formatted};
    // (text, intent, referral email)
    let cases: &[(&str, Option<Intent>, Option<&str>)] = &[
        (
            "今後はこちらのアドレス sam@home.example にご連絡ください。興味があります。",
            Some(Intent::Interested),
            None,
        ),
        (
            "Scrivetemi al mio indirizzo personale sam@home.example, siamo interessati.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Escrevam para o meu e-mail pessoal sam@home.example, temos interesse.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Mail me liever op mijn privéadres sam@home.example, we zijn geïnteresseerd.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Proszę pisać na mój prywatny adres sam@home.example, jesteśmy zainteresowani.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Bana özel adresimden ulaşın: sam@home.example, ilgileniyoruz.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Haal me alstublieft niet van de lijst, we zijn geïnteresseerd.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Proszę mnie nie wypisywać z listy, jesteśmy zainteresowani.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Ta inte bort mig från listan, vi är intresserade.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Non cancellatemi dalla lista, siamo interessati.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Bitte melden Sie mich nicht ab, wir sind interessiert.",
            Some(Intent::Interested),
            None,
        ),
        (
            "Si prega di contattare il mio collega Marco Rossi, marco.rossi@customer.example, che si occupa degli acquisti.",
            Some(Intent::Referral),
            Some("marco.rossi@customer.example"),
        ),
        (
            "Neem contact op met mijn collega Eva de Boer, eva.deboer@customer.example, zij beslist hierover.",
            Some(Intent::Referral),
            Some("eva.deboer@customer.example"),
        ),
    ];
    let mut wrong = Vec::new();
    for (text, want, email) in cases {
        let got = read_formatted(text, None, TextFormat::default(), &["sam@customer.example"]);
        if got.intent != *want || got.referral_email.as_deref() != *email {
            wrong.push(format!(
                "{text:?}: got {:?} {:?} ({:?})",
                got.intent, got.referral_email, got.intent_phrases
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 7 intent cases, written for this round from how people answer a
/// sales email in languages the tables did not cover (Hungarian,
/// Indonesian, Thai, Ukrainian, Romanian, Vietnamese) and in thin ones
/// (Finnish, Turkish, Arabic); never taken from a held-out suite.
#[test]
fn round7_intents_in_more_languages() {
    use Intent::*;
    let cases: &[(&str, Option<Intent>)] = &[
        // Hungarian
        (
            "Köszönjük az ajánlatot, de nem érdekel minket.",
            Some(NotInterested),
        ),
        ("Nem érdekel, köszönöm.", Some(NotInterested)),
        (
            "Jelenleg nem aktuális, keressenek három hónap múlva.",
            Some(NotNow),
        ),
        (
            "Érdekel az ajánlat, kérem küldjenek árajánlatot.",
            Some(Interested),
        ),
        ("Kérem, töröljenek a levelezőlistáról.", Some(Unsubscribe)),
        ("Ne küldjenek több e-mailt.", Some(Unsubscribe)),
        ("Mennyibe kerül a telepítés?", Some(Question)),
        // Indonesian / Malay
        (
            "Terima kasih, tapi kami tidak tertarik.",
            Some(NotInterested),
        ),
        (
            "Kami tertarik, mohon kirimkan penawaran harga.",
            Some(Interested),
        ),
        ("Tolong hapus saya dari milis Anda.", Some(Unsubscribe)),
        ("Jangan kirim email lagi ke saya.", Some(Unsubscribe)),
        (
            "Untuk saat ini belum, silakan hubungi kami lagi tiga bulan lagi.",
            Some(NotNow),
        ),
        ("Berapa biaya pemasangannya?", Some(Question)),
        // Thai
        ("สนใจครับ รบกวนส่งใบเสนอราคาให้ด้วยครับ", Some(Interested)),
        ("กรุณาส่งใบเสนอราคามาให้ด้วยค่ะ", Some(Interested)),
        ("ขอบคุณครับ แต่เราไม่สนใจ", Some(NotInterested)),
        ("กรุณาลบอีเมลของฉันออกจากรายชื่อผู้รับ", Some(Unsubscribe)),
        ("ตอนนี้ยังไม่สะดวก ติดต่อกลับมาอีกครั้งในอีก 3 เดือนครับ", Some(NotNow)),
        ("ค่าติดตั้งราคาเท่าไหร่ครับ", Some(Question)),
        // Turkish
        (
            "Lütfen e-posta adresimi listenizden çıkarın.",
            Some(Unsubscribe),
        ),
        ("Beni bu listeden çıkarın lütfen.", Some(Unsubscribe)),
        (
            "Şu an için ilgilenmiyoruz, üç ay sonra tekrar yazabilirsiniz.",
            Some(NotNow),
        ),
        ("İlgilenmiyoruz, teşekkürler.", Some(NotInterested)),
        ("Fiyat teklifi gönderebilir misiniz?", Some(Interested)),
        // Ukrainian
        (
            "Будь ласка, не надсилайте мені більше листів.",
            Some(Unsubscribe),
        ),
        ("Дякуємо, але нас це не цікавить.", Some(NotInterested)),
        (
            "Нам цікаво, надішліть, будь ласка, комерційну пропозицію.",
            Some(Interested),
        ),
        (
            "Зараз не на часі, напишіть нам через три місяці.",
            Some(NotNow),
        ),
        ("Відпишіть мене від розсилки.", Some(Unsubscribe)),
        ("Скільки коштує встановлення?", Some(Question)),
        // Finnish
        (
            "Ei ole ajankohtainen, ottakaa yhteyttä kolmen kuukauden kuluttua.",
            Some(NotNow),
        ),
        ("Palataan asiaan kolmen kuukauden päästä.", Some(NotNow)),
        ("Emme ole kiinnostuneita, kiitos.", Some(NotInterested)),
        // Arabic
        ("شكراً، لكننا غير مهتمين.", Some(NotInterested)),
        ("تواصلوا معنا بعد ثلاثة أشهر.", Some(NotNow)),
        ("يرجى إزالة بريدي من قائمتكم.", Some(Unsubscribe)),
        ("نحن مهتمون، يرجى إرسال عرض سعر.", Some(Interested)),
        // Romanian
        ("Mulțumim, dar nu suntem interesați.", Some(NotInterested)),
        (
            "Suntem interesați, vă rog să ne trimiteți o ofertă.",
            Some(Interested),
        ),
        (
            "Vă rog să mă scoateți de pe lista de e-mailuri.",
            Some(Unsubscribe),
        ),
        ("Reveniți peste trei luni, vă rog.", Some(NotNow)),
        ("Cât costă instalarea?", Some(Question)),
        // Vietnamese
        (
            "Cảm ơn, nhưng chúng tôi không quan tâm.",
            Some(NotInterested),
        ),
        (
            "Chúng tôi quan tâm, vui lòng gửi báo giá.",
            Some(Interested),
        ),
        ("Vui lòng xóa tôi khỏi danh sách email.", Some(Unsubscribe)),
        (
            "Hiện tại chưa cần, vui lòng liên hệ lại sau ba tháng.",
            Some(NotNow),
        ),
        ("Chi phí lắp đặt là bao nhiêu?", Some(Question)),
        // Staying with the supplier one has is a refusal, in any language.
        (
            "Not interested, we are staying with our current supplier.",
            Some(NotInterested),
        ),
        (
            "Thanks, but we'll stick with our current provider.",
            Some(NotInterested),
        ),
        // "for now" beside a lasting refusal defers nothing …
        (
            "Not interested, we are staying with our supplier for now and for the foreseeable future.",
            Some(NotInterested),
        ),
        // … while alone it does.
        ("Not interested for now, maybe next year.", Some(NotNow)),
        (
            "Kein Bedarf, wir bleiben bei unserem jetzigen Anbieter.",
            Some(NotInterested),
        ),
        (
            "Obrigado, mas vamos continuar com o nosso fornecedor atual.",
            Some(NotInterested),
        ),
        (
            "Merci, mais nous restons avec notre fournisseur actuel.",
            Some(NotInterested),
        ),
    ];
    assert_intents("round 7", cases);
}

/// A reply built as a mail client would send it, threaded to carousel.
fn reply_from(from: &str, body: &str) -> carousel::understand::Understanding {
    let raw = format!(
        "From: {from}\r\nTo: Dana Reyes <dana@acme.example>\r\nSubject: Re: Solar\r\nDate: Wed, 02 Dec 2026 09:00:00 +0100\r\nMessage-ID: <r7@prospect.example>\r\nIn-Reply-To: <c1.e7.s1@carousel.acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}"
    );
    let ctx = Context {
        own_message_id_domains: vec!["carousel.acme.example".into()],
        ..Context::default()
    };
    understand(raw.as_bytes(), &ctx)
}

/// Round 7: the signature block after the last sentence is cut by its
/// structure (short lines, one naming the sender by display name or
/// address, then title, company or phone), whatever the closing word, and
/// per-language closings cut it where the name is not the sender's.
#[test]
fn round7_signature_blocks_by_structure() {
    let quote = "\n\nOn Tue, Dec 1, 2026 at 4:02 PM Dana Reyes <dana@acme.example> wrote:\n> Hi,\n> would a site visit suit you?\n";
    // (From, new text, signature block)
    let cases: &[(&str, &str, &str)] = &[
        (
            "=?UTF-8?Q?J=C3=B6rg_Hartmann?= <info@hartmann-kfz.example>",
            "Ja, Donnerstag um 10 Uhr passt.",
            "Jörg Hartmann\nHartmann KFZ-Service",
        ),
        (
            "Kovács Péter <peter.kovacs@kovacs-kft.example>",
            "Köszönjük, de jelenleg nem érdekel minket.",
            "Üdvözlettel:\nKovács Péter\nügyvezető\nKovács és Társa Kft.\nTel.: +36 1 234 5678",
        ),
        (
            "=?UTF-8?Q?Ahmet_Y=C4=B1lmaz?= <ahmet@yilmaz-insaat.example>",
            "Teklifinizi aldık, teşekkürler. Önümüzdeki hafta görüşelim.",
            "İyi çalışmalar,\nAhmet Yılmaz\nSatın Alma Müdürü\nYılmaz İnşaat A.Ş.",
        ),
        (
            "=?UTF-8?Q?Ahmet_Y=C4=B1lmaz?= <ahmet@yilmaz-insaat.example>",
            "Lütfen beni listenizden çıkarın.",
            "Saygılarımla\nAhmet Yılmaz",
        ),
        (
            "Budi Santoso <budi@majujaya.example>",
            "Terima kasih atas informasinya, kami tertarik. Mohon kirimkan penawaran harga.",
            "Salam,\nBudi Santoso\nPT Maju Jaya\n0812-3456-7890",
        ),
        (
            "Budi Santoso <budi@majujaya.example>",
            "Kami tidak tertarik.",
            "Terima kasih,\nBudi",
        ),
        (
            "Andrei Popescu <andrei.popescu@alfa.example>",
            "Da, ne interesează. Vă rog să ne trimiteți o ofertă.",
            "Cu stimă,\nAndrei Popescu\nDirector Achiziții\nSC Alfa SRL",
        ),
        (
            "=?UTF-8?B?Tmd1eeG7hW4gVsSDbiBBbg==?= <an.nguyen@phuongdong.example>",
            "Chúng tôi quan tâm, vui lòng gửi báo giá.",
            "Trân trọng,\nNguyễn Văn An\nTrưởng phòng mua hàng\nCông ty TNHH Phương Đông",
        ),
        (
            "=?UTF-8?B?4Liq4Lih4LiK4Liy4LiiIOC5g+C4iOC4lOC4tQ==?= <somchai@example.co.th>",
            "สนใจครับ รบกวนส่งใบเสนอราคาให้ด้วยครับ",
            "ขอแสดงความนับถือ\nสมชาย ใจดี\nผู้จัดการฝ่ายจัดซื้อ\nโทร 02-123-4567",
        ),
        (
            "Ahmed Ali <ahmed@alnoor.example>",
            "نحن مهتمون، يرجى إرسال عرض سعر.",
            "مع خالص التحية،\nأحمد علي\nمدير المشتريات",
        ),
        (
            "Yossi Cohen <yossi@cohen.example>",
            "אנחנו מעוניינים, נא לשלוח הצעת מחיר.",
            "בברכה,\nיוסי כהן\nמנהל רכש",
        ),
        (
            "=?UTF-8?Q?Jo=C3=A3o_Silva?= <joao.silva@exemplo.example>",
            "Temos interesse, podem enviar um orçamento?",
            "Abs,\nJoão Silva\nGerente de Compras",
        ),
        (
            "mkowalczyk@firma.example",
            "Proszę o kontakt w przyszłym tygodniu.",
            "Marek Kowalczyk\nKierownik zakupów\nFirma Sp. z o.o.",
        ),
        (
            "Olena Kovalenko <olena@dnipro-agro.example>",
            "Дякуємо, нам цікаво. Надішліть, будь ласка, комерційну пропозицію.",
            "З повагою,\nОлена Коваленко\nДніпро Агро",
        ),
    ];
    let mut wrong = Vec::new();
    for (from, new, signature) in cases {
        let body = format!("{new}\n\n{signature}{quote}");
        let got = reply_from(from, &body)
            .reply
            .and_then(|r| r.text)
            .unwrap_or_default();
        if normalize(&got) != normalize(new) {
            wrong.push(format!("{from}: got {got:?}"));
        }
    }
    // What only looks like a signature stays: answers in short lines, a
    // name that is not the sender's in a sentence, a one-line answer right
    // above the sender's name.
    for (from, body, want) in [
        (
            "Sam Lee <sam@northwind.example>",
            "Three sites.\nFlat roofs.\nSpring.",
            "Three sites.\nFlat roofs.\nSpring.",
        ),
        (
            "Sam Lee <sam@northwind.example>",
            "Please talk to Maria Lopez about this.\n\nSam",
            "Please talk to Maria Lopez about this.",
        ),
        (
            "Jörg Hartmann <info@hartmann-kfz.example>",
            "Passt, Donnerstag um zehn\nJörg Hartmann",
            "Passt, Donnerstag um zehn",
        ),
    ] {
        let got = reply_from(from, body)
            .reply
            .and_then(|r| r.text)
            .unwrap_or_default();
        if normalize(&got) != normalize(want) {
            wrong.push(format!("{from}: {body:?} got {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Round 7: inline answers under quoted questions are the reply; a time
/// given as the answer to "when?" is the prospect's plan, not a deferral.
#[test]
fn round7_inline_answers_are_read_as_the_reply() {
    let r = fixture("r7_thunderbird_three_inline_answers");
    let reply = r.reply.expect("a reply");
    assert_eq!(
        reply.intent,
        Some(Intent::Interested),
        "{:?}",
        reply.intent_phrases
    );
    assert_eq!(
        normalize(reply.text.as_deref().unwrap_or("")),
        normalize(
            "About 900 EUR in winter, less in summer.\n\nWe own it.\n\nAfter the summer would suit us best, the practice is quieter then."
        )
    );
    // A real deferral still reads as one when it is the whole reply.
    let r = reply_from(
        "Karen Holt <karen@brightwater.example>",
        "Not now, please get back to me after the summer.\n\nOn Tue, Dec 1, 2026 at 4:02 PM Dana Reyes <dana@acme.example> wrote:\n> Hi\n",
    );
    assert_eq!(r.reply.unwrap().intent, Some(Intent::NotNow));
}

/// Round 7: mail between two of the company's own addresses is no reply to
/// a campaign, and a helpdesk's ticket acknowledgement is an auto-reply in
/// any language, threaded or not.
#[test]
fn round7_staff_threads_and_ticket_acknowledgements() {
    let ctx = Context {
        own_message_id_domains: vec!["carousel.acme.example".into()],
        ..Context::default()
    };
    let read = |dir: &str, name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(dir)
            .join(format!("{name}.eml"));
        understand(&std::fs::read(path).unwrap(), &ctx)
    };
    let staff = read("other", "r7_staff_thread_existing_customer");
    assert_eq!(staff.kind, Kind::Other);
    assert!(
        staff.note.as_deref().is_some_and(|n| n.contains("staff")),
        "{:?}",
        staff.note
    );
    let ticket = read("autoreplies", "r7_korean_ticket_received");
    assert_eq!(ticket.kind, Kind::AutoReply);
    // A prospect at another domain answering from the same thread stays a reply.
    let prospect = reply_from("Sam Lee <sam@northwind.example>", "Yes, we are interested.");
    assert_eq!(prospect.kind, Kind::Reply);
}
