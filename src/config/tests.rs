//! One test per kind of configuration error, plus the defaults and path resolution.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;

const SA_KEY: &str = r#"{"type":"service_account","client_email":"svc@p.iam.gserviceaccount.com",
"private_key":"-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n",
"token_uri":"http://127.0.0.1:8089/token"}"#;

/// A directory with a service-account key and a client secret next to the config file.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("key.json"), SA_KEY).expect("write key");
        std::fs::write(
            dir.path().join("client.json"),
            r#"{"installed":{"client_id":"x","client_secret":"y","auth_uri":"a","token_uri":"t","redirect_uris":["http://localhost"]}}"#,
        )
        .expect("write client");
        Fixture { dir }
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("oneonone.toml")
    }

    fn load(&self, text: &str) -> Result<Config, ConfigError> {
        std::fs::write(self.config_path(), text).expect("write config");
        Config::load(self.config_path())
    }

    /// Loads `[google]` for a service account plus `rest`, expecting an error; returns its text.
    fn error(&self, text: &str) -> String {
        match self.load(text) {
            Ok(c) => panic!("expected an error, got {c:?}"),
            Err(e) => e.to_string(),
        }
    }
}

const SA: &str = "[google]\nauth = \"service_account\"\nservice_account_key = \"key.json\"\nusers = [\"alice@example.com\"]\n";

fn assert_contains(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "{haystack:?} should contain {n:?}");
    }
}

#[test]
fn minimal_service_account_config_gets_documented_defaults() {
    let f = Fixture::new();
    let c = f.load(SA).expect("valid");
    assert_eq!(
        c.google.auth,
        GoogleAuth::ServiceAccount {
            key_file: f.dir.path().join("key.json"),
            users: vec!["alice@example.com".into()],
        }
    );
    assert_eq!(c.google.auth.users(), ["alice@example.com".to_string()]);
    assert_eq!(c.google.endpoint, None);
    assert_eq!(c.google.max_attempts, 5);
    assert_eq!(c.daemon.state_dir, f.dir.path().join("./state"));
    assert_eq!(c.daemon.poll_interval, Duration::from_secs(60));
    assert_eq!(c.daemon.prepare_before, Duration::from_secs(86_400));
    assert_eq!(c.daemon.harvest_after, Duration::from_secs(1_800));
    assert_eq!(c.daemon.lookahead, Duration::from_secs(35 * 86_400));
    assert_eq!(c.daemon.clock, ClockKind::System);
    assert_eq!(c.daemon.concurrency, 32);
    assert_eq!(c.doc.title, "{organizer} / {other} · 1:1 notes");
    assert_eq!(c.doc.folder, "1:1 notes");
    assert!(!c.doc.notify);
    assert_eq!(c.doc.growth, Growth::FirstOfMonth);
    assert_eq!(c.doc.template, TemplateChoice::Default);
    assert!(c.actions.aliases.is_empty());
    assert_eq!(c.source, f.config_path());
}

#[test]
fn the_example_config_is_valid_once_its_files_exist() {
    let f = Fixture::new();
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config/oneonone.example.toml"),
    )
    .expect("example config");
    // The example points at files an operator downloads; provide them under the same names.
    std::fs::create_dir_all(f.dir.path().join("secrets")).expect("mkdir");
    std::fs::write(f.dir.path().join("secrets/service-account.json"), SA_KEY).expect("key");
    let c = f.load(&example).expect("example must be valid");
    assert!(!c.google.auth.users().is_empty());
    assert!(c.detection.admits_title("Alice / Bob 1:1"));
}

