//! The daemon: every served user's reconcile step, over and over, until told to stop.
//!
//! Each pass syncs every user's calendar (one call when idle) and runs the work that is due;
//! between passes it sleeps until the earliest next due time or the poll interval, whichever
//! comes first, with ±25 % jitter as Google asks of pollers. SIGTERM/SIGINT are honoured at
//! once, also in the middle of a user's pass: the call in flight is abandoned (every step is
//! idempotent and found again by its marker, so an abandoned pass is simply redone next start),
//! then the loop exits.
//!
//! A user whose pass failed is backed off (`reconcile::backoff`, kept in the store): the pass
//! makes no call for them until the back-off ends, and reports them in
//! [`PassSummary::backing_off`]; the others are served as usual.

use crate::clock::Clock;
use crate::config::{ClockKind, Config, Settings, TemplateChoice};
use crate::domain::template::Template;
use crate::google::{Clients, TasksClients};
use crate::push::{Notification, Push, Refusal};
use crate::reconcile::backoff;
use crate::reconcile::{Mode, PassReport, QuietUsers, ReconcileError, Reconciler, UserOutcome};
use crate::store::{Store, UserBackoff};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// Everything the loop needs, built once at start. The fields are private so that the one
/// way to get a dry run, [`Daemon::start_dry_run`], is also the one way to get its scratch
/// store: a dry run cannot be pointed at the real one.
pub struct Daemon {
    config: Config,
    settings: Settings,
    store: Mutex<Store>,
    template: Template,
    clients: Vec<Clients>,
    clock: Clock,
    mode: Mode,
    /// Users with nothing to do until an input moves ([`QuietUsers`]): an idle pass for them is
    /// one Calendar call.
    quiet: QuietUsers,
    /// Push notifications (`[push]`), for `run` only: `once` and dry runs open no channel.
    push: Option<Push>,
    /// One Google Tasks client per item owner, made on first use (`[tasks] enabled = true`).
    tasks: Option<TasksClients>,
    /// A dry run's scratch copy of the store, removed when the daemon is dropped.
    _scratch: Option<ScratchDir>,
}

/// A user's reconcile: panicked (the message), failed, or done.
type UserResult = Result<Result<UserOutcome, ReconcileError>, String>;

/// How one user's part of a pass ended.
enum UserPass {
    /// Stop was asked before or during it.
    Stopped,
    /// No call made: the user is backing off.
    BackingOff(BackingOff),
    Ran {
        user: String,
        previous: Option<UserBackoff>,
        now: DateTime<Utc>,
        /// Boxed: an outcome's report is far larger than the other variants.
        result: Box<UserResult>,
    },
}

/// The result of one pass over all users.
#[derive(Debug, Default)]
pub struct PassSummary {
    pub report: PassReport,
    /// Users whose pass failed, with why.
    pub failures: Vec<String>,
    /// Users left alone this pass (no call made) because an earlier pass failed.
    pub backing_off: Vec<BackingOff>,
    pub next_due: Option<DateTime<Utc>>,
}

/// A user in back-off: no call for them before `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackingOff {
    pub user: String,
    pub until: DateTime<Utc>,
    /// Failed passes in a row.
    pub failures: u32,
    /// The last failure, in words.
    pub reason: String,
}

impl std::fmt::Display for BackingOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: backing off until {} after {} failed pass(es) in a row: {}",
            self.user,
            self.until
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            self.failures,
            self.reason
        )
    }
}

