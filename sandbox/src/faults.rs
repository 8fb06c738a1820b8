//! Fault injection: scripted faults ("the next 2 calls of `docs.documents.batchUpdate` answer
//! 429") and seeded random faults ("5 % of all calls answer 500 or 503"), so fault tests are
//! reproducible.
//!
//! `AppState::call` asks [`Faults::next`] before running a handler; the Docs `batchUpdate`
//! handler asks [`Faults::take_revision_bump`] to simulate a concurrent edit.

use axum::http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the core should do to one call instead of (or before) answering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultAction {
    /// Wait this long first.
    pub delay: Option<Duration>,
    /// Answer with this status in Google's error shape.
    pub status: Option<StatusCode>,
    /// The `errors[0].reason` to answer with (Calendar/Drive shape); default by status.
    pub reason: Option<String>,
    /// The error `message`; default by status.
    pub message: Option<String>,
    /// Close the connection without answering (after `delay`).
    pub drop_connection: bool,
    /// Carry the call out before dropping the connection ([`FaultKind::LostAnswer`]).
    pub apply_first: bool,
    /// A `Retry-After` header (delta-seconds) on the error answer.
    pub retry_after_s: Option<u64>,
}

/// The kind of a scripted fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with `status`.
    Status,
    /// Wait `delay_ms` (default [`DEFAULT_TIMEOUT_DELAY_MS`]) then drop the connection without
    /// an answer, as a timed-out or reset connection looks to the client.
    Timeout,
    /// Wait `delay_ms`, then answer the call normally (a slow Google).
    Delay,
    /// Make the document look edited by someone else just before a Docs write.
    RevisionBump,
    /// Carry the call out, then drop the connection without answering: a timeout after Google
    /// acted. The write happened and the client cannot know it, which is why Drive's
    /// `files.create` is not safe to repeat after a timeout.
    LostAnswer,
}

/// Delay of a `timeout` fault without an explicit `delay_ms`.
pub const DEFAULT_TIMEOUT_DELAY_MS: u64 = 1_000;

/// One scripted fault, as posted to `POST /_sandbox/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptedFault {
    /// Google method id; `*` for any method, `drive.*` for every method under `drive.`.
    pub method: String,
    #[serde(default = "default_kind")]
    pub kind: FaultKind,
    /// Status for `status` faults (default 503).
    #[serde(default)]
    pub status: Option<u16>,
    /// Google's `reason` for `status` faults, e.g. `sharingRateLimitExceeded`,
    /// `dailyLimitExceeded`, `forbidden`; default by status (`rateLimitExceeded` for 429,
    /// `userRateLimitExceeded` for 403, `backendError` for 5xx). Docs answers have no reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The error message for `status` faults; default by status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How many matching calls it hits; default 1.
    #[serde(default = "default_times")]
    pub times: u32,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// How many matching calls pass untouched before the fault hits ("the second
    /// `files.create`"); default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skip: u32,
    /// For `status` faults: send `Retry-After: <seconds>` with the error, as Google may with a
    /// 429 or a rate-limit 403 (RFC 6585 §4: a 429 "MAY include a Retry-After header").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
    /// Only calls made with a token issued for this user (email, case-insensitive) are hit;
    /// default: every caller. Lets a test fail one served user while the others go on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn default_kind() -> FaultKind {
    FaultKind::Status
}

fn default_times() -> u32 {
    1
}

/// Seeded random faults, as posted to `POST /_sandbox/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomFaults {
    /// Probability in [0, 1] that a call fails.
    pub rate: f64,
    /// Statuses drawn uniformly for failing calls.
    pub statuses: Vec<u16>,
    pub seed: u64,
    /// Method patterns it applies to (as [`ScriptedFault::method`]); default: every method
    /// except `oauth2.token`, whose failures client libraries do not retry.
    #[serde(default)]
    pub methods: Option<Vec<String>>,
    /// Draws made so far, so a reloaded state continues the same sequence.
    #[serde(default)]
    pub draws: u64,
    #[serde(skip)]
    rng: Option<StdRng>,
}

/// A refused fault specification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultSpecError {
    #[error("fault status {0} is not an HTTP error status (400..=599)")]
    Status(u16),
    #[error("random fault rate {0} must be within 0.0..=1.0")]
    Rate(String),
    #[error("random faults need at least one status in \"statuses\"")]
    NoStatuses,
    #[error("fault \"method\" must not be empty; use \"*\" for every method")]
    EmptyMethod,
}

/// All configured faults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Faults {
    /// Consumed front to back; the first matching fault with calls left applies.
    pub scripted: Vec<ScriptedFault>,
    pub random: Option<RandomFaults>,
}

pub(crate) fn method_matches(pattern: &str, method: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => method.starts_with(prefix),
        None => pattern == method,
    }
}

/// A fault for one user hits only calls whose token belongs to that user.
fn user_matches(wanted: Option<&str>, caller: Option<&str>) -> bool {
    match wanted {
        None => true,
        Some(w) => caller.is_some_and(|c| c.eq_ignore_ascii_case(w)),
    }
}

