//! Property test: the sandbox's instances of random series agree with the `rrule` crate's own
//! expansion, across DST in several zones, and keep the local wall-clock time of the start.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Timelike, Utc};
use oneonone_sandbox::calendar::{CalendarState, Env, ListParams, UserInfo, WriteOptions};
use proptest::prelude::*;
use serde_json::json;

const ZONES: [&str; 4] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
];
const USER: &str = "p@example.com";

#[derive(Debug, Clone)]
struct Case {
    zone: &'static str,
    date: NaiveDate,
    hour: u32,
    minute: u32,
    rule: String,
}

fn case() -> impl Strategy<Value = Case> {
    let freq = prop_oneof![
        Just("DAILY"),
        Just("WEEKLY"),
        Just("MONTHLY"),
        Just("YEARLY")
    ];
    let extra = prop_oneof![
        Just(String::new()),
        Just(";BYDAY=MO,WE,FR".to_string()),
        Just(";BYDAY=TU".to_string()),
        Just(";BYDAY=2TU".to_string()),
        Just(";BYDAY=-1FR".to_string()),
        Just(";BYMONTHDAY=1,15".to_string()),
    ];
    let end = prop_oneof![
        (1u32..40).prop_map(|c| format!(";COUNT={c}")),
        (1i64..900).prop_map(|d| format!("+{d}"))
    ];
    (
        0usize..ZONES.len(),
        0i64..900,
        prop::sample::select(vec![0u32, 1, 6, 9, 12, 17, 20, 23]),
        prop::sample::select(vec![0u32, 15, 30, 45]),
        freq,
        1u32..4,
        extra,
        end,
    )
        .prop_map(|(z, day, hour, minute, freq, interval, extra, end)| {
            let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(day);
            // BYDAY with an ordinal only makes sense for MONTHLY/YEARLY; BYMONTHDAY not for WEEKLY.
            let extra = match (freq, extra.as_str()) {
                ("DAILY" | "WEEKLY", ";BYDAY=2TU" | ";BYDAY=-1FR") => String::new(),
                ("WEEKLY", ";BYMONTHDAY=1,15") => String::new(),
                _ => extra,
            };
            let end = match end.strip_prefix('+') {
                Some(days) => {
                    let until = date + chrono::Duration::days(days.parse().unwrap_or(1));
                    format!(";UNTIL={}T120000Z", until.format("%Y%m%d"))
                }
                None => end,
            };
            Case {
                zone: ZONES[z],
                date,
                hour,
                minute,
                rule: format!("FREQ={freq};INTERVAL={interval}{end}{extra}"),
            }
        })
}

fn expected(c: &Case) -> Vec<DateTime<Utc>> {
    let text = format!(
        "DTSTART;TZID={}:{}T{:02}{:02}00\nRRULE:{}",
        c.zone,
        c.date.format("%Y%m%d"),
        c.hour,
        c.minute,
        c.rule
    );
    let set: rrule::RRuleSet = text.parse().expect("the test builds valid rules");
    set.all(1000)
        .dates
        .into_iter()
        .map(|d| d.with_timezone(&Utc))
        .collect()
}

fn sandbox(c: &Case) -> Vec<(String, DateTime<Utc>, String)> {
    let mut dir = BTreeMap::new();
    dir.insert(
        USER.to_string(),
        UserInfo {
            name: "P".into(),
            time_zone: c.zone.into(),
        },
    );
    let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut env = Env::new(now, "http://127.0.0.1:1/", &dir);
    let mut s = CalendarState::default();
    let local = format!(
        "{}T{:02}:{:02}:00",
        c.date.format("%Y-%m-%d"),
        c.hour,
        c.minute
    );
    let body = json!({
        "start": {"dateTime": local, "timeZone": c.zone},
        "end": {"dateTime": local, "timeZone": c.zone},
        "recurrence": [format!("RRULE:{}", c.rule)],
    });
    // A zero-length event is rejected; make it 30 minutes long.
    let mut body = body;
    let end_local = chrono::NaiveDateTime::parse_from_str(&local, "%Y-%m-%dT%H:%M:%S").unwrap()
        + chrono::Duration::minutes(30);
    body["end"]["dateTime"] = json!(end_local.format("%Y-%m-%dT%H:%M:%S").to_string());
    let m = s
        .insert_event(&mut env, USER, "primary", body, WriteOptions::default())
        .unwrap();
    let p = ListParams::from_pairs([("timeMax", "2200-01-01T00:00:00Z"), ("maxResults", "2500")])
        .unwrap();
    let page = s.list_instances(&env, USER, "primary", &m.id, &p).unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let dt = i["start"]["dateTime"].as_str().unwrap();
            let t = DateTime::parse_from_rfc3339(dt)
                .unwrap()
                .with_timezone(&Utc);
            (i["id"].as_str().unwrap().to_string(), t, m.id.clone())
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn instances_agree_with_rrule_and_keep_wall_clock(c in case()) {
        let want = expected(&c);
        let got = sandbox(&c);
        let starts: Vec<DateTime<Utc>> = got.iter().map(|(_, t, _)| *t).collect();
        prop_assert_eq!(&starts, &want, "case {:?}", c);
        let tz: chrono_tz::Tz = c.zone.parse().unwrap();
        for (id, t, master) in &got {
            let local = t.with_timezone(&tz);
            prop_assert_eq!((local.hour(), local.minute()), (c.hour, c.minute), "{} in {}", t, c.zone);
            prop_assert_eq!(id, &format!("{master}_{}", t.format("%Y%m%dT%H%M%SZ")));
        }
    }
}
