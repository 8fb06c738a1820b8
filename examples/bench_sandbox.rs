//! Benchmark of the sandbox itself: how much memory a realistic company's worth of calendars and
//! docs takes, and how fast the calls the daemon makes most often are answered under load.
//!
//! `cargo run --release --example bench_sandbox [-- --users 50 --events 10000 --docs 1000
//! --doc-bytes 4096 --requests 20000 --concurrency 16]`
//!
//! The sandbox runs on its own two-thread runtime (threads named `sbx-…`) and the clients on
//! the main thread, so the CPU time of each side can be read from `/proc` separately; on a
//! 2-core machine both still share the same two cores. Everything goes over loopback HTTP
//! through the real generated crates, with a fixed number of requests, so the run ends by
//! itself.

mod common;

use anyhow::Context;
use chrono::{DateTime, Duration as ChronoDuration, TimeZone, Utc};
use common::{CpuSplit, Memory, Percentiles};
use google_calendar3::api::{Event, EventAttendee, EventDateTime};
use google_docs1::api::Request as DocsRequest;
use google_docs1::api::{BatchUpdateDocumentRequest, Document, InsertTextRequest, Location};
use http_body_util::{BodyExt, Empty};
use oneonone_sandbox::people::Person;
use oneonone_sandbox::SandboxClient;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TZ: &str = "Europe/Berlin";

/// The sizes of one run, from the command line.
#[derive(Debug, Clone, Copy, clap::Parser)]
struct Sizes {
    /// People in the sandbox (at least 2: every event has another attendee).
    #[arg(long, default_value_t = 50, value_parser = common::at_least::<2>)]
    users: usize,
    /// Events to insert (a fifth of them weekly series).
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// Google Docs to create.
    #[arg(long, default_value_t = 1_000)]
    docs: usize,
    /// Text per doc, in bytes.
    #[arg(long, default_value_t = 4_096)]
    doc_bytes: usize,
    /// Requests in the latency run.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 16, value_parser = common::at_least::<1>)]
    concurrency: usize,
}

fn main() -> anyhow::Result<()> {
    let sizes = <Sizes as clap::Parser>::parse();
    let sandbox_rt = common::sandbox_runtime(2)?;
    let sandbox = common::start_sandbox(&sandbox_rt)?;
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = client_rt.block_on(run(sandbox.url.clone(), sizes));
    sandbox_rt.block_on(sandbox.stop());
    result
}

fn email(i: usize) -> String {
    format!("user{i:03}@example.com")
}

