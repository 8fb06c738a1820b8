use super::*;
use crate::oauth::keys::KeyPair;
use rsa::pkcs8::DecodePrivateKey;
use serde_json::json;
use std::sync::OnceLock;

const TOKEN_URL: &str = "http://127.0.0.1:9/token";
const NOW: i64 = 1_800_000_000;

fn pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| KeyPair::generate().expect("keygen").private_key_pem)
}

fn state() -> (OAuthState, String, String) {
    let mut s = OAuthState::default();
    let sa = s.add_service_account("robot", pem().to_string(), "example.com", None);
    (s, sa.client_email, sa.client_id)
}

fn is_user(email: &str) -> bool {
    matches!(email, "alice@example.com" | "eve@other.org")
}

fn ctx() -> GrantContext<'static> {
    GrantContext {
        token_url: TOKEN_URL,
        is_user: &is_user,
        now_unix: NOW,
    }
}

fn jwt_form(iss: &str, sub: Option<&str>, scope: &str) -> BTreeMap<String, String> {
    jwt_form_for(TOKEN_URL, iss, sub, scope)
}

fn jwt_form_for(aud: &str, iss: &str, sub: Option<&str>, scope: &str) -> BTreeMap<String, String> {
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem()).unwrap();
    let mut claims = json!({"iss": iss, "aud": aud, "iat": NOW, "exp": NOW + 3595, "scope": scope});
    if let Some(sub) = sub {
        claims["sub"] = json!(sub);
    }
    BTreeMap::from([
        ("grant_type".to_string(), JWT_BEARER.to_string()),
        ("assertion".to_string(), jwt::sign(&key, &claims, true)),
    ])
}

#[test]
fn delegation_issues_a_token_for_the_subject_with_the_app_identity() {
    let (mut s, iss, client_id) = state();
    let scope =
        "https://www.googleapis.com/auth/drive.file https://www.googleapis.com/auth/documents";
    let got = exchange(
        &mut s,
        &jwt_form(&iss, Some("alice@example.com"), scope),
        &ctx(),
    )
    .unwrap();
    assert_eq!(got.token_type, "Bearer");
    assert_eq!(got.expires_in, 3599);
    let grant = s.grant_for(&got.access_token).unwrap();
    assert_eq!(grant.email, "alice@example.com");
    assert_eq!(grant.client_id, client_id);
    assert!(grant
        .scopes
        .contains("https://www.googleapis.com/auth/documents"));
    assert_eq!(grant.scopes.len(), 2);
}

#[test]
fn without_sub_the_service_account_acts_as_itself() {
    let (mut s, iss, _) = state();
    let got = exchange(
        &mut s,
        &jwt_form(&iss, None, "https://www.googleapis.com/auth/drive"),
        &ctx(),
    )
    .unwrap();
    assert_eq!(s.grant_for(&got.access_token).unwrap().email, iss);
}

