//! One case: its facts, status workflow, triage scoping, details, notes, and the timeline of every change.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};

use super::case_checklist::ChecklistPanel;
use super::case_files::{Attacher, FilesPanel};
use super::case_outreach::{ComposerPanel, HandOffPanel, ReminderPanel};
use super::case_sla::{ContactPanel, SlaPanel};
use crate::app::StorageError;
use crate::app::cases::Edited;
use crate::app::drafts::{DraftKey, FormDraft};
use crate::app::state::{Boot, app_state};
use crate::app::{self, AppError};
use crate::browser::{self, format_time, from_local_input, to_local_input};
use crate::domain::case::status::allowed_targets;
use crate::domain::case::{Account, CaseEdit, CaseKey, Channel, Contact, Tier};
use crate::domain::money::{Currency, Money};
use crate::domain::priority::{Impact, Urgency};
use crate::domain::triage::{Scoping, ScopingField};
use crate::domain::{Case, CaseEvent, CaseStatus};
use crate::ui::components::drafts::{DraftSaver, draft_saver, form_draft, restore_draft};
use crate::ui::components::form_status::FormStatus;
use crate::ui::components::keys::submit_form_on_chord;
use crate::ui::components::timeline::Timeline;
use crate::ui::components::undo_toast::{UndoToast, Undoable};

mod panels;

use panels::*;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CasePageError {
    #[error("the timeline could not be loaded: {0}")]
    Timeline(StorageError),
}

#[component]
pub fn CasePage() -> impl IntoView {
    // Keyed by id so switching cases rebuilds the page, but edits to this case do not.
    view! { <CaseRoute page=|id| view! { <CaseDetail id=id/> }.into_any()/> }
}

