//! Chat alerts for hot leads, SLA escalations and claims, each in its
//! product's own format: Slack Block Kit, a Microsoft Teams Adaptive Card
//! (the Workflows / incoming-webhook "message" envelope), a Google Chat
//! card (cardsV2). Pure: event in, JSON body out.
//!
//! Everything a prospect wrote is untrusted: values are built as JSON
//! values (never spliced into text), bounded in length, and Slack's and
//! Google Chat's markup characters are escaped so a name cannot mention
//! `@channel` or smuggle a link.

use serde_json::{Value, json};

use super::ChatKind;
use super::presets::TemplateLead;
use crate::store::events::Event;

/// What a chat alert says, before formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub title: String,
    /// (label, value) pairs: name, company, interest, timeline, rank.
    pub facts: Vec<(&'static str, String)>,
    pub reasons: Vec<String>,
    /// How to claim: a link to the lead, or the claim address.
    pub claim_link: Option<String>,
    pub claim_hint: String,
}

/// Cuts to `max` characters (on a char boundary), one line.
fn bounded(s: &str, max: usize) -> String {
    let line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = line.trim();
    match line.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// The alert for an event; `lead_link` has `{id}` replaced by the lead id.
pub fn alert(event: &Event, lead_link: Option<&str>, claim_address: Option<&str>) -> Alert {
    let lead = TemplateLead::of(event);
    let who = if lead.name.trim().is_empty() {
        if lead.email.is_empty() {
            lead.id.clone()
        } else {
            lead.email.clone()
        }
    } else {
        lead.name.clone()
    };
    let rank = lead.rank.replace('_', " ");
    let title = match event.kind.as_str() {
        "lead.escalated" => format!("SLA escalation: {rank} lead {who} is still unclaimed"),
        "lead.claimed" => format!("{} claimed {rank} lead {who}", lead.owner),
        _ => format!("New {rank} lead: {who}"),
    };
    let or_dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            bounded(s, 300)
        }
    };
    let facts = vec![
        ("Name", or_dash(&lead.name)),
        ("Company", or_dash(&lead.company)),
        ("Interest", or_dash(&lead.interest)),
        ("Timeline", or_dash(&lead.timeline.replace('_', " "))),
        ("Rank", or_dash(&rank)),
        ("Email", or_dash(&lead.email)),
        ("Phone", or_dash(&lead.phone)),
    ];
    let claim_link = lead_link
        .filter(|_| !lead.id.is_empty())
        .map(|l| l.replace("{id}", &lead.id));
    let claim_hint = match (event.kind.as_str(), claim_address) {
        ("lead.claimed", _) => format!("Lead {} is taken.", lead.id),
        (_, Some(address)) => format!(
            "Claim lead {}: reply to its notification email ({address}).",
            lead.id
        ),
        _ => format!("Claim lead {}: reply to its notification email.", lead.id),
    };
    Alert {
        title: bounded(&title, 140),
        facts,
        reasons: lead
            .reasons
            .iter()
            .take(8)
            .map(|r| bounded(r, 200))
            .collect(),
        claim_link,
        claim_hint,
    }
}

/// Slack mrkdwn: `&`, `<` and `>` are the control characters.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Google Chat text widgets read a small HTML subset.
fn html_escape(s: &str) -> String {
    slack_escape(s).replace('"', "&quot;")
}

/// The body for one chat product.
pub fn body(kind: ChatKind, alert: &Alert) -> Value {
    match kind {
        ChatKind::Slack => slack(alert),
        ChatKind::Teams => teams(alert),
        ChatKind::GoogleChat => google_chat(alert),
    }
}

fn slack(a: &Alert) -> Value {
    let fields: Vec<Value> = a
        .facts
        .iter()
        .map(|(label, value)| {
            json!({"type": "mrkdwn", "text": format!("*{label}*\n{}", slack_escape(value))})
        })
        .collect();
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": a.title, "emoji": true}}),
        // Slack allows at most 10 fields per section.
        json!({"type": "section", "fields": fields.into_iter().take(10).collect::<Vec<_>>()}),
    ];
    if !a.reasons.is_empty() {
        let lines: Vec<String> = a
            .reasons
            .iter()
            .map(|r| format!("• {}", slack_escape(r)))
            .collect();
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": format!("*Why*\n{}", lines.join("\n"))}}));
    }
    blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(&a.claim_hint)}]}));
    if let Some(link) = &a.claim_link {
        blocks.push(json!({"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Open lead"}, "url": link, "style": "primary"}]}));
    }
    // The top-level text (notifications) is mrkdwn: escaped; the header is plain text.
    json!({ "text": slack_escape(&a.title), "blocks": blocks })
}

