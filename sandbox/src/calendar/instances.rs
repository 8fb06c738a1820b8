//! Instances of a series: their ids (`<masterId>_<YYYYMMDDTHHMMSSZ>` or `_<YYYYMMDD>`), how an
//! instance is derived from its master, and how stored exceptions (edited or cancelled
//! occurrences, stored under the instance id) replace the generated occurrences.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::error::CalError;
use super::model::{Event, EventStatus};
use super::recurrence::{Occurrence, Series};
use super::when::{self, When};

/// A half-open time window `[min, max)`; `None` ends are open.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    /// Events ending at or before this are outside (Google's `timeMin`).
    pub min: Option<DateTime<Utc>>,
    /// Events starting at or after this are outside (Google's `timeMax`).
    pub max: Option<DateTime<Utc>>,
}

impl Window {
    /// Overlap test with an event span.
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.min.is_none_or(|m| end > m) && self.max.is_none_or(|m| start < m)
    }
}

/// The id of the occurrence of `master_id` starting at `occ`.
pub fn instance_id(master_id: &str, occ: &Occurrence) -> String {
    match occ {
        Occurrence::Date(d) => format!("{master_id}_{}", d.format("%Y%m%d")),
        Occurrence::Instant(t) => format!("{master_id}_{}", t.format("%Y%m%dT%H%M%SZ")),
    }
}

/// Splits an instance id into the master id and the occurrence it names.
pub fn split_instance_id(id: &str) -> Option<(&str, Occurrence)> {
    let (master, suffix) = id.rsplit_once('_')?;
    if master.is_empty() {
        return None;
    }
    if let Some(stamp) = suffix.strip_suffix('Z') {
        let t = NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S").ok()?;
        return Some((master, Occurrence::Instant(Utc.from_utc_datetime(&t))));
    }
    let d = NaiveDate::parse_from_str(suffix, "%Y%m%d").ok()?;
    Some((master, Occurrence::Date(d)))
}

/// The `[start, end)` span of an event in UTC (all-day dates in `cal_tz`); for a cancelled
/// exception without times, its original start (zero length).
pub fn span(ev: &Event, cal_tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    match (&ev.start, &ev.end) {
        (Some(s), Some(e)) => {
            let s = when::parse(s, "start").ok()?.to_utc(cal_tz);
            let e = when::parse(e, "end").ok()?.to_utc(cal_tz);
            Some((s, e))
        }
        _ => {
            let o = when::parse(ev.original_start_time.as_ref()?, "start")
                .ok()?
                .to_utc(cal_tz);
            Some((o, o))
        }
    }
}

/// A master's parsed start, end and series.
pub struct Master<'a> {
    /// The master event.
    pub event: &'a Event,
    start: When,
    end: When,
    series: Series,
}

