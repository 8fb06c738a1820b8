//! `oneonone auth login`: the installed-app ("Desktop" client) sign-in, with a loopback redirect
//! as Google requires since it turned the out-of-band flow (`urn:ietf:wg:oauth:2.0:oob`) off
//! for every client in January 2023 (developers.google.com/identity/protocols/oauth2/resources/
//! oob-migration). Two ways to finish it:
//!
//! * **Browser** (a browser on this machine): yup-oauth2 listens on `http://localhost:PORT` and
//!   Google's redirect delivers the code to it.
//! * **Paste** (a headless server): the redirect names `http://127.0.0.1:PORT/` although nothing
//!   listens there. The person opens the URL on any machine, consents, and the browser ends on
//!   a page that cannot load; they copy that page's address (or just its `code=`) and paste it
//!   here. The code is exchanged with the same redirect URI, as Google checks.
//!
//! Either way the refresh token (all three scopes at once) lands in the token cache, mode 0600.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;

use tokio::io::AsyncBufReadExt;
use yup_oauth2::authenticator_delegate::InstalledFlowDelegate;
use yup_oauth2::{CustomHyperClientBuilder, InstalledFlowAuthenticator, InstalledFlowReturnMethod};

use super::auth::{read_client_secret, restrict_permissions, setup};
use super::connector::Transport;
use super::errors::GoogleError;
use super::scopes;
use crate::config::GoogleAuth;

/// How `oneonone auth login` gets the authorisation code from the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    /// Listen on a localhost port for Google's redirect (needs a browser on this machine).
    Browser,
    /// Print the URL and read the redirected address (or the code) pasted back: over SSH.
    Paste,
}

/// Runs the installed-app sign-in for the configured user and stores the refresh token in the
/// token cache, created with mode 0600.
pub async fn login(
    transport: &Transport,
    auth: &GoogleAuth,
    method: LoginMethod,
    directory: bool,
) -> Result<(), GoogleError> {
    let GoogleAuth::Installed {
        client_secret,
        token_cache,
        user,
    } = auth
    else {
        return Err(setup(
            "`auth login` is for auth = \"installed\"; a service account needs no login".into(),
        ));
    };
    if let Some(dir) = token_cache.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The directory will hold a refresh token: private from the start.
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| setup(format!("cannot create {}: {e}", dir.display())))?;
    }
    let secret = read_client_secret(client_secret).await?;
    let (return_method, delegate): (_, Box<dyn InstalledFlowDelegate>) = match method {
        LoginMethod::Browser => (
            InstalledFlowReturnMethod::HTTPRedirect,
            Box::new(BrowserPrompt { user: user.clone() }),
        ),
        LoginMethod::Paste => (
            InstalledFlowReturnMethod::Interactive,
            Box::new(PastePrompt {
                user: user.clone(),
                redirect_uri: paste_redirect_uri(),
            }),
        ),
    };
    let client = CustomHyperClientBuilder::from(transport.auth_client.clone());
    let auth = InstalledFlowAuthenticator::with_client(secret, return_method, client)
        .persist_tokens_to_disk(token_cache)
        .flow_delegate(delegate)
        .build()
        .await
        .map_err(|e| {
            setup(format!(
                "cannot open the token cache {}: {e}",
                token_cache.display()
            ))
        })?;
    // The consent covers every scope the daemon will ask for: the three, plus the directory
    // when `names.directory` is on (a later token for a scope not consented to is refused).
    let mut wanted = scopes::ALL.to_vec();
    if directory {
        wanted.push(scopes::DIRECTORY_READONLY);
    }
    auth.token(&wanted)
        .await
        .map_err(|e| GoogleError::Unauthorized {
            message: format!("sign-in failed: {e}"),
        })?;
    restrict_permissions(token_cache)
}

/// A loopback address on a random high port: Google accepts any port for a Desktop client, and
/// a random one makes it unlikely that something on the person's own machine receives the code.
fn paste_redirect_uri() -> String {
    let port = rand::Rng::gen_range(&mut rand::thread_rng(), 49_152..=65_535u16);
    format!("http://127.0.0.1:{port}/")
}

