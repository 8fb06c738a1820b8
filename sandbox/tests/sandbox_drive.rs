//! The sandbox's OAuth and Drive, exercised through the real clients: yup-oauth2's
//! service-account flow (domain-wide delegation) and the generated google-drive3 hub.

use google_drive3::api::{File, Permission};
use google_drive3::DriveHub;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Cursor;

const DRIVE_FILE: &str = "https://www.googleapis.com/auth/drive.file";
const DOC_MIME: &str = "application/vnd.google-apps.document";

async fn start() -> (Sandbox, SandboxClient) {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let control = SandboxClient::new(&sandbox.url);
    for (email, name) in [
        ("alice@example.com", "Alice Example"),
        ("bob@example.com", "Bob Example"),
    ] {
        control
            .add_user(email, name, "Europe/Paris")
            .await
            .expect("add user");
    }
    (sandbox, control)
}

async fn service_account_key(control: &SandboxClient) -> yup_oauth2::ServiceAccountKey {
    let key = control.service_account_key().await.expect("key");
    serde_json::from_value(key).expect("a key file yup-oauth2 reads")
}

fn auth_client() -> yup_oauth2::CustomHyperClientBuilder<HttpConnector> {
    let client: Client<HttpConnector, String> = Client::builder(TokioExecutor::new()).build_http();
    yup_oauth2::CustomHyperClientBuilder::from(client)
}

type Auth = yup_oauth2::authenticator::Authenticator<HttpConnector>;

async fn delegated(key: yup_oauth2::ServiceAccountKey, subject: &str) -> Auth {
    yup_oauth2::ServiceAccountAuthenticator::with_client(key, auth_client())
        .subject(subject)
        .build()
        .await
        .expect("authenticator")
}

fn drive_hub(base: &str, auth: Auth) -> DriveHub<HttpConnector> {
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut hub = DriveHub::new(client, auth);
    hub.base_url(format!("{base}drive/v3/"));
    hub.root_url(base.to_string());
    hub
}

#[tokio::test]
async fn delegated_jwt_grant_through_yup_oauth2() {
    let (sandbox, control) = start().await;
    let key = service_account_key(&control).await;
    let auth = delegated(key.clone(), "alice@example.com").await;
    let token = auth.token(&[DRIVE_FILE]).await.expect("token");
    let token = token.token().expect("access token").to_string();
    let grant = sandbox
        .state
        .lock()
        .oauth
        .grant_for(&token)
        .cloned()
        .expect("grant recorded");
    assert_eq!(grant.email, "alice@example.com");
    assert_eq!(Some(grant.client_id), key.client_id);
    assert!(grant.scopes.contains(DRIVE_FILE));
    let stats = control.stats().await.unwrap();
    assert_eq!(stats["calls"]["oauth2.token"], 1);

    // Unknown subject.
    let stranger = delegated(key.clone(), "nobody@example.com").await;
    assert!(stranger.token(&[DRIVE_FILE]).await.is_err());

    // A signature by another key under this account's name.
    let other = service_account_key(&control).await;
    let forged_key = yup_oauth2::ServiceAccountKey {
        private_key: other.private_key,
        ..key.clone()
    };
    let forged = delegated(forged_key, "alice@example.com").await;
    assert!(forged.token(&[DRIVE_FILE]).await.is_err());

    // Wrong audience: same server, but the JWT names another token URL.
    let wrong_aud = yup_oauth2::ServiceAccountKey {
        token_uri: key.token_uri.replace("127.0.0.1", "localhost"),
        ..key.clone()
    };
    let wrong = delegated(wrong_aud, "alice@example.com").await;
    assert!(wrong.token(&[DRIVE_FILE]).await.is_err());

    let stats = control.stats().await.unwrap();
    assert_eq!(stats["errors"]["oauth2.token"], 3);
}

