//! carousel: a daemon that turns a company's inbound email into sales results.
//! The modules follow the pipeline: sources (`ingest`) → `understand` →
//! `store` → act (`qualify`, `route`, `nurture`, `outbox`) → `report`.

pub mod abuse;
pub mod act;
pub mod backup;
pub mod blocking;
pub mod config;
pub mod daemon;
pub mod deliverability;
pub mod fault;
pub mod http;
pub mod ingest;
pub mod inspect;
pub mod listing;
pub mod metrics;
pub mod nurture;
pub mod oauth2;
pub mod outbox;
pub mod qualify;
pub mod report;
pub mod route;
pub mod shutdown;
pub mod store;
pub mod understand;