#[test]
fn full_config_with_every_section() {
    let f = Fixture::new();
    std::fs::write(f.dir.path().join("template.md"), "# x").expect("template");
    let c = f
        .load(&format!(
            "{SA}endpoint = \"http://127.0.0.1:8089\"\nmax_attempts = 3\nrequest_timeout = \"10s\"\n\
             [daemon]\nstate_dir = \"/var/lib/oneonone\"\npoll_interval = \"5m\"\n\
             prepare_before = \"2h\"\nharvest_after = \"0s\"\nclock = \"sandbox\"\nlookahead = \"14d\"\n\
             [detection]\ninclude_titles = [\"1:1\", \"one.on.one\"]\nexclude_titles = [\"interview\"]\n\
             [doc]\ntitle = \"{{other}} <> {{organizer}}\"\nfolder = \"Notes\"\nnotify = true\n\
             allowed_domains = [\"Example.COM\"]\ntemplate = \"template.md\"\n\
             [actions]\naliases = {{ \"Bobby\" = \"bob@example.com\" }}\n"
        ))
        .expect("valid");
    assert_eq!(
        c.google.endpoint.as_ref().map(|u| u.as_str()),
        Some("http://127.0.0.1:8089/")
    );
    assert_eq!(c.google.max_attempts, 3);
    assert_eq!(c.google.request_timeout, Duration::from_secs(10));
    assert_eq!(c.daemon.state_dir, PathBuf::from("/var/lib/oneonone"));
    assert_eq!(c.daemon.poll_interval, Duration::from_secs(300));
    assert_eq!(c.daemon.clock, ClockKind::Sandbox);
    assert_eq!(c.daemon.lookahead, Duration::from_secs(14 * 86_400));
    assert!(c.detection.admits_title("Alice/Bob ONE ON ONE"));
    assert!(!c.detection.admits_title("1:1 Interview with Carol"));
    assert!(!c.detection.admits_title("Weekly sync"));
    assert_eq!(c.doc.render_title("Alice", "Bob"), "Bob <> Alice");
    assert!(c.doc.notify);
    assert_eq!(c.doc.allowed_domains, ["example.com"]);
    assert!(c.doc.may_share_with("alice@other.org", "bob@EXAMPLE.com"));
    assert!(!c.doc.may_share_with("alice@example.com", "eve@evil.com"));
    assert_eq!(
        c.doc.template,
        TemplateChoice::File(f.dir.path().join("template.md"))
    );
    assert_eq!(
        c.actions.aliases.get("Bobby").map(String::as_str),
        Some("bob@example.com")
    );
}

#[test]
fn installed_auth_defaults_the_token_cache_into_the_state_dir() {
    let f = Fixture::new();
    let c = f
        .load("[google]\nauth = \"installed\"\noauth_client = \"client.json\"\nuser = \"me@example.com\"\n")
        .expect("valid");
    assert_eq!(
        c.google.auth,
        GoogleAuth::Installed {
            client_secret: f.dir.path().join("client.json"),
            token_cache: f.dir.path().join("./state").join("oauth-token.json"),
            user: "me@example.com".into(),
        }
    );
}

#[test]
fn empty_allowed_domains_means_the_organizers_domain() {
    let f = Fixture::new();
    let c = f.load(SA).expect("valid");
    assert!(c.doc.may_share_with("alice@example.com", "bob@Example.com"));
    assert!(!c.doc.may_share_with("alice@example.com", "bob@example.org"));
    assert!(!c.doc.may_share_with("alice@example.com", "not-an-address"));
}

#[test]
fn unreadable_file_names_the_path() {
    let err = Config::load("/nonexistent/oneonone.toml").expect_err("missing file");
    assert!(matches!(err, ConfigError::Read { .. }));
    assert_contains(&err.to_string(), &["/nonexistent/oneonone.toml"]);
}

#[test]
fn unknown_key_is_rejected_with_the_file_and_accepted_keys() {
    let f = Fixture::new();
    let e = f.error(&format!("{SA}[daemon]\npoll_intervall = \"60s\"\n"));
    assert_contains(
        &e,
        &[
            "oneonone.toml",
            "poll_intervall",
            "unknown field",
            "poll_interval",
        ],
    );
}

#[test]
fn unknown_section_is_rejected() {
    let f = Fixture::new();
    let e = f.error(&format!("{SA}[deamon]\n"));
    assert_contains(&e, &["deamon", "unknown field"]);
}

#[test]
fn missing_google_section_is_reported() {
    let f = Fixture::new();
    assert_contains(&f.error("[daemon]\n"), &["google"]);
}

#[test]
fn bad_auth_kind_lists_the_accepted_values() {
    let f = Fixture::new();
    let e = f.error("[google]\nauth = \"oauth\"\n");
    assert_contains(&e, &["oauth", "service_account", "installed"]);
}

#[test]
fn bad_duration_names_the_key_and_value() {
    let f = Fixture::new();
    let e = f.error(&format!("{SA}[daemon]\nprepare_before = \"one day\"\n"));
    assert_contains(&e, &["prepare_before", "one day", "\"24h\""]);
}

