//! The IndexedDB schema and its ordered migrations, applied inside the upgrade transaction.
//!
//! Version history (never edit a shipped step; add a new one):
//! 1. `cases` (JSON text by case id) and `meta`.
//! 2. `case_events`, the append-only log, and `drafts`; backfills a `Created`
//!    event for every case that the first schema stored without a log.
//! 3. `case_text`: the folded text of each case's notes, for search without reading the log;
//!    backfilled from the notes already in `case_events`.
//! 4. `problems`: problem records (JSON text by problem id).
//! 5. `case_clock_log`: each case's SLA-relevant events without their text, so every clock
//!    can be computed at start without reading the whole log; backfilled from `case_events`.
//! 6. `playbooks`: versioned playbooks (JSON text by playbook id), seeded with the starter pack.
//! 7. `backups`: whole-database snapshots (bundle JSON by backup id), taken before every import
//!    and restore; their list lives in `meta` so it can be shown without reading the snapshots.
//! 8. `rcas`: root-cause analysis worksheets (JSON text by worksheet id).
//! 9. `case_logs`: each case's whole log as one record (event lines by case id), replacing
//!    `case_events`' record per event; every stored line is moved over verbatim, unreadable ones
//!    included, and `case_events` is deleted in the same upgrade transaction.
//! 10. Pages (see `page`): `case_pages`, `log_pages`, `text_pages` and `clock_pages` hold what
//!     `cases`, `case_logs`, `case_text` and `case_clock_log` held, packed by key onto
//!     `PAGE_COUNT` pages each; every record is moved over verbatim, unreadable ones included,
//!     and the four old stores are deleted in the same upgrade transaction.
//! 11. `quarantine`: records set aside in safe mode (or by a restore that could not read them),
//!     kept verbatim with everything that went with them (`records::QuarantineEntry`).
//! 12. `files` (evidence files' bytes as Blobs, by SHA-256) and `file_refs` (the cases that
//!     refer to each hash, as JSON text), for `storage::files`.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionRef;

use super::StorageError;
use super::page::{Page, page_of};
use super::records::{
    decode_case, decode_event, encode_clock_log, encode_event, event_key, searchable_text,
};
use crate::domain::{CaseEvent, EventKind};

pub const CURRENT_VERSION: u32 = 12;

/// Each case's record (`records::encode_case`), paged by case id.
pub const CASE_PAGES: &str = "case_pages";
/// Each case's whole event log (`records::encode_log`), paged by case id.
pub const LOG_PAGES: &str = "log_pages";
/// Each case's folded note text, for search, paged by case id.
pub const TEXT_PAGES: &str = "text_pages";
/// Each case's clock log (`records::encode_clock_log`), paged by case id.
pub const CLOCK_PAGES: &str = "clock_pages";
pub const META: &str = "meta";
pub const DRAFTS: &str = "drafts";
pub const PROBLEMS: &str = "problems";
// The stores of schemas before 10, one record per case (events: one per event, schemas 2–8).
// Only migrations and the tests that build old databases use them.
pub const CASES: &str = "cases";
pub const CASE_EVENTS: &str = "case_events";
pub const CASE_LOGS: &str = "case_logs";
pub const CASE_TEXT: &str = "case_text";
pub const CLOCK_LOG: &str = "case_clock_log";
pub const PLAYBOOKS: &str = "playbooks";
pub const BACKUPS: &str = "backups";
pub const RCAS: &str = "rcas";
/// Records set aside: never read by the app, never deleted (`storage::quarantine`).
pub const QUARANTINE: &str = "quarantine";
/// Evidence files' bytes (Blobs), by lowercase hex SHA-256.
pub const FILES: &str = "files";
/// The case ids that refer to each file, by SHA-256 (JSON text of a list).
pub const FILE_REFS: &str = "file_refs";

/// Opens (creating or upgrading as needed) the database `name` at the current schema.
pub async fn open_database(name: &str) -> Result<Database, StorageError> {
    open_database_at_version(name, CURRENT_VERSION).await
}

