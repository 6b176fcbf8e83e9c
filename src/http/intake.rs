//! `POST /leads`: lead intake by HTTP for providers that post instead of
//! email. Authenticated by a per-provider bearer token (`[[intake_token]]`);
//! the body (form-encoded, JSON or ADF/XML) becomes a raw message that goes
//! through understanding and the same store transaction as mail, and is
//! flushed before the answer.
//!
//! The answer says what the pipeline will do with it, decided synchronously
//! by the same understanding and qualification the act stage uses:
//! `202` with the lead ids (`r<response>`, what `carousel lead show` takes)
//! only when at least one lead qualifies; `422` with the real reason
//! otherwise (the body is still stored, as every response is).
//!
//! Errors: 401 without a known token, 429 over `[http] leads_per_minute` for
//! that token (with `Retry-After`), 408 when the body takes longer than
//! `[http] body_timeout_secs`, 413 over `[http] max_body_bytes`, 400 naming
//! what is wrong with the body, 415 for other content types.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::config::Config;
use crate::http::AppState;
use crate::store::Ingested;
use crate::store::model::Origin;

/// Reads every `[[intake_token]]` secret: token → provider.
pub fn load_tokens(config: &Config) -> anyhow::Result<BTreeMap<String, String>> {
    let mut tokens = BTreeMap::new();
    for t in &config.intake_token {
        let file = t.token_file.as_ref().map(|p| config.resolve(p));
        let token = crate::net::read_secret(t.token_env.as_ref(), file.as_ref())
            .map_err(|e| anyhow::anyhow!("intake token of provider {:?}: {e:#}", t.provider))?;
        let token = token.trim().to_string();
        if token.len() < crate::config::MIN_TOKEN_LEN {
            anyhow::bail!(
                "intake token of provider {:?} is shorter than {} characters",
                t.provider,
                crate::config::MIN_TOKEN_LEN
            );
        }
        tokens.insert(token, t.provider.clone());
    }
    Ok(tokens)
}

