//! `ctisvr-voicecall`: the command line. Checks the flags (a bad one is a
//! clear error and exit 2), reads the provider's key, starts the service,
//! prints `ctisvr-voicecall listening on http://ADDR` to stdout once the
//! HTTP listener is bound (logs go to stderr) and runs until Ctrl-C or
//! SIGTERM.

use clap::Parser;
use ctisvr_voicecall::config::{
    parse_ctisvr, parse_extensions, parse_name, parse_origin, parse_scrt_url, Config, ExtensionList, MAX_WAIT_MS,
};
use ctisvr_voicecall::ProviderKey;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

/// The VoiceCall service for Salesforce Voice (partner telephony): monitors
/// the given extensions on CtiSVR, creates a VoiceCall record in Salesforce
/// for each inbound call and closes it when the call ends, and answers the
/// agent's connector which record its call has (GET /voicecalls).
///
/// Logging: RUST_LOG (default `info`). See docs/salesforce-voice.md.
#[derive(Debug, Parser)]
#[command(name = "ctisvr-voicecall", version)]
struct Cli {
    /// Where the HTTP API listens (IP:PORT; port 0 picks one).
    #[arg(long, value_name = "ADDR")]
    listen: SocketAddr,

    /// CtiSVR's WebSocket URL; repeat for the backup (A first, then B).
    #[arg(long = "ctisvr", value_name = "URL", required = true, value_parser = parse_ctisvr)]
    ctisvr: Vec<String>,

    /// The extensions to monitor: numbers and ranges, e.g. 2001-2004,2050
    /// (one CtiSVR connection each). Repeatable.
    #[arg(long, value_name = "LIST", required = true, value_parser = parse_extensions)]
    extensions: Vec<ExtensionList>,

    /// The origin (scheme://host[:port]) of the connector page allowed to
    /// read; repeatable. Others get 403.
    #[arg(long = "allow-origin", value_name = "ORIGIN", required = true, value_parser = parse_origin)]
    allow_origin: Vec<String>,

    /// The contact center's scrtUrl (https://….my.salesforce-scrt.com).
    #[arg(long = "scrt-url", value_name = "URL", value_parser = parse_scrt_url)]
    scrt_url: String,

    /// The org id (the token's iss).
    #[arg(long, value_name = "ORGID", value_parser = parse_name)]
    org: String,

    /// The contact center's API name (the token's sub).
    #[arg(long = "contact-center", value_name = "APINAME", value_parser = parse_name)]
    contact_center: String,

    /// The Telephony-Provider-Name header.
    #[arg(long = "provider-name", value_name = "NAME", value_parser = parse_name)]
    provider_name: String,

    /// The provider's RSA private key in PEM (PKCS#1 or PKCS#8).
    #[arg(long, value_name = "FILE.pem")]
    key: PathBuf,

    /// How long a read waits for the record, in milliseconds (0 to 60000).
    #[arg(long = "wait-ms", value_name = "MS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(0..=MAX_WAIT_MS))]
    wait_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    // The key's text is never printed, not even in an error.
    let key = std::fs::read(&cli.key)
        .map_err(|e| format!("--key {}: cannot read it: {e}", cli.key.display()))
        .and_then(|pem| {
            ProviderKey::from_pem(&pem, &cli.org, &cli.contact_center)
                .map_err(|_| format!("--key {}: not an RSA private key in PEM", cli.key.display()))
        });
    let key = match key {
        Ok(key) => key,
        Err(error) => {
            eprintln!("ctisvr-voicecall: {error}");
            return ExitCode::from(2);
        }
    };
    let mut extensions: Vec<String> = Vec::new();
    for extension in cli.extensions.into_iter().flat_map(|list| list.0) {
        if !extensions.contains(&extension) {
            extensions.push(extension);
        }
    }
    if extensions.len() > ctisvr_voicecall::config::MAX_EXTENSIONS {
        eprintln!("ctisvr-voicecall: --extensions: at most {} extensions", ctisvr_voicecall::config::MAX_EXTENSIONS);
        return ExitCode::from(2);
    }
    let config = Config {
        listen: cli.listen,
        ctisvr: cli.ctisvr,
        extensions,
        allow_origins: cli.allow_origin,
        scrt_url: cli.scrt_url,
        provider_name: cli.provider_name,
        key,
        wait: Duration::from_millis(cli.wait_ms),
    };
    let shutdown = match shutdown_signal() {
        Ok(shutdown) => shutdown,
        Err(error) => {
            eprintln!("ctisvr-voicecall: cannot install the Ctrl-C/SIGTERM handlers: {error}");
            return ExitCode::FAILURE;
        }
    };
    match ctisvr_voicecall::service::run(config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ctisvr-voicecall: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C, or SIGTERM on unix, installed before the service starts (a
/// script may send SIGTERM as soon as it reads the listening line).
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
