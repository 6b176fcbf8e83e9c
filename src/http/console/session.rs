//! Who is asking: login with a password (argon2, rate limited), the session
//! cookie, the CSRF token every form carries, and the optional trusted
//! auth-proxy header.
//!
//! Sessions live in memory: a daemon restart asks everyone to log in again,
//! and nothing secret is written to the store. The CSRF token is derived
//! from the session (a keyed hash), so it needs no storage and changes with
//! every login.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::users::{self, User};
use super::{Console, ConsoleConfig};

const SESSION_COOKIE: &str = "carousel_session";
const LOGIN_COOKIE: &str = "carousel_login";
/// Sessions kept at most; the least recently used go first above it.
const MAX_SESSIONS: usize = 10_000;
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The live sessions and the failed-login record.
pub struct Sessions {
    /// Keys the CSRF tokens; new at every start.
    secret: [u8; 32],
    idle: Duration,
    attempts: u32,
    trust_proxy: bool,
    proxy_header: Option<String>,
    /// Session token → (user name, last use).
    live: Mutex<HashMap<String, (String, Instant)>>,
    /// "ip:ADDR" or "user:NAME" → times of recent failed logins.
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Sessions {
    pub fn new(config: &ConsoleConfig) -> Sessions {
        Sessions {
            secret: rand::random(),
            idle: Duration::from_secs(config.session_hours.max(1) * 3600),
            attempts: config.login_attempts.max(1),
            trust_proxy: config.trust_proxy,
            proxy_header: config.auth_proxy_header.clone(),
            live: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Starts a session for `user`; returns its token.
    fn start(&self, user: &str) -> String {
        let token = hex::encode(rand::random::<[u8; 32]>());
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        live.retain(|_, (_, used)| now.duration_since(*used) < self.idle);
        if live.len() >= MAX_SESSIONS
            && let Some(oldest) = live
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
        {
            live.remove(&oldest);
        }
        live.insert(token.clone(), (user.to_string(), now));
        token
    }

    /// The user name of a live session, refreshing its last use.
    fn user_of(&self, token: &str) -> Option<String> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match live.get_mut(token) {
            Some((user, used)) if now.duration_since(*used) < self.idle => {
                *used = now;
                Some(user.clone())
            }
            Some(_) => {
                live.remove(token);
                None
            }
            None => None,
        }
    }

    fn end(&self, token: &str) {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }

    /// The CSRF token of a session (or of a proxy-authenticated user).
    fn csrf_for(&self, session_key: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.secret);
        h.update(b"csrf\0");
        h.update(session_key.as_bytes());
        hex::encode(&h.finalize()[..16])
    }

    /// True when `key` has used up its failed logins in the window.
    fn locked_out(&self, keys: &[String]) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        keys.iter().any(|k| {
            failures.get_mut(k).is_some_and(|times| {
                times.retain(|t| now.duration_since(*t) < LOGIN_WINDOW);
                times.len() >= self.attempts as usize
            })
        })
    }

    fn failed(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        // Bounded: forget keys whose failures are all old.
        if failures.len() > MAX_SESSIONS {
            failures.retain(|_, t| t.iter().any(|t| now.duration_since(*t) < LOGIN_WINDOW));
        }
        for k in keys {
            failures.entry(k.clone()).or_default().push(now);
        }
    }

    fn succeeded(&self, user_key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(user_key);
    }

