//! Recurrence: turns a master's `recurrence` lines (RRULE / EXDATE / RDATE) into occurrence
//! start times with the `rrule` crate, evaluated in the event's `start.timeZone` so that local
//! wall-clock times survive DST changes.
//!
//! Google's lines are close to RFC 5545 but looser than the `rrule` crate accepts, so this
//! module normalises them first: a date-only or floating `UNTIL` is resolved in the event's zone
//! and written in UTC; EXDATE/RDATE values (`TZID=`, `VALUE=DATE`, `Z` or floating) are parsed
//! here and handed to the crate as instants. All-day series are expanded in UTC at midnight (a
//! date has no zone), which makes their dates DST-proof.
//!
//! Like the `rrule` crate (and unlike a strict RFC 5545 reading), a DTSTART that does not match
//! its rule is not itself an occurrence.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rrule::{RRule, RRuleSet, Unvalidated};

use super::error::CalError;
use super::when::{local_to_utc, parse_tz, When};

/// Upper bound of occurrences produced for one series in one request, whatever the window.
pub const MAX_OCCURRENCES: usize = 5000;

/// One occurrence's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Occurrence {
    /// All-day series: the date.
    Date(NaiveDate),
    /// Timed series: the instant (format it in the series' zone).
    Instant(DateTime<Utc>),
}

/// A parsed, validated recurrence, ready to expand.
pub struct Series {
    set: RRuleSet,
    all_day: bool,
}

fn invalid_rule() -> CalError {
    CalError::invalid("Invalid recurrence rule.")
}

impl Series {
    /// Parses `lines` for a master starting at `start`. Timed series need a zone (`tz`).
    pub fn parse(lines: &[String], start: &When) -> Result<Series, CalError> {
        let (dtstart, zone, all_day) = match start {
            When::Date(d) => {
                let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
                (rrule::Tz::UTC.from_utc_datetime(&midnight), Tz::UTC, true)
            }
            When::Instant { utc, tz } => {
                let zone = tz.ok_or_else(|| {
                    CalError::bad_request(
                        "required",
                        "Missing time zone definition for start time.",
                    )
                })?;
                (utc.with_timezone(&rrule::Tz::Tz(zone)), zone, false)
            }
        };
        let mut set = RRuleSet::new(dtstart);
        for line in lines {
            let (name, params, value) = split_line(line).ok_or_else(invalid_rule)?;
            match name.as_str() {
                "RRULE" => {
                    if let Some(rule) = parse_rrule(value, zone, all_day, dtstart)? {
                        set = set.rrule(rule);
                    }
                }
                "EXDATE" => {
                    for t in parse_dates(params, value, zone, all_day, dtstart)? {
                        set = set.exdate(t);
                    }
                }
                "RDATE" => {
                    for t in parse_dates(params, value, zone, all_day, dtstart)? {
                        set = set.rdate(t);
                    }
                }
                // EXRULE is deprecated and Google ignores it; so does the sandbox.
                "EXRULE" => {}
                _ => return Err(invalid_rule()),
            }
        }
        Ok(Series { set, all_day })
    }

    /// Occurrences starting in `[from, until]`, in order, at most [`MAX_OCCURRENCES`]
    /// (occurrences before `from` are skipped, not counted).
    pub fn occurrences_between(
        &self,
        from: Option<DateTime<Utc>>,
        until: DateTime<Utc>,
    ) -> Vec<Occurrence> {
        let mut out = Vec::new();
        for t in &self.set {
            let utc = t.with_timezone(&Utc);
            if utc > until || out.len() >= MAX_OCCURRENCES {
                break;
            }
            if from.is_some_and(|f| utc < f) {
                continue;
            }
            out.push(if self.all_day {
                Occurrence::Date(utc.date_naive())
            } else {
                Occurrence::Instant(utc)
            });
        }
        out
    }

    /// Occurrences starting no later than `until` (from the first one).
    pub fn occurrences_until(&self, until: DateTime<Utc>) -> Vec<Occurrence> {
        self.occurrences_between(None, until)
    }

    /// Whether the series has an occurrence starting exactly at `at`.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.occurrences_between(Some(at), at).len() == 1
    }

    /// True when the series ends (COUNT/UNTIL on every rule) — then `last` is meaningful.
    pub fn is_bounded(&self) -> bool {
        self.set
            .get_rrule()
            .iter()
            .all(|r| r.get_count().is_some() || r.get_until().is_some())
    }
}

/// Splits `NAME;PARAMS:VALUE` into upper-cased name, params and value.
fn split_line(line: &str) -> Option<(String, &str, &str)> {
    let (head, value) = line.trim().split_once(':')?;
    let (name, params) = head.split_once(';').unwrap_or((head, ""));
    Some((name.trim().to_ascii_uppercase(), params, value.trim()))
}

