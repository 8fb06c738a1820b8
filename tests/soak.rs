//! A bounded chaos soak through the real binary: several simulated weeks of two weekly 1-1s on
//! the in-process sandbox while random 429/500/503 answers, dropped connections and concurrent
//! edits hit every API, the daemon is SIGKILLed at random moments and restarted, two `once` are
//! started together, and people type into the docs (emoji, combining marks, RTL text) or delete
//! heading lines. Then, with faults off, the invariants: one doc per series, one section per
//! occurrence, every character a person typed there exactly once, every typed item in the
//! ledger once with its owner, and no secret in anything the binary printed.
//!
//! Fixed seed and a few weeks by default (tens of seconds in debug on 2 cores). Longer, other
//! seeds: `ONEONONE_SOAK_WEEKS=12 ONEONONE_SOAK_SEED=7 cargo test --release --test soak --
//! --nocapture`. A failure names the seed, so it can be replayed.

#[path = "support/sandbox_secrets.rs"]
mod sandbox_secrets;
mod soak_support;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use oneonone_sandbox::people::Person;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sandbox_secrets::sandbox_secrets;
use serde_json::{json, Value};
use soak_support::*;
use std::collections::BTreeMap;
use std::time::Duration;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const CAROL: &str = "carol@example.com";

const DEFAULT_SEED: u64 = 20_261_130;
const DEFAULT_WEEKS: u32 = 2;

/// What people type: every line carries a unique ASCII tag so it can be found again, and text
/// that index arithmetic gets wrong when it counts bytes or chars instead of UTF-16 units.
const FLAVOURS: &[&str] = &[
    "🚀 launch",
    "cafe\u{301} cre\u{300}me",
    "שלום עולם",
    "👩\u{200d}👩\u{200d}👧 family",
    "naïve 東京 ✨",
    "مرحبا 🎉",
];

/// Headings a person may delete (never the dated heading, "Action items" or "Notes": people
/// type under those).
const DELETABLE: &[&str] = &["Check-in", "Work", "Feedback", "Company & me"];

/// One weekly series in the soak.
struct Series {
    event_id: String,
    other: &'static str,
    other_first: &'static str,
    /// The first meeting (UTC); every further one is a week later.
    first: DateTime<Utc>,
}

impl Series {
    /// The starts of the meetings up to `until`.
    fn occurrences(&self, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut t = self.first;
        while t <= until {
            out.push(t);
            t += ChronoDuration::weeks(1);
        }
        out
    }

    /// The first meeting after `now`.
    fn next_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let mut t = self.first;
        while t <= now {
            t += ChronoDuration::weeks(1);
        }
        t
    }
}

/// A line a person typed, and what the ledger must say about it.
struct Typed {
    tag: String,
    line: String,
    /// `Some(owner)` for an action item; `None` for a note.
    owner: Option<&'static str>,
    doc_id: String,
    /// When and under which dated heading it was typed, for failure messages.
    when: DateTime<Utc>,
    section: String,
}

