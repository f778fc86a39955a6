//! The shell: router, header navigation, start-up, and the top-level error boundary.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use super::on_demand::{self, on_demand};
use super::pages::{call::CallPage, case_page::CasePage, queue::QueuePage};
use crate::app::StorageError;
use crate::app::state::{AppState, Boot};
use crate::browser;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.start_clock();
    leptos::task::spawn_local(state.start());
    // Team sync runs only if the person turned it on; otherwise this makes no request.
    let sync_view = crate::app::sync::SyncView::new();
    provide_context(sync_view);
    crate::app::sync::start(state, sync_view);
    browser::register_service_worker();
    // Only a failure swaps the page out; Loading -> Ready must not rebuild the router.
    let failure = Memo::new(move |_| match state.boot.get() {
        Boot::Failed(error) => Some(error),
        _ => None,
    });

    super::components::palette::apply_theme(&state.prefs.with_untracked(|p| p.theme.clone()));
    // Offline is normal at this desk, so it is a quiet note in the header, never a banner.
    let online = RwSignal::new(browser::is_online());
    let went_offline = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    let came_back = window_event_listener(leptos::ev::online, move |_| online.set(true));
    on_cleanup(move || {
        went_offline.remove();
        came_back.remove();
    });

    view! {
        <Router>
            <super::components::palette::CommandPalette/>
            <super::components::shortcuts::ShortcutsOverlay/>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="app-header">
                <A href="/" attr:class="brand">"Escalation Desk"</A>
                <nav aria-label="Main">
                    <A href="/" exact=true>"Queue"</A>
                    <A href="/problems">"Problems"</A>
                    <A href="/rcas">"RCAs"</A>
                    <A href="/insights">"Insights"</A>
                    <A href="/sql">"SQL"</A>
                    <A href="/playbooks">"Playbooks"</A>
                    <A href="/templates">"Templates"</A>
                    <A href="/data">"Data"</A>
                    <A href="/settings">"Settings"</A>
                </nav>
                <span class="draft-indicator" role="status" aria-live="polite">{move || {
                    use crate::app::state::DraftActivity;
                    match state.drafts.get() {
                        DraftActivity::Idle => "",
                        DraftActivity::Saving => "Saving draft…",
                        DraftActivity::Saved => "Draft saved",
                        DraftActivity::Failed => "Draft not saved",
                    }
                }}</span>
                <Show when=move || sync_view.status.get() != crate::app::sync::SyncStatus::Off>
                    <A href="/settings" attr:class="sync-note" attr:role="status">{move || {
                        let words = sync_view.status.get().words(state.clock.get());
                        let open = sync_view.reviews.with(|r| r.iter().filter(|r| r.review.is_open()).count());
                        let refused = sync_view.not_accepted.get();
                        let words = if refused == 0 { words } else { format!("{words} · {refused} change(s) refused by the server") };
                        if open == 0 { words } else { format!("{words} · {open} conflict(s) to review") }
                    }}</A>
                </Show>
                <Show when=move || !online.get()>
                    <span class="offline-note" role="status" title="No connection. Everything you do is saved on this device; nothing here needs the network.">"Offline · saved on this device"</span>
                </Show>
            </header>
            <main id="main" tabindex="-1">
                {move || match failure.get() {
                    Some(error) => view! { <StorageUnavailable error=error/> }.into_any(),
                    None => view! {
                        <ErrorBoundary fallback=|errors| view! {
                            <section class="panel error-panel" role="alert">
                                <h1>"Something went wrong on this page"</h1>
                                <ul>
                                    {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
                                </ul>
                                <p>"The rest of the app still works. "<A href="/">"Back to the queue"</A></p>
                            </section>
                        }>
                            <Routes fallback=|| view! { <NotFound/> }>
                                <Route path=path!("/") view=QueuePage/>
                                <Route path=path!("/cases/:key") view=CasePage/>
                                <Route path=path!("/cases/:key/call") view=CallPage/>
                                // Everything below arrives on demand (see on_demand.rs).
                                <Route path=path!("/templates") view=|| on_demand(on_demand::templates_page)/>
                                <Route path=path!("/playbooks") view=|| on_demand(on_demand::playbooks_page)/>
                                <Route path=path!("/playbooks/:id") view=|| on_demand(on_demand::playbook_page)/>
                                <Route path=path!("/problems") view=|| on_demand(on_demand::problems_page)/>
                                <Route path=path!("/problems/:key") view=|| on_demand(on_demand::problem_page)/>
                                <Route path=path!("/rcas") view=|| on_demand(on_demand::rcas_page)/>
                                <Route path=path!("/rcas/:key") view=|| on_demand(on_demand::rca_page)/>
                                <Route path=path!("/rcas/:key/print") view=|| on_demand(on_demand::rca_print_page)/>
                                <Route path=path!("/settings") view=|| on_demand(on_demand::settings_page)/>
                                <Route path=path!("/data") view=|| on_demand(on_demand::data_page)/>
                                <Route path=path!("/insights") view=|| on_demand(on_demand::insights_page)/>
                                <Route path=path!("/sql") view=|| on_demand(on_demand::sql_console_page)/>
                            </Routes>
                        </ErrorBoundary>
                    }.into_any(),
                }}
            </main>
        </Router>
    }
}

/// Shown instead of the app when its data is out of reach: storage refused, or handed to another tab.
#[component]
fn StorageUnavailable(error: StorageError) -> impl IntoView {
    let reload = |_| crate::browser::reload_page();
    match error {
        StorageError::ClosedForAnotherTab | StorageError::NewerSchema { .. } | StorageError::Blocked => view! {
            <section class="panel error-panel" role="alert">
                <h1>"Escalation Desk was updated in another tab"</h1>
                <p>{error.to_string()}</p>
                <button type="button" class="primary" on:click=reload>"Reload"</button>
            </section>
        }
        .into_any(),
        other => view! {
            <section class="panel error-panel" role="alert">
                <h1>"Escalation Desk cannot store data in this browser"</h1>
                <p>{other.to_string()}</p>
                <p>
                    "Cases are kept only on this device, in the browser's IndexedDB. "
                    "Open the app in a normal (not private) window, allow site data for this address, "
                    "and close any other Escalation Desk tab that is upgrading, then reload."
                </p>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Page not found"</h1>
            <p><A href="/">"Back to the queue"</A></p>
        </section>
    }
}
