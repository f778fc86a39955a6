//! Writes to problems: open one, link a case to it, and resolve it with its cascade over every linked case (settling each resolved case's clocks like any other resolve).

use leptos::prelude::*;
use uuid::Uuid;

use super::AppError;
use super::cases::{Change, publish_changes, settled};
use super::state::{AppState, database, note_write};
use crate::browser;
use crate::domain::case::CaseEdit;
use crate::domain::problem::Problem;
use crate::domain::{Case, CaseEvent, DomainError};
use crate::storage::cases as stored_cases;
use crate::storage::problems as stored;

/// Opens a problem record and shows it in every view.
pub async fn open(state: AppState, title: &str, description: &str) -> Result<Problem, AppError> {
    let db = database()?;
    let problem = stored::create_problem(
        &db,
        title,
        description,
        browser::new_id(),
        &state.actor(),
        browser::now(),
    )
    .await?;
    state.problems.update(|all| all.push(problem.clone()));
    note_write();
    Ok(problem)
}

/// Links `case` to the problem `problem_id`; refused when it already is.
pub async fn link(state: AppState, case: Case, problem_id: Uuid) -> Result<Case, AppError> {
    let scope = state.edit_scope();
    let (next, events) = match case.apply(
        CaseEdit::Problem(Some(problem_id)),
        &scope.ctx(),
        browser::new_id,
    ) {
        Ok(done) => done,
        Err(DomainError::NoChange) => {
            return Err(AppError::Refused(format!("{} is already linked", case.key)));
        }
        Err(e) => return Err(AppError::Refused(e.to_string())),
    };
    let db = database()?;
    stored_cases::save_change(&db, case.revision, &next, &events, None).await?;
    publish_changes(
        state,
        vec![Change {
            expected_revision: case.revision,
            next: next.clone(),
            events,
        }],
    );
    Ok(next)
}

/// Saves `resolved` (the problem as it was, `before`, now resolved) together with the planned
/// cascade, each change given as (case before, case after, its events), in one transaction.
/// Returns how many linked cases changed.
pub async fn resolve(
    state: AppState,
    before: &Problem,
    resolved: Problem,
    cascade: Vec<(Case, Case, Vec<CaseEvent>)>,
) -> Result<usize, AppError> {
    let pairs: Vec<(Case, Change)> = cascade
        .into_iter()
        .map(|(old, next, events)| {
            let change = Change {
                expected_revision: old.revision,
                next,
                events,
            };
            (old, change)
        })
        .collect();
    let changes = settled(state, pairs);
    let db = database()?;
    stored::resolve_problem(&db, before.revision, &resolved, &changes).await?;
    let count = changes.len();
    publish_changes(state, changes);
    state.problems.update(|all| {
        if let Some(slot) = all.iter_mut().find(|p| p.id == resolved.id) {
            *slot = resolved;
        }
    });
    note_write();
    Ok(count)
}
