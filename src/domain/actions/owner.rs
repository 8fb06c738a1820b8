//! Who an action item belongs to, read from the front of the line ("Bob to …", "Bob: …",
//! "@Bob …", a person chip, "I'll …", "We …") or, failing that, from its end ("… (Bob)",
//! "… — @Bob", "… — <chip>").
//!
//! Names of the two attendees (and aliases) are recognised before any separator — ":", "to",
//! a dash, a comma, "will"/"'ll"/"should"/"must"/"need(s) to"/"has to"/"can". A name we do not
//! know becomes [`Owner::AsWritten`] only in the two unmistakable shapes "Carol to …" and
//! "Carol: …", when every word is capitalised (or in a script without case) and the first word
//! is not a common sentence opener ("Remember to …", "Ask Carol to …", "Note: …").
//!
//! "I"/"me": the Docs API does not say who typed a line, so the writer is unknown. It is
//! resolved only when the rest of the line makes it unambiguous: if the line mentions exactly
//! one of the two attendees (by chip or by name), the writer is the other one ("I'll send Alice
//! the deck" is Bob's). Otherwise the item is [`Owner::Unassigned`].

use std::ops::Range;

use super::line::Line;
use super::model::Owner;
use super::names::{is_combining_mark, name_char, Directory, Who};

/// What the line claims about its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Claim {
    Owner(Owner),
    /// "I"/"me": settled by [`writer`] once the rest of the line is known.
    Writer,
}

/// An owner claim and the part of the line that said it (to cut from the task).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub claim: Claim,
    pub range: Range<usize>,
}

impl Found {
    fn new(claim: Claim, range: Range<usize>) -> Found {
        Found { claim, range }
    }
}

