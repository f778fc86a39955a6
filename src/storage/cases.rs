//! Case and event persistence: each public function is exactly one IndexedDB transaction.

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use uuid::Uuid;

use super::StorageError;
use super::records::{
    Loaded, append_marks, append_to_log, decode_all, decode_case, decode_clock_log, decode_log,
    encode_case, encode_clock_log, encode_log, searchable_text,
};
use super::schema::{CASE_LOGS, CASE_TEXT, CASES, CLOCK_LOG, DRAFTS, META};
use crate::domain::case::CaseKey;
use crate::domain::priority::PriorityMatrix;
use crate::domain::sample::{self, SampleCase};
use crate::domain::{Case, CaseEvent, ValidNewCase};

pub(super) const NEXT_CASE_NUMBER: &str = "next_case_number";

/// Every case, in no particular order, plus a report of any record that could not be read.
/// One `getAll` of JSON strings: the fastest bulk read IndexedDB has.
pub async fn load_cases(db: &Database) -> Result<Loaded<Case>, StorageError> {
    let tx = db.transaction(CASES).build()?;
    let (keys, values) = read_all(&tx.object_store(CASES)?).await?;
    Ok(decode_all(&keys, &values, decode_case))
}

/// Every key and value of a store, both requested before either is awaited.
pub(super) async fn read_all(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<(Vec<String>, Vec<String>), StorageError> {
    let keys = store.get_all_keys::<String>().build()?;
    let values = store.get_all::<String>().build()?;
    let keys: Vec<String> = keys.await?.collect::<Result<_, _>>()?;
    let values: Vec<String> = values.await?.collect::<Result<_, _>>()?;
    Ok((keys, values))
}

/// The stored text under `id` in `store`, in a read transaction of its own.
pub(super) async fn read_one(
    db: &Database,
    store: &str,
    id: Uuid,
) -> Result<Option<String>, StorageError> {
    let tx = db.transaction(store).build()?;
    Ok(tx
        .object_store(store)?
        .get(id.to_string())
        .primitive()?
        .await?)
}

/// One case as stored now, e.g. to apply an edit over what another tab saved a moment ago.
pub async fn load_case(db: &Database, id: Uuid) -> Result<Option<Case>, StorageError> {
    let text = read_one(db, CASES, id).await?;
    text.map(|t| decode_case(&id.to_string(), &t)).transpose()
}

/// One case's events, oldest first (the log is stored in timeline order).
pub async fn load_events(db: &Database, case_id: Uuid) -> Result<Loaded<CaseEvent>, StorageError> {
    let log = read_one(db, CASE_LOGS, case_id).await?;
    Ok(decode_log(
        &case_id.to_string(),
        log.as_deref().unwrap_or_default(),
    ))
}

/// Allocates the next key, writes the case and its `Created` event, and clears the intake draft,
/// all in one transaction so two tabs can never hand out the same key.
#[allow(clippy::too_many_arguments)]
pub async fn create_case(
    db: &Database,
    input: ValidNewCase,
    matrix: &PriorityMatrix,
    id: Uuid,
    event_id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
    draft_key: Option<&str>,
) -> Result<Case, StorageError> {
    let tx = db
        .transaction([CASES, CASE_LOGS, META, DRAFTS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let meta = tx.object_store(META)?;
    let number = read_next_number(&meta).await?;
    let (case, event) = Case::open(
        input,
        matrix,
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
    tx.object_store(CASE_LOGS)?
        .put(encode_log(std::slice::from_ref(&event)))
        .with_key(case.id.to_string())
        .build()?;
    meta.put(number + 1).with_key(NEXT_CASE_NUMBER).build()?;
    if let Some(draft) = draft_key {
        tx.object_store(DRAFTS)?.delete(draft).build()?;
    }
    tx.commit().await?;
    Ok(case)
}

/// Writes a changed case with the events that explain it, refusing if another writer got there first.
/// `draft_key` names a draft that this change consumes; it is deleted in the same transaction.
pub async fn save_change(
    db: &Database,
    expected_revision: u64,
    next: &Case,
    events: &[CaseEvent],
    draft_key: Option<&str>,
) -> Result<(), StorageError> {
    let tx = db
        .transaction([CASES, CASE_LOGS, CASE_TEXT, CLOCK_LOG, DRAFTS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    write_changes(&tx, &[(expected_revision, next, events)]).await?;
    if let Some(draft) = draft_key {
        tx.object_store(DRAFTS)?.delete(draft).build()?;
    }
    tx.commit().await?;
    Ok(())
}

/// One case's part of a bulk change: the revision it was read at, its new state, and why.
pub struct Change {
    pub expected_revision: u64,
    pub next: Case,
    pub events: Vec<CaseEvent>,
}

impl Change {
    /// The borrowed form `write_changes` takes.
    pub fn as_batch(changes: &[Change]) -> Vec<(u64, &Case, &[CaseEvent])> {
        changes
            .iter()
            .map(|c| (c.expected_revision, &c.next, c.events.as_slice()))
            .collect()
    }
}

/// Writes many changes in one transaction: all of them, or (on any conflict or error) none.
pub async fn save_changes(db: &Database, changes: &[Change]) -> Result<(), StorageError> {
    let tx = db
        .transaction([CASES, CASE_LOGS, CASE_TEXT, CLOCK_LOG])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    write_changes(&tx, &Change::as_batch(changes)).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks every revision, then writes every case, event and search-text addition.
/// An error returns before `commit()`, so the caller's transaction rolls back whole.
pub(super) async fn write_changes(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    batch: &[(u64, &Case, &[CaseEvent])],
) -> Result<(), StorageError> {
    let cases = tx.object_store(CASES)?;
    // Requests go out when built, so all reads are in flight before the first is awaited:
    // one round trip for the batch instead of one per case.
    let reads = batch
        .iter()
        .map(|(_, next, _)| Ok(cases.get::<String, _, _>(next.id.to_string()).primitive()?))
        .collect::<Result<Vec<_>, StorageError>>()?;
    for ((expected_revision, next, _), stored_case) in batch.iter().zip(reads) {
        check_revision(*expected_revision, next, stored_case.await?)?;
    }
    for (_, next, _) in batch {
        cases
            .put(encode_case(next))
            .with_key(next.id.to_string())
            .build()?;
    }
    let events: Vec<(uuid::Uuid, &[CaseEvent])> = batch
        .iter()
        .map(|(_, next, events)| (next.id, *events))
        .collect();
    write_events(tx, &events).await
}

/// Appends events to the log and keeps the search text and clock log that derive from them in step.
async fn write_events(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    batch: &[(Uuid, &[CaseEvent])],
) -> Result<(), StorageError> {
    let texts = tx.object_store(CASE_TEXT)?;
    let clocks = tx.object_store(CLOCK_LOG)?;
    let logs = tx.object_store(CASE_LOGS)?;
    let reads = batch
        .iter()
        .map(|(case_id, _)| {
            let key = case_id.to_string();
            Ok((
                logs.get::<String, _, _>(key.clone()).primitive()?,
                texts.get::<String, _, _>(key.clone()).primitive()?,
                clocks.get::<String, _, _>(key).primitive()?,
            ))
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    for ((case_id, events), (stored_log, stored_text, stored_marks)) in batch.iter().zip(reads) {
        let key = case_id.to_string();
        let (stored_log, existing_text, stored_marks) =
            (stored_log.await?, stored_text.await?, stored_marks.await?);
        let Some(log) = append_to_log(stored_log.as_deref(), events) else {
            // Every event is already logged (the same breach from two tabs): nothing to add.
            continue;
        };
        logs.put(log).with_key(key.as_str()).build()?;
        let mut added = String::new();
        for event in events.iter() {
            added.extend(searchable_text(event));
        }
        if !added.is_empty() {
            texts
                .put(existing_text.unwrap_or_default() + &added)
                .with_key(key.as_str())
                .build()?;
        }
        let mut marks = match stored_marks {
            Some(text) => decode_clock_log(&key, &text)?,
            None => Vec::new(),
        };
        if append_marks(&mut marks, events) {
            clocks.put(encode_clock_log(&marks)).with_key(key).build()?;
        }
    }
    Ok(())
}

/// Appends events that change nothing about the case record itself (a breach the clocks found),
/// in one transaction. Events have fixed ids, so writing the same one twice leaves one copy.
pub async fn append_events(db: &Database, events: &[CaseEvent]) -> Result<(), StorageError> {
    let tx = db
        .transaction([CASE_LOGS, CASE_TEXT, CLOCK_LOG])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let mut by_case: std::collections::BTreeMap<Uuid, Vec<CaseEvent>> = Default::default();
    for event in events {
        by_case
            .entry(event.case_id)
            .or_default()
            .push(event.clone());
    }
    let batch: Vec<(Uuid, &[CaseEvent])> = by_case
        .iter()
        .map(|(id, events)| (*id, events.as_slice()))
        .collect();
    write_events(&tx, &batch).await?;
    tx.commit().await?;
    Ok(())
}

/// Every case's clock log, keyed by case id, plus a report of any log that could not be read.
pub async fn load_clock_logs(
    db: &Database,
) -> Result<
    (
        std::collections::HashMap<Uuid, Vec<crate::domain::sla::ClockMark>>,
        Vec<StorageError>,
    ),
    StorageError,
> {
    let tx = db.transaction(CLOCK_LOG).build()?;
    let (keys, values) = read_all(&tx.object_store(CLOCK_LOG)?).await?;
    let mut logs = std::collections::HashMap::with_capacity(keys.len());
    let mut unreadable = Vec::new();
    for (key, value) in keys.iter().zip(values.iter()) {
        let Ok(id) = Uuid::parse_str(key) else {
            continue;
        };
        match decode_clock_log(key, value) {
            Ok(marks) => {
                logs.insert(id, marks);
            }
            Err(e) => unreadable.push(e),
        }
    }
    Ok((logs, unreadable))
}

fn check_revision(
    expected_revision: u64,
    next: &Case,
    stored: Option<String>,
) -> Result<(), StorageError> {
    let Some(stored) = stored else {
        return Err(StorageError::NotFound(format!("case {}", next.key)));
    };
    let current = decode_case(&next.id.to_string(), &stored)?;
    if current.revision != expected_revision {
        return Err(StorageError::Conflict {
            what: next.key.to_string(),
            expected: expected_revision,
            found: current.revision,
        });
    }
    Ok(())
}

/// The folded note text of every case, keyed by case id, for search.
pub async fn load_case_texts(
    db: &Database,
) -> Result<std::collections::HashMap<Uuid, String>, StorageError> {
    let tx = db.transaction(CASE_TEXT).build()?;
    let (keys, values) = read_all(&tx.object_store(CASE_TEXT)?).await?;
    // A key that is not a case id cannot belong to any case; it is skipped, not an error.
    Ok(keys
        .iter()
        .zip(values)
        .filter_map(|(k, v)| Some((Uuid::parse_str(k).ok()?, v)))
        .collect())
}

/// Writes a generated set of `size` cases after whatever is already stored, in one transaction.
pub async fn load_sample_data(
    db: &Database,
    seed: u64,
    size: usize,
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    let tx = db
        .transaction([CASES, CASE_LOGS, CASE_TEXT, CLOCK_LOG, META])
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
    let logs = tx.object_store(CASE_LOGS)?;
    let texts = tx.object_store(CASE_TEXT)?;
    let clocks = tx.object_store(CLOCK_LOG)?;
    for item in set {
        cases
            .put(encode_case(&item.case))
            .with_key(item.case.id.to_string())
            .build()?;
        logs.put(encode_log(&item.events))
            .with_key(item.case.id.to_string())
            .build()?;
        let text: String = item.events.iter().filter_map(searchable_text).collect();
        if !text.is_empty() {
            texts.put(text).with_key(item.case.id.to_string()).build()?;
        }
        let marks = crate::domain::sla::ClockMark::from_events(&item.events);
        if !marks.is_empty() {
            clocks
                .put(encode_clock_log(&marks))
                .with_key(item.case.id.to_string())
                .build()?;
        }
    }
    Ok(())
}

pub(super) async fn read_next_number(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<u32, StorageError> {
    let stored: Option<u32> = meta.get(NEXT_CASE_NUMBER).primitive()?.await?;
    Ok(stored.unwrap_or(CaseKey::FIRST_NUMBER))
}
