//! Benchmark at company scale: many managers, each with weekly 1-1s, served by one daemon
//! process against a sandbox as slow as Google (issue 12's targets).
//!
//! `cargo run --release --example bench_scale -- --managers 1000 --reports 6 --latency-ms 100
//! [--steady-passes 20] [--setup-latency-ms 0]`
//!
//! The first pass (a doc per 1-1, shared, attached, the first sections) runs with
//! `--setup-latency-ms` (default 0, so a 10,000-manager first pass fits on a small machine);
//! then the sandbox's latency is set to `--latency-ms` for every Google call and the daemon runs
//! `--steady-passes` steady passes one simulated minute apart (the default 60 s poll), crossing
//! Drive's 10-minute change-list debounce. Printed: steady-pass wall time and its ratio to
//! requests × latency (1.0 would be every call waiting for the one before), API calls per user
//! per day by method (extrapolated from the steady passes), the peak request rate per API against
//! Google's default project quotas, daemon CPU per manager-pass (every thread but the
//! sandbox's), peak RSS of the whole process (sandbox included), and the time from a new 1-1
//! appearing to its doc being attached (the wall time of the pass that attached it; with polling
//! add up to one poll interval of waiting before that pass starts).
//!
//! `--mode push` runs the real loop (`Daemon::run`) with its HTTP listener and `[push]` on
//! loopback: after the first pass has opened every user's channels it measures the calls of an
//! idle minute, one fallback pass (what the loop makes every `push.fallback_poll`), and a new
//! 1-1 from its creation to its doc attached (the sandbox's notification wakes the loop). In
//! push mode the quota governor paces calls as in production (`paced` forced on; the sandbox
//! clock would turn it off), so the peak rates show what it allows.

mod common;

use anyhow::Context;
use chrono::{Duration as ChronoDuration, TimeZone, Utc};
use common::{calls_of, family, Calls, CpuSplit, Memory};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use oneonone::config::Config;
use oneonone::daemon::Daemon;
use oneonone_sandbox::people::Person;
use oneonone_sandbox::SandboxClient;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const TZ: &str = "Europe/Berlin";

