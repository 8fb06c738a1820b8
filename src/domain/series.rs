//! Which calendar events are 1-1 series, with the reasons, and the stable key of a series.
//!
//! [`detect`] evaluates every rule, not just the first failing one, so `oneonone explain` can
//! print the whole checklist and an operator sees at once why an event is (not) handled.
//!
//! [`SeriesKey`] names a series across "this and following" edits (see its docs).

use std::fmt;

use regex::{Regex, RegexBuilder};
use sha2::{Digest, Sha256};

use super::event::{Attendee, Event, EventStatus, EventTime, ResponseStatus};

/// Operator-configured title filters.
#[derive(Debug, Clone, Default)]
pub struct DetectionRules {
    /// If non-empty, at least one must match the title. Build with [`DetectionRules::new`] so
    /// they are case-insensitive.
    pub include_titles: Vec<Regex>,
    /// None may match the title.
    pub exclude_titles: Vec<Regex>,
}

/// A title pattern from the configuration that is not a valid regular expression.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid title pattern `{pattern}`: {message} (patterns use Rust regex syntax, matched case-insensitively)")]
pub struct PatternError {
    pub pattern: String,
    pub message: String,
}

impl DetectionRules {
    /// Compiles include/exclude patterns as case-insensitive regular expressions.
    pub fn new<S: AsRef<str>>(include: &[S], exclude: &[S]) -> Result<Self, PatternError> {
        let compile = |patterns: &[S]| {
            patterns
                .iter()
                .map(|p| {
                    RegexBuilder::new(p.as_ref())
                        .case_insensitive(true)
                        .build()
                        .map_err(|e| PatternError {
                            pattern: p.as_ref().to_string(),
                            message: e.to_string(),
                        })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(DetectionRules {
            include_titles: compile(include)?,
            exclude_titles: compile(exclude)?,
        })
    }
}

/// The rules an event must pass to be handled as a 1-1 series, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    Recurring,
    NotCancelled,
    /// The organizer is known (whoever it is: the served user, the other person, an
    /// assistant); who acts on the event follows from it ([`super::roles`]).
    OrganizerKnown,
    TwoPeople,
    NotAllDay,
    DefaultEventType,
    NobodyDeclined,
    TitleIncluded,
    TitleNotExcluded,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Recurring => "recurring",
            Rule::NotCancelled => "not cancelled",
            Rule::OrganizerKnown => "organizer known",
            Rule::TwoPeople => "exactly two people",
            Rule::NotAllDay => "not all-day",
            Rule::DefaultEventType => "ordinary event type",
            Rule::NobodyDeclined => "nobody declined",
            Rule::TitleIncluded => "title included",
            Rule::TitleNotExcluded => "title not excluded",
        })
    }
}

/// The outcome of one rule, with what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub rule: Rule,
    pub passed: bool,
    pub detail: String,
}

impl fmt::Display for Check {
    /// `[pass] recurring: RRULE:FREQ=WEEKLY;BYDAY=TU` — one line per rule for `oneonone explain`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.passed { "pass" } else { "FAIL" };
        write!(f, "[{mark}] {}: {}", self.rule, self.detail)
    }
}

/// Whether an event is a 1-1 series, and every check that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub is_one_on_one: bool,
    pub checks: Vec<Check>,
}

impl fmt::Display for Detection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.is_one_on_one {
            "a 1-1 series"
        } else {
            "not a 1-1 series"
        };
        writeln!(f, "{verdict}")?;
        for check in &self.checks {
            writeln!(f, "  {check}")?;
        }
        Ok(())
    }
}

fn same_email(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim().eq_ignore_ascii_case(b.trim()))
}

/// Whether an attendee is the served user: the same email (case-insensitive), or Google's `self`
/// flag, which marks the owner of the calendar the event was read from (covers aliases).
fn is_served(a: &Attendee, served_user: &str) -> bool {
    a.is_self || same_email(a.email.as_deref(), served_user)
}

fn people(event: &Event) -> impl Iterator<Item = &Attendee> {
    event.attendees.iter().filter(|a| !a.resource)
}

fn who(a: &Attendee) -> &str {
    a.email
        .as_deref()
        .or(a.display_name.as_deref())
        .unwrap_or("(no email)")
}

/// The one person other than the served user, if the event has exactly two people and the served
/// user is one of them. Resource attendees (rooms, equipment) are not people.
pub fn other_attendee<'e>(event: &'e Event, served_user: &str) -> Option<&'e Attendee> {
    let humans: Vec<&Attendee> = people(event).collect();
    if humans.len() != 2 {
        return None;
    }
    let served = humans.iter().filter(|a| is_served(a, served_user)).count();
    if served != 1 {
        return None;
    }
    humans.into_iter().find(|a| !is_served(a, served_user))
}

