//! The one Undo toast: what was just done, in words, with Undo and a dismiss; every page that can take something back shows it the same way.

use leptos::prelude::*;

/// Something that can be taken back: the words for it and what putting it back needs.
#[derive(Clone, Debug)]
pub struct Undoable<T> {
    /// What was done, as the toast says it ("ESC-1042 moved to Resolved").
    pub words: String,
    /// What Undo puts back.
    pub before: T,
}

impl<T> Undoable<T> {
    pub fn new(words: impl Into<String>, before: T) -> Self {
        Undoable {
            words: words.into(),
            before,
        }
    }
}

/// Shows the last undoable action while `undo` holds one. Undo hands `before` to `on_undo`,
/// which clears `undo` once putting it back worked (an undo that fails keeps the toast, so the
/// person can try again); the × dismisses it.
#[component]
pub fn UndoToast<T: Clone + Send + Sync + 'static>(
    undo: RwSignal<Option<Undoable<T>>>,
    #[prop(into)] on_undo: Callback<T>,
) -> impl IntoView {
    move || {
        undo.get().map(|shown| {
            let before = shown.before;
            view! {
                <div class="toast" role="status">
                    <span>{shown.words}</span>
                    <button type="button" on:click=move |_| on_undo.run(before.clone())>"Undo"</button>
                    <button type="button" class="link" aria-label="Dismiss" on:click=move |_| undo.set(None)>"×"</button>
                </div>
            }
        })
    }
}
