//! The `ctisvr-mock` binary: the ready line, clean exit on SIGTERM, and
//! clear failures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // test helpers

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const EXE: &str = env!("CARGO_BIN_EXE_ctisvr-mock");

#[cfg(unix)]
#[test]
fn prints_one_ready_line_and_exits_0_on_sigterm() {
    let mut child = Command::new(EXE)
        .args(["--ws", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--http", "127.0.0.1:0"])
        .args(["--config", concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.toml")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let ready = lines.recv_timeout(Duration::from_secs(30)).expect("the ready line");
    let words: Vec<&str> = ready.split(' ').collect();
    assert_eq!(words[..3], ["ctisvr-mock", "ready:", "http"], "{ready}");
    assert!(words[3].starts_with("http://127.0.0.1:") && words[3].ends_with('/'), "{ready}");
    assert_eq!(words[4], "ws", "{ready}");
    assert_eq!(words.len(), 7, "two WebSocket endpoints: {ready}");
    assert!(words[5..].iter().all(|w| w.starts_with("ws://127.0.0.1:")), "{ready}");
    assert!(!ready.contains(":0/"), "real ports are shown: {ready}");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(lines.recv().is_err(), "nothing else on stdout");
}

#[test]
fn a_bad_scenario_file_fails_with_exit_code_2() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-scenario.toml");
    std::fs::write(&path, "extensions = [\"2001\"]\nagnets = []\n").unwrap();
    let output = Command::new(EXE)
        .args(["--ws", "127.0.0.1:0", "--http", "127.0.0.1:0", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid scenario") && stderr.contains("agnets"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_port_in_use_fails_before_the_ready_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut child = Command::new(EXE)
        .args(["--ws", "127.0.0.1:0", "--http", &addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    assert_eq!(stdout, "");
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(stderr.contains(&format!("cannot listen for http on {addr}")), "{stderr}");
}

#[test]
fn help_lists_every_flag() {
    let output = Command::new(EXE).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--ws <ADDR>",
        "--http <ADDR>",
        "--dist <DIR>",
        "--config <FILE>",
        "--csp <POLICY>",
        "--telephony-cert <FILE>",
        "--telephony-org <ORG_ID>",
        "--telephony-contact-center <API_NAME>",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}

#[test]
fn a_telephony_certificate_that_is_not_one_fails_with_exit_code_2() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("not-a-cert.pem");
    std::fs::write(&path, "hello").unwrap();
    let output = Command::new(EXE)
        .args(["--ws", "127.0.0.1:0", "--http", "127.0.0.1:0", "--telephony-cert"])
        .arg(&path)
        .args(["--telephony-org", "00D000000000001", "--telephony-contact-center", "CtiSvr"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--telephony-cert") && stderr.contains("not an RSA certificate"), "{stderr}");
    // The certificate alone is not enough: clap names what is missing.
    let output = Command::new(EXE).arg("--telephony-cert").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--telephony-org"));
}
