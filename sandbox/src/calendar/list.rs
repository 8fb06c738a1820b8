//! `events.list` and `events.instances`: which events a query sees (time window, deleted
//! events, extended-property filters, free text), in which order, and in which pages.
//!
//! * Without `singleEvents`, masters, exceptions and single events are listed; cancelled
//!   exceptions of a series are listed even without `showDeleted` (Google does so), cancelled
//!   masters and single events only with `showDeleted` or a `syncToken`.
//! * With `singleEvents=true`, masters are expanded into instances with exceptions applied. An
//!   open-ended query (no `timeMax`) expands as far as the requested page needs: Google
//!   documents no horizon, and pages through a series without an end for as long as asked.
//! * With a `syncToken`, only copies changed since the token are listed, cancelled ones always.
//! * Cancelled items are returned in Google's tombstone form (id, status, series links).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::error::CalError;
use super::instances::{span, Master, Window};
use super::model::{Event, EventStatus};
use super::sync::{decode_page, encode_page, PagePoint};
use super::when::stamp;
use super::{CalendarState, Env, StoredEvent};

/// The first step of an open-ended expansion, in days after `timeMin`/now; the step grows
/// fourfold until the requested page is full ([`expand_far_enough`]).
pub const HORIZON_DAYS: i64 = 730;
/// Where growing stops: a century after `timeMin`/now. Only a query that filters away nearly
/// every instance of an endless series gets this far; it answers with what the century holds.
pub const MAX_HORIZON_DAYS: i64 = 36_525;
/// Default page size.
pub const DEFAULT_MAX_RESULTS: usize = 250;
/// Largest page Google serves.
pub const MAX_MAX_RESULTS: usize = 2500;

/// Query parameters of `events.list` / `events.instances`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    /// Expand series into instances.
    pub single_events: bool,
    /// `startTime` (needs `singleEvents`) or `updated`.
    pub order_by: Option<String>,
    /// Lower bound (exclusive) for an event's end, RFC 3339.
    pub time_min: Option<String>,
    /// Upper bound (exclusive) for an event's start, RFC 3339.
    pub time_max: Option<String>,
    /// Include cancelled events.
    pub show_deleted: bool,
    /// Page size (default 250, at most 2500).
    pub max_results: Option<i64>,
    /// Continue a listing.
    pub page_token: Option<String>,
    /// List only changes since this token.
    pub sync_token: Option<String>,
    /// Free-text search (summary, description, location, attendee emails).
    pub q: Option<String>,
    /// Only events with this iCalUID.
    pub i_cal_uid: Option<String>,
    /// Only events updated at or after this time.
    pub updated_min: Option<String>,
    /// `key=value` filters on private extended properties (all must match).
    pub private_extended_property: Vec<String>,
    /// `key=value` filters on shared extended properties (all must match).
    pub shared_extended_property: Vec<String>,
}

impl ListParams {
    /// Builds the parameters from decoded query pairs (repeated keys allowed); unknown keys
    /// (`alt`, `quotaUser`, `timeZone`, …) are ignored.
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<ListParams, CalError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut p = ListParams::default();
        for (k, v) in pairs {
            let v: String = v.into();
            match k.as_ref() {
                "singleEvents" => p.single_events = parse_bool("singleEvents", &v)?,
                "showDeleted" => p.show_deleted = parse_bool("showDeleted", &v)?,
                "orderBy" => p.order_by = Some(v),
                "timeMin" => p.time_min = Some(v),
                "timeMax" => p.time_max = Some(v),
                "maxResults" => {
                    p.max_results = Some(v.parse().map_err(|_| {
                        CalError::invalid(format!(
                            "Invalid value '{v}' for maxResults: expected an integer."
                        ))
                    })?)
                }
                "pageToken" => p.page_token = Some(v),
                "syncToken" => p.sync_token = Some(v),
                "q" => p.q = Some(v),
                "iCalUID" => p.i_cal_uid = Some(v),
                "updatedMin" => p.updated_min = Some(v),
                "privateExtendedProperty" => p.private_extended_property.push(v),
                "sharedExtendedProperty" => p.shared_extended_property.push(v),
                _ => {}
            }
        }
        Ok(p)
    }
}

fn parse_bool(name: &str, v: &str) -> Result<bool, CalError> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(CalError::invalid(format!(
            "Invalid value '{v}' for {name}: expected true or false."
        ))),
    }
}

fn parse_time(name: &str, v: &Option<String>) -> Result<Option<DateTime<Utc>>, CalError> {
    v.as_deref()
        .map(|s| {
            DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(|_| {
                CalError::invalid(format!(
                    "Invalid value '{s}' for {name}: expected an RFC 3339 time with offset, e.g. 2025-01-31T09:00:00Z."
                ))
            })
        })
        .transpose()
}

