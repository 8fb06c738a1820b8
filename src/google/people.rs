//! People API v1: a colleague's name from the Workspace directory (`people.searchDirectoryPeople`,
//! scope `directory.readonly`).
//!
//! Why search and not `people.getBatchGet`: the daemon knows people by e-mail address, and
//! `getBatchGet` takes resource names (`people/<id>`) that only a search yields. One search per
//! address, with the address as the prefix query, restricted to the domain's user profiles
//! (`DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE`), asking only for `names,emailAddresses`. The hit
//! whose e-mail equals the address is taken (a prefix also matches `bob@` for `bo`), and its
//! primary name's `displayName`. Results are cached by the caller ([`crate::reconcile::names`]),
//! so this runs once per person per refresh period.

use google_people1::{FieldMask, PeopleService};

use super::attempt::attempt;
use super::connector::HttpsConnector;
use super::errors::GoogleError;
use super::quota::Gate;
use super::retry::{with_retry, RetryPolicy};
use super::scopes;

/// The directory source of the domain's own user accounts.
const DOMAIN_PROFILE: &str = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE";

/// People API as one served user.
pub struct PeopleApi {
    hub: PeopleService<HttpsConnector>,
    policy: RetryPolicy,
}

impl PeopleApi {
    pub(crate) fn new(hub: PeopleService<HttpsConnector>, policy: RetryPolicy) -> Self {
        PeopleApi { hub, policy }
    }

    /// The directory's display name of `email`, `None` when the directory has no profile
    /// with exactly that address (someone outside the domain, a group, a typo).
    pub async fn directory_name(&self, email: &str) -> Result<Option<String>, GoogleError> {
        let found = with_retry(
            &self.policy,
            &Gate::unmetered(),
            "people.people.searchDirectoryPeople",
            || async move {
                let call = self
                    .hub
                    .people()
                    .search_directory_people()
                    .query(email)
                    .read_mask(FieldMask::new(&["names", "emailAddresses"]))
                    .add_sources(DOMAIN_PROFILE)
                    .page_size(10)
                    .add_scope(scopes::DIRECTORY_READONLY);
                let (_, found) = attempt!(self.policy, call, doit())?;
                Ok(found)
            },
        )
        .await?;
        let person = found.people.unwrap_or_default().into_iter().find(|p| {
            p.email_addresses.iter().flatten().any(|e| {
                e.value
                    .as_deref()
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case(email.trim()))
            })
        });
        let names = person.and_then(|p| p.names).unwrap_or_default();
        let primary = names
            .iter()
            .find(|n| n.metadata.as_ref().and_then(|m| m.primary).unwrap_or(false))
            .or(names.first());
        Ok(primary
            .and_then(|n| n.display_name.clone())
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()))
    }
}
