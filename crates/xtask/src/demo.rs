//! `cargo xtask demo [-- MOCK ARGS…]`: builds `dist/`, builds and starts the
//! mock CtiSVR (`target/debug/ctisvr-mock`, default ports: HTTP 8080, WebSocket
//! 9006 and 9008, serving `dist/`), waits for its `ctisvr-mock ready:` line,
//! prints the demo URL and the test agents, then forwards the mock's output
//! until Ctrl-C. Arguments after `--` go to the mock unchanged.

use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::cmd::{cargo, fail, target_dir, Cmd, Result};

const READY: &str = "ctisvr-mock ready:";
const DEFAULT_HTTP: &str = "127.0.0.1:8080";
/// A cold mock starts in well under a second; this only guards against hangs.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

pub fn build_mock() -> Result<()> {
    cargo().args(["build", "-p", "ctisvr-mock"]).run()
}

pub fn run(mock_args: &[String]) -> Result<()> {
    println!("== demo: building the mock CtiSVR");
    build_mock()?;
    let exe = target_dir().join("debug/ctisvr-mock");
    let http = http_addr(mock_args).unwrap_or(DEFAULT_HTTP.to_string());

    println!("== demo: starting the mock CtiSVR");
    let mut child = Cmd::new(exe.as_os_str()).args(mock_args).spawn_piped()?;
    let stdout = child.stdout.take().expect("stdout is piped");

    // Forward every line; tell the main thread when the ready line passes.
    let (ready_tx, ready_rx) = mpsc::channel::<()>();
    let forward = thread::spawn(move || {
        let mut out = std::io::stdout();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = writeln!(out, "{line}");
            if line.starts_with(READY) {
                let _ = ready_tx.send(());
            }
        }
    });

    match ready_rx.recv_timeout(READY_TIMEOUT) {
        Ok(()) => {
            println!();
            println!("Open http://{http}/demo.html");
            println!("(a CRM page that is not Salesforce: http://{http}/crm-example.html)");
            println!("Log in as agent 1001, password 1234 on extension 2001; agent 1002 on 2002.");
            println!("Press Ctrl-C to stop.");
            println!();
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // stdout closed before the ready line: the mock exited.
            let status = child.wait().map_err(|e| crate::cmd::Error(e.to_string()))?;
            return fail(format!(
                "ctisvr-mock exited before it was ready ({status}); is the port in use? \
                 (another demo running?) pass other ports with `cargo xtask demo -- --http ADDR …`"
            ));
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let _ = child.kill();
            let _ = child.wait();
            return fail(format!("ctisvr-mock printed no `{READY}` line within {} s", READY_TIMEOUT.as_secs()));
        }
    }

    // Ctrl-C reaches the mock too (same process group), so it exits and so do we.
    let status = child.wait().map_err(|e| crate::cmd::Error(format!("waiting for ctisvr-mock: {e}")))?;
    let _ = forward.join();
    if status.success() {
        Ok(())
    } else {
        fail(format!("ctisvr-mock stopped ({status})"))
    }
}

/// The `--http ADDR` / `--http=ADDR` the user passed to the mock, if any.
fn http_addr(args: &[String]) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--http" {
            return it.next().cloned();
        }
        if let Some(v) = a.strip_prefix("--http=") {
            return Some(v.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::http_addr;

    #[test]
    fn reads_http_override() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(http_addr(&args(&[])), None);
        assert_eq!(http_addr(&args(&["--http", "0.0.0.0:9000"])).as_deref(), Some("0.0.0.0:9000"));
        assert_eq!(http_addr(&args(&["--ws", "x", "--http=1.2.3.4:1"])).as_deref(), Some("1.2.3.4:1"));
    }
}
