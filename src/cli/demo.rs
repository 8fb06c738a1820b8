//! `oneonone demo`: the whole job on the built-in sandbox, no Google account needed.
//!
//! It starts the sandbox in this process, stands up the test company every test uses
//! (`oneonone_sandbox::company`) and plays a story in it (Alice manages Bob, Carol and Dan;
//! Carol's 1-1 already has a doc people attached; one of Bob's meetings is cancelled and one
//! of Dan's moved; a team meeting shows what is *not* a 1-1), then runs the real daemon —
//! real generated Google clients over HTTP, real store — on simulated time over four weeks,
//! while the reports type action items into their docs. It ends with a summary, one doc as text
//! (also written as Markdown) and Alice's action-item table.

use anyhow::Context;
use chrono::{DateTime, Duration, TimeZone, Utc};
use google_calendar3::api::{Event, EventDateTime};
use oneonone::config::Config;
use oneonone::daemon::Daemon;
use oneonone::domain::doc::Doc;
use oneonone::export::{doc_to_markdown, to_table};
use oneonone::reconcile::PassReport;
use oneonone_sandbox::company::{self, TIME_ZONE as TZ};
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, TestCompany};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Leave the sandbox running at the end and print its URL and a token to look around.
    #[arg(long)]
    keep: bool,
    /// Where to write the shown doc as Markdown.
    #[arg(long, default_value = "oneonone-demo-doc.md")]
    out: PathBuf,
    /// How many weeks of meetings to simulate.
    #[arg(long, default_value_t = 4)]
    weeks: i64,
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> anyhow::Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .context("demo date")
}

/// A human action at a simulated moment.
struct Scene {
    at: DateTime<Utc>,
    what: &'static str,
    done: bool,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let wall = Instant::now();
    let sandbox = Sandbox::start(company::sandbox_options())
        .await
        .context("cannot start the sandbox")?;
    let control = SandboxClient::new(&sandbox.url);
    println!("sandbox on {}", sandbox.url);

    // The test company, on Monday 30 Nov 2026, 07:00 in Berlin.
    let company = TestCompany::stand_up(&control).await?;
    let start = company::monday();
    let workdir = std::env::temp_dir().join(format!("oneonone-demo-{}", std::process::id()));
    let config_path = write_config(&company, &workdir)?;
    let config = Config::load(&config_path)?;

    let alice = company.person(company::ALICE).await?;
    let bob = company.person(company::BOB).await?;
    let carol = company.person(company::CAROL).await?;
    let weekly = |day: &str| format!("RRULE:FREQ=WEEKLY;BYDAY={day}");

    println!("\nAlice sets up her meetings:");
    let bob_series = alice
        .create_recurring(
            "Alice / Bob 1:1",
            &["bob@example.com"],
            utc(2026, 12, 1, 9, 0)?,
            30,
            TZ,
            &[&weekly("TU")],
        )
        .await?;
    println!("  weekly 1:1 with Bob, Tuesdays 10:00");
    let carol_series = alice
        .create_recurring(
            "Carol & Alice weekly",
            &["carol@example.com"],
            utc(2026, 12, 2, 13, 0)?,
            45,
            TZ,
            &[&weekly("WE")],
        )
        .await?;
    let notes = carol.create_doc("Carol / Alice — our notes").await?;
    let notes_id = notes.document_id.clone().unwrap_or_default();
    // Carol's doc is hers; Alice must be able to open it for it to be adopted.
    share_with(&carol, &notes_id, "alice@example.com").await?;
    alice
        .attach_doc(
            carol_series.id.as_deref().unwrap_or_default(),
            &notes_id,
            "Carol / Alice — our notes",
        )
        .await?;
    println!(
        "  weekly 1:1 with Carol, Wednesdays 14:00 — Carol already attached her own notes doc"
    );
    let dan_series = alice
        .create_recurring(
            "1:1 Alice <> Dan",
            &["dan@example.com"],
            utc(2026, 12, 3, 10, 0)?,
            30,
            TZ,
            &[&weekly("TH")],
        )
        .await?;
    println!("  weekly 1:1 with Dan, Thursdays 11:00");
    alice
        .create_recurring(
            "Team sync",
            &["bob@example.com", "carol@example.com", "dan@example.com"],
            utc(2026, 11, 30, 14, 0)?,
            60,
            TZ,
            &[&weekly("MO")],
        )
        .await?;
    println!("  weekly team sync with all three (not a 1-1: four people)");

