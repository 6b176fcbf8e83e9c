//! "Learn this provider" from the console: a provider rule derived from one
//! stored email and the values a person confirmed (the rule of `carousel
//! learn`), written to `providers/` beside the configuration under the
//! name `carousel learn` would give it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::understand::lead::rules::{self, learn};

/// Where a rule named `name` is written for the configuration `config_file`.
pub fn rule_path(config_file: &Path, name: &str) -> PathBuf {
    crate::config::provider_rule_path(config_file, name)
}

/// Derives a rule from `raw` and `sets` and writes it, never replacing a
/// rule file that exists (its path is returned with `false`: edit it, or
/// `carousel learn --force`). Returns the provider name, the file, and
/// whether it was written now.
pub fn learn_from(
    config_file: &Path,
    raw: &[u8],
    sets: &[(String, String)],
    comment: &str,
) -> anyhow::Result<(String, PathBuf, bool)> {
    let learned = learn::derive(raw, sets, None)?;
    let target = rule_path(config_file, &learned.rule.name);
    if target.exists() {
        return Ok((learned.rule.name, target, false));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(&target, rules::rule_file_text(&learned.rule, comment))
        .with_context(|| format!("writing {}", target.display()))?;
    Ok((learned.rule.name, target, true))
}

#[cfg(test)]
mod tests {
    #[test]
    fn rule_files_are_named_like_carousel_learn_names_them() {
        let p = super::rule_path(
            std::path::Path::new("/etc/carousel/carousel.toml"),
            "Solar Site.example",
        );
        assert!(p.ends_with("solar-site.example.toml"), "{}", p.display());
    }
}
