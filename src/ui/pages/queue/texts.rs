//! The queue's search text: every case's folded text, kept per case and refolded only when the case or its notes change, and folded a slice at a time after the first rows so no task runs long.

use std::collections::HashMap;

use leptos::prelude::*;
use uuid::Uuid;

use crate::app::state::AppState;
use crate::browser;
use crate::domain::Case;
use crate::domain::queue::search_text;

/// Each case's folded text, with the revision and note length it was folded from.
type Folded = HashMap<Uuid, (u64, usize, String)>;

/// Cases folded per task: 5,000 took about 6 ms here, where all 50k at once took 50-70 ms, a
/// long task in the middle of start-up.
const FOLD_SLICE: usize = 5_000;

/// Refolds the cases in `cases` whose record or notes changed since their text was folded.
fn refold(folded: &mut Folded, cases: &[Case], notes: &HashMap<Uuid, String>) {
    for case in cases {
        let note = notes.get(&case.id).map_or("", String::as_str);
        let fresh = folded
            .get(&case.id)
            .is_some_and(|(rev, len, _)| *rev == case.revision && *len == note.len());
        if !fresh {
            folded.insert(
                case.id,
                (case.revision, note.len(), search_text(case, note)),
            );
        }
    }
}

/// Every case's search text, in case order: a memo over the cases and their notes. Folding
/// starts 50 ms after the queue mounts, a slice per task, so the first keystroke finds it ready.
pub fn search_texts(state: AppState) -> Memo<Vec<String>> {
    let folded = StoredValue::new(Folded::new());
    let texts = Memo::new(move |_| {
        state.texts.with(|notes| {
            state.cases.with(|all| {
                folded.update_value(|f| refold(f, all, notes));
                folded.with_value(|f| {
                    all.iter()
                        .map(|c| {
                            f.get(&c.id)
                                .map(|(_, _, text)| text.clone())
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    // Again whenever notes arrive or change (start-up reads them after the marks), so the
    // memo never has to refold every case in a keystroke.
    Effect::new(move |_| {
        state.texts.track();
        leptos::task::spawn_local(fold_in_slices(state, folded, texts));
    });
    texts
}

/// Folds what is stale a slice of cases per task, then lets the memo gather the texts.
async fn fold_in_slices(state: AppState, folded: StoredValue<Folded>, texts: Memo<Vec<String>>) {
    browser::sleep(50).await;
    let mut start: usize = 0;
    loop {
        let end = start.saturating_add(FOLD_SLICE);
        // `try_`: the queue (and its store) may be gone by now; then there is nothing to do.
        let more = state.cases.try_with_untracked(|all| {
            let slice = all.get(start..end.min(all.len())).unwrap_or(&[]);
            let stored = state
                .texts
                .try_with_untracked(|notes| folded.try_update_value(|f| refold(f, slice, notes)))
                .flatten()
                .is_some();
            stored && end < all.len()
        });
        if more != Some(true) {
            break;
        }
        start = end;
        browser::sleep(0).await;
    }
    // Every case is folded now; the memo only gathers the texts.
    _ = texts.try_with_untracked(|_| ());
}
