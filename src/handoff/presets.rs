//! Webhook bodies from minijinja templates: the CRM presets shipped in
//! `templates/webhooks/` (HubSpot, Pipedrive, Salesforce Web-to-Lead) and
//! any template an operator writes.
//!
//! A `.json` template is rendered with JSON auto-escaping and its values go
//! through `tojson`, so a name with quotes, backslashes, newlines or control
//! characters still yields valid JSON; the rendered body is parsed before it
//! is sent, so a broken template fails loudly instead of posting garbage. A
//! `.form` template is sent `application/x-www-form-urlencoded` and its
//! values go through `urlencode`.

use std::path::Path;

use serde::Serialize;

use crate::store::events::Event;

/// Longest template file read.
const MAX_TEMPLATE_BYTES: u64 = 256 * 1024;

/// A rendered body and its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// The flat lead (or contact) view templates use: every field a string,
/// `""` when unknown, so templates need no null checks.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TemplateLead {
    pub id: String,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub title: String,
    pub postcode: String,
    pub country: String,
    pub interest: String,
    pub timeline: String,
    pub rank: String,
    pub points: i64,
    pub owner: String,
    pub status: String,
    /// The score's reasons, one line each.
    pub reasons: Vec<String>,
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl TemplateLead {
    /// Reads the lead (lead events), response (replies) or contact (contact events).
    pub fn of(event: &Event) -> TemplateLead {
        let d = &event.data;
        let lead = d.get("lead").unwrap_or(d);
        let contact = lead
            .get("contact")
            .or_else(|| d.get("contact"))
            .cloned()
            .unwrap_or_default();
        let name = text(&contact["name"]);
        let (first_name, last_name) = match name.trim().rsplit_once(' ') {
            Some((first, last)) => (first.trim().to_string(), last.to_string()),
            None => (String::new(), name.trim().to_string()),
        };
        // `{"status": "closed", "outcome": "won"}` → "closed won".
        let status = match &lead["status"] {
            serde_json::Value::Object(m) => [m.get("status"), m.get("outcome")]
                .into_iter()
                .flatten()
                .map(text)
                .collect::<Vec<_>>()
                .join(" "),
            other => text(other),
        };
        TemplateLead {
            id: text(&d["id"]),
            name,
            first_name,
            last_name,
            email: text(&contact["email"]),
            phone: text(&contact["phone"]),
            company: text(&contact["company"]),
            title: text(&contact["title"]),
            postcode: text(&contact["postcode"]),
            country: text(&contact["country"]),
            interest: text(&lead["interest"]),
            timeline: text(&lead["timeline"]),
            rank: text(&d["rank"]).to_string(),
            points: lead["points"].as_i64().unwrap_or(0),
            owner: text(&d["owner"]),
            status,
            reasons: d["reasons"]
                .as_array()
                .map(|rs| rs.iter().map(|r| text(&r["why"])).collect())
                .unwrap_or_default(),
        }
    }
}

/// Form encoding (`application/x-www-form-urlencoded` values): everything
/// but RFC 3986's unreserved characters is percent-encoded.
pub fn urlencode(value: &minijinja::Value) -> String {
    let text = if value.is_none() || value.is_undefined() {
        String::new()
    } else {
        value.to_string()
    };
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_fuel(Some(100_000));
    env.add_filter("urlencode", |v: minijinja::Value| urlencode(&v));
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".json") {
            minijinja::AutoEscape::Json
        } else {
            minijinja::AutoEscape::None
        }
    });
    env
}

fn read(dir: &Path, template: &Path) -> Result<(String, String), String> {
    let path = dir.join(template);
    let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(format!("{}: larger than 256 KiB", path.display()));
    }
    let source = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((template.to_string_lossy().into_owned(), source))
}

fn content_type(name: &str) -> Result<&'static str, String> {
    if name.ends_with(".json") {
        Ok("application/json")
    } else if name.ends_with(".form") {
        Ok("application/x-www-form-urlencoded")
    } else {
        Err(format!(
            "{name}: a webhook template ends in .json (JSON body) or .form (form-encoded)"
        ))
    }
}

/// `carousel check`: the template exists, has a known kind and compiles.
pub fn check(dir: &Path, template: &Path) -> Result<(), String> {
    let (name, source) = read(dir, template)?;
    content_type(&name)?;
    let mut env = environment();
    env.add_template_owned(name.clone(), source)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(())
}

/// Renders `template` for `event`; `vars` are the webhook's own values
/// (`[webhook.vars]`, e.g. a Salesforce org id).
pub fn render(
    dir: &Path,
    template: &Path,
    event: &Event,
    vars: &std::collections::BTreeMap<String, String>,
) -> Result<Body, String> {
    let (name, source) = read(dir, template)?;
    render_source(&name, &source, event, vars)
}

/// [`render`] of template text already read.
pub fn render_source(
    name: &str,
    source: &str,
    event: &Event,
    vars: &std::collections::BTreeMap<String, String>,
) -> Result<Body, String> {
    let content_type = content_type(name)?;
    let mut env = environment();
    env.add_template_owned(name.to_string(), source.to_string())
        .map_err(|e| format!("{name}: {e}"))?;
    let ctx = minijinja::context! {
        event => minijinja::context! {
            id => event.id.clone(),
            type => event.kind.clone(),
            created_at => event.created_at.clone(),
        },
        lead => minijinja::Value::from_serialize(TemplateLead::of(event)),
        data => minijinja::Value::from_serialize(&event.data),
        vars => minijinja::Value::from_serialize(vars),
    };
    let body = env
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| format!("{name}: {e}"))?;
    if content_type == "application/json" {
        serde_json::from_str::<serde_json::Value>(&body)
            .map_err(|e| format!("{name} did not render valid JSON: {e}"))?;
    }
    Ok(Body {
        bytes: body.trim().as_bytes().to_vec(),
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_that_forgets_tojson_still_escapes() {
        let event = Event::new(
            "lead.created",
            "L-1",
            serde_json::json!({"id": "L-1", "lead": {"contact": {"name": "A \"B\"\n\\C"}}}),
        );
        let body = render_source(
            "x.json",
            "{\"n\": {{ lead.name }}}",
            &event,
            &Default::default(),
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body.bytes).unwrap();
        assert_eq!(v["n"], "A \"B\"\n\\C");
    }
}
