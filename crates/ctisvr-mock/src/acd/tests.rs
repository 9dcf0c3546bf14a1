//! Every ACD rule, without sockets: frames in, frames out.

use super::*;
use serde_json::{json, Value};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;
use std::time::Duration;

mod flows;
mod queues;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// The tests' clock: requests arrive at `T0` unless a test says otherwise.
static T0: LazyLock<Instant> = LazyLock::new(Instant::now);

fn at_ms(ms: u64) -> Instant {
    *T0 + Duration::from_millis(ms)
}

fn acd() -> Acd {
    Acd::new(Scenario::default())
}

fn client(conn: SocketId, ext: Option<&str>) -> Client {
    Client { conn, peer_ip: LOCALHOST, chosen_ext: ext.map(str::to_owned) }
}

/// Sends a JSON request; returns every frame sent, as (connection, JSON).
fn send(acd: &mut Acd, from: &Client, request: Value) -> Vec<(SocketId, Value)> {
    send_text(acd, from, &request.to_string())
}

fn send_text(acd: &mut Acd, from: &Client, text: &str) -> Vec<(SocketId, Value)> {
    decode(acd.handle_frame(from, text, *T0))
}

fn decode(out: Vec<Outgoing>) -> Vec<(SocketId, Value)> {
    out.into_iter().map(|out| (out.to, serde_json::from_str(&out.text).unwrap())).collect()
}

/// Sends a request that must produce nothing but its response.
fn ask(acd: &mut Acd, from: &Client, request: Value) -> Value {
    let mut out = send(acd, from, request);
    assert_eq!(out.len(), 1, "expected only a response: {out:?}");
    let (to, response) = out.remove(0);
    assert_eq!(to, from.conn);
    assert_eq!(response["msgtype"], "response");
    response
}

fn assert_error(response: &Value, text: &str) {
    assert_eq!(response["result"], "error", "{response}");
    assert_eq!(response["error"], text, "{response}");
}

fn assert_success(response: &Value) {
    assert_eq!(response["result"], "success", "{response}");
    assert!(response.get("error").is_none(), "{response}");
}

/// The event types `conn` received, in order.
fn events_to(out: &[(SocketId, Value)], conn: SocketId) -> Vec<String> {
    out.iter()
        .filter(|(to, frame)| *to == conn && frame["msgtype"] == "event")
        .map(|(_, frame)| frame["eventtype"].as_str().unwrap_or("?").to_owned())
        .collect()
}

fn monitor(acd: &mut Acd, from: &Client, extension: &str) {
    let response = ask(acd, from, json!({"id": 1, "request": "startmonitor", "extension": extension}));
    assert_success(&response);
}

fn login(acd: &mut Acd, from: &Client, extension: &str, agent: &str) -> Value {
    ask(acd, from, json!({"id": 3, "request": "login", "extension": extension, "agentid": agent, "passwd": "1234"}))
}

fn ring(acd: &mut Acd, from: &str, to: &str) -> (CallView, Vec<Outgoing>) {
    acd.create_call(NewCall { from: from.into(), to: to.into(), orig_calling: None }).unwrap()
}

fn simple(name: &str, extension: &str) -> Value {
    json!({"id": 20, "request": name, "extension": extension})
}

// ---- which extension a connection is ----

#[test]
fn myextension_answers_the_chosen_extension_over_the_ip_map() {
    let mut acd = acd();
    let response = ask(&mut acd, &client(1, Some("2002")), json!({"id": 0, "request": "myextension"}));
    assert_eq!(response, json!({"msgtype": "response", "id": 0, "result": "success", "extension": "2002"}));
}

#[test]
fn myextension_falls_back_to_the_ip_map() {
    let mut acd = acd();
    let response = ask(&mut acd, &client(1, None), json!({"id": 0, "request": "myextension"}));
    assert_eq!(response["extension"], "2001");
    // The same client seen by a dual-stack listener.
    let mapped = Client { peer_ip: IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()), ..client(2, None) };
    let response = ask(&mut acd, &mapped, json!({"id": 0, "request": "myextension"}));
    assert_eq!(response["extension"], "2001");
}

