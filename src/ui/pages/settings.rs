//! Preferences for this browser: the name written on events and the zone times are shown in.

use leptos::prelude::*;

use crate::app::state::{Boot, app_state};
use crate::app::{AppError, StorageError};
use crate::browser;
use crate::domain::priority::{Impact, Priority, Urgency};
use crate::domain::sample::FIRST_RUN_SEED;
use crate::domain::settings::TeamSettings;
use crate::domain::triage::{ScopingField, ScopingRequirements};
use crate::ui::components::changed_elsewhere::ChangedElsewhere;
use crate::ui::components::form_status::OutcomeLine;
use crate::ui::components::undo_toast::{UndoToast, Undoable};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = app_state();
    let initial = state.prefs.get_untracked();
    let name = RwSignal::new(initial.display_name.clone());
    let zone = RwSignal::new(initial.time_zone.clone());
    let letters = RwSignal::new(!initial.single_key_shortcuts_off);
    let message = RwSignal::new(None::<(bool, String)>);
    let zones = browser::supported_time_zones();
    let browser_zone = browser::browser_time_zone();

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = zone.get_untracked().trim().to_string();
        // Empty means "follow the browser", which needs no check.
        if let Err(why) = if chosen.is_empty() {
            Ok(())
        } else {
            browser::check_time_zone(&chosen)
        } {
            message.set(Some((
                false,
                format!("Time zone: {why}. Pick one from the list, e.g. Asia/Singapore."),
            )));
            return;
        }
        let mut prefs = state.prefs.get_untracked();
        prefs.display_name = name.get_untracked().trim().to_string();
        prefs.time_zone = chosen;
        prefs.single_key_shortcuts_off = !letters.get_untracked();
        match prefs.save() {
            Ok(()) => {
                state.prefs.set(prefs);
                message.set(Some((true, "Saved.".into())));
            }
            Err(e) => message.set(Some((false, e))),
        }
    };

    view! {
        <section class="panel settings">
            <h1>"Settings"</h1>
            <form on:submit=save>
                <div class="field">
                    <label for="display-name">"Display name"</label>
                    <input id="display-name" type="text" autocomplete="name" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <p class="hint">"Written on every change you make, so teammates know who did it."</p>
                </div>
                <div class="field">
                    <label for="time-zone">"Time zone"</label>
                    <input id="time-zone" type="text" list="time-zones" autocomplete="off"
                        placeholder=format!("Browser default ({browser_zone})")
                        prop:value=move || zone.get() on:input=move |ev| zone.set(event_target_value(&ev))/>
                    <datalist id="time-zones">
                        {zones.into_iter().map(|z| view! { <option value=z.clone()></option> }).collect_view()}
                    </datalist>
                    <p class="hint">"Times in timelines are shown in this zone. Leave empty to follow the browser."</p>
                </div>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || letters.get() on:change=move |ev| letters.set(event_target_checked(&ev))/>
                    " Single-letter shortcuts (j, k, x, c, l, /, ?)"
                </label>
                <p class="hint">"Ctrl/⌘+K, arrows and Enter always work."</p>
                <OutcomeLine outcome=message/>
                <div class="actions"><button type="submit" class="primary">"Save settings"</button></div>
            </form>
        </section>
        // Team settings come from IndexedDB; a form built before they load would show (and save) defaults.
        <Show when=move || state.boot.get() == Boot::Ready fallback=|| view! { <p class="loading" role="status">"Loading team settings…"</p> }>
            <TeamSettingsForm/>
            <super::sla_settings::SlaSettingsForm/>
            <super::partners::PartnerDirectoryForm/>
            <super::team_sync::TeamSyncPanel/>
            <ScaleSample/>
        </Show>
    }
}

/// What the team settings form holds, as typed (the lists unparsed).
#[derive(Clone, PartialEq)]
struct TeamForm {
    matrix: crate::domain::priority::PriorityMatrix,
    areas: String,
    categories: String,
    required: std::collections::BTreeSet<ScopingField>,
}

