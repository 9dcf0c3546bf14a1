//! `ctisvr-fuzz`: runs the fuzz targets of `ctisvr_fuzz` round-robin, with
//! fresh seeds, for a given time, and prints the cases run per target. A
//! failure prints the shrunk input and its seed, and exits 1.
//! `cargo xtask fuzz --seconds N` runs it in release mode.

use clap::Parser;
use ctisvr_fuzz::session::REACHED;
use ctisvr_fuzz::{run, TARGETS};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Fuzz ctisvr-core's frame decoder, settings readers, click-to-dial
/// reader, dial rules and session for a while.
#[derive(Parser)]
struct Args {
    /// How long to run, in seconds, shared by the targets.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Only this target (frames, settings, click_to_dial, dialing, session).
    #[arg(long)]
    target: Option<String>,
    /// The first seed (each round takes the next); default: from the clock.
    #[arg(long)]
    seed: Option<u64>,
    /// Cases per round of one target.
    #[arg(long, default_value_t = 200)]
    cases: u32,
}

fn main() {
    let args = Args::parse();
    let targets: Vec<_> = TARGETS.iter().filter(|t| args.target.as_deref().is_none_or(|name| name == t.name)).collect();
    if targets.is_empty() {
        eprintln!("no target named {:?}", args.target.unwrap_or_default());
        std::process::exit(2);
    }
    let clock = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or_default();
    let mut seed = args.seed.unwrap_or(clock);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut counts = vec![(0u64, Duration::ZERO); targets.len()];
    println!("fuzz: {} target(s) for {} s from seed {seed}", targets.len(), args.seconds);
    'rounds: loop {
        for (target, count) in targets.iter().zip(counts.iter_mut()) {
            if Instant::now() >= deadline {
                break 'rounds;
            }
            let start = Instant::now();
            if let Err(failure) = run(target, args.cases, seed) {
                eprintln!("FUZZ FAILURE {failure}");
                eprintln!("reproduce: cargo run -p ctisvr-fuzz -- --target {} --seed {seed} --seconds 1", target.name);
                std::process::exit(1);
            }
            count.0 += u64::from(args.cases);
            count.1 += start.elapsed();
            seed = seed.wrapping_add(1);
        }
    }
    for (target, (cases, time)) in targets.iter().zip(&counts) {
        let rate = *cases as f64 / time.as_secs_f64().max(1e-9);
        println!(
            "FUZZ {:<14} {cases:>9} cases in {:>6.1} s ({rate:>8.0}/s), no failure",
            target.name,
            time.as_secs_f64()
        );
    }
    if REACHED.cases.load(std::sync::atomic::Ordering::Relaxed) > 0 {
        println!("FUZZ session reached: {}", REACHED.summary());
    }
}
