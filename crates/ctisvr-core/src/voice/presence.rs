//! Omni-Channel presence statuses and CtiSVR work modes, through the table
//! the admin writes in the contact center (issue 14; Salesforce: "Agent
//! Status Syncing" in the partner telephony developer guide).
//!
//! Salesforce calls `setAgentStatus(agentStatus, {statusId, …})` with the
//! id of an Omni-Channel presence status (`0N5…`); `"0"` is Offline. The
//! table says what each id means on the Avaya side, one entry per status:
//!
//! ```text
//! 0N5000000000001=auto; 0N5000000000002=aux/3; 0N5000000000003=acw; 0=logout
//! ```
//!
//! | value | CtiSVR | meaning |
//! |---|---|---|
//! | `auto`, `manual` | `setstate` Auto-In, Manual-In | ready for ACD calls |
//! | `acw` | `setstate` ACW | after-call work |
//! | `aux`, `aux/N` | `setstate` AUX with reason code N (0 to 99; none: 0) | not available |
//! | `logout` | `logout` | off the ACD |
//!
//! Entries are separated by `;` or new lines; spaces around them are
//! ignored. The other way (an agent state the ACD reports, for
//! `SET_AGENT_STATUS`), the first entry that names the mode and reason wins,
//! then the first that names the mode.

use crate::wire::{ReasonCode, WorkMode};
use std::fmt;

/// What a presence status is on the Avaya side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Logged in, in `mode`, with `reason` (AUX only).
    Mode { mode: WorkMode, reason: Option<ReasonCode> },
    /// Logged out of the ACD.
    LoggedOut,
}

/// The table of the contact center: presence status ids and what they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresenceTable {
    entries: Vec<(String, Presence)>,
}

/// Why a table could not be read: the entry as written and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresenceError {
    /// No `=` between the status id and its value.
    NoValue(String),
    /// An empty status id.
    NoStatusId(String),
    /// A value that is not one of the table's (module docs).
    UnknownValue { entry: String, value: String },
    /// A reason code that is not 0 to 99.
    BadReason { entry: String, reason: String },
    /// The same status id twice.
    Repeated(String),
}

impl fmt::Display for PresenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresenceError::NoValue(entry) => write!(f, "{entry:?}: write statusId=value, e.g. 0N5000000000001=auto"),
            PresenceError::NoStatusId(entry) => write!(f, "{entry:?}: the presence status id is missing"),
            PresenceError::UnknownValue { entry, value } => {
                write!(f, "{entry:?}: {value:?} is not auto, manual, acw, aux, aux/N or logout")
            }
            PresenceError::BadReason { entry, reason } => {
                write!(f, "{entry:?}: the reason code {reason:?} is not a whole number from 0 to 99")
            }
            PresenceError::Repeated(id) => write!(f, "the presence status {id} is in the table twice"),
        }
    }
}

impl std::error::Error for PresenceError {}

impl PresenceTable {
    /// Reads the table as the contact center holds it (module docs).
    ///
    /// ```
    /// use ctisvr_core::voice::{Presence, PresenceTable};
    /// use ctisvr_core::wire::{ReasonCode, WorkMode};
    /// let table = PresenceTable::parse("0N51=auto; 0N52=aux/3\n0=logout").unwrap();
    /// assert_eq!(table.presence("0N52"), Some(Presence::Mode { mode: WorkMode::Aux, reason: ReasonCode::new(3) }));
    /// assert_eq!(table.presence("0"), Some(Presence::LoggedOut));
    /// assert!(PresenceTable::parse("0N53=lunch").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<PresenceTable, PresenceError> {
        let mut entries: Vec<(String, Presence)> = Vec::new();
        for entry in text.split([';', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
            let (id, value) = entry.split_once('=').ok_or_else(|| PresenceError::NoValue(entry.to_owned()))?;
            let (id, value) = (id.trim(), value.trim());
            if id.is_empty() {
                return Err(PresenceError::NoStatusId(entry.to_owned()));
            }
            if entries.iter().any(|(known, _)| known == id) {
                return Err(PresenceError::Repeated(id.to_owned()));
            }
            entries.push((id.to_owned(), read_value(entry, value)?));
        }
        Ok(PresenceTable { entries })
    }

    /// What status `status_id` is, when the table names it.
    pub fn presence(&self, status_id: &str) -> Option<Presence> {
        self.entries.iter().find(|(id, _)| id == status_id).map(|(_, presence)| *presence)
    }

    /// The status to show Salesforce for an agent the ACD reports in
    /// `presence`: the entry naming the mode and reason, else the first
    /// naming the mode; `None` when the table has neither.
    pub fn status_of(&self, presence: Presence) -> Option<&str> {
        let exact = self.entries.iter().find(|(_, p)| *p == presence);
        let by_mode = || {
            self.entries.iter().find(|(_, p)| match (p, presence) {
                (Presence::Mode { mode, .. }, Presence::Mode { mode: wanted, .. }) => *mode == wanted,
                _ => false,
            })
        };
        exact.or_else(by_mode).map(|(id, _)| id.as_str())
    }

    /// The entries, in the order written.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Presence)> {
        self.entries.iter().map(|(id, presence)| (id.as_str(), *presence))
    }

    /// The mode `wrapUpCall` returns the agent to: the table's first
    /// Auto-In or Manual-In status, else Auto-In.
    pub fn ready_mode(&self) -> WorkMode {
        self.entries()
            .find_map(|(_, presence)| match presence {
                Presence::Mode { mode: mode @ (WorkMode::Auto | WorkMode::Manual), .. } => Some(mode),
                _ => None,
            })
            .unwrap_or(WorkMode::Auto)
    }
}

