//! What the agent's commands send, as pure functions: the request, and the
//! purpose its answer is read with, or why the command is refused. The
//! session checks first that a request can be sent at all (connected,
//! started, nothing waiting: `Session::extension_for_request`) and that a
//! number is not already being dialled (`dial_refusal`).

use super::requests::Purpose;
use crate::agent::{AgentAction, AgentCommand, AgentStatus};
use crate::calls::{allows, CallAction, CallCommand, Calls};
use crate::command::Rejected;
use crate::dialing::{dial_target, DialError};
use crate::settings::DialingPrefixes;
use crate::wire::{Dtmf, Password, ReasonCode, Request};

/// The request for an agent command at `extension`; `known` is the password
/// this page holds (`setstate` re-sends it).
pub(crate) fn agent_request(
    agent: &AgentStatus,
    known: Option<&Password>,
    extension: String,
    command: AgentCommand,
) -> Result<(Request, Purpose), Rejected> {
    let logged_in = || agent.agent_id().map(str::to_owned).ok_or(Rejected::NoAgent);
    Ok(match command {
        AgentCommand::Login { agent_id, password } => {
            if !agent.allows(AgentAction::Login) {
                return Err(Rejected::AgentLoggedIn);
            }
            let agent_id = agent_id.trim().to_owned();
            if agent_id.is_empty() {
                return Err(Rejected::MissingAgentId);
            }
            if password.is_empty() {
                return Err(Rejected::MissingPassword);
            }
            let request = Request::Login { extension, agent_id: agent_id.clone(), passwd: password.clone() };
            (request, Purpose::Agent(AgentCommand::Login { agent_id, password }))
        }
        AgentCommand::Logout => {
            let agent_id = logged_in()?;
            (Request::Logout { extension, agent_id }, Purpose::Agent(AgentCommand::Logout))
        }
        AgentCommand::SetState { mode, reason, password } => {
            let agent_id = logged_in()?;
            let given = password.filter(|p| !p.is_empty());
            let passwd = given.clone().or_else(|| known.cloned()).ok_or(Rejected::MissingPassword)?;
            let reason = ReasonCode::for_mode(mode, reason);
            let request = Request::SetState { extension, agent_id, passwd, state: mode, reason_code: reason };
            (request, Purpose::Agent(AgentCommand::SetState { mode, reason, password: given }))
        }
    })
}

/// The request for a call command at `extension`, numbers read with the
/// dialling rules; a dial is registered with `calls` (its events may come
/// before the answer).
pub(crate) fn call_request(
    calls: &mut Calls,
    prefixes: &DialingPrefixes,
    extension: String,
    command: CallCommand,
) -> Result<(Request, Purpose), Rejected> {
    let action = command.action();
    if !allows(calls.list(), action) {
        return Err(Rejected::NotAllowed(action));
    }
    let dial = |number: &str| dial_target(number, prefixes, &extension);
    let consultation = calls.consultation_pair().map(|(_, c)| c.dialled.clone());
    let ext = extension.clone();
    let (request, number) = match command {
        CallCommand::Dial { number } if calls.list().is_empty() => {
            let target = dial(&number)?;
            calls.dialling(&target.digits, target.extension);
            (Request::MakeCall { extension: ext, destination: target.digits.clone() }, Some(target.digits))
        }
        CallCommand::Dial { number } | CallCommand::Consult { number } => {
            let target = dial(&number)?;
            calls.dialling(&target.digits, target.extension);
            (Request::Consultation { extension: ext, destination: target.digits.clone() }, Some(target.digits))
        }
        CallCommand::Answer => (Request::Answer { extension: ext }, None),
        CallCommand::Hold => (Request::Hold { extension: ext }, None),
        CallCommand::Retrieve => (Request::Retrieve { extension: ext }, None),
        CallCommand::HangUp => (Request::Hangup { extension: ext }, None),
        CallCommand::Reconnect => (Request::Reconnect { extension: ext }, None),
        CallCommand::DropParty { party } => {
            let last = calls.conference().and_then(|c| c.parties.last().cloned());
            let party = party.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).or(last);
            let party = party.ok_or(Rejected::NoPartyToDrop)?;
            (Request::DropParty { extension: ext, party: party.clone() }, Some(party))
        }
        CallCommand::Transfer { number } | CallCommand::Conference { number } => {
            // Two-step: the destination is the consulted party; single-step: the number given.
            let destination = match (consultation, number.filter(|n| !n.trim().is_empty())) {
                (Some(consulted), _) => consulted,
                // The call leaves us: its extension is for the caller to key in.
                (None, Some(number)) => dial(&number)?.digits,
                (None, None) => return Err(Rejected::Dial(DialError::Empty)),
            };
            let request = if action == CallAction::Transfer {
                Request::Transfer { extension: ext, destination: destination.clone() }
            } else {
                Request::Conference { extension: ext, destination: destination.clone() }
            };
            (request, Some(destination))
        }
        CallCommand::SendDtmf { digits } => {
            let digits: String = digits.chars().filter(|c| !c.is_whitespace()).collect();
            let digits = Dtmf::parse(&digits).map_err(|_| Rejected::BadDtmf)?.into_string();
            (Request::Dtmf { extension: ext, digits: digits.clone() }, Some(digits))
        }
        CallCommand::SendExtension { call } => {
            let found = calls.list().iter().find(|c| c.id == call && c.extension_to_send());
            let digits = found.and_then(|c| c.extension.as_ref()).map(|e| e.digits.clone());
            let digits = digits.ok_or(Rejected::NoExtensionToSend)?;
            return Ok((Request::Dtmf { extension: ext, digits: digits.clone() }, Purpose::Extension { call, digits }));
        }
    };
    Ok((request, Purpose::Call { action, number }))
}
