//! Team settings, SLA settings, email templates and the partner directory in the `meta` store: one JSON document each, read at start and replaced on save.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

use super::StorageError;
use super::drafts::FormDraft;
use super::schema::{DRAFTS, META};
use super::sync_removed::{Removed, note_removals};
use super::transactions::{begin, begin_writing};
use crate::domain::partners::PartnerDirectory;
use crate::domain::settings::TeamSettings;
use crate::domain::sla::SlaSettings;
use crate::domain::templates::TemplateLibrary;

pub(super) const TEAM_SETTINGS: &str = "team_settings";
pub(super) const SLA_SETTINGS: &str = "sla_settings";
pub(super) const TEMPLATES: &str = "email_templates";
pub(super) const PARTNERS: &str = "partner_directory";

/// The saved settings, or the defaults when none were saved yet.
pub async fn load_settings(db: &Database) -> Result<TeamSettings, StorageError> {
    load_document(db, TEAM_SETTINGS).await
}

/// Saves validated settings if the stored ones are still `expected` (what the form or a
/// pulled merge started from; `None` saves over whatever is there).
pub async fn save_settings(
    db: &Database,
    expected: Option<&TeamSettings>,
    settings: &TeamSettings,
) -> Result<(), StorageError> {
    save_document(db, TEAM_SETTINGS, "the team settings", expected, settings).await
}

/// The saved SLA policies and calendars, or the starter set when none were saved yet.
pub async fn load_sla_settings(db: &Database) -> Result<SlaSettings, StorageError> {
    load_document(db, SLA_SETTINGS).await
}

/// Saves SLA settings that the caller has already validated, if the stored ones are still
/// `expected` (as `save_settings`).
pub async fn save_sla_settings(
    db: &Database,
    expected: Option<&SlaSettings>,
    settings: &SlaSettings,
) -> Result<(), StorageError> {
    save_document(db, SLA_SETTINGS, "the SLA settings", expected, settings).await
}

/// The team's email templates, or the starter set when none were saved yet.
pub async fn load_templates(db: &Database) -> Result<TemplateLibrary, StorageError> {
    load_document(db, TEMPLATES).await
}

/// Saves a library that the caller has already validated if the stored one is still
/// `expected` (what the editor started from; `None`: the person chose to save over whatever is
/// there), and deletes the editor's draft in the same transaction, so a saved edit is never
/// offered back as unsaved.
pub async fn save_templates(
    db: &Database,
    expected: Option<&TemplateLibrary>,
    library: &TemplateLibrary,
    draft: &FormDraft,
) -> Result<(), StorageError> {
    save_consuming_draft(
        db,
        TEMPLATES,
        "the email templates",
        expected,
        library,
        draft,
        |stored: &TemplateLibrary| {
            removed_between(
                "template",
                stored.templates.iter().map(|t| t.id.clone()),
                library.templates.iter().map(|t| t.id.clone()),
            )
        },
    )
    .await
}

/// The partner teams, or the starter directory when none was saved yet.
pub async fn load_partners(db: &Database) -> Result<PartnerDirectory, StorageError> {
    load_document(db, PARTNERS).await
}

/// Saves a validated directory if the stored one is still `expected` (as `save_templates`) and
/// deletes the editor's draft in the same transaction.
pub async fn save_partners(
    db: &Database,
    expected: Option<&PartnerDirectory>,
    directory: &PartnerDirectory,
    draft: &FormDraft,
) -> Result<(), StorageError> {
    save_consuming_draft(
        db,
        PARTNERS,
        "the partner teams",
        expected,
        directory,
        draft,
        |stored: &PartnerDirectory| {
            // A team is known by its name without case: a rename of "risk" to "Risk" keeps it.
            removed_between(
                "partner",
                stored.teams.iter().map(|t| t.name.to_lowercase()),
                directory.teams.iter().map(|t| t.name.to_lowercase()),
            )
        },
    )
    .await
}