#[test]
fn missing_key_file_says_where_to_get_one() {
    let f = Fixture::new();
    let e = f.error(
        "[google]\nauth = \"service_account\"\nservice_account_key = \"/x/y.json\"\nusers = [\"a@b.c\"]\n",
    );
    assert_contains(
        &e,
        &[
            "google.service_account_key",
            "/x/y.json does not exist",
            "Google Cloud console",
        ],
    );
}

#[test]
fn key_file_path_is_relative_to_the_config_file() {
    let f = Fixture::new();
    let e = f.error(
        "[google]\nauth = \"service_account\"\nservice_account_key = \"sub/key.json\"\nusers = [\"a@b.c\"]\n",
    );
    let expected = f.dir.path().join("sub/key.json");
    assert_contains(&e, &[&expected.display().to_string()]);
}

#[test]
fn a_client_secret_given_as_service_account_key_is_refused() {
    let f = Fixture::new();
    let e = f.error(
        "[google]\nauth = \"service_account\"\nservice_account_key = \"client.json\"\nusers = [\"a@b.c\"]\n",
    );
    assert_contains(&e, &["not a service-account key", "missing: client_email"]);
}

#[test]
fn service_account_without_key_or_users() {
    let f = Fixture::new();
    assert_contains(
        &f.error("[google]\nauth = \"service_account\"\nusers = [\"a@b.c\"]\n"),
        &["google.service_account_key", "missing"],
    );
    assert_contains(
        &f.error("[google]\nauth = \"service_account\"\nservice_account_key = \"key.json\"\n"),
        &["google.users", "missing or empty"],
    );
}

#[test]
fn bad_or_duplicate_user_is_named_by_index() {
    let f = Fixture::new();
    let head = "[google]\nauth = \"service_account\"\nservice_account_key = \"key.json\"\n";
    assert_contains(
        &f.error(&format!("{head}users = [\"a@b.c\", \"Bob Smith\"]\n")),
        &["google.users[1]", "\"Bob Smith\" is not an e-mail address"],
    );
    assert_contains(
        &f.error(&format!("{head}users = [\"a@b.c\", \"a@b.c\"]\n")),
        &["google.users[1]", "twice"],
    );
}

#[test]
fn keys_of_the_other_auth_kind_are_refused() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!("{SA}user = \"me@example.com\"\n")),
        &["google.user", "only used with auth = \"installed\""],
    );
    assert_contains(
        &f.error("[google]\nauth = \"installed\"\noauth_client = \"client.json\"\nuser = \"a@b.c\"\nusers = [\"a@b.c\"]\n"),
        &["google.users", "only used with auth = \"service_account\""],
    );
}

#[test]
fn installed_needs_client_and_user() {
    let f = Fixture::new();
    assert_contains(
        &f.error("[google]\nauth = \"installed\"\nuser = \"a@b.c\"\n"),
        &["google.oauth_client", "missing", "Desktop app"],
    );
    assert_contains(
        &f.error(
            "[google]\nauth = \"installed\"\noauth_client = \"nope.json\"\nuser = \"a@b.c\"\n",
        ),
        &["google.oauth_client", "nope.json does not exist"],
    );
    assert_contains(
        &f.error("[google]\nauth = \"installed\"\noauth_client = \"key.json\"\nuser = \"a@b.c\"\n"),
        &["google.oauth_client", "not an OAuth client secret"],
    );
    assert_contains(
        &f.error("[google]\nauth = \"installed\"\noauth_client = \"client.json\"\n"),
        &["google.user", "missing"],
    );
    assert_contains(
        &f.error("[google]\nauth = \"installed\"\noauth_client = \"client.json\"\nuser = \"a@b.c\"\ntoken_cache = \".\"\n"),
        &["google.token_cache", "is a directory"],
    );
}

