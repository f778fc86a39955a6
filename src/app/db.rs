//! The open IndexedDB database this tab holds, for every write and read the application layer makes.

use std::cell::RefCell;

use indexed_db_futures::database::Database;

use crate::storage::StorageError;

thread_local! {
    // IndexedDB handles are not Send, so they cannot live in a signal; the UI thread keeps one here.
    pub(super) static DATABASE: RefCell<Option<Database>> = const { RefCell::new(None) };
}

/// The open database, or why there is none.
pub fn database() -> Result<Database, StorageError> {
    DATABASE
        .with(|db| db.borrow().clone())
        .ok_or_else(|| StorageError::Unavailable("the database is not open yet".into()))
}

/// The database once start-up has opened it; `None` if it is still not open after 15 s (start-up
/// at 50k cases opens it well within that) or start-up failed. For work a person can start the
/// moment a page appears, before start-up has finished.
pub async fn database_when_open() -> Option<Database> {
    for _ in 0..300 {
        if let Ok(db) = database() {
            return Some(db);
        }
        let pause = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(pause).await;
    }
    None
}

/// `database_when_open`, with the reason when there is none.
pub async fn database_ready() -> Result<Database, StorageError> {
    match database_when_open().await {
        Some(db) => Ok(db),
        None => database(),
    }
}
