//! `oneonone auth login`: sign one manager in with an installed-app OAuth client and store the
//! refresh token (mode 0600) where `google.token_cache` says.

use oneonone::config::Config;
use oneonone::google::auth::{login, LoginMethod};
use oneonone::google::connector::Transport;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Open the consent page and store the resulting refresh token.
    Login {
        /// Print a URL to open anywhere and paste the code back, instead of a local redirect
        /// (for a headless server).
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
    login(&transport, &config.google.auth, method).await?;
    println!("signed in; the token is stored. `oneonone check` verifies it.");
    Ok(ExitCode::SUCCESS)
}
