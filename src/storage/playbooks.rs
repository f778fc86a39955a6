//! Playbooks in their own store: load them all, and save one with a revision check so two tabs never overwrite each other.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;

use super::StorageError;
use super::cases::read_all;
use super::drafts::FormDraft;
use super::records::{Loaded, decode_all, decode_playbook, encode_playbook};
use super::schema::{DRAFTS, PLAYBOOKS};
use super::transactions::{begin, begin_writing};
use crate::domain::playbooks::Playbook;

pub async fn load_playbooks(db: &Database) -> Result<Loaded<Playbook>, StorageError> {
    let tx = begin(db, PLAYBOOKS)?;
    let (keys, values) = read_all(&tx.object_store(PLAYBOOKS)?).await?;
    Ok(decode_all(&keys, &values, decode_playbook))
}

/// Writes `playbook` if the stored copy is still at `expected_revision` (`None`: it must not
/// exist yet), and deletes the editor's draft in the same transaction.
pub async fn save_playbook(
    db: &Database,
    expected_revision: Option<u64>,
    playbook: &Playbook,
    draft: Option<&FormDraft>,
) -> Result<(), StorageError> {
    let tx = begin_writing(db, [PLAYBOOKS, DRAFTS])?;
    super::records::refuse_invalid(playbook)?;
    let store = tx.object_store(PLAYBOOKS)?;
    let key = playbook.id.to_string();
    let stored: Option<String> = store.get(key.as_str()).primitive()?.await?;
    let found = match stored {
        Some(text) => Some(decode_playbook(&key, &text)?.revision),
        None => None,
    };
    if found != expected_revision {
        return Err(StorageError::Conflict {
            what: format!("playbook '{}'", playbook.current().title),
            expected: expected_revision.unwrap_or(0),
            found: found.unwrap_or(0),
        });
    }
    store.put(encode_playbook(playbook)).with_key(key).build()?;
    if let Some(draft) = draft {
        super::drafts::delete_consumed(&tx, draft).await?;
    }
    tx.commit().await?;
    Ok(())
}
