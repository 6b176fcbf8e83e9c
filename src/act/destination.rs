//! Where a lead goes, decided from its rank and what is configured — before
//! any rep is picked. Pure, so the rule "routing never strands a lead" is
//! unit-tested here: a destination that is not configured (call center,
//! partner) or cannot work (nurture without an email address) falls back to
//! sales — the team inbox, else the next rep — with a reason the notification
//! and the contact's interactions carry. A lead carousel read without
//! confidence (`needs_review`) goes to sales whatever its rank, with its
//! review reasons, so a person checks it.

use crate::qualify::Rank;

/// What the act stage knows when it decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Situation {
    /// The extractor's review reasons (empty: read confidently).
    pub review: Vec<String>,
    /// Why the response does not qualify as a lead, if it does not.
    pub unqualified: Option<String>,
    pub has_email: bool,
    pub has_phone: bool,
    /// `[act] call_center` or `call_center_csv` is set.
    pub call_center: bool,
    /// The partner address for this lead, if one is configured.
    pub partner: Option<String>,
}

/// Why a lead goes to sales although its rank says otherwise: a short label
/// (the notification's subject tag and `notice.why`) and the full sentence
/// (a 0-point reason line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    pub label: String,
    pub detail: String,
}

/// The destination of a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A rep or the team inbox; `fallback` says why when the rank is not hot.
    Sales {
        fallback: Option<Fallback>,
    },
    CallCenter,
    SelfService,
    Partner {
        to: String,
    },
    Nurture,
}

fn sales(label: &str, detail: String) -> Destination {
    Destination::Sales {
        fallback: Some(Fallback {
            label: label.to_string(),
            detail,
        }),
    }
}

/// Decides where a lead of `rank` goes in `situation`.
pub fn decide(rank: Rank, situation: &Situation) -> Destination {
    if !situation.review.is_empty() {
        return sales(
            "needs review",
            format!(
                "needs review: {} — a person should check what carousel read",
                situation.review.join("; ")
            ),
        );
    }
    let reachable = situation.has_email || situation.has_phone;
    if !reachable {
        let why = situation
            .unqualified
            .clone()
            .unwrap_or_else(|| "no reachable contact (email or phone)".to_string());
        return sales(
            "no reachable contact",
            format!("{why}: stored and sent to sales so a person can look"),
        );
    }
    let call_center_or_sales = |why: &str| {
        if situation.call_center {
            Destination::CallCenter
        } else {
            sales(
                "no call center configured",
                format!(
                    "{why}no call center configured ([act] call_center or call_center_csv): sent to sales instead"
                ),
            )
        }
    };
    match rank {
        Rank::Hot => Destination::Sales { fallback: None },
        Rank::HighPotential | Rank::NeedInformation => call_center_or_sales(""),
        Rank::LowPotential if situation.has_email => Destination::SelfService,
        // The self-service reply is an email: a phone-only lead needs a person.
        Rank::LowPotential => call_center_or_sales("low potential without an email address; "),
        Rank::Partner => match &situation.partner {
            Some(to) => Destination::Partner { to: to.clone() },
            None => call_center_or_sales("partner lead but no [act] partners / partner_default; "),
        },
        Rank::NeedNurturing if situation.has_email => Destination::Nurture,
        Rank::NeedNurturing => call_center_or_sales("nurture needs an email address; "),
    }
}

/// What is configured for routing, as `check` sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Setup {
    pub reps: usize,
    pub team_inbox: bool,
    pub call_center: bool,
    pub partners: bool,
    /// Partner providers are named in `[scoring]` or provider rules.
    pub partner_sources: bool,
}