/// A token bucket per provider: `per_minute` requests a minute, in bursts
/// of up to `per_minute`. Shared by every `POST /leads` handler.
pub struct RateLimits {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimits {
    /// `per_minute` = 0 turns the limit off.
    pub fn new(per_minute: u32) -> RateLimits {
        RateLimits {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `provider`'s bucket, or says how long until
    /// the next one is allowed.
    pub fn take(&self, provider: &str, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        // A poisoned lock only means another handler panicked mid-update;
        // the numbers are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(provider.to_string()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// What the pipeline will do with a posted body: the ids of the leads it
/// keeps, or why it keeps none. The act stage opens a lead exactly when
/// [`crate::qualify::conversion::qualify`] says the response qualifies.
pub fn verdict(
    u: &crate::understand::Understanding,
    responses: &[u64],
) -> Result<Vec<String>, String> {
    use crate::qualify::conversion::qualify;
    use crate::understand::Kind;
    if u.kind != Kind::Lead {
        let why = match u.kind {
            Kind::Other if u.contact.is_reachable() => {
                "no purchase interest recognised (send an interest, product or message field)"
                    .to_string()
            }
            Kind::Other => {
                "no lead recognised: no valid email or phone, and no purchase interest".to_string()
            }
            _ => qualify(u, None).reason.unwrap_or_default(),
        };
        return Err(format!("not a lead ({}): {why}", u.kind.as_str()));
    }
    let mut kept = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    for (index, response) in responses.iter().enumerate() {
        let q = qualify(u, Some(index));
        if q.qualified {
            kept.push(crate::act::leads::lead_id(*response));
        } else if let Some(why) = q.reason
            && !reasons.contains(&why)
        {
            reasons.push(why);
        }
    }
    if kept.is_empty() {
        if reasons.is_empty() {
            reasons.push("no lead found in the body".into());
        }
        Err(reasons.join("; "))
    } else {
        Ok(kept)
    }
}

fn problem(code: StatusCode, message: impl Into<String>) -> Response {
    (code, axum::Json(json!({"error": message.into()}))).into_response()
}

/// The provider whose token the request carries. Compared in constant time
/// per candidate so response timing does not reveal a token's prefix.
fn provider_of<'a>(headers: &HeaderMap, tokens: &'a BTreeMap<String, String>) -> Option<&'a str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let presented = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?
        .trim();
    let mut found = None;
    for (token, provider) in tokens {
        let same = token.len() == presented.len()
            && token
                .bytes()
                .zip(presented.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            found = Some(provider.as_str());
        }
    }
    found
}

pub async fn post_lead(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let Some(provider) = provider_of(&headers, &state.tokens).map(str::to_string) else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "missing or unknown bearer token (Authorization: Bearer <provider token>)",
        );
    };
    if let Err(wait) = state.intake_limits.take(&provider, Instant::now()) {
        let secs = wait.as_secs().max(1);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, secs.to_string())],
            axum::Json(json!({"error": format!(
                "more than [http] leads_per_minute for provider {provider:?}; retry in {secs} s"
            )})),
        )
            .into_response();
    }
    let http = state.stage.config.http.clone().unwrap_or_default();
    let limit = http.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body over the limit of {limit} bytes"),
        );
    }
    let timeout = Duration::from_secs(http.body_timeout_secs.max(1));
    let body = match tokio::time::timeout(timeout, axum::body::to_bytes(request.into_body(), limit))
        .await
    {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body over the limit of {limit} bytes (or cut short)"),
            );
        }
        Err(_) => {
            return problem(
                StatusCode::REQUEST_TIMEOUT,
                format!("body not received within {} s", timeout.as_secs()),
            );
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let text = match parse_body(&content_type, &body) {
        Ok(t) => t,
        Err((code, msg)) => return problem(code, msg),
    };
    let raw = crate::ingest::synthetic::synthesize(&provider, &text);
    let intake = state.stage.intake.clone();
    let provider_name = provider.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut u = crate::understand::understand_safely(&raw, &intake.ctx);
        u.provider = Some(provider_name.clone());
        let origin = Origin {
            mailbox: format!("http:{provider_name}"),
            reference: crate::store::now_rfc3339(),
        };
        let result = intake
            .store
            .ingest(origin, &raw, true, raw.len() as u64, u.clone());
        match result {
            Ok(Ingested::New {
                key,
                kind,
                responses,
            }) => {
                crate::metrics::ingested(kind.as_str());
                let verdict = verdict(&u, &responses);
                Ok((key, kind, false, verdict))
            }
            // Stored earlier: the verdict of the stored understanding.
            Ok(Ingested::Duplicate { key }) => intake.store.message(&key).map(|m| match m {
                Some(m) => {
                    let verdict = verdict(&m.understanding, &m.responses);
                    (key, m.kind, true, verdict)
                }
                None => {
                    let verdict = Err("stored earlier, but the record is missing".to_string());
                    (key, u.kind, true, verdict)
                }
            }),
            Err(e) => Err(e),
        }
    })
    .await;
    let (key, kind, duplicate, verdict) = match stored {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            tracing::error!("http intake: store failed: {e}");
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "store unavailable; retry later",
            );
        }
        Err(e) => {
            tracing::error!("http intake: task failed: {e}");
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; retry later",
            );
        }
    };
    if let Err(e) = state.stage.intake.store.flush().await {
        tracing::error!("http intake: flush failed: {e}");
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "store not flushed; retry later",
        );
    }
    state.stage.intake.wake.responses.notify_one();
    if !duplicate {
        metrics::counter!(crate::metrics::HTTP_LEADS, "provider" => provider.clone()).increment(1);
    }
    match verdict {
        Ok(leads) => (
            StatusCode::ACCEPTED,
            axum::Json(
                json!({"stored": true, "duplicate": duplicate, "message": key,
                "kind": kind, "lead": leads[0], "leads": leads}),
            ),
        )
            .into_response(),
        Err(why) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(
                json!({"stored": true, "duplicate": duplicate, "message": key,
                "kind": kind, "error": why}),
            ),
        )
            .into_response(),
    }
}

/// The body as `Label: value` lines (form, JSON) or the XML itself (ADF).
fn parse_body(content_type: &str, body: &[u8]) -> Result<String, (StatusCode, String)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let media = content_type.split(';').next().unwrap_or("").trim();
    match media {
        "application/json" => {
            let value: serde_json::Value = serde_json::from_slice(body)
                .map_err(|e| bad(format!("malformed JSON: {e}")))?;
            let object = value
                .get("lead")
                .filter(|l| l.is_object())
                .unwrap_or(&value)
                .as_object()
                .ok_or_else(|| bad("JSON body must be an object of lead fields".into()))?;
            let mut pairs = Vec::new();
            flatten("", object, &mut pairs, 0);
            Ok(lines(&pairs))
        }
        "application/x-www-form-urlencoded" => {
            let text = std::str::from_utf8(body)
                .map_err(|_| bad("form body is not UTF-8".into()))?;
            let pairs: Vec<(String, String)> = text
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (percent_decode(k), percent_decode(v))
                })
                .collect();
            Ok(lines(&pairs))
        }
        "application/xml" | "text/xml" | "application/adf+xml" => {
            let text = std::str::from_utf8(body)
                .map_err(|_| bad("XML body is not UTF-8".into()))?;
            if !text.contains("<adf") {
                return Err(bad("XML body is not ADF (no <adf> element)".into()));
            }
            Ok(text.to_string())
        }
        "" => Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type missing: use application/json, application/x-www-form-urlencoded or application/xml (ADF)".into(),
        )),
        other => Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type {other} not accepted: use application/json, application/x-www-form-urlencoded or application/xml (ADF)"),
        )),
    }
}

