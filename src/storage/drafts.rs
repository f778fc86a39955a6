//! Unsent text (a half-typed note, an unfinished intake form), saved as the user types so a reload loses nothing.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;

use super::schema::DRAFTS;
use super::transactions::{begin, begin_writing};
use super::{DraftKey, StorageError};

/// Stores `text` under `key`, replacing any earlier draft. An empty text deletes the draft.
pub async fn save_draft(db: &Database, key: &DraftKey, text: &str) -> Result<(), StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    if text.is_empty() {
        store.delete(key.to_string()).build()?;
    } else {
        store.put(text).with_key(key.to_string()).build()?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn load_draft(db: &Database, key: &DraftKey) -> Result<Option<String>, StorageError> {
    let tx = begin(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    Ok(store.get(key.to_string()).primitive()?.await?)
}
