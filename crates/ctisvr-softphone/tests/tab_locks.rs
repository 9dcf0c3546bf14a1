//! Browser tests of the tabs' Web Locks (`tab_locks.rs`), in headless
//! Chromium: a softphone that goes is noticed at once by one that watches
//! it, and not before.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers

use ctisvr_softphone::tab_locks::TabLocks;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn settle(ms: u64) {
    gloo_timers::future::sleep(Duration::from_millis(ms)).await;
}

/// Holds the lock of tab `id` on `channel`; resolves once it is held.
async fn hold(channel: &str, id: u64) -> TabLocks {
    let held = Rc::new(Cell::new(false));
    let flag = held.clone();
    let locks = TabLocks::hold(channel, id, move || flag.set(true)).expect("Web Locks in a secure context");
    for _ in 0..100 {
        if held.get() {
            break;
        }
        settle(10).await;
    }
    assert!(held.get(), "the lock of tab {id} was never granted");
    locks
}

/// Watches tab `tab` from `watcher`; the flag turns true when it is gone.
fn watch(watcher: &TabLocks, tab: u64) -> Rc<Cell<bool>> {
    let gone = Rc::new(Cell::new(false));
    let flag = gone.clone();
    watcher.watch(tab, move || flag.set(true));
    gone
}

#[wasm_bindgen_test]
async fn a_watched_tab_is_gone_exactly_when_it_lets_its_lock_go() {
    let a = hold("locks-test-1", 1).await;
    let b = hold("locks-test-1", 2).await;
    let gone = watch(&b, 1);
    settle(200).await;
    assert!(!gone.get(), "tab 1 still holds its lock");
    drop(a);
    settle(200).await;
    assert!(gone.get(), "tab 1 let its lock go");
}

#[wasm_bindgen_test]
async fn channels_do_not_share_locks() {
    let _a = hold("locks-test-2", 1).await;
    let b = hold("locks-test-3", 2).await;
    // Tab 1 of another channel: nobody holds that lock, so it is "gone".
    let gone = watch(&b, 1);
    settle(200).await;
    assert!(gone.get());
}