impl BackingOff {
    fn of(user: &str, b: UserBackoff) -> BackingOff {
        BackingOff {
            user: user.to_string(),
            until: b.next_attempt,
            failures: b.failures,
            reason: b.reason,
        }
    }
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
        Daemon::with_store(config, store, Mode::Apply, None).await
    }

    /// A daemon whose passes plan and report but change nothing: the store is a scratch copy
    /// of the real one (or an empty one when there is none yet), so the dry run can fill its
    /// event cache and plan exactly as a real pass would, while the real store — and the state
    /// directory, if missing — stay untouched.
    pub async fn start_dry_run(config: Config) -> anyhow::Result<Daemon> {
        let (store, scratch) = scratch_store(&config.daemon.state_dir)?;
        Daemon::with_store(config, store, Mode::DryRun, scratch).await
    }

    async fn with_store(
        config: Config,
        store: Store,
        mode: Mode,
        scratch: Option<ScratchDir>,
    ) -> anyhow::Result<Daemon> {
        let template = load_template(&config)?;
        let settings = Settings::new(&config);
        let clients = Clients::connect_all(&config.google)
            .await
            .context("cannot set up the Google clients (see `oneonone check`)")?;
        let clock = clock_for(&config);
        let push = match mode {
            Mode::Apply => config.push.clone().map(Push::new),
            Mode::DryRun => None,
        };
        let tasks = config
            .tasks
            .enabled
            .then(|| TasksClients::new(&config.google));
        Ok(Daemon {
            config,
            settings,
            store: Mutex::new(store),
            template,
            clients,
            clock,
            mode,
            quiet: QuietUsers::default(),
            push,
            tasks,
            _scratch: scratch,
        })
    }

    /// Reads the store (the scratch copy for a dry run), e.g. for a report after the passes.
    pub fn read_store<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        f(&self.store.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Whether the daemon is doing its job ([`crate::http::ready`]): the store answers and some
    /// user synced within a few poll intervals.
    pub fn readiness(&self) -> Result<crate::http::ready::Ready, crate::http::ready::NotReady> {
        let store = self
            .read_store(|s| s.schema_version().map(|_| ()))
            .map_err(|e| e.to_string());
        crate::http::ready::judge(
            store,
            crate::metrics::global().pass.newest_sync_age(),
            self.slowest_poll(),
        )
    }

    /// The longest the loop may sleep between passes: the fallback poll under push.
    fn slowest_poll(&self) -> Duration {
        match &self.push {
            Some(p) => p.config.fallback_poll,
            None => self.config.daemon.poll_interval,
        }
    }

    /// A push notification arrived on `POST /notify` ([`Push::receive`]). Without `[push]`
    /// every channel is unknown.
    pub fn receive_notification(&self, n: &Notification) -> Result<(), Refusal> {
        let outcome = match &self.push {
            Some(push) => push.receive(n, &self.quiet),
            None => Err(Refusal::UnknownChannel),
        };
        let label = outcome
            .as_ref()
            .map_or_else(Refusal::label, |()| "accepted");
        crate::metrics::global().push.notification(label);
        outcome
    }

    /// One pass over every served user (a dry run when started with
    /// [`Daemon::start_dry_run`]). A failing user is reported and does not stop the others.
    ///
    /// Users are reconciled concurrently, at most `daemon.concurrency` at a time, each user's
    /// own steps still in order: a user whose calls are slow or time out holds one slot, not
    /// the pass, so the others' due sections are written on time. All users run on this one
    /// task (no spawn), so the store mutex is only ever taken for short synchronous calls
    /// between awaits and never serialises the pass.
    pub async fn pass(&self, stop: Option<&watch::Receiver<bool>>) -> anyhow::Result<PassSummary> {
        self.pass_users(None, stop).await
    }

    /// [`Daemon::pass`] over the users in `only` (all when `None`): a pass woken by push
    /// notifications serves just the users notified.
    async fn pass_users(
        &self,
        only: Option<&BTreeSet<String>>,
        stop: Option<&watch::Receiver<bool>>,
    ) -> anyhow::Result<PassSummary> {
        use futures_util::stream::{self, StreamExt};
        let reconciler = Reconciler::new(
            &self.config,
            &self.settings,
            &self.store,
            &self.template,
            self.mode,
            &self.quiet,
            self.tasks.as_ref(),
        );
        let reconciler = &reconciler;
        let started = std::time::Instant::now();
        let mut summary = PassSummary::default();
        let chosen = self
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| only.is_none_or(|users| users.contains(&c.user)));
        let mut finished: Vec<(usize, UserPass)> = stream::iter(chosen)
            .map(|(i, clients)| async move {
                (i, Box::pin(self.user_pass(reconciler, clients, stop)).await)
            })
            .buffer_unordered(self.config.daemon.concurrency.max(1))
            .map(|(i, done)| done.map(|d| (i, d)))
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<anyhow::Result<_>>()?;
        // The summary lists users in config order whatever order they finished in.
        finished.sort_by_key(|(i, _)| *i);
        for (_, done) in finished {
            match done {
                UserPass::Stopped => {}
                UserPass::BackingOff(b) => {
                    crate::metrics::global().pass.user_pass("backing_off");
                    summary.due_by(b.until);
                    summary.backing_off.push(b);
                }
                UserPass::Ran {
                    user,
                    previous,
                    now,
                    result,
                } => self.absorb(&user, previous, now, *result, &mut summary),
            }
        }
        crate::metrics::global().pass.pass_done(
            started.elapsed(),
            self.clients.len(),
            summary.backing_off.len(),
            &summary.report,
        );
        Ok(summary)
    }

    /// One user's part of a pass: their back-off, then their reconcile, isolated from panics
    /// and abandoned when `stop` says stop.
    async fn user_pass(
        &self,
        reconciler: &Reconciler<'_>,
        clients: &Clients,
        stop: Option<&watch::Receiver<bool>>,
    ) -> anyhow::Result<UserPass> {
        if stop.is_some_and(|s| *s.borrow()) {
            return Ok(UserPass::Stopped);
        }
        let now = self.clock.now().await?;
        let user = clients.user.as_str();
        let previous = self.backoff_of(user);
        if let Some(b) = backoff::in_force(previous.clone(), now) {
            tracing::info!(user, until = %b.next_attempt, reason = %b.reason, "backing off: no call for this user until then");
            return Ok(UserPass::BackingOff(BackingOff::of(user, b)));
        }
        let started = std::time::Instant::now();
        // Boxed: the pass is a deep state machine (tens of kB), and moving it by value through
        // `select!` and the stream combinators put copies of it on the stack of every frame in
        // debug builds, enough to overflow a 2 MiB test thread.
        let user_pass = Box::pin(isolated(reconciler.reconcile(clients, now)));
        let result = match stop {
            None => user_pass.await,
            Some(stop) => {
                // The stop signal reaches inside a user's pass: the pass is dropped at its
                // next await (a Google call in flight is abandoned). That is safe because a
                // pass never holds the store across an await and every step is idempotent
                // and found again by its marker, exactly as after a crash.
                let mut stop = stop.clone();
                tokio::select! {
                    r = user_pass => r,
                    _ = stopped(&mut stop) => {
                        tracing::info!(user, "stop requested: leaving this user's pass mid-way; it is redone next start");
                        return Ok(UserPass::Stopped);
                    }
                }
            }
        };
        crate::metrics::global()
            .pass
            .step("user", started.elapsed());
        Ok(UserPass::Ran {
            user: user.to_string(),
            previous,
            now,
            result: Box::new(result),
        })
    }

    /// Folds one user's finished pass into the summary and their back-off.
    fn absorb(
        &self,
        user: &str,
        previous: Option<UserBackoff>,
        now: DateTime<Utc>,
        result: UserResult,
        summary: &mut PassSummary,
    ) {
        let metrics = &crate::metrics::global().pass;
        metrics.user_pass(if matches!(result, Ok(Ok(_))) {
            "ok"
        } else {
            "failed"
        });
        if matches!(result, Ok(Ok(_))) && self.mode == Mode::Apply {
            metrics.synced(user);
        }
        match result {
            Err(panic) => {
                tracing::error!(user, "pass crashed for this user ({panic}); the others go on, and this user is retried later");
                let reason = format!("{user}: internal error: {panic}");
                let cause = backoff::Cause {
                    wait: None,
                    reason: reason.clone(),
                };
                self.back_off(user, previous.as_ref(), cause, now, summary);
                summary.failures.push(reason);
            }
            Ok(Ok(outcome)) => {
                for p in &outcome.report.problems {
                    tracing::warn!(user, "{p}");
                }
                if previous.is_some() {
                    self.end_backoff(user);
                }
                summary.report.absorb(outcome.report);
                if let Some(due) = outcome.next_due {
                    summary.due_by(due);
                }
            }
            Ok(Err(e)) => {
                tracing::error!(user, error = %e, "pass failed for this user");
                let cause = backoff::cause_of(&e, now);
                self.back_off(user, previous.as_ref(), cause, now, summary);
                summary.failures.push(e.to_string());
            }
        }
    }

    /// The user's back-off as stored. A store that cannot say is logged and read as "none":
    /// serving a user once too often is better than never serving them again.
    fn backoff_of(&self, user: &str) -> Option<UserBackoff> {
        self.read_store(|s| s.user_backoff(user))
            .unwrap_or_else(|e| {
                tracing::warn!(user, error = %e, "cannot read the user's back-off; trying them now");
                None
            })
    }

    /// Records one more failed pass for `user` ([`backoff::after_failure`]); the wait starts at
    /// the poll interval.
    fn back_off(
        &self,
        user: &str,
        previous: Option<&UserBackoff>,
        cause: backoff::Cause,
        now: DateTime<Utc>,
        summary: &mut PassSummary,
    ) {
        let next = backoff::after_failure(previous, cause, now, self.config.daemon.poll_interval);
        if next.next_attempt > now {
            tracing::warn!(user, until = %next.next_attempt, failures = next.failures, "backing off this user: no call for them until then");
            summary.due_by(next.next_attempt);
        }
        let saved = self
            .store
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .set_user_backoff(user, &next, now);
        if let Err(e) = saved {
            tracing::warn!(user, error = %e, "cannot record the user's back-off");
        }
    }

    /// The user's pass succeeded: their back-off ends.
    fn end_backoff(&self, user: &str) {
        let cleared = self
            .store
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear_user_backoff(user);
        if let Err(e) = cleared {
            tracing::warn!(user, error = %e, "cannot clear the user's back-off");
        }
    }

    /// Runs passes until `stop` turns true. Under `[push]` each pass starts with the channel
    /// upkeep, a notification wakes the loop for a pass over the notified users only, the
    /// sleep is the slow fallback poll while every user has a channel, and the channels are
    /// stopped on the way out.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        if let Some(push) = &self.push {
            push.load(&self.store)?;
        }
        let mut only: Option<BTreeSet<String>> = None;
        loop {
            let now = self.clock.now().await?;
            if let Some(push) = &self.push {
                let concurrency = self.config.daemon.concurrency;
                push.upkeep(
                    &self.config.google,
                    &self.clients,
                    &self.store,
                    now,
                    concurrency,
                )
                .await;
            }
            let summary = self.pass_users(only.as_ref(), Some(&stop)).await?;
            tracing::info!(report = %summary.report, failures = summary.failures.len(), backing_off = summary.backing_off.len(), next_due = ?summary.next_due, users = only.as_ref().map_or(self.clients.len(), BTreeSet::len), "pass done");
            if *stop.borrow() {
                break;
            }
            let poll = match &self.push {
                Some(push) if push.healthy() => push.config.fallback_poll,
                _ => self.config.daemon.poll_interval,
            };
            let now = self.clock.now().await?;
            let until_due = summary
                .next_due
                .and_then(|due| (due - now).to_std().ok())
                .unwrap_or(poll);
            let sleep = jitter(until_due.min(poll));
            let notified = async {
                match &self.push {
                    Some(push) => push.notified().await,
                    None => std::future::pending().await,
                }
            };
            only = tokio::select! {
                _ = tokio::time::sleep(sleep) => None,
                _ = stop.changed() => None,
                _ = notified => self.push.as_ref().map(Push::take_pending),
            };
            if *stop.borrow() {
                break;
            }
        }
        if let Some(push) = &self.push {
            push.stop_all(&self.clients, &self.store, self.config.daemon.concurrency)
                .await;
            tracing::info!("push channels stopped");
        }
        tracing::info!("stopped cleanly");
        Ok(())
    }
}

