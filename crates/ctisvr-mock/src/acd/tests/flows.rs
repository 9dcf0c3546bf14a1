//! The call flows of docs/protocol.md, one by one: which extension gets
//! which events with which fields. Connection 1 monitors 2001, 2 monitors
//! 2002, 3 monitors 2003.

use super::*;

/// The outside caller of the inbound calls below.
const X: &str = "5551234";

fn ev(kind: &str, calling: &str, called: &str) -> Value {
    json!({"msgtype": "event", "eventtype": kind, "calling": calling, "called": called})
}

/// An event naming the party it is about (`disconnect`).
fn ev_party(kind: &str, calling: &str, called: &str, party: &str) -> Value {
    let mut event = ev(kind, calling, called);
    event["party"] = json!(party);
    event
}

/// An event of a transferred call.
fn ev_orig(kind: &str, calling: &str, called: &str, orig: &str) -> Value {
    let mut event = ev(kind, calling, called);
    event["origcalling"] = json!(orig);
    event
}

fn ev_orig_party(kind: &str, calling: &str, called: &str, orig: &str, party: &str) -> Value {
    let mut event = ev_orig(kind, calling, called, orig);
    event["party"] = json!(party);
    event
}

fn idle() -> Value {
    json!({"msgtype": "event", "eventtype": "idle"})
}

/// Every event `conn` received, in order.
fn events(out: &[(SocketId, Value)], conn: SocketId) -> Vec<Value> {
    out.iter().filter(|(to, frame)| *to == conn && frame["msgtype"] == "event").map(|(_, f)| f.clone()).collect()
}

/// Three agents' monitors: connections 1, 2, 3 on 2001, 2002, 2003.
fn switch() -> (Acd, [Client; 3]) {
    let mut acd = acd();
    let clients = [client(1, None), client(2, None), client(3, None)];
    for (c, ext) in clients.iter().zip(["2001", "2002", "2003"]) {
        monitor(&mut acd, c, ext);
    }
    (acd, clients)
}

fn with(name: &str, extension: &str, field: &str, value: &str) -> Value {
    let mut request = simple(name, extension);
    request[field] = json!(value);
    request
}

fn request_ok(acd: &mut Acd, from: &Client, request: Value) -> Vec<(SocketId, Value)> {
    let out = send(acd, from, request);
    assert_eq!(out[0].0, from.conn);
    assert_success(&out[0].1);
    out
}

/// 2001 on a connected inbound call from X (call c1).
fn on_inbound_call(acd: &mut Acd, c: &Client) {
    ring(acd, X, "2001");
    request_ok(acd, c, simple("answer", "2001"));
}

/// 2001 on a call from X, consulting 2002 (c2), which has answered.
fn consulting_2002(acd: &mut Acd, clients: &[Client; 3]) {
    on_inbound_call(acd, &clients[0]);
    request_ok(acd, &clients[0], with("consultation", "2001", "destination", "2002"));
    request_ok(acd, &clients[1], simple("answer", "2002"));
}

fn state(acd: &Acd) -> Value {
    serde_json::to_value(acd.state()).unwrap()
}

