//! The command line: one module per subcommand. `main.rs` only calls [`main`].

mod actions;
mod auth;
mod backoffs;
mod check;
#[cfg(feature = "sandbox")]
mod demo;
mod explain;
mod logging;
mod once;
mod review;
mod run;
#[cfg(feature = "sandbox")]
mod sandbox;
mod signals;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Keeps every recurring 1-1 in Google Calendar paired with one shared Google Doc.
#[derive(Debug, Parser)]
#[command(name = "oneonone", version, about, long_about = None)]
pub struct Cli {
    /// The configuration file.
    #[arg(
        long,
        short,
        global = true,
        env = "ONEONONE_CONFIG",
        default_value = "oneonone.toml"
    )]
    pub config: PathBuf,

    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon until SIGTERM/SIGINT.
    Run,
    /// One pass over every served user, then exit.
    Once(once::Args),
    /// Check the configuration, credentials, scopes and endpoint, saying how to fix problems.
    Check(check::Args),
    /// Show, rule by rule, why an event is or is not treated as a 1-1.
    Explain(explain::Args),
    /// List or export the action items (table, JSON, CSV, Markdown review).
    Actions(actions::Args),
    /// A review packet for one person: people's notes per meeting, action items, figures.
    Review(review::Args),
    /// Sign in one manager with an installed-app OAuth client (`google.auth = "installed"`).
    Auth(auth::Args),
    /// Run the whole job on the built-in sandbox over simulated weeks (no Google account).
    #[cfg(feature = "sandbox")]
    Demo(demo::Args),
    /// Serve an offline, in-memory Google (Calendar, Docs, Drive, OAuth) for tests and demos.
    #[cfg(feature = "sandbox")]
    Sandbox(sandbox::Args),
}

/// Parses the command line, sets up logging and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The demo tells its own story on stdout; the daemon's info logs would drown it.
    let default_level = match cli.command {
        #[cfg(feature = "sandbox")]
        Command::Demo(_) => "warn",
        _ => "info",
    };
    logging::init(cli.log_format, default_level);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let config = cli.config.as_path();
        match cli.command {
            Command::Run => run::run(config).await,
            Command::Once(args) => once::run(config, args).await,
            Command::Check(args) => check::run(config, args).await,
            Command::Explain(args) => explain::run(config, args).await,
            Command::Actions(args) => actions::run(config, args).await,
            Command::Review(args) => review::run(config, args).await,
            Command::Auth(args) => auth::run(config, args).await,
            #[cfg(feature = "sandbox")]
            Command::Demo(args) => demo::run(args).await,
            #[cfg(feature = "sandbox")]
            Command::Sandbox(args) => sandbox::run(args).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, skipping a cause whose text the message before it
/// already includes (many of our errors quote their cause, to stand alone in logs).
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}
