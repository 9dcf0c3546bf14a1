//! Withheld callers: shown as "Unknown caller", the panel without a search,
//! logged as "an unknown caller" with no record.

use super::*;

/// An inbound call from `calling` (absent when `None`), answered, ended:
/// what was popped, whether the panel showed, what the agent saw, the log.
fn withheld_call(h: &mut Harness, calling: Option<&str>) -> (Vec<String>, bool, String, crate::crm::CallLog) {
    let mut offer = json!({"msgtype": "event", "eventtype": "offer", "called": "2001"});
    if let Some(calling) = calling {
        offer["calling"] = json!(calling);
        offer["origcalling"] = json!(calling);
    }
    h.receive(offer);
    let state = h.session.state();
    let shown = state.calls.first().map(|call| state.party_words(call)).unwrap_or_default();
    let call_id = h.session.state().calls.first().map(|c| c.id).unwrap_or_default();
    // Whatever a search would have found is not linked.
    let found = json!({"003A": {"Id": "003A", "Name": "Anon Y. Mous", "RecordType": "Contact"}});
    h.session.handle_crm(h.now, CrmInput::ScreenPopResult { call_id, result: found });
    let mut connect = json!({"msgtype": "event", "eventtype": "connect", "called": "2001"});
    if let Some(calling) = calling {
        connect["calling"] = json!(calling);
    }
    h.receive(connect);
    let effects = h.outputs();
    let panel = effects.contains(&Out::Crm(CrmRequest::ShowPanel));
    h.now = h.now + Duration::from_secs(30);
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    let log = logs(&h.outputs()).pop().expect("a call log");
    (pops(&effects), panel, shown, log)
}

#[test]
fn a_withheld_caller_is_shown_unknown_popped_without_search_and_logged_unlinked() {
    for calling in [
        None,
        Some(""),
        Some("anonymous"),
        Some("Anonymous"),
        Some("PRIVATE"),
        Some("restricted"),
        Some("Unknown"),
        Some("unavailable"),
        Some("Withheld"),
        Some("blocked"),
        Some("sip:anonymous@anonymous.invalid"),
    ] {
        let mut h = Harness::new();
        h.start_logged_out();
        h.outputs();
        let (pops, panel, shown, log) = withheld_call(&mut h, calling);
        assert_eq!(pops, Vec::<String>::new(), "{calling:?}: nothing is searched");
        assert!(panel, "{calling:?}: the panel shows");
        assert_eq!(shown, "Unknown caller", "{calling:?}");
        assert_eq!(log.subject, "Call from an unknown caller", "{calling:?}");
        assert_eq!(log.who_id, None, "{calling:?}");
        assert_eq!(log.what_id, None, "{calling:?}");
        assert_eq!(log.duration_seconds, 30, "{calling:?}");
    }
}

#[test]
fn a_caller_with_a_number_is_still_searched_and_linked() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    let (pops, panel, shown, log) = withheld_call(&mut h, Some("4155550100"));
    assert_eq!(pops, vec!["4155550100".to_string()]);
    assert!(panel);
    assert_eq!(shown, "4155550100");
    assert_eq!(log.subject, "Call from 4155550100");
    assert_eq!(log.who_id.as_deref(), Some("003A"));
}

#[test]
fn the_call_center_option_names_the_markers() {
    let mut h = Harness::new();
    let mut settings = h.session.settings().cloned().unwrap();
    settings.options.withheld_callers = crate::WithheldMarkers::parse("Nicht übermittelt");
    h.session.configure(h.now, Ok(settings));
    h.start_logged_out();
    h.outputs();
    let (pops, _, shown, log) = withheld_call(&mut h, Some("NICHT ÜBERMITTELT"));
    assert!(pops.is_empty());
    assert_eq!((shown.as_str(), log.subject.as_str()), ("Unknown caller", "Call from an unknown caller"));
    let mut h = Harness::new();
    let mut settings = h.session.settings().cloned().unwrap();
    settings.options.withheld_callers = crate::WithheldMarkers::parse("Nicht übermittelt");
    h.session.configure(h.now, Ok(settings));
    h.start_logged_out();
    h.outputs();
    let (pops, ..) = withheld_call(&mut h, Some("anonymous"));
    assert_eq!(pops, vec!["anonymous".to_string()], "the list replaces the default");
}
