//! Running external programs: every command is echoed (`$ prog args…`, with any
//! extra environment variables in front) before it runs, and a missing program
//! or a non-zero exit becomes an [`Error`] with a readable message instead of a
//! panic.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};

/// An error message for the user; `main` prints it and exits non-zero.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// `Err(Error)` from anything printable: `return fail(format!(…))`.
pub fn fail<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error(msg.into()))
}

/// Adds context to I/O errors: `fs::read(p).ctx(|| format!("reading {p}"))`.
pub trait Context<T> {
    fn ctx<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn ctx<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T> {
        self.map_err(|e| Error(format!("{}: {e}", what().into())))
    }
}

/// The repository root (two levels above this crate's manifest).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` (relative to the root) or
/// `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root().join(d),
        None => root().join("target"),
    }
}

/// The cargo that runs us (`$CARGO` under `cargo run`), else `cargo` on PATH.
pub fn cargo() -> Cmd {
    Cmd::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `$CARGO_HOME/bin` (default `~/.cargo/bin`): where `cargo install` puts tools.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    Some(home.join("bin"))
}

/// Puts `$CARGO_HOME/bin` first on PATH for us and every child, so tools that
/// `setup` installs there (wasm-bindgen, wasm-bindgen-test-runner, which cargo
/// starts as the wasm test runner) are found even if the shell's PATH lacks it.
pub fn put_cargo_bin_on_path() {
    let Some(bin) = cargo_bin_dir() else { return };
    let old = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&old).any(|p| p == bin) {
        return;
    }
    let paths = std::iter::once(bin).chain(std::env::split_paths(&old));
    if let Ok(new) = std::env::join_paths(paths) {
        // Called first thing in `main`, before any thread exists.
        std::env::set_var("PATH", new);
    }
}

/// The first `name` on PATH, if any.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// A command line to run from the repository root.
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    dir: PathBuf,
}

impl Cmd {
    pub fn new(program: impl Into<OsString>) -> Cmd {
        Cmd { program: program.into(), args: Vec::new(), envs: Vec::new(), dir: root() }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Cmd {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Cmd {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// The command line as a shell would show it (for echo and errors).
    pub fn display(&self) -> String {
        let mut words: Vec<String> =
            self.envs.iter().map(|(k, v)| format!("{}={}", k.to_string_lossy(), quote(v))).collect();
        let program = if std::env::var_os("CARGO").as_ref() == Some(&self.program) {
            "cargo".into()
        } else {
            quote(&self.program)
        };
        words.push(program);
        words.extend(self.args.iter().map(|a| quote(a)));
        words.join(" ")
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args).current_dir(&self.dir);
        for (k, v) in &self.envs {
            c.env(k, v);
        }
        c
    }

    fn name(&self) -> String {
        Path::new(&self.program).file_name().unwrap_or(self.program.as_os_str()).to_string_lossy().into_owned()
    }

    fn spawn_error(&self, e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error(format!(
                "`{}` not found (needed for `{}`); run `cargo xtask setup` or install it",
                self.name(),
                self.display()
            ))
        } else {
            Error(format!("cannot start `{}`: {e}", self.display()))
        }
    }

    fn check(&self, status: ExitStatus) -> Result<()> {
        if status.success() {
            Ok(())
        } else {
            fail(format!("`{}` failed ({status})", self.display()))
        }
    }

    /// Echoes the command, runs it with inherited stdio, fails on non-zero exit.
    pub fn run(self) -> Result<()> {
        println!("$ {}", self.display());
        let status = self.command().status().map_err(|e| self.spawn_error(e))?;
        self.check(status)
    }

    /// Runs quietly (no echo) and returns trimmed stdout; fails on non-zero exit.
    /// For probes such as `wasm-bindgen --version`.
    pub fn read(self) -> Result<String> {
        let out = self.output()?;
        self.check(out.status)?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Runs quietly and returns the raw output whatever the exit status.
    pub fn output(&self) -> Result<Output> {
        self.command().stdin(Stdio::null()).stderr(Stdio::piped()).output().map_err(|e| self.spawn_error(e))
    }

    /// Echoes and starts the command with stdout piped (stderr and stdin
    /// inherited), for long-running children such as the mock server.
    pub fn spawn_piped(self) -> Result<std::process::Child> {
        println!("$ {}", self.display());
        self.command().stdout(Stdio::piped()).spawn().map_err(|e| self.spawn_error(e))
    }
}

/// Shell-quotes a word, shortening paths inside the repository to relative
/// ones (commands run from the root, so the echo stays copy-pastable).
fn quote(word: &std::ffi::OsStr) -> String {
    let s = word.to_string_lossy();
    let root = root();
    let root = root.to_string_lossy();
    let s = match s.strip_prefix(&*root).and_then(|r| r.strip_prefix('/')) {
        Some(rel) if !rel.is_empty() => std::borrow::Cow::Owned(rel.to_string()),
        _ => s,
    };
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@,+%".contains(c));
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A path relative to the repository root when it is inside it, for messages.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}
