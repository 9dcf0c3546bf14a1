//! The element's JavaScript methods, as core commands. The methods queue the
//! request and return at once; the outcome arrives as `ctisvr-call` and
//! `ctisvr-notice` events. A refused method throws an `Error` with the reason.
//!
//! | method | command |
//! |---|---|
//! | `dial(number)` | `makecall` when idle, `consultation` on a call (click-to-dial rules) |
//! | `answer()`, `hangup()`, `hold()`, `retrieve()`, `reconnect()` | the request of that name |
//! | `consult(number)` | `consultation` |
//! | `transfer(number?)`, `conference(number?)` | two-step with a consultation, else single-step to `number` |
//! | `dropParty(number)` | `dropparty` (the party added last when no number is given) |
//! | `sendDtmf(digits)` | `dtmf` on the connected call |

use ctisvr_core::{CallCommand, Command};

/// The command for method `name` with its (optional) argument.
///
/// ```
/// use ctisvr_softphone::script_api::command;
/// use ctisvr_core::{CallCommand, Command};
/// assert_eq!(command("hold", None), Some(Command::Call(CallCommand::Hold)));
/// assert_eq!(command("dial", Some("2002".into())), Some(Command::Call(CallCommand::Dial { number: "2002".into() })));
/// assert_eq!(command("explode", None), None);
/// ```
pub fn command(name: &str, argument: Option<String>) -> Option<Command> {
    let text = || argument.clone().unwrap_or_default();
    let call = match name {
        "dial" => CallCommand::Dial { number: text() },
        "answer" => CallCommand::Answer,
        "hangup" => CallCommand::HangUp,
        "hold" => CallCommand::Hold,
        "retrieve" => CallCommand::Retrieve,
        "consult" => CallCommand::Consult { number: text() },
        "transfer" => CallCommand::Transfer { number: argument.clone() },
        "conference" => CallCommand::Conference { number: argument.clone() },
        "reconnect" => CallCommand::Reconnect,
        "dropParty" => CallCommand::DropParty { party: argument.clone() },
        "sendDtmf" => CallCommand::SendDtmf { digits: text() },
        _ => return None,
    };
    Some(Command::Call(call))
}
