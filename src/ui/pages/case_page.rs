//! One case: its facts, status workflow, triage scoping, details, notes, and the timeline of every change.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::case_checklist::ChecklistPanel;
use super::case_outreach::{ComposerPanel, HandOffPanel, ReminderPanel};
use super::case_sla::{ContactPanel, SlaPanel};
use crate::app::cases::Edited;
use crate::app::state::{Boot, app_state};
use crate::app::{self, AppError};
use crate::browser::{self, format_time, from_local_input, to_local_input};
use crate::domain::case::{Account, CaseEdit, CaseKey, Channel, Contact, Tier};
use crate::domain::money::{Currency, Money};
use crate::domain::priority::{Impact, Urgency};
use crate::domain::status::allowed_targets;
use crate::domain::triage::{Scoping, ScopingField};
use crate::domain::{Case, CaseEvent, CaseStatus};
use crate::storage::StorageError;
use crate::ui::components::drafts::{DraftSaver, draft_saver, form_draft, restore_draft};
use crate::ui::components::timeline::Timeline;

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
    // A checklist step asks the composer to start from its linked template.
    let compose = RwSignal::new(None::<String>);

    // Panels get the live case and read their form's starting values once, so a change arriving
    // from elsewhere (a note, another panel) never wipes what is being typed.
    view! {
        <CaseHeader case=case editor=editor/>
        <div class="case-columns">
            <div class="case-main">
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
        draft_key: Option<String>,
        on_saved: impl FnOnce() + 'static,
    ) {
        let state = app_state();
        let seen = base.get_value();
        let started = browser::performance_now();
        leptos::task::spawn_local(async move {
            match app::cases::edit(state, self.id, edits, seen, draft_key).await {
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

#[component]
fn CaseHeader(case: Memo<Option<Case>>, editor: Editor) -> impl IntoView {
    let state = app_state();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let title = move || case.with(|c| c.as_ref().map(|c| c.title.clone()).unwrap_or_default());
    let title_draft_key = format!("title:{}", editor.id);
    let draft_status = RwSignal::new(None::<String>);
    // A Copy handle, so every closure in the view can reach the one debounced saver.
    let title_saver = StoredValue::new(draft_saver(title_draft_key.clone(), draft_status));
    // A title edit that was never saved reopens the editor with what was typed.
    restore_draft(title_draft_key.clone(), move |saved| {
        let _ = draft.try_set(saved);
        let _ = editing.try_set(true);
        let _ = draft_status.try_set(Some("Unsaved title from your last visit restored.".into()));
    });
    let title_draft_key = StoredValue::new(title_draft_key);
    // The case as it was when editing began; a title restored from a draft has none.
    let title_base = StoredValue::new(None::<Case>);

    let save = move || {
        title_saver.with_value(DraftSaver::cancel);
        editor.apply(
            vec![CaseEdit::Title(draft.get_untracked())],
            title_base,
            error,
            Some(title_draft_key.get_value()),
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
                    <p class="field-error" id="case-title-error" role="alert">{move || error.get()}</p>
                    <p class="form-warning" role="status">{move || draft_status.get()}</p>
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
    let undo = RwSignal::new(None::<(String, Case)>);
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
                    let _ = undo.try_set(Some((words, before)));
                }
            },
        );
    };
    let run_undo = move |_| {
        if let Some((_, before)) = undo.get_untracked() {
            editor.undo_to(before, error, move || {
                let _ = undo.try_set(None);
            });
        }
    };
    view! {
        <form class="panel status-panel" on:submit=submit>
            <h2>"Status"</h2>
            {move || undo.get().map(|(words, _)| view! {
                <div class="toast" role="status">
                    <span>{words}</span>
                    <button type="button" on:click=run_undo>"Undo"</button>
                    <button type="button" class="link" aria-label="Dismiss" on:click=move |_| undo.set(None)>"×"</button>
                </div>
            })}
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
            <p class="field-error" role="alert">{move || error.get()}</p>
        </form>
    }
}

#[component]
fn ScopingPanel(case: Memo<Option<Case>>, editor: Editor) -> impl IntoView {
    let state = app_state();
    let Some(case) = case.get_untracked() else {
        return ().into_any();
    };
    let zone = state.zone();
    // The form shows this case; a later save applies only what the form changed (see `Editor::apply`).
    let scoping_base = StoredValue::new(Some(case.clone()));
    let s = case.scoping.clone();
    let affected = RwSignal::new(s.affected.clone());
    let since = RwSignal::new(
        s.since
            .map(|t| to_local_input(t, &zone))
            .unwrap_or_default(),
    );
    let reproducible = RwSignal::new(
        match s.reproducible {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        }
        .to_string(),
    );
    let amount = RwSignal::new(s.money_at_risk.map(|m| m.amount_text()).unwrap_or_default());
    let currency = RwSignal::new(
        s.money_at_risk
            .map(|m| m.currency.code())
            .unwrap_or_else(|| "SGD".into()),
    );
    let users = RwSignal::new(s.users_affected.map(|n| n.to_string()).unwrap_or_default());
    let evidence = RwSignal::new(s.evidence.join("\n"));
    let impact = RwSignal::new(format!("{:?}", case.impact));
    let urgency = RwSignal::new(format!("{:?}", case.urgency));
    let scoping_draft_key = format!("scoping:{}", case.id);
    let draft_status = RwSignal::new(None::<String>);
    let (save_scoping_draft, scoping_saver) = form_draft(
        scoping_draft_key.clone(),
        vec![
            ("affected", affected),
            ("since", since),
            ("reproducible", reproducible),
            ("amount", amount),
            ("currency", currency),
            ("users", users),
            ("evidence", evidence),
            ("impact", impact),
            ("urgency", urgency),
        ],
        draft_status,
        || {},
    );
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let missing = Memo::new(move |_| {
        let requirements = state.settings.with(|s| s.scoping.clone());
        state.cases.with(|all| {
            all.iter()
                .find(|c| c.id == case.id)
                .map(|c| c.scoping.missing(&requirements))
                .unwrap_or_default()
        })
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let zone = state.zone();
        let parsed = (|| -> Result<(Scoping, Impact, Urgency), String> {
            let since = match since.get_untracked().trim() {
                "" => None,
                text => Some(
                    from_local_input(text, &zone)
                        .ok_or_else(|| format!("Since when: '{text}' is not a date and time"))?,
                ),
            };
            let money_at_risk = match amount.get_untracked().trim() {
                "" => None,
                text => {
                    let currency = Currency::parse(&currency.get_untracked().to_uppercase())
                        .map_err(|e| format!("Currency: {e}"))?;
                    Some(Money::parse(text, currency).map_err(|e| format!("Money at risk: {e}"))?)
                }
            };
            let users_affected = match users.get_untracked().trim() {
                "" => None,
                text => Some(
                    text.replace(',', "")
                        .parse::<u32>()
                        .map_err(|_| format!("Users affected: '{text}' is not a whole number"))?,
                ),
            };
            let scoping = Scoping {
                affected: affected.get_untracked().trim().to_string(),
                since,
                reproducible: match reproducible.get_untracked().as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                money_at_risk,
                users_affected,
                evidence: evidence
                    .get_untracked()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
            };
            let impact = Impact::ALL
                .into_iter()
                .find(|i| format!("{i:?}") == impact.get_untracked())
                .ok_or("Impact: choose one")?;
            let urgency = Urgency::ALL
                .into_iter()
                .find(|u| format!("{u:?}") == urgency.get_untracked())
                .ok_or("Urgency: choose one")?;
            Ok((scoping, impact, urgency))
        })();
        match parsed {
            Err(why) => error.set(Some(why)),
            Ok((scoping, impact, urgency)) => {
                scoping_saver.cancel();
                editor.apply(
                    vec![
                        CaseEdit::Scoping(scoping),
                        CaseEdit::Axes { impact, urgency },
                    ],
                    scoping_base,
                    error,
                    Some(scoping_draft_key.clone()),
                    move || {
                        saved.set(true);
                        draft_status.set(None);
                    },
                )
            }
        }
    };
    let priority_preview = move || {
        let i = Impact::ALL
            .into_iter()
            .find(|i| format!("{i:?}") == impact.get())?;
        let u = Urgency::ALL
            .into_iter()
            .find(|u| format!("{u:?}") == urgency.get())?;
        Some(state.settings.with(|s| s.matrix.priority(i, u)).code())
    };

    view! {
        <form class="panel scoping" novalidate=true on:submit=submit aria-labelledby="scoping-heading"
            on:input=move |_| { saved.set(false); save_scoping_draft(); }>
            <h2 id="scoping-heading">"Triage and scoping"</h2>
            <p class="hint" role="status">
                {move || {
                    let missing = missing.get();
                    if missing.is_empty() { "Scoping complete: the case can be triaged.".to_string() }
                    else { format!("Needed before triage: {}", missing.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")) }
                }}
            </p>
            <div class="field">
                <label for="scope-affected">{ScopingField::Affected.label()}</label>
                <input id="scope-affected" type="text" prop:value=move || affected.get() on:input=move |ev| affected.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="scope-since">{ScopingField::Since.label()}</label>
                <input id="scope-since" type="datetime-local" prop:value=move || since.get() on:input=move |ev| since.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="scope-repro">{ScopingField::Reproducible.label()}</label>
                <select id="scope-repro" prop:value=move || reproducible.get() on:change=move |ev| reproducible.set(event_target_value(&ev))>
                    <option value="">"Not known"</option><option value="yes">"Yes"</option><option value="no">"No"</option>
                </select>
            </div>
            <div class="field money-field">
                <label for="scope-money">{ScopingField::MoneyAtRisk.label()}</label>
                <div class="inline-fields">
                    <input id="scope-currency" type="text" aria-label="Currency" maxlength="3" size="4" autocomplete="off"
                        prop:value=move || currency.get() on:input=move |ev| currency.set(event_target_value(&ev))/>
                    <input id="scope-money" type="text" inputmode="decimal" autocomplete="off" placeholder="84,000.00"
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="field">
                <label for="scope-users">{ScopingField::UsersAffected.label()}</label>
                <input id="scope-users" type="text" inputmode="numeric" prop:value=move || users.get() on:input=move |ev| users.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="scope-evidence">{ScopingField::Evidence.label()}</label>
                <textarea id="scope-evidence" rows="2" placeholder="One link per line" prop:value=move || evidence.get() on:input=move |ev| evidence.set(event_target_value(&ev))></textarea>
            </div>
            <div class="inline-fields axes">
                <div class="field">
                    <label for="scope-impact">"Impact"</label>
                    <select id="scope-impact" prop:value=move || impact.get() on:change=move |ev| impact.set(event_target_value(&ev))>
                        {Impact::ALL.into_iter().map(|i| view! { <option value=format!("{i:?}")>{i.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="scope-urgency">"Urgency"</label>
                    <select id="scope-urgency" prop:value=move || urgency.get() on:change=move |ev| urgency.set(event_target_value(&ev))>
                        {Urgency::ALL.into_iter().map(|u| view! { <option value=format!("{u:?}")>{u.label()}</option> }).collect_view()}
                    </select>
                </div>
                <p class="priority-preview">"Priority "<strong>{priority_preview}</strong></p>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <p class="form-ok" role="status">{move || saved.get().then_some("Scoping saved.")}</p>
            <p class="form-warning" role="status">{move || draft_status.get()}</p>
            <div class="actions"><button type="submit" class="primary">"Save scoping"</button></div>
        </form>
    }
    .into_any()
}

#[component]
fn DetailsPanel(case: Memo<Option<Case>>, editor: Editor) -> impl IntoView {
    let state = app_state();
    let Some(case) = case.get_untracked() else {
        return ().into_any();
    };
    let details_base = StoredValue::new(Some(case.clone()));
    let owner = RwSignal::new(case.owner.clone());
    let tags = RwSignal::new(case.tags.join(", "));
    let watchers = RwSignal::new(case.watchers.join(", "));
    let area = RwSignal::new(case.product_area.clone());
    let channel = RwSignal::new(format!("{:?}", case.channel));
    let account_id = RwSignal::new(case.account.account_id.clone());
    let tier = RwSignal::new(format!("{:?}", case.account.tier));
    let contacts = RwSignal::new(if case.contacts.is_empty() {
        vec![Contact::default()]
    } else {
        case.contacts.clone()
    });
    let problem = RwSignal::new(case.problem_id.map(|id| id.to_string()).unwrap_or_default());
    let contacts_text = RwSignal::new(String::new());
    let details_draft_key = format!("details:{}", case.id);
    let details_status = RwSignal::new(None::<String>);
    let (save_details_draft, details_saver) = form_draft(
        details_draft_key.clone(),
        vec![
            ("owner", owner),
            ("tags", tags),
            ("watchers", watchers),
            ("area", area),
            ("channel", channel),
            ("account_id", account_id),
            ("tier", tier),
            ("problem", problem),
            ("contacts", contacts_text),
        ],
        details_status,
        move || {
            if let Some(text) = contacts_text.try_get_untracked()
                && let Ok(saved) = serde_json::from_str::<Vec<Contact>>(&text)
            {
                let _ = contacts.try_set(saved);
            }
        },
    );
    // The list re-renders when a contact is added or removed, not on every keystroke in one.
    let contact_count = Memo::new(move |_| contacts.with(Vec::len));
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let account_name = case.account.name.clone();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let edits = vec![
            CaseEdit::Owner(owner.get_untracked()),
            CaseEdit::Tags(tags.get_untracked().split(',').map(String::from).collect()),
            CaseEdit::Watchers(
                watchers
                    .get_untracked()
                    .split(',')
                    .map(String::from)
                    .collect(),
            ),
            CaseEdit::ProductArea(area.get_untracked()),
            CaseEdit::Channel(
                Channel::ALL
                    .into_iter()
                    .find(|c| format!("{c:?}") == channel.get_untracked())
                    .unwrap_or_default(),
            ),
            CaseEdit::Account(Account {
                name: account_name.clone(),
                account_id: account_id.get_untracked(),
                tier: Tier::ALL
                    .into_iter()
                    .find(|t| format!("{t:?}") == tier.get_untracked())
                    .unwrap_or_default(),
            }),
            CaseEdit::Contacts(contacts.get_untracked()),
            CaseEdit::Problem(uuid::Uuid::parse_str(&problem.get_untracked()).ok()),
        ];
        details_saver.cancel();
        editor.apply(
            edits,
            details_base,
            error,
            Some(details_draft_key.clone()),
            move || {
                saved.set(true);
                details_status.set(None);
            },
        );
    };

    view! {
        <form class="panel details" novalidate=true on:submit=submit aria-labelledby="details-heading"
            on:input=move |_| {
                saved.set(false);
                contacts_text.set(serde_json::to_string(&contacts.get_untracked()).unwrap_or_default());
                save_details_draft();
            }>
            <h2 id="details-heading">"Details"</h2>
            <div class="field"><label for="d-owner">"Owner"</label>
                <input id="d-owner" type="text" prop:value=move || owner.get() on:input=move |ev| owner.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-tags">"Tags"</label>
                <input id="d-tags" type="text" placeholder="payroll, dbs" prop:value=move || tags.get() on:input=move |ev| tags.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-watchers">"Watchers"</label>
                <input id="d-watchers" type="text" placeholder="Raj Kumar, Aisha Rahman" prop:value=move || watchers.get() on:input=move |ev| watchers.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-area">"Product area"</label>
                <select id="d-area" prop:value=move || area.get() on:change=move |ev| area.set(event_target_value(&ev))>
                    {move || {
                        let mut areas = state.settings.with(|s| s.product_areas.clone());
                        // A case keeps an area that settings later removed, rather than silently changing it.
                        if !areas.contains(&area.get_untracked()) { areas.push(area.get_untracked()); }
                        areas.into_iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view()
                    }}
                </select></div>
            <div class="field"><label for="d-channel">"Channel"</label>
                <select id="d-channel" prop:value=move || channel.get() on:change=move |ev| channel.set(event_target_value(&ev))>
                    {Channel::ALL.into_iter().map(|c| view! { <option value=format!("{c:?}")>{c.label()}</option> }).collect_view()}
                </select></div>
            <div class="field"><label for="d-account-id">"Account id"</label>
                <input id="d-account-id" type="text" prop:value=move || account_id.get() on:input=move |ev| account_id.set(event_target_value(&ev))/></div>
            <div class="field"><label for="d-tier">"Tier"</label>
                <select id="d-tier" prop:value=move || tier.get() on:change=move |ev| tier.set(event_target_value(&ev))>
                    {Tier::ALL.into_iter().map(|t| view! { <option value=format!("{t:?}")>{t.label()}</option> }).collect_view()}
                </select></div>
            {move || (0..contact_count.get()).map(|i| {
                // The first contact keeps plain labels; later ones are numbered so every field has a unique name.
                let label = move |what: &str| if i == 0 { format!("Contact {what}") } else { format!("Contact {} {what}", i + 1) };
                let field = move |pick: fn(&Contact) -> String| move || contacts.with(|c| c.get(i).map(pick).unwrap_or_default());
                let set = move |write: fn(&mut Contact, String), value: String| contacts.update(|c| if let Some(slot) = c.get_mut(i) { write(slot, value) });
                view! {
                    <fieldset class="contact">
                        <legend>{if i == 0 { "Contact".to_string() } else { format!("Contact {}", i + 1) }}</legend>
                        <div class="field"><label for=format!("d-contact-{i}-name")>{label("name")}</label>
                            <input id=format!("d-contact-{i}-name") type="text" prop:value=field(|c| c.name.clone())
                                on:input=move |ev| set(|c, v| c.name = v, event_target_value(&ev))/></div>
                        <div class="field"><label for=format!("d-contact-{i}-email")>{label("email")}</label>
                            <input id=format!("d-contact-{i}-email") type="email" prop:value=field(|c| c.email.clone())
                                on:input=move |ev| set(|c, v| c.email = v, event_target_value(&ev))/></div>
                        <div class="field"><label for=format!("d-contact-{i}-phone")>{label("phone")}</label>
                            <input id=format!("d-contact-{i}-phone") type="tel" prop:value=field(|c| c.phone.clone())
                                on:input=move |ev| set(|c, v| c.phone = v, event_target_value(&ev))/></div>
                        {(i > 0).then(|| view! {
                            <button type="button" class="link" on:click=move |_| contacts.update(|c| { c.remove(i); })>{format!("Remove contact {}", i + 1)}</button>
                        })}
                    </fieldset>
                }
            }).collect_view()}
            <button type="button" on:click=move |_| contacts.update(|c| c.push(Contact::default()))>"Add contact"</button>
            <div class="field"><label for="d-problem">"Problem"</label>
                <select id="d-problem" prop:value=move || problem.get() on:change=move |ev| problem.set(event_target_value(&ev))>
                    <option value="">"None"</option>
                    {move || state.problems.get().into_iter()
                        .filter(|p| p.status == crate::domain::problem::ProblemStatus::Open || Some(p.id) == case.problem_id)
                        .map(|p| view! { <option value=p.id.to_string()>{format!("{} {}", p.key, p.title)}</option> })
                        .collect_view()}
                </select></div>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <p class="form-ok" role="status">{move || saved.get().then_some("Details saved.")}</p>
            <p class="form-warning" role="status">{move || details_status.get()}</p>
            <div class="actions"><button type="submit" class="primary">"Save details"</button></div>
        </form>
    }
    .into_any()
}

#[component]
fn NoteComposer(editor: Editor) -> impl IntoView {
    let state = app_state();
    let draft_key = format!("note:{}", editor.id);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let draft_status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save_draft = draft_saver(draft_key.clone(), draft_status);
    restore_draft(draft_key.clone(), move |saved| {
        // `try_`: the page may be gone by the time the draft has been read.
        if text.try_get_untracked().is_some_and(|t| t.is_empty()) {
            text.set(saved);
            // Said out loud, as the title editor does: text that appears by itself is a surprise.
            let _ =
                draft_status.try_set(Some("Unsaved note from your last visit restored.".into()));
        }
    });
    let draft_key = StoredValue::new(draft_key);
    let note_saver = save_draft.clone();

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let saver = note_saver.clone();
        let note_text = text.get_untracked();
        // Taken now: the save finishes even if the person leaves the case before it answers.
        let draft_key = draft_key.get_value();
        busy.set(true);
        // The save deletes the draft; a late draft write must not bring the note back.
        saver.cancel();
        leptos::task::spawn_local(async move {
            match app::cases::add_note(state, editor.id, &note_text, Some(draft_key)).await {
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
        <form class="panel note-form" on:submit=add>
            <label for="note">"Note"</label>
            <textarea id="note" rows="4" aria-describedby="note-error"
                prop:value=move || text.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    text.set(value.clone());
                    error.set(None);
                    save_draft.save(value);
                }></textarea>
            <p class="field-error" id="note-error" role="alert">{move || error.get()}</p>
            <p class="form-warning" role="status">{move || draft_status.get()}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>"Add note"</button>
            </div>
        </form>
    }
}