fn parties(call: &Value) -> Vec<(String, String)> {
    call["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["number"].as_str().unwrap().to_owned(), p["state"].as_str().unwrap().to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

fn query(acd: &mut Acd, c: &Client, name: &str, extension: &str, field: &str) -> Value {
    ask(acd, c, simple(name, extension))[field].clone()
}

// ---- inbound ----

#[test]
fn inbound_call_offer_answer_and_far_end_hangup_carry_the_numbers() {
    let (mut acd, [a, ..]) = switch();
    let (_, out) = ring(&mut acd, X, "2001");
    assert_eq!(events(&decode(out), 1), [ev("offer", X, "2001")]);
    let out = request_ok(&mut acd, &a, simple("answer", "2001"));
    assert_eq!(events(&out, 1), [ev("connect", X, "2001")]);
    let (before, out) = acd.far_end_hangup("c1", None).unwrap();
    assert_eq!(before.state, SwitchCallState::Connected);
    assert_eq!(events(&decode(out), 1), [ev_party("disconnect", X, "2001", X), idle()]);
    assert!(acd.state().calls.is_empty());
}

#[test]
fn the_agent_hangs_up_and_rejects() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    let out = request_ok(&mut acd, &a, simple("hangup", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", "2001"), idle()]);
    ring(&mut acd, X, "2001");
    let out = request_ok(&mut acd, &a, simple("hangup", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", "2001"), idle()]);
    assert!(acd.state().calls.is_empty());
}

#[test]
fn the_control_api_answers_a_ringing_party() {
    let (mut acd, _) = switch();
    ring(&mut acd, X, "2001");
    assert_eq!(acd.answer_call("c1", Some(X)).unwrap_err().to_string(), "5551234 is not ringing on call c1");
    assert_eq!(acd.answer_call("c1", Some("2002")).unwrap_err().to_string(), "2002 is not on call c1");
    let (view, out) = acd.answer_call("c1", None).unwrap();
    assert_eq!(view.state, SwitchCallState::Connected);
    assert_eq!(events(&decode(out), 1), [ev("connect", X, "2001")]);
    assert_eq!(acd.answer_call("c1", None).unwrap_err().to_string(), "call c1 has no ringing party");
    assert_eq!(acd.answer_call("c9", None).unwrap_err(), AcdError::NoSuchCall("c9".into()));
}

// ---- outbound ----

#[test]
fn an_internal_call_rings_at_the_callee_and_connects_both() {
    let (mut acd, [a, b, _]) = switch();
    let out = request_ok(&mut acd, &a, with("makecall", "2001", "destination", "2002"));
    assert_eq!(events(&out, 1), [ev("alert", "2001", "2002")]);
    assert_eq!(events(&out, 2), [ev("offer", "2001", "2002")]);
    assert_eq!(query(&mut acd, &b, "queryagentstate", "2002", "talkstate"), "call");
    let out = request_ok(&mut acd, &b, simple("answer", "2002"));
    assert_eq!(events(&out, 1), [ev("connect", "2001", "2002")]);
    assert_eq!(events(&out, 2), [ev("connect", "2001", "2002")]);
    let out = request_ok(&mut acd, &b, simple("hangup", "2002"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", "2001", "2002", "2002"), idle()]);
    assert_eq!(events(&out, 2), [ev_party("disconnect", "2001", "2002", "2002"), idle()]);
}

#[test]
fn a_caller_hanging_up_clears_the_ringing_callee() {
    let (mut acd, [a, ..]) = switch();
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "2002"));
    let out = request_ok(&mut acd, &a, simple("hangup", "2001"));
    assert_eq!(events(&out, 2), [ev_party("disconnect", "2001", "2002", "2001"), idle()]);
    assert!(acd.state().calls.is_empty());
}

#[test]
fn a_listed_number_answers_after_its_delay_also_behind_the_outside_prefix() {
    let (mut acd, [a, ..]) = switch();
    let out = request_ok(&mut acd, &a, with("makecall", "2001", "destination", "94155550100"));
    assert_eq!(events(&out, 1), [ev("alert", "2001", "94155550100")]);
    let call = &state(&acd)["calls"][0];
    assert_eq!(parties(call), pairs(&[("2001", "connected"), ("94155550100", "alerting")]));
    assert_eq!(call["parties"][1]["kind"], "external");
    assert_eq!(acd.poll_timeout(), Some(at_ms(300)));
    assert!(acd.handle_timeout(at_ms(299)).is_empty());
    let out = decode(acd.handle_timeout(at_ms(300)));
    assert_eq!(events(&out, 1), [ev("connect", "2001", "94155550100")]);
    assert_eq!(state(&acd)["calls"][0]["state"], "connected");
    // Nothing fires twice.
    assert!(acd.handle_timeout(at_ms(5000)).is_empty());
}

#[test]
fn a_busy_number_fails_and_stays_failed_until_hung_up() {
    let (mut acd, [a, ..]) = switch();
    let out = request_ok(&mut acd, &a, with("makecall", "2001", "destination", "94155550199"));
    assert_eq!(events(&out, 1), [ev("fail", "2001", "94155550199")]);
    let call = &state(&acd)["calls"][0];
    assert_eq!(call["state"], "failed");
    assert_eq!(parties(call), pairs(&[("2001", "failed"), ("94155550199", "failed")]));
    assert_eq!(acd.poll_timeout(), None);
    assert_error(&ask(&mut acd, &a, simple("hold", "2001")), "no connected call at 2001 to hold");
    assert_eq!(query(&mut acd, &a, "snapshot", "2001", "numcall"), 1);
    assert_eq!(query(&mut acd, &a, "queryagentstate", "2001", "talkstate"), "call");
    let out = request_ok(&mut acd, &a, simple("hangup", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", "2001", "94155550199", "2001"), idle()]);
}

#[test]
fn a_number_that_does_not_answer_rings_until_the_caller_gives_up_or_the_api_answers() {
    let (mut acd, [a, ..]) = switch();
    let out = request_ok(&mut acd, &a, with("makecall", "2001", "destination", "4155550188"));
    assert_eq!(events(&out, 1), [ev("alert", "2001", "4155550188")]);
    assert_eq!(acd.poll_timeout(), None);
    let out = request_ok(&mut acd, &a, simple("hangup", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", "2001", "4155550188", "2001"), idle()]);

    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "4155550188"));
    let (view, out) = acd.answer_call("c2", None).unwrap();
    assert_eq!(view.state, SwitchCallState::Connected);
    assert_eq!(events(&decode(out), 1), [ev("connect", "2001", "4155550188")]);
}

#[test]
fn hanging_up_before_the_far_end_answers_cancels_the_answer() {
    let (mut acd, [a, ..]) = switch();
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "4155550100"));
    request_ok(&mut acd, &a, simple("hangup", "2001"));
    assert_eq!(acd.poll_timeout(), None);
    assert!(acd.handle_timeout(at_ms(300)).is_empty());
}

#[test]
fn answering_through_the_api_first_cancels_the_timer() {
    let (mut acd, [a, ..]) = switch();
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "4155550100"));
    acd.answer_call("c1", Some("4155550100")).unwrap();
    assert_eq!(acd.poll_timeout(), None);
    assert!(acd.handle_timeout(at_ms(300)).is_empty());
}

#[test]
fn an_answer_after_zero_ms_is_at_once() {
    let scenario = Scenario::from_toml(
        "extensions = [\"2001\"]\n[[external]]\nnumber = \"555\"\nbehaviour = \"answer\"\nafter_ms = 0",
    )
    .unwrap();
    let mut acd = Acd::new(scenario);
    let a = client(1, None);
    monitor(&mut acd, &a, "2001");
    let out = request_ok(&mut acd, &a, with("makecall", "2001", "destination", "9555"));
    assert_eq!(events(&out, 1), [ev("alert", "2001", "9555"), ev("connect", "2001", "9555")]);
}

#[test]
fn makecall_refusals() {
    let (mut acd, [a, ..]) = switch();
    assert_error(&ask(&mut acd, &a, with("makecall", "2001", "destination", "")), "destination is empty");
    assert_error(&ask(&mut acd, &a, with("makecall", "2001", "destination", "2001")), "2001 cannot call itself");
    assert_error(&ask(&mut acd, &a, with("makecall", "2999", "destination", "2001")), "unknown extension 2999");
    on_inbound_call(&mut acd, &a);
    assert_error(
        &ask(&mut acd, &a, with("makecall", "2001", "destination", "2002")),
        "2001 is busy on a call: hold it or use consultation",
    );
}

#[test]
fn makecall_while_holding_a_call_is_its_consultation() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    request_ok(&mut acd, &a, simple("hold", "2001"));
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "2002"));
    assert_eq!(state(&acd)["calls"][1]["consultation_of"], "c1");
}

