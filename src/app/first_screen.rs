//! The queue's first screen kept for the next start: what the queue page reads before IndexedDB opens, and refreshes from the live queue.

use crate::domain::queue_preview::QueuePreview;
use crate::storage::queue_preview;

/// The last session's first screen, if a usable one is kept (a damaged copy is dropped).
pub fn kept() -> Option<QueuePreview> {
    queue_preview::load()
}

/// Keeps `preview` for the next start; a refusal (full disk) only costs the next start its preview.
pub fn keep(preview: &QueuePreview) {
    queue_preview::save(preview);
}

/// Drops the kept screen: nothing is stored now, so the next start must not show rows from before.
pub fn forget() {
    queue_preview::clear();
}
