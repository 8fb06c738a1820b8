//! Drive v3: create the notes doc and its folder, find them again by their private
//! `appProperties` marker, share the doc, and ask which files changed.
//!
//! With the `drive.file` scope we only see files this app created (or was given), which is
//! exactly the set the markers label. Creation is not idempotent, so [`DriveApi::create_doc`] is
//! retried only after an outright refusal (rate limit); after a timeout the caller must look the
//! marker up before creating again — that lookup, never a second create, is how a crash between
//! "created" and "attached" is repaired.

use std::collections::{BTreeMap, HashMap};

use google_drive3::api::{Channel, File, Permission};
use google_drive3::DriveHub;

use super::attempt::attempt;
use super::calendar::OpenedChannel;
use super::connector::HttpsConnector;
use super::errors::GoogleError;
use super::paging::{all_pages, next_page};
use super::quota::Gate;
use super::retry::{retry_if, with_retry, RetryPolicy};
use super::scopes;

/// MIME type of a Google Doc.
pub const DOC_MIME: &str = "application/vnd.google-apps.document";
/// MIME type of a Drive folder.
pub const FOLDER_MIME: &str = "application/vnd.google-apps.folder";
/// The `appProperties` key marking the folder oneonone created for its docs.
pub const FOLDER_MARKER_KEY: &str = "oneononeFolder";

/// File fields we read back; Drive returns only id, name and mimeType unless asked.
const FILE_FIELDS: &str = "id,name,mimeType,parents,appProperties,webViewLink,trashed,createdTime";
const PAGE_SIZE: i32 = 100;

/// The role a person gets on a shared doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reader,
    Commenter,
    Writer,
}

impl Role {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Commenter => "commenter",
            Role::Writer => "writer",
        }
    }
}

/// What `changes.list` reported since a start token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveChanges {
    /// Ids of changed (or removed) files, each once, in the order first reported.
    pub(crate) file_ids: Vec<String>,
    /// The token to ask from next time.
    pub(crate) new_start_token: String,
}

/// Drive v3 as one served user.
pub struct DriveApi {
    hub: DriveHub<HttpsConnector>,
    policy: RetryPolicy,
    gate: Gate,
}

impl DriveApi {
    pub(crate) fn new(hub: DriveHub<HttpsConnector>, policy: RetryPolicy, gate: Gate) -> Self {
        DriveApi { hub, policy, gate }
    }

    /// Creates an empty Google Doc named `name` (in `parent_folder_id` if given) labelled with
    /// `app_properties`, in one `files.create`.
    pub async fn create_doc(
        &self,
        name: &str,
        parent_folder_id: Option<&str>,
        app_properties: &BTreeMap<String, String>,
    ) -> Result<File, GoogleError> {
        self.create(name, DOC_MIME, parent_folder_id, app_properties)
            .await
    }

    /// The folder named `name` that oneonone created before (marker `oneononeFolder=1`), found
    /// by a search. Drive's search is not read-after-write (a folder created seconds ago may be
    /// missing), so this is only for a user whose folder id the store does not remember; a
    /// remembered id is checked with [`DriveApi::get_file`] instead.
    pub async fn find_folder(&self, name: &str) -> Result<Option<File>, GoogleError> {
        let query = format!(
            "{} and name = {} and mimeType = '{FOLDER_MIME}'",
            app_property_query(FOLDER_MARKER_KEY, "1"),
            query_literal(name)
        );
        Ok(self.list_files(&query).await?.into_iter().next())
    }

    /// A new folder named `name` in My Drive, marked `oneononeFolder=1`, in one `files.create`
    /// (not retried after a timeout: see the module docs).
    pub async fn create_folder(&self, name: &str) -> Result<File, GoogleError> {
        let marker = BTreeMap::from([(FOLDER_MARKER_KEY.to_string(), "1".to_string())]);
        self.create(name, FOLDER_MIME, None, &marker).await
    }

