//! The email templates and partner teams removed in an editor here, noted with the save that removed them, until team sync has removed them on the server too.

use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use serde::{Deserialize, Serialize};

use super::StorageError;
use super::meta_json::{change_meta_json, read_meta_json, update_meta_json};

const SYNC_REMOVED: &str = "sync_removed";
const SYNC_REMOVED_UNREADABLE: &str = "sync_removed_unreadable";
/// Removals kept at most; past it the oldest go first (one not yet sent then stays on the
/// server and on teammates' devices: nothing is lost, a template is only not removed there).
pub const MAX_REMOVED: usize = 500;

/// An email template or partner team the person removed here, noted in the same transaction
/// as the save that removed it, for team sync to remove on the server too. Only a removal made
/// in an editor is noted: a restore or a record set aside by safe mode removes nothing there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// `template` or `partner`.
    pub kind: String,
    /// The template's id, or the partner team's name.
    pub id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredRemovals {
    /// Oldest first.
    pub items: Vec<Removed>,
}

/// The removals not yet sent; none when there are none or they cannot be read.
pub async fn load_removals(db: &Database) -> Result<StoredRemovals, StorageError> {
    read_meta_json(db, SYNC_REMOVED).await
}

/// Reads the removals, changes them with `change` and writes them back in one transaction.
pub async fn update_removals(
    db: &Database,
    change: impl FnOnce(&mut StoredRemovals),
) -> Result<StoredRemovals, StorageError> {
    update_meta_json(db, SYNC_REMOVED, SYNC_REMOVED_UNREADABLE, |stored| {
        change(stored);
        cap_removals(stored);
    })
    .await
}

/// Adds `removed` to the list in the caller's transaction (the editor's save), replacing an
/// older note of the same record.
pub(super) async fn note_removals(
    meta: &ObjectStore<'_>,
    removed: Vec<Removed>,
) -> Result<(), StorageError> {
    if removed.is_empty() {
        return Ok(());
    }
    change_meta_json(
        meta,
        SYNC_REMOVED,
        SYNC_REMOVED_UNREADABLE,
        |stored: &mut StoredRemovals| {
            stored.items.retain(|old| {
                !removed
                    .iter()
                    .any(|new| new.kind == old.kind && new.id == old.id)
            });
            stored.items.extend(removed);
            cap_removals(stored);
        },
    )
    .await?;
    Ok(())
}

fn cap_removals(stored: &mut StoredRemovals) {
    let excess = stored.items.len().saturating_sub(MAX_REMOVED);
    stored.items.drain(..excess);
}
