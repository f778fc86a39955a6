//! The template library: browse by category, edit with a live preview, save only what is valid.

use leptos::prelude::*;

use crate::app::drafts::DraftKey;
use crate::app::library;
use crate::app::state::{Boot, app_state};
use crate::app::{AppError, StorageError};
use crate::browser::{self, format_time};
use crate::domain::Case;
use crate::domain::CaseKey;
use crate::domain::templates::{
    EmailTemplate, ExtraValues, PLACEHOLDERS, TemplateCategory, TemplateLibrary, TemplateValues,
};
use crate::ui::components::changed_elsewhere::ChangedElsewhere;
use crate::ui::components::drafts::{DraftSaver, draft_saver, restore_draft};
use crate::ui::components::form_status::FormStatus;
use crate::ui::components::undo_toast::{UndoToast, Undoable};

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let state = app_state();
    // The library and its draft live in IndexedDB: reading them before the database is open
    // would show the starter set and skip the draft.
    move || match state.boot.get() {
        Boot::Loading => {
            view! { <p class="loading" role="status">"Loading templates…"</p> }.into_any()
        }
        _ => view! { <TemplateLibraryEditor/> }.into_any(),
    }
}

#[component]
fn TemplateLibraryEditor() -> impl IntoView {
    let state = app_state();
    // The library being edited; saved as a whole, drafted as a whole after every keystroke.
    let working = RwSignal::new(state.templates.get_untracked());
    let selected = RwSignal::new(working.with_untracked(|l| {
        l.templates
            .first()
            .map(|t| t.id.clone())
            .unwrap_or_default()
    }));
    let draft_status = RwSignal::new(None::<String>);
    let problems = RwSignal::new(Vec::<String>::new());
    let notice = RwSignal::new(None::<String>);
    let saver = StoredValue::new(draft_saver(DraftKey::Templates, draft_status));
    // The stored library arrives after start-up; until the user edits, follow it.
    let touched = RwSignal::new(false);
    // The stored library these edits started from: a save checks it is still what is stored.
    let base = RwSignal::new(state.templates.get_untracked());
    let clash = RwSignal::new(false);
    let undo = RwSignal::new(None::<Undoable<TemplateLibrary>>);
    // Bumped when the working copy is replaced wholesale, so the editor re-reads its fields;
    // typing alone never rebuilds it.
    let generation = RwSignal::new(0u32);
    // After the working copy is replaced (a teammate removed the open template, or Take
    // theirs), the first template opens rather than an empty editor.
    let keep_selection = move || {
        let first = working.with_untracked(|l| {
            let open = selected.get_untracked();
            (!l.templates.iter().any(|t| t.id == open))
                .then(|| l.templates.first().map(|t| t.id.clone()))
        });
        if let Some(first) = first {
            selected.set(first.unwrap_or_default());
        }
    };
    Effect::new(move |_| {
        let stored = state.templates.get();
        if !touched.get_untracked() {
            base.set(stored.clone());
            working.set(stored);
            keep_selection();
            generation.update(|g| *g += 1);
        }
    });
    restore_draft(&saver.get_value(), move |text| {
        if let Ok(library) = serde_json::from_str::<TemplateLibrary>(&text) {
            let _ = touched.try_set(true);
            let _ = working.try_set(library);
            let _ = generation.try_update(|g| *g += 1);
            let _ = draft_status.try_set(Some(
                "Unsaved template changes from your last visit were restored.".into(),
            ));
        }
    });
    let changed = Memo::new(move |_| working.get() != state.templates.get());
    let update = move |change: &dyn Fn(&mut TemplateLibrary)| {
        touched.set(true);
        notice.set(None);
        working.update(|l| change(l));
        let text = working.with_untracked(|l| serde_json::to_string(l).unwrap_or_default());
        saver.with_value(|s| s.save(text));
    };
    let update = StoredValue::new(update);
    let edit_field = move |field: &'static str, value: String| {
        let id = selected.get_untracked();
        update.with_value(|u| {
            u(&|l: &mut TemplateLibrary| {
                if let Some(t) = l.templates.iter_mut().find(|t| t.id == id) {
                    match field {
                        "name" => t.name = value.clone(),
                        "subject" => t.subject = value.clone(),
                        "body" => t.body = value.clone(),
                        _ => {
                            if let Some(c) = TemplateCategory::ALL
                                .into_iter()
                                .find(|c| format!("{c:?}") == value)
                            {
                                t.category = c;
                            }
                        }
                    }
                }
            })
        });
    };
    let add = move |copy_of: Option<EmailTemplate>| {
        let id = browser::new_id().to_string();
        let template = match copy_of {
            Some(t) => EmailTemplate {
                id: id.clone(),
                name: format!("{} (copy)", t.name),
                ..t
            },
            None => EmailTemplate {
                id: id.clone(),
                name: "New template".into(),
                category: TemplateCategory::StatusUpdate,
                subject: "[{{case.key}}] ".into(),
                body: "Hi {{user.first_name}},\n\n\n\nBest,\n{{me.name}}".into(),
            },
        };
        update.with_value(|u| u(&|l: &mut TemplateLibrary| l.templates.push(template.clone())));
        selected.set(id);
    };
    let remove = move |_| {
        let id = selected.get_untracked();
        update.with_value(|u| u(&|l: &mut TemplateLibrary| l.templates.retain(|t| t.id != id)));
        selected.set(working.with_untracked(|l| {
            l.templates
                .first()
                .map(|t| t.id.clone())
                .unwrap_or_default()
        }));
        notice.set(Some(
            "Template removed from your changes. Discard changes to bring it back; Save to make it final.".into(),
        ));
    };
    let discard = move |_| {
        saver.with_value(DraftSaver::discard);
        touched.set(false);
        working.set(state.templates.get_untracked());
        base.set(state.templates.get_untracked());
        generation.update(|g| *g += 1);
        problems.set(Vec::new());
        draft_status.set(None);
        notice.set(Some("Changes discarded.".into()));
    };
    // `expected`: the library the edits started from; `None` saves over whatever is stored.
    let persist = move |expected: Option<TemplateLibrary>| {
        let library = working.get_untracked();
        if let Err(found) = library.validate() {
            problems.set(
                found
                    .into_iter()
                    .map(|(name, e)| format!("{name}: {e}"))
                    .collect(),
            );
            return;
        }
        problems.set(Vec::new());
        saver.with_value(|s| s.cancel());
        let held = saver.with_value(DraftSaver::held);
        leptos::task::spawn_local(async move {
            let result = library::save_templates(state, expected, library.clone(), &held).await;
            match result {
                Ok(()) => {
                    base.set(library);
                    touched.set(false);
                    draft_status.set(None);
                    notice.set(Some("Templates saved.".into()));
                }
                Err(e) => {
                    if matches!(e, AppError::Storage(StorageError::ChangedElsewhere(_))) {
                        let _ = clash.try_set(true);
                    } else {
                        let _ = problems.try_set(vec![format!(
                            "Not saved: {e}. Your changes are still here."
                        )]);
                    }
                    // `try_`: the page may have been left while the save was refused.
                    if let Some(text) =
                        working.try_with_untracked(|l| serde_json::to_string(l).unwrap_or_default())
                    {
                        saver.try_with_value(|s| s.save(text));
                    }
                }
            }
        });
    };
    let save = move |_| persist(Some(base.get_untracked()));
    let keep_mine = move |()| persist(None);
    let take_theirs = move |()| {
        leptos::task::spawn_local(async move {
            match library::stored_templates().await {
                Ok(theirs) => {
                    let mine = working.get_untracked();
                    undo.set(Some(Undoable::new("Took the other tab's templates.", mine)));
                    saver.with_value(DraftSaver::discard);
                    touched.set(false);
                    base.set(theirs.clone());
                    working.set(theirs);
                    keep_selection();
                    generation.update(|g| *g += 1);
                }
                Err(e) => problems.set(vec![format!("Could not read the saved templates: {e}")]),
            }
        });
    };
    let put_mine_back = move |mine: TemplateLibrary| {
        undo.set(None);
        touched.set(true);
        working.set(mine);
        generation.update(|g| *g += 1);
        let text = working.with_untracked(|l| serde_json::to_string(l).unwrap_or_default());
        saver.with_value(|s| s.save(text));
    };
    let current = move || {
        generation.track();
        let id = selected.get();
        working.with_untracked(|l| l.get(&id).cloned())
    };
    view! {
        <section class="panel templates-page">
            <div class="title-row">
                <h1>"Email templates"</h1>
                <div class="actions">
                    <button type="button" on:click=move |_| add(None)>"New template"</button>
                    <button type="button" on:click=discard disabled=move || !changed.get()>"Discard changes"</button>
                    <button type="button" class="primary" on:click=save disabled=move || !changed.get()>"Save templates"</button>
                </div>
            </div>
            <FormStatus draft=draft_status aside=saver.with_value(|s| s.set_aside_shown())/>
            <ChangedElsewhere what="the email templates" shown=clash keep_mine=keep_mine take_theirs=take_theirs/>
            <UndoToast undo=undo on_undo=put_mine_back/>
            <p class="notice" role="status">{move || notice.get()}</p>
            <Show when=move || !problems.with(Vec::is_empty)>
                <div class="warning-panel" role="alert">
                    <p>"Not saved. Fix these first:"</p>
                    <ul>{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <div class="templates-columns">
                <nav class="template-list" aria-label="Templates">
                    {move || TemplateCategory::ALL.into_iter().map(|category| {
                        let items: Vec<(String, String)> = working.with(|l| l.templates.iter().filter(|t| t.category == category).map(|t| (t.id.clone(), t.name.clone())).collect());
                        view! {
                            <h2 class="template-category">{category.label()}</h2>
                            <ul>
                                {items.into_iter().map(|(id, name)| {
                                    let this = id.clone();
                                    view! {
                                        <li>
                                            <button type="button" class="link" aria-current=move || (selected.get() == this).then_some("true")
                                                on:click=move |_| selected.set(id.clone())>{name}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                    }).collect_view()}
                </nav>
                {move || match current() {
                    None => view! { <p class="muted">"No template selected. Press New template to write one."</p> }.into_any(),
                    Some(t) => view! { <TemplateEditor template=t edit=Callback::new(move |(f, v): (&'static str, String)| edit_field(f, v))
                        duplicate=Callback::new(move |t: EmailTemplate| add(Some(t))) remove=Callback::new(remove)/> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// One template's fields, its problems and a live preview against a real or sample case.
#[component]
fn TemplateEditor(
    template: EmailTemplate,
    edit: Callback<(&'static str, String)>,
    duplicate: Callback<EmailTemplate>,
    remove: Callback<()>,
) -> impl IntoView {
    let state = app_state();
    // Read once: this editor is rebuilt only when another template is selected (by id), so
    // typing never re-renders the fields under the cursor.
    let name = RwSignal::new(template.name.clone());
    let subject = RwSignal::new(template.subject.clone());
    let body = RwSignal::new(template.body.clone());
    let category = RwSignal::new(format!("{:?}", template.category));
    let preview_key = RwSignal::new(String::new());
    let preview_case = Memo::new(move |_| -> Case {
        let key = CaseKey::parse(preview_key.get().trim());
        state
            .cases
            .with(|all| {
                key.and_then(|k| all.iter().find(|c| c.key == k).cloned())
                    .or_else(|| all.first().cloned())
            })
            .unwrap_or_else(|| {
                crate::domain::sample::generate(1, 1, 1000, browser::now())
                    .remove(0)
                    .case
            })
    });
    let preview = Memo::new(move |_| {
        let t = EmailTemplate {
            id: String::new(),
            name: name.get(),
            category: TemplateCategory::Acknowledge,
            subject: subject.get(),
            body: body.get(),
        };
        let structural: Vec<String> = t.check().into_iter().map(|e| e.to_string()).collect();
        if !structural.is_empty() {
            return Err(structural);
        }
        let case = preview_case.get();
        let zone = state.zone();
        let soon = format_time(browser::now() + chrono::Duration::hours(4), &zone);
        let values = TemplateValues::for_case(
            &case,
            &ExtraValues {
                me: state.actor(),
                next_update_due: Some(soon.clone()),
                resolution_due: Some(soon),
                partner_team: Some("Risk Operations".into()),
                partner_question: Some("(your question to the partner team)".into()),
            },
        );
        match t.render(&values) {
            (rendered, gaps) if gaps.is_empty() => Ok(rendered),
            (_, gaps) => Err(gaps.into_iter().map(|e| e.to_string()).collect()),
        }
    });
    let set = move |signal: RwSignal<String>, field: &'static str, value: String| {
        signal.set(value.clone());
        edit.run((field, value));
    };
    view! {
        <div class="template-editor">
            <div class="field">
                <label for="template-name">"Name"</label>
                <input id="template-name" prop:value=move || name.get() on:input=move |ev| set(name, "name", event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="template-category">"Category"</label>
                <select id="template-category" prop:value=move || category.get() on:change=move |ev| set(category, "category", event_target_value(&ev))>
                    {TemplateCategory::ALL.into_iter().map(|c| view! { <option value=format!("{c:?}")>{c.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="template-subject">"Subject"</label>
                <input id="template-subject" prop:value=move || subject.get() on:input=move |ev| set(subject, "subject", event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="template-body">"Body"</label>
                <textarea id="template-body" rows="12" prop:value=move || body.get() on:input=move |ev| set(body, "body", event_target_value(&ev))></textarea>
            </div>
            <details class="placeholders">
                <summary>"Placeholders you can use"</summary>
                <dl>
                    {PLACEHOLDERS.iter().map(|(name, what)| view! { <dt><code>{format!("{{{{{name}}}}}")}</code></dt><dd>{*what}</dd> }).collect_view()}
                </dl>
            </details>
            <div class="actions">
                <button type="button" on:click=move |_| duplicate.run(EmailTemplate {
                    id: String::new(),
                    name: name.get_untracked(),
                    category: TemplateCategory::ALL.into_iter().find(|c| format!("{c:?}") == category.get_untracked()).unwrap_or(TemplateCategory::StatusUpdate),
                    subject: subject.get_untracked(),
                    body: body.get_untracked(),
                })>"Duplicate"</button>
                <button type="button" on:click=move |_| remove.run(())>"Delete"</button>
            </div>
            <section class="template-preview" aria-labelledby="preview-heading">
                <h2 id="preview-heading">"Preview"</h2>
                <div class="field">
                    <label for="preview-case">"Preview with case"</label>
                    <input id="preview-case" placeholder=move || preview_case.with(|c| c.key.to_string()) prop:value=move || preview_key.get() on:input=move |ev| preview_key.set(event_target_value(&ev))/>
                </div>
                {move || match preview.get() {
                    Ok(rendered) => view! {
                        <p class="preview-subject"><strong>"Subject: "</strong>{rendered.subject}</p>
                        <pre class="preview-body">{rendered.body}</pre>
                    }.into_any(),
                    Err(problems) => view! {
                        <ul class="field-error template-problems" role="alert">
                            {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </section>
        </div>
    }
}
