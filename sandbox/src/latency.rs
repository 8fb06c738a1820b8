//! Simulated network and server latency, so the sandbox can be as slow as Google (which
//! answers in roughly 100–300 ms) instead of answering in a fraction of a millisecond and
//! hiding how the daemon spends its time.
//!
//! A latency is fixed, uniform between two bounds, or normal (mean and standard deviation,
//! never below zero); one applies to every call, and others may override it per method
//! (patterns as in [`crate::faults::ScriptedFault::method`]: exact, `drive.*`, `*`). The
//! delay is a `tokio` sleep before the call is handled, taken without the world lock held, so
//! a slow answer never delays another request.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Longest delay accepted (one minute): a longer one is a `timeout` fault, not latency.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// One delay distribution, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Delay {
    Fixed { ms: u64 },
    Uniform { min_ms: u64, max_ms: u64 },
    Normal { mean_ms: f64, sd_ms: f64 },
}

impl Delay {
    /// Why this delay cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        let max = MAX_LATENCY_MS;
        match *self {
            Delay::Fixed { ms } if ms > max => Err(format!("ms {ms} is above {max}")),
            Delay::Uniform { min_ms, max_ms } if min_ms > max_ms => {
                Err(format!("min_ms {min_ms} is above max_ms {max_ms}"))
            }
            Delay::Uniform { max_ms, .. } if max_ms > max => {
                Err(format!("max_ms {max_ms} is above {max}"))
            }
            Delay::Normal { mean_ms, sd_ms }
                if !(mean_ms.is_finite() && sd_ms.is_finite())
                    || mean_ms < 0.0
                    || sd_ms < 0.0
                    || mean_ms > max as f64 =>
            {
                Err(format!(
                    "mean_ms {mean_ms} and sd_ms {sd_ms} must be finite, not negative, mean at most {max}"
                ))
            }
            _ => Ok(()),
        }
    }

    fn draw(&self, rng: &mut StdRng) -> Duration {
        let ms = match *self {
            Delay::Fixed { ms } => ms as f64,
            Delay::Uniform { min_ms, max_ms } => rng.gen_range(min_ms..=max_ms) as f64,
            Delay::Normal { mean_ms, sd_ms } => {
                // Box–Muller: two uniforms give one standard normal.
                let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
                let u2: f64 = rng.gen_range(0.0..1.0);
                let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                mean_ms + sd_ms * z
            }
        };
        Duration::from_secs_f64(ms.clamp(0.0, MAX_LATENCY_MS as f64) / 1000.0)
    }
}

/// One latency rule.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyRule {
    /// Method pattern; absent means every call not matched by a per-method rule.
    pub method: Option<String>,
    pub delay: Delay,
}

/// A rule as posted to `POST /_sandbox/latency`: `{"ms"}`, `{"min_ms","max_ms"}` or
/// `{"mean_ms","sd_ms"}`, each with an optional `"method"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencySpec {
    pub method: Option<String>,
    pub ms: Option<u64>,
    pub min_ms: Option<u64>,
    pub max_ms: Option<u64>,
    pub mean_ms: Option<f64>,
    pub sd_ms: Option<f64>,
}

impl LatencySpec {
    pub fn rule(self) -> Result<LatencyRule, String> {
        let delay = match (self.ms, self.min_ms, self.max_ms, self.mean_ms, self.sd_ms) {
            (Some(ms), None, None, None, None) => Delay::Fixed { ms },
            (None, Some(min_ms), Some(max_ms), None, None) => Delay::Uniform { min_ms, max_ms },
            (None, None, None, Some(mean_ms), Some(sd_ms)) => Delay::Normal { mean_ms, sd_ms },
            _ => {
                return Err("give exactly one of {\"ms\"}, {\"min_ms\",\"max_ms\"} or \
                            {\"mean_ms\",\"sd_ms\"}"
                    .to_string())
            }
        };
        delay.check()?;
        Ok(LatencyRule {
            method: self.method,
            delay,
        })
    }
}

/// The latency settings of a sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Latency {
    /// For every call without a per-method rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Delay>,
    /// Per-method rules, first match wins.
    #[serde(default)]
    pub methods: Vec<(String, Delay)>,
    #[serde(skip)]
    rng: Option<StdRng>,
}

impl Latency {
    /// A fixed delay for every call (`oneonone sandbox --latency-ms N`); 0 means none.
    pub fn fixed(ms: u64) -> Latency {
        Latency {
            default: (ms > 0).then_some(Delay::Fixed { ms }),
            ..Latency::default()
        }
    }

    /// Sets a rule: the default one, or the one for its method (replacing an earlier rule
    /// for the same pattern).
    pub fn set(&mut self, rule: LatencyRule) -> Result<(), String> {
        rule.delay.check()?;
        match rule.method {
            None => self.default = Some(rule.delay),
            Some(m) if m.trim().is_empty() => return Err("method is empty".to_string()),
            Some(m) => {
                self.methods.retain(|(p, _)| *p != m);
                self.methods.push((m, rule.delay));
            }
        }
        Ok(())
    }

    pub fn clear(&mut self) {
        self.default = None;
        self.methods.clear();
    }

    /// How long to wait before answering a call of `method`.
    pub fn next(&mut self, method: &str) -> Option<Duration> {
        let delay = self
            .methods
            .iter()
            .find(|(p, _)| crate::faults::method_matches(p, method))
            .map(|(_, d)| *d)
            .or(self.default)?;
        let rng = self.rng.get_or_insert_with(|| StdRng::seed_from_u64(12));
        Some(delay.draw(rng)).filter(|d| !d.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_method_rules_override_the_default_and_distributions_stay_in_bounds() {
        let mut l = Latency::fixed(100);
        assert_eq!(
            l.next("calendar.events.list"),
            Some(Duration::from_millis(100))
        );
        l.set(LatencyRule {
            method: Some("docs.*".into()),
            delay: Delay::Uniform {
                min_ms: 10,
                max_ms: 20,
            },
        })
        .expect("valid");
        for _ in 0..100 {
            let d = l.next("docs.documents.get").expect("a delay");
            assert!((10..=20).contains(&d.as_millis()), "{d:?}");
        }
        l.set(LatencyRule {
            method: Some("drive.files.list".into()),
            delay: Delay::Normal {
                mean_ms: 50.0,
                sd_ms: 500.0,
            },
        })
        .expect("valid");
        for _ in 0..100 {
            // Draws below zero are clamped to no delay at all.
            let d = l.next("drive.files.list").unwrap_or_default();
            assert!(d.as_millis() <= 60_000, "{d:?}");
        }
        assert_eq!(
            l.next("calendar.events.list"),
            Some(Duration::from_millis(100))
        );
        l.clear();
        assert_eq!(l.next("calendar.events.list"), None);
        assert_eq!(Latency::fixed(0).next("x"), None);
    }

    #[test]
    fn bad_rules_are_refused() {
        let mut l = Latency::default();
        for d in [
            Delay::Fixed { ms: 60_001 },
            Delay::Uniform {
                min_ms: 5,
                max_ms: 4,
            },
            Delay::Normal {
                mean_ms: -1.0,
                sd_ms: 1.0,
            },
            Delay::Normal {
                mean_ms: f64::NAN,
                sd_ms: 1.0,
            },
        ] {
            let rule = LatencyRule {
                method: None,
                delay: d,
            };
            assert!(l.set(rule).is_err(), "{d:?}");
        }
        assert_eq!(l.default, None);
    }
}
