//! `ctisvr-load --agents N --mock target/release/ctisvr-mock`: see the
//! library's docs. `cargo xtask load -- --agents N` builds both and runs it.

use clap::Parser;
use ctisvr_core::ConnectionPolicy;
use ctisvr_load::run::{run, LoadOptions};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// N simulated softphones against ctisvr-mock: start-up, traffic, restart.
/// A flag given twice takes its last value (`cargo xtask load` passes
/// `--mock` and `--work-dir` before yours).
#[derive(Parser)]
#[command(args_override_self = true)]
struct Args {
    /// Softphones (each with its station and agent), 1 to 100000.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    agents: u32,
    /// The ctisvr-mock binary.
    #[arg(long, default_value = "target/release/ctisvr-mock")]
    mock: PathBuf,
    /// Inbound calls per second in the traffic phase (default: one per
    /// 100 agents per second, at least 5).
    #[arg(long)]
    calls_per_second: Option<f64>,
    /// Seconds of traffic.
    #[arg(long, default_value_t = 20)]
    traffic_seconds: u64,
    /// Milliseconds from the ring to the answer.
    #[arg(long, default_value_t = 500)]
    answer_ms: u64,
    /// Milliseconds from the answer to the hang-up.
    #[arg(long, default_value_t = 8000)]
    talk_ms: u64,
    /// Milliseconds CtiSVR stays down in the restart (0: it drops the
    /// connections and takes new ones at once).
    #[arg(long, default_value_t = 3000)]
    down_ms: u64,
    /// Seconds the softphones may take to be ready, to come back after the
    /// restart, and to end their calls (each).
    #[arg(long, default_value_t = 180, value_parser = clap::value_parser!(u64).range(1..))]
    phase_limit: u64,
    /// The softphones' first_spread (ms), to compare policies; default:
    /// the core's.
    #[arg(long)]
    first_spread_ms: Option<u64>,
    /// The first jitter seed; default: from the clock.
    #[arg(long)]
    seed: Option<u64>,
    /// Where the scenario file and the mock's log go.
    #[arg(long, default_value = "target/load")]
    work_dir: PathBuf,
}

fn main() {
    let args = Args::parse();
    let needed = u64::from(args.agents) + 256;
    if let Some(limit) = open_files_limit().filter(|limit| *limit < needed) {
        eprintln!("ctisvr-load: {} agents need about {needed} open files; the limit is {limit} (raise it: ulimit -n {needed})", args.agents);
        std::process::exit(2);
    }
    let calls_per_second = args.calls_per_second.unwrap_or((f64::from(args.agents) / 100.0).max(5.0));
    if !(calls_per_second > 0.0 && calls_per_second <= 10_000.0) {
        eprintln!("ctisvr-load: --calls-per-second must be above 0 and at most 10000, not {calls_per_second}");
        std::process::exit(2);
    }
    let mut policy = ConnectionPolicy::default();
    if let Some(ms) = args.first_spread_ms {
        policy.first_spread = Duration::from_millis(ms);
    }
    let clock = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or_default();
    let seed = args.seed.unwrap_or(clock);
    let options = LoadOptions {
        agents: args.agents,
        mock: args.mock,
        calls_per_second,
        traffic: Duration::from_secs(args.traffic_seconds),
        answer_after: Duration::from_millis(args.answer_ms),
        talk: Duration::from_millis(args.talk_ms),
        down: Duration::from_millis(args.down_ms),
        phase_limit: Duration::from_secs(args.phase_limit),
        seed,
        policy,
        work_dir: args.work_dir,
    };
    println!(
        "LOAD {} agents, {:.1} calls/s for {} s, CtiSVR down {} ms in the restart; policy {:?}; seed {seed}",
        options.agents, options.calls_per_second, args.traffic_seconds, args.down_ms, options.policy
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ctisvr-load: no runtime: {error}");
            std::process::exit(1);
        }
    };
    // Ctrl-C or SIGTERM ends the run; dropping it stops the mock.
    let interrupted = async {
        interrupted().await;
        Err("interrupted".to_string())
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            outcome = run(options) => outcome,
            outcome = interrupted => outcome,
        }
    });
    match outcome {
        Ok(0) => {}
        Ok(_) => std::process::exit(1),
        Err(error) => {
            eprintln!("ctisvr-load: {error}");
            std::process::exit(1);
        }
    }
}

/// Ctrl-C, or SIGTERM (what CI runners send).
async fn interrupted() {
    #[cfg(unix)]
    if let Ok(mut terminate) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
        return;
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The soft limit on open files (`/proc/self/limits`), when known.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
