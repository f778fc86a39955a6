//! Writes to cases: open one, edit it, log what happened on it, undo, and change many at once; each settles the SLA when it resolves, commits one transaction, then publishes.

use leptos::prelude::*;
use uuid::Uuid;

use super::AppError;
use super::drafts::FormDraft;
use super::state::{AppState, database};
use crate::browser;
use crate::domain::case::events::EventKind;
use crate::domain::case::{CaseEdit, ValidNewCase, rebase_edits};
use crate::domain::sla::settle::settlement;
use crate::domain::{Case, CaseEvent, CaseStatus, DomainError};
use crate::storage::cases as stored;
pub use crate::storage::cases::Change;

/// Opens a case from validated intake; the intake draft, if named, goes in the same transaction.
pub async fn open(
    state: AppState,
    input: ValidNewCase,
    draft: Option<&FormDraft>,
) -> Result<Case, AppError> {
    let db = database()?;
    let matrix = state.settings.with_untracked(|s| s.matrix.clone());
    let case = stored::create_case(
        &db,
        input,
        &matrix,
        browser::new_id(),
        browser::new_id(),
        &state.actor(),
        browser::now(),
        draft,
    )
    .await?;
    // The `Created` event carries no clock mark or search text; the case itself is all there is.
    state.publish(vec![case.clone()], &[]);
    Ok(case)
}

/// The case as stored now (another tab may have saved a moment ago), or this tab's copy.
pub async fn stored_case(state: AppState, id: Uuid) -> Option<Case> {
    let from_disk = match database() {
        Ok(db) => stored::load_case(&db, id).await.ok().flatten(),
        Err(_) => None,
    };
    from_disk.or_else(|| state.case(id))
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq)]
pub enum Edited {
    /// Saved; the case as it now is.
    Saved(Box<Case>),
    /// Every edit left the case as it was: nothing was written.
    Unchanged,
}

/// Applies `edits` in order to the case as stored now and saves the result in one transaction.
///
/// `seen` is the case as the form showed it when editing began. If another tab saved since,
/// only the fields this form changed are applied, so theirs stay; a field both changed is not
/// saved (`AppError::Clash`, with both values and their case, to show next).
pub async fn edit(
    state: AppState,
    id: Uuid,
    edits: Vec<CaseEdit>,
    seen: Option<Case>,
    draft: Option<FormDraft>,
) -> Result<Edited, AppError> {
    let before = stored_case(state, id).await.ok_or(AppError::Gone)?;
    let scope = state.edit_scope();
    let ctx = scope.ctx();
    let edits = match seen.filter(|b| b.revision != before.revision) {
        None => edits,
        Some(seen) => {
            rebase_edits(&seen, &before, edits, &ctx, browser::new_id).map_err(|message| {
                AppError::Clash {
                    message,
                    theirs: Box::new(before.clone()),
                }
            })?
        }
    };
    let mut next = before.clone();
    let mut events: Vec<CaseEvent> = Vec::new();
    for edit in edits {
        match next.apply(edit, &ctx, browser::new_id) {
            Ok((case, new)) => {
                next = case;
                events.extend(new);
            }
            Err(DomainError::NoChange) => {}
            Err(e) => return Err(AppError::Refused(e.to_string())),
        }
    }
    if events.is_empty() {
        return Ok(Edited::Unchanged);
    }
    let change = Change {
        expected_revision: before.revision,
        next,
        events,
    };
    let saved = change.next.clone();
    commit(state, vec![(before, change)], draft).await?;
    Ok(Edited::Saved(Box::new(saved)))
}

/// Adds a note on top of whatever is stored now (a note only adds to the log), deleting the
/// note's draft in the same transaction.
pub async fn add_note(
    state: AppState,
    id: Uuid,
    text: &str,
    draft: Option<FormDraft>,
) -> Result<(), AppError> {
    let before = stored_case(state, id).await.ok_or(AppError::Gone)?;
    let (next, event) = before
        .note(text, browser::new_id(), &state.actor(), browser::now())
        .map_err(|e| AppError::Refused(e.to_string()))?;
    let change = Change {
        expected_revision: before.revision,
        next,
        events: vec![event],
    };
    commit(state, vec![(before, change)], draft).await
}

/// Puts the case back as `snapshot` had it (the Undo of a status move), logged as events like
/// any change, over whatever is stored now.
pub async fn undo_to(state: AppState, id: Uuid, snapshot: Case) -> Result<(), AppError> {
    let current = stored_case(state, id).await.ok_or(AppError::Gone)?;
    match current.restore(&snapshot, &state.actor(), browser::now(), browser::new_id) {
        Ok((next, events)) => {
            let change = Change {
                expected_revision: current.revision,
                next,
                events,
            };
            commit(state, vec![(current, change)], None).await
        }
        Err(DomainError::NoChange) => Ok(()),
        Err(e) => Err(AppError::Refused(e.to_string())),
    }
}

/// What `log` stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub case: Case,
    /// The status move asked for was refused (and why); the events were logged all the same.
    pub status_refused: Option<String>,
}

