//! The occurrences of a series in a time window: the recurrence rule expanded (by the `rrule`
//! crate, in the series' own time zone, so a 10:00 meeting stays at 10:00 across DST changes),
//! then overridden by the exception instances Google keeps for moved and cancelled meetings.
//!
//! An occurrence is identified by its series and its *original* start — where the rule put it —
//! so it keeps its key (and its doc section) when someone drags the meeting to another day.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::event::{Event, EventStatus, EventTime};
pub use super::recurrence::RecurrenceError;
use super::recurrence::{expand, series_zone};
use super::series::SeriesKey;

/// `<series key>:<original start, UTC, YYYYMMDDTHHMMSSZ>`: short, ASCII, stable across moves.
/// The doc section of the occurrence is the named range [`OccurrenceKey::named_range`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OccurrenceKey(String);

impl OccurrenceKey {
    pub fn new(series: &SeriesKey, original_start: DateTime<Utc>) -> OccurrenceKey {
        OccurrenceKey(format!("{series}:{}", utc_basic(original_start)))
    }

    /// Re-reads a key the daemon produced earlier (from the store). `None` if malformed.
    pub fn parse(s: &str) -> Option<OccurrenceKey> {
        let (series, at) = s.rsplit_once(':')?;
        let series = SeriesKey::parse(series)?;
        let at = NaiveDateTime::parse_from_str(at, "%Y%m%dT%H%M%SZ").ok()?;
        let key = OccurrenceKey::new(&series, Utc.from_utc_datetime(&at));
        (key.0 == s).then_some(key)
    }

    /// The key a section's named range stands for, if `name` is one of ours.
    pub fn from_named_range(name: &str) -> Option<OccurrenceKey> {
        OccurrenceKey::parse(name.strip_prefix(super::sections::RANGE_PREFIX)?)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Docs named range that marks this occurrence's section: `oneonone:<key>`.
    pub fn named_range(&self) -> String {
        super::sections::range_name(&self.0)
    }
}

impl fmt::Display for OccurrenceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One meeting of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub key: OccurrenceKey,
    pub series: SeriesKey,
    /// Where the rule put it; never changes.
    pub original_start: DateTime<Utc>,
    /// Where it is now (differs from `original_start` when moved).
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The series' zone: dates in headings and "first of the month" are local to it.
    pub time_zone: Tz,
    pub cancelled: bool,
    /// True when an exception changed its start or end.
    pub moved: bool,
    /// The instance's event id: the exception's id, or `<masterId>_<YYYYMMDDTHHMMSSZ>` as
    /// Google names instances (`_<YYYYMMDD>` for all-day series).
    pub event_id: String,
}

