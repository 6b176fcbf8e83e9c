//! Carrying out a decided action, each step idempotent: notify the rep or
//! team inbox, queue the call-center or partner email (or the call-center
//! CSV row), send the self-service reply, or enroll the contact in nurture.

use super::*;

impl Act {
    /// Carries out a lead's decided action. Every step is idempotent.
    pub(super) fn effects(
        &self,
        mut record: LeadRecord,
        message: &MessageRecord,
    ) -> anyhow::Result<()> {
        let raw = self.store.raw(&message.key)?.unwrap_or_default();
        let original = Original::of(&raw);
        let contact = record.lead.contact.email.clone();
        let imported = crate::store::import_runs::is_imported(message);
        let summary = match &record.action.clone() {
            Action::SalesRep { rep } => {
                self.deliver(&mut record, &original, true)?;
                format!("routed to {rep}{}", fallback_note(&record))
            }
            Action::TeamInbox { inbox } => {
                self.deliver(&mut record, &original, true)?;
                format!("sent to team inbox {inbox}{}", fallback_note(&record))
            }
            Action::Unassigned => format!(
                "nobody to notify (no [[rep]] and no team_inbox configured){}",
                fallback_note(&record)
            ),
            Action::CallCenter => {
                let why = record
                    .reasons
                    .iter()
                    .rev()
                    .find(|r| r.points == 0)
                    .map_or_else(
                        || format!("score {}", record.lead.points),
                        |r| r.why.clone(),
                    );
                self.call_center(
                    &record.id,
                    &notify::facts(&record),
                    &why,
                    &record,
                    &original,
                )?;
                "queued for the call center".into()
            }
            Action::SelfService if imported => {
                "self-service reply skipped: imported, they did not write to us".into()
            }
            Action::SelfService => match self.self_service_target(&record, message)? {
                Some(to) => {
                    let (subject, text) = self.render_self_service(&record);
                    crate::outbox::enqueue(
                        &self.store,
                        self.mailer.self_service(&record, &to, subject, text),
                    )?;
                    "self-service reply sent".into()
                }
                None => {
                    "self-service reply skipped (no address, suppressed or automatic sender)".into()
                }
            },
            Action::Partner { to } => {
                crate::outbox::enqueue(
                    &self.store,
                    self.mailer.partner_forward(&record, to, &original),
                )?;
                format!("forwarded to partner {to}")
            }
            Action::Nurture if imported => {
                "not enrolled in nurture: imported, they did not write to us".into()
            }
            Action::Nurture => match &contact {
                Some(email) => {
                    let sequence = self.sequence_for(&record, message);
                    nurture::enroll(
                        &self.store,
                        &EnrollRequest {
                            contact: email.clone(),
                            sequence: sequence.clone(),
                            lead: Some(record.id.clone()),
                            start_at: None,
                        },
                    )?;
                    format!(
                        "enrolled in nurture sequence {}",
                        sequence.as_deref().unwrap_or("default")
                    )
                }
                None => "nurture skipped: no email address".into(),
            },
            Action::OwnerNotified { rep } => format!("owner {rep} told"),
        };
        let rank = record.lead.rank.map_or("unranked", |r| r.as_str());
        self.event(
            &record,
            "lead_routed",
            record.speed.routed.as_deref().unwrap_or(&record.created_at),
            format!("{rank} ({} points): {summary}", record.lead.points),
            "routed",
        )?;
        Ok(())
    }