fn error_status(code: u16) -> Result<StatusCode, FaultSpecError> {
    StatusCode::from_u16(code)
        .ok()
        .filter(|s| s.is_client_error() || s.is_server_error())
        .ok_or(FaultSpecError::Status(code))
}

impl RandomFaults {
    pub fn new(
        rate: f64,
        statuses: Vec<u16>,
        seed: u64,
        methods: Option<Vec<String>>,
    ) -> Result<Self, FaultSpecError> {
        if !(0.0..=1.0).contains(&rate) {
            return Err(FaultSpecError::Rate(rate.to_string()));
        }
        if statuses.is_empty() {
            return Err(FaultSpecError::NoStatuses);
        }
        for s in &statuses {
            error_status(*s)?;
        }
        Ok(RandomFaults {
            rate,
            statuses,
            seed,
            methods,
            draws: 0,
            rng: None,
        })
    }

    fn applies_to(&self, method: &str) -> bool {
        match &self.methods {
            Some(patterns) => patterns.iter().any(|p| method_matches(p, method)),
            None => method != "oauth2.token",
        }
    }

    fn draw(&mut self) -> Option<StatusCode> {
        let draws = self.draws;
        let seed = self.seed;
        let rng = self.rng.get_or_insert_with(|| {
            // Rebuild the sequence after a reload: same seed, skip what was drawn.
            let mut rng = StdRng::seed_from_u64(seed);
            for _ in 0..draws {
                let _: (f64, usize) = (rng.gen(), rng.gen());
            }
            rng
        });
        let (roll, pick): (f64, usize) = (rng.gen(), rng.gen());
        self.draws += 1;
        if roll >= self.rate {
            return None;
        }
        let code = self.statuses.get(pick % self.statuses.len().max(1))?;
        StatusCode::from_u16(*code).ok()
    }
}

impl Faults {
    /// Adds a scripted fault after validating it.
    pub fn add_scripted(&mut self, fault: ScriptedFault) -> Result<(), FaultSpecError> {
        if fault.method.is_empty() {
            return Err(FaultSpecError::EmptyMethod);
        }
        if let Some(s) = fault.status {
            error_status(s)?;
        }
        self.scripted.push(fault);
        Ok(())
    }

    pub fn set_random(&mut self, random: RandomFaults) {
        self.random = Some(random);
    }

    pub fn clear(&mut self) {
        *self = Faults::default();
    }

    /// The fault for this call of `method` by `caller` (the token's user, when the token is
    /// known), if any; consumes one use of a scripted fault.
    pub fn next(&mut self, method: &str, caller: Option<&str>) -> Option<FaultAction> {
        let hit = self.scripted.iter_mut().find(|f| {
            f.times > 0
                && f.kind != FaultKind::RevisionBump
                && method_matches(&f.method, method)
                && user_matches(f.user.as_deref(), caller)
        });
        if let Some(f) = hit {
            if f.skip > 0 {
                f.skip -= 1;
                return None;
            }
            f.times -= 1;
            let action = match f.kind {
                FaultKind::Timeout => FaultAction {
                    delay: Some(Duration::from_millis(
                        f.delay_ms.unwrap_or(DEFAULT_TIMEOUT_DELAY_MS),
                    )),
                    status: None,
                    reason: None,
                    message: None,
                    drop_connection: true,
                    apply_first: false,
                    retry_after_s: None,
                },
                FaultKind::LostAnswer => FaultAction {
                    delay: f.delay_ms.map(Duration::from_millis),
                    status: None,
                    reason: None,
                    message: None,
                    drop_connection: true,
                    apply_first: true,
                    retry_after_s: None,
                },
                FaultKind::Delay => FaultAction {
                    delay: Some(Duration::from_millis(f.delay_ms.unwrap_or(0))),
                    status: None,
                    reason: None,
                    message: None,
                    drop_connection: false,
                    apply_first: false,
                    retry_after_s: None,
                },
                _ => FaultAction {
                    delay: f.delay_ms.map(Duration::from_millis),
                    status: Some(
                        f.status
                            .and_then(|s| StatusCode::from_u16(s).ok())
                            .unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                    ),
                    reason: f.reason.clone(),
                    message: f.message.clone(),
                    drop_connection: false,
                    apply_first: false,
                    retry_after_s: f.retry_after_s,
                },
            };
            self.scripted.retain(|f| f.times > 0);
            return Some(action);
        }
        let random = self.random.as_mut().filter(|r| r.applies_to(method))?;
        random.draw().map(|status| FaultAction {
            delay: None,
            status: Some(status),
            reason: None,
            message: None,
            drop_connection: false,
            apply_first: false,
            retry_after_s: None,
        })
    }

    /// Whether a scripted `revision_bump` fault applies to this call of `method` (consumes one).
    pub fn take_revision_bump(&mut self, method: &str) -> bool {
        let hit = self.scripted.iter_mut().find(|f| {
            f.times > 0 && f.kind == FaultKind::RevisionBump && method_matches(&f.method, method)
        });
        match hit {
            Some(f) => {
                f.times -= 1;
                self.scripted.retain(|f| f.times > 0);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
#[path = "faults_tests.rs"]
mod tests;
