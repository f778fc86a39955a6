//! The case page's playbook panel: suggestions from triggers, applying one, and ticking, skipping or reopening its steps.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::app::drafts::DraftKey;
use crate::app::state::app_state;
use crate::browser::{self, format_time};
use crate::domain::playbooks::{Checklist, StepState, checklists, suggest};
use crate::domain::{CaseEvent, EventKind};
use crate::ui::components::drafts::{draft_saver, restore_draft};
use crate::ui::components::form_status::FormStatus;

#[component]
pub fn ChecklistPanel(
    case_id: Uuid,
    timeline: RwSignal<Vec<CaseEvent>>,
    /// Set to a template id to have the composer start from it.
    compose: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = app_state();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let lists = Memo::new(move |_| timeline.with(|events| checklists(events)));
    let applied: Memo<Vec<Uuid>> =
        Memo::new(move |_| lists.with(|l| l.iter().map(|c| c.playbook).collect()));
    let suggested = Memo::new(move |_| {
        let case = state
            .cases
            .with(|all| all.iter().find(|c| c.id == case_id).cloned())?;
        let taken = applied.get();
        Some(state.playbooks.with(|library| {
            suggest(&case, library)
                .into_iter()
                .filter(|p| !taken.contains(&p.id))
                .map(|p| (p.id, p.current().title.clone(), p.version()))
                .collect::<Vec<_>>()
        }))
    });
    let others = Memo::new(move |_| {
        let mut all: Vec<(Uuid, String)> = state.playbooks.with(|library| {
            library
                .iter()
                .filter(|p| !p.archived)
                .map(|p| (p.id, p.current().title.clone()))
                .collect()
        });
        all.sort_by(|a, b| a.1.cmp(&b.1));
        all
    });
    let chosen = RwSignal::new(String::new());
    // Evidence and skip reasons, by "<run>:<step>", drafted as typed.
    let notes = RwSignal::new(HashMap::<String, String>::new());
    let draft_key = DraftKey::Checklist(case_id);
    let draft_status = RwSignal::new(None::<String>);
    let saver = StoredValue::new(draft_saver(draft_key.clone(), draft_status));
    restore_draft(&saver.get_value(), move |text| {
        if let Ok(saved) = serde_json::from_str::<HashMap<String, String>>(&text) {
            let _ = notes.try_set(saved);
        }
    });
    // `try_`: a tick's save can answer after the case page has been left.
    let set_note = move |key: String, value: String| {
        notes.update(|n| {
            if value.is_empty() {
                n.remove(&key);
            } else {
                n.insert(key, value);
            }
        });
        let Some(text) = notes.try_with_untracked(|n| {
            if n.is_empty() {
                String::new()
            } else {
                serde_json::to_string(n).unwrap_or_default()
            }
        }) else {
            return;
        };
        saver.try_with_value(|s| s.save(text));
    };
    let log = move |kind: EventKind, clear: Option<String>| {
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = crate::app::cases::log(state, case_id, vec![kind], None, None).await;
            let _ = busy.try_set(false);
            match result {
                Ok(_) => {
                    if let Some(key) = clear {
                        set_note(key, String::new());
                    }
                    // Saved: a "restored from your last visit" notice has done its job.
                    let _ = draft_status.try_set(None);
                }
                Err(e) => {
                    let _ = error.try_set(Some(format!("Not saved: {e}")));
                }
            }
        });
    };
    let apply = move |playbook: Uuid| {
        let Some(p) = state
            .playbooks
            .with_untracked(|all| all.iter().find(|p| p.id == playbook).cloned())
        else {
            return;
        };
        if applied.get_untracked().contains(&playbook) {
            error.set(Some(format!(
                "'{}' is already on this case",
                p.current().title
            )));
            return;
        }
        log(p.apply(browser::new_id()), None);
    };
    // "Apply … to ESC-n" from the command palette arrives as `?apply=<playbook id>`: applied once,
    // after the timeline has loaded (so a playbook already on the case is refused, not doubled).
    let query = leptos_router::hooks::use_query_map();
    let navigate = leptos_router::hooks::use_navigate();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || timeline.with(Vec::is_empty) {
            return done.unwrap_or(false);
        }
        let Some(id) = query
            .with(|q| q.get("apply"))
            .and_then(|v| Uuid::parse_str(&v).ok())
        else {
            return false;
        };
        apply(id);
        navigate(
            &location.pathname.get_untracked(),
            leptos_router::NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
        true
    });
    let act = Callback::new(
        move |(list, step, action): (Checklist, String, &'static str)| {
            let key = format!("{}:{step}", list.run);
            let note = notes.with_untracked(|n| n.get(&key).cloned().unwrap_or_default());
            let kind = match action {
                "tick" => list.tick(&step, &note),
                "skip" => list.skip(&step, &note),
                _ => list.untick(&step),
            };
            match kind {
                Ok(kind) => log(kind, (action != "reopen").then_some(key)),
                Err(e) => error.set(Some(e.to_string())),
            }
        },
    );
    view! {
        <section class="panel checklist-panel" aria-labelledby="checklist-heading">
            <h2 id="checklist-heading">"Playbooks"</h2>
            {move || {
                let found = suggested.get().unwrap_or_default();
                (!found.is_empty()).then(|| view! {
                    <div class="suggested">
                        <p class="hint">"Suggested for this case:"</p>
                        <ul>
                            {found.into_iter().map(|(id, title, version)| {
                                let label = format!("Apply {title}");
                                view! {
                                    <li>
                                        <A href=format!("/playbooks/{id}")>{title}</A>{format!(" (v{version}) ")}
                                        <button type="button" disabled=move || busy.get() on:click=move |_| apply(id)
                                            aria-label=label>"Apply"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                })
            }}
            <div class="inline-fields">
                <label for="apply-playbook">"Apply a playbook"</label>
                <select id="apply-playbook" prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {move || others.get().into_iter().map(|(id, title)| view! { <option value=id.to_string()>{title}</option> }).collect_view()}
                </select>
                <button type="button" disabled=move || busy.get() || chosen.get().is_empty() on:click=move |_| {
                    if let Ok(id) = Uuid::parse_str(&chosen.get_untracked()) { apply(id); chosen.set(String::new()); }
                }>"Apply"</button>
            </div>
            <FormStatus error=error draft=draft_status aside=saver.with_value(|s| s.set_aside_shown())/>
            {move || lists.get().into_iter().map(|list| {
                let (done, skipped, total) = list.progress();
                let heading = format!("{} · v{}", list.title, list.version);
                let summary = format!("{done} of {total} done{}", if skipped > 0 { format!(", {skipped} skipped") } else { String::new() });
                let stored = StoredValue::new(list.clone());
                // Linked templates come from the pinned version, like the steps themselves.
                let linked: std::collections::HashMap<String, (String, String)> = state.playbooks.with_untracked(|all| {
                    all.iter()
                        .find(|p| p.id == list.playbook)
                        .and_then(|p| p.get_version(list.version))
                        .map(|v| v.content.steps.iter().filter_map(|s| {
                            let id = s.template.clone()?;
                            let name = state.templates.with_untracked(|l| l.get(&id).map(|t| t.name.clone()))?;
                            Some((s.id.clone(), (id, name)))
                        }).collect())
                        .unwrap_or_default()
                });
                view! {
                    <div class="checklist" data-run=list.run.to_string()>
                        <h3><A href=format!("/playbooks/{}", list.playbook)>{heading}</A></h3>
                        <p class="checklist-progress">
                            <progress max=total.to_string() value=(done + skipped).to_string() aria-label="Checklist progress"></progress>
                            " "{summary}
                        </p>
                        <ol class="checklist-steps">
                            {list.steps.iter().map(|(step, state_of)| {
                                let step_id = step.id.clone();
                                let key = format!("{}:{}", list.run, step.id);
                                let note_key = key.clone();
                                let input_key = key.clone();
                                let label = step.title.clone();
                                let (status_text, open) = match state_of {
                                    StepState::Open => (String::new(), true),
                                    StepState::Done { by, at, evidence } => (format!("Done by {by} · {}{}", format_time(*at, &app_state().zone()), if evidence.is_empty() { String::new() } else { format!(" · {evidence}") }), false),
                                    StepState::Skipped { by, at, reason } => (format!("Skipped by {by} · {} · {reason}", format_time(*at, &app_state().zone())), false),
                                };
                                let tick_id = step_id.clone();
                                let skip_id = step_id.clone();
                                let reopen_id = step_id.clone();
                                view! {
                                    <li class=if open { "step open" } else { "step settled" }>
                                        <span class="step-title">{label.clone()}</span>
                                        {step.evidence_required.then_some(view! { <span class="tag">"Evidence required"</span> })}
                                        {linked.get(&step.id).cloned().map(|(template, name)| view! {
                                            " "<button type="button" class="link" on:click=move |_| compose.set(Some(template.clone()))>{format!("Write “{name}”")}</button>
                                        })}
                                        {(!open).then(|| view! { <span class="step-status">{status_text.clone()}</span> })}
                                        {if open { view! {
                                            <div class="inline-fields">
                                                <input aria-label=format!("Evidence or reason for {label}") placeholder="Evidence (note or link), or why it is skipped"
                                                    prop:value=move || notes.with(|n| n.get(&note_key).cloned().unwrap_or_default())
                                                    on:input=move |ev| set_note(input_key.clone(), event_target_value(&ev))/>
                                                <button type="button" disabled=move || busy.get() on:click=move |_| act.run((stored.get_value(), tick_id.clone(), "tick"))
                                                    aria-label=format!("Tick {label}")>"Done"</button>
                                                <button type="button" disabled=move || busy.get() on:click=move |_| act.run((stored.get_value(), skip_id.clone(), "skip"))
                                                    aria-label=format!("Skip {label}")>"Skip"</button>
                                            </div>
                                        }.into_any() } else { view! {
                                            <button type="button" class="link" disabled=move || busy.get() on:click=move |_| act.run((stored.get_value(), reopen_id.clone(), "reopen"))
                                                aria-label=format!("Reopen {label}")>"Reopen"</button>
                                        }.into_any() }}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
