//! The session's link to the agent's other tabs and to the page's life:
//! the channel's name, the calls' memory kept for a reload, the tabs'
//! messages both ways, and the page shown, hidden, frozen or closing.
//! What the tabs agree is carried out by the duties ([`super::duties`]).

use super::{DutyOutput, Session};
use crate::tabs::{PageEvent, TabId, TabMessage};
use crate::time::Millis;

impl Session {
    /// The name the agent's tabs meet under (a `BroadcastChannel` and the
    /// Web Locks' prefix): `ctisvr-softphone:<wsURIA>`, once settings name
    /// the server. Softphones of one server agree on who pops and logs.
    /// Settings a reload remembered name it only once the CRM confirms them
    /// ([`Session::resume_crm_settings`]): a tab never joins the agent's
    /// tabs of a server the CRM no longer names.
    pub fn tab_channel(&self) -> Option<String> {
        if self.crm_settings == super::crm_link::CrmSettings::Remembered {
            return None;
        }
        self.settings.as_ref().map(|settings| format!("ctisvr-softphone:{}", settings.ws_uri_a))
    }

    /// Where this tab keeps its calls for a reload ([`Session::poll_storage`]):
    /// `ctisvr-softphone:calls:<wsURIA>`, once settings name the server (two
    /// softphones of one page on different servers keep apart). It changes
    /// with the server: the edge then keeps the calls under the new key.
    pub fn call_storage_key(&self) -> Option<String> {
        self.settings.as_ref().map(|settings| format!("ctisvr-softphone:calls:{}", settings.ws_uri_a))
    }

    /// What the page kept about this tab's calls before it was reloaded
    /// ([`Session::poll_storage`]; `sessionStorage` in the browser). Give it
    /// before the connection's start-up: the call the server then reports
    /// keeps its start, direction, record and pop.
    pub fn resume_calls(&mut self, stored: &str) {
        self.remembered_extension = self.duties.resume_calls(stored);
    }

    /// Carries out what the tabs decided, and passes on what the duties ask.
    pub(super) fn run_duties(&mut self, now: Millis) {
        let extension = self.extension.clone().unwrap_or_default();
        self.duties.run(now, &extension, self.lang.words());
        while let Some(output) = self.duties.poll_output() {
            match output {
                DutyOutput::Store(order) => self.storage = Some(order),
                DutyOutput::Crm(request) => self.crm_requests.push(request),
                DutyOutput::Notice(notice) => self.show(notice),
                DutyOutput::Resolved(resolved) => self.resolve(resolved),
            }
        }
    }

    /// The agent's other tabs are connected from now on: the edge opened the
    /// channel and will carry [`Session::poll_tab_message`] to them (and back
    /// to this tab: every message must come back to its sender).
    pub fn join_tabs(&mut self, now: Millis) {
        self.duties.join_tabs(now);
    }

    /// A message on the tabs' channel (another tab's, or this tab's own
    /// coming back). Another tab's calls may tell about a call this tab
    /// restored blind after a reload: its start, direction, name, record and pop.
    pub fn handle_tab_message(&mut self, now: Millis, message: TabMessage) {
        if self.duties.handle_tab_message(now, message) {
            let extension = self.extension.clone().unwrap_or_default();
            for (call, memo) in self.duties.told_about_blind(self.calls.list(), &extension) {
                let changes = self.calls.resume(call.id, &memo.remembered());
                self.emit_calls(now, changes);
            }
        }
        self.run_duties(now);
    }

    /// Web Locks report that another tab is gone.
    pub fn handle_tab_gone(&mut self, now: Millis, tab: TabId) {
        self.duties.tab_gone(now, tab);
        self.run_duties(now);
    }

    /// The page was shown, hidden, focused, frozen, resumed or is closing.
    /// Back from a long sleep, the connection is checked at once.
    pub fn handle_page(&mut self, now: Millis, event: PageEvent) {
        self.duties.handle_page(now, event);
        self.run_duties(now);
        self.watch_page(now, event);
    }

    /// A message for the agent's other tabs.
    pub fn poll_tab_message(&mut self) -> Option<TabMessage> {
        self.duties.poll_tab_message()
    }

    /// A tab first heard from on the channel: where Web Locks work, wait for
    /// its lock (`ctisvr-softphone:<channel>:<id>`) and report
    /// [`Session::handle_tab_gone`] when granted.
    pub fn poll_new_tab(&mut self) -> Option<TabId> {
        self.duties.poll_new_tab()
    }

    /// This tab's id on the channel (it holds the Web Lock of that name).
    pub fn tab_id(&self) -> TabId {
        self.duties.tab_id()
    }

    /// The page is closing: hand this tab's duties to the others now.
    pub fn leave(&mut self, now: Millis) {
        self.handle_page(now, PageEvent::Closing);
    }
}
