//! The one way an editor says another tab (or a teammate, through team sync) saved the same thing first: nothing was saved, the person's changes are still on screen, and they choose to keep theirs or take the other tab's.

use leptos::prelude::*;

/// Shown while `shown` is set, after a save was refused because the stored copy changed since
/// the editor opened it. "Save mine over theirs" saves again without the check; "Take theirs"
/// replaces the form with the stored copy (the page offers Undo for that).
#[component]
pub fn ChangedElsewhere(
    /// What was saved elsewhere, as a sentence names it ("the email templates").
    what: &'static str,
    shown: RwSignal<bool>,
    #[prop(into)] keep_mine: Callback<()>,
    #[prop(into)] take_theirs: Callback<()>,
) -> impl IntoView {
    view! {
        <Show when=move || shown.get()>
            <div class="warning-panel changed-elsewhere" role="alert">
                <p>{format!("Another tab or a teammate (through team sync) saved {what} while you were editing, so nothing was saved. Your changes are still here.")}</p>
                <div class="actions">
                    <button type="button" class="primary" on:click=move |_| { shown.set(false); keep_mine.run(()); }>"Save mine over theirs"</button>
                    <button type="button" on:click=move |_| { shown.set(false); take_theirs.run(()); }>"Take theirs"</button>
                </div>
            </div>
        </Show>
    }
}
