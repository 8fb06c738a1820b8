use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

/// A plain file for evaluating queries.
struct F {
    name: &'static str,
    mime: &'static str,
    trashed: bool,
    parents: Vec<&'static str>,
    owner: &'static str,
    writers: Vec<&'static str>,
    readers: Vec<&'static str>,
    props: Vec<(&'static str, &'static str)>,
}

impl Default for F {
    fn default() -> Self {
        F {
            name: "Alice / Bob · 1:1 notes",
            mime: "application/vnd.google-apps.document",
            trashed: false,
            parents: vec!["folder1"],
            owner: "alice@example.com",
            writers: vec!["bob@example.com"],
            readers: vec!["carol@example.com"],
            props: vec![("oneononeSeries", "cal:evt1")],
        }
    }
}

impl Candidate for F {
    fn name(&self) -> &str {
        self.name
    }
    fn mime_type(&self) -> &str {
        self.mime
    }
    fn trashed(&self) -> bool {
        self.trashed
    }
    fn starred(&self) -> bool {
        false
    }
    fn shared_with_me(&self) -> bool {
        false
    }
    fn modified_time(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap()
    }
    fn created_time(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap()
    }
    fn has_parent(&self, id: &str) -> bool {
        self.parents.contains(&id)
    }
    fn is_owner(&self, email: &str) -> bool {
        self.owner == email
    }
    fn is_writer(&self, email: &str) -> bool {
        self.is_owner(email) || self.writers.contains(&email)
    }
    fn is_reader(&self, email: &str) -> bool {
        self.is_writer(email) || self.readers.contains(&email)
    }
    fn app_property(&self, key: &str) -> Option<&str> {
        self.props.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

fn eval(q: &str, f: &F) -> bool {
    Query::parse(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .matches(f)
}

#[test]
fn the_marker_lookup_the_daemon_sends() {
    let q = "appProperties has { key='oneononeSeries' and value='cal:evt1' } and trashed = false";
    assert!(eval(q, &F::default()));
    assert!(!eval(
        q,
        &F {
            trashed: true,
            ..F::default()
        }
    ));
    assert!(!eval(
        q,
        &F {
            props: vec![],
            ..F::default()
        }
    ));
    assert!(!eval(
        q,
        &F {
            props: vec![("oneononeSeries", "cal:evt2")],
            ..F::default()
        }
    ));
}

#[test]
fn escaped_quotes_in_names() {
    let f = F {
        name: "Bob's 1:1",
        ..F::default()
    };
    assert!(eval(r"name = 'Bob\'s 1:1'", &f));
    assert!(!eval(r"name = 'Bob\'s 1:2'", &f));
    assert!(eval(r#"name = "Bob's 1:1""#, &f));
    assert!(eval(
        r"name = 'a\\b'",
        &F {
            name: r"a\b",
            ..F::default()
        }
    ));
}

#[test]
fn operators_and_precedence() {
    let f = F::default();
    // `and` binds tighter than `or`.
    assert!(eval(
        "name = 'x' or mimeType = 'application/vnd.google-apps.document' and trashed = false",
        &f
    ));
    assert!(!eval(
        "(name = 'x' or mimeType = 'application/vnd.google-apps.document') and trashed = true",
        &f
    ));
    assert!(eval("not trashed", &f));
    assert!(eval("NOT name = 'x' AND 'folder1' in parents", &f));
    assert!(!eval("'folder2' in parents", &f));
    assert!(eval(
        "'bob@example.com' in writers and 'carol@example.com' in readers",
        &f
    ));
    assert!(!eval("'carol@example.com' in writers", &f));
    assert!(eval("'alice@example.com' in owners", &f));
    assert!(eval("mimeType != 'application/vnd.google-apps.folder'", &f));
    assert!(eval("trashed != true", &f));
}

#[test]
fn contains_is_a_case_insensitive_word_prefix() {
    let f = F {
        name: "HelloWorld notes",
        ..F::default()
    };
    assert!(eval("name contains 'hello'", &f));
    assert!(eval("name contains 'Notes'", &f));
    assert!(!eval("name contains 'World'", &f));
}

#[test]
fn times_compare() {
    let f = F::default();
    assert!(eval("modifiedTime > '2026-11-19T00:00:00Z'", &f));
    assert!(!eval("modifiedTime < '2026-11-19T00:00:00Z'", &f));
    assert!(eval("createdTime <= '2026-11-01T10:00:00Z'", &f));
    assert!(Query::parse("modifiedTime > 'yesterday'").is_err());
}

#[test]
fn refuses_unknown_and_malformed_terms() {
    for bad in [
        "",
        "fullText contains 'x'",
        "name = ",
        "name == 'x'",
        "name = 'unterminated",
        "appProperties has { key='a' }",
        "(name = 'x'",
        "name = 'x')",
        "'x' in children",
        "trashed = maybe",
        "name = 'x' and",
        "name ! 'x'",
        "name = 'x' # comment",
    ] {
        let err = Query::parse(bad).expect_err(bad);
        assert!(err.offset <= bad.len(), "{bad}: {err}");
        assert!(err.to_string().starts_with("Invalid Value"), "{err}");
    }
}

#[test]
fn error_points_at_the_unknown_term() {
    let err = Query::parse("trashed = false and starredByMe = true").unwrap_err();
    assert_eq!(err.offset, 20);
    assert!(err.message.contains("starredByMe"));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let q = format!("{}trashed{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(Query::parse(&q).is_err());
    let q = format!("{}trashed", "not ".repeat(10_000));
    assert!(Query::parse(&q).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_any_string(q in "\\PC{0,80}") {
        let _ = Query::parse(&q);
    }

    #[test]
    fn never_panics_on_query_like_strings(q in "[a-zA-Z ='\"(){}!<>\\\\]{0,60}") {
        if let Ok(query) = Query::parse(&q) {
            let _ = query.matches(&F::default());
        }
    }

    #[test]
    fn any_name_round_trips_through_escaping(name in "\\PC{0,40}") {
        let escaped = name.replace('\\', "\\\\").replace('\'', "\\'");
        let q = format!("name = '{escaped}'");
        let query = Query::parse(&q).unwrap();
        prop_assert_eq!(query, Query::Term(Term::Name(StrOp::Eq, name)));
    }

    #[test]
    fn not_inverts(name in "[a-z]{0,8}") {
        let f = F::default();
        let q = format!("name = '{name}'");
        prop_assert_eq!(eval(&q, &f), !eval(&format!("not ({q})"), &f));
    }
}