#[derive(Debug, Clone, Copy, clap::Parser)]
struct Sizes {
    /// Managers served by the daemon.
    #[arg(long, default_value_t = 1000, value_parser = common::at_least::<1>)]
    managers: usize,
    /// Reports (weekly 1:1s) per manager.
    #[arg(long, default_value_t = 6, value_parser = common::at_least::<1>)]
    reports: usize,
    /// Latency of every Google call during the steady passes, in milliseconds.
    #[arg(long, default_value_t = 100)]
    latency_ms: u64,
    /// Latency during the first pass (docs created for every 1-1).
    #[arg(long, default_value_t = 0)]
    setup_latency_ms: u64,
    /// Steady passes, one simulated minute apart.
    #[arg(long, default_value_t = 20, value_parser = common::at_least::<1>)]
    steady_passes: usize,
    /// `poll` (manual passes, as the 60 s poll makes them) or `push` (the real loop with push
    /// notifications on loopback).
    #[arg(long, value_enum, default_value_t = Mode::Poll)]
    mode: Mode,
    /// Push mode: real seconds of idleness measured after the first pass.
    #[arg(long, default_value_t = 60)]
    idle_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Mode {
    Poll,
    Push,
}

fn total(calls: &Calls) -> u64 {
    calls.values().sum()
}

fn manager_email(m: usize) -> String {
    format!("mgr{m:05}@example.com")
}

fn report_email(m: usize, r: usize) -> String {
    format!("rep{m:05}x{r}@example.com")
}

fn main() -> anyhow::Result<()> {
    let sizes = <Sizes as clap::Parser>::parse();
    let sandbox_rt = common::sandbox_runtime(2)?;
    let sandbox = common::start_sandbox(&sandbox_rt)?;
    // The daemon on its own multi-thread runtime, as `oneonone run` has it.
    let main_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = main_rt.block_on(run(sandbox.url.clone(), sizes));
    sandbox_rt.block_on(sandbox.stop());
    result
}

async fn set_latency(control: &SandboxClient, ms: u64) -> anyhow::Result<()> {
    if ms == 0 {
        control.delete("_sandbox/latency").await?;
    } else {
        control
            .post("_sandbox/latency", json!({ "ms": ms }))
            .await?;
    }
    Ok(())
}

async fn run(url: String, sizes: Sizes) -> anyhow::Result<()> {
    println!("bench_scale — {}", common::machine_line());
    println!("sizes: {sizes:?}\n");
    let setup_clock = Instant::now();
    let control = SandboxClient::new(&url);
    let start = Utc
        .with_ymd_and_hms(2026, 11, 30, 6, 0, 0)
        .single()
        .context("start date")?;
    control.set_now(start).await?;
    set_latency(&control, 0).await?;
    for m in 0..sizes.managers {
        control
            .add_user(&manager_email(m), &format!("Max{m:05} Boss"), TZ)
            .await?;
        for r in 0..sizes.reports {
            control
                .add_user(&report_email(m, r), &format!("Rae{m:05}x{r} Lee"), TZ)
                .await?;
        }
    }
    let days = ["MO", "TU", "WE", "TH", "FR"];
    let sizes_ref = &sizes;
    let control_ref = &control;
    stream::iter(0..sizes.managers)
        .map(|m| async move {
            let manager = Person::sign_in(control_ref, &manager_email(m)).await?;
            for r in 0..sizes_ref.reports {
                let weekday = (m + r) % 5;
                let slot = (m / 5 + r) % 17;
                let first = start
                    + ChronoDuration::days(weekday as i64 + 1)
                    + ChronoDuration::hours(2)
                    + ChronoDuration::minutes(30 * slot as i64);
                manager
                    .create_recurring(
                        &format!("Rae{m:05}x{r} / Max{m:05} 1:1"),
                        &[&report_email(m, r)],
                        first,
                        30,
                        TZ,
                        &[&format!("RRULE:FREQ=WEEKLY;BYDAY={}", days[weekday])],
                    )
                    .await?;
            }
            anyhow::Ok(())
        })
        .buffer_unordered(16)
        .try_collect::<Vec<()>>()
        .await?;

    let dir = tempfile::tempdir()?;
    let key = control.service_account_key().await?;
    std::fs::write(dir.path().join("key.json"), key.to_string())?;
    let users = (0..sizes.managers)
        .map(|m| format!("\"{}\"", manager_email(m)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut config = format!(
        "[google]\nauth = \"service_account\"\nservice_account_key = \"key.json\"\n\
         users = [{users}]\nendpoint = \"{url}\"\n\n[daemon]\n\
         state_dir = \"state\"\nclock = \"sandbox\"\n"
    );
    if sizes.mode == Mode::Push {
        // A free loopback port, named in [push] before the listener binds it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        config.push_str(&format!(
            "\n[http]\nlisten = \"127.0.0.1:{port}\"\n\n[push]\naddress = \"http://127.0.0.1:{port}\"\n"
        ));
    }
    let config_path = dir.path().join("oneonone.toml");
    std::fs::write(&config_path, config)?;
    let mut config = Config::load(&config_path)?;
    if sizes.mode == Mode::Push {
        config.google.quota.paced = true;
    }
    let concurrency = config.daemon.concurrency;
    let quota = config.google.quota;
    let http = config.http.clone();
    let daemon = Daemon::start(config).await?;
    println!(
        "setup: {} managers, {} weekly 1-1s, in {:.1}s; daemon.concurrency = {concurrency}; mode {:?}",
        sizes.managers,
        sizes.managers * sizes.reports,
        setup_clock.elapsed().as_secs_f64(),
        sizes.mode
    );
    if sizes.mode == Mode::Push {
        return push_mode(&control, daemon, &http, sizes).await;
    }

    // First pass: every 1-1 gets its doc.
    set_latency(&control, sizes.setup_latency_ms).await?;
    control.reset_stats().await?;
    let t = Instant::now();
    let cpu0 = CpuSplit::now();
    let first = daemon.pass(None).await?;
    let first_wall = t.elapsed();
    let first_cpu = CpuSplit::now().since(cpu0);
    let first_calls = calls_of(&control.stats().await?);
    println!(
        "\nfirst pass ({} ms latency): {:.1}s wall, {} calls, {} docs created, {} attached, {} \
         sections, {} failures, daemon CPU {:.1}s",
        sizes.setup_latency_ms,
        first_wall.as_secs_f64(),
        total(&first_calls),
        first.report.docs_created,
        first.report.docs_attached,
        first.report.sections_written,
        first.failures.len(),
        first_cpu.rest.as_secs_f64()
    );
    if let Some(f) = first.failures.first() {
        println!("  first failure: {f}");
    }

    // Steady passes at Google's latency, one simulated minute apart.
    set_latency(&control, sizes.latency_ms).await?;
    control.advance(ChronoDuration::minutes(1)).await?;
    control.reset_stats().await?;
    let mut walls = Vec::new();
    let mut ratios = Vec::new();
    let mut peak_rate: BTreeMap<&str, f64> = BTreeMap::new();
    let mut cpu = Duration::ZERO;
    let mut steady_calls = Calls::new();
    let mut failures = 0;
    for _ in 0..sizes.steady_passes {
        let before = calls_of(&control.stats().await?);
        let cpu0 = CpuSplit::now();
        let t = Instant::now();
        let summary = daemon.pass(None).await?;
        let wall = t.elapsed();
        cpu += CpuSplit::now().since(cpu0).rest;
        failures += summary.failures.len();
        let after = calls_of(&control.stats().await?);
        let mut pass_calls = Calls::new();
        for (k, n) in &after {
            let d = n.saturating_sub(before.get(k).copied().unwrap_or(0));
            if d > 0 && k != "oauth2.token" {
                pass_calls.insert(k.clone(), d);
                *steady_calls.entry(k.clone()).or_default() += d;
            }
        }
        let requests = total(&pass_calls);
        walls.push(wall);
        if requests > 0 && sizes.latency_ms > 0 {
            let serial = Duration::from_millis(sizes.latency_ms) * requests as u32;
            ratios.push(wall.as_secs_f64() / serial.as_secs_f64());
        }
        // Requests in Google's one-minute window: one pass per 60 s poll, or back to back when
        // a pass takes longer than the poll.
        let minutes = wall.as_secs_f64().max(60.0) / 60.0;
        for api in ["calendar.", "docs.", "drive."] {
            let rate = family(&pass_calls, api) as f64 / minutes;
            let peak = peak_rate.entry(api).or_insert(0.0);
            *peak = peak.max(rate);
        }
        control.advance(ChronoDuration::minutes(1)).await?;
    }
    walls.sort();
    let mean = walls.iter().sum::<Duration>() / walls.len() as u32;
    let p90 = common::percentile(&walls, 90.0);
    println!(
        "\nsteady passes ({} ms latency, {} passes, 1 simulated minute apart): wall mean {:.2}s, \
         p90 {:.2}s, max {:.2}s; {} failures",
        sizes.latency_ms,
        walls.len(),
        mean.as_secs_f64(),
        p90.as_secs_f64(),
        walls.last().copied().unwrap_or_default().as_secs_f64(),
        failures
    );
    if !ratios.is_empty() {
        let r = ratios.iter().sum::<f64>() / ratios.len() as f64;
        println!(
            "  wall / (requests × latency): {r:.3} (1.0 = every call waits for the one before)"
        );
    }
    let manager_passes = (sizes.managers * sizes.steady_passes) as f64;
    println!(
        "  daemon CPU per manager-pass: {:.3} ms",
        cpu.as_secs_f64() * 1000.0 / manager_passes
    );
    let per_day = 24.0 * 60.0 / sizes.steady_passes as f64;
    println!("  API calls per user per day (idle, polling every 60 s), by method:");
    for (method, n) in &steady_calls {
        println!(
            "    {method:<32} {:>8.1}",
            *n as f64 * per_day / sizes.managers as f64
        );
    }
    println!(
        "    {:<32} {:>8.1}",
        "all",
        total(&steady_calls) as f64 * per_day / sizes.managers as f64
    );
    println!("  peak requests per minute per API (one pass per 60 s poll) vs the project quota:");
    let quotas = [
        ("calendar.", quota.calendar.per_minute),
        (
            "docs.",
            quota.docs_reads.per_minute + quota.docs_writes.per_minute,
        ),
        ("drive.", quota.drive.per_minute),
    ];
    for (api, limit) in quotas {
        let rate = peak_rate.get(api).copied().unwrap_or(0.0);
        println!(
            "    {api:<10} {rate:>9.0}/min of {limit}/min ({:.1} %)",
            rate * 100.0 / f64::from(limit)
        );
    }

    // A new 1-1 appears: the pass after it attaches its doc.
    let (manager, id) = new_one_on_one(&control).await?;
    let t = Instant::now();
    let summary = daemon.pass(None).await?;
    let wall = t.elapsed();
    let attached = manager.attached_doc(&id).await?.is_some();
    println!(
        "\nnew 1-1 → doc attached: {} in the next pass, {:.2}s of pass wall time \
         (+ up to the 60 s poll interval before that pass; {} docs created)",
        if attached { "attached" } else { "NOT attached" },
        wall.as_secs_f64(),
        summary.report.docs_created
    );
    let memory = Memory::now();
    println!(
        "\npeak RSS (daemon + sandbox in one process): {:.0} MiB",
        common::mib(memory.hwm_kb)
    );
    Ok(())
}

/// Manager 0 creates a weekly 1-1 with a newcomer, two days ahead: the manager and its event id.
async fn new_one_on_one(control: &SandboxClient) -> anyhow::Result<(Person, String)> {
    let manager = Person::sign_in(control, &manager_email(0)).await?;
    let newcomer = "newcomer@example.com";
    control.add_user(newcomer, "Nia Newcomer", TZ).await?;
    let when = control.now().await? + ChronoDuration::days(2);
    let event = manager
        .create_recurring(
            "Nia / Max00000 1:1",
            &[newcomer],
            when,
            30,
            TZ,
            &["RRULE:FREQ=WEEKLY"],
        )
        .await?;
    Ok((manager, event.id.unwrap_or_default()))
}

/// Calls counted by the sandbox since its last reset, without token requests.
async fn api_calls(control: &SandboxClient) -> anyhow::Result<Calls> {
    let mut calls = calls_of(&control.stats().await?);
    calls.remove("oauth2.token");
    Ok(calls)
}

/// Waits until the sandbox has counted no new call for `quiet`, at most `limit`.
async fn settle(control: &SandboxClient, quiet: Duration, limit: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut last = total(&api_calls(control).await?);
    let mut still_since = Instant::now();
    while started.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = total(&api_calls(control).await?);
        if now != last {
            last = now;
            still_since = Instant::now();
        } else if still_since.elapsed() >= quiet {
            return Ok(());
        }
    }
    anyhow::bail!("the daemon did not settle within {limit:?}")
}

