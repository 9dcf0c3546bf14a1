//! One simulated softphone: ctisvr-core's [`Session`] driven by a small
//! edge loop on a real WebSocket, the same loop the element runs in the
//! browser (feed the input with the time, drain the outputs, sleep until
//! the next input or `poll_timeout`), and an agent who logs in, answers
//! each call after a moment and hangs up after a talk.
//!
//! It tells the run what happens through [`Report`]s; it decides nothing
//! about the connection itself: reconnects, backoff and jitter are the
//! core's policy ([`ctisvr_core::ConnectionPolicy`]).

use crate::scenario::Seat;
use ctisvr_core::wire::Password;
use ctisvr_core::{
    AgentCommand, AgentStatus, CallChange, CallCommand, CallState, Command, ConnId, ConnectionPolicy, Direction,
    Millis, Notice, NoticeCause, NoticeLevel, Problem, Rejected, Session, SessionOptions, Settings, SocketOrder,
    TransportEvent, Update,
};
use futures_util::{SinkExt, StreamExt};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::protocol::{Message, WebSocketConfig};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// What one agent is and does.
#[derive(Debug, Clone)]
pub struct AgentPlan {
    pub index: u32,
    pub seat: Seat,
    /// `ws://…/` of A and B (the seat's `?ext=` is added).
    pub servers: Vec<String>,
    /// Seeds the session's backoff jitter, as the browser's random number does.
    pub seed: u64,
    /// From the first ring to the agent's click on Answer.
    pub answer_after: Duration,
    /// From the answer to the agent's click on Hang up.
    pub talk: Duration,
    pub policy: ConnectionPolicy,
}

/// What happened to an agent, for the run's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// The session asked for a socket (a connection attempt).
    Attempt,
    /// Ready for calls and logged in.
    Up,
    /// No longer (the connection went).
    Down,
    /// A call rings.
    Offered,
    /// The agent's answer connected the call.
    Answered,
    /// A call that was up when the connection went is there again.
    Found,
    /// A call the agent never saw ring came back with the reconnect (it rang
    /// while the connection was down); the agent takes it and hangs up.
    Restored,
    Ended,
    /// A notice the agent would see: its level, whether the loss of the
    /// connection caused it (the loss itself, or a request it left
    /// unconfirmed), and its words.
    Notice {
        error: bool,
        from_loss: bool,
        text: String,
    },
    /// A click the session refused (while up).
    Refused(String),
}

/// One [`Report`] with its agent and time.
#[derive(Debug, Clone)]
pub struct Reported {
    pub agent: u32,
    pub at: Instant,
    pub what: Report,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Opening = Pin<Box<dyn Future<Output = Result<Socket, String>> + Send>>;

/// Where the agent is with its call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Desk {
    Idle,
    /// Answer at this time (`None`: clicked).
    Ringing(Option<Instant>),
    /// Hang up at this time (`None`: clicked).
    Talking(Option<Instant>),
}

/// One softphone and its agent.
struct Agent {
    plan: AgentPlan,
    base: Instant,
    session: Session,
    socket: Option<(ConnId, Socket)>,
    opening: Option<(ConnId, Opening)>,
    reports: mpsc::UnboundedSender<Reported>,
    ready: bool,
    agent: AgentStatus,
    login_sent: bool,
    up: bool,
    desk: Desk,
    /// A call was up when the connection went.
    call_at_loss: bool,
}