async fn run(url: String, sizes: Sizes) -> anyhow::Result<()> {
    println!("bench_sandbox — {}", common::machine_line());
    println!("sizes: {sizes:?}\n");
    let control = SandboxClient::new(&url);
    let start = Utc
        .with_ymd_and_hms(2026, 11, 30, 6, 0, 0)
        .single()
        .context("start date")?;
    control.set_now(start).await?;
    for i in 0..sizes.users {
        control
            .add_user(&email(i), &format!("User {i}"), TZ)
            .await?;
    }
    let mut people = Vec::with_capacity(sizes.users);
    for i in 0..sizes.users {
        people.push(Person::sign_in(&control, &email(i)).await?);
    }
    let people = Arc::new(people);
    let baseline = Memory::now();
    let state0 = state_size(&url).await?;
    println!("memory (whole process: sandbox + clients)");
    println!(
        "  baseline, {} users signed in:      RSS {:>8.1} MiB   /_sandbox/state {:>10} bytes",
        sizes.users,
        common::mib(baseline.rss_kb),
        state0.0
    );

    let t = Instant::now();
    let (recurring, failed) = insert_events(&people, sizes, start).await;
    let events_secs = t.elapsed().as_secs_f64();
    let after_events = Memory::now();
    let state1 = state_size(&url).await?;
    println!(
        "  + {} events ({} weekly series, {} single; {} failed) in {:.1}s: RSS {:>8.1} MiB (+{:.1})   state {:>10} bytes",
        sizes.events,
        recurring,
        sizes.events - recurring,
        failed,
        events_secs,
        common::mib(after_events.rss_kb),
        common::mib(after_events.rss_kb.saturating_sub(baseline.rss_kb)),
        state1.0
    );

    let t = Instant::now();
    let (docs, failed) = create_docs(&people, sizes).await;
    let docs_secs = t.elapsed().as_secs_f64();
    let after_docs = Memory::now();
    let state2 = state_size(&url).await?;
    println!(
        "  + {} docs of ~{} bytes ({} failed) in {:.1}s:              RSS {:>8.1} MiB (+{:.1})   state {:>10} bytes",
        sizes.docs,
        sizes.doc_bytes,
        failed,
        docs_secs,
        common::mib(after_docs.rss_kb),
        common::mib(after_docs.rss_kb.saturating_sub(after_events.rss_kb)),
        state2.0
    );
    let after_dump = Memory::now();
    println!(
        "  GET /_sandbox/state: {:.1} MiB in {} ms; peak RSS (VmHWM) so far {:.1} MiB, RSS after {:.1} MiB",
        state2.0 as f64 / 1_048_576.0,
        state2.1.as_millis(),
        common::mib(after_dump.hwm_kb),
        common::mib(after_dump.rss_kb)
    );

    let tokens = full_sync_all(&people).await?;
    let docs = Arc::new(docs);
    let tokens = Arc::new(tokens);
    for (label, requests, concurrency) in [
        ("warm-up, concurrency 1", sizes.requests / 6, 1),
        ("load", sizes.requests, sizes.concurrency),
    ] {
        control.reset_stats().await?;
        let cpu0 = CpuSplit::now();
        let t = Instant::now();
        let samples = load(&people, &docs, &tokens, requests, concurrency).await;
        let wall = t.elapsed();
        let cpu = CpuSplit::now().since(cpu0);
        report_load(label, requests, concurrency, &samples, wall, cpu);
        let stats = control.stats().await?;
        println!("  sandbox counted: {}", stats["calls"]);
        println!("  sandbox errors:  {}", stats["errors"]);
    }
    let end = Memory::now();
    println!(
        "\nend: RSS {:.1} MiB, peak RSS (VmHWM) {:.1} MiB",
        common::mib(end.rss_kb),
        common::mib(end.hwm_kb)
    );
    Ok(())
}

/// `GET /_sandbox/state`: its size in bytes and how long it took.
async fn state_size(url: &str) -> anyhow::Result<(usize, Duration)> {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<bytes::Bytes>>();
    let t = Instant::now();
    let uri: hyper::Uri = format!("{url}_sandbox/state").parse()?;
    let response = client.get(uri).await?;
    let body = response.into_body().collect().await?.to_bytes();
    Ok((body.len(), t.elapsed()))
}

/// Runs `jobs` jobs on `concurrency` tasks; each job gets its index.
async fn fan_out<F, Fut, T>(jobs: usize, concurrency: usize, job: F) -> Vec<T>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send,
    T: Send + 'static,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let job = job.clone();
        let next = next.clone();
        tasks.spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= jobs {
                    return out;
                }
                out.push(job(i).await);
            }
        });
    }
    let mut all = Vec::with_capacity(jobs);
    while let Some(done) = tasks.join_next().await {
        all.extend(done.unwrap_or_default());
    }
    all
}

fn at(t: DateTime<Utc>) -> EventDateTime {
    EventDateTime {
        date_time: Some(t),
        time_zone: Some(TZ.to_string()),
        ..Default::default()
    }
}

