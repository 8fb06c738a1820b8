//! Benchmark of the daemon: a whole company's 1-1s on the sandbox over simulated weeks, and
//! what that costs in Google API calls, CPU time, memory and wall time per pass.
//!
//! `cargo run --release --example bench_daemon -- --managers 20 --reports 5 --weeks 4
//! [--step-minutes 15] [--idle-passes 5] [--idle-step-minutes N] [--tasks]`
//!
//! `--tasks` turns on `[tasks]` (each action item also a Google Task for its owner, here the
//! report) and adds the Tasks calls per item and per idle manager per day.
//!
//! Each manager has a weekly 1-1 with each report, spread over the working week. The real
//! daemon (real store on disk, real generated Google clients over loopback HTTP, the sandbox's
//! simulated clock) runs one pass per simulated step; after every meeting the report types one
//! action item into the newest "Action items" list. The API calls the people make are measured
//! separately (stats before/after each of their steps) and subtracted, so the counts are the
//! daemon's alone.
//!
//! The sandbox runs on its own threads (`sbx-…`); the daemon and the people on the main
//! thread. "Daemon CPU" is the CPU time of every non-sandbox thread, read from `/proc` around
//! each pass only, so the people's typing is not in it. Peak RSS is the whole process (sandbox
//! included).

mod common;

use anyhow::Context;
use chrono::{DateTime, Duration as ChronoDuration, TimeZone, Utc};
use common::{calls_of, family, Calls, CpuSplit, Memory, Percentiles};
use oneonone::config::Config;
use oneonone::daemon::Daemon;
use oneonone::reconcile::PassReport;
use oneonone_sandbox::people::Person;
use oneonone_sandbox::SandboxClient;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const TZ: &str = "Europe/Berlin";

/// The sizes of one run, from the command line.
#[derive(Debug, Clone, Copy, clap::Parser)]
struct Sizes {
    /// Managers served by the daemon.
    #[arg(long, default_value_t = 20, value_parser = common::at_least::<1>)]
    managers: usize,
    /// Reports (weekly 1:1s) per manager.
    #[arg(long, default_value_t = 5, value_parser = common::at_least::<1>)]
    reports: usize,
    /// Simulated weeks.
    #[arg(long, default_value_t = 4, value_parser = common::at_least_i64::<1>)]
    weeks: i64,
    /// Simulated minutes between passes.
    #[arg(long, default_value_t = 15, value_parser = common::at_least_i64::<1>)]
    step_minutes: i64,
    /// Passes in the idle phase.
    #[arg(long, default_value_t = 5, value_parser = common::at_least::<1>)]
    idle_passes: usize,
    /// Simulated minutes between idle passes (default: `--step-minutes`). With 1 (the daemon's
    /// default 60 s poll) most idle passes find their users quiet (`reconcile::quiet`); with
    /// steps past Drive's 10-minute debounce every idle pass is a whole one.
    #[arg(long, value_parser = common::at_least_i64::<1>)]
    idle_step_minutes: Option<i64>,
    /// Turn on `[tasks]`: every action item also becomes its owner's Google Task.
    #[arg(long)]
    tasks: bool,
}

fn main() -> anyhow::Result<()> {
    let sizes = <Sizes as clap::Parser>::parse();
    let sandbox_rt = common::sandbox_runtime(2)?;
    let sandbox = common::start_sandbox(&sandbox_rt)?;
    let main_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = main_rt.block_on(run(sandbox.url.clone(), sizes));
    sandbox_rt.block_on(sandbox.stop());
    result
}

/// One weekly 1-1 and where the people are in it.
struct Series {
    manager: usize,
    report: usize,
    event_id: String,
    doc: Option<String>,
    /// End of the next occurrence the report has not typed into yet.
    next_end: DateTime<Utc>,
}

fn add_delta(into: &mut Calls, after: &Calls, before: &Calls) {
    for (method, n) in after {
        let d = n.saturating_sub(before.get(method).copied().unwrap_or(0));
        if d > 0 {
            *into.entry(method.clone()).or_default() += d;
        }
    }
}

