//! The queue's first screen from the last session, in localStorage: read synchronously at start, so the rows can show before IndexedDB has opened.

use gloo_storage::{LocalStorage, Storage};

use crate::domain::queue_preview::QueuePreview;

/// Bump the suffix when the shape changes; an older copy then fails to parse and is dropped.
pub const QUEUE_PREVIEW_KEY: &str = "escalation-desk.queue-preview.v1";

/// The stored preview, if there is one this version could have written. Anything else (a
/// copy from another version, a hand edit, a value out of range) is removed, not shown: the
/// queue rebuilds it from the real cases within a second of start.
pub fn load() -> Option<QueuePreview> {
    let stored: QueuePreview = match LocalStorage::get(QUEUE_PREVIEW_KEY) {
        Ok(preview) => preview,
        Err(gloo_storage::errors::StorageError::KeyNotFound(_)) => return None,
        Err(_) => {
            LocalStorage::delete(QUEUE_PREVIEW_KEY);
            return None;
        }
    };
    match stored.checked() {
        Ok(preview) => Some(preview),
        Err(_) => {
            LocalStorage::delete(QUEUE_PREVIEW_KEY);
            None
        }
    }
}

/// Keeps the preview for the next start. It is only a cache: when the browser refuses (a full
/// disk, storage blocked), the next start shows "Loading cases…" as it did before.
pub fn save(preview: &QueuePreview) {
    if LocalStorage::set(QUEUE_PREVIEW_KEY, preview).is_err() {
        LocalStorage::delete(QUEUE_PREVIEW_KEY);
    }
}

/// Drops the preview, so the next start shows no rows before the real ones.
pub fn clear() {
    LocalStorage::delete(QUEUE_PREVIEW_KEY);
}
