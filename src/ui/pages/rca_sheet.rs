//! One RCA worksheet: the editable content (drafted as typed), partner sign-offs, status moves and export.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::state::{AppState, app_state};
use crate::browser::{self, format_time};
use crate::domain::case::CaseKey;
use crate::domain::money::{Currency, Money};
use crate::domain::rca::{
    Action, ActionKind, ActionStatus, Claim, Decision, EventSource, Evidence, EvidenceKind,
    FishboneCategory, Rca, RcaContent, RcaError, RcaStatus, SignOffState, TimelineEntry,
    duration_text, rebase,
};
use crate::ui::components::drafts::{DraftSaver, draft_saver};
use crate::ui::pages::rcas::{export_markdown, local_today, status_class};

/// What the editor drafts: the content, plus the text of fields that are parsed into it
/// (lists, money), so a half-typed value comes back as typed.
#[derive(Serialize, Deserialize)]
struct WorksheetDraft {
    content: RcaContent,
    texts: BTreeMap<String, String>,
    /// The saved content these edits started from, so a save after another tab's can replay
    /// them on top of it instead of overwriting it.
    #[serde(default)]
    origin: Option<RcaContent>,
}

/// Text fields parsed into the content on every keystroke.
const AUTHORS: &str = "authors";
const TEAMS: &str = "partner_teams";
const PRODUCTS: &str = "products";
const AMOUNT: &str = "money_amount";
const CURRENCY: &str = "money_currency";
/// Text typed into the worksheet's quick-add inputs, not yet part of the content; drafted too.
const LOOSE: [&str; 3] = ["timeline_at", "timeline_text", "link_case"];

fn has_loose_text(texts: &BTreeMap<String, String>) -> bool {
    LOOSE
        .iter()
        .any(|name| texts.get(*name).is_some_and(|t| !t.trim().is_empty()))
}

fn list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    out
}

fn texts_of(content: &RcaContent) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    texts.insert(AUTHORS.into(), content.authors.join(", "));
    texts.insert(TEAMS.into(), content.partner_teams.join(", "));
    texts.insert(PRODUCTS.into(), content.products.join(", "));
    texts.insert(
        AMOUNT.into(),
        content
            .money_affected
            .map(|m| m.amount_text())
            .unwrap_or_default(),
    );
    texts.insert(
        CURRENCY.into(),
        content
            .money_affected
            .map(|m| m.currency.code())
            .unwrap_or_default(),
    );
    texts
}

/// The money typed so far: `Ok(None)` when the amount is blank.
fn parse_money(amount: &str, currency: &str) -> Result<Option<Money>, String> {
    if amount.trim().is_empty() {
        return Ok(None);
    }
    let currency = Currency::parse(&currency.trim().to_uppercase())
        .map_err(|e| format!("Money affected: {e}"))?;
    Money::parse(amount, currency)
        .map(Some)
        .map_err(|e| format!("Money affected: {e}"))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Everything the worksheet's rows share: the working copy and how to change it.
#[derive(Clone, Copy)]
struct Sheet {
    work: RwSignal<RcaContent>,
    texts: RwSignal<BTreeMap<String, String>>,
    zone: StoredValue<String>,
    locked: Memo<bool>,
    /// The last removal, undoable until the next edit: what was removed, and the content before.
    undo: RwSignal<Option<(String, RcaContent)>>,
}

impl Sheet {
    fn edit(self, change: impl FnOnce(&mut RcaContent)) {
        self.undo.set(None);
        self.work.update(change);
    }

    /// A removal, offered back by the Undo toast until the next edit.
    fn remove(self, what: String, change: impl FnOnce(&mut RcaContent)) {
        let before = self.work.get_untracked();
        self.work.update(change);
        self.undo.set(Some((what, before)));
    }

    fn text(self, name: &'static str) -> String {
        self.texts
            .with(|t| t.get(name).cloned().unwrap_or_default())
    }

    fn set_text(self, name: &'static str, value: String) {
        self.undo.set(None);
        self.texts.update(|t| {
            t.insert(name.to_string(), value);
        });
        let texts = self.texts.get_untracked();
        let get = |n: &str| texts.get(n).cloned().unwrap_or_default();
        let money = parse_money(&get(AMOUNT), &get(CURRENCY));
        self.work.update(|c| {
            c.authors = list(&get(AUTHORS));
            c.partner_teams = list(&get(TEAMS));
            c.products = list(&get(PRODUCTS));
            if let Ok(m) = money {
                c.money_affected = m;
            }
        });
    }

    /// Keeps the text of a quick-add input, which becomes content only when added.
    fn set_loose(self, name: &'static str, value: String) {
        self.texts.update(|t| {
            t.insert(name.to_string(), value);
        });
    }

    fn local(self, at: Option<DateTime<Utc>>) -> String {
        at.map(|t| browser::to_local_input(t, &self.zone.get_value()))
            .unwrap_or_default()
    }

    fn instant(self, text: &str) -> Option<DateTime<Utc>> {
        browser::from_local_input(text, &self.zone.get_value())
    }
}

/// A row of one of the worksheet's lists, found by its key while rows are added, moved and removed.
trait Row {
    type Key: PartialEq + Copy;
    fn key(&self) -> Self::Key;
}

impl Row for TimelineEntry {
    type Key = Uuid;
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Row for Evidence {
    type Key = u32;
    fn key(&self) -> u32 {
        self.number
    }
}

impl Row for Claim {
    type Key = Uuid;
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Row for Action {
    type Key = Uuid;
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Sheet {
    /// One value read from the row `key` of `list` (empty once the row is gone).
    fn read_row<T: Row>(
        self,
        list: fn(&RcaContent) -> &Vec<T>,
        key: T::Key,
        read: impl Fn(&T) -> String,
    ) -> String {
        self.work.with(|c| {
            list(c)
                .iter()
                .find(|r| r.key() == key)
                .map(read)
                .unwrap_or_default()
        })
    }

    fn edit_row<T: Row>(
        self,
        list: fn(&mut RcaContent) -> &mut Vec<T>,
        key: T::Key,
        change: impl FnOnce(&mut T),
    ) {
        self.edit(|c| {
            if let Some(row) = list(c).iter_mut().find(|r| r.key() == key) {
                change(row);
            }
        })
    }

    /// The row's place in its list, counting from 1, as its label shows it.
    fn position<T: Row>(self, list: fn(&RcaContent) -> &Vec<T>, key: T::Key) -> usize {
        self.work.with(|c| {
            list(c)
                .iter()
                .position(|r| r.key() == key)
                .map_or(0, |i| i + 1)
        })
    }
}

/// A text input bound to one string of the content.
fn text_field(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    get: fn(&RcaContent) -> &String,
    set: fn(&mut RcaContent) -> &mut String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.work.with(|c| get(c).clone())
                on:input=move |ev| { let v = event_target_value(&ev); sheet.edit(|c| *set(c) = v); }/>
        </div>
    }
}

/// A textarea bound to one string of the content.
fn text_area(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    rows: u32,
    get: fn(&RcaContent) -> &String,
    set: fn(&mut RcaContent) -> &mut String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id rows=rows prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.work.with(|c| get(c).clone())
                on:input=move |ev| { let v = event_target_value(&ev); sheet.edit(|c| *set(c) = v); }></textarea>
        </div>
    }
}

/// A text input holding a parsed field's text (a list or money).
fn parsed_field(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    name: &'static str,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" placeholder=hint prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.text(name)
                on:input=move |ev| sheet.set_text(name, event_target_value(&ev))/>
        </div>
    }
}

/// A `datetime-local` input bound to one optional instant of the content.
fn time_field(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    get: fn(&RcaContent) -> Option<DateTime<Utc>>,
    set: fn(&mut RcaContent, Option<DateTime<Utc>>),
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="datetime-local" prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.local(sheet.work.with(get))
                on:input=move |ev| { let at = sheet.instant(&event_target_value(&ev)); sheet.edit(|c| set(c, at)); }/>
        </div>
    }
}

