//! Console users: who may log in, with which role, and their argon2
//! password hash. Kept in the sled tree `console_users` (key: lowercase
//! name), written by `carousel user add|remove` (directly, or through the
//! running daemon's loopback API) and read by the console's login.
//!
//! The CLI hashes the password itself, so a password never travels to the
//! daemon, never reaches a log, and is never stored in clear.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, decode, encode};

/// The sled tree of console users.
pub const TREE: &str = "console_users";

/// What a user may do in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works leads: their own, unclaimed ones, all of them.
    Rep,
    /// Everything a rep does, plus review, reports, nurture and operations.
    Manager,
    /// Nurture sequences and templates, reports.
    Marketer,
    /// Mailbox health, queues, dead letters, errors.
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Manager => "manager",
            Role::Marketer => "marketer",
            Role::Operator => "operator",
        }
    }

    /// Lead lists, lead pages and lead actions.
    pub fn works_leads(self) -> bool {
        matches!(self, Role::Rep | Role::Manager)
    }

    /// The needs-review queue.
    pub fn reviews(self) -> bool {
        self == Role::Manager
    }

    /// Sequences and the template editor.
    pub fn edits_nurture(self) -> bool {
        matches!(self, Role::Marketer | Role::Manager)
    }

    /// The report page (reps see their won revenue there too).
    pub fn reads_reports(self) -> bool {
        matches!(self, Role::Rep | Role::Manager | Role::Marketer)
    }

    /// The operator page.
    pub fn operates(self) -> bool {
        matches!(self, Role::Operator | Role::Manager)
    }
}

/// One console user as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    /// Lowercase; links the user to a `[[rep]]` with the same email.
    pub email: String,
    pub role: Role,
    /// PHC string (`$argon2id$v=19$...`).
    pub password_hash: String,
    pub created_at: String,
}

/// `carousel user add|remove`, sent to the daemon when it holds the store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserChange {
    /// Adds or replaces a user (a new password for an existing name).
    Add {
        name: String,
        email: String,
        role: Role,
        password_hash: String,
    },
    Remove {
        name: String,
    },
}

/// Why a user change was refused.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("user name must not be empty")]
    EmptyName,
    #[error("{0:?} is not an email address")]
    BadEmail(String),
    #[error("no user named {0:?} (see `carousel user list`)")]
    Unknown(String),
    #[error("the password hash is not an argon2 PHC string")]
    BadHash,
    #[error("a password must have at least 8 characters")]
    ShortPassword,
    #[error("hashing the password: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, UserError> {
    if password.chars().count() < 8 {
        return Err(UserError::ShortPassword);
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hashing(e.to_string()))
}

/// True when `password` matches the stored hash. Runs argon2 (tens of
/// milliseconds by design): call it off the async runtime.
pub fn verify_password(user: &User, password: &str) -> bool {
    PasswordHash::new(&user.password_hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Asks for a password twice on the terminal without echo (`stty -echo`),
/// or reads one line from standard input when it is not a terminal.
pub fn ask_password(name: &str) -> anyhow::Result<String> {
    use std::io::{BufRead as _, IsTerminal as _, Write as _};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let echo = |on: bool| {
        let _ = std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .stdin(std::process::Stdio::inherit())
            .status();
    };
    let read = |prompt: &str| -> anyhow::Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        echo(false);
        let mut line = String::new();
        let result = stdin.lock().read_line(&mut line);
        echo(true);
        eprintln!();
        result?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    };
    let first = read(&format!("Password for {name}: "))?;
    let again = read("Again: ")?;
    anyhow::ensure!(first == again, "the passwords differ; nothing was changed");
    Ok(first)
}

fn key(name: &str) -> Vec<u8> {
    name.trim().to_lowercase().into_bytes()
}

/// Applies a change; returns the line the CLI prints.
pub fn apply(store: &Store, change: &UserChange) -> Result<String, UserError> {
    let tree = store.tree(TREE)?;
    match change {
        UserChange::Add {
            name,
            email,
            role,
            password_hash,
        } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(UserError::EmptyName);
            }
            let email = email.trim().to_lowercase();
            if !email.contains('@') || email.contains(char::is_whitespace) {
                return Err(UserError::BadEmail(email));
            }
            if PasswordHash::new(password_hash).is_err() {
                return Err(UserError::BadHash);
            }
            let user = User {
                name: name.to_string(),
                email,
                role: *role,
                password_hash: password_hash.clone(),
                created_at: crate::store::now_rfc3339(),
            };
            let replaced = tree.insert(key(name), encode(&user))?.is_some();
            store.flush_sync()?;
            Ok(format!(
                "{} user {} <{}> ({})",
                if replaced { "updated" } else { "added" },
                user.name,
                user.email,
                user.role.as_str()
            ))
        }
        UserChange::Remove { name } => {
            if tree.remove(key(name))?.is_none() {
                return Err(UserError::Unknown(name.clone()));
            }
            store.flush_sync()?;
            Ok(format!("removed user {}", name.trim()))
        }
    }
}

