//! The scenario: which extensions, agents and free-seating entries the
//! simulated switch has, and how outside numbers behave when dialled. Read
//! from a TOML file (`--config`) or the built-in default, which
//! `scenarios/default.toml` spells out.
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
//!
//! [[external]]
//! number = "4155550199"
//! behaviour = "busy"
//!
//! [default_external]
//! behaviour = "answer"
//! after_ms = 1000
//! ```
//!
//! Unknown keys are errors, so a typo in a QA team's scenario does not go
//! unnoticed.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

/// The longest `after_ms` a scenario may give (one hour): longer is a typo.
pub const MAX_AFTER_MS: u64 = 3_600_000;

/// How long an unlisted outside number rings before it answers, when the
/// scenario does not say (`[default_external]` missing).
pub const DEFAULT_ANSWER_AFTER: Duration = Duration::from_millis(1000);

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
    /// Outside numbers with a behaviour of their own (`[[external]]`).
    pub external: Vec<ExternalNumber>,
    /// How every other outside number behaves (`[default_external]`).
    pub default_external: Behaviour,
    /// ACD queues (`[[queues]]`): numbers callers ring that hand each call
    /// to an available agent, in turn.
    pub queues: Vec<QueueConfig>,
}

/// An ACD queue (a VDN and its skill, in Avaya's words): a call to
/// `number` waits until an agent of `agents` is logged in, in `auto` or
/// `manual`, with no call at the station, and then rings that station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueConfig {
    pub number: String,
    /// The agents who take its calls, in the order they are offered them
    /// (empty in the file: every agent of the scenario).
    pub agents: Vec<String>,
}

/// An outside number of the scenario and what happens when it is dialled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalNumber {
    pub number: String,
    pub behaviour: Behaviour,
}

/// What the far end of an outside number does when it is dialled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// It rings (`alert`), then answers (`connect`) after this long; at
    /// once when zero.
    Answer { after: Duration },
    /// Busy: the call fails at once (`fail`).
    Busy,
    /// It rings until the caller hangs up or the control API answers it.
    NoAnswer,
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
    /// Extensions 2001-2003, agents 1001-1003 (password 1234), 127.0.0.1
    /// seated at 2001; outside number 4155550100 answers after 300 ms,
    /// 4155550199 is busy, 4155550188 never answers, any other answers after
    /// 1000 ms.
    fn default() -> Scenario {
        let agent = |id: &str| AgentConfig { id: id.into(), password: "1234".into() };
        let external = |number: &str, behaviour| ExternalNumber { number: number.into(), behaviour };
        Scenario {
            extensions: vec!["2001".into(), "2002".into(), "2003".into()],
            agents: vec![agent("1001"), agent("1002"), agent("1003")],
            ipextnmap: BTreeMap::from([(IpAddr::from([127, 0, 0, 1]), "2001".into())]),
            external: vec![
                external("4155550100", Behaviour::Answer { after: Duration::from_millis(300) }),
                external("4155550199", Behaviour::Busy),
                external("4155550188", Behaviour::NoAnswer),
            ],
            default_external: Behaviour::Answer { after: DEFAULT_ANSWER_AFTER },
            queues: Vec::new(),
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

    /// The queue callers reach by ringing `number`, if it is one.
    pub fn queue(&self, number: &str) -> Option<&QueueConfig> {
        self.queues.iter().find(|q| q.number == number)
    }

    /// How the outside number `dialled` behaves: its `[[external]]` entry
    /// when one matches it exactly, else the entry matching it without a
    /// leading `9` (the outside-line prefix: `94155550100` dials
    /// `4155550100`), else `[default_external]`.
    pub fn behaviour_of(&self, dialled: &str) -> Behaviour {
        let find = |number: &str| self.external.iter().find(|e| e.number == number).map(|e| e.behaviour);
        find(dialled).or_else(|| dialled.strip_prefix('9').and_then(find)).unwrap_or(self.default_external)
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
    #[serde(default)]
    external: Vec<ExternalFile>,
    default_external: Option<BehaviourFile>,
    #[serde(default)]
    queues: Vec<QueueFile>,
}

/// `[[queues]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueFile {
    number: String,
    #[serde(default)]
    agents: Vec<String>,
}

/// `[[external]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExternalFile {
    number: String,
    #[serde(alias = "behavior")]
    behaviour: BehaviourName,
    after_ms: Option<u64>,
}

