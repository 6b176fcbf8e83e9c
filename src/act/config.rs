//! The act stage's settings: `[act]` ([`ActConfig`]) and [`ActSettings`],
//! the slice of the whole configuration the stage receives.

use super::*;

/// What the act stage receives from the configuration
/// (`Config::act_settings`): `[act]`, the reps and team, scoring (with the
/// partner provider rules folded in), the sales stages, the nurture tables
/// it enrolls into, and the few values it borrows from `[limits]` and
/// `[outbox]`. Field names follow the config file's tables.
#[derive(Debug, Clone, Default)]
pub struct ActSettings {
    pub act: ActConfig,
    pub rep: Vec<route::Rep>,
    pub team: route::Team,
    pub scoring: ScoringConfig,
    pub sales: crate::qualify::conversion::SalesStages,
    pub nurture: crate::nurture::sequence::NurtureConfig,
    pub sequence: Vec<toml::Spanned<crate::nurture::sequence::SequenceConfig>>,
    /// `[limits] max_rep_notifications_per_hour`.
    pub max_rep_notifications_per_hour: u32,
    /// `[outbox] message_id_domain`, when there is an outbox.
    pub message_id_domain: Option<String>,
    /// The config file's directory: relative paths resolve against it.
    pub base_dir: std::path::PathBuf,
}

impl ActSettings {
    /// Scoring settings, partner provider rules included.
    pub fn scoring(&self) -> ScoringConfig {
        self.scoring.clone()
    }

    /// A path from the config, resolved against the config file's directory.
    pub fn resolve(&self, p: &std::path::Path) -> std::path::PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }
}

/// The `[act]` settings. Every key is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActConfig {
    /// Push notifications carry `Reply-To` = the prospect, so the rep
    /// answers in one click (default true).
    pub reply_to_prospect: bool,
    /// carousel's own watched address (one of the `[[mailbox]]`es): the
    /// Reply-To of pull notifications and team notes, so reps' replies —
    /// claims — come back to carousel.
    pub claim_address: Option<String>,
    /// Mailbox of the call-center queue (high_potential, need_information).
    pub call_center: Option<String>,
    /// CSV file the call-center queue is appended to (one row per lead).
    pub call_center_csv: Option<PathBuf>,
    /// Provider (case-insensitive) → partner address for partner leads.
    pub partners: BTreeMap<String, String>,
    /// Partner address when the provider has none in `partners`.
    pub partner_default: Option<String>,
    /// Subject template (minijinja) of the self-service reply.
    pub self_service_subject: String,
    /// Text template of the self-service reply; `name`, `interest` and
    /// `lead` are available.
    pub self_service_text: String,
    /// Nurture sequence for need_nurturing leads; the default sequence when unset.
    pub nurture_sequence: Option<String>,
    /// How often the stage looks for work besides being woken (default 1000 ms).
    pub tick_ms: u64,
}

impl Default for ActConfig {
    fn default() -> Self {
        ActConfig {
            reply_to_prospect: true,
            claim_address: None,
            call_center: None,
            call_center_csv: None,
            partners: BTreeMap::new(),
            partner_default: None,
            self_service_subject: "Your enquiry: {{ interest }}".into(),
            self_service_text:
                "Hello {{ name }},\n\nthank you for your interest in {{ interest }}.\n\
Prices, guides and answers to common questions are on our website.\n\
Reply to this email whenever you would like a person to contact you.\n"
                    .into(),
            nurture_sequence: None,
            tick_ms: 1000,
        }
    }
}
