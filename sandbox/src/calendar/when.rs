//! Reading and writing event times: `{date}` or `{dateTime, timeZone}` on the wire, a
//! [`When`] inside the sandbox.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use super::error::CalError;
use super::model::EventDateTime;

/// A parsed event time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// An all-day date (no zone: the day is the calendar's day).
    Date(NaiveDate),
    /// An instant, with the IANA zone the event was given in (if any).
    Instant {
        /// The instant.
        utc: DateTime<Utc>,
        /// `timeZone` of the event time, used for recurrence and display.
        tz: Option<Tz>,
    },
}

impl When {
    /// The instant this time starts at; all-day dates start at midnight in `cal_tz`.
    pub fn to_utc(&self, cal_tz: Tz) -> DateTime<Utc> {
        match self {
            When::Instant { utc, .. } => *utc,
            When::Date(d) => local_to_utc(cal_tz, d.and_hms_opt(0, 0, 0).unwrap_or_default()),
        }
    }

    /// True for all-day dates.
    pub fn is_all_day(&self) -> bool {
        matches!(self, When::Date(_))
    }
}

/// Parses a zone name as Google accepts it (IANA names).
pub fn parse_tz(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// Resolves a wall-clock time in `tz`; in a gap the time moves forward one hour, in an overlap
/// the earlier instant wins (what Google Calendar does with such times).
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        LocalResult::None => match tz.from_local_datetime(&(local + chrono::Duration::hours(1))) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            LocalResult::None => Utc.from_utc_datetime(&local),
        },
    }
}

/// Parses `start`/`end`/`originalStartTime`; `field` names it in error messages
/// ("start", "end").
pub fn parse(edt: &EventDateTime, field: &str) -> Result<When, CalError> {
    let tz = match edt.time_zone.as_deref() {
        Some(name) => Some(parse_tz(name).ok_or_else(|| {
            CalError::invalid(format!("Invalid time zone definition for {field} time."))
        })?),
        None => None,
    };
    match (edt.date.as_deref(), edt.date_time.as_deref()) {
        (Some(_), Some(_)) | (None, None) => Err(CalError::bad_request(
            "required",
            format!("Missing {field} time."),
        )),
        (Some(d), None) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(When::Date)
            .map_err(|_| CalError::invalid(format!("Invalid {field} time."))),
        (None, Some(dt)) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(dt) {
                return Ok(When::Instant {
                    utc: t.with_timezone(&Utc),
                    tz,
                });
            }
            let local = NaiveDateTime::parse_from_str(dt, "%Y-%m-%dT%H:%M:%S%.f")
                .map_err(|_| CalError::invalid(format!("Invalid {field} time.")))?;
            let zone = tz.ok_or_else(|| {
                CalError::bad_request(
                    "required",
                    format!("Missing time zone definition for {field} time."),
                )
            })?;
            Ok(When::Instant {
                utc: local_to_utc(zone, local),
                tz,
            })
        }
    }
}

/// `dateTime` as Google writes it: wall-clock time in the zone with its offset.
pub fn format_instant(utc: DateTime<Utc>, tz: Option<Tz>) -> String {
    match tz {
        Some(z) => utc
            .with_timezone(&z)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        None => utc.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// The wire form of a time, in the same shape (`date` or `dateTime` + `timeZone`) as `like`.
pub fn to_wire(when: &When, like: &EventDateTime) -> EventDateTime {
    match when {
        When::Date(d) => EventDateTime {
            date: Some(d.format("%Y-%m-%d").to_string()),
            date_time: None,
            time_zone: None,
        },
        When::Instant { utc, tz } => EventDateTime {
            date: None,
            date_time: Some(format_instant(*utc, *tz)),
            time_zone: like.time_zone.clone(),
        },
    }
}

/// RFC 3339 with milliseconds and `Z`, the format of `created` / `updated`.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offset_and_zone_forms() {
        let with_offset = EventDateTime {
            date_time: Some("2025-03-24T07:30:00-05:00".into()),
            time_zone: Some("America/Chicago".into()),
            ..Default::default()
        };
        let floating = EventDateTime {
            date_time: Some("2025-03-24T07:30:00".into()),
            time_zone: Some("America/Chicago".into()),
            ..Default::default()
        };
        assert_eq!(parse(&with_offset, "start"), parse(&floating, "start"));
        let Ok(When::Instant { utc, .. }) = parse(&floating, "start") else {
            panic!("floating time with zone must parse")
        };
        assert_eq!(utc.to_rfc3339(), "2025-03-24T12:30:00+00:00");
    }

    #[test]
    fn rejects_bad_zone_and_missing_time() {
        let bad = EventDateTime {
            date_time: Some("2025-03-24T07:30:00Z".into()),
            time_zone: Some("Mars/Olympus".into()),
            ..Default::default()
        };
        assert_eq!(parse(&bad, "start").map_err(|e| e.reason), Err("invalid"));
        let empty = EventDateTime::default();
        assert_eq!(
            parse(&empty, "end").map_err(|e| e.message),
            Err("Missing end time.".into())
        );
    }

    #[test]
    fn formats_in_zone_with_offset() {
        let t = Utc.with_ymd_and_hms(2025, 7, 1, 7, 0, 0).unwrap();
        assert_eq!(
            format_instant(t, Some(Tz::Europe__Berlin)),
            "2025-07-01T09:00:00+02:00"
        );
        assert_eq!(format_instant(t, None), "2025-07-01T07:00:00Z");
    }
}
