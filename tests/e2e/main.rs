//! End-to-end tests: the real daemon code, through the real generated Google crates over HTTP,
//! against the in-process sandbox on simulated time. Nothing is mocked below the crates.

mod actions;
mod common;
mod docs;
mod faults;
mod google_contract;
mod incremental;
mod names;
mod organizers;
mod real_google;
mod scale;
mod series;
mod tasks;
