//! Settings → Service levels: edit policies, calendars and holidays (with .ics import), then save validated.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::drafts::DraftKey;
use crate::app::state::app_state;
use crate::browser;
use crate::domain::attachment::size_label;
use crate::domain::case::{Channel, Tier};
use crate::domain::priority::Priority;
use crate::domain::sla::{
    AtRiskRule, CalendarSpec, Holiday, PolicyMatch, SlaPolicy, SlaSettings, SlaTarget, Targets,
    parse_ics,
};
use crate::ui::components::drafts::{draft_saver, restore_draft};
use crate::ui::components::form_status::{FormStatus, OutcomeLine};
use crate::ui::mounted::Mounted;

mod form;

/// The largest `.ics` file read for holidays: a national calendar for decades is well under it.
const MAX_ICS_BYTES: u64 = 5 * 1_048_576;

use form::*;

#[component]
pub fn SlaSettingsForm() -> impl IntoView {
    let state = app_state();
    let initial = state.sla_settings.get_untracked();
    // What the form started from: a save checks the stored settings still are these, so a
    // change saved meanwhile (another tab, or a teammate through team sync) is not reverted unseen.
    let started = StoredValue::new(initial.clone());
    let calendars = RwSignal::new(
        initial
            .calendars
            .iter()
            .map(calendar_form)
            .collect::<Vec<_>>(),
    );
    let policies = RwSignal::new(initial.policies.iter().map(policy_form).collect::<Vec<_>>());
    let margin = RwSignal::new(initial.at_risk.margin_minutes.to_string());
    let share = RwSignal::new(initial.at_risk.share_percent.to_string());
    let message = RwSignal::new(None::<(bool, String)>);

    // Unsaved edits are drafted as the form is used and put back on the next visit. A form that
    // matches the saved settings deletes the draft rather than storing a copy.
    let draft_status = RwSignal::new(None::<String>);
    let restores = RwSignal::new(0u32);
    let saver = StoredValue::new(draft_saver(DraftKey::SlaSettings, draft_status));
    let current = move || {
        calendars.with_untracked(|c| {
            policies
                .with_untracked(|p| to_draft(c, p, &margin.get_untracked(), &share.get_untracked()))
        })
    };
    let pristine = StoredValue::new(current());
    // Whether the page is still open when a save answers.
    let mounted = Mounted::new();
    let draft = move || {
        let now = current();
        let text = if now == pristine.get_value() {
            String::new()
        } else {
            serde_json::to_string(&now).unwrap_or_default()
        };
        saver.with_value(|s| s.save(text));
    };
    restore_draft(&saver.get_value(), move |text| {
        let Ok(saved) = serde_json::from_str::<FormDraft>(&text) else {
            return;
        };
        // `try_`: the settings page may have been left while the draft was read.
        // New keys make the rows rebuild on the restored signals, not keep the old ones.
        let _ = restores.try_update(|n| *n += 1);
        let _ = calendars.try_set(saved.calendars.iter().map(calendar_from_draft).collect());
        let _ = policies.try_set(saved.policies.iter().map(policy_from_draft).collect());
        let _ = margin.try_set(saved.margin);
        let _ = share.try_set(saved.share);
        let _ = draft_status.try_set(Some(
            "Unsaved service-level changes from your last visit were restored.".into(),
        ));
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let at_risk = match (
            margin.get_untracked().trim().parse::<u32>(),
            share.get_untracked().trim().parse::<u8>(),
        ) {
            (Ok(m), Ok(s)) if s <= 100 => AtRiskRule {
                margin_minutes: m,
                share_percent: s,
            },
            _ => {
                message.set(Some((false, "At risk: the margin is whole minutes and the share a percentage from 0 to 100.".into())));
                return;
            }
        };
        let next =
            match calendars.with_untracked(|c| policies.with_untracked(|p| build(c, p, at_risk))) {
                Ok(next) => next,
                Err(why) => {
                    message.set(Some((false, format!("Not saved: {why}"))));
                    return;
                }
            };
        let before = state.sla_settings.get_untracked();
        let (next, summary) = before.record_change(next, &state.actor(), browser::now());
        let Some(summary) = summary else {
            message.set(Some((true, "Nothing changed.".into())));
            return;
        };
        // Before the save, not after it: the click that submitted also drafted, and a draft write
        // landing after the save's transaction (which deletes the draft) would bring it back.
        saver.with_value(|s| s.cancel());
        let held = saver.with_value(|s| s.held());
        leptos::task::spawn_local(async move {
            // Counted before saving: the message says how many open clocks the change touched.
            let open = state
                .cases
                .with_untracked(|all| all.iter().filter(|c| c.status.is_open()).count());
            let expected = Some(started.get_value());
            match crate::app::library::save_sla_settings(state, expected, next.clone(), &held).await
            {
                Ok(()) => {
                    started.set_value(next);
                    if mounted.is_mounted() {
                        pristine.set_value(current());
                    }
                    draft_status.set(None);
                    message.set(Some((true, format!("Saved: {summary}. Clocks of {open} open cases recomputed; resolved cases keep their recorded results."))));
                }
                Err(e) => {
                    let why = match e {
                        crate::app::AppError::Storage(
                            crate::app::StorageError::ChangedElsewhere(_),
                        ) => "another tab or a teammate (through team sync) saved the SLA settings while you were editing. Reload to see what they saved: your changes come back as a draft, to save over it if you choose".to_string(),
                        other => other.to_string(),
                    };
                    message.set(Some((false, format!("Not saved: {why}"))));
                    // Not saved: what is on screen is drafted again, so a reload keeps it.
                    if mounted.is_mounted() {
                        draft();
                    }
                }
            }
        });
    };
    let add_calendar = move |_| {
        let id = format!("cal-{}", browser::new_id().simple());
        let mut spec = SlaSettings::default().calendars.remove(0);
        spec.id = id;
        spec.name = "New calendar".into();
        calendars.update(|c| c.push(calendar_form(&spec)));
    };
    let add_policy = move |_| {
        let first_calendar = calendars
            .with_untracked(|c| c.first().map(|c| c.id.clone()))
            .unwrap_or_default();
        let policy = SlaPolicy {
            id: format!("pol-{}", browser::new_id().simple()),
            name: "New policy".into(),
            matches: PolicyMatch::default(),
            targets: SlaSettings::default()
                .policies
                .last()
                .map(|p| p.targets)
                .unwrap_or_default(),
            calendar: first_calendar,
        };
        policies.update(|p| p.push(policy_form(&policy)));
    };
    let calendar_names = move || {
        calendars
            .get()
            .into_iter()
            .map(|c| (c.id.clone(), c.name))
            .collect::<Vec<_>>()
    };

    view! {
        <section class="panel settings sla-settings" aria-labelledby="sla-settings-heading">
            <h2 id="sla-settings-heading">"Service levels"</h2>
            <p class="hint">"Targets are in working minutes of the policy's calendar. The first policy that matches a case wins; leave a criterion blank to match anything."</p>
            <form on:submit=save novalidate=true on:input=move |_| draft() on:change=move |_| draft() on:click=move |_| draft()>
                <h3>"Policies, in order"</h3>
                <For each=move || policies.get() key=move |p| (p.id.clone(), restores.get_untracked()) let:policy>
                    {
                        let id = policy.id.clone();
                        let up_id = id.clone();
                        let remove_id = id.clone();
                        view! {
                            <fieldset class="policy">
                                <legend>{move || policy.name.get()}</legend>
                                <div class="field"><label for=format!("pn-{id}")>"Name"</label>
                                    <input id=format!("pn-{id}") prop:value=move || policy.name.get() on:input=move |ev| policy.name.set(event_target_value(&ev))/></div>
                                <div class="field"><label for=format!("pc-{id}")>"Calendar"</label>
                                    <select id=format!("pc-{id}") prop:value=move || policy.calendar.get() on:change=move |ev| policy.calendar.set(event_target_value(&ev))>
                                        {move || calendar_names().into_iter().map(|(id, name)| view! { <option value=id>{move || name.get()}</option> }).collect_view()}
                                    </select></div>
                                <div class="target-grid">
                                    {SlaTarget::ALL.into_iter().zip(policy.targets).map(|(t, field)| {
                                        let input_id = format!("pt-{}-{}", t.code(), policy.id);
                                        view! { <div class="field"><label for=input_id.clone()>{format!("{} (min)", t.label())}</label>
                                            <input id=input_id type="number" min="1" inputmode="numeric" placeholder="off" prop:value=move || field.get() on:input=move |ev| field.set(event_target_value(&ev))/></div> }
                                    }).collect_view()}
                                </div>
                                <div class="target-grid">
                                    <div class="field"><label for=format!("pp-{id}")>"Priorities"</label>
                                        <input id=format!("pp-{id}") placeholder="any, e.g. P1, P2" prop:value=move || policy.priorities.get() on:input=move |ev| policy.priorities.set(event_target_value(&ev))/></div>
                                    <div class="field"><label for=format!("pti-{id}")>"Tiers"</label>
                                        <input id=format!("pti-{id}") placeholder="any, e.g. Enterprise" prop:value=move || policy.tiers.get() on:input=move |ev| policy.tiers.set(event_target_value(&ev))/></div>
                                    <div class="field"><label for=format!("pa-{id}")>"Product areas"</label>
                                        <input id=format!("pa-{id}") placeholder="any" prop:value=move || policy.areas.get() on:input=move |ev| policy.areas.set(event_target_value(&ev))/></div>
                                    <div class="field"><label for=format!("pch-{id}")>"Channels"</label>
                                        <input id=format!("pch-{id}") placeholder="any, e.g. Email, Phone" prop:value=move || policy.channels.get() on:input=move |ev| policy.channels.set(event_target_value(&ev))/></div>
                                </div>
                                <div class="actions">
                                    <button type="button" on:click=move |_| policies.update(|all| {
                                        if let Some(i) = all.iter().position(|p| p.id == up_id) && i > 0 { all.swap(i, i - 1); }
                                    })>"Move up"</button>
                                    <button type="button" class="danger" on:click=move |_| policies.update(|all| all.retain(|p| p.id != remove_id))>"Remove policy"</button>
                                </div>
                            </fieldset>
                        }
                    }
                </For>
                <button type="button" on:click=add_policy>"Add policy"</button>

                <h3>"Calendars"</h3>
                <For each=move || calendars.get() key=move |c| (c.id.clone(), restores.get_untracked()) let:calendar>
                    {
                        let id = calendar.id.clone();
                        let remove_id = id.clone();
                        let holidays = calendar.holidays;
                        let import_message = calendar.import_message;
                        let on_file = move |ev: leptos::ev::Event| {
                            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
                            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
                            let name = file.name();
                            input.set_value("");
                            // A holiday calendar is a few KB; reading a huge file whole could
                            // exhaust the page's memory, so it is refused by its size, unread.
                            if file.size() > MAX_ICS_BYTES as f64 {
                                import_message.set(Some((false, format!("{name} is {}, larger than any holiday calendar ({} at most); nothing imported.", size_label(file.size() as u64), size_label(MAX_ICS_BYTES)))));
                                return;
                            }
                            leptos::task::spawn_local(async move {
                                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
                                let Some(text) = text else {
                                    import_message.set(Some((false, format!("{name}: the file could not be read as text; nothing imported."))));
                                    return;
                                };
                                match parse_ics(&text) {
                                    Err(e) => import_message.set(Some((false, format!("{name}, {e}. Nothing imported.")))),
                                    Ok(found) => {
                                        // The settings page may have been left while the file was read.
                                        let Some(listed) = holidays.try_get_untracked() else { return };
                                        let mut all = parse_holidays("", &listed).unwrap_or_default();
                                        let before = all.len();
                                        all.extend(found);
                                        all.sort();
                                        all.dedup_by(|a, b| a.date == b.date);
                                        let added = all.len().saturating_sub(before);
                                        holidays.set(format_holidays(&all));
                                        draft();
                                        let noun = if added == 1 { "holiday" } else { "holidays" };
                                        import_message.set(Some((true, format!("{name}: {added} {noun} added. Save to apply them."))));
                                    }
                                }
                            });
                        };
                        view! {
                            <fieldset class="calendar">
                                <legend>{move || calendar.name.get()}</legend>
                                <div class="target-grid">
                                    <div class="field"><label for=format!("cn-{id}")>"Name"</label>
                                        <input id=format!("cn-{id}") prop:value=move || calendar.name.get() on:input=move |ev| calendar.name.set(event_target_value(&ev))/></div>
                                    <div class="field"><label for=format!("cz-{id}")>"Calendar time zone"</label>
                                        <input id=format!("cz-{id}") list="zones" prop:value=move || calendar.zone.get() on:input=move |ev| calendar.zone.set(event_target_value(&ev))/></div>
                                </div>
                                <label class="checkbox"><input type="checkbox" prop:checked=move || calendar.always.get() on:change=move |ev| calendar.always.set(event_target_checked(&ev))/>"24×7: every minute counts (hours and holidays ignored)"</label>
                                <div class="day-grid">
                                    {DAY_NAMES.into_iter().zip(calendar.days).enumerate().map(|(d, (day, field))| {
                                        let input_id = format!("cd-{d}-{}", calendar.id);
                                        view! { <div class="field"><label for=input_id.clone()>{day}</label>
                                            <input id=input_id placeholder="closed" prop:value=move || field.get() on:input=move |ev| field.set(event_target_value(&ev))/></div> }
                                    }).collect_view()}
                                </div>
                                <p class="hint">"Hours like 09:00-12:00, 13:00-18:00. An interval may run past midnight, e.g. 22:00-06:00; a whole day is 00:00-24:00 (or \"all day\")."</p>
                                <div class="field"><label for=format!("ch-{id}")>"Holidays (one per line: date and name)"</label>
                                    <textarea id=format!("ch-{id}") rows="6" prop:value=move || holidays.get() on:input=move |ev| holidays.set(event_target_value(&ev))></textarea></div>
                                <div class="field"><label for=format!("ci-{id}")>"Import holidays from an .ics file"</label>
                                    <input id=format!("ci-{id}") type="file" accept=".ics,text/calendar" on:change=on_file/></div>
                                <OutcomeLine outcome=import_message/>
                                <button type="button" class="danger" on:click=move |_| calendars.update(|all| all.retain(|c| c.id != remove_id))>"Remove calendar"</button>
                            </fieldset>
                        }
                    }
                </For>
                <datalist id="zones">{chrono_tz::TZ_VARIANTS.iter().map(|z| view! { <option value=z.name()/> }).collect_view()}</datalist>
                <button type="button" on:click=add_calendar>"Add calendar"</button>

                <h3>"At risk"</h3>
                <div class="target-grid">
                    <div class="field"><label for="risk-margin">"When this many working minutes are left (0 = off)"</label>
                        <input id="risk-margin" type="number" min="0" prop:value=move || margin.get() on:input=move |ev| margin.set(event_target_value(&ev))/></div>
                    <div class="field"><label for="risk-share">"Or once this % of the target is used (0 = off)"</label>
                        <input id="risk-share" type="number" min="0" max="100" prop:value=move || share.get() on:input=move |ev| share.set(event_target_value(&ev))/></div>
                </div>
                <OutcomeLine outcome=message alert=true/>
                <FormStatus draft=draft_status aside=saver.with_value(|s| s.set_aside_shown())/>
                <div class="actions"><button type="submit" class="primary">"Save service levels"</button></div>
            </form>
            <h3>"Change log"</h3>
            <ul class="change-log">
                {move || {
                    let log = state.sla_settings.with(|s| s.log.clone());
                    if log.is_empty() {
                        return view! { <li class="muted">"No changes yet: these are the starter policies."</li> }.into_any();
                    }
                    log.into_iter().rev().take(20).map(|c| view! {
                        <li><time>{browser::format_time(c.at, &state.zone())}</time>" · "{c.actor}": "{c.summary}</li>
                    }).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}
