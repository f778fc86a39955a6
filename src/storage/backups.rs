//! Snapshots of everything, taken before an import or a restore: stored whole, listed from an index in `meta`, the newest few kept.

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};

use super::StorageError;
use super::meta_json::to_json;
use super::schema::{BACKUPS, META};
use super::settings::read_document;
use super::transactions::{begin, begin_writing};

/// The list of snapshots, kept in `meta` so the Data page never reads a snapshot to list it.
const BACKUP_INDEX: &str = "backup_index";
/// Automatic snapshots kept; the oldest goes when a new one is taken.
pub const BACKUPS_KEPT: usize = 5;

/// One stored snapshot, as listed on the Data page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Why it was taken, e.g. "before importing escalation-desk-2026-11-30-cases-12.json".
    pub reason: String,
    pub cases: usize,
    pub bytes: usize,
}

impl crate::domain::validate::Validate for BackupInfo {
    fn validate(&self, c: &mut crate::domain::validate::Checker) {
        use crate::domain::validate::{KEYWORD, LINE};
        c.text("id", &self.id, KEYWORD);
        c.time("at", self.at);
        c.text("reason", &self.reason, LINE);
    }
}

/// Stores a snapshot and trims the list to the newest `BACKUPS_KEPT`, in one transaction.
pub async fn save_backup(db: &Database, info: &BackupInfo, text: &str) -> Result<(), StorageError> {
    let tx = begin_writing(db, [BACKUPS, META])?;
    let meta = tx.object_store(META)?;
    let mut index = read_document::<Vec<BackupInfo>>(&meta, BACKUP_INDEX).await?;
    let backups = tx.object_store(BACKUPS)?;
    backups.put(text).with_key(info.id.as_str()).build()?;
    index.push(info.clone());
    index.sort_by_key(|b| std::cmp::Reverse(b.at));
    for old in index.iter().skip(BACKUPS_KEPT) {
        backups.delete(old.id.as_str()).build()?;
    }
    index.truncate(BACKUPS_KEPT);
    meta.put(to_json(&index)).with_key(BACKUP_INDEX).build()?;
    tx.commit().await?;
    Ok(())
}

/// The stored snapshots, newest first.
pub async fn list_backups(db: &Database) -> Result<Vec<BackupInfo>, StorageError> {
    let tx = begin(db, META)?;
    read_document(&tx.object_store(META)?, BACKUP_INDEX).await
}

/// One snapshot's bundle text.
pub async fn load_backup(db: &Database, id: &str) -> Result<String, StorageError> {
    let tx = begin(db, BACKUPS)?;
    let text: Option<String> = tx.object_store(BACKUPS)?.get(id).primitive()?.await?;
    text.ok_or_else(|| StorageError::NotFound(format!("backup {id}")))
}