/// Posts a hand-signed assertion, for the cases yup-oauth2 never produces.
async fn post_assertion(sandbox: &Sandbox, claims: Value, pem: &str) -> (u16, Value) {
    use rsa::pkcs8::DecodePrivateKey;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("pem");
    let assertion = oneonone_sandbox::oauth::jwt::sign(&key, &claims, false);
    let resp = reqwest::Client::new()
        .post(format!("{}token", sandbox.url))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion.as_str()),
        ])
        .send()
        .await
        .expect("post");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

#[tokio::test]
async fn expired_and_unpadded_assertions() {
    let (sandbox, control) = start().await;
    let key = service_account_key(&control).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = |iat: i64| {
        json!({"iss": key.client_email, "aud": key.token_uri, "iat": iat, "exp": iat + 3600,
               "sub": "bob@example.com", "scope": DRIVE_FILE})
    };
    let (status, body) = post_assertion(&sandbox, claims(now - 10), &key.private_key).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    let (status, body) = post_assertion(&sandbox, claims(now - 7200), &key.private_key).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    // Simulated time is irrelevant to assertion expiry: a jump of a year changes nothing.
    control
        .advance(chrono::Duration::days(365))
        .await
        .expect("advance");
    let (status, _) = post_assertion(&sandbox, claims(now - 10), &key.private_key).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn installed_app_refresh_grant() {
    let (sandbox, control) = start().await;
    let client = control
        .post("_sandbox/oauth-clients", json!({}))
        .await
        .expect("client");
    let secret: yup_oauth2::ApplicationSecret =
        serde_json::from_value(client["installed"].clone()).expect("yup reads the client file");
    assert_eq!(secret.token_uri, format!("{}token", sandbox.url));
    let refresh = control
        .post(
            "_sandbox/refresh-tokens",
            json!({"client_id": secret.client_id, "email": "alice@example.com",
                   "scopes": ["calendar.events", "documents"]}),
        )
        .await
        .expect("refresh token");
    let form = |secret_value: &str| {
        vec![
            ("grant_type", "refresh_token".to_string()),
            ("client_id", secret.client_id.clone()),
            ("client_secret", secret_value.to_string()),
            (
                "refresh_token",
                refresh["refresh_token"].as_str().unwrap().to_string(),
            ),
        ]
    };
    let http = reqwest::Client::new();
    let ok: Value = http
        .post(&secret.token_uri)
        .form(&form(&secret.client_secret))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = ok["access_token"].as_str().expect("access token");
    let grant = sandbox
        .state
        .lock()
        .oauth
        .grant_for(token)
        .cloned()
        .unwrap();
    assert_eq!(grant.email, "alice@example.com");
    assert_eq!(grant.client_id, secret.client_id);
    let refused = http
        .post(&secret.token_uri)
        .form(&form("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
}

fn marker_query(series: &str) -> String {
    format!("appProperties has {{ key='oneononeSeries' and value='{series}' }} and trashed = false")
}

#[tokio::test]
async fn create_find_share_and_follow_changes_through_google_drive3() {
    let (sandbox, control) = start().await;
    let key = service_account_key(&control).await;
    let hub = drive_hub(&sandbox.url, delegated(key, "alice@example.com").await);

    let (_, start) = hub
        .changes()
        .get_start_page_token()
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("start token");
    let start = start.start_page_token.expect("token");

    let meta = File {
        name: Some("Alice / Bob · 1:1 notes".into()),
        mime_type: Some(DOC_MIME.into()),
        app_properties: Some(HashMap::from([(
            "oneononeSeries".to_string(),
            "primary:abc123".to_string(),
        )])),
        ..Default::default()
    };
    let (_, created) = hub
        .files()
        .create(meta)
        .add_scope(DRIVE_FILE)
        .param("fields", "id,name,mimeType,appProperties,webViewLink")
        .upload(Cursor::new(Vec::new()), "text/plain".parse().unwrap())
        .await
        .expect("files.create");
    let id = created.id.clone().expect("id");
    assert_eq!(created.mime_type.as_deref(), Some(DOC_MIME));
    assert_eq!(
        created.web_view_link.as_deref(),
        Some(format!("https://docs.google.com/document/d/{id}/edit?usp=drivesdk").as_str()),
        "webViewLink in the form Drive hands out to API clients (Files resource reference; \
         usp=drivesdk: devpeace.com/google-docs-api/30624321)"
    );
    assert_eq!(
        created
            .app_properties
            .as_ref()
            .and_then(|p| p.get("oneononeSeries"))
            .map(String::as_str),
        Some("primary:abc123")
    );

    let (_, found) = hub
        .files()
        .list()
        .q(&marker_query("primary:abc123"))
        .add_scope(DRIVE_FILE)
        .param("fields", "files(id,appProperties)")
        .doit()
        .await
        .expect("files.list");
    let files = found.files.unwrap_or_default();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].id.as_deref(), Some(id.as_str()));
    let (_, none) = hub
        .files()
        .list()
        .q(&marker_query("primary:other"))
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("files.list");
    assert!(none.files.unwrap_or_default().is_empty());

    let bad = hub
        .files()
        .list()
        .q("fullText contains 'x'")
        .add_scope(DRIVE_FILE)
        .doit()
        .await;
    match bad {
        Err(google_drive3::Error::BadRequest(v)) => {
            assert_eq!(v["error"]["code"], 400);
            assert_eq!(v["error"]["errors"][0]["reason"], "invalid");
        }
        other => panic!("expected a 400 invalid, got {other:?}"),
    }

    let (_, perm) = hub
        .permissions()
        .create(
            Permission {
                type_: Some("user".into()),
                role: Some("writer".into()),
                email_address: Some("bob@example.com".into()),
                ..Default::default()
            },
            &id,
        )
        .send_notification_email(false)
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("permissions.create");
    assert_eq!(perm.role.as_deref(), Some("writer"));
    {
        let w = sandbox.state.lock();
        assert_eq!(
            w.drive.role_of(&id, "bob@example.com"),
            Some(oneonone_sandbox::drive::Role::Writer)
        );
    }

    // Bob, as himself, sees the doc (but not Alice's app's private properties).
    let bob_token = control.token("bob@example.com", &["drive"]).await.unwrap();
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut bob = DriveHub::new(client, bob_token);
    bob.base_url(format!("{}drive/v3/", sandbox.url));
    bob.root_url(sandbox.url.clone());
    let (_, seen) = bob
        .files()
        .get(&id)
        .param("fields", "id,name,appProperties,owners")
        .add_scope("https://www.googleapis.com/auth/drive")
        .doit()
        .await
        .expect("bob files.get");
    assert!(seen.app_properties.is_none());
    assert_eq!(
        seen.owners.unwrap_or_default()[0].email_address.as_deref(),
        Some("alice@example.com")
    );

    // A content edit (as the Docs API would report it) shows up in changes.
    {
        let mut w = sandbox.state.lock();
        let now = w.now();
        w.drive.touch(&id, now);
    }
    let (_, changes) = hub
        .changes()
        .list(&start)
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("changes.list");
    let ids: Vec<String> = changes
        .changes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.file_id)
        .collect();
    assert_eq!(ids, vec![id.clone()]);
    let next = changes.new_start_page_token.expect("new start token");
    let (_, quiet) = hub
        .changes()
        .list(&next)
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("changes.list");
    assert!(quiet.changes.unwrap_or_default().is_empty());

    // Rename through files.update.
    let (_, renamed) = hub
        .files()
        .update(
            File {
                name: Some("Renamed".into()),
                ..Default::default()
            },
            &id,
        )
        .add_scope(DRIVE_FILE)
        .doit_without_upload()
        .await
        .expect("files.update");
    assert_eq!(renamed.name.as_deref(), Some("Renamed"));

    let stats = control.stats().await.unwrap();
    assert_eq!(stats["calls"]["drive.files.create"], 1);
    assert_eq!(stats["errors"]["drive.files.list"], 1);
}

