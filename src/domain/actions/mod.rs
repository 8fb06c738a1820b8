//! Action items: reading what people wrote in a meeting's section.
//!
//! People write action items in every shape, and this module reads them all. [`harvest`] takes
//! the paragraphs of one dated section and the meeting's context and returns the items found
//! (owner, task, due date, done) plus updates to items carried from earlier meetings.
//! [`carry_line`] writes an open item into the next section in a form [`harvest`] reads back.
//!
//! One concern per file: `locate.rs` finds the lines, `prefix.rs` strips their leading
//! markers, `owner.rs` and `names.rs` read who, `due.rs` reads when, `done.rs` reads whether it
//! is done, [`key`] gives an item its identity, `task_text.rs` cuts and tidies the task,
//! `carry.rs` is the carried-line format and `harvest.rs` puts them together. Everything is pure
//! text processing over [`crate::domain::doc`] paragraphs: no I/O, no clock, no UTF-16
//! arithmetic.

mod carry;
mod done;
pub mod done_note;
mod due;
mod harvest;
pub mod key;
mod line;
mod locate;
mod model;
mod names;
mod owner;
mod prefix;
mod task_text;

pub use carry::{carry_line, parse_carried};
pub use harvest::harvest;
pub use model::{ActionItem, CarriedUpdate, Harvest, MeetingContext, Owner, Person};
