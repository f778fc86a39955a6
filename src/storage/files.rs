//! Evidence files: their bytes (an ArrayBuffer each) keyed by SHA-256 (one copy however many cases hold them), and which cases refer to each.
//!
//! The log says which files a case holds (`domain::attachment`); this module keeps the bytes and
//! a reference list per hash, so bytes go only when no case refers to them any more. Imports add
//! references for the files their logs name and never delete bytes: an orphan costs disk space,
//! a wrong deletion would cost evidence.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::StorageError;
use super::cases::write_changes;
use super::schema::{CASE_PAGES, CLOCK_PAGES, FILE_REFS, FILES, LOG_PAGES, TEXT_PAGES};
use super::transactions::{begin, begin_writing};
use crate::domain::case::events::EventKind;
use crate::domain::{Case, CaseEvent};

/// The stores a file's attachment or removal writes, with the case and its log.
const WRITTEN: [&str; 6] = [
    CASE_PAGES,
    LOG_PAGES,
    TEXT_PAGES,
    CLOCK_PAGES,
    FILES,
    FILE_REFS,
];

/// Saves the case with its `FileAttached` event and the file's bytes (unless the same bytes
/// are already stored), in one transaction: on a full disk nothing is half-written.
///
/// The bytes are stored as an `ArrayBuffer`, not a `Blob`: WebKitGTK aborts a transaction that
/// puts a Blob (seen in the cross-engine suite), and every engine stores an ArrayBuffer.
pub async fn attach(
    db: &Database,
    expected_revision: u64,
    next: &Case,
    event: &CaseEvent,
    bytes: &js_sys::ArrayBuffer,
) -> Result<(), StorageError> {
    let EventKind::FileAttached { file } = &event.kind else {
        return Err(StorageError::Failed(
            "an attachment without its file".into(),
        ));
    };
    let tx = begin_writing(db, WRITTEN)?;
    write_changes(
        &tx,
        &[(expected_revision, next, std::slice::from_ref(event))],
    )
    .await?;
    let files = tx.object_store(FILES)?;
    let stored: Option<wasm_bindgen::JsValue> =
        files.get(file.sha256.as_str()).primitive()?.await?;
    if stored.is_none_or(|v| v.is_undefined()) {
        files
            .put(wasm_bindgen::JsValue::from(bytes.clone()))
            .with_key(file.sha256.as_str())
            .build()?;
    }
    add_refs(&tx, &[(next.id, file.sha256.clone())]).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the case with its `FileRemoved` event, and deletes the bytes if no other case refers
/// to them, in one transaction.
pub async fn remove(
    db: &Database,
    expected_revision: u64,
    next: &Case,
    event: &CaseEvent,
) -> Result<(), StorageError> {
    let EventKind::FileRemoved { sha256, .. } = &event.kind else {
        return Err(StorageError::Failed("a removal without its file".into()));
    };
    let tx = begin_writing(db, WRITTEN)?;
    write_changes(
        &tx,
        &[(expected_revision, next, std::slice::from_ref(event))],
    )
    .await?;
    let refs_store = tx.object_store(FILE_REFS)?;
    let mut refs = read_refs(&refs_store, sha256).await?;
    let known = !refs.is_empty();
    let case = next.id.to_string();
    refs.retain(|id| *id != case);
    // A hash nobody listed (its bytes came before references were kept, or never came) is
    // left alone: only a list that empties says the bytes are unused.
    if known && refs.is_empty() {
        refs_store.delete(sha256.as_str()).build()?;
        tx.object_store(FILES)?.delete(sha256.as_str()).build()?;
    } else if known {
        refs_store
            .put(encode_refs(&refs))
            .with_key(sha256.as_str())
            .build()?;
    }
    tx.commit().await?;
    Ok(())
}

/// The stored bytes of a file, if this device has them (an imported case may name a file whose
/// bytes stayed with the teammate).
pub async fn load(db: &Database, sha256: &str) -> Result<Option<web_sys::Blob>, StorageError> {
    let tx = begin(db, FILES)?;
    let value: Option<wasm_bindgen::JsValue> =
        tx.object_store(FILES)?.get(sha256).primitive()?.await?;
    let Some(value) = value else {
        return Ok(None);
    };
    let value = match value.dyn_into::<web_sys::Blob>() {
        Ok(blob) => return Ok(Some(blob)),
        Err(other) => other,
    };
    let Ok(buffer) = value.dyn_into::<js_sys::ArrayBuffer>() else {
        return Ok(None);
    };
    web_sys::Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(&buffer))
        .map(Some)
        .map_err(|_| StorageError::Failed(format!("file {sha256} could not be read back")))
}

