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
use crate::ui::components::form_status::FormStatus;

mod editor;

use editor::*;

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
                    <FormStatus error=error/>
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
