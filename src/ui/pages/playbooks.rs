//! Playbook pages: the library, one playbook (steps, versions and diffs, stats), and the editor.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use crate::app::board::short_duration;
use crate::app::library;
use crate::app::state::{AppState, app_state};
use crate::browser::{self, format_time};
use crate::domain::markdown::render_markdown;
use crate::domain::playbooks::{
    Playbook, PlaybookContent, PlaybookStep, StepDiff, Triggers, diff_steps, playbook_stats,
};
use crate::domain::priority::Priority;
use crate::ui::components::drafts::{DraftSaver, draft_saver, restore_draft};

/// Markdown rendered with raw HTML off (`domain::markdown`): the only HTML this app ever
/// inserts, and it can hold no markup the author typed.
#[component]
pub fn Markdown(#[prop(into)] source: Signal<String>) -> impl IntoView {
    view! { <div class="markdown" inner_html=move || render_markdown(&source.get())></div> }
}

#[component]
pub fn PlaybooksPage() -> impl IntoView {
    let state = app_state();
    let show_archived = RwSignal::new(false);
    let listed = Memo::new(move |_| {
        let archived = show_archived.get();
        let mut all: Vec<(Uuid, String, String, u32, usize, bool)> = state.playbooks.with(|p| {
            p.iter()
                .filter(|p| archived || !p.archived)
                .map(|p| {
                    let c = p.current();
                    (
                        p.id,
                        c.title.clone(),
                        c.description.clone(),
                        p.version(),
                        c.steps.len(),
                        p.archived,
                    )
                })
                .collect()
        });
        all.sort_by_key(|a| a.1.to_lowercase());
        all
    });
    view! {
        <section class="panel">
            <div class="title-row">
                <h1>"Playbooks"</h1>
                <A href="/playbooks/new" attr:class="button primary">"New playbook"</A>
            </div>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || show_archived.get() on:change=move |ev| show_archived.set(event_target_checked(&ev))/>
                " Show archived playbooks"
            </label>
            <Show when=move || !listed.with(Vec::is_empty) fallback=|| view! {
                <p class="empty-state">"No playbooks yet. Write the team's first process with New playbook."</p>
            }>
                <ul class="playbook-list">
                    {move || listed.get().into_iter().map(|(id, title, description, version, steps, archived)| view! {
                        <li>
                            <A href=format!("/playbooks/{id}")>{title}</A>
                            {archived.then_some(view! { <span class="tag">"Archived"</span> })}
                            <span class="muted">{format!(" · v{version} · {steps} steps")}</span>
                            <p class="hint">{description}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

#[component]
pub fn PlaybookPage() -> impl IntoView {
    let state = app_state();
    let params = use_params_map();
    let raw = move || params.with(|p| p.get("id").unwrap_or_default());
    move || {
        if state.boot.get() == crate::app::state::Boot::Loading {
            return view! { <p class="loading" role="status">"Loading playbooks…"</p> }.into_any();
        }
        let id_text = raw();
        if id_text == "new" {
            return view! { <PlaybookEditor existing=None/> }.into_any();
        }
        let found = Uuid::parse_str(&id_text)
            .ok()
            .filter(|id| state.playbooks.with(|all| all.iter().any(|p| p.id == *id)));
        match found {
            Some(id) => view! { <PlaybookView id=id/> }.into_any(),
            None => view! {
                <section class="panel">
                    <h1>"No such playbook on this device"</h1>
                    <p><A href="/playbooks">"Back to playbooks"</A></p>
                </section>
            }
            .into_any(),
        }
    }
}

fn template_name(state: AppState, id: &str) -> String {
    state
        .templates
        .with(|l| l.get(id).map(|t| t.name.clone()))
        .unwrap_or_else(|| format!("{id} (not in this device's templates)"))
}

fn triggers_text(t: &Triggers) -> String {
    let mut parts = Vec::new();
    if !t.product_areas.is_empty() {
        parts.push(format!("areas: {}", t.product_areas.join(", ")));
    }
    if !t.tags.is_empty() {
        parts.push(format!("tags: {}", t.tags.join(", ")));
    }
    if !t.priorities.is_empty() {
        parts.push(format!(
            "priorities: {}",
            t.priorities
                .iter()
                .map(|p| p.code())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if parts.is_empty() {
        "none (never suggested; apply it by hand)".into()
    } else {
        parts.join(" · ")
    }
}

#[component]
fn PlaybookView(id: Uuid) -> impl IntoView {
    let state = app_state();
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let playbook = Memo::new(move |_| {
        state
            .playbooks
            .with(|all| all.iter().find(|p| p.id == id).cloned())
    });
    let navigate = StoredValue::new(use_navigate());
    let duplicate = move |_| {
        let Some(p) = playbook.get_untracked() else {
            return;
        };
        let library = state.playbooks.get_untracked();
        match p.duplicate(browser::new_id(), &state.actor(), browser::now(), &library) {
            Ok(copy) => {
                let copy_id = copy.id;
                persist(state, None, copy, None, error, move || {
                    // Only from this page: someone who has moved on is not pulled back.
                    navigate.try_with_value(|n| {
                        n(&format!("/playbooks/{copy_id}"), Default::default())
                    });
                });
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let toggle_archive = move |_| {
        let Some(p) = playbook.get_untracked() else {
            return;
        };
        let next = p.set_archived(!p.archived);
        persist(state, Some(p.revision), next, None, error, || {});
    };
    view! {
        {move || playbook.get().map(|p| {
            if editing.get() {
                return view! { <PlaybookEditor existing=Some(p) on_done=Callback::new(move |_| editing.set(false))/> }.into_any();
            }
            let current = p.current().clone();
            // Every stored playbook has a version (the boundary refuses one without).
            let Some(latest) = p.versions.last().cloned() else {
                return view! { <p class="empty">"This playbook has no versions."</p> }.into_any();
            };
            view! {
                <section class="panel playbook-view">
                    <p class="breadcrumb"><A href="/playbooks">"← Playbooks"</A></p>
                    <div class="title-row">
                        <h1>{current.title.clone()}</h1>
                        <div class="actions">
                            <button type="button" on:click=move |_| { error.set(None); editing.set(true) } disabled=p.archived>"Edit"</button>
                            <button type="button" on:click=duplicate>"Duplicate"</button>
                            <button type="button" on:click=toggle_archive>{if p.archived { "Unarchive" } else { "Archive" }}</button>
                        </div>
                    </div>
                    <p class="muted">{move || format!(
                        "Version {} · by {} · {} · “{}”{}",
                        latest.number, latest.author, format_time(latest.at, &state.zone()), latest.note,
                        if p.archived { " · archived: not suggested or offered on cases" } else { "" }
                    )}</p>
                    <p class="field-error" role="alert">{move || error.get()}</p>
                    <p>{current.description.clone()}</p>
                    <p class="hint">{format!("Suggested on cases by {}", triggers_text(&current.triggers))}</p>
                    <ol class="playbook-steps">
                        {current.steps.iter().map(|s| {
                            let instructions = s.instructions.clone();
                            view! {
                                <li>
                                    <h3>{s.title.clone()}
                                        {s.evidence_required.then_some(view! { <span class="tag">"Evidence required"</span> })}
                                    </h3>
                                    <Markdown source=Signal::derive(move || instructions.clone())/>
                                    {s.template.clone().map(|t| view! { <p class="hint">{format!("Template: {}", template_name(state, &t))}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
                <PlaybookStatsPanel id=id/>
                <VersionsPanel playbook=p.clone()/>
            }
            .into_any()
        })}
    }
}

#[component]
fn PlaybookStatsPanel(id: Uuid) -> impl IntoView {
    let state = app_state();
    let stats = Memo::new(move |_| {
        let playbook = state
            .playbooks
            .with(|all| all.iter().find(|p| p.id == id).cloned())?;
        let empty = Vec::new();
        let started = browser::performance_now();
        let result = Some(state.marks.with(|marks| {
            state.cases.with(|cases| {
                let stats = playbook_stats(&playbook, cases, |case| {
                    marks.get(&case).unwrap_or(&empty).as_slice()
                });
                // Step titles from any version, newest first, for steps since removed.
                let titled: Vec<(String, usize)> = stats
                    .most_skipped
                    .iter()
                    .take(5)
                    .map(|(step, n)| {
                        let title = playbook
                            .versions
                            .iter()
                            .rev()
                            .find_map(|v| v.content.steps.iter().find(|s| &s.id == step))
                            .map_or(step.clone(), |s| s.title.clone());
                        (title, *n)
                    })
                    .collect();
                (stats, titled)
            })
        }));
        browser::measure("playbook-stats", started);
        result
    });
    let duration = |d: Option<chrono::Duration>, n: usize| match d {
        Some(d) => format!("{} (median of {n})", short_duration(d)),
        None => "no resolved cases yet".into(),
    };
    view! {
        <section class="panel playbook-stats" aria-labelledby="stats-heading">
            <h2 id="stats-heading">"How it is used"</h2>
            {move || match stats.get() {
                None => view! { <p class="muted">"No data."</p> }.into_any(),
                Some((s, skipped)) => view! {
                    <dl class="facts">
                        <dt>"Times applied"</dt><dd>{format!("{} on {} cases", s.times_applied, s.cases)}</dd>
                        <dt>"Time to resolution with it"</dt><dd>{duration(s.median_resolution_with, s.resolved_with)}</dd>
                        <dt>"Without it (same product areas)"</dt><dd>{duration(s.median_resolution_without, s.resolved_without)}</dd>
                        <dt>"Its cases that breached an SLA"</dt><dd>{s.breached_percent.map_or("no cases yet".to_string(), |p| format!("{p}%"))}</dd>
                        <dt>"Steps most often skipped"</dt>
                        <dd>{if skipped.is_empty() { "none".to_string() } else {
                            skipped.iter().map(|(t, n)| format!("{t} ({n})")).collect::<Vec<_>>().join("; ")
                        }}</dd>
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn VersionsPanel(playbook: Playbook) -> impl IntoView {
    let state = app_state();
    let newest = playbook.version();
    let has_history = newest > 1;
    let from = RwSignal::new(newest.saturating_sub(1).max(1));
    let to = RwSignal::new(newest);
    let versions = StoredValue::new(playbook.versions.clone());
    let diff = move || {
        versions.with_value(|all| {
            let a = all.iter().find(|v| v.number == from.get())?;
            let b = all.iter().find(|v| v.number == to.get())?;
            Some(diff_steps(&a.content, &b.content))
        })
    };
    let options = move || {
        versions.with_value(|all| {
            all.iter()
                .map(|v| view! { <option value=v.number.to_string()>{format!("v{}", v.number)}</option> })
                .collect_view()
        })
    };
    view! {
        <section class="panel versions" aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Versions"</h2>
            <ul class="version-list">
                {versions.with_value(|all| all.iter().rev().map(|v| {
                    let at = v.at;
                    let line = format!("v{} · {} · “{}”", v.number, v.author, v.note);
                    view! { <li>{line}" · "{move || format_time(at, &state.zone())}</li> }
                }).collect_view())}
            </ul>
            <Show when=move || has_history>
                <div class="inline-fields">
                    <label for="diff-from">"Compare"</label>
                    <select id="diff-from" prop:value=move || from.get().to_string() on:change=move |ev| from.set(event_target_value(&ev).parse().unwrap_or(1))>{options}</select>
                    <label for="diff-to">"with"</label>
                    <select id="diff-to" prop:value=move || to.get().to_string() on:change=move |ev| to.set(event_target_value(&ev).parse().unwrap_or(1))>{options}</select>
                </div>
                <ul class="step-diff" aria-label="Step changes">
                    {move || diff().unwrap_or_default().into_iter().map(|d| match d {
                        StepDiff::Added { title } => view! { <li class="diff-added">{format!("Added: {title}")}</li> }.into_any(),
                        StepDiff::Removed { title } => view! { <li class="diff-removed">{format!("Removed: {title}")}</li> }.into_any(),
                        StepDiff::Changed { title, fields, moved } => view! {
                            <li class="diff-changed">{format!(
                                "Changed: {title}{}{}",
                                if fields.is_empty() { String::new() } else { format!(" ({})", fields.join(", ")) },
                                moved.map(|(a, b)| format!(" · moved from step {a} to {b}")).unwrap_or_default()
                            )}</li>
                        }.into_any(),
                        StepDiff::Unchanged { title } => view! { <li class="diff-same muted">{format!("Unchanged: {title}")}</li> }.into_any(),
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// Saves a playbook (checked against `expected` revision) and mirrors it in memory.
fn persist(
    state: AppState,
    expected: Option<u64>,
    playbook: Playbook,
    draft_key: Option<String>,
    error: RwSignal<Option<String>>,
    on_saved: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match library::save_playbook(state, expected, playbook, draft_key.as_deref()).await {
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
struct StepRow {
    uid: u32,
    id: StoredValue<String>,
    title: RwSignal<String>,
    instructions: RwSignal<String>,
    template: RwSignal<String>,
    evidence: RwSignal<bool>,
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
struct EditorDraft {
    content: PlaybookContent,
    note: String,
}

fn list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[component]
fn PlaybookEditor(
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
        format!("playbook:{id}")
    } else {
        "playbook:new".to_string()
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
    let saver = StoredValue::new(draft_saver(draft_key.clone(), draft_status));
    let redraft = move || {
        problems.set(Vec::new());
        let draft = EditorDraft {
            content: content(),
            note: note.get_untracked(),
        };
        saver.with_value(|s| s.save(serde_json::to_string(&draft).unwrap_or_default()));
    };
    restore_draft(draft_key.clone(), move |text| {
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
    let draft_key = StoredValue::new(draft_key);
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
            Some(draft_key.get_value()),
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
            <p class="form-warning" role="status">{move || draft_status.get()}</p>
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
            <p class="field-error" role="alert">{move || error.get()}</p>
            <div class="actions">
                <button type="submit" class="primary">{if expected.is_some() { "Save as a new version" } else { "Create playbook" }}</button>
                <button type="button" on:click=cancel>"Cancel"</button>
            </div>
        </form>
    }
}