/// `behaviour` and `after_ms`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BehaviourFile {
    #[serde(alias = "behavior")]
    behaviour: BehaviourName,
    after_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum BehaviourName {
    Answer,
    Busy,
    NoAnswer,
}

impl BehaviourName {
    /// `what` names the entry in errors.
    fn validate(self, after_ms: Option<u64>, what: &str) -> Result<Behaviour, String> {
        match (self, after_ms) {
            (BehaviourName::Answer, after_ms) => {
                let after_ms = after_ms.unwrap_or(0);
                if after_ms > MAX_AFTER_MS {
                    return Err(format!("{what}: after_ms {after_ms} is more than {MAX_AFTER_MS} (one hour)"));
                }
                Ok(Behaviour::Answer { after: Duration::from_millis(after_ms) })
            }
            (BehaviourName::Busy | BehaviourName::NoAnswer, Some(_)) => {
                Err(format!("{what}: after_ms is only allowed with behaviour \"answer\""))
            }
            (BehaviourName::Busy, None) => Ok(Behaviour::Busy),
            (BehaviourName::NoAnswer, None) => Ok(Behaviour::NoAnswer),
        }
    }
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
        let numbers: Vec<String> = file.external.iter().map(|e| e.number.trim().to_owned()).collect();
        unique("external number", numbers.iter())?;
        let mut external = Vec::with_capacity(file.external.len());
        for (entry, number) in file.external.iter().zip(&numbers) {
            if number.is_empty() {
                return Err("an external number is empty".into());
            }
            if file.extensions.iter().any(|e| e == number) {
                return Err(format!("external number {number} is an extension: extensions are always internal"));
            }
            let behaviour = entry.behaviour.validate(entry.after_ms, &format!("external number {number}"))?;
            external.push(ExternalNumber { number: number.to_owned(), behaviour });
        }
        let default_external = match &file.default_external {
            Some(default) => default.behaviour.validate(default.after_ms, "default_external")?,
            None => Behaviour::Answer { after: DEFAULT_ANSWER_AFTER },
        };
        let mut queues = Vec::with_capacity(file.queues.len());
        let queue_numbers: Vec<String> = file.queues.iter().map(|q| q.number.trim().to_owned()).collect();
        unique("queue number", queue_numbers.iter())?;
        for (queue, number) in file.queues.iter().zip(queue_numbers) {
            if number.is_empty() {
                return Err("a queue number is empty".into());
            }
            if file.extensions.contains(&number) || numbers.contains(&number) {
                return Err(format!("queue {number} is also an extension or an external number"));
            }
            unique(&format!("queue {number}: agent"), queue.agents.iter())?;
            if let Some(stranger) = queue.agents.iter().find(|id| !file.agents.iter().any(|a| &a.id == *id)) {
                return Err(format!("queue {number}: agent {stranger} is not in `agents`"));
            }
            let agents = if queue.agents.is_empty() {
                file.agents.iter().map(|a| a.id.clone()).collect()
            } else {
                queue.agents.clone()
            };
            queues.push(QueueConfig { number, agents });
        }
        Ok(Scenario { extensions: file.extensions, agents: file.agents, ipextnmap, external, default_external, queues })
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
    fn external_numbers_have_a_behaviour() {
        let scenario = Scenario::from_toml(
            r#"
            extensions = ["3001"]
            [[external]]
            number = "5550100"
            behaviour = "answer"
            after_ms = 25
            [[external]]
            number = "5550199"
            behavior = "busy"
            [[external]]
            number = "95550188"
            behaviour = "no-answer"
            [default_external]
            behaviour = "no-answer"
            "#,
        )
        .unwrap();
        assert_eq!(scenario.behaviour_of("5550100"), Behaviour::Answer { after: Duration::from_millis(25) });
        assert_eq!(scenario.behaviour_of("95550100"), Behaviour::Answer { after: Duration::from_millis(25) });
        assert_eq!(scenario.behaviour_of("5550199"), Behaviour::Busy);
        assert_eq!(scenario.behaviour_of("95550188"), Behaviour::NoAnswer, "exact match first");
        assert_eq!(scenario.behaviour_of("995550100"), Behaviour::NoAnswer, "only one 9 is stripped");
        assert_eq!(scenario.behaviour_of("915550100"), Behaviour::NoAnswer, "the default");
    }

