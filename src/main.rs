//! The `carousel` command line: one verb per job (DESIGN.md, CLI contracts).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use carousel::config::Config;

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
    /// Renders a nurture template for one contact: subject, HTML and text.
    Preview {
        /// Template name (`solar-1-welcome` for templates/solar-1-welcome.html).
        template: String,
        #[arg(long)]
        contact: String,
    },
    /// Nurture sequences: `sequences status` shows enrollments per step.
    Sequences {
        #[command(subcommand)]
        command: SequencesCommand,
    },
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
    /// Closes the lead without an opportunity.
    Close {
        id: String,
        #[arg(long, conflicts_with = "lost", required_unless_present = "lost")]
        won: bool,
        #[arg(long)]
        lost: bool,
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
        Command::Run { once } => {
            let config = load_config(&cli.config)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(carousel::daemon::run(config, once))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => Ok(check(&cli.config)),
        Command::Preview { template, contact } => {
            let config = load_config(&cli.config)?;
            print!("{}", carousel::nurture::preview(&config, &template, &contact)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Sequences {
            command: SequencesCommand::Status,
        } => {
            print!("{}", carousel::nurture::status_text(&load_config(&cli.config)?)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect { files } => inspect(&cli.config, &files),
        Command::Responses {
            command: ListCommand::List { json: _ },
        } => {
            let store = carousel::store::open_for(&load_config(&cli.config)?)?;
            print_json_lines(store.responses())
        }
        Command::Messages {
            command: ListCommand::List { json: _ },
        } => {
            let store = carousel::store::open_for(&load_config(&cli.config)?)?;
            print_json_lines(store.messages().map(|m| m.map(|m| m.summary())))
        }
        Command::Leads {
            command: ListCommand::List { json: _ },
        } => {
            let store = carousel::store::open_for(&load_config(&cli.config)?)?;
            carousel::act::list_leads(&store, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Opportunities {
            command: ListCommand::List { json: _ },
        } => {
            let store = carousel::store::open_for(&load_config(&cli.config)?)?;
            print_json_lines(carousel::act::leads::opportunities(&store)?.into_iter().map(Ok))
        }
        Command::Lead {
            command: LeadCommand::Show { id },
        } => {
            let store = carousel::store::open_for(&load_config(&cli.config)?)?;
            carousel::act::show_lead(&store, &id, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lead { command } => lead_change(&cli.config, command),
    }
}

/// `lead convert|reassign|close`: writes, so the store must not be held by a running daemon.
fn lead_change(config: &Path, command: LeadCommand) -> anyhow::Result<ExitCode> {
    use carousel::act::manage::Change;
    let change = match command {
        LeadCommand::Show { .. } => unreachable!("show is a read verb"),
        LeadCommand::Convert { id, revenue, currency, stage, close, rep } => {
            Change::Convert { id, revenue, currency, stage, close, rep }
        }
        LeadCommand::Reassign { id, rep } => Change::Reassign { id, rep },
        LeadCommand::Close { id, won, lost: _ } => Change::Close {
            id,
            outcome: if won {
                carousel::qualify::conversion::Outcome::Won
            } else {
                carousel::qualify::conversion::Outcome::Lost
            },
        },
    };
    let value = carousel::act::manage::apply(load_config(config)?, change)?;
    println!("{value}");
    Ok(ExitCode::SUCCESS)
}

fn print_json_lines<T: serde::Serialize>(
    items: impl Iterator<Item = Result<T, carousel::store::StoreError>>,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for item in items {
        serde_json::to_writer(&mut out, &item?)?;
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn load_config(path: &Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!("invalid configuration:\n{}", lines.join("\n"))
    })
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
    let ctx = match Config::load(config_path) {
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