    fn cookie(&self, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        if self.trust_proxy {
            c.push_str("; Secure");
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// A signed-in user, for handlers: who, the `[[rep]]` they are (linked by
/// email), and the CSRF token their forms must carry.
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: User,
    pub rep: Option<String>,
    pub csrf: String,
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<Console> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self, Response> {
        let sessions = &console.sessions;
        let store = &console.stage.intake.store;
        let found = if let Some(email) = sessions
            .proxy_header
            .as_deref()
            .and_then(|h| parts.headers.get(h))
            .and_then(|v| v.to_str().ok())
        {
            users::by_email(store, email)
                .ok()
                .flatten()
                .map(|u| (u, format!("proxy:{}", email.trim().to_lowercase())))
        } else {
            cookie_value(&parts.headers, SESSION_COOKIE)
                .and_then(|token| {
                    let name = sessions.user_of(token)?;
                    Some((name, token.to_string()))
                })
                .and_then(|(name, token)| {
                    // Read again each time: a removed user is out at once.
                    users::by_name(store, &name)
                        .ok()
                        .flatten()
                        .map(|u| (u, token))
                })
        };
        let Some((user, key)) = found else {
            let next = parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            let target = format!("/login?next={}", urlencode(&next));
            return Err(Redirect::to(&target).into_response());
        };
        let rep = console
            .stage
            .config
            .rep
            .iter()
            .find(|r| r.email.eq_ignore_ascii_case(&user.email))
            .map(|r| r.name.clone());
        Ok(Signed {
            rep,
            csrf: sessions.csrf_for(&key),
            user,
        })
    }
}

/// A form posted by a signed-in user whose CSRF token matched. Every
/// console POST takes one, so no form can skip the check.
pub struct Checked {
    pub who: Signed,
    pub form: HashMap<String, String>,
}

impl Checked {
    /// A field, trimmed; empty is absent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

impl FromRequest<Console> for Checked {
    type Rejection = Response;

    async fn from_request(request: Request, console: &Console) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let who = Signed::from_request_parts(&mut parts, console).await?;
        let request = Request::from_parts(parts, body);
        let axum::Form(form): axum::Form<HashMap<String, String>> =
            axum::Form::from_request(request, console)
                .await
                .map_err(|e| e.into_response())?;
        if !form
            .get("csrf")
            .is_some_and(|t| constant_time_eq(t.as_bytes(), who.csrf.as_bytes()))
        {
            tracing::warn!(user = %who.user.name, "console form refused: missing or wrong CSRF token");
            return Err(console.message(
                &who,
                StatusCode::FORBIDDEN,
                "Form refused",
                "This form did not carry a valid security token. Reload the page and try again.",
            ));
        }
        Ok(Checked { who, form })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.into(),
        _ => "/".into(),
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /login`: the form, with a fresh login CSRF token (double submit:
/// cookie and hidden field must match).
pub async fn login_page(State(console): State<Console>, Query(q): Query<LoginQuery>) -> Response {
    login_form(&console, q.next.as_deref(), None, StatusCode::OK)
}

fn login_form(
    console: &Console,
    next: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = hex::encode(rand::random::<[u8; 16]>());
    let mut response = console.render(
        "login.html",
        minijinja::context! {
            csrf => token.clone(), next => safe_next(next), error => error,
        },
    );
    *response.status_mut() = status;
    response.headers_mut().append(
        header::SET_COOKIE,
        console.sessions.cookie(LOGIN_COOKIE, &token, Some(3600)),
    );
    response
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// `POST /login`: checks the login CSRF pair, the rate limit, then the
/// password; starts a session on success.
pub async fn login(
    State(console): State<Console>,
    Peer(peer): Peer,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    let sessions = console.sessions.clone();
    let next = form.next.as_deref();
    if cookie_value(&headers, LOGIN_COOKIE)
        .is_none_or(|c| c.is_empty() || !constant_time_eq(c.as_bytes(), form.csrf.as_bytes()))
    {
        return login_form(
            &console,
            next,
            Some("The login form expired. Please try again."),
            StatusCode::FORBIDDEN,
        );
    }
    let client = client_address(&sessions, peer, &headers);
    let user_key = format!("user:{}", form.user.trim().to_lowercase());
    let keys = vec![format!("ip:{client}"), user_key.clone()];
    if sessions.locked_out(&keys) {
        tracing::warn!(client = %client, "console login refused: too many failed attempts");
        return login_form(
            &console,
            next,
            Some("Too many failed logins. Wait 15 minutes and try again."),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let store = console.stage.intake.store.clone();
    let (name, password) = (form.user.clone(), form.password.clone());
    let checked = super::blocking(move || {
        let user = match users::by_name(&store, &name)? {
            Some(u) => Some(u),
            None => users::by_email(&store, &name)?,
        };
        Ok(user.filter(|u| users::verify_password(u, &password)))
    })
    .await;
    match checked {
        Ok(Some(user)) => {
            sessions.succeeded(&user_key);
            let token = sessions.start(&user.name);
            tracing::info!(user = %user.name, "console login");
            let mut response = Redirect::to(&safe_next(next)).into_response();
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                sessions.cookie(SESSION_COOKIE, &token, None),
            );
            h.append(
                header::SET_COOKIE,
                sessions.cookie(LOGIN_COOKIE, "", Some(0)),
            );
            response
        }
        Ok(None) => {
            sessions.failed(&keys);
            tracing::info!(client = %client, "console login failed");
            login_form(
                &console,
                next,
                Some("Unknown user or wrong password."),
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(e) => {
            tracing::error!("console login: {e:#}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "login failed; see the daemon's log\n",
            )
                .into_response()
        }
    }
}

/// The client's address: the peer, or the first `X-Forwarded-For` entry
/// behind a trusted proxy.
fn client_address(sessions: &Sessions, peer: Option<SocketAddr>, headers: &HeaderMap) -> String {
    if sessions.trust_proxy
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return forwarded.trim().to_string();
    }
    peer.map_or_else(|| "unknown".into(), |p| p.ip().to_string())
}

/// The TCP peer, when the listener recorded it.
pub struct Peer(Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(p)| *p),
        ))
    }
}

/// `POST /logout` (CSRF checked like every form).
pub async fn logout(State(console): State<Console>, headers: HeaderMap, form: Checked) -> Response {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        console.sessions.end(token);
    }
    tracing::info!(user = %form.who.user.name, "console logout");
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        console.sessions.cookie(SESSION_COOKIE, "", Some(0)),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_logins_lock_out_after_the_limit() {
        let s = Sessions::new(&ConsoleConfig {
            login_attempts: 2,
            ..ConsoleConfig::default()
        });
        let keys = vec!["ip:1".to_string(), "user:dana".to_string()];
        assert!(!s.locked_out(&keys));
        s.failed(&keys);
        assert!(!s.locked_out(&keys));
        s.failed(&keys);
        assert!(s.locked_out(&keys));
        assert!(s.locked_out(&["user:dana".to_string()]));
        assert!(!s.locked_out(&["ip:2".to_string(), "user:lee".to_string()]));
    }

    #[test]
    fn sessions_have_their_own_csrf_token_and_end() {
        let s = Sessions::new(&ConsoleConfig::default());
        let a = s.start("dana");
        let b = s.start("dana");
        assert_eq!(s.user_of(&a).as_deref(), Some("dana"));
        assert_ne!(s.csrf_for(&a), s.csrf_for(&b));
        s.end(&a);
        assert_eq!(s.user_of(&a), None);
        assert!(
            s.cookie(SESSION_COOKIE, "x", None)
                .to_str()
                .unwrap()
                .contains("HttpOnly; SameSite=Lax")
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/leads?view=all")), "/leads?view=all");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
