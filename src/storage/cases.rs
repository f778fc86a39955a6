//! Case and event persistence: each public function is exactly one IndexedDB transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use uuid::Uuid;

use super::StorageError;
use super::drafts::FormDraft;
use super::paged::{self, Pages};
use super::records::{
    Loaded, append_marks, append_to_log, decode_case, decode_clock_log, decode_log, encode_case,
    encode_clock_log, encode_log, refuse_invalid, searchable_text,
};
use super::records::{encode_problem, encode_rca};
use super::schema::{
    CASE_PAGES, CLOCK_PAGES, DRAFTS, LOG_PAGES, META, NEXT_PROBLEM_NUMBER, NEXT_RCA_NUMBER,
    PROBLEMS, RCAS, TEXT_PAGES,
};
use super::transactions::{begin, begin_writing};
use crate::domain::case::CaseKey;
use crate::domain::priority::PriorityMatrix;
use crate::domain::sample::SampleCase;
use crate::domain::sample_desk::{self, FirstNumbers};
use crate::domain::sla::ClockMark;
use crate::domain::{Case, CaseEvent, ValidNewCase};

pub(super) const NEXT_CASE_NUMBER: &str = "next_case_number";

/// Every case, in no particular order, plus a report of any record that could not be read.
pub async fn load_cases(db: &Database) -> Result<Loaded<Case>, StorageError> {
    let tx = begin(db, CASE_PAGES)?;
    let store = tx.object_store(CASE_PAGES)?;
    let mut loaded = Loaded::default();
    let damaged = paged::read_in_runs(&[(&store, CASE_PAGES)], |_, key, text| {
        loaded.add(decode_case(key, text))
    })
    .await?;
    loaded.unreadable.extend(damaged);
    Ok(loaded)
}

