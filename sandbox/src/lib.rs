//! The sandbox: an independent, in-memory implementation of the parts of Google Calendar v3,
//! Docs v1, Drive v3 and the OAuth token endpoint that oneonone touches, served over HTTP.
//!
//! Every test of the daemon, the `demo` command and every benchmark run against it, through the
//! real generated crates pointed at it by base URL. It deliberately shares no code with the
//! daemon's logic: it is a second implementation of Google's documented behaviour, so a test
//! that passes proves two independent readings agree.
//!
//! * [`server`] — the router and the [`Sandbox`] handle; [`call`] — the single path of every API
//!   call (stats, faults, auth, scopes, locking); [`caller`] — who is calling; [`error`] —
//!   Google's error JSON; [`rejections`] — Google-shaped answers for requests axum refuses itself;
//!   [`limits`] — the request body limit both of those need;
//!   [`access`] — which scopes allow which method; [`state`] — the in-memory world;
//!   [`clock`] — simulated time.
//! * [`oauth`] — the token endpoint (JWT-bearer and refresh grants); [`admin`] — the
//!   `/_sandbox/` test controls; [`faults`], [`latency`], [`stats`].
//! * [`calendar`], [`docs`], [`drive`], [`tasks`] — the four APIs; [`directory`] — the People
//!   API's directory search (names of the domain's people).
//! * [`company`] — the one test company (people, clock, service-account key) that the demo,
//!   the tests and the benchmarks stand up; [`people`] — acting as its humans.

pub mod access;
pub mod admin;
pub mod calendar;
pub mod call;
pub mod caller;
pub mod client;
pub mod clock;
pub mod company;
pub mod directory;
pub mod docs;
pub mod drive;
pub mod error;
pub mod faults;
pub mod latency;
pub mod limits;
pub mod oauth;
pub mod people;
pub mod rejections;
pub mod server;
pub mod state;
pub mod stats;
pub mod tasks;

pub use call::{AppState, Reply};
pub use caller::Caller;
pub use client::SandboxClient;
pub use company::TestCompany;
pub use error::ApiError;
pub use server::{Sandbox, SandboxOptions};
pub use state::World;
