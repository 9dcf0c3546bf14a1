//! A number the agent dials, consults or transfers to, checked against the
//! calls before anything is sent. Two clicks on one click-to-dial link (or
//! a script calling `dial` twice) must not place a call and then consult
//! the party it just reached:
//!
//! - the number being dialled (its `makecall`/`consultation` waits for the
//!   answer, or its call rings at the far end) dialled again is ignored
//!   with an information notice, "Already dialling 4155550188";
//! - a consultation, single-step transfer or conference to a party already
//!   on a call is refused, "Already on a call with 4155550188".
//!
//! Numbers are compared as dialled (after [`dial_target`](crate::dialing::dial_target)) with
//! [`crate::numbers::same_party`], so the outside, long-distance and
//! international prefixes make no difference. The notice names the number as the agent
//! gave it, digits only (`415-555-0188` -> `4155550188`).

use crate::calls::CallCommand;
use crate::calls::Calls;
use crate::dialing::dial_target;
use crate::settings::DialingPrefixes;

/// Why a number is not dialled: it is already being dialled or on the call.
/// Shown to the agent ([`crate::i18n::Catalogue::dial_refusal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialRefusal {
    /// A repeated click: ignored, shown as information.
    AlreadyDialling(String),
    /// A consultation, transfer or conference to a party of a call: refused.
    AlreadyOnCall(String),
}

impl std::error::Error for DialRefusal {}

/// Checks the number `command` would dial (`Dial`, `Consult`, and
/// single-step `Transfer`/`Conference` with a number) against `calls`.
/// Numbers the dialing rules refuse pass here: the command reports them.
pub(crate) fn check(
    calls: &Calls,
    command: &CallCommand,
    prefixes: &DialingPrefixes,
    extension: &str,
) -> Result<(), DialRefusal> {
    let (number, may_repeat) = match command {
        CallCommand::Dial { number } | CallCommand::Consult { number } => (number, true),
        // Two-step: the destination is the consulted party, whatever was typed.
        CallCommand::Transfer { number: Some(number) } | CallCommand::Conference { number: Some(number) }
            if calls.consultation_pair().is_none() =>
        {
            (number, false)
        }
        _ => return Ok(()),
    };
    let Ok(target) = dial_target(number, prefixes, extension) else { return Ok(()) };
    let destination = target.digits;
    let mut shown: String = number.chars().filter(|c| c.is_ascii_digit() || *c == '*' || *c == '#').collect();
    // The main number, as the agent wrote it: an extension is not part of it.
    if let Some(extension) = target.extension.as_deref() {
        if shown.ends_with(extension) {
            shown.truncate(shown.len() - extension.len());
        }
    }
    if may_repeat && calls.is_dialling(&destination, prefixes) {
        return Err(DialRefusal::AlreadyDialling(shown));
    }
    // Dial with no call is a `makecall`: nobody to be on a call with.
    if calls.is_on_call_with(&destination, prefixes) {
        return Err(DialRefusal::AlreadyOnCall(shown));
    }
    Ok(())
}