    let bob_id = bob_series.id.clone().unwrap_or_default();
    alice
        .delete_event(&format!("{bob_id}_20261208T090000Z"))
        .await?;
    println!("  cancels Bob's 1:1 on Tue 8 Dec");
    let dan_id = dan_series.id.clone().unwrap_or_default();
    let moved_start = utc(2026, 12, 11, 14, 0)?;
    alice
        .patch_event(
            &format!("{dan_id}_20261210T100000Z"),
            Event {
                start: Some(at(moved_start)),
                end: Some(at(moved_start + Duration::minutes(30))),
                ..Default::default()
            },
        )
        .await?;
    println!("  moves Dan's 1:1 of Thu 10 Dec to Fri 11 Dec 15:00");

    let daemon = Daemon::start(config).await?;
    let mut scenes = [
        Scene {
            at: utc(2026, 12, 1, 9, 20)?,
            what: "bob-types",
            done: false,
        },
        Scene {
            at: utc(2026, 12, 2, 13, 30)?,
            what: "carol-types",
            done: false,
        },
        Scene {
            at: utc(2026, 12, 15, 9, 10)?,
            what: "bob-ticks",
            done: false,
        },
    ];
    println!(
        "\nThe daemon runs over {} simulated weeks (one pass per simulated hour):",
        args.weeks
    );
    let mut total = PassReport::default();
    let end = start + Duration::weeks(args.weeks);
    let mut now = start;
    let mut passes = 0;
    let berlin: chrono_tz::Tz = TZ.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    while now < end {
        for scene in scenes.iter_mut().filter(|s| !s.done && s.at <= now) {
            scene.done = true;
            act(
                scene.what,
                &alice,
                &bob,
                &carol,
                &bob_id,
                carol_series.id.as_deref().unwrap_or_default(),
            )
            .await?;
        }
        let summary = daemon.pass(None).await?;
        passes += 1;
        for f in &summary.failures {
            println!("  ! {f}");
        }
        let line = describe(&summary.report);
        if !line.is_empty() {
            println!(
                "  {}  {line}",
                now.with_timezone(&berlin).format("%a %d %b %H:%M")
            );
        }
        for p in &summary.report.problems {
            println!("      problem: {p}");
        }
        total.absorb(summary.report);
        control.advance(Duration::hours(1)).await?;
        now = control.now().await?;
    }

    println!("\nSummary after {passes} passes:");
    println!("  1-1 series found:     3 (the team sync was left alone)");
    println!("  docs created:         {}", total.docs_created);
    println!("  docs adopted:         {}", total.docs_adopted);
    println!("  docs shared:          {}", total.docs_shared);
    println!("  sections written:     {}", total.sections_written);
    println!(
        "  harvests:             {} ({} action items read, {} closed)",
        total.harvests, total.items_harvested, total.items_closed
    );
    println!("  problems:             {}", total.problems.len());
    let stats = control.stats().await?;
    println!(
        "  Google API calls (counted by the sandbox): {}",
        stats_line(&stats)
    );

    let bob_doc = bob
        .attached_doc(&bob_id)
        .await?
        .context("Bob's 1:1 has no doc attached")?;
    let document = alice.get_doc(&bob_doc).await?;
    let doc = Doc::from_json(&serde_json::to_value(&document)?)?;
    let markdown = doc_to_markdown(&doc);
    println!("\nThe Alice / Bob doc, as Bob sees it:\n");
    println!("{markdown}");
    std::fs::write(&args.out, &markdown)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("(written as Markdown to {})", args.out.display());

    let rows =
        daemon.read_store(|store| super::actions::rows(store, &super::actions::Args::default()))?;
    println!("\nAlice's action items (`oneonone actions`):");
    println!("{}", to_table(&rows, now.date_naive()));

    println!(
        "\ndemo finished in {:.1}s wall time",
        wall.elapsed().as_secs_f64()
    );
    if args.keep {
        let token = control
            .token("alice@example.com", oneonone_sandbox::people::PERSON_SCOPES)
            .await?;
        println!("\nthe sandbox stays up until Ctrl-C:");
        println!("  url:   {}", sandbox.url);
        println!("  token: {token}   (acts as alice@example.com)");
        println!("  try:   curl -H 'Authorization: Bearer {token}' {}calendar/v3/calendars/primary/events", sandbox.url);
        println!("  state: curl {}_sandbox/state", sandbox.url);
        super::sandbox::shutdown_signal().await;
    }
    let _ = std::fs::remove_dir_all(&workdir);
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}

