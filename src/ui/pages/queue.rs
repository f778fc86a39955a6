//! The queue: every case on this device, most pressing first, with intake and first-run sample data.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::case::queue_order;
use crate::domain::sample::{FIRST_RUN_SEED, FIRST_RUN_SIZE};
use crate::storage::cases;
use crate::ui::browser;
use crate::ui::components::intake::IntakeForm;
use crate::ui::state::{Boot, app_state, database};

/// Rows drawn at once until the virtualised queue arrives; the count says when there are more.
const ROW_LIMIT: usize = 500;

#[component]
pub fn QueuePage() -> impl IntoView {
    let state = app_state();
    let show_intake = RwSignal::new(false);
    let sample_error = RwSignal::new(None::<String>);
    let sample_busy = RwSignal::new(false);

    let ordered = Memo::new(move |_| {
        let mut all = state.cases.get();
        all.sort_by(queue_order);
        all
    });

    let load_sample = move |_| {
        sample_busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match database() {
                Ok(db) => {
                    cases::load_sample_data(&db, FIRST_RUN_SEED, FIRST_RUN_SIZE, browser::now())
                        .await
                }
                Err(e) => Err(e),
            };
            let result = match result {
                Ok(_) => state.reload_cases().await,
                Err(e) => Err(e),
            };
            sample_busy.set(false);
            sample_error.set(
                result
                    .err()
                    .map(|e| format!("Sample data was not loaded: {e}")),
            );
        });
    };

    view! {
        <section class="queue">
            <div class="page-head">
                <h1>"Queue"</h1>
                <button type="button" class="primary" on:click=move |_| show_intake.set(true)>"New case"</button>
            </div>
            <Show when=move || !state.unreadable.with(Vec::is_empty)>
                <section class="panel warning-panel" role="alert">
                    <h2>{move || format!("{} stored case(s) could not be read", state.unreadable.with(Vec::len))}</h2>
                    <p>"They are left in storage exactly as they are, so nothing is lost. Export a backup before changing anything."</p>
                    <ul>{move || state.unreadable.get().into_iter().map(|why| view! { <li>{why}</li> }).collect_view()}</ul>
                </section>
            </Show>
            <Show when=move || show_intake.get()>
                <IntakeForm on_close=Callback::new(move |_| show_intake.set(false))/>
            </Show>
            {move || match state.boot.get() {
                Boot::Loading => view! { <p class="loading" role="status">"Loading cases…"</p> }.into_any(),
                _ if ordered.with(|c| c.is_empty()) => view! {
                    <div class="panel empty-state">
                        <h2>"No cases yet"</h2>
                        <p>"Cases you create are stored on this device and work offline."</p>
                        <p>"New to Escalation Desk? Load a realistic set of "{FIRST_RUN_SIZE}" payments escalations to explore."</p>
                        <button type="button" on:click=load_sample disabled=move || sample_busy.get()>
                            {move || if sample_busy.get() { "Loading sample data…" } else { "Load sample data" }}
                        </button>
                        <p class="form-error" role="alert">{move || sample_error.get()}</p>
                    </div>
                }.into_any(),
                _ => view! { <CaseTable ordered=ordered/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CaseTable(ordered: Memo<Vec<crate::domain::Case>>) -> impl IntoView {
    let shown = move || ordered.with(|all| all.iter().take(ROW_LIMIT).cloned().collect::<Vec<_>>());
    view! {
        <p class="count" role="status">
            {move || {
                let total = ordered.with(|c| c.len());
                if total > ROW_LIMIT { format!("Showing the first {ROW_LIMIT} of {total} cases") } else { format!("{total} cases") }
            }}
        </p>
        <table class="case-table">
            <thead>
                <tr><th scope="col">"Key"</th><th scope="col">"Title"</th><th scope="col">"Account"</th><th scope="col">"Severity"</th><th scope="col">"Status"</th></tr>
            </thead>
            <tbody>
                <For each=shown key=|c| (c.id, c.revision) let:case>
                    <tr class="case-row">
                        <td class="key"><A href=format!("/cases/{}", case.key)>{case.key.to_string()}</A></td>
                        <td class="title">{case.title.clone()}</td>
                        <td>{case.account.clone()}</td>
                        <td><span class=format!("sev sev-{}", case.severity.code().to_lowercase())>{case.severity.code()}</span></td>
                        <td>{case.status.label()}</td>
                    </tr>
                </For>
            </tbody>
        </table>
    }
}
