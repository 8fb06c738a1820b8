//! oneonone keeps every recurring 1-1 meeting in Google Calendar paired with one shared Google
//! Doc, writes a dated agenda section into that doc before each meeting and harvests the action
//! items written there afterwards.
//!
//! The crate is laid out as a functional core with an imperative shell:
//!
//! * [`domain`] — pure logic, no I/O: which events are 1-1 series, their occurrences, when work
//!   is due, the section template, the Google Doc model and action-item parsing.
//! * [`google`] — adapters over the generated Google crates (auth, Calendar, Docs, Drive),
//!   error classification and retries.
//! * [`store`] — the SQLite journal and cache (sync tokens, series → doc, occurrences, ledger).
//! * [`reconcile`] — one user's reconcile step: observe, plan with `domain`, apply the smallest
//!   step.
//! * [`daemon`] — the loop that syncs, schedules and runs due work until shutdown.
//! * [`config`] and [`clock`] — the TOML configuration and the (system or simulated) clock.
//! * [`cli`] — one module per subcommand; `main.rs` only parses arguments and calls in here.
//! * [`sandbox`] — an independent, in-memory implementation of the parts of Google Calendar v3,
//!   Docs v1, Drive v3 and OAuth that oneonone touches, served over HTTP for tests and the demo.
//!   It shares no logic with the daemon.

pub mod cli;
pub mod clock;
pub mod domain;
pub mod sandbox;
