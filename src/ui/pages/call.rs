//! Call mode: a `tel:` link, a running timer and notes saved on every keystroke, logged as one call event.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::case_outreach::LoggedForm;
use super::case_page::CaseRoute;
use crate::app::drafts::DraftKey;
use crate::app::state::app_state;
use crate::browser::{self, format_time};
use crate::domain::EventKind;
use crate::domain::case::events::CallOutcome;
use crate::domain::mailto::tel;
use crate::ui::components::form_status::FormStatus;

#[component]
pub fn CallPage() -> impl IntoView {
    view! { <CaseRoute page=|id| view! { <CallMode case_id=id/> }.into_any()/> }
}

fn draft_key(case_id: Uuid) -> DraftKey {
    DraftKey::Call(case_id)
}

#[component]
fn CallMode(case_id: Uuid) -> impl IntoView {
    let state = app_state();
    let case = Memo::new(move |_| {
        state
            .cases
            .with(|all| all.iter().find(|c| c.id == case_id).cloned())
    });
    // The start time lives in the draft too, so a reload mid-call keeps counting from the
    // real start instead of from zero.
    let started = RwSignal::new(browser::now().timestamp_millis().to_string());
    let notes = RwSignal::new(String::new());
    let next_steps = RwSignal::new(String::new());
    let outcome = RwSignal::new("Reached".to_string());
    let confirm_discard = RwSignal::new(false);
    let form = LoggedForm::new(
        case_id,
        draft_key(case_id),
        vec![
            ("started", started),
            ("notes", notes),
            ("next_steps", next_steps),
            ("outcome", outcome),
        ],
    );
    let LoggedForm {
        error,
        busy,
        draft_status,
        ..
    } = form;
    // A call with no draft yet is a new call: record its start at once, so even a tab killed
    // before the first keystroke comes back to the same call.
    leptos::task::spawn_local(async move {
        // Only a definite "no draft" starts a new one; a failed read must not overwrite it.
        if let Ok(None) = crate::app::drafts::read(&draft_key(case_id)).await {
            form.redraft();
        }
    });
    // A call is about the notes: the cursor starts there, so `l` from the queue is one key
    // away from typing (the whole page is otherwise 15 Tabs of links and buttons).
    let notes_field = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(field) = notes_field.get() {
            let _ = field.focus();
        }
    });
    let edit = form.editor();
    let tick = RwSignal::new(browser::now());
    if let Ok(handle) = set_interval_with_handle(
        move || tick.set(browser::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let started_at = Memo::new(move |_| {
        started
            .get()
            .parse::<i64>()
            .ok()
            .and_then(chrono::DateTime::from_timestamp_millis)
            .unwrap_or_else(browser::now)
    });
    let elapsed = move || (tick.get() - started_at.get()).num_seconds().max(0);
    let navigate = StoredValue::new(use_navigate());
    // Runs once the call is logged or discarded; if the person has left call mode meanwhile,
    // they stay where they went.
    let back_to_case = move || {
        let key = case.try_with_untracked(|c| c.as_ref().map(|c| c.key.to_string()));
        if let Some(Some(key)) = key {
            navigate.try_with_value(|n| n(&format!("/cases/{key}"), Default::default()));
        }
    };
    let log_call = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = CallOutcome::ALL
            .into_iter()
            .find(|o| format!("{o:?}") == outcome.get_untracked())
            .unwrap_or(CallOutcome::Reached);
        let seconds = (browser::now() - started_at.get_untracked())
            .num_seconds()
            .clamp(0, i64::from(u32::MAX)) as u32;
        let kinds = vec![EventKind::CallLogged {
            outcome: chosen,
            duration_seconds: seconds,
            notes: notes.get_untracked(),
            next_steps: next_steps.get_untracked(),
        }];
        form.submit(kinds, None, back_to_case);
    };
    let discard = move |_| {
        if !confirm_discard.get_untracked() {
            confirm_discard.set(true);
            return;
        }
        form.cancel_draft();
        let held = form.held_draft();
        leptos::task::spawn_local(async move {
            match crate::app::drafts::remove(&held).await {
                Ok(()) => back_to_case(),
                Err(e) => error.set(Some(format!("The draft could not be discarded: {e}"))),
            }
        });
    };
    view! {
        <form class="panel call-mode" on:submit=log_call novalidate=true aria-labelledby="call-heading"
            on:keydown=|ev| crate::ui::components::keys::submit_form_on_chord(&ev)>
            {move || case.get().map(|c| {
                let phone = c.contacts.iter().find(|x| !x.phone.trim().is_empty()).map(|x| (x.name.clone(), x.phone.clone()));
                view! {
                    <p class="breadcrumb"><A href=format!("/cases/{}", c.key)>{format!("← {} · {}", c.key, c.title)}</A></p>
                    <h1 id="call-heading">{format!("Call with {}", c.account.name)}</h1>
                    {match phone.and_then(|(name, p)| tel(&p).map(|link| (name, p, link))) {
                        Some((name, p, link)) => view! {
                            <p><a class="button primary" href=link>{format!("Dial {p}")}</a>{(!name.is_empty()).then(|| format!(" {name}"))}</p>
                        }.into_any(),
                        None => view! { <p class="muted">"No phone number on this case. Add one under Details, or dial from your phone's history."</p> }.into_any(),
                    }}
                }
            })}
            <p class="call-timer">
                "Call time "
                // A live countdown announced every second would drown a screen reader.
                <span role="timer" aria-live="off">{move || {
                    let s = elapsed();
                    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
                }}</span>
                {move || format!(" · started {}", format_time(started_at.get(), &state.zone()))}
                " "
                <button type="button" class="link" on:click=move |_| edit.run((started, browser::now().timestamp_millis().to_string()))>"Restart timer"</button>
            </p>
            <FormStatus draft=draft_status aside=form.set_aside_shown()/>
            <div class="field">
                <label for="call-notes">"Call notes"</label>
                <textarea id="call-notes" rows="12" node_ref=notes_field prop:value=move || notes.get() on:input=move |ev| edit.run((notes, event_target_value(&ev)))></textarea>
                <p class="hint">"Saved on this device as you type, so a reload or a closed tab loses nothing."</p>
            </div>
            <div class="field">
                <label for="call-next-steps">"Next steps"</label>
                <textarea id="call-next-steps" rows="3" prop:value=move || next_steps.get() on:input=move |ev| edit.run((next_steps, event_target_value(&ev)))></textarea>
            </div>
            <fieldset class="field">
                <legend>"Outcome"</legend>
                {CallOutcome::ALL.into_iter().map(|o| {
                    let value = format!("{o:?}");
                    let checked_value = value.clone();
                    view! {
                        <label class="checkbox">
                            <input type="radio" name="call-outcome" value=value.clone()
                                prop:checked=move || outcome.get() == checked_value
                                on:change=move |_| edit.run((outcome, value.clone()))/>
                            {format!(" {}", o.label())}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <FormStatus error=error/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>"End call and log it"</button>
                <button type="button" on:click=discard>{move || if confirm_discard.get() { "Discard these notes? Click again" } else { "Discard call" }}</button>
            </div>
        </form>
    }
}
