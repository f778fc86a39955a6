//! Every IndexedDB transaction the app opens starts here, so a page leaving for the back/forward cache can abort what it still has open (`abort_open`).
//!
//! Why: WebKit freezes a page in its back/forward cache with its transactions unfinished, and
//! every later transaction on the same stores (from another tab, or from the app's own next load
//! in this tab) then waits until the frozen page is evicted, which in a session may be never.
//! Seen in the cross-engine suite: an import waited for good on a read-only transaction the
//! previous page had open when the test navigated away (about one run in twenty). Chromium and
//! Firefox evict such a page instead. `app::leaving` calls `abort_open` on `pagehide`.

use std::cell::RefCell;

use indexed_db_futures::database::{Database, ObjectStoreName};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use wasm_bindgen::JsCast;

use super::StorageError;

/// More unfinished transactions than this at once would be a leak, not work: the oldest go.
const MOST_TRACKED: usize = 256;

thread_local! {
    // The page's own transactions; finished ones are dropped each time a new one starts.
    static TRACKED: RefCell<Vec<web_sys::IdbTransaction>> = const { RefCell::new(Vec::new()) };
}

/// A read-only transaction over `stores`.
pub fn begin<S: ObjectStoreName>(
    db: &Database,
    stores: S,
) -> Result<Transaction<'_>, StorageError> {
    Ok(track(db.transaction(stores).build()?))
}

/// A read-write transaction over `stores`; the caller commits it explicitly.
pub fn begin_writing<S: ObjectStoreName>(
    db: &Database,
    stores: S,
) -> Result<Transaction<'_>, StorageError> {
    Ok(track(
        db.transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .build()?,
    ))
}

fn track(tx: Transaction<'_>) -> Transaction<'_> {
    let raw: web_sys::IdbTransaction = tx
        .as_sys()
        .unchecked_ref::<web_sys::IdbTransaction>()
        .clone();
    TRACKED.with(|tracked| {
        let mut tracked = tracked.borrow_mut();
        tracked.retain(unfinished);
        if tracked.len() >= MOST_TRACKED {
            tracked.remove(0);
        }
        tracked.push(raw);
    });
    tx
}

/// A finished transaction refuses to hand out a store; an open (or committing) one does, and a
/// committing one then refuses the abort in `abort_open`.
fn unfinished(tx: &web_sys::IdbTransaction) -> bool {
    tx.object_store_names()
        .get(0)
        .is_some_and(|first| tx.object_store(&first).is_ok())
}

/// Aborts every transaction of this page that is still open, and returns how many. One that is
/// committing or finished refuses the abort and is left to finish; an aborted one writes nothing
/// (a transaction is all or nothing), and its caller gets an error it already handles.
pub fn abort_open() -> usize {
    let tracked = TRACKED.with(|tracked| std::mem::take(&mut *tracked.borrow_mut()));
    tracked.iter().filter(|tx| tx.abort().is_ok()).count()
}