#[derive(Default)]
struct Figures {
    steps: u32,
    passes: u32,
    passes_failed: u32,
    killed: u32,
    /// Killed after it had made Google calls (mid-pass, or between passes of `run`).
    killed_after_calls: u32,
    pairs: u32,
    lock_refusals: u32,
    items_typed: u32,
    notes_typed: u32,
    headings_deleted: u32,
    typing_skipped: u32,
    scripted_faults: BTreeMap<&'static str, u32>,
    random_fault_windows: u32,
    invariants: u32,
    /// Single assertions made by the invariants (per doc, meeting, typed line, output).
    checks: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_soak_keeps_every_invariant() {
    let seed = env_u64("ONEONONE_SOAK_SEED", DEFAULT_SEED);
    let weeks = env_u64("ONEONONE_SOAK_WEEKS", u64::from(DEFAULT_WEEKS)) as u32;
    eprintln!("soak: seed {seed}, {weeks} week(s)");
    let mut rng = StdRng::seed_from_u64(seed);

    let start = utc(2026, 11, 30, 0, 0);
    let w = World::new(&[ALICE], start).await;
    let alice = w.person(ALICE).await;
    let bob = w.person(BOB).await;
    let carol = w.person(CAROL).await;
    let series = vec![
        Series {
            event_id: weekly(&alice, BOB, "Alice / Bob", utc(2026, 12, 1, 9, 0), "TU").await,
            other: BOB,
            other_first: "Bob",
            first: utc(2026, 12, 1, 9, 0),
        },
        Series {
            event_id: weekly(
                &alice,
                CAROL,
                "Alice / Carol",
                utc(2026, 12, 3, 14, 0),
                "TH",
            )
            .await,
            other: CAROL,
            other_first: "Carol",
            first: utc(2026, 12, 3, 14, 0),
        },
    ];

    let mut log = Log::default();
    let mut figures = Figures::default();
    let mut typed: Vec<Typed> = Vec::new();
    // (doc id, date) of dated headings people deleted.
    let mut deleted_sections: Vec<(String, String)> = Vec::new();
    let end = start + ChronoDuration::weeks(i64::from(weeks));
    let mut now = start;

    while now < end {
        figures.steps += 1;
        let step = figures.steps;
        let hours = rng.gen_range(3..=11);
        now += ChronoDuration::hours(hours);
        w.control.set_now(now).await.expect("set clock");

        w.control
            .delete("_sandbox/faults")
            .await
            .expect("faults off");
        // People type while no daemon runs and no fault is on (faults are for the daemon; a
        // person's read and write are one moment).
        for s in &series {
            if rng.gen_bool(0.35) {
                let who = if rng.gen_bool(0.7) {
                    (person_of(&bob, &carol, s.other), s.other_first, s.other)
                } else {
                    (&alice, "Alice", ALICE)
                };
                match type_line(&alice, who, s, now, step, &mut rng, &mut figures).await {
                    Some(t) => typed.push(t),
                    None => figures.typing_skipped += 1,
                }
            }
            if rng.gen_bool(0.1) {
                if let Some(gone) = delete_a_heading(&alice, s, &mut rng, &mut figures).await {
                    deleted_sections.push(gone);
                }
            }
        }

        // Faults for this step: none, random statuses, and now and then scripted ones.
        w.control
            .delete("_sandbox/faults")
            .await
            .expect("faults off");
        if rng.gen_bool(0.5) {
            let rate = rng.gen_range(0.02..0.08);
            let fault_seed: u64 = rng.gen();
            w.control
                .post(
                    "_sandbox/faults",
                    json!({"rate": rate, "statuses": [429, 500, 503], "seed": fault_seed}),
                )
                .await
                .expect("random faults on");
            figures.random_fault_windows += 1;
        }
        for _ in 0..rng.gen_range(0..=2) {
            let (kind, fault) = scripted_fault(&mut rng);
            w.control
                .post("_sandbox/faults", fault)
                .await
                .expect("scripted fault");
            *figures.scripted_faults.entry(kind).or_default() += 1;
        }

        // The daemon: a pass, a killed `run`, or two passes at once.
        let roll: f64 = rng.gen();
        if roll < 0.2 {
            let delay = Duration::from_millis(rng.gen_range(20..1500));
            let args: &[&str] = if rng.gen_bool(0.7) {
                &["run"]
            } else {
                &["once"]
            };
            let calls_before = total_calls(&w).await;
            let out = w.start_and_kill(args, delay).await;
            if out.code.is_none() {
                figures.killed += 1;
                if total_calls(&w).await > calls_before {
                    figures.killed_after_calls += 1;
                }
            } else {
                // `once` finished first, or `run` gave up (a fault at start-up): a pass.
                figures.passes += 1;
                if out.code != Some(0) {
                    figures.passes_failed += 1;
                }
            }
            log.push(out);
        } else if roll < 0.3 {
            let (a, b) = tokio::join!(w.cli(&["once"]), w.cli(&["once"]));
            figures.pairs += 1;
            let refused = [&a, &b]
                .iter()
                .filter(|o| o.stderr.contains("in use by another oneonone"))
                .count();
            assert!(
                refused < 2,
                "seed {seed} step {step}: both passes refused the lock:\n{}\n{}",
                a.all(),
                b.all()
            );
            for o in [&a, &b] {
                if o.stderr.contains("in use by another oneonone") {
                    assert_eq!(o.code, Some(1), "seed {seed} step {step}: refused pass");
                }
            }
            figures.lock_refusals += refused as u32;
            for out in [a, b] {
                figures.passes += 1;
                if out.code != Some(0) {
                    figures.passes_failed += 1;
                }
                log.push(out);
            }
        } else {
            let out = w.cli(&["once"]).await;
            figures.passes += 1;
            if out.code != Some(0) {
                figures.passes_failed += 1;
            }
            log.push(out);
        }
    }

    // Faults off; a week more of clean passes, so every meeting typed into is over and harvested.
    w.control
        .delete("_sandbox/faults")
        .await
        .expect("faults off");
    let stats = w.control.stats().await.expect("stats");
    let settle_end = now + ChronoDuration::days(8);
    while now < settle_end {
        now += ChronoDuration::hours(6);
        w.control.set_now(now).await.expect("set clock");
        let out = w.cli(&["once"]).await;
        figures.passes += 1;
        out.expect_code(0);
        log.push(out);
    }

    // Two passes started together met at the lock at least once (each refusal was checked
    // to leave the other pass alone: the invariants below count every doc and section).
    if figures.pairs >= 3 {
        assert!(
            figures.lock_refusals > 0,
            "seed {seed}: {} double starts and the lock never refused one",
            figures.pairs
        );
    }
    figures.invariants += 1;

    check_invariants(
        &w,
        &alice,
        &series,
        &typed,
        &deleted_sections,
        now,
        seed,
        &mut figures,
        &log,
    )
    .await;

    let injected: u64 = stats["errors"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0);
    let f = &figures;
    eprintln!(
        "soak closing figures (seed {seed}, {weeks} week(s), {} steps):",
        f.steps
    );
    eprintln!(
        "  passes: {} ({} not clean under faults); SIGKILLed `run`/`once`: {} ({} after \
         calling Google)",
        f.passes, f.passes_failed, f.killed, f.killed_after_calls
    );
    eprintln!(
        "  double starts: {} ({} refused by the lock)",
        f.pairs, f.lock_refusals
    );
    eprintln!(
        "  faults: {injected} error answers of {} calls during the chaos; {} random-fault \
         windows; scripted {:?}",
        stats["total_calls"], f.random_fault_windows, f.scripted_faults
    );
    eprintln!(
        "  people: {} items and {} notes typed ({} typing turns skipped), {} headings \
         deleted ({} of them dated)",
        f.items_typed,
        f.notes_typed,
        f.typing_skipped,
        f.headings_deleted,
        deleted_sections.len()
    );
    eprintln!(
        "  invariants: {} kinds, {} checks, all held; {} KiB of debug logs free of secrets",
        f.invariants,
        f.checks,
        log.bytes() / 1024
    );
}

async fn total_calls(w: &World) -> u64 {
    let stats = w.control.stats().await.expect("stats");
    stats["total_calls"].as_u64().unwrap_or(0)
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number")),
        Err(_) => default,
    }
}