#[test]
fn one_number_cannot_be_joined_to_a_call_twice() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    request_ok(&mut acd, &a, simple("hold", "2001"));
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", X));
    acd.answer_call("c2", None).unwrap();
    assert_error(&ask(&mut acd, &a, with("transfer", "2001", "destination", "")), "5551234 is already on the call");
    assert_error(&ask(&mut acd, &a, with("conference", "2001", "destination", "")), "5551234 is already on the call");
    assert_eq!(acd.state().calls.len(), 2);
}

// ---- hold and retrieve ----

#[test]
fn hold_and_retrieve_go_only_to_the_extension_that_asked() {
    let (mut acd, [a, b, _]) = switch();
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "2002"));
    request_ok(&mut acd, &b, simple("answer", "2002"));
    let out = request_ok(&mut acd, &a, simple("hold", "2001"));
    assert_eq!(events(&out, 1), [ev("hold", "2001", "2002")]);
    assert!(events(&out, 2).is_empty());
    let call = &state(&acd)["calls"][0];
    assert_eq!(
        (call["state"].as_str(), parties(call)),
        (Some("held"), pairs(&[("2001", "held"), ("2002", "connected")]))
    );
    let out = request_ok(&mut acd, &a, simple("retrieve", "2001"));
    assert_eq!(events(&out, 1), [ev("retrieve", "2001", "2002")]);
    assert!(events(&out, 2).is_empty());
}

// ---- consultation and reconnect ----

#[test]
fn consultation_holds_the_call_and_rings_the_second_party() {
    let (mut acd, [a, b, _]) = switch();
    on_inbound_call(&mut acd, &a);
    let out = request_ok(&mut acd, &a, with("consultation", "2001", "destination", "2002"));
    assert_eq!(events(&out, 1), [ev("hold", X, "2001"), ev("alert", "2001", "2002")]);
    assert_eq!(events(&out, 2), [ev("offer", "2001", "2002")]);
    let calls = state(&acd)["calls"].clone();
    assert_eq!((calls[0]["state"].as_str(), calls[0]["consultation_of"].clone()), (Some("held"), Value::Null));
    assert_eq!((calls[1]["state"].as_str(), calls[1]["consultation_of"].as_str()), (Some("ringing"), Some("c1")));
    assert_eq!(query(&mut acd, &a, "snapshot", "2001", "numcall"), 2);

    let out = request_ok(&mut acd, &b, simple("answer", "2002"));
    assert_eq!(events(&out, 1), [ev("connect", "2001", "2002")]);
    assert_eq!(events(&out, 2), [ev("connect", "2001", "2002")]);
    let userdata = ask(&mut acd, &a, json!({"id": 7, "request": "userdata", "extension": "2001", "type": "alert"}));
    assert_eq!(userdata["called"], "2002", "the connected call is the consultation");
}