#[test]
fn myextension_without_a_mapping_is_an_error() {
    let mut acd = acd();
    let stranger = Client { peer_ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 9)), ..client(1, None) };
    let response = ask(&mut acd, &stranger, json!({"id": 0, "request": "myextension"}));
    assert_error(&response, "no extension is mapped to IP 10.0.0.9");
    assert_eq!(response["id"], 0);
    let v6 = Client { peer_ip: IpAddr::V6(Ipv6Addr::LOCALHOST), ..client(1, None) };
    let response = ask(&mut acd, &v6, json!({"id": 0, "request": "myextension"}));
    assert_error(&response, "no extension is mapped to IP ::1");
}

#[test]
fn a_chosen_extension_must_exist() {
    let mut acd = acd();
    let response = ask(&mut acd, &client(1, Some("2999")), json!({"id": 0, "request": "myextension"}));
    assert_error(&response, "unknown extension 2999");
}

// ---- monitoring and queries ----

#[test]
fn startmonitor_needs_a_known_extension() {
    let mut acd = acd();
    let response = ask(&mut acd, &client(1, None), simple("startmonitor", "9999"));
    assert_error(&response, "unknown extension 9999");
    assert_eq!(response["id"], 20);
}

#[test]
fn every_extension_request_rejects_unknown_extensions() {
    let mut acd = acd();
    let c = client(1, None);
    for name in ["querydeviceinfo", "queryagentstate", "snapshot", "answer", "hangup", "hold", "retrieve"] {
        assert_error(&ask(&mut acd, &c, simple(name, "9")), "unknown extension 9");
    }
    let login = json!({"id": 3, "request": "login", "extension": "9", "agentid": "1001", "passwd": "1234"});
    assert_error(&ask(&mut acd, &c, login), "unknown extension 9");
}

#[test]
fn querydeviceinfo_names_the_logged_in_agent() {
    let mut acd = acd();
    let c = client(1, None);
    let response = ask(&mut acd, &c, simple("querydeviceinfo", "2001"));
    assert_success(&response);
    assert_eq!(response["associateddevice"], "");
    assert_success(&login(&mut acd, &c, "2001", "1001"));
    let response = ask(&mut acd, &c, simple("querydeviceinfo", "2001"));
    assert_eq!(response["associateddevice"], "1001");
}

#[test]
fn queryagentstate_before_and_after_login() {
    let mut acd = acd();
    let c = client(1, None);
    let response = ask(&mut acd, &c, simple("queryagentstate", "2001"));
    assert_eq!(
        response,
        json!({"msgtype": "response", "id": 20, "result": "success",
               "skillmode": "null", "reasoncode": 0, "talkstate": "idle"})
    );
    login(&mut acd, &c, "2001", "1001");
    let response = ask(&mut acd, &c, simple("queryagentstate", "2001"));
    assert_eq!(response["skillmode"], "aux", "Avaya's mode right after login");
    assert_eq!(response["reasoncode"], 0);
}

#[test]
fn snapshot_counts_the_calls_at_the_extension() {
    let mut acd = acd();
    let c = client(1, None);
    assert_eq!(ask(&mut acd, &c, simple("snapshot", "2001"))["numcall"], 0);
    ring(&mut acd, "5551234", "2001");
    ring(&mut acd, "5559999", "2001");
    ring(&mut acd, "5550000", "2002");
    assert_eq!(ask(&mut acd, &c, simple("snapshot", "2001"))["numcall"], 2);
}

#[test]
fn userdata_alert_tells_the_current_call() {
    let mut acd = acd();
    let c = client(1, None);
    let request = json!({"id": 7, "request": "userdata", "extension": "2001", "type": "alert"});
    assert_error(&ask(&mut acd, &c, request.clone()), "no call at 2001");
    ring(&mut acd, "5551234", "2001");
    let response = ask(&mut acd, &c, request);
    assert_eq!(
        response,
        json!({"msgtype": "response", "id": 7, "result": "success",
               "cli": "5551234", "calling": "5551234", "called": "2001"})
    );
}

