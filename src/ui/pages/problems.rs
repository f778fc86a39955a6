//! Problem records: the list, opening one, linking cases to it, and resolving it for all of them.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::app::problems;
use crate::app::state::app_state;
use crate::browser;
use crate::domain::Case;
use crate::domain::case::CaseKey;
use crate::domain::problem::{Cascade, Problem, ProblemStatus, plan_cascade};
use crate::ui::components::form_status::FormStatus;

#[component]
pub fn ProblemsPage() -> impl IntoView {
    let state = app_state();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (typed_title, typed_description) = (title.get_untracked(), description.get_untracked());
        leptos::task::spawn_local(async move {
            match problems::open(state, &typed_title, &typed_description).await {
                Ok(_) => {
                    title.set(String::new());
                    description.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let linked_count = move |id: uuid::Uuid| {
        state
            .cases
            .with(|all| all.iter().filter(|c| c.problem_id == Some(id)).count())
    };
    view! {
        <section class="panel">
            <h1>"Problems"</h1>
            <p class="hint">"A problem is one underlying cause shared by several cases. Resolve it once, and carry the fix to every linked case."</p>
            <Show when=move || !state.problems.with(Vec::is_empty) fallback=|| view! { <p>"No problems yet."</p> }>
                <table class="case-table">
                    <thead><tr><th scope="col">"Key"</th><th scope="col">"Title"</th><th scope="col">"Status"</th><th scope="col">"Linked cases"</th></tr></thead>
                    <tbody>
                        <For each=move || { let mut all = state.problems.get(); all.sort_by_key(|p| std::cmp::Reverse(p.key)); all } key=|p| (p.id, p.revision) let:problem>
                            <tr>
                                <td class="key"><A href=format!("/problems/{}", problem.key)>{problem.key.to_string()}</A></td>
                                <td>{problem.title.clone()}</td>
                                <td>{match problem.status { ProblemStatus::Open => "Open", ProblemStatus::Resolved => "Resolved" }}</td>
                                <td>{move || linked_count(problem.id)}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
        <form class="panel intake" on:submit=create>
            <h2>"New problem"</h2>
            <div class="field"><label for="problem-title">"Problem title"</label>
                <input id="problem-title" type="text" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/></div>
            <div class="field"><label for="problem-description">"What is known"</label>
                <textarea id="problem-description" rows="3" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea></div>
            <FormStatus error=error/>
            <div class="actions"><button type="submit" class="primary">"Open problem"</button></div>
        </form>
    }
}

#[component]
pub fn ProblemPage() -> impl IntoView {
    let state = app_state();
    let params = use_params_map();
    // Only the id: a new revision of the problem must not rebuild the page and lose its state.
    let problem_id = Memo::new(move |_| {
        let key = params.with(|p| p.get("key").unwrap_or_default());
        state
            .problems
            .with(|all| all.iter().find(|p| p.key.to_string() == key).map(|p| p.id))
    });
    move || match problem_id.get() {
        None => view! {
            <section class="panel">
                <h1>"No such problem on this device"</h1>
                <p><A href="/problems">"All problems"</A></p>
            </section>
        }
        .into_any(),
        Some(id) => view! { <ProblemDetail id=id/> }.into_any(),
    }
}

#[component]
fn ProblemDetail(id: uuid::Uuid) -> impl IntoView {
    let state = app_state();
    let problem = Memo::new(move |_| {
        state
            .problems
            .with(|all| all.iter().find(|p| p.id == id).cloned())
    });
    let linked = Memo::new(move |_| {
        let mut cases: Vec<Case> = state.cases.with(|all| {
            all.iter()
                .filter(|c| c.problem_id == Some(id))
                .cloned()
                .collect()
        });
        cases.sort_by_key(|c| c.key.clone());
        cases
    });
    let link_key = RwSignal::new(String::new());
    let link_error = RwSignal::new(None::<String>);
    let summary = RwSignal::new(String::new());
    let cascade = RwSignal::new("resolve".to_string());
    let resolve_error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);

    let link = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = link_key.get_untracked();
        let Some(key) = CaseKey::parse(&text) else {
            link_error.set(Some(format!(
                "'{}' is not a case key like ESC-1042",
                text.trim()
            )));
            return;
        };
        let Some(case) = state
            .cases
            .with_untracked(|all| all.iter().find(|c| c.key == key).cloned())
        else {
            link_error.set(Some(format!("No case {key} on this device")));
            return;
        };
        leptos::task::spawn_local(async move {
            match problems::link(state, case, id).await {
                Ok(_) => {
                    link_key.set(String::new());
                    link_error.set(None);
                }
                Err(crate::app::AppError::Refused(why)) => link_error.set(Some(why)),
                Err(e) => link_error.set(Some(format!("Not linked: {e}"))),
            }
        });
    };

    // The cascade is planned live from the summary and the choice, so the user sees it before confirming.
    let plan = Memo::new(move |_| {
        let problem = problem.get()?;
        let choice = match cascade.get().as_str() {
            "resolve" => Cascade::Resolve,
            "note" => Cascade::Note,
            _ => return None,
        };
        let preview = Problem {
            resolution: Some(summary.get()),
            ..problem
        };
        let scope = state.edit_scope();
        let ctx = scope.ctx();
        Some(plan_cascade(
            &preview,
            &linked.get(),
            choice,
            &ctx,
            browser::new_id,
        ))
    });

    let resolve = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(before) = problem.get_untracked() else {
            return;
        };
        let resolved = match before.resolve(&summary.get_untracked(), browser::now()) {
            Ok(p) => p,
            Err(e) => {
                resolve_error.set(Some(e.to_string()));
                return;
            }
        };
        let cascade = plan.get_untracked().map(|p| p.changes).unwrap_or_default();
        leptos::task::spawn_local(async move {
            match problems::resolve(state, &before, resolved, cascade).await {
                Ok(count) => {
                    resolve_error.set(None);
                    done.set(Some(format!(
                        "Problem resolved; {count} linked case(s) updated."
                    )));
                }
                Err(e) => resolve_error.set(Some(format!("Nothing changed: {e}"))),
            }
        });
    };

    view! {
        {move || problem.get().map(|p| view! {
            <section class="panel">
                <p class="case-key">{p.key.to_string()}" · "{match p.status { ProblemStatus::Open => "Open", ProblemStatus::Resolved => "Resolved" }}</p>
                <h1>{p.title.clone()}</h1>
                <p class="note-body">{p.description.clone()}</p>
                {p.resolution.clone().map(|r| view! { <p><strong>"Resolution: "</strong>{r}</p> })}
            </section>
        })}
        <section class="panel">
            <h2>"Linked cases"</h2>
            <ul class="linked">
                <For each=move || linked.get() key=|c| (c.id, c.revision) let:case>
                    <li><A href=format!("/cases/{}", case.key)>{case.key.to_string()}</A>" "{case.title.clone()}" — "{case.status.label()}</li>
                </For>
            </ul>
            <form class="inline-fields" on:submit=link>
                <label for="link-key">"Case key"</label>
                <input id="link-key" type="text" placeholder="ESC-1042" prop:value=move || link_key.get() on:input=move |ev| link_key.set(event_target_value(&ev))/>
                <button type="submit">"Link case"</button>
            </form>
            <FormStatus error=link_error/>
        </section>
        <Show when=move || problem.with(|p| p.as_ref().is_some_and(|p| p.status == ProblemStatus::Open))>
            <form class="panel" on:submit=resolve>
                <h2>"Resolve the problem"</h2>
                <div class="field"><label for="problem-resolution">"Problem resolution"</label>
                    <textarea id="problem-resolution" rows="3" prop:value=move || summary.get() on:input=move |ev| summary.set(event_target_value(&ev))></textarea></div>
                <fieldset>
                    <legend>"Linked open cases"</legend>
                    {[("resolve", "Resolve them with this resolution"), ("note", "Add the resolution as a note, keep their status"), ("leave", "Leave them as they are")]
                        .into_iter().map(|(value, label)| view! {
                            <div class="check">
                                <input type="radio" name="cascade" id=format!("cascade-{value}") value=value
                                    prop:checked=move || cascade.get() == value on:change=move |_| cascade.set(value.to_string())/>
                                <label for=format!("cascade-{value}")>{label}</label>
                            </div>
                        }).collect_view()}
                </fieldset>
                <div class="cascade-preview" role="status">
                    {move || plan.get().map(|p| view! {
                        <p>{format!("Will update {} case(s){}", p.changes.len(), if p.changes.is_empty() { "." } else { ":" })}" "
                            {p.changes.iter().map(|(c, _, _)| c.key.to_string()).collect::<Vec<_>>().join(", ")}</p>
                        {(!p.skipped.is_empty()).then(|| view! {
                            <p>"Left as they are:"</p>
                            <ul>{p.skipped.iter().map(|(c, why)| view! { <li>{format!("{}: {why}", c.key)}</li> }).collect_view()}</ul>
                        })}
                    })}
                </div>
                <FormStatus error=resolve_error/>
                <div class="actions"><button type="submit" class="primary">"Resolve problem"</button></div>
            </form>
        </Show>
        <FormStatus done=done/>
    }
}
