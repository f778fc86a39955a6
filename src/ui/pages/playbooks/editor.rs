//! The playbook editor: steps with their templates, triggers and a version note, drafted as typed, saved against the revision it started from.

use super::*;

use crate::app::drafts::{DraftKey, FormDraft};
use crate::ui::components::form_status::FormStatus;

/// Saves a playbook (checked against `expected` revision) and mirrors it in memory.
pub(super) fn persist(
    state: AppState,
    expected: Option<u64>,
    playbook: Playbook,
    draft: Option<FormDraft>,
    error: RwSignal<Option<String>>,
    on_saved: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match library::save_playbook(state, expected, playbook, draft.as_ref()).await {
            Ok(()) => {
                error.set(None);
                on_saved();
            }
            Err(e) => error.set(Some(format!("Not saved: {e}"))),
        }
    });
}

/// One step being edited; Copy, so steps can be added, moved and removed without rebuilding
/// the ones being typed in.
#[derive(Clone, Copy)]
pub(super) struct StepRow {
    pub(super) uid: u32,
    pub(super) id: StoredValue<String>,
    pub(super) title: RwSignal<String>,
    pub(super) instructions: RwSignal<String>,
    pub(super) template: RwSignal<String>,
    pub(super) evidence: RwSignal<bool>,
}

impl StepRow {
    fn new(uid: u32, step: &PlaybookStep) -> StepRow {
        StepRow {
            uid,
            id: StoredValue::new(step.id.clone()),
            title: RwSignal::new(step.title.clone()),
            instructions: RwSignal::new(step.instructions.clone()),
            template: RwSignal::new(step.template.clone().unwrap_or_default()),
            evidence: RwSignal::new(step.evidence_required),
        }
    }

    fn step(&self) -> PlaybookStep {
        let template = self.template.get_untracked();
        PlaybookStep {
            id: self.id.get_value(),
            title: self.title.get_untracked(),
            instructions: self.instructions.get_untracked(),
            template: (!template.is_empty()).then_some(template),
            evidence_required: self.evidence.get_untracked(),
        }
    }
}

/// What the editor drafts: the content plus the change note.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct EditorDraft {
    pub(super) content: PlaybookContent,
    pub(super) note: String,
}