#[test]
fn userdata_cli_is_the_original_caller_of_a_transferred_call() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    let (_, out) = acd
        .create_call(NewCall { from: "2002".into(), to: "2001".into(), orig_calling: Some("5551234".into()) })
        .unwrap();
    let offer: Value = serde_json::from_str(&out[0].text).unwrap();
    assert_eq!(
        offer,
        json!({"msgtype": "event", "eventtype": "offer",
               "calling": "2002", "called": "2001", "origcalling": "5551234"})
    );
    let response = ask(&mut acd, &c, json!({"id": 7, "request": "userdata", "extension": "2001", "type": "alert"}));
    assert_eq!(response["cli"], "5551234");
    assert_eq!(response["calling"], "2002");
}

#[test]
fn userdata_hangup_is_not_simulated() {
    let mut acd = acd();
    let request = json!({"id": 7, "request": "userdata", "extension": "2001", "type": "hangup"});
    assert_error(&ask(&mut acd, &client(1, None), request), "userdata type hangup is not simulated yet");
}

// ---- login, logout, setstate ----

#[test]
fn login_with_a_wrong_password_or_unknown_agent_is_refused() {
    let mut acd = acd();
    let c = client(1, None);
    for (agent, passwd) in [("1001", "9999"), ("4242", "1234"), ("1001", "")] {
        let response = ask(
            &mut acd,
            &c,
            json!({"id": 3, "request": "login", "extension": "2001", "agentid": agent, "passwd": passwd}),
        );
        assert_error(&response, "invalid agent id or password");
    }
    assert_eq!(ask(&mut acd, &c, simple("querydeviceinfo", "2001"))["associateddevice"], "");
}

#[test]
fn an_agent_logs_in_at_one_extension_only() {
    let mut acd = acd();
    let c = client(1, None);
    assert_success(&login(&mut acd, &c, "2002", "1001"));
    assert_error(&login(&mut acd, &c, "2001", "1001"), "agent 1001 is already logged in at 2002");
    assert_error(&login(&mut acd, &c, "2002", "1001"), "agent 1001 is already logged in at 2002");
}

#[test]
fn an_extension_has_one_agent_at_a_time() {
    let mut acd = acd();
    let c = client(1, None);
    assert_success(&login(&mut acd, &c, "2001", "1001"));
    assert_error(&login(&mut acd, &c, "2001", "1002"), "extension 2001 already has agent 1001 logged in");
}

#[test]
fn logout_must_name_the_agent_logged_in_there() {
    let mut acd = acd();
    let c = client(1, None);
    login(&mut acd, &c, "2001", "1001");
    let logout = |ext: &str, agent: &str| json!({"id": 4, "request": "logout", "extension": ext, "agentid": agent});
    assert_error(&ask(&mut acd, &c, logout("2001", "1002")), "agent 1002 is not logged in at 2001");
    assert_error(&ask(&mut acd, &c, logout("2002", "1001")), "agent 1001 is not logged in at 2002");
    assert_success(&ask(&mut acd, &c, logout("2001", "1001")));
    assert_eq!(ask(&mut acd, &c, simple("queryagentstate", "2001"))["skillmode"], "null");
    // Logged out, the agent may log in elsewhere.
    assert_success(&login(&mut acd, &c, "2003", "1001"));
}

fn setstate(state: &str, reason: Option<Value>) -> Value {
    let mut request = json!({"id": 11, "request": "setstate", "extension": "2001",
                             "agentid": "1001", "passwd": "1234", "state": state});
    if let Some(reason) = reason {
        request["reasoncode"] = reason;
    }
    request
}

#[test]
fn setstate_changes_the_work_mode_and_reason_code() {
    let mut acd = acd();
    let c = client(1, None);
    login(&mut acd, &c, "2001", "1001");
    let state = |acd: &mut Acd| ask(acd, &c, simple("queryagentstate", "2001"));

    assert_success(&ask(&mut acd, &c, setstate("aux", Some(json!("4")))));
    let now = state(&mut acd);
    assert_eq!((&now["skillmode"], &now["reasoncode"]), (&json!("aux"), &json!(4)));

    assert_success(&ask(&mut acd, &c, setstate("aux", Some(json!(7)))));
    assert_eq!(state(&mut acd)["reasoncode"], 7, "a number works too");

    for mode in ["auto", "manual", "acw"] {
        assert_success(&ask(&mut acd, &c, setstate(mode, None)));
        let now = state(&mut acd);
        assert_eq!((&now["skillmode"], &now["reasoncode"]), (&json!(mode), &json!(0)));
    }

    assert_success(&ask(&mut acd, &c, setstate("aux", None)));
    assert_eq!(state(&mut acd)["reasoncode"], 0, "aux without a reason is 0");

    let agents = acd.state().agents;
    assert_eq!(agents[0].mode, Some(WorkMode::Aux));
}

