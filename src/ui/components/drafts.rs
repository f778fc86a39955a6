//! Draft autosave: what the user types reaches IndexedDB at most 300 ms after the first keystroke not yet saved, even while typing goes on.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::channel::oneshot;
use leptos::prelude::*;

use crate::app::drafts::{self, DraftKey, DraftOrder, FormDraft, Kept, fingerprint};
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
    /// Keeps the writes in the order they were asked for, and drops them on `cancel`.
    order: DraftOrder,
    /// The newest text not yet handed to storage, and whether a write is scheduled for it.
    pending: Arc<Mutex<(Option<String>, bool)>>,
    /// A fingerprint of the newest text asked to be saved, and whether it was empty: what the
    /// person had typed when the earlier visit's draft arrives (see `restore_draft`).
    asked: Arc<Mutex<Option<(u64, bool)>>>,
    /// Closed while the earlier visit's draft is read, so no write can replace it before then.
    gate: Arc<Mutex<Gate>>,
    /// Who writes this form's drafts: this form on this page, never another tab's.
    writer: Arc<str>,
    /// A fingerprint of the stored draft this form put back into its fields: replacing that one
    /// loses nothing, so it is not set aside.
    adopted: Arc<Mutex<Option<u64>>>,
    /// The text typed into the form and not saved for real: stored again if another tab's save
    /// consumed it (that tab's notice quoted it) while the form still shows it. A draft only put
    /// back is not: another tab saving the form had it too, and most likely saved it.
    unsaved: Arc<Mutex<Option<String>>>,
    /// The set-aside texts the form's notice quotes, so the person can discard them.
    aside: SetAsideShown,
    status: RwSignal<Option<String>>,
}

/// A notice about drafts set aside for a form: its words, and the stored texts it quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAsideFound {
    pub notice: String,
    /// As storage holds them (empty when the text could not be stored: nothing to discard).
    texts: Vec<String>,
}

/// The set-aside texts a form's notice quotes, shared by the form and its discard control.
#[derive(Clone, Copy)]
pub struct SetAsideShown {
    key: StoredValue<DraftKey>,
    shown: RwSignal<Option<SetAsideFound>>,
    status: RwSignal<Option<String>>,
}

impl SetAsideShown {
    /// Whether the form's notice quotes stored set-aside text now (a save or a newer message
    /// replaces the notice, and the control goes with it).
    pub fn is_shown(self) -> bool {
        self.shown.with(|found| {
            found.as_ref().is_some_and(|found| {
                !found.texts.is_empty()
                    && self
                        .status
                        .with(|s| s.as_deref().is_some_and(|s| s.contains(&found.notice)))
            })
        })
    }

    /// Discards the quoted texts from storage, then takes the notice away; anything set aside
    /// since the notice was shown stays. On failure the notice stays as it was.
    pub async fn discard(self) -> Result<(), crate::app::AppError> {
        let (Some(Some(found)), Some(key)) =
            (self.shown.try_get_untracked(), self.key.try_get_value())
        else {
            return Ok(());
        };
        drafts::discard_set_aside(&key, &found.texts).await?;
        let _ = self.shown.try_set(None);
        let _ = self.status.try_update(|shown| {
            *shown = shown
                .take()
                .map(|text| text.replace(&found.notice, "").trim().to_string())
                .filter(|text| !text.is_empty());
        });
        Ok(())
    }
}

/// Whether a form's draft may be written yet.
enum Gate {
    Open,
    /// The earlier draft is being read; these writes wait for it.
    Reading(Vec<oneshot::Sender<()>>),
}

/// Resolves once the form's earlier draft has been read (at once if it is not being read).
async fn gate_opened(gate: &Mutex<Gate>) {
    let waiting = match gate.lock() {
        Ok(mut gate) => match &mut *gate {
            Gate::Open => return,
            Gate::Reading(waiting) => {
                let (open, opened) = oneshot::channel();
                waiting.push(open);
                opened
            }
        },
        Err(_) => return,
    };
    // A dropped sender means the read is over too.
    let _ = waiting.await;
}

