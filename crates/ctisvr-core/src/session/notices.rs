//! The message bar, an owned part of the session: one notice at a time,
//! gone when its cause ends (see [`crate::notice`]). It returns the
//! [`Update`] the page must hear; the session queues it.

use crate::i18n::Catalogue;
use crate::notice::{Notice, Resolved};
use crate::updates::Update;

/// The notice shown, if any.
#[derive(Debug, Default)]
pub(crate) struct NoticeBar {
    shown: Option<Notice>,
}

impl NoticeBar {
    /// The notice shown now (also in the state snapshot).
    pub(crate) fn shown(&self) -> Option<&Notice> {
        self.shown.as_ref()
    }

    /// Shows `notice`, worded by `words`, in place of any other: the page
    /// hears the one it replaces go (`NoticeGone`), then the new one.
    pub(crate) fn show(&mut self, mut notice: Notice, words: &dyn Catalogue) -> impl Iterator<Item = Update> {
        notice.text = words.problem(&notice.problem);
        let replaced = self.shown.replace(notice.clone()).map(Update::NoticeGone);
        replaced.into_iter().chain([Update::Notice(notice)])
    }

    /// The agent's language changed: the notice shown reads in `words`.
    pub(crate) fn reword(&mut self, words: &dyn Catalogue) {
        if let Some(notice) = &mut self.shown {
            notice.text = words.problem(&notice.problem);
        }
    }

    /// `what` happened: the notice shown goes if it ends its cause.
    pub(crate) fn resolve(&mut self, what: &Resolved) -> Option<Update> {
        if self.shown.as_ref().is_some_and(|notice| notice.cause.ends_with(what)) {
            self.dismiss()
        } else {
            None
        }
    }

    /// The notice shown goes (the agent closed it, or its cause ended).
    pub(crate) fn dismiss(&mut self) -> Option<Update> {
        self.shown.take().map(Update::NoticeGone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::notice::NoticeCause;
    use crate::problem::Problem;

    const EN: &dyn Catalogue = Lang::En.words();

    #[test]
    fn a_notice_goes_when_its_cause_ends_and_not_before() {
        let mut bar = NoticeBar::default();
        let notice = Notice::error(NoticeCause::Settings, Problem::NoExtension);
        assert_eq!(bar.show(notice.clone(), EN).collect::<Vec<_>>(), vec![Update::Notice(notice.clone())]);
        assert_eq!(bar.resolve(&Resolved::AgentChanged), None, "another cause's end");
        assert_eq!(bar.shown(), Some(&notice));
        assert_eq!(bar.resolve(&Resolved::Settings), Some(Update::NoticeGone(notice)));
        assert_eq!(bar.shown(), None);
        assert_eq!(bar.dismiss(), None, "nothing left to dismiss");
    }

    #[test]
    fn a_new_notice_replaces_the_one_shown() {
        let mut bar = NoticeBar::default();
        let first = Notice::error(NoticeCause::Settings, Problem::NoExtension);
        let _ = bar.show(first.clone(), EN).count();
        let second = Notice::info(NoticeCause::Busy, Problem::BinaryFrame);
        let updates: Vec<Update> = bar.show(second.clone(), EN).collect();
        assert_eq!(
            updates,
            vec![Update::NoticeGone(first), Update::Notice(second.clone())],
            "the page hears the first go"
        );
        assert_eq!(bar.dismiss(), Some(Update::NoticeGone(second)));
    }
}
