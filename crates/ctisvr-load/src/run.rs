//! The load run: start the mock, start N softphones at once and log the
//! agents in, ring them with steady inbound traffic, restart CtiSVR, and
//! print what happened in each phase.

use crate::agent::{self, AgentPlan, Reported};
use crate::control::Control;
use crate::histogram::{policy_spread, Histogram};
use crate::mock_process::{process_stats, MockProcess, ProcessStats};
use crate::scenario::{scenario_toml, Seat};
use crate::tally::{Phase, Tally};
use ctisvr_core::ConnectionPolicy;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

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
    std::fs::create_dir_all(&options.work_dir).map_err(|e| format!("{}: {e}", options.work_dir.display()))?;
    let scenario = options.work_dir.join("load-scenario.toml");
    std::fs::write(&scenario, scenario_toml(options.agents)).map_err(|e| format!("{}: {e}", scenario.display()))?;
    let log = options.work_dir.join("load-mock.log");
    let mock = MockProcess::start(&options.mock, &scenario, &log)?;
    let idle = mock.stats()?;
    println!(
        "LOAD mock pid {} ({} agents in its scenario), idle: {} MiB resident; its log: {}",
        mock.pid(),
        options.agents,
        idle.rss_kib / 1024,
        log.display()
    );
    let tally = Arc::new(Mutex::new(Tally::new(options.agents as usize)));
    let (reports, inbox) = mpsc::unbounded_channel::<Reported>();
    let collector = tokio::spawn(collect(inbox, Arc::clone(&tally)));
    let (stop, stopped) = watch::channel(false);
    let control = Control::new(&mock.http);
    let mut load = Load { options, mock, control, tally, idle, last: idle, errors: 0 };

    let handles = load.start_up(reports, stopped).await?;
    load.traffic().await?;
    load.restart().await?;
    load.settle().await?;

    let end = load.mock.stats()?;
    let own = process_stats(std::process::id())?;
    println!(
        "LOAD mock peak {} MiB resident ({:.1} KiB per agent over idle); load generator peak {} MiB, CPU {:.1} s",
        end.peak_kib / 1024,
        end.peak_kib.saturating_sub(idle.rss_kib) as f64 / f64::from(load.options.agents.max(1)),
        own.peak_kib / 1024,
        own.cpu.as_secs_f64()
    );
    let _ = stop.send(true);
    for handle in handles {
        let _ = handle.await;
    }
    let _ = collector.await;
    println!("LOAD errors {}", load.errors);
    Ok(load.errors)
}

/// Records every report into the tally until every agent is gone.
async fn collect(mut inbox: mpsc::UnboundedReceiver<Reported>, tally: Arc<Mutex<Tally>>) {
    while let Some(reported) = inbox.recv().await {
        if let Ok(mut tally) = tally.lock() {
            tally.record(reported);
        }
    }
}

/// A run under way: the mock, what the agents reported, and the errors.
struct Load {
    options: LoadOptions,
    mock: MockProcess,
    control: Control,
    tally: Arc<Mutex<Tally>>,
    /// The mock before any agent.
    idle: ProcessStats,
    /// The mock at the end of the last phase.
    last: ProcessStats,
    errors: u64,
}

impl Load {
    fn agents(&self) -> usize {
        self.options.agents as usize
    }

