//! A page going into the back/forward cache first gives up its IndexedDB transactions and connection, and starts afresh if it is ever shown again.
//!
//! WebKit keeps such a page frozen with its transactions open, and they then hold up every later
//! transaction on their stores, from other tabs and from the app's next load in this tab alike
//! (`storage::transactions`). Aborting them on `pagehide` frees the stores; an aborted write
//! changes nothing, as when a tab is closed mid-save. A page that comes back reloads rather than
//! run on with a closed database and whatever other tabs wrote meanwhile unseen; text typed in a
//! form is in its draft by then (drafts are kept within 300 ms of typing).

use std::cell::Cell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::db::DATABASE;

thread_local! {
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// Installs the two listeners, once per page.
pub fn give_way_when_frozen() {
    if INSTALLED.with(|installed| installed.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_hide = Closure::<dyn FnMut(web_sys::PageTransitionEvent)>::new(
        |event: web_sys::PageTransitionEvent| {
            // Not persisted: the page is being discarded, and the browser aborts its work itself.
            if !event.persisted() {
                return;
            }
            crate::storage::transactions::abort_open();
            if let Some(db) = DATABASE.with(|slot| slot.borrow_mut().take()) {
                db.close();
            }
        },
    );
    let on_show = Closure::<dyn FnMut(web_sys::PageTransitionEvent)>::new(
        |event: web_sys::PageTransitionEvent| {
            if event.persisted()
                && let Some(window) = web_sys::window()
            {
                let _ = window.location().reload();
            }
        },
    );
    let _ = window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("pageshow", on_show.as_ref().unchecked_ref());
    // They live as long as the page.
    on_hide.forget();
    on_show.forget();
}