/// Parses one RRULE value; `None` when its UNTIL lies before the start (no occurrences).
fn parse_rrule(
    value: &str,
    zone: Tz,
    all_day: bool,
    dtstart: DateTime<rrule::Tz>,
) -> Result<Option<RRule>, CalError> {
    let mut until_utc = None;
    let parts: Vec<String> = value
        .split(';')
        .filter(|p| !p.is_empty())
        .map(|part| match part.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") => {
                let t = resolve_ical_time(v, zone, all_day, true).ok_or_else(invalid_rule)?;
                until_utc = Some(t);
                Ok(format!("UNTIL={}", t.format("%Y%m%dT%H%M%SZ")))
            }
            _ => Ok(part.to_string()),
        })
        .collect::<Result<_, CalError>>()?;
    if until_utc.is_some_and(|u| u < dtstart.with_timezone(&Utc)) {
        return Ok(None);
    }
    let rule: RRule<Unvalidated> = parts.join(";").parse().map_err(|_| invalid_rule())?;
    rule.validate(dtstart).map(Some).map_err(|_| invalid_rule())
}

/// Resolves an iCalendar date or date-time: `Z` is UTC, floating times are in `zone`, a bare
/// date is midnight (all-day series) or, as an UNTIL of a timed series, the end of that day.
fn resolve_ical_time(v: &str, zone: Tz, all_day: bool, is_until: bool) -> Option<DateTime<Utc>> {
    if let Some(utc) = v.strip_suffix('Z') {
        let t = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").ok()?;
        return Some(Utc.from_utc_datetime(&t));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S") {
        return Some(if all_day {
            Utc.from_utc_datetime(&t)
        } else {
            local_to_utc(zone, t)
        });
    }
    let d = NaiveDate::parse_from_str(v, "%Y%m%d").ok()?;
    if all_day {
        return Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?));
    }
    let local = if is_until {
        d.and_hms_opt(23, 59, 59)?
    } else {
        d.and_hms_opt(0, 0, 0)?
    };
    Some(local_to_utc(zone, local))
}

/// Parses EXDATE/RDATE values. A bare date in a timed series means "at the series' start time
/// on that day" (that is how such dates match occurrences).
fn parse_dates(
    params: &str,
    value: &str,
    zone: Tz,
    all_day: bool,
    dtstart: DateTime<rrule::Tz>,
) -> Result<Vec<DateTime<rrule::Tz>>, CalError> {
    let mut zone = zone;
    for p in params.split(';').filter(|p| !p.is_empty()) {
        if let Some((k, v)) = p.split_once('=') {
            if k.eq_ignore_ascii_case("TZID") && !all_day {
                zone = parse_tz(v).ok_or_else(invalid_rule)?;
            }
        }
    }
    let start_time = dtstart.with_timezone(&zone).time();
    value
        .split(',')
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            let v = v.trim();
            let utc = match NaiveDate::parse_from_str(v, "%Y%m%d") {
                Ok(d) if !all_day => Some(local_to_utc(zone, d.and_time(start_time))),
                _ => resolve_ical_time(v, zone, all_day, false),
            }
            .ok_or_else(invalid_rule)?;
            Ok(utc.with_timezone(&dtstart.timezone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(local: &str, zone: Tz) -> When {
        let t = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap();
        When::Instant {
            utc: local_to_utc(zone, t),
            tz: Some(zone),
        }
    }

    fn lines(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn weekly_keeps_wall_clock_across_dst() {
        let start = timed("2025-03-03T09:00", Tz::Europe__Berlin);
        let s = Series::parse(&lines(&["RRULE:FREQ=WEEKLY;COUNT=6"]), &start).unwrap();
        let far = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let hours: Vec<u32> = s
            .occurrences_until(far)
            .iter()
            .map(|o| match o {
                Occurrence::Instant(t) => {
                    chrono::Timelike::hour(&t.with_timezone(&Tz::Europe__Berlin))
                }
                Occurrence::Date(_) => 99,
            })
            .collect();
        assert_eq!(hours, vec![9; 6]);
    }

    #[test]
    fn date_only_until_is_inclusive_and_exdate_removes() {
        let start = timed("2025-03-24T07:30", Tz::America__Chicago);
        let s = Series::parse(
            &lines(&[
                "RRULE:FREQ=DAILY;UNTIL=20250328",
                "EXDATE;TZID=America/Chicago:20250325T073000",
            ]),
            &start,
        )
        .unwrap();
        let far = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(s.occurrences_until(far).len(), 4);
        assert!(s.is_bounded());
    }

    #[test]
    fn all_day_yearly_and_until_before_start() {
        let start = When::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        let s = Series::parse(&lines(&["RRULE:FREQ=YEARLY;COUNT=2"]), &start).unwrap();
        let far = Utc.with_ymd_and_hms(2040, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(s.occurrences_until(far).len(), 2);
        let early = Series::parse(&lines(&["RRULE:FREQ=DAILY;UNTIL=20200101"]), &start).unwrap();
        assert!(early.occurrences_until(far).is_empty());
    }

    #[test]
    fn rejects_garbage_and_missing_zone() {
        let start = timed("2025-03-24T07:30", Tz::UTC);
        assert!(Series::parse(&lines(&["RRULE:FREQ=SOMETIMES"]), &start).is_err());
        assert!(Series::parse(&lines(&["BOGUS"]), &start).is_err());
        let no_zone = When::Instant {
            utc: Utc::now(),
            tz: None,
        };
        let err = Series::parse(&lines(&["RRULE:FREQ=DAILY"]), &no_zone)
            .err()
            .unwrap();
        assert_eq!(err.message, "Missing time zone definition for start time.");
    }
}
