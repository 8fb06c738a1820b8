//! `files.create`, `files.get`, `files.list` and `files.update`.
//!
//! Creation is split in two ([`DriveState::plan_create`] then [`DriveState::insert_planned`])
//! so the HTTP layer can create the Docs document between validation and insertion and use
//! its id: a Google Doc has one id in Drive and Docs.

use super::query::Query;
use super::view::View;
pub use super::view::{file_json, rfc3339};
use super::{insufficient, not_found, root_id, DriveFile, DriveState, Role, DOC_MIME, FOLDER_MIME};
use crate::caller::Caller;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Drive's limit on one app property: key plus value, in UTF-8 bytes.
const MAX_PROPERTY_BYTES: usize = 124;
/// Drive's limit on properties per app and file.
const MAX_PROPERTIES: usize = 30;
const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 1000;

/// A validated `files.create` request, waiting for its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub name: String,
    pub mime_type: String,
    pub parents: Vec<String>,
    pub description: Option<String>,
    pub app_properties: BTreeMap<String, String>,
    pub starred: bool,
    pub size: Option<u64>,
}

impl PlannedFile {
    /// Whether the Docs API must hold a document for it.
    pub fn is_google_doc(&self) -> bool {
        self.mime_type == DOC_MIME
    }
}

/// Query parameters of `files.list`.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub q: Option<String>,
    pub page_size: Option<String>,
    pub page_token: Option<String>,
    /// Simulated now, for the search lag ([`DriveState::search_lag_seconds`]); `None` lists
    /// as if the index were always current.
    pub now: Option<DateTime<Utc>>,
}

/// Query parameters of `files.update`.
#[derive(Debug, Clone, Default)]
pub struct UpdateParams {
    pub add_parents: Option<String>,
    pub remove_parents: Option<String>,
}

fn invalid(location: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid", format!("Invalid Value: {location}: {message}"))
}

fn string_field(meta: &Value, key: &str) -> Result<Option<String>, ApiError> {
    match meta.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(invalid(key, format!("expected a string, got {other}"))),
    }
}

/// Validates an `appProperties` object: string values (or `null` to delete when `allow_null`),
/// within Drive's size limits.
fn app_properties(
    meta: &Value,
    allow_null: bool,
) -> Result<Option<BTreeMap<String, Option<String>>>, ApiError> {
    let map = match meta.get("appProperties") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(map)) => map,
        Some(other) => {
            return Err(invalid(
                "appProperties",
                format!("expected an object, got {other}"),
            ))
        }
    };
    let mut out = BTreeMap::new();
    for (key, value) in map {
        let value = match value {
            Value::String(s) => Some(s.clone()),
            Value::Null if allow_null => None,
            Value::Null => continue,
            other => {
                return Err(invalid(
                    "appProperties",
                    format!("value of {key} must be a string, got {other}"),
                ))
            }
        };
        let size = key.len() + value.as_deref().map_or(0, str::len);
        if key.is_empty() || size > MAX_PROPERTY_BYTES {
            return Err(ApiError::bad_request(
                "invalidProperty",
                format!("The property {key} is empty or exceeds {MAX_PROPERTY_BYTES} bytes (key plus value)."),
            ));
        }
        out.insert(key.clone(), value);
    }
    Ok(Some(out))
}

impl DriveState {
    /// Resolves `root` and checks that `id` is a folder the caller may add children to.
    fn resolve_parent(&self, id: &str, caller: &Caller) -> Result<String, ApiError> {
        let root = root_id(&caller.email);
        if id == "root" || id == root {
            return Ok(root);
        }
        let (folder, role) = self.visible(id, caller)?;
        if folder.mime_type != FOLDER_MIME {
            return Err(ApiError::bad_request(
                "invalidParent",
                format!("The parent {id} is not a folder."),
            ));
        }
        if role < Role::Writer {
            return Err(insufficient(
                "adding to the parent folder needs writer access",
            ));
        }
        Ok(folder.id.clone())
    }

