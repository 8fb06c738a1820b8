//! Which Google Doc attached to a series is its living doc, and why the others are not
//! (issue 9 §10). Pure: events in, a verdict per attached doc out; `series_doc` adopts the
//! chosen one and `oneonone explain` prints them all.
//!
//! Not every Google Doc on a 1-1 is the series' running notes:
//!
//! * a doc attached to **one instance** (an exception of the series) belongs to that meeting;
//!   only a doc attached to the series master is attached to "all events" of the series;
//! * **per-meeting notes docs** that Google itself creates and attaches: Gemini's "Take notes
//!   for me" in Meet ("the meeting notes document is generated shortly after the meeting ends,
//!   saved in the organizer's Drive … the link is also available in the Calendar event",
//!   support.google.com/meet/answer/14754931), titled `<event> - <YYYY/MM/DD HH:MM zone> -
//!   Notes by Gemini`, and Calendar's "Take meeting notes",
//!   titled `Notes – <event> – <YYYY/MM/DD>` (issue 9's form; Google's help does not spell the
//!   title out, so any `Notes` title carrying a date is treated alike). One such doc exists per
//!   meeting; adopting it would write every later section into one meeting's notes.
//!
//! (The Gemini title form is the one seen in public captures of such docs, e.g.
//! `Meeting started 2026/08/14 16:42 EDT - Notes by Gemini`; Google's help names the feature and
//! says the doc is linked from the event, not how it is titled.)

use super::series_doc::doc_id_of;
use crate::domain::event::Event;
use regex::Regex;
use std::fmt;
use std::sync::LazyLock;

/// A Google Doc found attached to the series, and what adoption makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub doc_id: String,
    pub url: String,
    /// The attachment's title, as Calendar shows it.
    pub title: Option<String>,
    /// The event it is attached to (a master, or one instance).
    pub event_id: String,
    pub verdict: Verdict,
}

/// Whether a candidate is adopted, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The series' doc: the first fitting doc on the newest master.
    Adopted,
    /// Attached to one meeting of the series, not to the series.
    OneMeetingOnly,
    /// A per-meeting notes doc (which kind, in words).
    PerMeetingNotes(&'static str),
    /// Fits, but another doc was adopted first (newest master first, then attachment order).
    AnotherChosen,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Adopted => write!(f, "adopted: attached to the series itself"),
            Verdict::OneMeetingOnly => write!(
                f,
                "passed over: attached to one meeting only, not to the series (attach it to \
                 \"all events\" to have it adopted)"
            ),
            Verdict::PerMeetingNotes(kind) => {
                write!(
                    f,
                    "passed over: {kind}, one per meeting, not the series' doc"
                )
            }
            Verdict::AnotherChosen => write!(
                f,
                "passed over: another doc attached to the series was adopted first (the newest \
                 master's first fitting doc)"
            ),
        }
    }
}

/// Every Google Doc attached to the series' `masters` (oldest first, as the series holds them)
/// or to its `exceptions`, newest master first, each with its verdict. At most one is
/// [`Verdict::Adopted`].
pub fn candidates(masters: &[Event], exceptions: &[Event]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut adopted = false;
    for m in masters.iter().rev() {
        for a in &m.attachments {
            let Some(doc_id) = doc_id_of(a) else { continue };
            if out.iter().any(|c| c.doc_id == doc_id) {
                continue;
            }
            let verdict = match per_meeting_notes(a.title.as_deref()) {
                Some(kind) => Verdict::PerMeetingNotes(kind),
                None if adopted => Verdict::AnotherChosen,
                None => {
                    adopted = true;
                    Verdict::Adopted
                }
            };
            out.push(Candidate {
                doc_id,
                url: a.file_url.clone(),
                title: a.title.clone(),
                event_id: m.id.clone(),
                verdict,
            });
        }
    }
    for e in exceptions {
        for a in &e.attachments {
            let Some(doc_id) = doc_id_of(a) else { continue };
            if out.iter().any(|c| c.doc_id == doc_id) {
                continue;
            }
            out.push(Candidate {
                doc_id,
                url: a.file_url.clone(),
                title: a.title.clone(),
                event_id: e.id.clone(),
                verdict: Verdict::OneMeetingOnly,
            });
        }
    }
    out
}

