//! The carry-forward line: how an open item is written into the next meeting's "Open action
//! items" block, and how such a line is read back.
//!
//! Format: `<owner> — <task>[ — due <Ddd D Mon[ YYYY]>] (from <D Mon>)`, e.g.
//! `Bob — send the Q3 draft — due Fri 27 Nov (from 24 Nov)`. The year is written only when the
//! due date is in another year than the origin meeting. The line goes into a checklist bullet,
//! which is the box; a leading "☐"/"☑"/"☒" typed by hand is accepted when reading.
//!
//! Reading recovers the original item's key (owner identity + task, see [`super::key`]), so the
//! `names` function given to [`carry_line`] must render owners as something [`harvest`] resolves
//! back: an attendee's name, first name, email or alias; "Both" or both names; any other name
//! as written. A blank rendering falls back to the email / "Both" / "Unassigned".
//!
//! [`harvest`]: super::harvest

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::done;
use super::due;
use super::key::item_key;
use super::line::Line;
use super::model::{ActionItem, CarriedUpdate, MeetingContext, Owner};
use super::names::{Directory, Who};
use super::prefix::{self, Prefix};
use super::task_text::{cut, tidy_task};

/// Writes the line that carries `item` (first written in the meeting of `from`) forward.
pub fn carry_line(item: &ActionItem, names: &impl Fn(&Owner) -> String, from: NaiveDate) -> String {
    let written = names(&item.owner);
    let owner = if written.trim().is_empty() {
        fallback_name(&item.owner)
    } else {
        written.trim().to_string()
    };
    let mut line = format!("{owner} — {}", item.task.trim());
    if let Some(due) = item.due {
        let format = if due.year() == from.year() {
            "%a %-d %b"
        } else {
            "%a %-d %b %Y"
        };
        line.push_str(&format!(" — due {}", due.format(format)));
    }
    line.push_str(&format!(" (from {})", from.format("%-d %b")));
    line
}

fn fallback_name(owner: &Owner) -> String {
    match owner {
        Owner::Email(email) => email.clone(),
        Owner::Both => "Both".to_string(),
        Owner::Unassigned => "Unassigned".to_string(),
        Owner::AsWritten(name) => name.clone(),
    }
}

/// Reads a carried line of plain text (the form [`carry_line`] writes). `None` if the line
/// does not end in "(from …)", i.e. is not a carried line.
pub fn parse_carried(text: &str, ctx: &MeetingContext) -> Option<CarriedUpdate> {
    let line = Line::plain(text);
    read(&line, prefix::strip(&line.text), ctx, &Directory::new(ctx))
}

static FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(\s*from\s+(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?\s*\)")
        .expect("the carried-line pattern is a valid regex")
});

static DUE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s+[—–-]\s+due\b[^—–]*$").expect("the due-suffix pattern is a valid regex")
});

/// Words that mean "nobody" in the owner slot.
const NOBODY: &[&str] = &[
    "unassigned",
    "nobody",
    "no one",
    "anyone",
    "tbd",
    "?",
    "-",
    "—",
];

pub(super) fn read(
    line: &Line,
    prefix: Prefix,
    ctx: &MeetingContext,
    dir: &Directory,
) -> Option<CarriedUpdate> {
    let text = &line.text;
    let rest = text.get(prefix.rest..)?;
    let from_match = FROM.captures_iter(rest).last()?;
    let whole = from_match.get(0)?;
    let from = from_date(
        from_match.get(1)?.as_str(),
        from_match.get(2)?.as_str(),
        from_match.get(3).map(|m| m.as_str()),
        ctx.meeting_date,
    );
    let marks = done::marks(text, prefix.rest);
    let body_end = prefix.rest + whole.start();
    let body = cut(text, prefix.rest..body_end, &marks);
    let body = match DUE_SUFFIX.find(&body) {
        Some(m) => body.get(..m.start()).unwrap_or_default().to_string(),
        None => body,
    };
    let after = rest.get(whole.end()..).unwrap_or_default().to_lowercase();
    let (owner, task) = split_owner(line, prefix.rest, &body, dir);
    let task = tidy_task(&task);
    if task.is_empty() {
        return None;
    }
    Some(CarriedUpdate {
        key: item_key(&owner, &task),
        done: done::is_done(prefix.done, &marks, line.struck) || after.contains("done"),
        from,
    })
}

/// Splits "owner — task" and resolves the owner (a person chip at the front wins).
fn split_owner(line: &Line, at: usize, body: &str, dir: &Directory) -> (Owner, String) {
    let split = [" — ", " – "]
        .iter()
        .filter_map(|sep| body.find(sep).map(|i| (i, i + sep.len())))
        .min();
    let Some((owner_end, task_start)) = split else {
        return (Owner::Unassigned, body.to_string());
    };
    let written = body.get(..owner_end).unwrap_or_default().trim();
    let task = body.get(task_start..).unwrap_or_default().to_string();
    if let Some(chip) = line.person_at(at) {
        return (Owner::Email(chip.email.clone()), task);
    }
    let owner = match dir.who(written) {
        Who::Email(e) => Owner::Email(e),
        Who::Both => Owner::Both,
        Who::Writer => Owner::Unassigned,
        Who::Ambiguous | Who::Unknown if NOBODY.contains(&written.to_lowercase().as_str()) => {
            Owner::Unassigned
        }
        Who::Ambiguous | Who::Unknown => Owner::AsWritten(written.to_string()),
    };
    (owner, task)
}

/// The origin meeting's date: as written, or the latest such date not after this meeting.
fn from_date(day: &str, month: &str, year: Option<&str>, meeting: NaiveDate) -> Option<NaiveDate> {
    let month = due::month_number(month)?;
    let day: u32 = day.parse().ok()?;
    if let Some(year) = year {
        return NaiveDate::from_ymd_opt(year.parse().ok()?, month, day);
    }
    (meeting.year().saturating_sub(4)..=meeting.year())
        .rev()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| *d <= meeting)
}

#[cfg(test)]
#[path = "carry_tests.rs"]
mod tests;