/// A listed item with the keys it is ordered by.
struct Item {
    event: Event,
    change: u64,
    start: DateTime<Utc>,
}

fn page_size(p: &ListParams) -> Result<usize, CalError> {
    match p.max_results {
        None => Ok(DEFAULT_MAX_RESULTS),
        Some(n) if n < 1 => Err(CalError::invalid(
            "Invalid value for maxResults: must be at least 1.",
        )),
        Some(n) => Ok(usize::try_from(n)
            .unwrap_or(MAX_MAX_RESULTS)
            .min(MAX_MAX_RESULTS)),
    }
}

/// How many items the requested page needs to exist: everything before it, the page itself,
/// and one more to know whether a next page follows.
fn page_end(p: &ListParams) -> Result<usize, CalError> {
    let offset = match &p.page_token {
        Some(t) => decode_page(t)?.offset,
        None => 0,
    };
    Ok(offset.saturating_add(page_size(p)?).saturating_add(1))
}

/// Expands with a growing horizon until `items_for` yields `needed` items, the query has a
/// `timeMax` (which bounds the expansion itself), or [`MAX_HORIZON_DAYS`] is reached.
fn expand_far_enough(
    window: &Window,
    now: DateTime<Utc>,
    needed: usize,
    mut items_for: impl FnMut(DateTime<Utc>) -> Result<Vec<Item>, CalError>,
) -> Result<Vec<Item>, CalError> {
    let base = window.min.unwrap_or(now).max(now);
    let mut days = HORIZON_DAYS;
    loop {
        let items = items_for(base + Duration::days(days))?;
        if window.max.is_some() || items.len() >= needed || days >= MAX_HORIZON_DAYS {
            return Ok(items);
        }
        days = days.saturating_mul(4).min(MAX_HORIZON_DAYS);
    }
}

fn filter_pair(f: &str) -> Result<(&str, &str), CalError> {
    f.split_once('=').ok_or_else(|| {
        CalError::invalid(format!(
            "Invalid extended property filter '{f}': expected key=value."
        ))
    })
}