#[test]
fn setstate_refusals() {
    let mut acd = acd();
    let c = client(1, None);
    assert_error(&ask(&mut acd, &c, setstate("auto", None)), "agent 1001 is not logged in at 2001");
    login(&mut acd, &c, "2001", "1001");
    let mut wrong = setstate("auto", None);
    wrong["passwd"] = json!("0000");
    assert_error(&ask(&mut acd, &c, wrong), "invalid agent id or password");
    assert_error(
        &ask(&mut acd, &c, setstate("auto", Some(json!("3")))),
        "reasoncode is only allowed with state aux, not auto",
    );
    let response = ask(&mut acd, &c, setstate("aux", Some(json!(100))));
    assert_eq!(response["result"], "error");
    assert_eq!(response["id"], 11);
    let text = response["error"].as_str().unwrap();
    assert!(text.contains("reasoncode must be 0..=99"), "{text}");
    let response = ask(&mut acd, &c, setstate("lunch", None));
    let text = response["error"].as_str().unwrap();
    assert!(text.starts_with("malformed request: request `setstate` has bad fields"), "{text}");
    assert!(text.contains("lunch"), "{text}");
    // Nothing changed.
    assert_eq!(ask(&mut acd, &c, simple("queryagentstate", "2001"))["skillmode"], "aux");
}

// ---- calls ----

#[test]
fn offer_goes_only_to_monitors_of_the_called_extension() {
    let mut acd = acd();
    let (a, b, other, idle) = (client(1, None), client(2, None), client(3, None), client(4, None));
    monitor(&mut acd, &a, "2001");
    monitor(&mut acd, &b, "2001");
    monitor(&mut acd, &other, "2002");
    let (view, out) = ring(&mut acd, "5551234", "2001");
    assert_eq!(view.id, SwitchCallId(1));
    assert_eq!(view.state, SwitchCallState::Ringing);
    let targets: Vec<SocketId> = out.iter().map(|o| o.to).collect();
    assert_eq!(targets, [1, 2]);
    let offer: Value = serde_json::from_str(&out[0].text).unwrap();
    assert_eq!(offer, json!({"msgtype": "event", "eventtype": "offer", "calling": "5551234", "called": "2001"}));
    assert!(!targets.contains(&idle.conn));
}

#[test]
fn answer_needs_a_ringing_call() {
    let mut acd = acd();
    let c = client(1, None);
    assert_error(&ask(&mut acd, &c, simple("answer", "2001")), "no ringing call at 2001");
    ring(&mut acd, "5551234", "2002");
    assert_error(&ask(&mut acd, &c, simple("answer", "2001")), "no ringing call at 2001");
}

#[test]
fn answer_connects_and_hangup_disconnects_then_idles() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    ring(&mut acd, "5551234", "2001");

    let out = send(&mut acd, &c, simple("answer", "2001"));
    assert_success(&out[0].1);
    assert_eq!(events_to(&out, 1), ["connect"]);
    assert_eq!(out[1].1["calling"], "5551234");
    assert_eq!(out[1].1["called"], "2001");
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Connected);
    assert_eq!(ask(&mut acd, &c, simple("queryagentstate", "2001"))["talkstate"], "call");

    let out = send(&mut acd, &c, simple("hangup", "2001"));
    assert_success(&out[0].1);
    assert_eq!(events_to(&out, 1), ["disconnect", "idle"]);
    assert!(acd.state().calls.is_empty());
    assert_eq!(ask(&mut acd, &c, simple("queryagentstate", "2001"))["talkstate"], "idle");
    assert_error(&ask(&mut acd, &c, simple("hangup", "2001")), "no call at 2001");
}

#[test]
fn hangup_of_a_ringing_call_rejects_it() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    ring(&mut acd, "5551234", "2001");
    let out = send(&mut acd, &c, simple("hangup", "2001"));
    assert_eq!(events_to(&out, 1), ["disconnect", "idle"]);
}

