//! Lead qualification, scoring and distribution, tested as pure decisions on
//! hand-built `Understanding` values (no extractor, no store, no clock).

use carousel::qualify::config::Product;
use carousel::qualify::conversion::{
    Lead as LeadRecord, LeadStatus, Money, OpportunityDraft, Outcome, Ownership, Response,
    ResponseId, SalesStages,
};
use carousel::qualify::{
    Engagement, Rank, ScoringConfig, qualify, score, score_engaged, score_with,
};
use carousel::route::{
    Assignee, ClaimOutcome, DistributionState, EscalationStep, LeadFacts, Mode, Rep, Strategy,
    Team, claim, escalate, pick_rep,
};
use carousel::understand::lead::ProviderRule;
use carousel::understand::{
    Contact, Envelope, Intent, Kind, Lead, ReplyReading, Timeline, Understanding,
};
use jiff::Timestamp;

// ---------------------------------------------------------------- builders

fn contact(
    email: Option<&str>,
    phone: Option<&str>,
    name: Option<&str>,
    company: Option<&str>,
) -> Contact {
    Contact {
        email: email.map(str::to_string),
        phone: phone.map(str::to_string),
        name: name.map(str::to_string),
        company: company.map(str::to_string),
        ..Contact::default()
    }
}

fn full_contact() -> Contact {
    contact(
        Some("maria.lopez@example.org"),
        Some("+1 415 555 0100"),
        Some("Maria Lopez"),
        Some("Lopez Logistics"),
    )
}

fn understanding(kind: Kind) -> Understanding {
    Understanding {
        kind,
        envelope: Envelope::default(),
        provider: None,
        contact: Contact::default(),
        leads: Vec::new(),
        reply: None,
        auto_reply: None,
        bounces: Vec::new(),
        campaign_link: None,
        note: None,
        auth: None,
    }
}

fn lead_msg(
    contact: Contact,
    interest: Option<&str>,
    timeline: Option<Timeline>,
    message: Option<&str>,
) -> Understanding {
    let mut u = understanding(Kind::Lead);
    u.provider = Some("formspree".to_string());
    u.contact = contact.clone();
    u.leads = vec![Lead {
        contact,
        interest: interest.map(str::to_string),
        timeline,
        message: message.map(str::to_string),
        source: "form".to_string(),
        ..Lead::default()
    }];
    u
}

fn reply_msg(intent: Option<Intent>, text: &str, contact: Contact) -> Understanding {
    let mut u = understanding(Kind::Reply);
    u.contact = contact;
    u.reply = Some(ReplyReading {
        text: Some(text.to_string()),
        intent,
        ..ReplyReading::default()
    });
    u
}

fn why(score: &carousel::qualify::Score) -> String {
    score
        .reasons
        .iter()
        .map(|r| format!("{:+} {}", r.points, r.why))
        .collect::<Vec<_>>()
        .join("; ")
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("test timestamp")
}

// ---------------------------------------------------------------- scoring

#[test]
fn immediate_buyer_with_full_contact_is_hot_and_explained() {
    let u = lead_msg(
        full_contact(),
        Some("Solar panels for our depot"),
        Some(Timeline::Immediate),
        None,
    );
    let s = score(&u, None).expect("a lead is scored");
    assert_eq!(s.rank, Rank::Hot, "{}", why(&s));
    assert_eq!(s.points, s.reasons.iter().map(|r| r.points).sum::<i32>());
    assert!(
        s.reasons
            .iter()
            .any(|r| r.why == "timeline immediate" && r.points == 40)
    );
    assert!(
        s.reasons
            .iter()
            .any(|r| r.why == "phone number" && r.points == 10)
    );
    let json = s.reasons_json();
    assert_eq!(json[0]["points"], 40);
    assert!(json[0]["why"].is_string());
    assert_eq!(serde_json::to_value(s.rank).unwrap(), "hot");
}