/// Finds the route's `:key` among the cases on this device and shows `page` for it, a
/// loading state until the cases are read, or a not-found page naming the key.
#[component]
pub fn CaseRoute(page: fn(uuid::Uuid) -> AnyView) -> impl IntoView {
    let state = app_state();
    let params = use_params_map();
    let key = move || params.with(|p| p.get("key").unwrap_or_default());
    let case_id = Memo::new(move |_| {
        let key = CaseKey::parse(&key())?;
        state
            .cases
            .with(|all| all.iter().find(|c| c.key == key).map(|c| c.id))
    });
    // Team sync can move a case made here to a new number (a teammate's case reached the team
    // first with the same one). The page follows the case it was showing rather than switching
    // to the teammate's under the same address; drafts are kept by case id either way.
    let location = use_location();
    let navigate = use_navigate();
    let shown = StoredValue::new(None::<(String, uuid::Uuid)>);
    Effect::new(move |_| {
        let (route_key, now) = (key(), case_id.get());
        if let Some((before_key, before_id)) = shown.get_value()
            && before_key == route_key
            && now != Some(before_id)
            && let Some(moved_to) = state.cases.with_untracked(|all| {
                all.iter()
                    .find(|c| c.id == before_id)
                    .map(|c| c.key.to_string())
            })
        {
            let path = location.pathname.get_untracked().replacen(
                &format!("/cases/{route_key}"),
                &format!("/cases/{moved_to}"),
                1,
            );
            navigate(
                &path,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
            return;
        }
        shown.set_value(now.map(|id| (route_key, id)));
    });
    move || {
        match (state.boot.get(), case_id.get()) {
        (Boot::Loading, _) => {
            view! { <p class="loading" role="status">"Loading case…"</p> }.into_any()
        }
        (_, None) => view! {
            <section class="panel">
                <h1>{format!("No case {} on this device", key())}</h1>
                <p>"It may live in a teammate's browser; ask them for a bundle. "<A href="/">"Back to the queue"</A></p>
            </section>
        }
        .into_any(),
        (_, Some(id)) => page(id),
    }
    }
}

#[component]
fn CaseDetail(id: uuid::Uuid) -> impl IntoView {
    let state = app_state();
    let case = Memo::new(move |_| {
        state
            .cases
            .with(|all| all.iter().find(|c| c.id == id).cloned())
    });
    let events = RwSignal::new(Vec::<CaseEvent>::new());
    let load_error = RwSignal::new(None::<CasePageError>);
    let unreadable = RwSignal::new(Vec::<String>::new());
    // The timeline is re-read whenever the case changes, here or in another tab (whose note or
    // import arrives as a new revision), so both tabs show the same log.
    let revision = Memo::new(move |_| case.with(|c| c.as_ref().map(|c| c.revision)));
    // A row click or Enter in the queue → this case with its timeline on screen (B-open-case).
    let opened_by = StoredValue::new(browser::take_action_started());
    Effect::new(move |_| {
        revision.track();
        // Events stored without a new revision (a breach the clocks logged) change it too.
        state.timeline_epoch.track();
        leptos::task::spawn_local(async move {
            match app::cases::timeline(id).await {
                Ok(found) => {
                    events.set(found.items);
                    unreadable.set(found.unreadable.iter().map(ToString::to_string).collect());
                    if let Some(started) = opened_by.try_update_value(Option::take).flatten() {
                        browser::measure_to_paint("open-case", started);
                    }
                }
                Err(e) => load_error.set(Some(CasePageError::Timeline(e))),
            }
        });
    });
    let editor = Editor { id };
    case_shortcuts(case);
    // A checklist step asks the composer to start from its linked template.
    let compose = RwSignal::new(None::<String>);
    let attacher = Attacher::new(id);

    // Panels get the live case and read their form's starting values once, so a change arriving
    // from elsewhere (a note, another panel) never wipes what is being typed.
    view! {
        <CaseHeader case=case editor=editor/>
        <div class="case-columns"
            on:dragover=move |ev: leptos::ev::DragEvent| {
                // Only a drag carrying files is a drop target; text dragged into a field is not.
                let has_files = ev.data_transfer().is_some_and(|d| d.types().includes(&"Files".into(), 0));
                if has_files {
                    ev.prevent_default();
                }
            }
            on:drop=move |ev: leptos::ev::DragEvent| {
                let dropped = Attacher::files_in(ev.data_transfer().and_then(|d| d.files()));
                if !dropped.is_empty() {
                    ev.prevent_default();
                    attacher.attach_all(dropped);
                }
            }
            on:paste=move |ev: leptos::ev::ClipboardEvent| {
                // A pasted screenshot arrives as a file; pasted text stays where it was pasted.
                let pasted = Attacher::files_in(ev.clipboard_data().and_then(|d| d.files()));
                if !pasted.is_empty() {
                    ev.prevent_default();
                    attacher.attach_all(pasted);
                }
            }>
            <div class="case-main">
                <crate::ui::on_demand::CaseReviewsOnDemand case_id=id/>
                <SlaPanel case=case/>
                <StatusPanel case=case editor=editor/>
                <ChecklistPanel case_id=id timeline=events compose=compose/>
                <ComposerPanel case_id=id compose=compose/>
                <ContactPanel editor_id=id/>
                <HandOffPanel case_id=id timeline=events/>
                <NoteComposer editor=editor/>
                <section class="panel">
                    <h2>"Timeline"</h2>
                    {move || load_error.get().map(Err::<(), _>)}
                    <Show when=move || !unreadable.with(Vec::is_empty)>
                        <div class="warning-panel" role="alert">
                            <p>"Some timeline entries could not be read and are left in storage untouched:"</p>
                            <ul>{move || unreadable.get().into_iter().map(|why| view! { <li>{why}</li> }).collect_view()}</ul>
                        </div>
                    </Show>
                    <Timeline events=events.into() case_zone=Signal::derive(move || {
                        case.with(|c| c.as_ref().and_then(|c| state.sla_settings.with(|s| s.zone_for(c).map(str::to_string))))
                    })/>
                </section>
            </div>
            <div class="case-side">
                <ReminderPanel case_id=id/>
                <ScopingPanel case=case editor=editor/>
                <FilesPanel case_id=id attacher=attacher/>
                <DetailsPanel case=case editor=editor/>
            </div>
        </div>
    }
}

/// Applies domain edits to one case through the application layer; shared by every panel.
#[derive(Clone, Copy)]
struct Editor {
    id: uuid::Uuid,
}

impl Editor {
    fn current(self) -> Option<Case> {
        app_state().case(self.id)
    }

    /// Runs `edits` in order against the case as stored now and saves the result in one
    /// transaction (`app::cases::edit`). Errors land in `error`; on success `on_saved` runs.
    ///
    /// `base` is the case as the form showed it when editing began; if another tab saved the
    /// same field meanwhile, nothing is saved, both values are shown, and the base moves to
    /// theirs, so saving again keeps yours knowingly.
    fn apply(
        self,
        edits: Vec<CaseEdit>,
        base: StoredValue<Option<Case>>,
        error: RwSignal<Option<String>>,
        draft: Option<FormDraft>,
        on_saved: impl FnOnce() + 'static,
    ) {
        let state = app_state();
        let seen = base.get_value();
        let started = browser::performance_now();
        leptos::task::spawn_local(async move {
            match app::cases::edit(state, self.id, edits, seen, draft).await {
                Ok(Edited::Saved(case)) => {
                    browser::measure_to_paint("edit", started);
                    base.try_set_value(Some(*case));
                    let _ = error.try_set(None);
                    on_saved();
                }
                Ok(Edited::Unchanged) => {
                    let _ = error.try_set(None);
                    on_saved();
                }
                Err(AppError::Clash { message, theirs }) => {
                    base.try_set_value(Some(*theirs));
                    let _ = error.try_set(Some(message));
                }
                Err(e) => {
                    let _ = error.try_set(Some(format!("Not saved: {e}")));
                }
            }
        });
    }

    /// Puts the case back as `snapshot` had it (the Undo of a status move).
    fn undo_to(
        self,
        snapshot: Case,
        error: RwSignal<Option<String>>,
        on_saved: impl FnOnce() + 'static,
    ) {
        let state = app_state();
        leptos::task::spawn_local(async move {
            match app::cases::undo_to(state, self.id, snapshot).await {
                Ok(()) => on_saved(),
                Err(e) => {
                    let _ = error.try_set(Some(format!("Undo failed, nothing changed: {e}")));
                }
            }
        });
    }
}

/// The case page's single keys, so the first hour needs no mouse: `l` starts a call (as in the
/// queue), `e` goes to the email template, `h` to the hand-off's partner team, `n` to the note,
/// and Esc leaves the field being typed in.
/// Each takes the key (`prevent_default`), or the browser would type it into the field it focuses.
fn case_shortcuts(case: Memo<Option<Case>>) {
    use crate::ui::components::keys::{focus_id, is_command_key, is_typing};
    let state = app_state();
    let navigate = leptos_router::hooks::use_navigate();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        // Esc leaves a field (what was typed stays, drafted), so the keys below work again.
        if ev.key() == "Escape" && is_typing(&ev) {
            if let Some(field) = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            {
                let _ = field.blur();
            }
            return;
        }
        if !is_command_key(
            &ev,
            state.prefs.with_untracked(|p| p.single_key_shortcuts_off),
        ) {
            return;
        }
        let field = match ev.key().as_str() {
            "e" => "composer-template",
            "h" => "handoff-team",
            "n" => "note",
            "l" => {
                if let Some(key) = case.with_untracked(|c| c.as_ref().map(|c| c.key.to_string())) {
                    ev.prevent_default();
                    navigate(&format!("/cases/{key}/call"), Default::default());
                }
                return;
            }
            _ => return,
        };
        if focus_id(field) {
            ev.prevent_default();
        }
    });
    on_cleanup(move || keys.remove());
}

