//! Every secret a sandbox run involved, for the tests that assert none reached any output
//! (`tests/safety.rs`, `tests/soak.rs`; each includes this file with `#[path]`).

use serde_json::Value;

/// The access and refresh tokens the sandbox issued (from `GET /_sandbox/state`) and the private
/// keys of its service accounts plus `given_key` (the key file the run was given) — each whole,
/// and each line of its body, since a log could wrap or cut it.
pub fn sandbox_secrets(state: &Value, given_key: String) -> Vec<String> {
    let oauth = &state["oauth"];
    let mut out: Vec<String> = Vec::new();
    for map in ["tokens", "refresh_tokens"] {
        if let Some(m) = oauth[map].as_object() {
            out.extend(m.keys().cloned());
        }
    }
    assert!(
        out.iter().any(|t| t.starts_with("ya29.")),
        "the run was issued access tokens: {oauth}"
    );
    let mut keys = vec![given_key];
    if let Some(accounts) = oauth["service_accounts"].as_object() {
        keys.extend(
            accounts
                .values()
                .filter_map(|a| a["private_key_pem"].as_str().map(str::to_string)),
        );
    }
    for key in keys {
        out.extend(
            key.lines()
                .filter(|l| l.len() >= 32 && !l.starts_with("-----"))
                .map(str::to_string),
        );
        out.push(key);
    }
    out
}
