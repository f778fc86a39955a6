//! JSON records kept in the `meta` store (settings, sync progress, reviews, set-aside copies, removals): written, read with a default when absent or unreadable, and changed in one transaction with an unreadable record kept aside rather than written over.

use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StorageError;
use super::schema::META;
use super::transactions::{begin, begin_writing};

/// A settings document or any other JSON record as stored in `meta`.
pub(super) fn to_json<T: Serialize>(value: &T) -> String {
    // Proof: these records are derived Serialize over strings, numbers, dates, maps with
    // string keys and lists, which serde_json writes to memory without error.
    #[allow(clippy::expect_used)]
    serde_json::to_string(value).expect("meta records always serialise")
}

/// One JSON record of `meta`, read in its own transaction; the default when there is none or
/// it cannot be read. For the progress that means pulling again from the start; for the
/// reviews, fetching them again from the server (the next change keeps the unreadable record
/// aside first, `update_reviews`).
pub(super) async fn read_meta_json<T: DeserializeOwned + Default>(
    db: &Database,
    key: &str,
) -> Result<T, StorageError> {
    let tx = begin(db, META)?;
    let stored: Option<String> = tx.object_store(META)?.get(key).primitive()?.await?;
    Ok(decode_or_default(stored))
}

fn decode_or_default<T: DeserializeOwned + Default>(stored: Option<String>) -> T {
    stored
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Reads one JSON record of `meta`, changes it and writes it back in one transaction. A record
/// that cannot be read is kept under `unreadable_key` (the first one only: safe mode's raw
/// backup carries it) rather than written over, and the change starts from the default.
pub(super) async fn update_meta_json<T: Serialize + DeserializeOwned + Default>(
    db: &Database,
    key: &str,
    unreadable_key: &str,
    change: impl FnOnce(&mut T),
) -> Result<T, StorageError> {
    let tx = begin_writing(db, META)?;
    let value = change_meta_json(&tx.object_store(META)?, key, unreadable_key, change).await?;
    tx.commit().await?;
    Ok(value)
}

/// [`update_meta_json`] inside a transaction the caller holds and commits, so the change lands
/// with the caller's other writes or not at all.
pub(super) async fn change_meta_json<T: Serialize + DeserializeOwned + Default>(
    store: &ObjectStore<'_>,
    key: &str,
    unreadable_key: &str,
    change: impl FnOnce(&mut T),
) -> Result<T, StorageError> {
    let stored: Option<String> = store.get(key).primitive()?.await?;
    let mut value = match stored.map(|text| (serde_json::from_str(&text), text)) {
        None => T::default(),
        Some((Ok(value), _)) => value,
        Some((Err(_), text)) => {
            let kept: Option<String> = store.get(unreadable_key).primitive()?.await?;
            if kept.is_none() {
                store.put(text).with_key(unreadable_key).build()?;
            }
            T::default()
        }
    };
    change(&mut value);
    store.put(to_json(&value)).with_key(key).build()?;
    Ok(value)
}