/// Evaluates every rule against `event` as seen from `served_user`'s calendar.
pub fn detect(event: &Event, served_user: &str, rules: &DetectionRules) -> Detection {
    let title = event.summary.as_deref().unwrap_or("");
    let checks = vec![
        check_recurring(event),
        Check {
            rule: Rule::NotCancelled,
            passed: event.status != EventStatus::Cancelled,
            detail: format!("status is {:?}", event.status).to_lowercase(),
        },
        check_organizer(event, served_user),
        check_two_people(event, served_user),
        check_not_all_day(event),
        Check {
            rule: Rule::DefaultEventType,
            passed: event.event_type == "default",
            detail: format!("eventType is `{}`", event.event_type),
        },
        check_nobody_declined(event, served_user),
        check_included(title, &rules.include_titles),
        check_not_excluded(title, &rules.exclude_titles),
    ];
    Detection {
        is_one_on_one: checks.iter().all(|c| c.passed),
        checks,
    }
}

fn check_recurring(event: &Event) -> Check {
    let (passed, detail) = if event.is_recurring() {
        (true, event.recurrence.join(" "))
    } else if let Some(master) = &event.recurring_event_id {
        (
            false,
            format!("this is one instance of series {master}; inspect the series instead"),
        )
    } else {
        (false, "no recurrence lines: a single event".to_string())
    };
    Check {
        rule: Rule::Recurring,
        passed,
        detail,
    }
}

fn check_organizer(event: &Event, served_user: &str) -> Check {
    // Google's `self` on the organizer means the calendar we read (the served user's) is the
    // organizer's; it also covers an organizer email that is an alias of the served user.
    // A 1-1 counts whoever organised it (issue 11): the rule only needs to know who, because
    // the doc is attached as the organizer when the daemon can act as them.
    let is_self = event.organizer.as_ref().is_some_and(|o| o.is_self);
    let organizer = event.organizer.as_ref().and_then(|o| o.email.as_deref());
    let (passed, detail) = match organizer {
        Some(o) if is_self || same_email(Some(o), served_user) => {
            (true, format!("organizer is {o}, the served user"))
        }
        Some(o) => (true, format!("organizer is {o}; {served_user} is a guest")),
        None if is_self => (true, format!("organizer is {served_user}, the served user")),
        None => (false, "the event has no organizer email".to_string()),
    };
    Check {
        rule: Rule::OrganizerKnown,
        passed,
        detail,
    }
}

/// The organizer's address as the daemon uses it: the served user when the organizer entry is
/// marked `self` (their own copy, perhaps under an alias), else Google's `organizer.email`.
pub fn organizer_email(event: &Event, served_user: &str) -> Option<String> {
    let o = event.organizer.as_ref()?;
    if o.is_self {
        return Some(served_user.trim().to_ascii_lowercase());
    }
    o.email.as_deref().map(|e| e.trim().to_ascii_lowercase())
}

fn check_two_people(event: &Event, served_user: &str) -> Check {
    let humans: Vec<&Attendee> = people(event).collect();
    let rooms = event.attendees.len() - humans.len();
    let names = humans.iter().map(|a| who(a)).collect::<Vec<_>>().join(", ");
    let rooms_note = if rooms > 0 {
        format!(" (+{rooms} room/resource, not counted)")
    } else {
        String::new()
    };
    let (passed, detail) = match (humans.len(), other_attendee(event, served_user)) {
        (0, _) => (false, "no attendees: nobody to meet with".to_string()),
        (2, Some(other)) => (
            true,
            format!("{served_user} and {}{rooms_note}", who(other)),
        ),
        (2, None) => (
            false,
            format!("{names}: {served_user} must be exactly one of the two{rooms_note}"),
        ),
        (n, _) => (false, format!("{n} people: {names}{rooms_note}")),
    };
    Check {
        rule: Rule::TwoPeople,
        passed,
        detail,
    }
}

fn check_not_all_day(event: &Event) -> Check {
    let (passed, detail) = match &event.start {
        Some(EventTime::DateTime { .. }) => (true, "timed event".to_string()),
        Some(EventTime::Date(d)) => (false, format!("all-day event starting {d}")),
        None => (false, "the event has no start".to_string()),
    };
    Check {
        rule: Rule::NotAllDay,
        passed,
        detail,
    }
}

fn check_nobody_declined(event: &Event, served_user: &str) -> Check {
    let declined: Vec<&str> = people(event)
        .filter(|a| a.response_status == ResponseStatus::Declined)
        .map(who)
        .collect();
    let (passed, detail) = if declined.is_empty() {
        let other = other_attendee(event, served_user)
            .map(|a| format!("{} has {}", who(a), answer(a.response_status)))
            .unwrap_or_else(|| "no one declined".to_string());
        (true, other)
    } else {
        (false, format!("declined: {}", declined.join(", ")))
    };
    Check {
        rule: Rule::NobodyDeclined,
        passed,
        detail,
    }
}

