//! Signing in: one yup-oauth2 authenticator per served user.
//!
//! With a service account every user gets an authenticator whose JWT has the user as `sub`
//! (domain-wide delegation), so each call runs — and is authorised and charged — as that user.
//! With an installed-app client the single user's refresh token comes from the token cache that
//! [`super::login`] filled; the daemon never starts an interactive sign-in by itself (it could only
//! hang waiting for a browser), it reports that a login is needed instead.
//!
//! Tokens are cached per scope set, and every call asks for exactly one least-privilege scope
//! ([`super::scopes`]), so a user holds at most three access tokens.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use yup_oauth2::authenticator_delegate::InstalledFlowDelegate;
use yup_oauth2::{
    CustomHyperClientBuilder, InstalledFlowAuthenticator, InstalledFlowReturnMethod,
    ServiceAccountAuthenticator,
};

use super::connector::{HttpsConnector, Transport};
use super::errors::GoogleError;
use crate::config::GoogleAuth;

/// The authenticator type the hubs are built with.
pub type Authenticator = yup_oauth2::authenticator::Authenticator<HttpsConnector>;

/// An authenticator acting as `user`.
pub async fn authenticator(
    transport: &Transport,
    auth: &GoogleAuth,
    user: &str,
) -> Result<Authenticator, GoogleError> {
    let client = CustomHyperClientBuilder::from(transport.auth_client.clone());
    match auth {
        GoogleAuth::ServiceAccount { key_file, .. } => {
            warn_if_readable_by_others(key_file);
            let key = yup_oauth2::read_service_account_key(key_file)
                .await
                .map_err(|e| {
                    setup(format!(
                        "cannot read the service-account key {}: {e}",
                        key_file.display()
                    ))
                })?;
            ServiceAccountAuthenticator::with_client(key, client)
                .subject(user)
                .build()
                .await
                .map_err(|e| setup(format!("cannot set up the service account for {user}: {e}")))
        }
        GoogleAuth::Installed {
            client_secret,
            token_cache,
            user: configured,
        } => {
            if user != configured {
                return Err(setup(format!(
                    "auth = \"installed\" serves only {configured}, not {user}"
                )));
            }
            if !token_cache.exists() {
                return Err(GoogleError::Unauthorized {
                    message: format!(
                        "no sign-in stored for {user} at {}; run `oneonone auth login` first",
                        token_cache.display()
                    ),
                });
            }
            restrict_permissions(token_cache)?;
            let secret = read_client_secret(client_secret).await?;
            // Interactive would block on stdin; the delegate turns a needed sign-in into an error.
            InstalledFlowAuthenticator::with_client(
                secret,
                InstalledFlowReturnMethod::Interactive,
                client,
            )
            .persist_tokens_to_disk(token_cache)
            .flow_delegate(Box::new(NoInteractiveSignIn))
            .build()
            .await
            .map_err(|e| {
                setup(format!(
                    "cannot load the token cache {}: {e}",
                    token_cache.display()
                ))
            })
        }
    }
}

pub(super) async fn read_client_secret(
    path: &Path,
) -> Result<yup_oauth2::ApplicationSecret, GoogleError> {
    yup_oauth2::read_application_secret(path)
        .await
        .map_err(|e| {
            setup(format!(
                "cannot read the OAuth client {}: {e}",
                path.display()
            ))
        })
}

/// The token cache holds a refresh token: make sure only the owner can read it, also when the
/// file predates us (yup-oauth2 creates it 0600 but leaves an existing file's mode alone).
pub(super) fn restrict_permissions(path: &Path) -> Result<(), GoogleError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(
                |e| {
                    setup(format!(
                        "cannot make {} private (0600): {e}",
                        path.display()
                    ))
                },
            )?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// What is wrong with the service-account key file's mode, if anything: the key signs an
