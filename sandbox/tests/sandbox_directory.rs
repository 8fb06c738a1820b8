//! Conformance: the People API's `people.searchDirectoryPeople` as the sandbox serves it,
//! through the real `google-people1` crate (Google's reference:
//! developers.google.com/people/api/rest/v1/people/searchDirectoryPeople — `query` "Required.
//! Prefix query that matches fields in the person", `readMask` and `sources[]` required, the
//! `directory.readonly` scope; domain profiles are the caller's own domain's people).

use google_people1::{FieldMask, PeopleService};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::company::{ALICE, BOB, ERIN};
use oneonone_sandbox::{Sandbox, SandboxClient, TestCompany};

const DIRECTORY: &str = "https://www.googleapis.com/auth/directory.readonly";
const PROFILE: &str = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE";

async fn hub_as(scopes: &[&str]) -> (Sandbox, PeopleService<HttpConnector>) {
    let sandbox = Sandbox::start(oneonone_sandbox::company::sandbox_options())
        .await
        .expect("sandbox");
    let control = SandboxClient::new(&sandbox.url);
    TestCompany::stand_up(&control).await.expect("company");
    let token = control.token(ALICE, scopes).await.expect("token");
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut hub = PeopleService::new(client, token);
    hub.base_url(sandbox.url.clone());
    hub.root_url(sandbox.url.clone());
    (sandbox, hub)
}

fn mask() -> FieldMask {
    FieldMask::new(&["names", "emailAddresses"])
}

#[tokio::test]
async fn a_colleagues_address_finds_their_directory_name() {
    let (_s, hub) = hub_as(&["directory.readonly"]).await;
    let (_, found) = hub
        .people()
        .search_directory_people()
        .query(BOB)
        .read_mask(mask())
        .add_sources(PROFILE)
        .add_scope(DIRECTORY)
        .doit()
        .await
        .expect("search");
    assert_eq!(found.total_size, Some(1));
    let person = &found.people.expect("people")[0];
    let name = &person.names.as_ref().expect("names")[0];
    assert_eq!(name.display_name.as_deref(), Some("Bob Okafor"));
    assert_eq!(name.given_name.as_deref(), Some("Bob"));
    assert_eq!(name.family_name.as_deref(), Some("Okafor"));
    let email = &person.email_addresses.as_ref().expect("emails")[0];
    assert_eq!(email.value.as_deref(), Some(BOB));
    assert!(person
        .resource_name
        .as_deref()
        .is_some_and(|r| r.starts_with("people/")));
}

#[tokio::test]
async fn someone_outside_the_domain_is_not_in_the_directory() {
    let (_s, hub) = hub_as(&["directory.readonly"]).await;
    let (_, found) = hub
        .people()
        .search_directory_people()
        .query(ERIN)
        .read_mask(mask())
        .add_sources(PROFILE)
        .add_scope(DIRECTORY)
        .doit()
        .await
        .expect("search");
    assert_eq!(found.total_size, Some(0));
    assert!(found.people.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn read_mask_and_sources_are_required() {
    let (_s, hub) = hub_as(&["directory.readonly"]).await;
    let err = hub
        .people()
        .search_directory_people()
        .query(BOB)
        .add_sources(PROFILE)
        .add_scope(DIRECTORY)
        .doit()
        .await
        .expect_err("no readMask");
    assert!(format!("{err:?}").contains("INVALID_ARGUMENT"), "{err:?}");
    let err = hub
        .people()
        .search_directory_people()
        .query(BOB)
        .read_mask(mask())
        .add_scope(DIRECTORY)
        .doit()
        .await
        .expect_err("no sources");
    assert!(format!("{err:?}").contains("sources"), "{err:?}");
}

#[tokio::test]
async fn the_directory_scope_is_needed() {
    let (_s, hub) = hub_as(&["calendar.events", "documents", "drive.file"]).await;
    let err = hub
        .people()
        .search_directory_people()
        .query(BOB)
        .read_mask(mask())
        .add_sources(PROFILE)
        .add_scope(DIRECTORY)
        .doit()
        .await
        .expect_err("the token lacks directory.readonly");
    assert!(format!("{err:?}").contains("403"), "{err:?}");
}
