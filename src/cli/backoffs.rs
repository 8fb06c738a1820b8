//! The back-offs the daemon recorded (issue 10 §8), for `check` and `explain`: an operator
//! looking at one user must see that the daemon is leaving them alone, until when and why.

use oneonone::config::Config;
use oneonone::store::{Store, UserBackoff, DB_FILE_NAME};
use std::collections::BTreeMap;

/// Every served user's recorded back-off, read from the store without disturbing a running
/// daemon. Nothing when there is no store yet; a store that cannot be read is said once on
/// stderr and read as none (these commands must work without it).
pub fn recorded(config: &Config) -> BTreeMap<String, UserBackoff> {
    let state_dir = &config.daemon.state_dir;
    if !state_dir.join(DB_FILE_NAME).is_file() {
        return BTreeMap::new();
    }
    let store = match Store::open_reader_in_state_dir(state_dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("note: cannot read the daemon's back-offs: {e}");
            return BTreeMap::new();
        }
    };
    let mut found = BTreeMap::new();
    for user in config.google.auth.users() {
        match store.user_backoff(user) {
            Ok(Some(b)) => {
                found.insert(user.to_string(), b);
            }
            Ok(None) => {}
            Err(e) => eprintln!("note: cannot read the back-off of {user}: {e}"),
        }
    }
    found
}

/// One line about a recorded back-off.
pub fn describe(user: &str, b: &UserBackoff) -> String {
    format!(
        "{user}: the daemon is backing off this user — no call before {} ({} failed pass(es) \
         in a row; last: {})",
        b.next_attempt
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        b.failures,
        b.reason
    )
}
