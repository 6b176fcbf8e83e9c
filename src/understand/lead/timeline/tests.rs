//! Phrasings in every supported language, written for this module (not
//! taken from the fixtures). The message date is Monday 12 May 2025 unless
//! a test says otherwise.

use super::*;
use Timeline::*;

const MAY: Option<&str> = Some("2025-05-12T09:00:00+00:00");

fn check(cases: &[(&str, Timeline)], date: Option<&str>, field: bool) {
    let mut wrong = Vec::new();
    for (phrase, want) in cases {
        let got = parse(phrase, date, field);
        if got != Some(*want) {
            wrong.push(format!("{phrase:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn check_none(cases: &[&str], date: Option<&str>, field: bool) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|p| parse(p, date, field).map(|t| format!("{p:?}: got {t:?}, want None")))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn windows_bucket_by_middle() {
    check(
        &[
            ("ASAP", Immediate),
            ("1-3 months", Within3Months),
            ("within 6 months", ThreeTo6Months),
            ("in about a year", Over12Months),
            ("6-12 months", SixTo12Months),
            ("12+ months", Over12Months),
            ("next spring", SixTo12Months),
            ("3ヶ月以内", Within3Months),
            ("半年以内", ThreeTo6Months),
            ("1年以内", SixTo12Months),
        ],
        MAY,
        true,
    );
}

#[test]
fn form_enumerations_read_as_values() {
    check(
        &[
            ("NEXT_2_MONTHS", Within3Months),
            ("3-6 MONTHS", ThreeTo6Months),
            ("0_3_MONTHS", Within3Months),
            ("3_6_MONTHS", ThreeTo6Months),
            ("6-12 months", SixTo12Months),
            ("12+ months", Over12Months),
            ("1-3 Months", Within3Months),
            ("More than a year", Over12Months),
            ("LESS_THAN_1_MONTH", Within3Months),
            ("MORE_THAN_12_MONTHS", Over12Months),
            ("WITHIN_1_YEAR", SixTo12Months),
            ("12_MONTHS_PLUS", Over12Months),
            ("NextTwoMonths", Within3Months),
            ("6+ months", SixTo12Months),
            ("0-30 days", Within3Months),
            ("Within 90 days", Within3Months),
            ("1 year+", Over12Months),
            ("IMMEDIATELY", Immediate),
            ("Immediate", Immediate),
            ("Now", Immediate),
            ("Today", Immediate),
            ("This week", Immediate),
            ("Urgent", Immediate),
            ("Not sure yet", Researching),
            ("Just looking", Researching),
            ("Researching", Researching),
            ("Undecided", Researching),
            ("Q3", ThreeTo6Months),
            ("2-4 weeks", Within3Months),
        ],
        MAY,
        true,
    );
}

#[test]
fn weeks_and_number_words_in_free_text() {
    check(
        &[
            ("We'd like to start in six weeks.", Within3Months),
            ("Install in 2-4 weeks please", Within3Months),
            ("We need it within two weeks", Within3Months),
            ("ideally within a week", Immediate),
            ("sometime in the next few weeks", Within3Months),
            ("we plan to buy in a couple of months", Within3Months),
            ("probably a few years out", Over12Months),
            ("in four months or so", ThreeTo6Months),
            ("in eight months", SixTo12Months),
            ("over the next 18 months", Over12Months),
            ("right away if possible", Immediate),
            ("please call within 24 hours", Immediate),
            ("entro 48 ore", Immediate),
            ("we are only comparing prices for now", Researching),
            ("This is urgent, our heater broke", Immediate),
        ],
        MAY,
        false,
    );
}

#[test]
fn the_past_and_plain_numbers_are_not_timelines() {
    check_none(
        &[
            "We have used your product for 2 years.",
            "We bought our last system 3 years ago.",
            "Customer for over 5 years, happy so far.",
            "Our team of 12 people works in 3 shifts.",
            "We are open 24 hours, 7 days a week.",
            "Wir sind seit 3 Jahren Kunde.",
            "Vor zwei Jahren haben wir gekauft.",
            "Lo compramos hace 2 años.",
            "Nous l'utilisons depuis 3 ans.",
            "L'abbiamo comprato 2 anni fa.",
            "Compramos há 2 anos.",
            "We kochten het 2 jaar geleden.",
            "3ヶ月前に購入しました。",
            "3개월 전에 구매했습니다.",
            "三个月前买的。",
            "The 2024 model was great.",
            "Hello, may I ask a question?",
            "",
        ],
        MAY,
        false,
    );
}

#[test]
fn quarters_relative_to_the_message_date() {
    check(
        &[
            ("next quarter", ThreeTo6Months),
            ("this quarter", Within3Months),
            ("by the end of the quarter", Within3Months),
            ("planned for Q4", SixTo12Months),
            ("in Q3", ThreeTo6Months),
            ("by the end of Q3", ThreeTo6Months),
            ("Q1 2026", SixTo12Months),
            ("Q1", SixTo12Months),
            ("Q2 2027", Over12Months),
            ("im 3. Quartal", ThreeTo6Months),
            ("nächstes Quartal", ThreeTo6Months),
            ("au prochain trimestre", ThreeTo6Months),
            ("el próximo trimestre", ThreeTo6Months),
            ("nel prossimo trimestre", ThreeTo6Months),
            ("volgend kwartaal", ThreeTo6Months),
            ("第3四半期", ThreeTo6Months),
            ("3분기", ThreeTo6Months),
            ("第四季度", SixTo12Months),
            ("下个季度", ThreeTo6Months),
        ],
        MAY,
        true,
    );
    // Late in June, next quarter (July–September) is close.
    assert_eq!(
        parse("next quarter", Some("2025-06-25T09:00:00Z"), false),
        Some(Within3Months)
    );
}

#[test]
fn seasons_assume_the_northern_hemisphere() {
    check(
        &[
            ("this spring", Within3Months),
            ("by summer", ThreeTo6Months),
            ("this summer", Within3Months),
            ("in the fall", ThreeTo6Months),
            ("next spring", SixTo12Months),
            ("im Herbst", ThreeTo6Months),
            ("Frühjahr nächstes Jahr", SixTo12Months),
            ("l'été prochain", Within3Months),
            ("en otoño", ThreeTo6Months),
            ("in autunno", ThreeTo6Months),
            ("no outono", ThreeTo6Months),
            ("in het najaar", ThreeTo6Months),
            ("내년 봄", SixTo12Months),
            ("来年春", SixTo12Months),
            ("明年春天", SixTo12Months),
            ("summer 2026", Over12Months),
        ],
        MAY,
        false,
    );
    // "spring next year" said in January is still fifteen months away.
    assert_eq!(
        parse(
            "next year in the spring",
            Some("2025-01-10T09:00:00Z"),
            false
        ),
        Some(Over12Months)
    );
}

#[test]
fn month_names_relative_to_the_message_date() {
    check(
        &[
            ("in March", SixTo12Months),
            ("by October 2027", Over12Months),
            ("by October", ThreeTo6Months),
            ("in July", Within3Months),
            ("early September", ThreeTo6Months),
            ("Ende Oktober", ThreeTo6Months),
            ("d'ici septembre", ThreeTo6Months),
            ("entro giugno", Within3Months),
            ("em agosto", ThreeTo6Months),
            ("a partir de julio", Within3Months),
            ("vanaf september", ThreeTo6Months),
            ("3月頃", SixTo12Months),
            ("10월까지", ThreeTo6Months),
            ("2027年3月までに", Over12Months),
            ("明年三月", SixTo12Months),
        ],
        MAY,
        false,
    );
    check(
        &[
            ("2027年3月", Over12Months),
            ("March 2026", SixTo12Months),
            ("May 23, 2025", Within3Months),
            ("15 June 2025", Within3Months),
            ("May", Within3Months),
        ],
        MAY,
        true,
    );
    // Late in a quarter, "this quarter" is still a window, not "now".
    assert_eq!(
        parse("This quarter", Some("2025-03-21T09:00:00Z"), true),
        Some(Within3Months)
    );
}

#[test]
fn named_periods() {
    check(
        &[
            ("by the end of the year", SixTo12Months),
            ("next year", Over12Months),
            ("early next year", SixTo12Months),
            ("this month", Within3Months),
            ("next month", Within3Months),
            ("this year", ThreeTo6Months),
            ("bis Jahresende", SixTo12Months),
            ("fin de l'année", SixTo12Months),
            ("el año que viene", Over12Months),
            ("entro fine anno", SixTo12Months),
            ("no próximo ano", Over12Months),
            ("eind dit jaar", SixTo12Months),
            ("年内に導入したい", SixTo12Months),
            ("연말까지", SixTo12Months),
            ("明年", Over12Months),
            ("in 2026", Over12Months),
            ("early 2026", SixTo12Months),
        ],
        MAY,
        false,
    );
    // In November, next year's middle is eight months away.
    assert_eq!(
        parse("next year", Some("2025-11-03T09:00:00Z"), false),
        Some(SixTo12Months)
    );
    // Without a date a named period keeps its usual bucket.
    assert_eq!(parse("next quarter", None, false), Some(ThreeTo6Months));
}

#[test]
fn every_language_states_urgency_and_research() {
    check(
        &[
            ("so schnell wie möglich", Immediate),
            ("dès que possible", Immediate),
            ("lo antes posible", Immediate),
            ("il prima possibile", Immediate),
            ("o mais rápido possível", Immediate),
            ("zo snel mogelijk", Immediate),
            ("なるべく早く", Immediate),
            ("최대한 빨리", Immediate),
            ("尽快", Immediate),
            ("ich informiere mich nur", Researching),
            ("je me renseigne", Researching),
            ("solo estoy mirando", Researching),
            ("sto solo guardando", Researching),
            ("apenas pesquisando", Researching),
            ("ik oriënteer me", Researching),
            ("情報収集中です", Researching),
            ("그냥 알아보는 중입니다", Researching),
            ("只是了解一下", Researching),
        ],
        MAY,
        false,
    );
    check(
        &[
            ("Noch unklar", Researching),
            ("Pas encore décidé", Researching),
            ("Todavía no sé", Researching),
            ("Non so ancora", Researching),
            ("Ainda não sei", Researching),
            ("Weet ik nog niet", Researching),
            ("未定", Researching),
            ("미정", Researching),
            ("待定", Researching),
            ("Sofort", Immediate),
            ("Subito", Immediate),
            ("Já", Immediate),
            ("Direct", Immediate),
            ("즉시", Immediate),
            ("现在", Immediate),
            ("diese Woche", Immediate),
            ("questa settimana", Immediate),
        ],
        MAY,
        true,
    );
}

#[test]
fn every_language_states_durations() {
    check(
        &[
            ("in den nächsten drei Monaten", Within3Months),
            ("in sechs Wochen", Within3Months),
            ("innerhalb eines Jahres", SixTo12Months),
            ("in ein paar Jahren", Over12Months),
            ("dans six mois", SixTo12Months),
            ("d'ici trois mois", Within3Months),
            ("dans les 6 prochains mois", ThreeTo6Months),
            ("en los próximos 6 meses", ThreeTo6Months),
            ("dentro de dos semanas", Within3Months),
            ("en un año", Over12Months),
            ("entro 3 mesi", Within3Months),
            ("tra sei mesi", SixTo12Months),
            ("nei prossimi due anni", Over12Months),
            ("nos próximos 3 meses", Within3Months),
            ("daqui a seis meses", SixTo12Months),
            ("dentro de um ano", SixTo12Months),
            ("binnen 3 maanden", Within3Months),
            ("over zes weken", Within3Months),
            ("binnen een half jaar", ThreeTo6Months),
            ("今後3ヶ月で", Within3Months),
            ("半年後", SixTo12Months),
            ("3개월 이내", Within3Months),
            ("6개월 후", SixTo12Months),
            ("1년 안에", SixTo12Months),
            ("한 달 안에", Within3Months),
            ("2주 이내", Within3Months),
            ("3个月内", Within3Months),
            ("半年内", ThreeTo6Months),
            ("一年以内", SixTo12Months),
            ("两周内", Within3Months),
            ("六个月后", SixTo12Months),
        ],
        MAY,
        false,
    );
}

#[test]
fn a_longer_phrase_hides_a_shorter_one() {
    // "just looking for" asks for something; it is not "just looking".
    assert_eq!(
        parse("I'm just looking for a quote, need it ASAP", MAY, false),
        Some(Immediate)
    );
}

#[test]
fn hostile_input_stays_bounded() {
    let long = "in 2 months ".repeat(10_000);
    assert_eq!(parse(&long, MAY, false), Some(Within3Months));
    let junk: String = "月年ヶ内后前q3-+_".repeat(2_000);
    let _ = parse(&junk, MAY, true);
    let _ = parse(&"9".repeat(5_000), MAY, true);
}

#[test]
fn a_picked_date_is_a_point_in_time() {
    let december = Some("2025-12-02T10:00:00+00:00");
    check(
        &[
            ("2026-01-20", Within3Months),
            ("15.04.2026", ThreeTo6Months),
            ("03/15/2026", ThreeTo6Months),
            ("20/09/2026", SixTo12Months),
            ("2027-06-01", Over12Months),
        ],
        december,
        true,
    );
    // In prose a date stamp says nothing about when to buy.
    check_none(&["2026-01-20"], december, false);
}

#[test]
fn the_coming_weeks_without_a_number() {
    let december = Some("2025-12-02T10:00:00+00:00");
    check(
        &[
            ("in the coming weeks", Within3Months),
            ("in den nächsten Wochen", Within3Months),
            ("dans les prochaines semaines", Within3Months),
            ("en las próximas semanas", Within3Months),
            ("nelle prossime settimane", Within3Months),
            ("in de komende weken", Within3Months),
        ],
        december,
        false,
    );
}

#[test]
fn time_frames_stated_in_prose_in_every_language() {
    check(
        &[
            ("We'd like it installed by March.", SixTo12Months),
            ("Hoping to have this done before the summer.", Within3Months),
            ("Looking at end of Q2 for the install.", Within3Months),
            ("We plan to start in the new year.", SixTo12Months),
            ("Need a quote within a fortnight please", Within3Months),
            (
                "We want to decide over the next couple of months.",
                Within3Months,
            ),
            ("Could you install it on 2025-07-15?", Within3Months),
            (
                "Move-in date is 15/09/2025, so we need it before then.",
                ThreeTo6Months,
            ),
            ("We are aiming for 1 August.", Within3Months),
            (
                "The roof gets replaced in the autumn, we'd add panels then.",
                ThreeTo6Months,
            ),
            ("Bis Ende März hätten wir es gerne.", SixTo12Months),
            ("Wir möchten vor dem Sommer bauen.", Within3Months),
            ("Innerhalb von zwei Wochen bitte.", Within3Months),
            ("Nous voulons commencer avant l'été.", Within3Months),
            ("Idéalement d'ici mars.", SixTo12Months),
            ("Queremos instalarlo antes del verano.", Within3Months),
            ("Lo necesitamos para marzo.", SixTo12Months),
            ("Vorremmo farlo entro marzo.", SixTo12Months),
            ("Gostaríamos de instalar até março.", SixTo12Months),
            (
                "We willen het voor de zomer geregeld hebben.",
                Within3Months,
            ),
            ("来年の春に設置したいです。", SixTo12Months),
            ("3월까지 설치하고 싶습니다.", SixTo12Months),
            ("希望在三月前安装。", SixTo12Months),
            ("We're thinking sometime next year.", Over12Months),
            ("In a couple of weeks would be great.", Within3Months),
            ("Hopefully early next month.", Within3Months),
            ("around Christmas", SixTo12Months),
        ],
        MAY,
        false,
    );
}

#[test]
fn adf_window_between_dates_by_middle() {
    assert_eq!(
        between_dates("2025-06-01", "2025-12-31", MAY),
        Some(ThreeTo6Months)
    );
    assert_eq!(
        between_dates("2025-05-01T00:00:00", "2025-06-15T00:00:00", MAY),
        Some(Within3Months)
    );
    assert_eq!(between_dates("2024-01-01", "2024-03-01", MAY), None);
}

#[test]
fn past_dates_in_prose_are_history() {
    check_none(
        &[
            "We installed the old boiler on 03/02/2019.",
            "Our last quote was dated 2024-11-02.",
            "We met you at the fair on 3 March.",
        ],
        MAY,
        false,
    );
}

#[test]
fn after_a_named_span_and_the_new_year_in_every_language() {
    check(
        &[
            ("We'd start after the summer.", ThreeTo6Months),
            ("Nach dem Sommer wäre gut.", ThreeTo6Months),
            ("Plutôt après l'été.", ThreeTo6Months),
            ("Mejor después del verano.", ThreeTo6Months),
            ("Meglio dopo l'estate.", ThreeTo6Months),
            ("Só depois do verão.", ThreeTo6Months),
            ("Pas na de zomer.", ThreeTo6Months),
            ("On verra après les fêtes.", SixTo12Months),
            ("Lo vemos en el año nuevo.", SixTo12Months),
            ("Ne parliamo nel nuovo anno.", SixTo12Months),
            ("Falamos no ano novo.", SixTo12Months),
            ("Liever in het nieuwe jaar.", SixTo12Months),
        ],
        MAY,
        false,
    );
    check_none(&["Happy new year! We'd like a quote."], MAY, false);
}

#[test]
fn time_frames_in_the_languages_beyond_the_first_ten() {
    check(
        &[
            ("Inom 3 månader", Within3Months),
            ("snarast möjligt", Immediate),
            ("nästa år", Over12Months),
            ("Innen 6 måneder", ThreeTo6Months),
            ("hurtigst muligt", Immediate),
            ("W ciągu 3 miesięcy", Within3Months),
            ("jak najszybciej", Immediate),
            ("za 2 tygodnie", Within3Months),
            ("Do 6 měsíců", ThreeTo6Months),
            ("co nejdříve", Immediate),
            ("3 ay içinde", Within3Months),
            ("en kısa sürede", Immediate),
            ("2 ay sonra", Within3Months),
            ("dentro de un par de meses", Within3Months),
            ("daqui a um par de meses", Within3Months),
        ],
        MAY,
        true,
    );
    // "Vår offert" is "our quote", not a spring; Turkish "on" is no ten.
    check_none(
        &["Vår villa har fyra sovrum.", "Keep on weeks."],
        MAY,
        false,
    );
}

/// Asserts each phrase reads as its English counterpart does, and that the
/// English reading is a timeline at all.
fn check_as_english(cases: &[(&str, &str)], date: Option<&str>, field: bool) {
    let mut wrong = Vec::new();
    for (phrase, english) in cases {
        let want = parse(english, date, field);
        let got = parse(phrase, date, field);
        if want.is_none() || got != want {
            wrong.push(format!(
                "{phrase:?}: got {got:?}, want {want:?} ({english:?})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn time_frames_in_round_seven_languages() {
    let cases = [
        // Russian and Ukrainian: the unit is inflected after the preposition.
        ("в течение месяца", Within3Months),
        ("В течение 3 месяцев", Within3Months),
        ("в течение полугода", ThreeTo6Months),
        ("через 2 недели", Within3Months),
        ("как можно скорее", Immediate),
        ("в следующем году", Over12Months),
        ("протягом 3 місяців", Within3Months),
        ("якнайшвидше", Immediate),
        ("наступного року", Over12Months),
        // Finnish and Hungarian: a postposition after the inflected unit.
        ("ensi vuonna", Over12Months),
        ("3 kuukauden sisällä", Within3Months),
        ("mahdollisimman pian", Immediate),
        ("3 hónapon belül", Within3Months),
        ("6 hónapon belül", ThreeTo6Months),
        ("jövőre", Over12Months),
        ("minél előbb", Immediate),
        // Greek, Vietnamese, Indonesian.
        ("άμεσα", Immediate),
        ("Μέσα σε 3 μήνες", Within3Months),
        ("τον επόμενο χρόνο", Over12Months),
        ("trong 3 tháng", Within3Months),
        ("Trong vòng 6 tháng", ThreeTo6Months),
        ("càng sớm càng tốt", Immediate),
        ("năm sau", Over12Months),
        ("secepatnya", Immediate),
        ("dalam 3 bulan", Within3Months),
        ("tahun depan", Over12Months),
        // Arabic (also in Arabic-Indic digits), Hebrew, Thai.
        ("خلال 3 أشهر", Within3Months),
        ("خلال ٣ أشهر", Within3Months),
        ("في أقرب وقت ممكن", Immediate),
        ("العام القادم", Over12Months),
        ("תוך 3 חודשים", Within3Months),
        ("בהקדם האפשרי", Immediate),
        ("בשנה הבאה", Over12Months),
        ("ภายใน 3 เดือน", Within3Months),
        ("ภายใน 6 เดือน", ThreeTo6Months),
        ("ด่วน", Immediate),
        ("ปีหน้า", Over12Months),
        // Romanian, Norwegian, Czech, Turkish (with the capital I of "YIL").
        ("în termen de 3 luni", Within3Months),
        ("cât mai curând", Immediate),
        ("anul viitor", Over12Months),
        ("innen 3 måneder", Within3Months),
        ("i løpet av 3 måneder", Within3Months),
        ("så snart som mulig", Immediate),
        ("neste år", Over12Months),
        ("GELECEK YIL", Over12Months),
        // English shapes.
        ("before Friday", Immediate),
        ("early next year", SixTo12Months),
    ];
    check(&cases, MAY, true);
    check(&cases, MAY, false);
    check(&[("18 months", Over12Months)], MAY, true);
    check_as_english(
        &[
            ("весной", "in the spring"),
            ("осенью", "in the fall"),
            ("навесні", "in the spring"),
            ("keväällä", "in the spring"),
            ("syksyllä", "in the fall"),
            ("tavasszal", "in the spring"),
            ("ősszel", "in the fall"),
            ("την άνοιξη", "in the spring"),
            ("vào mùa thu", "in the fall"),
            ("primăvara", "in the spring"),
            ("în toamnă", "in the fall"),
            ("do konce června", "by the end of June"),
            ("para o verão", "in the summer"),
            ("after the holidays", "après les fêtes"),
            ("в сентябре", "in September"),
            ("syyskuussa", "in September"),
            ("szeptemberben", "in September"),
            ("τον Σεπτέμβριο", "in September"),
            ("bulan September", "in September"),
            ("în septembrie", "in September"),
            ("i september", "in September"),
        ],
        MAY,
        false,
    );
}

#[test]
fn words_of_the_new_languages_are_no_timeline_alone() {
    // A duration of the past, a count that is no time frame, a plain verb.
    check_none(
        &[
            "мы работаем 3 года",
            "3 vuotta sitten",
            "3 éve",
            "منذ 3 سنوات",
            "Vara Electric s.r.o.",
            "dalam 3 warna",
            "за 5 лет работы",
            "trong 3 năm qua",
        ],
        MAY,
        false,
    );
}
