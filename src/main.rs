//! The wasm entry point: install the panic hook and mount the app; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    escalation_desk::ui::browser::install_panic_banner();
    // The static shell in index.html stood in while the code loaded; the app replaces it.
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot-shell"))
    {
        shell.remove();
    }
    leptos::mount::mount_to_body(escalation_desk::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Escalation Desk runs in the browser: use scripts/serve.");
}