fn person_of<'a>(bob: &'a Person, carol: &'a Person, email: &str) -> &'a Person {
    if email == BOB {
        bob
    } else {
        carol
    }
}

/// One scripted fault: a dropped connection, a slow answer, a status, or a concurrent edit.
fn scripted_fault(rng: &mut StdRng) -> (&'static str, Value) {
    const METHODS: &[&str] = &[
        "calendar.events.list",
        "calendar.events.instances",
        "calendar.events.patch",
        "drive.files.list",
        "drive.files.create",
        "drive.permissions.create",
        "docs.documents.get",
        "docs.documents.batchUpdate",
        "oauth2.token",
    ];
    let method = METHODS[rng.gen_range(0..METHODS.len())];
    match rng.gen_range(0..4) {
        0 => (
            "timeout",
            json!({"method": method, "kind": "timeout", "delay_ms": rng.gen_range(50..400)}),
        ),
        1 => (
            "delay",
            json!({"method": method, "kind": "delay", "delay_ms": rng.gen_range(50..400)}),
        ),
        2 => {
            let status = [429, 500, 503][rng.gen_range(0..3)];
            (
                "status",
                json!({"method": method, "kind": "status", "status": status,
                       "times": rng.gen_range(1..=2)}),
            )
        }
        _ => (
            "revision_bump",
            json!({"method": "docs.documents.batchUpdate", "kind": "revision_bump",
                   "times": rng.gen_range(1..=2)}),
        ),
    }
}

