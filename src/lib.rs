//! oneonone keeps every recurring 1-1 meeting in Google Calendar paired with one shared Google
//! Doc, writes a dated agenda section into that doc before each meeting and harvests the action
//! items written there afterwards.
//!
//! The crate is laid out as a functional core with an imperative shell:
//!
//! * [`domain`] — pure logic, no I/O: which events are 1-1 series, their occurrences, when work
//!   is due, the section template, the Google Doc model, action-item parsing and the plan that
//!   keeps items and their owners' Google Tasks in step.
//! * [`google`] — adapters over the generated Google crates (auth, Calendar, Docs, Drive,
//!   Tasks), error classification and retries.
//! * [`store`] — the SQLite journal and cache (sync tokens, series → doc, occurrences, ledger,
//!   the items' tasks).
//! * [`reconcile`] — one user's reconcile step: observe, plan with `domain`, apply the smallest
//!   step.
//! * [`daemon`] — the loop that syncs, schedules and runs due work until shutdown.
//! * [`http`] — the listener beside the loop: `/healthz`, `/readyz`, `/metrics`.
//! * [`metrics`] — the counters and gauges `/metrics` serves.
//! * [`push`] — Calendar push channels and what `POST /notify` does with their messages.
//! * [`config`] and [`clock`] — the TOML configuration and the (system or simulated) clock.
//!
//! The command line lives in the binary (`src/cli/`), and the sandbox — an independent,
//! in-memory Google for tests and the demo — in its own crate (`sandbox/`, `oneonone-sandbox`),
//! which this library does not depend on.

pub mod clock;
pub mod config;
pub mod daemon;
pub mod domain;
pub mod export;
pub mod google;
pub mod http;
pub mod metrics;
pub mod push;
pub mod reconcile;
pub mod store;