    /// One file by id (`files.get`), with `trashed` and `webViewLink`: unlike a search this
    /// sees a file the moment it is created. A deleted file is [`GoogleError::NotFound`].
    pub async fn get_file(&self, file_id: &str) -> Result<File, GoogleError> {
        with_retry(&self.policy, &self.gate, "drive.files.get", || async move {
            let call = self
                .hub
                .files()
                .get(file_id)
                .param("fields", FILE_FIELDS)
                .add_scope(scopes::DRIVE_FILE);
            attempt!(self.policy, call, doit()).map(|(_, file)| file)
        })
        .await
    }

    /// Non-trashed files labelled `key=value` in their `appProperties`.
    pub async fn find_by_app_property(
        &self,
        key: &str,
        value: &str,
    ) -> Result<Vec<File>, GoogleError> {
        self.list_files(&app_property_query(key, value)).await
    }

    /// Sets (merges) `app_properties` on a file; other keys stay as they are.
    pub async fn set_app_properties(
        &self,
        file_id: &str,
        app_properties: &BTreeMap<String, String>,
    ) -> Result<File, GoogleError> {
        let props: HashMap<String, String> = app_properties.clone().into_iter().collect();
        let props = &props;
        with_retry(
            &self.policy,
            &self.gate,
            "drive.files.update",
            || async move {
                let patch = File {
                    app_properties: Some(props.clone()),
                    ..Default::default()
                };
                let call = self
                    .hub
                    .files()
                    .update(patch, file_id)
                    .param("fields", FILE_FIELDS)
                    .add_scope(scopes::DRIVE_FILE);
                attempt!(self.policy, call, doit_without_upload()).map(|(_, file)| file)
            },
        )
        .await
    }

    /// Gives `email` the `role` on a file; `notify` lets Google e-mail them about it. Sharing
    /// twice with the same person leaves one permission, so this is retried.
    pub async fn share(
        &self,
        file_id: &str,
        email: &str,
        role: Role,
        notify: bool,
    ) -> Result<Permission, GoogleError> {
        with_retry(
            &self.policy,
            &self.gate,
            "drive.permissions.create",
            || async move {
                let permission = Permission {
                    type_: Some("user".into()),
                    role: Some(role.as_str().into()),
                    email_address: Some(email.into()),
                    ..Default::default()
                };
                let call = self
                    .hub
                    .permissions()
                    .create(permission, file_id)
                    .send_notification_email(notify)
                    .param("fields", "id,type,role,emailAddress")
                    .add_scope(scopes::DRIVE_FILE);
                attempt!(self.policy, call, doit()).map(|(_, p)| p)
            },
        )
        .await
    }

    /// Everyone a file is shared with (all pages).
    pub async fn list_permissions(&self, file_id: &str) -> Result<Vec<Permission>, GoogleError> {
        all_pages("permissions.list", |page_token| async move {
            let token = page_token.as_deref();
            let list = with_retry(
                &self.policy,
                &self.gate,
                "drive.permissions.list",
                || async move {
                    let mut call = self
                        .hub
                        .permissions()
                        .list(file_id)
                        .param(
                            "fields",
                            "permissions(id,type,role,emailAddress,domain,deleted),nextPageToken",
                        )
                        .add_scope(scopes::DRIVE_FILE);
                    if let Some(t) = token {
                        call = call.page_token(t);
                    }
                    attempt!(self.policy, call, doit()).map(|(_, l)| l)
                },
            )
            .await?;
            Ok((list.permissions.unwrap_or_default(), list.next_page_token))
        })
        .await
    }

    /// A token marking "now" in the change log, for [`DriveApi::changes_since`].
    pub async fn changes_start_token(&self) -> Result<String, GoogleError> {
        let token = with_retry(
            &self.policy,
            &self.gate,
            "drive.changes.getStartPageToken",
            || async move {
                let call = self
                    .hub
                    .changes()
                    .get_start_page_token()
                    .add_scope(scopes::DRIVE_FILE);
                attempt!(self.policy, call, doit()).map(|(_, t)| t)
            },
        )
        .await?;
        token
            .start_page_token
            .ok_or_else(|| missing("startPageToken"))
    }

