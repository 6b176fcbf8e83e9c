//! OAuth 2.0 for IMAP and SMTP: the `oauth2 = {…}` table of a connection,
//! the token source that turns a refresh token into short-lived access
//! tokens (cached until shortly before `expires_in`, refreshed on expiry and
//! after an authentication failure, a rotated refresh token saved atomically
//! with mode 0600), and the SASL framing in [`sasl`]. A leaf any module may
//! use. Tokens never reach a log line or an error message: [`Secret`]'s
//! `Debug` hides them and errors name only the mailbox and the endpoint.

pub mod device;
pub mod imap;
pub mod loopback;
pub mod sasl;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

/// A known identity provider: fills in the endpoints and scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Google,
    Microsoft,
}

/// What a connection is used for (Microsoft scopes differ for IMAP and SMTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Imap,
    Smtp,
}

/// `oauth2 = { … }` on `imap = {…}`, `[outbox.smtp]` and the archive imap.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Config {
    pub provider: Option<Provider>,
    /// Microsoft tenant (id or domain); default `common`.
    pub tenant: Option<String>,
    pub client_id: String,
    /// Environment variable holding the client secret (absent for public clients).
    pub client_secret_env: Option<String>,
    pub refresh_token_env: Option<String>,
    pub refresh_token_file: Option<PathBuf>,
    /// Token endpoint for any other server (overrides the provider's).
    pub token_url: Option<String>,
    /// Device authorization endpoint (RFC 8628) for `carousel auth login`.
    pub device_url: Option<String>,
    /// Authorization endpoint for the loopback redirect login (RFC 8252 + PKCE).
    pub authorize_url: Option<String>,
    /// Space-separated scopes (overrides the provider's).
    pub scope: Option<String>,
}

impl OAuth2Config {
    pub fn token_url(&self) -> Option<String> {
        if let Some(u) = &self.token_url {
            return Some(u.clone());
        }
        match self.provider? {
            Provider::Google => Some("https://oauth2.googleapis.com/token".into()),
            Provider::Microsoft => Some(format!(
                "https://login.microsoftonline.com/{}/oauth2/v2.0/token",
                self.tenant.as_deref().unwrap_or("common")
            )),
        }
    }

    pub fn device_url(&self) -> Option<String> {
        if let Some(u) = &self.device_url {
            return Some(u.clone());
        }
        match self.provider? {
            Provider::Google => Some("https://oauth2.googleapis.com/device/code".into()),
            Provider::Microsoft => Some(format!(
                "https://login.microsoftonline.com/{}/oauth2/v2.0/devicecode",
                self.tenant.as_deref().unwrap_or("common")
            )),
        }
    }

    /// The authorization endpoint of the loopback redirect login (RFC 8252).
    pub fn authorize_url(&self) -> Option<String> {
        if let Some(u) = &self.authorize_url {
            return Some(u.clone());
        }
        match self.provider? {
            Provider::Google => Some("https://accounts.google.com/o/oauth2/v2/auth".into()),
            Provider::Microsoft => Some(format!(
                "https://login.microsoftonline.com/{}/oauth2/v2.0/authorize",
                self.tenant.as_deref().unwrap_or("common")
            )),
        }
    }

    /// The scopes to ask for (`None`: send no `scope`).
    pub fn scope(&self, what: Use) -> Option<String> {
        if let Some(s) = &self.scope {
            return Some(s.clone());
        }
        match (self.provider?, what) {
            (Provider::Google, _) => Some("https://mail.google.com/".into()),
            (Provider::Microsoft, Use::Imap) => {
                Some("https://outlook.office.com/IMAP.AccessAsUser.All offline_access".into())
            }
            (Provider::Microsoft, Use::Smtp) => {
                Some("https://outlook.office.com/SMTP.Send offline_access".into())
            }
        }
    }

