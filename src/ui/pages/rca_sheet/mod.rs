//! One RCA worksheet: the editable content (drafted as typed), partner sign-offs, status moves and export; the page here, its parts in the modules below.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::drafts::DraftKey;
use crate::app::state::{AppState, app_state};
use crate::browser::{self, format_time};
use crate::domain::case::CaseKey;
use crate::domain::money::{Currency, Money};
use crate::domain::rca::{
    Action, ActionKind, ActionStatus, Claim, Decision, EventSource, Evidence, EvidenceKind,
    FishboneCategory, Rca, RcaContent, RcaError, RcaStatus, SignOffState, TimelineEntry,
    duration_text, rebase,
};
use crate::ui::components::drafts::{DraftSaver, draft_saver, read_draft, set_aside};
use crate::ui::components::form_status::FormStatus;
use crate::ui::components::form_status::OutcomeList;
use crate::ui::components::undo_toast::{UndoToast, Undoable};
mod claims;
mod form;
mod markdown;
mod panels;
mod sections;

pub use markdown::{export_markdown, status_class};

use claims::*;
use form::*;
use panels::*;
use sections::*;

#[component]
pub fn Worksheet(id: Uuid) -> impl IntoView {
    let state = app_state();
    let stored = Memo::new(move |_| {
        state
            .rcas
            .with(|all| all.iter().find(|r| r.id == id).cloned())
    });
    let Some(first) = stored.get_untracked() else {
        return view! { <p>"This worksheet is no longer on this device."</p> }.into_any();
    };
    let work = RwSignal::new(first.content.clone());
    let texts = RwSignal::new(texts_of(&first.content));
    let locked = Memo::new(move |_| {
        stored.with(|r| r.as_ref().is_some_and(|r| r.status == RcaStatus::Published))
    });
    let undo = RwSignal::new(None::<Undoable<RcaContent>>);
    let sheet = Sheet {
        work,
        texts,
        zone: StoredValue::new(state.zone()),
        locked,
        undo,
    };
    // The saved content the working copy was made from. When the stored copy moves on (our
    // save, another tab's), an editor without changes follows it; one with changes keeps them,
    // and its save replays them onto the newer copy (`rebase`).
    let origin = StoredValue::new(first.content.clone());
    let dirty = Memo::new(move |_| {
        stored.with(|r| r.as_ref().is_some_and(|r| work.with(|w| *w != r.content)))
    });
    Effect::new(move |_| {
        if let Some(r) = stored.get() {
            let mine = work.get_untracked();
            if mine == r.content {
                origin.set_value(r.content);
            } else if origin.with_value(|o| *o == mine) {
                work.set(r.content.clone());
                texts.set(texts_of(&r.content));
                origin.set_value(r.content);
            }
        }
    });

    let draft_key = DraftKey::Rca(id);
    let draft_status = RwSignal::new(None::<String>);
    let saver = StoredValue::new(draft_saver(draft_key.clone(), draft_status));
    let restored = RwSignal::new(false);
    {
        let key = draft_key.clone();
        let form_saver = saver.get_value();
        leptos::task::spawn_local(async move {
            let (read, earlier) = read_draft(&form_saver).await;
            // Whatever becomes of it below (put back, set aside, or the same as the saved
            // worksheet), replacing it later loses nothing.
            if let Some(text) = &read {
                form_saver.adopt(text);
            }
            if let Some(text) = read
                && let Ok(draft) = serde_json::from_str::<WorksheetDraft>(&text)
                && (has_loose_text(&draft.texts)
                    || stored.try_with_untracked(|r| {
                        r.as_ref().is_some_and(|r| r.content != draft.content)
                    }) == Some(true))
            {
                // Edited before the draft arrived (a slow disk): the edits stay, and the draft
                // is shown to copy from, not put back over them.
                let edited = origin.try_with_value(|o| {
                    work.try_with_untracked(|w| w != o) == Some(true)
                        || texts.try_with_untracked(|t| *t != texts_of(o)) == Some(true)
                }) == Some(true);
                if edited {
                    // The worksheet's own text and the half-typed quick-add fields, each once.
                    let loose: BTreeMap<&str, &String> = LOOSE
                        .iter()
                        .filter_map(|name| draft.texts.get(*name).map(|t| (*name, t)))
                        .collect();
                    let shown = serde_json::to_string(&(&draft.content, loose)).unwrap_or_default();
                    // Kept in storage before the Effect below drafts the edits over it.
                    if let Some(found) = set_aside(&key, &text, &shown).await {
                        form_saver.show_set_aside(found, false);
                    }
                    let _ = restored.try_set(true);
                    return;
                }
                let _ = work.try_set(draft.content);
                let _ = texts.try_set(draft.texts);
                if let Some(from) = draft.origin {
                    origin.try_set_value(from);
                }
                let _ = draft_status.try_set(Some(
                    "Unsaved changes from your last visit were restored.".into(),
                ));
            }
            if let Some(kept) = earlier {
                form_saver.show_set_aside(kept, true);
            }
            let _ = restored.try_set(true);
        });
    }
    // Drafts every change once the old draft has been looked at, so the look never races a write.
    Effect::new(move |_| {
        let content = work.get();
        let typed = texts.get();
        if !restored.get() {
            return;
        }
        // Tracks the stored copy too: a save deletes the draft, and quick-add text typed but not
        // yet added must be drafted again after it.
        if !has_loose_text(&typed)
            && stored.with(|r| r.as_ref().is_some_and(|r| r.content == content))
        {
            saver.with_value(DraftSaver::discard);
        } else {
            let draft = WorksheetDraft {
                content,
                texts: typed,
                origin: origin.try_get_value(),
            };
            saver.with_value(|s| s.save(serde_json::to_string(&draft).unwrap_or_default()));
        }
    });

    let message = RwSignal::new(None::<(bool, Vec<String>)>);
    let money_error =
        Memo::new(move |_| parse_money(&sheet.text(AMOUNT), &sheet.text(CURRENCY)).err());
    let save_now = Callback::new(move |()| {
        let Some(current) = stored.get_untracked() else {
            return;
        };
        if let Some(e) = money_error.get_untracked() {
            message.set(Some((false, vec![e])));
            return;
        }
        let mut mine = work.get_untracked();
        if origin.with_value(|o| *o != current.content) {
            // Another tab saved since these edits began: keep its changes, replay ours on top.
            let (merged, both) = origin.with_value(|o| rebase(o, &mine, &current.content));
            origin.set_value(current.content.clone());
            work.set(merged.clone());
            texts.set(texts_of(&merged));
            if !both.is_empty() {
                message.set(Some((
                    false,
                    vec![format!(
                        "Another tab saved this worksheet while you edited it. Their changes are in; where you both changed the same part ({}), yours is shown. Check it, then save again.",
                        both.join(", ")
                    )],
                )));
                return;
            }
            mine = merged;
        }
        match current.edit(mine, &state.actor(), browser::now()) {
            Ok(next) => {
                saver.with_value(DraftSaver::cancel);
                let moved_back = next.status != current.status;
                persist(
                    state,
                    current.revision,
                    next,
                    Some(saver.with_value(DraftSaver::held)),
                    message,
                    if moved_back {
                        "Saved. It changed after validation, so it is back in review and the sign-offs are stale."
                    } else {
                        "Saved."
                    },
                    || {},
                );
            }
            Err(e) => message.set(Some((false, refusal(e)))),
        }
    });
    // Reads the stored worksheet first: another tab's save may not have been announced here
    // yet, and the edits must land on top of it rather than be refused as stale.
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            crate::app::rcas::refresh(state, id).await;
            {}
            save_now.try_run(());
        });
    };
    let discard = move |_| {
        if let Some(r) = stored.get_untracked() {
            saver.with_value(DraftSaver::discard);
            work.set(r.content.clone());
            texts.set(texts_of(&r.content));
            origin.set_value(r.content.clone());
            message.set(None);
            draft_status.set(None);
        }
    };
    let hash = Memo::new(move |_| stored.with(|r| r.as_ref().map(Rca::hash).unwrap_or_default()));
    let key = first.key;

    view! {
        <form class="rca-sheet" on:submit=save>
            <section class="panel">
                <div class="page-head">
                    <h1>{key.to_string()}" "{move || work.with(|c| c.title.clone())}</h1>
                    <span class=move || stored.with(|r| r.as_ref().map(|r| status_class(r.status)).unwrap_or_default())>
                        {move || stored.with(|r| r.as_ref().map(|r| r.status.label()).unwrap_or_default())}
                    </span>
                </div>
                <p class="hint">"Content hash (what a sign-off covers): "<code class="hash">{move || hash.get().get(..16).unwrap_or_default().to_string()}"…"</code></p>
                <FormStatus draft=draft_status aside=saver.with_value(|s| s.set_aside_shown())/>
                <Show when=move || locked.get()>
                    <p class="notice">"Published worksheets are read-only. Reopen it as a draft to change it; partners will need to validate it again if it changes."</p>
                </Show>
                <h2>"Header"</h2>
                {text_field(sheet, "rca-title", "Title", |c| &c.title, |c| &mut c.title)}
                <div class="inline-fields">
                    {text_field(sheet, "rca-owner", "Owner", |c| &c.owner, |c| &mut c.owner)}
                    {parsed_field(sheet, "rca-authors", "Authors (comma-separated)", AUTHORS, "Dana Reyes, Sam Okafor")}
                </div>
                <LinkedRecords sheet=sheet/>
                {parsed_field(sheet, "rca-teams", "Partner teams who validate it (comma-separated)", TEAMS, "Risk Operations, Payouts Engineering")}
                <datalist id="partner-team-names">
                    {move || state.partners.with(|d| d.teams.iter().map(|t| view! { <option value=t.name.clone()/> }).collect_view())}
                </datalist>
                <p class="hint">{move || format!("Known teams: {}", state.partners.with(|d| d.teams.iter().map(|t| t.name.clone()).collect::<Vec<_>>().join(", ")))}</p>
            </section>

            <section class="panel">
                <h2>"Summary and impact"</h2>
                {text_area(sheet, "rca-summary", "Summary", 3, |c| &c.summary, |c| &mut c.summary)}
                <div class="inline-fields">
                    <div class="field">
                        <label for="rca-users">"Users affected"</label>
                        <input id="rca-users" type="number" min="0" step="1" prop:readOnly=move || locked.get()
                            prop:value=move || work.with(|c| c.users_affected.map(|n| n.to_string()).unwrap_or_default())
                            on:input=move |ev| { let n = event_target_value(&ev).trim().parse::<u64>().ok(); sheet.edit(|c| c.users_affected = n); }/>
                    </div>
                    <div class="field money-field">
                        <label for="rca-money">"Money affected"</label>
                        <div class="inline-fields">
                            <input id="rca-currency" type="text" aria-label="Currency of the money affected" placeholder="SGD" maxlength="3" prop:readOnly=move || locked.get()
                                prop:value=move || sheet.text(CURRENCY) on:input=move |ev| sheet.set_text(CURRENCY, event_target_value(&ev))/>
                            <input id="rca-money" type="text" inputmode="decimal" placeholder="84,000.00" prop:readOnly=move || locked.get()
                                prop:value=move || sheet.text(AMOUNT) on:input=move |ev| sheet.set_text(AMOUNT, event_target_value(&ev))/>
                        </div>
                        <FormStatus error=money_error/>
                    </div>
                    {parsed_field(sheet, "rca-products", "Products (comma-separated)", PRODUCTS, "Payouts")}
                </div>
                <div class="inline-fields">
                    {time_field(sheet, "rca-start", "Impact started", |c| c.started_at, |c, t| c.started_at = t)}
                    {time_field(sheet, "rca-end", "Impact ended", |c| c.ended_at, |c, t| c.ended_at = t)}
                </div>
            </section>

            <section class="panel">
                <h2>"Detection"</h2>
                {text_area(sheet, "rca-detection", "How it was found", 2, |c| &c.detection, |c| &mut c.detection)}
                <div class="inline-fields">
                    {time_field(sheet, "rca-detected", "Detected", |c| c.detected_at, |c, t| c.detected_at = t)}
                    <p class="time-to-detect">"Time to detect: "<strong>{move || work.with(|c| c.minutes_to_detect().map(duration_text).unwrap_or_else(|| "set the start and the detection time".into()))}</strong></p>
                </div>
            </section>

            <TimelineSection sheet=sheet/>
            <EvidenceSection sheet=sheet/>

            <section class="panel">
                <h2>"Analysis"</h2>
                <ClaimList sheet=sheet which=Claims::Whys/>
                <h3>"Fishbone"</h3>
                <p class="hint">"One cause per line."</p>
                <div class="fishbone">
                    {FishboneCategory::ALL.into_iter().map(|category| {
                        let id = format!("fishbone-{category:?}").to_lowercase();
                        view! {
                            <div class="field">
                                <label for=id.clone()>{category.label()}</label>
                                <textarea id=id rows="3" prop:readOnly=move || locked.get()
                                    prop:value=move || work.with(|c| c.fishbone.get(category).to_string())
                                    on:input=move |ev| { let v = event_target_value(&ev); sheet.edit(|c| c.fishbone.set(category, v)); }></textarea>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <ClaimList sheet=sheet which=Claims::Factors/>
                <div class="field">
                    <label for="rca-category">"Root-cause category"</label>
                    <select id="rca-category" prop:disabled=move || locked.get()
                        prop:value=move || work.with(|c| c.category.clone())
                        on:change=move |ev| { let v = event_target_value(&ev); sheet.edit(|c| c.category = v); }>
                        <option value="">"Not categorised yet"</option>
                        {move || {
                            let mut options = state.settings.with(|s| s.root_cause_categories.clone());
                            let current = work.with(|c| c.category.clone());
                            if !current.is_empty() && !options.contains(&current) {
                                options.push(current);
                            }
                            options.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()
                        }}
                    </select>
                </div>
                {text_area(sheet, "rca-went-well", "What went well", 2, |c| &c.went_well, |c| &mut c.went_well)}
                {text_area(sheet, "rca-went-wrong", "What went wrong", 2, |c| &c.went_wrong, |c| &mut c.went_wrong)}
                {text_area(sheet, "rca-lucky", "Where we got lucky", 2, |c| &c.got_lucky, |c| &mut c.got_lucky)}
            </section>

            <ActionsSection sheet=sheet/>

            <div class="panel save-bar">
                <UndoToast undo=undo on_undo=move |before: RcaContent| { work.set(before); undo.set(None); }/>
                <OutcomeList outcome=message/>
                <div class="actions">
                    <span class="hint">{move || if dirty.get() { "Unsaved changes (kept as a draft on this device)" } else { "All changes saved" }}</span>
                    <button type="button" prop:disabled=move || !dirty.get() on:click=discard>"Discard changes"</button>
                    <button type="submit" class="primary" prop:disabled=move || locked.get()>"Save worksheet"</button>
                </div>
            </div>
        </form>
        <StatusPanel id=id stored=stored dirty=dirty/>
        <SignOffPanel id=id stored=stored dirty=dirty/>
        <ExportPanel stored=stored/>
    }
    .into_any()
}