    /// Opens a push channel on the user's change list (`changes.watch` from a fresh start
    /// token): Google POSTs a `change` message to `address` with `X-Goog-Channel-Token: token`
    /// whenever the list grows. The daemon keeps its own position in the list; the channel
    /// only says "look now". `expires` is asked explicitly: without it the channel would live
    /// only as long as the API's default, and each renewal costs three calls; Google answers
    /// with the expiration it granted, which the caller keeps. Not idempotent (a channel id is
    /// unique): only a refusal is retried.
    pub async fn watch_changes(
        &self,
        channel_id: &str,
        address: &str,
        token: &str,
        expires: chrono::DateTime<chrono::Utc>,
    ) -> Result<OpenedChannel, GoogleError> {
        let start = self.changes_start_token().await?;
        let channel = Channel {
            id: Some(channel_id.to_string()),
            type_: Some("web_hook".to_string()),
            address: Some(address.to_string()),
            token: Some(token.to_string()),
            expiration: Some(expires.timestamp_millis()),
            ..Default::default()
        };
        let (channel, start) = (&channel, &start);
        let opened = retry_if(
            &self.policy,
            &self.gate,
            "drive.changes.watch",
            GoogleError::is_refusal,
            || async move {
                let call = self
                    .hub
                    .changes()
                    .watch(channel.clone(), start)
                    .add_scope(scopes::DRIVE_FILE);
                attempt!(self.policy, call, doit()).map(|(_, c)| c)
            },
        )
        .await?;
        OpenedChannel::from_answer("changes.watch", opened.resource_id, opened.expiration)
    }

    /// Stops a Drive push channel (Drive's own `channels.stop`).
    pub async fn stop_channel(
        &self,
        channel_id: &str,
        resource_id: &str,
    ) -> Result<(), GoogleError> {
        let channel = Channel {
            id: Some(channel_id.to_string()),
            resource_id: Some(resource_id.to_string()),
            ..Default::default()
        };
        let channel = &channel;
        with_retry(
            &self.policy,
            &self.gate,
            "drive.channels.stop",
            || async move {
                let call = self
                    .hub
                    .channels()
                    .stop(channel.clone())
                    .add_scope(scopes::DRIVE_FILE);
                attempt!(self.policy, call, doit()).map(drop)
            },
        )
        .await
    }

