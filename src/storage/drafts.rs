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

/// Where the drafts set aside for `key` are kept: earlier drafts that arrived after the person
/// had started typing something else, so their typing was not replaced and the earlier text
/// was not put back over it either. Kept until the form is saved for real.
fn set_aside_key(key: &DraftKey) -> String {
    format!("aside:{key}")
}

/// Deletes the draft `key` and its set-aside drafts in `tx`: the form's text was saved for real.
pub(super) fn delete_consumed(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    key: &DraftKey,
) -> Result<(), StorageError> {
    let store = tx.object_store(DRAFTS)?;
    store.delete(key.to_string()).build()?;
    store.delete(set_aside_key(key)).build()?;
    Ok(())
}

/// Adds `earlier` to the drafts set aside for `key` (unless it is already the newest there), in
/// one transaction, so it outlives the notice that shows it and the tab that showed it.
pub async fn set_aside_draft(
    db: &Database,
    key: &DraftKey,
    earlier: &str,
) -> Result<(), StorageError> {
    let tx = begin_writing(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    let stored: Option<String> = store.get(set_aside_key(key)).primitive()?.await?;
    let mut kept = stored.as_deref().map(decode_set_aside).unwrap_or_default();
    if kept.last().map(String::as_str) != Some(earlier) {
        kept.push(earlier.to_string());
    }
    store
        .put(encode_set_aside(&kept))
        .with_key(set_aside_key(key))
        .build()?;
    tx.commit().await?;
    Ok(())
}

/// The drafts set aside for `key`, oldest first (none when there are none).
pub async fn load_set_aside(db: &Database, key: &DraftKey) -> Result<Vec<String>, StorageError> {
    let tx = begin(db, DRAFTS)?;
    let store = tx.object_store(DRAFTS)?;
    let stored: Option<String> = store.get(set_aside_key(key)).primitive()?.await?;
    Ok(stored.as_deref().map(decode_set_aside).unwrap_or_default())
}

/// A stored list of set-aside drafts. A record that is not such a list (damaged, or written by
/// hand) is kept whole as one draft rather than dropped: it is someone's text.
pub fn decode_set_aside(stored: &str) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(stored).unwrap_or_else(|_| vec![stored.to_string()])
}

fn encode_set_aside(kept: &[String]) -> String {
    // A list of strings always serialises; the fallback keeps the newest text if it ever did not.
    serde_json::to_string(kept).unwrap_or_else(|_| kept.last().cloned().unwrap_or_default())
}
