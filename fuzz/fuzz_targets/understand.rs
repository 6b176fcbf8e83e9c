//! `carousel::understand::understand` on arbitrary bytes, with a context that
//! has a provider rule, a trusted authserv-id and small limits, so the rule,
//! authentication and limit paths run too.
#![no_main]

use std::sync::LazyLock;

use carousel::understand::auth::AuthConfig;
use carousel::understand::lead::ProviderRule;
use carousel::understand::{Context, Limits, understand};
use libfuzzer_sys::fuzz_target;

static CTX: LazyLock<Context> = LazyLock::new(|| Context {
    own_message_id_domains: vec!["carousel.acme.example".into()],
    provider_rules: vec![ProviderRule {
        name: "roofquotes".into(),
        sender: vec!["@roofquotes.example".into()],
        fields: [("phone".to_string(), r"Callback:\s*(\+?[\d ()-]+)".to_string())].into(),
        require_auth: true,
        ..ProviderRule::default()
    }],
    auth: AuthConfig {
        trust_authserv_id: Some("mx.acme.test".into()),
    },
    limits: Limits {
        max_attachments: 8,
        max_csv_rows: 200,
    },
});

fuzz_target!(|data: &[u8]| {
    let u = understand(data, &CTX);
    // What inspect and scoring do with it must not panic either.
    let _ = carousel::inspect::lines("fuzz", &u);
    let _ = carousel::abuse::may_auto_answer(&u);
});
