//! Unsaved text kept while a person types: write it, read it back on the next visit, remove it; the one place drafts reach storage.

use super::AppError;
use super::state::{database, database_when_open};
/// Which form a draft belongs to; pages name drafts only through it.
pub use crate::storage::DraftKey;
use crate::storage::drafts as stored;

/// Keeps `text` as the draft `key`; an empty text removes the draft.
pub async fn keep(key: &DraftKey, text: &str) -> Result<(), AppError> {
    stored::save_draft(&database()?, key, text).await?;
    Ok(())
}

/// Removes the draft `key` now.
pub async fn remove(key: &DraftKey) -> Result<(), AppError> {
    keep(key, "").await
}

/// The draft `key`, once the database is open: `Ok(None)` when there is definitely none, an
/// error when it could not be read (a caller must then not start a new draft over it).
pub async fn read(key: &DraftKey) -> Result<Option<String>, AppError> {
    let Some(db) = database_when_open().await else {
        return Err(AppError::Refused("the database is not open".into()));
    };
    Ok(stored::load_draft(&db, key).await?)
}