/// Nested objects become `inner` labels (`{"contact": {"email": ..}}` → `email`).
fn flatten(
    prefix: &str,
    object: &serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<(String, String)>,
    depth: usize,
) {
    for (k, v) in object {
        let label = if prefix.is_empty() || depth > 0 {
            k.clone()
        } else {
            format!("{prefix} {k}")
        };
        match v {
            serde_json::Value::Object(inner) if depth < 3 => flatten(&label, inner, out, depth + 1),
            serde_json::Value::String(s) => out.push((label, s.clone())),
            serde_json::Value::Number(n) => out.push((label, n.to_string())),
            serde_json::Value::Bool(b) => out.push((label, b.to_string())),
            serde_json::Value::Array(items) => {
                let joined: Vec<String> = items
                    .iter()
                    .filter_map(|i| match i {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                out.push((label, joined.join(", ")));
            }
            _ => {}
        }
    }
}

/// One `Label: value` line per field; line breaks inside values become
/// spaces so a value can never start a line of its own.
fn lines(pairs: &[(String, String)]) -> String {
    let clean = |s: &str| {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string()
    };
    let mut text = String::new();
    for (k, v) in pairs {
        let (k, v) = (clean(k), clean(v));
        if !k.is_empty() && !v.is_empty() {
            text.push_str(&format!("{k}: {v}\n"));
        }
    }
    text
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_cannot_forge_lines() {
        let text = parse_body(
            "application/x-www-form-urlencoded",
            b"email=a%40b.com&message=hi%0D%0AEmail%3A+evil%40x.com",
        )
        .unwrap();
        assert_eq!(text, "email: a@b.com\nmessage: hi  Email: evil@x.com\n");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
    }

    #[test]
    fn each_token_gets_its_own_rate() {
        let limits = RateLimits::new(2);
        let t0 = Instant::now();
        assert!(limits.take("a", t0).is_ok());
        assert!(limits.take("a", t0).is_ok());
        let wait = limits.take("a", t0).unwrap_err();
        assert!((29..=30).contains(&wait.as_secs()), "{wait:?}");
        assert!(
            limits.take("b", t0).is_ok(),
            "another token has its own bucket"
        );
        assert!(limits.take("a", t0 + Duration::from_secs(30)).is_ok());
        assert!(RateLimits::new(0).take("a", t0).is_ok());
    }

    #[test]
    fn verdict_keeps_only_qualifying_leads() {
        use crate::understand::{Envelope, Kind, Lead, Understanding};
        let mut u = Understanding::other(Envelope::default(), "");
        u.kind = Kind::Lead;
        let mut reachable = Lead::default();
        reachable.contact.email = Some("p@x.example".into());
        reachable.interest = Some("solar".into());
        let mut name_only = Lead::default();
        name_only.contact.name = Some("Pat".into());
        name_only.interest = Some("solar".into());
        u.leads = vec![name_only.clone(), reachable];
        assert_eq!(verdict(&u, &[4, 5]), Ok(vec!["L-5".to_string()]));
        u.leads = vec![name_only];
        let why = verdict(&u, &[4]).unwrap_err();
        assert!(why.contains("no reachable contact"), "{why}");
        u.kind = Kind::Other;
        u.leads.clear();
        let why = verdict(&u, &[]).unwrap_err();
        assert!(why.starts_with("not a lead (other)"), "{why}");
    }

    #[test]
    fn malformed_json_names_the_problem() {
        let (code, msg) = parse_body("application/json", b"{\"email\": ").unwrap_err();
        assert_eq!(code, StatusCode::BAD_REQUEST);
        assert!(msg.starts_with("malformed JSON: "), "{msg}");
    }
}