#[test]
fn consultation_refusals() {
    let (mut acd, [a, ..]) = switch();
    let consult = |dest: &str| with("consultation", "2001", "destination", dest);
    assert_error(&ask(&mut acd, &a, consult("2002")), "no connected call at 2001 to consult from");
    on_inbound_call(&mut acd, &a);
    assert_error(&ask(&mut acd, &a, consult(" ")), "destination is empty");
    assert_error(&ask(&mut acd, &a, consult("2001")), "2001 cannot call itself");
    assert_error(&ask(&mut acd, &a, consult(X)), "5551234 is already on the call");
    request_ok(&mut acd, &a, consult("2002"));
    assert_error(
        &ask(&mut acd, &a, consult("2003")),
        "2001 is already consulting: transfer, conference or reconnect first",
    );
}

#[test]
fn reconnect_drops_the_consultation_and_retrieves_the_held_call() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    let out = request_ok(&mut acd, &clients[0], simple("reconnect", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", "2001", "2002", "2001"), ev("retrieve", X, "2001")]);
    assert_eq!(events(&out, 2), [ev_party("disconnect", "2001", "2002", "2001"), idle()]);
    let calls = state(&acd)["calls"].clone();
    assert_eq!(calls.as_array().unwrap().len(), 1);
    assert_eq!(calls[0]["state"], "connected");
}

#[test]
fn reconnect_while_the_consultation_still_rings() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    request_ok(&mut acd, &a, with("consultation", "2001", "destination", "2002"));
    let out = request_ok(&mut acd, &a, simple("reconnect", "2001"));
    assert_eq!(events(&out, 2), [ev_party("disconnect", "2001", "2002", "2001"), idle()]);
    assert_eq!(events(&out, 1)[1], ev("retrieve", X, "2001"));
}

#[test]
fn reconnect_transfer_and_conference_need_a_consultation() {
    let (mut acd, [a, ..]) = switch();
    assert_error(&ask(&mut acd, &a, simple("reconnect", "2001")), "no held call and consultation call at 2001");
    assert_error(
        &ask(&mut acd, &a, with("conference", "2001", "destination", "2002")),
        "conference needs a consultation call first",
    );
    assert_error(
        &ask(&mut acd, &a, with("transfer", "2001", "destination", "")),
        "transfer needs a consultation call or a destination",
    );
    assert_error(
        &ask(&mut acd, &a, with("transfer", "2001", "destination", "2002")),
        "no connected call at 2001 to transfer",
    );
    on_inbound_call(&mut acd, &a);
    request_ok(&mut acd, &a, simple("hold", "2001"));
    // A held call alone is no consultation.
    assert_error(&ask(&mut acd, &a, simple("reconnect", "2001")), "no held call and consultation call at 2001");
    assert_error(
        &ask(&mut acd, &a, with("conference", "2001", "destination", "")),
        "conference needs a consultation call first",
    );
}