    /// Enqueues every notice of a lead (idempotent by Message-ID), marks
    /// them enqueued and saves the lead when that changed anything.
    pub(crate) fn deliver(
        &self,
        record: &mut LeadRecord,
        original: &Original,
        all: bool,
    ) -> anyhow::Result<()> {
        let mut changed = false;
        let import = self.import_source(record)?;
        let cap = self.config.max_rep_notifications_per_hour;
        for i in 0..record.notices.len() {
            if record.notices[i].enqueued && !all {
                continue;
            }
            let notice = record.notices[i].clone();
            if digest::is_held(&self.store, &notice.message_id)? {
                continue;
            }
            if !notice.enqueued {
                // Imported leads wait for their import's digest; live ones
                // go one by one while the recipient is under the hourly cap.
                let held = match &import {
                    Some(source) => Some(source.as_str()),
                    None if !digest::take_hourly(
                        &self.store,
                        &notice.to,
                        Timestamp::now(),
                        cap,
                    )? =>
                    {
                        Some(digest::OVER_CAP)
                    }
                    None => None,
                };
                if let Some(source) = held {
                    digest::hold(&self.store, source, &notice, record)?;
                    self.event(
                        record,
                        "notification",
                        &notice.at,
                        format!("held for a digest to {} ({source})", notice.to),
                        &notice.message_id,
                    )?;
                    continue;
                }
            }
            let email = self.mailer.sales_notification(record, &notice, original);
            crate::outbox::enqueue(&self.store, email)?;
            if !record.notices[i].enqueued {
                record.notices[i].enqueued = true;
                changed = true;
            }
            self.event(
                record,
                "notification",
                &notice.at,
                format!("notified {} ({})", notice.to, notice.why),
                &notice.message_id,
            )?;
        }
        if changed {
            record
                .speed
                .notification_enqueued
                .get_or_insert_with(now_rfc3339);
            leads::save(&self.store, record, None)?;
        }
        Ok(())
    }

    /// The nurture sequence a lead enters, by the `[[sequence]] enroll_when` rules.
    pub(super) fn sequence_for(
        &self,
        record: &LeadRecord,
        message: &MessageRecord,
    ) -> Option<String> {
        let u = &message.understanding;
        // The campaign of the nurture email this message answers, if any.
        let campaign = u
            .campaign_link
            .as_ref()
            .and_then(|l| l.message_id.as_deref())
            .and_then(|id| {
                let tree = self.store.tree(crate::outbox::TREE).ok()?;
                let v = tree.get(id.trim_matches(['<', '>']).as_bytes()).ok()??;
                crate::store::decode::<crate::outbox::OutboundRecord>("outbox", &v).ok()
            })
            .and_then(|o| match o.email.purpose {
                crate::outbox::Purpose::Nurture { campaign, .. } => campaign,
                _ => None,
            });
        let traits = crate::nurture::sequence::LeadTraits {
            rank: record.lead.rank.map(|r| r.as_str().to_string()),
            interest: Some(record.lead.interest.clone()),
            provider: u.provider.clone(),
            campaign,
        };
        crate::nurture::sequence::choose_sequence(
            &self.config.nurture,
            &self.config.sequence,
            self.config.act.nurture_sequence.as_deref(),
            &traits,
        )
    }

    /// The import (provider) a lead came from, when it was imported.
    pub(super) fn import_source(&self, record: &LeadRecord) -> anyhow::Result<Option<String>> {
        Ok(self
            .store
            .message(&record.message)?
            .filter(crate::store::import_runs::is_imported)
            .map(|m| {
                m.understanding
                    .provider
                    .unwrap_or_else(|| crate::store::import_runs::IMPORT_MAILBOX.into())
            }))
    }

    /// An event on the prospect's timeline (when they have an email).
    pub(crate) fn event(
        &self,
        record: &LeadRecord,
        kind: &str,
        at: &str,
        summary: String,
        tag: &str,
    ) -> anyhow::Result<()> {
        let Some(email) = &record.lead.contact.email else {
            return Ok(());
        };
        let interaction = Interaction {
            at: at.to_string(),
            contact: email.clone(),
            direction: Direction::Event,
            kind: kind.to_string(),
            message: Some(record.message.clone()),
            subject: None,
            summary: Some(summary),
        };
        self.store
            .record_interaction(&interaction, &format!("{}.{tag}", record.id))?;
        Ok(())
    }