/// The adopted candidate, if any.
pub fn chosen(masters: &[Event]) -> Option<Candidate> {
    candidates(masters, &[])
        .into_iter()
        .find(|c| c.verdict == Verdict::Adopted)
}

static GEMINI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bnotes by gemini\b").expect("the Gemini notes pattern is a valid regex")
});

/// `Notes – <event> – 2026/11/30` (any dash or a colon after `Notes`, a date anywhere after).
static CALENDAR_NOTES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*notes\s*[-–—:].*\b\d{4}[/-]\d{1,2}[/-]\d{1,2}\b")
        .expect("the Calendar notes pattern is a valid regex")
});

/// Which kind of per-meeting notes doc a title plainly names, if any.
fn per_meeting_notes(title: Option<&str>) -> Option<&'static str> {
    let title = title?;
    if GEMINI.is_match(title) {
        return Some("Gemini's meeting notes (\"… - Notes by Gemini\")");
    }
    if CALENDAR_NOTES.is_match(title) {
        return Some("Calendar's \"Take meeting notes\" doc (\"Notes – <event> – <date>\")");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::Attachment;

    fn doc(id: &str, title: &str) -> Attachment {
        Attachment {
            file_url: format!("https://docs.google.com/document/d/{id}/edit"),
            file_id: Some(id.to_string()),
            title: Some(title.to_string()),
            mime_type: Some("application/vnd.google-apps.document".to_string()),
        }
    }

    fn event(id: &str, attachments: Vec<Attachment>) -> Event {
        let mut e = Event::from_json(&serde_json::json!({"id": id, "status": "confirmed"}))
            .expect("a minimal event");
        e.attachments = attachments;
        e
    }

    #[test]
    fn per_meeting_notes_titles_are_recognised_and_running_notes_are_not() {
        for t in [
            "Alice / Bob - 2026/11/30 10:00 CET - Notes by Gemini",
            "Meeting started 2026/08/14 16:42 EDT - Notes by Gemini",
            "Notes – Alice / Bob – 2026/11/30",
            "Notes - Alice / Bob - 2026-11-30",
            "Notes: Alice <> Bob 2026/11/30",
        ] {
            assert!(per_meeting_notes(Some(t)).is_some(), "{t}");
        }
        for t in [
            "Alice / Bob · 1:1 notes",
            "Our running notes",
            "Notes",
            "Notes for Alice and Bob",
            "1:1 notes since 2024/01/01",
        ] {
            assert_eq!(per_meeting_notes(Some(t)), None, "{t}");
        }
    }

    #[test]
    fn only_the_masters_fitting_doc_is_adopted_and_every_other_is_explained() {
        let master = event(
            "m1",
            vec![
                doc(
                    "gem",
                    "Alice / Bob - 2026/11/24 10:00 CET - Notes by Gemini",
                ),
                doc("run", "Our running notes"),
                doc("two", "Another doc"),
            ],
        );
        let instance = event(
            "m1_20261201T090000Z",
            vec![doc("one", "Agenda for Tuesday")],
        );
        let found = candidates(std::slice::from_ref(&master), &[instance]);
        let verdicts: Vec<(&str, &Verdict)> = found
            .iter()
            .map(|c| (c.doc_id.as_str(), &c.verdict))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                (
                    "gem",
                    &Verdict::PerMeetingNotes("Gemini's meeting notes (\"… - Notes by Gemini\")")
                ),
                ("run", &Verdict::Adopted),
                ("two", &Verdict::AnotherChosen),
                ("one", &Verdict::OneMeetingOnly),
            ]
        );
        assert_eq!(chosen(&[master]).map(|c| c.doc_id).as_deref(), Some("run"));
        // A series whose only doc is Gemini's notes adopts nothing (a new doc is created).
        let only_notes = event("m2", vec![doc("gem", "Notes – Alice / Bob – 2026/11/30")]);
        assert_eq!(chosen(&[only_notes]), None);
    }
}
