//! The sandbox: an in-memory Google (Calendar v3, Docs v1, Drive v3, OAuth token endpoint).

pub mod drive;
pub mod call;
pub mod error;
pub mod faults;
pub mod stats;
pub mod oauth;
