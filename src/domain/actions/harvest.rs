//! Reading one section: locate the action-item lines, then read each one's owner, task, due
//! date and done state. Pure and total: any paragraphs in, a [`Harvest`] out.

use std::ops::Range;

use crate::domain::doc::Paragraph;

use super::carry;
use super::done;
use super::due;
use super::key::item_key;
use super::line::{self, Line};
use super::locate::{self, Block};
use super::model::{ActionItem, Harvest, MeetingContext, Owner};
use super::names::Directory;
use super::owner::{self, Claim};
use super::prefix::{self, Prefix};
use super::task_text::{cut, tidy_task};

/// Harvests the action items of one section (see [`super::locate`] for which lines count).
///
/// Lines under "Open action items" that read as carried lines become
/// [`super::CarriedUpdate`]s; a line there that does not (someone typed a new item into that
/// block) is read as a new item rather than dropped. Lines with no task left after the owner,
/// the due phrase and the markers are skipped.
pub fn harvest(section: &[Paragraph], ctx: &MeetingContext) -> Harvest {
    let dir = Directory::new(ctx);
    let mut out = Harvest::default();
    for located in locate::walk(section) {
        let checklist = located
            .paragraph
            .bullet
            .as_ref()
            .is_some_and(|b| b.checkbox);
        for line in line::lines(located.paragraph) {
            let prefix = prefix::strip(&line.text);
            let in_scope = located.block != Block::Other || checklist || prefix.action;
            if !in_scope
                || line
                    .text
                    .get(prefix.rest..)
                    .is_none_or(|r| r.trim().is_empty())
            {
                continue;
            }
            if located.block == Block::Open {
                if let Some(update) = carry::read(&line, prefix, ctx, &dir) {
                    out.carried.push(update);
                    continue;
                }
            }
            if let Some(mut item) = read_item(&line, prefix, ctx, &dir) {
                item.heading_id = located.heading_id.map(str::to_string);
                out.items.push(item);
            }
        }
    }
    out
}

/// Reads one line already known to be an action item.
pub(super) fn read_item(
    line: &Line,
    prefix: Prefix,
    ctx: &MeetingContext,
    dir: &Directory,
) -> Option<ActionItem> {
    let text = &line.text;
    let marks = done::marks(text, prefix.rest);
    let mut start = prefix.rest;
    let end = content_end(text, &marks).max(start);
    let mut claim = None;
    if let Some(found) = owner::leading(line, start, dir) {
        start = found.range.end.min(end);
        claim = Some(found.claim);
    }
    let due = due::find(text, start..end, &line.dates, ctx.meeting_date);
    let mut cuts: Vec<Range<usize>> = marks.clone();
    cuts.extend(due.as_ref().map(|d| d.range.clone()));
    if claim.is_none() {
        // "send it (Bob) by Friday": look for the owner before a due phrase that ends the line.
        let tail_end = match &due {
            Some(d) if only_punctuation(text.get(d.range.end..end)) => d.range.start,
            _ => end,
        };
        if let Some(found) = owner::trailing(line, start..tail_end.max(start), dir) {
            cuts.push(found.range);
            claim = Some(found.claim);
        }
    }
    let task = tidy_task(&cut(text, start..end, &cuts));
    if task.is_empty() {
        return None;
    }
    let owner = match claim {
        Some(Claim::Owner(owner)) => owner,
        Some(Claim::Writer) => owner::writer(dir, &mentioned(line, start..end, dir)),
        None => Owner::Unassigned,
    };
    Some(ActionItem {
        key: item_key(&owner, &task),
        owner,
        task,
        due: due.map(|d| d.date),
        done: done::is_done(prefix.done, &marks, line.struck),
        raw: text.trim().to_string(),
        heading_id: None,
    })
}

fn only_punctuation(text: Option<&str>) -> bool {
    text.is_some_and(|t| t.chars().all(|c| c.is_whitespace() || ".,;!".contains(c)))
}

/// Where the content ends: before trailing whitespace and trailing done marks, so a trailing
/// owner ("— Bob ✅") is still found.
fn content_end(text: &str, marks: &[Range<usize>]) -> usize {
    let mut end = text.trim_end().len();
    while let Some(mark) = marks.iter().find(|m| m.end == end) {
        end = text.get(..mark.start).map_or(0, |t| t.trim_end().len());
    }
    end
}

/// Attendees the task mentions, by chip or by name.
fn mentioned(line: &Line, window: Range<usize>, dir: &Directory) -> Vec<String> {
    let mut found: Vec<String> = line
        .people
        .iter()
        .filter(|p| p.range.start >= window.start && p.range.end <= window.end)
        .map(|p| p.email.clone())
        .collect();
    for email in dir.mentioned(line.text.get(window).unwrap_or_default()) {
        if !found.contains(&email) {
            found.push(email);
        }
    }
    found
}

#[cfg(test)]
#[path = "harvest_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "fixture_tests.rs"]
mod fixture_tests;