#[component]
fn CaseHeader(case: Memo<Option<Case>>, editor: Editor) -> impl IntoView {
    let state = app_state();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let title = move || case.with(|c| c.as_ref().map(|c| c.title.clone()).unwrap_or_default());
    let title_draft_key = DraftKey::Title(editor.id);
    let draft_status = RwSignal::new(None::<String>);
    // A Copy handle, so every closure in the view can reach the one debounced saver.
    let title_saver = StoredValue::new(draft_saver(title_draft_key, draft_status));
    let title_aside = title_saver.with_value(DraftSaver::set_aside_shown);
    // A title edit that was never saved reopens the editor with what was typed.
    restore_draft(&title_saver.get_value(), move |saved| {
        let _ = draft.try_set(saved);
        let _ = editing.try_set(true);
        let _ = draft_status.try_set(Some("Unsaved title from your last visit restored.".into()));
    });
    // The case as it was when editing began; a title restored from a draft has none.
    let title_base = StoredValue::new(None::<Case>);

    let save = move || {
        title_saver.with_value(DraftSaver::cancel);
        editor.apply(
            vec![CaseEdit::Title(draft.get_untracked())],
            title_base,
            error,
            Some(title_saver.with_value(DraftSaver::held)),
            move || {
                editing.set(false);
                draft_status.set(None);
            },
        );
    };
    // Cancel means "forget it": an empty draft deletes the saved one (and any pending save).
    let cancel = move || {
        editing.set(false);
        draft_status.set(None);
        title_saver.with_value(DraftSaver::discard);
    };

    view! {
        <section class="panel case-head">
            {move || case.get().map(|case| view! {
                <p class="case-key">
                    {case.key.to_string()}" · "<span class="status-text">{case.status.label()}</span>" · "
                    <span class=format!("prio prio-{}", case.priority.code().to_lowercase())>{case.priority.code()}</span>
                    " · "<A href=format!("/cases/{}/call", case.key) attr:class="call-link">"Start a call"</A>
                </p>
            })}
            <Show when=move || editing.get() fallback=move || view! {
                <div class="title-row">
                    <h1>{title}</h1>
                    <button type="button" on:click=move |_| { title_base.set_value(editor.current()); draft.set(title()); error.set(None); editing.set(true) }>"Edit title"</button>
                </div>
            }>
                <form class="title-edit" on:submit=move |ev| { ev.prevent_default(); save() }>
                    <label for="case-title">"Title"</label>
                    <input id="case-title" type="text" autofocus=true
                        aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby="case-title-error"
                        prop:value=move || draft.get()
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            draft.set(value.clone());
                            title_saver.with_value(|saver| saver.save(value));
                        }
                        on:keydown=move |ev| if ev.key() == "Escape" { cancel() }/>
                    <button type="submit" class="primary">"Save title"</button>
                    <button type="button" on:click=move |_| cancel()>"Cancel"</button>
                    <FormStatus error=error error_id="case-title-error" draft=draft_status aside=title_aside/>
                </form>
            </Show>
            {move || case.get().map(|case| view! {
                <dl class="facts">
                    <dt>"Account"</dt>
                    <dd>{case.account.name.clone()}{(!case.account.account_id.is_empty()).then(|| format!(" ({})", case.account.account_id))}" · "{case.account.tier.label()}</dd>
                    <dt>"Contact"</dt>
                    <dd>{case.contacts.iter().map(|c| [c.name.as_str(), c.email.as_str(), c.phone.as_str()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")).collect::<Vec<_>>().join("; ")}</dd>
                    <dt>"Owner"</dt><dd>{if case.owner.is_empty() { "Unassigned".to_string() } else { case.owner.clone() }}</dd>
                    <dt>"Product area"</dt><dd>{case.product_area.clone()}" · via "{case.channel.label()}</dd>
                    <dt>"Impact × urgency"</dt><dd>{format!("{} × {} → {}", case.impact.label(), case.urgency.label(), case.priority.code())}</dd>
                    {(!case.tags.is_empty()).then(|| view! { <dt>"Tags"</dt><dd>{case.tags.join(", ")}</dd> })}
                    {(!case.watchers.is_empty()).then(|| view! { <dt>"Watchers"</dt><dd>{case.watchers.join(", ")}</dd> })}
                    {case.problem_id.and_then(|id| state.problems.with(|all| all.iter().find(|p| p.id == id).cloned())).map(|p| view! {
                        <dt>"Problem"</dt><dd><A href=format!("/problems/{}", p.key)>{p.key.to_string()}</A>" "{p.title}</dd>
                    })}
                    {case.resolution.clone().map(|r| view! { <dt>"Resolution"</dt><dd class="note-body">{r}</dd> })}
                    <dt>"Root-cause analysis"</dt>
                    <dd class="case-rcas">
                        {state.rcas.with(|all| all.iter().filter(|r| r.content.case_ids.contains(&case.id)).map(|r| (r.key, r.content.title.clone(), r.status)).collect::<Vec<_>>())
                            .into_iter().map(|(key, title, status)| view! {
                                <A href=format!("/rcas/{key}")>{key.to_string()}</A>{format!(" {title} ({}) ", status.label())}
                            }).collect_view()}
                        <A href=format!("/rcas?case={}", case.key) attr:class="start-rca">"Start an RCA"</A>
                    </dd>
                    {case.scoping.money_at_risk.map(|m| view! {
                        <dt>"Money at risk"</dt>
                        <dd class="money">{crate::browser::format_money(m.minor, &m.currency.code(), m.currency.exponent(), format!("{} {}", m.currency.code(), m.amount_text()))}</dd>
                    })}
                    <dt>"Opened"</dt><dd>
                        <time datetime=case.created_at.to_rfc3339()
                            title={
                                let case = case.clone();
                                move || browser::case_zone_title(case.created_at, &state.zone(), state.sla_settings.with(|s| s.zone_for(&case).map(str::to_string)).as_deref())
                            }>
                            {move || format_time(case.created_at, &state.zone())}
                        </time>
                    </dd>
                </dl>
            })}
        </section>
    }
}

#[component]
fn StatusPanel(case: Memo<Option<Case>>, editor: Editor) -> impl IntoView {
    let target = RwSignal::new(String::new());
    let resolution = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let targets = move || {
        case.with(|c| {
            c.as_ref()
                .map(|c| allowed_targets(c.status))
                .unwrap_or_default()
        })
    };
    let chosen = move || {
        CaseStatus::ALL
            .into_iter()
            .find(|s| format!("{s:?}") == target.get())
    };
    // The last move, undoable from a toast: its words and the case as it was before.
    let undo = RwSignal::new(None::<Undoable<Case>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(to) = chosen() else {
            error.set(Some("choose the status to move to".into()));
            return;
        };
        let before = case.get_untracked();
        editor.apply(
            vec![CaseEdit::Status {
                to,
                resolution: resolution.get_untracked(),
            }],
            // A move is judged against the current status, whatever the page showed.
            StoredValue::new(None),
            error,
            None,
            move || {
                target.set(String::new());
                resolution.set(String::new());
                if let Some(before) = before {
                    let words = format!("{} moved to {}", before.key, to.label());
                    let _ = undo.try_set(Some(Undoable::new(words, before)));
                }
            },
        );
    };
    let run_undo = move |before: Case| {
        editor.undo_to(before, error, move || {
            let _ = undo.try_set(None);
        });
    };
    view! {
        <form class="panel status-panel" on:submit=submit>
            <h2>"Status"</h2>
            <UndoToast undo=undo on_undo=run_undo/>
            <div class="inline-fields">
                <label for="status-target">"Move to"</label>
                <select id="status-target" prop:value=move || target.get() on:change=move |ev| { error.set(None); target.set(event_target_value(&ev)) }>
                    <option value="">"Choose…"</option>
                    {move || targets().into_iter().map(|s| {
                        let label = if case.with(|c| c.as_ref().is_some_and(|c| !c.status.is_open())) && s == CaseStatus::InProgress { "Reopen (In progress)" } else { s.label() };
                        view! { <option value=format!("{s:?}")>{label}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="primary">"Change status"</button>
            </div>
            <Show when=move || chosen() == Some(CaseStatus::Resolved)>
                <div class="field">
                    <label for="resolution">"Resolution summary"</label>
                    <textarea id="resolution" rows="3" prop:value=move || resolution.get()
                        on:input=move |ev| resolution.set(event_target_value(&ev))></textarea>
                    <p class="hint">"What fixed it, and what the user was told. It goes on the case and in reports."</p>
                </div>
            </Show>
            <FormStatus error=error/>
        </form>
    }
}

#[component]
fn NoteComposer(editor: Editor) -> impl IntoView {
    let state = app_state();
    let draft_key = DraftKey::Note(editor.id);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let draft_status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save_draft = draft_saver(draft_key, draft_status);
    let note_aside = save_draft.set_aside_shown();
    restore_draft(&save_draft, move |saved| {
        // `try_`: the page may be gone by the time the draft has been read.
        if text.try_get_untracked().is_some_and(|t| t.is_empty()) {
            text.set(saved);
            // Said out loud, as the title editor does: text that appears by itself is a surprise.
            let _ =
                draft_status.try_set(Some("Unsaved note from your last visit restored.".into()));
        }
    });
    let note_saver = save_draft.clone();

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let saver = note_saver.clone();
        let note_text = text.get_untracked();
        // Taken now: the save finishes even if the person leaves the case before it answers.
        let held = saver.held();
        busy.set(true);
        // The save deletes the draft; a late draft write must not bring the note back.
        saver.cancel();
        leptos::task::spawn_local(async move {
            match app::cases::add_note(state, editor.id, &note_text, Some(held)).await {
                Ok(()) => {
                    let _ = text.try_set(String::new());
                    let _ = draft_status.try_set(None);
                }
                Err(e) => {
                    let _ = error.try_set(Some(match e {
                        AppError::Refused(why) => why,
                        other => format!("Not saved: {other}"),
                    }));
                    // Not saved: keep the text drafted, including the last keystrokes.
                    if let Some(unsent) = text.try_get_untracked() {
                        saver.save(unsent);
                    }
                }
            }
            let _ = busy.try_set(false);
        });
    };

    view! {
        <form class="panel note-form" on:submit=add on:keydown=|ev| submit_form_on_chord(&ev)>
            <label for="note">"Note"</label>
            <textarea id="note" rows="4" aria-describedby="note-error"
                prop:value=move || text.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    text.set(value.clone());
                    error.set(None);
                    save_draft.save(value);
                }></textarea>
            <FormStatus error=error error_id="note-error" draft=draft_status aside=note_aside/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>"Add note"</button>
            </div>
        </form>
    }
}
