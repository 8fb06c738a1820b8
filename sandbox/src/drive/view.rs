//! A file as one caller (user + app) sees it: the JSON Drive answers with — that app's
//! `appProperties` only, capabilities from the caller's role — and the view `q` is
//! evaluated against.

use super::query::Candidate;
use super::{root_id, DriveFile, Role, DOC_MIME, FOLDER_MIME};
use crate::caller::Caller;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A file as one caller sees it, for `q` evaluation.
pub(super) struct View<'a> {
    pub(super) file: &'a DriveFile,
    pub(super) caller: &'a Caller,
}

impl Candidate for View<'_> {
    fn name(&self) -> &str {
        &self.file.name
    }
    fn mime_type(&self) -> &str {
        &self.file.mime_type
    }
    fn trashed(&self) -> bool {
        self.file.trashed
    }
    fn starred(&self) -> bool {
        self.file.starred
    }
    fn shared_with_me(&self) -> bool {
        !self.file.owner.eq_ignore_ascii_case(&self.caller.email)
    }
    fn modified_time(&self) -> DateTime<Utc> {
        self.file.modified_time
    }
    fn created_time(&self) -> DateTime<Utc> {
        self.file.created_time
    }
    fn has_parent(&self, id: &str) -> bool {
        let id = if id == "root" {
            root_id(&self.caller.email)
        } else {
            id.to_string()
        };
        self.file.parents.contains(&id)
    }
    fn is_owner(&self, email: &str) -> bool {
        self.file.role_of(email) == Some(Role::Owner)
    }
    fn is_writer(&self, email: &str) -> bool {
        self.file.role_of(email) >= Some(Role::Writer)
    }
    fn is_reader(&self, email: &str) -> bool {
        self.file.role_of(email).is_some()
    }
    fn app_property(&self, key: &str) -> Option<&str> {
        self.file
            .app_properties
            .get(&self.caller.client_id)?
            .get(key)
            .map(String::as_str)
    }
}

/// The full JSON of `file` as `caller` (holding `role`) sees it; `fields` masks it later.
pub fn file_json(file: &DriveFile, caller: &Caller, role: Role) -> Value {
    let me = caller.email.to_lowercase();
    let can_edit = role >= Role::Writer;
    let mut v = json!({
        "kind": "drive#file",
        "id": file.id,
        "name": file.name,
        "mimeType": file.mime_type,
        "parents": file.parents,
        "starred": file.starred,
        "trashed": file.trashed,
        "explicitlyTrashed": file.trashed,
        "spaces": ["drive"],
        "version": file.version.to_string(),
        "webViewLink": web_view_link(file),
        "iconLink": format!("https://drive-thirdparty.googleusercontent.com/16/type/{}", file.mime_type),
        "createdTime": rfc3339(file.created_time),
        "modifiedTime": rfc3339(file.modified_time),
        "owners": [{
            "kind": "drive#user",
            "displayName": file.owner_name,
            "emailAddress": file.owner,
            "me": file.owner.to_lowercase() == me,
            "permissionId": super::user_permission_id(&file.owner),
        }],
        "ownedByMe": file.owner.to_lowercase() == me,
        "shared": file.permissions.len() > 1,
        "writersCanShare": true,
        "viewersCanCopyContent": true,
        "capabilities": {
            "canEdit": can_edit,
            "canComment": role >= Role::Commenter,
            "canShare": can_edit,
            "canRename": can_edit,
            "canTrash": can_edit,
            "canAddChildren": can_edit && file.mime_type == FOLDER_MIME,
            "canDownload": true,
        },
        "permissionIds": file.permissions.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(d) = &file.description {
            obj.insert("description".into(), json!(d));
        }
        if let Some(size) = file.size {
            obj.insert("size".into(), json!(size.to_string()));
        }
        if let Some(props) = file
            .app_properties
            .get(&caller.client_id)
            .filter(|p| !p.is_empty())
        {
            obj.insert("appProperties".into(), json!(props));
        }
        if can_edit {
            let perms: Vec<Value> = file
                .permissions
                .iter()
                .map(super::permissions::permission_json)
                .collect();
            obj.insert("permissions".into(), Value::Array(perms));
        }
    }
    v
}

/// Drive's `webViewLink` ("a link for opening the file in a relevant Google editor or viewer in
/// a browser", Files resource reference). Links handed out through the API carry
/// `usp=drivesdk` ("usp=drivesdk is given when you get a link using the Drive SDK",
/// devpeace.com/google-docs-api/30624321), so a client that builds the URL by hand does not
/// match what Google gives.
fn web_view_link(file: &DriveFile) -> String {
    match file.mime_type.as_str() {
        DOC_MIME => format!(
            "https://docs.google.com/document/d/{}/edit?usp=drivesdk",
            file.id
        ),
        FOLDER_MIME => format!("https://drive.google.com/drive/folders/{}", file.id),
        _ => format!(
            "https://drive.google.com/file/d/{}/view?usp=drivesdk",
            file.id
        ),
    }
}