impl PassSummary {
    /// Wake up no later than `at`.
    fn due_by(&mut self, at: DateTime<Utc>) {
        self.next_due = Some(self.next_due.map_or(at, |n| n.min(at)));
    }
}

/// ±25 % jitter, at least one second: Google asks pollers not to arrive in lockstep.
fn jitter(d: Duration) -> Duration {
    use rand::Rng;
    let factor = rand::thread_rng().gen_range(0.75..=1.25);
    d.mul_f64(factor).max(Duration::from_secs(1))
}

/// A private temporary directory, removed on drop.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            tracing::debug!(dir = %self.0.display(), error = %e, "cannot remove the dry run's scratch store");
        }
    }
}

/// A copy of the store in `state_dir` (a consistent snapshot via `VACUUM INTO`, WAL included)
/// in a fresh private temp directory; an in-memory store when there is no store yet.
fn scratch_store(state_dir: &Path) -> anyhow::Result<(Store, Option<ScratchDir>)> {
    let real = state_dir.join(crate::store::DB_FILE_NAME);
    if !real.exists() {
        let store = Store::open_in_memory().context("cannot open a scratch store in memory")?;
        return Ok((store, None));
    }
    let dir = std::env::temp_dir().join(format!("oneonone-dry-run-{}", uuid::Uuid::new_v4()));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&dir)
        .with_context(|| format!("cannot create a scratch directory {}", dir.display()))?;
    let scratch = ScratchDir(dir);
    let copy = scratch.0.join(crate::store::DB_FILE_NAME);
    let snapshot = || -> rusqlite::Result<()> {
        let conn = rusqlite::Connection::open_with_flags(
            &real,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute("VACUUM INTO ?1", [copy.to_string_lossy().as_ref()])?;
        Ok(())
    };
    snapshot().with_context(|| {
        format!(
            "daemon.state_dir = {}: cannot copy the store for a dry run",
            state_dir.display()
        )
    })?;
    let store = Store::open_file(&copy)
        .with_context(|| format!("cannot open the dry run's copy {}", copy.display()))?;
    Ok((store, Some(scratch)))
}