    fn tally(&self) -> Result<MutexGuard<'_, Tally>, String> {
        self.tally.lock().map_err(|_| "the tally's lock was poisoned".to_string())
    }

    /// Polls the tally every 50 ms until `done` holds; the time it took, or
    /// an error past the phase limit (after printing what the agents saw).
    async fn wait_for(&self, done: impl Fn(&Tally) -> bool) -> Result<Duration, String> {
        let start = Instant::now();
        while !done(&*self.tally()?) {
            if start.elapsed() > self.options.phase_limit {
                let tally = self.tally()?;
                print_notices(&tally);
                return Err(format!(
                    "{}: not done after {} s; {} of {} up",
                    tally.phase.name(),
                    self.options.phase_limit.as_secs(),
                    tally.up_count,
                    self.agents()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(start.elapsed())
    }

    /// Ends a phase: the mock's CPU over it and memory now, and its errors.
    fn end_phase(&mut self, phase: Phase, during: Duration) -> Result<(), String> {
        let now = self.mock.stats()?;
        let cpu = now.cpu.saturating_sub(self.last.cpu);
        println!(
            "LOAD mock during {}: CPU {:.2} s ({:.0} % of one core), {} MiB resident ({:.1} KiB per agent over idle)",
            phase.name(),
            cpu.as_secs_f64(),
            100.0 * cpu.as_secs_f64() / during.as_secs_f64().max(1e-9),
            now.rss_kib / 1024,
            now.rss_kib.saturating_sub(self.idle.rss_kib) as f64 / self.agents().max(1) as f64
        );
        self.last = now;
        let errors = self.tally()?.error_count(phase);
        self.errors += errors;
        Ok(())
    }

    /// Every softphone at once; each agent logs in.
    async fn start_up(
        &mut self,
        reports: mpsc::UnboundedSender<Reported>,
        stopped: watch::Receiver<bool>,
    ) -> Result<Vec<JoinHandle<()>>, String> {
        let start = Instant::now();
        let handles = (0..self.options.agents)
            .map(|index| {
                let plan = AgentPlan {
                    index,
                    seat: Seat::of(index),
                    servers: self.mock.ws.clone(),
                    seed: self.options.seed.wrapping_add(u64::from(index)).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                    answer_after: self.options.answer_after,
                    talk: self.options.talk,
                    policy: self.options.policy.clone(),
                };
                tokio::spawn(agent::run(plan, start, reports.clone(), stopped.clone()))
            })
            .collect();
        let agents = self.agents();
        self.wait_for(|t| t.up_count == agents).await?;
        let ready = {
            let t = self.tally()?;
            let mut times: Vec<Duration> = t.up_at.iter().flatten().map(|at| at.duration_since(start)).collect();
            times.sort();
            let last = percentile(&times, 1.0);
            println!(
                "LOAD start-up: {}/{agents} ready and logged in, the last {:.2} s after the start (p50 {:.2} s, p95 {:.2} s); attempts {}; errors {}",
                t.up_count,
                last.as_secs_f64(),
                percentile(&times, 0.5).as_secs_f64(),
                percentile(&times, 0.95).as_secs_f64(),
                t.attempts.len(),
                t.error_count(Phase::StartUp)
            );
            last
        };
        self.end_phase(Phase::StartUp, ready)?;
        Ok(handles)
    }

    /// Inbound calls to idle agents, round robin, at the configured rate.
    async fn traffic(&mut self) -> Result<(), String> {
        self.tally()?.begin(Phase::Traffic);
        let agents = self.agents();
        let start = Instant::now();
        let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / self.options.calls_per_second.max(0.001)));
        let (mut next, mut placed) = (0usize, 0u64);
        let mut requests = tokio::task::JoinSet::new();
        while start.elapsed() < self.options.traffic {
            ticker.tick().await;
            let target = {
                let t = self.tally()?;
                (0..agents).map(|k| (next + k) % agents).find(|&i| !t.busy.get(i).copied().unwrap_or(true))
            };
            let Some(target) = target else { continue };
            next = target + 1;
            placed += 1;
            let control = self.control.clone();
            let to = Seat::of(target as u32).extension;
            let from = format!("415555{:04}", placed % 10_000);
            requests.spawn(async move { control.call(&from, &to).await });
        }
        let during = start.elapsed();
        // Every call request has its answer before the phase is counted.
        while let Some(done) = requests.join_next().await {
            if let Ok(Err(error)) = done {
                self.tally()?.error(format!("control: {error}"));
            }
        }
        {
            let t = self.tally()?;
            println!(
                "LOAD traffic: {placed} calls in {:.1} s ({:.1}/s); rung {}, answered {}, ended {}; agents up {}/{agents}; errors {}",
                during.as_secs_f64(),
                placed as f64 / during.as_secs_f64(),
                t.offered,
                t.answered,
                t.ended,
                t.up_count,
                t.error_count(Phase::Traffic)
            );
        }
        self.end_phase(Phase::Traffic, during)
    }

    /// Both endpoints refuse, every connection drops (calls and logins
    /// stay), and after the down time CtiSVR takes connections again.
    async fn restart(&mut self) -> Result<(), String> {
        let restart = Instant::now();
        {
            let mut t = self.tally()?;
            t.begin(Phase::Restart);
            t.up_at_loss = 0;
        }
        let (servers, down) = (self.mock.ws.len(), self.options.down);
        if !down.is_zero() {
            for index in 0..servers {
                self.control.endpoint(index, true).await?;
            }
        }
        self.control.restart().await?;
        if !down.is_zero() {
            tokio::time::sleep(down).await;
            for index in 0..servers {
                self.control.endpoint(index, false).await?;
            }
        }
        let back = Instant::now();
        let agents = self.agents();
        // The figures are printed even when not all came back.
        let all_back = self.wait_for(|t| t.back_up() == agents).await;
        {
            let t = self.tally()?;
            let attempts = t.attempts.iter().filter(|(phase, _)| *phase == Phase::Restart).map(|(_, at)| *at);
            let histogram = Histogram::of(restart, attempts);
            let mut after_back: Vec<Duration> =
                t.up_at.iter().flatten().filter(|at| **at >= restart).map(|at| at.duration_since(back)).collect();
            after_back.sort();
            println!(
                "LOAD restart: down {:.1} s; {}/{agents} went down, {}/{agents} back up, the last {:.2} s after CtiSVR was back (p50 {:.2} s, p95 {:.2} s); calls up at the restart {}, still listed after it {}; attempts {}; errors {}",
                down.as_secs_f64(),
                t.went_down(),
                t.back_up(),
                percentile(&after_back, 1.0).as_secs_f64(),
                percentile(&after_back, 0.5).as_secs_f64(),
                percentile(&after_back, 0.95).as_secs_f64(),
                t.up_at_loss,
                t.found,
                histogram.bins.iter().sum::<u64>(),
                t.error_count(Phase::Restart)
            );
            if let Some((at, peak)) = histogram.peak() {
                let bound = policy_spread(&self.options.policy, agents as u64, servers as u64).map_or(
                    "none: every softphone tries at once (first_spread 0)".to_string(),
                    |b| {
                        format!(
                            "on average {:.0} in the first spread, {:.0} in a waited round, {:.0} where they overlap",
                            b.first, b.waited, b.overlapping
                        )
                    },
                );
                println!(
                    "LOAD reconnect attempts per 100 ms after the restart: peak {peak} at {:.1} s; the policy: {bound}",
                    at.as_secs_f64()
                );
            }
            print!("{}", histogram.render(50));
        }
        self.end_phase(Phase::Restart, restart.elapsed())?;
        all_back.map(|_| ())
    }

    /// The calls that lived through the restart end; every call rung must
    /// have ended.
    async fn settle(&mut self) -> Result<(), String> {
        self.tally()?.begin(Phase::Settle);
        let start = Instant::now();
        if let Err(error) = self.wait_for(|t| t.busy.iter().all(|busy| !busy)).await {
            self.tally()?.error(error);
        }
        // The mock is the truth: no call may be left there.
        let left = self.control.state().await?.get("calls").and_then(|c| c.as_array().map(Vec::len)).unwrap_or(0);
        if left > 0 {
            self.tally()?.error(format!("{left} call(s) left at the mock"));
        }
        {
            let t = self.tally()?;
            println!(
                "LOAD calls: rung {}, answered {}, still listed after the restart {}, first seen after a reconnect {}, ended {}; left at the mock {left}; errors {}",
                t.offered,
                t.answered,
                t.found,
                t.restored,
                t.ended,
                t.error_count(Phase::Settle)
            );
            print_notices(&t);
        }
        self.end_phase(Phase::Settle, start.elapsed())
    }
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

/// The value at fraction `q` of sorted `times` (zero when empty).
fn percentile(times: &[Duration], q: f64) -> Duration {
    let index = ((times.len() as f64 * q).ceil() as usize).saturating_sub(1);
    times.get(index).copied().unwrap_or_default()
}