impl<'a> Master<'a> {
    /// Parses a master; fails when its times or recurrence are unusable.
    pub fn new(event: &'a Event) -> Result<Master<'a>, CalError> {
        let start = when::parse(
            event.start.as_ref().ok_or_else(CalError::not_found)?,
            "start",
        )?;
        let end = when::parse(event.end.as_ref().ok_or_else(CalError::not_found)?, "end")?;
        let series = Series::parse(event.recurrence.as_deref().unwrap_or_default(), &start)?;
        Ok(Master {
            event,
            start,
            end,
            series,
        })
    }

    /// Occurrences that can overlap `window` (those starting up to its end, or `horizon`).
    fn occurrences_for(&self, window: &Window, horizon: DateTime<Utc>) -> Vec<Occurrence> {
        // An occurrence starting before timeMin can still overlap it: look back one event
        // length, plus two days for all-day dates whose day boundaries depend on the zone.
        let length = self.end.to_utc(Tz::UTC) - self.start.to_utc(Tz::UTC);
        let from = window.min.map(|m| m - length - chrono::Duration::days(2));
        self.series
            .occurrences_between(from, window.max.unwrap_or(horizon))
    }

    /// Whether `occ` is one of this series' occurrences.
    pub fn has_occurrence(&self, occ: &Occurrence) -> bool {
        let at = match occ {
            Occurrence::Instant(t) => *t,
            Occurrence::Date(d) => {
                Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            }
        };
        self.series.contains(at)
    }

    /// Whether any occurrence overlaps `window` (looking at most up to `horizon`).
    pub fn overlaps(&self, window: &Window, horizon: DateTime<Utc>, cal_tz: Tz) -> bool {
        self.occurrences_for(window, horizon).iter().any(|o| {
            let (s, e) = self.occurrence_span(o, cal_tz);
            window.overlaps(s, e)
        })
    }

    fn occurrence_span(&self, occ: &Occurrence, cal_tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let (start, end) = self.occurrence_times(occ);
        (start.to_utc(cal_tz), end.to_utc(cal_tz))
    }

    fn occurrence_times(&self, occ: &Occurrence) -> (When, When) {
        match (occ, self.start, self.end) {
            (Occurrence::Date(d), When::Date(s), When::Date(e)) => {
                (When::Date(*d), When::Date(*d + (e - s)))
            }
            (
                Occurrence::Instant(t),
                When::Instant { utc: s, tz },
                When::Instant { utc: e, tz: etz },
            ) => (
                When::Instant { utc: *t, tz },
                When::Instant {
                    utc: *t + (e - s),
                    tz: etz.or(tz),
                },
            ),
            // Mixed kinds are rejected on write; keep the master's own times if they slip in.
            _ => (self.start, self.end),
        }
    }

    /// The generated (unmodified) instance for `occ`.
    pub fn instance(&self, occ: &Occurrence) -> Event {
        let (start, end) = self.occurrence_times(occ);
        let mut ev = self.event.clone();
        let like_start = self.event.start.clone().unwrap_or_default();
        let like_end = self.event.end.clone().unwrap_or_default();
        ev.id = instance_id(&self.event.id, occ);
        ev.recurrence = None;
        ev.recurring_event_id = Some(self.event.id.clone());
        ev.original_start_time = Some(when::to_wire(&start, &like_start));
        ev.start = Some(when::to_wire(&start, &like_start));
        ev.end = Some(when::to_wire(&end, &like_end));
        ev
    }

    /// The instances overlapping `window` (up to `horizon` when the window is open-ended),
    /// with `exceptions` (keyed by id) replacing or cancelling generated ones. Cancelled
    /// exceptions are kept only with `show_deleted`.
    pub fn expand(
        &self,
        window: &Window,
        horizon: DateTime<Utc>,
        exceptions: &BTreeMap<&str, &Event>,
        show_deleted: bool,
        cal_tz: Tz,
    ) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for occ in self.occurrences_for(window, horizon) {
            let id = instance_id(&self.event.id, &occ);
            if exceptions.contains_key(id.as_str()) {
                continue;
            }
            let (s, e) = self.occurrence_span(&occ, cal_tz);
            if window.overlaps(s, e) {
                out.push(self.instance(&occ));
            }
        }
        for ex in exceptions.values() {
            if ex.status == EventStatus::Cancelled && !show_deleted {
                continue;
            }
            // After the series was cut short (a client's "this and following" sets UNTIL),
            // exceptions of occurrences it no longer has are not instances any more.
            if split_instance_id(&ex.id).is_some_and(|(_, occ)| !self.has_occurrence(&occ)) {
                continue;
            }
            if span(ex, cal_tz)
                .is_some_and(|(s, e)| window.overlaps(s, e.max(s + chrono::Duration::seconds(1))))
            {
                out.push((*ex).clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_round_trip() {
        let t = Utc.with_ymd_and_hms(2025, 3, 25, 13, 0, 0).unwrap();
        let id = instance_id("5hni4sj3ql1669otmjg7sn1mok", &Occurrence::Instant(t));
        assert_eq!(id, "5hni4sj3ql1669otmjg7sn1mok_20250325T130000Z");
        assert_eq!(
            split_instance_id(&id),
            Some(("5hni4sj3ql1669otmjg7sn1mok", Occurrence::Instant(t)))
        );
        let split = split_instance_id("abc_R20250326T123000_20250327");
        let d = NaiveDate::from_ymd_opt(2025, 3, 27).unwrap();
        assert_eq!(split, Some(("abc_R20250326T123000", Occurrence::Date(d))));
        assert_eq!(split_instance_id("abcdef"), None);
        assert_eq!(split_instance_id("abc_R20250326T123000"), None);
    }

    #[test]
    fn window_is_half_open() {
        let t = |h| Utc.with_ymd_and_hms(2025, 1, 1, h, 0, 0).unwrap();
        let w = Window {
            min: Some(t(10)),
            max: Some(t(12)),
        };
        assert!(!w.overlaps(t(9), t(10)));
        assert!(w.overlaps(t(9), t(11)));
        assert!(!w.overlaps(t(12), t(13)));
    }
}