#[test]
fn plain_http_only_to_loopback() {
    let f = Fixture::new();
    for ok in [
        "http://127.0.0.1:8089/",
        "http://localhost:1/",
        "http://[::1]:9/",
        "https://google.example/",
    ] {
        let c = f
            .load(&format!("{SA}endpoint = \"{ok}\"\n"))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(c.google.endpoint.is_some());
    }
    assert_contains(
        &f.error(&format!("{SA}endpoint = \"http://10.0.0.5:8089/\"\n")),
        &[
            "google.endpoint",
            "http://10.0.0.5:8089/",
            "plain http",
            "https://",
        ],
    );
    assert_contains(
        &f.error(&format!("{SA}endpoint = \"ftp://127.0.0.1/\"\n")),
        &["google.endpoint", "scheme \"ftp\""],
    );
    assert_contains(
        &f.error(&format!("{SA}endpoint = \"127.0.0.1:8089\"\n")),
        &["google.endpoint"],
    );
    assert_contains(
        &f.error(&format!("{SA}endpoint = \"http://127.0.0.1:8089/?x=1\"\n")),
        &["google.endpoint", "query"],
    );
}

#[test]
fn endpoint_path_gets_a_trailing_slash() {
    let f = Fixture::new();
    let c = f
        .load(&format!(
            "{SA}endpoint = \"http://127.0.0.1:8089/google\"\n"
        ))
        .expect("valid");
    assert_eq!(
        c.google.endpoint.map(String::from).as_deref(),
        Some("http://127.0.0.1:8089/google/")
    );
}

#[test]
fn max_attempts_and_timeouts_have_bounds() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!("{SA}max_attempts = 0\n")),
        &["google.max_attempts", "0 is out of range"],
    );
    assert_contains(
        &f.error(&format!("{SA}request_timeout = \"10ms\"\n")),
        &["google.request_timeout", "10ms", "too short"],
    );
    assert_contains(
        &f.error(&format!("{SA}[daemon]\npoll_interval = \"0s\"\n")),
        &["daemon.poll_interval", "too short"],
    );
}

/// Issue 10 §7: `lookahead = "300000y"` used to panic the daemon ("`DateTime + TimeDelta`
/// overflowed"); every duration now has an upper bound, refused with the key and the range.
#[test]
fn every_duration_has_an_upper_bound() {
    let f = Fixture::new();
    for (key, value) in [
        ("lookahead", "300000y"),
        ("lookahead", "400d"),
        ("prepare_before", "60d"),
        ("harvest_after", "8d"),
        ("poll_interval", "2d"),
    ] {
        assert_contains(
            &f.error(&format!("{SA}[daemon]\n{key} = \"{value}\"\n")),
            &[&format!("daemon.{key}"), "too long", "accepted:"],
        );
    }
    assert_contains(
        &f.error(&format!("{SA}request_timeout = \"1h\"\n")),
        &["google.request_timeout", "too long"],
    );
    assert_contains(
        &f.error(&format!("{SA}[daemon]\nprepare_before = \"10s\"\n")),
        &["daemon.prepare_before", "too short"],
    );
}

#[test]
fn lookahead_must_exceed_prepare_before() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!(
            "{SA}[daemon]\nlookahead = \"1d\"\nprepare_before = \"2d\"\n"
        )),
        &["daemon.lookahead", "prepare_before"],
    );
}

#[test]
fn sandbox_clock_needs_an_endpoint() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!("{SA}[daemon]\nclock = \"sandbox\"\n")),
        &["daemon.clock", "google.endpoint"],
    );
    assert_contains(
        &f.error(&format!("{SA}[daemon]\nclock = \"simulated\"\n")),
        &["simulated", "system", "sandbox"],
    );
}

#[test]
fn state_dir_must_not_be_a_file() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!("{SA}[daemon]\nstate_dir = \"key.json\"\n")),
        &["daemon.state_dir", "is a file"],
    );
}

#[test]
fn invalid_regex_names_key_and_index() {
    let f = Fixture::new();
    let e = f.error(&format!(
        "{SA}[detection]\ninclude_titles = [\"ok\"]\nexclude_titles = [\"fine\", \"(unclosed\"]\n"
    ));
    assert_contains(
        &e,
        &[
            "detection.exclude_titles[1]",
            "(unclosed",
            "regular expression",
        ],
    );
}

#[test]
fn doc_title_placeholders_are_checked() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!(
            "{SA}[doc]\ntitle = \"{{organiser}} / {{other}}\"\n"
        )),
        &["doc.title", "{organiser}", "{organizer}, {other}"],
    );
    assert_contains(
        &f.error(&format!("{SA}[doc]\ntitle = \"{{organizer\"\n")),
        &["doc.title", "without"],
    );
    assert_contains(
        &f.error(&format!("{SA}[doc]\ntitle = \"  \"\n")),
        &["doc.title", "empty"],
    );
}

