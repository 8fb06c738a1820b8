//! Recurring series captured from Google Calendar, imported into the sandbox: the sandbox's
//! instance ids and start times must match what Google returned (exception ids name the
//! occurrence they replace; `originalStartTime` says where the series put it).
//! Skips (with a message) when the fixtures directory is absent.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use oneonone_sandbox::calendar::instances::split_instance_id;
use oneonone_sandbox::calendar::recurrence::Occurrence;
use oneonone_sandbox::calendar::{CalendarState, Env, ListParams, UserInfo};
use serde_json::Value;

const CAL: &str = "test.user@gmail.com";

fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("ONEONONE_GOOGLE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/google")
        });
    let cal = dir.join("calendar");
    if cal.is_dir() {
        Some(cal)
    } else {
        eprintln!(
            "skipped: Google Calendar fixtures not found at {} (set ONEONONE_GOOGLE_FIXTURES)",
            cal.display()
        );
        None
    }
}

fn read(dir: &std::path::Path, name: &str) -> Value {
    let text =
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {name}: {e}"))
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn dir_users() -> BTreeMap<String, UserInfo> {
    let mut m = BTreeMap::new();
    m.insert(
        CAL.to_string(),
        UserInfo {
            name: "Test".into(),
            time_zone: "America/Chicago".into(),
        },
    );
    m
}

fn all_instances(s: &CalendarState, env: &Env<'_>, id: &str, show_deleted: bool) -> Vec<Value> {
    let flag = if show_deleted { "true" } else { "false" };
    let p = ListParams::from_pairs([
        ("timeMax", "2025-06-01T00:00:00Z"),
        ("maxResults", "2500"),
        ("showDeleted", flag),
    ])
    .unwrap();
    items(&s.list_instances(env, CAL, "primary", id, &p).unwrap())
}

/// Every compass capture: import all items; each exception Google returned must be exactly the
/// sandbox's occurrence of its master at `originalStartTime`, and listed in its place.
#[test]
fn compass_exceptions_replace_the_sandbox_occurrences_google_named() {
    let Some(dir) = fixtures() else { return };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("compass-CONVERTED-") && n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let mut checked = 0;
    for name in names {
        let captured = items(&read(&dir, &name));
        let users = dir_users();
        let now = Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
        let mut env = Env::new(now, "http://127.0.0.1:1/", &users);
        let mut s = CalendarState::default();
        for it in &captured {
            s.import_event(&mut env, CAL, it.clone())
                .unwrap_or_else(|e| panic!("{name}: import {}: {e}", it["id"]));
        }
        for ex in captured
            .iter()
            .filter(|i| i["recurringEventId"].is_string())
        {
            let master = ex["recurringEventId"].as_str().unwrap();
            if !captured.iter().any(|i| i["id"] == master) {
                continue;
            }
            let ost = utc(ex["originalStartTime"]["dateTime"].as_str().unwrap());
            let (m, occ) = split_instance_id(ex["id"].as_str().unwrap()).unwrap();
            assert_eq!(
                (m, occ),
                (master, Occurrence::Instant(ost)),
                "{name}: Google's id names its original start"
            );
            let listed = all_instances(&s, &env, master, true);
            let found = listed
                .iter()
                .find(|i| i["id"] == ex["id"])
                .unwrap_or_else(|| panic!("{name}: {} not listed", ex["id"]));
            assert_eq!(found["status"], ex["status"], "{name}");
            if ex["status"] == "confirmed" {
                assert_eq!(
                    utc(found["start"]["dateTime"].as_str().unwrap()),
                    utc(ex["start"]["dateTime"].as_str().unwrap())
                );
            }
            // The exception's own occurrence is not listed twice.
            assert_eq!(listed.iter().filter(|i| i["id"] == ex["id"]).count(), 1);
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} exceptions checked");
}

/// "This and following" splits: the old master's UNTIL ends the series right before the new
/// master (`<id>_R<start>`) starts, and the new one's first instance is at the R timestamp.
#[test]
fn compass_series_splits_line_up() {
    let Some(dir) = fixtures() else { return };
    let users = dir_users();
    let now = Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
    for name in [
        "compass-CONVERTED-edit-this-and-following-1.json",
        "compass-CONVERTED-edit-this-and-following-3.json",
        "compass-CONVERTED-edit-this-and-following-v2-1.json",
    ] {
        let captured = items(&read(&dir, name));
        let mut env = Env::new(now, "http://127.0.0.1:1/", &users);
        let mut s = CalendarState::default();
        for it in &captured {
            s.import_event(&mut env, CAL, it.clone()).unwrap();
        }
        let old = captured
            .iter()
            .find(|i| {
                i["recurrence"][0]
                    .as_str()
                    .is_some_and(|r| r.contains("UNTIL"))
            })
            .unwrap();
        let new = captured
            .iter()
            .find(|i| i["id"].as_str().is_some_and(|id| id.contains("_R")))
            .unwrap();
        let r = new["id"].as_str().unwrap().rsplit_once("_R").unwrap().1;
        let split_at = Utc
            .from_utc_datetime(&chrono::NaiveDateTime::parse_from_str(r, "%Y%m%dT%H%M%S").unwrap());
        let old_inst = all_instances(&s, &env, old["id"].as_str().unwrap(), false);
        let new_inst = all_instances(&s, &env, new["id"].as_str().unwrap(), false);
        let last_old = utc(old_inst.last().unwrap()["originalStartTime"]["dateTime"]
            .as_str()
            .unwrap());
        let first_new = utc(new_inst[0]["start"]["dateTime"].as_str().unwrap());
        assert_eq!(first_new, split_at, "{name}");
        assert_eq!(
            split_at - last_old,
            chrono::Duration::days(1),
            "{name}: daily series continue without gap"
        );
        assert_eq!(
            new_inst[0]["id"],
            format!(
                "{}_{}",
                new["id"].as_str().unwrap(),
                split_at.format("%Y%m%dT%H%M%SZ")
            )
        );
    }
}

/// The long Chicago series crosses the March DST change: the exception Google created on
/// 25 March (after DST) is at 13:00Z, the series' first instance (before DST) at 14:00Z.
#[test]
fn compass_series_across_dst_and_until() {
    let Some(dir) = fixtures() else { return };
    let captured = items(&read(&dir, "compass-CONVERTED-delete-single-1.json"));
    let users = dir_users();
    let mut env = Env::new(
        Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap(),
        "http://127.0.0.1:1/",
        &users,
    );
    let mut s = CalendarState::default();
    for it in &captured {
        s.import_event(&mut env, CAL, it.clone()).unwrap();
    }
    let master = "5hni4sj3ql1669otmjg7sn1mok";
    let inst = all_instances(&s, &env, master, false);
    // 2025-02-09 .. 2025-03-31 (UNTIL=20250401T045959Z) minus the cancelled 25 March.
    assert_eq!(inst.len(), 51 - 1);
    assert_eq!(inst[0]["id"], format!("{master}_20250209T140000Z"));
    assert_eq!(
        inst.last().unwrap()["id"],
        format!("{master}_20250331T130000Z")
    );
    assert!(inst.iter().all(|i| i["start"]["dateTime"]
        .as_str()
        .unwrap()
        .contains("T08:00:00-0")));
    assert!(!inst
        .iter()
        .any(|i| i["id"] == format!("{master}_20250325T130000Z")));
}

/// northworld captures: the weekly "Staff Meeting" (BYDAY=MO, UNTIL) and the DAILY;COUNT=3
/// series expand to Mondays / three days at the same Los Angeles wall-clock time.
#[test]
fn northworld_series_expand() {
    let Some(dir) = fixtures() else { return };
    let users = dir_users();
    let mut env = Env::new(
        Utc.with_ymd_and_hms(2011, 1, 1, 0, 0, 0).unwrap(),
        "http://127.0.0.1:1/",
        &users,
    );
    let mut s = CalendarState::default();
    let weekly = items(&read(&dir, "northworld-events-list-recurring-rrule.json"));
    let staff = weekly[0].clone();
    s.import_event(&mut env, CAL, staff.clone()).unwrap();
    let p = ListParams::from_pairs([("timeMax", "2013-01-01T00:00:00Z")]).unwrap();
    let inst = items(
        &s.list_instances(&env, CAL, "primary", staff["id"].as_str().unwrap(), &p)
            .unwrap(),
    );
    // 2011-10-03 .. 2012-01-02 (UNTIL=20120109T075959Z): 14 Mondays, 09:30 PDT then PST.
    assert_eq!(inst.len(), 14);
    assert_eq!(inst[0]["start"]["dateTime"], "2011-10-03T09:30:00-07:00");
    assert_eq!(inst[13]["start"]["dateTime"], "2012-01-02T09:30:00-08:00");
    assert_eq!(
        inst[13]["id"],
        "fhru34kt6ikmr20knd2456l08n_20120102T173000Z"
    );

    let daily = items(&read(
        &dir,
        "northworld-events-list-daily-count-nextsynctoken.json",
    ));
    let mut s = CalendarState::default();
    s.import_event(&mut env, CAL, daily[0].clone()).unwrap();
    let p = ListParams::from_pairs([
        ("timeMax", "2015-01-01T00:00:00Z"),
        ("singleEvents", "true"),
        ("orderBy", "startTime"),
    ])
    .unwrap();
    let listed: Vec<String> = items(&s.list_events(&env, CAL, "primary", &p).unwrap())
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let id = daily[0]["id"].as_str().unwrap();
    assert_eq!(
        listed,
        vec![
            format!("{id}_20141116T010000Z"),
            format!("{id}_20141117T010000Z"),
            format!("{id}_20141118T010000Z")
        ]
    );
}

/// Captured instance ids elsewhere follow the same convention the sandbox uses.
#[test]
fn captured_instance_ids_name_their_original_start() {
    let Some(dir) = fixtures() else { return };
    let cancelled = read(&dir, "northworld-cancelled-recurring-instance.json");
    let calcentral = items(&read(
        &dir,
        "calcentral-2012-events-list-recurring-instances.json",
    ));
    let mut seen = 0;
    for ev in std::iter::once(cancelled).chain(calcentral) {
        let Some(ost) = ev["originalStartTime"]["dateTime"].as_str() else {
            continue;
        };
        let (_, occ) = split_instance_id(ev["id"].as_str().unwrap()).unwrap();
        assert_eq!(occ, Occurrence::Instant(utc(ost)), "{}", ev["id"]);
        seen += 1;
    }
    assert_eq!(seen, 2);
}
