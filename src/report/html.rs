//! The report as one self-contained HTML page: inline CSS and SVG bar
//! charts, no scripts, no external assets. Every text is escaped.

use std::fmt::Write as _;

use super::Report;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart: one labelled bar per (label, value, caption).
fn bars(title: &str, rows: &[(String, f64, String)]) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0f64, f64::max);
    let height = 28 * rows.len().max(1) + 10;
    let mut svg = format!(
        "<h2>{}</h2><svg role=\"img\" aria-label=\"{}\" width=\"720\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title),
        esc(title)
    );
    if rows.is_empty() {
        svg.push_str("<text x=\"10\" y=\"20\">no data</text>");
    }
    for (i, (label, value, caption)) in rows.iter().enumerate() {
        let y = 5 + i * 28;
        let w = if max > 0.0 { 420.0 * value / max } else { 0.0 };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"200\" y=\"{y}\" width=\"{w:.1}\" height=\"20\" fill=\"#3b7dd8\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 15,
            esc(label),
            206.0 + w,
            y + 15,
            esc(caption)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

/// Renders the page.
pub fn render(r: &Report) -> String {
    let mut page = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>carousel report</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style></head><body>",
    );
    let _ = write!(
        page,
        "<h1>carousel report</h1><p>Generated {}</p>",
        esc(&r.generated_at)
    );
    page.push_str(&bars(
        "Response rate by campaign",
        &r.campaigns
            .iter()
            .map(|c| {
                (
                    c.campaign.clone(),
                    c.response_rate.unwrap_or(0.0),
                    format!(
                        "{} ({} of {})",
                        pct(c.response_rate),
                        c.responses,
                        c.delivered
                    ),
                )
            })
            .collect::<Vec<_>>(),
    ));
    let f = &r.funnel;
    page.push_str(&bars(
        "Funnel",
        &[
            (
                "responses".to_string(),
                f.responses as f64,
                f.responses.to_string(),
            ),
            (
                "leads".into(),
                f.leads as f64,
                format!("{} ({})", f.leads, pct(f.response_to_lead)),
            ),
            (
                "opportunities".into(),
                f.opportunities as f64,
                format!("{} ({})", f.opportunities, pct(f.lead_to_opportunity)),
            ),
            (
                "won".into(),
                f.won as f64,
                format!("{} ({})", f.won, pct(f.opportunity_to_won)),
            ),
        ],
    ));
    page.push_str(&bars(
        "Won revenue by provider",
        &r.providers
            .iter()
            .map(|p| {
                (
                    p.provider.clone(),
                    p.won_revenue,
                    format!("{:.2} (ROI {})", p.won_revenue, pct(p.roi)),
                )
            })
            .collect::<Vec<_>>(),
    ));
    page.push_str(&bars(
        "Weighted forecast by close month",
        &r.forecast
            .iter()
            .map(|m| {
                (
                    m.month.clone(),
                    m.weighted,
                    format!("{:.2} of {:.2}", m.weighted, m.pipeline),
                )
            })
            .collect::<Vec<_>>(),
    ));
    let s = &r.speed_to_lead;
    let _ = write!(
        page,
        "<h2>Speed to lead</h2><table><tr><th>leads</th><th>contacted</th><th>p50 s</th><th>p90 s</th><th>p99 s</th><th>≤ 5 min</th><th>≤ 1 h</th><th>never</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
        s.leads,
        s.contacted,
        s.p50_seconds.map_or("-".into(), |v| v.to_string()),
        s.p90_seconds.map_or("-".into(), |v| v.to_string()),
        s.p99_seconds.map_or("-".into(), |v| v.to_string()),
        pct(s.within_5_min),
        pct(s.within_1_hour),
        pct(s.never)
    );
    page.push_str("<h2>Nurture steps</h2><table><tr><th>campaign</th><th>step</th><th>sends</th><th>replies</th><th>unsubscribes</th><th>bounces</th></tr>");
    for n in &r.nurture {
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&n.campaign),
            n.step,
            n.sends,
            n.replies,
            n.unsubscribes,
            n.bounces
        );
    }
    page.push_str("</table>");
    if !r.domain_blocks.is_empty() {
        page.push_str("<h2>Sender blocked at</h2><table><tr><th>domain</th><th>recipients (24 h)</th><th>reasons</th><th>warned</th></tr>");
        for b in &r.domain_blocks {
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&b.domain),
                b.recipients,
                esc(&b.reasons.join(", ")),
                esc(&b.at)
            );
        }
        page.push_str("</table>");
    }
    page.push_str("</body></html>\n");
    page
}
