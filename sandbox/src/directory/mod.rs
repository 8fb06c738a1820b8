//! The People API's directory search (People API v1 `people.searchDirectoryPeople`): the
//! domain profiles of the caller's Workspace domain whose names or e-mail addresses start
//! with a query. Not to be confused with [`crate::people`], the simulated humans who use the
//! sandbox.
//!
//! Google's reference (developers.google.com/people/api/rest/v1/people/searchDirectoryPeople):
//! `GET https://people.googleapis.com/v1/people:searchDirectoryPeople` "Provides a list of
//! domain profiles and domain contacts in the authenticated user's domain directory that match
//! the search query"; `query` is "Required. Prefix query that matches fields in the person.
//! Does NOT use the read_mask for determining what fields to match."; `readMask` is
//! "Required. A field mask to restrict which fields on each person are returned" (values such
//! as `names`, `emailAddresses`, `metadata`); `sources[]` is "Required. Directory sources to
//! return." (`DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE`, `…_DOMAIN_CONTACT`); `pageSize`
//! "Valid values are between 1 and 500, inclusive. Defaults to 100 if not set or set to 0.";
//! the answer is `{"people": [Person], "nextPageToken", "totalSize"}`; the scope is
//! `https://www.googleapis.com/auth/directory.readonly`. A person's `names[]` carry
//! `displayName`, `givenName`, `familyName` and `metadata.primary`; `emailAddresses[]` carry
//! `value` and `metadata.primary`.
//!
//! The sandbox's directory is its users ([`crate::state::World::users`]); only those in the
//! caller's own domain are domain profiles (a partner's address is not in your directory).
//! Domain contacts (shared external contacts an admin adds) are not modelled: that source
//! answers nothing.

mod http;

pub use http::routes;

use serde_json::{json, Value};

use crate::state::User;

/// `DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE`: the domain's user accounts.
pub const DOMAIN_PROFILE: &str = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE";
/// `DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT`: contacts an admin shares with the domain.
pub const DOMAIN_CONTACT: &str = "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT";

/// The `readMask` fields the sandbox can fill; Google accepts more (they come back absent).
const KNOWN_FIELDS: &[&str] = &[
    "addresses",
    "ageRanges",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "coverPhotos",
    "emailAddresses",
    "events",
    "externalIds",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "metadata",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "photos",
    "relations",
    "sipAddresses",
    "skills",
    "urls",
    "userDefined",
];

/// A request Google would refuse, with its `INVALID_ARGUMENT` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

/// One search, already parsed from the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: Option<String>,
    pub read_mask: Option<String>,
    pub sources: Vec<String>,
    pub page_size: Option<i64>,
}

/// Resource name of a sandbox user: `people/<stable digits>`, as Google's are numeric.
fn resource_name(email: &str) -> String {
    let mut h: u64 = 1469598103934665603;
    for b in email.to_ascii_lowercase().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(1099511628211);
    }
    format!("people/1{:019}", h % 10_000_000_000_000_000_000)
}

/// Given and family name of a display name: the first word and the rest.
fn split_name(name: &str) -> (Option<&str>, Option<&str>) {
    let name = name.trim();
    match name.split_once(' ') {
        Some((given, family)) => (Some(given), Some(family.trim())),
        None if name.is_empty() => (None, None),
        None => (Some(name), None),
    }
}

fn person_json(u: &User, fields: &[&str]) -> Value {
    let mut p = json!({
        "resourceName": resource_name(&u.email),
        "etag": format!("%{}", resource_name(&u.email).trim_start_matches("people/")),
    });
    let primary = json!({"primary": true, "source": {"type": "DOMAIN_PROFILE", "id": resource_name(&u.email).trim_start_matches("people/")}});
    if fields.contains(&"names") && !u.name.trim().is_empty() {
        let (given, family) = split_name(&u.name);
        let mut n = json!({"metadata": primary, "displayName": u.name.trim()});
        if let Some(g) = given {
            n["givenName"] = json!(g);
        }
        if let Some(f) = family {
            n["familyName"] = json!(f);
            n["displayNameLastFirst"] = json!(format!("{f}, {}", given.unwrap_or_default()));
        }
        p["names"] = json!([n]);
    }
    if fields.contains(&"emailAddresses") {
        p["emailAddresses"] = json!([{"metadata": primary, "value": u.email}]);
    }
    if fields.contains(&"metadata") {
        p["metadata"] = json!({"sources": [primary["source"].clone()], "objectType": "PERSON"});
    }
    p
}

/// Whether `query` is a prefix of the user's address, of their name, or of one of its words.
fn matches(u: &User, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    let email = u.email.to_lowercase();
    let name = u.name.to_lowercase();
    email.starts_with(&q)
        || name.starts_with(&q)
        || name.split_whitespace().any(|w| w.starts_with(&q))
}

