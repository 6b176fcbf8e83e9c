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

/// mail-parser 0.11.9 panics on some crafted multiparts (a known upstream
/// bug, caught by `carousel::understand::parse_message`; regression fixture
/// tests/fixtures/regressions/fuzz_mailparser_invalid_part_id.eml). libFuzzer
/// aborts on any panic, caught or not: this hook lets panics raised inside
/// mail-parser unwind to carousel's catch, and aborts on every other panic,
/// so the fuzzer keeps looking for carousel's own bugs.
fn known_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let in_mail_parser = info
                .location()
                .is_some_and(|l| l.file().contains("mail-parser"));
            if !in_mail_parser {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    known_panics_unwind();
    let u = understand(data, &CTX);
    // What inspect and scoring do with it must not panic either.
    let _ = carousel::inspect::lines("fuzz", &u);
    let _ = carousel::abuse::may_auto_answer(&u);
});