#[test]
fn doc_template_names_a_built_in_variant_or_a_file() {
    let f = Fixture::new();
    for (value, want) in [
        ("default", TemplateChoice::Default),
        ("compact", TemplateChoice::Compact),
    ] {
        let c = f
            .load(&format!("{SA}[doc]\ntemplate = \"{value}\"\n"))
            .expect("valid");
        assert_eq!(c.doc.template, want, "{value}");
    }
    // A file of that name is reached with a path ("./compact").
    std::fs::write(f.dir.path().join("compact"), "## {{ date_label }}\n").expect("write");
    let c = f
        .load(&format!("{SA}[doc]\ntemplate = \"./compact\"\n"))
        .expect("valid");
    assert_eq!(
        c.doc.template,
        TemplateChoice::File(f.dir.path().join("./compact"))
    );
}

#[test]
fn doc_folder_domains_and_template_are_checked() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!("{SA}[doc]\nfolder = \"a/b\"\n")),
        &["doc.folder", "a/b"],
    );
    assert_contains(
        &f.error(&format!(
            "{SA}[doc]\nallowed_domains = [\"example.com\", \"@corp.com\"]\n"
        )),
        &["doc.allowed_domains[1]", "@corp.com"],
    );
    assert_contains(
        &f.error(&format!("{SA}[doc]\ntemplate = \"missing.md\"\n")),
        &[
            "doc.template",
            "missing.md does not exist",
            "\"compact\"",
            "built-in",
        ],
    );
}

#[test]
fn alias_targets_must_be_addresses() {
    let f = Fixture::new();
    assert_contains(
        &f.error(&format!(
            "{SA}[actions]\naliases = {{ \"Bobby\" = \"bob\" }}\n"
        )),
        &[
            "actions.aliases.\"Bobby\"",
            "\"bob\" is not an e-mail address",
        ],
    );
}

#[test]
fn growth_takes_its_three_forms_and_names_them_when_wrong() {
    let f = Fixture::new();
    for (word, want) in [
        ("first_of_month", Growth::FirstOfMonth),
        ("always", Growth::Always),
        ("never", Growth::Never),
    ] {
        let c = f
            .load(&format!("{SA}[doc]\ngrowth = \"{word}\"\n"))
            .expect("valid");
        assert_eq!(c.doc.growth, want);
    }
    let e = f.error(&format!("{SA}[doc]\ngrowth = \"weekly\"\n"));
    assert_contains(
        &e,
        &[
            "oneonone.toml",
            "growth",
            "weekly",
            "first_of_month",
            "never",
        ],
    );
}

/// Issue 12: `daemon.concurrency` defaults to 32 and refuses 0, negatives and absurd values
/// with the key and the range.
#[test]
fn daemon_concurrency_is_validated() {
    let f = Fixture::new();
    for bad in ["0", "-3", "5000"] {
        assert_contains(
            &f.error(&format!("{SA}[daemon]\nconcurrency = {bad}\n")),
            &["daemon.concurrency", bad, "from 1 to 1024"],
        );
    }
    assert_contains(
        &f.error(&format!("{SA}[daemon]\nconcurrency = \"many\"\n")),
        &["concurrency"],
    );
}

