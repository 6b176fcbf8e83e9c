//! `carousel auth login` and `carousel auth status`. Login runs the OAuth 2.0
//! device authorization grant (RFC 8628): it prints the verification URL and
//! code, polls the token endpoint, and saves the refresh token to the
//! mailbox's `refresh_token_file` (atomically, mode 0600). The token is never
//! printed.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use serde::Deserialize;

use super::{OAuth2Config, Use, check_endpoint, post_form, resolve, sanitize, write_private};

#[derive(Deserialize)]
struct DeviceAnswer {
    device_code: String,
    user_code: String,
    /// RFC 8628 name; Google says `verification_url`.
    verification_uri: Option<String>,
    verification_url: Option<String>,
    verification_uri_complete: Option<String>,
    expires_in: Option<u64>,
    interval: Option<u64>,
}

#[derive(Deserialize)]
struct PollAnswer {
    refresh_token: Option<String>,
    error: Option<String>,
}

/// Finds the OAuth2 table of `target` (a mailbox name, `outbox` or `archive`).
pub fn find(all: &[super::Target], target: &str) -> anyhow::Result<(OAuth2Config, Use)> {
    let names: Vec<&str> = all.iter().map(|(n, _, _)| n.as_str()).collect();
    all.iter()
        .find(|(n, _, _)| n == target)
        .map(|(_, o, u)| (o.clone(), *u))
        .ok_or_else(|| {
            anyhow!(
                "{target} has no oauth2 table; OAuth2 logins in this config: {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        })
}

/// Runs the device grant for `target` and stores its refresh token.
pub async fn login(
    target: &str,
    o: &OAuth2Config,
    use_: Use,
    base: &Path,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let file = token_file(target, o, base)?;
    let device_url = o.device_url().ok_or_else(|| {
        anyhow!("{target}: oauth2 needs `device_url` (or a provider) for `auth login`")
    })?;
    let token_url = o
        .token_url()
        .ok_or_else(|| anyhow!("{target}: oauth2 has no token_url"))?;
    check_endpoint(&device_url).map_err(|e| anyhow!("{target}: device_url: {e}"))?;
    check_endpoint(&token_url).map_err(|e| anyhow!("{target}: token_url: {e}"))?;
    let secret = client_secret(o)?;
    let mut form: Vec<(&str, String)> = vec![("client_id", o.client_id.clone())];
    if let Some(scope) = o.scope(use_) {
        form.push(("scope", scope));
    }
    if let Some(s) = &secret {
        form.push(("client_secret", s.clone()));
    }
    let (status, body) = post_form(target, &device_url, &form).await?;
    let device: DeviceAnswer = serde_json::from_slice(&body).map_err(|_| {
        anyhow!(
            "{target}: device authorization endpoint answered HTTP {status} without a device code"
        )
    })?;
    let url = device
        .verification_uri_complete
        .clone()
        .or(device.verification_uri.clone())
        .or(device.verification_url.clone())
        .ok_or_else(|| anyhow!("{target}: no verification URL in the device answer"))?;
    writeln!(
        out,
        "To let carousel read {target}, open\n\n    {url}\n\nand enter the code\n\n    {}\n",
        device.user_code
    )?;
    writeln!(out, "Waiting for you to approve…")?;
    out.flush()?;
    let mut interval = Duration::from_secs(device.interval.unwrap_or(5).max(1));
    let deadline = Instant::now() + Duration::from_secs(device.expires_in.unwrap_or(900));
    let mut poll: Vec<(&str, String)> = vec![
        (
            "grant_type",
            "urn:ietf:params:oauth:grant-type:device_code".into(),
        ),
        ("device_code", device.device_code.clone()),
        ("client_id", o.client_id.clone()),
    ];
    if let Some(s) = &secret {
        poll.push(("client_secret", s.clone()));
    }
    loop {
        if Instant::now() >= deadline {
            bail!(
                "{target}: the code expired before it was approved; run `carousel auth login {target}` again"
            );
        }
        tokio::time::sleep(interval).await;
        let (status, body) = post_form(target, &token_url, &poll).await?;
        let answer: PollAnswer = serde_json::from_slice(&body)
            .map_err(|_| anyhow!("{target}: token endpoint answered HTTP {status}, not JSON"))?;
        match answer.error.as_deref().map(sanitize).as_deref() {
            None => {
                let refresh = answer.refresh_token.filter(|r| !r.is_empty()).ok_or_else(|| {
                    anyhow!("{target}: approved, but no refresh token came back (ask for the offline_access scope)")
                })?;
                return save(target, &file, &refresh, out);
            }
            Some("authorization_pending") => {}
            Some("slow_down") => interval += Duration::from_secs(5),
            Some(other) => bail!("{target}: login failed ({other})"),
        }
    }
}

/// Stores the refresh token a login got (atomically, mode 0600) and says
/// where, never what. Both login flows end here.
pub(crate) fn save(
    target: &str,
    file: &Path,
    refresh: &str,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    write_private(file, refresh).with_context(|| format!("saving {}", file.display()))?;
    writeln!(
        out,
        "Saved the refresh token for {target} to {}.",
        file.display()
    )?;
    Ok(())
}

/// The `refresh_token_file` a login stores into (resolved against the config's directory).
pub(crate) fn token_file(
    target: &str,
    o: &OAuth2Config,
    base: &Path,
) -> anyhow::Result<std::path::PathBuf> {
    o.refresh_token_file.as_ref().map(|f| resolve(base, f)).ok_or_else(|| {
        anyhow!("{target}: set `refresh_token_file` in its oauth2 table so `auth login` can store the token (it never prints it)")
    })
}

/// The client secret named by `client_secret_env`, if any.
pub(crate) fn client_secret(o: &OAuth2Config) -> anyhow::Result<Option<String>> {
    match &o.client_secret_env {
        Some(var) => Ok(Some(std::env::var(var).with_context(|| {
            format!("environment variable {var} (client_secret_env) is not set")
        })?)),
        None => Ok(None),
    }
}

/// One line per OAuth2 login (`all`, paths resolved against `base_dir`):
/// token present or not, when its file last changed, and when the daemon
/// last refreshed an access token with it.
pub fn status(all: Vec<super::Target>, base_dir: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    if all.is_empty() {
        writeln!(out, "no mailbox uses oauth2")?;
    }
    for (target, o, _) in all {
        let present = o.has_token(base_dir);
        let source = match (&o.refresh_token_file, &o.refresh_token_env) {
            (Some(f), _) => {
                let path = resolve(base_dir, f);
                let when = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| jiff::Timestamp::try_from(t).ok())
                    .map(|t| format!(", last saved {}", t.round(jiff::Unit::Second).unwrap_or(t)))
                    .unwrap_or_default();
                let refreshed = super::last_refreshed(&path).map_or_else(
                    || "never".to_string(),
                    |t| t.round(jiff::Unit::Second).unwrap_or(t).to_string(),
                );
                format!(
                    "file {}{when}; access token last refreshed {refreshed}",
                    path.display()
                )
            }
            (None, Some(var)) => {
                format!("env {var}; last refresh not recorded (only with refresh_token_file)")
            }
            (None, None) => "nowhere configured".into(),
        };
        let state = if present {
            "token present"
        } else {
            &format!("NO TOKEN: run `carousel auth login {target}`")
        };
        writeln!(out, "{target}: {state} ({source})")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn device_grant_polls_until_approved_and_saves_the_token() {
        use axum::routing::post;
        let polls = Arc::new(AtomicUsize::new(0));
        let p = polls.clone();
        let app = axum::Router::new()
            .route(
                "/device",
                post(|body: String| async move {
                    assert!(body.contains("client_id=cid"), "{body}");
                    r#"{"device_code":"dc","user_code":"ABCD-EFGH","verification_uri":"https://example.com/device","expires_in":60,"interval":1}"#
                }),
            )
            .route(
                "/token",
                post(move |body: String| {
                    let p = p.clone();
                    async move {
                        assert!(body.contains("device_code=dc"), "{body}");
                        if p.fetch_add(1, Ordering::SeqCst) == 0 {
                            (axum::http::StatusCode::BAD_REQUEST, r#"{"error":"authorization_pending"}"#)
                        } else {
                            (axum::http::StatusCode::OK, r#"{"access_token":"a","refresh_token":"rt-new","expires_in":60}"#)
                        }
                    }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let dir = tempfile::tempdir().unwrap();
        let o = OAuth2Config {
            provider: None,
            tenant: None,
            client_id: "cid".into(),
            client_secret_env: None,
            refresh_token_env: None,
            refresh_token_file: Some("tok".into()),
            token_url: Some(format!("http://{addr}/token")),
            device_url: Some(format!("http://{addr}/device")),
            authorize_url: None,
            scope: Some("mail".into()),
        };
        let mut out = Vec::new();
        login("sales", &o, Use::Imap, dir.path(), &mut out)
            .await
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("https://example.com/device") && out.contains("ABCD-EFGH"),
            "{out}"
        );
        assert!(!out.contains("rt-new"), "token printed: {out}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("tok")).unwrap(),
            "rt-new\n"
        );
        assert_eq!(polls.load(Ordering::SeqCst), 2);
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn status_shows_presence_and_last_refresh() {
        let dir = tempfile::tempdir().unwrap();
        let table: OAuth2Config = toml::from_str(
            "provider = \"google\"\nclient_id = \"cid\"\nrefresh_token_file = \"sales.token\"\n",
        )
        .unwrap();
        let targets = vec![("sales".to_string(), table, Use::Imap)];
        let show = || {
            let mut out = Vec::new();
            status(targets.clone(), dir.path(), &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let before = show();
        assert!(before.contains("sales: NO TOKEN"), "{before}");
        assert!(before.contains("carousel auth login sales"), "{before}");
        assert!(before.contains("last refreshed never"), "{before}");
        let file = dir.path().join("sales.token");
        write_private(&file, "rt-secret").unwrap();
        write_private(
            &super::super::refreshed_marker(&file),
            "2026-12-02T04:30:00.5Z",
        )
        .unwrap();
        let after = show();
        assert!(after.contains("sales: token present"), "{after}");
        assert!(
            after.contains("last refreshed 2026-12-02T04:30:01Z"),
            "{after}"
        );
        assert!(!after.contains("rt-secret"), "{after}");
    }
}
