//! The wasm entry point: install the panic hook and mount the app; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    escalation_desk::browser::install_panic_page();
    // The static shell in index.html stood in while the code loaded; the app replaces it.
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot-shell"))
    {
        shell.remove();
    }
    // `/?safe` starts safe mode: no queue, no clocks, only the stored records and what to do with them.
    let safe = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.trim_start_matches('?').split('&').any(|p| p == "safe"));
    if safe {
        leptos::mount::mount_to_body(escalation_desk::ui::SafeMode);
    } else {
        leptos::mount::mount_to_body(escalation_desk::ui::App);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Escalation Desk runs in the browser: use scripts/serve.");
}