pub(super) fn list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[component]
pub(super) fn PlaybookEditor(
    existing: Option<Playbook>,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let state = app_state();
    let id = existing.as_ref().map_or_else(browser::new_id, |p| p.id);
    let expected = existing.as_ref().map(|p| p.revision);
    let start = existing.as_ref().map_or_else(
        || PlaybookContent {
            steps: vec![PlaybookStep {
                id: browser::new_id().to_string(),
                title: String::new(),
                instructions: String::new(),
                template: None,
                evidence_required: false,
            }],
            ..PlaybookContent::default()
        },
        |p| p.current().clone(),
    );
    let draft_key = if existing.is_some() {
        DraftKey::Playbook(id)
    } else {
        DraftKey::NewPlaybook
    };
    let title = RwSignal::new(start.title.clone());
    let description = RwSignal::new(start.description.clone());
    let areas = RwSignal::new(start.triggers.product_areas.join(", "));
    let tags = RwSignal::new(start.triggers.tags.join(", "));
    let priorities = RwSignal::new(start.triggers.priorities.clone());
    let note = RwSignal::new(String::new());
    let next_uid = StoredValue::new(0u32);
    let rows = RwSignal::new(Vec::<StepRow>::new());
    let load = move |content: &PlaybookContent| {
        title.set(content.title.clone());
        description.set(content.description.clone());
        areas.set(content.triggers.product_areas.join(", "));
        tags.set(content.triggers.tags.join(", "));
        priorities.set(content.triggers.priorities.clone());
        let mut uid = next_uid.get_value();
        let fresh = content
            .steps
            .iter()
            .map(|s| {
                uid += 1;
                StepRow::new(uid, s)
            })
            .collect();
        next_uid.set_value(uid);
        rows.set(fresh);
    };
    load(&start);
    let content = move || PlaybookContent {
        title: title.get_untracked().trim().to_string(),
        description: description.get_untracked().trim().to_string(),
        triggers: Triggers {
            product_areas: list(&areas.get_untracked()),
            tags: list(&tags.get_untracked())
                .into_iter()
                .map(|t| t.to_lowercase())
                .collect(),
            priorities: priorities.get_untracked(),
        },
        steps: rows.with_untracked(|r| r.iter().map(StepRow::step).collect()),
    };
    let problems = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let draft_status = RwSignal::new(None::<String>);
    let saver = StoredValue::new(draft_saver(draft_key, draft_status));
    let redraft = move || {
        problems.set(Vec::new());
        let draft = EditorDraft {
            content: content(),
            note: note.get_untracked(),
        };
        saver.with_value(|s| s.save(serde_json::to_string(&draft).unwrap_or_default()));
    };
    restore_draft(&saver.get_value(), move |text| {
        if let Ok(draft) = serde_json::from_str::<EditorDraft>(&text) {
            load(&draft.content);
            let _ = note.try_set(draft.note);
            let _ = draft_status.try_set(Some(
                "Unsaved playbook changes from your last visit were restored.".into(),
            ));
        }
    });
    let add_step = move |_| {
        let uid = next_uid.get_value() + 1;
        next_uid.set_value(uid);
        rows.update(|r| {
            r.push(StepRow::new(
                uid,
                &PlaybookStep {
                    id: browser::new_id().to_string(),
                    title: String::new(),
                    instructions: String::new(),
                    template: None,
                    evidence_required: false,
                },
            ))
        });
        redraft();
    };
    let move_step = move |uid: u32, by: isize| {
        rows.update(|r| {
            if let Some(i) = r.iter().position(|x| x.uid == uid) {
                let j = i as isize + by;
                if j >= 0 && (j as usize) < r.len() {
                    r.swap(i, j as usize);
                }
            }
        });
        redraft();
    };
    let navigate = StoredValue::new(use_navigate());
    let existing = StoredValue::new(existing);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let library = state.playbooks.get_untracked();
        let built = content();
        let result = match existing.get_value() {
            None => Playbook::create(id, built.clone(), &state.actor(), browser::now(), &library),
            Some(p) => p.revise(
                built.clone(),
                &note.get_untracked(),
                &state.actor(),
                browser::now(),
                &library,
            ),
        };
        let playbook = match result {
            Ok(p) => p,
            Err(e) => {
                // Every problem at once where there are several, so one save shows them all.
                let all: Vec<String> = built
                    .check(id, &library)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                problems.set(if all.is_empty() {
                    vec![e.to_string()]
                } else {
                    all
                });
                return;
            }
        };
        saver.with_value(|s| s.cancel());
        let is_new = expected.is_none();
        persist(
            state,
            expected,
            playbook,
            Some(saver.with_value(DraftSaver::held)),
            error,
            move || {
                draft_status.set(None);
                // Only while the editor is open: someone who has moved on is not pulled back.
                if is_new {
                    navigate.try_with_value(|n| n(&format!("/playbooks/{id}"), Default::default()));
                } else if let Some(done) = on_done {
                    done.try_run(());
                }
            },
        );
    };
    let cancel = move |_| {
        saver.with_value(DraftSaver::discard);
        match on_done {
            Some(done) => done.run(()),
            None => navigate.with_value(|n| n("/playbooks", Default::default())),
        }
    };
    let templates = Memo::new(move |_| {
        state.templates.with(|l| {
            l.templates
                .iter()
                .map(|t| (t.id.clone(), t.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <form class="panel playbook-editor" on:submit=save novalidate=true>
            <h1>{if expected.is_some() { "Edit playbook" } else { "New playbook" }}</h1>
            <FormStatus draft=draft_status aside=saver.with_value(|s| s.set_aside_shown())/>
            <div class="field">
                <label for="playbook-title">"Title"</label>
                <input id="playbook-title" prop:value=move || title.get() on:input=move |ev| { title.set(event_target_value(&ev)); redraft(); }/>
            </div>
            <div class="field">
                <label for="playbook-description">"Description"</label>
                <textarea id="playbook-description" rows="2" prop:value=move || description.get() on:input=move |ev| { description.set(event_target_value(&ev)); redraft(); }></textarea>
            </div>
            <fieldset class="field triggers">
                <legend>"Suggest it on cases with"</legend>
                <label for="playbook-areas">"Product areas (comma-separated)"</label>
                <input id="playbook-areas" prop:value=move || areas.get() on:input=move |ev| { areas.set(event_target_value(&ev)); redraft(); }/>
                <label for="playbook-tags">"Tags (comma-separated)"</label>
                <input id="playbook-tags" prop:value=move || tags.get() on:input=move |ev| { tags.set(event_target_value(&ev)); redraft(); }/>
                <div class="inline-fields" role="group" aria-label="Priorities that rank it higher">
                    {Priority::ALL.into_iter().map(|p| view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || priorities.with(|ps| ps.contains(&p))
                                on:change=move |ev| { let on = event_target_checked(&ev); priorities.update(|ps| { ps.retain(|x| *x != p); if on { ps.push(p); ps.sort(); } }); redraft(); }/>
                            {format!(" {}", p.code())}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <h2>"Steps"</h2>
            <ol class="step-editor">
                <For each=move || rows.get() key=|r| r.uid let(row)>
                    <li class="step-edit">
                        <div class="field">
                            <label for=format!("step-title-{}", row.uid)>"Step title"</label>
                            <input id=format!("step-title-{}", row.uid) prop:value=move || row.title.get() on:input=move |ev| { row.title.set(event_target_value(&ev)); redraft(); }/>
                        </div>
                        <div class="field">
                            <label for=format!("step-text-{}", row.uid)>"Instructions (Markdown)"</label>
                            <textarea id=format!("step-text-{}", row.uid) rows="3" prop:value=move || row.instructions.get() on:input=move |ev| { row.instructions.set(event_target_value(&ev)); redraft(); }></textarea>
                        </div>
                        <details class="md-preview">
                            <summary>"Preview"</summary>
                            <Markdown source=row.instructions/>
                        </details>
                        <div class="inline-fields">
                            <label for=format!("step-template-{}", row.uid)>"Email template"</label>
                            <select id=format!("step-template-{}", row.uid) prop:value=move || row.template.get() on:change=move |ev| { row.template.set(event_target_value(&ev)); redraft(); }>
                                <option value="">"None"</option>
                                {move || templates.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                            <label class="checkbox">
                                <input type="checkbox" prop:checked=move || row.evidence.get() on:change=move |ev| { row.evidence.set(event_target_checked(&ev)); redraft(); }/>
                                " Evidence required"
                            </label>
                        </div>
                        <div class="actions">
                            <button type="button" class="link" on:click=move |_| move_step(row.uid, -1)>"Move up"</button>
                            <button type="button" class="link" on:click=move |_| move_step(row.uid, 1)>"Move down"</button>
                            <button type="button" class="link" on:click=move |_| { rows.update(|r| r.retain(|x| x.uid != row.uid)); redraft(); }>"Remove step"</button>
                        </div>
                    </li>
                </For>
            </ol>
            <button type="button" on:click=add_step>"Add a step"</button>
            <Show when=move || expected.is_some()>
                <div class="field">
                    <label for="playbook-note">"What changed (kept with the version)"</label>
                    <input id="playbook-note" prop:value=move || note.get() on:input=move |ev| { note.set(event_target_value(&ev)); redraft(); }/>
                </div>
            </Show>
            <Show when=move || !problems.with(Vec::is_empty)>
                <div class="warning-panel" role="alert">
                    <p>"Not saved:"</p>
                    <ul>{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <FormStatus error=error/>
            <div class="actions">
                <button type="submit" class="primary">{if expected.is_some() { "Save as a new version" } else { "Create playbook" }}</button>
                <button type="button" on:click=cancel>"Cancel"</button>
            </div>
        </form>
    }
}
