//! The due date of an action item, resolved against the meeting's local date.
//!
//! Forms understood (case-insensitive; the keyword may be "by", "due", "due by/on", "before",
//! "until", "till", "no later than", with an optional colon and "the"):
//!
//! * a date chip after a keyword, or at the very end of the line;
//! * `by 2026-12-03`, `by 3 Dec`, `by 3rd of December 2026`, `by Dec 3`, `by Fri 27 Nov`;
//!   without a year, the first such date on or after 30 days before the meeting — so "by 3 Jan"
//!   in a December meeting is next January, and "by 20 Nov" written on 24 Nov stays (overdue)
//!   in this year;
//! * `by Friday` / `by Fri` / `by next Friday` / `by this Friday`: the first such weekday
//!   strictly after the meeting date (a Friday meeting's "by Friday" is a week later). People
//!   disagree on what "next Friday" means; we read it like "Friday" rather than guess;
//! * `by end of week` / `by EOW`: the first Friday on or after the meeting date;
//! * `by next week` / `by end of next week`: the Friday of the following Monday–Sunday week;
//! * `by end of month` / `by EOM` / `by month end`: the last day of the meeting's month;
//! * `by next month`: the last day of the following month;
//! * `tomorrow`, `today`, `EOD`, `end of day`, `tonight` — with or without a keyword (but not
//!   "today's …" or "from today").
//!
//! Relative forms never resolve before the meeting date. Numeric day/month forms ("3/12") are
//! ambiguous between locales and are not read. The matched phrase's byte range is returned so
//! the caller can cut it out of the task.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::{Captures, Regex};

use super::line::DateSpan;

/// A due date and the phrase that said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Due {
    pub date: NaiveDate,
    /// Byte range of the phrase in the line, keyword included.
    pub range: Range<usize>,
}

const WEEKDAY: &str = r"monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat|sunday|sun";
const MONTH: &str = r"january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep|october|oct|november|nov|december|dec";
const KEYWORD: &str =
    r"\b(?:by|due(?:\s+(?:by|on|date))?|before|until|till|no\s+later\s+than)\s*:?\s*(?:the\s+)?";

static PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?ix)
        (?P<kw>{KEYWORD})?
        (?:
          (?P<iso>\b\d{{4}}-\d{{1,2}}-\d{{1,2}})\b
        | (?:\b(?:{WEEKDAY})\.?,?\s+)?\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{MONTH})\b\.?(?:,?\s+(?P<y1>\d{{4}})\b)?
        | (?:\b(?:{WEEKDAY})\.?,?\s+)?\b(?P<m2>{MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}})\b)?
        | (?P<eom>\bend\s+of\s+(?:the\s+|this\s+)?month|\beom|\bmonth[-\s]end)\b
        | (?P<eow>\bend\s+of\s+(?:the\s+|this\s+)?week|\beow)\b
        | (?P<nw>\b(?:end\s+of\s+)?next\s+week)\b
        | (?P<nm>\b(?:end\s+of\s+)?next\s+month)\b
        | (?P<eod>\bend\s+of\s+(?:the\s+)?day|\beod|\btonight)\b
        | (?P<tom>\btomorrow)\b
        | (?P<tod>\btoday)\b
        | (?:\b(?:next|this)\s+)?\b(?P<wd>{WEEKDAY})\b\.?
        )"
    );
    Regex::new(&pattern).expect("the due-date pattern is a valid regex")
});

static TRAILING_KEYWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i){KEYWORD}$")).expect("the keyword pattern is a valid regex")
});

/// Finds the due date in `text[window]`. A date chip wins over written dates; among written
/// ones, the last with a keyword wins, else the last keyword-free one ("tomorrow").
pub(super) fn find(
    text: &str,
    window: Range<usize>,
    chips: &[DateSpan],
    meeting: NaiveDate,
) -> Option<Due> {
    let slice = text.get(window.clone())?;
    if let Some(due) = from_chips(text, &window, chips) {
        return Some(due);
    }
    let mut keyworded = None;
    let mut bare = None;
    for caps in PHRASE.captures_iter(slice) {
        let Some(whole) = caps.get(0) else { continue };
        let has_keyword = caps.name("kw").is_some();
        let standalone_ok =
            caps.name("tom").is_some() || caps.name("tod").is_some() || caps.name("eod").is_some();
        let counts = has_keyword || (standalone_ok && plain_word(slice, whole.range()));
        if !counts {
            continue;
        }
        let Some(date) = resolve(&caps, meeting) else {
            continue;
        };
        let due = Due {
            date,
            range: window.start + whole.start()..window.start + whole.end(),
        };
        if has_keyword {
            keyworded = Some(due);
        } else {
            bare = Some(due);
        }
    }
    keyworded.or(bare)
}