/// hour of access to any user of the domain, so group or other must not be able to read it.
/// `None` when the mode is fine or cannot be read (reading the key reports a missing file).
pub fn key_file_mode_problem(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        if mode & 0o044 != 0 {
            return Some(format!(
                "the service-account key {} is readable by {} (mode {mode:04o}): anyone who can \
                 read it can act as every served user — run `chmod 600 {}` (owned by the \
                 daemon's user)",
                path.display(),
                match (mode & 0o040 != 0, mode & 0o004 != 0) {
                    (true, true) => "its group and all users",
                    (true, false) => "its group",
                    _ => "all users",
                },
                path.display()
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Warns once per key file and process (the authenticator is built once per served user).
fn warn_if_readable_by_others(path: &Path) {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static WARNED: Mutex<BTreeSet<std::path::PathBuf>> = Mutex::new(BTreeSet::new());
    if let Some(problem) = key_file_mode_problem(path) {
        let mut warned = WARNED.lock().unwrap_or_else(|p| p.into_inner());
        if warned.insert(path.to_path_buf()) {
            tracing::warn!("{problem}");
        }
    }
}

pub(super) fn setup(message: String) -> GoogleError {
    GoogleError::Setup { message }
}

/// Refuses the interactive part of the installed flow, so a revoked refresh token surfaces as
/// [`GoogleError::Unauthorized`] instead of a daemon waiting on stdin.
struct NoInteractiveSignIn;

impl InstalledFlowDelegate for NoInteractiveSignIn {
    fn present_user_url<'a>(
        &'a self,
        _url: &'a str,
        _need_code: bool,
    ) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        Box::pin(async {
            Err("the stored sign-in is no longer valid; run `oneonone auth login` again".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn token_cache_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("token.json");
        std::fs::write(&file, "[]").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        restrict_permissions(&file).expect("restrict");
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_named_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("key.json");
        std::fs::write(&key, "{}").expect("write");
        for (mode, who) in [
            (0o644, "its group and all users"),
            (0o640, "its group"),
            (0o604, "all users"),
        ] {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).expect("chmod");
            let problem = key_file_mode_problem(&key).expect("a readable key is a problem");
            assert!(problem.contains(who), "{problem}");
            assert!(problem.contains(&format!("{mode:04o}")), "{problem}");
            assert!(problem.contains("chmod 600"), "{problem}");
        }
        for mode in [0o600, 0o400] {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).expect("chmod");
            assert_eq!(key_file_mode_problem(&key), None, "{mode:o}");
        }
        assert_eq!(
            key_file_mode_problem(&dir.path().join("missing.json")),
            None
        );
    }

    #[tokio::test]
    async fn installed_auth_without_a_login_asks_for_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let google = crate::config::GoogleConfig {
            auth: GoogleAuth::Installed {
                client_secret: dir.path().join("client.json"),
                token_cache: dir.path().join("token.json"),
                user: "me@example.com".into(),
            },
            endpoint: None,
            max_attempts: 1,
            request_timeout: std::time::Duration::from_secs(5),
            quota: Default::default(),
        };
        let transport = Transport::new(&google);
        let err = authenticator(&transport, &google.auth, "me@example.com")
            .await
            .err()
            .expect("no token cache yet");
        assert!(
            matches!(&err, GoogleError::Unauthorized { message } if message.contains("oneonone auth login")),
            "{err:?}"
        );
        let other = authenticator(&transport, &google.auth, "you@example.com")
            .await
            .err()
            .expect("wrong user");
        assert!(matches!(other, GoogleError::Setup { .. }), "{other:?}");
    }

    #[tokio::test]
    async fn missing_service_account_key_is_a_setup_error() {
        let google = crate::config::GoogleConfig {
            auth: GoogleAuth::ServiceAccount {
                key_file: "/nonexistent/key.json".into(),
                users: vec!["a@example.com".into()],
            },
            endpoint: None,
            max_attempts: 1,
            request_timeout: std::time::Duration::from_secs(5),
            quota: Default::default(),
        };
        let transport = Transport::new(&google);
        let err = authenticator(&transport, &google.auth, "a@example.com")
            .await
            .err()
            .expect("missing key");
        assert!(
            matches!(&err, GoogleError::Setup { message } if message.contains("/nonexistent/key.json")),
            "{err:?}"
        );
    }
}
