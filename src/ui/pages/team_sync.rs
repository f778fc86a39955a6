//! Settings → Team sync: turning sync on with a CouchDB sign-in, what it is doing, what it refused, and turning it off.

use leptos::prelude::*;

use crate::app::state::app_state;
use crate::app::sync::{self, SyncStatus, SyncView};

#[component]
pub fn TeamSyncPanel() -> impl IntoView {
    let state = app_state();
    let view_of_sync = expect_context::<SyncView>();
    let saved = state.prefs.get_untracked().sync;
    let server = RwSignal::new(if saved.server.is_empty() {
        "/couch/".to_string()
    } else {
        saved.server.clone()
    });
    let database = RwSignal::new(saved.database.clone());
    let name = RwSignal::new(saved.user.clone());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on = move || state.prefs.with(|p| p.sync.on);
    let expired = move || on() && view_of_sync.status.get() == SyncStatus::SignInExpired;
    // The form is shown while sync is off, and again when the sign-in expired (settings kept).
    let running = move || on() && !expired();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (s, d, n, p) = (
            server.get_untracked(),
            database.get_untracked(),
            name.get_untracked(),
            password.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = sync::sign_in(state, view_of_sync, &s, &d, &n, &p).await;
            busy.set(false);
            match result {
                // The password is sent once and not kept, not even in this form.
                Ok(()) => password.set(String::new()),
                Err(why) => error.set(Some(format!("Sync was not turned on: {why}."))),
            }
        });
    };
    let turn_off = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(why) = sync::turn_off(state, view_of_sync).await {
                error.set(Some(why));
            }
        });
    };
    let status_words = move || {
        let now = state.clock.get();
        match view_of_sync.status.get() {
            SyncStatus::Off => "Off".to_string(),
            other => other.words(now),
        }
    };

    view! {
        <section class="panel settings team-sync" aria-labelledby="team-sync-heading">
            <h2 id="team-sync-heading">"Team sync"</h2>
            <p class="hint">
                "Off unless you turn it on. With it on, your cases and their logs are copied to your team's CouchDB database and your teammates' changes come back here. "
                "The server can read everything you sync (it is not end-to-end encrypted). Turning it off keeps everything on this device."
            </p>
            <Show when=running fallback=move || view! {
                <Show when=expired>
                    <p class="sync-state" role="status">"Your sign-in expired, so sync is paused; changes made here wait on this device. Sign in again to resume from where it stopped."</p>
                </Show>
                <form on:submit=submit class="sync-sign-in">
                    <div class="field">
                        <label for="sync-server">"Server"</label>
                        <input id="sync-server" type="text" prop:value=move || server.get()
                            on:input=move |ev| server.set(event_target_value(&ev))/>
                        <p class="hint">"A path on this site, such as /couch/, where CouchDB is served."</p>
                    </div>
                    <div class="field">
                        <label for="sync-database">"Team database"</label>
                        <input id="sync-database" type="text" required=true prop:value=move || database.get()
                            on:input=move |ev| database.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="sync-name">"User name"</label>
                        <input id="sync-name" type="text" autocomplete="username" required=true prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="sync-password">"Password"</label>
                        <input id="sync-password" type="password" autocomplete="current-password" required=true prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))/>
                        <p class="hint">"Sent once to the server to sign in; never stored by the app."</p>
                    </div>
                    <div class="actions">
                        <button type="submit" class="primary" prop:disabled=move || busy.get()>
                            {move || if busy.get() { "Signing in…" } else if expired() { "Sign in again" } else { "Sign in and turn on sync" }}
                        </button>
                        <Show when=expired>
                            <button type="button" on:click=turn_off>"Turn off sync"</button>
                        </Show>
                    </div>
                </form>
            }>
                <p class="sync-target">{move || state.prefs.with(|p| format!(
                    "Signed in as {} to \"{}\" at {}.", p.sync.user, p.sync.database, p.sync.server
                ))}</p>
                <p class="sync-state" role="status">{status_words}</p>
                <Show when=move || { view_of_sync.settled.get() > 0 }>
                    <p class="hint">{move || format!(
                        "{} field(s) were changed here and by a teammate before either synced: the version that reached the server first was kept for now, both changes are in each case's log, and the other value waits under Conflicts to review.",
                        view_of_sync.settled.get()
                    )}</p>
                </Show>
                <div class="actions">
                    <button type="button" on:click=turn_off>"Turn off sync"</button>
                </div>
            </Show>
            <super::sync_reviews::SyncReviews/>
            <super::sync_set_aside::SetAsideCopies/>
            <Show when=move || !view_of_sync.renumbered.with(Vec::is_empty)>
                <div class="sync-renumbered" role="status">
                    <p>"Renumbered so every case keeps one number across the team:"</p>
                    <ul>
                        {move || view_of_sync.renumbered.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                </div>
            </Show>
            <Show when=move || !view_of_sync.refused.with(Vec::is_empty)>
                <div class="sync-refused" role="alert">
                    <p>"Refused, sent from the server or to it (nothing on this device changed for them):"</p>
                    <ul>
                        {move || view_of_sync.refused.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                </div>
            </Show>
            <Show when=move || error.get().is_some()>
                <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </section>
    }
}
