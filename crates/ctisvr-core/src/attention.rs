//! Drawing the eyes of an agent who looks elsewhere to a ringing call: while
//! the page is hidden (another tab, a minimised window) an inbound call that
//! rings is notified once, and withdrawn when it stops ringing (answered,
//! ended) or the page is shown again. The edge shows it as a system
//! notification where the page has the Notification permission, else as a
//! mark on the page's title. Off with the `notifyCalls` call center option or
//! the `notify-calls` attribute ([`crate::settings::Options::notify_calls`]).
//!
//! The agent's other tabs may notify the same call: the edge tags each
//! notification with the call's id, so the browser keeps one.

use crate::calls::{Call, CallId, CallState};
use crate::i18n::Catalogue;

/// What the edge shows or takes back, from [`crate::Session::poll_attention`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attention {
    /// Show a notification (or mark the title) for call `call`.
    Notify {
        call: CallId,
        /// "Incoming call".
        title: String,
        /// Who calls: the number, or "Unknown caller".
        body: String,
        /// The mark for the page's title where no notification may be
        /// shown: "☎ Incoming call: 4155550100".
        mark: String,
    },
    /// Take back what was shown for `call`.
    Withdraw { call: CallId },
}

/// The calls the agent was notified of and not yet withdrawn.
#[derive(Debug, Default)]
pub(crate) struct Notified {
    calls: Vec<CallId>,
}

impl Notified {
    /// The next order that brings what is shown in line with `calls`, the
    /// page being `hidden` and notifications `enabled`; withdrawals first.
    pub(crate) fn next(
        &mut self,
        calls: &[Call],
        hidden: bool,
        enabled: bool,
        words: &dyn Catalogue,
    ) -> Option<Attention> {
        let wanted = |call: &Call| hidden && enabled && call.state == CallState::RingingIn;
        if let Some(at) = self.calls.iter().position(|id| !calls.iter().any(|c| c.id == *id && wanted(c))) {
            return Some(Attention::Withdraw { call: self.calls.remove(at) });
        }
        let call = calls.iter().find(|c| wanted(c) && !self.calls.contains(&c.id))?;
        self.calls.push(call.id);
        let (title, body) = (words.incoming_call(), call.caller_known().unwrap_or(words.unknown_caller()));
        Some(Attention::Notify {
            call: call.id,
            title: title.to_owned(),
            body: body.to_owned(),
            mark: format!("☎ {title}: {body}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::test_call as call;
    use crate::i18n::Lang;

    fn drain(notified: &mut Notified, calls: &[Call], hidden: bool, enabled: bool) -> Vec<Attention> {
        std::iter::from_fn(|| notified.next(calls, hidden, enabled, Lang::En.words())).collect()
    }

    fn notify(call: CallId, body: &str) -> Attention {
        Attention::Notify {
            call,
            title: "Incoming call".into(),
            body: body.into(),
            mark: format!("☎ Incoming call: {body}"),
        }
    }

    #[test]
    fn a_call_ringing_in_a_hidden_page_is_notified_once_then_withdrawn_when_answered() {
        let mut notified = Notified::default();
        let ringing = [call(7, CallState::RingingIn, "4155550100")];
        assert_eq!(drain(&mut notified, &ringing, true, true), vec![notify(7, "4155550100")]);
        assert_eq!(drain(&mut notified, &ringing, true, true), vec![], "once");
        let answered = [call(7, CallState::Connected, "4155550100")];
        assert_eq!(drain(&mut notified, &answered, true, true), vec![Attention::Withdraw { call: 7 }]);
        assert_eq!(drain(&mut notified, &answered, true, true), vec![]);
    }

    #[test]
    fn showing_the_page_or_the_call_ending_withdraws_it() {
        let mut notified = Notified::default();
        let ringing = [call(7, CallState::RingingIn, "4155550100")];
        drain(&mut notified, &ringing, true, true);
        assert_eq!(drain(&mut notified, &ringing, false, true), vec![Attention::Withdraw { call: 7 }], "shown");
        assert_eq!(
            drain(&mut notified, &ringing, true, true),
            vec![notify(7, "4155550100")],
            "hidden again, still ringing"
        );
        assert_eq!(drain(&mut notified, &[], true, true), vec![Attention::Withdraw { call: 7 }], "ended");
    }

    #[test]
    fn nothing_for_a_visible_page_a_call_that_is_not_ringing_in_or_when_turned_off() {
        let mut notified = Notified::default();
        let ringing = [call(7, CallState::RingingIn, "4155550100")];
        assert_eq!(drain(&mut notified, &ringing, false, true), vec![]);
        assert_eq!(drain(&mut notified, &ringing, true, false), vec![]);
        for state in [CallState::RingingOut, CallState::Connected, CallState::Held, CallState::Failed] {
            assert_eq!(drain(&mut notified, &[call(8, state, "2002")], true, true), vec![], "{state:?}");
        }
    }

    #[test]
    fn a_second_ringing_call_is_notified_on_its_own_and_withheld_callers_are_unknown() {
        let mut notified = Notified::default();
        let mut withheld = call(9, CallState::RingingIn, "anonymous");
        withheld.withheld = true;
        let calls = [call(7, CallState::Connected, "4155550100"), withheld];
        assert_eq!(drain(&mut notified, &calls, true, true), vec![notify(9, "Unknown caller")]);
        let blank = [call(10, CallState::RingingIn, "  ")];
        assert_eq!(
            drain(&mut notified, &blank, true, true),
            vec![Attention::Withdraw { call: 9 }, notify(10, "Unknown caller")]
        );
    }

    #[test]
    fn the_notification_speaks_the_agent_language() {
        let mut notified = Notified::default();
        let mut withheld = call(7, CallState::RingingIn, "anonymous");
        withheld.withheld = true;
        let french = notified.next(&[withheld], true, true, Lang::Fr.words());
        let expected = Attention::Notify {
            call: 7,
            title: "Appel entrant".into(),
            body: "Appelant inconnu".into(),
            mark: "☎ Appel entrant: Appelant inconnu".into(),
        };
        assert_eq!(french, Some(expected));
    }
}
