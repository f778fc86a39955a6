//! Writes to root-cause worksheets: open one, save an edit (checked against the revision it was made on), and read the stored copy before editing on top of it.

use leptos::prelude::*;
use uuid::Uuid;

use super::AppError;
use super::drafts::FormDraft;
use super::state::{AppState, database, database_ready, note_write};
use crate::browser;
use crate::domain::rca::{Rca, RcaContent};
use crate::storage::rcas as stored;

/// Opens a worksheet and lists it first.
pub async fn open(state: AppState, content: RcaContent) -> Result<Rca, AppError> {
    let rca = stored::create_rca(
        &database()?,
        content,
        browser::new_id(),
        &state.actor(),
        browser::now(),
    )
    .await?;
    state.rcas.update(|all| all.insert(0, rca.clone()));
    note_write();
    Ok(rca)
}

/// Saves `next` if the stored worksheet is still at `expected`, consuming what the editor had of its `draft` with it.
pub async fn save(
    state: AppState,
    expected: u64,
    next: Rca,
    draft: Option<&FormDraft>,
) -> Result<(), AppError> {
    // Start-up may still be opening the database when a worksheet is saved from the console.
    let db = database_ready().await?;
    stored::save_rca(&db, expected, &next, draft).await?;
    state.rcas.update(|all| {
        if let Some(slot) = all.iter_mut().find(|r| r.id == next.id) {
            *slot = next;
        }
    });
    note_write();
    Ok(())
}

/// Brings this tab's copy of worksheet `id` up to the stored one, when another tab saved a
/// newer revision that was not announced here yet.
pub async fn refresh(state: AppState, id: Uuid) {
    let Ok(db) = database() else { return };
    if let Ok(Some(fresh)) = stored::load_rca(&db, id).await {
        state.rcas.update(|all| {
            if let Some(slot) = all
                .iter_mut()
                .find(|r| r.id == id && r.revision < fresh.revision)
            {
                *slot = fresh;
            }
        });
    }
}
