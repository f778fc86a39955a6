//! Case and event persistence: each public function is exactly one IndexedDB transaction.

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use uuid::Uuid;

use super::StorageError;
use super::records::{
    Loaded, decode_all, decode_case, decode_event, encode_case, encode_event, event_key,
    event_key_range,
};
use super::schema::{CASE_EVENTS, CASES, DRAFTS, META};
use crate::domain::case::CaseKey;
use crate::domain::sample::{self, SampleCase};
use crate::domain::{Case, CaseEvent, ValidNewCase};

const NEXT_CASE_NUMBER: &str = "next_case_number";

/// Every case, in no particular order, plus a report of any record that could not be read.
/// One `getAll` of JSON strings: the fastest bulk read IndexedDB has.
pub async fn load_cases(db: &Database) -> Result<Loaded<Case>, StorageError> {
    let tx = db.transaction(CASES).build()?;
    let store = tx.object_store(CASES)?;
    let keys = store.get_all_keys::<String>().build()?;
    let values = store.get_all::<String>().build()?;
    let keys: Vec<String> = keys.await?.collect::<Result<_, _>>()?;
    let values: Vec<String> = values.await?.collect::<Result<_, _>>()?;
    Ok(decode_all(&keys, &values, decode_case))
}

/// One case's events, oldest first (the key order is the timeline order).
pub async fn load_events(db: &Database, case_id: Uuid) -> Result<Loaded<CaseEvent>, StorageError> {
    let tx = db.transaction(CASE_EVENTS).build()?;
    let store = tx.object_store(CASE_EVENTS)?;
    let range = event_key_range(case_id);
    let keys = store
        .get_all_keys::<String>()
        .with_query(range.clone())
        .build()?;
    let values = store.get_all::<String>().with_query(range).build()?;
    let keys: Vec<String> = keys.await?.collect::<Result<_, _>>()?;
    let values: Vec<String> = values.await?.collect::<Result<_, _>>()?;
    Ok(decode_all(&keys, &values, decode_event))
}

/// Allocates the next key, writes the case and its `Created` event, and clears the intake draft,
/// all in one transaction so two tabs can never hand out the same key.
pub async fn create_case(
    db: &Database,
    input: ValidNewCase,
    id: Uuid,
    event_id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
    draft_key: Option<&str>,
) -> Result<Case, StorageError> {
    let tx = db
        .transaction([CASES, CASE_EVENTS, META, DRAFTS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let meta = tx.object_store(META)?;
    let number = read_next_number(&meta).await?;
    let (case, event) = Case::open(
        input,
        id,
        CaseKey::from_number(number),
        event_id,
        actor,
        now,
    );
    tx.object_store(CASES)?
        .put(encode_case(&case))
        .with_key(case.id.to_string())
        .build()?;
    tx.object_store(CASE_EVENTS)?
        .put(encode_event(&event))
        .with_key(event_key(&event))
        .build()?;
    meta.put(number + 1).with_key(NEXT_CASE_NUMBER).build()?;
    if let Some(draft) = draft_key {
        tx.object_store(DRAFTS)?.delete(draft).build()?;
    }
    tx.commit().await?;
    Ok(case)
}

/// Writes a changed case with the event that explains it, refusing if another writer got there first.
/// `draft_key` names a draft that this change consumes; it is deleted in the same transaction.
pub async fn save_change(
    db: &Database,
    expected_revision: u64,
    next: &Case,
    event: &CaseEvent,
    draft_key: Option<&str>,
) -> Result<(), StorageError> {
    let tx = db
        .transaction([CASES, CASE_EVENTS, DRAFTS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let cases = tx.object_store(CASES)?;
    let key = next.id.to_string();
    let stored: Option<String> = cases.get(key.as_str()).primitive()?.await?;
    let Some(stored) = stored else {
        return Err(StorageError::NotFound(format!("case {}", next.key)));
    };
    let current = decode_case(&key, &stored)?;
    if current.revision != expected_revision {
        return Err(StorageError::Conflict {
            what: next.key.to_string(),
            expected: expected_revision,
            found: current.revision,
        });
    }
    cases.put(encode_case(next)).with_key(key).build()?;
    tx.object_store(CASE_EVENTS)?
        .put(encode_event(event))
        .with_key(event_key(event))
        .build()?;
    if let Some(draft) = draft_key {
        tx.object_store(DRAFTS)?.delete(draft).build()?;
    }
    tx.commit().await?;
    Ok(())
}

/// Writes a generated set of `size` cases after whatever is already stored, in one transaction.
pub async fn load_sample_data(
    db: &Database,
    seed: u64,
    size: usize,
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    let tx = db
        .transaction([CASES, CASE_EVENTS, META])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let meta = tx.object_store(META)?;
    let first = read_next_number(&meta).await?;
    let set = sample::generate(seed, size, first, now);
    put_all(&tx, &set)?;
    meta.put(first + size as u32)
        .with_key(NEXT_CASE_NUMBER)
        .build()?;
    tx.commit().await?;
    Ok(set.len())
}

fn put_all(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    set: &[SampleCase],
) -> Result<(), StorageError> {
    let cases = tx.object_store(CASES)?;
    let events = tx.object_store(CASE_EVENTS)?;
    for item in set {
        cases
            .put(encode_case(&item.case))
            .with_key(item.case.id.to_string())
            .build()?;
        for event in &item.events {
            events
                .put(encode_event(event))
                .with_key(event_key(event))
                .build()?;
        }
    }
    Ok(())
}

async fn read_next_number(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<u32, StorageError> {
    let stored: Option<u32> = meta.get(NEXT_CASE_NUMBER).primitive()?.await?;
    Ok(stored.unwrap_or(CaseKey::FIRST_NUMBER))
}
