//! App-wide state: the open database, every case as plain data in a signal, and the preferences.

use std::cell::RefCell;

use indexed_db_futures::database::Database;
use leptos::prelude::*;

use crate::domain::Case;
use crate::storage::prefs::Preferences;
use crate::storage::{self, StorageError};

/// The database every tab of the real app uses; tests open their own uniquely named ones.
pub const DATABASE_NAME: &str = "escalation-desk";

/// Where start-up stands. The queue shows a loading state until `Ready`.
#[derive(Debug, Clone, PartialEq)]
pub enum Boot {
    Loading,
    Ready,
    Failed(StorageError),
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub boot: RwSignal<Boot>,
    pub cases: RwSignal<Vec<Case>>,
    /// Why some stored cases could not be read; they stay in storage untouched.
    pub unreadable: RwSignal<Vec<String>>,
    pub prefs: RwSignal<Preferences>,
}

thread_local! {
    // IndexedDB handles are not Send, so they cannot live in a signal; the UI thread keeps one here.
    static DATABASE: RefCell<Option<Database>> = const { RefCell::new(None) };
}

/// The open database, or why there is none.
pub fn database() -> Result<Database, StorageError> {
    DATABASE
        .with(|db| db.borrow().clone())
        .ok_or_else(|| StorageError::Unavailable("the database is not open yet".into()))
}

impl AppState {
    pub fn new() -> Self {
        Self {
            boot: RwSignal::new(Boot::Loading),
            cases: RwSignal::new(Vec::new()),
            unreadable: RwSignal::new(Vec::new()),
            prefs: RwSignal::new(Preferences::load()),
        }
    }

    /// Opens the database and loads every case. Called once at start.
    pub async fn start(self) {
        match storage::open_database(DATABASE_NAME).await {
            Ok(db) => {
                DATABASE.with(|slot| *slot.borrow_mut() = Some(db.clone()));
                match self.reload_cases().await {
                    Ok(()) => self.boot.set(Boot::Ready),
                    Err(e) => self.boot.set(Boot::Failed(e)),
                }
            }
            Err(e) => self.boot.set(Boot::Failed(e)),
        }
    }

    /// Re-reads every case, e.g. after a bulk write.
    pub async fn reload_cases(self) -> Result<(), StorageError> {
        let loaded = storage::cases::load_cases(&database()?).await?;
        self.cases.set(loaded.items);
        self.unreadable
            .set(loaded.unreadable.iter().map(ToString::to_string).collect());
        Ok(())
    }

    /// Puts a saved case into the in-memory list, replacing the old copy.
    pub fn upsert(self, case: Case) {
        self.cases
            .update(|all| match all.iter_mut().find(|c| c.id == case.id) {
                Some(slot) => *slot = case,
                None => all.push(case),
            });
    }

    pub fn actor(self) -> String {
        self.prefs.with_untracked(|p| p.actor())
    }

    pub fn zone(self) -> String {
        self.prefs.with(|p| p.time_zone.clone())
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

pub fn app_state() -> AppState {
    expect_context::<AppState>()
}
