//! `oneonone auth login` end to end: the real binary, yup-oauth2's installed flow, and the
//! sandbox's consent page and code exchange. The "person" is the test: it opens the printed
//! address (an HTTP GET that does not follow redirects), and either lets the redirect reach the
//! binary's loopback listener (browser mode) or pastes the redirected address into the binary's
//! stdin (paste mode). Then `check` proves the stored refresh token works.

use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::json;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_oneonone");
const ALICE: &str = "alice@example.com";
const LIMIT: Duration = Duration::from_secs(60);

struct Setup {
    _sandbox: Sandbox,
    control: SandboxClient,
    dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let control = SandboxClient::new(&sandbox.url);
    control
        .add_user(ALICE, "Alice Moreau", "Europe/Berlin")
        .await
        .expect("add user");
    let client = control
        .post("/_sandbox/oauth-clients", json!({}))
        .await
        .expect("oauth client");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("client.json"), client.to_string()).expect("client file");
    let config = format!(
        "[google]\nauth = \"installed\"\noauth_client = \"client.json\"\nuser = \"{ALICE}\"\n\
         endpoint = \"{}\"\nmax_attempts = 2\n\n[daemon]\nstate_dir = \"state\"\n\
         clock = \"sandbox\"\n",
        control.base_url()
    );
    std::fs::write(dir.path().join("oneonone.toml"), config).expect("config");
    Setup {
        _sandbox: sandbox,
        control,
        dir,
    }
}

fn start(dir: &Path, args: &[&str]) -> Child {
    Command::new(BIN)
        .arg("--config")
        .arg(dir.join("oneonone.toml"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start oneonone")
}

/// Reads the binary's stdout until the consent-page address appears.
async fn consent_url(child: &mut Child) -> (String, BufReader<tokio::process::ChildStdout>) {
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(LIMIT, out.read_line(&mut line))
            .await
            .expect("the URL is printed in time")
            .expect("read stdout");
        assert!(n > 0, "stdout ended before a URL appeared:\n{seen}");
        seen.push_str(&line);
        if line.contains("/o/oauth2/auth?") {
            return (line.trim().to_string(), out);
        }
    }
}

fn redirect_uri_of(consent_url: &str) -> String {
    url::Url::parse(consent_url)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .expect("a redirect_uri")
}

/// The person's browser at the consent page: the sandbox answers 302 to the app's redirect.
async fn redirected_to(url: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let answer = client.get(url).send().await.expect("consent page");
    assert_eq!(answer.status().as_u16(), 302, "{:?}", answer.text().await);
    answer.headers()["location"]
        .to_str()
        .expect("location")
        .to_string()
}

async fn finish(child: Child) -> (bool, String, String) {
    let out = tokio::time::timeout(LIMIT, child.wait_with_output())
        .await
        .expect("login finishes in time")
        .expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn check_passes(dir: &Path) {
    let out = tokio::time::timeout(
        LIMIT,
        Command::new(BIN)
            .arg("--config")
            .arg(dir.join("oneonone.toml"))
            .arg("check")
            .current_dir(dir)
            .output(),
    )
    .await
    .expect("check in time")
    .expect("check runs");
    assert!(
        out.status.success(),
        "check after login:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
fn assert_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .expect("token cache")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{}", path.display());
}

#[tokio::test]
async fn paste_mode_signs_in_with_a_loopback_redirect_and_the_pasted_address() {
    let s = setup().await;
    s.control
        .post("/_sandbox/oauth/consent", json!({"email": ALICE}))
        .await
        .expect("alice is at the browser");
    let mut child = start(s.dir.path(), &["auth", "login", "--paste"]);
    let (url, _out) = consent_url(&mut child).await;
    assert!(
        redirect_uri_of(&url).starts_with("http://127.0.0.1:"),
        "{url}"
    );
    assert!(
        !url.contains("oob"),
        "the out-of-band redirect is gone: {url}"
    );
    let location = redirected_to(&url).await;
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{location}\n").as_bytes())
        .await
        .expect("paste");
    drop(stdin);
    let (ok, stdout, stderr) = finish(child).await;
    assert!(ok, "login failed:\n{stdout}\n{stderr}");
    let cache = s.dir.path().join("state/oauth-token.json");
    #[cfg(unix)]
    assert_private(&cache);
    let code = location
        .split("code=")
        .nth(1)
        .unwrap_or("")
        .split('&')
        .next()
        .unwrap_or("");
    assert!(!code.is_empty());
    for text in [&stdout, &stderr] {
        assert!(!text.contains("1//sandbox-"), "a refresh token was printed");
        assert!(!text.contains("ya29."), "an access token was printed");
    }
    check_passes(s.dir.path()).await;
}

#[tokio::test]
async fn browser_mode_receives_the_redirect_on_this_machine() {
    let s = setup().await;
    s.control
        .post("/_sandbox/oauth/consent", json!({"email": ALICE}))
        .await
        .expect("alice is at the browser");
    let mut child = start(s.dir.path(), &["auth", "login"]);
    let (url, _out) = consent_url(&mut child).await;
    assert!(
        redirect_uri_of(&url).starts_with("http://localhost:"),
        "{url}"
    );
    let location = redirected_to(&url).await;
    // The browser follows the redirect to the binary's loopback listener.
    let landing = reqwest::get(&location)
        .await
        .expect("loopback listener answers");
    assert!(landing.status().is_success(), "{}", landing.status());
    let (ok, stdout, stderr) = finish(child).await;
    assert!(ok, "login failed:\n{stdout}\n{stderr}");
    check_passes(s.dir.path()).await;
}

#[tokio::test]
async fn a_refused_consent_is_reported_and_stores_nothing() {
    let s = setup().await;
    let mut child = start(s.dir.path(), &["auth", "login", "--paste"]);
    let (url, _out) = consent_url(&mut child).await;
    // Nobody clicked Allow: the browser ends on the redirect with error=access_denied.
    let pasted = format!("{}?error=access_denied\n", redirect_uri_of(&url));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(pasted.as_bytes()).await.expect("paste");
    drop(stdin);
    let (ok, stdout, stderr) = finish(child).await;
    assert!(!ok, "a refused sign-in must fail:\n{stdout}");
    assert!(stderr.contains("access_denied"), "{stderr}");
    assert!(
        !s.dir.path().join("state/oauth-token.json").exists() || {
            let text =
                std::fs::read_to_string(s.dir.path().join("state/oauth-token.json")).unwrap();
            !text.contains("refresh_token\":\"1//")
        }
    );
}
