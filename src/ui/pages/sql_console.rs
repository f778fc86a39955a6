//! The SQL console: a read-only SQLite copy of the desk's data in a Web Worker, with examples, saved queries, a virtualised grid, CSV and RCA evidence.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::SavedQuery;
use crate::app::state::{AppState, app_state};
use crate::browser;
use crate::domain::rca::RcaStatus;
use crate::sql::protocol::Reply;
use crate::sql::tables::{Cell, EXAMPLES, QueryResult, TABLES, extract, query_evidence};
use crate::ui::components::undo_toast::{UndoToast, Undoable};
use crate::ui::components::virtual_rows::{RowWindow, VirtualRows, row_window};
use crate::ui::sql_client;

/// Rows kept from one result; more are counted as "capped" and the grid says so.
pub const ROW_CAP: usize = 100_000;
const ROW_HEIGHT: f64 = 24.0;
const GRID_HEIGHT: f64 = 448.0;

#[derive(Debug, Clone, PartialEq)]
enum Engine {
    Loading(String),
    Ready { summary: String },
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Running,
    Done {
        result: std::sync::Arc<QueryResult>,
        sql: String,
        millis: f64,
        ran_at: chrono::DateTime<chrono::Utc>,
    },
    Failed {
        message: String,
        /// (line, column, the line's text), 1-based, when SQLite pointed somewhere.
        at: Option<(usize, usize, String)>,
    },
    Cancelled,
}

/// Line and column (1-based, in characters) of a character offset, with that line's text.
fn locate(sql: &str, offset: usize) -> (usize, usize, String) {
    let mut line = 1;
    let mut column = 1;
    let mut start = 0;
    for (i, ch) in sql.chars().enumerate() {
        if i == offset {
            break;
        }
        if ch == '\n' {
            line += 1;
            column = 1;
            start = i + 1;
        } else {
            column += 1;
        }
    }
    let text: String = sql.chars().skip(start).take_while(|c| *c != '\n').collect();
    (line, column, text)
}

async fn load_tables(state: AppState, engine: RwSignal<Engine>) {
    let _ = engine.try_set(Engine::Loading(
        "Reading your cases, timelines and RCAs…".into(),
    ));
    let started = browser::performance_now();
    let stored = match crate::app::exchange::read_everything().await {
        Ok(stored) => stored,
        Err(e) => {
            let _ = engine.try_set(Engine::Failed(format!("Could not read your data: {e}")));
            return;
        }
    };
    let _ = engine.try_set(Engine::Loading("Building the tables…".into()));
    let now = browser::now();
    let sla = crate::domain::sla::CompiledSla::new(stored.on_device.sla.clone(), now).ok();
    let built = extract(
        &stored.on_device.cases,
        &stored.on_device.events,
        &stored.on_device.rcas,
        sla.as_ref(),
        now,
        state.today(),
    );
    let read_ms = browser::performance_now() - started;
    let _ = engine.try_set(Engine::Loading(format!(
        "Starting the SQL engine and loading {} rows…",
        built.rows
    )));
    match sql_client::load(&built.tables).await {
        Ok((rows, sqlite_ms)) => {
            browser::measure("sql-load", started);
            browser::measure_span("sql-load-sqlite", sqlite_ms);
            let unreadable = if stored.unreadable.is_empty() {
                String::new()
            } else {
                format!(
                    " {} stored records could not be read and are left out.",
                    stored.unreadable.len()
                )
            };
            let _ = engine.try_set(Engine::Ready {
                summary: format!(
                    "{} cases, {rows} rows in all, as of {}. Read and built in {:.0} ms; SQLite loaded them in {:.0} ms.{unreadable}",
                    stored.on_device.cases.len(),
                    now.format("%H:%M UTC"),
                    read_ms,
                    sqlite_ms
                ),
            });
        }
        Err(e) => {
            let _ = engine.try_set(Engine::Failed(format!("The SQL engine did not start: {e}")));
        }
    }
}