#[tokio::test]
async fn admin_controls_faults_state_and_reset() {
    let (sandbox, control) = start().await;
    let users = control.get("_sandbox/users").await.unwrap();
    assert_eq!(users["users"].as_array().unwrap().len(), 2);
    assert!(control
        .post("_sandbox/users", json!({"email": "not-an-email"}))
        .await
        .is_err());

    let before = control.now().await.unwrap();
    let moved = control
        .post("_sandbox/clock", json!({"advance_seconds": 86_400}))
        .await
        .unwrap();
    let after = chrono::DateTime::parse_from_rfc3339(moved["now"].as_str().unwrap()).unwrap();
    assert!(after.signed_duration_since(before).num_hours() >= 24);

    control
        .post(
            "_sandbox/faults",
            json!({"method": "drive.files.list", "status": 429, "times": 1}),
        )
        .await
        .unwrap();
    let token = control
        .token("alice@example.com", &["drive"])
        .await
        .unwrap();
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut hub = DriveHub::new(client, token);
    hub.base_url(format!("{}drive/v3/", sandbox.url));
    hub.root_url(sandbox.url.clone());
    let first = hub
        .files()
        .list()
        .add_scope("https://www.googleapis.com/auth/drive")
        .doit()
        .await;
    match first {
        Err(google_drive3::Error::BadRequest(v)) => {
            assert_eq!(v["error"]["code"], 429);
            assert_eq!(v["error"]["errors"][0]["reason"], "rateLimitExceeded");
        }
        other => panic!("expected an injected 429, got {other:?}"),
    }
    assert!(hub
        .files()
        .list()
        .add_scope("https://www.googleapis.com/auth/drive")
        .doit()
        .await
        .is_ok());
    assert!(control
        .post(
            "_sandbox/faults",
            json!({"rate": 2.0, "statuses": [500], "seed": 1})
        )
        .await
        .is_err());

    let state = control.get("_sandbox/state").await.unwrap();
    let reloaded = oneonone_sandbox::World::from_seed(&state.to_string()).expect("seed loads");
    assert_eq!(reloaded.users.len(), 2);
    assert!(oneonone_sandbox::World::from_seed("{\"users\": 3}").is_err());

    control.post("_sandbox/reset", json!({})).await.unwrap();
    let users = control.get("_sandbox/users").await.unwrap();
    assert!(users["users"].as_array().unwrap().is_empty());
    let stats = control.stats().await.unwrap();
    assert_eq!(stats["total_calls"], 0);
}