#[test]
fn the_far_end_hangs_up() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    let (view, _) = ring(&mut acd, "5551234", "2001");
    send(&mut acd, &c, simple("answer", "2001"));
    let (ended, out) = acd.far_end_hangup(&view.id.to_string(), None).unwrap();
    assert_eq!(ended.id, view.id);
    let kinds: Vec<Value> =
        out.iter().map(|o| serde_json::from_str::<Value>(&o.text).unwrap()["eventtype"].clone()).collect();
    assert_eq!(kinds, [json!("disconnect"), json!("idle")]);
    assert_eq!(acd.far_end_hangup("c1", None).unwrap_err().to_string(), "no call c1");
    assert_eq!(acd.far_end_hangup("nonsense", None).unwrap_err(), AcdError::NoSuchCall("nonsense".into()));
}

#[test]
fn answering_a_second_call_holds_the_first_and_idle_waits_for_the_last() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    ring(&mut acd, "5551111", "2001");
    send(&mut acd, &c, simple("answer", "2001"));
    ring(&mut acd, "5552222", "2001");
    let out = send(&mut acd, &c, simple("answer", "2001"));
    assert_eq!(events_to(&out, 1), ["hold", "connect"]);
    assert_eq!(out[2].1["calling"], "5552222");
    // The button acts on the connected call: the second one.
    let out = send(&mut acd, &c, simple("hangup", "2001"));
    assert_eq!(events_to(&out, 1), ["disconnect"], "a held call is left: no idle");
    let calls = acd.state().calls;
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].from.as_str(), calls[0].state), ("5551111", SwitchCallState::Held));
    let out = send(&mut acd, &c, simple("retrieve", "2001"));
    assert_eq!(events_to(&out, 1), ["retrieve"]);
    let out = send(&mut acd, &c, simple("hangup", "2001"));
    assert_eq!(events_to(&out, 1), ["disconnect", "idle"]);
}

#[test]
fn hold_and_retrieve() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    assert_error(&ask(&mut acd, &c, simple("hold", "2001")), "no connected call at 2001 to hold");
    assert_error(&ask(&mut acd, &c, simple("retrieve", "2001")), "no held call at 2001");
    ring(&mut acd, "5551234", "2001");
    assert_error(&ask(&mut acd, &c, simple("hold", "2001")), "no connected call at 2001 to hold");
    send(&mut acd, &c, simple("answer", "2001"));
    let out = send(&mut acd, &c, simple("hold", "2001"));
    assert_success(&out[0].1);
    assert_eq!(events_to(&out, 1), ["hold"]);
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Held);
    let out = send(&mut acd, &c, simple("retrieve", "2001"));
    assert_eq!(events_to(&out, 1), ["retrieve"]);
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Connected);
}

#[test]
fn makecall_to_an_unlisted_outside_number_alerts_then_connects_a_second_later() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    let request = json!({"id": 12, "request": "makecall", "extension": "2001", "destination": "914155550100"});
    let out = send(&mut acd, &c, request.clone());
    assert_success(&out[0].1);
    assert_eq!(events_to(&out, 1), ["alert"]);
    assert_eq!(out[1].1["called"], "914155550100");
    assert_eq!(out[1].1["calling"], "2001");
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Ringing);
    assert_eq!(acd.poll_timeout(), Some(at_ms(1000)));
    assert!(acd.handle_timeout(at_ms(999)).is_empty());
    let out = decode(acd.handle_timeout(at_ms(1000)));
    assert_eq!(events_to(&out, 1), ["connect"]);
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Connected);
    assert_eq!(acd.poll_timeout(), None);
    assert_error(&ask(&mut acd, &c, request), "2001 is busy on a call: hold it or use consultation");
}

#[test]
fn makecall_to_an_extension_rings_there() {
    let mut acd = acd();
    let (caller, callee) = (client(1, None), client(2, None));
    monitor(&mut acd, &caller, "2001");
    monitor(&mut acd, &callee, "2002");
    let out =
        send(&mut acd, &caller, json!({"id": 12, "request": "makecall", "extension": "2001", "destination": "2002"}));
    assert_eq!(events_to(&out, 1), ["alert"]);
    assert_eq!(events_to(&out, 2), ["offer"]);
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Ringing);
    assert_error(&ask(&mut acd, &caller, simple("answer", "2001")), "no ringing call at 2001");

    let out = send(&mut acd, &callee, simple("answer", "2002"));
    assert_eq!(events_to(&out, 1), ["connect"]);
    assert_eq!(events_to(&out, 2), ["connect"]);

    let out = send(&mut acd, &callee, simple("hangup", "2002"));
    assert_eq!(events_to(&out, 1), ["disconnect", "idle"]);
    assert_eq!(events_to(&out, 2), ["disconnect", "idle"]);
}

