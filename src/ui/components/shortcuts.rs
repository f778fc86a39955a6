//! The keyboard shortcuts overlay: `?` on any page (unless single-letter keys are off), Esc or Close to leave.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use super::keys::is_typing;
use crate::app::state::app_state;

#[component]
pub fn ShortcutsOverlay() -> impl IntoView {
    let state = app_state();
    let open = RwSignal::new(false);
    // Where focus was, to give it back when the overlay closes.
    let returning = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let close = move || {
        open.set(false);
        if let Some(el) = returning.get_value() {
            let _ = el.focus();
        }
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if open.get_untracked() && ev.key() == "Escape" {
            ev.prevent_default();
            close();
            return;
        }
        if ev.key() != "?"
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
            || is_typing(&ev)
            || state.prefs.with_untracked(|p| p.single_key_shortcuts_off)
        {
            return;
        }
        ev.prevent_default();
        if open.get_untracked() {
            close();
        } else {
            returning.set_value(
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
            );
            open.set(true);
        }
    });
    on_cleanup(move || keys.remove());
    // `autofocus` does not apply to an element added after load; focus it once it exists.
    let close_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(button) = close_button.get()
        {
            let _ = button.focus();
        }
    });
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop" on:click=move |_| close()>
                <div class="dialog panel" role="dialog" aria-modal="true" aria-labelledby="help-title" on:click=|ev| ev.stop_propagation()
                    // The one control inside; Tab stays on it rather than wandering behind the dialog.
                    on:keydown=move |ev: KeyboardEvent| if ev.key() == "Tab" { ev.prevent_default() }>
                    <h2 id="help-title">"Keyboard shortcuts"</h2>
                    <h3>"Anywhere"</h3>
                    <dl class="shortcuts">
                        <dt><kbd>"Ctrl"</kbd>"/"<kbd>"⌘"</kbd>" + "<kbd>"K"</kbd></dt><dd>"Command palette: any page, case or action"</dd>
                        <dt><kbd>"?"</kbd></dt><dd>"Show or hide this help"</dd>
                        <dt><kbd>"Esc"</kbd></dt><dd>"Close a dialog"</dd>
                    </dl>
                    <h3>"Queue"</h3>
                    <dl class="shortcuts">
                        <dt><kbd>"j"</kbd>" / "<kbd>"k"</kbd>", arrows"</dt><dd>"Next / previous case"</dd>
                        <dt><kbd>"Enter"</kbd></dt><dd>"Open the case"</dd>
                        <dt><kbd>"x"</kbd></dt><dd>"Select or unselect the case"</dd>
                        <dt><kbd>"l"</kbd></dt><dd>"Log a call: open call mode for the case"</dd>
                        <dt><kbd>"/"</kbd></dt><dd>"Search"</dd>
                        <dt><kbd>"c"</kbd></dt><dd>"New case"</dd>
                        <dt><kbd>"Esc"</kbd></dt><dd>"Clear the selection"</dd>
                    </dl>
                    <h3>"Case"</h3>
                    <dl class="shortcuts">
                        <dt><kbd>"l"</kbd></dt><dd>"Start a call, with the cursor in its notes"</dd>
                        <dt><kbd>"e"</kbd></dt><dd>"Email the user: choose a template"</dd>
                        <dt><kbd>"h"</kbd></dt><dd>"Hand off to a partner team"</dd>
                        <dt><kbd>"n"</kbd></dt><dd>"Write a note"</dd>
                        <dt><kbd>"Ctrl"</kbd>"/"<kbd>"⌘"</kbd>" + "<kbd>"Enter"</kbd></dt><dd>"Log it: the call, the note, the hand-off, or the email as sent"</dd>
                        <dt><kbd>"Esc"</kbd></dt><dd>"Leave the field you are typing in (it is kept), so these keys work again"</dd>
                    </dl>
                    <p class="hint">"Shortcuts never fire while you type in a field. Settings can turn the single-letter ones off."</p>
                    <button type="button" class="primary" node_ref=close_button on:click=move |_| close()>"Close"</button>
                </div>
            </div>
        </Show>
    }
}