/// The date a section heading starts with, e.g. "Tue 1 Dec 2026", in Berlin.
fn heading_date(t: DateTime<Utc>) -> String {
    let tz: chrono_tz::Tz = TZ.parse().expect("time zone");
    t.with_timezone(&tz).format("%a %-d %b %Y").to_string()
}

/// Types one tagged line into the newest section of `s`'s doc — an action item under
/// "Action items" or a note under "Notes" — if that section is the next meeting's (typing into
/// an older one is typing after its harvest window closed). `None` when it did not type.
#[allow(clippy::too_many_arguments)]
async fn type_line(
    alice: &Person,
    (person, first_name, email): (&Person, &'static str, &'static str),
    s: &Series,
    now: DateTime<Utc>,
    step: u32,
    rng: &mut StdRng,
    figures: &mut Figures,
) -> Option<Typed> {
    let doc_id = alice.attached_doc(&s.event_id).await.expect("event")?;
    let paragraphs = styled_paragraphs(person, &doc_id).await;
    let newest = paragraphs.iter().position(|p| p.style == "HEADING_2")?;
    let next_meeting = s.next_after(now);
    let next = heading_date(next_meeting);
    let previous = heading_date(next_meeting - ChronoDuration::weeks(1));
    // The last meeting's section is re-read until the next meeting; leave a pass or two
    // (a step is at most 11 h) before that window closes.
    let still_read = paragraphs[newest].text.starts_with(&previous)
        && next_meeting - now > ChronoDuration::hours(24);
    if !paragraphs[newest].text.starts_with(&next) && !still_read {
        return None;
    }
    let flavour = FLAVOURS[rng.gen_range(0..FLAVOURS.len())];
    let tag = format!("soak{step}x{}", rng.gen_range(1000..9999));
    let item = rng.gen_bool(0.75);
    let (heading, line, owner) = if item {
        let due = if rng.gen_bool(0.5) { " by Friday" } else { "" };
        let line = if email == ALICE {
            format!("Alice: check {tag} {flavour}{due}")
        } else {
            format!("{first_name} to check {tag} {flavour}{due}")
        };
        ("Action items", line, Some(email))
    } else {
        ("Notes", format!("{first_name} says {tag} {flavour}"), None)
    };
    let at = paragraphs[newest..]
        .iter()
        .position(|p| p.text.trim_end() == heading)?
        + newest;
    let below = paragraphs.get(at + 1)?;
    if below.style.starts_with("HEADING") || below.style == "TITLE" {
        // No body paragraph to type into; a person would not type into a heading.
        return None;
    }
    if below.text == "\n" {
        person.type_at(&doc_id, below.start, &line).await.ok()?;
    } else {
        person
            .type_at(&doc_id, below.end - 1, &format!("\n{line}"))
            .await
            .ok()?;
    }
    if item {
        figures.items_typed += 1;
    } else {
        figures.notes_typed += 1;
    }
    Some(Typed {
        tag,
        line,
        owner,
        doc_id,
        when: now,
        section: paragraphs[newest].text.trim_end().to_string(),
    })
}

