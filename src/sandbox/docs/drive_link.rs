//! What the Docs API asks of Drive: who may open a document, and recording documents that
//! the Docs API creates or changes.
//!
//! TEMPORARY SHIM (docs helper): `main`'s `DriveState` is still a placeholder, so these
//! functions keep a minimal owner/app record in `DocsState::shim_acl`. The Drive branch
//! provides `DriveState::{role_of, register_doc, touch, app_can_open}` with these exact
//! meanings; when it is merged, replace each body with the call named in its doc comment and
//! delete `ShimAcl` — nothing else in the docs module changes.

use crate::sandbox::state::World;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A role on a file, weakest first (mirrors `drive::Role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Reader,
    Commenter,
    Writer,
    Owner,
}

/// SHIM: who owns each document and which apps created it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ShimAcl {
    files: BTreeMap<String, ShimFile>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ShimFile {
    roles: BTreeMap<String, Role>,
    apps: BTreeSet<String>,
}

/// `world.drive.role_of(file_id, email)`.
pub fn role_of(w: &World, file_id: &str, email: &str) -> Option<Role> {
    w.docs
        .shim_acl
        .files
        .get(file_id)?
        .roles
        .get(&email.to_ascii_lowercase())
        .copied()
}

/// `world.drive.app_can_open(file_id, client_id)`.
pub fn app_can_open(w: &World, file_id: &str, client_id: &str) -> bool {
    w.docs
        .shim_acl
        .files
        .get(file_id)
        .is_some_and(|f| f.apps.contains(client_id))
}

/// `world.drive.register_doc(id, title, owner, owner_name, client_id, now)`.
pub fn register_doc(
    w: &mut World,
    id: &str,
    _title: &str,
    owner: &str,
    _owner_name: &str,
    client_id: &str,
    _now: DateTime<Utc>,
) {
    let file = w.docs.shim_acl.files.entry(id.to_string()).or_default();
    file.roles.insert(owner.to_ascii_lowercase(), Role::Owner);
    if !client_id.is_empty() {
        file.apps.insert(client_id.to_string());
    }
}

/// `world.drive.touch(file_id, now)`: the document's content changed.
pub fn touch(_w: &mut World, _file_id: &str, _now: DateTime<Utc>) {}

/// SHIM: shares a document (the Drive branch does this through permissions.create).
pub fn share(w: &mut World, file_id: &str, email: &str, role: Role) {
    let file = w
        .docs
        .shim_acl
        .files
        .entry(file_id.to_string())
        .or_default();
    file.roles.insert(email.to_ascii_lowercase(), role);
}
