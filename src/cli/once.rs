//! `oneonone once [--dry-run] [--allow-failing-users]`: one pass over every served user, then
//! exit.
//!
//! The exit status tells the two kinds of failure apart, as `check`'s does:
//!
//! * 0 — every served user was served;
//! * 1 — the daemon cannot run (config, store, the state-dir lock, the clients): nobody was
//!   served;
//! * 2 — the pass ran, but some users failed or were left alone because they are backing off
//!   (each is printed with why); the others were served.
//!
//! `--allow-failing-users` turns 2 into 0, for a cron job that must only alert on 1.

use oneonone::config::Config;
use oneonone::daemon::Daemon;
use std::path::Path;
use std::process::ExitCode;

/// The exit status when the pass ran but some users were not served.
const SOME_USERS_FAIL: u8 = 2;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print what would be done and change nothing (not in Google, not in the store).
    #[arg(long)]
    dry_run: bool,
    /// Exit 0 when the pass ran even though some users failed or are backing off (they are
    /// still printed).
    #[arg(long)]
    allow_failing_users: bool,
}

pub async fn run(config_path: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let daemon = if args.dry_run {
        Daemon::start_dry_run(config).await?
    } else {
        Daemon::start(config).await?
    };
    let summary = daemon.pass(None).await?;
    if args.dry_run {
        if summary.report.planned.is_empty() {
            println!("dry run: nothing to do");
        }
        for step in &summary.report.planned {
            println!("would {step}");
        }
    }
    println!("{}", summary.report);
    for problem in &summary.report.problems {
        println!("problem: {problem}");
    }
    for failure in &summary.failures {
        println!("failed: {failure}");
    }
    for waiting in &summary.backing_off {
        println!("skipped: {waiting}");
    }
    let unserved = summary.failures.len() + summary.backing_off.len();
    Ok(if unserved == 0 || args.allow_failing_users {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(SOME_USERS_FAIL)
    })
}
