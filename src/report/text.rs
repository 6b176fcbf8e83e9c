//! The report as human tables for the terminal.

use std::io::Write;

use super::Report;

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn money(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v:.2}"))
}

fn secs(x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(s) if s < 120.0 => format!("{s:.0}s"),
        Some(s) if s < 7200.0 => format!("{:.1}m", s / 60.0),
        Some(s) => format!("{:.1}h", s / 3600.0),
    }
}

/// Writes every section; an empty section says so instead of printing a bare header.
pub fn write(r: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "carousel report — {}", r.generated_at)?;
    if let Some(s) = &r.since {
        writeln!(out, "since {s}")?;
    }
    writeln!(out, "\nCampaigns")?;
    if r.campaigns.is_empty() {
        writeln!(out, "  (no campaign emails sent)")?;
    } else {
        writeln!(
            out,
            "  {:<24} {:>7} {:>7} {:>9} {:>6} {:>9} {:>8} {:>6}",
            "campaign", "sent", "bounced", "delivered", "auto", "responses", "rate", "unsub"
        )?;
        for c in &r.campaigns {
            writeln!(
                out,
                "  {:<24} {:>7} {:>7} {:>9} {:>6} {:>9} {:>8} {:>6}",
                c.campaign,
                c.sent,
                c.bounced,
                c.delivered,
                c.auto_replies,
                c.responses,
                pct(c.response_rate),
                c.unsubscribes
            )?;
        }
    }
    writeln!(out, "\nProviders")?;
    if r.providers.is_empty() {
        writeln!(out, "  (no provider leads)")?;
    } else {
        writeln!(
            out,
            "  {:<24} {:>6} {:>9} {:>7} {:>9} {:>9} {:>5} {:>4} {:>11} {:>8}",
            "provider",
            "leads",
            "qualified",
            "rate",
            "cost",
            "cost/lead",
            "opps",
            "won",
            "won revenue",
            "ROI"
        )?;
        for p in &r.providers {
            writeln!(
                out,
                "  {:<24} {:>6} {:>9} {:>7} {:>9} {:>9} {:>5} {:>4} {:>11.2} {:>8}",
                p.provider,
                p.leads,
                p.qualified,
                pct(p.qualification_rate),
                money(p.cost),
                money(p.cost_per_lead),
                p.opportunities,
                p.won,
                p.won_revenue,
                pct(p.roi)
            )?;
        }
    }
    let s = &r.speed_to_lead;
    writeln!(
        out,
        "\nSpeed to lead ({} leads, {} contacted)",
        s.leads, s.contacted
    )?;
    writeln!(
        out,
        "  p50 {}  p90 {}  p99 {}  within 5 min {}  within 1 h {}  never {}",
        secs(s.p50_seconds),
        secs(s.p90_seconds),
        secs(s.p99_seconds),
        pct(s.within_5_min),
        pct(s.within_1_hour),
        pct(s.never)
    )?;
    let f = &r.funnel;
    writeln!(out, "\nFunnel")?;
    writeln!(
        out,
        "  responses {} → leads {} ({}) → opportunities {} ({}) → won {} ({}); overall {}",
        f.responses,
        f.leads,
        pct(f.response_to_lead),
        f.opportunities,
        pct(f.lead_to_opportunity),
        f.won,
        pct(f.opportunity_to_won),
        pct(f.response_to_won)
    )?;
    let currency = r.currency.as_deref().unwrap_or("");
    writeln!(out, "\nForecast (open opportunities) {currency}")?;
    if r.forecast.is_empty() {
        writeln!(out, "  (no open opportunities)")?;
    }
    for m in &r.forecast {
        writeln!(
            out,
            "  {:<8} {:>4} opps  pipeline {:>12.2}  weighted {:>12.2}",
            m.month, m.opportunities, m.pipeline, m.weighted
        )?;
    }
    writeln!(out, "\nNurture steps")?;
    if r.nurture.is_empty() {
        writeln!(out, "  (no nurture emails sent)")?;
    }
    for n in &r.nurture {
        writeln!(
            out,
            "  {:<24} step {:>2}: sends {:>6}  replies {:>5}  unsubscribes {:>4}  bounces {:>4}",
            n.campaign, n.step, n.sends, n.replies, n.unsubscribes, n.bounces
        )?;
    }
    writeln!(
        out,
        "  unsubscribed {}, resubscribed {} (all time)",
        r.subscriptions.unsubscribes, r.subscriptions.resubscribes
    )?;
    if !r.domain_blocks.is_empty() {
        writeln!(
            out,
            "\nSender blocked at (recipients bounced for a sender-side reason)"
        )?;
    }
    for b in &r.domain_blocks {
        writeln!(
            out,
            "  WARNING {:<32} {} recipients within 24 h ({}), warned {}",
            b.domain,
            b.recipients,
            b.reasons.join(", "),
            b.at
        )?;
    }
    Ok(())
}