/// A keyword-free "today"/"tomorrow" counts only as an adverb: not "today's agenda", not
/// "the notes from today".
fn plain_word(slice: &str, range: Range<usize>) -> bool {
    let after = slice.get(range.end..).unwrap_or_default();
    if after.starts_with(['\'', '’']) {
        return false;
    }
    let before = slice.get(..range.start).unwrap_or_default().trim_end();
    let last_word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_lowercase();
    !matches!(
        last_word.as_str(),
        "from" | "since" | "of" | "for" | "until"
    )
}

/// A date chip after a due keyword, or one that ends the line.
fn from_chips(text: &str, window: &Range<usize>, chips: &[DateSpan]) -> Option<Due> {
    let inside = chips
        .iter()
        .filter(|c| c.range.start >= window.start && c.range.end <= window.end);
    let mut best = None;
    for chip in inside {
        let before = text.get(window.start..chip.range.start).unwrap_or_default();
        if let Some(kw) = TRAILING_KEYWORD.find(before) {
            best = Some(Due {
                date: chip.date,
                range: window.start + kw.start()..chip.range.end,
            });
            continue;
        }
        let after = text.get(chip.range.end..window.end).unwrap_or_default();
        if after
            .chars()
            .all(|c| c.is_whitespace() || ".,;!)".contains(c))
        {
            best = Some(Due {
                date: chip.date,
                range: chip.range.clone(),
            });
        }
    }
    best
}

fn resolve(caps: &Captures<'_>, meeting: NaiveDate) -> Option<NaiveDate> {
    let has = |name: &str| caps.name(name).is_some();
    let text = |name: &str| caps.name(name).map(|m| m.as_str()).unwrap_or_default();
    if let Some(iso) = caps.name("iso") {
        return NaiveDate::parse_from_str(iso.as_str(), "%Y-%m-%d").ok();
    }
    if has("d1") {
        return absolute(
            text("d1"),
            text("m1"),
            caps.name("y1").map(|m| m.as_str()),
            meeting,
        );
    }
    if has("d2") {
        return absolute(
            text("d2"),
            text("m2"),
            caps.name("y2").map(|m| m.as_str()),
            meeting,
        );
    }
    if has("eom") {
        return last_of_month(meeting);
    }
    if has("nm") {
        return last_of_month(meeting.checked_add_months(Months::new(1))?);
    }
    if has("eow") {
        return on_or_after(meeting, Weekday::Fri);
    }
    if has("nw") {
        let monday =
            meeting.checked_sub_days(Days::new(meeting.weekday().num_days_from_monday().into()))?;
        return monday.checked_add_days(Days::new(7 + 4));
    }
    if has("eod") || has("tod") {
        return Some(meeting);
    }
    if has("tom") {
        return meeting.succ_opt();
    }
    let weekday = weekday(text("wd"))?;
    on_or_after(meeting.succ_opt()?, weekday)
}

/// A day and month as written, with the year written or inferred (see the module docs).
pub(super) fn absolute(
    day: &str,
    month: &str,
    year: Option<&str>,
    meeting: NaiveDate,
) -> Option<NaiveDate> {
    let day: u32 = day.parse().ok()?;
    let month = month_number(month)?;
    if let Some(year) = year {
        return NaiveDate::from_ymd_opt(year.parse().ok()?, month, day);
    }
    let earliest = meeting.checked_sub_days(Days::new(30))?;
    (meeting.year()..=meeting.year().saturating_add(4))
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| *d >= earliest)
}

/// The first `weekday` on or after `from`.
fn on_or_after(from: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + weekday.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    from.checked_add_days(Days::new(ahead.into()))
}

fn last_of_month(day: NaiveDate) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(day.year(), day.month(), 1)?;
    first.checked_add_months(Months::new(1))?.pred_opt()
}

fn weekday(word: &str) -> Option<Weekday> {
    let w = word.to_ascii_lowercase();
    let three = w.get(..3)?;
    Some(match three {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

pub(super) fn month_number(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let three = w.get(..3)?;
    let index = months.iter().position(|m| *m == three)?;
    u32::try_from(index + 1).ok()
}

#[cfg(test)]
#[path = "due_tests.rs"]
mod tests;