#[test]
fn makecall_refusals() {
    let mut acd = acd();
    let c = client(1, None);
    let call = |dest: &str| json!({"id": 12, "request": "makecall", "extension": "2001", "destination": dest});
    assert_error(&ask(&mut acd, &c, call(" ")), "destination is empty");
    assert_error(&ask(&mut acd, &c, call("2001")), "2001 cannot call itself");
}

#[test]
fn dtmf_needs_a_connected_call() {
    let mut acd = acd();
    let c = client(1, None);
    let dtmf = json!({"id": 22, "request": "dtmf", "extension": "2001", "digits": "12#"});
    assert_error(&ask(&mut acd, &c, dtmf.clone()), "no connected call at 2001");
    ring(&mut acd, "5551234", "2001");
    send(&mut acd, &c, simple("answer", "2001"));
    assert_success(&ask(&mut acd, &c, dtmf));
}

// ---- bad input ----

#[test]
fn unknown_requests_are_named_in_the_error() {
    let mut acd = acd();
    let response = ask(&mut acd, &client(1, None), json!({"id": 9, "request": "pickupcall", "extension": "2001"}));
    assert_error(&response, "unknown request pickupcall");
    assert_eq!(response["id"], 9);
}

#[test]
fn malformed_frames_get_an_error_saying_what_is_wrong() {
    let mut acd = acd();
    let c = client(1, None);
    let cases: [(&str, Value, &str); 7] = [
        ("hello", Value::Null, "malformed request: not JSON: "),
        ("[1, 2]", Value::Null, "malformed request: not a JSON object"),
        (r#"{"request": "myextension"}"#, Value::Null, "malformed request: no numeric id"),
        (r#"{"id": -3, "request": "myextension"}"#, Value::Null, "malformed request: no numeric id"),
        (r#"{"id": 5}"#, json!(5), "malformed request: missing field `request`"),
        (
            r#"{"id": "6", "request": "login", "extension": "2001", "passwd": "1234"}"#,
            json!(6),
            "malformed request: request `login` has bad fields: missing field `agentid`",
        ),
        (
            r#"{"id": 7, "request": "startmonitor", "extension": ["2001"]}"#,
            json!(7),
            "malformed request: request `startmonitor` has bad fields: invalid type",
        ),
    ];
    for (text, id, error) in cases {
        let out = send_text(&mut acd, &c, text);
        assert_eq!(out.len(), 1, "{text}");
        let response = &out[0].1;
        assert_eq!(response["msgtype"], "response", "{text}");
        assert_eq!(response["result"], "error", "{text}");
        assert_eq!(response.get("id").cloned().unwrap_or(Value::Null), id, "{text}");
        let said = response["error"].as_str().unwrap();
        assert!(said.starts_with(error), "{text}: {said}");
    }
}

#[test]
fn extra_fields_are_ignored() {
    let mut acd = acd();
    let response =
        ask(&mut acd, &client(1, None), json!({"id": 0, "request": "myextension", "extension": "2003", "foo": [1]}));
    assert_eq!(response["extension"], "2001");
}

#[test]
fn hostile_input_never_panics() {
    let mut acd = acd();
    let c = client(1, Some("2001"));
    let texts = [
        "",
        "{",
        "null",
        "\"x\"",
        "{\"id\": 1e400, \"request\": \"x\"}",
        "{\"id\": 18446744073709551615, \"request\": \"myextension\"}",
        "{\"id\": 18446744073709551616, \"request\": \"myextension\"}",
        "{\"id\": 1.5, \"request\": \"snapshot\", \"extension\": \"2001\"}",
        "{\"id\": 1, \"request\": null}",
        "{\"id\": 1, \"request\": \"\"}",
        "{\"id\": 1, \"request\": \"setstate\", \"extension\": \"2001\", \"agentid\": \"1001\", \"passwd\": \"1234\", \"state\": \"aux\", \"reasoncode\": -1}",
        "{\"id\": 1, \"request\": \"userdata\", \"extension\": \"2001\", \"type\": \"weird\"}",
        "{\"id\": 1, \"request\": \"makecall\", \"extension\": \"\u{0}\", \"destination\": \"\u{ffff}\"}",
    ];
    for text in texts {
        let out = acd.handle_frame(&c, text, *T0);
        assert_eq!(out.len(), 1, "{text}");
    }
    let deep = "[".repeat(10_000);
    assert_eq!(acd.handle_frame(&c, &deep, *T0).len(), 1);
}

#[test]
fn binary_frames_are_refused_with_a_hint() {
    let acd = acd();
    let out = acd.handle_binary(&client(4, None));
    let response: Value = serde_json::from_str(&out[0].text).unwrap();
    assert_eq!(out[0].to, 4);
    assert_eq!(
        response,
        json!({"msgtype": "response", "result": "error",
               "error": "binary frames are not supported: send each request as one JSON text frame"})
    );
}

// ---- connections and state ----

#[test]
fn a_closed_connection_monitors_nothing() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    monitor(&mut acd, &c, "2002");
    assert_eq!(acd.state().extensions[0].monitors, 1);
    acd.disconnect(1);
    assert_eq!(acd.state().extensions[0].monitors, 0);
    let (_, out) = ring(&mut acd, "5551234", "2001");
    assert!(out.is_empty());
}

#[test]
fn startmonitor_twice_is_one_monitor() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    monitor(&mut acd, &c, "2001");
    let (_, out) = ring(&mut acd, "5551234", "2001");
    assert_eq!(out.len(), 1);
}

#[test]
fn the_state_view_lists_extensions_agents_and_calls() {
    let mut acd = acd();
    let c = client(1, None);
    monitor(&mut acd, &c, "2001");
    login(&mut acd, &c, "2001", "1001");
    ask(&mut acd, &c, setstate("aux", Some(json!(2))));
    ring(&mut acd, "5551234", "2001");
    let state = serde_json::to_value(acd.state()).unwrap();
    assert_eq!(
        state["extensions"][0],
        json!({"extension": "2001", "agent": {"id": "1001", "mode": "aux", "reasoncode": 2},
               "monitors": 1, "calls": ["c1"]})
    );
    assert_eq!(state["extensions"][1], json!({"extension": "2002", "agent": null, "monitors": 0, "calls": []}));
    assert_eq!(
        state["agents"],
        json!([{"id": "1001", "extension": "2001", "mode": "aux", "reasoncode": 2},
               {"id": "1002", "extension": null, "mode": null, "reasoncode": null},
               {"id": "1003", "extension": null, "mode": null, "reasoncode": null}])
    );
    assert_eq!(state["calls"][0]["id"], "c1");
    assert_eq!(state["calls"][0]["state"], "ringing");
}

#[test]
fn create_call_refusals() {
    let mut acd = acd();
    let call = |from: &str, to: &str| NewCall { from: from.into(), to: to.into(), orig_calling: None };
    assert_eq!(acd.create_call(call("555", "9999")).unwrap_err(), AcdError::UnknownExtension("9999".into()));
    assert_eq!(acd.create_call(call("  ", "2001")).unwrap_err().to_string(), "`from` must be a non-empty number");
    assert_eq!(acd.create_call(call("2001", "2001")).unwrap_err().to_string(), "2001 cannot call itself");
    assert!(acd.state().calls.is_empty());
}

#[test]
fn setstate_without_passwd_is_refused_as_a_wrong_password() {
    // The vendor's sample sends no `passwd` after a reload (its variable is unset).
    let mut acd = acd();
    let c = client(1, Some("2001"));
    send_text(
        &mut acd,
        &c,
        r#"{"id": 1, "request": "login", "extension": "2001", "agentid": "1001", "passwd": "1234"}"#,
    );
    let out = send_text(
        &mut acd,
        &c,
        r#"{"id": 2, "request": "setstate", "extension": "2001", "agentid": "1001", "state": "auto"}"#,
    );
    assert_eq!(out[0].1["result"], "error");
    assert!(out[0].1["error"].as_str().unwrap().contains("password"), "{}", out[0].1);
}
