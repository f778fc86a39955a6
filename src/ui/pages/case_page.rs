//! One case: its facts, title editing, notes, and the timeline of every change.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::domain::case::CaseKey;
use crate::domain::{Case, CaseEvent, DomainError};
use crate::storage::{StorageError, cases};
use crate::ui::browser::{self, format_time};
use crate::ui::components::drafts::{draft_saver, restore_draft};
use crate::ui::components::timeline::Timeline;
use crate::ui::state::{AppState, Boot, app_state, database};

#[derive(Debug, Clone, thiserror::Error)]
pub enum CasePageError {
    #[error("the timeline could not be loaded: {0}")]
    Timeline(StorageError),
}

#[component]
pub fn CasePage() -> impl IntoView {
    let state = app_state();
    let params = use_params_map();
    let key = move || params.with(|p| p.get("key").unwrap_or_default());
    let case = Memo::new(move |_| {
        let key = CaseKey::parse(&key())?;
        state
            .cases
            .with(|all| all.iter().find(|c| c.key == key).cloned())
    });

    move || {
        match (state.boot.get(), case.get()) {
        (Boot::Loading, _) => view! { <p class="loading" role="status">"Loading case…"</p> }.into_any(),
        (_, None) => view! {
            <section class="panel">
                <h1>{format!("No case {} on this device", key())}</h1>
                <p>"It may live in a teammate's browser; ask them for a bundle. "<A href="/">"Back to the queue"</A></p>
            </section>
        }
        .into_any(),
        // Keyed by id so switching cases rebuilds the page, but edits to this case do not.
        (_, Some(found)) => {
            let id = found.id;
            view! { <CaseDetail id=id/> }.into_any()
        }
    }
    }
}

#[component]
fn CaseDetail(id: uuid::Uuid) -> impl IntoView {
    let state = app_state();
    let case = Memo::new(move |_| {
        state
            .cases
            .with(|all| all.iter().find(|c| c.id == id).cloned())
    });
    let events = RwSignal::new(Vec::<CaseEvent>::new());
    let load_error = RwSignal::new(None::<CasePageError>);
    let unreadable = RwSignal::new(Vec::<String>::new());
    leptos::task::spawn_local(async move {
        let result = match database() {
            Ok(db) => cases::load_events(&db, id).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(found) => {
                events.set(found.items);
                unreadable.set(found.unreadable.iter().map(ToString::to_string).collect());
            }
            Err(e) => load_error.set(Some(CasePageError::Timeline(e))),
        }
    });

    view! {
        {move || case.get().map(|c| view! { <CaseHeader case=c events=events/> })}
        <NoteComposer id=id events=events/>
        <section class="panel">
            <h2>"Timeline"</h2>
            {move || load_error.get().map(Err::<(), _>)}
            <Show when=move || !unreadable.with(Vec::is_empty)>
                <div class="warning-panel" role="alert">
                    <p>"Some timeline entries could not be read and are left in storage untouched:"</p>
                    <ul>{move || unreadable.get().into_iter().map(|why| view! { <li>{why}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <Timeline events=events.into()/>
        </section>
    }
}

#[component]
fn CaseHeader(case: Case, events: RwSignal<Vec<CaseEvent>>) -> impl IntoView {
    let state = app_state();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(case.title.clone());
    let error = RwSignal::new(None::<String>);
    let current = StoredValue::new(case.clone());

    let save = move || {
        let before = current.get_value();
        match before.retitle(
            &draft.get_untracked(),
            browser::new_id(),
            &state.actor(),
            browser::now(),
        ) {
            Err(DomainError::NoChange) => editing.set(false),
            Err(e) => error.set(Some(e.to_string())),
            Ok((next, event)) => persist(
                state,
                before.revision,
                next,
                event,
                None,
                events,
                error,
                move || editing.set(false),
            ),
        }
    };

    view! {
        <section class="panel case-head">
            <p class="case-key">{case.key.to_string()}" · "{case.status.label()}" · "{case.severity.label()}</p>
            <Show when=move || editing.get() fallback=move || view! {
                <div class="title-row">
                    <h1>{current.get_value().title}</h1>
                    <button type="button" on:click=move |_| { draft.set(current.get_value().title); error.set(None); editing.set(true) }>"Edit title"</button>
                </div>
            }>
                <form class="title-edit" on:submit=move |ev| { ev.prevent_default(); save() }>
                    <label for="case-title">"Title"</label>
                    <input id="case-title" type="text" autofocus=true
                        aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby="case-title-error"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Escape" { editing.set(false) }/>
                    <button type="submit" class="primary">"Save title"</button>
                    <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                    <p class="field-error" id="case-title-error" role="alert">{move || error.get()}</p>
                </form>
            </Show>
            <dl class="facts">
                <dt>"Account"</dt><dd>{case.account.clone()}</dd>
                <dt>"Contact"</dt><dd>{case.contact_email.clone()}</dd>
                <dt>"Opened"</dt><dd>{move || format_time(case.created_at, &state.zone())}</dd>
            </dl>
        </section>
    }
}

#[component]
fn NoteComposer(id: uuid::Uuid, events: RwSignal<Vec<CaseEvent>>) -> impl IntoView {
    let state = app_state();
    let draft_key = format!("note:{id}");
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let draft_status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save_draft = draft_saver(draft_key.clone(), draft_status);
    restore_draft(draft_key.clone(), move |saved| {
        if text.get_untracked().is_empty() {
            text.set(saved);
        }
    });
    let draft_key = StoredValue::new(draft_key);

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(before) = state
            .cases
            .with_untracked(|all| all.iter().find(|c| c.id == id).cloned())
        else {
            return;
        };
        match before.note(
            &text.get_untracked(),
            browser::new_id(),
            &state.actor(),
            browser::now(),
        ) {
            Err(e) => error.set(Some(e.to_string())),
            Ok((next, event)) => {
                busy.set(true);
                persist(
                    state,
                    before.revision,
                    next,
                    event,
                    Some(draft_key.get_value()),
                    events,
                    error,
                    move || {
                        text.set(String::new());
                        busy.set(false);
                    },
                );
            }
        }
    };

    view! {
        <form class="panel note-form" on:submit=add>
            <label for="note">"Note"</label>
            <textarea id="note" rows="4" aria-describedby="note-error"
                prop:value=move || text.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    text.set(value.clone());
                    error.set(None);
                    save_draft(value);
                }></textarea>
            <p class="field-error" id="note-error" role="alert">{move || error.get()}</p>
            <p class="form-warning" role="status">{move || draft_status.get()}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>"Add note"</button>
            </div>
        </form>
    }
}

/// Saves a change and its event in one transaction, then mirrors it in memory.
/// On failure nothing in memory changes, so what the user typed is still on screen.
#[allow(clippy::too_many_arguments)]
fn persist(
    state: AppState,
    expected_revision: u64,
    next: Case,
    event: CaseEvent,
    draft_key: Option<String>,
    events: RwSignal<Vec<CaseEvent>>,
    error: RwSignal<Option<String>>,
    on_saved: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        let result = match database() {
            Ok(db) => {
                cases::save_change(&db, expected_revision, &next, &event, draft_key.as_deref())
                    .await
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                state.upsert(next);
                events.update(|all| all.push(event));
                error.set(None);
            }
            Err(e) => error.set(Some(format!("Not saved: {e}"))),
        }
        on_saved();
    });
}