#[test]
fn a_busy_consultation_can_only_be_reconnected_or_hung_up() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    let out = request_ok(&mut acd, &a, with("consultation", "2001", "destination", "94155550199"));
    assert_eq!(events(&out, 1), [ev("hold", X, "2001"), ev("fail", "2001", "94155550199")]);
    let failed = "the consultation call failed: reconnect or hang it up";
    assert_error(&ask(&mut acd, &a, with("transfer", "2001", "destination", "")), failed);
    assert_error(&ask(&mut acd, &a, with("conference", "2001", "destination", "")), failed);
    let out = request_ok(&mut acd, &a, simple("reconnect", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", "2001", "94155550199", "2001"), ev("retrieve", X, "2001")]);
}

#[test]
fn hanging_up_the_consultation_leaves_the_held_call_held() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    let out = request_ok(&mut acd, &clients[0], simple("hangup", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", "2001", "2002", "2001")]);
    assert_eq!(events(&out, 2), [ev_party("disconnect", "2001", "2002", "2001"), idle()]);
    assert_eq!(state(&acd)["calls"][0]["state"], "held");
}

#[test]
fn the_held_caller_hanging_up_ends_the_consultation_link() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    let (_, out) = acd.far_end_hangup("c1", None).unwrap();
    assert_eq!(events(&decode(out), 1), [ev_party("disconnect", X, "2001", X)], "2001 still has a call: no idle");
    let calls = state(&acd)["calls"].clone();
    assert_eq!((calls[0]["id"].as_str(), calls[0]["consultation_of"].clone()), (Some("c2"), Value::Null));
    assert_error(
        &ask(&mut acd, &clients[0], simple("reconnect", "2001")),
        "no held call and consultation call at 2001",
    );
}

// ---- transfer ----

#[test]
fn two_step_transfer_joins_the_caller_and_the_consulted_agent() {
    let (mut acd, clients) = switch();
    let [a, b, _] = &clients;
    consulting_2002(&mut acd, &clients);
    let out = request_ok(&mut acd, a, with("transfer", "2001", "destination", "2002"));
    assert_eq!(events(&out, 1), [ev("transfer", X, "2002"), idle()]);
    assert_eq!(events(&out, 2), [ev_orig("transfer", "2001", "2002", X)]);

    let calls = state(&acd)["calls"].clone();
    assert_eq!(calls.as_array().unwrap().len(), 1);
    let call = &calls[0];
    assert_eq!(call["id"], "c1", "the caller's call goes on");
    assert_eq!(
        (call["from"].as_str(), call["to"].as_str(), call["origcalling"].as_str()),
        (Some("2001"), Some("2002"), Some(X))
    );
    assert_eq!(parties(call), pairs(&[(X, "connected"), ("2002", "connected")]));
    assert_eq!((call["conference"].as_bool(), call["consultation_of"].clone()), (Some(false), Value::Null));
    assert_eq!(query(&mut acd, a, "queryagentstate", "2001", "talkstate"), "idle");
    assert_eq!(query(&mut acd, a, "snapshot", "2001", "numcall"), 0);
    assert_eq!(query(&mut acd, b, "snapshot", "2002", "numcall"), 1);
    let userdata = ask(&mut acd, b, json!({"id": 7, "request": "userdata", "extension": "2002", "type": "alert"}));
    assert_eq!((userdata["cli"].as_str(), userdata["calling"].as_str()), (Some(X), Some("2001")));

    // The caller hangs up on 2002.
    let (_, out) = acd.far_end_hangup("c1", None).unwrap();
    assert_eq!(events(&decode(out), 2), [ev_orig_party("disconnect", "2001", "2002", X, X), idle()]);
}

#[test]
fn transfer_while_the_consultation_rings_re_offers_with_the_original_caller() {
    let (mut acd, [a, b, _]) = switch();
    on_inbound_call(&mut acd, &a);
    request_ok(&mut acd, &a, with("consultation", "2001", "destination", "2002"));
    let out = request_ok(&mut acd, &a, with("transfer", "2001", "destination", ""));
    assert_eq!(events(&out, 1), [ev("transfer", X, "2002"), idle()]);
    assert_eq!(events(&out, 2), [ev_orig("offer", "2001", "2002", X)]);
    assert_eq!(parties(&state(&acd)["calls"][0]), pairs(&[(X, "connected"), ("2002", "alerting")]));
    let out = request_ok(&mut acd, &b, simple("answer", "2002"));
    assert_eq!(events(&out, 2), [ev_orig("connect", "2001", "2002", X)]);
    assert!(events(&out, 1).is_empty());
}

#[test]
fn transfer_to_a_ringing_outside_consultation_keeps_its_timer() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    request_ok(&mut acd, &a, with("consultation", "2001", "destination", "4155550100"));
    let out = request_ok(&mut acd, &a, with("transfer", "2001", "destination", ""));
    assert_eq!(events(&out, 1), [ev("transfer", X, "4155550100"), idle()]);
    assert_eq!(acd.poll_timeout(), Some(at_ms(300)));
    assert!(acd.handle_timeout(at_ms(300)).is_empty(), "no station is left to tell");
    let call = &state(&acd)["calls"][0];
    assert_eq!(parties(call), pairs(&[(X, "connected"), ("4155550100", "connected")]));
}

#[test]
fn single_step_transfer_offers_the_call_with_the_original_caller() {
    let (mut acd, [a, _, c]) = switch();
    on_inbound_call(&mut acd, &a);
    let out = request_ok(&mut acd, &a, with("transfer", "2001", "destination", "2003"));
    assert_eq!(events(&out, 1), [ev("transfer", X, "2003"), idle()]);
    assert_eq!(events(&out, 3), [ev_orig("offer", "2001", "2003", X)]);
    let call = &state(&acd)["calls"][0];
    assert_eq!(parties(call), pairs(&[(X, "connected"), ("2003", "alerting")]));
    let out = request_ok(&mut acd, &c, simple("answer", "2003"));
    assert_eq!(events(&out, 3), [ev_orig("connect", "2001", "2003", X)]);
}

#[test]
fn single_step_transfer_to_outside_numbers_follows_the_scenario() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    let out = request_ok(&mut acd, &a, with("transfer", "2001", "destination", "94155550100"));
    assert_eq!(events(&out, 1), [ev("transfer", X, "94155550100"), idle()]);
    assert_eq!(acd.poll_timeout(), Some(at_ms(300)));
    acd.handle_timeout(at_ms(300));
    assert_eq!(state(&acd)["calls"][0]["state"], "connected");

    ring(&mut acd, "5550000", "2001");
    request_ok(&mut acd, &a, simple("answer", "2001"));
    request_ok(&mut acd, &a, with("transfer", "2001", "destination", "4155550199"));
    let busy = &state(&acd)["calls"][1];
    assert_eq!(busy["state"], "failed");
    assert_eq!(busy["origcalling"], "5550000");
}

