//! Provider rule files: every `providers/*.toml` next to the config file is
//! one `[[provider]]` rule, read in name order, each problem located in its
//! own file.

use super::*;

/// `providers/` in the config file's directory.
pub fn providers_dir_of(config_file: &Path) -> PathBuf {
    config_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join("providers")
}

/// Where the provider rule named `name` lives for the configuration
/// `config_file`: `providers/<name>.toml`, the name lowercased and every
/// character other than ASCII letters, digits, `.`, `_` and `-` made `-`.
pub fn provider_rule_path(config_file: &Path, name: &str) -> PathBuf {
    let stem: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    providers_dir_of(config_file).join(format!("{}.toml", stem.trim_matches('.')))
}

/// Reads every `*.toml` in `dir` (in name order) as one provider rule: the
/// keys of a `[[provider]]` table at the top level. A missing directory is
/// no rules. Problems come back as `file:line: message` errors.
pub fn load_provider_files(dir: &Path) -> (Vec<(PathBuf, ProviderRule)>, Vec<ConfigError>) {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (rules, errors);
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut names = std::collections::HashMap::new();
    for path in paths {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(ConfigError {
                    file,
                    line: 0,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let rule: ProviderRule = match toml::from_str(&text) {
            Ok(rule) => rule,
            Err(e) => {
                errors.push(ConfigError {
                    file,
                    line: e.span().map_or(1, |s| line_of(&text, s.start)),
                    message: e.message().to_string(),
                });
                continue;
            }
        };
        let problems = crate::understand::lead::rules::rule_problems(&rule);
        for p in &problems {
            errors.push(ConfigError {
                file: file.clone(),
                line: p.key.as_deref().map_or(1, |k| line_of_key(&text, k)),
                message: p.message.clone(),
            });
        }
        if let Some(first) = names.insert(rule.name.trim().to_lowercase(), file.clone()) {
            errors.push(ConfigError {
                file: file.clone(),
                line: line_of_key(&text, "name"),
                message: format!(
                    "provider {:?} is defined twice (also in {first})",
                    rule.name
                ),
            });
            continue;
        }
        if problems.is_empty() {
            rules.push((path, rule));
        }
    }
    (rules, errors)
}
