//! The README's configuration example is a real config: `check` accepts it
//! (DESIGN: `check` is the truth), and the mistakes users make are caught by
//! `check` with the line of the offending key, before `run` would refuse them.

use std::path::Path;

use carousel::config::Config;

/// The first ```toml block of README.md.
fn readme_example() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("```toml\n")
        .expect("a ```toml block in README.md")
        + 8;
    let len = readme[start..].find("```").expect("closing fence");
    readme[start..start + len].to_string()
}

/// Parses `text` as if it were a file at the repository root, so the README's
/// relative paths (`var/inbox`, `templates`) resolve as they do for a user.
fn parse(text: &str) -> Result<Config, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("carousel.toml");
    Config::parse_for_run(&path, text)
        .map_err(|errs| errs.iter().map(ToString::to_string).collect())
}

#[test]
fn readme_example_passes_check() {
    // The example names its intake token by environment variable, as a user would set it.
    // SAFETY: this test binary sets the variable before any thread reads the environment.
    unsafe { std::env::set_var("CAROUSEL_ACME_TOKEN", "a-long-enough-intake-token") };
    let config = parse(&readme_example()).unwrap_or_else(|e| panic!("README example: {e:#?}"));
    assert!(!config.mailbox.is_empty());
    let template_problems = carousel::nurture::check_templates(&config.nurture_settings());
    assert!(template_problems.is_empty(), "{template_problems:?}");
}

#[test]
fn check_refuses_what_run_would_refuse_with_the_line() {
    let base =
        "[store]\npath = \"var/store\"\n\n[[mailbox]]\nname = \"leads\"\nmaildir = \"var/inbox\"\n";
    let cases = [
        ("[http]\nlisten = \"localhost\"\n", ":9: [http] listen"),
        (
            "[outbox]\ndir = \"var/outbox\"\nfrom = \"not an address\"\n",
            ":10: [outbox] from",
        ),
        (
            "[[intake_token]]\nprovider = \"acme\"\ntoken_env = \"CAROUSEL_TEST_UNSET_TOKEN_VARIABLE\"\n",
            ":8: intake token of provider \"acme\"",
        ),
    ];
    for (extra, expected) in cases {
        let text = format!("{base}\n{extra}");
        let errors = parse(&text).expect_err(extra);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{extra}: expected {expected:?} in {errors:?}"
        );
    }
    let typo = base.replace("var/inbox", "var/inbxo");
    let errors = parse(&typo).expect_err("mistyped maildir");
    assert!(
        errors
            .iter()
            .any(|e| e.contains(":4: mailbox \"leads\": maildir") && e.contains("does not exist")),
        "{errors:?}"
    );
}