/// Every key and value of an unpaged store, both requested before either is awaited.
pub(super) async fn read_all(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<(Vec<String>, Vec<String>), StorageError> {
    let keys = store.get_all_keys::<String>().build()?;
    let values = store.get_all::<String>().build()?;
    let keys: Vec<String> = keys.await?.collect::<Result<_, _>>()?;
    let values: Vec<String> = values.await?.collect::<Result<_, _>>()?;
    Ok((keys, values))
}

/// The stored text under `id` in the unpaged `store`, in a read transaction of its own.
pub(super) async fn read_one(
    db: &Database,
    store: &str,
    id: Uuid,
) -> Result<Option<String>, StorageError> {
    let tx = begin(db, store)?;
    Ok(tx
        .object_store(store)?
        .get(id.to_string())
        .primitive()?
        .await?)
}

/// One case as stored now, e.g. to apply an edit over what another tab saved a moment ago.
pub async fn load_case(db: &Database, id: Uuid) -> Result<Option<Case>, StorageError> {
    let text = paged::read_one(db, CASE_PAGES, &id.to_string()).await?;
    text.map(|t| decode_case(&id.to_string(), &t)).transpose()
}

/// One case's events, oldest first (the log is stored in timeline order).
pub async fn load_events(db: &Database, case_id: Uuid) -> Result<Loaded<CaseEvent>, StorageError> {
    let log = paged::read_one(db, LOG_PAGES, &case_id.to_string()).await?;
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
    draft: Option<&FormDraft>,
) -> Result<Case, StorageError> {
    let tx = begin_writing(db, [CASE_PAGES, LOG_PAGES, META, DRAFTS])?;
    let meta = tx.object_store(META)?;
    let number = read_next_number(&meta).await?;
    let key = id.to_string();
    let mut cases = Pages::open(&tx, CASE_PAGES)?;
    let mut logs = Pages::open(&tx, LOG_PAGES)?;
    cases.load([key.as_str()]).await?;
    logs.load([key.as_str()]).await?;
    let (case, event) = Case::open(
        input,
        matrix,
        id,
        CaseKey::from_number(number),
        event_id,
        actor,
        now,
    );
    refuse_invalid(&case)?;
    refuse_invalid(&event)?;
    cases.put(&key, encode_case(&case));
    logs.put(&key, encode_log(std::slice::from_ref(&event)));
    cases.put_changed()?;
    logs.put_changed()?;
    meta.put(number.saturating_add(1))
        .with_key(NEXT_CASE_NUMBER)
        .build()?;
    if let Some(draft) = draft {
        super::drafts::delete_consumed(&tx, draft).await?;
    }
    tx.commit().await?;
    Ok(case)
}

/// Writes a changed case with the events that explain it, refusing if another writer got there first.
/// `draft` is what the saving form had of its draft: this change consumes it, in the same transaction.
pub async fn save_change(
    db: &Database,
    expected_revision: u64,
    next: &Case,
    events: &[CaseEvent],
    draft: Option<&FormDraft>,
) -> Result<(), StorageError> {
    let tx = begin_writing(db, [CASE_PAGES, LOG_PAGES, TEXT_PAGES, CLOCK_PAGES, DRAFTS])?;
    write_changes(&tx, &[(expected_revision, next, events)]).await?;
    if let Some(draft) = draft {
        super::drafts::delete_consumed(&tx, draft).await?;
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
    let tx = begin_writing(db, [CASE_PAGES, LOG_PAGES, TEXT_PAGES, CLOCK_PAGES])?;
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
    for (_, next, events) in batch {
        refuse_invalid(*next)?;
        refuse_invalid(*events)?;
    }
    let mut cases = Pages::open(tx, CASE_PAGES)?;
    let keys: Vec<String> = batch
        .iter()
        .map(|(_, next, _)| next.id.to_string())
        .collect();
    cases.load(keys.iter().map(String::as_str)).await?;
    for ((expected_revision, next, _), key) in batch.iter().zip(&keys) {
        check_revision(*expected_revision, next, cases.get(key))?;
    }
    for ((_, next, _), key) in batch.iter().zip(&keys) {
        cases.put(key, encode_case(next));
    }
    cases.put_changed()?;
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
    let mut texts = Pages::open(tx, TEXT_PAGES)?;
    let mut clocks = Pages::open(tx, CLOCK_PAGES)?;
    let mut logs = Pages::open(tx, LOG_PAGES)?;
    let keys: Vec<String> = batch.iter().map(|(id, _)| id.to_string()).collect();
    // Requests go out when built, so each store's pages are read in one round trip.
    let (l, t, c) = futures::join!(
        logs.load(keys.iter().map(String::as_str)),
        texts.load(keys.iter().map(String::as_str)),
        clocks.load(keys.iter().map(String::as_str)),
    );
    [l, t, c].into_iter().collect::<Result<(), _>>()?;
    for ((_, events), key) in batch.iter().zip(&keys) {
        let Some(log) = append_to_log(logs.get(key), events) else {
            // Every event is already logged (the same breach from two tabs): nothing to add.
            continue;
        };
        logs.put(key, log);
        let mut added = String::new();
        for event in events.iter() {
            added.extend(searchable_text(event));
        }
        if !added.is_empty() {
            let text = texts.get(key).unwrap_or_default().to_owned() + &added;
            texts.put(key, text);
        }
        let mut marks = match clocks.get(key) {
            Some(text) => decode_clock_log(key, text)?,
            None => Vec::new(),
        };
        if append_marks(&mut marks, events) {
            clocks.put(key, encode_clock_log(&marks));
        }
    }
    logs.put_changed()?;
    texts.put_changed()?;
    clocks.put_changed()
}

/// Appends events that change nothing about the case record itself (a breach the clocks found),
/// in one transaction. Events have fixed ids, so writing the same one twice leaves one copy.
pub async fn append_events(db: &Database, events: &[CaseEvent]) -> Result<(), StorageError> {
    refuse_invalid(events)?;
    let tx = begin_writing(db, [LOG_PAGES, TEXT_PAGES, CLOCK_PAGES])?;
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
    let tx = begin(db, CLOCK_PAGES)?;
    let store = tx.object_store(CLOCK_PAGES)?;
    let mut logs = std::collections::HashMap::new();
    let mut unreadable = Vec::new();
    let damaged = paged::read_in_runs(&[(&store, CLOCK_PAGES)], |_, key, value| {
        let Ok(id) = Uuid::parse_str(key) else {
            return;
        };
        match decode_clock_log(key, value) {
            Ok(marks) => {
                logs.insert(id, marks);
            }
            Err(e) => unreadable.push(e),
        }
    })
    .await?;
    unreadable.splice(0..0, damaged);
    Ok((logs, unreadable))
}

fn check_revision(
    expected_revision: u64,
    next: &Case,
    stored: Option<&str>,
) -> Result<(), StorageError> {
    let Some(stored) = stored else {
        return Err(StorageError::NotFound(format!("case {}", next.key)));
    };
    let current = decode_case(&next.id.to_string(), stored)?;
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
    let tx = begin(db, TEXT_PAGES)?;
    let store = tx.object_store(TEXT_PAGES)?;
    let mut texts = std::collections::HashMap::new();
    // A key that is not a case id cannot belong to any case; it is skipped, not an error.
    // A damaged page only costs search hits; the case records themselves report damage.
    paged::read_in_runs(&[(&store, TEXT_PAGES)], |_, key, value| {
        if let Ok(id) = Uuid::parse_str(key) {
            texts.insert(id, value.to_owned());
        }
    })
    .await?;
    Ok(texts)
}

/// Stores the sample desk `make` builds from the first free numbers (cases with their history,
/// problems, worksheets), numbered after what is already here, in one transaction. Every record
/// is checked like any other write.
pub async fn load_sample_data(
    db: &Database,
    make: impl FnOnce(FirstNumbers) -> sample_desk::SampleDesk,
) -> Result<usize, StorageError> {
    let tx = begin_writing(
        db,
        [
            CASE_PAGES,
            LOG_PAGES,
            TEXT_PAGES,
            CLOCK_PAGES,
            META,
            PROBLEMS,
            RCAS,
        ],
    )?;
    let meta = tx.object_store(META)?;
    let number = |stored: Option<u32>| stored.unwrap_or(1);
    let first = FirstNumbers {
        case: read_next_number(&meta).await?,
        problem: number(meta.get(NEXT_PROBLEM_NUMBER).primitive()?.await?),
        rca: number(meta.get(NEXT_RCA_NUMBER).primitive()?.await?),
    };
    let desk = make(first);
    for problem in &desk.problems {
        refuse_invalid(problem)?;
    }
    for rca in &desk.rcas {
        refuse_invalid(rca)?;
    }
    put_all(&tx, &desk.cases).await?;
    let problems = tx.object_store(PROBLEMS)?;
    for problem in &desk.problems {
        problems
            .put(encode_problem(problem))
            .with_key(problem.id.to_string())
            .build()?;
    }
    let rcas = tx.object_store(RCAS)?;
    for rca in &desk.rcas {
        rcas.put(encode_rca(rca))
            .with_key(rca.id.to_string())
            .build()?;
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    meta.put(first.case.saturating_add(count(desk.cases.len())))
        .with_key(NEXT_CASE_NUMBER)
        .build()?;
    meta.put(first.problem.saturating_add(count(desk.problems.len())))
        .with_key(NEXT_PROBLEM_NUMBER)
        .build()?;
    meta.put(first.rca.saturating_add(count(desk.rcas.len())))
        .with_key(NEXT_RCA_NUMBER)
        .build()?;
    tx.commit().await?;
    Ok(desk.cases.len())
}

async fn put_all(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    set: &[SampleCase],
) -> Result<(), StorageError> {
    let mut cases = Pages::open(tx, CASE_PAGES)?;
    let mut logs = Pages::open(tx, LOG_PAGES)?;
    let mut texts = Pages::open(tx, TEXT_PAGES)?;
    let mut clocks = Pages::open(tx, CLOCK_PAGES)?;
    let keys: Vec<String> = set.iter().map(|item| item.case.id.to_string()).collect();
    for pages in [&mut cases, &mut logs, &mut texts, &mut clocks] {
        pages.load(keys.iter().map(String::as_str)).await?;
    }
    for (item, key) in set.iter().zip(&keys) {
        cases.put(key, encode_case(&item.case));
        logs.put(key, encode_log(&item.events));
        let text: String = item.events.iter().filter_map(searchable_text).collect();
        if !text.is_empty() {
            texts.put(key, text);
        }
        let marks = crate::domain::sla::ClockMark::from_events(&item.events);
        if !marks.is_empty() {
            clocks.put(key, encode_clock_log(&marks));
        }
    }
    for pages in [&mut cases, &mut logs, &mut texts, &mut clocks] {
        pages.put_changed()?;
    }
    Ok(())
}

pub(super) async fn read_next_number(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
) -> Result<u32, StorageError> {
    let stored: Option<u32> = meta.get(NEXT_CASE_NUMBER).primitive()?.await?;
    Ok(stored.unwrap_or(CaseKey::FIRST_NUMBER))
}

/// Used by tests: every case's clock log and search text, to check a write kept them in step.
pub async fn read_derived(
    db: &Database,
) -> Result<(HashMap<String, Vec<ClockMark>>, HashMap<String, String>), StorageError> {
    let tx = begin(db, [CLOCK_PAGES, TEXT_PAGES])?;
    let (clock_store, text_store) = (tx.object_store(CLOCK_PAGES)?, tx.object_store(TEXT_PAGES)?);
    let mut clocks = HashMap::new();
    let mut texts = HashMap::new();
    let mut undecodable = Vec::new();
    let damaged = paged::read_in_runs(
        &[(&clock_store, CLOCK_PAGES), (&text_store, TEXT_PAGES)],
        |store, key, value| {
            if store == 1 {
                texts.insert(key.to_owned(), value.to_owned());
                return;
            }
            match decode_clock_log(key, value) {
                Ok(marks) => {
                    clocks.insert(key.to_owned(), marks);
                }
                Err(e) => undecodable.push(e),
            }
        },
    )
    .await?;
    if let Some(first) = damaged.into_iter().chain(undecodable).next() {
        return Err(first);
    }
    Ok((clocks, texts))
}
