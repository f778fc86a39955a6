//! The queue: every case on this device, filtered, searched and ordered, with bulk actions and keyboard control.

use std::collections::HashSet;

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::app::cases::Change;
use crate::app::state::{AppState, Boot, app_state};
use crate::browser;
use crate::domain::case::{CaseEdit, CaseKey, CaseStatus, Tier};
use crate::domain::playbooks::progress_from_marks;
use crate::domain::priority::Priority;
use crate::domain::queue::{
    QueueFilter, SavedView, SlaFilter, deadline_order_indices, queue_order_indices,
    raise_reminders, reminder_of, select, starter_views, view_counts,
};
use crate::domain::queue_preview::QueuePreview;
use crate::domain::sample::{FIRST_RUN_SEED, FIRST_RUN_SIZE};
use crate::domain::search::Query;
use crate::domain::sla::Health;
use crate::domain::{Case, DomainError};
use crate::ui::components::form_status::FormStatus;
use crate::ui::components::intake::IntakeForm;
use crate::ui::components::still_waiting::StillWaiting;
use crate::ui::components::undo_toast::{UndoToast, Undoable};
use crate::ui::components::virtual_rows::{RowWindow, VirtualRows, row_window};

mod controls;
mod preview;
mod row;
mod texts;

use controls::*;
use preview::*;
use row::*;

/// Rows are a fixed height so the visible window is arithmetic, not measurement.
const ROW_HEIGHT: f64 = 41.0;
/// Rows drawn beyond the visible window on each side, so fast scrolling never shows a gap.
const OVERSCAN: usize = 8;

#[component]
pub fn QueuePage() -> impl IntoView {
    let state = app_state();
    let show_intake = RwSignal::new(false);
    // `/?new=1` (the command palette's "New case") opens intake, also when already on the queue.
    let query_map = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if query_map.with(|q| q.get("new").is_some()) {
            show_intake.set(true);
        }
    });
    let sample_error = RwSignal::new(None::<String>);
    let sample_busy = RwSignal::new(false);

    let load_sample = move |_| {
        sample_busy.set(true);
        leptos::task::spawn_local(async move {
            let result =
                crate::app::cases::load_sample(state, FIRST_RUN_SEED, FIRST_RUN_SIZE).await;
            sample_busy.set(false);
            sample_error.set(
                result
                    .err()
                    .map(|e| format!("Sample data was not loaded: {e}")),
            );
        });
    };
    let has_cases = Memo::new(move |_| state.cases.with(|c| !c.is_empty()));
    // A memo, so setting the flag again (every reload does) does not rebuild the list and lose its filters.
    let marks_in = Memo::new(move |_| state.marks_loaded.get());
    // On an empty desk the one thing to do is load the sample or create a case: Enter loads
    // it, unless focus is already somewhere the person put it.
    let sample_button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        // `try_`: when storage goes away (another tab upgraded it) the whole page is dropped,
        // and this may run once more for a button that is already gone.
        let Some(button) = sample_button.try_get().flatten() else {
            return;
        };
        let idle = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_none_or(|el| el.tag_name() == "BODY");
        if idle {
            let _ = button.focus();
        }
    });
    // The last session's first screen, read before IndexedDB has even opened.
    let preview = StoredValue::new(crate::app::first_screen::kept());
    let loading = Memo::new(move |_| state.boot.with(|b| *b == Boot::Loading));
    // Every case and its deadlines are in: the rows are the real ones.
    let live = Memo::new(move |_| !loading.get() && has_cases.get() && marks_in.get());
    let showing = Memo::new(move |_| {
        let previewed = preview.with_value(Option::is_some);
        what_to_show(loading.get(), has_cases.get(), marks_in.get(), previewed)
    });
    // Nothing stored now: the next start must not show rows from before.
    Effect::new(move |_| {
        if showing.get() == Showing::Empty {
            crate::app::first_screen::forget();
        }
    });
    // "c" opens intake from any queue state, including the empty first run.
    let new_case_key = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.key() == "c"
            && !(ev.ctrl_key()
                || ev.meta_key()
                || ev.alt_key()
                || crate::ui::components::keys::is_typing(&ev))
            && !state.prefs.with_untracked(|p| p.single_key_shortcuts_off)
        {
            ev.prevent_default();
            show_intake.set(true);
        }
    });
    on_cleanup(move || new_case_key.remove());

    view! {
        <section class="queue">
            <div class="page-head">
                <h1>"Queue"</h1>
                <button type="button" class="primary" aria-keyshortcuts="c" on:click=move |_| show_intake.set(true)>"New case"</button>
            </div>
            <Show when=move || !state.unreadable.with(Vec::is_empty)>
                <section class="panel warning-panel" role="alert">
                    <h2>{move || match state.unreadable.with(|u| u.iter().filter(|e| e.is_unreadable_case()).count()) {
                        0 => "Some stored records could not be read".to_string(),
                        n => format!("{n} stored case(s) could not be read"),
                    }}</h2>
                    <p>"They are left in storage exactly as they are, so nothing is lost. Export a backup before changing anything. "
                        <a href="/?safe" rel="external">"Safe mode"</a>" lists every stored record and can set one aside (kept, never deleted)."</p>
                    <ul>{move || state.unreadable.get().into_iter().map(|why| view! { <li>{why.to_string()}</li> }).collect_view()}</ul>
                </section>
            </Show>
            <Show when=move || show_intake.get()>
                <IntakeForm on_close=Callback::new(move |_| show_intake.set(false))/>
            </Show>
            // Rows wait for the clock marks too: the queue is ordered by SLA deadline, and rows
            // painted before the marks would re-sort a moment later under the reader's eyes.
            // Until then the list shows the last session's first screen, if there is one.
            {move || match showing.get() {
                Showing::LoadingCases => view! { <p class="loading" role="status">"Loading cases…"</p> }.into_any(),
                Showing::LoadingDeadlines => view! { <p class="loading" role="status">"Loading deadlines…"</p> }.into_any(),
                Showing::Empty => view! {
                    <div class="panel empty-state">
                        <h2>"No cases yet"</h2>
                        <p>"Cases you create are stored on this device and work offline."</p>
                        <p>"New to Escalation Desk? Load a realistic set of "{FIRST_RUN_SIZE}" payments escalations to explore."</p>
                        <button type="button" node_ref=sample_button on:click=load_sample disabled=move || sample_busy.get()>
                            {move || if sample_busy.get() { "Loading sample data…" } else { "Load sample data" }}
                        </button>
                        <StillWaiting busy=sample_busy what="The sample data"/>
                        <FormStatus error=sample_error/>
                    </div>
                }.into_any(),
                Showing::List => view! { <CaseList live=live preview=preview/> }.into_any(),
            }}
            // Also under the last visit's first screen, which stands in while the cases load.
            <StillWaiting busy=Signal::derive(move || showing.get() != Showing::Empty && !live.get()) what="The queue"/>
        </section>
    }
}