fn answer(status: ResponseStatus) -> &'static str {
    match status {
        ResponseStatus::NeedsAction => "not answered yet",
        ResponseStatus::Declined => "declined",
        ResponseStatus::Tentative => "answered maybe",
        ResponseStatus::Accepted => "accepted",
    }
}

fn check_included(title: &str, include: &[Regex]) -> Check {
    let (passed, detail) = if include.is_empty() {
        (true, "no include patterns configured".to_string())
    } else if let Some(p) = include.iter().find(|p| p.is_match(title)) {
        (true, format!("\"{title}\" matches /{}/", p.as_str()))
    } else {
        let all = include.iter().map(|p| format!("/{}/", p.as_str()));
        let all = all.collect::<Vec<_>>().join(", ");
        (false, format!("\"{title}\" matches none of {all}"))
    };
    Check {
        rule: Rule::TitleIncluded,
        passed,
        detail,
    }
}

fn check_not_excluded(title: &str, exclude: &[Regex]) -> Check {
    let (passed, detail) = match exclude.iter().find(|p| p.is_match(title)) {
        Some(p) => (false, format!("\"{title}\" matches /{}/", p.as_str())),
        None if exclude.is_empty() => (true, "no exclude patterns configured".to_string()),
        None => (true, format!("\"{title}\" matches no exclude pattern")),
    };
    Check {
        rule: Rule::TitleNotExcluded,
        passed,
        detail,
    }
}

/// The identity of a 1-1 series: the id of its root master event.
///
/// Why not simply the event id: a "this and following" edit in Google Calendar splits a series —
/// the old master gets an `UNTIL` and a new master starts with an id of the form
/// `<oldid>_R<YYYYMMDDTHHMMSS>` (UTC time of the split, no `Z`; seen in the captured fixtures) or
/// `<oldid>_R<YYYYMMDD>` for all-day series. Splits can repeat. Stripping those suffixes maps
/// every part to the key of the original series, so the same doc and the same occurrence keys
/// carry on. (Google sometimes gives the new part a fresh, unrelated id instead — the
/// `edit-this-and-following-v2` fixtures show it; then only the attached doc links the two.)
///
/// The key is stored as the value of the Drive appProperty `oneononeSeries`, and Drive allows at
/// most 124 bytes for key plus value; it is also part of a Docs named range name. So a key that
/// is longer than [`SeriesKey::MAX_LEN`] bytes, or contains anything but ASCII letters, digits
/// and `_`, is replaced by `sha256-<hex digest>` (71 bytes) — stable, and never equal to a real
/// Calendar id, which cannot contain `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey(String);

impl SeriesKey {
    /// Longest key kept verbatim: 124 bytes minus `oneononeSeries` (14) with room to spare.
    pub const MAX_LEN: usize = 100;

    /// The key for a master event id (or an exception's `recurring_event_id`).
    pub fn of(event_id: &str) -> SeriesKey {
        let mut root = event_id;
        while let Some(stripped) = strip_split_suffix(root) {
            root = stripped;
        }
        let plain = root.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if plain && !root.is_empty() && root.len() <= Self::MAX_LEN {
            SeriesKey(root.to_string())
        } else {
            let digest = Sha256::digest(root.as_bytes());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            SeriesKey(format!("sha256-{hex}"))
        }
    }

    /// The key of the series an event belongs to: its master's for an instance, its own for a
    /// master.
    pub fn of_event(event: &Event) -> SeriesKey {
        SeriesKey::of(event.recurring_event_id.as_deref().unwrap_or(&event.id))
    }

    /// Re-reads a key the daemon produced earlier (from the store or a Drive appProperty).
    /// `None` if `s` could not have come from [`SeriesKey::of`].
    pub fn parse(s: &str) -> Option<SeriesKey> {
        let chars_ok = s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let hashed = s.strip_prefix("sha256-").is_some_and(|h| {
            h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        let plain = !s.contains('-') && strip_split_suffix(s).is_none();
        (chars_ok && !s.is_empty() && s.len() <= Self::MAX_LEN && (hashed || plain))
            .then(|| SeriesKey(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `<root>_R<8 digits>` or `<root>_R<8 digits>T<6 digits>` (optionally `Z`) → `<root>`.
fn strip_split_suffix(id: &str) -> Option<&str> {
    let at = id.rfind("_R")?;
    let (root, suffix) = (&id[..at], &id[at + 2..]);
    let suffix = suffix.strip_suffix('Z').unwrap_or(suffix);
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match suffix.split_once('T') {
        None => digits(suffix, 8),
        Some((date, time)) => digits(date, 8) && digits(time, 6),
    };
    (ok && !root.is_empty()).then_some(root)
}

#[cfg(test)]
#[path = "series_tests.rs"]
mod tests;
