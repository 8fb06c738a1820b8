//! `oneonone once [--dry-run]`: one pass over every served user, then exit.

use oneonone::config::Config;
use oneonone::daemon::Daemon;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print what would be done and change nothing (not in Google, not in the store).
    #[arg(long)]
    dry_run: bool,
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
    Ok(if summary.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