    /// Validates a `files.create` body. `media` is the uploaded part's type and length.
    pub fn plan_create(
        &self,
        caller: &Caller,
        meta: &Value,
        media: Option<(&str, u64)>,
    ) -> Result<PlannedFile, ApiError> {
        if !meta.is_object() && !meta.is_null() {
            return Err(invalid("body", "the file metadata must be a JSON object"));
        }
        let mime_type = string_field(meta, "mimeType")?
            .or_else(|| media.map(|(m, _)| m.to_string()))
            .unwrap_or_else(|| "application/octet-stream".to_string());
        let parents = match meta.get("parents") {
            None | Some(Value::Null) => vec![root_id(&caller.email)],
            Some(Value::Array(ids)) => {
                if ids.len() > 1 {
                    return Err(ApiError::forbidden(
                        "cannotAddParent",
                        "Increasing the number of parents is not allowed.",
                    ));
                }
                let mut out = Vec::new();
                for id in ids {
                    let id = id
                        .as_str()
                        .ok_or_else(|| invalid("parents", "parent ids must be strings"))?;
                    out.push(self.resolve_parent(id, caller)?);
                }
                if out.is_empty() {
                    vec![root_id(&caller.email)]
                } else {
                    out
                }
            }
            Some(other) => return Err(invalid("parents", format!("expected a list, got {other}"))),
        };
        let props = app_properties(meta, false)?.unwrap_or_default();
        if props.len() > MAX_PROPERTIES {
            return Err(ApiError::bad_request(
                "invalidProperty",
                format!("At most {MAX_PROPERTIES} appProperties per app are allowed."),
            ));
        }
        let google_native = mime_type.starts_with("application/vnd.google-apps.");
        Ok(PlannedFile {
            name: string_field(meta, "name")?.unwrap_or_else(|| "Untitled".to_string()),
            mime_type,
            parents,
            description: string_field(meta, "description")?,
            app_properties: props
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect(),
            starred: meta
                .get("starred")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            size: media.filter(|_| !google_native).map(|(_, len)| len),
        })
    }

    /// Inserts a planned file under `id`, owned by the caller, and returns its JSON.
    pub fn insert_planned(
        &mut self,
        plan: PlannedFile,
        id: String,
        caller: &Caller,
        owner_name: &str,
        now: DateTime<Utc>,
    ) -> Value {
        let mut file = DriveFile::new_owned(
            id,
            plan.name,
            plan.mime_type,
            &caller.email,
            owner_name,
            &caller.client_id,
            now,
        );
        file.parents = plan.parents;
        file.description = plan.description;
        file.starred = plan.starred;
        file.size = plan.size;
        if !plan.app_properties.is_empty() {
            file.app_properties
                .insert(caller.client_id.clone(), plan.app_properties);
        }
        let json = file_json(&file, caller, Role::Owner);
        self.insert_new(file, now);
        json
    }

    /// `files.get`.
    pub fn get(&self, id: &str, caller: &Caller) -> Result<Value, ApiError> {
        let (file, role) = self.visible(id, caller)?;
        Ok(file_json(file, caller, role))
    }

