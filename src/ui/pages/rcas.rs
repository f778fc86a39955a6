//! RCA pages: the list with root-cause counts and overdue actions, starting a worksheet, and its print view.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::app::drafts::DraftKey;
use crate::app::state::{AppState, app_state};
use crate::domain::case::CaseKey;
use crate::domain::rca::{Rca, RcaContent, RcaKey, SignOffState, category_counts};
use crate::ui::components::form_status::FormStatus;
use crate::ui::components::form_status::OutcomeList;
use crate::ui::pages::playbooks::Markdown;
use crate::ui::pages::rca_sheet::{export_markdown, status_class};

/// "2/3 signed (1 stale)" for the list.
fn signoff_summary(rca: &Rca) -> String {
    let teams = &rca.content.partner_teams;
    let (mut current, mut stale) = (0, 0);
    for (_, state) in rca.signoff_states() {
        match state {
            SignOffState::Current(_) => current += 1,
            SignOffState::Stale(_) => stale += 1,
            SignOffState::Missing => {}
        }
    }
    let mut text = format!("{current}/{} signed", teams.len());
    if stale > 0 {
        text.push_str(&format!(" ({stale} stale)"));
    }
    text
}

#[component]
pub fn RcasPage() -> impl IntoView {
    let state = app_state();
    let query = use_query_map();
    let from_case = query.with_untracked(|q| q.get("case").unwrap_or_default());
    let title = RwSignal::new(String::new());
    let cases_text = RwSignal::new(from_case.clone());
    let from_case = StoredValue::new(from_case);
    let problem = RwSignal::new(String::new());
    // Opened straight from a URL, the cases may still be loading: fill in once they are here.
    let prefilled = StoredValue::new(false);
    Effect::new(move |_| {
        if prefilled.get_value() {
            return;
        }
        let found = CaseKey::parse(&from_case.get_value()).and_then(|key| {
            state
                .cases
                .with(|all| all.iter().find(|c| c.key == key).cloned())
        });
        if let Some(case) = found {
            prefilled.set_value(true);
            if title.get_untracked().is_empty() {
                title.set(format!("RCA: {}", case.title));
            }
            if let (Some(p), true) = (case.problem_id, problem.get_untracked().is_empty()) {
                problem.set(p.to_string());
            }
        }
    });
    let errors = RwSignal::new(Vec::<String>::new());
    // Half-typed, the form survives a reload; one draft per case it was started from.
    let draft_status = RwSignal::new(None::<String>);
    let (redraft, saver) = crate::ui::components::drafts::form_draft(
        DraftKey::NewRca {
            from_cases: from_case.get_value(),
        },
        vec![
            ("title", title),
            ("cases", cases_text),
            ("problem", problem),
        ],
        draft_status,
        || {},
    );
    let saver = StoredValue::new(saver);
    let busy = RwSignal::new(false);
    let navigate = StoredValue::new(use_navigate());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut problems = Vec::new();
        let mut case_ids = Vec::new();
        for text in cases_text
            .get_untracked()
            .split([',', ' ', '\n'])
            .filter(|t| !t.trim().is_empty())
        {
            match CaseKey::parse(text).and_then(|key| {
                state
                    .cases
                    .with_untracked(|all| all.iter().find(|c| c.key == key).map(|c| c.id))
            }) {
                Some(id) if !case_ids.contains(&id) => case_ids.push(id),
                Some(_) => {}
                None => problems.push(format!(
                    "Linked cases: '{}' is not a case on this device",
                    text.trim()
                )),
            }
        }
        let problem_id = uuid::Uuid::parse_str(&problem.get_untracked()).ok();
        if case_ids.is_empty() && problem_id.is_none() {
            problems.push(
                "Link at least one case or a problem: an RCA explains something that happened"
                    .into(),
            );
        }
        let content = RcaContent {
            title: title.get_untracked().trim().to_string(),
            owner: state.actor(),
            authors: vec![state.actor()],
            case_ids,
            problem_id,
            ..RcaContent::default()
        };
        problems.extend(content.problems());
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        busy.set(true);
        // Taken now, so the draft is cleared even if the person leaves before the worksheet is stored.
        let saver = saver.get_value();
        leptos::task::spawn_local(async move {
            let result = crate::app::rcas::open(state, content).await;
            busy.set(false);
            match result {
                Ok(rca) => {
                    saver.discard();
                    let key = rca.key;
                    // Only from this page: someone who has moved on is not pulled back.
                    navigate.try_with_value(|n| n(&format!("/rcas/{key}"), Default::default()));
                }
                Err(e) => errors.set(vec![format!("Not created: {e}")]),
            }
        });
    };
    let today = state.today();
    let counts = Memo::new(move |_| state.rcas.with(|all| category_counts(all)));
    let overdue = Memo::new(move |_| {
        state.rcas.with(|all| {
            let mut rows: Vec<(RcaKey, String, String, chrono::NaiveDate)> = all
                .iter()
                .flat_map(|r| {
                    r.overdue_actions(today).into_iter().map(move |a| {
                        (
                            r.key,
                            a.title.clone(),
                            a.owner.clone(),
                            a.due.unwrap_or(today),
                        )
                    })
                })
                .collect();
            rows.sort_by_key(|r| r.3);
            rows
        })
    });
    view! {
        <section class="panel">
            <div class="page-head"><h1>"Root-cause analyses"</h1></div>
            <p class="hint">"A worksheet explains why escalations happened, with evidence, and is validated by the partner teams involved before it is published."</p>
            <Show when=move || !overdue.with(Vec::is_empty)>
                <div class="warning-panel" role="status">
                    <h2>{move || format!("Overdue actions ({})", overdue.with(Vec::len))}</h2>
                    <ul class="overdue-list">
                        <For each=move || overdue.get() key=|r| (r.0, r.1.clone()) let:row>
                            <li><A href=format!("/rcas/{}", row.0)>{row.0.to_string()}</A>" "{row.1.clone()}" — "{row.2.clone()}", due "{row.3.to_string()}</li>
                        </For>
                    </ul>
                </div>
            </Show>
            <Show when=move || !state.rcas.with(Vec::is_empty) fallback=|| view! {
                <p class="empty-state">"No worksheets yet. Start one below, or from a case with \u{201c}Start an RCA\u{201d}."</p>
            }>
                <table class="case-table rca-table">
                    <thead><tr>
                        <th scope="col">"Key"</th><th scope="col">"Title"</th><th scope="col">"Status"</th>
                        <th scope="col">"Owner"</th><th scope="col">"Root cause"</th><th scope="col">"Sign-offs"</th><th scope="col">"Overdue actions"</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || state.rcas.get() key=|r| (r.id, r.revision) let:rca>
                            <tr>
                                <td class="key"><A href=format!("/rcas/{}", rca.key)>{rca.key.to_string()}</A></td>
                                <td>{rca.content.title.clone()}</td>
                                <td><span class=status_class(rca.status)>{rca.status.label()}</span></td>
                                <td>{rca.content.owner.clone()}</td>
                                <td>{rca.content.category.clone()}</td>
                                <td>{signoff_summary(&rca)}</td>
                                <td class:overdue=!rca.overdue_actions(today).is_empty()>{rca.overdue_actions(today).len()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <h2>"Root causes"</h2>
                <p class="hint">"Worksheets per root-cause category (rejected ones left out). Edit the categories in Settings."</p>
                <ul class="category-counts">
                    <For each=move || counts.get() key=|c| c.clone() let:row>
                        <li><span class="count">{row.1}</span>" "{row.0.clone()}</li>
                    </For>
                </ul>
            </Show>
        </section>
        <form class="panel intake" on:submit=create>
            <h2>"Start a worksheet"</h2>
            <FormStatus draft=draft_status aside=saver.with_value(|s| s.set_aside_shown())/>
            <div class="field"><label for="rca-new-title">"Title"</label>
                <input id="rca-new-title" type="text" prop:value=move || title.get() on:input={ let redraft = redraft.clone(); move |ev| { title.set(event_target_value(&ev)); redraft(); } }/></div>
            <div class="field"><label for="rca-new-cases">"Linked cases (keys, comma-separated)"</label>
                <input id="rca-new-cases" type="text" placeholder="ESC-1042, ESC-1043" prop:value=move || cases_text.get() on:input={ let redraft = redraft.clone(); move |ev| { cases_text.set(event_target_value(&ev)); redraft(); } }/></div>
            <div class="field"><label for="rca-new-problem">"Problem"</label>
                <select id="rca-new-problem" prop:value=move || problem.get() on:change=move |ev| { problem.set(event_target_value(&ev)); redraft(); }>
                    <option value="">"None"</option>
                    {move || state.problems.get().into_iter().map(|p| view! { <option value=p.id.to_string()>{format!("{} {}", p.key, p.title)}</option> }).collect_view()}
                </select></div>
            <OutcomeList outcome=Signal::derive(move || Some(errors.get()).filter(|e| !e.is_empty()).map(|e| (false, e)))/>
            <div class="actions"><button type="submit" class="primary" prop:disabled=move || busy.get()>"Start worksheet"</button></div>
        </form>
    }
}

