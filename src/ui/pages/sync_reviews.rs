//! Team sync's conflict review on screen: under Settings → Team sync every review (open ones with Keep and Take, resolved ones with who resolved them), and on a case page the ones open on that case.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::app::state::app_state;
use crate::app::sync::SyncView;
use crate::app::sync::reviews::{self, ReviewRow};
use crate::domain::merge::team::Took;

/// Resolved reviews listed below the open ones, at most.
const RESOLVED_SHOWN: usize = 20;

/// Reads the stored reviews into the page's list: another tab may be the one syncing.
fn refresh(view_of_sync: SyncView) {
    let state = app_state();
    leptos::task::spawn_local(async move {
        let target = state
            .prefs
            .with_untracked(|p| format!("{}{}", p.sync.server, p.sync.database));
        reviews::show(view_of_sync, &target).await;
    });
}

/// One open review: the field, both values, and the two answers. What an answer did (or why it
/// was refused) goes to `said`, which outlives the row (an answered review leaves this list).
#[component]
fn OpenReview(
    row: ReviewRow,
    said: RwSignal<Option<Result<String, String>>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let state = app_state();
    let view_of_sync = expect_context::<SyncView>();
    let settle = move |id: String, took: Took| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        said.set(None);
        leptos::task::spawn_local(async move {
            let result = reviews::resolve(state, view_of_sync, &id, took).await;
            busy.set(false);
            said.set(Some(match result {
                Ok(words) => Ok(format!(
                    "{words}. Your teammates see it resolved once this syncs."
                )),
                Err(why) => Err(format!("The review was not resolved: {why}.")),
            }));
        });
    };
    // The case may have moved to a new number since (team numbering): link to it as it is now.
    let key = state
        .case(row.conflict.case_id)
        .map(|c| c.key.to_string())
        .unwrap_or_else(|| row.conflict.case_key.clone());
    let (keep_id, take_id) = (row.id.clone(), row.id.clone());
    let c = row.conflict;
    view! {
        <li class="review open">
            <p><A href=format!("/cases/{key}")>{key.clone()}</A>{format!(" · {}: \"{}\" kept; {}'s \"{}\" set aside", c.field.label(), c.kept, c.raised_by, c.set_aside)}
                {row.waiting.then(|| view! { <span class="hint">" (not yet synced)"</span> })}</p>
            <div class="actions">
                <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(keep_id.clone(), Took::Kept)>{format!("Keep \"{}\"", c.kept)}</button>
                <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(take_id.clone(), Took::SetAside)>{format!("Take \"{}\"", c.set_aside)}</button>
            </div>
        </li>
    }
}

/// What the last answer did, or why it was refused.
#[component]
fn Said(said: RwSignal<Option<Result<String, String>>>) -> impl IntoView {
    move || {
        said.get().map(|s| match s {
            Ok(words) => view! { <p class="form-ok" role="status">{words}</p> }.into_any(),
            Err(why) => view! { <p class="form-error" role="alert">{why}</p> }.into_any(),
        })
    }
}

#[component]
pub fn SyncReviews() -> impl IntoView {
    let view_of_sync = expect_context::<SyncView>();
    let said = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    refresh(view_of_sync);
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
    view! {
        <Show when=move || !view_of_sync.reviews.with(Vec::is_empty)>
            <div class="sync-reviews" role="region" aria-labelledby="sync-reviews-heading">
                <h3 id="sync-reviews-heading">{move || format!("Conflicts to review ({})", open().len())}</h3>
                <p class="hint">"A field changed here and by a teammate before either synced. The value that reached the team first is in the case now; keep it, or take the one set aside. Whoever answers first answers for the team."</p>
                <ul class="review-list">
                    {move || open().into_iter().map(|row| view! { <OpenReview row=row said=said busy=busy/> }).collect_view()}
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
                <Said said=said/>
            </div>
        </Show>
    }
}

/// On a case page: the reviews open on this case, answerable here. Nothing when sync never ran.
#[component]
pub fn CaseReviews(case_id: Uuid) -> impl IntoView {
    let Some(view_of_sync) = use_context::<SyncView>() else {
        return ().into_any();
    };
    let said = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    if app_state().prefs.with_untracked(|p| p.sync.on) {
        refresh(view_of_sync);
    }
    let open = move || {
        view_of_sync.reviews.with(|r| {
            r.iter()
                .filter(|r| r.conflict.case_id == case_id && r.conflict.is_open())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !open().is_empty() || said.with(Option::is_some)>
            <section class="panel warning-panel case-reviews" aria-labelledby="case-reviews-heading">
                <h2 id="case-reviews-heading">"Changed here and by a teammate"</h2>
                <p class="hint">"Both changed these before either synced; the team's value is in the case now."</p>
                <ul class="review-list">
                    {move || open().into_iter().map(|row| view! { <OpenReview row=row said=said busy=busy/> }).collect_view()}
                </ul>
                <Said said=said/>
            </section>
        </Show>
    }
    .into_any()
}
