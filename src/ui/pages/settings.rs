//! Preferences for this browser: the name written on events and the zone times are shown in.

use leptos::prelude::*;

use crate::ui::browser;
use crate::ui::state::app_state;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = app_state();
    let initial = state.prefs.get_untracked();
    let name = RwSignal::new(initial.display_name.clone());
    let zone = RwSignal::new(initial.time_zone.clone());
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
                <p role="status" class=move || match message.get() { Some((false, _)) => "form-error", _ => "form-ok" }>
                    {move || message.get().map(|(_, m)| m)}
                </p>
                <div class="actions"><button type="submit" class="primary">"Save settings"</button></div>
            </form>
        </section>
    }
}