/// Deletes one heading line (with its newline) in `s`'s doc: a deletable Heading 3 anywhere,
/// or now and then the dated heading of a section older than the last two, whose harvest
/// window has closed. Returns the deleted dated heading's doc and date, `None` for a Heading 3.
async fn delete_a_heading(
    alice: &Person,
    s: &Series,
    rng: &mut StdRng,
    figures: &mut Figures,
) -> Option<(String, String)> {
    let doc_id = alice.attached_doc(&s.event_id).await.ok()??;
    let paragraphs = styled_paragraphs(alice, &doc_id).await;
    let old_dated: Vec<&Para> = paragraphs
        .iter()
        .filter(|p| p.style == "HEADING_2")
        .skip(2)
        .collect();
    let (p, dated) = if !old_dated.is_empty() && rng.gen_bool(0.3) {
        (old_dated[rng.gen_range(0..old_dated.len())], true)
    } else {
        let candidates: Vec<&Para> = paragraphs
            .iter()
            .filter(|p| p.style == "HEADING_3" && DELETABLE.contains(&p.text.trim_end()))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        (candidates[rng.gen_range(0..candidates.len())], false)
    };
    let request = google_docs1::api::Request {
        delete_content_range: Some(google_docs1::api::DeleteContentRangeRequest {
            range: Some(google_docs1::api::Range {
                start_index: Some(p.start),
                end_index: Some(p.end),
                ..Default::default()
            }),
        }),
        ..Default::default()
    };
    alice.edit_doc(&doc_id, vec![request]).await.ok()?;
    figures.headings_deleted += 1;
    if !dated {
        return None;
    }
    let date = p.text.split(" · ").next().unwrap_or_default().to_string();
    Some((doc_id, date))
}

/// A body paragraph with its named style.
struct Para {
    start: i32,
    end: i32,
    text: String,
    style: String,
}

