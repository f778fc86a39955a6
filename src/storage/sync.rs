//! Team sync's progress on this device (the pull checkpoint, and which revision of each case the server has), one JSON document in `meta`.

use std::collections::HashMap;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StorageError;
use super::schema::META;

const SYNC_PROGRESS: &str = "sync_progress";

/// How far this device is with one team database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncProgress {
    /// Which server and database this progress is for: another one starts from nothing.
    pub target: String,
    /// The `_changes` sequence pulled up to (CouchDB's opaque text).
    pub since: String,
    /// Per case: the local revision last pushed or pulled, and the server's `_rev` of it.
    pub cases: HashMap<Uuid, (u64, String)>,
    /// Fields both sides changed that were settled to the server's value, all told.
    pub settled: u64,
    /// The latest documents refused on arrival ("id: path: reason"), newest last, at most
    /// `MAX_REFUSED`: kept, so a reload still shows what was refused before it.
    pub refused: Vec<String>,
}

/// Refusals kept in the progress document.
pub const MAX_REFUSED: usize = 50;

/// The stored progress, or a fresh one when there is none or it cannot be read: at worst the
/// next pull starts again from the beginning, which changes nothing already here.
pub async fn load(db: &Database) -> Result<SyncProgress, StorageError> {
    let tx = db.transaction(META).build()?;
    let stored: Option<String> = tx
        .object_store(META)?
        .get(SYNC_PROGRESS)
        .primitive()?
        .await?;
    Ok(stored
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

pub async fn save(db: &Database, progress: &SyncProgress) -> Result<(), StorageError> {
    let text = super::settings::to_json(progress);
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    tx.object_store(META)?
        .put(text)
        .with_key(SYNC_PROGRESS)
        .build()?;
    tx.commit().await?;
    Ok(())
}
