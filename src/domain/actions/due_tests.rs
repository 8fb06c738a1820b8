use super::*;
use proptest::prelude::*;

/// Tuesday 24 Nov 2026.
fn tue() -> NaiveDate {
    ymd(2026, 11, 24)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn due_of(text: &str, meeting: NaiveDate) -> Option<NaiveDate> {
    find(text, 0..text.len(), &[], meeting).map(|d| d.date)
}

fn phrase(text: &str) -> Option<&str> {
    let due = find(text, 0..text.len(), &[], tue())?;
    text.get(due.range)
}

#[test]
fn weekdays_are_strictly_after_the_meeting() {
    assert_eq!(due_of("send by Friday", tue()), Some(ymd(2026, 11, 27)));
    assert_eq!(due_of("send by Fri", tue()), Some(ymd(2026, 11, 27)));
    assert_eq!(
        due_of("send by next friday", tue()),
        Some(ymd(2026, 11, 27))
    );
    // A Tuesday meeting's "by Tuesday" is a week later, not the same day.
    assert_eq!(due_of("send by Tue", tue()), Some(ymd(2026, 12, 1)));
    assert_eq!(due_of("send by Monday.", tue()), Some(ymd(2026, 11, 30)));
}

#[test]
fn absolute_dates() {
    assert_eq!(due_of("by 3 Dec", tue()), Some(ymd(2026, 12, 3)));
    assert_eq!(due_of("by Dec 3", tue()), Some(ymd(2026, 12, 3)));
    assert_eq!(
        due_of("by December 3rd, 2027", tue()),
        Some(ymd(2027, 12, 3))
    );
    assert_eq!(
        due_of("by the 3rd of December", tue()),
        Some(ymd(2026, 12, 3))
    );
    assert_eq!(due_of("by 2026-12-03", tue()), Some(ymd(2026, 12, 3)));
    assert_eq!(due_of("due Fri 27 Nov", tue()), Some(ymd(2026, 11, 27)));
    assert_eq!(due_of("due: Dec. 3", tue()), Some(ymd(2026, 12, 3)));
}

#[test]
fn year_rolls_over_in_december_but_recent_past_stays() {
    let december = ymd(2026, 12, 15);
    assert_eq!(due_of("by 3 Jan", december), Some(ymd(2027, 1, 3)));
    assert_eq!(due_of("by 20 Nov", tue()), Some(ymd(2026, 11, 20)));
    assert_eq!(due_of("by 29 Feb", tue()), Some(ymd(2028, 2, 29)));
}

#[test]
fn impossible_dates_are_no_due() {
    assert_eq!(due_of("by 31 Feb", tue()), None);
    assert_eq!(due_of("by 2026-13-01", tue()), None);
}

#[test]
fn periods() {
    assert_eq!(due_of("by end of month", tue()), Some(ymd(2026, 11, 30)));
    assert_eq!(due_of("by EOM", tue()), Some(ymd(2026, 11, 30)));
    assert_eq!(
        due_of("by the end of the month", tue()),
        Some(ymd(2026, 11, 30))
    );
    assert_eq!(due_of("by next month", tue()), Some(ymd(2026, 12, 31)));
    assert_eq!(due_of("by end of week", tue()), Some(ymd(2026, 11, 27)));
    assert_eq!(due_of("by EOW", tue()), Some(ymd(2026, 11, 27)));
    // Friday of the following Monday–Sunday week.
    assert_eq!(due_of("by next week", tue()), Some(ymd(2026, 12, 4)));
    assert_eq!(
        due_of("by next week", ymd(2026, 11, 29)),
        Some(ymd(2026, 12, 4))
    );
    assert_eq!(due_of("by end of next week", tue()), Some(ymd(2026, 12, 4)));
    // A Saturday meeting's end of week is the coming Friday.
    assert_eq!(due_of("by EOW", ymd(2026, 11, 28)), Some(ymd(2026, 12, 4)));
}

#[test]
fn today_and_tomorrow_need_no_keyword() {
    assert_eq!(due_of("send it tomorrow", tue()), Some(ymd(2026, 11, 25)));
    assert_eq!(due_of("send it today", tue()), Some(tue()));
    assert_eq!(due_of("send it by EOD", tue()), Some(tue()));
    assert_eq!(due_of("send today's notes", tue()), None);
    assert_eq!(due_of("send the notes from today", tue()), None);
}

#[test]
fn no_keyword_no_due_for_other_forms() {
    assert_eq!(due_of("meet on Friday", tue()), None);
    assert_eq!(due_of("review the 3 Dec plan", tue()), None);
    assert_eq!(due_of("send by hand", tue()), None);
    assert_eq!(due_of("ask Monica", tue()), None);
    assert_eq!(due_of("by Monica", tue()), None);
}

#[test]
fn the_phrase_range_covers_the_keyword() {
    assert_eq!(
        phrase("send the deck by Friday to Alice"),
        Some("by Friday")
    );
    assert_eq!(phrase("send — due Fri 27 Nov"), Some("due Fri 27 Nov"));
    assert_eq!(phrase("send tomorrow please"), Some("tomorrow"));
}

#[test]
fn last_keyworded_phrase_wins() {
    assert_eq!(
        due_of("draft by Monday, final by Friday", tue()),
        Some(ymd(2026, 11, 27))
    );
    assert_eq!(
        due_of("by Friday, not tomorrow", tue()),
        Some(ymd(2026, 11, 27))
    );
}

#[test]
fn date_chips_after_keyword_or_at_the_end() {
    let text = "send the deck by 3 Dec 2026 please";
    let chip = DateSpan {
        range: 17..27,
        date: ymd(2026, 12, 3),
    };
    let due = find(text, 0..text.len(), std::slice::from_ref(&chip), tue());
    assert_eq!(due.map(|d| d.range), Some(14..27));
    let text = "send the deck 3 Dec 2026";
    let chip = DateSpan {
        range: 14..24,
        date: ymd(2026, 12, 5),
    };
    let due = find(text, 0..text.len(), &[chip], tue());
    assert_eq!(due.map(|d| d.date), Some(ymd(2026, 12, 5)));
}

#[test]
fn a_chip_in_the_middle_without_keyword_is_not_a_due() {
    let text = "plan 3 Dec offsite";
    let chip = DateSpan {
        range: 5..10,
        date: ymd(2026, 12, 3),
    };
    assert_eq!(find(text, 0..text.len(), &[chip], tue()), None);
}

fn relative_phrase() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "by Friday",
        "by fri",
        "by Monday",
        "by sun",
        "by next Wednesday",
        "by this Thu",
        "by end of week",
        "by EOW",
        "by next week",
        "by end of month",
        "by EOM",
        "tomorrow",
        "today",
        "by EOD",
        "by next month",
        "due by the end of the month",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn relative_dues_are_never_before_the_meeting(
        days in 0u64..3000,
        phrase in relative_phrase(),
        lead in "[a-z ]{0,12}",
    ) {
        let meeting = ymd(2024, 1, 1) + Days::new(days);
        let text = format!("{lead} {phrase}");
        let due = due_of(&text, meeting);
        prop_assert!(due.is_some(), "{text}");
        prop_assert!(due >= Some(meeting), "{text} on {meeting}: {due:?}");
        prop_assert!(due <= meeting.checked_add_days(Days::new(62)), "{text}: {due:?}");
    }

    #[test]
    fn never_panics_and_ranges_are_in_bounds(text in "\\PC{0,60}", days in 0u64..3000) {
        let meeting = ymd(2024, 1, 1) + Days::new(days);
        if let Some(due) = find(&text, 0..text.len(), &[], meeting) {
            prop_assert!(text.get(due.range).is_some());
        }
    }
}