fn at(t: DateTime<Utc>) -> EventDateTime {
    EventDateTime {
        date_time: Some(t),
        time_zone: Some(TZ.to_string()),
        ..Default::default()
    }
}

/// The humans' part of the story.
async fn act(
    what: &str,
    alice: &Person,
    bob: &Person,
    carol: &Person,
    bob_series: &str,
    carol_series: &str,
) -> anyhow::Result<()> {
    match what {
        "bob-types" => {
            let doc = bob
                .attached_doc(bob_series)
                .await?
                .context("Bob's series has no doc yet")?;
            bob.type_under_heading(
                &doc,
                "Action items",
                &[
                    "Bob to send the Q3 draft by Friday",
                    "Alice: review Bob's promotion packet by 15 Dec",
                    "we agree on the on-call rota by next week",
                ],
            )
            .await?;
            println!("      Bob types three action items into the doc during the meeting");
        }
        "carol-types" => {
            let doc = carol
                .attached_doc(carol_series)
                .await?
                .context("Carol's series has no doc")?;
            carol
                .type_under_heading(
                    &doc,
                    "Action items",
                    &["Carol to share the hiring plan by 9 Dec 🚀"],
                )
                .await?;
            println!("      Carol adds an action item");
        }
        "bob-ticks" => {
            let doc = bob
                .attached_doc(bob_series)
                .await?
                .context("Bob's series has no doc")?;
            let ticked = bob.mark_done(&doc, "send the Q3 draft").await?;
            println!(
                "      Bob marks \"send the Q3 draft\" done (types ✅ in front of it) in today's carried-over list{}",
                if ticked { "" } else { " (not found!)" }
            );
        }
        _ => {}
    }
    let _ = alice;
    Ok(())
}

/// Shares a doc as writer, as the Drive UI does.
async fn share_with(owner: &Person, doc_id: &str, email: &str) -> anyhow::Result<()> {
    let permission = google_drive3::api::Permission {
        type_: Some("user".into()),
        role: Some("writer".into()),
        email_address: Some(email.into()),
        ..Default::default()
    };
    owner
        .drive
        .permissions()
        .create(permission, doc_id)
        .send_notification_email(false)
        .doit()
        .await
        .map_err(|e| anyhow::anyhow!("{} shares {doc_id}: {e}", owner.email))?;
    Ok(())
}

/// The daemon's config for the company, serving Alice, in `dir` (with the key beside it).
fn write_config(company: &TestCompany, dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let key_path = dir.join("service-account.json");
    company
        .write_service_account_key(&key_path)
        .with_context(|| format!("cannot write {}", key_path.display()))?;
    let config = format!(
        "[google]\nauth = \"service_account\"\nservice_account_key = \"service-account.json\"\n\
         users = [\"{}\"]\nendpoint = \"{}\"\n\n[daemon]\nstate_dir = \"state\"\n\
         clock = \"sandbox\"\n",
        company::ALICE,
        company.endpoint()
    );
    let path = dir.join("oneonone.toml");
    write_private(&path, &config)?;
    Ok(path)
}

/// The config is created readable by its owner only, like the key next to it.
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

fn describe(r: &PassReport) -> String {
    let mut parts = Vec::new();
    let mut add = |n: usize, what: &str| {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    };
    add(r.docs_created, "doc(s) created");
    add(r.docs_adopted, "doc(s) adopted");
    add(r.docs_shared, "doc(s) shared");
    add(r.docs_attached, "doc(s) attached");
    add(r.sections_written, "section(s) written");
    add(r.revision_conflicts, "revision conflict(s)");
    add(r.items_harvested, "action item(s) harvested");
    add(r.items_closed, "item(s) closed");
    parts.join(", ")
}

fn stats_line(stats: &serde_json::Value) -> String {
    let Some(calls) = stats.get("calls").and_then(|c| c.as_object()) else {
        return stats.to_string();
    };
    let total: u64 = calls.values().filter_map(|v| v.as_u64()).sum();
    let mut parts: Vec<String> = calls
        .iter()
        .map(|(k, v)| format!("{k} {}", v.as_u64().unwrap_or(0)))
        .collect();
    parts.sort();
    format!("{total} in all — {}", parts.join(", "))
}
