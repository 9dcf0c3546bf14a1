//! The load run: start the mock, start N softphones at once and log the
//! agents in, ring them with steady inbound traffic, restart CtiSVR, and
//! print what happened in each phase.

use crate::agent::{self, AgentPlan, Reported};
use crate::control::Control;
use crate::histogram::{policy_bound, Histogram};
use crate::mock_process::{process_stats, MockProcess, ProcessStats};
use crate::scenario::{scenario_toml, Seat};
use crate::tally::{Phase, Tally};
use ctisvr_core::ConnectionPolicy;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub agents: u32,
    /// The ctisvr-mock binary (release build).
    pub mock: PathBuf,
    /// Inbound calls per second during the traffic phase.
    pub calls_per_second: f64,
    /// How long the traffic phase lasts.
    pub traffic: Duration,
    pub answer_after: Duration,
    pub talk: Duration,
    /// How long CtiSVR stays down in the restart (its endpoints refuse).
    pub down: Duration,
    /// The most each phase may take before the run gives up on it.
    pub phase_limit: Duration,
    /// The first seed of the softphones' jitter (each takes the next).
    pub seed: u64,
    /// The softphones' connection policy.
    pub policy: ConnectionPolicy,
    /// Where the scenario and the mock's log go.
    pub work_dir: PathBuf,
}