/// How the queue is ordered: by the soonest SLA deadline (the default), or by priority and age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueueSort {
    Deadline,
    Priority,
}

/// What the last bulk action changed (the cases as they were), so Undo can put it back.
type UndoBatch = Undoable<Vec<Case>>;

#[component]
fn CaseList(
    /// Every case and deadline is in; until then the rows are `preview`'s, and nothing responds.
    live: Memo<bool>,
    preview: StoredValue<Option<QueuePreview>>,
) -> impl IntoView {
    let state = app_state();
    // Navigation start → the real first rows on screen, once per page load (the benchmark's B2).
    Effect::new(move |_| {
        use std::sync::atomic::{AtomicBool, Ordering};
        static MEASURED: AtomicBool = AtomicBool::new(false);
        if live.get() && !MEASURED.swap(true, Ordering::Relaxed) {
            browser::measure_to_paint("first-rows", 0.0);
        }
    });
    let filter = RwSignal::new(QueueFilter {
        open_only: true,
        ..QueueFilter::default()
    });
    let query = RwSignal::new(String::new());
    let cursor = RwSignal::new(0usize);
    // Set by j/k so the current row's key link takes focus: a screen reader then announces the
    // row the cursor is on, and Enter opens it. A click or Tab does not move focus for the user.
    let cursor_by_keys = RwSignal::new(false);
    let selected = RwSignal::new(HashSet::<Uuid>::new());
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(600.0f64);
    let bulk_error = RwSignal::new(None::<String>);
    let undo = RwSignal::new(None::<UndoBatch>);
    let scroller = NodeRef::<html::Div>::new();
    let search_box = NodeRef::<html::Input>::new();

    // Folded search text per case, recomputed only for cases whose revision changed.
    let texts = texts::search_texts(state);
    let parsed_query = Memo::new(move |_| Query::parse(&query.get()));
    let sort = RwSignal::new(QueueSort::Deadline);
    // Deadlines only, so a tick that changes no deadline does not re-sort 50k cases. Every
    // memo over all cases waits for `live`: while the preview shows, the cases arrive before
    // their marks, and ordering them then would be a second pass over 50k cases for nothing.
    let deadlines = Memo::new(move |_| {
        if !live.get() {
            return Vec::new();
        }
        state.board.with(|b| {
            b.rows
                .iter()
                .map(|r| r.due.map(|(d, _)| d))
                .collect::<Vec<_>>()
        })
    });
    let order = Memo::new(move |_| match sort.get() {
        _ if !live.get() => Vec::new(),
        QueueSort::Deadline => {
            deadlines.with(|due| state.cases.with(|all| deadline_order_indices(all, due)))
        }
        QueueSort::Priority => state.cases.with(|all| queue_order_indices(all)),
    });
    let health = Memo::new(move |_| {
        state
            .board
            .with(|b| b.rows.iter().map(|r| r.health).collect::<Vec<_>>())
    });
    let filtered = Memo::new(move |_| {
        let filter = filter.get();
        let query = parsed_query.get();
        let uses_health = filter.sla.is_some();
        order.with(|order| {
            state.cases.with(|all| {
                let run = |health: &[Health]| {
                    // Rows need no search text; folding 50k cases' text only waits for a query.
                    if query.is_empty() {
                        select(order, all, &[], health, &filter, &query)
                    } else {
                        texts.with(|t| select(order, all, t, health, &filter, &query))
                    }
                };
                if uses_health {
                    health.with(|h| run(h))
                } else {
                    run(&[])
                }
            })
        })
    });
    // Each case's follow-up reminder, parallel to the case list; most cases have none.
    let reminders = Memo::new(move |_| {
        if !live.get() {
            return Vec::new();
        }
        state.marks.with(|m| {
            state.cases.with(|all| {
                all.iter()
                    .map(|c| m.get(&c.id).and_then(|marks| reminder_of(marks)))
                    .collect::<Vec<_>>()
            })
        })
    });
    // Due reminders first, snoozed cases out until due; the clock tick re-checks what is due.
    let picked = Memo::new(move |_| {
        reminders.with(|r| {
            if r.iter().all(Option::is_none) {
                return filtered.get();
            }
            let now = state.clock.get();
            filtered.with(|f| raise_reminders(f, r, now))
        })
    });
    // Keep the cursor on a real row when the list shrinks.
    Effect::new(move |_| {
        let len = picked.with(Vec::len);
        if cursor.get_untracked() >= len {
            cursor.set(len.saturating_sub(1));
        }
    });

    let views = Memo::new(move |_| {
        let mut all = starter_views(&state.prefs.with(|p| p.actor()));
        all.extend(state.prefs.with(|p| p.views.clone()));
        all
    });
    let counted = counted_after_first_paint(live);
    let counts = Memo::new(move |_| {
        if !counted.get() {
            return views.with(|v| vec![0; v.len()]);
        }
        state
            .cases
            .with(|all| health.with(|h| views.with(|v| view_counts(all, h, v))))
    });
    let at_start_view =
        Memo::new(move |_| query.with(|q| filter.with(|f| is_start_view(f, sort.get(), q))));
    keep_first_screen(counted, at_start_view, picked, views, counts);

    let window_rows = Memo::new(move |_| {
        row_window(
            scroll_top.get(),
            viewport.get(),
            ROW_HEIGHT,
            OVERSCAN,
            picked.with(Vec::len),
        )
    });
    let visible = move || {
        let RowWindow { first, last, .. } = window_rows.get();
        let rows = picked.with(|p| p.get(first..last).unwrap_or_default().to_vec());
        // `picked` may be a step behind `cases` (a reload in flight); a row it no longer
        // names is skipped for this paint rather than trusted.
        state.cases.with(|all| {
            rows.into_iter()
                .enumerate()
                .filter_map(|(n, i)| Some((first + n, i, all.get(i)?.clone())))
                .collect::<Vec<_>>()
        })
    };

    let scroll_to_cursor = move |index: usize| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let top = index as f64 * ROW_HEIGHT;
        let height = el.client_height() as f64;
        let current = el.scroll_top() as f64;
        if top < current {
            el.set_scroll_top(top as i32);
        } else if top + ROW_HEIGHT > current + height - ROW_HEIGHT {
            el.set_scroll_top((top + 2.0 * ROW_HEIGHT - height).max(0.0) as i32);
        }
    };
    let navigate = use_navigate();
    let open_cursor = move || {
        let id = picked.with_untracked(|p| p.get(cursor.get_untracked()).copied());
        if let Some(key) = id.and_then(|i| {
            state
                .cases
                .with_untracked(|all| Some(all.get(i)?.key.to_string()))
        }) {
            navigate(&format!("/cases/{key}"), Default::default());
        }
    };
    let navigate_call = use_navigate();
    let call_cursor = move || {
        let id = picked.with_untracked(|p| p.get(cursor.get_untracked()).copied());
        if let Some(key) = id.and_then(|i| {
            state
                .cases
                .with_untracked(|all| Some(all.get(i)?.key.to_string()))
        }) {
            navigate_call(&format!("/cases/{key}/call"), Default::default());
        }
    };
    let toggle_cursor = move || {
        let index = cursor.get_untracked();
        let found = picked.with_untracked(|p| p.get(index).copied());
        if let Some(id) =
            found.and_then(|i| state.cases.with_untracked(|all| all.get(i).map(|c| c.id)))
        {
            selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id);
                }
            });
        }
    };

    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        // Arrow keys and Enter keep working: they are not letters a person might type.
        let letters_off = state.prefs.with_untracked(|p| p.single_key_shortcuts_off);
        if !crate::ui::components::keys::is_command_key(&ev, letters_off) {
            return;
        }
        let len = picked.with_untracked(Vec::len);
        match ev.key().as_str() {
            "j" | "ArrowDown" if len > 0 => {
                let next = (cursor.get_untracked() + 1).min(len - 1);
                ev.prevent_default();
                cursor_by_keys.set(true);
                cursor.set(next);
                scroll_to_cursor(next);
            }
            "k" | "ArrowUp" if len > 0 => {
                let next = cursor.get_untracked().saturating_sub(1);
                ev.prevent_default();
                cursor_by_keys.set(true);
                cursor.set(next);
                scroll_to_cursor(next);
            }
            "Enter" if len > 0 && !target_is_interactive(&ev) => {
                browser::note_action_started(ev.time_stamp());
                open_cursor()
            }
            "x" => toggle_cursor(),
            "l" if len > 0 => {
                // Call mode focuses its notes while this key is still going down; without
                // this, the browser would then type the "l" into them.
                ev.prevent_default();
                call_cursor()
            }
            "/" => {
                ev.prevent_default();
                if let Some(input) = search_box.get_untracked() {
                    let _ = input.focus();
                }
            }
            "Escape" => selected.set(HashSet::new()),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let run_bulk = move |label: String, make: Box<dyn Fn() -> CaseEdit>| {
        bulk_error.set(None);
        let ids = selected.get_untracked();
        let before: Vec<Case> = state.cases.with_untracked(|all| {
            all.iter()
                .filter(|c| ids.contains(&c.id))
                .cloned()
                .collect()
        });
        let scope = state.edit_scope();
        let ctx = scope.ctx();
        let mut changes = Vec::new();
        let mut refusals = Vec::new();
        for case in &before {
            match case.apply(make(), &ctx, browser::new_id) {
                Ok((next, events)) => changes.push(Change {
                    expected_revision: case.revision,
                    next,
                    events,
                }),
                Err(DomainError::NoChange) => {}
                Err(e) => refusals.push(format!("{}: {e}", case.key)),
            }
        }
        if !refusals.is_empty() {
            // All or nothing: one refused case stops the whole action before anything is written.
            let shown: Vec<_> = refusals.iter().take(3).cloned().collect();
            let more = refusals.len().saturating_sub(3);
            bulk_error.set(Some(format!(
                "Nothing changed. {}{}",
                shown.join("; "),
                if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                }
            )));
            return;
        }
        commit_bulk(state, changes, label, before, bulk_error, undo, selected);
    };
    let run_undo = move |before: Vec<Case>| {
        let actor = state.actor();
        let now = browser::now();
        let mut changes = Vec::new();
        let mut currents = Vec::new();
        for snapshot in &before {
            if let Some(current) = state.case(snapshot.id)
                && let Ok((next, events)) = current.restore(snapshot, &actor, now, browser::new_id)
            {
                changes.push(Change {
                    expected_revision: current.revision,
                    next,
                    events,
                });
                currents.push(current);
            }
        }
        save_batch(state, currents, changes, move |result| match result {
            Ok(_) => undo.set(None),
            Err(e) => bulk_error.set(Some(format!("Undo failed, nothing changed: {e}"))),
        });
    };

    view! {
        <div class="queue-layout" inert=move || !live.get() aria-busy=move || (!live.get()).to_string()>
            <nav class="views" aria-label="Saved views">
                <h2>"Views"</h2>
                <ul>
                    {move || views.get().into_iter().zip(counts.get()).map(|(view, count)| {
                        let SavedView { name, filter: view_filter } = view;
                        // Until the cases are in and counted, the count the view had when the preview was kept.
                        let count = if counted.get() { Some(count) } else { preview.with_value(|p| p.as_ref()?.count_of(&name)) };
                        let active_filter = view_filter.clone();
                        view! {
                            <li>
                                <button type="button" class="view-link"
                                    aria-pressed=move || (filter.get() == active_filter).to_string()
                                    on:click=move |ev| { browser::measure_to_paint("filter", ev.time_stamp()); filter.set(view_filter.clone()); cursor.set(0); }>
                                    <span>{name}</span><span class="count">{count}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <SaveView filter=filter/>
            </nav>
            <div class="queue-main">
                <Filters filter=filter sort=sort query=query search_box=search_box/>
                <p class="count" role="status">
                    {move || {
                        if !live.get() {
                            return match preview.with_value(|p| p.as_ref().map_or(0, |p| p.total)) {
                                0 => "Loading cases…".to_string(),
                                kept => format!("Loading cases… showing the first of {kept} from your last visit"),
                            };
                        }
                        let total = picked.with(Vec::len);
                        let chosen = selected.with(HashSet::len);
                        let base = if total == 1 { "1 case".to_string() } else { format!("{total} cases") };
                        if chosen > 0 { format!("{base} · {chosen} selected") } else { base }
                    }}
                </p>
                <Show when=move || !selected.with(HashSet::is_empty)>
                    <BulkBar run=run_bulk/>
                    <p class="bulk-export">
                        <A href=move || {
                            let mut keys: Vec<CaseKey> = selected.with(|chosen| state.cases.with(|all| {
                                all.iter().filter(|c| chosen.contains(&c.id)).map(|c| c.key.clone()).collect()
                            }));
                            keys.sort();
                            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
                            format!("/data?cases={}", keys.join(","))
                        } attr:class="button">"Export selected…"</A>
                    </p>
                </Show>
                <FormStatus error=bulk_error/>
                <UndoToast undo=undo on_undo=run_undo/>
                <div class="queue-scroll" node_ref=scroller
                    on:scroll=move |ev| {
                        let el: web_sys::Element = event_target(&ev);
                        scroll_top.set(el.scroll_top() as f64);
                        viewport.set(el.client_height() as f64);
                    }>
                    <table class="case-table">
                        <thead>
                            <tr>
                                <th scope="col">
                                    <input type="checkbox" aria-label="Select all shown cases"
                                        prop:checked=move || {
                                            let chosen = selected.with(HashSet::len);
                                            chosen > 0 && chosen == picked.with(Vec::len)
                                        }
                                        on:change=move |ev| {
                                            let all_shown: HashSet<Uuid> = picked.with_untracked(|p| {
                                                state.cases.with_untracked(|all| p.iter().filter_map(|&i| all.get(i).map(|c| c.id)).collect())
                                            });
                                            if event_target_checked(&ev) { selected.set(all_shown) } else { selected.set(HashSet::new()) }
                                        }/>
                                </th>
                                <th scope="col">"Key"</th><th scope="col">"Title"</th><th scope="col">"Account"</th>
                                <th scope="col">"Priority"</th><th scope="col">"SLA"</th><th scope="col">"Status"</th><th scope="col">"Owner"</th>
                            </tr>
                        </thead>
                        <Show when=move || live.get() fallback=move || view! { <PreviewRows preview=preview/> }>
                            <VirtualRows window=window_rows row_height=ROW_HEIGHT rows=visible
                                key=|(index, _, case): &(usize, usize, Case)| (*index, case.id, case.revision)
                                row=move |(index, case_index, case)| view! {
                                    <QueueRow index=index case_index=case_index case=case cursor=cursor cursor_by_keys=cursor_by_keys selected=selected query=parsed_query/>
                                }/>
                        </Show>
                    </table>
                    <Show when=move || live.get() && picked.with(Vec::is_empty)>
                        <p class="empty-filter">"No cases match. Clear the search or pick another view."</p>
                    </Show>
                </div>
                <p class="hint">"Keys: j/k move · Enter open · x select · / search · c new case · ? help"</p>
            </div>
        </div>
    }
}

/// Enter on a link or button already does its own thing.
fn target_is_interactive(ev: &KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "A" | "BUTTON"))
}
