//! Recurrence lines → instants, through the `rrule` crate, deterministically.
//!
//! The crate does the RFC 5545 expansion; this module only feeds it Google's lines in a form it
//! reads the same way on every machine. Two traps are closed here:
//!
//! * `rrule` reads a date without `Z` and without `TZID` in the *machine's* local zone
//!   (`UNTIL=20261124`, `EXDATE;VALUE=DATE:20261124`, floating `EXDATE:20261124T100000`), and
//!   then rejects a non-UTC `UNTIL`. We rewrite `UNTIL` to UTC and add the series' `TZID` to
//!   `EXDATE`/`RDATE`, so the result depends only on the event.
//! * Expansion is bounded: at most [`MAX_INSTANCES`] instances are walked from the series start,
//!   so a garbage rule (`FREQ=SECONDLY` since 1970) is an error, not a hang.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::event::{Event, EventTime};

/// Instances walked from the series start before giving up: a daily meeting for 270 years.
pub const MAX_INSTANCES: usize = 100_000;

/// Why a series could not be expanded. Each names the event and says what to look at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error("event {event_id} has no start time, so its recurrence cannot be expanded")]
    MissingStart { event_id: String },
    #[error("event {event_id} has no recurrence lines: it is a single event, not a series")]
    NotRecurring { event_id: String },
    #[error(
        "event {event_id} has no usable timeZone and its start offset {offset} is not a whole \
         number of hours, so daylight-saving rules for its recurrence are unknown; set the \
         event's time zone in Google Calendar"
    )]
    NoTimeZone { event_id: String, offset: String },
    #[error("event {event_id}: recurrence line `{line}` is invalid: {reason}")]
    InvalidLine {
        event_id: String,
        line: String,
        reason: String,
    },
    #[error("event {event_id}: the recurrence rules are invalid: {reason}")]
    InvalidRule { event_id: String, reason: String },
    #[error(
        "event {event_id}: more than {limit} occurrences between the series start and the end \
         of the requested window; the rule is too dense to expand"
    )]
    TooManyInstances { event_id: String, limit: usize },
}

/// The zone a series recurs in: its start's IANA `timeZone`, else a fixed zone for the offset the
/// start was written with (exact, but without DST), else an error.
pub fn series_zone(event_id: &str, start: &EventTime) -> Result<Tz, RecurrenceError> {
    match start {
        EventTime::Date(_) => Ok(Tz::UTC),
        EventTime::DateTime {
            offset, time_zone, ..
        } => match time_zone.as_deref().and_then(|z| z.parse::<Tz>().ok()) {
            Some(tz) => Ok(tz),
            None => fixed_zone(*offset).ok_or_else(|| RecurrenceError::NoTimeZone {
                event_id: event_id.to_string(),
                offset: offset.to_string(),
            }),
        },
    }
}

/// `Etc/GMT-5` is UTC+5 (POSIX sign convention); only whole hours exist.
fn fixed_zone(offset: FixedOffset) -> Option<Tz> {
    let secs = offset.local_minus_utc();
    if secs % 3600 != 0 {
        return None;
    }
    let hours = secs / 3600;
    let name = match hours {
        0 => "UTC".to_string(),
        h if h > 0 => format!("Etc/GMT-{h}"),
        h => format!("Etc/GMT+{}", -h),
    };
    name.parse().ok()
}

