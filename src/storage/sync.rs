//! Team sync's progress on this device (the pull checkpoint, and which revision of each case the server has), one JSON document in `meta`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StorageError;
use super::cases::{read_all, read_next_number};
use super::meta_json::{read_meta_json, to_json, update_meta_json};
use super::paged::Pages;
use super::records::{decode_all, decode_case, decode_log, decode_rca};
use super::schema::{CASE_PAGES, LOG_PAGES, META, RCAS};
use super::transactions::{begin, begin_writing};
use crate::domain::device::OnDevice;

const SYNC_PROGRESS: &str = "sync_progress";
pub const SYNC_REVIEWS: &str = "sync_reviews";
/// Where a reviews record that could not be read is kept, as it was, before the reviews start
/// afresh: it may hold a review raised here and not yet sent, so it is never overwritten.
pub const SYNC_REVIEWS_UNREADABLE: &str = "sync_reviews_unreadable";

/// Reviews of fields both sides changed (team sync), as their documents by id, apart from the
/// progress: the sync loop keeps its progress in memory, while a review is resolved from a page
/// (in any tab), so each change to them is its own transaction on this record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredReviews {
    /// Which server and database these are for: another one starts from none.
    pub target: String,
    /// Each review's document as the server has it, or as changed here; read again through the
    /// same checks as the server's on every use (a stored record is untrusted too).
    pub docs: BTreeMap<String, serde_json::Value>,
    /// Reviews raised or resolved here and not yet on the server.
    pub unpushed: BTreeSet<String>,
}

/// Reviews kept, at most; past it the oldest resolved ones go first.
pub const MAX_REVIEWS: usize = 500;

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
    /// Per record document (`rec:…`): the content hash last agreed with the server (pushed or
    /// pulled) and the server's `_rev` of it. Absent from progress written before records synced.
    pub records: BTreeMap<String, (String, String)>,
    /// Fields both sides changed that were settled to the server's value, all told.
    pub settled: u64,
    /// The latest documents refused on arrival ("id: path: reason"), newest last, at most
    /// `MAX_REFUSED`: kept, so a reload still shows what was refused before it.
    pub refused: Vec<String>,
    /// Cases made here that gave their provisional number to a teammate's, in words, newest
    /// last, at most `MAX_REFUSED`: kept, so the person can still find what moved.
    pub renumbered: Vec<String>,
    /// Event documents pulled before the case record that names them (a push sends a batch's
    /// events first), kept in memory for the page that brings the record, so they are not
    /// fetched again. Never stored: after a reload, the few still wanted are fetched by id.
    #[serde(skip)]
    pub pending_events: HashMap<String, serde_json::Value>,
    /// The server's revision of this device's checkpoint, as last read or written: a write names
    /// it rather than reading the checkpoint first (a read of one not yet made answers 404,
    /// which browsers log as an error). Never stored: read again when sync starts.
    #[serde(skip)]
    pub checkpoint_rev: Option<String>,
    /// Whether a pull has reached the end of the server's changes since sync started here.
    /// Until then nothing is pushed (a case made here first settles its number against the
    /// team's); after, a push no longer waits for a busy server's pages to run out.
    #[serde(skip)]
    pub caught_up: bool,
    /// Whether the next pull asks for ids and revisions only: set by a push (its documents come
    /// back next) and kept while pages are mostly this device's own documents. Never stored.
    #[serde(skip)]
    pub light_pull: bool,
    /// Pages pulled since this progress was last saved: a long pull saves it (and writes the
    /// server's checkpoint) every few pages rather than after each. Never stored.
    #[serde(skip)]
    pub pages_unsaved: u32,
    /// Documents the server refused at a push (a validation rule of the team's, say), by id,
    /// with the version refused (a case's local revision, a record's content hash): not sent
    /// again until they change here, so refusals neither fill every batch (keeping the rest
    /// from going up) nor go up again every second. Never stored: a reload tries them once more.
    #[serde(skip)]
    pub refused_pushes: HashMap<String, String>,
}

/// Event documents held for records still to come, at most: past this, the oldest wait is
/// dropped and those events are fetched by id when their record arrives.
pub const MAX_PENDING_EVENTS: usize = 100_000;

/// Refusals kept in the progress document.
pub const MAX_REFUSED: usize = 50;

/// The stored progress, or a fresh one when there is none or it cannot be read: at worst the
/// next pull starts again from the beginning, which changes nothing already here.
pub async fn load(db: &Database) -> Result<SyncProgress, StorageError> {
    read_meta_json(db, SYNC_PROGRESS).await
}

pub async fn save(db: &Database, progress: &SyncProgress) -> Result<(), StorageError> {
    let text = to_json(progress);
    let tx = begin_writing(db, META)?;
    tx.object_store(META)?
        .put(text)
        .with_key(SYNC_PROGRESS)
        .build()?;
    tx.commit().await?;
    Ok(())
}

/// The reviews stored here; none when there are none or they cannot be read.
pub async fn load_reviews(db: &Database) -> Result<StoredReviews, StorageError> {
    read_meta_json(db, SYNC_REVIEWS).await
}

/// Reads the reviews, changes them with `change` and writes them back, in one transaction, so
/// a review resolved in one tab and one pulled by the syncing tab are both kept.
pub async fn update_reviews(
    db: &Database,
    change: impl FnOnce(&mut StoredReviews),
) -> Result<StoredReviews, StorageError> {
    update_meta_json(db, SYNC_REVIEWS, SYNC_REVIEWS_UNREADABLE, change).await
}

/// What a pulled page merges against, read in one transaction: the records and logs of `ids`
/// only (a case not here is left out), every worksheet (the merge's write checks that none
/// moved) and the case numbering. Nothing else is read: reading every case for every page
/// made the first pull of 10k cases quadratic. A record or log that cannot be read is an
/// error, as for an import: merging over it could drop what it holds.
pub async fn read_for_sync(db: &Database, ids: &[Uuid]) -> Result<OnDevice, StorageError> {
    let tx = begin(db, [CASE_PAGES, LOG_PAGES, RCAS, META])?;
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut cases = Pages::open(&tx, CASE_PAGES)?;
    let mut logs = Pages::open(&tx, LOG_PAGES)?;
    cases.load(keys.iter().map(String::as_str)).await?;
    logs.load(keys.iter().map(String::as_str)).await?;
    let mut found = Vec::with_capacity(ids.len());
    let mut events = HashMap::with_capacity(ids.len());
    for (id, key) in ids.iter().zip(&keys) {
        let Some(text) = cases.get(key) else {
            continue;
        };
        found.push(decode_case(key, text)?);
        let log = decode_log(key, logs.get(key).unwrap_or_default());
        if let Some(first) = log.unreadable.into_iter().next() {
            return Err(first);
        }
        events.insert(*id, log.items);
    }
    let (rca_keys, rca_values) = read_all(&tx.object_store(RCAS)?).await?;
    let rcas = decode_all(&rca_keys, &rca_values, decode_rca);
    if let Some(first) = rcas.unreadable.into_iter().next() {
        return Err(first);
    }
    let next_case_number = read_next_number(&tx.object_store(META)?).await?;
    Ok(OnDevice {
        cases: found,
        events,
        rcas: rcas.items,
        next_case_number,
        ..OnDevice::default()
    })
}