/// Runs the load and prints its figures. Errors: the mock did not start,
/// or a phase did not end within its limit (the figures so far are printed
/// first). Returns the count of errors seen.
pub async fn run(options: LoadOptions) -> Result<u64, String> {
    let agents = options.agents as usize;
    std::fs::create_dir_all(&options.work_dir).map_err(|e| format!("{}: {e}", options.work_dir.display()))?;
    let scenario = options.work_dir.join("load-scenario.toml");
    std::fs::write(&scenario, scenario_toml(options.agents)).map_err(|e| format!("{}: {e}", scenario.display()))?;
    let log = options.work_dir.join("load-mock.log");
    let mock = MockProcess::start(&options.mock, &scenario, &log)?;
    let control = Control::new(&mock.http);
    let idle = mock.stats()?;
    println!(
        "LOAD mock pid {} ({} agents in its scenario), idle: {} MiB resident; its log: {}",
        mock.pid(),
        agents,
        idle.rss_kib / 1024,
        log.display()
    );

    let tally = Arc::new(Mutex::new(Tally::new(agents)));
    let (reports, mut inbox) = mpsc::unbounded_channel::<Reported>();
    let collector = {
        let tally = Arc::clone(&tally);
        tokio::spawn(async move {
            while let Some(reported) = inbox.recv().await {
                if let Ok(mut tally) = tally.lock() {
                    tally.record(reported);
                }
            }
        })
    };
    let lock = || tally.lock().map_err(|_| "the tally's lock was poisoned".to_string());
    let (stop, stopped) = watch::channel(false);
    let mut errors = 0;

    // ----- start-up: N softphones at once, each agent logs in ----------
    let start = Instant::now();
    let base = start;
    let mut handles = Vec::with_capacity(agents);
    for index in 0..options.agents {
        let plan = AgentPlan {
            index,
            seat: Seat::of(index),
            servers: mock.ws.clone(),
            seed: options.seed.wrapping_add(u64::from(index)).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            answer_after: options.answer_after,
            talk: options.talk,
            policy: options.policy.clone(),
        };
        handles.push(tokio::spawn(agent::run(plan, base, reports.clone(), stopped.clone())));
    }
    drop(reports);
    let ready = wait_for(&options, || lock().map(|t| t.up_count == agents)).await;
    let ready = match ready {
        Ok(ready) => ready,
        Err(error) => {
            print_notices(&*lock()?);
            return Err(format!("start-up: {error}; {} of {agents} up", lock()?.up_count));
        }
    };
    let cpu0 = mock.stats()?;
    {
        let t = lock()?;
        let mut times: Vec<Duration> = t.up_at.iter().flatten().map(|at| at.duration_since(start)).collect();
        times.sort();
        println!(
            "LOAD start-up: {}/{} ready and logged in, all in {:.2} s (p50 {:.2} s, p95 {:.2} s); attempts {}; errors {}",
            t.up_count,
            agents,
            ready.as_secs_f64(),
            percentile(&times, 0.5).as_secs_f64(),
            percentile(&times, 0.95).as_secs_f64(),
            t.attempts.len(),
            t.error_count(Phase::StartUp)
        );
        print_mock("start-up", &idle, &idle, &cpu0, ready, agents);
        errors += t.error_count(Phase::StartUp);
    }

    // ----- traffic: inbound calls to idle agents ---------------------------
    lock()?.begin(Phase::Traffic);
    let traffic_start = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / options.calls_per_second.max(0.001));
    let mut ticker = tokio::time::interval(interval);
    let mut next = 0usize;
    let mut placed = 0u64;
    let (failed_calls, mut call_results) = mpsc::unbounded_channel::<String>();
    while traffic_start.elapsed() < options.traffic {
        ticker.tick().await;
        let target = {
            let t = lock()?;
            (0..agents).map(|k| (next + k) % agents).find(|&i| !t.busy.get(i).copied().unwrap_or(true))
        };
        let Some(target) = target else { continue };
        next = target + 1;
        placed += 1;
        let (control, failed) = (control.clone(), failed_calls.clone());
        let to = Seat::of(target as u32).extension;
        let from = format!("415555{:04}", placed % 10_000);
        tokio::spawn(async move {
            if let Err(error) = control.call(&from, &to).await {
                let _ = failed.send(error);
            }
        });
    }
    let traffic_time = traffic_start.elapsed();
    let cpu1 = mock.stats()?;
    drop(failed_calls);
    while let Ok(error) = call_results.try_recv() {
        lock()?.error(format!("control: {error}"));
    }
    {
        let t = lock()?;
        println!(
            "LOAD traffic: {placed} calls in {:.1} s ({:.1}/s); rung {}, answered {}, ended {}; agents up {}/{}; errors {}",
            traffic_time.as_secs_f64(),
            placed as f64 / traffic_time.as_secs_f64(),
            t.offered,
            t.answered,
            t.ended,
            t.up_count,
            agents,
            t.error_count(Phase::Traffic)
        );
        print_mock("traffic", &idle, &cpu0, &cpu1, traffic_time, agents);
        errors += t.error_count(Phase::Traffic);
    }

    // ----- restart: CtiSVR goes down for a while and comes back ------------
    let restart = Instant::now();
    {
        let mut t = lock()?;
        t.begin(Phase::Restart);
        t.up_at_loss = 0;
    }
    let servers = mock.ws.len();
    if !options.down.is_zero() {
        for index in 0..servers {
            control.endpoint(index, true).await?;
        }
    }
    control.restart().await?;
    if !options.down.is_zero() {
        tokio::time::sleep(options.down).await;
        for index in 0..servers {
            control.endpoint(index, false).await?;
        }
    }
    let back = Instant::now();
    let all_back = wait_for(&options, || lock().map(|t| t.back_up() == agents)).await;
    let cpu2 = mock.stats()?;
    {
        let t = lock()?;
        let attempts = t.attempts.iter().filter(|(phase, _)| *phase == Phase::Restart).map(|(_, at)| *at);
        let histogram = Histogram::of(restart, attempts);
        let total: u64 = histogram.bins.iter().sum();
        let after_back: Vec<Duration> =
            t.up_at.iter().flatten().filter(|at| **at >= restart).map(|at| at.duration_since(back)).collect();
        let mut after_back = after_back;
        after_back.sort();
        println!(
            "LOAD restart: down {:.1} s; {}/{} went down, {}/{} back up, the last {:.2} s after CtiSVR was back (p50 {:.2} s, p95 {:.2} s); calls up at the restart {}, found again {}; attempts {}; errors {}",
            options.down.as_secs_f64(),
            t.went_down(),
            agents,
            t.back_up(),
            agents,
            percentile(&after_back, 1.0).as_secs_f64(),
            percentile(&after_back, 0.5).as_secs_f64(),
            percentile(&after_back, 0.95).as_secs_f64(),
            t.up_at_loss,
            t.found,
            total,
            t.error_count(Phase::Restart)
        );
        if let Some((at, peak)) = histogram.peak() {
            let bound = policy_bound(&options.policy, agents as u64, servers as u64)
                .map_or("none: every softphone tries at once (first_spread 0)".to_string(), |b| {
                    format!("at most {b:.0} on average over a round")
                });
            println!(
                "LOAD reconnect attempts per 100 ms after the restart: peak {peak} at {:.1} s; the policy: {bound}",
                at.as_secs_f64()
            );
        }
        print!("{}", histogram.render(50));
        print_mock("restart", &idle, &cpu1, &cpu2, restart.elapsed(), agents);
        errors += t.error_count(Phase::Restart);
    }
    all_back?;

    // ----- settle: the calls that lived through the restart end ------------
    lock()?.begin(Phase::Settle);
    let _ = wait_for(&options, || lock().map(|t| t.busy.iter().all(|busy| !busy))).await;
    {
        let t = lock()?;
        let lost = t.offered.saturating_sub(t.ended);
        println!(
            "LOAD calls: rung {}, answered {}, found after the restart {}, ended {}, not ended {lost}; errors {}",
            t.offered,
            t.answered,
            t.found,
            t.ended,
            t.error_count(Phase::Settle)
        );
        errors += t.error_count(Phase::Settle) + lost;
        print_notices(&t);
    }
    let end = mock.stats()?;
    let own = process_stats(std::process::id())?;
    println!(
        "LOAD mock peak {} MiB resident ({:.1} KiB per agent over idle); load generator peak {} MiB, CPU {:.1} s",
        end.peak_kib / 1024,
        end.peak_kib.saturating_sub(idle.rss_kib) as f64 / agents.max(1) as f64,
        own.peak_kib / 1024,
        own.cpu.as_secs_f64()
    );
    let _ = stop.send(true);
    for handle in handles {
        let _ = handle.await;
    }
    let _ = collector.await;
    mock.stop();
    println!("LOAD errors {errors}");
    Ok(errors)
}

