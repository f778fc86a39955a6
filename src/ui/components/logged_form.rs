//! A drafted form that ends in events on a case: what every outreach panel, call mode and the contact log share.

use std::sync::Arc;

use leptos::prelude::*;
use uuid::Uuid;

use crate::app::drafts::DraftKey;
use crate::app::state::app_state;
use crate::domain::{CaseStatus, EventKind};
use crate::ui::components::drafts::{DraftSaver, form_draft};

/// Edits are drafted as typed; submitting cancels the pending draft write, saves the events
/// (and any status move) in one transaction that deletes the draft, and on failure drafts
/// everything again, so nothing typed is lost either way.
#[derive(Clone, Copy)]
pub struct LoggedForm {
    case_id: Uuid,
    pub error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
    pub draft_status: RwSignal<Option<String>>,
    saver: StoredValue<DraftSaver>,
    redraft: StoredValue<Arc<dyn Fn() + Send + Sync>>,
}

impl LoggedForm {
    pub fn new(
        case_id: Uuid,
        draft_key: DraftKey,
        fields: Vec<(&'static str, RwSignal<String>)>,
    ) -> LoggedForm {
        let draft_status = RwSignal::new(None::<String>);
        let (save_draft, saver) = form_draft(draft_key, fields, draft_status, || {});
        LoggedForm {
            case_id,
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            busy: RwSignal::new(false),
            draft_status,
            saver: StoredValue::new(saver),
            redraft: StoredValue::new(Arc::new(save_draft)),
        }
    }

    /// Drafts the form as it is now (after a change made in code, not by typing).
    /// Does nothing once the form is gone: its fields went with it, and what was drafted stays.
    pub fn redraft(self) {
        self.redraft.try_with_value(|save| save());
    }

    /// The set-aside texts the form's draft notice quotes, for its discard control.
    pub fn set_aside_shown(self) -> crate::ui::components::drafts::SetAsideShown {
        self.saver.with_value(|s| s.set_aside_shown())
    }

    /// Drops a pending draft write, e.g. before deleting the draft on purpose.
    pub fn cancel_draft(self) {
        self.saver.with_value(|s| s.cancel());
    }

    /// What the form has of its draft (`DraftSaver::held`), for removing just that.
    pub fn held_draft(self) -> crate::app::drafts::FormDraft {
        self.saver.with_value(|s| s.held())
    }

    /// `edit` as a callback, for `on:input` handlers in a view.
    pub fn editor(self) -> Callback<(RwSignal<String>, String)> {
        Callback::new(move |(field, value): (RwSignal<String>, String)| self.edit(field, value))
    }

    /// One keystroke or choice: set the field, clear stale messages, draft.
    pub fn edit(self, field: RwSignal<String>, value: String) {
        field.set(value);
        self.error.set(None);
        self.notice.set(None);
        self.redraft();
    }

    /// Saves `kinds` (and a move to `status`); `on_saved` clears the form and says what
    /// happened. If only the move is refused, the events are still logged and the refusal is
    /// shown beside what was saved.
    pub fn submit(
        self,
        kinds: Vec<EventKind>,
        status: Option<CaseStatus>,
        on_saved: impl FnOnce() + 'static,
    ) {
        self.busy.set(true);
        // The save deletes the draft; a late draft write must not bring the text back.
        self.saver.with_value(|s| s.cancel());
        // Taken now: the person may leave before the save answers, and the save still finishes.
        let (state, case_id) = (app_state(), self.case_id);
        let held = self.saver.with_value(|s| s.held());
        leptos::task::spawn_local(async move {
            let result = crate::app::cases::log(state, case_id, kinds, status, Some(held)).await;
            match result {
                Ok(logged) => {
                    let _ = self.draft_status.try_set(None);
                    on_saved();
                    if let Some(why) = logged.status_refused {
                        let _ = self.error.try_set(Some(why));
                    }
                }
                Err(e) => {
                    let _ = self.error.try_set(Some(format!("Not saved: {e}")));
                    // Not saved: keep everything drafted, including the last keystrokes.
                    self.redraft();
                }
            }
            let _ = self.busy.try_set(false);
        });
    }
}
