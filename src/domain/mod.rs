//! The functional core: plain data in, plain data out. Nothing in here does I/O, spawns tasks,
//! talks HTTP or SQL, or reads the clock — time is always a parameter.
//!
//! * [`event`], [`series`], [`recurrence`], [`occurrences`], [`schedule`] — which calendar
//!   events are 1-1 series, their occurrences, and when each needs work;
//! * [`doc`], [`doc_json`], [`doc_check`] — the Google Doc model, read from Docs JSON and checked;
//! * [`sections`], [`block`], [`template`], [`edit`], [`date_text`] — where dated sections are, what a new
//!   one says, and the edits that insert it;
//! * [`actions`] — action items read from a section, and the carry-forward line format;
//! * [`pair`] — the key of the two people a doc belongs to;
//! * [`roles`] — which served user's pass acts on a 1-1 and as whom the doc is attached.
//! * [`task_sync`] — action items and their owners' Google Tasks kept in step.

pub mod actions;
pub(crate) mod block;
pub(crate) mod date_text;
pub mod doc;
#[cfg(test)]
pub(crate) mod doc_build;
pub(crate) mod doc_check;
pub(crate) mod doc_json;
pub(crate) mod edit;
pub mod event;
pub(crate) mod occurrences;
pub(crate) mod pair;
pub(crate) mod recurrence;
pub mod roles;
pub mod schedule;
pub(crate) mod sections;
pub mod series;
pub mod task_sync;
pub(crate) mod template;
