//! Finding a calendar date in free text, as people and the daemon write it in section headings.
//!
//! Accepted forms (English month names, full or abbreviated, any case; the first date in the
//! text wins; weekday names and surrounding words are ignored):
//!
//! * ISO: `2026-11-24`
//! * day month year: `24 Nov 2026`, `Tue 24 Nov 2026 · 1:1`, `24th November, 2026`
//! * month day year: `Nov 24, 2026`, `November 24 2026`
//! * numeric with `/` or `.`: `24/11/2026`, `11/24/2026`, `24.11.2026`
//!
//! A year is required: a yearless "24 Nov" could be any year's section.
//!
//! Numeric dates are ambiguous between day-first (most of the world) and month-first (US). They
//! are read only when the order is forced: one part above 12 (`24/11/2026` is 24 November,
//! `11/24/2026` too) or both parts equal. `03/04/2026` is [`DateMatch::Ambiguous`]: it still
//! marks a heading as dated (so new sections go above it), but names no date, so it never makes
//! the daemon believe a section for 3 April or 4 March already exists. Guessing wrong there would
//! silently skip a meeting's section; not recognising it only means one more section is written.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::{Captures, Regex};

/// What a piece of text says about its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateMatch {
    Exact(NaiveDate),
    /// A numeric date whose day/month order cannot be told (`03/04/2026`).
    Ambiguous,
}

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

#[derive(Clone, Copy)]
enum Form {
    Iso,
    DayMonthYear,
    MonthDayYear,
    Numeric,
}

static PATTERNS: LazyLock<Vec<(Form, Regex)>> = LazyLock::new(|| {
    let ordinal = r"(?:st|nd|rd|th)?";
    let sources = [
        (Form::Iso, r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b".to_string()),
        (
            Form::DayMonthYear,
            format!(r"(?i)\b(\d{{1,2}}){ordinal}\.?\s+{MONTH}\.?,?\s+(\d{{4}})\b"),
        ),
        (
            Form::MonthDayYear,
            format!(r"(?i)\b{MONTH}\.?\s+(\d{{1,2}}){ordinal},?\s+(\d{{4}})\b"),
        ),
        (
            Form::Numeric,
            r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b".to_string(),
        ),
    ];
    sources
        .into_iter()
        .filter_map(|(form, src)| Regex::new(&src).ok().map(|re| (form, re)))
        .collect()
});

/// The first date written in `text`, if any.
pub fn find_date(text: &str) -> Option<DateMatch> {
    let mut best: Option<(usize, DateMatch)> = None;
    for (form, re) in PATTERNS.iter() {
        for caps in re.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            if best.is_some_and(|(pos, _)| pos <= whole.start()) {
                break;
            }
            if let Some(found) = interpret(*form, &caps) {
                best = Some((whole.start(), found));
                break;
            }
        }
    }
    best.map(|(_, found)| found)
}

fn interpret(form: Form, caps: &Captures<'_>) -> Option<DateMatch> {
    let num = |i: usize| caps.get(i)?.as_str().parse::<u32>().ok();
    let year = |i: usize| caps.get(i)?.as_str().parse::<i32>().ok();
    let exact = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).map(DateMatch::Exact);
    match form {
        Form::Iso => exact(year(1)?, num(2)?, num(3)?),
        Form::DayMonthYear => exact(year(3)?, month_number(caps.get(2)?.as_str())?, num(1)?),
        Form::MonthDayYear => exact(year(3)?, month_number(caps.get(1)?.as_str())?, num(2)?),
        Form::Numeric => {
            let (a, b, y) = (num(1)?, num(2)?, year(3)?);
            match (a > 12, b > 12) {
                (true, true) => None,
                (true, false) => exact(y, b, a),
                (false, true) => exact(y, a, b),
                (false, false) if a == b => exact(y, a, b),
                (false, false) => {
                    // Both readings must at least be real dates to count as a date at all.
                    let valid = a >= 1 && b >= 1 && NaiveDate::from_ymd_opt(y, a, b).is_some();
                    valid.then_some(DateMatch::Ambiguous)
                }
            }
        }
    }
}

fn month_number(name: &str) -> Option<u32> {
    let prefix: String = name.chars().take(3).flat_map(char::to_lowercase).collect();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| *m == prefix)
        .and_then(|i| u32::try_from(i + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> Option<DateMatch> {
        NaiveDate::from_ymd_opt(y, m, d).map(DateMatch::Exact)
    }

    #[test]
    fn accepts_the_documented_forms() {
        for text in [
            "Tue 24 Nov 2026 · 1:1",
            "Tue 24 Nov 2026 · Alice / Bob",
            "24 Nov 2026",
            "2026-11-24",
            "Nov 24, 2026",
            "November 24, 2026",
            "november 24 2026",
            "24th November, 2026",
            "Sept. 24, 2026 notes",
            "24/11/2026",
            "11/24/2026",
            "24.11.2026",
            "1:1 on 2026-11-24 (moved)",
        ] {
            let expected = if text.starts_with("Sept") {
                day(2026, 9, 24)
            } else {
                day(2026, 11, 24)
            };
            assert_eq!(find_date(text), expected, "{text}");
        }
    }

    #[test]
    fn ambiguous_and_invalid_numeric_dates() {
        assert_eq!(find_date("03/04/2026"), Some(DateMatch::Ambiguous));
        assert_eq!(find_date("05/05/2026"), day(2026, 5, 5));
        assert_eq!(find_date("31/31/2026"), None);
        assert_eq!(find_date("00/04/2026"), None);
    }

    #[test]
    fn rejects_text_without_a_full_date() {
        for text in [
            "Notes",
            "24 Nov",
            "Nov 2026",
            "31 Feb 2026",
            "2026-13-01",
            "1:1 with Bob",
            "Q4 2026",
        ] {
            assert_eq!(find_date(text), None, "{text}");
        }
    }

    #[test]
    fn the_first_date_in_the_text_wins() {
        assert_eq!(
            find_date("24 Nov 2026 (moved from 2026-11-23)"),
            day(2026, 11, 24)
        );
        assert_eq!(find_date("2026-11-23 → 24 Nov 2026"), day(2026, 11, 23));
        assert_eq!(find_date("31 Feb 2026 then 1 Mar 2026"), day(2026, 3, 1));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn every_rendered_date_reads_back(days in 0i64..40_000, prefix in "[A-Za-z ]{0,8}") {
            let date = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Days::new(days as u64);
            for fmt in ["%a %-d %b %Y · 1:1", "%Y-%m-%d", "%b %-d, %Y", "%B %-d, %Y", "%-d %B %Y"] {
                let text = format!("{prefix} {}", date.format(fmt));
                prop_assert_eq!(find_date(&text), Some(DateMatch::Exact(date)), "{}", text);
            }
        }

        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = find_date(&text);
        }
    }
}
