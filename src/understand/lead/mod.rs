//! Lead-provider emails: generic zero-config extraction of contact, interest
//! and purchase timeline, and provider rules from config.

use mail_parser::Message;
use serde::{Deserialize, Serialize};

use super::{Context, Envelope, Lead};

/// A provider rule from config: which senders it matches and how to read fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRule {
    pub name: String,
    /// Sender address or domain suffix (`leads@example.com`, `@formspree.io`).
    pub sender: Vec<String>,
    /// Field → regex with one capture group.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
    /// Counts as a partner-sourced lead.
    #[serde(default)]
    pub partner: bool,
}

/// What the lead extractor found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadExtraction {
    pub leads: Vec<Lead>,
    pub provider: Option<String>,
    /// Why nothing counts as a lead (junk, no form found).
    pub note: Option<String>,
}

/// Reads the leads a provider email carries; empty when it is not a lead email.
pub fn extract(_message: &Message<'_>, _envelope: &Envelope, _text: &str, _ctx: &Context) -> LeadExtraction {
    LeadExtraction::default()
}