    /// Problems `check` reports (`what` names the connection).
    pub fn problems(&self, what: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.client_id.trim().is_empty() {
            out.push(format!("{what}: oauth2 needs `client_id`"));
        }
        match self.token_url() {
            None => out.push(format!(
                "{what}: oauth2 needs `provider = \"google\"` or `\"microsoft\"`, or a `token_url`"
            )),
            Some(url) => {
                if let Err(e) = check_endpoint(&url) {
                    out.push(format!("{what}: oauth2 token_url: {e}"));
                }
            }
        }
        if let Some(url) = &self.device_url
            && let Err(e) = check_endpoint(url)
        {
            out.push(format!("{what}: oauth2 device_url: {e}"));
        }
        if let Some(url) = &self.authorize_url
            && let Err(e) = check_endpoint(url)
        {
            out.push(format!("{what}: oauth2 authorize_url: {e}"));
        }
        match (&self.refresh_token_env, &self.refresh_token_file) {
            (None, None) => out.push(format!(
                "{what}: oauth2 needs `refresh_token_env` or `refresh_token_file`"
            )),
            (Some(_), Some(_)) => out.push(format!(
                "{what}: oauth2 sets both `refresh_token_env` and `refresh_token_file`: pick one"
            )),
            _ => {}
        }
        if self.provider != Some(Provider::Microsoft) && self.tenant.is_some() {
            out.push(format!(
                "{what}: oauth2 `tenant` only applies to provider = \"microsoft\""
            ));
        }
        out
    }

    /// Whether a refresh token is there to use (for `check` and `auth status`).
    pub fn has_token(&self, base: &Path) -> bool {
        if let Some(var) = &self.refresh_token_env {
            return std::env::var(var).is_ok_and(|v| !v.trim().is_empty());
        }
        if let Some(f) = &self.refresh_token_file {
            return std::fs::read_to_string(resolve(base, f)).is_ok_and(|v| !v.trim().is_empty());
        }
        false
    }
}

/// One OAuth2 login of a config: target (a mailbox name, `outbox` or
/// `archive`), its table, and what it logs in to. `Config::oauth2_targets`
/// lists them.
pub type Target = (String, OAuth2Config, Use);

pub(crate) fn resolve(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Token endpoints must be https, except on loopback.
pub fn check_endpoint(url: &str) -> Result<(), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("{url:?} is not a URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http"
            if host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback()) =>
        {
            Ok(())
        }
        "http" => Err(format!(
            "{url} must use https (plain http only to localhost)"
        )),
        _ => Err(format!("{url} must be an https URL")),
    }
}

/// A token or secret. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<secret>")
    }
}

/// Why no access token could be had. Never contains a token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The refresh token is expired or revoked: only a person can fix it.
    #[error(
        "{target}: the OAuth2 refresh token was refused ({code}); run `carousel auth login {target}`"
    )]
    Refused { target: String, code: String },
    #[error("{target}: no OAuth2 refresh token yet ({where_}); run `carousel auth login {target}`")]
    Missing { target: String, where_: String },
    #[error("{0}: OAuth2 configuration: {1}")]
    Config(String, String),
    /// Network trouble or a 5xx: retry later.
    #[error("{target}: token endpoint {url}: {reason}")]
    Endpoint {
        target: String,
        url: String,
        reason: String,
    },
}

impl TokenError {
    /// A person must run `carousel auth login`.
    pub fn needs_login(&self) -> bool {
        matches!(
            self,
            TokenError::Refused { .. } | TokenError::Missing { .. }
        )
    }
}

/// Finds a [`TokenError`] needing a login anywhere in an error chain.
pub fn needs_login(e: &anyhow::Error) -> Option<&TokenError> {
    e.chain()
        .filter_map(|c| c.downcast_ref::<TokenError>())
        .find(|t| t.needs_login())
}

#[derive(Default)]
struct State {
    access: Option<(Secret, Instant)>,
    /// A rotated refresh token not (yet) in the file / the one env had.
    refresh: Option<Secret>,
}

/// Access tokens for one connection (`target` is the mailbox name,
/// `outbox` or `archive`). Shared by every connection to that account.
pub struct TokenSource {
    pub target: String,
    config: OAuth2Config,
    use_: Use,
    base: PathBuf,
    state: tokio::sync::Mutex<State>,
    /// When the last refresh succeeded (for `auth status` and `/health`).
    last_refresh: Mutex<Option<SystemTime>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

fn registry() -> &'static Mutex<HashMap<String, Arc<TokenSource>>> {
    static R: OnceLock<Mutex<HashMap<String, Arc<TokenSource>>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

/// The process-wide token source for `target` (so reconnects reuse the cached
/// token); a changed config replaces it.
pub fn source(target: &str, config: &OAuth2Config, use_: Use, base: &Path) -> Arc<TokenSource> {
    let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = map.get(target)
        && s.config == *config
        && s.base == base
    {
        return s.clone();
    }
    let s = Arc::new(TokenSource::new(target, config.clone(), use_, base));
    map.insert(target.to_string(), s.clone());
    s
}

/// How long before `expires_in` a token counts as expired.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 4).min(Duration::from_secs(60))
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<serde_json::Value>,
    refresh_token: Option<String>,
    error: Option<String>,
}

