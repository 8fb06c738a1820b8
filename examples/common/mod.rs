//! Measuring helpers shared by the benchmark examples: memory and CPU time read from `/proc`,
//! latency percentiles, and a sandbox served from its own threads so its CPU time can be told
//! apart from the client's (the daemon's or the load generator's).
//!
//! Everything here reads Linux's `/proc`; on other systems the numbers come out as "n/a".

// Each example uses a different subset of these helpers.
#![allow(dead_code)]

use oneonone_sandbox::{Sandbox, SandboxOptions};
use std::collections::BTreeMap;
use std::time::Duration;

/// API calls by method, as the sandbox counts them (`GET /_sandbox/stats`).
pub type Calls = BTreeMap<String, u64>;

/// The `calls` of a sandbox stats answer.
pub fn calls_of(stats: &serde_json::Value) -> Calls {
    stats
        .get("calls")
        .and_then(serde_json::Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

/// The name prefix of the sandbox runtime's threads (see [`sandbox_runtime`]).
pub const SANDBOX_THREAD: &str = "sbx-";

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`, …).
pub fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Resident memory now and at its peak.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kb: u64,
    pub hwm_kb: u64,
}

impl Memory {
    pub fn now() -> Memory {
        Memory {
            rss_kb: status_kb("VmRSS").unwrap_or(0),
            hwm_kb: status_kb("VmHWM").unwrap_or(0),
        }
    }
}

pub fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// CPU time of one thread of this process: `/proc/self/task/<tid>/schedstat` (nanoseconds on
/// the CPU) when the kernel has schedstats, else utime+stime from `stat` (clock ticks, assumed
/// 100 Hz as on every mainstream Linux).
fn thread_cpu(task_dir: &std::path::Path) -> Option<Duration> {
    if let Ok(s) = std::fs::read_to_string(task_dir.join("schedstat")) {
        if let Some(ns) = s.split_whitespace().next().and_then(|v| v.parse().ok()) {
            return Some(Duration::from_nanos(ns));
        }
    }
    let stat = std::fs::read_to_string(task_dir.join("stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// CPU time used so far, split into the sandbox's threads and all the others.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSplit {
    pub sandbox: Duration,
    pub rest: Duration,
}

impl CpuSplit {
    pub fn now() -> CpuSplit {
        let mut split = CpuSplit::default();
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return split;
        };
        for task in tasks.flatten() {
            let dir = task.path();
            let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
            let cpu = thread_cpu(&dir).unwrap_or_default();
            if name.starts_with(SANDBOX_THREAD) {
                split.sandbox += cpu;
            } else {
                split.rest += cpu;
            }
        }
        split
    }

    /// What was used since `earlier` (threads that ended in between are lost; none of ours do).
    pub fn since(self, earlier: CpuSplit) -> CpuSplit {
        CpuSplit {
            sandbox: self.sandbox.saturating_sub(earlier.sandbox),
            rest: self.rest.saturating_sub(earlier.rest),
        }
    }
}

/// Calls whose method starts with `prefix`; `"drive.!changes.list"` means the drive calls but
/// `drive.changes.list` (the time-debounced change poll, which the idle baseline also makes).
pub fn family(calls: &Calls, prefix: &str) -> u64 {
    let (prefix, except) = match prefix.split_once('!') {
        Some((p, e)) => (p, Some(format!("{p}{e}"))),
        None => (prefix, None),
    };
    calls
        .iter()
        .filter(|(k, _)| k.starts_with(prefix) && except.as_deref() != Some(k.as_str()))
        .map(|(_, n)| n)
        .sum()
}

/// A multi-thread runtime whose threads are named `sbx-…`, for the sandbox alone.
pub fn sandbox_runtime(workers: usize) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("sbx-worker")
        .enable_all()
        .build()
}

/// Starts a sandbox on `runtime` (its server task runs on that runtime's threads).
pub fn start_sandbox(runtime: &tokio::runtime::Runtime) -> std::io::Result<Sandbox> {
    runtime.block_on(Sandbox::start(SandboxOptions::default()))
}

/// Latency distribution of one kind of request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Percentiles {
    pub count: usize,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean: Duration,
}

/// The nearest-rank percentile `p` (0–100) of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len()) - 1)
        .copied()
        .unwrap_or_default()
}

impl Percentiles {
    pub fn of(samples: &[Duration]) -> Percentiles {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let total: Duration = sorted.iter().sum();
        Percentiles {
            count: sorted.len(),
            p50: percentile(&sorted, 50.0),
            p90: percentile(&sorted, 90.0),
            p99: percentile(&sorted, 99.0),
            max: sorted.last().copied().unwrap_or_default(),
            mean: if sorted.is_empty() {
                Duration::ZERO
            } else {
                total / sorted.len() as u32
            },
        }
    }
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// One table row: `label  n  p50  p90  p99  max  mean` (milliseconds).
pub fn latency_row(label: &str, p: &Percentiles) -> String {
    format!(
        "{label:<28} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}",
        p.count,
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        ms(p.max),
        ms(p.mean)
    )
}

pub fn latency_header() -> String {
    format!(
        "{:<28} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "method", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms"
    )
}

/// What the machine looked like during the run (cores, load), for the report's caveats.
pub fn machine_line() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| {
            let parts: Vec<&str> = l.split_whitespace().take(3).collect();
            (parts.len() == 3).then(|| parts.join(" "))
        })
        .unwrap_or_else(|| "n/a".to_string());
    format!("{cores} cores available, load average {load}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let p = Percentiles::of(&samples);
        assert_eq!(p.p50, Duration::from_millis(50));
        assert_eq!(p.p90, Duration::from_millis(90));
        assert_eq!(p.p99, Duration::from_millis(99));
        assert_eq!(p.max, Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}

/// A whole number of at least `MIN`, for size flags.
pub fn at_least<const MIN: usize>(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number"))?;
    if n < MIN {
        return Err(format!("{n} is too small: at least {MIN}"));
    }
    Ok(n)
}

/// [`at_least`] for signed durations (weeks, minutes).
pub fn at_least_i64<const MIN: i64>(s: &str) -> Result<i64, String> {
    let n: i64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number"))?;
    if n < MIN {
        return Err(format!("{n} is too small: at least {MIN}"));
    }
    Ok(n)
}
