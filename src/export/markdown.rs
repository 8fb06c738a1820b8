//! The per-person review summary: what each person committed to, what got done, what is open
//! or overdue, month by month — the page a manager reads before a performance review.

use super::ActionRow;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn review_markdown(rows: &[ActionRow], today: NaiveDate) -> String {
    let mut by_person: BTreeMap<String, Vec<&ActionRow>> = BTreeMap::new();
    for r in rows {
        by_person.entry(r.owner_label()).or_default().push(r);
    }
    let mut out = String::from("# Action items review\n");
    for (person, items) in &by_person {
        let done = items.iter().filter(|r| r.done).count();
        let overdue = items.iter().filter(|r| r.overdue(today)).count();
        let open = items.len() - done;
        let _ = write!(
            out,
            "\n## {person}\n\n{} items: {done} done, {open} open ({overdue} overdue)\n",
            items.len()
        );
        let mut by_month: BTreeMap<(i32, u32), Vec<&&ActionRow>> = BTreeMap::new();
        for r in items {
            by_month
                .entry((r.meeting.year(), r.meeting.month()))
                .or_default()
                .push(r);
        }
        for ((year, month), month_items) in by_month {
            let label = NaiveDate::from_ymd_opt(year, month, 1)
                .map(|d| d.format("%B %Y").to_string())
                .unwrap_or_default();
            let _ = write!(out, "\n### {label}\n\n");
            for r in month_items {
                let mark = if r.done { "x" } else { " " };
                let due = r
                    .due
                    .map(|d| format!(" — due {}", d.format("%a %d %b")))
                    .unwrap_or_default();
                let flag = if r.overdue(today) { " **overdue**" } else { "" };
                let _ = writeln!(
                    out,
                    "- [{mark}] {}{due}{flag} (from {} · {})",
                    r.task,
                    r.meeting.format("%d %b"),
                    r.series_title
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::row;
    use super::*;

    #[test]
    fn groups_by_person_and_month_and_flags_overdue() {
        let today: NaiveDate = "2026-12-10".parse().expect("date");
        let md = review_markdown(
            &[
                row(
                    "bob@example.com",
                    "send the Q3 draft",
                    "2026-11-24",
                    Some("2026-11-27"),
                    false,
                ),
                row(
                    "bob@example.com",
                    "book the offsite",
                    "2026-12-01",
                    None,
                    true,
                ),
                row(
                    "carol@example.com",
                    "review the RFC",
                    "2026-12-01",
                    None,
                    false,
                ),
            ],
            today,
        );
        assert!(
            md.contains("## bob@example.com\n\n2 items: 1 done, 1 open (1 overdue)"),
            "{md}"
        );
        assert!(md.contains("### November 2026"));
        assert!(
            md.contains("- [ ] send the Q3 draft — due Fri 27 Nov **overdue**"),
            "{md}"
        );
        assert!(md.contains("- [x] book the offsite"));
        assert!(md.contains("## carol@example.com"));
    }
}
