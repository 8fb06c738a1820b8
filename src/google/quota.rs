//! Google's per-minute quotas, kept on our side for every served user together, so a company's
//! worth of managers never turns into a storm of 429s, and the sections people are about to
//! open are written first when the budget is tight.
//!
//! Google counts requests per minute per project and per minute per user per project, with a
//! sliding window ("Usage limits" of each API: Calendar 10,000 / 600, Docs reads 3,000 / 300 and
//! writes 600 / 60). Drive now counts "quota units" (1,000,000 a minute per project, 325,000 per
//! user) without a per-method cost on that page; we budget its requests at the older published
//! 12,000 a minute, as issue 12 asks, and `[google.quota]` can change it.
//!
//! Each API gets a lane per project (shared by all users through [`Quotas`]) and a lane per user
//! ([`UserQuotas`]); every attempt of every call passes both ([`Gate::pass`]) before it is sent,
//! the user's first so a throttled user does not hold the project's slots.
//!
//! **Due ahead of background.** Work a person is about to need — creating, sharing and attaching
//! a doc, writing the next section ([`as_due`]) — may use the whole budget. Everything else
//! (calendar syncs, Drive change lists, re-harvests, revision checks) is background and also
//! passes a narrower background lane of `background_percent` of the budget, so background work
//! alone can never take the last slots from due work.
//!
//! A simulated clock (`daemon.clock = "sandbox"`: weeks pass in seconds) turns pacing off:
//! per-minute budgets measured on the wall clock would throttle a simulation that sends nothing
//! to Google.

use std::future::Future;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota};

use crate::config::{ApiLimits, QuotaConfig};

/// The budgets Google keeps apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Calendar,
    DocsRead,
    DocsWrite,
    Drive,
}

impl Api {
    pub const ALL: [Api; 4] = [Api::Calendar, Api::DocsRead, Api::DocsWrite, Api::Drive];

    /// The name used in logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Api::Calendar => "calendar",
            Api::DocsRead => "docs_read",
            Api::DocsWrite => "docs_write",
            Api::Drive => "drive",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn limits(self, config: &QuotaConfig) -> ApiLimits {
        match self {
            Api::Calendar => config.calendar,
            Api::DocsRead => config.docs_reads,
            Api::DocsWrite => config.docs_writes,
            Api::Drive => config.drive,
        }
    }
}

/// Whose need a call serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Something a person is about to need (the next section, the doc itself).
    Due,
    /// Everything else; may use only the background share of the budget.
    Background,
}

tokio::task_local! {
    static PRIORITY: Priority;
}

/// Runs `work` as due work: its calls may use the whole budget. The priority travels with the
/// future (a task-local scope), so it holds across awaits and for concurrent users on one task.
pub async fn as_due<F: Future>(work: F) -> F::Output {
    PRIORITY.scope(Priority::Due, work).await
}

/// The priority of the call being made: background unless inside [`as_due`].
fn current_priority() -> Priority {
    PRIORITY.try_with(|p| *p).unwrap_or(Priority::Background)
}

/// One budget: all calls pass `all`; background calls pass `background` first.
struct Lane {
    all: DefaultDirectRateLimiter,
    background: DefaultDirectRateLimiter,
}

impl Lane {
    fn per_minute(n: u32, background_percent: u32) -> Lane {
        let share = u64::from(n) * u64::from(background_percent) / 100;
        Lane {
            all: limiter(n),
            background: limiter(u32::try_from(share).unwrap_or(n)),
        }
    }

    async fn pass(&self, priority: Priority) {
        if priority == Priority::Background {
            self.background.until_ready().await;
        }
        self.all.until_ready().await;
    }
}

fn limiter(per_minute: u32) -> DefaultDirectRateLimiter {
    let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    governor::RateLimiter::direct(Quota::per_minute(n))
}

/// The project's lanes, shared by every served user, and what throttling cost so far.
pub struct Quotas {
    config: QuotaConfig,
    /// `None` when pacing is off.
    project: Option<[Lane; 4]>,
    waits: [Waits; 4],
    /// The project's requests of the last minute per budget, for the headroom metric.
    windows: [Window; 4],
}

/// Requests of the last 60 s in one-second buckets: the count Google's sliding window sees.
struct Window(std::sync::Mutex<[(u64, u64); 60]>);

impl Default for Window {
    fn default() -> Self {
        Window(std::sync::Mutex::new([(0, 0); 60]))
    }
}