#[component]
pub fn SqlConsolePage() -> impl IntoView {
    let state = app_state();
    let engine = RwSignal::new(Engine::Loading("Starting…".into()));
    let initial = state.prefs.with_untracked(|p| p.sql_draft.clone());
    let sql = RwSignal::new(if initial.trim().is_empty() {
        EXAMPLES
            .first()
            .map(|e| e.sql)
            .unwrap_or_default()
            .to_string()
    } else {
        initial
    });
    let outcome = RwSignal::new(None::<Outcome>);
    let next_id = StoredValue::new(0u32);
    let scroll_top = RwSignal::new(0.0f64);
    let save_name = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let undo = RwSignal::new(None::<Undoable<UndoAction>>);
    let chosen_rca = RwSignal::new(String::new());

    if sql_client::is_loaded() {
        engine.set(Engine::Ready {
            summary: "Tables loaded earlier in this visit. Reload to include changes since.".into(),
        });
    } else {
        leptos::task::spawn_local(load_tables(state, engine));
    }

    let keep_draft = move |text: String| {
        let mut prefs = state.prefs.get_untracked();
        prefs.sql_draft = text;
        if prefs.save().is_ok() {
            state.prefs.set(prefs);
        }
    };

    let run = move || {
        if outcome.with_untracked(|o| matches!(o, Some(Outcome::Running))) {
            return;
        }
        if !matches!(engine.get_untracked(), Engine::Ready { .. }) {
            notice.set(Some((
                false,
                "The tables are still loading; run again in a moment.".into(),
            )));
            return;
        }
        let text = sql.get_untracked();
        let id = next_id.get_value() + 1;
        next_id.set_value(id);
        outcome.set(Some(Outcome::Running));
        notice.set(None);
        scroll_top.set(0.0);
        leptos::task::spawn_local(async move {
            let started = browser::performance_now();
            let reply = sql_client::run(id, &text, ROW_CAP).await;
            let next = match reply {
                Ok(Reply::Result { result, millis, .. }) => {
                    browser::measure("sql-query", started);
                    browser::measure_span("sql-query-sqlite", millis);
                    Outcome::Done {
                        result: std::sync::Arc::new(result),
                        sql: text,
                        millis,
                        ran_at: browser::now(),
                    }
                }
                Ok(Reply::Failed {
                    message, offset, ..
                }) => Outcome::Failed {
                    at: offset.map(|o| locate(&text, o)),
                    message,
                },
                Ok(other) => Outcome::Failed {
                    message: format!("the SQL engine answered out of turn: {other:?}"),
                    at: None,
                },
                Err(e) if e == "Cancelled" => Outcome::Cancelled,
                Err(e) => Outcome::Failed {
                    message: e,
                    at: None,
                },
            };
            let _ = outcome.try_set(Some(next));
        });
    };
    let cancel = move || {
        if outcome.with_untracked(|o| matches!(o, Some(Outcome::Running))) {
            sql_client::cancel();
            outcome.set(Some(Outcome::Cancelled));
            // A cancelled query leaves no engine behind; a fresh one loads the tables again.
            leptos::task::spawn_local(load_tables(state, engine));
        }
    };

    let result = Memo::new(move |_| match outcome.get() {
        Some(Outcome::Done { result, .. }) => Some(result),
        _ => None,
    });

    let save_query = move || {
        let name = save_name.get_untracked().trim().to_string();
        if name.is_empty() {
            notice.set(Some((
                false,
                "Name the query to save it, e.g. \"Breaches by area, Q4\".".into(),
            )));
            return;
        }
        let text = sql.get_untracked();
        let mut prefs = state.prefs.get_untracked();
        let replaced = match prefs.sql_queries.iter_mut().find(|q| q.name == name) {
            Some(query) => {
                query.sql = text;
                true
            }
            None => {
                prefs.sql_queries.push(SavedQuery {
                    name: name.clone(),
                    sql: text,
                });
                false
            }
        };
        match prefs.save() {
            Ok(()) => {
                state.prefs.set(prefs);
                notice.set(Some((
                    true,
                    if replaced {
                        format!("Updated \"{name}\".")
                    } else {
                        format!("Saved \"{name}\".")
                    },
                )));
            }
            Err(e) => notice.set(Some((false, e))),
        }
    };

    let attach = move || {
        let Some(Outcome::Done {
            result,
            sql: ran_sql,
            ran_at,
            ..
        }) = outcome.get_untracked()
        else {
            return;
        };
        let Some(name) = state.prefs.with_untracked(|p| {
            p.sql_queries
                .iter()
                .find(|q| q.sql == ran_sql)
                .map(|q| q.name.clone())
        }) else {
            notice.set(Some((
                false,
                "Save this query with a name first, so the evidence says what it is.".into(),
            )));
            return;
        };
        let chosen = chosen_rca.get_untracked();
        let Some(rca) = state
            .rcas
            .with_untracked(|all| all.iter().find(|r| r.key.to_string() == chosen).cloned())
        else {
            notice.set(Some((
                false,
                "Choose the RCA to attach the result to.".into(),
            )));
            return;
        };
        let mut content = rca.content.clone();
        content.evidence.push(query_evidence(
            content.next_evidence_number(),
            &name,
            &ran_sql,
            ran_at,
            &result,
        ));
        let number = content.next_evidence_number() - 1;
        let next = match rca.edit(content, &state.actor(), browser::now()) {
            Ok(next) => next,
            Err(e) => {
                notice.set(Some((false, format!("Not attached: {e}"))));
                return;
            }
        };
        leptos::task::spawn_local(async move {
            let key = next.key;
            match crate::app::rcas::save(state, rca.revision, next, None).await {
                Ok(()) => {
                    let _ = notice.try_set(Some((
                        true,
                        format!("Attached to {key} as evidence E{number}."),
                    )));
                }
                Err(e) => {
                    let _ = notice.try_set(Some((false, format!("Not attached: {e}"))));
                }
            }
        });
    };

    let put_in_editor = move |text: String, what: String| {
        // The next thing to do with a query just put in is to edit or run it.
        if let Some(editor) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("sql-editor"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = editor.focus();
        }
        let before = sql.get_untracked();
        if before != text {
            sql.set(text.clone());
            keep_draft(text);
            undo.set(Some(Undoable::new(
                format!("Replaced your query with {what}."),
                UndoAction::Editor(before),
            )));
        }
    };

    let open_rcas = Memo::new(move |_| {
        state.rcas.with(|all| {
            all.iter()
                .filter(|r| r.status != RcaStatus::Published)
                .map(|r| (r.key.to_string(), r.content.title.clone()))
                .collect::<Vec<_>>()
        })
    });

    view! {
        <section class="panel sql-console">
            <h1>"SQL console"</h1>
            <p class="hint">"SQLite over a read-only copy of this device's cases, timelines, clocks, hand-offs, playbook runs and RCAs. Nothing you run here can change them."</p>
            <div role="status" class="sql-engine-status">
                {move || match engine.get() {
                    Engine::Loading(text) => view! { <p class="loading">{text}</p> }.into_any(),
                    Engine::Ready { summary } => view! {
                        <p>{summary}" "
                            <button type="button" disabled=move || matches!(outcome.get(), Some(Outcome::Running))
                                on:click=move |_| leptos::task::spawn_local(load_tables(state, engine))>"Reload data"</button>
                        </p>
                    }.into_any(),
                    Engine::Failed(text) => view! {
                        <p class="error" role="alert">{text}" "
                            <button type="button" on:click=move |_| leptos::task::spawn_local(load_tables(state, engine))>"Try again"</button>
                        </p>
                    }.into_any(),
                }}
            </div>
            <div class="sql-layout">
                <aside class="sql-sidebar" aria-label="Schema, examples and saved queries">
                    <h2>"Examples"</h2>
                    <ul>
                        {EXAMPLES.iter().map(|e| view! {
                            <li><button type="button" class="link-button" on:click=move |_| put_in_editor(e.sql.to_string(), format!("the example \"{}\"", e.name))>{e.name}</button></li>
                        }).collect_view()}
                    </ul>
                    <h2>"Saved queries"</h2>
                    {move || {
                        let saved = state.prefs.with(|p| p.sql_queries.clone());
                        if saved.is_empty() {
                            view! { <p class="hint">"None yet. Name a query below the editor and save it."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="saved-queries">
                                    {saved.into_iter().map(|q| {
                                        let (name, text) = (q.name.clone(), q.sql.clone());
                                        let doomed = q.clone();
                                        view! {
                                            <li>
                                                <button type="button" class="link-button" on:click=move |_| { save_name.set(name.clone()); put_in_editor(text.clone(), format!("\"{}\"", name)); }>{q.name.clone()}</button>
                                                " "
                                                <button type="button" class="small" aria-label=format!("Delete saved query {}", q.name) on:click=move |_| {
                                                    let mut prefs = state.prefs.get_untracked();
                                                    prefs.sql_queries.retain(|x| x.name != doomed.name);
                                                    if let Err(e) = prefs.save() { notice.set(Some((false, e))); return; }
                                                    state.prefs.set(prefs);
                                                    undo.set(Some(Undoable::new(format!("Deleted \"{}\".", doomed.name), UndoAction::Restore(doomed.clone()))));
                                                }>"Delete"</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                    <h2>"Tables"</h2>
                    {TABLES.iter().map(|t| view! {
                        <details>
                            <summary><code>{t.name}</code></summary>
                            <p class="hint">{t.doc}</p>
                            <dl>
                                {t.columns.iter().map(|c| view! {
                                    <dt><code>{c.name}</code>" "<span class="hint">{c.kind}</span></dt>
                                    <dd>{c.doc}</dd>
                                }).collect_view()}
                            </dl>
                        </details>
                    }).collect_view()}
                </aside>
                <div class="sql-main">
                    <label for="sql-editor">"Query"</label>
                    <textarea id="sql-editor" class="sql-editor" spellcheck="false" aria-describedby="sql-keys"
                        prop:value=move || sql.get()
                        on:input=move |ev| { let text = event_target_value(&ev); sql.set(text.clone()); keep_draft(text); }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) { ev.prevent_default(); run(); }
                            if ev.key() == "Escape" { cancel(); }
                        }></textarea>
                    <p id="sql-keys" class="hint">"Ctrl+Enter (⌘+Enter) runs; Esc cancels a running query. One statement at a time; reading only."</p>
                    <div class="sql-toolbar">
                        <button type="button" class="primary" on:click=move |_| run()
                            disabled=move || matches!(outcome.get(), Some(Outcome::Running)) || !matches!(engine.get(), Engine::Ready { .. })>"Run"</button>
                        <button type="button" on:click=move |_| cancel() disabled=move || !matches!(outcome.get(), Some(Outcome::Running))>"Cancel"</button>
                        <label for="sql-save-name" class="visually-hidden">"Query name"</label>
                        <input id="sql-save-name" placeholder="Query name" prop:value=move || save_name.get()
                            on:input=move |ev| save_name.set(event_target_value(&ev))
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); save_query(); }/>
                        <button type="button" on:click=move |_| save_query()>"Save query"</button>
                    </div>
                    <UndoToast undo=undo on_undo=move |action: UndoAction| {
                        match action {
                            UndoAction::Editor(before) => { sql.set(before.clone()); keep_draft(before); }
                            UndoAction::Restore(query) => {
                                let mut prefs = state.prefs.get_untracked();
                                if !prefs.sql_queries.iter().any(|q| q.name == query.name) { prefs.sql_queries.push(query); }
                                if let Err(e) = prefs.save() { notice.set(Some((false, e))); return; }
                                state.prefs.set(prefs);
                            }
                        }
                        undo.set(None);
                    }/>
                    {move || notice.get().map(|(ok, text)| view! {
                        <p class=if ok { "notice" } else { "error" } role=if ok { "status" } else { "alert" }>{text}</p>
                    })}
                    {move || match outcome.get() {
                        None => view! { <p class="hint">"Results appear here."</p> }.into_any(),
                        Some(Outcome::Running) => view! { <p class="loading" role="status">"Running… "<button type="button" on:click=move |_| cancel()>"Cancel"</button></p> }.into_any(),
                        Some(Outcome::Cancelled) => view! { <p role="status">"Cancelled. The engine restarts with fresh tables."</p> }.into_any(),
                        Some(Outcome::Failed { message, at }) => view! {
                            <div class="error sql-error" role="alert">
                                <p>{message}{at.as_ref().map(|(line, column, _)| format!(" (line {line}, column {column})"))}</p>
                                {at.map(|(_, column, text)| view! { <pre>{text}"\n"{" ".repeat(column.saturating_sub(1))}"^"</pre> })}
                            </div>
                        }.into_any(),
                        Some(Outcome::Done { result, millis, .. }) => {
                            let count = result.rows.len();
                            view! {
                                <p role="status" class="sql-summary">{format!("{count} row{} in {millis:.0} ms", if count == 1 { "" } else { "s" })}</p>
                                {result.capped.then(|| view! {
                                    <p class="notice" role="status">{format!("Showing the first {ROW_CAP} rows; the query returned more. Add a LIMIT or aggregate to see the rest.")}</p>
                                })}
                            }.into_any()
                        }
                    }}
                    <Show when=move || result.get().is_some()>
                        <div class="sql-toolbar">
                            <button type="button" on:click=move |_| {
                                if let Some(r) = result.get_untracked() {
                                    let name = format!("escalation-desk-query-{}.csv", browser::now().format("%Y-%m-%d-%H%M"));
                                    if let Err(e) = browser::download(&name, &r.to_csv(), "text/csv") { notice.set(Some((false, e))); }
                                }
                            }>"Export CSV"</button>
                            <label for="sql-rca">"Attach to RCA"</label>
                            <select id="sql-rca" on:change=move |ev| chosen_rca.set(event_target_value(&ev))>
                                <option value="">"Choose…"</option>
                                {move || open_rcas.get().into_iter().map(|(key, title)| view! { <option value=key.clone()>{format!("{key} · {title}")}</option> }).collect_view()}
                            </select>
                            <button type="button" on:click=move |_| attach()>"Attach result as evidence"</button>
                            {move || open_rcas.with(Vec::is_empty).then(|| view! { <span class="hint">"No open RCA: "<A href="/rcas">"start one"</A></span> })}
                        </div>
                        <ResultGrid result=result scroll_top=scroll_top/>
                    </Show>
                </div>
            </div>
        </section>
    }
}

#[derive(Debug, Clone, PartialEq)]
enum UndoAction {
    Editor(String),
    Restore(SavedQuery),
}

/// Only the rows in view (plus a margin) are in the DOM, so 100,000 rows scroll like 50.
#[component]
fn ResultGrid(
    result: Memo<Option<std::sync::Arc<QueryResult>>>,
    scroll_top: RwSignal<f64>,
) -> impl IntoView {
    // Rows drawn beyond the 448 px box on each side, so fast scrolling never shows a gap.
    const OVERSCAN: usize = 10;
    let window = Memo::new(move |_| {
        let total = result.with(|r| r.as_ref().map_or(0, |r| r.rows.len()));
        row_window(scroll_top.get(), GRID_HEIGHT, ROW_HEIGHT, OVERSCAN, total)
    });
    // Each drawn row with its place and the result it came from: a new result replaces every
    // row even where the index is the same.
    let rows = move || {
        let RowWindow { first, last, .. } = window.get();
        result.with(|r| {
            r.as_ref().map_or_else(Vec::new, |r| {
                let run = std::sync::Arc::as_ptr(r) as usize;
                r.rows
                    .get(first..last)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(|(n, row)| (run, first.saturating_add(n), row.clone()))
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <div class="sql-grid" tabindex="0" role="region" aria-label="Query results"
            on:scroll=move |ev| {
                use wasm_bindgen::JsCast;
                if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    scroll_top.set(f64::from(el.scroll_top()));
                }
            }>
            <table aria-rowcount=move || window.get().total.saturating_add(1)>
                <thead><tr>
                    {move || result.get().map(|r| r.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view())}
                </tr></thead>
                <VirtualRows window=window row_height=ROW_HEIGHT rows=rows
                    key=|(run, i, _): &(usize, usize, Vec<Cell>)| (*run, *i)
                    row=|(_, i, row): (usize, usize, Vec<Cell>)| view! {
                        <tr aria-rowindex=i.saturating_add(2)>
                            {row.into_iter().map(|c| match c {
                                Cell::Null => view! { <td class="null">"NULL"</td> }.into_any(),
                                other => view! { <td title=other.display()>{other.display()}</td> }.into_any(),
                            }).collect_view()}
                        </tr>
                    }/>
            </table>
        </div>
    }
}
