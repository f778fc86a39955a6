//! Browser persistence: the IndexedDB schema, its migrations, one function per transaction, and preferences.
//!
//! Every write opens one transaction, issues its requests, and ends with an
//! explicit `commit()`; indexed_db_futures rolls back anything not committed,
//! so an error or a dropped future leaves the database as it was.

pub mod draft_key;
pub mod page;
pub mod records;

pub use draft_key::DraftKey;

#[cfg(target_arch = "wasm32")]
pub mod backups;
#[cfg(target_arch = "wasm32")]
pub mod cases;
#[cfg(target_arch = "wasm32")]
pub mod drafts;
#[cfg(target_arch = "wasm32")]
pub mod exchange;
#[cfg(target_arch = "wasm32")]
pub mod files;
#[cfg(target_arch = "wasm32")]
mod meta_json;
#[cfg(target_arch = "wasm32")]
pub mod paged;
#[cfg(target_arch = "wasm32")]
pub mod playbooks;
#[cfg(target_arch = "wasm32")]
pub mod prefs;
#[cfg(target_arch = "wasm32")]
pub mod problems;
#[cfg(target_arch = "wasm32")]
pub mod quarantine;
#[cfg(target_arch = "wasm32")]
pub mod queue_preview;
#[cfg(target_arch = "wasm32")]
pub mod rcas;
#[cfg(target_arch = "wasm32")]
pub mod schema;
#[cfg(target_arch = "wasm32")]
pub mod settings;
#[cfg(target_arch = "wasm32")]
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod sync_records;
#[cfg(target_arch = "wasm32")]
pub mod sync_removed;
#[cfg(target_arch = "wasm32")]
pub mod transactions;

#[cfg(target_arch = "wasm32")]
use indexed_db_futures::error::{DomException, Error as IdbError, OpenDbError};

#[cfg(target_arch = "wasm32")]
pub use schema::{CURRENT_VERSION, open_database, open_database_at_version};

/// Everything that can go wrong below the UI, phrased so the UI can show it as is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    #[error(
        "this browser will not open local storage ({0}). Private browsing or a blocked site setting are the usual causes"
    )]
    Unavailable(String),
    #[error(
        "the disk or the browser's storage quota is full; nothing was saved. Free space or export and clear old cases"
    )]
    QuotaExceeded,
    #[error(
        "another tab changed {what} first (you had revision {expected}, it is now {found}); reload to see their change"
    )]
    Conflict {
        what: String,
        expected: u64,
        found: u64,
    },
    /// A whole-document save found the stored document changed since the editor opened it.
    #[error(
        "another tab saved {0} while you were editing, so nothing was saved; your changes are still here"
    )]
    ChangedElsewhere(String),
    #[error("{0} was not found")]
    NotFound(String),
    #[error(
        "since the preview, another tab changed {}; nothing was written. Preview again to decide on what is there now",
        .0.join(", ")
    )]
    Moved(Vec<String>),
    #[error("stored record {key} in '{store}' cannot be read: {reason}")]
    Corrupt {
        store: &'static str,
        key: String,
        reason: String,
    },
    #[error(
        "a newer version of Escalation Desk upgraded this database (version {found}); reload to use it"
    )]
    NewerSchema { found: u32 },
    #[error(
        "the database is being upgraded by another tab; close other Escalation Desk tabs and reload"
    )]
    Blocked,
    #[error(
        "Escalation Desk was updated or reset in another tab, so this tab let go of its data to let that finish. Reload to continue; everything you saved is kept"
    )]
    ClosedForAnotherTab,
    #[error("{0}")]
    Rejected(String),
    #[error("storage failed: {0}")]
    Failed(String),
}

impl StorageError {
    /// A stored case that could not be decoded (as opposed to a problem with settings or problems).
    pub fn is_unreadable_case(&self) -> bool {
        matches!(self, StorageError::Corrupt { store: "cases", .. })
    }
}

/// Why IndexedDB last aborted a transaction, as the boot script noted it, cleared once read.
#[cfg(target_arch = "wasm32")]
fn take_last_abort() -> Option<String> {
    let global = js_sys::global();
    let key = wasm_bindgen::JsValue::from_str("__escalationDeskLastAbort");
    let reason = js_sys::Reflect::get(&global, &key).ok()?.as_string();
    let _ = js_sys::Reflect::set(&global, &key, &wasm_bindgen::JsValue::NULL);
    reason
}

#[cfg(target_arch = "wasm32")]
impl From<IdbError> for StorageError {
    fn from(error: IdbError) -> Self {
        if let IdbError::DomException(dom) = &error {
            let name = web_sys::DomException::from(dom.clone()).name();
            if name == "QuotaExceededError" {
                return StorageError::QuotaExceeded;
            }
            if let DomException::InvalidStateError(_) = dom {
                return StorageError::Failed(format!(
                    "the database connection was closed ({})",
                    dom.message()
                ));
            }
        }
        if let IdbError::MissingData(
            indexed_db_futures::error::UnexpectedDataError::TransactionAborted,
        ) = &error
        {
            // A full disk shows up when the write commits: the browser aborts the transaction
            // and puts the QuotaExceededError on it, which indexed_db_futures does not pass on.
            // The page's boot script records it (scripts/csp.mjs); read it once here.
            return match take_last_abort().as_deref() {
                Some("QuotaExceededError") => StorageError::QuotaExceeded,
                Some(name) => StorageError::Failed(format!(
                    "the browser aborted the write ({name}); nothing was saved"
                )),
                None => {
                    StorageError::Failed("the browser aborted the write; nothing was saved".into())
                }
            };
        }
        StorageError::Failed(error.to_string())
    }
}

#[cfg(target_arch = "wasm32")]
impl From<OpenDbError> for StorageError {
    fn from(error: OpenDbError) -> Self {
        match error {
            OpenDbError::Base(IdbError::DomException(dom)) => {
                let sys = web_sys::DomException::from(dom);
                match sys.name().as_str() {
                    "VersionError" => StorageError::NewerSchema { found: 0 },
                    "QuotaExceededError" => StorageError::QuotaExceeded,
                    _ => StorageError::Unavailable(format!("{}: {}", sys.name(), sys.message())),
                }
            }
            other => StorageError::Unavailable(other.to_string()),
        }
    }
}
