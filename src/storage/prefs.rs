//! Small per-browser preferences in localStorage, under a versioned key.

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

/// Bump the suffix and add a conversion when the shape changes; old keys are read once and migrated.
pub const PREFS_KEY: &str = "escalation-desk.prefs.v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Preferences {
    /// Shown as the actor on every event this browser writes.
    pub display_name: String,
    /// IANA zone for showing times; empty means "the browser's zone".
    pub time_zone: String,
    /// Views this person saved in the queue, after the starter views.
    pub views: Vec<crate::domain::queue::SavedView>,
    /// "light" or "dark"; empty follows the system setting.
    pub theme: String,
    /// Turns off the single-letter shortcuts (j, k, x, c, l, /, ?) for people who type
    /// into the page with assistive tools or simply prefer not to; Ctrl/Cmd+K stays.
    pub single_key_shortcuts_off: bool,
    /// A random id for this browser profile, named in the bundles it exports.
    pub device_id: String,
    /// When this browser last exported everything unredacted: a backup.
    pub last_backup_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The SQL console's named queries, in the order they were saved.
    pub sql_queries: Vec<SavedQuery>,
    /// What the SQL console's editor held last, so a reload or a crash keeps it.
    pub sql_draft: String,
    /// Team sync: off unless the person turned it on. No password is kept: the server's
    /// session cookie is the sign-in.
    pub sync: SyncSettings,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SyncSettings {
    pub on: bool,
    /// A path on this site, such as `/couch/` (the page may only talk to its own origin).
    pub server: String,
    pub database: String,
    /// The CouchDB user signed in, written as the author of every document pushed.
    pub user: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SavedQuery {
    pub name: String,
    pub sql: String,
}

impl Preferences {
    pub fn load() -> Preferences {
        LocalStorage::get(PREFS_KEY).unwrap_or_default()
    }

    pub fn save(&self) -> Result<(), String> {
        LocalStorage::set(PREFS_KEY, self).map_err(|e| format!("preferences were not saved: {e}"))
    }

    /// The name written on events; a fresh browser is "Specialist" until the person says otherwise.
    pub fn actor(&self) -> String {
        let name = self.display_name.trim();
        if name.is_empty() {
            "Specialist".to_string()
        } else {
            name.to_string()
        }
    }
}
