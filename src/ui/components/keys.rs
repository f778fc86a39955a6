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
