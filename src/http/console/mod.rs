//! The web console: server-rendered pages for reps, managers, marketers and
//! operators on the daemon's `[http]` listener, at `/` (off with
//! `[console] enabled = false`).
//!
//! It owns users and roles ([`users`]), login and sessions with CSRF tokens
//! ([`session`]), and one module per area: [`leads`], [`review`],
//! [`nurture`], [`reports`] (reports and the operator page); [`learn`]
//! writes the provider rules a lead fix or a review teaches. Pages are
//! minijinja templates compiled into the binary from
//! `src/console/templates/` (`.html`, autoescaped: a lead named
//! `<script>` prints as text). Every change a page makes goes through the
//! same `act` functions the CLI verbs call.
//!
//! Pages work without JavaScript; `assets/console.js` only adds the live
//! lead list (polling a fragment) and the template editor's live preview.

pub mod leads;
pub mod learn;
pub mod nurture;
pub mod reports;
pub mod review;
pub mod session;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::Environment;

use crate::http::StageContext;
use session::{Sessions, Signed};
use users::Role;

pub use crate::config::ConsoleConfig;

/// Shared state of the console's handlers. Cheap to clone.
#[derive(Clone)]
pub struct Console {
    pub stage: StageContext,
    pages: Arc<Environment<'static>>,
    pub sessions: Arc<Sessions>,
}

/// The page templates, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("message.html", include_str!("templates/message.html")),
    ("leads.html", include_str!("templates/leads.html")),
    ("lead_rows.html", include_str!("templates/lead_rows.html")),
    ("lead.html", include_str!("templates/lead.html")),
    ("review.html", include_str!("templates/review.html")),
    ("reports.html", include_str!("templates/reports.html")),
    ("operator.html", include_str!("templates/operator.html")),
    ("nurture.html", include_str!("templates/nurture.html")),
    ("template.html", include_str!("templates/template.html")),
    ("preview.html", include_str!("templates/preview.html")),
];

const SCRIPT: &str = include_str!("../../../assets/console.js");
const STYLE: &str = include_str!("../../../assets/console.css");

/// The page environment: `.html` autoescaped (minijinja's default for the
/// extension); a missing optional value prints nothing.
pub fn page_environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("console templates compile (checked by the unit tests)");
    }
    env
}

impl Console {
    pub fn new(stage: StageContext) -> Console {
        let config = stage.config.console.clone();
        Console {
            stage,
            pages: Arc::new(page_environment()),
            sessions: Arc::new(Sessions::new(&config)),
        }
    }

    /// Renders a page for a signed-in user: `context` plus the user, the
    /// CSRF token and the navigation every page shows.
    pub fn page(&self, who: &Signed, name: &str, context: minijinja::Value) -> Response {
        let base = minijinja::context! {
            user => who.user.name.clone(),
            role => who.user.role.as_str(),
            rep => who.rep.clone(),
            csrf => who.csrf.clone(),
            nav => nav(who.user.role),
        };
        self.render(name, minijinja::context! { ..context, ..base })
    }

    /// Renders a template to a 200 page (a 500 naming the template when
    /// rendering fails: a console bug, not the user's).
    pub fn render(&self, name: &str, context: minijinja::Value) -> Response {
        match self
            .pages
            .get_template(name)
            .and_then(|t| t.render(context))
        {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!("console page {name}: {e:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the console could not render this page; see the daemon's log\n",
                )
                    .into_response()
            }
        }
    }

    /// A short page with one message (refusals, errors of an action).
    pub fn message(&self, who: &Signed, status: StatusCode, title: &str, text: &str) -> Response {
        let mut response = self.page(
            who,
            "message.html",
            minijinja::context! { title => title, text => text },
        );
        *response.status_mut() = status;
        response
    }

    /// The answer to a page the user's role does not open.
    pub fn forbidden(&self, who: &Signed) -> Response {
        self.message(
            who,
            StatusCode::FORBIDDEN,
            "Not for your role",
            &format!(
                "A {} cannot open this page. Ask a manager if you need it.",
                who.user.role.as_str()
            ),
        )
    }
}

/// The menu for a role: (path, label).
fn nav(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut items = Vec::new();
    if role.works_leads() {
        items.push(("/leads?view=mine", "My leads"));
        items.push(("/leads?view=unclaimed", "Unclaimed"));
        items.push(("/leads?view=all", "All leads"));
    }
    if role.reviews() {
        items.push(("/review", "Needs review"));
    }
    if role.reads_reports() {
        items.push(("/reports", "Reports"));
    }
    if role.edits_nurture() {
        items.push(("/nurture", "Nurture"));
    }
    if role.operates() {
        items.push(("/operator", "Operator"));
    }
    items
}

/// The console's routes, or none when `[console] enabled = false`.
pub fn router(stage: StageContext) -> Router {
    if !stage.config.console.enabled {
        return Router::new();
    }
    let console = Console::new(stage);
    Router::new()
        .route("/", get(home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/assets/console.js", get(script))
        .route("/assets/console.css", get(style))
        .route("/leads", get(leads::list))
        .route("/leads/rows", get(leads::rows))
        .route("/leads/{id}", get(leads::show))
        .route("/leads/{id}/claim", post(leads::claim))
        .route("/leads/{id}/reassign", post(leads::reassign))
        .route("/leads/{id}/convert", post(leads::convert))
        .route("/leads/{id}/close", post(leads::close))
        .route("/leads/{id}/fix", post(leads::fix))
        .route("/review", get(review::list))
        .route("/review/{message}", post(review::decide))
        .route("/reports", get(reports::report))
        .route("/operator", get(reports::operator))
        .route("/nurture", get(nurture::overview))
        .route(
            "/nurture/templates/{name}",
            get(nurture::editor).post(nurture::save),
        )
        .route("/nurture/preview", post(nurture::preview))
        .route("/nurture/test", post(nurture::send_test))
        .with_state(console)
        .layer(axum::middleware::map_response(security_headers))
}

/// Headers on every console answer: no inline or remote script, no remote
/// images (an email preview cannot call home), no framing by other sites.
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    response
}

/// `/`: the first page of the user's role.
async fn home(who: Signed) -> Redirect {
    let role = who.user.role;
    Redirect::to(if role.works_leads() {
        "/leads?view=mine"
    } else if role.edits_nurture() {
        "/nurture"
    } else {
        "/operator"
    })
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

/// Runs blocking store work off the async runtime; a panic or join error
/// becomes an error like any other.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| anyhow::anyhow!("console task failed: {e}"))?
}

/// State extractor shorthand.
pub type ConsoleState = State<Console>;

#[cfg(test)]
mod tests {
    #[test]
    fn every_page_template_compiles() {
        let env = super::page_environment();
        for (name, _) in super::TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
    }
}
