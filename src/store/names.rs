//! The directory-name cache (migration 5): what the People API said a person is called, and
//! when. Only a cache — losing it costs one directory search per person.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::columns::{ts, Ts};
use super::{Result, Store};

/// One cached directory answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryName {
    /// The directory's display name; `None` when it has no profile for the address.
    pub name: Option<String>,
    pub fetched_at: DateTime<Utc>,
}

impl Store {
    /// The cached directory answer for `email`, however old.
    pub fn directory_name(&self, email: &str) -> Result<Option<DirectoryName>> {
        let op = "read a cached directory name";
        self.conn
            .query_row(
                "SELECT name, fetched_at FROM directory_names WHERE email = ?1",
                params![email.trim()],
                |r| {
                    Ok(DirectoryName {
                        name: r.get(0)?,
                        fetched_at: ts(r, "fetched_at")?,
                    })
                },
            )
            .optional()
            .map_err(self.sql_err(op))
    }

    /// Caches the directory's answer for `email`.
    pub fn set_directory_name(
        &mut self,
        email: &str,
        name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("cache a directory name", |tx| {
            tx.execute(
                "INSERT INTO directory_names (email, name, fetched_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (email) DO UPDATE SET
                     name = excluded.name, fetched_at = excluded.fetched_at",
                params![email.trim(), name, Ts(now)],
            )
            .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_name_is_cached_per_address_case_insensitively_and_replaced() {
        let mut s = Store::open_in_memory().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        assert_eq!(s.directory_name("bob@x.org").unwrap(), None);
        s.set_directory_name("Bob@X.org", Some("Bob Okafor"), t)
            .unwrap();
        let got = s.directory_name("bob@x.org").unwrap().expect("cached");
        assert_eq!(got.name.as_deref(), Some("Bob Okafor"));
        assert_eq!(got.fetched_at, t);
        s.set_directory_name("bob@x.org", None, t).unwrap();
        assert_eq!(s.directory_name("BOB@x.org").unwrap().unwrap().name, None);
    }
}