/// Logs what happened on a case (an email, a call, a hand-off, a checklist step…), with an
/// optional status move, in one transaction that also deletes the form's draft. What happened
/// happened: a move the workflow refuses (an untriaged case cannot wait on a partner) does not
/// stop the events from being logged; the refusal comes back beside them.
pub async fn log(
    state: AppState,
    id: Uuid,
    kinds: Vec<EventKind>,
    status: Option<CaseStatus>,
    draft: Option<FormDraft>,
) -> Result<Logged, AppError> {
    let before = stored_case(state, id).await.ok_or(AppError::Gone)?;
    let now = browser::now();
    let actor = state.actor();
    let mut next = before.clone();
    let mut events = Vec::new();
    for kind in kinds {
        let (case, event) = next
            .record(kind, browser::new_id(), &actor, now)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        next = case;
        events.push(event);
    }
    let mut status_refused = None;
    if let Some(to) = status.filter(|to| *to != next.status) {
        let scope = state.edit_scope();
        let edit = CaseEdit::Status {
            to,
            resolution: String::new(),
        };
        match next.apply(edit, &scope.ctx(), browser::new_id) {
            Ok((case, moved)) => {
                next = case;
                events.extend(moved);
            }
            Err(DomainError::NoChange) => {}
            Err(e) => {
                status_refused = Some(format!(
                    "Logged, but the case stays {}: it cannot move to {} yet ({e}).",
                    next.status.label(),
                    to.label()
                ));
            }
        }
    }
    let saved = next.clone();
    let change = Change {
        expected_revision: before.revision,
        next,
        events,
    };
    commit(state, vec![(before, change)], draft).await?;
    Ok(Logged {
        case: saved,
        status_refused,
    })
}

/// Writes many changes in one transaction: all of them, or (on any conflict or error) none.
/// `before` holds each case as the changes were planned from, for settling the ones resolved.
pub async fn change_many(
    state: AppState,
    before: Vec<Case>,
    changes: Vec<Change>,
) -> Result<(), AppError> {
    let pairs: Vec<(Case, Change)> = changes
        .into_iter()
        .filter_map(|change| {
            let case = before.iter().find(|c| c.id == change.next.id)?.clone();
            Some((case, change))
        })
        .collect();
    commit(state, pairs, None).await
}

/// Adds the SLA results to every change that resolves its case, writes them all in one
/// transaction (consuming what the form had of its `draft` with a single change), and publishes them.
pub(super) async fn commit(
    state: AppState,
    pairs: Vec<(Case, Change)>,
    draft: Option<FormDraft>,
) -> Result<(), AppError> {
    let changes = settled(state, pairs);
    let db = database()?;
    let started = browser::performance_now();
    match changes.as_slice() {
        [one] => {
            stored::save_change(
                &db,
                one.expected_revision,
                &one.next,
                &one.events,
                draft.as_ref(),
            )
            .await?
        }
        many => stored::save_changes(&db, many).await?,
    }
    browser::measure("edit-commit", started);
    publish_changes(state, changes);
    Ok(())
}

/// Each change with its `SlaSettled` event added when it resolves its case.
pub(super) fn settled(state: AppState, pairs: Vec<(Case, Change)>) -> Vec<Change> {
    let engine = state.engine.get_untracked();
    let actor = state.actor();
    pairs
        .into_iter()
        .map(|(before, mut change)| {
            if let Some(super::board::Engine(engine)) = &engine {
                let marks = state
                    .marks
                    .with_untracked(|m| m.get(&before.id).cloned().unwrap_or_default());
                if let Some(event) = settlement(
                    &before,
                    &marks,
                    &change.events,
                    engine.as_ref(),
                    browser::new_id(),
                    &actor,
                ) {
                    change.events.push(event);
                }
            }
            change
        })
        .collect()
}

/// Shows saved changes in this tab's model and tells other tabs.
pub(super) fn publish_changes(state: AppState, changes: Vec<Change>) {
    let events: Vec<CaseEvent> = changes.iter().flat_map(|c| c.events.clone()).collect();
    state.publish(changes.into_iter().map(|c| c.next).collect(), &events);
}

/// Every event of one case, read from storage: the timeline a case page shows.
pub async fn timeline(
    id: Uuid,
) -> Result<crate::storage::records::Loaded<CaseEvent>, crate::storage::StorageError> {
    stored::load_events(&database()?, id).await
}

/// Writes a generated sample of `size` cases after the existing ones, then shows it here and in
/// other tabs. Used by the first-run offer and by "Try it at scale".
pub async fn load_sample(state: AppState, seed: u64, size: usize) -> Result<(), AppError> {
    let db = database()?;
    browser::mark("sample: asked");
    // Fetched before the transaction opens: an await on the network inside it would end it.
    let make = super::on_demand::sample_maker().await?;
    browser::mark("sample: code loaded");
    let now = browser::now();
    stored::load_sample_data(&db, |first| {
        let desk = make(seed, size, first, now);
        browser::mark("sample: made");
        desk
    })
    .await?;
    browser::mark("sample: stored");
    // The sample brings problems and worksheets as well as cases.
    state
        .problems
        .set(crate::storage::problems::load_problems(&db).await?.items);
    state
        .rcas
        .set(crate::storage::rcas::load_rcas(&db).await?.items);
    state.reload_cases_and_marks().await?;
    browser::mark("sample: cases read back");
    state.reload_texts().await;
    super::state::announce_change();
    browser::mark("sample: shown");
    Ok(())
}