/// The code in what a person pasted: the whole redirected address, its query part, or the bare
/// code. A refusal on the consent page (`error=access_denied`) says so.
pub fn code_from_pasted(input: &str) -> Result<String, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("nothing was pasted; paste the address the browser ended on".into());
    }
    let query = match input.split_once('?') {
        Some((_, q)) => Some(q),
        None if input.contains("code=") || input.contains("error=") => Some(input),
        None => None,
    };
    let Some(query) = query else {
        return Ok(input.to_string());
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if let Some((_, e)) = pairs.iter().find(|(k, _)| k == "error") {
        return Err(format!(
            "the consent page answered {e}: sign-in was refused or cancelled; run `oneonone \
             auth login --paste` again and choose Allow"
        ));
    }
    pairs
        .into_iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            "the pasted address has no code= in it; paste the whole address the browser \
             ended on after you chose Allow"
                .to_string()
        })
}

/// Browser mode: show the URL; yup-oauth2's loopback listener receives the code.
struct BrowserPrompt {
    user: String,
}

impl InstalledFlowDelegate for BrowserPrompt {
    fn present_user_url<'a>(
        &'a self,
        url: &'a str,
        _need_code: bool,
    ) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        Box::pin(async move {
            println!(
                "Open this address in a browser on this machine and sign in as {}:\n{url}\n\
                 Waiting for Google's redirect to this machine… (on a server without a \
                 browser, use `oneonone auth login --paste`)",
                self.user
            );
            let _ = std::io::stdout().flush();
            Ok(String::new())
        })
    }
}

/// Paste mode: show the URL, read the redirected address back from stdin.
struct PastePrompt {
    user: String,
    redirect_uri: String,
}

impl InstalledFlowDelegate for PastePrompt {
    fn redirect_uri(&self) -> Option<&str> {
        Some(&self.redirect_uri)
    }

    fn present_user_url<'a>(
        &'a self,
        url: &'a str,
        _need_code: bool,
    ) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        Box::pin(async move {
            println!(
                "Open this address in a browser on any machine and sign in as {}:\n{url}\n\
                 After you choose Allow, the browser goes to {} and shows that the page cannot \
                 be reached. That is expected: copy the whole address from the browser's \
                 address bar and paste it here, then press Enter:",
                self.user, self.redirect_uri
            );
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            tokio::io::BufReader::new(tokio::io::stdin())
                .read_line(&mut line)
                .await
                .map_err(|e| format!("cannot read the pasted address: {e}"))?;
            code_from_pasted(&line)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_comes_from_an_address_a_query_or_itself() {
        let url = "http://127.0.0.1:51234/?state=s&code=4/0AbC-d_e&scope=https://www.googleapis.com/auth/documents";
        assert_eq!(code_from_pasted(url).unwrap(), "4/0AbC-d_e");
        assert_eq!(
            code_from_pasted("  code=4%2F0xyz&scope=a \n").unwrap(),
            "4/0xyz"
        );
        assert_eq!(code_from_pasted("4/0AbCdEf\n").unwrap(), "4/0AbCdEf");
    }

    #[test]
    fn refusals_and_empty_pastes_say_what_to_do() {
        let refused = code_from_pasted("http://127.0.0.1:5/?error=access_denied").unwrap_err();
        assert!(
            refused.contains("access_denied") && refused.contains("--paste"),
            "{refused}"
        );
        assert!(code_from_pasted("   ")
            .unwrap_err()
            .contains("paste the address"));
        assert!(code_from_pasted("http://127.0.0.1:5/?state=x")
            .unwrap_err()
            .contains("no code="));
    }

    #[test]
    fn the_paste_redirect_is_loopback_with_a_high_port() {
        let uri = paste_redirect_uri();
        let u = url::Url::parse(&uri).unwrap();
        assert_eq!(u.host_str(), Some("127.0.0.1"));
        assert!(u.port().unwrap() >= 49_152);
    }
}