/// Every user, by name.
pub fn all(store: &Store) -> Result<Vec<User>, StoreError> {
    let mut users = Vec::new();
    for value in store.tree(TREE)?.iter().values() {
        users.push(decode(TREE, &value?)?);
    }
    Ok(users)
}

/// The user with this name (any case).
pub fn by_name(store: &Store, name: &str) -> Result<Option<User>, StoreError> {
    store
        .tree(TREE)?
        .get(key(name))?
        .map(|v| decode(TREE, &v))
        .transpose()
}

/// The user with this email (any case): how the auth-proxy header and a
/// login by email find a user.
pub fn by_email(store: &Store, email: &str) -> Result<Option<User>, StoreError> {
    let email = email.trim().to_lowercase();
    Ok(all(store)?.into_iter().find(|u| u.email == email))
}

/// `carousel user list`: an aligned table, or JSON lines (never the hash).
pub fn write_list(
    store: &Store,
    config: &crate::config::Config,
    json: bool,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let users = all(store)?;
    let rep_of = |u: &User| {
        config
            .rep
            .iter()
            .find(|r| r.email.eq_ignore_ascii_case(&u.email))
            .map(|r| r.name.clone())
    };
    if json {
        for u in &users {
            let line = serde_json::json!({
                "name": u.name, "email": u.email, "role": u.role.as_str(),
                "rep": rep_of(u), "created_at": u.created_at,
            });
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    let width = users.iter().map(|u| u.name.len()).max().unwrap_or(4).max(4);
    let ewidth = users
        .iter()
        .map(|u| u.email.len())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:width$}  {:ewidth$}  {:8}  REP",
        "NAME", "EMAIL", "ROLE"
    )?;
    for u in &users {
        writeln!(
            out,
            "{:width$}  {:ewidth$}  {:8}  {}",
            u.name,
            u.email,
            u.role.as_str(),
            rep_of(u).unwrap_or_else(|| "-".into())
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let user = User {
            name: "dana".into(),
            email: "dana@acme.example".into(),
            role: Role::Rep,
            password_hash: hash,
            created_at: String::new(),
        };
        assert!(verify_password(&user, "correct horse"));
        assert!(!verify_password(&user, "correct horsE"));
        assert!(matches!(
            hash_password("short"),
            Err(UserError::ShortPassword)
        ));
    }

    #[test]
    fn users_are_added_replaced_found_by_email_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), 8).unwrap();
        let add = |role| UserChange::Add {
            name: "Dana".into(),
            email: "Dana@Acme.example".into(),
            role,
            password_hash: hash_password("long enough").unwrap(),
        };
        assert!(apply(&store, &add(Role::Rep)).unwrap().starts_with("added"));
        assert!(
            apply(&store, &add(Role::Manager))
                .unwrap()
                .starts_with("updated")
        );
        let found = by_email(&store, "dana@acme.EXAMPLE").unwrap().unwrap();
        assert_eq!(found.role, Role::Manager);
        assert_eq!(by_name(&store, "dana").unwrap().unwrap().name, "Dana");
        apply(
            &store,
            &UserChange::Remove {
                name: "DANA".into(),
            },
        )
        .unwrap();
        assert!(all(&store).unwrap().is_empty());
        assert!(matches!(
            apply(&store, &UserChange::Remove { name: "x".into() }),
            Err(UserError::Unknown(_))
        ));
    }
}
