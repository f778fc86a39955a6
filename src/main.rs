//! The wasm entry point: install the panic hook and mount the app; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    escalation_desk::ui::browser::install_panic_banner();
    leptos::mount::mount_to_body(escalation_desk::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Escalation Desk runs in the browser: use scripts/serve.");
}