fn minus(total: &Calls, people: &Calls) -> Calls {
    total
        .iter()
        .map(|(k, n)| {
            (
                k.clone(),
                n.saturating_sub(people.get(k).copied().unwrap_or(0)),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn manager_email(m: usize) -> String {
    format!("mgr{m:02}@example.com")
}

fn report_email(m: usize, r: usize) -> String {
    format!("rep{m:02}x{r}@example.com")
}

fn report_name(m: usize, r: usize) -> String {
    format!("Rae{m:02}x{r} Lee")
}

async fn run(url: String, sizes: Sizes) -> anyhow::Result<()> {
    println!("bench_daemon — {}", common::machine_line());
    println!("sizes: {sizes:?}\n");
    let setup_clock = Instant::now();
    let control = SandboxClient::new(&url);
    // Monday 30 Nov 2026, 07:00 in Berlin.
    let start = Utc
        .with_ymd_and_hms(2026, 11, 30, 6, 0, 0)
        .single()
        .context("start date")?;
    control.set_now(start).await?;
    let mut managers = Vec::new();
    let mut reports: Vec<Vec<Person>> = Vec::new();
    for m in 0..sizes.managers {
        control
            .add_user(&manager_email(m), &format!("Max{m:02} Boss"), TZ)
            .await?;
        let mut team = Vec::new();
        for r in 0..sizes.reports {
            control
                .add_user(&report_email(m, r), &report_name(m, r), TZ)
                .await?;
            team.push(Person::sign_in(&control, &report_email(m, r)).await?);
        }
        managers.push(Person::sign_in(&control, &manager_email(m)).await?);
        reports.push(team);
    }
    let mut series = Vec::new();
    let days = ["MO", "TU", "WE", "TH", "FR"];
    for (m, manager) in managers.iter().enumerate() {
        for r in 0..sizes.reports {
            // Spread over the week: weekday by report, hour by manager (08:00–16:30 UTC).
            let g = m * sizes.reports + r;
            let weekday = g % 5;
            let slot = (m + r / 5) % 17;
            let first = start
                + ChronoDuration::days(weekday as i64)
                + ChronoDuration::hours(2)
                + ChronoDuration::minutes(30 * slot as i64);
            let created = manager
                .create_recurring(
                    &format!("{} / Max{m:02} 1:1", report_name(m, r)),
                    &[&report_email(m, r)],
                    first,
                    30,
                    TZ,
                    &[&format!("RRULE:FREQ=WEEKLY;BYDAY={}", days[weekday])],
                )
                .await?;
            series.push(Series {
                manager: m,
                report: r,
                event_id: created.id.context("created event has no id")?,
                doc: None,
                next_end: first + ChronoDuration::minutes(30),
            });
        }
    }

    let dir = tempfile::tempdir()?;
    let key = control.service_account_key().await?;
    std::fs::write(dir.path().join("key.json"), key.to_string())?;
    let users = (0..sizes.managers)
        .map(|m| format!("\"{}\"", manager_email(m)))
        .collect::<Vec<_>>()
        .join(", ");
    let config = format!(
        "[google]\nauth = \"service_account\"\nservice_account_key = \"key.json\"\n\
         users = [{users}]\nendpoint = \"{url}\"\nmax_attempts = 2\n\n[daemon]\n\
         state_dir = \"state\"\nclock = \"sandbox\"\n{}",
        if sizes.tasks {
            "\n[tasks]\nenabled = true\n"
        } else {
            ""
        }
    );
    let config_path = dir.path().join("oneonone.toml");
    std::fs::write(&config_path, config)?;
    let daemon = Daemon::start(Config::load(&config_path)?).await?;
    println!(
        "setup: {} managers, {} weekly 1-1s, in {:.1}s",
        sizes.managers,
        series.len(),
        setup_clock.elapsed().as_secs_f64()
    );

    control.reset_stats().await?;
    let memory_before = Memory::now();
    let end = start + ChronoDuration::weeks(sizes.weeks);
    let step = ChronoDuration::minutes(sizes.step_minutes);
    let mut now = start;
    let mut people_calls = Calls::new();
    let mut total = PassReport::default();
    let mut failures = 0usize;
    let (mut typed, mut untyped) = (0usize, 0usize);
    let mut busy_walls = Vec::new();
    let mut idle_walls = Vec::new();
    let mut first_pass = None;
    let mut daemon_cpu = Duration::ZERO;
    let mut sandbox_cpu = Duration::ZERO;
    let run_clock = Instant::now();
    let mut next_progress = start + ChronoDuration::days(1);
    while now < end {
        // The people: after each meeting, its report types one action item.
        if series.iter().any(|s| s.next_end <= now) {
            let before = calls_of(&control.stats().await?);
            for s in series.iter_mut().filter(|s| s.next_end <= now) {
                let week = (s.next_end - start).num_weeks() + 1;
                s.next_end += ChronoDuration::weeks(1);
                if s.doc.is_none() {
                    s.doc = managers[s.manager].attached_doc(&s.event_id).await?;
                }
                let Some(doc) = &s.doc else {
                    untyped += 1;
                    continue;
                };
                // With tasks the owner is written as an address: the generated names (with
                // digits) are not read as owners, and an unowned item gets no task.
                let owner = if sizes.tasks {
                    report_email(s.manager, s.report)
                } else {
                    report_name(s.manager, s.report)
                };
                let line = format!("{owner} to send the week {week} update by Friday");
                let ok = reports[s.manager][s.report]
                    .type_under_heading(doc, "Action items", &[&line])
                    .await?;
                if ok {
                    typed += 1;
                } else {
                    untyped += 1;
                }
            }
            let after = calls_of(&control.stats().await?);
            add_delta(&mut people_calls, &after, &before);
        }

        let cpu0 = CpuSplit::now();
        let t = Instant::now();
        let summary = daemon.pass(None).await?;
        let wall = t.elapsed();
        let cpu = CpuSplit::now().since(cpu0);
        daemon_cpu += cpu.rest;
        sandbox_cpu += cpu.sandbox;
        failures += summary.failures.len();
        for f in &summary.failures {
            eprintln!("pass failure at {now}: {f}");
        }
        let r = &summary.report;
        let busy = r.docs_created
            + r.docs_adopted
            + r.docs_attached
            + r.docs_shared
            + r.sections_written
            + r.harvests
            + r.revision_conflicts
            > 0;
        if first_pass.is_none() {
            first_pass = Some((wall, cpu.rest));
        } else if busy {
            busy_walls.push(wall);
        } else {
            idle_walls.push(wall);
        }
        total.absorb(summary.report);
        control.advance(step).await?;
        now += step;
        if now >= next_progress {
            eprintln!(
                "  simulated {} — {:.1}s wall so far",
                now.format("%a %d %b"),
                run_clock.elapsed().as_secs_f64()
            );
            next_progress += ChronoDuration::days(1);
        }
    }
    let run_wall = run_clock.elapsed();
    let memory_after = Memory::now();
    let all_calls = calls_of(&control.stats().await?);
    let daemon_calls = minus(&all_calls, &people_calls);
    let passes = busy_walls.len() + idle_walls.len() + 1;

    // Idle polls: settle once, then passes one step apart with nothing due (the run ends on a
    // Monday 07:00 in Berlin; the first meeting is at 09:00 and was prepared a day ago). The
    // clock moves as in the run, so work debounced by time (Drive change polls) is counted.
    daemon.pass(None).await?;
    control.reset_stats().await?;
    let mut idle_report = PassReport::default();
    let mut idle_wall = Duration::ZERO;
    let mut idle_cpu = CpuSplit::default();
    let idle_step = sizes
        .idle_step_minutes
        .map_or(step, ChronoDuration::minutes);
    for _ in 0..sizes.idle_passes {
        control.advance(idle_step).await?;
        let cpu0 = CpuSplit::now();
        let t = Instant::now();
        idle_report.absorb(daemon.pass(None).await?.report);
        idle_wall += t.elapsed();
        let cpu = CpuSplit::now().since(cpu0);
        idle_cpu.rest += cpu.rest;
        idle_cpu.sandbox += cpu.sandbox;
    }
    let idle_calls = calls_of(&control.stats().await?);
    let idle_user_passes = (sizes.idle_passes * sizes.managers) as f64;

    // Report.
    let occurrences = typed + untyped;
    println!(
        "\nrun: {} simulated weeks, {passes} passes (one per {} simulated minutes), {:.1}s wall",
        sizes.weeks,
        sizes.step_minutes,
        run_wall.as_secs_f64()
    );
    println!(
        "work done: {} docs created, {} shared, {} attached, {} sections written, {} harvests, \
         {} action items harvested; {} pass failures, {} problems",
        total.docs_created,
        total.docs_shared,
        total.docs_attached,
        total.sections_written,
        total.harvests,
        total.items_harvested,
        failures,
        total.problems.len()
    );
    println!(
        "people: {typed} action items typed after {occurrences} meetings ({untyped} found no \
         doc or no \"Action items\" heading)"
    );

    println!("\nGoogle API calls by the daemon over the run (people's calls subtracted):");
    for (method, n) in &daemon_calls {
        println!("  {method:<36} {n:>8}");
    }
    println!(
        "  {:<36} {:>8}",
        "total",
        daemon_calls.values().sum::<u64>()
    );
    println!("people's calls (not included above): {people_calls:?}");

    let idle_per_user_pass: BTreeMap<&str, f64> = idle_calls
        .iter()
        .map(|(k, n)| (k.as_str(), *n as f64 / idle_user_passes))
        .collect();
    println!(
        "\nidle polls: {} passes × {} managers with nothing due ({} manager-passes quiet): {:.3} calls per manager per \
         pass {:?}; work done in them: {} sections, {} harvests",
        sizes.idle_passes,
        sizes.managers,
        idle_report.users_quiet,
        idle_calls.values().sum::<u64>() as f64 / idle_user_passes,
        idle_per_user_pass,
        idle_report.sections_written,
        idle_report.harvests
    );
    println!(
        "  idle pass wall {:.2} ms, daemon CPU {:.2} ms per pass ({:.3} ms per manager)",
        idle_wall.as_secs_f64() * 1000.0 / sizes.idle_passes as f64,
        idle_cpu.rest.as_secs_f64() * 1000.0 / sizes.idle_passes as f64,
        idle_cpu.rest.as_secs_f64() * 1000.0 / idle_user_passes
    );

    // Per occurrence: all of the daemon's calls, and those beyond the idle polling baseline.
    let user_passes = (passes * sizes.managers) as f64;
    println!(
        "\ncalls per meeting occurrence ({occurrences} occurrences; 'work' = minus the idle \
         baseline × {passes} passes × {} managers):",
        sizes.managers
    );
    println!("  {:<26} {:>10} {:>10}", "family", "all", "work");
    for (label, prefix) in [
        ("calendar", "calendar."),
        ("docs.documents.get", "docs.documents.get"),
        ("docs.documents.batchUpdate", "docs.documents.batchUpdate"),
        ("docs (all)", "docs."),
        ("drive", "drive."),
        ("drive (but changes.list)", "drive.!changes.list"),
        ("tasks", "tasks."),
        ("oauth2", "oauth2."),
    ] {
        let all = family(&daemon_calls, prefix) as f64;
        let baseline = family(&idle_calls, prefix) as f64 / idle_user_passes * user_passes;
        let per = |n: f64| n / occurrences.max(1) as f64;
        println!(
            "  {label:<26} {:>10.2} {:>10.2}",
            per(all),
            per((all - baseline).max(0.0))
        );
    }

    if sizes.tasks {
        let items = total.items_harvested.max(1) as f64;
        let run_tasks = family(&daemon_calls, "tasks.") as f64;
        let idle_tasks = family(&idle_calls, "tasks.") as f64;
        let idle_minutes = (sizes.idle_passes as i64 * idle_step.num_minutes()).max(1) as f64;
        let per_day = idle_tasks / sizes.managers as f64 * (24.0 * 60.0 / idle_minutes);
        println!(
            "\nGoogle Tasks: {run_tasks} calls over the run for {} items harvested = {:.2} per \
             item ({:?}); idle: {idle_tasks} calls in {} passes over {idle_minutes} simulated \
             minutes = {per_day:.1} per idle manager per day (their {} reports are owners too)",
            total.items_harvested,
            run_tasks / items,
            daemon_calls
                .iter()
                .filter(|(k, _)| k.starts_with("tasks."))
                .collect::<BTreeMap<_, _>>(),
            sizes.idle_passes,
            sizes.reports
        );
    }

    println!("\nwall time per pass ({} managers each):", sizes.managers);
    println!("  {}", common::latency_header());
    if let Some((wall, cpu)) = first_pass {
        println!(
            "  first pass (full sync, docs for every series): {} ms wall, {} ms daemon CPU",
            common::ms(wall),
            common::ms(cpu)
        );
    }
    println!(
        "  {}",
        common::latency_row("passes with work", &Percentiles::of(&busy_walls))
    );
    println!(
        "  {}",
        common::latency_row("passes without work", &Percentiles::of(&idle_walls))
    );
    println!(
        "\nCPU over the run: daemon {:.2}s ({:.2} ms per pass, {:.3} ms per manager-pass), \
         sandbox {:.2}s",
        daemon_cpu.as_secs_f64(),
        daemon_cpu.as_secs_f64() * 1000.0 / passes as f64,
        daemon_cpu.as_secs_f64() * 1000.0 / user_passes,
        sandbox_cpu.as_secs_f64()
    );
    let store_bytes: u64 = std::fs::read_dir(dir.path().join("state"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let end_memory = Memory::now();
    println!(
        "memory (whole process, sandbox included): RSS {:.1} MiB before the run, {:.1} MiB \
         after; peak (VmHWM) {:.1} MiB; the daemon's store on disk {:.1} MiB",
        common::mib(memory_before.rss_kb),
        common::mib(memory_after.rss_kb),
        common::mib(end_memory.hwm_kb),
        store_bytes as f64 / 1_048_576.0
    );
    Ok(())
}
