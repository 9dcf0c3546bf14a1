//! The softphone session: a sans-IO state machine in the manner of
//! quinn-proto's `Connection`.
//!
//! Inputs go in through `configure`, `handle_transport`, `handle_frame`,
//! `command` and `handle_timeout`, each with the caller's `now`. The caller
//! then drains the outputs, one queue per audience (see [`Session`]):
//! [`Session::poll_update`] (the page's news), [`Session::poll_crm`],
//! [`Session::poll_storage`], [`Session::poll_socket`] (open or close a
//! socket), [`Session::poll_transmit`] (send a frame),
//! [`Session::poll_tab_message`] and [`Session::poll_timeout`] (when to call
//! `handle_timeout`), and renders [`Session::state`].
//!
//! Start-up on every connection, the vendor's requests in two round trips
//! ([`startup`]): `myextension`, then `startmonitor`, `querydeviceinfo`,
//! `queryagentstate` and `snapshot` at once (`userdata` when `numcall > 0`).
//! Then click-to-dial is enabled.

use crate::agent::{AgentCommand, AgentStatus};
use crate::attention::{Attention, Notified};
use crate::call_memory::StorageOrder;
use crate::calls::{CallChange, CallCommand, Calls};
use crate::command::{Command, Rejected};
#[cfg(test)]
use crate::connection::Connect;
use crate::connection::{ConnId, Connection, ConnectionPolicy, ConnectionStatus, SocketOrder};
use crate::crm::Crm;
use crate::crm_requests::{CrmRequest, CrmRequests};
use crate::dial_refusal::DialRefusal;
use crate::dialing::auto_send::{AutoSend, BUSY_RETRY};
use crate::i18n::Lang;
use crate::notice::{Notice, NoticeCause, Resolved};
use crate::problem::Problem;
use crate::request_name::RequestName;
use crate::settings::{Settings, SettingsError};
use crate::state::State;
use crate::tabs::TabId;
use crate::time::Millis;
use crate::transport_advice::{advise, Advice, PageOrigin, SocketLoss};
use crate::updates::Update;
use crate::wire::{Password, Request, ServerFrame, MAX_FRAME_BYTES};
use away::Away;
use duties::{Duties, Output as DutyOutput};
use notices::NoticeBar;
use requests::{Purpose, Requests};
use startup::Startup;
use std::collections::VecDeque;
use std::time::Duration;
use timers::{Timer, Timers};

/// Tunables of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOptions {
    /// How long a request may wait for its response; past it the connection
    /// is taken for dead and replaced.
    pub request_timeout: Duration,
    /// With nothing heard for this long, a cheap request (`queryagentstate`)
    /// checks that the server is still there.
    pub liveness_interval: Duration,
    pub connection: ConnectionPolicy,
    /// Seeds the backoff jitter (the edge passes a random number).
    pub seed: u64,
    /// This tab's id when the edge connects the agent's tabs (see
    /// [`crate::tabs`] and [`Session::join_tabs`]).
    pub tab: Option<TabId>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            request_timeout: Duration::from_secs(10),
            liveness_interval: Duration::from_secs(30),
            connection: ConnectionPolicy::default(),
            seed: 0x5eed,
            tab: None,
        }
    }
}

/// What happened to a socket the session asked for. The session keeps it
/// as a [`SocketLoss`] for the wait, worded in the agent's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportEvent {
    Opened(ConnId),
    /// The browser's `CloseEvent`: `code` (1000 normal, 1006 no close frame:
    /// refused or dropped), the server's `reason` (often empty), and `clean`
    /// (whether a close handshake took place).
    Closed {
        id: ConnId,
        code: u16,
        reason: String,
        clean: bool,
    },
    /// Opening or sending failed: `error` is the browser's message (a
    /// malformed URL, a `ws://` address refused on an https page, a socket
    /// no longer open).
    Failed {
        id: ConnId,
        error: String,
    },
    /// A frame that is not text arrived (CtiSVR speaks JSON text only).
    NotText(ConnId),
    /// A text frame of `size` (the browser's length) over
    /// [`crate::wire::MAX_FRAME_BYTES`] arrived: the edge did not copy it.
    TooLarge {
        id: ConnId,
        size: usize,
    },
}

