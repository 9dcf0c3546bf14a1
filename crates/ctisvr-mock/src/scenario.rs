//! The scenario: which extensions, agents and free-seating entries the
//! simulated switch has. Read from a TOML file (`--config`) or the built-in
//! default, which `scenarios/default.toml` spells out.
//!
//! ```toml
//! extensions = ["2001", "2002", "2003"]
//!
//! [[agents]]
//! id = "1001"
//! password = "1234"
//!
//! [ipextnmap]
//! "127.0.0.1" = "2001"
//! ```
//!
//! Unknown keys are errors, so a typo in a QA team's scenario does not go
//! unnoticed.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;

/// A validated scenario: every agent id and extension is unique and every
/// IP map entry points at a configured extension.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "ScenarioFile")]
pub struct Scenario {
    /// The stations of the switch, in the order `/api/state` lists them.
    pub extensions: Vec<String>,
    pub agents: Vec<AgentConfig>,
    /// Free seating, as CtiSVR's `tcpgate add ipextnmap <ip> <ext>`: the
    /// extension a client gets from `myextension` by its IP address.
    pub ipextnmap: BTreeMap<IpAddr, String>,
}

/// One ACD agent that may log in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    pub id: String,
    pub password: String,
}

/// Why a scenario file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("invalid scenario {path}: {message}")]
    Invalid { path: String, message: String },
}

impl Default for Scenario {
    /// Extensions 2001-2003, agents 1001-1003 (password 1234), and
    /// 127.0.0.1 seated at 2001.
    fn default() -> Scenario {
        let agent = |id: &str| AgentConfig { id: id.into(), password: "1234".into() };
        Scenario {
            extensions: vec!["2001".into(), "2002".into(), "2003".into()],
            agents: vec![agent("1001"), agent("1002"), agent("1003")],
            ipextnmap: BTreeMap::from([(IpAddr::from([127, 0, 0, 1]), "2001".into())]),
        }
    }
}

impl Scenario {
    /// Parses and validates TOML text.
    pub fn from_toml(text: &str) -> Result<Scenario, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Reads a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: shown.clone(), source })?;
        Scenario::from_toml(&text).map_err(|message| ScenarioError::Invalid { path: shown, message })
    }

    pub fn has_extension(&self, extension: &str) -> bool {
        self.extensions.iter().any(|e| e == extension)
    }
}

/// The file as written, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    extensions: Vec<String>,
    #[serde(default)]
    agents: Vec<AgentConfig>,
    #[serde(default)]
    ipextnmap: BTreeMap<String, String>,
}

impl TryFrom<ScenarioFile> for Scenario {
    type Error = String;

    fn try_from(file: ScenarioFile) -> Result<Scenario, String> {
        unique("extension", file.extensions.iter())?;
        unique("agent id", file.agents.iter().map(|a| &a.id))?;
        if let Some(empty) = file.extensions.iter().find(|e| e.trim().is_empty()) {
            return Err(format!("extension {empty:?} is empty"));
        }
        if file.agents.iter().any(|a| a.id.trim().is_empty()) {
            return Err("an agent id is empty".into());
        }
        let mut ipextnmap = BTreeMap::new();
        for (ip, extension) in file.ipextnmap {
            let parsed: IpAddr = ip.parse().map_err(|_| format!("ipextnmap: {ip:?} is not an IP address"))?;
            if !file.extensions.contains(&extension) {
                return Err(format!("ipextnmap: {ip} maps to {extension}, which is not in `extensions`"));
            }
            ipextnmap.insert(parsed, extension);
        }
        Ok(Scenario { extensions: file.extensions, agents: file.agents, ipextnmap })
    }
}

fn unique<'a>(what: &str, items: impl Iterator<Item = &'a String>) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for item in items {
        if !seen.insert(item) {
            return Err(format!("{what} {item} is listed twice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_default_toml_is_the_built_in_default() {
        let text = include_str!("../scenarios/default.toml");
        assert_eq!(Scenario::from_toml(text), Ok(Scenario::default()));
    }

    #[test]
    fn agents_and_ip_map_are_optional() {
        let scenario = Scenario::from_toml(r#"extensions = ["3001"]"#).unwrap();
        assert!(scenario.agents.is_empty());
        assert!(scenario.ipextnmap.is_empty());
    }

    #[test]
    fn typos_are_errors() {
        let err = Scenario::from_toml("extensions = [\"3001\"]\nagent = []").unwrap_err();
        assert!(err.contains("agent"), "{err}");
    }

    #[test]
    fn ip_map_must_point_at_a_configured_extension() {
        let err = Scenario::from_toml("extensions = [\"3001\"]\n[ipextnmap]\n\"10.0.0.1\" = \"3002\"").unwrap_err();
        assert!(err.contains("3002"), "{err}");
    }

    #[test]
    fn ip_map_keys_must_be_ip_addresses() {
        let err = Scenario::from_toml("extensions = [\"3001\"]\n[ipextnmap]\n\"localhost\" = \"3001\"").unwrap_err();
        assert!(err.contains("not an IP address"), "{err}");
    }

    #[test]
    fn duplicates_are_errors() {
        let err = Scenario::from_toml(r#"extensions = ["3001", "3001"]"#).unwrap_err();
        assert!(err.contains("listed twice"), "{err}");
        let err = Scenario::from_toml(
            "extensions = [\"3001\"]\n[[agents]]\nid = \"1\"\npassword = \"\"\n[[agents]]\nid = \"1\"\npassword = \"x\"",
        )
        .unwrap_err();
        assert!(err.contains("agent id 1"), "{err}");
    }
}
