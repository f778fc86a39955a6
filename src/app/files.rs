//! Evidence files on a case: attach one (chosen, dropped or pasted), remove one, and read back what a case holds and its bytes.

use sha2::{Digest, Sha256};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::AppError;
use super::state::{AppState, database};
use crate::browser;
use crate::domain::attachment::{self, AttachedFile, FileOnCase, Showing};
use crate::storage::files as stored;

/// Bytes read from a file at a time while hashing, so a large file never sits whole in the
/// wasm memory (which a page never gives back).
const HASH_CHUNK: f64 = 4.0 * 1024.0 * 1024.0;
/// Bytes read to decide how a file may be shown.
const HEAD_BYTES: f64 = 4096.0;

/// A file a case holds, with whether its bytes are on this device.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    pub held: FileOnCase,
    /// False when the case came from a teammate whose bundle did not carry the bytes.
    pub on_device: bool,
}

/// The files a case holds now, oldest first.
pub async fn files_of(case_id: Uuid) -> Result<Vec<CaseFile>, AppError> {
    let db = database()?;
    let log = crate::storage::cases::load_events(&db, case_id).await?;
    let held = attachment::files_on_case(&log.items);
    let hashes: Vec<String> = held.iter().map(|h| h.file.sha256.clone()).collect();
    let present = stored::held(&db, &hashes).await?;
    Ok(held
        .into_iter()
        .zip(present)
        .map(|(held, on_device)| CaseFile { held, on_device })
        .collect())
}

/// Attaches `file` to the case: refuses it (by name and size) when too large, empty, already on
/// the case, or bigger than the space the browser has left; otherwise stores the bytes once
/// and logs the attachment, in one transaction.
pub async fn attach(
    state: AppState,
    case_id: Uuid,
    file: &web_sys::File,
) -> Result<AttachedFile, AppError> {
    attach_blob(state, case_id, file.as_ref(), &file.name(), &file.type_()).await
}

pub(super) async fn attach_blob(
    state: AppState,
    case_id: Uuid,
    blob: &web_sys::Blob,
    given_name: &str,
    media_type: &str,
) -> Result<AttachedFile, AppError> {
    let name = attachment::clean_name(given_name);
    let size = blob_size(blob);
    if let Some(why) = attachment::refusal(&name, size) {
        return Err(AppError::Refused(why));
    }
    if let Some((usage, quota)) = browser::storage_estimate().await {
        let free = (quota - usage).max(0.0);
        if size as f64 > free {
            return Err(AppError::Refused(format!(
                "{name} is {}, but this browser has only {} left for Escalation Desk; nothing was attached. Free space, or export and clear old cases",
                attachment::size_label(size),
                attachment::size_label(free as u64)
            )));
        }
    }
    let sha256 = hash(blob, size).await?;
    let before = super::cases::stored_case(state, case_id)
        .await
        .ok_or(AppError::Gone)?;
    let held: Vec<FileOnCase> = files_of(case_id)
        .await?
        .into_iter()
        .map(|f| f.held)
        .collect();
    let wanted = AttachedFile {
        sha256,
        name,
        size,
        media_type: media_type.to_string(),
    };
    let (next, event) = before
        .attach_file(
            wanted,
            &held,
            browser::new_id(),
            &state.actor(),
            browser::now(),
        )
        .map_err(|e| AppError::Refused(e.to_string()))?;
    // Read before the transaction opens: an IndexedDB transaction cannot wait on anything else.
    let bytes = JsFuture::from(blob.array_buffer())
        .await
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok())
        .ok_or_else(|| {
            AppError::Refused(format!(
                "the browser could not read {}",
                wanted_name(&event)
            ))
        })?;
    let db = database()?;
    stored::attach(&db, before.revision, &next, &event, &bytes).await?;
    let attached = match &event.kind {
        crate::domain::EventKind::FileAttached { file } => file.clone(),
        _ => return Err(AppError::Refused("not an attachment".into())),
    };
    state.publish(vec![next], &[event]);
    Ok(attached)
}

/// Takes a file off the case; its bytes go too when no other case holds them.
pub async fn remove(state: AppState, case_id: Uuid, sha256: &str) -> Result<(), AppError> {
    let before = super::cases::stored_case(state, case_id)
        .await
        .ok_or(AppError::Gone)?;
    let held: Vec<FileOnCase> = files_of(case_id)
        .await?
        .into_iter()
        .map(|f| f.held)
        .collect();
    let (next, event) = before
        .remove_file(
            sha256,
            &held,
            browser::new_id(),
            &state.actor(),
            browser::now(),
        )
        .map_err(|e| AppError::Refused(e.to_string()))?;
    stored::remove(&database()?, before.revision, &next, &event).await?;
    state.publish(vec![next], &[event]);
    Ok(())
}

/// A file's bytes, ready to show or save: typed as its content allows (`Showing`), never as
/// it claimed to be; `None` when this device does not have them.
pub async fn opened(
    sha256: &str,
    name: &str,
) -> Result<Option<(Showing, web_sys::Blob)>, AppError> {
    let Some(blob) = stored::load(&database()?, sha256).await? else {
        return Ok(None);
    };
    let head = read_bytes(&blob, 0.0, HEAD_BYTES).await?;
    let showing = attachment::showing(&head, name);
    let media_type = match showing {
        Showing::Image(media_type) => media_type,
        Showing::Pdf => "application/pdf",
        Showing::Text => "text/plain;charset=utf-8",
        Showing::DownloadOnly => "application/octet-stream",
    };
    Ok(Some((showing, retyped(&blob, media_type)?)))
}

/// The first `max_bytes` of a file as text (for a text file shown inline), and whether it went on.
pub async fn text_of(blob: &web_sys::Blob, max_bytes: u32) -> Result<(String, bool), AppError> {
    let bytes = read_bytes(blob, 0.0, f64::from(max_bytes)).await?;
    let more = blob.size() > f64::from(max_bytes);
    Ok((String::from_utf8_lossy(&bytes).into_owned(), more))
}

fn wanted_name(event: &crate::domain::CaseEvent) -> String {
    match &event.kind {
        crate::domain::EventKind::FileAttached { file } => file.name.clone(),
        _ => "the file".into(),
    }
}

pub(super) fn blob_size(blob: &web_sys::Blob) -> u64 {
    let size = blob.size();
    if size.is_finite() && size >= 0.0 {
        size as u64
    } else {
        0
    }
}

/// The same bytes under another type: the type a blob: URL is shown as is the one given here.
fn retyped(blob: &web_sys::Blob, media_type: &str) -> Result<web_sys::Blob, AppError> {
    let parts = js_sys::Array::of1(blob);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options)
        .map_err(|_| AppError::Refused("the browser could not prepare the file".into()))
}

async fn hash(blob: &web_sys::Blob, size: u64) -> Result<String, AppError> {
    let mut hasher = Sha256::new();
    let total = size as f64;
    let mut start = 0.0;
    while start < total {
        let end = (start + HASH_CHUNK).min(total);
        hasher.update(read_bytes(blob, start, end).await?);
        start = end;
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

pub(crate) async fn read_bytes(
    blob: &web_sys::Blob,
    start: f64,
    end: f64,
) -> Result<Vec<u8>, AppError> {
    let unreadable = || AppError::Refused("the browser could not read the file".into());
    let part = blob
        .slice_with_f64_and_f64(start, end)
        .map_err(|_| unreadable())?;
    let buffer = JsFuture::from(part.array_buffer())
        .await
        .map_err(|_| unreadable())?;
    let buffer: js_sys::ArrayBuffer = buffer.dyn_into().map_err(|_| unreadable())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