/// The stored bytes of a file as an `ArrayBuffer`, for an export that carries them.
pub async fn load_bytes(
    db: &Database,
    sha256: &str,
) -> Result<Option<js_sys::ArrayBuffer>, StorageError> {
    let tx = begin(db, FILES)?;
    let value: Option<wasm_bindgen::JsValue> =
        tx.object_store(FILES)?.get(sha256).primitive()?.await?;
    let Some(value) = value else {
        return Ok(None);
    };
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Some(buffer.clone()));
    }
    // Bytes stored as a Blob by an earlier build are read out of it.
    let Ok(blob) = value.dyn_into::<web_sys::Blob>() else {
        return Ok(None);
    };
    let read = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| StorageError::Failed(format!("file {sha256} could not be read back")))?;
    Ok(read.dyn_into::<js_sys::ArrayBuffer>().ok())
}

/// Stores bytes a bundle carried (already checked against their hash) unless the same bytes
/// are here, in their own transaction; true when they were new. The references come with the
/// import that names them; bytes no case names yet cost only space (see the module note).
pub async fn store_carried(
    db: &Database,
    sha256: &str,
    bytes: &js_sys::ArrayBuffer,
) -> Result<bool, StorageError> {
    let tx = begin_writing(db, FILES)?;
    let files = tx.object_store(FILES)?;
    let stored: Option<wasm_bindgen::JsValue> = files.get(sha256).primitive()?.await?;
    let new = stored.is_none_or(|v| v.is_undefined());
    if new {
        files
            .put(wasm_bindgen::JsValue::from(bytes.clone()))
            .with_key(sha256)
            .build()?;
    }
    tx.commit().await?;
    Ok(new)
}

/// Which of `hashes` this device holds the bytes of.
pub async fn held(db: &Database, hashes: &[String]) -> Result<Vec<bool>, StorageError> {
    let tx = begin(db, FILES)?;
    let store = tx.object_store(FILES)?;
    let mut found = Vec::with_capacity(hashes.len());
    for hash in hashes {
        let key: Option<String> = store
            .get_key(hash.as_str())
            .with_key_type::<String>()
            .primitive()?
            .await?;
        found.push(key.is_some());
    }
    Ok(found)
}

/// Adds each (case, hash) to that hash's reference list, inside the caller's transaction.
pub(super) async fn add_refs(
    tx: &Transaction<'_>,
    pairs: &[(Uuid, String)],
) -> Result<(), StorageError> {
    if pairs.is_empty() {
        return Ok(());
    }
    let store = tx.object_store(FILE_REFS)?;
    for (case, hash) in pairs {
        let mut refs = read_refs(&store, hash).await?;
        let case = case.to_string();
        if !refs.contains(&case) {
            refs.push(case);
            store
                .put(encode_refs(&refs))
                .with_key(hash.as_str())
                .build()?;
        }
    }
    Ok(())
}

/// The (case, hash) pairs of every file a log attaches, for `add_refs`.
pub(super) fn attached_in(case: Uuid, events: &[CaseEvent]) -> Vec<(Uuid, String)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::FileAttached { file } => Some((case, file.sha256.clone())),
            _ => None,
        })
        .collect()
}

async fn read_refs(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    hash: &str,
) -> Result<Vec<String>, StorageError> {
    let text: Option<String> = store.get(hash).primitive()?.await?;
    match text {
        None => Ok(Vec::new()),
        // A reference list that cannot be read keeps its bytes: it is treated as naming a case.
        Some(text) => Ok(serde_json::from_str(&text).unwrap_or_else(|_| vec![String::new()])),
    }
}

fn encode_refs(refs: &[String]) -> String {
    serde_json::to_string(refs).unwrap_or_else(|_| "[]".into())
}
