//! The daemon's config for the test company, shared by the end-to-end and the CLI tests (each
//! includes this file with `#[path]`): the company itself is defined once, in
//! `oneonone_sandbox::company`; how the daemon is pointed at it is defined here, once.

use oneonone_sandbox::TestCompany;
use std::path::Path;

/// The key file's name, next to the config (relative paths resolve against the config's dir).
pub const KEY_FILE: &str = "key.json";

/// Writes the company's key to `dir/key.json`.
pub fn write_key(company: &TestCompany, dir: &Path) {
    company
        .write_service_account_key(&dir.join(KEY_FILE))
        .expect("write the service-account key");
}

/// `oneonone.toml` text: the service account acting for `served`, the sandbox as endpoint and
/// clock, two attempts per call (tests should fail fast), the HTTP listener on a free loopback
/// port (tests run `run` side by side; the bound address is logged), the store in `state/`, and
/// `extra_config` appended (more keys of `[daemon]`, or whole sections).
pub fn daemon_toml(company: &TestCompany, served: &[&str], extra_config: &str) -> String {
    let users = served
        .iter()
        .map(|u| format!("\"{u}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "[google]\nauth = \"service_account\"\nservice_account_key = \"{KEY_FILE}\"\n\
         users = [{users}]\nendpoint = \"{}\"\nmax_attempts = 2\n\n\
         [http]\nlisten = \"127.0.0.1:0\"\n\n[daemon]\n\
         state_dir = \"state\"\nclock = \"sandbox\"\n{extra_config}\n",
        company.endpoint()
    )
}