impl TokenSource {
    pub fn new(target: &str, config: OAuth2Config, use_: Use, base: &Path) -> TokenSource {
        TokenSource {
            target: target.to_string(),
            config,
            use_,
            base: base.to_path_buf(),
            state: tokio::sync::Mutex::new(State::default()),
            last_refresh: Mutex::new(None),
        }
    }

    pub fn last_refresh(&self) -> Option<SystemTime> {
        *self.last_refresh.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A valid access token: the cached one, else a fresh one.
    pub async fn access_token(&self) -> Result<Secret, TokenError> {
        let mut state = self.state.lock().await;
        if let Some((token, until)) = &state.access
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        state.access = None;
        self.refresh(&mut state).await
    }

    /// Forgets the cached access token (after the server refused it).
    pub async fn invalidate(&self) {
        self.state.lock().await.access = None;
    }

    fn refresh_token(&self, state: &State) -> Result<Secret, TokenError> {
        if let Some(t) = &state.refresh {
            return Ok(t.clone());
        }
        let missing = |where_: String| TokenError::Missing {
            target: self.target.clone(),
            where_,
        };
        if let Some(var) = &self.config.refresh_token_env {
            return match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
                _ => Err(missing(format!("environment variable {var} is not set"))),
            };
        }
        if let Some(f) = &self.config.refresh_token_file {
            let path = resolve(&self.base, f);
            return match std::fs::read_to_string(&path) {
                Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
                _ => Err(missing(format!("{} is missing or empty", path.display()))),
            };
        }
        Err(missing("no refresh_token_env or refresh_token_file".into()))
    }

    async fn refresh(&self, state: &mut State) -> Result<Secret, TokenError> {
        let refresh = self.refresh_token(state)?;
        let url = self
            .config
            .token_url()
            .ok_or_else(|| TokenError::Config(self.target.clone(), "no token_url".into()))?;
        check_endpoint(&url).map_err(|e| TokenError::Config(self.target.clone(), e))?;
        let mut form: Vec<(&str, String)> = vec![
            ("grant_type", "refresh_token".into()),
            ("refresh_token", refresh.0.clone()),
            ("client_id", self.config.client_id.clone()),
        ];
        if let Some(secret) = self.client_secret()? {
            form.push(("client_secret", secret.0));
        }
        if let Some(scope) = self.config.scope(self.use_) {
            form.push(("scope", scope));
        }
        let answer = post_form(&self.target, &url, &form).await?;
        let (status, body) = answer;
        let parsed: Option<TokenAnswer> = serde_json::from_slice(&body).ok();
        let endpoint = |reason: String| TokenError::Endpoint {
            target: self.target.clone(),
            url: url.clone(),
            reason,
        };
        let Some(parsed) = parsed else {
            return Err(endpoint(format!("HTTP {status}, answer is not JSON")));
        };
        if let Some(code) = parsed.error {
            // invalid_grant: expired or revoked; invalid_client etc. also need a person.
            let code = sanitize(&code);
            return Err(
                if status.is_server_error() || code == "temporarily_unavailable" {
                    endpoint(format!("HTTP {status}, error {code}"))
                } else {
                    TokenError::Refused {
                        target: self.target.clone(),
                        code,
                    }
                },
            );
        }
        let Some(access) = parsed.access_token.filter(|a| !a.is_empty()) else {
            return Err(endpoint(format!("HTTP {status}, no access_token")));
        };
        let lifetime = parsed
            .expires_in
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .map_or(Duration::from_secs(3600), Duration::from_secs);
        let until = Instant::now() + lifetime - margin(lifetime);
        if let Some(new) = parsed
            .refresh_token
            .filter(|r| !r.is_empty() && *r != refresh.0)
        {
            let new = Secret(new);
            if let Some(f) = &self.config.refresh_token_file {
                let path = resolve(&self.base, f);
                if let Err(e) = write_private(&path, new.expose()) {
                    tracing::error!(target_name = %self.target, "cannot save the rotated refresh token to {}: {e}", path.display());
                }
            }
            state.refresh = Some(new);
        }
        tracing::debug!(target_name = %self.target, lifetime_secs = lifetime.as_secs(), "OAuth2 access token refreshed");
        *self.last_refresh.lock().unwrap_or_else(|p| p.into_inner()) = Some(SystemTime::now());
        if let Some(f) = &self.config.refresh_token_file {
            let marker = refreshed_marker(&resolve(&self.base, f));
            if let Err(e) = write_private(&marker, &jiff::Timestamp::now().to_string()) {
                tracing::warn!(target_name = %self.target, "cannot record the refresh time in {}: {e}", marker.display());
            }
        }
        let token = Secret(access);
        state.access = Some((token.clone(), until));
        Ok(token)
    }

