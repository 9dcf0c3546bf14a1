//! ACD queues: a call to a queue waits for an available agent, then rings
//! that agent's station.

use super::*;

fn with_queue(agents: &[&str]) -> Acd {
    let mut scenario = Scenario::default();
    let agents = agents.iter().map(|a| a.to_string()).collect();
    scenario.queues = vec![crate::scenario::QueueConfig { number: "5000".into(), agents }];
    Acd::new(scenario)
}

fn set_mode(acd: &mut Acd, from: &Client, extension: &str, agent: &str, mode: &str) -> Vec<(SocketId, Value)> {
    let request = json!({"id": 4, "request": "setstate", "extension": extension, "agentid": agent, "passwd": "1234", "state": mode});
    send(acd, from, request)
}

#[test]
fn a_queued_call_waits_for_an_available_agent_then_rings_the_station() {
    let mut acd = with_queue(&["1001"]);
    let phone = client(1, Some("2001"));
    monitor(&mut acd, &phone, "2001");
    let (call, out) = ring(&mut acd, "4155550100", "5000");
    assert_eq!(call.state, SwitchCallState::Queued);
    assert!(out.is_empty(), "nobody is told yet");
    assert_success(&login(&mut acd, &phone, "2001", "1001"));
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Queued, "AUX after login: not available");
    let out = set_mode(&mut acd, &phone, "2001", "1001", "auto");
    assert_eq!(events_to(&out, 1), vec!["offer"]);
    let offer = out.iter().find(|(_, frame)| frame["eventtype"] == "offer").map(|(_, frame)| frame.clone()).unwrap();
    assert_eq!((offer["calling"].as_str(), offer["called"].as_str()), (Some("4155550100"), Some("5000")));
    assert_eq!(acd.state().calls[0].state, SwitchCallState::Ringing);
}

#[test]
fn calls_go_to_the_first_free_agent_in_the_queue_s_order_and_wait_while_all_are_busy() {
    let mut acd = with_queue(&["1002", "1001"]);
    let (one, two) = (client(1, Some("2001")), client(2, Some("2002")));
    for (phone, extension, agent) in [(&one, "2001", "1001"), (&two, "2002", "1002")] {
        monitor(&mut acd, phone, extension);
        assert_success(&login(&mut acd, phone, extension, agent));
        set_mode(&mut acd, phone, extension, agent, "manual");
    }
    let (first, _) = ring(&mut acd, "4155550100", "5000");
    assert!(first.parties.iter().any(|p| p.number == "2002"), "1002 is first in the queue: {first:?}");
    let (second, _) = ring(&mut acd, "4155550111", "5000");
    assert!(second.parties.iter().any(|p| p.number == "2001"), "2002 is busy: {second:?}");
    let (third, _) = ring(&mut acd, "4155550122", "5000");
    assert_eq!(third.state, SwitchCallState::Queued, "both busy");
    // The caller at 2002 hangs up: 2002 is free and takes the waiting call.
    let (_, out) = acd.far_end_hangup(&first.id.to_string(), None).unwrap();
    let out = decode(out);
    assert!(events_to(&out, 2).contains(&"offer".to_owned()), "{out:?}");
    assert_eq!(acd.state().calls.iter().filter(|c| c.state == SwitchCallState::Queued).count(), 0);
}

#[test]
fn a_caller_who_gives_up_leaves_the_queue() {
    let mut acd = with_queue(&["1001"]);
    let (call, _) = ring(&mut acd, "4155550100", "5000");
    acd.far_end_hangup(&call.id.to_string(), None).unwrap();
    assert!(acd.state().calls.is_empty());
}
