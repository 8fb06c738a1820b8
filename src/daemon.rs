//! The daemon: every served user's reconcile step, over and over, until told to stop.
//!
//! Each pass syncs every user's calendar (one call when idle) and runs the work that is due;
//! between passes it sleeps until the earliest next due time or the poll interval, whichever
//! comes first, with ±25 % jitter as Google asks of pollers. SIGTERM/SIGINT are honoured
//! between steps: the Google call in flight finishes (every step is idempotent, so an abandoned
//! pass is simply redone next start), then the loop exits.

use crate::clock::Clock;
use crate::config::{ClockKind, Config};
use crate::domain::series::DetectionRules;
use crate::domain::template::Template;
use crate::google::Clients;
use crate::reconcile::{PassReport, Reconciler};
use crate::store::Store;
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// Everything the loop needs, built once at start.
pub struct Daemon {
    pub config: Config,
    pub store: Mutex<Store>,
    pub template: Template,
    pub rules: DetectionRules,
    pub clients: Vec<Clients>,
    pub clock: Clock,
}

/// The result of one pass over all users.
#[derive(Debug, Default)]
pub struct PassSummary {
    pub report: PassReport,
    /// Users whose pass failed, with why.
    pub failures: Vec<String>,
    pub next_due: Option<DateTime<Utc>>,
}

impl Daemon {
    /// Opens the store, loads the template and prepares clients for every served user.
    pub async fn start(config: Config) -> anyhow::Result<Daemon> {
        let store = Store::open_in_state_dir(&config.daemon.state_dir).with_context(|| {
            format!(
                "daemon.state_dir = {}: cannot open the store",
                config.daemon.state_dir.display()
            )
        })?;
        let template = load_template(&config)?;
        let rules = DetectionRules {
            include_titles: config.detection.include_titles.clone(),
            exclude_titles: config.detection.exclude_titles.clone(),
        };
        let clients = Clients::connect_all(&config.google)
            .await
            .context("cannot set up the Google clients (see `oneonone check`)")?;
        let clock = clock_for(&config);
        Ok(Daemon {
            config,
            store: Mutex::new(store),
            template,
            rules,
            clients,
            clock,
        })
    }

    /// One pass over every served user. A failing user is reported and does not stop the
    /// others.
    pub async fn pass(
        &self,
        dry_run: bool,
        stop: Option<&watch::Receiver<bool>>,
    ) -> anyhow::Result<PassSummary> {
        let reconciler = Reconciler {
            config: &self.config,
            store: &self.store,
            template: &self.template,
            rules: &self.rules,
            dry_run,
        };
        let mut summary = PassSummary::default();
        for clients in &self.clients {
            if stop.is_some_and(|s| *s.borrow()) {
                break;
            }
            let now = self.clock.now().await?;
            match reconciler.reconcile(clients, now).await {
                Ok(outcome) => {
                    for p in &outcome.report.problems {
                        tracing::warn!(user = %clients.user, "{p}");
                    }
                    summary.report.absorb(outcome.report);
                    if let Some(due) = outcome.next_due {
                        summary.next_due = Some(summary.next_due.map_or(due, |n| n.min(due)));
                    }
                }
                Err(e) => {
                    tracing::error!(user = %clients.user, error = %e, "pass failed for this user; retrying next pass");
                    summary.failures.push(e.to_string());
                }
            }
        }
        Ok(summary)
    }

    /// Runs passes until `stop` turns true.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        let poll = self.config.daemon.poll_interval;
        loop {
            let summary = self.pass(false, Some(&stop)).await?;
            tracing::info!(report = %summary.report, failures = summary.failures.len(), next_due = ?summary.next_due, "pass done");
            if *stop.borrow() {
                break;
            }
            let now = self.clock.now().await?;
            let until_due = summary
                .next_due
                .and_then(|due| (due - now).to_std().ok())
                .unwrap_or(poll);
            let sleep = jitter(until_due.min(poll));
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
        }
        tracing::info!("stopped cleanly");
        Ok(())
    }
}

/// ±25 % jitter, at least one second: Google asks pollers not to arrive in lockstep.
fn jitter(d: Duration) -> Duration {
    use rand::Rng;
    let factor = rand::thread_rng().gen_range(0.75..=1.25);
    d.mul_f64(factor).max(Duration::from_secs(1))
}

fn clock_for(config: &Config) -> Clock {
    match (&config.daemon.clock, &config.google.endpoint) {
        (ClockKind::Sandbox, Some(endpoint)) => Clock::Sandbox {
            base_url: endpoint.to_string(),
        },
        _ => Clock::System,
    }
}

fn load_template(config: &Config) -> anyhow::Result<Template> {
    match &config.doc.template {
        Some(path) => {
            let source = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "doc.template = {}: cannot read the template",
                    path.display()
                )
            })?;
            Ok(Template::new(path.display().to_string(), source)?)
        }
        None => Ok(Template::default_template()?),
    }
}