#[test]
fn asap_lead_with_phone_and_email_is_hot_because_of_its_timing() {
    // Issue 14: 40 (immediate) + 10 (interest) + 5 (email) + 10 (phone) = 65
    // points, below the hot threshold of 70, ranked high_potential before.
    // "Hot means score well, particularly for timing": timing decides.
    let reachable = contact(Some("sam@example.net"), Some("970 555 0123"), None, None);
    let u = lead_msg(
        reachable.clone(),
        Some("roof repair"),
        Some(Timeline::Immediate),
        None,
    );
    let s = score(&u, None).unwrap();
    assert_eq!(s.points, 65, "{}", why(&s));
    assert_eq!(s.rank, Rank::Hot, "{}", why(&s));
    assert!(
        s.reasons.iter().any(|r| r.points == 0
            && r.why
                .contains("timeline immediate with a reachable contact")),
        "{}",
        why(&s)
    );
    // The same contact a few weeks out is ranked by points.
    let later = lead_msg(
        reachable.clone(),
        Some("roof repair"),
        Some(Timeline::Within3Months),
        None,
    );
    assert_eq!(score(&later, None).unwrap().rank, Rank::HighPotential);
    // A configured rule says otherwise: no timeline is hot by itself.
    let by_points: ScoringConfig = toml::from_str("hot_timelines = []").unwrap();
    by_points.validate().unwrap();
    assert_eq!(
        score_with(&u, None, &by_points).unwrap().rank,
        Rank::HighPotential
    );
    // Timing never makes an unreachable lead hot.
    let nobody = lead_msg(
        Contact::default(),
        Some("roof repair"),
        Some(Timeline::Immediate),
        None,
    );
    assert_eq!(score(&nobody, None).unwrap().rank, Rank::NeedInformation);
    // A timeline cannot be both hot and too early.
    let both: ScoringConfig = toml::from_str(r#"hot_timelines = ["researching"]"#).unwrap();
    assert!(both.validate().unwrap_err().contains("hot_timelines"));
}

#[test]
fn timeline_is_the_main_value_driver() {
    let rank = |t: Option<Timeline>| {
        let u = lead_msg(full_contact(), Some("heat pump"), t, None);
        score(&u, None).unwrap()
    };
    let immediate = rank(Some(Timeline::Immediate));
    let soon = rank(Some(Timeline::Within3Months));
    let mid = rank(Some(Timeline::ThreeTo6Months));
    let unknown = rank(None);
    let researching = rank(Some(Timeline::Researching));
    assert!(immediate.points > mid.points && mid.points > unknown.points);
    assert!(soon.points > mid.points);
    assert!(unknown.points > researching.points);
    assert_eq!(mid.rank, Rank::HighPotential, "{}", why(&mid));
    assert_eq!(unknown.rank, Rank::LowPotential, "{}", why(&unknown));
    assert_eq!(researching.rank, Rank::NeedNurturing);
    assert_eq!(rank(Some(Timeline::Over12Months)).rank, Rank::NeedNurturing);
    assert!(
        unknown
            .reasons
            .iter()
            .any(|r| r.points < 0 && r.why.contains("no purchase timeline"))
    );
}

#[test]
fn company_and_fleet_size_add_points() {
    let base = lead_msg(
        full_contact(),
        Some("telematics"),
        Some(Timeline::Within3Months),
        None,
    );
    let fleet = lead_msg(
        full_contact(),
        Some("telematics"),
        Some(Timeline::Within3Months),
        Some("We operate a fleet of 40 trucks across the state."),
    );
    let big = lead_msg(
        contact(
            Some("k.tanaka@example.jp"),
            None,
            Some("田中 健"),
            Some("株式会社サンプル"),
        ),
        Some("勤怠管理システム"),
        Some(Timeline::Within3Months),
        Some("社員数：1,200名の会社です。"),
    );
    let de = lead_msg(
        contact(Some("j.weber@example.de"), None, None, None),
        Some("Wärmepumpe"),
        None,
        Some("Wir sind ein Großunternehmen mit Standorten in ganz Bayern."),
    );
    let (b, f) = (score(&base, None).unwrap(), score(&fleet, None).unwrap());
    assert_eq!(f.points - b.points, 20, "{}", why(&f));
    assert_eq!(f.rank, Rank::Hot);
    assert!(why(&score(&big, None).unwrap()).contains("large organisation"));
    assert!(why(&score(&de, None).unwrap()).contains("Großunternehmen"));
}

#[test]
fn missing_contact_or_interest_needs_information() {
    let no_contact = lead_msg(
        contact(None, None, Some("Sam"), None),
        Some("roof repair"),
        Some(Timeline::Immediate),
        None,
    );
    let s = score(&no_contact, None).unwrap();
    assert_eq!(s.rank, Rank::NeedInformation);
    assert!(why(&s).contains("no reachable contact"));
    let phone_only = lead_msg(
        contact(None, Some("030 1234567"), None, None),
        None,
        Some(Timeline::Immediate),
        None,
    );
    let s = score(&phone_only, None).unwrap();
    assert_eq!(s.rank, Rank::NeedInformation);
    assert!(why(&s).contains("no purchase interest"));
    assert!(!qualify(&phone_only, None).qualified);
    assert!(
        qualify(&no_contact, None)
            .reason
            .unwrap()
            .contains("reachable")
    );
    // The extractor's verdict counts even when a (relay) address is present.
    let mut relayed = lead_msg(
        contact(Some("noreply@leads.example"), None, Some("Sam"), None),
        Some("roof repair"),
        Some(Timeline::Immediate),
        None,
    );
    relayed.leads[0].unqualified = Some("no reachable contact".to_string());
    assert_eq!(score(&relayed, None).unwrap().rank, Rank::NeedInformation);
    assert_eq!(
        qualify(&relayed, None).reason.as_deref(),
        Some("no reachable contact")
    );
}

#[test]
fn partner_sourced_leads_rank_partner_by_rule_or_list() {
    let mut u = lead_msg(
        full_contact(),
        Some("EV chargers"),
        Some(Timeline::Immediate),
        None,
    );
    u.provider = Some("installer-network".to_string());
    u.leads[0].source = "rule:installer-network".to_string();
    assert_eq!(
        score(&u, None).unwrap().rank,
        Rank::Hot,
        "not a partner by default"
    );
    let rule = ProviderRule {
        name: "installer-network".to_string(),
        sender: vec!["@installers.example".to_string()],
        partner: true,
        ..ProviderRule::default()
    };
    let cfg = ScoringConfig::default().with_partner_rules(&[rule]);
    let s = score_with(&u, None, &cfg).unwrap();
    assert_eq!(s.rank, Rank::Partner);
    assert!(why(&s).contains("partner-sourced"));
    let listed: ScoringConfig =
        toml::from_str(r#"partner_providers = ["Installer-Network"]"#).unwrap();
    assert_eq!(score_with(&u, None, &listed).unwrap().rank, Rank::Partner);
}

#[test]
fn configured_products_and_providers_change_the_score() {
    let cfg: ScoringConfig = toml::from_str(
        r#"
        providers = { formspree = -10, "Premium Leads" = 15 }
        [thresholds]
        hot = 80
        [[interest.products]]
        name = "storage"
        keywords = ["battery", "Speicher", "蓄電池"]
        points = 25
        "#,
    )
    .expect("scoring config parses");
    cfg.validate().unwrap();
    assert_eq!(
        cfg.interest.products,
        vec![Product {
            name: "storage".into(),
            keywords: vec!["battery".into(), "Speicher".into(), "蓄電池".into()],
            points: 25
        }]
    );
    let u = lead_msg(
        full_contact(),
        Some("Solar + battery backup"),
        Some(Timeline::Immediate),
        None,
    );
    let default = score(&u, None).unwrap();
    let tuned = score_with(&u, None, &cfg).unwrap();
    assert_eq!(tuned.points - default.points, 25 - 10, "{}", why(&tuned));
    assert!(why(&tuned).contains("interest fits product storage (battery)"));
    assert_eq!(tuned.rank, Rank::Hot);
    let typo = toml::from_str::<ScoringConfig>("thresholds = { hott = 80 }");
    assert!(typo.is_err(), "unknown keys are rejected");
}

#[test]
fn reply_intent_decides_reply_rank() {
    let c = contact(
        Some("sam@example.com"),
        Some("+44 20 7946 0000"),
        Some("Sam Lee"),
        Some("Lee & Co"),
    );
    let interested = score(
        &reply_msg(Some(Intent::Interested), "Yes, let's talk!", c.clone()),
        None,
    )
    .unwrap();
    assert_eq!(interested.rank, Rank::Hot, "{}", why(&interested));
    let question = score(
        &reply_msg(Some(Intent::Question), "What does it cost?", c.clone()),
        None,
    )
    .unwrap();
    assert!(matches!(question.rank, Rank::HighPotential | Rank::Hot));
    let later = score(
        &reply_msg(Some(Intent::NotNow), "Ask me after the summer", c.clone()),
        None,
    )
    .unwrap();
    assert_eq!(later.rank, Rank::NeedNurturing);
    let unclear = score(&reply_msg(None, "Hmm.", c.clone()), None).unwrap();
    assert_eq!(unclear.rank, Rank::NeedInformation);
    assert_eq!(
        score(
            &reply_msg(Some(Intent::NotInterested), "No thanks", c.clone()),
            None
        ),
        None
    );
    assert_eq!(
        score(
            &reply_msg(Some(Intent::Unsubscribe), "Remove me", c.clone()),
            None
        ),
        None
    );
    let bare = score(
        &reply_msg(
            Some(Intent::Interested),
            "Sounds good",
            contact(Some("x@example.com"), None, None, None),
        ),
        None,
    )
    .unwrap();
    let engaged = score_engaged(
        &reply_msg(
            Some(Intent::Interested),
            "Sounds good",
            contact(Some("x@example.com"), None, None, None),
        ),
        None,
        &ScoringConfig::default(),
        Engagement { replies: 9 },
    )
    .unwrap();
    assert_eq!(engaged.points - bare.points, 15, "engagement is capped");
}

#[test]
fn noise_is_not_scored_and_csv_leads_are_scored_one_by_one() {
    for kind in [Kind::Bounce, Kind::AutoReply, Kind::Other] {
        assert_eq!(score(&understanding(kind), None), None);
        assert!(!qualify(&understanding(kind), None).qualified);
    }
    let mut u = lead_msg(
        full_contact(),
        Some("solar"),
        Some(Timeline::Immediate),
        None,
    );
    u.leads.push(Lead {
        contact: contact(Some("b@example.com"), None, None, None),
        interest: Some("solar".into()),
        timeline: Some(Timeline::Researching),
        ..Lead::default()
    });
    assert_eq!(score(&u, Some(0)).unwrap().rank, Rank::Hot);
    assert_eq!(score(&u, Some(1)).unwrap().rank, Rank::NeedNurturing);
    assert_eq!(score(&u, Some(2)), None);
}

#[test]
fn hostile_huge_message_scores_quickly_without_panic() {
    let body = "fleet of ".repeat(200_000) + &"ä1,".repeat(100_000);
    let u = lead_msg(
        full_contact(),
        Some(&"x".repeat(100_000)),
        None,
        Some(&body),
    );
    let s = score(&u, None).unwrap();
    assert!(s.reasons.iter().all(|r| r.why.chars().count() < 200));
}

// ---------------------------------------------------------------- conversion

#[test]
fn response_becomes_lead_then_opportunity() {
    let u = lead_msg(
        full_contact(),
        Some("solar"),
        Some(Timeline::Within3Months),
        None,
    );
    let received = at("2025-03-04T09:00:00Z");
    let response = Response::capture(ResponseId("r-1".into()), received, &u, None);
    assert!(response.qualification.qualified);
    let s = score(&u, None).unwrap();
    let lead = LeadRecord::open(&response, Some(s.rank), s.points).unwrap();
    assert_eq!(lead.ownership, Ownership::Unclaimed { since: received });
    let stages = SalesStages::default();
    stages.validate().unwrap();
    let draft = OpportunityDraft {
        revenue: Money {
            minor_units: 1_200_000,
            currency: "EUR".into(),
        },
        expected_close: "2025-06-30".parse().unwrap(),
        stage: Some("proposal".into()),
    };
    let (converted, opp) = lead
        .convert("Dana", at("2025-03-04T10:00:00Z"), draft, &stages)
        .unwrap();
    assert_eq!(converted.status, LeadStatus::Converted);
    assert_eq!(converted.ownership.owner(), Some("Dana"));
    assert_eq!(opp.win_probability, 50);
    assert_eq!(opp.weighted_minor_units(), 600_000);
    let (won, outcome) = opp.advance("won", &stages).unwrap();
    assert_eq!((won.win_probability, outcome), (100, Some(Outcome::Won)));
    assert!(
        converted.close(Outcome::Lost).is_err(),
        "a converted lead is not closed again"
    );
    // Stored in sled as JSON: everything round-trips.
    let text = serde_json::to_string(&(&response, &converted, &opp)).unwrap();
    let back: (
        Response,
        LeadRecord,
        carousel::qualify::conversion::Opportunity,
    ) = serde_json::from_str(&text).unwrap();
    assert_eq!(back, (response, converted, opp));
    assert!(text.contains(r#""state":"owned""#) && text.contains("2025-06-30"));
}

#[test]
fn unqualified_response_is_kept_but_opens_no_lead() {
    let u = lead_msg(
        contact(None, None, Some("Anon"), None),
        Some("solar"),
        None,
        None,
    );
    let response = Response::capture(
        ResponseId("r-2".into()),
        at("2025-03-04T09:00:00Z"),
        &u,
        None,
    );
    assert!(!response.qualification.qualified);
    let err = LeadRecord::open(&response, None, 0).unwrap_err();
    assert!(err.to_string().contains("reachable"), "{err}");
    let stages: SalesStages = toml::from_str(
        r#"stages = [{ name = "new", probability = 5 }, { name = "done", probability = 100, closes = "won" }]"#,
    )
    .unwrap();
    assert_eq!(stages.first_open(), "new");
}

// ---------------------------------------------------------------- distribution

/// Tuesday 2025-03-04, 10:00 in Berlin.
const TUESDAY_MORNING_BERLIN: &str = "2025-03-04T09:00:00Z";

fn berlin(name: &str) -> Rep {
    Rep {
        time_zone: "Europe/Berlin".into(),
        ..Rep::new(name, &format!("{}@acme.example", name.to_lowercase()))
    }
}

fn distribute(
    reps: &[Rep],
    team: &Team,
    n: usize,
    now: Timestamp,
) -> (Vec<usize>, DistributionState) {
    let mut state = DistributionState::default();
    let mut counts = vec![0; reps.len()];
    for _ in 0..n {
        let pick = pick_rep(reps, &state, &LeadFacts::default(), now, team);
        let i = pick.rep().expect("push mode always picks a rep");
        counts[i] += 1;
        state.record(reps, &pick);
    }
    (counts, state)
}

#[test]
fn round_robin_skips_rep_on_leave_and_splits_thirty_leads_fifteen_fifteen() {
    let mut cleo = berlin("Cleo");
    cleo.days_off = vec!["2025-03-03..2025-03-14".into()];
    let reps = [berlin("Anna"), berlin("Ben"), cleo];
    let (counts, state) = distribute(&reps, &Team::default(), 30, at(TUESDAY_MORNING_BERLIN));
    assert_eq!(counts, vec![15, 15, 0]);
    assert_eq!(state.open_leads_of("Anna"), 15);
    let pick = pick_rep(
        &reps,
        &state,
        &LeadFacts::default(),
        at(TUESDAY_MORNING_BERLIN),
        &Team::default(),
    );
    assert!(
        pick.reasons
            .iter()
            .any(|r| r.contains("Cleo skipped: day off (2025-03-03..2025-03-14)")),
        "{:?}",
        pick.reasons
    );
    // After the leave Cleo is back in the rotation.
    let (counts, _) = distribute(&reps, &Team::default(), 30, at("2025-03-18T09:00:00Z"));
    assert_eq!(counts, vec![10, 10, 10]);
}

#[test]
fn capacity_limits_are_respected_and_nobody_is_dropped() {
    let mut anna = berlin("Anna");
    anna.max_open_leads = Some(2);
    let mut ben = berlin("Ben");
    ben.max_open_leads = Some(3);
    let reps = [anna, ben];
    let team = Team {
        strategy: Strategy::Capacity,
        ..Team::default()
    };
    let (counts, state) = distribute(&reps, &team, 5, at(TUESDAY_MORNING_BERLIN));
    assert_eq!(counts, vec![2, 3]);
    let pick = pick_rep(
        &reps,
        &state,
        &LeadFacts::default(),
        at(TUESDAY_MORNING_BERLIN),
        &team,
    );
    assert!(
        pick.reasons
            .iter()
            .any(|r| r == "Anna skipped: at capacity (2/2 open leads)")
    );
    assert!(
        pick.reasons
            .iter()
            .any(|r| r.starts_with("nobody available: fell back to least-loaded rep Anna")),
        "{:?}",
        pick.reasons
    );
    assert_eq!(pick.rep(), Some(0));
    // Round robin honours the limits too.
    let (counts, _) = distribute(&reps, &Team::default(), 5, at(TUESDAY_MORNING_BERLIN));
    assert_eq!(counts, vec![2, 3]);
}

#[test]
fn capacity_strategy_prefers_the_least_loaded_rep() {
    let reps = [berlin("Anna"), berlin("Ben"), berlin("Cleo")];
    let mut state = DistributionState::default();
    state.open_leads.insert("Anna".into(), 4);
    state.open_leads.insert("Ben".into(), 1);
    state.open_leads.insert("Cleo".into(), 3);
    let team = Team {
        strategy: Strategy::Capacity,
        ..Team::default()
    };
    let pick = pick_rep(
        &reps,
        &state,
        &LeadFacts::default(),
        at(TUESDAY_MORNING_BERLIN),
        &team,
    );
    assert_eq!(pick.rep(), Some(1), "{:?}", pick.reasons);
}

#[test]
fn territory_routing_longest_prefix_wins_then_round_robin() {
    let mut anna = berlin("Anna");
    anna.territories = vec!["80".into(), "81".into()];
    let mut ben = berlin("Ben");
    ben.territories = vec!["DE:803".into()];
    let mut carl = berlin("Carl");
    carl.territories = vec!["AT".into(), "CH".into()];
    let (dora, emil) = (berlin("Dora"), berlin("Emil"));
    let reps = [anna, ben, carl, dora, emil];
    let team = Team {
        strategy: Strategy::Territory,
        ..Team::default()
    };
    let now = at(TUESDAY_MORNING_BERLIN);
    let state = DistributionState::default();
    let to = |postcode: Option<&str>, country: Option<&str>| {
        let lead = LeadFacts {
            postcode: postcode.map(Into::into),
            country: country.map(Into::into),
        };
        pick_rep(&reps, &state, &lead, now, &team)
    };
    assert_eq!(to(Some("80331"), Some("Germany")).rep(), Some(1));
    assert_eq!(
        to(Some("80331"), Some("Austria")).rep(),
        Some(0),
        "DE:803 needs Germany"
    );
    assert_eq!(to(Some("81245"), Some("DE")).rep(), Some(0));
    assert_eq!(to(Some("1010"), Some("Österreich")).rep(), Some(2));
    let elsewhere = to(Some("10115"), Some("DE"));
    assert_eq!(
        elsewhere.rep(),
        Some(3),
        "generalists take the rest: {:?}",
        elsewhere.reasons
    );
    assert!(
        elsewhere
            .reasons
            .iter()
            .any(|r| r.contains("round robin among the rest"))
    );
    // Ben on leave: the next best territory (Anna's "80") takes Munich.
    let mut away = reps.clone();
    away[1].days_off = vec!["2025-03-04".into()];
    let lead = LeadFacts {
        postcode: Some("80331".into()),
        country: Some("DE".into()),
    };
    assert_eq!(pick_rep(&away, &state, &lead, now, &team).rep(), Some(0));
}

#[test]
fn working_hours_follow_each_reps_time_zone() {
    let tokyo = Rep {
        time_zone: "Asia/Tokyo".into(),
        ..Rep::new("Kenji", "kenji@acme.example")
    };
    let new_york = Rep {
        time_zone: "America/New_York".into(),
        ..Rep::new("Olivia", "olivia@acme.example")
    };
    let reps = [tokyo, new_york];
    let team = Team::default();
    let state = DistributionState::default();
    let lead = LeadFacts::default();
    // 01:00Z Tue = 10:00 Tue in Tokyo, 20:00 Mon in New York.
    let pick = pick_rep(&reps, &state, &lead, at("2025-03-04T01:00:00Z"), &team);
    assert_eq!(pick.rep(), Some(0), "{:?}", pick.reasons);
    assert!(
        pick.reasons
            .iter()
            .any(|r| r
                .contains("Olivia skipped: outside working hours (Mon 20:00 America/New_York)")),
        "{:?}",
        pick.reasons
    );
    // 15:00Z Tue = 00:00 Wed in Tokyo, 10:00 Tue in New York.
    assert_eq!(
        pick_rep(&reps, &state, &lead, at("2025-03-04T15:00:00Z"), &team).rep(),
        Some(1)
    );
    // Saturday for both: nobody works, the least-loaded rep still gets it.
    let mut busy = DistributionState::default();
    busy.open_leads.insert("Kenji".into(), 3);
    let weekend = pick_rep(&reps, &busy, &lead, at("2025-03-08T15:00:00Z"), &team);
    assert_eq!(weekend.rep(), Some(1));
    assert!(
        weekend
            .reasons
            .iter()
            .any(|r| r.contains("not a working day"))
    );
    assert!(
        weekend
            .reasons
            .iter()
            .any(|r| r.starts_with("nobody available"))
    );
    // Hot leads may ignore working hours when configured.
    let anytime = Team {
        respect_working_hours: false,
        ..Team::default()
    };
    let (counts, _) = distribute(&reps, &anytime, 4, at("2025-03-04T01:00:00Z"));
    assert_eq!(counts, vec![2, 2]);
}

#[test]
fn pull_claim_first_reply_wins_and_the_loser_learns_the_owner() {
    let team = Team {
        mode: Mode::Pull,
        team_inbox: Some("sales-team@acme.example".into()),
        ..Team::default()
    };
    let reps = [berlin("Anna"), berlin("Ben")];
    let pick = pick_rep(
        &reps,
        &DistributionState::default(),
        &LeadFacts::default(),
        at(TUESDAY_MORNING_BERLIN),
        &team,
    );
    assert_eq!(
        pick.assignee,
        Assignee::TeamInbox("sales-team@acme.example".into())
    );
    let lead = Ownership::Unclaimed {
        since: at("2025-03-04T09:00:00Z"),
    };
    let first = claim(&lead, "Ben", at("2025-03-04T09:01:10Z"));
    let ClaimOutcome::Claimed(owned) = first else {
        panic!("first claim wins: {first:?}")
    };
    let second = claim(&owned, "Anna", at("2025-03-04T09:01:12Z"));
    assert_eq!(
        second,
        ClaimOutcome::AlreadyClaimedBy {
            owner: "Ben".into(),
            since: at("2025-03-04T09:01:10Z")
        }
    );
    assert!(
        second
            .loser_notice()
            .unwrap()
            .contains("already claimed by Ben")
    );
    assert_eq!(
        claim(&owned, "Ben", at("2025-03-04T09:05:00Z")),
        ClaimOutcome::Claimed(owned.clone())
    );
}

#[test]
fn escalation_goes_to_the_next_rep_then_the_manager_after_the_sla() {
    let mut mia = berlin("Mia");
    mia.manager = true;
    let reps = [berlin("Anna"), berlin("Ben"), berlin("Cleo"), mia];
    let team = Team::default();
    let state = DistributionState::default();
    let lead = LeadFacts::default();
    let notified = at("2025-03-04T09:00:00Z");
    let tried = vec!["Anna".to_string()];
    let early = escalate(
        &reps,
        &state,
        &lead,
        at("2025-03-04T09:04:59Z"),
        &team,
        notified,
        &tried,
    );
    assert_eq!(
        early.step,
        EscalationStep::Wait {
            due: at("2025-03-04T09:05:00Z")
        }
    );
    let late = at("2025-03-04T09:05:00Z");
    let next = escalate(&reps, &state, &lead, late, &team, notified, &tried);
    assert_eq!(next.step, EscalationStep::NextRep(1), "{:?}", next.reasons);
    let tried = vec!["Anna".to_string(), "Ben".to_string()];
    let boss = escalate(&reps, &state, &lead, late, &team, notified, &tried);
    assert_eq!(boss.step, EscalationStep::Manager(3), "{:?}", boss.reasons);
    let tried = vec!["Anna".to_string(), "Ben".to_string(), "Mia".to_string()];
    assert_eq!(
        escalate(&reps, &state, &lead, late, &team, notified, &tried).step,
        EscalationStep::Exhausted
    );
    // A configured escalation address beats the manager flag.
    let to_desk = Team {
        escalate_to: Some("sales-desk@acme.example".into()),
        reps_before_manager: 1,
        ..Team::default()
    };
    let desk = escalate(
        &reps,
        &state,
        &lead,
        late,
        &to_desk,
        notified,
        &["Anna".to_string()],
    );
    assert_eq!(
        desk.step,
        EscalationStep::Address("sales-desk@acme.example".into())
    );
    // Managers are not in the regular rotation.
    let (counts, _) = distribute(&reps, &Team::default(), 6, at(TUESDAY_MORNING_BERLIN));
    assert_eq!(counts, vec![2, 2, 2, 0]);
}

#[test]
fn rep_and_team_config_parse_with_defaults_and_reject_typos() {
    #[derive(serde::Deserialize)]
    struct File {
        rep: Vec<Rep>,
        team: Team,
    }
    let file: File = toml::from_str(
        r#"
        [team]
        mode = "pull"
        strategy = "territory"
        team_inbox = "sales@acme.example"
        [[rep]]
        name = "Dana"
        email = "dana@acme.example"
        [[rep]]
        name = "Kenji"
        email = "kenji@acme.example"
        time_zone = "Asia/Tokyo"
        working_hours = "10:00-19:00"
        working_days = ["mon-thu", "sat"]
        days_off = ["2025-05-03..2025-05-06"]
        territories = ["JP"]
        max_open_leads = 20
        "#,
    )
    .unwrap();
    assert_eq!(file.rep[0], Rep::new("Dana", "dana@acme.example"));
    assert_eq!(file.team.sla_seconds, 300);
    assert!(file.team.respect_working_hours);
    carousel::route::validate(&file.rep, &file.team).unwrap();
    let typo = toml::from_str::<File>(
        "team = {}\n[[rep]]\nname = \"A\"\nemail = \"a@x.example\"\nterritory = [\"DE\"]\n",
    );
    assert!(typo.is_err());
    let mut bad = file.rep.clone();
    bad[1].working_hours = "9am to 5pm".into();
    let err = carousel::route::validate(&bad, &file.team).unwrap_err();
    assert!(err.contains("rep[1] (Kenji): working_hours"), "{err}");
}

#[test]
fn without_reps_the_lead_goes_to_the_team_inbox_or_says_why_not() {
    let now = at(TUESDAY_MORNING_BERLIN);
    let state = DistributionState::default();
    let lead = LeadFacts::default();
    let none = pick_rep(&[], &state, &lead, now, &Team::default());
    assert_eq!(none.assignee, Assignee::Unassigned);
    assert_eq!(none.reasons, vec!["no reps configured".to_string()]);
    let team = Team {
        team_inbox: Some("sales@acme.example".into()),
        ..Team::default()
    };
    let inbox = pick_rep(&[], &state, &lead, now, &team);
    assert_eq!(
        inbox.assignee,
        Assignee::TeamInbox("sales@acme.example".into())
    );
}