/// `people.searchDirectoryPeople` over `users` as seen by `caller` (its domain's profiles).
pub fn search<'a>(
    users: impl IntoIterator<Item = &'a User>,
    caller: &str,
    s: &Search,
) -> Result<Value, Invalid> {
    let query = s
        .query
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| Invalid("query is required.".into()))?;
    let mask = s
        .read_mask
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| Invalid("readMask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/searchDirectoryPeople.".into()))?;
    let fields: Vec<&str> = mask.split(',').map(str::trim).collect();
    if let Some(bad) = fields.iter().find(|f| !KNOWN_FIELDS.contains(f)) {
        return Err(Invalid(format!("Invalid readMask path \"{bad}\".")));
    }
    if s.sources.is_empty() {
        return Err(Invalid("sources is required.".into()));
    }
    if let Some(bad) = s
        .sources
        .iter()
        .find(|x| x.as_str() != DOMAIN_PROFILE && x.as_str() != DOMAIN_CONTACT)
    {
        return Err(Invalid(format!(
            "Invalid value at 'sources' ({bad}): not a directory source type."
        )));
    }
    let size = match s.page_size.unwrap_or(0) {
        0 => 100,
        n @ 1..=500 => n as usize,
        n => return Err(Invalid(format!("pageSize {n} is out of range: 1 to 500."))),
    };
    let domain = caller
        .rsplit_once('@')
        .map_or(String::new(), |(_, d)| d.to_ascii_lowercase());
    let profiles = s.sources.iter().any(|x| x == DOMAIN_PROFILE);
    let found: Vec<&User> = users
        .into_iter()
        .filter(|_| profiles)
        .filter(|u| {
            u.email
                .rsplit_once('@')
                .is_some_and(|(_, d)| d.eq_ignore_ascii_case(&domain))
        })
        .filter(|u| matches(u, query))
        .collect();
    let total = found.len();
    let people: Vec<Value> = found
        .into_iter()
        .take(size)
        .map(|u| person_json(u, &fields))
        .collect();
    let mut answer = json!({ "totalSize": total });
    if !people.is_empty() {
        answer["people"] = Value::Array(people);
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> Vec<User> {
        [
            ("alice@example.com", "Alice Moreau"),
            ("bob@example.com", "Bob Okafor"),
            ("erin@partner.org", "Erin Walsh"),
        ]
        .iter()
        .map(|(e, n)| User {
            email: e.to_string(),
            name: n.to_string(),
            time_zone: "UTC".into(),
        })
        .collect()
    }

    fn q(query: &str) -> Search {
        Search {
            query: Some(query.into()),
            read_mask: Some("names,emailAddresses".into()),
            sources: vec![DOMAIN_PROFILE.into()],
            page_size: None,
        }
    }

    #[test]
    fn a_prefix_of_the_address_or_a_name_finds_the_domain_profile() {
        let u = users();
        let a = search(&u, "alice@example.com", &q("bob@example.com")).expect("ok");
        assert_eq!(a["totalSize"], 1);
        assert_eq!(a["people"][0]["names"][0]["displayName"], "Bob Okafor");
        assert_eq!(a["people"][0]["names"][0]["givenName"], "Bob");
        assert_eq!(
            a["people"][0]["emailAddresses"][0]["value"],
            "bob@example.com"
        );
        let by_family = search(&u, "alice@example.com", &q("okaf")).expect("ok");
        assert_eq!(by_family["totalSize"], 1);
    }

    #[test]
    fn another_domain_is_not_in_the_directory() {
        let u = users();
        let a = search(&u, "alice@example.com", &q("erin@partner.org")).expect("ok");
        assert_eq!(a["totalSize"], 0);
        assert!(a.get("people").is_none());
    }

    #[test]
    fn query_read_mask_and_sources_are_required() {
        let u = users();
        let mut s = q("bob");
        s.read_mask = None;
        assert!(search(&u, "alice@example.com", &s).is_err());
        let mut s = q("bob");
        s.sources.clear();
        assert!(search(&u, "alice@example.com", &s).is_err());
        assert!(search(&u, "alice@example.com", &q("")).is_err());
        let mut s = q("bob");
        s.read_mask = Some("names,shoeSize".into());
        assert!(search(&u, "alice@example.com", &s).is_err());
    }

    #[test]
    fn only_the_masked_fields_come_back() {
        let u = users();
        let mut s = q("bob");
        s.read_mask = Some("emailAddresses".into());
        let a = search(&u, "alice@example.com", &s).expect("ok");
        assert!(a["people"][0].get("names").is_none());
        assert!(a["people"][0].get("emailAddresses").is_some());
    }
}