impl Window {
    /// Counts one request at `second` (seconds since the process's epoch) and answers how many
    /// the last 60 s hold.
    fn record(&self, second: u64) -> u64 {
        let mut buckets = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let slot = &mut buckets[(second % 60) as usize];
        if slot.0 != second {
            *slot = (second, 0);
        }
        slot.1 += 1;
        buckets
            .iter()
            .filter(|(at, _)| second.saturating_sub(*at) < 60)
            .map(|(_, n)| n)
            .sum()
    }
}

/// Seconds since the first call of this process, for [`Window`].
fn process_second() -> u64 {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_secs()
}

/// How often and how long calls of one API waited for their budget.
#[derive(Default)]
struct Waits {
    count: AtomicU64,
    micros: AtomicU64,
}

/// Throttling so far for one API, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub api: Api,
    /// Calls that had to wait for their budget.
    pub waits: u64,
    /// The time they waited, in all.
    pub waited: Duration,
}

impl Quotas {
    pub fn new(config: &QuotaConfig) -> Arc<Quotas> {
        let project = config.paced.then(|| {
            Api::ALL.map(|api| {
                Lane::per_minute(api.limits(config).per_minute, config.background_percent)
            })
        });
        for api in Api::ALL {
            crate::metrics::global()
                .google
                .quota_limit(api.name(), api.limits(config).per_minute);
        }
        Arc::new(Quotas {
            config: *config,
            project,
            waits: Default::default(),
            windows: Default::default(),
        })
    }

    /// A fresh set of per-user lanes for one served user.
    pub(crate) fn for_user(self: &Arc<Self>) -> Arc<UserQuotas> {
        let lanes = self.config.paced.then(|| {
            Api::ALL.map(|api| {
                Lane::per_minute(
                    api.limits(&self.config).per_user_per_minute,
                    self.config.background_percent,
                )
            })
        });
        Arc::new(UserQuotas { lanes })
    }

    /// The gate one API's calls of one user pass.
    pub(crate) fn gate(self: &Arc<Self>, user: &Arc<UserQuotas>, api: Api) -> Gate {
        Gate(Some(Lanes {
            project: Arc::clone(self),
            user: Arc::clone(user),
            api,
        }))
    }

    /// Throttling so far, per API.
    pub fn throttled(&self) -> Vec<Throttled> {
        Api::ALL
            .iter()
            .map(|&api| {
                let w = &self.waits[api.index()];
                Throttled {
                    api,
                    waits: w.count.load(Ordering::Relaxed),
                    waited: Duration::from_micros(w.micros.load(Ordering::Relaxed)),
                }
            })
            .collect()
    }
}

/// One user's lanes.
pub(crate) struct UserQuotas {
    lanes: Option<[Lane; 4]>,
}

/// What one API client of one user passes before every attempt.
#[derive(Clone)]
pub(crate) struct Gate(Option<Lanes>);

#[derive(Clone)]
struct Lanes {
    project: Arc<Quotas>,
    user: Arc<UserQuotas>,
    api: Api,
}

/// Waits shorter than this are the limiter's own bookkeeping, not throttling.
const NOTICEABLE: Duration = Duration::from_millis(1);

impl Gate {
    /// A gate that never waits and counts nothing: for calls outside the four budgets (the
    /// People API, asked once per person per `names.refresh`) and unit tests of the plumbing.
    pub(crate) fn unmetered() -> Gate {
        Gate(None)
    }

    /// Waits until the user's and the project's budgets allow one more call of this API at the
    /// current [`Priority`].
    pub async fn pass(&self) {
        if let Some(lanes) = &self.0 {
            lanes.pass().await;
        }
    }
}