#[test]
fn single_step_transfer_refusals() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    assert_error(&ask(&mut acd, &a, with("transfer", "2001", "destination", "2001")), "2001 cannot call itself");
    assert_error(&ask(&mut acd, &a, with("transfer", "2001", "destination", X)), "5551234 is already on the call");
    assert_error(
        &ask(&mut acd, &a, with("transfer", "2001", "destination", " ")),
        "transfer needs a consultation call or a destination",
    );
}

// ---- conference and dropparty ----

#[test]
fn conference_joins_the_held_call_and_the_consultation() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    let out = request_ok(&mut acd, &clients[0], with("conference", "2001", "destination", "2002"));
    assert_eq!(events(&out, 1), [ev("conference", X, "2001")]);
    assert_eq!(events(&out, 2), [ev("conference", X, "2001")]);
    let calls = state(&acd)["calls"].clone();
    assert_eq!(calls.as_array().unwrap().len(), 1);
    assert_eq!((calls[0]["id"].as_str(), calls[0]["conference"].as_bool()), (Some("c1"), Some(true)));
    assert_eq!(parties(&calls[0]), pairs(&[(X, "connected"), ("2001", "connected"), ("2002", "connected")]));
    assert_eq!(query(&mut acd, &clients[0], "snapshot", "2001", "numcall"), 1);
}

#[test]
fn conference_needs_an_answered_consultation() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    request_ok(&mut acd, &a, with("consultation", "2001", "destination", "2002"));
    assert_error(
        &ask(&mut acd, &a, with("conference", "2001", "destination", "")),
        "the consultation call has not been answered",
    );
}

#[test]
fn dropparty_removes_a_conference_member() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    request_ok(&mut acd, &clients[0], with("conference", "2001", "destination", "2002"));
    let out = request_ok(&mut acd, &clients[0], with("dropparty", "2001", "party", "2002"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", "2002")]);
    assert_eq!(events(&out, 2), [ev_party("disconnect", X, "2001", "2002"), idle()]);
    let call = &state(&acd)["calls"][0];
    assert_eq!(call["conference"], false);
    assert_eq!(parties(call), pairs(&[(X, "connected"), ("2001", "connected")]));
}

#[test]
fn dropparty_of_the_outside_caller_leaves_the_two_agents() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    request_ok(&mut acd, &clients[0], with("conference", "2001", "destination", ""));
    let out = request_ok(&mut acd, &clients[0], with("dropparty", "2001", "party", X));
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", X)]);
    assert_eq!(events(&out, 2), [ev_party("disconnect", X, "2001", X)]);
    assert_eq!(parties(&state(&acd)["calls"][0]), pairs(&[("2001", "connected"), ("2002", "connected")]));
}

#[test]
fn dropparty_of_the_other_side_of_a_two_party_call_clears_it() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    let out = request_ok(&mut acd, &a, with("dropparty", "2001", "party", X));
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", X), idle()]);
    assert!(acd.state().calls.is_empty());
}

#[test]
fn dropparty_refusals() {
    let (mut acd, [a, ..]) = switch();
    assert_error(&ask(&mut acd, &a, with("dropparty", "2001", "party", "2002")), "no connected call at 2001");
    on_inbound_call(&mut acd, &a);
    assert_error(&ask(&mut acd, &a, with("dropparty", "2001", "party", "2009")), "2009 is not on the call at 2001");
    assert_error(&ask(&mut acd, &a, with("dropparty", "2001", "party", "")), "party is empty");
}

#[test]
fn in_a_conference_each_hangup_tells_the_others_who_left() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    request_ok(&mut acd, &clients[0], with("conference", "2001", "destination", ""));
    // 2002 leaves: 2001 and X go on.
    let out = request_ok(&mut acd, &clients[1], simple("hangup", "2002"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", "2002")]);
    assert_eq!(events(&out, 2), [ev_party("disconnect", X, "2001", "2002"), idle()]);
    assert_eq!(state(&acd)["calls"][0]["conference"], false);
}

#[test]
fn the_agent_leaving_a_conference_leaves_the_others_talking() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    request_ok(&mut acd, &clients[0], with("conference", "2001", "destination", ""));
    let out = request_ok(&mut acd, &clients[0], simple("hangup", "2001"));
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", "2001"), idle()]);
    assert_eq!(events(&out, 2), [ev_party("disconnect", X, "2001", "2001")]);
    assert_eq!(parties(&state(&acd)["calls"][0]), pairs(&[(X, "connected"), ("2002", "connected")]));
    // Then the caller hangs up too.
    let (_, out) = acd.far_end_hangup("c1", None).unwrap();
    assert_eq!(events(&decode(out), 2), [ev_party("disconnect", X, "2001", X), idle()]);
}

