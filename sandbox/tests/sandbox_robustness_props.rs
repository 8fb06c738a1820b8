//! Property test: random bytes, random JSON and random paths under each API prefix never get a
//! 5xx or a non-Google-shaped error from the sandbox, and it keeps answering afterwards.

use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

const PREFIXES: &[&str] = &[
    "calendar/v3/calendars/alice@example.com/events",
    "calendar/v3/calendars/primary/events/",
    "calendar/v3/channels/",
    "v1/documents",
    "v1/documents/",
    "drive/v3/files",
    "drive/v3/files/",
    "upload/drive/v3/files",
    "drive/v3/changes",
    "token",
];

const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE"];

/// Path tails: segments of safe characters, percent escapes, unicode and Docs' `:verb`.
fn tail() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9_.~-]{0,12}",
            "%[0-9A-F]{2}",
            "\\PC{1,4}".prop_map(|s| url::form_urlencoded::byte_serialize(s.as_bytes()).collect()),
            Just(":batchUpdate".to_string()),
            Just("/".to_string()),
            Just("?".to_string()),
            Just("&pageToken=".to_string()),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

/// Bodies: raw bytes, arbitrary JSON-ish text, or JSON values of the right outer shape.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    let json = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-zA-Z]{1,8}",
                    Just("requests".to_string()),
                    Just("start".to_string()),
                    Just("insertText".to_string()),
                    Just("location".to_string()),
                    Just("index".to_string()),
                    Just("name".to_string()),
                    Just("parents".to_string()),
                    Just("recurrence".to_string()),
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json.prop_map(|v| v.to_string().into_bytes()),
    ]
}

#[test]
fn random_requests_never_get_a_5xx_or_a_shapeless_error() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (sandbox, token) = rt.block_on(async {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("sandbox starts");
        let control = SandboxClient::new(&sandbox.url);
        control
            .add_user("alice@example.com", "Alice", "Europe/Paris")
            .await
            .expect("user");
        let token = control
            .token("alice@example.com", &["calendar", "documents", "drive"])
            .await
            .expect("token");
        (sandbox, token)
    });
    let http = reqwest::Client::new();
    let strategy = (
        prop::sample::select(PREFIXES),
        tail(),
        prop::sample::select(METHODS),
        body(),
    );
    let config = Config {
        failure_persistence: None,
        ..Config::with_cases(192)
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |(prefix, tail, method, body)| {
        let url = format!("{}{prefix}{tail}", sandbox.url);
        let answer = rt.block_on(async {
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
            let response = http
                .request(method, &url)
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await?;
            let status = response.status().as_u16();
            let text = response.text().await?;
            Ok::<_, reqwest::Error>((status, text))
        });
        let (status, text) = match answer {
            Ok(a) => a,
            // reqwest refuses some generated URLs before sending; that is not the sandbox.
            Err(e) if e.is_builder() => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("{url}: no answer: {e}"))),
        };
        prop_assert!(status < 500, "{url}: {status} {text}");
        if status >= 400 {
            let v: Value = serde_json::from_str(&text).map_err(|e| {
                TestCaseError::fail(format!("{url}: {status} not JSON ({e}): {text}"))
            })?;
            let oauth = prefix == "token" && (tail.is_empty() || tail.starts_with('?'));
            if oauth {
                prop_assert!(v["error"].is_string(), "{url}: {text}");
            } else {
                prop_assert_eq!(
                    &v["error"]["code"],
                    &Value::from(status),
                    "{}: {}",
                    url,
                    text
                );
                prop_assert!(v["error"]["message"].is_string(), "{url}: {text}");
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Still answering, and still consistent.
    rt.block_on(async {
        let response = http
            .get(format!("{}drive/v3/files", sandbox.url))
            .bearer_auth(&token)
            .send()
            .await
            .expect("the sandbox still answers");
        assert_eq!(response.status().as_u16(), 200);
    });
}
