//! Team sync's set-aside copies on screen, under Settings → Team sync: this device's version of a playbook, template, partner team, problem or worksheet that a teammate changed too, with Restore mine and Discard (confirmed first).

use leptos::prelude::*;

use crate::app::state::app_state;
use crate::app::sync::records::SetAside;
use crate::app::sync::{SyncView, records};

/// The team database the copies belong to. Read while the component is built: a spawned task
/// has no reactive owner to find the app state through.
fn target() -> String {
    app_state()
        .prefs
        .with_untracked(|p| format!("{}{}", p.sync.server, p.sync.database))
}

#[component]
fn SetAsideRow(
    copy: SetAside,
    said: RwSignal<Option<Result<String, String>>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let state = app_state();
    let view_of_sync = expect_context::<SyncView>();
    let confirming = RwSignal::new(false);
    let (restore_id, discard_id) = (copy.doc_id.clone(), copy.doc_id.clone());
    let restore = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        said.set(None);
        let id = restore_id.clone();
        leptos::task::spawn_local(async move {
            let result = records::restore(state, view_of_sync, &id).await;
            busy.set(false);
            said.set(Some(match result {
                Ok(words) => Ok(format!("{words}; your teammates get it once this syncs.")),
                Err(why) => Err(format!("Nothing was restored: {why}.")),
            }));
        });
    };
    let label = format!("{} \"{}\"", copy.kind, copy.label);
    let target = target();
    let discard = {
        let label = label.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            said.set(None);
            let (id, label, target) = (discard_id.clone(), label.clone(), target.clone());
            leptos::task::spawn_local(async move {
                let result = records::discard(view_of_sync, &target, &id).await;
                busy.set(false);
                said.set(Some(match result {
                    Ok(()) => Ok(format!(
                        "Your version of {label} was discarded; the team's stays."
                    )),
                    Err(why) => Err(format!("Nothing was discarded: {why}.")),
                }));
            });
        }
    };
    let mine = serde_json::to_string_pretty(&copy.mine).unwrap_or_default();
    view! {
        <li class="review open set-aside">
            <p>{format!(
                "{label}: {}'s version reached the team first and is in place; yours was set aside on {}.",
                copy.kept_from,
                copy.at.format("%Y-%m-%d %H:%M UTC")
            )}</p>
            <details>
                <summary>"Show your version"</summary>
                <pre class="set-aside-record">{mine}</pre>
            </details>
            <div class="actions">
                <Show when=move || !confirming.get() fallback=move || {
                    let discard = discard.clone();
                    view! {
                        <span class="confirm">"Discard your version for good? "</span>
                        <button type="button" class="danger" prop:disabled=move || busy.get() on:click=discard>"Discard"</button>
                        <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    }
                }>
                    <button type="button" prop:disabled=move || busy.get() on:click=restore.clone()>"Restore mine"</button>
                    <button type="button" prop:disabled=move || busy.get() on:click=move |_| confirming.set(true)>"Discard mine…"</button>
                </Show>
            </div>
        </li>
    }
}

#[component]
pub fn SetAsideCopies() -> impl IntoView {
    let view_of_sync = expect_context::<SyncView>();
    let said = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    // Another tab may be the one syncing: read what is stored.
    let target = target();
    leptos::task::spawn_local(async move {
        records::show(view_of_sync, &target).await;
    });
    view! {
        <Show when=move || !view_of_sync.set_aside.with(Vec::is_empty) || said.with(Option::is_some)>
            <div class="sync-reviews sync-set-aside" role="region" aria-labelledby="sync-set-aside-heading">
                <h3 id="sync-set-aside-heading">{move || format!("Your versions set aside ({})", view_of_sync.set_aside.with(Vec::len))}</h3>
                <p class="hint">"You and a teammate both changed these before either synced. The version that reached the team first is in place here and for everyone; yours is kept here until you restore it (it then replaces the team's) or discard it."</p>
                <ul class="review-list">
                    {move || view_of_sync.set_aside.get().into_iter().map(|copy| view! { <SetAsideRow copy=copy said=said busy=busy/> }).collect_view()}
                </ul>
                {move || said.get().map(|s| match s {
                    Ok(words) => view! { <p class="form-ok" role="status">{words}</p> }.into_any(),
                    Err(why) => view! { <p class="form-error" role="alert">{why}</p> }.into_any(),
                })}
            </div>
        </Show>
    }
}
