//! Draft autosave: what the user types reaches IndexedDB at most 300 ms after the first keystroke not yet saved, even while typing goes on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::prelude::*;

use crate::app::drafts::{self, DraftKey};
pub use crate::app::state::DraftActivity;
use crate::ui::mounted::Mounted;

/// The most typing a killed tab can lose: a draft is written this long after the first
/// keystroke that is not stored yet. A throttle, not a debounce: someone typing steadily on a
/// call never pauses for 300 ms, and a debounce would then never write.
pub const DRAFT_DEBOUNCE: Duration = Duration::from_millis(300);

/// How a failed draft write's message starts, so a later write that works can clear it.
const DRAFT_FAILED: &str = "Draft not saved:";

/// How many drafts are waiting to be written, across every form on the page.
static PENDING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn report(activity: Option<RwSignal<DraftActivity>>, change: isize) -> Option<usize> {
    let before = if change >= 0 {
        PENDING.fetch_add(change.unsigned_abs(), Ordering::Relaxed)
    } else {
        PENDING.fetch_sub(change.unsigned_abs(), Ordering::Relaxed)
    };
    let now = before.checked_add_signed(change)?;
    if let Some(activity) = activity {
        let _ = activity.try_set(if now > 0 {
            DraftActivity::Saving
        } else {
            DraftActivity::Saved
        });
    }
    Some(now)
}

/// Saves one draft, throttled. Cloning shares the state, so every clone sees one pending text.
#[derive(Clone)]
pub struct DraftSaver {
    key: DraftKey,
    /// The page-wide activity shown in the header (absent outside the app, e.g. in tests).
    activity: Option<RwSignal<DraftActivity>>,
    /// Bumped by `cancel`, so a write scheduled before it is dropped.
    generation: Arc<AtomicU64>,
    /// The newest text not yet handed to storage, and whether a write is scheduled for it.
    pending: Arc<Mutex<(Option<String>, bool)>>,
    /// A fingerprint of the text this form last handed to storage (see `restore_draft`).
    written: Arc<Mutex<Option<u64>>>,
    status: RwSignal<Option<String>>,
}

impl DraftSaver {
    /// Keeps `text` as the newest draft; it is written within `DRAFT_DEBOUNCE` of the first
    /// call since the last write, with whatever is newest by then. Empty text deletes the draft.
    pub fn save(&self, text: String) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        pending.0 = Some(text);
        if pending.1 {
            return;
        }
        pending.1 = true;
        drop(pending);
        report(self.activity, 1);
        let activity = self.activity;
        let generation = self.generation.clone();
        let shared = self.pending.clone();
        let key = self.key.clone();
        let status = self.status;
        let written = self.written.clone();
        set_timeout(
            move || {
                let text = match shared.lock() {
                    Ok(mut pending) => {
                        pending.1 = false;
                        pending.0.take()
                    }
                    Err(_) => None,
                };
                let Some(text) = text else {
                    report(activity, -1);
                    return;
                };
                let taken_at = generation.load(Ordering::Relaxed);
                leptos::task::spawn_local(async move {
                    // A real save (or a discard) that came after this text was taken wins.
                    if generation.load(Ordering::Relaxed) != taken_at {
                        report(activity, -1);
                        return;
                    }
                    if let Ok(mut last) = written.lock() {
                        *last = Some(fingerprint(&text));
                    }
                    let result = drafts::keep(&key, &text).await;
                    let failed = result.is_err();
                    match result {
                        Err(e) => {
                            let _ = status.try_set(Some(format!(
                                "{DRAFT_FAILED} {e}. Copy your text somewhere safe."
                            )));
                        }
                        // A write that worked clears an earlier failure, and only that: the
                        // "restored from your last visit" notice must stay long enough to read.
                        Ok(()) => {
                            let _ = status.try_update(|shown| {
                                if shown
                                    .as_deref()
                                    .is_some_and(|s| s.starts_with(DRAFT_FAILED))
                                {
                                    *shown = None;
                                }
                            });
                        }
                    }
                    report(activity, -1);
                    if failed && let Some(activity) = activity {
                        let _ = activity.try_set(DraftActivity::Failed);
                    }
                });
            },
            DRAFT_DEBOUNCE,
        );
    }

    /// Deletes the draft now, not after the delay: "forget it" must hold even if the page
    /// is reloaded the next moment. Any pending write is dropped first.
    pub fn discard(&self) {
        self.cancel();
        let key = self.key.clone();
        let status = self.status;
        let activity = self.activity;
        // Removing a draft is a write too: the header says so until it has landed.
        report(activity, 1);
        leptos::task::spawn_local(async move {
            let result = drafts::remove(&key).await;
            let failed = result.is_err();
            let _ = status.try_set(
                result
                    .err()
                    .map(|e| format!("The old draft could not be removed: {e}")),
            );
            report(activity, -1);
            if failed && let Some(activity) = activity {
                let _ = activity.try_set(DraftActivity::Failed);
            }
        });
    }

    /// Drops any pending write. Call it when the text is being saved for real, whose
    /// transaction deletes the draft: a late write must not bring it back.
    pub fn cancel(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut pending) = self.pending.lock() {
            pending.0 = None;
        }
    }
}