/// The softphone's session with CtiSVR. See the module docs.
///
/// ## Usage
///
/// Feed it what happened, with the time; then drain each audience's queue,
/// in this order: `poll_update` (the page's news), `poll_crm` (the CRM's
/// requests), `poll_storage` (the calls' memory), `poll_socket` (open or
/// close a socket), `poll_transmit` (frames for the socket just opened or
/// the open one), `poll_tab_message` and `poll_new_tab` (the agent's other
/// tabs); arm one timer at `poll_timeout`, and render `state()`:
///
/// ```
/// use ctisvr_core::{CallCommand, Command, Millis, Rejected, Session, Settings, SocketOrder, TransportEvent, Update};
///
/// let mut session = Session::default();
/// let settings = Settings::from_attributes(|name| (name == "ws-uri-a").then(|| "ws://cti:9006".to_string()));
/// session.configure(Millis(0), settings);
/// let Some(SocketOrder::Open(socket)) = session.poll_socket() else { panic!("a socket to open") };
/// session.handle_transport(Millis(5), TransportEvent::Opened(socket.id));
/// assert!(session.poll_transmit().is_some_and(|frame| frame.contains("\"myextension\"")));
/// // Not started yet: the agent's request is refused with a typed reason.
/// let refused = session.command(Millis(6), Command::Call(CallCommand::HangUp));
/// assert_eq!(refused, Err(Rejected::NotReady));
/// session.handle_frame(Millis(7), socket.id, r#"{"msgtype":"response","id":1,"result":"success","extension":"2001"}"#);
/// assert_eq!(session.state().extension.as_deref(), Some("2001"));
/// while let Some(effect) = session.poll_update() {
///     assert!(!matches!(effect, Update::Ready(true)), "start-up is not over");
/// }
/// assert!(session.poll_timeout().is_some(), "the answers are due by a deadline");
/// ```
#[derive(Debug)]
pub struct Session {
    options: SessionOptions,
    settings: Option<Settings>,
    connection: Connection,
    requests: Requests,
    /// For the page ([`Session::poll_update`]).
    updates: VecDeque<Update>,
    /// For the edge's storage of the calls' memory ([`Session::poll_storage`]).
    storage: Option<StorageOrder>,
    /// For the edge's storage of the CRM's settings
    /// ([`Session::poll_settings_storage`]).
    settings_storage: Option<StorageOrder>,
    /// Whether the settings are the CRM's answer or a reload's memo of it.
    crm_settings: crm_link::CrmSettings,
    extension: Option<String>,
    /// The start-up phase of the current connection.
    startup: Startup,
    agent: AgentStatus,
    /// In memory only, never in `State`, never in an effect.
    password: Option<Password>,
    calls: Calls,
    /// The pops, logs and records of the calls, agreed with the agent's
    /// other tabs (alone until the edge connects them, [`Session::join_tabs`]).
    duties: Duties,
    /// `notifyInitializationComplete` was asked for.
    crm_initialized: bool,
    /// Which CRM, and the requests for it not yet drained ([`Session::poll_crm`]).
    crm_requests: CrmRequests,
    /// When the server last sent anything (liveness).
    last_heard: Millis,
    /// The connection status the edge was last told about.
    reported_connection: Option<ConnectionStatus>,
    /// The message bar.
    notices: NoticeBar,
    /// The page the edge runs in, to explain refused sockets.
    page: Option<PageOrigin>,
    /// The extension a reloaded page kept ([`Session::resume_calls`]): its
    /// start-up goes at once with it, and checks it.
    remembered_extension: Option<String>,
    /// Extensions to send by themselves (`dialExtension` = `auto`).
    auto_send: AutoSend,
    /// Whether the page is hidden or frozen, and since when.
    away: Away,
    /// The ringing calls the agent was notified of (see [`crate::attention`]).
    notified: Notified,
    /// The agent's language (see [`crate::i18n`]).
    lang: Lang,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(SessionOptions::default())
    }
}

impl Session {
    pub fn new(options: SessionOptions) -> Session {
        Session {
            duties: Duties::new(options.tab.unwrap_or_default()),
            crm_initialized: false,
            connection: Connection::new(options.connection.clone(), options.seed),
            options,
            settings: None,
            requests: Requests::default(),
            updates: VecDeque::new(),
            storage: None,
            settings_storage: None,
            crm_settings: Default::default(),
            extension: None,
            startup: Startup::Offline,
            agent: AgentStatus::Unknown,
            password: None,
            calls: Calls::default(),
            crm_requests: CrmRequests::default(),
            last_heard: Millis(0),
            reported_connection: None,
            notices: NoticeBar::default(),
            page: None,
            remembered_extension: None,
            auto_send: AutoSend::default(),
            away: Away::default(),
            notified: Notified::default(),
            lang: Lang::default(),
        }
    }

