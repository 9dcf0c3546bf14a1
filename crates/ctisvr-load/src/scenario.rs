//! The call center the load runs against: one station and one ACD agent per
//! simulated softphone, written as a ctisvr-mock scenario file (the TOML of
//! docs/mock.md, "Scenario files").

use std::fmt::Write as _;

/// Agent `index`'s station, agent id and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub extension: String,
    pub agent_id: String,
    pub password: String,
}

/// The password of every simulated agent (the mock's sample password).
const PASSWORD: &str = "1234";

impl Seat {
    /// Seat `index` (0-based): extension `200000 + index`, agent
    /// `500000 + index`; six digits each up to 300,000 seats.
    pub fn of(index: u32) -> Seat {
        Seat {
            extension: (200_000 + index).to_string(),
            agent_id: (500_000 + index).to_string(),
            password: PASSWORD.to_string(),
        }
    }
}

/// The scenario TOML for `agents` seats: the stations, the agents, and
/// outside numbers that answer at once (nobody dials out in the load, but a
/// scenario needs a default).
pub fn scenario_toml(agents: u32) -> String {
    let mut toml = String::from("extensions = [\n");
    for index in 0..agents {
        let _ = writeln!(toml, "  \"{}\",", Seat::of(index).extension);
    }
    toml.push_str("]\n\n");
    for index in 0..agents {
        let seat = Seat::of(index);
        let _ = writeln!(toml, "[[agents]]\nid = \"{}\"\npassword = \"{}\"\n", seat.agent_id, seat.password);
    }
    toml.push_str("[default_external]\nbehaviour = \"answer\"\nafter_ms = 0\n");
    toml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seat_has_its_own_station_and_agent() {
        let toml = scenario_toml(3);
        for index in 0..3 {
            let seat = Seat::of(index);
            assert!(toml.contains(&format!("\"{}\"", seat.extension)));
            assert!(toml.contains(&format!("id = \"{}\"", seat.agent_id)));
        }
        assert!(!toml.contains(&Seat::of(3).extension));
        assert_ne!(Seat::of(0).extension, Seat::of(0).agent_id);
    }
}