#[test]
fn the_control_api_can_make_any_party_leave() {
    let (mut acd, clients) = switch();
    consulting_2002(&mut acd, &clients);
    request_ok(&mut acd, &clients[0], with("conference", "2001", "destination", ""));
    assert_eq!(acd.far_end_hangup("c1", Some("999")).unwrap_err().to_string(), "999 is not on call c1");
    let (_, out) = acd.far_end_hangup("c1", Some("2002")).unwrap();
    let out = decode(out);
    assert_eq!(events(&out, 2), [ev_party("disconnect", X, "2001", "2002"), idle()]);
    assert_eq!(events(&out, 1), [ev_party("disconnect", X, "2001", "2002")]);
}

#[test]
fn deleting_an_internal_call_clears_it_for_both_stations() {
    let (mut acd, [a, b, _]) = switch();
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "2002"));
    request_ok(&mut acd, &b, simple("answer", "2002"));
    let (_, out) = acd.far_end_hangup("c1", None).unwrap();
    let out = decode(out);
    assert_eq!(events(&out, 1), [ev("disconnect", "2001", "2002"), idle()]);
    assert_eq!(events(&out, 2), [ev("disconnect", "2001", "2002"), idle()]);
}

// ---- dtmf ----

#[test]
fn dtmf_digits_are_recorded_on_the_connected_call() {
    let (mut acd, [a, ..]) = switch();
    let dtmf = |digits: &str| json!({"id": 22, "request": "dtmf", "extension": "2001", "digits": digits});
    assert_error(&ask(&mut acd, &a, dtmf("1")), "no connected call at 2001");
    request_ok(&mut acd, &a, with("makecall", "2001", "destination", "4155550188"));
    assert_error(&ask(&mut acd, &a, dtmf("1")), "no connected call at 2001");
    acd.answer_call("c1", None).unwrap();
    assert_success(&ask(&mut acd, &a, dtmf("12")));
    assert_success(&ask(&mut acd, &a, dtmf("3*#ABCD0")));
    assert_eq!(state(&acd)["calls"][0]["dtmf"], "123*#ABCD0");
    for bad in ["", "12x", "a", "1 2"] {
        let said = ask(&mut acd, &a, dtmf(bad))["error"].as_str().unwrap().to_owned();
        assert!(said.starts_with("digits must be 1 to 100 of 0-9 * # A B C D, not "), "{bad}: {said}");
    }
    let too_many = "1".repeat(101);
    assert_eq!(ask(&mut acd, &a, dtmf(&too_many))["result"], "error");
    assert_eq!(state(&acd)["calls"][0]["dtmf"], "123*#ABCD0", "refused digits are not recorded");
    request_ok(&mut acd, &a, simple("hold", "2001"));
    assert_error(&ask(&mut acd, &a, dtmf("1")), "no connected call at 2001");
}

/// The mock takes exactly the digits the softphone's core would send: both
/// check them with `ctisvr_core::wire::Dtmf`. Before, the core refused A-D
/// (which the mock took) and sent more than 100 digits (which it refused).
#[test]
fn the_mock_takes_the_dtmf_digits_the_core_takes_and_no_others() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    let samples =
        ["1", "0123456789", "*#", "A", "ABCD", "9*8#7D", "", "a", "E", "12x", "1 2", " 1", "+1", "1-2", "١", "１"];
    let long = ["5".repeat(Dtmf::MAX_LEN), "5".repeat(Dtmf::MAX_LEN + 1), "A".repeat(1000)];
    for digits in samples.iter().copied().chain(long.iter().map(String::as_str)) {
        let core_takes = Dtmf::parse(digits).is_ok();
        let answer = ask(&mut acd, &a, json!({"id": 22, "request": "dtmf", "extension": "2001", "digits": digits}));
        assert_eq!(answer["result"] == "success", core_takes, "{digits:?}: {answer}");
    }
    assert!(Dtmf::parse("ABCD").is_ok() && Dtmf::parse(&"5".repeat(101)).is_err(), "the decision of issue 10");
}

#[test]
fn a_call_remembers_its_last_thousand_digits() {
    let (mut acd, [a, ..]) = switch();
    on_inbound_call(&mut acd, &a);
    for _ in 0..11 {
        let digits = "1234567890".repeat(10);
        request_ok(&mut acd, &a, json!({"id": 22, "request": "dtmf", "extension": "2001", "digits": digits}));
    }
    assert_eq!(acd.state().calls[0].dtmf.len(), MAX_DIGITS_PER_CALL);
}

// ---- two agents, end to end ----

