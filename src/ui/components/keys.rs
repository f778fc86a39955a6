//! Keyboard shortcuts' shared rule: a key that went to a text field is text, not a command.

/// True when a key went to a text field, where letters are text, not commands: every
/// single-key shortcut asks this first.
pub fn is_typing(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

/// True for a single-key command: no modifier, not typed into a field, and not turned off in
/// Settings (letters only: arrows and Enter are not letters a person might mean as text).
pub fn is_command_key(ev: &web_sys::KeyboardEvent, single_keys_off: bool) -> bool {
    let letter = ev.key().chars().count() == 1;
    !(ev.ctrl_key()
        || ev.meta_key()
        || ev.alt_key()
        || is_typing(ev)
        || (single_keys_off && letter))
}

/// Ctrl+Enter (⌘+Enter on a Mac): "done with this text, send it", the chord mail and chat apps
/// use, since a plain Enter in a text area is a new line.
pub fn is_submit_chord(ev: &web_sys::KeyboardEvent) -> bool {
    ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key()
}

/// Submits the form the key went to, as its submit button would (validation and `submit`
/// handlers included), when the key is the submit chord. Put on a form's `keydown`.
pub fn submit_form_on_chord(ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if !is_submit_chord(ev) {
        return;
    }
    let form = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("form").ok().flatten())
        .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
    if let Some(form) = form {
        ev.prevent_default();
        let _ = form.request_submit();
    }
}

/// Moves focus to the element with this id (and so scrolls it into view). False when there is none.
pub fn focus_id(id: &str) -> bool {
    use wasm_bindgen::JsCast;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}
