//! Conformance of the installed-app flow with Google's native-app guide
//! (developers.google.com/identity/protocols/oauth2/native-app) and the OOB migration notice
//! (developers.google.com/identity/protocols/oauth2/resources/oob-migration).

use super::*;
use crate::oauth::grant::exchange;
use crate::oauth::grant::GrantContext;

const SCOPE: &str = "https://www.googleapis.com/auth/calendar.events";

fn state() -> (OAuthState, String, String) {
    let mut s = OAuthState::default();
    let c = s.add_installed_client();
    s.browser_user = Some("alice@example.com".into());
    (s, c.client_id, c.client_secret)
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn consent(s: &mut OAuthState, client_id: &str, redirect: &str) -> Result<String, OAuthError> {
    authorize(
        s,
        &params(&[
            ("client_id", client_id),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("scope", SCOPE),
            ("state", "xyz"),
        ]),
    )
}

fn code_of(location: &str) -> String {
    let u = url::Url::parse(location).unwrap();
    u.query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code in the redirect")
}

fn token_form(code: &str, id: &str, secret: &str, redirect: &str) -> BTreeMap<String, String> {
    params(&[
        ("grant_type", AUTHORIZATION_CODE),
        ("code", code),
        ("client_id", id),
        ("client_secret", secret),
        ("redirect_uri", redirect),
    ])
}

fn is_user(_: &str) -> bool {
    true
}

fn ctx() -> GrantContext<'static> {
    GrantContext {
        token_url: "http://127.0.0.1:9/token",
        is_user: &is_user,
        now_unix: 0,
    }
}

#[test]
fn loopback_consent_redirects_with_code_scope_and_state_and_the_code_works_once() {
    let (mut s, id, secret) = state();
    let redirect = "http://127.0.0.1:43123/";
    let location = consent(&mut s, &id, redirect).unwrap();
    assert!(
        location.starts_with("http://127.0.0.1:43123/?state=xyz&code="),
        "{location}"
    );
    assert!(location.contains("scope=https"), "{location}");
    let code = code_of(&location);

    let got = exchange(&mut s, &token_form(&code, &id, &secret, redirect), &ctx()).unwrap();
    let refresh = got.refresh_token.expect("a refresh token");
    assert_eq!(got.scope.as_deref(), Some(SCOPE));
    assert_eq!(
        s.grant_for(&got.access_token).unwrap().email,
        "alice@example.com"
    );
    assert_eq!(s.refresh_tokens[&refresh].email, "alice@example.com");

    // Single use.
    let again = exchange(&mut s, &token_form(&code, &id, &secret, redirect), &ctx());
    assert_eq!(again.unwrap_err().kind, OAuthErrorKind::InvalidGrant);
}

#[test]
fn every_loopback_form_is_accepted() {
    let (mut s, id, _) = state();
    for r in [
        "http://127.0.0.1:1/",
        "http://[::1]:8080/cb",
        "http://localhost:5000",
    ] {
        assert!(consent(&mut s, &id, r).is_ok(), "{r}");
    }
}

#[test]
fn oob_and_non_loopback_redirects_are_refused() {
    let (mut s, id, _) = state();
    let oob = consent(&mut s, &id, OOB_REDIRECT_URI).unwrap_err();
    assert_eq!(oob.kind, OAuthErrorKind::InvalidRequest);
    assert!(
        oob.description.contains("out-of-band"),
        "{}",
        oob.description
    );
    for r in [
        "https://example.com/cb",
        "http://10.0.0.1:80/",
        "ftp://127.0.0.1/",
    ] {
        assert_eq!(
            consent(&mut s, &id, r).unwrap_err().kind,
            OAuthErrorKind::InvalidRequest,
            "{r}"
        );
    }
}

#[test]
fn unknown_clients_wrong_secrets_and_other_redirects_are_refused() {
    let (mut s, id, secret) = state();
    assert_eq!(
        consent(
            &mut s,
            "nobody.apps.googleusercontent.com",
            "http://127.0.0.1:1/"
        )
        .unwrap_err()
        .kind,
        OAuthErrorKind::InvalidClient
    );
    let code = code_of(&consent(&mut s, &id, "http://127.0.0.1:1/").unwrap());
    let wrong_secret = exchange(
        &mut s,
        &token_form(&code, &id, "x", "http://127.0.0.1:1/"),
        &ctx(),
    );
    assert_eq!(
        wrong_secret.unwrap_err().kind,
        OAuthErrorKind::InvalidClient
    );
    let other_redirect = exchange(
        &mut s,
        &token_form(&code, &id, &secret, "http://127.0.0.1:2/"),
        &ctx(),
    );
    assert_eq!(
        other_redirect.unwrap_err().kind,
        OAuthErrorKind::RedirectUriMismatch
    );
}

#[test]
fn nobody_signed_in_means_access_denied() {
    let (mut s, id, _) = state();
    s.browser_user = None;
    let e = consent(&mut s, &id, "http://127.0.0.1:1/").unwrap_err();
    assert_eq!(e.kind, OAuthErrorKind::AccessDenied);
    assert_eq!(e.status(), axum::http::StatusCode::FORBIDDEN);
}