    /// Which files changed since `token` (all pages), and the token to use next time.
    pub async fn changes_since(&self, token: &str) -> Result<DriveChanges, GoogleError> {
        let mut file_ids: Vec<String> = Vec::new();
        let mut page = token.to_string();
        loop {
            let current = page.as_str();
            let list = with_retry(
                &self.policy,
                &self.gate,
                "drive.changes.list",
                || async move {
                    let call = self
                        .hub
                        .changes()
                        .list(current)
                        .page_size(1000)
                        .spaces("drive")
                        .param(
                            "fields",
                            "changes(fileId,removed,time),nextPageToken,newStartPageToken",
                        )
                        .add_scope(scopes::DRIVE_FILE);
                    attempt!(self.policy, call, doit()).map(|(_, l)| l)
                },
            )
            .await?;
            for id in list
                .changes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|c| c.file_id)
            {
                if !file_ids.contains(&id) {
                    file_ids.push(id);
                }
            }
            if let Some(new_start_token) = list.new_start_page_token {
                return Ok(DriveChanges {
                    file_ids,
                    new_start_token,
                });
            }
            match next_page(Some(page.clone()), list.next_page_token, "changes.list")? {
                Some(next) => page = next,
                None => return Err(missing("nextPageToken or newStartPageToken")),
            }
        }
    }

    /// One `files.create` of a content-less file. The crate offers only media uploads for this
    /// method, so an empty `text/plain` part rides along (Drive converts it to `mime`).
    async fn create(
        &self,
        name: &str,
        mime: &str,
        parent: Option<&str>,
        app_properties: &BTreeMap<String, String>,
    ) -> Result<File, GoogleError> {
        let metadata = File {
            name: Some(name.into()),
            mime_type: Some(mime.into()),
            parents: parent.map(|p| vec![p.to_string()]),
            app_properties: Some(app_properties.clone().into_iter().collect()),
            ..Default::default()
        };
        let metadata = &metadata;
        retry_if(
            &self.policy,
            &self.gate,
            "drive.files.create",
            GoogleError::is_refusal,
            || async move {
                let call = self
                    .hub
                    .files()
                    .create(metadata.clone())
                    .param("fields", FILE_FIELDS)
                    .add_scope(scopes::DRIVE_FILE);
                let empty = std::io::Cursor::new(Vec::<u8>::new());
                attempt!(self.policy, call, upload(empty, mime::TEXT_PLAIN)).map(|(_, file)| file)
            },
        )
        .await
    }

    /// All non-trashed files matching `query` (which must not mention `trashed`).
    async fn list_files(&self, query: &str) -> Result<Vec<File>, GoogleError> {
        let query = format!("{query} and trashed = false");
        let query = query.as_str();
        let fields = format!("files({FILE_FIELDS}),nextPageToken");
        let fields = fields.as_str();
        all_pages("files.list", |page_token| async move {
            let token = page_token.as_deref();
            let list = with_retry(
                &self.policy,
                &self.gate,
                "drive.files.list",
                || async move {
                    let mut call = self
                        .hub
                        .files()
                        .list()
                        .q(query)
                        .spaces("drive")
                        .order_by("createdTime")
                        .page_size(PAGE_SIZE)
                        .param("fields", fields)
                        .add_scope(scopes::DRIVE_FILE);
                    if let Some(t) = token {
                        call = call.page_token(t);
                    }
                    attempt!(self.policy, call, doit()).map(|(_, l)| l)
                },
            )
            .await?;
            Ok((list.files.unwrap_or_default(), list.next_page_token))
        })
        .await
    }
}

fn missing(what: &str) -> GoogleError {
    GoogleError::Permanent {
        code: None,
        reason: Some("incompleteResponse".into()),
        message: format!("the answer has no {what}"),
    }
}

/// A Drive query string literal: single-quoted, with `\` and `'` escaped.
pub fn query_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// `appProperties has { key='…' and value='…' }`, both sides escaped.
pub fn app_property_query(key: &str, value: &str) -> String {
    format!(
        "appProperties has {{ key={} and value={} }}",
        query_literal(key),
        query_literal(value)
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(query_literal("1:1 notes"), "'1:1 notes'");
        assert_eq!(query_literal("Bob's"), r"'Bob\'s'");
        assert_eq!(query_literal(r"a\b"), r"'a\\b'");
        assert_eq!(query_literal(""), "''");
    }

    #[test]
    fn app_property_query_has_googles_shape() {
        assert_eq!(
            app_property_query("oneononeSeries", "primary/abc'1"),
            r"appProperties has { key='oneononeSeries' and value='primary/abc\'1' }"
        );
    }

    #[test]
    fn roles_have_wire_names() {
        assert_eq!(Role::Writer.as_str(), "writer");
        assert_eq!(Role::Commenter.as_str(), "commenter");
        assert_eq!(Role::Reader.as_str(), "reader");
    }

    /// Undoes [`query_literal`] the way Drive's query parser reads it.
    fn unquote(lit: &str) -> Option<String> {
        let inner = lit.strip_prefix('\'')?.strip_suffix('\'')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push(chars.next()?),
                '\'' => return None, // an unescaped quote would end the literal early
                c => out.push(c),
            }
        }
        Some(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn literals_round_trip(s in ".*") {
            prop_assert_eq!(unquote(&query_literal(&s)), Some(s));
        }
    }
}