/// Opens `name` at an explicit schema version. Tests use it to build databases as older apps left them.
pub async fn open_database_at_version(name: &str, version: u32) -> Result<Database, StorageError> {
    let blocked = std::rc::Rc::new(std::cell::Cell::new(false));
    let saw_blocked = blocked.clone();
    let result = Database::open(name)
        .with_version(version)
        .with_on_blocked(move |_| {
            saw_blocked.set(true);
            Ok(())
        })
        .with_on_upgrade_needed_fut(move |event, db| async move {
            let from = event.old_version() as u32;
            let to = event.new_version().map(|v| v as u32).unwrap_or(version);
            for step in (from + 1)..=to {
                apply_step(step, &db).await?;
            }
            Ok(())
        })
        .await;
    match result {
        Ok(db) => {
            let found = db.version() as u32;
            if found > CURRENT_VERSION {
                db.close();
                return Err(StorageError::NewerSchema { found });
            }
            Ok(db)
        }
        Err(e) if blocked.get() => {
            let _ = e;
            Err(StorageError::Blocked)
        }
        Err(e) => match StorageError::from(e) {
            StorageError::NewerSchema { .. } => Err(StorageError::NewerSchema { found: 0 }),
            other => Err(other),
        },
    }
}

/// Resolves when another tab needs this connection gone (a schema upgrade or a deletion).
/// The connection is closed before returning, so the other tab's upgrade is never blocked by this one.
pub async fn wait_for_version_change(db: &Database) -> Result<(), StorageError> {
    let mut listener = db.version_changes()?;
    let _ = listener.recv().await;
    db.clone().close();
    Ok(())
}

async fn apply_step(step: u32, db: &Database) -> indexed_db_futures::Result<()> {
    match step {
        1 => {
            db.create_object_store(CASES).build()?;
            db.create_object_store(META).build()?;
        }
        2 => {
            let events = db.create_object_store(CASE_EVENTS).build()?;
            db.create_object_store(DRAFTS).build()?;
            backfill_created_events(events.transaction()).await?;
        }
        3 => {
            let text = db.create_object_store(CASE_TEXT).build()?;
            backfill_case_text(text.transaction()).await?;
        }
        4 => {
            db.create_object_store(PROBLEMS).build()?;
        }
        5 => {
            let log = db.create_object_store(CLOCK_LOG).build()?;
            backfill_clock_log(log.transaction()).await?;
        }
        6 => {
            let store = db.create_object_store(PLAYBOOKS).build()?;
            // The pack arrives once, with the store: archiving one later never brings it back.
            for playbook in crate::domain::playbook_pack::starter_playbooks() {
                store
                    .put(super::records::encode_playbook(&playbook))
                    .with_key(playbook.id.to_string())
                    .build()?;
            }
        }
        7 => {
            db.create_object_store(BACKUPS).build()?;
        }
        8 => {
            db.create_object_store(RCAS).build()?;
        }
        9 => {
            let logs = db.create_object_store(CASE_LOGS).build()?;
            fold_events_into_logs(logs.transaction()).await?;
            db.delete_object_store(CASE_EVENTS)?;
        }
        10 => {
            for (old, paged) in [
                (CASES, CASE_PAGES),
                (CASE_LOGS, LOG_PAGES),
                (CASE_TEXT, TEXT_PAGES),
                (CLOCK_LOG, CLOCK_PAGES),
            ] {
                let store = db.create_object_store(paged).build()?;
                move_onto_pages(store.transaction(), old, paged).await?;
                db.delete_object_store(old)?;
            }
        }
        11 => {
            db.create_object_store(QUARANTINE).build()?;
        }
        12 => {
            db.create_object_store(FILES).build()?;
            db.create_object_store(FILE_REFS).build()?;
        }
        _ => {}
    }
    Ok(())
}

/// Every readable event in the log, in key (timeline) order. A record a step cannot read is
/// skipped and left exactly as it is; the app reports it when the case is opened.
async fn read_events(tx: &TransactionRef<'_>) -> indexed_db_futures::Result<Vec<CaseEvent>> {
    let (keys, values) = read_event_records(tx).await?;
    Ok(keys
        .iter()
        .zip(values.iter())
        .filter_map(|(key, value)| decode_event(key, value).ok())
        .collect())
}

/// Every key and text of the schema 2–8 event store, in key (timeline) order.
async fn read_event_records(
    tx: &TransactionRef<'_>,
) -> indexed_db_futures::Result<(Vec<String>, Vec<String>)> {
    read_records(tx, CASE_EVENTS).await
}

/// Every key and text of a store whose records are text under text keys, in key order.
async fn read_records(
    tx: &TransactionRef<'_>,
    store: &str,
) -> indexed_db_futures::Result<(Vec<String>, Vec<String>)> {
    let store = tx.object_store(store)?;
    let keys: Vec<String> = store
        .get_all_keys::<String>()
        .await?
        .collect::<Result<_, _>>()?;
    let values: Vec<String> = store.get_all::<String>().await?.collect::<Result<_, _>>()?;
    Ok((keys, values))
}