    fn client_secret(&self) -> Result<Option<Secret>, TokenError> {
        match &self.config.client_secret_env {
            None => Ok(None),
            Some(var) => std::env::var(var).map(|v| Some(Secret(v))).map_err(|_| {
                TokenError::Config(
                    self.target.clone(),
                    format!("environment variable {var} (client_secret_env) is not set"),
                )
            }),
        }
    }
}

/// The `carousel_oauth2_login_required{target}` gauge: 1 while a person must
/// run `carousel auth login TARGET`.
pub fn report_login_required(target: &str, required: bool) {
    metrics::gauge!("carousel_oauth2_login_required", "target" => target.to_string())
        .set(if required { 1.0 } else { 0.0 });
}

/// Error codes come from the server: keep them short and printable.
pub(crate) fn sanitize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(64)
        .collect()
}

fn http_client() -> Result<&'static reqwest::Client, String> {
    static C: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    C.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("HTTP client: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// POSTs a form; answers status and body. Errors never include the form.
pub(crate) async fn post_form(
    target: &str,
    url: &str,
    form: &[(&str, String)],
) -> Result<(reqwest::StatusCode, Vec<u8>), TokenError> {
    let endpoint = |reason: String| TokenError::Endpoint {
        target: target.to_string(),
        url: url.to_string(),
        reason,
    };
    let client = http_client().map_err(endpoint)?;
    let resp = client
        .post(url)
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        // without_url: reqwest errors may carry the URL only; the body is never in them.
        .map_err(|e| endpoint(e.without_url().to_string()))?;
    let status = resp.status();
    let body = resp
        .bytes()
        .await
        .map_err(|e| endpoint(e.without_url().to_string()))?;
    Ok((status, body.to_vec()))
}

/// Where the token source records, in RFC 3339, when it last refreshed an
/// access token with the refresh token in `file` (`<file>.refreshed`), for
/// `carousel auth status`.
pub fn refreshed_marker(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".refreshed");
    file.with_file_name(name)
}