/// Inserts the events: every fifth one a weekly series (some ending, some not), the rest single
/// meetings over the next two months; each with one other attendee, so the sandbox also keeps
/// the attendee's copy. Returns (series inserted, failures).
async fn insert_events(
    people: &Arc<Vec<Person>>,
    sizes: Sizes,
    start: DateTime<Utc>,
) -> (usize, usize) {
    let people = people.clone();
    let results = fan_out(sizes.events, 16, move |i| {
        let people = people.clone();
        async move {
            let users = people.len();
            let organizer = &people[i % users];
            let other = email((i + 1 + i / users) % users);
            let other = if other == organizer.email {
                email((i + 1) % users)
            } else {
                other
            };
            let recurring = i % 5 == 0;
            let day = (i / users) % 60;
            let begin = start
                + ChronoDuration::days(day as i64)
                + ChronoDuration::minutes(((i * 37) % 600) as i64 + 120);
            let recurrence = recurring.then(|| {
                let byday = ["MO", "TU", "WE", "TH", "FR"][i % 5];
                if i % 10 == 0 {
                    vec![format!("RRULE:FREQ=WEEKLY;BYDAY={byday}")]
                } else {
                    vec![format!("RRULE:FREQ=WEEKLY;BYDAY={byday};COUNT=20")]
                }
            });
            let event = Event {
                summary: Some(format!("Meeting {i}")),
                description: Some("Agenda: updates, blockers, next steps.".into()),
                start: Some(at(begin)),
                end: Some(at(begin + ChronoDuration::minutes(30))),
                recurrence,
                attendees: Some(vec![
                    EventAttendee {
                        email: Some(organizer.email.clone()),
                        organizer: Some(true),
                        response_status: Some("accepted".into()),
                        ..Default::default()
                    },
                    EventAttendee {
                        email: Some(other),
                        ..Default::default()
                    },
                ]),
                ..Default::default()
            };
            let inserted = organizer
                .calendar
                .events()
                .insert(event, "primary")
                .doit()
                .await;
            (recurring, inserted.is_ok())
        }
    })
    .await;
    let series = results.iter().filter(|(r, ok)| *r && *ok).count();
    let failed = results.iter().filter(|(_, ok)| !ok).count();
    (series, failed)
}

/// Creates the docs (create + one batchUpdate inserting ~`doc_bytes` of paragraphs), spread
/// over the users. Returns the doc ids per user, and the failures.
async fn create_docs(people: &Arc<Vec<Person>>, sizes: Sizes) -> (Vec<Vec<String>>, usize) {
    let line = "Bob to send the Q3 draft by Friday; we agree on the on-call rota by next week.\n";
    let text: String = line.repeat(sizes.doc_bytes.div_ceil(line.len()).max(1));
    let text = Arc::new(text);
    let users = people.len();
    let people2 = people.clone();
    let results = fan_out(sizes.docs, 16, move |i| {
        let people = people2.clone();
        let text = text.clone();
        async move {
            let owner = &people[i % users];
            let created = owner
                .docs
                .documents()
                .create(Document {
                    title: Some(format!("Notes {i}")),
                    ..Default::default()
                })
                .doit()
                .await;
            let Ok((_, doc)) = created else {
                return (i % users, None);
            };
            let Some(id) = doc.document_id else {
                return (i % users, None);
            };
            let insert = DocsRequest {
                insert_text: Some(InsertTextRequest {
                    location: Some(Location {
                        index: Some(1),
                        ..Default::default()
                    }),
                    text: Some(text.as_str().to_string()),
                    ..Default::default()
                }),
                ..Default::default()
            };
            let edited = owner
                .docs
                .documents()
                .batch_update(
                    BatchUpdateDocumentRequest {
                        requests: Some(vec![insert]),
                        ..Default::default()
                    },
                    &id,
                )
                .doit()
                .await;
            (i % users, edited.ok().map(|_| id))
        }
    })
    .await;
    let mut per_user = vec![Vec::new(); users];
    let mut failed = 0;
    for (user, id) in results {
        match (id, per_user.get_mut(user)) {
            (Some(id), Some(list)) => list.push(id),
            _ => failed += 1,
        }
    }
    (per_user, failed)
}

/// A full sync of every user's calendar (all pages), returning each one's `nextSyncToken`.
async fn full_sync_all(people: &Arc<Vec<Person>>) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::with_capacity(people.len());
    let t = Instant::now();
    let mut items = 0;
    for person in people.iter() {
        let mut page: Option<String> = None;
        loop {
            let mut call = person
                .calendar
                .events()
                .list("primary")
                .show_deleted(true)
                .max_results(2500);
            if let Some(p) = &page {
                call = call.page_token(p);
            }
            let (_, list) = call
                .doit()
                .await
                .with_context(|| format!("{}: full sync", person.email))?;
            items += list.items.map_or(0, |i| i.len());
            if let Some(next) = list.next_page_token {
                page = Some(next);
                continue;
            }
            tokens.push(list.next_sync_token.with_context(|| {
                format!(
                    "{}: last page of a full sync has no nextSyncToken",
                    person.email
                )
            })?);
            break;
        }
    }
    println!(
        "\nfull sync of {} calendars ({} events incl. attendee copies): {:.2}s",
        people.len(),
        items,
        t.elapsed().as_secs_f64()
    );
    Ok(tokens)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    EventsListSync,
    DocsGet,
    FilesList,
}

