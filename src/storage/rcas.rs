//! RCA worksheets in their own store: load them all, open one with the next `RCA-` number, and save with a revision check.

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use uuid::Uuid;

use super::StorageError;
use super::cases::read_all;
use super::drafts::FormDraft;
use super::records::{Loaded, decode_all, decode_rca, encode_rca};
use super::schema::{DRAFTS, META, NEXT_RCA_NUMBER, RCAS};
use super::transactions::{begin, begin_writing};
use crate::domain::rca::{Rca, RcaContent, RcaKey};

pub async fn load_rcas(db: &Database) -> Result<Loaded<Rca>, StorageError> {
    let tx = begin(db, RCAS)?;
    let (keys, values) = read_all(&tx.object_store(RCAS)?).await?;
    let mut loaded = decode_all(&keys, &values, decode_rca);
    loaded.items.sort_by_key(|r| std::cmp::Reverse(r.key));
    Ok(loaded)
}

/// One worksheet as stored now, e.g. to replay unsaved edits on top of another tab's save.
pub async fn load_rca(db: &Database, id: Uuid) -> Result<Option<Rca>, StorageError> {
    let stored = super::cases::read_one(db, RCAS, id).await?;
    stored
        .map(|text| decode_rca(&id.to_string(), &text))
        .transpose()
}

/// Opens a draft worksheet with the next `RCA-` number, allocated in the same transaction so
/// two tabs never hand out the same key.
pub async fn create_rca(
    db: &Database,
    content: RcaContent,
    id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Rca, StorageError> {
    let tx = begin_writing(db, [RCAS, META])?;
    let meta = tx.object_store(META)?;
    let stored: Option<u32> = meta.get(NEXT_RCA_NUMBER).primitive()?.await?;
    let number = stored.unwrap_or(1);
    let rca = Rca::create(id, RcaKey(number), content, actor, now)
        .map_err(|e| StorageError::Rejected(e.to_string()))?;
    super::records::refuse_invalid(&rca)?;
    let store = tx.object_store(RCAS)?;
    let key = rca.id.to_string();
    let existing: Option<String> = store.get(key.as_str()).primitive()?.await?;
    if existing.is_some() {
        return Err(StorageError::Rejected(format!(
            "a worksheet with id {key} already exists"
        )));
    }
    store.put(encode_rca(&rca)).with_key(key).build()?;
    meta.put(number.saturating_add(1))
        .with_key(NEXT_RCA_NUMBER)
        .build()?;
    tx.commit().await?;
    Ok(rca)
}

/// Writes `rca` if the stored copy is still at `expected_revision`, and deletes the editor's
/// draft in the same transaction, so a saved worksheet never comes back as an unsaved draft.
pub async fn save_rca(
    db: &Database,
    expected_revision: u64,
    rca: &Rca,
    draft: Option<&FormDraft>,
) -> Result<(), StorageError> {
    let tx = begin_writing(db, [RCAS, DRAFTS])?;
    super::records::refuse_invalid(rca)?;
    let store = tx.object_store(RCAS)?;
    let key = rca.id.to_string();
    let stored: Option<String> = store.get(key.as_str()).primitive()?.await?;
    let found = match stored {
        Some(text) => decode_rca(&key, &text)?.revision,
        None => return Err(StorageError::NotFound(format!("worksheet {}", rca.key))),
    };
    if found != expected_revision {
        return Err(StorageError::Conflict {
            what: rca.key.to_string(),
            expected: expected_revision,
            found,
        });
    }
    store.put(encode_rca(rca)).with_key(key).build()?;
    if let Some(draft) = draft {
        super::drafts::delete_consumed(&tx, draft).await?;
    }
    tx.commit().await?;
    Ok(())
}
