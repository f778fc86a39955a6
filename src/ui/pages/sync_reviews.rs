//! Settings → Team sync → Conflicts to review: each field both sides changed, the value kept and the one set aside, with Keep and Take; resolved ones stay listed with who resolved them.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::state::app_state;
use crate::app::sync::SyncView;
use crate::app::sync::reviews::{self, ReviewRow};
use crate::domain::merge::team::Took;

/// Resolved reviews listed below the open ones, at most.
const RESOLVED_SHOWN: usize = 20;

#[component]
pub fn SyncReviews() -> impl IntoView {
    let state = app_state();
    let view_of_sync = expect_context::<SyncView>();
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // What is stored may be newer than this tab's list (another tab syncs): read it on opening.
    leptos::task::spawn_local(async move {
        let target = state
            .prefs
            .with_untracked(|p| format!("{}{}", p.sync.server, p.sync.database));
        reviews::show(view_of_sync, &target).await;
    });
    let settle = move |id: String, took: Took| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            let result = reviews::resolve(state, view_of_sync, &id, took).await;
            busy.set(false);
            match result {
                Ok(words) => done.set(Some(format!(
                    "{words}. Your teammates see it resolved once this syncs."
                ))),
                Err(why) => error.set(Some(format!("The review was not resolved: {why}."))),
            }
        });
    };
    let open = move || {
        view_of_sync.reviews.with(|r| {
            r.iter()
                .filter(|r| r.conflict.is_open())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let resolved = move || {
        view_of_sync.reviews.with(|r| {
            r.iter()
                .filter(|r| !r.conflict.is_open())
                .take(RESOLVED_SHOWN)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let case_link = move |row: &ReviewRow| {
        // The case may have moved to a new number since (team numbering): link to it as it is now.
        let key = state
            .case(row.conflict.case_id)
            .map(|c| c.key.to_string())
            .unwrap_or_else(|| row.conflict.case_key.clone());
        (format!("/cases/{key}"), key)
    };
    view! {
        <Show when=move || !view_of_sync.reviews.with(Vec::is_empty)>
            <div class="sync-reviews" role="region" aria-labelledby="sync-reviews-heading">
                <h3 id="sync-reviews-heading">{move || format!("Conflicts to review ({})", open().len())}</h3>
                <p class="hint">"A field changed here and by a teammate before either synced. The value that reached the team first is in the case now; keep it, or take the one set aside. Whoever answers first answers for the team."</p>
                <ul class="review-list">
                    {move || open().into_iter().map(|row| {
                        let (href, key) = case_link(&row);
                        let (keep_id, take_id) = (row.id.clone(), row.id.clone());
                        let c = row.conflict.clone();
                        view! {
                            <li class="review open">
                                <p><A href=href>{key}</A>{format!(" · {}: \"{}\" kept; {}'s \"{}\" set aside", c.field.label(), c.kept, c.raised_by, c.set_aside)}
                                    {row.waiting.then(|| view! { <span class="hint">" (not yet synced)"</span> })}</p>
                                <div class="actions">
                                    <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(keep_id.clone(), Took::Kept)>{format!("Keep \"{}\"", c.kept)}</button>
                                    <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(take_id.clone(), Took::SetAside)>{format!("Take \"{}\"", c.set_aside)}</button>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <Show when=move || open().is_empty()>
                    <p class="hint">"Nothing waits for review."</p>
                </Show>
                <Show when=move || !resolved().is_empty()>
                    <h4>"Resolved"</h4>
                    <ul class="review-list resolved">
                        {move || resolved().into_iter().map(|row| view! {
                            <li class="review">{row.conflict.describe()}{row.waiting.then_some(" (not yet synced)")}</li>
                        }).collect_view()}
                    </ul>
                </Show>
                <Show when=move || done.get().is_some()>
                    <p class="form-ok" role="status">{move || done.get().unwrap_or_default()}</p>
                </Show>
                <Show when=move || error.get().is_some()>
                    <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
            </div>
        </Show>
    }
}
