//! The `carousel` command line: one verb per job (DESIGN.md, CLI contracts).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use carousel::config::Config;
use carousel::http::read::ReadRequest;
use carousel::http::write::WriteRequest;

#[derive(Parser)]
#[command(
    name = "carousel",
    version,
    about = "Turns a company's inbound email into sales results"
)]
struct Cli {
    /// Configuration file.
    #[arg(
        long,
        global = true,
        default_value = "config/carousel.toml",
        env = "CAROUSEL_CONFIG"
    )]
    config: PathBuf,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon: watch the mailboxes, store and understand every message.
    Run {
        /// Process everything pending once, then exit (for cron and tests).
        #[arg(long)]
        once: bool,
        /// With --once: only store and acknowledge new mail; acting on it
        /// (routing, nurture, sending) is left for the next run (backfills, benchmarks).
        #[arg(long, requires = "once")]
        ingest_only: bool,
    },
    /// Validate the configuration; prints `file:line: message` and exits 1 on errors.
    Check,
    /// Understand .eml files without touching any store; one JSON line per file (or per lead).
    Inspect {
        /// Message files (`-` reads one message from stdin).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Add an `explain` object to each line: where every lead field came from.
        #[arg(long)]
        explain: bool,
    },
    /// Stored responses (leads and replies).
    Responses {
        #[command(subcommand)]
        command: ListCommand,
    },
    /// Leads made by the act stage.
    Leads {
        #[command(subcommand)]
        command: ListCommand,
    },
    /// Opportunities: converted leads.
    Opportunities {
        #[command(subcommand)]
        command: ListCommand,
    },
    /// One lead: show, convert, reassign, close.
    Lead {
        #[command(subcommand)]
        command: LeadCommand,
    },
    /// Every stored inbound message with its kind (bounces, auto-replies and other mail included).
    Messages {
        #[command(subcommand)]
        command: ListCommand,
    },
    /// Response rates, provider ROI, speed to lead, funnel, forecast, nurture steps.
    Report {
        /// One JSON object instead of tables.
        #[arg(long)]
        json: bool,
        /// Only what arrived or was sent since this date (YYYY-MM-DD or RFC 3339).
        #[arg(long)]
        since: Option<String>,
        /// Only this campaign's rows (campaign and nurture tables).
        #[arg(long)]
        campaign: Option<String>,
        /// Also write a self-contained HTML page with charts to this file.
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// One contact's timeline: every inbound and outbound email and event, oldest first.
    Interactions {
        #[arg(long)]
        contact: String,
        /// JSON lines instead of a table.
        #[arg(long)]
        json: bool,
        /// Only what happened from this date on (YYYY-MM-DD or RFC 3339).
        #[arg(long)]
        since: Option<String>,
    },
    /// Imports leads from a CSV file (headers in EN/DE/FR/ES/JA are recognised).
    /// Safe to repeat: rows already imported are merged, nothing is sent to imported people.
    Import {
        file: PathBuf,
        /// Print what each row would do (new, merged, bad) and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Writes a consistent snapshot of the store to FILE (asks the daemon when it runs).
    Backup { file: PathBuf },
    /// Restores a backup into the configured store directory, which must be empty or absent
    /// (or into a fresh PostgreSQL database with `backend = "postgres"`).
    Restore { file: PathBuf },
    /// Copies a sled store into the configured PostgreSQL store (idempotent:
    /// running it again changes nothing).
    Migrate {
        /// `sled:PATH`, the sled store directory (stop the daemon using it first).
        #[arg(long)]
        from: String,
    },
    /// Renders a nurture template for one contact: subject, HTML and text.
    Preview {
        /// Template name (`solar-1-welcome` for templates/solar-1-welcome.html).
        template: String,
        #[arg(long)]
        contact: String,
    },
    /// Derives a provider rule from one example message and the values it
    /// carries; writes it to providers/NAME.toml next to the config and
    /// prints what it reads from the example and from the provider's stored mail.
    Learn {
        /// The example message (.eml).
        file: PathBuf,
        /// A value the message carries: name, email, phone, company, title,
        /// postcode, country, interest, message, timeline, first_name, last_name.
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
        /// The provider's name (default: from the sender's domain).
        #[arg(long)]
        provider: Option<String>,
        /// Replace an existing rule file of that name.
        #[arg(long)]
        force: bool,
    },
    /// Reads stored raw mail again with the current rules; updates responses
    /// and leads, routes newly found leads once, never notifies twice.
    Reprocess {
        /// Only this provider's mail.
        #[arg(long)]
        provider: Option<String>,
        /// Only mail stored since this date (YYYY-MM-DD or RFC 3339).
        #[arg(long)]
        since: Option<String>,
    },
    /// OAuth2 logins (Gmail, Microsoft 365): `auth login MAILBOX`, `auth status`.
    Auth {
        #[command(subcommand)]
        command: AuthCommand,
    },
    /// Hand-off to CRM and chat: `webhooks status`, `webhooks retry NAME`.
    Webhooks {
        #[command(subcommand)]
        command: WebhooksCommand,
    },
    /// Nurture sequences: `sequences status` shows enrollments per step.
    Sequences {
        #[command(subcommand)]
        command: SequencesCommand,
    },
    /// Web console users: `user add NAME --email E --role R`, `user list`, `user remove NAME`.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// `carousel user …`: who may log in to the web console.
#[derive(Subcommand)]
enum UserCommand {
    /// Adds a user (or sets a new password and role for an existing name).
    /// Asks for the password, or reads it from --password-env.
    Add {
        name: String,
        /// Links the user to the `[[rep]]` with this email.
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: carousel::http::console::users::Role,
        /// Environment variable holding the password (for scripts).
        #[arg(long)]
        password_env: Option<String>,
    },
    /// The users with their role and linked rep (never the password hash).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Removes a user; their sessions end at their next request.
    Remove { name: String },
}

/// `carousel auth …`: OAuth2 logins of the IMAP mailboxes, the outbox SMTP and the archive.
#[derive(Subcommand)]
enum AuthCommand {
    /// Gets a refresh token for MAILBOX (a mailbox name, `outbox` or `archive`) and saves
    /// it to its `refresh_token_file`: the device flow (RFC 8628, URL + code) where the
    /// provider offers it (Microsoft, or `device_url`), else the browser redirect to
    /// 127.0.0.1 with PKCE (Google, or `authorize_url`).
    Login {
        mailbox: String,
        /// Force the browser redirect flow (RFC 8252 + PKCE).
        #[arg(long, conflicts_with = "device")]
        loopback: bool,
        /// Force the device flow (RFC 8628).
        #[arg(long)]
        device: bool,
    },
    /// For every OAuth2 login: whether a refresh token is there, when it was saved and
    /// when the daemon last refreshed an access token with it.
    Status,
}

#[derive(Subcommand)]
enum WebhooksCommand {
    /// Per `[[webhook]]`/`[[chat]]`: deliveries waiting, dead letters, delivered.
    Status {
        /// JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Sends an endpoint's dead letters again (and enables it after a 410).
    Retry { name: String },
}

#[derive(Subcommand)]
enum SequencesCommand {
    /// Enrollments per sequence, step and state.
    Status,
}

#[derive(Subcommand)]
enum LeadCommand {
    /// The lead as JSON: contact, score reasons, notifications, speed-to-lead, opportunity.
    Show { id: String },
    #[command(flatten)]
    Change(LeadChange),
}

/// The lead verbs that write (through the daemon when it runs).
#[derive(Subcommand)]
enum LeadChange {
    /// Converts an open lead into an opportunity (only opportunities enter the forecast).
    Convert {
        id: String,
        /// Expected revenue, e.g. 12500 or 12500.50.
        #[arg(long)]
        revenue: String,
        #[arg(long, default_value = "USD")]
        currency: String,
        /// Sales stage (default: the first open stage of [[sales.stages]]).
        #[arg(long)]
        stage: Option<String>,
        /// Expected close date, YYYY-MM-DD.
        #[arg(long)]
        close: String,
        /// The converting rep (default: the owner).
        #[arg(long)]
        rep: Option<String>,
    },
    /// Gives the lead to another rep, who is notified.
    Reassign {
        id: String,
        #[arg(long)]
        rep: String,
    },
    /// Closes the lead as won or lost; a converted lead's opportunity closes with it.
    Close {
        id: String,
        #[arg(long, conflicts_with = "lost", required_unless_present = "lost")]
        won: bool,
        #[arg(long)]
        lost: bool,
        /// The final amount of a converted lead's opportunity (default: as converted).
        #[arg(long)]
        revenue: Option<String>,
    },
}

#[derive(Subcommand)]
enum ListCommand {
    /// List them, oldest first: an aligned table on a terminal, JSON lines otherwise.
    List(ListArgs),
}

#[derive(clap::Args)]
struct ListArgs {
    /// JSON lines even on a terminal (always, when stdout is not a terminal).
    #[arg(long)]
    json: bool,
    /// Only this rep's (owner or assigned; leads and opportunities).
    #[arg(long)]
    rep: Option<String>,
    /// Only this rank (`hot`, `high_potential`, ...; leads).
    #[arg(long)]
    rank: Option<String>,
    /// Only records from this date on (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    since: Option<String>,
    /// Only this status: open, converted, won, lost (leads), the stage
    /// (opportunities), the kind (responses, messages).
    #[arg(long)]
    status: Option<String>,
}

impl ListArgs {
    /// The read request of list verb `verb` with these filters.
    fn request(self, verb: &str) -> ReadRequest {
        use std::io::IsTerminal as _;
        let table = !self.json && std::io::stdout().is_terminal();
        ReadRequest::new(verb)
            .flag("table", table)
            .arg("rep", self.rep)
            .arg("rank", self.rank)
            .arg("since", self.since)
            .arg("status", self.status)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_json);
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("carousel: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run { once, ingest_only } => {
            use carousel::daemon::RunMode;
            let mode = match (once, ingest_only) {
                (false, _) => RunMode::Daemon,
                (true, false) => RunMode::Once,
                (true, true) => RunMode::IngestOnce,
            };
            let config = load_config_for_run(&cli.config)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(carousel::daemon::run(config, mode))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => Ok(check(&cli.config)),
        Command::Webhooks {
            command: WebhooksCommand::Status { json },
        } => write(&cli.config, WriteRequest::WebhooksStatus { json }),
        Command::Webhooks {
            command: WebhooksCommand::Retry { name },
        } => write(&cli.config, WriteRequest::WebhooksRetry { name }),
        Command::Preview { template, contact } => read(
            &cli.config,
            ReadRequest::new("preview")
                .arg("template", Some(template))
                .arg("contact", Some(contact)),
        ),
        Command::Sequences {
            command: SequencesCommand::Status,
        } => read(&cli.config, ReadRequest::new("sequences")),
        Command::Inspect { files, explain } => inspect(&cli.config, &files, explain),
        Command::Auth { command } => auth(&cli.config, command),
        Command::Responses {
            command: ListCommand::List(args),
        } => read(&cli.config, args.request("responses")),
        Command::Messages {
            command: ListCommand::List(args),
        } => read(&cli.config, args.request("messages")),
        Command::Leads {
            command: ListCommand::List(args),
        } => read(&cli.config, args.request("leads")),
        Command::Opportunities {
            command: ListCommand::List(args),
        } => read(&cli.config, args.request("opportunities")),
        Command::Lead {
            command: LeadCommand::Show { id },
        } => read(&cli.config, ReadRequest::new("lead").arg("id", Some(id))),
        Command::Lead {
            command: LeadCommand::Change(change),
        } => lead_change(&cli.config, change),
        Command::Report {
            json,
            since,
            campaign,
            html,
        } => {
            // The HTML file is written by whoever runs the report (CLI or
            // daemon), so give it an absolute path.
            let html = html
                .map(|p| std::path::absolute(&p))
                .transpose()?
                .map(|p| p.display().to_string());
            read(
                &cli.config,
                ReadRequest::new("report")
                    .flag("json", json)
                    .arg("since", since)
                    .arg("campaign", campaign)
                    .arg("html", html),
            )
        }
        Command::Interactions {
            contact,
            json,
            since,
        } => read(
            &cli.config,
            ReadRequest::new("interactions")
                .arg("contact", Some(contact))
                .arg("since", since)
                .flag("json", json),
        ),
        Command::Import { file, dry_run } => write(
            &cli.config,
            WriteRequest::Import {
                // The daemon, when it runs the import, may be elsewhere.
                file: std::path::absolute(&file)?,
                dry_run,
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            },
        ),
        Command::Backup { file } => backup(&cli.config, &file),
        Command::Learn {
            file,
            set,
            provider,
            force,
        } => learn(&cli.config, &file, &set, provider.as_deref(), force),
        Command::Reprocess { provider, since } => reprocess(
            &cli.config,
            carousel::act::reprocess::Filter { provider, since },
        ),
        Command::User { command } => user(&cli.config, command),
        Command::Restore { file } => {
            let config = load_config(&cli.config)?;
            let summary = if config.store.backend == carousel::store::config::Backend::Postgres {
                carousel::backup::restore_shared(&file, &config.open_store()?)?
            } else {
                carousel::backup::restore(&file, &config.store_path(), config.store.cache_mb)?
            };
            println!("restored {summary} into {}", config.store_name());
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { from } => {
            let config = load_config(&cli.config)?;
            let Some(path) = from.strip_prefix("sled:") else {
                anyhow::bail!("--from takes sled:PATH (the sled store directory to copy)");
            };
            if config.store.backend != carousel::store::config::Backend::Postgres {
                anyhow::bail!(
                    "migrate copies into a shared store: set [store] backend = \"postgres\" in {}",
                    cli.config.display()
                );
            }
            let target = config.open_store()?;
            let copied = carousel::store::migrate::copy_sled_into(Path::new(path), &target)
                .with_context(|| format!("copying {path} into {}", config.store_name()))?;
            println!("{}", serde_json::to_string(&copied)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `lead convert|reassign|close`: on the store, or through the daemon when it holds it.
fn lead_change(config: &Path, command: LeadChange) -> anyhow::Result<ExitCode> {
    use carousel::act::manage::Change;
    let change = match command {
        LeadChange::Convert {
            id,
            revenue,
            currency,
            stage,
            close,
            rep,
        } => Change::Convert {
            id,
            revenue,
            currency,
            stage,
            close,
            rep,
        },
        LeadChange::Reassign { id, rep } => Change::Reassign { id, rep },
        LeadChange::Close {
            id,
            won,
            lost: _,
            revenue,
        } => Change::Close {
            id,
            outcome: if won {
                carousel::qualify::conversion::Outcome::Won
            } else {
                carousel::qualify::conversion::Outcome::Lost
            },
            revenue,
        },
    };
    write(config, WriteRequest::Lead(change))
}

/// Runs a write verb on the store, or through the daemon when it holds the
/// store; prints the same either way.
fn write(config: &Path, request: WriteRequest) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let output = carousel::http::write::run_or_ask(&config, &request)?;
    eprint!("{}", output.stderr);
    print!("{}", output.stdout);
    std::io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `carousel user add|list|remove`: the password is hashed here, so only
/// the hash reaches the store or the daemon.
fn user(config: &Path, command: UserCommand) -> anyhow::Result<ExitCode> {
    use carousel::http::console::users::{self, UserChange};
    match command {
        UserCommand::Add {
            name,
            email,
            role,
            password_env,
        } => {
            let password = match password_env {
                Some(var) => std::env::var(&var)
                    .with_context(|| format!("--password-env {var}: the variable is not set"))?,
                None => users::ask_password(&name)?,
            };
            let password_hash = users::hash_password(&password)?;
            write(
                config,
                WriteRequest::User(UserChange::Add {
                    name,
                    email,
                    role,
                    password_hash,
                }),
            )
        }
        UserCommand::Remove { name } => {
            write(config, WriteRequest::User(UserChange::Remove { name }))
        }
        UserCommand::List { json } => read(config, ReadRequest::new("users").flag("json", json)),
    }
}

/// Runs a read verb on the store, or through the daemon when it holds the store.
fn read(config: &Path, request: ReadRequest) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let mut out = std::io::stdout().lock();
    carousel::http::read::run_or_ask(&config, &request, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `backup FILE`: directly, or by the daemon when it holds the store.
fn backup(config: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let path = config.store_name();
    match config.open_store_plain() {
        Ok(store) => {
            let summary = carousel::backup::backup(&store, file)?;
            println!(
                "backup of {} written to {}: {summary}",
                path,
                file.display()
            );
        }
        Err(carousel::store::StoreError::Locked(_)) => {
            let target = std::path::absolute(file)?;
            let mut answer = Vec::new();
            carousel::http::client::ask(
                &config,
                "/api/backup",
                &serde_json::json!({ "path": target }),
                &mut answer,
            )?;
            println!(
                "backup of {} written by the daemon to {}: {}",
                path,
                target.display(),
                String::from_utf8_lossy(&answer).trim()
            );
        }
        Err(e) => return Err(e).with_context(|| format!("opening store {}", config.store_name())),
    }
    Ok(ExitCode::SUCCESS)
}

/// `learn FILE --set FIELD=VALUE…`: derive, write, then show what the rule reads.
fn learn(
    config_path: &Path,
    file: &Path,
    set: &[String],
    provider: Option<&str>,
    force: bool,
) -> anyhow::Result<ExitCode> {
    use carousel::understand::lead::rules::{self, learn};
    let sets: Vec<(String, String)> = set
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(f, v)| (f.trim().to_string(), v.trim().to_string()))
                .filter(|(f, v)| !f.is_empty() && !v.is_empty())
                .with_context(|| format!("--set {s:?}: expected FIELD=VALUE"))
        })
        .collect::<anyhow::Result<_>>()?;
    if !config_path.is_file() {
        anyhow::bail!(
            "no configuration at {}: the rule is written to providers/ next to it (pass --config FILE)",
            config_path.display()
        );
    }
    let raw = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let learned = learn::derive(&raw, &sets, provider)
        .with_context(|| format!("learning from {}", file.display()))?;
    let rule = learned.rule;
    let target = carousel::config::provider_rule_path(config_path, &rule.name);
    if target.exists() && !force {
        anyhow::bail!(
            "{} exists already: pass --force to replace it, or --provider NAME for another name",
            target.display()
        );
    }
    let mut comment = format!(
        "Provider rule learned by `carousel learn` from {} on {}.\nHow each field is anchored:",
        file.display(),
        jiff::Timestamp::now().strftime("%Y-%m-%d")
    );
    for (field, how) in &learned.anchors {
        comment.push_str(&format!("\n  {field}: {how}"));
    }
    comment.push_str("\nEdit freely; `carousel check` validates this file.");
    let dir = carousel::config::providers_dir_of(config_path);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(&target, rules::rule_file_text(&rule, &comment))
        .with_context(|| format!("writing {}", target.display()))?;
    eprintln!("carousel: wrote {}", target.display());
    for problem in learn::mismatches(&rule, &raw, &sets) {
        eprintln!("carousel: warning: {problem}");
    }

    // What the rule reads now: with the whole configuration when it loads.
    let (config, ctx) = match Config::load_static(config_path) {
        Ok(config) => {
            let ctx = config.understand_context();
            (Some(config), ctx)
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("carousel: warning: {e}");
            }
            let ctx = carousel::understand::Context {
                provider_rules: vec![rule.clone()],
                ..Default::default()
            };
            (None, ctx)
        }
    };
    let mut out = std::io::stdout().lock();
    let understanding = carousel::understand::understand_safely(&raw, &ctx);
    for line in carousel::inspect::lines(&file.display().to_string(), &understanding) {
        serde_json::to_writer(&mut out, &line)?;
        writeln!(out)?;
    }
    let Some(config) = config else {
        return Ok(ExitCode::SUCCESS);
    };
    let shared = config.store.backend == carousel::store::config::Backend::Postgres;
    if !shared && !config.store_path().exists() {
        return Ok(ExitCode::SUCCESS);
    }
    let store = match config.open_store_plain() {
        Ok(store) => store,
        Err(carousel::store::StoreError::Locked(_)) => {
            eprintln!(
                "carousel: the daemon holds the store {}: stored messages were not read (run `carousel reprocess --provider {}` to apply the rule)",
                config.store_name(),
                rule.name
            );
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e).with_context(|| format!("opening store {}", config.store_name())),
    };
    let mut shown = 0;
    for record in store.messages() {
        let record = record?;
        let u = &record.understanding;
        let ours = u
            .envelope
            .from_email
            .as_deref()
            .is_some_and(|f| rule.sender.iter().any(|s| rules::sender_matches(s, f)))
            || u.provider.as_deref() == Some(rule.name.as_str());
        if !ours || !carousel::act::reprocess::is_mail(&record.origin.mailbox) {
            continue;
        }
        let Some(raw) = store.raw(&record.key)?.filter(|_| record.raw_complete) else {
            continue;
        };
        let understanding = carousel::understand::understand_safely(&raw, &ctx);
        for line in carousel::inspect::lines(&format!("store:{}", record.key), &understanding) {
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        }
        shown += 1;
    }
    eprintln!(
        "carousel: {shown} stored message(s) of {} read with the rule (nothing stored changed; `carousel reprocess --provider {}` applies it)",
        rule.name, rule.name
    );
    Ok(ExitCode::SUCCESS)
}

/// `reprocess`: on the store directly (then routes what became a lead), or
/// through the daemon when it holds the store.
fn reprocess(
    config_path: &Path,
    filter: carousel::act::reprocess::Filter,
) -> anyhow::Result<ExitCode> {
    use carousel::act::reprocess;
    if let Some(since) = &filter.since {
        reprocess::Filter::parse_since(since)?;
    }
    let config = load_config(config_path)?;
    match config.open_store_plain() {
        Ok(store) => {
            let ctx = config.understand_context();
            let summary = reprocess::reprocess(&store, &ctx, &filter)?;
            store.flush_sync()?;
            let act = carousel::act::Act::with(
                std::sync::Arc::new(config.act_settings()),
                store.clone(),
                std::sync::Arc::new(carousel::wake::Wakeups::default()),
            );
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let routed = runtime.block_on(act.pass())?;
            store.flush_sync()?;
            let mut line = serde_json::to_value(&summary)?;
            if let Some(map) = line.as_object_mut() {
                map.insert("acted_on".into(), serde_json::json!(routed.responses));
            }
            println!("{line}");
        }
        Err(carousel::store::StoreError::Locked(_)) => {
            let listen = config.http.clone().unwrap_or_default().listen;
            let mut out = std::io::stdout().lock();
            carousel::http::client::post_json(
                &listen,
                "/api/reprocess",
                &serde_json::to_value(&filter)?,
                &mut out,
            )
            .with_context(|| {
                format!(
                    "the store {} is held by a running daemon, and asking it at {listen} failed (is [http] configured?)",
                    config.store_name()
                )
            })?;
            out.flush()?;
        }
        Err(e) => return Err(e).with_context(|| format!("opening store {}", config.store_name())),
    }
    Ok(ExitCode::SUCCESS)
}

/// The config for a verb that runs no source: a rep's `leads list` must not
/// need the intake token's environment variable or the Maildir to exist.
fn load_config(path: &Path) -> anyhow::Result<Config> {
    Config::load_static(path).map_err(invalid)
}

/// The config for `run`: also what the environment must provide (the same
/// checks `check` makes).
fn load_config_for_run(path: &Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(invalid)
}

fn invalid(errors: Vec<carousel::config::ConfigError>) -> anyhow::Error {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    anyhow::anyhow!("invalid configuration:\n{}", lines.join("\n"))
}

fn auth(path: &Path, command: AuthCommand) -> anyhow::Result<ExitCode> {
    let config = load_config(path)?;
    match command {
        AuthCommand::Status => {
            carousel::oauth2::device::status(
                config.oauth2_targets(),
                &config.base_dir,
                &mut std::io::stdout(),
            )?;
        }
        AuthCommand::Login {
            mailbox,
            loopback,
            device,
        } => {
            use carousel::oauth2::loopback::{self, Flow};
            let (o, use_) = carousel::oauth2::device::find(&config.oauth2_targets(), &mailbox)?;
            let forced = match (loopback, device) {
                (true, _) => Some(Flow::Loopback),
                (_, true) => Some(Flow::Device),
                _ => None,
            };
            let flow = loopback::choose(&mailbox, &o, forced)?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let (base, out) = (&config.base_dir, &mut std::io::stdout());
            runtime.block_on(async {
                match flow {
                    Flow::Device => {
                        carousel::oauth2::device::login(&mailbox, &o, use_, base, out).await
                    }
                    Flow::Loopback => {
                        loopback::login(&mailbox, &o, use_, base, out, loopback::TIMEOUT).await
                    }
                }
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(path: &Path) -> ExitCode {
    match Config::load(path) {
        Ok(config) => {
            let template_problems = carousel::nurture::check_templates(&config.nurture_settings());
            for p in &template_problems {
                println!("{p}");
            }
            // Warnings (a stale hand-written .txt) are printed, not fatal.
            if template_problems.iter().any(|p| !p.is_warning()) {
                return ExitCode::FAILURE;
            }
            for w in carousel::act::routing_warnings(&config.act_settings()) {
                println!("warning: {w}");
            }
            for (target, o, _) in config.oauth2_targets() {
                if !o.has_token(&config.base_dir) {
                    println!(
                        "note: {target} has no OAuth2 refresh token yet; run `carousel auth login {target}`"
                    );
                }
            }
            println!(
                "{}: ok ({} mailbox(es))",
                path.display(),
                config.mailbox.len()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in errors {
                println!("{e}");
            }
            ExitCode::FAILURE
        }
    }
}

/// `inspect` uses the config's provider rules when the config exists, and
/// works without one (zero-config understanding).
fn inspect(config_path: &Path, files: &[PathBuf], explain: bool) -> anyhow::Result<ExitCode> {
    let ctx = match Config::load_static(config_path) {
        Ok(config) => config.understand_context(),
        Err(_) => carousel::understand::Context::default(),
    };
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for file in files {
        let raw = if file.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
            buf
        } else {
            match std::fs::read(file).with_context(|| format!("reading {}", file.display())) {
                Ok(raw) => raw,
                Err(e) => {
                    eprintln!("carousel: {e:#}");
                    failed = true;
                    continue;
                }
            }
        };
        let understanding = carousel::understand::understand_safely(&raw, &ctx);
        for line in
            carousel::inspect::lines_with(&file.display().to_string(), &understanding, explain)
        {
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CAROUSEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
        // The IMAP and SMTP clients trace their wire traffic, LOGIN and AUTH
        // lines included: never below info, whatever CAROUSEL_LOG asks.
        .add_directive("async_imap=info".parse().expect("static directive"))
        .add_directive("lettre=info".parse().expect("static directive"));
    // Colour only for a person watching: log files get no ANSI codes.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