async fn styled_paragraphs(person: &Person, doc_id: &str) -> Vec<Para> {
    let doc = person.get_doc(doc_id).await.expect("read doc");
    let content = doc.body.and_then(|b| b.content).unwrap_or_default();
    content
        .iter()
        .filter_map(|e| {
            let p = e.paragraph.as_ref()?;
            let text: String = p
                .elements
                .iter()
                .flatten()
                .filter_map(|el| el.text_run.as_ref()?.content.clone())
                .collect();
            let style = p
                .paragraph_style
                .as_ref()
                .and_then(|s| s.named_style_type.clone())
                .unwrap_or_default();
            Some(Para {
                start: e.start_index.unwrap_or(0),
                end: e.end_index.unwrap_or(0),
                text,
                style,
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn check_invariants(
    w: &World,
    alice: &Person,
    series: &[Series],
    typed: &[Typed],
    deleted_sections: &[(String, String)],
    now: DateTime<Utc>,
    seed: u64,
    figures: &mut Figures,
    log: &Log,
) {
    let state = w.control.get("_sandbox/state").await.expect("state");

    // 1. One doc per series: one live Drive file carries each series' marker, and it is the
    //    doc attached to the event.
    let mut docs_by_series: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let files = state["drive"]["files"].as_object().expect("drive files");
    for (id, file) in files {
        if file["trashed"].as_bool() == Some(true) {
            continue;
        }
        for props in file["app_properties"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            if let Some(key) = props["oneononeSeries"].as_str() {
                docs_by_series
                    .entry(key.to_string())
                    .or_default()
                    .push(id.clone());
            }
        }
    }
    assert_eq!(
        docs_by_series.len(),
        series.len(),
        "seed {seed}: one marked doc per series: {docs_by_series:#?}"
    );
    for (key, ids) in &docs_by_series {
        figures.checks += 1;
        assert_eq!(ids.len(), 1, "seed {seed}: series {key} has docs {ids:?}");
    }
    figures.invariants += 1;

    let mut doc_texts: BTreeMap<String, String> = BTreeMap::new();
    for s in series {
        figures.checks += 1;
        let doc_id = alice
            .attached_doc(&s.event_id)
            .await
            .expect("event")
            .unwrap_or_else(|| panic!("seed {seed}: no doc attached to {}", s.other));
        assert!(
            docs_by_series
                .values()
                .any(|ids| ids.as_slice() == [doc_id.as_str()]),
            "seed {seed}: the attached doc {doc_id} is not the marked one"
        );
        let doc = alice.get_doc(&doc_id).await.expect("doc");
        doc_texts.insert(doc_id, oneonone_sandbox::people::doc_text(&doc));
    }
    figures.invariants += 1;

    // 2. One section per occurrence: every meeting whose section was due has exactly one
    //    dated heading.
    for s in series {
        let doc_id = alice
            .attached_doc(&s.event_id)
            .await
            .expect("event")
            .expect("doc");
        let paragraphs = styled_paragraphs(alice, &doc_id).await;
        for meeting in s.occurrences(now + ChronoDuration::hours(24)) {
            figures.checks += 1;
            let date = heading_date(meeting);
            let headings = paragraphs
                .iter()
                .filter(|p| p.style == "HEADING_2" && p.text.starts_with(&date))
                .count();
            // A section whose dated heading a person deleted may stay without one; it must
            // not come back twice.
            let deleted = deleted_sections.contains(&(doc_id.clone(), date.clone()));
            let expected = if deleted { 0..=1 } else { 1..=1 };
            assert!(
                expected.contains(&headings),
                "seed {seed}: {} meeting on {date} has {headings} sections (heading deleted \
                 by a person: {deleted}):\n{}",
                s.other,
                doc_texts[&doc_id]
            );
        }
    }
    figures.invariants += 1;

    // 3. No person's character lost or duplicated: every line typed is in its doc exactly once,
    //    whole, as its own paragraph.
    for t in typed {
        figures.checks += 1;
        let text = &doc_texts[&t.doc_id];
        let whole = text.lines().filter(|l| *l == t.line).count();
        assert_eq!(
            whole, 1,
            "seed {seed}: {:?} is {whole} times a whole paragraph of its doc:\n{text}",
            t.line
        );
        let typed_form = text.matches(&t.line).count();
        assert_eq!(
            typed_form, 1,
            "seed {seed}: {:?} appears {typed_form} times in its doc",
            t.line
        );
    }
    figures.invariants += 1;

    // 4. Every typed item in the ledger once, with its owner.
    let out = w.cli(&["actions", "--format", "json"]).await;
    out.expect_code(0);
    let ledger: Value = serde_json::from_str(&out.stdout).expect("actions JSON");
    let items = ledger["items"].as_array().cloned().unwrap_or_default();
    for t in typed {
        figures.checks += 1;
        let Some(owner) = t.owner else { continue };
        let found: Vec<&Value> = items
            .iter()
            .filter(|i| i["task"].as_str().is_some_and(|task| task.contains(&t.tag)))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "seed {seed}: {:?} (typed {} under {:?}) is {} times in the ledger: \
             {found:#?}\ndeleted dated headings: {deleted_sections:?}\ndoc:\n{}",
            t.line,
            t.when,
            t.section,
            found.len(),
            doc_texts[&t.doc_id]
        );
        assert_eq!(
            found[0]["owner"], owner,
            "seed {seed}: owner of {:?}: {:#?}",
            t.line, found[0]
        );
        let task = found[0]["task"].as_str().unwrap_or_default();
        let words = t.line.split_once(" check ").map_or("", |(_, rest)| rest);
        let words = words.strip_suffix(" by Friday").unwrap_or(words);
        assert!(
            task.contains(words),
            "seed {seed}: the ledger's task {task:?} lost characters of {:?}",
            t.line
        );
    }
    // Notes are not items.
    for t in typed.iter().filter(|t| t.owner.is_none()) {
        figures.checks += 1;
        assert!(
            !items
                .iter()
                .any(|i| i["task"].as_str().is_some_and(|task| task.contains(&t.tag))),
            "seed {seed}: the note {:?} became an item",
            t.line
        );
    }
    figures.invariants += 1;

    // 5. No secret in anything any command printed.
    let secrets = sandbox_secrets(&state, w.private_key());
    figures.checks += log.assert_clean(&secrets, seed);
    figures.invariants += 1;
}
