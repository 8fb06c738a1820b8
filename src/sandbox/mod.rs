//! The sandbox: an in-memory Google (Calendar v3, Docs v1, Drive v3, OAuth token endpoint).
pub mod docs;
