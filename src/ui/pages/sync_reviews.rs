//! Team sync's conflict review on screen: under Settings → Team sync every review of a case field or a whole record (open ones with Keep and Take, resolved ones with who resolved them), and on a case page the ones open on that case.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::app::state::app_state;
use crate::app::sync::SyncView;
use crate::app::sync::reviews::{self, Review, ReviewRow};
use crate::bundle::couch_record_review::RecordReview;
use crate::domain::merge::team::{TeamConflict, Took};

/// Resolved reviews listed below the open ones, at most.
const RESOLVED_SHOWN: usize = 20;

/// Reads the stored reviews into the page's list now and again whenever another tab says they
/// changed: another tab may be the one syncing, and an answer given here is sent by it.
fn keep_fresh(view_of_sync: SyncView) {
    let state = app_state();
    Effect::new(move |_| {
        state.reviews_epoch.track();
        leptos::task::spawn_local(async move {
            let target = state
                .prefs
                .with_untracked(|p| format!("{}{}", p.sync.server, p.sync.database));
            reviews::show(view_of_sync, &target).await;
        });
    });
}

/// Settles a review with one answer; what it did (or why it was refused) goes to `said`, which
/// outlives the row (an answered review leaves the open list).
fn settle_with(
    said: RwSignal<Option<Result<String, String>>>,
    busy: RwSignal<bool>,
) -> impl Fn(String, Took) + Copy {
    let state = app_state();
    let view_of_sync = expect_context::<SyncView>();
    move |id: String, took: Took| {
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
    }
}

/// One open review, of either kind.
#[component]
fn OpenReview(
    row: ReviewRow,
    said: RwSignal<Option<Result<String, String>>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let ReviewRow {
        id,
        review,
        waiting,
    } = row;
    match review {
        Review::Field(conflict) => view! { <OpenField id conflict waiting said busy/> }.into_any(),
        Review::Record(review) => view! { <OpenRecord id review waiting said busy/> }.into_any(),
    }
}

/// One open review of a case field: the field, both values, and the two answers.
#[component]
fn OpenField(
    id: String,
    conflict: TeamConflict,
    waiting: bool,
    said: RwSignal<Option<Result<String, String>>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let state = app_state();
    let settle = settle_with(said, busy);
    // The case may have moved to a new number since (team numbering): link to it as it is now.
    let key = state
        .case(conflict.case_id)
        .map(|c| c.key.to_string())
        .unwrap_or_else(|| conflict.case_key.clone());
    let (keep_id, take_id) = (id.clone(), id);
    let c = conflict;
    view! {
        <li class="review open">
            <p><A href=format!("/cases/{key}")>{key.clone()}</A>{format!(" · {}: \"{}\" kept; {}'s \"{}\" set aside", c.field.label(), c.kept, c.raised_by, c.set_aside)}
                {waiting.then(|| view! { <span class="hint">" (not yet synced)"</span> })}</p>
            <div class="actions">
                <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(keep_id.clone(), Took::Kept)>{format!("Keep \"{}\"", c.kept)}</button>
                <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(take_id.clone(), Took::SetAside)>{format!("Take \"{}\"", c.set_aside)}</button>
            </div>
        </li>
    }
}

/// One open review of a whole record: whose version is in place, the one set aside (to read
/// before answering), and the two answers.
#[component]
fn OpenRecord(
    id: String,
    review: RecordReview,
    waiting: bool,
    said: RwSignal<Option<Result<String, String>>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let settle = settle_with(said, busy);
    let (keep_id, take_id) = (id.clone(), id);
    let set_aside = serde_json::to_string_pretty(&review.set_aside).unwrap_or_default();
    let (kept_from, raised_by) = (review.kept_from.clone(), review.raised_by.clone());
    view! {
        <li class="review open record-review">
            <p>{format!(
                "{}: {}'s version reached the team first and is in place; {}'s was set aside on {}.",
                review.subject(),
                kept_from,
                raised_by,
                review.raised_at.format("%Y-%m-%d %H:%M UTC")
            )}
                {waiting.then(|| view! { <span class="hint">" (not yet synced)"</span> })}</p>
            <details>
                <summary>{format!("Show {raised_by}'s version")}</summary>
                <pre class="set-aside-record">{set_aside}</pre>
            </details>
            <div class="actions">
                <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(keep_id.clone(), Took::Kept)>{format!("Keep {kept_from}'s version")}</button>
                <button type="button" prop:disabled=move || busy.get() on:click=move |_| settle(take_id.clone(), Took::SetAside)>{format!("Take {raised_by}'s version")}</button>
            </div>
        </li>
    }
}

/// One resolved review in words; a record's set-aside version stays readable (nothing a person
/// wrote disappears with an answer).
#[component]
fn ResolvedReview(row: ReviewRow) -> impl IntoView {
    let shown = match &row.review {
        Review::Record(r) => Some((
            format!("Show {}'s version", r.raised_by),
            serde_json::to_string_pretty(&r.set_aside).unwrap_or_default(),
        )),
        Review::Field(_) => None,
    };
    view! {
        <li class="review">{row.review.describe()}{row.waiting.then_some(" (not yet synced)")}
            {shown.map(|(summary, text)| view! {
                <details>
                    <summary>{summary}</summary>
                    <pre class="set-aside-record">{text}</pre>
                </details>
            })}
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
    keep_fresh(view_of_sync);
    let open = move || {
        view_of_sync.reviews.with(|r| {
            r.iter()
                .filter(|r| r.review.is_open())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let resolved = move || {
        view_of_sync.reviews.with(|r| {
            r.iter()
                .filter(|r| !r.review.is_open())
                .take(RESOLVED_SHOWN)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !view_of_sync.reviews.with(Vec::is_empty)>
            <div class="sync-reviews" role="region" aria-labelledby="sync-reviews-heading">
                <h3 id="sync-reviews-heading">{move || format!("Conflicts to review ({})", open().len())}</h3>
                <p class="hint">"A case field, or a whole playbook, template, partner team, problem, worksheet or settings, changed here and by a teammate before either synced. What reached the team first is in place now; keep it, or take the one set aside. Whoever answers first answers for the team."</p>
                <ul class="review-list">
                    {move || open().into_iter().map(|row| view! { <OpenReview row=row said=said busy=busy/> }).collect_view()}
                </ul>
                <Show when=move || open().is_empty()>
                    <p class="hint">"Nothing waits for review."</p>
                </Show>
                <Show when=move || !resolved().is_empty()>
                    <h4>"Resolved"</h4>
                    <ul class="review-list resolved">
                        {move || resolved().into_iter().map(|row| view! { <ResolvedReview row/> }).collect_view()}
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
        keep_fresh(view_of_sync);
    }
    let open = move || {
        view_of_sync.reviews.with(|r| {
            r.iter()
                .filter(|r| r.review.case_id() == Some(case_id) && r.review.is_open())
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
