//! carousel: a daemon that turns a company's inbound email into sales results.
//! The modules are a stack (DESIGN.md "Layout", checked by tests/layering.rs):
//! `understand` → `store` → `ingest` → `qualify`/`route` → `outbox` →
//! `nurture` → `act` → `report` → `config` → `http` → `daemon`, with leaves
//! any module may use (`net`, `oauth2`, `wake`, `duration`, `shutdown`,
//! `metrics`, `fault`).

pub mod abuse;
pub mod act;
pub mod backup;
pub mod blocking;
pub mod config;
pub mod daemon;
pub mod deliverability;
pub mod duration;
pub mod fault;
pub mod handoff;
pub mod http;
pub mod ingest;
pub mod inspect;
pub mod metrics;
pub mod net;
pub mod nurture;
pub mod oauth2;
pub mod outbox;
pub mod qualify;
pub mod report;
pub mod route;
pub mod shutdown;
pub mod store;
pub mod understand;
pub mod wake;
