//! The session's message bar: one notice at a time, gone when its cause
//! ends (see [`crate::notice`]).

use super::Session;
use crate::effects::Effect;
use crate::notice::{Notice, Resolved};

impl Session {
    /// Shows `notice` in place of any other.
    pub(super) fn show(&mut self, notice: Notice) {
        self.notice = Some(notice.clone());
        self.effects.push_back(Effect::Notice(notice));
    }

    /// `what` happened: the notice shown goes if it ends its cause.
    pub(super) fn resolve(&mut self, what: Resolved) {
        if self.notice.as_ref().is_some_and(|notice| notice.cause.ends_with(&what)) {
            self.dismiss_notice();
        }
    }

    /// The notice shown goes (the agent closed it, or its cause ended).
    pub(super) fn dismiss_notice(&mut self) {
        if let Some(gone) = self.notice.take() {
            self.effects.push_back(Effect::NoticeGone(gone));
        }
    }
}
