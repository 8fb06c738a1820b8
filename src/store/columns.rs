//! How Rust values are written to and read from columns.
//!
//! Instants are stored as RFC 3339 text in UTC with exactly nine fractional digits
//! (`2026-11-24T09:00:00.000000000Z`): fixed width, so SQL compares them correctly as text
//! (`ORDER BY`, `<`, `>=`), and still readable with the `sqlite3` shell. Dates are ISO 8601
//! (`2026-11-24`). Enums are lowercase snake-case words, checked by `CHECK` constraints in the
//! schema and decoded here; a value this build does not know is an error, never a default.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// An instant as stored: see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ts(pub DateTime<Utc>);

impl ToSql for Ts {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(
            self.0.to_rfc3339_opts(SecondsFormat::Nanos, true),
        ))
    }
}

impl FromSql for Ts {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        DateTime::parse_from_rfc3339(text)
            .map(|t| Ts(t.with_timezone(&Utc)))
            .map_err(|_| bad_value(text, "an RFC 3339 instant"))
    }
}

/// A calendar date as stored: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day(pub NaiveDate);

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.format("%Y-%m-%d").to_string()))
    }
}

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Day)
            .map_err(|_| bad_value(text, "a YYYY-MM-DD date"))
    }
}

/// Reads an optional instant column.
pub(crate) fn opt_ts(
    row: &rusqlite::Row<'_>,
    idx: &str,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(row.get::<_, Option<Ts>>(idx)?.map(|t| t.0))
}

/// Reads a required instant column.
pub(crate) fn ts(row: &rusqlite::Row<'_>, idx: &str) -> rusqlite::Result<DateTime<Utc>> {
    Ok(row.get::<_, Ts>(idx)?.0)
}

/// The error for a column whose text this build cannot interpret.
pub(crate) fn bad_value(text: &str, expected: &str) -> FromSqlError {
    FromSqlError::Other(format!("{text:?} is not {expected}").into())
}

/// Declares a fieldless enum's column spelling once and derives both directions from it.
macro_rules! sql_enum {
    ($ty:ty, $what:literal, { $($variant:path => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The word stored in the database for this value.
            pub(crate) fn as_sql(&self) -> &'static str {
                match self { $($variant => $text),+ }
            }
        }
        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_sql()))
            }
        }
        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                match text {
                    $($text => Ok($variant),)+
                    _ => Err($crate::store::columns::bad_value(text, $what)),
                }
            }
        }
    };
}
pub(crate) use sql_enum;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rusqlite::Connection;

    fn roundtrip<T: ToSql + FromSql>(v: &T) -> T {
        let conn = Connection::open_in_memory().unwrap();
        conn.query_row("SELECT ?1", [v], |r| r.get(0)).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Storage is lossless and text order equals time order, which the queries rely on.
        #[test]
        fn instants_roundtrip_and_sort_as_text(a in 0i64..253_402_300_799, an in 0u32..1_000_000_000,
                                               b in 0i64..253_402_300_799, bn in 0u32..1_000_000_000) {
            let ta = DateTime::from_timestamp(a, an).unwrap();
            let tb = DateTime::from_timestamp(b, bn).unwrap();
            prop_assert_eq!(roundtrip(&Ts(ta)).0, ta);
            let (sa, sb) = (ta.to_rfc3339_opts(SecondsFormat::Nanos, true),
                            tb.to_rfc3339_opts(SecondsFormat::Nanos, true));
            prop_assert_eq!(sa.cmp(&sb), ta.cmp(&tb));
        }

        #[test]
        fn dates_roundtrip(days in 0i32..2_900_000) {
            let d = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            prop_assert_eq!(roundtrip(&Day(d)).0, d);
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let conn = Connection::open_in_memory().unwrap();
        let r: rusqlite::Result<Ts> = conn.query_row("SELECT 'yesterday'", [], |r| r.get(0));
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("\"yesterday\" is not an RFC 3339 instant"));
        let r: rusqlite::Result<Day> = conn.query_row("SELECT 42", [], |r| r.get(0));
        assert!(r.is_err());
    }
}