/// Every notice the agents saw and every error, counted.
fn print_notices(t: &Tally) {
    for ((phase, error, _, text), count) in &t.notices {
        println!("LOAD notice {} {}: {count} × {text}", phase.name(), if *error { "error" } else { "info" });
    }
    for ((phase, text), count) in &t.errors {
        println!("LOAD error {}: {count} × {text}", phase.name());
    }
}

/// Polls `done` every 50 ms until it holds; the time it took, or an error
/// past the phase limit.
async fn wait_for(options: &LoadOptions, done: impl Fn() -> Result<bool, String>) -> Result<Duration, String> {
    let start = Instant::now();
    while !done()? {
        if start.elapsed() > options.phase_limit {
            return Err(format!("not done after {} s", options.phase_limit.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(start.elapsed())
}

/// The value at fraction `q` of sorted `times` (zero when empty).
fn percentile(times: &[Duration], q: f64) -> Duration {
    let index = ((times.len() as f64 * q).ceil() as usize).saturating_sub(1);
    times.get(index).copied().unwrap_or_default()
}

/// The mock's CPU over a phase and its memory at the end, per agent over
/// the `idle` mock.
fn print_mock(
    phase: &str,
    idle: &ProcessStats,
    before: &ProcessStats,
    after: &ProcessStats,
    during: Duration,
    agents: usize,
) {
    let cpu = after.cpu.saturating_sub(before.cpu);
    println!(
        "LOAD mock during {phase}: CPU {:.2} s ({:.0} % of one core), {} MiB resident ({:.1} KiB per agent over idle)",
        cpu.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / during.as_secs_f64().max(1e-9),
        after.rss_kib / 1024,
        after.rss_kib.saturating_sub(idle.rss_kib) as f64 / agents.max(1) as f64
    );
}