/// Closes the gate while it lives and opens it when dropped, so the read opens it on every path.
struct Reading(Arc<Mutex<Gate>>);

impl Reading {
    fn close(gate: &Arc<Mutex<Gate>>) -> Reading {
        if let Ok(mut state) = gate.lock()
            && matches!(*state, Gate::Open)
        {
            *state = Gate::Reading(Vec::new());
        }
        Reading(gate.clone())
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        let waiting = match self.0.lock() {
            Ok(mut state) => std::mem::replace(&mut *state, Gate::Open),
            Err(_) => return,
        };
        if let Gate::Reading(waiting) = waiting {
            for open in waiting {
                let _ = open.send(());
            }
        }
    }
}

impl DraftSaver {
    /// Keeps `text` as the newest draft; it is written within `DRAFT_DEBOUNCE` of the first
    /// call since the last write, with whatever is newest by then. Empty text deletes the draft.
    pub fn save(&self, text: String) {
        if let Ok(mut asked) = self.asked.lock() {
            *asked = Some((fingerprint(&text), text.is_empty()));
        }
        if let Ok(mut unsaved) = self.unsaved.lock() {
            *unsaved = (!text.is_empty()).then(|| text.clone());
        }
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
        let order = self.order.clone();
        let shared = self.pending.clone();
        let key = self.key.clone();
        let status = self.status;
        let gate = self.gate.clone();
        let writer = self.writer.clone();
        let adopted = self.adopted.clone();
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
                let turn = order.turn();
                leptos::task::spawn_local(async move {
                    gate_opened(&gate).await;
                    // A real save, a discard or a newer text that began first wins.
                    let result =
                        drafts::keep_in_turn(&order, turn, &key, &text, &writer, seen(&adopted))
                            .await;
                    let failed = result.is_err();
                    match result {
                        Err(e) => {
                            let _ = status.try_set(Some(format!(
                                "{DRAFT_FAILED} {e}. Copy your text somewhere safe."
                            )));
                        }
                        // A write that worked clears an earlier failure, and only that: the
                        // "restored from your last visit" notice must stay long enough to read.
                        Ok(Kept::Superseded) => {}
                        Ok(Kept::Written) => {
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
        let order = self.order.clone();
        let turn = order.turn();
        let gate = self.gate.clone();
        let writer = self.writer.clone();
        let adopted = self.adopted.clone();
        // Removing a draft is a write too: the header says so until it has landed.
        report(activity, 1);
        leptos::task::spawn_local(async move {
            gate_opened(&gate).await;
            let result =
                drafts::keep_in_turn(&order, turn, &key, "", &writer, seen(&adopted)).await;
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

    /// Notes that `text`, the stored draft, was put back into the form: replacing it loses
    /// nothing, so the form's next write does not set it aside.
    pub fn adopt(&self, text: &str) {
        if let Ok(mut adopted) = self.adopted.lock() {
            *adopted = Some(fingerprint(text));
        }
    }

    /// Stores the form's unsaved text again if storage no longer holds it: another tab saved
    /// this form having had this text too (put back, or quoted in its notice), while this tab
    /// still shows it. Nothing is written when it is held, or the form holds nothing unsaved.
    fn keep_if_lost(&self) {
        let Some(text) = self.unsaved.lock().ok().and_then(|u| u.clone()) else {
            return;
        };
        let turn = self.order.turn();
        let (order, key, writer, gate) = (
            self.order.clone(),
            self.key.clone(),
            self.writer.clone(),
            self.gate.clone(),
        );
        let status = self.status;
        leptos::task::spawn_local(async move {
            gate_opened(&gate).await;
            if let Err(e) = drafts::keep_if_lost(&order, turn, &key, &text, &writer).await {
                let _ = status.try_set(Some(format!(
                    "{DRAFT_FAILED} {e}. Copy your text somewhere safe."
                )));
            }
        });
    }

    /// What this form has of its draft, for the save that consumes it: its own text, the
    /// stored draft it put back, the set-aside texts its notice quotes. Another tab's typing
    /// that this form never had is not in it, so the save leaves that stored.
    pub fn held(&self) -> FormDraft {
        FormDraft {
            key: self.key.clone(),
            writer: self.writer.to_string(),
            put_back: self.adopted.lock().ok().and_then(|adopted| *adopted),
            quoted: self
                .aside
                .shown
                .try_get_untracked()
                .flatten()
                .map(|found| found.texts)
                .unwrap_or_default(),
        }
    }

    /// The set-aside texts this form's notice quotes, for its discard control.
    pub fn set_aside_shown(&self) -> SetAsideShown {
        self.aside
    }

    /// Shows `found` in the form's draft notice, after what it says now if `after_shown` (a
    /// restored draft's notice), and lets the person discard the texts it quotes.
    pub fn show_set_aside(&self, found: SetAsideFound, after_shown: bool) {
        let notice = found.notice.clone();
        let _ = self.status.try_update(|shown| {
            *shown = Some(match shown.take() {
                Some(restored) if after_shown => format!("{restored} {notice}"),
                _ => notice,
            });
        });
        let _ = self.aside.shown.try_set(Some(found));
    }

    /// Drops any pending write. Call it when the text is being saved for real, whose
    /// transaction deletes the draft: a late write must not bring it back.
    pub fn cancel(&self) {
        self.order.supersede();
        if let Ok(mut pending) = self.pending.lock() {
            pending.0 = None;
        }
        if let Ok(mut unsaved) = self.unsaved.lock() {
            *unsaved = None;
        }
    }
}

/// A throttled saver for the draft `key`; `status` reports a failed save so the user knows to copy their text.
pub fn draft_saver(key: DraftKey, status: RwSignal<Option<String>>) -> DraftSaver {
    let state = use_context::<crate::app::state::AppState>();
    let saver = DraftSaver {
        key: key.clone(),
        activity: state.map(|s| s.drafts),
        order: DraftOrder::default(),
        pending: Arc::new(Mutex::new((None, false))),
        asked: Arc::new(Mutex::new(None)),
        gate: Arc::new(Mutex::new(Gate::Open)),
        writer: crate::browser::new_id().to_string().into(),
        adopted: Arc::new(Mutex::new(None)),
        unsaved: Arc::new(Mutex::new(None)),
        aside: SetAsideShown {
            key: StoredValue::new(key.clone()),
            shown: RwSignal::new(None),
            status,
        },
        status,
    };
    // While the form is on screen, another tab's writes are checked for a save of this form.
    if let Some(state) = state {
        let watching = saver.clone();
        Effect::new(move |seen: Option<u64>| {
            let now = state.other_tab_epoch.get();
            if seen.is_some() {
                watching.keep_if_lost();
            }
            now
        });
    }
    saver
}

/// Whether a stored draft is the one this form put back into its fields.
fn seen(adopted: &Arc<Mutex<Option<u64>>>) -> impl Fn(&str) -> bool + use<> {
    let adopted = adopted.lock().ok().and_then(|a| *a);
    move |stored| adopted == Some(fingerprint(stored))
}

/// Loads the draft of `saver`'s form once and hands it to `restore` if there is one and the
/// component that asked is still on screen; if it is not, the draft stays stored for the next
/// visit. The read waits for the database, which on a fresh load can take a second, and the
/// form's writes wait for the read, so it finds the earlier visit's text rather than what is
/// being typed now. If the person had already typed something else by then (on screen or in a
/// form already left), their typing is kept and the earlier draft is not put back over it: it
/// is set aside in storage with the form, before their typing can replace it, and shown in the
/// form's draft notice on this visit and every later one until the form is saved for real.
pub fn restore_draft(saver: &DraftSaver, restore: impl FnOnce(String) + 'static) {
    let mounted = Mounted::new();
    let saver = saver.clone();
    let reading = Reading::close(&saver.gate);
    leptos::task::spawn_local(async move {
        let (draft, kept) = read_draft(&saver).await;
        let mut notice = None;
        let mut put_back = false;
        if let Some(text) = draft {
            let typed = saver.asked.lock().ok().and_then(|asked| *asked);
            match typed {
                // On screen, typing that was cleared again is nothing to keep; in a form
                // already left, even clearing would delete the earlier draft.
                Some((typed, cleared))
                    if typed != fingerprint(&text) && (!cleared || !mounted.is_mounted()) =>
                {
                    notice = set_aside(&saver.key, &text, &text).await;
                }
                // Writes asked for before the restore hold text it has just replaced.
                _ if mounted.is_mounted() => {
                    saver.cancel();
                    saver.adopt(&text);
                    restore(text);
                    put_back = true;
                }
                _ => {}
            }
        }
        if mounted.is_mounted() {
            // Drafts set aside by other tabs or earlier visits, if this visit set none aside.
            if notice.is_none() {
                notice = kept;
            }
            if let Some(found) = notice {
                saver.show_set_aside(found, put_back);
            }
        }
        drop(reading);
    });
}

/// Sets the draft `earlier` aside for `key` and says so, quoting `shown` (the part of it a
/// person would read); if it could not be kept, says that instead, with the text to copy now.
/// `None` when there was no text in it to keep.
pub async fn set_aside(key: &DraftKey, earlier: &str, shown: &str) -> Option<SetAsideFound> {
    let notice = set_aside_notice(shown)?;
    Some(match drafts::set_aside(key, earlier).await {
        Ok(()) => SetAsideFound {
            notice,
            texts: vec![earlier.to_string()],
        },
        Err(e) => SetAsideFound {
            notice: format!(
                "A draft from your last visit arrived after you had started typing, and could not be kept ({e}). Copy it now: {}",
                readable_text(shown)
            ),
            texts: Vec::new(),
        },
    })
}

/// What a form reads when it opens, in one transaction: its stored draft, and the notice for
/// drafts other writers (other tabs, earlier visits) left set aside for it. `(None, None)` when
/// storage could not be read: a form must then not take the absence of a draft as certain.
pub async fn read_draft(saver: &DraftSaver) -> (Option<String>, Option<SetAsideFound>) {
    match drafts::read_with_set_aside(&saver.key, &saver.writer).await {
        Ok((draft, kept)) => (draft, kept_notice(&kept)),
        Err(_) => (None, None),
    }
}

/// What to tell a person whose typing came before their earlier draft arrived: the draft's text,
/// readable, or `None` when it held no text at all.
pub fn set_aside_notice(draft: &str) -> Option<String> {
    let text = readable_text(draft);
    (!text.trim().is_empty()).then(|| {
        format!(
            "A draft from your last visit arrived after you had started typing, so it was not put back over your typing. It is kept with this form until you save or discard it. It read: {text}"
        )
    })
}

/// The notice for drafts set aside by other writers, or `None` when none holds any text.
fn kept_notice(kept: &[String]) -> Option<SetAsideFound> {
    let readable: Vec<String> = kept
        .iter()
        .map(|draft| readable_text(draft))
        .filter(|text| !text.trim().is_empty())
        .collect();
    (!readable.is_empty()).then(|| SetAsideFound {
        notice: format!(
            "Set aside earlier: typed in another tab, or found after you had started typing here (kept with this form until you save or discard it): {}",
            readable.join(" ⁂ ")
        ),
        texts: kept.to_vec(),
    })
}

/// A stored draft as a person would read it: the text of a form's fields, without the
/// JSON that holds them or the ids kept beside it; a draft that is not JSON is already plain text.
fn readable_text(draft: &str) -> String {
    fn collect(value: &serde_json::Value, into: &mut Vec<String>) {
        match value {
            // An id the form keeps beside the text (a playbook step's) is not something typed.
            serde_json::Value::String(text)
                if !text.trim().is_empty() && uuid::Uuid::parse_str(text).is_err() =>
            {
                into.push(text.clone())
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
            serde_json::Value::Object(fields) => fields.values().for_each(|v| collect(v, into)),
            _ => {}
        }
    }
    match serde_json::from_str::<serde_json::Value>(draft) {
        Ok(value) => {
            let mut parts = Vec::new();
            collect(&value, &mut parts);
            parts.join(" · ")
        }
        Err(_) => draft.to_string(),
    }
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
