//! Retrying one Google call: truncated exponential backoff with jitter, as Google asks.
//!
//! Only [`GoogleError::is_retryable`] failures (5xx, timeouts, connection errors, rate limits)
//! are repeated. Google's `Retry-After` hint, when known, replaces the computed delay; a hint
//! longer than [`RetryPolicy::max_retry_after`] ends the retries at once, so a worker is never
//! parked for an hour — the caller requeues the work instead. An exhausted daily or project
//! quota ([`GoogleError::QuotaExhausted`]) is never retried here at all: its wait runs to the
//! quota reset, and `retry_after()` tells the caller how long to park the work.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use super::errors::GoogleError;
use super::quota::Gate;
use crate::config::GoogleConfig;

/// How hard to try one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, including the first (1 = never retry).
    pub(crate) max_attempts: u32,
    /// The first backoff delay; each further one doubles, with jitter.
    pub(crate) min_delay: Duration,
    /// The backoff ceiling ("truncated" exponential backoff).
    pub(crate) max_delay: Duration,
    /// The longest `Retry-After` we wait for in place; a longer one is returned to the caller.
    pub(crate) max_retry_after: Duration,
    /// How long one HTTP attempt may take.
    pub(crate) request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(32),
            max_retry_after: Duration::from_secs(120),
            request_timeout: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The policy the operator configured in `[google]`.
    pub fn from_config(google: &GoogleConfig) -> RetryPolicy {
        RetryPolicy {
            max_attempts: google.max_attempts.max(1),
            request_timeout: google.request_timeout,
            ..RetryPolicy::default()
        }
    }

    fn backoff(&self) -> ExponentialBuilder {
        let retries = usize::try_from(self.max_attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(retries)
    }

    /// The delay before the next attempt, given the computed backoff (`None` when attempts are
    /// exhausted) and the error. Honours `Retry-After`; gives up if it is too long.
    fn next_delay(&self, err: &GoogleError, backoff: Option<Duration>) -> Option<Duration> {
        let backoff = backoff?;
        match err.retry_after() {
            Some(hint) if hint > self.max_retry_after => None,
            Some(hint) => Some(hint),
            None => Some(backoff),
        }
    }
}

/// Runs `f` until it succeeds, fails permanently, or the policy's attempts run out; returns the
/// last error then. `op_name` (e.g. `"calendar.events.list"`) labels the log lines.
pub async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    gate: &Gate,
    op_name: &str,
    f: F,
) -> Result<T, GoogleError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, GoogleError>>,
{
    retry_if(policy, gate, op_name, GoogleError::is_retryable, f).await
}

/// [`with_retry`] for calls that are not idempotent: only errors for which `retryable` holds
/// are repeated (e.g. [`GoogleError::is_refusal`], where Google certainly did nothing).
pub async fn retry_if<T, F, Fut>(
    policy: &RetryPolicy,
    gate: &Gate,
    op_name: &str,
    retryable: fn(&GoogleError) -> bool,
    mut f: F,
) -> Result<T, GoogleError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, GoogleError>>,
{
    // Every attempt is a request Google counts: each one passes the quota gate, then is counted
    // here, the one place every Google call goes through, so the metrics see each HTTP request
    // Google's quota sees, retries included (its latency without the wait for the quota).
    let attempt = || {
        let call = f();
        async move {
            gate.pass().await;
            let started = std::time::Instant::now();
            let outcome = call.await;
            crate::metrics::global()
                .google
                .attempt(op_name, &outcome, started.elapsed());
            outcome
        }
    };
    attempt
        .retry(policy.backoff())
        .sleep(tokio::time::sleep)
        .when(|e| retryable(e) && e.is_retryable())
        .adjust(|err, backoff| policy.next_delay(err, backoff))
        .notify(|err, delay| {
            crate::metrics::global().google.retry_wait(op_name, delay);
            tracing::warn!(
                op = op_name,
                error = %err,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying Google call"
            );
        })
        .await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn fast(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(4),
            max_retry_after: Duration::from_millis(50),
            request_timeout: Duration::from_secs(1),
        }
    }

    fn transient() -> GoogleError {
        GoogleError::Transient {
            code: Some(503),
            message: "backend".into(),
        }
    }

    /// Runs an operation that fails with `errors` in order, then succeeds; returns the result
    /// and the number of calls made.
    async fn run(policy: RetryPolicy, errors: Vec<GoogleError>) -> (Result<u32, GoogleError>, u32) {
        let calls = AtomicU32::new(0);
        let result = with_retry(&policy, &Gate::unmetered(), "test.op", || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            let outcome = match errors.get(n as usize) {
                Some(e) => Err(e.clone()),
                None => Ok(n),
            };
            async move { outcome }
        })
        .await;
        (result, calls.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn transient_failures_are_retried_until_success() {
        let (result, calls) = run(fast(5), vec![transient(), transient()]).await;
        assert_eq!(result, Ok(2));
        assert_eq!(calls, 3);
    }

    #[tokio::test]
    async fn attempts_are_capped() {
        let (result, calls) = run(fast(3), vec![transient(); 10]).await;
        assert_eq!(result, Err(transient()));
        assert_eq!(calls, 3);
    }

    #[tokio::test]
    async fn one_attempt_means_no_retry() {
        let (result, calls) = run(fast(1), vec![transient()]).await;
        assert!(result.is_err());
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn permanent_failures_are_not_retried() {
        let err = GoogleError::NotFound {
            message: "x".into(),
        };
        let (result, calls) = run(fast(5), vec![err.clone()]).await;
        assert_eq!(result, Err(err));
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn short_retry_after_is_honoured() {
        let limited = GoogleError::RateLimited {
            retry_after: Some(Duration::from_millis(30)),
            message: "slow".into(),
        };
        let started = std::time::Instant::now();
        let (result, calls) = run(fast(5), vec![limited]).await;
        assert_eq!(result, Ok(1));
        assert_eq!(calls, 2);
        assert!(started.elapsed() >= Duration::from_millis(30));
    }

    #[tokio::test]
    async fn long_retry_after_returns_to_the_caller() {
        let limited = GoogleError::RateLimited {
            retry_after: Some(Duration::from_secs(3600)),
            message: "slow".into(),
        };
        let (result, calls) = run(fast(5), vec![limited.clone()]).await;
        assert_eq!(result, Err(limited));
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn retry_if_narrows_what_is_repeated() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = retry_if(
            &fast(5),
            &Gate::unmetered(),
            "test.write",
            GoogleError::is_refusal,
            || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(transient()) }
            },
        )
        .await;
        assert_eq!(result, Err(transient()));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let calls = AtomicU32::new(0);
        let result = retry_if(
            &fast(5),
            &Gate::unmetered(),
            "test.write",
            GoogleError::is_refusal,
            || {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        Err(GoogleError::RateLimited {
                            retry_after: None,
                            message: "slow".into(),
                        })
                    } else {
                        Ok(n)
                    }
                }
            },
        )
        .await;
        assert_eq!(result, Ok(1));
    }

    #[test]
    fn next_delay_prefers_the_hint_within_bounds() {
        let p = fast(5);
        let hinted = GoogleError::RateLimited {
            retry_after: Some(Duration::from_millis(20)),
            message: String::new(),
        };
        let d = Some(Duration::from_millis(2));
        assert_eq!(p.next_delay(&hinted, d), Some(Duration::from_millis(20)));
        assert_eq!(p.next_delay(&hinted, None), None);
        assert_eq!(p.next_delay(&transient(), d), d);
    }
}
