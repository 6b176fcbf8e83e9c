//! ESP notices in JSON: Amazon SES bounce notifications delivered by SNS
//! email subscriptions (`{"notificationType":"Bounce", ...}`).

use serde_json::Value;

use super::{Bounce, status};

/// `None` when the text is not such a notice; `Some(empty)` for a complaint
/// or delivery notice (not a bounce); else one bounce per bounced recipient.
pub fn from_json(text: &str) -> Option<Vec<Bounce>> {
    if !text.contains("notificationType") && !text.contains("eventType") {
        return None;
    }
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let mut value = parse(text.get(start..=end)?)?;
    // An SNS envelope carries the SES notice as a JSON string in "Message".
    if let Some(inner) = value.get("Message").and_then(Value::as_str) {
        value = parse(inner)?;
    }
    let kind = value
        .get("notificationType")
        .or_else(|| value.get("eventType"))?
        .as_str()?;
    if !kind.eq_ignore_ascii_case("bounce") {
        return Some(Vec::new());
    }
    let bounce = value.get("bounce")?;
    let transient = bounce
        .get("bounceType")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.eq_ignore_ascii_case("permanent"));
    let recipients = bounce.get("bouncedRecipients")?.as_array()?;
    let field = |r: &Value, name: &str| {
        r.get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|s| !s.is_empty())
    };
    let out = recipients
        .iter()
        .map(|r| {
            let diagnostic = field(r, "diagnosticCode");
            let status = field(r, "status")
                .filter(|s| status::enhanced_codes(s).next().is_some())
                .or_else(|| {
                    diagnostic
                        .as_deref()
                        .and_then(status::first_failure_code)
                        .map(str::to_string)
                });
            let action = field(r, "action");
            let (why, hard) = super::judge(
                status.as_deref(),
                action.as_deref(),
                diagnostic.as_deref().unwrap_or(""),
                &[],
                &super::mta::Writer::UNKNOWN,
            );
            Bounce {
                recipient: field(r, "emailAddress").map(|a| a.to_ascii_lowercase()),
                status,
                hard: hard && !transient,
                reason: Some(why.to_string()),
                action,
                diagnostic,
            }
        })
        .collect::<Vec<_>>();
    Some(out)
}

/// Parses JSON that a mail system may have folded at line ends.
fn parse(json: &str) -> Option<Value> {
    serde_json::from_str(json)
        .or_else(|_| serde_json::from_str(&json.replace("\n ", "")))
        .or_else(|_| serde_json::from_str(&json.replace('\n', "")))
        .ok()
}
