//! `oneonone auth login`: sign one manager in with an installed-app OAuth client and store the
//! refresh token (mode 0600) where `google.token_cache` says.

use oneonone::config::Config;
use oneonone::google::connector::Transport;
use oneonone::google::login::{login, LoginMethod};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Sign in through Google's consent page (loopback redirect) and store the refresh token.
    Login {
        /// For a headless server: print a URL to open on any machine, then paste back the
        /// address the browser ends on after Allow (instead of a redirect to this machine).
        #[arg(long)]
        paste: bool,
    },
}

pub async fn run(config_path: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let Action::Login { paste } = args.action;
    let method = if paste {
        LoginMethod::Paste
    } else {
        LoginMethod::Browser
    };
    let transport = Transport::new(&config.google);
    login(
        &transport,
        &config.google.auth,
        method,
        config.names.directory,
    )
    .await?;
    println!("signed in; the token is stored. `oneonone check` verifies it.");
    Ok(ExitCode::SUCCESS)
}
