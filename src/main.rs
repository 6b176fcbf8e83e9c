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
    },
    /// Stored responses (leads and replies).
    Responses {
        #[command(subcommand)]
        command: ListCommand,
    },
    /// Leads made by the act stage (JSON lines).
    Leads {
        #[command(subcommand)]
        command: ListCommand,
    },
    /// Opportunities: converted leads (JSON lines).
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
    },
    /// Imports leads from a CSV file (headers in EN/DE/FR/ES/JA are recognised).
    Import { file: PathBuf },
    /// Writes a consistent snapshot of the store to FILE (asks the daemon when it runs).
    Backup { file: PathBuf },
    /// Restores a backup into the configured store directory, which must be empty or absent.
    Restore { file: PathBuf },
    /// Renders a nurture template for one contact: subject, HTML and text.
    Preview {
        /// Template name (`solar-1-welcome` for templates/solar-1-welcome.html).
        template: String,
        #[arg(long)]
        contact: String,
    },
    /// OAuth2 logins (Gmail, Microsoft 365): `auth login MAILBOX`, `auth status`.
    Auth {
        #[command(subcommand)]
        command: AuthCommand,
    },
    /// Nurture sequences: `sequences status` shows enrollments per step.
    Sequences {
        #[command(subcommand)]
        command: SequencesCommand,
    },
}

/// `carousel auth …`: OAuth2 logins of the IMAP mailboxes, the outbox SMTP and the archive.
#[derive(Subcommand)]
enum AuthCommand {
    /// Device-code login (RFC 8628): prints a URL and a code, saves the refresh token
    /// to the `refresh_token_file` of MAILBOX (a mailbox name, `outbox` or `archive`).
    Login { mailbox: String },
    /// For every OAuth2 login: whether a refresh token is there and when it was saved.
    Status,
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
    /// List them, oldest first.
    List {
        /// JSON lines (the default and, for now, only format).
        #[arg(long)]
        json: bool,
    },
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
            let config = load_config(&cli.config)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(carousel::daemon::run(config, mode))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => Ok(check(&cli.config)),
        Command::Preview { template, contact } => read(
            &cli.config,
            ReadRequest::new("preview")
                .arg("template", Some(template))
                .arg("contact", Some(contact)),
        ),
        Command::Sequences {
            command: SequencesCommand::Status,
        } => read(&cli.config, ReadRequest::new("sequences")),
        Command::Inspect { files } => inspect(&cli.config, &files),
        Command::Auth { command } => auth(&cli.config, command),
        Command::Responses {
            command: ListCommand::List { json: _ },
        } => read(&cli.config, ReadRequest::new("responses")),
        Command::Messages {
            command: ListCommand::List { json: _ },
        } => read(&cli.config, ReadRequest::new("messages")),
        Command::Leads {
            command: ListCommand::List { json: _ },
        } => read(&cli.config, ReadRequest::new("leads")),
        Command::Opportunities {
            command: ListCommand::List { json: _ },
        } => read(&cli.config, ReadRequest::new("opportunities")),
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
        Command::Interactions { contact, json } => read(
            &cli.config,
            ReadRequest::new("interactions")
                .arg("contact", Some(contact))
                .flag("json", json),
        ),
        Command::Import { file } => write(
            &cli.config,
            WriteRequest::Import {
                // The daemon, when it runs the import, may be elsewhere.
                file: std::path::absolute(&file)?,
            },
        ),
        Command::Backup { file } => backup(&cli.config, &file),
        Command::Restore { file } => {
            let config = load_config(&cli.config)?;
            let summary =
                carousel::backup::restore(&file, &config.store_path(), config.store.cache_mb)?;
            println!("restored {summary} into {}", config.store_path().display());
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
    let path = config.store_path();
    match carousel::store::Store::open(&path, config.store.cache_mb) {
        Ok(store) => {
            let summary = carousel::backup::backup(&store, file)?;
            println!(
                "backup of {} written to {}: {summary}",
                path.display(),
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
                path.display(),
                target.display(),
                String::from_utf8_lossy(&answer).trim()
            );
        }
        Err(e) => return Err(e).with_context(|| format!("opening store {}", path.display())),
    }
    Ok(ExitCode::SUCCESS)
}

fn load_config(path: &Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!("invalid configuration:\n{}", lines.join("\n"))
    })
}

fn auth(path: &Path, command: AuthCommand) -> anyhow::Result<ExitCode> {
    let config = load_config(path)?;
    match command {
        AuthCommand::Status => {
            carousel::oauth2::device::status(&config, &mut std::io::stdout())?;
        }
        AuthCommand::Login { mailbox } => {
            let (o, use_) = carousel::oauth2::device::find(&config, &mailbox)?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(carousel::oauth2::device::login(
                &mailbox,
                &o,
                use_,
                &config.base_dir,
                &mut std::io::stdout(),
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(path: &Path) -> ExitCode {
    match Config::load(path) {
        Ok(config) => {
            let template_problems = carousel::nurture::check_templates(&config);
            for p in &template_problems {
                println!("{p}");
            }
            if !template_problems.is_empty() {
                return ExitCode::FAILURE;
            }
            for (target, o, _) in carousel::oauth2::targets(&config) {
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
fn inspect(config_path: &Path, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
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
        let understanding = carousel::ingest::understand_safely(&raw, &ctx);
        for line in carousel::inspect::lines(&file.display().to_string(), &understanding) {
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
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