/// The ranks with no destination of their own, and where their leads go
/// instead — what `carousel check` warns about. Empty when every rank has
/// a destination.
pub fn warnings(setup: &Setup) -> Vec<String> {
    let sales = match (setup.team_inbox, setup.reps) {
        (true, _) => Some("the team inbox"),
        (false, 0) => None,
        (false, _) => Some("the reps"),
    };
    let mut out = Vec::new();
    if sales.is_none() {
        out.push(
            "no [[rep]] and no [team] team_inbox: hot leads, and every lead that falls back to sales, notify nobody (they are kept and logged)"
                .to_string(),
        );
    }
    let sales = sales.unwrap_or("nobody");
    if !setup.call_center {
        out.push(format!(
            "no [act] call_center or call_center_csv: high_potential and need_information leads go to {sales}"
        ));
    }
    if setup.partner_sources && !setup.partners {
        out.push(format!(
            "partner providers are configured but no [act] partners / partner_default: partner leads go to {}",
            if setup.call_center { "the call center" } else { sales }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reachable() -> Situation {
        Situation {
            has_email: true,
            has_phone: true,
            ..Situation::default()
        }
    }

    fn label(d: &Destination) -> Option<&str> {
        match d {
            Destination::Sales {
                fallback: Some(f), ..
            } => Some(f.label.as_str()),
            _ => None,
        }
    }

    #[test]
    fn check_names_ranks_without_a_destination() {
        let bare = warnings(&Setup::default());
        assert!(bare[0].contains("notify nobody"), "{bare:?}");
        assert!(bare[1].ends_with("go to nobody"), "{bare:?}");
        let reps = warnings(&Setup {
            reps: 2,
            partner_sources: true,
            ..Setup::default()
        });
        assert_eq!(reps.len(), 2, "{reps:?}");
        assert!(reps[0].ends_with("go to the reps"));
        assert!(reps[1].ends_with("partner leads go to the reps"));
        let full = Setup {
            reps: 1,
            team_inbox: true,
            call_center: true,
            partners: true,
            partner_sources: true,
        };
        assert!(warnings(&full).is_empty());
    }

    #[test]
    fn high_potential_without_a_call_center_reaches_sales() {
        for rank in [Rank::HighPotential, Rank::NeedInformation] {
            let d = decide(rank, &reachable());
            assert_eq!(label(&d), Some("no call center configured"), "{rank:?}");
            let with = Situation {
                call_center: true,
                ..reachable()
            };
            assert_eq!(decide(rank, &with), Destination::CallCenter);
        }
    }

    #[test]
    fn needs_review_goes_to_sales_with_its_reasons_whatever_the_rank() {
        let s = Situation {
            review: vec![
                "name looks like a listing".into(),
                "two candidate emails".into(),
            ],
            call_center: true,
            ..reachable()
        };
        for rank in [
            Rank::Hot,
            Rank::LowPotential,
            Rank::NeedNurturing,
            Rank::Partner,
        ] {
            let Destination::Sales { fallback: Some(f) } = decide(rank, &s) else {
                panic!("{rank:?} must go to sales");
            };
            assert_eq!(f.label, "needs review");
            assert!(
                f.detail
                    .contains("name looks like a listing; two candidate emails")
            );
        }
    }

    #[test]
    fn unreachable_leads_are_shown_to_sales_never_dropped() {
        let s = Situation {
            unqualified: Some("only a relay address".into()),
            call_center: true,
            ..Situation::default()
        };
        let Destination::Sales { fallback: Some(f) } = decide(Rank::NeedInformation, &s) else {
            panic!("unreachable lead must go to sales");
        };
        assert!(f.detail.starts_with("only a relay address"), "{}", f.detail);
    }

    #[test]
    fn destinations_that_cannot_work_fall_back() {
        let phone_only = Situation {
            has_phone: true,
            ..Situation::default()
        };
        assert_eq!(
            label(&decide(Rank::NeedNurturing, &phone_only)),
            Some("no call center configured")
        );
        assert_eq!(
            label(&decide(Rank::LowPotential, &phone_only)),
            Some("no call center configured")
        );
        assert_eq!(
            label(&decide(Rank::Partner, &reachable())),
            Some("no call center configured")
        );
        let partner = Situation {
            partner: Some("leads@partner.example".into()),
            ..reachable()
        };
        assert_eq!(
            decide(Rank::Partner, &partner),
            Destination::Partner {
                to: "leads@partner.example".into()
            }
        );
        assert_eq!(
            decide(Rank::NeedNurturing, &reachable()),
            Destination::Nurture
        );
        assert_eq!(
            decide(Rank::LowPotential, &reachable()),
            Destination::SelfService
        );
        assert_eq!(
            decide(Rank::Hot, &reachable()),
            Destination::Sales { fallback: None }
        );
    }
}
