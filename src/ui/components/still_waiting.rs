//! A hint that appears when work on this device's storage has gone unanswered for a while, so a stalled browser never looks like an app that forgot what it was doing.

use std::time::Duration;

use leptos::prelude::*;

/// How long storage may take before the hint appears. A first sample load on a busy machine
/// takes a few seconds; this is well past any normal wait, so the hint means something.
pub const STILL_WAITING_AFTER: Duration = Duration::from_secs(15);

/// Shows, under whatever says "Loading…", that the wait for `what` has gone on for
/// `STILL_WAITING_AFTER`, that nothing is lost, and a Reload: a browser's storage can stall
/// (another tab holding it, a browser bug) and a reload is what frees it. Hidden again as soon
/// as `busy` turns false, and counted afresh each time it turns true.
#[component]
pub fn StillWaiting(
    #[prop(into)] busy: Signal<bool>,
    /// What is being waited for, as the sentence's subject: "The sample data".
    what: &'static str,
) -> impl IntoView {
    let slow = RwSignal::new(false);
    // Each wait gets a number; a timer from an earlier wait finds it changed and does nothing.
    let wait = StoredValue::new(0u64);
    Effect::new(move |_| {
        let waiting = busy.get();
        slow.set(false);
        wait.update_value(|n| *n = n.wrapping_add(1));
        if waiting {
            let mine = wait.get_value();
            set_timeout(
                move || {
                    if wait.try_get_value() == Some(mine) {
                        let _ = slow.try_set(true);
                    }
                },
                STILL_WAITING_AFTER,
            );
        }
    });
    move || {
        slow.get().then(|| {
            view! {
                <p class="hint still-waiting" role="status">
                    {what}" is still waiting for this browser's storage, "{STILL_WAITING_AFTER.as_secs()}" s on. "
                    "Nothing is lost: what is saved stays saved, and a write either finishes whole or not at all. "
                    "If it stays like this, close other tabs of Escalation Desk, or reload. "
                    <button type="button" on:click=|_| crate::browser::reload_page()>"Reload"</button>
                </p>
            }
        })
    }
}