impl TeamForm {
    fn of(settings: &TeamSettings) -> TeamForm {
        TeamForm {
            matrix: settings.matrix.clone(),
            areas: settings.product_areas.join("\n"),
            categories: settings.root_cause_categories.join("\n"),
            required: settings.scoping.required.clone(),
        }
    }
}

/// Team-wide settings, stored in IndexedDB so they travel with backups (and through team sync).
#[component]
pub fn TeamSettingsForm() -> impl IntoView {
    let state = app_state();
    let initial = state.settings.get_untracked();
    let matrix = RwSignal::new(initial.matrix.clone());
    let areas = RwSignal::new(initial.product_areas.join("\n"));
    let categories = RwSignal::new(initial.root_cause_categories.join("\n"));
    let required = RwSignal::new(initial.scoping.required.clone());
    let message = RwSignal::new(None::<(bool, String)>);
    // What the form started from: a save checks the stored settings still are these, so one
    // saved meanwhile (another tab, or a teammate through team sync) is never written over unseen.
    let base = RwSignal::new(initial);
    let clash = RwSignal::new(false);
    let undo = RwSignal::new(None::<Undoable<TeamForm>>);
    let form = move || TeamForm {
        matrix: matrix.get_untracked(),
        areas: areas.get_untracked(),
        categories: categories.get_untracked(),
        required: required.get_untracked(),
    };
    let fill = move |values: TeamForm| {
        matrix.set(values.matrix);
        areas.set(values.areas);
        categories.set(values.categories);
        required.set(values.required);
    };
    // Settings saved elsewhere show here at once while the form holds no change of its own.
    Effect::new(move |_| {
        let now = state.settings.get();
        let untouched = base.with_untracked(|b| form() == TeamForm::of(b));
        if untouched && base.with_untracked(|b| *b != now) {
            fill(TeamForm::of(&now));
            base.set(now);
        }
    });

    let persist = move |expected: Option<TeamSettings>| {
        let product_areas = match TeamSettings::parse_product_areas(&areas.get_untracked()) {
            Ok(list) => list,
            Err(why) => {
                message.set(Some((false, format!("Product areas: {why}."))));
                return;
            }
        };
        let root_cause_categories =
            match TeamSettings::parse_root_cause_categories(&categories.get_untracked()) {
                Ok(list) => list,
                Err(why) => {
                    message.set(Some((false, format!("Root-cause categories: {why}."))));
                    return;
                }
            };
        let settings = TeamSettings {
            matrix: matrix.get_untracked(),
            product_areas,
            root_cause_categories,
            scoping: ScopingRequirements {
                required: required.get_untracked(),
            },
        };
        clash.set(false);
        leptos::task::spawn_local(async move {
            match crate::app::library::save_settings(state, expected, settings.clone()).await {
                Ok(()) => {
                    base.set(settings);
                    message.set(Some((true, "Team settings saved.".into())));
                }
                Err(AppError::Storage(StorageError::ChangedElsewhere(_))) => {
                    message.set(None);
                    clash.set(true);
                }
                Err(e) => message.set(Some((false, format!("Not saved: {e}")))),
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        persist(Some(base.get_untracked()));
    };
    let keep_mine = move |()| persist(None);
    let take_theirs = move |()| {
        let theirs = state.settings.get_untracked();
        undo.set(Some(Undoable::new(
            "Took the team settings saved elsewhere.",
            form(),
        )));
        fill(TeamForm::of(&theirs));
        base.set(theirs);
    };
    let put_mine_back = move |mine: TeamForm| {
        undo.set(None);
        fill(mine);
    };

    view! {
        <section class="panel settings">
            <h2>"Team settings"</h2>
            <form on:submit=save>
                <fieldset>
                    <legend>"Priority matrix (impact × urgency)"</legend>
                    <p class="hint">"A changed matrix applies when a case's impact or urgency is next set; cases in flight keep their priority."</p>
                    <table class="matrix">
                        <thead><tr><th scope="col">"Impact \\ Urgency"</th>
                            {Urgency::ALL.into_iter().map(|u| view! { <th scope="col">{u.label()}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {Impact::ALL.into_iter().map(|impact| view! {
                                <tr>
                                    <th scope="row">{impact.label()}</th>
                                    {Urgency::ALL.into_iter().map(|urgency| {
                                        let id = format!("m-{impact:?}-{urgency:?}");
                                        view! {
                                            <td>
                                                <select id=id aria-label=format!("Priority for {} impact, {} urgency", impact.label(), urgency.label())
                                                    class:inverted=move || matrix.with(|m| m.inversions().contains(&(impact, urgency)))
                                                    prop:value=move || matrix.with(|m| m.priority(impact, urgency).code().to_string())
                                                    on:change=move |ev| if let Some(p) = Priority::parse(&event_target_value(&ev)) {
                                                        matrix.update(|m| *m = m.with_cell(impact, urgency, p));
                                                    }>
                                                    {Priority::ALL.into_iter().map(|p| view! { <option value=p.code()>{p.code()}</option> }).collect_view()}
                                                </select>
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="form-warning" role="status">{move || {
                        let inverted = matrix.with(|m| m.inversions());
                        (!inverted.is_empty()).then(|| format!(
                            "Check the marked cells: something less severe ranks higher than {}.",
                            inverted.iter().map(|(i, u)| format!("{} × {}", i.label(), u.label())).collect::<Vec<_>>().join(", ")
                        ))
                    }}</p>
                </fieldset>
                <div class="field">
                    <label for="product-areas">"Product areas (one per line)"</label>
                    <textarea id="product-areas" rows="8" prop:value=move || areas.get() on:input=move |ev| areas.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for="root-cause-categories">"Root-cause categories for RCA worksheets (one per line)"</label>
                    <textarea id="root-cause-categories" rows="9" prop:value=move || categories.get() on:input=move |ev| categories.set(event_target_value(&ev))></textarea>
                    <p class="hint">"Renaming one leaves worksheets already filed under the old name as they are."</p>
                </div>
                <fieldset>
                    <legend>"Required before a case counts as triaged"</legend>
                    {ScopingField::ALL.into_iter().map(|field| {
                        let id = format!("req-{field:?}");
                        view! {
                            <div class="check">
                                <input type="checkbox" id=id.clone() prop:checked=move || required.with(|r| r.contains(&field))
                                    on:change=move |_| required.update(|r| { if !r.remove(&field) { r.insert(field); } })/>
                                <label for=id>{field.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <OutcomeLine outcome=message/>
                <ChangedElsewhere what="the team settings" shown=clash keep_mine=keep_mine take_theirs=take_theirs/>
                <UndoToast undo=undo on_undo=put_mine_back/>
                <div class="actions"><button type="submit" class="primary">"Save team settings"</button></div>
            </form>
        </section>
    }
}

/// Loads a large deterministic sample so the team can feel the app at its real scale.
#[component]
pub fn ScaleSample() -> impl IntoView {
    let state = app_state();
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let load = move |size: usize| {
        busy.set(true);
        message.set(Some(format!("Writing {size} cases…")));
        leptos::task::spawn_local(async move {
            let started = js_sys::Date::now();
            let result =
                crate::app::cases::load_sample(state, FIRST_RUN_SEED + size as u64, size).await;
            busy.set(false);
            message.set(Some(match result {
                Ok(()) => format!(
                    "Added {size} sample cases in {:.1} s.",
                    (js_sys::Date::now() - started) / 1000.0
                ),
                Err(e) => format!("Not loaded: {e}"),
            }));
        });
    };
    view! {
        <section class="panel settings">
            <h2>"Try it at scale"</h2>
            <p class="hint">"Adds generated sample cases to this browser, to see how the queue feels with a busy team's history. They are ordinary cases: they stay until you clear the site's data."</p>
            <div class="actions">
                {[1_000usize, 10_000, 50_000].into_iter().map(|size| view! {
                    <button type="button" disabled=move || busy.get() on:click=move |_| load(size)>{format!("Add {size} sample cases")}</button>
                }).collect_view()}
            </div>
            <p role="status">{move || message.get()}</p>
        </section>
    }
}