/// Finds the worksheet named in the route; only its id, so a new revision does not rebuild the page.
fn routed_rca(state: AppState) -> Memo<Option<uuid::Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        let key = params.with(|p| p.get("key").unwrap_or_default());
        let key = RcaKey::parse(&key)?;
        state
            .rcas
            .with(|all| all.iter().find(|r| r.key == key).map(|r| r.id))
    })
}

#[component]
fn NoSuchRca() -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"No such worksheet on this device"</h1>
            <p><A href="/rcas">"All root-cause analyses"</A></p>
        </section>
    }
}

#[component]
pub fn RcaPage() -> impl IntoView {
    let state = app_state();
    let id = routed_rca(state);
    move || match id.get() {
        None if state
            .boot
            .with(|b| matches!(b, crate::app::state::Boot::Loading)) =>
        {
            view! { <p class="loading">"Loading…"</p> }.into_any()
        }
        None => view! { <NoSuchRca/> }.into_any(),
        Some(id) => view! { <super::rca_sheet::Worksheet id=id/> }.into_any(),
    }
}

/// A clean, read-only layout of the worksheet for printing or saving as PDF.
#[component]
pub fn RcaPrintPage() -> impl IntoView {
    let state = app_state();
    let id = routed_rca(state);
    let markdown = Signal::derive(move || {
        id.get()
            .and_then(|id| {
                state
                    .rcas
                    .with(|all| all.iter().find(|r| r.id == id).cloned())
            })
            .map(|rca| export_markdown(state, &rca))
            .unwrap_or_default()
    });
    let print = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    move || {
        match id.get() {
        // Opened directly, the page comes before start-up has read the worksheets.
        None if state
            .boot
            .with(|b| matches!(b, crate::app::state::Boot::Loading)) =>
        {
            view! { <p class="loading" role="status">"Loading the worksheet…"</p> }.into_any()
        }
        None => view! { <NoSuchRca/> }.into_any(),
        Some(_) => view! {
            <article class="panel rca-print">
                <div class="actions no-print">
                    <A href=move || format!("/rcas/{}", state.rcas.with(|all| id.get().and_then(|id| all.iter().find(|r| r.id == id).map(|r| r.key.to_string())).unwrap_or_default()))>"Back to the worksheet"</A>
                    <button type="button" class="primary" on:click=print>"Print"</button>
                </div>
                <Markdown source=markdown/>
            </article>
        }
        .into_any(),
    }
    }
}
