//! Team settings in the `meta` store: one JSON document, read at start and replaced on save.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;

use super::StorageError;
use super::schema::META;
use crate::domain::settings::TeamSettings;

const TEAM_SETTINGS: &str = "team_settings";

/// The saved settings, or the defaults when none were saved yet.
pub async fn load_settings(db: &Database) -> Result<TeamSettings, StorageError> {
    let tx = db.transaction(META).build()?;
    let stored: Option<String> = tx
        .object_store(META)?
        .get(TEAM_SETTINGS)
        .primitive()?
        .await?;
    match stored {
        None => Ok(TeamSettings::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| StorageError::Corrupt {
            store: "meta",
            key: TEAM_SETTINGS.into(),
            reason: e.to_string(),
        }),
    }
}

pub async fn save_settings(db: &Database, settings: &TeamSettings) -> Result<(), StorageError> {
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let text = serde_json::to_string(settings).expect("settings always serialise");
    tx.object_store(META)?
        .put(text)
        .with_key(TEAM_SETTINGS)
        .build()?;
    tx.commit().await?;
    Ok(())
}

const SLA_SETTINGS: &str = "sla_settings";

/// The saved SLA policies and calendars, or the starter set when none were saved yet.
pub async fn load_sla_settings(
    db: &Database,
) -> Result<crate::domain::sla::SlaSettings, StorageError> {
    let tx = db.transaction(META).build()?;
    let stored: Option<String> = tx
        .object_store(META)?
        .get(SLA_SETTINGS)
        .primitive()?
        .await?;
    match stored {
        None => Ok(crate::domain::sla::SlaSettings::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| StorageError::Corrupt {
            store: "meta",
            key: SLA_SETTINGS.into(),
            reason: e.to_string(),
        }),
    }
}

/// Saves SLA settings that the caller has already validated.
pub async fn save_sla_settings(
    db: &Database,
    settings: &crate::domain::sla::SlaSettings,
) -> Result<(), StorageError> {
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let text = serde_json::to_string(settings).expect("settings always serialise");
    tx.object_store(META)?
        .put(text)
        .with_key(SLA_SETTINGS)
        .build()?;
    tx.commit().await?;
    Ok(())
}