/// Runs agent `plan` until `stop` turns true.
pub async fn run(
    plan: AgentPlan,
    base: Instant,
    reports: mpsc::UnboundedSender<Reported>,
    mut stop: watch::Receiver<bool>,
) {
    let options = SessionOptions { seed: plan.seed, connection: plan.policy.clone(), ..SessionOptions::default() };
    let mut agent = Agent {
        session: Session::new(options),
        plan,
        base,
        socket: None,
        opening: None,
        reports,
        ready: false,
        agent: AgentStatus::Unknown,
        login_sent: false,
        up: false,
        desk: Desk::Idle,
        call_at_loss: false,
    };
    let uri =
        |index: usize| agent.plan.servers.get(index).map(|base| format!("{base}?ext={}", agent.plan.seat.extension));
    let (a, b) = (uri(0), uri(1));
    let settings = Settings::from_attributes(|name| match name {
        "ws-uri-a" => a.clone(),
        "ws-uri-b" => b.clone(),
        _ => None,
    });
    let now = agent.now();
    agent.session.configure(now, settings);
    loop {
        agent.drain().await;
        if *stop.borrow() {
            break;
        }
        let timeout = agent.session.poll_timeout().map(|at| agent.instant(at));
        let action = match agent.desk {
            Desk::Ringing(at) | Desk::Talking(at) => at,
            Desk::Idle => None,
        };
        tokio::select! {
            opened = async { match agent.opening.as_mut() { Some((_, opening)) => opening.await, None => std::future::pending().await } } => {
                let Some((id, _)) = agent.opening.take() else { continue };
                let now = agent.now();
                match opened {
                    Ok(socket) => {
                        agent.socket = Some((id, socket));
                        agent.session.handle_transport(now, TransportEvent::Opened(id));
                    }
                    Err(error) => agent.session.handle_transport(now, TransportEvent::Failed { id, error }),
                }
            }
            message = async { match agent.socket.as_mut() { Some((_, socket)) => socket.next().await, None => std::future::pending().await } } => {
                agent.received(message);
            }
            () = sleep_until(timeout) => {
                let now = agent.now();
                agent.session.handle_timeout(now);
            }
            () = sleep_until(action) => agent.act(),
            _ = stop.changed() => {}
        }
    }
    if let Some((_, mut socket)) = agent.socket.take() {
        let _ = socket.close(None).await;
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

impl Agent {
    fn now(&self) -> Millis {
        Millis(u64::try_from(self.base.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    fn instant(&self, at: Millis) -> Instant {
        self.base + Duration::from_millis(at.0)
    }

    fn report(&self, what: Report) {
        let _ = self.reports.send(Reported { agent: self.plan.index, at: Instant::now(), what });
    }

    /// A frame, a close or an error on the open socket.
    fn received(&mut self, message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) {
        let Some((id, _)) = &self.socket else { return };
        let id = *id;
        let now = self.now();
        let event = match message {
            Some(Ok(Message::Text(text))) => {
                self.session.handle_frame(now, id, text.as_str());
                return;
            }
            Some(Ok(Message::Binary(_))) => TransportEvent::NotText(id),
            Some(Ok(Message::Close(frame))) => {
                let (code, reason) =
                    frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                TransportEvent::Closed { id, code, reason, clean: true }
            }
            Some(Ok(_)) => return, // pings are answered by tungstenite
            // A stream that ends without a close frame: the browser's 1006.
            Some(Err(_)) | None => TransportEvent::Closed { id, code: 1006, reason: String::new(), clean: false },
        };
        self.socket = None;
        self.session.handle_transport(now, event);
    }

    /// The agent's click that is due.
    fn act(&mut self) {
        let (command, next) = match self.desk {
            Desk::Ringing(Some(_)) => (CallCommand::Answer, Desk::Ringing(None)),
            Desk::Talking(Some(_)) => (CallCommand::HangUp, Desk::Talking(None)),
            _ => return,
        };
        if !self.up {
            // Disconnected: the agent clicks again once the softphone is back.
            self.desk = match self.desk {
                Desk::Ringing(_) => Desk::Ringing(None),
                _ => Desk::Talking(None),
            };
            return;
        }
        let now = self.now();
        match self.session.command(now, Command::Call(command)) {
            Ok(()) => self.desk = next,
            Err(Rejected::Busy) => self.desk = retry_soon(self.desk),
            Err(rejected) => {
                self.report(Report::Refused(format!("{rejected:?}")));
                self.desk = Desk::Idle;
            }
        }
    }

    /// Drains every output of the session, logging in as the agent would
    /// (which makes more output: drained too).
    async fn drain(&mut self) {
        loop {
            self.drain_once().await;
            if !self.agent_steps() {
                break;
            }
        }
    }

    async fn drain_once(&mut self) {
        while let Some(update) = self.session.poll_update() {
            self.update(update);
        }
        while self.session.poll_attention().is_some() {}
        while self.session.poll_crm().is_some() {}
        while self.session.poll_storage().is_some() {}
        while self.session.poll_settings_storage().is_some() {}
        while self.session.poll_tab_message().is_some() {}
        while let Some(order) = self.session.poll_socket() {
            match order {
                SocketOrder::Open(connect) => {
                    self.socket = None;
                    self.report(Report::Attempt);
                    let uri = connect.uri.as_str().to_string();
                    let opening: Opening = Box::pin(async move {
                        tokio_tungstenite::connect_async_with_config(uri, Some(socket_config()), true)
                            .await
                            .map(|(socket, _)| socket)
                            .map_err(|e| e.to_string())
                    });
                    self.opening = Some((connect.id, opening));
                }
                SocketOrder::Close(id) => {
                    if self.socket.as_ref().is_some_and(|(open, _)| *open == id) {
                        self.socket = None;
                    }
                    if self.opening.as_ref().is_some_and(|(opening, _)| *opening == id) {
                        self.opening = None;
                    }
                }
            }
        }
        while let Some(frame) = self.session.poll_transmit() {
            let Some((id, socket)) = self.socket.as_mut() else { continue };
            if let Err(error) = socket.send(Message::text(frame)).await {
                let (id, now) = (*id, self.now());
                self.socket = None;
                self.session.handle_transport(now, TransportEvent::Failed { id, error: error.to_string() });
            }
        }
    }

    fn update(&mut self, update: Update) {
        match update {
            Update::Ready(ready) => self.ready = ready,
            Update::AgentChanged(status) => self.agent = status,
            Update::Notice(notice) => self.notice(&notice),
            Update::Call(change) => self.call(change),
            _ => {}
        }
    }

    fn notice(&self, notice: &Notice) {
        let error = notice.level == NoticeLevel::Error;
        let from_loss = notice.cause == NoticeCause::Connection || matches!(notice.problem, Problem::NotConfirmed(_));
        self.report(Report::Notice { error, from_loss, text: notice.text.clone() });
    }

    fn call(&mut self, change: CallChange) {
        let now = Instant::now();
        match change {
            CallChange::Appeared(call) | CallChange::Changed(call) if call.direction == Direction::Inbound => {
                match (call.state, self.desk) {
                    (CallState::RingingIn, Desk::Idle) => {
                        self.report(Report::Offered);
                        self.desk = Desk::Ringing(Some(now + self.plan.answer_after));
                    }
                    (CallState::Connected, Desk::Ringing(_)) => {
                        self.report(Report::Answered);
                        self.desk = Desk::Talking(Some(now + self.plan.talk));
                    }
                    (CallState::Connected | CallState::Held, Desk::Idle) => {
                        self.report(Report::Restored);
                        self.desk = Desk::Talking(Some(now + self.plan.talk));
                    }
                    _ => {}
                }
            }
            CallChange::Ended(_) => {
                self.report(Report::Ended);
                self.desk = Desk::Idle;
                self.call_at_loss = false;
            }
            _ => {}
        }
    }

    /// Logs in once ready (and again if the server says logged out), and
    /// tells when the softphone is up or down. Returns whether it gave the
    /// session a command.
    fn agent_steps(&mut self) -> bool {
        let mut commanded = false;
        if self.ready && self.agent == AgentStatus::LoggedOut && !self.login_sent {
            let command = AgentCommand::Login {
                agent_id: self.plan.seat.agent_id.clone(),
                password: Password::new(self.plan.seat.password.clone()),
            };
            let now = self.now();
            commanded = true;
            // Once per connection, refused or not: a refusal is an error of the run.
            self.login_sent = true;
            if let Err(rejected) = self.session.command(now, Command::Agent(command)) {
                self.report(Report::Refused(format!("{rejected:?}")));
            }
        }
        if !self.ready {
            self.login_sent = false;
        }
        let up = self.ready && matches!(self.agent, AgentStatus::LoggedIn { .. });
        if up != self.up {
            self.up = up;
            if up {
                self.report(Report::Up);
                // A call the server no longer had has ended by now (its
                // snapshot came first); what is left is still listed.
                if std::mem::take(&mut self.call_at_loss) {
                    self.report(Report::Found);
                }
                // The clicks missed while down are made now.
                self.desk = retry_soon(self.desk);
            } else {
                self.call_at_loss = self.desk != Desk::Idle;
                self.report(Report::Down);
            }
        }
        commanded
    }
}

/// Small buffers, as a browser's socket has: tungstenite's 128 KiB read
/// buffer per socket would make the generator, not the mock, the limit.
fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0)
}

/// The same click again in a moment (the agent retries).
fn retry_soon(desk: Desk) -> Desk {
    let soon = Some(Instant::now() + Duration::from_millis(200));
    match desk {
        Desk::Ringing(_) => Desk::Ringing(soon),
        Desk::Talking(_) => Desk::Talking(soon),
        Desk::Idle => Desk::Idle,
    }
}