    /// The call-center queue: a mail to the configured mailbox and/or a row
    /// in the CSV export. Without either, only logged.
    pub(super) fn call_center(
        &self,
        lead_id: &str,
        facts: &str,
        why: &str,
        record: &LeadRecord,
        original: &Original,
    ) -> anyhow::Result<()> {
        let act = &self.config.act;
        if let Some(to) = act.call_center.as_deref().and_then(safe_address) {
            crate::outbox::enqueue(
                &self.store,
                self.mailer.call_center(lead_id, &to, facts, why, original),
            )?;
        }
        if let Some(path) = &act.call_center_csv {
            append_csv(&self.config.resolve(path), lead_id, record, why)?;
        }
        if act.call_center.is_none() && act.call_center_csv.is_none() {
            // Once per process: the setting is missing, not each lead.
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                tracing::warn!(
                    lead = lead_id,
                    "call-center leads are not queued: set [act] call_center or call_center_csv"
                )
            });
        }
        Ok(())
    }

    /// Where the self-service reply may go: the prospect, unless the address
    /// is unsafe, a robot, suppressed, or the prospect's own message was automatic.
    pub(super) fn self_service_target(
        &self,
        record: &LeadRecord,
        message: &MessageRecord,
    ) -> anyhow::Result<Option<String>> {
        let Some(to) = record.lead.contact.email.as_deref().and_then(safe_address) else {
            return Ok(None);
        };
        if crate::abuse::is_robot_address(&to) || nurture::is_suppressed(&self.store, &to)? {
            return Ok(None);
        }
        let u = &message.understanding;
        let sender_is_prospect = u
            .envelope
            .from_email
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case(&to));
        if sender_is_prospect && !crate::abuse::may_auto_answer(u) {
            return Ok(None);
        }
        Ok(Some(to))
    }

    pub(super) fn render_self_service(&self, record: &LeadRecord) -> (String, String) {
        let act = &self.config.act;
        let defaults = ActConfig::default();
        let mut env = minijinja::Environment::new();
        env.set_fuel(Some(50_000));
        let ctx = minijinja::context! {
            name => record.lead.contact.name.clone().unwrap_or_else(|| "there".into()),
            interest => record.lead.interest.clone(),
            lead => record.id.clone(),
        };
        let render = |template: &str, fallback: &str| {
            env.render_str(template, &ctx)
                .or_else(|e| {
                    tracing::warn!("[act] self-service template: {e}");
                    env.render_str(fallback, &ctx)
                })
                .unwrap_or_default()
        };
        (
            render(&act.self_service_subject, &defaults.self_service_subject),
            render(&act.self_service_text, &defaults.self_service_text),
        )
    }
}

/// ": why" when a lead went to sales for another reason than being hot
/// ("no call center configured …", "needs review: …" with the review
/// reasons), for the contact's interaction line. [`Act::decide`] adds that
/// reason last.
fn fallback_note(record: &LeadRecord) -> String {
    let fell_back = match record.notices.first() {
        Some(n) => n.why != "routed",
        None => record.lead.rank != Some(Rank::Hot),
    };
    match record.reasons.last().filter(|r| r.points == 0) {
        Some(r) if fell_back => format!(": {}", notify::one_line(&r.why, 300)),
        _ => String::new(),
    }
}

/// Appends one row to the call-center CSV unless the lead is already in it.
fn append_csv(
    path: &std::path::Path,
    lead_id: &str,
    record: &LeadRecord,
    why: &str,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let prefix = format!("{lead_id},");
    if existing.lines().any(|l| l.starts_with(&prefix)) {
        return Ok(());
    }
    // A leading =, +, - or @ would be a formula in a spreadsheet.
    let cell = |s: &str| {
        let s = notify::one_line(s, 500);
        if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s
        }
    };
    let c = &record.lead.contact;
    let row = [
        lead_id.to_string(),
        now_rfc3339(),
        record.lead.rank.map_or("", |r| r.as_str()).to_string(),
        record.lead.points.to_string(),
        cell(c.name.as_deref().unwrap_or("")),
        cell(c.email.as_deref().unwrap_or("")),
        cell(c.phone.as_deref().unwrap_or("")),
        cell(c.company.as_deref().unwrap_or("")),
        cell(&record.lead.interest),
        record
            .lead
            .timeline
            .map_or("", crate::qualify::timeline_name)
            .to_string(),
        cell(why),
    ];
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    if existing.is_empty() {
        writer.write_record([
            "lead",
            "queued_at",
            "rank",
            "points",
            "name",
            "email",
            "phone",
            "company",
            "interest",
            "timeline",
            "why",
        ])?;
    }
    writer.write_record(&row)?;
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok();
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("call-center CSV {}", path.display()))?;
    file.write_all(&bytes)?;
    file.sync_data()?;
    Ok(())
}