    #[test]
    fn without_default_external_outside_numbers_answer_after_a_second() {
        let scenario = Scenario::from_toml(r#"extensions = ["3001"]"#).unwrap();
        assert!(scenario.external.is_empty());
        assert_eq!(scenario.behaviour_of("5550100"), Behaviour::Answer { after: DEFAULT_ANSWER_AFTER });
        let scenario =
            Scenario::from_toml("extensions = [\"3001\"]\n[default_external]\nbehaviour = \"answer\"").unwrap();
        assert_eq!(scenario.default_external, Behaviour::Answer { after: Duration::ZERO });
    }

    #[test]
    fn the_default_knows_a_few_numbers() {
        let scenario = Scenario::default();
        assert_eq!(scenario.behaviour_of("94155550100"), Behaviour::Answer { after: Duration::from_millis(300) });
        assert_eq!(scenario.behaviour_of("94155550199"), Behaviour::Busy);
        assert_eq!(scenario.behaviour_of("4155550188"), Behaviour::NoAnswer);
        assert_eq!(scenario.behaviour_of("914155550100"), Behaviour::Answer { after: Duration::from_millis(1000) });
    }

    #[test]
    fn bad_external_entries_are_errors() {
        let cases = [
            ("[[external]]\nnumber = \"1\"\nbehaviour = \"ring\"", "unknown variant `ring`"),
            ("[[external]]\nnumber = \"1\"\nbehaviour = \"busy\"\nafter_ms = 5", "only allowed with behaviour"),
            ("[[external]]\nnumber = \"1\"\nbehaviour = \"answer\"\nafter_ms = 3600001", "more than 3600000"),
            ("[[external]]\nnumber = \"1\"\nbehaviour = \"answer\"\nafter_ms = -1", "invalid value"),
            ("[[external]]\nnumber = \"3001\"\nbehaviour = \"busy\"", "3001 is an extension"),
            ("[[external]]\nnumber = \" \"\nbehaviour = \"busy\"", "empty"),
            ("[[external]]\nnumber = \"1\"\nbehaviour = \"busy\"\nwhen = 1", "unknown field `when`"),
            (
                "[[external]]\nnumber = \"1\"\nbehaviour = \"busy\"\n[[external]]\nnumber = \"1\"\nbehaviour = \"busy\"",
                "external number 1 is listed twice",
            ),
            ("[default_external]\nafter_ms = 5", "missing field `behaviour`"),
        ];
        for (tail, expected) in cases {
            let text = format!("extensions = [\"3001\"]\n{tail}");
            let err = Scenario::from_toml(&text).unwrap_err();
            assert!(err.contains(expected), "{tail}: {err}");
        }
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

    #[test]
    fn queues_name_their_agents_or_take_all_of_them() {
        let text = r#"
extensions = ["2001", "2002"]
agents = [{ id = "1001", password = "1" }, { id = "1002", password = "2" }]
[[queues]]
number = "5000"
agents = ["1002"]
[[queues]]
number = "5001"
"#;
        let scenario = Scenario::from_toml(text).unwrap();
        assert_eq!(scenario.queue("5000").map(|q| q.agents.clone()), Some(vec!["1002".to_owned()]));
        assert_eq!(scenario.queue("5001").map(|q| q.agents.clone()), Some(vec!["1001".to_owned(), "1002".to_owned()]));
        assert_eq!(scenario.queue("2001"), None);
        let refused = |queues: &str| {
            Scenario::from_toml(&format!(
                "extensions = [\"2001\"]\nagents = [{{ id = \"1001\", password = \"1\" }}]\n{queues}"
            ))
            .unwrap_err()
        };
        assert!(refused("[[queues]]\nnumber = \"2001\"").contains("also an extension"), "a queue is not an extension");
        assert!(refused("[[queues]]\nnumber = \"5000\"\nagents = [\"1009\"]").contains("agent 1009 is not in `agents`"));
        assert!(refused("[[queues]]\nnumber = \"5000\"\n[[queues]]\nnumber = \"5000\"").contains("listed twice"));
    }

    #[test]
    fn the_queue_example_file_reads() {
        let text = include_str!("../scenarios/queue.toml");
        let scenario = Scenario::from_toml(text).unwrap();
        assert_eq!(scenario.queues.len(), 2);
    }
}