#[test]
fn agent_to_agent_transfer_of_an_internal_call() {
    // 2003 calls 2001; 2001 consults 2002 and transfers: 2002 talks to 2003.
    let (mut acd, [a, b, c]) = switch();
    request_ok(&mut acd, &c, with("makecall", "2003", "destination", "2001"));
    request_ok(&mut acd, &a, simple("answer", "2001"));
    request_ok(&mut acd, &a, with("consultation", "2001", "destination", "2002"));
    request_ok(&mut acd, &b, simple("answer", "2002"));
    let out = request_ok(&mut acd, &a, with("transfer", "2001", "destination", "2002"));
    assert_eq!(events(&out, 1), [ev("transfer", "2003", "2002"), idle()]);
    assert_eq!(events(&out, 2), [ev_orig("transfer", "2001", "2002", "2003")]);
    assert!(events(&out, 3).is_empty(), "the held party's call just goes on");
    let call = &state(&acd)["calls"][0];
    assert_eq!(parties(call), pairs(&[("2003", "connected"), ("2002", "connected")]));
    let out = request_ok(&mut acd, &c, simple("hangup", "2003"));
    assert_eq!(events(&out, 2), [ev_orig_party("disconnect", "2001", "2002", "2003", "2003"), idle()]);
    assert_eq!(events(&out, 3), [ev_orig_party("disconnect", "2001", "2002", "2003", "2003"), idle()]);
}

/// A tiny deterministic random source (xorshift), for the sequence test.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % sides as u64).unwrap()
    }
}

#[test]
fn random_request_sequences_keep_the_switch_consistent() {
    // Thousands of random call requests and control API actions: every
    // request gets exactly one response, nothing panics, and after every
    // step the calls make sense and an extension that was told something
    // and has no call left was told `idle` last.
    let extensions = ["2001", "2002", "2003"];
    let numbers = ["2001", "2002", "2003", "4155550100", "94155550199", "4155550188", "5550000", X, ""];
    for seed in [1_u64, 7, 42, 1234, 99_999] {
        let (mut acd, clients) = switch();
        let mut dice = Dice(seed);
        let mut ms = 0;
        for _ in 0..600 {
            let e = dice.roll(3);
            let (ext, client) = (extensions[e], &clients[e]);
            let number = numbers[dice.roll(numbers.len())];
            let call_id = format!("c{}", dice.roll(12));
            let party = if dice.roll(2) == 0 { None } else { Some(number) };
            ms += dice.roll(400) as u64;
            let out = match dice.roll(16) {
                0 => decode(
                    acd.create_call(NewCall { from: number.into(), to: ext.into(), orig_calling: None })
                        .map_or(Vec::new(), |r| r.1),
                ),
                1 => decode(acd.answer_call(&call_id, party).map_or(Vec::new(), |r| r.1)),
                2 => decode(acd.far_end_hangup(&call_id, party).map_or(Vec::new(), |r| r.1)),
                3 => decode(acd.handle_timeout(at_ms(ms))),
                roll => {
                    let request = match roll {
                        4 | 5 => with("makecall", ext, "destination", number),
                        6 => simple("answer", ext),
                        7 => simple("hangup", ext),
                        8 => simple("hold", ext),
                        9 => simple("retrieve", ext),
                        10 => with("consultation", ext, "destination", number),
                        11 => simple("reconnect", ext),
                        12 => with("transfer", ext, "destination", number),
                        13 => with("conference", ext, "destination", number),
                        14 => with("dropparty", ext, "party", number),
                        _ => json!({"id": 22, "request": "dtmf", "extension": ext, "digits": "1#"}),
                    };
                    let out = decode(acd.handle_frame(client, &request.to_string(), at_ms(ms)));
                    let responses = out.iter().filter(|(_, f)| f["msgtype"] == "response").count();
                    assert_eq!(responses, 1, "{request}");
                    out
                }
            };
            let calls = acd.state().calls;
            for call in &calls {
                assert!(call.parties.len() >= 2, "seed {seed}: {call:?}");
                let mut numbers: Vec<&str> = call.parties.iter().map(|p| p.number.as_str()).collect();
                numbers.sort_unstable();
                numbers.dedup();
                assert_eq!(numbers.len(), call.parties.len(), "seed {seed}: a number twice: {call:?}");
                if let Some(held) = call.consultation_of {
                    assert!(calls.iter().any(|c| c.id == held), "seed {seed}: dangling consultation {call:?}");
                }
                assert_eq!(call.conference, call.conference && call.parties.len() > 2, "seed {seed}: {call:?}");
            }
            for (conn, ext) in [(1, "2001"), (2, "2002"), (3, "2003")] {
                let told = events(&out, conn);
                if !told.is_empty() && acd.calls_at(ext).next().is_none() {
                    assert_eq!(told.last(), Some(&idle()), "seed {seed}: {ext} has no call: {told:?}");
                }
                let idles = told.iter().filter(|e| **e == idle()).count();
                assert!(idles <= 1, "seed {seed}: {ext} told idle twice: {told:?}");
            }
            if let Some(deadline) = acd.poll_timeout() {
                assert!(deadline <= at_ms(ms) + Duration::from_millis(1000), "seed {seed}");
            }
        }
    }
}
