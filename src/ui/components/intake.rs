//! The new-case form: validated inline, draft kept while typing, and one transaction to create.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::drafts::{draft_saver, restore_draft};
use crate::app::cases;
use crate::app::drafts::DraftKey;
use crate::app::state::app_state;
use crate::browser;
use crate::domain::triage::{ExistingCase, possible_duplicates};
use crate::domain::{FieldError, NewCaseInput, Severity};
use crate::ui::components::form_status::FormStatus;
use leptos_router::components::A;

#[component]
pub fn IntakeForm(on_close: Callback<()>) -> impl IntoView {
    let state = app_state();
    let input = RwSignal::new(NewCaseInput {
        severity: "S3".into(),
        ..Default::default()
    });
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let save_failure = RwSignal::new(None::<String>);
    let draft_status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save_draft = draft_saver(DraftKey::Intake, draft_status);
    let draft_aside = save_draft.set_aside_shown();
    let creating_saver = save_draft.clone();
    // `autofocus` only acts on page load; a form opened later is focused by hand.
    let title_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = title_input.get() {
            let _ = input.focus();
        }
    });

    restore_draft(&save_draft, move |text| {
        if let Ok(saved) = serde_json::from_str::<NewCaseInput>(&text) {
            input.set(saved);
        }
    });

    type Edit = (fn(&mut NewCaseInput, String), String);
    let edit = Callback::new(move |(apply, value): Edit| {
        input.update(|i| apply(i, value));
        let snapshot = serde_json::to_string(&input.get_untracked()).unwrap_or_default();
        save_draft.save(snapshot);
    });
    let error_for = move |field: &'static str| {
        move || {
            errors.with(|all| {
                all.iter()
                    .find(|e| e.field == field)
                    .map(|e| e.message.clone())
            })
        }
    };

    // Likely duplicates: open cases for the same account with a similar title, last 14 days.
    let duplicates = Memo::new(move |_| {
        let (title, account) = input.with(|i| (i.title.clone(), i.account.clone()));
        if title.trim().is_empty() || account.trim().is_empty() {
            return Vec::new();
        }
        state.cases.with(|all| {
            let existing = all.iter().map(|c| ExistingCase {
                id: c.id,
                title: &c.title,
                account: &c.account.name,
                open: c.status.is_open(),
                created_at: c.created_at,
            });
            possible_duplicates(&title, &account, existing, browser::now())
                .into_iter()
                .take(5)
                .filter_map(|d| all.iter().find(|c| c.id == d.id))
                .map(|c| (c.key.to_string(), c.title.clone(), c.status.label()))
                .collect::<Vec<_>>()
        })
    });
    // Creating despite a warning takes a second, deliberate click.
    let acknowledged = RwSignal::new(false);
    Effect::new(move |_| {
        duplicates.track();
        acknowledged.set(false);
    });

    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let valid = match input.get_untracked().validate() {
            Ok(valid) => valid,
            Err(found) => {
                errors.set(found);
                return;
            }
        };
        errors.set(Vec::new());
        if !duplicates.with_untracked(Vec::is_empty) && !acknowledged.get_untracked() {
            acknowledged.set(true);
            return;
        }
        busy.set(true);
        // The create transaction deletes the draft; a late debounced write must not bring it back.
        creating_saver.cancel();
        let held = creating_saver.held();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = cases::open(state, valid, Some(&held)).await;
            busy.set(false);
            match result {
                Ok(case) => {
                    let key = case.key.to_string();
                    // The case is saved; if the form was closed meanwhile there is nothing left to update.
                    if input.try_get_untracked().is_none() {
                        return;
                    }
                    input.set(NewCaseInput {
                        severity: "S3".into(),
                        ..Default::default()
                    });
                    on_close.run(());
                    navigate(&format!("/cases/{key}"), Default::default());
                }
                Err(e) => save_failure.set(Some(format!("The case was not created: {e}"))),
            }
        });
    };

    view! {
        <form class="panel intake" on:submit=submit novalidate=true aria-labelledby="intake-heading">
            <h2 id="intake-heading">"New case"</h2>
            <Field id="intake-title" label="Title" error=Signal::derive(error_for("Title"))>
                <input id="intake-title" node_ref=title_input type="text" autocomplete="off"
                    aria-invalid=move || error_for("Title")().is_some().to_string()
                    aria-describedby="intake-title-error"
                    prop:value=move || input.with(|i| i.title.clone())
                    on:input=move |ev| edit.run((|i, v| i.title = v, event_target_value(&ev)))/>
            </Field>
            <Field id="intake-account" label="Account" error=Signal::derive(error_for("Account"))>
                <input id="intake-account" type="text" autocomplete="off"
                    aria-invalid=move || error_for("Account")().is_some().to_string()
                    aria-describedby="intake-account-error"
                    prop:value=move || input.with(|i| i.account.clone())
                    on:input=move |ev| edit.run((|i, v| i.account = v, event_target_value(&ev)))/>
            </Field>
            <Field id="intake-email" label="Contact email" error=Signal::derive(error_for("Contact email"))>
                <input id="intake-email" type="email" autocomplete="off"
                    aria-invalid=move || error_for("Contact email")().is_some().to_string()
                    aria-describedby="intake-email-error"
                    prop:value=move || input.with(|i| i.contact_email.clone())
                    on:input=move |ev| edit.run((|i, v| i.contact_email = v, event_target_value(&ev)))/>
            </Field>
            <Field id="intake-severity" label="Severity" error=Signal::derive(error_for("Severity"))>
                <select id="intake-severity"
                    aria-describedby="intake-severity-error"
                    prop:value=move || input.with(|i| i.severity.clone())
                    on:change=move |ev| edit.run((|i, v| i.severity = v, event_target_value(&ev)))>
                    {Severity::ALL.into_iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                </select>
            </Field>
            <Show when=move || !duplicates.with(Vec::is_empty)>
                <div class="warning-panel" role="alert">
                    <p><strong>"Possible duplicate."</strong>" An open case for this account has a similar title:"</p>
                    <ul>
                        {move || duplicates.get().into_iter().map(|(key, title, status)| view! {
                            <li><A href=format!("/cases/{key}")>{key.clone()}</A>" "{title}" ("{status}")"</li>
                        }).collect_view()}
                    </ul>
                    <p>{move || if acknowledged.get() { "Press Create anyway to open a new case regardless." } else { "Open the existing case instead, or create a new one anyway." }}</p>
                </div>
            </Show>
            <FormStatus error=save_failure draft=draft_status aside=draft_aside/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if acknowledged.get() { "Create anyway" } else { "Create case" }}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// A labelled control with its inline error underneath, wired for screen readers.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            {children()}
            <p class="field-error" id=format!("{id}-error")>{move || error.get()}</p>
        </div>
    }
}
