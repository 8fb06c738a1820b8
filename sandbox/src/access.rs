//! Which OAuth scopes allow which method, as Google's discovery documents list them.
//!
//! The daemon asks for least-privilege scopes (`calendar.events`, `documents`, `drive.file`), and
//! the crates' defaults are often different ones; enforcing the real table is what makes a
//! forgotten `.add_scope(...)` fail here the way it would fail against Google.

/// The scopes (short form, without `https://www.googleapis.com/auth/`) that allow `method`, or
/// `None` for a method the sandbox does not know (treated as "no scope allows it").
pub fn scopes_for(method: &str) -> Option<&'static [&'static str]> {
    const CAL_READ: &[&str] = &[
        "calendar",
        "calendar.readonly",
        "calendar.events",
        "calendar.events.readonly",
        "calendar.events.owned",
        "calendar.events.owned.readonly",
        "calendar.app.created",
    ];
    const CAL_WRITE: &[&str] = &[
        "calendar",
        "calendar.events",
        "calendar.events.owned",
        "calendar.app.created",
    ];
    const CAL_CALENDARS: &[&str] = &[
        "calendar",
        "calendar.readonly",
        "calendar.calendars",
        "calendar.calendars.readonly",
        "calendar.app.created",
    ];
    const DOCS_READ: &[&str] = &[
        "documents",
        "documents.readonly",
        "drive",
        "drive.file",
        "drive.readonly",
    ];
    const DOCS_WRITE: &[&str] = &["documents", "drive", "drive.file"];
    const DRIVE_READ: &[&str] = &[
        "drive",
        "drive.appdata",
        "drive.file",
        "drive.meet.readonly",
        "drive.metadata",
        "drive.metadata.readonly",
        "drive.photos.readonly",
        "drive.readonly",
    ];
    const DRIVE_CREATE: &[&str] = &["drive", "drive.appdata", "drive.file"];
    const DRIVE_UPDATE: &[&str] = &[
        "drive",
        "drive.appdata",
        "drive.file",
        "drive.metadata",
        "drive.scripts",
    ];
    const DRIVE_SHARE: &[&str] = &["drive", "drive.file"];
    const DRIVE_PERMISSIONS_READ: &[&str] = &[
        "drive",
        "drive.file",
        "drive.metadata",
        "drive.metadata.readonly",
        "drive.photos.readonly",
        "drive.readonly",
    ];
    // Tasks v1 reference, "Authorization scopes" of each method: reads accept `tasks` or
    // `tasks.readonly`, writes only `tasks`
    // (https://developers.google.com/workspace/tasks/reference/rest/v1/tasks/list).
    const TASKS_READ: &[&str] = &["tasks", "tasks.readonly"];
    const TASKS_WRITE: &[&str] = &["tasks"];
    Some(match method {
        "tasks.tasklists.list" | "tasks.tasks.list" | "tasks.tasks.get" => TASKS_READ,
        "tasks.tasklists.insert"
        | "tasks.tasks.insert"
        | "tasks.tasks.patch"
        | "tasks.tasks.delete" => TASKS_WRITE,
        "calendar.calendars.get" => CAL_CALENDARS,
        "calendar.events.list"
        | "calendar.events.get"
        | "calendar.events.instances"
        | "calendar.events.watch"
        | "calendar.channels.stop" => CAL_READ,
        "calendar.events.insert"
        | "calendar.events.patch"
        | "calendar.events.update"
        | "calendar.events.delete" => CAL_WRITE,
        "docs.documents.get" => DOCS_READ,
        "docs.documents.create" | "docs.documents.batchUpdate" => DOCS_WRITE,
        "drive.files.get" | "drive.files.list" => DRIVE_READ,
        "drive.changes.getStartPageToken"
        | "drive.changes.list"
        | "drive.changes.watch"
        | "drive.channels.stop" => DRIVE_READ,
        "drive.files.create" => DRIVE_CREATE,
        "drive.files.update" => DRIVE_UPDATE,
        "drive.permissions.create" | "drive.permissions.delete" => DRIVE_SHARE,
        "drive.permissions.list" => DRIVE_PERMISSIONS_READ,
        // People API: searchDirectoryPeople lists exactly this one scope.
        "people.people.searchDirectoryPeople" => &["directory.readonly"],
        _ => return None,
    })
}

/// The prefix Google puts before every short scope name.
pub const SCOPE_PREFIX: &str = "https://www.googleapis.com/auth/";

/// Whether a token with `granted` (full scope URLs) may call `method`.
pub fn allows<'a>(method: &str, granted: impl IntoIterator<Item = &'a String>) -> bool {
    let Some(allowed) = scopes_for(method) else {
        return false;
    };
    granted.into_iter().any(|scope| {
        scope
            .strip_prefix(SCOPE_PREFIX)
            .is_some_and(|short| allowed.contains(&short))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(short: &str) -> String {
        format!("{SCOPE_PREFIX}{short}")
    }

    #[test]
    fn least_privilege_scopes_cover_the_daemons_calls() {
        let daemon = [
            full("calendar.events"),
            full("documents"),
            full("drive.file"),
        ];
        for method in [
            "calendar.events.list",
            "calendar.events.patch",
            "docs.documents.get",
            "docs.documents.batchUpdate",
            "drive.files.create",
            "drive.files.list",
            "drive.permissions.create",
            "drive.changes.list",
        ] {
            assert!(allows(method, &daemon), "{method}");
        }
    }

    #[test]
    fn readonly_scopes_do_not_allow_writes() {
        let ro = [
            full("calendar.events.owned.readonly"),
            full("documents.readonly"),
        ];
        assert!(!allows("calendar.events.patch", &ro));
        assert!(!allows("docs.documents.batchUpdate", &ro));
        assert!(allows("docs.documents.get", &ro));
        assert!(!allows("drive.files.create", &ro));
    }

    #[test]
    fn unknown_methods_and_foreign_scopes_are_refused() {
        assert!(!allows("calendar.acl.list", &[full("calendar")]));
        assert!(!allows("docs.documents.get", &["documents".to_string()]));
    }
}