/// When the daemon last refreshed an access token from `file` (see
/// [`refreshed_marker`]); `None` when it never did.
pub fn last_refreshed(file: &Path) -> Option<jiff::Timestamp> {
    std::fs::read_to_string(refreshed_marker(file))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Writes `text` to `path` atomically (temp file, fsync, rename) with mode 0600.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    // A temp name of its own per write: `tok` and `tok.refreshed` never share one.
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".tmp{}.{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = path.with_file_name(name);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> OAuth2Config {
        OAuth2Config {
            provider: None,
            tenant: None,
            client_id: "id".into(),
            client_secret_env: None,
            refresh_token_env: Some("X".into()),
            refresh_token_file: None,
            token_url: Some("https://auth.example.com/token".into()),
            device_url: None,
            authorize_url: None,
            scope: None,
        }
    }

    #[test]
    fn endpoints_must_be_https_unless_local() {
        assert!(check_endpoint("https://auth.example.com/token").is_ok());
        assert!(check_endpoint("http://127.0.0.1:8080/token").is_ok());
        assert!(check_endpoint("http://localhost/token").is_ok());
        assert!(check_endpoint("http://[::1]:9/token").is_ok());
        assert!(check_endpoint("http://auth.example.com/token").is_err());
        assert!(check_endpoint("http://127.0.0.1.evil.com/token").is_err());
        assert!(check_endpoint("ftp://x/").is_err());
        assert!(check_endpoint("nonsense").is_err());
    }

    #[test]
    fn providers_fill_endpoints_and_scopes() {
        let mut c = cfg();
        c.token_url = None;
        assert!(c.problems("m").iter().any(|p| p.contains("token_url")));
        c.provider = Some(Provider::Microsoft);
        c.tenant = Some("acme.com".into());
        assert_eq!(
            c.token_url().as_deref(),
            Some("https://login.microsoftonline.com/acme.com/oauth2/v2.0/token")
        );
        assert!(c.scope(Use::Smtp).unwrap().contains("SMTP.Send"));
        assert!(
            c.scope(Use::Imap)
                .unwrap()
                .contains("IMAP.AccessAsUser.All")
        );
        assert!(c.scope(Use::Imap).unwrap().contains("offline_access"));
        assert!(c.problems("m").is_empty());
        c.provider = Some(Provider::Google);
        assert!(c.problems("m").iter().any(|p| p.contains("tenant")));
        c.tenant = None;
        assert_eq!(
            c.scope(Use::Imap).as_deref(),
            Some("https://mail.google.com/")
        );
        c.refresh_token_env = None;
        assert!(
            c.problems("m")
                .iter()
                .any(|p| p.contains("refresh_token_env"))
        );
    }

    #[test]
    fn secret_debug_hides_value() {
        let s = Secret::new("abc123");
        assert_eq!(format!("{s:?}"), "<secret>");
        let e = TokenError::Refused {
            target: "sales".into(),
            code: "invalid_grant".into(),
        };
        assert!(e.to_string().contains("carousel auth login sales"));
        assert!(e.needs_login());
    }

    #[test]
    fn private_write_is_0600_and_atomic() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/token");
        write_private(&p, "one").unwrap();
        write_private(&p, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two\n");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    /// A token endpoint on loopback: refresh token `r1` → access `a1`,
    /// rotating to `r2`; `r2` → `a2` (no rotation); anything else → invalid_grant.
    async fn token_server(hits: Arc<std::sync::atomic::AtomicUsize>) -> String {
        use axum::routing::post;
        let app = axum::Router::new().route(
            "/token",
            post(move |body: String| {
                let hits = hits.clone();
                async move {
                    hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let form: HashMap<String, String> = body
                        .split('&')
                        .filter_map(|kv| kv.split_once('='))
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    assert_eq!(form.get("grant_type").map(String::as_str), Some("refresh_token"));
                    assert_eq!(form.get("client_id").map(String::as_str), Some("id"));
                    let (code, json) = match form.get("refresh_token").map(String::as_str) {
                        Some("r1") => (200, r#"{"access_token":"a1","token_type":"Bearer","expires_in":3600,"refresh_token":"r2"}"#),
                        Some("r2") => (200, r#"{"access_token":"a2","token_type":"Bearer","expires_in":"3600"}"#),
                        _ => (400, r#"{"error":"invalid_grant"}"#),
                    };
                    (axum::http::StatusCode::from_u16(code).unwrap(), json)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/token")
    }

    #[tokio::test]
    async fn refreshes_caches_rotates_and_reports_refusal() {
        use std::sync::atomic::Ordering;
        let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let url = token_server(hits.clone()).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("refresh");
        std::fs::write(&file, "r1\n").unwrap();
        let mut c = cfg();
        c.token_url = Some(url);
        c.refresh_token_env = None;
        c.refresh_token_file = Some("refresh".into());
        let source = TokenSource::new("sales", c.clone(), Use::Imap, dir.path());
        assert_eq!(source.access_token().await.unwrap().expose(), "a1");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "r2\n",
            "rotated token saved"
        );
        // Cached: no second call.
        assert_eq!(source.access_token().await.unwrap().expose(), "a1");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(source.last_refresh().is_some());
        let when = last_refreshed(&file).expect("refresh time recorded next to the token");
        assert!(jiff::Timestamp::now().duration_since(when).as_secs() < 60);
        assert!(dir.path().join("refresh.refreshed").exists());
        // After a refused login: a fresh one with the rotated refresh token.
        source.invalidate().await;
        assert_eq!(source.access_token().await.unwrap().expose(), "a2");
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        // A revoked refresh token: a login-needed error naming the command, no token in it.
        std::fs::write(&file, "revoked-secret\n").unwrap();
        let source = TokenSource::new("sales", c, Use::Imap, dir.path());
        let e = source.access_token().await.unwrap_err();
        assert!(e.needs_login());
        let text = e.to_string();
        assert!(text.contains("carousel auth login sales"), "{text}");
        assert!(!text.contains("revoked-secret"), "{text}");
        // Missing file: also a login-needed error.
        std::fs::remove_file(&file).unwrap();
        let mut c = cfg();
        c.refresh_token_env = None;
        c.refresh_token_file = Some(file.clone());
        let e = TokenSource::new("sales", c, Use::Imap, dir.path())
            .access_token()
            .await
            .unwrap_err();
        assert!(matches!(e, TokenError::Missing { .. }));
    }

    #[test]
    fn margin_is_short_for_short_tokens() {
        assert_eq!(margin(Duration::from_secs(4)), Duration::from_secs(1));
        assert_eq!(margin(Duration::from_secs(3600)), Duration::from_secs(60));
    }
}
