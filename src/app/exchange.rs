//! Moving everything in and out: reading what to export, a snapshot before any import or restore, the import itself (a reviewed merge) and the restore (a replacement); after each write every view is reloaded and other tabs are told.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use uuid::Uuid;

use super::AppError;
use super::state::{AppState, announce_change, database_ready};
use crate::browser;
use crate::bundle::v1::{BundleV1, Exporter, Selection};
use crate::domain::device::OnDevice;
use crate::domain::merge::MergeResult;
use crate::storage::exchange as stored;
pub use crate::storage::exchange::{BACKUPS_KEPT, BackupInfo, Replacement, Stored};

/// The app's version, written into every bundle it makes.
pub fn app_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Who is exporting: the person's name and this profile's device id, created on first use.
pub fn exporter(state: AppState) -> Exporter {
    let mut prefs = state.prefs.get_untracked();
    if prefs.device_id.is_empty() {
        prefs.device_id = browser::new_id().to_string();
        let _ = prefs.save();
        state.prefs.set(prefs.clone());
    }
    Exporter {
        name: prefs.actor(),
        device: prefs.device_id,
    }
}

/// Everything on this device, once start-up has opened the database.
pub async fn read_everything() -> Result<Stored, AppError> {
    Ok(stored::read_everything(&database_ready().await?).await?)
}

/// What an import of cases `incoming` would be merged with.
pub async fn read_for_merge(incoming: &[Uuid]) -> Result<OnDevice, AppError> {
    Ok(stored::read_for_merge(&database_ready().await?, incoming).await?)
}

/// The snapshots kept on this device, newest first.
pub async fn backups() -> Result<Vec<BackupInfo>, AppError> {
    Ok(stored::list_backups(&database_ready().await?).await?)
}

/// The bundle text of snapshot `id`.
pub async fn load_backup(id: &str) -> Result<String, AppError> {
    Ok(stored::load_backup(&database_ready().await?, id).await?)
}

/// Takes a snapshot of everything stored, before an import or restore changes it. If it
/// cannot be kept, the change must not go ahead: the error says so.
pub async fn snapshot(state: AppState, reason: String) -> Result<(), AppError> {
    let db = database_ready().await?;
    let everything = stored::read_everything(&db).await?;
    let now = browser::now();
    let cases = everything.on_device.cases.len();
    let text = BundleV1::build(
        everything.on_device,
        &Selection::Everything,
        exporter(state),
        app_version(),
        now,
    )
    .to_json();
    let info = BackupInfo {
        id: format!("{}-{}", now.timestamp_millis(), browser::new_id().simple()),
        at: now,
        reason,
        cases,
        bytes: text.len(),
    };
    stored::save_backup(&db, &info, &text).await.map_err(|e| {
        AppError::Refused(format!(
            "the snapshot before this change could not be saved, so nothing was changed: {e}"
        ))
    })
}

/// Writes a reviewed merge in one transaction, then shows it everywhere.
pub async fn import(
    state: AppState,
    resolved: &MergeResult,
    on_progress: &dyn Fn(usize, usize),
) -> Result<(), AppError> {
    stored::apply_merge(&database_ready().await?, resolved, on_progress).await?;
    reload_everywhere(state).await;
    Ok(())
}

/// Writes what a team-sync pull merged (the same checked write as an import), then shows only
/// those cases and their new events, in place: a full reload for every pulled page made the
/// first pull of 10k cases quadratic. Other tabs are told, as after any write.
pub async fn apply_pulled(state: AppState, resolved: &MergeResult) -> Result<(), AppError> {
    stored::apply_merge(&database_ready().await?, resolved, &|_, _| {}).await?;
    let events: Vec<crate::domain::CaseEvent> = resolved
        .cases
        .iter()
        .flat_map(|w| w.new_events.iter().cloned())
        .collect();
    let records_changed = resolved.templates.is_some()
        || resolved.partners.is_some()
        || !resolved.playbooks.is_empty()
        || !resolved.problems.is_empty()
        || !resolved.rcas.is_empty();
    if records_changed {
        state.reload_records().await?;
    }
    state.publish(
        resolved.cases.iter().map(|w| w.case.clone()).collect(),
        &events,
    );
    Ok(())
}

/// Replaces everything with `replacement` in one transaction, then shows it everywhere.
pub async fn restore(
    state: AppState,
    replacement: Replacement,
    at: DateTime<Utc>,
    on_progress: &dyn Fn(usize, usize),
) -> Result<(), AppError> {
    stored::replace_everything(&database_ready().await?, replacement, at, on_progress).await?;
    reload_everywhere(state).await;
    Ok(())
}

/// After a write that may touch anything: this tab re-reads it all, other tabs are told.
async fn reload_everywhere(state: AppState) {
    if let Err(e) = state.reload_all().await {
        web_sys::console::warn_1(&format!("Could not refresh after the change: {e}").into());
    }
    announce_change();
}