/// Issue 12: `[google.quota]` defaults to Google's published limits, takes overrides, and names
/// the key and the range of a bad value; the sandbox's simulated clock turns pacing off.
#[test]
fn google_quota_has_googles_defaults_bounds_and_is_off_on_simulated_time() {
    let f = Fixture::new();
    let c = f.load(SA).expect("valid");
    let q = c.google.quota;
    assert_eq!(q.calendar.per_minute, 10_000);
    assert_eq!(q.calendar.per_user_per_minute, 600);
    assert_eq!(q.docs_reads.per_user_per_minute, 300);
    assert_eq!(q.docs_writes.per_minute, 600);
    assert_eq!(q.docs_writes.per_user_per_minute, 60);
    assert_eq!(q.drive.per_minute, 12_000);
    assert_eq!(q.background_percent, 50);
    assert!(q.paced, "the system clock paces calls");

    let c = f
        .load(&format!(
            "{SA}[google.quota]\ndocs_writes_per_minute = 1200\ndocs_writes_per_user_per_minute = 90\nbackground_percent = 30\n"
        ))
        .expect("valid");
    assert_eq!(c.google.quota.docs_writes.per_minute, 1200);
    assert_eq!(c.google.quota.docs_writes.per_user_per_minute, 90);
    assert_eq!(
        c.google.quota.docs_reads.per_minute, 3_000,
        "the rest keep defaults"
    );
    assert_eq!(c.google.quota.background_percent, 30);

    for (key, bad) in [
        ("calendar_per_minute", "0"),
        ("drive_per_user_per_minute", "-5"),
        ("docs_reads_per_minute", "99999999999"),
    ] {
        assert_contains(
            &f.error(&format!("{SA}[google.quota]\n{key} = {bad}\n")),
            &[&format!("google.quota.{key}"), bad, "1 to 10000000"],
        );
    }
    assert_contains(
        &f.error(&format!(
            "{SA}[google.quota]\ncalendar_per_user_per_minute = 20000\n"
        )),
        &[
            "google.quota.calendar_per_user_per_minute",
            "20000",
            "calendar_per_minute (10000)",
        ],
    );
    assert_contains(
        &f.error(&format!("{SA}[google.quota]\nbackground_percent = 101\n")),
        &["google.quota.background_percent", "1 to 100"],
    );
    assert_contains(
        &f.error(&format!("{SA}[google.quota]\ncalendar_qpm = 5\n")),
        &["calendar_qpm"],
    );

    let sandbox =
        format!("{SA}endpoint = \"http://127.0.0.1:8089/\"\n[daemon]\nclock = \"sandbox\"\n");
    let c = f.load(&sandbox).expect("valid");
    assert!(
        !c.google.quota.paced,
        "simulated time is not paced by the wall clock"
    );
}

/// Issue 11: `doc.per` is "pair" by default, takes "series", and names the accepted values when
/// misspelt.
#[test]
fn doc_per_defaults_to_pair_and_names_its_values() {
    let f = Fixture::new();
    assert_eq!(f.load(SA).expect("valid").doc.per, DocPer::Pair);
    let c = f
        .load(&format!("{SA}[doc]\nper = \"series\"\n"))
        .expect("valid");
    assert_eq!(c.doc.per, DocPer::Series);
    assert_contains(
        &f.error(&format!("{SA}[doc]\nper = \"relationship\"\n")),
        &["relationship", "pair", "series"],
    );
}

/// Issue 12: `[http]` is on and on loopback by default; `listen` takes an IP and a port and
/// names the key and the accepted forms otherwise.
#[test]
fn http_listener_defaults_to_loopback_and_validates_its_address() {
    let f = Fixture::new();
    let c = f.load(SA).expect("valid");
    assert!(c.http.enabled);
    assert_eq!(c.http.listen.to_string(), "127.0.0.1:9464");
    assert!(c.http.listen.ip().is_loopback());
    let c = f
        .load(&format!(
            "{SA}[http]\nenabled = false\nlisten = \"[::1]:9100\"\n"
        ))
        .expect("valid");
    assert!(!c.http.enabled);
    assert_eq!(c.http.listen.to_string(), "[::1]:9100");
    for bad in ["localhost:9464", "127.0.0.1", "127.0.0.1:99999"] {
        assert_contains(
            &f.error(&format!("{SA}[http]\nlisten = \"{bad}\"\n")),
            &["http.listen", bad, "127.0.0.1:9464", "host name"],
        );
    }
    assert_contains(
        &f.error(&format!("{SA}[http]\nlisten_on = \"127.0.0.1:1\"\n")),
        &["listen_on"],
    );
}

