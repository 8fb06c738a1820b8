//! The metrics render as OpenMetrics text with what was recorded.

use super::Metrics;
use crate::google::GoogleError;
use crate::reconcile::PassReport;
use std::time::Duration;

#[test]
fn recorded_calls_and_passes_show_in_the_text() {
    let m = Metrics::new();
    m.google
        .attempt::<()>("calendar.events.list", &Ok(()), Duration::from_millis(3));
    m.google.attempt::<()>(
        "docs.documents.batchUpdate",
        &Err(GoogleError::RateLimited {
            retry_after: None,
            message: "slow down".into(),
        }),
        Duration::from_millis(7),
    );
    m.google
        .retry_wait("docs.documents.batchUpdate", Duration::from_millis(500));
    let report = PassReport {
        docs_created: 2,
        sections_written: 3,
        users_quiet: 1,
        ..PassReport::default()
    };
    m.pass.pass_done(Duration::from_millis(40), 4, 1, &report);
    m.pass.synced("alice@example.com");
    let text = m.render();
    for want in [
        "oneonone_google_requests_total{method=\"calendar.events.list\",status=\"200\"} 1",
        "oneonone_google_requests_total{method=\"docs.documents.batchUpdate\",status=\"429\"} 1",
        "oneonone_google_errors_total{method=\"docs.documents.batchUpdate\",kind=\"rate_limited\"} 1",
        "oneonone_google_retry_wait_seconds_total{method=\"docs.documents.batchUpdate\"} 0.5",
        "oneonone_passes_total 1",
        "oneonone_pass_duration_seconds_count 1",
        "oneonone_docs_created_total 2",
        "oneonone_sections_written_total 3",
        "oneonone_users_quiet 1",
        "oneonone_users_backing_off 1",
        "oneonone_users_served 4",
        "oneonone_user_last_sync_age_seconds{user=\"alice@example.com\"}",
        "# TYPE oneonone_google_request_duration_seconds histogram",
    ] {
        assert!(text.contains(want), "{want} in:\n{text}");
    }
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert!(m.pass.newest_sync_age().is_some());
    m.pass.forget_user("alice@example.com");
    assert!(m.pass.newest_sync_age().is_none());
    assert!(!m.render().contains("alice@example.com"));
}

#[test]
fn every_error_has_a_status_label() {
    let cases = [
        (
            GoogleError::Transient {
                code: None,
                message: String::new(),
            },
            "transport",
        ),
        (
            GoogleError::Transient {
                code: Some(503),
                message: String::new(),
            },
            "503",
        ),
        (
            GoogleError::Permanent {
                code: None,
                reason: None,
                message: String::new(),
            },
            "undecodable",
        ),
        (
            GoogleError::Setup {
                message: String::new(),
            },
            "setup",
        ),
        (
            GoogleError::NotFound {
                message: String::new(),
            },
            "404",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(e.metric_status(), want, "{e}");
    }
}
