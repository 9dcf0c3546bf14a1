//! The ctisvr-mock under load: started as a child process on free loopback
//! ports, its addresses read from its ready line (docs/mock.md, "Ready
//! line"), its CPU time and memory read from `/proc` (Linux).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How long the mock may take to print its ready line.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// A running mock.
#[derive(Debug)]
pub struct MockProcess {
    child: Child,
    /// The control API, `http://127.0.0.1:PORT`.
    pub http: String,
    /// The WebSocket endpoints A and B, `ws://127.0.0.1:PORT/`.
    pub ws: Vec<String>,
}

/// CPU time and memory of a process at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessStats {
    /// User + system CPU time since the process started.
    pub cpu: Duration,
    /// Resident memory now (`VmRSS`), in KiB.
    pub rss_kib: u64,
    /// The most resident memory so far (`VmHWM`), in KiB.
    pub peak_kib: u64,
}

impl MockProcess {
    /// Starts `binary` with `scenario`, its logs to `log` (stderr), and
    /// waits for its ready line.
    ///
    /// Errors: the binary cannot start, or it exits before it is ready (a
    /// port taken, an invalid scenario: its log says why).
    pub fn start(binary: &Path, scenario: &Path, log: &Path) -> Result<MockProcess, String> {
        let log_file = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let mut child = Command::new(binary)
            .args(["--http", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--ws", "127.0.0.1:0"])
            // Nothing to serve: a directory that does not exist serves nothing.
            .args(["--dist", "/nonexistent/ctisvr-load"])
            .arg("--config")
            .arg(scenario)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        // From here on, dropping `mock` stops the child, whatever fails.
        let stdout = child.stdout.take();
        let mut mock = MockProcess { child, http: String::new(), ws: Vec::new() };
        let stdout = stdout.ok_or("the mock has no stdout")?;
        // The ready line, within READY_WITHIN (a thread: the read blocks).
        let (line_tx, line_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = line_tx.send(BufReader::new(stdout).read_line(&mut line).map(|_| line));
        });
        let line = match line_rx.recv_timeout(READY_WITHIN) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => return Err(format!("reading the mock's stdout: {error}")),
            Err(_) => return Err(format!("no ready line within {} s; see {}", READY_WITHIN.as_secs(), log.display())),
        };
        let Some(ready) = line.trim().strip_prefix("ctisvr-mock ready: ") else {
            return Err(format!("the mock did not start; see {}", log.display()));
        };
        let (http, ws) = parse_ready(ready).ok_or_else(|| format!("unexpected ready line: {line}"))?;
        (mock.http, mock.ws) = (http, ws);
        Ok(mock)
    }

    /// The process id (for `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU and memory now. Errors when `/proc` cannot be read (not Linux,
    /// or the process is gone).
    pub fn stats(&self) -> Result<ProcessStats, String> {
        process_stats(self.pid())
    }
}

/// The mock goes with the run, whichever way the run ends (SIGKILL: nothing
/// of it is kept).
impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `http http://127.0.0.1:8080/ ws ws://…/ ws://…/` into the control API's
/// base (no trailing slash) and the WebSocket URLs.
fn parse_ready(ready: &str) -> Option<(String, Vec<String>)> {
    let mut words = ready.split_whitespace();
    if words.next()? != "http" {
        return None;
    }
    let http = words.next()?.trim_end_matches('/').to_string();
    if words.next()? != "ws" {
        return None;
    }
    let ws: Vec<String> = words.map(str::to_string).collect();
    (!ws.is_empty()).then_some((http, ws))
}

/// CPU time and memory of process `pid`, from `/proc/PID/stat` (fields 14
/// and 15, `utime` and `stime`, in clock ticks of 1/100 s on Linux) and
/// `/proc/PID/status`.
pub fn process_stats(pid: u32) -> Result<ProcessStats, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // The command name (field 2) may hold spaces: count fields after its ')'.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or("/proc stat without a name")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // Field 14 is the 12th after the name (fields 3..).
    let cpu = Duration::from_millis((ticks(11) + ticks(12)) * 10);
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok(ProcessStats { cpu, rss_kib: kib("VmRSS:"), peak_kib: kib("VmHWM:") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ready_line_gives_the_control_api_and_both_endpoints() {
        let (http, ws) =
            parse_ready("http http://127.0.0.1:8080/ ws ws://127.0.0.1:9006/ ws://127.0.0.1:9008/").unwrap_or_default();
        assert_eq!(http, "http://127.0.0.1:8080");
        assert_eq!(ws, ["ws://127.0.0.1:9006/", "ws://127.0.0.1:9008/"]);
        assert_eq!(parse_ready("http http://x/ ws"), None);
    }

    #[test]
    fn this_process_has_stats() {
        let stats = process_stats(std::process::id()).unwrap_or_else(|e| panic!("{e}"));
        assert!(stats.rss_kib > 0 && stats.peak_kib >= stats.rss_kib, "{stats:?}");
    }
}