#[tokio::test]
async fn metadata_only_create_on_the_plain_endpoint_and_upload_types() {
    let (sandbox, control) = start().await;
    let token = control
        .token("alice@example.com", &["drive.file"])
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let folder: Value = http
        .post(format!(
            "{}drive/v3/files?fields=id,mimeType,parents",
            sandbox.url
        ))
        .bearer_auth(&token)
        .json(&json!({"name": "1:1 notes", "mimeType": "application/vnd.google-apps.folder"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let folder_id = folder["id"].as_str().expect("folder id").to_string();
    let doc: Value = http
        .post(format!("{}drive/v3/files?fields=id,parents", sandbox.url))
        .bearer_auth(&token)
        .json(&json!({"name": "n", "mimeType": DOC_MIME, "parents": [folder_id]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["parents"], json!([folder_id]));
    let missing_parent = http
        .post(format!("{}drive/v3/files", sandbox.url))
        .bearer_auth(&token)
        .json(&json!({"name": "n", "parents": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing_parent.status().as_u16(), 404);
    let body: Value = missing_parent.json().await.unwrap();
    assert_eq!(body["error"]["message"], "File not found: nope.");
    let resumable = http
        .post(format!(
            "{}upload/drive/v3/files?uploadType=resumable",
            sandbox.url
        ))
        .bearer_auth(&token)
        .json(&json!({"name": "n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resumable.status().as_u16(), 400);
    let unauthenticated = http
        .get(format!("{}drive/v3/files", sandbox.url))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status().as_u16(), 401);
}