    /// `files.list`: every file the caller may see that matches `q`, in id order, paged.
    pub fn list(&self, caller: &Caller, params: &ListParams) -> Result<Value, ApiError> {
        let query = match params.q.as_deref().filter(|q| !q.trim().is_empty()) {
            Some(q) => {
                Some(Query::parse(q).map_err(|e| ApiError::bad_request("invalid", e.to_string()))?)
            }
            None => None,
        };
        let page_size = parse_page_size(params.page_size.as_deref())?;
        let offset = match params.page_token.as_deref() {
            None | Some("") => 0,
            Some(t) => t
                .strip_prefix("files:")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| {
                    invalid(
                        "pageToken",
                        format!("'{t}' is not a page token of this listing"),
                    )
                })?,
        };
        let lagging = |f: &DriveFile| match (&query, params.now) {
            (Some(_), Some(now)) => self.not_yet_indexed(f, now),
            _ => false,
        };
        let matching: Vec<(&DriveFile, Role)> = self
            .files
            .values()
            .filter(|f| !lagging(f))
            .filter_map(|f| f.caller_role(caller).map(|r| (f, r)))
            .filter(|(f, _)| {
                query
                    .as_ref()
                    .is_none_or(|q| q.matches(&View { file: f, caller }))
            })
            .collect();
        let page: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(page_size)
            .map(|(f, r)| file_json(f, caller, *r))
            .collect();
        let mut out = json!({"kind": "drive#fileList", "incompleteSearch": false, "files": page});
        if offset + page_size < matching.len() {
            out["nextPageToken"] = json!(format!("files:{}", offset + page_size));
        }
        Ok(out)
    }

    /// Whether `f` is too new for Drive's search index at `now`: a file created less than
    /// [`DriveState::search_lag_seconds`] ago is missing from `files.list` queries, as Drive
    /// search is not read-after-write (kopia/kopia#90: a folder created seconds before is not
    /// found by `q`; googleapis/google-api-php-client#1564: new folders show up after 5–15 s).
    /// `files.get` by id never lags.
    pub fn not_yet_indexed(&self, f: &DriveFile, now: DateTime<Utc>) -> bool {
        self.search_lag_seconds > 0
            && now.signed_duration_since(f.created_time)
                < chrono::Duration::seconds(
                    i64::try_from(self.search_lag_seconds).unwrap_or(i64::MAX),
                )
    }

    /// `files.update` (PATCH). Returns the file's JSON and, when the name changed, the new
    /// name (so the HTTP layer can retitle the Docs document).
    pub fn update(
        &mut self,
        id: &str,
        caller: &Caller,
        body: &Value,
        params: &UpdateParams,
        now: DateTime<Utc>,
    ) -> Result<(Value, Option<String>), ApiError> {
        let (_, role) = self.visible(id, caller)?;
        if !body.is_object() && !body.is_null() {
            return Err(invalid("body", "the file metadata must be a JSON object"));
        }
        if body.get("parents").is_some_and(|p| !p.is_null()) {
            return Err(ApiError::forbidden(
                "fieldNotWritable",
                "The resource body includes fields which are not directly writable. Use addParents and removeParents to change parents.",
            ));
        }
        let name = string_field(body, "name")?;
        let description = string_field(body, "description")?;
        let props = app_properties(body, true)?;
        let trashed = body.get("trashed").and_then(Value::as_bool);
        let starred = body.get("starred").and_then(Value::as_bool);
        let wants_write = name.is_some()
            || description.is_some()
            || props.is_some()
            || trashed.is_some()
            || params.add_parents.is_some()
            || params.remove_parents.is_some();
        if wants_write && role < Role::Writer {
            return Err(insufficient("changing a file needs writer access"));
        }
        let split = |s: &Option<String>| -> Vec<String> {
            s.as_deref()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut added = Vec::new();
        for parent in split(&params.add_parents) {
            added.push(self.resolve_parent(&parent, caller)?);
        }
        let removed: Vec<String> = split(&params.remove_parents)
            .into_iter()
            .map(|p| {
                if p == "root" {
                    root_id(&caller.email)
                } else {
                    p
                }
            })
            .collect();

        let file = self.files.get_mut(id).ok_or_else(|| not_found(id))?;
        if let Some(props) = props {
            let mut mine = file
                .app_properties
                .get(&caller.client_id)
                .cloned()
                .unwrap_or_default();
            for (k, v) in props {
                match v {
                    Some(v) => mine.insert(k, v),
                    None => mine.remove(&k),
                };
            }
            if mine.len() > MAX_PROPERTIES {
                return Err(ApiError::bad_request(
                    "invalidProperty",
                    format!("At most {MAX_PROPERTIES} appProperties per app are allowed."),
                ));
            }
            file.app_properties.insert(caller.client_id.clone(), mine);
        }
        let renamed = name.filter(|n| *n != file.name);
        if let Some(n) = &renamed {
            file.name = n.clone();
        }
        if let Some(d) = description {
            file.description = Some(d);
        }
        if let Some(t) = trashed {
            file.trashed = t;
        }
        if let Some(s) = starred {
            file.starred = s;
        }
        file.parents.retain(|p| !removed.contains(p));
        for p in added {
            if !file.parents.contains(&p) {
                file.parents.push(p);
            }
        }
        self.touch(id, now);
        let (file, role) = self.visible(id, caller)?;
        Ok((file_json(file, caller, role), renamed))
    }
}

pub(super) fn parse_page_size(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw {
        None | Some("") => Ok(DEFAULT_PAGE_SIZE),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
            _ => Err(invalid(
                "pageSize",
                format!("'{s}' must be an integer between 1 and {MAX_PAGE_SIZE}"),
            )),
        },
    }
}