fn teams(a: &Alert) -> Value {
    let facts: Vec<Value> = a
        .facts
        .iter()
        .map(|(label, value)| json!({"title": label, "value": value}))
        .collect();
    let mut body = vec![
        json!({"type": "TextBlock", "text": a.title, "weight": "Bolder", "size": "Medium", "wrap": true}),
        json!({"type": "FactSet", "facts": facts}),
    ];
    if !a.reasons.is_empty() {
        body.push(json!({"type": "TextBlock", "text": format!("Why: {}", a.reasons.join("; ")), "wrap": true, "isSubtle": true}));
    }
    body.push(json!({"type": "TextBlock", "text": a.claim_hint, "wrap": true}));
    let actions: Vec<Value> = a
        .claim_link
        .iter()
        .map(|link| json!({"type": "Action.OpenUrl", "title": "Open lead", "url": link}))
        .collect();
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": actions,
            }
        }]
    })
}

fn google_chat(a: &Alert) -> Value {
    let mut widgets: Vec<Value> = a
        .facts
        .iter()
        .map(|(label, value)| json!({"decoratedText": {"topLabel": label, "text": html_escape(value)}}))
        .collect();
    if !a.reasons.is_empty() {
        let lines: Vec<String> = a.reasons.iter().map(|r| html_escape(r)).collect();
        widgets.push(
            json!({"textParagraph": {"text": format!("<b>Why</b><br>{}", lines.join("<br>"))}}),
        );
    }
    widgets.push(json!({"textParagraph": {"text": html_escape(&a.claim_hint)}}));
    if let Some(link) = &a.claim_link {
        widgets.push(json!({"buttonList": {"buttons": [{"text": "Open lead", "onClick": {"openLink": {"url": link}}}]}}));
    }
    json!({
        "text": a.title,
        "cardsV2": [{
            "cardId": "carousel-lead",
            "card": {
                "header": {"title": a.title},
                "sections": [{"widgets": widgets}],
            }
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hot() -> Event {
        Event::new(
            "lead.created",
            "L-7",
            json!({"id": "L-7", "rank": "hot", "owner": null,
                   "lead": {"contact": {"name": "<!channel> Sam & Co", "company": "Acme"},
                            "interest": "Solar", "timeline": "within_3_months"},
                   "reasons": [{"points": 30, "why": "timeline within 3 months"}]}),
        )
    }

    #[test]
    fn slack_alert_escapes_mentions_and_names_the_lead() {
        let a = alert(&hot(), Some("https://c.example/leads/{id}"), None);
        let v = body(ChatKind::Slack, &a);
        let text = v.to_string();
        assert!(
            !v["text"].as_str().unwrap().contains("<!channel>"),
            "{text}"
        );
        assert!(!v["blocks"][1].to_string().contains("<!channel>"), "{text}");
        assert!(text.contains("&lt;!channel&gt; Sam &amp; Co"));
        assert_eq!(v["blocks"][0]["type"], "header");
        assert!(text.contains("https://c.example/leads/L-7"));
        assert!(a.title.contains("hot"));
    }

    #[test]
    fn teams_and_google_chat_use_their_own_card_formats() {
        let a = alert(&hot(), None, Some("leads@acme.example"));
        let t = body(ChatKind::Teams, &a);
        assert_eq!(
            t["attachments"][0]["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
        assert_eq!(t["attachments"][0]["content"]["type"], "AdaptiveCard");
        let g = body(ChatKind::GoogleChat, &a);
        assert!(g["cardsV2"][0]["card"]["sections"].is_array());
        assert!(g.to_string().contains("leads@acme.example"));
    }
}
