//! `ctisvr-mock`: the command line. Parses the flags, reads the scenario,
//! starts the mock, prints the ready line to stdout (logs go to stderr, so
//! stdout carries nothing else) and runs until Ctrl-C or SIGTERM.

use clap::Parser;
use ctisvr_mock::telephony::TelephonyConfig;
use ctisvr_mock::{Options, Scenario, DEFAULT_WS};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// A mock CtiSVR server: the vendor's WebSocket dialect over a simulated
/// Avaya ACD, a JSON control API under /api and the static files of --dist.
///
/// Once every listener is bound it prints one line to stdout:
/// `ctisvr-mock ready: http http://127.0.0.1:8080/ ws ws://127.0.0.1:9006/ ws://127.0.0.1:9008/`.
/// Port 0 picks a free port; the ready line shows the real one.
/// Logging: RUST_LOG (default `info`; `ctisvr_mock=debug` shows every frame).
/// See docs/mock.md.
#[derive(Debug, Parser)]
#[command(name = "ctisvr-mock", version)]
struct Cli {
    /// WebSocket listen address (IP:PORT); repeat for more endpoints. Given
    /// flags replace the default, the vendor sample's 127.0.0.1:9006 and
    /// 127.0.0.1:9008.
    #[arg(long = "ws", value_name = "ADDR")]
    ws: Vec<SocketAddr>,

    /// HTTP listen address (IP:PORT) of the control API and static files.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    http: SocketAddr,

    /// Directory served at / (build it with `cargo xtask dist`).
    #[arg(long, value_name = "DIR", default_value = "dist")]
    dist: PathBuf,

    /// TOML scenario (extensions, agents, IP map, outside numbers, ACD queues); the built-in default is
    /// crates/ctisvr-mock/scenarios/default.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// A Content-Security-Policy header sent with every static file, e.g.
    /// "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src ws://127.0.0.1:9006 ws://127.0.0.1:9008"
    /// to check a page runs under the policy a site would serve (docs/security.md).
    #[arg(long, value_name = "POLICY")]
    csp: Option<String>,

    /// Plays Salesforce's Telephony Integration API (Salesforce Voice) at
    /// /telephony/v1, checking tokens against this X.509 certificate or RSA
    /// public key in PEM (the provider's; docs/mock.md, "Salesforce Voice").
    /// Needs --telephony-org and --telephony-contact-center.
    #[arg(long, value_name = "FILE", requires_all = ["telephony_org", "telephony_contact_center"])]
    telephony_cert: Option<PathBuf>,

    /// The org id the tokens must name (iss).
    #[arg(long, value_name = "ORG_ID", requires = "telephony_cert")]
    telephony_org: Option<String>,

    /// The contact center's API name the tokens must name (sub).
    #[arg(long, value_name = "API_NAME", requires = "telephony_cert")]
    telephony_contact_center: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    let scenario = match &cli.config {
        Some(path) => match Scenario::load(path) {
            Ok(scenario) => scenario,
            Err(error) => {
                eprintln!("ctisvr-mock: {error}");
                return ExitCode::from(2);
            }
        },
        None => Scenario::default(),
    };
    let csp = match cli.csp.as_deref().map(axum::http::HeaderValue::from_str).transpose() {
        Ok(csp) => csp,
        Err(_) => {
            eprintln!("ctisvr-mock: --csp is not a valid header value (visible ASCII only)");
            return ExitCode::from(2);
        }
    };
    let telephony = match (&cli.telephony_cert, &cli.telephony_org, &cli.telephony_contact_center) {
        (Some(path), Some(org), Some(center)) => {
            let config =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display())).and_then(|pem| {
                    TelephonyConfig::new(org, center, &pem).map_err(|e| format!("{}: {e}", path.display()))
                });
            match config {
                Ok(config) => Some(config),
                Err(error) => {
                    eprintln!("ctisvr-mock: --telephony-cert {error}");
                    return ExitCode::from(2);
                }
            }
        }
        _ => None,
    };
    let options = Options {
        ws: if cli.ws.is_empty() { DEFAULT_WS.to_vec() } else { cli.ws },
        http: cli.http,
        dist: cli.dist,
        scenario,
        csp,
        telephony,
    };
    let shutdown = match shutdown_signal() {
        Ok(shutdown) => shutdown,
        Err(error) => {
            eprintln!("ctisvr-mock: cannot install the Ctrl-C/SIGTERM handlers: {error}");
            return ExitCode::FAILURE;
        }
    };
    match ctisvr_mock::run(options, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ctisvr-mock: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C, or SIGTERM on unix (what test runners and `kill` send).
///
/// The handlers are installed here, before the mock starts, not when the
/// returned future is first polled: a script may send SIGTERM the moment it
/// reads the ready line, and an uninstalled handler means death by signal
/// instead of a clean exit 0.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    })
}