/// Issue 12: `[push]` needs an https address (plain http only on loopback, for the sandbox),
/// appends `notify`, and defaults the fallback poll to 30 minutes, never below the poll.
#[test]
fn push_address_is_https_or_loopback_and_the_fallback_poll_is_checked() {
    let f = Fixture::new();
    assert!(f.load(SA).expect("valid").push.is_none(), "no [push]: poll");
    let c = f
        .load(&format!(
            "{SA}[push]\naddress = \"https://o.example.com/hooks\"\n"
        ))
        .expect("valid");
    let push = c.push.expect("push");
    assert_eq!(
        push.notify_url.as_str(),
        "https://o.example.com/hooks/notify"
    );
    assert_eq!(push.fallback_poll, Duration::from_secs(1800));
    let c = f
        .load(&format!(
            "{SA}[push]\naddress = \"http://127.0.0.1:9464\"\nfallback_poll = \"2m\"\n"
        ))
        .expect("loopback http is the sandbox's");
    let push = c.push.expect("push");
    assert_eq!(push.notify_url.as_str(), "http://127.0.0.1:9464/notify");
    assert_eq!(push.fallback_poll, Duration::from_secs(120));
    for bad in ["http://o.example.com", "ftp://127.0.0.1/x"] {
        assert_contains(
            &f.error(&format!("{SA}[push]\naddress = \"{bad}\"\n")),
            &["push.address", bad, "https://", "loopback"],
        );
    }
    assert_contains(
        &f.error(&format!("{SA}[push]\naddress = \"o.example.com\"\n")),
        &["push.address", "absolute URL"],
    );
    assert_contains(
        &f.error(&format!("{SA}[push]\nfallback_poll = \"1h\"\n")),
        &["push.address", "missing"],
    );
    assert_contains(
        &f.error(&format!(
            "{SA}[daemon]\npoll_interval = \"5m\"\n[push]\naddress = \"https://o.example.com\"\n\
             fallback_poll = \"1m\"\n"
        )),
        &["push.fallback_poll", "shorter than daemon.poll_interval"],
    );
}

#[test]
fn directory_names_default_on_with_a_service_account_and_off_when_installed() {
    let f = Fixture::new();
    let c = f.load(SA).expect("valid");
    assert!(c.names.directory);
    assert_eq!(c.names.refresh, Duration::from_secs(7 * 24 * 3600));
    let off = f
        .load(&format!(
            "{SA}[names]\ndirectory = false\nrefresh = \"2d\"\n"
        ))
        .expect("valid");
    assert!(!off.names.directory);
    assert_eq!(off.names.refresh, Duration::from_secs(2 * 24 * 3600));
    let installed = "[google]\nauth = \"installed\"\noauth_client = \"client.json\"\nuser = \"alice@example.com\"\n";
    assert!(!f.load(installed).expect("valid").names.directory);
    let on = f
        .load(&format!("{installed}[names]\ndirectory = true\n"))
        .expect("valid");
    assert!(on.names.directory);
}

#[test]
fn names_are_validated_with_the_key_and_the_fix() {
    let f = Fixture::new();
    let e = f.error(&format!("{SA}[names]\nrefresh = \"5m\"\n"));
    assert_contains(&e, &["names.refresh", "5m"]);
    let e = f.error(&format!("{SA}[names]\ndirectory = \"yes\"\n"));
    assert_contains(&e, &["directory", "bool"]);
    let e = f.error(&format!("{SA}[names]\ndirecotry = true\n"));
    assert_contains(&e, &["direcotry"]);
}

#[test]
fn tasks_are_off_by_default_with_documented_defaults() {
    let f = Fixture::new();
    let c = f.load(SA).expect("valid");
    assert_eq!(c.tasks, TasksConfig::default());
    assert!(!c.tasks.enabled);
    assert_eq!(c.tasks.list, "1:1 action items");
    assert_eq!(c.tasks.owners, TaskOwners::Both);
    let c = f
        .load(&format!(
            "{SA}[tasks]\nenabled = true\nlist = \"1:1s\"\nowners = \"report\"\n"
        ))
        .expect("valid");
    assert!(c.tasks.enabled && !c.tasks.owners.manager() && c.tasks.owners.report());
    assert_eq!(c.tasks.list, "1:1s");
}

#[test]
fn bad_tasks_values_are_named_with_the_fix() {
    let f = Fixture::new();
    let e = f.error(&format!("{SA}[tasks]\nlist = \"  \"\n"));
    assert_contains(&e, &["tasks.list", "is empty", "1:1 action items"]);
    let e = f.error(&format!("{SA}[tasks]\nlist = \"{}\"\n", "x".repeat(257)));
    assert_contains(&e, &["tasks.list", "257 characters", "at most 256"]);
    let e = f.error(&format!("{SA}[tasks]\nowners = \"everyone\"\n"));
    assert_contains(&e, &["owners", "manager", "report", "both"]);
    let e = f.error(
        "[google]\nauth = \"installed\"\noauth_client = \"client.json\"\nuser = \"me@example.com\"\n[tasks]\nenabled = true\n",
    );
    assert_contains(&e, &["tasks.enabled", "service_account", "auth/tasks"]);
}