impl CalendarState {
    /// `events.list`.
    pub fn list_events(
        &self,
        env: &Env<'_>,
        caller: &str,
        calendar_id: &str,
        p: &ListParams,
    ) -> Result<Value, CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        let since = match &p.sync_token {
            Some(token) => {
                let forbidden = [
                    ("timeMin", p.time_min.is_some()),
                    ("timeMax", p.time_max.is_some()),
                    ("orderBy", p.order_by.is_some()),
                    ("q", p.q.is_some()),
                    ("iCalUID", p.i_cal_uid.is_some()),
                    ("updatedMin", p.updated_min.is_some()),
                    (
                        "privateExtendedProperty",
                        !p.private_extended_property.is_empty(),
                    ),
                    (
                        "sharedExtendedProperty",
                        !p.shared_extended_property.is_empty(),
                    ),
                ];
                if let Some((name, _)) = forbidden.iter().find(|(_, set)| *set) {
                    return Err(CalError::invalid(format!(
                        "The syncToken parameter cannot be combined with {name}."
                    )));
                }
                Some(self.check_sync_token(token, &cal)?.change)
            }
            None => None,
        };
        match p.order_by.as_deref() {
            None | Some("updated") => {}
            Some("startTime") if p.single_events => {}
            Some(_) => {
                return Err(CalError::invalid(
                    "The requested ordering is not available for the particular query.",
                ))
            }
        }
        let window = Window {
            min: parse_time("timeMin", &p.time_min)?,
            max: parse_time("timeMax", &p.time_max)?,
        };
        if let (Some(a), Some(b)) = (window.min, window.max) {
            if a >= b {
                return Err(CalError::bad_request(
                    "timeRangeEmpty",
                    "The specified time range is empty.",
                ));
            }
        }
        let updated_min = parse_time("updatedMin", &p.updated_min)?;
        let cal_tz = Self::calendar_tz(env, &cal);
        let needed = page_end(p)?;
        let items = expand_far_enough(&window, env.now, needed, |horizon| {
            self.filtered(&cal, p, &window, since, horizon, cal_tz, updated_min)
        })?;
        self.page(env, &cal, cal_tz, items, p, true)
    }

    /// The `events.list` items up to `horizon`: collected, filtered and ordered.
    #[allow(clippy::too_many_arguments)]
    fn filtered(
        &self,
        cal: &str,
        p: &ListParams,
        window: &Window,
        since: Option<u64>,
        horizon: DateTime<Utc>,
        cal_tz: Tz,
        updated_min: Option<DateTime<Utc>>,
    ) -> Result<Vec<Item>, CalError> {
        let mut items = self.collect(cal, p, window, since, horizon, cal_tz);
        let private: Vec<(&str, &str)> = p
            .private_extended_property
            .iter()
            .map(|f| filter_pair(f))
            .collect::<Result<_, _>>()?;
        let shared: Vec<(&str, &str)> = p
            .shared_extended_property
            .iter()
            .map(|f| filter_pair(f))
            .collect::<Result<_, _>>()?;
        let q = p.q.as_deref().map(str::to_lowercase);
        items.retain(|it| {
            let ev = &it.event;
            private.iter().all(|(k, v)| {
                ev.private_props()
                    .and_then(|m| m.get(*k))
                    .is_some_and(|x| x == v)
            }) && shared.iter().all(|(k, v)| {
                ev.shared_props()
                    .and_then(|m| m.get(*k))
                    .is_some_and(|x| x == v)
            }) && p
                .i_cal_uid
                .as_ref()
                .is_none_or(|u| ev.ical_uid.as_ref() == Some(u))
                && updated_min.is_none_or(|m| {
                    ev.updated
                        .as_deref()
                        .and_then(|u| DateTime::parse_from_rfc3339(u).ok())
                        .is_some_and(|u| u >= m)
                })
                && q.as_deref().is_none_or(|q| matches_text(ev, q))
        });
        match (p.order_by.as_deref(), since) {
            (Some("updated"), _) => items.sort_by(|a, b| {
                (&a.event.updated, &a.event.id).cmp(&(&b.event.updated, &b.event.id))
            }),
            (None, Some(_)) => {
                items.sort_by(|a, b| (a.change, &a.event.id).cmp(&(b.change, &b.event.id)))
            }
            _ => items.sort_by(|a, b| (a.start, &a.event.id).cmp(&(b.start, &b.event.id))),
        }
        Ok(items)
    }

    /// `events.instances`: the occurrences of one series, exceptions applied.
    pub fn list_instances(
        &self,
        env: &Env<'_>,
        caller: &str,
        calendar_id: &str,
        event_id: &str,
        p: &ListParams,
    ) -> Result<Value, CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        let data = self.calendars.get(&cal).ok_or_else(CalError::not_found)?;
        let stored = data.events.get(event_id).ok_or_else(CalError::not_found)?;
        if stored.event.status == EventStatus::Cancelled {
            return Err(CalError::deleted());
        }
        let window = Window {
            min: parse_time("timeMin", &p.time_min)?,
            max: parse_time("timeMax", &p.time_max)?,
        };
        let cal_tz = Self::calendar_tz(env, &cal);
        let needed = page_end(p)?;
        let items = expand_far_enough(&window, env.now, needed, |horizon| {
            Ok(Self::instances_of(
                data, stored, event_id, &window, horizon, p, cal_tz,
            ))
        })?;
        self.page(env, &cal, cal_tz, items, p, false)
    }

    /// The instances of one stored event up to `horizon`, in start order.
    fn instances_of(
        data: &super::CalendarData,
        stored: &StoredEvent,
        event_id: &str,
        window: &Window,
        horizon: DateTime<Utc>,
        p: &ListParams,
        cal_tz: Tz,
    ) -> Vec<Item> {
        let mut items: Vec<Item> = if stored.event.is_master() {
            let exceptions: BTreeMap<&str, &Event> = data
                .events
                .values()
                .filter(|s| s.event.recurring_event_id.as_deref() == Some(event_id))
                .map(|s| (s.event.id.as_str(), &s.event))
                .collect();
            let Ok(master) = Master::new(&stored.event) else {
                return Vec::new();
            };
            master
                .expand(window, horizon, &exceptions, p.show_deleted, cal_tz)
                .into_iter()
                .map(|e| item(e, stored.change, cal_tz))
                .collect()
        } else {
            // A single event is its own only instance.
            let s = span(&stored.event, cal_tz);
            s.filter(|(a, b)| window.overlaps(*a, *b))
                .map(|_| vec![item(stored.event.clone(), stored.change, cal_tz)])
                .unwrap_or_default()
        };
        items.sort_by(|a, b| (a.start, &a.event.id).cmp(&(b.start, &b.event.id)));
        items
    }

    /// The items of a listing before filters, paging and ordering.
    fn collect(
        &self,
        cal: &str,
        p: &ListParams,
        window: &Window,
        since: Option<u64>,
        horizon: DateTime<Utc>,
        cal_tz: Tz,
    ) -> Vec<Item> {
        let Some(data) = self.calendars.get(cal) else {
            return Vec::new();
        };
        let sync = since.is_some();
        let changed = |s: &StoredEvent| since.is_none_or(|c| s.change > c);
        let mut exceptions: BTreeMap<&str, BTreeMap<&str, &Event>> = BTreeMap::new();
        for s in data.events.values() {
            if let Some(m) = s.event.recurring_event_id.as_deref() {
                if data.events.contains_key(m) {
                    exceptions
                        .entry(m)
                        .or_default()
                        .insert(s.event.id.as_str(), &s.event);
                }
            }
        }
        let no_exceptions = BTreeMap::new();
        let mut out: BTreeMap<String, Item> = BTreeMap::new();
        let mut push = |it: Item| {
            out.insert(it.event.id.clone(), it);
        };
        for s in data.events.values() {
            let ev = &s.event;
            let cancelled = ev.status == EventStatus::Cancelled;
            let is_exception = ev
                .recurring_event_id
                .as_deref()
                .is_some_and(|m| data.events.contains_key(m));
            if sync && !changed(s) {
                continue;
            }
            if is_exception {
                // Full singleEvents listings show exceptions through their master's expansion.
                if p.single_events && !sync {
                    continue;
                }
                let visible = !cancelled || sync || p.show_deleted || !p.single_events;
                if visible && (sync || in_window(ev, window, cal_tz)) {
                    push(item(ev.clone(), s.change, cal_tz));
                }
            } else if ev.is_master() && !cancelled {
                if p.single_events {
                    let Ok(m) = Master::new(ev) else { continue };
                    let w = if sync { Window::default() } else { *window };
                    let ex = exceptions.get(ev.id.as_str()).unwrap_or(&no_exceptions);
                    for inst in m.expand(&w, horizon, ex, p.show_deleted || sync, cal_tz) {
                        let change = data.events.get(&inst.id).map_or(s.change, |x| x.change);
                        push(item(inst, change, cal_tz));
                    }
                } else if sync || Master::new(ev).is_ok_and(|m| m.overlaps(window, horizon, cal_tz))
                {
                    push(item(ev.clone(), s.change, cal_tz));
                }
            } else if (!cancelled || sync || p.show_deleted)
                && (sync || in_window(ev, window, cal_tz))
            {
                push(item(ev.clone(), s.change, cal_tz));
            }
        }
        out.into_values().collect()
    }

    /// Cuts one page and builds Google's `calendar#events` answer.
    fn page(
        &self,
        env: &Env<'_>,
        cal: &str,
        cal_tz: Tz,
        items: Vec<Item>,
        p: &ListParams,
        with_sync_token: bool,
    ) -> Result<Value, CalError> {
        let size = page_size(p)?;
        let start = match &p.page_token {
            Some(t) => decode_page(t)?,
            None => PagePoint {
                offset: 0,
                snapshot: self.change_counter,
            },
        };
        let total = items.len();
        let end = start.offset.saturating_add(size).min(total);
        let page: Vec<Value> = items
            .into_iter()
            .skip(start.offset)
            .take(end.saturating_sub(start.offset))
            .map(|it| {
                let ev = if it.event.status == EventStatus::Cancelled {
                    it.event.tombstone_view()
                } else {
                    it.event
                };
                serde_json::to_value(ev).unwrap_or(Value::Null)
            })
            .collect();
        let mut out = json!({
            "kind": "calendar#events",
            "etag": format!("\"{}\"", start.snapshot),
            "summary": cal,
            "description": "",
            "updated": stamp(env.now),
            "timeZone": cal_tz.name(),
            "accessRole": "owner",
            "defaultReminders": [],
            "items": page,
        });
        if end < total {
            out["nextPageToken"] = json!(encode_page(PagePoint {
                offset: end,
                snapshot: start.snapshot
            }));
        } else if with_sync_token {
            out["nextSyncToken"] = json!(self.sync_token_at(cal, start.snapshot));
        }
        Ok(out)
    }
}

fn item(event: Event, change: u64, cal_tz: Tz) -> Item {
    let start = span(&event, cal_tz).map_or(DateTime::<Utc>::MIN_UTC, |(s, _)| s);
    Item {
        event,
        change,
        start,
    }
}

/// Window test for a stored (non-master) event; cancelled exceptions use their original start.
fn in_window(ev: &Event, window: &Window, cal_tz: Tz) -> bool {
    span(ev, cal_tz).is_some_and(|(s, e)| window.overlaps(s, e.max(s + Duration::seconds(1))))
}

fn matches_text(ev: &Event, q: &str) -> bool {
    let fields = [
        ev.summary.as_deref(),
        ev.description.as_deref(),
        ev.location.as_deref(),
    ];
    fields
        .iter()
        .flatten()
        .any(|f| f.to_lowercase().contains(q))
        || ev
            .attendees
            .iter()
            .flatten()
            .filter_map(|a| a.email.as_deref())
            .any(|e| e.to_lowercase().contains(q))
}