fn utc_basic(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Expands `master` into the occurrences whose original start or current start lies in
/// `[window_start, window_end)`, sorted by current start.
///
/// `exceptions` may contain any events (e.g. a whole sync page): only instances of this master
/// are used — `recurring_event_id == master.id`, or a bare tombstone whose id is
/// `<master.id>_<YYYYMMDDTHHMMSSZ>` (incremental sync sometimes sends only id and status). An
/// exception counts even when the rule does not produce its original start (Google allows
/// that). A cancelled master yields its occurrences all marked cancelled.
///
/// All-day series are expanded in UTC, with midnight UTC as the occurrence start.
pub fn occurrences(
    master: &Event,
    exceptions: &[Event],
    window_start: DateTime<Utc>,
    window_end: DateTime<Utc>,
) -> Result<Vec<Occurrence>, RecurrenceError> {
    let start = master
        .start
        .as_ref()
        .ok_or_else(|| RecurrenceError::MissingStart {
            event_id: master.id.clone(),
        })?;
    let zone = series_zone(&master.id, start)?;
    let first = to_utc(start, zone);
    let duration = master
        .end
        .as_ref()
        .map(|end| to_utc(end, zone) - first)
        .filter(|d| *d >= Duration::zero())
        .unwrap_or_else(|| match start {
            EventTime::Date(_) => Duration::days(1),
            EventTime::DateTime { .. } => Duration::zero(),
        });
    let all_day = start.is_all_day();
    let series = SeriesKey::of(&master.id);
    let in_window = |t: DateTime<Utc>| window_start <= t && t < window_end;

    // original start -> exception; the most recently updated wins if Google sent duplicates.
    let mut overrides: BTreeMap<DateTime<Utc>, &Event> = BTreeMap::new();
    for exc in exceptions {
        if let Some(original) = exception_original(master, exc, zone) {
            let newer = overrides
                .get(&original)
                .is_none_or(|prev| prev.updated <= exc.updated);
            if newer {
                overrides.insert(original, exc);
            }
        }
    }

    let mut originals: Vec<DateTime<Utc>> = expand(master, zone, first, window_start, window_end)?;
    originals.extend(overrides.keys().copied());
    originals.sort();
    originals.dedup();

    let mut out = Vec::new();
    for original in originals {
        let mut occ = Occurrence {
            key: OccurrenceKey::new(&series, original),
            series: series.clone(),
            original_start: original,
            start: original,
            end: plus(original, duration),
            time_zone: zone,
            cancelled: master.status == EventStatus::Cancelled,
            moved: false,
            event_id: instance_id(&master.id, original, all_day),
        };
        if let Some(exc) = overrides.get(&original) {
            occ.event_id = exc.id.clone();
            if exc.status == EventStatus::Cancelled {
                occ.cancelled = true;
            } else {
                if let Some(s) = &exc.start {
                    occ.start = to_utc(s, zone);
                }
                occ.end = match &exc.end {
                    Some(e) => to_utc(e, zone).max(occ.start),
                    None => plus(occ.start, duration),
                };
                occ.moved = occ.start != original || occ.end != plus(original, duration);
            }
        }
        if in_window(occ.original_start) || in_window(occ.start) {
            out.push(occ);
        }
    }
    out.sort_by(|a, b| (a.start, &a.key).cmp(&(b.start, &b.key)));
    Ok(out)
}

/// `t + d` for a non-negative `d`, saturating at the end of time instead of panicking.
fn plus(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Instant of an event time; an all-day date is midnight in `zone`.
fn to_utc(t: &EventTime, zone: Tz) -> DateTime<Utc> {
    match t {
        EventTime::DateTime { utc, .. } => *utc,
        EventTime::Date(d) => midnight(*d, zone),
    }
}

fn midnight(d: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let naive = d.and_time(chrono::NaiveTime::MIN);
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

/// The original start of `exc` if it is an instance of `master`.
fn exception_original(master: &Event, exc: &Event, zone: Tz) -> Option<DateTime<Utc>> {
    let suffix = exc
        .id
        .strip_prefix(master.id.as_str())
        .and_then(|s| s.strip_prefix('_'));
    match exc.recurring_event_id.as_deref() {
        Some(id) if id == master.id => {
            if let Some(original) = &exc.original_start_time {
                return Some(to_utc(original, zone));
            }
        }
        Some(_) => return None,
        None => {}
    }
    // A bare tombstone (or an exception without originalStartTime): only the instance id
    // `<masterId>_<YYYYMMDDTHHMMSSZ>` says which occurrence it is.
    let suffix = suffix?;
    if let Ok(t) = NaiveDateTime::parse_from_str(suffix, "%Y%m%dT%H%M%SZ") {
        return Some(Utc.from_utc_datetime(&t));
    }
    NaiveDate::parse_from_str(suffix, "%Y%m%d")
        .ok()
        .map(|d| midnight(d, zone))
}

fn instance_id(master_id: &str, original: DateTime<Utc>, all_day: bool) -> String {
    if all_day {
        format!("{master_id}_{}", original.format("%Y%m%d"))
    } else {
        format!("{master_id}_{}", utc_basic(original))
    }
}

/// The calendar date of the occurrence's current start in the series' zone.
pub fn local_date(occ: &Occurrence) -> NaiveDate {
    occ.start.with_timezone(&occ.time_zone).date_naive()
}

/// The date as section headings show it, e.g. `Tue 24 Nov 2026`, in the series' zone.
pub fn heading_date_label(occ: &Occurrence) -> String {
    local_date(occ).format("%a %-d %b %Y").to_string()
}

/// Whether `occ` is the first non-cancelled occurrence of its local calendar month (by current
/// start, in the series' zone). Cancelled occurrences are never first.
///
/// `all` must hold every occurrence of the series from the first day of `occ`'s local month up to
/// `occ`: pass the result of [`occurrences`] for a window that starts at least 32 days before
/// `occ.start` (covering the month start in any zone) and ends after it. A shorter window makes
/// a later meeting look like the first.
pub fn is_first_in_month(occ: &Occurrence, all: &[Occurrence]) -> bool {
    if occ.cancelled {
        return false;
    }
    let date = local_date(occ);
    let month = (date.year(), date.month());
    !all.iter().any(|o| {
        let d = local_date(o);
        !o.cancelled
            && o.key != occ.key
            && (d.year(), d.month()) == month
            && (o.start, &o.key) < (occ.start, &occ.key)
    })
}

#[cfg(test)]
#[path = "occurrences_tests.rs"]
mod tests;