/// Compare-and-set on one whole document: the stored copy is read in the writing transaction,
/// so another tab's save between the check and the write is impossible.
async fn save_consuming_draft<T>(
    db: &Database,
    key: &'static str,
    what: &str,
    expected: Option<&T>,
    document: &T,
    draft: &FormDraft,
    removed_since: impl FnOnce(&T) -> Vec<Removed>,
) -> Result<(), StorageError>
where
    T: Serialize + DeserializeOwned + Default + PartialEq + crate::domain::validate::Validate,
{
    let tx = begin_writing(db, [META, DRAFTS])?;
    super::records::refuse_invalid(document)?;
    let meta = tx.object_store(META)?;
    let stored: Option<T> = match (read_document(&meta, key).await, expected) {
        (Ok(stored), _) => Some(stored),
        (Err(unreadable), Some(_)) => return Err(unreadable),
        // Saved over on purpose (no `expected`): a stored copy that cannot be read has
        // nothing to compare with, and nothing it held can be named as removed.
        (Err(_), None) => None,
    };
    if let (Some(expected), Some(stored)) = (expected, &stored)
        && stored != expected
    {
        return Err(StorageError::ChangedElsewhere(what.to_string()));
    }
    if let Some(stored) = &stored {
        // Noted with the save, for team sync to remove on the server too.
        note_removals(&meta, removed_since(stored)).await?;
    }
    // Proof: settings are derived Serialize over strings, numbers, times and lists, which
    // serde_json writes to memory without error.
    #[allow(clippy::expect_used)]
    let text = serde_json::to_string(document).expect("settings always serialise");
    meta.put(text).with_key(key).build()?;
    super::drafts::delete_consumed(&tx, draft).await?;
    tx.commit().await?;
    Ok(())
}

/// The ids in `before` that `after` no longer holds, as removals.
fn removed_between(
    kind: &str,
    before: impl Iterator<Item = String>,
    after: impl Iterator<Item = String>,
) -> Vec<Removed> {
    let kept: std::collections::HashSet<String> = after.collect();
    before
        .filter(|id| !kept.contains(id))
        .map(|id| Removed {
            kind: kind.to_string(),
            id,
        })
        .collect()
}

async fn load_document<T: DeserializeOwned + Default + crate::domain::validate::Validate>(
    db: &Database,
    key: &'static str,
) -> Result<T, StorageError> {
    let tx = begin(db, META)?;
    read_document(&tx.object_store(META)?, key).await
}

/// One settings document from `meta`, inside a transaction the caller holds.
pub(super) async fn read_document<
    T: DeserializeOwned + Default + crate::domain::validate::Validate,
>(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
    key: &'static str,
) -> Result<T, StorageError> {
    let stored: Option<String> = meta.get(key).primitive()?.await?;
    match stored {
        None => Ok(T::default()),
        Some(text) => super::records::decode_document(key, &text),
    }
}

/// Compare-and-set on one settings document, as `save_consuming_draft` without a draft.
async fn save_document<T>(
    db: &Database,
    key: &'static str,
    what: &str,
    expected: Option<&T>,
    document: &T,
) -> Result<(), StorageError>
where
    T: Serialize + DeserializeOwned + Default + PartialEq + crate::domain::validate::Validate,
{
    let tx = begin_writing(db, META)?;
    super::records::refuse_invalid(document)?;
    if let Some(expected) = expected {
        let stored: T = read_document(&tx.object_store(META)?, key).await?;
        if stored != *expected {
            return Err(StorageError::ChangedElsewhere(what.to_string()));
        }
    }
    // Proof: settings are derived Serialize over strings, numbers, times and lists, which
    // serde_json writes to memory without error.
    #[allow(clippy::expect_used)]
    let text = serde_json::to_string(document).expect("settings always serialise");
    tx.object_store(META)?.put(text).with_key(key).build()?;
    tx.commit().await?;
    Ok(())
}