/// Saves a new state of the worksheet, checked against the revision it was made from.
fn persist(
    state: AppState,
    expected: u64,
    next: Rca,
    draft_key: Option<String>,
    message: RwSignal<Option<(bool, Vec<String>)>>,
    done: &'static str,
    on_saved: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match crate::app::rcas::save(state, expected, next, draft_key.as_deref()).await {
            Ok(()) => {
                let _ = message.try_set(Some((true, vec![done.to_string()])));
                on_saved();
            }
            Err(e) => {
                let _ = message.try_set(Some((false, vec![format!("Not saved: {e}")])));
            }
        }
    });
}

fn refusal(error: RcaError) -> Vec<String> {
    match error {
        RcaError::Invalid(list) | RcaError::SignOffs(list) => list,
        other => vec![other.to_string()],
    }
}

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
    let undo = RwSignal::new(None::<(String, RcaContent)>);
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

    let draft_key = format!("rca:{id}");
    let draft_status = RwSignal::new(None::<String>);
    let saver = StoredValue::new(draft_saver(draft_key.clone(), draft_status));
    let restored = RwSignal::new(false);
    {
        let key = draft_key.clone();
        leptos::task::spawn_local(async move {
            if let Ok(Some(text)) = crate::app::drafts::read(&key).await
                && let Ok(draft) = serde_json::from_str::<WorksheetDraft>(&text)
                && (has_loose_text(&draft.texts)
                    || stored.try_with_untracked(|r| {
                        r.as_ref().is_some_and(|r| r.content != draft.content)
                    }) == Some(true))
            {
                let _ = work.try_set(draft.content);
                let _ = texts.try_set(draft.texts);
                if let Some(from) = draft.origin {
                    origin.try_set_value(from);
                }
                let _ = draft_status.try_set(Some(
                    "Unsaved changes from your last visit were restored.".into(),
                ));
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
    let draft_key = StoredValue::new(draft_key);
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
                    Some(draft_key.get_value()),
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
                <p class="form-warning" role="status">{move || draft_status.get()}</p>
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
                        <p class="field-error" role="alert">{move || money_error.get()}</p>
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
                {move || undo.get().map(|(what, before)| {
                    let put_back = before.clone();
                    view! {
                        <div class="toast" role="status">
                            <span>{what}</span>
                            <button type="button" on:click=move |_| { work.set(put_back.clone()); undo.set(None); }>"Undo"</button>
                            <button type="button" class="link" aria-label="Dismiss" on:click=move |_| undo.set(None)>"×"</button>
                        </div>
                    }
                })}
                <div role="alert"><ul class=move || match message.get() { Some((false, _)) => "form-error", _ => "form-ok" }>
                    {move || message.get().map(|(_, lines)| lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view())}
                </ul></div>
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

/// Linked cases (added by key) and the linked problem.
#[component]
fn LinkedRecords(sheet: Sheet) -> impl IntoView {
    let state = app_state();
    let error = RwSignal::new(None::<String>);
    let add = move || {
        let text = sheet
            .texts
            .with_untracked(|t| t.get("link_case").cloned().unwrap_or_default());
        let Some(key) = CaseKey::parse(&text) else {
            error.set(Some(format!(
                "'{}' is not a case key like ESC-1042",
                text.trim()
            )));
            return;
        };
        match state
            .cases
            .with_untracked(|all| all.iter().find(|c| c.key == key).map(|c| c.id))
        {
            None => error.set(Some(format!("{key} is not on this device"))),
            Some(id) if sheet.work.with_untracked(|c| c.case_ids.contains(&id)) => {
                error.set(Some(format!("{key} is already linked")))
            }
            Some(id) => {
                sheet.edit(|c| c.case_ids.push(id));
                sheet.set_loose("link_case", String::new());
                error.set(None);
            }
        }
    };
    let case_label = move |id: Uuid| {
        state
            .cases
            .with(|all| match all.iter().find(|c| c.id == id) {
                Some(c) => (Some(c.key.to_string()), format!("{} {}", c.key, c.title)),
                None => (None, format!("case {id} (not on this device)")),
            })
    };
    view! {
        <div class="field">
            <span class="label">"Linked cases"</span>
            <ul class="linked-cases">
                <For each=move || sheet.work.with(|c| c.case_ids.clone()) key=|id| *id let:case_id>
                    <li>
                        {move || match case_label(case_id) {
                            (Some(key), label) => view! { <A href=format!("/cases/{key}")>{label}</A> }.into_any(),
                            (None, label) => view! { <span>{label}</span> }.into_any(),
                        }}
                        " "
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                            aria-label=move || format!("Unlink {}", case_label(case_id).1)
                            on:click=move |_| sheet.remove(format!("Unlinked {}", case_label(case_id).1), |c| c.case_ids.retain(|x| *x != case_id))>"Unlink"</button>
                    </li>
                </For>
            </ul>
            <div class="inline-fields">
                <input id="rca-link-case" type="text" aria-label="Case key to link" placeholder="ESC-1042" prop:readOnly=move || sheet.locked.get()
                    prop:value=move || sheet.text("link_case") on:input=move |ev| sheet.set_loose("link_case", event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(); }/>
                <button type="button" prop:disabled=move || sheet.locked.get() on:click=move |_| add()>"Link case"</button>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </div>
        <div class="field">
            <label for="rca-problem">"Problem"</label>
            <select id="rca-problem" prop:disabled=move || sheet.locked.get()
                prop:value=move || sheet.work.with(|c| c.problem_id.map(|p| p.to_string()).unwrap_or_default())
                on:change=move |ev| { let v = Uuid::parse_str(&event_target_value(&ev)).ok(); sheet.edit(|c| c.problem_id = v); }>
                <option value="">"None"</option>
                {move || state.problems.get().into_iter().map(|p| view! { <option value=p.id.to_string()>{format!("{} {}", p.key, p.title)}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// One line for a picked case event: the case, the headline and the start of any text.
fn event_line(case_key: &str, event: &crate::domain::CaseEvent) -> String {
    use crate::domain::EventKind;
    let detail = match &event.kind {
        EventKind::NoteAdded { text } => Some(text.as_str()),
        EventKind::EmailReceived { subject, .. } | EventKind::EmailSent { subject, .. } => {
            Some(subject.as_str())
        }
        EventKind::StatusChanged {
            resolution: Some(r),
            ..
        } => Some(r.as_str()),
        _ => None,
    };
    match detail {
        Some(d) if !d.trim().is_empty() => {
            let short: String = d.trim().chars().take(140).collect();
            format!("{case_key}: {} — {short}", event.headline())
        }
        _ => format!("{case_key}: {}", event.headline()),
    }
}

#[component]
fn TimelineSection(sheet: Sheet) -> impl IntoView {
    let state = app_state();
    let error = RwSignal::new(None::<String>);
    let add = move || {
        let Some(at) = sheet.instant(
            &sheet
                .texts
                .with_untracked(|t| t.get("timeline_at").cloned().unwrap_or_default()),
        ) else {
            error.set(Some("Timeline: pick the date and time it happened".into()));
            return;
        };
        let text = sheet
            .texts
            .with_untracked(|t| t.get("timeline_text").cloned().unwrap_or_default());
        if text.trim().is_empty() {
            error.set(Some("Timeline: say what happened".into()));
            return;
        }
        sheet.edit(|c| {
            c.timeline.push(TimelineEntry {
                id: browser::new_id(),
                at,
                text: text.trim().to_string(),
                knew_then: String::new(),
                source: None,
            })
        });
        sheet.set_loose("timeline_text", String::new());
        error.set(None);
    };
    // Events of the linked cases, loaded when the picker opens.
    let picking = RwSignal::new(false);
    let candidates = RwSignal::new(None::<Result<Vec<(String, crate::domain::CaseEvent)>, String>>);
    let open_picker = move |_| {
        picking.set(true);
        candidates.set(None);
        let ids = sheet.work.with_untracked(|c| c.case_ids.clone());
        let keys: Vec<(Uuid, String)> = state.cases.with_untracked(|all| {
            ids.iter()
                .filter_map(|id| {
                    all.iter()
                        .find(|c| c.id == *id)
                        .map(|c| (*id, c.key.to_string()))
                })
                .collect()
        });
        leptos::task::spawn_local(async move {
            let result = async {
                let mut all = Vec::new();
                for (id, key) in keys {
                    let loaded = crate::app::cases::timeline(id)
                        .await
                        .map_err(|e| e.to_string())?;
                    all.extend(loaded.items.into_iter().map(|e| (key.clone(), e)));
                }
                all.sort_by_key(|a| a.1.at);
                Ok(all)
            }
            .await;
            let _ = candidates.try_set(Some(result));
        });
    };
    let entries = move || {
        sheet.work.with(|c| {
            let mut rows: Vec<(DateTime<Utc>, Uuid)> =
                c.timeline.iter().map(|e| (e.at, e.id)).collect();
            rows.sort();
            rows.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
        })
    };
    let field =
        move |id: Uuid, get: fn(&TimelineEntry) -> String| sheet.read_row(|c| &c.timeline, id, get);
    let set = move |id: Uuid, change: Box<dyn FnOnce(&mut TimelineEntry)>| {
        sheet.edit_row(|c| &mut c.timeline, id, change)
    };
    let zone = sheet.zone;
    view! {
        <section class="panel">
            <h2>"Timeline"</h2>
            <Show when=move || !sheet.work.with(|c| c.timeline.is_empty()) fallback=|| view! { <p class="empty-state">"No entries yet. Pick events from the linked cases or add your own."</p> }>
                <ol class="rca-timeline">
                    <For each=entries key=|id| *id let:entry_id>
                        <li class="rca-row">
                            <div class="rca-row-head">
                                <strong>{move || sheet.work.with(|c| c.timeline.iter().find(|e| e.id == entry_id).map(|e| format_time(e.at, &zone.get_value())).unwrap_or_default())}</strong>
                                {move || field(entry_id, |e| if e.source.is_some() { "from the case timeline".into() } else { String::new() })}
                                <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                                    on:click=move |_| sheet.remove("Timeline entry removed".into(), |c| c.timeline.retain(|e| e.id != entry_id))>"Remove entry"</button>
                            </div>
                            <div class="field">
                                <label for=format!("tl-text-{entry_id}")>"What happened"</label>
                                <input id=format!("tl-text-{entry_id}") type="text" prop:readOnly=move || sheet.locked.get()
                                    prop:value=move || field(entry_id, |e| e.text.clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); set(entry_id, Box::new(move |e| e.text = v)); }/>
                            </div>
                            <div class="field">
                                <label for=format!("tl-knew-{entry_id}")>"What we knew then"</label>
                                <input id=format!("tl-knew-{entry_id}") type="text" prop:readOnly=move || sheet.locked.get()
                                    prop:value=move || field(entry_id, |e| e.knew_then.clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); set(entry_id, Box::new(move |e| e.knew_then = v)); }/>
                            </div>
                        </li>
                    </For>
                </ol>
            </Show>
            <div class="inline-fields">
                <div class="field"><label for="tl-new-at">"When"</label>
                    <input id="tl-new-at" type="datetime-local" prop:value=move || sheet.text("timeline_at") on:input=move |ev| sheet.set_loose("timeline_at", event_target_value(&ev))/></div>
                <div class="field grow"><label for="tl-new-text">"What happened"</label>
                    <input id="tl-new-text" type="text" prop:value=move || sheet.text("timeline_text") on:input=move |ev| sheet.set_loose("timeline_text", event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(); }/></div>
                <button type="button" prop:disabled=move || sheet.locked.get() on:click=move |_| add()>"Add entry"</button>
                <button type="button" prop:disabled=move || sheet.locked.get() on:click=open_picker>"Pick from case timelines"</button>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <Show when=move || picking.get()>
                <div class="event-picker">
                    <h3>"Events of the linked cases"</h3>
                    {move || match candidates.get() {
                        None => view! { <p class="loading">"Reading the case timelines…"</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="form-error">{format!("The case timelines could not be read: {e}")}</p> }.into_any(),
                        Some(Ok(list)) if list.is_empty() => view! { <p class="empty-state">"Link a case first: its events appear here."</p> }.into_any(),
                        Some(Ok(list)) => view! {
                            <ul>
                                {list.into_iter().map(|(case_key, event)| {
                                    let line = event_line(&case_key, &event);
                                    let at = event.at;
                                    let source = EventSource { case_id: event.case_id, event_id: event.id };
                                    let added = move || sheet.work.with(|c| c.timeline.iter().any(|e| e.source == Some(source)));
                                    let pick_line = line.clone();
                                    view! {
                                        <li>
                                            <span class="muted">{format_time(at, &zone.get_value())}</span>" "{line.clone()}" "
                                            <button type="button" class="link" prop:disabled=move || added() || sheet.locked.get()
                                                aria-label=format!("Add to the RCA timeline: {line}")
                                                on:click=move |_| sheet.edit(|c| c.timeline.push(TimelineEntry { id: browser::new_id(), at, text: pick_line.clone(), knew_then: String::new(), source: Some(source) }))>
                                                {move || if added() { "Added" } else { "Add" }}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                    <button type="button" on:click=move |_| picking.set(false)>"Close"</button>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn EvidenceSection(sheet: Sheet) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        sheet.edit(|c| {
            let number = c.next_evidence_number();
            c.evidence.push(Evidence {
                number,
                kind: EvidenceKind::Note,
                title: String::new(),
                detail: String::new(),
            });
        });
    };
    let remove = move |number: u32| {
        let citing: Vec<String> = sheet.work.with_untracked(|c| {
            let mut found = Vec::new();
            for (i, w) in c.whys.iter().enumerate() {
                if w.evidence.contains(&number) {
                    found.push(format!("why {}", i + 1));
                }
            }
            for (i, f) in c.factors.iter().enumerate() {
                if f.evidence.contains(&number) {
                    found.push(format!("contributing factor {}", i + 1));
                }
            }
            found
        });
        if citing.is_empty() {
            sheet.remove(format!("E{number} removed"), |c| {
                c.evidence.retain(|e| e.number != number)
            });
            error.set(None);
        } else {
            error.set(Some(format!(
                "E{number} is cited by {}; remove those citations first",
                citing.join(", ")
            )));
        }
    };
    let field = move |n: u32, get: fn(&Evidence) -> String| sheet.read_row(|c| &c.evidence, n, get);
    let set = move |n: u32, change: Box<dyn FnOnce(&mut Evidence)>| {
        sheet.edit_row(|c| &mut c.evidence, n, change)
    };
    view! {
        <section class="panel">
            <h2>"Evidence"</h2>
            <p class="hint">"Links, notes and SQL results. Whys and contributing factors cite them by number."</p>
            <Show when=move || !sheet.work.with(|c| c.evidence.is_empty()) fallback=|| view! { <p class="empty-state">"No evidence yet."</p> }>
                <ul class="rca-evidence">
                    <For each=move || sheet.work.with(|c| c.evidence.iter().map(|e| e.number).collect::<Vec<_>>()) key=|n| *n let:number>
                        <li class="rca-row">
                            <div class="rca-row-head">
                                <strong>{format!("E{number}")}</strong>
                                <select aria-label=format!("Kind of E{number}") prop:disabled=move || sheet.locked.get()
                                    prop:value=move || field(number, |e| format!("{:?}", e.kind))
                                    on:change=move |ev| {
                                        let kind = EvidenceKind::ALL.into_iter().find(|k| format!("{k:?}") == event_target_value(&ev)).unwrap_or(EvidenceKind::Note);
                                        set(number, Box::new(move |e| e.kind = kind));
                                    }>
                                    {EvidenceKind::ALL.into_iter().map(|k| view! { <option value=format!("{k:?}")>{k.label()}</option> }).collect_view()}
                                </select>
                                <button type="button" class="link" prop:disabled=move || sheet.locked.get() on:click=move |_| remove(number)>{format!("Remove E{number}")}</button>
                            </div>
                            <div class="field">
                                <label for=format!("ev-title-{number}")>"Title"</label>
                                <input id=format!("ev-title-{number}") type="text" prop:readOnly=move || sheet.locked.get()
                                    prop:value=move || field(number, |e| e.title.clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); set(number, Box::new(move |e| e.title = v)); }/>
                            </div>
                            <div class="field">
                                <label for=format!("ev-detail-{number}")>{move || match field(number, |e| format!("{:?}", e.kind)).as_str() { "Link" => "Address (https://…)", "Query" => "Query and result", _ => "Note" }}</label>
                                <textarea id=format!("ev-detail-{number}") rows="2" prop:readOnly=move || sheet.locked.get()
                                    prop:value=move || field(number, |e| e.detail.clone())
                                    on:input=move |ev| { let v = event_target_value(&ev); set(number, Box::new(move |e| e.detail = v)); }></textarea>
                            </div>
                        </li>
                    </For>
                </ul>
            </Show>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="button" prop:disabled=move || sheet.locked.get() on:click=add>"Add evidence"</button>
        </section>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Claims {
    Whys,
    Factors,
}

impl Claims {
    fn list(self, c: &RcaContent) -> &Vec<Claim> {
        match self {
            Claims::Whys => &c.whys,
            Claims::Factors => &c.factors,
        }
    }

    fn list_mut(self, c: &mut RcaContent) -> &mut Vec<Claim> {
        match self {
            Claims::Whys => &mut c.whys,
            Claims::Factors => &mut c.factors,
        }
    }

    fn reader(self) -> fn(&RcaContent) -> &Vec<Claim> {
        match self {
            Claims::Whys => |c| &c.whys,
            Claims::Factors => |c| &c.factors,
        }
    }

    fn writer(self) -> fn(&mut RcaContent) -> &mut Vec<Claim> {
        match self {
            Claims::Whys => |c| &mut c.whys,
            Claims::Factors => |c| &mut c.factors,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Claims::Whys => "Why",
            Claims::Factors => "Contributing factor",
        }
    }
}

/// The five whys or the contributing factors: ordered claims, each citing evidence.
#[component]
fn ClaimList(sheet: Sheet, which: Claims) -> impl IntoView {
    let add = move |_| {
        sheet.edit(|c| {
            which.list_mut(c).push(Claim {
                id: browser::new_id(),
                text: String::new(),
                evidence: Vec::new(),
            })
        })
    };
    let position = move |id: Uuid| sheet.position(which.reader(), id);
    let edit_claim = move |id: Uuid, change: Box<dyn FnOnce(&mut Claim)>| {
        sheet.edit_row(which.writer(), id, change)
    };
    let move_claim = move |id: Uuid, by: isize| {
        sheet.edit(|c| {
            let list = which.list_mut(c);
            if let Some(i) = list.iter().position(|w| w.id == id) {
                let j = i as isize + by;
                if j >= 0 && (j as usize) < list.len() {
                    list.swap(i, j as usize);
                }
            }
        })
    };
    let (title, hint, add_label) = match which {
        Claims::Whys => (
            "Five whys",
            "Start from what the user saw; each why explains the one above it.",
            "Add a why",
        ),
        Claims::Factors => (
            "Contributing factors",
            "What made it likelier or worse, without being the cause.",
            "Add a contributing factor",
        ),
    };
    let prefix = match which {
        Claims::Whys => "why",
        Claims::Factors => "factor",
    };
    view! {
        <h3>{title}</h3>
        <p class="hint">{hint}</p>
        <ol class="rca-claims">
            <For each=move || sheet.work.with(|c| which.list(c).iter().map(|w| w.id).collect::<Vec<_>>()) key=|id| *id let:claim_id>
                <li class="rca-row">
                    <div class="field">
                        <label for=format!("{prefix}-{claim_id}")>{move || format!("{} {}", which.name(), position(claim_id))}</label>
                        <textarea id=format!("{prefix}-{claim_id}") rows="2" prop:readOnly=move || sheet.locked.get()
                            prop:value=move || sheet.work.with(|c| which.list(c).iter().find(|w| w.id == claim_id).map(|w| w.text.clone()).unwrap_or_default())
                            on:input=move |ev| { let v = event_target_value(&ev); edit_claim(claim_id, Box::new(move |w| w.text = v)); }></textarea>
                    </div>
                    <fieldset class="cites">
                        <legend>{move || format!("Evidence cited by {} {}", which.name().to_lowercase(), position(claim_id))}</legend>
                        {move || {
                            let numbers = sheet.work.with(|c| c.evidence.iter().map(|e| e.number).collect::<Vec<_>>());
                            if numbers.is_empty() {
                                return view! { <span class="hint">"Add evidence below the timeline to cite it."</span> }.into_any();
                            }
                            numbers.into_iter().map(|n| {
                                let id = format!("{prefix}-{claim_id}-e{n}");
                                view! {
                                    <span class="check">
                                        <input type="checkbox" id=id.clone() prop:disabled=move || sheet.locked.get()
                                            prop:checked=move || sheet.work.with(|c| which.list(c).iter().any(|w| w.id == claim_id && w.evidence.contains(&n)))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                edit_claim(claim_id, Box::new(move |w| { w.evidence.retain(|x| *x != n); if on { w.evidence.push(n); w.evidence.sort(); } }));
                                            }/>
                                        <label for=id>{format!("E{n}")}</label>
                                    </span>
                                }
                            }).collect_view().into_any()
                        }}
                    </fieldset>
                    <div class="actions">
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get() on:click=move |_| move_claim(claim_id, -1)>"Move up"</button>
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get() on:click=move |_| move_claim(claim_id, 1)>"Move down"</button>
                        <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                            on:click=move |_| sheet.remove(format!("{} {} removed", which.name(), position(claim_id)), |c| which.list_mut(c).retain(|w| w.id != claim_id))>{move || format!("Remove {} {}", which.name().to_lowercase(), position(claim_id))}</button>
                    </div>
                </li>
            </For>
        </ol>
        <button type="button" prop:disabled=move || sheet.locked.get() on:click=add>{add_label}</button>
    }
}

#[component]
fn ActionsSection(sheet: Sheet) -> impl IntoView {
    let state = app_state();
    let today = local_today(state);
    let add = move |_| {
        sheet.edit(|c| {
            c.actions
                .push(Action::new(browser::new_id(), ActionKind::Corrective))
        })
    };
    let get = move |id: Uuid, read: Box<dyn Fn(&Action) -> String>| {
        sheet.read_row(|c| &c.actions, id, read)
    };
    let set = move |id: Uuid, change: Box<dyn FnOnce(&mut Action)>| {
        sheet.edit_row(|c| &mut c.actions, id, change)
    };
    let position = move |id: Uuid| sheet.position(|c| &c.actions, id);
    let overdue = move |id: Uuid| {
        sheet
            .work
            .with(|c| c.actions.iter().any(|a| a.id == id && a.is_overdue(today)))
    };
    macro_rules! action_text {
        ($id:expr, $field:literal, $label:expr, $kind:literal, $read:expr, $write:expr) => {{
            let input_id = format!("action-{}-{}", $field, $id);
            let action_id = $id;
            view! {
                <div class="field">
                    <label for=input_id.clone()>{$label}</label>
                    <input id=input_id type=$kind prop:readOnly=move || sheet.locked.get()
                        prop:value=move || get(action_id, Box::new($read))
                        on:input=move |ev| { let v = event_target_value(&ev); set(action_id, Box::new(move |a: &mut Action| ($write)(a, v))); }/>
                </div>
            }
        }};
    }
    view! {
        <section class="panel">
            <h2>"Actions (CAPA)"</h2>
            <Show when=move || !sheet.work.with(|c| c.actions.is_empty()) fallback=|| view! { <p class="empty-state">"No actions yet."</p> }>
                <ol class="rca-actions">
                    <For each=move || sheet.work.with(|c| c.actions.iter().map(|a| a.id).collect::<Vec<_>>()) key=|id| *id let:action_id>
                        <li class="rca-row" class:overdue=move || overdue(action_id)>
                            <div class="rca-row-head">
                                <strong>{move || format!("Action {}", position(action_id))}</strong>
                                <Show when=move || overdue(action_id)><span class="badge overdue-badge">"Overdue"</span></Show>
                                <select aria-label=move || format!("Type of action {}", position(action_id)) prop:disabled=move || sheet.locked.get()
                                    prop:value=move || get(action_id, Box::new(|a| format!("{:?}", a.kind)))
                                    on:change=move |ev| { let v = event_target_value(&ev); if let Some(k) = ActionKind::ALL.into_iter().find(|k| format!("{k:?}") == v) { set(action_id, Box::new(move |a| a.kind = k)); } }>
                                    {ActionKind::ALL.into_iter().map(|k| view! { <option value=format!("{k:?}")>{k.label()}</option> }).collect_view()}
                                </select>
                                <select aria-label=move || format!("Status of action {}", position(action_id)) prop:disabled=move || sheet.locked.get()
                                    prop:value=move || get(action_id, Box::new(|a| format!("{:?}", a.status)))
                                    on:change=move |ev| { let v = event_target_value(&ev); if let Some(s) = ActionStatus::ALL.into_iter().find(|s| format!("{s:?}") == v) { set(action_id, Box::new(move |a| a.status = s)); } }>
                                    {ActionStatus::ALL.into_iter().map(|s| view! { <option value=format!("{s:?}")>{s.label()}</option> }).collect_view()}
                                </select>
                                <button type="button" class="link" prop:disabled=move || sheet.locked.get()
                                    on:click=move |_| sheet.remove(format!("Action {} removed", position(action_id)), |c| c.actions.retain(|a| a.id != action_id))>{move || format!("Remove action {}", position(action_id))}</button>
                            </div>
                            {action_text!(action_id, "title", "What will be done", "text", |a: &Action| a.title.clone(), |a: &mut Action, v: String| a.title = v)}
                            <div class="inline-fields">
                                {action_text!(action_id, "owner", "Owner", "text", |a: &Action| a.owner.clone(), |a: &mut Action, v: String| a.owner = v)}
                                {action_text!(action_id, "team", "Team", "text", |a: &Action| a.team.clone(), |a: &mut Action, v: String| a.team = v)}
                                {action_text!(action_id, "due", "Due", "date", |a: &Action| a.due.map(|d| d.to_string()).unwrap_or_default(), |a: &mut Action, v: String| a.due = parse_date(&v))}
                                {action_text!(action_id, "ticket", "Ticket", "text", |a: &Action| a.ticket.clone(), |a: &mut Action, v: String| a.ticket = v)}
                            </div>
                            <details class="verification">
                                <summary>"Verification of effectiveness"</summary>
                                <div class="inline-fields">
                                    {action_text!(action_id, "method", "Method", "text", |a: &Action| a.verification.method.clone(), |a: &mut Action, v: String| a.verification.method = v)}
                                    {action_text!(action_id, "verifier", "Verifier", "text", |a: &Action| a.verification.verifier.clone(), |a: &mut Action, v: String| a.verification.verifier = v)}
                                    {action_text!(action_id, "verified", "Date", "date", |a: &Action| a.verification.date.map(|d| d.to_string()).unwrap_or_default(), |a: &mut Action, v: String| a.verification.date = parse_date(&v))}
                                </div>
                                {action_text!(action_id, "result", "Result", "text", |a: &Action| a.verification.result.clone(), |a: &mut Action, v: String| a.verification.result = v)}
                            </details>
                        </li>
                    </For>
                </ol>
            </Show>
            <button type="button" prop:disabled=move || sheet.locked.get() on:click=add>"Add an action"</button>
        </section>
    }
}

#[component]
fn StatusPanel(id: Uuid, stored: Memo<Option<Rca>>, dirty: Memo<bool>) -> impl IntoView {
    let state = app_state();
    let message = RwSignal::new(None::<(bool, Vec<String>)>);
    let move_to = move |to: RcaStatus| {
        let Some(current) = stored.get_untracked() else {
            return;
        };
        match current.move_to(to, &state.actor(), browser::now()) {
            Ok(next) => persist(
                state,
                current.revision,
                next,
                None,
                message,
                "Status changed.",
                || {},
            ),
            Err(e) => message.set(Some((false, refusal(e)))),
        }
    };
    let _ = id;
    view! {
        <section class="panel rca-status-panel" aria-labelledby="rca-status-heading">
            <h2 id="rca-status-heading">"Status"</h2>
            <p>{move || stored.with(|r| r.as_ref().map(|r| format!("Now: {}", r.status.label())).unwrap_or_default())}</p>
            <Show when=move || dirty.get()>
                <p class="form-warning">"Save or discard your changes first: status moves apply to the saved worksheet."</p>
            </Show>
            <div class="actions">
                {move || stored.with(|r| r.as_ref().map(|r| r.status.next().to_vec()).unwrap_or_default()).into_iter().map(|to| {
                    let label = match to {
                        RcaStatus::InReview => "Send for review",
                        RcaStatus::Validated => "Mark validated",
                        RcaStatus::Published => "Publish",
                        RcaStatus::Rejected => "Reject",
                        RcaStatus::Draft => "Back to draft",
                    };
                    view! { <button type="button" class:primary=matches!(to, RcaStatus::InReview | RcaStatus::Published) prop:disabled=move || dirty.get() on:click=move |_| move_to(to)>{label}</button> }
                }).collect_view()}
            </div>
            <div role="alert"><ul class=move || match message.get() { Some((false, _)) => "form-error", _ => "form-ok" }>
                {move || message.get().map(|(ok, lines)| {
                    let head = (!ok).then(|| view! { <li><strong>"Refused:"</strong></li> });
                    view! { {head} {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()} }
                })}
            </ul></div>
            <details>
                <summary>"Status history"</summary>
                <ul>
                    {move || stored.with(|r| r.as_ref().map(|r| r.status_log.clone()).unwrap_or_default()).into_iter().rev().map(|s| view! {
                        <li>{format!("{} → {} by {}, {}", s.from.label(), s.to.label(), s.actor, format_time(s.at, &state.zone()))}</li>
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}

#[component]
fn SignOffPanel(id: Uuid, stored: Memo<Option<Rca>>, dirty: Memo<bool>) -> impl IntoView {
    let state = app_state();
    let team = RwSignal::new(String::new());
    let validator = RwSignal::new(String::new());
    let decision = RwSignal::new("Agree".to_string());
    let comments = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, Vec<String>)>);
    let draft_status = RwSignal::new(None::<String>);
    let (redraft, signoff_saver) = crate::ui::components::drafts::form_draft(
        format!("signoff:{id}"),
        vec![
            ("team", team),
            ("validator", validator),
            ("decision", decision),
            ("comments", comments),
        ],
        draft_status,
        || {},
    );
    let signoff_saver = StoredValue::new(signoff_saver);
    let sign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = stored.get_untracked() else {
            return;
        };
        if dirty.get_untracked() {
            message.set(Some((
                false,
                vec!["Save your changes first: a sign-off covers the saved worksheet.".into()],
            )));
            return;
        }
        let chosen = Decision::ALL
            .into_iter()
            .find(|d| format!("{d:?}") == decision.get_untracked())
            .unwrap_or(Decision::Agree);
        let team_name = match team.get_untracked() {
            t if t.is_empty() => current
                .content
                .partner_teams
                .first()
                .cloned()
                .unwrap_or_default(),
            t => t,
        };
        match current.sign(
            &team_name,
            &validator.get_untracked(),
            chosen,
            &comments.get_untracked(),
            &state.actor(),
            browser::now(),
        ) {
            Ok(next) => {
                let became_valid =
                    next.status == RcaStatus::Validated && current.status != RcaStatus::Validated;
                signoff_saver.with_value(DraftSaver::cancel);
                persist(
                    state,
                    current.revision,
                    next,
                    Some(format!("signoff:{id}")),
                    message,
                    if became_valid {
                        "Sign-off recorded. Every partner team has agreed: the worksheet is validated."
                    } else {
                        "Sign-off recorded."
                    },
                    // Cleared only once stored: a refused save keeps what was typed.
                    move || {
                        let _ = validator.try_set(String::new());
                        let _ = comments.try_set(String::new());
                    },
                );
            }
            Err(e) => message.set(Some((false, refusal(e)))),
        }
    };
    // Computed once per stored revision: it hashes the content.
    let rows = Memo::new(move |_| {
        stored.with(|r| {
            let Some(r) = r else { return Vec::new() };
            r.signoff_states()
                .into_iter()
                .map(|(t, signoff)| {
                    let comment = match &signoff {
                        SignOffState::Current(s) | SignOffState::Stale(s) => s.comments.clone(),
                        SignOffState::Missing => String::new(),
                    };
                    let (state_text, class, detail) = match signoff {
                        SignOffState::Missing => {
                            ("Not signed".to_string(), "signoff-missing", String::new())
                        }
                        SignOffState::Current(s) => (
                            s.decision.label().to_string(),
                            if s.decision == Decision::Disagree {
                                "signoff-disagree"
                            } else {
                                "signoff-current"
                            },
                            format!(
                                "{} · {} · signed {}…",
                                s.validator,
                                format_time(s.at, &state.zone()),
                                crate::domain::rca::short_hash(&s.content_hash)
                            ),
                        ),
                        SignOffState::Stale(s) => (
                            format!("Stale — {}", s.decision.label()),
                            "signoff-stale",
                            format!(
                                "{} · {} · signed {}…, the worksheet has changed since",
                                s.validator,
                                format_time(s.at, &state.zone()),
                                crate::domain::rca::short_hash(&s.content_hash)
                            ),
                        ),
                    };
                    (t.to_string(), state_text, class, detail, comment)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel" aria-labelledby="signoff-heading">
            <h2 id="signoff-heading">"Partner validation"</h2>
            <p class="hint">"Each sign-off is bound to the SHA-256 hash of the worksheet it saw; any later edit makes it stale."</p>
            <Show when=move || !rows.with(Vec::is_empty) fallback=|| view! { <p class="empty-state">"Name the partner teams in the header, save, and send it for review."</p> }>
                <table class="case-table signoffs">
                    <thead><tr><th scope="col">"Team"</th><th scope="col">"Sign-off"</th><th scope="col">"Who, when, what"</th><th scope="col">"Comments"</th></tr></thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|(t, text, class, detail, comment)| view! {
                            <tr class=class><th scope="row">{t}</th><td><span class=format!("badge {class}")>{text}</span></td><td>{detail}</td><td>{comment}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <form class="signoff-form" on:submit=sign>
                <h3>"Record a sign-off"</h3>
                <p class="form-warning" role="status">{move || draft_status.get()}</p>
                <div class="inline-fields">
                    <div class="field"><label for="signoff-team">"Team"</label>
                        <select id="signoff-team" prop:value=move || team.get() on:change={ let redraft = redraft.clone(); move |ev| { team.set(event_target_value(&ev)); redraft(); } }>
                            {move || stored.with(|r| r.as_ref().map(|r| r.content.partner_teams.clone()).unwrap_or_default()).into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                        </select></div>
                    <div class="field"><label for="signoff-validator">"Validator"</label>
                        <input id="signoff-validator" type="text" prop:value=move || validator.get() on:input={ let redraft = redraft.clone(); move |ev| { validator.set(event_target_value(&ev)); redraft(); } }/></div>
                    <div class="field"><label for="signoff-decision">"Decision"</label>
                        <select id="signoff-decision" prop:value=move || decision.get() on:change={ let redraft = redraft.clone(); move |ev| { decision.set(event_target_value(&ev)); redraft(); } }>
                            {Decision::ALL.into_iter().map(|d| view! { <option value=format!("{d:?}")>{d.label()}</option> }).collect_view()}
                        </select></div>
                </div>
                <div class="field"><label for="signoff-comments">"Comments"</label>
                    <textarea id="signoff-comments" rows="2" prop:value=move || comments.get() on:input=move |ev| { comments.set(event_target_value(&ev)); redraft(); }></textarea></div>
                <div role="alert"><ul class=move || match message.get() { Some((false, _)) => "form-error", _ => "form-ok" }>
                    {move || message.get().map(|(_, lines)| lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view())}
                </ul></div>
                <div class="actions"><button type="submit" prop:disabled=move || dirty.get()>"Record sign-off"</button></div>
            </form>
        </section>
    }
}

#[component]
fn ExportPanel(stored: Memo<Option<Rca>>) -> impl IntoView {
    let state = app_state();
    let message = RwSignal::new(None::<String>);
    let markdown = move || {
        stored
            .get_untracked()
            .map(|r| (r.key, export_markdown(state, &r)))
    };
    let copy = move |_| {
        let Some((_, text)) = markdown() else { return };
        leptos::task::spawn_local(async move {
            let result = browser::copy_text(&text).await;
            let _ = message.try_set(Some(match result {
                Ok(()) => "Markdown copied.".into(),
                Err(e) => e,
            }));
        });
    };
    let download = move |_| {
        let Some((key, text)) = markdown() else {
            return;
        };
        let name = format!("{key}.md");
        message.set(Some(
            match browser::download(&name, &text, "text/markdown") {
                Ok(()) => format!("Downloaded {name}."),
                Err(e) => e,
            },
        ));
    };
    view! {
        <section class="panel">
            <h2>"Export"</h2>
            <p class="hint">"The saved worksheet, for a document or a ticket. Unsaved changes are not included."</p>
            <div class="actions">
                <button type="button" on:click=copy>"Copy as Markdown"</button>
                <button type="button" on:click=download>"Download Markdown"</button>
                <A href=move || stored.with(|r| r.as_ref().map(|r| format!("/rcas/{}/print", r.key)).unwrap_or_default())>"Print layout"</A>
            </div>
            <p role="status">{move || message.get()}</p>
        </section>
    }
}
