//! "Discard set-aside text…" under a form's draft notice: asked twice before the text goes, since it is in no case or record.

use leptos::prelude::*;

use super::drafts::SetAsideShown;

/// Shown while the form's notice quotes stored set-aside text. The first press asks; the same
/// button then discards (so focus stays on it), and "Keep it" or Escape takes the question back.
#[component]
pub fn DiscardSetAside(aside: SetAsideShown) -> impl IntoView {
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let button = NodeRef::<leptos::html::Button>::new();
    // Taking the question back (Keep it, or Escape) leaves focus on the button that asked it.
    let take_back = move || {
        asking.set(false);
        if let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    let press = move |_| {
        if !asking.get_untracked() {
            asking.set(true);
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = aside.discard().await;
            let _ = busy.try_set(false);
            let _ = asking.try_set(false);
            let _ = failed.try_set(
                result
                    .err()
                    .map(|e| format!("The set-aside text was not discarded: {e}")),
            );
        });
    };
    // Re-renders only when the control appears or goes, so focus stays on its button.
    let shown = Memo::new(move |_| aside.is_shown());
    // A question left open when the notice went (the form was saved) is not asked again later.
    Effect::new(move |_| {
        if !shown.get() {
            asking.set(false);
        }
    });
    view! {
        {move || shown.get().then(|| view! {
            <p class="set-aside-actions" on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" && asking.get_untracked() {
                    ev.prevent_default();
                    ev.stop_propagation();
                    take_back();
                }
            }>
                // In place before it is filled, so a screen reader announces the question.
                <span role="status">{move || asking.get().then_some(
                    "Discard the set-aside text for good? It is in no case or record."
                )}</span>
                <button type="button" node_ref=button class=move || if asking.get() { "danger" } else { "" }
                    disabled=move || busy.get() on:click=press>
                    {move || if asking.get() { "Discard it" } else { "Discard set-aside text…" }}
                </button>
                {move || asking.get().then(|| view! {
                    <button type="button" on:click=move |_| take_back()>"Keep it"</button>
                })}
            </p>
        })}
        {move || failed.get().map(|why| view! { <p class="form-error" role="alert">{why}</p> })}
    }
}