/// Writes the table back in the form [`PresenceTable::parse`] reads.
impl fmt::Display for PresenceTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (id, presence)) in self.entries.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            match presence {
                Presence::LoggedOut => write!(f, "{id}=logout")?,
                Presence::Mode { mode, reason: Some(reason) } => {
                    write!(f, "{id}={}/{}", mode.as_wire(), reason.value())?
                }
                Presence::Mode { mode, reason: None } => write!(f, "{id}={}", mode.as_wire())?,
            }
        }
        Ok(())
    }
}

fn read_value(entry: &str, value: &str) -> Result<Presence, PresenceError> {
    let lower = value.to_ascii_lowercase();
    let (name, reason) = match lower.split_once('/') {
        Some((name, reason)) => (name.trim(), Some(reason.trim())),
        None => (lower.as_str(), None),
    };
    let mode = match name {
        "logout" if reason.is_none() => return Ok(Presence::LoggedOut),
        "auto" => WorkMode::Auto,
        "manual" => WorkMode::Manual,
        "acw" => WorkMode::Acw,
        "aux" => WorkMode::Aux,
        _ => return Err(PresenceError::UnknownValue { entry: entry.to_owned(), value: value.to_owned() }),
    };
    let reason = match reason {
        None => None,
        Some(_) if mode != WorkMode::Aux => {
            return Err(PresenceError::UnknownValue { entry: entry.to_owned(), value: value.to_owned() })
        }
        Some(text) => Some(
            text.parse::<u8>()
                .ok()
                .and_then(ReasonCode::new)
                .ok_or_else(|| PresenceError::BadReason { entry: entry.to_owned(), reason: text.to_owned() })?,
        ),
    };
    Ok(Presence::Mode { mode, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn aux(reason: u8) -> Presence {
        Presence::Mode { mode: WorkMode::Aux, reason: ReasonCode::new(reason) }
    }

    #[test]
    fn a_table_as_admins_write_it() {
        let table = PresenceTable::parse(" 0N51 = Auto ;\n0N52=aux/3;0N53=AUX / 7 ;; 0N54=acw\n0=logout\n").unwrap();
        assert_eq!(table.presence("0N51"), Some(Presence::Mode { mode: WorkMode::Auto, reason: None }));
        assert_eq!(table.presence("0N53"), Some(aux(7)));
        assert_eq!(table.presence("0N54"), Some(Presence::Mode { mode: WorkMode::Acw, reason: None }));
        assert_eq!(table.presence("0N59"), None);
        assert_eq!(table.to_string(), "0N51=auto; 0N52=aux/3; 0N53=aux/7; 0N54=acw; 0=logout");
        assert_eq!(PresenceTable::parse("").unwrap(), PresenceTable::default());
    }

    #[test]
    fn every_mistake_names_its_entry() {
        let cases = [
            ("0N51", PresenceError::NoValue("0N51".into())),
            ("=auto", PresenceError::NoStatusId("=auto".into())),
            ("0N51=lunch", PresenceError::UnknownValue { entry: "0N51=lunch".into(), value: "lunch".into() }),
            ("0N51=auto/3", PresenceError::UnknownValue { entry: "0N51=auto/3".into(), value: "auto/3".into() }),
            ("0N51=logout/1", PresenceError::UnknownValue { entry: "0N51=logout/1".into(), value: "logout/1".into() }),
            ("0N51=aux/100", PresenceError::BadReason { entry: "0N51=aux/100".into(), reason: "100".into() }),
            ("0N51=aux/x", PresenceError::BadReason { entry: "0N51=aux/x".into(), reason: "x".into() }),
            ("0N51=auto;0N51=aux", PresenceError::Repeated("0N51".into())),
        ];
        for (text, error) in cases {
            assert_eq!(PresenceTable::parse(text), Err(error.clone()), "{text}");
            let words = error.to_string();
            assert!(words.contains("0N51") || words.contains("=auto"), "{words}");
        }
    }

    #[test]
    fn the_acd_state_shown_is_the_exact_entry_then_the_mode() {
        let table = PresenceTable::parse("0N51=auto; 0N52=aux/3; 0N53=aux; 0=logout").unwrap();
        assert_eq!(table.status_of(aux(3)), Some("0N52"));
        // Another reason: the first AUX entry.
        assert_eq!(table.status_of(aux(5)), Some("0N52"));
        assert_eq!(table.status_of(Presence::LoggedOut), Some("0"));
        assert_eq!(table.status_of(Presence::Mode { mode: WorkMode::Manual, reason: None }), None);
    }

    fn presence() -> impl Strategy<Value = Presence> {
        prop_oneof![
            Just(Presence::LoggedOut),
            (0usize..4, proptest::option::of(0u8..=99)).prop_map(|(mode, reason)| {
                let mode = WorkMode::ALL.get(mode).copied().unwrap_or(WorkMode::Auto);
                let reason = if mode == WorkMode::Aux { reason.and_then(ReasonCode::new) } else { None };
                Presence::Mode { mode, reason }
            }),
        ]
    }

    proptest! {
        #[test]
        fn a_table_written_back_reads_the_same(entries in proptest::collection::vec(("[0-9A-Za-z]{1,18}", presence()), 0..12)) {
            let mut table = PresenceTable::default();
            for (id, presence) in entries {
                if table.presence(&id).is_none() {
                    table.entries.push((id, presence));
                }
            }
            prop_assert_eq!(PresenceTable::parse(&table.to_string()), Ok(table.clone()));
            // Every status's own presence maps back to a status of that presence.
            for (id, presence) in table.entries() {
                let shown = table.status_of(presence);
                prop_assert!(shown.is_some());
                prop_assert_eq!(table.presence(shown.unwrap_or_default()), Some(presence), "{} -> {:?}", id, shown);
            }
        }
    }
}
