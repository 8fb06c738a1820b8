//! What the Docs API asks of Drive: who may open a document, and recording documents that
//! the Docs API creates or changes. Drive owns files and permissions; these are the calls into it.

use crate::state::World;
use chrono::{DateTime, Utc};

pub use crate::drive::Role;

/// `world.drive.role_of(file_id, email)`.
pub fn role_of(w: &World, file_id: &str, email: &str) -> Option<Role> {
    w.drive.role_of(file_id, email)
}

/// `world.drive.app_can_open(file_id, client_id)`.
pub fn app_can_open(w: &World, file_id: &str, client_id: &str) -> bool {
    w.drive.app_can_open(file_id, client_id)
}

/// `world.drive.register_doc(id, title, owner, owner_name, client_id, now)`.
pub fn register_doc(
    w: &mut World,
    id: &str,
    title: &str,
    owner: &str,
    owner_name: &str,
    client_id: &str,
    now: DateTime<Utc>,
) {
    w.drive
        .register_doc(id, title, owner, owner_name, client_id, now);
}

/// `world.drive.touch(file_id, now)`: the document's content changed.
pub fn touch(w: &mut World, file_id: &str, now: DateTime<Utc>) {
    w.drive.touch(file_id, now);
}