/// A throttled saver for the draft `key`; `status` reports a failed save so the user knows to copy their text.
pub fn draft_saver(key: DraftKey, status: RwSignal<Option<String>>) -> DraftSaver {
    DraftSaver {
        key,
        activity: use_context::<crate::app::state::AppState>().map(|s| s.drafts),
        generation: Arc::new(AtomicU64::new(0)),
        pending: Arc::new(Mutex::new((None, false))),
        written: Arc::new(Mutex::new(None)),
        status,
    }
}

fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Loads the draft of `saver`'s form once and hands it to `restore` if there is one and the
/// component that asked is still on screen; if it is not, the draft stays stored for the next
/// visit. Not when what was read is this form's own save: the read waits for the database, which
/// on a fresh load can take a second, and a person typing meanwhile had their draft saved; put
/// back, it undid the keystrokes typed after that save (seen in WebKit: "letter from the bank"
/// became "letter from bank").
pub fn restore_draft(saver: &DraftSaver, restore: impl FnOnce(String) + 'static) {
    let mounted = Mounted::new();
    let key = saver.key.clone();
    let written = saver.written.clone();
    leptos::task::spawn_local(async move {
        if let Ok(Some(text)) = drafts::read(&key).await
            && mounted.is_mounted()
        {
            let own = written.lock().ok().and_then(|last| *last) == Some(fingerprint(&text));
            if !own {
                restore(text);
            }
        }
    });
}

/// Keeps a whole form's unsaved text as one draft: `fields` are saved together after each edit
/// and put back on the next visit. Returns the function to call after an edit.
/// `on_restored` runs after a draft was put back (to rebuild values that are not plain text).
/// Returns the function to call after an edit, and the saver (to `cancel` when the form is saved).
pub fn form_draft(
    key: DraftKey,
    fields: Vec<(&'static str, RwSignal<String>)>,
    status: RwSignal<Option<String>>,
    on_restored: impl FnOnce() + 'static,
) -> (impl Fn() + Clone + Send + Sync + 'static, DraftSaver) {
    let saver = draft_saver(key.clone(), status);
    let save = saver.clone();
    let restore_into = fields.clone();
    restore_draft(&saver, move |text| {
        let Ok(saved) = serde_json::from_str::<std::collections::HashMap<String, String>>(&text)
        else {
            return;
        };
        for (name, signal) in &restore_into {
            if let Some(value) = saved.get(*name) {
                // `try_`: the form may have closed while the draft was being read.
                let _ = signal.try_set(value.clone());
            }
        }
        let _ = status.try_set(Some(
            "Unsaved changes from your last visit were restored.".into(),
        ));
        on_restored();
    });
    let on_edit = move || {
        let values: std::collections::HashMap<&str, String> = fields
            .iter()
            .map(|(name, signal)| (*name, signal.get_untracked()))
            .collect();
        save.save(serde_json::to_string(&values).unwrap_or_default());
    };
    (on_edit, saver)
}