/// Builds each case's search text from the notes already logged.
async fn backfill_case_text(tx: &TransactionRef<'_>) -> indexed_db_futures::Result<()> {
    let mut texts: std::collections::BTreeMap<uuid::Uuid, String> = Default::default();
    for event in read_events(tx).await? {
        if let Some(words) = searchable_text(&event) {
            texts.entry(event.case_id).or_default().push_str(&words);
        }
    }
    let store = tx.object_store(CASE_TEXT)?;
    for (case_id, text) in texts {
        store.put(text).with_key(case_id.to_string()).await?;
    }
    Ok(())
}

/// Builds each case's clock log from the events already logged (keys are in timeline order).
async fn backfill_clock_log(tx: &TransactionRef<'_>) -> indexed_db_futures::Result<()> {
    let mut logs: std::collections::BTreeMap<uuid::Uuid, Vec<CaseEvent>> = Default::default();
    for event in read_events(tx).await? {
        logs.entry(event.case_id).or_default().push(event);
    }
    let store = tx.object_store(CLOCK_LOG)?;
    for (case_id, events) in logs {
        let marks = crate::domain::sla::ClockMark::from_events(&events);
        store
            .put(encode_clock_log(&marks))
            .with_key(case_id.to_string())
            .await?;
    }
    Ok(())
}

/// Schema 1 had no event log. Give each existing case the `Created` event it would have had,
/// dated at its creation, so every timeline starts at the beginning.
async fn backfill_created_events(tx: &TransactionRef<'_>) -> indexed_db_futures::Result<()> {
    let (keys, values) = read_records(tx, CASES).await?;
    let events = tx.object_store(CASE_EVENTS)?;
    for (key, text) in keys.iter().zip(values.iter()) {
        // A record this step cannot read is left exactly as it is; the app reports it on load.
        let Ok(case) = decode_case(key, text) else {
            continue;
        };
        let event = CaseEvent {
            id: uuid::Uuid::new_v5(&case.id, b"created"),
            case_id: case.id,
            at: case.created_at,
            actor: "migration".into(),
            kind: EventKind::Created {
                title: case.title.clone(),
                severity: None,
                priority: Some(case.priority),
            },
        };
        events
            .put(encode_event(&event))
            .with_key(event_key(&event))
            .await?;
    }
    Ok(())
}

/// Moves every record of `case_events` into its case's log, in key (timeline) order, as the
/// same text: a record no step can read is carried over untouched and reported when the case
/// is opened, exactly as before.
async fn fold_events_into_logs(tx: &TransactionRef<'_>) -> indexed_db_futures::Result<()> {
    let (keys, values) = read_event_records(tx).await?;
    // Keys are `<case id>|<millis>|<event id>`, so the case is the part before the first '|'.
    let mut logs: std::collections::BTreeMap<&str, String> = Default::default();
    for (key, value) in keys.iter().zip(values.iter()) {
        let case_id = key.split('|').next().unwrap_or_default();
        let log = logs.entry(case_id).or_default();
        if !log.is_empty() {
            log.push('\n');
        }
        log.push_str(value);
    }
    let store = tx.object_store(CASE_LOGS)?;
    for (case_id, log) in logs {
        store.put(log).with_key(case_id).build()?;
    }
    Ok(())
}

/// Moves every record of the per-case store `old` onto the pages of `paged`, as the same text:
/// a record the app cannot read is carried over untouched and reported as before.
async fn move_onto_pages(
    tx: &TransactionRef<'_>,
    old: &str,
    paged: &str,
) -> indexed_db_futures::Result<()> {
    let (keys, values) = read_records(tx, old).await?;
    let mut pages: std::collections::BTreeMap<u32, Page> = Default::default();
    for (key, value) in keys.iter().zip(values) {
        pages.entry(page_of(key)).or_default().insert(key, value);
    }
    let store = tx.object_store(paged)?;
    for (number, page) in pages {
        if let Some(text) = page.encode() {
            store
                .put(super::paged::page_value(&text))
                .with_key(number)
                .build()?;
        }
    }
    Ok(())
}

pub const NEXT_PROBLEM_NUMBER: &str = "next_problem_number";

pub const NEXT_RCA_NUMBER: &str = "next_rca_number";