    // ----- inputs -------------------------------------------------------

    /// The page's protocol and host: a socket the browser refuses (an https
    /// page and a `ws://` address, a blocked local network address) is then
    /// explained in the close reason and shown to the agent
    /// (see [`crate::transport_advice`]).
    pub fn set_page(&mut self, page: PageOrigin) {
        self.page = Some(page);
    }

    /// The agent's language: what the state, the notices, the page's events
    /// and the CRM's call logs say from now on (the notice shown is worded
    /// again). The edge chooses it ([`Lang::choose`]).
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        self.notices.reword(lang.words());
    }

    /// The agent's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Settings arrived (from the CRM or the attributes). Valid settings
    /// (re)start the connection at A; an error is shown to the agent and,
    /// unless a call is up, ends the connection (no server is configured
    /// any more: the page hears `unconfigured`).
    pub fn configure(&mut self, now: Millis, settings: Result<Settings, SettingsError>) {
        match settings {
            Ok(settings) if self.settings.as_ref() == Some(&settings) => {}
            Ok(settings) => {
                if self.connection.abandon(now, &SocketLoss::SettingsChanged) {
                    self.connection_lost();
                }
                self.connection.configure(&settings);
                self.calls.set_withheld_markers(settings.options.withheld_callers.clone());
                self.settings = Some(settings);
                self.resolve(Resolved::Settings);
                if !self.crm_initialized {
                    self.crm_initialized = true;
                    self.crm_requests.push(CrmRequest::InitializationComplete);
                }
            }
            Err(error) => {
                self.withdraw_settings();
                self.show(Notice::error(NoticeCause::Settings, Problem::NotConfigured(error)));
            }
        }
    }

    /// A socket opened or closed.
    pub fn handle_transport(&mut self, now: Millis, event: TransportEvent) {
        match event {
            TransportEvent::Opened(id) => {
                if self.connection.opened(id) {
                    self.last_heard = now;
                    // A reconnect knows the extension; so does a reloaded page.
                    let known = self.extension.clone().or_else(|| self.remembered_extension.clone());
                    for purpose in self.startup.opened(known.as_deref()) {
                        if let Some(request) = purpose.read_request(known.as_deref()) {
                            self.send(now, request, purpose);
                        }
                    }
                }
            }
            TransportEvent::NotText(id) => {
                if self.connection.current() == Some(id) {
                    self.last_heard = now;
                    self.show(Notice::error(NoticeCause::Event, Problem::BinaryFrame));
                }
            }
            TransportEvent::TooLarge { id, size } => {
                if self.connection.current() == Some(id) {
                    self.last_heard = now;
                    self.show(Notice::error(NoticeCause::Event, Problem::FrameTooLarge { size }));
                }
            }
            TransportEvent::Closed { id, code, reason, clean } => {
                self.socket_lost(now, id, SocketLoss::Closed { code, reason, clean })
            }
            TransportEvent::Failed { id, error } => self.socket_lost(now, id, SocketLoss::Failed(error)),
        }
    }

    /// Socket `id` closed or failed for `reason` (shown with any advice).
    fn socket_lost(&mut self, now: Millis, id: ConnId, reason: SocketLoss) {
        let advice = self.advice(id, &reason);
        if self.connection.lost(now, id, &reason, advice.clone()) {
            self.connection_lost();
            let refused = advice.map(Problem::SocketRefused);
            if let Some(problem) = refused.filter(|problem| self.notices.shown().map(|n| &n.problem) != Some(problem)) {
                self.show(Notice::error(NoticeCause::Connection, problem));
            }
        }
    }

    /// A text frame arrived on socket `id`.
    pub fn handle_frame(&mut self, now: Millis, id: ConnId, text: &str) {
        if self.connection.current() != Some(id) {
            return; // a late frame of a socket we already left
        }
        self.last_heard = now;
        if text.len() > MAX_FRAME_BYTES {
            self.show(Notice::error(NoticeCause::Event, Problem::FrameTooLarge { size: text.len() }));
            return;
        }
        match ServerFrame::decode(text) {
            Ok(ServerFrame::Response(response)) => self.on_response(now, response),
            Ok(ServerFrame::Event(event)) => self.on_event(now, event),
            // Another msgtype: nothing of ours, but not an error either.
            Ok(ServerFrame::Unknown(_)) => {}
            Err(error) => self.show(Notice::error(NoticeCause::Event, Problem::Unreadable(error))),
        }
    }

    /// The agent asks for something. A rejected command is also shown.
    pub fn command(&mut self, now: Millis, command: Command) -> Result<(), Rejected> {
        let cause = rejection_cause(&command);
        let result = match command {
            Command::DismissNotice => {
                self.dismiss_notice();
                Ok(())
            }
            Command::RetryNow => {
                if self.connection.retry_now() {
                    Ok(())
                } else {
                    Err(Rejected::NotWaitingToReconnect)
                }
            }
            Command::Agent(command) => self.agent_command(now, command),
            Command::Call(command) => self.call_command(now, command),
        };
        if let Err(rejected) = &result {
            let cause = match rejected {
                Rejected::NotConnected | Rejected::NotReady => NoticeCause::Connection,
                Rejected::Busy => NoticeCause::Busy,
                _ => cause,
            };
            match rejected {
                // A repeated click is ignored, not an error.
                Rejected::Repeated(DialRefusal::AlreadyDialling(_)) => {
                    self.show(Notice::info(cause, Problem::Rejected(rejected.clone())))
                }
                _ => self.show(Notice::error(cause, Problem::Rejected(rejected.clone()))),
            }
        }
        result
    }

    /// The time from [`Session::poll_timeout`] has come (early calls are harmless).
    pub fn handle_timeout(&mut self, now: Millis) {
        for timer in Timer::ALL {
            // Each handler may arm or disarm the others: look again each time.
            if !self.timers().expired(timer, now) {
                continue;
            }
            match timer {
                Timer::Reconnect => self.connection.handle_timeout(now),
                Timer::Tabs => {
                    self.duties.handle_timeout(now);
                    self.run_duties(now);
                }
                Timer::Answer => {
                    if let Some(overdue) = self.requests.overdue(now) {
                        // A server that does not answer is gone: leave it for a working one.
                        let seconds = self.request_timeout().as_secs();
                        let reason = SocketLoss::NoAnswer { request: overdue.name(), seconds };
                        if self.connection.abandon(now, &reason) {
                            self.connection_lost();
                        }
                        return;
                    }
                }
                Timer::AutoSend => self.send_due_extensions(now),
                Timer::Liveness => self.ask(now, Purpose::QueryAgentState),
            }
        }
    }

    // ----- outputs ------------------------------------------------------

    /// What to do with the socket: open one (closing any other), or close
    /// the one the session gave up on.
    pub fn poll_socket(&mut self) -> Option<SocketOrder> {
        self.connection.poll_socket()
    }

    /// The next socket to open, past any close (for tests about opening).
    #[cfg(test)]
    pub(crate) fn poll_connect(&mut self) -> Option<Connect> {
        self.connection.poll_connect()
    }

    /// A text frame to send on the current socket.
    pub fn poll_transmit(&mut self) -> Option<String> {
        self.requests.poll_transmit()
    }

    /// News for the page (a DOM event each).
    pub fn poll_update(&mut self) -> Option<Update> {
        // Reported here, the one place every change passes before the edge sees it.
        let status = self.connection.status();
        // The first poll reports the status as it is, unconfigured included.
        if self.reported_connection.as_ref() != Some(status) {
            self.reported_connection = Some(status.clone());
            self.updates.push_back(Update::ConnectionChanged(status.clone()));
        }
        self.updates.pop_front()
    }

    /// A notification to show or withdraw: an inbound call rings while the
    /// page is hidden ([`crate::attention`]). Computed from the calls, the
    /// page and the settings here, so every input that changes one of them
    /// is covered.
    pub fn poll_attention(&mut self) -> Option<Attention> {
        let enabled = self.settings.as_ref().is_none_or(|s| s.options.notify_calls);
        self.notified.next(self.calls.list(), self.away.hidden(), enabled, self.lang.words())
    }

    /// What to keep of the live calls for a reload of the page (only the
    /// newest order counts). Not secret: see [`crate::call_memory`].
    pub fn poll_storage(&mut self) -> Option<StorageOrder> {
        self.storage.take()
    }

    /// When to call [`Session::handle_timeout`] next.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.timers().next()
    }

    /// Every deadline, from the part that owns it.
    fn timers(&self) -> Timers {
        let mut timers = Timers::default();
        timers.set(Timer::Reconnect, self.connection.deadline());
        timers.set(Timer::Tabs, self.duties.poll_timeout());
        timers.set(Timer::Answer, self.requests.next_deadline());
        timers.set(Timer::AutoSend, self.auto_send.poll_timeout());
        let quiet = self.startup.is_ready() && self.requests.is_idle();
        timers.set(Timer::Liveness, quiet.then(|| self.last_heard + self.liveness_interval()));
        timers
    }

    /// What the view renders.
    pub fn state(&self) -> State {
        State {
            connection: self.connection.status().clone(),
            extension: self.extension.clone(),
            ready: self.startup.is_ready(),
            agent: self.agent.clone(),
            password_known: self.password.is_some(),
            calls: self.calls.list().to_vec(),
            busy: self.requests.busy(),
            reading_calls: self.requests.waiting_for(&Purpose::Snapshot)
                || self.requests.waiting_for(&Purpose::UserData),
            notice: self.notices.shown().cloned(),
            lang: self.lang,
        }
    }

    pub fn settings(&self) -> Option<&Settings> {
        self.settings.as_ref()
    }

    // ----- logic --------------------------------------------------------

    /// The settings went bad (the CRM refused the settings a reload
    /// connected with, or the attributes lost their server): without a
    /// call up, the socket closes and the softphone waits for settings like
    /// a page the CRM never configured; with one, it stays, so the agent's
    /// call is not dropped by us (the notice says the settings failed).
    fn withdraw_settings(&mut self) {
        if !self.calls.list().is_empty() {
            return;
        }
        if self.connection.stop() {
            self.connection_lost();
        }
        self.settings = None;
        // No server: no extension it confirmed either.
        self.extension = None;
    }

    fn agent_command(&mut self, now: Millis, command: AgentCommand) -> Result<(), Rejected> {
        let extension = self.extension_for_request()?;
        let (request, purpose) = commands::agent_request(&self.agent, self.password.as_ref(), extension, command)?;
        self.resolve(Resolved::RequestSent);
        self.send(now, request, purpose);
        Ok(())
    }

    /// The extension to send a user request for, when one can be sent now:
    /// connected, started, and no other user request waiting for its answer.
    fn extension_for_request(&self) -> Result<String, Rejected> {
        if !self.connection.is_open() {
            return Err(Rejected::NotConnected);
        }
        let extension = self.extension.clone().filter(|_| self.startup.is_ready()).ok_or(Rejected::NotReady)?;
        if self.requests.busy() {
            return Err(Rejected::Busy);
        }
        Ok(extension)
    }

    fn call_command(&mut self, now: Millis, command: CallCommand) -> Result<(), Rejected> {
        let ready = self.extension_for_request();
        let prefixes = self.settings.as_ref().map(|s| s.prefixes.clone()).unwrap_or_default();
        // Before "busy" and "not allowed": a repeated click says what it repeats.
        if let (Ok(_) | Err(Rejected::Busy), Some(own)) = (&ready, &self.extension) {
            crate::dial_refusal::check(&self.calls, &command, &prefixes, own)?;
        }
        let extension = ready?;
        let action = command.action();
        if !crate::calls::allows(self.calls.list(), action) {
            return Err(Rejected::NotAllowed(action));
        }
        let (request, purpose) = commands::call_request(&mut self.calls, &prefixes, extension, command)?;
        self.resolve(Resolved::RequestSent);
        self.send(now, request, purpose);
        Ok(())
    }

    /// Sends the extensions that are due (`dialExtension` = `auto`); while
    /// another request waits for its answer they wait a little longer.
    fn send_due_extensions(&mut self, now: Millis) {
        while let Some(call) = self.auto_send.take_due(now) {
            match self.extension_for_request() {
                Err(Rejected::Busy) => self.auto_send.postpone(call, now + BUSY_RETRY),
                // Not connected: the chance passed (the button stays).
                Err(_) => {}
                Ok(_) => {
                    let _ = self.command(now, Command::Call(CallCommand::SendExtension { call }));
                }
            }
        }
    }

    /// The call center's timeout, else the session's default.
    fn request_timeout(&self) -> Duration {
        self.settings.as_ref().and_then(|s| s.options.request_timeout).unwrap_or(self.options.request_timeout)
    }

    fn liveness_interval(&self) -> Duration {
        self.settings.as_ref().and_then(|s| s.options.liveness_interval).unwrap_or(self.options.liveness_interval)
    }

    fn send(&mut self, now: Millis, request: Request, purpose: Purpose) {
        let deadline = now + self.request_timeout();
        self.requests.send(request, purpose, deadline);
    }

    /// Sends a request about our extension (known once `myextension` answered).
    /// Sends the read or start-up step `purpose` (nothing before the
    /// extension is known, except `myextension`).
    fn ask(&mut self, now: Millis, purpose: Purpose) {
        if let Some(request) = purpose.read_request(self.extension.as_deref()) {
            self.send(now, request, purpose);
        }
    }

    /// The current socket is gone: nothing in flight will be answered.
    fn connection_lost(&mut self) {
        self.calls.lost();
        let lost = self.requests.lost();
        let cause = match lost.first() {
            Some(Purpose::Agent(_)) => NoticeCause::AgentRequest,
            _ => NoticeCause::CallRequest,
        };
        let lost: Vec<RequestName> = lost.iter().map(Purpose::name).collect();
        self.resolve(Resolved::NothingWaiting);
        if !lost.is_empty() {
            self.show(Notice::error(cause, Problem::NotConfirmed(lost)));
        }
        if self.startup.lost() {
            self.updates.push_back(Update::Ready(false));
            self.crm_requests.push(CrmRequest::ClickToDial { enabled: false });
        }
    }

    /// Shows `notice` in place of any other.
    fn show(&mut self, notice: Notice) {
        self.updates.extend(self.notices.show(notice, self.lang.words()));
    }

    /// `what` happened: the notice shown goes if it ends its cause.
    fn resolve(&mut self, what: Resolved) {
        self.updates.extend(self.notices.resolve(&what));
    }

    /// The notice shown goes (the agent closed it).
    fn dismiss_notice(&mut self) {
        self.updates.extend(self.notices.dismiss());
    }

    fn set_agent(&mut self, agent: AgentStatus) {
        if self.agent != agent {
            self.agent = agent.clone();
            self.resolve(Resolved::AgentChanged);
            self.updates.push_back(Update::AgentChanged(agent));
        }
    }

    /// Queues the call changes, with the CRM work they bring (see
    /// [`Duties::calls_changed`]): pops, the record dialled from, logs.
    fn emit_calls(&mut self, now: Millis, changes: Vec<CallChange>) {
        let mut options = self.settings.as_ref().map(|s| s.options.clone()).unwrap_or_default();
        // No CRM, nothing to pop or log with: a log wanted without one would
        // wait for its CRM forever, one per call (found by the leak bench).
        if self.crm_requests.crm() == Crm::None {
            options.screen_pop = false;
            options.log_calls = false;
        }
        self.auto_send.track(now, &changes, options.dial_extension);
        self.duties.calls_changed(now, &changes, &options);
        for change in changes {
            self.updates.push_back(Update::Call(change));
            self.resolve(Resolved::CallsChanged);
        }
        let extension = self.extension.clone().unwrap_or_default();
        self.duties.remember(self.calls.list(), &extension);
        self.run_duties(now);
    }

    /// What the browser likely did to socket `id` (the current one) that
    /// failed with `reason`, if the page is known.
    fn advice(&self, id: ConnId, reason: &SocketLoss) -> Option<Advice> {
        let page = self.page.as_ref()?;
        if self.connection.current() != Some(id) {
            return None;
        }
        match self.connection.status() {
            ConnectionStatus::Connecting { uri, .. } | ConnectionStatus::Connected { uri, .. } => {
                advise(page, uri, reason)
            }
            _ => None,
        }
    }

    /// A start-up step failed on the current socket.
    fn startup_cause(&self) -> NoticeCause {
        self.connection.current().map_or(NoticeCause::Connection, NoticeCause::Startup)
    }
}

/// What a refusal of `command` is about (refusals for want of a connection
/// or because another request waits are told apart by the session).
fn rejection_cause(command: &Command) -> NoticeCause {
    match command {
        Command::Agent(_) => NoticeCause::AgentRequest,
        Command::Call(_) => NoticeCause::CallRequest,
        Command::DismissNotice | Command::RetryNow => NoticeCause::Connection,
    }
}

mod answers;
mod away;
mod commands;
mod crm_link;
mod duties;
mod network;
mod notices;
mod requests;
mod startup;
mod tabs_link;
mod timers;

#[cfg(test)]
mod tests;