fn print_calls(title: &str, calls: &Calls, managers: usize, scale: f64) {
    println!("  {title}:");
    for (method, n) in calls {
        println!(
            "    {method:<32} {:>10.1}",
            *n as f64 * scale / managers as f64
        );
    }
    println!(
        "    {:<32} {:>10.1}",
        "all",
        total(calls) as f64 * scale / managers as f64
    );
}

/// The real loop with push notifications: first pass and channels, an idle minute, one fallback
/// pass, a new 1-1 attached on its notification.
async fn push_mode(
    control: &SandboxClient,
    daemon: Daemon,
    http: &oneonone::config::HttpConfig,
    sizes: Sizes,
) -> anyhow::Result<()> {
    use std::sync::Arc;
    let daemon = Arc::new(daemon);
    let (tx, rx) = tokio::sync::watch::channel(false);
    let (listener, bound) = oneonone::http::bind(http).await?;
    let server = tokio::spawn(oneonone::http::serve(
        listener,
        Arc::clone(&daemon),
        rx.clone(),
    ));
    set_latency(control, sizes.setup_latency_ms).await?;
    control.reset_stats().await?;
    let t = Instant::now();
    // The loop's future holds the store across its own awaits and is not `Send`: it runs
    // beside the measurements on this task, as `oneonone run` runs it on its main task.
    let measured = async {
        settle(control, Duration::from_secs(5), Duration::from_secs(3600)).await?;
        let first_calls = api_calls(control).await?;
        println!(
        "\nfirst pass and channels ({} ms latency, listener on {bound}): {:.1}s wall until calm, {} calls \
         ({} events.watch, {} changes.watch)",
        sizes.setup_latency_ms,
        t.elapsed().as_secs_f64() - 5.0,
        total(&first_calls),
        first_calls.get("calendar.events.watch").copied().unwrap_or(0),
        first_calls.get("drive.changes.watch").copied().unwrap_or(0),
    );

        set_latency(control, sizes.latency_ms).await?;
        control.reset_stats().await?;
        let cpu0 = CpuSplit::now();
        tokio::time::sleep(Duration::from_secs(sizes.idle_seconds)).await;
        let idle_cpu = CpuSplit::now().since(cpu0).rest;
        let idle = api_calls(control).await?;
        println!(
            "\nidle, push healthy ({} ms latency, {} s): {} calls in all, daemon CPU {:.0} ms",
            sizes.latency_ms,
            sizes.idle_seconds,
            total(&idle),
            idle_cpu.as_secs_f64() * 1000.0
        );

        // One fallback pass, as the loop makes every push.fallback_poll (30 min by default).
        control.reset_stats().await?;
        let cpu0 = CpuSplit::now();
        let t = Instant::now();
        let summary = daemon.pass(None).await?;
        let wall = t.elapsed();
        let cpu = CpuSplit::now().since(cpu0).rest;
        let fallback = api_calls(control).await?;
        let requests = total(&fallback);
        println!(
        "\none fallback pass: {:.2}s wall, {requests} calls, {} failures, ratio wall / (requests × \
         latency) {:.3}, daemon CPU per manager-pass {:.3} ms",
        wall.as_secs_f64(),
        summary.failures.len(),
        wall.as_secs_f64() / (requests.max(1) as f64 * sizes.latency_ms.max(1) as f64 / 1000.0),
        cpu.as_secs_f64() * 1000.0 / sizes.managers as f64
    );
        let per_minute = requests as f64 * 60.0 / wall.as_secs_f64().max(60.0);
        println!(
        "  its requests in one minute: {per_minute:.0} of the Calendar project quota 10000 ({:.1} %)",
        per_minute / 100.0
    );
        let fallbacks_per_day = 24.0 * 60.0 / 30.0;
        let day_scale = 24.0 * 3600.0 / sizes.idle_seconds as f64;
        let mut per_day = Calls::new();
        for (m, n) in &fallback {
            *per_day.entry(m.clone()).or_default() += (*n as f64 * fallbacks_per_day) as u64;
        }
        for (m, n) in &idle {
            *per_day.entry(m.clone()).or_default() += (*n as f64 * day_scale) as u64;
        }
        print_calls(
        "API calls per user per day, idle under push (48 fallback passes + idle minutes scaled; \
         channel renewals not included)",
        &per_day,
        sizes.managers,
        1.0,
    );

        // A new 1-1: the sandbox notifies the daemon, which attaches its doc without a poll.
        let t = Instant::now();
        let (manager, id) = new_one_on_one(control).await?;
        let mut attached = None;
        while t.elapsed() < Duration::from_secs(120) {
            if manager.attached_doc(&id).await?.is_some() {
                attached = Some(t.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        match attached {
            Some(d) => println!(
                "\nnew 1-1 → doc attached (push): {:.2}s after the event was created",
                d.as_secs_f64()
            ),
            None => println!("\nnew 1-1 → doc NOT attached within 120 s (push)"),
        }

        let _ = tx.send(true);
        anyhow::Ok(Instant::now())
    };
    let (ran, stopping) = tokio::join!(daemon.run(rx.clone()), measured);
    ran?;
    let stopping = stopping?;
    let _ = server.await;
    println!(
        "shutdown (channels stopped): {:.1}s",
        stopping.elapsed().as_secs_f64()
    );
    println!(
        "\npeak RSS (daemon + sandbox in one process): {:.0} MiB",
        common::mib(Memory::now().hwm_kb)
    );
    Ok(())
}
