//! People's names from the Workspace directory (issue 11), for doc titles, section headings,
//! action-item owners and carried lines.
//!
//! Calendar often gives only an address ("Alice Moreau / Bob" titles), so when
//! `names.directory` is on each person's directory name is asked once per `names.refresh`
//! (People API `people.searchDirectoryPeople`, [`crate::google::PeopleApi`]) and cached in the
//! store (`directory_names`). The order is: the directory's name, else Calendar's
//! `displayName`, else the address's local part (what [`super::series::load`] already chose).
//! A directory that cannot be asked (scope not granted, a person outside the domain, Google
//! down) never stops a pass: the fallback is used, and a refusal is remembered for the refresh
//! period so it is not asked again every pass. Names people wrote in the doc are never
//! changed: only what the daemon writes from now on uses these.

use super::series::SeriesView;
use super::Reconciler;
use crate::google::{Clients, GoogleError};
use chrono::{DateTime, Duration, Utc};

/// Puts directory names into the views of this pass (served user and other person).
pub(super) async fn apply(
    r: &Reconciler<'_>,
    clients: &Clients,
    views: &mut [SeriesView],
    now: DateTime<Utc>,
) {
    if !r.config.names.directory {
        return;
    }
    for view in views.iter_mut() {
        if let Some(name) = directory_name(r, clients, &view.user, now).await {
            view.organizer_name = name;
        }
        if let Some(name) = directory_name(r, clients, &view.other_email, now).await {
            view.other_name = name;
        }
    }
}

/// The directory's name of `email`: from the cache while it is fresh, else asked.
async fn directory_name(
    r: &Reconciler<'_>,
    clients: &Clients,
    email: &str,
    now: DateTime<Utc>,
) -> Option<String> {
    let cached = r.store(|s| s.directory_name(email)).ok().flatten();
    let refresh = Duration::from_std(r.config.names.refresh).unwrap_or(Duration::days(7));
    if let Some(c) = cached.as_ref().filter(|c| now < c.fetched_at + refresh) {
        return c.name.clone();
    }
    let stale = cached.and_then(|c| c.name);
    match clients.people.directory_name(email).await {
        Ok(found) => {
            remember(r, email, found.as_deref(), now);
            found
        }
        Err(e) => {
            if refused(&e) {
                // Not granted or not allowed: asking again each pass would only fail again.
                tracing::warn!(user = %clients.user, person = email, error = %e,
                    "cannot read the directory; using Calendar's name or the address \
                     (grant https://www.googleapis.com/auth/directory.readonly, or set \
                     names.directory = false)");
                remember(r, email, stale.as_deref(), now);
            } else {
                tracing::debug!(person = email, error = %e, "directory lookup failed; trying again next pass");
            }
            stale
        }
    }
}

fn refused(e: &GoogleError) -> bool {
    matches!(
        e,
        GoogleError::Forbidden { .. }
            | GoogleError::Unauthorized { .. }
            | GoogleError::Permanent { .. }
            | GoogleError::NotFound { .. }
    )
}

fn remember(r: &Reconciler<'_>, email: &str, name: Option<&str>, now: DateTime<Utc>) {
    if let Err(e) = r.store(|s| s.set_directory_name(email, name, now)) {
        tracing::warn!(person = email, error = %e, "could not cache the directory name");
    }
}