impl Lanes {
    async fn pass(&self) {
        let started = Instant::now();
        let priority = current_priority();
        if let Some(lanes) = &self.user.lanes {
            lanes[self.api.index()].pass(priority).await;
        }
        if let Some(lanes) = &self.project.project {
            lanes[self.api.index()].pass(priority).await;
        }
        let waited = started.elapsed();
        let last_minute = self.project.windows[self.api.index()].record(process_second());
        let noticed = if waited >= NOTICEABLE {
            waited
        } else {
            Duration::ZERO
        };
        crate::metrics::global()
            .google
            .quota_pass(self.api.name(), noticed, last_minute);
        if waited >= NOTICEABLE {
            let w = &self.project.waits[self.api.index()];
            w.count.fetch_add(1, Ordering::Relaxed);
            let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
            w.micros.fetch_add(micros, Ordering::Relaxed);
            tracing::debug!(
                api = self.api.name(),
                ?priority,
                waited_ms = micros / 1000,
                "waited for Google's quota"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(per_minute: u32, per_user: u32, background_percent: u32) -> QuotaConfig {
        let limits = ApiLimits {
            per_minute,
            per_user_per_minute: per_user,
        };
        QuotaConfig {
            calendar: limits,
            docs_reads: limits,
            docs_writes: limits,
            drive: limits,
            background_percent,
            paced: true,
        }
    }

    /// How many calls pass at once without waiting (the burst a fresh minute allows).
    async fn burst(gate: &Gate, due: bool) -> usize {
        let mut n = 0;
        loop {
            let one = async { gate.pass().await };
            let passed = if due {
                tokio::time::timeout(Duration::from_millis(20), as_due(one)).await
            } else {
                tokio::time::timeout(Duration::from_millis(20), one).await
            };
            if passed.is_err() || n > 1000 {
                return n;
            }
            n += 1;
        }
    }

    #[tokio::test]
    async fn background_work_leaves_the_rest_of_the_budget_to_due_work() {
        // 60/min refills one call a second, far slower than the test; background may take 50 %.
        let quotas = Quotas::new(&config(60, 60, 50));
        let user = quotas.for_user();
        let gate = quotas.gate(&user, Api::DocsWrite);
        assert_eq!(
            burst(&gate, false).await,
            30,
            "background stops at its share"
        );
        assert_eq!(burst(&gate, true).await, 30, "due work still has the rest");
        assert_eq!(burst(&gate, true).await, 0, "then the budget is spent");
    }

    #[tokio::test]
    async fn the_project_budget_is_shared_by_all_users_and_each_user_has_their_own() {
        // Refills every 4 s (project) and 6 s (user): none within the test.
        let quotas = Quotas::new(&config(15, 10, 100));
        let (alice, bob) = (quotas.for_user(), quotas.for_user());
        let a = quotas.gate(&alice, Api::Calendar);
        let b = quotas.gate(&bob, Api::Calendar);
        assert_eq!(burst(&a, true).await, 10, "Alice's own budget");
        assert_eq!(burst(&b, true).await, 5, "what the project has left");
        let docs = quotas.gate(&alice, Api::DocsRead);
        assert_eq!(
            burst(&docs, true).await,
            10,
            "another API has its own lanes"
        );
        let throttled = quotas.throttled();
        assert!(
            throttled.iter().all(|t| t.waits == 0),
            "{throttled:?}: a refused probe never passed"
        );
    }

    #[test]
    fn the_window_counts_the_last_sixty_seconds() {
        let w = Window::default();
        assert_eq!(w.record(100), 1);
        assert_eq!(w.record(100), 2);
        assert_eq!(w.record(130), 3);
        assert_eq!(
            w.record(159),
            4,
            "100 is 59 s before 159: still in the window"
        );
        assert_eq!(w.record(160), 3, "100 left the window at 160");
        assert_eq!(
            w.record(200),
            3,
            "130 left the window; 159, 160 and 200 are in it"
        );
        assert_eq!(w.record(1000), 1, "everything older is gone");
    }

    #[tokio::test]
    async fn unpaced_quotas_never_wait() {
        let mut c = config(1, 1, 1);
        c.paced = false;
        let quotas = Quotas::new(&c);
        let user = quotas.for_user();
        let gate = quotas.gate(&user, Api::Drive);
        assert!(burst(&gate, false).await > 1000);
    }

    #[tokio::test]
    async fn a_wait_for_the_budget_is_counted() {
        let quotas = Quotas::new(&config(6000, 1, 100));
        let user = quotas.for_user();
        let gate = quotas.gate(&user, Api::Drive);
        gate.pass().await;
        let _ = tokio::time::timeout(Duration::from_millis(5), gate.pass()).await;
        // The per-user lane allows 1 per minute: the second pass cannot finish in 5 ms.
        let t = quotas.throttled();
        assert_eq!(t[3].waits, 0, "an abandoned wait is not a finished one");
        // 120/min: after the burst of 120 the next call waits for the refill, half a second.
        let fast = Quotas::new(&config(120, 120, 100));
        let user = fast.for_user();
        let gate = fast.gate(&user, Api::Drive);
        for _ in 0..120 {
            gate.pass().await;
        }
        gate.pass().await;
        let t = fast.throttled();
        assert_eq!(t[3].api, Api::Drive);
        assert_eq!(t[3].waits, 1, "{t:?}");
        assert!(t[3].waited >= Duration::from_millis(100), "{t:?}");
    }
}