/// Original starts produced by `master`'s recurrence lines in `[window_start, window_end)`.
/// `first` is the series start as an instant; it is expanded as a wall-clock time in `zone`.
pub fn expand(
    master: &Event,
    zone: Tz,
    first: DateTime<Utc>,
    window_start: DateTime<Utc>,
    window_end: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, RecurrenceError> {
    let id = master.id.as_str();
    if master.recurrence.iter().all(|l| l.trim().is_empty()) {
        return Err(RecurrenceError::NotRecurring {
            event_id: id.to_string(),
        });
    }
    let all_day = master.start.as_ref().is_some_and(EventTime::is_all_day);
    let lines = master
        .recurrence
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(|l| normalise_line(l, zone, all_day, first).map_err(|reason| invalid(id, l, reason)))
        .collect::<Result<Vec<_>, _>>()?;
    let lines: Vec<String> = lines.into_iter().flatten().collect();
    if lines.is_empty() {
        // Every rule ended before the series began: no instances (exceptions may still exist).
        return Ok(Vec::new());
    }
    let rzone = rrule::Tz::Tz(zone);
    let dt_start = first.with_timezone(&rzone);
    let set = rrule::RRuleSet::new(dt_start)
        .set_from_string(&lines.join("\n"))
        .map_err(|e| RecurrenceError::InvalidRule {
            event_id: id.to_string(),
            reason: e.to_string(),
        })?
        .limit();
    let mut out = Vec::new();
    let mut walked = 0usize;
    for t in &set {
        let t = t.with_timezone(&Utc);
        if t >= window_end {
            return Ok(out);
        }
        if t >= window_start {
            out.push(t);
        }
        walked += 1;
        if walked >= MAX_INSTANCES {
            return Err(RecurrenceError::TooManyInstances {
                event_id: id.to_string(),
                limit: MAX_INSTANCES,
            });
        }
    }
    Ok(out)
}

fn invalid(event_id: &str, line: &str, reason: String) -> RecurrenceError {
    RecurrenceError::InvalidLine {
        event_id: event_id.to_string(),
        line: line.to_string(),
        reason,
    }
}

/// Rewrites one line so `rrule` reads it independently of the machine's zone. `None`: a rule
/// whose `UNTIL` precedes the series start, which RFC 5545 makes empty and `rrule` rejects.
fn normalise_line(
    line: &str,
    zone: Tz,
    all_day: bool,
    first: DateTime<Utc>,
) -> Result<Option<String>, String> {
    // One property per line: an embedded newline could smuggle in a DTSTART.
    if line.contains(['\n', '\r']) {
        return Err("contains a line break; Google sends one property per line".to_string());
    }
    let (head, value) = line
        .split_once(':')
        .ok_or_else(|| "expected NAME:VALUE, e.g. RRULE:FREQ=WEEKLY".to_string())?;
    let name = head.split(';').next().unwrap_or("").to_ascii_uppercase();
    match name.as_str() {
        "RRULE" | "EXRULE" => {
            let mut parts = Vec::new();
            for part in value.split(';') {
                match part.split_once('=') {
                    Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") => {
                        let until = until_utc(v, zone, all_day)?;
                        if until < first {
                            return Ok(None);
                        }
                        parts.push(format!("UNTIL={}", until.format("%Y%m%dT%H%M%SZ")));
                    }
                    _ => parts.push(part.to_string()),
                }
            }
            Ok(Some(format!("{head}:{}", parts.join(";"))))
        }
        "EXDATE" | "RDATE" => {
            let has_tzid = head
                .split(';')
                .any(|p| p.to_ascii_uppercase().starts_with("TZID="));
            if has_tzid {
                Ok(Some(line.to_string()))
            } else {
                Ok(Some(format!("{head};TZID={}:{value}", zone.name())))
            }
        }
        other => Err(format!(
            "`{other}` is not a recurrence property; expected RRULE, EXRULE, RDATE or EXDATE"
        )),
    }
}

/// `UNTIL` as UTC basic format. A date means "through that local day"; a floating date-time is
/// local to the series' zone.
fn until_utc(v: &str, zone: Tz, all_day: bool) -> Result<DateTime<Utc>, String> {
    let bad = || format!("UNTIL={v} is neither YYYYMMDD nor YYYYMMDDTHHMMSS[Z]");
    if let Some(z) = v.strip_suffix(['Z', 'z']) {
        return NaiveDateTime::parse_from_str(z, "%Y%m%dT%H%M%S")
            .map(|t| Utc.from_utc_datetime(&t))
            .map_err(|_| bad());
    }
    let local = if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S") {
        t
    } else {
        let d = NaiveDate::parse_from_str(v, "%Y%m%d").map_err(|_| bad())?;
        let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).ok_or_else(bad)?;
        // All-day instances sit at midnight, so the date itself is inclusive either way.
        d.and_time(if all_day { NaiveTime::MIN } else { end_of_day })
    };
    let utc = zone
        .from_local_datetime(&local)
        .latest()
        .map(|t| t.with_timezone(&Utc))
        // In a DST gap: the wall-clock time does not exist; an hour later does.
        .or_else(|| {
            zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .latest()
                .map(|t| t.with_timezone(&Utc))
        })
        .ok_or_else(bad)?;
    Ok(utc)
}
