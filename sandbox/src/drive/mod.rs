//! Drive v3 as far as oneonone uses it: files (create, get, list with `q`, update),
//! permissions and changes.
//!
//! * [`query`] — the `q` search language;
//! * [`files`] — files.create/get/list/update;
//! * [`view`] — a file as one caller sees it (its JSON, and what `q` matches against);
//! * [`permissions`] — sharing;
//! * [`changes`] — the change log behind `changes.getStartPageToken`/`changes.list`;
//! * [`fields`] — the `fields` partial-response mask;
//! * [`multipart`] — the `multipart/related` upload body the generated client sends;
//! * [`docs_link`] — where a Google Doc created or renamed through Drive reaches into Docs;
//! * [`http`] — the axum routes.
//!
//! Access follows Drive: a user sees a file they own or hold a permission on; an app holding
//! only the `drive.file` scope sees only the files it created; `appProperties` are visible
//! only to the app (OAuth client) that set them.

pub mod changes;
pub mod docs_link;
pub mod fields;
pub mod files;
pub mod http;
pub mod multipart;
pub mod permissions;
pub mod query;
pub mod view;
pub mod watch;

use crate::caller::Caller;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub use http::routes;

/// MIME type of a Google Doc.
pub const DOC_MIME: &str = "application/vnd.google-apps.document";
/// MIME type of a folder.
pub const FOLDER_MIME: &str = "application/vnd.google-apps.folder";

/// Every Drive file of the sandbox plus the change log.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DriveState {
    pub files: BTreeMap<String, DriveFile>,
    /// Append-only; the change with sequence number `n` is `changes[n - 1]`, and a page token
    /// is the sequence number of the first change not yet seen.
    pub changes: Vec<ChangeEntry>,
    /// Seconds of simulated time a new file stays invisible to `files.list` queries (0, the
    /// default, = read-after-write). Set by `POST /_sandbox/drive/search-lag` or
    /// [`crate::SandboxOptions::drive_search_lag_seconds`]; see `DriveState::not_yet_indexed`.
    #[serde(default)]
    pub search_lag_seconds: u64,
    /// Live `changes.watch` channels by id ([`watch`]).
    #[serde(default)]
    pub channels: BTreeMap<String, watch::DriveChannel>,
    /// Makes channel resource ids unique.
    #[serde(default)]
    pub channel_counter: u64,
    /// Notifications queued by changes, moved to the world's outbox after each call.
    #[serde(skip)]
    pub outbox: Vec<crate::state::Notification>,
}

/// One Drive file (a Google Doc, a folder or an uploaded blob).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveFile {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub description: Option<String>,
    pub parents: Vec<String>,
    /// Owner's email (also present as the `owner` permission).
    pub owner: String,
    pub owner_name: String,
    /// OAuth client ids that may open it under the `drive.file` scope (its creator).
    pub app_clients: BTreeSet<String>,
    /// Private properties per OAuth client id.
    pub app_properties: BTreeMap<String, BTreeMap<String, String>>,
    pub permissions: Vec<Permission>,
    pub trashed: bool,
    pub starred: bool,
    pub created_time: DateTime<Utc>,
    pub modified_time: DateTime<Utc>,
    /// Bumped on every change, as Drive's `version`.
    pub version: u64,
    /// Bytes of uploaded content (Google-native files have none).
    pub size: Option<u64>,
    /// Sequence number of its latest entry in the change log, so `changes.list` can report
    /// each file once without rescanning the whole log.
    #[serde(default)]
    pub last_change: usize,
}

/// A role on a file, weakest first (so `Ord` compares power).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Reader,
    Commenter,
    Writer,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Commenter => "commenter",
            Role::Writer => "writer",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reader" => Some(Role::Reader),
            "commenter" => Some(Role::Commenter),
            "writer" => Some(Role::Writer),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }
}

/// Who a permission is granted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Grantee {
    User { email: String },
    Group { email: String },
    Domain { domain: String },
    Anyone,
}

/// One permission on a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    pub id: String,
    pub grantee: Grantee,
    pub role: Role,
    /// Whether Drive would have mailed the grantee (`sendNotificationEmail`).
    pub notified: bool,
    pub email_message: Option<String>,
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEntry {
    pub file_id: String,
    pub time: DateTime<Utc>,
    /// Users who held an explicit role just before or after the change, so a later
    /// `changes.list` can tell them the file was removed from their view.
    pub audience: BTreeSet<String>,
}

/// `File not found: <id>.` — what Drive answers for a file the caller may not see.
pub fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("File not found: {id}."))
}

/// 403 `insufficientFilePermissions`.
pub fn insufficient(what: &str) -> ApiError {
    ApiError::forbidden(
        "insufficientFilePermissions",
        format!("The user does not have sufficient permissions for this file. ({what})"),
    )
}

/// A stable, Drive-looking permission id for a user (Drive's permission ids are per user).
pub fn user_permission_id(email: &str) -> String {
    // FNV-1a: stable across runs, unlike the std hasher.
    let hash = email
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{:020}", hash)
}

/// The id of a user's "My Drive" root folder (the alias `root` resolves to it).
pub fn root_id(email: &str) -> String {
    format!("0A{}Uk9PVA", user_permission_id(email))
}

fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