#[test]
fn refuses_unknown_or_foreign_subjects_and_bad_scopes() {
    let (mut s, iss, _) = state();
    let scope = "https://www.googleapis.com/auth/drive.file";
    let err = exchange(
        &mut s,
        &jwt_form(&iss, Some("nobody@example.com"), scope),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(err.kind, OAuthErrorKind::InvalidGrant);
    let err = exchange(
        &mut s,
        &jwt_form(&iss, Some("eve@other.org"), scope),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(err.kind, OAuthErrorKind::UnauthorizedClient);
    let err = exchange(
        &mut s,
        &jwt_form(&iss, Some("alice@example.com"), ""),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(err.kind, OAuthErrorKind::InvalidScope);
    let err = exchange(
        &mut s,
        &jwt_form(&iss, None, "https://evil.example/x"),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(err.kind, OAuthErrorKind::InvalidScope);
    assert!(s.tokens.is_empty());
}

#[test]
fn delegation_limited_to_authorised_scopes() {
    let mut s = OAuthState::default();
    let allowed = BTreeSet::from(["https://www.googleapis.com/auth/drive.file".to_string()]);
    let sa = s.add_service_account("narrow", pem().to_string(), "example.com", Some(allowed));
    let ok = jwt_form(
        &sa.client_email,
        Some("alice@example.com"),
        "https://www.googleapis.com/auth/drive.file",
    );
    assert!(exchange(&mut s, &ok, &ctx()).is_ok());
    let wide = jwt_form(
        &sa.client_email,
        Some("alice@example.com"),
        "https://www.googleapis.com/auth/drive",
    );
    assert_eq!(
        exchange(&mut s, &wide, &ctx()).unwrap_err().kind,
        OAuthErrorKind::UnauthorizedClient
    );
}

#[test]
fn refresh_grant_checks_client_secret_and_token() {
    let mut s = OAuthState::default();
    let client = s.add_installed_client();
    let scopes = BTreeSet::from([full_scope("calendar.events"), full_scope("documents")]);
    let rt = s.issue_refresh_token(&client.client_id, "alice@example.com", scopes.clone());
    let form = |secret: &str, token: &str| {
        BTreeMap::from([
            ("grant_type".to_string(), REFRESH_TOKEN.to_string()),
            ("client_id".to_string(), client.client_id.clone()),
            ("client_secret".to_string(), secret.to_string()),
            ("refresh_token".to_string(), token.to_string()),
        ])
    };
    let got = exchange(&mut s, &form(&client.client_secret, &rt), &ctx()).unwrap();
    let grant = s.grant_for(&got.access_token).unwrap();
    assert_eq!(grant.scopes, scopes);
    assert_eq!(grant.client_id, client.client_id);
    let err = exchange(&mut s, &form("wrong", &rt), &ctx()).unwrap_err();
    assert_eq!(
        (err.kind, err.status()),
        (OAuthErrorKind::InvalidClient, StatusCode::UNAUTHORIZED)
    );
    let err = exchange(&mut s, &form(&client.client_secret, "1//nope"), &ctx()).unwrap_err();
    assert_eq!(err.kind, OAuthErrorKind::InvalidGrant);
    assert_eq!(err.body()["error"], "invalid_grant");
}

#[test]
fn unknown_or_missing_grant_types_are_refused() {
    let (mut s, _, _) = state();
    let form = BTreeMap::from([("grant_type".to_string(), "password".to_string())]);
    assert_eq!(
        exchange(&mut s, &form, &ctx()).unwrap_err().kind,
        OAuthErrorKind::UnsupportedGrantType
    );
    let form = BTreeMap::from([("grant_type".to_string(), JWT_BEARER.to_string())]);
    assert_eq!(
        exchange(&mut s, &form, &ctx()).unwrap_err().kind,
        OAuthErrorKind::InvalidRequest
    );
}

/// Conformance: Google's service-account guide says the `aud` of an access-token request "is
/// always https://oauth2.googleapis.com/token", and google-auth (Python) signs exactly that
/// whatever the key file's `token_uri` is (googleapis/google-auth-library-python#784). Google's
/// own clients must get a token here too; an audience that is neither is still refused.
#[test]
fn googles_fixed_token_audience_is_accepted_and_a_foreign_one_refused() {
    let (mut s, iss, _) = state();
    let scope = "https://www.googleapis.com/auth/calendar.events";
    let form = jwt_form_for(
        GOOGLE_TOKEN_AUDIENCE,
        &iss,
        Some("alice@example.com"),
        scope,
    );
    let got = exchange(&mut s, &form, &ctx()).expect("Google's aud is accepted");
    assert_eq!(
        s.grant_for(&got.access_token).unwrap().email,
        "alice@example.com"
    );

    let form = jwt_form_for("https://example.invalid/token", &iss, None, scope);
    let err = exchange(&mut s, &form, &ctx()).unwrap_err();
    assert_eq!(err.kind, OAuthErrorKind::InvalidGrant);
    assert!(
        err.description.contains("aud must be one of"),
        "{}",
        err.description
    );
}
