//! The typed settings the daemon runs on, built once from a validated [`Config`].
//!
//! Every default lives in exactly one place: the configurable ones in `validate.rs` (they are
//! what an absent key means), the fixed ones here. The rest of the code takes these values as
//! they are and never falls back on a default of its own.

use super::Config;
use crate::domain::schedule::ScheduleConfig;
use crate::domain::series::DetectionRules;
use chrono::Duration;

/// Minimum time between two harvests of the same occurrence, so a person typing does not cost
/// a Docs read per loop. Also how often Drive's change list is consulted.
const REHARVEST_DEBOUNCE: Duration = Duration::minutes(10);
/// How long after its end a meeting is re-harvested when no next meeting is known.
const REHARVEST_HORIZON: Duration = Duration::days(14);
/// How far back occurrences are expanded: the re-harvest horizon plus a long gap between
/// meetings, so a section people are still editing keeps being re-read.
const LOOKBACK: Duration = Duration::days(42);

/// What one pass needs to know from the configuration, in the domain's own types.
#[derive(Debug, Clone)]
pub struct Settings {
    pub schedule: ScheduleConfig,
    pub rules: DetectionRules,
    /// How far back a series is expanded into occurrences.
    pub lookback: Duration,
    /// How far ahead a series is expanded into occurrences.
    pub lookahead: Duration,
}

impl Settings {
    /// The settings of a validated configuration. Cannot fail: validation already refused
    /// what cannot be used; durations too large for the calendar arithmetic saturate.
    pub fn new(config: &Config) -> Settings {
        let daemon = &config.daemon;
        Settings {
            schedule: ScheduleConfig {
                prepare_before: saturating(daemon.prepare_before),
                harvest_after: saturating(daemon.harvest_after),
                reharvest_debounce: REHARVEST_DEBOUNCE,
                reharvest_horizon: REHARVEST_HORIZON,
            },
            rules: DetectionRules {
                include_titles: config.detection.include_titles.clone(),
                exclude_titles: config.detection.exclude_titles.clone(),
            },
            lookback: LOOKBACK,
            lookahead: saturating(daemon.lookahead),
        }
    }
}

/// A configured duration in chrono's terms; one beyond chrono's range (centuries) saturates,
/// which the schedule's arithmetic handles without panicking.
fn saturating(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_convert_exactly_and_absurd_ones_saturate() {
        let day = std::time::Duration::from_secs(86_400);
        assert_eq!(saturating(day), Duration::days(1));
        assert_eq!(saturating(std::time::Duration::MAX), Duration::MAX);
    }

    #[test]
    fn lookback_covers_the_reharvest_horizon() {
        assert!(LOOKBACK > REHARVEST_HORIZON + REHARVEST_DEBOUNCE);
    }
}