fn claim(who: Who) -> Option<Claim> {
    match who {
        Who::Email(e) => Some(Claim::Owner(Owner::Email(e))),
        Who::Both => Some(Claim::Owner(Owner::Both)),
        Who::Writer => Some(Claim::Writer),
        Who::Ambiguous | Who::Unknown => None,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Sep {
    Colon,
    To,
    /// Dashes, commas, modal verbs: only after a name we know.
    Weak,
}

const SEPARATORS: &[(&str, Sep)] = &[
    (":", Sep::Colon),
    ("：", Sep::Colon),
    (" to ", Sep::To),
    (" — ", Sep::Weak),
    (" – ", Sep::Weak),
    (" - ", Sep::Weak),
    (" -- ", Sep::Weak),
    (", ", Sep::Weak),
    (" will ", Sep::Weak),
    ("'ll ", Sep::Weak),
    ("’ll ", Sep::Weak),
    (" shall ", Sep::Weak),
    (" should ", Sep::Weak),
    (" must ", Sep::Weak),
    (" needs to ", Sep::Weak),
    (" need to ", Sep::Weak),
    (" has to ", Sep::Weak),
    (" have to ", Sep::Weak),
    (" can ", Sep::Weak),
];

/// Sentence openers that are never an unknown person's name.
const NOT_NAMES: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "you",
    "he",
    "she",
    "they",
    "need",
    "needs",
    "remember",
    "try",
    "plan",
    "want",
    "going",
    "have",
    "has",
    "had",
    "ask",
    "tell",
    "remind",
    "make",
    "get",
    "help",
    "check",
    "follow",
    "send",
    "review",
    "reach",
    "talk",
    "set",
    "move",
    "add",
    "go",
    "come",
    "decide",
    "agree",
    "continue",
    "keep",
    "let",
    "start",
    "stop",
    "schedule",
    "note",
    "notes",
    "next",
    "todo",
    "action",
    "actions",
    "question",
    "questions",
    "decision",
    "decisions",
    "idea",
    "ideas",
    "context",
    "re",
    "fyi",
    "update",
    "updates",
    "status",
    "blocker",
    "blockers",
    "owner",
    "due",
    "task",
    "tasks",
    "goal",
    "goals",
    "topic",
    "topics",
    "agenda",
    "summary",
    "feedback",
    "growth",
    "work",
    "why",
    "how",
    "what",
    "when",
    "where",
    "who",
    "also",
    "then",
    "and",
    "or",
    "but",
    "so",
    "please",
    "maybe",
    "important",
    "reminder",
    "later",
    "today",
    "tomorrow",
    "new",
    "open",
    "done",
    "pending",
    "deadline",
    "outcome",
    "result",
    "risk",
    "risks",
    "issue",
    "issues",
    "problem",
    "problems",
    "step",
    "steps",
    "time",
    "way",
    "nothing",
    "everything",
    "someone",
    "somebody",
    "anyone",
];

/// The owner written at byte `at` of the line (where the content starts).
pub(super) fn leading(line: &Line, at: usize, dir: &Directory) -> Option<Found> {
    let text = &line.text;
    if let Some(chip) = line.person_at(at) {
        let end = skip_separator(text, chip.range.end);
        return Some(Found::new(
            Claim::Owner(Owner::Email(chip.email.clone())),
            at..end,
        ));
    }
    let rest = text.get(at..)?;
    if let Some(handle) = rest.strip_prefix('@') {
        let len = handle.find(|c: char| !name_char(c)).unwrap_or(handle.len());
        let name = handle.get(..len)?.trim_end_matches('.');
        if !name.is_empty() {
            let who = claim(dir.who(name))
                .unwrap_or_else(|| Claim::Owner(Owner::AsWritten(name.to_string())));
            let end = skip_separator(text, at + 1 + name.len());
            return Some(Found::new(who, at..end));
        }
    }
    // A trailing space lets "Bob to" (nothing after) end in a separator like "Bob to send".
    for (start, end, sep) in separators(&format!("{rest} ")) {
        let end = end.min(rest.len());
        let candidate = rest.get(..start)?.trim();
        if candidate.split_whitespace().count() > 4 {
            break;
        }
        let who = dir.who(candidate);
        let found = match who {
            Who::Ambiguous => Some(Claim::Owner(Owner::AsWritten(candidate.to_string()))),
            Who::Unknown if sep != Sep::Weak && looks_like_a_name(candidate) => {
                Some(Claim::Owner(Owner::AsWritten(candidate.to_string())))
            }
            other => claim(other),
        };
        if let Some(found) = found {
            return Some(Found::new(found, at..at + end));
        }
    }
    // "We agree on …", "Both review …", "I send …": with no separator, a pronoun followed
    // straight by the verb still names the owner (names need a separator: "Bob sends" is too
    // loose to trust).
    leading_pronoun(rest, dir).map(|(claim, len)| Found::new(claim, at..at + len))
}

/// A leading "we"/"both"/"I" followed by a space and more words: the claim and the byte length
/// of the pronoun and the space after it.
fn leading_pronoun(rest: &str, dir: &Directory) -> Option<(Claim, usize)> {
    let word_len = rest.find(char::is_whitespace)?;
    let word = rest.get(..word_len)?;
    if !["we", "both", "i"]
        .iter()
        .any(|p| word.eq_ignore_ascii_case(p))
    {
        return None;
    }
    let after = rest.get(word_len..)?;
    let spaces = after.len() - after.trim_start().len();
    if after.trim().is_empty() {
        return None;
    }
    claim(dir.who(word)).map(|c| (c, word_len + spaces))
}

/// The owner written at the end of `text[window]`: "(Bob)", "[Bob]", "— Bob", "- @Bob", or a
/// person chip after a dash or bracket. Only attendees, aliases, pronouns and chips count here:
/// "send the deck to Bob" names a recipient, not an owner.
pub(super) fn trailing(line: &Line, window: Range<usize>, dir: &Directory) -> Option<Found> {
    let slice = line.text.get(window.clone())?;
    let body = slice.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    let chip_end = window.start + body.trim_end_matches([')', ']']).len();
    if let Some(chip) = line.people.iter().find(|p| p.range.end == chip_end) {
        let before = line.text.get(window.start..chip.range.start)?;
        let cut = strip_trailing_joiner(before);
        if cut.len() < before.trim_end().len() {
            return Some(Found::new(
                Claim::Owner(Owner::Email(chip.email.clone())),
                window.start + cut.len()..window.end,
            ));
        }
    }
    let (inner, open) = if let Some(head) = body.strip_suffix(')') {
        (head, head.rfind('(')?)
    } else if let Some(head) = body.strip_suffix(']') {
        (head, head.rfind('[')?)
    } else {
        let open = [" — ", " – ", " - ", " -- "]
            .iter()
            .filter_map(|d| body.rfind(d))
            .max()?;
        (body, open)
    };
    let name = inner
        .get(open..)?
        .trim_start_matches(['(', '[', ' ', '—', '–', '-']);
    let name = strip_label(name);
    let who = claim(dir.who(name))?;
    let cut = strip_trailing_joiner(body.get(..open)?);
    Some(Found::new(who, window.start + cut.len()..window.end))
}

/// "owner: Bob" → "Bob".
fn strip_label(name: &str) -> &str {
    match name.split_once(':') {
        Some((label, rest)) if label.trim().eq_ignore_ascii_case("owner") => rest,
        _ => name,
    }
}

/// Resolves "I"/"me" written as the owner: see the module docs.
pub(super) fn writer(dir: &Directory, mentioned: &[String]) -> Owner {
    match mentioned {
        [one] => dir
            .counterpart(one)
            .map_or(Owner::Unassigned, |e| Owner::Email(e.to_string())),
        _ => Owner::Unassigned,
    }
}

fn looks_like_a_name(candidate: &str) -> bool {
    let words: Vec<&str> = candidate.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    words.len() <= 3
        && !NOT_NAMES.contains(&first.to_lowercase().as_str())
        && words.iter().all(|w| {
            let head_ok = w
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()));
            head_ok
                && w.chars().all(|c| {
                    c.is_alphabetic() || is_combining_mark(c) || matches!(c, '\'' | '’' | '.' | '-')
                })
        })
}

/// Every separator in `rest`, by position: (start, end, kind).
fn separators(rest: &str) -> Vec<(usize, usize, Sep)> {
    let lower = rest.to_ascii_lowercase();
    let mut found: Vec<(usize, usize, Sep)> = SEPARATORS
        .iter()
        .flat_map(|(pattern, sep)| {
            lower
                .match_indices(pattern)
                .map(move |(i, m)| (i, i + m.len(), *sep))
        })
        .collect();
    found.sort_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)));
    found
}

/// After an owner: skips spaces and one separator (":", "to", a dash, ",", a modal verb).
fn skip_separator(text: &str, from: usize) -> usize {
    let Some(rest) = text.get(from..) else {
        return from;
    };
    let trimmed = rest.trim_start();
    let at = from + rest.len() - trimmed.len();
    // ASCII lowercasing keeps byte offsets.
    let lower = trimmed.to_ascii_lowercase();
    SEPARATORS
        .iter()
        .map(|(pattern, _)| pattern.trim_start())
        .find(|bare| lower.starts_with(bare))
        .map_or(at, |bare| at + bare.len())
}

/// Removes a dash, "by", or an opening bracket left between the task and a trailing owner.
fn strip_trailing_joiner(before: &str) -> &str {
    before
        .trim_end()
        .trim_end_matches(['—', '–', '-', '(', '[', ','])
        .trim_end()
}

#[cfg(test)]
#[path = "owner_tests.rs"]
mod tests;
