//! The element's JavaScript methods and the core command each one is. The
//! methods queue the request and return at once; the outcome arrives as
//! `ctisvr-call` and `ctisvr-notice` events. A refused method throws an
//! `Error` whose message is the reason (the element shows it too).

use crate::{CallCommand, Command};

pub const DIAL: &str = "dial";
pub const ANSWER: &str = "answer";
pub const HANG_UP: &str = "hangup";
pub const HOLD: &str = "hold";
pub const RETRIEVE: &str = "retrieve";
pub const CONSULT: &str = "consult";
pub const TRANSFER: &str = "transfer";
pub const CONFERENCE: &str = "conference";
pub const RECONNECT: &str = "reconnect";
pub const DROP_PARTY: &str = "dropParty";
pub const SEND_DTMF: &str = "sendDtmf";

/// The method names alone, in [`METHODS`]' order: what the element defines
/// (the wasm then carries no descriptions).
pub const NAMES: [&str; 11] =
    [DIAL, ANSWER, HANG_UP, HOLD, RETRIEVE, CONSULT, TRANSFER, CONFERENCE, RECONNECT, DROP_PARTY, SEND_DTMF];

/// One method as documented. Every method returns `undefined`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodDoc {
    pub name: &'static str,
    /// Its one argument, a string, if it takes one.
    pub parameter: Option<ParameterDoc>,
    pub description: &'static str,
}

/// A method's string argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterDoc {
    pub name: &'static str,
    pub optional: bool,
    pub description: &'static str,
}

const NUMBER: ParameterDoc = ParameterDoc {
    name: "number",
    optional: false,
    description:
        "A phone number as a CRM record or web page holds it (`+1 (415) 555-0100 x12`, `tel:` URIs), or an extension.",
};
const OPTIONAL_NUMBER: ParameterDoc = ParameterDoc { optional: true, ..NUMBER };

/// Every method, in the order the element defines them.
pub const METHODS: [MethodDoc; 11] = [
    MethodDoc {
        name: DIAL,
        parameter: Some(NUMBER),
        description: "Places a call (`makecall`) when idle, a consultation on a call. Throws when the text is not a phone number or the softphone cannot dial now.",
    },
    MethodDoc { name: ANSWER, parameter: None, description: "Answers the ringing call (`answer`)." },
    MethodDoc { name: HANG_UP, parameter: None, description: "Hangs up the active call (`hangup`)." },
    MethodDoc { name: HOLD, parameter: None, description: "Puts the connected call on hold (`hold`)." },
    MethodDoc { name: RETRIEVE, parameter: None, description: "Takes the held call back (`retrieve`)." },
    MethodDoc {
        name: CONSULT,
        parameter: Some(NUMBER),
        description: "Holds the connected call and calls `number` (`consultation`).",
    },
    MethodDoc {
        name: TRANSFER,
        parameter: Some(OPTIONAL_NUMBER),
        description: "Transfers the held call to the consulted party; with `number` and no consultation, transfers the connected call to it in one step.",
    },
    MethodDoc {
        name: CONFERENCE,
        parameter: Some(OPTIONAL_NUMBER),
        description: "Joins the held call and the answered consultation; with `number` and no consultation, adds it in one step.",
    },
    MethodDoc {
        name: RECONNECT,
        parameter: None,
        description: "Hangs up the consultation and takes the held call back (`reconnect`).",
    },
    MethodDoc {
        name: DROP_PARTY,
        parameter: Some(ParameterDoc {
            name: "number",
            optional: true,
            description: "The party to drop; the party added last when not given.",
        }),
        description: "Drops a party from the conference (`dropparty`).",
    },
    MethodDoc {
        name: SEND_DTMF,
        parameter: Some(ParameterDoc {
            name: "digits",
            optional: false,
            description: "1 to 100 of `0-9 * # A-D`; spaces are dropped.",
        }),
        description: "Sends touch tones on the connected call (`dtmf`).",
    },
];

/// The command of method `name` with its argument, `None` for a name that
/// is not a method.
///
/// ```
/// use ctisvr_core::element_api::command;
/// use ctisvr_core::{CallCommand, Command};
/// assert_eq!(command("hold", None), Some(Command::Call(CallCommand::Hold)));
/// assert_eq!(command("dial", Some("2002".into())), Some(Command::Call(CallCommand::Dial { number: "2002".into() })));
/// assert_eq!(command("explode", None), None);
/// ```
pub fn command(name: &str, argument: Option<String>) -> Option<Command> {
    let text = || argument.clone().unwrap_or_default();
    let call = match name {
        DIAL => CallCommand::Dial { number: text() },
        ANSWER => CallCommand::Answer,
        HANG_UP => CallCommand::HangUp,
        HOLD => CallCommand::Hold,
        RETRIEVE => CallCommand::Retrieve,
        CONSULT => CallCommand::Consult { number: text() },
        TRANSFER => CallCommand::Transfer { number: argument.clone() },
        CONFERENCE => CallCommand::Conference { number: argument.clone() },
        RECONNECT => CallCommand::Reconnect,
        DROP_PARTY => CallCommand::DropParty { party: argument.clone() },
        SEND_DTMF => CallCommand::SendDtmf { digits: text() },
        _ => return None,
    };
    Some(Command::Call(call))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_documented_methods_in_order() {
        assert_eq!(METHODS.map(|m| m.name), NAMES);
    }

    #[test]
    fn every_documented_method_is_a_command_and_names_are_unique() {
        for (i, method) in METHODS.iter().enumerate() {
            assert!(command(method.name, Some("2002".into())).is_some(), "{}", method.name);
            assert!(METHODS[..i].iter().all(|m| m.name != method.name), "{} twice", method.name);
        }
    }

    #[test]
    fn an_argument_is_passed_on_only_to_methods_that_document_one() {
        for method in &METHODS {
            let with = command(method.name, Some("2002".into()));
            let without = command(method.name, None);
            assert_eq!(with != without, method.parameter.is_some(), "{}", method.name);
        }
    }

    #[test]
    fn names_differing_from_a_method_only_in_case_or_spacing_are_not_methods() {
        for name in ["Dial", "HANGUP", "drop_party", "sendDTMF", " hold", "", "toString", "constructor"] {
            assert_eq!(command(name, None), None, "{name}");
        }
    }
}