const KINDS: [(Kind, &str); 3] = [
    (Kind::EventsListSync, "calendar.events.list (sync)"),
    (Kind::DocsGet, "docs.documents.get"),
    (Kind::FilesList, "drive.files.list"),
];

/// `requests` calls on `concurrency` tasks, kinds in rotation, users and docs spread
/// deterministically. Returns (kind, latency, ok) per request.
async fn load(
    people: &Arc<Vec<Person>>,
    docs: &Arc<Vec<Vec<String>>>,
    tokens: &Arc<Vec<String>>,
    requests: usize,
    concurrency: usize,
) -> Vec<(Kind, Duration, bool)> {
    let people = people.clone();
    let docs = docs.clone();
    let tokens = tokens.clone();
    fan_out(requests, concurrency, move |i| {
        let people = people.clone();
        let docs = docs.clone();
        let tokens = tokens.clone();
        async move {
            let kind = KINDS[i % KINDS.len()].0;
            let user = (i.wrapping_mul(7919) / 3) % people.len();
            let person = &people[user];
            let t = Instant::now();
            let ok = match kind {
                Kind::EventsListSync => person
                    .calendar
                    .events()
                    .list("primary")
                    .sync_token(tokens.get(user).map(String::as_str).unwrap_or(""))
                    .show_deleted(true)
                    .max_results(250)
                    .doit()
                    .await
                    .is_ok(),
                Kind::DocsGet => {
                    let ids = docs.get(user).map(Vec::as_slice).unwrap_or(&[]);
                    match ids.get(i % ids.len().max(1)) {
                        Some(id) => person.docs.documents().get(id).doit().await.is_ok(),
                        None => false,
                    }
                }
                Kind::FilesList => person
                    .drive
                    .files()
                    .list()
                    .q(&format!(
                        "appProperties has {{ key='oneononeSeries' and value='bench-{i}' }} \
                         and trashed = false"
                    ))
                    .spaces("drive")
                    .order_by("createdTime")
                    .page_size(100)
                    .param("fields", "files(id,name,appProperties),nextPageToken")
                    .doit()
                    .await
                    .is_ok(),
            };
            (kind, t.elapsed(), ok)
        }
    })
    .await
}

fn report_load(
    label: &str,
    requests: usize,
    concurrency: usize,
    samples: &[(Kind, Duration, bool)],
    wall: Duration,
    cpu: CpuSplit,
) {
    let secs = wall.as_secs_f64().max(f64::EPSILON);
    println!(
        "\nlatency — {label}: {requests} requests at concurrency {concurrency} in {secs:.2}s = {:.0} req/s",
        requests as f64 / secs
    );
    println!(
        "  CPU: sandbox threads {:.2}s ({:.0} µs/request), client thread {:.2}s ({:.0} µs/request)",
        cpu.sandbox.as_secs_f64(),
        cpu.sandbox.as_secs_f64() * 1e6 / requests.max(1) as f64,
        cpu.rest.as_secs_f64(),
        cpu.rest.as_secs_f64() * 1e6 / requests.max(1) as f64
    );
    println!(
        "  {}  {:>9} {:>6}",
        common::latency_header(),
        "req/s",
        "fail"
    );
    for (kind, name) in KINDS {
        let of_kind: Vec<Duration> = samples
            .iter()
            .filter(|(k, _, _)| *k == kind)
            .map(|(_, d, _)| *d)
            .collect();
        let failed = samples
            .iter()
            .filter(|(k, _, ok)| *k == kind && !ok)
            .count();
        let p = Percentiles::of(&of_kind);
        println!(
            "  {}  {:>9.0} {:>6}",
            common::latency_row(name, &p),
            p.count as f64 / secs,
            failed
        );
    }
    let all: Vec<Duration> = samples.iter().map(|(_, d, _)| *d).collect();
    println!(
        "  {}  {:>9.0}",
        common::latency_row("all", &Percentiles::of(&all)),
        all.len() as f64 / secs
    );
}