impl DriveFile {
    /// The strongest role `email` holds through any permission.
    pub fn role_of(&self, email: &str) -> Option<Role> {
        self.permissions
            .iter()
            .filter(|p| match &p.grantee {
                Grantee::User { email: e } | Grantee::Group { email: e } => {
                    e.eq_ignore_ascii_case(email)
                }
                Grantee::Domain { domain } => domain.eq_ignore_ascii_case(domain_of(email)),
                Grantee::Anyone => true,
            })
            .map(|p| p.role)
            .max()
    }

    /// Users holding an explicit role.
    pub fn explicit_users(&self) -> BTreeSet<String> {
        self.permissions
            .iter()
            .filter_map(|p| match &p.grantee {
                Grantee::User { email } | Grantee::Group { email } => Some(email.to_lowercase()),
                _ => None,
            })
            .collect()
    }

    /// Whether the caller's app may see this file: any broad Drive scope, or `drive.file`
    /// for files the app created.
    pub fn app_can_see(&self, caller: &Caller) -> bool {
        [
            "drive",
            "drive.readonly",
            "drive.metadata",
            "drive.metadata.readonly",
        ]
        .iter()
        .any(|s| caller.has_scope(s))
            || self.app_clients.contains(&caller.client_id)
    }

    /// The caller's role, if both the user and the app may see the file.
    pub fn caller_role(&self, caller: &Caller) -> Option<Role> {
        self.role_of(&caller.email)
            .filter(|_| self.app_can_see(caller))
    }
}

impl DriveState {
    /// The caller's role on `id`, or 404 when the file is invisible to them.
    pub fn visible(&self, id: &str, caller: &Caller) -> Result<(&DriveFile, Role), ApiError> {
        let file = self.files.get(id).ok_or_else(|| not_found(id))?;
        let role = file.caller_role(caller).ok_or_else(|| not_found(id))?;
        Ok((file, role))
    }

    /// The strongest role `email` holds on `file_id` (for the Docs API's access checks).
    pub fn role_of(&self, file_id: &str, email: &str) -> Option<Role> {
        self.files.get(file_id)?.role_of(email)
    }

    /// Whether app `client_id` may open `file_id` under the `drive.file` scope.
    pub fn app_can_open(&self, file_id: &str, client_id: &str) -> bool {
        self.files
            .get(file_id)
            .is_some_and(|f| f.app_clients.contains(client_id))
    }

    /// The file's name (a Google Doc's title).
    pub fn name_of(&self, file_id: &str) -> Option<&str> {
        self.files.get(file_id).map(|f| f.name.as_str())
    }

    /// Records a change of `file_id` (metadata or content) at `now`: bumps `version` and
    /// `modifiedTime` and appends to the change log. Unknown ids are ignored.
    pub fn touch(&mut self, file_id: &str, now: DateTime<Utc>) {
        if let Some(file) = self.files.get_mut(file_id) {
            file.version += 1;
            file.modified_time = now;
            let audience = file.explicit_users();
            self.record_change(file_id, now, audience);
        }
    }

    fn record_change(&mut self, file_id: &str, now: DateTime<Utc>, audience: BTreeSet<String>) {
        self.notify_change(&audience, now);
        self.changes.push(ChangeEntry {
            file_id: file_id.to_string(),
            time: now,
            audience,
        });
        let seq = self.changes.len();
        if let Some(file) = self.files.get_mut(file_id) {
            file.last_change = seq;
        }
    }

    /// Makes a document created through the Docs API (`documents.create`) a Drive file owned
    /// by `owner`, in their root folder, openable by app `client_id`.
    pub fn register_doc(
        &mut self,
        id: &str,
        title: &str,
        owner: &str,
        owner_name: &str,
        client_id: &str,
        now: DateTime<Utc>,
    ) {
        let file = DriveFile::new_owned(
            id.to_string(),
            title.to_string(),
            DOC_MIME.to_string(),
            owner,
            owner_name,
            client_id,
            now,
        );
        self.insert_new(file, now);
    }

    /// Inserts a fresh file and logs its creation.
    fn insert_new(&mut self, file: DriveFile, now: DateTime<Utc>) {
        let id = file.id.clone();
        let audience = file.explicit_users();
        self.files.insert(id.clone(), file);
        self.record_change(&id, now, audience);
    }
}

impl DriveFile {
    /// A new file owned by `owner`, in their root, visible to app `client_id`.
    pub fn new_owned(
        id: String,
        name: String,
        mime_type: String,
        owner: &str,
        owner_name: &str,
        client_id: &str,
        now: DateTime<Utc>,
    ) -> DriveFile {
        DriveFile {
            id,
            name,
            mime_type,
            description: None,
            parents: vec![root_id(owner)],
            owner: owner.to_string(),
            owner_name: owner_name.to_string(),
            // An empty client id (a document imported by a test) opens under no app.
            app_clients: BTreeSet::from([client_id.to_string()])
                .into_iter()
                .filter(|c| !c.is_empty())
                .collect(),
            app_properties: BTreeMap::new(),
            permissions: vec![Permission {
                id: user_permission_id(owner),
                grantee: Grantee::User {
                    email: owner.to_string(),
                },
                role: Role::Owner,
                notified: false,
                email_message: None,
            }],
            trashed: false,
            starred: false,
            created_time: now,
            modified_time: now,
            version: 1,
            size: None,
            last_change: 0,
        }
    }
}

#[cfg(test)]
mod tests;