/// The clock a command reads "now" from: the sandbox's simulated time when configured.
pub fn clock_for(config: &Config) -> Clock {
    match (&config.daemon.clock, &config.google.endpoint) {
        (ClockKind::Sandbox, Some(endpoint)) => Clock::sandbox(endpoint.as_str()),
        _ => Clock::System,
    }
}

fn load_template(config: &Config) -> anyhow::Result<Template> {
    match &config.doc.template {
        TemplateChoice::File(path) => {
            let source = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "doc.template = {}: cannot read the template",
                    path.display()
                )
            })?;
            Ok(Template::new(path.display().to_string(), source)?)
        }
        TemplateChoice::Default => Ok(Template::default_template()?),
        TemplateChoice::Compact => Ok(Template::compact_template()?),
    }
}

/// Resolves once `stop` says stop. A sender that is gone can no longer ask to stop, so that
/// waits forever rather than reading as a stop.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|stopped| *stopped).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Runs one user's pass so that a panic in it (a bug, never an input: inputs are errors) ends
/// only that user's pass, as a reported failure with the panic's message, instead of the
/// process. The store is behind a mutex that is taken poison-tolerant, and an unfinished SQLite
/// transaction rolls back when dropped, so the next pass starts from a consistent store.
async fn isolated<T>(pass: impl std::future::Future<Output = T>) -> Result<T, String> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(pass)
        .catch_unwind()
        .await
        .map_err(|payload| {
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_string())
        })
}

#[cfg(test)]
mod isolation_tests {
    use super::isolated;

    #[tokio::test]
    async fn a_panicking_pass_becomes_a_failure_with_its_message() {
        let got = isolated(async {
            let v: Vec<u32> = Vec::new();
            #[allow(clippy::indexing_slicing)]
            v[3]
        })
        .await;
        let msg = got.expect_err("the panic is caught");
        assert!(msg.contains("index out of bounds"), "{msg}");
        let fine = isolated(async { 7 }).await;
        assert_eq!(fine, Ok(7));
        let formatted = isolated(async { panic!("user {} broke", "bob") }).await;
        assert_eq!(formatted, Err::<(), _>("user bob broke".to_string()));
    }
}
