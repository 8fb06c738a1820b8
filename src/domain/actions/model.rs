//! The plain data that harvesting consumes and produces.
//!
//! Kept apart from the parsing so other modules (the ledger, the section renderer, the CLI
//! export) can depend on these types without reading any parsing code.

use chrono::NaiveDate;

/// One attendee of the 1-1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub email: String,
    /// Display name from Calendar or the directory, when known. Its words (and the email's local
    /// part) are what written names are matched against.
    pub name: Option<String>,
}

/// What harvesting needs to know about the meeting whose section it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingContext {
    /// The meeting's local date in the series' time zone: every relative due date ("by Friday",
    /// "tomorrow") is resolved against it, never against the clock.
    pub meeting_date: NaiveDate,
    pub organizer: Person,
    pub other: Person,
    /// Extra spellings that mean one attendee: `(alias, email)`, e.g. `("Bobby", "bob@x.com")`.
    pub aliases: Vec<(String, String)>,
}

/// Who an action item belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// One of the attendees (or an alias of one), by email.
    Email(String),
    /// Both attendees ("we", "both", "Alice & Bob").
    Both,
    /// Nobody could be told apart: no owner written, or "I"/"me" with no way to tell the writer.
    Unassigned,
    /// A name that is not one of the attendees (a third person), exactly as written.
    AsWritten(String),
}

/// One action item found in a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub owner: Owner,
    /// What to do, without the owner, the due phrase and the done markers.
    pub task: String,
    pub due: Option<NaiveDate>,
    pub done: bool,
    /// The item's identity across re-harvests: the owner's identity and the task, lowercased,
    /// whitespace collapsed, markers and the due phrase stripped — so ticking, re-spacing or
    /// moving the due date of a line keeps its key. See [`super::key`].
    pub key: String,
    /// The line as it reads in the document (chips rendered as their text, suggestions left out).
    pub raw: String,
    /// The nearest preceding heading's id, for a link to the source.
    pub heading_id: Option<String>,
}

/// A line of the "Open action items" block: an item carried from an earlier meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedUpdate {
    /// The original item's key.
    pub key: String,
    /// The carried line has been marked done (✅, "[x]", "Done:", strikethrough, …).
    pub done: bool,
    /// The meeting the item came from, read from "(from 24 Nov)" when present.
    pub from: Option<NaiveDate>,
}

/// Everything harvested from one section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Harvest {
    /// New (or re-read) items, in document order.
    pub items: Vec<ActionItem>,
    /// Updates to items carried from earlier meetings, in document order.
    pub carried: Vec<CarriedUpdate>,
}
