//! `permissions.create`, `permissions.list` and `permissions.delete`: sharing a file with a
//! user, a group, a whole domain or anyone. Only owners and writers may share; an owner
//! permission needs `transferOwnership=true` and demotes the previous owner to writer.

use super::{insufficient, user_permission_id, DriveState, Grantee, Permission, Role};
use crate::caller::Caller;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Query parameters of `permissions.create`.
#[derive(Debug, Clone, Default)]
pub struct CreateParams {
    /// `sendNotificationEmail`; Drive's default is to notify users and groups.
    pub send_notification_email: Option<bool>,
    pub email_message: Option<String>,
    pub transfer_ownership: bool,
}

/// A permission's JSON as `permissions.list` returns it.
pub fn permission_json(p: &Permission) -> Value {
    let mut v = json!({
        "kind": "drive#permission",
        "id": p.id,
        "role": p.role.as_str(),
        "deleted": false,
        "pendingOwner": false,
    });
    match &p.grantee {
        Grantee::User { email } => {
            v["type"] = json!("user");
            v["emailAddress"] = json!(email);
        }
        Grantee::Group { email } => {
            v["type"] = json!("group");
            v["emailAddress"] = json!(email);
        }
        Grantee::Domain { domain } => {
            v["type"] = json!("domain");
            v["domain"] = json!(domain);
            v["allowFileDiscovery"] = json!(false);
        }
        Grantee::Anyone => {
            v["type"] = json!("anyone");
            v["allowFileDiscovery"] = json!(false);
        }
    }
    v
}

fn required(field: &str) -> ApiError {
    ApiError::bad_request(
        "required",
        format!("The permission {field} field is required for this permission type."),
    )
}

fn grantee_from(body: &Value) -> Result<Grantee, ApiError> {
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let kind = text("type").ok_or_else(|| required("type"))?;
    match kind {
        "user" | "group" => {
            let email = text("emailAddress").ok_or_else(|| required("emailAddress"))?;
            if !email.contains('@') {
                return Err(ApiError::bad_request(
                    "invalid",
                    format!("Invalid Value: emailAddress '{email}' is not an email address."),
                ));
            }
            let email = email.to_string();
            Ok(if kind == "user" {
                Grantee::User { email }
            } else {
                Grantee::Group { email }
            })
        }
        "domain" => Ok(Grantee::Domain {
            domain: text("domain")
                .ok_or_else(|| required("domain"))?
                .to_string(),
        }),
        "anyone" => Ok(Grantee::Anyone),
        other => Err(ApiError::bad_request(
            "invalid",
            format!(
                "Invalid Value: permission type '{other}'; expected user, group, domain or anyone."
            ),
        )),
    }
}

fn same_grantee(a: &Grantee, b: &Grantee) -> bool {
    match (a, b) {
        (Grantee::User { email: x }, Grantee::User { email: y })
        | (Grantee::Group { email: x }, Grantee::Group { email: y })
        | (Grantee::Domain { domain: x }, Grantee::Domain { domain: y }) => {
            x.eq_ignore_ascii_case(y)
        }
        (Grantee::Anyone, Grantee::Anyone) => true,
        _ => false,
    }
}

fn permission_id(g: &Grantee) -> String {
    match g {
        Grantee::User { email } | Grantee::Group { email } => user_permission_id(email),
        Grantee::Domain { domain } => format!("{}k", user_permission_id(domain)),
        Grantee::Anyone => "anyoneWithLink".to_string(),
    }
}

impl DriveState {
    fn shareable(&self, file_id: &str, caller: &Caller) -> Result<(), ApiError> {
        let (_, role) = self.visible(file_id, caller)?;
        if role < Role::Writer {
            return Err(insufficient("sharing needs writer access"));
        }
        Ok(())
    }

    /// `permissions.create`. Granting a grantee that already has a permission updates it.
    pub fn create_permission(
        &mut self,
        file_id: &str,
        caller: &Caller,
        body: &Value,
        params: &CreateParams,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        self.shareable(file_id, caller)?;
        let grantee = grantee_from(body)?;
        let role_text = body
            .get("role")
            .and_then(Value::as_str)
            .ok_or_else(|| required("role"))?;
        let role = Role::parse(role_text).ok_or_else(|| {
            ApiError::bad_request(
                "invalid",
                format!("Invalid Value: role '{role_text}'; expected reader, commenter, writer or owner."),
            )
        })?;
        let file = self
            .files
            .get_mut(file_id)
            .ok_or_else(|| super::not_found(file_id))?;
        let mut audience = file.explicit_users();
        if role == Role::Owner {
            if !params.transfer_ownership {
                return Err(ApiError::forbidden(
                    "forbidden",
                    "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
                ));
            }
            let Grantee::User { email } = &grantee else {
                return Err(ApiError::bad_request(
                    "invalidSharingRequest",
                    "Ownership can only be transferred to a user.",
                ));
            };
            if !file.owner.eq_ignore_ascii_case(&caller.email) {
                return Err(insufficient("only the owner can transfer ownership"));
            }
            for p in file
                .permissions
                .iter_mut()
                .filter(|p| p.role == Role::Owner)
            {
                p.role = Role::Writer;
            }
            file.owner = email.clone();
            // The new owner's display name is unknown here; the email stands in.
            file.owner_name = email.clone();
        }
        let notify_default = matches!(grantee, Grantee::User { .. } | Grantee::Group { .. });
        let notified = params.send_notification_email.unwrap_or(notify_default);
        let permission = match file
            .permissions
            .iter_mut()
            .find(|p| same_grantee(&p.grantee, &grantee))
        {
            Some(existing) => {
                existing.role = role;
                existing.notified |= notified;
                existing.clone()
            }
            None => {
                let p = Permission {
                    id: permission_id(&grantee),
                    grantee,
                    role,
                    notified,
                    email_message: params.email_message.clone(),
                };
                file.permissions.push(p.clone());
                p
            }
        };
        audience.extend(file.explicit_users());
        file.version += 1;
        file.modified_time = now;
        self.record_change(file_id, now, audience);
        Ok(permission_json(&permission))
    }

    /// `permissions.list` (not paged: a file has few permissions).
    pub fn list_permissions(&self, file_id: &str, caller: &Caller) -> Result<Value, ApiError> {
        self.shareable(file_id, caller)?;
        let file = self
            .files
            .get(file_id)
            .ok_or_else(|| super::not_found(file_id))?;
        let perms: Vec<Value> = file.permissions.iter().map(permission_json).collect();
        Ok(json!({"kind": "drive#permissionList", "permissions": perms}))
    }

    /// `permissions.delete`. The owner's permission cannot be deleted.
    pub fn delete_permission(
        &mut self,
        file_id: &str,
        permission_id: &str,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.shareable(file_id, caller)?;
        let file = self
            .files
            .get_mut(file_id)
            .ok_or_else(|| super::not_found(file_id))?;
        let index = file
            .permissions
            .iter()
            .position(|p| p.id == permission_id)
            .ok_or_else(|| {
                ApiError::not_found(format!("Permission not found: {permission_id}."))
            })?;
        if file
            .permissions
            .get(index)
            .is_some_and(|p| p.role == Role::Owner)
        {
            return Err(ApiError::forbidden(
                "cannotDeletePermission",
                "The owner of a file cannot be removed.",
            ));
        }
        let audience = file.explicit_users();
        file.permissions.remove(index);
        file.version += 1;
        file.modified_time = now;
        self.record_change(file_id, now, audience);
        Ok(())
    }
}
